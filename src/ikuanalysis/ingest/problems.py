"""Problems found in the registers: located, collected, summarised and reported together.

Every check adds its findings here instead of raising at the first one, so one run lists
every problem of a year (data contract §1.5). A finding says where (file, sheet,
spreadsheet row, column), what (the value; never a NIK or a name) and what to do.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ikuanalysis import paths
from ikuanalysis.config import (
    ProblemCatalogue,
    ProblemEntry,
    ProblemLevel,
    load_problem_catalogue,
)

Level = ProblemLevel
LOG_COLUMNS = ["level", "code", "file", "sheet", "row", "column", "value", "message"]
# Values of these columns identify a person: a log cites the row, never the value.
PERSONAL_COLUMNS = frozenset({"nik", "nama"})
HIDDEN_VALUE = "(disembunyikan)"
_MAX_LISTED_PER_GROUP = 20
_LEVEL_NAMES = {"error": "kesalahan", "warning": "peringatan", "info": "catatan"}
PROBLEM_TABLE = paths.PROJECT_ROOT / "docs" / "panduan" / "kode_masalah.md"


class UnknownProblemError(LookupError):
    """A problem code that ``config/problems.yml`` does not list (a programming error)."""


@lru_cache(maxsize=8)
def load_catalogue(config_dir: Path | None = None) -> ProblemCatalogue:
    """Return the problem catalogue of ``config_dir`` (the project's ``config/`` when None), cached."""
    return load_problem_catalogue(config_dir)


@dataclass
class ProblemLog:
    """Collects problems as small DataFrames (one per check) and summarises them.

    The level and message of each code come from the catalogue (``config/problems.yml``);
    callers give the code, the message's parameters and the location.

    Attributes:
        catalogue: The catalogue to use; the project's when None.
    """

    _frames: list[pd.DataFrame] = field(default_factory=list)
    catalogue: ProblemCatalogue | None = field(default=None, repr=False)

    def entry(self, code: str) -> ProblemEntry:
        """Return the catalogue entry of ``code``.

        Raises:
            UnknownProblemError: The catalogue does not list ``code``.
        """
        catalogue = self.catalogue if self.catalogue is not None else load_catalogue()
        try:
            return catalogue.problems[code]
        except KeyError:
            raise UnknownProblemError(
                f"problem code {code!r} is not in config/problems.yml; add it there (level, message, "
                "section, arti, tindakan)"
            ) from None

    def _describe(self, code: str, variant: str | None, params: dict[str, object]) -> tuple[str, str]:
        entry = self.entry(code)
        return entry.level, entry.template(variant).render(params)

    def add(
        self,
        code: str,
        *,
        file: str = "",
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        value: object = "",
        variant: str | None = None,
        **params: object,
    ) -> None:
        """Record one problem.

        Args:
            code: The problem's code in ``config/problems.yml``.
            file: File name.
            sheet: Sheet name ('' for CSV files).
            row: Row number as the spreadsheet shows it.
            column: Column header as written.
            value: The offending value (never a NIK or a name).
            variant: Which of the code's messages to use (the main one when None).
            **params: The message's placeholders.

        Raises:
            UnknownProblemError: ``code`` is not in the catalogue.
            TypeError: ``params`` are not exactly the message's placeholders.
        """
        level, message = self._describe(code, variant, params)
        record = {
            "level": level, "code": code, "file": file, "sheet": sheet,
            "row": row, "column": column, "value": "" if value is None else str(value),
            "message": message,
        }
        self._frames.append(pd.DataFrame([record], columns=LOG_COLUMNS))

    def add_rows(
        self,
        code: str,
        rows: pd.DataFrame,
        *,
        column: str = "",
        values: pd.Series | None = None,
        variant: str | None = None,
        **params: object,
    ) -> None:
        """Record one problem for each row of ``rows`` (vectorised).

        Args:
            code: The problem's code in ``config/problems.yml``.
            rows: Rows carrying the location columns ``_file``, ``_sheet``, ``_row`` and,
                when ``column`` names a canonical column, ``_header_<column>``.
            column: Canonical column concerned, if any.
            values: The offending values, aligned with ``rows``.
            variant: Which of the code's messages to use (the main one when None).
            **params: The message's placeholders.

        Raises:
            UnknownProblemError: ``code`` is not in the catalogue (even when ``rows`` is empty).
            TypeError: ``params`` are not exactly the message's placeholders.
        """
        level, message = self._describe(code, variant, params)
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

    def has_usage_errors(self) -> bool:
        """Whether any recorded problem is a wrong use of the tool (catalogue ``is_usage_error``)."""
        codes = {code for frame in self._frames for code in frame["code"].unique()}
        return any(self.entry(code).is_usage_error for code in codes)

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
    noun = _LEVEL_NAMES[level]
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



def _cell(text: str) -> str:
    """Return ``text`` safe for a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def problem_table_markdown(catalogue: ProblemCatalogue | None = None) -> str:
    """Return the user guide's table of problem codes (``docs/panduan/kode_masalah.md``).

    Args:
        catalogue: The catalogue to describe; the project's when None.
    """
    catalogue = catalogue if catalogue is not None else load_catalogue()
    lines = [
        "# Kode masalah pada log kualitas data",
        "",
        (
            "<!-- Dibuat otomatis dari config/problems.yml dengan "
            "`python -m ikuanalysis.ingest.problems --markdown`; jangan diedit langsung. -->"
        ),
        "",
        (
            "Setiap masalah yang ditemukan saat membaca register tercatat di log kualitas data dengan "
            "sebuah kode. Tingkat **kesalahan** menghentikan proses sebelum apa pun ditulis; "
            "**peringatan** dan **catatan** tidak menghentikan proses, tetapi sebaiknya diperiksa. "
            "Kolom *Pasal kontrak* menunjuk bagian `docs/data_contract.md` yang ditegakkan."
        ),
        "",
        "| Kode | Tingkat | Arti | Apa yang harus dilakukan | Pasal kontrak |",
        "|---|---|---|---|---|",
    ]
    for code, entry in catalogue.problems.items():
        section = entry.section or "— (berkas pendukung evaluator)"
        lines.append(
            f"| `{code}` | {_LEVEL_NAMES[entry.level]} | {_cell(entry.arti)} | {_cell(entry.tindakan)} | {section} |"
        )
    return "\n".join(lines) + "\n"


def write_problem_table(path: Path = PROBLEM_TABLE, catalogue: ProblemCatalogue | None = None) -> Path:
    """Write :func:`problem_table_markdown` to ``path`` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(problem_table_markdown(catalogue), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m ikuanalysis.ingest.problems --markdown [--output PATH]``."""
    parser = argparse.ArgumentParser(
        prog="python -m ikuanalysis.ingest.problems",
        description="Write the user guide's table of problem codes from config/problems.yml.",
    )
    parser.add_argument("--markdown", action="store_true", help="write docs/panduan/kode_masalah.md")
    parser.add_argument("--output", type=Path, default=PROBLEM_TABLE, help="where to write the table")
    args = parser.parse_args(argv)
    if not args.markdown:
        parser.print_help()
        return 2
    written = write_problem_table(args.output)
    print(f"Ditulis: {written}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
