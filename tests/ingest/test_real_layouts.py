"""Registers in the layouts of real files (tests/fixtures/real_layouts.py), each cleaned as part of a
whole year (data contract v2 §1.1–§1.4, §1.6, §1.7, §7).

Every test builds the hand-counted fixture year (tests/fixtures/tiny_year.py), replaces the register
of one component by a file in a real layout, runs ``clean_year`` and states what the contract says
must come out: rows read, rows skipped by kind (problem codes), cases, handled, the jenis given,
warnings, and errors located by file, sheet, row and column. The expected counts are read off the
rows of the builders; each constant says how.

Many of these tests fail until the reader implements v2 (new aliases, two-row headers, column-number,
footer, group and end-marker rows, jenis from a sheet or file name, sumber.yml keys, BIFF content in
an .xlsx, pipe-delimited .txt). The codes of problems v2 adds are assumed here, from the contract's
words: ``column_number_row``, ``footer_row``, ``group_row``, ``end_marker``, ``alias_precedence`` (two
columns for one field, the first alias wins), ``column_matched`` (the alias each column matched),
``file_real_type`` (content not what the extension says) and ``rekap_column_blank``. Rename them here
when the catalogue (config/problems.yml) names them otherwise.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from ikuanalysis.ingest.problems import RegisterError
from ikuanalysis.ingest.year import CleanResult, clean_year
from tests.fixtures import real_layouts as rl
from tests.fixtures.tiny_year import write_tiny_year

YEAR = 2025
KEY = b"real-layouts"
# The tiny year's register of each component, replaced by the file under test.
TINY_FILES = {"x1": "x1_psks.csv", "x2": "x2_rehsos.xlsx", "x3": "X3-bansos.csv", "x4": "x4_bencana.xlsx"}


# --- helpers ---------------------------------------------------------------------------------------


def year_without(root: Path, component: str, year: int = YEAR) -> Path:
    """Write the tiny year ``year`` (its rows dated in that year) under ``root``, without ``component``'s register."""
    folder = write_tiny_year(root, year, dated=year)
    (folder / TINY_FILES[component]).unlink()
    return folder


def clean(folder: Path, settings, year: int = YEAR) -> CleanResult:
    """Clean the year; a year that does not clean fails the test with its errors listed."""
    try:
        return clean_year(folder, settings, year, key=KEY)
    except RegisterError as exc:
        listed = str(exc)
    pytest.fail(f"the year folder did not clean:\n{listed}", pytrace=False)


def failed_log(folder: Path, settings, year: int = YEAR) -> pd.DataFrame:
    """Clean a year that must stop with errors; return its whole log."""
    try:
        clean_year(folder, settings, year, key=KEY)
    except RegisterError as exc:
        return exc.log.to_frame()
    pytest.fail("the year folder cleaned, but it must stop with errors", pytrace=False)


def errors_of(folder: Path, settings, year: int = YEAR) -> pd.DataFrame:
    """Clean a year that must stop with errors; return its errors (log rows of level error)."""
    log = failed_log(folder, settings, year)
    return log[log["level"] == "error"].reset_index(drop=True)


def count_of(log: pd.DataFrame, code: str, file: str) -> int:
    """Return how many times ``code`` was logged for ``file``."""
    return int(((log["code"] == code) & (log["file"] == file)).sum())


def located(errors: pd.DataFrame) -> list[tuple]:
    """Return each error as (code, file, sheet, row, column)."""
    return [(r.code, r.file, r.sheet, None if pd.isna(r.row) else int(r.row), r.column) for r in errors.itertuples()]


def stats_of(result: CleanResult, component: str):
    return next(s for s in result.stats if s.component == component)


def cases_of(result: CleanResult, component: str) -> pd.DataFrame:
    return result.cases[result.cases["component"] == component]


def logged_rows(result: CleanResult, code: str, file: str, sheet: str | None = None) -> list[int]:
    """Return the rows (sorted) at which ``code`` was logged for ``file`` (and ``sheet``)."""
    log = result.log.to_frame()
    chosen = (log["code"] == code) & (log["file"] == file)
    if sheet is not None:
        chosen &= log["sheet"] == sheet
    return sorted(int(r) for r in log.loc[chosen, "row"].dropna())


def problems_below(result: CleanResult, file: str, row: int, levels=("error", "warning", "info")) -> pd.DataFrame:
    """Return the problems of ``file`` located below spreadsheet row ``row`` (of the given levels)."""
    log = result.log.to_frame()
    return log[(log["file"] == file) & (log["row"].fillna(0) > row) & log["level"].isin(levels)]


def missing_fields(message: str) -> set[str]:
    """Return the fields a missing_column message lists ('Kolom wajib tidak ditemukan: a, b.')."""
    found = re.search(r"ditemukan:\s*([^.]+)", message)
    return {part.strip() for part in (found.group(1) if found else message).split(",")}


# --- (a) Kemensos PSKS form Model B.1.1 PSM -----------------------------------------------------------

PSM_FILE = rl.PSM_FILE
PSM_SHEET = rl.PSM_SHEET  # 'B.1.1 PSM'
PSM_HEADER_ROW = 20  # the upper row of the two-row header (§1.6's example `baris_judul: 20`)
PSM_NUMBER_ROW = 22  # '1 2 3 … 12 (13 14)': skipped and logged
PSM_DATA_ROWS = [24, 25, 26, 27, 28]  # the five PSM, under the spacer row 23
PSM_ROWS_READ = 5
PSM_CASES = 5  # five different NIKs
PSM_HANDLED = 3  # Status Kinerja 1, Aktif, Aktif; the other two Tidak Aktif
PSM_JENIS = "Pekerja Sosial Masyarakat (PSM)"  # sheet 'B.1.1 PSM' and 'Kategori | PEKERJA SOSIAL MASYARAKAT (PSM)'
# Kecamatan Lokasi Tugas as written: Pahandut, Bukit Batu, Kec. Jekan Raya, Sebangau, RAKUMPIT.
PSM_KECAMATAN = {"Pahandut": 1, "Bukit Batu": 1, "Jekan Raya": 1, "Sabangau": 1, "Rakumpit": 1}
PSM_VERBATIM_MISSING = {"kecamatan", "status"}  # nama is 'Nama PSM', jenis comes from the sheet / Kategori


def test_the_psm_form_as_distributed_lacks_kecamatan_and_status_reported_at_its_header(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x1")
    rl.write_psm_form(folder)
    errors = errors_of(folder, settings)
    assert located(errors) == [("missing_column", PSM_FILE, PSM_SHEET, PSM_HEADER_ROW, "")] * len(errors)
    assert set().union(*map(missing_fields, errors["message"])) == PSM_VERBATIM_MISSING


def test_the_psm_form_adapted_by_palangka_raya_gives_its_cases_with_the_jenis_of_its_sheet(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x1")
    rl.write_psm_form_palangka_raya(folder)
    result = clean(folder, settings)
    x1 = stats_of(result, "x1")
    assert (x1.rows_read, x1.cases, x1.handled) == (PSM_ROWS_READ, PSM_CASES, PSM_HANDLED)
    assert (x1.unknown_jenis, x1.invalid_nik, x1.blank_status, x1.duplicates_merged) == (0, 0, 0, 0)
    cases = cases_of(result, "x1")
    assert cases["jenis"].unique().tolist() == [PSM_JENIS]  # never the Jenis/Kelamin codes 1 and 2
    assert sorted(cases["source_row"]) == PSM_DATA_ROWS
    assert set(cases["source_sheet"]) == {PSM_SHEET}
    assert cases["kecamatan"].value_counts().to_dict() == PSM_KECAMATAN
    assert logged_rows(result, "column_number_row", PSM_FILE) == [PSM_NUMBER_ROW]
    # The preamble, legend, signature block and the formatted empty rows 29–449 say nothing.
    assert problems_below(result, PSM_FILE, 0, levels=("error", "warning")).empty
    assert problems_below(result, PSM_FILE, PSM_DATA_ROWS[-1]).empty


# --- (b) Magetan per-jenis templates -----------------------------------------------------------------

LANSIA_SUMBER = {"pola": rl.LANSIA_FILE, "komponen": "x2", "jenis": "Lanjut Usia Terlantar",
                 "kolom": {"status_pemenuhan_kebutuhan": "status"}}
LANSIA_CASES = 4  # rows 2–5, four NIKs
LANSIA_HANDLED = 3  # status_pemenuhan_kebutuhan Sudah, Belum, Sudah, Ya
LANSIA_JENIS = "Lanjut Usia Telantar"  # sumber.yml's 'Lanjut Usia Terlantar', in the list's spelling
LANSIA_KECAMATAN = {"Jekan Raya": 1, "Sabangau": 1, "Pahandut": 1, "Rakumpit": 1}  # 'Sebangau' = Sabangau
LANSIA_LAST_ROW = 5  # formatted empty cells follow down to row 5000


def test_the_magetan_lansia_template_with_sumber_jenis_and_kolom(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x2")
    rl.write_magetan_lansia(folder)
    rl.write_sumber(folder, [LANSIA_SUMBER])
    result = clean(folder, settings)
    x2 = stats_of(result, "x2")
    assert (x2.rows_read, x2.cases, x2.handled) == (LANSIA_CASES, LANSIA_CASES, LANSIA_HANDLED)
    assert (x2.unknown_jenis, x2.unknown_kelurahan, x2.invalid_nik) == (0, 0, 0)
    cases = cases_of(result, "x2")
    assert cases["jenis"].unique().tolist() == [LANSIA_JENIS]
    assert cases["kecamatan"].value_counts().to_dict() == LANSIA_KECAMATAN
    assert count_of(result.log.to_frame(), "sumber_applied", rl.LANSIA_FILE) >= 1  # applied entries are logged (§1.6)
    assert problems_below(result, rl.LANSIA_FILE, LANSIA_LAST_ROW).empty  # 4 995 formatted rows cost nothing


ODGJ_SUMBER = {"pola": rl.ODGJ_FILE, "komponen": "x2", "jenis": "Penyandang Disabilitas",
               "kolom": {"pengobatan": "status"}}
ODGJ_CASES = 3
ODGJ_HANDLED = 2  # pengobatan Ya, Tidak, Ya
ODGJ_KECAMATAN = {"Jekan Raya": 1, "Pahandut": 1, "Bukit Batu": 1}


def test_the_magetan_odgj_template_with_sumber_jenis_and_kolom(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x2")
    rl.write_magetan_odgj(folder)
    rl.write_sumber(folder, [ODGJ_SUMBER])
    result = clean(folder, settings)
    x2 = stats_of(result, "x2")
    assert (x2.rows_read, x2.cases, x2.handled) == (ODGJ_CASES, ODGJ_CASES, ODGJ_HANDLED)
    cases = cases_of(result, "x2")
    assert cases["jenis"].unique().tolist() == ["Penyandang Disabilitas"]
    assert cases["kecamatan"].value_counts().to_dict() == ODGJ_KECAMATAN
    assert problems_below(result, rl.ODGJ_FILE, ODGJ_CASES + 1).empty


DISABILITAS_SUMBER = {"pola": rl.DISABILITAS_FILE, "komponen": "x2", "jenis": "Penyandang Disabilitas"}
# The template's column `status` holds the marital status: every row is a located error.
DISABILITAS_MARITAL_ERRORS = [
    ("unknown_status", rl.DISABILITAS_FILE, "data", 2, "status", "Belum Kawin"),
    ("unknown_status", rl.DISABILITAS_FILE, "data", 3, "status", "Kawin"),
    ("unknown_status", rl.DISABILITAS_FILE, "data", 4, "status", "Belum Kawin"),
]
DISABILITAS_CASES = 3
DISABILITAS_HANDLED = 2  # sesuai_standar / status_penanganan Sudah, Belum, Sudah
# The columns matched each year, as written (stray spaces trimmed): drift visible in the log (§1.2).
DISABILITAS_MATCHED = {
    2024: {"nama", "nomor_kk", "nik", "desa", "kecamatan", "sesuai_standar"},
    2025: {"nama", "no_kk", "nik", "desa", "kecamatan", "tanggal_asesmen", "status_penanganan"},
}


def test_the_magetan_disabilitas_template_status_is_marital_status_and_each_row_an_error(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x2")
    rl.write_magetan_disabilitas(folder, layout="template")
    rl.write_sumber(folder, [DISABILITAS_SUMBER])
    errors = errors_of(folder, settings)
    assert [(*row, value) for row, value in zip(located(errors), errors["value"])] == DISABILITAS_MARITAL_ERRORS


def test_columns_renamed_and_inserted_between_years_count_the_same_and_the_log_shows_the_drift(tmp_path, settings):
    root = tmp_path / "raw"
    results = {}
    for year in (2024, 2025):
        folder = year_without(root, "x2", year)
        rl.write_magetan_disabilitas(folder, layout=str(year), year=year)
        rl.write_sumber(folder, [DISABILITAS_SUMBER])
        results[year] = clean(folder, settings, year)
    for year, result in results.items():
        x2 = stats_of(result, "x2")
        assert (x2.rows_read, x2.cases, x2.handled, x2.excluded_other_year) == (
            DISABILITAS_CASES, DISABILITAS_CASES, DISABILITAS_HANDLED, 0), year
        log = result.log.to_frame()
        matched = log[(log["code"] == "column_matched") & (log["file"] == rl.DISABILITAS_FILE)]
        assert {c.strip() for c in matched["column"]} == DISABILITAS_MATCHED[year], year
    assert cases_of(results[2024], "x2")["tanggal"].isna().all()  # no date column in 2024
    dated = cases_of(results[2025], "x2")["tanggal"]
    assert dated.notna().all() and (dated.dt.year == 2025).all()


ANAK_SUMBER = {"pola": rl.ANAK_FILE, "komponen": "x2", "jenis": "Anak Terlantar", "lembar": [rl.ANAK_SHEET]}
ANAK_CASES = 3
ANAK_HANDLED = 2  # ditangani_sesuai_standar Sudah, Belum, Sudah
ANAK_LOST_DIGIT_ROWS = [3]  # Nadia: NIK typed into the template's "0"-formatted column, ending in 0
ANAK_JENIS = "Anak Telantar"


def test_the_magetan_anak_terlantar_sheet_is_read_and_its_lksa_sheet_is_not(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x2")
    rl.write_magetan_anak_terlantar_lksa(folder)
    rl.write_sumber(folder, [ANAK_SUMBER])
    result = clean(folder, settings)
    x2 = stats_of(result, "x2")
    assert (x2.rows_read, x2.cases, x2.handled, x2.invalid_nik) == (ANAK_CASES, ANAK_CASES, ANAK_HANDLED, 0)
    assert logged_rows(result, "nik_number_lost_digit", rl.ANAK_FILE) == ANAK_LOST_DIGIT_ROWS
    cases = cases_of(result, "x2")
    assert set(cases["source_sheet"]) == {rl.ANAK_SHEET}
    assert cases["jenis"].unique().tolist() == [ANAK_JENIS]
    log = result.log.to_frame()
    assert log[(log["sheet"] == rl.LKSA_SHEET) & log["level"].isin(["error", "warning"])].empty


WRSE_SUMBER = {"pola": rl.WRSE_FILE, "komponen": "x2", "jenis": "Perempuan Rawan Sosial Ekonomi"}
WRSE_CASES = 3
WRSE_HANDLED = 2  # ditangani_sesuai_standar Ya, Tidak, Ya
WRSE_KECAMATAN = {"Pahandut": 1, "Jekan Raya": 1, "Sabangau": 1}
# The template's row 2 lists allowed values: the contract has no rule that skips it, so it is a data
# row without kecamatan and with the status 'Ya / Tidak'.
WRSE_HINT_ERRORS = {
    ("unknown_kecamatan", rl.WRSE_FILE, "data", 2, "kecamatan"),
    ("unknown_status", rl.WRSE_FILE, "data", 2, rl.WRSE_ADDED_COLUMN),
}


def test_the_wrse_template_is_biff_under_an_xlsx_name_read_with_a_warning_and_lacks_status(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x2")
    rl.write_magetan_wrse_biff(folder)
    rl.write_sumber(folder, [WRSE_SUMBER])
    log = failed_log(folder, settings)
    assert count_of(log, "file_real_type", rl.WRSE_FILE) == 1  # a warning naming the real type (§1.1)
    errors = log[log["level"] == "error"]
    assert located(errors) == [("missing_column", rl.WRSE_FILE, "data", 1, "")]
    assert missing_fields(errors["message"].iloc[0]) == {"status"}


def test_the_wrse_register_in_biff_under_an_xlsx_name_gives_its_cases(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x2")
    rl.write_magetan_wrse_biff(folder, rows=rl.WRSE_ROWS, status_column=True, hint_row=False)
    rl.write_sumber(folder, [WRSE_SUMBER])
    result = clean(folder, settings)
    x2 = stats_of(result, "x2")
    assert (x2.rows_read, x2.cases, x2.handled) == (WRSE_CASES, WRSE_CASES, WRSE_HANDLED)
    assert cases_of(result, "x2")["kecamatan"].value_counts().to_dict() == WRSE_KECAMATAN
    assert count_of(result.log.to_frame(), "file_real_type", rl.WRSE_FILE) == 1


def test_the_wrse_hint_row_left_under_the_header_is_a_located_error(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x2")
    rl.write_magetan_wrse_biff(folder, rows=rl.WRSE_ROWS, status_column=True, hint_row=True)
    rl.write_sumber(folder, [WRSE_SUMBER])
    errors = errors_of(folder, settings)
    assert set(located(errors)) == WRSE_HINT_ERRORS
    assert errors.loc[errors["code"] == "unknown_status", "value"].tolist() == [rl.WRSE_ADDED_HINT]


# --- (c) E-PSKS Jawa Timur ---------------------------------------------------------------------------

TKSK_SUMBER = {"pola": "FORMAT_PENDATAAN_TKSK*.xlsx", "komponen": "x1"}  # no jenis: the file name says TKSK
TKSK_ROWS_READ = 5
TKSK_CASES = 4  # Dewi twice (her NIK not usable: by name and kelurahan)
TKSK_HANDLED = 3  # Agus 1, Dewi Aktif then 1, Lilis 1; Hendra Tidak Aktif
TKSK_DUPLICATES = 1
TKSK_LOST_DIGIT_ROWS = [3, 6]  # Dewi's NIK, a number cell ending in 0, on both of her rows
TKSK_JENIS = "Tenaga Kesejahteraan Sosial Kecamatan (TKSK)"
# By Kecamatan Lokasi Tugas (x1 lists it before Kecamatan): Hendra lives in Jekan Raya, serves in Rakumpit.
TKSK_KECAMATAN = {"Jekan Raya": 1, "Sabangau": 1, "Rakumpit": 1, "Pahandut": 1}
TKSK_EXAMPLE_ERRORS = [  # the template's John Doe row left in: his Surabaya kecamatan
    ("unknown_kecamatan", rl.TKSK_FILE, rl.TKSK_SHEET, 2, "Kecamatan Lokasi Tugas", "Gayungan"),
]


def test_the_epsks_tksk_template_counts_by_lokasi_tugas_and_warns_on_lost_nik_digits(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x1")
    rl.write_epsks_tksk(folder)
    rl.write_sumber(folder, [TKSK_SUMBER])
    result = clean(folder, settings)
    x1 = stats_of(result, "x1")
    assert (x1.rows_read, x1.cases, x1.handled, x1.duplicates_merged) == (
        TKSK_ROWS_READ, TKSK_CASES, TKSK_HANDLED, TKSK_DUPLICATES)
    assert x1.invalid_nik == 0  # a number cell not ending in 0 is an ordinary NIK
    assert logged_rows(result, "nik_number_lost_digit", rl.TKSK_FILE) == TKSK_LOST_DIGIT_ROWS
    cases = cases_of(result, "x1")
    assert cases["jenis"].unique().tolist() == [TKSK_JENIS]
    assert cases["kecamatan"].value_counts().to_dict() == TKSK_KECAMATAN
    log = result.log.to_frame()
    chosen = log[(log["code"] == "alias_precedence") & (log["file"] == rl.TKSK_FILE)]
    assert chosen["column"].tolist() == ["Kecamatan Lokasi Tugas"]


def test_the_epsks_tksk_example_row_left_in_is_a_located_error(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x1")
    rl.write_epsks_tksk(folder, example_row=True)
    rl.write_sumber(folder, [TKSK_SUMBER])
    errors = errors_of(folder, settings)
    assert [(*row, value) for row, value in zip(located(errors), errors["value"])] == TKSK_EXAMPLE_ERRORS


KARANG_TARUNA_SUMBER = {"pola": "FORMAT_PEDATAAN_KARANG_TARUNA*.xlsx", "komponen": "x1"}
KARANG_TARUNA_CASES = 4  # four units, no NIK: by name and kelurahan
KARANG_TARUNA_HANDLED = 3  # Status Kinerja Aktif, 1, Tidak Aktif, Aktif


def test_the_epsks_karang_taruna_template_gives_its_units_with_the_jenis_of_its_file_name(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x1")
    rl.write_epsks_karang_taruna(folder)
    rl.write_sumber(folder, [KARANG_TARUNA_SUMBER])
    result = clean(folder, settings)
    x1 = stats_of(result, "x1")
    assert (x1.rows_read, x1.cases, x1.handled) == (KARANG_TARUNA_CASES, KARANG_TARUNA_CASES, KARANG_TARUNA_HANDLED)
    assert (x1.excluded_other_year, x1.blank_date) == (0, 0)  # 'Tanggal Bulan Tahun SK' is not a tanggal column
    assert cases_of(result, "x1")["jenis"].unique().tolist() == ["Karang Taruna"]


# --- (d) BPS-style tables as rekap files (§1.7) --------------------------------------------------------

BPS_ROWS_READ = 5  # one row per kecamatan, rows 4–8
BPS_SASARAN = 319  # 184 + 12 + 92 + 31 + 0; the city row (row 9) repeats it and must not count
BPS_REALISASI = 313  # 180 + 12 + 90 + 31 + 0
BPS_NUMBER_ROW = 3  # '(1) (2) (3) (4) (5)'
BPS_CITY_ROW = 9  # '62.71 | Kota Palangka Raya': a summary row (§1.4)
BPS_FOOTER_ROW = 10  # 'Sumber : …'
BPS_BY_KECAMATAN = {  # kecamatan: (realisasi, sasaran) of rows 4–8
    "Pahandut": (180, 184), "Bukit Batu": (12, 12), "Jekan Raya": (90, 92), "Sabangau": (31, 31), "Rakumpit": (0, 0)}
BPS_BLANK_SASARAN = [("rekap_column_blank", rl.BPS_PERCENT_FILE, rl.BPS_PERCENT_SHEET, 3, "Sasaran")]


def test_a_bps_table_as_rekap_skips_its_number_city_and_source_rows(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x4")
    rl.write_bps_rekap(folder)
    result = clean(folder, settings)
    x4 = stats_of(result, "x4")
    assert (x4.rows_read, x4.cases, x4.handled) == (BPS_ROWS_READ, BPS_SASARAN, BPS_REALISASI)
    assert logged_rows(result, "column_number_row", rl.BPS_FILE) == [BPS_NUMBER_ROW]
    assert logged_rows(result, "summary_row", rl.BPS_FILE) == [BPS_CITY_ROW]
    assert logged_rows(result, "footer_row", rl.BPS_FILE) == [BPS_FOOTER_ROW]
    rekap = result.aggregate[(result.aggregate["source"] == "rekap") & (result.aggregate["component"] == "x4")]
    assert {r.kecamatan: (r.numerator, r.denominator) for r in rekap.itertuples()} == BPS_BY_KECAMATAN


def test_a_bps_table_as_rekap_with_a_column_blank_in_every_row_is_an_error(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x4")
    rl.write_bps_rekap_blank_column(folder)
    assert located(errors_of(folder, settings)) == BPS_BLANK_SASARAN


# --- (e) DTKS / SIKS-NG export --------------------------------------------------------------------------

DTKS_ROWS_READ = 7  # lines 2–8
DTKS_CASES = 6  # YOHANES BAHEN twice (one NIK)
DTKS_HANDLED = 3  # BPNT or PKH yes: lines 2, 3 and 6; PBI JKN alone (line 4) does not count
DTKS_DUPLICATE_ROWS = [7]
DTKS_KECAMATAN = {"Pahandut": 2, "Jekan Raya": 1, "Sabangau": 1, "Bukit Batu": 1, "Rakumpit": 1}


def test_a_dtks_pipe_export_counts_recipients_handled_by_the_flags_sumber_names(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x3")
    rl.write_dtks_export(folder)
    rl.write_dtks_sumber(folder)
    result = clean(folder, settings)
    x3 = stats_of(result, "x3")
    assert (x3.rows_read, x3.cases, x3.handled) == (DTKS_ROWS_READ, DTKS_CASES, DTKS_HANDLED)
    assert (x3.blank_status, x3.unknown_kelurahan, x3.invalid_nik) == (0, 0, 0)  # a blank flag is a plain No
    assert logged_rows(result, "duplicate_merged", rl.DTKS_FILE) == DTKS_DUPLICATE_ROWS
    cases = cases_of(result, "x3")
    assert cases["jenis"].unique().tolist() == [rl.DTKS_JENIS]
    assert cases["kecamatan"].value_counts().to_dict() == DTKS_KECAMATAN


# --- (f) OpenSID-style import ---------------------------------------------------------------------------

OPENSID_ROWS_READ = 4  # rows 3, 4, 6, 7
OPENSID_CASES = 4
OPENSID_HANDLED = 3  # Sudah, Belum, Sudah, Sudah
OPENSID_GROUP_ROWS = [2, 5]  # KECAMATAN PAHANDUT, KECAMATAN JEKAN RAYA
OPENSID_END_ROW = rl.OPENSID_END_ROW  # 8: '###'; the note and the example row below it are not read
OPENSID_SERIAL_ROWS = [4, 7]  # 45748 and 45800 in General cells
OPENSID_DATES = ["2025-02-10", "2025-03-15", "2025-04-01", "2025-05-23"]
OPENSID_SKIPPED_SHEETS = {rl.OPENSID_ID_SHEET, rl.OPENSID_CODE_SHEET}  # key–value and (hidden) code legend


def test_an_opensid_import_ends_at_its_marker_and_skips_group_rows_and_its_other_sheets(tmp_path, settings):
    folder = year_without(tmp_path / "raw", "x2")
    rl.write_opensid_import(folder)
    result = clean(folder, settings)
    x2 = stats_of(result, "x2")
    assert (x2.rows_read, x2.cases, x2.handled) == (OPENSID_ROWS_READ, OPENSID_CASES, OPENSID_HANDLED)
    data = rl.OPENSID_FILE, rl.OPENSID_DATA_SHEET
    assert logged_rows(result, "group_row", *data) == OPENSID_GROUP_ROWS
    assert logged_rows(result, "end_marker", *data) == [OPENSID_END_ROW]
    assert logged_rows(result, "date_serial", *data) == OPENSID_SERIAL_ROWS
    log = result.log.to_frame()
    skipped = log[(log["code"] == "sheet_skipped") & (log["file"] == rl.OPENSID_FILE)]
    assert set(skipped["sheet"]) == OPENSID_SKIPPED_SHEETS
    assert problems_below(result, rl.OPENSID_FILE, OPENSID_END_ROW, levels=("error", "warning")).empty
    cases = cases_of(result, "x2")
    assert sorted(cases["tanggal"].dt.strftime("%Y-%m-%d")) == OPENSID_DATES
    assert set(cases["kecamatan"]) == {"Pahandut", "Jekan Raya"}  # not the example row's Rakumpit
