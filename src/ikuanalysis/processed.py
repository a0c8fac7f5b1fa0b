"""Write and read ``data/processed/<year>``: cleaned cases, aggregate table, quality log.

A year's folder is replaced whole and only after every table passed its schema: it is
written to a temporary sibling folder and renamed into place, so a crash never leaves a
half-written year and a failed run leaves the previous results as they were.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ikuanalysis import __version__
from ikuanalysis.paths import remove_stale_staging, replace_dir
from ikuanalysis.clean import CleanResult
from ikuanalysis.config import Settings
from ikuanalysis.validate import check_processed

CASES_FILE = "cases.csv"
AGGREGATE_FILE = "aggregate.csv"
LOG_FILE = "quality_log.csv"
SUMMARY_FILE = "summary.json"


def summarize(result: CleanResult) -> dict:
    """Return the JSON summary of a cleaning run (counts, log counts, inputs)."""
    counts = result.log.counts()
    return {
        "year": result.year,
        "ikuanalysis_version": __version__,
        "components": [asdict(s) for s in result.stats],
        "log_counts": counts.to_dict(orient="records"),
        "inputs": result.inputs,
    }


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (=, +, -, @) with an apostrophe.

    Register text (jenis, kelurahan, a logged value) such as ``=HYPERLINK(...)`` then opens as
    text in Excel/LibreOffice instead of running (CSV/formula injection). Vectorised per column.
    """
    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            text = column.astype("str")
            risky = text.str.match(r"[=+\-@\t\r]").fillna(False).astype(bool)
            if risky.any():
                safe[name] = column.where(~risky, "'" + text)
    return safe


def write_processed(result: CleanResult, processed_root: Path, settings: Settings) -> Path:
    """Validate and write a year's cleaned data; return the year folder.

    Raises:
        pandera.errors.SchemaErrors, ValueError: The tables failed validation (nothing written).
    """
    check_processed(result.cases, result.aggregate, settings)
    processed_root.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(processed_root)
    target = processed_root / str(result.year)
    staging = processed_root / f".tmp-{result.year}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        cases = result.cases.assign(tanggal=result.cases["tanggal"].dt.strftime("%Y-%m-%d"))
        neutralize_formulas(cases).to_csv(staging / CASES_FILE, index=False, lineterminator="\n")
        neutralize_formulas(result.aggregate).to_csv(staging / AGGREGATE_FILE, index=False, lineterminator="\n")
        neutralize_formulas(result.log.to_frame()).to_csv(staging / LOG_FILE, index=False, lineterminator="\n")
        (staging / SUMMARY_FILE).write_text(
            json.dumps(summarize(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def read_aggregate(year_dir: Path) -> pd.DataFrame:
    """Read a year's aggregate table."""
    return pd.read_csv(
        year_dir / AGGREGATE_FILE, dtype={"component": "str", "kecamatan": "str", "jenis": "str", "source": "str"},
        keep_default_na=False,
    )


def read_cases(year_dir: Path) -> pd.DataFrame:
    """Read a year's cleaned cases."""
    cases = pd.read_csv(year_dir / CASES_FILE, dtype="str", keep_default_na=False)
    return cases.assign(
        tanggal=pd.to_datetime(cases["tanggal"].replace("", None), format="%Y-%m-%d"),
        is_handled=cases["is_handled"] == "True",
        row_count=cases["row_count"].astype("int64"),
        source_row=cases["source_row"].astype("int64"),
    )


def read_log(year_dir: Path) -> pd.DataFrame:
    """Read a year's data-quality log."""
    return pd.read_csv(year_dir / LOG_FILE, dtype="str", keep_default_na=False)


def read_summary(year_dir: Path) -> dict:
    """Read a year's cleaning summary."""
    return json.loads((year_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
