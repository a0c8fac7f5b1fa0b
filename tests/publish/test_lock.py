"""The run lock (publish/lock.py): one run per folder, a bounded wait, the holder named, no file left."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from ikuanalysis.failures import MachineFailure
from ikuanalysis.publish.lock import LOCK_FILE, hold_folder_lock, hold_run_locks


def hold_for(folder, seconds, ready):
    with hold_folder_lock(folder, 0):
        ready.set()
        time.sleep(seconds)


def test_a_second_holder_waits_its_bound_then_is_told_who_holds_the_folder(tmp_path):
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    holder = context.Process(target=hold_for, args=(tmp_path, 5, ready))
    holder.start()
    try:
        assert ready.wait(30)
        started = time.monotonic()
        with pytest.raises(MachineFailure, match=rf"sedang dipakai oleh run lain \(PID {holder.pid}, sejak .*"
                                                 r"Sudah ditunggu 0,5 detik"):
            with hold_folder_lock(tmp_path, 0.5):
                pass
        assert 0.5 <= time.monotonic() - started < 3
    finally:
        holder.kill()
        holder.join()
    with hold_folder_lock(tmp_path, 0):  # released when its holder died
        assert (tmp_path / LOCK_FILE).is_file()
    assert list(tmp_path.iterdir()) == []  # nothing left once released


def test_locks_on_several_folders_are_taken_in_one_order_and_all_released(tmp_path):
    with hold_run_locks([tmp_path / "b", tmp_path / "a", tmp_path / "a"], 0):
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]
        assert (tmp_path / "a" / LOCK_FILE).is_file() and (tmp_path / "b" / LOCK_FILE).is_file()
    assert not (tmp_path / "a" / LOCK_FILE).exists() and not (tmp_path / "b" / LOCK_FILE).exists()


def test_a_lock_whose_folder_was_removed_while_waiting_is_taken_again_on_the_new_folder(tmp_path, monkeypatch):
    # A failed run removes the roots it created; a run that waited then holds the lock of a
    # folder that no longer exists, and must lock (and write its holder into) the new one.
    from ikuanalysis.publish import lock

    folder = tmp_path / "outputs"
    real_acquire, calls = lock._acquire, []

    def acquire_after_removal(descriptor, *args):
        calls.append(descriptor)
        if len(calls) == 1:
            folder.rmdir()  # removed between this run's open and its flock
        real_acquire(descriptor, *args)

    monkeypatch.setattr(lock, "_acquire", acquire_after_removal)
    with hold_folder_lock(folder, 1) as holder:
        assert holder.is_file() and holder.parent == folder
    assert len(calls) == 2 and list(folder.iterdir()) == []

