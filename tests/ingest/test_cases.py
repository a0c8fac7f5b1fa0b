"""Cleaning rules of the data contract §1.2–§1.3 (ingest/cases.py), each on a tiny inline register."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ikuanalysis.ingest.cases import clean_register
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.read import RawTable

YEAR = 2025
HEADERS = {c: c.title() for c in ("nik", "nama", "jenis", "kecamatan", "kelurahan", "tanggal", "status")}


def person(n: int, **values) -> dict:
    """A valid x2 row for person ``n``; keyword arguments override columns."""
    row = {
        "nik": f"62710000000000{n:02d}", "nama": f"Orang {n}", "jenis": "Anak Telantar",
        "kecamatan": "Pahandut", "kelurahan": "Langkai", "tanggal": dt.date(YEAR, 3, 1), "status": "Ya",
    }
    row.update(values)
    return row


def raw(rows: list[dict]) -> RawTable:
    """A raw table of one file/sheet, rows numbered from spreadsheet row 2."""
    frame = pd.DataFrame(rows, columns=list(HEADERS)).astype("object").fillna("")
    frame["_first_text"] = [str(r.get("_first_text", "")) for r in rows]
    frame["_kind"] = [str(r.get("_kind", "")) for r in rows]  # the reader's kind of row (layout.classify_rows)
    frame["_file"], frame["_sheet"] = "x2_test.xlsx", "Data"
    frame["_row"] = range(2, len(rows) + 2)
    return RawTable(frame=frame, headers={("x2_test.xlsx", "Data"): dict(HEADERS)})


def clean(rows: list[dict], settings, component="x2"):
    log = ProblemLog()
    kept, stats, identity = clean_register(raw(rows), settings.iku.component(component), settings, YEAR, log)
    return kept, stats, log.to_frame()


YES = ["Ya", "Y", "Sudah", "Sesuai", "Sesuai Standar", "Tepat", "Tepat Sasaran", "Menerima", "Sudah Menerima",
       "Aktif", "Berkontribusi", "1", "True", "✓", "√", "V", 1.0, True, " ya ", "SUDAH"]
NO = ["Tidak", "T", "Belum", "Tidak Sesuai", "Tidak Tepat", "Tidak Tepat Sasaran", "Belum Menerima",
      "Tidak Aktif", "0", "False", "-", 0.0, False, "BELUM "]


def test_every_listed_status_spelling(settings):
    rows = [person(i, status=s) for i, s in enumerate(YES + NO)]
    kept, stats, log = clean(rows, settings)
    assert stats.cases == len(YES) + len(NO)
    assert stats.handled == len(YES)
    assert (log["level"] != "error").all()


def test_blank_status_counts_as_not_handled_with_a_warning(settings):
    kept, stats, log = clean([person(1, status=""), person(2)], settings)
    assert (stats.cases, stats.handled, stats.blank_status) == (2, 1, 1)
    assert log.loc[log["code"] == "blank_status", "row"].tolist() == [2]


def test_unknown_status_is_an_error_with_its_location(settings):
    _, _, log = clean([person(1), person(2, status="Mungkin")], settings)
    error = log[log["level"] == "error"].iloc[0]
    assert (error["code"], error["file"], error["sheet"], error["row"], error["column"], error["value"]) == (
        "unknown_status", "x2_test.xlsx", "Data", 3, "Status", "Mungkin")


@pytest.mark.parametrize("two", ["2", 2, 2.0, " 2 "])
def test_a_status_2_is_an_error_with_the_hint_that_it_is_the_bps_code_for_tidak(settings, two):
    _, _, log = clean([person(1), person(2, status=two), person(3, status="Mungkin")], settings)
    errors = log[log["level"] == "error"].sort_values("row")
    assert errors[["code", "row"]].values.tolist() == [["unknown_status", 3], ["unknown_status", 4]]
    assert "kode BPS untuk Tidak" in errors["message"].iloc[0]
    assert "kode BPS" not in errors["message"].iloc[1]


@pytest.mark.parametrize(
    "written, canonical",
    [("Pahandut", "Pahandut"), ("PAHANDUT", "Pahandut"), ("Sabangau ", "Sabangau"), ("Sebangau", "Sabangau"),
     ("Kec. Jekan Raya", "Jekan Raya"), ("Kecamatan Bukit Batu", "Bukit Batu"), ("rakumpit", "Rakumpit"),
     ("  jekan  raya ", "Jekan Raya"),
     # found by a probe: the leading word without its full stop, or with a colon or a dash
     ("Kec Pahandut", "Pahandut"), ("KEC PAHANDUT", "Pahandut"), ("Kec: Pahandut", "Pahandut"),
     ("Kec - Jekan Raya", "Jekan Raya"), ("Kec.Sabangau", "Sabangau"), ("Kecamatan: Rakumpit", "Rakumpit")],
)
def test_kecamatan_spellings_resolve(settings, written, canonical):
    kept, _, log = clean([person(1, kecamatan=written)], settings)
    assert kept["kecamatan"].tolist() == [canonical]
    assert (log["level"] != "error").all()


def test_unknown_kecamatan_is_an_error(settings):
    _, _, log = clean([person(1, kecamatan="Kapuas")], settings)
    assert log.loc[log["level"] == "error", "code"].tolist() == ["unknown_kecamatan"]
    assert log["message"].iloc[0] == (
        "Kecamatan tidak dikenali. Tulis salah satu dari: Pahandut (62.71.01), Bukit Batu (62.71.02), "
        "Jekan Raya (62.71.03), Sabangau (62.71.04), Rakumpit (62.71.05).")


KNOWN_KECAMATAN = ("Pahandut (62.71.01), Bukit Batu (62.71.02), Jekan Raya (62.71.03), Sabangau (62.71.04), "
                   "Rakumpit (62.71.05)")


def test_a_blank_kecamatan_is_said_to_be_blank_with_a_hint_for_a_row_that_is_not_data(settings):
    """A signature typed under the table in the NIK column is a data row (contract §1.4): its blank
    kecamatan must not read as a misspelling."""
    rows = [person(1), person(2, kecamatan=""), {"nik": "Kepala Dinas Sosial"}, person(3, kecamatan="Kapuas")]
    _, _, log = clean(rows, settings)
    errors = log[(log["level"] == "error") & (log["code"] == "unknown_kecamatan")]
    assert errors[["row", "column"]].values.tolist() == [[3, "Kecamatan"], [4, "Kecamatan"], [5, "Kecamatan"]]
    blank = (f"Kecamatan kosong. Isi dengan salah satu dari: {KNOWN_KECAMATAN}. Bila baris ini bukan data (mis. "
             "tanda tangan atau catatan di bawah tabel), hapus barisnya atau tulis ### pada baris sesudah data terakhir.")
    assert errors["message"].tolist() == [blank, blank, f"Kecamatan tidak dikenali. Tulis salah satu dari: {KNOWN_KECAMATAN}."]
    assert "Kepala" not in log.to_string()  # the NIK column's text is never quoted

def test_kecamatan_codes_resolve_and_an_unknown_code_is_an_error_quoting_it(settings):
    rows = [person(1, kecamatan="62.71.03"), person(2, kecamatan="627104"), person(3, kecamatan="62.72.01")]
    kept, _, log = clean(rows, settings)
    assert kept["kecamatan"].tolist()[:2] == ["Jekan Raya", "Sabangau"]
    errors = log[log["level"] == "error"]
    assert errors[["code", "row", "column", "value"]].values.tolist() == [
        ["unknown_kecamatan", 4, "Kecamatan", "62.72.01"]]


def test_kelurahan_have_no_codes_in_config_so_a_code_is_an_unknown_kelurahan(settings):
    kept, stats, log = clean([person(1, kelurahan="62.71.01.1001")], settings)
    assert stats.unknown_kelurahan == 1
    assert log.loc[log["code"] == "unknown_kelurahan", ["row", "value"]].values.tolist() == [[2, "62.71.01.1001"]]


def test_kelurahan_variants_resolve_and_an_unknown_rare_one_is_shown_as_lainnya(settings):
    rows = [person(1, kelurahan="Pahandut Sebrang"), person(2, kelurahan="Tangkling"),
            person(3, kelurahan="Kel. Menteng"), person(4, kelurahan="Kampung Baru")]
    kept, stats, log = clean(rows, settings)
    assert kept["kelurahan"].tolist() == ["Pahandut Seberang", "Tangkiling", "Menteng", "lainnya"]
    assert stats.unknown_kelurahan == 1
    assert log.loc[log["code"] == "unknown_kelurahan", ["row", "value"]].values.tolist() == [[5, "Kampung Baru"]]
    generalized = log[log["code"] == "kelurahan_generalized"]
    assert generalized[["level", "row", "value"]].values.tolist() == [["warning", 5, ""]]
    assert "kurang dari 5 kasus" in generalized["message"].iloc[0]


def test_an_unknown_kelurahan_of_k_cases_is_kept_as_written(settings):
    k = settings.iku.policies.disclosure_k
    rows = [person(i, kelurahan="Kampung Baru") for i in range(k)]
    rows += [person(k, kelurahan="Kampung Lama"), person(k + 1, nik=f"62710000000000{k:02d}", kelurahan="Kampung Lama")]
    kept, _, log = clean(rows, settings)
    # k cases share "Kampung Baru"; two rows but one case (same NIK) write "Kampung Lama".
    assert kept["kelurahan"].tolist() == ["Kampung Baru"] * k + ["lainnya"] * 2
    assert log.loc[log["code"] == "kelurahan_generalized", "row"].tolist() == [k + 2, k + 3]


def test_jenis_terlantar_spelling_and_unknown_jenis(settings):
    k = settings.iku.policies.disclosure_k
    rows = [person(1, jenis="Anak Terlantar"), person(2, jenis="lanjut usia terlantar"), person(3, jenis="Anak Hilang")]
    rows += [person(10 + i, jenis="Anak Jalanan Baru") for i in range(k)]
    kept, stats, log = clean(rows, settings)
    assert kept["jenis"].tolist() == ["Anak Telantar", "Lanjut Usia Telantar", "lainnya"] + ["Anak Jalanan Baru"] * k
    assert stats.unknown_jenis == 1 + k
    assert log.loc[log["code"] == "jenis_generalized", "row"].tolist() == [4]


PLANTED_NIK = "3271012345678901"
PLANTED_NAME = "Zulkarnaen Wibisono"


@pytest.mark.parametrize("column", ["jenis", "kelurahan"])
@pytest.mark.parametrize("planted", [PLANTED_NIK, f"NIK {PLANTED_NIK}", 327101234567890.0, " zulkarnaen  WIBISONO"])
def test_a_nik_or_a_name_kept_as_written_is_never_kept_nor_quoted(settings, column, planted):
    k = settings.iku.policies.disclosure_k
    rows = [person(i, **{column: planted}) for i in range(k)] + [person(k, nama=PLANTED_NAME)]
    kept, stats, log = clean(rows, settings)
    assert kept[column].tolist()[:k] == ["lainnya"] * k  # shared by k cases, still withheld
    generalized = log[log["code"] == f"{column}_generalized"]
    assert generalized["row"].tolist() == list(range(2, k + 2))
    assert "sama dengan nama" in generalized["message"].iloc[0]
    text = log.to_csv()
    assert PLANTED_NIK[:15] not in text and "zulkarnaen" not in text.lower()
    assert set(log.loc[log["code"] == f"unknown_{column}", "value"]) == {"(disembunyikan)"}


@pytest.mark.parametrize("cell", ["31/02/2025", "Maret 2025", "5 Marc 2025", "kemarin", 12.0])
def test_unreadable_dates_are_errors(settings, cell):
    _, _, log = clean([person(1, tanggal=cell)], settings)
    assert log.loc[log["level"] == "error", "code"].tolist() == ["unreadable_date"]


def test_a_date_from_another_year_excludes_the_row(settings):
    rows = [person(1), person(2, tanggal="31/12/2024"), person(3, tanggal=""), person(4, tanggal=dt.date(2026, 1, 1))]
    kept, stats, log = clean(rows, settings)
    assert (stats.rows_read, stats.excluded_other_year, stats.cases, stats.blank_date) == (4, 2, 2, 1)
    assert log.loc[log["code"] == "date_other_year", "row"].tolist() == [3, 5]


def test_duplicate_nik_with_mixed_status_is_one_handled_case(settings):
    rows = [person(1, status="Belum"), person(2), person(1, status="Sudah", nik=6271000000000001.0),
            person(1, status="Belum", nik="'6271000000000001")]
    kept, stats, log = clean(rows, settings)
    assert (stats.rows_read, stats.duplicates_merged, stats.cases, stats.handled) == (4, 2, 2, 2)
    assert log.loc[log["code"] == "duplicate_merged", "value"].tolist() == ["baris 2 (x2_test.xlsx)"] * 2


def test_without_a_valid_nik_identity_is_name_and_kelurahan(settings):
    rows = [person(1, nik="", nama="Ibu Sari"), person(2, nik="123", nama="IBU  SARI", status="Tidak"),
            person(3, nik="", nama="Ibu Sari", kelurahan="Menteng")]
    kept, stats, log = clean(rows, settings)
    assert (stats.cases, stats.duplicates_merged, stats.invalid_nik) == (2, 1, 1)
    assert log.loc[log["code"] == "invalid_nik", "value"].tolist() == ["(disembunyikan)"]


def test_blank_and_summary_rows_are_skipped(settings):
    blank = {c: "" for c in HEADERS}
    rows = [person(1), blank, person(2), {**blank, "_first_text": "JUMLAH"}, {**blank, "nama": "Total Keseluruhan"},
            {**blank, "_first_text": "Sub Total", "status": 2.0}, person(3, nama="Totalia Dewi")]
    kept, stats, log = clean(rows, settings)
    assert (stats.blank_rows, stats.summary_rows, stats.rows_read, stats.cases) == (1, 3, 3, 3)
    assert log.loc[log["code"] == "summary_row", "row"].tolist() == [5, 6, 7]


def test_totals_written_as_offices_write_them_are_summary_rows(settings):
    """Found by a probe: "PALANGKA RAYA" (the city without "Kota") in the kecamatan column, a nama
    "REKAPITULASI" or "Sub-Total" were data rows (errors); a name merely containing the city stays data."""
    blank = {c: "" for c in HEADERS}
    rows = [person(1), {**blank, "kecamatan": "PALANGKA RAYA", "status": 3.0}, {**blank, "nama": "REKAPITULASI"},
            {**blank, "nama": "Sub-Total", "status": 1.0}, {**blank, "kecamatan": "Kota Palangka Raya :"},
            person(2, nama="Palangka Raya Peduli"), person(3, nama="Rekapan Siti")]
    kept, stats, log = clean(rows, settings)
    assert (stats.summary_rows, stats.rows_read, stats.cases) == (4, 3, 3)
    assert log.loc[log["code"] == "summary_row", "row"].tolist() == [3, 4, 5, 6]
    assert (log["level"] != "error").all()


def test_no_nik_or_name_reaches_the_kept_rows(settings):
    kept, _, _ = clean([person(1), person(2, nik="")], settings)
    text = kept.to_csv()
    assert "6271000000000001" not in text and "Orang" not in text


# --- [v2] spreadsheet error cells (contract §1.3): an error at its cell, never a blank ---

NA = "#N/A"
ERROR_CODES = ["#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


def errors_of(log: pd.DataFrame) -> list[tuple]:
    found = log[log["level"] == "error"]
    return [tuple(r) for r in found[["code", "file", "sheet", "row", "column", "value"]].itertuples(index=False)]


def test_one_na_status_in_five_rows_is_exactly_one_error_at_its_cell(settings):
    rows = [person(1), person(2, status=NA), person(3), person(4, status="Tidak"), person(5)]
    kept, stats, log = clean(rows, settings)
    assert errors_of(log) == [("excel_error", "x2_test.xlsx", "Data", 3, "Status", NA)]
    assert stats.blank_status == 0  # not counted as a blank status
    assert not (log["code"] == "blank_status").any()


@pytest.mark.parametrize("code", ERROR_CODES)
@pytest.mark.parametrize("column", ["nik", "nama", "jenis", "kecamatan", "kelurahan", "tanggal", "status"])
def test_an_error_code_in_any_used_column_is_one_error_and_nothing_else_at_that_cell(settings, column, code):
    rows = [person(1), person(2), person(3, **{column: code})]
    _, _, log = clean(rows, settings)
    shown = "(disembunyikan)" if column in ("nik", "nama") else code  # never quoted from nik/nama (§1.5)
    assert errors_of(log) == [("excel_error", "x2_test.xlsx", "Data", 4, HEADERS[column], shown)]
    other = log[(log["row"] == 4) & (log["code"] != "excel_error")]
    assert other.empty, other.to_string()  # no unknown_jenis, invalid_nik, blank_... for that cell


def test_error_cells_in_several_rows_and_columns_are_all_reported(settings):
    rows = [person(1, status="#VALUE!", kecamatan=NA), person(2), person(3, tanggal="#REF!")]
    _, _, log = clean(rows, settings)
    assert sorted(errors_of(log)) == [
        ("excel_error", "x2_test.xlsx", "Data", 2, "Kecamatan", NA),
        ("excel_error", "x2_test.xlsx", "Data", 2, "Status", "#VALUE!"),
        ("excel_error", "x2_test.xlsx", "Data", 4, "Tanggal", "#REF!"),
    ]


def test_an_error_code_inside_other_text_is_not_an_error_cell(settings):
    _, _, log = clean([person(1, status="Ya #N/A"), person(2, jenis="#N/A (cek)")], settings)
    assert [e[0] for e in errors_of(log)] == ["unknown_status"]


# --- [v2] NIK in a number cell (contract §1.3, §1.4) ---

NIK_LOST_DIGIT = 6271010101900010.0  # a number cell ending in 0: its 16th digit may be lost
NIK_EXACT = 6271010101900012.0  # a number cell not ending in 0: an ordinary NIK
MASKED_NIK = "627101******0001"


def test_a_number_cell_nik_ending_in_0_is_a_warning_and_the_case_is_identified_by_name(settings):
    rows = [person(1, nik=NIK_LOST_DIGIT, nama="Siti Aminah", status="Tidak"),
            person(2, nik="", nama="SITI  AMINAH"),  # the same person, same kelurahan: one case
            person(3, nik=NIK_LOST_DIGIT, nama="Budi Santoso")]  # same digits, another person: another case
    kept, stats, log = clean(rows, settings)
    warned = log[log["code"] == "nik_number_lost_digit"]
    assert warned[["level", "row", "column", "value"]].values.tolist() == [
        ["warning", 2, "Nik", "(disembunyikan)"], ["warning", 4, "Nik", "(disembunyikan)"]]
    assert (stats.cases, stats.duplicates_merged, stats.handled, stats.invalid_nik) == (2, 1, 2, 0)
    assert not (log["level"] == "error").any()


def test_a_number_cell_nik_not_ending_in_0_is_an_ordinary_nik(settings):
    rows = [person(1, nik=NIK_EXACT, nama="Siti Aminah"), person(2, nik="6271010101900012", nama="Ibu Siti")]
    _, stats, log = clean(rows, settings)
    assert (stats.cases, stats.duplicates_merged) == (1, 1)  # one NIK, whatever the names
    assert not log["code"].isin(["nik_number_lost_digit", "invalid_nik"]).any()


def test_a_text_nik_ending_in_0_is_an_ordinary_nik(settings):
    rows = [person(1, nik="6271010101900010", nama="A"), person(2, nik="'6271010101900010", nama="B")]
    _, stats, log = clean(rows, settings)
    assert (stats.cases, stats.duplicates_merged) == (1, 1)
    assert not (log["code"] == "nik_number_lost_digit").any()


FULL_WIDTH_NIK = "".join(chr(0xFF10 + int(d)) for d in "6271010101900012")  # typed with a full-width layout


@pytest.mark.parametrize("dtype", ["object", "str"])  # a workbook's cells, a CSV's Arrow text column
def test_a_nik_in_full_width_digits_is_the_same_nik(settings, dtype):
    table = raw([person(1, nik=FULL_WIDTH_NIK, nama="Siti Aminah"), person(2, nik="6271010101900012", nama="Ibu Siti")])
    table.frame["nik"] = table.frame["nik"].astype(dtype)
    log = ProblemLog()
    _, stats, _ = clean_register(table, settings.iku.component("x2"), settings, YEAR, log)
    assert (stats.cases, stats.duplicates_merged, stats.invalid_nik) == (1, 1, 0)


def test_a_masked_nik_is_not_valid(settings):
    rows = [person(1, nik=MASKED_NIK, nama="Ani"), person(2, nik=MASKED_NIK, nama="Badu")]
    _, stats, log = clean(rows, settings)
    assert (stats.cases, stats.invalid_nik) == (2, 2)  # not one case: identified by name
    assert log.loc[log["code"] == "invalid_nik", "row"].tolist() == [2, 3]


# --- [v2] dates: abbreviated months, date serials, bare years (contract §1.3) ---

DATE_SERIAL = 45721.0  # a whole number in a General cell: 05/03/2025


def test_abbreviated_months_are_dates(settings):
    rows = [person(1, tanggal="13 Des 2025"), person(2, tanggal="5 Agt 2025"), person(3, tanggal="1 Peb 2025"),
            person(4, tanggal="30 Nop 2025"), person(5, tanggal="13 Des 2023")]
    kept, stats, log = clean(rows, settings)
    assert kept["tanggal"].dt.strftime("%Y-%m-%d").tolist()[:4] == ["2025-12-13", "2025-08-05", "2025-02-01", "2025-11-30"]
    assert (stats.excluded_other_year, stats.cases) == (1, 4)
    assert not (log["level"] == "error").any()


def test_a_number_in_a_date_column_is_read_as_a_date_serial_with_a_warning(settings):
    kept, stats, log = clean([person(1, tanggal=DATE_SERIAL), person(2, tanggal="45721")], settings)
    assert kept["tanggal"].dt.strftime("%Y-%m-%d").tolist() == ["2025-03-05", "2025-03-05"]
    warned = log[log["code"] == "date_serial"]
    assert warned[["level", "row", "column", "value"]].values.tolist() == [
        ["warning", 2, "Tanggal", "45721 = 05/03/2025"], ["warning", 3, "Tanggal", "45721 = 05/03/2025"]]
    assert (stats.cases, stats.blank_date) == (2, 0)


def test_a_bare_year_keeps_the_row_without_a_date_and_another_year_excludes_it(settings):
    rows = [person(1, tanggal="2025"), person(2, tanggal=2025.0), person(3, tanggal="2024"), person(4)]
    kept, stats, log = clean(rows, settings)
    assert (stats.rows_read, stats.excluded_other_year, stats.cases, stats.blank_date) == (4, 1, 3, 0)
    assert kept["tanggal"].isna().tolist() == [True, True, False]
    assert log.loc[log["code"] == "date_year_only", ["level", "row", "value"]].values.tolist() == [
        ["warning", 2, "2025"], ["warning", 3, "2025"]]
    assert log.loc[log["code"] == "date_other_year", "row"].tolist() == [4]
    assert not (log["level"] == "error").any()


# --- [v2] case identity keeps every script (contract §1.4) ---

def test_different_non_latin_names_are_different_cases(settings):
    rows = [person(1, nik="", nama="张伟"), person(2, nik="", nama="李娜"), person(3, nik="", nama="محمد"),
            person(4, nik="", nama="أحمد"), person(5, nik="", nama="कमल"), person(6, nik="", nama="कमला")]
    _, stats, _ = clean(rows, settings)
    assert (stats.cases, stats.duplicates_merged) == (6, 0)


def test_one_name_written_in_several_ways_is_one_case(settings):
    rows = [person(1, nik="", nama="张伟"), person(2, nik="", nama=" 张伟\u3000"), person(3, nik="", nama="José Ramos"),
            person(4, nik="", nama="JOSÉ-RAMOS"), person(5, nik="", nama="Ｊｏｓé  Ramos")]
    _, stats, _ = clean(rows, settings)
    assert (stats.cases, stats.duplicates_merged) == (2, 3)


def test_names_that_differ_by_a_space_are_two_cases(settings):
    """Contract §1.4: whitespace is collapsed, never dropped. A probe found "Nur Aini" and "Nuraini"
    (same kelurahan) merged into one case."""
    rows = [person(1, nik="", nama="Nur Aini"), person(2, nik="", nama="Nuraini"), person(3, nik="", nama="张 伟"),
            person(4, nik="", nama="张伟"), person(5, nik="", nama="NUR   AINI")]
    _, stats, _ = clean(rows, settings)
    assert (stats.cases, stats.duplicates_merged) == (4, 1)


def test_unknown_non_latin_kelurahan_keep_namesakes_apart(settings):
    rows = [person(1, nik="", nama="Ani", kelurahan="大街"), person(2, nik="", nama="Ani", kelurahan="小街")]
    _, stats, _ = clean(rows, settings)
    assert stats.cases == 2


# --- Case identities as codes (CaseKeys) ---------------------------------------------------

NIK_LEADING_ZERO = "0271010101900011"  # no real NIK starts with 0, but the digits must survive as written
NIK_OTHER = "6271010101900012"


def test_nik_identities_are_numbered_as_integers_and_given_back_as_the_same_digits():
    import numpy as np

    from ikuanalysis.ingest.cases import CaseKeys, factorize_digits

    niks = pd.Series([NIK_LEADING_ZERO, NIK_OTHER, NIK_LEADING_ZERO], dtype="str")
    codes, numbers = factorize_digits(niks)
    assert codes.tolist() == [0, 1, 0] and numbers.dtype == np.int64
    keys = CaseKeys.of(4, [("N:", pd.Series([True, True, True, False]), niks),
                           ("P:", pd.Series([False, False, False, True]), pd.Series(["ani|langkai"], dtype="str"))])
    assert keys.codes.tolist() == [0, 1, 0, 2]
    assert keys.strings(np.array([2, 0, 1])) == ["P:ani|langkai", f"N:{NIK_LEADING_ZERO}", f"N:{NIK_OTHER}"]


@pytest.mark.parametrize("cell", ["+271010101900011", "627101010190001", "62710101019000111", "627101010190001A", ""])
def test_identities_that_are_not_16_digits_are_numbered_as_texts(cell):
    import numpy as np

    from ikuanalysis.ingest.cases import CaseKeys, factorize_digits

    values = pd.Series([cell, NIK_OTHER], dtype="str")
    assert factorize_digits(values) is None
    keys = CaseKeys.of(2, [("N:", pd.Series([True, True]), values)])
    assert keys.strings(np.array([0, 1])) == [f"N:{cell}", f"N:{NIK_OTHER}"]


@pytest.mark.parametrize("written", ["Kel Langkai", "Kel. Langkai", "Kelurahan: Langkai", "Desa Langkai", "Langkai"])
def test_a_kelurahan_with_its_leading_word_resolves_and_is_one_place_for_the_identity(settings, written):
    # Without a NIK the identity is nama + kelurahan: "Kel Langkai" and "Langkai" must be one place.
    kept, stats, log = clean([person(1, nik="", kelurahan=written), person(1, nik="", kelurahan="Langkai")], settings)
    assert kept["kelurahan"].tolist() == ["Langkai", "Langkai"]
    assert (stats.cases, stats.duplicates_merged) == (1, 1)
    assert "unknown_kelurahan" not in set(log["code"])


def test_a_kelurahan_whose_name_starts_like_a_leading_word_keeps_its_name(settings):
    # "Kelampangan" (wilayah_alias.csv: Kalampangan) is not "Kel" + "ampangan".
    kept, _, log = clean([person(1, kecamatan="Sabangau", kelurahan="Kelampangan")], settings)
    assert kept["kelurahan"].tolist() == ["Kalampangan"]
    assert "unknown_kelurahan" not in set(log["code"])
