"""The runner (publish/build.py), with a stand-in for the notebooks: staging, publication, failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikuanalysis.config import Limits
from ikuanalysis.paths import ReportPaths
from ikuanalysis.pipeline import Pipeline, Stage
from ikuanalysis.publish import build


class FakeRunner:
    """Writes each executed notebook as a small file instead of running it; may fail at one stage."""

    kernel_pid = None

    def __init__(self, fail_at: str | None = None, during=None):
        self.calls, self.fail_at, self.during = [], fail_at, during

    def launch(self):
        """No kernel to launch."""

    def when_ready(self, callback):
        """No kernel to wait for: the side work starts at once."""
        callback()

    def run(self, name, target, parameters):
        self.calls.append((name, parameters["year"]))
        if self.during:
            self.during()
        if name == self.fail_at:
            raise build.ReportError(f"{name} gagal")
        if name == "01_a":  # the cleaning stage writes the processed year
            year_folder = Path(parameters["processed_root"]) / str(parameters["year"])
            year_folder.mkdir(parents=True, exist_ok=True)
            (year_folder / "cases.csv").write_text(f"run {len(self.calls)}\n", encoding="utf-8")
        target.write_text(name, encoding="utf-8")
        (target.parents[1] / f"{name}.txt").write_text(str(parameters["year"]), encoding="utf-8")


@pytest.fixture()
def where(tmp_path, monkeypatch):
    pipeline = Pipeline(year_stages=(Stage(id="a", title="satu", notebook="01_a"), Stage(id="b", title="dua", notebook="02_b")),
                        published=("txt",), index_stage=Stage(id="index", title="indeks", notebook="04_trend"))
    monkeypatch.setattr(build, "load_pipeline", lambda: pipeline)
    (tmp_path / "raw" / "2025").mkdir(parents=True)
    (tmp_path / "raw" / "2025" / "x1.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "iku.yml").write_text("# fingerprinted by the manifest\n", encoding="utf-8")
    return ReportPaths(raw_root=tmp_path / "raw", processed_root=tmp_path / "processed",
                       output_root=tmp_path / "outputs", config_dir=tmp_path / "config")


def test_every_stage_runs_in_order_and_the_year_is_published_whole(where):
    lines, runner = [], FakeRunner()
    folder = build.build_report(2025, where, progress=lines.append, runner=runner)
    assert folder == where.output_root / "2025"
    assert runner.calls == [("01_a", 2025), ("02_b", 2025)]
    assert sorted(p.name for p in folder.iterdir()) == ["01_a.txt", "02_b.txt", "manifest.json", "notebooks"]
    assert sorted(p.name for p in where.output_root.iterdir()) == ["2025"]  # no staging folder left
    assert sorted(p.name for p in where.processed_root.iterdir()) == ["2025"]
    assert (where.processed_root / "2025" / "cases.csv").read_text(encoding="utf-8") == "run 1\n"
    assert lines[0] == "[2025] 1/2 satu …" and lines[2] == "[2025] 2/2 dua …"
    assert lines[-1] == f"[2025] laporan siap: {folder}"


def test_a_failed_stage_leaves_the_previous_report(where):
    build.build_report(2025, where, progress=lambda _line: None, runner=FakeRunner())
    before = {p.name: p.read_bytes() for p in (where.output_root / "2025").iterdir() if p.is_file()}
    with pytest.raises(build.ReportError, match="02_b gagal"):
        build.build_report(2025, where, progress=lambda _line: None, runner=FakeRunner(fail_at="02_b"))
    assert {p.name: p.read_bytes() for p in (where.output_root / "2025").iterdir() if p.is_file()} == before
    assert sorted(p.name for p in where.output_root.iterdir()) == ["2025"]
    # The failed run's cleaning wrote "run 1" again into staging: the published processed year is untouched.
    assert (where.processed_root / "2025" / "cases.csv").read_text(encoding="utf-8") == "run 1\n"
    assert sorted(p.name for p in where.processed_root.iterdir()) == ["2025"]


def test_processed_data_are_published_with_the_report_and_unchanged_years_keep_their_files(where):
    build.build_report(2025, where, progress=lambda _line: None, runner=FakeRunner())
    (where.processed_root / "2024").mkdir()
    (where.processed_root / "2024" / "cases.csv").write_text("old 2024\n", encoding="utf-8")
    inode_2024 = (where.processed_root / "2024" / "cases.csv").stat().st_ino
    runner = FakeRunner()
    runner.calls.append(("earlier", 0))  # this run writes "run 2"
    build.build_report(2025, where, progress=lambda _line: None, runner=runner)
    assert (where.processed_root / "2025" / "cases.csv").read_text(encoding="utf-8") == "run 2\n"
    assert (where.processed_root / "2024" / "cases.csv").stat().st_ino == inode_2024


def test_a_raw_file_changed_during_the_run_stops_publication(where):
    def edit():
        with (where.raw_root / "2025" / "x1.csv").open("a", encoding="utf-8") as handle:
            handle.write("b\n")

    with pytest.raises(build.ReportError, match="berubah selama laporan dibuat"):
        build.build_report(2025, where, progress=lambda _line: None, runner=FakeRunner(during=edit))
    # Contract §0: both roots as before the run, which created them (nor an empty folder left).
    assert not where.output_root.exists() and not where.processed_root.exists()


def test_a_failed_run_keeps_roots_that_existed_and_anything_in_them(where):
    where.output_root.mkdir(parents=True)
    (where.output_root / "catatan.txt").write_text("milik evaluator\n", encoding="utf-8")

    def edit():
        (where.raw_root / "2025" / "x1.csv").write_text("changed\n", encoding="utf-8")

    with pytest.raises(build.ReportError):
        build.build_report(2025, where, progress=lambda _line: None, runner=FakeRunner(during=edit))
    assert [p.name for p in where.output_root.iterdir()] == ["catatan.txt"]
    assert not where.processed_root.exists()


def test_a_stage_without_notebook_other_than_export_is_refused(tmp_path):
    with pytest.raises(build.ReportError, match="tahap 'lain' tanpa notebook tidak dikenal"):
        build.run_export_stage(Stage(id="lain", title="lain"), tmp_path / "03_report.ipynb", tmp_path, 2025, Limits())


class RecordingPrinter:
    """A printer that records when it is started (no browser)."""

    def __init__(self, events):
        self.events = events

    def start(self):
        self.events.append("browser")
        return self


def test_the_browser_starts_once_the_cleaning_stage_is_done(where):
    events = []
    runner = FakeRunner()
    runner.during = lambda: events.append(f"stage {len(runner.calls)}")
    build.build_report(2025, where, progress=lambda _line: None, runner=runner, printer=RecordingPrinter(events))
    # Not beside the cleaning, the run's memory peak; in time for the export (it boots meanwhile).
    assert events == ["stage 1", "browser", "stage 2"]


def test_a_zombie_or_a_reaped_process_is_not_running():
    import subprocess
    import sys
    import time

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert build.is_process_running(child.pid)
        child.kill()
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child.pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z":
            assert time.monotonic() < deadline, "the killed child did not become a zombie"
            time.sleep(0.01)
        assert Path(f"/proc/{child.pid}").exists()  # not collected yet: a zombie
        assert not build.is_process_running(child.pid)
    finally:
        child.kill()
        child.wait()
    assert not build.is_process_running(child.pid)
