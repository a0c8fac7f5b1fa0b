"""One year folder cleaned as a whole (ingest/year.py)."""

from __future__ import annotations

import pytest

from tests.ingest.test_rekap import REKAP_OK, YEAR, year_with_rekap


def test_a_component_in_both_register_and_rekap_is_an_error(tmp_path, settings):
    from ikuanalysis.ingest.problems import RegisterError
    from ikuanalysis.ingest.year import clean_year

    with pytest.raises(RegisterError, match="component_twice"):
        clean_year(year_with_rekap(tmp_path, REKAP_OK, drop_x1=False), settings, YEAR, key=b"k")


def test_the_tiny_year_gives_its_hand_counted_figures(tiny_raw_root, settings):
    from ikuanalysis.ingest.year import clean_year
    from tests.fixtures.tiny_year import X1, X2, X3

    result = clean_year(tiny_raw_root / "2025", settings, YEAR, key=b"k")
    assert {s.component: (s.handled, s.cases) for s in result.stats} == {"x1": X1, "x2": X2, "x3": X3, "x4": (0, 0)}
    assert [i["file"] for i in result.inputs] == ["X3-bansos.csv", "x1_psks.csv", "x2_rehsos.xlsx", "x4_bencana.xlsx"]
    assert all(len(i["sha256"]) == 64 and i["bytes"] > 0 for i in result.inputs)
    assert len(result.cases) == X1[1] + X2[1] + X3[1]
    assert result.cases["case_id"].str.fullmatch(r"[0-9a-f]{32}").all()
    assert (result.is_sample, result.budget, result.notes) == (False, None, {})


def test_the_case_ids_depend_on_the_key(tiny_raw_root, settings):
    from ikuanalysis.ingest.year import clean_year

    one = clean_year(tiny_raw_root / "2025", settings, YEAR, key=b"a").cases["case_id"]
    again = clean_year(tiny_raw_root / "2025", settings, YEAR, key=b"a").cases["case_id"]
    other = clean_year(tiny_raw_root / "2025", settings, YEAR, key=b"b").cases["case_id"]
    assert one.tolist() == again.tolist()
    assert not set(one) & set(other)


def test_a_missing_year_folder_and_a_missing_component_are_errors(tiny_raw_root, tmp_path, settings):
    from ikuanalysis.ingest.problems import RegisterError
    from ikuanalysis.ingest.year import clean_year

    with pytest.raises(RegisterError) as caught:
        clean_year(tmp_path / "nowhere" / "2025", settings, YEAR, key=b"k")
    assert caught.value.log.to_frame()["code"].tolist() == ["missing_year_folder"]
    (tiny_raw_root / "2025" / "x4_bencana.xlsx").unlink()
    with pytest.raises(RegisterError) as caught:
        clean_year(tiny_raw_root / "2025", settings, YEAR, key=b"k")
    errors = caught.value.log.to_frame()
    assert errors.loc[errors["level"] == "error", ["code", "file"]].values.tolist() == [["missing_component", "2025"]]
    assert "x4_" in errors["message"][0]


def test_the_sample_marker_is_recognised(tiny_raw_root, settings):
    from ikuanalysis.ingest.year import clean_year

    (tiny_raw_root / "2025" / settings.iku.policies.sample_data_marker).write_text("contoh\n", encoding="utf-8")
    assert clean_year(tiny_raw_root / "2025", settings, YEAR, key=b"k").is_sample


def test_check_only_gives_the_same_counts_and_log_without_cases(tmp_path, settings):
    """``validate`` cleans with check_only: the counts and the log are those of a full cleaning."""
    from ikuanalysis.ingest.year import clean_year
    from tests.fixtures.tiny_year import write_tiny_year

    folder = write_tiny_year(tmp_path)
    full = clean_year(folder, settings, 2025, key=b"k")
    checked = clean_year(folder, settings, 2025, key=b"k", check_only=True)
    assert checked.stats == full.stats
    assert checked.log.to_frame().equals(full.log.to_frame())
    assert checked.cases.empty and not full.cases.empty


def test_a_name_of_one_register_written_as_a_place_in_another_is_never_kept_nor_quoted(tmp_path, settings):
    """Every register's names are known before any register is cleaned (contract §1.5): x2's
    person written as the kelurahan of k x3 rows is neither kept as written nor quoted."""
    from ikuanalysis.ingest.year import clean_year
    from tests.fixtures.registers import write_register
    from tests.fixtures.tiny_year import NAMES, write_tiny_year

    folder = write_tiny_year(tmp_path)
    k = settings.iku.policies.disclosure_k
    header = ["NIK", "Nama Penerima", "Jenis PPKS", "Kecamatan", "Kelurahan", "Tanggal Penyaluran", "Tepat Sasaran"]
    rows = [(f"62710101018100{i:02d}", f"Penerima {chr(65 + i)}", "Fakir Miskin", "Pahandut", NAMES[2].upper(),
             "05/02/2025", "Ya") for i in range(k)]
    write_register(folder / "x3_tambahan.csv", [header, *rows])
    result = clean_year(folder, settings, 2025, key=b"k")
    added = result.cases[result.cases["source_file"] == "x3_tambahan.csv"]
    assert added["kelurahan"].tolist() == ["lainnya"] * k
    assert not result.cases["kelurahan"].str.lower().str.contains("yohana").any()
    assert "yohana" not in result.log.to_frame().to_csv().lower()
