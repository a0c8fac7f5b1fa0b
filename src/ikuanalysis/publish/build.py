"""Build a year's report: run the notebooks with papermill, export HTML and PDF, publish.

Everything is written to a staging folder inside the output root and moved to
``outputs/<year>`` only when every step succeeded, so a failed or killed run leaves the
previous report untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ikuanalysis import paths
from ikuanalysis.paths import ReportPaths, replace_dir
from ikuanalysis.pipeline import Stage, load_pipeline
from ikuanalysis.publish import manifest


class ReportError(RuntimeError):
    """A stage failed; the message is meant for the evaluator (located errors, what to do)."""


class NotebookRunner:
    """Executes notebooks one after the other in a single kernel (one start-up, imports once).

    Parameters are injected the papermill way (a cell tagged ``injected-parameters`` after
    the ``parameters`` cell); the executed notebook is saved even when a cell fails, for audit.
    """

    def __init__(self) -> None:
        self._km = None
        self._sockets: str | None = None

    def __enter__(self) -> "NotebookRunner":
        import tempfile

        from jupyter_client.manager import KernelManager

        # Local kernel over IPC sockets in a private folder: nothing listens on TCP, and
        # kernels started at the same moment (report --all) never share a socket path.
        self._sockets = tempfile.mkdtemp(prefix="ikuanalysis-kernel-")
        self._km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(self._sockets, "ipc"))
        self._km.start_kernel(cwd=str(paths.PROJECT_ROOT))
        return self

    def __exit__(self, *exc_info) -> None:
        if self._km is not None:
            self._km.shutdown_kernel(now=True)
            self._km.cleanup_resources()
            self._km = None
        if self._sockets:
            shutil.rmtree(self._sockets, ignore_errors=True)

    def run(self, name: str, target: Path, parameters: dict) -> None:
        """Execute ``notebooks/<name>.ipynb`` with ``parameters`` and save it to ``target``.

        Raises:
            ReportError: A cell raised; for data or configuration errors the message is the
                evaluator-facing list of problems.
        """
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        notebook = parameterize_notebook(load_notebook_node(str(paths.NOTEBOOK_DIR / f"{name}.ipynb")), parameters)
        for cell in notebook.cells:  # papermill gives the injected cell a random id: reruns must be identical
            if "injected-parameters" in cell.metadata.get("tags", []):
                cell["id"] = "injected-parameters"
        client = NotebookClient(notebook, km=self._km, timeout=1800, kernel_name="python3",
                                resources={"metadata": {"path": str(paths.PROJECT_ROOT)}})
        try:
            client.execute()
        except CellExecutionError as exc:
            if exc.ename in {"RegisterError", "ConfigError"}:
                raise ReportError(exc.evalue) from None
            raise ReportError(
                f"Notebook {name} gagal ({exc.ename}: {exc.evalue}). Lihat notebook yang dieksekusi: {target}"
            ) from None
        finally:
            nbformat.write(notebook, str(target))


def build_report(
    year: int, where: ReportPaths = ReportPaths(), progress: Callable[[str], None] | None = None,
    as_of: dt.date | None = None, runner: NotebookRunner | None = None,
) -> Path:
    """Build the report of ``year`` and return its output folder.

    Args:
        year: The reporting year (a folder under ``where.raw_root``).
        where: Input and output folders.
        progress: Called with a line of text at each stage (default: print to stderr).
        as_of: Reference date for a year in progress ("s.d. Triwulan N"); today when omitted.
        runner: A started :class:`NotebookRunner` to reuse (``report --all`` keeps one kernel
            per worker across years); a new one is started and stopped when omitted.

    Raises:
        ReportError: A stage failed (the message lists the problems).
    """
    from ikuanalysis.publish.export import make_exporter

    # Load nbconvert while the kernel works: the export then starts at once.
    threading.Thread(target=make_exporter, daemon=True, name="warm-exporter").start()

    say = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    output_root = Path(where.output_root)
    output_root.mkdir(parents=True, exist_ok=True)
    work_root = output_root / f".staging-{year}-{os.getpid()}"
    stage = work_root / str(year)
    (stage / "notebooks").mkdir(parents=True, exist_ok=True)
    parameters = {
        "year": int(year),
        "raw_root": str(where.raw_root),
        "processed_root": str(where.processed_root),
        "work_root": str(work_root),
        "config_dir": str(where.config_dir),
        "as_of": as_of.isoformat() if as_of else "",
    }
    paths.remove_stale_staging(output_root)
    raw_dir = Path(where.raw_root) / str(year)
    raw_before = paths.hash_folder(raw_dir) if raw_dir.is_dir() else {}
    inputs = {"shared": manifest.shared_fingerprint(where.config_dir),
              "raw": manifest.raw_fingerprint(raw_dir) if raw_dir.is_dir() else {}}
    try:
        with contextlib.nullcontext(runner) if runner else NotebookRunner() as active:
            run_year_stages(active, year, stage, parameters, say)
        if raw_dir.is_dir() and paths.hash_folder(raw_dir) != raw_before:
            raise ReportError(
                f"Berkas di {raw_dir} berubah selama laporan dibuat; laporan tidak diterbitkan. "
                "Tunggu sampai berkas selesai disalin, lalu jalankan lagi."
            )
        earlier = [y for y in paths.list_years(where.raw_root) if y < year]
        manifest.write_manifest(year, where, inputs["shared"], inputs["raw"], earlier, stage)
        target = output_root / str(year)
        replace_dir(stage, target)
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    say(f"[{year}] laporan siap: {target}")
    return target


def run_year_stages(runner: NotebookRunner, year: int, stage: Path, parameters: dict,
                    say: Callable[[str], None]) -> None:
    """Run the stages ``pipeline.yml`` declares for a year, in order, with a progress line each."""
    stages = load_pipeline().year_stages
    executed = None  # the last notebook run: the report the export stage turns into HTML and PDF
    for index, step in enumerate(stages, start=1):
        started = time.perf_counter()
        say(f"[{year}] {index}/{len(stages)} {step.title} …")
        if step.notebook:
            executed = stage / "notebooks" / f"{step.notebook}.ipynb"
            runner.run(step.notebook, executed, parameters)
        else:
            run_export_stage(step, executed, stage, year)
        say(f"[{year}]     selesai dalam {time.perf_counter() - started:.1f} d")


def run_export_stage(step: Stage, executed: Path | None, stage: Path, year: int) -> None:
    """Run the export stage: the executed report notebook becomes the HTML page and the PDF.

    Args:
        step: The stage as declared (``export``).
        executed: The notebook of the stage before it, as executed.
        stage: The year's staging folder.
        year: The reporting year.
    """
    from ikuanalysis.publish.export import export_html, print_pdf

    if step.id != "export" or executed is None:
        raise ReportError(f"pipeline.yml: tahap '{step.id}' tanpa notebook tidak dikenal, atau tidak ada "
                          "notebook laporan sebelum tahap ekspor.")
    base = paths.report_basename(year)
    html = export_html(executed, f"Laporan IKU {year}")
    (stage / f"{base}.html").write_text(html, encoding="utf-8")
    print_pdf(stage / f"{base}.html", stage / f"{base}.pdf")
