"""Generated sentences (Bahasa Indonesia) that state the IKU result in words."""

from __future__ import annotations

from html import escape

from ikuanalysis.formatting import format_number, format_percent
from ikuanalysis.indicator.compute import ComponentResult, IndicatorResult

POLICY_TEXT = {
    "exclude": (
        "Komponen yang tidak memiliki kasus pada tahun berjalan (penyebut 0, misalnya tidak ada "
        "bencana) tidak dapat dihitung dan tidak dimasukkan ke dalam rata-rata; n adalah jumlah "
        "komponen yang dapat dihitung."
    ),
    "full": (
        "Komponen yang tidak memiliki kasus pada tahun berjalan (penyebut 0) dihitung sebagai 100% "
        "dan tetap dimasukkan ke dalam rata-rata (n = 4)."
    ),
    "zero": (
        "Komponen yang tidak memiliki kasus pada tahun berjalan (penyebut 0) dihitung sebagai 0% "
        "dan tetap dimasukkan ke dalam rata-rata (n = 4)."
    ),
}


def _ids(components: list[ComponentResult]) -> str:
    names = [c.id for c in components]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " dan " + names[-1]


def weakest_component(result: IndicatorResult) -> ComponentResult | None:
    """Return the computable component with the lowest percentage (first one on ties)."""
    computable = [c for c in result.components if c.percent is not None]
    return min(computable, key=lambda c: c.percent) if computable else None


def describe_result(result: IndicatorResult) -> list[str]:
    """Return the paragraphs (HTML, texts escaped) that state the year's result: value, capaian, kategori, gaps.

    Every number in them comes from ``result``; nothing is rounded before formatting.
    """
    year = result.year
    if result.value is None:
        return [
            f"Pada TA {year} tidak ada komponen IKU “{escape(result.indicator)}” yang dapat dihitung "
            "(tidak ada kasus pada keempat komponen), sehingga nilai IKU dan capaiannya tidak dapat ditetapkan."
        ]
    paragraphs = [
        f"Pada TA {year}, realisasi IKU “{escape(result.indicator)}” sebesar {format_percent(result.value)} "
        f"dari target {format_percent(result.target)}, sehingga capaian kinerjanya "
        f"{format_percent(result.achievement)} dengan kategori <strong>{result.category}</strong>."
    ]
    included = [c for c in result.components if c.included]
    missing = [c for c in result.components if c.percent is None]
    text = f"Nilai ini adalah rata-rata {len(included)} komponen ({_ids(included)})."
    if missing and result.policy == "exclude":
        text += (
            f" Komponen {_ids(missing)} tidak dihitung karena tidak ada kasus pada tahun ini "
            "(penyebut 0)."
        )
    elif missing:
        text += f" Komponen {_ids(missing)} tidak memiliki kasus dan dihitung sebagai {format_percent(missing[0].value_used)}."
    paragraphs.append(text)
    weakest = weakest_component(result)
    not_handled = sum(c.not_handled_count for c in result.components)
    if weakest is not None and weakest.percent < 100:
        paragraphs.append(
            f"Komponen terendah adalah {weakest.id} ({escape(weakest.label)}) sebesar "
            f"{format_percent(weakest.percent)}: {format_number(weakest.not_handled_count)} dari "
            f"{format_number(weakest.denominator)} belum ditangani. Secara keseluruhan "
            f"{format_number(not_handled)} orang/unit pada keempat komponen belum ditangani sesuai standar."
        )
    elif weakest is not None:
        paragraphs.append("Semua komponen yang dapat dihitung mencapai 100%: tidak ada PPKS yang belum ditangani.")
    return paragraphs
