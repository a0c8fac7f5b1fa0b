"""The report's visible wording is unchanged: it matches the golden capture of the fixture year.

After an intended change of wording, rewrite the golden files with
``python -m tests.report.golden`` and review the diff.
"""

from __future__ import annotations

import difflib
import json

import pytest

from tests.report.golden import GOLDEN_DIR, section_samples, visible_text


def _diff(expected: str, actual: str) -> str:
    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "now"))


@pytest.mark.e2e
def test_fixture_year_html_text_matches_golden(tiny_report):
    # tiny_report is build_fixture_report's build, made once for the run (tests/conftest.py).
    folder = tiny_report.output_root / "2025"
    actual = visible_text((folder / "iku_2025.html").read_text(encoding="utf-8"))
    expected = (GOLDEN_DIR / "iku_2025.txt").read_text(encoding="utf-8")
    assert actual == expected, _diff(expected, actual)
    data = json.loads((folder / "iku_2025.json").read_text(encoding="utf-8"))
    assert data == json.loads((GOLDEN_DIR / "iku_2025.json").read_text(encoding="utf-8"))


def test_section_states_text_matches_golden(settings):
    expected = json.loads((GOLDEN_DIR / "sections.json").read_text(encoding="utf-8"))
    actual = {name: visible_text(html) for name, html in section_samples(settings).items()}
    assert actual.keys() == expected.keys()
    for name in expected:
        assert actual[name] == expected[name], f"{name}:\n" + _diff(expected[name], actual[name])
