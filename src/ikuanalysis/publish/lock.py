"""One run at a time per output and processed folder (an advisory ``flock``).

A second run on the same folders waits ``lock_wait_seconds`` (``config/limits.yml``) and then
stops with a message naming the run that holds them (its PID, command and start time). The
lock belongs to the process: it is released when the run ends, however it ends (even by
SIGKILL), so a stale lock never blocks anyone.
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
        return f"PID {holder['pid']}, perintah '{holder['command']}', sejak {holder['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "proses lain"


@contextlib.contextmanager
def hold_folder_lock(folder: Path, wait_seconds: float) -> Iterator[Path]:
    """Hold the run lock of ``folder`` for the block (created if missing).

    Raises:
        MachineFailure: Another run held it for longer than ``wait_seconds``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole block
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise MachineFailure(
                        f"Folder {folder} sedang dipakai oleh run lain ({describe_holder(path)}). "
                        f"Sudah ditunggu {wait_seconds:g} detik. Tunggu sampai run itu selesai, lalu "
                        "jalankan lagi; tidak ada yang diubah."
                    ) from None
                time.sleep(_POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "command": " ".join(["ikuanalysis", *sys.argv[1:]])[:200],
                                 "since": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")}))
        handle.flush()
        yield path
    finally:
        handle.close()  # releases the lock


@contextlib.contextmanager
def hold_run_locks(folders: list[Path], wait_seconds: float) -> Iterator[None]:
    """Hold the run locks of several folders (in a fixed order, so two runs never deadlock)."""
    with contextlib.ExitStack() as stack:
        for folder in sorted({Path(f).resolve() for f in folders}):
            stack.enter_context(hold_folder_lock(folder, wait_seconds))
        yield
