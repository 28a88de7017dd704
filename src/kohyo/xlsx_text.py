"""Text that goes into a cell: cleaning it for XML, and estimating how many lines it wraps to.

Excel stores no "autofit" in the file: a row's height must be written, so the
writer estimates it. Japanese text wraps at any character; Latin words wrap at
spaces. Full-width characters (and the East Asian "ambiguous" ones such as ○ ※,
which Japanese fonts draw full-width) count 2 units, everything else 1.
"""

from __future__ import annotations

import math
import re
import unicodedata

from .xlsx.xmlbytes import ILLEGAL_XML

MAX_CELL_CHARS = 32767
"""Excel's limit on the text of one cell."""


def clean_text(text: str) -> tuple[str, str]:
    """Return (text fit for a cell, the characters removed).

    Line breaks become ``\\n`` (Excel's in-cell break); characters XML cannot
    hold are removed; text longer than Excel allows is cut. The second value
    lists what was removed so a caller can warn; it is empty when nothing was.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    removed = "".join(ILLEGAL_XML.findall(text))
    if removed:
        text = ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_CHARS:
        removed += text[MAX_CELL_CHARS:]
        text = text[:MAX_CELL_CHARS]
    return text, removed


def char_units(ch: str) -> int:
    """Display width of one character in half-width units (0 for combining marks)."""
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


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
