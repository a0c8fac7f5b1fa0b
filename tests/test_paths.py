"""Project folders and the file-system helpers (paths.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ikuanalysis import paths


def test_list_years_takes_only_four_digit_folders_in_order(tmp_path):
    for name in ("2025", "2021", "2023-lama", "123", "tahun"):
        (tmp_path / name).mkdir()
    (tmp_path / "2022").write_text("a file, not a folder", encoding="utf-8")
    assert paths.list_years(tmp_path) == [2021, 2025]
    assert paths.list_years(tmp_path / "absent") == []


def test_resolve_year_dir_and_basename(tmp_path):
    assert paths.resolve("data/raw", tmp_path) == (tmp_path / "data" / "raw").resolve()
    assert paths.resolve(tmp_path / "x", Path("/elsewhere")) == tmp_path / "x"
    assert paths.year_dir(tmp_path, "2025") == tmp_path / "2025"
    assert paths.report_basename(2025) == "iku_2025"
    assert paths.PROJECT_ROOT == Path(__file__).resolve().parents[1]


def test_replace_dir_swaps_in_the_new_folder_and_drops_the_old(tmp_path):
    target, staging = tmp_path / "2025", tmp_path / ".staging-2025"
    target.mkdir()
    (target / "old.txt").write_text("old", encoding="utf-8")
    staging.mkdir()
    (staging / "new.txt").write_text("new", encoding="utf-8")
    paths.replace_dir(staging, target)
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025"]
    again = tmp_path / ".staging-again"
    again.mkdir()
    paths.replace_dir(again, tmp_path / "2026")  # no previous target
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025", "2026"]


def test_hash_folder_skips_hidden_and_lock_files(tmp_path):
    (tmp_path / "b.csv").write_bytes(b"abc")
    (tmp_path / "a.csv").write_bytes(b"")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    (tmp_path / ".hidden").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    assert paths.hash_folder(tmp_path) == {
        "a.csv": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "b.csv": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    }


def test_only_staging_folders_of_finished_processes_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    for name in (f".staging-2025-{dead_pid}", f".tmp-2024-{dead_pid}", f".old-2023-{dead_pid}",
                 f".staging-2025-{os.getpid()}", "2025", f".staging-x-{dead_pid}-note"):
        (tmp_path / name).mkdir()
    removed = paths.remove_stale_staging(tmp_path)
    assert sorted(p.name for p in removed) == sorted([f".staging-2025-{dead_pid}", f".tmp-2024-{dead_pid}",
                                                      f".old-2023-{dead_pid}"])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["2025", f".staging-2025-{os.getpid()}", f".staging-x-{dead_pid}-note"])
    assert paths.remove_stale_staging(tmp_path / "absent") == []
