"""Finding the register files of a year folder (ingest/discover.py)."""

from __future__ import annotations

from ikuanalysis.ingest.discover import discover_files
from ikuanalysis.ingest.problems import ProblemLog


def test_other_files_are_not_registers(tmp_path):
    for name in ("catatan.md", "anggaran.csv", "~$x1_psks.xlsx", "README.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    log = ProblemLog()
    assert discover_files(tmp_path, log) == []
    assert not log.has_errors


def test_registers_and_rekap_files_are_found_in_name_order_with_their_component(tmp_path):
    for name in ("x2_rehsos.xlsx", "X1-psks.csv", "x4.ods", "x3_bansos.XLSM", "Rekap_2025.csv", "x12_lain.csv",
                 ".x1_hidden.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "x1_folder").mkdir()
    log = ProblemLog()
    found = [(f.path.name, f.kind, f.component) for f in discover_files(tmp_path, log)]
    assert found == [
        ("Rekap_2025.csv", "rekap", None),
        ("X1-psks.csv", "register", "x1"),
        ("x2_rehsos.xlsx", "register", "x2"),
        ("x3_bansos.XLSM", "register", "x3"),
        ("x4.ods", "register", "x4"),
    ]
    assert not log.has_errors


def test_a_register_in_an_unsupported_format_is_a_located_error(tmp_path):
    (tmp_path / "x1_psks.xls").write_bytes(b"\xd0\xcf")
    (tmp_path / "rekap").write_text("x", encoding="utf-8")
    log = ProblemLog()
    found = [(f.path.name, f.kind, f.component) for f in discover_files(tmp_path, log)]
    assert found == [("rekap", "unsupported", None), ("x1_psks.xls", "unsupported", "x1")]
    errors = log.to_frame()
    assert errors[["level", "code", "file"]].values.tolist() == [
        ["error", "unsupported_format", "rekap"], ["error", "unsupported_format", "x1_psks.xls"]]
    assert "'(tanpa ekstensi)'" in errors["message"][0] and "'.xls'" in errors["message"][1]
