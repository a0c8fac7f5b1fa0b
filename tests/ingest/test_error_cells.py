"""Spreadsheet error cells (#N/A, #VALUE!, …) are errors at their cell, never blanks (contract §1.3).

python-calamine reads a formula's error cell as '' (as if blank): the codes come from the scan
of the workbook's XML (ingest/workbook_scan.py) and are put back where the reader left ''
(ingest/read.py); a CSV exported from Excel holds the code as text. The fixtures are written
here: xlsx/xlsm with xlsxwriter (``write_formula(..., value="#N/A")``), ods as LibreOffice saves
an error (``calcext:value-type="error"``), CSV as text.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from ikuanalysis.config import Limits, load_settings
from ikuanalysis.ingest.problems import ProblemLog, RegisterError
from ikuanalysis.ingest.read import iter_spreadsheet_sheets
from ikuanalysis.ingest.rekap import clean_rekap
from ikuanalysis.ingest.workbook_scan import (
    _scan_sheet_fast,
    scan_ods_errors,
    scan_xlsx,
)
from ikuanalysis.ingest.year import clean_year
from tests.fixtures.registers import ErrorCell, Sheet, write_register
from tests.fixtures.tiny_year import YEAR, write_tiny_year

SETTINGS = load_settings()
KEY = b"error-cell-tests"
X2 = "x2_rehsos"
HEADER = ["No", "NIK", "Nama", "Jenis PPKS", "Kecamatan", "Kelurahan", "Tanggal", "Status"]
STATUS_COLUMN = 7  # H
NA = "#N/A"
FAR = (1048575, 16383)  # XFD1048576


def register_rows(status_of_row_3: object = NA) -> list[list[object]]:
    """A header and five data rows (spreadsheet rows 2–6); row 3's status is ``status_of_row_3``."""
    rows = [HEADER]
    for n in range(1, 6):
        status = status_of_row_3 if n == 2 else ("Ya" if n % 2 else "Tidak")
        rows.append([n, f"62710000000000{n:02d}", f"Orang {n}", "Pengemis", "Pahandut", "Langkai", "05/03/2025", status])
    return rows


def errors_of(folder: Path) -> list[tuple]:
    """The errors of cleaning ``folder`` as (code, file, sheet, row, column, value); [] when it passes."""
    try:
        clean_year(folder, SETTINGS, YEAR, key=KEY)
    except RegisterError as exc:
        log = exc.log.to_frame()
        found = log[log["level"] == "error"]
        return [tuple(r) for r in found[["code", "file", "sheet", "row", "column", "value"]].itertuples(index=False)]
    return []


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm", ".ods", ".csv"])
def test_a_register_of_five_rows_with_one_na_status_has_exactly_one_error_at_row_3(tmp_path, suffix):
    folder = write_tiny_year(tmp_path / "raw")
    (folder / f"{X2}.xlsx").unlink()
    write_register(folder / f"{X2}{suffix}", Sheet("Data", register_rows(ErrorCell(NA))))
    sheet = "" if suffix == ".csv" else "Data"
    assert errors_of(folder) == [("excel_error", f"{X2}{suffix}", sheet, 3, "Status", NA)]


def test_the_same_register_without_the_error_passes(tmp_path):
    folder = write_tiny_year(tmp_path / "raw")
    write_register(folder / f"{X2}.xlsx", Sheet("Data", register_rows("Ya")))
    assert errors_of(folder) == []


@pytest.mark.parametrize("code", ["#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!"])
def test_every_error_code_is_read_from_an_xlsx(tmp_path, code):
    path = write_register(tmp_path / "x.xlsx", Sheet("Data", register_rows(ErrorCell(code))))
    scan = scan_xlsx(path, Limits())
    assert scan.sheets[0].errors == ((3, STATUS_COLUMN, code),)
    rows = next(iter_spreadsheet_sheets(path)).rows
    assert rows[2][STATUS_COLUMN] == code
    assert [r[STATUS_COLUMN] for r in rows[1:]] == ["Ya", code, "Ya", "Tidak", "Ya"]


def test_an_error_cell_in_an_unused_column_is_ignored(tmp_path):
    folder = write_tiny_year(tmp_path / "raw")
    rows = register_rows("Ya")
    rows[0] = [*HEADER, "Keterangan"]
    rows[2] = [*rows[2], ErrorCell(NA)]
    write_register(folder / f"{X2}.xlsx", Sheet("Data", rows))
    assert errors_of(folder) == []


def test_error_cells_of_a_sparse_sheet_are_located(tmp_path):
    """A far stray cell makes the sheet read over its occupied cells only: the error is still found."""
    folder = write_tiny_year(tmp_path / "raw")
    path = folder / f"{X2}.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Data")
    for r, row in enumerate(register_rows("Ya")):
        sheet.write_row(r, 0, row)
    sheet.write_formula(4, STATUS_COLUMN, "=NA()", None, "#DIV/0!")  # H5
    sheet.write(*FAR, "catatan")
    workbook.close()
    assert not scan_xlsx(path, Limits()).sheets[0].is_dense
    assert errors_of(folder) == [("excel_error", f"{X2}.xlsx", "Data", 5, "Status", "#DIV/0!")]


def test_error_cells_are_found_when_the_cells_must_be_parsed_as_xml(tmp_path):
    """Cells without r="…" are scanned as XML (the slow path): errors are found there too."""
    path = write_register(tmp_path / "x.xlsx", Sheet("Data", register_rows(ErrorCell("#REF!"))))
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts[part] = re.sub(rb'(<c) r="[A-H]\d+"', rb"\1", parts[part])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert scan_xlsx(path, Limits()).sheets[0].errors == ((3, STATUS_COLUMN, "#REF!"),)


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_the_fast_scan_finds_error_cells_whatever_the_chunk_boundaries(tmp_path, chunk):
    rows = register_rows(ErrorCell(NA))
    rows[4][2] = ErrorCell("#NAME?")  # C5
    path = write_register(tmp_path / "x.xlsx", Sheet("Data", rows))
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    xml = xml.replace(b"</sheetData>", b'<row r="9"><c r="B9" t="e"/></row></sheetData>')  # no cached code
    _, last_row, last_column, errors, ok = _scan_sheet_fast(xml[i:i + chunk] for i in range(0, len(xml), chunk))
    assert ok and (last_row, last_column) == (9, 8)
    assert errors == ((3, STATUS_COLUMN, NA), (5, 2, "#NAME?"), (9, 1, "#VALUE!"))


def test_ods_error_cells_in_repeated_rows_and_columns(tmp_path):
    rows = [None, ["Nama", "Status"], ["Ani", ErrorCell("#DIV/0!")], [None, None, ErrorCell(NA)]]
    path = write_register(tmp_path / "x.ods", Sheet("Data", rows))
    assert scan_ods_errors(path, Limits()) == {"Data": ((3, 1, "#DIV/0!"), (4, 2, NA))}
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    # LibreOffice writes runs of equal cells and rows once, repeated; and the code in its own language.
    parts["content.xml"] = parts["content.xml"].replace(
        b'<table:table-row><table:table-cell/><table:table-cell/>',
        b'<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"/>',
    ).replace(b"<text:p>#N/A</text:p>", b"<text:p>#NV</text:p>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert scan_ods_errors(path, Limits()) == {"Data": ((3, 1, "#DIV/0!"), (4, 2, "#VALUE!"), (5, 2, "#VALUE!"))}


def test_an_ods_without_error_cells_is_not_parsed(tmp_path):
    path = write_register(tmp_path / "x.ods", Sheet("Data", register_rows("Ya")))
    assert scan_ods_errors(path, Limits()) == {}


def test_a_csv_cell_holding_an_error_code_is_the_same_error(tmp_path):
    folder = write_tiny_year(tmp_path / "raw")
    text = (folder / "X3-bansos.csv").read_bytes().decode("cp1252").replace(";Ya\r\n", ";#VALUE!\r\n", 1)
    text = text.replace(";Ya\n", ";#VALUE!\n", 1)
    (folder / "X3-bansos.csv").write_bytes(text.encode("cp1252"))
    assert errors_of(folder) == [("excel_error", "X3-bansos.csv", "", 4, "Tepat Sasaran", "#VALUE!")]


def test_error_cells_in_a_rekap_are_errors_and_nothing_else(settings):
    import pandas as pd

    from ikuanalysis.ingest.read import RawTable

    columns = ["komponen", "sasaran", "realisasi", "kecamatan"]
    rows = [["x1", "10", "5", ""], ["x1", "#N/A", "5", ""], [NA, "3", "#REF!", "#VALUE!"]]
    frame = pd.DataFrame(rows, columns=columns, dtype="object")
    frame["_first_text"] = frame["komponen"]
    frame["_file"], frame["_sheet"], frame["_row"] = "rekap.csv", "", range(2, 5)
    log = ProblemLog()
    clean_rekap(RawTable(frame, {("rekap.csv", ""): {c: c for c in columns}}), settings, log)
    found = log.to_frame()
    assert sorted(found[["level", "code", "row", "column", "value"]].values.tolist()) == [
        ["error", "excel_error", 3, "sasaran", NA], ["error", "excel_error", 4, "kecamatan", "#VALUE!"],
        ["error", "excel_error", 4, "komponen", NA], ["error", "excel_error", 4, "realisasi", "#REF!"]]
