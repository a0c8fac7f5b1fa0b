"""The user guide (docs/panduan/) is followed to the letter for a new year, on a copy.

The yearly runbook ``tahunan.md`` is parsed: its fenced commands must be the ones below, and
the test runs each of them (through ``cli.main`` with temporary folders) in the guide's order.
The 2026 registers come from the fixture year written with 2026 dates, as the guide says
(registers of 2025 copied into a 2026 folder count nothing: ``date_other_year``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ikuanalysis import cli
from ikuanalysis.config import load_settings
from ikuanalysis.ingest.problems import RegisterError
from ikuanalysis.ingest.year import clean_year
from tests.fixtures.tiny_year import write_tiny_year

PROJECT = Path(__file__).resolve().parents[1]
GUIDE = PROJECT / "docs" / "panduan"
YEAR = 2026
PAGES = ("README.md", "masukan.md", "tahunan.md", "membaca_laporan.md", "notebook.md", "kode_keluar.md",
         "kode_masalah.md")
# The runbook's shell commands, in order; each is run below.
RUNBOOK = [
    "mkdir -p data/raw/2026",
    "cp /media/kiriman/2026/* data/raw/2026/",
    ".venv/bin/ikuanalysis validate --year 2026",
    "make report YEAR=2026",
    "make report-all",
]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def fenced(page: str, language: str) -> list[str]:
    """Return the fenced blocks of ``language`` in a page of the guide."""
    text = (GUIDE / page).read_text(encoding="utf-8")
    return [body for lang, body in FENCE.findall(text) if lang == language]


def runbook_commands() -> list[str]:
    """Return the commands of tahunan.md's bash blocks, comments dropped."""
    lines = (line.split("  #")[0].strip() for block in fenced("tahunan.md", "bash") for line in block.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def make_recipe(target: str) -> str:
    """Return the recipe line of a Makefile target."""
    text = (PROJECT / "Makefile").read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(target)}:.*\n\t(.+)$", text, re.M)
    assert found, target
    return found.group(1)


def test_every_page_of_the_guide_exists_and_readme_links_it_first():
    for page in PAGES:
        assert (GUIDE / page).is_file(), page
    index = (GUIDE / "README.md").read_text(encoding="utf-8")
    for page in PAGES[1:]:
        assert f"({page})" in index, page
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    first_link = re.search(r"\]\(([^)]+)\)", readme).group(1)
    assert first_link == "docs/panduan/README.md"
    assert "## Ringkasan" in readme.split("## Two commands")[0]
    assert "make report " in readme and "make test " in readme


def test_the_guide_lists_every_section_of_the_report():
    macros = (PROJECT / "src/ikuanalysis/report/templates/narasi/_macros.html.j2").read_text(encoding="utf-8")
    titles = re.findall(r'^\s+"\w+": "(\d+\. [^"]+)",$', macros, re.M)
    assert len(titles) >= 10
    page = (GUIDE / "membaca_laporan.md").read_text(encoding="utf-8")
    for title in titles:
        assert f"**{title}**" in page, title


def test_the_guide_explains_every_exit_code():
    page = (GUIDE / "kode_keluar.md").read_text(encoding="utf-8")
    for code in (0, 1, 2, 3, 130):
        assert f"| **{code}** |" in page, code
    assert "(kode_masalah.md)" in page


def test_the_guide_names_the_headings_the_notes_reader_expects():
    from ikuanalysis.ingest.evaluator_inputs import BUDGET_COLUMNS, NOTE_HEADINGS

    notes = "\n".join(fenced("masukan.md", "markdown"))
    for heading in NOTE_HEADINGS.values():
        assert f"## {heading}\n" in notes, heading
    assert fenced("masukan.md", "csv")[0].splitlines()[0] == ",".join(BUDGET_COLUMNS)


def test_registers_of_2025_copied_as_2026_stop_at_the_gate_the_guide_names(tmp_path, settings):
    folder = write_tiny_year(tmp_path / "raw", YEAR)  # dated 2025
    with pytest.raises(RegisterError) as caught:
        clean_year(folder, settings, YEAR, key=b"test")
    log = caught.value.log.to_frame()
    assert sorted(log.loc[log["level"] == "error", "code"]) == ["gate_di_luar_tahun", "gate_di_luar_tahun"]
    assert (log["code"] == "date_other_year").sum() > 0
    guide = (GUIDE / "tahunan.md").read_text(encoding="utf-8")
    assert "date_other_year" in guide and "gate_di_luar_tahun" in guide


@pytest.mark.e2e
def test_the_runbook_for_a_new_year_builds_its_report(tmp_path, capsys):
    assert runbook_commands() == RUNBOOK
    raw, processed, outputs, config = (tmp_path / name for name in ("raw", "processed", "outputs", "config"))
    shutil.copytree(PROJECT / "config", config, ignore=shutil.ignore_patterns(".nik_key"))
    received = write_tiny_year(tmp_path / "kiriman", YEAR, dated=YEAR)  # the bidang's 2026 registers
    dirs = ["--raw-dir", str(raw), "--config", str(config)]
    out_dirs = ["--processed-dir", str(processed), "--output-dir", str(outputs)]

    # Step 1 and 2: the year folder, the registers copied unchanged.
    (raw / str(YEAR)).mkdir(parents=True)
    for path in received.iterdir():
        shutil.copy2(path, raw / str(YEAR) / path.name)

    # Step 3: without the target the report stops with exit 2 and says what to add.
    assert cli.main(["report", "--year", str(YEAR), *dirs, *out_dirs]) == 2
    assert "targets" in capsys.readouterr().err
    (target_line,) = [line for block in fenced("tahunan.md", "yaml") for line in block.splitlines() if line.strip()]
    assert target_line.startswith(f"  {YEAR}: {{value: ")
    iku = (config / "iku.yml").read_text(encoding="utf-8")
    last_target = re.findall(r"^  \d{4}: \{value: .*$", iku, re.M)[-1]
    (config / "iku.yml").write_text(iku.replace(last_target + "\n", last_target + "\n" + target_line + "\n"),
                                    encoding="utf-8")
    assert load_settings(config).iku.target_for(YEAR).value == 100

    # Step 4: validate.
    assert cli.main(RUNBOOK[2].split()[1:] + dirs) == 0
    assert f"Data {YEAR} lolos pemeriksaan: 0 kesalahan" in capsys.readouterr().out

    # Step 6: make report YEAR=2026 is `ikuanalysis report --year 2026`.
    assert make_recipe("report") == "$(BIN)/ikuanalysis report $(if $(YEAR),--year $(YEAR),)"
    assert cli.main(["report", "--year", str(YEAR), *dirs, *out_dirs]) == 0

    # Step 7: the outputs where the guide says.
    runbook = (GUIDE / "tahunan.md").read_text(encoding="utf-8")
    for name in (f"iku_{YEAR}.html", f"iku_{YEAR}.pdf", f"iku_{YEAR}.json", "manifest.json", "notebooks"):
        assert f"`outputs/{YEAR}/{name}" in runbook
        assert (outputs / str(YEAR) / name).exists(), name
    assert (processed / str(YEAR) / "aggregate.parquet").is_file()

    # Step 8: make report-all is `ikuanalysis report --all`.
    assert make_recipe("report-all").startswith("$(BIN)/ikuanalysis report --all ")
    assert cli.main(["report", "--all", *dirs, *out_dirs]) == 0
    for name in ("index.html", "iku_semua_tahun.csv", "iku_semua_tahun.xlsx"):
        assert f"`outputs/{name}`" in runbook
        assert (outputs / name).is_file(), name
