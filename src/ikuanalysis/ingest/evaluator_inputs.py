"""The optional files of a year folder that the evaluators write themselves.

- ``anggaran.csv``: program, pagu, realisasi (rupiah) for the efficiency analysis;
- ``catatan.md``: the evaluator's own text, under the headings Penyebab keberhasilan,
  Penyebab kegagalan, Solusi and Program pendukung.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from ikuanalysis.config import normalize_header
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.values import parse_count

BUDGET_FILE = "anggaran.csv"
NOTES_FILE = "catatan.md"
NOTE_HEADINGS = {
    "penyebabkeberhasilan": "Penyebab keberhasilan",
    "penyebabkegagalan": "Penyebab kegagalan",
    "solusi": "Solusi",
    "programpendukung": "Program pendukung",
}
_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def read_budget(year_dir: Path, log: ProblemLog) -> pd.DataFrame | None:
    """Read ``anggaran.csv`` (program, pagu, realisasi) or return None when it is absent.

    Amounts may be written the Indonesian way ("Rp1.500.000"). Problems are logged as
    errors with their row: a blank program, an amount that is not a whole number of rupiah,
    or realisasi above pagu.
    """
    path = year_dir / BUDGET_FILE
    if not path.is_file():
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        log.add("error", "budget_unreadable", "anggaran.csv kosong. Isi dengan kolom program, pagu, realisasi, "
                "atau hapus berkasnya.", file=BUDGET_FILE)
        return None
    sep = ";" if lines[0].count(";") > lines[0].count(",") else ","
    records = list(csv.reader(lines, delimiter=sep))  # a handful of rows: strict checks, not speed
    header = [normalize_header(c) for c in records[0]]
    missing = [c for c in ("program", "pagu", "realisasi") if c not in header]
    if missing:
        log.add("error", "budget_missing_column",
                f"Kolom {', '.join(missing)} tidak ada. anggaran.csv harus berkolom program, pagu, realisasi.",
                file=BUDGET_FILE, row=1)
        return None
    bad = [n for n, r in enumerate(records[1:], start=2) if r and len(r) != len(header)]
    for row_number in bad:
        log.add("error", "budget_malformed_row",
                f"Baris ini berisi {len(records[row_number - 1])} kolom, baris judul {len(header)}. Perbaiki "
                "pemisah kolom; teks yang memuat pemisah harus diapit tanda kutip.",
                file=BUDGET_FILE, row=row_number)
    if bad:
        return None
    rows = []
    for row_number, values in enumerate(records[1:], start=2):  # a budget has a handful of rows
        if not any(v.strip() for v in values):
            continue
        record = dict(zip(header, values))
        amounts = {}
        for column in ("pagu", "realisasi"):
            value = parse_count(str(record[column]).replace("Rp", "").replace("rp", "").strip())
            if value is pd.NA:
                log.add("error", "budget_invalid_amount",
                        f"Nilai {column} harus rupiah bulat tanpa desimal, mis. 1500000 atau 1.500.000.",
                        file=BUDGET_FILE, row=row_number, column=column, value=record[column])
            amounts[column] = value
        if not str(record["program"]).strip():
            log.add("error", "budget_blank_program", "Nama program kosong.", file=BUDGET_FILE, row=row_number,
                    column="program")
        if all(v is not pd.NA for v in amounts.values()) and amounts["realisasi"] > amounts["pagu"]:
            log.add("warning", "budget_above_pagu", "Realisasi anggaran melebihi pagu: periksa angkanya.",
                    file=BUDGET_FILE, row=row_number, column="realisasi", value=record["realisasi"])
        rows.append({"program": str(record["program"]).strip(), **amounts})
    table = pd.DataFrame(rows, columns=["program", "pagu", "realisasi"])
    if table[["pagu", "realisasi"]].isna().any().any():
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
        key = NOTE_HEADINGS.get(normalize_header(heading), heading.strip())
        notes[key] = body.strip()
    return notes
