"""Numbers the Indonesian way."""

import datetime as dt

from ikuanalysis.formatting import (
    format_date,
    format_number,
    format_percent,
    format_points,
    format_rupiah,
)


def test_thousands_dot_and_decimal_comma():
    assert format_number(1234567.891, 2) == "1.234.567,89"
    assert format_number(12150) == "12.150"


def test_rounding_is_half_up():
    assert format_number(2.675, 2) == "2,68"
    assert format_number(0.125, 2) == "0,13"


def test_percent_keeps_two_decimals():
    assert format_percent(87.5) == "87,50%"
    assert format_percent(74.16666) == "74,17%"
    assert format_percent(None) == "–"


def test_rupiah_points_and_dates():
    assert format_rupiah(1500000) == "Rp1.500.000"
    assert format_points(-2.345) == "−2,35 poin"
    assert format_points(1.5) == "+1,50 poin"
    assert format_date(dt.date(2025, 2, 20)) == "20 Februari 2025"
