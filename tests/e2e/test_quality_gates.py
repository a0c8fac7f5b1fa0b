"""A 2026 folder filled with 2025 rows (contract §1.8): the run stops at the di_luar_tahun gate,
and once sumber.yml accepts the breach with a reason, the report is built and says so on its
first screen, in its data-quality section and in its JSON."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from ikuanalysis import paths
from ikuanalysis.failures import DataFailure
from ikuanalysis.publish.build import ReportPaths, build_report
from tests.fixtures.tiny_year import write_tiny_year
from tests.ingest.test_gates import ACCEPT_X2_X3, X2_ROWS, X3_ROWS
from tests.report.golden import visible_text


@pytest.mark.e2e
def test_the_gate_stops_the_run_then_the_accepted_reason_is_on_the_first_screen(tmp_path):
    folder = write_tiny_year(tmp_path / "raw", 2026, dated=2025)
    config = shutil.copytree(paths.CONFIG_DIR, tmp_path / "config")
    iku = (config / "iku.yml").read_text(encoding="utf-8")
    (config / "iku.yml").write_text(iku.replace("\ntargets:\n", '\ntargets:\n  2026: {value: 100, source: "uji"}\n'),
                                    encoding="utf-8")
    where = ReportPaths(raw_root=tmp_path / "raw", processed_root=tmp_path / "processed",
                        output_root=tmp_path / "outputs", config_dir=config)
    with pytest.raises(DataFailure) as caught:
        build_report(2026, where, progress=lambda _line: None, as_of=dt.date(2026, 12, 1))
    assert f"Komponen x3: {X3_ROWS} dari {X3_ROWS} baris (100,0%) bertanggal di luar tahun 2026" in str(caught.value)
    assert not (tmp_path / "outputs" / "2026").exists() and not (tmp_path / "processed" / "2026").exists()

    (folder / "X3-bansos.csv").rename(folder / "DAFTAR PENERIMA BANSOS 2026 FINAL.csv")  # as it was sent
    (folder / "sumber.yml").write_text(ACCEPT_X2_X3 + 'berkas:\n  - pola: "daftar penerima bansos*.csv"\n'
                                       "    komponen: x3\n", encoding="utf-8")
    out = build_report(2026, where, progress=lambda _line: None, as_of=dt.date(2026, 12, 1))
    text = visible_text((out / "iku_2026.html").read_text(encoding="utf-8"))
    first_screen = text.split("Daftar isi")[0]
    assert "GERBANG MUTU DITERIMA DENGAN ALASAN." in first_screen
    assert (f"Komponen x3: {X3_ROWS} dari {X3_ROWS} baris (100,0%) bertanggal di luar tahun laporan (tidak dihitung); "
            "diterima evaluator di sumber.yml dengan alasan: “Register x3 2026 baru memuat penyaluran Desember 2025; "
            "dikeluarkan sesuai aturan”. Baris-baris itu tetap tidak dihitung.") in first_screen
    # Found by a probe: the banner once said the rows "tetap dihitung" (counted), against §1.8.
    assert "tetap dihitung menurut" not in first_screen
    methodology = text.split("Metodologi dan asumsi")[-1]
    assert ("Catatan evaluator (sumber.yml) yang diterapkan: DAFTAR PENERIMA BANSOS 2026 FINAL.csv: Menurut sumber.yml "
            "(pola 'daftar penerima bansos*.csv'), berkas ini adalah register komponen x3.") in methodology
    assert (f"Gerbang mutu yang diterima evaluator di sumber.yml (terima): komponen x2, {X2_ROWS} dari {X2_ROWS} baris "
            "bertanggal di luar tahun laporan (tidak dihitung), dengan alasan") in methodology  # contract §1.6
    quality = text.split("Kualitas data")[-1]
    assert "Gerbang mutu yang dilanggar dan diterima" in quality and f"{X2_ROWS} dari {X2_ROWS} baris" in quality
    gates = json.loads((out / "iku_2026.json").read_text(encoding="utf-8"))["quality_gates"]
    assert [(g["rule"], g["component"], g["breaching"], g["accepted"]) for g in gates] == [
        ("di_luar_tahun", "x2", X2_ROWS, True), ("di_luar_tahun", "x3", X3_ROWS, True)]
    assert [g["value"] for g in gates] == [1.0, 1.0]  # the share of rows breaching, unrounded
    assert gates[0]["threshold"] == {"majority_share": 0.5, "share": 0.10, "min_rows": 5}  # config/iku.yml


def test_a_missing_target_and_failing_registers_are_both_printed_and_the_exit_is_2(tmp_path):
    """Contract §4: when both kinds are found, every problem is printed and the exit is 2. Found by
    a probe: the run stopped at the gate (exit 1) and named the missing target only in a later run."""
    from ikuanalysis.failures import EXIT_USAGE, UsageFailure

    write_tiny_year(tmp_path / "raw", 2026, dated=2025)  # config/iku.yml has no 2026 target
    where = ReportPaths(raw_root=tmp_path / "raw", processed_root=tmp_path / "processed",
                        output_root=tmp_path / "outputs", config_dir=paths.CONFIG_DIR)
    with pytest.raises(UsageFailure) as caught:
        build_report(2026, where, progress=lambda _line: None, as_of=dt.date(2026, 12, 1))
    message = str(caught.value)
    assert caught.value.exit_code == EXIT_USAGE
    assert message.startswith("config/iku.yml: belum ada target tahun 2026 di bagian targets")
    assert "Selain itu, register tahun 2026 memuat kesalahan:" in message
    assert f"Komponen x3: {X3_ROWS} dari {X3_ROWS} baris (100,0%) bertanggal di luar tahun 2026" in message
    assert not (tmp_path / "outputs").exists() and not (tmp_path / "processed").exists()
