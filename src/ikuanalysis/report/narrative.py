"""Generated sentences that state the IKU result in words (``narasi/ikhtisar_kalimat.html.j2``)."""

from __future__ import annotations

import re

from ikuanalysis.config import Settings
from ikuanalysis.formatting import format_number, format_percent
from ikuanalysis.indicator.compute import ComponentResult, IndicatorResult
from ikuanalysis.report.render import default_settings, render_text


def weakest_component(result: IndicatorResult) -> ComponentResult | None:
    """Return the computable component with the lowest percentage (first one on ties)."""
    computable = [c for c in result.components if c.percent is not None]
    return min(computable, key=lambda c: c.percent) if computable else None


def split_items(html: str, tag: str) -> list[str]:
    """Return the inner HTML of each ``<tag>`` element of ``html``, whitespace runs collapsed."""
    return [" ".join(inner.split()) for inner in re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)]


def result_context(result: IndicatorResult, settings: Settings) -> dict:
    """Return the formatted values the ikhtisar sentences speak of."""
    weakest = weakest_component(result)
    missing = [c for c in result.components if c.percent is None]
    return {
        "year": result.year, "indicator": result.indicator, "value": None if result.value is None else format_percent(result.value),
        "target": format_percent(result.target), "achievement": format_percent(result.achievement),
        "category": result.category, "policy": result.policy,
        "included": [c.id for c in result.components if c.included], "missing": [c.id for c in missing],
        "missing_value": format_percent(missing[0].value_used) if missing else "",
        "weakest": weakest and {"id": weakest.id, "label": weakest.label, "percent": format_percent(weakest.percent),
                                "not_handled": format_number(weakest.not_handled_count),
                                "denominator": format_number(weakest.denominator)},
        "all_full": weakest is not None and weakest.percent >= 100,
        "not_handled": format_number(sum(c.not_handled_count for c in result.components)),
        "n_components": len(settings.iku.components),
    }


def describe_result(result: IndicatorResult, settings: Settings | None = None) -> list[str]:
    """Return the paragraphs (HTML, texts escaped) that state the year's result: value, capaian, kategori, gaps.

    Every number in them comes from ``result``; nothing is rounded before formatting.
    """
    settings = settings or default_settings()
    html = render_text("ikhtisar_kalimat.html.j2", result_context(result, settings), settings.config_dir)
    return split_items(html, "p")
