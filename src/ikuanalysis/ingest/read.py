"""Read the registers as received: sheets, header rows and columns; nothing here interprets values
(:mod:`ikuanalysis.ingest.values` does). The output is one raw table per component with the canonical
columns of the data contract and the location of every row (file, sheet, spreadsheet row).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ikuanalysis.config import CANONICAL_COLUMNS, Limits, Settings, normalize_key
from ikuanalysis.ingest.discover import COMPONENT_NAME, REKAP_COLUMNS, SourceFile
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.values import _as_text, match_regex, summary_pattern
from ikuanalysis.ingest.workbook_scan import (
    WorkbookTooLarge,
    check_zip_sizes,
    is_zip,
    read_sparse_sheet,
    scan_ods_errors,
    scan_xlsx,
)

HEADER_SEARCH_ROWS = 30
CSV_DELIMITERS = (";", ",", "\t")  # tried in this order; the first of equally good ones wins
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
    """

    frame: pd.DataFrame
    headers: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    sheets_read: int = 0


def find_header(
    rows: list[list[object]], lookup: Mapping[str, str], min_matches: int = 2
) -> tuple[int, dict[int, str], list[tuple[str, list[int]]]] | None:
    """Find the header row among the first rows of a sheet.

    Args:
        rows: The sheet's first rows, as lists of cell values.
        lookup: Normalised header -> canonical column name.
        min_matches: How many distinct canonical columns make a header row.

    Returns:
        ``(row_index, {column_index: canonical}, duplicates)`` for the first row that
        names at least ``min_matches`` canonical columns, where ``duplicates`` lists the
        canonical names found in more than one column; ``None`` when no row does.
    """
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matches: dict[str, list[int]] = {}
        for col, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip():
                canonical = lookup.get(normalize_key(cell))
                if canonical:
                    matches.setdefault(canonical, []).append(col)
        if len(matches) >= min_matches:
            mapping = {cols[0]: name for name, cols in matches.items()}
            duplicates = [(name, cols) for name, cols in matches.items() if len(cols) > 1]
            return index, mapping, duplicates
    return None


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _first_text(block: pd.DataFrame, candidate: str) -> pd.Series:
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
        text = _as_text(column)
        has_letter = match_regex(text, _LETTER.pattern)
        if not has_letter.any():
            continue
        is_hit = has_letter & match_regex(text, candidate)
        if is_hit.any():
            found_at.append(undecided[is_hit])
            found.extend(str(value).strip() for value in text.to_numpy()[is_hit])
        undecided = undecided[~has_letter]
    if found_at:
        first.iloc[np.concatenate(found_at)] = found
    return first


def _frame_from_block(
    block: pd.DataFrame, mapping: dict[int, str], first_row_number: int, file: str, sheet: str,
    candidate: str, row_numbers: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Turn the data rows below a header into a canonical frame with locations.

    The rows are numbered from ``first_row_number`` on, or by ``row_numbers`` when given (a
    sheet read over its occupied rows only).
    """
    frame = pd.DataFrame({name: block[col] for col, name in mapping.items()}, index=block.index)
    frame["_first_text"] = _first_text(block, candidate)
    frame["_file"] = file
    frame["_sheet"] = sheet
    frame["_row"] = range(first_row_number, first_row_number + len(frame)) if row_numbers is None else row_numbers
    return frame.reset_index(drop=True)


def _check_header(
    header: tuple[int, dict[int, str], list[tuple[str, list[int]]]],
    header_row: list[object],
    required: tuple[str, ...],
    file: str,
    sheet: str,
    log: ProblemLog,
    row_number: int | None = None,
    column_numbers: Sequence[int] | None = None,
) -> bool:
    """Log duplicated and missing required columns; return whether the header is usable.

    ``row_number`` is the header's spreadsheet row (its index + 1 when None) and
    ``column_numbers`` the spreadsheet column of each column (the same index when None).
    """
    index, mapping, duplicates = header
    row = index + 1 if row_number is None else row_number
    ok = True
    for name, cols in duplicates:
        letters = ", ".join(
            f"{column_letter(c if column_numbers is None else column_numbers[c])} ('{header_row[c]}')" for c in cols
        )
        log.add(
            "duplicate_column", name=name, letters=letters,
            file=file, sheet=sheet, row=row, column=str(header_row[cols[1]]),
        )
        ok = False
    missing = [c for c in required if c not in mapping.values()]
    if missing:
        log.add(
            "missing_column", missing=", ".join(missing), header_row=row,
            file=file, sheet=sheet, row=row,
        )
        ok = False
    return ok


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


def iter_spreadsheet_sheets(path: Path, limits: Limits | None = None) -> Iterator[SheetRows]:
    """Yield the sheets of a workbook, within the input limits.

    A zip-based workbook is first checked against ``limits`` (the defaults when None); the
    sheets of an xlsx/xlsm whose filled cells are scattered far apart are read over their
    occupied rows and columns only (see :mod:`ikuanalysis.ingest.workbook_scan`), the others
    from A1 (row 0 is spreadsheet row 1). A formula's error cell (#N/A, #VALUE!, …) holds its
    code as text, as in a CSV exported from Excel: the spreadsheet reader gives '' for it, so
    the codes come from the scan of the workbook's XML (xlsx, xlsm, ods) and are put back.

    Raises:
        WorkbookTooLarge: The workbook is over a limit; nothing of it is read.
    """
    from python_calamine import (
        CalamineWorkbook,  # imported here: only needed for workbooks
    )

    limits = Limits() if limits is None else limits
    scan, sparse, errors = None, {}, {}
    if is_zip(path):
        with zipfile.ZipFile(path) as archive:
            is_xlsx = "xl/workbook.xml" in archive.namelist()
            check_zip_sizes(archive, limits)
        if is_xlsx:
            scan = scan_xlsx(path, limits)
            sparse = {sheet.name: sheet for sheet in scan.sheets if not sheet.is_dense}
            errors = {sheet.name: sheet.errors for sheet in scan.sheets if sheet.errors}
        else:
            errors = scan_ods_errors(path, limits)
    workbook = CalamineWorkbook.from_path(str(path))
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


def _read_workbook(
    path: Path, lookup: Mapping[str, str], required: tuple[str, ...], min_matches: int,
    log: ProblemLog, table: RawTable, candidate: str, own: str | None = None, limits: Limits | None = None,
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
    for sheet, rows, row_numbers, column_numbers in sheets:
        found = COMPONENT_NAME.match(sheet.strip())
        other = found.group(1).lower() if found else None
        if own and other and other != own:
            # A whole template workbook sent as one file: its x2..xn sheets must not count as x1.
            log.add(
                "sheet_of_other_component", sheet_name=sheet, other=other, own=own,
                file=path.name, sheet=sheet,
            )
            continue
        # The header is looked for on spreadsheet rows 1-30, also when only occupied rows were read.
        searched = rows if row_numbers is None else rows[: bisect_right(row_numbers, HEADER_SEARCH_ROWS)]
        header = find_header(searched, lookup, min_matches)
        if header is None:
            log.add("sheet_skipped", file=path.name, sheet=sheet)
            continue
        index, mapping, _ = header
        header_row = rows[index]
        row_number = index + 1 if row_numbers is None else row_numbers[index]
        if not _check_header(header, header_row, required, path.name, sheet, log, row_number, column_numbers):
            continue
        block = pd.DataFrame(rows[index + 1:], dtype="object")
        if block.empty:
            block = pd.DataFrame(columns=range(len(header_row)), dtype="object")
        table.headers[(path.name, sheet)] = {name: str(header_row[c]).strip() for c, name in mapping.items()}
        data_numbers = None if row_numbers is None else row_numbers[index + 1:]
        frames.append(_frame_from_block(block, mapping, index + 2, path.name, sheet, candidate, data_numbers))
        table.sheets_read += 1
    return frames


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
    lines: list[str], score: Callable[[list[list[str]]], int]
) -> tuple[str, list[list[str]]] | None:
    """Split ``lines`` with each of :data:`CSV_DELIMITERS` and keep the best-scoring split.

    Args:
        lines: The first lines of the file.
        score: How well the split rows look like the expected header (0: not at all).

    Returns:
        ``(delimiter, rows)`` of the highest positive score (the earlier delimiter on ties),
        or None when no delimiter scores above 0.
    """
    limit = csv.field_size_limit()
    # A huge cell must not stop the detection.
    csv.field_size_limit(max(limit, sum(len(line) + 1 for line in lines) + 1))
    try:
        candidates = [(d, list(csv.reader(lines, delimiter=d))) for d in CSV_DELIMITERS]
    finally:
        csv.field_size_limit(limit)
    best, best_score = None, 0
    for delimiter, rows in candidates:
        found = score(rows)
        if found > best_score:
            best, best_score = (delimiter, rows), found
    return best


def _detect_csv(head: str, lookup: Mapping[str, str], min_matches: int):
    """Return ``(delimiter, header, rows)`` for the delimiter that yields the best header row."""

    def header_size(rows: list[list[str]]) -> int:
        header = find_header(rows, lookup, min_matches)
        return len(header[1]) if header else 0

    # Only the first rows matter. Lines end where a CSV reader ends them (\n, \r\n, old Mac \r),
    # not at a form feed or U+2028 inside a cell, as str.splitlines would.
    lines = list(itertools.islice(io.StringIO(head, newline=""), HEADER_SEARCH_ROWS))
    sniffed = sniff_delimiter(lines, header_size)
    if sniffed is None:
        return None
    delimiter, rows = sniffed
    return delimiter, find_header(rows, lookup, min_matches), rows


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


def _read_csv_fast(path: Path, delimiter: str, encoding: str, skip: int, width: int) -> pd.DataFrame | None:
    """Read a CSV's data rows with pyarrow's multi-threaded reader (4–5× faster than pandas').

    Blank lines are kept as rows, so row numbers stay those of the spreadsheet. Returns None
    when any row has a different number of fields or the file is not valid in ``encoding``:
    the caller then reads it with pandas, which pads short rows and locates long ones.
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
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                                             invalid_row_handler=note_invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
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


_CSV_HEAD_BYTES = 256 * 1024


def _read_csv(
    path: Path, lookup: Mapping[str, str], required: tuple[str, ...], min_matches: int,
    log: ProblemLog, table: RawTable, candidate: str,
) -> list[pd.DataFrame]:
    with path.open("rb") as handle:
        raw_head = handle.read(_CSV_HEAD_BYTES)
    head, encoding = decode_csv_bytes(raw_head, partial=len(raw_head) == _CSV_HEAD_BYTES)
    if "\x00" in head:
        log.add("unreadable_file", variant="not_text", file=path.name)
        return []
    detected = _detect_csv(head, lookup, min_matches)
    if detected is None:
        log.add("header_not_found", file=path.name)
        return []
    delimiter, header, rows = detected
    index, mapping, _ = header
    header_row = rows[index]
    if not _check_header(header, header_row, required, path.name, "", log):
        return []
    # pyarrow skips physical lines, pandas' C parser records (it knows quotes).
    skip = count_lines_through(head, delimiter, index + 1)
    options = dict(
        sep=delimiter, header=None, skiprows=index + 1, names=range(max(len(header_row), 1)),
        index_col=False, dtype="str", keep_default_na=False, na_filter=False, skip_blank_lines=False,
        engine="c",
    )
    try:
        try:
            block = _read_csv_fast(path, delimiter, encoding, skip, max(len(header_row), 1))
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
    block = block.fillna("")
    table.headers[(path.name, "")] = {name: str(header_row[c]).strip() for c, name in mapping.items()}
    table.sheets_read += 1
    return [_frame_from_block(block, mapping, index + 2, path.name, "", candidate)]


def read_tables(
    files: list[SourceFile], lookup: Mapping[str, str], required: tuple[str, ...],
    columns: tuple[str, ...], log: ProblemLog, min_matches: int = 2,
    summary_prefixes: tuple[str, ...] = ("Jumlah", "Total", "Sub Total", "Grand Total", "Rekap"),
    limits: Limits | None = None,
) -> RawTable:
    """Read and combine the rows of several files (one component, or all rekap files).

    Args:
        files: The files to read.
        lookup: Normalised header -> canonical column.
        required: Canonical columns every file must have.
        columns: All canonical columns; missing optional ones are added blank.
        log: Where problems are recorded.
        min_matches: Matches that make a header row.
        summary_prefixes: Words that start a summary row (config ``summary_prefixes``).
        limits: The input limits workbooks are checked against (``config/limits.yml``); the
            defaults when None.
    """
    candidate = summary_pattern(summary_prefixes)
    table = RawTable(frame=pd.DataFrame())
    frames: list[pd.DataFrame] = []
    for source in files:
        if source.path.suffix.lower() == ".csv":
            frames.extend(_read_csv(source.path, lookup, required, min_matches, log, table, candidate))
        else:
            before, errors_before = len(frames), log.error_count()
            frames.extend(_read_workbook(source.path, lookup, required, min_matches, log, table, candidate,
                                         source.component, limits))
            if len(frames) == before and log.error_count() == errors_before:  # nothing read, nothing said
                log.add("header_not_found", variant="workbook", file=source.path.name)
    if not frames:
        frame = pd.DataFrame({c: pd.Series(dtype="object") for c in (*columns, "_first_text")})
    else:  # no empty frame in the concat: it would turn Arrow strings into slow objects
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    for col in (*columns, "_first_text"):
        frame[col] = frame[col].fillna("") if col in frame else pd.Series("", index=frame.index, dtype="str")
    frame["_file"] = frame.get("_file", pd.Series(dtype="str")).astype("str")
    frame["_sheet"] = frame.get("_sheet", pd.Series(dtype="str")).astype("str")
    frame["_row"] = frame.get("_row", pd.Series(dtype="int64")).astype("int64")
    table.frame = frame[[*columns, "_first_text", *LOCATION_COLUMNS]]
    return table


def read_registers(files: list[SourceFile], settings: Settings, log: ProblemLog) -> dict[str, RawTable]:
    """Read every register file, grouped by component id."""
    vocabulary = settings.vocabulary
    tables = {}
    for component in settings.iku.component_ids:
        own = [f for f in files if f.kind == "register" and f.component == component]
        if own:
            # A household component (counting_unit) also requires no_kk (data contract §1.4).
            required = settings.iku.component(component).required_columns(vocabulary.required)
            tables[component] = read_tables(
                own, vocabulary.header_lookup, required, CANONICAL_COLUMNS, log,
                summary_prefixes=vocabulary.summary_prefixes, limits=settings.limits,
            )
    return tables


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
    lookup = {normalize_key(c): c for c in REKAP_COLUMNS}
    return read_tables(own, lookup, ("komponen", "sasaran", "realisasi"), REKAP_COLUMNS, log, min_matches=3,
                       summary_prefixes=summary_prefixes, limits=limits)
