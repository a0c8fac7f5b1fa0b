"""pyproject.toml and environment.yml install the same packages."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_conda_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_names = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    pip_section = next((d["pip"] for d in env["dependencies"] if isinstance(d, dict)), [])
    conda_names |= {_name(d) for d in pip_section if not d.startswith("-")}  # wheels not on conda-forge
    assert conda_names == pip_names


def test_jupyterlab_is_only_a_development_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(_name(r) == "jupyterlab" for r in project["dependencies"])
    assert any(_name(r) == "jupyterlab" for r in project["optional-dependencies"]["dev"])
