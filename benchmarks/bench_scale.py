#!/usr/bin/env python3
"""Scale benchmark: ``validate`` and a full ``report`` of one year whose x3 register has 10^4 … 10^6 rows.

Run by hand (never collected by pytest), with the project's virtual environment::

    .venv/bin/python benchmarks/bench_scale.py                         # 10^4, 10^5, 10^6 rows, 3 runs each
    .venv/bin/python benchmarks/bench_scale.py --sizes 1e4 1e5 --repeat 1   # quick look
    .venv/bin/python benchmarks/bench_scale.py --write-docs            # also update docs/performance.md
    .venv/bin/python benchmarks/bench_scale.py --layout v1 --generate-only     # the v1 layout's data only
    .venv/bin/python benchmarks/bench_scale.py --from-results benchmarks/data/scale_results.json --write-docs

What it does:

1. Generates (seeded, byte-for-byte repeatable, cached under ``benchmarks/data/scale/``, which git
   ignores; ``--regenerate`` forces it) one raw folder per size holding one year folder (2025): the
   large x3 register in the chosen layout, tiny (25-row) x1, x2 and x4 registers (a year needs all
   four components) and ``SAMPEL_SINTETIS.txt``. The rows come from the generator of
   ``bench_clean.py`` (NIK variants, spelling variants, dates, duplicates, blanks). Layouts
   (``--layout``; pluggable: add one to ``LAYOUTS``):

   - ``v1``: ``x3_bansos.csv``, ``;``-separated, title rows,
     a header with a status column, a JUMLAH row (the ``csv_*`` cases of ``bench_clean.py``);
   - ``dtks`` (default): ``x3_dtks.csv``, a DTKS/SIKS-NG style export: ``|``-separated, no title rows,
     ``NO|ID_DTKS|NIK|NO_KK|NAMA|KODE_WILAYAH|KECAMATAN|KELURAHAN|JENIS_PPKS|PKH|BPNT|PBI_JK|TANGGAL``,
     one flag column per programme (``1``/``0``; a handled case has at least one ``1``, a case with
     a blank status has blank flags), families of 1-6 members sharing a ``NO_KK`` (3.5 on average),
     upper-case names and places, ISO dates; plus a ``sumber.yml``
     that declares the flags (``status_dari``): the layout of issue 13's scale goals (data contract v2).

2. For each size, ``--repeat`` times (default 3; the sizes interleaved), runs in fresh processes:

   - ``ikuanalysis validate --year 2025 --raw-dir <raw>``;
   - ``ikuanalysis report --year 2025 --raw-dir <raw> --processed-dir <tmp> --output-dir <tmp>``
     into empty temporary folders.

   Each command runs inside a fresh wrapper process (``benchlib.py wrap``), which records the wall
   time, the CPU time of the whole tree, the peak RSS of the largest process of the tree
   (``getrusage(RUSAGE_CHILDREN).ru_maxrss``; the wrapper is a child subreaper, so the Jupyter
   kernel, a grandchild, and every other descendant are reaped by it and counted) and the highest
   sum of PSS over the tree, sampled every ``--interval`` seconds (default 0.1).

3. Prints a table, the slopes (seconds and MiB per 10^5 rows between sizes, and log-log slopes:
   1 means linear, below 1 a fixed cost that dominates, above 1 worse than linear) and the goals at
   10^6 rows (validate ≤ 3 s, report ≤ 8 s, peak ≤ 1.2 GiB). ``--write-docs`` writes the section
   "## Scale" of ``docs/performance.md`` (only that section). Results are saved as JSON.

Commands get ``IKUANALYSIS_NIK_KEY=benchmark`` and this checkout's ``src/`` first on ``PYTHONPATH``.
The load average is recorded before the runs and before each, with the CPU others took meanwhile.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

THIS = Path(__file__).resolve()
sys.path.insert(0, str(THIS.parent))
import benchlib as bl  # noqa: E402

sys.path.insert(0, str(bl.SRC))  # the generator reads config/ through this checkout's ikuanalysis
import bench_clean as gen  # noqa: E402  (the shared register generator)

YEAR = gen.YEAR
SECTION = "## Scale"
SCALE_DIR = bl.DATA_DIR / "scale"
RESULTS_FILE = bl.DATA_DIR / "scale_results.json"
SCALE_VERSION = 2  # bump when the layouts change (forces regeneration)
SEED = gen.SEED + 7
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
GOAL_ROWS = 1_000_000
GOALS = {"validate_s": 3.0, "report_s": 8.0, "peak_mib": 1.2 * 1024}
TIMEOUT = 3600


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Layouts of the large register
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    write: Callable[[Path, int, int], list[Path]]  # (year folder, rows, seed) -> files written


def write_v1(folder: Path, rows: int, seed: int) -> list[Path]:
    """The v1 layout: ``;``-separated CSV with title rows, header, status column and JUMLAH row."""
    path = folder / "x3_bansos.csv"
    gen.write_csv_register(path, rows, "x3", seed)
    return [path]


DTKS_HEADER = ["NO", "ID_DTKS", "NIK", "NO_KK", "NAMA", "KODE_WILAYAH", "KECAMATAN", "KELURAHAN", "JENIS_PPKS",
               "PKH", "BPNT", "PBI_JK", "TANGGAL"]
DTKS_FLAGS = ["PKH", "BPNT", "PBI_JK"]


FAMILY_SIZES = (1, 6)  # members per Kartu Keluarga, uniform: 3.5 on average, as in a DTKS export


def family_numbers(kecamatan_codes, rng):
    """Return a 16-digit No. KK per row, shared by the consecutive rows of one family (1-6 members).

    A DTKS export lists the members of each family one per row under their family's No. KK;
    the family's number starts with the Kemendagri code of its first member's kecamatan.
    """
    import numpy as np

    rows = len(kecamatan_codes)
    sizes = rng.integers(FAMILY_SIZES[0], FAMILY_SIZES[1] + 1, rows // FAMILY_SIZES[0] + 1)
    family = np.repeat(np.arange(len(sizes)), sizes)[:rows]
    first = np.searchsorted(family, family)  # the first row of each row's family
    return (627100 + kecamatan_codes[first]) * 10**10 + family * 7919 % 10**10


def write_dtks(folder: Path, rows: int, seed: int) -> list[Path]:
    """A DTKS/SIKS-NG style export: pipe-delimited, one flag column per programme, no title rows."""
    import numpy as np
    import pandas as pd

    from ikuanalysis.config import load_settings

    columns = gen.generate_register(rows, "x3", seed, with_dates_as="date")
    rng = np.random.default_rng(seed + 1)
    geo = load_settings().geography
    alias_of = {target: alias for alias, target in geo.aliases["kecamatan"].items()}
    code_of = {}  # every way the generator writes a kecamatan -> its code 1..5 (the order of config/)
    for i, k in enumerate(geo.kecamatan, start=1):
        for variant in (k, k.upper(), k.lower(), f"Kec. {k}", f"Kecamatan {k}", alias_of.get(k, k)):
            code_of[variant] = i
    kecamatan = pd.Series(columns["Kecamatan"], dtype=object)
    code = kecamatan.map(code_of).fillna(1).astype("int64")
    status = pd.Series(columns["Status"], dtype=object)
    handled = status.isin(["Ya", "Sudah"]).to_numpy()
    blank = (status == "").to_numpy()
    flags = rng.random((rows, len(DTKS_FLAGS))) < 0.45
    none = handled & ~flags.any(axis=1)
    flags[none, rng.integers(0, len(DTKS_FLAGS), int(none.sum()))] = True  # handled: at least one programme
    flags[~handled] = False
    tanggal = pd.Series(columns["Tanggal"], dtype=object).map(lambda d: d.isoformat() if d is not None else "")
    frame = pd.DataFrame({
        "NO": np.arange(1, rows + 1),
        "ID_DTKS": pd.Series(rng.integers(10**11, 10**12, rows)).map("{:012d}".format).radd("DTKS"),
        "NIK": columns["NIK"],
        "NO_KK": family_numbers(code.to_numpy(), rng),
        "NAMA": pd.Series(columns["Nama"], dtype=object).str.upper(),
        "KODE_WILAYAH": code.map(lambda c: f"62.71.0{c}"),
        "KECAMATAN": kecamatan.str.upper(),
        "KELURAHAN": pd.Series(columns["Kelurahan"], dtype=object).str.upper(),
        "JENIS_PPKS": columns["Jenis"],
        **{name: np.where(blank, "", np.where(flags[:, i], "1", "0")) for i, name in enumerate(DTKS_FLAGS)},
        "TANGGAL": tanggal,
    })[DTKS_HEADER]
    path = folder / "x3_dtks.csv"
    frame.to_csv(path, sep="|", index=False, lineterminator="\n", encoding="utf-8")
    sumber = folder / "sumber.yml"
    sumber.write_text(
        "# Written by benchmarks/bench_scale.py --layout dtks: the programme flags of the DTKS export.\n"
        "berkas:\n  - pola: \"x3_dtks*.csv\"\n    komponen: x3\n"
        f"    status_dari: [{', '.join(DTKS_FLAGS)}]\n", encoding="utf-8")
    return [path, sumber]


LAYOUTS = {
    "v1": Layout("v1", "`x3_bansos.csv`, `;`-separated, 3 title rows, status column, JUMLAH row", write_v1),
    "dtks": Layout("dtks", "`x3_dtks.csv`, DTKS export: `|`-separated, one flag column per programme (PKH, BPNT, "
                           "PBI_JK), `sumber.yml` declaring them", write_dtks),
}


def raw_root(layout: str, rows: int) -> Path:
    return SCALE_DIR / f"{layout}-{rows}"


def ensure_data(layout: Layout, rows: int, regenerate: bool) -> dict:
    """Generate the raw folder of (layout, rows) unless an up-to-date copy is cached; return its manifest."""
    root = raw_root(layout.name, rows)
    manifest_path = root / "manifest.json"
    wanted = {"scale_version": SCALE_VERSION, "generator_version": gen.GENERATOR_VERSION, "seed": SEED,
              "rows": rows, "layout": layout.name, "year": YEAR}
    if not regenerate and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if {k: manifest.get(k) for k in wanted} == wanted:
            return manifest
    shutil.rmtree(root, ignore_errors=True)
    folder = root / str(YEAR)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    seed = SEED + rows
    big = layout.write(folder, rows, seed)
    for offset, (component, stem) in enumerate((("x1", "x1_psks"), ("x2", "x2_rehsos"), ("x4", "x4_bencana"))):
        gen.write_csv_register(folder / f"{stem}.csv", 25, component, seed + 100 + offset)
    (folder / "SAMPEL_SINTETIS.txt").write_text(
        "Data dalam folder ini adalah CONTOH SINTETIS buatan benchmarks/bench_scale.py, bukan data resmi.\n",
        encoding="utf-8")
    manifest = {**wanted, "generated_in_s": round(time.perf_counter() - started, 2), "x3_file": big[0].name,
                "x3_bytes": big[0].stat().st_size,
                "files": {p.name: p.stat().st_size for p in sorted(folder.iterdir())}}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------

_X3 = re.compile(r"x3: (\d+) dari (\d+) kasus ditangani \((\d+) baris dibaca")
_VERDICT = re.compile(r"(\d+) kesalahan, (\d+) peringatan")


def measure_one(kind: str, root: Path, env: dict, interval: float, wait_idle: float = 0) -> dict:
    cli = bl.venv_tool("ikuanalysis")
    with tempfile.TemporaryDirectory(prefix=f"ikubench-scale-{kind}-") as tmp:
        work = Path(tmp)
        if kind == "validate":
            cmd = [cli, "validate", "--year", str(YEAR), "--raw-dir", str(root)]
        else:
            cmd = [cli, "report", "--year", str(YEAR), "--raw-dir", str(root), "--processed-dir",
                   str(work / "processed"), "--output-dir", str(work / "outputs")]
        log = work / "log.txt"
        others_before = bl.wait_idle(wait_idle)
        result = bl.run_wrapped(cmd, env, log, interval, TIMEOUT)
        result["others_before"] = others_before
        text = log.read_text(encoding="utf-8", errors="replace")
        if result["returncode"] != 0:
            result["error_tail"] = text[-1500:]
        found = _X3.search(text)
        if found:
            result["x3"] = {"handled": int(found[1]), "cases": int(found[2]), "rows_read": int(found[3])}
        verdict = _VERDICT.search(text)
        if verdict:
            result["errors"], result["warnings"] = int(verdict[1]), int(verdict[2])
        if kind == "report" and result["returncode"] == 0:
            made = work / "outputs" / str(YEAR)
            result["outputs"] = {p.suffix[1:]: p.stat().st_size for p in made.glob(f"iku_{YEAR}.*")}
            if not all(result["outputs"].get(s) for s in ("html", "pdf", "docx", "json")):
                result["returncode"] = -1
                result["error_tail"] = f"outputs missing in {made}: {result['outputs']}"
    return result


def measure(args) -> dict:
    layout = LAYOUTS[args.layout]
    sizes = [int(float(s)) for s in args.sizes]
    manifests = {}
    for rows in sizes:
        started = time.perf_counter()
        manifests[rows] = ensure_data(layout, rows, args.regenerate)
        say(f"[data] {raw_root(layout.name, rows).relative_to(bl.REPO)} ready ({time.perf_counter() - started:.1f} s, "
            f"x3 {manifests[rows]['x3_bytes'] / bl.MIB:.1f} MiB)")
    if args.generate_only:
        return {}
    env = bl.child_env()
    info = bl.start_measuring(args.wait_quiet, say)
    results = {"machine": info, "wait_idle": args.wait_idle, "layout": layout.name, "repeat": args.repeat,
               "interval": args.interval,
               "command": " ".join(["python benchmarks/bench_scale.py", *sys.argv[1:]]),
               "retries": args.retries, "failures": [], "speed_probes": [],
               "sizes": {str(rows): {"manifest": manifests[rows], "validate": [], "report": []} for rows in sizes}}
    for index in range(args.repeat):
        probe = bl.speed_probe_s()
        if probe is not None:
            results["speed_probes"].append(probe)
            say(f"[run {index + 1}] speed probe {probe:.3f} s")
        for rows in sizes:
            for kind in ("validate", "report"):
                if kind == "report" and args.validate_only:
                    continue
                for attempt in range(args.retries + 1):
                    result = measure_one(kind, raw_root(layout.name, rows), env, args.interval, args.wait_idle)
                    status = "ok" if result["returncode"] == 0 else f"FAILED (exit {result['returncode']})"
                    say(f"[run {index + 1}] {rows:>9,} {kind:<8} {result['wall_s']:7.2f} s (CPU {result['cpu_s']:.2f} "
                        f"s), largest process {result['maxrss_mib']:,.0f} MiB, tree PSS {result['tree_pss_mib']:,.0f} "
                        f"MiB, load before {result['load_before'] or 0:.2f}, others "
                        f"{result.get('other_cores') or 0:.2f} cores: {status}")
                    if result["returncode"] == 0:
                        break
                    say(result.get("error_tail", ""))
                    results["failures"].append({"rows": rows, "kind": kind, "run": index + 1, "attempt": attempt + 1,
                                                "returncode": result["returncode"],
                                                "message": bl.last_line(result.get("error_tail", ""))})
                results["sizes"][str(rows)][kind].append(result)
    results["load1_end"] = bl.load1()
    return results


# --------------------------------------------------------------------------------------------
# Summary and docs
# --------------------------------------------------------------------------------------------


def summarise(results: dict) -> dict:
    table = {}
    for key, size in results["sizes"].items():
        row = {"rows": int(key), "x3_bytes": size["manifest"]["x3_bytes"]}
        for kind in ("validate", "report"):
            runs = size.get(kind) or []
            good = [r for r in runs if r["returncode"] == 0]
            row[f"{kind}_runs"], row[f"{kind}_failed"] = len(runs), len(runs) - len(good)
            if runs and not good:
                row[f"{kind}_exit"] = runs[0]["returncode"]
            if good:
                row[f"{kind}_s"] = bl.median([r["wall_s"] for r in good])
                row[f"{kind}_min_s"] = min(r["wall_s"] for r in good)
                row[f"{kind}_cpu_s"] = bl.median([r["cpu_s"] for r in good])
                row[f"{kind}_maxrss_mib"] = max(r["maxrss_mib"] for r in good)
                row[f"{kind}_tree_mib"] = max(max(r["tree_pss_mib"], r["maxrss_mib"]) for r in good)
                kinds: dict[str, float] = {}
                for r in good:
                    for name, mib in r.get("peak_by_kind_mib", {}).items():
                        kinds[name] = max(kinds.get(name, 0), mib)
                row[f"{kind}_by_kind"] = kinds
                if "x3" in good[0]:
                    row["x3"] = good[0]["x3"]
                if "warnings" in good[0]:
                    row["validate_verdict"] = (good[0]["errors"], good[0]["warnings"])
        table[int(key)] = row
    return dict(sorted(table.items()))


def slopes(table: dict) -> list[dict]:
    """Per consecutive pair of sizes: seconds and MiB per 10^5 rows, and log-log slopes."""
    out = []
    sizes = list(table)
    for small, large in zip(sizes, sizes[1:], strict=False):
        a, b = table[small], table[large]
        item = {"from": small, "to": large}
        per = (large - small) / 100_000
        for key in ("validate_s", "report_s", "validate_cpu_s", "report_cpu_s", "report_maxrss_mib",
                    "report_tree_mib", "validate_maxrss_mib"):
            if a.get(key) and b.get(key):
                item[f"{key}_per_1e5"] = (b[key] - a[key]) / per
                item[f"{key}_loglog"] = math.log(b[key] / a[key]) / math.log(large / small)
        out.append(item)
    # The size-dependent part: above the smallest size's figure (its fixed cost removed).
    if len(sizes) >= 3:
        base = table[sizes[0]]
        for item in out[1:]:
            for key in ("validate_s", "report_s", "validate_cpu_s", "report_cpu_s", "report_maxrss_mib"):
                lo, hi = table[item["from"]].get(key), table[item["to"]].get(key)
                if lo and hi and base.get(key) and lo > base[key] and hi > base[key]:
                    item[f"{key}_loglog_above_base"] = (math.log((hi - base[key]) / (lo - base[key]))
                                                        / math.log((item["to"] - sizes[0]) / (item["from"] - sizes[0])))
    return out


def _cell(row: dict, kind: str) -> str:
    if f"{kind}_s" not in row:
        return f"failed (exit {row[f'{kind}_exit']})" if f"{kind}_exit" in row else "–"
    text = f"{row[f'{kind}_s']:.2f}"
    if row[f"{kind}_runs"] > 1:
        text += f" (min {row[f'{kind}_min_s']:.2f})"
    return text


def markdown(results: dict) -> str:
    info = results["machine"]
    table = summarise(results)
    pairs = slopes(table)
    layout = LAYOUTS[results["layout"]]
    loads = [r["load_before"] for s in results["sizes"].values() for k in ("validate", "report") for r in s[k]
             if r.get("load_before") is not None]
    others = [r["other_cores"] for s in results["sizes"].values() for k in ("validate", "report") for r in s[k]
              if r.get("other_cores") is not None]
    before = [r["others_before"] for s in results["sizes"].values() for k in ("validate", "report") for r in s[k]
              if r.get("others_before") is not None]
    lines = [
        f"Measured {info['date_utc']} with `benchmarks/bench_scale.py` (`{results['command']}`), layout "
        f"`{layout.name}` ({layout.description}); {results['repeat']} run(s) per size and command, sizes interleaved.",
        "",
        bl.machine_line(info),
        "",
        bl.load_note(info, loads, others, hint="wall times are inflated and vary, CPU times are the steadier "
                     "figure; memory is not affected", wait_idle=results.get("wait_idle", 0), others_before=before),
        "",
        *([bl.speed_note(results["speed_probes"]), ""] if results.get("speed_probes") else []),
        "One year folder (2025) per size: the large x3 register plus tiny (25-row) x1, x2 and x4 registers, generated "
        "by the `bench_clean.py` generator (seeded; the registers pass validation with warnings). Each command runs "
        "in a fresh process: `ikuanalysis validate --year 2025 --raw-dir <raw>`, and `ikuanalysis report --year 2025 "
        "--raw-dir <raw> --processed-dir <tmp> --output-dir <tmp>` into empty folders (HTML, PDF, DOCX, JSON). "
        "Times are medians of wall time (start-up included; min in brackets); CPU is user + system time of the whole "
        "process tree.",
        "",
        "How memory is measured: every command runs under a fresh wrapper process (`benchlib.py wrap`) that makes "
        "itself a child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`), so each descendant, including the Jupyter "
        "kernel (a grandchild: the command starts it) and Chromium's helpers, is reaped by the wrapper or by its own "
        "parent and its usage reaches the wrapper's `getrusage(RUSAGE_CHILDREN)`. Its `ru_maxrss` is the peak RSS "
        "of the **largest single process** of the tree (exact, kept by the kernel): that is the *largest process* "
        "column. `ru_maxrss` is a maximum, not a sum, so the wrapper also samples the tree every "
        f"{results['interval']:g} s and keeps the highest sum of PSS over all its processes (shared pages split "
        "between the processes that share them): the *tree* column (at least the largest process). "
        "*By process* lists each kind's own peak (`VmHWM`, as last sampled).",
        "",
        "| x3 rows | x3 file | validate (s) | validate CPU (s) | validate peak (MiB) | report (s) | report CPU (s) "
        "| report largest process (MiB) | report tree (MiB) | report peak by process (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for rows, row in table.items():
        kinds = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(row.get("report_by_kind", {}).items(),
                                                              key=lambda kv: -kv[1]))
        lines.append(
            f"| {rows:,} | {row['x3_bytes'] / bl.MIB:.1f} MiB | {_cell(row, 'validate')} "
            f"| {bl.fmt_s(row.get('validate_cpu_s'))} | {bl.fmt_mib(row.get('validate_maxrss_mib'))} "
            f"| {_cell(row, 'report')} | {bl.fmt_s(row.get('report_cpu_s'))} "
            f"| {bl.fmt_mib(row.get('report_maxrss_mib'))} | {bl.fmt_mib(row.get('report_tree_mib'))} "
            f"| {kinds or '–'} |")
    if pairs:
        def v(item, key, digits=2):
            return f"{item[key]:.{digits}f}" if key in item else "–"

        lines += ["", "Growth between sizes, per 10^5 more rows (wall-time medians; CPU medians of the whole tree; "
                  "peak RSS of the largest process):", "",
                  "| from → to | validate s | validate CPU s | report s | report CPU s | report largest process MiB |",
                  "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {i['from']:,} → {i['to']:,} | {v(i, 'validate_s_per_1e5', 3)} "
                  f"| {v(i, 'validate_cpu_s_per_1e5', 3)} "
                  f"| {v(i, 'report_s_per_1e5', 3)} | {v(i, 'report_cpu_s_per_1e5', 3)} "
                  f"| {v(i, 'report_maxrss_mib_per_1e5', 1)} |" for i in pairs]
        lines += ["", "Log-log slopes between sizes (ln ratio of the figures / ln ratio of the rows): 1 = linear, "
                  "below 1 = a fixed cost (start-up, kernel, Chromium) still weighs, above 1 = worse than linear. "
                  "\"Above base\" first subtracts the smallest size's figure (the fixed cost) from both: the slope of "
                  "the size-dependent part.", "",
                  "| from → to | validate time | validate CPU | report time | report CPU | report memory "
                  "| report CPU above base | report memory above base |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| {i['from']:,} → {i['to']:,} | {v(i, 'validate_s_loglog')} | {v(i, 'validate_cpu_s_loglog')} "
                  f"| {v(i, 'report_s_loglog')} | {v(i, 'report_cpu_s_loglog')} | {v(i, 'report_maxrss_mib_loglog')} "
                  f"| {v(i, 'report_cpu_s_loglog_above_base')} | {v(i, 'report_maxrss_mib_loglog_above_base')} |"
                  for i in pairs]
    goal_row = table.get(GOAL_ROWS)
    lines += ["", f"| goal at {GOAL_ROWS:,} rows | measured | met |", "|---|---:|:---:|"]

    def goal(label, value, limit, unit):
        if value is None:
            lines.append(f"| {label} | not run | – |")
            return
        shown = f"{value:.2f} s" if unit == "s" else f"{value:,.0f} MiB"
        lines.append(f"| {label} | {shown} | {bl.met(value <= limit)} |")

    row = goal_row or {}
    goal("`validate` ≤ 3 s (median wall)", row.get("validate_s"), GOALS["validate_s"], "s")
    goal("`report` ≤ 8 s (median wall)", row.get("report_s"), GOALS["report_s"], "s")
    peak = max([row[k] for k in ("validate_maxrss_mib", "report_maxrss_mib") if k in row], default=None)
    goal("peak ≤ 1.2 GiB: largest process (`ru_maxrss`), validate and report", peak, GOALS["peak_mib"], "MiB")
    tree = max([row[k] for k in ("validate_tree_mib", "report_tree_mib") if k in row], default=None)
    goal("peak ≤ 1.2 GiB: whole tree (PSS sum, sampled), validate and report", tree, GOALS["peak_mib"], "MiB")
    lines += bl.failure_lines(results.get("failures", []), lambda f: f"{f['rows']:,} rows, {f['kind']}")
    checks = [f"{rows:,} rows: validate {row['validate_verdict'][0]} errors, {row['validate_verdict'][1]:,} warnings; "
              f"x3 {row['x3']['rows_read']:,} rows read, {row['x3']['cases']:,} cases, {row['x3']['handled']:,} handled"
              for rows, row in table.items() if "x3" in row and "validate_verdict" in row]
    if checks:
        lines += ["", "What `validate` found (sanity check of the generated data):", "", *[f"- {c}" for c in checks]]
    lines += ["", "Reproduce: `.venv/bin/python benchmarks/bench_scale.py` (see `benchmarks/README.md`)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=[str(s) for s in DEFAULT_SIZES],
                        help="x3 rows per size, e.g. 1e4 1e5 1e6 (default)")
    parser.add_argument("--layout", choices=list(LAYOUTS), default="dtks",
                        help="layout of the large register (default dtks, the DTKS export of issue 13's goals)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size and command (default 3; median shown)")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between memory samples of the tree")
    parser.add_argument("--validate-only", action="store_true", help="measure validate only")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the data even if cached")
    parser.add_argument("--generate-only", action="store_true", help="only generate the data")
    bl.add_common_options(parser, SECTION, RESULTS_FILE)
    args = parser.parse_args(argv)

    if args.from_results:
        results = json.loads(args.from_results.read_text(encoding="utf-8"))
    else:
        results = measure(args)
        if not results:
            return 0
    bl.save_and_publish(results, None if args.from_results else args.results_file, SECTION, markdown(results),
                        args.write_docs, args.docs_file, say)
    return 0


if __name__ == "__main__":
    sys.exit(main())
