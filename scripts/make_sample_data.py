#!/usr/bin/env python3
"""Generate SYNTHETIC sample registers for the IKU "Persentase PPKS yang ditangani sesuai standar".

Everything this script writes is a synthetic example made up for development and testing. None of it
is an official figure of Dinas Sosial Kota Palangka Raya: names, NIK, addresses, counts, budgets and
notes are invented from seeded random numbers and only shaped like real registers.

It rewrites ``data/raw/<year>/`` for 2021-2025 (registers x1-x4 with deliberate, contract-valid messiness;
a rekap for x1 in 2021; ``anggaran.csv``, ``catatan.md`` and ``sumber.yml`` in 2025) and
``tests/fixtures/sample_truth.json``, the counts the cleaning stage must find, taken from the generator's own
knowledge (never by re-reading the files). The output is byte-for-byte repeatable.

The latest year, 2025 (the one ``make report`` builds), holds registers in the layouts of real files, built
with the layout code of ``tests/fixtures/real_layouts.py`` (data contract v2 §7): x1's PSM in the Kemensos
"Model B.1.1" verification form as Palangka Raya adapts it (title and key-value block, two-row header,
column-number row, ``Kecamatan Lokasi Tugas``, ``Status Kinerja``, formatted empty rows; jenis from its sheet
name), the other PSKS in a table with kecamatan group rows and ``Sumber``/``Catatan`` footers; x2's lansia in
the Magetan per-jenis template (no jenis column: jenis from the file name, status column named in
``sumber.yml``); x3 as a DTKS/SIKS-NG pipe-delimited export (not named x3, programme flag columns instead of a
status, jenis and flags from ``sumber.yml``).

Usage: ``python scripts/make_sample_data.py [--out DIR] [--truth FILE] [--config DIR]``
"""
from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the shared register writer is test tooling (tests/fixtures), not in the package
from tests.fixtures import real_layouts as rl  # noqa: E402
from tests.fixtures.registers import Sheet, write_register  # noqa: E402

SEED = 20250220
YEARS = (2021, 2022, 2023, 2024, 2025)
CREATED = dt.datetime(2026, 1, 15, 9, 0, 0)
COUNTERS = ("rows_read", "summary_rows", "blank_rows", "excluded_other_year", "blank_status", "invalid_nik",
            "blank_date", "footer_rows", "group_rows")

# (cases, share handled) per component and year; x4 case counts come from EVENTS.
PLAN = {"x1": {2021: (160, .79), 2022: (178, .82), 2023: (196, .85), 2024: (215, .88), 2025: (238, .91)},
        "x2": {2021: (850, .74), 2022: (925, .78), 2023: (1010, .83), 2024: (1105, .86), 2025: (1225, .895)},
        "x3": {2021: (7800, .81), 2022: (8650, .85), 2023: (9700, .88), 2024: (10850, .92), 2025: (12150, .945)},
        "x4": {2021: (0, .72), 2022: (0, 0), 2023: (0, .86), 2024: (0, .93), 2025: (0, .97)}}
# Month spellings parsed since contract v2: the sample keeps the spellings it was made with, so that
# growing the vocabulary of config/aliases.yml does not rewrite its files.
MONTHS_SINCE_V2 = frozenset({"peb", "mrt", "agst", "nop"})
# Likewise for the jenis aliases of config/jenis.yml added since (a jenis column never gets these spellings).
JENIS_ALIASES_SINCE_V2 = frozenset({"Lansia"})
EXCLUDED = {"x1": (1, 3), "x2": (4, 8), "x3": (10, 18), "x4": (3, 6)}  # rows dated outside the year
NIK_SHARE = {"x1": .95, "x2": .96, "x3": .99, "x4": .9}  # persons with an NIK (institutions never have one)
KEC_WEIGHT = {"Jekan Raya": 40, "Pahandut": 33, "Sabangau": 12, "Bukit Batu": 11, "Rakumpit": 4}
JENIS_WEIGHT = {
    "x1": {"Pekerja Sosial Masyarakat (PSM)": 34, "Taruna Siaga Bencana (Tagana)": 15, "Karang Taruna": 10,
           "Lembaga Kesejahteraan Sosial (LKS)": 9, "Pekerja Sosial Profesional": 5, "Penyuluh Sosial": 3,
           "Wahana Kesejahteraan Sosial Berbasis Masyarakat (WKSBM)": 5, "Keluarga Pioner": 5,
           "Lembaga Konsultasi Kesejahteraan Keluarga (LK3)": 1, "Wanita Pemimpin Kesejahteraan Sosial": 6,
           "Dunia Usaha": 4, "Tenaga Kesejahteraan Sosial Kecamatan (TKSK)": 2},
    "x2": {"Lanjut Usia Telantar": 40, "Penyandang Disabilitas": 22, "Anak Telantar": 12, "Anak Jalanan": 4,
           "Anak Balita Telantar": 2, "Anak dengan Kedisabilitasan": 4, "Anak Berhadapan dengan Hukum": 2,
           "Anak yang Menjadi Korban Tindak Kekerasan": 2, "Anak yang Memerlukan Perlindungan Khusus": 1,
           "Gelandangan": 5, "Pengemis": 5, "Pemulung": 1},
    "x3": {"Fakir Miskin": 55, "Perempuan Rawan Sosial Ekonomi": 15, "Lanjut Usia Telantar": 15,
           "Penyandang Disabilitas": 7, "Anak Telantar": 4, "Keluarga Bermasalah Sosial Psikologis": 2,
           "Komunitas Adat Terpencil": 1, "Pemulung": 1}}
# x4 events per year: (jenis, first day, last day, kelurahan, victims), loosely after the news in domain.md.
EVENTS = {
    2021: [("Banjir", (11, 8), (11, 30), ["Pahandut Seberang", "Pahandut", "Tumbang Rungan", "Panarung", "Langkai",
                                          "Kereng Bangkirai", "Danau Tundai", "Bereng Bengkel", "Sabaru",
                                          "Tangkiling", "Marang", "Palangka"], 1450),
           ("Kebakaran Permukiman", (8, 14), (8, 16), ["Tumbang Rungan"], 135),
           ("Angin Puting Beliung", (3, 2), (3, 3), ["Menteng", "Bukit Tunggal"], 40)],
    2022: [],
    2023: [("Banjir", (1, 9), (1, 20), ["Danau Tundai", "Kereng Bangkirai", "Sabaru"], 60),
           ("Kebakaran Permukiman", (8, 20), (8, 21), ["Langkai"], 170),
           ("Kebakaran Hutan dan Lahan", (9, 1), (10, 20), ["Kalampangan", "Kereng Bangkirai", "Tumbang Tahai"], 35)],
    2024: [("Kebakaran Permukiman", (6, 11), (6, 12), ["Pahandut"], 45),
           ("Angin Puting Beliung", (10, 28), (10, 29), ["Bukit Tunggal", "Palangka"], 30),
           ("Banjir", (12, 2), (12, 20), ["Pahandut Seberang", "Tumbang Rungan", "Danau Tundai"], 115)],
    2025: [("Banjir", (1, 6), (2, 10), ["Pahandut Seberang", "Tumbang Rungan", "Danau Tundai", "Kereng Bangkirai"], 60),
           ("Kebakaran Permukiman", (7, 3), (7, 25),
            ["Palangka", "Menteng", "Pahandut", "Pahandut Seberang", "Langkai"], 85),
           ("Angin Puting Beliung", (7, 14), (7, 15), ["Palangka", "Menteng", "Pahandut", "Langkai"], 200)]}

FIRST = ("Agustinus Yohanes Paulus Petrus Fransiskus Yulianus Markus Stefanus Natalia Maria Kristina Fransiska "
         "Yuliana Veronika Elisabet Debora Muhammad Ahmad Rahmat Syamsul Hendra Budi Rudi Agus Yusuf Ilham Arif "
         "Fajar Rizky Hasan Siti Nur Fitri Dewi Sri Aisyah Rahmah Jumiati Misnah Noor Halimah Rusmini Sumiati "
         "Kartini Wahyuni Indah Yanti Ratna Eka Dwi Dian Rina Sinta Mega Ayu Bayu Eko Joko Slamet Supriadi "
         "Herman Lukas Simon Daniel Samuel Yosua Gabriel Andreas Tommy Ferdinand Meiliana Oktaviani Novita Desi "
         "Elvina Lusiana Ester Rut Gusti Arbiyah Norhayati Saniah Taufik Kaspul").split()
LAST = ("Tingang Dandan Bungai Rangkap Lambung Ampung Nyahu Usop Sahari Unting Nahan Kuhu Ahat Pijar Sandan Uju "
        "Itah Ramang Bangkan Lamiang Tuah Kaharap Sangen Rawai Ngabe Asang Anyang Lambang Baboe Saputra Rahman "
        "Santoso Wijaya Setiawan Hidayat Kurniawan Hasanah Anggraini Pratama Susanti Lestari Siregar Pasaribu "
        "Rusdi Effendi Mulyadi Hartono Ramli Kusuma Gunawan Syahputra Nugroho Maharani Fitriani Mariani").split()
YOUTH = ("Tunas Harapan", "Bina Bersama", "Cahaya Muda", "Maju Bersama", "Bhakti Pemuda", "Harapan Bangsa",
         "Isen Mulang", "Betang Muda", "Tunas Bangsa", "Pemuda Mandiri", "Sinar Kahayan", "Bukit Raya")
ORG = ("Kasih Bunda", "Al-Ikhlas", "Nurul Hikmah", "Harapan Kita", "Betang Kasih", "Darul Aitam", "Budi Mulia",
       "Mutiara Hati", "Pelita Kasih", "Sayang Ibu", "Nurul Iman", "Bina Sejahtera", "Kasih Sesama", "Rumah Singgah")
INSTITUTIONS = {  # jenis given as a named unit without NIK -> name pattern
    "Karang Taruna": lambda pick: f"Karang Taruna {pick(YOUTH)}",
    "Lembaga Kesejahteraan Sosial (LKS)": lambda pick: f"LKS {pick(['Panti Asuhan', 'Lanjut Usia', 'Anak'])} "
                                                       f"{pick(ORG)}",
    "Lembaga Konsultasi Kesejahteraan Keluarga (LK3)": lambda pick: f"LK3 {pick(ORG)}",
    "Wahana Kesejahteraan Sosial Berbasis Masyarakat (WKSBM)": lambda pick: f"WKSBM {pick(ORG)}",
    "Dunia Usaha": lambda pick: f"{pick(['PT', 'CV', 'UD'])} {pick(YOUTH[:8])} {pick(['Abadi', 'Jaya', 'Borneo'])}"}
STREETS = ("G. Obos", "Tjilik Riwut Km 5", "RTA Milono", "Yos Sudarso", "Temanggung Tilung", "Rajawali",
           "Mahir Mahar", "Beliang", "Seth Adji", "Diponegoro", "Kinibalu", "A. Yani", "Sisingamangaraja",
           "Cilik Riwut")
NOTES = {  # Keterangan texts (ignored column) for yes / no rows; the en dash makes the cp1252 file non-UTF-8
    "x1": (["Aktif mendampingi PPKS", "Ikut penanganan bencana"], ["Tidak ada laporan kegiatan", "Pengurus vakum"]),
    "x2": (["Permakanan dan pendampingan", "Alat bantu kursi roda", "Layanan kebutuhan dasar"],
           ["Menunggu asesmen lanjutan", "Tidak ditemukan di alamat"]),
    "x3": (["Terdaftar DTKS", "Terdaftar DTSEN desil 1"],
           ["Tidak terdaftar DTKS", "Meninggal dunia", "Mampu (desil 6) – usul keluar", "Pindah domisili"]),
    "x4": (["Paket sembako dan selimut", "Santunan dan logistik"], ["Mengungsi ke rumah keluarga", "Belum terdata"])}
KOTA = "DINAS SOSIAL KOTA PALANGKA RAYA"
TITLES = {"x1": ["DATA POTENSI DAN SUMBER KESEJAHTERAAN SOSIAL (PSKS)", KOTA, "TAHUN {y}"],
          "x2": ["DAFTAR PPKS PENERIMA LAYANAN REHABILITASI SOSIAL", KOTA, "TAHUN {y}"],
          "x3": ["DAFTAR PENERIMA BANTUAN SOSIAL (VERIFIKASI DTKS)", KOTA, "TAHUN {y}"],
          "x4": ["REKAP DATA KORBAN BENCANA DAN PENYALURAN BANTUAN", "KOTA PALANGKA RAYA TAHUN {y}"]}
PETUNJUK = ["PETUNJUK PENGISIAN", "1. Isi satu baris untuk setiap orang atau lembaga pada lembar data.",
            "2. Kecamatan dan kelurahan diisi sesuai wilayah Kota Palangka Raya.",
            "3. Kolom status diisi dengan jawaban ya atau tidak sesuai judul kolom.",
            "4. Tanggal ditulis hari/bulan/tahun, misalnya 20/02/2025.",
            "Berkas ini berisi contoh data sintetis, bukan data resmi Dinas Sosial."]
HEADERS = {
    "x1": "No|NIK|Nama|Jenis PSKS|Kecamatan|Kelurahan|Alamat|Tanggal Kegiatan|Aktif|Keterangan",
    "x1_csv": "No|Nama PSKS|Jenis|Kecamatan|Kelurahan|Alamat|Berkontribusi",
    "x1_b": "No.|No. NIK|Nama Lembaga|Jenis PSKS|Kec|Kel|Tgl|Berkontribusi|Keterangan",
    "x2": "No|NIK|Nama Lengkap|Jenis PPKS|Kecamatan|Kelurahan|Alamat|Tanggal Asesmen|Ditangani Sesuai Standar"
          "|Keterangan",
    "x2_anak": "No.|NIK|Nama|Jenis|Kec|Kel|Alamat|Tgl|Status Penanganan|Keterangan",
    "x2_dis": "NO|No.\nNIK|NAMA PPKS|KATEGORI|KECAMATAN|DESA/KELURAHAN|TANGGAL\nASESMEN|SESUAI\nSTANDAR|KETERANGAN",
    "x2_gep": "No|Nomor Induk Kependudukan|Nama PPKS|Jenis PPKS|Kecamatan|Kelurahan|Tanggal|Status|Keterangan",
    "x3": "No|NIK|Nama Penerima|Jenis PPKS|Kecamatan|Kelurahan|Alamat|Tanggal Penyaluran|Tepat Sasaran|Keterangan",
    "x3_b": "No|NIK|Nama Penerima|Kategori|Kecamatan|Desa/Kelurahan|Alamat|Tanggal Verifikasi|Tepat Sasaran|Keterangan",
    "x3_c": "No|No KTP|Nama|Jenis PPKS|Kec|Kel|Alamat|Tgl|Tepat Sasaran|Keterangan",
    "x4": "No|NIK|Nama Korban|Jenis Bencana|Kecamatan|Kelurahan|Alamat|Tanggal Kejadian|Menerima Bantuan|Keterangan"}
# Real layouts (2025, see tests/fixtures/real_layouts.py): the values each writer takes from render_cells,
# in its own order. Their jenis (and the status of the DTKS export) come from the file's context.
LAYOUT_KEYS = {
    "psm_form": ["no", "nama", "nik", "alamat", "kecamatan", "status"],  # Kemensos Model B.1.1, sheet B.1.1 PSM
    "magetan_lansia": ["no", "nama", "alamat", "kelurahan", "kecamatan", "nik", "status", "keterangan"],
    "dtks": ["no", "kecamatan", "kelurahan", "alamat", "nik", "nama", "status", "keterangan"],  # SIKS-NG, pipes
}
X1_FOOTER = ("Sumber : Bidang Pemberdayaan Sosial, Dinas Sosial Kota Palangka Raya",
             "Catatan: status Aktif menurut laporan kegiatan PSKS tahun {y}; contoh data sintetis.")
SUMBER_2025 = """\
# sumber.yml tahun 2025 -- CONTOH SINTETIS buatan scripts/make_sample_data.py, bukan data resmi.
# Ditulis evaluator (kontrak data §1.6): memetakan berkas yang namanya tidak diawali kode komponen
# dan menjelaskan cara membaca berkas yang tata letaknya berbeda dari templat Dinas.
berkas:
  # Ekspor DTKS/SIKS-NG (teks dipisah tanda |), disimpan dengan nama aslinya. Tidak ada kolom
  # jenis dan tidak ada kolom status: semua KPM dicatat sebagai Fakir Miskin, dan seorang KPM
  # tepat sasaran bila kolom BANSOS BPNT atau BANSOS PKH berisi YA (PBI JKN tidak dihitung).
  - pola: "DTKS_*.txt"
    komponen: x3
    jenis: Fakir Miskin
    status_dari: [BANSOS BPNT, BANSOS PKH]
  # Templat pendataan lansia, satu berkas untuk satu jenis tanpa kolom jenis: jenisnya dibaca
  # dari nama berkas ("lansia" = Lanjut Usia Telantar). Status layanan dicatat di kolom
  # status_pemenuhan_kebutuhan (Sudah/Belum).
  - pola: "x2_lansia_*.xlsx"
    komponen: x2
    kolom: {status_pemenuhan_kebutuhan: status}
# Formulir PSKS Model B.1.1 (x1_instrumen_verifikasi_psks_2025.xlsx) tidak perlu dicatat di sini:
# namanya diawali x1 dan jenisnya (PSM) dibaca dari nama lembar "B.1.1 PSM".
"""
DEFINITIONS = {
    "rows_read": "non-blank, non-summary data rows below the header (other-year and duplicate rows included)",
    "summary_rows": "rows below the header whose first text cell starts with Jumlah/Total/Sub Total",
    "blank_rows": "fully blank rows below the header", "excluded_other_year": "rows dated outside the folder's year",
    "duplicates_merged": "kept rows merged into an existing case", "cases": "denominator", "handled": "numerator",
    "blank_status": "rows with a blank status (count as No)", "invalid_nik": "non-blank NIK not 16 digits once cleaned",
    "blank_date": "blank tanggal cells (files with a tanggal column only)",
    "footer_rows": "rows below the data starting with Sumber/Catatan/Keterangan/Petunjuk (skipped)",
    "group_rows": "rows with one text cell outside nama/nik, e.g. KECAMATAN PAHANDUT (skipped)"}


def norm(text: str) -> str:
    """Return a header or name lower-cased with everything but letters and digits removed."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


@dataclass
class Config:
    """Reference data read from ``config/`` at run time."""

    kel_of: dict[str, list[str]]  # kecamatan -> its kelurahan, in wilayah.csv order
    kec_of: dict[str, str]
    place_alias: dict[tuple[str, str], list[str]]  # (level, canonical) -> alternate spellings
    lists: dict[str, list[str]]
    jenis_alias: dict[str, list[str]]  # canonical jenis -> alternate spellings
    columns: dict[str, str]  # normalised header alias -> canonical column
    status: dict[bool, list[str]]
    months: dict[int, list[str]]  # month number -> names, full name first


def status_list(status: dict, handled: bool) -> list:
    """Return the yes or no vocabulary whatever its key spelling (YAML 1.1 reads bare yes/no as booleans)."""
    keys = ("handled", "yes", True) if handled else ("not_handled", "no", False)
    return next(status[k] for k in keys if k in status)


def load_config(config_dir: Path) -> Config:
    """Read wilayah, aliases and jenis lists from the project's config folder."""
    kel_of: dict[str, list[str]] = {}
    with open(config_dir / "wilayah.csv", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            kel_of.setdefault(rec["kecamatan"], []).append(rec["kelurahan"])
    place_alias: dict[tuple[str, str], list[str]] = {}
    with open(config_dir / "wilayah_alias.csv", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            place_alias.setdefault((rec["level"], rec["canonical"]), []).append(rec["alias"])
    aliases = yaml.safe_load((config_dir / "aliases.yml").read_text(encoding="utf-8"))
    jenis = yaml.safe_load((config_dir / "jenis.yml").read_text(encoding="utf-8"))
    jenis_alias: dict[str, list[str]] = {}
    for alias, canon in jenis["aliases"].items():
        if norm(alias) != norm(canon) and alias not in JENIS_ALIASES_SINCE_V2:
            jenis_alias.setdefault(canon, []).append(alias)
    months: dict[int, list[str]] = {}
    for name, num in aliases["months"].items():
        if name not in MONTHS_SINCE_V2:
            months.setdefault(num, []).append(name)
    return Config(kel_of, {k: kc for kc, ks in kel_of.items() for k in ks}, place_alias, jenis["lists"], jenis_alias,
                  {norm(a): canon for canon, al in aliases["columns"].items() for a in al},
                  {flag: [str(v).casefold() for v in status_list(aliases["status"], flag)] for flag in (True, False)},
                  months)


def check_config(cfg: Config) -> None:
    """Fail early when a hard-coded jenis weight or event place is missing from config/."""
    for comp, lst in (("x1", "psks"), ("x2", "ppks"), ("x3", "ppks")):
        assert set(JENIS_WEIGHT[comp]) <= set(cfg.lists[lst]), comp
    for events in EVENTS.values():
        for jenis, _, _, kels, _ in events:
            assert jenis in cfg.lists["bencana"] and all(k in cfg.kec_of for k in kels), jenis


@dataclass
class Case:
    """One person or unit: the identity the cleaning must rebuild, with its true outcome."""

    nama: str
    jenis: str
    kecamatan: str
    kelurahan: str | None
    nik: str | None
    nik_valid: bool
    handled: bool
    window: tuple[dt.date, dt.date] | None = None  # event dates (x4)
    home: int = -1  # index of the file holding its first row
    fixed_place: tuple[str, str] | None = None  # spelling reused when identified by nama + place


@dataclass
class Row:
    """One register row of a case; ``status`` None means a blank status cell."""

    case: Case
    status: bool | None
    date: dt.date | None
    excluded: bool = False
    second: bool = False


def spec(comp: str, name: str, header: str, status: str, **kw) -> dict:
    """Describe one register file: layout, vocabulary ("yes1,yes2/no1,no2") and its kinds of messiness.

    ``header`` names a header of HEADERS (a table written by this script) or a real layout of LAYOUT_KEYS
    (written by the layout code of tests/fixtures/real_layouts.py). ``summary`` None: no summary row;
    ``groups``: a one-cell row ``KECAMATAN ...`` above each kecamatan (order "place"); ``footer``: rows
    below the data; ``spacer``: fully blank rows the layout puts between header and data.
    """
    yes, no = (part.split(",") for part in status.split("/"))
    layout = header if header in LAYOUT_KEYS else None
    s = dict(comp=comp, name=name, header=None if layout else HEADERS[header].split("|"), layout=layout, yes=yes,
             no=no, fmt=name.rsplit(".", 1)[1], titles=3, gap=False, summary="JUMLAH", nik="plain", dates="cell",
             sep=";", enc="utf-8", jenis=None, order="date", sheets=None, petunjuk=None, subtotal=False,
             empty_line=False, messy=0.25, jvar=0.3, groups=False, footer=(), blanks=True, blank_status=True,
             vary_status=True, spacer=0)
    s.update(kw)
    return s


def file_keys(cfg: Config, s: dict) -> list[str]:
    """Return the canonical column (or the layout's value) of each column the file's rows are rendered in."""
    if s["layout"]:
        return list(LAYOUT_KEYS[s["layout"]])
    return [cfg.columns.get(norm(h), norm(h)) for h in s["header"]]


def build_specs(year: int) -> dict[str, list[dict]]:
    """Return the register files of one year per component (x1 of 2021 is a rekap, written apart)."""
    anak = [j for j in JENIS_WEIGHT["x2"] if j.startswith("Anak") and "Kedis" not in j]
    difabel, gepeng = ["Penyandang Disabilitas", "Anak dengan Kedisabilitasan"], ["Gelandangan", "Pengemis", "Pemulung"]
    if year < 2025:
        lansia = spec("x2", "x2_rehsos_lansia.xlsx", "x2", "Ya/Tidak", jenis=["Lanjut Usia Telantar"], jvar=0.6,
                      gap=year % 2 == 1, nik="number" if year >= 2024 else "plain")
    else:  # the Magetan per-jenis template: no jenis column (the file name says lansia), status via sumber.yml
        lansia = spec("x2", "x2_lansia_2025.xlsx", "magetan_lansia", "Sudah,Ya/Belum,Tidak",
                      jenis=["Lanjut Usia Telantar"], order="place", sheets=[(rl.MAGETAN_SHEET, 12)], summary=None)
    x2 = [lansia,
          spec("x2", "x2_rehsos_anak.csv", "x2_anak", "Sudah/Belum", jenis=anak, titles=2, summary="Jumlah",
               nik="apostrophe,apostrophe,plain", dates="dmy_slash,dmy_dash,iso,long", gap=True)]
    if year < 2025:
        x2.append(spec("x2", "x2_rehsos_disabilitas_gepeng.xlsx", "x2", "Ya,Y/Tidak,T", jenis=difabel + gepeng,
                       nik="number", titles=2))
    else:
        x2 += [spec("x2", "X2-disabilitas.xlsx", "x2_dis", "✓,V,√/-,Tidak", jenis=difabel, summary="TOTAL",
                    nik="spaced,dotted,plain", dates="long,dmy_slash", messy=0.5),
               spec("x2", "x2_rehsos_gepeng.xlsx", "x2_gep", "Sesuai,Sesuai Standar/Tidak Sesuai", jenis=gepeng,
                    titles=1)]
    x3_status = "Tepat Sasaran,Ya/Tidak Tepat Sasaran,Tidak"
    x4 = spec("x4", "x4_bencana.xlsx", "x4", "Menerima,Sudah Menerima/Belum Menerima", summary="TOTAL")
    specs = {
        2021: {"x3": [spec("x3", "x3_bansos_2021.xlsx", "x3", "Tepat Sasaran/Tidak Tepat Sasaran", nik="number",
                           order="place")],
               "x4": [spec("x4", "x4_banjir_nov2021.xlsx", "x4", "Sudah Menerima/Belum Menerima", jenis=["Banjir"]),
                      spec("x4", "x4_kebakaran_2021.csv", "x4", "Ya/Tidak", sep=",", dates="long", titles=2,
                           summary="Jumlah")]},
        2022: {"x1": [spec("x1", "x1_psks.csv", "x1_csv", "Ya/Tidak", titles=1, summary="Jumlah", order="place",
                           empty_line=True)],
               "x3": [spec("x3", "x3_bansos_dtks.csv", "x3_b", "Ya/Tidak", sep=",", enc="utf-8-sig", dates="iso")],
               "x4": [x4]},
        2023: {"x1": [spec("x1", "x1_psks.xlsx", "x1", "Aktif/Tidak Aktif", order="place", nik="plain,spaced")],
               "x3": [spec("x3", "x3_bansos.csv", "x3_c", "Tepat Sasaran,Tepat/Tidak Tepat Sasaran,Tidak Tepat",
                           enc="cp1252", dates="dmy_slash,long", nik="plain,apostrophe", order="place",
                           summary="TOTAL")],
               "x4": [spec("x4", "x4_bencana.ods", "x4", "Ya/Tidak", titles=2, gap=True)]},
        2024: {"x1": [spec("x1", "x1_psks.xlsx", "x1_b", "Ya,Y/Tidak,T", order="place", gap=True)],
               "x3": [spec("x3", "x3_bansos_2024.xlsx", "x3", x3_status, nik="number", order="place", subtotal=True,
                           sheets=[("Tahap I", 6), ("Tahap II", 12)])],
               "x4": [x4]},
        2025: {"x1": [spec("x1", "x1_instrumen_verifikasi_psks_2025.xlsx", "psm_form", "Aktif,1/Tidak Aktif",
                           jenis=["Pekerja Sosial Masyarakat (PSM)"], order="place", sheets=[(rl.PSM_SHEET, 12)],
                           summary=None, nik="plain,plain,spaced", spacer=1),
                      spec("x1", "x1_psks_2025.xlsx", "x1", "Aktif/Tidak Aktif", order="place", petunjuk="first",
                           gap=True, groups=True, footer=X1_FOOTER)],
               "x3": [spec("x3", "DTKS_PALANGKA_RAYA_DES2025.txt", "dtks", "YA/TIDAK", jenis=["Fakir Miskin"],
                           order="place", summary=None, blanks=False, blank_status=False, vary_status=False,
                           messy=0, jvar=0)],
               "x4": [spec("x4", "x4_bencana_2025.csv", "x4", "Sudah Menerima,Ya/Belum Menerima,Tidak",
                           dates="long,dmy_slash", titles=2, summary="Jumlah")]}}[year]
    specs["x2"] = x2
    return specs


def make_name(rng: random.Random, used: set[str], jenis: str, kel: str | None) -> str:
    """Return a new person or institution name, unique within the component after normalisation."""
    for attempt in range(1000):
        if jenis in INSTITUTIONS:
            name = INSTITUTIONS[jenis](rng.choice) + (f" {kel}" if attempt > 5 and kel else "")
            name += f" {attempt}" if attempt > 50 else ""
        else:
            parts = [rng.choice(FIRST)] + ([rng.choice(FIRST)] if rng.random() < 0.45 else []) + [rng.choice(LAST)]
            name = " ".join(parts) if len(set(parts)) == len(parts) else ""
        if name and norm(name) not in used:
            used.add(norm(name))
            return name
    raise RuntimeError("name pool exhausted")


def make_nik(rng: random.Random, kec_code: int, year: int, jenis: str, used: set[str]) -> str:
    """Return a new plausible 16-digit NIK: region, birth date (day + 40 for women), serial."""
    ages = {"Lanjut": (60, 90), "Balita": (0, 4), "Anak": (1, 17)}
    lo, hi = next((v for k, v in ages.items() if k in jenis), (18, 70))
    while True:
        born = dt.date(year - rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28))
        region = f"6271{kec_code:02d}" if rng.random() < 0.95 else rng.choice(["620101", "620303", "621102", "630105"])
        day = born.day + 40 * rng.randint(0, 1)
        nik = f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 9999):04d}"
        if nik not in used:
            used.add(nik)
            return nik


def draw_date(rng: random.Random, year: int, window: tuple[dt.date, dt.date] | None) -> dt.date:
    """Return a date in the year (later months likelier) or inside an event window."""
    if window:
        return window[0] + dt.timedelta(days=rng.randint(0, (window[1] - window[0]).days))
    month = rng.choices(range(1, 13), weights=[1 + 0.15 * i for i in range(12)])[0]
    return dt.date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))


def make_cases(rng: random.Random, cfg: Config, comp: str, year: int, niks: set[str],
               dated: bool, weights: dict[str, int] | None = None) -> tuple[list[Case], list[Row]]:
    """Create the true cases of one component-year and their rows (duplicates and other-year rows included).

    ``weights``: the jenis drawn and their weights (default: JENIS_WEIGHT of the component).
    """
    kecs, (n, rate), names = list(cfg.kel_of), PLAN[comp][year], set()
    if comp == "x4":
        groups = [(k, {j: 1}, kels, (dt.date(year, *a), dt.date(year, *b))) for j, a, b, kels, k in EVENTS[year]]
    else:
        groups = [(n, weights or JENIS_WEIGHT[comp], None, None)]

    def new_case(weights: dict, kels: list | None, window: tuple | None, clean: bool = False) -> Case:
        jenis = rng.choices(list(weights), weights=list(weights.values()))[0]
        if kels:
            kel = rng.choice(kels)
            kec = cfg.kec_of[kel]
        else:
            kec = rng.choices(kecs, weights=[KEC_WEIGHT.get(k, 5) for k in kecs])[0]
            kel = rng.choice(cfg.kel_of[kec])
        if not clean and rng.random() < 0.02:
            kel = None  # blank kelurahan: identity falls back to nama + kecamatan
        has_nik = jenis not in INSTITUTIONS and (clean or rng.random() < NIK_SHARE[comp])
        nik = make_nik(rng, kecs.index(kec) + 1, year, jenis, niks) if has_nik else None
        return Case(make_name(rng, names, jenis, kel), jenis, kec, kel, nik, has_nik, False, window)

    cases = [new_case(w, kels, win) for size, w, kels, win in groups for _ in range(size)]
    for i in rng.sample(range(len(cases)), round(rate * len(cases))):
        cases[i].handled = True
    order = list(range(len(cases)))
    rng.shuffle(order)
    dup_ids = set(order[:round(0.02 * len(cases))])  # ~2% of cases get a second row
    for i in [i for i in order[-40:] if cases[i].nik][:rng.randint(2, 4)]:  # NIK of a wrong length (warning)
        cases[i].nik, cases[i].nik_valid = (cases[i].nik[:15] if i % 2 else cases[i].nik + "7"), False
    rows = []
    for i, case in enumerate(cases):
        if i in dup_ids:  # handled when any row says yes
            pair = rng.choice([(True, False), (False, True), (True, True)]) if case.handled else (False, False)
            rows += [Row(case, pair[0], draw_date(rng, year, case.window)),
                     Row(case, pair[1], draw_date(rng, year, case.window), second=True)]
        else:
            rows.append(Row(case, case.handled, draw_date(rng, year, case.window)))
    for k in range(rng.randint(*EXCLUDED[comp]) if groups and dated else 0):
        size, w, kels, win = groups[0]
        if comp == "x3" and k == 0:
            other = dt.date(year + 1, 1, rng.randint(2, 9))
        else:
            other = dt.date(year - 1, 12, rng.randint(1, 31))
        rows.append(Row(new_case(w, kels, win, clean=True), rng.random() < rate, other, excluded=True))
    return cases, rows


def assign_rows(rng: random.Random, rows: list[Row], specs: list[dict], dated: list[bool]) -> list[list[Row]]:
    """Distribute rows over the component's files by jenis; in x2 half the second rows go to another file.

    A row dated in another year goes to a file with a date column (``dated``, per file); a second row
    moves only to a file with a jenis column or of its own jenis (a real layout's jenis is its context's).
    """
    out: list[list[Row]] = [[] for _ in specs]
    for row in rows:
        fits = [i for i, s in enumerate(specs) if not s["jenis"] or row.case.jenis in s["jenis"]]
        if row.excluded and not dated[fits[0]]:
            fits = [i for i in fits if dated[i]] or [i for i, d in enumerate(dated) if d]
        idx = fits[0]
        if row.second and specs[0]["comp"] == "x2" and rng.random() < 0.5:
            idx = rng.choice([i for i in range(len(specs)) if i != row.case.home
                              and (not specs[i]["layout"] or row.case.jenis in specs[i]["jenis"])])
        row.case.home = idx if row.case.home < 0 else row.case.home
        out[idx].append(row)
    return out


def render_place(rng: random.Random, cfg: Config, name: str | None, level: str, messy: float) -> str:
    """Return a kecamatan/kelurahan spelled the way registers do (case, prefixes, aliases, spaces)."""
    if name is None:
        return ""
    if rng.random() > messy:
        return name
    if level == "kecamatan":
        prefixed = ["Kec. " + name, "Kecamatan " + name, "KECAMATAN " + name.upper()]
    else:
        prefixed = ["Kel. " + name]
    aliases = cfg.place_alias.get((level, name), [])
    options = [name.upper(), name + " ", name.lower(), rng.choice(prefixed)] + aliases * 3
    return rng.choice(options)


def render_cells(rng: random.Random, cfg: Config, s: dict, row: Row, keys: list[str], no: int) -> list:
    """Return the typed cells of one data row in the file's column order."""
    case = row.case
    fixed = not ("nik" in keys and case.nik_valid)  # identified by nama + place: same spelling in all its rows
    place = case.fixed_place if fixed and case.fixed_place else (
        render_place(rng, cfg, case.kecamatan, "kecamatan", s["messy"]),
        render_place(rng, cfg, case.kelurahan, "kelurahan", s["messy"]))
    case.fixed_place = place if fixed else None
    jenis = case.jenis
    if cfg.jenis_alias.get(jenis) and rng.random() < s["jvar"]:
        jenis = rng.choice(cfg.jenis_alias[jenis])
    status = ""
    if row.status is not None:
        pool = s["yes"] if row.status else s["no"]
        status = pool[0] if rng.random() < 0.7 else rng.choice(pool)
        r = rng.random()
        if s["vary_status"]:  # typed by hand; an export writes its own vocabulary
            status = status.upper() if r < .04 else status.lower() if r < .07 else f" {status} " if r < .1 else status
    d, style = row.date, rng.choice(s["dates"].split(","))
    if d is not None and style != "cell":
        month = cfg.months[d.month][0] if rng.random() < 0.85 else rng.choice(cfg.months[d.month])
        d = {"dmy_slash": f"{d:%d/%m/%Y}", "dmy_dash": f"{d:%d-%m-%Y}", "iso": f"{d:%Y-%m-%d}",
             "long": f"{d.day} {month.capitalize()} {d.year}"}[style]
    nik = case.nik or ""
    if nik:
        groups = [nik[i:i + 4] for i in range(0, len(nik), 4)]
        style = rng.choice(s["nik"].split(","))
        if style == "number" and len(nik) == 16 and nik.endswith("0"):
            # Excel keeps 15 digits: a 16-digit NIK in a number cell ending in 0 may have lost its last
            # digit and does not identify its case (contract §1.3). Such NIKs are written as text.
            style = "plain"
        nik = {"number": int(nik), "plain": nik, "apostrophe": "'" + nik, "spaced": " ".join(groups),
               "dotted": ".".join(groups)}[style]
    note = rng.choice(NOTES[s["comp"]][bool(row.status)]) if rng.random() < 0.25 else None
    rt = f", RT {rng.randint(1, 12):03d}/RW {rng.randint(1, 6):03d}" if rng.random() < 0.4 else ""
    values = {"no": no, "nik": nik or None, "jenis": jenis, "kecamatan": place[0], "kelurahan": place[1] or None,
              "nama": case.nama.upper() if row.second and rng.random() < .3 else case.nama,
              "tanggal": d, "status": status or None, "keterangan": note,
              "alamat": f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 120)}{rt}"}
    return [values[k] for k in keys]


def lay_out_file(rng: random.Random, cfg: Config, s: dict, rows: list[Row], year: int) -> tuple[list[dict], dict]:
    """Order, blank and number the rows of one file; return its sheets (grids) and its counts."""
    keys = file_keys(cfg, s)
    assert all(k in keys for k in ("nama", "kecamatan", "status")) and ("jenis" in keys or s["layout"]), s["name"]
    assert all(t.casefold() in cfg.status[t in s["yes"]] for t in s["yes"] + s["no"]), s["name"]
    assert s["fmt"] != "csv" or "cell" not in s["dates"] or "tanggal" not in keys, s["name"]
    if s["order"] == "place":
        kec_order = list(cfg.kel_of)
        rows.sort(key=lambda r: (kec_order.index(r.case.kecamatan), r.case.kelurahan or "", norm(r.case.nama)))
    else:
        rows.sort(key=lambda r: r.date)
    bounds = s["sheets"] or [("Data", 12)]  # (sheet name, last month)
    sheet_of = [next(i for i, b in enumerate(bounds) if r.date.month <= b[1]) for r in rows]
    kept = [r for r in rows if not r.excluded]
    if "tanggal" in keys and kept:
        for r in rng.sample(kept, min(len(kept), rng.randint(2, 6))):
            r.date = None
    if s["blank_status"]:  # not in an export of programme flags: a blank flag is a plain No there
        no_rows = [r for r in kept if r.status is False]
        for r in rng.sample(no_rows, min(len(no_rows), rng.randint(1, 4))):
            r.status = None
    stats = dict.fromkeys(COUNTERS, 0) | dict(
        rows_read=len(rows), excluded_other_year=sum(r.excluded for r in rows),
        blank_status=sum(r.status is None for r in rows),
        blank_date=sum(r.date is None for r in rows) if "tanggal" in keys else 0,
        invalid_nik=sum(bool(r.case.nik) and not r.case.nik_valid for r in rows) if "nik" in keys else 0)
    sheets = []
    for idx, (sheet_name, _) in enumerate(bounds):
        part = [r for r, i in zip(rows, sheet_of) if i == idx]
        grid, group = [], []
        for i, row in enumerate(part, 1):
            if s["groups"] and (i == 1 or part[i - 2].case.kecamatan != row.case.kecamatan):
                grid.append({"group": "KECAMATAN " + row.case.kecamatan.upper()})
            grid.append(render_cells(rng, cfg, s, row, keys, i))
            group.append(row)
            if s["subtotal"] and (i == len(part) or part[i].case.kecamatan != row.case.kecamatan):
                grid.append(("Sub Total Kec. " + row.case.kecamatan, sum(r.status is True for r in group)))
                group = []
        if len(grid) > 10 and s["blanks"]:
            for pos in sorted(rng.sample(range(1, len(grid) - 1), rng.randint(1, 3)), reverse=True):
                grid.insert(pos, None)
        if part and s["summary"]:
            grid.append((s["summary"], sum(r.status is True for r in part)))
        if part:
            grid += [{"footer": line.format(y=year)} for line in s["footer"]]
        stats["blank_rows"] += grid.count(None) + s["spacer"]
        stats["summary_rows"] += sum(isinstance(g, tuple) for g in grid)
        stats["group_rows"] += sum(isinstance(g, dict) and "group" in g for g in grid)
        stats["footer_rows"] += sum(isinstance(g, dict) and "footer" in g for g in grid)
        sheets.append(dict(name=sheet_name, grid=grid, keys=keys))
    return sheets, stats


def header_row(s: dict) -> int:
    """Return the 0-based row index of the header (below the titles and the optional spacer)."""
    return len(TITLES[s["comp"]][:s["titles"]]) + s["gap"]


def sheet_lines(s: dict, sheet: dict, year: int) -> list[tuple[list, int]]:
    """Return (typed cells, span) per spreadsheet row: titles, header, data; span > 1 merges the first cells."""
    ncol = len(s["header"])
    titles = [t.format(y=year) for t in TITLES[s["comp"]][:s["titles"]]] + [None] * s["gap"]
    lines = [([t] + [None] * (ncol - 1), ncol if t else 1) for t in titles] + [(list(s["header"]), 1)]
    for g in sheet["grid"]:
        if isinstance(g, tuple):  # summary row: label over No..Nama, count in the status column
            cells = [g[0]] + [None] * (ncol - 1)
            cells[sheet["keys"].index("status")] = g[1]
            lines.append((cells, 3))
        elif isinstance(g, dict):  # a group title (merged over No..Nama) or a footer: one text cell
            lines.append(([g.get("group") or g["footer"]] + [None] * (ncol - 1), 3 if "group" in g else 1))
        else:
            lines.append((g or [None] * ncol, 1))
    return lines


def register_sheet(s: dict, sheet: dict, year: int) -> Sheet:
    """Return one data sheet for the shared register writer (tests/fixtures/registers.py)."""
    lines, keys = sheet_lines(s, sheet, year), sheet["keys"]
    return Sheet(sheet["name"], [cells for cells, _ in lines], merge={r: span for r, (_, span) in enumerate(lines) if span > 1},
                 header_row=header_row(s), number_columns={keys.index("nik")} if "nik" in keys else (),
                 column_width=(len(keys), 18))


def write_xlsx(path: Path, s: dict, sheets: list[dict], year: int) -> None:
    """Write a workbook with merged titles, real date/number cells and an optional Petunjuk sheet."""
    petunjuk = Sheet("Petunjuk", [[line] for line in PETUNJUK], bold_rows={0})  # no header: the reader skips it
    data = [register_sheet(s, sheet, year) for sheet in sheets]
    order = [petunjuk] * (s["petunjuk"] == "first") + data + [petunjuk] * (s["petunjuk"] == "last")
    write_register(path, order, properties={"created": CREATED, "author": "Contoh sintetis",
                                            "title": "Contoh data sintetis"})


def write_csv(path: Path, s: dict, sheets: list[dict], year: int) -> None:
    """Write a CSV (comma or semicolon; UTF-8, UTF-8 with BOM or cp1252); blank rows as empty fields."""
    empty_done, n_head, rows = not s["empty_line"], header_row(s), []
    for r, (cells, _) in enumerate(sheet_lines(s, sheets[0], year)):
        assert not any(isinstance(v, dt.date) for v in cells), path
        if r > n_head and all(v is None for v in cells) and not empty_done:
            rows.append(None)  # one truly empty line: still a fully blank row
            empty_done = True
        else:
            rows.append(cells)
    write_register(path, Sheet("", rows), delimiter=s["sep"], encoding=s["enc"], newline="\r\n")


def write_ods(path: Path, s: dict, sheets: list[dict], year: int) -> None:
    """Write an OpenDocument spreadsheet with spanned titles and date cells, with fixed zip timestamps."""
    write_register(path, [register_sheet(s, sheet, year) for sheet in sheets], properties={"created": CREATED})


def birth_date(rng: random.Random, nik: str, year: int, ages: tuple[int, int] = (18, 70)) -> dt.date:
    """Return the birth date a NIK holds (digits 7-12: day, + 40 for women, month, year), else a drawn one."""
    digits = re.sub(r"\D", "", nik)
    if len(digits) >= 12:
        day, month, yy = int(digits[6:8]) % 40, int(digits[8:10]), int(digits[10:12])
        return dt.date(yy + (2000 if yy <= year % 100 else 1900), month, day)
    return dt.date(year - rng.randint(*ages), rng.randint(1, 12), rng.randint(1, 28))


def layout_rows(s: dict, sheets: list[dict]) -> list[dict | None]:
    """Return the rendered rows of a one-sheet real-layout file as {key: value} (None: a blank row)."""
    assert len(sheets) == 1 and all(isinstance(g, list) or g is None for g in sheets[0]["grid"]), s["name"]
    return [None if g is None else dict(zip(sheets[0]["keys"], g)) for g in sheets[0]["grid"]]


def write_psm_form(path: Path, s: dict, sheets: list[dict], year: int, cfg: Config) -> None:
    """Write x1's PSM into the Kemensos PSKS form Model B.1.1 as Palangka Raya adapts it.

    The layout is ``real_layouts.write_psm_form_palangka_raya`` (title, key-value block ``Kategori |
    PEKERJA SOSIAL MASYARAKAT (PSM)``, signature block, PETUNJUK PENGISIAN legend, two-row header with
    ``Jenis`` above ``Kelamin``, column-number row, spacer row 23, ``Kecamatan Lokasi Tugas``, ``Status
    Kinerja``, formatted empty rows to row 449); the form's own code columns are drawn here.
    """
    rng = random.Random(f"{SEED}-{year}-{s['name']}")
    rows = []
    for v in layout_rows(s, sheets):
        if v is None:
            rows.append((None,) * 14)
            continue
        digits = re.sub(r"\D", "", str(v["nik"] or ""))
        woman = int(digits[6:8]) > 40 if len(digits) >= 8 else rng.random() < .5  # NIK: day + 40 for women
        rows.append((v["no"], v["nama"], 2 if woman else 1, rng.choice((2, 3, 3, 3, 4, 5)), v["nik"], v["alamat"],
                     f"0812{rng.randint(0, 99_999_999):08d}" if rng.random() < .8 else None,
                     f"{v['nama'].split()[0].lower()}.{rng.randint(1, 99)}@contoh.id" if rng.random() < .4 else None,
                     rng.randint(2008, year), rng.choice((0, 1, 1, 2, 3)), rng.choice((0, 1, 2, 3, "1 / 2")),
                     rng.choice((0, 1, 2, "1 / 2", "2 / 5")), v["kecamatan"],
                     1 if v["status"] == "1" else v["status"]))  # the form's code 1, as a number
    assert rl.PSM_FIRST_DATA_ROW + len(rows) - 1 <= rl.PSM_LAST_ROW, "more PSM than the form's rows"
    rl.write_psm_form_palangka_raya(path.parent, path.name, rows)


def write_magetan_lansia(path: Path, s: dict, sheets: list[dict], year: int, cfg: Config) -> None:
    """Write x2's lansia into the Magetan per-jenis upload template (``real_layouts.write_magetan_lansia``).

    One header row of 21 snake_case names, no jenis column (the file name says lansia), the status in
    ``status_pemenuhan_kebutuhan`` (named in sumber.yml), NIKs as text, formatted empty rows below.
    """
    rng = random.Random(f"{SEED}-{year}-{s['name']}")
    rows = []
    for v in layout_rows(s, sheets):
        if v is None:
            rows.append(())
            continue
        born = birth_date(rng, str(v["nik"] or ""), year, (60, 90))
        rows.append((v["no"], v["nama"], v["alamat"], v["kelurahan"] or "", v["kecamatan"], "KOTA PALANGKA RAYA",
                     "KALIMANTAN TENGAH", v["nik"] or "", f"{born:%d-%m-%Y}", str(year - born.year),
                     rng.choice(("KTP", "KTP", "KK")), rng.choice(("Rumah sendiri", "Menumpang", "Rumah keluarga")),
                     v["status"] or "", rng.choice(("Tinggal sendiri", "Bersama anak", "Bersama pasangan")),
                     rng.choice(("Terdaftar", "Terdaftar", "Tidak Terdaftar")), rng.choice(("PKH", "BPNT", "", "")),
                     "", "", "Layak", v["keterangan"] or "", year))
    rl.write_magetan_lansia(path.parent, path.name, rows, formatted_to_row=len(rows) + 1000)


def write_dtks_export(path: Path, s: dict, sheets: list[dict], year: int, cfg: Config) -> None:
    """Write x3 as a DTKS/SIKS-NG export (``real_layouts.DTKS_HEADER``): pipes, CRLF, every value text.

    No status column: a recipient handled (``YA``) gets BANSOS BPNT and/or BANSOS PKH = YA, one not
    handled gets TIDAK or blank flags; PBI JKN is drawn apart (sumber.yml does not count it).
    """
    rng = random.Random(f"{SEED}-{year}-{s['name']}")
    code = {kec: i for i, kec in enumerate(cfg.kel_of, 1)}
    flags = {"YA": (("YA", ""), ("", "YA"), ("YA", "YA")), "TIDAK": (("TIDAK", "TIDAK"), ("", ""), ("TIDAK", ""))}
    lines = ["|".join(rl.DTKS_HEADER)]
    for v in layout_rows(s, sheets):
        nik = str(v["nik"] or "")
        bpnt, pkh = rng.choice(flags[v["status"]])
        kec = code[v["kecamatan"]]
        lines.append("|".join([
            str(v["no"]), f"6271{kec:02d}{rng.randint(1, 10**12 - 1):012d}", "KALIMANTAN TENGAH",
            "KOTA PALANGKA RAYA", v["kecamatan"].upper(), (v["kelurahan"] or "").upper(), v["alamat"].upper(),
            f"6271{kec:02d}{rng.randint(1, 10**10 - 1):010d}", nik, v["nama"].upper(),
            f"{birth_date(rng, nik, year):%d-%m-%Y}", bpnt, pkh, rng.choice(("YA", "YA", "", "TIDAK")),
            (v["keterangan"] or "").upper()]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))


def write_rekap(path: Path, rng: random.Random, cfg: Config, year: int) -> dict:
    """Write the aggregate rekap file (x1 per kecamatan, contract §1.4) and return its truth."""
    n, rate = PLAN["x1"][year]
    kecs = list(cfg.kel_of)
    draws = rng.choices(kecs, weights=[KEC_WEIGHT.get(k, 5) for k in kecs], k=n)
    by_kec = {}
    for kec in kecs:
        sasaran = draws.count(kec)
        by_kec[kec] = {"cases": sasaran, "handled": min(sasaran, round(sasaran * (rate + rng.uniform(-.05, .05))))}
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(["komponen", "sasaran", "realisasi", "kecamatan"])
        for kec, v in by_kec.items():
            writer.writerow(["x1", f"{v['cases']:,}".replace(",", "."), f"{v['handled']:,}".replace(",", "."), kec])
    cases, handled = sum(v["cases"] for v in by_kec.values()), sum(v["handled"] for v in by_kec.values())
    return dict(source="rekap", file=path.name, sasaran=cases, realisasi=handled, cases=cases, handled=handled,
                percent=handled / cases * 100, by_kecamatan=by_kec)


def write_component(out: Path, rng: random.Random, cfg: Config, comp: str, year: int, specs: list[dict],
                    niks: set[str]) -> dict:
    """Generate, lay out and write every file of one component-year; return its truth."""
    dated = ["tanggal" in file_keys(cfg, s) for s in specs]
    weights = None  # every file lists its jenis: only those are drawn (all PPKS in x2; Fakir Miskin in a DTKS export)
    if comp != "x4" and all(s["jenis"] for s in specs):
        weights = {j: w for j, w in JENIS_WEIGHT[comp].items() if any(j in s["jenis"] for s in specs)}
    cases, rows = make_cases(rng, cfg, comp, year, niks, any(dated), weights)  # no date column: no other-year rows
    totals, files = dict.fromkeys(COUNTERS, 0), {}
    writers = {"xlsx": write_xlsx, "csv": write_csv, "ods": write_ods}
    layouts = {"psm_form": write_psm_form, "magetan_lansia": write_magetan_lansia, "dtks": write_dtks_export}
    for s, part in zip(specs, assign_rows(rng, rows, specs, dated)):
        sheets, stats = lay_out_file(rng, cfg, s, part, year)
        if s["layout"]:
            layouts[s["layout"]](out / s["name"], s, sheets, year, cfg)
        else:
            writers[s["fmt"]](out / s["name"], s, sheets, year)
        files[s["name"]] = stats | {"sheets": [sh["name"] for sh in sheets],
                                    "skipped_sheets": ["Petunjuk"] if s["petunjuk"] else []}
        totals = {k: totals[k] + stats[k] for k in COUNTERS}
    handled = sum(c.handled for c in cases)
    by_kec = {k: {"cases": sum(c.kecamatan == k for c in cases),
                  "handled": sum(c.kecamatan == k and c.handled for c in cases)} for k in cfg.kel_of}
    return dict(source="register", **totals, duplicates_merged=sum(not r.excluded for r in rows) - len(cases),
                cases=len(cases), handled=handled, percent=handled / len(cases) * 100 if cases else None,
                by_kecamatan=by_kec, files=files)


def write_extras(folder: Path) -> None:
    """Write the 2025 budget table, the narrative notes and the evaluator's sumber.yml (all synthetic)."""
    (folder / "sumber.yml").write_text(SUMBER_2025, encoding="utf-8")
    with open(folder / "anggaran.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([
            ("program", "pagu", "realisasi"),
            ("Program Pemberdayaan Sosial", 1_850_000_000, 1_702_350_000),
            ("Program Rehabilitasi Sosial", 2_450_000_000, 2_291_780_500),
            ("Program Perlindungan dan Jaminan Sosial", 3_100_000_000, 2_964_215_000),
            ("Program Penanganan Bencana", 1_200_000_000, 1_038_640_000)])
    (folder / "catatan.md").write_text(
        "Contoh teks sintetis untuk pengujian, bukan pernyataan resmi Dinas Sosial Kota Palangka Raya.\n\n"
        "## Penyebab keberhasilan\nPemutakhiran DTKS dilakukan setiap bulan bersama operator kelurahan, sehingga "
        "ketepatan sasaran bantuan sosial meningkat. Pendamping PSM dan TKSK aktif melakukan asesmen lanjut usia dan "
        "penyandang disabilitas di rumah.\n\n"
        "## Penyebab kegagalan\nSebagian PPKS tidak ditemukan di alamat yang terdaftar, alat bantu disabilitas datang "
        "terlambat, dan pendataan korban angin puting beliung bulan Juli belum lengkap saat penyaluran bantuan.\n\n"
        "## Solusi\nVerifikasi lapangan bersama ketua RT, penjadwalan ulang asesmen, serta pencatatan korban bencana "
        "langsung ke formulir digital oleh Tagana pada masa tanggap darurat.\n\n"
        "## Program pendukung\nProgram Pemberdayaan Sosial, Program Rehabilitasi Sosial, Program Perlindungan dan "
        "Jaminan Sosial, dan Program Penanganan Bencana.\n", encoding="utf-8")


def write_year(out: Path, cfg: Config, year: int, niks: set[str]) -> dict:
    """Rewrite one year folder and return its truth (per component, plus the IKU mean)."""
    folder = out / str(year)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    specs, truth = build_specs(year), {}
    for comp in ("x1", "x2", "x3", "x4"):
        rng = random.Random(f"{SEED}-{year}-{comp}")
        if comp == "x1" and year == 2021:
            truth[comp] = write_rekap(folder / f"rekap_{year}.csv", rng, cfg, year)
        else:
            truth[comp] = write_component(folder, rng, cfg, comp, year, specs[comp], niks)
    if year == 2025:
        write_extras(folder)
    # The reports look for this marker and say on their first screen that the data are synthetic.
    (folder / "SAMPEL_SINTETIS.txt").write_text(
        "Data dalam folder ini adalah CONTOH SINTETIS buatan scripts/make_sample_data.py, bukan data resmi.\n"
        "Hapus berkas ini bila folder diisi dengan register asli.\n", encoding="utf-8")
    included = [t["percent"] for t in truth.values() if t["percent"] is not None]
    truth["iku"] = sum(included) / len(included)
    return truth


def main() -> None:
    """Parse the arguments, then regenerate every year folder and the truth file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "data" / "raw")
    parser.add_argument("--truth", type=Path, default=REPO / "tests" / "fixtures" / "sample_truth.json")
    parser.add_argument("--config", type=Path, default=REPO / "config")
    args = parser.parse_args()
    cfg = load_config(args.config)
    check_config(cfg)
    niks: set[str] = set()  # NIK are unique over the whole run
    truth = {"note": "Synthetic sample data, not official figures: the counts the cleaning stage must find.",
             "generator": "scripts/make_sample_data.py", "seed": SEED, "definitions": DEFINITIONS,
             "years": {str(year): write_year(args.out, cfg, year, niks) for year in YEARS}}
    args.truth.parent.mkdir(parents=True, exist_ok=True)
    args.truth.write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
