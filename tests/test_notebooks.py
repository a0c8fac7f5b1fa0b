"""The notebooks stay thin: no stored outputs, no functions or classes, a typed parameters cell."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
PARAMETER_LINE = re.compile(r"^[a-z_]+: (int|str|float|bool) = [^#]+  # \S.*$")


def test_there_is_one_numbered_notebook_per_stage():
    assert [p.stem for p in NOTEBOOKS] == ["01_clean", "02_indicator", "03_report", "04_trend"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs_or_logic(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert not any(re.search(r"^\s*(def|class)\s", "".join(c["source"]), re.M) for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_holds_typed_commented_literals(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    lines = "".join(tagged[0]["source"]).splitlines()
    assert lines and all(PARAMETER_LINE.match(line) for line in lines), lines
    assert lines[0].startswith("year: int = ") or path.stem == "04_trend"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_reads_every_parameter(path):
    import papermill

    names = list(papermill.inspect_notebook(str(path)))
    if path.stem == "04_trend":
        assert names == ["output_root", "raw_root", "work_root", "config_dir"]
    else:
        assert names == ["year", "raw_root", "processed_root", "work_root", "config_dir", "as_of"]
