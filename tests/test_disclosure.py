"""Disclosure control on tiny tables: which cells are hidden, how they read, and that no hidden
count can be worked out again from the totals published elsewhere in the report."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikuanalysis.disclosure import (
    DEFAULT_K,
    describe_rule,
    suppress_small_counts,
)

K = DEFAULT_K  # 5: counts 1–5 read "< 6"
SMALL = f"< {K + 1}"
HIDDEN = "×"
COUNTS = ("numerator", "denominator", "not_handled")
BY_COMPONENT = [["component"]]  # the component totals are published in the x1–x4 table

# Neighbours that are never small themselves (handled and not handled both 0 or above K).
PANARUNG = ("Panarung", 6, 12)
BUKIT_TUNGGAL = ("Bukit Tunggal", 20, 40)
MENTENG = ("Menteng", 30, 50)


def kelurahan(*cells, component="x1"):
    """A kelurahan table of one component: (kelurahan, handled, cases) per cell."""
    return pd.DataFrame(
        [(component, name, handled, cases) for name, handled, cases in cells],
        columns=["component", "kelurahan", "numerator", "denominator"],
    )


def suppress(table, **options):
    return suppress_small_counts(table, group="component", cell="kelurahan", **options)


def texts(result, name, column="kelurahan"):
    row = result.table[result.table[column] == name].iloc[0]
    return [row[f"{c}_text"] for c in (*COUNTS, "percent")]


def hidden(result, column="kelurahan"):
    return sorted(result.table.loc[result.table["is_suppressed"], column])


def recoverable(published, original, lines, k=K):
    """Hidden counts a reader can pin down from the line totals, the shown cells and the markers.

    Count by count, each hidden cell starts with the range its marker allows ("< 6": 0–5, and a
    hidden cell has at least one case; "×": above 5) and every published line tightens it: a cell
    holds at least what the line's hidden remainder leaves after the others take their most, and at
    most what it leaves after they take their least. Plain subtraction is the case of one hidden
    cell in a line. Returns {(row, count): value} for ranges shrunk to one value other than 0
    (a recovered 0 discloses nothing).
    """
    values = original.assign(not_handled=original["denominator"] - original["numerator"])
    hidden = set(published.index[published["is_suppressed"]])
    unknown_by_line = {}
    for columns in lines:
        for i, key in zip(original.index, original[columns].itertuples(index=False, name=None), strict=True):
            if i in hidden:
                unknown_by_line.setdefault((tuple(columns), key), []).append(i)
    found = {}
    for count in COUNTS:
        value, text = values[count].to_dict(), published[f"{count}_text"].to_dict()
        low, high = {}, {}
        for i in hidden:
            small = text[i] == f"< {k + 1}"
            low[i] = (1 if count == "denominator" else 0) if small else k + 1
            high[i] = k if small else sum(value.values())
        changed = True
        while changed:
            changed = False
            for unknown in unknown_by_line.values():
                rest = sum(value[i] for i in unknown)  # the line total minus the shown cells
                for i in unknown:
                    others = [j for j in unknown if j != i]
                    lo = max(low[i], rest - sum(high[j] for j in others))
                    hi = min(high[i], rest - sum(low[j] for j in others))
                    if (lo, hi) != (low[i], high[i]):
                        low[i], high[i], changed = lo, hi, True
        found |= {(i, count): low[i] for i in low if low[i] == high[i] and low[i] != 0}
    return found


# --- primary suppression -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cases", "cases_text", "percent_text"),
    [(0, "0", "–"), (1, SMALL, "–"), (K, SMALL, "–"), (K + 1, "6", "0,00%")],
)
def test_counts_from_1_to_k_are_hidden_and_0_and_k_plus_1_are_shown(cases, cases_text, percent_text):
    # None of the cases handled, so handled is 0 and not handled equals the cases.
    result = suppress(kelurahan(("Langkai", 0, cases), BUKIT_TUNGGAL, MENTENG))
    assert texts(result, "Langkai")[1:] == [cases_text, cases_text, percent_text]
    assert result.table.loc[0, "is_primary"] == (cases_text == SMALL)


def test_a_hidden_cell_hides_all_its_figures():
    # 2 of 3 handled: the three counts are small; the percentage would give them back.
    result = suppress(kelurahan(("Langkai", 2, 3), PANARUNG, BUKIT_TUNGGAL))
    assert texts(result, "Langkai") == [SMALL, SMALL, SMALL, "–"]
    langkai = result.table.iloc[0]
    assert langkai[["numerator", "denominator", "not_handled", "percent"]].isna().all()


def test_a_small_not_handled_count_hides_the_cell():
    # 18 of 20 handled: the 2 not handled are a small count; 18 and 20 are not, so they read "×".
    result = suppress(kelurahan(("Langkai", 18, 20), BUKIT_TUNGGAL, MENTENG))
    assert texts(result, "Langkai") == [HIDDEN, HIDDEN, SMALL, "–"]
    assert result.table.loc[0, "is_primary"]


def test_shown_cells_use_indonesian_numbers():
    result = suppress(kelurahan(("Langkai", 1234, 1600), ("Menteng", 0, 12)))
    assert texts(result, "Langkai") == ["1.234", "1.600", "366", "77,13%"]
    assert texts(result, "Menteng") == ["0", "12", "12", "0,00%"]
    assert not result.any_suppressed and result.note == ""


def test_k_zero_turns_suppression_off():
    table = kelurahan(("Langkai", 1, 2), ("Panarung", 3, 3), BUKIT_TUNGGAL)
    result = suppress(table, k=0)
    assert not result.table["is_suppressed"].any()
    assert texts(result, "Langkai") == ["1", "2", "1", "50,00%"]
    assert result.table["denominator"].tolist() == [2, 3, 40]


def test_another_k_from_the_configuration():
    table = kelurahan(("Langkai", 0, 9), ("Panarung", 0, 10), ("Menteng", 0, 11), BUKIT_TUNGGAL)
    result = suppress(table, k=10)
    assert [texts(result, name)[1] for name in ("Langkai", "Panarung", "Menteng")] == ["< 11", "< 11", "11"]
    assert recoverable(result.table, table, BY_COMPONENT, k=10) == {}


# --- secondary suppression -----------------------------------------------------------------------


def test_a_lone_small_cell_takes_the_next_smallest_cell_with_it():
    # Langkai alone would be the component total minus the rest; Pahandut and Panarung both have
    # 12 cases, and the tie goes to the first name.
    table = kelurahan(("Langkai", 2, 3), ("Panarung", 0, 12), ("Pahandut", 6, 12), BUKIT_TUNGGAL)
    result = suppress(table)
    assert hidden(result) == ["Langkai", "Pahandut"]
    assert result.table["is_primary"].tolist() == [True, False, False, False]
    # 6 of 12 handled: nothing small, so "< 6" would be false; it reads "×".
    assert texts(result, "Pahandut") == [HIDDEN, HIDDEN, HIDDEN, "–"]
    assert recoverable(result.table, table, BY_COMPONENT) == {}


def test_the_partner_of_a_small_not_handled_count():
    table = kelurahan(("Langkai", 18, 20), PANARUNG, BUKIT_TUNGGAL)
    result = suppress(table)
    assert hidden(result) == ["Langkai", "Panarung"]
    assert recoverable(result.table, table, BY_COMPONENT) == {}


def test_two_small_cells_protect_each_other():
    table = kelurahan(("Langkai", 1, 3), ("Panarung", 2, 4), BUKIT_TUNGGAL, MENTENG)
    result = suppress(table)
    assert hidden(result) == ["Langkai", "Panarung"]
    assert recoverable(result.table, table, BY_COMPONENT) == {}


def test_two_single_cases_need_a_third_cell():
    # Two hidden cells of "< 6" cases adding up to 2: each must be 1. Subtraction alone misses it.
    table = kelurahan(("Langkai", 0, 1), ("Panarung", 0, 1), BUKIT_TUNGGAL, MENTENG)
    two_only = table.iloc[:2].assign(is_suppressed=True, numerator_text=SMALL, denominator_text=SMALL,
                                     not_handled_text=SMALL)
    assert recoverable(two_only, table.iloc[:2], BY_COMPONENT) == {(0, "denominator"): 1, (1, "denominator"): 1}
    result = suppress(table)
    assert hidden(result) == ["Bukit Tunggal", "Langkai", "Panarung"]
    assert recoverable(result.table, table, BY_COMPONENT) == {}


def test_a_partner_that_would_only_fit_one_way_is_skipped():
    # 1 case next to 6 cases: the "< 6" is at least 1 and the "×" at least 6, so a total of 7
    # leaves no choice. The next cell (12 cases) is taken instead.
    table = kelurahan(("Langkai", 0, 1), ("Panarung", 6, 6), ("Pahandut", 0, 12), MENTENG)
    result = suppress(table)
    assert hidden(result) == ["Langkai", "Pahandut"]
    # A hidden cell shows no figure at all: its 0 handled reads "< 6", which is true of 0.
    assert texts(result, "Pahandut") == [SMALL, HIDDEN, HIDDEN, "–"]
    assert recoverable(result.table, table, BY_COMPONENT) == {}


def test_lines_are_the_published_totals_and_a_single_cell_line_stays_derivable():
    # Per component × kecamatan (published): Bukit Batu has one kelurahan, whose figures are the
    # kecamatan's. It is hidden, has no partner to take, and is reported as unprotected.
    table = pd.DataFrame(
        [("x1", "Pahandut", "Langkai", 2, 3), ("x1", "Pahandut", "Panarung", 6, 12),
         ("x1", "Pahandut", "Pahandut", 20, 40), ("x1", "Bukit Batu", "Tangkiling", 1, 2),
         ("x1", "Jekan Raya", "Menteng", 30, 50)],
        columns=["component", "kecamatan", "kelurahan", "numerator", "denominator"],
    )
    result = suppress_small_counts(table, group=["component", "kecamatan"], cell="kelurahan")
    assert hidden(result) == ["Langkai", "Panarung", "Tangkiling"]
    assert result.unprotected == (3,)
    assert recoverable(result.table, table, [["component", "kecamatan"]]).keys() == {
        (3, "numerator"), (3, "denominator"), (3, "not_handled")}


# --- a grid: jenis × kecamatan within a component ------------------------------------------------

LANSIA, DISABILITAS, FAKIR = "Lanjut Usia Telantar", "Penyandang Disabilitas", "Fakir Miskin"
JEKAN, PAHANDUT, SABANGAU = "Jekan Raya", "Pahandut", "Sabangau"
# (jenis, kecamatan, handled, cases); the only small cell is lansia in Jekan Raya (1 of 3).
GRID = pd.DataFrame(
    [("x1", LANSIA, JEKAN, 1, 3), ("x1", LANSIA, PAHANDUT, 6, 12), ("x1", LANSIA, SABANGAU, 20, 40),
     ("x1", DISABILITAS, JEKAN, 7, 14), ("x1", DISABILITAS, PAHANDUT, 8, 16), ("x1", DISABILITAS, SABANGAU, 22, 44),
     ("x1", FAKIR, JEKAN, 25, 50), ("x1", FAKIR, PAHANDUT, 28, 56), ("x1", FAKIR, SABANGAU, 30, 60)],
    columns=["component", "jenis", "kecamatan", "numerator", "denominator"],
)
ROWS, COLUMNS = ["component", "jenis"], ["component", "kecamatan"]


def hidden_cells(result):
    cells = result.table.loc[result.table["is_suppressed"], ["jenis", "kecamatan"]]
    return set(cells.itertuples(index=False, name=None))


def test_a_grid_hides_a_partner_in_the_row_and_in_the_column_and_the_corner():
    result = suppress_small_counts(GRID, group=ROWS, cell="kecamatan", also_by=COLUMNS)
    # The cheapest rectangle: 12 + 14 + 16 cases (through Sabangau or Fakir Miskin costs more).
    assert hidden_cells(result) == {
        (LANSIA, JEKAN), (LANSIA, PAHANDUT), (DISABILITAS, JEKAN), (DISABILITAS, PAHANDUT)}
    assert recoverable(result.table, GRID, [ROWS, COLUMNS]) == {}


def test_without_also_by_the_column_total_gives_the_cell_away():
    result = suppress_small_counts(GRID, group=ROWS, cell="kecamatan")
    assert hidden_cells(result) == {(LANSIA, JEKAN), (LANSIA, PAHANDUT)}
    assert recoverable(result.table, GRID, [ROWS]) == {}
    assert recoverable(result.table, GRID, [ROWS, COLUMNS])[(0, "denominator")] == 3


# --- the function itself -------------------------------------------------------------------------


def test_the_input_is_not_modified():
    table = kelurahan(("Langkai", 2, 3), PANARUNG, BUKIT_TUNGGAL)
    before = table.copy()
    suppress(table)
    suppress_small_counts(GRID, group=ROWS, cell="kecamatan", also_by=COLUMNS)
    pd.testing.assert_frame_equal(table, before)
    assert "is_suppressed" not in GRID.columns


def test_the_result_keeps_the_rows_and_adds_the_note():
    table = kelurahan(("Langkai", 2, 3), PANARUNG, BUKIT_TUNGGAL).set_index("kelurahan", drop=False)
    result = suppress(table)
    assert result.table.index.tolist() == ["Langkai", "Panarung", "Bukit Tunggal"]
    assert result.table["denominator"].tolist() == [pd.NA, pd.NA, 40]
    assert result.note == describe_rule(K)


@pytest.mark.parametrize(
    ("table", "options"),
    [
        (kelurahan(("Langkai", 4, 3)), {}),  # more handled than cases
        (kelurahan(("Langkai", -1, 3)), {}),
        (kelurahan(("Langkai", 1, 3), ("Langkai", 1, 4)), {}),  # the same cell twice
        (kelurahan(("Langkai", 1, 3)), {"k": -1}),
    ],
)
def test_bad_input_is_refused(table, options):
    with pytest.raises(ValueError):
        suppress(table, **options)


def test_the_rule_in_bahasa_indonesia():
    assert describe_rule(5) == (
        'Pada tabel yang lebih rinci dari komponen × kecamatan, jumlah 1 sampai 5 ditampilkan sebagai "< 6" '
        "dan persentasenya disembunyikan (–); angka lain ikut disembunyikan (×) bila diperlukan agar angka "
        "tersembunyi tidak dapat dihitung dari total."
    )
    assert 'jumlah 1 ditampilkan sebagai "< 2"' in describe_rule(1)
    assert "tidak ada angka kecil yang disembunyikan" in describe_rule(0)


# --- any table: nothing small is shown and nothing hidden can be recovered ------------------------

CELL = st.integers(0, 14).flatmap(lambda cases: st.tuples(st.integers(0, cases), st.just(cases)))


def assert_safe(result, table, lines):
    published = result.table
    not_handled = table["denominator"] - table["numerator"]
    for count, values in (("numerator", table["numerator"]), ("denominator", table["denominator"]),
                          ("not_handled", not_handled)):
        small = values.between(1, K)
        assert published.loc[small, "is_suppressed"].all()
        shown = ~published["is_suppressed"]
        assert published.loc[shown, count].astype(int).tolist() == values[shown].tolist()
    recovered = {row for row, _ in recoverable(published, table, lines)}
    assert recovered <= set(result.unprotected)
    for row in result.unprotected:  # only when every other cell of its lines is hidden or empty
        for columns in lines:
            line = table[(table[columns] == table.loc[row, columns]).all(axis=1)]
            assert (published.loc[line.index, "is_suppressed"] | (line["denominator"] == 0)).all()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=3))
def test_any_kelurahan_table_is_safe(lines):
    components = [kelurahan(*[(f"K{j}", handled, cases) for j, (handled, cases) in enumerate(cells)], component=f"x{i}")
                  for i, cells in enumerate(lines)]
    table = pd.concat(components, ignore_index=True)
    assert_safe(suppress(table), table, BY_COMPONENT)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.data())
def test_any_grid_is_safe(n_rows, n_columns, data):
    cells = data.draw(st.lists(CELL, min_size=n_rows * n_columns, max_size=n_rows * n_columns))
    table = pd.DataFrame(
        [("x1", f"J{r}", f"K{c}", *cells[r * n_columns + c]) for r in range(n_rows) for c in range(n_columns)],
        columns=["component", "jenis", "kecamatan", "numerator", "denominator"],
    )
    result = suppress_small_counts(table, group=ROWS, cell="kecamatan", also_by=COLUMNS)
    assert_safe(result, table, [ROWS, COLUMNS])


# --- Register text leaving data/raw (data contract §1.5) ---------------------------------------

from ikuanalysis.disclosure import (  # noqa: E402 - the text rules, after the count rules above
    HIDDEN_VALUE,
    OTHER,
    RegisterNames,
    generalize_rare,
    is_rare,
    is_withheld,
    quotable,
    redact_message,
)

NIK = "3271012345678901"
NAMES = RegisterNames.of(pd.Series(["Zulkarnaen Wibisono", "Ani", None, ""]))


@pytest.mark.parametrize("value", [NIK, int(NIK), float(NIK[:15]), f"NIK {NIK}", "KK:32710123", "3271 0123 4567 8901",
                                   "Zulkarnaen Wibisono", "  zulkarnaen   WIBISONO ", "ani"])
def test_niks_digit_runs_and_register_names_are_withheld(value):
    assert is_withheld(value, NAMES)


@pytest.mark.parametrize("value", ["Kampung Baru", "1234567", "05/02/2025", "2025-03-01", "Ani Lestari", "", None, 12.0])
def test_other_text_is_not_withheld(value):
    assert not is_withheld(value, NAMES)


def test_names_are_compared_as_given_by_an_iterable_too():
    assert is_withheld("DEDI  saputra", ["Dedi Saputra"]) and not is_withheld("Dedi", ["Dedi Saputra"])


@pytest.mark.parametrize(("value", "column", "expected"), [
    ("Kapuas", "kecamatan", "Kapuas"), ("x" * 40, "jenis", "x" * 40), ("", "status", ""), (None, "", ""),
    (12.0, "status", "12"), ("x" * 41, "jenis", None), ("Budi", "nama", None), ("Budi", "NIK", None),
    ("123", "no_kk", None), (f"NIK {NIK}", "status", None), ("Ani", "status", None),
])
def test_quotable_follows_the_message_rule(value, column, expected):
    assert quotable(value, column, NAMES) == expected


def test_redact_message_removes_digit_runs_and_long_quoted_texts():
    long_value = "Nama saya Zulkarnaen Wibisono, tinggal di gang ke tiga"
    text = f"x1.csv, baris 3, kolom 'Status' — nilai: '{long_value}'\nNIK {NIK} dan \"{long_value}\"; ok 'Kapuas'"
    redacted = redact_message(text)
    assert NIK[:8] not in redacted and "Zulkarnaen" not in redacted
    assert redacted == (f"x1.csv, baris 3, kolom 'Status' — nilai: '{HIDDEN_VALUE}'\nNIK {HIDDEN_VALUE} dan "
                        f"'{HIDDEN_VALUE}'; ok 'Kapuas'")
    assert redact_message("Ditemukan 3 kesalahan pada data tahun 2025:") == "Ditemukan 3 kesalahan pada data tahun 2025:"


def test_redact_message_keeps_the_words_between_two_short_quoted_values():
    message = ("kunci 'komponan' tidak dikenal (di berkas.0.komponan). Perbaiki baris itu (lihat contoh dari "
               "'ikuanalysis template'), lalu jalankan lagi.")
    assert redact_message(message) == message
    assert redact_message("kolom 'Status', \"Kapuas\" dan 'Ma'ruf'") == "kolom 'Status', \"Kapuas\" dan 'Ma'ruf'"


def test_redact_message_hides_a_long_quoted_text_with_an_apostrophe_inside_a_word():
    text = "nilai 'Jum'at pagi di rumah Bapak Zulkarnaen Wibisono di gang tiga' tidak dikenal"
    assert redact_message(text) == f"nilai '{HIDDEN_VALUE}' tidak dikenal"


def test_rare_values_count_cases_not_rows():
    values = pd.Series(["A", "A", "A", "B", "B", ""], index=[5, 6, 7, 8, 9, 10])
    assert is_rare(values, 3).tolist() == [False, False, False, True, True, False]
    assert is_rare(values, 3, cases=[1, 1, 2, 3, 4, 5]).tolist() == [True, True, True, True, True, False]
    assert not is_rare(values, 0).any() and not is_rare(values, 1).any()


def test_generalize_rare_replaces_withheld_and_rare_values_by_lainnya():
    values = pd.Series(["Kampung Baru"] * 5 + [NIK] * 5 + ["ani"] * 5 + ["Kampung Lama", ""])
    out = generalize_rare(values, 5, names=NAMES)
    assert out.tolist() == ["Kampung Baru"] * 5 + [OTHER] * 11 + [""]
    assert out.index.equals(values.index)
    assert generalize_rare(values, 0, names=NAMES).tolist() == ["Kampung Baru"] * 5 + [OTHER] * 10 + ["Kampung Lama", ""]


def test_register_names_drop_every_kind_of_whitespace_as_python_does():
    """The names' keys drop exactly what Python's ``\\s`` matches (spelled out for the fast regex)."""
    import pandas as pd

    from ikuanalysis.disclosure import RegisterNames

    spaces = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    names = pd.Series([f"Siti{spaces}Aminah", "A\u200bB"], dtype="str")  # U+200B is not whitespace
    assert RegisterNames.of(names).keys == frozenset({"sitiaminah", "a\u200bb"})


def test_the_names_of_several_registers_make_one_set():
    import pandas as pd

    from ikuanalysis.disclosure import RegisterNames

    names = RegisterNames.of_columns([pd.Series(["Ani", "Badu", None], dtype="str"),
                                      pd.Series(["ANI", "", "Citra Dewi"], dtype=object)])
    assert names.keys == frozenset({"ani", "badu", "citradewi"})
    assert "citra  dewi" in names and "dewi" not in names


def test_joining_names_keeps_every_name_of_both():
    from ikuanalysis.disclosure import RegisterNames

    big, small, empty = RegisterNames(frozenset({"ani", "badu"})), RegisterNames(frozenset({"citra"})), RegisterNames()
    assert (big | small).keys == (small | big).keys == frozenset({"ani", "badu", "citra"})
    assert (big | empty) is big and (empty | big) is big
    assert (big | RegisterNames(frozenset({"ani"}))) is big  # nothing new: the same set, not a copy


# --- quotable_texts: quotable, vectorised (the problem log's values) ---

QUOTABLE_ALPHABET = st.sampled_from(
    list("aAbZ09 -.|") + ["\u00a0", "\t", "\x1c", "\u3000", "\u0663", "\uff11", "ß", "İ", "Σ", "ς", "\u200b", "é"])
QUOTABLE_TEXTS = st.text(QUOTABLE_ALPHABET, max_size=45)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.one_of(QUOTABLE_TEXTS, st.just("6271 0101 0190 0012"), st.just("x" * 41)), max_size=12),
       names=st.lists(QUOTABLE_TEXTS, max_size=4))
def test_quotable_texts_is_quotable_of_every_cell(texts, names):
    from ikuanalysis.disclosure import RegisterNames, quotable, quotable_texts

    register = RegisterNames.of(names + texts[:2])  # some cells are names
    column = pd.Series(texts, dtype="str")
    assert quotable_texts(column, register).tolist() == [quotable(text, "", register) for text in texts]


def test_quotable_texts_hides_long_values_digit_runs_and_names_but_not_blanks():
    from ikuanalysis.disclosure import RegisterNames, quotable_texts

    names = RegisterNames.of(pd.Series(["Siti Aminah", "Ṣàlí"], dtype="str"))
    column = pd.Series(["Pahandut", "", None, "SITI  AMINAH", "ṣàlí", "baris 62710101 (x3.csv)", "a" * 41, "baris 7",
                        "٦٢٧١٠١٠١", "６２７１ ０１０１"],
                       dtype="str")
    assert quotable_texts(column, names).tolist() == ["Pahandut", "", "", None, None, None, None, "baris 7", None, None]


def test_a_nik_in_a_file_name_is_never_published_and_every_file_keeps_its_own_name():
    """Found by a probe: ``x4_6271011122334455_Theodora.csv`` was listed as written in the report's
    input files, the manifest and summary.json (its log entries were already withheld)."""
    from ikuanalysis.disclosure import published_file_names

    names = ["x4_6271011122334456_b.csv", "x4_6271011122334455_b.csv", "x1_psks_2025.xlsx", "x2_6271 0111 2233.csv"]
    assert published_file_names(names) == {
        "x1_psks_2025.xlsx": "x1_psks_2025.xlsx",  # a year is 4 digits: shown
        "x2_6271 0111 2233.csv": f"x2_{HIDDEN_VALUE}.csv",
        "x4_6271011122334455_b.csv": f"x4_{HIDDEN_VALUE}_b.csv",
        "x4_6271011122334456_b.csv": f"x4_{HIDDEN_VALUE}_b.csv (2)",  # told apart, in the order of the real names
    }
