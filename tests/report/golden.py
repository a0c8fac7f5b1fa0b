"""Golden capture of the report's wording: the visible text of the fixture year's HTML and
of the section functions in states the fixture year does not reach.

Run ``python -m tests.report.golden`` to (re)write ``tests/fixtures/golden/`` — only when a
change of wording is intended.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "golden"
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "tr", "td", "th", "div", "caption", "section", "header",
              "footer", "blockquote", "ul", "ol", "nav", "table", "figure", "figcaption", "details", "summary",
              "pre", "math", "br"}
SKIPPED_TAGS = {"style", "script", "svg", "head", "title"}
GENERATED_AT = re.compile(r"berkas register per [^.]*? pukul \d\d\.\d\d")  # the fixture files are written at test time


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skip += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data.replace("\n", " "))


def visible_text(html: str) -> str:
    """Return the text a reader sees: one line per block, runs of spaces collapsed, no date/time."""
    parser = _Text()
    parser.feed(html)
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return GENERATED_AT.sub("berkas register per <tanggal>", "\n".join(line for line in lines if line)) + "\n"


def build_fixture_report(root: Path, config_dir: Path | None = None) -> Path:
    """Build the hand-counted fixture year's report under ``root`` and return its folder."""
    from ikuanalysis import paths
    from ikuanalysis.publish.build import ReportPaths, build_report
    from tests.fixtures import tiny_year

    tiny_year.write_tiny_year(root / "raw")
    where = ReportPaths(raw_root=root / "raw", processed_root=root / "processed",
                        output_root=root / "outputs", config_dir=config_dir or paths.CONFIG_DIR)
    # A fixed reference date: the text must not change with the day the tests run.
    return build_report(tiny_year.YEAR, where, progress=lambda _line: None, as_of=dt.date(2026, 12, 1))


def _aggregate(**counts) -> pd.DataFrame:
    rows = [(cid, "Pahandut", "J", "register", num, den) for cid, (num, den) in counts.items()]
    return pd.DataFrame(rows, columns=["component", "kecamatan", "jenis", "source", "numerator", "denominator"])


def section_samples(settings) -> dict[str, str]:
    """Return the HTML of section functions in states beyond the fixture year (name -> HTML)."""
    from ikuanalysis.disclosure import describe_rule
    from ikuanalysis.indicator import analysis
    from ikuanalysis.indicator.compute import compute_indicator
    from ikuanalysis.indicator.history import YearOutcome
    from ikuanalysis.publish import index
    from ikuanalysis.report import sections
    from ikuanalysis.report.narrative import describe_result

    iku = settings.iku
    now = compute_indicator(_aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(1, 2)), iku, 2025)
    gap = compute_indicator(_aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), iku, 2025)
    before = compute_indicator(_aggregate(x1=(20, 24), x2=(2, 4), x3=(9, 10), x4=(0, 0)), iku, 2024)
    full = compute_indicator(_aggregate(x1=(24, 24), x2=(4, 4), x3=(10, 10), x4=(0, 0)), iku, 2021)
    empty = compute_indicator(_aggregate(x1=(0, 0), x2=(0, 0), x3=(0, 0), x4=(0, 0)), iku, 2025)
    by_place = analysis.breakdown(_aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), "kecamatan")
    furthest = analysis.furthest_from_target(by_place, 100)
    history = [YearOutcome(2023, before), YearOutcome(2024, None, "register tahun 2024 memuat 2 kesalahan")]
    budget = pd.DataFrame({"program": ["Program A", "Program <B>"], "pagu": [1000.0, 3000.0],
                           "realisasi": [900.0, 2000.0]})
    failed = {2024: {"year": 2024, "status": "gagal", "detail": "x1.csv baris 2 <b>"},
              2025: {"year": 2025, "status": "gagal", "detail": "d"}}
    samples = {
        "summary_now": sections.summary_section(now),
        "summary_empty": sections.summary_section(empty),
        "summary_full": sections.summary_section(full),
        "describe_gap": "".join(f"<p>{p}</p>" for p in describe_result(gap)),
        "comparison_history": sections.comparison_section(gap, history, settings, "<svg></svg>"),
        "comparison_first": sections.comparison_section(full, [], settings),
        "analysis_gap": sections.analysis_section(sections.analysis_sentences(gap, before, furthest,
                                                                              analysis.gap_shares(gap)), {}, 2025),
        "analysis_full": sections.analysis_section(sections.analysis_sentences(full, None, furthest.iloc[0:0],
                                                                               analysis.gap_shares(full)),
                                                   {"intro": "Pengantar", "Solusi": "Verifikasi."}, 2021),
        "sensitivity_now": sections.sensitivity_section(analysis.sensitivity(
            _aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), iku, 2025), gap),
        "summary_policy_full": sections.summary_section(compute_indicator(
            _aggregate(x1=(21, 24), x2=(3, 4), x3=(9, 10), x4=(0, 0)), iku, 2025, policy="full")),
        "method_full": sections.method_section(settings, "full"),
        "method_zero": sections.method_section(settings, "zero"),
        "quarter_label_3": sections.quarter_label(2025, 3),
        "efficiency_none": sections.efficiency_section(None, None, gap),
        "footer_fixed": sections.footer(settings, {"year": 2025}, dt.datetime(2025, 3, 4, 5, 6)),
        "index_title": index.index_title(settings, True),
        "index_title_plain": index.index_title(settings, False),
        "downloads": index.downloads_block(),
        "years_table": index.years_table([2023, 2024, 2025], {2025: now}, failed),
        "years_table_empty": index.years_table([2024], {}, {}),
        "failures": index.failures_block(failed),
        "failures_none": index.failures_block({}),
        "rule_0": describe_rule(0), "rule_1": describe_rule(1), "rule_5": describe_rule(5),
    }
    for ratio_name, achievement in (("high", 95.0), ("low", 50.0), ("even", 65.0)):
        rows, totals = analysis.budget_table(budget, achievement)
        samples[f"efficiency_{ratio_name}"] = sections.efficiency_section(rows, totals, gap)
    return {name: str(html) for name, html in samples.items()}


def write_golden() -> None:
    """Write the golden files from the current code."""
    from ikuanalysis.config import load_settings

    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_fixture_report(Path(tmp))
        html = (folder / "iku_2025.html").read_text(encoding="utf-8")
        (GOLDEN_DIR / "iku_2025.txt").write_text(visible_text(html), encoding="utf-8")
        data = json.loads((folder / "iku_2025.json").read_text(encoding="utf-8"))
        (GOLDEN_DIR / "iku_2025.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                                                  encoding="utf-8")
    samples = {name: visible_text(html) for name, html in section_samples(load_settings()).items()}
    (GOLDEN_DIR / "sections.json").write_text(json.dumps(samples, ensure_ascii=False, indent=1) + "\n",
                                              encoding="utf-8")


if __name__ == "__main__":
    write_golden()
