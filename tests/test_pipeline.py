"""The declared pipeline (pipeline.py): pipeline.yml validated into frozen objects."""

from __future__ import annotations

import pydantic
import pytest

from ikuanalysis.config import ConfigError
from ikuanalysis.pipeline import load_pipeline

VALID = """year_stages:
  - {id: clean, title: membersihkan, notebook: 01_clean, reads: ["{raw}"], writes: ["{processed}/cases.csv"]}
  - {id: export, title: mengekspor}
published: [html, json]
index_stage: {id: index, title: indeks, notebook: 04_trend}
"""


def test_the_projects_pipeline_declares_the_four_year_stages():
    pipeline = load_pipeline()
    assert [s.id for s in pipeline.year_stages] == ["clean", "indicator", "report", "export"]
    assert pipeline.notebooks == ("01_clean", "02_indicator", "03_report", "04_trend")
    assert pipeline.published_files(2025) == ("iku_2025.html", "iku_2025.pdf", "iku_2025.docx", "iku_2025.json")
    assert pipeline.index_stage.id == "index"


def test_a_valid_file_loads_with_defaults_and_is_frozen(tmp_path):
    path = tmp_path / "pipeline.yml"
    path.write_text(VALID, encoding="utf-8")
    pipeline = load_pipeline(path)
    export = pipeline.year_stages[1]
    assert (export.notebook, export.reads, export.writes) == (None, (), ())
    assert pipeline.year_stages[0].reads == ("{raw}",)
    assert pipeline.notebooks == ("01_clean", "04_trend")
    assert pipeline.published_files(2021) == ("iku_2021.html", "iku_2021.json")
    with pytest.raises(pydantic.ValidationError):
        export.title = "lain"


@pytest.mark.parametrize("text, field", [
    (VALID.replace("published:", "publish:"), "publish"),
    (VALID.replace("title: indeks", "title: indeks, script: x.py"), "script"),
    (VALID.replace("index_stage: {id: index, title: indeks, notebook: 04_trend}\n", ""), "index_stage"),
    ("year_stages: [\n", "pipeline"),
])
def test_unknown_keys_missing_fields_and_bad_yaml_are_config_errors(tmp_path, text, field):
    path = tmp_path / f"pipeline_{abs(hash(text))}.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="deklarasi pipeline tidak sah") as caught:
        load_pipeline(path)
    assert field in str(caught.value)


def test_a_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="tidak ditemukan"):
        load_pipeline(tmp_path / "absent.yml")
