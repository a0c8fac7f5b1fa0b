"""The notebook runner: the kernel is launched before the notebook machinery is imported and
preloads the notebooks' imports while it boots; a cell's timeout counts the cell only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ikuanalysis import paths
from ikuanalysis.config import Limits
from ikuanalysis.failures import MachineFailure
from ikuanalysis.publish.notebooks import KernelDied, NotebookRunner

LAUNCH_PROBE = """
import os, sys, time
from ikuanalysis.publish.notebooks import KernelDied, NotebookRunner
runner = NotebookRunner().__enter__()
for _ in range(100):  # right after the fork the new program's command line may still be empty
    command = open(f"/proc/{runner.kernel_pid}/cmdline", "rb").read().split(b"\\0")
    if command != [b""]:
        break
    time.sleep(0.05)
print("jupyter_client" in sys.modules, b"ipykernel_launcher" in command, os.getsid(runner.kernel_pid) == runner.kernel_pid)
pid, folder = runner.kernel_pid, runner._kernel.folder
runner.__exit__(None, None, None)
print(os.path.exists(f"/proc/{pid}"), os.path.exists(folder))
"""


def test_entering_the_runner_launches_the_kernel_without_importing_jupyter_client():
    done = subprocess.run([sys.executable, "-c", LAUNCH_PROBE], capture_output=True, text=True, timeout=60,
                          cwd=paths.PROJECT_ROOT)
    assert done.returncode == 0, done.stderr
    # Launched: an ipykernel in its own session, jupyter_client not imported yet; after exit: gone, files removed.
    assert done.stdout.split() == ["False", "True", "True", "False", "False"]


def write_notebook(folder: Path, name: str, source: str) -> None:
    parameters = nbformat.v4.new_code_cell("year = 0", metadata={"tags": ["parameters"]})
    notebook = nbformat.v4.new_notebook(cells=[parameters, nbformat.v4.new_code_cell(source)], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, str(folder / f"{name}.ipynb"))


@pytest.fixture()
def notebook_dir(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    monkeypatch.setattr(paths, "NOTEBOOK_DIR", folder)
    write_notebook(folder, "tiny", "answer = year + 1\nanswer")
    return folder


@pytest.mark.e2e
def test_a_cell_timeout_does_not_count_the_preloaded_imports(notebook_dir, tmp_path):
    # The preload takes 3 s, the cell limit is 1 s: the cell still runs (it waits for the preload first).
    with NotebookRunner(Limits(cell_timeout_seconds=1), preload="import time\ntime.sleep(3)\n") as runner:
        runner.run("tiny", tmp_path / "tiny.ipynb", {"year": 2025})
    executed = nbformat.read(str(tmp_path / "tiny.ipynb"), as_version=4)
    assert executed.cells[-1].outputs[0]["data"]["text/plain"] == "2026"


@pytest.mark.e2e
def test_a_preload_past_the_kernel_start_limit_is_a_machine_failure(notebook_dir, tmp_path):
    limits = Limits(kernel_start_timeout_seconds=2)
    with NotebookRunner(limits, preload="import time\ntime.sleep(60)\n") as runner:
        with pytest.raises(MachineFailure) as caught:
            runner.run("tiny", tmp_path / "tiny.ipynb", {"year": 2025})
    assert str(caught.value).startswith("Kernel Python tidak siap dalam 2 detik")


@pytest.mark.e2e
def test_a_notebook_does_not_see_the_names_of_the_notebook_before_it(notebook_dir, tmp_path):
    write_notebook(notebook_dir, "first", "import json\nleft_behind = 'x1'")
    write_notebook(notebook_dir, "second", "names = dir()\n[n for n in ('json', 'left_behind', 'year') if n in names]")
    with NotebookRunner(preload="") as runner:
        runner.run("first", tmp_path / "first.ipynb", {"year": 2025})
        runner.run("second", tmp_path / "second.ipynb", {"year": 2025})
    executed = nbformat.read(str(tmp_path / "second.ipynb"), as_version=4)
    assert executed.cells[-1].outputs[0]["data"]["text/plain"] == "['year']"  # only its own parameter


@pytest.mark.e2e
def test_a_kernel_that_dies_while_it_preloads_is_reported_as_a_dead_kernel(notebook_dir, tmp_path):
    with NotebookRunner(preload="import os\nos._exit(3)\n") as runner:
        with pytest.raises(KernelDied) as caught:
            runner.run("tiny", tmp_path / "tiny.ipynb", {"year": 2025})
    assert str(caught.value).startswith("Kernel Python berhenti mendadak saat menjalankan notebook tiny")


# A preload as pipeline_imports writes it: the import inside a function that is then deleted.
IMPORTS_COLORSYS = "def _p():\n    import colorsys\n_p()\ndel _p\n"


@pytest.mark.e2e
def test_the_preload_runs_while_the_kernel_boots_and_binds_no_name(notebook_dir, tmp_path):
    # colorsys is not loaded by a bare kernel: here the preload loaded it before the notebook ran.
    write_notebook(notebook_dir, "probe", "import sys\n['colorsys' in sys.modules, '_p' in dir()]")
    for preload, expected in ((IMPORTS_COLORSYS, "[True, False]"), ("", "[False, False]")):
        assert run_probe(tmp_path, preload) == expected


@pytest.mark.e2e
def test_the_notebook_runs_with_the_garbage_collector_on_after_a_preload_that_failed_or_not(notebook_dir, tmp_path):
    # The preload imports with the collector off; a failing import stops it before it turns it on again.
    write_notebook(notebook_dir, "probe", "import gc\ngc.isenabled()")
    for preload in (IMPORTS_COLORSYS, "import no_such_module_here\n"):
        assert run_probe(tmp_path, preload) == "True"


FRAGMENTED_MIB = 200  # freed by the first notebook, with a few small blocks kept among the freed ones
RSS_PROBE = "int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]) // 1024"


@pytest.mark.e2e
def test_the_memory_a_notebook_freed_goes_back_to_the_system_before_the_next_one(notebook_dir, tmp_path):
    # malloc keeps freed blocks between live ones mapped: without the release the kernel stays
    # FRAGMENTED_MIB larger while the browser and pandoc run beside it.
    write_notebook(notebook_dir, "allocate", (
        f"import sys\nbefore = {RSS_PROBE}\n"
        f"blocks = [bytes(1000) + str(i).encode() for i in range({FRAGMENTED_MIB} * 1000)]\n"
        "sys.modules['kept_blocks'] = (before, blocks[::50])  # survives the namespace reset\n"
        "del blocks\n"))
    write_notebook(notebook_dir, "measure", f"import sys\n{RSS_PROBE} - sys.modules['kept_blocks'][0]")
    with NotebookRunner(preload="") as runner:
        runner.run("allocate", tmp_path / "allocate.ipynb", {"year": 2025})
        runner.run("measure", tmp_path / "measure.ipynb", {"year": 2025})
    executed = nbformat.read(str(tmp_path / "measure.ipynb"), as_version=4)
    assert int(executed.cells[-1].outputs[0]["data"]["text/plain"]) < FRAGMENTED_MIB // 4


def run_probe(tmp_path, preload: str) -> str:
    """Run the notebook ``probe`` in a kernel that preloaded ``preload``; return its last output."""
    with NotebookRunner(preload=preload) as runner:
        runner.run("probe", tmp_path / "probe.ipynb", {"year": 2025})
    executed = nbformat.read(str(tmp_path / "probe.ipynb"), as_version=4)
    return executed.cells[-1].outputs[0]["data"]["text/plain"]


@pytest.mark.e2e
def test_side_work_waits_until_the_kernel_answers_then_runs_once(notebook_dir, tmp_path):
    calls = []
    with NotebookRunner(preload="") as runner:
        runner.when_ready(lambda: calls.append(runner._kc is not None))
        assert calls == []  # not while the kernel boots
        runner.run("tiny", tmp_path / "tiny.ipynb", {"year": 2025})
        runner.run("tiny", tmp_path / "tiny.ipynb", {"year": 2025})
        runner.when_ready(lambda: calls.append("at once"))
    assert calls == [True, "at once"]
