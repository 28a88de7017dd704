"""Excel's own limits, which every workbook kohyo writes must keep.

validate checks the master against them (:mod:`kohyo.check.rules`) so that a master
it passes can be written by every command without error or silent change.
"""

from __future__ import annotations

from kohyo.model.chars import codepoints, unsafe_in_name

MAX_CELL_CHARS = 32767
"""Characters one cell can hold."""
MAX_ROWS = 1_048_576
"""Rows on one worksheet."""
MAX_SHEET_NAME = 31
SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")


def sheet_name_problem(name: str) -> str | None:
    """Why Excel (and XlsxWriter) refuse *name* as a sheet name, in Japanese; None if fine."""
    if not name.strip() or len(name) > MAX_SHEET_NAME:
        return f"1〜{MAX_SHEET_NAME} 文字にしてください（{len(name)} 文字）"
    bad = sorted(set(name) & SHEET_NAME_FORBIDDEN)
    if bad:
        return f"使えない文字 {''.join(bad)} があります"
    controls = unsafe_in_name(name)
    if controls:
        return f"制御文字 {codepoints(controls)} があります"
    if name[0] == "'" or name[-1] == "'":
        return "先頭と末尾に ' は使えません"
    if name.casefold() == "history":
        return "「History」は Excel が予約している名前です"
    return None
