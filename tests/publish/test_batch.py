"""Incremental builds: which years `report --all` rebuilds, and why."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from ikuanalysis import paths
from ikuanalysis.publish import manifest
from tests.fixtures.tiny_year import write_tiny_year


@pytest.fixture()
def where(tmp_path):
    """Two raw years and a config copy; outputs as if both had been built once."""
    raw = tmp_path / "raw"
    write_tiny_year(raw, 2024)
    write_tiny_year(raw, 2025)
    config = tmp_path / "config"
    shutil.copytree(paths.CONFIG_DIR, config)
    where = paths.ReportPaths(raw_root=raw, processed_root=tmp_path / "processed", output_root=tmp_path / "out",
                              config_dir=config)
    shared = manifest.shared_fingerprint(config)
    for year in (2024, 2025):
        folder = where.output_root / str(year)
        folder.mkdir(parents=True)
        for ext in ("html", "pdf", "docx"):
            (folder / f"iku_{year}.{ext}").write_text("x")
        (folder / f"iku_{year}.json").write_text(json.dumps({"year": year, "value": 80.0 + year - 2024}))
    for year in (2024, 2025):
        manifest.write_manifest(year, where, shared, manifest.raw_fingerprint(raw / str(year)), [y for y in (2024,) if y < year],
                                where.output_root / str(year))
    return where


def decide(where, year, force=False):
    return manifest.decide(year, where, manifest.shared_fingerprint(where.config_dir), [y for y in (2024,) if y < year], force)


def test_nothing_changed_means_nothing_is_rebuilt(where):
    assert decide(where, 2024) == manifest.Decision(2024, False, "tidak berubah")
    assert decide(where, 2025) == manifest.Decision(2025, False, "tidak berubah")


def test_touching_a_raw_file_rebuilds_that_year_only(where):
    path = where.raw_root / "2024" / "x1_psks.csv"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert decide(where, 2024) == manifest.Decision(2024, True, "berkas mentah berubah: x1_psks.csv")
    assert decide(where, 2025).build is False


def test_added_file_config_notebook_and_force(where):
    (where.raw_root / "2025" / "catatan.md").write_text("## Solusi\nA\n")
    assert decide(where, 2025).reason == "berkas mentah berubah: catatan.md"
    with (where.config_dir / "iku.yml").open("a") as handle:
        handle.write("\n# edited\n")
    assert decide(where, 2024).reason == "konfigurasi berubah: iku.yml"
    assert decide(where, 2024, force=True).reason == "dipaksa (--force)"


def test_changed_results_of_an_earlier_year_rebuild_the_later_year(where):
    (where.output_root / "2024" / "iku_2024.json").write_text(json.dumps({"year": 2024, "value": 10.0}))
    assert decide(where, 2025) == manifest.Decision(2025, True, "hasil tahun sebelumnya berubah")
    assert decide(where, 2024).build is False


def test_missing_output_or_manifest_rebuilds(where):
    (where.output_root / "2025" / "iku_2025.pdf").unlink()
    assert decide(where, 2025).reason == "belum pernah dibuat"
    (where.output_root / "2024" / manifest.MANIFEST_FILE).unlink()
    assert decide(where, 2024).reason == "belum pernah dibuat"


def test_a_worker_keeps_one_started_browser_for_all_its_years(where, monkeypatch):
    import queue

    from ikuanalysis.publish import batch, build

    seen = []
    monkeypatch.setattr(batch, "_WORKER_PRINTER", None)
    monkeypatch.setattr(batch, "_worker_runner", lambda: "kernel")
    monkeypatch.setattr(build, "build_report", lambda year, where, **options: seen.append((year, options["printer"],
                                                                                          options["printer"].pid)))
    try:
        results = [batch._build_one(year, where, None, queue.Queue()) for year in (2024, 2025)]
        assert [r.status for r in results] == ["dibuat", "dibuat"]
        (_, first, pid), (_, second, again) = seen
        assert first is second is batch._WORKER_PRINTER and pid == again is not None  # started before the build
    finally:
        batch._WORKER_PRINTER.close()
    assert batch._WORKER_PRINTER.pid is None


def test_a_pool_with_nothing_to_build_starts_no_process():
    from ikuanalysis.publish.batch import WorkerPool

    with WorkerPool(2) as pool:
        assert pool.build([], where=None, progress=None) == []
        assert not pool.is_started  # the unchanged rerun pays no interpreter start
    assert not pool.is_started


def test_the_manifest_withholds_a_nik_in_a_raw_file_name(tmp_path):
    from ikuanalysis.publish import manifest

    (tmp_path / "x4_6271011122334455_b.csv").write_text("Nama\n", encoding="utf-8")
    (tmp_path / "x1_psks.csv").write_text("Nama\n", encoding="utf-8")
    assert sorted(manifest.raw_fingerprint(tmp_path)) == ["x1_psks.csv", "x4_(disembunyikan)_b.csv"]
