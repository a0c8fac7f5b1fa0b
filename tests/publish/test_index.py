"""The multi-year view (publish/index.py): table, links, failures, e-SAKIP files."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ikuanalysis.indicator.compute import compute_indicator, write_result_json
from ikuanalysis.publish import index
from tests.fixtures.html import without_labels


def result(settings, year, x1, x2=(0, 0)):
    rows = [("x1", "Pahandut", "J", "register", *x1), ("x2", "Pahandut", "J", "register", *x2)]
    frame = pd.DataFrame(rows, columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"])
    return compute_indicator(frame, settings.iku, year)


@pytest.fixture()
def results(settings):
    return {2024: result(settings, 2024, (1, 2)), 2025: result(settings, 2025, (3, 4), (1, 1))}


def test_load_results_reads_each_published_json(tmp_path, results):
    (tmp_path / "2025").mkdir()
    write_result_json(results[2025], tmp_path / "2025" / "iku_2025.json")
    loaded = index.load_results(tmp_path, [2024, 2025])
    assert list(loaded) == [2025] and loaded[2025].value == pytest.approx(87.5)


def test_multi_year_table_has_one_row_per_year_with_the_counts(results):
    table = index.multi_year_table(results)
    assert table["tahun"].tolist() == [2024, 2025]
    assert table[["x1_realisasi", "x1_sasaran", "x2_realisasi", "x2_sasaran"]].values.tolist() == [[1, 2, 0, 0], [3, 4, 1, 1]]
    assert table["realisasi_persen"].tolist() == [50.0, 87.5]
    assert pd.isna(table.loc[0, "x2_persen"])


def test_multi_year_files_are_written_for_excel_in_indonesian(tmp_path, results):
    table = index.multi_year_table(results).assign(kategori=["=HYPERLINK(1)", "Tinggi"])
    csv_path, xlsx_path = index.write_multi_year_files(table, tmp_path / "out")
    text = csv_path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbftahun;target_persen;realisasi_persen;")
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[1] == "2024;100,00;50,00;50,00;'=HYPERLINK(1);1;2;50,00;0;0;;0;0;;0;0;"
    assert pd.read_excel(xlsx_path, engine="openpyxl")["tahun"].tolist() == [2024, 2025]


def test_years_table_links_published_files_and_marks_failures(results):
    status = {2025: {"year": 2025, "status": "gagal", "detail": "<b>x1</b> rusak"}}
    html = without_labels(index.years_table([2023, 2024, 2025], results, status))
    assert '<a href="2025/iku_2025.html">HTML</a> · <a href="2025/iku_2025.pdf">PDF</a>' in html
    assert "GAGAL dibuat pada proses terakhir" in html
    assert "<td>2023</td><td class=\"num\">–</td>" in html and "belum ada laporan" in html
    # 2024 had no x2 cases: 50 -> 87,5 on x1..x2, 50 -> 75 on x1
    # Words, not a number: a cell that may wrap (as in the report's comparison table), so that the
    # table does not grow sideways on a phone.
    assert '<td>+37,50 poin (komponen berbeda; pada komponen yang sama +25,00 poin)</td>' in html
    assert '<th class="num">Capaian</th><th>Kategori</th><th>Perubahan</th>' in html
    assert html.index("<td>2025</td>") < html.index("<td>2024</td>") < html.index("<td>2023</td>")
    block = index.failures_block(status)
    assert "2025: gagal dibuat" in block and "&lt;b&gt;x1&lt;/b&gt; rusak" in block and "<b>" not in block
    assert index.failures_block({2024: {"year": 2024, "status": "ok"}}) == ""


def test_read_status(tmp_path):
    assert index.read_status(tmp_path) == {}
    (tmp_path / "build_status.json").write_text(json.dumps({"years": [{"year": 2025, "status": "gagal"}]}),
                                                encoding="utf-8")
    assert index.read_status(tmp_path) == {2025: {"year": 2025, "status": "gagal"}}
    detail = "x1.csv, baris 2, kolom 'Kecamatan' — nilai: '3271012345678901'"  # written by an older version
    (tmp_path / "build_status.json").write_text(json.dumps({"years": [{"year": 2025, "status": "gagal",
                                                                      "detail": detail}]}), encoding="utf-8")
    assert index.read_status(tmp_path)[2025]["detail"] == "x1.csv, baris 2, kolom 'Kecamatan' — nilai: '(disembunyikan)'"
