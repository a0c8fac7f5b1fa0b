"""The IKU of the years before the reporting year, for the comparison over time.

Read from the processed store only (``data/processed/<year>``): this stage never cleans or
writes. The runner refreshes the processed data of earlier years before the report stage
starts (:func:`ikuanalysis.ingest.store.refresh_processed`) and hands over the problems it
met; a year without processed data, or whose registers have errors, is reported as such
instead of stopping the report.

Each year is computed with the counting unit its processed data were made with (the cleaning
summary's ``counting_units``), not today's configuration: a year cleaned while a component was
counted per person stays per person, and the comparison says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ikuanalysis import paths
from ikuanalysis.config import ConfigError, Settings
from ikuanalysis.indicator.compute import IndicatorResult, compute_indicator
from ikuanalysis.ingest.store import AGGREGATE_FILE, SUMMARY_FILE, read_aggregate, read_summary


@dataclass(frozen=True)
class YearOutcome:
    """One earlier year: its result, or why there is none."""

    year: int
    result: IndicatorResult | None
    problem: str | None = None


def collect_history(
    raw_root: Path, processed_root: Path, settings: Settings, before_year: int, problems: dict[int, str] | None = None
) -> list[YearOutcome]:
    """Return the outcome of every year under ``raw_root`` before ``before_year``, oldest first.

    Args:
        raw_root: The raw root (which years exist).
        processed_root: The processed store, read only.
        settings: The configuration (targets, components).
        before_year: The reporting year.
        problems: Year -> why its processed data could not be refreshed (from the runner).
    """
    problems = problems or {}
    outcomes = []
    for year in (y for y in paths.list_years(raw_root) if y < before_year):
        processed_dir = Path(processed_root) / str(year)
        if year in problems:
            outcomes.append(YearOutcome(year, None, problems[year]))
        elif not (processed_dir / AGGREGATE_FILE).is_file():
            outcomes.append(YearOutcome(year, None, f"data bersih tahun {year} belum dibuat"))
        else:
            units = recorded_units(processed_dir, settings.iku.component_ids)
            try:
                outcomes.append(YearOutcome(year, compute_indicator(read_aggregate(processed_dir), settings.iku, year,
                                                                    counting_units=units)))
            except ConfigError as exc:  # e.g. no target for that year
                outcomes.append(YearOutcome(year, None, str(exc)))
    return outcomes


def recorded_units(processed_dir: Path, component_ids: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Return how a year's cases were counted, per component id (``person`` or ``household``).

    From the cleaning summary (``counting_units``); processed data made before counting units
    existed counted every component per person.

    Args:
        processed_dir: The year's processed folder.
        component_ids: The configured components (each gets ``person`` when the summary has no units).
    """
    path = Path(processed_dir) / SUMMARY_FILE
    recorded = read_summary(Path(processed_dir)).get("counting_units") if path.is_file() else None
    return {cid: "person" for cid in component_ids} if recorded is None else dict(recorded)
