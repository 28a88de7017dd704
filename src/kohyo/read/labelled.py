"""One sheet's cells indexed for the label-anchored parser (kohyo.read.parse).

The block labels (kohyo.model.labels) as matchers over label keys (NFKC, white space
removed), and :class:`LabelledSheet`: rows, merges and label positions of one grid, so
the parser asks "where is 成果指標?" instead of walking coordinates. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from kohyo.model import labels
from kohyo.read.grid import RawCell, SheetGrid
from kohyo.read.grid import a1 as _a1
from kohyo.read.normalize import clean_text
from kohyo.read.normalize import label_key as _label_key

# Thousands of 個表 repeat the same labels, headers, years and addresses: these pure
# functions of immutable values are remembered (benchmarks/RESULTS.md has the profile).
label_key = lru_cache(maxsize=1 << 16)(_label_key)
a1 = lru_cache(maxsize=1 << 14)(_a1)

# Block labels (contract §2, kohyo.model.labels), matched on label_key(): NFKC, white space
# removed. The alternatives after each are older wordings the parser still accepts.
L_NAME = labels.NAME
L_MUNIS = labels.MUNICIPALITIES
L_CONTENT = labels.CONTENT
L_EFFECT = labels.EFFECT
L_COSTS = labels.COSTS
L_ROLES = labels.ROLES
L_KPIS = labels.KPIS


def _is(*words: str) -> Callable[[str], bool]:
    return frozenset(label_key(w) for w in words).__contains__


def _starts(*words: str, ends: str | None = None) -> Callable[[str], bool]:
    starts = tuple(label_key(w) for w in words)
    return lambda k: k.startswith(starts) or (ends is not None and k.endswith(ends))


MATCHERS: dict[str, Callable[[str], bool]] = {
    L_NAME: _is(L_NAME, "事業名称"),
    L_MUNIS: _is(L_MUNIS),
    L_CONTENT: _is(L_CONTENT, "事業内容"),
    L_EFFECT: _is(L_EFFECT),
    L_COSTS: _starts(L_COSTS, "事業費(単位"),
    L_ROLES: _starts(L_ROLES, ends="役割分担"),
    L_KPIS: _starts(L_KPIS),
}
# The KPI header row: each column is known by the word before its bracket (目標値（2027年度）)
KPI_NAME, KPI_CURRENT, KPI_TARGET = (label_key(h).split("(")[0] for h in labels.kpi_headers(0))
MAX_LABEL = 20  # a label is short; longer text is free text that mentions a label word
TOTAL_HEADERS = (labels.TOTAL, "合計")
NUMBER = re.compile(r"^(?:NO\.?|№|事業番号)?(\d+)$", re.IGNORECASE)


Extent = tuple[int, int, int, int]  # r1, c1, r2, c2
Filled = list[tuple[int, RawCell]]  # (column, cell) of one row's non-empty cells, left to right

TALL = 16  # a merged range over more rows than this is not filed row by row
SHARED = 256  # a sheet with more merged ranges than a 個表 has keeps its index to itself


class MergeIndex:
    """The merged ranges of a sheet: which range holds (row, col), fast.

    Answers what :meth:`SheetGrid.merge_at` answers (the first range in the sheet's list
    that holds the cell) from the ranges filed by row, and remembers each answer: the
    sheets of one master mostly share their ranges, so they share one index
    (:func:`merge_index`)."""

    def __init__(self, merges: tuple[Extent, ...]) -> None:
        self.merges = merges
        self.by_row: dict[int, list[tuple[int, Extent]]] | None = None  # filed on first use
        self.tall: list[tuple[int, Extent]] = []  # ranges over many rows, always asked
        self.extents: dict[tuple[int, int], Extent] = {}

    def extent(self, row: int, col: int) -> Extent:
        """The merged range containing (row, col), or the cell itself."""
        found = self.extents.get((row, col))
        if found is None:
            found = self.extents[(row, col)] = self.merge_at(row, col) or (row, col, row, col)
        return found

    def merge_at(self, row: int, col: int) -> Extent | None:
        if self.by_row is None:
            self.by_row = {}
            for i, m in enumerate(self.merges):
                if m[2] - m[0] > TALL:
                    self.tall.append((i, m))
                else:
                    for r in range(m[0], m[2] + 1):
                        self.by_row.setdefault(r, []).append((i, m))
        found: tuple[int, Extent] | None = None
        for i, m in self.by_row.get(row, ()):
            if m[1] <= col <= m[3]:
                found = (i, m)
                break
        for i, m in self.tall:
            if found is not None and i > found[0]:
                break
            if m[0] <= row <= m[2] and m[1] <= col <= m[3]:
                return m
        return found[1] if found is not None else None


def leftmost(labels: dict[tuple[int, int], tuple[str, ...]]) -> dict[int, int]:
    """Row -> the column of its first label, from labels in reading order."""
    rows: dict[int, int] = {}
    for r, c in labels:
        rows.setdefault(r, c)
    return rows


def merge_index(merges: list[Extent]) -> MergeIndex:
    """The index of *merges*: one for all the sheets that have these ranges."""
    return _shared_index(tuple(merges)) if len(merges) <= SHARED else MergeIndex(tuple(merges))


@lru_cache(maxsize=64)
def _shared_index(merges: tuple[Extent, ...]) -> MergeIndex:
    return MergeIndex(merges)


class LabelledSheet:
    """A grid indexed for the parser: its non-empty cells row by row, its labels, its merges.

    Empty cells (:func:`is_empty`) are left out of the index: no question the parser asks
    is answered by one. :meth:`leave_out` takes cells out (hidden rows, staff memos).
    """

    def __init__(self, grid: SheetGrid) -> None:
        self.grid = grid
        self.merges = merge_index(grid.merges)
        self.skip_rows: set[int] = set()  # hidden rows whose content is left out
        self.edge: int | None = None  # the last column; cells right of it are left out
        filled: dict[int, Filled] = {}
        found: dict[tuple[int, int], tuple[str, ...]] = {}
        cells = grid.cells
        for pos in sorted(cells):
            cell = cells[pos]
            value = cell.value
            if cell.formula is None and (
                value is None or (isinstance(value, str) and not value.strip())
            ):
                continue  # is_empty(cell)
            row = filled.get(pos[0])
            if row is None:
                row = filled[pos[0]] = []
            row.append((pos[1], cell))
            if cell.is_text:
                labels = reads_as(value)
                if labels:
                    found[pos] = labels
        self.filled = filled  # in row order
        self.labels = found  # cell -> the block labels its text reads as, in reading order
        self.label_rows = leftmost(found)
        self.max_row = max(filled, default=0)

    def leave_out(self, edge: int | None, rows: set[int]) -> None:
        """From now on, the cells right of column *edge* and those in *rows* are not there."""
        self.edge, self.skip_rows = edge, rows
        if not any(
            r in rows or (edge is not None and cells[-1][0] > edge)
            for r, cells in self.filled.items()
        ):
            return  # none of them is in the index

        def kept(row: int, col: int) -> bool:
            return row not in rows and (edge is None or col <= edge)

        filled = {r: [x for x in cells if kept(r, x[0])] for r, cells in self.filled.items()}
        self.filled = {r: cells for r, cells in filled.items() if cells}
        self.labels = {pos: labels for pos, labels in self.labels.items() if kept(*pos)}
        self.label_rows = leftmost(self.labels)
        self.max_row = max(self.filled, default=0)
        # A merged range right of the edge holds no cell the parser asks about: kept.

    def find(
        self, label: str, after_row: int = 0, max_col: int | None = None
    ) -> tuple[int, int] | None:
        """The first cell (row by row) whose text is *label*.

        With *max_col*, cells in the label column (at or left of it) are searched first,
        so free text that happens to read like a label (a KPI named 「連携効果」)
        does not take the block's place; anywhere else is the fallback.
        """
        if max_col is not None:
            for pos, labels in self.labels.items():
                if pos[0] >= after_row and pos[1] <= max_col and label in labels:
                    return pos
        for pos, labels in self.labels.items():
            if pos[0] >= after_row and label in labels:
                return pos
        return None

    def is_label(self, row: int, col: int) -> bool:
        """Whether the cell at (row, col) is a block label."""
        return (row, col) in self.labels

    def reads_as(self, row: int, col: int, label: str) -> bool:
        """Whether the cell at (row, col) is the block label *label*."""
        return label in self.labels.get((row, col), ())

    def cell(self, row: int, col: int) -> RawCell | None:
        """The cell as stored, empty or not; None where there is none or it is left out."""
        if row in self.skip_rows or (self.edge is not None and col > self.edge):
            return None
        return self.grid.cells.get((row, col))

    def extent(self, row: int, col: int) -> Extent:
        """The merged range containing (row, col), or the cell itself."""
        return self.merges.extent(row, col)

    def right_of(self, row: int, col: int) -> Filled:
        """Non-empty cells in *row* to the right of the (merged) cell at (row, col)."""
        cells = self.filled.get(row)
        if not cells:
            return []
        end = self.merges.extent(row, col)[3]
        return [x for x in cells if x[0] > end]

    def has_label(self, row: int, max_col: int) -> bool:
        """Whether a block label sits in *row* at or left of column *max_col*."""
        return self.label_rows.get(row, max_col + 1) <= max_col


# A character of these always stays one character of a label key of its own: kana,
# CJK ideographs and ASCII are starters that NFKC never merges into the one before,
# full-width ASCII becomes ASCII, and none of them is white space. A text with more of
# them than a label has characters is no label, without working out its key (NFKC).
_KEPT = "\u0021-\u007e\u3041-\u3096\u30a1-\u30fa\u4e00-\u9fff\uff01-\uff5e"
LONGER_THAN_A_LABEL = re.compile(f"(?:[^{_KEPT}]*+[{_KEPT}]){{{MAX_LABEL + 1}}}")


@lru_cache(maxsize=1 << 16)
def reads_as(text: object) -> tuple[str, ...]:
    """The block labels *text* reads as: none unless its label key is short and matches."""
    if not isinstance(text, str) or LONGER_THAN_A_LABEL.match(text):
        return ()
    key = label_key(text)
    if len(key) > MAX_LABEL:
        return ()
    return tuple(label for label, match in MATCHERS.items() if match(key))


def is_empty(cell: RawCell | None) -> bool:
    if cell is None:
        return True
    if cell.formula is not None:
        return False
    return cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())


def cell_key(cell: RawCell) -> str:
    """label_key() of a text cell; "" for a number."""
    return label_key(cell.value) if cell.is_text else ""


def cell_text(cell: RawCell | None) -> str:
    return "" if cell is None else value_text(cell.value)


@lru_cache(maxsize=1 << 16, typed=True)  # typed: 1, 1.0 and True read differently
def value_text(value: object) -> str:
    """A cell's value as text: free text cleaned (clean_text), numbers as Excel shows them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:g}"
    return clean_text(str(value))
