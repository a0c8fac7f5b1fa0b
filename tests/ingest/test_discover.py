"""Finding the register files of a year folder (ingest/discover.py)."""

from __future__ import annotations

import pytest

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
    (tmp_path / "x1_psks.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "rekap").write_text("x", encoding="utf-8")
    log = ProblemLog()
    found = [(f.path.name, f.kind, f.component) for f in discover_files(tmp_path, log)]
    assert found == [("rekap", "unsupported", None), ("x1_psks.pdf", "unsupported", "x1")]
    errors = log.to_frame()
    assert errors[["level", "code", "file"]].values.tolist() == [
        ["error", "unsupported_format", "rekap"], ["error", "unsupported_format", "x1_psks.pdf"]]
    assert "'(tanpa ekstensi)'" in errors["message"][0] and "'.pdf'" in errors["message"][1]


def test_xls_xlsb_txt_and_tsv_are_registers_too(tmp_path):
    for name in ("x1_psks.xls", "x2_rehsos.xlsb", "X3-bansos.txt", "x4_bencana.TSV", "rekap_2025.tsv"):
        (tmp_path / name).write_bytes(b"")
    log = ProblemLog()
    found = [(f.path.name, f.kind, f.component) for f in discover_files(tmp_path, log)]
    assert found == [("X3-bansos.txt", "register", "x3"), ("rekap_2025.tsv", "rekap", None),
                     ("x1_psks.xls", "register", "x1"), ("x2_rehsos.xlsb", "register", "x2"),
                     ("x4_bencana.TSV", "register", "x4")]
    assert log.to_frame().empty


def test_a_symlink_out_of_the_year_folder_is_a_wrong_use_and_never_followed(tmp_path):
    """Issue 10: a link to a file outside the folder, or a broken link, whatever its name, is refused."""
    folder, outside = tmp_path / "2025", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    (outside / "x1_psks.csv").write_text("Nama;Kecamatan;Status\nAni;Pahandut;Ya\n", encoding="utf-8")
    (folder / "x1_psks.csv").symlink_to(outside / "x1_psks.csv")
    (folder / "anggaran.csv").symlink_to(tmp_path / "missing.csv")  # broken
    (folder / "x2_rehsos.csv").write_text("Nama;Kecamatan;Status\n", encoding="utf-8")
    (folder / "x3_bansos.csv").symlink_to("x2_rehsos.csv")  # inside the folder: an ordinary file
    log = ProblemLog()
    found = [(f.path.name, f.kind) for f in discover_files(folder, log)]
    assert found == [("x2_rehsos.csv", "register"), ("x3_bansos.csv", "register")]
    errors = log.to_frame()
    assert errors[["level", "code", "file"]].values.tolist() == [
        ["error", "symlink_outside_folder", "anggaran.csv"], ["error", "symlink_outside_folder", "x1_psks.csv"]]
    assert "ke luar folder data tahun 2025" in errors["message"][0] and "salin berkas aslinya" in errors["message"][0]
    assert log.has_usage_errors()


def test_clean_year_refuses_a_folder_with_a_link_out_of_it_before_reading_anything(tmp_path):
    from ikuanalysis import paths
    from ikuanalysis.config import load_settings
    from ikuanalysis.ingest.problems import RegisterError
    from ikuanalysis.ingest.year import clean_year
    from tests.fixtures.tiny_year import YEAR, write_tiny_year

    folder = write_tiny_year(tmp_path / "raw")
    secret = tmp_path / "secret.csv"
    secret.write_text("Nama;Kecamatan;Status\nAni;Pahandut;Ya\n", encoding="utf-8")
    (folder / "catatan.md").symlink_to(secret)
    assert "catatan.md" not in paths.hash_folder(folder)  # the integrity hash does not read it either
    with pytest.raises(RegisterError) as raised:
        clean_year(folder, load_settings(), YEAR, key=b"k")
    assert raised.value.log.has_usage_errors()
    assert raised.value.log.to_frame()["code"].tolist() == ["symlink_outside_folder"]


def test_a_sumber_yml_linking_out_of_the_folder_is_never_read(tmp_path):
    # sumber.yml is read before the folder's files are listed: it must not follow the link either
    # (its entries were applied and logged beside the refusal).
    from ikuanalysis.config import load_settings
    from ikuanalysis.ingest.problems import RegisterError
    from ikuanalysis.ingest.year import clean_year
    from tests.fixtures.tiny_year import YEAR, write_tiny_year

    folder = write_tiny_year(tmp_path / "raw")
    elsewhere = tmp_path / "sumber_lain.yml"
    elsewhere.write_text("berkas:\n  - pola: 'x1*'\n    abaikan: true\n  - pola: 'x2*'\n    komponan: x2\n",
                         encoding="utf-8")
    (folder / "sumber.yml").symlink_to(elsewhere)
    with pytest.raises(RegisterError) as raised:
        clean_year(folder, load_settings(), YEAR, key=b"k")
    log = raised.value.log.to_frame()
    assert log[["code", "file"]].values.tolist() == [["symlink_outside_folder", "sumber.yml"]]
    assert raised.value.log.has_usage_errors()
