"""The export stage (publish/build.py::run_export_stage): HTML, then the PDF and the Word chapter
at the same time; which error wins; nothing of the Word chapter outlives a failed or interrupted stage."""

from __future__ import annotations

import signal
import threading
import zipfile
from pathlib import Path

import nbformat
import pypdf
import pytest

from ikuanalysis.config import Limits
from ikuanalysis.failures import RunInterrupted
from ikuanalysis.pipeline import Stage
from ikuanalysis.publish import build, docx, export
from ikuanalysis.publish.browser import PdfPrinter

EXPORT = Stage(id="export", title="ekspor")
BOTH_STARTED_BOUND = 60  # seconds a fake waits for the other task: a deadlock guard, not a speed check


@pytest.fixture()
def executed(tmp_path) -> Path:
    """A small executed report notebook (markdown only) and the staging folder beside it."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Laporan uji\n\nParagraf pembuka.", id="satu"),
                      nbformat.v4.new_markdown_cell("## Bagian dua\n\nParagraf kedua.", id="dua")]
    path = tmp_path / "03_report.ipynb"
    nbformat.write(notebook, path)
    (tmp_path / "stage").mkdir()
    return path


def run_stage(executed: Path, printer=None) -> Path:
    stage = executed.parent / "stage"
    build.run_export_stage(EXPORT, executed, stage, 2025, Limits(pdf_timeout_seconds=60), printer=printer)
    return stage


def test_the_stage_writes_the_page_the_pdf_and_the_word_chapter(executed):
    with PdfPrinter() as printer:
        stage = run_stage(executed, printer)
    assert sorted(p.name for p in stage.iterdir()) == ["iku_2025.docx", "iku_2025.html", "iku_2025.pdf"]
    (page,) = pypdf.PdfReader(stage / "iku_2025.pdf").pages
    assert "Paragraf kedua." in page.extract_text()
    with zipfile.ZipFile(stage / "iku_2025.docx") as chapter:
        assert "Paragraf kedua." in chapter.read("word/document.xml").decode("utf-8")


def test_the_word_chapter_is_made_while_the_pdf_is_printed(executed, monkeypatch):
    """Each fake waits until the other has started: run one after the other, they would never meet."""
    pdf_started, word_started = threading.Event(), threading.Event()

    def print_pdf(html, pdf, **options):
        pdf_started.set()
        assert word_started.wait(BOTH_STARTED_BOUND), "the Word chapter did not start during the print"
        pdf.write_bytes(b"%PDF-1.4 uji")

    def export_docx(html, target, title, children, **options):
        word_started.set()
        assert pdf_started.wait(BOTH_STARTED_BOUND), "the print did not start during the Word chapter"
        target.write_bytes(b"docx uji")

    monkeypatch.setattr(export, "print_pdf", print_pdf)
    monkeypatch.setattr(docx, "export_docx", export_docx)
    stage = run_stage(executed)
    assert (stage / "iku_2025.pdf").read_bytes() == b"%PDF-1.4 uji"
    assert (stage / "iku_2025.docx").read_bytes() == b"docx uji"


def failing(message: str):
    def fail(*args, **options):
        raise export.ExportError(message)

    return fail


def test_when_both_fail_the_pdf_error_is_raised(executed, monkeypatch):
    monkeypatch.setattr(export, "print_pdf", failing("PDF gagal"))
    monkeypatch.setattr(docx, "export_docx", failing("Word gagal"))
    with pytest.raises(export.ExportError, match="^PDF gagal$"):
        run_stage(executed)


def test_when_only_the_word_chapter_fails_its_error_is_raised(executed, monkeypatch):
    monkeypatch.setattr(export, "print_pdf", lambda html, pdf, **options: pdf.write_bytes(b"%PDF"))
    monkeypatch.setattr(docx, "export_docx", failing("Word gagal"))
    with pytest.raises(export.ExportError, match="^Word gagal$"):
        run_stage(executed)


def slow_word_chapter(pid_file: Path):
    """A Word chapter whose 'pandoc' runs a minute (through the stage's ChildProcesses)."""
    def export_docx(html, target, title, children, **options):
        children.run(["sh", "-c", f"echo $$ > {pid_file}; exec sleep 60"], timeout=120)
        target.write_bytes(b"docx")

    return export_docx


def wait_for_pid(pid_file: Path) -> int:
    event = threading.Event()
    for _ in range(BOTH_STARTED_BOUND * 20):
        if pid_file.is_file() and pid_file.read_text().strip():
            return int(pid_file.read_text())
        event.wait(0.05)
    raise AssertionError("the Word chapter's subprocess did not start")


@pytest.mark.parametrize("ending", [export.ExportError("PDF gagal"), RunInterrupted(signal.SIGTERM)],
                         ids=["pdf-fails", "interrupted"])
def test_a_failed_or_interrupted_print_stops_the_word_chapter(executed, monkeypatch, ending):
    pid_file = executed.parent / "pandoc.pid"
    pids = []

    def print_pdf(html, pdf, **options):
        pids.append(wait_for_pid(pid_file))
        raise ending

    monkeypatch.setattr(export, "print_pdf", print_pdf)
    monkeypatch.setattr(docx, "export_docx", slow_word_chapter(pid_file))
    with pytest.raises(type(ending)):
        run_stage(executed)
    assert not Path(f"/proc/{pids[0]}").exists()  # killed and reaped, not left running
    assert sorted(p.name for p in (executed.parent / "stage").iterdir()) == ["iku_2025.html"]
    assert [t.name for t in threading.enumerate() if t.name == "export_docx"] == []
