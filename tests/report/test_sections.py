"""The report's sections state the hand-computed figures, in Indonesian format, escaped."""

from __future__ import annotations

import pandas as pd
import pytest

from ikuanalysis.indicator import analysis
from ikuanalysis.indicator.compute import compute_indicator
from ikuanalysis.indicator.history import YearOutcome
from ikuanalysis.report import sections
from ikuanalysis.report.narrative import describe_result
from tests.fixtures.html import without_labels


def aggregate(**counts) -> pd.DataFrame:
    """An aggregate with one row per component: x1=(num, den), ..."""
    rows = [(cid, "Pahandut", "J", "register", num, den) for cid, (num, den) in counts.items()]
    return pd.DataFrame(rows, columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"])


# Each year's IKU (target 100) falls in one band: mean of x1..x3 with x4 without cases.
BAND_YEARS = {
    "Sangat Tinggi": aggregate(x1=(95, 100), x2=(19, 20), x3=(95, 100), x4=(0, 0)),   # 95,00
    "Tinggi": aggregate(x1=(80, 100), x2=(16, 20), x3=(80, 100), x4=(0, 0)),          # 80,00
    "Sedang": aggregate(x1=(70, 100), x2=(14, 20), x3=(70, 100), x4=(0, 0)),          # 70,00
    "Rendah": aggregate(x1=(60, 100), x2=(12, 20), x3=(60, 100), x4=(0, 0)),          # 60,00
    "Sangat Rendah": aggregate(x1=(40, 100), x2=(8, 20), x3=(40, 100), x4=(0, 0)),    # 40,00
}


@pytest.mark.parametrize("category", list(BAND_YEARS))
def test_summary_states_value_capaian_and_kategori_of_each_band(settings, category):
    result = compute_indicator(BAND_YEARS[category], settings.iku, 2025)
    text = " ".join(describe_result(result))
    value = {"Sangat Tinggi": "95,00%", "Tinggi": "80,00%", "Sedang": "70,00%", "Rendah": "60,00%",
             "Sangat Rendah": "40,00%"}[category]
    assert f"sebesar {value} dari target 100,00%, sehingga capaian kinerjanya {value} dengan kategori <strong>{category}</strong>" in text
    assert "rata-rata 3 komponen (x1, x2 dan x3)" in text
    assert "Komponen x4 tidak dihitung karena tidak ada kasus" in text


def test_weakest_component_and_people_not_handled(settings):
    result = compute_indicator(aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(1, 2)), settings.iku, 2025)
    text = " ".join(describe_result(result))
    assert ("Komponen terendah adalah x4 (Korban bencana yang mendapatkan bantuan) sebesar 50,00%: 1 dari 2 korban "
            "bencana belum menerima bantuan.") in text
    # per component, each with its own meaning, never summed across components
    assert ("Yang belum ditangani menurut komponen: 3 lembaga/orang PSKS tidak aktif (x1), 1 orang PPKS belum terpenuhi "
            "kebutuhan dasarnya sesuai standar (x2), 1 penerima bantuan sosial belum terverifikasi tepat sasaran (x3) "
            "dan 1 korban bencana belum menerima bantuan (x4).") in text
    assert "orang/unit" not in text


def test_not_handled_columns_say_what_not_handled_means_per_component(settings):
    result = compute_indicator(aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), settings.iku, 2025)
    html = without_labels(sections.measurement_section(settings, result))
    # Words after the count: a cell that may wrap (a nowrap number cell made the table wider than A4).
    assert '<td>3 tidak aktif</td>' in html
    assert '<td>1 belum terpenuhi kebutuhan dasarnya sesuai standar</td>' in html
    by_jenis = analysis.breakdown(aggregate(x1=(21, 24), x3=(9, 10)), "jenis")
    tables = sections.jenis_tables(by_jenis, settings)
    assert '<th class="num">Tidak aktif</th>' in tables and '<th class="num">Belum terverifikasi tepat sasaran</th>' in tables


def test_component_unit_and_meaning_default_when_omitted():
    from ikuanalysis.config import Component

    component = Component(id="x9", label="L", bidang="B", jenis_list="ppks", numerator="n", denominator="d")
    assert (component.unit, component.not_handled_label) == ("kasus", "belum ditangani sesuai standar")


def test_analysis_sentences_name_gaps_change_and_places(settings):
    result = compute_indicator(aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), settings.iku, 2025)
    previous = compute_indicator(aggregate(x1=(20, 24), x2=(2, 4), x3=(9, 10), x4=(0, 0)), settings.iku, 2024)
    by_place = analysis.breakdown(aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), "kecamatan")
    sentences = sections.analysis_sentences(result, previous, analysis.furthest_from_target(by_place, 100),
                                            analysis.gap_shares(result))
    text = " ".join(sentences)
    assert "x2 75,00% (−25,00 poin dari target); x1 87,50% (−12,50 poin dari target); x3 90,00%" in text
    # previous: (83.333 + 50 + 90) / 3 = 74.444; now 84.167: +9.72 points
    assert "Dibanding TA 2024 (74,44%), realisasi naik 9,72 poin menjadi 84,17%." in text
    assert "Selisih 15,83 poin terhadap target terbagi menurut komponen: x2 8,33 poin (52,6%), x1 4,17 poin (26,3%), x3 3,33 poin (21,1%)" in text
    assert "x1: Pahandut (87,50%, 3 lembaga/orang PSKS tidak aktif)" in text


def test_first_year_says_there_is_no_previous_year(settings):
    result = compute_indicator(BAND_YEARS["Tinggi"], settings.iku, 2021)
    html = sections.comparison_section(result, [], settings)
    assert "Tidak ada data tahun sebelum 2021" in html
    sentences = sections.analysis_sentences(result, None, analysis.furthest_from_target(
        analysis.breakdown(BAND_YEARS["Tinggi"], "kecamatan"), 100), analysis.gap_shares(result))
    assert "data tahun sebelumnya tidak tersedia" in " ".join(sentences)


def test_comparison_lists_each_year_with_its_change_and_failed_years(settings):
    earlier = [YearOutcome(2023, compute_indicator(BAND_YEARS["Sedang"], settings.iku, 2023)),
               YearOutcome(2024, None, "register tahun 2024 memuat 2 kesalahan")]
    result = compute_indicator(BAND_YEARS["Tinggi"], settings.iku, 2025)
    html = sections.comparison_section(result, earlier, settings)
    assert "register tahun 2024 memuat 2 kesalahan" in html
    assert "+10,00 poin" in html  # 70 -> 80, the failed year skipped


def test_quarter_label():
    assert sections.quarter_label(2025, 4) == "TA 2025"
    assert sections.quarter_label(2025, 3) == "s.d. Triwulan III TA 2025"


def test_register_text_is_escaped(settings):
    by_jenis = pd.DataFrame({"component": ["x2"], "jenis": ["<script>alert(1)</script>"], "numerator": [1],
                             "denominator": [2], "percent": [50.0], "not_handled": [1]})
    html = sections.jenis_tables(by_jenis, settings)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_notes_go_under_their_headings_and_missing_ones_say_what_belongs_there():
    html = sections.notes_html({"Solusi": "Verifikasi <b>lapangan</b>."}, 2025)
    assert "Verifikasi &lt;b&gt;lapangan&lt;/b&gt;." in html
    assert html.count("Belum diisi") == 3
    assert "data/raw/2025/catatan.md" in html


def test_efficiency_without_budget_says_which_file_to_add(settings):
    result = compute_indicator(BAND_YEARS["Tinggi"], settings.iku, 2025)
    assert "data/raw/2025/anggaran.csv" in sections.efficiency_section(None, None, result)


def test_comparison_states_trend_best_worst_component_changes_and_first_kategori(settings):
    earlier = [YearOutcome(2021, compute_indicator(aggregate(x1=(60, 100), x2=(6, 10), x3=(6, 10), x4=(1, 2)), settings.iku, 2021)),
               YearOutcome(2022, compute_indicator(aggregate(x1=(80, 100), x2=(8, 10), x3=(8, 10), x4=(2, 2)), settings.iku, 2022))]
    result = compute_indicator(aggregate(x1=(90, 100), x2=(8, 10), x3=(9, 10), x4=(2, 2)), settings.iku, 2023)
    html = sections.comparison_section(result, earlier, settings)
    # 2021: (60+60+60+50)/4 = 57.5; 2022: (80+80+80+100)/4 = 85; 2023: (90+80+90+100)/4 = 90
    assert ("Sejak TA 2021 (57,50%), realisasi IKU naik 32,50 poin menjadi 90,00% pada TA 2023 "
            "(+32,50 poin sejak 2021).") in html
    assert "Realisasi tertinggi pada TA 2023 (90,00%) dan terendah pada TA 2021 (57,50%)." in html
    assert "IKU pertama kali mencapai kategori Tinggi atau lebih tinggi pada TA 2022." in html
    assert ("Dibanding TA 2022, x1 naik 10,00 poin (80,00% → 90,00%), x2 tetap, x3 naik 10,00 poin "
            "(80,00% → 90,00%) dan x4 tetap.") in html
    assert "tidak sepenuhnya sebanding" not in html


def test_the_change_cell_may_wrap_so_that_the_table_fits_the_printed_page(settings):
    # The "Perubahan" cell holds words ("komponen berbeda; pada komponen yang sama …"): as a
    # nowrap number cell it made the table wider than A4 and cut its "Catatan" column in the PDF.
    earlier = [YearOutcome(2022, compute_indicator(aggregate(x1=(6, 10), x2=(8, 10), x3=(7, 10), x4=(0, 0)), settings.iku, 2022))]
    result = compute_indicator(aggregate(x1=(7, 10), x2=(8, 10), x3=(7, 10), x4=(5, 5)), settings.iku, 2023)
    html = without_labels(sections.comparison_section(result, earlier, settings))
    assert "<td>+10,00 poin (komponen berbeda; pada komponen yang sama +3,33 poin)</td>" in html
    assert '<th class="num">Capaian</th><th>Kategori</th><th>Perubahan</th>' in html


def test_comparison_when_a_component_had_no_cases_gives_the_figure_on_common_components(settings):
    earlier = [YearOutcome(2022, compute_indicator(aggregate(x1=(6, 10), x2=(8, 10), x3=(7, 10), x4=(0, 0)), settings.iku, 2022))]
    result = compute_indicator(aggregate(x1=(7, 10), x2=(8, 10), x3=(7, 10), x4=(5, 5)), settings.iku, 2023)
    html = sections.comparison_section(result, earlier, settings)
    # 2022: 70,00 on x1..x3; 2023: 80,00 on x1..x4, 73,33 on x1..x3
    assert "+10,00 poin (komponen berbeda; pada komponen yang sama +3,33 poin)" in html
    assert "<td class=\"num\">+10,00 poin</td>" not in html
    assert "x4 tidak dapat dibandingkan (tidak ada kasus pada TA 2022)" in html
    assert ("Komponen yang dihitung pada TA 2023 berbeda dari TA 2022: x4 memiliki kasus pada TA 2023 tetapi tidak "
            "pada TA 2022, sehingga perubahan +10,00 poin tidak sepenuhnya sebanding. Pada komponen yang sama "
            "(x1, x2 dan x3), realisasi naik 3,33 poin dari 70,00% menjadi 73,33% (+3,33 poin).") in html
    assert "TA 2023 adalah tahun pertama IKU mencapai kategori Tinggi atau lebih tinggi." in html
    sentences = " ".join(sections.analysis_sentences(result, earlier[0].result, analysis.furthest_from_target(
        analysis.breakdown(aggregate(x1=(7, 10)), "kecamatan"), 100), analysis.gap_shares(result)))
    assert ("Dibanding TA 2022 (70,00%), realisasi naik 10,00 poin menjadi 80,00%. Komponen yang dihitung berbeda "
            "dari TA 2022, sehingga perubahan ini tidak sepenuhnya sebanding; pada komponen yang sama (x1, x2 dan x3) "
            "realisasi naik 3,33 poin dari 70,00% menjadi 73,33%.") in sentences


def test_renstra_and_spm_end_with_a_conclusion_in_words(settings):
    result = compute_indicator(aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), settings.iku, 2025)
    html = sections.comparison_section(result, [], settings)
    # 84,17% in 2025; 15,83 points to go in the 4 years to 2029: 3,96 a year
    assert ("Dengan demikian, target akhir Renstra belum tercapai: diperlukan kenaikan rata-rata 3,96 poin per tahun "
            "hingga 2029.") in html
    assert ("Dengan demikian, x2 belum memenuhi standar (kurang 25,00 poin); x4 tidak dapat dinilai karena tidak ada "
            "kasus.") in html
    full = compute_indicator(aggregate(x1=(24, 24), x2=(4, 4), x3=(10, 10), x4=(2, 2)), settings.iku, 2025)
    html = sections.comparison_section(full, [], settings)
    assert "Dengan demikian, realisasi TA 2025 sudah sejalan dengan target akhir Renstra." in html
    assert "Dengan demikian, semua komponen yang sejalan dengan SPM memenuhi standar 100%." in html


def test_placeholder_sources_speak_to_the_evaluator(settings):
    result = compute_indicator(aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), settings.iku, 2025)
    html = sections.comparison_section(result, [], settings) + sections.methodology_section(settings, 2025, [])
    assert "Sumber: Target Renstra belum diisi di config/iku.yml" in html
    assert "repositori" not in html and "Ganti dengan" not in html and "Asumsi:" not in html
    assert "Target tahun ini belum diisi di config/iku.yml" in sections.identity_section(settings, 2024)


def test_quarters_of_a_register_without_dates_say_tanpa_tanggal(settings):
    import datetime as dt

    cases = pd.DataFrame({"component": ["x1", "x1", "x2", "x2"],
                          "tanggal": pd.to_datetime([None, None, "2025-02-10", "2025-08-20"]),
                          "is_handled": [True, False, True, True]})
    pivot = sections.quarter_pivot(analysis.quarterly_progress(cases, 2025, dt.date(2026, 1, 1)), 4)
    assert pivot["rows"] == [["I", "tanpa tanggal", "50,00% (1)"], ["II", "tanpa tanggal", "50,00% (1)"],
                             ["III", "tanpa tanggal", "100,00% (2)"], ["IV", "50,00% (1)", "100,00% (2)"]]
    assert pivot["undated"] == ["x1"]


def test_sensitivity_says_coinciding_scenarios_in_one_sentence(settings):
    frame = aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(1, 2))
    result = compute_indicator(frame, settings.iku, 2025)
    html = without_labels(sections.sensitivity_section(analysis.sensitivity(frame, settings.iku, 2025), result, settings))
    # every component has cases: the three no-case policies give (87,5 + 75 + 90 + 50) / 4 = 75,63%
    assert ("Skenario A, B dan C memberi nilai yang sama (75,63%, kategori Sedang) karena setiap komponen memiliki "
            "kasus, sehingga kebijakan untuk komponen tanpa kasus tidak berpengaruh.") in html
    assert html.count("75,63%") == 2 + 1  # one row (value, capaian) and the sentence
    assert "<td>A, B, C</td>" in html and "<td>D</td>" in html and "<td>E</td>" in html
    frame = aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0))
    result = compute_indicator(frame, settings.iku, 2025)
    html = sections.sensitivity_section(analysis.sensitivity(frame, settings.iku, 2025), result, settings)
    assert "memberi nilai yang sama" not in html


def test_efficiency_per_programme_names_component_capaian_and_ratio(settings):
    result = compute_indicator(aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), settings.iku, 2025)
    budget = pd.DataFrame({"program": ["Rehsos", "Bencana", "Umum"], "pagu": [1000, 400, 500],
                           "realisasi": [800, 200, 500], "komponen": ["x2", "x4", ""]})
    rows, totals = analysis.budget_table(budget, result.achievement, analysis.component_achievements(result))
    html = sections.efficiency_section(rows, totals, result, settings)
    # x2 75% against 80% spent: 0,94
    assert ("Program Rehsos (x2): capaian komponen 75,00% dengan realisasi anggaran 80,00%, rasio efisiensi 0,94; "
            "capaian lebih rendah daripada penyerapan anggaran.") in html
    assert "Program Bencana (x4): efisiensinya tidak dapat dinilai karena komponen x4 tidak memiliki kasus" in html
    assert "Program Umum (" not in html and "<caption>Efisiensi per program" in html
    plain, totals = analysis.budget_table(budget.drop(columns="komponen"), result.achievement)
    assert "Efisiensi per program" not in sections.efficiency_section(plain, totals, result, settings)


def _sentences(html) -> list[str]:
    import re

    from tests.report.golden import visible_text

    body = visible_text(str(html)).split("\n", 1)[1]  # without the heading
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(body.split())) if s]


def test_executive_summary_has_at_most_five_sentences_with_iku_kategori_trend_and_weakest(settings):
    earlier = [YearOutcome(2021, compute_indicator(aggregate(x1=(60, 100), x2=(6, 10), x3=(6, 10), x4=(1, 2)), settings.iku, 2021)),
               YearOutcome(2022, compute_indicator(aggregate(x1=(80, 100), x2=(8, 10), x3=(8, 10), x4=(0, 0)), settings.iku, 2022))]
    result = compute_indicator(aggregate(x1=(90, 100), x2=(6, 10), x3=(9, 10), x4=(2, 2)), settings.iku, 2023)
    html = sections.executive_summary(result, earlier, settings)
    assert html.startswith('<section id="ringkasan"><h2>Ringkasan</h2>')
    sentences = _sentences(html)
    assert len(sentences) <= 5
    # (90 + 60 + 90 + 100) / 4 = 85; 2022: 80 on x1..x3 (x4 without cases), 2023 on x1..x3: 80
    assert sentences[0] == ("Pada TA 2023, IKU “Persentase PPKS yang ditangani sesuai standar” terealisasi 85,00% dari "
                            "target 100,00%: capaian 85,00%, kategori Tinggi.")
    assert sentences[1] == ("Dibanding TA 2022, realisasi naik 5,00 poin (komponen yang dihitung berbeda; pada komponen "
                            "yang sama ±0,00 poin); sejak TA 2021 naik 27,50 poin.")
    assert sentences[2] == ("Komponen terlemah adalah x2 (PPKS yang mendapatkan layanan dan bantuan kebutuhan dasar "
                            "Rehabilitasi Sosial) sebesar 60,00%: 4 dari 10 orang PPKS belum terpenuhi kebutuhan dasarnya "
                            "sesuai standar.")
    assert "Untuk mencapai target akhir Renstra pada 2029 diperlukan kenaikan rata-rata 2,50 poin per tahun." in sentences
    assert "Komponen x2 belum memenuhi SPM." in sentences


def test_executive_summary_of_a_first_year(settings):
    result = compute_indicator(aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), settings.iku, 2025)
    sentences = _sentences(sections.executive_summary(result, [], settings))
    assert len(sentences) <= 5
    assert "Belum ada data tahun sebelumnya, sehingga kecenderungan antartahun belum dapat dinilai." in sentences
    assert any("kategori Tinggi" in s for s in sentences) and any(s.startswith("Komponen terlemah adalah x2") for s in sentences)


def test_quality_section_names_reasons_by_their_meaning_not_their_code(settings):
    summary = {"year": 2025, "components": [], "inputs": [],
               "log_counts": [{"level": "warning", "code": "date_other_year", "count": 3,
                               "message": "Tanggal di luar tahun 2025: baris tidak dihitung untuk tahun ini."}]}
    html = sections.quality_section(summary, settings)
    from ikuanalysis.ingest.problems import load_catalogue

    assert f"<td>{load_catalogue().problems['date_other_year'].arti}</td>" in html
    assert "date_other_year" not in html and "<th>Arti</th>" in html
    assert '<td class="num">3</td>' in html


def test_the_first_screen_warns_of_a_jump_or_a_vanished_component_against_last_year(settings):
    """Contract §1.8, warning-only gates: lonjakan (below half or above twice), tanpa_kasus."""
    import pandas as pd

    from ikuanalysis.indicator.compute import compute_indicator
    from tests.report.golden import visible_text

    def year(year, **counts):
        rows = [(cid, "Pahandut", "J", "register", num, den) for cid, (num, den) in counts.items()]
        frame = pd.DataFrame(rows, columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"])
        return compute_indicator(frame, settings.iku, year)

    before = year(2024, x1=(10, 100), x2=(5, 10), x3=(40, 40), x4=(3, 4))
    now = year(2025, x1=(10, 49), x2=(5, 20), x3=(0, 0), x4=(3, 4))  # 49 < 50; 20 = twice (not above)
    text = visible_text(str(sections.gate_notice({"quality_gates": []}, settings, now, before)))
    assert text.splitlines() == [
        "PERIKSA KELENGKAPAN DATA. Penyebut komponen x1 turun tajam: 49 kasus, dibanding 100 pada TA 2024. "
        "Komponen x3 tidak punya kasus, padahal TA 2024 ada 40 kasus. Pastikan register yang dikirim lengkap "
        "sebelum angka dikutip."]
    assert str(sections.gate_notice({"quality_gates": []}, settings, now, None)) == ""


# --- Counting unit per component (data contract §1.4: the report states the unit) -------------------------

PER_PERSON = {"x1": "person", "x2": "person", "x3": "person", "x4": "person"}
X4_PER_HOUSEHOLD = PER_PERSON | {"x4": "household"}


def test_the_components_table_says_how_each_component_is_counted(settings):
    result = compute_indicator(aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(3, 4)), settings.iku, 2025,
                               counting_units=X4_PER_HOUSEHOLD)
    html = without_labels(sections.measurement_section(settings, result))
    assert "<th>Dihitung per</th>" in html
    assert ("<td>x3</td><td>PPKS yang mendapatkan bantuan sosial yang tepat sasaran</td><td>orang/unit</td>"
            '<td class="num">9</td>') in html
    assert ("<td>x4</td><td>Korban bencana yang mendapatkan bantuan</td><td>rumah tangga (No. KK)</td>"
            '<td class="num">3</td><td class="num">4</td><td class="num">75,00%</td>') in html


def test_the_methodology_says_which_components_count_households(settings):
    persons = sections.methodology_section(settings, 2025, [], {"counting_units": PER_PERSON})
    assert ("Satu baris register = satu orang/unit. Setiap komponen dihitung per orang/unit: orang yang sama dalam "
            "satu komponen dikenali dari NIK 16 angka") in persons
    assert "No. KK yang sama" not in persons
    households = sections.methodology_section(settings, 2025, [], {"counting_units": X4_PER_HOUSEHOLD})
    assert ("Satu baris register = satu orang/unit. Komponen x1, x2 dan x3 dihitung per orang/unit: orang yang sama "
            "dalam satu komponen dikenali dari NIK 16 angka") in households
    assert ("Komponen x4 dihitung per rumah tangga (No. KK): baris-baris dengan No. KK yang sama adalah satu kasus, "
            "dihitung ditangani bila salah satu barisnya berstatus ya; setiap barisnya harus memiliki No. KK 16 "
            "angka.") in households
    assert "Privasi: NIK, No. KK dan nama tidak pernah keluar dari <code>data/raw</code>" in households
    old_summary = sections.methodology_section(settings, 2025, [], {})  # processed before counting units: persons
    assert "Setiap komponen dihitung per orang/unit" in old_summary


def test_a_change_of_counting_unit_makes_the_comparison_not_comparable_and_says_why(settings):
    earlier = [YearOutcome(2024, compute_indicator(aggregate(x1=(6, 10), x2=(8, 10), x3=(7, 10), x4=(5, 10)),
                                                   settings.iku, 2024, counting_units=PER_PERSON))]
    result = compute_indicator(aggregate(x1=(7, 10), x2=(8, 10), x3=(7, 10), x4=(3, 4)), settings.iku, 2025,
                               counting_units=X4_PER_HOUSEHOLD)
    html = sections.comparison_section(result, earlier, settings)
    # 2024: (60+80+70+50)/4 = 65; 2025: (70+80+70+75)/4 = 73,75; on x1..x3: 70 -> 73,33
    assert "+8,75 poin (cara menghitung kasus berbeda; pada komponen yang sama +3,33 poin)" in html
    assert ("Cara menghitung kasus pada TA 2025 berbeda dari TA 2024: x4 dihitung per rumah tangga (No. KK) pada TA "
            "2025, per orang/unit pada TA 2024, sehingga perubahan +8,75 poin tidak sepenuhnya sebanding. Pada "
            "komponen yang sama (x1, x2 dan x3), realisasi naik 3,33 poin dari 70,00% menjadi 73,33% "
            "(+3,33 poin).") in html
    sentences = " ".join(sections.analysis_sentences(result, earlier[0].result, analysis.furthest_from_target(
        analysis.breakdown(aggregate(x1=(7, 10)), "kecamatan"), 100), analysis.gap_shares(result)))
    assert ("Cara menghitung kasus berbeda dari TA 2024 (x4 dihitung per rumah tangga (No. KK) pada TA 2025, per "
            "orang/unit pada TA 2024), sehingga perubahan ini tidak sepenuhnya sebanding; pada komponen yang sama "
            "(x1, x2 dan x3) realisasi naik 3,33 poin dari 70,00% menjadi 73,33%.") in sentences
    summary = sections.executive_summary(result, earlier, settings)
    assert "(cara menghitung kasus berbeda; pada komponen yang sama +3,33 poin)" in summary


def test_a_change_of_components_and_of_counting_unit_names_both(settings):
    earlier = [YearOutcome(2024, compute_indicator(aggregate(x1=(6, 10), x2=(8, 10), x3=(0, 0), x4=(5, 10)),
                                                   settings.iku, 2024, counting_units=PER_PERSON))]
    result = compute_indicator(aggregate(x1=(7, 10), x2=(8, 10), x3=(7, 10), x4=(3, 4)), settings.iku, 2025,
                               counting_units=X4_PER_HOUSEHOLD)
    html = sections.comparison_section(result, earlier, settings)
    assert ("Komponen yang dihitung pada TA 2025 berbeda dari TA 2024: x3 memiliki kasus pada TA 2025 tetapi tidak "
            "pada TA 2024; cara menghitung kasus juga berubah (x4 dihitung per rumah tangga (No. KK) pada TA 2025, "
            "per orang/unit pada TA 2024), sehingga perubahan") in html
    assert "(komponen berbeda; pada komponen yang sama" in html


def test_a_wide_table_labels_each_cell_with_its_column_for_a_phone_and_a_narrow_one_does_not(settings):
    # report.css stacks the rows of a table of more than four columns on a phone, each cell under
    # its column's title (data-label); the PDF and the Word chapter ignore the attribute.
    result = compute_indicator(aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(3, 4)), settings.iku, 2025)
    html = sections.measurement_section(settings, result)
    assert '<table class="data components wide">' in html
    assert '<td data-label="Komponen">x1</td><td data-label="Uraian">' in html
    assert '<td class="num" data-label="Realisasi">21</td>' in html
    bands = html[html.index("<caption>Rentang kategori capaian"):]  # three columns: a table on a phone too
    assert "data-label" not in bands and '<table class="data"><caption>Rentang kategori capaian' in html

