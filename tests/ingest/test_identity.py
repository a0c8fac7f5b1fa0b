"""The keyed hash that replaces NIK and names."""

import stat

from ikuanalysis.ingest import identity as privacy


def test_key_file_is_created_once_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    path = tmp_path / ".nik_key"
    first = privacy.load_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert privacy.load_key(path) == first and len(first) == 64


def test_environment_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(privacy.KEY_ENV, "kunci-rahasia")
    assert privacy.load_key(tmp_path / ".nik_key") == b"kunci-rahasia"
    assert not (tmp_path / ".nik_key").exists()


def test_hash_is_stable_per_key_and_hides_the_nik():
    nik = "N:6271010101800001"
    one = privacy.hash_identities([nik, nik], b"a")
    assert one[0] == one[1] and len(one[0]) == 32 and "6271" not in one[0]
    assert privacy.hash_identities([nik], b"b") != one[:1]


def test_the_key_file_is_git_ignored():
    from ikuanalysis import paths

    assert "/.nik_key" in (paths.PROJECT_ROOT / ".gitignore").read_text().splitlines()


def test_the_case_id_is_the_keyed_blake2b_of_the_identity():
    """Case ids of earlier runs stay valid: the hash is exactly BLAKE2b-128 keyed with the key."""
    import hashlib

    key = b"k" * 70  # longer than BLAKE2b allows: its first 64 bytes are used
    expected = hashlib.blake2b("3171012345678901".encode(), key=key[:64], digest_size=16).hexdigest()
    assert privacy.hash_identities(["3171012345678901", "Siti|1990"], key)[0] == expected
    assert expected == "2d69fb61fad145227baf7ad5cc369374"


# --- Hashing a large job on two cores (hash_identity_batches) ------------------------------

import hashlib  # noqa: E402
import os  # noqa: E402

import pytest  # noqa: E402

KEY = b"kunci"
SMALL_BATCH = 7


def _batches(counts):
    """Batches of identities ``N:<batch>-<i>``, whose expected hashes are computed independently."""
    def batch(number, count):
        return privacy.IdentityBatch(count, lambda start, stop: [f"N:{number}-{i}" for i in range(start, stop)])

    return [batch(number, count) for number, count in enumerate(counts)]


def _expected(counts):
    return [[hashlib.blake2b(f"N:{number}-{i}".encode(), key=KEY, digest_size=16).hexdigest() for i in range(count)]
            for number, count in enumerate(counts)]


@pytest.fixture
def parallel_from_ten(monkeypatch):
    """Fork for any job of 10 identities or more (a real threshold would make the tests slow)."""
    monkeypatch.setattr(privacy, "PARALLEL_MIN_IDENTITIES", 10)
    monkeypatch.setattr(privacy, "_CHUNK", 3)  # chunks that end inside batches and across the split


def test_batches_are_hashed_in_two_processes_with_the_same_result(parallel_from_ten, monkeypatch):
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    counts = [SMALL_BATCH, 0, 12, 1]
    hashed = privacy.hash_identity_batches(_batches(counts), KEY)
    assert forks == [1]
    assert [column.tolist() for column in hashed] == _expected(counts)
    assert all(str(column.dtype) == "str" for column in hashed)


def test_a_small_job_is_hashed_without_forking(parallel_from_ten, monkeypatch):
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for 9 identities"))
    assert [c.tolist() for c in privacy.hash_identity_batches(_batches([9]), KEY)] == _expected([9])


def test_when_the_copy_cannot_be_made_the_parent_hashes_everything(parallel_from_ten, monkeypatch):
    def no_fork():
        raise OSError("no memory")

    monkeypatch.setattr(os, "fork", no_fork)
    assert [c.tolist() for c in privacy.hash_identity_batches(_batches([20, 5]), KEY)] == _expected([20, 5])


def test_when_the_copy_fails_its_half_is_hashed_by_the_parent(parallel_from_ten, monkeypatch):
    parent = os.getpid()
    real = privacy._digest_range

    def failing_in_the_copy(batches, start, stop, key):
        if os.getpid() != parent:
            raise RuntimeError("the copy breaks")
        return real(batches, start, stop, key)

    monkeypatch.setattr(privacy, "_digest_range", failing_in_the_copy)
    assert [c.tolist() for c in privacy.hash_identity_batches(_batches([20, 5]), KEY)] == _expected([20, 5])


def test_a_copy_that_hangs_is_killed_and_its_half_hashed_by_the_parent(parallel_from_ten, monkeypatch):
    import time

    parent = os.getpid()
    real = privacy._digest_range
    children = []
    real_start = privacy._start_child

    def hanging_in_the_copy(batches, start, stop, key):
        if os.getpid() != parent:
            time.sleep(3600)
        return real(batches, start, stop, key)

    def remember(*args):
        child = real_start(*args)
        children.append(child.pid)
        return child

    monkeypatch.setattr(privacy, "_digest_range", hanging_in_the_copy)
    monkeypatch.setattr(privacy, "_start_child", remember)
    collect = privacy._HashingChild.collect
    monkeypatch.setattr(privacy._HashingChild, "collect", lambda self, timeout: collect(self, timeout=0.2))
    assert [c.tolist() for c in privacy.hash_identity_batches(_batches([20, 5]), KEY)] == _expected([20, 5])
    with pytest.raises(ChildProcessError):  # killed and reaped: no process left behind
        os.waitpid(children[0], os.WNOHANG)
