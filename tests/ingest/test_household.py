"""Counting per household (config ``counting_unit: household``) and the No. KK column (data contract
§1.2–§1.4): rows with the same normalised No. KK are one case, handled when any row says yes; a household
register needs a No. KK column and every data row a valid No. KK; the No. KK never leaves ``data/raw``
(only its keyed hash is kept)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from ikuanalysis.ingest.cases import clean_register
from ikuanalysis.ingest.problems import ProblemLog, RegisterError
from ikuanalysis.ingest.read import RawTable
from ikuanalysis.ingest.store import read_cases, read_summary, write_processed
from ikuanalysis.ingest.year import clean_year
from tests.fixtures.registers import Sheet, write_register
from tests.fixtures.tiny_year import write_tiny_year

YEAR = 2025
KEY = b"household-test"
FILE, SHEET = "x4_bencana.xlsx", "Data"
HEADERS = {"nik": "NIK", "no_kk": "No. KK", "nama": "Nama Korban", "jenis": "Jenis Bencana",
           "kecamatan": "Kecamatan", "kelurahan": "Kelurahan", "tanggal": "Tanggal Kejadian",
           "status": "Menerima Bantuan"}
HIDDEN = "(disembunyikan)"

# Three families: KK_A written three ways (plain, with dots/spaces/dash, with a leading apostrophe),
# KK_B once, KK_C as a number cell that does not end in 0 (exact).
KK_A, KK_B, KK_C = "6271010101000011", "6271020202000022", "6271030303000033"
KK_A_DOTTED = "6271.0101 0100-0011"
KK_A_QUOTED = "'" + KK_A


def household_settings(settings, *ids: str):
    """The project's settings with components ``ids`` counted per household."""
    components = tuple(c.model_copy(update={"counting_unit": "household"}) if c.id in ids else c
                       for c in settings.iku.components)
    return settings.model_copy(update={"iku": settings.iku.model_copy(update={"components": components})})


def victim(n: int, no_kk: object, status: str = "Sudah Menerima", **values) -> dict:
    """A valid x4 row of person ``n`` of the family ``no_kk``; keyword arguments override columns."""
    row = {"nik": f"62710400000000{n:02d}", "no_kk": no_kk, "nama": f"Korban {n}", "jenis": "Banjir",
           "kecamatan": "Pahandut", "kelurahan": "Langkai", "tanggal": dt.date(YEAR, 11, 3), "status": status}
    row.update(values)
    return row


def raw(rows: list[dict]) -> RawTable:
    """A raw table of one file/sheet, rows numbered from spreadsheet row 2 (as read.read_tables gives)."""
    frame = pd.DataFrame(rows, columns=list(HEADERS)).astype("object").fillna("")
    frame["_first_text"] = ""
    frame["_kind"] = ""  # every row a data row (the reader's layout.classify_rows)
    frame["_file"], frame["_sheet"] = FILE, SHEET
    frame["_row"] = range(2, len(rows) + 2)
    return RawTable(frame=frame, headers={(FILE, SHEET): dict(HEADERS)})


def clean(rows: list[dict], settings, component: str = "x4"):
    log = ProblemLog()
    kept, stats, identities = clean_register(raw(rows), settings.iku.component(component), settings, YEAR, log)
    return kept, stats, identities, log.to_frame()


FAMILY_ROWS = [
    victim(1, KK_A, status="Belum Menerima"),
    victim(2, KK_B, status="Belum Menerima"),
    victim(3, KK_A_DOTTED, status="Belum Menerima"),
    victim(4, int(KK_C)),
    victim(5, KK_A_QUOTED, status="Sudah Menerima"),  # KK_A is handled: one of its rows says yes
]


def test_rows_with_the_same_no_kk_are_one_household_handled_when_any_row_says_yes(settings):
    kept, stats, identities, log = clean(FAMILY_ROWS, household_settings(settings, "x4"))
    assert (stats.rows_read, stats.cases, stats.handled, stats.duplicates_merged) == (5, 3, 2, 2)
    assert identities.distinct == ["K:" + KK_A, "K:" + KK_B, "K:" + KK_C]
    assert identities.households == [KK_A, KK_B, KK_C]
    assert list(identities.codes) == [0, 1, 0, 2, 0]
    assert (log["level"] != "error").all()
    merged = log[log["code"] == "duplicate_merged"]
    assert merged["row"].tolist() == [4, 6]
    assert merged["value"].tolist() == [f"baris 2 ({FILE})"] * 2
    assert merged["message"].iloc[0].startswith("Rumah tangga yang sama sudah tercatat (No. KK sama)")


def test_the_same_rows_counted_per_person_are_five_cases(settings):
    _, stats, identities, log = clean(FAMILY_ROWS, settings)  # x4 counted per person (the default)
    assert (stats.cases, stats.handled, stats.duplicates_merged) == (5, 2, 0)
    assert identities.households == [KK_A, KK_B, KK_A, KK_C, KK_A]  # kept for no_kk_hash only
    assert (log["level"] != "error").all()


def test_in_a_household_component_the_nik_and_the_name_identify_nothing(settings):
    rows = [victim(1, KK_A, nik="", nama=""), victim(2, KK_A, nik="1234", nama="Korban 1")]
    _, stats, _, log = clean(rows, household_settings(settings, "x4"))
    assert (stats.cases, stats.duplicates_merged, stats.invalid_nik) == (1, 1, 1)
    assert "no_identity" not in set(log["code"])  # the No. KK identifies the row
    invalid = log[log["code"] == "invalid_nik"]
    assert invalid[["level", "row"]].values.tolist() == [["warning", 3]]
    assert "dihitung per rumah tangga (No. KK), sehingga NIK tidak dipakai" in invalid["message"].iloc[0]


BAD_KK_ROWS = [
    victim(1, KK_A),
    victim(2, ""),  # blank
    victim(3, "627101******0011"),  # masked: not 16 digits
    victim(4, "62710101010000"),  # 14 digits
    victim(5, 6271010101000010),  # a number cell ending in 0: the 16th digit may be lost
    victim(6, "#N/A"),  # a spreadsheet error cell
]


def test_a_blank_or_invalid_no_kk_in_a_household_component_is_an_error_at_its_cell(settings):
    _, _, _, log = clean(BAD_KK_ROWS, household_settings(settings, "x4"))
    errors = log[log["level"] == "error"]
    assert errors[["code", "file", "sheet", "row", "column", "value"]].values.tolist() == [
        ["household_no_kk_invalid", FILE, SHEET, 3, "No. KK", HIDDEN],
        ["household_no_kk_invalid", FILE, SHEET, 4, "No. KK", HIDDEN],
        ["household_no_kk_invalid", FILE, SHEET, 5, "No. KK", HIDDEN],
        ["household_no_kk_invalid", FILE, SHEET, 6, "No. KK", HIDDEN],
        ["excel_error", FILE, SHEET, 7, "No. KK", HIDDEN],  # a personal column: never quoted
    ]
    messages = dict(zip(errors["row"], errors["message"], strict=True))
    assert messages[3].startswith("No. KK kosong. Komponen ini dihitung per rumah tangga")
    assert messages[4].startswith("No. KK bukan 16 angka.") and messages[4] == messages[5]
    assert messages[6].startswith("No. KK tersimpan sebagai angka dan berakhiran 0")


def test_an_invalid_no_kk_in_a_person_component_is_a_warning_and_is_not_kept(settings):
    _, stats, identities, log = clean(BAD_KK_ROWS, settings)
    assert stats.cases == len(BAD_KK_ROWS)
    assert (log["level"] == "error").sum() == 1  # the #N/A cell only
    warnings = log[log["code"] == "invalid_no_kk"]
    assert warnings[["level", "row", "column", "value"]].values.tolist() == [
        ["warning", 4, "No. KK", HIDDEN], ["warning", 5, "No. KK", HIDDEN], ["warning", 6, "No. KK", HIDDEN]]
    assert "berakhiran 0" in warnings["message"].iloc[-1]
    assert identities.households == [KK_A, "", "", "", "", ""]


def test_a_row_holding_only_a_no_kk_is_a_data_row(settings):
    rows = [victim(1, KK_A), {column: "" for column in HEADERS} | {"no_kk": KK_B}]
    _, stats, _, _ = clean(rows, household_settings(settings, "x4"))
    assert (stats.blank_rows, stats.rows_read) == (0, 2)


# --- The year folder: reading, the missing column, the processed cases ------------------------------------

X4_HEADER = ["No", "NIK", "No KK", "Nama Korban", "Jenis Bencana", "Kecamatan", "Kelurahan", "Tanggal Kejadian",
             "Menerima Bantuan"]
X4_ROWS = [
    [1, "6271040000000001", KK_A, "Korban Satu", "Banjir", "Pahandut", "Langkai", "03/11/2025", "Belum"],
    [2, "6271040000000002", KK_A_DOTTED, "Korban Dua", "Banjir", "Pahandut", "Langkai", "03/11/2025", "Sudah"],
    [3, "6271040000000003", KK_B, "Korban Tiga", "Banjir", "Pahandut", "Langkai", "03/11/2025", "Belum"],
]
HEADER_ROW = 3  # a title row and a blank row above the header


def year_with_x4(tmp_path, header: list[str], rows: list[list]) -> object:
    """The tiny fixture year with its x4 register replaced by ``header`` and ``rows`` (sheet Data)."""
    folder = write_tiny_year(tmp_path / "raw")
    (folder / "x4_bencana.xlsx").unlink()
    write_register(folder / "x4_bencana.xlsx", Sheet("Data", [["DATA KORBAN BENCANA 2025"], None, header, *rows]))
    return folder


def test_a_household_register_without_a_no_kk_column_is_an_error_at_its_header_row(tmp_path, settings):
    without = [h for h in X4_HEADER if h != "No KK"]
    folder = year_with_x4(tmp_path, without, [[c for c, h in zip(r, X4_HEADER) if h != "No KK"] for r in X4_ROWS])
    with pytest.raises(RegisterError) as caught:
        clean_year(folder, household_settings(settings, "x4"), YEAR, key=KEY)
    errors = caught.value.log.to_frame().query("level == 'error'")
    assert errors[["code", "file", "sheet", "row"]].values.tolist() == [
        ["missing_column", "x4_bencana.xlsx", "Data", HEADER_ROW]]
    assert errors["message"].iloc[0] == (
        f"Kolom wajib tidak ditemukan: no_kk. Tambahkan kolom itu pada baris judul kolom (baris {HEADER_ROW}); "
        "nama kolom yang dikenali ada di config/aliases.yml.")


def test_the_same_register_counted_per_person_needs_no_no_kk_column(tmp_path, settings):
    without = [h for h in X4_HEADER if h != "No KK"]
    folder = year_with_x4(tmp_path, without, [[c for c, h in zip(r, X4_HEADER) if h != "No KK"] for r in X4_ROWS])
    result = clean_year(folder, settings, YEAR, key=KEY)
    x4 = next(s for s in result.stats if s.component == "x4")
    assert (x4.cases, x4.handled) == (3, 1)
    assert (result.cases.loc[result.cases["component"] == "x4", "no_kk_hash"] == "").all()


def test_processed_household_cases_hold_the_keyed_hash_of_the_no_kk_and_never_the_number(tmp_path, settings):
    folder = year_with_x4(tmp_path, X4_HEADER, X4_ROWS)
    chosen = household_settings(settings, "x4")
    result = clean_year(folder, chosen, YEAR, key=KEY)
    x4 = result.cases[result.cases["component"] == "x4"]
    assert (len(x4), int(x4["is_handled"].sum()), x4["row_count"].tolist()) == (2, 1, [2, 1])
    assert x4["no_kk_hash"].tolist() == x4["case_id"].tolist()  # the household is its No. KK
    assert x4["no_kk_hash"].str.fullmatch(r"[0-9a-f]{32}").all()
    others = result.cases[result.cases["component"] != "x4"]
    assert (others["no_kk_hash"] == "").all()  # the other registers have no No. KK column
    assert result.counting_units == {"x1": "person", "x2": "person", "x3": "person", "x4": "household"}

    year_dir = write_processed(result, tmp_path / "processed", chosen)
    assert read_summary(year_dir)["counting_units"]["x4"] == "household"
    written = "".join(p.read_bytes().decode("utf-8", errors="ignore") for p in year_dir.iterdir())
    written += read_cases(year_dir).to_csv() + json.dumps(read_summary(year_dir))
    for digits in (KK_A, KK_B, KK_A[4:], KK_B[4:]):
        assert digits not in written


def test_the_keyed_hash_of_a_no_kk_is_the_same_in_every_component_and_depends_on_the_key(tmp_path, settings):
    folder = year_with_x4(tmp_path, X4_HEADER, X4_ROWS)
    per_person = clean_year(folder, settings, YEAR, key=KEY).cases
    per_household = clean_year(folder, household_settings(settings, "x4"), YEAR, key=KEY).cases
    other_key = clean_year(folder, settings, YEAR, key=b"another key").cases
    hashes = per_person.loc[per_person["component"] == "x4", "no_kk_hash"].tolist()
    assert hashes[0] == hashes[1] != hashes[2] and all(hashes)  # KK_A twice (two persons), then KK_B
    assert set(hashes) == set(per_household.loc[per_household["component"] == "x4", "no_kk_hash"])
    assert not set(hashes) & set(other_key["no_kk_hash"])


def test_case_keys_number_each_kind_apart_and_make_the_strings_only_when_asked():
    import numpy as np

    from ikuanalysis.ingest.cases import CaseKeys, is_first_seen

    mask_n = pd.Series([True, False, True, True, False])
    keys = CaseKeys.of(5, [("N:", mask_n, pd.Series(["111", "222", "111"], dtype="str")),
                           ("R:", ~mask_n, pd.Series(["f|s|3", "f|s|6"], dtype="str"))])
    assert keys.codes.tolist() == [0, 2, 1, 0, 3]  # N values first (0, 1), then R values (2, 3)
    assert keys.strings(np.array([3, 0, 1])) == ["R:f|s|6", "N:111", "N:222"]
    assert is_first_seen(np.array([0, 1, 0, 2, 1, 3])).tolist() == [True, True, False, True, False, True]


def test_each_distinct_no_kk_is_hashed_once_and_a_case_without_one_gets_no_hash():
    import numpy as np

    from ikuanalysis.ingest.identity import hash_identities
    from ikuanalysis.ingest.year import hash_households

    hashes = hash_households(np.array([1, -1, 0, 1]), [KK_A, KK_B], b"key")
    expected_a, expected_b = hash_identities(["K:" + KK_A, "K:" + KK_B], b"key")
    assert hashes.tolist() == [expected_b, "", expected_a, expected_b]
