"""Text that goes into a cell: cleaning it for XML, estimating how many lines it wraps to,
and how tall its row must be.

Excel stores no "autofit" in the file: a row's height must be written, so the
writer estimates it. Japanese text wraps at any character; Latin words wrap at
spaces. Full-width characters (and the East Asian "ambiguous" ones such as ○ ※,
which Japanese fonts draw full-width) count 2 units, everything else 1.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kohyo.model.chars import strip_unsafe_text, unsafe_in_text
from kohyo.xlsx.xmlbytes import ILLEGAL_XML

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

MAX_CELL_CHARS = 32767
"""Excel's limit on the text of one cell."""


@functools.lru_cache(maxsize=1 << 14)  # the same labels on every 個表 and cover
def clean_text(text: str) -> tuple[str, str]:
    """Return (text fit for a cell, the characters removed).

    Line breaks become ``\\n`` (Excel's in-cell break); characters XML cannot
    hold, other control characters and bidi controls (:mod:`kohyo.model.chars`) are
    removed; text longer than Excel allows is cut. The second value
    lists what was removed so a caller can warn; it is empty when nothing was.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    removed = "".join(ILLEGAL_XML.findall(text))
    if removed:
        text = ILLEGAL_XML.sub("", text)
    hidden = unsafe_in_text(text)
    if hidden:
        removed += "".join(c for c in text if c in hidden)
        text = strip_unsafe_text(text)
    if len(text) > MAX_CELL_CHARS:
        removed += text[MAX_CELL_CHARS:]
        text = text[:MAX_CELL_CHARS]
    return text, removed


def char_units(ch: str) -> int:
    """Display width of one character in half-width units (0 for combining marks)."""
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


@functools.lru_cache(maxsize=1 << 14)  # a town's cover measures the texts of many towns' covers
def text_units(text: str) -> int:
    """Display width of a one-line text in half-width units."""
    return sum(char_units(c) for c in text)


def _tokens(line: str) -> list[tuple[str, int]]:
    """Split a line into wrap units: runs of Latin letters/digits stay together."""
    out: list[tuple[str, int]] = []
    for m in re.finditer(r"[!-~\u00a0-\u024f]+| |.", line):
        tok = m.group(0)
        out.append((tok, text_units(tok)))
    return out


def wrapped_lines(text: str, capacity: float) -> int:
    """How many lines *text* takes in a cell *capacity* half-width units wide (wrap on)."""
    capacity = max(capacity, 2.0)
    lines = 0
    for line in text.split("\n"):
        lines += 1
        used = 0.0
        for tok, units in _tokens(line):
            if used + units <= capacity:
                used += units
            elif tok == " ":
                lines += 1  # the break swallows the space
                used = 0.0
            elif units > capacity:  # a word longer than the cell breaks anywhere
                full = used + units
                extra = math.ceil(full / capacity) - 1
                lines += extra
                used = full - extra * capacity
            else:
                lines += 1
                used = units
    return lines


# --- row heights ------------------------------------------------------------------------

CELL_INSET_PX = 6  # space Excel keeps between the border and the text, both sides
WRAP_SAFETY = 0.92  # proportional glyphs, kinsoku and Latin words wrap a little early
MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points


def column_pixels(width: float, max_digit_width: int = 7, padding: int = 5) -> int:
    """Column width units to pixels, as Excel (and XlsxWriter) convert them."""
    if width >= 1:
        return int(width * max_digit_width + 0.5) + padding
    return int(width * (max_digit_width + padding) + 0.5)


@functools.lru_cache(maxsize=1 << 14)  # a 個表 is on the cover of each of its towns
def cell_lines(text: str, width_px: int, size: float) -> int:
    """How many lines *text* takes in a cell *width_px* pixels wide at font *size* (points)."""
    if not text:
        return 1
    unit_px = size * 96 / 72 / 2  # one half-width unit at 96 dpi
    capacity = (width_px - CELL_INSET_PX) / unit_px * WRAP_SAFETY
    return wrapped_lines(text, capacity)


def text_row_height(
    text: str, width_px: int, size: float, *, line_spacing: float, padding: float, minimum: float
) -> float:
    """The height (points) of a row holding *text* alone in a cell *width_px* pixels wide."""
    points = cell_lines(text, width_px, size) * size * line_spacing + padding
    return round(min(max(points, minimum), MAX_ROW_HEIGHT), 2)


@dataclass
class RowHeights:
    """How tall each row must be for what is written in it (Excel stores no autofit)."""

    padding: float  # points added to every row's text height
    minimum: float
    heights: dict[int, float] = field(default_factory=dict)
    tall: list[tuple[int, int, float]] = field(default_factory=list)  # (row1, row2, points)

    def need(self, r1: int, r2: int, text_points: float) -> None:
        """Rows *r1*–*r2* (one merged cell when they differ) must hold *text_points*."""
        points = text_points + self.padding
        if r1 == r2:
            self.heights[r1] = max(self.heights.get(r1, 0.0), points)
        else:
            self.tall.append((r1, r2, points))

    def final(self, last_row: int) -> tuple[float, ...]:
        """The height (points) of every row up to *last_row* (0-based), as written."""
        h = {r: max(self.heights.get(r, 0.0), self.minimum) for r in range(last_row + 1)}
        for r1, r2, points in self.tall:  # a cell merged down: grow its last row if needed
            short = points - sum(h[r] for r in range(r1, r2 + 1))
            if short > 0:
                h[r2] += short
        return tuple(round(min(height, MAX_ROW_HEIGHT), 2) for height in h.values())

    def set_rows(self, ws: Worksheet, last_row: int) -> None:
        """Write the height of every row up to *last_row* (0-based) into *ws*."""
        for r, height in enumerate(self.final(last_row)):
            ws.set_row(r, height)
