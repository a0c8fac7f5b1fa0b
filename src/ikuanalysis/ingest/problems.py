"""Problems found in the registers: located, collected, summarised and reported together.

Every check adds its findings here instead of raising at the first one, so one run lists
every problem of a year (data contract §1.5). A finding says where (file, sheet,
spreadsheet row, column), what (the value; never a NIK or a name) and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Level = Literal["error", "warning", "info"]
LOG_COLUMNS = ["level", "code", "file", "sheet", "row", "column", "value", "message"]
# Values of these columns identify a person: a log cites the row, never the value.
PERSONAL_COLUMNS = frozenset({"nik", "nama"})
HIDDEN_VALUE = "(disembunyikan)"
_MAX_LISTED_PER_GROUP = 20


@dataclass
class ProblemLog:
    """Collects problems as small DataFrames (one per check) and summarises them."""

    _frames: list[pd.DataFrame] = field(default_factory=list)

    def add(
        self,
        level: Level,
        code: str,
        message: str,
        *,
        file: str = "",
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        value: object = "",
    ) -> None:
        """Record one problem."""
        record = {
            "level": level, "code": code, "file": file, "sheet": sheet,
            "row": row, "column": column, "value": "" if value is None else str(value),
            "message": message,
        }
        self._frames.append(pd.DataFrame([record], columns=LOG_COLUMNS))

    def add_rows(
        self,
        level: Level,
        code: str,
        message: str,
        rows: pd.DataFrame,
        *,
        column: str = "",
        values: pd.Series | None = None,
    ) -> None:
        """Record one problem for each row of ``rows`` (vectorised).

        Args:
            level: error, warning or info.
            code: Short English identifier of the kind of problem.
            message: What is wrong and what to do, in Bahasa Indonesia.
            rows: Rows carrying the location columns ``_file``, ``_sheet``, ``_row`` and,
                when ``column`` names a canonical column, ``_header_<column>``.
            column: Canonical column concerned, if any.
            values: The offending values, aligned with ``rows``.
        """
        if rows.empty:
            return
        if values is None or column in PERSONAL_COLUMNS:
            shown = HIDDEN_VALUE if column in PERSONAL_COLUMNS else ""
            value_col = pd.Series(shown, index=rows.index, dtype="str")
        else:
            value_col = values.loc[rows.index].astype("str")
        header = rows.get(f"_header_{column}") if column else None
        frame = pd.DataFrame(
            {
                "level": level,
                "code": code,
                "file": rows["_file"].astype("str"),
                "sheet": rows["_sheet"].astype("str"),
                "row": rows["_row"].astype("Int64"),
                "column": header.astype("str") if header is not None else column,
                "value": value_col,
                "message": message,
            },
            columns=LOG_COLUMNS,
        )
        self._frames.append(frame)

    def to_frame(self) -> pd.DataFrame:
        """Return all problems, errors first, then in file and row order."""
        frames = [f for f in self._frames if not f.empty]
        if not frames:
            return pd.DataFrame(columns=LOG_COLUMNS).astype({"row": "Int64"})
        log = pd.concat(frames, ignore_index=True)
        log["row"] = log["row"].astype("Int64")
        order = log["level"].map({"error": 0, "warning": 1, "info": 2})
        return (
            log.assign(_order=order)
            .sort_values(["_order", "file", "sheet", "row", "code"], kind="stable", na_position="first")
            .drop(columns="_order")
            .reset_index(drop=True)
        )

    @property
    def has_errors(self) -> bool:
        """Whether any recorded problem is an error."""
        return self.error_count() > 0

    def error_count(self) -> int:
        """Return the number of errors recorded so far."""
        return int(sum((f["level"] == "error").sum() for f in self._frames))

    def counts(self) -> pd.DataFrame:
        """Return the number of problems per level, code and message."""
        log = self.to_frame()
        return (
            log.groupby(["level", "code", "message"], sort=False).size().rename("count").reset_index()
        )


class RegisterError(Exception):
    """The registers of a year have errors; nothing was written.

    The message lists every error (grouped, with locations) so that it can be shown as is.
    """

    def __init__(self, log: ProblemLog, year: int | None = None):
        self.log = log
        self.year = year
        super().__init__(format_problems(log.to_frame(), year=year))


def _location(row: pd.Series) -> str:
    parts = [str(row["file"])]
    if row["sheet"]:
        parts.append(f"sheet '{row['sheet']}'")
    if pd.notna(row["row"]):
        parts.append(f"baris {int(row['row'])}")
    if row["column"]:
        parts.append(f"kolom '{row['column']}'")
    return ", ".join(parts)


def format_problems(log: pd.DataFrame, *, year: int | None = None, level: Level = "error") -> str:
    """Format the problems of one level for a terminal, grouped by kind of problem.

    Each group shows its message once, then up to 20 locations with their values and the
    number of further rows of the same kind.
    """
    chosen = log[log["level"] == level]
    if chosen.empty:
        return f"Tidak ada masalah tingkat {level}."
    noun = {"error": "kesalahan", "warning": "peringatan", "info": "catatan"}[level]
    head = f"Ditemukan {len(chosen)} {noun}" + (f" pada data tahun {year}" if year else "") + ":"
    lines = [head]
    for (code, message), group in chosen.groupby(["code", "message"], sort=False):
        lines.append(f"\n[{code}] {message}")
        for _, row in group.head(_MAX_LISTED_PER_GROUP).iterrows():
            value = f" — nilai: {row['value']!r}" if row["value"] else ""
            lines.append(f"  - {_location(row)}{value}")
        if len(group) > _MAX_LISTED_PER_GROUP:
            lines.append(f"  … dan {len(group) - _MAX_LISTED_PER_GROUP} baris lain dengan masalah yang sama.")
    return "\n".join(lines)
