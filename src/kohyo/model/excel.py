"""Excel's own limits, which every workbook kohyo writes must keep.

validate checks the master against them (:mod:`kohyo.check.rules`) so that a master
it passes can be written by every command without error or silent change.
"""

from __future__ import annotations

from kohyo.messages import t
from kohyo.model.chars import codepoints, unsafe_in_name

MAX_CELL_CHARS = 32767
"""Characters one cell can hold."""
MAX_ROWS = 1_048_576
"""Rows on one worksheet."""
MAX_SHEET_NAME = 31
SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")


def sheet_name_problem(name: str) -> str | None:
    """Why Excel (and XlsxWriter) refuse *name* as a sheet name (a message); None if fine."""
    if not name.strip() or len(name) > MAX_SHEET_NAME:
        return t("sheetname.length", limit=MAX_SHEET_NAME, length=len(name))
    bad = sorted(set(name) & SHEET_NAME_FORBIDDEN)
    if bad:
        return t("sheetname.chars", chars="".join(bad))
    controls = unsafe_in_name(name)
    if controls:
        return t("sheetname.controls", chars=codepoints(controls))
    if name[0] == "'" or name[-1] == "'":
        return t("sheetname.quote")
    if name.casefold() == "history":
        return t("sheetname.history")
    return None
