"""The evaluator's optional files: anggaran.csv and catatan.md."""

from ikuanalysis.ingest.evaluator_inputs import read_budget, read_notes
from ikuanalysis.ingest.problems import ProblemLog


def test_budget_amounts_in_indonesian_format(tmp_path):
    (tmp_path / "anggaran.csv").write_text(
        "Program;Pagu;Realisasi\nProgram A;Rp1.500.000;1.200.000\nProgram B;2000000;2000000\n", encoding="utf-8")
    log = ProblemLog()
    budget = read_budget(tmp_path, log)
    assert budget.values.tolist() == [["Program A", 1500000, 1200000], ["Program B", 2000000, 2000000]]
    assert not log.has_errors


def test_budget_errors_are_located(tmp_path):
    (tmp_path / "anggaran.csv").write_text("program,pagu,realisasi\nA,1000,abc\n,500,600\n", encoding="utf-8")
    log = ProblemLog()
    assert read_budget(tmp_path, log) is None
    found = log.to_frame()[["level", "code", "row", "column"]].values.tolist()
    assert found == [["error", "budget_invalid_amount", 2, "realisasi"], ["error", "budget_blank_program", 3, "program"],
                     ["warning", "budget_above_pagu", 3, "realisasi"]]


def test_no_budget_file_is_not_an_error(tmp_path):
    log = ProblemLog()
    assert read_budget(tmp_path, log) is None and not log.has_errors


def test_notes_by_heading(tmp_path):
    (tmp_path / "catatan.md").write_text(
        "Pengantar.\n\n## Penyebab Keberhasilan\nA\n\n## SOLUSI\nB\n\n## Lain-lain\nC\n", encoding="utf-8")
    assert read_notes(tmp_path) == {"intro": "Pengantar.", "Penyebab keberhasilan": "A", "Solusi": "B", "Lain-lain": "C"}


def test_budget_komponen_column_is_optional_and_checked(tmp_path):
    (tmp_path / "anggaran.csv").write_text(
        "program,pagu,realisasi,komponen\nRehsos,1000,900,X2\nUmum,500,500,\n", encoding="utf-8")
    log = ProblemLog()
    budget = read_budget(tmp_path, log, ("x1", "x2", "x3", "x4"))
    assert budget.values.tolist() == [["Rehsos", 1000, 900, "x2"], ["Umum", 500, 500, ""]]
    assert not log.has_errors


def test_budget_unknown_komponen_is_a_located_error(tmp_path):
    (tmp_path / "anggaran.csv").write_text(
        "program,pagu,realisasi,komponen\nRehsos,1000,900,x9\n", encoding="utf-8")
    log = ProblemLog()
    assert read_budget(tmp_path, log, ("x1", "x2")) is None
    found = log.to_frame()[["level", "code", "row", "column"]].values.tolist()
    assert found == [["error", "budget_unknown_component", 2, "komponen"]]
    assert "x1, x2" in log.to_frame()["message"].iloc[0]
