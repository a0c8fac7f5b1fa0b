"""How a run can end badly, each way with its exit status (data contract §4).

Every failure the user may see is one of the exceptions below; the command line prints its
message (Bahasa Indonesia, what to do) and exits with its ``exit_code``. A Python traceback
never reaches the user.

Signals: :func:`install_signal_handlers` turns SIGTERM (and SIGINT) into
:class:`RunInterrupted`, an exception that ``finally`` blocks see, so staging folders and
kernels are cleaned up on the way out. Inside :func:`interrupts_deferred` (the publish step,
a few renames) a signal waits until the block ends, so that processed data and outputs are
never left half-published by Ctrl+C. While an asyncio loop runs (:func:`run_interruptible`: the
notebook runner's waits on the kernel), a signal cancels the loop's task instead of raising where
it lands: raised inside one of the loop's callbacks, asyncio would log the exception and go on
waiting, and the run would not end.
"""

from __future__ import annotations

import contextlib
import errno
import re
import signal
import threading
from collections.abc import Iterator

EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_MACHINE = 3
EXIT_INTERRUPTED = 130


class RunFailure(RuntimeError):
    """A run ended without publishing; ``str(exc)`` is the evaluator-facing message."""

    exit_code = EXIT_DATA


class DataFailure(RunFailure):
    """The data failed: located errors in the registers, or a quality gate (exit 1)."""

    exit_code = EXIT_DATA


class UsageFailure(RunFailure):
    """Wrong use or configuration: bad path, invalid config, unsafe folders or links (exit 2)."""

    exit_code = EXIT_USAGE


class MachineFailure(RunFailure):
    """The machine refused: disk full, no permission, a kernel or printer died or hung (exit 3)."""

    exit_code = EXIT_MACHINE


class RunInterrupted(BaseException):
    """SIGTERM or SIGINT arrived (exit 130). A BaseException, so ``except Exception`` lets it pass."""

    exit_code = EXIT_INTERRUPTED

    def __init__(self, signal_number: int = signal.SIGINT):
        super().__init__(signal_number)
        self.signal_number = signal_number

    def __str__(self) -> str:
        name = "SIGTERM" if self.signal_number == signal.SIGTERM else "Ctrl+C (SIGINT)"
        return (f"Proses dihentikan ({name}). Laporan yang sedang dibuat tidak diterbitkan dan data bersih "
                "serta hasil sebelumnya tetap seperti semula; folder sementara sudah dibersihkan. Jalankan lagi "
                "perintah yang sama bila ingin melanjutkan.")


_MACHINE_ERRNOS = {
    errno.ENOSPC: "Ruang disk habis",
    errno.EDQUOT: "Kuota disk habis",
    errno.EROFS: "Folder hanya-baca (read-only)",
    errno.EACCES: "Tidak ada izin menulis",
    errno.EPERM: "Tidak ada izin menulis",
}
_ERRNO_TEXT = re.compile(r"\[Errno (\d+)\][^:]*(?::\s*'([^']*)')?")


def describe_os_error(number: int | None, filename: str | None) -> MachineFailure | None:
    """Return the failure for an operating-system error the machine caused, or None.

    Args:
        number: The ``errno`` of the error.
        filename: The path it concerned, when known.
    """
    what = _MACHINE_ERRNOS.get(number or -1)
    if what is None:
        return None
    where = f" saat menulis {filename}" if filename else ""
    advice = ("Kosongkan ruang disk (hapus berkas yang tidak perlu) lalu jalankan lagi."
              if number in (errno.ENOSPC, errno.EDQUOT) else
              "Pastikan folder itu dapat ditulis oleh pengguna ini (atau pilih folder lain dengan "
              "--processed-dir/--output-dir), lalu jalankan lagi.")
    return MachineFailure(f"{what}{where}. Tidak ada hasil yang diubah. {advice}")


def failure_from_os_error(exc: OSError) -> MachineFailure | None:
    """Return the machine failure an ``OSError`` stands for (disk full, read-only, no permission)."""
    return describe_os_error(exc.errno, exc.filename if isinstance(exc.filename, str) else None)


def failure_from_error_text(text: str) -> MachineFailure | None:
    """Return the machine failure named by an error's text (``[Errno 28] …: 'path'``), or None.

    Used for errors raised inside the notebook kernel, which reach the runner as text only.
    """
    found = _ERRNO_TEXT.search(text or "")
    return describe_os_error(int(found.group(1)), found.group(2)) if found else None


_state = threading.local()
_pending: list[int] = []


def raise_interrupted(signal_number: int, _frame=None) -> None:
    """The handler of SIGTERM/SIGINT: raise :class:`RunInterrupted`, hold it, or cancel the loop's task.

    Inside :func:`interrupts_deferred` the signal waits for the block's end; inside
    :func:`run_interruptible` it cancels the task the loop runs (which then raises it).
    """
    if getattr(_state, "deferred", 0):
        _pending.append(signal_number)
        return
    task = getattr(_state, "loop_task", None)
    if task is not None and not task.done():
        # Not raised here: inside a loop callback asyncio would catch it, log it and go on.
        _state.loop_signal = signal_number
        task.get_loop().call_soon_threadsafe(task.cancel)
        return
    raise RunInterrupted(signal_number)


def run_interruptible(loop: "asyncio.AbstractEventLoop", coroutine):
    """Run ``coroutine`` in ``loop`` to its end and return its result; a signal meanwhile raises RunInterrupted.

    The signal cancels the coroutine's task (:func:`raise_interrupted`), so its ``finally``
    blocks and cancellation handlers run before :class:`RunInterrupted` leaves this function.
    """
    import asyncio  # here: the commands that run no notebook (report --all, unchanged) do not load it

    task = loop.create_task(coroutine)  # one loop runs at a time: nothing to save and restore
    _state.loop_task, _state.loop_signal = task, None
    try:
        result = loop.run_until_complete(task)
    except asyncio.CancelledError:
        if _state.loop_signal is None:
            raise
        raise RunInterrupted(_state.loop_signal) from None
    finally:
        number = _state.loop_signal
        _state.loop_task, _state.loop_signal = None, None
    if number is not None:  # arrived as the task ended, too late to cancel it
        raise RunInterrupted(number)
    return result


def install_signal_handlers() -> None:
    """Make SIGTERM and SIGINT raise :class:`RunInterrupted` in the main thread."""
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, raise_interrupted)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGTERM/SIGINT until the block ends (it must be short: a few renames)."""
    _state.deferred = getattr(_state, "deferred", 0) + 1
    try:
        yield
    finally:
        _state.deferred -= 1
        if not _state.deferred and _pending:
            number = _pending.pop()
            _pending.clear()
            raise RunInterrupted(number)
