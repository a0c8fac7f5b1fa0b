"""Clean the aggregate input (``rekap*`` files): komponen, sasaran, realisasi (data contract §1.7).
"""

from __future__ import annotations

import pandas as pd

from ikuanalysis.config import Settings
from ikuanalysis.ingest.cases import _with_headers, is_city_total
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.read import RawTable
from ikuanalysis.ingest.values import (
    excel_error_cells,
    map_unique,
    match_regex,
    parse_count,
    resolve_places,
    summary_pattern,
    text_column,
)


def skip_layout_rows(frame: pd.DataFrame, texts: dict, settings: Settings, log: ProblemLog) -> pd.Series:
    """Return the rows that are not rekap lines, logged (contract §1.4 as for registers): summary
    rows (Jumlah, Total, the city's name in the first text cell or kecamatan), footers, ``###``
    and group rows found by the reader."""
    pattern = summary_pattern((*settings.vocabulary.summary_prefixes, settings.iku.organization.city))
    summary = pd.Series(match_regex(frame["_first_text"], pattern) | match_regex(texts["kecamatan"], pattern)
                        | is_city_total(texts["kecamatan"], settings.iku.organization.city_names), index=frame.index)
    kind = frame["_kind"] if "_kind" in frame else pd.Series("", index=frame.index)
    summary &= ~kind.isin(["end", "after_end"])  # the data end at ###: a total below it is not read
    footer = kind.isin(["footer", "end", "after_end"]) & ~summary
    group = (kind == "group") & ~summary
    log.add_rows("summary_row", frame[summary])
    log.add_rows("footer_row", frame[footer])
    log.add_rows("group_row", frame[group])
    return summary | footer | group


def log_blank_columns(frame: pd.DataFrame, texts: dict, raw: RawTable, log: ProblemLog) -> dict[str, pd.Series]:
    """Log a sasaran or realisasi column blank in every row of its sheet (contract §1.7) once, at
    its header; return, per column, the rows of such sheets (their blank cells are not reported
    one by one)."""
    masks = {}
    for col in ("sasaran", "realisasi"):
        empty = texts[col] == ""
        all_empty = empty.groupby([frame["_file"], frame["_sheet"]]).transform("all") if len(frame) else empty
        masks[col] = all_empty.astype(bool)
        for (file, sheet), _ in frame[masks[col]].groupby(["_file", "_sheet"], sort=False):
            header = raw.headers.get((file, sheet), {}).get(col, col)
            log.add("rekap_column_blank", field=col, file=file, sheet=sheet,
                    row=raw.header_rows.get((file, sheet)), column=header)
    return masks


def clean_rekap(raw: RawTable, settings: Settings, log: ProblemLog) -> pd.DataFrame:
    """Clean the aggregate (rekap) rows: komponen, sasaran, realisasi, optional kecamatan.

    Returns:
        One row per rekap line: component, kecamatan ('' when not given), numerator,
        denominator, with the source location.
    """
    frame = raw.frame
    headers = raw.headers

    def add(code, rows, column, values, **params):
        if code != "excel_error" and column in errors:  # an error cell is reported once, as such
            rows = rows[~errors[column].loc[rows.index].to_numpy(dtype=bool)]
        log.add_rows(code, _with_headers(rows, headers, column), column=column, values=values, **params)

    texts = {c: text_column(frame[c]) for c in ("komponen", "sasaran", "realisasi", "kecamatan")}
    blank = (texts["komponen"] == "") & (texts["sasaran"] == "") & (texts["realisasi"] == "")
    skipped = skip_layout_rows(frame, texts, settings, log)
    frame, texts = frame[~blank & ~skipped], {k: v[~blank & ~skipped] for k, v in texts.items()}
    blank_columns = log_blank_columns(frame, texts, raw, log)
    errors = {c: cells for c, cells in ((c, excel_error_cells(t)) for c, t in texts.items()) if cells.any()}
    for column, cells in errors.items():  # #N/A, #VALUE!, … (data contract §1.3)
        add("excel_error", frame[cells.to_numpy()], column, texts[column])
    component = texts["komponen"].str.lower().str.replace(" ", "")
    ids = settings.iku.component_ids
    bad_component = ~component.isin(list(ids))
    add("unknown_component", frame[bad_component], "komponen", texts["komponen"], ids=", ".join(ids))
    numbers = {}
    for col in ("sasaran", "realisasi"):
        numbers[col] = map_unique(frame[col], parse_count)
        add("invalid_count", frame[numbers[col].isna() & ~blank_columns[col]], col, texts[col], field=col)
    too_many = numbers["realisasi"].notna() & numbers["sasaran"].notna()
    too_many &= numbers["realisasi"].fillna(0).astype("int64") > numbers["sasaran"].fillna(0).astype("int64")
    add("realisasi_above_sasaran", frame[too_many], "realisasi", texts["realisasi"])
    given = texts["kecamatan"] != ""
    geo = settings.geography
    kecamatan = resolve_places(
        texts["kecamatan"], list(geo.kecamatan), geo.aliases["kecamatan"],
        settings.vocabulary.place_prefixes["kecamatan"], geo.kecamatan_codes,
    )
    add(
        "unknown_kecamatan", frame[given & kecamatan.isna()], "kecamatan", texts["kecamatan"],
        known=geo.kecamatan_listing,
    )
    return pd.DataFrame(
        {
            "component": component,
            "kecamatan": kecamatan.fillna("").astype("str"),
            "numerator": numbers["realisasi"].fillna(0).astype("int64"),
            "denominator": numbers["sasaran"].fillna(0).astype("int64"),
            "_file": frame["_file"],
            "_sheet": frame["_sheet"],
            "_row": frame["_row"],
        }
    )


