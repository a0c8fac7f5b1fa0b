"""No planted NIK, No. KK or name leaves ``data/raw``, whatever column it was typed into (contract §0, §1.5).

NIKs (16 digits as text, 15 digits as a number cell, inside text as "NIK 3271…") and distinctive
names are planted in every free-text column (jenis, kelurahan, kecamatan, status, tanggal, nik,
nama) of every component's register, and No. KKs (the same three ways) in its No KK column, where
every row also has its own valid No. KK (kept only as a keyed hash): in 2025 where they only cause warnings (jenis, kelurahan,
nik, nama; each planted value shared by k cases, so that only the withholding rule hides it), in
2024 where they cause errors (status, kecamatan, tanggal too). Then ``report --year 2025``,
``report --all`` (2024 fails), ``validate`` and ``template`` run as the evaluator runs them, and
every byte written under the processed and output folders (hidden files, the text of the PDFs,
the members of the xlsx files, the executed notebooks) and the terminal output are scanned.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ikuanalysis.config import load_settings
from ikuanalysis.ingest.store import read_cases
from tests.fixtures.leaks import LeakScanner, parquet_text
from tests.fixtures.registers import Sheet, write_register

pytestmark = pytest.mark.e2e
ENV = {**os.environ, "IKUANALYSIS_NIK_KEY": "leak-test"}
K = load_settings().iku.policies.disclosure_k
HEADER = ["NIK", "No KK", "Nama", "Jenis", "Kecamatan", "Kelurahan", "Tanggal", "Status"]

# The planted values: NIKs as text, as a number cell (15 digits) and inside text; names.
NIK_JENIS, NIK_KELURAHAN, NIK_NIK, NIK_NAMA = "3271012345678901", "3271012345678902", "3271012345678903", "3271012345678904"
NIK_STATUS, NIK_KECAMATAN, NIK_TANGGAL = "3271012345678905", "3271012345678906", "3271012345678907"
NUMBERS = {"jenis": 327101234567811, "kelurahan": 327101234567812, "nik": 327101234567813,
           "kecamatan": 327101234567814, "tanggal": 327101234567815, "status": 327101234567816}
IN_TEXT = {column: f"NIK {nik}" for column, nik in {
    "jenis": "3271012345678921", "kelurahan": "3271012345678922", "nik": "3271012345678923",
    "status": "3271012345678924", "kecamatan": "3271012345678925", "tanggal": "3271012345678926",
    "nama": "3271012345678927"}.items()}
KK_TEXT, KK_NUMBER, KK_IN_TEXT = "6271019876543210", 627101987654329, "KK 6271019876543228"
ROWS_PER_YEAR = 600  # more than the rows of a year below: each has its own No. KK (row_kk)
NAME_JENIS, NAME_KELURAHAN, NAME_NIK = "Zulkarnaen Wibisono", "Theodora Simanjuntak", "Bonifasius Lumbantobing"
NAME_STATUS, NAME_KECAMATAN, NAME_TANGGAL = "Yosephine Hutapea", "Marthinus Sinaga", "Gregorius Purba"
LONG_STATUS = f"Sudah ditangani oleh {NAME_STATUS} di rumah"  # over 40 characters, holds a name
NAMES = [NAME_JENIS, NAME_KELURAHAN, NAME_NIK, NAME_STATUS, NAME_KECAMATAN, NAME_TANGGAL]
NIKS = [NIK_JENIS, NIK_KELURAHAN, NIK_NIK, NIK_NAMA, NIK_STATUS, NIK_KECAMATAN, NIK_TANGGAL,
        *(str(n) for n in NUMBERS.values()), *(text.split()[1] for text in IN_TEXT.values())]


def row_kk(n: int) -> str:
    """The valid No. KK of row ``n``."""
    return f"62710199{n:08d}"


KKS = [KK_TEXT, str(KK_NUMBER), KK_IN_TEXT.split()[1], *(row_kk(n) for n in range(1, ROWS_PER_YEAR + 1))]


def scanner() -> LeakScanner:
    """Every planted value, lower case; a NIK or No. KK also by 12 of its digits (a float or a cut copy)."""
    values = [v.lower() for v in NAMES] + NIKS + [nik[1:13] for nik in NIKS] + KKS + [kk[1:13] for kk in KKS]
    return LeakScanner(values)


def person(n: int, known_jenis: str, **cells) -> list:
    """One row of a valid case; ``cells`` override columns (keys: lower-case header names)."""
    row = {"nik": f"62710100{n:08d}", "no kk": row_kk(n), "nama": f"Warga Nomor {n}", "jenis": known_jenis, "kecamatan": "Pahandut",
           "kelurahan": "Langkai", "tanggal": dt.date(2025, 3, 1), "status": "Ya"}
    row.update(cells)
    return [row[h.lower()] for h in HEADER]


def warning_rows(jenis: str) -> list[list]:
    """Rows of 2025: planted values that are warnings only, each shared by k cases."""
    planted = [
        *({"jenis": v} for v in (NIK_JENIS, NUMBERS["jenis"], IN_TEXT["jenis"], NAME_JENIS)),
        *({"kelurahan": v} for v in (NIK_KELURAHAN, NUMBERS["kelurahan"], IN_TEXT["kelurahan"], NAME_KELURAHAN)),
    ]
    rows, n = [], 0
    for cells in planted:
        for _ in range(K):
            n += 1
            rows.append(person(n, jenis, **cells))
    for cells in ({"nik": NIK_NIK}, {"nik": NUMBERS["nik"]}, {"nik": IN_TEXT["nik"]}, {"nik": NAME_NIK},
                  {"no kk": KK_TEXT}, {"no kk": KK_NUMBER}, {"no kk": KK_IN_TEXT},
                  {"nama": NIK_NAMA}, {"nama": IN_TEXT["nama"]}, *({"nama": name} for name in NAMES)):
        n += 1
        rows.append(person(n, jenis, **cells))
    return rows


def error_rows(jenis: str) -> list[list]:
    """Rows of 2024: planted values that are errors (status, kecamatan, tanggal) besides the warnings."""
    planted = [
        *({"status": v} for v in (NIK_STATUS, NUMBERS["status"], IN_TEXT["status"], NAME_STATUS, LONG_STATUS)),
        *({"kecamatan": v} for v in (NIK_KECAMATAN, NUMBERS["kecamatan"], IN_TEXT["kecamatan"], NAME_KECAMATAN)),
        *({"tanggal": v} for v in (NIK_TANGGAL, NUMBERS["tanggal"], IN_TEXT["tanggal"], NAME_TANGGAL)),
    ]
    rows = [[*r[:6], dt.date(2024, 3, 1), r[7]] for r in warning_rows(jenis)]
    return rows + [person(500 + i, jenis, **{"tanggal": dt.date(2024, 3, 1), **cells}) for i, cells in enumerate(planted)]


def write_year(folder: Path, rows_of) -> None:
    """Write every component's register (x4 as CSV: text cells; the others as xlsx: number cells)."""
    settings = load_settings()
    folder.mkdir(parents=True)
    for component in settings.iku.components:
        jenis = settings.jenis.lists[component.jenis_list][0]
        rows = rows_of(jenis)
        if component.id == "x4":
            write_register(folder / f"{component.id}_daftar.csv", [HEADER, *rows])
        else:
            write_register(folder / f"{component.id}_daftar.xlsx",
                           Sheet("Data", [HEADER, *rows], number_columns=(0, 1)))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ikuanalysis.cli", *args], env=ENV, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The folders and the terminal output of report, report --all, validate and template."""
    root = tmp_path_factory.mktemp("leaks")
    write_year(root / "raw" / "2025", warning_rows)
    write_year(root / "raw" / "2024", error_rows)
    dirs = ["--raw-dir", str(root / "raw"), "--processed-dir", str(root / "processed"),
            "--output-dir", str(root / "outputs")]
    done = {
        "report": cli("report", "--year", "2025", *dirs),
        "report --all": cli("report", "--all", "--jobs", "2", *dirs),
        "validate 2024": cli("validate", "--year", "2024", "--raw-dir", str(root / "raw")),
        "validate 2025": cli("validate", "--year", "2025", "--raw-dir", str(root / "raw")),
        "template": cli("template", "--year", "2025", "--output", str(root / "outputs" / "templat.xlsx")),
    }
    yield root, done
    shutil.rmtree(root, ignore_errors=True)


def texts_of(path: Path):
    """Yield (what, text) for a written file: its bytes, the text of a PDF, the members of a zip."""
    data = path.read_bytes()
    yield path.name, data.decode("utf-8", errors="ignore")
    if data[:5] == b"%PDF-":
        yield f"{path.name} (teks PDF)", pdf_text(path)
    if data[:4] == b"PAR1":
        yield f"{path.name} (tabel Parquet)", parquet_text(data)
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield f"{path.name}:{member}", archive.read(member).decode("utf-8", errors="ignore")


def pdf_text(path: Path) -> str:
    """Return the text of a PDF (pypdf; poppler's pdftotext where pypdf is not installed)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        if shutil.which("pdftotext") is None:
            pytest.fail("pypdf (pip install -e '.[test]') or pdftotext is needed to read the PDF's text")
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_the_runs_did_what_the_evaluator_expects(runs):
    root, done = runs
    assert done["report"].returncode == 0, done["report"].stderr[-3000:]
    assert done["report --all"].returncode == 1  # 2024 failed
    assert (done["validate 2024"].returncode, done["validate 2025"].returncode, done["template"].returncode) == (1, 0, 0)
    status = (root / "outputs" / "build_status.json").read_text(encoding="utf-8")
    assert '"gagal"' in status and "x1_daftar.xlsx, sheet 'Data', baris" in status  # located, without the values
    for name in ("index.html", ".index_manifest.json", "notebooks/04_trend.ipynb", "2025/iku_2025.pdf"):
        assert (root / "outputs" / name).is_file()
    cases = read_cases(root / "processed" / "2025")
    components = load_settings().iku.components
    planted = (cases["jenis"] == "lainnya").sum() + (cases["kelurahan"] == "lainnya").sum()
    assert planted == 8 * K * len(components)  # each planted jenis and kelurahan


def test_the_planted_values_are_in_the_raw_files_the_scan_reads(tmp_path):
    """The scan finds every planted value in the registers, so finding none below means none leaked."""
    write_year(tmp_path / "2024", error_rows)
    found = {value for path in (tmp_path / "2024").iterdir() for _, text in texts_of(path)
             for value in scanner().find(text.lower())}
    assert {v.lower() for v in NAMES} | set(NIKS) | set(KKS[:3]) <= found


def test_no_planted_value_in_any_file_written(runs):
    root, _ = runs
    written = [p for folder in (root / "processed", root / "outputs") for p in sorted(folder.rglob("*")) if p.is_file()]
    assert len(written) >= 15 and any(p.name.startswith(".") for p in written)
    leaks = {}
    for path in written:
        for what, text in texts_of(path):
            found = scanner().find(text.lower())
            if found:
                leaks[f"{path.relative_to(root)} [{what}]"] = found
    assert not leaks, "planted values written:\n" + "\n".join(f"{where}: {found}" for where, found in leaks.items())


def test_no_planted_value_on_the_terminal(runs):
    _, done = runs
    leaks = {f"{name} {stream}": scanner().find(getattr(result, stream).lower())
             for name, result in done.items() for stream in ("stdout", "stderr")}
    leaked = {where: found for where, found in leaks.items() if found}
    assert not leaked, "planted values printed:\n" + "\n".join(f"{where}: {found}" for where, found in leaked.items())
