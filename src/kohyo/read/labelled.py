"""One sheet's cells indexed for the label-anchored parser (kohyo.read.parse).

The block labels (kohyo.model.labels) as matchers over label keys (NFKC, white space
removed), and :class:`LabelledSheet`: rows, merges and label positions of one grid, so
the parser asks "where is 成果指標?" instead of walking coordinates. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from kohyo.model import labels
from kohyo.read.grid import RawCell, SheetGrid
from kohyo.read.grid import a1 as _a1
from kohyo.read.normalize import clean_text
from kohyo.read.normalize import label_key as _label_key

# Thousands of 個表 repeat the same labels, headers, years and addresses: these pure
# functions of immutable values are remembered (benchmarks/RESULTS.md has the profile).
label_key = lru_cache(maxsize=1 << 16)(_label_key)
clean = lru_cache(maxsize=1 << 16)(clean_text)
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


@dataclass
class LabelledSheet:
    """A grid with lookup helpers: rows index, merges, label positions."""

    grid: SheetGrid

    def __post_init__(self) -> None:
        self.rows: dict[int, list[int]] = {}
        for r, c in sorted(self.grid.cells):
            self.rows.setdefault(r, []).append(c)
        self.keys = {
            pos: label_key(cell.value) for pos, cell in self.grid.cells.items() if cell.is_text
        }
        self.max_row = max(self.rows, default=0)
        # Short texts in reading order: the only cells find() can answer with.
        self.short_keys = [
            (r, c, key)
            for r, cols in self.rows.items()
            for c in cols
            if (key := self.keys.get((r, c))) and len(key) <= MAX_LABEL
        ]
        self._extents: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        self.skip_rows: set[int] = set()  # hidden rows whose content is left out

    def find(
        self, label: str, after_row: int = 0, max_col: int | None = None
    ) -> tuple[int, int] | None:
        """The first cell (row by row) whose text is *label*.

        With *max_col*, cells in the label column (at or left of it) are searched first,
        so free text that happens to read like a label (a KPI named 「連携効果」)
        does not take the block's place; anywhere else is the fallback.
        """
        match = MATCHERS[label]
        for limit in (max_col, None) if max_col is not None else (None,):
            for r, c, key in self.short_keys:
                if r >= after_row and (limit is None or c <= limit) and match(key):
                    return r, c
        return None

    def cell(self, row: int, col: int) -> RawCell | None:
        return self.grid.cells.get((row, col))

    def extent(self, row: int, col: int) -> tuple[int, int, int, int]:
        """The merged range containing (row, col), or the cell itself."""
        found = self._extents.get((row, col))
        if found is None:
            found = self._extents[(row, col)] = self.grid.merge_at(row, col) or (row, col, row, col)
        return found

    def right_of(self, row: int, col: int) -> list[tuple[int, RawCell]]:
        """Non-empty cells in *row* to the right of the (merged) cell at (row, col)."""
        end = self.extent(row, col)[3]
        out = []
        for c in self.rows.get(row, []):
            if c > end:
                cell = self.grid.cells[(row, c)]
                if not is_empty(cell):
                    out.append((c, cell))
        return out

    def is_label(self, row: int, col: int) -> bool:
        key = self.keys.get((row, col))
        return key is not None and bool(key) and len(key) <= MAX_LABEL and is_label_key(key)


@lru_cache(maxsize=1 << 12)
def is_label_key(key: str) -> bool:
    return any(m(key) for m in MATCHERS.values())


def is_empty(cell: RawCell | None) -> bool:
    if cell is None:
        return True
    if cell.formula is not None:
        return False
    return cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())


def cell_text(cell: RawCell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    v = cell.value
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return f"{v:g}"
    return clean(str(v))
