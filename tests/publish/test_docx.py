"""The Word chapter converted from a small page shaped like the report HTML."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile

import docx
import pytest
from docx.shared import Cm
from PIL import Image

from ikuanalysis.publish import docx as word
from ikuanalysis.publish.export import ExportError

DATE = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="300pt" height="120pt" viewBox="0 0 300 120" '
       'version="1.1"><rect x="10" y="10" width="200" height="60" fill="#336699"/></svg>')
# The chart's PNG copy, as report.charts.figure_to_markup writes it after the SVG (a 1×1 pixel here).
PNG = ('<img class="word-picture" alt="" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAf'
       'FcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">')
PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Laporan</title>
<style>body {{ color: red }}</style></head><body><main class="report">
<header class="title"><h1>Persentase PPKS</h1></header>
<div class="banner" role="alert"><strong>DATA CONTOH (SINTETIS).</strong> Bukan data resmi.</div>
<nav class="toc"><h2>Daftar isi</h2><ol><li>Ikhtisar</li></ol></nav>
<section id="ikhtisar"><h2>1. Ikhtisar</h2>
<div class="cards"><div class="card"><div class="label">Realisasi</div><div class="value">93,06%</div></div></div>
<p>Realisasi <strong>93,06%</strong>.</p><ul><li>satu</li><li>dua</li></ul></section>
<section id="pengukuran"><h2>2. Pengukuran kinerja</h2><h3>(a) Menurut kecamatan</h3>
<div class="table-wrap"><table class="data"><caption>Komponen IKU</caption>
<thead><tr><th>Komponen</th><th>Realisasi</th></tr></thead>
<tbody><tr><td>x1</td><td>217</td></tr><tr><td>x2</td><td>1.096</td></tr></tbody></table></div>
<figure class="chart">{SVG}{PNG}<figcaption>Gambar 1. Persentase x1–x4.</figcaption></figure>
</section></main></body></html>"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    (folder / "iku.html").write_text(PAGE, encoding="utf-8")
    word.export_docx(folder / "iku.html", folder / "iku.docx", "Laporan IKU 2025", document_date=DATE)
    return folder


def styled(document, style):
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_headings_are_word_heading_styles(built):
    document = docx.Document(built / "iku.docx")
    assert styled(document, "Title") == ["Persentase PPKS"]
    assert styled(document, "Heading 1") == ["1. Ikhtisar", "2. Pengukuran kinerja"]
    assert styled(document, "Heading 2") == ["(a) Menurut kecamatan"]
    assert "Daftar isi" not in [p.text for p in document.paragraphs]  # Word makes its own table of contents


def test_table_is_a_word_table_whose_header_row_repeats(built):
    document = docx.Document(built / "iku.docx")
    (table,) = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Komponen", "Realisasi"], ["x1", "217"], ["x2", "1.096"]]
    header, *rows = table.rows
    assert header._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is None for row in rows)
    assert styled(document, "Table Caption") == ["Komponen IKU"]
    widths = [int(col.get(docx.oxml.ns.qn("w:w"))) for col in table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))]
    assert sum(widths) == pytest.approx(Cm(word.TEXT_WIDTH_CM).twips, abs=len(widths))
    borders = table._tbl.tblPr.find(docx.oxml.ns.qn("w:tblBorders"))
    assert [etree_name(edge) for edge in borders] == ["top", "left", "bottom", "right", "insideH", "insideV"]
    order = [etree_name(child) for child in table._tbl.tblPr]  # OOXML schema order: borders before the look
    assert order.index("tblBorders") > order.index("tblW") and order.index("tblBorders") < order.index("tblLook")


def etree_name(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def test_each_figure_is_a_picture_followed_by_its_caption(built):
    document = docx.Document(built / "iku.docx")
    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0].width == pytest.approx(Cm(300 / 72 * 2.54), rel=0.01)
    paragraphs = document.paragraphs
    (index,) = [i for i, p in enumerate(paragraphs) if p._p.xpath(".//pic:pic")]
    assert paragraphs[index + 1].text == "Gambar 1. Persentase x1–x4."
    with zipfile.ZipFile(built / "iku.docx") as archive:
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
        assert len(media) == 1 and media[0].endswith(".png")
        assert archive.read(media[0])[:8] == b"\x89PNG\r\n\x1a\n"


def test_banner_is_a_shaded_paragraph_and_cards_are_lines(built):
    document = docx.Document(built / "iku.docx")
    assert styled(document, "Banner") == ["DATA CONTOH (SINTETIS). Bukan data resmi."]
    banner = document.styles["Banner"]
    assert banner.element.pPr.find(docx.oxml.ns.qn("w:shd")).get(docx.oxml.ns.qn("w:fill")) == "FFF3CD"
    assert "Realisasi: 93,06%" in [p.text for p in document.paragraphs]


def test_page_is_a4_without_macros(built):
    document = docx.Document(built / "iku.docx")
    section = document.sections[-1]
    assert section.page_width == pytest.approx(Cm(21.0), abs=Cm(0.01))
    assert section.page_height == pytest.approx(Cm(29.7), abs=Cm(0.01))
    with zipfile.ZipFile(built / "iku.docx") as archive:
        assert not [name for name in archive.namelist() if "vba" in name.lower()]
        assert b"macroEnabled" not in archive.read("[Content_Types].xml")


def test_two_builds_give_the_same_bytes_and_the_given_date(built, tmp_path):
    word.export_docx(built / "iku.html", tmp_path / "again.docx", "Laporan IKU 2025", document_date=DATE)
    assert (tmp_path / "again.docx").read_bytes() == (built / "iku.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "again.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 3, 4, 5, 6, 6)}
    properties = docx.Document(tmp_path / "again.docx").core_properties
    assert properties.created == properties.modified == DATE
    assert properties.title == "Laporan IKU 2025"


def test_pandoc_failure_is_an_export_error(built, tmp_path, monkeypatch):
    monkeypatch.setattr(word, "pandoc_path", lambda: str(tmp_path / "tidak-ada"))
    with pytest.raises(ExportError, match="Pandoc tidak dapat dijalankan"):
        word.export_docx(built / "iku.html", tmp_path / "x.docx", "Laporan")
    assert not (tmp_path / "x.docx").exists()


def test_unreadable_page_and_chart_without_size_are_export_errors(tmp_path):
    with pytest.raises(ExportError, match="tidak dapat dibaca"):
        word.export_docx(tmp_path / "tidak-ada.html", tmp_path / "x.docx", "Laporan")
    with pytest.raises(ExportError, match="tanpa ukuran"):
        word.svg_size_px("<svg viewBox='0 0 1 1'></svg>")


def test_the_docx_holds_the_chart_bytes_not_the_stand_in(built):
    with zipfile.ZipFile(built / "iku.docx") as archive:
        media = [archive.read(name) for name in archive.namelist() if name.startswith("word/media/")]
        document_xml = archive.read("word/document.xml")
    chart = base64.b64decode(PNG.split("base64,")[1].split('"')[0])
    assert media == [chart]
    assert b"data:image" not in document_xml  # no picture described by its data URI


def test_a_stand_in_has_the_pictures_size_and_resolution_and_differs_per_picture():
    picture = Image.new("RGB", (37, 5), "navy")
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", dpi=(150, 150))
    first, second = word.blank_png_like(buffer.getvalue(), 1), word.blank_png_like(buffer.getvalue(), 2)
    assert first != second
    for stand_in in (first, second):
        image = Image.open(io.BytesIO(stand_in))
        assert image.size == (37, 5)
        assert tuple(round(v) for v in image.info["dpi"]) == (150, 150)


def test_a_stand_in_missing_from_pandocs_output_is_an_error():
    with pytest.raises(ExportError, match="tidak memasukkan semua grafik"):
        word.normalise_docx(_empty_docx(), DATE, "Laporan", {b"stand-in": b"chart"})


def _empty_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>')
    return buffer.getvalue()
