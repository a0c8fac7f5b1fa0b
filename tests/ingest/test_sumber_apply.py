"""sumber.yml entries applied by the reader (contract §1.6): jenis, lembar, baris_judul, kolom,
status_dari; and programme flag columns from config (§1.3)."""

from __future__ import annotations

import pytest

from ikuanalysis.ingest.problems import RegisterError
from ikuanalysis.ingest.year import clean_year
from tests.fixtures.registers import Sheet, write_register
from tests.fixtures.tiny_year import write_tiny_year

YEAR = 2025
LANSIA_HEADER = ["No", "Nama Lansia", "Kecamatan", "KET", "Tanggal"]
LANSIA_ROWS = [
    [1, "Lansia Satu", "Pahandut", "Sudah", "03/02/2025"],
    [2, "Lansia Dua", "Sabangau", "Belum", "04/02/2025"],
    [3, "Lansia Tiga", "Jekan Raya", "Sudah", "05/02/2025"],
]
LANSIA_HANDLED = 2
DTKS_HEADER = "NIK KPM;Nama KPM;NM KEC;DESA/KELUARAHAN;BANSOS BPNT;BANSOS PKH;PBI JKN;Status"
DTKS_ROWS = [  # handled when BPNT or PKH is yes; PBI JKN and the Status column are not used
    "6271010101900001;Kpm Satu;Pahandut;Langkai;Ya;;Ya;Tidak",
    "6271010101900002;Kpm Dua;Pahandut;Langkai;;1;;Tidak",
    "6271010101900003;Kpm Tiga;Sabangau;Kereng Bangkirai;;;Ya;Ya",
    "6271010101900004;Kpm Empat;Jekan Raya;Menteng;Tidak;0;;Ya",
]
DTKS_HANDLED = 2


def _year(tmp_path, sumber: str):
    folder = write_tiny_year(tmp_path)
    (folder / "x2_rehsos.xlsx").unlink()
    write_register(folder / "DATA LANSIA 2025 FINAL (2).xlsx", [
        Sheet("Petunjuk", [["Nama", "Kecamatan", "Status"], ["(contoh)", "Pahandut", "Ya"]]),
        Sheet("Sheet1", [["DATA LANSIA"], ["Nama", "Kecamatan"], LANSIA_HEADER, *LANSIA_ROWS]),
    ])
    (folder / "X3-bansos.csv").unlink()
    (folder / "DTKS_2025.csv").write_text("\n".join([DTKS_HEADER, *DTKS_ROWS]) + "\n", encoding="utf-8")
    (folder / "sumber.yml").write_text(sumber, encoding="utf-8")
    return folder


SUMBER = """berkas:
  - pola: "DATA LANSIA*.xlsx"
    komponen: x2
    jenis: Lanjut Usia Terlantar
    lembar: [Sheet1]
    baris_judul: 3
    kolom: {"Nama Lansia": nama, "KET": status}
  - pola: "DTKS*.csv"
    komponen: x3
    jenis: Fakir Miskin
    status_dari: [BANSOS BPNT, BANSOS PKH]
"""


def test_every_key_of_a_file_entry_is_applied(tmp_path, settings):
    result = clean_year(_year(tmp_path, SUMBER), settings, YEAR, key=b"k")
    stats = {s.component: s for s in result.stats}
    assert (stats["x2"].cases, stats["x2"].handled, stats["x2"].blank_status) == (len(LANSIA_ROWS), LANSIA_HANDLED, 0)
    assert (stats["x3"].cases, stats["x3"].handled, stats["x3"].blank_status) == (len(DTKS_ROWS), DTKS_HANDLED, 0)
    x2 = result.cases[result.cases["component"] == "x2"]
    assert set(x2["jenis"]) == {"Lanjut Usia Telantar"}
    log = result.log.to_frame()
    assert log.loc[log["code"] == "jenis_from_context", "message"].str.contains("sumber.yml").all()
    skipped = log[log["code"] == "sheet_skipped"]
    assert skipped[["file", "sheet"]].values.tolist() == [["DATA LANSIA 2025 FINAL (2).xlsx", "Petunjuk"]]
    matched = log[(log["code"] == "column_matched") & (log["file"] == "DTKS_2025.csv")]
    assert matched["column"].tolist() == ["NIK KPM", "Nama KPM", "NM KEC", "DESA/KELUARAHAN", "BANSOS BPNT", "BANSOS PKH"]


def test_a_flag_value_that_is_not_yes_or_no_is_an_error_at_its_cell(tmp_path, settings):
    folder = _year(tmp_path, SUMBER)
    text = (folder / "DTKS_2025.csv").read_text(encoding="utf-8").replace("Kpm Dua;Pahandut;Langkai;;1", "Kpm Dua;Pahandut;Langkai;;dua")
    (folder / "DTKS_2025.csv").write_text(text, encoding="utf-8")
    with pytest.raises(RegisterError) as caught:
        clean_year(folder, settings, YEAR, key=b"k")
    log = caught.value.log.to_frame()
    errors = log[log["level"] == "error"]
    assert errors[["code", "file", "row", "column"]].values.tolist() == [["unknown_status", "DTKS_2025.csv", 3, "BANSOS PKH"]]


def test_a_declared_flag_column_that_is_missing_is_a_located_error(tmp_path, settings):
    folder = _year(tmp_path, SUMBER.replace("BANSOS PKH]", "BANSOS PKH, BANSOS SEMBAKO]"))
    with pytest.raises(RegisterError) as caught:
        clean_year(folder, settings, YEAR, key=b"k")
    log = caught.value.log.to_frame()
    errors = log[log["level"] == "error"]
    assert errors[["code", "file", "row"]].values.tolist() == [["flag_column_missing", "DTKS_2025.csv", 1]]
    assert "BANSOS SEMBAKO" in errors["message"].iloc[0]


def test_the_components_flags_stand_for_a_missing_status_column(tmp_path, settings):
    """x3's config flags (BANSOS BPNT, BANSOS PKH, PBI JKN) are used when the file has no status column."""
    folder = _year(tmp_path, SUMBER.split('  - pola: "DTKS')[0] + '  - pola: "DTKS*.csv"\n    komponen: x3\n    jenis: Fakir Miskin\n')
    text = (folder / "DTKS_2025.csv").read_text(encoding="utf-8")
    (folder / "DTKS_2025.csv").write_text("\n".join(line.rsplit(";", 1)[0] for line in text.splitlines()) + "\n",
                                         encoding="utf-8")
    result = clean_year(folder, settings, YEAR, key=b"k")
    x3 = next(s for s in result.stats if s.component == "x3")
    assert (x3.cases, x3.handled) == (4, 3)  # PBI JKN counts too: Kpm Tiga is handled


def test_a_sheet_named_in_lembar_that_is_missing_is_an_error(tmp_path, settings):
    folder = _year(tmp_path, SUMBER.replace("lembar: [Sheet1]", "lembar: [Sheet1, Data 2025]"))
    with pytest.raises(RegisterError) as caught:
        clean_year(folder, settings, YEAR, key=b"k")
    log = caught.value.log.to_frame()
    assert log.loc[log["level"] == "error", "code"].tolist() == ["sheet_not_found"]


def test_a_declared_jenis_is_not_said_to_apply_where_the_file_has_its_own_jenis_column(tmp_path, settings):
    """Contract §1.3: the jenis of sumber.yml stands for a missing jenis column only. A probe found
    "diterapkan juga: jenis …" listed for a file whose own column was used."""
    folder = _year(tmp_path, SUMBER)
    (folder / "DTKS_2025.csv").write_text("\n".join(
        [DTKS_HEADER + ";Jenis PPKS", *(row + ";Pengemis" for row in DTKS_ROWS)]) + "\n", encoding="utf-8")
    result = clean_year(folder, settings, YEAR, key=b"k")
    x3 = result.cases[result.cases["component"] == "x3"]
    assert set(x3["jenis"]) == {"Pengemis"}  # the file's own column
    log = result.log.to_frame()
    unused = log[log["code"] == "sumber_jenis_unused"]
    assert unused[["level", "file", "row", "column"]].values.tolist() == [["warning", "DTKS_2025.csv", 1, "Jenis PPKS"]]
    assert unused["message"].iloc[0].startswith("sumber.yml menetapkan jenis 'Fakir Miskin' untuk berkas ini, tetapi")
    applied = log.loc[(log["code"] == "sumber_applied") & (log["file"] == "DTKS_2025.csv"), "message"].iloc[0]
    assert "jenis Fakir Miskin (bila tanpa kolom jenis)" in applied


TITLE_ROWS = 44  # a long preamble: the header on spreadsheet row 45, below the 40 rows searched


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_declared_header_row_below_the_searched_rows_is_read(tmp_path, settings, kind):
    folder = _year(tmp_path, SUMBER)
    (folder / "DTKS_2025.csv").unlink()
    rows = [[f"Keterangan {i}"] for i in range(1, TITLE_ROWS + 1)] + [DTKS_HEADER.split(";")]
    rows += [line.split(";") for line in DTKS_ROWS]
    if kind == "csv":
        (folder / "DTKS_2025.csv").write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        write_register(folder / "DTKS_2025.xlsx", [Sheet("Data", rows)])
    sumber = SUMBER.replace('pola: "DTKS*.csv"', 'pola: "DTKS*"') + f"    baris_judul: {TITLE_ROWS + 1}\n"
    result = clean_year(_year_keep(folder, sumber), settings, YEAR, key=b"k")
    x3 = next(s for s in result.stats if s.component == "x3")
    assert (x3.rows_read, x3.cases, x3.handled) == (len(DTKS_ROWS), len(DTKS_ROWS), DTKS_HANDLED)


def test_a_declared_header_row_that_holds_no_header_says_so_at_that_row(tmp_path, settings):
    folder = _year(tmp_path, SUMBER.replace("    status_dari: [BANSOS BPNT, BANSOS PKH]\n",
                                            "    status_dari: [BANSOS BPNT, BANSOS PKH]\n    baris_judul: 3\n"))
    with pytest.raises(RegisterError) as caught:
        clean_year(folder, settings, YEAR, key=b"k")
    log = caught.value.log.to_frame()
    (row,) = log[log["code"] == "header_not_found"].itertuples()
    assert row.file == "DTKS_2025.csv"
    assert row.message.startswith("Baris 3, yang menurut sumber.yml (baris_judul) adalah baris judul kolom, tidak memuat")


def _year_keep(folder, sumber: str):
    (folder / "sumber.yml").write_text(sumber, encoding="utf-8")
    return folder
