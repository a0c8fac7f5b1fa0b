"""Property-based tests: registers with random corruptions never crash the cleaning stage.

Issue: "each run either succeeds with correct counts or fails with a located error, and never
writes a report" (data contract §1.5, §2, §4).

The strategy :func:`valid_folders` builds a whole year folder (x1–x4, 0–15 rows each) from
*persons*, so the expected counts are known by construction rather than recomputed: a person
is one case however many rows (with NIK, name, place and status spelled differently) carry
it; a row dated in another year is read but not kept; blank rows, a summary row and title
rows above the header are added at random. Files are csv (comma, semicolon, pipe or tab,
UTF-8/-sig or Windows-1252, LF or CRLF; quoted line breaks in titles, header and name cells),
xlsx, xlsm or ods, one or two per component, workbooks with one or two data sheets and
sometimes an instructions sheet.

The layout surfaces of data contract v2 (§1.1, §1.2, §1.4; user guide "Tata letak lembar") are
drawn too, each with its count known by construction: a stacked two-row header (a group title
such as ``Alamat`` over ``Kecamatan | Kelurahan``; merged cells in xlsx/xlsm, ``merge_range``),
a column-number row (``1 2 3`` or ``(1) (2)``) below the header, header texts with a trailing
column number (``Kecamatan (7)``) or doubled inner spaces, a key–value block
(``Kabupaten/Kota : Palangka Raya``) and blank rows above the header, which starts anywhere on
rows 1-40 (also exactly on row 40, a stacked second row past it); group rows (``KECAMATAN
PAHANDUT``), ``Sumber :``/``Keterangan :`` footers, a ``###`` end marker with junk rows below it
(a total, an invalid row: not read); a stray cell far right (column 200 or XFD) or far below (a
space in A1048576: the sheet is read sparsely); Unicode separators (U+2028, U+2029, form feed,
NEL, vertical tab) in a title or name cell. The log must locate every group, footer, end-marker,
stacked-header and column-number row where the spec put it.

:func:`corrupted_folders` then applies one corruption (see ``CORRUPTIONS``) and says what must
happen: the exact set of located errors, or success with the counts of the changed spec
(for the corruptions that are only warnings).

Properties: valid folders give the counts known by construction; a corrupted folder fails
with exactly the expected located errors (or keeps the counts); two corrupted registers are
both reported in one run; ``ikuanalysis validate`` exits 1 (or 0 with the counts) and writes
nothing; ``write_processed`` is never reached for a failed year, so ``data/processed`` keeps
the previous year's files. (The full ``report`` command runs papermill, ~10 s: its failure
path is tested once in tests/e2e/test_report.py, not here.)

Spreadsheet error cells (``#N/A`` from a failed VLOOKUP, ``#VALUE!``, …) are one of the
corruptions: written as formula error cells in xlsx/xlsm/ods and as the code's text in a csv,
in any column the tool uses, they always give exactly one error at that cell (contract §1.3).
Two others only warn and keep the counts: a 16-digit NIK in a number cell ending in 0 (its case
is then identified by name) and a bare year in the date column. Layout faults: a header pushed
below row 40 is not found (``header_not_found``, or the sheet is skipped when its workbook has
another table), and a row holding only a name is a data row whose blank kecamatan is an error at
its cell (``unknown_kecamatan``).

The bugs this suite found have minimal reproducers at the end (``test_regression_*``).

Each property runs a few examples in the everyday run (hypothesis profile ``default``) and four
times as many as it ran before issue 12 with ``HYPOTHESIS_PROFILE=thorough`` (profiles registered
in tests/conftest.py; docs/development.md). ``IKU_PROPERTY_SCALE=10`` multiplies either count, and
``IKU_PROPERTY_SHRINK=1`` shrinks a failure.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import zipfile
from unittest import mock
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, Phase, given, note
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ikuanalysis.cli import main
from ikuanalysis.config import GateThreshold, QualityGates, load_settings
from ikuanalysis.ingest.problems import RegisterError
from ikuanalysis.ingest.store import read_summary, write_processed
from ikuanalysis.ingest.year import clean_year
from tests.conftest import THOROUGH_PROFILE
from tests.fixtures.registers import ErrorCell, register_bytes, write_register
from tests.fixtures.registers import Sheet as RegisterSheet

# The quality gates (contract §1.8) judge a whole component's share of out-of-year or blank-status
# rows; they have their own tests (tests/ingest/test_gates.py). Here they are switched off (no share
# is above 100 %), so that the row rules can be checked on registers of any mix of rows.
_PROJECT_SETTINGS = load_settings()
_NO_GATE = GateThreshold(majority_share=1.0, share=1.0, min_rows=10**9)
CONFIG = _PROJECT_SETTINGS.model_copy(update={"iku": _PROJECT_SETTINGS.iku.model_copy(update={
    "quality_gates": QualityGates(di_luar_tahun=_NO_GATE, status_kosong=_NO_GATE)})})
YEAR = 2025
KEY = b"property-tests"
COMPONENTS = ("x1", "x2", "x3", "x4")
REQUIRED = ("nama", "jenis", "kecamatan", "status")
_SCALE = float(os.environ.get("IKU_PROPERTY_SCALE", "1"))


def profile(everyday: int, thorough: int) -> hsettings:
    """Hypothesis settings of this suite: reproducible (derandomize, no database), no deadline.

    ``everyday`` examples in the default profile, ``thorough`` with ``HYPOTHESIS_PROFILE=thorough``
    (tests/conftest.py); both times ``IKU_PROPERTY_SCALE``.
    """
    examples = thorough if hsettings.get_current_profile_name() == THOROUGH_PROFILE else everyday
    return hsettings(
        max_examples=max(1, int(examples * _SCALE)),
        deadline=None,
        derandomize=True,
        database=None,
        # Shrinking these folders can take minutes; the failing example is printed unshrunk
        # (with notes). IKU_PROPERTY_SHRINK=1 shrinks it.
        phases=None if os.environ.get("IKU_PROPERTY_SHRINK") == "1" else [Phase.explicit, Phase.generate],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
            HealthCheck.data_too_large, HealthCheck.large_base_example,
        ],
    )


# --- vocabulary of the generated registers ---------------------------------------------------

def _key(text: str) -> str:
    """Case, spaces and punctuation do not matter (contract §1.1, §1.3)."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


FIRST = ["Siti", "Budi", "Ani", "Dedi", "Yohana", "Agustinus", "Maria", "Lambung", "Rusmini", "José"]
LAST = ["Aminah", "Santoso", "Lestari", "Saputra", "Itat", "Dahan", "Uju", "Sahay"]
NAMES = [f"{first} {last}" for first in FIRST for last in LAST]
assert len({_key(n) for n in NAMES}) == len(NAMES), "generator: names must differ after normalisation"

YES = ["Ya", "Y", "Sudah", "Sesuai", "Sesuai Standar", "Tepat", "Tepat Sasaran", "Menerima", "Sudah Menerima",
       "Aktif", "Berkontribusi", "1", "True", "✓", "√", "V"]
NO = ["Tidak", "T", "Belum", "Tidak Sesuai", "Tidak Tepat", "Tidak Tepat Sasaran", "Belum Menerima",
      "Tidak Aktif", "0", "False", "-"]
SUMMARY_LABELS = ["JUMLAH", "Jumlah", "TOTAL", "Total Keseluruhan", "Sub Total", "SUBTOTAL", "Grand Total", "Rekap"]
TITLES = ["DAFTAR PPKS KOTA PALANGKA RAYA", "TAHUN 2025", "Dinas Sosial Kota Palangka Raya",
          "Bidang Rehabilitasi Sosial", None]
SEPARATORS = ["\u2028", "\u2029", "\f", "\x85", "\v"]  # not row breaks (contract §1.1)
# A key–value block above the header: one cell "Key : value" or the key and value (and a colon) apart.
KEY_VALUES = ["Kabupaten/Kota : Palangka Raya", "Provinsi: Kalimantan Tengah", "Tahun Anggaran : 2025",
              ["Kabupaten/Kota", ":", "Palangka Raya"], ["Periode", "Januari s.d. Desember 2025"],
              ["Dinas", "", "Dinas Sosial"], ["Tahun", 2025]]
# A stacked header: a group title over adjacent columns (it names no field itself, nor joined with them).
GROUP_TITLES = {("kecamatan", "kelurahan"): ["Alamat", "Wilayah", "Lokasi"], ("nik", "nama"): ["Identitas"],
                ("tanggal", "status"): ["Penanganan"]}
GROUP_ROWS = ["KECAMATAN PAHANDUT", "Kecamatan Jekan Raya", "KELURAHAN LANGKAI", "A. Wilayah Utara",
              "I. PANTI SOSIAL"]
FOOTERS = [["Sumber : Dinas Sosial Kota Palangka Raya"], ["Keterangan :"], ["Catatan:", "data per Desember"],
           ["Sumber :", "", "SIKS-NG"], ["Petunjuk: kolom bertanda * wajib diisi"]]
FAR_VALUES = ["x", " ", "catatan lama", 12345]
ALAMAT = ["Jl. Tjilik Riwut km 5", "RT 02/RW 01", "Jl. G. Obos XII", ""]
KETERANGAN = ["", "pindahan", "baru", "verifikasi ulang", "-"]
EXTRA_HEADERS = {"no": ["No", "No.", "NO"], "alamat": ["Alamat", "ALAMAT"], "keterangan": ["Keterangan", "Ket."]}
SLUGS = ["psks", "rehsos", "lansia", "bansos", "bencana", "data", "register"]
SHEET_NAMES = ["Data", "Sheet1", "Daftar", "Triwulan I", "Triwulan II", "Pahandut"]
KNOWN_NIK_BLANKS = ["", "-", "'"]  # not a NIK at all (blank after cleaning): no warning
INVALID_NIKS = ["123", "6271 0101", "62710101010100011", "belum ada", "0"]  # a warning each

GEO = CONFIG.geography
KECAMATAN = list(GEO.kecamatan)
KELURAHAN_OF = {kec: [kel for kel, k in GEO.kelurahan.items() if k == kec] for kec in KECAMATAN}
KEC_ALIASES = {kec: [a for a, t in GEO.aliases["kecamatan"].items() if t == kec] for kec in KECAMATAN}
KEL_ALIASES = {kel: [a for a, t in GEO.aliases["kelurahan"].items() if t == kel] for kel in GEO.kelurahan}
UNKNOWN_KELURAHAN = ["Kampung Baru", "Sei Mendawai", "Bukit Rawi"]
_known_places = {_key(p) for p in [*KECAMATAN, *GEO.kelurahan, *GEO.aliases["kelurahan"], *GEO.aliases["kecamatan"]]}
assert not {_key(k) for k in UNKNOWN_KELURAHAN} & _known_places

JENIS_LIST = {c.id: c.jenis_list for c in CONFIG.iku.components}
KNOWN_JENIS = {name: list(values) for name, values in CONFIG.jenis.lists.items()}
JENIS_ALIASES = {name: [a for a, t in CONFIG.jenis.aliases.items() if t in values]
                 for name, values in CONFIG.jenis.lists.items()}
UNKNOWN_JENIS = {"psks": ["Relawan Desa", "Ormas Lain"], "ppks": ["Anak Hilang", "Korban Banjir Rob"],
                 "bencana": ["Gempa Bumi", "Tanah Longsor"]}
for _list, _names in UNKNOWN_JENIS.items():
    _reference = {_key(j).replace("terlantar", "telantar") for j in [*KNOWN_JENIS[_list], *JENIS_ALIASES[_list]]}
    assert not {_key(n) for n in _names} & _reference
MONTH_NAMES = {m: [name for name, v in CONFIG.vocabulary.months.items() if v == m] for m in range(1, 13)}
EXCEL_EPOCH = dt.date(1899, 12, 30)


# --- the spec of a year folder ------------------------------------------------------------------

@dataclass
class Record:
    """One data row, with what it must count as."""

    case: str  # the case it belongs to (a person, or the row itself when it has no identity)
    cells: dict[str, object]
    other_year: bool = False
    handled: bool = False
    blank_status: bool = False
    blank_date: bool = False
    invalid_nik: bool = False
    unknown_jenis: bool = False
    unknown_kelurahan: bool = False
    by_nik: bool = False  # identified by a valid NIK (its name does not matter)


END_MARKER = "###"


@dataclass
class Sheet:
    """A sheet (or the only table of a csv): title rows, header, body lines."""

    name: str  # "" for csv
    titles: list[object]  # per title row: one cell, a list of cells (a key–value row) or None (blank row)
    columns: list[str]  # canonical names, extras ("no", ...) or "dup:<canonical>"
    headers: list[str]  # the header text each column is read by (a stacked header: its lower cell)
    # ("data", Record) | ("blank", None) | ("summary", {column: value}) | ("group", (column, text))
    # | ("footer", [cells from column A]) | ("end", None): ### in column A | ("after", {column: value})
    # below ### (not read) | ("name_alone", name): a row with only a nama cell (a corruption)
    body: list[tuple[str, object]]
    header_removed: bool = False
    header_too_low: bool = False  # the header starts below row 40 (a corruption): not found
    # A stacked header: group title -> the columns under it (the other columns' text is in the upper
    # row); in xlsx written with merged cells (merge_cells), in the other formats as plain cells.
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    merge_cells: bool = False
    number_row: str = ""  # a column-number row below the header: "" none, "plain" (1 2 3) or "paren" ((1) (2))
    far_right: tuple[int, int, object] | None = None  # (line index, column, value): a stray cell far right
    far_below: bool = False  # xlsx/xlsm: a space in the last row of the sheet (read sparsely, costs nothing)
    # csv only: titles padded with separators, trailing empty fields trimmed, blank lines at the end
    pad_titles: bool = False
    trim: bool = False
    trailing_blank: int = 0

    @property
    def read(self) -> bool:
        """Whether the reader finds this sheet's table."""
        return not (self.header_removed or self.header_too_low)

    def active_groups(self) -> dict[str, list[str]]:
        """The groups of a stacked header with the columns left under them (a corruption may drop some)."""
        out = {title: [c for c in cols if c in self.columns] for title, cols in self.groups.items()}
        return {title: cols for title, cols in out.items() if cols}

    @property
    def stacked(self) -> bool:
        return bool(self.active_groups()) and not self.header_removed

    @property
    def header_row(self) -> int:
        """The header's spreadsheet row (the upper row of a stacked header)."""
        return len(self.titles) + 1

    @property
    def number_row_at(self) -> int | None:
        return self.header_row + self.stacked + 1 if self.number_row and not self.header_removed else None

    def row_of(self, body_index: int) -> int:
        return self.header_row + 1 + self.stacked + bool(self.number_row_at) + body_index

    def header_of(self, column: str) -> str:
        return self.headers[self.columns.index(column)]

    def _header_lines(self, blank) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
        """The header rows and, for a stacked header, the merged ranges (relative to the upper row)."""
        if not self.stacked:
            return [list(self.headers)], []
        group_of = {c: title for title, cols in self.active_groups().items() for c in cols}
        upper, lower, ranges, seen = [], [], [], {}
        for position, (column, text) in enumerate(zip(self.columns, self.headers)):
            title = group_of.get(column)
            if title is None:
                upper.append(text)
                lower.append(blank)
                ranges.append((0, position, 1, position))  # text merged over both rows
            elif title not in seen:
                seen[title] = [position, position]
                upper.append(title)
                lower.append(text)
            else:
                if seen[title][1] == position - 1:
                    seen[title][1] = position
                upper.append(blank)
                lower.append(text)
        ranges += [(0, first, 0, last) for first, last in seen.values() if last > first]
        return [upper, lower], ranges

    def lines(self, csv_style: bool) -> list[list[object]]:
        return self.layout(csv_style)[0]

    def layout(self, csv_style: bool) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
        """The sheet's rows and its merged ranges (absolute, 0-based)."""
        blank = "" if csv_style else None
        width = len(self.columns)
        pad = [""] * (width - 1) if self.pad_titles else []
        out: list[list[object]] = []
        for t in self.titles:
            cells = list(t) if isinstance(t, list) else [t] if t else []
            out.append([*cells, *pad[len(cells) - 1:]] if cells else list(pad))
        ranges = []
        if self.header_removed:
            out.append(["DAFTAR (judul kolom terhapus)"])
        else:
            header, relative = self._header_lines(blank)
            ranges = [(r0 + len(out), c0, r1 + len(out), c1) for r0, c0, r1, c1 in relative
                      if self.merge_cells and (r0, c0) != (r1, c1)]
            out.extend(header)
            if self.number_row:
                numbers = range(1, width + 1)
                out.append([f"({n})" for n in numbers] if self.number_row == "paren"
                           else [str(n) if csv_style else n for n in numbers])
        for kind, item in self.body:
            if kind == "data":
                cells = []
                for col in self.columns:
                    value = item.cells.get(col.removeprefix("dup:"), blank)
                    cells.append(blank if value is None else value)
                out.append(cells)
            elif kind in ("summary", "after"):
                out.append([item.get(col, blank) for col in self.columns])
            elif kind == "group":
                column, text = item
                out.append([text if col == column else blank for col in self.columns])
            elif kind == "name_alone":
                out.append([item if col == "nama" else blank for col in self.columns])
            elif kind == "footer":
                out.append([*item, *[blank] * (width - len(item))] if csv_style else list(item))
            elif kind == "end":
                out.append([END_MARKER, *[blank] * (width - 1)] if csv_style else [END_MARKER])
            else:
                out.append([blank] * width if csv_style and width > 1 else [])
        out.extend([blank] * width for _ in range(self.trailing_blank))
        if self.far_right is not None:
            line, column, value = self.far_right
            row = out[line]
            out[line] = [*row, *[blank] * (column - len(row)), value]
        if self.trim:
            out = [line[: max([i + 1 for i, v in enumerate(line) if v not in ("", None)], default=0)]
                   for line in out]
        return out, ranges


@dataclass
class RegisterFile:
    component: str
    name: str
    fmt: str  # csv | xlsx | xlsm | ods
    sheets: list[Sheet]
    sep: str = ";"
    encoding: str = "utf-8"
    newline: str = "\n"
    info_sheets: list[tuple[int, str]] = field(default_factory=list)  # (position, name) of non-data sheets
    raw_bytes: bytes | None = None  # corruption: the file's content replaced
    truncate_to: float | None = None  # corruption: the written file cut to this fraction

    @property
    def is_workbook(self) -> bool:
        return self.fmt != "csv"


@dataclass
class Folder:
    files: list[RegisterFile]
    other_files: dict[str, bytes] = field(default_factory=dict)
    warnings: list[Err] = field(default_factory=list)  # located warnings a run that passes must log

    def spots(self):
        """Every data row: (file, sheet, body index, record)."""
        return [(f, s, i, item) for f in self.files for s in f.sheets
                for i, (kind, item) in enumerate(s.body) if kind == "data"]


# --- writing a spec to disk --------------------------------------------------------------------

def _sheet(sheet: Sheet, fmt: str) -> RegisterSheet:
    rows, ranges = sheet.layout(csv_style=False)
    return RegisterSheet(sheet.name, rows, ranges=ranges if fmt in ("xlsx", "xlsm") else ())


_FAR_CELL = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t xml:space="preserve"> </t></is></c></row>'


def _with_far_cells(data: bytes, parts: set[str]) -> bytes:
    """Put a space in cell A1048576 of these sheet parts (xlsxwriter would loop over every row up to it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename in parts and b"<sheetData/>" in content:
                content = content.replace(b"<sheetData/>", b"<sheetData>" + _FAR_CELL + b"</sheetData>")
            elif info.filename in parts:
                content = content.replace(b"</sheetData>", _FAR_CELL + b"</sheetData>")
            dst.writestr(info, content)
    return out.getvalue()


def _sheets(reg: RegisterFile) -> list[RegisterSheet]:
    """The sheets of a workbook in order, the instructions sheets (no header) among them."""
    order = [_sheet(s, reg.fmt) for s in reg.sheets]
    for position, name in reg.info_sheets:
        note = "Petunjuk: isi satu baris per orang; jangan mengubah judul kolom."
        order.insert(min(position, len(order)), RegisterSheet(name, [[note]]))
    return order


def _register_bytes(reg: RegisterFile) -> bytes:
    if reg.fmt == "csv":
        return register_bytes("csv", [RegisterSheet("", reg.sheets[0].lines(csv_style=True))], delimiter=reg.sep,
                              encoding=reg.encoding, newline=reg.newline)
    data = register_bytes(reg.fmt, _sheets(reg))
    if reg.fmt in ("xlsx", "xlsm") and any(s.far_below for s in reg.sheets):  # xlsxwriter names parts in order
        names = [s.name for s in _sheets(reg)]
        far = {s.name for s in reg.sheets if s.far_below}
        data = _with_far_cells(data, {f"xl/worksheets/sheet{i}.xml" for i, n in enumerate(names, 1) if n in far})
    return data


def write_folder(folder: Folder, raw_root: Path) -> Path:
    """Write the spec as ``raw_root/<YEAR>``; return that folder."""
    year_dir = raw_root / str(YEAR)
    year_dir.mkdir(parents=True)
    for reg in folder.files:
        data = reg.raw_bytes if reg.raw_bytes is not None else _register_bytes(reg)
        if reg.truncate_to is not None:
            data = data[: int(len(data) * reg.truncate_to)]
        (year_dir / reg.name).write_bytes(data)
    for name, data in folder.other_files.items():
        (year_dir / name).write_bytes(data)
    return year_dir


# --- expected counts ------------------------------------------------------------------------------

STAT_FIELDS = ("rows_in_files", "blank_rows", "summary_rows", "rows_read", "excluded_other_year",
               "duplicates_merged", "cases", "handled", "blank_status", "blank_date", "invalid_nik",
               "unknown_jenis", "unknown_kelurahan")


def counted_rows(body: list) -> list:
    """The rows of a sheet's body that count: not the blank ones below its last row holding more
    than a note (a group row), nor the trailing blank rows (contract §1.4: formatting, a stray
    cell far away, count nothing)."""
    last = max((i for i, (kind, _) in enumerate(body) if kind not in ("blank", "group")), default=-1)
    return [entry for i, entry in enumerate(body) if i <= last or entry[0] != "blank"]


def expected_stats(folder: Folder) -> dict[str, dict[str, int]]:
    """The counts each component must have, read off the spec (every file assumed readable)."""
    out = {}
    for cid in COMPONENTS:
        sheets = [s for f in folder.files if f.component == cid for s in f.sheets if s.read]
        body = [entry for s in sheets for entry in counted_rows(s.body)]
        records = [item for kind, item in body if kind == "data"]
        kept = [r for r in records if not r.other_year]
        cases = {r.case for r in kept}
        out[cid] = {
            "rows_in_files": len(body),
            "blank_rows": sum(kind == "blank" for kind, _ in body),
            "summary_rows": sum(kind == "summary" for kind, _ in body),
            "rows_read": len(records),
            "excluded_other_year": len(records) - len(kept),
            "duplicates_merged": len(kept) - len(cases),
            "cases": len(cases),
            "handled": len({r.case for r in kept if r.handled}),
            **{name: sum(getattr(r, name) for r in records)
               for name in ("blank_status", "blank_date", "invalid_nik", "unknown_jenis", "unknown_kelurahan")},
        }
    return out


def actual_stats(result) -> dict[str, dict[str, int]]:
    return {s.component: {name: getattr(s, name) for name in STAT_FIELDS} for s in result.stats}


def stats_diff(actual: dict, expected: dict) -> dict:
    """``{component: {field: (actual, expected)}}`` where they differ (empty when equal)."""
    out = {}
    for cid in sorted(set(actual) | set(expected)):
        got, want = actual.get(cid, {}), expected.get(cid, {})
        fields = {f: (got.get(f), want.get(f)) for f in STAT_FIELDS if got.get(f) != want.get(f)}
        if fields:
            out[cid] = fields
    return out


# --- strategies: cell spellings -------------------------------------------------------------------

def _encodable(values, encoding: str):
    out = []
    for value in values:
        try:
            str(value).encode(encoding)
        except UnicodeEncodeError:
            continue
        out.append(value)
    return out


def _case_variant(draw, text: str) -> str:
    style = draw(st.sampled_from(["same", "same", "upper", "lower", "pad"]))
    return {"same": text, "upper": text.upper(), "lower": text.lower(), "pad": f"  {text} "}[style]


def _name_cell(draw, name: str, encoding: str) -> str:
    style = draw(st.sampled_from(["same", "same", "upper", "lower", "spaces", "pad", "nbsp", "newline", "hyphen",
                                  "separator"]))
    if style == "separator":  # U+2028, form feed, NEL, ... are cell text: no row is lost, the name is the same
        return name.replace(" ", draw(st.sampled_from(_encodable(SEPARATORS, encoding))), 1)
    return {
        "same": name, "upper": name.upper(), "lower": name.lower(), "spaces": name.replace(" ", "   "),
        "hyphen": name.replace(" ", "-"),
        "pad": f" {name}  ", "nbsp": name.replace(" ", "\xa0"), "newline": name.replace(" ", "\n", 1),
    }[style]


def _nik_cell(draw, nik: str, workbook: bool) -> object:
    # A number cell ending in 0 may have lost its 16th digit and does not identify the case
    # (contract §1.3): that is the corruption c_nik_number_ending_in_0, not a valid spelling.
    number = workbook and not nik.endswith("0")
    styles = ["plain", "plain", "apostrophe", "spaces", "dots", "dashes", "pad"] + (["number"] * 2 if number else [])
    style = draw(st.sampled_from(styles))
    groups = [nik[i:i + 4] for i in range(0, 16, 4)]
    return {
        "plain": nik, "apostrophe": "'" + nik, "spaces": " ".join(groups), "dots": ".".join(groups),
        "dashes": "-".join(groups), "pad": f" {nik} ", "number": int(nik),
    }[style]


def _kecamatan_cell(draw, kec: str) -> str:
    options = [kec, kec.upper(), kec.lower(), f"Kec. {kec}", f"Kecamatan {kec}", f"KEC. {kec.upper()}", f" {kec}  ",
               *KEC_ALIASES[kec]]
    return draw(st.sampled_from(options))


def _kelurahan_cell(draw, kel: str, known: bool) -> str:
    if not known:
        return _case_variant(draw, kel)
    options = [kel, kel.upper(), kel.lower(), f"Kel. {kel}", f"Kelurahan {kel}", f"Desa {kel}", *KEL_ALIASES[kel]]
    return draw(st.sampled_from(options))


def _date_cell(draw, day: dt.date, workbook: bool) -> object:
    serial = (day - EXCEL_EPOCH).days
    styles = ["dmy_slash", "dmy_dash", "dmy_dot", "iso", "iso_time", "month_name"]
    if workbook:
        styles += ["cell", "cell", "datetime"] + (["serial"] if 20000 <= serial <= 80000 else [])
    style = draw(st.sampled_from(styles))
    if style == "month_name":
        month = _case_variant(draw, draw(st.sampled_from(MONTH_NAMES[day.month])).title()).strip()
        dot = draw(st.sampled_from(["", "."])) if len(month) <= 4 else ""
        return f"{day.day} {month}{dot} {day.year}"
    return {
        "dmy_slash": f"{day.day:02d}/{day.month:02d}/{day.year}", "dmy_dash": f"{day.day}-{day.month}-{day.year}",
        "dmy_dot": f"{day.day}.{day.month}.{day.year}", "iso": day.isoformat(),
        "iso_time": f"{day.isoformat()} 10:30", "cell": day,
        "datetime": dt.datetime.combine(day, dt.time(9, 15)), "serial": serial,
    }[style]


def _status_cell(draw, kind: str, workbook: bool, encoding: str) -> object:
    if kind == "blank":
        return draw(st.sampled_from([None, "", "  "]))
    words = _encodable(YES if kind == "yes" else NO, encoding)
    typed = ([True, 1] if kind == "yes" else [False, 0]) if workbook else []
    value = draw(st.sampled_from(words + typed))
    return _case_variant(draw, value) if isinstance(value, str) else value


def _jenis_cell(draw, jenis_list: str) -> tuple[object, bool]:
    kind = draw(st.sampled_from(["known", "known", "known", "alias", "unknown", "blank"]))
    if kind == "alias" and JENIS_ALIASES[jenis_list]:
        return _case_variant(draw, draw(st.sampled_from(JENIS_ALIASES[jenis_list]))), False
    if kind in ("known", "alias"):
        return _case_variant(draw, draw(st.sampled_from(KNOWN_JENIS[jenis_list]))), False
    if kind == "unknown":
        return draw(st.sampled_from(UNKNOWN_JENIS[jenis_list])), True
    return "", True  # a blank jenis is not in the list: a warning too


# --- strategies: persons, records, files, folders -----------------------------------------------------

@dataclass
class Person:
    pid: str
    name: str  # "" for a row without identity
    nik: str | None  # a valid NIK, or None
    kecamatan: str
    kelurahan: str | None
    kelurahan_known: bool
    rows: int


@st.composite
def persons(draw, cid: str) -> list[Person]:
    count = draw(st.integers(0, 6))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=count, max_size=count, unique=True))
    out: list[Person] = []
    for index, name in enumerate(names):
        kind = draw(st.sampled_from(["nik", "nik", "plain", "plain", "namesake", "anonymous"]))
        plain = [p for p in out if p.nik is None and p.name]
        kecamatan = draw(st.sampled_from(KECAMATAN))
        places = ["known", "known", "unknown", "blank"]
        if kind == "namesake" and plain:
            # Same name in a kecamatan none of its namesakes lives in, written with a known
            # kelurahan or none: another case. (An unknown kelurahan is compared as written.)
            other = draw(st.sampled_from(plain))
            free = [k for k in KECAMATAN if all(p.kecamatan != k for p in out if p.name == other.name)]
            if free:
                name = other.name
                kecamatan = draw(st.sampled_from(free))
                places = ["known", "blank"]
        place = draw(st.sampled_from(places))
        kelurahan = {"known": draw(st.sampled_from(KELURAHAN_OF[kecamatan])),
                     "unknown": draw(st.sampled_from(UNKNOWN_KELURAHAN)), "blank": None}[place]
        nik = f"6271{draw(st.integers(10, 99))}{index:010d}" if kind == "nik" else None
        rows = 1 if kind == "anonymous" else draw(st.sampled_from([1, 1, 2, 3]))
        out.append(Person(f"{cid}-p{index}", "" if kind == "anonymous" else name, nik, kecamatan, kelurahan,
                          place == "known", rows))
    return out


@dataclass
class ComponentShape:
    cid: str
    has_nik: bool
    has_kelurahan: bool


def render_record(draw, person: Person, shape: ComponentShape, reg: RegisterFile, has_tanggal: bool,
                  anon_index: int) -> Record:
    workbook = reg.is_workbook
    encoding = "utf-8" if workbook else reg.encoding
    by_nik = shape.has_nik and person.nik is not None
    cells: dict[str, object] = {}
    record = Record(case=person.pid, cells=cells, by_nik=by_nik)

    if by_nik and draw(st.integers(0, 9)) == 0:
        cells["nama"] = ""  # a NIK alone identifies the case
    elif person.name:
        cells["nama"] = _name_cell(draw, person.name, encoding)
    else:
        cells["nama"] = ""
    if not by_nik and not person.name:
        record.case = f"{person.pid}-row{anon_index}"  # no identity: a case of its own
    if shape.has_nik:
        if person.nik is not None:
            cells["nik"] = _nik_cell(draw, person.nik, workbook)
        else:
            value = draw(st.sampled_from(KNOWN_NIK_BLANKS + INVALID_NIKS))
            cells["nik"] = value
            record.invalid_nik = value in INVALID_NIKS
    jenis, record.unknown_jenis = _jenis_cell(draw, JENIS_LIST[shape.cid])
    cells["jenis"] = jenis
    cells["kecamatan"] = _kecamatan_cell(draw, person.kecamatan)
    if shape.has_kelurahan:
        if person.kelurahan is None:
            cells["kelurahan"] = ""
        else:
            cells["kelurahan"] = _kelurahan_cell(draw, person.kelurahan, person.kelurahan_known)
            record.unknown_kelurahan = not person.kelurahan_known
    if has_tanggal:
        when = draw(st.sampled_from(["in", "in", "in", "other", "blank"]))
        if when == "blank":
            cells["tanggal"] = "" if not workbook else None
            record.blank_date = True
        else:
            if when == "in":
                day = draw(st.dates(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)))
            else:
                day = draw(st.dates(dt.date(1990, 1, 1), dt.date(YEAR - 1, 12, 31))
                           | st.dates(dt.date(YEAR + 1, 1, 1), dt.date(2035, 12, 31)))
                record.other_year = True
            cells["tanggal"] = _date_cell(draw, day, workbook)
    status = draw(st.sampled_from(["yes", "yes", "no", "blank"]))
    cells["status"] = _status_cell(draw, status, workbook, encoding)
    record.handled = status == "yes"
    record.blank_status = status == "blank"
    cells["alamat"] = draw(st.sampled_from(ALAMAT))
    cells["keterangan"] = draw(st.sampled_from(KETERANGAN))
    if not workbook:
        cells = {k: ("" if v is None else str(v)) for k, v in cells.items()}
        record.cells = cells
    return record


def _header_text(draw, canonical: str) -> str:
    aliases = EXTRA_HEADERS.get(canonical) or [canonical.title(), *CONFIG.vocabulary.columns[canonical]]
    text = draw(st.sampled_from(aliases))
    style = draw(st.sampled_from(["same", "same", "upper", "lower", "newline", "required", "colon", "pad",
                                  "number", "spaces"]))
    if style == "newline" and " " in text:
        return text.replace(" ", "\n", 1)
    if style == "number":  # a trailing column number does not matter: "Kecamatan (7)", "Nama 2"
        number = draw(st.integers(1, 40))
        return draw(st.sampled_from([f"{text} ({number})", f"{text} {number}", f"{text}({number})"]))
    return {"same": text, "upper": text.upper(), "lower": text.lower(), "required": text + " *",
            "colon": text + ":", "pad": f" {text}  ", "spaces": text.replace(" ", "  ")}.get(style, text)


def _groups(draw, columns: list[str]) -> dict[str, tuple[str, ...]]:
    """At most one group title over two adjacent columns of a stacked header (so that the lower row
    always has fewer cells than the upper one, also when a corruption drops a column); the second
    column is moved next to the first."""
    pairs = [pair for pair in GROUP_TITLES if set(pair) <= set(columns)]
    if not pairs or draw(st.integers(0, 2)) > 0:
        return {}
    first, second = pair = draw(st.sampled_from(pairs))
    columns.remove(second)
    columns.insert(columns.index(first) + 1, second)
    return {draw(st.sampled_from(GROUP_TITLES[pair])): pair}


def _titles(draw, reg: RegisterFile) -> list[object]:
    """Title rows, a key–value block and blank rows above the header, which starts on row 1-40."""
    encoding = "utf-8" if reg.is_workbook else reg.encoding
    spelled = [*TITLES, *[f"DAFTAR{sep}PENERIMA" for sep in _encodable(SEPARATORS, encoding)], "DAFTAR\nPENERIMA"]
    titles = draw(st.lists(st.sampled_from(spelled), max_size=3))
    if draw(st.integers(0, 3)) == 0:
        titles += draw(st.lists(st.sampled_from(KEY_VALUES), min_size=1, max_size=3))
    depth = draw(st.sampled_from(["top"] * 8 + ["deep", "row40"]))
    if depth != "top":  # the header on row 40, or anywhere down to it: blank rows among the titles
        header_row = 40 if depth == "row40" else draw(st.integers(len(titles) + 1, 40))
        for _ in range(max(0, header_row - 1 - len(titles))):
            titles.insert(draw(st.integers(0, len(titles))), None)
    return titles


def build_sheet(draw, name: str, shape: ComponentShape, reg: RegisterFile, entries, anon_counter) -> Sheet:
    """A sheet holding ``entries`` ((person, ...) in order) of one component."""
    has_tanggal = draw(st.booleans()) or draw(st.booleans())
    optional = [c for c, on in (("nik", shape.has_nik), ("kelurahan", shape.has_kelurahan),
                                ("tanggal", has_tanggal)) if on]
    extras = [c for c in ("alamat", "keterangan") if draw(st.integers(0, 3)) == 0]
    columns = list(draw(st.permutations([*REQUIRED, *optional, *extras])))
    if draw(st.integers(0, 2)) > 0:
        columns.insert(0, "no")
    groups = _groups(draw, columns)
    headers = [_header_text(draw, c) for c in columns]
    titles = _titles(draw, reg)
    body: list[tuple[str, object]] = []
    for number, person in enumerate(entries, start=1):
        record = render_record(draw, person, shape, reg, has_tanggal, next(anon_counter))
        record.cells["no"] = number if reg.is_workbook else str(number)
        body.append(("data", record))
    if draw(st.integers(0, 2)) == 0:
        label = draw(st.sampled_from(SUMMARY_LABELS))
        count = sum(1 for _, r in body if r.handled)
        summary = {"status": count if reg.is_workbook else str(count)}
        summary[columns[0] if draw(st.booleans()) else "nama"] = label
        body.insert(draw(st.integers(0, len(body))), ("summary", summary))
    if draw(st.integers(0, 3)) == 0:  # group rows: one text cell, not in the nama or nik column
        column = next(c for c in columns if c not in ("nama", "nik"))
        for _ in range(draw(st.integers(1, 2))):
            body.insert(draw(st.integers(0, len(body))), ("group", (column, draw(st.sampled_from(GROUP_ROWS)))))
    if body:  # blank rows, always followed by a non-blank row
        for _ in range(draw(st.integers(0, 2))):
            body.insert(draw(st.integers(0, len(body) - 1)), ("blank", None))
    if draw(st.integers(0, 3)) == 0:  # notes below the data
        for footer in draw(st.lists(st.sampled_from(FOOTERS), min_size=1, max_size=2)):
            body.append(("footer", [_typed(reg, v) for v in footer]))
    if draw(st.integers(0, 4)) == 0:  # ### ends the data: the junk below it is not read
        body.append(("end", None))
        junk = [{columns[0]: _typed(reg, 99), "nama": "Contoh Isian", "status": "Mungkin", "kecamatan": "Kapuas"},
                {"nama": draw(st.sampled_from(SUMMARY_LABELS)), "status": _typed(reg, 3)},
                {columns[-1]: "catatan lama"}, None]
        for item in draw(st.lists(st.sampled_from(junk), min_size=1, max_size=3)):
            body.append(("blank", None) if item is None else ("after", item))
        if body[-1][0] == "blank":
            body.append(("after", junk[2]))
    sheet = Sheet(name, titles, columns, headers, body)
    sheet.groups = groups
    sheet.merge_cells = reg.fmt in ("xlsx", "xlsm") and draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        sheet.number_row = draw(st.sampled_from(["plain", "paren"]))
    if not reg.is_workbook:
        sheet.pad_titles, sheet.trim = draw(st.booleans()), draw(st.integers(0, 3)) == 0
        sheet.trailing_blank = draw(st.sampled_from([0, 0, 1, 2]))
    if draw(st.integers(0, 5)) == 0:  # a stray cell far right: on a title or header row (csv), or a data row
        header_lines = len(titles) + 1 + sheet.stacked
        lines = list(range(header_lines))
        if reg.is_workbook:
            lines += [sheet.row_of(i) - 1 for i, (kind, _) in enumerate(body) if kind == "data"]
        column = draw(st.sampled_from([199, 16383] if reg.fmt in ("xlsx", "xlsm") else [199]))
        sheet.far_right = (draw(st.sampled_from(lines)), column, draw(st.sampled_from(FAR_VALUES)))
    sheet.far_below = reg.fmt in ("xlsx", "xlsm") and draw(st.integers(0, 5)) == 0
    return sheet


@st.composite
def component_files(draw, cid: str, taken: set) -> list[RegisterFile]:
    shape = ComponentShape(cid, has_nik=draw(st.integers(0, 3)) > 0, has_kelurahan=draw(st.integers(0, 3)) > 0)
    people = draw(persons(cid))
    rows = draw(st.permutations([p for p in people for _ in range(p.rows)]))[:15]
    files: list[RegisterFile] = []
    slots: list[tuple[RegisterFile, str]] = []
    for index in range(draw(st.sampled_from([1, 1, 1, 2]))):
        fmt = draw(st.sampled_from(["csv", "csv", "xlsx", "xlsx", "xlsm", "ods"]))
        suffix = {"csv": ".csv", "xlsx": ".xlsx", "xlsm": ".xlsm", "ods": ".ods"}[fmt]
        prefix = draw(st.sampled_from([cid, cid.upper()]))
        stem = f"{prefix}{draw(st.sampled_from(['_', '-']))}{draw(st.sampled_from(SLUGS))}{index or ''}"
        name = stem + suffix
        if name.lower() in taken:
            name = f"{stem}_{len(taken)}{suffix}"
        taken.add(name.lower())
        reg = RegisterFile(cid, name, fmt, sheets=[])
        if fmt == "csv":
            reg.sep = draw(st.sampled_from([";", ",", "|", "\t"]))
            reg.encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
            reg.newline = draw(st.sampled_from(["\n", "\r\n"]))
            slots.append((reg, ""))
        else:
            names = draw(st.lists(st.sampled_from(SHEET_NAMES), min_size=1, max_size=2, unique=True))
            slots.extend((reg, n) for n in names)
            if draw(st.booleans()):
                reg.info_sheets.append((draw(st.integers(0, len(names))), "Petunjuk"))
        files.append(reg)
    where = [draw(st.integers(0, len(slots) - 1)) for _ in rows]
    anon_counter = iter(range(10_000))
    for slot, (reg, sheet_name) in enumerate(slots):
        entries = [person for person, w in zip(rows, where) if w == slot]
        reg.sheets.append(build_sheet(draw, sheet_name, shape, reg, entries, anon_counter))
    return files


@st.composite
def valid_folders(draw) -> Folder:
    taken: set = set()
    files = [reg for cid in COMPONENTS for reg in draw(component_files(cid, taken))]
    other: dict[str, bytes] = {}
    if draw(st.integers(0, 3)) == 0:
        other["catatan.md"] = "# Penyebab keberhasilan\nData lengkap.\n".encode()
    if draw(st.integers(0, 3)) == 0:
        other["~$x1_psks.xlsx"] = b"\x00lock"  # an Office lock file is not a register
    return Folder(files, other)


# --- corruptions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Err:
    """An expected error: code (or any of several), file, sheet, row, column, value (None: any)."""

    codes: frozenset
    file: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str | None = None


def err(code, file, sheet="", row=None, column="", value=None) -> Err:
    codes = frozenset([code] if isinstance(code, str) else code)
    return Err(codes, file, sheet, row, column, value)


def _text(value: object) -> str | None:
    """What the log shows for a written value (None when it depends on the reader's types)."""
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    if isinstance(value, (int, float)):
        return str(int(value))
    return " ".join(str(value).replace("\xa0", " ").split())


def _typed(reg: RegisterFile, value: object) -> object:
    return value if reg.is_workbook else str(value)


def _set_cell(sheet: Sheet, record: Record, column: str, value: object, header: str) -> None:
    if column not in sheet.columns:
        sheet.columns.append(column)
        sheet.headers.append(header)
    record.cells[column] = value


def _located(reg, sheet, index, column, code, value) -> list[Err]:
    return [err(code, reg.name, sheet.name, sheet.row_of(index), sheet.header_of(column).strip(), _text(value))]


def c_unknown_status(draw, folder):
    reg, sheet, index, record = draw(st.sampled_from(folder.spots()))
    value = draw(st.sampled_from(["Mungkin", "Proses", "Ya/Tidak", "ok", "Belum?", "2"]
                                 + ([2, dt.date(2025, 3, 1)] if reg.is_workbook else [])))
    record.cells["status"] = _typed(reg, value)
    return _located(reg, sheet, index, "status", "unknown_status", value)


def c_impossible_date(draw, folder):
    reg, sheet, index, record = draw(st.sampled_from(folder.spots()))
    value = draw(st.sampled_from(["31/02/2025", "32/01/2025", "kemarin", "2025-13-01", "30-02-2025",
                                  "5 Marc 2025", "Maret 2025", "05/03/25"] + ([12] if reg.is_workbook else [])))
    _set_cell(sheet, record, "tanggal", _typed(reg, value), "Tanggal")
    return _located(reg, sheet, index, "tanggal", "unreadable_date", value)


def c_kecamatan_wrong_type(draw, folder):
    reg, sheet, index, record = draw(st.sampled_from(folder.spots()))
    value = draw(st.sampled_from([12345, "Kapuas", "Kec Pahandut Lama"]
                                 + ([True, dt.date(2025, 1, 2), 3.5] if reg.is_workbook else [])))
    record.cells["kecamatan"] = _typed(reg, value)
    return _located(reg, sheet, index, "kecamatan", "unknown_kecamatan", value)


def c_drop_required_column(draw, folder):
    reg = draw(st.sampled_from(folder.files))
    sheet = draw(st.sampled_from(reg.sheets))
    # A sheet without nama beside a workbook's register sheets is not a register: skipped, no error
    # (sheet_skipped/no_anchor, contract §1.1).
    column = draw(st.sampled_from([c for c in REQUIRED if c != "nama" or not reg.is_workbook or len(reg.sheets) == 1]))
    position = sheet.columns.index(column)
    del sheet.columns[position], sheet.headers[position]
    return [err("missing_column", reg.name, sheet.name, sheet.header_row)]


def c_duplicate_header(draw, folder):
    reg = draw(st.sampled_from(folder.files))
    sheet = draw(st.sampled_from(reg.sheets))
    column = draw(st.sampled_from([c for c in sheet.columns if c in CONFIG.vocabulary.columns]))
    position = draw(st.integers(0, len(sheet.columns)))
    # The same alias twice (restyled) is an error; two different aliases of one field are not
    # (the one listed first wins, logged: contract v2 §1.2).
    same = sheet.headers[sheet.columns.index(column)]
    sheet.columns.insert(position, f"dup:{column}")
    sheet.headers.insert(position, draw(st.sampled_from([same, same.upper(), same.lower(), f" {same}  "])))
    second = max(i for i, c in enumerate(sheet.columns) if c in (column, f"dup:{column}"))
    return [err("duplicate_column", reg.name, sheet.name, sheet.header_row, sheet.headers[second].strip())]


def c_empty_file(draw, folder):
    reg = draw(st.sampled_from(folder.files))
    reg.raw_bytes = b""
    return [err("unreadable_file" if reg.is_workbook else "header_not_found", reg.name)]


NOT_SPREADSHEETS = [b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b""]


def c_not_a_spreadsheet(draw, folder):
    reg = draw(st.sampled_from(folder.files))
    kind = draw(st.sampled_from(["bytes", "bytes", "text"]))
    if kind == "bytes":
        data = draw(st.sampled_from(NOT_SPREADSHEETS)) + draw(st.binary(min_size=1, max_size=3000))
    else:
        data = draw(st.sampled_from(["Ini bukan tabel.\n", "Nama\n", "lihat lampiran\n"])).encode()
    reg.raw_bytes = data
    if kind == "text":  # text is read as text whatever the name (a warning for a workbook's name): no header
        return [err("header_not_found", reg.name)]
    # Random bytes may happen to be text (then no header is found), else the file is unreadable.
    return [err({"unreadable_file", "header_not_found"}, reg.name)]


def c_named_as_another_type(draw, folder):
    """A workbook's bytes named .csv/.txt/.xls/.xlsb, or a csv's text named .xlsx/.xls/.xlsb: read by the
    content, with the warning file_real_type, and the counts kept (contract §1.1)."""
    reg = draw(st.sampled_from(folder.files))
    own = {"csv": ".csv", "xlsx": ".xlsx", "xlsm": ".xlsm", "ods": ".ods"}[reg.fmt]
    other = [".xlsx", ".xls", ".xlsb"] if reg.fmt == "csv" else [".csv", ".txt", ".xls", ".xlsb"] + (
        [".xlsx"] if reg.fmt == "ods" else [".ods"])
    suffix = draw(st.sampled_from(other))
    reg.name = reg.name.removesuffix(own) + "_lama" + suffix
    folder.warnings.append(err("file_real_type", reg.name))
    return None


def c_truncated_workbook(draw, folder):
    reg = draw(st.sampled_from([f for f in folder.files if f.is_workbook]))
    reg.truncate_to = draw(st.floats(0.0, 0.99))
    if int(len(_register_bytes(reg)) * reg.truncate_to) < 4:  # "P", "PK": not yet a zip, it is text
        return [err({"unreadable_file", "header_not_found"}, reg.name)]
    return [err("unreadable_file", reg.name)]


def c_unsupported_extension(draw, folder):
    reg = draw(st.sampled_from(folder.files))
    suffix = draw(st.sampled_from([".pdf", ".docx", ".doc", ".json", ".numbers", ""]))
    reg.name = reg.name.rsplit(".", 1)[0] + "_lama" + suffix
    return [err("unsupported_format", reg.name)]


def c_missing_component(draw, folder):
    cid = draw(st.sampled_from(sorted({f.component for f in folder.files})))
    folder.files = [f for f in folder.files if f.component != cid]
    return [err("missing_component", str(YEAR))]


def c_header_removed(draw, folder):
    reg = draw(st.sampled_from(folder.files))
    sheet = draw(st.sampled_from(reg.sheets))
    sheet.header_removed = True
    if reg.is_workbook and any(s.read for s in reg.sheets):
        return None  # a sheet without a header is skipped (and logged), like an instructions sheet
    return [err("header_not_found", reg.name)]


def c_header_below_row_40(draw, folder):
    """The header pushed below row 40 by blank rows: not found (contract §1.2), like a removed header."""
    reg = draw(st.sampled_from(folder.files))
    sheet = draw(st.sampled_from(reg.sheets))
    pushed = draw(st.integers(41, 44)) - sheet.header_row
    sheet.titles[:0] = [None] * pushed
    if sheet.far_right is not None:
        sheet.far_right = (sheet.far_right[0] + pushed, *sheet.far_right[1:])
    sheet.header_too_low = True
    if reg.is_workbook and any(s.read for s in reg.sheets):
        return None  # a sheet without a header in rows 1-40 is skipped (and logged)
    return [err("header_not_found", reg.name)]


def c_name_alone(draw, folder):
    """A row holding only a name (no other cell) is a data row: its blank kecamatan is an error (§1.4)."""
    reg = draw(st.sampled_from(folder.files))
    sheet = draw(st.sampled_from(reg.sheets))
    stop = next((i for i, (kind, _) in enumerate(sheet.body) if kind in ("footer", "end")), len(sheet.body))
    index = draw(st.integers(0, stop))
    sheet.body.insert(index, ("name_alone", draw(st.sampled_from(NAMES))))
    if sheet.far_right is not None and sheet.far_right[0] >= sheet.row_of(index) - 1:
        sheet.far_right = (sheet.far_right[0] + 1, *sheet.far_right[1:])
    return [err("unknown_kecamatan", reg.name, sheet.name, sheet.row_of(index), sheet.header_of("kecamatan").strip(),
                "")]


def c_huge_cell(draw, folder):
    reg, sheet, index, record = draw(st.sampled_from(folder.spots()))
    size = 32_767 if reg.is_workbook else 100_000  # a workbook cell holds at most 32 767 characters
    huge = ("Siti Aminah binti Ahmad " * (size // 10))[:size]
    if record.by_nik and draw(st.booleans()):
        record.cells["nama"] = huge  # identified by NIK: a huge name changes nothing
    else:
        _set_cell(sheet, record, "keterangan", huge, "Keterangan")
    return None


def c_number_as_name_of_nik_row(draw, folder):
    reg, sheet, index, record = draw(st.sampled_from([s for s in folder.spots() if s[3].by_nik]))
    record.cells["nama"] = _typed(reg, draw(st.sampled_from([12345, 0, 6271])))
    return None


def c_jenis_wrong_type(draw, folder):
    reg, sheet, index, record = draw(st.sampled_from(folder.spots()))
    value = draw(st.sampled_from([12345, "???"] + ([True, dt.date(2025, 1, 2)] if reg.is_workbook else [])))
    record.cells["jenis"] = _typed(reg, value)
    record.unknown_jenis = True
    return None


USED_COLUMNS = ("nik", "nama", "jenis", "kecamatan", "kelurahan", "tanggal", "status")
# A value equal to a name is never quoted anywhere (§1.5): an error code in a nama cell withholds
# that code everywhere, so the nama column gets its own code and the others' stay quotable.
NAME_ERROR_CODES = ["#NAME?"]
ERROR_CODES = ["#N/A", "#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NUM!", "#NULL!"]


def c_excel_error(draw, folder):
    """A formula's error cell (or its code as text in a csv) in a column the tool uses: an error there."""
    reg, sheet, index, record = draw(st.sampled_from(folder.spots()))
    column = draw(st.sampled_from([c for c in sheet.columns if c in USED_COLUMNS]))
    code = draw(st.sampled_from(NAME_ERROR_CODES if column == "nama" else ERROR_CODES))
    record.cells[column] = ErrorCell(code) if reg.is_workbook else code
    shown = "(disembunyikan)" if column in ("nik", "nama") else code
    return [err("excel_error", reg.name, sheet.name, sheet.row_of(index), sheet.header_of(column).strip(), shown)]


def _nik_cases_in_workbooks(folder) -> dict[str, list]:
    """The cases identified by NIK whose every row is in a workbook and has a name: {case: spots}."""
    by_case: dict[str, list] = {}
    for spot in folder.spots():
        by_case.setdefault(spot[3].case, []).append(spot)
    return {case: spots for case, spots in by_case.items()
            if all(reg.is_workbook and r.by_nik and r.cells.get("nama") for reg, _, _, r in spots)}


def c_nik_number_ending_in_0(draw, folder):
    """16-digit NIKs in number cells ending in 0: warnings; the case is identified by name (one case still)."""
    cases = _nik_cases_in_workbooks(folder)
    spots = cases[draw(st.sampled_from(sorted(cases)))]
    nik = re.sub(r"\D", "", str(spots[0][3].cells["nik"]))
    for reg, sheet, index, record in spots:
        record.cells["nik"] = int(nik[:15] + "0")
        record.by_nik = False
        folder.warnings.append(err("nik_number_lost_digit", reg.name, sheet.name, sheet.row_of(index),
                                   sheet.header_of("nik").strip()))
    return None


def c_bare_year(draw, folder):
    """A bare year in the date column: the row is kept without a date, with a warning."""
    reg, sheet, index, record = draw(st.sampled_from([s for s in folder.spots() if "tanggal" in s[1].columns]))
    record.cells["tanggal"] = _typed(reg, YEAR)
    record.other_year = record.blank_date = False
    folder.warnings.append(err("date_year_only", reg.name, sheet.name, sheet.row_of(index),
                               sheet.header_of("tanggal").strip()))
    return None


def c_stray_files(draw, folder):
    folder.other_files.update({".DS_Store": b"\x00\x00\x00\x01Bud1", "README.txt": b"lihat catatan",
                               "~$x2_rehsos.xlsx": draw(st.binary(max_size=50))})
    return None


# name -> (apply, applicable, produces an error)
CORRUPTIONS = {
    "unknown_status": (c_unknown_status, lambda f: bool(f.spots()), True),
    "impossible_date": (c_impossible_date, lambda f: bool(f.spots()), True),
    "kecamatan_wrong_type": (c_kecamatan_wrong_type, lambda f: bool(f.spots()), True),
    "drop_required_column": (c_drop_required_column, lambda f: True, True),
    "duplicate_header": (c_duplicate_header, lambda f: True, True),
    "empty_file": (c_empty_file, lambda f: True, True),
    "not_a_spreadsheet": (c_not_a_spreadsheet, lambda f: True, True),
    "truncated_workbook": (c_truncated_workbook, lambda f: any(r.is_workbook for r in f.files), True),
    "unsupported_extension": (c_unsupported_extension, lambda f: True, True),
    "named_as_another_type": (c_named_as_another_type, lambda f: True, False),
    "missing_component": (c_missing_component, lambda f: True, True),
    "header_removed": (c_header_removed, lambda f: True, None),  # an error unless another sheet remains
    "header_below_row_40": (c_header_below_row_40, lambda f: True, None),  # as header_removed
    "name_alone": (c_name_alone, lambda f: True, True),
    "huge_cell": (c_huge_cell, lambda f: bool(f.spots()), False),
    "number_as_name_of_nik_row": (c_number_as_name_of_nik_row, lambda f: any(s[3].by_nik for s in f.spots()), False),
    "jenis_wrong_type": (c_jenis_wrong_type, lambda f: bool(f.spots()), False),
    "stray_files": (c_stray_files, lambda f: True, False),
    "excel_error": (c_excel_error, lambda f: bool(f.spots()), True),
    "nik_number_ending_in_0": (c_nik_number_ending_in_0, lambda f: bool(_nik_cases_in_workbooks(f)), False),
    "bare_year": (c_bare_year, lambda f: any("tanggal" in s[1].columns for s in f.spots()), False),
}


@dataclass
class Case:
    valid: Folder  # before the corruption
    folder: Folder  # after
    kinds: list[str]
    errors: list[Err] | None  # None: must succeed with expected_stats(folder)


@st.composite
def corrupted_folders(draw, errors_only: bool = False, count: int = 1, only: tuple[str, ...] = ()) -> Case:
    """A valid folder and a copy with ``count`` corruptions, each in another component.

    With ``errors_only`` only corruptions that must stop the run are drawn; with ``only``, only
    those (the caller combines them knowingly; a component where none applies is left valid).
    """
    valid = draw(valid_folders())
    folder = copy.deepcopy(valid)
    components = draw(st.lists(st.sampled_from(COMPONENTS), min_size=count, max_size=count, unique=True))
    kinds: list[str] = []
    errors: list[Err] = []
    for cid in components:
        # A view of one component: files are shared, so changes to them show in ``folder``.
        view = Folder([f for f in folder.files if f.component == cid], folder.other_files, folder.warnings)
        # Only corruptions that always stop the run when they must (errors_only) or when two
        # are combined.
        applicable = [name for name, (_, ok, fails) in CORRUPTIONS.items()
                      if ok(view) and (name in only if only else fails or not (errors_only or count > 1))]
        if not applicable:
            continue
        kind = draw(st.sampled_from(applicable))
        expected = CORRUPTIONS[kind][0](draw, view)
        folder.files = [f for f in folder.files if f.component != cid or any(f is g for g in view.files)]
        kinds.append(kind)
        if expected is not None:
            errors.extend(expected)
    return Case(valid, folder, kinds, errors if errors else None)


# --- checks -----------------------------------------------------------------------------------------

ROW_LEVEL_CODES = {"unknown_status", "unknown_kecamatan", "unreadable_date", "excel_error"}
NIK_PATTERN = re.compile(r"6271\d{12}")


def run_clean(raw_dir: Path):
    """clean_year; returns ``(result, None)`` or ``(None, error rows of the log)``.

    Anything but a RegisterError propagates and fails the test.
    """
    try:
        return clean_year(raw_dir, CONFIG, YEAR, key=KEY), None
    except RegisterError as exc:
        log = exc.log.to_frame()
        return None, log[log["level"] == "error"]


def assert_located(errors: pd.DataFrame) -> None:
    """Every error names its file; a row-level one also its row and column (contract §1.5)."""
    assert not errors.empty
    for row in errors.itertuples():
        assert row.file, row
        assert row.message, row
        if row.code in ROW_LEVEL_CODES:
            assert pd.notna(row.row) and row.row >= 1 and row.column, row


def assert_errors(errors: pd.DataFrame, expected: list[Err]) -> None:
    """The errors are exactly the expected ones (same code, file, sheet, row, column, value)."""
    got = [(r.code, r.file, r.sheet, None if pd.isna(r.row) else int(r.row), r.column, r.value)
           for r in errors.itertuples()]
    remaining = list(got)
    for e in expected:
        match = next((g for g in remaining if g[0] in e.codes and g[1:5] == (e.file, e.sheet, e.row, e.column)
                      and (e.value is None or g[5] == e.value)), None)
        assert match is not None, f"expected {e}\n got {got}"
        remaining.remove(match)
    assert not remaining, f"unexpected errors {remaining}\n expected {expected}"


def expected_locations(folder: Folder, wanted) -> set[tuple[str, str, int]]:
    return {(reg.name, sheet.name, sheet.row_of(i)) for reg in folder.files for sheet in reg.sheets
            if sheet.read for i, (kind, item) in enumerate(sheet.body) if wanted(kind, item)}


def assert_success(result, folder: Folder) -> None:
    """Counts, log locations and privacy of a run that had to succeed."""
    assert stats_diff(actual_stats(result), expected_stats(folder)) == {}
    log = result.log.to_frame()
    assert not (log["level"] == "error").any()
    where = {code: set(zip(log.loc[log["code"] == code, "file"], log.loc[log["code"] == code, "sheet"],
                           log.loc[log["code"] == code, "row"].astype(int)))
             for code in ("date_other_year", "summary_row")}
    assert where["date_other_year"] == expected_locations(folder, lambda k, r: k == "data" and r.other_year)
    assert where["summary_row"] == expected_locations(folder, lambda k, r: k == "summary")
    # The layout around the data (contract §1.2, §1.4): each row where the spec put it.
    located = {code: set(zip(log.loc[log["code"] == code, "file"], log.loc[log["code"] == code, "sheet"],
                             log.loc[log["code"] == code, "row"].astype(int)))
               for code in ("group_row", "footer_row", "end_marker", "stacked_header", "column_number_row")}
    assert located["group_row"] == expected_locations(folder, lambda k, r: k == "group")
    assert located["footer_row"] == expected_locations(folder, lambda k, r: k == "footer")
    assert located["end_marker"] == expected_locations(folder, lambda k, r: k == "end")
    sheets = [(reg, sheet) for reg in folder.files for sheet in reg.sheets if sheet.read]
    assert located["stacked_header"] == {(r.name, s.name, s.header_row) for r, s in sheets if s.stacked}
    assert located["column_number_row"] == {(r.name, s.name, s.number_row_at) for r, s in sheets if s.number_row}
    assert (log["code"] == "duplicate_merged").sum() == sum(s.duplicates_merged for s in result.stats)
    rows = [None if pd.isna(row) else row for row in log["row"]]  # a file's warning has no row
    located = set(zip(log["code"], log["file"], log["sheet"], rows, log["column"]))
    for w in folder.warnings:
        assert any((code, w.file, w.sheet, w.row, w.column) in located for code in w.codes), (w, log.to_string())
    totals = result.aggregate[result.aggregate["source"] == "register"].groupby("component")[
        ["numerator", "denominator"]].sum()
    for stats in result.stats:
        got = tuple(totals.loc[stats.component]) if stats.component in totals.index else (0, 0)
        assert got == (stats.handled, stats.cases)
    # No NIK and no name leaves the cleaning stage (contract §2, quality log: never a NIK or a name).
    for text in (result.cases.to_csv(), log.to_csv()):
        assert not NIK_PATTERN.search(text)
        assert not any(name.lower() in text.lower() for name in NAMES)


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with the SHA-256 of its content."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


def describe(case: Case) -> None:
    note(f"corruptions: {case.kinds}")
    for reg in case.folder.files:
        note(f"{reg.name} ({reg.fmt}, sep={reg.sep!r}, {reg.encoding}): "
             f"{[(s.name, s.columns, len(s.body)) for s in reg.sheets]}")
        for s in reg.sheets:
            note(f"  {s.name!r}: header row {s.header_row}, groups {s.groups}, number row {s.number_row!r}, "
                 f"far {s.far_right} / {s.far_below}, body {[kind for kind, _ in s.body]}")


# --- properties ---------------------------------------------------------------------------------------

@profile(10, 100)
@given(folder=valid_folders())
def test_valid_registers_give_the_counts_known_by_construction(folder):
    describe(Case(folder, folder, [], None))
    with tempfile.TemporaryDirectory() as tmp:
        raw_dir = write_folder(folder, Path(tmp) / "raw")
        result, errors = run_clean(raw_dir)
        assert errors is None, errors.to_string()
        assert_success(result, folder)


@profile(15, 140)
@given(case=corrupted_folders())
def test_a_corrupted_register_fails_with_located_errors_or_keeps_the_counts(case):
    describe(case)
    with tempfile.TemporaryDirectory() as tmp:
        raw_dir = write_folder(case.folder, Path(tmp) / "raw")
        result, errors = run_clean(raw_dir)
        if case.errors is None:
            assert errors is None, errors.to_string()
            assert_success(result, case.folder)
        else:
            assert errors is not None, f"expected {case.errors}, but the run succeeded"
            assert_located(errors)
            assert_errors(errors, case.errors)


@profile(6, 60)
@given(case=corrupted_folders(count=2, only=("excel_error",)))
def test_an_error_cell_in_a_used_column_is_always_an_error_at_that_cell(case):
    """#N/A, #VALUE!, … in any used column of any format (xlsx, xlsm, ods: formula error cells;
    csv: the code as text), in one or two components: exactly those errors, never a blank."""
    describe(case)
    if not case.kinds:  # no component had a data row
        return
    with tempfile.TemporaryDirectory() as tmp:
        raw_dir = write_folder(case.folder, Path(tmp) / "raw")
        _, errors = run_clean(raw_dir)
        assert errors is not None, f"expected {case.errors}, but the run succeeded"
        assert_located(errors)
        assert_errors(errors, case.errors)


@profile(4, 40)
@given(case=corrupted_folders(count=2, only=("named_as_another_type",)))
def test_registers_named_as_another_type_are_read_by_their_content_and_keep_the_counts(case):
    """A workbook named .csv/.txt/.xls/.xlsb or a csv named .xlsx/.xls/.xlsb, in one or two components:
    read by the content, a file_real_type warning each, the counts those of the unchanged registers."""
    describe(case)
    with tempfile.TemporaryDirectory() as tmp:
        raw_dir = write_folder(case.folder, Path(tmp) / "raw")
        result, errors = run_clean(raw_dir)
        assert errors is None, errors.to_string()
        assert_success(result, case.folder)
        warned = result.log.to_frame().query("code == 'file_real_type'")["file"].tolist()
        assert sorted(warned) == sorted(w.file for w in case.folder.warnings if "file_real_type" in w.codes)
        assert len(warned) == len(case.kinds)


@pytest.mark.parametrize("kind", ["nik_number_ending_in_0", "bare_year"])
@profile(3, 32)
@given(data=st.data())
def test_a_number_cell_nik_ending_in_0_or_a_bare_year_only_warns_and_keeps_the_counts(kind, data):
    """A NIK that may have lost its 16th digit identifies nobody (the case is found by name); a bare
    year keeps the row without a date: both are located warnings, the counts are those of the spec."""
    case = data.draw(corrupted_folders(count=2, only=(kind,)))
    describe(case)
    with tempfile.TemporaryDirectory() as tmp:
        raw_dir = write_folder(case.folder, Path(tmp) / "raw")
        result, errors = run_clean(raw_dir)
        assert errors is None, errors.to_string()
        assert_success(result, case.folder)


@profile(4, 40)
@given(case=corrupted_folders(errors_only=True, count=2))
def test_two_corrupted_registers_are_both_reported_in_one_run(case):
    describe(case)
    with tempfile.TemporaryDirectory() as tmp:
        raw_dir = write_folder(case.folder, Path(tmp) / "raw")
        result, errors = run_clean(raw_dir)
        assert errors is not None, f"expected {case.errors}, but the run succeeded"
        assert_located(errors)
        assert_errors(errors, case.errors)


@profile(4, 40)
@given(case=corrupted_folders())
def test_validate_command_exit_status_and_it_writes_nothing(case):
    """``ikuanalysis validate``: 1 and every problem file on stderr, or 0 and the counts; no file written."""
    describe(case)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_folder(case.folder, root / "raw")
        for name in ("processed", "outputs"):
            (root / name).mkdir()
        before = snapshot(root)
        out, errs = io.StringIO(), io.StringIO()
        with contextlib.chdir(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(errs), \
                mock.patch("ikuanalysis.config.load_settings", return_value=CONFIG):  # gates off, as above
            code = main(["validate", "--year", str(YEAR), "--raw-dir", str(root / "raw")])
        assert snapshot(root) == before
        if case.errors is None:
            assert code == 0, errs.getvalue()
            for cid, stats in expected_stats(case.folder).items():
                assert (f"  {cid}: {stats['handled']} dari {stats['cases']} kasus ditangani "
                        f"({stats['rows_read']} baris dibaca, {stats['duplicates_merged']} duplikat digabung)."
                        ) in out.getvalue()
        else:
            assert code == 1
            assert "lolos pemeriksaan" not in out.getvalue()
            for e in case.errors:
                assert e.file in errs.getvalue()
                assert any(f"[{code}]" in errs.getvalue() for code in e.codes)


@profile(2, 24)
@given(case=corrupted_folders(errors_only=True))
def test_processed_data_is_written_only_when_the_registers_pass(case):
    """notebooks/01_clean.ipynb: clean_year, then write_processed; a failed year leaves data/processed as it was."""
    describe(case)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        processed_root = root / "processed"
        good = clean_year(write_folder(case.valid, root / "good"), CONFIG, YEAR, key=KEY)
        year_dir = write_processed(good, processed_root, CONFIG)
        summary = {c["component"]: {k: c[k] for k in STAT_FIELDS} for c in read_summary(year_dir)["components"]}
        assert stats_diff(summary, expected_stats(case.valid)) == {}
        before = snapshot(processed_root)
        with pytest.raises(RegisterError) as caught:
            result = clean_year(write_folder(case.folder, root / "bad"), CONFIG, YEAR, key=KEY)
            write_processed(result, processed_root, CONFIG)
        assert_errors(caught.value.log.to_frame().query("level == 'error'"), case.errors)
        assert snapshot(processed_root) == before


# --- regressions: minimal reproducers of bugs this suite found (fixed) ---

def _tiny_year(tmp_path: Path) -> Path:
    from tests.fixtures.tiny_year import write_tiny_year

    return write_tiny_year(tmp_path / "raw")


X3_HEADER = "NIK;Nama Penerima;Jenis PPKS;Kecamatan;Kelurahan;Tanggal Penyaluran;Tepat Sasaran"
X3_ROWS = ["6271010101800001;Siti Aminah;Fakir Miskin;Pahandut;Panarung;05/02/2025;Ya",
           "6271010101800002;Budi Santoso;Fakir Miskin;Pahandut;Panarung;06/02/2025;Tidak"]


def _outcome(folder: Path) -> tuple[int, int] | set[str]:
    """(cases, handled) of x3 when the run succeeds, else the files named by its (located) errors."""
    result, errors = run_clean(folder)
    if result is None:
        assert_located(errors)
        return set(errors["file"])
    stats = {s.component: s for s in result.stats}["x3"]
    return stats.cases, stats.handled


def test_regression_csv_with_carriage_returns(tmp_path):
    """A csv saved with classic-Mac line endings (CR only) must be read, or refused with a located error."""
    folder = _tiny_year(tmp_path)
    (folder / "X3-bansos.csv").write_bytes(("\r".join([X3_HEADER, *X3_ROWS]) + "\r").encode())
    assert _outcome(folder) in [(2, 1), {"X3-bansos.csv"}]


def test_regression_csv_cell_longer_than_128k(tmp_path):
    """A csv with one 140 000-character cell must be read (2 cases) or refused with a located error."""
    folder = _tiny_year(tmp_path)
    rows = [X3_ROWS[0] + ";" + "x" * 140_000, X3_ROWS[1]]
    (folder / "X3-bansos.csv").write_text("\n".join([X3_HEADER + ";Keterangan", *rows]) + "\n", encoding="utf-8")
    assert _outcome(folder) in [(2, 1), {"X3-bansos.csv"}]


def test_regression_cp1252_csv_with_undefined_byte(tmp_path):
    """A non-UTF-8 csv with a byte undefined in Windows-1252 (0x81) must not raise UnicodeDecodeError."""
    folder = _tiny_year(tmp_path)
    data = ("\n".join([X3_HEADER, *X3_ROWS]) + "\n").encode("cp1252").replace(b"Siti", b"Si\x81ti\xe9")
    (folder / "X3-bansos.csv").write_bytes(data)
    assert _outcome(folder) in [(2, 1), {"X3-bansos.csv"}]


def test_regression_workbook_without_header_after_another_error(tmp_path):
    """Every problem is reported in one run (§1.5): also a headerless x2 workbook after an x1 error."""
    folder = _tiny_year(tmp_path)
    (folder / "x1_psks.csv").write_text("Nama;Kecamatan;Status\nAni;Pahandut;Ya\n", encoding="utf-8")
    write_register(folder / "x2_rehsos.xlsx", [["Ani", "Pahandut", "Ya"]])  # the header row was deleted
    assert _outcome(folder) == {"x1_psks.csv", "x2_rehsos.xlsx"}


def test_regression_excel_error_value_in_status_is_not_blank(tmp_path):
    """A formula error (#N/A from a failed VLOOKUP) in Status is not a blank status (§1.2: an error)."""
    folder = _tiny_year(tmp_path)
    workbook = xlsxwriter.Workbook(str(folder / "x2_rehsos.xlsx"))
    sheet = workbook.add_worksheet("Data")
    sheet.write_row(0, 0, ["NIK", "Nama", "Jenis PPKS", "Kecamatan", "Status"])
    sheet.write_row(1, 0, ["6271000000000001", "Ani", "Pengemis", "Pahandut", "Ya"])
    sheet.write_row(2, 0, ["6271000000000002", "Badu", "Pengemis", "Pahandut"])
    sheet.write_formula(2, 4, "=VLOOKUP(A3,Rekap!A:B,2,FALSE)", None, "#N/A")
    workbook.close()
    result, errors = run_clean(folder)
    assert errors is not None, "the #N/A status was counted as a blank status (not handled)"
    assert ("x2_rehsos.xlsx", 3) in set(zip(errors["file"], errors["row"]))


BUDGET_HEADER = b"program;pagu;realisasi\n"


@pytest.mark.parametrize("content, expected", [
    pytest.param(b"", {"anggaran.csv"}, id="empty"),
    pytest.param(BUDGET_HEADER + b"Bansos;100;90;extra;more\n", {"anggaran.csv"}, id="more-fields-than-header"),
    pytest.param(BUDGET_HEADER + b'"Bansos;100;90\n', {"anggaran.csv"}, id="unclosed-quote"),
    # A byte undefined in Windows-1252 is replaced: the program name is odd, the amounts are fine.
    pytest.param(BUDGET_HEADER + b"Bansos \x81\xe9;100;90\n", (8, 7), id="cp1252-undefined-byte"),
])
def test_regression_malformed_budget_file(tmp_path, content, expected):
    """anggaran.csv is checked by clean_year (so that validate reports it): a bad one is a located error."""
    folder = _tiny_year(tmp_path)
    (folder / "anggaran.csv").write_bytes(content)
    assert _outcome(folder) == expected


def test_regression_rekap_count_too_large(tmp_path):
    """A rekap count that does not fit in 64 bits is an invalid count, not an OverflowError."""
    folder = _tiny_year(tmp_path)
    (folder / "x1_psks.csv").unlink()
    (folder / "rekap_2025.csv").write_bytes(b"komponen;sasaran;realisasi\nx1;99999999999999999999;1\n")
    assert _outcome(folder) == {"rekap_2025.csv"}


def test_regression_a_summary_row_below_the_end_marker_is_counted_once(tmp_path):
    """A JUMLAH row below ### is not read (after the end): not a summary row as well (counted twice)."""
    folder = _tiny_year(tmp_path)
    (folder / "X3-bansos.csv").write_text("\n".join([X3_HEADER, *X3_ROWS, "###", ";JUMLAH;;;;;1", "lain-lain"]) + "\n",
                                          encoding="utf-8")
    result, errors = run_clean(folder)
    assert errors is None, errors.to_string()
    stats = {s.component: s for s in result.stats}["x3"]
    assert (stats.rows_in_files, stats.rows_read, stats.summary_rows, stats.footer_rows) == (5, 2, 0, 3)
    log = result.log.to_frame()
    assert not ((log["code"] == "summary_row") & (log["file"] == "X3-bansos.csv")).any()
    assert log.loc[log["code"] == "end_marker", "row"].tolist() == [4]


def test_regression_csv_header_on_row_40_after_quoted_line_breaks(tmp_path):
    """The header is searched on the first 40 records, not lines: 39 two-line titles, then a stacked header
    (its lower row past row 40, trimmed narrower than the upper one) and a column-number row."""
    folder = _tiny_year(tmp_path)
    titles = ['"DAFTAR\nPENERIMA"'] * 39
    upper = "NIK;Nama Penerima;Jenis PPKS;Alamat;;Tanggal Penyaluran;Tepat Sasaran"
    lower = ";;;Kecamatan;Kelurahan"
    (folder / "X3-bansos.csv").write_text("\n".join([*titles, upper, lower, "1;2;3;4;5;6;7", *X3_ROWS]) + "\n",
                                          encoding="utf-8")
    assert _outcome(folder) == (2, 1)


def test_regression_a_far_stray_cell_changes_no_count(tmp_path):
    """A space in A1048576 (sparse reading) or a value in XFD1 (a dense sheet 16,384 columns wide): the
    blank rows between the data rows are counted as without it (they were lost when read sparsely)."""
    header, rows = X3_HEADER.split(";"), [r.split(";") for r in X3_ROWS]
    stats = []
    for far in ("", "below", "right"):
        folder = _tiny_year(tmp_path / (far or "none"))
        (folder / "X3-bansos.csv").unlink()
        workbook = xlsxwriter.Workbook(str(folder / "x3_bansos.xlsx"))
        sheet = workbook.add_worksheet("Data")
        for r, row in enumerate([header, [], rows[0], [], [], rows[1]]):
            sheet.write_row(r, 0, row)
        if far == "below":
            sheet.write_string(1_048_575, 0, " ")
        elif far == "right":
            sheet.write_string(0, 16_383, "catatan")
        workbook.close()
        result, errors = run_clean(folder)
        assert errors is None, errors.to_string()
        x3 = {s.component: s for s in result.stats}["x3"]
        stats.append((x3.rows_in_files, x3.blank_rows, x3.rows_read, x3.cases))
    assert stats == [(5, 3, 2, 2)] * 3


def test_regression_a_keterangan_footer_below_the_header_of_an_empty_table(tmp_path):
    """"Keterangan :" right below a header (no data rows) was read as a stacked second row, turning the
    column above it (Kec) into the ignored Keterangan column: a missing_column for a valid register."""
    folder = _tiny_year(tmp_path)
    (folder / "X3-bansos.csv").write_text("Kec:;Nama Penerima;Jenis PPKS;Tepat Sasaran\nKeterangan :;;;\n",
                                          encoding="utf-8")
    assert _outcome(folder) == (0, 0)
