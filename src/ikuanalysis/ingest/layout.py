"""Find where a register's table is on its sheet: the header row, the rows around it, the rows
below it that are not data (data contract §1.2, §1.4).

Real registers put a title, a key–value block (``Kategori | PEKERJA SOSIAL MASYARAKAT (PSM)``),
a signature block or a code legend above the header; split the header over two stacked rows;
number the columns in the row below it; end the data with ``###`` or a ``Sumber :`` footer and
break it with group rows (``KECAMATAN PAHANDUT``). This module reads the shape only: which
row is the header, what each column is, and what kind each row below is. The values are
interpreted later (:mod:`ikuanalysis.ingest.values`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from ikuanalysis.config import normalize_key
from ikuanalysis.ingest.values import match_regex, summary_pattern

HEADER_SEARCH_ROWS = 40  # the header is looked for on spreadsheet rows 1-40
IGNORED = ""  # the lookup's field for a known header the tool does not use (Jenis Kelamin, Alamat)
FLAG_PREFIX = "flag:"  # the field of a programme flag column: "flag:" + the flag as configured
_TRAILING_NUMBER = re.compile(r"(?:\s*\(\s*\d{1,3}\s*\)|\s+\d{1,3})\s*$")  # "Kecamatan (7)", "Nama 2"
_COLUMN_NUMBER = re.compile(r"^\(?\s*(\d{1,3})\s*\)?$")
_KEY_VALUE_IN_CELL = re.compile(r"(?:^|/)\s*([^:/]{2,40}?)\s*:\s*([^:/]+?)\s*$")
END_MARKER = "###"


def header_key(text: object) -> str:
    """Normalise a header cell for matching: case, spaces, punctuation, line breaks and a trailing
    column number (``Kecamatan (7)``) do not matter."""
    return normalize_key(_TRAILING_NUMBER.sub("", str(text)))


class Alias(NamedTuple):
    """What a header text means: the field (canonical column, :data:`IGNORED`, or a flag) and
    the alias's rank in its field's list (0 first: the one that wins over the others)."""

    field: str
    rank: int
    text: str  # the alias as listed in the alias table


@dataclass(frozen=True)
class HeaderLookup:
    """The aliases one file's header is matched against.

    Attributes:
        aliases: Normalised header (:func:`header_key`) -> :class:`Alias`.
    """

    aliases: Mapping[str, Alias]

    @classmethod
    def build(
        cls, columns: Mapping[str, Sequence[str]], ignored: Sequence[str] = (),
        own: Mapping[str, Sequence[str]] | None = None, extra: Mapping[str, str] | None = None,
        flags: Sequence[str] = (),
    ) -> "HeaderLookup":
        """Build the lookup.

        Args:
            columns: Canonical column -> its aliases, in order of precedence (config ``aliases.yml``).
            ignored: Headers known not to be used (``Jenis Kelamin``): a stacked header whose
                joined text is one of them is that ignored column, not its upper cell.
            own: A component's own order for some columns, put before the general aliases.
            extra: A file's own aliases from ``sumber.yml`` (``kolom``): header -> column; they win.
            flags: Programme flag columns (``BANSOS BPNT``) standing for the status.
        """
        aliases: dict[str, Alias] = {}

        def add(text: str, name: str, rank: int) -> None:
            aliases.setdefault(header_key(text), Alias(name, rank, text))

        for text, name in (extra or {}).items():
            add(text, name, -1)
        for name, texts in (own or {}).items():
            for rank, text in enumerate(texts):
                add(text, name, rank)
        offset = {name: len(texts) for name, texts in (own or {}).items()}
        for name, texts in columns.items():
            for rank, text in enumerate((name, *texts)):
                add(text, name, offset.get(name, 0) + rank)
        for rank, text in enumerate(flags):
            add(text, FLAG_PREFIX + text, rank)
        for text in ignored:
            add(text, IGNORED, 0)
        return cls(aliases)

    def get(self, text: object) -> Alias | None:
        """Return what a header cell means, or None."""
        if not isinstance(text, str) or not text.strip():
            return None
        return self.aliases.get(header_key(text))


@dataclass(frozen=True)
class Header:
    """The header found on a sheet.

    Attributes:
        index: Row index of the header's (lower) row; the data start below it (and below a
            column-number row).
        upper: Row index of the upper row of a stacked header, None for a one-row header.
        columns: Column index -> field, one column per field (the winner of a precedence).
        texts: Column index -> the header text as read (joined for a stacked header).
        aliases: Column index -> the alias that matched it.
        duplicates: Fields whose winning alias matched two or more columns: ``(field, columns)``.
        overridden: ``(field, winning column, losing columns)`` for a field matched by several
            columns through different aliases: the first-listed alias won.
        number_row: Row index of the column-number row below the header, or None.
    """

    index: int
    upper: int | None
    columns: dict[int, str]
    texts: dict[int, str]
    aliases: dict[int, str]
    duplicates: list[tuple[str, list[int]]] = field(default_factory=list)
    overridden: list[tuple[str, int, list[int]]] = field(default_factory=list)
    number_row: int | None = None

    @property
    def data_start(self) -> int:
        """Row index of the first data row."""
        return (self.index if self.number_row is None else self.number_row) + 1

    @property
    def fields(self) -> set[str]:
        """The distinct fields found (flag columns count as ``status``)."""
        return {"status" if f.startswith(FLAG_PREFIX) else f for f in self.columns.values()}


def _is_filled(cell: object) -> bool:
    return not (cell is None or (isinstance(cell, str) and not cell.strip()))


def _is_text(cell: object) -> bool:
    return isinstance(cell, str) and any(ch.isalpha() for ch in cell)


def _read_row(row: Sequence[object], lookup: HeaderLookup) -> dict[int, tuple[Alias, str]]:
    """The columns of one row that match an alias, with the text read."""
    found = {}
    for col, cell in enumerate(row):
        if isinstance(cell, str) and cell:  # most cells of a wide row are empty: no call for them
            alias = lookup.get(cell)
            if alias is not None:
                found[col] = (alias, str(cell).strip())
    return found


def _read_stacked(upper: Sequence[object], lower: Sequence[object], lookup: HeaderLookup) -> dict[int, tuple[Alias, str]]:
    """Read two stacked header rows column by column: the joined text when it matches an alias,
    otherwise the lower cell, otherwise the upper one (contract §1.2)."""
    found = {}
    for col in range(max(len(upper), len(lower))):
        top = upper[col] if col < len(upper) else None
        bottom = lower[col] if col < len(lower) else None
        choices = []
        if _is_filled(top) and _is_filled(bottom):
            choices.append(f"{str(top).strip()} {str(bottom).strip()}")
        choices.extend(c for c in (bottom, top) if _is_filled(c))
        for text in choices:
            alias = lookup.get(text)
            if alias is not None:
                found[col] = (alias, str(text).strip())
                break
    return found


def continues_header(upper: Sequence[object], lower: Sequence[object], lookup: HeaderLookup) -> bool:
    """Whether ``lower`` is the second row of a header split over ``upper`` and ``lower``.

    It is when it holds only text (no numbers or dates: not a data row), no more cells than
    the upper row, and changes the reading of at least one column: a group title above
    ``Nama``, or ``Jenis`` above ``Kelamin`` (which is Jenis Kelamin, not jenis); but not when
    it leaves more columns of fields as they are, with text under them, than it changes, nor
    when it names a field a second time (a data row of text with ``Aktif`` in its Keterangan
    column is data). A lower cell
    that alone names an ignored column (``Keterangan :``, a footer right below the header of
    an empty table) changes nothing. A lower row fuller than the upper one (group titles merged
    over several columns: ``Identitas`` over ``NIK`` and ``Nama``, ``Tepat`` above ``Sasaran``)
    continues it only when read together they name more fields than the lower row alone: a
    title row above a complete header adds none.
    """
    filled = [c for c in lower if _is_filled(c)]
    if not filled or not all(_is_text(c) for c in filled):
        return False
    stacked = _read_stacked(upper, lower, lookup)
    if len(filled) > sum(_is_filled(c) for c in upper):
        return len(_named_fields(stacked)) > len(_named_fields(_read_row(lower, lookup)))
    single = _read_row(upper, lookup)
    changed = kept = 0
    for col, cell in enumerate(lower):
        if not _is_filled(cell):
            continue
        alias, text = stacked.get(col, (None, ""))
        if alias is not None and alias.field == IGNORED and text == str(cell).strip():
            continue  # a lower cell naming only an unused column (a "Keterangan :" footer) changes nothing
        if alias is not None and (col not in single or single[col][0].field != alias.field):
            changed += 1
        elif col in single and single[col][0].field != IGNORED:
            kept += 1  # text under a field's header that leaves it as it is: a value, not a header
    # A data row of text (an x1 register of lembaga has no number) may hold one word that is also a
    # header ("Aktif" under Keterangan): it changes one column and leaves the others' values under
    # their headers, or names a field a second time. Read as a header row, its case would be lost.
    return changed > 0 and changed >= kept and not _names_a_field_again(stacked, single)


def _names_a_field_again(stacked: dict[int, tuple[Alias, str]], single: dict[int, tuple[Alias, str]]) -> bool:
    """Whether the stacked reading names some field in more columns than the upper row alone does."""
    def columns_per_field(found):
        return Counter(alias.field for alias, _ in found.values() if alias.field != IGNORED)

    alone = columns_per_field(single)
    return any(count > max(alone[field], 1) for field, count in columns_per_field(stacked).items())


def _named_fields(found: dict[int, tuple[Alias, str]]) -> set[str]:
    """The distinct fields (not the ignored columns) a reading of header cells names."""
    return {alias.field for alias, _ in found.values() if alias.field != IGNORED}


def is_column_number_row(row: Sequence[object]) -> bool:
    """Whether a row holds only column numbers counting up by one (``1 2 3``, ``(1) (2) (3)``)."""
    numbers = []
    for cell in row:
        if not _is_filled(cell):
            continue
        if isinstance(cell, bool):
            return False
        if isinstance(cell, (int, float)) and float(cell).is_integer():
            numbers.append(int(cell))
            continue
        found = _COLUMN_NUMBER.match(str(cell).strip()) if isinstance(cell, str) else None
        if found is None:
            return False
        numbers.append(int(found.group(1)))
    return len(numbers) >= 2 and all(b - a == 1 for a, b in zip(numbers, numbers[1:]))


def _choose_columns(found: dict[int, tuple[Alias, str]]) -> tuple[dict[int, str], list, list]:
    """One column per field: the first-listed alias wins (contract §1.2)."""
    by_field: dict[str, list[int]] = {}
    for col, (alias, _) in found.items():
        if alias.field != IGNORED:
            by_field.setdefault(alias.field, []).append(col)
    columns, duplicates, overridden = {}, [], []
    for name, cols in by_field.items():
        best = min(found[c][0].rank for c in cols)
        winners = [c for c in cols if found[c][0].rank == best]
        losers = [c for c in cols if found[c][0].rank != best]
        columns[winners[0]] = name
        if len(winners) > 1:
            duplicates.append((name, winners))
        elif losers:
            overridden.append((name, winners[0], losers))
    return columns, duplicates, overridden


def _header_at(rows: Sequence[Sequence[object]], index: int, upper: int | None, lookup: HeaderLookup) -> Header:
    found = _read_row(rows[index], lookup) if upper is None else _read_stacked(rows[upper], rows[index], lookup)
    columns, duplicates, overridden = _choose_columns(found)
    below = index + 1
    number_row = below if below < len(rows) and is_column_number_row(rows[below]) else None
    return Header(
        index=index, upper=upper, columns=columns,
        texts={c: text for c, (_, text) in found.items()},
        aliases={c: alias.text for c, (alias, _) in found.items()},
        duplicates=duplicates, overridden=overridden, number_row=number_row,
    )


def find_header(
    rows: Sequence[Sequence[object]], lookup: HeaderLookup, min_matches: int = 2, row: int | None = None,
    search_rows: int = HEADER_SEARCH_ROWS,
) -> Header | None:
    """Find the header among the first :data:`HEADER_SEARCH_ROWS` rows.

    The header is the row with the most distinct fields matched (ties: the upper row); a row
    continued by a second header row below it (:func:`continues_header`) is read with it. The
    header (its upper row) must start within the first ``search_rows`` rows; its second row and
    a column-number row below it may lie past them, so ``rows`` should reach two rows further.

    Args:
        rows: The sheet's first rows (at least ``search_rows + 2`` when the sheet has them).
        lookup: The aliases.
        min_matches: How many distinct fields make a header.
        row: The header's row index when ``sumber.yml`` fixes it (``baris_judul``).
        search_rows: How many of ``rows`` may hold the header (fewer than :data:`HEADER_SEARCH_ROWS`
            for a sheet read over its occupied rows only: those on spreadsheet rows 1-40).

    Returns:
        The header, or None when no row names ``min_matches`` fields.
    """
    candidates = [row] if row is not None else range(min(len(rows), search_rows))
    best, best_score = None, 0
    for index in candidates:
        if index >= len(rows):
            continue
        below = index + 1
        if below < len(rows) and continues_header(rows[index], rows[below], lookup):
            header = _header_at(rows, below, index, lookup)
        else:
            header = _header_at(rows, index, None, lookup)
        score = len(header.fields)
        if score > best_score:
            best, best_score = header, score
    return best if best is not None and best_score >= min_matches else None


def key_values(rows: Sequence[Sequence[object]], above: int) -> list[tuple[str, str, int]]:
    """Return the key–value pairs of the rows above the header: ``(key, value, row index)``.

    A pair is a text cell followed by the next filled cell of its row (``Kategori`` |
    ``PEKERJA SOSIAL MASYARAKAT (PSM)``), or one cell written ``Kategori : PSM``.
    """
    pairs = []
    for index, row in enumerate(rows[:above]):
        cells = [c for c in row if _is_filled(c)]
        for key, value in zip(cells, cells[1:]):
            if _is_text(key) and ":" not in str(key):
                pairs.append((str(key).strip(), str(value).strip(), index))
        for cell in cells:
            found = _KEY_VALUE_IN_CELL.search(str(cell)) if isinstance(cell, str) else None
            if found:
                pairs.append((found.group(1).strip(), found.group(2).strip(), index))
    return pairs


# --- Rows below the header ---------------------------------------------------------------

ROW_DATA, ROW_BLANK, ROW_END, ROW_AFTER_END, ROW_FOOTER, ROW_GROUP = "", "blank", "end", "after_end", "footer", "group"
ROW_KINDS = (ROW_DATA, ROW_BLANK, ROW_END, ROW_AFTER_END, ROW_FOOTER, ROW_GROUP)  # the categories of a row's kind
_DATA, _BLANK, _END, _AFTER_END, _FOOTER, _GROUP = range(len(ROW_KINDS))


def _filled(column: pd.Series) -> np.ndarray:
    """Whether each cell holds something other than spaces (vectorised for Arrow strings)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column.dtype, pd.CategoricalDtype):  # the distinct values only, then the codes
        categories = column.cat.categories
        filled = _filled(pd.Series(categories.to_numpy(dtype=object), dtype=object)) if len(categories) else np.zeros(0, bool)
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, filled[np.maximum(codes, 0)] if len(categories) else False, False)
    if isinstance(column.dtype, pd.StringDtype):
        array = pa.array(column.array)
        # Filled: not empty and not only spaces (classified in place: no trimmed copy of the column).
        blank = pc.or_(pc.equal(pc.binary_length(array), 0), pc.utf8_is_space(array))
        return ~np.asarray(blank.fill_null(True), dtype=bool)
    values = column.to_numpy(dtype=object)
    filled = (values != "") & pd.notna(values)  # C loops; what is left is mostly data cells
    maybe_spaces = np.flatnonzero(filled)
    if len(maybe_spaces):
        cells = values[maybe_spaces]
        blank = np.fromiter((isinstance(v, str) and not v.strip() for v in cells), dtype=bool, count=len(cells))
        filled[maybe_spaces[blank]] = False
    return filled


def _cell_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def classify_rows(block: pd.DataFrame, columns: Mapping[int, str], footer: str, first_text: pd.Series,
                  footer_alone: str = "") -> pd.Series:
    """Return the kind of each data row (contract §1.4): data (''), ``blank`` (no cell filled),
    ``end`` (a row holding only ``###``), ``after_end`` (every filled row below it), ``footer`` (a
    row whose first text cell starts with Sumber, Catatan, Keterangan or Petunjuk and holds a
    colon or nothing else, or is that word alone: ``Sumber | : | Dinas Sosial``), ``group`` (a row with one filled cell, not in the nama or nik column,
    holding text or in a used column: ``KECAMATAN PAHANDUT``, a lone count under Status). A row
    whose one cell is a number in an unused column (a pre-numbered empty template row) is blank.

    Args:
        block: The rows below the header, one column per spreadsheet column.
        columns: Column index -> field, of the header.
        footer: Regex (RE2) of a footer's first text cell.
        footer_alone: Regex (RE2) of a first text cell that is a footer's word alone ('': none).
        first_text: Each row's first text cell when it may start a summary or a footer ('' else).

    One vectorised pass per column counts the filled cells; only the rows with one filled cell
    (few, in a register) are looked at further, so 10^6 rows cost a few hundredths of a second
    per column.
    """
    count = np.zeros(len(block), dtype=np.int32)
    filled_by_column = []
    for col in block.columns:
        filled = _filled(block[col])
        if filled.any():
            count += filled
            filled_by_column.append((col, filled))
    kind = np.where(count > 0, _DATA, _BLANK).astype(np.int8)  # codes into ROW_KINDS
    single = np.flatnonzero(count == 1)
    if len(single):
        text = np.full(len(single), "", dtype=object)
        is_personal = np.zeros(len(single), dtype=bool)
        is_used = np.zeros(len(single), dtype=bool)  # in a column the header maps to a field or a flag
        for col, filled in filled_by_column:
            here = filled[single]
            if here.any():
                text[here] = [_cell_text(v) for v in block[col].iloc[single[here]].to_numpy(dtype=object)]
                is_personal[here] = columns.get(col) in ("nama", "nik")
                is_used[here] = col in columns
        is_end = text == END_MARKER
        if is_end.any():
            end = int(single[np.argmax(is_end)])
            kind[end] = _END
            kind[end + 1:][count[end + 1:] > 0] = _AFTER_END
        has_letter = np.array([any(ch.isalpha() for ch in t) for t in text], dtype=bool)
        # One cell, not a nama or nik: a title or a note (contract §1.4), also a lone count or date
        # in a used column. A lone number in an unused column (the No of a pre-numbered empty
        # template row, a 0 far away) holds nothing the tool reads: a blank row.
        group = single[(has_letter | is_used) & ~is_personal]
        kind[group[kind[group] == _DATA]] = _GROUP
        unread = single[~has_letter & ~is_used]
        kind[unread[kind[unread] == _DATA]] = _BLANK
    candidates = np.flatnonzero(first_text.to_numpy(dtype=object) != "")
    if len(candidates):
        texts = first_text.iloc[candidates]
        # A name may start with such a word ("Sumber Rejeki"): the word needs a colon, the row no
        # other cell, or the cell no other word (a footer's text in the next cells, Kemensos forms).
        is_footer = match_regex(texts, footer) & (
            (count[candidates] == 1) | texts.str.contains(":", regex=False).to_numpy(dtype=bool)
            | (match_regex(texts, footer_alone) if footer_alone else False))
        rows = candidates[is_footer]
        kind[rows[np.isin(kind[rows], (_DATA, _GROUP))]] = _FOOTER
    return pd.Series(pd.Categorical.from_codes(kind, categories=pd.Index(ROW_KINDS, dtype="str")), index=block.index)


def footer_pattern(prefixes: Sequence[str], alone: bool = False) -> str:
    """The regex (RE2) of a footer's first text cell: one of ``prefixes`` as a word at the start,
    or with ``alone`` the word alone (``Sumber``, ``Catatan :``), its text in the next cells."""
    return summary_pattern(tuple(prefixes), alone)


def _tokens(text: str) -> str:
    """The words of a name, lower case, space-separated and padded (for whole-word search)."""
    return " " + " ".join(re.findall(r"[^\W_]+", text.casefold())) + " "


def jenis_named_in(name: str, reference: Sequence[str], aliases: Mapping[str, str]) -> str | None:
    """Return the one jenis of ``reference`` that ``name`` (a file or sheet name) names as whole
    words, by its name or an alias (``x1_tksk.xlsx``, sheet ``B.1.1 PSM``); None when it names
    none or several."""
    words = _tokens(name)
    named = {jenis for jenis in reference if _tokens(jenis) in words}
    named |= {target for alias, target in aliases.items() if target in reference and _tokens(alias) in words}
    return named.pop() if len(named) == 1 else None
