"""How runs end (failures.py): exit codes, machine errors named in Indonesian, deferred signals."""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import time

import pytest

from ikuanalysis import failures
from ikuanalysis.publish.notebooks import failure_from_cell_error


@pytest.mark.parametrize("number, text", [
    (errno.ENOSPC, "Ruang disk habis saat menulis /x/y"), (errno.EROFS, "Folder hanya-baca (read-only) saat menulis /x/y"),
    (errno.EACCES, "Tidak ada izin menulis saat menulis /x/y"),
])
def test_machine_errors_are_exit_3_with_what_to_do(number, text):
    failure = failures.failure_from_os_error(OSError(number, os.strerror(number), "/x/y"))
    assert failure.exit_code == 3 and str(failure).startswith(text) and "jalankan lagi" in str(failure)
    assert failures.failure_from_error_text(f"[Errno {number}] {os.strerror(number)}: '/x/y'").args == failure.args
    assert failures.failure_from_os_error(OSError(errno.ENOENT, "gone", "/x")) is None


def test_a_cell_error_becomes_the_failure_it_stands_for():
    assert type(failure_from_cell_error("RegisterError", "Ditemukan 1 kesalahan", "01_clean")) is failures.DataFailure
    assert failure_from_cell_error("ConfigError", "iku.yml salah", "01_clean").exit_code == 2
    assert failure_from_cell_error("OSError", "[Errno 28] No space left on device: '/o/x.csv'", "01_clean").exit_code == 3
    assert failure_from_cell_error("MemoryError", "", "03_report").exit_code == 3
    assert isinstance(failure_from_cell_error("KeyboardInterrupt", "", "03_report"), failures.RunInterrupted)
    other = failure_from_cell_error("KeyError", "'3271012345678901'", "03_report")
    assert other.exit_code == 1 and "3271012345678901" not in str(other) and "Notebook 03_report gagal (KeyError" in str(other)


def test_a_signal_inside_the_deferred_block_is_raised_when_it_ends():
    previous = signal.getsignal(signal.SIGTERM)
    failures.install_signal_handlers()
    done = []
    try:
        with pytest.raises(failures.RunInterrupted) as caught:
            with failures.interrupts_deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                done.append("the renames finished")
        assert done == ["the renames finished"] and caught.value.exit_code == 130
        with pytest.raises(failures.RunInterrupted):
            os.kill(os.getpid(), signal.SIGTERM)
            signal.sigtimedwait([], 0.1) if hasattr(signal, "sigtimedwait") else None
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def signal_handlers():
    """The command's SIGTERM/SIGINT handlers, for one test."""
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    failures.install_signal_handlers()
    yield
    signal.signal(signal.SIGTERM, previous[0])
    signal.signal(signal.SIGINT, previous[1])


LONG_WAIT_SECONDS = 30


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_inside_a_loop_callback_ends_the_wait(signal_handlers, number):
    # Raised inside a callback, asyncio logs the exception and goes on waiting: the run hung.
    loop = asyncio.new_event_loop()
    cleaned = []

    async def wait_for_the_kernel():
        loop.call_soon(signal.raise_signal, number)  # the handler runs inside this callback
        try:
            await asyncio.sleep(LONG_WAIT_SECONDS)
        finally:
            cleaned.append("finally ran")

    started = time.monotonic()
    try:
        with pytest.raises(failures.RunInterrupted) as caught:
            failures.run_interruptible(loop, wait_for_the_kernel())
    finally:
        loop.close()
    assert caught.value.signal_number == number
    assert cleaned == ["finally ran"]
    assert time.monotonic() - started < LONG_WAIT_SECONDS / 2


def test_a_signal_as_the_loop_task_ends_is_still_raised(signal_handlers):
    loop = asyncio.new_event_loop()

    async def finish_at_the_signal():
        signal.raise_signal(signal.SIGTERM)  # the task is running: cancelling it comes too late
        return "done"

    try:
        with pytest.raises(failures.RunInterrupted):
            failures.run_interruptible(loop, finish_at_the_signal())
        assert failures.run_interruptible(loop, asyncio.sleep(0, result="next")) == "next"  # no signal left over
    finally:
        loop.close()


def test_a_cancellation_without_a_signal_stays_a_cancellation(signal_handlers):
    loop = asyncio.new_event_loop()

    async def cancelled():
        raise asyncio.CancelledError

    try:
        with pytest.raises(asyncio.CancelledError):
            failures.run_interruptible(loop, cancelled())
    finally:
        loop.close()
