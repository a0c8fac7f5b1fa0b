"""End to end: the notebooks run through papermill on the hand-counted fixture year."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

import pytest

from ikuanalysis import paths
from ikuanalysis.cli import main
from ikuanalysis.failures import DataFailure
from ikuanalysis.publish.build import ReportPaths, build_report
from ikuanalysis.ingest.store import read_cases
from ikuanalysis.publish.export import find_external_references
from tests.fixtures import tiny_year
from tests.fixtures.leaks import LeakScanner
from tests.fixtures.shared import copy_build
from tests.fixtures.html import without_labels

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built(tiny_report):
    """The fixture year's report, built once for the whole run (``tiny_report``; read only)."""
    return tiny_report, tiny_report.output_root / str(tiny_year.YEAR)


def load_json(folder):
    return json.loads((folder / "iku_2025.json").read_text(encoding="utf-8"))


def test_outputs_and_executed_notebooks_are_written(built):
    _, folder = built
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["iku_2025.docx", "iku_2025.html", "iku_2025.json", "iku_2025.pdf", "manifest.json", "notebooks"]
    assert sorted(p.name for p in (folder / "notebooks").iterdir()) == [
        "01_clean.ipynb", "02_indicator.ipynb", "03_report.ipynb"]
    assert (folder / "iku_2025.pdf").read_bytes()[:5] == b"%PDF-"


def test_json_has_the_hand_counted_figures(built):
    data = load_json(built[1])
    components = {c["id"]: c for c in data["components"]}
    assert (components["x1"]["numerator"], components["x1"]["denominator"]) == tiny_year.X1
    assert (components["x2"]["numerator"], components["x2"]["denominator"]) == tiny_year.X2
    assert (components["x3"]["numerator"], components["x3"]["denominator"]) == tiny_year.X3
    assert components["x4"] == components["x4"] | {"numerator": 0, "denominator": 0, "percent": None, "included": False}
    assert [components[c]["percent"] for c in ("x1", "x2", "x3")] == [75.0, 60.0, 87.5]
    assert data["value"] == pytest.approx(tiny_year.IKU_VALUE, abs=1e-12)
    assert data["achievement"] == pytest.approx(tiny_year.IKU_VALUE, abs=1e-12)
    assert data["category"] == tiny_year.CATEGORY
    assert (data["year"], data["unit"], data["target"]) == (2025, "Persen", 100.0)


def test_json_value_is_the_mean_of_included_percents(built):
    data = load_json(built[1])
    for c in data["components"]:
        if c["denominator"]:
            assert c["percent"] == c["numerator"] / c["denominator"] * 100
    included = [c["percent"] for c in data["components"] if c["included"]]
    assert data["value"] == sum(included) / len(included)


def test_html_shows_the_figures_in_indonesian_format(built):
    html = (built[1] / "iku_2025.html").read_text(encoding="utf-8")
    for text in ("74,17%", "Sedang", "75,00%", "60,00%", "87,50%", "tidak ada kasus",
                 "Persentase PPKS yang ditangani sesuai standar", "Komponen terendah adalah x2"):
        assert text in html
    assert "<svg" in html  # the chart, inline


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained(built):
    html = (built[1] / "iku_2025.html").read_text(encoding="utf-8")
    assert find_external_references(html) == []
    assert "http://" not in html and "https://" not in html
    parser = _Elements()
    parser.feed(html)
    assert not [t for t, _ in parser.tags if t in {"script", "link", "iframe"}]
    assert_only_word_pictures(parser.tags)
    assert not [a for _, attrs in parser.tags for a in attrs.values() if a and re.match(r"\s*(https?:)?//", a)]


def test_docx_is_the_same_chapter_as_the_html(built):
    import docx
    import lxml.html

    folder = built[1]
    page = lxml.html.parse(str(folder / "iku_2025.html")).getroot()
    document = docx.Document(folder / "iku_2025.docx")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [" ".join(h.text_content().split()) for h in page.xpath("//section/h2")]
    assert len(document.tables) == len(page.xpath("//table"))
    assert len(document.inline_shapes) == len(page.xpath("//figure[svg]")) > 0
    captions = [p.text for p in document.paragraphs if p.style.name == "Image Caption"]
    assert captions == [" ".join(f.text_content().split()) for f in page.xpath("//figure/figcaption")]
    assert [p.text for p in document.paragraphs if p.style.name == "Banner"] == [
        " ".join(b.text_content().split()) for b in page.xpath("//div[@class='banner']")]


def test_html_hides_code(built):
    html = (built[1] / "iku_2025.html").read_text(encoding="utf-8")
    assert "load_settings" not in html and "import " not in html


def test_processed_and_outputs_hold_no_nik_or_name(built):
    where, folder = built
    written = [p for root in (where.processed_root, where.output_root) for p in root.rglob("*") if p.is_file()]
    assert written
    secrets = tiny_year.NIKS + tiny_year.NAMES + [r[0] for r in tiny_year.X3_ROWS] + [r[1] for r in tiny_year.X3_ROWS]
    scanner = LeakScanner(secrets)
    for path in written:
        leaked = scanner.find_in_file(path)
        assert not leaked, f"{path} contains {leaked}"


BROKEN_X1 = """No;Nama Lembaga;Jenis PSKS;Kecamatan;Kelurahan;Tanggal;Aktif
1;Karang Taruna A;Karang Taruna;Kapuas;Langkai;01/02/2025;Ya
2;LKS B;LKS;Pahandut;Langkai;31/02/2025;Ya
3;LKS C;LKS;Pahandut;Langkai;01/03/2025;Mungkin
"""


def test_broken_registers_list_every_error_and_change_nothing(built, tmp_path, capsys):
    shared, _ = built
    raw = tmp_path / "raw"
    shutil.copytree(shared.raw_root, raw)
    (raw / "2025" / "x1_psks.csv").write_text(BROKEN_X1, encoding="utf-8")
    # The run is pointed at a copy of the published report: the shared build is never run against.
    where = ReportPaths(raw_root=raw, processed_root=copy_build(shared.processed_root, tmp_path / "processed"),
                        output_root=copy_build(shared.output_root, tmp_path / "outputs"), config_dir=paths.CONFIG_DIR)
    before = {p: p.read_bytes() for root in (where.processed_root, where.output_root) for p in root.rglob("*") if p.is_file()}
    args = ["--year", "2025", "--raw-dir", str(raw), "--processed-dir", str(where.processed_root),
            "--output-dir", str(where.output_root)]
    assert main(["report", *args]) == 1
    report_err = capsys.readouterr().err
    assert main(["validate", "--year", "2025", "--raw-dir", str(raw)]) == 1
    validate_err = capsys.readouterr().err
    for err in (report_err, validate_err):
        assert "x1_psks.csv, baris 2, kolom 'Kecamatan' — nilai: 'Kapuas'" in err
        assert "x1_psks.csv, baris 3, kolom 'Tanggal' — nilai: '31/02/2025'" in err
        assert "x1_psks.csv, baris 4, kolom 'Aktif' — nilai: 'Mungkin'" in err
    after = {p: p.read_bytes() for root in (where.processed_root, where.output_root) for p in root.rglob("*") if p.is_file()}
    assert after == before


def test_report_error_for_a_missing_component(tmp_path):
    tiny_year.write_tiny_year(tmp_path / "raw")
    (tmp_path / "raw" / "2025" / "x4_bencana.xlsx").unlink()
    where = ReportPaths(raw_root=tmp_path / "raw", processed_root=tmp_path / "processed",
                        output_root=tmp_path / "outputs", config_dir=paths.CONFIG_DIR)
    with pytest.raises(DataFailure, match="missing_component"):
        build_report(2025, where, progress=lambda _line: None)
    # Contract §0: as before the run, which created both roots: neither is left, not even empty.
    assert not (tmp_path / "outputs").exists() and not (tmp_path / "processed").exists()


def test_register_text_is_never_markup_and_rare_values_read_lainnya(built):
    """The fixture's markup jenis and formula kelurahan have one case each: fewer than k, so "lainnya".

    That register text that does reach the report is escaped is shown by
    ``tests/report/test_sections.py::test_register_text_is_escaped``.
    """
    html = (built[1] / "iku_2025.html").read_text(encoding="utf-8")
    parser = _Elements()
    parser.feed(html)
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags
    assert_only_word_pictures(parser.tags)  # the injected <img onerror> is text, not an element
    assert not [a for _, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert "alert(1)" not in html and "HYPERLINK" not in html
    assert "<td>lainnya</td>" in without_labels(html)


def test_formula_like_cells_are_neutralised_in_csv(built):
    where, _ = built
    year_dir = where.processed_root / "2025"
    assert not read_cases(year_dir)["kelurahan"].str.contains("HYPERLINK").any()  # rare: "lainnya"
    log = (year_dir / "quality_log.csv").read_text(encoding="utf-8")  # the warning quotes it
    assert "'=HYPERLINK(" in log
    assert ",=HYPERLINK(" not in log and '"=HYPERLINK(' not in log


def test_kelurahan_tables_hide_small_counts_and_state_the_rule(built):
    html = (built[1] / "iku_2025.html").read_text(encoding="utf-8")
    section = html[html.index("(d) Menurut kelurahan"):html.index('id="analisis"')]
    # Every kelurahan of the fixture has 1–2 cases: all hidden, none printed as a number.
    assert "menurut kelurahan" in section and "&lt; 6/&lt; 6" in section
    assert not re.search(r'<td class="num">[1-5]/|/[1-5]( |<)', section)
    assert "jumlah 1 sampai 5 ditampilkan sebagai" in html  # methodology and table note


def assert_only_word_pictures(tags):
    """The only images are the charts' PNG copies for Word: embedded, hidden, nothing else."""
    images = [attrs for tag, attrs in tags if tag == "img"]
    assert len(images) == sum(tag == "figure" for tag, _ in tags)  # one per chart
    for attrs in images:
        assert set(attrs) == {"class", "alt", "src"} and attrs["class"] == "word-picture"
        assert attrs["src"].startswith("data:image/png;base64,")
