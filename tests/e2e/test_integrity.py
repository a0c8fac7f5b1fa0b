"""Integrity and reproducibility: reruns are identical, a killed run leaves the previous report
intact, raw files are never changed."""

from __future__ import annotations

import os
import re
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


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def without_timestamp(html: bytes) -> bytes:
    return re.sub(rb"Dibuat pada [^<]*? dengan", b"", html)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("integrity")
    write_tiny_year(root / "raw")
    subprocess.run(cli(root), env=ENV, check=True, capture_output=True)
    return root


def test_a_rerun_gives_identical_json_processed_data_and_html(root):
    raw_before = snapshot(root / "raw")
    first = {**snapshot(root / "processed"), **snapshot(root / "outputs" / "2025")}
    subprocess.run(cli(root), env=ENV, check=True, capture_output=True)
    second = {**snapshot(root / "processed"), **snapshot(root / "outputs" / "2025")}
    assert first.keys() == second.keys()
    for name in first:
        if name.suffix in {".csv", ".json"}:
            assert first[name] == second[name], name
    html = Path("iku_2025.html")
    assert without_timestamp(first[html]) == without_timestamp(second[html])
    assert snapshot(root / "raw") == raw_before  # raw files untouched by two runs


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
    subprocess.run(cli(root), env=ENV, check=True, capture_output=True)
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
