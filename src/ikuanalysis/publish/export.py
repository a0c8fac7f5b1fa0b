"""Turn an executed report notebook into a self-contained HTML page and an A4 PDF.

HTML: nbconvert in-process with our template (``templates/ikureport``): code hidden, our
CSS inlined, charts as inline SVG, no script or external URL. PDF: headless Chromium
prints that same HTML, so the PDF is the report as seen on screen: a browser started once per
run and driven over the DevTools protocol (:mod:`ikuanalysis.publish.browser`), or, as the
fallback, a one-off ``chromium --print-to-pdf`` (:func:`print_pdf_cli`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from ikuanalysis import paths
from ikuanalysis.failures import MachineFailure, describe_os_error

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_ENV = "IKUANALYSIS_BROWSER"
# Headless Chromium (since "new headless", the whole browser) preloads the address bar's
# suggestion popup, a WebUI page in a renderer of its own: ≈1 CPU-second at every browser
# start (measured with Chromium 156), for a window a headless print never shows. The PDF's
# bytes are the same without it. Names of features this Chromium does not know are ignored.
BROWSER_FEATURES_OFF = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup")
# Offline and quiet: no GPU, no shared-memory size limit, nothing fetched or synced.
BROWSER_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", f"--disable-features={','.join(BROWSER_FEATURES_OFF)}")
_WRITE_FAILED = re.compile(r"Failed to write file (.+?): [^\n]*\((\d+)\)")
_EXTERNAL = re.compile(r"""(?:src|href|action|data|poster)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


class ExportError(MachineFailure):
    """The HTML or PDF could not be produced (printer missing, crashed or hung): exit 3."""


@functools.cache
def make_exporter():
    """Return the HTML exporter (nbconvert with our template), built once per process.

    Building it imports nbconvert and loads the templates (about a second): ``build_report``
    does that in a background thread while the notebooks run (:func:`warm_exporter`). Callers
    hold ``_EXPORTER_LOCK``: the warm-up and the export never build or convert at once.
    """
    return _report_exporter_class()(
        template_name="ikureport",
        extra_template_basedirs=[str(paths.TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=False,
    )


def _report_exporter_class():
    """Return nbconvert's HTML exporter without its final BeautifulSoup pass.

    That pass re-parses the whole page to add ``alt`` texts and ``tabindex`` attributes to
    JupyterLab cell markup; our template has no such markup and every picture has its
    ``alt``, so it changed nothing but cost two thirds of the export (the charts' SVG is
    thousands of tags). The rest is nbconvert's own code.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportHTMLExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportHTMLExporter


_EXPORTER_LOCK = threading.Lock()  # one conversion at a time: the warm-up's, then the export's


def warm_exporter() -> None:
    """Build the HTML exporter and convert a tiny notebook with it, so the first export is fast.

    The first conversion of a process compiles the templates and loads the Markdown and
    sanitiser machinery (about 0.3 s); ``build_report`` calls this in a background thread while
    the notebooks run. The libraries of the PDF and Word steps are imported meanwhile too.
    """
    import nbformat

    with _EXPORTER_LOCK:
        exporter = make_exporter()
        tiny = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python"}})
        tiny.cells = [nbformat.v4.new_markdown_cell("# Judul\n\nTeks $x$.", id="judul"),
                      nbformat.v4.new_code_cell("x", id="isi", execution_count=1, outputs=[nbformat.v4.new_output(
                          "execute_result", data={"text/html": "<p>x</p>", "text/plain": "x"}, execution_count=1)])]
        exporter.from_notebook_node(tiny, resources={"metadata": {"name": "warm-up"}})
    import docx  # noqa: F401 - imported ahead for the Word chapter
    import pikepdf  # noqa: F401 - imported ahead for the PDF's metadata


def export_html(notebook_path: Path, title: str) -> str:
    """Return the report HTML of an executed notebook (inputs and prompts hidden)."""
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    with _EXPORTER_LOCK:
        html, _ = make_exporter().from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return html


def find_external_references(html: str) -> list[str]:
    """Return what makes a page depend on the network: scripts, external links and URLs in attributes."""
    found = []
    for pattern in (r"<script[^>]*\bsrc\s*=", r"<link[^>]*href\s*=\s*[\"']?https?:", r"@import"):
        found += re.findall(pattern, html, flags=re.IGNORECASE)
    found += _EXTERNAL.findall(html)
    return found


def find_browser() -> str:
    """Return the Chromium/Chrome executable used to print PDFs."""
    configured = os.environ.get(BROWSER_ENV)
    if configured:
        return configured
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise ExportError(
        "Chromium tidak ditemukan: dibutuhkan untuk mencetak PDF. Pasang dengan "
        "'sudo apt-get install chromium' (atau 'make system-deps'), atau tunjuk programnya lewat "
        f"variabel lingkungan {BROWSER_ENV}."
    )


def print_pdf(html_path: Path, pdf_path: Path, timeout: int = 120, document_date: dt.datetime | None = None,
              printer=None) -> None:
    """Print ``html_path`` to an A4 PDF with headless Chromium (offline, no header/footer).

    The PDF's dates are set to ``document_date`` (default: :func:`ikuanalysis.paths.source_date`)
    and its ID is derived from its content, so printing the same page twice gives the same bytes.

    Args:
        html_path: The page to print.
        pdf_path: Where the PDF is written.
        timeout: Seconds allowed to the whole print.
        document_date: The date stamped in the PDF.
        printer: A started :class:`ikuanalysis.publish.browser.PdfPrinter` to print with (it
            falls back to :func:`print_pdf_cli` by itself); a one-off command-line print when omitted.

    Raises:
        ExportError: Chromium is missing, failed, or took longer than ``timeout`` seconds.
        MachineFailure: The PDF could not be written (disk full, no permission).
    """
    if printer is not None:
        printer.print_pdf(html_path, pdf_path, timeout=timeout, document_date=document_date)
    else:
        print_pdf_cli(html_path, pdf_path, timeout=timeout, document_date=document_date)


def timeout_error(timeout: float) -> ExportError:
    """Return the failure of a print that did not finish within ``timeout`` seconds."""
    return ExportError(
        f"Chromium tidak selesai mencetak PDF dalam {timeout} detik dan dihentikan; tidak ada hasil "
        "yang diubah. Jalankan lagi; bila terulang, naikkan pdf_timeout_seconds di config/limits.yml."
    )


def print_pdf_cli(html_path: Path, pdf_path: Path, timeout: int = 120, document_date: dt.datetime | None = None,
                  seconds: float | None = None) -> None:
    """Print ``html_path`` to a PDF with a one-off ``chromium --headless --print-to-pdf``.

    Args:
        html_path: The page to print.
        pdf_path: Where the PDF is written.
        timeout: The configured bound, named in the message when it is reached.
        document_date: The date stamped in the PDF (default: :func:`ikuanalysis.paths.source_date`).
        seconds: The time actually left to this print (default ``timeout``): less when it is the
            fallback of a print over the DevTools protocol that already used some.

    Raises:
        ExportError: Chromium is missing, failed, or took longer than allowed.
        MachineFailure: Chromium could not write the file (disk full, no permission).
    """
    browser = find_browser()
    with tempfile.TemporaryDirectory(prefix="ikuanalysis-chromium-") as profile:
        command = [
            browser, *BROWSER_FLAGS, f"--user-data-dir={profile}",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri(),
        ]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, check=False,
                                       timeout=timeout if seconds is None else max(seconds, 0.001))
        except subprocess.TimeoutExpired:
            raise timeout_error(timeout) from None
        except OSError as exc:
            raise ExportError(f"Chromium ({browser}) tidak dapat dijalankan: {exc.strerror}. Pasang ulang "
                              "dengan 'make system-deps', lalu jalankan lagi.") from None
    refused = _WRITE_FAILED.search(completed.stderr or "")
    if refused:  # Chromium exits 0 when it cannot write the file (disk full, no permission)
        raise describe_os_error(int(refused.group(2)), refused.group(1)) or ExportError(
            f"Chromium tidak dapat menulis {refused.group(1)}. Periksa folder hasil, lalu jalankan lagi.")
    if completed.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise ExportError(
            f"Chromium gagal mencetak PDF (kode {completed.returncode}); tidak ada hasil yang diubah. "
            f"Jalankan lagi; bila terulang, pasang ulang dengan 'make system-deps'. Pesan Chromium: "
            f"{completed.stderr.strip()[-300:]}"
        )
    fix_pdf_metadata(pdf_path, document_date or paths.source_date())


class ExportCancelled(ExportError):
    """The export task was stopped from another thread (the run failed or was interrupted)."""


class ChildProcesses:
    """The subprocesses one export task runs, which another thread can stop at once.

    The export stage makes the Word chapter in a thread while the main thread prints the PDF;
    when the PDF fails or a signal arrives, the main thread calls :meth:`stop` so that pandoc
    does not outlive the run.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()
        self.is_stopped = False

    def run(self, command: list[str], timeout: float, stdin: bytes | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
        """Run ``command`` like ``subprocess.run(capture_output=True)``, stoppable by :meth:`stop`.

        Raises:
            subprocess.TimeoutExpired: It took longer than ``timeout`` seconds (it was killed).
            OSError: It could not be started.
            ExportCancelled: :meth:`stop` was called (before or while it ran).
        """
        with self._lock:
            if self.is_stopped:
                raise ExportCancelled("Ekspor dihentikan.")
            process = subprocess.Popen(command, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            self._running.add(process)
        try:
            out, err = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            with self._lock:
                self._running.discard(process)
        if self.is_stopped:
            raise ExportCancelled("Ekspor dihentikan.")
        return subprocess.CompletedProcess(command, process.returncode, out, err)

    def stop(self) -> None:
        """Kill the running subprocesses; every later :meth:`run` raises :class:`ExportCancelled`."""
        with self._lock:
            self.is_stopped = True
            for process in self._running:
                with contextlib.suppress(OSError):
                    process.kill()


def fix_pdf_metadata(pdf_path: Path, when: dt.datetime) -> None:
    """Set a PDF's dates to ``when``, drop its XMP packet and derive its ID from its content.

    Raises:
        MachineFailure: The fixed PDF could not be written (disk full, no permission).
    """
    write_atomically(pdf_path, fixed_pdf_bytes(pdf_path.read_bytes(), when))


def fixed_pdf_bytes(data: bytes, when: dt.datetime) -> bytes:
    """Return the PDF ``data`` with its dates set to ``when``, no XMP packet and an ID derived from its content.

    Done in memory: qpdf writing to a full disk aborts the whole process instead of raising.
    """
    import pikepdf

    stamp = when.strftime("D:%Y%m%d%H%M%SZ")
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.docinfo["/CreationDate"] = stamp
        pdf.docinfo["/ModDate"] = stamp
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    Raises:
        MachineFailure: The disk is full, read-only or not writable (the message names ``path``).
        ExportError: Another operating-system error.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise describe_os_error(exc.errno, str(path)) or ExportError(
            f"PDF tidak dapat ditulis ke {path}: {exc.strerror}. Periksa folder hasil, lalu jalankan lagi.") from None
