"""The Excel template (``ikuanalysis template``): layout, drop-down lists, and that a filled
template passes the cleaning stage with exactly the counts written into it."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from ikuanalysis import cli, paths
from ikuanalysis.config import load_settings, normalize_key
from ikuanalysis.forms.workbook import (
    TEMPLATE_ROWS,
    TemplateError,
    layouts,
    write_template,
)
from ikuanalysis.ingest.layout import HeaderLookup, find_header
from ikuanalysis.ingest.read import iter_spreadsheet_sheets
from ikuanalysis.ingest.year import clean_year

YEAR = 2025
PROJECT_LAYOUTS = layouts(load_settings())  # the sheets of config/iku.yml, by component id

COMPONENTS = ("x1", "x2", "x3", "x4")
CANONICAL = ("nik", "nama", "jenis", "kecamatan", "kelurahan", "tanggal", "status")


def validations(sheet) -> dict[str, object]:
    """The sheet's data validations keyed by the column letter they cover."""
    found = {}
    for dv in sheet.data_validations.dataValidation:
        (cell_range,) = str(dv.sqref).split()
        first, last = cell_range.split(":")
        assert re.sub(r"\d", "", first) == re.sub(r"\d", "", last)
        found[re.sub(r"\d", "", first)] = dv
    return found


def list_values(workbook, formula: str) -> list[str]:
    """The values a list validation offers (``Daftar!$A$2:$A$6``)."""
    sheet_name, cell_range = formula.lstrip("=").split("!")
    return [row[0].value for row in workbook[sheet_name][cell_range.replace("$", "")]]


def dropdowns(workbook, sheet) -> dict[str, list[str]]:
    """The drop-down lists of a component sheet, keyed by the canonical column."""
    header = [c.value for c in sheet[2]]
    lookup = {}
    for letter, dv in validations(sheet).items():
        if dv.type == "list":
            column = openpyxl.utils.column_index_from_string(letter) - 1
            lookup[normalize_key(header[column])] = list_values(workbook, dv.formula1)
    return lookup


@pytest.fixture()
def workbook_path(tmp_path, settings):
    return write_template(tmp_path / "register.xlsx", settings, YEAR)[0]


def test_workbook_has_instructions_component_sheets_and_hidden_lists(workbook_path, settings):
    workbook = openpyxl.load_workbook(workbook_path)
    assert workbook.sheetnames == ["Petunjuk", "x1", "x2", "x3", "x4", "Daftar"]
    assert workbook["Daftar"].sheet_state == "hidden"
    assert workbook.active.title == "Petunjuk"
    lookup = settings.vocabulary.header_lookup
    for component in settings.iku.components:
        sheet = workbook[component.id]
        assert sheet["A1"].value == f"REGISTER {component.id} — {component.label} — TAHUN {YEAR}"
        header = [c.value for c in sheet[2]]
        assert header[0] == "No" and normalize_key("No") not in lookup
        assert [lookup[normalize_key(h)] for h in header[1:]] == list(CANONICAL)
        assert sheet.max_row == 2  # no data rows
    instructions = " ".join(str(c.value) for row in workbook["Petunjuk"].iter_rows() for c in row if c.value)
    for text in ("satu baris", "16 angka", "dd/mm/yyyy", "x1_register.xlsx", "--split", "Wajib"):
        assert text in instructions
    for component in settings.iku.components:
        assert component.label in instructions and component.bidang in instructions


def test_status_headers_are_the_natural_ones(workbook_path):
    workbook = openpyxl.load_workbook(workbook_path)
    assert [workbook[c]["H2"].value for c in COMPONENTS] == [
        "Aktif", "Ditangani Sesuai Standar", "Tepat Sasaran", "Menerima Bantuan"]


def test_dropdowns_offer_the_configured_lists(workbook_path, settings):
    workbook = openpyxl.load_workbook(workbook_path)
    status = settings.vocabulary.status_lookup
    for component in settings.iku.components:
        sheet = workbook[component.id]
        found = validations(sheet)
        # Every row of the sheet (contract v2: at least 50.000; x3 had 12.400 rows in 2025).
        assert {str(dv.sqref) for dv in found.values()} == {f"{c}3:{c}1048576" for c in "BDEFGH"}
        lists = dropdowns(workbook, sheet)
        assert lists["kecamatan"] == list(settings.geography.kecamatan)
        assert sorted(lists["kelurahan"]) == sorted(settings.geography.kelurahan)
        assert lists[normalize_key(sheet["D2"].value)] == list(settings.jenis.lists[component.jenis_list])
        offered = lists[normalize_key(sheet["H2"].value)]
        assert {status[v.lower()] for v in offered} == {True, False}
        assert found["E"].errorStyle in (None, "stop") and found["H"].errorStyle in (None, "stop")
        assert found["D"].errorStyle == "warning"  # an unknown jenis is only a warning
        assert found["G"].type == "date" and found["B"].type == "textLength"


def test_nik_is_text_tanggal_is_a_date_and_the_header_is_frozen(workbook_path):
    workbook = openpyxl.load_workbook(workbook_path)
    for component_id in COMPONENTS:
        sheet = workbook[component_id]
        assert sheet.column_dimensions["B"].number_format == "@"
        assert sheet.column_dimensions["G"].number_format == "dd/mm/yyyy"
        assert sheet.freeze_panes == "A3"
        assert all(sheet.column_dimensions[c].width >= 6 for c in "ABCDEFGH")


def test_output_is_byte_stable_for_a_year(tmp_path, settings):
    first = write_template(tmp_path / "a" / "t.xlsx", settings, YEAR)[0].read_bytes()
    again = write_template(tmp_path / "b" / "t.xlsx", settings, YEAR)[0].read_bytes()
    other = write_template(tmp_path / "c" / "t.xlsx", settings, YEAR + 1)[0].read_bytes()
    assert first == again and first != other


def test_split_writes_one_file_per_component(tmp_path, settings):
    written = write_template(tmp_path / "register.xlsx", settings, YEAR, split=True)
    assert [p.name for p in written] == [f"{c}_register.xlsx" for c in COMPONENTS]
    assert not (tmp_path / "register.xlsx").exists()
    for component_id, path in zip(COMPONENTS, written):
        workbook = openpyxl.load_workbook(path)
        assert workbook.sheetnames == ["Petunjuk", component_id, "Daftar"]
        instructions = " ".join(str(c.value) for row in workbook["Petunjuk"].iter_rows() for c in row if c.value)
        assert f"hanya untuk komponen {component_id}" in instructions
        assert f"{component_id}_register.xlsx" in instructions


def test_instructions_and_lists_are_never_read_as_a_register(workbook_path, settings):
    sheets = {sheet.name: sheet.rows for sheet in iter_spreadsheet_sheets(workbook_path)}
    lookup = HeaderLookup.build(settings.vocabulary.columns, settings.vocabulary.ignored_headers)
    assert find_header(sheets["Petunjuk"], lookup) is None
    assert find_header(sheets["Daftar"], lookup) is None
    assert find_header(sheets["x2"], lookup).index == 1  # header on spreadsheet row 2


@pytest.mark.parametrize("output", ["register.xls", "register.csv", "register"])
def test_output_must_be_xlsx(tmp_path, settings, output):
    with pytest.raises(TemplateError, match=r"\.xlsx"):
        write_template(tmp_path / output, settings, YEAR)


def test_every_layout_fits_the_alias_table(settings):
    from ikuanalysis.forms.workbook import check_layouts

    check_layouts(settings)  # raises when config/aliases.yml stops recognising a header or status
    assert list(layouts(settings)) == [c.id for c in settings.iku.components]


# --- A filled template through the cleaning stage ---------------------------------------

# (NIK or None, name, index into the jenis list, kecamatan, kelurahan, date, status index)
FILLED = {
    "x1": [(None, "Karang Taruna Harapan", 4, "Pahandut", "Langkai", (3, 1), 2),
           (None, "LKS Kasih Bunda", 3, "Jekan Raya", "Menteng", (4, 2), 3),
           ("6271010101900001", "Yohanes Pekerja", 0, "Sabangau", "Kalampangan", (5, 3), 0)],
    "x2": [("6271020202900001", "Rusmini", 7, "Pahandut", "Panarung", (1, 10), 2),
           ("6271020202900002", "Dedi", 1, "Bukit Batu", "Marang", (2, 11), 3),
           ("6271020202900003", "Yohana", 8, "Rakumpit", "Pager", (12, 31), 1)],
    "x3": [("6271030303900001", "Siti", 23, "Pahandut", "Tanjung Pinang", (2, 5), 2),
           ("6271030303900002", "Budi", 23, "Jekan Raya", "Palangka", (6, 6), 0),
           ("6271030303900003", "Ani", 7, "Sabangau", "Sabaru", (7, 7), 3)],
    "x4": [("6271040404900001", "Maria", 0, "Sabangau", "Kereng Bangkirai", (1, 2), 3),
           ("6271040404900002", "Lambung", 1, "Bukit Batu", "Tangkiling", (8, 9), 1),
           ("6271040404900003", "Agus", 3, "Rakumpit", "Gaung Baru", (9, 30), 3)],
}


def fill(template, target, rows) -> tuple[int, int]:
    """Fill a component template as an evaluator would; return (cases, handled) written.

    Values are taken from the template's own drop-down lists; NIK is written as text and
    the date as a real date.
    """
    workbook = openpyxl.load_workbook(template)
    (component_id,) = [name for name in workbook.sheetnames if name in COMPONENTS]
    sheet = workbook[component_id]
    lists = dropdowns(workbook, sheet)
    jenis = lists[normalize_key(sheet["D2"].value)]
    status = lists[normalize_key(sheet["H2"].value)]
    handled = 0
    for number, (nik, name, jenis_index, kecamatan, kelurahan, (month, day), status_index) in enumerate(rows, 1):
        assert kecamatan in lists["kecamatan"] and kelurahan in lists["kelurahan"]
        value = status[status_index]
        handled += value in ("Ya", PROJECT_LAYOUTS[component_id].status_pair[0])
        line = number + 2
        sheet.cell(line, 1, number)
        if nik:
            sheet.cell(line, 2, nik).number_format = "@"
        sheet.cell(line, 3, name)
        sheet.cell(line, 4, jenis[jenis_index])
        sheet.cell(line, 5, kecamatan)
        sheet.cell(line, 6, kelurahan)
        sheet.cell(line, 7, dt.datetime(YEAR, month, day)).number_format = "dd/mm/yyyy"
        sheet.cell(line, 8, value)
    workbook.save(target)
    return len(rows), handled


def test_filled_split_template_passes_cleaning_with_the_counts_written(tmp_path, settings):
    blank = write_template(tmp_path / "blank" / "register.xlsx", settings, YEAR, split=True)
    raw = tmp_path / "raw" / str(YEAR)
    raw.mkdir(parents=True)
    expected = {}
    for path in blank:
        component_id = path.name[:2]
        expected[component_id] = fill(path, raw / path.name, FILLED[component_id])
    assert expected == {"x1": (3, 2), "x2": (3, 1), "x3": (3, 2), "x4": (3, 0)}

    result = clean_year(raw, settings, YEAR, key=b"k")

    log = result.log.to_frame()
    assert (log["level"] == "info").all(), log[log["level"] != "info"].to_dict("records")
    assert set(log["code"]) == {"sheet_skipped", "column_matched"}
    assert sorted(set(log.loc[log["code"] == "sheet_skipped", "sheet"])) == ["Daftar", "Petunjuk"]
    assert {s.component: (s.cases, s.handled) for s in result.stats} == expected
    assert all(s.rows_read == 3 and s.duplicates_merged == 0 for s in result.stats)
    cases = result.cases
    assert len(cases) == 12 and cases["tanggal"].dt.year.eq(YEAR).all()
    assert cases.groupby("component")["is_handled"].sum().to_dict() == {"x1": 2, "x2": 1, "x3": 2, "x4": 0}
    assert set(cases["kecamatan"]) <= set(settings.geography.kecamatan)
    assert set(cases["kelurahan"]) <= set(settings.geography.kelurahan)


def test_unfilled_template_from_the_command_line_gives_no_cases_and_no_errors(tmp_path, settings, capsys):
    raw = tmp_path / "raw" / str(YEAR)
    code = cli.main(["template", "--year", str(YEAR), "--output", str(raw / "kosong.xlsx"), "--split"])
    assert code == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(raw / f"{c}_kosong.xlsx") for c in COMPONENTS] + [str(raw / "sumber_contoh.yml")]

    result = clean_year(raw, settings, YEAR, key=b"k")

    assert {s.component: (s.cases, s.handled) for s in result.stats} == {c: (0, 0) for c in COMPONENTS}
    assert (result.log.to_frame()["level"] == "info").all()
    assert result.cases.empty


def test_command_line_writes_one_workbook_without_split(tmp_path, capsys):
    output = tmp_path / "register_2025.xlsx"
    assert cli.main(["template", "--year", str(YEAR), "--output", str(output)]) == 0
    assert capsys.readouterr().out.split() == [str(output), str(tmp_path / "sumber_contoh.yml")]
    assert (tmp_path / "sumber_contoh.yml").read_text(encoding="utf-8").startswith("# Contoh sumber.yml")
    assert openpyxl.load_workbook(output).sheetnames == ["Petunjuk", "x1", "x2", "x3", "x4", "Daftar"]


def test_command_line_refuses_the_raw_data_folder_and_wrong_names(tmp_path, capsys):
    inside_raw = paths.RAW_DIR / "9999" / "kosong.xlsx"
    assert cli.main(["template", "--year", "9999", "--output", str(inside_raw), "--split"]) == 2
    assert not (paths.RAW_DIR / "9999").exists()
    assert cli.main(["template", "--year", str(YEAR), "--output", str(tmp_path / "t.ods")]) == 2
    assert ".xlsx" in capsys.readouterr().err


# --- A component counted per household (config counting_unit: household) ------------------------------

def test_a_household_component_sheet_has_a_required_no_kk_text_column_and_passes_the_cleaning(tmp_path, settings):
    from ikuanalysis.forms.workbook import check_layouts
    from tests.ingest.test_household import household_settings

    chosen = household_settings(settings, "x4")
    check_layouts(chosen)
    (path,) = [p for p in write_template(tmp_path / "blank" / "register.xlsx", chosen, YEAR, split=True)
               if p.name.startswith("x4_")]
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["x4"]
    assert [c.value for c in sheet[2]] == ["No", "NIK", "No KK", "Nama Korban", "Jenis Bencana", "Kecamatan",
                                           "Kelurahan", "Tanggal Kejadian", "Menerima Bantuan"]
    # NIK (B) and No KK (C) share one column range of the same width and text format.
    text_columns = [(d.min, d.max) for d in sheet.column_dimensions.values() if d.number_format == "@"]
    assert text_columns == [(2, 3)]
    no_kk, nik = validations(sheet)["C"], validations(sheet)["B"]
    assert (no_kk.type, no_kk.formula1, nik.errorStyle) == ("textLength", "16", "warning")
    assert no_kk.errorStyle in (None, "stop")  # stop is the default: not written
    instructions = " ".join(str(c.value) for row in workbook["Petunjuk"].iter_rows() for c in row if c.value)
    assert "Nomor Kartu Keluarga: 16 angka" in instructions and "Wajib untuk x4" not in instructions
    # Filled as an evaluator would: two rows of one family, one of another.
    for line, (nik, no_kk, status) in enumerate([("6271040404900001", "6271040404000011", "Sudah Menerima"),
                                                 ("6271040404900002", "6271040404000011", "Belum Menerima"),
                                                 ("6271040404900003", "6271040404000022", "Belum Menerima")], 3):
        for column, value in enumerate([line - 2, nik, no_kk, f"Korban {line}", "Banjir", "Pahandut", "Langkai",
                                        dt.datetime(YEAR, 11, 3), status], 1):
            sheet.cell(line, column, value)
    raw = tmp_path / "raw" / str(YEAR)
    raw.mkdir(parents=True)
    workbook.save(raw / path.name)
    for other in ("x1", "x2", "x3"):  # the other components: empty sheets of the same template
        (blank,) = [p for p in path.parent.iterdir() if p.name.startswith(f"{other}_")]
        (raw / blank.name).write_bytes(blank.read_bytes())
    result = clean_year(raw, chosen, YEAR, key=b"k")
    x4 = next(s for s in result.stats if s.component == "x4")
    assert (x4.rows_read, x4.cases, x4.handled, x4.duplicates_merged) == (3, 2, 1, 1)
