"""Helpers shared by ``bench_report.py`` and ``bench_scale.py`` (standard library only).

Imported by the benchmark scripts, which run with ``benchmarks/`` first on ``sys.path``. Nothing
here imports ikuanalysis, pandas or numpy: the floor contender of ``bench_report.py`` is a fresh
process whose start-up is measured, and it imports this module.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = REPO / "src"
DOCS_FILE = REPO / "docs" / "performance.md"
DATA_DIR = HERE / "data"
MIB = 1024 * 1024
KEY_ENV = "IKUANALYSIS_NIK_KEY"
BENCH_KEY = "benchmark"


# --------------------------------------------------------------------------------------------
# Environment of the measured commands
# --------------------------------------------------------------------------------------------


def child_env(**extra: str) -> dict[str, str]:
    """Return the environment of a measured command.

    ``src/`` of this checkout comes first on ``PYTHONPATH`` (also in the Jupyter kernels, which
    inherit it), so the code measured is this worktree's even when the virtual environment holds
    an editable install of another checkout. The NIK hashing key is a fixed benchmark key, so the
    project's ``.nik_key`` is never read or created.
    """
    env = dict(os.environ)
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and Path(p).resolve() != SRC]
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), *parts])
    env[KEY_ENV] = BENCH_KEY
    env.update(extra)
    return env


def venv_tool(name: str) -> str:
    """Return the console script ``name`` of the running interpreter's environment (else from PATH)."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    import shutil

    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found beside {sys.executable} nor on PATH")
    return found


def find_browser() -> str:
    """Return the Chromium executable (``IKUANALYSIS_BROWSER`` first, as the tool does)."""
    import shutil

    configured = os.environ.get("IKUANALYSIS_BROWSER")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("Chromium not found (install it, or set IKUANALYSIS_BROWSER)")


# --------------------------------------------------------------------------------------------
# Machine and load
# --------------------------------------------------------------------------------------------


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# A fixed pure-Python loop timed in a fresh interpreter: how fast this (shared, virtual) machine
# is at the moment. On 2026-12-04 the same loop took 0,27-0,33 s within one afternoon.
SPEED_PROBE = "import time; t = time.perf_counter(); sum(range(20_000_000)); print(time.perf_counter() - t)"


def speed_probe_s() -> float | None:
    """Seconds the fixed loop :data:`SPEED_PROBE` takes now (None when it could not run)."""
    try:
        done = subprocess.run([sys.executable, "-c", SPEED_PROBE], capture_output=True, text=True, timeout=60)
        return float(done.stdout.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def speed_note(probes: list[float]) -> str:
    """The sentence on the machine's speed during the runs (:func:`speed_probe_s` before each round)."""
    if not probes:
        return ""
    return (f"Speed of the machine during the runs: a fixed pure-Python loop (`sum(range(20_000_000))`, fresh "
            f"interpreter, before each round) took {statistics.median(probes):.3f} s median ({min(probes):.3f}–"
            f"{max(probes):.3f}); the same figure on another run tells how much of a difference is the machine's.")


def load1() -> float | None:
    """The 1-minute load average (None where the OS has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def wait_for_quiet(max_wait: float, threshold: float, say=print) -> float | None:
    """Wait up to ``max_wait`` seconds for the 1-minute load average to fall below ``threshold``.

    Returns the load average when the wait ended.
    """
    deadline = time.monotonic() + max_wait
    load = load1()
    announced = False
    while load is not None and load >= threshold and time.monotonic() < deadline:
        if not announced:
            say(f"[load] 1-minute load average {load:.2f} >= {threshold:.2f}: waiting up to {max_wait:.0f} s")
            announced = True
        time.sleep(5)
        load = load1()
    return load


def wait_idle(max_wait: float, threshold_cores: float = 0.25, window: float = 2.0) -> float | None:
    """Before a measurement: wait up to ``max_wait`` s until other processes use < ``threshold_cores``.

    Nothing of ours runs at that moment, so the machine's busy CPU time over a ``window``-second
    sample is other people's work. Returns the cores they used in the last window (None: no
    ``/proc/stat``); ``max_wait`` 0 returns None at once.
    """
    if max_wait <= 0:
        return None
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    deadline = time.monotonic() + max_wait
    while True:
        before, started = _busy_jiffies(), time.perf_counter()
        time.sleep(window)
        after = _busy_jiffies()
        if before is None or after is None:
            return None
        used = (after - before) / tick / (time.perf_counter() - started)
        if used < threshold_cores or time.monotonic() >= deadline:
            return used


def _busy_jiffies() -> int | None:
    """CPU time spent by every process on the machine so far (/proc/stat, clock ticks)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return user + nice + system + irq + softirq + steal


class OtherLoad:
    """Measures how much CPU *other* processes used while a command ran.

    The machine's busy CPU time (``/proc/stat``) minus the CPU time of our own finished
    children (``RUSAGE_CHILDREN``), divided by the wall time: the average number of cores
    that other people's work took during the measurement (0 on an idle machine). Our
    children's time counts once they have been waited for, so call :meth:`stop` after the
    command ended. The result is approximate (a descendant that nobody waits for is counted as
    "other", and the sampling itself costs a little).
    """

    def __init__(self) -> None:
        import resource

        self._resource = resource
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._busy0 = _busy_jiffies()
        self._own0 = self._own()
        self._wall0 = time.perf_counter()

    def _own(self) -> float:
        usage = self._resource.getrusage(self._resource.RUSAGE_CHILDREN)
        mine = self._resource.getrusage(self._resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime + mine.ru_utime + mine.ru_stime

    def stop(self) -> dict:
        wall = time.perf_counter() - self._wall0
        busy1 = _busy_jiffies()
        own = self._own() - self._own0
        out = {"own_cpu_s": own}
        if self._busy0 is not None and busy1 is not None and wall > 0:
            total = (busy1 - self._busy0) / self._tick
            out["other_cores"] = max(0.0, (total - own) / wall)
        return out


def _first_line(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line
    except OSError:
        pass
    return ""


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def code_version() -> str:
    """The commit measured, noting uncommitted changes under src/ or notebooks/."""
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    dirty = git("status", "--porcelain", "--", "src", "notebooks", "pipeline.yml", "config")
    return (f"commit {commit}" + (f" (branch {branch})" if branch and branch != "HEAD" else "")
            + (" + uncommitted changes in src/, notebooks/ or config/" if dirty else ""))


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def machine_info() -> dict:
    """Date (UTC), machine, versions and commit, for the docs."""
    cpu = _first_line("/proc/cpuinfo", "model name").split(":", 1)[-1].strip() or platform.processor() or "unknown"
    mem = _first_line("/proc/meminfo", "MemTotal")
    memory = f"{int(mem.split()[1]) / MIB:.1f} GiB" if mem else "unknown"
    return {
        "date_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": usable_cores(),
        "cores_total": os.cpu_count(),
        "memory": memory,
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pandas": _version("pandas"),
        "numpy": _version("numpy"),
        "pyarrow": _version("pyarrow"),
        "code": code_version(),
        "load1_start": load1(),
    }


def machine_line(info: dict) -> str:
    return (f"Machine: {info['cpu']}, {info['cores']} usable of {info['cores_total']} cores, {info['memory']} RAM, "
            f"{info['kernel']}; Python {info['python']}, pandas {info['pandas']}, numpy {info['numpy']}, "
            f"pyarrow {info['pyarrow']}. Code: {info['code']}.")


BUSY_HINT = ("wall times are inflated and vary; the ratios between contenders measured in the same rounds are "
             "the steadier figures, and CPU times more than wall times")


def load_note(info: dict, loads: list[float], others: list[float], hint: str = BUSY_HINT, wait_idle: float = 0,
              others_before: list[float] | None = None) -> str:
    """The paragraph on how busy the machine was; flags a busy machine in bold."""
    cores = info["cores"]
    start = info.get("load1_start")
    text = (f"Load: 1-minute load average {start:.2f} before the runs" if start is not None
            else "Load: no load average on this OS")
    if loads:
        text += f" (up to {max(loads):.2f} before a measurement, our own previous run included)"
    if others:
        text += (f"; other processes took on average {statistics.median(others):.2f} cores "
                 f"(up to {max(others):.2f}) of the {cores} during the measurements")
    text += "."
    if wait_idle and others_before:
        text += (f" Before each measurement the script waited (up to {wait_idle:g} s) for other processes to use "
                 f"less than 0.25 cores; they used {statistics.median(others_before):.2f} (median, up to "
                 f"{max(others_before):.2f}) when it started.")
    busy = (start is not None and start >= 0.5 * cores) or (others and statistics.median(others) >= 0.25 * cores)
    if busy:
        text += f"\n\n**Note: the machine was busy** (shared with other work) while this ran: {hint}."
    return text


# --------------------------------------------------------------------------------------------
# Figures and docs
# --------------------------------------------------------------------------------------------


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_s(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def fmt_mib(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def met(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def last_line(text: str, limit: int = 500) -> str:
    """The last non-empty line of a command's output (its error message), shortened."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "")[:limit]


def failure_lines(failures: list[dict], where) -> list[str]:
    """Docs lines listing failed runs (each was retried; failures are not in the figures)."""
    if not failures:
        return []
    out = ["", f"**{len(failures)} run(s) failed** and were run again (failed runs are not in the figures):", ""]
    seen: dict[tuple, list[str]] = {}
    for failure in failures:
        seen.setdefault((failure["message"], failure["returncode"]), []).append(where(failure))
    for (message, code), places in seen.items():
        out.append(f"- {'; '.join(places)} (exit {code}): {message}")
    return out


def add_common_options(parser, section: str, results_file: Path) -> None:
    """Add the options both benchmarks share: retries, waiting for quiet, docs and results files."""
    parser.add_argument("--retries", type=int, default=2,
                        help="a failed run is recorded and run again, at most this many times (default 2)")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="first wait up to SECONDS for the 1-minute load average to fall below half the cores")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="before each measurement wait up to SECONDS until other processes use < 0.25 cores")
    parser.add_argument("--write-docs", action="store_true", help=f"write '{section}' of docs/performance.md")
    parser.add_argument("--docs-file", type=Path, default=DOCS_FILE, help="file written by --write-docs")
    parser.add_argument("--results-file", type=Path, default=results_file, help="where the results JSON is saved")
    parser.add_argument("--from-results", type=Path, help="do not measure: format a saved results JSON")


def start_measuring(wait_quiet: float, say=print) -> dict:
    """Wait for a quiet machine when asked (``--wait-quiet``), then return and print the machine's info."""
    if wait_quiet:
        wait_for_quiet(wait_quiet, 0.5 * usable_cores(), say)
    info = machine_info()
    say(f"[machine] {machine_line(info)} Load before the runs: {info['load1_start']}")
    return info


def save_and_publish(results: dict, results_file: Path | None, section: str, body: str, write_docs: bool,
                     docs_file: Path, say=print) -> None:
    """Save the measurements as JSON (unless re-read), print the docs section, write it when asked."""
    import json

    if results_file is not None:
        results_file.parent.mkdir(parents=True, exist_ok=True)
        results_file.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        say(f"[results] saved to {results_file}")
    print(f"{section}\n\n{body}")
    if write_docs:
        write_section(section, body, docs_file)
        say(f"[docs] wrote '{section}' of {docs_file}")


def write_section(heading: str, body: str, path: Path = DOCS_FILE) -> None:
    """Write ``body`` under ``heading`` (a ``## `` line) of ``path``, replacing only that section.

    The section ends at the next ``# `` or ``## `` heading (``### `` headings belong to it), as
    ``bench_clean.py`` does for its own section.
    """
    section = f"{heading}\n\n{body.rstrip()}\n"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# Performance\n\n{section}", encoding="utf-8")
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    if start is None:
        path.write_text("".join(lines).rstrip("\n") + "\n\n" + section, encoding="utf-8")
        return
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"#{1,2} ", lines[i])), len(lines))
    tail = "".join(lines[end:])
    path.write_text("".join(lines[:start]) + section + ("\n" + tail if tail else ""), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Peak memory of a whole process tree
# --------------------------------------------------------------------------------------------

_PR_SET_CHILD_SUBREAPER = 36


def _proc_table() -> dict[int, int]:
    """pid -> parent pid of every process (Linux /proc)."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        table[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    return table


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, parent in _proc_table().items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def status_kib(text: str, key: str) -> int:
    """Return the KiB figure of ``key`` (``"VmHWM:"``, ``"Pss:"``, ...) in a /proc status text, 0 if absent."""
    for line in text.splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return 0


def _kind(pid: int) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return "?"
    if "ipykernel" in cmd:
        return "kernel"
    if "chrom" in cmd:
        return "chromium"
    if "pandoc" in cmd:
        return "pandoc"
    if "python" in cmd or "ikuanalysis" in cmd:
        return "command"
    return cmd.split(" ", 1)[0].rsplit("/", 1)[-1] or "?"


def wrap(cmd: list[str], interval: float, log: Path) -> dict:
    """Run ``cmd`` (in this fresh wrapper process) and return its wall time, CPU time and memory peaks.

    - ``maxrss_mib``: ``getrusage(RUSAGE_CHILDREN).ru_maxrss``, the peak RSS of the *largest single*
      process of the tree (the kernel's own counter, exact). This wrapper makes itself a child
      subreaper (``prctl(PR_SET_CHILD_SUBREAPER)``), so a grandchild whose parent ends first is
      re-parented here and reaped here: every descendant, the Jupyter kernel included, is counted.
    - ``tree_pss_mib``: the highest sum of PSS (shared pages split among the processes sharing them)
      over all descendants, sampled every ``interval`` seconds from ``/proc/<pid>/smaps_rollup``;
      ``tree_rss_mib`` the same with RSS (counts shared pages once per process).
    - ``peak_by_kind``: each kind of process's highest ``VmHWM`` (its own peak RSS), as last sampled.
    """
    import ctypes
    import resource
    import threading

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    me = os.getpid()
    peaks = {"pss": 0, "rss": 0, "samples": 0}
    by_kind: dict[str, int] = {}
    kinds: dict[int, str] = {}
    stop = threading.Event()

    def sample() -> None:
        while True:
            pss = rss = 0
            for pid in _descendants(me):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                rss_kib = status_kib(status, "VmRSS:")
                rss += rss_kib
                try:
                    pss += status_kib(Path(f"/proc/{pid}/smaps_rollup").read_text(), "Pss:")
                except OSError:
                    pss += rss_kib
                kind = kinds.get(pid) or kinds.setdefault(pid, _kind(pid))
                hwm = status_kib(status, "VmHWM:")
                if hwm and kind != "?":  # "?": ended meanwhile (a zombie has no memory)
                    by_kind[kind] = max(by_kind.get(kind, 0), hwm)
            peaks["pss"], peaks["rss"] = max(peaks["pss"], pss), max(peaks["rss"], rss)
            peaks["samples"] += 1
            if stop.wait(interval):
                return

    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        sampler = threading.Thread(target=sample, daemon=True)
        if interval > 0:
            sampler.start()
        returncode = proc.wait()
        wall = time.perf_counter() - started
    stop.set()
    if interval > 0:
        sampler.join()
    deadline = time.monotonic() + 15
    leftovers = 0
    while True:  # reap what the command left (re-parented to us), so its usage is counted
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            leftovers += 1
            continue
        if time.monotonic() > deadline:
            for pid in _descendants(me):  # our own descendants only
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
        time.sleep(0.05)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "returncode": returncode, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
        "maxrss_mib": usage.ru_maxrss / 1024, "tree_pss_mib": peaks["pss"] / 1024, "tree_rss_mib": peaks["rss"] / 1024,
        "samples": peaks["samples"], "peak_by_kind_mib": {k: v / 1024 for k, v in sorted(by_kind.items())},
        "reaped_after_exit": leftovers,
    }


def run_wrapped(cmd: list[str], env: dict, log: Path, interval: float, timeout: float) -> dict:
    """Run ``cmd`` inside a fresh wrapper process (``python benchlib.py wrap``); return its figures."""
    import json

    load = load1()
    meter = OtherLoad()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "wrap", str(interval), str(log), "--", *cmd],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=timeout)
    other = meter.stop()
    if done.returncode != 0:
        raise RuntimeError(f"wrapper failed (exit {done.returncode}): {done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_before"] = load
    result["other_cores"] = other.get("other_cores")
    return result


if __name__ == "__main__" and len(sys.argv) > 4 and sys.argv[1] == "wrap" and sys.argv[4] == "--":
    import json

    print(json.dumps(wrap(sys.argv[5:], float(sys.argv[2]), Path(sys.argv[3]))))
