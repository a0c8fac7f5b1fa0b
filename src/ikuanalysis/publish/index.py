"""The multi-year view: every year's results side by side, the index page and the tables
for e-SAKIP entry (``outputs/index.html``, ``iku_semua_tahun.csv`` and ``.xlsx``)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd

from ikuanalysis import paths
from ikuanalysis.disclosure import redact_message
from ikuanalysis.pipeline import load_pipeline
from ikuanalysis.config import Settings
from ikuanalysis.formatting import format_percent
from ikuanalysis.indicator.analysis import year_change
from ikuanalysis.indicator.compute import IndicatorResult, read_result_json
from ikuanalysis.ingest.store import neutralize_formulas
from ikuanalysis.report.html import Html
from ikuanalysis.report.render import default_settings, render_section
from ikuanalysis.report.sections import change_context, sample_banner

TABLE_BASENAME = "iku_semua_tahun"


def load_results(output_root: Path, years: list[int]) -> dict[int, IndicatorResult]:
    """Return the published result of each year that has one."""
    found = {}
    for year in years:
        path = Path(output_root) / str(year) / f"{paths.report_basename(year)}.json"
        if path.is_file():
            found[year] = read_result_json(path)
    return found


def read_status(output_root: Path) -> dict[int, dict]:
    """Return this batch run's status per year (``build_status.json``), or {} when absent.

    The details are redacted again (:func:`ikuanalysis.disclosure.redact_message`): the index
    page shows them, and the file may come from an older version.
    """
    path = Path(output_root) / "build_status.json"
    if not path.is_file():
        return {}
    years = json.loads(path.read_text(encoding="utf-8"))["years"]
    return {item["year"]: {**item, **({"detail": redact_message(item["detail"])} if "detail" in item else {})}
            for item in years}


def multi_year_table(results: dict[int, IndicatorResult]) -> pd.DataFrame:
    """One row per year: target, realisasi, capaian, kategori and each component's counts and %."""
    rows = []
    for year, result in sorted(results.items()):
        row = {"tahun": year, "target_persen": result.target, "realisasi_persen": result.value,
               "capaian_persen": result.achievement, "kategori": result.category or ""}
        for c in result.components:
            row[f"{c.id}_realisasi"] = c.numerator
            row[f"{c.id}_sasaran"] = c.denominator
            row[f"{c.id}_persen"] = c.percent
        rows.append(row)
    return pd.DataFrame(rows)


def write_multi_year_files(table: pd.DataFrame, folder: Path) -> list[Path]:
    """Write the multi-year table as CSV (';' and decimal comma, for Excel in Indonesian) and XLSX."""
    folder.mkdir(parents=True, exist_ok=True)
    safe = neutralize_formulas(table)
    csv_path = folder / f"{TABLE_BASENAME}.csv"
    safe.to_csv(csv_path, sep=";", decimal=",", index=False, float_format="%.2f", encoding="utf-8-sig",
                lineterminator="\n")
    xlsx_path = folder / f"{TABLE_BASENAME}.xlsx"
    with pd.ExcelWriter(xlsx_path, engine="xlsxwriter") as writer:
        writer.book.set_properties({"created": pd.Timestamp("2000-01-01").to_pydatetime()})
        safe.to_excel(writer, sheet_name="IKU", index=False)
        sheet = writer.sheets["IKU"]
        number = writer.book.add_format({"num_format": "0.00"})
        for index, name in enumerate(safe.columns):
            sheet.set_column(index, index, max(12, len(name) + 2), number if name.endswith("_persen") else None)
        sheet.freeze_panes(1, 1)
    return [csv_path, xlsx_path]


def years_table(years: list[int], results: dict[int, IndicatorResult], status: dict[int, dict],
                settings: Settings | None = None) -> Html:
    """Return the table of years with their figures and links to each year's files.

    One column per component of any year's result (a decree may add or drop components);
    a year without that component shows "–". The change from the previous year with a
    result is qualified when the components with cases differ (``analysis.year_change``).
    """
    settings = settings or default_settings()
    ids = sorted({c.id for r in results.values() for c in r.components},
                 key=lambda cid: (int(cid[1:]) if cid[1:].isdigit() else 10**6, cid))
    if not ids:
        ids = [c.id for c in settings.iku.components]
    rows, ordered = [], sorted(results)
    for year in sorted(years, reverse=True):
        result = results.get(year)
        before = [y for y in ordered if y < year and results[y].value is not None]
        row = {"year": year, "failed": status.get(year, {}).get("status") == "gagal", "result": None, "files": []}
        if result is not None:
            percents = {c.id: format_percent(c.percent) for c in result.components}
            row["result"] = {"value": format_percent(result.value), "achievement": format_percent(result.achievement),
                             "category": result.category or "–",
                             "change": change_context(year_change(results[before[-1]], result)) if before else None,
                             "percents": [percents.get(cid, "–") for cid in ids]}
            row["files"] = [{"name": name, "label": name.rsplit(".", 1)[1].upper()}
                            for name in load_pipeline().published_files(year)]
        rows.append(row)
    return render_section("indeks_tahun.html.j2", {"component_ids": ids, "years": rows}, settings.config_dir)


def failures_block(status: dict[int, dict], settings: Settings | None = None) -> Html:
    """Return the located errors of the years that failed in the last run."""
    settings = settings or default_settings()
    failed = sorted((s for s in status.values() if s.get("status") == "gagal"), key=lambda s: s["year"])
    return render_section("indeks_gagal.html.j2", {"failed": failed}, settings.config_dir)


def downloads_block(settings: Settings | None = None) -> Html:
    """Return the links to the multi-year tables (``narasi/indeks_unduhan.html.j2``)."""
    settings = settings or default_settings()
    return render_section("indeks_unduhan.html.j2", {"basename": TABLE_BASENAME}, settings.config_dir)


def index_title(settings: Settings, is_sample: bool) -> Html:
    """Return the index page's title (and the synthetic-data banner when relevant)."""
    context = {"indicator_name": settings.iku.indicator.name, "organization": settings.iku.organization.model_dump(),
               "banner": sample_banner(is_sample, settings)}
    return render_section("indeks_judul.html.j2", context, settings.config_dir)


INDEX_NOTEBOOK_DIR = "notebooks"


def build_index(where, runner=None) -> Path:
    """Run ``04_trend`` and publish ``index.html`` and the multi-year tables to the output root.

    The executed notebook is published as ``notebooks/04_trend.ipynb`` below the output root.

    Each file is written to a staging folder first and moved into place with an atomic rename.
    """
    from ikuanalysis.publish.notebooks import NotebookRunner
    from ikuanalysis.publish.export import export_html

    notebook = load_pipeline().index_stage.notebook
    output_root = Path(where.output_root)
    work = output_root / f".staging-index-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        parameters = {"output_root": str(output_root), "raw_root": str(where.raw_root),
                      "work_root": str(work), "config_dir": str(where.config_dir)}
        with contextlib.nullcontext(runner) if runner else NotebookRunner() as active:
            active.run(notebook, work / f"{notebook}.ipynb", parameters)
        (work / "index.html").write_text(export_html(work / f"{notebook}.ipynb", "Laporan IKU semua tahun"),
                                         encoding="utf-8")
        # The executed notebook goes to notebooks/: the output root holds only the shared files.
        (output_root / INDEX_NOTEBOOK_DIR).mkdir(exist_ok=True)
        os.replace(work / f"{notebook}.ipynb", output_root / INDEX_NOTEBOOK_DIR / f"{notebook}.ipynb")
        for name in (f"{TABLE_BASENAME}.csv", f"{TABLE_BASENAME}.xlsx", "index.html"):
            os.replace(work / name, output_root / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return output_root / "index.html"
