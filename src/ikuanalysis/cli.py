"""Command line: ``ikuanalysis report | validate | template`` (data contract §4).

Exit status 0 on success, 1 when the data or a stage failed (message on stderr), 2 for
wrong usage (also argparse's own errors, whose words are Indonesian too), 3 when the machine
refused, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from ikuanalysis import __version__, paths
from ikuanalysis.disclosure import redact_message
from ikuanalysis.failures import (
    EXIT_DATA,
    EXIT_USAGE,
    RunFailure,
    RunInterrupted,
    UsageFailure,
    failure_from_os_error,
    install_signal_handlers,
)


# argparse's own words (its gettext message ids, Python 3.11+) in Bahasa Indonesia.
ARGPARSE_MESSAGES = {
    "usage: ": "penggunaan: ",
    "positional arguments": "argumen posisi",
    "options": "pilihan",
    "optional arguments": "pilihan",
    "subcommands": "subperintah",
    "show this help message and exit": "tampilkan pesan bantuan ini lalu keluar",
    "show program's version number and exit": "tampilkan nomor versi program lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: kesalahan: %(message)s\n"
                                        "Lihat `%(prog)s --help` untuk cara pemakaian yang benar.\n",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "pilihan tidak sah: %(value)r (pilih salah satu dari %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "subperintah %(parser_name)r tidak dikenal (pilihan: %(choices)s)",
    "expected one argument": "memerlukan satu nilai",
    "expected at most one argument": "memerlukan paling banyak satu nilai",
    "expected at least one argument": "memerlukan sedikitnya satu nilai",
    "expected %s argument": "memerlukan %s nilai",
    "expected %s arguments": "memerlukan %s nilai",
    "not allowed with argument %s": "tidak boleh dipakai bersama argumen %s",
    "ignored explicit argument %r": "argumen eksplisit %r diabaikan",
    "ambiguous option: %(option)s could match %(matches)s": "pilihan ambigu: %(option)s dapat berarti %(matches)s",
    "unexpected option string: %s": "pilihan tidak terduga: %s",
    "can't open '%(filename)s': %(error)s": "tidak dapat membuka '%(filename)s': %(error)s",
}


def _translate(message):
    return ARGPARSE_MESSAGES.get(message, message) if isinstance(message, str) else message


def _translate_plural(singular: str, plural: str, n: int) -> str:
    return _translate(singular if n == 1 else plural)


@contextlib.contextmanager
def _argparse_in_indonesian() -> Iterator[None]:
    """Let argparse's own messages (looked up through its module's ``_``) read in Indonesian."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _translate, _translate_plural
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def _in_indonesian(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _argparse_in_indonesian():
            return method(*args, **kwargs)
    return wrapper


class IndonesianArgumentParser(argparse.ArgumentParser):
    """An argument parser whose help, usage and errors are all in Bahasa Indonesia.

    Errors still exit with status 2 (:data:`ikuanalysis.failures.EXIT_USAGE`).
    """

    __init__ = _in_indonesian(argparse.ArgumentParser.__init__)
    add_argument = _in_indonesian(argparse.ArgumentParser.add_argument)
    add_subparsers = _in_indonesian(argparse.ArgumentParser.add_subparsers)
    parse_args = _in_indonesian(argparse.ArgumentParser.parse_args)
    parse_known_args = _in_indonesian(argparse.ArgumentParser.parse_known_args)
    format_usage = _in_indonesian(argparse.ArgumentParser.format_usage)
    format_help = _in_indonesian(argparse.ArgumentParser.format_help)
    error = _in_indonesian(argparse.ArgumentParser.error)


def _whole_number(text: str) -> int:
    return int(text)


_whole_number.__name__ = "bilangan bulat"  # argparse names the type in "nilai … tidak sah"


def _add_dirs(parser: argparse.ArgumentParser, *, outputs: bool) -> None:
    parser.add_argument("--year", type=_whole_number, metavar="TAHUN", help="tahun laporan (bawaan: tahun terbaru di folder data mentah)")
    parser.add_argument("--raw-dir", type=Path, default=paths.RAW_DIR, metavar="FOLDER", help="folder induk data mentah")
    parser.add_argument("--config", type=Path, default=paths.CONFIG_DIR, metavar="FOLDER", help="folder konfigurasi")
    if outputs:
        parser.add_argument("--processed-dir", type=Path, default=paths.PROCESSED_DIR, metavar="FOLDER",
                            help="folder induk data bersih")
        parser.add_argument("--output-dir", type=Path, default=paths.OUTPUT_DIR, metavar="FOLDER",
                            help="folder induk hasil laporan")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``ikuanalysis`` command."""
    parser = IndonesianArgumentParser(
        prog="ikuanalysis",
        description="Hitung dan jelaskan IKU 'Persentase PPKS yang ditangani sesuai standar'.",
    )
    parser.add_argument("--version", action="version", version=f"ikuanalysis {__version__}",
                        help="tampilkan nomor versi program lalu keluar")
    commands = parser.add_subparsers(dest="command", required=True, title="perintah", metavar="PERINTAH")
    report = commands.add_parser("report", help="buat laporan HTML, PDF dan JSON satu tahun (atau semua: --all)")
    _add_dirs(report, outputs=True)
    report.add_argument("--all", action="store_true", help="semua tahun di folder data mentah, lalu indeks")
    report.add_argument("--jobs", type=_whole_number, default=None, metavar="N", help="jumlah proses paralel untuk --all (bawaan: jumlah inti)")
    report.add_argument("--force", action="store_true", help="buat ulang walaupun masukan tidak berubah")
    validate = commands.add_parser("validate", help="periksa register mentah tanpa menulis apa pun")
    _add_dirs(validate, outputs=False)
    template = commands.add_parser("template", help="buat buku kerja Excel kosong untuk mengisi register")
    template.add_argument("--year", type=_whole_number, required=True, metavar="TAHUN", help="tahun register yang dikumpulkan")
    template.add_argument("--output", type=Path, required=True, metavar="BERKAS", help="berkas .xlsx yang ditulis")
    template.add_argument("--split", action="store_true",
                          help="tulis satu berkas per komponen (x1_<nama>.xlsx …) di folder yang sama")
    template.add_argument("--config", type=Path, default=paths.CONFIG_DIR, metavar="FOLDER", help="folder konfigurasi")
    return parser


def _latest_year(raw_dir: Path) -> int:
    years = paths.list_years(raw_dir)
    if not years:
        raise UsageFailure(
            f"Tidak ada folder tahun (mis. 2025) di {raw_dir}. Letakkan register setiap tahun di foldernya "
            f"sendiri (mis. {Path(raw_dir) / '2025'}), atau beri --raw-dir folder induk yang berisi folder tahun itu."
        )
    return years[-1]


def check_raw_folder(args: argparse.Namespace) -> str | None:
    """Return a message when ``--raw-dir`` is not a folder (a wrong path: exit 2, not a data error)."""
    raw = paths.resolve(args.raw_dir, Path.cwd())
    if raw.is_dir():
        return None
    what = "bukan folder" if raw.exists() else "tidak ditemukan"
    return (f"Folder data mentah {raw} {what}. Beri --raw-dir folder induk data mentah, yang berisi satu folder "
            "per tahun (mis. data/raw, dengan register tahun 2025 di data/raw/2025). Tidak ada yang ditulis.")


def _report_paths(args: argparse.Namespace) -> paths.ReportPaths:
    return paths.ReportPaths(
        raw_root=paths.resolve(args.raw_dir, Path.cwd()),
        processed_root=paths.resolve(args.processed_dir, Path.cwd()),
        output_root=paths.resolve(args.output_dir, Path.cwd()),
        config_dir=paths.resolve(args.config, Path.cwd()),
    )


def check_folders(where: paths.ReportPaths) -> list[str]:
    """Return why the folders of a report run are unsafe (contract §0), or nothing.

    The raw folder is never written: the processed and output folders must not be it, lie
    inside it or contain it; and they must not overlap each other (both hold year folders).
    """
    problems = []
    named = {"--raw-dir": where.raw_root, "--processed-dir": where.processed_root, "--output-dir": where.output_root}
    for option in ("--processed-dir", "--output-dir"):
        if Path(named[option]).exists() and not Path(named[option]).is_dir():
            problems.append(f"{option} ({named[option]}) adalah berkas, bukan folder: beri folder (yang sudah ada "
                            "atau akan dibuat) untuk menyimpan hasil. Tidak ada yang ditulis.")
    for first, second in (("--processed-dir", "--raw-dir"), ("--output-dir", "--raw-dir"),
                          ("--output-dir", "--processed-dir")):
        a, b = Path(named[first]).resolve(), Path(named[second]).resolve()
        if a == b or a in b.parents or b in a.parents:
            problems.append(
                f"{first} ({a}) dan {second} ({b}) bertumpuk (sama, atau yang satu di dalam yang lain). "
                "Data mentah tidak pernah ditulis, dan data bersih serta hasil laporan perlu folder sendiri: "
                "pilih folder lain. Tidak ada yang ditulis."
            )
    return problems


def check_year_links(raw_root: Path, years: list[int]) -> list[str]:
    """Return a message for each file of the years' folders that links outside its folder (§0)."""
    problems = []
    for year in years:
        folder = paths.year_dir(raw_root, year)
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            if paths.is_link_outside(entry, folder):
                problems.append(
                    f"{folder.name}/{entry.name}: berkas ini adalah tautan (symlink) ke luar folder tahun {year}. "
                    "Salin berkas aslinya ke folder itu sebagai ganti tautan, lalu jalankan lagi. Tidak ada yang ditulis."
                )
    return problems


def run_report(args: argparse.Namespace) -> int:
    """Build one year's report, or every year's (--all)."""
    from ikuanalysis.publish import batch

    where = _report_paths(args)
    years = paths.list_years(where.raw_root) if args.all else [args.year or _latest_year(args.raw_dir)]
    problems = check_folders(where) + check_year_links(where.raw_root, years)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_USAGE
    if args.all:
        if args.year:
            print("--all dan --year tidak dapat dipakai bersama.", file=sys.stderr)
            return EXIT_USAGE
        return batch.build_all(where, jobs=args.jobs, force=args.force).exit_code

    from ikuanalysis.publish.build import build_report

    year = years[0]
    try:
        folder = build_report(year, where)
    except RunFailure as exc:
        print(f"\nLaporan {year} TIDAK dibuat; data bersih dan hasil sebelumnya tidak diubah.\n\n{redact_message(str(exc))}",
              file=sys.stderr)
        return exc.exit_code
    base = paths.report_basename(year)
    print("\n".join(str(folder / f"{base}.{ext}") for ext in ("html", "pdf", "docx", "json")))
    return 0


def choose_arrow_allocator() -> None:
    """Let Arrow allocate with the C library's ``malloc`` in this process, unless the user chose.

    Read by Arrow when it first allocates, so called before pyarrow (and pandas) are imported.
    Measured with ``validate`` at 10^6 rows (docs/performance.md, 2026-12-04): Arrow's default,
    mimalloc, gives freed pages back to the system and faults them in again at the next table,
    which doubled the system time (median 4,07 s against 3,35 s over 8 interleaved pairs). Not for
    ``report``: its kernel was no faster that way and held 170 MiB more.
    """
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


class _ClosedPipeTolerant:
    """A text stream that stops writing, silently, once its reader has gone (``validate | head``).

    Printing the problems must not turn a closed pipe into an unexpected error (exit 1): the
    exit status still says what the command found.
    """

    def __init__(self, stream):
        self._stream = stream
        self._is_gone = False

    def write(self, text: str) -> int:
        if not self._is_gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self._is_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._gone()

    def _gone(self) -> None:
        self._is_gone = True
        devnull = os.open(os.devnull, os.O_WRONLY)  # the interpreter's own flush at exit must not fail
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def tolerate_closed_output() -> Iterator[None]:
    """Make stdout and stderr :class:`_ClosedPipeTolerant` for the block."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _ClosedPipeTolerant(sys.stdout), _ClosedPipeTolerant(sys.stderr)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.stdout, sys.stderr = saved


def run_validate(args: argparse.Namespace) -> int:
    """Check a year's raw registers and print every problem; write nothing."""
    with tolerate_closed_output():
        return _validate(args)


def _validate(args: argparse.Namespace) -> int:
    choose_arrow_allocator()
    from ikuanalysis.config import ConfigError, load_settings
    from ikuanalysis.ingest.problems import RegisterError, format_problems
    from ikuanalysis.ingest.year import clean_year

    year = args.year or _latest_year(args.raw_dir)
    raw_dir = paths.year_dir(paths.resolve(args.raw_dir, Path.cwd()), year)
    try:
        settings = load_settings(paths.resolve(args.config, Path.cwd()))
        result = clean_year(raw_dir, settings, year, key=b"validate-only", check_only=True)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except RegisterError as exc:
        print(str(exc), file=sys.stderr)
        warnings = exc.log.to_frame()
        print_file_notes(warnings)
        print(f"\nRingkasan: {(warnings['level'] == 'error').sum()} kesalahan, "
              f"{(warnings['level'] == 'warning').sum()} peringatan. Perbaiki kesalahan lalu jalankan lagi.",
              file=sys.stderr)
        return EXIT_USAGE if exc.log.has_usage_errors() else EXIT_DATA
    log = result.log.to_frame()
    n_warn = int((log["level"] == "warning").sum())
    if n_warn:  # warnings are messages (contract §4: on stderr); the counts below are the result
        print(format_problems(log, year=year, level="warning"), file=sys.stderr)
    print_file_notes(log)
    print(f"\nData {year} lolos pemeriksaan: 0 kesalahan, {n_warn} peringatan.")
    for stats in result.stats:
        print(f"  {stats.component}: {stats.handled} dari {stats.cases} kasus ditangani "
              f"({stats.rows_read} baris dibaca, {stats.duplicates_merged} duplikat digabung).")
    return 0


def run_template(args: argparse.Namespace) -> int:
    """Write the empty register workbook of a year (or one file per component with ``--split``)."""
    from ikuanalysis.config import ConfigError, load_settings
    from ikuanalysis.forms.workbook import TemplateError, write_template

    output = paths.resolve(args.output, Path.cwd())
    raw_root = paths.RAW_DIR.resolve()
    if raw_root in output.resolve().parents:  # data/raw holds only registers as received
        print(f"{output}: templat kosong tidak boleh ditulis di {raw_root} (data mentah hanya berisi "
              "register yang sudah diisi). Tulis di folder lain, isi, lalu salin ke sana.", file=sys.stderr)
        return EXIT_USAGE
    try:
        settings = load_settings(paths.resolve(args.config, Path.cwd()))
        written = write_template(output, settings, args.year, split=args.split)
    except (ConfigError, TemplateError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    example = written[0].parent / "sumber_contoh.yml"
    if not example.exists():  # the evaluator's notes on a year folder (contract §1.6), with comments
        example.write_bytes((Path(__file__).parent / "forms" / "sumber_contoh.yml").read_bytes())
        written = [*written, example]
    print("\n".join(str(path) for path in written))
    return 0


def print_file_notes(log) -> None:
    """Print which files of the folder were not read, or mapped by sumber.yml, and why."""
    notes = log[log["code"].isin(["file_ignored", "sumber_applied"])]
    if not notes.empty:
        print("\nBerkas di folder ini:", file=sys.stderr)
    for note in notes.itertuples():
        print(f"  {note.file}: {note.message}", file=sys.stderr)


def check_config_folder(args: argparse.Namespace) -> str | None:
    """Accept ``--config`` as the folder or as its ``iku.yml``; return a message when it is neither."""
    config = paths.resolve(args.config, Path.cwd())
    if config.is_file() and config.name == "iku.yml":
        args.config = config.parent
        return None
    if not (config / "iku.yml").is_file():
        return (f"Folder konfigurasi {config} tidak ditemukan atau tidak berisi iku.yml. Beri --config folder "
                "konfigurasi proyek (mis. config) atau berkas config/iku.yml di dalamnya.")
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ikuanalysis`` command: every failure is a message and an exit status."""
    args = build_parser().parse_args(argv)
    problem = check_config_folder(args)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    if args.command in ("report", "validate"):
        problem = check_raw_folder(args)
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_USAGE
    handlers = {"report": run_report, "validate": run_validate, "template": run_template}
    install_signal_handlers()
    try:
        return handlers[args.command](args)
    except RunInterrupted as exc:
        print(f"\n{exc}", file=sys.stderr)
        return exc.exit_code
    except RunFailure as exc:
        print(f"\n{exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        failure = failure_from_os_error(exc)
        if failure is None:
            return report_unexpected(exc)
        print(f"\n{failure}", file=sys.stderr)
        return failure.exit_code
    except Exception as exc:  # noqa: BLE001 - the user sees a message, never a traceback
        return report_unexpected(exc)


DEBUG_ENV = "IKUANALYSIS_DEBUG"


def report_unexpected(exc: Exception) -> int:
    """Print an unexpected error as one Indonesian message (a traceback only with IKUANALYSIS_DEBUG=1)."""
    import os

    if os.environ.get(DEBUG_ENV) == "1":
        raise exc
    print(redact_message(
        f"\nTerjadi kesalahan tak terduga ({type(exc).__name__}: {exc}). Tidak ada hasil yang diubah. "
        f"Laporkan pesan ini ke pengembang; untuk rinciannya jalankan lagi dengan {DEBUG_ENV}=1."
    ), file=sys.stderr)
    return EXIT_DATA


def run() -> None:
    """The installed ``ikuanalysis`` command: :func:`main`, then a prompt exit.

    When nothing is left to wait for (no thread but daemons, no child process), the exit
    handlers run, the output is flushed and the process ends at once instead of tearing down
    every module one by one (pandas, zmq and matplotlib objects: ≈0,5 s after each report).
    Everything the command writes is closed and renamed into place before :func:`main`
    returns. Otherwise (``report --all`` interrupted while its workers stop) the interpreter
    exits as usual: it first joins the threads that stop the worker pool, then the processes.
    """
    import atexit
    import os

    code = main()
    if not _has_work_to_join():
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


def _has_work_to_join() -> bool:
    """Whether a non-daemon thread or a child process of multiprocessing is still alive."""
    import threading

    if any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()
           if thread is not threading.main_thread()):
        return True
    multiprocessing = sys.modules.get("multiprocessing")
    return bool(multiprocessing is not None and multiprocessing.active_children())


if __name__ == "__main__":
    run()
