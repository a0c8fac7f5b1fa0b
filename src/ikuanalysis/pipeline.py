"""The declared pipeline (``pipeline.yml`` at the project root), validated into frozen objects.

The stages of a reporting year, their notebooks, inputs and outputs are declared once there;
the runner (:mod:`ikuanalysis.publish.build`), the manifest and ``report --all``
(:mod:`ikuanalysis.publish.batch`), the progress lines and the index page read it from here.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ikuanalysis import paths
from ikuanalysis.config import ConfigError, load_yaml_text

PIPELINE_FILE = "pipeline.yml"


class Stage(BaseModel):
    """One stage: what it does (for progress lines), its notebook (if any), what it reads and writes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    notebook: str | None = None
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()


class Pipeline(BaseModel):
    """The year stages in order, the published file kinds of a year, and the index stage."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year_stages: tuple[Stage, ...]
    published: tuple[str, ...]
    index_stage: Stage

    @property
    def notebooks(self) -> tuple[str, ...]:
        """Every notebook the pipeline runs, year stages first."""
        names = [s.notebook for s in (*self.year_stages, self.index_stage) if s.notebook]
        return tuple(names)

    def published_files(self, year: int) -> tuple[str, ...]:
        """The names of a year's published files (``iku_2025.html`` …)."""
        return tuple(f"{paths.report_basename(year)}.{kind}" for kind in self.published)


@functools.cache
def load_pipeline(path: Path | None = None) -> Pipeline:
    """Load and validate ``pipeline.yml`` (the project's when ``path`` is omitted).

    Raises:
        ConfigError: The file is missing or invalid (the message names the field).
    """
    path = Path(path) if path else paths.PROJECT_ROOT / PIPELINE_FILE
    try:
        data = load_yaml_text(path.read_text(encoding="utf-8"))
        return Pipeline.model_validate(data)
    except OSError:
        raise ConfigError(f"{path}: berkas deklarasi pipeline tidak ditemukan.") from None
    except (yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"{path}: deklarasi pipeline tidak sah: {exc}") from None
