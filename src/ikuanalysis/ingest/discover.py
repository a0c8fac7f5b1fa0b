"""Find the files of a year folder that the ingest stage reads: registers per component and rekap files
(data contract §1.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ikuanalysis.ingest.problems import ProblemLog

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".ods"})
TABLE_SUFFIXES = SPREADSHEET_SUFFIXES | {".csv"}
REKAP_COLUMNS = ("komponen", "sasaran", "realisasi", "kecamatan")
_REGISTER_NAME = re.compile(r"^x([1-4])(?![0-9])", re.IGNORECASE)
_REKAP_NAME = re.compile(r"^rekap", re.IGNORECASE)


@dataclass(frozen=True)
class SourceFile:
    """A file of the year folder that the cleaning stage reads."""

    path: Path
    kind: str  # "register", "rekap", or "unsupported" (named like one, in a format we cannot read)
    component: str | None  # x1..x4 for registers


def discover_files(raw_dir: Path, log: ProblemLog) -> list[SourceFile]:
    """List the registers and rekap files of a year folder, in name order.

    Files whose names start with x1..x4 are registers of that component; ``rekap*`` files
    are aggregate input. Other files (``catatan.md``, ``anggaran.csv``, ...) are not
    registers. A register in an unsupported format is an error.
    """
    found: list[SourceFile] = []
    for path in sorted(p for p in raw_dir.iterdir() if p.is_file()):
        name = path.name
        if name.startswith(("~$", ".")):
            continue  # Office lock files and hidden files
        register = _REGISTER_NAME.match(name)
        rekap = _REKAP_NAME.match(name)
        if not (register or rekap):
            continue
        if path.suffix.lower() not in TABLE_SUFFIXES:
            found.append(SourceFile(path, "unsupported", f"x{register.group(1)}" if register else None))
            log.add("unsupported_format", suffix=path.suffix or "(tanpa ekstensi)", file=name)
            continue
        if register:
            found.append(SourceFile(path, "register", f"x{register.group(1)}"))
        else:
            found.append(SourceFile(path, "rekap", None))
    return found


