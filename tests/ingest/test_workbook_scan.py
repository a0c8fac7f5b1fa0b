"""Input limits of zip-based workbooks and sparse reading (ingest/workbook_scan.py, issue 10).

The fixtures are built here: workbooks written with xlsxwriter (shared strings) and then
altered part by part with zipfile (a stray far cell, a huge shared string, lying sizes).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from ikuanalysis.config import Limits, load_settings
from ikuanalysis.ingest.problems import RegisterError
from ikuanalysis.ingest.workbook_scan import (
    WorkbookTooLarge,
    _Inflated,
    read_sparse_sheet,
    scan_xlsx,
)
from ikuanalysis.ingest.year import clean_year
from tests.fixtures.registers import write_register
from tests.fixtures.tiny_year import YEAR, write_tiny_year

SETTINGS = load_settings()
KEY = b"workbook-scan-tests"
HEADER = ["No", "NIK", "Nama", "Jenis PPKS", "Kecamatan", "Kelurahan", "Tanggal", "Status"]
FAR = (1048575, 16383)  # XFD1048576, the last cell of a sheet (0-based row, column)


def rewrite_part(path: Path, part: str, edit) -> None:
    """Replace one zip member of ``path`` by ``edit(old bytes)``, keeping the others as they are."""
    source = path.with_suffix(".orig")
    shutil.move(path, source)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info.filename, edit(data) if info.filename == part else data,
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    source.unlink()


def add_far_cell(path: Path, value: str = " ") -> None:
    """Add one inline-string cell in XFD1048576 to every worksheet of a workbook."""
    cell = (f'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t xml:space="preserve">{value}</t>'
            "</is></c></row>").encode()
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    for part in parts:
        rewrite_part(path, part, lambda xml: xml.replace(b"<sheetData/>", b"<sheetData></sheetData>")
                     .replace(b"</sheetData>", cell + b"</sheetData>"))


def write_table(path: Path, far: str | None = None) -> None:
    """A1:H20: a header and 19 data rows (a date column); ``far``: also this value in XFD1048576."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Data")
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADER)
    for i in range(1, 20):
        sheet.write_row(i, 0, [i, f"62710000000000{i:02d}", f"Nama {i}", "Fakir Miskin", "Pahandut", "Langkai"])
        sheet.write_datetime(i, 6, dt.datetime(2025, 3, i), date)
        sheet.write(i, 7, "Ya" if i % 3 else "Tidak")
    if far is not None:
        sheet.write(*FAR, far)
    workbook.close()


def run_clean(folder: Path, settings=SETTINGS):
    try:
        return clean_year(folder, settings, YEAR, key=KEY), None
    except RegisterError as exc:
        return None, exc.log.to_frame()


# --- The scan -------------------------------------------------------------------------------


def test_scan_counts_the_filled_cells_and_finds_the_farthest_one(tmp_path):
    write_table(tmp_path / "stray.xlsx", far=" ")
    write_table(tmp_path / "clean.xlsx")
    stray = scan_xlsx(tmp_path / "stray.xlsx", Limits()).sheets
    clean = scan_xlsx(tmp_path / "clean.xlsx", Limits()).sheets
    assert [(s.name, s.part, s.cells, s.last_row, s.last_column) for s in stray] == [
        ("Data", "xl/worksheets/sheet1.xml", 161, 1048576, 16384)]
    assert [(s.cells, s.last_row, s.last_column) for s in clean] == [(160, 20, 8)]
    assert not stray[0].is_dense and clean[0].is_dense


def test_the_declared_dimension_is_not_trusted(tmp_path):
    """A <dimension> claiming A1:H20 while a cell sits in XFD1048576 (and the other way round)."""
    write_table(tmp_path / "stray.xlsx", far="x")
    rewrite_part(tmp_path / "stray.xlsx", "xl/worksheets/sheet1.xml",
                 lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:H20"', xml))
    write_table(tmp_path / "clean.xlsx")
    rewrite_part(tmp_path / "clean.xlsx", "xl/worksheets/sheet1.xml",
                 lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))
    assert not scan_xlsx(tmp_path / "stray.xlsx", Limits()).sheets[0].is_dense
    assert scan_xlsx(tmp_path / "clean.xlsx", Limits()).sheets[0].is_dense


def test_cells_without_references_are_scanned_as_xml(tmp_path):
    """Cells may omit r="…" (their place follows the previous cell): the slower XML scan counts them."""
    write_table(tmp_path / "table.xlsx", far="x")
    rewrite_part(tmp_path / "table.xlsx", "xl/worksheets/sheet1.xml",
                 lambda xml: re.sub(rb'(<c) r="[A-H]\d+"', rb"\1", xml))
    sheet = scan_xlsx(tmp_path / "table.xlsx", Limits()).sheets[0]
    assert (sheet.cells, sheet.last_row, sheet.last_column) == (161, 1048576, 16384)


def test_a_sparse_sheet_keeps_its_spreadsheet_rows_and_columns(tmp_path):
    path = tmp_path / "sparse.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Data")
    sheet.write_row(2, 1, ["Nama", "Status"])  # B3:C3
    sheet.write_row(4, 1, ["Ani", True])  # row 5
    sheet.write_datetime(4, 3, dt.datetime(2025, 3, 5), workbook.add_format({"num_format": "dd/mm/yyyy"}))
    sheet.write_row(6, 1, ["  ", 7])  # row 7: a whitespace cell is dropped
    sheet.write(*FAR, "   ")
    sheet.write(10, 2000, "jauh")  # BXY11
    workbook.close()
    scan = scan_xlsx(path, Limits())
    found = read_sparse_sheet(path, scan, scan.sheets[0], Limits())
    assert found.row_numbers == [3, 5, 7, 11]
    assert found.column_numbers == [1, 2, 3, 2000]
    assert found.rows == [
        ["Nama", "Status", "", ""],
        ["Ani", True, dt.date(2025, 3, 5), ""],
        ["", 7.0, "", ""],
        ["", "", "", "jauh"],
    ]


# --- Through the cleaning stage -----------------------------------------------------------------


@pytest.mark.parametrize("far", [" ", "catatan"])
def test_a_far_stray_cell_gives_the_same_cases_quickly(tmp_path, far):
    """Data in a few rows plus one value in XFD1048576: read sparsely, same cases and row numbers."""
    plain = write_tiny_year(tmp_path / "plain")
    stray = write_tiny_year(tmp_path / "stray")
    add_far_cell(stray / "x2_rehsos.xlsx", far)
    expected, _ = run_clean(plain)
    start = time.perf_counter()
    result, log = run_clean(stray)
    assert time.perf_counter() - start < 30
    assert log is None
    assert result.cases.equals(expected.cases)
    assert [(s.component, s.cases, s.handled) for s in result.stats] == [
        (s.component, s.cases, s.handled) for s in expected.stats]
    located = ["file", "sheet", "row", "code"]
    found = result.log.to_frame()[located]
    if far.strip():  # a note far below the data is a footer row, logged where it is; nothing else changes
        note = found["code"] == "footer_row"
        assert found[note][["file", "row"]].values.tolist() == [["x2_rehsos.xlsx", 1048576]]
        found = found[~note].reset_index(drop=True)
    assert found.equals(expected.log.to_frame()[located])


def test_a_sheet_of_scattered_cells_is_refused(tmp_path):
    """Cells on a diagonal: few cells, but their occupied rows × columns are too many to build."""
    folder = write_tiny_year(tmp_path / "raw")
    workbook = xlsxwriter.Workbook(str(folder / "x4_bencana.xlsx"))
    sheet = workbook.add_worksheet("Diagonal")
    for i in range(1500):
        sheet.write(i, i, "x")
    workbook.close()
    _, log = run_clean(folder)
    refused = log[log["code"] == "workbook_too_many_cells"]
    assert refused[["level", "file", "sheet"]].values.tolist() == [["error", "x4_bencana.xlsx", "Diagonal"]]
    assert "1.500 baris dan 1.500 kolom" in refused["message"].iloc[0]


def test_too_many_filled_cells_is_a_located_error(tmp_path):
    folder = write_tiny_year(tmp_path / "raw")
    write_table(folder / "x4_bencana.xlsx")
    settings = SETTINGS.model_copy(update={"limits": Limits(workbook_max_cells=100)})
    _, log = run_clean(folder, settings)
    refused = log[log["code"] == "workbook_too_many_cells"]
    assert refused[["level", "file"]].values.tolist() == [["error", "x4_bencana.xlsx"]]
    assert "sedikitnya 160 sel terisi, melebihi batas 100 sel" in refused["message"].iloc[0]


# --- Zip bombs ----------------------------------------------------------------------------------


def huge_shared_string(path: Path, size: int) -> None:
    """Replace the shared strings of a workbook by one repetitive string of ``size`` characters."""
    def edit(xml: bytes) -> bytes:
        head = xml[: xml.index(b"<si>")]
        return head + b"<si><t>" + b"A" * size + b"</t></si></sst>"

    rewrite_part(path, "xl/sharedStrings.xml", edit)


def write_bomb(folder: Path, size: int) -> Path:
    path = folder / "x4_bencana.xlsx"
    write_register(path, [HEADER, [1, "6271000000000001", "Ani", "Fakir Miskin", "Pahandut", "Langkai",
                                   "05/03/2025", "Ya"]])
    huge_shared_string(path, size)
    return path


def test_a_part_compressed_too_much_is_refused_and_the_other_files_are_still_read(tmp_path):
    folder = write_tiny_year(tmp_path / "raw")
    bomb = write_bomb(folder, 17 * 1024 * 1024)  # > 16 MiB, compressed ~1000 times
    assert bomb.stat().st_size < 100_000
    (folder / "x1_psks.csv").write_text("Nama Lembaga;Kecamatan\nLKS;Pahandut\n", encoding="utf-8")
    _, log = run_clean(folder)
    errors = log[log["level"] == "error"]
    assert sorted(errors["code"]) == ["missing_column", "workbook_too_large"]  # x1 was read too
    refused = errors[errors["code"] == "workbook_too_large"].iloc[0]
    assert refused["file"] == "x4_bencana.xlsx"
    assert "'xl/sharedStrings.xml'" in refused["message"] and "melebihi batas 200 kali" in refused["message"]
    assert ".csv" in refused["message"]


def test_a_workbook_too_large_once_unzipped_is_refused(tmp_path):
    folder = write_tiny_year(tmp_path / "raw")
    write_bomb(folder, 2 * 1024 * 1024)
    settings = SETTINGS.model_copy(update={"limits": Limits(workbook_max_uncompressed_mb=1)})
    with pytest.raises(RegisterError) as raised:
        clean_year(folder, settings, YEAR, key=KEY)
    log = raised.value.log.to_frame()
    refused = log[log["code"] == "workbook_too_large"]
    assert refused[["level", "file"]].values.tolist() == [["error", "x4_bencana.xlsx"]]
    assert "2,0 MB setelah diurai, melebihi batas 1 MB" in refused["message"].iloc[0]
    assert "[workbook_too_large]" in str(raised.value)


def test_a_part_inflating_beyond_its_declared_size_is_not_read(tmp_path):
    """Declared sizes can lie: the real inflated bytes are what is counted, and a lie is refused."""
    folder = write_tiny_year(tmp_path / "raw")
    bomb = write_bomb(folder, 3 * 1024 * 1024)
    data = bytearray(bomb.read_bytes())
    name = b"xl/sharedStrings.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", data, at + offset, 1000)
            at = data.find(signature, at + 4)
    bomb.write_bytes(bytes(data))
    assert zipfile.ZipFile(bomb).getinfo("xl/sharedStrings.xml").file_size == 1000
    _, log = run_clean(folder)
    refused = log[log["file"] == "x4_bencana.xlsx"]
    assert refused[["level", "code"]].values.tolist() == [["error", "unreadable_file"]]


def test_the_inflated_bytes_are_counted_and_stop_over_the_limit(tmp_path):
    """The stream itself stops once the real inflated bytes pass the limit, whatever was declared."""
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", b"A" * (700 * 1024))
        archive.writestr("b.xml", b"B" * (700 * 1024))
    counter = _Inflated(Limits(workbook_max_uncompressed_mb=1))
    with zipfile.ZipFile(path) as archive:
        assert sum(len(c) for c in counter.chunks(archive, "a.xml")) == 700 * 1024
        with pytest.raises(WorkbookTooLarge) as raised:
            for _ in counter.chunks(archive, "b.xml"):
                pass
    assert raised.value.code == "workbook_too_large"
    assert raised.value.params == {"size": "lebih dari 1,0 MB", "limit": 1}
