"""The machine refuses: a full disk (ENOSPC), a read-only folder (EROFS), no write permission
(EACCES). Each ends with exit 3, an Indonesian message naming the problem, no traceback,
and the previous processed data and outputs byte-identical.

The folders live on small tmpfs mounts, so these tests run only as root on Linux where
``mount`` works (CI does); elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.faults.conftest import Project, write_project

pytestmark = pytest.mark.e2e
MOUNT_MB = 24


def try_mount(folder: Path, size_mb: int) -> str | None:
    """Mount a tmpfs of ``size_mb`` at ``folder``; return why not, or None."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return "needs root and mount(8) to make a small or read-only file system"
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    return None if done.returncode == 0 else f"mount refused: {done.stderr.strip()}"


def unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def remount(folder: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True, capture_output=True)


@pytest.fixture(scope="module")
def on_tmpfs(tmp_path_factory):
    """A project whose processed and output folders are on one small tmpfs, built once.

    Every test leaves the mount as it found it (writable, no filler) and the build unchanged.
    """
    tmp_path = tmp_path_factory.mktemp("disk")
    home = write_project(tmp_path / "home")
    mount = tmp_path / "mnt"
    reason = try_mount(mount, MOUNT_MB)
    if reason:
        pytest.skip(reason)
    try:
        project = Project(home, mount / "processed", mount / "outputs")
        first = project.run()
        assert first.returncode == 0, first.stderr
        yield project, mount
    finally:
        unmount(mount)


def fill(mount: Path, leave_bytes: int) -> None:
    """Fill the file system at ``mount`` until ``leave_bytes`` are free."""
    free = shutil.disk_usage(mount).free - leave_bytes
    with open(mount / "filler", "wb") as handle:
        handle.truncate(0)
        chunk = b"\0" * (1 << 20)
        while free > 0:
            handle.write(chunk[: min(len(chunk), free)])
            free -= len(chunk)


def check_refused(project, before, finished, message):
    assert finished.returncode == 3, finished.stderr
    assert message in finished.stderr, finished.stderr[-1500:]
    assert "Traceback" not in finished.stderr and "Errno" not in finished.stderr
    after = {k: v for k, v in project.state().items() if not k.endswith("filler")}
    assert after == before


@pytest.mark.parametrize("leave_kb", [64, 600])  # full at the first writes; full while printing the PDF
def test_a_full_disk_is_exit_3_and_changes_nothing(on_tmpfs, leave_kb):
    project, mount = on_tmpfs
    before = project.state()
    fill(mount, leave_kb * 1024)
    try:
        finished = project.run()
    finally:
        (mount / "filler").unlink()
    check_refused(project, before, finished, "Ruang disk habis")
    assert project.leftovers() == []


def test_after_a_full_disk_is_freed_the_next_run_succeeds(on_tmpfs):
    project, _ = on_tmpfs
    before = project.state()
    again = project.run()
    assert again.returncode == 0, again.stderr
    assert project.leftovers() == [] and project.state() == before


def test_a_read_only_output_file_system_is_exit_3_and_changes_nothing(on_tmpfs):
    project, mount = on_tmpfs
    before = project.state()
    remount(mount, "ro")
    try:
        finished = project.run()
    finally:
        remount(mount, "rw")
    check_refused(project, before, finished, "Folder hanya-baca")


def test_a_read_only_processed_folder_names_it_and_points_to_no_deleted_notebook(on_tmpfs):
    project, _ = on_tmpfs
    before = project.state()
    subprocess.run(["mount", "--bind", str(project.processed), str(project.processed)], check=True)
    try:
        remount(project.processed, "bind,ro")
        finished = project.run()
    finally:
        unmount(project.processed)
    check_refused(project, before, finished, f"Folder hanya-baca (read-only) saat menulis {project.processed}")
    assert ".ipynb" not in finished.stderr


def test_no_write_permission_is_exit_3_and_changes_nothing(on_tmpfs):
    project, mount = on_tmpfs
    if not shutil.which("setpriv"):
        pytest.skip("needs setpriv(1) to run the command as an unprivileged user")
    before = project.state()
    home, tmp_path = project.home, project.home.parent
    for folder in [tmp_path, *tmp_path.parents]:  # the unprivileged user may read the project, not write it
        folder.chmod(folder.stat().st_mode | 0o755)
    for path in [*home.rglob("*"), *mount.rglob("*")]:  # readable by all, writable only by root
        path.chmod(path.stat().st_mode | (0o755 if path.is_dir() else 0o644))
    user_home = tmp_path / "user"
    user_home.mkdir(exist_ok=True)
    os.chown(user_home, 65534, 65534)
    finished = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *project.argv()],
                              env=project.env(HOME=str(user_home)), capture_output=True, text=True, timeout=300)
    check_refused(project, before, finished, "Tidak ada izin menulis")
