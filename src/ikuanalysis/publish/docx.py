"""Turn the exported report HTML into a Word chapter (``iku_<year>.docx``).

The DOCX is converted from the very HTML page that is published, so its wording is never a
second copy. Pandoc (the ``pypandoc-binary`` wheel, a self-contained binary, run with
``--sandbox``) does the conversion: it maps headings to Word heading styles, tables to Word
tables whose header row repeats on every page, MathML to Word equations and figure captions to
caption paragraphs, which a hand-written python-docx walker would each have to reimplement.
Word cannot be relied on to show inline SVG (only Word 365 does, and pandoc's PNG fallback needs
``rsvg-convert``, which is not installed), so each chart comes as a PNG the report stage made
next to the SVG (``<img class="word-picture">``, see ``report.charts.figure_to_markup``);
rasterising the SVG here with headless Chromium was tried first and hung now and then under
load. The reference document (A4, fonts, the shaded banner style) is derived at run time from pandoc's default with python-docx; zip timestamps and document dates are fixed so
that a rerun gives the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
import re
import subprocess
import struct
import tempfile
import threading
import zipfile
import zlib
from pathlib import Path

from ikuanalysis.publish.export import ChildProcesses, ExportError
from ikuanalysis.report.html import WORD_PICTURE_CLASS

BANNER_STYLE = "Banner"
TEXT_WIDTH_CM = 16.0
CHAR_CM = 0.21  # width of one character of 9 pt table text (bold header), generously
CELL_PADDING_CM = 0.45
_PT_UNITS = {"pt": 4 / 3, "px": 1.0, "": 1.0}
_CORE_DATES = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def export_docx(html_path: Path, docx_path: Path, title: str, document_date: dt.datetime | None = None,
                timeout: int = 120, children: ChildProcesses | None = None) -> None:
    """Write the Word chapter of the report page ``html_path`` to ``docx_path``.

    Args:
        html_path: The exported report page (``iku_<year>.html``).
        docx_path: Where the DOCX is written.
        title: The document title (core properties).
        document_date: The date stamped as created/modified and on the zip entries
            (default 1 January 2000 UTC); the PDF's date, so reruns give the same bytes.
        timeout: Seconds allowed to pandoc.
        children: Runs pandoc, so that another thread can stop it (the export stage makes the
            Word chapter while the PDF is printed); a private one when omitted.

    Raises:
        ExportError: The page cannot be read, a chart has no picture for Word, or pandoc is
            missing or failed (:class:`ikuanalysis.publish.export.ExportCancelled`: it was stopped).
    """
    date = document_date or dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    children = children or ChildProcesses()
    try:
        page = html_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"Halaman laporan {html_path.name} tidak dapat dibaca untuk dokumen Word: "
                          f"{exc.strerror}.") from None
    with tempfile.TemporaryDirectory(prefix="ikuanalysis-docx-") as work:
        work_dir = Path(work)
        body, swaps = stand_in_pictures(prepare_html(page))
        reference = work_dir / "reference.docx"
        write_reference_docx(reference, timeout, children)
        raw = run_pandoc(body, reference, date, timeout, children)
    document = normalise_docx(raw, date, title, swaps)
    if children.is_stopped:
        return  # the stage failed or was interrupted meanwhile: its staging folder is going away
    docx_path.write_bytes(document)


def prepare_html(page: str) -> str:
    """Return the report body reshaped for pandoc.

    The table of contents and style sheet are dropped (Word builds its own), the title and the
    banner are marked with the ``Title`` and ``Banner`` paragraph styles, the summary cards become one line each, and
    every inline SVG chart is replaced by its PNG (a data URI) at its own size.

    Args:
        page: The report HTML page.
    """
    import lxml.etree as etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError) as exc:
        raise ExportError(f"Halaman laporan tidak dapat dibaca untuk dokumen Word: {exc}.") from None
    body = root.find("body")
    if body is None:
        raise ExportError("Halaman laporan tidak memiliki isi (<body>) untuk dokumen Word.")
    for element in body.xpath(".//style | .//script | .//nav"):
        element.drop_tree()
    for banner in body.xpath(".//div[contains(concat(' ', normalize-space(@class), ' '), ' banner ')]"):
        banner.attrib.clear()
        banner.set("data-custom-style", BANNER_STYLE)
    for heading in body.iter("h1"):  # the chapter's title (pandoc would drop an h1 nested in <header>)
        heading.tag = "div"
        heading.attrib.clear()
        heading.set("data-custom-style", "Title")
    for cards in body.xpath(".//div[contains(concat(' ', normalize-space(@class), ' '), ' cards ')]"):
        cards.attrib.clear()
        for card in list(cards):
            label = " ".join(" ".join(card.xpath("./*[@class='label']//text()")).split())
            value = " ".join(" ".join(card.xpath("./*[@class='value']//text()")).split())
            line = lxml.html.fragment_fromstring("<p><strong></strong></p>")
            line[0].text = f"{label}: "
            line[0].tail = value
            cards.replace(card, line)
    for svg in body.xpath(".//figure//svg"):
        ready = svg.getparent().xpath(f"./img[@class='{WORD_PICTURE_CLASS}']")  # the PNG the report made
        if not ready:
            raise ExportError("Grafik di halaman laporan tidak memiliki gambar PNG untuk dokumen Word; buat ulang "
                              "laporan dengan 'ikuanalysis report' (versi ini menyimpan gambar itu).")
        src, width_px = ready[0].get("src"), svg_size_px(etree.tostring(svg, encoding="unicode"))[0]
        ready[0].drop_tree()
        image = etree.Element("img", src=src,
                              width=f"{min(width_px, TEXT_WIDTH_CM / 2.54 * 96):.0f}")
        # Never empty: pandoc would describe the picture by its whole data URI instead.
        caption = " ".join(svg.getparent().xpath("string(./figcaption)").split())
        image.set("alt", caption or "Grafik")
        svg.getparent().replace(svg, image)
    return etree.tostring(body, encoding="unicode", method="html")


_PNG_DATA_URI = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def stand_in_pictures(body: str) -> tuple[str, dict[bytes, bytes]]:
    """Replace each PNG of ``body`` by a blank stand-in of the same size; return the swaps to undo it.

    Pandoc's HTML reader takes seconds over the charts' base64 text (a quarter of a million
    characters each), and in its sandbox it may not read picture files. A blank PNG of the
    same pixel size and resolution compresses to a few hundred bytes, and pandoc lays it out
    exactly as the chart; :func:`normalise_docx` then puts the charts' bytes in its place.

    Returns:
        The body with stand-ins, and ``{stand-in bytes: chart bytes}``.
    """
    swaps: dict[bytes, bytes] = {}

    def swap(match: re.Match) -> str:
        picture = base64.b64decode(match.group(1))
        if not picture.startswith(_PNG_SIGNATURE):
            return match.group(0)
        stand_in = blank_png_like(picture, marker=len(swaps) + 1)
        swaps[stand_in] = picture
        return f'src="data:image/png;base64,{base64.b64encode(stand_in).decode("ascii")}"'

    return _PNG_DATA_URI.sub(swap, body), swaps


def blank_png_like(picture: bytes, marker: int) -> bytes:
    """Return a white greyscale PNG with the size and resolution of ``picture``.

    ``marker`` (1–65535) is written into its first two pixels, so that stand-ins differ.
    """
    width, height = struct.unpack(">II", picture[16:24])
    chunks = [(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))]
    resolution = picture.find(b"pHYs")
    if resolution > 0:
        chunks.append((b"pHYs", picture[resolution + 4:resolution + 13]))
    first = bytes([marker >> 8, marker & 255]) + b"\xff" * (width - 2)
    rows = b"\x00" + first + (b"\x00" + b"\xff" * width) * (height - 1)
    chunks += [(b"IDAT", zlib.compress(rows, 9)), (b"IEND", b"")]
    return _PNG_SIGNATURE + b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in chunks)


def svg_size_px(svg: str) -> tuple[float, float]:
    """Return the CSS pixel size of an SVG element from its width and height attributes."""
    sizes = []
    for name in ("width", "height"):
        found = re.search(rf'\b{name}="([0-9.]+)\s*(pt|px|)"', svg.split(">", 1)[0])
        if not found:
            raise ExportError(f"Grafik SVG tanpa ukuran ({name}) tidak dapat dimasukkan ke dokumen Word.")
        sizes.append(float(found.group(1)) * _PT_UNITS[found.group(2)])
    return sizes[0], sizes[1]


def pandoc_path() -> str:
    """Return the pandoc binary shipped with pypandoc-binary.

    Raises:
        ExportError: pypandoc-binary is not installed.
    """
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise ExportError("Pandoc tidak ditemukan: dibutuhkan untuk membuat dokumen Word. Pasang dengan "
                          f"'pip install pypandoc-binary' (atau 'pip install -e .'). ({exc})") from None


def _run(command: list[str], timeout: int, stdin: str | None = None, env: dict | None = None,
         children: ChildProcesses | None = None) -> bytes:
    try:
        completed = (children or ChildProcesses()).run(
            command, timeout, stdin=stdin.encode("utf-8") if stdin is not None else None, env=env)
    except subprocess.TimeoutExpired:
        raise ExportError(f"Pandoc tidak selesai membuat dokumen Word dalam {timeout} detik dan dihentikan; "
                          "tidak ada hasil yang diubah. Jalankan lagi.") from None
    except OSError as exc:
        raise ExportError(f"Pandoc tidak dapat dijalankan: {exc.strerror}. Pasang ulang dengan "
                          "'pip install --force-reinstall pypandoc-binary'.") from None
    if completed.returncode != 0:
        raise ExportError(f"Pandoc gagal membuat dokumen Word (kode {completed.returncode}); tidak ada hasil "
                          f"yang diubah. Pesan pandoc: {completed.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    return completed.stdout


def write_reference_docx(path: Path, timeout: int = 120, children: ChildProcesses | None = None) -> None:
    """Write the reference document pandoc takes its styles from: pandoc's default, on A4.

    Margins 2.5 cm (text width 16 cm), body in 11 pt Calibri, the ``Banner`` paragraph style
    (bold, on a light amber shading with a border) and table captions kept with their table.
    Made once per process (``report --all`` exports many years).
    """
    path.write_bytes(_reference_docx(timeout, children))


_REFERENCE_LOCK = threading.Lock()


def _reference_docx(timeout: int, children: ChildProcesses | None) -> bytes:
    with _REFERENCE_LOCK:
        if not _REFERENCE:
            _REFERENCE.append(_build_reference_docx(timeout, children))
        return _REFERENCE[0]


_REFERENCE: list[bytes] = []


def _build_reference_docx(timeout: int, children: ChildProcesses | None) -> bytes:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    default = _run([pandoc_path(), "--print-default-data-file", "reference.docx"], timeout, children=children)
    document = docx.Document(io.BytesIO(default))
    for section in document.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
    styles = document.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        if name in [s.name for s in styles]:
            styles[name].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    banner = styles.add_style(BANNER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    banner.base_style = styles["Normal"]
    banner.font.bold = True
    banner.font.color.rgb = RGBColor(0x5C, 0x3B, 0x00)
    banner.paragraph_format.space_before = Pt(6)
    banner.paragraph_format.space_after = Pt(6)
    properties = banner.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "8")
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), "C99A2E")
        borders.append(edge)
    properties.append(borders)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "FFF3CD")
    properties.append(shading)
    cells = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cells.base_style = styles["Compact"]
    cells.font.size = Pt(9)
    cells.paragraph_format.space_before = cells.paragraph_format.space_after = Pt(1)
    if "Table Caption" in [s.name for s in styles]:
        styles["Table Caption"].paragraph_format.keep_with_next = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def run_pandoc(body: str, reference: Path, date: dt.datetime, timeout: int = 120,
               children: ChildProcesses | None = None) -> bytes:
    """Convert the prepared HTML to DOCX bytes with pandoc, offline and sandboxed.

    ``<h1>`` (made a ``Title`` paragraph by :func:`prepare_html`) stays the title, ``<h2>``/``<h3>``/``<h4>`` Heading 1/2/3; ``title``
    is set in the core properties afterwards (:func:`normalise_docx`).
    """
    env = {"PATH": os.environ.get("PATH", ""), "SOURCE_DATE_EPOCH": str(int(date.timestamp())),
           "HOME": str(reference.parent), "LANG": "C.UTF-8"}
    command = [pandoc_path(), "--sandbox", "--from=html", "--to=docx",
               f"--reference-doc={reference}", "--shift-heading-level-by=-1",
               "--metadata=lang:id-ID", "--output=-"]
    return _run(command, timeout, stdin=body, env=env, children=children)


def normalise_docx(raw: bytes, date: dt.datetime, title: str = "", swaps: dict[bytes, bytes] | None = None) -> bytes:
    """Return the DOCX with every zip entry and the core dates stamped with ``date``, titled ``title``.

    Tables are fitted to the text width first (:func:`fit_tables`); pictures that are
    stand-ins (keys of ``swaps``, see :func:`stand_in_pictures`) get their real bytes.

    Raises:
        ExportError: The DOCX is damaged, or a stand-in picture is missing from it.
    """
    swaps = swaps or {}
    swapped = set()
    stamp = date.astimezone(dt.timezone.utc)
    when = max(stamp, dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)).timetuple()[:6]
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    try:
        source = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise ExportError("Pandoc menghasilkan dokumen Word yang rusak; tidak ada hasil yang diubah. "
                          "Jalankan lagi.") from None
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                # pandoc describes each picture also by its source, here a data URI: drop it.
                data = fit_tables(re.sub(rb'descr="data:[^"]*"', b'descr=""', data))
            if data in swaps:
                swapped.add(data)
                data = swaps[data]
            if entry.filename == "docProps/core.xml":
                core = _CORE_DATES.sub(lambda m: f"{m.group(1)}{iso}{m.group(3)}", data.decode("utf-8"))
                core = re.sub(r"<dc:title>.*?</dc:title>|<dc:title\s*/>", "", core, flags=re.DOTALL)
                core = core.replace("</cp:coreProperties>", f"<dc:title>{html.escape(title)}</dc:title></cp:coreProperties>")
                data = core.encode("utf-8")
            info = zipfile.ZipInfo(entry.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    if len(swapped) != len(swaps):
        raise ExportError("Pandoc tidak memasukkan semua grafik ke dokumen Word; tidak ada hasil yang diubah. "
                          "Jalankan lagi; bila terulang, laporkan ke pengembang.")
    return out.getvalue()


_AFTER_BORDERS = ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def _add_borders(properties, w: str) -> None:
    """Give a table thin grey borders, as tables in an LKjIP chapter have (in schema order)."""
    import lxml.etree as etree

    if properties.find(f"{w}tblBorders") is not None:
        return
    borders = etree.Element(f"{w}tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        etree.SubElement(borders, f"{w}{edge}", {f"{w}val": "single", f"{w}sz": "4", f"{w}space": "0",
                                                 f"{w}color": "A6A6A6"})
    follower = next((child for child in properties if etree.QName(child).localname in _AFTER_BORDERS), None)
    if follower is None:
        properties.append(borders)
    else:
        follower.addprevious(borders)


def fit_tables(document_xml: bytes) -> bytes:
    """Return ``word/document.xml`` with every table spread over the text width.

    Pandoc gives each column the same narrow width, which wraps words letter by letter: the
    columns get widths in proportion to their longest cell (capped, at least their longest
    word), the table the whole text width, the cells the small ``Table Text`` style, and no row
    is split over two pages.
    Header rows already repeat on each page (pandoc writes ``w:tblHeader`` for ``<thead>``).
    """
    import lxml.etree as etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(document_xml)
    total = round(TEXT_WIDTH_CM / 2.54 * 1440)
    for table in root.iter(f"{w}tbl"):
        grid = table.find(f"{w}tblGrid")
        columns = [] if grid is None else grid.findall(f"{w}gridCol")
        longest = [3] * len(columns)  # characters of the longest word: the column's minimum
        lengths = [3] * len(columns)  # characters of the longest cell, capped: its share of the rest
        for row in table.findall(f"{w}tr"):
            for index, cell in enumerate(row.findall(f"{w}tc")[:len(columns)]):
                text = "".join(cell.itertext()).strip()
                longest[index] = max(longest[index], *(len(word) for word in text.split()), 0)
                lengths[index] = max(lengths[index], min(len(text), 40))
        minimum = [round((chars * CHAR_CM + CELL_PADDING_CM) / 2.54 * 1440) for chars in longest]
        if sum(minimum) >= total:
            widths = [total * m / sum(minimum) for m in minimum]
        else:
            spare = [max(length - chars, 0) + 1 for length, chars in zip(lengths, longest)]
            widths = [m + (total - sum(minimum)) * extra / sum(spare) for m, extra in zip(minimum, spare)]
        for column, width in zip(columns, widths):
            column.set(f"{w}w", str(round(width)))
        properties = table.find(f"{w}tblPr")
        width = properties.find(f"{w}tblW") if properties is not None else None
        if width is not None:
            width.set(f"{w}type", "dxa")
            width.set(f"{w}w", str(total))
        if properties is not None:
            _add_borders(properties, w)
        for row in table.findall(f"{w}tr"):  # a row is never split over two pages
            row_properties = row.find(f"{w}trPr")
            if row_properties is None:
                row_properties = etree.Element(f"{w}trPr")
                row.insert(0, row_properties)
            if row_properties.find(f"{w}cantSplit") is None:
                row_properties.insert(0, etree.Element(f"{w}cantSplit"))
        for style in table.iter(f"{w}pStyle"):
            if style.get(f"{w}val") in ("Compact", "BodyText", "FirstParagraph"):
                style.set(f"{w}val", "TableText")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
