"""Earlier years for the comparison over time (indicator/history.py): read from the processed store only."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from ikuanalysis.indicator.history import YearOutcome, collect_history
from ikuanalysis.ingest.store import AGGREGATE_FILE, write_table

AGGREGATE = ("component,kecamatan,jenis,source,numerator,denominator\n"
             "x1,Pahandut,LKS,register,3,4\nx2,,,rekap,1,2\nx3,Sabangau,Fakir Miskin,register,0,0\n")


@pytest.fixture()
def roots(tmp_path):
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    for year in (2021, 2022, 2023, 2025, 2026):
        (raw / str(year)).mkdir(parents=True)
    (raw / "2024x").mkdir()  # not a year folder
    # The raw registers of 2021 are unreadable: history must not look at them.
    (raw / "2021" / "x1_psks.csv").write_bytes(b"PK\x03\x04 not a table")
    for year in (2021, 2023):
        (processed / str(year)).mkdir(parents=True)
        write_table(pd.read_csv(io.StringIO(AGGREGATE)), processed / str(year) / AGGREGATE_FILE)
    return raw, processed


def test_earlier_years_come_from_the_processed_store_oldest_first(roots, settings):
    raw, processed = roots
    outcomes = collect_history(raw, processed, settings, 2025)
    assert [o.year for o in outcomes] == [2021, 2022, 2023]
    first = outcomes[0]
    assert first.problem is None
    assert first.result.value == pytest.approx((75.0 + 50.0) / 2)
    assert [(c.id, c.numerator, c.denominator) for c in first.result.components] == [
        ("x1", 3, 4), ("x2", 1, 2), ("x3", 0, 0), ("x4", 0, 0)]
    assert outcomes[1] == YearOutcome(2022, None, "data bersih tahun 2022 belum dibuat")
    assert sorted(p.name for p in processed.iterdir()) == ["2021", "2023"]  # nothing written


def test_the_runners_problems_replace_a_years_result(roots, settings):
    raw, processed = roots
    outcomes = collect_history(raw, processed, settings, 2024, problems={2023: "register tahun 2023 memuat 2 kesalahan"})
    assert [(o.year, o.result is None, o.problem) for o in outcomes] == [
        (2021, False, None), (2022, True, "data bersih tahun 2022 belum dibuat"),
        (2023, True, "register tahun 2023 memuat 2 kesalahan")]


def test_a_year_without_a_target_is_reported_not_raised(roots, settings):
    raw, processed = roots
    (raw / "2019").mkdir()
    (processed / "2019").mkdir()
    write_table(pd.read_csv(io.StringIO(AGGREGATE)), processed / "2019" / AGGREGATE_FILE)
    outcome = collect_history(raw, processed, settings, 2021)[0]
    assert outcome.year == 2019 and outcome.result is None and "2019" in outcome.problem


def test_each_year_is_computed_with_the_counting_units_its_processed_data_were_made_with(roots, settings):
    import json

    from ikuanalysis.indicator.history import recorded_units
    from ikuanalysis.ingest.store import SUMMARY_FILE

    raw, processed = roots
    units = {"x1": "person", "x2": "person", "x3": "person", "x4": "household"}
    (processed / "2023" / SUMMARY_FILE).write_text(json.dumps({"counting_units": units}), encoding="utf-8")
    # 2021: processed before counting units existed (a summary without them): every component per person.
    (processed / "2021" / SUMMARY_FILE).write_text(json.dumps({"components": []}), encoding="utf-8")
    assert recorded_units(processed / "2023", settings.iku.component_ids) == units
    assert recorded_units(processed / "2021", settings.iku.component_ids) == dict.fromkeys(units, "person")
    assert recorded_units(processed / "2022", settings.iku.component_ids) == dict.fromkeys(units, "person")
    outcomes = {o.year: o.result for o in collect_history(raw, processed, settings, 2025)}
    assert [c.counting_unit for c in outcomes[2023].components] == ["person", "person", "person", "household"]
    assert {c.counting_unit for c in outcomes[2021].components} == {"person"}
