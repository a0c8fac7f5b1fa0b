"""Figures of the analysis, on tiny tables whose results can be worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ikuanalysis.indicator import analysis
from ikuanalysis.indicator.compute import compute_indicator

# x1: Pahandut 3/4 + 1/1 (two jenis) = 4/5, Sabangau 0/2; x2 from a rekap without kecamatan 3/4.
AGGREGATE = pd.DataFrame(
    [
        ("x1", "Pahandut", "Karang Taruna", "register", 3, 4),
        ("x1", "Pahandut", "Dunia Usaha", "register", 1, 1),
        ("x1", "Sabangau", "Karang Taruna", "register", 0, 2),
        ("x2", "", "", "rekap", 3, 4),
    ],
    columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"],
)
# The components of test_indicator: x1 21/24 = 87.5, x2 3/4 = 75, x3 9/10 = 90, x4 none.
COMPONENTS = pd.DataFrame(
    [("x1", "A", "", "register", 21, 24), ("x2", "A", "", "register", 3, 4), ("x3", "A", "", "register", 9, 10),
     ("x4", "A", "", "register", 0, 0)],
    columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"],
)


def test_breakdown_by_kecamatan_sums_jenis_and_labels_rekap_rows():
    table = analysis.breakdown(AGGREGATE, "kecamatan")
    assert table[["component", "kecamatan", "numerator", "denominator", "not_handled"]].values.tolist() == [
        ["x1", "Pahandut", 4, 5, 1], ["x1", "Sabangau", 0, 2, 2], ["x2", "(tanpa rincian)", 3, 4, 1]]
    assert table["percent"].tolist() == [80.0, 0.0, 75.0]


def test_furthest_kecamatan_per_component():
    furthest = analysis.furthest_from_target(analysis.breakdown(AGGREGATE, "kecamatan"), 100.0)
    assert furthest[["component", "kecamatan", "gap_points"]].values.tolist() == [
        ["x1", "Sabangau", 100.0], ["x2", "(tanpa rincian)", 25.0]]


CASES = pd.DataFrame(
    {
        "component": ["x2"] * 5,
        "tanggal": pd.to_datetime(["2025-02-10", "2025-05-01", "2025-08-20", "2025-11-30", None]),
        "is_handled": [True, True, False, True, True],
    }
)


def test_quarterly_progress_is_cumulative_and_undated_cases_count_in_the_fourth():
    progress = analysis.quarterly_progress(CASES, 2025, dt.date(2026, 1, 15))
    assert progress["handled_cumulative"].tolist() == [1, 2, 2, 4]
    assert progress["percent"].tolist() == [20.0, 40.0, 40.0, 80.0]


def test_a_year_in_progress_stops_at_the_current_quarter():
    assert analysis.last_quarter(2025, dt.date(2025, 8, 15)) == 3
    assert analysis.last_quarter(2025, dt.date(2026, 1, 1)) == 4
    assert analysis.last_quarter(2025, dt.date(2024, 12, 31)) == 0
    assert analysis.quarterly_progress(CASES, 2025, dt.date(2025, 8, 15))["quarter"].tolist() == [1, 2, 3]


def test_gap_shares_add_up_to_the_gap(settings):
    result = compute_indicator(COMPONENTS, settings.iku, 2025)
    shares = analysis.gap_shares(result)
    assert [s.component for s in shares] == ["x1", "x2", "x3"]
    assert [s.gap_points for s in shares] == pytest.approx([12.5 / 3, 25 / 3, 10 / 3])
    assert sum(s.gap_points for s in shares) == pytest.approx(100 - result.value)
    assert [s.share_percent for s in shares] == pytest.approx([12.5 / 47.5 * 100, 25 / 47.5 * 100, 10 / 47.5 * 100])


def test_sensitivity_scenarios(settings):
    scenarios = analysis.sensitivity(COMPONENTS, settings.iku, 2025)
    assert [s.value for s in scenarios] == pytest.approx(
        [252.5 / 3, 352.5 / 4, 252.5 / 4, 33 / 38 * 100, 75.0])
    assert [s.category for s in scenarios] == ["Tinggi", "Tinggi", "Rendah", "Tinggi", "Sedang"]


def test_budget_realisation_and_efficiency():
    budget = pd.DataFrame({"program": ["A", "B"], "pagu": [1000, 3000], "realisasi": [900, 2400]})
    table, totals = analysis.budget_table(budget, achievement=84.15)
    assert table["percent"].tolist() == [90.0, 80.0]
    assert totals == {"pagu": 4000, "realisasi": 3300, "percent": 82.5, "efficiency": pytest.approx(84.15 / 82.5)}
