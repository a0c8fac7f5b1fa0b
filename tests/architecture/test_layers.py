"""The stages import one way (import-linter contracts in pyproject.toml), and a back-edge breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.is_file(), reason="import-linter is not installed in this environment")


def run_lint(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--config", str(project / "pyproject.toml")], cwd=project,
                          env={"PYTHONPATH": str(project / "src"), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def project_copy(tmp_path):
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_every_contract(project_copy):
    completed = run_lint(project_copy)
    assert completed.returncode == 0, completed.stdout
    assert "2 kept, 0 broken" in completed.stdout


@pytest.mark.parametrize(("module", "back_edge"), [
    ("ingest/values.py", "import ikuanalysis.indicator.compute"),
    ("indicator/analysis.py", "import ikuanalysis.report.html"),
    ("report/sections.py", "import ikuanalysis.publish.export"),
    ("forms/workbook.py", "import ikuanalysis.publish.batch"),
])
def test_a_back_edge_breaks_the_layer_contract(project_copy, module, back_edge):
    path = project_copy / "src" / "ikuanalysis" / module
    path.write_text(path.read_text() + f"\n{back_edge}  # deliberate back-edge\n", encoding="utf-8")
    completed = run_lint(project_copy)
    assert completed.returncode == 1
    assert "BROKEN" in completed.stdout


def test_every_stage_folder_says_what_it_does():
    stages = sorted(p.name for p in (ROOT / "src" / "ikuanalysis").iterdir() if (p / "__init__.py").is_file())
    assert stages == ["forms", "indicator", "ingest", "publish", "report"]
    for stage in stages:
        doc = (ROOT / "src" / "ikuanalysis" / stage / "__init__.py").read_text(encoding="utf-8")
        assert doc.startswith('"""') and len(doc) > 80, f"{stage}/__init__.py needs a docstring saying what it owns"
