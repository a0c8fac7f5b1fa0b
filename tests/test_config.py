"""Configuration is data, validated on load."""

import shutil

import pytest
import yaml

from ikuanalysis import paths
from ikuanalysis.config import ConfigError, load_settings


def copy_config(tmp_path):
    target = tmp_path / "config"
    shutil.copytree(paths.CONFIG_DIR, target)
    return target


def edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_project_config_loads_with_the_decree_texts(settings):
    indicator = settings.iku.indicator
    assert indicator.name == "Persentase PPKS yang ditangani sesuai standar"
    assert indicator.sasaran_strategis == "Menjamin Perlindungan Sosial Adaptif"
    assert indicator.makna.startswith("Perlindungan sosial yang adaptif mencakup Penanganan Pemerlu")
    assert [c.id for c in settings.iku.components] == ["x1", "x2", "x3", "x4"]
    assert settings.iku.target_for(2025).value == 100
    assert len(settings.geography.kelurahan) == 30 and len(settings.geography.kecamatan) == 5


def test_unknown_key_is_an_error_naming_the_file_and_field(tmp_path):
    folder = copy_config(tmp_path)
    edit_yaml(folder / "iku.yml", lambda d: d["policies"].update(typo_policy="x"))
    with pytest.raises(ConfigError, match=r"(?s)iku.yml.*policies.typo_policy: tidak dikenal \(hapus, atau periksa"):
        load_settings(folder)


def test_invalid_policy_is_an_error(tmp_path):
    folder = copy_config(tmp_path)
    edit_yaml(folder / "iku.yml", lambda d: d["policies"].update(no_case_component="ignore"))
    with pytest.raises(ConfigError, match="no_case_component"):
        load_settings(folder)


def test_missing_target_year_says_what_to_add(settings):
    from ikuanalysis.disclosure import redact_message

    with pytest.raises(ConfigError, match=r"belum ada target tahun 2031.*tahunan.md") as caught:
        settings.iku.target_for(2031)
    # Found by a probe: the outgoing redaction withheld the quoted example, and with it what to do.
    assert redact_message(str(caught.value)) == str(caught.value)
    assert "2031: {value: 100, source: ...}" in str(caught.value)


def test_alias_to_an_unknown_place_is_an_error(tmp_path):
    folder = copy_config(tmp_path)
    with (folder / "wilayah_alias.csv").open("a", encoding="utf-8") as handle:
        handle.write("kelurahan,Kampung X,Kampung Y\n")
    with pytest.raises(ConfigError, match="Kampung Y"):
        load_settings(folder)


def _break(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("change", "expected"), [
    (lambda f: (f / "jenis.yml").unlink(), r"jenis\.yml: berkas konfigurasi tidak ditemukan\. Pastikan folder"),
    (lambda f: (f / "wilayah.csv").unlink(), r"wilayah\.csv: berkas konfigurasi tidak ditemukan"),
    (lambda f: _break(f, "aliases.yml", "columns: [a\n  b: :"), r"aliases\.yml: isi berkas bukan YAML yang sah\..*Rincian"),
    (lambda f: _break(f, "jenis.yml", "- a\n- b\n"), r"jenis\.yml: isi berkas harus berupa bagian-bagian"),
    (lambda f: edit_yaml(f / "iku.yml", lambda d: d["policies"].update(typo_policy="x")),
     r"iku\.yml: konfigurasi tidak sah\. Perbaiki setiap bagian berikut.*policies\.typo_policy"),
    (lambda f: _break(f, "wilayah_alias.csv", "tingkat,alias,canonical\n"),
     r"wilayah_alias\.csv: baris pertama berkas harus tepat berisi kolom level,alias,canonical"),
    (lambda f: _break(f, "wilayah_alias.csv", "level,alias,canonical\ndesa,X,Pahandut\n"),
     r"kolom level harus berisi kecamatan atau kelurahan"),
    (lambda f: _break(f, "wilayah_alias.csv", "level,alias,canonical\nkecamatan,X,Kota Lain\n"),
     r"menunjuk ke 'Kota Lain', yang bukan nama kecamatan dalam wilayah\.csv\. Tulis"),
])
def test_config_errors_say_in_indonesian_what_is_wrong_and_what_to_do(tmp_path, change, expected):
    folder = copy_config(tmp_path)
    change(folder)
    with pytest.raises(ConfigError, match=f"(?s){expected}") as caught:
        load_settings(folder)
    assert "jalankan lagi" in str(caught.value) or "Pastikan" in str(caught.value)


def test_a_config_error_is_exit_2_on_the_command_line(tmp_path, capsys):
    from ikuanalysis import cli

    folder = copy_config(tmp_path)
    (folder / "jenis.yml").unlink()
    assert cli.main(["validate", "--year", "2025", "--config", str(folder)]) == 2
    assert "berkas konfigurasi tidak ditemukan" in capsys.readouterr().err


# --- Counting unit per component (data contract §1.4) and the kecamatan codes -------------------------------

def test_every_component_counts_persons_unless_config_says_households(settings):
    assert {c.id: c.counting_unit for c in settings.iku.components} == {
        "x1": "person", "x2": "person", "x3": "person", "x4": "person"}
    assert settings.iku.component("x4").unit == "korban bencana"  # the wording stays a separate field
    assert settings.vocabulary.header_lookup["nokk"] == "no_kk"


def test_a_household_component_loads_and_requires_a_no_kk_column(tmp_path):
    folder = copy_config(tmp_path)
    edit_yaml(folder / "iku.yml", lambda d: d["components"][3].update(counting_unit="household"))
    settings = load_settings(folder)
    x4, x3 = settings.iku.component("x4"), settings.iku.component("x3")
    assert (x4.counting_unit, x4.is_household, x3.is_household) == ("household", True, False)
    required = settings.vocabulary.required
    assert x4.required_columns(required) == (*required, "no_kk")
    assert x3.required_columns(required) == required
    assert x4.template_columns == ("no", "nik", "no_kk", "nama", "jenis", "kecamatan", "kelurahan", "tanggal",
                                   "status")


@pytest.mark.parametrize("unit", ["households", "keluarga", "KK", ""])
def test_an_unknown_counting_unit_is_an_error_naming_the_component(tmp_path, unit):
    folder = copy_config(tmp_path)
    edit_yaml(folder / "iku.yml", lambda d: d["components"][3].update(counting_unit=unit))
    # In Bahasa Indonesia (a probe found pydantic's English in the message).
    with pytest.raises(ConfigError, match=r"(?s)iku.yml.*components\.3\.counting_unit: harus salah satu dari: "
                                          r"'person' or 'household'") as caught:
        load_settings(folder)
    assert "Input should" not in str(caught.value) and "Inggris" not in str(caught.value)


@pytest.mark.parametrize(("rows", "expected"), [
    ("62.71.09,Pahandut,Pahandut\n", "kecamatan 'Pahandut' memiliki dua kode"),
    ("62.71.01,Kahayan,Kahayan\n", "kode 62.71.01 dipakai oleh lebih dari satu kecamatan"),
])
def test_a_kecamatan_code_must_name_one_kecamatan(tmp_path, rows, expected):
    folder = copy_config(tmp_path)
    with (folder / "wilayah.csv").open("a", encoding="utf-8") as handle:
        handle.write(rows)
    with pytest.raises(ConfigError, match=expected):
        load_settings(folder)
