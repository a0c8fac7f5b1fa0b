"""The committed synthetic sample: the cleaning finds exactly the generator's truth, and no
NIK or name of it reaches anything a report run writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from ikuanalysis import paths
from ikuanalysis.ingest.discover import discover_files
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.read import read_registers
from ikuanalysis.ingest.sumber import read_sumber
from ikuanalysis.ingest.values import normalize_nik, text_column
from ikuanalysis.ingest.year import clean_year
from tests.fixtures.leaks import LeakScanner, parquet_text

pytestmark = pytest.mark.e2e
TRUTH = json.loads((paths.PROJECT_ROOT / "tests" / "fixtures" / "sample_truth.json").read_text(encoding="utf-8"))
COUNTS = ["rows_read", "summary_rows", "blank_rows", "excluded_other_year", "blank_status", "invalid_nik",
          "blank_date", "footer_rows", "group_rows", "duplicates_merged", "cases", "handled"]


@pytest.mark.parametrize("year", sorted(TRUTH["years"]))
def test_cleaning_finds_the_generators_truth(year, settings):
    result = clean_year(paths.RAW_DIR / year, settings, int(year), key=b"test")
    truth = TRUTH["years"][year]
    stats = {s.component: s for s in result.stats}
    for component in ("x1", "x2", "x3", "x4"):
        expected = truth[component]
        if expected["source"] == "rekap":
            assert (stats[component].cases, stats[component].handled) == (expected["sasaran"], expected["realisasi"])
            continue
        found = {name: getattr(stats[component], name) for name in COUNTS}
        assert found == {name: expected[name] for name in COUNTS}, component
        by_place = result.aggregate[result.aggregate["component"] == component].groupby("kecamatan")[
            ["numerator", "denominator"]].sum()
        expected_places = {k: (v["handled"], v["cases"]) for k, v in expected["by_kecamatan"].items() if v["cases"]}
        assert {k: (int(r.numerator), int(r.denominator)) for k, r in by_place.iterrows()} == expected_places


def test_sample_years_are_marked_synthetic(settings):
    for year in TRUTH["years"]:
        assert (paths.RAW_DIR / year / settings.iku.policies.sample_data_marker).is_file()


def personal_values(raw_dir: Path, settings) -> set[str]:
    """Every NIK (as digits) and name of a year's sample registers (those sumber.yml assigns included)."""
    log = ProblemLog()
    sumber = read_sumber(raw_dir, log, settings.iku.component_ids)
    tables = read_registers(discover_files(raw_dir, log, settings.iku.components, sumber), settings, log)
    found: set[str] = set()
    for table in tables.values():
        niks = table.frame["nik"].map(normalize_nik)
        found |= {n for n in niks if len(n) >= 8}
        found |= {n for n in text_column(table.frame["nama"]) if len(n) >= 6 and not n.upper().startswith(("JUMLAH", "TOTAL", "SUB"))}
    return found


@pytest.fixture(scope="module")
def scanner(settings) -> LeakScanner:
    """One pass per file over every NIK and name of the 2025 sample (see tests/fixtures/leaks.py)."""
    secrets = personal_values(paths.RAW_DIR / "2025", settings)
    assert len(secrets) > 10_000
    return LeakScanner(secrets)


def test_no_nik_or_name_in_any_file_a_report_run_writes(sample_reports, scanner):
    """``report --year 2025`` (then ``--year 2022``) of the sample, run once for the whole run (conftest.py)."""
    written = [p for root in (sample_reports / "processed", sample_reports / "outputs") for p in root.rglob("*")
               if p.is_file()]
    assert len(written) >= 9 and any(p.name == "iku_2025.pdf" for p in written)
    for path in written:
        leaked = scanner.find_in_file(path)
        assert not leaked, f"{path.name} contains personal values, e.g. {leaked[:3]}"


def test_the_scan_finds_one_planted_nik_or_name(tmp_path, scanner):
    """The scan above is as strict as ``value in text`` for every value: one planted leak fails it."""
    nik = max(v for v in scanner.values if v.isdigit())
    name = min(v for v in scanner.values if not v.isdigit())
    filler = "<td>Pahandut</td><td>62,50%</td> 6271 Jekan Raya " * 20_000
    clean = tmp_path / "clean.html"
    clean.write_text(filler, encoding="utf-8")
    assert scanner.find_in_file(clean) == []
    head, tail = filler[:500_000], filler[500_000:]
    for value, planted in ((nik, f"id={nik}9"), (name, f"<b>{name}</b>"), (nik, f"x{nik[:-1]}")):
        leaky = tmp_path / "leaky.json"
        leaky.write_bytes((head + planted + tail).encode("utf-8") + b"\xff")
        # The filler holds no value, so any value found overlaps the planted text.
        window = head[-100:] + planted + tail[:100]
        assert scanner.find_in_file(leaky) == sorted(s for s in scanner.values if s in window)
        assert (value in scanner.find_in_file(leaky)) == (value in planted)
    assert scanner.find(f"{name} dan {nik}") == sorted([name, nik])


def test_the_scan_reads_the_cells_of_a_compressed_parquet_table(tmp_path, scanner):
    """Processed tables are zstd-compressed Parquet: the scan reads their cells, not only their bytes."""
    import pandas as pd

    from ikuanalysis.ingest.store import write_table

    nik = max(v for v in scanner.values if v.isdigit())
    table = tmp_path / "cases.parquet"
    write_table(pd.DataFrame({"case_id": ["a" * 64] * 50 + [nik], "kecamatan": ["Pahandut"] * 51}), table)
    assert scanner.find_in_file(table) == [nik]
    assert f"{nik},Pahandut" in parquet_text(table.read_bytes()).splitlines()
    assert parquet_text(b"not parquet") == ""


@settings_(max_examples=200, deadline=None, derandomize=True, database=None)
@given(values=st.sets(st.text("ab1 ", min_size=1, max_size=6), min_size=1, max_size=12),
       text=st.text("ab1 x", max_size=60))
def test_the_scan_finds_exactly_the_values_that_occur(values, text):
    assert LeakScanner(values).find(text) == sorted(v for v in values if v in text)
