#!/usr/bin/env python3
"""Benchmark of the cleaning stage (``clean_year``) and of ``write_processed`` on large registers.

Run by hand (never collected by pytest), with the project's virtual environment::

    .venv/bin/python benchmarks/bench_clean.py                  # all cases, prints a Markdown table
    .venv/bin/python benchmarks/bench_clean.py --cases csv_10k csv_100k --repeat 3
    .venv/bin/python benchmarks/bench_clean.py --write-docs     # also updates docs/performance.md
    .venv/bin/python benchmarks/bench_clean.py --profile csv_1m # cProfile of clean_year, top functions

What it does:

1. Generates (seeded, byte-for-byte repeatable, cached under ``benchmarks/data/``, which git ignores)
   one year folder per case. Each folder holds a large x3 register plus tiny x1, x2 and x4 registers,
   because ``clean_year`` needs all four components:

   - ``csv_10k``, ``csv_100k``, ``csv_1m``: ``x3_bansos.csv`` with 10,000 / 100,000 / 1,000,000 rows,
     semicolon-separated, title rows above the header, NIKs (16 digits, ~2 % duplicate persons, a few
     with an apostrophe, spaces, dots, blank or not 16 digits), names, jenis with spelling variants,
     kecamatan and kelurahan with spelling variants ("Kec. Jekan", "SEBANGAU", ...), text dates
     ``dd/mm/yyyy`` and ``5 Maret 2025`` (~1 % in the previous year, a few blank), status
     Ya/Tidak/Sudah/Belum with a few blank cells, and a JUMLAH row at the end.
   - ``xlsx_100k``: the same kind of register as ``x3_bansos.xlsx`` (100,000 rows), written by
     xlsxwriter in ``constant_memory`` mode, dates as real date cells, NIK as text cells.

2. Runs every (case, stage) in a FRESH Python subprocess, so that the peak RSS
   (``VmHWM`` of ``/proc/self/status``, else ``ru_maxrss``) belongs to that case and stage alone:

   - ``read``:  ``load.discover_files`` + ``load.read_registers`` (finding headers and columns only);
   - ``clean``: ``clean.clean_year`` (read + every cleaning rule + hashing + aggregation);
   - ``write``: ``clean.clean_year`` then ``processed.write_processed`` into a temporary folder; the
     time reported is that of ``write_processed`` alone, the peak that of the whole process.

   Each (case, stage) runs ``--repeat`` times (default 3): the table shows the best wall time (and the
   median when it is noticeably higher), the CPU time (user + system, all threads) and the highest peak.
   Times cover the call only (interpreter start, imports and loading ``config/`` are excluded; the RSS
   at that point is reported as the baseline). The 1-minute load average is recorded before each run
   and a note is printed when the machine was busy. Input files were just written or read before, so
   they are usually in the OS page cache.

3. Prints a Markdown table, compares it with the targets (1,000,000-row CSV cleaned in < 10 s with a
   peak < 2 GiB; 100,000-row xlsx read and cleaned in < 4 s) and, with ``--write-docs``, writes it under
   the heading "## Cleaning stage" of ``docs/performance.md`` (replacing only that section).

The project's key file is never touched: a fixed benchmark key is passed to ``clean_year``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # the shared register writer is test tooling (tests/fixtures), not in the package
from tests.fixtures.registers import Sheet, write_register  # noqa: E402

sys.path.insert(0, str(HERE))
from benchlib import status_kib  # noqa: E402

DATA_DIR = HERE / "data"
DOCS_FILE = REPO / "docs" / "performance.md"
SECTION_HEADING = "## Cleaning stage"
RESULTS_FILE = DATA_DIR / "last_results.json"

GENERATOR_VERSION = 4  # bump when the generated data change (forces regeneration)
SEED = 20250220
YEAR = 2025
BENCH_KEY = b"ikuanalysis-benchmark-key-not-secret"
MIB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    name: str
    rows: int
    fmt: str  # "csv" or "xlsx"

    @property
    def folder(self) -> Path:
        return DATA_DIR / self.name / str(YEAR)

    @property
    def big_file(self) -> Path:
        return self.folder / f"x3_bansos.{self.fmt}"


CASES = {
    c.name: c
    for c in (
        Case("csv_10k", 10_000, "csv"),
        Case("csv_100k", 100_000, "csv"),
        Case("csv_1m", 1_000_000, "csv"),
        Case("xlsx_100k", 100_000, "xlsx"),
    )
}
STAGES = ("read", "clean", "write")

# Targets: (case, what is measured, limit, unit, description)
TARGETS = (
    ("csv_1m", "clean_s", 10.0, "s", "1,000,000-row CSV: clean_year wall time"),
    ("csv_1m", "clean_peak_mib", 2048.0, "MiB", "1,000,000-row CSV: clean_year peak RSS"),
    ("xlsx_100k", "clean_s", 4.0, "s", "100,000-row xlsx: read and cleaned (clean_year) wall time"),
)


# --------------------------------------------------------------------------------------------
# Data generation
# --------------------------------------------------------------------------------------------

FIRST = (
    "Agustinus Yohanes Paulus Petrus Fransiskus Yulianus Markus Stefanus Natalia Maria Kristina Fransiska "
    "Yuliana Veronika Elisabet Debora Muhammad Ahmad Rahmat Syamsul Hendra Budi Rudi Agus Yusuf Ilham Arif "
    "Fajar Rizky Hasan Siti Nur Fitri Dewi Sri Aisyah Rahmah Jumiati Misnah Noor Halimah Rusmini Sumiati "
    "Kartini Wahyuni Indah Yanti Ratna Eka Dwi Dian Rina Sinta Mega Ayu Bayu Eko Joko Slamet Supriadi "
    "Herman Lukas Simon Daniel Samuel Yosua Gabriel Andreas Tommy Ferdinand Meiliana Oktaviani Novita Desi "
    "Elvina Lusiana Ester Rut Gusti Arbiyah Norhayati Saniah Taufik Kaspul"
).split()
LAST = (
    "Tingang Dandan Bungai Rangkap Lambung Ampung Nyahu Usop Sahari Unting Nahan Kuhu Ahat Pijar Sandan Uju "
    "Itah Ramang Bangkan Lamiang Tuah Kaharap Sangen Rawai Ngabe Asang Anyang Lambang Baboe Saputra Rahman "
    "Santoso Wijaya Setiawan Hidayat Kurniawan Hasanah Anggraini Pratama Susanti Lestari Siregar Pasaribu "
    "Rusdi Effendi Mulyadi Hartono Ramli Kusuma Gunawan Syahputra Nugroho Maharani Fitriani Mariani"
).split()
STREETS = (
    "G. Obos", "Tjilik Riwut Km 5", "RTA Milono", "Yos Sudarso", "Temanggung Tilung", "Rajawali",
    "Mahir Mahar", "Beliang", "Seth Adji", "Diponegoro", "Kinibalu", "A. Yani", "Sisingamangaraja", "Cilik Riwut",
)
MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
    "November", "Desember",
)
KEC_WEIGHT = {"Jekan Raya": 40, "Pahandut": 33, "Sabangau": 12, "Bukit Batu": 11, "Rakumpit": 4}
JENIS_WEIGHT = {
    "ppks": {"Fakir Miskin": 55, "Perempuan Rawan Sosial Ekonomi": 15, "Lanjut Usia Telantar": 15,
             "Penyandang Disabilitas": 7, "Anak Telantar": 4, "Keluarga Bermasalah Sosial Psikologis": 2,
             "Komunitas Adat Terpencil": 1, "Pemulung": 1},
    "psks": {"Pekerja Sosial Masyarakat (PSM)": 5, "Taruna Siaga Bencana (Tagana)": 3, "Karang Taruna": 2},
    "bencana": {"Banjir": 3, "Kebakaran Permukiman": 1},
}
# Spelling variants as registers write them (each must still resolve, per config/).
JENIS_VARIANTS = {
    "Lanjut Usia Telantar": ["Lansia Terlantar", "Lanjut Usia Terlantar"],
    "Anak Telantar": ["Anak Terlantar"],
    "Pekerja Sosial Masyarakat (PSM)": ["PSM"],
    "Taruna Siaga Bencana (Tagana)": ["Tagana"],
    "Kebakaran Permukiman": ["Kebakaran Rumah"],
}
NOTES = ("", "", "", "", "", "", "Terdaftar DTKS", "Terdaftar DTSEN desil 1", "Pindah domisili", "Meninggal dunia")
HEADERS = {
    "x1": ["No", "NIK", "Nama PSKS", "Jenis", "Kecamatan", "Kelurahan", "Alamat", "Tanggal", "Berkontribusi",
           "Keterangan"],
    "x2": ["No", "NIK", "Nama PPKS", "Jenis PPKS", "Kecamatan", "Kelurahan", "Alamat", "Tanggal Asesmen",
           "Ditangani Sesuai Standar", "Keterangan"],
    "x3": ["No", "NIK", "Nama Penerima", "Jenis PPKS", "Kecamatan", "Kelurahan", "Alamat", "Tanggal Penyaluran",
           "Tepat Sasaran", "Keterangan"],
    "x4": ["No", "NIK", "Nama Korban", "Jenis Bencana", "Kecamatan", "Kelurahan", "Alamat", "Tanggal Kejadian",
           "Menerima Bantuan", "Keterangan"],
}
TITLES = {
    "x1": ["DATA POTENSI DAN SUMBER KESEJAHTERAAN SOSIAL (PSKS)"],
    "x2": ["DATA PPKS REHABILITASI SOSIAL"],
    "x3": ["DAFTAR PENERIMA BANTUAN SOSIAL (VERIFIKASI DTKS)", "DINAS SOSIAL KOTA PALANGKA RAYA", f"TAHUN {YEAR}"],
    "x4": ["REKAP DATA KORBAN BENCANA DAN PENYALURAN BANTUAN"],
}
JENIS_LIST = {"x1": "psks", "x2": "ppks", "x3": "ppks", "x4": "bencana"}


def _variants_table(rng_names: list[list[str]]):
    """Return an object array [item, variant] (ragged lists padded with their first entry)."""
    import numpy as np

    width = max(len(v) for v in rng_names)
    table = np.empty((len(rng_names), width), dtype=object)
    for i, names in enumerate(rng_names):
        table[i, :] = [names[j] if j < len(names) else names[0] for j in range(width)]
    return table


def generate_register(n: int, component: str, seed: int, with_dates_as: str = "text"):
    """Return the data rows of a synthetic register as a dict of columns (lists/arrays).

    Args:
        n: Number of data rows (before the JUMLAH row).
        component: x1..x4 (chooses the jenis list and the headers).
        seed: Seed of the generator.
        with_dates_as: "text" (dd/mm/yyyy or '5 Maret 2025') or "date" (``datetime.date``, None when blank).
    """
    import numpy as np
    import pandas as pd

    from ikuanalysis.config import load_settings

    settings = load_settings()
    geo = settings.geography
    rng = np.random.default_rng(seed)

    persons = max(1, int(round(n * 0.98)))  # ~2 % of the rows repeat a person
    kec_names = list(geo.kecamatan)
    kec_w = np.array([KEC_WEIGHT.get(k, 1) for k in kec_names], dtype=float)
    p_kec = rng.choice(len(kec_names), size=persons, p=kec_w / kec_w.sum())

    kel_names = list(geo.kelurahan)
    kel_of_kec = {k: [i for i, kel in enumerate(kel_names) if geo.kelurahan[kel] == k] for k in kec_names}
    p_kel = np.empty(persons, dtype=np.int64)
    for k_index, k in enumerate(kec_names):
        mask = p_kec == k_index
        p_kel[mask] = rng.choice(kel_of_kec[k], size=int(mask.sum()))

    jenis_w = JENIS_WEIGHT[JENIS_LIST[component]]
    jenis_names = list(jenis_w)
    jw = np.array(list(jenis_w.values()), dtype=float)
    p_jenis = rng.choice(len(jenis_names), size=persons, p=jw / jw.sum())

    first = np.array(FIRST, dtype=object)[rng.integers(0, len(FIRST), persons)]
    middle = np.array(FIRST + [""] * len(FIRST), dtype=object)[rng.integers(0, 2 * len(FIRST), persons)]
    last = np.array(LAST, dtype=object)[rng.integers(0, len(LAST), persons)]
    names = (pd.Series(first) + " " + pd.Series(middle) + " " + pd.Series(last)).str.replace("  ", " ").to_numpy()

    # NIK: 6271 0k + 10 unique random digits (k = kecamatan code 1..5)
    tail = rng.choice(10**10, size=persons, replace=False)
    nik_int = (627100 + p_kec + 1).astype(np.int64) * 10**10 + tail.astype(np.int64)
    p_nik = pd.Series(nik_int).astype("str").to_numpy(dtype=object)

    # Rows: every person once, then ~2 % repeats, in random order.
    row_person = np.concatenate([np.arange(persons), rng.integers(0, persons, n - persons)])
    rng.shuffle(row_person)

    # NIK as written: 1 % blank, 1 % apostrophe, 0.3 % spaces, 0.3 % dots, 0.3 % 15 digits (invalid).
    nik = p_nik[row_person].copy()
    draw = rng.random(n)
    nik[draw < 0.01] = ""
    sel = (draw >= 0.01) & (draw < 0.02)
    nik[sel] = "'" + pd.Series(nik[sel], dtype=object)
    sel = (draw >= 0.02) & (draw < 0.023)
    nik[sel] = pd.Series(nik[sel], dtype=object).str.replace(r"(\d{4})(?=\d)", r"\1 ", regex=True).to_numpy()
    sel = (draw >= 0.023) & (draw < 0.026)
    nik[sel] = pd.Series(nik[sel], dtype=object).str.replace(r"^(\d{2})(\d{2})(\d{2})", r"\1.\2.\3.", regex=True).to_numpy()
    sel = (draw >= 0.026) & (draw < 0.029)
    nik[sel] = pd.Series(nik[sel], dtype=object).str[:15].to_numpy()

    # Kecamatan as written: canonical, UPPER, lower, "Kec. X", alias ("Jekan", "Sebangau") or canonical.
    kec_alias = {target: alias for alias, target in geo.aliases["kecamatan"].items()}
    kec_table = _variants_table(
        [[k, k.upper(), k.lower(), f"Kec. {k}", f"Kecamatan {k}", kec_alias.get(k, k)] for k in kec_names]
    )
    kec_variant = rng.choice(kec_table.shape[1], size=n, p=[0.80, 0.05, 0.05, 0.04, 0.02, 0.04])
    kecamatan = kec_table[p_kec[row_person], kec_variant]

    # Kelurahan as written: canonical, "Kel. X", lower, alias or canonical, blank ...
    kel_alias = {target: alias for alias, target in geo.aliases["kelurahan"].items()}
    # ... and 0.2 % misspelt beyond the alias table (a warning, kept as written).
    kel_table = _variants_table([[k, f"Kel. {k}", k.lower(), kel_alias.get(k, k), "", k[:-1]] for k in kel_names])
    kel_variant = rng.choice(kel_table.shape[1], size=n, p=[0.848, 0.05, 0.04, 0.03, 0.03, 0.002])
    kelurahan = kel_table[p_kel[row_person], kel_variant]

    jenis_table = _variants_table([[j, *JENIS_VARIANTS.get(j, []), j.lower()] for j in jenis_names])
    jenis_variant = rng.choice(jenis_table.shape[1], size=n, p=[0.9] + [0.1 / (jenis_table.shape[1] - 1)] * (jenis_table.shape[1] - 1))
    jenis = jenis_table[p_jenis[row_person], jenis_variant]

    # Dates: 98.5 % in YEAR, 1 % in YEAR-1 (excluded), 0.5 % blank.
    start = dt.date(YEAR - 1, 1, 1)
    days = np.array([start + dt.timedelta(days=d) for d in range((dt.date(YEAR + 1, 1, 1) - start).days)], dtype=object)
    in_year = np.array([d.year == YEAR for d in days])
    year_idx, prev_idx = np.flatnonzero(in_year), np.flatnonzero(~in_year)
    date_draw = rng.random(n)
    day_index = np.where(
        date_draw < 0.01, rng.choice(prev_idx, size=n), rng.choice(year_idx, size=n)
    )
    blank_date = date_draw > 0.995
    if with_dates_as == "date":
        tanggal = days[day_index]
        tanggal[blank_date] = None
    else:
        dmy = np.array([d.strftime("%d/%m/%Y") for d in days], dtype=object)
        indo = np.array([f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}" for d in days], dtype=object)
        tanggal = np.where(rng.random(n) < 0.7, dmy[day_index], indo[day_index])
        tanggal[blank_date] = ""

    # Status: Ya/Sudah (handled, ~90 %), Tidak/Belum, 0.1 % blank.
    status = np.array(["Ya", "Sudah", "Tidak", "Belum", ""], dtype=object)[
        rng.choice(5, size=n, p=[0.60, 0.30, 0.06, 0.039, 0.001])
    ]

    street = np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), n)]
    number = rng.integers(1, 120, n).astype(str).astype(object)
    rt = rng.integers(1, 15, n)
    alamat = "Jl. " + street + " No. " + number
    with_rt = rng.random(n) < 0.5
    alamat[with_rt] = alamat[with_rt] + pd.Series(rt[with_rt]).map(lambda r: f", RT {r:03d}/RW {r % 7 + 1:03d}").to_numpy()
    keterangan = np.array(NOTES, dtype=object)[rng.integers(0, len(NOTES), n)]

    return {
        "No": np.arange(1, n + 1),
        "NIK": nik,
        "Nama": names[row_person],
        "Jenis": jenis,
        "Kecamatan": kecamatan,
        "Kelurahan": kelurahan,
        "Alamat": alamat,
        "Tanggal": tanggal,
        "Status": status,
        "Keterangan": keterangan,
    }


def _register_rows(n: int, component: str, seed: int, with_dates_as: str):
    """Title rows, the header, the data rows and the JUMLAH row of a register (rows of cells)."""
    columns = generate_register(n, component, seed, with_dates_as)
    width = len(HEADERS[component])
    yield from ([title] + [None] * (width - 1) for title in TITLES[component])
    yield HEADERS[component]
    yield from zip(*columns.values())
    total = ["JUMLAH"] + [None] * (width - 1)
    if with_dates_as == "text":
        total[-1] = f"{n} baris"
    else:
        total[8] = n  # the status column
    yield total


def write_csv_register(path: Path, n: int, component: str, seed: int) -> None:
    """Write a semicolon-separated register with title rows, a header and a JUMLAH row (UTF-8)."""
    write_register(path, Sheet("", _register_rows(n, component, seed, "text")), delimiter=";", encoding="utf-8")


def write_xlsx_register(path: Path, n: int, component: str, seed: int) -> None:
    """Write an xlsx register (constant_memory): title rows, header, real date cells, NIK as text."""
    titles = len(TITLES[component])
    data = Sheet("Data", _register_rows(n, component, seed, "date"), header_row=titles,
                 bold_rows={*range(titles), titles + n + 1})
    # A second sheet without a header row, as real workbooks have (skipped and logged).
    notes = Sheet("Petunjuk", [["Isi satu baris per penerima. Kolom status: Ya/Tidak."]])
    # A fixed creation time makes the file byte-for-byte repeatable (also the timestamps inside the zip).
    write_register(path, [data, notes], constant_memory=True,
                   properties={"created": dt.datetime(2026, 1, 15, 9, 0, 0), "title": "Benchmark (synthetic)"})


def ensure_data(case: Case, regenerate: bool = False) -> dict:
    """Generate the year folder of ``case`` unless an up-to-date copy is cached; return its manifest."""
    manifest_path = DATA_DIR / case.name / "manifest.json"
    wanted = {"generator_version": GENERATOR_VERSION, "seed": SEED, "rows": case.rows, "format": case.fmt,
              "year": YEAR}
    if not regenerate and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if {k: manifest.get(k) for k in wanted} == wanted and case.big_file.is_file():
            return manifest
    import shutil

    shutil.rmtree(DATA_DIR / case.name, ignore_errors=True)
    case.folder.mkdir(parents=True)
    started = time.perf_counter()
    seed = SEED + case.rows + (1 if case.fmt == "xlsx" else 0)
    if case.fmt == "csv":
        write_csv_register(case.big_file, case.rows, "x3", seed)
    else:
        write_xlsx_register(case.big_file, case.rows, "x3", seed)
    for offset, (component, stem) in enumerate((("x1", "x1_psks"), ("x2", "x2_rehsos"), ("x4", "x4_bencana"))):
        write_csv_register(case.folder / f"{stem}.csv", 25, component, seed + 100 + offset)
    manifest = {**wanted, "generated_in_s": round(time.perf_counter() - started, 2),
                "files": {p.name: p.stat().st_size for p in sorted(case.folder.iterdir())}}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# --------------------------------------------------------------------------------------------
# Child process: one (case, stage) measurement
# --------------------------------------------------------------------------------------------


def _peak_mib() -> float:
    """Return this process's peak RSS in MiB.

    On Linux, ``VmHWM`` of ``/proc/self/status``: ``ru_maxrss`` survives ``execve`` and, as
    ``subprocess`` starts the child with vfork, starts at the *parent's* peak (a parent that has
    just generated a million-row register made every case look 800 MiB large).
    """
    try:
        hwm = status_kib(Path("/proc/self/status").read_text(), "VmHWM:")
    except OSError:
        hwm = 0
    if hwm:
        return hwm / 1024
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / MIB  # Linux: KiB, macOS: bytes


def _cpu_s() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)  # all threads of this process
    return usage.ru_utime + usage.ru_stime


def _timed(func, *args, **kwargs):
    """Return ``(result, wall seconds, CPU seconds)`` of one call."""
    cpu0, wall0 = _cpu_s(), time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - wall0, _cpu_s() - cpu0


def child(case_name: str, stage: str) -> dict:
    """Measure one stage of one case in this (fresh) process; return the measurements."""
    case = CASES[case_name]
    started = time.perf_counter()
    from ikuanalysis.config import load_settings
    from ikuanalysis.ingest import discover, read, year
    from ikuanalysis.ingest import store as processed  # noqa: F401  (processed imports pandera)
    from ikuanalysis.ingest.problems import ProblemLog

    settings = load_settings()
    out: dict = {"case": case_name, "stage": stage, "import_s": time.perf_counter() - started,
                 "baseline_mib": _peak_mib()}
    if stage == "read":
        def read_only():
            log = ProblemLog()
            return read.read_registers(discover.discover_files(case.folder, log), settings, log)

        registers, out["seconds"], out["cpu_s"] = _timed(read_only)
        out["rows_read"] = {k: len(v.frame) for k, v in registers.items()}
    else:
        result, out["clean_s"], out["clean_cpu_s"] = _timed(year.clean_year, case.folder, settings, YEAR, key=BENCH_KEY)
        out["seconds"], out["cpu_s"] = out["clean_s"], out["clean_cpu_s"]
        out["clean_peak_mib"] = _peak_mib()
        big = next(s for s in result.stats if s.component == "x3")
        out["x3"] = {k: getattr(big, k) for k in (
            "rows_in_files", "rows_read", "summary_rows", "excluded_other_year", "duplicates_merged", "cases",
            "handled", "blank_status", "blank_date", "invalid_nik", "unknown_jenis", "unknown_kelurahan")}
        if stage == "write":
            with tempfile.TemporaryDirectory(prefix="ikubench-") as tmp:
                target, out["seconds"], out["cpu_s"] = _timed(
                    processed.write_processed, result, Path(tmp) / "processed", settings
                )
                out["written_bytes"] = sum(p.stat().st_size for p in target.iterdir())
        out["log_rows"] = len(result.log.to_frame())  # after the timed calls: not measured
    out["peak_mib"] = _peak_mib()
    return out


def run_child(case: Case, stage: str, timeout: float) -> dict:
    """Run :func:`child` in a fresh interpreter and return its JSON result (plus the load average)."""
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", case.name, stage],
        capture_output=True, text=True, timeout=timeout, cwd=str(REPO),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{case.name}/{stage} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load_before"] = load_before
    return result


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def code_version() -> str:
    """Return the commit measured, noting uncommitted changes under src/ (others edit it meanwhile)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "src")
    return f"commit {commit}" + (" + uncommitted changes in src/" if dirty else "")


def machine_info() -> dict:
    from importlib import metadata

    import numpy
    import pandas

    try:
        calamine = metadata.version("python-calamine")
    except metadata.PackageNotFoundError:  # pragma: no cover
        calamine = "-"
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / MIB:.1f} GiB"
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "code": code_version(),
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu or "unknown",
        "cores": f"{usable} usable of {os.cpu_count()}",
        "memory": mem or "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "python-calamine": calamine,
    }


def _fmt_s(value: float | None) -> str:
    return "–" if value is None else (f"{value:.2f}" if value < 100 else f"{value:.0f}")


def _fmt_mib(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _size(nbytes: int) -> str:
    return f"{nbytes / MIB:.1f} MiB" if nbytes >= MIB else f"{nbytes / 1024:.0f} KiB"


def summarise(results: dict) -> dict:
    """Per case and stage: best (lowest) and median wall time, best CPU time, highest peak RSS."""
    table = {}
    for case_name, stages in results["cases"].items():
        case = CASES[case_name]
        row: dict = {"rows": case.rows, "format": case.fmt, "input_bytes": stages.get("input_bytes") or 0}
        for stage in STAGES:
            runs = stages.get(stage) or []
            if not runs:
                continue
            row[f"{stage}_s"] = min(r["seconds"] for r in runs)
            row[f"{stage}_median_s"] = statistics.median(r["seconds"] for r in runs)
            row[f"{stage}_cpu_s"] = min(r.get("cpu_s", float("nan")) for r in runs)
            row[f"{stage}_peak_mib"] = max(r["peak_mib"] for r in runs)
            row["baseline_mib"] = max(row.get("baseline_mib", 0), *(r["baseline_mib"] for r in runs))
            row["runs"] = max(row.get("runs", 0), len(runs))
            loads = [r["load_before"] for r in runs if r.get("load_before") is not None]
            if loads:
                row["load_max"] = max(row.get("load_max", 0.0), *loads)
            if stage != "read":
                row["x3"], row["log_rows"] = runs[0]["x3"], runs[0]["log_rows"]
        if "clean_s" not in row and "write" in stages:  # only the write stage ran: its clean_year part
            runs = stages["write"]
            row["clean_s"] = min(r["clean_s"] for r in runs)
            row["clean_median_s"] = statistics.median(r["clean_s"] for r in runs)
            row["clean_cpu_s"] = min(r.get("clean_cpu_s", float("nan")) for r in runs)
            row["clean_peak_mib"] = max(r["clean_peak_mib"] for r in runs)
        table[case_name] = row
    return table


def _cell(row: dict, stage: str) -> str:
    """Best wall time, with the median when it differs noticeably (noisy runs)."""
    best, median = row.get(f"{stage}_s"), row.get(f"{stage}_median_s")
    if best is None:
        return "–"
    if median is not None and row.get("runs", 1) > 1 and median > best * 1.15:
        return f"{_fmt_s(best)} (median {_fmt_s(median)})"
    return _fmt_s(best)


def markdown(results: dict) -> str:
    """Return the Markdown section (without its heading)."""
    info = results["machine"]
    rows = summarise(results)
    repeat = results.get("repeat", 1)
    baseline = max((r.get("baseline_mib", 0) for r in rows.values()), default=0)
    lines = [
        f"Measured {info['date']} with `benchmarks/bench_clean.py` "
        f"(`{results.get('command', 'python benchmarks/bench_clean.py')}`).",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, {info['os']}; "
        f"Python {info['python']}, pandas {info['pandas']}, numpy {info['numpy']}, "
        f"python-calamine {info['python-calamine']}. Code: {info.get('code', 'unknown')} (at the start of the run).",
        "",
        f"Each measurement runs in a fresh Python process per case and stage, {repeat} time(s); a time is the "
        "best (lowest) wall time of the call alone, with the median when it is more than 15 % higher; CPU is "
        "user + system time of the process (all threads) during the call; peak is the highest peak RSS "
        "(`VmHWM`; `ru_maxrss` would start at the parent's peak) of the process, which includes the interpreter, pandas and the configuration "
        f"(≈ {_fmt_mib(baseline)} MiB before any register is read). Each year folder holds the large x3 register "
        "plus tiny (25-row) x1, x2 and x4 CSV registers. `read_registers` is the reading part of `clean_year` "
        "(files, headers, columns); `write_processed` is timed after a `clean_year` in the same process.",
    ]
    busiest = max((r.get("load_max", 0.0) for r in rows.values()), default=0.0)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if busiest >= 0.5 * usable:
        lines += ["", f"**Note:** the machine was busy (1-minute load average up to {busiest:.1f} on {usable} cores "
                  "when runs started): wall times are inflated and vary; CPU times are the steadier figure."]
    lines += [
        "",
        "| case | x3 rows | x3 file | read_registers (s) | peak read (MiB) | clean_year (s) | clean_year CPU (s) "
        "| peak clean_year (MiB) | write_processed (s) | peak clean+write (MiB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['rows']:,} | {row['format']}, {_size(row['input_bytes'])} "
            f"| {_cell(row, 'read')} | {_fmt_mib(row.get('read_peak_mib'))} "
            f"| {_cell(row, 'clean')} | {_fmt_s(row.get('clean_cpu_s'))} | {_fmt_mib(row.get('clean_peak_mib'))} "
            f"| {_cell(row, 'write')} | {_fmt_mib(row.get('write_peak_mib'))} |"
        )
    lines += ["", "| target | measured | met |", "|---|---:|:---:|"]
    for case_name, key, limit, unit, label in TARGETS:
        value = rows.get(case_name, {}).get(key)
        limit_shown = f"{limit:g} s" if unit == "s" else f"{limit / 1024:g} GiB"
        if value is None:
            lines.append(f"| {label} < {limit_shown} | not run | – |")
            continue
        shown = f"{value:.2f} s" if unit == "s" else f"{value:,.0f} MiB"
        if unit == "s" and rows[case_name].get("clean_cpu_s") is not None:
            shown += f" (CPU {rows[case_name]['clean_cpu_s']:.2f} s)"
        lines.append(f"| {label} < {limit_shown} | {shown} | {'yes' if value < limit else '**no**'} |")
    checks = [
        f"{name}: {row['x3']['rows_read']:,} rows read, {row['x3']['cases']:,} cases, "
        f"{row['x3']['duplicates_merged']:,} duplicates merged, {row['x3']['excluded_other_year']:,} dated in "
        f"another year, {row['x3']['invalid_nik']:,} invalid NIK, {row['x3']['blank_status']:,} blank status, "
        f"{row['x3']['unknown_kelurahan']:,} unknown kelurahan, {row['log_rows']:,} log rows"
        for name, row in rows.items() if "x3" in row
    ]
    if checks:
        lines += ["", "What the cleaning found in x3 (sanity check of the generated data):", ""]
        lines += [f"- {c}" for c in checks]
    lines += ["", "Reproduce: `.venv/bin/python benchmarks/bench_clean.py` (see `benchmarks/README.md`)."]
    return "\n".join(lines) + "\n"


def write_docs(section_body: str, path: Path = DOCS_FILE) -> None:
    """Write ``section_body`` under "## Cleaning stage" of ``path``, replacing only that section."""
    section = f"{SECTION_HEADING}\n\n{section_body}"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# Performance\n\n{section}", encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION_HEADING), None)
    if start is None:
        path.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")
        return
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"#{1,2} ", lines[i])), len(lines))
    tail = "".join(lines[end:])
    path.write_text("".join(lines[:start]) + section + ("\n" + tail if tail else ""), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Profiling
# --------------------------------------------------------------------------------------------


def profile(case: Case, top: int) -> None:
    """Run clean_year under cProfile in this process; print the top functions, save the .prof file."""
    import cProfile
    import pstats

    from ikuanalysis.config import load_settings

    settings = load_settings()
    profiler = cProfile.Profile()
    profiler.enable()
    from ikuanalysis.ingest.year import clean_year

    clean_year(case.folder, settings, YEAR, key=BENCH_KEY)
    profiler.disable()
    out = DATA_DIR / f"clean_year_{case.name}.prof"
    profiler.dump_stats(str(out))
    for order in ("tottime", "cumulative"):
        print(f"\n=== clean_year on {case.name}: top {top} by {order} ===")
        pstats.Stats(profiler).strip_dirs().sort_stats(order).print_stats(top)
    print(f"profile saved to {out} (open with: python -m pstats {out})")


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES),
                        help="cases to run (default: all)")
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES),
                        help="stages to run (default: read clean write)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="fresh processes per case and stage (best and median reported; default 3)")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the data even if cached")
    parser.add_argument("--generate-only", action="store_true", help="only generate the data")
    parser.add_argument("--write-docs", action="store_true", help=f"write the table into {DOCS_FILE.relative_to(REPO)}")
    parser.add_argument("--docs-file", type=Path, default=DOCS_FILE, help="file written by --write-docs")
    parser.add_argument("--results-file", type=Path, default=RESULTS_FILE,
                        help="where the measurements are saved as JSON (default: %(default)s)")
    parser.add_argument("--from-results", type=Path,
                        help="do not measure: format (and with --write-docs write) a saved results JSON")
    parser.add_argument("--profile", choices=list(CASES), help="cProfile clean_year on one case and exit")
    parser.add_argument("--top", type=int, default=30, help="functions listed by --profile")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per child process")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "STAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(child(*args.child)))
        return 0

    if args.from_results:
        results = json.loads(args.from_results.read_text())
    else:
        if args.profile:
            ensure_data(CASES[args.profile], args.regenerate)
            profile(CASES[args.profile], args.top)
            return 0
        results = {"machine": machine_info(), "repeat": args.repeat, "cases": {},
                   "command": " ".join(["python benchmarks/bench_clean.py", *(argv if argv is not None else sys.argv[1:])])}
        for name in args.cases:
            case = CASES[name]
            t0 = time.perf_counter()
            manifest = ensure_data(case, args.regenerate)
            print(f"[data] {name}: {case.folder.relative_to(REPO)} ready ({time.perf_counter() - t0:.1f} s)",
                  file=sys.stderr)
            results["cases"][name] = {"input_bytes": case.big_file.stat().st_size, "manifest": manifest}
        if args.generate_only:
            return 0
        for name in args.cases:
            case = CASES[name]
            for stage in args.stages:
                runs = []
                for i in range(args.repeat):
                    run = run_child(case, stage, args.timeout)
                    runs.append(run)
                    print(f"[run] {name:<10} {stage:<5} #{i + 1}: {run['seconds']:.2f} s (CPU {run['cpu_s']:.2f} s), "
                          f"peak {run['peak_mib']:.0f} MiB, load before {run['load_before'] or 0:.1f}", file=sys.stderr)
                results["cases"][name][stage] = runs
        args.results_file.parent.mkdir(parents=True, exist_ok=True)
        args.results_file.write_text(json.dumps(results, indent=2) + "\n")
        print(f"[results] saved to {args.results_file}", file=sys.stderr)

    body = markdown(results)
    print(f"{SECTION_HEADING}\n\n{body}")
    if args.write_docs:
        write_docs(body, args.docs_file)
        print(f"[docs] wrote section '{SECTION_HEADING}' of {args.docs_file}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
