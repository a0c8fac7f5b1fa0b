"""The manifest of a year's build: the fingerprint of every input, to decide what to rebuild.

A year is rebuilt only when its inputs changed since its last successful build: its raw
files (name, size, modification time: touching a file counts as a change, as in make),
the configuration, the declared notebooks and ``pipeline.yml``, the package (version and
source), or the results of the earlier years its comparison section shows. This module
imports nothing heavy, so a run where nothing changed finishes quickly.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ikuanalysis import __version__, paths
from ikuanalysis.disclosure import published_file_names
from ikuanalysis.pipeline import PIPELINE_FILE, load_pipeline

MANIFEST_FILE = "manifest.json"
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _digest_files(files: list[Path]) -> dict[str, str]:
    return {f.name: paths.file_sha256(f) for f in files}


def package_fingerprint() -> dict:
    """Version and a digest of the package's source and templates."""
    digest = hashlib.sha256()
    for file in sorted(PACKAGE_DIR.rglob("*")):
        if file.is_file() and file.suffix in {".py", ".j2", ".css", ".json"}:
            digest.update(str(file.relative_to(PACKAGE_DIR)).encode())
            digest.update(file.read_bytes())
    return {"version": __version__, "source_sha256": digest.hexdigest()}


def shared_fingerprint(config_dir: Path) -> dict:
    """The inputs every year shares: configuration, notebooks, package."""
    config = sorted(p for p in Path(config_dir).iterdir() if p.is_file() and not p.name.startswith("."))
    return {
        "config": _digest_files(config),
        "notebooks": _digest_files([paths.NOTEBOOK_DIR / f"{name}.ipynb" for name in load_pipeline().notebooks]
                                   + [paths.PROJECT_ROOT / PIPELINE_FILE]),
        "package": package_fingerprint(),
    }


def raw_fingerprint(raw_dir: Path) -> dict[str, list[int]]:
    """Name (as published: a NIK in a name is withheld) → [size, mtime_ns] of a year folder's files."""
    found = {}
    for file in sorted(Path(raw_dir).iterdir()):
        if file.is_file() and not file.name.startswith(("~$", ".")):
            stat = file.stat()
            found[file.name] = [stat.st_size, stat.st_mtime_ns]
    shown = published_file_names(found)
    return {shown[name]: value for name, value in found.items()}


def results_digest(output_root: Path, years: list[int]) -> str:
    """Digest of the published JSON results of ``years`` (what a later year's comparison shows)."""
    digest = hashlib.sha256()
    for year in years:
        path = Path(output_root) / str(year) / f"{paths.report_basename(year)}.json"
        digest.update(str(year).encode())
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()


@dataclass(frozen=True)
class Decision:
    """Whether a year must be built, and why."""

    year: int
    build: bool
    reason: str


def read_manifest(output_root: Path, year: int) -> dict | None:
    """Return the manifest of a year's last successful build, or None."""
    path = Path(output_root) / str(year) / MANIFEST_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def decide(year: int, where, shared: dict, earlier_years: list[int], force: bool = False) -> Decision:
    """Decide whether ``year`` must be rebuilt, comparing its inputs with its manifest."""
    if force:
        return Decision(year, True, "dipaksa (--force)")
    manifest = read_manifest(where.output_root, year)
    folder = Path(where.output_root) / str(year)
    if manifest is None or not all((folder / name).is_file() for name in load_pipeline().published_files(year)):
        return Decision(year, True, "belum pernah dibuat")
    raw = raw_fingerprint(Path(where.raw_root) / str(year))
    if raw != manifest.get("raw"):
        old = manifest.get("raw", {})
        changed = sorted(set(raw) ^ set(old) | {n for n in raw if n in old and raw[n] != old[n]})
        return Decision(year, True, "berkas mentah berubah: " + ", ".join(changed))
    for key, label in (("config", "konfigurasi berubah"), ("notebooks", "notebook berubah")):
        if shared[key] != manifest.get(key):
            old = manifest.get(key, {})
            changed = sorted(n for n in set(shared[key]) | set(old) if shared[key].get(n) != old.get(n))
            return Decision(year, True, f"{label}: " + ", ".join(changed))
    if shared["package"] != manifest.get("package"):
        return Decision(year, True, "paket ikuanalysis berubah")
    if results_digest(where.output_root, earlier_years) != manifest.get("earlier_results"):
        return Decision(year, True, "hasil tahun sebelumnya berubah")
    return Decision(year, False, "tidak berubah")


def write_manifest(year: int, where, shared: dict, raw: dict, earlier_years: list[int], folder: Path) -> None:
    """Record the inputs of a build in ``<folder>/manifest.json`` (the year's staging folder).

    The manifest is written before the staging folder replaces ``outputs/<year>``, so a
    published year and its manifest always change together.
    """
    manifest = {"year": year, "raw": raw, **shared,
                "earlier_results": results_digest(where.output_root, earlier_years)}
    path = Path(folder) / MANIFEST_FILE
    temporary = path.with_name(f".{MANIFEST_FILE}.{os.getpid()}")
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)
