"""The chapter in its three forms: HTML, PDF and Word carry the same sections and numbers.

Built for 2025 (four components) and 2022 (x4 had no cases: three components) from the
project's sample data. Charts are left out of the comparison: in all three they are pictures
(SVG paths, no text).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.e2e
# A number as the report writes it: 1.225 · 93,06 · 93,06% · +3,30 · Rp1.850.000.000
NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+")
# What only the printed page adds: its margin boxes (running header, page numbers).
PAGE_FURNITURE = re.compile(r"Halaman \d+ dari \d+|standar · TA \d{4}")
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
