"""Shared fixtures: the project's settings and the hand-counted fixture year."""

from __future__ import annotations

import pytest

from ikuanalysis.config import load_settings
from tests.fixtures.tiny_year import write_tiny_year


@pytest.fixture(scope="session")
def settings():
    """The project's configuration (config/)."""
    return load_settings()


@pytest.fixture()
def tiny_raw_root(tmp_path):
    """A raw root holding the hand-counted fixture year 2025."""
    root = tmp_path / "raw"
    write_tiny_year(root)
    return root
