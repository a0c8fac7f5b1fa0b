"""Shared fixtures: the project's settings, the hand-counted fixture year and the builds shared
by the whole run (tests/fixtures/shared.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ikuanalysis import paths
from ikuanalysis.config import load_settings
from tests.fixtures.shared import build_once
from tests.fixtures.tiny_year import write_tiny_year

SAMPLE_YEARS = (2025, 2022)  # 2025: four components; 2022: x4 had no cases, three


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


