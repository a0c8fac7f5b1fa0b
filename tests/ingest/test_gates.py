"""Quality gates (contract §1.8) and sumber.yml (§1.6): thresholds, acceptance, located errors."""

from __future__ import annotations

import pandas as pd
import pytest

from ikuanalysis.config import GateThreshold
from ikuanalysis.ingest import discover
from ikuanalysis.ingest.gates import is_breached
from ikuanalysis.ingest.problems import ProblemLog, RegisterError
from ikuanalysis.ingest.sumber import read_sumber
from ikuanalysis.ingest.year import clean_year
from tests.fixtures.tiny_year import write_tiny_year

DI_LUAR_TAHUN = GateThreshold(majority_share=0.5, share=0.10, min_rows=5)
COMPONENTS = ("x1", "x2", "x3", "x4")
X3_ROWS = 8  # the fixture's x3 rows, all dated in its dates' year
X2_ROWS, X2_DATED_2024 = 7, 1  # x2: one row a year earlier than the others
ACCEPT_X2_X3 = """terima:
  - aturan: di_luar_tahun
    komponen: x3
    alasan: "Register x3 2026 baru memuat penyaluran Desember 2025; dikeluarkan sesuai aturan."
  - aturan: di_luar_tahun
    komponen: x2
    alasan: "Register x2 dikirim ulang dari tahun lalu; menunggu data 2026."
"""


@pytest.mark.parametrize(("breaching", "rows", "expected"), [
    (6, 10, True),    # more than half
    (5, 10, True),    # half is not more than half, but 50 % > 10 % with 5 rows
    (4, 39, False),   # 10,3 % but only 4 rows
    (5, 50, False),   # exactly 10 %: not more
    (5, 49, True),    # 10,2 % and 5 rows
    (1, 1, True),     # the only row
    (0, 10, False),
    (0, 0, False),
])
def test_a_gate_breaks_above_half_or_above_the_share_with_enough_rows(breaching, rows, expected):
    assert is_breached(breaching, rows, DI_LUAR_TAHUN) is expected


def _sumber(tmp_path, text):
    (tmp_path / "sumber.yml").write_text(text, encoding="utf-8")
    log = ProblemLog()
    return read_sumber(tmp_path, log, COMPONENTS), log.to_frame()


@pytest.mark.parametrize(("text", "line", "expected"), [
    ("berkas:\n  - pola: 'a*'\n    komponen: x2\n    status_dari: BPNT\n", 4,
     "nilai berkas.0.status_dari tidak sah: harus daftar, mis. [A, B]"),
    ("berkas:\n  - pola: 'a*'\n    komponen: x2\n    baris_judul: tiga\n", 4,
     "nilai berkas.0.baris_judul tidak sah: harus bilangan bulat"),
    ("berkas: 'x2_*.xlsx'\n", 1, "nilai berkas tidak sah: harus daftar, mis. [A, B]"),
    ("- pola: 'a*'\n", None, "nilai (isi berkas) tidak sah: harus bagian berisi pasangan kunci: nilai"),
])
def test_a_value_of_the_wrong_type_is_said_in_indonesian(tmp_path, text, line, expected):
    """Found by a probe: pydantic's English ("Input should be a valid tuple") reached the evaluator."""
    _, log = _sumber(tmp_path, text)
    (row,) = log[log["code"] == "sumber_invalid"].itertuples()
    assert expected in row.message and "Input should" not in row.message
    assert (None if pd.isna(row.row) else row.row) == line


def test_every_problem_of_sumber_yml_is_reported_in_one_run(tmp_path):
    """Contract §1.9. Found by a probe: a type error hid the checks of the other entries (an unknown
    field in kolom, an unknown component in terima), so the file took two rounds to fix."""
    text = ("berkas:\n  - pola: 'a*'\n    komponen: x2\n    kolom: {KET: statusx}\n"
            "  - pola: 'b*'\n    komponen: x2\n    baris_judul: 0\n"
            "terima:\n  - aturan: status_kosong\n    komponen: x9\n    alasan: 'alasan yang cukup panjang'\n")
    _, log = _sumber(tmp_path, text)
    errors = log[log["code"] == "sumber_invalid"]
    assert errors["row"].tolist() == [4, 7, 10]
    assert ["'statusx' bukan nama kolom data" in errors["message"].iloc[0], "paling kecil 1" in errors["message"].iloc[1],
            "komponen 'x9' tidak dikenal" in errors["message"].iloc[2]] == [True, True, True]


def test_an_unknown_key_is_an_error_at_its_line(tmp_path):
    _, log = _sumber(tmp_path, "berkas:\n  - pola: 'DATA*.xlsx'\n    komponen: x2\n    komponan: x3\n")
    (row,) = log[log["code"] == "sumber_invalid"].itertuples()
    assert (row.level, row.file, row.row) == ("error", "sumber.yml", 4)
    assert "kunci 'komponan' tidak dikenal" in row.message


def test_wrong_values_are_errors_each_at_its_line(tmp_path):
    text = ("berkas:\n  - pola: 'a*.csv'\n    komponen: x9\n  - pola: 'b*.csv'\n"
            "terima:\n  - aturan: di_luar_tahun\n    alasan: singkat\n  - aturan: semua\n    alasan: alasan yang panjang\n")
    sumber, log = _sumber(tmp_path, text)
    errors = log[log["code"] == "sumber_invalid"]
    # All in one run: the unknown component, the entry without komponen, the short reason, the unknown rule.
    assert sorted(errors["row"].tolist()) == [3, 4, 7, 8]
    assert sumber.berkas == () and sumber.terima == ()  # an invalid file applies nothing


def test_values_of_a_valid_shape_are_checked_too(tmp_path):
    sumber, log = _sumber(tmp_path, "berkas:\n  - pola: 'a*.csv'\n    komponen: x9\n  - pola: 'b*.csv'\n"
                                    "  - pola: 'c*.xlsx'\n    komponen: x2\n    kolom: {'KET': keterangan}\n")
    errors = log[log["code"] == "sumber_invalid"].sort_values("row")
    assert errors["row"].tolist() == [3, 4, 7]
    assert "komponen 'x9' tidak dikenal" in errors.iloc[0]["message"]
    assert "perlu 'komponen: ...' atau 'abaikan: true'" in errors.iloc[1]["message"]
    assert "kolom 'KET': 'keterangan' bukan nama kolom data" in errors.iloc[2]["message"]


@pytest.mark.parametrize(("value", "expected"), [
    # An empty list or mapping read as "not given" changed nothing, silently.
    ("lembar: []", "nilai berkas.0.lembar tidak sah: isinya terlalu sedikit (paling sedikit 1)"),
    ("status_dari: []", "nilai berkas.0.status_dari tidak sah: isinya terlalu sedikit (paling sedikit 1)"),
    ("kolom: {}", "nilai berkas.0.kolom tidak sah: isinya terlalu sedikit (paling sedikit 1)"),
    # A blank name: one message for the item, not a second one for the list it left short.
    ("lembar: ['']", "nilai berkas.0.lembar.0 tidak sah: terlalu pendek (paling sedikit 1 huruf)"),
    ("kolom: {'': nik}", "judul kolom kosong di berkas.0.kolom: tuliskan judul kolom persis seperti di berkasnya"),
])
def test_an_empty_list_mapping_or_name_is_an_error_at_its_line(tmp_path, value, expected):
    sumber, log = _sumber(tmp_path, f"berkas:\n  - pola: 'a*.csv'\n    komponen: x1\n    {value}\n")
    (row,) = log[log["code"] == "sumber_invalid"].itertuples()
    assert (row.level, row.row) == ("error", 4) and expected in row.message
    assert sumber.berkas == ()


def test_a_yaml_syntax_error_is_located(tmp_path):
    _, log = _sumber(tmp_path, "berkas:\n  - pola: 'a*.csv\n    komponen: x1\n")
    assert log["code"].tolist() == ["sumber_invalid"] and log["level"].tolist() == ["error"]


def test_sumber_maps_a_file_by_its_name_and_ignores_others_on_record(tmp_path, settings):
    write_tiny_year(tmp_path)
    folder = tmp_path / "2025"
    (folder / "x2_rehsos.xlsx").rename(folder / "DATA LANSIA 2025 FINAL (2).xlsx")
    (folder / "rekap lama.xlsx").write_bytes(b"")
    (folder / "foto kegiatan.pdf").write_bytes(b"%PDF-1.4")
    sumber, log = _sumber(folder, "berkas:\n  - pola: 'data lansia*.xlsx'\n    komponen: x2\n"
                                  "  - pola: 'rekap lama*'\n    abaikan: true\n")
    log = ProblemLog()
    files = discover.discover_files(folder, log, settings.iku.components, sumber)
    assert [(f.path.name, f.component) for f in files if f.component == "x2"] == [("DATA LANSIA 2025 FINAL (2).xlsx", "x2")]
    assert "rekap lama.xlsx" not in [f.path.name for f in files]
    notes = log.to_frame().set_index("file")
    assert notes.loc["DATA LANSIA 2025 FINAL (2).xlsx", "code"] == "sumber_applied"
    assert notes.loc["rekap lama.xlsx", "code"] == "sumber_applied"
    assert notes.loc["foto kegiatan.pdf", "code"] == "file_ignored"
    assert "sumber.yml" not in notes.index  # the evaluator's own file is not "ignored"


def test_a_2026_folder_of_2025_rows_stops_at_the_di_luar_tahun_gate(tmp_path, settings):
    folder = write_tiny_year(tmp_path, 2026, dated=2025)
    with pytest.raises(RegisterError) as caught:
        clean_year(folder, settings, 2026, key=b"gate")
    log = caught.value.log.to_frame()
    gates = log[log["code"] == "gate_di_luar_tahun"]
    assert gates["level"].tolist() == ["error", "error"]
    assert [m.split(":")[0] for m in gates["message"]] == ["Komponen x2", "Komponen x3"]
    assert f"{X3_ROWS} dari {X3_ROWS} baris (100,0%) bertanggal di luar tahun 2026" in gates["message"].iloc[1]
    assert log["level"].eq("error").sum() == 2  # nothing else is wrong with the folder


def test_the_gate_accepted_with_a_reason_lets_the_year_through_counting_the_same(tmp_path, settings):
    folder = write_tiny_year(tmp_path, 2026, dated=2025)
    (folder / "sumber.yml").write_text(ACCEPT_X2_X3, encoding="utf-8")
    result = clean_year(folder, settings, 2026, key=b"gate")
    assert [(g.rule, g.component, g.rows, g.breaching, g.accepted) for g in result.quality_gates] == [
        ("di_luar_tahun", "x2", X2_ROWS, X2_ROWS, True), ("di_luar_tahun", "x3", X3_ROWS, X3_ROWS, True)]
    assert result.quality_gates[1].reason.startswith("Register x3 2026 baru memuat")
    stats = {s.component: s for s in result.stats}
    assert (stats["x3"].excluded_other_year, stats["x3"].cases) == (X3_ROWS, 0)  # still excluded
    log = result.log.to_frame()
    accepted = log[log["code"] == "gate_accepted"]
    assert accepted["level"].tolist() == ["warning", "warning"]
    assert "dengan alasan: Register x2 dikirim ulang" in accepted["message"].iloc[0]


def test_the_example_sumber_yml_of_the_template_command_is_valid_and_applies(tmp_path, settings):
    from ikuanalysis import paths

    example = (paths.PROJECT_ROOT / "src" / "ikuanalysis" / "forms" / "sumber_contoh.yml").read_text(encoding="utf-8")
    sumber, log = _sumber(tmp_path, example)
    assert log.empty
    assert [(e.pola, e.komponen, e.abaikan) for e in sumber.berkas] == [
        ("DATA LANSIA*.xlsx", "x2", False), ("DTKS*.txt", "x3", False), ("rekap lama*.xlsx", None, True)]
    assert sumber.berkas[0].kolom == {"Nama Lansia": "nama", "KET": "status"}
    assert sumber.berkas[1].status_dari == ("BANSOS BPNT", "BANSOS PKH")
    assert sumber.acceptance("di_luar_tahun", "x3") is not None and sumber.acceptance("di_luar_tahun", "x2") is None
