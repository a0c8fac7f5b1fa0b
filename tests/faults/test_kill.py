"""Killing the run (SIGKILL, SIGTERM, SIGINT) at each stage, and killing its kernel mid-cell.

After each: the previous processed data and outputs byte-identical, no traceback, the exit
status of contract §4, within a bound; and the next run leaves no staging behind.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from ikuanalysis.publish.lock import LOCK_FILE
from tests.faults.conftest import (
    KERNEL_DEATH_BOUND_SECONDS,
    LIMITS,
    SIGNAL_BOUND_SECONDS,
    communicate_within,
    kill_quietly,
)

pytestmark = pytest.mark.e2e
STAGES = ("01_clean", "02_indicator", "03_report", "export")


def hold_at(project, stage):
    """Start a run held at ``stage`` (a notebook's last cell, or the printer); return it and the holder's pid."""
    extra = {"IKUANALYSIS_BROWSER": str(project.home / "slow_printer")} if stage == "export" else {}
    process = project.start(IKU_FAULT_STAGE=stage, **extra)
    return process, project.wait_reached(process)


def published(project) -> dict:
    """The state without what a SIGKILLed run may leave: its staging and its lock-holder note
    (both cleared by the next run, which the last test checks)."""
    return {name: data for name, data in project.state().items()
            if not any(part.startswith((".staging-", ".tmp-", ".old-", ".publish-")) or part == LOCK_FILE
                       for part in name.split("/"))}


@pytest.mark.parametrize("stage", STAGES)
def test_sigkill_at_each_stage_changes_nothing_published(project, stage):
    before = published(project)
    process, holder = hold_at(project, stage)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=SIGNAL_BOUND_SECONDS)
    kill_quietly(holder)  # the kernel or printer the killed run left (the kernel also ends by itself)
    assert process.returncode == -signal.SIGKILL
    assert published(project) == before


@pytest.mark.parametrize("stage, number, name", [
    *((stage, signal.SIGTERM, "SIGTERM") for stage in STAGES),
    ("01_clean", signal.SIGINT, "SIGINT"), ("export", signal.SIGINT, "SIGINT"),  # Ctrl+C in the kernel, in the printer
])
def test_sigterm_or_sigint_at_each_stage_ends_cleanly_with_130(project, stage, number, name):
    before = published(project)
    process, holder = hold_at(project, stage)
    sent = time.monotonic()
    process.send_signal(number)
    _, err = communicate_within(process, SIGNAL_BOUND_SECONDS)
    waited = time.monotonic() - sent
    kill_quietly(holder)
    assert process.returncode == 130, err
    assert f"Proses dihentikan ({'SIGTERM' if name == 'SIGTERM' else 'Ctrl+C (SIGINT)'})" in err
    assert "Traceback" not in err and "Task exception" not in err
    assert waited < SIGNAL_BOUND_SECONDS
    assert published(project) == before
    assert project.leftovers() == []  # the interrupted run removed its own staging


def test_a_kernel_killed_mid_cell_ends_the_run_with_exit_3_at_once(project):
    before = published(project)
    process, kernel = hold_at(project, "02_indicator")
    killed = time.monotonic()
    kill_quietly(kernel)
    _, err = communicate_within(process, KERNEL_DEATH_BOUND_SECONDS * 3)
    waited = time.monotonic() - killed
    assert process.returncode == 3, err
    assert "Kernel Python berhenti mendadak saat menjalankan notebook 02_indicator" in err
    assert "Traceback" not in err
    assert waited < KERNEL_DEATH_BOUND_SECONDS
    assert published(project) == before
    assert project.leftovers() == []


def test_a_second_run_on_the_same_folders_waits_then_names_the_first(project):
    before = project.state()
    first = project.start(IKU_FAULT_STAGE="02_indicator")
    kernel = project.wait_reached(first)
    started = time.monotonic()
    second = project.run()
    waited = time.monotonic() - started
    first.kill()
    first.wait()
    kill_quietly(kernel)
    assert second.returncode == 3, second.stderr
    assert f"sedang dipakai oleh run lain (PID {first.pid}, sejak " in second.stderr
    assert "perintah: ikuanalysis report --year 2025 --raw-dir" in second.stderr
    assert "Sudah ditunggu 1 detik" in second.stderr
    assert waited < LIMITS["lock_wait_seconds"] + 5
    assert "Traceback" not in second.stderr
    assert {k: v for k, v in project.state().items() if ".staging-" not in k and ".ikuanalysis.lock" not in k} == before


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_report_all_stops_its_workers_cleanly_with_130(project, number):
    before = published(project)
    argv = [part for part in project.argv("--all", "--force", "--jobs", "1") if part not in ("--year", "2025")]
    (project.home / "reached").unlink(missing_ok=True)
    process = subprocess.Popen(argv, env=project.env(IKU_FAULT_STAGE="02_indicator"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    kernel = project.wait_reached(process)
    process.send_signal(number)
    _, err = communicate_within(process, SIGNAL_BOUND_SECONDS)
    kill_quietly(kernel)
    assert process.returncode == 130, err
    assert "Proses dihentikan" in err and "Traceback" not in err
    assert published(project) == before
    assert project.leftovers() == []


def test_after_the_faults_the_next_run_succeeds_and_leaves_no_staging(project):
    before = published(project)
    finished = project.run()
    assert finished.returncode == 0, finished.stderr
    assert project.leftovers() == []
    assert published(project) == before  # the same inputs: the same bytes
    assert not (project.outputs / LOCK_FILE).exists() and not (project.processed / LOCK_FILE).exists()


def test_a_run_that_does_not_end_is_killed_and_shows_where_it_waited(project):
    # The bound's own check: a hung run must not hold the lock for the tests after it.
    hung = subprocess.Popen([sys.executable, "-c", "import time\ndef wait_forever():\n    time.sleep(600)\nwait_forever()"],
                            env=project.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with pytest.raises(AssertionError, match="did not end within 0.5 s") as caught:
        communicate_within(hung, 0.5)
    assert hung.returncode is not None
    assert "wait_forever" in str(caught.value)  # the stack faulthandler printed
