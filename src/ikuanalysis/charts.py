"""Charts of the report (seaborn/matplotlib), returned as inline SVG.

SVG keeps the HTML self-contained and sharp in print; glyphs are stored as paths (no font
needed to view them) and the ids and metadata are fixed so reruns give identical files.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from ikuanalysis.formatting import format_percent  # noqa: E402
from ikuanalysis.indicator import IndicatorResult  # noqa: E402

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


def _percent_axis(ax: plt.Axes, axis: str = "x") -> None:
    formatter = matplotlib.ticker.FuncFormatter(lambda v, _pos: format_percent(v, 0))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def plot_components(result: IndicatorResult) -> plt.Figure:
    """Horizontal bars of x1–x4 (percent) against the 100% target line."""
    labels = [f"{c.id}" for c in result.components]
    values = [c.percent if c.percent is not None else 0.0 for c in result.components]
    colors = [BAR_COLOR if c.percent is not None else MISSING_COLOR for c in result.components]
    fig, ax = plt.subplots(figsize=(7.2, 3.0), dpi=100)
    sns.barplot(x=values, y=labels, hue=labels, palette=colors, legend=False, ax=ax, orient="h")
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
