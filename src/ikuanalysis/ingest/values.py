"""Interpret register cells: text, names, NIK, places, jenis, status, dates and counts.

Each rule works on whole columns, and on the unique values of a column where a value has to be
interpreted (statuses, places, dates), never row by row in Python (data contract §1.3).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from ikuanalysis.config import normalize_key, normalize_value

_NIK_DROP = re.compile("[\\s\u00a0.\\-']")
_NIK_VALID = re.compile(r"^\d{16}$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (20000, 80000)  # spreadsheet serial numbers of 1954..2119
_UNREADABLE = object()
_MAX_COUNT = 2**53  # larger counts are typing errors (and would not fit the int64 columns)


def cell_to_text(value: object) -> str:
    """Return a cell as trimmed text: whole numbers without '.0', dates as ISO, blanks as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.replace("\xa0", " ").split())
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return " ".join(str(value).split())


def map_unique(values: pd.Series, func: Callable[[object], object]) -> pd.Series:
    """Apply ``func`` once per distinct value of ``values`` and broadcast the results."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques]
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def is_text_dtype(values: pd.Series) -> bool:
    """Whether a column holds only strings (CSV columns), so vectorised string ops apply."""
    return isinstance(values.dtype, pd.StringDtype)


def text_column(values: pd.Series) -> pd.Series:
    """Return a column of few distinct values as trimmed text (see :func:`cell_to_text`).

    Each distinct value is converted once; the result is an object column.
    """
    return map_unique(values, cell_to_text)


def name_column(values: pd.Series) -> pd.Series:
    """Return a column of many distinct values (names) as trimmed Arrow strings."""
    if is_text_dtype(values):
        return values.fillna("").str.strip()
    return map_unique(values, cell_to_text).astype("str")


def key_column(text: pd.Series) -> pd.Series:
    """Vectorised :func:`ikuanalysis.config.normalize_key` of a text column."""
    return text.astype("str").str.lower().str.replace(r"[^0-9a-z]+", "", regex=True)


def nik_column(values: pd.Series) -> pd.Series:
    """Return the NIK digits of a column (see :func:`normalize_nik`)."""
    if is_text_dtype(values):
        values = values.fillna("")
        dirty = match_regex(values, _NIK_DROP.pattern)  # most NIKs are clean: fix only the others
        if dirty.any():
            values = values.copy()
            values[dirty] = values[dirty].str.replace(_NIK_DROP.pattern, "", regex=True)
        return values
    return map_unique(values, normalize_nik).astype("str")


def _place_lookup(canonical: list[str], aliases: dict[str, str]) -> dict[str, str]:
    lookup = {normalize_key(name): name for name in canonical}
    lookup.update({normalize_key(alias): target for alias, target in aliases.items()})
    return lookup


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    lowered = text.lower()
    for prefix in sorted(prefixes, key=len, reverse=True):
        if lowered.startswith(prefix.lower()):
            return text[len(prefix):]
    return text


def resolve_places(
    values: pd.Series, canonical: list[str], aliases: dict[str, str], prefixes: tuple[str, ...]
) -> pd.Series:
    """Resolve place names to their canonical spelling; unresolved values become NA.

    Case, spaces, punctuation, a leading "Kec."/"Kecamatan" (or "Kel."/"Kelurahan") and
    the alternate spellings of ``config/wilayah_alias.csv`` do not matter.
    """
    lookup = _place_lookup(canonical, aliases)

    def resolve(text: object) -> object:
        key = normalize_key(_strip_prefix(str(text).strip(), prefixes))
        return lookup.get(key, pd.NA)

    return map_unique(values, resolve)


def _jenis_key(text: str) -> str:
    # Official spelling since PP 2/2018 is "telantar"; registers use both.
    return normalize_key(text).replace("terlantar", "telantar")


def resolve_jenis(values: pd.Series, reference: tuple[str, ...], aliases: dict[str, str]) -> pd.Series:
    """Resolve jenis against a reference list; unknown (or blank) values become NA."""
    lookup = {_jenis_key(name): name for name in reference}
    lookup.update({_jenis_key(a): t for a, t in aliases.items() if t in reference})
    return map_unique(values, lambda v: lookup.get(_jenis_key(str(v)), pd.NA))


def parse_status(values: pd.Series, lookup: dict[str, bool]) -> pd.Series:
    """Map status values to True/False; blank -> False; unknown -> NA (an error)."""

    def parse(value: object) -> object:
        text = normalize_value(cell_to_text(value))
        if text == "":
            return False
        return lookup.get(text, pd.NA)

    return map_unique(values, parse)


def parse_date(value: object, months: dict[str, int]) -> object:
    """Parse one date cell: a spreadsheet date, a serial number, or day-first text.

    Returns:
        A ``datetime.date``, ``None`` for a blank cell, or ``_UNREADABLE``.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if np.isnan(value):
            return None
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return _UNREADABLE
    text = cell_to_text(value).lower()
    if text == "":
        return None
    try:
        if match := _DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
        elif match := _YMD.match(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _D_MONTH_Y.match(text):
            day, year = int(match.group(1)), int(match.group(3))
            month = months.get(match.group(2))
            if month is None:
                return _UNREADABLE
        else:
            return _UNREADABLE
        return dt.date(year, month, day)
    except ValueError:  # 31/02/2025
        return _UNREADABLE


def parse_dates(values: pd.Series, months: dict[str, int]) -> tuple[pd.Series, pd.Series]:
    """Parse a date column once per distinct value.

    Returns:
        ``(dates, unreadable)``: dates as ``datetime64[s]`` (NaT for blank or unreadable
        cells) and a mask of the unreadable ones.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    parsed = [parse_date(u, months) for u in uniques]
    is_unreadable = np.array([p is _UNREADABLE for p in parsed], dtype=bool)
    as_dates = pd.to_datetime(
        pd.Series([p if isinstance(p, dt.date) else None for p in parsed], dtype=object)
    ).astype("datetime64[s]").to_numpy()
    return (
        pd.Series(as_dates[codes], index=values.index),
        pd.Series(is_unreadable[codes], index=values.index),
    )


def normalize_nik(value: object) -> str:
    """Return a NIK's digits: number cells as digits; spaces, dots, dashes, apostrophes removed."""
    if isinstance(value, float) and not np.isnan(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _NIK_DROP.sub("", cell_to_text(value))


def parse_count(value: object) -> object:
    """Parse a whole number written the Indonesian way ('1.234'); NA when not a whole number >= 0."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value) if float(value).is_integer() and value >= 0 else None
    else:
        text = cell_to_text(value).replace(" ", "")
        number = int(text.replace(".", "")) if re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", text) else None
    return pd.NA if number is None or number > _MAX_COUNT else number


def summary_pattern(prefixes: tuple[str, ...]) -> str:
    """Return the regex of a cell that starts a summary row ("Jumlah", "Sub Total", ...)."""
    words = "|".join("[\\s\u00a0]*".join(re.escape(w) for w in p.lower().split()) for p in prefixes)
    # RE2 (pyarrow) has no look-ahead, and its "\s" is ASCII only: the no-break space is explicit.
    return "(?i)^[\\s\u00a0]*(?:" + words + ")(?:[^a-z]|$)"


def match_regex(values: pd.Series, pattern: str) -> np.ndarray:
    """Return where ``pattern`` (RE2 syntax) matches a text column, as a boolean array.

    Arrow string columns use pyarrow's RE2 kernel directly (several times faster than the
    pandas accessor); other columns are converted to text first. Missing values never match.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    matched = pc.match_substring_regex(pa.array(_as_text(values).array), pattern)  # zero-copy for Arrow strings
    return np.asarray(matched.fill_null(False), dtype=bool)


def _as_text(values: pd.Series) -> pd.Series:
    """Return a column as strings, keeping CSV's Arrow strings as they are (no copy)."""
    return values if isinstance(values.dtype, pd.StringDtype) else values.astype("str")


