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
