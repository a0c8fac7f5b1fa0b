"""Shared fixtures: the project's settings, the hand-counted fixture year and the builds shared
by the whole run (tests/fixtures/shared.py); how the tests are spread over the xdist workers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import settings as hypothesis_settings

from ikuanalysis import paths
from ikuanalysis.config import load_settings
from tests.fixtures.shared import build_once
from tests.fixtures.tiny_year import write_tiny_year

SAMPLE_YEARS = (2025, 2022)  # 2025: four components; 2022: x4 had no cases, three

# Hypothesis profiles (docs/development.md). The everyday run keeps the profile hypothesis loaded
# itself ("default", or "ci" where it detects a CI); HYPOTHESIS_PROFILE=thorough runs more examples:
# 1000 for a property without its own count, and the thorough count of each property of
# tests/property (its ``profile(everyday, thorough)``).
THOROUGH_PROFILE = "thorough"
hypothesis_settings.register_profile(
    THOROUGH_PROFILE, hypothesis_settings.get_profile(hypothesis_settings.get_current_profile_name()),
    max_examples=1000)
if os.environ.get("HYPOTHESIS_PROFILE"):
    hypothesis_settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


@pytest.fixture(scope="session")
def settings():
    """The project's configuration (config/)."""
    return load_settings()


@pytest.fixture()
def tiny_raw_root(tmp_path):
    """A raw root holding the hand-counted fixture year 2025."""
    root = tmp_path / "raw"
    write_tiny_year(root)
    return root


def _build_tiny_report(folder):
    from tests.report.golden import build_fixture_report

    build_fixture_report(folder)


@pytest.fixture(scope="session")
def tiny_report(tmp_path_factory):
    """The fixture year's report (``tests.report.golden.build_fixture_report``), built once per run.

    Read only: a test that runs anything against these folders copies them first
    (``tests.fixtures.shared.copy_build``). Returns the ReportPaths of the build.
    """
    shared = build_once(tmp_path_factory, "tiny-2025", _build_tiny_report)
    yield paths.ReportPaths(raw_root=shared.folder / "raw", processed_root=shared.folder / "processed",
                            output_root=shared.folder / "outputs", config_dir=paths.CONFIG_DIR)
    shared.check_unchanged()


def _build_sample_reports(folder):
    for year in SAMPLE_YEARS:
        done = subprocess.run([sys.executable, "-m", "ikuanalysis.cli", "report", "--year", str(year),
                               "--raw-dir", str(paths.RAW_DIR), "--processed-dir", str(folder / "processed"),
                               "--output-dir", str(folder / "outputs")], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def sample_reports(tmp_path_factory):
    """``ikuanalysis report`` of the sample years 2025 then 2022 (data/raw), run once per run.

    Read only (see ``tiny_report``). Returns the folder holding ``processed/`` and ``outputs/``.
    """
    shared = build_once(tmp_path_factory, "sample-2025-2022", _build_sample_reports)
    yield shared.folder
    shared.check_unchanged()



# --- Spreading the tests over the xdist workers ------------------------------------------------
#
# As with ``--dist=loadfile`` (pyproject.toml), a test file is one unit of work, run whole on one
# worker, so that a module's own build or project is made once; the notebooks (``make test`` runs
# them in the same session) are one unit too, in order: 03_report reads what 01_clean and
# 02_indicator wrote. The units are handed out slowest first, so that the long ones start at once
# and the short ones fill the gaps at the end (xdist's own order is by number of tests, which put
# the two-test, one-minute test_formats last). The order only changes how long the run takes,
# never what a test sees; update it when a file becomes much slower or faster
# (``pytest -n 2 --durations=40``). A module reading a shared build (``tiny_report``,
# ``sample_reports`` above) is listed well after the first reader, so the other worker seldom
# waits for the build. (``--dist=loadgroup`` with ``xdist_group`` marks would do the grouping,
# but pytest-xdist 3.8 cannot rename the nodes of pytest 9, so the marks are ignored.)
SLOW_FIRST = (
    "tests/faults/test_kill.py",
    "tests/e2e/test_integrity.py",
    "tests/property/test_bad_input.py",
    "tests/e2e/test_formats.py",  # the first reader of sample_reports: builds it
    "tests/e2e/test_batch.py",
    "tests/faults/test_disk.py",
    "tests/faults/test_timeouts.py",  # the first reader of tiny_report: builds it
    "tests/e2e/test_leaks.py",
    "tests/test_decree_shape.py",
    "tests/report/test_speed_unchanged.py",
    "tests/e2e/test_quality_gates.py",
    "tests/test_user_guide.py",
    "tests/e2e/test_report.py",
    "tests/test_disclosure.py",
    "tests/report/test_narasi_templates.py",
    "notebooks",
    "tests/ingest/test_workbook_scan.py",
    "tests/e2e/test_sample_data.py",
    "tests/report/test_golden_text.py",
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None  # another --dist: pytest-xdist's own scheduler
    from xdist.scheduler import LoadFileScheduling

    class SlowFirstFiles(LoadFileScheduling):
        """``--dist=loadfile`` with the notebooks as one unit, handing out the slowest units first."""

        ordered = False

        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            return "notebooks" if path.endswith(".ipynb") else path

        def _assign_work_unit(self, node):
            if not self.ordered:  # the queue is complete before the first unit is handed out
                units = sorted(self.workqueue.items(), key=lambda unit: _rank(unit[0]))
                self.workqueue.clear()
                self.workqueue.update(units)
                self.ordered = True
            super()._assign_work_unit(node)

    return SlowFirstFiles(config, log)


def _rank(unit: str) -> int:
    for rank, slow in enumerate(SLOW_FIRST):
        if unit == slow or unit.startswith(slow + "/"):
            return rank
    return len(SLOW_FIRST)
