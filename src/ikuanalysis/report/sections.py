"""The sections of the report (Bahasa Indonesia), in the order of an LKjIP BAB III analysis.

Each function takes results and config and returns :class:`~ikuanalysis.render.Html`;
``03_report`` displays them one per cell.
"""

from __future__ import annotations

import datetime as dt

from ikuanalysis import __version__
from ikuanalysis.config import Settings
from ikuanalysis.formatting import (
    format_date,
    format_number,
    format_percent,
    format_points,
    format_rupiah,
)
from ikuanalysis.indicator.compute import IndicatorResult
from ikuanalysis.disclosure import describe_rule
from ikuanalysis.report.html import Html, esc, paragraphs, section, table
from ikuanalysis.report.narrative import POLICY_TEXT, describe_result


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
    return section("1. Ikhtisar", headline(result) + paragraphs(describe_result(result)), "ikhtisar")


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
    return section("2. Identitas indikator", f'<table class="identity"><tbody>{body}</tbody></table>', "identitas")


FORMULA_MATHML = (
    '<math display="block"><mrow><mi>IKU</mi><mo>=</mo><mfrac><mn>1</mn><mi>n</mi></mfrac>'
    '<munderover><mo largeop="true" movablelimits="false">∑</mo>'
    "<mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover>"
    "<msub><mi>x</mi><mi>i</mi></msub></mrow></math>"
    '<math display="block"><mrow><msub><mi>x</mi><mi>i</mi></msub><mo>=</mo><mfrac>'
    "<mtext>ditangani sesuai standar</mtext><mtext>membutuhkan penanganan</mtext>"
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
    return section("3. Makna, alasan pemilihan dan cara perhitungan", body, "makna")


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
    return section("4. Pengukuran kinerja", standard + components + bands_table(settings), "pengukuran")


TOC = (
    ("ikhtisar", "1. Ikhtisar"), ("identitas", "2. Identitas indikator"),
    ("makna", "3. Makna, alasan pemilihan dan cara perhitungan"), ("pengukuran", "4. Pengukuran kinerja"),
    ("perbandingan", "5. Perbandingan"), ("sebaran", "6. Sebaran"), ("analisis", "7. Analisis"),
    ("efisiensi", "8. Efisiensi"), ("sensitivitas", "9. Sensitivitas"), ("kualitas", "10. Kualitas data"),
    ("metodologi", "11. Metodologi dan asumsi"),
)


def table_of_contents() -> Html:
    """Return the table of contents (links to the sections of this page)."""
    items = "".join(f'<li><a href="#{anchor}">{esc(title)}</a></li>' for anchor, title in TOC)
    return Html(f'<nav class="toc" aria-label="Daftar isi"><h2>Daftar isi</h2><ol>{items}</ol></nav>')


def methodology_section(settings: Settings, year: int, history_years: list[int]) -> Html:
    """Return the methods and assumptions behind every figure of the report."""
    iku = settings.iku
    target = iku.target_for(year)
    items = [
        "Sumber data: register x1–x4 yang dikirim bidang (berkas di <code>data/raw/{0}/</code>, tanpa diubah) "
        "dan, bila ada, berkas rekap berisi angka total.".format(year),
        "Satu baris register = satu orang/unit. Orang yang sama dalam satu komponen dikenali dari NIK 16 angka, "
        "atau dari nama dan kelurahan bila NIK tidak sah; barisnya digabung dan dihitung ditangani bila salah satu "
        "barisnya berstatus ya.",
        "Status kosong dihitung belum ditangani; baris bertanggal di luar tahun laporan tidak dihitung; baris kosong "
        "dan baris jumlah/total dilewati. Semuanya tercatat di log kualitas data.",
        "x<sub>i</sub> = pembilang ÷ penyebut × 100; IKU = rata-rata komponen yang dihitung. " + esc(POLICY_TEXT[iku.policies.no_case_component]),
        "Capaian = realisasi ÷ target × 100 (indikator positif), tidak dibatasi 100%; kategori menurut rentang "
        "Permendagri 86/2017 (batas bawah termasuk).",
        "Semua angka dihitung tanpa pembulatan; laporan menampilkan dua desimal (pembulatan setengah ke atas).",
        f"Target TA {year}: {format_percent(target.value, 0)} — {esc(target.source)}.",
        f"Target akhir Renstra: {esc(iku.renstra.source)}",
        "Perbandingan antartahun memakai register tahun-tahun sebelumnya yang ada di folder data mentah"
        + (f" ({', '.join(str(y) for y in history_years)})." if history_years else " (tidak ada)."),
        "Privasi: NIK dan nama tidak pernah keluar dari <code>data/raw</code>; data bersih memakai kode kasus "
        "hasil hash berkunci, dan laporan hanya memuat angka agregat.",
        "Pengendalian pengungkapan: " + esc(describe_rule(iku.policies.disclosure_k)) + " Angka utama (IKU, "
        "komponen, komponen × kecamatan) tidak disembunyikan.",
    ]
    body = "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    return section("11. Metodologi dan asumsi", body, "metodologi")


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
    return section("10. Kualitas data", cleaning_table(summary["components"]) + reasons + files + body, "kualitas")


# --- 5. Perbandingan ----------------------------------------------------------------------

def comparison_section(result: IndicatorResult, history: list, settings: Settings, chart_svg: str = "") -> Html:
    """Return the comparisons: with earlier years, with the Renstra target, with the SPM."""
    year = result.year
    rows, previous = [], None
    for outcome in [*history, None]:
        current = result if outcome is None else outcome.result
        label = str(year if outcome is None else outcome.year)
        if current is None:
            rows.append((label, "–", "–", "–", "–", "–", outcome.problem))
            continue
        change = "–" if previous is None or current.value is None else format_points(current.value - previous)
        rows.append((label, format_percent(current.target), format_percent(current.value),
                     format_percent(current.achievement), current.category or "–", change, ""))
        previous = current.value
    over_time = table(["Tahun", "Target", "Realisasi", "Capaian", "Kategori", "Perubahan", "Catatan"], rows,
                      numeric=(1, 2, 3, 5), caption="(a) Realisasi dan capaian antartahun")
    component_rows = []
    for outcome in [*history, None]:
        current = result if outcome is None else outcome.result
        if current is not None:
            component_rows.append((current.year, *[format_percent(c.percent) for c in current.components]))
    components = table(["Tahun", "x1", "x2", "x3", "x4"], component_rows, numeric=(1, 2, 3, 4),
                       caption="Komponen antartahun (%)")
    if not history:
        intro = (f"<p>Tidak ada data tahun sebelum {year} di folder data mentah, sehingga perbandingan "
                 "antartahun belum dapat dibuat. Tambahkan folder tahun sebelumnya (mis. "
                 f"<code>data/raw/{year - 1}/</code>) untuk menampilkannya.</p>")
        body = intro + over_time
    else:
        body = over_time + components + chart_svg
    body += renstra_paragraph(result, settings) + spm_table(result, settings)
    return section("5. Perbandingan", body, "perbandingan")


def renstra_paragraph(result: IndicatorResult, settings: Settings) -> str:
    """Return (b): realisasi against the target for the end of the Renstra period."""
    renstra = settings.iku.renstra
    if result.value is None:
        return ""
    remaining = renstra.end_target - result.value
    share = result.value / renstra.end_target * 100
    within = renstra.period_start <= result.year <= renstra.period_end
    years_left = renstra.period_end - result.year
    text = (
        f"<h3>(b) Terhadap target akhir Renstra</h3><p>Target akhir periode {esc(renstra.document)} "
        f"(tahun {renstra.period_end}) adalah {format_percent(renstra.end_target)}. Realisasi TA {result.year} "
        f"{format_percent(result.value)} sama dengan {format_percent(share)} dari target akhir itu"
    )
    if remaining > 0:
        text += f"; masih kurang {format_points(remaining).lstrip('+')} yang harus dicapai"
        text += f" dalam {years_left} tahun tersisa." if within and years_left > 0 else "."
    else:
        text += ": target akhir periode sudah tercapai."
    if not within:
        text += f" TA {result.year} berada di luar periode Renstra ini ({renstra.period_start}–{renstra.period_end})."
    return text + f' <span class="muted">Sumber: {esc(renstra.source)}</span></p>'


def spm_table(result: IndicatorResult, settings: Settings) -> str:
    """Return (c): the SPM components against the national standard."""
    standard = settings.iku.national_standard
    rows = []
    for component in result.components:
        if component.id in standard.components:
            gap = None if component.percent is None else component.percent - standard.value
            rows.append((component.id, component.label, format_percent(component.percent),
                         format_percent(standard.value), format_points(gap) if gap is not None else "tidak ada kasus"))
    return (
        f"<h3>(c) Terhadap standar nasional</h3><p>{esc(standard.name)} ({esc(standard.basis)}) menuntut "
        f"{format_percent(standard.value, 0)} penerima layanan dasar terlayani. Komponen yang sejalan dengan SPM:</p>"
        + table(["Komponen", "Uraian", "Realisasi", "Standar SPM", "Selisih"], rows, numeric=(2, 3, 4))
    )


# --- 6. Sebaran ---------------------------------------------------------------------------

def place_table(by_place, by: str, title: str) -> Html:
    """Return a pivot: one row per place, one column per component, "pct (n/N)"."""
    places = sorted(by_place[by].unique())
    components = sorted(by_place["component"].unique())
    cells = {(r.component, getattr(r, by)): r for r in by_place.itertuples(index=False)}
    rows = []
    for place in places:
        row = [place]
        for component in components:
            r = cells.get((component, place))
            row.append("–" if r is None else f"{format_percent(r.percent)} ({format_number(r.numerator)}/"
                                                 f"{format_number(r.denominator)})")
        rows.append(row)
    return table([by.capitalize(), *components], rows, numeric=tuple(range(1, len(components) + 1)), caption=title)


def jenis_tables(by_jenis, settings: Settings) -> str:
    """Return one table per component: jenis, cases, handled, percent, not handled."""
    parts = []
    for component in settings.iku.components:
        own = by_jenis[by_jenis["component"] == component.id].sort_values(["denominator", "jenis"], ascending=[False, True])
        if own.empty:
            continue
        rows = [(r.jenis, format_number(r.denominator), format_number(r.numerator), format_percent(r.percent),
                 format_number(r.not_handled)) for r in own.itertuples(index=False)]
        parts.append(table(["Jenis", "Sasaran", "Realisasi", "Persen", "Belum ditangani"], rows,
                           numeric=(1, 2, 3, 4), caption=f"{component.id} menurut jenis"))
    return "".join(parts)


def kelurahan_tables(suppressed, settings: Settings) -> str:
    """Return the kelurahan breakdown as one table (a column per component), small counts hidden.

    Each cell reads "realisasi/sasaran (persen)". One compact table fits an A4 page, so it
    is never cut across pages.

    Args:
        suppressed: :class:`ikuanalysis.disclosure.SuppressedTable` of
            ``analysis.breakdown_cases(cases, ["kecamatan", "kelurahan"])``.
        settings: The configuration (component order).
    """
    published = suppressed.table
    components = [c.id for c in settings.iku.components if (published["component"] == c.id).any()]
    cells = {
        (r.component, r.kecamatan, r.kelurahan): f"{r.numerator_text}/{r.denominator_text}"
        + ("" if r.percent_text == "–" else f" ({r.percent_text})")
        for r in published.itertuples(index=False)
    }
    places = sorted({(r.kecamatan, r.kelurahan) for r in published.itertuples(index=False)})
    rows = [(kecamatan, kelurahan, *[cells.get((c, kecamatan, kelurahan), "") for c in components])
            for kecamatan, kelurahan in places]
    body = table(["Kecamatan", "Kelurahan", *components], rows, numeric=tuple(range(2, 2 + len(components))),
                 caption="Realisasi/sasaran (persen) menurut kelurahan", css_class="data compact")
    note = f'<p class="muted">{esc(suppressed.note)}</p>' if suppressed.note else ""
    return body + note


def quarter_label(year: int, upto: int) -> str:
    """Return "TA 2025" for a full year, "s.d. Triwulan III TA 2025" for a year in progress."""
    names = ("I", "II", "III", "IV")
    return f"TA {year}" if upto == 4 else f"s.d. Triwulan {names[upto - 1]} TA {year}"


def quarter_table(progress, year: int, upto: int) -> Html:
    """Return the cumulative percentage handled per component at the end of each triwulan."""
    names = ("I", "II", "III", "IV")
    components = sorted(progress["component"].unique())
    rows = []
    for q in range(1, upto + 1):
        own = progress[progress["quarter"] == q].set_index("component")
        rows.append((f"Triwulan {names[q - 1]}", *[
            f"{format_percent(own.loc[c, 'percent'])} ({format_number(own.loc[c, 'handled_cumulative'])})"
            if c in own.index else "–" for c in components]))
    return table(["Akhir", *components], rows, numeric=tuple(range(1, len(components) + 1)),
                 caption=f"Kemajuan kumulatif penanganan, {quarter_label(year, upto)}")


def distribution_section(by_kecamatan, by_jenis, progress, year: int, upto: int, settings: Settings,
                         rekap_components: list[str], charts_html: dict[str, str], by_kelurahan=None) -> Html:
    """Return the distribution by kecamatan, by jenis and over the triwulan."""
    note = ""
    if rekap_components:
        note = (f"<p class=\"muted\">{', '.join(rekap_components)} berasal dari rekap (hanya angka total), "
                "sehingga tidak memiliki rincian jenis dan tanggal.</p>")
    body = (
        "<h3>(a) Menurut kecamatan</h3>" + place_table(by_kecamatan, "kecamatan", "Persentase ditangani (ditangani/sasaran)")
        + charts_html.get("kecamatan", "")
        + "<h3>(b) Menurut jenis PPKS/PSKS/bencana</h3>" + jenis_tables(by_jenis, settings)
        + f"<h3>(c) Menurut triwulan ({quarter_label(year, upto)})</h3>"
        + ("<p>Tahun ini belum dimulai.</p>" if upto == 0 else
           "<p>Persentase kumulatif kasus yang sudah ditangani (menurut tanggal kasus) terhadap seluruh kasus "
           "tahun itu; kasus tanpa tanggal dihitung pada Triwulan IV.</p>"
           + quarter_table(progress, year, upto) + charts_html.get("quarters", ""))
        + (("<h3>(d) Menurut kelurahan</h3>" + kelurahan_tables(by_kelurahan, settings)) if by_kelurahan is not None else "")
        + note
    )
    return section("6. Sebaran", body, "sebaran")


# --- 7. Analisis --------------------------------------------------------------------------

def analysis_sentences(result: IndicatorResult, previous: IndicatorResult | None, furthest, gaps) -> list[str]:
    """Return the generated sentences of the analysis (every figure from the arguments)."""
    sentences = []
    computable = [c for c in result.components if c.percent is not None]
    if computable:
        order = sorted(computable, key=lambda c: c.percent)
        listing = "; ".join(f"{c.id} {format_percent(c.percent)} ({format_points(c.percent - result.target).lstrip('+')} "
                            f"dari target)" for c in order)
        sentences.append(f"Urutan komponen dari yang terjauh dari target: {listing}.")
    if not furthest.empty:
        parts = [f"{r.component}: {esc(r.kecamatan)} ({format_percent(r.percent)}, {format_number(r.not_handled)} "
                 "belum ditangani)" for r in furthest.itertuples(index=False)]
        sentences.append("Kecamatan terjauh dari target pada tiap komponen adalah " + "; ".join(parts) + ".")
    if previous is None or previous.value is None or result.value is None:
        sentences.append("Perubahan dari tahun sebelumnya tidak dapat dihitung karena data tahun sebelumnya tidak tersedia.")
    else:
        delta = result.value - previous.value
        verb = "naik" if delta > 0 else ("turun" if delta < 0 else "tetap")
        amount = f" {format_points(abs(delta)).lstrip('+')}" if delta else ""
        sentences.append(f"Dibanding TA {previous.year} ({format_percent(previous.value)}), realisasi {verb}{amount} "
                         f"menjadi {format_percent(result.value)}.")
    shares = [g for g in gaps if g.share_percent is not None]
    if shares:
        total = result.target - result.value
        parts = [f"{g.component} {format_points(g.gap_points).lstrip('+')} ({format_percent(g.share_percent, 1)})"
                 for g in sorted(shares, key=lambda g: -g.gap_points)]
        sentences.append(f"Selisih {format_points(total).lstrip('+')} terhadap target terbagi menurut komponen: "
                         + ", ".join(parts) + ". Karena IKU adalah rata-rata, setiap komponen menurunkan IKU "
                         "sebesar (target − nilainya) ÷ n.")
    elif result.value is not None:
        sentences.append("Realisasi sudah mencapai atau melampaui target: tidak ada selisih yang perlu dijelaskan.")
    return sentences


def notes_html(notes: dict[str, str], year: int) -> str:
    """Return the evaluator's notes under the four headings, or what belongs there."""
    import mistune

    markdown = mistune.create_markdown(escape=True)  # the notes are text, never markup
    parts = []
    if notes.get("intro"):
        parts.append(f'<div class="muted">{markdown(notes["intro"])}</div>')
    hints = {
        "Penyebab keberhasilan": "faktor yang mendorong capaian (kebijakan, kegiatan, kerja sama).",
        "Penyebab kegagalan": "hambatan yang membuat komponen atau kecamatan tertinggal.",
        "Solusi": "langkah yang sudah dan akan diambil untuk menutup selisih.",
        "Program pendukung": "program dan kegiatan yang menunjang capaian indikator ini.",
    }
    for heading, hint in hints.items():
        text = notes.get(heading, "").strip()
        body = markdown(text) if text else (
            f'<p class="placeholder">Belum diisi. Tuliskan {esc(hint)} di <code>data/raw/{year}/catatan.md</code> '
            f"di bawah judul <code>## {esc(heading)}</code>.</p>")
        parts.append(f"<h4>{esc(heading)}</h4>{body}")
    return "".join(parts)


def analysis_section(sentences: list[str], notes: dict[str, str], year: int) -> Html:
    """Return the analysis: generated sentences, then the evaluator's own text."""
    body = ("<h3>Analisis otomatis</h3><ul>" + "".join(f"<li>{s}</li>" for s in sentences) + "</ul>"
            + "<h3>Catatan evaluator</h3>" + notes_html(notes, year))
    return section("7. Analisis", body, "analisis")


# --- 8. Efisiensi -------------------------------------------------------------------------

def efficiency_section(budget, totals: dict | None, result: IndicatorResult) -> Html:
    """Return budget realisation per program and capaian kinerja ÷ realisasi anggaran."""
    if budget is None:
        body = (f"<p>Belum ada data anggaran. Tambahkan <code>data/raw/{result.year}/anggaran.csv</code> berkolom "
                "<code>program,pagu,realisasi</code> (rupiah) untuk menilai efisiensi penggunaan sumber daya.</p>")
        return section("8. Efisiensi", body, "efisiensi")
    rows = [(r.program, format_rupiah(r.pagu), format_rupiah(r.realisasi), format_percent(r.percent))
            for r in budget.itertuples(index=False)]
    rows.append((Html("<strong>Jumlah</strong>"), format_rupiah(totals["pagu"]), format_rupiah(totals["realisasi"]),
                 format_percent(totals["percent"])))
    body = table(["Program", "Pagu", "Realisasi", "Realisasi (%)"], rows, numeric=(1, 2, 3),
                 caption=f"Realisasi anggaran TA {result.year}")
    if totals["efficiency"] is not None:
        ratio = totals["efficiency"]
        verdict = ("lebih tinggi daripada" if ratio > 1.005 else "lebih rendah daripada" if ratio < 0.995 else "seimbang dengan")
        body += (f"<p>Capaian kinerja {format_percent(result.achievement)} dicapai dengan realisasi anggaran "
                 f"{format_percent(totals['percent'])}: rasio efisiensi (capaian kinerja ÷ realisasi anggaran) "
                 f"{format_number(ratio, 2)}, artinya capaian kinerja {verdict} penyerapan anggaran.</p>")
    return section("8. Efisiensi", body, "efisiensi")


# --- 9. Sensitivitas ----------------------------------------------------------------------

def sensitivity_section(scenarios, result: IndicatorResult) -> Html:
    """Return the IKU under alternative calculations and whether the kategori changes."""
    rows = [(s.label, format_percent(s.value), format_percent(s.achievement), s.category or "–") for s in scenarios]
    changed = [s for s in scenarios if s.category and s.category != result.category]
    verdict = ("Kategori sama pada semua cara perhitungan." if not changed else
               "Kategori berbeda pada: " + "; ".join(f"{s.label.lower()} ({s.category})" for s in changed)
               + ". Nilai resmi tetap mengikuti kebijakan di atas.")
    body = (table(["Cara perhitungan", "Nilai", "Capaian", "Kategori"], rows, numeric=(1, 2),
                  caption="Nilai IKU menurut cara perhitungan lain")
            + f"<p>Kebijakan yang dipakai laporan ini: <strong>{esc(POLICY_TEXT[result.policy])}</strong> {esc(verdict)}</p>")
    return section("9. Sensitivitas", body, "sensitivitas")
