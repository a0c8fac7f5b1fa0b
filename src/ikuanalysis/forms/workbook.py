"""Write the empty Excel workbook that collects a year's registers (data contract §4).

Two layouts, both written with xlsxwriter and byte-stable for a given year and
configuration:

- **One workbook** (default): ``FILE`` holds the instructions sheet ``Petunjuk``, one
  sheet per configured component (``x1`` … ``xn``) and the hidden sheet ``Daftar`` with
  the drop-down lists. The data contract assigns a register file to a component by the
  *start of its name*, so this workbook cannot be read as it is: the instructions say
  to save each component sheet as its own file named ``<prefix>_<...>.xlsx``.
- **Split** (``split=True``, ``ikuanalysis template --split``): one file per component,
  ``x1_<stem>.xlsx`` … next to ``FILE`` (``FILE`` itself is not written), each with
  ``Petunjuk``, its component's sheet and ``Daftar``. Once filled they go as they are
  into ``data/raw/<year>/``.

The components and the layout of their sheets (headers, status pair, unit) come from
``config/iku.yml`` (``components[].template``); a component without a ``template`` block
gets the default layout of the canonical columns (``No``, ``NIK``, ``Nama``, ...).

A component sheet has a title row, the header row (row 2; texts that
``config/aliases.yml`` recognises) and room for :data:`TEMPLATE_ROWS` data rows with
drop-down lists for Kecamatan, Kelurahan, Jenis and Status, a date format on Tanggal and
a text format on NIK. The header texts and status values are checked against the
configuration before anything is written, so the template always passes the cleaning
stage: an unfilled sheet reads as "no cases this year".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from ikuanalysis.config import (
    TEMPLATE_COLUMNS,
    Component,
    Settings,
    normalize_key,
    normalize_value,
)
from ikuanalysis.ingest.read import column_letter

EXCEL_MAX_ROWS = 1_048_576
# Drop-downs and checks reach the sheet's last row: a data validation is one range, so the
# workbook stays as small and quick to open for a 10^6-row DTKS register as for 1.000 rows.
TEMPLATE_ROWS = EXCEL_MAX_ROWS - 2  # below the title and header rows
INSTRUCTIONS_SHEET = "Petunjuk"
LISTS_SHEET = "Daftar"
TITLE_ROW = 0  # 0-based: spreadsheet row 1
HEADER_ROW = 1  # spreadsheet row 2
FIRST_DATA_ROW = HEADER_ROW + 1  # spreadsheet row 3
DATE_FORMAT = "dd/mm/yyyy"
TEXT_FORMAT = "@"
_JENIS_NAMES = {"psks": "PSKS", "ppks": "PPKS", "bencana": "jenis bencana"}
_COUNT_WORDS = {1: "satu", 2: "dua", 3: "tiga", 4: "empat", 5: "lima", 6: "enam", 7: "tujuh", 8: "delapan",
                9: "sembilan", 10: "sepuluh"}


class TemplateError(ValueError):
    """The template cannot be written (bad output name, configuration mismatch, file locked)."""


@dataclass(frozen=True)
class SheetLayout:
    """What a component's sheet asks for.

    Attributes:
        headers: Header texts in sheet order; the first is ``No`` (not read), the others
            are aliases of ``nik, nama, jenis, kecamatan, kelurahan, tanggal, status`` (and
            ``no_kk`` after ``nik`` for a component counted per household).
        status_pair: The component's own spelling of yes and no (offered after Ya/Tidak).
        unit: What one row is, for the instructions ("orang", "lembaga atau orang").
        columns: The canonical column of each header (``Component.template_columns``).
    """

    headers: tuple[str, ...]
    status_pair: tuple[str, str]
    unit: str
    columns: tuple[str, ...] = TEMPLATE_COLUMNS

    @property
    def status_values(self) -> tuple[str, ...]:
        """The drop-down list of the Status column."""
        return tuple(dict.fromkeys(("Ya", "Tidak", *self.status_pair)))


COLUMNS = TEMPLATE_COLUMNS
COLUMN_WIDTHS = {"no": 6, "nik": 20, "no_kk": 20, "nama": 32, "jenis": 42, "kecamatan": 14, "kelurahan": 20,
                 "tanggal": 14, "status": 24}
DEFAULT_HEADERS = {"no": "No", "nik": "NIK", "no_kk": "No KK", "nama": "Nama", "jenis": "Jenis",
                   "kecamatan": "Kecamatan", "kelurahan": "Kelurahan", "tanggal": "Tanggal", "status": "Status"}


def layout_for(component: Component) -> SheetLayout:
    """Return the sheet layout of a component: its ``template`` block over the default layout."""
    template = component.template
    columns = component.template_columns
    headers = tuple(template.headers.get(column, DEFAULT_HEADERS[column]) for column in columns)
    return SheetLayout(headers, tuple(template.status_pair), template.unit, columns)


def layouts(settings: Settings) -> dict[str, SheetLayout]:
    """Return the sheet layout of every configured component, by id, in configuration order."""
    return {component.id: layout_for(component) for component in settings.iku.components}


def check_layouts(settings: Settings) -> None:
    """Check that every header and status value of the template is understood by the cleaning.

    Raises:
        TemplateError: A header does not resolve to its column through the alias table,
            ``No`` resolves to a column, or a status value is not in the vocabulary (a
            change in ``config/aliases.yml`` that the template must follow).
    """
    lookup, status = settings.vocabulary.header_lookup, settings.vocabulary.status_lookup
    problems = []
    for component_id, layout in layouts(settings).items():
        for canonical, header in zip(layout.columns, layout.headers, strict=True):
            found = lookup.get(normalize_key(header))
            expected = None if canonical == "no" else canonical
            if found != expected:
                problems.append(f"{component_id}: header {header!r} reads as {found!r}, expected {expected!r}")
        meanings = [status.get(normalize_value(v)) for v in layout.status_values]
        if None in meanings or set(meanings) != {True, False}:
            problems.append(f"{component_id}: status values {layout.status_values} are not a yes/no pair "
                            "of config/aliases.yml")
    if problems:
        raise TemplateError("Template does not match the configuration:\n  - " + "\n  - ".join(problems))


def split_paths(output: Path, components: Iterable[Component]) -> dict[str, Path]:
    """Return the per-component files of ``--split``: ``<prefix>_<stem>.xlsx`` next to ``output``, by id."""
    return {c.id: output.with_name(f"{c.prefix}_{output.stem}.xlsx") for c in components}


def write_template(output: str | Path, settings: Settings, year: int, *, split: bool = False) -> list[Path]:
    """Write the empty register workbook(s) of ``year``.

    Args:
        output: The ``.xlsx`` file to write; with ``split``, the name the per-component files are
            derived from (``x1_<stem>.xlsx`` …, one per component, in the same folder).
        settings: The validated configuration (components, vocabulary, lists).
        year: The reporting year the registers are collected for.
        split: Write one file per component instead of one workbook.

    Returns:
        The files written, in component order.

    Raises:
        TemplateError: ``output`` does not end in ``.xlsx``, the year is not four digits,
            the configuration does not fit the template, or a file cannot be written.
    """
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise TemplateError(f"{output}: nama berkas templat harus berakhiran .xlsx.")
    if not 1000 <= int(year) <= 9999:
        raise TemplateError(f"Tahun {year} tidak valid: tulis empat angka, mis. 2025.")
    check_layouts(settings)
    components = settings.iku.components
    output.parent.mkdir(parents=True, exist_ok=True)
    if not split:
        _write_workbook(output, settings, int(year), components, split_name=None)
        return [output]
    targets = split_paths(output, components)
    for component in components:
        _write_workbook(targets[component.id], settings, int(year), (component,),
                        split_name=targets[component.id].name)
    return list(targets.values())


def _write_workbook(
    path: Path, settings: Settings, year: int, components: tuple[Component, ...], split_name: str | None
) -> None:
    """Write one workbook: instructions, the given components' sheets, the hidden lists."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({
        "title": f"Register IKU {year}: {settings.iku.indicator.name}",
        "author": settings.iku.decree.issuer.replace("Kepala ", "", 1),
        "created": dt.datetime(year, 1, 1),
    })
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "section": workbook.add_format({"bold": True, "font_size": 11, "bg_color": "#DDEBF7"}),
        "header": workbook.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1,
                                       "bg_color": "#DDEBF7"}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "bold_wrap": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "date": workbook.add_format({"num_format": DATE_FORMAT}),
        "text": workbook.add_format({"num_format": TEXT_FORMAT}),
    }
    _write_instructions(workbook, formats, settings, year, components, split_name)
    sources = {
        "kecamatan": list(settings.geography.kecamatan),
        "kelurahan": sorted(settings.geography.kelurahan),
        **{name: list(values) for name, values in settings.jenis.lists.items()},
        **{f"status_{cid}": list(layout.status_values) for cid, layout in layouts(settings).items()},
    }
    refs = {key: _list_reference(index, len(values)) for index, (key, values) in enumerate(sources.items())}
    for component in components:
        _write_component_sheet(workbook, formats, component, year, refs, sources)
    _write_lists(workbook, formats, sources)
    try:
        workbook.close()
    except FileCreateError as exc:
        raise TemplateError(
            f"{path}: berkas tidak dapat ditulis ({exc}). Tutup berkas itu bila sedang dibuka di Excel, "
            "atau pilih folder lain."
        ) from exc


def _list_reference(column: int, length: int) -> str:
    """Return the absolute reference of a list in the hidden sheet (values from row 2)."""
    letter = column_letter(column)
    return f"={LISTS_SHEET}!${letter}$2:${letter}${length + 1}"


def _write_lists(workbook, formats: dict, sources: dict[str, list[str]]) -> None:
    """Write the drop-down lists, one column each, into the hidden sheet ``Daftar``.

    The column titles start with "Daftar" so that no row of this sheet reads as a header
    row of a register.
    """
    sheet = workbook.add_worksheet(LISTS_SHEET)
    for col, (key, values) in enumerate(sources.items()):
        sheet.write_string(0, col, f"Daftar {key.replace('_', ' ')}", formats["header"])
        for row, value in enumerate(values, start=1):
            sheet.write_string(row, col, value)
        sheet.set_column(col, col, max(14, *(len(v) + 2 for v in values)))
    sheet.hide()


def _write_component_sheet(workbook, formats: dict, component: Component, year: int, refs: dict[str, str],
                           sources: dict[str, list[str]]) -> None:
    """Write a component's sheet: title, header, formats and drop-down lists."""
    layout = layout_for(component)
    sheet = workbook.add_worksheet(component.id)
    sheet.write_string(TITLE_ROW, 0, f"REGISTER {component.id} — {component.label} — TAHUN {year}",
                       formats["title"])
    sheet.set_row(HEADER_ROW, 32)
    for col, (canonical, header) in enumerate(zip(layout.columns, layout.headers, strict=True)):
        sheet.write_string(HEADER_ROW, col, header, formats["header"])
        cell_format = {"nik": formats["text"], "no_kk": formats["text"], "tanggal": formats["date"]}.get(canonical)
        sheet.set_column(col, col, COLUMN_WIDTHS[canonical], cell_format)
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    last_row = FIRST_DATA_ROW + TEMPLATE_ROWS - 1
    column = {name: layout.columns.index(name) for name in layout.columns}
    jenis_name = _JENIS_NAMES[component.jenis_list]

    def validate(name: str, options: dict) -> None:
        sheet.data_validation(FIRST_DATA_ROW, column[name], last_row, column[name], options)

    validate("kecamatan", {
        "validate": "list", "source": refs["kecamatan"], "error_type": "stop",
        "input_title": "Kecamatan (wajib)", "input_message": f"Pilih salah satu dari {_count_word(len(sources['kecamatan']))} kecamatan.",
        "error_title": "Kecamatan tidak dikenal",
        "error_message": "Pilih kecamatan dari daftar (klik panah di kanan sel).",
    })
    validate("kelurahan", {
        "validate": "list", "source": refs["kelurahan"], "error_type": "warning",
        "input_title": "Kelurahan", "input_message": f"Pilih dari daftar {len(sources['kelurahan'])} kelurahan (boleh kosong).",
        "error_title": "Kelurahan tidak ada di daftar",
        "error_message": "Kelurahan ini tidak ada di daftar; periksa ejaannya. Lanjutkan?",
    })
    validate("jenis", {
        "validate": "list", "source": refs[component.jenis_list], "error_type": "warning",
        "input_title": "Jenis (wajib)", "input_message": f"Pilih dari daftar {jenis_name}.",
        "error_title": "Jenis tidak ada di daftar",
        "error_message": f"Jenis ini tidak ada di daftar {jenis_name}; akan dicatat sebagai peringatan. Lanjutkan?",
    })
    validate("status", {
        "validate": "list", "source": refs[f"status_{component.id}"], "error_type": "stop",
        "input_title": "Status (wajib)", "input_message": " / ".join(layout.status_values),
        "error_title": "Status tidak dikenal",
        "error_message": "Pilih status dari daftar: " + ", ".join(layout.status_values) + ".",
    })
    validate("tanggal", {
        "validate": "date", "criteria": "between", "minimum": dt.date(year, 1, 1),
        "maximum": dt.date(year, 12, 31), "error_type": "warning",
        "input_title": "Tanggal", "input_message": f"Tanggal tahun {year}, hari lebih dulu: dd/mm/yyyy.",
        "error_title": f"Bukan tanggal tahun {year}",
        "error_message": f"Baris bertanggal di luar tahun {year} tidak dihitung. Lanjutkan?",
    })
    validate("nik", {
        "validate": "length", "criteria": "==", "value": 16, "error_type": "warning",
        "input_title": "NIK", "input_message": "16 angka, ditulis sebagai teks. Boleh kosong.",
        "error_title": "NIK bukan 16 angka",
        "error_message": "NIK harus 16 angka. Lanjutkan?",
    })
    if "no_kk" in column:  # a component counted per household: the No. KK identifies the case
        validate("no_kk", {
            "validate": "length", "criteria": "==", "value": 16, "error_type": "stop",
            "input_title": "No KK (wajib)",
            "input_message": "Nomor Kartu Keluarga: 16 angka, ditulis sebagai teks. Baris dengan No KK sama = satu rumah tangga.",
            "error_title": "No KK bukan 16 angka",
            "error_message": "No KK harus 16 angka (nomor Kartu Keluarga).",
        })


class _InstructionSheet:
    """Writes the instructions sheet row by row: labels in column A, texts in B, notes in C."""

    def __init__(self, workbook, formats: dict):
        self.sheet, self.formats, self.row = workbook.add_worksheet(INSTRUCTIONS_SHEET), formats, 0
        self.sheet.set_column(0, 0, 24, formats["bold_wrap"])
        self.sheet.set_column(1, 1, 110, formats["wrap"])
        self.sheet.set_column(2, 2, 14, formats["wrap"])

    def title(self, text: str) -> None:
        """Write the sheet's title row."""
        self.sheet.write_string(self.row, 0, text, self.formats["title"])
        self.row += 1

    def line(self, label: str = "", text: str = "", extra: str = "") -> None:
        """Write one row (any of its cells may be empty)."""
        for column, value in enumerate((label, text, extra)):
            if value:
                self.sheet.write_string(self.row, column, value)
        self.row += 1

    def section(self, title: str) -> None:
        """Write a section heading across the three columns, after a blank row."""
        self.row += 1
        self.sheet.merge_range(self.row, 0, self.row, 2, title, self.formats["section"])
        self.row += 1


def _write_instructions(
    workbook, formats: dict, settings: Settings, year: int, components: tuple[Component, ...],
    split_name: str | None,
) -> None:
    """Write the instructions sheet ``Petunjuk`` (Bahasa Indonesia).

    Column A holds short labels, column B the explanations; no row holds two column
    names, so the sheet is never taken for a register (it is skipped and logged).
    """
    out = _InstructionSheet(workbook, formats)
    _write_purpose(out, settings, year, components)
    _write_columns(out, settings, year, components)
    _write_status_values(out, settings, components)
    _write_sending(out, components, year, split_name)


def _write_purpose(out: _InstructionSheet, settings: Settings, year: int, components: tuple[Component, ...]) -> None:
    """The title, what the workbook is for, and one line per component."""
    iku = settings.iku
    ids = ", ".join(c.id for c in components)
    out.title(f"PETUNJUK PENGISIAN REGISTER IKU TAHUN {year}")
    out.line(text=f"Indikator Kinerja Utama '{iku.indicator.name}', menurut Keputusan {iku.decree.issuer} "
              f"Nomor {iku.decree.number}.")

    out.section("Untuk apa buku kerja ini")
    out.line(text=(
        f"Buku kerja ini dipakai untuk mengumpulkan data kasus tahun {year} yang menjadi dasar perhitungan "
        f"IKU. Nilai IKU adalah rata-rata persentase komponen {', '.join(iku.component_ids)}; persentase tiap "
        "komponen = kasus yang "
        "ditangani ÷ seluruh kasus × 100. Isi satu baris untuk setiap orang atau unit (satu kasus); jumlah "
        "dan persentase dihitung oleh program, jadi jangan menulis baris jumlah atau total."
    ))
    out.line(text=f"Berkas ini memuat komponen {ids}; setiap komponen diisi pada sheet dengan nama yang sama.")

    out.section("Komponen (satu sheet per komponen)")
    for component in components:
        layout = layout_for(component)
        out.line(f"Sheet {component.id}", (
            f"{component.label}. Bidang: {component.bidang}. Satu baris = satu {layout.unit}. "
            f"Dihitung: {component.numerator}, dibagi {component.denominator}. "
            f"Jenis dipilih dari daftar {_JENIS_NAMES[component.jenis_list]}."
        ))



def _write_columns(out: _InstructionSheet, settings: Settings, year: int, components: tuple[Component, ...]) -> None:
    """What to write in each column, and whether it is required."""
    vocab = settings.vocabulary
    out.section("Kolom (baris 2 setiap sheet komponen adalah baris judul kolom)")
    required = set(vocab.required)
    out.line("Kolom", "Keterangan", "Wajib diisi?")
    column_notes = _column_notes(settings, components, year)
    first = layout_for(components[0])
    sample = dict(zip(first.columns, first.headers, strict=True))
    households = [c.id for c in components if c.is_household]
    columns = COLUMNS if not households else (*COLUMNS[:2], "no_kk", *COLUMNS[2:])
    for canonical in columns:
        label = {"nama": "Nama", "jenis": "Jenis", "tanggal": "Tanggal", "status": "Status"}.get(
            canonical, sample.get(canonical, DEFAULT_HEADERS[canonical]))
        if canonical == "no_kk":
            wajib = "Wajib" if len(households) == len(components) else "Wajib untuk " + ", ".join(households)
        else:
            wajib = "Wajib" if canonical in required else "Tidak wajib"
        out.line(label, column_notes[canonical], wajib)
    out.line(text=(
        ("Judul kolom sheet ini: " if len(components) == 1 else "Judul kolom berbeda menurut komponen: ")
        + "; ".join(f"{c.id}: " + ", ".join(layout_for(c).headers) for c in components)
        + ". Jangan mengubah, menghapus atau memindahkan baris judul kolom. Kolom tambahan (mis. Alamat, "
        "Keterangan) boleh ditambahkan di sebelah kanan; kolom itu tidak dibaca."
    ))



def _write_status_values(out: _InstructionSheet, settings: Settings, components: tuple[Component, ...]) -> None:
    """The status values the cleaning accepts."""
    vocab = settings.vocabulary
    out.section("Nilai status yang diterima")
    out.line("Sudah ditangani", ", ".join(vocab.status["handled"]) + ".")
    out.line("Belum ditangani", ", ".join(vocab.status["not_handled"]) + ".")
    out.line(text="Huruf besar/kecil dan spasi di awal/akhir tidak berpengaruh. Daftar pilihan di setiap sheet "
              "memuat pasangan yang paling umum: " + "; ".join(
                  f"{c.id}: " + " / ".join(layout_for(c).status_values) for c in components) + ".")



def _write_sending(out: _InstructionSheet, components: tuple[Component, ...], year: int, split_name: str | None) -> None:
    """How to fill in, save and send the workbook."""
    out.section("Cara mengisi dan mengirim")
    out.line("Mulai mengisi", "Dari baris 3, tepat di bawah baris judul kolom. Satu baris per orang/unit; "
                          "kolom Kecamatan, Kelurahan, Jenis dan Status diisi dengan memilih dari daftar "
                          "(klik sel, lalu panah di kanannya).")
    out.line("Tidak ada kasus", "Komponen yang tidak punya kasus tahun ini: biarkan sheet-nya kosong (hanya baris "
                            "judul kolom) dan tetap kirim berkasnya. Komponen tanpa berkas sama sekali dianggap "
                            "kesalahan, bukan nol kasus; jangan mengirim templat kosong bila datanya belum ada.")
    out.line("Menyimpan", _saving_text(components, year, split_name))
    out.line("Mengirim", f"Berkas yang sudah diisi diletakkan oleh pengolah data di folder data/raw/{year}/. "
                     "Berkas berisi data pribadi (NIK, nama): kirim hanya melalui saluran resmi dinas.")


def _column_notes(settings: Settings, components: tuple[Component, ...], year: int) -> dict[str, str]:
    """Return what to write in each canonical column, for the instructions sheet."""
    iku = settings.iku
    return {
        "no": "Nomor urut. Boleh diisi atau dikosongkan; tidak dibaca program.",
        "nik": (
            "Nomor Induk Kependudukan: 16 angka, ditulis sebagai TEKS (kolom ini sudah berformat teks; bila "
            "menempel dari berkas lain, tempel sebagai nilai/teks agar angka tidak berubah menjadi 6,27E+15). "
            "Baris dengan NIK yang sama dihitung satu kasus. Kosongkan untuk lembaga atau bila tidak ada."
        ),
        "no_kk": (
            "Nomor Kartu Keluarga: 16 angka, ditulis sebagai TEKS (kolom ini sudah berformat teks). Hanya pada "
            "sheet komponen yang dihitung per rumah tangga (" + ", ".join(c.id for c in components if c.is_household)
            + "): baris-baris dengan No KK yang sama dihitung satu kasus, dan setiap baris wajib memiliki No KK."
        ),
        "nama": "Nama orang, lembaga atau penerima. Tanpa NIK, orang yang sama dikenali dari nama dan kelurahan.",
        "jenis": "Pilih dari daftar pilihan sheet itu (" + _jenis_per_component(iku.components)
                 + "). Jenis di luar daftar tetap dihitung tetapi dicatat sebagai peringatan.",
        "kecamatan": "Pilih salah satu dari: " + ", ".join(settings.geography.kecamatan) + ".",
        "kelurahan": f"Pilih dari daftar {len(settings.geography.kelurahan)} kelurahan {iku.organization.city}. "
                     "Boleh dikosongkan.",
        "tanggal": (
            f"Tanggal asesmen, verifikasi, penyaluran atau kejadian. Isi sebagai tanggal Excel (kolom sudah "
            f"berformat dd/mm/yyyy) atau teks dd/mm/yyyy, mis. 05/03/{year}; hari selalu ditulis lebih dulu. "
            f"Baris bertanggal di luar tahun {year} tidak dihitung. Boleh dikosongkan."
        ),
        "status": "Ya bila kasus ini sudah ditangani: " + "; ".join(
            f"{c.id}: {c.numerator}" for c in components
        ) + ". Nilai yang diterima ada di bawah. Status kosong dihitung BELUM ditangani.",
    }


def _saving_text(components: tuple[Component, ...], year: int, split_name: str | None) -> str:
    """Return how to save the filled workbook: one file per component, named by its prefix."""
    ids = ", ".join(c.id for c in components)
    if split_name:
        component_id, prefix = components[0].id, components[0].prefix
        return (
            f"Berkas ini hanya untuk komponen {component_id}. Simpan sebagai .xlsx dengan nama yang tetap "
            f"diawali '{prefix}_' (mis. {split_name}): awal nama berkas menentukan komponennya. Beberapa "
            f"berkas untuk satu komponen boleh (mis. {prefix}_bagian1.xlsx dan {prefix}_bagian2.xlsx)."
        )
    else:
        stem = "register"
        count = _count_word(len(components))
        return (
            "Program membaca setiap berkas sebagai SATU komponen menurut awal namanya, jadi buku kerja berisi "
            f"{count} komponen ini TIDAK dapat dikirim utuh. Setelah diisi, simpan setiap sheet {ids} sebagai "
            "berkas .xlsx tersendiri (klik kanan tab sheet → Pindahkan atau Salin → (buku baru) → centang "
            "'Buat salinan'), dengan nama diawali id komponen: "
            + ", ".join(f"{c.prefix}_{stem}.xlsx" for c in components)
            + f". Lebih mudah: buat {count} berkas terpisah dengan perintah "
            f"ikuanalysis template --year {year} --output NAMA.xlsx --split."
        )


def _count_word(number: int) -> str:
    """Return a small count in words ("lima"), larger ones in digits."""
    return _COUNT_WORDS.get(number, str(number))


def _jenis_per_component(components: tuple[Component, ...]) -> str:
    """Say which jenis list each component uses: "PSKS untuk x1, PPKS untuk x2 dan x3, ..."."""
    groups: dict[str, list[str]] = {}
    for component in components:
        groups.setdefault(component.jenis_list, []).append(component.id)
    parts = []
    for jenis_list, ids in groups.items():
        joined = ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " dan " + ids[-1]
        parts.append(f"{_JENIS_NAMES[jenis_list]} untuk {joined}")
    return ", ".join(parts)
