"""Cell grids: what a reader hands to the parser, whatever it read from.

The file reader (zip + lxml) and the live-Excel reader both produce these, so
the parser never knows where the cells came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@dataclass(frozen=True, slots=True)  # slots: a file may hold two million of them
class RawCell:
    """One cell as stored: its shown value and how it was typed."""

    value: str | int | float | bool | None
    is_text: bool = False  # stored as a string (shared, inline or formula string)
    formula: str | None = None  # formula text ("" for a shared-formula follower)
    has_value: bool = True  # False for a formula Excel never calculated
    is_error: bool = False


@dataclass
class SheetGrid:
    name: str
    part: str | None  # None for chart sheets and other non-worksheets
    state: str = "visible"
    cells: dict[tuple[int, int], RawCell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    hidden_rows: set[int] = field(default_factory=set)  # rows hidden in Excel (1-based)
    skipped: str | None = None  # why the reader kept no cells (too many), for the finding
    trusted: bool = False  # not read: its bytes are proven the same as a part read before

    def merge_at(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        for m in self.merges:
            if m[0] <= row <= m[2] and m[1] <= col <= m[3]:
                return m
        return None


@dataclass
class WorkbookGrid:
    path: Path
    sheets: list[SheetGrid]


def col_letter(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def a1(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def parse_ref(ref: str) -> tuple[int, int]:
    m = _REF.match(ref.upper())
    if not m:
        raise ValueError(f"not an A1 reference: {ref!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col
