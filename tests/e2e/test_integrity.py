"""Integrity and reproducibility: reruns are identical, a killed run leaves the previous report
intact, raw files are never changed."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ikuanalysis import paths
from ikuanalysis.publish.build import ReportError, build_report
from tests.fixtures.tiny_year import write_tiny_year

pytestmark = pytest.mark.e2e
ENV = {**os.environ, "IKUANALYSIS_NIK_KEY": "integrity-test"}


def cli(root, *extra):
    return [sys.executable, "-m", "ikuanalysis.cli", "report", "--year", "2025", "--raw-dir", str(root / "raw"),
            "--processed-dir", str(root / "processed"), "--output-dir", str(root / "outputs"), *extra]


def snapshot(folder, only=None):
    """Path (relative to ``folder``) → bytes of every file below it, or below its ``only`` subfolders."""
    tops = [folder / name for name in only] if only else [folder]
    return {p.relative_to(folder): p.read_bytes() for top in tops for p in sorted(top.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("integrity")
    write_tiny_year(root / "raw")
    subprocess.run(cli(root), env=ENV, check=True, capture_output=True)
    return root


def test_a_rerun_gives_identical_bytes_in_every_file_pdf_and_notebooks_included(root):
    raw_before = snapshot(root / "raw")
    first = snapshot(root, ("processed", "outputs"))
    subprocess.run(cli(root), env=ENV, check=True, capture_output=True)
    second = snapshot(root, ("processed", "outputs"))
    assert sorted(map(str, first)) == sorted(map(str, second))
    assert [str(name) for name in first if first[name] != second[name]] == []
    assert {Path("outputs/2025/iku_2025.pdf"), Path("outputs/2025/iku_2025.docx"),
            Path("outputs/2025/notebooks/03_report.ipynb")} <= set(second)
    assert snapshot(root / "raw") == raw_before  # raw files untouched by two runs


def test_the_pdf_is_dated_by_the_data_or_source_date_epoch(root, tmp_path):
    import pikepdf

    newest = max(p.stat().st_mtime for p in (root / "raw" / "2025").iterdir())
    stamp = dt.datetime.fromtimestamp(int(newest), tz=dt.timezone.utc).strftime("D:%Y%m%d%H%M%SZ")
    with pikepdf.open(root / "outputs" / "2025" / "iku_2025.pdf") as pdf:
        assert (str(pdf.docinfo["/CreationDate"]), str(pdf.docinfo["/ModDate"])) == (stamp, stamp)
        assert "/Metadata" not in pdf.Root  # no XMP packet with the time of printing
    import docx

    properties = docx.Document(root / "outputs" / "2025" / "iku_2025.docx").core_properties
    assert properties.created == properties.modified == dt.datetime.fromtimestamp(int(newest), tz=dt.timezone.utc)
    other = tmp_path / "other"
    subprocess.run([*cli(root)[:-6], "--raw-dir", str(root / "raw"), "--processed-dir", str(other / "processed"),
                    "--output-dir", str(other / "outputs")], env={**ENV, "SOURCE_DATE_EPOCH": "1767225600"},
                   check=True, capture_output=True)
    with pikepdf.open(other / "outputs" / "2025" / "iku_2025.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == "D:20260101000000Z"


def test_a_killed_run_leaves_the_previous_report_intact(root):
    before = snapshot(root / "outputs" / "2025")
    process = subprocess.Popen(cli(root), env=ENV, stderr=subprocess.PIPE, text=True, start_new_session=True)
    for line in process.stderr:
        if "3/4" in line:  # the report notebook is running: kill everything mid-way
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert snapshot(root / "outputs" / "2025") == before
    leftovers = [p.name for p in (root / "outputs").iterdir() if p.name.startswith(".staging-")]
    assert leftovers  # the killed run's staging folder ...
    rerun = subprocess.run(cli(root), env=ENV, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert not [p for p in (root / "outputs").iterdir() if p.name in leftovers]  # ... is cleared next time


def test_a_raw_file_changed_during_the_run_stops_publication(tmp_path, monkeypatch):
    import ikuanalysis.publish.export

    write_tiny_year(tmp_path / "raw")
    where = paths.ReportPaths(raw_root=tmp_path / "raw", processed_root=tmp_path / "processed",
                              output_root=tmp_path / "outputs", config_dir=paths.CONFIG_DIR)
    original = ikuanalysis.publish.export.print_pdf

    def print_and_edit(html, pdf, **options):
        original(html, pdf, **options)
        with (tmp_path / "raw" / "2025" / "x1_psks.csv").open("a", encoding="utf-8") as handle:
            handle.write("5;LKS Baru;LKS;Pahandut;Langkai;Ya\n")

    monkeypatch.setattr(ikuanalysis.publish.export, "print_pdf", print_and_edit)
    with pytest.raises(ReportError, match="berubah selama laporan dibuat"):
        build_report(2025, where, progress=lambda _line: None)
    assert not (tmp_path / "outputs" / "2025").exists()


def test_the_kernel_of_a_killed_run_is_ended_by_the_next_run(root):
    # Imported and read before the kill: the orphaned kernel's own parent poller ends it about a
    # second after its parent died, and on a busy machine the import alone took that long.
    from ikuanalysis.publish.build import end_orphan_kernels, is_process_running

    pid_file = root / "outputs" / ".staging-2025" / "kernel.pid"
    process = subprocess.Popen(cli(root), env=ENV, stderr=subprocess.PIPE, text=True, start_new_session=True)
    for line in process.stderr:
        if "3/4" in line:
            kernel = int(pid_file.read_text())
            os.killpg(process.pid, signal.SIGKILL)  # the kernel, in its own session, survives this
            break
    assert is_process_running(kernel)
    process.wait(timeout=60)
    end_orphan_kernels(root / "outputs")
    assert not is_process_running(kernel)  # gone, or a zombie until init collects it
    rerun = subprocess.run(cli(root), env=ENV, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
