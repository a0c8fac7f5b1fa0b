"""The PDF printer of a run (publish/browser.py): one headless Chromium driven over its DevTools
pipe, its fallback to the one-off command-line print, and its process never outliving it."""

from __future__ import annotations

import datetime as dt
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pypdf
import pytest

from ikuanalysis.failures import MachineFailure, RunInterrupted
from ikuanalysis.publish import export
from ikuanalysis.publish.browser import PdfPrinter, group_members
from ikuanalysis.publish.export import ExportError

DATE = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
# Like the report's CSS: the page size and the running header and page numbers in @page margin boxes.
PAGE_CSS = """@page { size: A4; margin: 20mm 14mm 18mm;
  @top-left { content: "Kepala laporan"; font: 7.5pt sans-serif; }
  @bottom-right { content: "Halaman " counter(page) " dari " counter(pages); font: 7.5pt sans-serif; } }
.page { break-after: page; }"""


def write_page(folder: Path, pages: int, name: str = "uji.html") -> Path:
    """Write a page that prints on ``pages`` A4 pages ("Isi halaman N" on each)."""
    body = "".join(f"<p class='page'>Isi halaman {n}</p>" for n in range(1, pages)) + f"<p>Isi halaman {pages}</p>"
    path = folder / name
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Uji</title><style>{PAGE_CSS}</style>"
                    f"</head><body>{body}</body></html>", encoding="utf-8")
    return path


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(pdf).pages]


def gone(pid: int) -> bool:
    """Whether the browser ``pid`` was reaped and no process of its group runs any more."""
    return not Path(f"/proc/{pid}").exists() and group_members(pid) == []


@pytest.fixture()
def no_command_line(monkeypatch):
    """Make any use of the command-line fallback fail the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the command-line print was used")

    monkeypatch.setattr(export, "print_pdf_cli", refuse)


@pytest.fixture()
def fake_pdf(tmp_path):
    """A one-page PDF that the fake browsers 'print' on the command line."""
    path = tmp_path / "fake-source.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(path)
    return path


def fake_browser(folder: Path, on_pipe: str, on_command_line: str, fake_pdf: Path | None = None) -> Path:
    """Write a stand-in for Chromium; it logs each start (its pid and whether it was asked for the
    DevTools pipe or for --print-to-pdf) in ``calls`` beside it.

    ``on_pipe``/``on_command_line``: ``hang``, ``exit``, ``crash``, (pipe) ``garble``, which answers
    the first command with something that is not JSON, or (command line) ``print``, which copies
    ``fake_pdf`` to the --print-to-pdf path.
    """
    actions = {"hang": "exec sleep 600", "exit": "exit 1", "crash": "kill -SEGV $$",
               "garble": r"head -c 1 <&3 >/dev/null; printf 'bukan JSON\000' >&4; exec sleep 600",
               "print": f'for a in "$@"; do case "$a" in --print-to-pdf=*) cp "{fake_pdf}" "${{a#--print-to-pdf=}}";; '
                        'esac; done'}
    script = folder / "fake-chromium"
    script.write_text(f"""#!/bin/sh
case "$*" in
  *--remote-debugging-pipe*) echo "$$ pipe" >> "{folder}/calls"; {actions[on_pipe]} ;;
  *) echo "$$ print-to-pdf" >> "{folder}/calls"; {actions[on_command_line]} ;;
esac
""", encoding="utf-8")
    script.chmod(0o755)
    return script


def calls(folder: Path) -> list[tuple[int, str]]:
    lines = (folder / "calls").read_text(encoding="utf-8").split("\n") if (folder / "calls").exists() else []
    return [(int(pid), kind) for pid, kind in (line.split() for line in lines if line)]


def test_a_page_printed_over_devtools_is_a_pdf_with_its_pages(tmp_path, no_command_line):
    page = write_page(tmp_path, pages=3)
    with PdfPrinter() as printer:
        printer.print_pdf(page, tmp_path / "uji.pdf", timeout=60, document_date=DATE)
    texts = page_texts(tmp_path / "uji.pdf")
    assert len(texts) == 3
    for number, text in enumerate(texts, start=1):
        assert f"Isi halaman {number}" in text
        assert "Kepala laporan" in text and f"Halaman {number} dari 3" in text  # the @page margin boxes
    with pikepdf.open(tmp_path / "uji.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == "D:20260304050607Z"
        assert str(pdf.docinfo["/ModDate"]) == "D:20260304050607Z"
        assert "/Metadata" not in pdf.Root
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".part", ".tmp"))] == []


def test_two_pages_are_printed_by_the_same_browser(tmp_path, no_command_line):
    first, second = write_page(tmp_path, 1, "satu.html"), write_page(tmp_path, 2, "dua.html")
    with PdfPrinter() as printer:
        pid = printer.pid
        printer.print_pdf(first, tmp_path / "satu.pdf", timeout=60, document_date=DATE)
        printer.print_pdf(second, tmp_path / "dua.pdf", timeout=60, document_date=DATE)
        assert printer.pid == pid is not None
    assert len(page_texts(tmp_path / "satu.pdf")) == 1
    assert [("Isi halaman 1" in t, "Isi halaman 2" in t) for t in page_texts(tmp_path / "dua.pdf")] == [
        (True, False), (False, True)]


def test_the_browser_runs_no_page_but_the_print(tmp_path, no_command_line):
    # Chromium preloads its address bar's popup (a WebUI page, ≈1 CPU-second per browser start)
    # unless export.BROWSER_FEATURES_OFF turns it off: after a print only pages are left (the
    # printed tab may still be closing).
    with PdfPrinter() as printer:
        printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=60, document_date=DATE)
        targets = printer._browser.call("Target.getTargets", deadline=time.monotonic() + 30)["targetInfos"]
    assert {t["type"] for t in targets} == {"page"}
    assert [t["url"] for t in targets if not t["url"].startswith(("about:blank", "file:"))] == []


def test_the_devtools_print_has_the_bytes_of_the_command_line_print(tmp_path):
    page = write_page(tmp_path, pages=2)
    export.print_pdf_cli(page, tmp_path / "cli.pdf", timeout=60, document_date=DATE)
    with PdfPrinter() as printer:
        export.print_pdf(page, tmp_path / "devtools.pdf", timeout=60, document_date=DATE, printer=printer)
    assert (tmp_path / "devtools.pdf").read_bytes() == (tmp_path / "cli.pdf").read_bytes()


def test_the_browser_is_gone_after_close(tmp_path):
    printer = PdfPrinter().start()
    pid = printer.pid
    printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=60, document_date=DATE)
    profile = printer._browser.profile
    printer.close()
    assert gone(pid)
    assert printer.pid is None and not Path(profile).exists()


def test_the_browser_is_gone_after_an_exception(tmp_path):
    with pytest.raises(RuntimeError, match="gagal di tengah"):
        with PdfPrinter() as printer:
            pid = printer.pid
            raise RuntimeError("gagal di tengah")
    assert gone(pid)


def test_an_interrupt_while_waiting_for_the_browser_kills_it(tmp_path, monkeypatch):
    monkeypatch.setenv(export.BROWSER_ENV, str(fake_browser(tmp_path, on_pipe="hang", on_command_line="hang")))

    def interrupt(_number, _frame):
        raise RunInterrupted(signal.SIGTERM)

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        printer = PdfPrinter().start()
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(RunInterrupted):
            printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=60, document_date=DATE)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    ((pid, kind),) = calls(tmp_path)
    assert kind == "pipe" and gone(pid)
    assert printer.pid is None and not (tmp_path / "uji.pdf").exists()


def test_a_browser_that_never_answers_is_left_for_the_command_line(tmp_path, monkeypatch, fake_pdf):
    monkeypatch.setenv(export.BROWSER_ENV, str(fake_browser(tmp_path, "hang", "print", fake_pdf)))
    printer = PdfPrinter(connect_seconds=0.5).start()
    printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=60, document_date=DATE)
    printer.print_pdf(write_page(tmp_path, 1), tmp_path / "lagi.pdf", timeout=60, document_date=DATE)
    printer.close()
    (hung, first), (_, second), (_, third) = calls(tmp_path)
    assert (first, second, third) == ("pipe", "print-to-pdf", "print-to-pdf")  # not waited for twice
    assert gone(hung)
    for name in ("uji.pdf", "lagi.pdf"):
        with pikepdf.open(tmp_path / name) as pdf:
            assert len(pdf.pages) == 1 and str(pdf.docinfo["/CreationDate"]) == "D:20260304050607Z"


def test_a_browser_that_ends_at_once_is_left_for_the_command_line_and_tried_again(tmp_path, monkeypatch, fake_pdf):
    monkeypatch.setenv(export.BROWSER_ENV, str(fake_browser(tmp_path, "exit", "print", fake_pdf)))
    with PdfPrinter() as printer:
        printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=60, document_date=DATE)
        printer.print_pdf(write_page(tmp_path, 1), tmp_path / "lagi.pdf", timeout=60, document_date=DATE)
    assert [kind for _, kind in calls(tmp_path)] == ["pipe", "print-to-pdf", "pipe", "print-to-pdf"]
    assert len(page_texts(tmp_path / "uji.pdf")) == len(page_texts(tmp_path / "lagi.pdf")) == 1


def test_a_browser_that_answers_nonsense_is_left_for_the_command_line(tmp_path, monkeypatch, fake_pdf):
    monkeypatch.setenv(export.BROWSER_ENV, str(fake_browser(tmp_path, "garble", "print", fake_pdf)))
    with PdfPrinter() as printer:
        printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=60, document_date=DATE)
        assert not printer.uses_command_line  # it answered: a new browser is tried next time
    (garbler, first), (_, second) = calls(tmp_path)
    assert (first, second) == ("pipe", "print-to-pdf") and gone(garbler)
    assert len(page_texts(tmp_path / "uji.pdf")) == 1


def test_a_browser_that_hangs_past_the_timeout_is_not_given_a_fallback(tmp_path, monkeypatch):
    monkeypatch.setenv(export.BROWSER_ENV, str(fake_browser(tmp_path, "hang", "hang")))
    with PdfPrinter() as printer, pytest.raises(ExportError) as raised:
        printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=2, document_date=DATE)
    assert str(raised.value) == str(export.timeout_error(2))
    assert "Chromium tidak selesai mencetak PDF dalam 2 detik" in str(raised.value)
    ((pid, kind),) = calls(tmp_path)  # the connection wait used the whole timeout
    assert kind == "pipe" and gone(pid)


def test_a_fallback_that_hangs_too_ends_with_the_timeout_message(tmp_path, monkeypatch):
    monkeypatch.setenv(export.BROWSER_ENV, str(fake_browser(tmp_path, "hang", "hang")))
    with PdfPrinter(connect_seconds=0.5) as printer, pytest.raises(ExportError) as raised:
        printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=3, document_date=DATE)
    assert str(raised.value) == str(export.timeout_error(3))
    assert [kind for _, kind in calls(tmp_path)] == ["pipe", "print-to-pdf"]
    assert not (tmp_path / "uji.pdf").exists()


def test_a_crashing_browser_is_the_command_line_message(tmp_path, monkeypatch):
    monkeypatch.setenv(export.BROWSER_ENV, str(fake_browser(tmp_path, "crash", "crash")))
    with PdfPrinter() as printer, pytest.raises(ExportError, match=r"Chromium gagal mencetak PDF \(kode -11\)"):
        printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=20, document_date=DATE)
    assert [kind for _, kind in calls(tmp_path)] == ["pipe", "print-to-pdf"]


def test_a_missing_browser_fails_only_when_printing(tmp_path, monkeypatch):
    monkeypatch.setenv(export.BROWSER_ENV, str(tmp_path / "tidak-ada"))
    printer = PdfPrinter().start()  # no error yet
    assert printer.pid is None
    with pytest.raises(ExportError, match=r"Chromium \(.*tidak-ada\) tidak dapat dijalankan"):
        printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=20)
    printer.close()


def test_no_browser_installed_fails_when_printing_with_the_install_hint(tmp_path, monkeypatch):
    monkeypatch.delenv(export.BROWSER_ENV, raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    with PdfPrinter() as printer:
        assert printer.pid is None
        with pytest.raises(ExportError, match="Chromium tidak ditemukan.*apt-get install chromium"):
            printer.print_pdf(write_page(tmp_path, 1), tmp_path / "uji.pdf", timeout=20)


def test_a_full_disk_is_a_machine_failure_naming_the_pdf_and_leaves_nothing(tmp_path, monkeypatch):
    page = write_page(tmp_path, 1)

    def full(source, target):
        raise OSError(errno.ENOSPC, "No space left on device", str(source))

    monkeypatch.setattr(export.os, "replace", full)
    with PdfPrinter() as printer, pytest.raises(MachineFailure) as raised:
        printer.print_pdf(page, tmp_path / "uji.pdf", timeout=60, document_date=DATE)
    assert str(raised.value).startswith(f"Ruang disk habis saat menulis {tmp_path / 'uji.pdf'}. Tidak ada hasil")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uji.html"]


def test_the_browser_ends_by_itself_when_its_run_is_killed(tmp_path):
    """A run killed by SIGKILL cannot kill its browser; the closed pipe makes the browser exit."""
    code = ("import sys, time; from pathlib import Path; from ikuanalysis.publish.browser import PdfPrinter\n"
            "printer = PdfPrinter().start()\n"
            "printer.print_pdf(Path(sys.argv[1]), Path(sys.argv[2]), timeout=60)\n"
            "print(printer.pid, flush=True)\n"
            "time.sleep(600)\n")
    run = subprocess.Popen([sys.executable, "-c", code, str(write_page(tmp_path, 1)), str(tmp_path / "uji.pdf")],
                           stdout=subprocess.PIPE, text=True)
    pid = int(run.stdout.readline())
    assert group_members(pid) != []
    run.kill()
    run.wait()
    for _ in range(600):  # a bound for a loaded machine, not a speed requirement
        if group_members(pid) == []:
            break
        time.sleep(0.05)
    else:
        os.killpg(pid, signal.SIGKILL)
        pytest.fail("the browser outlived its killed run")
