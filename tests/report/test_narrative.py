"""Sentences stating the result (report/narrative.py)."""

from __future__ import annotations

import pandas as pd

from ikuanalysis.indicator.compute import compute_indicator
from ikuanalysis.report.narrative import describe_result, weakest_component


def result(settings, **counts):
    rows = [(cid, "Pahandut", "J", "register", num, den) for cid, (num, den) in counts.items()]
    frame = pd.DataFrame(rows, columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"])
    return compute_indicator(frame, settings.iku, 2025)


def test_weakest_component_is_the_lowest_computable_one_first_on_ties(settings):
    assert weakest_component(result(settings, x1=(1, 2), x2=(1, 4), x3=(2, 8), x4=(0, 0))).id == "x2"
    assert weakest_component(result(settings, x1=(0, 0), x2=(0, 0), x3=(0, 0), x4=(0, 0))) is None


def test_no_computable_component_gives_one_sentence(settings):
    text = describe_result(result(settings, x1=(0, 0), x2=(0, 0), x3=(0, 0), x4=(0, 0)))
    assert len(text) == 1 and "tidak dapat ditetapkan" in text[0] and "TA 2025" in text[0]


def test_all_at_100_percent_says_nobody_is_left(settings):
    text = describe_result(result(settings, x1=(2, 2), x2=(1, 1), x3=(0, 0), x4=(5, 5)))
    assert text[1] == ("Nilai ini adalah rata-rata 3 komponen (x1, x2 dan x4). Komponen x3 tidak dihitung karena "
                       "tidak ada kasus pada tahun ini (penyebut 0).")
    assert text[2] == "Semua komponen yang dapat dihitung mencapai 100%: tidak ada PPKS yang belum ditangani."
