"""The figures of the performance analysis (Permenpan RB 53/2014, BAB III).

Breakdowns by kecamatan and jenis, cumulative progress by triwulan, which part of the gap
each component explains, the IKU under alternative policies, and the efficiency of the
budget. Pure functions of the processed tables and results; the report renders them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ikuanalysis.config import IkuConfig, RatingBand
from ikuanalysis.indicator.compute import (
    IndicatorResult,
    compute_achievement,
    compute_indicator,
    rate_achievement,
)

POLICIES = ("exclude", "full", "zero")  # the no-case policies, in the order the report lists them
# The columns of the cleaned cases the report's analyses read (breakdown_cases, quarterly_progress).
CASE_COLUMNS = ("component", "kecamatan", "kelurahan", "tanggal", "is_handled")


def _with_percent(table: pd.DataFrame) -> pd.DataFrame:
    denominator = table["denominator"].where(table["denominator"] > 0)
    return table.assign(
        percent=table["numerator"] / denominator * 100,
        not_handled=table["denominator"] - table["numerator"],
    )


def breakdown(aggregate: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sum the aggregate table per component and ``by`` (kecamatan or jenis), with percentages.

    Rows of a rekap without that breakdown (blank ``by``) are labelled "(tanpa rincian)".
    """
    table = aggregate.assign(**{by: aggregate[by].replace("", "(tanpa rincian)")})
    summed = table.groupby(["component", by], sort=True)[["numerator", "denominator"]].sum().reset_index()
    return _with_percent(summed)


def breakdown_cases(cases: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Count cases and handled cases per component and ``by`` (e.g. kecamatan, kelurahan).

    Blank values are labelled "(kosong)". Used for tables finer than the aggregate table,
    which must go through :func:`ikuanalysis.disclosure.suppress_small_counts`.
    """
    # Counted first, labelled after: a million cases become a few hundred groups, and relabelling
    # those (then adding up any group the label joins to one) is the same as relabelling every case.
    counted = (cases.groupby(["component", *by], sort=False)["is_handled"]
               .agg(numerator="sum", denominator="size").reset_index())
    keyed = counted.assign(**{column: counted[column].replace("", "(kosong)") for column in by})
    summed = keyed.groupby(["component", *by], sort=True)[["numerator", "denominator"]].sum()
    return _with_percent(summed.reset_index().astype({"numerator": "int64", "denominator": "int64"}))


def furthest_from_target(by_place: pd.DataFrame, target: float) -> pd.DataFrame:
    """Return, per component, the place with the lowest percentage and its gap to target (points)."""
    computable = by_place[by_place["percent"].notna()]
    if computable.empty:
        return computable.assign(gap_points=pd.Series(dtype=float))
    lowest = computable.sort_values(["component", "percent", "not_handled"], ascending=[True, True, False])
    lowest = lowest.groupby("component", sort=True).head(1)
    return lowest.assign(gap_points=target - lowest["percent"]).reset_index(drop=True)


def quarter_of(date: dt.date) -> int:
    """Return the triwulan (1–4) of a date."""
    return (date.month - 1) // 3 + 1


def last_quarter(year: int, as_of: dt.date) -> int:
    """Return the last triwulan of ``year`` that has started by ``as_of`` (4 for past years)."""
    if as_of.year > year:
        return 4
    if as_of.year < year:
        return 0
    return quarter_of(as_of)


def quarterly_progress(cases: pd.DataFrame, year: int, as_of: dt.date) -> pd.DataFrame:
    """Cumulative handled cases by the end of each triwulan, per component.

    The percentage is of the year's cases (the component's denominator), so triwulan IV
    equals the component's value. Cases without a date count from triwulan IV only. A
    component whose register has no dates at all (``dated`` False) has no progress to show
    before triwulan IV: its ``percent`` there is None, not 0.

    Returns:
        Columns component, quarter (1–4), handled_cumulative, cases, percent, dated; only the
        quarters that have started by ``as_of``.
    """
    upto = last_quarter(year, as_of)
    codes, components = pd.factorize(cases["component"], sort=True)
    quarter = cases["tanggal"].dt.quarter.fillna(4).to_numpy(dtype="int64")
    is_handled = cases["is_handled"].to_numpy(dtype=bool)
    # One count per component and triwulan of the handled cases (a million cases: no groupby).
    handled = np.bincount(codes[is_handled] * 4 + quarter[is_handled] - 1, minlength=4 * len(components))
    cumulative = handled.reshape(len(components), 4).cumsum(axis=1)
    totals = np.bincount(codes, minlength=len(components))
    dated = np.bincount(codes, weights=cases["tanggal"].notna().to_numpy(), minlength=len(components)) > 0
    rows = [
        {
            "component": component, "quarter": q, "handled_cumulative": int(cumulative[i, q - 1]),
            "cases": int(totals[i]), "dated": bool(dated[i]),
            "percent": int(cumulative[i, q - 1]) / int(totals[i]) * 100 if dated[i] or q == 4 else None,
        }
        for i, component in enumerate(components) for q in range(1, upto + 1)
    ]
    return pd.DataFrame(rows, columns=["component", "quarter", "handled_cumulative", "cases", "percent", "dated"])


@dataclass(frozen=True)
class GapShare:
    """The part of the IKU's gap to target that one component explains."""

    component: str
    gap_points: float  # (target − value used) / n: points of the IKU lost through this component
    share_percent: float | None  # of the total gap; None when there is no gap


def gap_shares(result: IndicatorResult) -> list[GapShare]:
    """Split the gap (target − IKU) into the contributions of the included components.

    Because the IKU is a plain mean, component i lowers it by (target − xi) / n; the
    contributions add up to target − IKU.
    """
    included = [c for c in result.components if c.included]
    if not included or result.value is None:
        return []
    n = len(included)
    gaps = [(c.id, (result.target - c.value_used) / n) for c in included]
    total = result.target - result.value
    return [GapShare(cid, gap, gap / total * 100 if total > 0 else None) for cid, gap in gaps]


@dataclass(frozen=True)
class Scenario:
    """The IKU computed one alternative way.

    ``key`` names the way: a no-case policy (``exclude``, ``full``, ``zero``), ``pooled``
    (Σ numerators ÷ Σ denominators) or ``lowest`` (the lowest component); the report's
    template ``sensitivitas.html.j2`` words it.
    """

    key: str
    value: float | None
    achievement: float | None
    category: str | None


def sensitivity(aggregate: pd.DataFrame, config: IkuConfig, year: int) -> list[Scenario]:
    """Return the IKU under each no-case policy, the pooled ratio and the lowest component."""
    scenarios = []
    for policy in POLICIES:
        result = compute_indicator(aggregate, config, year, policy=policy)
        scenarios.append(Scenario(policy, result.value, result.achievement, result.category))
    target = config.target_for(year).value
    numerator, denominator = int(aggregate["numerator"].sum()), int(aggregate["denominator"].sum())
    pooled = numerator / denominator * 100 if denominator else None
    scenarios.append(_scenario("pooled", pooled, target, config))
    base = compute_indicator(aggregate, config, year)
    lowest = min((c.percent for c in base.components if c.percent is not None), default=None)
    scenarios.append(_scenario("lowest", lowest, target, config))
    return scenarios


def _scenario(key: str, value: float | None, target: float, config: IkuConfig) -> Scenario:
    achievement = None if value is None else value / target * 100
    return Scenario(key, value, achievement, rate_achievement(achievement, config.rating_bands))


def component_achievements(result: IndicatorResult, direction: str = "positive") -> dict[str, float | None]:
    """Return the capaian (%) of each component against the IKU's target (None without cases)."""
    return {c.id: compute_achievement(c.percent, result.target, direction) for c in result.components}


def budget_table(budget: pd.DataFrame, achievement: float | None,
                 component_achievement: dict[str, float | None] | None = None) -> tuple[pd.DataFrame, dict]:
    """Return budget realisation per program and the efficiency of the year.

    Args:
        budget: Columns program, pagu, realisasi (rupiah), optionally komponen (the id of
            the component a programme serves, "" for none).
        achievement: Capaian kinerja of the IKU (%).
        component_achievement: Capaian of each component (:func:`component_achievements`),
            for the efficiency of the programmes linked to a component.

    Returns:
        The per-program table (with ``percent``; with ``komponen``, also ``achievement``:
        the linked component's capaian, and ``efficiency`` = that capaian ÷ the programme's
        realisasi, NaN where not linked or not computable) and totals with ``efficiency`` =
        capaian kinerja ÷ realisasi anggaran (> 1: more performance than budget spent).
    """
    table = budget.assign(percent=budget["realisasi"] / budget["pagu"].where(budget["pagu"] > 0) * 100)
    if "komponen" in table:
        own = component_achievement or {}
        linked = table["komponen"].map(lambda cid: own.get(cid) if cid else None).astype("float64")
        table = table.assign(achievement=linked, efficiency=linked / table["percent"].where(table["percent"] > 0))
    pagu, realisasi = int(budget["pagu"].sum()), int(budget["realisasi"].sum())
    spent = realisasi / pagu * 100 if pagu else None
    efficiency = achievement / spent if achievement is not None and spent else None
    return table, {"pagu": pagu, "realisasi": realisasi, "percent": spent, "efficiency": efficiency}


# --- Comparison over the years ------------------------------------------------------------

def _measured(result: IndicatorResult) -> dict[str, float]:
    """Return the percentage of each component with cases in the year."""
    return {c.id: c.percent for c in result.components if c.percent is not None}


@dataclass(frozen=True)
class ComponentChange:
    """One component from an earlier year to the reporting year (points; None without cases)."""

    component: str
    previous: float | None
    current: float | None

    @property
    def delta(self) -> float | None:
        """Change in points, None when either year has no cases."""
        return None if self.previous is None or self.current is None else self.current - self.previous


@dataclass(frozen=True)
class YearChange:
    """The IKU of one year against an earlier year, and whether the two are comparable.

    Two years are comparable when the same components had cases (entered the mean), the
    unit is the same and each of them counted its cases the same way (per person or per
    household, ``counting_unit``). Otherwise the change of the IKU mixes a change of what is
    measured; ``common_previous`` and ``common_current`` are the mean of the components
    with cases in both years and counted the same way in both, the comparable figure.
    """

    previous_year: int
    year: int
    previous: float
    current: float
    added: tuple[str, ...]  # with cases now, not in the earlier year
    dropped: tuple[str, ...]  # with cases in the earlier year, not now
    unit_changed: bool
    common: tuple[str, ...]
    common_previous: float | None
    common_current: float | None
    components: tuple[ComponentChange, ...]
    # With cases in both years but counted differently: (id, unit before, unit now).
    counting_changed: tuple[tuple[str, str, str], ...] = ()

    @property
    def delta(self) -> float:
        """Change of the IKU in points."""
        return self.current - self.previous

    @property
    def comparable(self) -> bool:
        """Whether the same components, in the same unit and counted the same way, make both figures."""
        return not self.added and not self.dropped and not self.unit_changed and not self.counting_changed

    @property
    def common_delta(self) -> float | None:
        """Change in points on the components with cases in both years."""
        if self.common_previous is None or self.common_current is None:
            return None
        return self.common_current - self.common_previous


def year_change(previous: IndicatorResult, current: IndicatorResult) -> YearChange | None:
    """Return ``current`` against ``previous``; None when either IKU could not be computed."""
    if previous.value is None or current.value is None:
        return None
    before, now = _measured(previous), _measured(current)
    units_before = {c.id: c.counting_unit for c in previous.components}
    units_now = {c.id: c.counting_unit for c in current.components}
    counting_changed = tuple((cid, units_before[cid], units_now[cid]) for cid in now
                             if cid in before and units_before[cid] != units_now[cid])
    changed_ids = {cid for cid, _, _ in counting_changed}
    common = tuple(cid for cid in now if cid in before and cid not in changed_ids)
    ids = [c.id for c in current.components] + [c.id for c in previous.components if c.id not in now]
    ids = list(dict.fromkeys(ids))
    return YearChange(
        previous_year=previous.year, year=current.year, previous=previous.value, current=current.value,
        added=tuple(cid for cid in now if cid not in before), dropped=tuple(cid for cid in before if cid not in now),
        unit_changed=previous.unit != current.unit, common=common,
        common_previous=sum(before[c] for c in common) / len(common) if common else None,
        common_current=sum(now[c] for c in common) / len(common) if common else None,
        components=tuple(ComponentChange(cid, before.get(cid), now.get(cid)) for cid in ids),
        counting_changed=counting_changed,
    )


def comparable_with_previous(earlier: list[IndicatorResult], current: IndicatorResult) -> bool | None:
    """Whether the IKU of ``current`` can be compared with the previous year's (``iku_<year>.json``).

    The previous year is the latest of ``earlier`` with a computed IKU, as in the report's
    comparison (:func:`trend`). False when the set of components that entered the mean with cases
    changed, the unit changed, or a component counted its cases another way (per person or per
    household); None when there is no such earlier year or the IKU of ``current`` is not computable.
    """
    computed = [r for r in earlier if r.value is not None and r.year < current.year]
    if not computed or current.value is None:
        return None
    change = year_change(computed[-1], current)
    return None if change is None else change.comparable


@dataclass(frozen=True)
class Trend:
    """The reporting year among all computed years (oldest first)."""

    since_first: YearChange | None  # against the first computed year; None with one year only
    since_previous: YearChange | None  # against the latest earlier computed year
    best: tuple[int, float] | None  # (year, value) with the highest IKU (earliest on ties)
    worst: tuple[int, float] | None  # (year, value) with the lowest IKU (earliest on ties)
    first_in_category: int | None  # first year the IKU reached the reporting year's kategori (or higher)
    years: int  # number of years with a computed IKU


def trend(results: list[IndicatorResult], bands: list[RatingBand]) -> Trend:
    """Return the trend of the last of ``results`` (oldest first) against the earlier ones.

    Args:
        results: The computed years, oldest first; the last is the reporting year.
        bands: The rating bands, highest first (a kategori is reached by it or a higher one).
    """
    current = results[-1]
    rank = {b.label: i for i, b in enumerate(bands)}
    computed = [r for r in results if r.value is not None]
    earlier = [r for r in computed if r.year < current.year]
    best = max(computed, key=lambda r: (r.value, -r.year), default=None)
    worst = min(computed, key=lambda r: (r.value, r.year), default=None)
    first = None
    if current.category in rank:
        first = next(r.year for r in results if rank.get(r.category, len(rank)) <= rank[current.category])
    return Trend(
        since_first=year_change(earlier[0], current) if earlier else None,
        since_previous=year_change(earlier[-1], current) if earlier else None,
        best=(best.year, best.value) if best else None, worst=(worst.year, worst.value) if worst else None,
        first_in_category=first, years=len(computed),
    )
