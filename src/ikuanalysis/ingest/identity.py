"""Personal data stay in ``data/raw``: NIK and names become a keyed hash before anything is written.

The key comes from the ``IKUANALYSIS_NIK_KEY`` environment variable or, failing that, from
a git-ignored file ``.nik_key`` at the project root, generated on first use. With the key,
the same person gets the same case id in every run (reproducible outputs); without it, the
id cannot be traced back to a NIK by trying all NIKs.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import secrets
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ikuanalysis import paths

KEY_ENV = "IKUANALYSIS_NIK_KEY"
KEY_FILE = paths.PROJECT_ROOT / ".nik_key"


def load_key(key_file: Path = KEY_FILE) -> bytes:
    """Return the hashing key, creating ``key_file`` (mode 600) on first use."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8")
    if key_file.is_file():
        return key_file.read_text(encoding="utf-8").strip().encode("utf-8")
    key = secrets.token_hex(32)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key.encode("utf-8")


DIGEST_BYTES = 16
# Below this many identities one process hashes them all: forking a large process costs a few
# hundredths of a second, about what 100.000 digests take.
PARALLEL_MIN_IDENTITIES = 200_000
_CHUNK = 1 << 16  # identity strings made at once (a million are never held together)


@dataclass(frozen=True)
class IdentityBatch:
    """``count`` identity strings, made a slice at a time: ``texts(start, stop)`` returns those
    from ``start`` to ``stop`` (personal: made only to be hashed)."""

    count: int
    texts: Callable[[int, int], list[str]]


def hash_identity_batches(batches: Sequence[IdentityBatch], key: bytes) -> list:
    """Return the keyed BLAKE2b hashes (16 bytes, hex) of several batches of identities, one
    Arrow string column per batch, built on one hex buffer (no Python string per hash).

    Half of a large job is hashed by a forked copy of this process on the other core, writing
    its digests into shared memory: one digest is one C call but a million of them are a second
    of Python. The parent hashes the first half meanwhile. When the copy cannot be made, fails,
    or is not done well after the parent's half, the parent hashes that half itself: the result
    is the same either way, only slower.
    """
    total = sum(batch.count for batch in batches)
    split = total // 2 if total >= PARALLEL_MIN_IDENTITIES and hasattr(os, "fork") else total
    child = _start_child(batches, split, total, key) if split < total else None
    started = time.monotonic()
    digests = _digest_range(batches, 0, split if child else total, key)
    if child is not None:
        second = child.collect(timeout=max(5.0, 3 * (time.monotonic() - started)))
        digests += second if second is not None else _digest_range(batches, split, total, key)
    return _hex_columns(digests, [batch.count for batch in batches])


def _digest_range(batches: Sequence[IdentityBatch], start: int, stop: int, key: bytes) -> bytes:
    """Return the digests of identities ``start`` to ``stop`` of the batches taken end to end."""
    # BLAKE2b keys are at most 64 bytes. The keyed state is set up once and copied per identity.
    copy = hashlib.blake2b(key=key[:64], digest_size=DIGEST_BYTES).copy

    def digest(identity: str) -> bytes:
        state = copy()
        state.update(identity.encode("utf-8"))
        return state.digest()

    parts, offset = [], 0
    for batch in batches:
        low, high = max(start - offset, 0), min(stop - offset, batch.count)
        for first in range(low, high, _CHUNK):
            parts.append(b"".join(map(digest, batch.texts(first, min(first + _CHUNK, high)))))
        offset += batch.count
    return b"".join(parts)


@dataclass
class _HashingChild:
    """A forked copy of this process hashing identities into ``shared``."""

    pid: int
    shared: mmap.mmap

    def collect(self, timeout: float) -> bytes | None:
        """Wait for the copy (at most ``timeout`` seconds); return its digests, None when it failed."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    return bytes(self.shared) if os.waitstatus_to_exitcode(status) == 0 else None
                if time.monotonic() > deadline:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    return None
                time.sleep(0.002)
        except ChildProcessError:  # reaped by someone else: its result cannot be trusted
            return None
        finally:
            self.shared.close()


def _start_child(batches: Sequence[IdentityBatch], start: int, stop: int, key: bytes) -> _HashingChild | None:
    """Fork a copy of this process that hashes identities ``start`` to ``stop``; None when it cannot."""
    shared = mmap.mmap(-1, DIGEST_BYTES * (stop - start))  # anonymous and shared with the copy
    try:
        pid = os.fork()
    except OSError:
        shared.close()
        return None
    if pid:
        return _HashingChild(pid, shared)
    status = 1
    try:  # the copy: hash, write, leave at once (no atexit, no buffers flushed twice, no kernel loop)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        _die_with_parent()
        shared[:] = _digest_range(batches, start, stop, key)
        status = 0
    finally:
        os._exit(status)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent ends (a killed run leaves no copy behind)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _hex_columns(digests: bytes, counts: list[int]) -> list:
    """Return hex columns (Arrow strings on one buffer) of consecutive runs of ``counts`` digests."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    text = pa.py_buffer(digests.hex().encode("ascii"))
    width = 2 * DIGEST_BYTES
    columns, start = [], 0
    for count in counts:
        offsets = np.arange(0, count * width + 1, width, dtype=np.int32)
        array = pa.StringArray.from_buffers(count, pa.py_buffer(offsets), text.slice(start * width, count * width))
        columns.append(pd.Series(pd.arrays.ArrowStringArray(array), dtype=pd.StringDtype("pyarrow", na_value=np.nan)))
        start += count
    return columns


def hash_identities(identities: list[str], key: bytes) -> list[str]:
    """Return a keyed BLAKE2b hash (16 bytes, hex) of each identity string (see :func:`hash_identity_batches`)."""
    batch = IdentityBatch(len(identities), lambda start, stop: identities[start:stop])
    return hash_identity_batches([batch], key)[0].tolist()
