"""Interpret register cells: text, names, NIK, places, jenis, status, dates and counts.

Each rule works on whole columns, and on the unique values of a column where a value has to be
interpreted (statuses, places, dates), never row by row in Python (data contract §1.3).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from ikuanalysis.config import normalize_key, normalize_value

# What a NIK's digits may be written with (contract §1.3: spaces, dots, dashes, a leading apostrophe),
# as Word and phones type them too: no-break, thin and zero-width spaces, the BOM, en and em dashes,
# the minus sign, curly apostrophes. One pattern for Python's re and Arrow's RE2.
_NIK_DROP = re.compile("[\\s\u00a0\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff.\u00b7\u2024\\-"
                       "\u2010-\u2015\u2212'\u2018\u2019\u201b`\u00b4]")
_NOT_LETTER_OR_DIGIT = r"[^\pL\pN\pM]+"  # RE2: any script's letters, digits and combining marks are kept
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
# "5 Maret 2025", "13 Des. 2023", "13-Des-2023" (day first; the month's name or abbreviation).
_D_MONTH_Y = re.compile(r"^(\d{1,2})(?:\s+|\s*[-/]\s*)([a-z]+)\.?(?:\s+|\s*[-/]\s*)(\d{4})$")
_WHOLE_NUMBER = re.compile(r"^\d{1,6}$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (20000, 80000)  # spreadsheet serial numbers of 1954..2119
_YEAR_RANGE = (1900, 2199)  # a whole number in this range in a date column is a bare year
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


def factorize_values(values: pd.Series, as_arrow: bool = False) -> tuple[np.ndarray, object]:
    """Return ``(codes, distinct values)`` of a column, in first-seen order; a missing value is one of them.

    ``pd.factorize`` without the missing-value sentinel; a categorical column gives its own
    codes (no hashing), and Arrow string columns are encoded by Arrow's dictionary kernel, about
    twice as fast on a million cells.

    Args:
        values: The column.
        as_arrow: Return the distinct values of an Arrow string column as an Arrow array
            (any other column's as a NumPy object array).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        uniques = values.cat.categories.to_numpy(dtype=object)
        if (codes < 0).any():  # a missing cell: one more distinct value
            codes[codes < 0] = len(uniques)
            uniques = np.append(uniques, np.array([np.nan], dtype=object))
        return codes, uniques
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow" and len(values):
        import pyarrow as pa
        import pyarrow.compute as pc

        array = pa.array(values.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        encoded = pc.dictionary_encode(array, null_encoding="encode")
        codes = np.asarray(encoded.indices, dtype=np.int64)
        if as_arrow:  # the distinct values stay an Arrow array: no Python string is made for them
            return codes, encoded.dictionary
        return codes, np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def map_unique(values: pd.Series, func: Callable[[object], object]) -> pd.Series:
    """Apply ``func`` once per distinct value of ``values`` and broadcast the results."""
    codes, uniques = factorize_values(values)
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


def text_cells(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return a column of few distinct values as trimmed text, and its spreadsheet error cells.

    The text (see :func:`cell_to_text`) is a categorical Series: one hashing pass over the
    column, then every later rule (blank, error value, status, place, summary word) works on
    its distinct texts and reaches the rows through integer codes. The error check
    (:func:`excel_error_cells`) costs nothing per row.
    """
    codes, uniques = factorize_values(values)
    # Distinct cells may read as one text (" Pahandut" and "Pahandut"): the categories are the texts.
    text_codes, texts = pd.factorize(pd.Series([cell_to_text(u) for u in uniques], dtype=object))
    row_codes = text_codes[codes] if len(codes) else codes
    categories = pd.Index(np.asarray(texts, dtype=object), dtype=object)
    errors = np.array([t in _EXCEL_ERROR_SET for t in categories], dtype=bool)
    return (pd.Series(pd.Categorical.from_codes(row_codes, categories=categories), index=values.index),
            pd.Series(errors[row_codes] if len(categories) else np.zeros(len(codes), dtype=bool), index=values.index))


def name_column(values: pd.Series) -> pd.Series:
    """Return a column of many distinct values (names) as trimmed Arrow strings."""
    if is_text_dtype(values):
        return values.fillna("").str.strip()
    return map_unique(values, cell_to_text).astype("str")


def identity_key(text: object) -> str:
    """Return the identity key of a name or place (data contract §1.4).

    Unicode NFKC, case folded, and only the letters, digits and combining marks of every
    script kept, each run of anything else (spaces, punctuation) one space between words:
    ``"Siti  Aminah"``, ``"SITI-AMINAH"`` and ``"siti aminah"`` give one key; ``"Nur Aini"`` and
    ``"Nuraini"``, or ``"张伟"`` and ``"李娜"``, two (whitespace collapsed, never dropped).
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", str(text)).casefold())
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in folded)
    return " ".join(kept.split())


def key_column(text: pd.Series) -> pd.Series:
    """Vectorised :func:`identity_key` of a text column (one RE2 pass; Python only for non-ASCII cells).

    ASCII cells (nearly all Indonesian names) are lower-cased by Arrow; only the others are NFKC
    normalised and case folded by Python (``str.casefold``); then in every cell each run of what is
    not a letter (``\\pL``), digit (``\\pN``) or combining mark (``\\pM``; vowel signs of Indic
    scripts) becomes one space, in one RE2 pass, and the ends are trimmed: two different names never
    share a key.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = _as_text(text).fillna("")
    array = pa.array(text.array)  # zero-copy for Arrow strings
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    other = pc.invert(pc.string_is_ascii(array))
    array = pc.ascii_lower(array)
    if len(array) and pc.any(other).as_py():
        folded = [unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", v).casefold())
                  for v in array.filter(other).to_pylist()]
        array = pc.replace_with_mask(array, other, pa.array(folded, type=array.type))
    keys = pc.utf8_trim(pc.replace_substring_regex(array, _NOT_LETTER_OR_DIGIT, " "), " ")
    return pd.Series(pd.array(keys, dtype="str"), index=text.index)


def nik_cells(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return the NIK digits of a column (see :func:`normalize_nik`) and which cells were numbers.

    Returns:
        ``(digits, from_number)``: the digits as text, and a boolean mask of the number cells
        (workbooks only: a CSV holds text).
    """
    if is_text_dtype(values):
        return _text_nik_digits(values.fillna("")), pd.Series(False, index=values.index)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    digits = np.array([normalize_nik(u) for u in uniques], dtype=object)
    numbers = np.array([_is_number(u) for u in uniques], dtype=bool)
    return (pd.Series(digits[codes], index=values.index, dtype="str"),
            pd.Series(numbers[codes], index=values.index))


def _text_nik_digits(values: pd.Series) -> pd.Series:
    """Return a text column of NIKs without spaces, dots, dashes and apostrophes (Arrow kernels).

    Most NIKs are clean: a cell of ASCII digits only is kept as it is, and the regex runs over
    the other cells alone (a tenth of the cost of running it over every cell).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(_as_text(values).array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    maybe_dirty = pc.invert(pc.ascii_is_decimal(array)).fill_null(False)
    if not len(array) or not pc.any(maybe_dirty).as_py():
        return values
    others = array.filter(maybe_dirty)
    cleaned = pc.replace_substring_regex(others, _NIK_DROP.pattern, "")
    still_other = pc.invert(pc.string_is_ascii(cleaned)).fill_null(False)
    if pc.any(still_other).as_py():  # other scripts' digits (a few cells at most): one Python call each
        folded = [fold_digits(text) for text in cleaned.filter(still_other).to_pylist()]
        cleaned = pc.replace_with_mask(cleaned, still_other, pa.array(folded, type=cleaned.type))
    if cleaned.equals(others):
        return values
    digits = pc.replace_with_mask(array, maybe_dirty, cleaned)
    return pd.Series(pd.array(digits, dtype=values.dtype), index=values.index)


def nik_column(values: pd.Series) -> pd.Series:
    """Return the NIK digits of a column (see :func:`normalize_nik`)."""
    return nik_cells(values)[0]


def is_nik_shaped(digits: pd.Series) -> pd.Series:
    """Which cells are exactly 16 ASCII digits (a NIK's or a No. KK's shape; data contract §1.3).

    Two Arrow kernels (length and ASCII digits) instead of a regex over every cell.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(_as_text(digits).array)
    shaped = pc.and_(pc.equal(pc.binary_length(array), 16), pc.ascii_is_decimal(array))
    return pd.Series(np.asarray(shaped.fill_null(False), dtype=bool), index=digits.index)


def nik_may_have_lost_digit(digits: pd.Series, from_number: pd.Series) -> pd.Series:
    """Which NIKs are 16 digits read from a number cell and end in 0 (data contract §1.3).

    Excel keeps 15 significant digits: a 16-digit NIK typed into a number cell is stored with
    0 for its last digit, so such a NIK may not be the person's. A number cell not ending in
    0 holds the digits exactly (written by a program, not typed).
    """
    if not from_number.any():
        return pd.Series(False, index=digits.index)
    return from_number & digits.str.fullmatch(r"\d{15}0").fillna(False).astype(bool)


def _is_number(value: object) -> bool:
    """Whether a cell is a number (not a boolean, not NaN)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not np.isnan(value)


# Error values of spreadsheet formulas (Excel; LibreOffice writes the same codes in xlsx). The
# first seven are those of the data contract §1.3; the others come from newer Excel versions.
EXCEL_ERRORS = ("#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
                "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA",
                "#PYTHON!")
_EXCEL_ERROR_SET = frozenset(EXCEL_ERRORS)
_OTHER_ERROR = "#VALUE!"


def excel_error_text(raw: object) -> str:
    """Return the text an error cell of a workbook is read as: its code, else ``#VALUE!``.

    A workbook stores the code of an error cell (``<v>#N/A</v>`` in xlsx); LibreOffice writes
    the code of its own language in ods (``#NV``), which is read as ``#VALUE!`` so that the
    cell is still an error.
    """
    text = "" if raw is None else str(raw).strip()
    return text if text in _EXCEL_ERROR_SET else _OTHER_ERROR


def excel_error_cells(text: pd.Series) -> pd.Series:
    """Which cells of a column (as trimmed text) hold a spreadsheet error value (data contract §1.3).

    An error cell of a workbook is read as its code (see :func:`excel_error_text`), and a CSV
    exported from Excel writes the code as text: both are exactly one of :data:`EXCEL_ERRORS`.
    A column of few distinct values is checked faster by :func:`text_cells`.
    """
    return pd.Series(text.isin(EXCEL_ERRORS).to_numpy(dtype=bool), index=text.index)


def _place_lookup(canonical: list[str], aliases: dict[str, str], codes: dict[str, str] | None = None) -> dict[str, str]:
    lookup = {normalize_key(name): name for name in canonical}
    lookup.update({normalize_key(alias): target for alias, target in aliases.items()})
    # A code is matched by its digits: "62.71.01", "627101", "62 71 01" and "62-71-01" are one code.
    lookup.update({normalize_key(code): target for code, target in (codes or {}).items()})
    return lookup


def prefix_pattern(prefixes: tuple[str, ...]) -> re.Pattern | None:
    """The leading word of a place (``Kec.``, ``Kecamatan``) as written: with or without its full
    stop, then any colon, dash or spaces (``Kec Pahandut``, ``Kec: Pahandut``, ``KEC - Jekan Raya``).
    A word must end there: ``Kel`` is not stripped from ``Kelampangan``."""
    words = sorted({p.strip().rstrip(".:").strip() for p in prefixes if p.strip(" .:")}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"^\s*(?:{alternatives})(?:\.|\b)[\s.:\-\u2013\u2014]*", re.IGNORECASE)


def _strip_prefix(text: str, prefix: re.Pattern | None) -> str:
    return text if prefix is None else prefix.sub("", text, count=1)


def resolve_places(
    values: pd.Series, canonical: list[str], aliases: dict[str, str], prefixes: tuple[str, ...],
    codes: dict[str, str] | None = None,
) -> pd.Series:
    """Resolve place names (or codes) to their canonical spelling; unresolved values become NA.

    Case, spaces, punctuation, a leading "Kec."/"Kec"/"Kecamatan" (or "Kel."/"Kelurahan"/"Desa",
    see :func:`prefix_pattern`) and the alternate spellings of ``config/wilayah_alias.csv`` do not matter.

    Args:
        values: The cells as text.
        canonical: The canonical names.
        aliases: Alternate spelling -> canonical name.
        prefixes: Leading words stripped before matching.
        codes: Official code -> canonical name (the Kemendagri codes of ``config/wilayah.csv``,
            ``62.71.01``). A code matches with or without its dots (``627101``), since its digits
            identify it; any other number (a code of another region, a BPS code) does not match.
    """
    return map_unique(values, place_resolver(canonical, aliases, prefixes, codes))


def place_resolver(canonical: list[str], aliases: dict[str, str], prefixes: tuple[str, ...],
                   codes: dict[str, str] | None = None) -> Callable[[object], object]:
    """Return the function that resolves one place name or code (see :func:`resolve_places`)."""
    lookup = _place_lookup(canonical, aliases, codes)
    prefix = prefix_pattern(prefixes)

    def resolve(text: object) -> object:
        written = str(text).strip()
        found = lookup.get(normalize_key(_strip_prefix(written, prefix)), pd.NA)
        # A place whose own name starts with such a word is found as written.
        return found if found is not pd.NA else lookup.get(normalize_key(written), pd.NA)

    return resolve


def _jenis_key(text: str) -> str:
    # Official spelling since PP 2/2018 is "telantar"; registers use both.
    return normalize_key(text).replace("terlantar", "telantar")


def resolve_jenis(values: pd.Series, reference: tuple[str, ...], aliases: dict[str, str]) -> pd.Series:
    """Resolve jenis against a reference list; unknown (or blank) values become NA."""
    return map_unique(values, jenis_resolver(reference, aliases))


def jenis_resolver(reference: tuple[str, ...], aliases: dict[str, str]) -> Callable[[object], object]:
    """Return the function that resolves one jenis (see :func:`resolve_jenis`)."""
    lookup = {_jenis_key(name): name for name in reference}
    lookup.update({_jenis_key(a): t for a, t in aliases.items() if t in reference})
    return lambda value: lookup.get(_jenis_key(str(value)), pd.NA)


def resolve_or_keep(values: pd.Series, resolve: Callable[[object], object]) -> tuple[pd.Series, pd.Series]:
    """Return each cell as ``resolve`` spells it, or as written where it resolves to NA, and where it resolved.

    Decided once per distinct cell; the column is made by one Arrow take (``str``, '' for a blank
    cell): no Python object per row. On a million rows the object column, its ``where`` and its
    conversion to text took ≈0,4 s.

    Returns:
        ``(text, is_known)``, both aligned with ``values``.
    """
    import pyarrow as pa

    codes, uniques = factorize_values(values)
    resolved = [resolve(u) for u in uniques]
    is_known = np.array([r is not pd.NA and r is not None for r in resolved], dtype=bool)
    shown = pa.array([str(r) if known else cell_to_text(u) for r, known, u in zip(resolved, is_known, uniques)],
                     type=pa.string())
    text = pd.Series(pd.array(shown.take(pa.array(codes, type=pa.int64())), dtype="str"), index=values.index)
    return text, pd.Series(is_known[codes] if len(codes) else np.zeros(0, dtype=bool), index=values.index)


def parse_status(values: pd.Series, lookup: dict[str, bool]) -> pd.Series:
    """Map status values to True/False; blank -> False; unknown -> NA (an error)."""

    def parse(value: object) -> object:
        text = normalize_value(cell_to_text(value))
        if text == "":
            return False
        return lookup.get(text, pd.NA)

    return map_unique(values, parse)


def status_masks(values: pd.Series, lookup: dict[str, bool]) -> tuple[np.ndarray, np.ndarray]:
    """Return :func:`parse_status` of a column as two boolean arrays: handled, and not understood.

    Each distinct value is parsed once; the rows get their answer through integer codes.
    """
    codes, uniques = factorize_values(values)
    parsed = [lookup.get(text, None) if (text := normalize_value(cell_to_text(u))) else False for u in uniques]
    yes = np.array([p is True for p in parsed] + [False], dtype=bool)
    unknown = np.array([p is None for p in parsed] + [False], dtype=bool)
    return yes[codes], unknown[codes]  # a missing code (-1) reads the last entry: not handled, understood


class DateCell(NamedTuple):
    """One date cell as read (data contract §1.3, ``tanggal``).

    Attributes:
        kind: ``"date"`` (a date cell or day-first text), ``"serial"`` (a number in a General
            cell, read as an Excel date serial), ``"year"`` (a bare year such as ``2025``),
            ``"blank"`` or ``"unreadable"``.
        date: The date, for ``"date"`` and ``"serial"``.
        year: The year the cell names: the date's, or the bare year.
    """

    kind: str
    date: dt.date | None = None
    year: int | None = None


_BLANK_DATE = DateCell("blank")
_UNREADABLE_DATE = DateCell("unreadable")


def _number_as_date(number: float) -> DateCell:
    """Read a number in a date column: an Excel date serial, a bare year, or unreadable."""
    if _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(number))
        return DateCell("serial", day, day.year)
    if float(number).is_integer() and _YEAR_RANGE[0] <= number <= _YEAR_RANGE[1]:
        return DateCell("year", None, int(number))
    return _UNREADABLE_DATE


def read_date(value: object, months: dict[str, int]) -> DateCell:
    """Read one date cell: a spreadsheet date, day-first text, a date serial or a bare year.

    Text is ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``yyyy-mm-dd`` (a time may follow)
    or ``d Month yyyy`` with an Indonesian month name or abbreviation from ``months``
    (``5 Maret 2025``, ``13 Des 2023``, ``5 Agt. 2025``, ``13-Des-2023``). A number (a General
    cell, or its digits in a CSV) between 20000 and 80000 is an Excel date serial; a whole
    number between 1900 and 2199 is a bare year.

    Args:
        value: The cell as read.
        months: Lower-case month names and abbreviations -> month number (``config/aliases.yml``).
    """
    if isinstance(value, dt.datetime):
        return DateCell("date", value.date(), value.year)
    if isinstance(value, dt.date):
        return DateCell("date", value, value.year)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _BLANK_DATE if np.isnan(value) else _number_as_date(value)
    text = cell_to_text(value).lower()
    if text == "":
        return _BLANK_DATE
    if _WHOLE_NUMBER.match(text):  # a General cell's number exported to CSV
        return _number_as_date(int(text))
    try:
        if match := _DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
        elif match := _YMD.match(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _D_MONTH_Y.match(text):
            day, year = int(match.group(1)), int(match.group(3))
            month = months.get(match.group(2))
            if month is None:
                return _UNREADABLE_DATE
        else:
            return _UNREADABLE_DATE
        return DateCell("date", dt.date(year, month, day), year)
    except ValueError:  # 31/02/2025
        return _UNREADABLE_DATE


def parse_date(value: object, months: dict[str, int]) -> object:
    """Parse one date cell (see :func:`read_date`).

    Returns:
        A ``datetime.date``, ``None`` for a cell without a date (blank, or a bare year), or
        ``_UNREADABLE``.
    """
    cell = read_date(value, months)
    return _UNREADABLE if cell.kind == "unreadable" else cell.date


class ParsedDates(NamedTuple):
    """A date column as read (see :func:`parse_dates`); every Series is aligned with the column."""

    dates: pd.Series  # datetime64[s]; NaT when blank, a bare year or unreadable
    unreadable: pd.Series  # bool
    serial: pd.Series  # bool: a number read as an Excel date serial
    year_only: pd.Series  # bool: a bare year (no date)
    year: pd.Series  # float: the year the cell names (its date's or the bare year), NaN when none


def parse_dates(values: pd.Series, months: dict[str, int]) -> ParsedDates:
    """Parse a date column once per distinct value (see :func:`read_date`)."""
    codes, uniques = factorize_values(values)
    parsed = [read_date(u, months) for u in uniques]
    kinds = np.array([p.kind for p in parsed], dtype=object)
    as_dates = pd.to_datetime(pd.Series([p.date for p in parsed], dtype=object)).astype("datetime64[s]").to_numpy()
    years = np.array([np.nan if p.year is None else p.year for p in parsed], dtype=float)

    def aligned(array: np.ndarray) -> pd.Series:
        return pd.Series(array[codes], index=values.index)

    return ParsedDates(
        dates=aligned(as_dates), unreadable=aligned(kinds == "unreadable"), serial=aligned(kinds == "serial"),
        year_only=aligned(kinds == "year"), year=aligned(years),
    )


def normalize_nik(value: object) -> str:
    """Return a NIK's digits: number cells as digits; spaces, dots, dashes, apostrophes removed;
    digits of other scripts (full-width, Arabic-Indic) as ASCII digits (:func:`fold_digits`)."""
    if isinstance(value, float) and not np.isnan(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return fold_digits(_NIK_DROP.sub("", cell_to_text(value)))


def fold_digits(text: str) -> str:
    """Return ``text`` with every decimal digit of another script as its ASCII digit.

    A NIK typed with a full-width keyboard layout (``６２７１…``) or pasted from a text in
    Arabic-Indic digits is the same number: read as such it is one identity with the NIK
    typed in ASCII, instead of an invalid NIK that splits the case.
    """
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


def parse_count(value: object) -> object:
    """Parse a whole number written the Indonesian way ('1.234'); NA when not a whole number >= 0."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value) if float(value).is_integer() and value >= 0 else None
    else:
        text = cell_to_text(value).replace(" ", "")
        number = int(text.replace(".", "")) if re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", text) else None
    return pd.NA if number is None or number > _MAX_COUNT else number


def summary_pattern(prefixes: tuple[str, ...], alone: bool = False) -> str:
    """Return the regex of a cell that starts a summary row ("Jumlah", "Sub Total", ...), or with
    ``alone`` of a cell holding nothing else than one of the words and a colon or a full stop."""
    # Between the words of a prefix, spaces, a hyphen or a full stop: Sub Total, Sub-Total, SubTotal.
    words = "|".join("[\\s\u00a0.\\-]*".join(re.escape(w) for w in p.lower().split()) for p in prefixes)
    # RE2 (pyarrow) has no look-ahead, and its "\s" is ASCII only: the no-break space is explicit.
    return "(?i)^[\\s\u00a0]*(?:" + words + (")[\\s\u00a0:.]*$" if alone else ")(?:[^a-z]|$)")


def match_regex(values: pd.Series, pattern: str) -> np.ndarray:
    """Return where ``pattern`` (RE2 syntax) matches a text column, as a boolean array.

    Arrow string columns use pyarrow's RE2 kernel directly (several times faster than the
    pandas accessor); other columns are converted to text first. Missing values never match.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values.dtype, pd.CategoricalDtype):  # the distinct texts only
        codes, texts = factorize_values(values)
        if not len(texts):
            return np.zeros(len(values), dtype=bool)
        is_text = np.array([isinstance(t, str) for t in texts], dtype=bool)  # a missing cell never matches
        texts = np.where(is_text, texts, "")
        return match_regex(pd.Series(texts, dtype="str"), pattern)[codes] & is_text[codes]
    matched = pc.match_substring_regex(pa.array(_as_text(values).array), pattern)  # zero-copy for Arrow strings
    return np.asarray(matched.fill_null(False), dtype=bool)


def _as_text(values: pd.Series) -> pd.Series:
    """Return a column as strings, keeping CSV's Arrow strings as they are (no copy)."""
    return values if isinstance(values.dtype, pd.StringDtype) else values.astype("str")


