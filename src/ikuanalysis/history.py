"""The IKU of the years before the reporting year, for the comparison over time.

Each earlier year found under the raw root is taken from its processed aggregate when that
is up to date (its recorded input hashes match the raw files), otherwise cleaned again in
again and, with ``cache=True``, written to ``data/processed`` as the cleaning stage would
(so the next report finds it fresh). A year whose registers have errors is reported as such
instead of stopping the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ikuanalysis import paths
from ikuanalysis.clean import clean_year
from ikuanalysis.config import Settings
from ikuanalysis.indicator import IndicatorResult, compute_indicator
from ikuanalysis.processed import AGGREGATE_FILE, SUMMARY_FILE, read_aggregate, read_summary, write_processed
from ikuanalysis.quality import RegisterError


@dataclass(frozen=True)
class YearOutcome:
    """One earlier year: its result, or why there is none."""

    year: int
    result: IndicatorResult | None
    problem: str | None = None


def is_processed_fresh(raw_dir: Path, processed_dir: Path) -> bool:
    """Whether ``processed_dir`` was made from exactly the files now in ``raw_dir``."""
    if not (processed_dir / AGGREGATE_FILE).is_file() or not (processed_dir / SUMMARY_FILE).is_file():
        return False
    recorded = {f["file"]: f["sha256"] for f in read_summary(processed_dir)["inputs"]}
    return recorded == paths.hash_folder(raw_dir)


def collect_history(
    raw_root: Path, processed_root: Path, settings: Settings, before_year: int, cache: bool = True
) -> list[YearOutcome]:
    """Return the outcome of every year under ``raw_root`` before ``before_year``, oldest first."""
    outcomes = []
    for year in (y for y in paths.list_years(raw_root) if y < before_year):
        raw_dir, processed_dir = Path(raw_root) / str(year), Path(processed_root) / str(year)
        try:
            if is_processed_fresh(raw_dir, processed_dir):
                aggregate = read_aggregate(processed_dir)
            else:
                cleaned = clean_year(raw_dir, settings, year)
                if cache:
                    write_processed(cleaned, Path(processed_root), settings)
                aggregate = cleaned.aggregate
            outcomes.append(YearOutcome(year, compute_indicator(aggregate, settings.iku, year)))
        except RegisterError as exc:
            errors = int((exc.log.to_frame()["level"] == "error").sum())
            outcomes.append(YearOutcome(year, None, f"register tahun {year} memuat {errors} kesalahan"))
        except Exception as exc:  # a missing target in config, unreadable files, ...
            outcomes.append(YearOutcome(year, None, f"{type(exc).__name__}: {exc}"))
    return outcomes
