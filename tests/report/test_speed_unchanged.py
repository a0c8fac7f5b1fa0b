"""The speed work changed no output: the sample year's report reads and computes as before.

``tests/fixtures/golden/sample_2025.{txt,json}`` were captured from commit 1b5b3e6, the last
commit before the speed work of issue 12, by building the committed sample data
(``data/raw``, 2021–2025) with the reference date 1 December 2026. The visible text of the
HTML (dates of the register files masked) and the JSON must be the same now, except for what
contract v2 added since (``quality_gates`` in the JSON, empty for the sample). (Since contract v2
§1.3 the sample writes a NIK ending in 0 as text, not as a number cell: the sizes and hashes of
the two 2025 workbooks that changed were updated, nothing else.) Contract v2 §1.4 and §3 added the
counting unit: the JSON's ``unit`` per component (``person`` for every sample component) and
``comparable_with_previous`` (true: the sample's 2024 has the same components, counted per person);
the text gained the "Dihitung per" column of the components table (``orang/unit`` for each), the
methodology's "Setiap komponen dihitung per orang/unit: …" and "NIK, No. KK dan nama" in its privacy
line (the golden text was updated with exactly these lines). Since the sample's 2025
registers are in real layouts (the Model B.1.1 PSM form, the Magetan lansia template, the DTKS pipe
export with its sumber.yml), the text was re-captured from that data; the JSON did not change.
The catalogue's meaning of ``group_row`` (quoted in the data-quality section) was widened with
contract §1.4's lone counts and dates: that one line was updated. A sumber.yml ``jenis`` is listed
as applying "(bila tanpa kolom jenis)" (contract §1.3): the two lines naming it were updated.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ikuanalysis import paths
from ikuanalysis.publish.build import ReportPaths, build_report
from tests.report.golden import GOLDEN_DIR, visible_text
from tests.report.test_golden_text import _diff

AS_OF = dt.date(2026, 12, 1)


@pytest.mark.e2e
def test_sample_2025_html_text_and_json_are_those_before_the_speed_work(tmp_path, monkeypatch):
    monkeypatch.setenv("IKUANALYSIS_NIK_KEY", "golden")
    where = ReportPaths(raw_root=paths.PROJECT_ROOT / "data" / "raw", processed_root=tmp_path / "processed",
                        output_root=tmp_path / "outputs", config_dir=paths.CONFIG_DIR)
    folder = build_report(2025, where, progress=lambda _line: None, as_of=AS_OF)
    expected = (GOLDEN_DIR / "sample_2025.txt").read_text(encoding="utf-8")
    actual = visible_text((folder / "iku_2025.html").read_text(encoding="utf-8"))
    assert actual == expected, _diff(expected, actual)
    data = json.loads((folder / "iku_2025.json").read_text(encoding="utf-8"))
    assert data.pop("quality_gates") == []  # contract v2 §1.8: no gate breached by the sample
    assert data.pop("comparable_with_previous") is True  # contract v2 §3: 2024 has the same components and units
    assert [c.pop("unit") for c in data["components"]] == ["person"] * 4  # contract v2 §1.4: counted per person
    assert data == json.loads((GOLDEN_DIR / "sample_2025.json").read_text(encoding="utf-8"))
