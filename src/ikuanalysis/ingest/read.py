"""Read the registers as received: sheets, header rows and columns; nothing here interprets values
(:mod:`ikuanalysis.ingest.values` does). The output is one raw table per component with the canonical
columns of the data contract and the location of every row (file, sheet, spreadsheet row).
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import zipfile
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ikuanalysis.config import CANONICAL_COLUMNS, Component, Limits, Settings
from ikuanalysis.ingest.discover import COMPONENT_NAME, REKAP_COLUMNS, SourceFile
from ikuanalysis.ingest.filetype import (
    SPREADSHEET_TYPES,
    SUFFIX_TYPES,
    TEXT,
    check_xlsb,
    detect_real_type,
    read_type,
    same_family,
)
from ikuanalysis.ingest.layout import (
    FLAG_PREFIX,
    HEADER_SEARCH_ROWS,
    ROW_BLANK,
    ROW_GROUP,
    Header,
    HeaderLookup,
    classify_rows,
    find_header,
    footer_pattern,
    jenis_named_in,
    key_values,
)
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.values import _as_text, match_regex, summary_pattern
from ikuanalysis.ingest.workbook_scan import (
    WorkbookTooLarge,
    check_zip_sizes,
    read_sparse_sheet,
    scan_ods_errors,
    scan_xlsx,
)

CSV_DELIMITERS = (";", ",", "\t", "|")  # tried in this order; the first of equally good ones wins
_LETTER = re.compile(r"[A-Za-z]")
LOCATION_COLUMNS = ["_file", "_sheet", "_row"]


@dataclass
class RawTable:
    """Rows of one kind (a component's registers, or the rekap files) as read.

    Attributes:
        frame: Canonical columns (object values as found) plus ``_file``, ``_sheet``,
            ``_row`` and ``_first_text`` (the row's first text cell, for summary rows).
        headers: For each (file, sheet), the header as written for each canonical column.
        sheets_read: Number of sheets read.
        header_rows: For each (file, sheet), the spreadsheet row of its header (the upper row
            of a stacked header), where a problem of a whole column is reported.
        unread_blank_rows: Blank rows among the data of sheets read over their occupied rows only
            (up to each sheet's last data row): not in ``frame``, but counted as a dense reading
            counts them.
    """

    frame: pd.DataFrame
    headers: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    sheets_read: int = 0
    header_rows: dict[tuple[str, str], int] = field(default_factory=dict)  # the header's spreadsheet row
    unread_blank_rows: int = 0


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def first_text_cells(block: pd.DataFrame, candidate: str) -> pd.Series:
    """Return, for each row whose first text cell (one holding a letter) matches ``candidate``
    (a summary word at the start), that cell; '' for the other rows.

    One left-to-right pass: a column is looked at only for the rows that had no text cell
    before it, so after the first text column (usually the name) almost no row is left.
    Two vectorised regexes per column, over those rows only.
    """
    first = pd.Series("", index=block.index, dtype="str")
    undecided = np.arange(len(block))
    found_at, found = [], []
    for col in block.columns:
        if not len(undecided):
            break
        column = block[col] if len(undecided) == len(block) else block[col].iloc[undecided]
        text = column if isinstance(column.dtype, pd.CategoricalDtype) else _as_text(column)
        has_letter = match_regex(text, _LETTER.pattern)
        if not has_letter.any():
            continue
        is_hit = has_letter & match_regex(text, candidate)
        if is_hit.any():
            found_at.append(undecided[is_hit])
            found.extend(str(value).strip() for value in text.iloc[np.flatnonzero(is_hit)].to_numpy(dtype=object))
        undecided = undecided[~has_letter]
    if found_at:
        first.iloc[np.concatenate(found_at)] = found
    return first


@dataclass(frozen=True)
class ReadPlan:
    """How the files of one kind are read.

    Attributes:
        lookup: The header aliases of a file (its component's order, its ``sumber.yml`` entry).
        required: Fields every table must have.
        min_matches: Distinct fields that make a header row.
        summary_pattern: Regex of the first text cell of a summary row (Jumlah, Total, the
            city's name) or of a footer (Sumber, Catatan, ...): the cell the reader keeps.
        footer_pattern: Regex of a footer's first text (Sumber, Catatan, ...).
        footer_alone_pattern: Regex of a first text cell that is a footer's word alone.
        declared_jenis: The ``jenis`` of the file's ``sumber.yml`` entry (used only without a jenis column).
        sheets: The sheets to read (``sumber.yml`` ``lembar``); None: every sheet with a header.
        header_row: The header's spreadsheet row (``baris_judul``); None: found.
        jenis: Where a table without a jenis column takes it from: called with the sheet name
            and the key–value pairs above the header, returns ``(jenis, source)`` or None.
        flags: The flag columns that must stand for the status (``status_dari``); () when the
            component's flags are only used in the absence of a status column.
        anchor: The field without which a workbook's sheet is not a table of this kind (a
            register has names; a rekap has components).
    """

    lookup: HeaderLookup
    required: tuple[str, ...]
    min_matches: int = 2
    summary_pattern: str = ""
    footer_pattern: str = ""
    footer_alone_pattern: str = ""
    declared_jenis: str | None = None
    sheets: tuple[str, ...] | None = None
    header_row: int | None = None
    jenis: Callable[[str, list], tuple[str, str] | None] | None = None
    flags: tuple[str, ...] = ()
    anchor: str = "nama"
    instruction_sheets: tuple[str, ...] = ()


def is_instruction_sheet(sheet: str, prefixes: tuple[str, ...]) -> bool:
    """Whether a sheet's name starts with one of ``prefixes`` as words (``PETUNJUK PENGISIAN``,
    ``Cara_Pengisian``, ``contoh-isian``), ignoring case, spaces, underscores and hyphens."""
    words = _name_words(sheet)
    return any(words[:len(prefix)] == prefix for prefix in map(_name_words, prefixes))


def _name_words(text: str) -> list[str]:
    return re.sub(r"[\W_]+", " ", text.casefold()).split()


NOT_A_TABLE = object()  # place_table's answer for a sheet that is not a table of the kind read


@dataclass
class PlacedTable:
    """A table found on a sheet: its header and the columns given by the context."""

    header: Header
    columns: dict[int, str]  # column index -> field or flag read from the header
    constants: dict[str, str] = field(default_factory=dict)  # field -> value for every row (jenis)
    texts: dict[str, str] = field(default_factory=dict)  # field -> header as written (for messages)
    row: int = 0  # the header's spreadsheet row (the upper one of a stacked header)


def _frame_from_block(
    block: pd.DataFrame, placed: PlacedTable, first_row_number: int, file: str, sheet: str,
    plan: ReadPlan, row_numbers: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Turn the data rows below a header into a canonical frame with locations.

    The rows are numbered from ``first_row_number`` on, or by ``row_numbers`` when given (a
    sheet read over its occupied rows only).
    """
    mapping = placed.columns
    frame = pd.DataFrame({name: block[col] for col, name in mapping.items() if col in block}, index=block.index)
    first_text = first_text_cells(block, plan.summary_pattern)
    kind = classify_rows(block, mapping, plan.footer_pattern, first_text, plan.footer_alone_pattern)
    for name, value in placed.constants.items():  # not on blank rows: they stay blank
        frame[name] = np.where((kind == ROW_BLANK).to_numpy(dtype=bool), "", value)
    frame["_first_text"] = first_text
    frame["_kind"] = kind
    frame["_file"] = _constant_category(file, len(frame))
    frame["_sheet"] = _constant_category(sheet, len(frame))
    frame["_row"] = range(first_row_number, first_row_number + len(frame)) if row_numbers is None else row_numbers
    return drop_trailing_blank_rows(frame.reset_index(drop=True))


def _holds_more_than_a_note(frame: pd.DataFrame) -> np.ndarray:
    """The rows that are neither blank nor a lone title or note (a group row, unless its text
    may start a summary row: a lone "Jumlah" is a total, counted as the data's end)."""
    is_note = frame["_kind"].isin([ROW_BLANK, ROW_GROUP]).to_numpy(dtype=bool)
    return ~is_note | (frame["_first_text"] != "").to_numpy(dtype=bool)


def drop_trailing_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The sheet's rows without the blank ones below its last row that holds more than a note.

    Contract §1.4: a stray cell far below the table (an "x" in XFD1048576, a signature line)
    must not count a million blank rows; the blank rows among the data, and above a footer or
    the ``###`` end, still count.
    """
    substantive = np.flatnonzero(_holds_more_than_a_note(frame))
    last = int(substantive[-1]) if len(substantive) else -1
    is_trailing_blank = (frame["_kind"] == ROW_BLANK).to_numpy(dtype=bool) & (np.arange(len(frame)) > last)
    return frame[~is_trailing_blank].reset_index(drop=True) if is_trailing_blank.any() else frame


def unread_blank_rows(frame: pd.DataFrame, above_data: int) -> int:
    """The blank rows that a sheet read over its occupied rows only did not read, counted as
    :func:`drop_trailing_blank_rows` counts those of a dense reading.

    Args:
        frame: The sheet's rows as read (``_row``: spreadsheet row numbers, ``_kind``).
        above_data: The spreadsheet row just above the data (the header's, or its number row's).
    """
    rows = frame.loc[_holds_more_than_a_note(frame), "_row"]
    if rows.empty:
        return 0
    last = int(rows.max())
    return last - above_data - int((frame["_row"] <= last).sum())


def _constant_category(value: str, count: int) -> pd.Categorical:
    """Return ``value`` for ``count`` rows as a categorical (one byte per row, not a string each)."""
    return pd.Categorical.from_codes(np.zeros(count, dtype=np.int8), categories=pd.Index([value], dtype="str"))


def _letter(col: int, column_numbers: Sequence[int] | None) -> str:
    return column_letter(col if column_numbers is None else column_numbers[col])


def place_table(
    rows: list[list[object]], plan: ReadPlan, file: str, sheet: str, log: ProblemLog,
    row_numbers: Sequence[int] | None = None, column_numbers: Sequence[int] | None = None, force: bool = True,
) -> PlacedTable | object | None:
    """Find a sheet's header and decide its columns, logging every decision (contract §1.2).

    Returns None when the sheet has no header (nothing logged: the caller says why) and when
    its header is unusable (the errors are logged); :data:`NOT_A_TABLE` when ``force`` is
    False and the header lacks the plan's anchor field (``nama``): a code legend, a key–value
    sheet, which a workbook may hold beside its registers.
    """
    def number(index: int) -> int:
        return index + 1 if row_numbers is None else row_numbers[index]

    fixed = None
    if plan.header_row is not None:
        numbers = list(range(1, len(rows) + 1)) if row_numbers is None else list(row_numbers)
        fixed = numbers.index(plan.header_row) if plan.header_row in numbers else len(rows)
    # The header starts on spreadsheet rows 1-40; its second row and a column-number row may follow.
    searched = HEADER_SEARCH_ROWS if row_numbers is None else bisect_right(row_numbers, HEADER_SEARCH_ROWS)
    header = find_header(rows, plan.lookup, plan.min_matches, fixed, search_rows=searched)
    if header is None:
        return None
    if plan.anchor not in header.fields and not force:
        # A code legend or key-value sheet (Jenis PPKS | Status Penanganan): not a register.
        return NOT_A_TABLE
    row = number(header.index if header.upper is None else header.upper)  # a stacked header starts above
    columns = dict(header.columns)
    texts = {name: header.texts[col] for col, name in columns.items()}
    has_flags = any(name.startswith(FLAG_PREFIX) for name in columns.values())
    if plan.flags or (has_flags and "status" in columns.values()):
        # Declared flags stand for the status; the component's flags only where no status column is.
        drop = "status" if plan.flags else FLAG_PREFIX
        columns = {c: n for c, n in columns.items() if not n.startswith(drop)}
    ok = True
    missing_flags = [f for f in plan.flags if FLAG_PREFIX + f not in columns.values()]
    if missing_flags:
        log.add("flag_column_missing", flags=", ".join(missing_flags), header_row=row, file=file, sheet=sheet, row=row)
        ok = False
    for name, cols in header.duplicates:
        letters = ", ".join(f"{_letter(c, column_numbers)} ('{header.texts[c]}')" for c in cols)
        log.add("duplicate_column", name=name, letters=letters, file=file, sheet=sheet, row=row,
                column=header.texts[cols[1]])
        ok = False
    for name, winner, losers in header.overridden:
        if winner in columns:
            log.add("alias_precedence", name=name, chosen=f"{_letter(winner, column_numbers)} ('{header.texts[winner]}')",
                    others=", ".join(f"{_letter(c, column_numbers)} ('{header.texts[c]}')" for c in losers),
                    file=file, sheet=sheet, row=row, column=header.texts[winner])
    constants = {}
    fields = {"status" if n.startswith(FLAG_PREFIX) else n for n in columns.values()}
    if "jenis" not in fields and plan.jenis is not None:
        found = plan.jenis(sheet, key_values(rows, header.index if header.upper is None else header.upper))
        if found is not None:
            constants["jenis"], source = found
            texts["jenis"] = source
            log.add("jenis_from_context", source=source, file=file, sheet=sheet, row=row)
            fields |= {"jenis"}
    elif "jenis" in fields and plan.declared_jenis:
        header_of_jenis = next(header.texts[c] for c, n in columns.items() if n == "jenis")
        log.add("sumber_jenis_unused", jenis=plan.declared_jenis, file=file, sheet=sheet, row=row,
                column=header_of_jenis)
    missing = [c for c in plan.required if c not in fields]
    if missing:
        log.add("missing_column", missing=", ".join(missing), header_row=row, file=file, sheet=sheet, row=row)
        ok = False
    if not ok:
        return None
    if header.upper is not None:
        log.add("stacked_header", upper=row, header_row=number(header.index), file=file, sheet=sheet, row=row)
    if header.number_row is not None:
        log.add("column_number_row", file=file, sheet=sheet, row=number(header.number_row))
    for col, name in columns.items():
        log.add("column_matched", field=name.removeprefix(FLAG_PREFIX), alias=header.aliases[col],
                file=file, sheet=sheet, row=row, column=header.texts[col])
    return PlacedTable(header, columns, constants, texts, row)


class SheetRows(NamedTuple):
    """One sheet of a workbook as read.

    Attributes:
        name: The sheet's name.
        rows: Cell values, one list per row.
        row_numbers: The spreadsheet row of each row; None when row ``i`` is row ``i + 1``.
        column_numbers: The 0-based spreadsheet column of each column; None when column ``j`` is ``j``.
    """

    name: str
    rows: list[list[object]]
    row_numbers: list[int] | None = None
    column_numbers: list[int] | None = None


def iter_spreadsheet_sheets(
    path: Path, limits: Limits | None = None, real_type: str | None = None,
) -> Iterator[SheetRows]:
    """Yield the sheets of a workbook, within the input limits.

    The workbook is read by its real type (:func:`ikuanalysis.ingest.filetype.detect_real_type`,
    unless ``real_type`` gives it), whatever its extension says: an old .xls named .xlsx is
    read as .xls. A zip-based workbook is first checked against ``limits`` (the defaults when
    None); the sheets of an xlsx/xlsm whose filled cells are scattered far apart are read over
    their occupied rows and columns only (see :mod:`ikuanalysis.ingest.workbook_scan`), the
    others from A1 (row 0 is spreadsheet row 1); an xlsb sheet that reaches far beyond its cells
    is refused (:func:`ikuanalysis.ingest.filetype.check_xlsb`). A formula's error cell (#N/A,
    #VALUE!, …) holds its code as text, as in a CSV exported from Excel: the spreadsheet reader
    gives '' for it, so the codes come from the scan of the workbook's XML (xlsx, xlsm, ods) and
    are put back. In an .xls or .xlsb they stay '' (the reader cannot tell them).

    Raises:
        WorkbookTooLarge: The workbook is over a limit; nothing of it is read.
    """
    from python_calamine import (
        CalamineWorkbook,  # imported here: only needed for workbooks
    )

    limits = Limits() if limits is None else limits
    real = detect_real_type(path) if real_type is None else real_type
    scan, sparse, errors = None, {}, {}
    if real in ("xlsx", "xlsm"):
        scan = scan_xlsx(path, limits)
        sparse = {sheet.name: sheet for sheet in scan.sheets if not sheet.is_dense}
        errors = {sheet.name: sheet.errors for sheet in scan.sheets if sheet.errors}
    elif real == "ods":
        with zipfile.ZipFile(path) as archive:
            check_zip_sizes(archive, limits)
        errors = scan_ods_errors(path, limits)
    elif real == "xlsb":
        check_xlsb(path, limits)
    if real not in SPREADSHEET_TYPES or same_family(SUFFIX_TYPES.get(path.suffix.lower(), real), real):
        workbook = CalamineWorkbook.from_path(str(path))
    else:  # named as another type: the reader is told the content, not the name
        with open(path, "rb") as handle:
            workbook = CalamineWorkbook.from_filelike(handle)
    for name in workbook.sheet_names:
        if name in sparse:
            found = read_sparse_sheet(path, scan, sparse[name], limits)
            yield SheetRows(name, found.rows, found.row_numbers, found.column_numbers)
        else:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            yield SheetRows(name, _with_error_cells(rows, errors.get(name, ())))


def _with_error_cells(rows: list[list[object]], errors: Sequence[tuple[int, int, str]]) -> list[list[object]]:
    """Put the codes of error cells (1-based row, 0-based column, code) into rows read from A1."""
    for row, column, code in errors:
        while len(rows) < row:
            rows.append([])
        cells = rows[row - 1]
        if len(cells) <= column:
            cells.extend([""] * (column + 1 - len(cells)))
        cells[column] = code
    return rows


def _log_refused(refused: WorkbookTooLarge, file: str, log: ProblemLog) -> None:
    """Log a workbook refused for its size (one literal code and variant per call, as catalogued)."""
    if refused.code == "workbook_too_many_cells" and refused.variant == "scattered":
        log.add("workbook_too_many_cells", variant="scattered", file=file, sheet=refused.sheet, **refused.params)
    elif refused.code == "workbook_too_many_cells":
        log.add("workbook_too_many_cells", file=file, **refused.params)
    elif refused.variant == "ratio":
        log.add("workbook_too_large", variant="ratio", file=file, **refused.params)
    else:
        log.add("workbook_too_large", file=file, **refused.params)


_WIDE = 64  # columns: a block wider than this drops its empty columns before the per-column passes


def _data_block(rows: Sequence[Sequence[object]], header_columns: Sequence[int]) -> pd.DataFrame:
    """The data rows as a frame, one column per spreadsheet column (labelled by its index).

    A wide block drops the columns that hold nothing and are not the header's: a stray cell in
    XFD1 makes a dense sheet 16,384 columns wide, and the row kinds are found column by column.
    """
    width = max((len(row) for row in rows), default=0)
    if width <= _WIDE:
        return pd.DataFrame(rows, dtype="object")
    values = np.full((len(rows), width), None, dtype=object)
    for index, row in enumerate(rows):
        values[index, : len(row)] = row
    used = (pd.notna(values) & (values != "")).any(axis=0)
    used[[c for c in header_columns if c < width]] = True
    return pd.DataFrame(values[:, used], columns=np.flatnonzero(used), dtype="object")


def _read_workbook(
    path: Path, plan: ReadPlan, log: ProblemLog, table: RawTable, own: str | None = None, limits: Limits | None = None,
) -> list[pd.DataFrame]:
    frames = []
    try:
        sheets = list(iter_spreadsheet_sheets(path, limits))
    except WorkbookTooLarge as refused:
        _log_refused(refused, path.name, log)
        return frames
    except Exception as exc:  # calamine raises several types for corrupt files
        log.add("unreadable_file", error_type=type(exc).__name__, file=path.name)
        return frames
    errors_at_start, other_tables = log.error_count(), []
    wanted = None if plan.sheets is None else {s.casefold() for s in plan.sheets}
    if wanted is not None:
        names = {sheet.name.casefold() for sheet in sheets}
        for name in plan.sheets:
            if name.casefold() not in names:
                log.add("sheet_not_found", sheet_name=name, file=path.name)
    instructions = []
    for sheet, rows, row_numbers, column_numbers in sheets:
        if wanted is not None and sheet.casefold() not in wanted:
            log.add("sheet_skipped", variant="sumber", file=path.name, sheet=sheet)
            continue
        if wanted is None and is_instruction_sheet(sheet, plan.instruction_sheets):
            instructions.append((sheet, rows, row_numbers, column_numbers))  # read only when no other sheet is
            continue
        found = COMPONENT_NAME.match(sheet.strip())
        other = found.group(1).lower() if found else None
        if own and other and other != own:
            # A whole template workbook sent as one file: its x2..xn sheets must not count as x1.
            log.add(
                "sheet_of_other_component", sheet_name=sheet, other=other, own=own,
                file=path.name, sheet=sheet,
            )
            continue
        errors_before = log.error_count()
        placed = place_table(rows, plan, path.name, sheet, log, row_numbers, column_numbers, force=False)
        if placed is NOT_A_TABLE:
            other_tables.append((sheet, rows, row_numbers, column_numbers))
            continue
        if placed is None:
            if log.error_count() == errors_before:
                log.add("sheet_skipped", file=path.name, sheet=sheet)
            continue
        frames.append(_read_placed(placed, rows, path.name, sheet, plan, row_numbers, table))
    for sheet, rows, row_numbers, column_numbers in instructions:
        if frames:
            log.add("sheet_skipped", variant="instructions", file=path.name, sheet=sheet)
            continue
        placed = place_table(rows, plan, path.name, sheet, log, row_numbers, column_numbers, force=False)
        if placed is NOT_A_TABLE or placed is None:
            other_tables.append((sheet, rows, row_numbers, column_numbers))
            continue
        frames.append(_read_placed(placed, rows, path.name, sheet, plan, row_numbers, table))
    errors_now = log.error_count()
    for sheet, rows, row_numbers, column_numbers in other_tables:
        if frames or errors_now > errors_at_start:  # beside the registers: a legend, a key-value sheet
            log.add("sheet_skipped", variant="no_anchor", anchor=plan.anchor, file=path.name, sheet=sheet)
        else:  # the workbook's only table: its missing columns are the user's problem
            place_table(rows, plan, path.name, sheet, log, row_numbers, column_numbers)
    return frames


def _read_placed(placed: PlacedTable, rows: list, file: str, sheet: str, plan: ReadPlan, row_numbers: list | None,
                 table: RawTable) -> pd.DataFrame:
    """Return the data rows of a sheet whose header was found, and note the sheet in ``table``."""
    start = placed.header.data_start
    block = _data_block(rows[start:], placed.columns)
    if block.empty:
        block = pd.DataFrame(columns=range(max(placed.columns, default=0) + 1), dtype="object")
    table.headers[(file, sheet)] = placed.texts
    table.header_rows[(file, sheet)] = placed.row
    data_numbers = None if row_numbers is None else row_numbers[start:]
    frame = _frame_from_block(block, placed, start + 1, file, sheet, plan, data_numbers)
    if data_numbers:  # the empty rows between the occupied ones, as a dense reading has them
        table.unread_blank_rows += unread_blank_rows(frame, row_numbers[start - 1])
    table.sheets_read += 1
    return frame


def decode_csv_bytes(raw: bytes, *, partial: bool = False) -> tuple[str, str]:
    """Decode the bytes of a CSV file as UTF-8 (with or without BOM), else as Windows-1252.

    Args:
        raw: The file's bytes, or its first bytes.
        partial: ``raw`` is only the head of a longer file: it is cut at its last line end
            first, so that a character split by the cut does not count as invalid UTF-8.

    Returns:
        ``(text, encoding)`` with encoding ``"utf-8-sig"`` or ``"cp1252"`` (undefined bytes
        replaced).
    """
    cut = raw.rfind(b"\n") if partial else len(raw)
    try:
        return raw[: cut if cut > 0 else len(raw)].decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(
    lines: list[str], score: Callable[[list[list[str]]], int], records: int | None = None,
) -> tuple[str, list[list[str]]] | None:
    """Split ``lines`` with each of :data:`CSV_DELIMITERS` and keep the best-scoring split.

    Args:
        lines: The first lines of the file.
        score: How well the split rows look like the expected header (0: not at all).
        records: Split only this many records (a quoted cell may span several lines); None: all.

    Returns:
        ``(delimiter, rows)`` of the highest positive score (the earlier delimiter on ties),
        or None when no delimiter scores above 0.
    """
    limit = csv.field_size_limit()
    # A huge cell must not stop the detection.
    csv.field_size_limit(max(limit, sum(len(line) + 1 for line in lines) + 1))
    try:
        candidates = [(d, list(itertools.islice(csv.reader(lines, delimiter=d), records))) for d in CSV_DELIMITERS]
    finally:
        csv.field_size_limit(limit)
    best, best_score = None, 0
    for delimiter, rows in candidates:
        found = score(rows)
        if found > best_score:
            best, best_score = (delimiter, rows), found
    return best


def _detect_csv(head: str, lookup: HeaderLookup, min_matches: int,
                header_row: int | None = None) -> tuple[str, list[list[str]]] | None:
    """Return ``(delimiter, rows)`` for the delimiter that yields the header with most fields.

    ``header_row``: the header's record number when ``sumber.yml`` fixes it (``baris_judul``),
    which may lie below the 40 records a header is otherwise looked for on.
    """
    fixed = None if header_row is None else header_row - 1

    def header_size(rows: list[list[str]]) -> int:
        header = find_header(rows, lookup, min_matches, fixed)
        return len(header.fields) if header else 0

    # Only the first records matter: the 40 the header may start on, and two more for its second
    # row and a column-number row. They are counted as records, not lines (a quoted cell may hold
    # line breaks). Lines end where a CSV reader ends them (\n, \r\n, old Mac \r), not at a form
    # feed or U+2028 inside a cell, as str.splitlines would.
    lines = io.StringIO(head, newline="").readlines()
    return sniff_delimiter(lines, header_size, records=max(HEADER_SEARCH_ROWS, header_row or 0) + 2)


def count_lines_through(head: str, delimiter: str, records: int) -> int:
    """Return how many physical lines the first ``records`` CSV records of ``head`` span.

    A quoted cell may hold line breaks (a header "Sesuai<newline>Standar"); the readers skip
    physical lines, spreadsheet row numbers count records.
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(head) + 1))
    try:
        reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
        for _ in range(records):
            next(reader, None)
        return reader.line_num
    finally:
        csv.field_size_limit(limit)


def _read_csv_fast(path: Path, delimiter: str, encoding: str, skip: int, width: int,
                   few_distinct: Sequence[int] = ()) -> pd.DataFrame | None:
    """Read a CSV's data rows with pyarrow's multi-threaded reader (4–5× faster than pandas').

    Blank lines are kept as rows, so row numbers stay those of the spreadsheet. Returns None
    when any row has a different number of fields or the file is not valid in ``encoding``:
    the caller then reads it with pandas, which pads short rows and locates long ones.

    Args:
        few_distinct: The columns of few distinct values (places, jenis, status, dates, flags):
            dictionary-encoded by the reader's threads and returned as categoricals, so the
            cleaning works on their distinct values without hashing a million cells again.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [str(i) for i in range(width)]
    invalid: list[int] = []

    def note_invalid(row) -> str:
        invalid.append(row.number)
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=skip, column_names=names,
                                           encoding="utf8" if encoding == "utf-8-sig" else encoding),
            # newlines_in_values: a quoted cell may hold a line break anywhere in the file (without
            # it, a block cut inside such a cell gives short rows). It makes the reader's blocks
            # smaller and their dictionaries many (≈0.35 s more per 10^6 rows), and a file with no
            # quote character cannot have such a cell.
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                                             newlines_in_values=has_quote_character(path),
                                             invalid_row_handler=note_invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.dictionary(pa.int32(), pa.string())
                                                               if i in few_distinct else pa.string()
                                                               for i, n in enumerate(names)},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError):
        return None
    if invalid:
        return None
    string = pd.StringDtype("pyarrow", na_value=np.nan)  # the same "str" dtype as pandas' reader
    block = table.to_pandas(types_mapper={pa.string(): string}.get)
    block.columns = range(width)
    return block


def has_quote_character(path: Path) -> bool:
    """Whether the file holds a double quote anywhere (one memchr pass over the mapped file)."""
    import mmap

    with path.open("rb") as handle:
        if not os.fstat(handle.fileno()).st_size:
            return False
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return mapped.find(b'"') >= 0


_CSV_HEAD_BYTES = 256 * 1024
# Fields of few distinct values per register (the others, nama, nik and no_kk, are one per person).
FEW_DISTINCT_FIELDS = frozenset({"jenis", "kecamatan", "kelurahan", "status", "tanggal"})


def _few_distinct_columns(placed: PlacedTable) -> list[int]:
    """Return the columns of a placed table holding a field of few distinct values, or a programme flag."""
    return [col for col, name in placed.columns.items()
            if name in FEW_DISTINCT_FIELDS or str(name).startswith(FLAG_PREFIX)]


def _read_csv(path: Path, plan: ReadPlan, log: ProblemLog, table: RawTable) -> list[pd.DataFrame]:
    with path.open("rb") as handle:
        raw_head = handle.read(_CSV_HEAD_BYTES)
    head, encoding = decode_csv_bytes(raw_head, partial=len(raw_head) == _CSV_HEAD_BYTES)
    if "\x00" in head:
        log.add("unreadable_file", variant="not_text", suffix=path.suffix.lower(), file=path.name)
        return []
    detected = _detect_csv(head, plan.lookup, plan.min_matches, plan.header_row)
    errors_before = log.error_count()
    placed = None if detected is None else place_table(detected[1], plan, path.name, "", log)
    if placed is None:
        if log.error_count() == errors_before:
            _log_header_not_found(log, plan, path.name)
        return []
    delimiter, rows = detected
    start = placed.header.data_start
    # A stacked header's rows may be trimmed differently: the wider one gives the columns.
    width = max(len(rows[i]) for i in (placed.header.index, placed.header.upper) if i is not None)
    width = max(width, 1)
    # pyarrow skips physical lines, pandas' C parser records (it knows quotes).
    skip = count_lines_through(head, delimiter, start)
    options = dict(
        sep=delimiter, header=None, skiprows=start, names=range(width),
        index_col=False, dtype="str", keep_default_na=False, na_filter=False, skip_blank_lines=False,
        engine="c",
    )
    try:
        try:
            block = _read_csv_fast(path, delimiter, encoding, skip, width, _few_distinct_columns(placed))
            if block is None:  # short/long rows, odd bytes: pandas pads or reports them
                block = pd.read_csv(path, encoding=encoding, **options)
        except UnicodeDecodeError:  # a non-UTF-8 byte beyond the sampled head: Windows-1252
            block = pd.read_csv(path, encoding="cp1252", encoding_errors="replace", **options)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        detail = " ".join(str(exc).split())
        line = re.search(r"line (\d+)", detail)
        log.add(
            "malformed_csv", detail=detail,
            file=path.name, row=int(line.group(1)) if line else None,  # pandas counts file lines
        )
        return []
    for col in [c for c in block.columns if block[c].hasnans]:
        block[col] = fill_blank(block[col])
    table.headers[(path.name, "")] = placed.texts
    table.header_rows[(path.name, "")] = placed.row
    table.sheets_read += 1
    return [_frame_from_block(block, placed, start + 1, path.name, "", plan)]


def _log_header_not_found(log: ProblemLog, plan: ReadPlan, file: str, is_workbook: bool = False) -> None:
    """Log a file without a header: at the row ``sumber.yml`` declared, if it did."""
    if plan.header_row is not None:
        log.add("header_not_found", variant="declared", header_row=plan.header_row, file=file)
    elif is_workbook:
        log.add("header_not_found", variant="workbook", file=file)
    else:
        log.add("header_not_found", file=file)


def read_tables(
    files: list[SourceFile], plan_for: Callable[[SourceFile], ReadPlan], columns: tuple[str, ...],
    log: ProblemLog, limits: Limits | None = None,
) -> RawTable:
    """Read and combine the rows of several files (one component, or all rekap files).

    Each file is read by its real type (:func:`ikuanalysis.ingest.filetype.read_type`): as
    delimited text or as a workbook, whatever its extension says, with a warning when the two
    differ; a file whose real type cannot be read is logged and skipped.

    Args:
        files: The files to read.
        plan_for: How each file is read (its aliases, required fields, ``sumber.yml`` entry).
        columns: All canonical columns; missing optional ones are added blank.
        log: Where problems are recorded.
        limits: The input limits workbooks are checked against (``config/limits.yml``); the
            defaults when None.
    """
    table = RawTable(frame=pd.DataFrame())
    frames: list[pd.DataFrame] = []
    for source in files:
        plan = plan_for(source)
        kind = read_type(source.path, log)  # by content: an .xls named .xlsx, CSV text named .xlsx
        if kind is None:
            continue
        if kind == TEXT:
            frames.extend(_read_csv(source.path, plan, log, table))
        else:
            before, errors_before = len(frames), log.error_count()
            frames.extend(_read_workbook(source.path, plan, log, table, source.component, limits))
            if len(frames) == before and log.error_count() == errors_before:  # nothing read, nothing said
                _log_header_not_found(log, plan, source.path.name, is_workbook=True)
    if not frames:
        frame = pd.DataFrame({c: pd.Series(dtype="object") for c in (*columns, "_first_text", "_kind")})
    else:  # no empty frame in the concat: it would turn Arrow strings into slow objects
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    flags = sorted(c for c in frame.columns if isinstance(c, str) and c.startswith(FLAG_PREFIX))
    for col in (*columns, *flags, "_first_text"):
        if col not in frame:
            frame[col] = pd.Series("", index=frame.index, dtype="str")
        elif frame[col].hasnans:  # a sheet without the column, concatenated with one having it
            frame[col] = fill_blank(frame[col])
    # Categorical: one name per file or sheet, and every selection of rows moves small codes, not strings.
    for col in ("_file", "_sheet", "_kind"):
        frame[col] = _as_category(frame[col] if col in frame else pd.Series("", index=frame.index, dtype="str"))
    frame["_row"] = frame.get("_row", pd.Series(dtype="int64")).astype("int64")
    table.frame = frame[[*columns, *flags, "_first_text", "_kind", *LOCATION_COLUMNS]]
    return table


def fill_blank(values: pd.Series) -> pd.Series:
    """Return a column with its missing cells as '' (a categorical gains '' as a category first)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and "" not in values.cat.categories:
        values = values.cat.add_categories([""])
    return values.fillna("")


def _as_category(values: pd.Series) -> pd.Series:
    """Return a text column of few distinct values (file, sheet, row kind) as a categorical of str.

    Frames of several sheets come concatenated as text when their categories differ.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype="str")), index=values.index)


def _jenis_from_context(source: SourceFile, component: Component, settings: Settings, lookup: HeaderLookup):
    """Where a register without a jenis column takes it from (contract §1.3), in order:
    ``sumber.yml``, the file name, the sheet name, a key–value cell above the header."""
    reference = settings.jenis.lists[component.jenis_list]
    aliases = settings.jenis.aliases

    def find(sheet: str, pairs: list) -> tuple[str, str] | None:
        if source.entry is not None and source.entry.jenis:
            return source.entry.jenis, "sumber.yml"
        named = jenis_named_in(source.path.stem, reference, aliases)
        if named:
            return named, "nama berkas"
        named = jenis_named_in(sheet, reference, aliases) if sheet else None
        if named:
            return named, "nama lembar"
        for key, value, index in pairs:
            alias = lookup.get(key)
            if alias is not None and alias.field == "jenis" and value:
                return value, f"keterangan '{key}' di atas judul (baris {index + 1})"
        return None

    return find


def register_plan(component: Component, settings: Settings) -> Callable[[SourceFile], ReadPlan]:
    """Return how each register file of ``component`` is read: the general aliases, the
    component's own order and flags, the file's ``sumber.yml`` entry."""
    vocabulary = settings.vocabulary
    summary = summary_pattern((*vocabulary.summary_prefixes, settings.iku.organization.city,
                               *vocabulary.footer_prefixes))
    footer = footer_pattern(vocabulary.footer_prefixes)
    footer_alone = footer_pattern(vocabulary.footer_prefixes, alone=True)

    def plan(source: SourceFile) -> ReadPlan:
        entry = source.entry
        declared = tuple(entry.status_dari or ()) if entry is not None else ()
        lookup = HeaderLookup.build(
            vocabulary.columns, vocabulary.ignored_headers, own=component.columns,
            extra=(entry.kolom if entry is not None else None), flags=declared or component.status_flags,
        )
        return ReadPlan(
            # A household component (counting_unit) also requires no_kk (data contract §1.4).
            lookup=lookup, required=component.required_columns(vocabulary.required), summary_pattern=summary,
            footer_pattern=footer, footer_alone_pattern=footer_alone,
            sheets=entry.lembar if entry is not None else None,
            header_row=entry.baris_judul if entry is not None else None,
            jenis=_jenis_from_context(source, component, settings, lookup), flags=declared,
            declared_jenis=entry.jenis if entry is not None else None,
            instruction_sheets=vocabulary.instruction_sheet_prefixes,
        )

    return plan


def read_registers(files: list[SourceFile], settings: Settings, log: ProblemLog) -> dict[str, RawTable]:
    """Read every register file, grouped by component id."""
    tables = {}
    for component in settings.iku.components:
        own = [f for f in files if f.kind == "register" and f.component == component.id]
        if own:
            tables[component.id] = read_tables(own, register_plan(component, settings), CANONICAL_COLUMNS, log,
                                               limits=settings.limits)
    return tables


_FOOTER_WORDS = ("Sumber", "Catatan", "Keterangan", "Petunjuk")  # the Vocabulary default (rekap has no vocabulary)


def read_rekap(
    files: list[SourceFile], log: ProblemLog, summary_prefixes: tuple[str, ...], limits: Limits | None = None,
) -> RawTable | None:
    """Read every rekap (aggregate) file of the year, or return None when there is none.

    Args:
        files: The files of the year folder.
        log: Where problems are recorded.
        summary_prefixes: Words that start a summary row.
        limits: The input limits (``settings.limits``); the defaults when None.
    """
    own = [f for f in files if f.kind == "rekap"]
    if not own:
        return None
    plan = ReadPlan(
        lookup=HeaderLookup.build({c: () for c in REKAP_COLUMNS}), required=("komponen", "sasaran", "realisasi"),
        min_matches=3, summary_pattern=summary_pattern((*summary_prefixes, *_FOOTER_WORDS)), anchor="komponen",
        footer_pattern=footer_pattern(_FOOTER_WORDS), footer_alone_pattern=footer_pattern(_FOOTER_WORDS, alone=True),
    )
    return read_tables(own, lambda source: plan, REKAP_COLUMNS, log, limits=limits)
