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
        unique=["component", "case_id"],
        strict=True,
        ordered=True,
    )


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
