"""Write and read ``data/processed/<year>``: cleaned cases, aggregate table, quality log.

Tables are Parquet (contract §2: typed, and fast at a million rows); the data-quality log
is also written as CSV, to be opened in a spreadsheet (its text cells neutralized so that
none runs as a formula).

A year's folder is replaced whole and only after every table passed its schema: it is
written to a temporary sibling folder and renamed into place, so a crash never leaves a
half-written year and a failed run leaves the previous results as they were.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor, wait
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ikuanalysis import __version__
from ikuanalysis.config import ConfigError, Settings
from ikuanalysis.disclosure import published_file_names
from ikuanalysis.ingest.schema import check_processed
from ikuanalysis.ingest.problems import RegisterError
from ikuanalysis.ingest.year import CleanResult, clean_year
from ikuanalysis.paths import hash_folder, remove_stale_staging, replace_dir

CASES_FILE = "cases.parquet"
AGGREGATE_FILE = "aggregate.parquet"
LOG_FILE = "quality_log.parquet"
LOG_CSV_FILE = "quality_log.csv"
SUMMARY_FILE = "summary.json"
BUDGET_FILE = "budget.parquet"


def summarize(result: CleanResult) -> dict:
    """Return the JSON summary of a cleaning run (counts, log counts, inputs)."""
    counts = result.log.counts()
    return {
        "year": result.year,
        "ikuanalysis_version": __version__,
        "components": [asdict(s) for s in result.stats],
        "log_counts": counts.to_dict(orient="records"),
        "inputs": result.inputs,
        "is_sample": result.is_sample,
        "notes": result.notes,
        "quality_gates": [gate.to_dict() for gate in result.quality_gates],
        # How each component's cases were counted (person or household): the unit of this year's
        # figures, compared with the reporting year's by the comparison over time.
        "counting_units": result.counting_units,
        # Each sumber.yml entry applied to a file: named in the report's methodology (contract §1.6).
        "sumber_entries": _sumber_entries(result.log.to_frame()),
    }


def _sumber_entries(log: pd.DataFrame) -> list[dict]:
    """Return the file and message of each ``sumber.yml`` entry applied (logged as ``sumber_applied``)."""
    applied = log[log["code"] == "sumber_applied"]
    return [{"file": file, "message": message} for file, message in zip(applied["file"], applied["message"])]


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

    The tables are checked while they are written to a staging folder beside the year's (Arrow
    lets go of the interpreter while it encodes Parquet, so the pandera checks run meanwhile:
    at a million cases ≈0,4 s less); the staging folder replaces the year's only once every
    check has passed, and is removed otherwise.

    Raises:
        pandera.errors.SchemaErrors, ValueError: The tables failed validation (nothing written).
    """
    processed_root.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(processed_root)
    target = processed_root / str(result.year)
    staging = processed_root / f".tmp-{result.year}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:
        # The cases (a million rows) and the rest (the log as Parquet and CSV, ...) side by side.
        writing = [pool.submit(write_table, result.cases, staging / CASES_FILE),
                   pool.submit(write_year_files, result, staging, with_cases=False)]
        try:
            check_processed(result.cases, result.aggregate, settings)
            for future in writing:
                future.result()
            replace_dir(staging, target)
        except BaseException:
            wait(writing)  # the writers must be done before their folder goes
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


def write_year_files(result: CleanResult, folder: Path, *, with_cases: bool = True) -> None:
    """Write every file of a cleaned year into ``folder`` (the tables, the log as CSV, the summary),
    the cases table only when ``with_cases``."""
    if with_cases:
        write_table(result.cases, folder / CASES_FILE)
    write_table(result.aggregate, folder / AGGREGATE_FILE)
    log = result.log.to_frame()
    write_table(log, folder / LOG_FILE)
    neutralize_formulas(log).to_csv(folder / LOG_CSV_FILE, index=False, lineterminator="\n")
    if result.budget is not None:
        write_table(result.budget, folder / BUDGET_FILE)
    (folder / SUMMARY_FILE).write_text(json.dumps(summarize(result), ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as Parquet (no index; the same table gives the same bytes).

    Columns of mostly distinct values (case ids, hashes) are written without a dictionary:
    Parquet would build one and drop it, which doubled the time of a million-case table.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, compression="zstd",
                   use_dictionary=[name for name in frame.columns if not _is_mostly_distinct(frame[name])])


_DICTIONARY_SAMPLE = 10_000


def _is_mostly_distinct(column: pd.Series) -> bool:
    """Whether the first rows of a column hold more than half distinct values (a dictionary would not pay)."""
    head = column.iloc[:_DICTIONARY_SAMPLE]
    return len(head) >= 100 and head.nunique(dropna=False) > len(head) // 2


def read_table(path: Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a Parquet table (only ``columns`` when given); blank text cells are '' (as the tables were written)."""
    table = pd.read_parquet(path, columns=None if columns is None else list(columns))
    text = [name for name in table.columns if pd.api.types.is_string_dtype(table[name].dtype)]
    return table.fillna({name: "" for name in text}) if text else table


def read_aggregate(year_dir: Path) -> pd.DataFrame:
    """Read a year's aggregate table."""
    return read_table(year_dir / AGGREGATE_FILE)


def read_cases(year_dir: Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a year's cleaned cases: every column, or only ``columns`` (a report needs no case id:
    at 10^6 cases the two hash columns are nine tenths of the reading)."""
    cases = read_table(year_dir / CASES_FILE, columns)
    return cases.assign(tanggal=cases["tanggal"].astype("datetime64[ns]")) if "tanggal" in cases else cases


def read_budget_table(year_dir: Path) -> pd.DataFrame | None:
    """Read a year's checked budget, or None when the year has none.

    Columns program, pagu, realisasi and komponen (the linked component; "" when the
    programme, or the whole file, names none).
    """
    path = year_dir / BUDGET_FILE
    if not path.is_file():
        return None
    table = read_table(path)
    return table if "komponen" in table else table.assign(komponen="")


def read_summary(year_dir: Path) -> dict:
    """Read a year's cleaning summary."""
    return json.loads((year_dir / SUMMARY_FILE).read_text(encoding="utf-8"))


def is_processed_fresh(raw_dir: Path, processed_dir: Path) -> bool:
    """Whether ``processed_dir`` was made from exactly the files now in ``raw_dir``."""
    if not (processed_dir / AGGREGATE_FILE).is_file() or not (processed_dir / SUMMARY_FILE).is_file():
        return False
    recorded = {f["file"]: f["sha256"] for f in read_summary(processed_dir)["inputs"]}
    hashed = hash_folder(raw_dir)
    shown = published_file_names(hashed)  # the summary holds the names as published
    return recorded == {shown[name]: sha256 for name, sha256 in hashed.items()}


def refresh_processed(raw_root: Path, processed_root: Path, settings: Settings, years: list[int]) -> dict[int, str]:
    """Clean again the given years whose processed data are missing or stale; return their problems.

    This is the ingest stage run for earlier years, so that the report stage can read every
    year it compares from the processed store. A year whose registers have errors keeps its
    previous processed data; it is returned with a short reason (no value quoted).
    """
    problems: dict[int, str] = {}
    for year in years:
        raw_dir, processed_dir = Path(raw_root) / str(year), Path(processed_root) / str(year)
        if is_processed_fresh(raw_dir, processed_dir):
            continue
        try:
            write_processed(clean_year(raw_dir, settings, year), Path(processed_root), settings)
        except RegisterError as exc:
            problems[year] = f"register tahun {year} memuat {exc.log.error_count()} kesalahan"
        except ConfigError as exc:
            problems[year] = str(exc)
    return problems
