"""The processed store (ingest/store.py): written whole after the schema checks, read back equal."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pandera.errors
import pytest

from ikuanalysis.ingest import store
from ikuanalysis.ingest.year import clean_year
from tests.fixtures.tiny_year import X1, X2, X3


@pytest.fixture()
def cleaned(tiny_raw_root, settings):
    return clean_year(tiny_raw_root / "2025", settings, 2025, key=b"store-test")


def test_written_tables_read_back_equal(cleaned, tmp_path, settings):
    year_dir = store.write_processed(cleaned, tmp_path / "processed", settings)
    assert year_dir == tmp_path / "processed" / "2025"
    assert sorted(p.name for p in year_dir.iterdir()) == ["aggregate.parquet", "cases.parquet", "quality_log.csv",
                                                         "quality_log.parquet", "summary.json"]
    aggregate = store.read_aggregate(year_dir)
    pd.testing.assert_frame_equal(aggregate, cleaned.aggregate)  # typed: the same dtypes come back
    cases = store.read_cases(year_dir)
    expected = cleaned.cases
    assert cases.dtypes.astype(str).to_dict() == {**expected.dtypes.astype(str).to_dict(), "tanggal": "datetime64[ns]"}
    assert cases["case_id"].tolist() == expected["case_id"].tolist()
    assert cases["is_handled"].tolist() == expected["is_handled"].tolist()
    assert cases["tanggal"].tolist() == expected["tanggal"].tolist()
    summary = store.read_summary(year_dir)
    counts = {c["component"]: (c["handled"], c["cases"]) for c in summary["components"]}
    assert counts == {"x1": X1, "x2": X2, "x3": X3, "x4": (0, 0)}
    assert summary["year"] == 2025 and summary["is_sample"] is False
    assert store.read_budget_table(year_dir) is None


def test_the_report_reads_only_the_case_columns_it_uses(cleaned, tmp_path, settings):
    from ikuanalysis.indicator.analysis import CASE_COLUMNS

    year_dir = store.write_processed(cleaned, tmp_path / "processed", settings)
    cases = store.read_cases(year_dir, columns=CASE_COLUMNS)
    assert list(cases.columns) == list(CASE_COLUMNS)
    full = store.read_cases(year_dir)
    pd.testing.assert_frame_equal(cases, full[list(CASE_COLUMNS)])
    assert str(cases["tanggal"].dtype) == "datetime64[ns]"


def test_register_text_that_looks_like_a_formula_is_written_as_text(cleaned, tmp_path, settings):
    year_dir = store.write_processed(cleaned, tmp_path / "processed", settings)
    # The fixture's formula is an unknown kelurahan of one case: "lainnya" in the cases, quoted in the log.
    assert not store.read_cases(year_dir).isin(["=HYPERLINK"]).any().any()
    assert not store.read_cases(year_dir)["kelurahan"].str.contains("HYPERLINK").any()
    log = (year_dir / "quality_log.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in log and ",=HYPERLINK" not in log and '"=HYPERLINK' not in log
    frame = pd.DataFrame({"a": ["=1+1", "+62", "-", "@x", "ok"], "n": [1, 2, 3, 4, 5]})
    assert store.neutralize_formulas(frame)["a"].tolist() == ["'=1+1", "'+62", "'-", "'@x", "ok"]
    assert frame["a"].tolist()[0] == "=1+1"  # the input is not changed


def test_a_table_failing_its_schema_is_refused_and_the_previous_folder_stays(cleaned, tmp_path, settings):
    root = tmp_path / "processed"
    year_dir = store.write_processed(cleaned, root, settings)
    before = {p.name: p.read_bytes() for p in year_dir.iterdir()}
    broken = cleaned.aggregate.copy()
    broken.loc[broken.index[0], "numerator"] = broken.loc[broken.index[0], "denominator"] + 1
    with pytest.raises(pandera.errors.SchemaErrors):
        store.write_processed(dataclasses.replace(cleaned, aggregate=broken), root, settings)
    assert {p.name: p.read_bytes() for p in year_dir.iterdir()} == before
    assert [p.name for p in root.iterdir()] == ["2025"]  # no staging folder left


def test_the_files_are_staged_while_the_checks_run_and_removed_when_one_fails(cleaned, tmp_path, settings,
                                                                             monkeypatch):
    """The Parquet files are written beside the checks (not after them); a failing check, even
    one that fails after every file was staged, leaves the year as it was and no staging folder."""
    import threading
    import time

    root = tmp_path / "processed"
    year_dir = store.write_processed(cleaned, root, settings)
    before = {p.name: p.read_bytes() for p in year_dir.iterdir()}
    staged_during_check = []

    def check_waiting_for_the_writer(cases, aggregate, chosen):
        assert threading.current_thread() is threading.main_thread()
        deadline = time.monotonic() + 30
        while {p.name for p in root.glob(".tmp-2025-*/*")} != set(before) and time.monotonic() < deadline:
            time.sleep(0.01)
        staged_during_check.extend(p.name for p in root.glob(".tmp-2025-*/*"))
        raise ValueError("aggregate table does not reconcile with the cases")

    monkeypatch.setattr(store, "check_processed", check_waiting_for_the_writer)
    with pytest.raises(ValueError, match="reconcile"):
        store.write_processed(cleaned, root, settings)
    assert sorted(staged_during_check) == sorted(before)
    assert {p.name: p.read_bytes() for p in year_dir.iterdir()} == before
    assert [p.name for p in root.iterdir()] == ["2025"]


def test_freshness_follows_the_raw_files(cleaned, tiny_raw_root, tmp_path, settings):
    year_dir = store.write_processed(cleaned, tmp_path / "processed", settings)
    raw_dir = tiny_raw_root / "2025"
    assert store.is_processed_fresh(raw_dir, year_dir)
    (raw_dir / "catatan.md").write_text("## Solusi\nBaru.\n", encoding="utf-8")
    assert not store.is_processed_fresh(raw_dir, year_dir)
    assert not store.is_processed_fresh(raw_dir, tmp_path / "processed" / "2024")


def test_refresh_cleans_only_stale_years_and_reports_failed_ones(tiny_raw_root, tmp_path, settings):
    from tests.fixtures.tiny_year import write_tiny_year

    write_tiny_year(tiny_raw_root, 2024)
    (tiny_raw_root / "2024" / "x1_psks.csv").write_text("Nama;Status\nAni;Ya\n", encoding="utf-8")
    root = tmp_path / "processed"
    problems = store.refresh_processed(tiny_raw_root, root, settings, [2024, 2025])
    assert list(problems) == [2024] and problems[2024].startswith("register tahun 2024 memuat ")
    assert sorted(p.name for p in root.iterdir()) == ["2025"]
    summary = (root / "2025" / "summary.json").read_bytes()
    assert store.refresh_processed(tiny_raw_root, root, settings, [2025]) == {}
    assert (root / "2025" / "summary.json").read_bytes() == summary
    assert json.loads(summary)["year"] == 2025


def test_a_table_of_mostly_distinct_values_is_written_without_a_dictionary_and_reads_back_the_same(tmp_path):
    import pyarrow.parquet as pq

    rows = 1000
    frame = pd.DataFrame({"case_id": pd.Series([f"{i:032x}" for i in range(rows)], dtype="str"),
                          "kecamatan": pd.Series(["Pahandut", "Sabangau"] * (rows // 2), dtype="str")})
    store.write_table(frame, tmp_path / "t.parquet")
    encodings = {pq.ParquetFile(tmp_path / "t.parquet").metadata.row_group(0).column(i).path_in_schema:
                 pq.ParquetFile(tmp_path / "t.parquet").metadata.row_group(0).column(i).encodings for i in range(2)}
    assert "RLE_DICTIONARY" not in encodings["case_id"] and "RLE_DICTIONARY" in encodings["kecamatan"]
    pd.testing.assert_frame_equal(store.read_table(tmp_path / "t.parquet"), frame)


def test_a_nik_in_a_raw_file_name_stays_in_data_raw_and_the_store_is_still_fresh(tmp_path, settings):
    """Contract §0/§1.5: summary.json lists the input files by their published names."""
    import shutil

    from tests.fixtures.tiny_year import write_tiny_year

    folder = write_tiny_year(tmp_path / "raw")
    shutil.move(folder / "x4_bencana.xlsx", folder / "x4_6271011122334455_Theodora.xlsx")
    year_dir = store.write_processed(clean_year(folder, settings, 2025, key=b"k"), tmp_path / "processed", settings)
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in year_dir.iterdir())
    assert "6271011122334455" not in text
    assert "x4_(disembunyikan)_Theodora.xlsx" in [f["file"] for f in store.read_summary(year_dir)["inputs"]]
    assert store.is_processed_fresh(folder, year_dir)
