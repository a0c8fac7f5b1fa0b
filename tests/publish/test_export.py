"""Export (publish/export.py): what makes a page depend on the network; which browser prints PDFs."""

from __future__ import annotations

import pytest

from ikuanalysis import paths
from ikuanalysis.publish import export


def test_a_self_contained_page_has_no_external_reference():
    html = ('<html><head><style>body{color:#333}</style></head><body><a href="#bagian">x</a>'
            '<a href="2025/iku_2025.pdf">PDF</a><svg><path d="M0 0"/></svg><p>https://contoh.go.id</p></body></html>')
    assert export.find_external_references(html) == []


@pytest.mark.parametrize("snippet", [
    '<script src="app.js"></script>',
    '<link rel="stylesheet" href="https://cdn.example/x.css">',
    "<style>@import 'x.css';</style>",
    '<img src="http://example.com/a.png">',
    "<img SRC = '//example.com/a.png'>",
    '<form action="https://example.com/kirim">',
    '<object data="https://example.com/x.svg">',
    '<video poster="https://example.com/p.jpg">',
])
def test_each_kind_of_external_reference_is_found(snippet):
    assert len(export.find_external_references(f"<body>{snippet}</body>")) >= 1


def test_the_configured_browser_wins(monkeypatch):
    monkeypatch.setenv(export.BROWSER_ENV, "/opt/chrome/chrome")
    assert export.find_browser() == "/opt/chrome/chrome"


def test_the_first_browser_on_the_path_is_used(monkeypatch):
    monkeypatch.delenv(export.BROWSER_ENV, raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: f"/usr/bin/{name}" if name.startswith("google") else None)
    assert export.find_browser() == "/usr/bin/google-chrome"


def test_no_browser_is_an_export_error_saying_what_to_install(monkeypatch):
    monkeypatch.delenv(export.BROWSER_ENV, raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    with pytest.raises(export.ExportError, match="Chromium tidak ditemukan.*apt-get install chromium"):
        export.find_browser()


def test_a_failing_browser_is_an_export_error(tmp_path, monkeypatch):
    browser = tmp_path / "browser"
    browser.write_text("#!/bin/sh\necho 'cannot print' >&2\nexit 3\n", encoding="utf-8")
    browser.chmod(0o755)
    monkeypatch.setenv(export.BROWSER_ENV, str(browser))
    (tmp_path / "a.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(export.ExportError, match=r"kode 3\);.*Pesan Chromium: cannot print"):
        export.print_pdf(tmp_path / "a.html", tmp_path / "a.pdf")


PRINT_CSS = (paths.TEMPLATE_DIR / "ikureport" / "report.css").read_text(encoding="utf-8")


def print_report_like_page(tmp_path, settings, is_sample):
    """Print a page shaped like the report (its CSS and title block, then 40 paragraphs) and
    return the text of each PDF page."""
    from types import SimpleNamespace

    import pypdf

    from ikuanalysis.report.sections import title_block

    title = title_block(settings, SimpleNamespace(year=2025), is_sample)
    body = "".join(f"<p>Paragraf {n}. " + "Isi laporan yang cukup panjang. " * 40 + "</p>" for n in range(40))
    html = tmp_path / "r.html"
    html.write_text(f"<html><head><style>{PRINT_CSS}</style></head><body><main class='report'>{title}{body}"
                    "</main></body></html>", encoding="utf-8")
    export.print_pdf(html, tmp_path / "r.pdf")
    return [page.extract_text() for page in pypdf.PdfReader(tmp_path / "r.pdf").pages]


def test_every_printed_page_has_the_running_header_and_its_number_of_all(tmp_path, settings):
    pages = print_report_like_page(tmp_path, settings, is_sample=True)
    assert len(pages) >= 3
    header = f"{settings.iku.indicator.name} · TA 2025"
    for number, text in enumerate(pages, start=1):
        assert header in text, number
        assert f"Halaman {number} dari {len(pages)}" in text, number
        assert "DATA CONTOH (SINTETIS)" in text, number  # the mark on every page, not only the first


def test_real_data_print_without_the_synthetic_mark(tmp_path, settings):
    pages = print_report_like_page(tmp_path, settings, is_sample=False)
    assert all("SINTETIS" not in text and "Halaman" in text for text in pages)
