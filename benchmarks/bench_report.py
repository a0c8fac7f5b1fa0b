#!/usr/bin/env python3
"""Benchmark of the report build: the tool, a hand-written chain and a floor (run by hand, never by pytest).

Run with the project's virtual environment, from the checkout::

    .venv/bin/python benchmarks/bench_report.py                    # 5 interleaved rounds, prints the tables
    .venv/bin/python benchmarks/bench_report.py --rounds 2 --extra-rounds 1   # quick look
    .venv/bin/python benchmarks/bench_report.py --write-docs       # also update docs/performance.md
    .venv/bin/python benchmarks/bench_report.py --from-results benchmarks/data/report_results.json --write-docs

What it measures, on the committed sample data (``data/raw``, year 2025; 2021–2024 are its history):

1. Three contenders building the 2025 report (HTML, PDF, DOCX), **interleaved** (tool, chain, floor,
   tool, chain, floor, ...) for ``--rounds`` rounds (default 5) after ``--warmup`` discarded rounds
   (default 1). Each run gets fresh temporary folders, all prepared the same *warm* way: a copy of
   the processed folder of a finished ``report --year 2025`` (2021–2025 processed); the run
   rebuilds 2025.

   - ``tool``: ``ikuanalysis report --year 2025 --force`` (a subprocess; wall time including the
     interpreter's start-up), into copies of the processed and output folders.
   - ``chain``: what an analyst writes by hand: ``papermill`` × 3 (``01_clean``, ``02_indicator``,
     ``03_report``, parameters with ``-p``), ``jupyter nbconvert --to html --no-input`` of the executed
     ``03_report`` (nbconvert's default template), ``chromium --headless --no-sandbox
     --print-to-pdf=...`` and pandoc HTML→DOCX (the binary of the ``pypandoc-binary`` wheel). Wall time
     of the six commands one after the other.
   - ``floor``: one fresh Python process (this script with ``--floor-child``) that runs the code
     cells of the three notebooks in one namespace (the ``parameters`` cell skipped, the parameters
     set in the namespace instead), collects the HTML of each ``03_report`` cell's last expression
     (``_repr_html_``, else the text), writes one page with the report's CSS, prints it to PDF with
     one Chromium call and calls ``ikuanalysis.publish.docx.export_docx`` on it. Wall time of that
     process. It is what the tool's work costs without kernel, papermill, nbconvert, staging, locks,
     manifests or integrity checks: a lower bound.

2. For ``--extra-rounds`` rounds (default 3), after the contenders of a round:

   - ``cold``: ``report --year 2025`` into empty processed and output folders (2021–2024 are
     processed as part of it);
   - ``all_force``: ``report --all --jobs 2 --force`` into copies of the folders of a finished
     ``report --all`` (five years and the index rebuilt);
   - ``unchanged``: ``report --all`` again in the same folders (nothing to do).

3. Prints medians, min/max, ratios and the goals (chain/tool ≥ 2.8, tool/floor ≤ 1.15, tool ≤ 3.5 s,
   cold ≤ 6 s, all_force ≤ 2 × tool, unchanged ≤ 0.3 s). ``--write-docs`` writes the section
   "## Report build" of ``docs/performance.md`` (only that section). The measurements are saved as
   JSON (``benchmarks/data/report_results.json``, git-ignored).

The 1-minute load average is recorded before the runs and before each measurement, and the CPU
that other processes took during each measurement (``/proc/stat`` minus our children's CPU time);
the docs say when the machine was busy. ``--wait-quiet SECONDS`` waits for a quiet machine first.
Every command gets ``IKUANALYSIS_NIK_KEY=benchmark`` and ``src/`` of this checkout first on
``PYTHONPATH``. Only the command line and ``ikuanalysis.publish.docx.export_docx`` are used.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

THIS = Path(__file__).resolve()
sys.path.insert(0, str(THIS.parent))
import benchlib as bl  # noqa: E402

YEAR = 2025
RAW = bl.REPO / "data" / "raw"
CONFIG = bl.REPO / "config"
NOTEBOOKS = bl.REPO / "notebooks"
NOTEBOOK_NAMES = ("01_clean", "02_indicator", "03_report")
SECTION = "## Report build"
RESULTS_FILE = bl.DATA_DIR / "report_results.json"
CONTENDERS = ("tool", "chain", "floor")
EXTRAS = ("cold", "all_force", "unchanged")
TIMEOUT = 900
# The flags the tool gives Chromium (publish/export.py), used by the floor: the cheapest way to print.
FLOOR_CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--disable-quic", "--no-pdf-header-footer")
LABELS = {
    "tool": "tool: `ikuanalysis report --year 2025 --force`",
    "chain": "hand-written chain (papermill × 3, nbconvert, Chromium, pandoc)",
    "floor": "floor (one process, same functions)",
    "cold": "one year cold: `report --year 2025`, empty folders",
    "all_force": "five years: `report --all --jobs 2 --force`",
    "unchanged": "five years unchanged: `report --all`",
}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Running and timing
# --------------------------------------------------------------------------------------------


def run(cmd: list[str], env: dict, cwd: Path = bl.REPO) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"command failed (exit {done.returncode}): {' '.join(cmd)}\n"
                           f"--- stderr ---\n{done.stderr[-4000:]}\n--- stdout ---\n{done.stdout[-2000:]}")
    return done


WAIT_IDLE = {"seconds": 0.0}  # --wait-idle: set by main()


def timed(steps: list[tuple[str, list[str]]], env: dict) -> dict:
    """Run ``steps`` one after the other; return the wall time of all, of each, and the load figures."""
    others_before = bl.wait_idle(WAIT_IDLE["seconds"])
    load = bl.load1()
    meter = bl.OtherLoad()
    started = time.perf_counter()
    parts, outputs = {}, {}
    for name, cmd in steps:
        t0 = time.perf_counter()
        done = run(cmd, env)
        parts[name] = time.perf_counter() - t0
        outputs[name] = done
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "parts": parts, "load_before": load, "others_before": others_before, **meter.stop(),
            "_done": outputs}


def cli() -> list[str]:
    return [bl.venv_tool("ikuanalysis")]


def folders(work: Path) -> list[str]:
    return ["--processed-dir", str(work / "processed"), "--output-dir", str(work / "outputs")]


def tool_stages(stderr: str) -> dict[str, float]:
    """Seconds of each stage the tool prints (``[2025] 1/4 membersihkan register …`` / ``selesai dalam``)."""
    found: dict[str, float] = {}
    for line_year, _index, _total, title, seconds in re.findall(
            r"\[(\d{4})\] (\d+)/(\d+) (.+?) …\n\[\1\]\s+selesai dalam ([\d.,]+) detik", stderr):
        key = title if line_year == str(YEAR) else f"{line_year} {title}"
        # Indonesian format: "1.234,5" (thousands dot, decimal comma)
        found[key] = found.get(key, 0.0) + float(seconds.replace(".", "").replace(",", "."))
    return found


def chain_steps(work: Path, pandoc: str, browser: str) -> list[tuple[str, list[str]]]:
    """The analyst's commands (papermill × 3, nbconvert, Chromium, pandoc) for a run in ``work``."""
    executed = work / "notebooks"
    export = work / "export"
    params = ["-p", "year", str(YEAR), "-p", "raw_root", str(RAW), "-p", "processed_root", str(work / "processed"),
              "-p", "work_root", str(work / "work"), "-p", "config_dir", str(CONFIG)]
    steps = [(f"papermill {name}", [bl.venv_tool("papermill"), str(NOTEBOOKS / f"{name}.ipynb"),
                                    str(executed / f"{name}.ipynb"), *params])
             for name in NOTEBOOK_NAMES]
    html = export / f"iku_{YEAR}.html"
    steps += [
        ("nbconvert", [bl.venv_tool("jupyter"), "nbconvert", "--to", "html", "--no-input",
                       str(executed / "03_report.ipynb"), "--output-dir", str(export), "--output", html.stem]),
        ("chromium", [browser, "--headless", "--no-sandbox", f"--print-to-pdf={export / f'iku_{YEAR}.pdf'}",
                      html.as_uri()]),
        ("pandoc", [pandoc, "-f", "html", "-t", "docx", "-o", str(export / f"iku_{YEAR}.docx"), str(html)]),
    ]
    return steps


def show_command(cmd: list[str], work: Path, pandoc: str) -> str:
    """A command as the docs show it: ``$WORK`` for the run's folder, project paths relative."""
    text = " ".join(cmd)
    text = text.replace(pandoc, "pandoc").replace(str(Path(sys.executable).parent) + "/", "")
    text = text.replace(bl.find_browser(), Path(bl.find_browser()).name)
    text = text.replace(work.as_uri(), "file://$WORK").replace(str(work), "$WORK")
    return text.replace(str(bl.REPO) + "/", "")


def check_outputs(folder: Path) -> dict[str, int]:
    """Sizes of the HTML, PDF and DOCX in ``folder``; fails when one is missing or empty."""
    sizes = {}
    for suffix in ("html", "pdf", "docx"):
        path = folder / f"iku_{YEAR}.{suffix}"
        if not path.is_file() or path.stat().st_size == 0:
            raise RuntimeError(f"{path} missing or empty")
        sizes[suffix] = path.stat().st_size
    return sizes


# --------------------------------------------------------------------------------------------
# The floor: one process, the notebooks' code in one namespace
# --------------------------------------------------------------------------------------------


def run_cell(source: str, namespace: dict, filename: str):
    """Execute a cell's code in ``namespace``; return the value of its last expression (as Jupyter shows)."""
    import ast

    tree = ast.parse(source, filename)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 - the project's own notebooks
    return eval(compile(last, filename, "eval"), namespace) if last is not None else None  # noqa: S307


def as_html(value) -> str:
    import html

    method = getattr(value, "_repr_html_", None)
    shown = method() if callable(method) else None
    return shown if shown is not None else f"<pre>{html.escape(str(value))}</pre>"


def report_css() -> str:
    """The report's style sheet: the one the project's nbconvert template (``ikureport``) inlines."""
    from importlib import resources

    return resources.files("ikuanalysis").joinpath("publish", "templates", "ikureport", "report.css").read_text(
        encoding="utf-8")


def floor_child(spec: dict) -> dict:
    """The floor contender (runs in a fresh process): notebooks' code, one page, one PDF, one DOCX."""
    times: dict[str, float] = {}
    year = spec["parameters"]["year"]
    export = Path(spec["export"])
    export.mkdir(parents=True, exist_ok=True)
    namespace: dict = {"__name__": "__main__", **spec["parameters"]}
    parts: list[str] = []
    for name in NOTEBOOK_NAMES:
        started = time.perf_counter()
        cells = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            if cell["cell_type"] != "code" or "parameters" in cell.get("metadata", {}).get("tags", []):
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            value = run_cell(source, namespace, f"<{name} cell {index}>")
            if name == "03_report" and value is not None:
                parts.append(as_html(value))
        times[name] = time.perf_counter() - started

    started = time.perf_counter()
    title = f"Laporan IKU {year}"
    page = ('<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n<style>\n{report_css()}\n</style>\n</head>\n<body>\n<main class=\"report\">\n"
            + "\n".join(f'<div class="output_html rendered_html">{part}</div>' for part in parts)
            + "\n</main>\n</body>\n</html>\n")
    html_path = export / f"iku_{year}.html"
    html_path.write_text(page, encoding="utf-8")
    times["page"] = time.perf_counter() - started

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ikubench-chromium-") as profile:
        subprocess.run([spec["browser"], *FLOOR_CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                        f"--print-to-pdf={export / f'iku_{year}.pdf'}", html_path.as_uri()],
                       capture_output=True, check=True, timeout=TIMEOUT)
    times["chromium"] = time.perf_counter() - started

    started = time.perf_counter()
    from ikuanalysis.publish.docx import export_docx

    export_docx(html_path, export / f"iku_{year}.docx", title)
    times["export_docx"] = time.perf_counter() - started
    return {"parts": times}


def floor_steps(work: Path, browser: str) -> list[tuple[str, list[str]]]:
    spec = {"parameters": {"year": YEAR, "raw_root": str(RAW), "processed_root": str(work / "processed"),
                           "work_root": str(work / "work"), "config_dir": str(CONFIG), "as_of": ""},
            "export": str(work / "export"), "browser": browser}
    return [("floor", [sys.executable, str(THIS), "--floor-child", json.dumps(spec)])]


# --------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------


def prepare(base: Path, env: dict, retries: int, failures: list[dict]) -> dict:
    """Build the two warm states every run copies: one year built (2021–2025 processed), and all years built."""
    made = {}
    for name, args in (("warm1", ["report", "--year", str(YEAR)]), ("warm5", ["report", "--all", "--jobs", "2"])):
        started = time.perf_counter()
        retried(lambda a=args, n=name: run([*cli(), *a, *folders(base / n)], env), name, "prepare", retries, failures)
        made[name] = time.perf_counter() - started
        say(f"[prepare] {name}: {' '.join(args)} in {made[name]:.1f} s")
    return made


def fresh(base: Path, name: str, template: str | None, with_outputs: bool) -> Path:
    work = base / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if template:
        shutil.copytree(base / template / "processed", work / "processed", symlinks=True)
        if with_outputs:
            shutil.copytree(base / template / "outputs", work / "outputs", symlinks=True)
    return work


def measure_contender(name: str, base: Path, tag: str, env: dict, pandoc: str, browser: str) -> dict:
    work = fresh(base, f"{tag}-{name}", "warm1", with_outputs=(name == "tool"))
    if name == "tool":
        result = timed([("tool", [*cli(), "report", "--year", str(YEAR), "--force", *folders(work)])], env)
        result["stages"] = tool_stages(result["_done"]["tool"].stderr)
        result["outputs"] = check_outputs(work / "outputs" / str(YEAR))
    elif name == "chain":
        (work / "notebooks").mkdir()  # papermill writes into an existing folder only
        result = timed(chain_steps(work, pandoc, browser), env)
        result["outputs"] = check_outputs(work / "export")
    else:
        result = timed(floor_steps(work, browser), env)
        result["stages"] = json.loads(result["_done"]["floor"].stdout.strip().splitlines()[-1])["parts"]
        result["outputs"] = check_outputs(work / "export")
    shutil.rmtree(work, ignore_errors=True)
    return result


def measure_extras(base: Path, tag: str, env: dict) -> dict:
    out = {}
    work = fresh(base, f"{tag}-cold", None, with_outputs=False)
    out["cold"] = timed([("cold", [*cli(), "report", "--year", str(YEAR), *folders(work)])], env)
    out["cold"]["stages"] = tool_stages(out["cold"]["_done"]["cold"].stderr)
    check_outputs(work / "outputs" / str(YEAR))
    shutil.rmtree(work, ignore_errors=True)
    work = fresh(base, f"{tag}-all", "warm5", with_outputs=True)
    out["all_force"] = timed([("all_force", [*cli(), "report", "--all", "--jobs", "2", "--force", *folders(work)])],
                             env)
    out["unchanged"] = timed([("unchanged", [*cli(), "report", "--all", *folders(work)])], env)
    check_outputs(work / "outputs" / str(YEAR))
    if not (work / "outputs" / "index.html").is_file():
        raise RuntimeError("report --all wrote no index.html")
    shutil.rmtree(work, ignore_errors=True)
    return out


def retried(measure_once, name: str, tag: str, retries: int, failures: list[dict]):
    """Run ``measure_once``; when it fails, record the failure and run it again (at most ``retries`` times)."""
    for attempt in range(retries + 1):
        try:
            return measure_once()
        except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
            message = str(exc)
            code = re.search(r"exit (-?\d+)", message)
            failures.append({"what": name, "round": tag, "attempt": attempt + 1,
                             "returncode": code[1] if code else "?",
                             "message": bl.last_line(message.split("--- stdout ---")[0])})
            say(f"[{tag}] {name} FAILED (attempt {attempt + 1}):\n{message[-3000:]}")
            if attempt == retries:
                raise


def clean(result: dict) -> dict:
    return {k: v for k, v in result.items() if not k.startswith("_")}


def measure(args) -> dict:
    env = bl.child_env()
    pandoc = run([sys.executable, "-c", "import pypandoc; print(pypandoc.get_pandoc_path())"], env).stdout.strip()
    browser = bl.find_browser()
    info = bl.start_measuring(args.wait_quiet, say)
    results = {"machine": info, "wait_idle": args.wait_idle, "rounds": args.rounds, "warmup": args.warmup,
               "extra_rounds": args.extra_rounds,
               "command": " ".join(["python benchmarks/bench_report.py", *sys.argv[1:]]),
               "retries": args.retries, "failures": [], "speed_probes": [],
               "runs": {name: [] for name in (*CONTENDERS, *EXTRAS)}}
    base = Path(tempfile.mkdtemp(prefix="ikubench-report-"))
    try:
        results["prepare_s"] = prepare(base, env, args.retries, results["failures"])
        probe = base / "probe"
        results["chain_commands"] = [show_command(cmd, probe, pandoc)
                                     for _name, cmd in chain_steps(probe, pandoc, browser)]
        for round_index in range(-args.warmup, args.rounds):
            tag = f"warmup{-round_index}" if round_index < 0 else f"r{round_index + 1}"
            probe_s = bl.speed_probe_s() if round_index >= 0 else None
            if probe_s is not None:
                results["speed_probes"].append(probe_s)
            for name in CONTENDERS:
                result = retried(lambda n=name, t=tag: measure_contender(n, base, t, env, pandoc, browser),
                                 name, tag, args.retries, results["failures"])
                say(f"[{tag}] {name:<6} {result['seconds']:6.2f} s  (load before {result['load_before'] or 0:.2f}, "
                    f"others {result.get('other_cores', 0):.2f} cores)  "
                    + ", ".join(f"{k} {v:.2f}" for k, v in (result.get("stages") or result["parts"]).items()))
                if round_index >= 0:
                    results["runs"][name].append({**clean(result), "round": round_index + 1})
            if 0 <= round_index < args.extra_rounds:
                extras = retried(lambda t=tag: measure_extras(base, t, env), "extras", tag, args.retries,
                                 results["failures"])
                for name, result in extras.items():
                    say(f"[{tag}] {name:<9} {result['seconds']:6.2f} s  (load before {result['load_before'] or 0:.2f}, "
                        f"others {result.get('other_cores', 0):.2f} cores)")
                    results["runs"][name].append({**clean(result), "round": round_index + 1})
    finally:
        shutil.rmtree(base, ignore_errors=True)
    results["load1_end"] = bl.load1()
    return results


# --------------------------------------------------------------------------------------------
# Summary and docs
# --------------------------------------------------------------------------------------------


def summarise(results: dict) -> dict:
    runs = results["runs"]
    stats = {}
    for name, items in runs.items():
        seconds = [r["seconds"] for r in items]
        if seconds:
            stats[name] = {"median": bl.median(seconds), "min": min(seconds), "max": max(seconds), "n": len(seconds),
                           "cpu": bl.median([r.get("own_cpu_s") for r in items])}
    def ratio(a, b, key="median"):
        return stats[a][key] / stats[b][key] if a in stats and b in stats and stats[b].get(key) else None

    def paired(a, b):
        by_round = {r["round"]: r["seconds"] for r in runs.get(b, [])}
        values = [r["seconds"] / by_round[r["round"]] for r in runs.get(a, []) if r["round"] in by_round]
        return (min(values), max(values)) if values else None

    ratios = {pair: (ratio(*pair.split("/")), paired(*pair.split("/")), ratio(*pair.split("/"), key="cpu"))
              for pair in ("chain/tool", "tool/floor", "all_force/tool")}
    goals = []
    def goal(label, value, limit, unit, higher_is_better=False):
        ok = None if value is None else (value >= limit if higher_is_better else value <= limit)
        sign = "≥" if higher_is_better else "≤"
        shown = "not run" if value is None else (f"{value:.2f}" if unit == "×" else f"{value:.2f} s")
        goals.append((f"{label} {sign} {limit:g}{' s' if unit == 's' else ''}", shown, ok))

    med = lambda name: stats.get(name, {}).get("median")  # noqa: E731
    goal("chain / tool (medians)", ratios["chain/tool"][0], 2.8, "×", higher_is_better=True)
    goal("tool / floor (medians)", ratios["tool/floor"][0], 1.15, "×")
    goal("tool, one year warm (median)", med("tool"), 3.5, "s")
    goal("one year cold (median)", med("cold"), 6, "s")
    goal("five years `--all --jobs 2 --force` / one year warm", ratios["all_force/tool"][0], 2, "×")
    goal("unchanged rerun `--all` (median)", med("unchanged"), 0.3, "s")

    def part_medians(name, key):
        merged: dict[str, list[float]] = {}
        for r in runs.get(name, []):
            for part, seconds in (r.get(key) or {}).items():
                merged.setdefault(part, []).append(seconds)
        return {part: bl.median(values) for part, values in merged.items()}

    breakdown = {"tool": part_medians("tool", "stages"), "cold": part_medians("cold", "stages"),
                 "chain": part_medians("chain", "parts"), "floor": part_medians("floor", "stages")}
    loads = [r["load_before"] for items in runs.values() for r in items if r.get("load_before") is not None]
    others = [r["other_cores"] for items in runs.values() for r in items if r.get("other_cores") is not None]
    before = [r["others_before"] for items in runs.values() for r in items if r.get("others_before") is not None]
    return {"stats": stats, "ratios": ratios, "goals": goals, "breakdown": breakdown, "loads": loads,
            "others": others, "others_before": before}


def markdown(results: dict) -> str:
    info = results["machine"]
    summary = summarise(results)
    stats, ratios = summary["stats"], summary["ratios"]
    lines = [
        f"Measured {info['date_utc']} with `benchmarks/bench_report.py` (`{results['command']}`): "
        f"{results['rounds']} interleaved rounds (tool, chain, floor) after {results['warmup']} discarded warm-up "
        f"round(s); cold, five-year and unchanged runs in the first {results['extra_rounds']} rounds.",
        "",
        bl.machine_line(info),
        "",
        bl.load_note(info, summary["loads"], summary["others"], wait_idle=results.get("wait_idle", 0),
                     others_before=summary["others_before"]),
        "",
        *([bl.speed_note(results["speed_probes"]), ""] if results.get("speed_probes") else []),
        "Sample data of `data/raw` (year 2025; 2021–2024 are its history). Wall times of whole commands, "
        "start-up included. Every run has fresh temporary folders prepared the same warm way: a copy of the "
        "processed folder of a finished `report --year 2025` (2021–2025 processed; the tool also gets a copy of "
        "its output folder), and the run rebuilds 2025 (HTML, PDF, DOCX).",
        "",
        "| what | median (s) | min (s) | max (s) | CPU, median (s) | runs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in (*CONTENDERS, *EXTRAS):
        if name in stats:
            s = stats[name]
            lines.append(f"| {LABELS[name]} | {bl.fmt_s(s['median'])} | {bl.fmt_s(s['min'])} | {bl.fmt_s(s['max'])} "
                         f"| {bl.fmt_s(s.get('cpu'))} | {s['n']} |")
    lines += ["", "CPU is user + system time of the whole process tree (kernel, Chromium and pandoc included).", "",
              "| ratio | of wall-time medians | range over rounds (same round) | of CPU medians |",
              "|---|---:|---:|---:|"]
    for label, (value, spread, cpu) in ratios.items():
        if value is not None:
            lines.append(f"| {label.replace('_', ' ')} | {value:.2f} | "
                         f"{f'{spread[0]:.2f} – {spread[1]:.2f}' if spread else '–'} | {bl.fmt_s(cpu)} |")
    lines += ["", "| goal | measured | met |", "|---|---:|:---:|"]
    lines += [f"| {label} | {shown} | {bl.met(ok)} |" for label, shown, ok in summary["goals"]]
    lines += bl.failure_lines(results.get("failures", []), lambda f: f"{f['round']} {f['what']}")
    names = {"tool": "tool (stages it prints)", "cold": "cold (stages it prints)",
             "chain": "chain (commands)", "floor": "floor (inside the process)"}
    lines += ["", "Where the time goes (medians, seconds):", ""]
    for name, parts in summary["breakdown"].items():
        if parts:
            lines.append(f"- {names[name]}: " + "; ".join(f"{part} {seconds:.2f}" for part, seconds in parts.items()))
    lines += ["", "The hand-written chain, as run (`$WORK` is the run's temporary folder; `processed` holds the "
              "warm copy; pandoc is the binary of the `pypandoc-binary` wheel, "
              "`python -c \"import pypandoc; print(pypandoc.get_pandoc_path())\"`):", "", "```bash"]
    lines += ["mkdir -p $WORK/notebooks", *results.get("chain_commands", [])]
    lines += ["```", "",
              "The floor is one fresh Python process (`bench_report.py --floor-child`) that executes the code cells of "
              "`01_clean`, `02_indicator` and `03_report` in one namespace, with the parameters set in it instead of "
              "the `parameters` cell; takes the HTML of the last expression of each `03_report` cell (`_repr_html_`); "
              "writes one page with the report's CSS (`publish/templates/ikureport/report.css`, the style sheet the "
              "project's nbconvert template inlines); prints it with one `chromium --headless --print-to-pdf` call "
              "(the tool's Chromium flags, fresh profile); and calls `ikuanalysis.publish.docx.export_docx` on the "
              "page. No kernel, papermill, nbconvert, staging, locks, manifest, raw-folder hashing or PDF metadata "
              "step: what the tool adds over that is its overhead.",
              "", "Reproduce: `.venv/bin/python benchmarks/bench_report.py` (see `benchmarks/README.md`)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="measured interleaved rounds (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded rounds before them (default 1)")
    parser.add_argument("--extra-rounds", type=int, default=3,
                        help="rounds that also measure cold, --all --force and unchanged (default 3; 0: none)")
    bl.add_common_options(parser, SECTION, RESULTS_FILE)
    parser.add_argument("--floor-child", metavar="JSON", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    WAIT_IDLE["seconds"] = args.wait_idle
    if args.floor_child:
        print(json.dumps(floor_child(json.loads(args.floor_child))))
        return 0
    if args.from_results:
        results = json.loads(args.from_results.read_text(encoding="utf-8"))
    else:
        results = measure(args)
    bl.save_and_publish(results, None if args.from_results else args.results_file, SECTION, markdown(results),
                        args.write_docs, args.docs_file, say)
    return 0


if __name__ == "__main__":
    sys.exit(main())
