"""Turn a component's register rows into cases: skip blank and summary rows, apply the value
rules, identify people (or households), merge duplicates and count (data contract §1.4).

Register text reaches the processed data only through :func:`generalize_as_written` (values kept
as written: jenis, kelurahan) and :func:`ikuanalysis.disclosure.redact_message` (file and sheet
names); every other text column written holds a canonical value (kecamatan) or is made here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from ikuanalysis.config import Component, Settings
from ikuanalysis.disclosure import OTHER, RegisterNames, is_rare, is_withheld, redact_message
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.layout import FLAG_PREFIX, ROW_AFTER_END, ROW_END, ROW_FOOTER, ROW_GROUP
from ikuanalysis.ingest.read import RawTable
from ikuanalysis.ingest.values import (
    excel_error_cells,
    factorize_values,
    identity_key,
    is_nik_shaped,
    key_column,
    map_unique,
    match_regex,
    name_column,
    nik_cells,
    nik_may_have_lost_digit,
    parse_dates,
    status_masks,
    jenis_resolver,
    place_resolver,
    resolve_or_keep,
    resolve_places,
    summary_pattern,
    text_cells,
)

CASE_COLUMNS = [
    "component", "case_id", "no_kk_hash", "jenis", "kecamatan", "kelurahan", "tanggal", "is_handled",
    "row_count", "source_file", "source_sheet", "source_row",
]
# The prefix of a household's identity (its No. KK): hashed into ``case_id`` of a household
# component and into ``no_kk_hash`` of every case with a valid No. KK.
HOUSEHOLD_PREFIX = "K:"


@dataclass(frozen=True)
class ComponentStats:
    """What happened to the rows of one component's registers."""

    component: str
    rows_in_files: int
    blank_rows: int
    summary_rows: int
    footer_rows: int
    group_rows: int
    rows_read: int
    excluded_other_year: int
    duplicates_merged: int
    cases: int
    handled: int
    blank_status: int
    blank_date: int
    invalid_nik: int
    unknown_jenis: int
    unknown_kelurahan: int


def clean_register(
    raw: RawTable, component: Component, settings: Settings, year: int, log: ProblemLog, *, withhold: bool = True,
) -> tuple[pd.DataFrame, ComponentStats, pd.Series]:
    """Clean the combined registers of one component.

    Args:
        raw: The component's rows as read by :mod:`ikuanalysis.load`.
        component: The component's configuration.
        settings: All configuration.
        year: The reporting year (rows dated in another year are excluded).
        log: Where problems are recorded.
        withhold: Add the register's names to the log's withheld names; False when the caller
            already did (:func:`ikuanalysis.ingest.year.clean_year` withholds every register's
            names before any is cleaned; at 10^6 names this costs a second).

    Returns:
        ``(rows, stats, identities)``: the kept rows (one per register row, before
        de-duplication) with interpreted values, the counts, and each kept row's case
        identity (NIK or name + place, or the No. KK of a household component; personal,
        never written out) with each case's No. KK.
    """
    frame = raw.frame
    register = register_text(frame)
    text, nik = register.text, register.nik
    problems = _RowProblems(log, raw.headers, register.error_cells)
    if withhold:
        log.withhold_names(text["nama"])  # this register's names: never quoted, never kept as written
    skipped = skip_blank_and_summary_rows(
        frame, text, nik, (*settings.vocabulary.summary_prefixes, settings.iku.organization.city), problems,
        settings.iku.organization.city_names,
    )
    data, is_blank, is_summary = skipped.data, skipped.is_blank, skipped.is_summary
    problems.add_error_cells(frame[data], text, nik)
    rows = frame.loc[data, ["_file", "_sheet", "_row"]].copy()
    values = interpret_values(frame, data, rows, text, component, settings, year, raw.headers, problems)
    no_kk = usable_no_kk(rows, text["no_kk"][data], register.no_kk_from_number[data], component.is_household,
                         problems)
    if component.is_household:
        identity = identify_households(rows, no_kk)
        invalid_nik, _ = check_nik(rows, nik[data], register.nik_from_number[data], problems, household=True)
    else:
        identity, invalid_nik = identify_cases(
            rows, text["nama"][data], nik[data], register.nik_from_number[data], values.kecamatan, values.kelurahan,
            problems,
        )
    rows["jenis"] = values.jenis.fillna("").astype("str")
    rows["kecamatan"] = values.kecamatan.astype("object")
    rows["kelurahan"] = values.kelurahan.astype("str")
    rows["tanggal"] = values.dates
    rows["is_handled"] = values.status.fillna(False).astype(bool)

    is_kept = ~values.other_year
    every_row_kept = bool(is_kept.all())

    def keep(values):  # an all-true mask would copy a million rows for nothing (the usual year)
        return values if every_row_kept else values[is_kept]

    rows = keep(rows)
    identity = identity if every_row_kept else identity.of_rows(is_kept)
    duplicated, identities = group_duplicates(rows, identity, problems, household=component.is_household)
    identities = identities.with_households(keep(no_kk))
    k = settings.iku.policies.disclosure_k
    rows, withheld, rare = generalize_as_written(rows, "jenis", keep(values.unknown_jenis), identities.codes, k, log.names)
    problems.add_rows("jenis_generalized", rows[withheld], "jenis", variant="withheld")
    problems.add_rows("jenis_generalized", rows[rare], "jenis", k=k)
    rows, withheld, rare = generalize_as_written(
        rows, "kelurahan", keep(values.unknown_kelurahan), identities.codes, k, log.names
    )
    problems.add_rows("kelurahan_generalized", rows[withheld], "kelurahan", variant="withheld")
    problems.add_rows("kelurahan_generalized", rows[rare], "kelurahan", k=k)
    stats = ComponentStats(
        component=component.id,
        rows_in_files=len(frame) + raw.unread_blank_rows,
        blank_rows=int(is_blank.sum()) + raw.unread_blank_rows,
        summary_rows=int(is_summary.sum()),
        footer_rows=int(skipped.is_footer.sum()),
        group_rows=int(skipped.is_group.sum()),
        rows_read=int(data.sum()),
        excluded_other_year=int(values.other_year.sum()),
        duplicates_merged=int(duplicated.sum()),
        cases=int((~duplicated).sum()),
        handled=int(identities.any_per_case(rows["is_handled"]).sum()),
        blank_status=int(values.blank_status.sum()),
        blank_date=int(values.blank_date.sum()),
        invalid_nik=int(invalid_nik.sum()),
        unknown_jenis=int(values.unknown_jenis.sum()),
        unknown_kelurahan=int(values.unknown_kelurahan.sum()),
    )
    return rows, stats, identities


@dataclass(frozen=True)
class _RowProblems:
    """Records problems of register rows, citing each column by its header as written.

    Attributes:
        log: Where the problems go.
        headers: For each (file, sheet), the header as written of each canonical column.
        error_cells: For each column holding spreadsheet error values (#N/A, …), the mask of
            those cells over the register's rows. An error cell is reported once, as such
            (:meth:`add_error_cells`): no other problem is recorded for that cell.
    """

    log: ProblemLog
    headers: dict
    error_cells: dict[str, pd.Series] = field(default_factory=dict)

    def add_rows(self, code: str, rows: pd.DataFrame, column: str = "", values=None, **params) -> None:
        """Record problem ``code`` for each of ``rows`` (see :meth:`ProblemLog.add_rows`)."""
        cells = self.error_cells.get(column)
        if cells is not None and code != "excel_error" and not rows.empty:
            rows = rows[~cells.loc[rows.index].to_numpy(dtype=bool)]
        self.log.add_rows(code, _with_headers(rows, self.headers, column), column=column, values=values, **params)

    def add_error_cells(self, rows: pd.DataFrame, text: dict[str, pd.Series], nik: pd.Series) -> None:
        """Record every error cell of ``rows`` (the data rows) as an error at its cell."""
        for column, cells in self.error_cells.items():
            values = nik if column == "nik" else text[column]
            self.add_rows("excel_error", rows[cells.loc[rows.index].to_numpy(dtype=bool)], column, values)


class RegisterText(NamedTuple):
    """The cells of a register as text (see :func:`register_text`); Series aligned with its rows."""

    text: dict[str, pd.Series]  # column -> trimmed text (nik apart; ``no_kk`` holds the No. KK digits)
    nik: pd.Series  # the NIK digits
    nik_from_number: pd.Series  # bool: the NIK was a number cell
    error_cells: dict[str, pd.Series]  # column -> mask of its spreadsheet error cells (only columns having some)
    no_kk_from_number: pd.Series  # bool: the No. KK was a number cell


def register_text(frame: pd.DataFrame) -> RegisterText:
    """Return the cells of a register as text, with the NIK digits and the spreadsheet error cells.

    Columns with few distinct values (places, jenis, status, tanggal) are interpreted once per
    value, here and later; nama, nik and no_kk (one per person or household) stay Arrow strings,
    handled with vectorised kernels. The No. KK is normalised as a NIK is (spaces, dots, dashes,
    apostrophes removed; a number cell read as its digits). Data contract §1.3: an error cell
    (#N/A, …: a workbook's, or its code as text in a CSV) in any column the tool uses is an error
    at its cell, never a blank. A frame without a ``no_kk`` column reads as one with it blank.
    """
    text, errors = {}, {}
    flags = [c for c in frame.columns if isinstance(c, str) and c.startswith(FLAG_PREFIX)]
    for col in ("jenis", "kecamatan", "kelurahan", "status", "tanggal", *flags):
        text[col], errors[col] = text_cells(frame[col])
    text["nama"] = name_column(frame["nama"])
    errors["nama"] = excel_error_cells(text["nama"])
    nik, from_number = nik_cells(frame["nik"])
    errors["nik"] = excel_error_cells(nik)
    no_kk = frame["no_kk"] if "no_kk" in frame else pd.Series("", index=frame.index, dtype="str")
    text["no_kk"], kk_from_number = nik_cells(no_kk)
    errors["no_kk"] = excel_error_cells(text["no_kk"])
    return RegisterText(text, nik, from_number, {col: cells for col, cells in errors.items() if cells.any()},
                        kk_from_number)


def is_city_total(kecamatan: pd.Series, city_names: tuple[str, ...]) -> np.ndarray:
    """Where a kecamatan cell is the city's name alone (``PALANGKA RAYA``): the city's total row.

    Only alone and only in this column: a lembaga named "Palangka Raya Peduli" is data.
    """
    if not city_names:
        return np.zeros(len(kecamatan), dtype=bool)
    return match_regex(kecamatan, summary_pattern(city_names, alone=True))


class SkippedRows(NamedTuple):
    """Boolean masks over a register's rows: the data rows and why the others were skipped."""

    data: pd.Series
    is_blank: pd.Series
    is_summary: pd.Series
    is_footer: pd.Series  # footers, the ### end marker and the rows below it
    is_group: pd.Series


def skip_blank_and_summary_rows(
    frame: pd.DataFrame, text: dict[str, pd.Series], nik: pd.Series, summary_prefixes: tuple[str, ...],
    problems: _RowProblems, city_names: tuple[str, ...] = (),
) -> SkippedRows:
    """Find the data rows (contract §1.4): not fully blank, not a summary row (Jumlah, Total, the
    city's name ...), not a footer, an end marker or a group row found by the reader; logged.

    Args:
        summary_prefixes: Words that start a summary row in ``nama`` or ``kecamatan`` (the reader
            has checked the row's first text cell with the same words).
        city_names: The city's names (``Kota Palangka Raya``, ``Palangka Raya``): a kecamatan
            cell holding one of them and nothing else is the city's total.
    """
    columns = [values for col, values in text.items() if not col.startswith(FLAG_PREFIX)]
    all_blank = nik == ""
    for values in columns:
        all_blank &= values == ""
    pattern = summary_pattern(summary_prefixes)
    is_summary = pd.Series(
        match_regex(frame["_first_text"], pattern) | match_regex(text["nama"], pattern)
        | match_regex(text["kecamatan"], pattern) | is_city_total(text["kecamatan"], city_names),
        index=frame.index,
    )
    kind = frame["_kind"]
    is_end, is_after = kind == ROW_END, kind == ROW_AFTER_END
    is_summary &= ~(is_end | is_after)  # the data end at ###: a total below it is not read
    is_footer = (kind == ROW_FOOTER) & ~is_summary
    is_group = (kind == ROW_GROUP) & ~is_summary
    skipped = is_summary | is_footer | is_group | is_end | is_after
    is_blank = all_blank & ~skipped
    problems.add_rows("summary_row", frame[is_summary])
    problems.add_rows("footer_row", frame[is_footer])
    problems.add_rows("group_row", frame[is_group])
    for (file, sheet), ends in frame[is_end].groupby(["_file", "_sheet"], sort=False):
        below = is_after & (frame["_file"] == file) & (frame["_sheet"] == sheet)
        problems.add_rows("end_marker", ends.iloc[:1], rows_below=int(below.sum()))
    return SkippedRows(~(skipped | is_blank), is_blank, is_summary, is_footer | is_end | is_after, is_group)


@dataclass(frozen=True)
class InterpretedValues:
    """The values of a register's data rows as the data contract reads them (§1.2).

    Series are aligned with the data rows unless noted; masks flag the rows with a problem.
    """

    status: pd.Series  # True/False, NA when not recognised
    blank_status: pd.Series  # over all rows of the register
    kecamatan: pd.Series  # canonical name, NA when not recognised
    kelurahan: pd.Series  # canonical name, or as written when not recognised ('' when blank)
    unknown_kelurahan: pd.Series
    jenis: pd.Series  # from the reference list, or as written
    unknown_jenis: pd.Series
    dates: pd.Series
    blank_date: pd.Series
    other_year: pd.Series


def interpret_values(
    frame: pd.DataFrame, data: pd.Series, rows: pd.DataFrame, text: dict[str, pd.Series],
    component: Component, settings: Settings, year: int, headers: dict, problems: _RowProblems,
) -> InterpretedValues:
    """Interpret status, places, jenis and dates of the data rows, logging what is not understood."""
    vocab, geo = settings.vocabulary, settings.geography
    status, blank_status = interpret_status(frame, data, rows, text, vocab.status_lookup, headers, problems)

    kecamatan = resolve_places(
        text["kecamatan"][data], list(geo.kecamatan), geo.aliases["kecamatan"], vocab.place_prefixes["kecamatan"],
        geo.kecamatan_codes,
    )
    # A blank cell gets its own words: "not recognised" sends the evaluator looking for a misspelling,
    # and such a row is often not data at all (a signature under the table, typed in the NIK column).
    is_unknown = kecamatan.isna().to_numpy(dtype=bool)
    is_blank = (text["kecamatan"][data] == "").to_numpy(dtype=bool)
    problems.add_rows("unknown_kecamatan", rows[is_unknown & is_blank], "kecamatan", text["kecamatan"],
                      variant="blank", known=geo.kecamatan_listing)
    problems.add_rows("unknown_kecamatan", rows[is_unknown & ~is_blank], "kecamatan", text["kecamatan"],
                      known=geo.kecamatan_listing)
    # Kelurahan and jenis not recognised are kept as written (and logged).
    kelurahan, is_known_kel = resolve_or_keep(
        text["kelurahan"][data], place_resolver(list(geo.kelurahan), geo.aliases["kelurahan"], vocab.place_prefixes["kelurahan"])
    )
    unknown_kel = ~is_known_kel & (kelurahan != "")
    problems.add_rows("unknown_kelurahan", rows[unknown_kel], "kelurahan", text["kelurahan"])

    jenis, is_known_jenis = resolve_or_keep(
        text["jenis"][data], jenis_resolver(settings.jenis.lists[component.jenis_list], settings.jenis.aliases)
    )
    unknown_jenis = ~is_known_jenis
    problems.add_rows(
        "unknown_jenis", rows[unknown_jenis], "jenis", text["jenis"],
        jenis_list=component.jenis_list.upper(), component=component.id,
    )
    dates, blank_date, other_year = interpret_dates(
        frame, data, rows, text["tanggal"], headers, year, vocab.months, problems
    )
    return InterpretedValues(
        status=status, blank_status=blank_status,
        kecamatan=kecamatan, kelurahan=kelurahan, unknown_kelurahan=unknown_kel, jenis=jenis, unknown_jenis=unknown_jenis,
        dates=dates, blank_date=blank_date, other_year=other_year,
    )


def _log_unknown_status(problems: _RowProblems, rows: pd.DataFrame, unknown: np.ndarray, column: str,
                        text: pd.Series) -> None:
    """Log status values not understood; ``2`` (the BPS code for Tidak) with its own hint (contract §1.3).

    ``unknown`` is aligned with ``rows``; ``text`` (over all rows of the register) is trimmed already.
    """
    if not unknown.any():
        return
    unknown_rows = rows[unknown]
    is_two = (text.loc[unknown_rows.index] == "2").to_numpy(dtype=bool)
    problems.add_rows("unknown_status", unknown_rows[~is_two], column, text)
    problems.add_rows("unknown_status", unknown_rows[is_two], column, text, variant="bps_code")


def interpret_status(
    frame: pd.DataFrame, data: pd.Series, rows: pd.DataFrame, text: dict[str, pd.Series],
    lookup: dict[str, bool], headers: dict, problems: _RowProblems,
) -> tuple[pd.Series, pd.Series]:
    """Return each data row's status (NA: not understood, logged) and the blank-status mask.

    A sheet read with programme flag columns (contract §1.3) takes its status from them: handled
    when any flag is yes; a blank flag is a plain No (no warning); another value is an error at
    its cell.
    """
    in_data = data.to_numpy(dtype=bool)
    is_handled, unknown = status_masks(text["status"][data], lookup)
    flags = [c for c in frame.columns if isinstance(c, str) and c.startswith(FLAG_PREFIX)]
    uses_flags = np.zeros(len(frame), dtype=bool)
    for col in flags:
        uses_flags |= _has_column(frame, headers, col).to_numpy(dtype=bool)
    on_flags = uses_flags[in_data]
    if flags and on_flags.any():
        any_yes = np.zeros(len(rows), dtype=bool)
        flag_unknown = np.zeros(len(rows), dtype=bool)
        for col in flags:
            yes, bad = status_masks(text[col][data], lookup)
            bad &= on_flags & _has_column(rows, headers, col).to_numpy(dtype=bool)
            _log_unknown_status(problems, rows, bad, col, text[col])
            flag_unknown |= bad
            any_yes |= yes
        is_handled = np.where(on_flags, any_yes, is_handled)
        unknown = np.where(on_flags, flag_unknown, unknown)
    _log_unknown_status(problems, rows, unknown & ~on_flags, "status", text["status"])
    blank_status = data & (text["status"] == "").to_numpy(dtype=bool) & ~uses_flags
    problems.add_rows("blank_status", frame[blank_status], "status")
    status = pd.Series(pd.arrays.BooleanArray(is_handled & ~unknown, unknown), index=rows.index)
    return status, blank_status


def interpret_dates(
    frame: pd.DataFrame, data: pd.Series, rows: pd.DataFrame, date_text: pd.Series, headers: dict, year: int,
    months: dict[str, int], problems: _RowProblems,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Read the dates of the data rows; blank is allowed (when the sheet has the column at all).

    A number in a General cell is read as an Excel date serial and a bare year (``2025``)
    keeps the row without a date, each with a warning; a date, or a bare year, outside
    ``year`` excludes the row (data contract §1.3).

    Returns:
        ``(dates, blank_date, other_year)``: the dates (NaT when blank, a bare year or
        unreadable) and the masks of blank dates and of rows outside ``year`` (not counted).
    """
    parsed = parse_dates(frame.loc[data, "tanggal"], months)
    problems.add_rows("unreadable_date", rows[parsed.unreadable], "tanggal", date_text)
    has_column = _has_column(rows, headers, "tanggal")
    blank_date = parsed.dates.isna() & ~parsed.unreadable & ~parsed.year_only & has_column
    problems.add_rows("blank_date", rows[blank_date], "tanggal")
    other_year = parsed.year.notna() & (parsed.year != year)
    problems.add_rows("date_other_year", rows[other_year], "tanggal", date_text, year=year)
    problems.add_rows("date_year_only", rows[parsed.year_only & ~other_year], "tanggal", date_text)
    serial = parsed.serial
    if serial.any():
        read_as = parsed.dates[serial].dt.strftime("%d/%m/%Y")
        shown = date_text[serial.index[serial.to_numpy()]].astype("str") + " = " + read_as
        problems.add_rows("date_serial", rows[serial], "tanggal", shown)
    return parsed.dates, blank_date, other_year


def generalize_as_written(
    rows: pd.DataFrame, column: str, as_written: pd.Series, cases: np.ndarray, k: int, names: RegisterNames,
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Show values kept as written as ``lainnya`` when withheld or shared by fewer than k cases (§1.5).

    Args:
        rows: The kept rows.
        column: The column holding values kept as written (jenis, kelurahan).
        as_written: Which of ``rows`` hold a value kept as written in ``column``.
        cases: Each kept row's case number (rows of one case count once).
        k: The disclosure threshold (``settings.iku.policies.disclosure_k``).
        names: The names of the register (a value equal to one is withheld).

    Returns:
        ``(rows, withheld, rare)``: ``rows`` with those values replaced by ``lainnya``, and the
        masks (over ``rows``) of the values replaced because withheld and because rare.
    """
    mask = as_written.to_numpy(dtype=bool)
    written = rows.loc[mask, column].astype("str")
    withheld = map_unique(written, lambda v: is_withheld(v, names)).astype(bool)
    rare = ~withheld & is_rare(written, k, cases[mask])
    rows = rows.copy()
    rows.loc[written.index[(withheld | rare).to_numpy()], column] = OTHER
    return (rows, withheld.reindex(rows.index, fill_value=False).astype(bool),
            rare.reindex(rows.index, fill_value=False).astype(bool))


def identify_cases(
    rows: pd.DataFrame, names: pd.Series, nik: pd.Series, nik_from_number: pd.Series, kecamatan: pd.Series,
    kelurahan: pd.Series, problems: _RowProblems,
) -> tuple[CaseKeys, pd.Series]:
    """Return each data row's case identity and the mask of invalid NIKs (data contract §1.3–§1.4).

    The identity is ``N:<nik>`` for a valid NIK, else ``P:<name>|<kelurahan or kecamatan>``
    (normalised by :func:`ikuanalysis.ingest.values.key_column`: every script's letters and
    digits kept), else (no name either) ``R:<file>|<sheet>|<row>``: a case of its own. A NIK
    that is not 16 digits (also a masked one, ``627101******0001``) is a warning; so is a
    16-digit NIK from a number cell that ends in 0 (Excel may have dropped its last digit):
    neither identifies the case.
    """
    invalid_nik, nik_usable = check_nik(rows, nik, nik_from_number, problems)
    blank_name = (names == "") & ~nik_usable
    problems.add_rows("no_identity", rows[blank_name], "nama")

    by_name = ~nik_usable & ~blank_name  # only these need a name-based identity (normalising names is the costly part)
    place_key = map_unique(kelurahan[by_name].where(kelurahan[by_name] != "", kecamatan[by_name].fillna("")),
                           identity_key).astype("str")
    name_key = key_column(names[by_name])
    parts = [("N:", nik_usable, nik[nik_usable]), ("P:", by_name, name_key + "|" + place_key),
             ("R:", blank_name, _row_place(rows[blank_name]))]
    return CaseKeys.of(len(rows), parts), invalid_nik


def _row_place(rows: pd.DataFrame) -> pd.Series:
    """Return ``<file>|<sheet>|<row>`` for each of ``rows``: the identity of a row that is a case of its own."""
    return rows["_file"].astype("str") + "|" + rows["_sheet"].astype("str") + "|" + rows["_row"].astype("str")


# The identities whose values are 16 ASCII digits (the callers keep only such NIKs and No. KK).
DIGIT_PREFIXES = frozenset({"N:", HOUSEHOLD_PREFIX})
NIK_DIGITS = 16


def factorize_digits(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Return ``(codes, distinct numbers)`` of a column of 16-digit texts, in first-seen order.

    Sixteen digits fit in an int64: hashing a million integers costs a third of hashing as many
    strings. None when a cell is not digits only (the caller factorizes the texts).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pa.array(values.astype("str").array)
    if not pc.all(pc.and_(pc.equal(pc.binary_length(texts), NIK_DIGITS), pc.ascii_is_decimal(texts))).as_py():
        return None
    numbers = pc.cast(texts, pa.int64())
    codes, uniques = pd.factorize(np.asarray(numbers), sort=False)
    return codes.astype(np.int64), np.asarray(uniques, dtype=np.int64)


def digit_texts(numbers: np.ndarray) -> list[str]:
    """Return the 16-digit texts of numbers from :func:`factorize_digits` (leading zeros kept)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), pa.string()), NIK_DIGITS, "0").to_pylist()


@dataclass(frozen=True)
class CaseKeys:
    """Each row's case identity, as a code into the distinct identities of its kind.

    The identity strings (``N:<NIK>``, ``P:<name>|<place>``, ``K:<No. KK>``,
    ``R:<file>|<sheet>|<row>``; personal, never written) are made only when asked for
    (:meth:`strings`): counting needs the codes alone, so ``validate`` never builds them.

    Attributes:
        codes: For each row, the number of its identity (unique over all parts).
        parts: ``(prefix, first number, distinct values after the prefix)`` of each kind.
    """

    codes: np.ndarray
    parts: tuple = ()

    @classmethod
    def of(cls, count: int, parts: list[tuple[str, pd.Series, pd.Series]]) -> CaseKeys:
        """Number the identities of ``count`` rows from ``(prefix, mask, values)`` parts that cover every row once.

        ``values`` holds, for the rows under ``mask`` in order, the identity after its prefix;
        each part's distinct values are found by one hashing pass over that part's rows.
        """
        codes = np.full(count, -1, dtype=np.int64)
        found, start = [], 0
        for prefix, mask, values in parts:
            where = mask.to_numpy(dtype=bool)
            if not where.any():
                continue
            digits = factorize_digits(values) if prefix in DIGIT_PREFIXES else None
            part_codes, uniques = digits if digits is not None else factorize_values(values, as_arrow=True)
            codes[where] = part_codes + start
            found.append((prefix, start, uniques))
            start += len(uniques)
        return cls(codes, tuple(found))

    def of_rows(self, mask: pd.Series) -> CaseKeys:
        """Return the keys of the rows under ``mask`` only."""
        return CaseKeys(self.codes[mask.to_numpy(dtype=bool)], self.parts)

    def strings(self, numbers: np.ndarray) -> list[str]:
        """Return the identity strings of the given identity numbers, in their order."""
        strings = np.empty(len(numbers), dtype=object)
        for prefix, start, uniques in self.parts:
            inside = (numbers >= start) & (numbers < start + len(uniques))
            if not inside.any():
                continue
            strings[inside] = [prefix + value for value in take_texts(uniques, numbers[inside] - start)]
        return strings.tolist()


def check_nik(
    rows: pd.DataFrame, nik: pd.Series, nik_from_number: pd.Series, problems: _RowProblems, household: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """Log the NIKs that are not 16 digits and those that may have lost their last digit (data
    contract §1.3).

    ``household``: the component counts households, so the NIK identifies nothing (the
    messages say so instead of naming the name-based identity).

    Returns:
        ``(invalid, usable)``: the masks of the NIKs that are not 16 digits and of those that
        can identify a case (16 digits, not a number cell ending in 0).
    """
    nik_valid = is_nik_shaped(nik)
    invalid_nik = (nik != "") & ~nik_valid
    lost_digit = nik_may_have_lost_digit(nik, nik_from_number) & nik_valid
    if household:
        problems.add_rows("invalid_nik", rows[invalid_nik], "nik", variant="household")
        problems.add_rows("nik_number_lost_digit", rows[lost_digit], "nik", variant="household")
    else:
        problems.add_rows("invalid_nik", rows[invalid_nik], "nik")
        problems.add_rows("nik_number_lost_digit", rows[lost_digit], "nik")
    return invalid_nik, nik_valid & ~lost_digit


def usable_no_kk(
    rows: pd.DataFrame, no_kk: pd.Series, from_number: pd.Series, household: bool, problems: _RowProblems,
) -> pd.Series:
    """Return each data row's No. KK digits when valid, else '' (data contract §1.3–§1.4).

    A valid No. KK is 16 digits, as a NIK, and not a number cell ending in 0 (Excel may have
    replaced its 16th digit by 0; two families could then share one number). In a household
    component the No. KK is the case identity, so a blank, invalid or possibly truncated one is an
    error at its cell (``household_no_kk_invalid``): counting such a row as a household of its own,
    or merging it with another one, would change the count without anyone seeing it. In a person
    component it is only kept (as a keyed hash, ``no_kk_hash``): an invalid one is a warning
    (``invalid_no_kk``) and a blank one is allowed.
    """
    if not household and not (no_kk != "").any():  # the usual register: no No. KK at all
        return no_kk
    valid = is_nik_shaped(no_kk)
    lost_digit = nik_may_have_lost_digit(no_kk, from_number) & valid
    invalid = (no_kk != "") & ~valid
    if household:
        problems.add_rows("household_no_kk_invalid", rows[no_kk == ""], "no_kk", variant="blank")
        problems.add_rows("household_no_kk_invalid", rows[invalid], "no_kk")
        problems.add_rows("household_no_kk_invalid", rows[lost_digit], "no_kk", variant="lost_digit")
    else:
        problems.add_rows("invalid_no_kk", rows[invalid], "no_kk")
        problems.add_rows("invalid_no_kk", rows[lost_digit], "no_kk", variant="lost_digit")
    return no_kk.where(valid & ~lost_digit, "").astype("str")


def identify_households(rows: pd.DataFrame, no_kk: pd.Series) -> CaseKeys:
    """Return each data row's case identity in a household component: ``K:<No. KK>``.

    ``no_kk`` holds the valid No. KK of each row ('' otherwise, see :func:`usable_no_kk`, which
    logged those rows as errors); such a row is a case of its own (``R:<file>|<sheet>|<row>``) so
    that the counts stay defined while the run stops on the error.
    """
    missing = no_kk == ""
    return CaseKeys.of(len(rows), [(HOUSEHOLD_PREFIX, ~missing, no_kk[~missing]), ("R:", missing, _row_place(rows[missing]))])


def group_duplicates(
    rows: pd.DataFrame, identity: CaseKeys, problems: _RowProblems, household: bool = False,
) -> tuple[np.ndarray, Identities]:
    """Number the cases of the kept rows and log every row that repeats an earlier case.

    ``household``: the cases are households (the message names the No. KK).

    Returns:
        ``(duplicated, identities)``: which rows repeat an earlier row's case, and each
        row's case number with the distinct identities.
    """
    # One hashing pass over the identities; everything else is integer arithmetic on codes.
    codes, uniques = pd.factorize(identity.codes, sort=False)  # integers: codes in first-seen order
    duplicated = ~is_first_seen(codes)
    first_positions = np.flatnonzero(~duplicated)  # the first row of case 0, 1, 2, ...
    dup_rows = rows[duplicated]
    if not dup_rows.empty:
        origin = rows.iloc[first_positions[codes[duplicated]]]
        where = ("baris " + origin["_row"].astype("str") + " (" + origin["_file"].astype("str") + ")").to_numpy()
        if household:
            problems.add_rows("duplicate_merged", dup_rows, values=pd.Series(where, index=dup_rows.index),
                              variant="household")
        else:
            problems.add_rows("duplicate_merged", dup_rows, values=pd.Series(where, index=dup_rows.index))
    return duplicated, Identities(codes=codes, keys=identity, order=np.asarray(uniques, dtype=np.int64))


def iter_texts(values, chunk: int = 1 << 16) -> Iterator[str]:
    """Yield the values of an Arrow array (or any sequence) as Python strings, a chunk at a time."""
    for start in range(0, len(values), chunk):
        yield from slice_texts(values, start, start + chunk)


def slice_texts(values, start: int, stop: int) -> list[str]:
    """Return values ``start`` to ``stop`` of distinct texts as Python strings (see :func:`take_texts`)."""
    return take_texts(values, np.arange(start, min(stop, len(values))))


def take_texts(values, positions: np.ndarray) -> list[str]:
    """Return the distinct texts at ``positions`` as Python strings: of an Arrow array, of the
    numbers of :func:`factorize_digits` (as their 16 digits) or of any sequence."""
    import pyarrow as pa

    if isinstance(values, pa.Array):
        return values.take(pa.array(positions, type=pa.int64())).to_pylist()
    if isinstance(values, np.ndarray) and values.dtype == np.int64:
        return digit_texts(values[positions])
    return np.asarray(values, dtype=object)[positions].tolist() if len(positions) else []


@dataclass(frozen=True)
class Identities:
    """The case identity of each kept row, as codes into the distinct identities.

    Attributes:
        codes: For each kept row, the number of its case (0, 1, ... in first-seen order).
        keys: The rows' identities (see :class:`CaseKeys`).
        order: For each case, the number of its identity in ``keys``.
        no_kk: Each kept row's valid No. KK, or '' (aligned with ``codes``); None when not known.
    """

    codes: np.ndarray
    keys: CaseKeys = field(default_factory=lambda: CaseKeys(np.zeros(0, dtype=np.int64)))
    order: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    no_kk: pd.Series | None = None

    @property
    def count(self) -> int:
        """The number of cases."""
        return len(self.order)

    @property
    def distinct(self) -> list[str]:
        """The identity of each case (NIK or name + place, or ``K:<No. KK>``: personal, never written)."""
        return self.keys.strings(self.order)

    @property
    def households(self) -> list[str]:
        """The No. KK of each case: the first valid one among its rows ('' when none has one, or
        when not known; personal, never written: only its keyed hash is)."""
        codes, distinct = self.household_codes
        return np.append(np.asarray(list(iter_texts(distinct)), dtype=object), "")[codes].tolist()

    @cached_property
    def household_codes(self) -> tuple[np.ndarray, Sequence[str]]:
        """``(codes, distinct No. KK)``: for each case, the number of its No. KK in the distinct
        ones (-1 when it has none), each distinct No. KK once (the members of a family share one;
        as numbers from :func:`factorize_digits`, or texts: read them with :func:`slice_texts`)."""
        codes = np.full(self.count, -1, dtype=np.int64)
        if self.no_kk is None:
            return codes, []
        given = np.flatnonzero((self.no_kk != "").to_numpy(dtype=bool))
        if not len(given):
            return codes, []
        # Each case's first row with a No. KK (the lowest of its rows' positions): no sort needed.
        first = np.full(self.count, len(given), dtype=np.int64)
        np.minimum.at(first, self.codes[given], np.arange(len(given)))
        cases = np.flatnonzero(first < len(given))
        no_kk = self.no_kk.iloc[given[first[cases]]]
        digits = factorize_digits(no_kk)  # valid No. KK are 16 digits (usable_no_kk)
        kk_codes, distinct = digits if digits is not None else factorize_values(no_kk, as_arrow=True)
        codes[cases] = kk_codes
        return codes, distinct

    def with_households(self, no_kk: pd.Series) -> Identities:
        """Return these identities with each row's valid No. KK ('' when none; aligned with ``codes``)."""
        return Identities(self.codes, self.keys, self.order, no_kk)

    def any_per_case(self, flags: pd.Series) -> np.ndarray:
        """Whether any row of each case has ``flags`` set (handled if any row says yes)."""
        counts = np.bincount(self.codes, weights=flags.to_numpy(dtype=float), minlength=self.count)
        return counts > 0


def is_first_seen(codes: np.ndarray) -> np.ndarray:
    """Whether each row is the first of its case, for codes numbered in first-seen order (``pd.factorize``).

    A row is its case's first exactly when its code is above every code before it: one pass, no sort.
    """
    if not len(codes):
        return np.zeros(0, dtype=bool)
    before = np.maximum.accumulate(codes)
    return codes > np.concatenate(([-1], before[:-1]))


def _has_column(rows: pd.DataFrame, headers: dict, column: str) -> pd.Series:
    """Return whether each row's file and sheet has ``column`` at all."""
    having = {key for key, names in headers.items() if column in names}
    if not having or len(having) == len(headers):  # the usual cases: no sheet has it, or every sheet
        return pd.Series(bool(having), index=rows.index)
    joined = {f"{file}\x00{sheet}" for file, sheet in having}
    keys = rows["_file"].astype("str") + "\x00" + rows["_sheet"].astype("str")
    return pd.Series(keys.isin(joined).to_numpy(dtype=bool), index=rows.index)


def _with_headers(rows: pd.DataFrame, headers: dict, column: str) -> pd.DataFrame:
    """Add ``_header_<column>``: the column's header as written in each row's file and sheet."""
    if not column or rows.empty:
        return rows
    pairs = rows[["_file", "_sheet"]].drop_duplicates()
    names = {
        (f, s): headers.get((f, s), {}).get(column, column) for f, s in pairs.itertuples(index=False)
    }
    if len(names) == 1:  # the usual case: the rows come from one sheet
        return rows.assign(**{f"_header_{column}": next(iter(names.values()))})
    label = pd.Series(
        [names[(f, s)] for f, s in pairs.itertuples(index=False)],
        index=pd.MultiIndex.from_frame(pairs),
    )
    keys = pd.MultiIndex.from_frame(rows[["_file", "_sheet"]])
    return rows.assign(**{f"_header_{column}": label.reindex(keys).to_numpy()})


def merge_cases(
    rows: pd.DataFrame, identities: Identities, component: str, case_ids: list[str],
    no_kk_hashes: list[str] | pd.Series | None = None,
) -> pd.DataFrame:
    """Collapse rows of the same case into one (handled if any row is; first row's details).

    Args:
        rows: Kept rows of one component (from :func:`clean_register`).
        identities: Each row's case (from :func:`clean_register`).
        component: The component id.
        case_ids: Keyed hashes of ``identities.distinct``, in the same order.
        no_kk_hashes: Keyed hashes of ``identities.households`` ('' for a case without a
            No. KK), in the same order; all '' when None or empty.
    """
    count = identities.count
    first = rows.iloc[np.flatnonzero(is_first_seen(identities.codes))]  # codes are numbered in first-seen order
    return pd.DataFrame(
        {
            "component": pd.Series(component, index=range(count), dtype="str"),
            "case_id": pd.Series(case_ids, dtype="str"),
            "no_kk_hash": pd.Series([""] * count if no_kk_hashes is None or not len(no_kk_hashes) else no_kk_hashes,
                                    dtype="str").reset_index(drop=True),
            "jenis": _text_column(first["jenis"]),
            "kecamatan": _text_column(first["kecamatan"]),
            "kelurahan": _text_column(first["kelurahan"]),
            "tanggal": first["tanggal"].to_numpy().astype("datetime64[s]"),
            "is_handled": identities.any_per_case(rows["is_handled"]),
            "row_count": np.bincount(identities.codes, minlength=count).astype("int64"),
            "source_file": _redacted_column(first["_file"]),
            "source_sheet": _redacted_column(first["_sheet"]),
            "source_row": first["_row"].to_numpy().astype("int64"),
        },
        columns=CASE_COLUMNS,
    )


def _text_column(values: pd.Series) -> pd.Series:
    """Return a column of the cases table as ``str`` on a fresh 0..n index."""
    return values.astype("str").reset_index(drop=True)


def _redacted_column(values: pd.Series) -> pd.Series:
    """Return a file or sheet column as the cases table keeps it (:func:`redact_message` of each
    distinct value, taken by Arrow: no Python string per case), on a fresh 0..n index."""
    import pyarrow as pa

    codes, uniques = factorize_values(values)
    texts = pa.array([str(redact_message(value)) for value in uniques], type=pa.string())
    return pd.Series(pd.array(texts.take(pa.array(codes)), dtype="str"))


AGGREGATE_COLUMNS = ["component", "kecamatan", "jenis", "source", "numerator", "denominator"]


def aggregate_cases(cases: pd.DataFrame, rekap: pd.DataFrame | None) -> pd.DataFrame:
    """Count cases (denominator) and handled cases (numerator) per component × kecamatan × jenis."""
    counted = (
        cases.groupby(["component", "kecamatan", "jenis"], sort=True)["is_handled"]
        .agg(numerator="sum", denominator="size")
        .reset_index()
        .assign(source="register")
    )
    parts = [counted]
    if rekap is not None and not rekap.empty:
        parts.append(
            rekap.groupby(["component", "kecamatan"], sort=True)[["numerator", "denominator"]]
            .sum()
            .reset_index()
            .assign(jenis="", source="rekap")
        )
    table = pd.concat(parts, ignore_index=True)[AGGREGATE_COLUMNS]
    return table.astype({"numerator": "int64", "denominator": "int64"}).sort_values(
        ["component", "kecamatan", "jenis"], kind="stable"
    ).reset_index(drop=True)


