"""Build every year's report: incremental (:mod:`ikuanalysis.publish.manifest` decides), in
parallel worker processes, with progress. This module imports nothing heavy, so a run where
nothing changed finishes quickly.

Every text about a year that leaves this module (``YearResult.detail``, ``build_status.json``,
the index manifest, the index page, the terminal) has passed
:func:`ikuanalysis.disclosure.redact_message` (data contract §1.5).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ikuanalysis import paths
from ikuanalysis.disclosure import redact_message
from ikuanalysis.failures import EXIT_INTERRUPTED, RunFailure, failure_from_os_error, raise_interrupted
from ikuanalysis.publish.manifest import decide, results_digest, shared_fingerprint

STATUS_FILE = "build_status.json"


@dataclass
class YearResult:
    """How one year ended in a batch run."""

    year: int
    status: str  # "dibuat", "dilewati", "gagal"
    detail: str = ""  # redacted (see the module docstring)
    seconds: float = 0.0
    exit_code: int = 0  # of a failed year (contract §4): 1 data, 2 configuration, 3 machine

    def __post_init__(self) -> None:
        self.detail = redact_message(self.detail)


class Progress:
    """Progress of a batch: one updating line on a terminal, plain log lines otherwise."""

    def __init__(self, total: int, stream: TextIO = sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.is_tty = stream.isatty()
        self.current: dict[int, str] = {}

    def stage(self, year: int, text: str) -> None:
        """Show that ``year`` reached a stage."""
        text = redact_message(text.split("] ", 1)[-1].strip())
        if self.is_tty:
            self.current[year] = text
            line = " | ".join(f"{y}: {t}" for y, t in sorted(self.current.items()))
            self.stream.write(f"\r\033[K[{self.done}/{self.total} tahun selesai] {line}"[:200])
            self.stream.flush()
        else:
            print(f"[{year}] {text}", file=self.stream, flush=True)

    def finish(self, result: YearResult) -> None:
        """Record a finished year."""
        self.done += 1
        self.current.pop(result.year, None)
        line = f"[{self.done}/{self.total}] {result.year}: {result.status}"
        if result.status == "dibuat":
            line += f" ({result.seconds:.1f} d)"
        if self.is_tty:
            self.stream.write("\r\033[K")
        print(line, file=self.stream, flush=True)


_WORKER_RUNNER = None


def _worker_runner():
    """Return this worker process's notebook kernel, started on first use.

    One kernel per worker serves all its years: the imports are paid once, not per year.
    Each notebook sets every variable it uses, so nothing carries over between years.
    """
    global _WORKER_RUNNER
    if _WORKER_RUNNER is None:
        from multiprocessing import util

        from ikuanalysis.publish.notebooks import NotebookRunner

        _WORKER_RUNNER = NotebookRunner().__enter__()
        util.Finalize(None, _WORKER_RUNNER.__exit__, args=(None, None, None), exitpriority=10)
    return _WORKER_RUNNER


_WORKER_PRINTER = None


def _worker_printer():
    """Return this worker process's PDF printer, its browser started (without waiting) on first use.

    Like the kernel, one browser per worker serves all its years; it is killed when the worker ends.
    """
    global _WORKER_PRINTER
    if _WORKER_PRINTER is None:
        from multiprocessing import util

        from ikuanalysis.publish.browser import PdfPrinter

        _WORKER_PRINTER = PdfPrinter()
        util.Finalize(None, _WORKER_PRINTER.close, exitpriority=10)
    return _WORKER_PRINTER.start()  # a browser that failed a print is started afresh


_IS_BUILDING = False


def _worker_signal(signal_number: int, _frame) -> None:
    """Worker: a signal while building unwinds the build (staging removed, kernel killed);
    an idle worker just ends, quietly."""
    if _IS_BUILDING:
        raise_interrupted(signal_number)  # raised, or the kernel wait cancelled (it raises then)
        return
    if _WORKER_PRINTER is not None:  # os._exit skips the finalizers
        _WORKER_PRINTER.close()
    os._exit(EXIT_INTERRUPTED)


def _init_worker() -> None:
    import signal

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, _worker_signal)


def _build_one(year: int, where, as_of, queue) -> YearResult:
    """Worker: build one year, reporting stages through ``queue``; raises only RunInterrupted."""
    global _WORKER_RUNNER, _IS_BUILDING
    from ikuanalysis.publish.build import build_report

    started = time.perf_counter()
    _IS_BUILDING = True
    try:
        printer = _worker_printer()  # first: the browser starts while the kernel does
        build_report(year, where, progress=lambda line: queue.put((year, line)), as_of=as_of,
                     runner=_worker_runner(), is_locked_by_caller=True, printer=printer)
    except RunFailure as exc:
        return YearResult(year, "gagal", redact_message(str(exc)), time.perf_counter() - started,
                          exc.exit_code)
    except OSError as exc:
        failure = failure_from_os_error(exc) or RunFailure(f"{type(exc).__name__}: {exc}")
        return YearResult(year, "gagal", redact_message(str(failure)), time.perf_counter() - started,
                          failure.exit_code)
    except Exception as exc:  # noqa: BLE001 - one year's crash must not stop the others
        if _WORKER_RUNNER is not None:  # the kernel may be what broke: start afresh next time
            _WORKER_RUNNER.__exit__(None, None, None)
            _WORKER_RUNNER = None
        return YearResult(year, "gagal", redact_message(f"{type(exc).__name__}: {exc}"), time.perf_counter() - started)
    finally:
        _IS_BUILDING = False
    return YearResult(year, "dibuat", "", time.perf_counter() - started)


def _build_index_task(where) -> None:
    """Worker: build the index page with this worker's kernel."""
    from ikuanalysis.publish.index import build_index

    build_index(where, runner=_worker_runner())


class WorkerPool:
    """Worker processes (spawned) plus a queue through which they report their stages.

    The processes start on first use: a run with nothing to build (the unchanged rerun) never
    pays the interpreter starts of the queue's manager and the workers.
    """

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self._manager = None
        self._messages = None
        self._executor = None

    def _start(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        self._manager = context.Manager()
        self._messages = self._manager.Queue()
        self._executor = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_init_worker)

    @property
    def executor(self):
        """The worker processes (started now if they are not running yet)."""
        if self._executor is None:
            self._start()
        return self._executor

    @property
    def messages(self):
        """The queue of the workers' progress lines (started with the workers)."""
        if self._messages is None:
            self._start()
        return self._messages

    @property
    def is_started(self) -> bool:
        """Whether any worker process was started."""
        return self._executor is not None

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if not self.is_started:
            return
        if exc_type is not None:  # interrupted or failed: stop the workers (each cleans up its year)
            for process in list(getattr(self._executor, "_processes", {}).values()):
                with contextlib.suppress(OSError):
                    process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=exc_type is not None)
        self._manager.shutdown()

    def build(self, years: list[int], where, progress: Progress, as_of=None) -> list[YearResult]:
        """Build ``years`` in the workers, showing progress; return their results by year."""
        import queue as queue_module
        from concurrent.futures import FIRST_COMPLETED, wait

        if not years:
            return []
        pending = {self.executor.submit(_build_one, year, where, as_of, self.messages) for year in years}
        results = []
        while pending:
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            while True:
                try:
                    year, line = self.messages.get_nowait()
                except queue_module.Empty:
                    break
                progress.stage(year, line)
            for future in finished:
                result = future.result()
                results.append(result)
                progress.finish(result)
        return sorted(results, key=lambda r: r.year)


@dataclass
class BatchResult:
    """The outcome of ``report --all``."""

    years: list[YearResult] = field(default_factory=list)
    index_built: bool = False
    index_reason: str = ""

    @property
    def has_failures(self) -> bool:
        """Whether any year failed."""
        return any(r.status == "gagal" for r in self.years) or self.index_exit_code != 0

    index_exit_code: int = 0

    @property
    def exit_code(self) -> int:
        """The exit status of the whole run (contract §4): wrong use first, then the machine, then data."""
        codes = {r.exit_code or 1 for r in self.years if r.status == "gagal"} | ({self.index_exit_code} - {0})
        return next((code for code in (2, 3, 1) if code in codes), 0)


def build_all(where, jobs: int | None = None, force: bool = False, stream: TextIO = sys.stderr,
              as_of=None) -> BatchResult:
    """Build every year found under the raw root, then the index page.

    Args:
        where: The folders (a :class:`ikuanalysis.report.ReportPaths`).
        jobs: Worker processes (default: the number of cores).
        force: Rebuild every year and the index.
        stream: Where progress and the summary are written.
        as_of: Reference date for a year in progress.
    """
    from ikuanalysis.publish.build import clear_after_killed_runs, load_run_limits
    from ikuanalysis.publish.lock import hold_run_locks

    limits = load_run_limits(where.config_dir)
    with hold_run_locks([Path(where.output_root), Path(where.processed_root)], limits.lock_wait_seconds):
        clear_after_killed_runs(where)
        outcome = _build_all_locked(where, jobs, force, stream, as_of)
    print_summary(outcome, stream)
    return outcome


def _build_all_locked(where, jobs: int | None, force: bool, stream: TextIO, as_of) -> BatchResult:
    years = paths.list_years(where.raw_root)
    shared = shared_fingerprint(where.config_dir)
    before = {year: [y for y in years if y < year] for year in years}
    decisions = {year: decide(year, where, shared, before[year], force) for year in years}
    for decision in decisions.values():
        if not decision.build:
            print(f"{decision.year}: dilewati ({decision.reason})", file=stream)
        else:
            print(f"{decision.year}: akan dibuat ({decision.reason})", file=stream)
    to_build = [y for y, d in decisions.items() if d.build]
    progress = Progress(len(to_build), stream)
    outcome = BatchResult()
    with WorkerPool(jobs or os.cpu_count() or 1) as pool:
        results = {r.year: r for r in pool.build(to_build, where, progress, as_of)}
        # Years whose own inputs did not change but whose comparison shows a year rebuilt now.
        rebuilt = {y for y, r in results.items() if r.status == "dibuat"}
        # A year built alongside an earlier one may show that year's old result: its manifest says so.
        second = [y for y in years if any(e in rebuilt for e in before[y])
                  and (y not in results or results[y].status == "dibuat")
                  and decide(y, where, shared, before[y]).build]
        if second:
            for year in second:
                print(f"{year}: akan dibuat (hasil tahun sebelumnya berubah)", file=stream)
            progress.total += len(second)
            results.update({r.year: r for r in pool.build(second, where, progress, as_of)})
        outcome.years = [results.get(y) or YearResult(y, "dilewati", decisions[y].reason) for y in years]
        write_status(where, outcome)
        outcome.index_built, outcome.index_reason = build_index_if_needed(where, outcome, shared, force, stream, pool)
    return outcome


def write_status(where, outcome: BatchResult) -> None:
    """Write ``outputs/build_status.json``: each year's result in this run (the index reads it)."""
    path = Path(where.output_root) / STATUS_FILE
    data = {"years": [{"year": r.year, "status": r.status, "detail": redact_message(r.detail)} for r in outcome.years]}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return  # unchanged: keep its timestamp
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{STATUS_FILE}.{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


INDEX_MANIFEST = ".index_manifest.json"


def build_index_if_needed(
    where, outcome: BatchResult, shared: dict, force: bool, stream: TextIO, pool: WorkerPool
) -> tuple[bool, str]:
    """Rebuild ``outputs/index.html`` (and the multi-year tables) when any of its inputs changed."""
    output_root = Path(where.output_root)
    years = [r.year for r in outcome.years]
    failures = {r.year: redact_message(r.detail) for r in outcome.years if r.status == "gagal"}
    wanted = {"results": results_digest(output_root, years), "failures": failures, **shared}
    marker = output_root / INDEX_MANIFEST
    try:
        previous = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = None
    missing = not (output_root / "index.html").is_file()
    touched = any(r.status != "dilewati" for r in outcome.years)  # a year's report was (re)built or failed
    if not force and not missing and not touched and previous == wanted:
        print("indeks: dilewati (tidak berubah)", file=stream)
        return False, "tidak berubah"
    print("indeks: dibuat …", file=stream, flush=True)
    try:
        pool.executor.submit(_build_index_task, where).result()  # a worker whose kernel is warm
    except RunFailure as exc:
        outcome.index_exit_code = exc.exit_code
        return False, redact_message(f"gagal: {exc}")
    marker.write_text(json.dumps(wanted, sort_keys=True), encoding="utf-8")
    return True, "dibuat"


def print_summary(outcome: BatchResult, stream: TextIO) -> None:
    """Print each year's result (with the located errors of failed years)."""
    print("\nRingkasan:", file=stream)
    for result in outcome.years:
        line = f"  {result.year}: {result.status}"
        if result.status == "dibuat":
            line += f" ({result.seconds:.1f} d)"
        elif result.status == "dilewati":
            line += f" ({redact_message(result.detail)})"
        print(line, file=stream)
        if result.status == "gagal":
            print("    " + redact_message(result.detail).replace("\n", "\n    "), file=stream)
    print(f"  indeks: {outcome.index_reason}", file=stream)
