"""Numbers, percentages, money and dates the Indonesian way (Babel, locale id_ID).

1.234.567,89 · 87,50% · Rp1.500.000 · 20 Februari 2025. Missing values show as "–".
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal

LOCALE = "id_ID"
MISSING = "–"


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """Format a number with a thousands dot and a decimal comma: 1.234,5."""
    if value is None:
        return MISSING
    return _format_decimal(value, decimals)


@functools.lru_cache(maxsize=8192)  # a report formats the same few values many times (tick labels, tables)
def _format_decimal(value: float | int, decimals: int) -> str:
    # Half up, as people round by hand (Decimal avoids float artefacts such as 2.675).
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return _babel_decimal(rounded, format=_pattern(decimals), locale=LOCALE)


def format_percent(value: float | None, decimals: int = 2) -> str:
    """Format a value already in percent: 87.5 -> '87,50%'."""
    return MISSING if value is None else f"{format_number(value, decimals)}%"


def format_points(value: float | None, decimals: int = 2) -> str:
    """Format a difference in percentage points with its sign: '+2,50 poin'."""
    if value is None:
        return MISSING
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{format_number(abs(value), decimals)} poin"


def format_rupiah(value: float | int | None) -> str:
    """Format rupiah without decimals: 'Rp1.500.000'."""
    return MISSING if value is None else f"Rp{format_number(value, 0)}"


def format_date(value: dt.date | None) -> str:
    """Format a date as '20 Februari 2025'."""
    return MISSING if value is None else _babel_date(value, format="d MMMM y", locale=LOCALE)


def format_component_ids(ids) -> str:
    """Name a list of component ids for a text: 'x1–x4' for a run from x1, else 'x1, x2 dan x5'.

    Args:
        ids: Component ids in order (``x1`` … ``xn``).
    """
    ids = list(ids)
    if not ids:
        return MISSING
    if len(ids) > 2 and ids == [f"x{n}" for n in range(1, len(ids) + 1)]:
        return f"{ids[0]}–{ids[-1]}"
    if len(ids) == 1:
        return ids[0]
    return ", ".join(ids[:-1]) + " dan " + ids[-1]
