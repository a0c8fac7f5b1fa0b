"""Publishing a run (publish/commit.py): mirror, changed years, journalled moves and their recovery."""

from __future__ import annotations

import json
import os

from ikuanalysis.publish import commit


def write(folder, **files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def read(folder):
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_the_mirror_links_every_year_and_only_rewritten_years_count_as_changed(tmp_path):
    store = tmp_path / "processed"
    write(store / "2024", **{"cases.csv": "2024\n"})
    write(store / "2025", **{"cases.csv": "2025\n"})
    write(store / ".staging-2023", **{"junk": "x"})  # not a year folder: never mirrored
    mirror = commit.mirror_processed(store, store / ".staging-2025")
    assert sorted(p.name for p in mirror.iterdir()) == ["2024", "2025"]
    assert (mirror / "2024" / "cases.csv").stat().st_ino == (store / "2024" / "cases.csv").stat().st_ino
    assert commit.changed_processed_years(mirror, store) == []
    (mirror / "2025" / "cases.csv").unlink()  # the cleaning stage replaces a year's files
    write(mirror / "2025", **{"cases.csv": "new 2025\n"})
    write(mirror / "2026", **{"cases.csv": "2026\n"})
    assert [p.name for p in commit.changed_processed_years(mirror, store)] == ["2025", "2026"]
    assert read(store / "2025") == {"cases.csv": "2025\n"}  # the published file was not written through


def test_publish_together_moves_everything_and_removes_its_journal(tmp_path):
    write(tmp_path / "processed" / "2025", old="p")
    write(tmp_path / "outputs" / "2025", old="o")
    write(tmp_path / "stage-p", new="p")
    write(tmp_path / "stage-o", new="o")
    journal = tmp_path / "outputs" / ".publish-2025.json"
    commit.publish_together([(tmp_path / "stage-p", tmp_path / "processed" / "2025"),
                             (tmp_path / "stage-o", tmp_path / "outputs" / "2025")], journal)
    assert read(tmp_path / "processed" / "2025") == {"new": "p"}
    assert read(tmp_path / "outputs" / "2025") == {"new": "o"}
    assert not journal.exists() and not (tmp_path / "stage-p").exists() and not (tmp_path / "stage-o").exists()


def test_a_publish_killed_between_moves_is_completed_by_the_next_run(tmp_path):
    outputs, processed = tmp_path / "outputs", tmp_path / "processed"
    write(processed / "2025", old="p")
    write(outputs / "2025", old="o")
    write(processed / ".staging-2025" / "2025", new="p")
    write(outputs / ".staging-2025" / "2025", new="o")
    moves = [(processed / ".staging-2025" / "2025", processed / "2025"),
             (outputs / ".staging-2025" / "2025", outputs / "2025")]
    commit._write_journal(commit.journal_path(outputs, 2025), moves)
    # Killed after the first swap: the processed year is new, its staging path holds the old one.
    os.rename(processed / "2025", tmp_path / "swap")
    os.rename(processed / ".staging-2025" / "2025", processed / "2025")
    os.rename(tmp_path / "swap", processed / ".staging-2025" / "2025")
    assert commit.finish_interrupted_publish(outputs) == [processed / "2025", outputs / "2025"]
    assert read(processed / "2025") == {"new": "p"}  # not swapped back
    assert read(outputs / "2025") == {"new": "o"}
    assert not commit.journal_path(outputs, 2025).exists()
    assert not (processed / ".staging-2025" / "2025").exists()


def test_a_journal_being_written_when_killed_is_dropped_and_nothing_moves(tmp_path):
    outputs = tmp_path / "outputs"
    write(outputs / "2025", old="o")
    (outputs / ".publish-2025.json.tmp").write_text(json.dumps([{"staging": "x"}])[:5], encoding="utf-8")
    assert commit.finish_interrupted_publish(outputs) == []
    assert sorted(p.name for p in outputs.iterdir()) == ["2025"]
