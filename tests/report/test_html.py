"""HTML building blocks (report/html.py): register text is escaped, trusted HTML is not."""

from __future__ import annotations

from ikuanalysis.report.html import Html, esc, figure, paragraphs, section, table


def test_esc_escapes_markup_and_quotes_and_none():
    assert esc('<img src=x onerror="a">&\'') == "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#x27;"
    assert esc(None) == "" and esc(12.5) == "12.5"


def test_table_escapes_cells_header_and_caption_but_not_html_cells():
    html = table(["<b>Jenis</b>", "n"], [["<script>alert(1)</script>", "3"], [Html("<em>ok</em>"), 4]],
                 numeric=(1,), caption="A & B")
    assert isinstance(html, Html)
    assert html == (
        '<div class="table-wrap"><table class="data"><caption>A &amp; B</caption><thead><tr>'
        '<th>&lt;b&gt;Jenis&lt;/b&gt;</th><th class="num">n</th></tr></thead><tbody>'
        '<tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td class="num">3</td></tr>'
        '<tr><td><em>ok</em></td><td class="num">4</td></tr></tbody></table></div>')


def test_table_without_rows_or_caption():
    assert table(["a"], [], css_class="small") == (
        '<div class="table-wrap"><table class="small"><thead><tr><th>a</th></tr></thead><tbody></tbody></table></div>')


def test_section_figure_and_paragraphs():
    assert section("Hasil <1>", "<p>x</p>", anchor='a"b') == '<section id="a&quot;b"><h2>Hasil &lt;1&gt;</h2><p>x</p></section>'
    assert section("T", "") == "<section><h2>T</h2></section>"
    assert figure("<svg></svg>", "Grafik <x>") == (
        '<figure class="chart"><svg></svg><figcaption>Grafik &lt;x&gt;</figcaption></figure>')
    assert paragraphs(["a", "<b>b</b>"]) == "<p>a</p><p><b>b</b></p>"


def test_html_stays_html_when_added_and_displays_as_itself():
    joined = Html("<p>a</p>") + "<p>b</p>"
    assert isinstance(joined, Html) and joined._repr_html_() == "<p>a</p><p>b</p>"
