"""What a register file really is, from its first bytes, and how to read it (data contract §1.1).

Registers arrive under names that do not always tell their format: an old BIFF ``.xls`` renamed
``.xlsx``, a web page (an HTML table) that an information system saved as ``.xls``, CSV text
named ``.xlsx``. :func:`detect_real_type` looks at the content only (magic bytes, the zip's parts,
the OLE2 directory, the first bytes of text); :func:`read_type` compares it with the extension
and decides: the file is read by its real type when that type is supported (with the warning
``file_real_type`` when it differs from the extension), otherwise it is an ``unreadable_file``
error that says what the file really is and how to re-save it.

Two guards for the Excel binary reader: :func:`check_xlsb` refuses a sheet whose cells reach far
beyond what its part can hold (a stray cell in XFD1048576) before it is allocated, and
:func:`xlsb_short_cell_sheet` finds a file written with the short cell records that only other
programs use (the reader would drop every cell after the first of a row), reported by
:func:`read_type` instead of read half.

The spreadsheet reader (python-calamine 0.9) gives '' for an error cell of an .xls or .xlsb and has
no option to return its code; unlike xlsx, xlsm and ods (``workbook_scan``), their error cells are
read blank (docs/panduan/masukan.md says so).
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ikuanalysis.config import Limits
from ikuanalysis.formatting import format_number
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.workbook_scan import WorkbookTooLarge, check_zip_sizes, dense_budget

SPREADSHEET_TYPES = ("xlsx", "xlsm", "xlsb", "ods", "xls")
"""Real types read as workbooks."""
TEXT = "text"
"""Delimited text (CSV, TSV, the DTKS pipe export), UTF-8 or Windows-1252."""
REAL_TYPES = (*SPREADSHEET_TYPES, TEXT, "html", "xml_spreadsheet", "pdf", "word", "encrypted", "utf16", "zip",
              "empty", "other")
"""Everything :func:`detect_real_type` can answer."""

SUFFIX_TYPES = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xlsb": "xlsb", ".ods": "ods", ".xls": "xls",
                ".csv": TEXT, ".txt": TEXT, ".tsv": TEXT}
"""The type each readable extension promises."""

# How the warning and the errors name a type, in the user's words.
TYPE_NAMES = {
    "xlsx": "buku kerja Excel (.xlsx)",
    "xlsm": "buku kerja Excel bermakro (.xlsm)",
    "xlsb": "buku kerja biner Excel (.xlsb)",
    "ods": "lembar kerja OpenDocument (.ods)",
    "xls": "buku kerja Excel 97-2003 (.xls)",
    TEXT: "teks berpemisah (CSV)",
}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_HEAD_BYTES = 64 * 1024
_BOMS = (b"\xef\xbb\xbf",)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_XML_DECLARATION = re.compile(rb"^<\?xml[^>]*\?>\s*", re.IGNORECASE)
_COMMENT = re.compile(rb"^<!--.*?-->\s*", re.DOTALL)
_HTML_STARTS = (b"<html", b"<!doctype html", b"<table", b"<head", b"<body", b"<meta")
_XML_SPREADSHEET = b"urn:schemas-microsoft-com:office:spreadsheet"


def detect_real_type(path: Path) -> str:
    """Return what the file's content is, whatever its name says.

    Returns:
        One of :data:`REAL_TYPES`: ``xlsx``/``xlsm`` (a zip holding ``xl/workbook.xml``; xlsm when
        its content types are macro-enabled), ``xlsb`` (a zip holding ``xl/workbook.bin``),
        ``ods`` (a zip whose ``mimetype`` is an OpenDocument spreadsheet), ``xls`` (an OLE2
        compound file holding a ``Workbook`` or ``Book`` stream, or whose directory cannot be
        read), ``encrypted`` (an OLE2 file holding a password-protected Office document),
        ``word`` (a Word or OpenDocument text document), ``html`` (after a BOM and white space,
        ``<html``, ``<!doctype html`` or ``<table``, case-insensitive: a web table saved as
        .xls), ``xml_spreadsheet`` (Excel's XML Spreadsheet 2003), ``pdf``, ``utf16`` (text with
        a UTF-16 byte-order mark), ``zip`` (any other zip archive), ``text`` (no NUL byte in
        the first 64 KiB and at most 5% other control bytes in the first 4 KiB: it decodes as
        UTF-8 or Windows-1252), ``empty`` or ``other``.
    """
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head:
        return "empty"
    if head.startswith(_ZIP_MAGIC):
        return _zip_type(path)
    if head.startswith(OLE2_MAGIC):
        return _ole2_type(path, head)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_UTF16_BOMS):
        return "utf16"
    markup = _markup_type(head)
    if markup:
        return markup
    if b"\x00" in head or _mostly_control(head[:4096]):
        return "other"
    return TEXT


# C0 control bytes that text never holds (tab, line ends, form feed, vertical tab, the DOS end-of-file
# mark and escape may appear in a cell).
_CONTROL_BYTES = bytes(sorted(set(range(32)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A, 0x1B}))


def _mostly_control(sample: bytes) -> bool:
    """Whether more than 5% of ``sample`` are control bytes: binary data, not text with a stray one."""
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls * 20 > len(sample)


def _zip_type(path: Path) -> str:
    """The type of a zip archive from its part names (a damaged one is ``other``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsm" if _is_macro_enabled(archive, names) else "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200).strip()
                if mimetype == _ODS_MIMETYPE:
                    return "ods"
                if mimetype == _ODT_MIMETYPE:
                    return "word"
            if "word/document.xml" in names:
                return "word"
            if "content.xml" in names and "META-INF/manifest.xml" in names:
                return "ods"  # an OpenDocument file without its mimetype part: the reader decides
            return "zip"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return "other"


def _is_macro_enabled(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if "[Content_Types].xml" not in names:
        return False
    with archive.open("[Content_Types].xml") as member:
        return b"macroEnabled" in member.read(_HEAD_BYTES)


def _ole2_type(path: Path, head: bytes) -> str:
    """The type of an OLE2 compound file from the stream names of its first directory sector."""
    names = _ole2_stream_names(path, head)
    if {"EncryptedPackage", "EncryptionInfo"} & names:
        return "encrypted"  # a password-protected xlsx/docx is an OLE2 file holding the encrypted zip
    if {"Workbook", "Book"} & names:
        return "xls"
    if "WordDocument" in names:
        return "word"
    return "xls"  # another or a damaged directory: the spreadsheet reader tells


def _ole2_stream_names(path: Path, head: bytes) -> set[str]:
    """Names in the first sector of an OLE2 file's directory (where Office puts its main streams)."""
    if len(head) < 0x50:
        return set()
    sector_shift, = struct.unpack_from("<H", head, 0x1E)
    first_directory, = struct.unpack_from("<I", head, 0x30)
    if not 7 <= sector_shift <= 16 or first_directory >= 0xFFFFFFFA:
        return set()
    size = 1 << sector_shift
    with open(path, "rb") as handle:
        handle.seek((first_directory + 1) * size)
        sector = handle.read(size)
    names = set()
    for offset in range(0, len(sector) - 127, 128):
        length, = struct.unpack_from("<H", sector, offset + 0x40)
        if 2 <= length <= 64:
            names.add(sector[offset: offset + length - 2].decode("utf-16-le", errors="replace"))
    return names


def _markup_type(head: bytes) -> str | None:
    """``html`` or ``xml_spreadsheet`` when the text starts like one, else None."""
    text = head
    for bom in _BOMS:
        text = text.removeprefix(bom)
    text = text.lstrip()
    if text[:5].lower() == b"<?xml" and _XML_SPREADSHEET in head:
        return "xml_spreadsheet"
    while True:  # an XML declaration or comments may come before the page
        stripped = _COMMENT.sub(b"", _XML_DECLARATION.sub(b"", text, count=1), count=1)
        if stripped == text:
            break
        text = stripped
    lowered = text[:20].lower()
    if lowered.startswith(_HTML_STARTS):
        return "html"
    return None


def same_family(declared: str, real: str) -> bool:
    """Whether content of type ``real`` is what an extension of type ``declared`` promises.

    xlsx and xlsm are read alike: one needs no warning for the other.
    """
    return {declared, real} <= {"xlsx", "xlsm"} or declared == real


def read_type(path: Path, log: ProblemLog) -> str | None:
    """Decide how to read a register or rekap file of a supported extension, logging the mismatch.

    Args:
        path: The file (its extension is one of :data:`SUFFIX_TYPES`).
        log: Gets ``file_real_type`` (a warning) when the file is read by a real type other than
            its extension's, or ``unreadable_file`` (an error naming the real type) when that
            type cannot be read.

    Returns:
        ``"text"`` or one of :data:`SPREADSHEET_TYPES`; None when the file is not read.
        An empty (0-byte) file is the ``empty`` error. One whose content is unknown is read as
        its extension says (the reader then reports why it fails), except that non-text bytes
        named as text are the ``not_text`` error.
    """
    suffix = path.suffix.lower()
    declared = SUFFIX_TYPES[suffix]
    real = detect_real_type(path)
    file = path.name
    if real == "empty":  # a copy or download that broke off: no reader can say more than this
        log.add("unreadable_file", variant="empty", suffix=suffix, file=file)
        return None
    if real == "other":
        if declared == TEXT:
            log.add("unreadable_file", variant="not_text", suffix=suffix, file=file)
            return None
        return declared
    if real == "xlsb":
        sheet = xlsb_short_cell_sheet(path)
        if sheet is not None:
            log.add("unreadable_file", variant="xlsb_short_cells", file=file, sheet=sheet)
            return None
    if real in SPREADSHEET_TYPES or real == TEXT:
        if not same_family(declared, real):
            log.add("file_real_type", real_type=TYPE_NAMES[real], suffix=suffix, file=file)
        return real
    if real == "html":
        log.add("unreadable_file", variant="html", suffix=suffix, file=file)
    elif real == "xml_spreadsheet":
        log.add("unreadable_file", variant="xml_spreadsheet", suffix=suffix, file=file)
    elif real == "pdf":
        log.add("unreadable_file", variant="pdf", suffix=suffix, file=file)
    elif real == "word":
        log.add("unreadable_file", variant="word", suffix=suffix, file=file)
    elif real == "encrypted":
        log.add("unreadable_file", variant="encrypted", file=file)
    elif real == "utf16":
        log.add("unreadable_file", variant="utf16", file=file)
    else:  # zip
        log.add("unreadable_file", variant="zip", suffix=suffix, file=file)
    return None


# --- Excel binary workbooks (.xlsb) ----------------------------------------------------------------

_BRT_BUNDLE_SH = 0x9C
_BRT_WS_DIM = 0x94
_BRT_BEGIN_SHEET_DATA = 0x91
_BRT_END_SHEET_DATA = 0x92
_BRT_SHORT_CELLS = frozenset(range(0x0C, 0x13))  # BrtShortBlank … BrtShortIsst: a cell without its column
_MIN_CELL_RECORD = 10  # the smallest full cell record (BrtCellBlank: 2 bytes of header, 8 of cell)
_SHEET_HEAD = 64 * 1024
_REL = re.compile(rb"<Relationship\b[^>]*?>", re.DOTALL)
_ATTRIBUTE = re.compile(rb'\b(Id|Target)="([^"]*)"')


class XlsbShortCells(Exception):
    """An .xlsb written with short cell records, which the spreadsheet reader drops."""


def _records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The records of an Excel binary part ([MS-XLSB] 2.1.4), up to the first one cut short."""
    position, end = 0, len(data)
    while position < end:
        kind = data[position]
        position += 1
        if kind & 0x80:
            if position >= end:
                return
            kind = (kind & 0x7F) | (data[position] << 7)
            position += 1
        size = shift = 0
        for _ in range(4):
            if position >= end:
                return
            byte = data[position]
            position += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if position + size > end:
            return
        yield kind, data[position: position + size]
        position += size


def _wide_string(data: bytes, offset: int) -> tuple[str, int]:
    """An XLWideString at ``offset``: the text and the offset after it."""
    count, = struct.unpack_from("<I", data, offset)
    if count == 0xFFFFFFFF:
        return "", offset + 4
    start = offset + 4
    return data[start: start + 2 * count].decode("utf-16-le", errors="replace"), start + 2 * count


def _xlsb_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """``(sheet name, part)`` of every worksheet of an xlsb, in workbook order."""
    with archive.open("xl/workbook.bin") as member:
        book = member.read()
    targets = {}
    if "xl/_rels/workbook.bin.rels" in archive.namelist():
        with archive.open("xl/_rels/workbook.bin.rels") as member:
            rels = member.read()
        for element in _REL.findall(rels):
            attributes = dict(_ATTRIBUTE.findall(element))
            if b"Id" in attributes and b"Target" in attributes:
                targets[attributes[b"Id"].decode()] = attributes[b"Target"].decode()
    sheets = []
    for kind, data in _records(book):
        if kind == _BRT_BUNDLE_SH and len(data) >= 12:
            relation, after = _wide_string(data, 8)
            name, _ = _wide_string(data, after)
            target = targets.get(relation, "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if "/worksheets/" in f"/{part}":
                sheets.append((name, part))
    return sheets


def _xlsb_sheet_heads(path: Path) -> Iterator[tuple[str, int, list[tuple[int, bytes]]]]:
    """``(sheet name, part size, records of its first 64 KiB)`` of every worksheet of an xlsb."""
    with zipfile.ZipFile(path) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        for name, part in _xlsb_sheets(archive):
            if part in sizes:
                with archive.open(part) as member:
                    yield name, sizes[part], list(_records(member.read(_SHEET_HEAD)))


def _uses_short_cells(records: list[tuple[int, bytes]]) -> bool:
    in_data = False
    for kind, _ in records:
        if kind == _BRT_BEGIN_SHEET_DATA:
            in_data = True
        elif kind == _BRT_END_SHEET_DATA:
            return False
        elif in_data and kind in _BRT_SHORT_CELLS:
            return True
    return False


def xlsb_short_cell_sheet(path: Path) -> str | None:
    """Return the first sheet of an xlsb written with short cell records (None: none, or unreadable).

    Excel writes every cell record in full; some other programs' writers (SheetJS, Aspose) write
    the cells after the first of a row in the short form ([MS-XLSB] BrtShort*), which the
    spreadsheet reader skips: the sheet would be read one column wide, without a word.
    """
    try:
        for name, _size, records in _xlsb_sheet_heads(path):
            if _uses_short_cells(records):
                return name
    except (zipfile.BadZipFile, KeyError, OSError, struct.error, EOFError, ValueError):
        return None  # the spreadsheet reader reports the damage
    return None


def check_xlsb(path: Path, limits: Limits) -> None:
    """Check an xlsb workbook's sheets before the spreadsheet reader allocates them.

    Each worksheet part's dimension record ([MS-XLSB] BrtWsDim) tells how far its cells reach;
    the reader allocates every cell from A1 to there. A part holds at most its size / 10 cells
    (the smallest cell record), so a reach beyond the dense budget of that many cells is a stray
    far cell (a space in XFD1048576), refused like the scattered sheets of an xlsx.

    Raises:
        WorkbookTooLarge: A sheet reaches too far (``workbook_too_many_cells``, ``scattered``),
            or the parts declare more than the limits allow.
        XlsbShortCells: A sheet uses short cell records (:func:`xlsb_short_cell_sheet`).
        zipfile.BadZipFile, KeyError, struct.error: A corrupt file.
    """
    with zipfile.ZipFile(path) as archive:
        check_zip_sizes(archive, limits)
    for name, size, records in _xlsb_sheet_heads(path):
        for kind, data in records:
            if kind == _BRT_WS_DIM and len(data) >= 16:
                _first_row, last_row, _first_column, last_column = struct.unpack_from("<4I", data)
                rows, columns = last_row + 1, last_column + 1
                if rows * columns > dense_budget(size // _MIN_CELL_RECORD):
                    raise WorkbookTooLarge("workbook_too_many_cells", variant="scattered", sheet=name,
                                           row_count=format_number(rows), column_count=format_number(columns))
                break
        if _uses_short_cells(records):
            raise XlsbShortCells(name)
