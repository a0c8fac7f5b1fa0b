"""One run at a time per output and processed folder (an advisory ``flock``).

A second run on the same folders waits ``lock_wait_seconds`` (``config/limits.yml``) and then
stops (exit 3) with a message naming the run that holds them (its PID, command and start
time). The lock belongs to the process: it is released when the run ends, however it ends
(even by SIGKILL), so a stale lock never blocks anyone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from ikuanalysis.failures import MachineFailure

LOCK_FILE = ".ikuanalysis.lock"
_POLL_SECONDS = 0.1


def describe_holder(lock_path: Path) -> str:
    """Return who holds ``lock_path`` as written in it (PID, command, since when)."""
    try:
        holder = json.loads(lock_path.read_text(encoding="utf-8"))
        return f"PID {holder['pid']}, sejak {holder['since']}, perintah: {holder['command']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "proses lain"


@contextlib.contextmanager
def hold_folder_lock(folder: Path, wait_seconds: float) -> Iterator[Path]:
    """Hold the run lock of ``folder`` for the block (the folder is created if missing).

    The lock is a ``flock`` on the folder itself, so no file is left behind; while it is held,
    ``.ikuanalysis.lock`` in the folder says who holds it, and is removed on release.

    Raises:
        MachineFailure: Another run held it for longer than ``wait_seconds``.
    """
    holder = folder / LOCK_FILE
    deadline = time.monotonic() + wait_seconds
    while True:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            _acquire(descriptor, folder, holder, deadline, wait_seconds)
            if _is_claimed(descriptor, folder, holder):
                break
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)  # the folder was removed while we waited (a failed run's own root): again
    try:
        yield holder
    finally:
        holder.unlink(missing_ok=True)
        os.close(descriptor)  # releases the lock


def _is_claimed(descriptor: int, folder: Path, holder: Path) -> bool:
    """Write who holds the lock; False when the locked folder is no longer the one at ``folder``.

    A run that fails removes the roots it created; a run that waited for its lock then holds
    the lock of a removed folder. Once the holder file is written, the folder is not empty and
    no failed run removes it.
    """
    try:
        if os.fstat(descriptor).st_ino != os.stat(folder).st_ino:
            return False
        holder.write_text(json.dumps({"pid": os.getpid(), "command": " ".join(["ikuanalysis", *sys.argv[1:]])[:200],
                                      "since": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")}), encoding="utf-8")
    except FileNotFoundError:
        return False
    return True


def _acquire(descriptor: int, folder: Path, holder: Path, deadline: float, wait_seconds: float) -> None:
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise MachineFailure(
                    f"Folder {folder} sedang dipakai oleh run lain ({describe_holder(holder)}). "
                    f"Sudah ditunggu {f'{wait_seconds:g}'.replace('.', ',')} detik. Tunggu sampai run itu selesai, lalu "
                    "jalankan lagi; tidak ada yang diubah."
                ) from None
            time.sleep(_POLL_SECONDS)


@contextlib.contextmanager
def hold_run_locks(folders: list[Path], wait_seconds: float) -> Iterator[None]:
    """Hold the run locks of several folders (in a fixed order, so two runs never deadlock)."""
    with contextlib.ExitStack() as stack:
        for folder in sorted({Path(f).resolve() for f in folders}):
            stack.enter_context(hold_folder_lock(folder, wait_seconds))
        yield
