"""The IKU: component percentages, their mean, capaian against target and kategori.

Formula of the decree: IKU = (1/n) Σ xi with xi = numerator / denominator × 100.
The policy for a component without cases (denominator 0) comes from config (domain §2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import pandas as pd

from ikuanalysis.config import IkuConfig, RatingBand


@dataclass(frozen=True)
class ComponentResult:
    """One component of the IKU for a year.

    ``percent`` is None when the component has no cases; ``value_used`` is what enters the
    mean under the policy (None when the component is left out); ``counting_unit`` is how its
    cases were counted (``person`` or ``household``, data contract §1.4), ``unit`` in the JSON.
    """

    id: str
    label: str
    numerator: int
    denominator: int
    percent: float | None
    included: bool
    value_used: float | None
    counting_unit: str = "person"

    @property
    def not_handled_count(self) -> int:
        """People (or units) in need who were not handled."""
        return self.denominator - self.numerator


@dataclass(frozen=True)
class IndicatorResult:
    """The IKU of one year."""

    year: int
    indicator: str
    unit: str
    target: float
    value: float | None
    achievement: float | None
    category: str | None
    policy: str
    components: tuple[ComponentResult, ...]

    @property
    def n_included(self) -> int:
        """Number of components in the mean (n of the formula)."""
        return sum(c.included for c in self.components)

    def components_frame(self) -> pd.DataFrame:
        """Return the components as a table (for the audit notebook; the report formats its own)."""
        return pd.DataFrame([asdict(c) for c in self.components]).set_index("id")

    def to_dict(self) -> dict:
        """Return the contract's JSON structure (numbers unrounded, None where not computable)."""
        return {
            "year": self.year,
            "indicator": self.indicator,
            "unit": self.unit,
            "target": self.target,
            "value": self.value,
            "achievement": self.achievement,
            "category": self.category,
            "policy_no_case_component": self.policy,
            "n_components_included": self.n_included,
            "components": [
                {k: v for k, v in asdict(c).items() if k not in ("value_used", "counting_unit")}
                | {"value_used": c.value_used, "not_handled": c.not_handled_count, "unit": c.counting_unit}
                for c in self.components
            ],
        }


def compute_percent(numerator: int, denominator: int) -> float | None:
    """Return numerator / denominator × 100, or None when the denominator is 0."""
    if denominator < 0 or numerator < 0 or numerator > denominator:
        raise ValueError(f"invalid counts: numerator={numerator}, denominator={denominator}")
    return None if denominator == 0 else numerator / denominator * 100


def compute_achievement(value: float | None, target: float, direction: str = "positive") -> float | None:
    """Return capaian (%) of ``value`` against ``target``; not capped at 100.

    Positive indicator: realisasi / target × 100. Negative: (2·target − realisasi) / target × 100.
    """
    if value is None:
        return None
    if direction == "negative":
        return (2 * target - value) / target * 100
    return value / target * 100


def rate_achievement(achievement: float | None, bands: tuple[RatingBand, ...]) -> str | None:
    """Return the kategori of a capaian: the first band (highest first) whose min it reaches."""
    if achievement is None:
        return None
    for band in bands:
        if band.min is None or achievement >= band.min:
            return band.label
    raise AssertionError("the lowest band has min null")  # guaranteed by config validation


def compute_components(
    aggregate: pd.DataFrame, config: IkuConfig, policy: str, counting_units: Mapping[str, str] | None = None,
) -> tuple[ComponentResult, ...]:
    """Sum the aggregate table per component and apply the no-case policy.

    ``counting_units``: how the year's cases were counted, per component id (the cleaning
    summary's ``counting_units``); a component it does not name takes its ``counting_unit``
    of config.
    """
    counting_units = counting_units or {}
    totals = aggregate.groupby("component")[["numerator", "denominator"]].sum()
    results = []
    for component in config.components:
        numerator = int(totals["numerator"].get(component.id, 0))
        denominator = int(totals["denominator"].get(component.id, 0))
        percent = compute_percent(numerator, denominator)
        if percent is not None:
            used: float | None = percent
        else:
            used = {"exclude": None, "full": 100.0, "zero": 0.0}[policy]
        results.append(
            ComponentResult(
                id=component.id, label=component.label, numerator=numerator,
                denominator=denominator, percent=percent, included=used is not None, value_used=used,
                counting_unit=counting_units.get(component.id, component.counting_unit),
            )
        )
    return tuple(results)


def compute_indicator(
    aggregate: pd.DataFrame, config: IkuConfig, year: int, policy: str | None = None,
    counting_units: Mapping[str, str] | None = None,
) -> IndicatorResult:
    """Compute the IKU of ``year`` from the aggregate table of the cleaning stage.

    Args:
        aggregate: Columns component, numerator, denominator (any finer breakdown).
        config: The IKU configuration (components, targets, bands, policies).
        year: The reporting year (selects the target).
        policy: Overrides ``policies.no_case_component`` (exclude, full, zero).
        counting_units: How the year's cases were counted, per component (the cleaning
            summary's ``counting_units``, see :func:`ikuanalysis.indicator.history.recorded_units`);
            config's ``counting_unit`` where not given.

    Returns:
        The components, the IKU value (mean of the included components), capaian and kategori.
    """
    policy = policy or config.policies.no_case_component
    components = compute_components(aggregate, config, policy, counting_units)
    used = [c.value_used for c in components if c.value_used is not None]
    value = sum(used) / len(used) if used else None
    target = config.target_for(year).value
    achievement = compute_achievement(value, target, config.indicator.direction)
    return IndicatorResult(
        year=int(year), indicator=config.indicator.name, unit=config.indicator.satuan,
        target=float(target), value=value, achievement=achievement,
        category=rate_achievement(achievement, config.rating_bands), policy=policy,
        components=components,
    )


def write_result_json(
    result: IndicatorResult, path, quality_gates: list[dict] | None = None,
    comparable_with_previous: bool | None = None,
) -> None:
    """Write the contract's JSON (UTF-8, stable key order, unrounded numbers).

    Args:
        result: The indicator.
        path: Where to write.
        quality_gates: The breached quality gates of the year's cleaning (contract §1.8),
            each accepted with its reason; stored under ``quality_gates``.
        comparable_with_previous: Whether the IKU can be compared with the previous year's
            (:func:`ikuanalysis.indicator.analysis.comparable_with_previous`); None (``null``)
            when there is no earlier year with a computed IKU, or none this year.
    """
    import json
    from pathlib import Path

    data = result.to_dict() | {"quality_gates": list(quality_gates or []),
                               "comparable_with_previous": comparable_with_previous}
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_result_json(path) -> IndicatorResult:
    """Read a result written by :func:`write_result_json`."""
    import json
    from pathlib import Path

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    components = tuple(
        ComponentResult(
            id=c["id"], label=c["label"], numerator=c["numerator"], denominator=c["denominator"],
            percent=c["percent"], included=c["included"], value_used=c["value_used"],
            counting_unit=c.get("unit", "person"),  # written before counting units existed: per person
        )
        for c in data["components"]
    )
    return IndicatorResult(
        year=data["year"], indicator=data["indicator"], unit=data["unit"], target=data["target"],
        value=data["value"], achievement=data["achievement"], category=data["category"],
        policy=data["policy_no_case_component"], components=components,
    )
