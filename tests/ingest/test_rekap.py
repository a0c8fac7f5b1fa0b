"""Rekap (aggregate) input (ingest/rekap.py), contract §1.4."""

from __future__ import annotations

import pytest

YEAR = 2025


REKAP_OK = """komponen;sasaran;realisasi;kecamatan
x1;1.200;1.050;Pahandut
x1;300;250;Kec. Sebangau
x1;10;10;
"""


def year_with_rekap(tmp_path, rekap_text, drop_x1=True):
    from tests.fixtures.tiny_year import write_tiny_year

    folder = write_tiny_year(tmp_path / "raw")
    if drop_x1:
        (folder / "x1_psks.csv").unlink()
    (folder / "rekap_2025.csv").write_text(rekap_text, encoding="utf-8")
    return folder


def test_rekap_gives_the_totals_of_a_component(tmp_path, settings):
    from ikuanalysis.indicator.compute import compute_indicator
    from ikuanalysis.ingest.year import clean_year

    result = clean_year(year_with_rekap(tmp_path, REKAP_OK), settings, YEAR, key=b"k")
    rekap = result.aggregate[result.aggregate["source"] == "rekap"]
    assert rekap[["kecamatan", "numerator", "denominator"]].values.tolist() == [
        ["", 10, 10], ["Pahandut", 1050, 1200], ["Sabangau", 250, 300]]
    x1 = compute_indicator(result.aggregate, settings.iku, YEAR).components[0]
    assert (x1.numerator, x1.denominator) == (1310, 1510)


REKAP_BAD = """komponen;sasaran;realisasi
x5;10;5
x1;-3;0
x1;10;1,5
x1;10;12
"""


def test_rekap_errors_are_located(tmp_path, settings):
    from ikuanalysis.ingest.problems import RegisterError
    from ikuanalysis.ingest.year import clean_year

    with pytest.raises(RegisterError) as caught:
        clean_year(year_with_rekap(tmp_path, REKAP_BAD), settings, YEAR, key=b"k")
    log = caught.value.log.to_frame()
    errors = log[log["level"] == "error"][["code", "row", "column", "value"]].values.tolist()
    assert errors == [
        ["unknown_component", 2, "komponen", "x5"],
        ["invalid_count", 3, "sasaran", "-3"],
        ["invalid_count", 4, "realisasi", "1,5"],
        ["realisasi_above_sasaran", 5, "realisasi", "12"],
    ]


def rekap_table(rows: list[dict]):
    import pandas as pd

    from ikuanalysis.ingest.read import RawTable

    columns = ["komponen", "sasaran", "realisasi", "kecamatan"]
    frame = pd.DataFrame(rows, columns=columns).fillna("").astype("object")
    frame["_first_text"] = frame["komponen"]
    frame["_file"], frame["_sheet"], frame["_row"] = "rekap.csv", "", range(2, len(rows) + 2)
    return RawTable(frame=frame, headers={("rekap.csv", ""): {c: c.title() for c in columns}})


def test_clean_rekap_skips_blank_and_summary_rows_and_resolves_places(settings):
    from ikuanalysis.ingest.problems import ProblemLog
    from ikuanalysis.ingest.rekap import clean_rekap

    log = ProblemLog()
    rows = [{"komponen": "X 2", "sasaran": "1.234", "realisasi": "1.000", "kecamatan": "kec. pahandut"},
            {"komponen": "", "sasaran": "", "realisasi": "", "kecamatan": ""},
            {"komponen": "x2", "sasaran": "5", "realisasi": "0", "kecamatan": ""},
            {"komponen": "JUMLAH", "sasaran": "1.239", "realisasi": "1.000", "kecamatan": ""},
            {"komponen": "x2", "sasaran": "3", "realisasi": "1", "kecamatan": "Kapuas"},
            {"komponen": "x2", "sasaran": "7", "realisasi": "2", "kecamatan": "62.71.05"}]
    cleaned = clean_rekap(rekap_table(rows), settings, log)
    assert cleaned[["component", "kecamatan", "numerator", "denominator", "_row"]].values.tolist() == [
        ["x2", "Pahandut", 1000, 1234, 2], ["x2", "", 0, 5, 4], ["x2", "", 1, 3, 6], ["x2", "Rakumpit", 2, 7, 7]]
    logged = log.to_frame()
    errors = logged[logged["level"] == "error"]
    assert errors[["level", "code", "row", "column", "value"]].values.tolist() == [
        ["error", "unknown_kecamatan", 6, "Kecamatan", "Kapuas"]]
    assert logged.loc[logged["code"] == "summary_row", "row"].tolist() == [5]  # the JUMLAH line, on record
