"""Reading registers as received (ingest/read.py): sheets, header rows, encodings, formats."""

from __future__ import annotations

import pytest

from ikuanalysis.ingest.discover import discover_files
from ikuanalysis.ingest.problems import ProblemLog, RegisterError
from ikuanalysis.ingest.layout import HeaderLookup, find_header
from ikuanalysis.ingest.read import column_letter, read_registers
from ikuanalysis.ingest.year import clean_year
from tests.fixtures.registers import Sheet, write_register

HEADER = ["No", "NIK", "Nama", "Jenis PPKS", "Kecamatan", "Kelurahan", "Tanggal", "Status"]
ROW_A = [1, "6271000000000001", "Ani", "Fakir Miskin", "Pahandut", "Langkai", "05/03/2025", "Ya"]
ROW_B = [2, "6271000000000002", "Badu", "Fakir Miskin", "Sebangau", "Sabaru", "6 Maret 2025", "Tidak"]


def write_xlsx(path, rows, sheet="Data", extra_sheets=(), merge_title=None):
    """A workbook: instruction sheets first, then the data sheet (its first row a merged title)."""
    sheets = [Sheet(name, [["Petunjuk pengisian: satu baris per orang."]]) for name in extra_sheets]
    rows, merge = list(rows), {}
    if merge_title:
        rows[0], merge = [merge_title], {0: len(HEADER)}
    write_register(path, [*sheets, Sheet(sheet, rows, merge=merge)])


def read_one(folder, component="x3"):
    log = ProblemLog()
    files = discover_files(folder, log)
    from ikuanalysis.config import load_settings

    tables = read_registers(files, load_settings(), log)
    frame = log.to_frame()
    return tables.get(component), frame[frame["code"] != "column_matched"].reset_index(drop=True)


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701)] == ["A", "Z", "AA", "AB", "ZZ"]


def test_header_found_below_title_rows_with_aliases():
    rows = [["DAFTAR PENERIMA"], [], ["Nama", "KECAMATAN ", "Status\nPenanganan"]]
    from ikuanalysis.config import load_settings

    vocabulary = load_settings().vocabulary
    lookup = HeaderLookup.build(vocabulary.columns, vocabulary.ignored_headers)
    found = find_header(rows, lookup)
    assert found.index == 2
    assert found.columns == {0: "nama", 1: "kecamatan", 2: "status"}
    assert find_header([["Judul"], ["Nama saja"]], lookup) is None


def test_a_stacked_header_is_logged_at_its_upper_row_naming_both_rows(tmp_path):
    upper = ["No", "Nama", "Jenis PPKS", "Kecamatan", "Jenis", "Status"]
    lower = [None, None, None, None, "Kelamin", None]
    write_xlsx(tmp_path / "x3_bansos.xlsx", [["DAFTAR PENERIMA"], upper, lower,
                                             [1, "Ani", "Fakir Miskin", "Pahandut", "P", "Ya"]])
    table, log = read_one(tmp_path)
    assert table.frame["_row"].tolist() == [4]
    stacked = log[log["code"] == "stacked_header"]
    assert stacked["row"].tolist() == [2]
    assert "(baris 2 dan 3)" in stacked["message"].iloc[0]


def test_group_titles_merged_over_a_fuller_header_row_are_read_with_it(tmp_path):
    """``Identitas`` merged over NIK and Nama, ``Tepat`` above ``Sasaran``, a column-number row below."""
    upper = ["Identitas", None, "Jenis", "Lokasi", None, "Tanggal", "Tepat"]
    lower = ["NIK", "Nama Penerima", "PPKS", "Kecamatan", "Kelurahan", "Penyaluran", "Sasaran"]
    rows = [["DAFTAR PENERIMA BANSOS"], upper, lower, list(range(1, 8)),
            ["6271000000000001", "Ani", "Fakir Miskin", "Pahandut", "Langkai", "05/03/2025", "Ya"],
            ["6271000000000002", "Badu", "Fakir Miskin", "Sebangau", "Sabaru", "6 Maret 2025", "Tidak"]]
    write_register(tmp_path / "x3_bansos.xlsx", Sheet("Data", rows, ranges=[(1, 0, 1, 1), (1, 3, 1, 4)]))
    table, log = read_one(tmp_path)
    assert table.frame["_row"].tolist() == [5, 6]
    assert table.frame["status"].tolist() == ["Ya", "Tidak"]
    assert table.frame["jenis"].tolist() == ["Fakir Miskin"] * 2
    assert log.loc[log["code"] == "stacked_header", "row"].tolist() == [2]
    assert log.loc[log["code"] == "column_number_row", "row"].tolist() == [4]


def test_xlsx_with_merged_title_and_instruction_sheet(tmp_path):
    write_xlsx(tmp_path / "x3_bansos.xlsx", [None, ["TAHUN 2025"], None, HEADER, ROW_A, ROW_B],
               extra_sheets=["Petunjuk"], merge_title="DAFTAR PENERIMA BANSOS")
    table, log = read_one(tmp_path)
    assert len(table.frame) == 2
    assert table.frame["_row"].tolist() == [5, 6]
    assert table.frame["_sheet"].unique().tolist() == ["Data"]
    assert log[["code", "sheet"]].values.tolist() == [["sheet_skipped", "Petunjuk"]]


EXAMPLE_ROW = [1, "6271000000000009", "Contoh Nama", "Fakir Miskin", "Pahandut", "Langkai", "05/03/2025", "Ya"]  # the template's example


@pytest.mark.parametrize("name", ["PETUNJUK PENGISIAN", "Cara_Pengisian", "contoh-isian", "Contoh"])
def test_an_instructions_sheet_with_an_example_table_is_skipped_beside_the_data(tmp_path, name):
    # A template's instructions often show the header with one example row: it is not a case.
    instructions = Sheet(name, [["Isi satu baris per orang, seperti contoh berikut."], [], HEADER, EXAMPLE_ROW])
    write_register(tmp_path / "x3_bansos.xlsx", [instructions, Sheet("Data", [HEADER, ROW_A, ROW_B])])
    table, log = read_one(tmp_path)
    assert table.frame["_sheet"].tolist() == ["Data", "Data"] and table.sheets_read == 1
    skipped = log[log["code"] == "sheet_skipped"]
    assert skipped["sheet"].tolist() == [name]
    assert skipped["message"].iloc[0].startswith("Sheet dilewati: namanya menandai petunjuk, contoh atau keterangan")


def test_an_instructions_sheet_that_is_the_only_table_is_read(tmp_path):
    # Named "Contoh" but holding the data (a template filled in without renaming its sheet).
    write_register(tmp_path / "x3_bansos.xlsx", [Sheet("Petunjuk", [["Isi satu baris per orang."]]),
                                                 Sheet("Contoh", [HEADER, ROW_A, ROW_B])])
    table, log = read_one(tmp_path)
    assert table.frame["_sheet"].tolist() == ["Contoh", "Contoh"]
    assert log[["code", "sheet"]].values.tolist() == [["sheet_skipped", "Petunjuk"]]


def test_sumber_lembar_reads_an_instructions_named_sheet(tmp_path):
    write_register(tmp_path / "x3_bansos.xlsx", [Sheet("Contoh", [HEADER, EXAMPLE_ROW]), Sheet("Data", [HEADER, ROW_A])])
    (tmp_path / "sumber.yml").write_text("berkas:\n  - pola: 'x3_*.xlsx'\n    komponen: x3\n    lembar: [Contoh, Data]\n",
                                         encoding="utf-8")
    from ikuanalysis.ingest.sumber import read_sumber

    log = ProblemLog()
    sumber = read_sumber(tmp_path, log, ("x1", "x2", "x3", "x4"))
    from ikuanalysis.config import load_settings

    tables = read_registers(discover_files(tmp_path, log, sumber=sumber), load_settings(), log)
    assert tables["x3"].frame["_sheet"].tolist() == ["Contoh", "Data"]


def test_every_sheet_with_a_header_is_read(tmp_path):
    write_register(tmp_path / "x3_two_sheets.xlsx", [Sheet("Pahandut", [HEADER, ROW_A]), Sheet("Sabangau", [HEADER, ROW_B])])
    table, _ = read_one(tmp_path)
    assert table.frame["_sheet"].tolist() == ["Pahandut", "Sabangau"]
    assert table.sheets_read == 2


def test_several_files_of_one_component_are_combined(tmp_path):
    (tmp_path / "x3_a.csv").write_text(";".join(HEADER) + "\n" + ";".join(map(str, ROW_A)) + "\n", encoding="utf-8")
    (tmp_path / "X3-b.csv").write_text(",".join(HEADER) + "\n" + ",".join(map(str, ROW_B)) + "\n", encoding="utf-8")
    table, _ = read_one(tmp_path)
    assert sorted(table.frame["_file"]) == ["X3-b.csv", "x3_a.csv"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [";", ","])
def test_csv_encodings_and_separators(tmp_path, encoding, sep):
    rows = [["DAFTAR PENERIMA"], HEADER, ROW_A[:2] + ["José Kaléb"] + ROW_A[3:]]
    text = "\n".join(sep.join(map(str, r)) for r in rows) + "\n"
    (tmp_path / "x3.csv").write_bytes(text.encode(encoding))
    table, log = read_one(tmp_path)
    assert table.frame["nama"].tolist() == ["José Kaléb"]
    assert table.frame["_row"].tolist() == [3]


def test_ods_register(tmp_path):
    write_register(tmp_path / "x3_bansos.ods", [None, None, HEADER, ROW_A, ROW_B])
    table, log = read_one(tmp_path)
    assert table.frame["nama"].tolist() == ["Ani", "Badu"]
    assert table.frame["_row"].tolist() == [4, 5]


def test_xlsm_is_read_like_xlsx(tmp_path):
    write_xlsx(tmp_path / "x3_bansos.xlsm", [HEADER, ROW_A])
    table, _ = read_one(tmp_path)
    assert len(table.frame) == 1


def test_unsupported_format_and_missing_column_and_duplicate_header_are_located_errors(tmp_path):
    (tmp_path / "x1_psks.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "x2_rehsos.csv").write_text("Nama;Kecamatan;Status\nAni;Pahandut;Ya\n", encoding="utf-8")
    (tmp_path / "x3_bansos.csv").write_text("Nama;Jenis;Kecamatan;nama;Status\n", encoding="utf-8")
    (tmp_path / "x4_bencana.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(RegisterError) as caught:
        clean_year(tmp_path, __import__("ikuanalysis.config").config.load_settings(), 2025, key=b"k")
    log = caught.value.log.to_frame()
    errors = log[log["level"] == "error"].fillna({"row": 0})[["code", "file", "row"]].values.tolist()
    assert errors == [
        ["unsupported_format", "x1_psks.pdf", 0],
        ["missing_column", "x2_rehsos.csv", 1],
        ["duplicate_column", "x3_bansos.csv", 1],
        ["unreadable_file", "x4_bencana.csv", 0],
    ]
    message = str(caught.value)
    assert "jenis" in message and "Simpan ulang" in message


def test_a_sheet_named_for_another_component_is_an_error(tmp_path):
    write_register(tmp_path / "x1_semua.xlsx", [Sheet(name, [HEADER, ROW_A]) for name in ("x1", "x2")])
    table, log = read_one(tmp_path, component="x1")
    assert table.frame["_sheet"].tolist() == ["x1"]
    assert log.loc[log["level"] == "error", ["code", "sheet"]].values.tolist() == [["sheet_of_other_component", "x2"]]


def test_a_csv_row_with_too_many_fields_is_located(tmp_path):
    (tmp_path / "x3_bansos.csv").write_text(
        "DAFTAR\n" + ";".join(HEADER) + "\n" + ";".join(map(str, ROW_A)) + "\n" + ";".join(map(str, ROW_B)) + ";x\n",
        encoding="utf-8")
    _, log = read_one(tmp_path)
    assert log[["code", "row"]].values.tolist() == [["malformed_csv", 4]]


@pytest.mark.parametrize("name", ["x3_bansos.csv", "x3_bansos.xlsx", "x3_bansos.xlsm", "x3_bansos.ods"])
def test_every_format_of_the_register_writer_reads_the_same(tmp_path, name):
    import datetime as dt

    rows = [["DAFTAR PENERIMA"], None, HEADER, ROW_A, [2, 6271000000000002, "Badu", "Fakir Miskin", "Sebangau",
                                                       "Sabaru", dt.date(2025, 3, 6), "Tidak"]]
    write_register(tmp_path / name, rows, encoding="cp1252")
    table, log = read_one(tmp_path)
    assert table.frame["_row"].tolist() == [4, 5]
    assert table.frame["nama"].tolist() == ["Ani", "Badu"]
    assert [str(v).removesuffix(".0") for v in table.frame["nik"]] == ["6271000000000001", "6271000000000002"]
    assert not log["level"].eq("error").any()


def test_a_rekap_file_is_read_with_its_rows(tmp_path):
    from ikuanalysis.ingest.read import read_rekap

    write_register(tmp_path / "rekap_2025.csv", [["komponen", "sasaran", "realisasi"], ["x1", "10", "9"], ["x2", "4", "4"]])
    log = ProblemLog()
    rekap = read_rekap(discover_files(tmp_path, log), log, ("JUMLAH",))
    assert rekap.frame[["komponen", "sasaran", "realisasi", "_row"]].values.tolist() == [
        ["x1", "10", "9", 2], ["x2", "4", "4", 3]]
    assert read_rekap([], log, ("JUMLAH",)) is None


@pytest.mark.parametrize("title", ["DAFTAR PENERIMA\u2028TAHUN 2025", "DAFTAR\fPENERIMA", '"Daftar penerima\nbansos 2025"'])
def test_a_quoted_line_break_in_the_header_or_a_separator_in_the_title_keeps_every_row(tmp_path, title):
    header = [*HEADER[:3], '"Jenis\nPPKS"', *HEADER[4:]]  # a header cell wrapped onto two lines, quoted
    (tmp_path / "x3_bansos.csv").write_text(
        f"{title}\n" + ";".join(header) + "\n" + ";".join(map(str, ROW_A)) + "\n" + ";".join(map(str, ROW_B)) + "\n",
        encoding="utf-8")
    raw, log = read_one(tmp_path)
    assert log[log["level"] == "error"].empty, log
    assert raw.frame["nama"].tolist() == ["Ani", "Badu"]
    assert raw.frame["_row"].tolist() == [3, 4]  # records, as a spreadsheet numbers its rows


def test_a_quoted_line_break_in_the_header_with_short_rows_keeps_every_row(tmp_path):
    # Short rows send the file to the second reader, which counts records, not lines.
    header = [*HEADER[:3], '"Jenis\nPPKS"', *HEADER[4:]]
    (tmp_path / "x3_bansos.csv").write_text(
        ";".join(header) + "\n\nJUMLAH;1\n\n" + ";".join(map(str, ROW_A)) + "\n", encoding="utf-8")
    raw, log = read_one(tmp_path)
    assert log[log["level"] == "error"].empty, log
    assert raw.frame["_row"].tolist() == [2, 3, 4, 5]
    assert raw.frame["nama"].tolist() == ["", "", "", "Ani"]


def test_first_text_is_the_leftmost_cell_with_a_letter_when_it_starts_a_summary():
    import pandas as pd

    from ikuanalysis.ingest.read import first_text_cells
    from ikuanalysis.ingest.values import summary_pattern

    block = pd.DataFrame({
        "no": ["1", "", "3", "", None],
        "nik": ["6271010101900001", "", "", "Catatan", ""],
        "nama": ["Siti", "  Jumlah  ", "Total: 5", "Jumlah", "Sub Total"],
        "ket": ["Jumlah", "x", "", "", ""],
    }, dtype="str")
    first = first_text_cells(block, summary_pattern(("Jumlah", "Total", "Sub Total")))
    # Row 0: its first text cell is a name, "Jumlah" further right does not count; row 3: "Catatan".
    assert first.tolist() == ["", "Jumlah", "Total: 5", "", "Sub Total"]


# --- Delimited text: four delimiters, line ends, quoted line breaks, Unicode separators (§1.1) ----

DELIMITERS = [";", ",", "|", "\t"]


@pytest.fixture(params=["pyarrow", "pandas"])
def csv_reader(request, monkeypatch):
    """Run a test through the fast pyarrow reader (checked to have read the file) or the pandas one."""
    from ikuanalysis.ingest import read

    fast = read._read_csv_fast
    calls = []

    def spy(*args, **kwargs):
        block = fast(*args, **kwargs)
        calls.append(block is not None)
        return block

    monkeypatch.setattr(read, "_read_csv_fast", spy if request.param == "pyarrow" else lambda *a, **k: None)
    yield request.param
    if request.param == "pyarrow":
        assert calls and all(calls), "the fast reader did not read the file"


def _quoted(cell: str, sep: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in (sep, '"', "\n", "\r")) else cell


def _record_line(cells, sep: str) -> str:
    return sep.join(_quoted(str(c), sep) for c in cells)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", DELIMITERS)
def test_quoted_line_breaks_in_titles_header_and_cells_count_as_one_row(tmp_path, csv_reader, sep, encoding, newline):
    titles = [["DAFTAR PENERIMA\nBANSOS 2025", "", "catatan;, | dan\ttab"], ["Dinas Sosial\r\nKota Palangka Raya"]]
    header = [*HEADER[:3], "Jenis\nPPKS", *HEADER[4:]]
    row_a = [*ROW_A[:2], "José\r\nKaléb", *ROW_A[3:]]
    row_b = [*ROW_B[:5], "Sabaru\n(RT 02)", *ROW_B[6:]]
    lines = [_record_line(r, sep) for r in (*titles, header, row_a, row_b)]
    (tmp_path / "x3_bansos.csv").write_bytes((newline.join(lines) + newline).encode(encoding))
    raw, log = read_one(tmp_path)
    assert log.empty, log
    assert raw.frame["_row"].tolist() == [4, 5]  # records, as a spreadsheet numbers its rows
    assert raw.frame["nama"].tolist() == ["José\r\nKaléb", "Badu"]
    assert raw.frame["kelurahan"].tolist() == ["Langkai", "Sabaru\n(RT 02)"]
    assert raw.headers[("x3_bansos.csv", "")]["jenis"] == "Jenis\nPPKS"


@pytest.mark.parametrize("encoding, separators", [
    ("utf-8", "\f\v\u2028\u2029\u0085"),
    ("cp1252", "\f\v\u2026"),  # byte 0x85 is "…" in Windows-1252
])
@pytest.mark.parametrize("sep", DELIMITERS)
def test_form_feed_vertical_tab_and_unicode_separators_are_cell_text_not_row_breaks(
        tmp_path, csv_reader, sep, encoding, separators):
    title = "DAFTAR" + separators + "PENERIMA"  # unquoted, above the header
    name = "Ani" + separators + "Aminah"
    lines = [title, sep.join(HEADER), sep.join(map(str, [*ROW_A[:2], name, *ROW_A[3:]])),
             sep.join(map(str, ROW_B)), sep.join(map(str, [3, "", "Citra" + separators, *ROW_A[3:]]))]
    (tmp_path / "x3_bansos.csv").write_bytes(("\n".join(lines) + "\n").encode(encoding))
    raw, log = read_one(tmp_path)
    assert log.empty, log
    assert len(raw.frame) == 3
    assert raw.frame["_row"].tolist() == [3, 4, 5]
    assert raw.frame["nama"].tolist() == [name, "Badu", "Citra" + separators]


def test_a_big_file_with_line_breaks_in_quoted_cells_is_read_by_the_fast_reader(tmp_path, monkeypatch):
    """pyarrow cuts a big file into blocks assuming no line break in a cell; it is read again knowing quotes."""
    from ikuanalysis.ingest import read

    results = []
    fast = read._read_csv_fast
    monkeypatch.setattr(read, "_read_csv_fast", lambda *a, **k: results.append(fast(*a, **k)) or results[-1])
    body = [_record_line([i, "", f"Nama\n{i}", "Fakir Miskin", "Pahandut", "", "", "Ya"], "|") for i in range(60_000)]
    (tmp_path / "x3_dtks.txt").write_text("DAFTAR\n" + "|".join(HEADER) + "\n" + "\n".join(body) + "\n",
                                          encoding="utf-8")
    assert (tmp_path / "x3_dtks.txt").stat().st_size > 2 * 1024 * 1024  # several pyarrow blocks
    raw, log = read_one(tmp_path)
    assert log.empty
    assert results and results[0] is not None
    assert len(raw.frame) == 60_000
    assert raw.frame["_row"].iloc[[0, -1]].tolist() == [3, 60_002]
    assert raw.frame["nama"].iloc[-1] == "Nama\n59999"


@pytest.mark.parametrize("sep", DELIMITERS)
def test_the_delimiter_is_the_one_that_gives_the_best_header(tmp_path, sep):
    # Every other delimiter also occurs in the cells: a title with commas, a date with a pipe, a tab.
    cells = [*ROW_A[:5], "Langkai, RT 1|2", "05/03/2025", "Ya"]
    text = "Daftar; bansos, 2025 | tahap\t1\n" + sep.join(HEADER) + "\n" + _record_line(cells, sep) + "\n"
    (tmp_path / "x3_bansos.csv").write_text(text, encoding="utf-8")
    raw, log = read_one(tmp_path)
    assert log.empty, log
    assert raw.frame[["_row", "nama", "kelurahan"]].values.tolist() == [[3, "Ani", "Langkai, RT 1|2"]]


@pytest.mark.parametrize("sep", DELIMITERS)
def test_the_header_search_counts_records_not_lines_when_quoted_line_breaks_precede_it(tmp_path, csv_reader, sep):
    """39 two-line title records, then the header: it is on spreadsheet row 40 (a record), line 79."""
    titles = [_record_line([f"DAFTAR\nbagian {i}"], sep) for i in range(39)]
    lines = [*titles, sep.join(HEADER), sep.join(map(str, ROW_A)), sep.join(map(str, ROW_B))]
    (tmp_path / "x3_bansos.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw, log = read_one(tmp_path)
    assert log.empty, log
    assert raw.frame[["_row", "nama"]].values.tolist() == [[41, "Ani"], [42, "Badu"]]


def test_a_csv_stacked_header_whose_lower_row_is_trimmed_keeps_every_column(tmp_path, csv_reader):
    """The upper row is wider than the lower one (trailing empty fields trimmed): no column is lost."""
    upper = ["No", "NIK", "Nama", "Jenis PPKS", "Alamat", "", "Tanggal", "Status"]
    lower = ["", "", "", "", "Kecamatan", "Kelurahan"]
    lines = [";".join(upper), ";".join(lower), ";".join(map(str, ROW_A)), ";".join(map(str, ROW_B))]
    (tmp_path / "x3_bansos.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw, log = read_one(tmp_path)
    assert set(log["code"]) == {"stacked_header"}, log
    assert raw.frame[["kecamatan", "tanggal", "status"]].values.tolist() == [
        ["Pahandut", "05/03/2025", "Ya"], ["Sebangau", "6 Maret 2025", "Tidak"]]


def test_escaped_characters_of_a_sparse_xlsx_sheet_are_decoded(tmp_path):
    """xlsxwriter (and Excel) store a form feed as _x000C_; a sheet read sparsely decodes it as calamine does."""
    import xlsxwriter

    path = tmp_path / "x3_bansos.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Data")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, [*ROW_A[:2], "Ani\x0cAminah\x0b", *ROW_A[3:]])
    sheet.write_row(2, 0, [*ROW_B[:2], "_x0041_ Badu", *ROW_B[3:]])  # a literal escape stays as written
    sheet.write_string(1_048_575, 0, " ")  # far away: the sheet is read over its occupied rows
    workbook.close()
    raw, log = read_one(tmp_path)
    assert log.empty, log
    assert raw.frame["nama"].tolist() == ["Ani\x0cAminah\x0b", "_x0041_ Badu"]


def test_a_sparse_sheets_stacked_header_on_row_40_is_read_with_its_second_row(tmp_path):
    """Read over its occupied rows, a sheet's header may start on row 40; its second row (41) and
    column-number row (42) lie past the search rows."""
    upper = ["No", "NIK", "Nama", "Jenis PPKS", "Alamat", "", "Tanggal", "Status"]
    lower = ["", "", "", "", "Kecamatan", "Kelurahan", "", ""]
    rows = [["DAFTAR"]] * 39 + [upper, lower, list(range(1, 9)), ROW_A, ROW_B]
    rows += [None] * (1_048_576 - len(rows) - 1) + [[" "]]
    write_register(tmp_path / "x3_bansos.xlsx", [Sheet("Data", rows)], constant_memory=True)
    raw, log = read_one(tmp_path)
    assert set(log["code"]) == {"stacked_header", "column_number_row"}, log
    assert raw.frame[["_row", "kecamatan", "status"]].values.tolist() == [[43, "Pahandut", "Ya"], [44, "Sebangau", "Tidak"]]


def test_a_sparse_sheet_counts_the_blank_rows_between_its_data_rows(tmp_path):
    """A space in A1048576 makes the sheet sparse; its empty rows among the data count as a dense reading
    counts them (a stray cell far away changes no count, contract §1.4)."""
    import xlsxwriter

    rows = [["DAFTAR"], [], HEADER, [], ROW_A, [], [], ROW_B]
    counts = []
    for far in (False, True):
        folder = tmp_path / str(far)
        folder.mkdir()
        workbook = xlsxwriter.Workbook(str(folder / "x3_bansos.xlsx"))
        sheet = workbook.add_worksheet("Data")
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        if far:
            sheet.write_string(1_048_575, 0, " ")
        workbook.close()
        raw, log = read_one(folder)
        assert raw.frame.loc[raw.frame["nama"] != "", "_row"].tolist() == [5, 8]
        counts.append((len(raw.frame), raw.unread_blank_rows))
    assert counts == [(5, 0), (2, 3)]  # densely 5 rows (3 blank); sparsely 2 rows and 3 blank ones not read


@pytest.mark.parametrize("far_value", ["x", 0])
def test_a_far_cell_with_content_counts_as_one_skipped_note_not_a_million_blank_rows(tmp_path, settings, far_value):
    """Found by a probe: an "x" in XFD1048576 counted 1.048.573 blank rows ("Baris kosong dilewati")
    and as many rows in the files. Blank rows below the last data row are formatting (contract §1.4)."""
    import xlsxwriter

    from tests.fixtures.tiny_year import write_tiny_year

    stats = []
    for far in (False, True):
        folder = write_tiny_year(tmp_path / str(far))
        for name in folder.glob("X3*"):
            name.unlink()
        workbook = xlsxwriter.Workbook(str(folder / "x3_bansos.xlsx"))
        sheet = workbook.add_worksheet("Data")
        for r, row in enumerate([HEADER, ROW_A, [], ROW_B, [], []]):
            sheet.write_row(r, 0, row)
        if far:
            sheet.write(1_048_575, 16_383, far_value)
        workbook.close()
        x3 = next(s for s in clean_year(folder, settings, 2025, key=b"k").stats if s.component == "x3")
        stats.append((x3.rows_in_files, x3.blank_rows, x3.group_rows, x3.cases))
    # The "x" is one more row, a note (logged); the 0, in a column the tool does not read, is a
    # blank row below the data: nothing. The blank row between the data rows counts in both.
    assert stats == [(3, 1, 0, 2), (4, 1, 1, 2) if far_value == "x" else (3, 1, 0, 2)]


def test_the_csv_reader_gives_the_columns_of_few_distinct_values_as_categoricals(tmp_path):
    import pandas as pd

    from ikuanalysis.ingest.read import _read_csv_fast

    path = tmp_path / "x3.csv"
    path.write_text("NAMA|KECAMATAN|STATUS\nSiti|Pahandut|Ya\nBudi|Sabangau|Tidak\nAni|Pahandut|Ya\n", encoding="utf-8")
    block = _read_csv_fast(path, "|", "utf-8", 1, 3, few_distinct=[1, 2])
    assert [str(block[c].dtype) for c in range(3)] == ["str", "category", "category"]
    assert block[1].astype("str").tolist() == ["Pahandut", "Sabangau", "Pahandut"]
    assert sorted(block[2].cat.categories) == ["Tidak", "Ya"]
    assert isinstance(block[0].dtype, pd.StringDtype)


def test_a_missing_cell_of_a_categorical_column_reads_as_blank():
    import pandas as pd

    from ikuanalysis.ingest.read import fill_blank

    filled = fill_blank(pd.Series(pd.Categorical(["Pahandut", None])))
    assert filled.astype("str").tolist() == ["Pahandut", ""]
    assert fill_blank(pd.Series(["a", None], dtype="str")).tolist() == ["a", ""]


def test_two_csv_registers_of_a_component_one_without_dates_keep_their_counts(tmp_path, settings):
    # The CSV reader gives the dates of the first file as a categorical; the second file has no
    # date column, so the combined column has missing cells: they read as blank dates.
    from tests.fixtures.tiny_year import X3, write_tiny_year

    folder = write_tiny_year(tmp_path)
    write_register(folder / "X3-tambahan.csv", [["NIK", "Nama Penerima", "Jenis PPKS", "Kecamatan", "Tepat Sasaran"],
                                                ("6271010101800099", "Tono Wijaya", "Fakir Miskin", "Pahandut", "Ya")])
    result = clean_year(folder, settings, 2025, key=b"k")
    x3 = next(s for s in result.stats if s.component == "x3")
    assert (x3.handled, x3.cases, x3.blank_date) == (X3[0] + 1, X3[1] + 1, 0)


@pytest.mark.parametrize(("content", "has_quote"), [
    (b"", False),
    (b"NO|NAMA\n1|Ani\n", False),
    (b'NO|NAMA\n1|"Ani\nAminah"\n', True),
    ('NO;NAMA\n1;"Ani"\n'.encode("utf-16"), True),
])
def test_a_file_may_hold_quoted_line_breaks_only_when_it_holds_a_quote(tmp_path, content, has_quote):
    from ikuanalysis.ingest.read import has_quote_character

    path = tmp_path / "x3.csv"
    path.write_bytes(content)
    assert has_quote_character(path) is has_quote
