"""The sections of the report, in the order of an LKjIP BAB III analysis.

Each function computes the figures of one section, formats them and renders the section's
template (``report/templates/narasi/``, overridable under ``config/narasi/``); the wording
lives in the templates. ``03_report`` displays the sections one per cell.
"""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup

from ikuanalysis import __version__
from ikuanalysis.config import ConfigError, Settings
from ikuanalysis.disclosure import HIDDEN, PERCENT_HIDDEN
from ikuanalysis.formatting import format_date, format_number, format_percent, format_points, format_rupiah
from ikuanalysis.indicator import analysis
from ikuanalysis.indicator.compute import IndicatorResult
from ikuanalysis.ingest.problems import load_catalogue
from ikuanalysis.report.html import QUARTERS, Html
from ikuanalysis.report.narrative import describe_result, meaning, not_handled_text, result_context, split_items
from ikuanalysis.report.render import default_settings, render_macro, render_section, render_text

MACROS = "_macros.html.j2"


def _render(name: str, settings: Settings | None, **context) -> Html:
    settings = settings or default_settings()
    return render_section(name, context, settings.config_dir)


def _org(settings: Settings) -> dict:
    return settings.iku.organization.model_dump()


def sample_banner(is_sample: bool, settings: Settings | None = None) -> Html:
    """Return the warning shown on the first screen when the data are the synthetic sample."""
    settings = settings or default_settings()
    return _render("banner.html.j2", settings, organization=_org(settings)) if is_sample else Html("")


GATE_LABELS = {"di_luar_tahun": "bertanggal di luar tahun laporan (tidak dihitung)",
               "status_kosong": "berstatus kosong (dihitung belum ditangani)"}


def gate_rows(summary: dict) -> list[dict]:
    """Return the accepted quality-gate breaches of a cleaning summary, formatted for the wording."""
    return [{"rule": g["rule"], "label": GATE_LABELS.get(g["rule"], g["rule"]), "component": g["component"],
             "breaching": format_number(g["breaching"]), "rows": format_number(g["rows"]),
             "share": format_percent(g["breaching"] / g["rows"] * 100, 1) if g["rows"] else "–",
             "reason": g["reason"].rstrip(" .")}  # the wording closes the sentence
            for g in summary.get("quality_gates", []) if g.get("accepted")]


def jump_warnings(result: IndicatorResult, previous: IndicatorResult | None, settings: Settings) -> list[dict]:
    """Return the warning-only gates (contract §1.8) against the previous year: ``lonjakan``
    (a denominator below or above the configured multiples of last year's) and ``tanpa_kasus``
    (cases last year, none now), formatted for the wording."""
    if previous is None:
        return []
    jump = settings.iku.quality_gates.lonjakan
    before = {c.id: c.denominator for c in previous.components}
    warnings = []
    for component in result.components:
        last = before.get(component.id, 0)
        if last <= 0:
            continue
        rule = ("tanpa_kasus" if component.denominator == 0 else
                "lonjakan" if not jump.below * last <= component.denominator <= jump.above * last else "")
        if rule:
            warnings.append({"rule": rule, "component": component.id, "now": format_number(component.denominator),
                             "before": format_number(last), "year": previous.year,
                             "direction": "turun" if component.denominator < last else "naik"})
    return warnings


def gate_notice(summary: dict, settings: Settings | None = None, result: IndicatorResult | None = None,
                previous: IndicatorResult | None = None) -> Html:
    """Return the first-screen notice of the quality gates ('' when none): breaches accepted in
    ``sumber.yml`` with their reasons, and the warnings against the previous year."""
    settings = settings or default_settings()
    rows = gate_rows(summary)
    jumps = jump_warnings(result, previous, settings) if result is not None else []
    return _render("gerbang_mutu.html.j2", settings, gates=rows, jumps=jumps) if rows or jumps else Html("")


def title_block(settings: Settings, result: IndicatorResult, is_sample: bool) -> Html:
    """Return the report's title, subtitle and, for sample data, the banner.

    It also sets the printed page's margin boxes: a running header (indicator, TA), "Halaman N
    dari M", and on every page the synthetic-data mark when the data are samples.
    """
    return _render("judul.html.j2", settings, year=result.year, indicator_name=settings.iku.indicator.name,
                   organization=_org(settings), banner=sample_banner(is_sample, settings),
                   running_header=css_string(f"{settings.iku.indicator.name} · TA {result.year}"),
                   sample_mark=css_string("DATA CONTOH (SINTETIS)") if is_sample else "")


def css_string(text: str) -> Markup:
    """Return ``text`` as a quoted CSS string, every character outside plain letters escaped.

    Config text reaches a ``<style>`` element, where HTML escaping does not apply.
    """
    escaped = "".join(ch if ch.isalnum() or ch in " .,·-()/%" else f"\\{ord(ch):x} " for ch in str(text))
    return Markup(f'"{escaped}"')


def summary_section(result: IndicatorResult, settings: Settings | None = None) -> Html:
    """Return the ikhtisar: the key figures and the generated sentences stating the result."""
    paragraphs = Markup("".join(f"<p>{p}</p>" for p in describe_result(result, settings)))
    return _render("ikhtisar.html.j2", settings, year=result.year, value=format_percent(result.value),
                   target=format_percent(result.target), achievement=format_percent(result.achievement),
                   category=result.category or "–", paragraphs=paragraphs)


def executive_summary(result: IndicatorResult, history: list, settings: Settings) -> Html:
    """Return the Ringkasan for the Kepala Dinas: at most five sentences.

    The IKU with its kategori, the trend (against the previous and the first year), the
    weakest component, what the Renstra target still needs and the SPM components below
    standard; every figure from ``result`` and ``history``.
    """
    context = result_context(result, settings)
    spm = _spm(result, settings)
    return _render("ringkasan.html.j2", settings, year=result.year, indicator=result.indicator,
                   value=context["value"], target=context["target"], achievement=context["achievement"],
                   category=context["category"], trend=trend_context(result, history, settings),
                   weakest=context["weakest"], all_full=context["all_full"], renstra=_renstra(result, settings),
                   spm_short=[c["id"] for c in spm["short"]], spm_name="SPM")


def identity_section(settings: Settings, year: int) -> Html:
    """Return the indicator's identity, verbatim from config, and the decree reference."""
    iku = settings.iku
    target = iku.target_for(year)
    return _render("identitas.html.j2", settings, year=year, indicator=iku.indicator.model_dump(),
                   target=format_percent(target.value, 0), target_source=target.source,
                   decree_title=iku.decree.title, decree_date=format_date(iku.decree.date))


def method_section(settings: Settings, policy: str) -> Html:
    """Return makna, alasan pemilihan and cara perhitungan (decree texts and the formula)."""
    iku = settings.iku
    formula = Markup(render_text("rumus.html.j2", {}, settings.config_dir))
    return _render("makna.html.j2", settings, indicator=iku.indicator.model_dump(),
                   components=[c.model_dump() for c in iku.components], policy=policy,
                   n_components=len(iku.components), bands_source=iku.rating_bands_source, formula=formula)


def _bands(settings: Settings) -> list[dict]:
    bands = settings.iku.rating_bands
    return [{"min": None if b.min is None else format_number(b.min),
             "upper": format_number(bands[i - 1].min) if i else None, "label": b.label, "alt_label": b.alt_label}
            for i, b in enumerate(bands)]


def measurement_section(settings: Settings, result: IndicatorResult) -> Html:
    """Return the standard LKjIP table, the components table and the rating bands."""
    components = [{"id": c.id, "label": c.label, "numerator": format_number(c.numerator),
                   "denominator": format_number(c.denominator), "percent": format_percent(c.percent),
                   "included": c.included, "not_handled": format_number(c.not_handled_count),
                   "not_handled_label": meaning(c.id, settings)[1], "computable": c.percent is not None,
                   "counting_unit": c.counting_unit}
                  for c in result.components]
    return _render("pengukuran.html.j2", settings, year=result.year, indicator=settings.iku.indicator.model_dump(),
                   target=format_percent(result.target), value=format_percent(result.value),
                   achievement=format_percent(result.achievement), category=result.category or "–",
                   components=components, bands=_bands(settings))


def table_of_contents(settings: Settings | None = None) -> Html:
    """Return the table of contents (links to the sections of this page)."""
    return _render("daftar_isi.html.j2", settings)


def disclosure_context(k: int) -> dict:
    """Return the values of the disclosure rule for threshold ``k`` (see ``_macros.disclosure_rule``)."""
    return {"k": k, "k_text": format_number(k), "shown": format_number(k + 1), "percent_hidden": PERCENT_HIDDEN,
            "hidden": HIDDEN}


def methodology_section(settings: Settings, year: int, history_years: list[int], summary: dict | None = None) -> Html:
    """Return the methods and assumptions behind every figure of the report.

    ``summary`` (the cleaning summary) names the ``sumber.yml`` entries applied to the files, the
    quality-gate breaches accepted there (contract §1.6), and how each component's cases were counted (``counting_units``; per person in a summary made
    before counting units existed, config's ``counting_unit`` without a summary).
    """
    iku = settings.iku
    target = iku.target_for(year)
    if summary is None:
        units = {c.id: c.counting_unit for c in iku.components}
    else:
        units = summary.get("counting_units") or {c.id: "person" for c in iku.components}
    return _render("metodologi.html.j2", settings, year=year, component_ids=[c.id for c in iku.components],
                   policy=iku.policies.no_case_component, n_components=len(iku.components),
                   direction=iku.indicator.direction, bands_source=iku.rating_bands_source,
                   target=format_percent(target.value, 0), target_source=target.source,
                   renstra_source=iku.renstra.source, history_years=[str(y) for y in history_years],
                   rule=disclosure_context(iku.policies.disclosure_k),
                   sumber_entries=(summary or {}).get("sumber_entries", []), gates=gate_rows(summary or {}),
                   persons=[c.id for c in iku.components if units.get(c.id) != "household"],
                   households=[c.id for c in iku.components if units.get(c.id) == "household"])


def footer(settings: Settings, parameters: dict, generated: dt.datetime | None = None) -> Html:
    """Return the footer: the data's date, version, config folder and parameters.

    Args:
        settings: The configuration.
        parameters: The run's parameters, listed.
        generated: The date of the data (``paths.source_date``: the newest register, or
            ``SOURCE_DATE_EPOCH``), not the time of building, so reruns are identical.
    """
    generated = generated or dt.datetime.now()
    return _render("footer.html.j2", settings, date=format_date(generated.date()), time=f"{generated:%H.%M}",
                   version=__version__, config_name=settings.config_dir.name,
                   parameters=", ".join(f"{k} = {v}" for k, v in parameters.items()))


def _reader_text(arti: str) -> str:
    """Return a catalogue meaning without its cross-references to other codes (Markdown in the guide)."""
    return re.sub(r"\s*\(lihat `[a-z0-9_]+`\)", "", arti).replace("`", "")


# Notes kept in the data-quality log only: one per sheet or column read, not a reason a row changed.
_LOG_ONLY = frozenset({"sheet_skipped", "column_matched"})


def quality_section(summary: dict, settings: Settings | None = None) -> Html:
    """Return the data-quality section: counts per component and per reason, and input files.

    Each reason is named by its meaning (``arti`` in ``config/problems.yml``), not its code.
    """
    settings = settings or default_settings()
    try:
        catalogue = load_catalogue(settings.config_dir).problems
    except ConfigError:  # a configuration folder without problems.yml: the package's meanings
        catalogue = load_catalogue().problems
    counts = [c for c in summary["log_counts"] if c["level"] != "info" or c["code"] not in _LOG_ONLY]
    stats = [{k: (v if k == "component" else format_number(v)) for k, v in s.items()} for s in summary["components"]]
    reasons = [{**c, "count": format_number(c["count"]),
                "meaning": _reader_text(catalogue[c["code"]].arti) if c["code"] in catalogue else c["message"]}
               for c in counts]
    files = [{"file": f["file"], "bytes": format_number(f["bytes"]), "sha256": f["sha256"][:16]}
             for f in summary["inputs"]]
    return _render("kualitas.html.j2", settings, year=summary["year"], stats=stats, reasons=reasons, files=files,
                   gates=gate_rows(summary))


# --- 5. Perbandingan ----------------------------------------------------------------------

def _direction(delta: float | None) -> dict:
    """Return a change as words for ``_macros.change_words``: delta up/down/same/none and amount (points)."""
    if delta is None:
        return {"delta": "none", "amount": ""}
    rounded = round(delta, 2)
    return {"delta": "up" if rounded > 0 else "down" if rounded < 0 else "same",
            "amount": _points(abs(delta)) if rounded else ""}


def change_context(change: analysis.YearChange | None) -> dict | None:
    """Return the formatted figures of one year against an earlier one (see ``analysis.year_change``)."""
    if change is None:
        return None
    return {
        "previous_year": change.previous_year, "year": change.year, "previous": format_percent(change.previous),
        "current": format_percent(change.current), "points": format_points(change.delta),
        **_direction(change.delta), "comparable": change.comparable, "added": list(change.added),
        "dropped": list(change.dropped), "unit_changed": change.unit_changed, "common": list(change.common),
        "counting_changed": [{"id": cid, "before": before, "now": now} for cid, before, now in change.counting_changed],
        "common_previous": format_percent(change.common_previous), "common_current": format_percent(change.common_current),
        "common_points": format_points(change.common_delta), "common_change": _direction(change.common_delta),
        "components": [{"id": c.component, **_direction(c.delta), "previous": format_percent(c.previous),
                        "current": format_percent(c.current), "no_cases_before": c.previous is None,
                        "no_cases_now": c.current is None} for c in change.components],
    }


def trend_context(result: IndicatorResult, history: list, settings: Settings) -> dict | None:
    """Return the formatted trend of the reporting year (``analysis.trend``), or None without earlier years."""
    computed = [o.result for o in history if o.result is not None]
    if not computed or result.value is None:
        return None
    found = analysis.trend([*computed, result], settings.iku.rating_bands)
    return {"year": result.year, "value": format_percent(result.value), "category": result.category,
            "since_first": change_context(found.since_first), "since_previous": change_context(found.since_previous),
            "best": {"year": found.best[0], "value": format_percent(found.best[1])},
            "worst": {"year": found.worst[0], "value": format_percent(found.worst[1])},
            "first_in_category": found.first_in_category, "years": found.years,
            "top_category": result.category == settings.iku.rating_bands[0].label}


def _year_rows(result: IndicatorResult, history: list) -> list[dict]:
    rows, previous = [], None
    for outcome in [*history, None]:
        current = result if outcome is None else outcome.result
        label = str(result.year if outcome is None else outcome.year)
        if current is None:
            rows.append({"label": label, "failed": True, "problem": outcome.problem})
            continue
        change = None if previous is None else change_context(analysis.year_change(previous, current))
        rows.append({"label": label, "failed": False, "target": format_percent(current.target),
                     "value": format_percent(current.value), "achievement": format_percent(current.achievement),
                     "category": current.category or "–", "change": change})
        if current.value is not None:
            previous = current
    return rows


def comparison_section(result: IndicatorResult, history: list, settings: Settings, chart_svg: str = "") -> Html:
    """Return the comparisons: with earlier years, with the Renstra target, with the SPM."""
    computed = [o.result for o in history if o.result is not None] + [result]
    component_years = [(str(r.year), *[format_percent(c.percent) for c in r.components]) for r in computed]
    return _render("perbandingan.html.j2", settings, year=result.year, previous_year=result.year - 1,
                   component_ids=[c.id for c in settings.iku.components], years=_year_rows(result, history),
                   component_years=component_years, has_history=bool(history), chart=Markup(chart_svg),
                   trend=trend_context(result, history, settings),
                   renstra=_renstra(result, settings), spm=_spm(result, settings))


def _renstra(result: IndicatorResult, settings: Settings) -> dict | None:
    """Return (b): realisasi against the target for the end of the Renstra period."""
    renstra = settings.iku.renstra
    if result.value is None:
        return None
    remaining = renstra.end_target - result.value
    years_left = renstra.period_end - result.year
    return {"per_year": _points(remaining / years_left) if remaining > 0 and years_left > 0 else None,"document": renstra.document, "period_start": renstra.period_start, "period_end": renstra.period_end,
            "end_target": format_percent(renstra.end_target), "value": format_percent(result.value),
            "share": format_percent(result.value / renstra.end_target * 100),
            "remaining": format_points(remaining).lstrip("+") if remaining > 0 else None,
            "years_left": years_left, "source": renstra.source,
            "within": renstra.period_start <= result.year <= renstra.period_end}


def _spm(result: IndicatorResult, settings: Settings) -> dict:
    """Return (c): the SPM components against the national standard."""
    standard = settings.iku.national_standard
    rows = [{"id": c.id, "label": c.label, "percent": format_percent(c.percent),
             "standard": format_percent(standard.value),
             "gap": None if c.percent is None else format_points(c.percent - standard.value)}
            for c in result.components if c.id in standard.components]
    own = [c for c in result.components if c.id in standard.components]
    return {"name": standard.name, "basis": standard.basis, "value": format_percent(standard.value, 0), "rows": rows,
            "met": [c.id for c in own if c.percent is not None and c.percent >= standard.value],
            "short": [{"id": c.id, "gap": _points(standard.value - c.percent)}
                      for c in own if c.percent is not None and c.percent < standard.value],
            "no_cases": [c.id for c in own if c.percent is None]}


# --- 6. Sebaran ---------------------------------------------------------------------------

def _counts(percent, numerator, denominator) -> str:
    return f"{format_percent(percent)} ({format_number(numerator)}/{format_number(denominator)})"


def place_pivot(by_place, by: str) -> dict:
    """Return a pivot: one row per place, one column per component, "pct (n/N)"."""
    components = sorted(by_place["component"].unique())
    cells = {(r.component, getattr(r, by)): r for r in by_place.itertuples(index=False)}
    rows = [[place, *["–" if (r := cells.get((c, place))) is None else _counts(r.percent, r.numerator, r.denominator)
                      for c in components]] for place in sorted(by_place[by].unique())]
    return {"components": components, "rows": rows}


def jenis_rows(by_jenis, settings: Settings) -> list[dict]:
    """Return, per component with data, its rows: jenis, cases, handled, percent, not handled."""
    parts = []
    for component in settings.iku.components:
        own = by_jenis[by_jenis["component"] == component.id].sort_values(["denominator", "jenis"],
                                                                          ascending=[False, True])
        if not own.empty:
            parts.append({"component": component.id, "not_handled_header": _capitalized(component.not_handled_label),
                          "rows": [
                (r.jenis, format_number(r.denominator), format_number(r.numerator), format_percent(r.percent),
                 format_number(r.not_handled)) for r in own.itertuples(index=False)]})
    return parts


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def jenis_tables(by_jenis, settings: Settings) -> Html:
    """Return one table per component: jenis, cases, handled, percent, not handled."""
    return render_macro(MACROS, "jenis_tables", settings.config_dir, jenis_rows(by_jenis, settings))


def kelurahan_pivot(suppressed, settings: Settings) -> dict:
    """Return the kelurahan breakdown, a column per component, each cell "realisasi/sasaran (persen)".

    Args:
        suppressed: :class:`ikuanalysis.disclosure.SuppressedTable` of
            ``analysis.breakdown_cases(cases, ["kecamatan", "kelurahan"])`` (small counts hidden).
        settings: The configuration (component order).
    """
    published = suppressed.table
    components = [c.id for c in settings.iku.components if (published["component"] == c.id).any()]
    cells = {(r.component, r.kecamatan, r.kelurahan): f"{r.numerator_text}/{r.denominator_text}"
             + ("" if r.percent_text == "–" else f" ({r.percent_text})") for r in published.itertuples(index=False)}
    places = sorted({(r.kecamatan, r.kelurahan) for r in published.itertuples(index=False)})
    rows = [(kec, kel, *[cells.get((c, kec, kel), "") for c in components]) for kec, kel in places]
    return {"components": components, "rows": rows, "suppressed": bool(suppressed.any_suppressed),
            "rule": disclosure_context(suppressed.k)}


def quarter_label(year: int, upto: int, settings: Settings | None = None) -> str:
    """Return "TA 2025" for a full year, "s.d. Triwulan III TA 2025" for a year in progress."""
    settings = settings or default_settings()
    return str(render_macro(MACROS, "quarter_label", settings.config_dir, year, upto, QUARTERS))


UNDATED = "tanpa tanggal"  # a triwulan of a component whose register has no dates


def _quarter_cell(row) -> str:
    if "dated" in row.index and not row["dated"] and row["quarter"] < 4:
        return UNDATED
    return f"{format_percent(row['percent'])} ({format_number(row['handled_cumulative'])})"


def quarter_pivot(progress, upto: int) -> dict:
    """Return the cumulative percentage handled per component at the end of each triwulan.

    A component whose register has no dates shows "tanpa tanggal" before triwulan IV
    (its cases count from triwulan IV), not 0%.
    """
    components = sorted(progress["component"].unique())
    rows = []
    for q in range(1, upto + 1):
        own = progress[progress["quarter"] == q].set_index("component", drop=False)
        rows.append([QUARTERS[q - 1], *[_quarter_cell(own.loc[c]) if c in own.index else "–" for c in components]])
    return {"components": components, "rows": rows, "undated": sorted(
        progress.loc[~progress["dated"].astype(bool), "component"].unique()) if "dated" in progress else []}


def distribution_section(by_kecamatan, by_jenis, progress, year: int, upto: int, settings: Settings,
                         rekap_components: list[str], charts_html: dict[str, str], by_kelurahan=None) -> Html:
    """Return the distribution by kecamatan, by jenis, over the triwulan and by kelurahan."""
    charts = {key: Markup(charts_html.get(key, "")) for key in ("kecamatan", "quarters")}
    return _render("sebaran.html.j2", settings, period=quarter_label(year, upto, settings), started=upto > 0,
                   kecamatan=place_pivot(by_kecamatan, "kecamatan"), jenis=jenis_rows(by_jenis, settings),
                   quarters=quarter_pivot(progress, upto) if upto else None,
                   kelurahan=kelurahan_pivot(by_kelurahan, settings) if by_kelurahan is not None else None,
                   rekap_components=list(rekap_components), charts=charts)


# --- 7. Analisis --------------------------------------------------------------------------

def _points(value: float) -> str:
    return format_points(value).lstrip("+")


def analysis_context(result: IndicatorResult, previous: IndicatorResult | None, furthest, gaps,
                     settings: Settings | None = None) -> dict:
    """Return the formatted figures the analysis sentences speak of."""
    settings = settings or default_settings()
    computable = sorted((c for c in result.components if c.percent is not None), key=lambda c: c.percent)
    shares = sorted((g for g in gaps if g.share_percent is not None), key=lambda g: -g.gap_points)
    comparable = previous is not None and previous.value is not None and result.value is not None
    delta = result.value - previous.value if comparable else 0
    return {
        "order": [{"id": c.id, "percent": format_percent(c.percent), "gap": _points(c.percent - result.target)}
                  for c in computable],
        "furthest": [{"component": r.component, "kecamatan": r.kecamatan, "percent": format_percent(r.percent),
                      "not_handled": format_number(r.not_handled),
                      "not_handled_text": not_handled_text(r.not_handled, r.component, settings)}
                     for r in furthest.itertuples(index=False)],
        "previous": {"year": previous.year, "value": format_percent(previous.value)} if comparable else None,
        "comparison": change_context(analysis.year_change(previous, result)) if comparable else None,
        "change": {"delta": "up" if delta > 0 else "down" if delta < 0 else "same",
                   "amount": _points(abs(delta)) if delta else ""},
        "value": format_percent(result.value),
        "shares": [{"component": g.component, "gap": _points(g.gap_points), "share": format_percent(g.share_percent, 1)}
                   for g in shares],
        "total_gap": _points(result.target - result.value) if shares else "",
        "reached": result.value is not None,
    }


def analysis_sentences(result: IndicatorResult, previous: IndicatorResult | None, furthest, gaps,
                       settings: Settings | None = None) -> list[str]:
    """Return the generated sentences of the analysis (HTML; every figure from the arguments)."""
    settings = settings or default_settings()
    html = render_text("analisis_kalimat.html.j2", analysis_context(result, previous, furthest, gaps, settings),
                       settings.config_dir)
    return split_items(html, "li")


def _notes_context(notes: dict[str, str], year: int) -> dict:
    import mistune

    markdown = mistune.create_markdown(escape=True)  # the notes are text, never markup
    headings = ("Penyebab keberhasilan", "Penyebab kegagalan", "Solusi", "Program pendukung")
    own = {h: Markup(markdown(notes[h].strip())) if notes.get(h, "").strip() else "" for h in headings}
    return {"year": year, "intro": Markup(markdown(notes["intro"])) if notes.get("intro") else "", "notes": own}


def notes_html(notes: dict[str, str], year: int, settings: Settings | None = None) -> Html:
    """Return the evaluator's notes (Markdown, escaped) under the four headings, or what belongs there."""
    return _render("catatan.html.j2", settings, **_notes_context(notes, year))


def analysis_section(sentences: list[str], notes: dict[str, str], year: int, settings: Settings | None = None) -> Html:
    """Return the analysis: generated sentences, then the evaluator's own text."""
    return _render("analisis.html.j2", settings, sentences=[Markup(s) for s in sentences],
                   **_notes_context(notes, year))


# --- 8. Efisiensi -------------------------------------------------------------------------

def _verdict(ratio: float, settings: Settings) -> str:
    bands = settings.iku.efficiency
    return "higher" if ratio > bands.balanced_max else "lower" if ratio < bands.balanced_min else "balanced"


def efficiency_section(budget, totals: dict | None, result: IndicatorResult, settings: Settings | None = None) -> Html:
    """Return budget realisation per program and capaian kinerja ÷ realisasi anggaran.

    With ``efficiency`` in ``budget`` (programmes linked to components by the ``komponen``
    column of ``anggaran.csv``), also each linked programme's component, capaian and ratio.
    """
    settings = settings or default_settings()
    context = {"year": result.year, "budget": None, "achievement": format_percent(result.achievement),
               "ratio": None, "verdict": "", "programmes": []}
    if budget is not None:
        context["budget"] = {
            "rows": [(r.program, format_rupiah(r.pagu), format_rupiah(r.realisasi), format_percent(r.percent))
                     for r in budget.itertuples(index=False)],
            "total": {"pagu": format_rupiah(totals["pagu"]), "realisasi": format_rupiah(totals["realisasi"]),
                      "percent": format_percent(totals["percent"])}}
        if "efficiency" in budget:
            context["programmes"] = [
                {"program": r.program, "component": r.komponen, "spent": format_percent(r.percent),
                 "achievement": None if r.achievement != r.achievement else format_percent(r.achievement),
                 "ratio": None if r.efficiency != r.efficiency else format_number(r.efficiency, 2),
                 "verdict": "" if r.efficiency != r.efficiency else _verdict(r.efficiency, settings)}
                for r in budget.itertuples(index=False) if r.komponen]
        ratio = totals["efficiency"]
        if ratio is not None:
            context["ratio"] = format_number(ratio, 2)
            context["verdict"] = _verdict(ratio, settings)
    return _render("efisiensi.html.j2", settings, **context)


# --- 9. Sensitivitas ----------------------------------------------------------------------

def sensitivity_groups(scenarios) -> list[dict]:
    """Return the scenarios lettered A, B, … and grouped where their formatted figures coincide.

    Each group: ``letters``, ``keys`` (the ways, see ``analysis.Scenario``), ``value``,
    ``achievement``, ``category``; in the order of the first scenario of each group.
    """
    groups: dict[tuple, dict] = {}
    for index, s in enumerate(scenarios):
        figures = (format_percent(s.value), format_percent(s.achievement), s.category or "–")
        group = groups.setdefault(figures, {"letters": [], "keys": [], "value": figures[0],
                                            "achievement": figures[1], "category": figures[2]})
        group["letters"].append(chr(ord("A") + index))
        group["keys"].append(s.key)
    return list(groups.values())


def sensitivity_section(scenarios, result: IndicatorResult, settings: Settings | None = None) -> Html:
    """Return the IKU under alternative calculations and whether the kategori changes.

    Calculations giving the same figures share one row and one sentence; when the no-case
    policies coincide, the sentence says why (every component has cases).
    """
    settings = settings or default_settings()
    changed = [{"key": s.key, "category": s.category} for s in scenarios
               if s.category and s.category != result.category]
    return _render("sensitivitas.html.j2", settings, groups=sensitivity_groups(scenarios), changed=changed,
                   policy=result.policy, n_components=len(settings.iku.components),
                   all_have_cases=all(c.percent is not None for c in result.components),
                   policies=list(analysis.POLICIES))
