"""A register's real type (ingest/filetype.py) and the formats read natively (data contract §1.1).

Every fixture is built here: xlsx/ods by the register writer, a BIFF8 .xls by xlwt, an .xlsb by
tests/fixtures/binary_workbooks.py, web pages, PDF, zip, UTF-16 and OLE2 files as bytes. The one
exception, an .xlsb written by another program (SheetJS), is tests/fixtures/binary/x3_sheetjs.xlsb.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import pytest

from ikuanalysis.config import Limits, load_settings
from ikuanalysis.ingest.discover import discover_files
from ikuanalysis.ingest.filetype import REAL_TYPES, detect_real_type, read_type
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.read import iter_spreadsheet_sheets, read_registers
from ikuanalysis.ingest.workbook_scan import WorkbookTooLarge
from tests.fixtures.binary_workbooks import write_xls, write_xlsb
from tests.fixtures.registers import ErrorCell, Sheet, register_bytes, write_register

BINARY = Path(__file__).resolve().parents[1] / "fixtures" / "binary"
HEADER = ["No", "NIK", "Nama", "Jenis PPKS", "Kecamatan", "Kelurahan", "Tanggal", "Status"]
ROW_A = [1, "6271000000000001", "Ani", "Fakir Miskin", "Pahandut", "Langkai", "05/03/2025", "Ya"]
ROW_B = [2, 6271000000000002, "Badu", "Fakir Miskin", "Sebangau", "Sabaru", dt.date(2025, 3, 6), "Tidak"]
ROWS = [["DAFTAR PENERIMA BANSOS 2025"], None, HEADER, ROW_A, ROW_B]  # data on spreadsheet rows 4 and 5
INSTRUCTIONS = ("Petunjuk", [["Petunjuk pengisian: satu baris per orang."]])
HTML_PAGE = (
    "<html><head><meta charset='utf-8'></head><body><table><tr><td>Nama</td><td>Jenis</td>"
    "<td>Kecamatan</td><td>Status</td></tr><tr><td>Ani</td><td>Fakir Miskin</td><td>Pahandut</td>"
    "<td>Ya</td></tr></table></body></html>"
)


def read_one(folder: Path, component: str = "x3"):
    """Discover and read the folder's registers: the component's raw table and the log."""
    log = ProblemLog()
    tables = read_registers(discover_files(folder, log), load_settings(), log)
    frame = log.to_frame()
    return tables.get(component), frame[frame["code"] != "column_matched"].reset_index(drop=True)


def problems(log) -> list[list[object]]:
    return log[["level", "code", "file"]].values.tolist()


def csv_text(rows, sep=";") -> str:
    return "\n".join(sep.join("" if c is None else str(c) for c in (row or ())) for row in rows) + "\n"


def ole2_file(*names: str) -> bytes:
    """A minimal OLE2 compound file: its header and one directory sector naming ``names``."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 0x1A, 0x3E, 3, 0xFFFE)
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 0x30, 0)  # the directory starts at sector 0
    directory = bytearray(512)
    for index, name in enumerate(("Root Entry", *names)[:4]):
        encoded = name.encode("utf-16-le") + b"\0\0"
        directory[index * 128: index * 128 + len(encoded)] = encoded
        struct.pack_into("<HB", directory, index * 128 + 0x40, len(encoded), 5 if index == 0 else 2)
    return bytes(header + directory)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- detect_real_type --------------------------------------------------------------------------

def _write_fixture(path: Path, kind: str) -> None:
    if kind in ("xlsx", "ods"):
        write_register(path.with_suffix(f".{kind}"), ROWS).rename(path)
    elif kind == "xlsm":
        path.write_bytes(zip_bytes({
            "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.'
                                   b'main+xml" PartName="/xl/workbook.xml"/></Types>',
            "xl/workbook.xml": b"<workbook/>"}))
    elif kind == "xls":
        write_xls(path, [("Data", ROWS)])
    elif kind == "xlsb":
        write_xlsb(path, [("Data", ROWS)])
    else:
        path.write_bytes(RAW_CONTENT[kind])


RAW_CONTENT = {
    "html": HTML_PAGE.encode(),
    "xml_spreadsheet": b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                       b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    "word": zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    "encrypted": ole2_file("EncryptionInfo", "EncryptedPackage"),
    "utf16": "\ufeffNama\tJenis\tKecamatan\tStatus\r\n".encode("utf-16-le"),
    "zip": zip_bytes({"x1_psks.xlsx": b"PK", "catatan.txt": b"register"}),
    "text": csv_text([HEADER, ROW_A]).encode("cp1252"),
    "empty": b"",
    "other": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("kind", [k for k in REAL_TYPES])
def test_each_real_type_is_told_by_content_whatever_the_name(tmp_path, kind):
    path = tmp_path / "x3_bansos.dat"  # the name says nothing
    _write_fixture(path, kind)
    assert detect_real_type(path) == kind


@pytest.mark.parametrize("page", [
    HTML_PAGE,
    "\ufeff  \r\n<!DOCTYPE html>\n<html>" + HTML_PAGE[6:],
    "<TABLE border=1><TR><TD>Nama</TD></TR></TABLE>",
    '<?xml version="1.0"?>\n<!-- ekspor -->\n<html xmlns:o="urn:schemas-microsoft-com:office:office">',
    "\n\n<!doctype HTML PUBLIC \"-//W3C//DTD HTML 4.0//EN\">",
])
def test_a_web_page_is_html_after_a_bom_white_space_a_declaration_or_comments(tmp_path, page):
    path = tmp_path / "x3.xls"
    path.write_bytes(page.encode("utf-8"))
    assert detect_real_type(path) == "html"


@pytest.mark.parametrize("content, expected", [
    (b"Nama;Jenis\n<html> bukan di awal\n", "text"),
    ("\ufeffNama|Jenis|Kecamatan|Status\r\n".encode("utf-8"), "text"),
    ("Nama\tJos\xe9\n".encode("cp1252"), "text"),  # not UTF-8: Windows-1252 text
    (b"Nama;Status\nAni\x01;Ya\n" * 20, "text"),  # a stray control byte in a cell is still text
    (b"\xd0\xcf\x11\xe0", "other"),  # four bytes of an OLE2 header: not text
    (b"Nama\x00Jenis", "other"),
    (ole2_file("Workbook", "SummaryInformation"), "xls"),
    (ole2_file("Book"), "xls"),  # BIFF5
    (ole2_file("WordDocument", "1Table"), "word"),
    (b"PK\x03\x04" + b"\x00" * 40, "other"),  # a zip cut short: damaged
])
def test_text_binary_and_ole2_edge_cases(tmp_path, content, expected):
    path = tmp_path / "x3.bin"
    path.write_bytes(content)
    assert detect_real_type(path) == expected


# --- what is read, with which warning or error -------------------------------------------------

def test_xls_and_xlsb_are_read_natively_with_rows_numbered_as_the_spreadsheet_shows(tmp_path):
    write_xls(tmp_path / "x3_bansos.xls", [INSTRUCTIONS, ("Data", ROWS)])
    write_xlsb(tmp_path / "x3_bansos_2.xlsb", [INSTRUCTIONS, ("Data", ROWS)])
    raw, log = read_one(tmp_path)
    assert problems(log) == [["info", "sheet_skipped", "x3_bansos.xls"], ["info", "sheet_skipped", "x3_bansos_2.xlsb"]]
    frame = raw.frame
    assert frame[["_file", "_sheet", "_row", "nama"]].values.tolist() == [
        ["x3_bansos.xls", "Data", 4, "Ani"], ["x3_bansos.xls", "Data", 5, "Badu"],
        ["x3_bansos_2.xlsb", "Data", 4, "Ani"], ["x3_bansos_2.xlsb", "Data", 5, "Badu"],
    ]
    assert frame["tanggal"].tolist() == ["05/03/2025", dt.date(2025, 3, 6)] * 2  # a real date cell in both
    assert frame["nik"].tolist() == ["6271000000000001", 6271000000000002.0] * 2  # a number cell stays a number
    assert raw.sheets_read == 2


@pytest.mark.parametrize("real, named", [("xls", "xlsx"), ("xlsx", "xls"), ("ods", "xlsx"), ("xlsb", "xlsx"),
                                         ("xls", "xlsb"), ("xlsx", "csv"), ("xls", "csv"), ("text", "xlsx"),
                                         ("text", "xls")])
def test_a_file_named_as_another_supported_type_is_read_by_its_content_with_a_warning(tmp_path, real, named):
    name = f"x3_bansos.{named}"
    if real == "text":
        (tmp_path / name).write_text(csv_text(ROWS), encoding="utf-8")
    else:
        _write_fixture(tmp_path / name, real)
    raw, log = read_one(tmp_path)
    assert problems(log) == [["warning", "file_real_type", name]]
    shown = {"xls": "buku kerja Excel 97-2003 (.xls)", "xlsx": "buku kerja Excel (.xlsx)",
             "ods": "lembar kerja OpenDocument (.ods)", "xlsb": "buku kerja biner Excel (.xlsb)",
             "text": "teks berpemisah (CSV)"}[real]
    assert log["message"][0].startswith(
        f"Isi berkas ini sebenarnya {shown} walaupun namanya berakhiran .{named}; dibaca sebagai {shown}. Sebaiknya ")
    assert raw.frame[["_file", "_row", "nama"]].values.tolist() == [[name, 4, "Ani"], [name, 5, "Badu"]]


def test_an_xlsm_named_xlsx_and_an_xlsx_named_xlsm_need_no_warning(tmp_path):
    write_register(tmp_path / "x3_a.xlsm", ROWS)
    (tmp_path / "x3_b.xlsx").write_bytes((tmp_path / "x3_a.xlsm").read_bytes())
    raw, log = read_one(tmp_path)
    assert log.empty and len(raw.frame) == 4


@pytest.mark.parametrize("kind, named, variant_text", [
    ("html", "xls", "Berkas ini halaman HTML (tabel web) yang diberi nama .xls"),
    ("html", "csv", "Berkas ini halaman HTML (tabel web) yang diberi nama .csv"),
    ("xml_spreadsheet", "xls", "Berkas ini Lembar Kerja XML 2003 (XML Spreadsheet) yang diberi nama .xls"),
    ("pdf", "xlsx", "Berkas ini dokumen PDF yang diberi nama .xlsx"),
    ("word", "xlsx", "dokumen pengolah kata (Word/OpenDocument teks) yang diberi nama .xlsx"),
    ("zip", "xlsx", "Berkas ini arsip zip yang diberi nama .xlsx"),
    ("encrypted", "xlsx", "Berkas ini dilindungi kata sandi"),
    ("utf16", "txt", "Berkas ini teks Unicode UTF-16"),
    ("other", "csv", "Berkas .csv ini bukan teks"),
])
def test_a_file_whose_real_type_cannot_be_read_is_an_error_saying_what_it_is(tmp_path, kind, named, variant_text):
    name = f"x3_bansos.{named}"
    _write_fixture(tmp_path / name, kind)
    raw, log = read_one(tmp_path)
    assert problems(log) == [["error", "unreadable_file", name]]
    assert variant_text in log["message"][0]
    assert raw.frame.empty


def test_the_html_error_says_how_to_re_save(tmp_path):
    (tmp_path / "x3_bansos.xls").write_text(HTML_PAGE, encoding="utf-8")
    _, log = read_one(tmp_path)
    assert log["message"][0] == (
        "Berkas ini halaman HTML (tabel web) yang diberi nama .xls, bukan lembar kerja; biasanya hasil unduhan "
        "dari aplikasi web. Buka di Excel lalu Simpan Sebagai .xlsx (Buku Kerja Excel), lalu hapus berkas lamanya.")


EMPTY_FILE_MESSAGE = (
    "Berkas {suffix} ini kosong (0 byte): tidak ada isinya sama sekali, biasanya salinan atau unduhan yang "
    "terputus. Mintalah berkasnya lagi dari bidang pengirim dan salin ulang ke folder ini, atau hapus berkas ini "
    "bila memang tidak dipakai.")


@pytest.mark.parametrize("named", ["xlsx", "xls", "xlsb", "ods", "csv", "txt"])
def test_an_empty_file_is_said_to_be_empty_not_a_reader_error_or_a_missing_header(tmp_path, named):
    """A 0-byte workbook once gave "(ZipError)", a 0-byte CSV "header not found": neither says what to do."""
    name = f"x3_bansos.{named}"
    (tmp_path / name).write_bytes(b"")
    raw, log = read_one(tmp_path)
    assert problems(log) == [["error", "unreadable_file", name]]
    assert log["message"].tolist() == [EMPTY_FILE_MESSAGE.format(suffix=f".{named}")]
    assert raw.frame.empty


@pytest.mark.parametrize("content, named", [(bytes(range(256)) * 4, "xls"),
                                            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "xlsx")])
def test_a_damaged_or_unknown_workbook_is_unreadable_as_before(tmp_path, content, named):
    name = f"x3_bansos.{named}"
    (tmp_path / name).write_bytes(content)
    _, log = read_one(tmp_path)
    # An OLE2 file named .xlsx is an .xls for the warning, then it cannot be read.
    expected = [["warning", "file_real_type", name]] if named == "xlsx" else []
    assert sorted(problems(log)) == sorted([["error", "unreadable_file", name], *expected])
    assert "tidak dapat dibaca sebagai lembar kerja" in log.loc[log["level"] == "error", "message"].iloc[0]


def test_read_type_returns_what_the_reader_uses(tmp_path):
    log = ProblemLog()
    (tmp_path / "a.tsv").write_text("Nama\tStatus\n", encoding="utf-8")
    write_xls(tmp_path / "b.xlsx", [("Data", ROWS)])
    (tmp_path / "c.xls").write_text(HTML_PAGE, encoding="utf-8")
    (tmp_path / "d.xlsx").write_bytes(b"")
    (tmp_path / "e.xlsx").write_bytes(bytes(range(256)) * 4)  # unknown content: the reader says why it fails
    assert [read_type(tmp_path / n, log) for n in ("a.tsv", "b.xlsx", "c.xls", "d.xlsx", "e.xlsx")] == [
        "text", "xls", None, None, "xlsx"]
    assert log.to_frame()[["code", "file"]].values.tolist() == [["unreadable_file", "c.xls"],
                                                                ["unreadable_file", "d.xlsx"],
                                                                ["file_real_type", "b.xlsx"]]


# --- .xlsb specifics -----------------------------------------------------------------------------

def test_an_xlsb_with_short_cell_records_is_refused_not_read_one_column_wide(tmp_path):
    write_xlsb(tmp_path / "x3_a.xlsb", [INSTRUCTIONS, ("Data", ROWS)], short_cells=True)
    (tmp_path / "x3_b.xlsb").write_bytes((BINARY / "x3_sheetjs.xlsb").read_bytes())  # written by SheetJS
    raw, log = read_one(tmp_path)
    assert log[["level", "code", "file", "sheet"]].values.tolist() == [
        ["error", "unreadable_file", "x3_a.xlsb", "Data"], ["error", "unreadable_file", "x3_b.xlsb", "Data"]]
    assert all(m.startswith("Buku kerja biner (.xlsb) ini ditulis oleh program selain Excel") for m in log["message"])
    assert raw.frame.empty


def test_an_xlsb_with_a_stray_far_cell_is_refused_before_it_is_allocated(tmp_path):
    write_xlsb(tmp_path / "x3_bansos.xlsb", [("Data", ROWS)], far_cell=(1_048_575, 16_383))  # XFD1048576
    raw, log = read_one(tmp_path)
    assert raw.frame.empty
    assert log[["level", "code", "file", "sheet"]].values.tolist() == [
        ["error", "workbook_too_many_cells", "x3_bansos.xlsb", "Data"]]
    assert "(1.048.576 baris dan 16.384 kolom" in log["message"][0]
    with pytest.raises(WorkbookTooLarge):
        list(iter_spreadsheet_sheets(tmp_path / "x3_bansos.xlsb", Limits()))


def test_a_near_stray_cell_in_an_xlsb_is_read(tmp_path):
    write_xlsb(tmp_path / "x3_bansos.xlsb", [("Data", ROWS)], far_cell=(40, 20))
    raw, log = read_one(tmp_path)
    assert log.empty and raw.frame["_row"].tolist()[:2] == [4, 5]


def test_error_cells_of_xls_and_xlsb_are_read_blank_a_known_limitation(tmp_path):
    """The spreadsheet reader (python-calamine 0.9) gives '' for an error cell of an .xls or .xlsb and
    has no option to return its code (xlsx, xlsm and ods get their codes from workbook_scan); the
    status then counts as blank. This test pins the limitation, documented in docs/panduan/masukan.md."""
    rows = [HEADER, [*ROW_A[:-1], ErrorCell("#N/A")]]
    write_xls(tmp_path / "x3_a.xls", [("Data", rows)])
    write_xlsb(tmp_path / "x3_b.xlsb", [("Data", rows)])
    for name in ("x3_a.xls", "x3_b.xlsb"):
        sheet = next(iter_spreadsheet_sheets(tmp_path / name))
        assert sheet.rows[1][7] == ""


# --- delimited text named .txt and .tsv --------------------------------------------------------

@pytest.mark.parametrize("name, sep", [("x3_dtks.txt", "|"), ("x3_bansos.tsv", "\t"), ("x3_bansos.txt", ";"),
                                       ("x3_bansos.TXT", ",")])
def test_txt_and_tsv_are_delimited_text(tmp_path, name, sep):
    (tmp_path / name).write_bytes(csv_text(ROWS, sep).encode("utf-8-sig"))
    raw, log = read_one(tmp_path)
    assert log.empty
    assert raw.frame[["_row", "nama", "kecamatan"]].values.tolist() == [[4, "Ani", "Pahandut"], [5, "Badu", "Sebangau"]]


def test_a_workbook_register_writer_csv_named_xlsx_reads_like_the_csv(tmp_path):
    (tmp_path / "x3_bansos.xlsx").write_bytes(register_bytes("csv", [Sheet("", ROWS)], delimiter="|",
                                                             encoding="cp1252"))
    raw, log = read_one(tmp_path)
    assert problems(log) == [["warning", "file_real_type", "x3_bansos.xlsx"]]
    assert raw.frame["_row"].tolist() == [4, 5]
