"""Build a year's report: run the notebooks with papermill, export HTML, PDF and Word, publish.

Everything is written to staging folders and published only when every step succeeded
(:mod:`ikuanalysis.publish.commit`), so a failed or killed run leaves the previous
processed data and report untouched. One run at a time holds the folders
(:mod:`ikuanalysis.publish.lock`); the notebooks run with bounded waits
(:mod:`ikuanalysis.publish.notebooks`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ikuanalysis import paths
from ikuanalysis.config import ConfigError, Limits, load_limits
from ikuanalysis.failures import DataFailure, UsageFailure
from ikuanalysis.formatting import format_number
from ikuanalysis.paths import ReportPaths
from ikuanalysis.pipeline import Stage, load_pipeline
from ikuanalysis.publish import commit, manifest
from ikuanalysis.publish.lock import hold_run_locks

if TYPE_CHECKING:  # imported where used: report --all with nothing to build loads neither (nor asyncio)
    from ikuanalysis.publish.browser import PdfPrinter
    from ikuanalysis.publish.notebooks import NotebookRunner


class ReportError(DataFailure):
    """A stage failed on the data; the message is meant for the evaluator (located errors, what to do)."""


def build_report(
    year: int, where: ReportPaths = ReportPaths(), progress: Callable[[str], None] | None = None,
    as_of: dt.date | None = None, runner: NotebookRunner | None = None, is_locked_by_caller: bool = False,
    printer: PdfPrinter | None = None,
) -> Path:
    """Build the report of ``year`` and return its output folder.

    Nothing is published unless every stage succeeded; then the processed data and the
    report replace the old ones together (:mod:`ikuanalysis.publish.commit`).

    Args:
        year: The reporting year (a folder under ``where.raw_root``).
        where: Input and output folders.
        progress: Called with a line of text at each stage (default: print to stderr).
        as_of: Reference date for a year in progress ("s.d. Triwulan N"); today when omitted.
        runner: A started :class:`NotebookRunner` to reuse (``report --all`` keeps one kernel
            per worker across years); a new one is started and stopped when omitted.
        is_locked_by_caller: The caller (``report --all``) holds the run locks of the
            output and processed folders and has finished or cleared what a killed run left.
        printer: A started :class:`PdfPrinter` to reuse (``report --all`` keeps one browser per
            worker); when omitted, one is started now, while the notebooks run, and closed at the end.

    Raises:
        RunFailure: A stage failed (the message lists the problems; ``exit_code`` says how).
        RunInterrupted: SIGTERM/SIGINT arrived; nothing was published.
    """
    limits = load_run_limits(where.config_dir)
    check_target(year, where)
    roots = [Path(where.output_root), Path(where.processed_root)]
    # The roots this run creates (for its locks and staging) go again when it fails: after a
    # failure the folders are as before (contract §0). report --all (locked by the caller) keeps
    # its roots: the index page reports the failed years.
    created = [] if is_locked_by_caller else [paths.missing_folders(root) for root in roots]
    try:
        with contextlib.nullcontext() if is_locked_by_caller else hold_run_locks(roots, limits.lock_wait_seconds):
            if not is_locked_by_caller:
                clear_after_killed_runs(where)
            from ikuanalysis.publish.browser import PdfPrinter

            owned = PdfPrinter() if printer is None and has_export_stage() else None
            try:
                # The browser starts after the cleaning stage (run_year_stages), while the notebooks run.
                return _build_locked(year, where, progress, as_of, runner, limits, printer or owned)
            finally:
                if owned is not None:
                    owned.close()
    except BaseException:
        for folders in created:  # each root and the parents made for it, deepest first
            paths.remove_empty_folders(folders)
        raise


def check_target(year: int, where: ReportPaths) -> None:
    """Fail at once, as wrong configuration (exit 2), when ``config/iku.yml`` has no target for
    ``year``, printing the registers' errors too (contract §4: when both kinds are found, every
    problem is printed and the exit is 2). Without this the run cleaned the data first and
    stopped there (exit 1) or only at the indicator stage, saying one kind of problem per run.

    Raises:
        UsageFailure: No target for the year.
    """
    from ikuanalysis.config import load_settings

    try:
        settings = load_settings(where.config_dir)
    except ConfigError:
        return  # an invalid configuration is reported by the stage that reads it, as before
    try:
        settings.iku.target_for(year)
        return
    except ConfigError as exc:
        problem = str(exc)
    raw_dir = Path(where.raw_root) / str(year)
    if raw_dir.is_dir():
        from ikuanalysis.ingest.problems import RegisterError
        from ikuanalysis.ingest.year import clean_year

        try:
            clean_year(raw_dir, settings, year, key=b"check-only", check_only=True)
        except RegisterError as data:
            problem += f"\n\nSelain itu, register tahun {year} memuat kesalahan:\n\n{data}"
    raise UsageFailure(problem)


def has_export_stage() -> bool:
    """Whether the declared year stages print a PDF (an export stage, without notebook)."""
    try:
        return any(not step.notebook for step in load_pipeline().year_stages)
    except ConfigError:
        return False  # run_year_stages reports the invalid declaration


def load_run_limits(config_dir: Path):
    """Return the limits of a run (``config/limits.yml``) or fail as wrong configuration."""
    try:
        return load_limits(config_dir)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None


KERNEL_PID_FILE = "kernel.pid"


def end_orphan_kernels(output_root: Path) -> None:
    """End the kernels of killed runs that are still running (their staging names them).

    A kernel lives in its own session, so killing a run's process group leaves it running
    for a moment; it must not write into the staging folders the next run is about to make.
    """
    for pid_file in Path(output_root).glob(f".staging-*/{KERNEL_PID_FILE}"):
        text = pid_file.read_text(encoding="utf-8").strip()
        command = Path(f"/proc/{text}/cmdline")
        if not text.isdigit() or not command.is_file() or b"ipykernel" not in command.read_bytes():
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(int(text), signal.SIGKILL)
        for _ in range(50):  # at most 5 s
            if not is_process_running(int(text)):
                break
            time.sleep(0.1)


def is_process_running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended: a zombie (ended, its parent has not yet
    collected its status; an orphan waits for init to do it) runs no code and writes nothing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    state = stat.rpartition(")")[2].split()[:1]  # the name in brackets may hold spaces
    return state not in (["Z"], ["X"])


def clear_after_killed_runs(where: ReportPaths) -> None:
    """Finish a publish step a killed run left half-done, end its kernel, delete its staging.

    Only the holder of the run locks calls this.
    """
    commit.finish_interrupted_publish(Path(where.output_root))
    end_orphan_kernels(Path(where.output_root))
    for root in (Path(where.output_root), Path(where.processed_root)):
        paths.remove_leftovers(root)


def _build_locked(year: int, where: ReportPaths, progress, as_of, runner, limits, printer=None) -> Path:
    # The kernel is launched first (a subprocess, no import): it boots on the other core while
    # this process imports the notebook machinery and prepares the staging folders.
    from ikuanalysis.publish.notebooks import NotebookRunner

    with contextlib.nullcontext(runner) if runner else NotebookRunner(limits) as active:
        return _build_with_runner(year, where, progress, as_of, active, limits, printer)


def _build_with_runner(year: int, where: ReportPaths, progress, as_of, active: NotebookRunner, limits: Limits,
                       printer=None) -> Path:
    from ikuanalysis.publish.export import warm_exporter

    # The kernel's client library is imported here first: the warm-up thread imports nbconvert,
    # which imports jupyter_client too, and two threads importing one module half-way through
    # gave "cannot import name 'AsyncKernelManager' from partially initialized module".
    import jupyter_client.asynchronous  # noqa: F401
    import nbclient  # noqa: F401

    def start_side_work() -> None:
        # Load nbconvert (and convert a tiny notebook) while the notebooks run, not while the
        # kernel boots: the export then starts at once. The browser starts after the first
        # stage (run_year_stages).
        threading.Thread(target=_quietly(warm_exporter), daemon=True, name="warm-exporter").start()

    active.when_ready(start_side_work)
    say = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    output_root, processed_root = Path(where.output_root), Path(where.processed_root)
    output_root.mkdir(parents=True, exist_ok=True)
    processed_root.mkdir(parents=True, exist_ok=True)
    # Fixed names (no PID): the executed notebooks quote these paths, and reruns must be identical.
    work_root = output_root / commit.staging_name(year)
    processed_stage = processed_root / commit.staging_name(year)
    paths.remove_leftovers(output_root, (work_root.name,))
    stage = work_root / str(year)
    (stage / "notebooks").mkdir(parents=True)
    # The kernel runs in its own session: if this run is SIGKILLed, the next one ends it.
    active.launch()  # a kept runner (report --all) whose kernel died starts its next one now
    (work_root / KERNEL_PID_FILE).write_text(str(active.kernel_pid or ""), encoding="utf-8")
    raw_dir = Path(where.raw_root) / str(year)
    raw_before = paths.hash_folder(raw_dir) if raw_dir.is_dir() else {}
    inputs = {"shared": manifest.shared_fingerprint(where.config_dir),
              "raw": manifest.raw_fingerprint(raw_dir) if raw_dir.is_dir() else {}}
    try:
        commit.mirror_processed(processed_root, processed_stage)
        parameters = {"year": int(year), "raw_root": str(where.raw_root), "processed_root": str(processed_stage),
                      "work_root": str(work_root), "config_dir": str(where.config_dir),
                      "as_of": as_of.isoformat() if as_of else ""}
        run_year_stages(active, year, stage, parameters, say, limits, printer)
        if raw_dir.is_dir() and paths.hash_folder(raw_dir) != raw_before:
            raise ReportError(
                f"Berkas di {raw_dir} berubah selama laporan dibuat; laporan tidak diterbitkan. "
                "Tunggu sampai berkas selesai disalin, lalu jalankan lagi."
            )
        earlier = [y for y in paths.list_years(where.raw_root) if y < year]
        manifest.write_manifest(year, where, inputs["shared"], inputs["raw"], earlier, stage)
        target = output_root / str(year)
        moves = [(folder, processed_root / folder.name)
                 for folder in commit.changed_processed_years(processed_stage, processed_root)]
        commit.publish_together([*moves, (stage, target)], commit.journal_path(output_root, year))
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
        shutil.rmtree(processed_stage, ignore_errors=True)
    say(f"[{year}] laporan siap: {target}")
    return target


def _quietly(function: Callable[[], None]) -> Callable[[], None]:
    """Return ``function`` made silent: a warm-up that fails leaves the failure to the real call."""
    def run() -> None:
        try:
            function()
        except Exception:  # noqa: BLE001 - the export itself reports it, without a traceback
            pass

    return run


def run_year_stages(runner: NotebookRunner, year: int, stage: Path, parameters: dict,
                    say: Callable[[str], None], limits: Limits | None = None,
                    printer: PdfPrinter | None = None) -> None:
    """Run the stages ``pipeline.yml`` declares for a year, in order, with a progress line each.

    ``printer`` prints the PDF of the export stage (a one-off command-line print when omitted).
    """
    stages = load_pipeline().year_stages
    executed = None  # the last notebook run: the report the export stage turns into HTML and PDF
    for index, step in enumerate(stages, start=1):
        started = time.perf_counter()
        say(f"[{year}] {index}/{len(stages)} {step.title} …")
        if step.notebook:
            executed = stage / "notebooks" / f"{step.notebook}.ipynb"
            runner.run(step.notebook, executed, parameters)
        else:
            run_export_stage(step, executed, stage, year, limits or Limits(),
                             Path(parameters["raw_root"]) / str(year), printer)
        if printer is not None and index == 1:
            # The browser starts once the first stage, the cleaning, is done: it boots while the
            # later notebooks run, and its ≈230 MiB never add to the cleaning's peak (≈0,9 GiB at
            # 10^6 rows). A browser kept from an earlier year is left as it is.
            printer.start()
        say(f"[{year}]     selesai dalam {format_number(time.perf_counter() - started, 1)} detik")


def run_export_stage(step: Stage, executed: Path | None, stage: Path, year: int, limits: Limits,
                     raw_dir: Path | None = None, printer: PdfPrinter | None = None) -> None:
    """Run the export stage: the executed report notebook becomes the HTML page, the Word chapter and the PDF.

    The Word chapter is made in a thread while the PDF is printed (both mostly wait on a
    subprocess: pandoc, Chromium). When the PDF fails, its error is the one raised (pandoc is
    stopped); when only the Word chapter fails, its error. An interrupt stops pandoc too.

    Args:
        step: The stage as declared (``export``).
        executed: The notebook of the stage before it, as executed.
        stage: The year's staging folder.
        year: The reporting year.
        limits: The run's limits (the printer's timeout).
        raw_dir: The year's registers, whose newest date is stamped in the PDF and the DOCX.
        printer: The run's browser (a one-off command-line print when omitted).
    """
    from ikuanalysis.publish import docx, export

    if step.id != "export" or executed is None:
        raise ReportError(f"pipeline.yml: tahap '{step.id}' tanpa notebook tidak dikenal, atau tidak ada "
                          "notebook laporan sebelum tahap ekspor.")
    base = paths.report_basename(year)
    html = export.export_html(executed, f"Laporan IKU {year}")
    (stage / f"{base}.html").write_text(html, encoding="utf-8")
    document_date = paths.source_date(raw_dir)
    word = BackgroundTask(docx.export_docx, stage / f"{base}.html", stage / f"{base}.docx", f"Laporan IKU {year}",
                          document_date=document_date, timeout=limits.pdf_timeout_seconds)
    try:
        export.print_pdf(stage / f"{base}.html", stage / f"{base}.pdf", timeout=limits.pdf_timeout_seconds,
                         document_date=document_date, printer=printer)
        word.result()
    finally:
        word.stop()


class BackgroundTask:
    """An export step run in a thread, whose subprocesses the main thread can stop.

    ``function`` is called with ``children=`` (an :class:`ikuanalysis.publish.export.ChildProcesses`)
    besides the given arguments. Whatever it raises is kept and raised again by :meth:`result`,
    so that nothing is printed from the thread.
    """

    def __init__(self, function: Callable, *args, **kwargs) -> None:
        from ikuanalysis.publish.export import ChildProcesses

        self.children = ChildProcesses()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, args, kwargs), daemon=True,
                                        name=getattr(function, "__name__", "export-task"))
        self._thread.start()

    def _run(self, function: Callable, args: tuple, kwargs: dict) -> None:
        try:
            function(*args, children=self.children, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - raised again in the main thread by result()
            self._error = exc

    def result(self) -> None:
        """Wait for the task (signals still interrupt the wait); raise what it raised."""
        while self._thread.is_alive():
            self._thread.join(0.1)
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def stop(self, wait_seconds: float = 10.0) -> None:
        """Stop the task's subprocesses and wait (bounded) until the thread has ended; its error is dropped."""
        if not self._thread.is_alive():
            return
        self.children.stop()
        self._thread.join(wait_seconds)
