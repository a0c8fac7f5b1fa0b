"""Where things live: the one module that knows the project's folders.

Every other module asks here for a path instead of building one, so a different layout
(or the ``IKUANALYSIS_HOME`` environment variable) changes one place.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

_HOME_ENV = "IKUANALYSIS_HOME"
_YEAR_DIR = re.compile(r"^\d{4}$")


def find_project_root() -> Path:
    """Return the project folder (the one holding ``config/iku.yml``).

    Order: the ``IKUANALYSIS_HOME`` environment variable, then the source checkout this
    package was installed from (editable install), then the current folder and its parents.
    """
    env = os.environ.get(_HOME_ENV)
    if env:
        return Path(env).resolve()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "config" / "iku.yml").is_file():
        return checkout
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "config" / "iku.yml").is_file():
            return folder
    return here


PROJECT_ROOT = find_project_root()
CONFIG_DIR = PROJECT_ROOT / "config"
RAW_DIR = PROJECT_ROOT / "data" / "raw"
PROCESSED_DIR = PROJECT_ROOT / "data" / "processed"
OUTPUT_DIR = PROJECT_ROOT / "outputs"
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
TEMPLATE_DIR = Path(__file__).resolve().parent / "publish" / "templates"


def resolve(path: str | Path, base: Path = PROJECT_ROOT) -> Path:
    """Return ``path`` as an absolute path, relative ones taken from ``base``."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def year_dir(root: str | Path, year: int) -> Path:
    """Return the folder of ``year`` below ``root`` (``data/raw/2025``)."""
    return resolve(root) / str(int(year))


def list_years(raw_root: str | Path = RAW_DIR) -> list[int]:
    """Return the years that have a folder under ``raw_root``, ascending."""
    root = resolve(raw_root)
    if not root.is_dir():
        return []
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and _YEAR_DIR.match(p.name))


def report_basename(year: int) -> str:
    """Return the stem shared by a year's output files (``iku_2025``)."""
    return f"iku_{int(year)}"


@dataclass(frozen=True)
class ReportPaths:
    """The folders one report build reads and writes (defaults: the project's)."""

    raw_root: Path = RAW_DIR
    processed_root: Path = PROCESSED_DIR
    output_root: Path = OUTPUT_DIR
    config_dir: Path = CONFIG_DIR


def replace_dir(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``, replacing an existing ``target``.

    On Linux the two folders are swapped in one atomic step (``renameat2`` with
    ``RENAME_EXCHANGE``), so ``target`` is never absent; elsewhere two renames are used and
    ``target`` is briefly absent but never half-written. Both must be on the same file system.
    """
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous target
        return
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux ``renameat2``; False where that is not available."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # file system or kernel without the exchange: fall back to two renames
    raise OSError(number, os.strerror(number), str(second))


SOURCE_DATE_ENV = "SOURCE_DATE_EPOCH"
_FALLBACK_EPOCH = 946684800  # 1 January 2000 UTC


def source_date(*folders: Path | None) -> dt.datetime:
    """Return the date stamped in documents (PDF dates, report footer), never the time of building.

    ``SOURCE_DATE_EPOCH`` when set (reproducible-builds.org convention); else the newest
    modification time of the files in ``folders`` (the registers: the data's own timestamp,
    also in year folders below them); else 1 January 2000 UTC. Two builds of the same inputs
    are then identical byte for byte.
    """
    epoch = os.environ.get(SOURCE_DATE_ENV, "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    times = [entry.stat().st_mtime for folder in folders if folder is not None and Path(folder).is_dir()
             for entry in Path(folder).rglob("*") if entry.is_file() and not entry.is_symlink()]
    return dt.datetime.fromtimestamp(int(max(times)) if times else _FALLBACK_EPOCH, tz=dt.timezone.utc)


def file_sha256(path: Path) -> str:
    """Return the SHA-256 (hex) of a file, read in chunks; the file is opened read-only."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_link_outside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is a symbolic link whose target is not a file or folder inside ``folder``.

    A broken link, or a loop of links, counts as outside. The link is resolved, never opened.
    """
    if not path.is_symlink():
        return False
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # broken link, or a loop of links
        return True
    return not target.is_relative_to(Path(folder).resolve())


def hash_folder(folder: Path) -> dict[str, str]:
    """Return name → SHA-256 of the files of a folder.

    Hidden and Office lock files are left out, and so are symbolic links pointing outside the
    folder (never read; the ingest stage refuses them).
    """
    return {
        p.name: file_sha256(p)
        for p in sorted(Path(folder).iterdir())
        if p.is_file() and not p.name.startswith(("~$", ".")) and not is_link_outside(p, folder)
    }


_STAGING = re.compile(r"^\.(?:staging|tmp|old)-(?:.+-)?(\d+)$")


def remove_stale_staging(root: Path) -> list[Path]:
    """Delete staging folders left by killed runs (their process is gone); return them.

    Staging folders are named ``.staging-<what>-<pid>``, ``.tmp-<year>-<pid>`` or
    ``.old-<name>-<pid>``; those of a running process are left alone.
    """
    removed = []
    if not Path(root).is_dir():
        return removed
    for folder in Path(root).iterdir():
        match = _STAGING.match(folder.name)
        if not match or not folder.is_dir():
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
            continue  # still running
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def remove_leftovers(root: Path, names: tuple[str, ...] | None = None) -> list[Path]:
    """Delete staging folders and files a killed run left in ``root``; return them.

    Only the holder of the run lock of ``root`` calls this (no other run can be writing
    there). ``names`` limits it to those entries (a worker of ``report --all`` clears only its
    own year); otherwise every ``.staging-*``, ``.tmp-*`` and ``.old-*`` entry goes.
    """
    removed = []
    if not Path(root).is_dir():
        return removed
    for entry in Path(root).iterdir():
        is_leftover = entry.name in names if names is not None else entry.name.startswith(LEFTOVER_PREFIXES)
        if not is_leftover:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


LEFTOVER_PREFIXES = (".staging-", ".tmp-", ".old-")


def missing_folders(path: Path) -> list[Path]:
    """Return ``path`` and those of its parents that do not exist yet, deepest first."""
    missing, folder = [], Path(path).absolute()
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def remove_empty_folders(folders: list[Path]) -> None:
    """Remove each of ``folders`` (deepest first) that is empty; stop at the first that is not.

    A failed run removes the output and processed roots it created (contract §0: after a
    failure both are as before); a folder someone else has put anything into stays.
    """
    for folder in folders:
        try:
            folder.rmdir()
        except FileNotFoundError:
            continue
        except OSError:  # not empty (another run's lock, a file), or not ours to remove
            return

