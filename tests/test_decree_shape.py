"""The indicator's shape is data (data contract §5): a decree that adds a component x5 or drops
x4 is a change of ``config/iku.yml`` plus its registers, with no code edit. The cleaning, the
IKU, the Excel template and the charts follow the configured components."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
import yaml

from ikuanalysis.config import ConfigError, load_settings
from ikuanalysis.forms.workbook import TemplateError, layouts, write_template
from ikuanalysis.indicator.compute import compute_indicator
from ikuanalysis.ingest.discover import discover_files, register_matcher
from ikuanalysis.ingest.problems import ProblemLog, RegisterError
from ikuanalysis.ingest.year import clean_year
from ikuanalysis.report import charts
from tests.fixtures import tiny_year

YEAR = tiny_year.YEAR
X5 = {
    "id": "x5",
    "label": "Anak terlantar yang mendapatkan pengasuhan",
    "bidang": "Rehabilitasi Sosial",
    "jenis_list": "ppks",
    "numerator": "anak yang mendapatkan pengasuhan sesuai standar",
    "denominator": "anak terlantar yang terdata",
}
# The x5 register: the default layout of the template (no ``template`` block for x5).
# 4 cases, 2 handled -> 50 %.
X5_CSV = """NIK;Nama;Jenis;Kecamatan;Kelurahan;Tanggal;Status
6271050505900001;Rudi;Anak Telantar;Pahandut;Langkai;02/03/2025;Sudah
6271050505900002;Wati;Anak Telantar;Jekan Raya;Menteng;03/04/2025;Belum
6271050505900003;Joko;Anak Jalanan;Sebangau;Sabaru;04/05/2025;Ya
6271050505900004;Lina;Anak Telantar;Bukit Batu;Marang;05/06/2025;Tidak
"""
X5_COUNTS = (2, 4)


def decree_config(tmp_path, edit) -> tuple:
    """Copy ``config/`` to ``tmp_path/config``, apply ``edit`` to iku.yml, load it."""
    folder = tmp_path / "config"
    shutil.copytree(load_settings().config_dir, folder)
    path = folder / "iku.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder, load_settings(folder)


def add_x5(data: dict) -> None:
    data["components"].append(dict(X5))


def drop_x4(data: dict) -> None:
    data["components"] = [c for c in data["components"] if c["id"] != "x4"]
    data["national_standard"]["components"] = [c for c in data["national_standard"]["components"] if c != "x4"]


@pytest.fixture()
def five(tmp_path):
    """Settings with x1..x5 and a year folder with the fixture registers and an x5 register."""
    _, settings = decree_config(tmp_path, add_x5)
    folder = tiny_year.write_tiny_year(tmp_path / "raw")
    (folder / "x5_anak.csv").write_text(X5_CSV, encoding="utf-8")
    return settings, folder


@pytest.fixture()
def three(tmp_path):
    """Settings without x4; the year folder still holds the (now unused) x4 register."""
    _, settings = decree_config(tmp_path, drop_x4)
    return settings, tiny_year.write_tiny_year(tmp_path / "raw")


# --- Configuration ---------------------------------------------------------------------


def test_the_project_config_keeps_its_four_components(settings):
    assert settings.iku.component_ids == ("x1", "x2", "x3", "x4")
    assert [c.prefix for c in settings.iku.components] == ["x1", "x2", "x3", "x4"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(components=[]), "paling sedikit satu komponen"),
        (lambda d: d["components"].append(dict(d["components"][0])), "hanya boleh muncul sekali"),
        (lambda d: d["components"][0].update(id="y1"), "tidak sesuai bentuk yang diminta"),
        (lambda d: d["components"][0].update(id="x0"), "tidak sesuai bentuk yang diminta"),
        (lambda d: d["components"][1].update(file_prefix="X1"), "awalan nama berkas"),
        (lambda d: d["national_standard"].update(components=["x2", "x7"]), "national_standard"),
        (lambda d: d["components"][0].update(template={"headers": {"alamat": "Alamat"}}), "template"),
    ],
)
def test_invalid_component_configurations_are_rejected(tmp_path, edit, message):
    with pytest.raises(ConfigError, match=message):
        decree_config(tmp_path, edit)


def test_dropping_x4_from_components_but_not_from_the_standard_is_an_error(tmp_path):
    def edit(data):
        data["components"] = [c for c in data["components"] if c["id"] != "x4"]

    with pytest.raises(ConfigError, match=r"national_standard.*x4"):
        decree_config(tmp_path, edit)


# --- Discovery ---------------------------------------------------------------------------


def test_register_names_match_the_longest_prefix(tmp_path):
    def edit(data):
        for number in (5, 10, 11):
            data["components"].append(X5 | {"id": f"x{number}"})
        data["components"][3]["file_prefix"] = "bencana"

    _, settings = decree_config(tmp_path, edit)
    match = register_matcher(settings.iku.components)
    assert match("x1_psks.csv") == "x1"
    assert match("X10-anak.xlsx") == "x10"
    assert match("x11.csv") == "x11"
    assert match("x12_lain.csv") is None  # x1 followed by a digit: not x1, and x12 is not configured
    assert match("x5.csv") == "x5"
    assert match("Bencana_2025.xlsx") == "x4"
    assert match("x4_bencana.xlsx") is None  # x4 now has its own prefix
    assert match("rekap.csv") is None
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in ("x1_a.csv", "x10_b.csv", "x12_c.csv", "bencana.csv", "catatan.md"):
        (folder / name).write_text("", encoding="utf-8")
    found = discover_files(folder, ProblemLog(), settings.iku.components)
    assert [(f.path.name, f.component) for f in found] == [
        ("bencana.csv", "x4"), ("x10_b.csv", "x10"), ("x1_a.csv", "x1")]


# --- Five components ----------------------------------------------------------------------


def test_five_components_clean_and_compute(five):
    settings, folder = five
    cleaned = clean_year(folder, settings, YEAR, key=b"k" * 32)
    result = compute_indicator(cleaned.aggregate, settings.iku, YEAR)
    counts = {c.id: (c.numerator, c.denominator) for c in result.components}
    assert counts == {"x1": tiny_year.X1, "x2": tiny_year.X2, "x3": tiny_year.X3, "x4": (0, 0), "x5": X5_COUNTS}
    assert [c.id for c in result.components if c.included] == ["x1", "x2", "x3", "x5"]
    assert result.n_included == 4
    assert result.value == pytest.approx((75.0 + 60.0 + 87.5 + 50.0) / 4, abs=1e-12)
    assert result.category == "Sedang"
    assert [c["id"] for c in result.to_dict()["components"]] == ["x1", "x2", "x3", "x4", "x5"]
    assert [s.component for s in cleaned.stats] == ["x1", "x2", "x3", "x4", "x5"]


def test_five_components_without_the_x5_register_is_an_error(five):
    settings, folder = five
    (folder / "x5_anak.csv").unlink()
    with pytest.raises(RegisterError) as caught:
        clean_year(folder, settings, YEAR, key=b"k" * 32)
    log = caught.value.log.to_frame()
    messages = log.loc[log["code"] == "missing_component", "message"].tolist()
    assert len(messages) == 1 and "x5" in messages[0]


def test_five_components_rekap_accepts_x5(five):
    settings, folder = five
    (folder / "x5_anak.csv").unlink()
    (folder / "rekap.csv").write_text("komponen;sasaran;realisasi\nx5;10;9\n", encoding="utf-8")
    result = compute_indicator(clean_year(folder, settings, YEAR, key=b"k" * 32).aggregate, settings.iku, YEAR)
    assert (result.components[-1].id, result.components[-1].numerator, result.components[-1].denominator) == (
        "x5", 9, 10)


def test_five_components_template_has_five_sheets(five, tmp_path):
    settings, _ = five
    (path,) = write_template(tmp_path / "register.xlsx", settings, YEAR)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Petunjuk", "x1", "x2", "x3", "x4", "x5", "Daftar"]
    header = [c.value for c in workbook["x5"][2]]
    assert header == ["No", "NIK", "Nama", "Jenis", "Kecamatan", "Kelurahan", "Tanggal", "Status"]
    assert list(layouts(settings)) == ["x1", "x2", "x3", "x4", "x5"]
    instructions = " ".join(str(c.value) for row in workbook["Petunjuk"].iter_rows() for c in row if c.value)
    assert "x1, x2, x3, x4, x5" in instructions and "x5_register.xlsx" in instructions
    assert "lima komponen" in instructions


def test_five_components_split_template_reads_as_no_cases(five, tmp_path):
    settings, _ = five
    raw = tmp_path / "template_year"
    raw.mkdir()
    written = write_template(raw / "register.xlsx", settings, YEAR, split=True)
    assert [p.name for p in written] == [f"x{n}_register.xlsx" for n in range(1, 6)]
    result = compute_indicator(clean_year(raw, settings, YEAR, key=b"k" * 32).aggregate, settings.iku, YEAR)
    assert [(c.id, c.denominator) for c in result.components] == [(f"x{n}", 0) for n in range(1, 6)]
    assert result.value is None


def test_a_template_block_in_config_shapes_the_sheet(tmp_path):
    def edit(data):
        data["components"].append(X5 | {"file_prefix": "anak", "template": {
            "headers": {"nama": "Nama Lengkap", "tanggal": "Tanggal Asesmen", "status": "Sesuai Standar"},
            "status_pair": ["Sesuai Standar", "Tidak Sesuai"], "unit": "anak"}})

    _, settings = decree_config(tmp_path, edit)
    written = write_template(tmp_path / "out" / "register.xlsx", settings, YEAR, split=True)
    assert written[-1].name == "anak_register.xlsx"
    sheet = openpyxl.load_workbook(written[-1])["x5"]
    assert [c.value for c in sheet[2]] == ["No", "NIK", "Nama Lengkap", "Jenis", "Kecamatan", "Kelurahan",
                                           "Tanggal Asesmen", "Sesuai Standar"]
    assert layouts(settings)["x5"].status_values == ("Ya", "Tidak", "Sesuai Standar", "Tidak Sesuai")


def test_a_template_header_the_cleaning_would_not_read_is_refused(tmp_path):
    _, settings = decree_config(tmp_path, lambda d: d["components"].append(
        X5 | {"template": {"headers": {"nama": "Nama Anak"}}}))
    with pytest.raises(TemplateError, match="x5: header 'Nama Anak'"):
        write_template(tmp_path / "register.xlsx", settings, YEAR)


def test_five_components_charts(five):
    settings, folder = five
    result = compute_indicator(clean_year(folder, settings, YEAR, key=b"k" * 32).aggregate, settings.iku, YEAR)
    svg = charts.figure_to_svg(charts.plot_components(result))
    assert svg.startswith("<svg")
    assert charts.figure_to_svg(charts.plot_results_over_time([result])).startswith("<svg")
    colors = charts.component_colors(c.id for c in result.components)
    assert len({colors[f"x{n}"] for n in range(1, 6)}) == 5


# --- Three components ---------------------------------------------------------------------


def test_three_components_clean_and_compute(three):
    settings, folder = three
    cleaned = clean_year(folder, settings, YEAR, key=b"k" * 32)
    assert set(cleaned.aggregate["component"]) <= {"x1", "x2", "x3"}  # x4_bencana.xlsx is not a register
    result = compute_indicator(cleaned.aggregate, settings.iku, YEAR)
    counts = {c.id: (c.numerator, c.denominator) for c in result.components}
    assert counts == {"x1": tiny_year.X1, "x2": tiny_year.X2, "x3": tiny_year.X3}
    assert result.n_included == 3
    assert result.value == pytest.approx(tiny_year.IKU_VALUE, abs=1e-12)
    assert result.category == tiny_year.CATEGORY
    assert settings.iku.national_standard.components == ("x2",)


def test_three_components_rekap_rejects_x4(three):
    settings, folder = three
    (folder / "rekap.csv").write_text("komponen;sasaran;realisasi\nx4;10;9\n", encoding="utf-8")
    with pytest.raises(RegisterError) as caught:
        clean_year(folder, settings, YEAR, key=b"k" * 32)
    log = caught.value.log.to_frame()
    (message,) = log.loc[log["code"] == "unknown_component", "message"].tolist()
    assert "x1, x2, x3." in message


def test_three_components_template_and_charts(three, tmp_path):
    settings, folder = three
    (path,) = write_template(tmp_path / "register.xlsx", settings, YEAR)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Petunjuk", "x1", "x2", "x3", "Daftar"]
    instructions = " ".join(str(c.value) for row in workbook["Petunjuk"].iter_rows() for c in row if c.value)
    assert "tiga komponen" in instructions and "x4" not in instructions
    result = compute_indicator(clean_year(folder, settings, YEAR, key=b"k" * 32).aggregate, settings.iku, YEAR)
    assert charts.figure_to_svg(charts.plot_components(result)).startswith("<svg")


@pytest.fixture()
def decree_change(three, tmp_path):
    """The year before under the three-component decree, this year under the five-component one."""
    settings3, folder = three
    result3 = compute_indicator(clean_year(folder, settings3, YEAR, key=b"k" * 32).aggregate, settings3.iku, YEAR - 1)
    _, settings5 = decree_config(tmp_path / "five", add_x5)
    (folder / "x5_anak.csv").write_text(X5_CSV, encoding="utf-8")
    result5 = compute_indicator(clean_year(folder, settings5, YEAR, key=b"k" * 32).aggregate, settings5.iku, YEAR)
    return result3, result5


def test_results_over_time_across_a_decree_change(decree_change):
    """Years computed under four, then three, then five components: one line per component."""
    result3, result5 = decree_change
    fig = charts.plot_results_over_time([result3, result5])
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["IKU", "x1", "x2", "x3", "x5", "Target"]  # x4: no cases in either year, no line
    charts.figure_to_svg(fig)


def test_five_components_comparison_table_has_a_column_per_component(five):
    from ikuanalysis.indicator.history import YearOutcome
    from ikuanalysis.report import sections

    settings, folder = five
    aggregate = clean_year(folder, settings, YEAR, key=b"k" * 32).aggregate
    earlier = compute_indicator(aggregate, settings.iku, YEAR - 1)
    result = compute_indicator(aggregate, settings.iku, YEAR)
    html = str(sections.comparison_section(result, [YearOutcome(YEAR - 1, earlier)], settings))
    start = html.index("Komponen antartahun")
    header = html[start:html.index("</thead>", start)]
    assert header.count("</th>") == 6 and ">x5</th>" in header


# --- The whole report -------------------------------------------------------------------


@pytest.mark.e2e
def test_five_component_report_builds(tmp_path):
    """The notebooks, sections and exports cope with a fifth component (one year, no history)."""
    import json

    from ikuanalysis.publish.build import ReportPaths, build_report

    config_dir, _ = decree_config(tmp_path, add_x5)
    folder = tiny_year.write_tiny_year(tmp_path / "raw")
    (folder / "x5_anak.csv").write_text(X5_CSV, encoding="utf-8")
    where = ReportPaths(raw_root=tmp_path / "raw", processed_root=tmp_path / "processed",
                        output_root=tmp_path / "outputs", config_dir=config_dir)
    out = build_report(YEAR, where, progress=lambda _line: None)
    data = json.loads((out / f"iku_{YEAR}.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in data["components"]] == ["x1", "x2", "x3", "x4", "x5"]
    assert [(c["numerator"], c["denominator"]) for c in data["components"]][-1] == X5_COUNTS
    assert data["n_components_included"] == 4
    assert data["value"] == pytest.approx((75.0 + 60.0 + 87.5 + 50.0) / 4, abs=1e-12)
    html = (out / f"iku_{YEAR}.html").read_text(encoding="utf-8")
    assert "Gambar 1. Persentase x1–x5 TA 2025" in html
    assert "Anak terlantar yang mendapatkan pengasuhan" in html


def test_index_table_has_a_column_per_component_of_any_year(decree_change):
    from ikuanalysis.publish.index import multi_year_table, years_table

    result3, result5 = decree_change
    html = str(years_table([YEAR - 1, YEAR], {YEAR - 1: result3, YEAR: result5}, {}))
    header = html[html.index("<thead"):html.index("</thead>")]
    assert [h for h in ("x1", "x2", "x3", "x4", "x5") if f">{h}</th>" in header] == ["x1", "x2", "x3", "x4", "x5"]
    assert header.count("</th>") == 5 + 5 + 2
    table = multi_year_table({YEAR - 1: result3, YEAR: result5})
    assert table.loc[0, "x5_persen"] != table.loc[0, "x5_persen"]  # NaN: 2024 had no x5
    assert table.loc[1, "x5_persen"] == 50.0



def test_a_component_keeps_its_colour_in_any_chart():
    assert charts.component_colors(["x2", "x5"])["x5"] == charts.component_colors([f"x{n}" for n in range(1, 6)])["x5"]
    assert charts.component_colors(["x1", "x11"])["x11"] == charts.component_colors(["x1"])["x1"]  # palette of 10
