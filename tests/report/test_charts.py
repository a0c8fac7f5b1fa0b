"""Charts as inline SVG (report/charts.py): self-contained, repeatable, one mark per value."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ikuanalysis.indicator.compute import compute_indicator
from ikuanalysis.report import charts


@pytest.fixture(scope="module")
def result():
    from ikuanalysis.config import load_settings

    rows = [("x1", "Pahandut", "J", "register", 3, 4), ("x2", "Pahandut", "J", "register", 1, 2),
            ("x3", "Sabangau", "J", "register", 9, 10), ("x4", "Sabangau", "J", "register", 0, 0)]
    aggregate = pd.DataFrame(rows, columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"])
    return compute_indicator(aggregate, load_settings().iku, 2025)


def test_component_bars_as_repeatable_svg_without_metadata_or_urls(result):
    figure = charts.plot_components(result)
    bars = [p for p in figure.axes[0].patches if p.get_width() > 0]
    assert sorted(round(p.get_width(), 6) for p in bars) == [50.0, 75.0, 90.0]
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts == ["Target 100%", "75,00%", "50,00%", "90,00%", "tidak ada kasus"]
    svg = charts.figure_to_svg(figure)
    assert svg.startswith("<svg") and "<metadata>" not in svg and "xmlns" not in svg and "http" not in svg
    assert charts.figure_to_svg(charts.plot_components(result)) == svg  # reruns give identical files


def test_history_lines_skip_missing_values(result):
    figure = charts.plot_history([2023, 2024, 2025], {"IKU": [80.0, None, 71.67], "x4": [None, None, None]},
                                 [100.0, 100.0, 100.0])
    lines = {line.get_label(): line.get_xydata().tolist() for line in figure.axes[0].lines}
    assert lines == {"IKU": [[2023, 80.0], [2025, 71.67]], "Target": [[2023, 100.0], [2024, 100.0], [2025, 100.0]]}
    assert figure.axes[0].get_ylim() == (61.67, 105.0)
    charts.figure_to_svg(figure)


def test_results_over_time_take_each_components_percent(result):
    figure = charts.plot_results_over_time([result, result])
    labels = [line.get_label() for line in figure.axes[0].lines]
    assert labels == ["IKU", "x1", "x2", "x3", "Target"]  # x4 has no case in either year
    charts.figure_to_svg(figure)


def test_by_place_has_one_panel_per_component_and_says_when_there_is_no_case():
    table = pd.DataFrame({"component": ["x1", "x1", "x2"], "kecamatan": ["Pahandut", "Sabangau", "Pahandut"],
                          "percent": [50.0, 100.0, None]})
    figure = charts.plot_by_place(table, ["x1", "x2", "x3"], 100.0)
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in visible] == ["x1", "x2", "x3"]
    assert [t.get_text() for t in visible[1].texts] == ["tidak ada kasus"]
    assert [round(p.get_width(), 6) for p in visible[0].patches] == [50.0, 100.0]
    assert len(re.findall("<svg", charts.figure_to_svg(figure))) == 1


def test_quarters_have_one_line_per_component():
    progress = pd.DataFrame({"component": ["x2", "x2", "x1"], "quarter": [1, 2, 1], "percent": [10.0, 40.0, 5.0]})
    figure = charts.plot_quarters(progress, 100.0, 2025)
    assert {line.get_label(): line.get_ydata().tolist() for line in figure.axes[0].lines[:2]} == {
        "x1": [5.0], "x2": [10.0, 40.0]}
    charts.figure_to_svg(figure)


def test_the_markup_holds_the_svg_then_the_same_chart_as_a_png_for_word(result):
    import base64

    markup = charts.figure_to_markup(charts.plot_components(result))
    svg, picture = markup.split("<img", 1)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert picture.startswith(f' class="{charts.WORD_PICTURE_CLASS}" alt="" src="data:image/png;base64,')
    png = base64.b64decode(picture.split("base64,", 1)[1].rstrip('">'))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert charts.figure_to_markup(charts.plot_components(result)) == markup  # reruns give identical files
