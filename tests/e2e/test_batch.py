"""`report --all` on two fixture years: parallel build, incremental reruns, failures, the index."""

from __future__ import annotations

import io
import os
import re

import pandas as pd
import pytest

from ikuanalysis import paths
from ikuanalysis.publish import batch, manifest
from ikuanalysis.publish.export import find_external_references
from tests.fixtures import tiny_year

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def where(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    tiny_year.write_tiny_year(root / "raw", 2024)  # its rows dated 2025 fall out: other counts
    (root / "raw" / "2024" / "sumber.yml").write_text(  # ... on the record (contract §1.8)
        'terima:\n  - aturan: di_luar_tahun\n    alasan: "Register 2024 uji memuat baris 2025."\n', encoding="utf-8")
    tiny_year.write_tiny_year(root / "raw", 2025)
    return paths.ReportPaths(raw_root=root / "raw", processed_root=root / "processed", output_root=root / "out",
                             config_dir=paths.CONFIG_DIR)


def run(where):
    stream = io.StringIO()
    outcome = batch.build_all(where, jobs=2, stream=stream)
    return outcome, stream.getvalue()


@pytest.fixture(scope="module")
def first_run(where):
    return run(where)


def statuses(outcome):
    return {r.year: r.status for r in outcome.years}


def test_cold_run_builds_every_year_and_the_index(where, first_run):
    outcome, log = first_run
    assert statuses(outcome) == {2024: "dibuat", 2025: "dibuat"}
    assert outcome.index_built and not outcome.has_failures
    for year in (2024, 2025):
        assert (where.output_root / str(year) / f"iku_{year}.pdf").is_file()
        assert (where.output_root / str(year) / manifest.MANIFEST_FILE).is_file()
    assert "[2/2] 2025: dibuat" in log or "[2/2] 2024: dibuat" in log


def test_index_lists_years_with_links_and_tables(where, first_run):
    html = (where.output_root / "index.html").read_text(encoding="utf-8")
    assert find_external_references(html) == [] and "http" not in html
    for year in (2024, 2025):
        for ext in ("html", "pdf", "docx", "json"):
            assert f'href="{year}/iku_{year}.{ext}"' in html
    assert "74,17%" in html and "Sedang" in html
    table = pd.read_csv(where.output_root / "iku_semua_tahun.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert table["tahun"].tolist() == [2024, 2025]
    row = table.set_index("tahun").loc[2025]
    assert (row["x1_realisasi"], row["x1_sasaran"], row["x2_realisasi"], row["x2_sasaran"]) == (3, 4, 3, 5)
    assert row["realisasi_persen"] == 74.17 and row["kategori"] == "Sedang"
    assert pd.read_excel(where.output_root / "iku_semua_tahun.xlsx", engine="calamine")["tahun"].tolist() == [2024, 2025]


def test_rerun_with_nothing_changed_rebuilds_nothing(where, first_run):
    outcome, log = run(where)
    assert statuses(outcome) == {2024: "dilewati", 2025: "dilewati"}
    assert not outcome.index_built
    assert "2024: dilewati (tidak berubah)" in log


def test_touching_one_raw_file_rebuilds_that_year_and_the_index(where, first_run):
    run(where)
    path = where.raw_root / "2024" / "x1_psks.csv"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    outcome, log = run(where)
    assert statuses(outcome) == {2024: "dibuat", 2025: "dilewati"}
    assert "2024: akan dibuat (berkas mentah berubah: x1_psks.csv)" in log
    assert outcome.index_built


BROKEN = "No;Nama;Jenis;Kecamatan;Status\n1;A;Karang Taruna;Kapuas;Ya\n2;B;Karang Taruna;Pahandut;Mungkin\n"


def test_a_broken_year_fails_with_located_errors_and_the_rest_is_built(where, first_run):
    run(where)
    before = (where.output_root / "2024" / "iku_2024.html").read_bytes()
    (where.raw_root / "2024" / "x1_psks.csv").write_text(BROKEN, encoding="utf-8")
    try:
        outcome, log = run(where)
        assert statuses(outcome) == {2024: "gagal", 2025: "dilewati"}
        assert outcome.has_failures and outcome.index_built
        detail = outcome.years[0].detail
        assert "x1_psks.csv, baris 2, kolom 'Kecamatan' — nilai: 'Kapuas'" in detail
        assert "x1_psks.csv, baris 3, kolom 'Status' — nilai: 'Mungkin'" in detail
        assert (where.output_root / "2024" / "iku_2024.html").read_bytes() == before  # the old report stays
        html = (where.output_root / "index.html").read_text(encoding="utf-8")
        assert re.search(r"2024</td>.*GAGAL", html, re.S)
        assert "Kapuas" in html  # the located errors are on the index page
    finally:
        tiny_year.write_tiny_year(where.raw_root, 2024)
