"""Where a register's table is on its sheet (ingest/layout.py): header choice, stacked headers,
column-number rows, alias precedence, rows below the data, jenis from names (contract §1.2–§1.4)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ikuanalysis.ingest.read import first_text_cells
from ikuanalysis.ingest.values import summary_pattern
from ikuanalysis.ingest.layout import (
    FLAG_PREFIX,
    HeaderLookup,
    classify_rows,
    continues_header,
    find_header,
    footer_pattern,
    header_key,
    is_column_number_row,
    jenis_named_in,
    key_values,
)

COLUMNS = {
    "nik": ("NIK", "No. KTP / NIK", "NIK / Nomor KTP"), "nama": ("Nama", "Nama PSM"), "jenis": ("Jenis", "Kategori"),
    "kecamatan": ("Kecamatan",), "status": ("Status", "Aktif", "Status Kinerja"),
}
IGNORED = ("No", "Jenis Kelamin", "Alamat")
LOOKUP = HeaderLookup.build(COLUMNS, IGNORED)
FOOTER = footer_pattern(("Sumber", "Catatan", "Keterangan", "Petunjuk"))


def test_trailing_column_numbers_and_inner_spaces_do_not_matter():
    assert header_key("Kecamatan (7)") == header_key("KECAMATAN") == header_key("Kecamatan  7") == "kecamatan"
    assert header_key("Nama   Lengkap\n") == "namalengkap"
    assert header_key("x1") == "x1"  # a number that is the whole text stays


def test_the_header_is_the_row_with_most_fields_among_the_first_40():
    title = ["DAFTAR PSKS"]
    key_value = ["Kategori", "", "", "PEKERJA SOSIAL MASYARAKAT (PSM)"]  # names one field: jenis
    legend = ["Kolom 2 = Nama", "Kolom 5 = NIK / Nomor KTP"]
    header = ["No", "Nama PSM", "NIK / Nomor KTP", "Kecamatan", "Status"]
    rows = [title, key_value, legend, *([[]] * 20), header, [1, "Ani", "6271", "Pahandut", "Aktif"]]
    found = find_header(rows, LOOKUP)
    assert found.index == 23
    assert found.columns == {1: "nama", 2: "nik", 3: "kecamatan", 4: "status"}
    assert found.data_start == 24


def test_a_header_below_row_40_is_not_found():
    rows = [[]] * 40 + [["Nama", "Kecamatan", "Status"]]
    assert find_header(rows, LOOKUP) is None


def test_on_a_tie_the_upper_row_wins():
    rows = [["Nama", "Kecamatan"], [], ["Nama", "Status"]]
    assert find_header(rows, LOOKUP).index == 0


def test_jenis_above_kelamin_is_jenis_kelamin_not_the_jenis_column():
    upper = ["No", "Nama PSM", "", "Jenis", "", "Status Kinerja"]
    lower = ["", "", "", "Kelamin", "", ""]
    assert continues_header(upper, lower, LOOKUP)
    found = find_header([upper, lower, ["1", "Ani", "", "L", "", "1"]], LOOKUP)
    assert (found.upper, found.index) == (0, 1)
    assert found.columns == {1: "nama", 5: "status"}
    assert found.texts[3] == "Jenis Kelamin"


def test_a_group_title_above_nama_gives_nama():
    upper = ["Identitas", "", "Wilayah", "Status"]
    lower = ["Nama", "NIK", "Kecamatan", ""]
    found = find_header([upper, lower], LOOKUP)
    assert found.columns == {0: "nama", 1: "nik", 2: "kecamatan", 3: "status"}
    assert (found.upper, found.index) == (0, 1)


def test_a_data_row_of_text_under_a_header_is_data_not_a_second_header_row():
    header = ["Nama", "Jenis", "Kecamatan", "Status"]
    data = ["Budi", "Lansia", "Pahandut", "Aktif"]  # "Aktif" is also a status alias: it changes nothing
    assert not continues_header(header, data, LOOKUP)
    assert find_header([header, data], LOOKUP).data_start == 1


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ([1, 2, None, 3, 4], True),
        (["(1)", "(2)", "(3)"], True),
        (["1", "2", "3.0"], False),
        ([1, 3, 4], False),
        ([1], False),
        ([1, "Ani", 3], False),
        ([True, 2], False),
    ],
)
def test_column_number_rows(row, expected):
    assert is_column_number_row(row) is expected


def test_a_column_number_row_below_a_stacked_header_is_skipped():
    rows = [["No", "Nama", "Jenis", "Kecamatan", "Status"], ["", "", "Kelamin", "", ""], [1, 2, 3, 4, 5],
            [1, "Ani", "P", "Pahandut", "Ya"]]
    found = find_header(rows, LOOKUP)
    assert (found.index, found.number_row, found.data_start) == (1, 2, 3)


def test_the_alias_listed_first_wins_and_the_choice_is_recorded():
    own = HeaderLookup.build(COLUMNS, IGNORED, own={"kecamatan": ("Kecamatan Lokasi Tugas",)})
    header = ["Nama", "Kecamatan", "Kecamatan Lokasi Tugas", "Status"]
    found = find_header([header], own)
    assert found.columns == {0: "nama", 2: "kecamatan", 3: "status"}
    assert found.overridden == [("kecamatan", 2, [1])]
    assert find_header([header], LOOKUP).columns[1] == "kecamatan"  # without the component's order


def test_two_columns_with_the_same_alias_are_a_duplicate():
    found = find_header([["Nama", "Kecamatan", "NAMA", "Status"]], LOOKUP)
    assert found.duplicates == [("nama", [0, 2])]


def test_a_files_own_aliases_and_flags():
    lookup = HeaderLookup.build(COLUMNS, IGNORED, extra={"Nama Lansia": "nama"}, flags=("BANSOS BPNT", "BANSOS PKH"))
    found = find_header([["Nama Lansia", "Kecamatan", "BANSOS BPNT", "bansos  pkh"]], lookup)
    assert found.columns == {0: "nama", 1: "kecamatan", 2: FLAG_PREFIX + "BANSOS BPNT", 3: FLAG_PREFIX + "BANSOS PKH"}
    assert found.fields == {"nama", "kecamatan", "status"}


def test_key_values_above_the_header():
    rows = [["", "", "", "Kategori", "", "", "PEKERJA SOSIAL MASYARAKAT (PSM)", "Formulir Model"],
            ["Model  B.1.1 / Kategori : PSM"]]
    pairs = key_values(rows, 2)
    assert ("Kategori", "PEKERJA SOSIAL MASYARAKAT (PSM)", 0) in pairs
    assert ("Kategori", "PSM", 1) in pairs


REFERENCE = ("Pekerja Sosial Masyarakat (PSM)", "Karang Taruna", "Tenaga Kesejahteraan Sosial Kecamatan (TKSK)")
ALIASES = {"PSM": "Pekerja Sosial Masyarakat (PSM)", "TKSK": "Tenaga Kesejahteraan Sosial Kecamatan (TKSK)"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("x1_tksk", "Tenaga Kesejahteraan Sosial Kecamatan (TKSK)"),
        ("B.1.1 PSM", "Pekerja Sosial Masyarakat (PSM)"),
        ("FORMAT_PEDATAAN_KARANG_TARUNA", "Karang Taruna"),
        ("x1_psm_dan_tksk", None),  # two jenis: none is chosen
        ("x1_psmx", None),  # whole words only
        ("Sheet1", None),
    ],
)
def test_jenis_named_in_a_file_or_sheet_name(name, expected):
    assert jenis_named_in(name, REFERENCE, ALIASES) == expected


def _kinds(rows: list[list[object]], columns: dict[int, str]) -> list[str]:
    block = pd.DataFrame(rows, dtype="object").fillna("")
    first_text = first_text_cells(block, summary_pattern(("Jumlah", "Sumber", "Catatan", "Keterangan", "Petunjuk")))
    return classify_rows(block, columns, FOOTER, first_text).tolist()


COLS = {0: "nama", 1: "kecamatan", 2: "status"}


def test_rows_below_the_data():
    rows = [
        ["Ani", "Pahandut", "Ya"],
        ["", "KECAMATAN SABANGAU", ""],  # one text cell, not nama: a group row
        ["Badu", "", ""],  # a nama alone stays data (an error later)
        ["Sumber : Dinas Sosial", "", ""],  # in the nama column, but a footer by its colon
        ["", "", "Catatan"],
        ["", "", "5"],  # one cell, not nama or nik: a lone count under Status is not data either
        ["###", "", ""],
        ["Cici", "Jekan Raya", "Ya"],
        ["", "", ""],
    ]
    assert _kinds(rows, COLS) == ["", "group", "", "footer", "footer", "group", "end", "after_end", "blank"]


def test_a_lone_number_or_date_in_a_used_column_is_a_group_row_and_in_an_unused_one_a_blank_row():
    """Contract §1.4: one filled cell, not nama or nik, is not data. Found by a probe: a lone count
    under Status (an unlabelled COUNTIF) or a lone date was read as a data row (errors: kecamatan
    kosong). A lone number in a column the tool does not read (the No of a pre-numbered empty
    template row, a 0 in XFD1048576) holds nothing the tool reads: blank."""
    columns = {1: "nama", 2: "kecamatan", 3: "status", 4: "tanggal"}
    rows = [[1, "Ani", "Pahandut", "Ya", ""], ["", "", "", 12, ""], ["", "", "", "", dt.date(2025, 3, 1)],
            [2, "", "", "", ""], ["", "Badu", "", "", ""], [3, "Cici", "Pahandut", "Ya", ""]]
    assert _kinds(rows, columns) == ["", "group", "group", "blank", "", ""]


def test_a_footers_word_alone_with_its_text_in_the_next_cells_is_a_footer():
    """Found by a probe: Kemensos forms write ``Sumber | : | Dinas Sosial``; others ``Catatan | Data
    sementara`` (no colon). Both were data rows (errors: kecamatan kosong); a name merely starting
    with such a word stays data."""
    columns = {0: "nama", 1: "kecamatan", 2: "status", 3: "jenis"}
    rows = [["Ani", "Pahandut", "Ya", "Lansia"], ["Sumber", ":", "Dinas Sosial Kota Palangka Raya", ""],
            ["Catatan", "Data sementara", "", ""], ["Keterangan.", "V = sudah ditangani", "", ""],
            ["Sumber Rejeki", "Pahandut", "Ya", "LKS"], ["Catatan Sipil", "Data", "", ""]]
    block = pd.DataFrame(rows, dtype="object").fillna("")
    first_text = first_text_cells(block, summary_pattern(("Jumlah", "Sumber", "Catatan", "Keterangan", "Petunjuk")))
    words = ("Sumber", "Catatan", "Keterangan", "Petunjuk")
    kinds = classify_rows(block, columns, FOOTER, first_text, footer_pattern(words, alone=True)).tolist()
    assert kinds == ["", "footer", "footer", "footer", "", ""]


def test_a_name_starting_with_a_footer_word_is_data():
    rows = [["Sumber Rejeki", "Pahandut", "Ya"], ["Keterangan", "", ""], ["Catatan: dicek ulang", "Pahandut", ""]]
    assert _kinds(rows, COLS) == ["", "footer", "footer"]


def test_a_header_on_row_40_is_found_with_its_second_row_and_number_row_past_it():
    upper = ["No", "Nama", "Alamat", "", "Status"]
    lower = ["", "", "Kecamatan", "Kelurahan", ""]
    rows = [["DAFTAR"]] * 39 + [upper, lower, ["1", "2", "3", "4", "5"], ["1", "Ani", "Pahandut", "", "Ya"]]
    found = find_header(rows, LOOKUP)
    assert (found.upper, found.index, found.number_row, found.data_start) == (39, 40, 41, 42)
    assert found.columns == {1: "nama", 2: "kecamatan", 4: "status"}
    assert find_header(rows[:39] + [["Nama", "Kecamatan", "Status"]], LOOKUP).index == 39


def test_search_rows_limits_where_the_header_may_start():
    """A sheet read over its occupied rows: only those on spreadsheet rows 1-40 may hold the header."""
    rows = [["DAFTAR"], ["Nama", "Kecamatan"], ["Nama", "Kecamatan", "Status"]]
    assert find_header(rows, LOOKUP, search_rows=2).index == 1
    assert find_header(rows, LOOKUP).index == 2


def test_a_stacked_header_whose_lower_row_is_fuller_than_the_upper_one():
    """Group titles merged over columns (the value sits in the first cell): read together, the rows name status."""
    upper = ["Identitas", "", "Alamat", "", "Status"]
    lower = ["NIK", "Nama", "Kecamatan", "Kelurahan", ""]
    found = find_header([upper, lower, ["6271", "Ani", "Pahandut", "", "Ya"]], LOOKUP)
    assert found is not None and found.upper == 0
    assert set(found.columns.values()) == {"nik", "nama", "kecamatan", "status"}


@pytest.mark.xfail(strict=True, reason="not supported (contract §1.2): a header is one row or two stacked rows")
def test_a_header_of_three_stacked_rows():
    rows = [["Data Penerima", "", "", ""], ["Identitas", "", "Wilayah", "Status"],
            ["No", "Nama", "Kecamatan", ""], ["1", "Ani", "Pahandut", "Ya"]]
    found = find_header(rows, LOOKUP)
    assert found is not None and found.upper == 0 and found.data_start == 3


def test_a_footer_naming_an_ignored_column_right_below_the_header_is_not_a_second_header_row():
    """An empty table ends with "Keterangan :" (an ignored header's word): the header stays one row."""
    header = ["Kec:", "Nama", "Status"]
    assert not continues_header(header, ["Keterangan :", "", ""], LOOKUP_WITH_KETERANGAN)
    found = find_header([header, ["Keterangan :"]], LOOKUP_WITH_KETERANGAN)
    assert found.upper is None and found.columns == {0: "kecamatan", 1: "nama", 2: "status"}
    # A group title over the ignored column still stacks when the joined text is the ignored header.
    assert continues_header(["Jenis", "Nama"], ["Kelamin", ""], LOOKUP)


LOOKUP_WITH_KETERANGAN = HeaderLookup.build({**COLUMNS, "kecamatan": ("Kecamatan", "Kec")}, (*IGNORED, "Keterangan"))


def test_a_categorical_column_is_filled_where_its_text_is():
    from ikuanalysis.ingest.layout import _filled

    cells = ["Siti", "", "   ", "\u00a0", "x3", None]
    as_text = _filled(pd.Series(cells, dtype="str"))
    as_category = _filled(pd.Series(pd.Categorical(cells)))
    assert as_text.tolist() == [True, False, False, False, True, False]
    assert as_category.tolist() == as_text.tolist()


def test_a_title_row_above_a_fuller_complete_header_is_not_a_second_header_row():
    title = ["DAFTAR PENERIMA BANSOS TAHUN 2025", "", "", "", ""]
    header = ["NIK", "Nama", "Kecamatan", "Kelurahan", "Status"]
    assert not continues_header(title, header, LOOKUP)
    found = find_header([title, header, ["6271", "Ani", "Pahandut", "", "Ya"]], LOOKUP)
    assert found.upper is None and found.index == 1


def test_group_titles_over_a_fuller_lower_row_join_their_words():
    """``Status`` above ``Kinerja`` is the status column; ``Lokasi`` merged over two columns adds nothing."""
    upper = ["Identitas", "", "Lokasi", "", "Status"]
    lower = ["NIK", "Nama", "Kecamatan", "Desa", "Kinerja"]
    found = find_header([upper, lower, ["6271", "Ani", "Pahandut", "", "Ya"]], LOOKUP)
    assert found.upper == 0 and found.index == 1 and found.data_start == 2
    assert found.columns == {0: "nik", 1: "nama", 2: "kecamatan", 4: "status"}
    assert found.texts[4] == "Status Kinerja"  # the joined text matched its alias


def test_a_first_data_row_of_text_with_one_header_word_is_data_not_a_second_header_row():
    """Found by a probe: an x1 register (lembaga: no number, no date) whose first row has "Aktif" in
    its Keterangan column was read as the header's lower row, and its case was lost."""
    header = ["Nama", "Jenis", "Kecamatan", "Status", "Alamat"]
    first = ["Karang Taruna Maju", "Karang Taruna", "Pahandut", "Tidak", "Aktif"]
    assert not continues_header(header, first, LOOKUP)
    found = find_header([header, first, ["LKS B", "LKS", "Pahandut", "Ya", ""]], LOOKUP)
    assert (found.upper, found.index, found.data_start) == (None, 0, 1)
    # Naming a field a second time is not a header either, even with no value left under a header.
    assert not continues_header(["Nama", "", "Status", "Alamat"], ["", "", "", "Aktif"], LOOKUP)
    # A real lower row still stacks when it changes as many columns as it leaves: units under one
    # header, a joined name under another.
    assert continues_header(["Nama", "Jenis", "Status"], ["(lengkap)", "Kelamin", ""], LOOKUP)
