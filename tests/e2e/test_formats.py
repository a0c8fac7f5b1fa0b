"""The chapter in its three forms: HTML, PDF and Word carry the same sections and numbers.

Built for 2025 (four components) and 2022 (x4 had no cases: three components) from the
project's sample data. Charts are left out of the comparison: in all three they are pictures
(SVG paths, no text).
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ikuanalysis.publish import export
from ikuanalysis.publish.browser import DevToolsBrowser

pytestmark = pytest.mark.e2e
# A number as the report writes it: 1.225 · 93,06 · 93,06% · +3,30 · Rp1.850.000.000
NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+")
# What only the printed page adds: its margin boxes (running header, page numbers).
PAGE_FURNITURE = re.compile(r"Halaman \d+ dari \d+|standar · TA \d{4}")
# The printed page of report.css: A4 with 14 mm side margins, the text at 10.5 pt.
REPORT_CSS = Path(export.__file__).parent / "templates" / "ikureport" / "report.css"
PRINT_BODY_PT = 10.5
# Every table too wide for the page's content (CSS px at 96 per inch), by caption or first row.
TOO_WIDE_TABLES = """[...document.querySelectorAll('table')]
  .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(t => (t.caption || t.rows[0]).textContent.trim())"""
# What the Word chapter leaves to Word: the table of contents, and the formulas as equations.
WORD_LEAVES_OUT = ("nav", "math")


class _Text(HTMLParser):
    """The visible text of the report HTML and its h2 headings (style, script, svg left out)."""

    def __init__(self, leave_out=()):
        super().__init__()
        self.parts, self.headings, self._skip, self._in_h2 = [], [], 0, False
        self.leave_out = ("style", "script", "svg", "title", *leave_out)

    def handle_starttag(self, tag, attrs):
        self._skip += tag in self.leave_out
        self._in_h2 = self._in_h2 or tag == "h2"
        if tag == "h2":
            self.headings.append("")

    def handle_endtag(self, tag):
        self._skip -= tag in self.leave_out
        self._in_h2 = self._in_h2 and tag != "h2"

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)
            if self._in_h2:
                self.headings[-1] += data


def html_text(path, leave_out=()):
    parser = _Text(leave_out)
    parser.feed(path.read_text(encoding="utf-8"))
    # The table of contents is the page's navigation: Word has its own (References > Table of Contents).
    return " ".join(parser.parts), [h.strip() for h in parser.headings if h.strip() != "Daftar isi"]


def pdf_text(path):
    import pypdf

    text = " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    return PAGE_FURNITURE.sub(" ", unicodedata.normalize("NFKC", text))  # "ﬁ" ligatures to "fi"


def docx_text(path):
    import docx

    document = docx.Document(path)
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    headings = [p.text.strip() for p in document.paragraphs if p.style.name == "Heading 1"]  # the HTML's h2
    return " ".join(parts), headings


def numbers(text):
    return Counter(NUMBER.findall(re.sub(r"\s+", " ", text)))


@pytest.fixture(scope="module")
def built(sample_reports):
    """``report --year 2025`` then ``--year 2022`` of the sample, run once for the whole run (read only)."""
    return sample_reports / "outputs"


@pytest.mark.parametrize("year", [2025, 2022])
def test_html_pdf_and_docx_carry_the_same_sections_and_numbers(built, year):
    folder = built / str(year)
    html, html_headings = html_text(folder / f"iku_{year}.html")
    word, word_headings = docx_text(folder / f"iku_{year}.docx")
    printed = pdf_text(folder / f"iku_{year}.pdf")
    assert len(html_headings) >= 10 and word_headings == html_headings
    assert [heading for heading in html_headings if heading not in printed] == []
    assert numbers(printed) == numbers(html)
    assert numbers(word) == numbers(html_text(folder / f"iku_{year}.html", WORD_LEAVES_OUT)[0])


def page_content_width_px() -> int:
    """The width of the printed page's content box in CSS px, from the @page rule of report.css."""
    margins = re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:\s*([\d.]+mm(?:\s+[\d.]+mm){0,3})", REPORT_CSS.read_text())
    sides = [float(m.removesuffix("mm")) for m in margins.group(1).split()]
    left_right = sides[1] if len(sides) > 1 else sides[0]
    return round((210 - 2 * left_right) / 25.4 * 96)


def tables_wider_than_the_page(html_path: Path) -> list[str]:
    """The tables that overflow the printed page's width, laid out as Chromium prints (print media)."""
    browser = DevToolsBrowser(export.find_browser())
    deadline = time.monotonic() + 60
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                               deadline=deadline)["sessionId"]
        browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=session, deadline=deadline)
        browser.call("Emulation.setScrollbarsHidden", {"hidden": True}, session=session, deadline=deadline)
        browser.call("Emulation.setDeviceMetricsOverride", {"width": page_content_width_px(), "height": 1000,
                     "deviceScaleFactor": 1, "mobile": False}, session=session, deadline=deadline)
        browser.call("Page.enable", session=session, deadline=deadline)
        browser.call("Page.navigate", {"url": html_path.resolve().as_uri()}, session=session, deadline=deadline)
        browser.wait_event(lambda event: event.get("method") == "Page.loadEventFired", deadline=deadline)
        found = browser.call("Runtime.evaluate", {"expression": TOO_WIDE_TABLES, "returnByValue": True},
                             session=session, deadline=deadline)
        return found["result"]["value"]
    finally:
        browser.kill()


def printed_text_size_pt(pdf_path: Path, page: int = 0) -> float:
    """The size, in points on paper, of most of a PDF page's text (the body text)."""
    import pypdf

    sizes = Counter()

    def count(text, cm, tm, font, size):
        if text.strip():  # the text matrix scaled by the page's transform: the size on paper
            sizes[round(size * abs(cm[0] * tm[0] + cm[2] * tm[1]), 2)] += len(text)

    pypdf.PdfReader(pdf_path).pages[page].extract_text(visitor_text=count)
    return sizes.most_common(1)[0][0]


@pytest.mark.parametrize("year", [2025, 2022])
def test_every_table_fits_the_printed_page_so_the_text_is_printed_at_its_size(built, year):
    # Chromium prints a document wider than the page shrunk as a whole: one wide table (a nowrap
    # header, words in a number cell) once set the whole chapter at 7 pt instead of 10.5 pt.
    folder = built / str(year)
    assert tables_wider_than_the_page(folder / f"iku_{year}.html") == []
    assert printed_text_size_pt(folder / f"iku_{year}.pdf") == PRINT_BODY_PT


@pytest.mark.parametrize("year", [2025, 2022])
def test_the_printed_footer_is_never_alone_on_the_last_page(built, year):
    # The sample 2025 once ended with a page holding only "Dibuat dengan ikuanalysis …".
    import unicodedata

    import pypdf

    folder = built / str(year)
    html = (folder / f"iku_{year}.html").read_text(encoding="utf-8")
    footer = re.sub(r"<[^>]+>", "", re.search(r"<footer>(.*?)</footer>", html, re.S).group(1))
    reader = pypdf.PdfReader(folder / f"iku_{year}.pdf")
    last = " ".join(unicodedata.normalize("NFKC", reader.pages[-1].extract_text()).split())  # the "fi" ligature
    assert " ".join(footer.split()) in last
    rest = last.replace(" ".join(footer.split()), "")
    rest = re.sub(rf"Halaman {len(reader.pages)} dari {len(reader.pages)}|DATA CONTOH \(SINTETIS\)|"
                  rf"Persentase PPKS yang ditangani sesuai standar · TA {year}", "", rest)
    assert len(re.findall(r"[A-Za-z]", rest)) > 40, last  # the text the footer closes is on its page
