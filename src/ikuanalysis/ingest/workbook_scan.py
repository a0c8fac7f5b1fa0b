"""Check a zip-based workbook against the input limits before it is read, and read sparse sheets.

A workbook is a zip of XML parts. Two crafted files can exhaust the machine when read as is:
a part that inflates to gigabytes (a "zip bomb", e.g. a huge sharedStrings part), and a sheet
whose filled cells lie far apart (data in A1:H20 plus one space in XFD1048576), for which the
spreadsheet reader allocates the whole dense range. :func:`check_zip_sizes` refuses the first
from the zip directory; :func:`scan_xlsx` streams every part of an xlsx/xlsm, counts the real
inflated bytes and, for each worksheet, the filled cells and how far they reach; a sheet whose
cells are scattered is then read by :func:`read_sparse_sheet` over its occupied rows and columns
only. Limits come from ``config/limits.yml`` (:class:`ikuanalysis.config.Limits`).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import iterparse

from ikuanalysis.config import Limits
from ikuanalysis.formatting import format_number
from ikuanalysis.ingest.values import excel_error_text

MIB = 1024 * 1024
RATIO_CHECKED_FROM = 16 * MIB  # smaller parts may be as compressible as they like
_CHUNK = 1024 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# The fast scan: cells written as <c r="B7" ...>, cells with a value (<v>…</v> or <is>…</is>).
_CELL_START = re.compile(rb"<c[ >/]")
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]+)')
_CELL_ROW = re.compile(rb'<c r="[A-Z]+(\d+)"')
_PREFIXED_ROOT = re.compile(rb"<[A-Za-z_][\w.-]*:worksheet\b")
# An error cell: <c r="E3" s="1" t="e"><f>VLOOKUP(…)</f><v>#N/A</v></c> (or <c r="E3" t="e"/>).
_ERROR_MARK = b't="e"'
_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?\st="e"[^>]*?(/?)>')
_CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")
_REF = re.compile(r"^([A-Z]+)(\d+)$")
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


class WorkbookTooLarge(Exception):
    """A workbook over an input limit; it must not be read.

    Attributes:
        code: The problem code (``workbook_too_large`` or ``workbook_too_many_cells``).
        variant: The message variant (None for the main message).
        params: The message's parameters.
        sheet: The sheet concerned, '' for the whole workbook.
    """

    def __init__(self, code: str, variant: str | None = None, sheet: str = "", **params: object):
        super().__init__(f"{code} {variant or ''} {params}")
        self.code, self.variant, self.sheet, self.params = code, variant, sheet, params


@dataclass(frozen=True)
class SheetScan:
    """What the stream of one worksheet part showed.

    Attributes:
        name: The sheet's name.
        part: Its zip member (``xl/worksheets/sheet1.xml``).
        cells: Cells holding a value (a space counts; a formatted empty cell does not).
        last_row: The last row any written cell reaches (1-based; 0 for an empty sheet).
        last_column: The last column any written cell reaches (1-based; 0 for an empty sheet).
        errors: The error cells (``t="e"``: a formula's #N/A, #VALUE!, …), as ``(row, column,
            code)`` with the row 1-based, the column 0-based and the code as
            :func:`ikuanalysis.ingest.values.excel_error_text` reads it. The spreadsheet reader
            gives '' for them.
    """

    name: str
    part: str
    cells: int
    last_row: int
    last_column: int
    errors: tuple[tuple[int, int, str], ...] = ()

    @property
    def area(self) -> int:
        """Cells of the dense range from A1 to the farthest written cell (what a dense reader allocates)."""
        return self.last_row * self.last_column

    @property
    def is_dense(self) -> bool:
        """Whether the dense range is small enough to read as a whole (≤ 4 × filled cells + 10⁶)."""
        return self.area <= dense_budget(self.cells)


@dataclass(frozen=True)
class WorkbookScan:
    """The result of :func:`scan_xlsx`: the sheets in workbook order, and where their parts are.

    Attributes:
        sheets: One scan per worksheet (chart sheets are left out).
        shared_strings: The zip member of the shared strings ('' when there is none).
        styles: The zip member of the styles ('' when there is none).
        date1904: Whether serial numbers count from 1904 (old Mac workbooks).
        inflated_bytes: The real size of all parts once inflated.
    """

    sheets: tuple[SheetScan, ...]
    shared_strings: str = ""
    styles: str = ""
    date1904: bool = False
    inflated_bytes: int = 0

    @property
    def cells(self) -> int:
        """Filled cells of the whole workbook."""
        return sum(s.cells for s in self.sheets)


@dataclass
class SparseSheet:
    """A sheet read over its occupied rows and columns only.

    Attributes:
        rows: Cell values, one list per occupied row, one entry per occupied column ('' when empty).
        row_numbers: The spreadsheet row number (1-based) of each row.
        column_numbers: The spreadsheet column index (0-based, 0 = A) of each column.
    """

    rows: list[list[object]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    column_numbers: list[int] = field(default_factory=list)


def dense_budget(cells: int) -> int:
    """Return the largest dense area read as a whole for a sheet of ``cells`` filled cells."""
    return 4 * cells + 1_000_000


def is_zip(path: Path) -> bool:
    """Whether the file starts with the bytes of a zip archive (xlsx, xlsm, ods, …)."""
    with open(path, "rb") as handle:
        return handle.read(4) in _ZIP_MAGIC


def _megabytes(size: float) -> str:
    return f"{format_number(size / MIB, 1)} MB"


def check_zip_sizes(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a workbook from its zip directory: total declared size and compression ratio.

    Raises:
        WorkbookTooLarge: The parts declare more than ``workbook_max_uncompressed_mb`` in all,
            or a part over 16 MiB inflates more than ``workbook_max_compression_ratio`` times.
    """
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    if total > limits.workbook_max_uncompressed_mb * MIB:
        raise WorkbookTooLarge("workbook_too_large", size=_megabytes(total),
                               limit=limits.workbook_max_uncompressed_mb)
    for member in members:
        if member.file_size > RATIO_CHECKED_FROM:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.workbook_max_compression_ratio:
                raise WorkbookTooLarge("workbook_too_large", variant="ratio", part=member.filename,
                                       size=_megabytes(member.file_size), ratio=f"{ratio:.0f}",
                                       limit=limits.workbook_max_compression_ratio)


class _Inflated:
    """Counts the bytes inflated from every part of one workbook and stops over the limit."""

    def __init__(self, limits: Limits):
        self.limit = limits.workbook_max_uncompressed_mb * MIB
        self.total = 0

    def chunks(self, archive: zipfile.ZipFile, member: str):
        """Yield the inflated bytes of ``member`` in chunks (at most the limit in all)."""
        with archive.open(member) as handle:
            while chunk := handle.read(_CHUNK):
                self.add(len(chunk))
                yield chunk

    def add(self, size: int) -> None:
        self.total += size
        if self.total > self.limit:
            raise WorkbookTooLarge("workbook_too_large", size=f"lebih dari {_megabytes(self.limit)}",
                                   limit=self.limit // MIB)

    def reader(self, archive: zipfile.ZipFile, member: str):
        """Return a file-like reader of ``member`` that counts what it inflates."""
        counter = self

        class _Reader:
            def __init__(self):
                self._chunks = counter.chunks(archive, member)

            def read(self, size: int = -1) -> bytes:
                return next(self._chunks, b"")

        return _Reader()


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _small_xml(archive: zipfile.ZipFile, member: str, inflated: _Inflated):
    """Yield the elements of a small part (workbook, relationships) as they end."""
    for _, element in iterparse(inflated.reader(archive, member)):
        yield element


def _workbook_parts(archive: zipfile.ZipFile, inflated: _Inflated) -> tuple[list[tuple[str, str]], dict, bool]:
    """Return ``([(sheet name, part)], {relationship type: part}, date1904)`` of an xlsx."""
    targets: dict[str, str] = {}
    by_type: dict[str, str] = {}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in archive.namelist():
        for element in _small_xml(archive, rels, inflated):
            if _local(element.tag) == "Relationship":
                target = element.get("Target", "")
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                targets[element.get("Id", "")] = part
                by_type[element.get("Type", "").rpartition("/")[2]] = part
    sheets, date1904 = [], False
    for element in _small_xml(archive, "xl/workbook.xml", inflated):
        name = _local(element.tag)
        if name == "sheet":
            part = targets.get(element.get(f"{{{_REL_NS}}}id", ""), "")
            if part.startswith("xl/worksheets/"):
                sheets.append((element.get("name", ""), part))
        elif name == "workbookPr":
            date1904 = element.get("date1904", "0").lower() in ("1", "true")
    return sheets, by_type, date1904


def _scan_sheet_fast(chunks) -> tuple[int, int, int, tuple[tuple[int, int, str], ...], bool]:
    """Scan a worksheet part with byte patterns: ``(cells, last_row, last_column, errors, ok)``.

    ``ok`` is False when the part is written in a way the patterns do not cover (a namespace
    prefix, a cell without its ``r`` reference); the caller then parses it as XML. The part is
    cut before the last cell start of each chunk, so every cell is scanned whole; error cells
    (rare) are looked for only in the stretches that hold ``t="e"``.
    """
    cells = last_row = 0
    columns: set[bytes] = set()
    errors: list[tuple[int, int, str]] = []
    tail = b""
    first = True

    def scan(body: bytes) -> bool:
        nonlocal cells, last_row
        rows = _CELL_ROW.findall(body)
        if len(rows) != len(_CELL_START.findall(body)):
            return False  # a cell without r="…" first
        if rows:
            last_row = max(last_row, max(map(int, rows)))
            columns.update(_CELL_COLUMN.findall(body))
        cells += body.count(b"<v>") + body.count(b"<is>")
        if _ERROR_MARK in body:
            errors.extend(_error_cells(body))
        return True

    for chunk in chunks:
        buffer = tail + chunk
        cut = buffer.rfind(b"<c ")
        cut = buffer.rfind(b"<") if cut < 0 else cut
        cut = len(buffer) if cut < 0 else cut
        body, tail = buffer[:cut], buffer[cut:]
        if first:
            first = False
            if _PREFIXED_ROOT.search(body[:4096] or tail[:4096]):
                return 0, 0, 0, (), False
        if not scan(body):
            return 0, 0, 0, (), False
    if not scan(tail):
        return 0, 0, 0, (), False
    last_column = max((_column_index(c.decode()) + 1 for c in columns), default=0)
    return cells, last_row, last_column, tuple(errors), True


def _error_cells(body: bytes) -> list[tuple[int, int, str]]:
    """Return ``(row, column, code)`` of the error cells of a stretch of whole cells."""
    found = []
    for match in _ERROR_CELL.finditer(body):
        raw = None
        if not match.group(3):  # not <c … t="e"/>: the code is in the cell's <v>
            end = body.find(b"</c>", match.end())
            value = _CELL_VALUE.search(body, match.end(), len(body) if end < 0 else end)
            raw = value.group(1).decode("utf-8", "replace") if value else None
        found.append((int(match.group(2)), _column_index(match.group(1).decode()), excel_error_text(raw)))
    return found


def _column_index(letters: str) -> int:
    """Return the 0-based index of column letters (A -> 0, AB -> 27)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def scan_xlsx(path: Path, limits: Limits) -> WorkbookScan:
    """Check an xlsx/xlsm workbook against the limits and scan its worksheets.

    Every part is inflated once, in chunks, counting the real bytes (declared sizes may lie);
    worksheet parts are scanned for their filled cells and their farthest cell.

    Raises:
        WorkbookTooLarge: Over ``workbook_max_uncompressed_mb`` (declared or real), a part
            too compressible, or more than ``workbook_max_cells`` filled cells in all.
        zipfile.BadZipFile, KeyError, xml.etree.ElementTree.ParseError: A corrupt file.
    """
    inflated = _Inflated(limits)
    with zipfile.ZipFile(path) as archive:
        check_zip_sizes(archive, limits)
        sheets, by_type, date1904 = _workbook_parts(archive, inflated)
        scans = []
        for name, part in sheets:
            cells, last_row, last_column, errors, ok = _scan_sheet_fast(inflated.chunks(archive, part))
            if not ok:
                cells, last_row, last_column, errors = _scan_sheet_xml(archive, part, inflated)
            scans.append(SheetScan(name, part, cells, last_row, last_column, errors))
            total = sum(s.cells for s in scans)
            if total > limits.workbook_max_cells:
                raise WorkbookTooLarge("workbook_too_many_cells", cells=format_number(total),
                                       limit=format_number(limits.workbook_max_cells))
        scanned = {part for _, part in sheets}
        for member in archive.namelist():  # the other parts: only their real size matters here
            if member not in scanned and not member.endswith("/"):
                for _ in inflated.chunks(archive, member):
                    pass
    return WorkbookScan(tuple(scans), by_type.get("sharedStrings", ""), by_type.get("styles", ""), date1904,
                        inflated.total)


# --- Error cells of an OpenDocument spreadsheet -------------------------------------------------

_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_ODS_ERROR_MARKS = (b'value-type="error"', b"value-type='error'")
_ODS_CELLS = frozenset({f"{{{_ODS_TABLE}}}table-cell", f"{{{_ODS_TABLE}}}covered-table-cell"})


def scan_ods_errors(path: Path, limits: Limits) -> dict[str, tuple[tuple[int, int, str], ...]]:
    """Return the error cells of an ods workbook by sheet: ``{sheet: ((row, column, code), …)}``.

    LibreOffice writes a formula's error as ``<table:table-cell calcext:value-type="error">``
    with the code (in its own language) as the cell text; the spreadsheet reader gives '' for
    it. ``content.xml`` is first searched for that attribute as bytes (nothing more is done
    for the usual workbook without errors), then parsed, counting repeated rows and cells.
    Rows are 1-based, columns 0-based, codes as :func:`ikuanalysis.ingest.values.excel_error_text`
    reads them; at most ``workbook_max_cells`` cells are listed.

    Raises:
        WorkbookTooLarge: ``content.xml`` inflates beyond ``workbook_max_uncompressed_mb``.
    """
    with zipfile.ZipFile(path) as archive:
        if "content.xml" not in archive.namelist():
            return {}
        inflated = _Inflated(limits)
        overlap = b""
        for chunk in inflated.chunks(archive, "content.xml"):
            if any(mark in overlap + chunk[:64] or mark in chunk for mark in _ODS_ERROR_MARKS):
                break
            overlap = chunk[-64:]
        else:
            return {}
        return _ods_errors(archive, _Inflated(limits), limits.workbook_max_cells)


def _ods_errors(archive: zipfile.ZipFile, inflated: _Inflated, limit: int) -> dict[str, tuple[tuple[int, int, str], ...]]:
    found: dict[str, list[tuple[int, int, str]]] = {}
    sheet, row, column, row_repeat, depth, listed = "", 0, 0, 1, 0, 0
    table, table_row = f"{{{_ODS_TABLE}}}table", f"{{{_ODS_TABLE}}}table-row"
    value_type, rows_repeated = f"{{{_ODS_CALCEXT}}}value-type", f"{{{_ODS_TABLE}}}number-rows-repeated"
    columns_repeated = f"{{{_ODS_TABLE}}}number-columns-repeated"
    for event, element in iterparse(inflated.reader(archive, "content.xml"), events=("start", "end")):
        tag = element.tag
        if tag == table:
            depth += 1 if event == "start" else -1
            if event == "start" and depth == 1:
                sheet, row = element.get(f"{{{_ODS_TABLE}}}name", ""), 0
            continue
        if depth != 1:
            continue  # a table inside a cell (rare) is not a sheet
        if tag == table_row:
            if event == "start":
                column, row_repeat = 0, int(element.get(rows_repeated) or 1)
            else:
                row += row_repeat
                element.clear()
        elif tag in _ODS_CELLS and event == "end":
            repeat = int(element.get(columns_repeated) or 1)
            if element.get(value_type) == "error" and listed < limit:
                code = excel_error_text("".join(element.itertext()))
                cells = [(row + r + 1, column + c, code) for r in range(min(row_repeat, limit))
                         for c in range(min(repeat, limit))][: limit - listed]
                found.setdefault(sheet, []).extend(cells)
                listed += len(cells)
            column += repeat
            element.clear()
    return {name: tuple(cells) for name, cells in found.items()}


# --- Sparse reading ----------------------------------------------------------------------------


def _iter_cells(archive: zipfile.ZipFile, part: str, inflated: _Inflated):
    """Yield ``(row, column, type, style, raw value)`` of each written cell of a worksheet part.

    ``row`` is 1-based, ``column`` 0-based; the raw value is the text of ``<v>``, or the
    joined text of an inline string, or None. Cells without ``r`` follow the previous one.
    """
    row = 0
    column = -1
    for event, element in iterparse(inflated.reader(archive, part), events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                row = int(element.get("r") or row + 1)
                column = -1
            continue
        if tag == "c":
            ref = _REF.match(element.get("r") or "")
            if ref:
                column, row = _column_index(ref.group(1)), int(ref.group(2))
            else:
                column += 1
            kind = element.get("t", "n")
            raw = None
            for child in element:
                name = _local(child.tag)
                if name == "v":
                    raw = child.text
                elif name == "is":
                    raw = _string_item_text(child)
            yield row, column, kind, int(element.get("s") or 0), raw
            element.clear()
        elif tag == "row":
            element.clear()


def _scan_sheet_xml(
    archive: zipfile.ZipFile, part: str, inflated: _Inflated
) -> tuple[int, int, int, tuple[tuple[int, int, str], ...]]:
    """Scan a worksheet part as XML (slower; any spelling): ``(cells, last_row, last_column, errors)``."""
    cells = last_row = last_column = 0
    errors = []
    for row, column, kind, _, raw in _iter_cells(archive, part, inflated):
        cells += raw is not None
        last_row, last_column = max(last_row, row), max(last_column, column + 1)
        if kind == "e":
            errors.append((row, column, excel_error_text(raw)))
    return cells, last_row, last_column, tuple(errors)


_ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")


def decode_escapes(text: str) -> str:
    """Decode the ``_xHHHH_`` escapes of a workbook string (ST_Xstring): a form feed is stored as
    ``_x000C_``, a literal ``_x000C_`` as ``_x005F_x000C_``."""
    if "_x" not in text:
        return text
    return _ESCAPED_CHARACTER.sub(lambda found: chr(int(found.group(1), 16)), text)


def _string_item_text(item) -> str:
    """Return the text of a shared or inline string item (runs joined, phonetic guides left out,
    ``_xHHHH_`` escapes decoded)."""
    parts = []
    for child in item:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return decode_escapes("".join(parts))


def _shared_strings(archive: zipfile.ZipFile, part: str, inflated: _Inflated) -> list[str]:
    strings: list[str] = []
    if not part:
        return strings
    root = None
    for event, element in iterparse(inflated.reader(archive, part), events=("start", "end")):
        if root is None:
            root = element
        if event == "end" and _local(element.tag) == "si":
            strings.append(_string_item_text(element))
            root.clear()
    return strings


def _is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date or time (d, m, y, h or s outside quotes)."""
    return bool(re.search(r"[dmyhs]", _FORMAT_NOISE.sub("", code).lower()))


def _date_styles(archive: zipfile.ZipFile, part: str, inflated: _Inflated) -> set[int]:
    """Return the indexes of the cell styles (``cellXfs``) whose number format is a date."""
    if not part:
        return set()
    custom: dict[int, bool] = {}
    formats: list[int] = []
    in_cell_xfs = False
    for event, element in iterparse(inflated.reader(archive, part), events=("start", "end")):
        tag = _local(element.tag)
        if tag == "cellXfs":
            in_cell_xfs = event == "start"
        elif event == "end" and tag == "numFmt":
            custom[int(element.get("numFmtId", "0"))] = _is_date_format(element.get("formatCode", ""))
        elif event == "end" and tag == "xf" and in_cell_xfs:
            formats.append(int(element.get("numFmtId", "0")))
    return {i for i, f in enumerate(formats) if custom.get(f, f in _DATE_FORMAT_IDS)}


def _serial_to_date(serial: float, date1904: bool) -> dt.date | dt.datetime:
    """Return a serial number as the spreadsheet reader does: a date, or a datetime when timed."""
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    moment = epoch + dt.timedelta(days=serial)
    return moment.date() if moment.time() == dt.time() else moment


def _cell_value(kind: str, raw: str | None, style: int, shared: list[str], dates: set[int], date1904: bool):
    """Return a cell's value as the dense reader gives it; None for a blank cell.

    An error cell is its code (see :func:`ikuanalysis.ingest.values.excel_error_text`), which
    the dense reading puts in from :attr:`SheetScan.errors`.
    """
    if kind == "e":
        return excel_error_text(raw)
    if raw is None:
        return None
    if kind == "s":
        index = int(raw)
        value: object = shared[index] if 0 <= index < len(shared) else ""
    elif kind == "inlineStr":  # decoded by _string_item_text
        value = raw
    elif kind == "str":  # a formula's text result
        value = decode_escapes(raw)
    elif kind == "b":
        value = raw.strip() in ("1", "true")
    elif kind == "d":
        try:
            value = dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            value = raw
    else:
        try:
            number = float(raw)
        except ValueError:
            return None
        value = _serial_to_date(number, date1904) if style in dates else number
    if isinstance(value, str) and not value.strip():
        return None
    return value


def read_sparse_sheet(path: Path, scan: WorkbookScan, sheet: SheetScan, limits: Limits) -> SparseSheet:
    """Read one worksheet over its occupied rows and columns only.

    Cells that are empty or only whitespace are dropped; the rows and columns left keep their
    spreadsheet numbers in :class:`SparseSheet`.

    Raises:
        WorkbookTooLarge: The occupied rows times the occupied columns exceed the dense budget
            (filled cells scattered over many rows and columns), or the parts inflate too much.
    """
    inflated = _Inflated(limits)
    with zipfile.ZipFile(path) as archive:
        shared = _shared_strings(archive, scan.shared_strings, inflated)
        dates = _date_styles(archive, scan.styles, inflated)
        cells: dict[int, dict[int, object]] = {}
        for row, column, kind, style, raw in _iter_cells(archive, sheet.part, inflated):
            value = _cell_value(kind, raw, style, shared, dates, scan.date1904)
            if value is not None:
                cells.setdefault(row, {})[column] = value
    row_numbers = sorted(cells)
    column_numbers = sorted({c for found in cells.values() for c in found})
    if len(row_numbers) * len(column_numbers) > dense_budget(sheet.cells):
        raise WorkbookTooLarge("workbook_too_many_cells", variant="scattered", sheet=sheet.name,
                               row_count=format_number(len(row_numbers)),
                               column_count=format_number(len(column_numbers)))
    rows = [[cells[r].get(c, "") for c in column_numbers] for r in row_numbers]
    return SparseSheet(rows, row_numbers, column_numbers)
