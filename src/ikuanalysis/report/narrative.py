"""Generated sentences that state the IKU result in words (``narasi/ikhtisar_kalimat.html.j2``)."""

from __future__ import annotations

import re

from ikuanalysis.config import Component, Settings
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


def meaning(component_id: str, settings: Settings) -> tuple[str, str]:
    """Return the component's unit and what "not handled" means for it (config defaults when unknown)."""
    if component_id in settings.iku.component_ids:
        component = settings.iku.component(component_id)
        return component.unit, component.not_handled_label
    defaults = Component.model_fields
    return defaults["unit"].default, defaults["not_handled_label"].default


def not_handled_text(count: int, component_id: str, settings: Settings) -> str:
    """Return "3 lembaga/orang PSKS tidak aktif": the count with the component's own unit and meaning."""
    unit, label = meaning(component_id, settings)
    return f"{format_number(count)} {unit} {label}"


def not_handled_parts(result: IndicatorResult, settings: Settings) -> list[dict]:
    """Return, per computable component with people or units not handled, its id and counted meaning."""
    return [{"id": c.id, "text": not_handled_text(c.not_handled_count, c.id, settings)}
            for c in result.components if c.percent is not None and c.not_handled_count > 0]


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
                                "unit": meaning(weakest.id, settings)[0], "meaning": meaning(weakest.id, settings)[1],
                                "denominator": format_number(weakest.denominator)},
        "all_full": weakest is not None and weakest.percent >= 100,
        "not_handled": not_handled_parts(result, settings),
        "n_components": len(settings.iku.components),
    }


def describe_result(result: IndicatorResult, settings: Settings | None = None) -> list[str]:
    """Return the paragraphs (HTML, texts escaped) that state the year's result: value, capaian, kategori, gaps.

    Every number in them comes from ``result``; nothing is rounded before formatting.
    """
    settings = settings or default_settings()
    html = render_text("ikhtisar_kalimat.html.j2", result_context(result, settings), settings.config_dir)
    return split_items(html, "p")
