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


def test_a_register_without_dates_has_no_progress_before_the_fourth_quarter():
    undated = pd.DataFrame({"component": ["x1"] * 3, "tanggal": pd.to_datetime([None, None, None]),
                            "is_handled": [True, False, True]})
    progress = analysis.quarterly_progress(pd.concat([CASES, undated]), 2025, dt.date(2026, 1, 15))
    own = progress[progress["component"] == "x1"]
    assert own["dated"].tolist() == [False] * 4 and own["handled_cumulative"].tolist() == [0, 0, 0, 2]
    assert own["percent"].isna().tolist() == [True, True, True, False]
    assert own["percent"].tolist()[3] == pytest.approx(200 / 3)
    assert progress.loc[progress["component"] == "x2", "dated"].all()


# x1 in Pahandut: Langkai 1 of 2 handled, blank kelurahan 1 of 1 plus a cell written "(kosong)" 0 of 1
# (the label joins them: 1 of 2); x2 in Jekan Raya: Bukit Tunggal 1 of 1. Written unsorted on purpose.
BREAKDOWN_CASES = pd.DataFrame(
    [("x2", "Jekan Raya", "Bukit Tunggal", True), ("x1", "Pahandut", "Langkai", True),
     ("x1", "Pahandut", "", True), ("x1", "Pahandut", "Langkai", False), ("x1", "Pahandut", "(kosong)", False)],
    columns=["component", "kecamatan", "kelurahan", "is_handled"],
)


def test_breakdown_of_cases_labels_blanks_joins_the_label_and_sorts():
    table = analysis.breakdown_cases(BREAKDOWN_CASES, ["kecamatan", "kelurahan"])
    assert table[["component", "kecamatan", "kelurahan", "numerator", "denominator"]].values.tolist() == [
        ["x1", "Pahandut", "(kosong)", 1, 2], ["x1", "Pahandut", "Langkai", 1, 2],
        ["x2", "Jekan Raya", "Bukit Tunggal", 1, 1]]
    assert table["percent"].tolist() == [50.0, 50.0, 100.0]


def test_quarterly_progress_of_several_components_in_order():
    other = pd.DataFrame({"component": ["x1", "x1"], "tanggal": pd.to_datetime(["2025-07-01", "2025-01-31"]),
                          "is_handled": [True, False]})
    progress = analysis.quarterly_progress(pd.concat([CASES, other], ignore_index=True), 2025, dt.date(2026, 1, 1))
    assert progress[["component", "quarter", "handled_cumulative", "cases"]].values.tolist() == [
        ["x1", 1, 0, 2], ["x1", 2, 0, 2], ["x1", 3, 1, 2], ["x1", 4, 1, 2],
        ["x2", 1, 1, 5], ["x2", 2, 2, 5], ["x2", 3, 2, 5], ["x2", 4, 4, 5]]
    assert progress["percent"].tolist() == [0.0, 0.0, 50.0, 50.0, 20.0, 40.0, 40.0, 80.0]


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


def _year(settings, year, **counts):
    rows = [(cid, "A", "", "register", num, den) for cid, (num, den) in counts.items()]
    frame = pd.DataFrame(rows, columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"])
    return compute_indicator(frame, settings.iku, year)


def test_year_change_on_the_same_components_is_comparable(settings):
    before = _year(settings, 2024, x1=(6, 10), x2=(8, 10), x3=(9, 10), x4=(1, 2))   # 70.0
    now = _year(settings, 2025, x1=(8, 10), x2=(7, 10), x3=(9, 10), x4=(2, 2))      # 85.0
    change = analysis.year_change(before, now)
    assert change.comparable and change.delta == pytest.approx(15.0)
    assert [(c.component, c.delta) for c in change.components] == [
        ("x1", pytest.approx(20.0)), ("x2", pytest.approx(-10.0)), ("x3", pytest.approx(0.0)), ("x4", pytest.approx(50.0))]


def test_year_change_when_a_component_had_no_cases_gives_the_common_figure(settings):
    before = _year(settings, 2022, x1=(6, 10), x2=(8, 10), x3=(7, 10), x4=(0, 0))   # 70.0 on x1..x3
    now = _year(settings, 2023, x1=(7, 10), x2=(8, 10), x3=(7, 10), x4=(5, 5))      # (70+80+70+100)/4 = 80.0
    change = analysis.year_change(before, now)
    assert not change.comparable and change.added == ("x4",) and change.dropped == ()
    assert change.delta == pytest.approx(10.0)
    assert change.common == ("x1", "x2", "x3")
    assert (change.common_previous, change.common_current) == (pytest.approx(70.0), pytest.approx(73.3333333))
    assert change.common_delta == pytest.approx(3.3333333)
    assert change.components[3].delta is None


def test_trend_since_first_year_best_worst_and_first_year_in_kategori(settings):
    bands = settings.iku.rating_bands
    years = [_year(settings, 2021, x1=(60, 100), x2=(6, 10), x3=(6, 10), x4=(0, 0)),      # 60  Rendah
             _year(settings, 2022, x1=(92, 100), x2=(9, 10), x3=(10, 10), x4=(0, 0)),     # 94  Sangat Tinggi
             _year(settings, 2023, x1=(80, 100), x2=(8, 10), x3=(8, 10), x4=(0, 0)),      # 80  Tinggi
             _year(settings, 2024, x1=(90, 100), x2=(9, 10), x3=(10, 10), x4=(0, 0))]     # 93.33 Sangat Tinggi
    result = analysis.trend(years, bands)
    assert result.since_first.previous_year == 2021 and result.since_first.delta == pytest.approx(33.3333333)
    assert result.since_previous.previous_year == 2023
    assert result.best == (2022, pytest.approx(94.0)) and result.worst == (2021, pytest.approx(60.0))
    assert result.first_in_category == 2022 and result.years == 4
    # Tinggi is reached first by 2022's Sangat Tinggi, the higher kategori
    assert analysis.trend(years[:3], bands).first_in_category == 2022
    assert analysis.trend(years[:1], bands).since_first is None


def test_efficiency_per_programme_linked_to_a_component(settings):
    result = compute_indicator(COMPONENTS, settings.iku, 2025)  # x1 87.5, x2 75, x3 90, x4 none
    budget = pd.DataFrame({"program": ["Rehsos", "Bencana", "Umum"], "pagu": [1000, 400, 500],
                           "realisasi": [800, 200, 500], "komponen": ["x2", "x4", ""]})
    table, totals = analysis.budget_table(budget, result.achievement, analysis.component_achievements(result))
    assert table["percent"].tolist() == [80.0, 50.0, 100.0]
    assert table["achievement"].tolist()[0] == 75.0 and table["achievement"].isna().tolist() == [False, True, True]
    assert table["efficiency"].tolist()[0] == pytest.approx(75 / 80)
    assert table["efficiency"].isna().tolist() == [False, True, True]
    assert totals["percent"] == pytest.approx(1500 / 1900 * 100)
    plain, _ = analysis.budget_table(budget.drop(columns="komponen"), result.achievement)
    assert "efficiency" not in plain


def _counted(settings, year, units: dict[str, str], **counts):
    rows = [(cid, "A", "", "register", num, den) for cid, (num, den) in counts.items()]
    frame = pd.DataFrame(rows, columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"])
    return compute_indicator(frame, settings.iku, year, counting_units=units)


PER_PERSON = {"x1": "person", "x2": "person", "x3": "person", "x4": "person"}
X4_PER_HOUSEHOLD = PER_PERSON | {"x4": "household"}


def test_a_component_counted_another_way_makes_the_years_not_comparable(settings):
    before = _counted(settings, 2024, PER_PERSON, x1=(6, 10), x2=(8, 10), x3=(7, 10), x4=(5, 10))        # 65.0
    now = _counted(settings, 2025, X4_PER_HOUSEHOLD, x1=(7, 10), x2=(8, 10), x3=(7, 10), x4=(3, 4))   # 73.75
    change = analysis.year_change(before, now)
    assert not change.comparable
    assert (change.added, change.dropped, change.unit_changed) == ((), (), False)
    assert change.counting_changed == (("x4", "person", "household"),)
    assert change.common == ("x1", "x2", "x3")  # the comparable figure leaves x4 out
    assert (change.common_previous, change.common_current) == (pytest.approx(70.0), pytest.approx(73.3333333))
    assert change.delta == pytest.approx(8.75)


def test_comparable_with_previous_compares_with_the_latest_earlier_computed_year(settings):
    y2023 = _counted(settings, 2023, PER_PERSON, x1=(6, 10), x2=(8, 10), x3=(7, 10), x4=(0, 0))
    y2024 = _counted(settings, 2024, PER_PERSON, x1=(6, 10), x2=(8, 10), x3=(7, 10), x4=(5, 10))
    none_2024 = _counted(settings, 2024, PER_PERSON, x1=(0, 0), x2=(0, 0), x3=(0, 0), x4=(0, 0))
    same = _counted(settings, 2025, PER_PERSON, x1=(7, 10), x2=(8, 10), x3=(7, 10), x4=(3, 4))
    household = _counted(settings, 2025, X4_PER_HOUSEHOLD, x1=(7, 10), x2=(8, 10), x3=(7, 10), x4=(3, 4))
    no_x4 = _counted(settings, 2025, PER_PERSON, x1=(7, 10), x2=(8, 10), x3=(7, 10), x4=(0, 0))
    nothing = _counted(settings, 2025, PER_PERSON, x1=(0, 0), x2=(0, 0), x3=(0, 0), x4=(0, 0))
    assert analysis.comparable_with_previous([y2023, y2024], same) is True
    assert analysis.comparable_with_previous([y2023, y2024], household) is False  # x4 counted per household now
    assert analysis.comparable_with_previous([y2023, y2024], no_x4) is False  # x4 left the mean
    assert analysis.comparable_with_previous([y2023, none_2024], no_x4) is True  # 2024 not computable: 2023
    assert analysis.comparable_with_previous([y2023, none_2024], same) is False
    assert analysis.comparable_with_previous([], same) is None
    assert analysis.comparable_with_previous([none_2024], same) is None
    assert analysis.comparable_with_previous([y2024], nothing) is None
