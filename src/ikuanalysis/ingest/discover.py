"""Find the files of a year folder that the ingest stage reads: registers per component and rekap files
(data contract §1.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ikuanalysis.config import COMPONENT_ID_PATTERN, Component, load_settings
from ikuanalysis.ingest.filetype import SUFFIX_TYPES, TEXT
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.sumber import FileEntry, Sumber
from ikuanalysis.paths import is_link_outside

SPREADSHEET_SUFFIXES = frozenset(suffix for suffix, kind in SUFFIX_TYPES.items() if kind != TEXT)  # .xls, .xlsb too
TEXT_SUFFIXES = frozenset(suffix for suffix, kind in SUFFIX_TYPES.items() if kind == TEXT)  # .csv, .txt, .tsv
TABLE_SUFFIXES = SPREADSHEET_SUFFIXES | TEXT_SUFFIXES
REKAP_COLUMNS = ("komponen", "sasaran", "realisasi", "kecamatan")
# Any component-shaped name (x1 … x99), configured or not: a sheet named like another component.
COMPONENT_NAME = re.compile(rf"^({COMPONENT_ID_PATTERN})(?![0-9])", re.IGNORECASE)
_REKAP_NAME = re.compile(r"^rekap", re.IGNORECASE)


@dataclass(frozen=True)
class SourceFile:
    """A file of the year folder that the cleaning stage reads."""

    path: Path
    kind: str  # "register", "rekap", or "unsupported" (named like one, in a format we cannot read)
    component: str | None  # the component id for registers
    entry: FileEntry | None = None  # the sumber.yml entry that assigned it, if any


def register_matcher(components: Iterable[Component]):
    """Return a function mapping a file name to the id of the component it is a register of.

    A name belongs to a component when it starts with the component's file prefix (case
    insensitive) followed by a non-digit or the end; the longest prefix is tried first, so
    ``x10_...`` is a register of x10, not of x1.
    """
    by_prefix = {c.prefix.lower(): c.id for c in components}
    alternatives = "|".join(re.escape(p) for p in sorted(by_prefix, key=len, reverse=True))
    pattern = re.compile(rf"^({alternatives})(?![0-9])", re.IGNORECASE)

    def match(name: str) -> str | None:
        found = pattern.match(name)
        return by_prefix[found.group(1).lower()] if found else None

    return match


# Files of a year folder that are read, but are not registers (the evaluator's own files).
EVALUATOR_FILES = frozenset({"catatan.md", "anggaran.csv", "sumber.yml"})


def discover_files(
    raw_dir: Path, log: ProblemLog, components: Iterable[Component] | None = None, sumber: Sumber | None = None,
    known_files: Iterable[str] = (),
) -> list[SourceFile]:
    """List the registers and rekap files of a year folder, in name order.

    Files whose names start with a component's file prefix (``x1`` … by default) are
    registers of that component; ``rekap*`` files are aggregate input. Other files
    (``catatan.md``, ``anggaran.csv``, ...) are not registers. A register in an
    unsupported format is an error. A symbolic link pointing outside the folder (or broken),
    whatever its name, is a wrong use: it is logged (``symlink_outside_folder``) and never
    followed.

    Args:
        raw_dir: The year folder.
        log: Collects the problems found.
        components: The configured components; those of the project's ``config/`` when omitted.
        sumber: The year's ``sumber.yml``: its ``berkas`` entries assign files to components,
            or ignore them, before their names are looked at (each application is logged).
        known_files: Other names that are not registers and need no mention (the sample marker).
    """
    register_of = register_matcher(load_settings().iku.components if components is None else components)
    found: list[SourceFile] = []
    known = set(known_files)
    for path in sorted(raw_dir.iterdir()):
        name = path.name
        if name.startswith(("~$", ".")):
            continue  # Office lock files and hidden files
        if is_link_outside(path, raw_dir):
            log.add("symlink_outside_folder", folder=raw_dir.name, file=name)
            continue
        if not path.is_file():
            continue
        entry = sumber.entry_for(name) if sumber is not None else None
        if entry is not None and entry.abaikan:
            log.add("sumber_applied", variant="ignored", file=name, pattern=entry.pola)
            continue
        if entry is not None and entry.applied_keys():
            log.add("sumber_applied", variant="keys", file=name, pattern=entry.pola, component=entry.komponen,
                    keys=entry.applied_keys())
        elif entry is not None:
            log.add("sumber_applied", file=name, pattern=entry.pola, component=entry.komponen)
        register = entry.komponen if entry is not None else register_of(name)
        rekap = entry is None and _REKAP_NAME.match(name)
        if not (register or rekap):
            if name.casefold() not in EVALUATOR_FILES and name not in known:
                log.add("file_ignored", file=name)
            continue
        if path.suffix.lower() not in TABLE_SUFFIXES:
            found.append(SourceFile(path, "unsupported", register))
            log.add("unsupported_format", suffix=path.suffix or "(tanpa ekstensi)", file=name)
            continue
        if register:
            found.append(SourceFile(path, "register", register, entry))
        else:
            found.append(SourceFile(path, "rekap", None))
    return found


