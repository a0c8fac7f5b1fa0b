"""HTML building blocks (report/html.py): register text is escaped, trusted HTML is not."""

from __future__ import annotations

from ikuanalysis.report.html import Html, esc, figure, section


def test_esc_escapes_markup_and_quotes_and_none():
    assert esc('<img src=x onerror="a">&\'') == "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#x27;"
    assert esc(None) == "" and esc(12.5) == "12.5"


def test_section_and_figure_escape_their_texts():
    assert section("Hasil <1>", "<p>x</p>", anchor='a"b') == '<section id="a&quot;b"><h2>Hasil &lt;1&gt;</h2><p>x</p></section>'
    assert section("T", "") == "<section><h2>T</h2></section>"
    assert figure("<svg></svg>", "Grafik <x>") == (
        '<figure class="chart"><svg></svg><figcaption>Grafik &lt;x&gt;</figcaption></figure>')


def test_html_stays_html_when_added_and_displays_as_itself():
    joined = Html("<p>a</p>") + "<p>b</p>"
    assert isinstance(joined, Html) and joined._repr_html_() == "<p>a</p><p>b</p>"
