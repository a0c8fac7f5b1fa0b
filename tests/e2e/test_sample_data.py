"""The committed synthetic sample: the cleaning finds exactly the generator's truth, and no
NIK or name of it reaches anything a report run writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ikuanalysis import paths
from ikuanalysis.ingest.discover import discover_files
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.read import read_registers
from ikuanalysis.ingest.values import normalize_nik, text_column
from ikuanalysis.ingest.year import clean_year
from ikuanalysis.publish.build import ReportPaths, build_report

pytestmark = pytest.mark.e2e
TRUTH = json.loads((paths.PROJECT_ROOT / "tests" / "fixtures" / "sample_truth.json").read_text(encoding="utf-8"))
COUNTS = ["rows_read", "summary_rows", "blank_rows", "excluded_other_year", "blank_status", "invalid_nik",
          "blank_date", "duplicates_merged", "cases", "handled"]


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
    """Every NIK (as digits) and name of a year's sample registers."""
    log = ProblemLog()
    tables = read_registers(discover_files(raw_dir, log), settings, log)
    found: set[str] = set()
    for table in tables.values():
        niks = table.frame["nik"].map(normalize_nik)
        found |= {n for n in niks if len(n) >= 8}
        found |= {n for n in text_column(table.frame["nama"]) if len(n) >= 6 and not n.upper().startswith(("JUMLAH", "TOTAL", "SUB"))}
    return found


def test_no_nik_or_name_in_any_file_a_report_run_writes(tmp_path, settings):
    where = ReportPaths(raw_root=paths.RAW_DIR, processed_root=tmp_path / "processed",
                        output_root=tmp_path / "outputs", config_dir=paths.CONFIG_DIR)
    build_report(2025, where, progress=lambda _line: None)
    secrets = personal_values(paths.RAW_DIR / "2025", settings)
    assert len(secrets) > 10_000
    written = [p for root in (tmp_path / "processed", tmp_path / "outputs") for p in root.rglob("*") if p.is_file()]
    assert len(written) >= 9
    for path in written:
        content = path.read_bytes().decode("utf-8", errors="ignore")
        # Names are compared whole-word-ish via the raw text; NIKs as digit runs.
        leaked = [s for s in secrets if s in content]
        assert not leaked, f"{path.name} contains personal values, e.g. {leaked[:3]}"
