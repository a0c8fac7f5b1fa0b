"""Cell values (ingest/values.py): dates read day first, NIK digits, error cells, identity keys."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ikuanalysis.config import normalize_key
from ikuanalysis.ingest.values import (
    EXCEL_ERRORS,
    DateCell,
    excel_error_cells,
    excel_error_text,
    identity_key,
    key_column,
    nik_cells,
    nik_may_have_lost_digit,
    normalize_nik,
    parse_date,
    parse_dates,
    read_date,
    text_cells,
)


@pytest.mark.parametrize(
    "cell, expected",
    [(dt.date(2025, 3, 5), dt.date(2025, 3, 5)), (dt.datetime(2025, 3, 5, 10, 0), dt.date(2025, 3, 5)),
     ("05/03/2025", dt.date(2025, 3, 5)), ("5-3-2025", dt.date(2025, 3, 5)), ("2025-03-05", dt.date(2025, 3, 5)),
     ("5 Maret 2025", dt.date(2025, 3, 5)), ("05 maret 2025", dt.date(2025, 3, 5)), ("17 Agustus 2025", dt.date(2025, 8, 17)),
     ("1 Des 2025", dt.date(2025, 12, 1)), (45721.0, dt.date(2025, 3, 5)), ("", None)],
)
def test_dates_are_read_day_first(settings, cell, expected):
    assert parse_date(cell, settings.vocabulary.months) == expected


@pytest.mark.parametrize(
    "cell, digits",
    [(6271010101010001.0, "6271010101010001"), ("'6271010101010001", "6271010101010001"),
     ("6271 0101 0101 0001", "6271010101010001"), ("6271.0101.0101.0001", "6271010101010001"),
     ("6271-0101-0101-0001", "6271010101010001"),
     # found by a probe (typed in Word or on a phone): an en dash, a curly apostrophe, a zero-width
     # space, a no-break space, the minus sign
     ("6271\u20130101\u20130101\u20130001", "6271010101010001"), ("\u20186271010101010001", "6271010101010001"),
     ("6271010101010001\u200b", "6271010101010001"), ("6271\u00a00101\u202f0101 0001", "6271010101010001"),
     ("6271\u2212010101010001", "6271010101010001"),
     # full-width digits (a Japanese/Chinese keyboard layout) and Arabic-Indic ones: the same number
     ("\uff16\uff12\uff17\uff11 0101 0101 0001", "6271010101010001"),
     ("\u0666\u0662\u0667\u0661010101010001", "6271010101010001"),
     # letters of another script stay as they are (the NIK is then invalid, never made up)
     ("6271\u0410010101010001", "6271\u0410010101010001")],
)
def test_nik_cleaning(cell, digits):
    assert normalize_nik(cell) == digits
    if isinstance(cell, str):  # the vectorised cleaning of a text column is the same
        assert nik_cells(pd.Series([cell], dtype="str"))[0].tolist() == [digits]


# --- [v2] dates: abbreviated months, Excel date serials, bare years (contract §1.3) ---

ABBREVIATED = [("13 Des 2023", dt.date(2023, 12, 13)), ("5 Agt 2025", dt.date(2025, 8, 5)),
               ("5 Agu 2025", dt.date(2025, 8, 5)), ("1 Peb 2025", dt.date(2025, 2, 1)),
               ("30 Nop 2025", dt.date(2025, 11, 30)), ("2 Okt 2025", dt.date(2025, 10, 2)),
               ("3 Sep 2025", dt.date(2025, 9, 3)), ("4 Mei 2025", dt.date(2025, 5, 4)),
               ("6 Jun 2025", dt.date(2025, 6, 6)), ("7 Jul 2025", dt.date(2025, 7, 7)),
               ("8 Jan 2025", dt.date(2025, 1, 8)), ("9 Feb 2025", dt.date(2025, 2, 9)),
               ("10 Mar 2025", dt.date(2025, 3, 10)), ("11 Apr 2025", dt.date(2025, 4, 11)),
               ("12 Nov 2025", dt.date(2025, 11, 12)), ("13 DES. 2025", dt.date(2025, 12, 13)),
               ("13-Des-2025", dt.date(2025, 12, 13)), ("14 Mrt 2025", dt.date(2025, 3, 14))]
SERIAL = 45721  # 5 March 2025 in Excel's 1900 date system


@pytest.mark.parametrize("cell, expected", ABBREVIATED)
def test_abbreviated_indonesian_months(settings, cell, expected):
    assert read_date(cell, settings.vocabulary.months) == DateCell("date", expected, expected.year)


@pytest.mark.parametrize("cell", [float(SERIAL), SERIAL, str(SERIAL)])
def test_a_whole_number_is_an_excel_date_serial(settings, cell):
    assert read_date(cell, settings.vocabulary.months) == DateCell("serial", dt.date(2025, 3, 5), 2025)


@pytest.mark.parametrize("cell", [2025, 2025.0, "2025", " 2025 "])
def test_a_bare_year_has_no_date(settings, cell):
    assert read_date(cell, settings.vocabulary.months) == DateCell("year", None, 2025)
    assert parse_date(cell, settings.vocabulary.months) is None


@pytest.mark.parametrize("cell", [12, 12.5, "12", "99999", "5 Marc 2025", "Maret 2025", "05/03/25", "2025.5"])
def test_other_numbers_and_texts_stay_unreadable(settings, cell):
    assert read_date(cell, settings.vocabulary.months).kind == "unreadable"


def test_parse_dates_flags_each_kind_once_per_distinct_value(settings):
    column = pd.Series([dt.date(2025, 1, 2), float(SERIAL), "2025", "", "kemarin", "2 Jan 2025", float(SERIAL)],
                       dtype=object)
    parsed = parse_dates(column, settings.vocabulary.months)
    assert parsed.serial.tolist() == [False, True, False, False, False, False, True]
    assert parsed.year_only.tolist() == [False, False, True, False, False, False, False]
    assert parsed.unreadable.tolist() == [False, False, False, False, True, False, False]
    assert parsed.year.tolist()[:3] == [2025.0, 2025.0, 2025.0]
    assert parsed.dates.isna().tolist() == [False, False, True, True, True, False, False]


# --- [v2] NIK in a number cell (contract §1.3) ---

NIK_LOST_DIGIT = 6271010101900010  # 16 digits ending in 0: Excel may have written 0 for the 16th
NIK_EXACT = 6271010101900012  # a number cell not ending in 0 holds the digits exactly


def test_a_number_cell_nik_ending_in_0_may_have_lost_its_last_digit():
    column = pd.Series([float(NIK_LOST_DIGIT), float(NIK_EXACT), str(NIK_LOST_DIGIT), 627101010190.0, None],
                       dtype=object)
    digits, from_number = nik_cells(column)
    assert digits.tolist() == [str(NIK_LOST_DIGIT), str(NIK_EXACT), str(NIK_LOST_DIGIT), "627101010190", ""]
    assert from_number.tolist() == [True, True, False, True, False]
    assert nik_may_have_lost_digit(digits, from_number).tolist() == [True, False, False, False, False]


def test_csv_niks_are_never_number_cells():
    digits, from_number = nik_cells(pd.Series([str(NIK_LOST_DIGIT), "627101******0001"], dtype="str"))
    assert digits.tolist() == [str(NIK_LOST_DIGIT), "627101******0001"]
    assert not from_number.any()


def test_text_niks_lose_spaces_dots_dashes_and_apostrophes_and_other_scripts_digits_become_ascii():
    column = pd.Series(["6271 0101.0101-9000", "'6271010101900012", "6271010101900013", "", None, "abc-1", "６２７１",
                        "ａｂｃ"], dtype="str")
    digits, _ = nik_cells(column)
    assert digits.tolist() == ["6271010101019000", "6271010101900012", "6271010101900013", "", "", "abc1", "6271",
                               "ａｂｃ"]  # full-width letters are not digits: kept, the NIK invalid
    assert str(digits.dtype) == "str"


def test_clean_text_niks_are_returned_as_they_are():
    column = pd.Series([str(NIK_EXACT), "", str(NIK_LOST_DIGIT)], dtype="str")
    assert nik_cells(column)[0].tolist() == [str(NIK_EXACT), "", str(NIK_LOST_DIGIT)]


# --- [v2] spreadsheet error values (contract §1.3) ---

CONTRACT_ERRORS = ["#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


def test_every_error_code_of_the_contract_is_an_error_cell_exactly():
    assert set(CONTRACT_ERRORS) <= set(EXCEL_ERRORS)
    cells = pd.Series([*CONTRACT_ERRORS, "#n/a", "N/A", "#N/A!", "Tidak #N/A", "", "Ya"], dtype=object)
    assert excel_error_cells(cells).tolist() == [True] * 7 + [False] * 6
    text, errors = text_cells(pd.Series([" #REF! ", "#REF!", "Ya", None], dtype=object))
    assert text.tolist() == ["#REF!", "#REF!", "Ya", ""]
    assert errors.tolist() == [True, True, False, False]
    assert excel_error_cells(pd.Series(["#NUM!", "Ani"], dtype="str")).tolist() == [True, False]


@pytest.mark.parametrize("raw, code", [("#N/A", "#N/A"), (" #DIV/0! ", "#DIV/0!"), ("#NV", "#VALUE!"),
                                       ("#ЗНАЧ!", "#VALUE!"), ("", "#VALUE!"), (None, "#VALUE!")])
def test_an_error_cell_is_read_as_its_code_or_as_value(raw, code):
    assert excel_error_text(raw) == code


# --- [v2] case identity keeps every script (contract §1.4) ---

SAME_NAME = ["Siti Aminah", "SITI  AMINAH", "siti-aminah", "Siti\u00a0Aminah", "Ｓｉｔｉ Ａｍｉｎａｈ", " siti aminah\n"]
DIFFERENT_NAMES = ["张伟", "李娜", "王芳", "محمد", "أحمد", "कमल", "कमला", "José", "Jose", "Straße", "Ани", "Аня",
                   "Siti Aminah", "Siti Aminah 2",
                   # contract §1.4: whitespace collapsed, never dropped (a probe found these merged)
                   "Nur Aini", "Nuraini", "Sitiaminah"]


def test_spellings_of_one_name_share_a_key():
    keys = key_column(pd.Series(SAME_NAME, dtype="str"))
    assert set(keys) == {"siti aminah"}


def test_different_names_in_any_script_never_share_a_key():
    keys = key_column(pd.Series(DIFFERENT_NAMES, dtype="str"))
    assert keys.str.len().min() > 0
    assert keys.nunique() == len(DIFFERENT_NAMES)


def test_the_vectorised_key_is_the_scalar_key():
    texts = [*SAME_NAME, *DIFFERENT_NAMES, "STRASSE", "ꮳꮃꭹ", "ᏣᎳᎩ", "ΣΊΣΥΦΟΣ", "ﬁona", ""]
    keys = key_column(pd.Series(texts, dtype=object))
    assert keys.tolist() == [identity_key(t) for t in texts]
    assert identity_key("STRASSE") == identity_key("Straße")  # case folded
    ascii_names = ["Budi Santoso", "Dedi-Saputra", "Yohana Itat 3", "O'Neil"]
    assert key_column(pd.Series(ascii_names, dtype="str")).tolist() == ["budi santoso", "dedi saputra", "yohana itat 3",
                                                                         "o neil"]


def test_only_non_ascii_names_are_keyed_by_python(monkeypatch):
    """ASCII names (nearly all) are keyed by Arrow in one pass; Python normalises only the others."""
    import ikuanalysis.ingest.values as values

    normalised = []
    real_normalize = values.unicodedata.normalize
    monkeypatch.setattr(values.unicodedata, "normalize",
                        lambda form, text: normalised.append(text) or real_normalize(form, text))
    names = pd.Series([f"Siti Aminah {i}" for i in range(1_000)] + ["Ñoño Pérez", "Siti  Aminah 1"], dtype="str")
    keys = key_column(names)
    assert normalised == ["Ñoño pérez", "ñoño pérez"]  # ASCII lowered by Arrow, then NFKC around casefold, one cell
    assert keys.iloc[[0, 999, 1000, 1001]].tolist() == ["siti aminah 0", "siti aminah 999", "ñoño pérez",
                                                        "siti aminah 1"]


# --- Places by name or Kemendagri code (data contract §1.2) ---------------------------------------------

KECAMATAN_CODES = {"62.71.01": "Pahandut", "62.71.02": "Bukit Batu", "62.71.03": "Jekan Raya",
                   "62.71.04": "Sabangau", "62.71.05": "Rakumpit"}


def test_the_project_geography_has_the_kemendagri_codes_of_the_five_kecamatan(settings):
    assert settings.geography.kecamatan_codes == KECAMATAN_CODES


@pytest.mark.parametrize("written, expected", [
    ("62.71.01", "Pahandut"), ("62.71.02", "Bukit Batu"), ("62.71.03", "Jekan Raya"), ("62.71.04", "Sabangau"),
    ("62.71.05", "Rakumpit"),
    ("627103", "Jekan Raya"),  # without dots: the same six digits, unambiguous
    (" 62.71.04 ", "Sabangau"), ("62 71 05", "Rakumpit"), ("62-71-02", "Bukit Batu"),
    ("Kec. 62.71.01", "Pahandut"),  # a leading "Kec." is stripped as for a name
    ("Jekan Raya", "Jekan Raya"),  # names still resolve
    ("62.71.06", None),  # no such kecamatan
    ("62.72.01", None),  # not a code of this city (62.71)
    ("6271010", None), ("6271020", None),  # BPS codes (7 digits) are not Kemendagri codes
    ("62.71", None), ("62.71.01.1001", None),  # the city itself; a kelurahan code
])
def test_a_kecamatan_resolves_from_its_kemendagri_code_with_or_without_dots(settings, written, expected):
    from ikuanalysis.ingest.values import resolve_places

    geo = settings.geography
    found = resolve_places(pd.Series([written]), list(geo.kecamatan), geo.aliases["kecamatan"],
                           settings.vocabulary.place_prefixes["kecamatan"], geo.kecamatan_codes)
    assert (None if pd.isna(found.iloc[0]) else found.iloc[0]) == expected


def test_without_codes_a_code_does_not_resolve(settings):
    from ikuanalysis.ingest.values import resolve_places

    geo = settings.geography
    found = resolve_places(pd.Series(["62.71.01", "Pahandut"]), list(geo.kecamatan), geo.aliases["kecamatan"],
                           settings.vocabulary.place_prefixes["kecamatan"])
    assert found.isna().tolist() == [True, False]


# --- the factorised paths of the cleaning (issue 12/13 scale work) ----------------------------


def test_factorize_values_numbers_in_first_seen_order_with_a_missing_value_as_one_of_them():
    from ikuanalysis.ingest.values import factorize_values

    arrow = pd.Series(["b", "a", None, "b"], dtype="str")
    codes, uniques = factorize_values(arrow)
    assert codes.tolist() == [0, 1, 2, 0]
    assert uniques[:2].tolist() == ["b", "a"] and pd.isna(uniques[2])
    categorical = pd.Series(pd.Categorical(["x", None, "y", "x"], categories=["y", "x"]))
    codes, uniques = factorize_values(categorical)
    assert codes.tolist() == [1, 2, 0, 1]  # its own codes, a missing cell one more value
    assert uniques[:2].tolist() == ["y", "x"] and pd.isna(uniques[2])


def test_text_cells_are_categorical_over_the_distinct_texts_with_their_error_cells():
    from ikuanalysis.ingest.values import text_cells

    text, errors = text_cells(pd.Series([" Pahandut", "Pahandut", "#N/A", 1.0, None], dtype=object))
    assert isinstance(text.dtype, pd.CategoricalDtype)
    assert text.astype("str").tolist() == ["Pahandut", "Pahandut", "#N/A", "1", ""]
    assert sorted(text.cat.categories) == ["", "#N/A", "1", "Pahandut"]  # " Pahandut" and "Pahandut": one
    assert errors.tolist() == [False, False, True, False, False]


def test_a_regex_matches_a_categorical_column_as_it_matches_its_text():
    from ikuanalysis.ingest.values import match_regex

    cells = ["Jumlah", "Siti", "JUMLAH x3", "", "Total:"]
    pattern = "(?i)^(?:jumlah|total)(?:[^a-z]|$)"
    categorical = pd.Series(pd.Categorical(cells + [None]))
    assert match_regex(categorical, pattern).tolist() == [True, False, True, False, True, False]
    assert match_regex(pd.Series(cells, dtype="str"), pattern).tolist() == [True, False, True, False, True]


def test_status_masks_say_handled_and_not_understood_per_row():
    from ikuanalysis.ingest.values import status_masks

    lookup = {"ya": True, "sudah": True, "tidak": False}
    handled, unknown = status_masks(pd.Series(pd.Categorical(["Ya", "", "tidak", "mungkin", "SUDAH", None])), lookup)
    assert handled.tolist() == [True, False, False, False, True, False]
    assert unknown.tolist() == [False, False, False, True, False, False]  # blank or missing: a plain No


@pytest.mark.parametrize(("cell", "shaped"), [
    ("6271011465352053", True), ("627101146535205", False), ("62710114653520531", False),
    ("６２７１０１１４６５３５２０５３", False),  # full-width digits are not a NIK's digits
    ("627101******0001", False), ("", False),
])
def test_a_nik_is_shaped_when_it_is_exactly_16_ascii_digits(cell, shaped):
    from ikuanalysis.ingest.values import is_nik_shaped

    assert is_nik_shaped(pd.Series([cell], dtype="str")).tolist() == [shaped]


def test_places_not_recognised_are_kept_as_written_and_flagged():
    from ikuanalysis.ingest.values import place_resolver, resolve_or_keep

    resolve = place_resolver(["Langkai", "Panarung"], {"langkay": "Langkai"}, ("kel", "kelurahan"))
    cells = pd.Series(pd.Categorical(["Kel. Langkai", "LANGKAY", "Kampung Baru", "", None, "panarung"]))
    text, is_known = resolve_or_keep(cells, resolve)
    assert text.tolist() == ["Langkai", "Langkai", "Kampung Baru", "", "", "Panarung"]
    assert is_known.tolist() == [True, True, False, False, False, True]
    assert str(text.dtype) == "str" and text.index.equals(cells.index)
