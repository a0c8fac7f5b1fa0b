"""Bounded waits: a cell, a notebook or the printer that stops answering; a missing or
crashing printer; a second run on the same folders. Each ends with exit 3 within its bound,
no traceback, and the previous processed data and outputs unchanged."""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import LIMITS, Project, kill_quietly, write_limits, write_project
from tests.fixtures.shared import copy_build

pytestmark = pytest.mark.e2e
SHORT = {"cell_timeout_seconds": 3, "notebook_timeout_seconds": 6, "pdf_timeout_seconds": 3, "lock_wait_seconds": 1}
# The printer tests run every notebook first: only the printer's bound is short, so that a loaded
# machine (a 03_report over 6 s) does not end the run before it reaches the printer.
PRINTER = {**SHORT, "cell_timeout_seconds": LIMITS["cell_timeout_seconds"],
           "notebook_timeout_seconds": LIMITS["notebook_timeout_seconds"]}
SLACK_SECONDS = 15  # kernel start, the stages before the hold point, cleaning up (a loaded machine)


@pytest.fixture(scope="module")
def short(tmp_path_factory, tiny_report) -> Project:
    """A fault project (short bounds: each test writes the ones it needs) whose folders hold a
    published report of the fixture year.

    No run of this module succeeds, so the published report need not be this project's own
    build: it is a copy of the run's shared build of the same registers (``tiny_report``), and
    every test checks that its failed run left those bytes as they were.
    """
    home = write_project(tmp_path_factory.mktemp("timeouts"), limits=SHORT)
    project = Project(home, copy_build(tiny_report.processed_root, home / "data" / "processed"),
                      copy_build(tiny_report.output_root, home / "outputs"))
    assert {"processed/2025/aggregate.parquet", "outputs/2025/iku_2025.pdf"} <= set(project.state())
    return project


def timed(project, **env):
    started = time.monotonic()
    finished = project.run(**env)
    return finished, time.monotonic() - started


def check_unchanged(project, before, finished):
    assert "Traceback" not in finished.stderr
    assert project.state() == before
    assert project.leftovers() == []


def test_a_cell_past_its_timeout_ends_the_run_with_exit_3(short):
    write_limits(short.home, SHORT)
    before = short.state()
    finished, seconds = timed(short, IKU_FAULT_STAGE="02_indicator")
    assert finished.returncode == 3, finished.stderr
    assert "Satu sel notebook 02_indicator berjalan lebih dari 3 detik" in finished.stderr
    assert "cell_timeout_seconds" in finished.stderr
    assert seconds < SHORT["cell_timeout_seconds"] + SLACK_SECONDS
    check_unchanged(short, before, finished)


def test_a_notebook_past_its_timeout_ends_the_run_with_exit_3(tmp_path):
    limits = {**SHORT, "cell_timeout_seconds": 60, "notebook_timeout_seconds": 4}
    home = write_project(tmp_path, limits=limits)
    project = Project(home, home / "data" / "processed", home / "outputs")
    finished, seconds = timed(project, IKU_FAULT_STAGE="01_clean")
    assert finished.returncode == 3, finished.stderr
    assert "Notebook 01_clean berjalan lebih dari 4 detik" in finished.stderr
    assert seconds < limits["notebook_timeout_seconds"] + SLACK_SECONDS
    assert project.state() == {} and project.leftovers() == []


def test_a_printer_that_hangs_is_stopped_at_its_timeout(short):
    write_limits(short.home, PRINTER)
    before = short.state()
    finished, seconds = timed(short, IKUANALYSIS_BROWSER=str(short.home / "slow_printer"))
    kill_quietly(int((short.home / "reached").read_text()))
    assert finished.returncode == 3, finished.stderr
    assert "Chromium tidak selesai mencetak PDF dalam 3 detik" in finished.stderr
    assert seconds < SHORT["pdf_timeout_seconds"] + SLACK_SECONDS + 6  # the three notebooks run first
    check_unchanged(short, before, finished)


@pytest.mark.parametrize("printer, message", [
    ("crashing_printer", "Chromium gagal mencetak PDF (kode -11)"),
    ("no_such_printer", "tidak dapat dijalankan"),
])
def test_a_crashing_or_missing_printer_is_exit_3(short, printer, message):
    write_limits(short.home, PRINTER)
    before = short.state()
    finished = short.run(IKUANALYSIS_BROWSER=str(short.home / printer))
    assert finished.returncode == 3, finished.stderr
    assert message in finished.stderr
    check_unchanged(short, before, finished)
