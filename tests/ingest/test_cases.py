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


@pytest.mark.parametrize(
    "written, canonical",
    [("Pahandut", "Pahandut"), ("PAHANDUT", "Pahandut"), ("Sabangau ", "Sabangau"), ("Sebangau", "Sabangau"),
     ("Kec. Jekan Raya", "Jekan Raya"), ("Kecamatan Bukit Batu", "Bukit Batu"), ("rakumpit", "Rakumpit"),
     ("  jekan  raya ", "Jekan Raya")],
)
def test_kecamatan_spellings_resolve(settings, written, canonical):
    kept, _, log = clean([person(1, kecamatan=written)], settings)
    assert kept["kecamatan"].tolist() == [canonical]
    assert (log["level"] != "error").all()


def test_unknown_kecamatan_is_an_error(settings):
    _, _, log = clean([person(1, kecamatan="Kapuas")], settings)
    assert log.loc[log["level"] == "error", "code"].tolist() == ["unknown_kecamatan"]


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


def test_no_nik_or_name_reaches_the_kept_rows(settings):
    kept, _, _ = clean([person(1), person(2, nik="")], settings)
    text = kept.to_csv()
    assert "6271000000000001" not in text and "Orang" not in text
