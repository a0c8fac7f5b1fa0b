"""The command line (cli.py): exit status 0 / 1 / 2 and the messages, in Bahasa Indonesia."""

from __future__ import annotations

import sys

import pytest

from ikuanalysis import cli, paths


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_wrong_usage_exits_2(capsys):
    for argv in ([], ["laporan"], ["validate", "--year", "dua ribu"], ["template", "--year", "2025"]):
        with pytest.raises(SystemExit) as caught:
            cli.main(argv)
        assert caught.value.code == 2, argv
        assert "penggunaan: ikuanalysis" in capsys.readouterr().err


ENGLISH_ARGPARSE = ("usage:", "options:", "show this help", "error:", "required", "invalid", "unrecognized",
                    "arguments", "choose from", "YEAR", "DIR", "OUTPUT")


@pytest.mark.parametrize(("argv", "expected"), [
    ([], "argumen berikut wajib diisi: PERINTAH"),
    (["laporan"], "pilihan tidak sah: 'laporan'"),
    (["validate", "--year", "dua ribu"], "argumen --year: nilai bilangan bulat tidak sah: 'dua ribu'"),
    (["template", "--year", "2025"], "argumen berikut wajib diisi: --output"),
    (["validate", "--bogus"], "argumen tidak dikenal: --bogus"),
    (["report", "--jobs"], "argumen --jobs: memerlukan satu nilai"),
])
def test_argparse_errors_are_in_indonesian_and_exit_2(capsys, argv, expected):
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    err = capsys.readouterr().err
    assert caught.value.code == 2
    assert expected in err and "kesalahan:" in err and "--help" in err
    assert not any(word in err for word in ENGLISH_ARGPARSE), err


@pytest.mark.parametrize("argv", [["--help"], ["report", "--help"], ["validate", "--help"], ["template", "--help"]])
def test_help_is_in_indonesian(capsys, argv):
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    out = capsys.readouterr().out
    assert caught.value.code == 0
    assert out.startswith("penggunaan: ikuanalysis") and "pilihan:" in out
    assert "tampilkan pesan bantuan ini lalu keluar" in out
    assert not any(word in out for word in ENGLISH_ARGPARSE), out


def test_the_translation_leaves_argparse_as_it_was():
    import argparse
    import gettext

    cli.build_parser().format_help()
    assert argparse._ is gettext.gettext


def test_all_and_year_together_exit_2_with_an_indonesian_message(capsys, tmp_path):
    (tmp_path / "raw").mkdir()
    code, out, err = run(capsys, "report", "--all", "--year", "2025", "--raw-dir", str(tmp_path / "raw"),
                         "--output-dir", str(tmp_path / "out"), "--processed-dir", str(tmp_path / "p"))
    assert (code, out, err.strip()) == (2, "", "--all dan --year tidak dapat dipakai bersama.")
    assert not (tmp_path / "out").exists()


def test_validate_of_the_tiny_year_exits_0_with_the_counts_and_writes_nothing(capsys, tiny_raw_root):
    before = sorted(p.relative_to(tiny_raw_root) for p in tiny_raw_root.rglob("*"))
    code, out, err = run(capsys, "validate", "--raw-dir", str(tiny_raw_root))  # the latest year: 2025
    assert code == 0, err
    assert out.splitlines()[-5:] == [
        "Data 2025 lolos pemeriksaan: 0 kesalahan, 7 peringatan.",
        "  x1: 3 dari 4 kasus ditangani (4 baris dibaca, 0 duplikat digabung).",
        "  x2: 3 dari 5 kasus ditangani (7 baris dibaca, 1 duplikat digabung).",  # one row dated 2024
        "  x3: 7 dari 8 kasus ditangani (8 baris dibaca, 0 duplikat digabung).",
        "  x4: 0 dari 0 kasus ditangani (0 baris dibaca, 0 duplikat digabung).",
    ]
    assert err.startswith("Ditemukan 7 peringatan pada data tahun 2025:") and "peringatan pada data" not in out
    assert sorted(p.relative_to(tiny_raw_root) for p in tiny_raw_root.rglob("*")) == before


def test_validate_of_a_broken_year_exits_1_listing_the_located_errors(capsys, tiny_raw_root):
    (tiny_raw_root / "2025" / "x1_psks.csv").write_text("Nama;Status\nAni;Ya\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", "--year", "2025", "--raw-dir", str(tiny_raw_root))
    assert code == 1 and "lolos" not in out
    assert "[missing_column]" in err and "x1_psks.csv" in err
    assert "Ringkasan: 1 kesalahan," in err and "Perbaiki kesalahan lalu jalankan lagi." in err


@pytest.mark.parametrize("command", ["validate", "report"])
def test_a_raw_root_without_year_folders_is_wrong_use_with_what_to_do(capsys, tmp_path, command):
    # Contract §4: a bad path is exit 2 (it was exit 1, the data's, with no advice).
    assert cli.main([command, "--raw-dir", str(tmp_path), "--processed-dir", str(tmp_path / "p"),
                     "--output-dir", str(tmp_path / "o")][: 3 if command == "validate" else 7]) == 2
    err = capsys.readouterr().err
    assert f"Tidak ada folder tahun (mis. 2025) di {tmp_path}. Letakkan register setiap tahun" in err
    assert "Traceback" not in err and not (tmp_path / "p").exists() and not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["validate", "report"])
def test_a_year_without_its_folder_is_wrong_use_and_writes_nothing(capsys, tiny_raw_root, tmp_path, command):
    # Contract §4: a --year naming no folder under an existing raw root is a bad path (exit 2), not
    # data that failed (exit 1); 2024 has a target in config, so only the folder is missing.
    argv = [command, "--year", "2024", "--raw-dir", str(tiny_raw_root)]
    if command == "report":
        argv += ["--processed-dir", str(tmp_path / "p"), "--output-dir", str(tmp_path / "o")]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "[missing_year_folder] Folder data tahun 2024 tidak ada." in err and "Traceback" not in err
    assert not (tmp_path / "p").exists() and not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["validate", "report"])
@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_raw_dir_that_is_not_a_folder_is_wrong_use(capsys, tmp_path, command, kind):
    raw = tmp_path / "data" / "raw"
    if kind == "file":
        raw.parent.mkdir()
        raw.write_text("", encoding="utf-8")
    assert cli.main([command, "--year", "2025", "--raw-dir", str(raw)]) == 2
    what = "bukan folder" if kind == "file" else "tidak ditemukan"
    assert f"Folder data mentah {raw} {what}. Beri --raw-dir folder induk" in capsys.readouterr().err


def test_an_output_dir_that_is_a_file_is_wrong_use_and_nothing_is_written(capsys, tmp_path, tiny_raw_root):
    target = tmp_path / "hasil.txt"
    target.write_text("", encoding="utf-8")
    assert cli.main(["report", "--year", "2025", "--raw-dir", str(tiny_raw_root), "--processed-dir",
                     str(tmp_path / "p"), "--output-dir", str(target)]) == 2
    assert f"--output-dir ({target}) adalah berkas, bukan folder" in capsys.readouterr().err
    assert not (tmp_path / "p").exists() and target.read_text(encoding="utf-8") == ""


def test_a_template_is_never_written_into_the_raw_data(capsys):
    code, out, err = run(capsys, "template", "--year", "2025", "--output", str(paths.RAW_DIR / "2025" / "kosong.xlsx"))
    assert code == 2 and "templat kosong tidak boleh ditulis" in err
    assert not (paths.RAW_DIR / "2025" / "kosong.xlsx").exists()


def test_version(capsys):
    from ikuanalysis import __version__

    with pytest.raises(SystemExit) as caught:
        cli.main(["--version"])
    assert caught.value.code == 0 and capsys.readouterr().out.strip() == f"ikuanalysis {__version__}"


def test_a_missing_config_folder_is_wrong_use_with_an_indonesian_message(tmp_path, capsys):
    assert cli.main(["validate", "--year", "2025", "--config", str(tmp_path / "nowhere")]) == 2
    assert "Folder konfigurasi" in capsys.readouterr().err


def test_config_may_name_iku_yml_itself(tmp_path, tiny_raw_root, capsys):
    assert cli.main(["validate", "--year", "2025", "--raw-dir", str(tiny_raw_root),
                 "--config", str(paths.CONFIG_DIR / "iku.yml")]) == 0


@pytest.mark.parametrize("option, where", [
    ("--output-dir", "raw"), ("--processed-dir", "raw"),          # the same folder: the registers were replaced
    ("--output-dir", "raw/2025/hasil"), ("--processed-dir", "raw/bersih"),  # inside the raw folder
    ("--output-dir", "."),                                         # containing it
    ("--output-dir", "processed"),                                 # processed and outputs both hold year folders
])
def test_overlapping_folders_exit_2_and_leave_the_registers_alone(capsys, tmp_path, option, where):
    (tmp_path / "raw" / "2025").mkdir(parents=True)
    register = tmp_path / "raw" / "2025" / "x1_psks.csv"
    register.write_text("no;nama\n1;A\n", encoding="utf-8")
    folders = {"--raw-dir": tmp_path / "raw", "--processed-dir": tmp_path / "processed", "--output-dir": tmp_path / "out"}
    folders[option] = tmp_path / where
    argv = ["report", "--year", "2025", *(str(part) for pair in folders.items() for part in pair)]
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert "bertumpuk" in err and "Tidak ada yang ditulis" in err and "Traceback" not in err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert register.read_text(encoding="utf-8") == "no;nama\n1;A\n"


def test_a_register_linking_outside_its_year_folder_stops_report_with_exit_2(capsys, tmp_path):
    (tmp_path / "raw" / "2025").mkdir(parents=True)
    (tmp_path / "elsewhere.csv").write_text("no;nama\n1;A\n", encoding="utf-8")
    (tmp_path / "raw" / "2025" / "x1_psks.csv").symlink_to(tmp_path / "elsewhere.csv")
    code, out, err = run(capsys, "report", "--year", "2025", "--raw-dir", str(tmp_path / "raw"),
                         "--processed-dir", str(tmp_path / "processed"), "--output-dir", str(tmp_path / "out"))
    assert code == 2 and "x1_psks.csv: berkas ini adalah tautan (symlink) ke luar folder tahun 2025" in err
    assert not (tmp_path / "processed").exists() and not (tmp_path / "out").exists()
    code, _, err = run(capsys, "validate", "--year", "2025", "--raw-dir", str(tmp_path / "raw"))
    assert code == 2 and "symlink_outside_folder" in err


@pytest.mark.parametrize("command", ["validate", "report"])
def test_an_invalid_sumber_yml_and_a_broken_register_are_both_printed_and_exit_2(capsys, tiny_raw_root, tmp_path,
                                                                                 command):
    """Contract §4: a wrong use (invalid sumber.yml) beside a data error: every problem printed, exit 2.

    ``report`` cleans in the kernel, which hands back only the exception's name and text: the
    exit is 2 there too, and the message is whole (the last redaction once took the words between
    two short quoted values for a long quoted text).
    """
    (tiny_raw_root / "2025" / "sumber.yml").write_text("berkas:\n  - pola: 'a*.csv'\n    komponan: x1\n", encoding="utf-8")
    (tiny_raw_root / "2025" / "x1_psks.csv").write_text("Nama;Status\nAni;Ya\n", encoding="utf-8")
    extra = ["--processed-dir", str(tmp_path / "p"), "--output-dir", str(tmp_path / "o")] if command == "report" else []
    code, out, err = run(capsys, command, "--year", "2025", "--raw-dir", str(tiny_raw_root), *extra)
    assert code == 2 and "lolos" not in out
    assert "[sumber_invalid]" in err and "[missing_column]" in err and "x1_psks.csv" in err
    assert ("[sumber_invalid] Isi sumber.yml tidak sah: kunci 'komponan' tidak dikenal (di berkas.0.komponan). "
            "Perbaiki baris itu (lihat contoh dari 'ikuanalysis template'), lalu jalankan lagi.") in err
    assert not (tmp_path / "p").exists() and not (tmp_path / "o").exists()


ALLOCATOR_PROBE = (
    "import sys\n"
    "from ikuanalysis import cli\n"
    "code = cli.main(['validate', '--raw-dir', sys.argv[1]])\n"
    "import pyarrow\n"
    "print(code, pyarrow.default_memory_pool().backend_name)\n"
)


@pytest.mark.parametrize(("chosen", "expected"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_validate_allocates_with_malloc_unless_the_user_chose(tiny_raw_root, chosen, expected):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    done = subprocess.run([sys.executable, "-c", ALLOCATOR_PROBE, str(tiny_raw_root)], env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == f"0 {expected}"


def test_validate_whose_reader_has_gone_still_exits_with_what_it_found(tiny_raw_root):
    # `validate … | head -1`: the pipe closes after the first line. The exit status was 1 (an
    # unexpected BrokenPipeError) instead of the problems' own status, here 2 (no such year folder).
    import subprocess

    argv = [sys.executable, "-m", "ikuanalysis.cli", "validate", "--year", "2024", "--raw-dir", str(tiny_raw_root)]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    process.stderr.close()  # gone before the first message is written
    assert process.wait(timeout=120) == 2
