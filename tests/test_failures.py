"""How runs end (failures.py): exit codes, machine errors named in Indonesian, deferred signals."""

from __future__ import annotations

import errno
import os
import signal

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
