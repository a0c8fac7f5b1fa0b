"""Problems found in the registers: located, collected, summarised and reported together.

Every check adds its findings here instead of raising at the first one, so one run lists
every problem of a year (data contract §1.5). A finding says where (file, sheet,
spreadsheet row, column), what (the value, only when :func:`ikuanalysis.disclosure.quotable`
allows it: never a NIK, a name or a long text) and what to do. The log itself applies that
rule to every value and to every message parameter that carries register text, so a check
cannot forget it.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ikuanalysis import paths
from ikuanalysis.disclosure import HIDDEN_VALUE, PERSONAL_COLUMNS, RegisterNames, quotable, quotable_texts, redact_message
from ikuanalysis.config import (
    ProblemCatalogue,
    ProblemEntry,
    ProblemLevel,
    load_problem_catalogue,
)

Level = ProblemLevel
LOG_COLUMNS = ["level", "code", "file", "sheet", "row", "column", "value", "message"]
# Message parameters that carry text from the raw files (quoted only when quotable); the
# others are made by the program (configuration, counts). tests/ingest/test_catalogue.py checks
# that every parameter of the catalogue is one or the other.
RAW_TEXT_PARAMS = frozenset({"suffix", "sheet_name", "name", "detail", "part", "pattern", "jenis"})
PROGRAM_PARAMS = frozenset({
    "year", "components", "component", "label", "prefix", "jenis_list", "error_type", "other", "own",
    "letters", "missing", "header_row", "known", "ids", "field", "found", "expected", "k",
    "cells", "column_count", "keys", "anchor", "chosen", "others", "alias", "upper", "source", "flags", "rows_below", "folder", "limit", "ratio", "row_count", "size", "breaching", "row_total", "share",
    "real_type",  # what a file really is, named by the program (ingest/filetype.py)
    # The evaluator's own reason for accepting a quality gate (sumber.yml), shown as written:
    # not register data (redact_message still hides digit runs where it is published).
    "reason",
    # What is wrong in sumber.yml, worded by the program (the evaluator's keys in it are cut short).
    "finding",
})
_QUOTED = re.compile(r"'([^'\n]+)'")
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

    Values are stored only as :func:`ikuanalysis.disclosure.quotable` allows, else as
    "(disembunyikan)"; file, sheet and column names pass
    :func:`ikuanalysis.disclosure.redact_message`.

    Attributes:
        catalogue: The catalogue to use; the project's when None.
        names: The names of the registers read so far (:meth:`withhold_names`): a value equal
            to one is never stored. Values logged before a name was known are checked again
            by :meth:`to_frame`.
    """

    _frames: list[pd.DataFrame] = field(default_factory=list)
    catalogue: ProblemCatalogue | None = field(default=None, repr=False)
    names: RegisterNames = field(default_factory=RegisterNames, repr=False)
    # One problem at a time (add) is kept as a record, made a frame only by to_frame: a frame per
    # problem cost half a millisecond each. The running counts answer error_count at once.
    _records: list[dict] = field(default_factory=list, repr=False)
    _errors: int = field(default=0, repr=False)
    _codes: set = field(default_factory=set, repr=False)
    # The last to_frame answer and what it was made of (problems are only ever added): the
    # cleaning's writer asks for the log three times, once per file made from it.
    _frame_cache: tuple | None = field(default=None, repr=False)

    def withhold_names(self, names: pd.Series | RegisterNames) -> None:
        """Add the names of a register (its ``nama`` cells): values equal to one are never quoted."""
        self.names = self.names | (names if isinstance(names, RegisterNames) else RegisterNames.of(names))

    def _shown(self, value: object, column: str = "") -> str:
        """Return ``value`` as the log may store it (see :func:`ikuanalysis.disclosure.quotable`)."""
        text = quotable(value, column, self.names)
        return HIDDEN_VALUE if text is None else text

    def _hide_quoted_names(self, message: str) -> str:
        """Hide a quoted text of a message that is a name (raw-text parameters are quoted)."""
        return _QUOTED.sub(lambda m: f"'{HIDDEN_VALUE}'" if m.group(1) in self.names else m.group(0), message)

    def _location(self, text: object) -> str:
        """Return a file, sheet or column name as the log may store it."""
        text = "" if text is None else str(text)
        return HIDDEN_VALUE if text and text in self.names else redact_message(text)

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
        safe = {name: self._shown(value) if name in RAW_TEXT_PARAMS else value for name, value in params.items()}
        return entry.level, entry.template(variant).render(safe)

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
            value: The offending value (stored only when quotable, else "(disembunyikan)").
            variant: Which of the code's messages to use (the main one when None).
            **params: The message's placeholders.

        Raises:
            UnknownProblemError: ``code`` is not in the catalogue.
            TypeError: ``params`` are not exactly the message's placeholders.
        """
        level, message = self._describe(code, variant, params)
        record = {
            "level": level, "code": code, "file": self._location(file), "sheet": self._location(sheet),
            "row": row, "column": self._location(column), "value": self._shown(value, column),
            "message": message,
        }
        self._records.append(record)
        self._errors += level == "error"
        self._codes.add(code)

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
            values: The offending values, aligned with ``rows`` (stored only when quotable).
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
            value_col = quotable_texts(values.loc[rows.index], self.names).fillna(HIDDEN_VALUE)
        header = rows.get(f"_header_{column}") if column else None
        frame = pd.DataFrame(
            {
                "level": level,
                "code": code,
                "file": _map_unique(rows["_file"].astype("str"), self._location),
                "sheet": _map_unique(rows["_sheet"].astype("str"), self._location),
                "row": rows["_row"].astype("Int64"),
                "column": _map_unique(header.astype("str"), self._location) if header is not None
                else self._location(column),
                "value": value_col,
                "message": message,
            },
            columns=LOG_COLUMNS,
        )
        self._frames.append(frame)
        self._errors += len(frame) if level == "error" else 0
        self._codes.add(code)

    def to_frame(self) -> pd.DataFrame:
        """Return all problems, errors first, then in file and row order."""
        made_of = (len(self._frames), len(self._records), self.names)
        if self._frame_cache is not None and self._frame_cache[0][:2] == made_of[:2] \
                and self._frame_cache[0][2] is self.names:
            return self._frame_cache[1].copy(deep=False)  # copy-on-write: the caller cannot change the cache
        log = self._make_frame()
        self._frame_cache = (made_of, log)
        return log.copy(deep=False)

    def _make_frame(self) -> pd.DataFrame:
        frames = [f for f in self._frames if not f.empty]
        if self._records:
            frames.append(pd.DataFrame(self._records, columns=LOG_COLUMNS))
        if not frames:
            return pd.DataFrame(columns=LOG_COLUMNS).astype({"row": "Int64"})
        log = pd.concat(frames, ignore_index=True)
        log["row"] = log["row"].astype("Int64")
        if self.names.keys:  # names learnt after a value was logged (a later register)
            for name in ("value", "file", "sheet", "column"):
                log[name] = _map_unique(log[name].astype("str"),
                                        lambda v: HIDDEN_VALUE if v and v in self.names else v)
            log["message"] = _map_unique(log["message"].astype("str"), self._hide_quoted_names)
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
        return any(self.entry(code).is_usage_error for code in self._codes)

    def has_code(self, code: str) -> bool:
        """Whether a problem ``code`` was recorded."""
        return code in self._codes

    def error_count(self) -> int:
        """Return the number of errors recorded so far."""
        return self._errors

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

    @classmethod
    def of(cls, log: ProblemLog, year: int | None = None) -> RegisterError:
        """Return the error of ``log``: a :class:`RegisterUsageError` when a wrong use is among its problems."""
        return RegisterUsageError(log, year) if log.has_usage_errors() else cls(log, year)


class RegisterUsageError(RegisterError):
    """The registers' errors include a wrong use of the tool (an invalid ``sumber.yml``, a missing
    year folder, a link out of it): contract §4 exit 2, with every other problem still listed.

    A class of its own so that a notebook's failure says so by its name alone (the report runs
    the cleaning in a kernel, which returns only the exception's name and text).
    """


def _map_unique(values: pd.Series, func) -> pd.Series:
    """Apply ``func`` once per distinct value of a text column (the log's columns repeat a lot)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = pd.Series([func(u) for u in uniques], dtype="object")
    return pd.Series(mapped.to_numpy()[codes] if len(uniques) else [], index=values.index, dtype="object")


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
