"""Load and validate the project's configuration (``config/``) into frozen objects.

The decree's texts, components, targets, rating bands and policies (``iku.yml``), the
header aliases and value vocabularies (``aliases.yml``), the reference lists of jenis
(``jenis.yml``) and the geography (``wilayah.csv``, ``wilayah_alias.csv``) are data; this
module only checks them and makes them easy to use. Unknown keys are errors.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import string
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)

from ikuanalysis import paths

COMPONENT_ID_PATTERN = r"x[1-9][0-9]?"
ComponentId = Annotated[str, Field(pattern=rf"^{COMPONENT_ID_PATTERN}$")]
CANONICAL_COLUMNS = ("nik", "no_kk", "nama", "jenis", "kecamatan", "kelurahan", "tanggal", "status")
# The columns of a component's sheet in the Excel template; a household component's sheet also
# has ``no_kk`` (after ``nik``, see :attr:`Component.template_columns`).
TEMPLATE_COLUMNS = ("no", "nik", "nama", "jenis", "kecamatan", "kelurahan", "tanggal", "status")
TEMPLATE_HEADER_COLUMNS = (*TEMPLATE_COLUMNS, "no_kk")
# How a component's cases are counted (docs/data_contract.md §1.3): one case per person (NIK,
# else name and place) or one per household (the normalised No. KK).
CountingUnit = Literal["person", "household"]


class ConfigError(ValueError):
    """A configuration file is missing or invalid; the message names the file and field."""


class _Frozen(BaseModel):
    # defer_build: a model's validator is built when it first validates, so a command that reads one
    # file (the unchanged rerun reads only limits.yml) does not build all of them at start-up.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Organization(_Frozen):
    """The organisation the report is about, as named in the report's wording."""

    name: str
    city: str
    full_name: str

    @property
    def city_names(self) -> tuple[str, ...]:
        """The city as a total row may name it: ``Kota Palangka Raya`` and ``Palangka Raya``."""
        words = self.city.split()
        if len(words) > 1 and words[0].casefold() in ("kota", "kabupaten", "kab."):
            return (self.city, " ".join(words[1:]))
        return (self.city,)


class Decree(_Frozen):
    issuer: str
    number: str
    date: dt.date
    title: str
    signatory: str
    legal_basis: tuple[str, ...]


class Indicator(_Frozen):
    tujuan_strategis: str
    indikator_tujuan: str
    sasaran_strategis: str
    name: str
    satuan: str
    penanggung_jawab: str
    sumber_data: str
    direction: Literal["positive", "negative"]
    formula_intro: str
    makna: str
    alasan_pemilihan: str


class SheetTemplate(_Frozen):
    """How a component's sheet of the Excel template looks (``template:`` of a component).

    Attributes:
        headers: Header text per column (``no`` and the canonical columns); a column not
            given gets its default header (``No``, ``NIK``, ``Nama``, ``Jenis``, ...).
        status_pair: The component's own spelling of yes and no (offered after Ya/Tidak).
        unit: What one row is, for the instructions ("orang", "lembaga atau orang").
    """

    headers: dict[Literal[TEMPLATE_HEADER_COLUMNS], str] = Field(default_factory=dict)  # type: ignore[valid-type]
    status_pair: tuple[str, str] = ("Sudah", "Belum")
    unit: str = "kasus"


class Component(_Frozen):
    """One component of the IKU (``x1`` … ``xn``) and how it is counted from its registers.

    Attributes:
        file_prefix: The start of the names of this component's register files; the id
            when omitted.
        template: The layout of its sheet in the Excel template; a default layout from the
            canonical columns when omitted.
        unit: What is counted, as the report's sentences name it ("orang", "lembaga/orang
            PSKS"); "kasus" when omitted.
        not_handled_label: What "not handled" means for this component, after the count and
            unit ("tidak aktif", "belum menerima bantuan"); "belum ditangani sesuai standar"
            when omitted.
        columns: The component's own header aliases, listed before the general ones of
            ``aliases.yml`` (x1: ``Kecamatan Lokasi Tugas`` before ``Kecamatan``: a PSKS counts
            where it serves).
        status_flags: Programme flag columns (``BANSOS BPNT``) that stand for the status in a
            register without a status column: handled when any flag is yes.
        counting_unit: What one case is (docs/data_contract.md §1.3): ``person`` (the default; a case
            is identified by its NIK, else by name and kelurahan) or ``household`` (a case is a
            No. KK: rows with the same normalised ``no_kk`` are one case; every register of the
            component must have a ``no_kk`` column and every data row a valid No. KK).
    """

    id: ComponentId
    label: str
    bidang: str
    jenis_list: Literal["psks", "ppks", "bencana"]
    numerator: str
    denominator: str
    file_prefix: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9]*$")] | None = None
    template: SheetTemplate = Field(default_factory=SheetTemplate)
    unit: Annotated[str, Field(min_length=1)] = "kasus"
    not_handled_label: Annotated[str, Field(min_length=1)] = "belum ditangani sesuai standar"
    columns: dict[Literal[CANONICAL_COLUMNS], tuple[str, ...]] = Field(default_factory=dict)  # type: ignore[valid-type]
    status_flags: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    counting_unit: CountingUnit = "person"

    @property
    def is_household(self) -> bool:
        """Whether the component counts households (one case per No. KK)."""
        return self.counting_unit == "household"

    def required_columns(self, required: tuple[str, ...]) -> tuple[str, ...]:
        """The columns every register of the component must have: ``required`` (``aliases.yml``),
        and ``no_kk`` for a household unit."""
        return (*required, "no_kk") if self.is_household and "no_kk" not in required else tuple(required)

    @property
    def template_columns(self) -> tuple[str, ...]:
        """The columns of the component's sheet in the Excel template (``no_kk`` for a household unit)."""
        if not self.is_household:
            return TEMPLATE_COLUMNS
        return (*TEMPLATE_COLUMNS[:2], "no_kk", *TEMPLATE_COLUMNS[2:])

    @property
    def prefix(self) -> str:
        """The start of this component's register file names (``file_prefix`` or the id)."""
        return self.file_prefix or self.id


class Target(_Frozen):
    value: float = Field(gt=0)
    source: str


class Renstra(_Frozen):
    document: str
    period_start: int
    period_end: int
    end_target: float = Field(gt=0)
    source: str


class NationalStandard(_Frozen):
    name: str
    basis: str
    value: float = Field(gt=0)
    components: tuple[ComponentId, ...]


class RatingBand(_Frozen):
    min: float | None
    label: str
    alt_label: str


class Efficiency(_Frozen):
    """Ratios (capaian kinerja ÷ realisasi anggaran) read as "balanced": [balanced_min, balanced_max]."""

    balanced_min: float = Field(gt=0)
    balanced_max: float = Field(gt=0)

    @model_validator(mode="after")
    def _check(self) -> "Efficiency":
        if self.balanced_min > self.balanced_max:
            raise ValueError("efficiency: balanced_min tidak boleh lebih besar daripada balanced_max")
        return self


class Policies(_Frozen):
    no_case_component: Literal["exclude", "full", "zero"]
    disclosure_k: int = Field(ge=0)
    sample_data_marker: str


class GateThreshold(_Frozen):
    """When a share of a component's rows breaks a quality gate (data contract §1.8)."""

    majority_share: float = Field(gt=0, le=1)  # above this share: always a breach
    share: float = Field(gt=0, le=1)  # above this share ...
    min_rows: int = Field(ge=1)  # ... and at least this many rows: a breach


class JumpThreshold(_Frozen):
    """When a component's denominator jumped from the previous year's (gate ``lonjakan``)."""

    below: float = Field(gt=0, lt=1)  # under this share of last year's
    above: float = Field(gt=1)  # over this multiple of last year's


class QualityGates(_Frozen):
    """The thresholds of the quality gates (``quality_gates`` in ``iku.yml``)."""

    di_luar_tahun: GateThreshold = GateThreshold(majority_share=0.5, share=0.10, min_rows=5)
    status_kosong: GateThreshold = GateThreshold(majority_share=0.5, share=0.20, min_rows=5)
    lonjakan: JumpThreshold = JumpThreshold(below=0.5, above=2.0)


class IkuConfig(_Frozen):
    """The contents of ``config/iku.yml``."""

    schema_version: Literal[1]
    organization: Organization
    decree: Decree
    indicator: Indicator
    components: tuple[Component, ...]
    targets: dict[int, Target]
    renstra: Renstra
    national_standard: NationalStandard
    rating_bands: tuple[RatingBand, ...]
    rating_bands_source: str
    efficiency: Efficiency
    policies: Policies
    quality_gates: QualityGates = QualityGates()

    @field_validator("components")
    @classmethod
    def _check_components(cls, components: tuple[Component, ...]) -> tuple[Component, ...]:
        ids = [c.id for c in components]
        if not ids:
            raise ValueError("components: paling sedikit satu komponen harus ada")
        if len(set(ids)) != len(ids):
            raise ValueError(f"components: setiap id hanya boleh muncul sekali (tertulis: {ids})")
        prefixes = [c.prefix.lower() for c in components]
        if len(set(prefixes)) != len(prefixes):
            raise ValueError(f"components: awalan nama berkas (file_prefix) harus berbeda-beda (tertulis: {prefixes})")
        return components

    @model_validator(mode="after")
    def _check_component_references(self) -> IkuConfig:
        unknown = [c for c in self.national_standard.components if c not in self.component_ids]
        if unknown:
            raise ValueError(
                f"national_standard.components: {unknown} tidak ada di antara komponen {list(self.component_ids)}"
            )
        return self

    @field_validator("rating_bands")
    @classmethod
    def _check_bands(cls, bands: tuple[RatingBand, ...]) -> tuple[RatingBand, ...]:
        mins = [b.min for b in bands]
        if not bands or mins[-1] is not None or any(m is None for m in mins[:-1]):
            raise ValueError("rating_bands: hanya rentang terakhir (terendah) yang boleh min: null")
        if mins[:-1] != sorted(mins[:-1], reverse=True) or len(set(mins[:-1])) != len(mins) - 1:
            raise ValueError("rating_bands: urutkan dari yang tertinggi, dengan nilai min yang berbeda-beda")
        return bands

    @property
    def component_ids(self) -> tuple[str, ...]:
        """The ids of the components, in configuration order."""
        return tuple(c.id for c in self.components)

    def component(self, component_id: str) -> Component:
        """Return the component with id ``component_id`` (``x1`` … ``xn``)."""
        for component in self.components:
            if component.id == component_id:
                return component
        raise KeyError(component_id)

    def target_for(self, year: int) -> Target:
        """Return the target of ``year``; a missing year is a configuration error."""
        try:
            return self.targets[int(year)]
        except KeyError:
            raise ConfigError(
                # No quotes around the example: every outgoing message is redacted (disclosure.redact_message),
                # and a long quoted stretch would be withheld with the instruction in it.
                f"config/iku.yml: belum ada target tahun {year} di bagian targets, sehingga capaian tahun itu "
                f"tidak dapat dihitung. Tambahkan di bawah tahun terakhir bagian itu baris  {year}: "
                "{value: 100, source: ...}  (nilai target dan dokumen yang menetapkannya), lalu jalankan lagi "
                "(lihat docs/panduan/tahunan.md, langkah 3)."
            ) from None


class Vocabulary(_Frozen):
    """The contents of ``config/aliases.yml``."""

    columns: dict[Literal[CANONICAL_COLUMNS], tuple[str, ...]]  # type: ignore[valid-type]
    required: tuple[str, ...]
    status: dict[Literal["handled", "not_handled"], tuple[str, ...]]
    summary_prefixes: tuple[str, ...]
    place_prefixes: dict[Literal["kecamatan", "kelurahan"], tuple[str, ...]]
    months: dict[str, int]
    ignored_headers: tuple[str, ...] = ()  # known headers the tool does not use (Jenis Kelamin)
    footer_prefixes: tuple[str, ...] = ("Sumber", "Catatan", "Keterangan", "Petunjuk")
    # A sheet whose name starts with one of these is the template's instructions (its example
    # table is no register): skipped when another sheet of the workbook is read (contract §1.1).
    instruction_sheet_prefixes: tuple[str, ...] = (
        "Petunjuk", "Cara Pengisian", "Cara Mengisi", "Panduan", "Instruksi", "Contoh", "Keterangan", "Legenda",
        "Referensi", "Daftar Kode", "Kode Referensi",
    )

    @model_validator(mode="after")
    def _check(self) -> "Vocabulary":
        overlap = {normalize_value(v) for v in self.status["handled"]} & {
            normalize_value(v) for v in self.status["not_handled"]
        }
        if overlap:
            raise ValueError(f"status: nilai ini tercantum di handled sekaligus not_handled: {sorted(overlap)}")
        unknown = set(self.required) - set(CANONICAL_COLUMNS)
        if unknown:
            raise ValueError(f"required: menyebut kolom yang tidak dikenal: {sorted(unknown)}")
        return self

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Map a normalised header to its canonical column name."""
        lookup: dict[str, str] = {}
        for canonical, aliases in self.columns.items():
            for alias in (canonical, *aliases):
                lookup[normalize_key(alias)] = canonical
        return lookup

    @cached_property
    def status_lookup(self) -> dict[str, bool]:
        """Map a normalised status value to handled (True) or not (False)."""
        lookup = {normalize_value(v): True for v in self.status["handled"]}
        lookup.update({normalize_value(v): False for v in self.status["not_handled"]})
        return lookup


class Geography(_Frozen):
    """Kecamatan and kelurahan of the city with their known alternate spellings."""

    kecamatan: tuple[str, ...]
    kelurahan: dict[str, str]  # kelurahan -> kecamatan
    kode: dict[str, str]  # kecamatan -> Kemendagri code
    aliases: dict[str, dict[str, str]]  # level -> alias -> canonical

    @property
    def kecamatan_codes(self) -> dict[str, str]:
        """Map each Kemendagri code of a kecamatan (``62.71.01``) to the kecamatan."""
        return {code: name for name, code in self.kode.items()}

    @property
    def kecamatan_listing(self) -> str:
        """The kecamatan with their codes, for a message: ``Pahandut (62.71.01), Bukit Batu (62.71.02), …``."""
        return ", ".join(f"{name} ({self.kode[name]})" if self.kode.get(name) else name for name in self.kecamatan)


class JenisLists(_Frozen):
    """Reference lists of jenis (PSKS, PPKS, disasters) and their aliases."""

    lists: dict[Literal["psks", "ppks", "bencana"], tuple[str, ...]]
    aliases: dict[str, str]

    @model_validator(mode="after")
    def _check(self) -> "JenisLists":
        known = {j for names in self.lists.values() for j in names}
        bad = sorted(t for t in self.aliases.values() if t not in known)
        if bad:
            raise ValueError(f"aliases: menunjuk jenis yang tidak ada di daftar mana pun: {bad}")
        return self


ProblemLevel = Literal["error", "warning", "info"]
# Names ProblemLog.add/add_rows take themselves: a message placeholder may not use them.
RESERVED_PROBLEM_PARAMS = frozenset(
    {"code", "level", "message", "file", "sheet", "row", "rows", "column", "value", "values", "variant"}
)
_PROBLEM_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def template_fields(template: str) -> list[str]:
    """Return the placeholder names of a ``str.format`` template, in order of appearance.

    Raises:
        ValueError: A placeholder is positional (``{}``, ``{0}``) or not a plain name
            (``{a.b}``, ``{a[0]}``), or the braces are unbalanced.
    """
    names = []
    for _, name, _, _ in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"placeholder {{{name}}} must be a plain name")
        names.append(name)
    return names


class MessageTemplate(_Frozen):
    """A message shown to the user, with its declared placeholders."""

    message: str = Field(min_length=1)
    params: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> MessageTemplate:
        found = set(template_fields(self.message))
        if found != set(self.params) or len(set(self.params)) != len(self.params):
            raise ValueError(
                f"params {list(self.params)} do not match the placeholders {sorted(found)} of {self.message!r}"
            )
        reserved = sorted(found & RESERVED_PROBLEM_PARAMS)
        if reserved:
            raise ValueError(f"placeholders {reserved} are reserved (location arguments of ProblemLog.add)")
        return self

    def render(self, params: Mapping[str, object]) -> str:
        """Return the message with ``params`` filled in.

        Raises:
            TypeError: ``params`` are not exactly the declared ones.
        """
        if set(params) != set(self.params):
            raise TypeError(
                f"message expects parameters {sorted(self.params)}, got {sorted(params)}: {self.message!r}"
            )
        return self.message.format(**params)


class ProblemEntry(MessageTemplate):
    """One kind of problem of ``config/problems.yml``.

    Attributes:
        level: error (stops the run), warning or info.
        section: The data-contract section enforced (``"§1.2"``); None for files outside it.
        arti: What the problem means, for the user guide (Bahasa Indonesia).
        tindakan: What to do about it, for the user guide (Bahasa Indonesia).
        variants: Other messages of the same code, by name, for situations that differ.
        is_usage_error: The problem is a wrong use of the tool (exit code 2), not an error in
            the data (a symbolic link out of the year folder).
    """

    level: ProblemLevel
    section: str | None = Field(pattern=r"^§\d+(\.\d+)*$")
    arti: str = Field(min_length=1)
    tindakan: str = Field(min_length=1)
    variants: dict[str, MessageTemplate] = Field(default_factory=dict)
    is_usage_error: bool = False

    def template(self, variant: str | None = None) -> MessageTemplate:
        """Return the message template of ``variant`` (the main one when None)."""
        if variant is None:
            return self
        try:
            return self.variants[variant]
        except KeyError:
            raise KeyError(f"no message variant {variant!r}; known: {sorted(self.variants)}") from None


class ProblemCatalogue(_Frozen):
    """The contents of ``config/problems.yml``: every problem code the ingest stage reports."""

    schema_version: Literal[1]
    problems: dict[str, ProblemEntry]

    @field_validator("problems")
    @classmethod
    def _check_codes(cls, problems: dict[str, ProblemEntry]) -> dict[str, ProblemEntry]:
        bad = sorted(code for code in problems if not _PROBLEM_CODE.match(code))
        if bad:
            raise ValueError(f"codes must be lower-case snake_case identifiers: {bad}")
        return problems


class Limits(_Frozen):
    """Bounds on time and input size (``config/limits.yml``; every key optional).

    Attributes:
        cell_timeout_seconds: Longest a notebook cell may run.
        notebook_timeout_seconds: Longest a whole notebook may run.
        kernel_start_timeout_seconds: Longest to wait for the kernel to answer.
        pdf_timeout_seconds: Longest the PDF printer may take.
        lock_wait_seconds: How long a run waits for another run holding the same output folder.
        workbook_max_uncompressed_mb: Largest total size of a workbook's parts once unzipped.
        workbook_max_compression_ratio: Largest unzipped/zipped ratio of a big workbook part.
        workbook_max_cells: Most filled cells one workbook may hold.
    """

    cell_timeout_seconds: PositiveInt = 600
    notebook_timeout_seconds: PositiveInt = 1800
    kernel_start_timeout_seconds: PositiveInt = 60
    pdf_timeout_seconds: PositiveInt = 120
    lock_wait_seconds: NonNegativeInt = 10
    workbook_max_uncompressed_mb: PositiveInt = 512
    workbook_max_compression_ratio: PositiveInt = 200
    workbook_max_cells: PositiveInt = 20_000_000


class Settings(_Frozen):
    """Everything under ``config/``, validated."""

    iku: IkuConfig
    vocabulary: Vocabulary
    geography: Geography
    jenis: JenisLists
    config_dir: Path
    limits: Limits = Limits()

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True, defer_build=True)


_KEY_DROP = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def normalize_key(text: object) -> str:
    """Normalise a header or a name (place, jenis) for matching: lower case, letters and digits only."""
    return _KEY_DROP.sub("", str(text).lower())


def normalize_value(text: object) -> str:
    """Normalise a cell value: trimmed, single spaces, lower case (keeps symbols like ✓)."""
    return _SPACES.sub(" ", str(text)).strip().lower()


def _not_found(path: Path) -> str:
    return (f"{path}: berkas konfigurasi tidak ditemukan. Pastikan folder konfigurasi (--config) memuat berkas ini; "
            "salinan aslinya ada di folder config/ proyek.")


# libyaml's loader when PyYAML was built with it (the wheels are): about ten times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str):
    """Parse YAML text safely (plain data only), with libyaml when available."""
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise ConfigError(_not_found(path))
    try:
        data = load_yaml_text(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"{path}: isi berkas bukan YAML yang sah. Periksa baris yang disebut di bawah: indentasi memakai "
            "spasi (bukan tab), ada titik dua sesudah nama bagian, dan tanda kutip berpasangan; lalu jalankan "
            f"lagi.\n  Rincian: {exc}"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: isi berkas harus berupa bagian-bagian 'nama: nilai' di tingkat teratas. "
                          "Bandingkan dengan berkas asli di folder config/ proyek, perbaiki, lalu jalankan lagi.")
    return data


# What pydantic's error types mean, in the words of the messages (pydantic's own text is English).
_VALIDATION_WORDS = {
    "int_parsing": "harus bilangan bulat", "int_type": "harus bilangan bulat", "int_from_float": "harus bilangan bulat",
    "float_parsing": "harus angka", "float_type": "harus angka", "decimal_parsing": "harus angka",
    "string_type": "harus teks", "bool_parsing": "harus true atau false", "bool_type": "harus true atau false",
    "tuple_type": "harus daftar, mis. [A, B]", "list_type": "harus daftar, mis. [A, B]",
    "set_type": "harus daftar, mis. [A, B]", "dict_type": "harus bagian berisi pasangan kunci: nilai",
    "model_type": "harus bagian berisi pasangan kunci: nilai",
    "model_attributes_type": "harus bagian berisi pasangan kunci: nilai",
    "date_parsing": "harus tanggal YYYY-MM-DD", "date_type": "harus tanggal YYYY-MM-DD",
    "date_from_datetime_parsing": "harus tanggal YYYY-MM-DD",
    "greater_than_equal": "paling kecil {ge}", "greater_than": "harus lebih dari {gt}",
    "less_than_equal": "paling besar {le}", "less_than": "harus kurang dari {lt}",
    "string_too_short": "terlalu pendek (paling sedikit {min_length} huruf)",
    "string_too_long": "terlalu panjang (paling banyak {max_length} huruf)",
    "too_short": "isinya terlalu sedikit (paling sedikit {min_length})",
    "too_long": "isinya terlalu banyak (paling banyak {max_length})",
    "literal_error": "harus salah satu dari: {expected}", "enum": "harus salah satu dari: {expected}",
    "extra_forbidden": "tidak dikenal (hapus, atau periksa ejaannya)", "missing": "wajib diisi",
    "frozen_set_type": "harus daftar, mis. [A, B]", "none_required": "harus kosong",
    "string_pattern_mismatch": "tidak sesuai bentuk yang diminta (pola {pattern})",
}


def describe_validation_error(error: dict) -> str:
    """Return what one pydantic validation error means, in Bahasa Indonesia (never pydantic's English).

    A check of our own (``ValueError`` in a validator) keeps its message, written in Indonesian.
    """
    if error["type"] == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    words = _VALIDATION_WORDS.get(error["type"], "tidak sah")
    try:
        return words.format(**{k: v for k, v in (error.get("ctx") or {}).items()})
    except (KeyError, IndexError):
        return words.split(" {")[0]


def _validate(model: type[BaseModel], data: dict, path: Path) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"  - {'.'.join(str(p) for p in err['loc']) or '(isi berkas)'}: {describe_validation_error(err)}"
            for err in exc.errors()
        ]
        raise ConfigError(
            f"{path}: konfigurasi tidak sah. Perbaiki setiap bagian berikut (nama bagian: apa yang salah), "
            "lalu jalankan lagi:\n" + "\n".join(lines)
        ) from None


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise ConfigError(_not_found(path))
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise ConfigError(f"{path}: baris pertama berkas harus tepat berisi kolom {','.join(columns)} "
                              f"(dipisah koma, dengan urutan itu), tetapi berisi {','.join(reader.fieldnames or ())}. "
                              "Perbaiki baris judulnya, lalu jalankan lagi.")
        return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def _load_geography(config_dir: Path) -> Geography:
    rows = _read_csv(config_dir / "wilayah.csv", ("kode_kecamatan", "kecamatan", "kelurahan"))
    kecamatan = tuple(dict.fromkeys(r["kecamatan"] for r in rows))
    kode = {r["kecamatan"]: r["kode_kecamatan"] for r in rows}
    path = config_dir / "wilayah.csv"
    for row in rows:  # a code resolves a kecamatan (data contract §1.3): it must be one kecamatan's only code
        if row["kode_kecamatan"] != kode[row["kecamatan"]]:
            raise ConfigError(
                f"{path}: kecamatan {row['kecamatan']!r} memiliki dua kode ({kode[row['kecamatan']]!r} dan "
                f"{row['kode_kecamatan']!r}). Tulis kode Kemendagri yang sama pada setiap baris kecamatan itu, lalu "
                "jalankan lagi."
            )
    shared = sorted({c for c in kode.values() if list(kode.values()).count(c) > 1})
    if shared:
        raise ConfigError(
            f"{path}: kode {', '.join(shared)} dipakai oleh lebih dari satu kecamatan. Setiap kecamatan harus "
            "memiliki kode Kemendagri sendiri; perbaiki kolom kode_kecamatan, lalu jalankan lagi."
        )
    kelurahan = {r["kelurahan"]: r["kecamatan"] for r in rows}
    alias_path = config_dir / "wilayah_alias.csv"
    aliases: dict[str, dict[str, str]] = {"kecamatan": {}, "kelurahan": {}}
    for row in _read_csv(alias_path, ("level", "alias", "canonical")):
        if row["level"] not in aliases:
            raise ConfigError(
                f"{alias_path}: alias {row['alias']!r} bertingkat {row['level']!r}; kolom level harus berisi "
                "kecamatan atau kelurahan. Perbaiki baris itu, lalu jalankan lagi."
            )
        known = kecamatan if row["level"] == "kecamatan" else tuple(kelurahan)
        if row["canonical"] not in known:
            raise ConfigError(
                f"{alias_path}: alias {row['alias']!r} menunjuk ke {row['canonical']!r}, yang bukan nama "
                f"{row['level']} dalam wilayah.csv. Tulis pada kolom canonical nama {row['level']} persis seperti "
                "di config/wilayah.csv, atau hapus baris itu, lalu jalankan lagi."
            )
        aliases[row["level"]][row["alias"]] = row["canonical"]
    return Geography(kecamatan=kecamatan, kelurahan=kelurahan, kode=kode, aliases=aliases)


def load_settings(config_dir: str | Path | None = None) -> Settings:
    """Load and validate every configuration file under ``config_dir``.

    Args:
        config_dir: The configuration folder; the project's ``config/`` when omitted.

    Returns:
        The validated, frozen settings.

    Raises:
        ConfigError: A file is missing or a value is invalid (the message says where).
    """
    folder = paths.resolve(config_dir) if config_dir else paths.CONFIG_DIR
    # The notebooks of a run share one kernel and each loads the settings: validate once
    # while no file of the folder changed (frozen models, so sharing them is safe).
    signature = _folder_signature(folder)
    cached = _SETTINGS_CACHE.get(folder)
    if cached is not None and cached[0] == signature:
        return cached[1]
    settings = _load_settings_uncached(folder)
    _SETTINGS_CACHE[folder] = (signature, settings)
    return settings


_SETTINGS_CACHE: dict[Path, tuple[tuple, "Settings"]] = {}


def _folder_signature(folder: Path) -> tuple:
    """Return what identifies the state of a configuration folder: each file's name, size and mtime."""
    if not folder.is_dir():
        return ()
    files = [(p, p.stat()) for p in sorted(folder.rglob("*")) if p.is_file()]
    return tuple((str(p.relative_to(folder)), stat.st_mtime_ns, stat.st_size) for p, stat in files)


def _load_settings_uncached(folder: Path) -> "Settings":
    iku_path, alias_path, jenis_path = folder / "iku.yml", folder / "aliases.yml", folder / "jenis.yml"
    return Settings(
        iku=_validate(IkuConfig, _read_yaml(iku_path), iku_path),
        vocabulary=_validate(Vocabulary, _read_yaml(alias_path), alias_path),
        geography=_load_geography(folder),
        jenis=_validate(JenisLists, _read_yaml(jenis_path), jenis_path),
        config_dir=folder,
        limits=load_limits(folder),
    )


def load_limits(config_dir: str | Path | None = None) -> Limits:
    """Load ``limits.yml`` under ``config_dir`` (the defaults when the file is absent).

    Raises:
        ConfigError: The file is invalid (the message says where).
    """
    folder = paths.resolve(config_dir) if config_dir else paths.CONFIG_DIR
    path = folder / "limits.yml"
    return _validate(Limits, _read_yaml(path), path) if path.is_file() else Limits()


def load_problem_catalogue(config_dir: str | Path | None = None) -> ProblemCatalogue:
    """Load and validate ``problems.yml`` (the catalogue of problem codes) under ``config_dir``.

    Args:
        config_dir: The configuration folder; the project's ``config/`` when omitted.

    Raises:
        ConfigError: The file is missing or invalid (the message says where).
    """
    folder = paths.resolve(config_dir) if config_dir else paths.CONFIG_DIR
    path = folder / "problems.yml"
    return _validate(ProblemCatalogue, _read_yaml(path), path)
