"""Charts of the report (matplotlib), returned as inline SVG.

SVG keeps the HTML self-contained and sharp in print; glyphs are stored as paths (no font
needed to view them) and the ids and metadata are fixed so reruns give identical files.
"""

from __future__ import annotations

import base64
import colorsys
import io
import re

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402

from ikuanalysis.formatting import format_percent  # noqa: E402
from ikuanalysis.indicator.compute import IndicatorResult  # noqa: E402
from ikuanalysis.report.html import QUARTERS, WORD_PICTURE_CLASS  # noqa: E402

_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
TARGET_COLOR = "#c0392b"
BAR_COLOR = "#2e6f9e"
MISSING_COLOR = "#9aa5b1"

plt.rcParams.update(
    {
        "svg.fonttype": "path",
        "svg.hashsalt": "ikuanalysis",
        "font.family": "DejaVu Sans",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.formatter.use_locale": False,
    }
)


WORD_PICTURE_DPI = 150


def figure_to_markup(fig: plt.Figure) -> str:
    """Return the chart for the report page: its inline SVG, then the same chart as a PNG.

    The PNG (an ``<img class="word-picture">``, hidden on screen and in print by the report's
    CSS) is the picture the Word chapter uses: Word before 2016 shows no SVG, and rasterising
    the SVG later with a headless browser proved unreliable under load. Closes the figure.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=WORD_PICTURE_DPI, bbox_inches="tight", metadata={"Software": None})
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    return figure_to_svg(fig) + f'<img class="{WORD_PICTURE_CLASS}" alt="" src="data:image/png;base64,{png}">'


def figure_to_svg(fig: plt.Figure) -> str:
    """Return the figure as an SVG string (no XML header, no date) and close it."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    # Inline SVG in HTML needs no namespace declarations and no RDF metadata; dropping them
    # leaves the page free of any URL (the HTML parser maps xlink:href by itself).
    svg = _METADATA.sub("", svg)
    return _NAMESPACES.sub("", svg)


def draw_bars(ax: plt.Axes, labels: list[str], values: list[float], colors) -> None:
    """Horizontal bars, the first label at the top (the layout of a categorical bar chart).

    Plain matplotlib: seaborn's ``barplot`` drew the same bars at ten times the cost.
    """
    positions = list(range(len(labels)))
    shades = [_muted(c) for c in colors] if isinstance(colors, list) else _muted(colors)
    ax.barh(positions, values, height=0.8, color=shades)
    ax.set_yticks(positions, labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)


def _muted(color: str) -> tuple[float, float, float]:
    """Return ``color`` with its saturation at 75 % (the bar shade the report has always had)."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*matplotlib.colors.to_rgb(color))
    return colorsys.hls_to_rgb(hue, lightness, saturation * 0.75)


def _percent_axis(ax: plt.Axes, axis: str = "x") -> None:
    formatter = matplotlib.ticker.FuncFormatter(lambda v, _pos: format_percent(v, 0))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def plot_components(result: IndicatorResult) -> plt.Figure:
    """Horizontal bars of the components (percent) against the 100% target line."""
    labels = [f"{c.id}" for c in result.components]
    values = [c.percent if c.percent is not None else 0.0 for c in result.components]
    colors = [BAR_COLOR if c.percent is not None else MISSING_COLOR for c in result.components]
    # 3.0 in tall for the decree's four bars; taller when a decree has more components.
    fig, ax = plt.subplots(figsize=(7.2, 3.0 + 0.55 * max(0, len(labels) - 4)), dpi=100)
    draw_bars(ax, labels, values, colors)
    ax.axvline(result.target, color=TARGET_COLOR, linestyle="--", linewidth=1.5)
    ax.text(result.target, -0.62, f"Target {format_percent(result.target, 0)}", color=TARGET_COLOR,
            ha="right", va="bottom", fontsize=8)
    for index, component in enumerate(result.components):
        text = format_percent(component.percent) if component.percent is not None else "tidak ada kasus"
        ax.text(1.5, index, text, va="center", ha="left", fontsize=9,
                color="white" if component.percent and component.percent > 20 else "#333333")
    ax.set_xlim(0, max(105.0, result.target + 5))
    _percent_axis(ax)
    ax.set_xlabel("Persentase ditangani (%)")
    ax.set_ylabel("Komponen")
    ax.set_title(f"Capaian komponen IKU terhadap target, TA {result.year}", fontsize=11, loc="left")
    fig.tight_layout()
    return fig


# Colours of the components in their order (the first is x1's); more components than colours
# reuse them from the start. Red is kept for the target line.
COMPONENT_PALETTE = ("#2e6f9e", "#e08a1e", "#3c9d5d", "#8e5ea2", "#17a2b8", "#8c6d31", "#d4a017", "#5d6d7e",
                     "#c45a89", "#6b8e23")
IKU_COLOR = "#1f2933"


def component_colors(component_ids) -> dict[str, str]:
    """Return a colour per component id, plus the IKU's colour.

    The colour follows the component's number (x1 the first of the palette, x5 the fifth, ...),
    so a component keeps its colour in every chart, whichever other components it is shown with.

    Args:
        component_ids: The component ids (any number).
    """
    colors = {}
    for index, cid in enumerate(dict.fromkeys(component_ids)):
        number = int(cid[1:]) - 1 if cid[1:].isdigit() else index
        colors[cid] = COMPONENT_PALETTE[number % len(COMPONENT_PALETTE)]
    return colors | {"IKU": IKU_COLOR}


def _ordered_ids(ids) -> list[str]:
    """Return distinct component ids sorted by their number (x2 before x10)."""
    return sorted(dict.fromkeys(ids), key=lambda cid: (int(cid[1:]) if cid[1:].isdigit() else 10**6, cid))


def plot_history(years: list[int], series: dict[str, list[float | None]], targets: list[float]) -> plt.Figure:
    """Lines of the IKU and its components over the years, with each year's target.

    Args:
        years: The years, ascending.
        series: ``{"IKU": [...], "x1": [...], ...}`` percentages (None where not computable).
        targets: The IKU target of each year.
    """
    colors = component_colors([name for name in series if name != "IKU"])
    fig, ax = plt.subplots(figsize=(7.2, 3.4), dpi=100)
    for name, values in series.items():
        points = [(y, v) for y, v in zip(years, values) if v is not None]
        if not points:
            continue
        xs, ys = zip(*points)
        is_iku = name == "IKU"
        ax.plot(xs, ys, marker="o", linewidth=2.6 if is_iku else 1.3, color=colors.get(name),
                label=name, zorder=3 if is_iku else 2, linestyle="-" if is_iku else (0, (4, 2)))
    ax.plot(years, targets, color=TARGET_COLOR, linestyle="--", linewidth=1.5, label="Target")
    ax.set_xticks(years, [str(y) for y in years])
    low = min([v for vs in series.values() for v in vs if v is not None] + [100.0])
    ax.set_ylim(max(0.0, low - 10), max(105.0, max(targets) + 5))
    _percent_axis(ax, "y")
    ax.set_xlabel("Tahun")
    ax.set_ylabel("Persentase (%)")
    ax.set_title("Realisasi IKU dan komponennya per tahun", fontsize=11, loc="left")
    ax.legend(ncol=6, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, -0.42), frameon=False)
    fig.tight_layout()
    return fig


def plot_by_place(table, components: list[str], target: float, by: str = "kecamatan") -> plt.Figure:
    """Small multiples: for each component, the percentage per kecamatan against the target."""
    import math

    cols = 2
    rows = max(1, math.ceil(len(components) / cols))
    colors = component_colors(components)
    fig, axes = plt.subplots(rows, cols, figsize=(7.4, 2.3 * rows + 0.4), dpi=100, sharex=True, squeeze=False)
    for ax, component in zip(axes.flat, components):
        own = table[(table["component"] == component) & table["percent"].notna()]
        if own.empty:
            ax.text(0.5, 0.5, "tidak ada kasus", ha="center", va="center", transform=ax.transAxes, color="#616e7c")
            ax.set_yticks([])
        else:
            draw_bars(ax, own[by].tolist(), own["percent"].tolist(), colors[component])
            for index, value in enumerate(own["percent"].tolist()):
                ax.text(1.5, index, format_percent(value, 1), va="center", fontsize=7.5, color="white")
        ax.axvline(target, color=TARGET_COLOR, linestyle="--", linewidth=1.2)
        ax.set_title(component, fontsize=10, loc="left")
        ax.set_xlim(0, max(105.0, target + 5))
        ax.set_ylabel("")
        ax.tick_params(axis="y", labelsize=8)
        _percent_axis(ax)
    for ax in list(axes.flat)[len(components):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("Persentase ditangani (%)")
    fig.suptitle(f"Persentase ditangani per {by} (garis: target)", fontsize=11, x=0.01, ha="left")
    fig.tight_layout()
    return fig


def plot_quarters(progress, target: float, year: int) -> plt.Figure:
    """Cumulative percentage handled by the end of each triwulan, per component."""
    fig, ax = plt.subplots(figsize=(7.2, 3.0), dpi=100)
    ids = _ordered_ids(progress["component"].tolist())
    colors = component_colors(ids)
    for component in ids:
        own = progress[progress["component"] == component]
        ax.plot(own["quarter"], own["percent"], marker="o", color=colors[component], label=component)
    ax.axhline(target, color=TARGET_COLOR, linestyle="--", linewidth=1.5, label="Target")
    ax.set_xticks([1, 2, 3, 4], [f"TW {n}" for n in QUARTERS])
    ax.set_xlim(0.7, 4.3)
    ax.set_ylim(0, max(105.0, target + 5))
    _percent_axis(ax, "y")
    ax.set_xlabel(f"Triwulan TA {year}")
    ax.set_ylabel("Kumulatif ditangani (%)")
    ax.set_title("Kemajuan kumulatif penanganan per triwulan", fontsize=11, loc="left")
    ax.legend(ncol=5, fontsize=8, loc="lower right", frameon=False)
    fig.tight_layout()
    return fig


def plot_results_over_time(results: list) -> plt.Figure:
    """Lines of the IKU and its components for a list of yearly results (oldest first).

    A decree may add or drop components between years: every component of any year gets a
    line, with gaps in the years it was not part of the IKU.
    """
    series = {"IKU": [r.value for r in results]}
    ids = [c.id for c in results[-1].components] + _ordered_ids(c.id for r in results for c in r.components)
    for component_id in dict.fromkeys(ids):
        series[component_id] = [
            next((c.percent for c in r.components if c.id == component_id), None) for r in results
        ]
    return plot_history([r.year for r in results], series, [r.target for r in results])
