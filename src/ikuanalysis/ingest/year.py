"""Clean one year folder: discover, read, clean every component and the rekap, collect all problems.

The entry point of the ingest stage (:func:`clean_year`); nothing is written here
(:mod:`ikuanalysis.ingest.store` writes).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ikuanalysis import paths
from ikuanalysis.config import Settings
from ikuanalysis.disclosure import RegisterNames, published_file_names
from ikuanalysis.ingest import discover, identity, read
from ikuanalysis.ingest.cases import (
    HOUSEHOLD_PREFIX,
    ComponentStats,
    Identities,
    aggregate_cases,
    clean_register,
    merge_cases,
    slice_texts,
)
from ikuanalysis.ingest.problems import ProblemLog, RegisterError
from ikuanalysis.ingest.evaluator_inputs import read_budget, read_notes
from ikuanalysis.ingest.gates import check_quality_gates
from ikuanalysis.ingest.rekap import clean_rekap
from ikuanalysis.ingest.sumber import read_sumber


@dataclass
class CleanResult:
    """Everything the cleaning stage produces for one year (nothing written yet)."""

    year: int
    cases: pd.DataFrame
    aggregate: pd.DataFrame
    log: ProblemLog
    stats: list[ComponentStats]
    inputs: list[dict]
    budget: pd.DataFrame | None = None  # anggaran.csv, checked (None when absent)
    notes: dict[str, str] = field(default_factory=dict)  # catatan.md by heading
    is_sample: bool = False  # the folder holds the synthetic-sample marker
    quality_gates: list = field(default_factory=list)  # breached gates (GateOutcome), each accepted in sumber.yml
    # Component id -> how its cases were counted ("person" or "household", config counting_unit).
    counting_units: dict[str, str] = field(default_factory=dict)


def clean_year(raw_dir, settings: Settings, year: int, key: bytes | None = None, *, check_only: bool = False) -> CleanResult:
    """Read and clean every register of a year folder, collecting all problems.

    Args:
        raw_dir: The year folder (``data/raw/2025``).
        settings: The validated configuration.
        year: The reporting year.
        key: Key of the case-id hash; the project's key when omitted.
        check_only: Only check (``ikuanalysis validate``): the cases are not hashed, merged
            nor aggregated (the result's ``cases`` and ``aggregate`` are empty); the log and
            the counts are the same.

    Returns:
        The cleaned cases, the aggregate table, the log, per-component counts and the
        input files with their SHA-256.

    Raises:
        RegisterError: Any error was found (the exception lists all of them).
    """
    raw_dir = Path(raw_dir)
    log = ProblemLog()
    if not raw_dir.is_dir():
        log.add("missing_year_folder", year=year, components=", ".join(settings.iku.component_ids), file=str(raw_dir))
        raise RegisterError.of(log, year)
    sumber = read_sumber(raw_dir, log, settings.iku.component_ids)
    files = discover.discover_files(raw_dir, log, settings.iku.components, sumber,
                                    known_files=(settings.iku.policies.sample_data_marker,))
    if log.has_code("symlink_outside_folder"):  # a link out of the folder: nothing of the folder is read
        raise RegisterError.of(log, year)
    # The inputs' SHA-256 on the other core while the registers are read (hashlib lets go of
    # the GIL on large buffers): 0.1 s per 140 MB off the critical path.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashes = pool.submit(paths.hash_folder, raw_dir)
        unreadable = {f.component for f in files if f.kind == "unsupported"}  # already reported
        registers = read.read_registers(files, settings, log)
        hashed = hashes.result()
        shown = published_file_names(hashed)  # a NIK in a file's name is never written (§1.5)
        inputs = [
            {"file": shown[name], "sha256": sha256, "bytes": (raw_dir / name).stat().st_size}
            for name, sha256 in hashed.items()
        ]
    # Every register's names are withheld everywhere (contract §1.5): one set for all of them.
    log.withhold_names(RegisterNames.of_columns([raw.frame["nama"] for raw in registers.values()]))
    rekap_raw = read.read_rekap(files, log, (*settings.vocabulary.summary_prefixes, settings.iku.organization.city),
                                settings.limits)
    rekap = clean_rekap(rekap_raw, settings, log) if rekap_raw is not None else None
    budget = read_budget(raw_dir, log, settings.iku.component_ids)  # checked here so that `validate` reports its errors too
    notes = read_notes(raw_dir)

    all_rows, stats = clean_components(registers, rekap, unreadable, settings, year, raw_dir.name, log)
    del registers, rekap_raw  # the rows as read (a million of them) are not needed past this point
    gates = check_quality_gates(stats, settings.iku.quality_gates, sumber, year, raw_dir.name, log)
    if log.has_errors:
        raise RegisterError.of(log, year)

    if check_only:  # the counts are made; hashing a million identities would only be thrown away
        all_rows = []
    cases = hash_and_merge(all_rows, identity.load_key() if key is None else key)
    aggregate = aggregate_cases(cases, rekap)
    return CleanResult(year=year, cases=cases, aggregate=aggregate, log=log, stats=stats, inputs=inputs,
                       budget=budget, notes=notes, quality_gates=gates,
                       is_sample=(raw_dir / settings.iku.policies.sample_data_marker).is_file(),
                       counting_units={c.id: c.counting_unit for c in settings.iku.components})


def clean_components(registers: dict, rekap: pd.DataFrame | None, unreadable: set, settings: Settings, year: int,
                     folder_name: str, log: ProblemLog) -> tuple[list, list[ComponentStats]]:
    """Clean each configured component from its registers or its rekap rows; log missing or doubled ones.

    Returns:
        ``(component id, kept rows, identities)`` per component with registers, and the
        counts of every component found.
    """
    all_rows, stats = [], []
    for component in settings.iku.components:
        in_rekap = rekap is not None and (rekap["component"] == component.id).any()
        if component.id in registers and in_rekap:
            rows = rekap[rekap["component"] == component.id]
            log.add_rows("component_twice", rows, column="komponen", component=component.id)
        elif component.id not in registers and not in_rekap and component.id not in unreadable:
            log.add(
                "missing_component", component=component.id, label=component.label, prefix=component.prefix,
                jenis_list=component.jenis_list, file=folder_name,
            )
        if component.id in registers:
            rows, component_stats, identities = clean_register(registers[component.id], component, settings, year, log,
                                                                withhold=False)
            all_rows.append((component.id, rows, identities))
            stats.append(component_stats)
        elif in_rekap:
            stats.append(rekap_stats(component.id, rekap[rekap["component"] == component.id]))
    return all_rows, stats


def rekap_stats(component_id: str, own: pd.DataFrame) -> ComponentStats:
    """Return the counts of a component given only as rekap rows (totals, no row-level cleaning)."""
    return ComponentStats(
        component=component_id, rows_in_files=len(own), blank_rows=0, summary_rows=0, footer_rows=0, group_rows=0,
        rows_read=len(own), excluded_other_year=0, duplicates_merged=0,
        cases=int(own["denominator"].sum()), handled=int(own["numerator"].sum()),
        blank_status=0, blank_date=0, invalid_nik=0, unknown_jenis=0, unknown_kelurahan=0,
    )


def hash_and_merge(all_rows: list, key: bytes) -> pd.DataFrame:
    """Replace each case identity and No. KK by its keyed hash and collapse the rows of a case into one.

    ``case_id`` is the hash of the case identity (``N:<NIK>``, ``P:<name>|<place>``, or
    ``K:<No. KK>`` in a household component) and ``no_kk_hash`` that of ``K:<No. KK>`` ('' for a
    case without a valid No. KK): in a household component the two are equal. Every identity
    of every component is hashed in one job (on both cores when it is large).
    """
    batches = []
    for _, _, identities in all_rows:
        batches.append(case_batch(identities))
        batches.append(household_batch(identities.household_codes[1]))
    hashed = identity.hash_identity_batches(batches, key)
    parts = [
        merge_cases(rows, identities, component_id, hashed[2 * i],
                    household_hashes(identities.household_codes[0], hashed[2 * i + 1]))
        for i, (component_id, rows, identities) in enumerate(all_rows)
    ]
    if parts:
        return pd.concat(parts, ignore_index=True)
    empty = pd.DataFrame(columns=["jenis", "kecamatan", "kelurahan", "tanggal", "is_handled", "_file", "_sheet", "_row"])
    return merge_cases(empty, Identities(np.zeros(0, dtype=np.int64)), "", [], [])


def case_batch(identities: Identities) -> identity.IdentityBatch:
    """Return the identity strings of the cases, for hashing (one per case, in case order)."""
    return identity.IdentityBatch(identities.count, lambda start, stop: identities.keys.strings(identities.order[start:stop]))


def household_batch(distinct: Sequence[str]) -> identity.IdentityBatch:
    """Return ``K:<No. KK>`` of each distinct No. KK, for hashing."""
    def texts(start: int, stop: int) -> list[str]:
        return [HOUSEHOLD_PREFIX + no_kk for no_kk in slice_texts(distinct, start, stop)]

    return identity.IdentityBatch(len(distinct), texts)


def household_hashes(codes: np.ndarray, digests: pd.Series) -> pd.Series:
    """Return the hash of each case's No. KK ('' where it has none) from the hashes of the distinct ones.

    Args:
        codes: For each case, the number of its No. KK among the distinct ones (-1: none).
        digests: The hash of each distinct No. KK (the members of a family share theirs).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    hashes = pc.fill_null(pa.array(digests.array).take(pa.array(codes, mask=codes < 0)), "")  # no Python string
    return pd.Series(pd.array(hashes, dtype="str"))


def hash_households(codes: np.ndarray, distinct: Sequence[str], key: bytes) -> pd.Series:
    """Return the keyed hash of ``K:<No. KK>`` for each case's No. KK, '' where there is none.

    Args:
        codes: For each case, the number of its No. KK in ``distinct`` (-1: none).
        distinct: The distinct No. KK, each hashed once (the members of a family share theirs).
        key: The hashing key.
    """
    return household_hashes(codes, identity.hash_identity_batches([household_batch(distinct)], key)[0])
