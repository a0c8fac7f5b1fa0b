"""Publish a run: processed data and outputs replace the old ones together, or not at all.

A run writes everything into staging folders first: ``<processed>/.staging-<year>/`` (a
mirror of the processed store, hard links of the unchanged files, in which the cleaning
stage writes) and ``<outputs>/.staging-<year>/`` (the report). Only when every stage has
succeeded does :func:`publish_together` move the changed processed years and the report
into place, with SIGTERM/SIGINT held for those few renames.

A journal (``<outputs>/.publish-<year>.json``) lists the moves before the first one; it is
removed after the last. A run killed in between (SIGKILL, power loss) leaves the journal,
and the next run completes the moves (:func:`finish_interrupted_publish`) before anything
else, so processed data and outputs always belong to the same run.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ikuanalysis.failures import interrupts_deferred
from ikuanalysis.paths import replace_dir

JOURNAL_PREFIX = ".publish-"
_YEAR_LENGTH = 4


def staging_name(year: int) -> str:
    """Return the name of a year's staging folder (the same in processed and outputs)."""
    return f".staging-{int(year)}"


def _year_folders(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == _YEAR_LENGTH)


def mirror_processed(processed_root: Path, mirror: Path) -> Path:
    """Fill ``mirror`` with the processed store's year folders as hard links (copies where impossible).

    The cleaning stage replaces a year's folder whole (new files), so a hard link is never
    written through and the published files stay as they were.
    """
    shutil.rmtree(mirror, ignore_errors=True)
    mirror.mkdir(parents=True)
    for year_folder in _year_folders(processed_root):
        (mirror / year_folder.name).mkdir()
        for file in year_folder.iterdir():
            if file.is_file():
                try:
                    os.link(file, mirror / year_folder.name / file.name)
                except OSError:  # a file system without hard links
                    shutil.copy2(file, mirror / year_folder.name / file.name)
    return mirror


def _identity(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_dev, p.stat().st_ino) for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}


def changed_processed_years(mirror: Path, processed_root: Path) -> list[Path]:
    """Return the mirror's year folders that the run wrote (not the hard-linked published ones)."""
    return [folder for folder in _year_folders(mirror) if _identity(folder) != _identity(processed_root / folder.name)]


def publish_together(moves: list[tuple[Path, Path]], journal: Path) -> None:
    """Move each staging folder onto its target, all of them, journalled, signals held.

    Args:
        moves: ``(staging, target)`` pairs, each pair on one file system.
        journal: Where the list of moves is kept until the last one is done.
    """
    with interrupts_deferred():
        _write_journal(journal, moves)
        for staging, target in moves:
            replace_dir(staging, target)
        journal.unlink()


def _write_journal(journal: Path, moves: list[tuple[Path, Path]]) -> None:
    # Each move with the inode of the new folder: after a swap the staging path holds the
    # old folder, and the inode tells which of the two has been placed.
    temporary = journal.with_name(journal.name + ".tmp")
    entries = [{"staging": str(staging), "target": str(target), "inode": staging.stat().st_ino}
               for staging, target in moves]
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(entries, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, journal)


def finish_interrupted_publish(output_root: Path) -> list[Path]:
    """Complete the moves of publish steps that a killed run left half-done; return their targets.

    Called by the holder of the run lock before it clears leftovers: every journal then
    belongs to a run that no longer exists, and its staging folders are complete (a journal
    is written only after every stage succeeded).
    """
    finished: list[Path] = []
    if not output_root.is_dir():
        return finished
    for unfinished in output_root.glob(f"{JOURNAL_PREFIX}*.json.tmp"):  # killed before the first move
        unfinished.unlink(missing_ok=True)
    for journal in sorted(output_root.glob(f"{JOURNAL_PREFIX}*.json")):
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal.unlink(missing_ok=True)
            continue
        with interrupts_deferred():
            for entry in entries:
                finished.append(_finish_move(Path(entry["staging"]), Path(entry["target"]), entry["inode"]))
            journal.unlink(missing_ok=True)
    return finished


def _finish_move(staging: Path, target: Path, inode: int) -> Path:
    """Place the new folder (``inode``) at ``target`` whatever step the move stopped at."""
    if staging.is_dir() and staging.stat().st_ino == inode:
        replace_dir(staging, target)  # not moved yet
    elif staging.is_dir():
        shutil.rmtree(staging, ignore_errors=True)  # swapped: the staging path holds the old folder
    return target


def journal_path(output_root: Path, year: int) -> Path:
    """Return the journal file of a year's publish step."""
    return output_root / f"{JOURNAL_PREFIX}{int(year)}.json"
