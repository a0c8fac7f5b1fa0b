"""Benchmark of report builds (run by hand, never by pytest).

Measures, on the committed sample data, in fresh copies of the output folders:
1. one year's full report (HTML, PDF, JSON), cold (first run, earlier years not yet
   processed) and warm (run again), with the time of each stage;
2. five years cold with ``report --all --jobs 2``;
3. the same again with nothing changed.

Usage::

    .venv/bin/python benchmarks/bench_report.py                # print the table
    .venv/bin/python benchmarks/bench_report.py --write-docs   # also update docs/performance.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "ikuanalysis.cli"]
SECTION = "## Report build"
STAGE = re.compile(r"\[(\d{4})\] (\d)/4 (.+?) …\n\[\1\]\s+selesai dalam ([\d.]+) d")


def run(args: list[str], env: dict) -> tuple[float, str]:
    """Run the CLI and return (wall seconds, stderr)."""
    started = time.perf_counter()
    done = subprocess.run(CLI + args, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started, done.stderr


def folders(work: Path) -> list[str]:
    return ["--processed-dir", str(work / "processed"), "--output-dir", str(work / "outputs")]


def measure() -> list[tuple[str, str]]:
    """Return (what, result) rows."""
    env = {**os.environ, "IKUANALYSIS_NIK_KEY": "benchmark"}
    rows = []
    with tempfile.TemporaryDirectory(prefix="ikuanalysis-bench-") as tmp:
        work = Path(tmp)
        for label in ("cold", "warm"):
            seconds, log = run(["report", "--year", "2025", *folders(work)], env)
            stages = "; ".join(f"{name} {float(sec):.1f} s" for _y, _n, name, sec in STAGE.findall(log))
            rows.append((f"One year (2025), {label}", f"{seconds:.1f} s ({stages})"))
        shutil.rmtree(work / "outputs")
        shutil.rmtree(work / "processed")
        seconds, _ = run(["report", "--all", "--jobs", "2", *folders(work)], env)
        rows.append(("Five years cold, `--all --jobs 2` (incl. index)", f"{seconds:.1f} s"))
        seconds, _ = run(["report", "--all", *folders(work)], env)
        rows.append(("Five years again, nothing changed", f"{seconds:.2f} s"))
    return rows


def to_markdown(rows: list[tuple[str, str]]) -> str:
    import pandas

    lines = [
        SECTION, "",
        f"Measured {dt.date.today().isoformat()} by `benchmarks/bench_report.py` on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pandas {pandas.__version__}; sample data of `data/raw` "
        "(2025: about 14.000 register rows). Wall time of the `ikuanalysis` command, including start-up.",
        "", "| what | time |", "|---|---|",
        *[f"| {what} | {result} |" for what, result in rows], "",
    ]
    return "\n".join(lines)


def write_docs(section: str) -> None:
    """Replace (or add) this benchmark's section of docs/performance.md."""
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Performance\n\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-docs", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()
    section = to_markdown(measure())
    print(section)
    if args.write_docs:
        write_docs(section)


if __name__ == "__main__":
    main()
