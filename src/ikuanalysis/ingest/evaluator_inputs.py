"""The optional files of a year folder that the evaluators write themselves.

- ``anggaran.csv``: program, pagu, realisasi (rupiah) for the efficiency analysis, and
  optionally komponen (the id of the IKU component the programme serves, blank for none);
- ``catatan.md``: the evaluator's own text, under the headings Penyebab keberhasilan,
  Penyebab kegagalan, Solusi and Program pendukung.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from ikuanalysis.config import normalize_key
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.read import decode_csv_bytes, sniff_delimiter
from ikuanalysis.ingest.values import parse_count

BUDGET_FILE = "anggaran.csv"
NOTES_FILE = "catatan.md"
BUDGET_COLUMNS = ("program", "pagu", "realisasi")
BUDGET_COMPONENT = "komponen"  # optional column: the component a programme serves
NOTE_HEADINGS = {
    "penyebabkeberhasilan": "Penyebab keberhasilan",
    "penyebabkegagalan": "Penyebab kegagalan",
    "solusi": "Solusi",
    "programpendukung": "Program pendukung",
}
_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _budget_header_score(rows: list[list[str]]) -> int:
    """Return how many of program, pagu, realisasi the first row names."""
    return len({normalize_key(c) for c in rows[0]} & set(BUDGET_COLUMNS)) if rows else 0


def read_budget(year_dir: Path, log: ProblemLog, component_ids: tuple[str, ...] | None = None) -> pd.DataFrame | None:
    """Read ``anggaran.csv`` (program, pagu, realisasi[, komponen]) or return None when it is absent.

    Amounts may be written the Indonesian way ("Rp1.500.000"). Problems are logged as
    errors with their row: a blank program, an amount that is not a whole number of rupiah,
    or realisasi above pagu (a warning). The optional ``komponen`` column links a programme
    to the IKU component it serves (``x2``; blank: none); an id not in ``component_ids``
    is a located error (``budget_unknown_component``).

    Returns:
        Columns program, pagu, realisasi, and komponen when the file has that column.
    """
    path = year_dir / BUDGET_FILE
    if not path.is_file():
        return None
    text, _ = decode_csv_bytes(path.read_bytes())
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        log.add("budget_unreadable", file=BUDGET_FILE)
        return None
    sniffed = sniff_delimiter(lines[:1], _budget_header_score)
    sep = sniffed[0] if sniffed else ","
    records = list(csv.reader(lines, delimiter=sep))  # a handful of rows: strict checks, not speed
    header = [normalize_key(c) for c in records[0]]
    missing = [c for c in BUDGET_COLUMNS if c not in header]
    if missing:
        log.add("budget_missing_column", missing=", ".join(missing), file=BUDGET_FILE, row=1)
        return None
    bad = [n for n, r in enumerate(records[1:], start=2) if r and len(r) != len(header)]
    for row_number in bad:
        log.add("budget_malformed_row", found=len(records[row_number - 1]), expected=len(header),
                file=BUDGET_FILE, row=row_number)
    if bad:
        return None
    rows, unknown = [], False
    for row_number, values in enumerate(records[1:], start=2):  # a budget has a handful of rows
        if not any(v.strip() for v in values):
            continue
        record = dict(zip(header, values))
        amounts = {}
        for column in ("pagu", "realisasi"):
            value = parse_count(str(record[column]).replace("Rp", "").replace("rp", "").strip())
            if value is pd.NA:
                log.add("budget_invalid_amount", field=column,
                        file=BUDGET_FILE, row=row_number, column=column, value=record[column])
            amounts[column] = value
        if not str(record["program"]).strip():
            log.add("budget_blank_program", file=BUDGET_FILE, row=row_number, column="program")
        if all(v is not pd.NA for v in amounts.values()) and amounts["realisasi"] > amounts["pagu"]:
            log.add("budget_above_pagu", file=BUDGET_FILE, row=row_number, column="realisasi",
                    value=record["realisasi"])
        row = {"program": str(record["program"]).strip(), **amounts}
        if BUDGET_COMPONENT in header:
            row[BUDGET_COMPONENT] = str(record[BUDGET_COMPONENT]).strip().lower()
            if row[BUDGET_COMPONENT] and component_ids is not None and row[BUDGET_COMPONENT] not in component_ids:
                log.add("budget_unknown_component", known=", ".join(component_ids), file=BUDGET_FILE,
                        row=row_number, column=BUDGET_COMPONENT, value=record[BUDGET_COMPONENT])
                unknown = True
        rows.append(row)
    columns = ["program", "pagu", "realisasi"] + ([BUDGET_COMPONENT] if BUDGET_COMPONENT in header else [])
    table = pd.DataFrame(rows, columns=columns)
    if table[["pagu", "realisasi"]].isna().any().any() or unknown:
        return None
    return table.astype({"pagu": "int64", "realisasi": "int64"})


def read_notes(year_dir: Path) -> dict[str, str]:
    """Return the evaluator's notes by heading (and ``intro`` for text before the first heading).

    Headings are matched ignoring case and spaces; text under other headings is kept under
    its own heading.
    """
    path = year_dir / NOTES_FILE
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    parts = _HEADING.split(text)
    notes = {"intro": parts[0].strip()} if parts[0].strip() else {}
    for heading, body in zip(parts[1::2], parts[2::2]):
        key = NOTE_HEADINGS.get(normalize_key(heading), heading.strip())
        notes[key] = body.strip()
    return notes
