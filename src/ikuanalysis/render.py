"""HTML blocks of the report, built from results and config (all text escaped).

Each function returns :class:`Html`, which notebooks display as rich output; text that
comes from registers or config is escaped, so a value such as ``<script>`` shows as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from html import escape

from ikuanalysis import __version__
from ikuanalysis.config import Settings
from ikuanalysis.formatting import format_date, format_number, format_percent
from ikuanalysis.indicator import IndicatorResult
from ikuanalysis.narrative import POLICY_TEXT, describe_result


class Html(str):
    """A string of trusted HTML that Jupyter displays as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


def esc(value: object) -> str:
    """Escape any value for HTML text and attributes."""
    return escape("" if value is None else str(value), quote=True)


def table(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, numeric: Sequence[int] = (),
    caption: str = "", css_class: str = "data",
) -> Html:
    """Return an HTML table; cells are escaped unless they are :class:`Html`.

    Args:
        header: Column titles.
        rows: Cell values (already formatted as text).
        numeric: Indexes of right-aligned columns.
        caption: Optional caption above the table.
        css_class: Class of the table element.
    """
    def cell(tag: str, value: object, index: int) -> str:
        align = ' class="num"' if index in numeric else ""
        content = str(value) if isinstance(value, Html) else esc(value)
        return f"<{tag}{align}>{content}</{tag}>"

    head = "".join(cell("th", h, i) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", v, i) for i, v in enumerate(r)) + "</tr>" for r in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return Html(f'<div class="table-wrap"><table class="{css_class}">{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table></div>")


def section(title: str, body: str, anchor: str = "") -> Html:
    """Return a titled section."""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return Html(f"<section{ident}><h2>{esc(title)}</h2>{body}</section>")


def paragraphs(texts: Iterable[str]) -> str:
    """Return <p> elements; the texts are trusted (generated, with escaped parts)."""
    return "".join(f"<p>{t}</p>" for t in texts)


def figure(svg: str, caption: str) -> Html:
    """Wrap an inline SVG chart with its caption."""
    return Html(f'<figure class="chart">{svg}<figcaption>{esc(caption)}</figcaption></figure>')


def sample_banner(is_sample: bool) -> Html:
    """Return the warning shown on the first screen when the data are the synthetic sample."""
    if not is_sample:
        return Html("")
    return Html(
        '<div class="banner" role="alert"><strong>DATA CONTOH (SINTETIS).</strong> Angka dalam laporan '
        "ini dihitung dari register contoh yang dibuat oleh program, bukan data resmi Dinas Sosial "
        "Kota Palangka Raya, dan tidak boleh dikutip sebagai capaian kinerja.</div>"
    )


def title_block(settings: Settings, result: IndicatorResult, is_sample: bool) -> Html:
    """Return the report's title, subtitle and, for sample data, the banner."""
    iku = settings.iku
    return Html(
        f'<header class="title"><p class="kicker">Analisis Capaian Kinerja · LKjIP BAB III · TA {result.year}</p>'
        f"<h1>{esc(iku.indicator.name)}</h1>"
        f"<p class=\"subtitle\">Indikator Kinerja Utama Dinas Sosial Kota Palangka Raya</p></header>"
        + sample_banner(is_sample)
    )


def headline(result: IndicatorResult) -> Html:
    """Return the key figures: realisasi, target, capaian and kategori."""
    cards = [
        ("Realisasi", format_percent(result.value)),
        ("Target", format_percent(result.target)),
        ("Capaian", format_percent(result.achievement)),
        ("Kategori", result.category or "–"),
    ]
    body = "".join(f'<div class="card"><div class="label">{esc(k)}</div><div class="value">{esc(v)}</div></div>'
                   for k, v in cards)
    return Html(f'<div class="cards">{body}</div>')


def summary_section(result: IndicatorResult) -> Html:
    """Return the ikhtisar: the generated sentences stating the result."""
    return section("Ikhtisar", headline(result) + paragraphs(describe_result(result)), "ikhtisar")


def identity_section(settings: Settings, year: int) -> Html:
    """Return the indicator's identity, verbatim from config, and the decree reference."""
    iku, ind = settings.iku, settings.iku.indicator
    target = iku.target_for(year)
    rows = [
        ("Tujuan Strategis", ind.tujuan_strategis),
        ("Indikator Tujuan", ind.indikator_tujuan),
        ("Sasaran Strategis", ind.sasaran_strategis),
        ("Indikator Kinerja Utama", ind.name),
        ("Satuan", ind.satuan),
        (f"Target {year}", f"{format_percent(target.value, 0)} ({target.source})"),
        ("Penanggung Jawab", ind.penanggung_jawab),
        ("Sumber Data", ind.sumber_data),
        ("Dasar penetapan", f"{iku.decree.title}, ditetapkan {format_date(iku.decree.date)}"),
    ]
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return section("Identitas indikator", f'<table class="identity"><tbody>{body}</tbody></table>', "identitas")


FORMULA_MATHML = (
    '<math display="block"><mrow><mi>IKU</mi><mo>=</mo><mfrac><mn>1</mn><mi>n</mi></mfrac>'
    '<munderover><mo largeop="true" movablelimits="false">∑</mo>'
    "<mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover>"
    "<msub><mi>x</mi><mi>i</mi></msub></mrow></math>"
    '<math display="block"><mrow><msub><mi>x</mi><mi>i</mi></msub><mo>=</mo><mfrac>'
    "<mtext>jumlah yang ditangani sesuai standar</mtext><mtext>jumlah yang membutuhkan penanganan</mtext>"
    "</mfrac><mo>×</mo><mn>100</mn><mo>%</mo></mrow></math>"
)


def method_section(settings: Settings, policy: str) -> Html:
    """Return makna, alasan pemilihan and cara perhitungan (decree texts and the formula)."""
    ind = settings.iku.indicator
    items = "".join(
        f"<li><strong>{esc(c.id)}</strong>: {esc(c.label)} <span class=\"muted\">(bidang {esc(c.bidang)}; "
        f"pembilang: {esc(c.numerator)}; penyebut: {esc(c.denominator)})</span></li>"
        for c in settings.iku.components
    )
    body = (
        "<h3>Makna indikator</h3>"
        f'<blockquote>{esc(ind.makna)}</blockquote>'
        "<h3>Alasan pemilihan</h3>"
        f"<blockquote>{esc(ind.alasan_pemilihan)}</blockquote>"
        "<h3>Cara perhitungan</h3>"
        f'<div class="formula">{FORMULA_MATHML}</div>'
        f"<p>{esc(ind.formula_intro)}</p><ul>{items}</ul>"
        f"<p>{esc(POLICY_TEXT[policy])} Capaian = realisasi ÷ target × 100 (indikator positif, tidak "
        "dibatasi 100%). Kategori mengikuti rentang Permendagri 86/2017.</p>"
    )
    return section("Makna, alasan pemilihan dan cara perhitungan", body, "makna")


def bands_table(settings: Settings) -> Html:
    """Return the rating bands as a small table."""
    bands = settings.iku.rating_bands
    rows = []
    for index, band in enumerate(bands):
        upper = bands[index - 1].min if index else None
        if band.min is None:
            span = f"< {format_number(upper)}"
        elif upper is None:
            span = f"≥ {format_number(band.min)}"
        else:
            span = f"{format_number(band.min)} – < {format_number(upper)}"
        rows.append((span, band.label, band.alt_label))
    return table(["Capaian (%)", "Kategori", "Sebutan lain"], rows, caption="Rentang kategori capaian")


def measurement_section(settings: Settings, result: IndicatorResult) -> Html:
    """Return the standard LKjIP table and the x1–x4 table."""
    ind = settings.iku.indicator
    standard = table(
        ["No", "Sasaran", "Indikator", "Satuan", "Target", "Realisasi", "Capaian (%)", "Kategori"],
        [(1, ind.sasaran_strategis, ind.name, ind.satuan, format_percent(result.target),
          format_percent(result.value), format_percent(result.achievement), result.category or "–")],
        numeric=(0, 4, 5, 6), caption=f"Pengukuran kinerja TA {result.year}",
    )
    rows = []
    for c in result.components:
        note = "" if c.included else " (tidak dihitung)"
        rows.append((c.id, c.label, format_number(c.numerator), format_number(c.denominator),
                     format_percent(c.percent) + note, format_number(c.not_handled_count)))
    components = table(
        ["Komponen", "Uraian", "Realisasi", "Sasaran", "Persen", "Belum ditangani"],
        rows, numeric=(2, 3, 4, 5), caption="Komponen IKU (realisasi = ditangani; sasaran = membutuhkan penanganan)",
        css_class="data components",
    )
    return section("Pengukuran kinerja", standard + components + bands_table(settings), "pengukuran")


def footer(settings: Settings, parameters: dict, generated: dt.datetime | None = None) -> Html:
    """Return the footer: generation date, version, config folder and parameters."""
    generated = generated or dt.datetime.now()
    params = ", ".join(f"{k} = {v}" for k, v in parameters.items())
    return Html(
        f'<footer><p>Dibuat pada {esc(format_date(generated.date()))} pukul {generated:%H.%M} dengan '
        f"ikuanalysis {esc(__version__)}. Konfigurasi: {esc(settings.config_dir.name)}/; "
        f"parameter: {esc(params)}.</p></footer>"
    )


STAT_LABELS = {
    "rows_read": "Baris data dibaca",
    "blank_rows": "Baris kosong dilewati",
    "summary_rows": "Baris jumlah dilewati",
    "excluded_other_year": "Di luar tahun (tidak dihitung)",
    "duplicates_merged": "Duplikat digabung",
    "cases": "Kasus (penyebut)",
    "handled": "Ditangani (pembilang)",
    "blank_status": "Status kosong (= belum)",
    "invalid_nik": "NIK tidak 16 angka",
}


def cleaning_table(stats: list[dict]) -> Html:
    """Return the per-component counts of the cleaning stage."""
    header = ["Uraian", *[s["component"] for s in stats]]
    rows = [(label, *[format_number(s[key]) for s in stats]) for key, label in STAT_LABELS.items()]
    return table(header, rows, numeric=tuple(range(1, len(header))), caption="Hasil pembersihan register")


def quality_section(summary: dict) -> Html:
    """Return the data-quality section: counts per component and per reason, and input files."""
    counts = [c for c in summary["log_counts"] if c["level"] != "info" or c["code"] != "sheet_skipped"]
    level_names = {"error": "kesalahan", "warning": "peringatan", "info": "catatan"}
    reasons = table(
        ["Tingkat", "Kode", "Keterangan", "Jumlah baris"],
        [(level_names[c["level"]], c["code"], c["message"], format_number(c["count"])) for c in counts],
        numeric=(3,), caption="Peringatan dan catatan per alasan",
    ) if counts else Html("<p>Tidak ada peringatan.</p>")
    files = table(
        ["Berkas", "Ukuran (bita)", "SHA-256"],
        [(f["file"], format_number(f["bytes"]), Html(f"<code>{esc(f['sha256'][:16])}…</code>"))
         for f in summary["inputs"]],
        numeric=(1,), caption="Berkas masukan",
    )
    body = (
        "<p>Rincian setiap baris yang dilewati atau diberi peringatan ada di "
        f"<code>data/processed/{summary['year']}/quality_log.csv</code>.</p>"
    )
    return section("Kualitas data", cleaning_table(summary["components"]) + reasons + files + body, "kualitas")
