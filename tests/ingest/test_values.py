"""Cell values (ingest/values.py): dates read day first, NIK digits."""

from __future__ import annotations

import datetime as dt

import pytest

from ikuanalysis.ingest.values import normalize_nik, parse_date


@pytest.mark.parametrize(
    "cell, expected",
    [(dt.date(2025, 3, 5), dt.date(2025, 3, 5)), (dt.datetime(2025, 3, 5, 10, 0), dt.date(2025, 3, 5)),
     ("05/03/2025", dt.date(2025, 3, 5)), ("5-3-2025", dt.date(2025, 3, 5)), ("2025-03-05", dt.date(2025, 3, 5)),
     ("5 Maret 2025", dt.date(2025, 3, 5)), ("05 maret 2025", dt.date(2025, 3, 5)), ("17 Agustus 2025", dt.date(2025, 8, 17)),
     ("1 Des 2025", dt.date(2025, 12, 1)), (45721.0, dt.date(2025, 3, 5)), ("", None)],
)
def test_dates_are_read_day_first(settings, cell, expected):
    assert parse_date(cell, settings.vocabulary.months) == expected


@pytest.mark.parametrize(
    "cell, digits",
    [(6271010101010001.0, "6271010101010001"), ("'6271010101010001", "6271010101010001"),
     ("6271 0101 0101 0001", "6271010101010001"), ("6271.0101.0101.0001", "6271010101010001"),
     ("6271-0101-0101-0001", "6271010101010001")],
)
def test_nik_cleaning(cell, digits):
    assert normalize_nik(cell) == digits
