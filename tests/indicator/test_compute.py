"""The formula: component percentages, the mean, capaian and kategori."""

from __future__ import annotations

import pandas as pd
import pytest

from ikuanalysis.indicator.compute import (
    compute_achievement,
    compute_indicator,
    compute_percent,
    rate_achievement,
)

# Component totals: x1 21/24 = 87.5 %, x2 3/4 = 75 %, x3 9/10 = 90 %, x4 no cases.
X1, X2, X3 = (21, 24), (3, 4), (9, 10)


def aggregate(x4=(0, 0)) -> pd.DataFrame:
    """A two-row-per-component aggregate table, to check that rows are summed."""
    rows = []
    for cid, (num, den) in {"x1": X1, "x2": X2, "x3": X3, "x4": x4}.items():
        rows.append({"component": cid, "kecamatan": "Pahandut", "numerator": num - num // 2, "denominator": den - den // 2})
        rows.append({"component": cid, "kecamatan": "Sabangau", "numerator": num // 2, "denominator": den // 2})
    return pd.DataFrame(rows)


def test_percent_is_numerator_over_denominator_times_100():
    assert compute_percent(21, 24) == pytest.approx(87.5)
    assert compute_percent(0, 5) == 0.0
    assert compute_percent(5, 5) == 100.0


def test_percent_of_a_component_without_cases_is_none():
    assert compute_percent(0, 0) is None


@pytest.mark.parametrize("num, den", [(6, 5), (-1, 5), (1, -1)])
def test_percent_rejects_impossible_counts(num, den):
    with pytest.raises(ValueError):
        compute_percent(num, den)


def test_iku_is_the_mean_of_computable_components_by_default(settings):
    result = compute_indicator(aggregate(), settings.iku, 2025)
    assert [c.numerator for c in result.components] == [21, 3, 9, 0]
    assert [c.denominator for c in result.components] == [24, 4, 10, 0]
    assert [c.percent for c in result.components] == [87.5, 75.0, 90.0, None]
    assert [c.included for c in result.components] == [True, True, True, False]
    assert result.value == pytest.approx((87.5 + 75.0 + 90.0) / 3)
    assert result.n_included == 3
    assert result.achievement == pytest.approx(result.value)  # target 100
    assert result.category == "Tinggi"  # 84.17


@pytest.mark.parametrize(
    "policy, expected",
    [("exclude", (87.5 + 75 + 90) / 3), ("full", (87.5 + 75 + 90 + 100) / 4), ("zero", (87.5 + 75 + 90 + 0) / 4)],
)
def test_policy_for_a_component_without_cases(settings, policy, expected):
    result = compute_indicator(aggregate(), settings.iku, 2025, policy=policy)
    assert result.value == pytest.approx(expected)
    assert result.components[3].percent is None


def test_all_four_components_enter_the_mean_when_x4_has_cases(settings):
    result = compute_indicator(aggregate(x4=(1, 2)), settings.iku, 2025)
    assert result.value == pytest.approx((87.5 + 75 + 90 + 50) / 4)


def test_no_computable_component_gives_no_value(settings):
    empty = pd.DataFrame({"component": ["x1"], "numerator": [0], "denominator": [0]})
    result = compute_indicator(empty, settings.iku, 2025)
    assert result.value is None and result.achievement is None and result.category is None


def test_achievement_is_not_capped_and_handles_negative_indicators():
    assert compute_achievement(87.5, 100) == 87.5
    assert compute_achievement(120, 100) == 120
    assert compute_achievement(45, 50) == 90
    assert compute_achievement(40, 50, direction="negative") == 120


@pytest.mark.parametrize(
    "achievement, category",
    [
        (100.0, "Sangat Tinggi"), (91.0, "Sangat Tinggi"), (90.99, "Tinggi"), (76.0, "Tinggi"),
        (75.99, "Sedang"), (66.0, "Sedang"), (65.99, "Rendah"), (51.0, "Rendah"),
        (50.99, "Sangat Rendah"), (0.0, "Sangat Rendah"),
    ],
)
def test_rating_bands_are_half_open(settings, achievement, category):
    assert rate_achievement(achievement, settings.iku.rating_bands) == category


def test_json_has_the_contract_fields(settings):
    data = compute_indicator(aggregate(), settings.iku, 2025).to_dict()
    assert {"year", "indicator", "unit", "target", "value", "achievement", "category", "components"} <= set(data)
    x4 = data["components"][3]
    assert x4 == x4 | {"id": "x4", "numerator": 0, "denominator": 0, "percent": None, "included": False}
    assert data["unit"] == "Persen" and data["target"] == 100.0


# --- Counting unit per component and comparable_with_previous in iku_<year>.json (data contract §3) --------

def test_each_component_states_its_counting_unit_in_the_json(settings):
    data = compute_indicator(aggregate(), settings.iku, 2025, counting_units={"x4": "household"}).to_dict()
    assert [(c["id"], c["unit"]) for c in data["components"]] == [
        ("x1", "person"), ("x2", "person"), ("x3", "person"), ("x4", "household")]
    assert "counting_unit" not in data["components"][0]  # the JSON names it "unit"
    default = compute_indicator(aggregate(), settings.iku, 2025).to_dict()  # config's: person for every one
    assert {c["unit"] for c in default["components"]} == {"person"}


@pytest.mark.parametrize("comparable", [True, False, None])
def test_the_json_file_holds_quality_gates_and_comparable_with_previous_and_reads_back(settings, tmp_path,
                                                                                      comparable):
    import json

    from ikuanalysis.indicator.compute import read_result_json, write_result_json

    result = compute_indicator(aggregate(), settings.iku, 2025, counting_units={"x4": "household"})
    path = tmp_path / "iku_2025.json"
    write_result_json(result, path, quality_gates=[], comparable_with_previous=comparable)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["quality_gates"], data["comparable_with_previous"]) == ([], comparable)
    assert read_result_json(path) == result


def test_a_json_written_before_counting_units_reads_as_per_person(settings, tmp_path):
    import json

    from ikuanalysis.indicator.compute import read_result_json, write_result_json

    path = tmp_path / "iku_2024.json"
    write_result_json(compute_indicator(aggregate(), settings.iku, 2024), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    for component in data["components"]:
        del component["unit"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert {c.counting_unit for c in read_result_json(path).components} == {"person"}
