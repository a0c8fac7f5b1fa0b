"""Turn a component's register rows into cases: skip blank and summary rows, apply the value
rules, identify people, merge duplicates and count (data contract §1.4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ikuanalysis.config import Component, Settings, normalize_key
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.ingest.read import RawTable
from ikuanalysis.ingest.values import (
    _NIK_VALID,
    key_column,
    map_unique,
    match_regex,
    name_column,
    nik_column,
    parse_dates,
    parse_status,
    resolve_jenis,
    resolve_places,
    summary_pattern,
    text_column,
)

CASE_COLUMNS = [
    "component", "case_id", "jenis", "kecamatan", "kelurahan", "tanggal", "is_handled",
    "row_count", "source_file", "source_sheet", "source_row",
]


@dataclass(frozen=True)
class ComponentStats:
    """What happened to the rows of one component's registers."""

    component: str
    rows_in_files: int
    blank_rows: int
    summary_rows: int
    rows_read: int
    excluded_other_year: int
    duplicates_merged: int
    cases: int
    handled: int
    blank_status: int
    blank_date: int
    invalid_nik: int
    unknown_jenis: int
    unknown_kelurahan: int


def clean_register(
    raw: RawTable, component: Component, settings: Settings, year: int, log: ProblemLog
) -> tuple[pd.DataFrame, ComponentStats, pd.Series]:
    """Clean the combined registers of one component.

    Args:
        raw: The component's rows as read by :mod:`ikuanalysis.load`.
        component: The component's configuration.
        settings: All configuration.
        year: The reporting year (rows dated in another year are excluded).
        log: Where problems are recorded.

    Returns:
        ``(rows, stats, identities)``: the kept rows (one per register row, before
        de-duplication) with interpreted values, the counts, and each kept row's case
        identity (NIK or name + place; personal, never written out).
    """
    vocab, geo = settings.vocabulary, settings.geography
    frame = raw.frame
    headers = raw.headers

    def add(level, code, message, rows, column="", values=None):
        log.add_rows(level, code, message, _with_headers(rows, headers, column), column=column, values=values)

    # Few distinct values (places, jenis, status): interpreted once per value. nama and nik
    # (one per person) stay Arrow strings and are handled with vectorised kernels only.
    text = {col: text_column(frame[col]) for col in ("jenis", "kecamatan", "kelurahan", "status")}
    text["nama"] = name_column(frame["nama"])
    nik = nik_column(frame["nik"])
    date_blank = text_column(frame["tanggal"]) == ""
    all_blank = date_blank & (nik == "")
    for values in text.values():
        all_blank &= values == ""

    pattern = summary_pattern(vocab.summary_prefixes)
    is_summary = pd.Series(
        match_regex(frame["_first_text"], pattern) | match_regex(text["nama"], pattern), index=frame.index
    )
    is_blank = all_blank & ~is_summary
    add("info", "summary_row", "Baris jumlah/total dilewati (bukan data kasus).", frame[is_summary])
    data = ~(is_summary | is_blank)

    rows = frame.loc[data, ["_file", "_sheet", "_row"]].copy()
    status = parse_status(frame.loc[data, "status"], vocab.status_lookup)
    unknown_status = status.isna()
    add(
        "error", "unknown_status",
        "Nilai status tidak dikenali. Gunakan Ya/Tidak atau Sudah/Belum (daftar lengkap di "
        "config/aliases.yml).",
        rows[unknown_status], "status", text["status"],
    )
    blank_status = data & (text["status"] == "")
    add("warning", "blank_status", "Status kosong: dihitung sebagai belum ditangani.", frame[blank_status], "status")

    kecamatan = resolve_places(
        text["kecamatan"][data], list(geo.kecamatan), geo.aliases["kecamatan"], vocab.place_prefixes["kecamatan"]
    )
    add(
        "error", "unknown_kecamatan",
        "Kecamatan tidak dikenali. Tulis salah satu dari: " + ", ".join(geo.kecamatan) + ".",
        rows[kecamatan.isna()], "kecamatan", text["kecamatan"],
    )

    kel_text = text["kelurahan"][data]
    kelurahan = resolve_places(kel_text, list(geo.kelurahan), geo.aliases["kelurahan"], vocab.place_prefixes["kelurahan"])
    unknown_kel = kelurahan.isna() & (kel_text != "")
    add(
        "warning", "unknown_kelurahan",
        "Kelurahan tidak dikenali; ditulis apa adanya. Periksa ejaannya (daftar di config/wilayah.csv).",
        rows[unknown_kel], "kelurahan", text["kelurahan"],
    )
    kelurahan = kelurahan.where(~unknown_kel, kel_text).fillna("")

    jenis_text = text["jenis"][data]
    jenis = resolve_jenis(jenis_text, settings.jenis.lists[component.jenis_list], settings.jenis.aliases)
    unknown_jenis = jenis.isna()
    add(
        "warning", "unknown_jenis",
        f"Jenis tidak ada dalam daftar {component.jenis_list.upper()} untuk {component.id}; ditulis apa adanya.",
        rows[unknown_jenis], "jenis", text["jenis"],
    )
    jenis = jenis.where(~unknown_jenis, jenis_text)

    dates, unreadable = parse_dates(frame.loc[data, "tanggal"], vocab.months)
    date_text = text_column(frame["tanggal"])
    add(
        "error", "unreadable_date",
        "Tanggal tidak terbaca. Tulis sebagai tanggal Excel, atau teks dd/mm/yyyy, yyyy-mm-dd, "
        "atau '5 Maret 2025' (hari lebih dulu).",
        rows[unreadable], "tanggal", date_text,
    )
    blank_date = dates.isna() & ~unreadable & _has_column(rows, headers, "tanggal")
    add("warning", "blank_date", "Tanggal kosong: baris tetap dihitung.", rows[blank_date], "tanggal")
    other_year = dates.notna() & (dates.dt.year != year)
    add(
        "warning", "date_other_year",
        f"Tanggal di luar tahun {year}: baris tidak dihitung untuk tahun ini.",
        rows[other_year], "tanggal", date_text,
    )

    nik_data = nik[data]
    nik_valid = nik_data.str.fullmatch(_NIK_VALID.pattern)
    invalid_nik = (nik_data != "") & ~nik_valid
    add(
        "warning", "invalid_nik",
        "NIK bukan 16 angka; kasus dikenali dari nama dan kelurahan. Periksa NIK di baris ini.",
        rows[invalid_nik], "nik",
    )
    blank_name = (text["nama"][data] == "") & ~nik_valid
    add(
        "warning", "no_identity",
        "Nama dan NIK kosong: baris dihitung sebagai kasus tersendiri.",
        rows[blank_name], "nama",
    )

    by_name = ~nik_valid  # only these need a name-based identity (normalising names is the costly part)
    place_key = map_unique(kelurahan[by_name].where(kelurahan[by_name] != "", kecamatan[by_name].fillna("")),
                           normalize_key).astype("str")
    name_key = key_column(text["nama"][data][by_name])
    identity = "N:" + nik_data
    identity[by_name] = "P:" + name_key + "|" + place_key
    identity = identity.where(~blank_name, "R:" + rows["_file"] + "|" + rows["_sheet"] + "|" + rows["_row"].astype("str"))

    rows["jenis"] = jenis.fillna("").astype("str")
    rows["kecamatan"] = kecamatan.astype("object")
    rows["kelurahan"] = kelurahan.astype("str")
    rows["tanggal"] = dates
    rows["is_handled"] = status.fillna(False).astype(bool)

    keep = ~other_year
    rows = rows[keep]
    # One hashing pass over the identities; everything else is integer arithmetic on codes.
    codes, uniques = pd.factorize(identity[keep], sort=False)  # codes in first-seen order
    first_positions = np.unique(codes, return_index=True)[1]
    duplicated = np.ones(len(codes), dtype=bool)
    duplicated[first_positions] = False
    dup_rows = rows[duplicated]
    if not dup_rows.empty:
        origin = rows.iloc[first_positions[codes[duplicated]]]
        where = ("baris " + origin["_row"].astype("str") + " (" + origin["_file"] + ")").to_numpy()
        log.add_rows(
            "info", "duplicate_merged",
            "Orang/unit yang sama sudah tercatat (NIK, atau nama dan kelurahan, sama): digabung "
            "menjadi satu kasus, ditangani bila salah satu barisnya berstatus ya.",
            _with_headers(dup_rows, headers, ""), values=pd.Series(where, index=dup_rows.index),
        )
    identities = Identities(codes=codes, distinct=pd.Series(uniques).tolist())

    stats = ComponentStats(
        component=component.id,
        rows_in_files=len(frame),
        blank_rows=int(is_blank.sum()),
        summary_rows=int(is_summary.sum()),
        rows_read=int(data.sum()),
        excluded_other_year=int(other_year.sum()),
        duplicates_merged=int(duplicated.sum()),
        cases=int((~duplicated).sum()),
        handled=int(identities.any_per_case(rows["is_handled"]).sum()),
        blank_status=int(blank_status.sum()),
        blank_date=int(blank_date.sum()),
        invalid_nik=int(invalid_nik.sum()),
        unknown_jenis=int(unknown_jenis.sum()),
        unknown_kelurahan=int(unknown_kel.sum()),
    )
    return rows, stats, identities


@dataclass(frozen=True)
class Identities:
    """The case identity of each kept row, as codes into the distinct identities.

    Attributes:
        codes: For each kept row, the number of its case (0, 1, ... in first-seen order).
        distinct: The identity of each case (NIK or name + place: personal, never written).
    """

    codes: np.ndarray
    distinct: list[str]

    def any_per_case(self, flags: pd.Series) -> np.ndarray:
        """Whether any row of each case has ``flags`` set (handled if any row says yes)."""
        counts = np.bincount(self.codes, weights=flags.to_numpy(dtype=float), minlength=len(self.distinct))
        return counts > 0


def _has_column(rows: pd.DataFrame, headers: dict, column: str) -> pd.Series:
    """Return whether each row's file and sheet has ``column`` at all."""
    having = {key for key, names in headers.items() if column in names}
    keys = pd.MultiIndex.from_frame(rows[["_file", "_sheet"]])
    return pd.Series(keys.isin(list(having)) if having else False, index=rows.index)


def _with_headers(rows: pd.DataFrame, headers: dict, column: str) -> pd.DataFrame:
    """Add ``_header_<column>``: the column's header as written in each row's file and sheet."""
    if not column or rows.empty:
        return rows
    pairs = rows[["_file", "_sheet"]].drop_duplicates()
    names = {
        (f, s): headers.get((f, s), {}).get(column, column) for f, s in pairs.itertuples(index=False)
    }
    label = pd.Series(
        [names[(f, s)] for f, s in pairs.itertuples(index=False)],
        index=pd.MultiIndex.from_frame(pairs),
    )
    keys = pd.MultiIndex.from_frame(rows[["_file", "_sheet"]])
    return rows.assign(**{f"_header_{column}": label.reindex(keys).to_numpy()})


def merge_cases(rows: pd.DataFrame, identities: Identities, component: str, case_ids: list[str]) -> pd.DataFrame:
    """Collapse rows of the same case into one (handled if any row is; first row's details).

    Args:
        rows: Kept rows of one component (from :func:`clean_register`).
        identities: Each row's case (from :func:`clean_register`).
        component: The component id.
        case_ids: Keyed hashes of ``identities.distinct``, in the same order.
    """
    count = len(identities.distinct)
    first = rows.iloc[np.unique(identities.codes, return_index=True)[1]]
    return pd.DataFrame(
        {
            "component": pd.Series(component, index=range(count), dtype="str"),
            "case_id": pd.Series(case_ids, dtype="str"),
            "jenis": pd.Series(first["jenis"].to_numpy(), dtype="str"),
            "kecamatan": pd.Series(first["kecamatan"].to_numpy(), dtype="str"),
            "kelurahan": pd.Series(first["kelurahan"].to_numpy(), dtype="str"),
            "tanggal": first["tanggal"].to_numpy().astype("datetime64[s]"),
            "is_handled": identities.any_per_case(rows["is_handled"]),
            "row_count": np.bincount(identities.codes, minlength=count).astype("int64"),
            "source_file": pd.Series(first["_file"].to_numpy(), dtype="str"),
            "source_sheet": pd.Series(first["_sheet"].to_numpy(), dtype="str"),
            "source_row": first["_row"].to_numpy().astype("int64"),
        },
        columns=CASE_COLUMNS,
    )


AGGREGATE_COLUMNS = ["component", "kecamatan", "jenis", "source", "numerator", "denominator"]


def aggregate_cases(cases: pd.DataFrame, rekap: pd.DataFrame | None) -> pd.DataFrame:
    """Count cases (denominator) and handled cases (numerator) per component × kecamatan × jenis."""
    counted = (
        cases.groupby(["component", "kecamatan", "jenis"], sort=True)["is_handled"]
        .agg(numerator="sum", denominator="size")
        .reset_index()
        .assign(source="register")
    )
    parts = [counted]
    if rekap is not None and not rekap.empty:
        parts.append(
            rekap.groupby(["component", "kecamatan"], sort=True)[["numerator", "denominator"]]
            .sum()
            .reset_index()
            .assign(jenis="", source="rekap")
        )
    table = pd.concat(parts, ignore_index=True)[AGGREGATE_COLUMNS]
    return table.astype({"numerator": "int64", "denominator": "int64"}).sort_values(
        ["component", "kecamatan", "jenis"], kind="stable"
    ).reset_index(drop=True)


