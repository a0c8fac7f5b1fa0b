"""Clean the registers of a year into cases, per the data contract §1.2–§1.4.

Each rule works on whole columns, and on the unique values of a column where a value has
to be interpreted (statuses, places, dates), never row by row in Python. Problems go to a
:class:`~ikuanalysis.quality.ProblemLog`; the caller decides whether to stop.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ikuanalysis import load, paths, privacy
from ikuanalysis.config import Component, Settings, normalize_key, normalize_value
from ikuanalysis.load import RawTable, match_regex, summary_pattern
from ikuanalysis.quality import ProblemLog, RegisterError

# The no-break space is written out: pyarrow's RE2 "\s" only knows ASCII white space.
_NIK_DROP = re.compile("[\\s\u00a0.\\-']")
_NIK_VALID = re.compile(r"^\d{16}$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (20000, 80000)  # spreadsheet serial numbers of 1954..2119
_UNREADABLE = object()
_MAX_COUNT = 2**53  # larger counts are typing errors (and would not fit the int64 columns)

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


def cell_to_text(value: object) -> str:
    """Return a cell as trimmed text: whole numbers without '.0', dates as ISO, blanks as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.replace("\xa0", " ").split())
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return " ".join(str(value).split())


def map_unique(values: pd.Series, func: Callable[[object], object]) -> pd.Series:
    """Apply ``func`` once per distinct value of ``values`` and broadcast the results."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques]
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def is_text_dtype(values: pd.Series) -> bool:
    """Whether a column holds only strings (CSV columns), so vectorised string ops apply."""
    return isinstance(values.dtype, pd.StringDtype)


def text_column(values: pd.Series) -> pd.Series:
    """Return a column of few distinct values as trimmed text (see :func:`cell_to_text`).

    Each distinct value is converted once; the result is an object column.
    """
    return map_unique(values, cell_to_text)


def name_column(values: pd.Series) -> pd.Series:
    """Return a column of many distinct values (names) as trimmed Arrow strings."""
    if is_text_dtype(values):
        return values.fillna("").str.strip()
    return map_unique(values, cell_to_text).astype("str")


def key_column(text: pd.Series) -> pd.Series:
    """Vectorised :func:`ikuanalysis.config.normalize_key` of a text column."""
    return text.astype("str").str.lower().str.replace(r"[^0-9a-z]+", "", regex=True)


def nik_column(values: pd.Series) -> pd.Series:
    """Return the NIK digits of a column (see :func:`normalize_nik`)."""
    if is_text_dtype(values):
        values = values.fillna("")
        dirty = match_regex(values, _NIK_DROP.pattern)  # most NIKs are clean: fix only the others
        if dirty.any():
            values = values.copy()
            values[dirty] = values[dirty].str.replace(_NIK_DROP.pattern, "", regex=True)
        return values
    return map_unique(values, normalize_nik).astype("str")


def _place_lookup(canonical: list[str], aliases: dict[str, str]) -> dict[str, str]:
    lookup = {normalize_key(name): name for name in canonical}
    lookup.update({normalize_key(alias): target for alias, target in aliases.items()})
    return lookup


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    lowered = text.lower()
    for prefix in sorted(prefixes, key=len, reverse=True):
        if lowered.startswith(prefix.lower()):
            return text[len(prefix):]
    return text


def resolve_places(
    values: pd.Series, canonical: list[str], aliases: dict[str, str], prefixes: tuple[str, ...]
) -> pd.Series:
    """Resolve place names to their canonical spelling; unresolved values become NA.

    Case, spaces, punctuation, a leading "Kec."/"Kecamatan" (or "Kel."/"Kelurahan") and
    the alternate spellings of ``config/wilayah_alias.csv`` do not matter.
    """
    lookup = _place_lookup(canonical, aliases)

    def resolve(text: object) -> object:
        key = normalize_key(_strip_prefix(str(text).strip(), prefixes))
        return lookup.get(key, pd.NA)

    return map_unique(values, resolve)


def _jenis_key(text: str) -> str:
    # Official spelling since PP 2/2018 is "telantar"; registers use both.
    return normalize_key(text).replace("terlantar", "telantar")


def resolve_jenis(values: pd.Series, reference: tuple[str, ...], aliases: dict[str, str]) -> pd.Series:
    """Resolve jenis against a reference list; unknown (or blank) values become NA."""
    lookup = {_jenis_key(name): name for name in reference}
    lookup.update({_jenis_key(a): t for a, t in aliases.items() if t in reference})
    return map_unique(values, lambda v: lookup.get(_jenis_key(str(v)), pd.NA))


def parse_status(values: pd.Series, lookup: dict[str, bool]) -> pd.Series:
    """Map status values to True/False; blank -> False; unknown -> NA (an error)."""

    def parse(value: object) -> object:
        text = normalize_value(cell_to_text(value))
        if text == "":
            return False
        return lookup.get(text, pd.NA)

    return map_unique(values, parse)


def parse_date(value: object, months: dict[str, int]) -> object:
    """Parse one date cell: a spreadsheet date, a serial number, or day-first text.

    Returns:
        A ``datetime.date``, ``None`` for a blank cell, or ``_UNREADABLE``.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if np.isnan(value):
            return None
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return _UNREADABLE
    text = cell_to_text(value).lower()
    if text == "":
        return None
    try:
        if match := _DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
        elif match := _YMD.match(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _D_MONTH_Y.match(text):
            day, year = int(match.group(1)), int(match.group(3))
            month = months.get(match.group(2))
            if month is None:
                return _UNREADABLE
        else:
            return _UNREADABLE
        return dt.date(year, month, day)
    except ValueError:  # 31/02/2025
        return _UNREADABLE


def parse_dates(values: pd.Series, months: dict[str, int]) -> tuple[pd.Series, pd.Series]:
    """Parse a date column once per distinct value.

    Returns:
        ``(dates, unreadable)``: dates as ``datetime64[s]`` (NaT for blank or unreadable
        cells) and a mask of the unreadable ones.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    parsed = [parse_date(u, months) for u in uniques]
    is_unreadable = np.array([p is _UNREADABLE for p in parsed], dtype=bool)
    as_dates = pd.to_datetime(
        pd.Series([p if isinstance(p, dt.date) else None for p in parsed], dtype=object)
    ).astype("datetime64[s]").to_numpy()
    return (
        pd.Series(as_dates[codes], index=values.index),
        pd.Series(is_unreadable[codes], index=values.index),
    )


def normalize_nik(value: object) -> str:
    """Return a NIK's digits: number cells as digits; spaces, dots, dashes, apostrophes removed."""
    if isinstance(value, float) and not np.isnan(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _NIK_DROP.sub("", cell_to_text(value))


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


def parse_count(value: object) -> object:
    """Parse a whole number written the Indonesian way ('1.234'); NA when not a whole number >= 0."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value) if float(value).is_integer() and value >= 0 else None
    else:
        text = cell_to_text(value).replace(" ", "")
        number = int(text.replace(".", "")) if re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", text) else None
    return pd.NA if number is None or number > _MAX_COUNT else number


def clean_rekap(raw: RawTable, settings: Settings, log: ProblemLog) -> pd.DataFrame:
    """Clean the aggregate (rekap) rows: komponen, sasaran, realisasi, optional kecamatan.

    Returns:
        One row per rekap line: component, kecamatan ('' when not given), numerator,
        denominator, with the source location.
    """
    frame = raw.frame
    headers = raw.headers

    def add(code, message, rows, column, values):
        log.add_rows("error", code, message, _with_headers(rows, headers, column), column=column, values=values)

    texts = {c: text_column(frame[c]) for c in ("komponen", "sasaran", "realisasi", "kecamatan")}
    blank = (texts["komponen"] == "") & (texts["sasaran"] == "") & (texts["realisasi"] == "")
    summary = pd.Series(match_regex(frame["_first_text"], summary_pattern(settings.vocabulary.summary_prefixes)),
                        index=frame.index)
    frame, texts = frame[~blank & ~summary], {k: v[~blank & ~summary] for k, v in texts.items()}
    component = texts["komponen"].str.lower().str.replace(" ", "")
    bad_component = ~component.isin(["x1", "x2", "x3", "x4"])
    add("unknown_component", "Komponen harus x1, x2, x3 atau x4.", frame[bad_component], "komponen", texts["komponen"])
    numbers = {}
    for col in ("sasaran", "realisasi"):
        numbers[col] = map_unique(frame[col], parse_count)
        add(
            "invalid_count", f"Nilai {col} harus bilangan bulat tidak negatif (mis. 1.234).",
            frame[numbers[col].isna()], col, texts[col],
        )
    too_many = numbers["realisasi"].notna() & numbers["sasaran"].notna()
    too_many &= numbers["realisasi"].fillna(0).astype("int64") > numbers["sasaran"].fillna(0).astype("int64")
    add(
        "realisasi_above_sasaran", "Realisasi lebih besar dari sasaran: periksa kedua angka.",
        frame[too_many], "realisasi", texts["realisasi"],
    )
    given = texts["kecamatan"] != ""
    geo = settings.geography
    kecamatan = resolve_places(
        texts["kecamatan"], list(geo.kecamatan), geo.aliases["kecamatan"],
        settings.vocabulary.place_prefixes["kecamatan"],
    )
    add(
        "unknown_kecamatan", "Kecamatan tidak dikenali. Tulis salah satu dari: " + ", ".join(geo.kecamatan) + ".",
        frame[given & kecamatan.isna()], "kecamatan", texts["kecamatan"],
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


@dataclass
class CleanResult:
    """Everything the cleaning stage produces for one year (nothing written yet)."""

    year: int
    cases: pd.DataFrame
    aggregate: pd.DataFrame
    log: ProblemLog
    stats: list[ComponentStats]
    inputs: list[dict]


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


def clean_year(raw_dir, settings: Settings, year: int, key: bytes | None = None) -> CleanResult:
    """Read and clean every register of a year folder, collecting all problems.

    Args:
        raw_dir: The year folder (``data/raw/2025``).
        settings: The validated configuration.
        year: The reporting year.
        key: Key of the case-id hash; the project's key when omitted.

    Returns:
        The cleaned cases, the aggregate table, the log, per-component counts and the
        input files with their SHA-256.

    Raises:
        RegisterError: Any error was found (the exception lists all of them).
    """
    raw_dir = Path(raw_dir)
    log = ProblemLog()
    if not raw_dir.is_dir():
        log.add(
            "error", "missing_year_folder",
            f"Folder data tahun {year} tidak ada. Buat folder ini dan letakkan register x1–x4 di dalamnya.",
            file=str(raw_dir),
        )
        raise RegisterError(log, year)
    files = load.discover_files(raw_dir, log)
    inputs = [
        {"file": name, "sha256": sha256, "bytes": (raw_dir / name).stat().st_size}
        for name, sha256 in paths.hash_folder(raw_dir).items()
    ]
    unreadable = {f.component for f in files if f.kind == "unsupported"}  # already reported
    registers = load.read_registers(files, settings, log)
    rekap_raw = load.read_rekap(files, log, settings.vocabulary.summary_prefixes)
    rekap = clean_rekap(rekap_raw, settings, log) if rekap_raw is not None else None
    from ikuanalysis.supplements import read_budget

    read_budget(raw_dir, log)  # checked here so that `validate` reports its errors too

    all_rows, stats, identities = [], [], []
    for component in settings.iku.components:
        in_rekap = rekap is not None and (rekap["component"] == component.id).any()
        if component.id in registers and in_rekap:
            rows = rekap[rekap["component"] == component.id]
            log.add_rows(
                "error", "component_twice",
                f"Komponen {component.id} ada sebagai register dan juga di rekap. Pakai salah satu saja: "
                "hapus baris rekap ini atau register-nya.",
                rows, column="komponen",
            )
        elif component.id not in registers and not in_rekap and component.id not in unreadable:
            log.add(
                "error", "missing_component",
                f"Tidak ada register untuk komponen {component.id} ({component.label}). Tambahkan berkas "
                f"yang namanya diawali '{component.id}_' (mis. {component.id}_{component.jenis_list}.xlsx), "
                "atau baris rekap; register tanpa baris data berarti tidak ada kasus tahun ini.",
                file=raw_dir.name,
            )
        if component.id in registers:
            rows, component_stats, identities = clean_register(
                registers[component.id], component, settings, year, log
            )
            all_rows.append((component.id, rows, identities))
            stats.append(component_stats)
        elif in_rekap:
            own = rekap[rekap["component"] == component.id]
            stats.append(ComponentStats(
                component=component.id, rows_in_files=len(own), blank_rows=0, summary_rows=0,
                rows_read=len(own), excluded_other_year=0, duplicates_merged=0,
                cases=int(own["denominator"].sum()), handled=int(own["numerator"].sum()),
                blank_status=0, blank_date=0, invalid_nik=0, unknown_jenis=0, unknown_kelurahan=0,
            ))
    if log.has_errors:
        raise RegisterError(log, year)

    key = privacy.load_key() if key is None else key
    parts = []
    for component_id, rows, identities in all_rows:
        case_ids = privacy.hash_identities(identities.distinct, key)
        parts.append(merge_cases(rows, identities, component_id, case_ids))
    if parts:
        cases = pd.concat(parts, ignore_index=True)
    else:
        cases = merge_cases(pd.DataFrame(columns=["jenis", "kecamatan", "kelurahan", "tanggal", "is_handled", "_file",
                                                  "_sheet", "_row"]), Identities(np.zeros(0, dtype=np.int64), []), "", [])
    aggregate = aggregate_cases(cases, rekap)
    return CleanResult(year=year, cases=cases, aggregate=aggregate, log=log, stats=stats, inputs=inputs)
