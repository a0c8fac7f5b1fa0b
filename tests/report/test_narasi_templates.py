"""The report's wording comes from templates an evaluator can override under config/narasi/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ikuanalysis import paths
from ikuanalysis.config import ConfigError, load_settings
from ikuanalysis.indicator.compute import compute_indicator
from ikuanalysis.report import sections
from ikuanalysis.report.render import PACKAGE_TEMPLATES, render_section
from tests.report.golden import build_fixture_report, visible_text

OVERRIDE = """{% from "_macros.html.j2" import section %}
{% call section("ikhtisar") %}<p>Kalimat evaluator: realisasi {{ value }}, kategori {{ category }}.</p>{% endcall %}
"""


def aggregate(**counts) -> pd.DataFrame:
    rows = [(cid, "Pahandut", "J", "register", num, den) for cid, (num, den) in counts.items()]
    return pd.DataFrame(rows, columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"])


@pytest.fixture()
def config_copy(tmp_path):
    """A temporary copy of config/ with an empty narasi/ folder."""
    folder = tmp_path / "config"
    shutil.copytree(paths.CONFIG_DIR, folder)
    (folder / "narasi").mkdir(exist_ok=True)
    return folder


def edit_iku(folder, change) -> None:
    path = folder / "iku.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_every_section_has_a_package_template():
    names = {p.name for p in PACKAGE_TEMPLATES.glob("*.html.j2")}
    for section in ("ikhtisar", "identitas", "makna", "pengukuran", "perbandingan", "sebaran", "analisis",
                    "efisiensi", "sensitivitas", "kualitas", "metodologi", "_macros", "judul", "footer", "banner"):
        assert f"{section}.html.j2" in names


def test_override_replaces_the_package_template(config_copy):
    (config_copy / "narasi" / "ikhtisar.html.j2").write_text(OVERRIDE, encoding="utf-8")
    settings = load_settings(config_copy)
    result = compute_indicator(aggregate(x1=(3, 4), x2=(3, 5), x3=(7, 8), x4=(0, 0)), settings.iku, 2025)
    html = sections.summary_section(result, settings)
    assert "Kalimat evaluator: realisasi 74,17%, kategori Sedang." in html
    assert "Pada TA 2025" not in html
    assert "Pada TA 2025" in sections.summary_section(result, load_settings())  # the package's, unchanged


@pytest.mark.e2e
def test_override_reaches_the_built_report(config_copy, tmp_path):
    (config_copy / "narasi" / "ikhtisar.html.j2").write_text(OVERRIDE, encoding="utf-8")
    folder = build_fixture_report(tmp_path / "build", config_copy)
    text = visible_text((folder / "iku_2025.html").read_text(encoding="utf-8"))
    assert "Kalimat evaluator: realisasi 74,17%, kategori Sedang." in text
    assert "2. Identitas indikator" in text  # other sections keep the package's wording


def test_unknown_variable_is_a_clear_error_naming_the_template(config_copy):
    override = config_copy / "narasi" / "ikhtisar.html.j2"
    override.write_text("<p>{{ realisasi_tahun_ini }}</p>", encoding="utf-8")
    settings = load_settings(config_copy)
    result = compute_indicator(aggregate(x1=(3, 4), x2=(3, 5), x3=(7, 8), x4=(0, 0)), settings.iku, 2025)
    with pytest.raises(ConfigError, match="variabel yang tidak dikenal") as caught:
        sections.summary_section(result, settings)
    assert str(override) in str(caught.value) and "realisasi_tahun_ini" in str(caught.value)


def test_syntax_error_in_an_override_names_file_and_line(config_copy):
    override = config_copy / "narasi" / "footer.html.j2"
    override.write_text("<p>\n{% if %}</p>", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"footer\.html\.j2, baris 2: templat narasi tidak sah"):
        render_section("footer.html.j2", {}, config_copy)


def test_negative_direction_changes_the_capaian_text(config_copy):
    edit_iku(config_copy, lambda d: d["indicator"].update(direction="negative"))
    negative = load_settings(config_copy)
    method = sections.method_section(negative, "exclude")
    assert "Capaian = (2 × target − realisasi) ÷ target × 100 (indikator negatif" in method
    assert "indikator positif" not in method
    methodology = sections.methodology_section(negative, 2025, [])
    assert "(2 × target − realisasi) ÷ target × 100 (indikator negatif)" in methodology
    assert "Capaian = realisasi ÷ target × 100 (indikator positif" in sections.method_section(load_settings(), "exclude")


def test_organisation_bands_source_and_thresholds_come_from_config(config_copy):
    def change(data):
        data["organization"].update(full_name="Dinas Sosial Kota Contoh")
        data["rating_bands_source"] = "Peraturan Contoh 1/2030"
        data["efficiency"].update(balanced_min=0.5, balanced_max=2.0)

    edit_iku(config_copy, change)
    settings = load_settings(config_copy)
    result = compute_indicator(aggregate(x1=(3, 4), x2=(3, 5), x3=(7, 8), x4=(0, 0)), settings.iku, 2025)
    assert "Indikator Kinerja Utama Dinas Sosial Kota Contoh" in sections.title_block(settings, result, True)
    assert "bukan data resmi Dinas Sosial Kota Contoh" in sections.sample_banner(True, settings)
    assert "rentang Peraturan Contoh 1/2030" in sections.method_section(settings, "exclude")
    totals = {"pagu": 100.0, "realisasi": 50.0, "percent": 50.0, "efficiency": 1.4833}
    budget = pd.DataFrame({"program": ["A"], "pagu": [100.0], "realisasi": [50.0], "percent": [50.0]})
    assert "seimbang dengan" in sections.efficiency_section(budget, totals, result, settings)
    assert "lebih tinggi daripada" in sections.efficiency_section(budget, totals, result, load_settings())


def test_component_count_comes_from_config(settings):
    full = sections.method_section(settings, "full")
    assert f"(n = {len(settings.iku.components)})" in full
    result = compute_indicator(aggregate(x1=(0, 0), x2=(0, 0), x3=(0, 0), x4=(0, 0)), settings.iku, 2025)
    assert "pada keempat komponen" in sections.summary_section(result, settings)


def test_templates_escape_register_text(settings):
    by_jenis = pd.DataFrame({"component": ["x2"], "jenis": ["<script>alert(1)</script>"], "numerator": [1],
                             "denominator": [2], "percent": [50.0], "not_handled": [1]})
    by_kecamatan = pd.DataFrame({"component": ["x2"], "kecamatan": ["<b>Pahandut</b>"], "numerator": [1],
                                 "denominator": [2], "percent": [50.0], "not_handled": [1]})
    progress = pd.DataFrame(columns=["component", "quarter", "percent", "handled_cumulative"])
    html = sections.distribution_section(by_kecamatan, by_jenis, progress, 2025, 0, settings, [],
                                         {"kecamatan": "<svg></svg>"})
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Pahandut</b>" not in html and "&lt;b&gt;Pahandut&lt;/b&gt;" in html
    assert "<svg></svg>" in html  # the trusted chart, as markup


@pytest.mark.parametrize("k", [0, 1, 5, 1000])
def test_disclosure_rule_in_the_report_matches_the_disclosure_module(k):
    import html

    from ikuanalysis.disclosure import describe_rule
    from ikuanalysis.report.render import render_macro

    rendered = render_macro("_macros.html.j2", "disclosure_rule", None, sections.disclosure_context(k))
    assert html.unescape(str(rendered)) == describe_rule(k)


def test_the_example_of_the_docs_renders(config_copy):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "narasi.md").read_text(encoding="utf-8")
    example = docs.split("```jinja\n", 1)[1].split("```", 1)[0]
    (config_copy / "narasi" / "ikhtisar.html.j2").write_text(example, encoding="utf-8")
    settings = load_settings(config_copy)
    result = compute_indicator(aggregate(x1=(3, 4), x2=(3, 5), x3=(7, 8), x4=(0, 0)), settings.iku, 2025)
    assert "Pada TA 2025, realisasi IKU sebesar 74,17% dari target 100,00%" in sections.summary_section(result, settings)
