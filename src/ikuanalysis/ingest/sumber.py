"""Read ``sumber.yml``, the evaluator's notes on a year folder (data contract §1.6).

The file is optional. It maps files that keep the names they arrived with to components
(``berkas``) and accepts quality-gate breaches with a reason (``terima``, §1.8). Its keys are
in Bahasa Indonesia; an unknown key, a wrong value or a key this version cannot apply yet is
an error that names the line. Every entry applied is recorded in the data-quality log.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ikuanalysis.config import CANONICAL_COLUMNS, describe_validation_error, load_yaml_text
from ikuanalysis.ingest.problems import ProblemLog
from ikuanalysis.paths import is_link_outside

SUMBER_FILE = "sumber.yml"
GATE_RULES = ("di_luar_tahun", "status_kosong", "lonjakan", "tanpa_kasus")
# The fields a `kolom` entry may name (data contract §1.2).
KOLOM_FIELDS = CANONICAL_COLUMNS


_Name = Annotated[str, Field(min_length=1)]  # a sheet, header or column name: never blank
_Names = Annotated[tuple[_Name, ...], Field(min_length=1)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileEntry(_Entry):
    """One ``berkas`` entry: the files whose names match ``pola``."""

    pola: str = Field(min_length=1)
    komponen: str | None = None
    abaikan: bool = False
    jenis: str | None = None
    # An empty list, mapping or name would be taken as "not given" and silently change nothing.
    lembar: _Names | None = None
    baris_judul: int | None = Field(default=None, ge=1)
    kolom: Annotated[dict[_Name, _Name], Field(min_length=1)] | None = None
    status_dari: _Names | None = None

    def applied_keys(self) -> str:
        """The reading keys of this entry as the evaluator wrote them, for the log ('' when none)."""
        parts = []
        if self.jenis:  # contract §1.3: only where the file has no jenis column (else sumber_jenis_unused)
            parts.append(f"jenis {self.jenis} (bila tanpa kolom jenis)")
        if self.lembar:
            parts.append("lembar " + ", ".join(self.lembar))
        if self.baris_judul:
            parts.append(f"baris judul {self.baris_judul}")
        if self.kolom:
            parts.append("kolom " + ", ".join(f"{header} = {name}" for header, name in self.kolom.items()))
        if self.status_dari:
            parts.append("status dari " + ", ".join(self.status_dari))
        return "; ".join(parts)

    def matches(self, name: str) -> bool:
        """Whether a file name matches the pattern (case-insensitive glob)."""
        return fnmatch.fnmatch(name.casefold(), self.pola.casefold())


class Acceptance(_Entry):
    """One ``terima`` entry: a quality gate accepted for a component (or all), with the reason."""

    aturan: Literal[GATE_RULES]  # type: ignore[valid-type]
    komponen: str | None = None
    alasan: str = Field(min_length=10)


class Sumber(_Entry):
    """The contents of ``sumber.yml``."""

    berkas: tuple[FileEntry, ...] = ()
    terima: tuple[Acceptance, ...] = ()

    def entry_for(self, name: str) -> FileEntry | None:
        """Return the first ``berkas`` entry whose pattern matches ``name``."""
        return next((entry for entry in self.berkas if entry.matches(name)), None)

    def acceptance(self, rule: str, component: str) -> Acceptance | None:
        """Return the ``terima`` entry that accepts ``rule`` for ``component``, if any."""
        return next((a for a in self.terima if a.aturan == rule and a.komponen in (None, component)), None)


@dataclass(frozen=True)
class _Located:
    line: int
    text: str


def read_sumber(raw_dir: Path, log: ProblemLog, component_ids: tuple[str, ...]) -> Sumber:
    """Return the year folder's ``sumber.yml`` (empty when absent); its problems go to ``log``.

    An invalid file is logged as errors (one per problem, with its line) and an empty
    :class:`Sumber` is returned, so that the rest of the folder is still checked in the same run.
    """
    path = Path(raw_dir) / SUMBER_FILE
    if is_link_outside(path, Path(raw_dir)) or not path.is_file():
        return Sumber()  # a link out of the folder is never followed (discover logs it: exit 2)
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = load_yaml_text(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        log.add("sumber_invalid", variant="yaml", file=SUMBER_FILE, row=mark.line + 1 if mark else None)
        return Sumber()
    root = yaml.compose(text, Loader=yaml.SafeLoader)  # the node tree, for the lines of problems
    try:
        sumber = Sumber.model_validate(data if data is not None else {})
        problems = _check_values(list(enumerate(sumber.berkas)), list(enumerate(sumber.terima)), component_ids, root)
    except ValidationError as exc:
        # Every problem in one run (contract §1.9): the entries of a valid shape are checked too.
        files, acceptances = _valid_entries(data)
        sumber, problems = Sumber(), _locate(exc, root) + _check_values(files, acceptances, component_ids, root)
        problems.sort(key=lambda p: (p.line is None, p.line or 0))
    for problem in problems:
        log.add("sumber_invalid", file=SUMBER_FILE, row=problem.line, finding=problem.text)
    return Sumber() if problems else sumber


def _valid_entries(data: object) -> tuple[list[tuple[int, FileEntry]], list[tuple[int, Acceptance]]]:
    """The ``berkas`` and ``terima`` entries of a file that failed validation which are valid
    each on its own, with their positions (for the lines of their problems)."""
    def valid(items: object, model: type[_Entry]) -> list:
        found = []
        for index, item in enumerate(items if isinstance(items, list) else []):
            try:
                found.append((index, model.model_validate(item)))
            except ValidationError:
                continue  # its shape is already reported
        return found

    if not isinstance(data, dict):
        return [], []
    return valid(data.get("berkas"), FileEntry), valid(data.get("terima"), Acceptance)


def _check_values(files: list[tuple[int, FileEntry]], acceptances: list[tuple[int, Acceptance]],
                  component_ids: tuple[str, ...], root: yaml.Node | None) -> list[_Located]:
    """Return the problems entries of a valid shape can still have: unknown components and fields."""
    problems = []
    known = ", ".join(component_ids)
    for index, entry in files:
        if entry.komponen is not None and entry.komponen not in component_ids:
            problems.append(_Located(_line_of(root, ("berkas", index, "komponen")),
                                     f"komponen '{_short(entry.komponen)}' tidak dikenal (yang ada: {known})"))
        if entry.komponen is None and not entry.abaikan:
            problems.append(_Located(_line_of(root, ("berkas", index)),
                                     f"berkas '{_short(entry.pola)}' perlu 'komponen: ...' atau 'abaikan: true'"))
        for header, name in (entry.kolom or {}).items():
            if name not in KOLOM_FIELDS:
                problems.append(_Located(_line_of(root, ("berkas", index, "kolom", header)),
                                         f"kolom '{_short(header)}': '{_short(name)}' bukan nama kolom data "
                                         f"(yang ada: {', '.join(KOLOM_FIELDS)})"))
    for index, acceptance in acceptances:
        if acceptance.komponen is not None and acceptance.komponen not in component_ids:
            problems.append(_Located(_line_of(root, ("terima", index, "komponen")),
                                     f"komponen '{_short(acceptance.komponen)}' tidak dikenal (yang ada: {known})"))
    return problems


def _locate(exc: ValidationError, root: yaml.Node | None) -> list[_Located]:
    """Return each validation problem with the line of the key concerned, in Indonesian."""
    located = []
    errors = exc.errors()
    for error in errors:
        where = tuple(error["loc"])
        if error["type"] == "too_short" and any(len(other["loc"]) > len(where) and tuple(other["loc"][:len(where)]) == where
                                                for other in errors):
            continue  # the list is short only because an item of it failed, which is reported
        is_mapping_key = "[key]" in where  # pydantic's location of a key of a mapping (kolom: {"": nik})
        where = tuple(part for part in where if part not in ("[key]", ""))
        key = _short(".".join(str(part) for part in where))
        if is_mapping_key:
            detail = f"judul kolom kosong di {key}: tuliskan judul kolom persis seperti di berkasnya"
        elif error["type"] == "extra_forbidden":
            detail = f"kunci '{_short(str(where[-1]))}' tidak dikenal (di {key})"
        elif error["type"] == "missing":
            detail = f"kunci '{where[-1]}' wajib diisi (di {key})"
        elif error["type"] == "literal_error":
            detail = f"nilai {key} harus salah satu dari: {', '.join(GATE_RULES)}"
        elif error["type"] == "string_too_short" and where[-1] == "alasan":
            detail = f"{key}: tuliskan alasannya (paling sedikit 10 huruf)"
        else:
            detail = f"nilai {key or '(isi berkas)'} tidak sah: {describe_validation_error(error)}"
        located.append(_Located(_line_of(root, where), detail))
    return located


def _short(text: str, limit: int = 40) -> str:
    """Return ``text`` cut to ``limit`` characters (the evaluator's keys and values quoted in a message)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line_of(root: yaml.Node | None, where: tuple) -> int | None:
    """Return the 1-based line of the key or item at path ``where`` of a YAML node tree (None: unknown)."""
    node, line = root, None
    for part in where:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
