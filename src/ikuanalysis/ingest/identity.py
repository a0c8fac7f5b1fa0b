"""Personal data stay in ``data/raw``: NIK and names become a keyed hash before anything is written.

The key comes from the ``IKUANALYSIS_NIK_KEY`` environment variable or, failing that, from
a git-ignored file ``.nik_key`` at the project root, generated on first use. With the key,
the same person gets the same case id in every run (reproducible outputs); without it, the
id cannot be traced back to a NIK by trying all NIKs.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable
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


def hash_identity_column(identities: Iterable[str], key: bytes, count: int | None = None):
    """Return a keyed BLAKE2b hash (16 bytes, hex) of each identity string, as an Arrow string column.

    The digests are joined and hex-encoded once, and the column is built on that one buffer:
    no Python string per hash. (The digests themselves, one C call each, are most of the cost:
    about half a second per million identities.)

    Args:
        identities: The identity strings; any iterable (a generator keeps a million of them
            from being held at once).
        key: The hashing key.
        count: The number of identities (needed when ``identities`` has no length).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    # BLAKE2b keys are at most 64 bytes. The keyed state is set up once and copied per identity.
    copy = hashlib.blake2b(key=key[:64], digest_size=16).copy

    def digest(identity: str) -> bytes:
        state = copy()
        state.update(identity.encode("utf-8"))
        return state.digest()

    count = len(identities) if count is None else count
    text = b"".join(map(digest, identities)).hex().encode("ascii")
    if len(text) != 32 * count:
        raise ValueError(f"{len(text) // 32} identities hashed, {count} expected")
    offsets = np.arange(0, 32 * count + 1, 32, dtype=np.int32)
    array = pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(text))
    return pd.Series(pd.arrays.ArrowStringArray(array), dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def hash_identities(identities: list[str], key: bytes) -> list[str]:
    """Return a keyed BLAKE2b hash (16 bytes, hex) of each identity string (see :func:`hash_identity_column`)."""
    return hash_identity_column(identities, key).tolist()
