"""Export (publish/export.py): what makes a page depend on the network; which browser prints PDFs."""

from __future__ import annotations

import pytest

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
