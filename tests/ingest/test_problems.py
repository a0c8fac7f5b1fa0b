"""The problem log (ingest/problems.py): located findings, order, hidden personal values, formatting."""

from __future__ import annotations

import pandas as pd

from ikuanalysis.config import ProblemCatalogue
from ikuanalysis.ingest.problems import HIDDEN_VALUE, RegisterError, format_problems
from ikuanalysis.ingest.problems import ProblemLog as _ProblemLog

# A small catalogue of its own, so that these tests state the messages they check.
CATALOGUE = ProblemCatalogue.model_validate({"schema_version": 1, "problems": {
    code: {"level": level, "section": "§1.3", "message": message, "arti": "-", "tindakan": "-"}
    for code, level, message in [
        ("blank_status", "warning", "Status kosong."), ("unknown_status", "error", "Status tidak dikenal."),
        ("sheet_skipped", "info", "Sheet dilewati."), ("missing_component", "error", "Tidak ada x4."),
        ("invalid_nik", "error", "NIK tidak sah."), ("odd_name", "warning", "Nama aneh."), ("x", "error", "y"),
    ]}})


def ProblemLog() -> _ProblemLog:  # noqa: N802 - reads like the class in the tests below
    return _ProblemLog(catalogue=CATALOGUE)


def rows(*numbers: int, file="x2.xlsx") -> pd.DataFrame:
    return pd.DataFrame({"_file": file, "_sheet": "Data", "_row": list(numbers),
                         "_header_status": "Status"}, index=[n * 10 for n in numbers])


def test_errors_come_first_then_file_sheet_row_order():
    log = ProblemLog()
    log.add("blank_status", file="a.csv", row=3)
    log.add_rows("unknown_status", rows(7, 5), column="status",
                 values=pd.Series(["Mungkin", "Entah"], index=[70, 50]))
    log.add("sheet_skipped", file="a.csv", sheet="Petunjuk")
    log.add("missing_component", file="2025")
    frame = log.to_frame()
    assert frame[["level", "code", "file", "row", "column", "value"]].astype(object).where(frame.notna(), None) \
        .values.tolist() == [
        ["error", "missing_component", "2025", None, "", ""],
        ["error", "unknown_status", "x2.xlsx", 5, "Status", "Entah"],
        ["error", "unknown_status", "x2.xlsx", 7, "Status", "Mungkin"],
        ["warning", "blank_status", "a.csv", 3, "", ""],
        ["info", "sheet_skipped", "a.csv", None, "", ""],
    ]
    assert log.error_count() == 3 and log.has_errors
    counts = log.counts()
    assert counts.loc[counts["code"] == "unknown_status", "count"].tolist() == [2]


def test_nik_and_name_values_are_never_logged():
    log = ProblemLog()
    log.add_rows("invalid_nik", rows(2), column="nik",
                 values=pd.Series(["6271000000000001"], index=[20]))
    log.add_rows("odd_name", rows(3), column="nama", values=pd.Series(["Ani"], index=[30]))
    assert log.to_frame()["value"].tolist() == [HIDDEN_VALUE, HIDDEN_VALUE]


def test_an_empty_log_has_no_errors_and_an_empty_frame():
    log = ProblemLog()
    log.add_rows("x", rows().iloc[0:0])
    assert not log.has_errors
    assert log.to_frame().empty and list(log.to_frame().columns)[:3] == ["level", "code", "file"]


def test_format_problems_groups_by_kind_and_caps_the_listed_rows():
    log = ProblemLog()
    log.add_rows("unknown_status", rows(*range(2, 27)), column="status",
                 values=pd.Series(["?"] * 25, index=[n * 10 for n in range(2, 27)]))
    log.add("missing_component", file="2025")
    text = format_problems(log.to_frame(), year=2025)
    lines = text.splitlines()
    assert lines[0] == "Ditemukan 26 kesalahan pada data tahun 2025:"
    assert "[missing_component] Tidak ada x4." in lines and "  - 2025" in lines
    assert "  - x2.xlsx, sheet 'Data', baris 2, kolom 'Status' — nilai: '?'" in lines
    assert sum(line.startswith("  - x2.xlsx") for line in lines) == 20
    assert lines[-1] == "  … dan 5 baris lain dengan masalah yang sama."
    assert format_problems(log.to_frame(), level="warning") == "Tidak ada masalah tingkat warning."


def test_register_error_message_lists_the_errors():
    log = ProblemLog()
    log.add("missing_component", file="2025")
    error = RegisterError(log, 2025)
    assert error.log is log and error.year == 2025
    assert str(error).startswith("Ditemukan 1 kesalahan pada data tahun 2025:")


def test_usage_errors_are_those_the_catalogue_marks():
    catalogue = ProblemCatalogue.model_validate({"schema_version": 1, "problems": {
        "bad_link": {"level": "error", "section": "§1.1", "message": "Tautan.", "arti": "-", "tindakan": "-",
                     "is_usage_error": True},
        "unknown_status": {"level": "error", "section": "§1.3", "message": "Status.", "arti": "-", "tindakan": "-"},
    }})
    log = _ProblemLog(catalogue=catalogue)
    log.add("unknown_status", file="x1.csv", row=2)
    assert log.has_errors and not log.has_usage_errors()
    log.add("bad_link", file="x2.csv")
    assert log.has_usage_errors()
    assert not _ProblemLog().has_usage_errors()


def test_the_project_catalogue_marks_a_missing_year_folder_a_link_out_of_it_and_an_invalid_sumber_yml_as_wrong_use():
    from ikuanalysis.ingest.problems import load_catalogue

    marked = sorted(code for code, entry in load_catalogue().problems.items() if entry.is_usage_error)
    assert marked == ["missing_year_folder", "sumber_invalid", "symlink_outside_folder"]  # contract §4: exit 2


def test_a_value_or_a_raw_text_parameter_is_stored_only_when_quotable():
    catalogue = ProblemCatalogue.model_validate({"schema_version": 1, "problems": {
        "unknown_status": {"level": "error", "section": "§1.2", "message": "Status tidak dikenal.", "arti": "-",
                           "tindakan": "-"},
        "sheet_of_other_component": {"level": "error", "section": "§1.1", "message": "Sheet '{sheet_name}' milik {other}.",
                                     "params": ["sheet_name", "other"], "arti": "-", "tindakan": "-"},
    }})
    log = _ProblemLog(catalogue=catalogue)
    values = pd.Series(["NIK 3271012345678901", "x" * 41, "Zulkarnaen Wibisono", "Mungkin", "Dedi Saputra"],
                       index=[20, 30, 40, 50, 60])
    log.withhold_names(pd.Series(["zulkarnaen wibisono"]))
    log.add_rows("unknown_status", rows(2, 3, 4, 5, 6), column="status", values=values)
    log.add("unknown_status", file="x1_3271012345678901.csv", row=2, column="Status", value=3271012345678901)
    log.add("sheet_of_other_component", sheet_name="Dedi Saputra", other="x2", file="x1.xlsx", sheet="Dedi Saputra")
    log.withhold_names(pd.Series(["Dedi Saputra"]))  # a later register's names: checked again on output
    frame = log.to_frame()
    by_row = frame[frame["file"] == "x2.xlsx"].set_index("row")["value"].to_dict()
    assert by_row == {2: HIDDEN_VALUE, 3: HIDDEN_VALUE, 4: HIDDEN_VALUE, 5: "Mungkin", 6: HIDDEN_VALUE}
    assert frame.loc[frame["file"] == f"x1_{HIDDEN_VALUE}.csv", "value"].tolist() == [HIDDEN_VALUE]
    assert frame.loc[frame["code"] == "sheet_of_other_component", "sheet"].tolist() == [HIDDEN_VALUE]
    log.add("sheet_of_other_component", sheet_name="Dedi Saputra", other="x2", file="x1.xlsx")
    messages = log.to_frame().query("code == 'sheet_of_other_component'")["message"].tolist()
    assert messages == [f"Sheet '{HIDDEN_VALUE}' milik x2."] * 2  # logged before and after the name was known
    text = format_problems(log.to_frame())
    for leaked in ("3271012345678901", "Zulkarnaen", "Dedi", "x" * 41):
        assert leaked not in text


def test_the_log_frame_is_made_again_after_a_new_problem_or_new_names():
    log = ProblemLog()
    log.add("missing_component")
    first = log.to_frame()
    assert log.to_frame().equals(first)
    first.loc[0, "code"] = "changed"  # the caller's copy: the log's own frame stays
    assert log.to_frame().loc[0, "code"] == "missing_component"
    log.add_rows("odd_name", pd.DataFrame({"_file": ["a.csv"], "_sheet": [""], "_row": [7],
                                           "_header_jenis": ["JENIS"]}), column="jenis",
                 values=pd.Series(["Siti Aminah"]))
    assert log.to_frame()["value"].tolist() == ["", "Siti Aminah"]
    log.withhold_names(pd.Series(["siti  aminah"]))  # a name learnt later: the value is hidden now
    assert log.to_frame()["value"].tolist() == ["", HIDDEN_VALUE]
