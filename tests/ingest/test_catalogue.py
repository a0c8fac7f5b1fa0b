"""The problem catalogue (config/problems.yml) against the code that reports problems.

Every code the ingest stage records must be in the catalogue and every catalogued code must
be recorded somewhere; every message formats with its declared parameters; the user guide's
table (docs/panduan/kode_masalah.md) is the one the generator writes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ikuanalysis.config import ConfigError, ProblemCatalogue, load_problem_catalogue
from ikuanalysis.ingest import problems
from ikuanalysis.ingest.problems import ProblemLog, UnknownProblemError, load_catalogue

SOURCE = Path(problems.__file__).resolve().parents[1]  # src/ikuanalysis
PROJECT = SOURCE.parents[1]
CATALOGUE = load_catalogue()


def _raised_codes() -> set[tuple[str, str | None]]:
    """Return ``(code, variant)`` of every ``add``/``add_rows`` call with a literal code."""
    found = set()
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            code = node.args[0]
            if name not in ("add", "add_rows") or not (isinstance(code, ast.Constant) and isinstance(code.value, str)):
                continue
            variant = next((k.value for k in node.keywords if k.arg == "variant"), None)
            assert variant is None or isinstance(variant, ast.Constant), f"{path}:{node.lineno}: literal variant"
            found.add((code.value, variant.value if variant is not None else None))
    return found


def _catalogued() -> set[tuple[str, str | None]]:
    return {(code, None) for code in CATALOGUE.problems} | {
        (code, variant) for code, entry in CATALOGUE.problems.items() for variant in entry.variants
    }


def test_every_raised_code_is_catalogued_and_every_catalogued_code_is_raised():
    raised = _raised_codes()
    assert len(raised) > 25  # the scan finds the call sites
    assert sorted(raised - _catalogued()) == [], "codes raised but missing from config/problems.yml"
    assert sorted(_catalogued() - raised) == [], "codes in config/problems.yml that nothing raises"


@pytest.mark.parametrize("code", sorted(CATALOGUE.problems))
def test_messages_format_with_their_declared_parameters(code):
    entry = CATALOGUE.problems[code]
    for template in (entry, *entry.variants.values()):
        params = {name: f"<{name}>" for name in template.params}
        message = template.render(params)
        assert "{" not in message and "}" not in message
        assert all(f"<{name}>" in message for name in template.params)
    assert entry.arti.strip() and entry.tindakan.strip()


def test_level_and_message_come_from_the_catalogue():
    log = ProblemLog()
    log.add("missing_column", missing="nama, status", header_row=3, file="x1.csv", row=3)
    rows = pd.DataFrame({"_file": ["x1.csv"], "_sheet": [""], "_row": [5]})
    log.add_rows("date_other_year", rows, column="tanggal", values=pd.Series(["2024-01-01"]), year=2025)
    frame = log.to_frame()
    assert frame[["level", "code", "row"]].values.tolist() == [
        ["error", "missing_column", 3], ["warning", "date_other_year", 5],
    ]
    assert frame["message"].tolist() == [
        (
            "Kolom wajib tidak ditemukan: nama, status. Tambahkan kolom itu pada baris judul kolom (baris 3); "
            "nama kolom yang dikenali ada di config/aliases.yml."
        ),
        "Tanggal di luar tahun 2025: baris tidak dihitung untuk tahun ini.",
    ]


def test_unknown_codes_and_wrong_parameters_raise_at_once():
    log = ProblemLog()
    empty = pd.DataFrame({"_file": [], "_sheet": [], "_row": []})
    with pytest.raises(UnknownProblemError):
        log.add("no_such_problem", file="x1.csv")
    with pytest.raises(UnknownProblemError):
        log.add_rows("no_such_problem", empty)  # even with nothing to record
    with pytest.raises(TypeError):
        log.add("missing_column", missing="nama", file="x1.csv")  # header_row forgotten
    with pytest.raises(TypeError):
        log.add("blank_date", year=2025)  # a parameter the message does not have
    with pytest.raises(KeyError):
        log.add("header_not_found", variant="no_such_variant")
    assert log.to_frame().empty


def test_a_log_can_use_another_catalogue():
    catalogue = ProblemCatalogue.model_validate({"schema_version": 1, "problems": {"odd": {
        "level": "info", "section": "§1.3", "message": "Aneh: {what}.", "params": ["what"], "arti": "a",
        "tindakan": "t"}}})
    log = ProblemLog(catalogue=catalogue)
    log.add("odd", what="x")
    assert log.to_frame()[["level", "message"]].values.tolist() == [["info", "Aneh: x."]]
    with pytest.raises(UnknownProblemError):
        log.add("blank_date")


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"params": []}, "do not match the placeholders"),
        ({"message": "Kolom {file} salah.", "params": ["file"]}, "reserved"),
        ({"level": "fatal"}, "level"),
        ({"section": "1.2"}, "section"),
        ({"extra": 1}, "extra"),
        ({"message": "Nilai {0} salah.", "params": []}, "plain name"),
    ],
)
def test_invalid_catalogue_entries_are_config_errors(tmp_path, change, fragment):
    entry = {"level": "error", "section": "§1.2", "message": "Nilai {field} salah.", "params": ["field"],
             "arti": "a", "tindakan": "t", **change}
    (tmp_path / "problems.yml").write_text(
        yaml.safe_dump({"schema_version": 1, "problems": {"bad_value": entry}}, allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=fragment):
        load_problem_catalogue(tmp_path)


def test_committed_problem_table_is_the_generated_one():
    committed = (PROJECT / "docs" / "panduan" / "kode_masalah.md").read_text(encoding="utf-8")
    assert committed == problems.problem_table_markdown(), (
        "docs/panduan/kode_masalah.md is stale: run python -m ikuanalysis.ingest.problems --markdown"
    )


def test_generator_command_writes_the_table(tmp_path):
    target = tmp_path / "kode.md"
    assert problems.main(["--markdown", "--output", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "| `missing_column` | kesalahan |" in text and "| Kode | Tingkat | Arti |" in text


def test_every_message_parameter_is_known_as_raw_text_or_as_made_by_the_program():
    """A parameter carrying register text is quoted only when quotable (ProblemLog applies it)."""
    params = {name for entry in CATALOGUE.problems.values()
              for template in (entry, *entry.variants.values()) for name in template.params}
    assert not problems.RAW_TEXT_PARAMS & problems.PROGRAM_PARAMS
    assert sorted(params - problems.RAW_TEXT_PARAMS - problems.PROGRAM_PARAMS) == []
