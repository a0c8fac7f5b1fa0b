"""Disclosure control: what register text may leave ``data/raw``, and small counts hidden.

This module is the boundary of data contract §1.5 for register text:

* :func:`is_withheld` — a value holding 8 or more consecutive digits (a NIK, a KK number,
  also when a NIK is typed inside text or split by single spaces) or equal to a name of the
  same register (case and spaces do not matter) is never written outside ``data/raw``.
* :func:`generalize_rare` — values kept as written (an unknown jenis or kelurahan) are shown
  as ``lainnya`` when withheld or shared by fewer than k cases.
* :func:`quotable` — a problem message quotes a value only when it is not in a ``nik``/``nama``
  column, is not withheld and is at most 40 characters long.
* :func:`redact_message` — the last guard every outgoing message passes (build status,
  index page, terminal): runs of 8+ digits and quoted texts over 40 characters are removed.

The small-count rule of detailed tables follows.

In any table or chart finer than component × kecamatan (kelurahan, jenis × wilayah,
triwulan × wilayah) a count from 1 to k is shown as "< k+1" and its percentage is hidden;
other cells are hidden as well where needed so that no hidden count can be worked out from
the totals published elsewhere in the report. Headline figures (the IKU, the components,
component × kecamatan) are never passed through this module.

The rule, cell by cell (a cell is one row of a long table, with a handled count, a case
count and the implied not-handled count = cases − handled):

* **Primary suppression.** A cell is hidden when any of its three counts is between 1 and k.
  A zero never hides a cell (zero is not disclosive). The whole cell is hidden — handled, cases, not handled
  and percentage — because any two of the three counts and the percentage give the third.
* **Secondary suppression.** The totals of each line of the table (``group``, and ``also_by``
  for a grid) are published, so a lone hidden cell could be recovered by subtraction. Other
  cells are hidden until every non-zero count of every hidden cell can take at
  least two values consistent with everything published. Partners are chosen cheapest
  first: the non-hidden cell with the smallest case count (ties by label), or in a grid the
  cheapest rectangle; cells without cases are never used as partners.
* **Markers.** A hidden count of at most k is shown as "< k+1" (true also of a hidden 0); any
  other hidden count as "×"; a hidden percentage as "–". "< 6" is therefore never printed
  over a count of 40. The numeric columns of hidden cells are set to missing too, so a chart
  or an export drawn from the result cannot leak them.

What "cannot be recovered" means here: the reader is assumed to know the published line
totals, every shown cell, and what the markers imply (a hidden count marked "< k+1" lies in
0..k, one marked "×" is above k, a hidden cell has at least one case). A hidden count is
protected when a second table exists that agrees with all of that and differs in that count:
the check looks for a cycle of hidden cells along which one case (handled, not handled or
both) can be moved without breaking a total or a marker. Finding one proves the count is not
determined; not finding one leads to more suppression, never to less. A recovered 0 is not
counted as a disclosure (zero is not disclosive). The order in which partners were picked is
not assumed known. A line whose cells are all hidden and still determined (typically a line
with a single cell, e.g. a kecamatan with one kelurahan: the kelurahan's figures are the
kecamatan's, published anyway) is reported in ``SuppressedTable.unprotected``.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ikuanalysis.formatting import MISSING, format_number, format_percent

if TYPE_CHECKING:  # pandas is imported where it is used: the command line starts without it
    import pandas as pd

DEFAULT_K = 5
HIDDEN = "×"  # a hidden count that is not at most k
PERCENT_HIDDEN = MISSING
NOT_HANDLED = "not_handled"
PERCENT = "percent"

OTHER = "lainnya"  # what a withheld or rare value kept as written is shown as
HIDDEN_VALUE = "(disembunyikan)"  # what a message shows instead of a value it may not quote
MAX_QUOTED_LENGTH = 40
PERSONAL_COLUMNS = frozenset({"nik", "no_kk", "nama"})
# 8+ digits, consecutive or split by single spaces ("3271 0123 4567 8901").
_DIGIT_RUN = re.compile(r"\d(?:[ \u00a0]?\d){7,}")
# A quoted text: an opening quote (not after a letter or digit, before a non-space) up to the first
# closing one (after a non-space, not before a letter or digit). The quote between two quoted values
# ("kunci 'a' tidak dikenal ... lihat 'b'") closes the first and opens none: the words between them
# are not a quoted text; an apostrophe inside a word ("Jum'at", "Ma'ruf") neither opens nor closes.
_QUOTED = re.compile(r"""(?<!\w)(['"])(?=[^\s'"])((?:(?!(?<=\S)\1(?!\w)).)*)(?<=\S)\1(?!\w)""")

_FIELDS = ("numerator", "denominator", NOT_HANDLED)
# One case moved: (change of the handled count, change of the not-handled count).
_STEPS = tuple((a, b) for a in (-1, 0, 1) for b in (-1, 0, 1) if (a, b) != (0, 0))


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready to publish, with the small counts hidden.

    Attributes:
        table: The input rows (same index and order) with the count columns as nullable
            ``Int64``, ``not_handled`` (Int64) and ``percent`` (float) recomputed from them —
            all missing in hidden cells — and added columns ``is_suppressed``,
            ``is_primary`` (hidden for its own small count rather than as a partner) and
            the display strings ``<numerator>_text``, ``<denominator>_text``,
            ``not_handled_text``, ``percent_text``.
        k: The threshold used (0: nothing hidden).
        unprotected: Index labels of hidden rows whose figures still follow from the
            published totals because no other cell of their lines could be hidden.
    """

    table: pd.DataFrame
    k: int
    unprotected: tuple[Hashable, ...] = ()

    @property
    def any_suppressed(self) -> bool:
        """Whether at least one cell is hidden."""
        return bool(self.table["is_suppressed"].any())

    @property
    def note(self) -> str:
        """The methodology sentence to print under the table, or "" when nothing is hidden."""
        return describe_rule(self.k) if self.any_suppressed else ""


def name_key(text: object) -> str:
    """Return the comparison key of a name: case-folded, without spaces."""
    return "".join(str(text).split()).casefold()


@dataclass(frozen=True)
class RegisterNames:
    """The names (``nama`` column) of a register, as comparison keys; a value equal to one is withheld.

    Attributes:
        keys: The names' keys (see :func:`name_key`); blank names are left out.
    """

    keys: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: Iterable[object] | pd.Series) -> RegisterNames:
        """Return the names of ``names`` (a column or any iterable of cells; blanks ignored)."""
        import pandas as pd

        if isinstance(names, pd.Series):
            return cls.of_columns([names])
        return cls(frozenset(k for k in (name_key(n) for n in names if n is not None) if k))

    @classmethod
    def of_columns(cls, columns: Sequence[pd.Series]) -> RegisterNames:
        """Return the names of several ``nama`` columns (blanks ignored), as one set.

        One set for all of them: joining the sets of a million names one register at a time
        copied the large one each time.
        """
        # Distinct cells first (a register repeats names), then the same key as name_key:
        # str.split and casefold per distinct name beat a regex pass over every row.
        distinct = itertools.chain.from_iterable(column.dropna().astype("str").unique().tolist() for column in columns)
        return cls(frozenset(filter(None, ("".join(text.split()).casefold() for text in distinct))))

    def __or__(self, other: RegisterNames) -> RegisterNames:
        if not other.keys or other.keys <= self.keys:  # nothing new: no copy of a large set
            return self
        if not self.keys:
            return other
        return RegisterNames(self.keys | other.keys)

    def __contains__(self, value: object) -> bool:
        return bool(self.keys) and name_key(value) in self.keys


def _as_names(names: RegisterNames | Iterable[object]) -> RegisterNames:
    return names if isinstance(names, RegisterNames) else RegisterNames.of(names)


def has_digit_run(text: object) -> bool:
    """Whether ``text`` holds 8 or more digits in a row (single spaces between them allowed)."""
    return _DIGIT_RUN.search(str(text)) is not None


def is_withheld(value: object, names: RegisterNames | Iterable[object] = ()) -> bool:
    """Whether register text ``value`` must never be written outside ``data/raw`` (contract §1.5).

    Args:
        value: A cell as text (or a number, read as its digits).
        names: The names of the same register (a :class:`RegisterNames` or the ``nama`` cells).

    Returns:
        True when ``value`` holds 8 or more consecutive digits (a NIK or KK number, also inside
        text) or equals one of ``names`` ignoring case and spaces.
    """
    if value is None or (isinstance(value, float) and value != value):
        return False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return has_digit_run(value) or value in _as_names(names)


def quotable(value: object, column: str = "", names: RegisterNames | Iterable[object] = ()) -> str | None:
    """Return ``value`` as a message may quote it, or None when it may not (contract §1.5).

    A value is quoted only when it is not in a ``nik``/``no_kk``/``nama`` column, is not
    withheld (:func:`is_withheld`) and is at most 40 characters long.

    Args:
        value: The offending value.
        column: Its canonical column ('' when not a register column).
        names: The names of the same register.

    Returns:
        The value as text ('' for a blank value), or None.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if text == "":
        return ""
    if str(column).strip().lower() in PERSONAL_COLUMNS:
        return None
    if len(text) > MAX_QUOTED_LENGTH or is_withheld(text, names):
        return None
    return text


# RE2 (pyarrow) spellings of _DIGIT_RUN and of the characters str.split() drops in ASCII text.
_DIGIT_RUN_RE2 = r"\p{Nd}(?:[ \x{00a0}]?\p{Nd}){7,}"
_ASCII_WHITESPACE_RE2 = r"[\t\n\x0b\x0c\r \x1c-\x1f]+"


def quotable_texts(values: pd.Series, names: RegisterNames = RegisterNames()) -> pd.Series:
    """Return :func:`quotable` of each cell of a text column outside the personal columns,
    vectorised: the text, '' for a blank (or missing) cell, None where it may not be quoted.

    Arrow kernels find the long texts and the digit runs; a name key is made by Arrow for ASCII
    text and by :func:`name_key` for the rest. The problem log quotes thousands of values at a
    time (one per duplicate row): one Python call per value cost a tenth of a second at 10^6 rows.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values.astype("str").array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = pc.fill_null(array, "")
    hidden = pc.or_(pc.greater(pc.utf8_length(array), MAX_QUOTED_LENGTH),
                    pc.match_substring_regex(array, _DIGIT_RUN_RE2))
    hidden = np.asarray(hidden, dtype=bool).copy()
    texts = array.to_pylist()
    if names.keys:
        is_ascii = np.asarray(pc.string_is_ascii(array), dtype=bool)
        keys = pc.replace_substring_regex(pc.ascii_lower(array), _ASCII_WHITESPACE_RE2, "").to_pylist()
        hidden |= np.fromiter(((key if ascii_only else name_key(text)) in names.keys  # a blank key is never a name
                               for key, ascii_only, text in zip(keys, is_ascii, texts)), dtype=bool, count=len(texts))
    shown = np.asarray(texts, dtype=object)
    shown[hidden & (shown != "")] = None
    return pd.Series(shown, index=values.index, dtype=object)


def redact_message(text: object) -> str:
    """Return an outgoing message with runs of 8+ digits and quoted texts over 40 characters removed.

    The last guard before a message leaves the program (build status, index page, terminal):
    values are checked where they are logged (:func:`quotable`); this also covers texts made
    elsewhere, such as the message of an unexpected exception.
    """
    redacted = _QUOTED.sub(_hide_long_quoted, str(text))
    return _DIGIT_RUN.sub(HIDDEN_VALUE, redacted)


def _hide_long_quoted(match: re.Match) -> str:
    return f"'{HIDDEN_VALUE}'" if len(match.group(2)) > MAX_QUOTED_LENGTH else match.group(0)


def published_file_names(names: Iterable[str]) -> dict[str, str]:
    """Return each raw file's name as it may be published (contract §0, §1.5).

    A file arrives under the name the bidang gave it, which may hold a NIK
    (``x4_6271011122334455_Theodora.csv``): its runs of 8+ digits are withheld, as in every
    message (:func:`redact_message`). Names that become alike are told apart by ``(2)``,
    ``(3)`` … in the order of their real names, so that the processed summary, the manifest
    and the report's list of input files still name each file once, the same way every run.
    """
    shown: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(names):
        candidate = published = redact_message(name)
        number = 1
        while candidate in taken:
            number += 1
            candidate = f"{published} ({number})"
        shown[name] = candidate
        taken.add(candidate)
    return shown


def is_rare(values: pd.Series, k: int, cases: Sequence[Hashable] | pd.Series | None = None) -> pd.Series:
    """Return which values are shared by fewer than ``k`` cases (blank values never are).

    Args:
        values: Values kept as written, one per row.
        k: The disclosure threshold (``settings.iku.policies.disclosure_k``); 0 or 1: none is rare.
        cases: Each row's case (rows of one case count once); each row is a case when None.
    """
    import pandas as pd

    _check_k(k)
    text = values.astype("str")
    if cases is None:
        counts = text.map(text.value_counts())
    else:
        frame = pd.DataFrame({"value": text.to_numpy(), "case": pd.Series(cases).to_numpy()})
        per_value = frame.drop_duplicates().groupby("value")["case"].size()
        counts = text.map(per_value)
    return (counts < k) & (text != "")


def generalize_rare(
    values: pd.Series, k: int, cases: Sequence[Hashable] | pd.Series | None = None,
    names: RegisterNames | Iterable[object] = (),
) -> pd.Series:
    """Replace values kept as written that are withheld or shared by fewer than ``k`` cases by ``lainnya``.

    Args:
        values: Values kept as written (e.g. the unknown jenis of a register), one per row.
        k: The disclosure threshold.
        cases: Each row's case (see :func:`is_rare`).
        names: The names of the same register (see :func:`is_withheld`).

    Returns:
        ``values`` (same index) with those values replaced by :data:`OTHER`; blanks stay blank.
    """
    names = _as_names(names)
    withheld = values.map(lambda v: is_withheld(v, names)).astype(bool)
    return values.where(~(withheld | is_rare(values, k, cases)), OTHER)


def describe_rule(k: int = DEFAULT_K) -> str:
    """Return the disclosure rule for threshold ``k`` as one sentence in Bahasa Indonesia."""
    _check_k(k)
    if k == 0:
        return "Semua angka ditampilkan apa adanya; tidak ada angka kecil yang disembunyikan."
    small = "1" if k == 1 else f"1 sampai {format_number(k)}"
    return (
        f"Pada tabel yang lebih rinci dari komponen × kecamatan, jumlah {small} ditampilkan sebagai "
        f"\"< {format_number(k + 1)}\" dan persentasenya disembunyikan ({PERCENT_HIDDEN}); angka lain "
        f"ikut disembunyikan ({HIDDEN}) bila diperlukan agar angka tersembunyi tidak dapat dihitung dari total."
    )


def suppress_small_counts(
    table: pd.DataFrame,
    *,
    group: str | Sequence[str],
    cell: str | Sequence[str],
    count_columns: tuple[str, str] = ("numerator", "denominator"),
    k: int = DEFAULT_K,
    also_by: str | Sequence[str] | None = None,
) -> SuppressedTable:
    """Hide counts from 1 to ``k`` and the partners needed to keep them hidden.

    Args:
        table: Long table, one row per cell, e.g. the result of ``analysis.breakdown``
            by kelurahan. Not modified.
        group: Column(s) whose every combination has its total published elsewhere in the
            report; secondary suppression works within these lines. For kelurahan:
            ``["component", "kecamatan"]`` (component × kecamatan is published).
        cell: Column(s) naming the cell within its line (ties between partners are broken
            by it). ``group`` + ``cell`` must identify a row.
        count_columns: The handled and the case count columns (numerator, denominator).
        k: Largest count hidden (the configuration's value); 0 turns suppression off.
        also_by: For a grid, the column(s) of the other published margin, e.g. jenis ×
            kecamatan within a component: ``group=["component", "jenis"], cell="kecamatan",
            also_by=["component", "kecamatan"]``. Both margins are then kept safe.

    Returns:
        The table to publish; see ``SuppressedTable``.

    Raises:
        ValueError: ``k`` negative, a missing column, counts that are not whole numbers
            ≥ 0 with handled ≤ cases, or two rows for the same cell.
    """
    _check_k(k)
    group, cell = _columns(group), _columns(cell)
    margin = _columns(also_by) if also_by is not None else None
    numerator, denominator = count_columns
    missing = [c for c in (*group, *cell, *(margin or ()), numerator, denominator) if c not in table.columns]
    if missing:
        raise ValueError(f"suppress_small_counts: missing column(s) {missing}")
    num, den = _counts(table, numerator), _counts(table, denominator)
    if any(n > d for n, d in zip(num, den, strict=True)):
        raise ValueError(f"suppress_small_counts: {numerator} greater than {denominator}")
    if table.duplicated([*group, *cell]).any():
        raise ValueError(f"suppress_small_counts: several rows for the same {[*group, *cell]}")

    hidden: set[int] = set()
    primary: set[int] = set()
    unprotected: list[int] = []
    if k > 0 and len(table):
        rows = _keys(table, group)
        cols = _keys(table, margin) if margin is not None else [("__line__", r) for r in rows]
        labels = [tuple(map(str, key)) for key in _keys(table, cell)]
        cells = _Cells(num, den, rows, cols, labels, k)
        primary = {i for i in range(len(table)) if cells.is_small(i)}
        hidden, unprotected = cells.suppress(primary)
    return SuppressedTable(
        _publish(table, num, den, numerator, denominator, hidden, primary, k),
        k,
        tuple(table.index[i] for i in sorted(unprotected)),
    )


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"k must be a whole number ≥ 0 (0 turns suppression off), got {k!r}")


def _columns(columns: str | Sequence[str]) -> list[str]:
    return [columns] if isinstance(columns, str) else list(columns)


def _counts(table: pd.DataFrame, column: str) -> list[int]:
    import pandas as pd

    values = pd.to_numeric(table[column], errors="coerce")
    if values.isna().any() or (values < 0).any() or (values % 1 != 0).any():
        raise ValueError(f"suppress_small_counts: {column} must hold whole numbers ≥ 0")
    return [int(v) for v in values]


def _keys(table: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return list(zip(*(table[c].tolist() for c in columns), strict=True))


class _Cells:
    """The cells as edges of a graph between row lines and column lines (see module docstring).

    A move of one case along a cycle of hidden cells, alternately added and taken away,
    leaves every line total unchanged; it is allowed when every count stays within what its
    marker says. Without ``also_by`` each row has its own column node, so cycles are pairs
    of cells of the same line.
    """

    def __init__(self, num: list[int], den: list[int], rows: list, cols: list, labels: list, k: int) -> None:
        self.num, self.den, self.k = num, den, k
        self.nh = [d - n for n, d in zip(num, den, strict=True)]
        self.rows = [("row", r) for r in rows]
        self.cols = [("col", c) for c in cols]
        self.labels = labels
        self.by_node: dict[tuple, list[int]] = {}
        for i, (r, c) in enumerate(zip(self.rows, self.cols, strict=True)):
            self.by_node.setdefault(r, []).append(i)
            self.by_node.setdefault(c, []).append(i)

    def is_small(self, i: int) -> bool:
        return any(1 <= v <= self.k for v in (self.num[i], self.den[i], self.nh[i]))

    def _fits(self, value: int, true: int, lowest: int) -> bool:
        """Whether ``value`` agrees with the marker of a hidden count whose true value is ``true``."""
        return lowest <= value <= self.k if true <= self.k else value > self.k

    def can_move(self, i: int, step: tuple[int, int]) -> bool:
        n, h = self.num[i] + step[0], self.nh[i] + step[1]
        return self._fits(n, self.num[i], 0) and self._fits(h, self.nh[i], 0) and self._fits(n + h, self.den[i], 1)

    def _cycle(self, i: int, step: tuple[int, int], hidden: set[int]) -> bool:
        """Whether ``step`` can be added to cell i and balanced along a cycle of other hidden cells."""
        if not self.can_move(i, step):
            return False
        back = (-step[0], -step[1])
        start, goal = self.cols[i], self.rows[i]
        seen, queue = {start}, deque([start])
        while queue:
            node = queue.popleft()
            leaving_column = node[0] == "col"
            for e in self.by_node[node]:
                if e == i or e not in hidden or not self.can_move(e, back if leaving_column else step):
                    continue
                other = self.rows[e] if leaving_column else self.cols[e]
                if other == goal:
                    return True
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        return False

    def exposed(self, i: int, hidden: set[int]) -> bool:
        """Whether some non-zero count of hidden cell i is determined by what is published."""
        free = set()
        for step in _STEPS:
            if self._cycle(i, step, hidden):
                free |= {f for f, change in zip(_FIELDS, (step[0], sum(step), step[1]), strict=True) if change}
        values = (self.num[i], self.den[i], self.nh[i])
        return any(v > 0 and f not in free for f, v in zip(_FIELDS, values, strict=True))

    def _order(self, i: int) -> tuple:
        return (str(self.rows[i]), self.den[i], self.labels[i], i)

    def _candidates(self, i: int, hidden: set[int]) -> list[frozenset[int]]:
        """Sets of cells whose hiding could protect cell i, cheapest (fewest cases) first."""
        usable = {j for j in range(len(self.num)) if j not in hidden and self.den[j] > 0}
        in_row = [j for j in self.by_node[self.rows[i]] if j != i]
        in_col = [j for j in self.by_node[self.cols[i]] if j != i]
        options = {frozenset([j]) for j in (*in_row, *in_col) if j in usable}
        at = {(self.rows[j], self.cols[j]): j for j in range(len(self.num))}
        for j in in_row:
            for m in in_col:
                corner = at.get((self.rows[m], self.cols[j]))
                if corner is None or self.cols[j] == self.cols[i] or self.rows[m] == self.rows[i]:
                    continue
                new = frozenset(x for x in (j, m, corner) if x not in hidden)
                if new and all(self.den[x] > 0 for x in new):
                    options.add(new)
        return sorted(options, key=lambda s: (sum(self.den[x] for x in s), len(s), sorted(self._order(x) for x in s)))

    def suppress(self, primary: set[int]) -> tuple[set[int], list[int]]:
        """Return the hidden cells (primary plus partners) and those still determined."""
        hidden, given_up = set(primary), set()
        safe: set[int] = set()  # hiding more cells only adds cycles: a protected cell stays protected
        while True:
            for i in sorted(hidden - safe - given_up, key=self._order):
                if self.exposed(i, hidden):
                    break
                safe.add(i)
            else:
                break
            options = self._candidates(i, hidden)
            if not options:
                given_up.add(i)
                continue
            # The cheapest option that protects i on its own, else the cheapest (and go on).
            chosen = next((s for s in options if not self.exposed(i, hidden | s)), options[0])
            hidden |= chosen
        return hidden, sorted(i for i in given_up if self.exposed(i, hidden))


def _publish(table: pd.DataFrame, num: list[int], den: list[int], numerator: str, denominator: str,
             hidden: set[int], primary: set[int], k: int) -> pd.DataFrame:
    import pandas as pd

    is_hidden = [i in hidden for i in range(len(table))]
    nh = [d - n for n, d in zip(num, den, strict=True)]
    percent = [n / d * 100 if d else None for n, d in zip(num, den, strict=True)]

    def masked(values: list) -> list:
        return [None if h else v for v, h in zip(values, is_hidden, strict=True)]

    def text(values: list[int]) -> list[str]:
        return [(f"< {format_number(k + 1)}" if v <= k else HIDDEN) if h else format_number(v)
                for v, h in zip(values, is_hidden, strict=True)]

    out = table.copy()
    out[numerator] = pd.array(masked(num), dtype="Int64")
    out[denominator] = pd.array(masked(den), dtype="Int64")
    out[NOT_HANDLED] = pd.array(masked(nh), dtype="Int64")
    out[PERCENT] = pd.array(masked(percent), dtype="float64")
    out["is_suppressed"] = is_hidden
    out["is_primary"] = [i in primary for i in range(len(table))]
    out[f"{numerator}_text"] = text(num)
    out[f"{denominator}_text"] = text(den)
    out[f"{NOT_HANDLED}_text"] = text(nh)
    out[f"{PERCENT}_text"] = [PERCENT_HIDDEN if h else format_percent(p)
                              for p, h in zip(percent, is_hidden, strict=True)]
    return out

