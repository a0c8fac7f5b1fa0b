"""Turn an executed report notebook into a self-contained HTML page and an A4 PDF.

HTML: nbconvert in-process with our template (``templates/ikureport``): code hidden, our
CSS inlined, charts as inline SVG, no script or external URL. PDF: headless Chromium
prints that same HTML (``--print-to-pdf``), so the PDF is the report as seen on screen.
"""

from __future__ import annotations

import datetime as dt
import functools
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
_WRITE_FAILED = re.compile(r"Failed to write file (.+?): [^\n]*\((\d+)\)")
_EXTERNAL = re.compile(r"""(?:src|href|action|data|poster)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


class ExportError(MachineFailure):
    """The HTML or PDF could not be produced (printer missing, crashed or hung): exit 3."""


_EXPORTER_LOCK = threading.Lock()


def make_exporter():
    """Return the HTML exporter (nbconvert with our template), built once per process.

    Building it imports nbconvert and compiles its templates (about two seconds):
    ``build_report`` does that in a background thread while the notebooks run, so the
    export stage finds it ready. Thread-safe: a second caller waits for the first.
    """
    with _EXPORTER_LOCK:
        return _build_exporter()


@functools.cache
def _build_exporter():
    import nbformat

    exporter = _report_exporter_class()(
        template_name="ikureport",
        extra_template_basedirs=[str(paths.TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=False,
    )
    # The templates compile at the first conversion: convert an empty notebook now.
    exporter.from_notebook_node(nbformat.v4.new_notebook(), resources={"metadata": {"name": "-"}})
    return exporter


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


def export_html(notebook_path: Path, title: str) -> str:
    """Return the report HTML of an executed notebook (inputs and prompts hidden)."""
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
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


def print_pdf(html_path: Path, pdf_path: Path, timeout: int = 120, document_date: dt.datetime | None = None) -> None:
    """Print ``html_path`` to an A4 PDF with headless Chromium (offline, no header/footer).

    The PDF's dates are set to ``document_date`` (default: :func:`document_date`) and its ID
    is derived from its content, so printing the same page twice gives the same bytes.

    Raises:
        ExportError: Chromium is missing, failed, or took longer than ``timeout`` seconds.
    """
    browser = find_browser()
    with tempfile.TemporaryDirectory(prefix="ikuanalysis-chromium-") as profile:
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic", f"--user-data-dir={profile}",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri(),
        ]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ExportError(
                f"Chromium tidak selesai mencetak PDF dalam {timeout} detik dan dihentikan; tidak ada hasil "
                "yang diubah. Jalankan lagi; bila terulang, naikkan pdf_timeout_seconds di config/limits.yml."
            ) from None
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


def fix_pdf_metadata(pdf_path: Path, when: dt.datetime) -> None:
    """Set a PDF's dates to ``when``, drop its XMP packet and derive its ID from its content."""
    import pikepdf

    stamp = when.strftime("D:%Y%m%d%H%M%SZ")
    temporary = pdf_path.with_name(pdf_path.name + ".tmp")
    with pikepdf.open(pdf_path) as pdf:
        pdf.docinfo["/CreationDate"] = stamp
        pdf.docinfo["/ModDate"] = stamp
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        pdf.save(temporary, deterministic_id=True)
    os.replace(temporary, pdf_path)
