"""Schema checks of what the cleaning stage writes to ``data/processed`` (pandera).

The checks of the raw registers themselves live in :mod:`ikuanalysis.clean`; these are the
last layer: whatever reaches ``data/processed`` has the right columns, types and ranges.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
# pandera imports its checks at the first validation (a third of a second); at import
# instead, so the kernel's preload pays for it while the run is being prepared.
from pandera.backends.pandas import builtin_checks  # noqa: F401

from ikuanalysis.config import Settings


def cases_schema(settings: Settings) -> pa.DataFrameSchema:
    """Return the schema of ``cases.parquet``: one row per case, no personal data."""
    return pa.DataFrameSchema(
        {
            "component": pa.Column(str, pa.Check.isin(list(settings.iku.component_ids))),
            "case_id": pa.Column(str, pa.Check.str_matches(r"^[0-9a-f]{32}$")),
            "no_kk_hash": pa.Column(str, pa.Check.str_matches(r"^(?:[0-9a-f]{32})?$")),
            "jenis": pa.Column(str),
            "kecamatan": pa.Column(str, pa.Check.isin(list(settings.geography.kecamatan))),
            "kelurahan": pa.Column(str),
            "tanggal": pa.Column("datetime64[s]", nullable=True),
            "is_handled": pa.Column(bool),
            "row_count": pa.Column("int64", pa.Check.ge(1)),
            "source_file": pa.Column(str),
            "source_sheet": pa.Column(str),
            "source_row": pa.Column("int64", pa.Check.ge(1)),
        },
        checks=pa.Check(is_unique_case, error="(component, case_id) unique"),
        strict=True,
        ordered=True,
    )


HASH_HEX = 32  # a case id: 16 bytes of keyed BLAKE2b, as hex


def is_unique_case(cases: pd.DataFrame) -> pd.Series:
    """Which rows hold a (component, case_id) that no other row holds.

    A case id is 16 bytes written as 32 hex digits: decoded into two 64-bit integers, the pairs
    are compared as numbers, exactly (a third of the time of comparing a million strings, which
    was pandera's ``unique``). Ids that are not all 32 hex digits (refused by the column check
    too) are compared as text.
    """
    import numpy as np
    import pyarrow as pa

    ids = pa.array(cases["case_id"].astype("str").array)
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    keys = pd.DataFrame({"component": pd.factorize(cases["component"])[0]}, index=cases.index)
    try:
        if ids.null_count:
            raise ValueError("a missing case id")
        fixed = ids.cast(pa.binary(HASH_HEX))  # ArrowInvalid unless every id is 32 bytes long
        start = fixed.offset * HASH_HEX
        text = fixed.buffers()[1].to_pybytes()[start:start + len(fixed) * HASH_HEX] if len(fixed) else b""
        halves = np.frombuffer(bytes.fromhex(text.decode("ascii")), dtype=np.uint64).reshape(-1, 2)
    except (ValueError, UnicodeDecodeError, pa.ArrowInvalid):  # not all hex: compared as text
        keys["case_id"] = cases["case_id"].to_numpy()
        return ~keys.duplicated(keep=False)
    # One integer per row first: rows that differ there differ in (component, case_id) too, and
    # only rows sharing it (none, in a valid table) are compared in full.
    first = halves[:, 0] ^ (keys["component"].to_numpy().astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    maybe_twice = pd.Series(first).duplicated(keep=False).to_numpy()
    is_unique = np.ones(len(cases), dtype=bool)
    if maybe_twice.any():
        shared = keys[maybe_twice].assign(high=halves[maybe_twice, 0], low=halves[maybe_twice, 1])
        is_unique[maybe_twice] = ~shared.duplicated(keep=False).to_numpy()
    return pd.Series(is_unique, index=cases.index)


def aggregate_schema(settings: Settings) -> pa.DataFrameSchema:
    """Return the schema of ``aggregate.parquet``: counts per component × kecamatan × jenis."""
    kecamatan = ["", *settings.geography.kecamatan]
    return pa.DataFrameSchema(
        {
            "component": pa.Column(str, pa.Check.isin(list(settings.iku.component_ids))),
            "kecamatan": pa.Column(str, pa.Check.isin(kecamatan)),
            "jenis": pa.Column(str),
            "source": pa.Column(str, pa.Check.isin(["register", "rekap"])),
            "numerator": pa.Column("int64", pa.Check.ge(0)),
            "denominator": pa.Column("int64", pa.Check.ge(0)),
        },
        checks=pa.Check(lambda df: df["numerator"] <= df["denominator"], error="numerator <= denominator"),
        strict=True,
        ordered=True,
    )


def check_processed(cases: pd.DataFrame, aggregate: pd.DataFrame, settings: Settings) -> None:
    """Validate both processed tables and reconcile their totals.

    Raises:
        pandera.errors.SchemaErrors: A table breaks its schema (all failures listed).
        ValueError: The aggregate does not add up to the cases.
    """
    # Checks only (the schemas coerce nothing): in place, pandera does not copy a million-case table first.
    cases_schema(settings).validate(cases, lazy=True, inplace=True)
    aggregate_schema(settings).validate(aggregate, lazy=True, inplace=True)
    from_registers = aggregate[aggregate["source"] == "register"]
    if int(from_registers["denominator"].sum()) != len(cases) or int(from_registers["numerator"].sum()) != int(
        cases["is_handled"].sum()
    ):
        raise ValueError("aggregate table does not reconcile with the cases")
