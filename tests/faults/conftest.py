"""The fault suite's project: a copy of the project whose notebooks can be held at a stage.

Each stage notebook of the copy ends with a cell that, when ``IKU_FAULT_STAGE`` names it,
writes the file ``IKU_FAULT_REACHED`` and sleeps: the test then kills the run, the kernel or
nothing (to hit a timeout) at a known point. The fake printers below stand in for Chromium
(started with the run and asked to print at the export stage, like the real one).
``config/limits.yml`` of the copy has short bounds, so a fault that is not detected makes
the test fail on the bound instead of hanging.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from ikuanalysis import paths
from tests.fixtures.tiny_year import write_tiny_year

LIMITS = {"cell_timeout_seconds": 20, "notebook_timeout_seconds": 30, "kernel_start_timeout_seconds": 30,
          "pdf_timeout_seconds": 20, "lock_wait_seconds": 1}
STAGE_NOTEBOOKS = ("01_clean", "02_indicator", "03_report")
HOLD_CELL = """\
import os, pathlib, time  # fault-suite hold point (tests/faults)
if os.environ.get("IKU_FAULT_STAGE") == "{name}":
    pathlib.Path(os.environ["IKU_FAULT_REACHED"]).write_text(str(os.getpid()))
    time.sleep(600)
"""
# Hangs once asked to print: over the DevTools pipe (started with the run, it waits for the
# export stage's first command on fd 3), or on the command line (--print-to-pdf).
SLOW_PRINTER = """#!/bin/sh
case "$*" in *--remote-debugging-pipe*) head -c 1 <&3 >/dev/null ;; esac
echo $$ > "$IKU_FAULT_REACHED"
sleep 600
"""
CRASHING_PRINTER = """#!/bin/sh
kill -SEGV $$
"""
# Bounds on how long a run may take to end after a fault (generous for a loaded CI machine).
SIGNAL_BOUND_SECONDS = 15
KERNEL_DEATH_BOUND_SECONDS = 10


def write_project(home: Path, limits: dict | None = None) -> Path:
    """Copy config, notebooks (with hold cells) and pipeline.yml to ``home``; write the fixture year."""
    shutil.copytree(paths.CONFIG_DIR, home / "config")
    shutil.copy(paths.PROJECT_ROOT / "pipeline.yml", home / "pipeline.yml")
    (home / "notebooks").mkdir()
    for source in paths.NOTEBOOK_DIR.glob("*.ipynb"):
        notebook = nbformat.read(source, as_version=4)
        if source.stem in STAGE_NOTEBOOKS:
            notebook.cells.append(nbformat.v4.new_code_cell(HOLD_CELL.format(name=source.stem), id="fault-hold"))
        nbformat.write(notebook, home / "notebooks" / source.name)
    write_limits(home, limits)
    write_tiny_year(home / "data" / "raw")
    for name, text in (("slow_printer", SLOW_PRINTER), ("crashing_printer", CRASHING_PRINTER)):
        (home / name).write_text(text, encoding="utf-8")
        (home / name).chmod(0o755)
    return home


def write_limits(home: Path, limits: dict | None = None) -> None:
    """Write the project's ``config/limits.yml``: ``LIMITS``, overridden by ``limits``."""
    (home / "config" / "limits.yml").write_text(
        "".join(f"{key}: {value}\n" for key, value in {**LIMITS, **(limits or {})}.items()), encoding="utf-8")


@dataclass
class Project:
    """A copied project and how to run the command in it."""

    home: Path
    processed: Path
    outputs: Path

    def env(self, **extra: str) -> dict:
        return {**os.environ, "PYTHONFAULTHANDLER": "1",  # a run that hangs shows where (communicate_within)
                "IKUANALYSIS_HOME": str(self.home), "IKUANALYSIS_NIK_KEY": "fault-suite",
                "IKU_FAULT_REACHED": str(self.home / "reached"), **extra}

    def argv(self, *extra: str) -> list[str]:
        return [sys.executable, "-m", "ikuanalysis.cli", "report", "--year", "2025",
                "--raw-dir", str(self.home / "data" / "raw"), "--processed-dir", str(self.processed),
                "--output-dir", str(self.outputs), *extra]

    def run(self, *extra: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv(*extra), env=self.env(**env), capture_output=True, text=True, timeout=300)

    def start(self, *extra: str, **env: str) -> subprocess.Popen:
        (self.home / "reached").unlink(missing_ok=True)
        return subprocess.Popen(self.argv(*extra), env=self.env(**env), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def wait_reached(self, process: subprocess.Popen, timeout: float = 120) -> int:
        """Wait until the run reached its hold point; return the pid that wrote it."""
        deadline = time.monotonic() + timeout
        marker = self.home / "reached"
        while time.monotonic() < deadline:
            if marker.is_file() and marker.read_text().strip():
                return int(marker.read_text().strip())
            if process.poll() is not None:
                raise AssertionError(f"the run ended before its hold point: {process.communicate()}")
            time.sleep(0.05)
        process.kill()
        raise AssertionError("hold point not reached")

    def state(self) -> dict:
        """Every file under processed and outputs (hidden ones included) → its bytes."""
        return {f"{label}/{p.relative_to(root)}": p.read_bytes()
                for label, root in (("processed", self.processed), ("outputs", self.outputs)) if root.is_dir()
                for p in sorted(root.rglob("*")) if p.is_file()}

    def leftovers(self) -> list[str]:
        return sorted(str(p) for root in (self.processed, self.outputs) if root.is_dir()
                      for p in root.iterdir() if p.name.startswith((".staging-", ".tmp-", ".old-", ".publish-")))


def communicate_within(process: subprocess.Popen, seconds: float) -> tuple[str, str]:
    """Wait for ``process`` to end within ``seconds``; else kill it and fail, with what it printed.

    Killed, a run that did not end does not hold the folders' lock for the tests after it.
    """
    try:
        return process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)  # faulthandler (PYTHONFAULTHANDLER, Project.env) prints every thread's stack
        try:
            _, err = process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
        raise AssertionError(f"the run did not end within {seconds} s; it printed: {err[-6000:]}") from None


def kill_quietly(pid: int) -> None:
    """Kill ``pid``; with its process group when it leads one (the run's browser, the kernel)."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    """A copied project with one successful build of 2025 (the state every fault must keep)."""
    home = write_project(tmp_path_factory.mktemp("faults"))
    project = Project(home, home / "data" / "processed", home / "outputs")
    first = project.run()
    assert first.returncode == 0, first.stderr
    return project
