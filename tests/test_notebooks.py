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


YEAR_NOTEBOOKS = [p for p in NOTEBOOKS if p.stem != "04_trend"]


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("path", YEAR_NOTEBOOKS, ids=lambda p: p.stem)
def test_the_default_year_is_the_latest_found_in_the_derived_values_cell(path):
    cells = _cells(path)
    index = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    assert "".join(cells[index]["source"]).splitlines()[0] == "year: int = 0  # 0: tahun terbaru di data/raw"
    derived = "".join(cells[index + 1]["source"])
    assert "years_found = paths.list_years(raw_root)" in derived and "year = year or years_found[-1]" in derived


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_working_files_go_outside_the_outputs(path):
    import papermill

    default = papermill.inspect_notebook(str(path))["work_root"]["default"].strip("\"'")
    assert default == "data/work"
    ignored = (path.parents[1] / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/data/work/" in ignored


@pytest.mark.e2e
def test_a_notebook_whose_inputs_are_missing_says_which_notebook_to_run_first(tmp_path):
    from ikuanalysis.failures import EXIT_USAGE, UsageFailure
    from ikuanalysis.publish.notebooks import NotebookRunner
    from tests.fixtures.tiny_year import write_tiny_year

    write_tiny_year(tmp_path / "raw")
    parameters = {"raw_root": str(tmp_path / "raw"), "processed_root": str(tmp_path / "processed"),
                  "work_root": str(tmp_path / "work")}
    with NotebookRunner() as runner:
        with pytest.raises(UsageFailure) as caught:
            runner.run("02_indicator", tmp_path / "02.ipynb", parameters)
        assert "Jalankan dulu notebook 01_clean untuk tahun 2025" in str(caught.value)
        assert caught.value.exit_code == EXIT_USAGE
        (tmp_path / "processed" / "2025").mkdir(parents=True)
        (tmp_path / "processed" / "2025" / "aggregate.parquet").write_text("", encoding="utf-8")
        (tmp_path / "work").mkdir()
        (tmp_path / "work" / "history_problems_2025.json").write_text("{}", encoding="utf-8")
        with pytest.raises(UsageFailure) as caught:
            runner.run("03_report", tmp_path / "03.ipynb", parameters)
        assert "iku_2025.json belum ada" in str(caught.value)
        assert "Jalankan dulu notebook 02_indicator untuk tahun 2025" in str(caught.value)


def test_the_runner_preloads_the_notebooks_imports_without_binding_names():
    from ikuanalysis.publish.notebooks import pipeline_imports

    import threading

    code = pipeline_imports()
    boot, later = code.split("def _ikuanalysis_preload_later():\n")
    assert "    from ikuanalysis.ingest.year import clean_year\n" in boot  # 01_clean's, while the kernel boots
    assert "        from ikuanalysis.report import charts, sections\n" in later  # 03_report's, in a thread
    assert "clean_year" not in later
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the project's own import statements
    assert set(namespace) == {"__builtins__"}
    for thread in threading.enumerate():
        if thread.name == "ikuanalysis-preload":
            thread.join(timeout=60)
    import sys

    assert "ikuanalysis.report.charts" in sys.modules


def test_a_later_notebooks_import_that_fails_in_the_preload_thread_is_left_to_its_notebook(monkeypatch):
    """The thread swallows the error: the notebook that makes the same import reports it, located."""
    import threading

    from ikuanalysis.publish import notebooks

    monkeypatch.setattr(notebooks, "notebook_imports",
                        lambda names: "import json" if names[:1] == ["01_clean"] else "import no_such_module_here")
    uncaught = []
    monkeypatch.setattr(threading, "excepthook", uncaught.append)
    code = notebooks.pipeline_imports()
    assert "        import no_such_module_here\n" in code
    exec(code, {})  # noqa: S102
    for thread in threading.enumerate():
        if thread.name == "ikuanalysis-preload":
            thread.join(timeout=60)
    assert uncaught == []
