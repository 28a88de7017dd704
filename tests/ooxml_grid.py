"""The rules of a SpreadsheetML package that its XSDs cannot express: the grid (rows, cells,
columns, merged ranges), indexes into the styles and shared strings, cell values that fit their
type, and the workbook's sheet and name tables. Part of ``ooxml.validate_xlsx``."""

from __future__ import annotations

import re

from lxml import etree

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

MAX_ROW, MAX_COL = 1_048_576, 16_384
MAX_HEIGHT, MAX_WIDTH, MAX_CHARS = 409.0, 255.0, 32_767
"""Excel's documented limits: row height in points, column width in characters, characters in
a cell; the XSDs allow more."""


_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]+)$")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _ref(text: str) -> tuple[int, int] | None:
    """'B3' -> (row 3, column 2); None when it is not an A1 reference in the grid."""
    m = _REF.match(text or "")
    if m is None:
        return None
    row, col = int(m.group(2)), _col_number(m.group(1))
    return (row, col) if 1 <= row <= MAX_ROW and 1 <= col <= MAX_COL else None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _workbook(root: etree._Element, problems: list[str]) -> None:
    """Sheet names Excel accepts and unique; sheetIds unique; defined names unique per scope
    and scoped to a sheet that exists."""
    sheets = root.findall(f"{{{SML}}}sheets/{{{SML}}}sheet")
    seen: set[str] = set()
    ids: set[str | None] = set()
    for sheet in sheets:
        name = sheet.get("name") or ""
        if not 1 <= len(name) <= 31 or SHEET_NAME_FORBIDDEN.search(name):
            problems.append(f"workbook: sheet name {name!r} is not one Excel accepts")
        if name.startswith("'") or name.endswith("'"):
            problems.append(f"workbook: sheet name {name!r} starts or ends with an apostrophe")
        if name.casefold() in seen:
            problems.append(f"workbook: sheet name {name!r} is not unique")
        if sheet.get("sheetId") in ids:
            problems.append(f"workbook: sheetId {sheet.get('sheetId')} is not unique")
        seen.add(name.casefold())
        ids.add(sheet.get("sheetId"))
    scoped: set[tuple[str | None, str]] = set()
    for dn in root.iterfind(f"{{{SML}}}definedNames/{{{SML}}}definedName"):
        scope, name = dn.get("localSheetId"), (dn.get("name") or "").casefold()
        index = _int(scope) if scope is not None else 0
        if index is None or not 0 <= index < max(len(sheets), 1):
            problems.append(f"workbook: defined name {name} on sheet {scope} of {len(sheets)}")
        if (scope, name) in scoped:
            problems.append(f"workbook: defined name {name} twice in scope {scope}")
        scoped.add((scope, name))


def _style_counts(trees: dict[str, etree._Element], problems: list[str]) -> tuple[int, int]:
    """(number of cellXfs, number of dxfs) of the styles part; xf references checked."""
    styles = next((t for t in trees.values() if t.tag == f"{{{SML}}}styleSheet"), None)
    if styles is None:
        return 1, 0

    def count(tag: str, child: str) -> int:
        group = styles.find(f"{{{SML}}}{tag}")
        return 0 if group is None else len(group.findall(f"{{{SML}}}{child}"))

    fonts, fills, borders = (
        count("fonts", "font"),
        count("fills", "fill"),
        count("borders", "border"),
    )
    style_xfs = count("cellStyleXfs", "xf")
    formats = {_int(f.get("numFmtId")) for f in styles.iter(f"{{{SML}}}numFmt")}
    for group, limit_xf in (("cellStyleXfs", None), ("cellXfs", style_xfs)):
        for i, xf in enumerate(styles.iterfind(f"{{{SML}}}{group}/{{{SML}}}xf")):
            where = f"styles: {group} xf {i}"
            for attr, limit in (("fontId", fonts), ("fillId", fills), ("borderId", borders)):
                value = _int(xf.get(attr))
                if value is not None and not 0 <= value < limit:
                    problems.append(f"{where}: {attr}={value} but {limit} defined")
            fmt = _int(xf.get("numFmtId"))
            if fmt is not None and fmt >= 164 and fmt not in formats:
                problems.append(f"{where}: numFmtId={fmt} is not defined")
            xf_id = _int(xf.get("xfId"))
            if limit_xf is not None and xf_id is not None and not 0 <= xf_id < limit_xf:
                problems.append(f"{where}: xfId={xf_id} but {limit_xf} cellStyleXfs")
    for i, cs in enumerate(styles.iterfind(f"{{{SML}}}cellStyles/{{{SML}}}cellStyle")):
        xf_id = _int(cs.get("xfId"))
        if xf_id is not None and not 0 <= xf_id < style_xfs:
            problems.append(f"styles: cellStyle {i}: xfId={xf_id} but {style_xfs} cellStyleXfs")
    return count("cellXfs", "xf"), count("dxfs", "dxf")


def grid_problems(trees: dict[str, etree._Element]) -> list[str]:
    problems: list[str] = []
    for root in trees.values():
        if root.tag == f"{{{SML}}}workbook":
            _workbook(root, problems)
    xfs, dxfs = _style_counts(trees, problems)
    sst = next((t for t in trees.values() if t.tag == f"{{{SML}}}sst"), None)
    strings = 0 if sst is None else len(sst.findall(f"{{{SML}}}si"))
    for i, si in enumerate([] if sst is None else sst.iterfind(f"{{{SML}}}si")):
        if len(_text(si)) > MAX_CHARS:
            problems.append(f"sharedStrings: <si> {i} holds more than {MAX_CHARS} characters")
    for name, root in trees.items():
        if root.tag == f"{{{SML}}}worksheet":
            _sheet_grid(name, root, xfs, dxfs, strings, problems)
    return problems


def _float(text: str | None, default: float) -> float:
    try:
        return float(text) if text is not None else default
    except ValueError:
        return default


def _text(el: etree._Element) -> str:
    """The text of a cell (inline string or cached value) or of a shared string <si>,
    without phonetic runs."""
    return "".join(
        t.text or ""
        for t in el.iter(f"{{{SML}}}t", f"{{{SML}}}v")
        if t.getparent().tag != f"{{{SML}}}rPh"
    )


def _style_ok(value: str | None, limit: int) -> bool:
    n = _int(value)
    return value is None or (n is not None and 0 <= n < limit)


def _sheet_grid(
    part: str, root: etree._Element, xfs: int, dxfs: int, strings: int, problems: list[str]
) -> None:
    last_max = 0
    for col in root.iterfind(f"{{{SML}}}cols/{{{SML}}}col"):
        lo, hi = _int(col.get("min")), _int(col.get("max"))
        if lo is None or hi is None or not 1 <= lo <= hi <= MAX_COL:
            problems.append(f"{part}: <col min={lo} max={hi}> is not a column range")
            continue
        if lo <= last_max:
            problems.append(f"{part}: <col min={lo} max={hi}> overlaps or precedes max={last_max}")
        last_max = max(last_max, hi)
        if not _style_ok(col.get("style"), xfs):
            problems.append(f"{part}: <col min={lo}> style={col.get('style')} but {xfs} cellXfs")
        if _float(col.get("width"), 0) > MAX_WIDTH:
            problems.append(f"{part}: <col min={lo}> width={col.get('width')} > {MAX_WIDTH}")
    last_row = 0
    for row in root.iterfind(f"{{{SML}}}sheetData/{{{SML}}}row"):
        r = _int(row.get("r")) if row.get("r") is not None else last_row + 1
        if r is None or not 1 <= r <= MAX_ROW:
            problems.append(f"{part}: row r={row.get('r')} is outside 1..{MAX_ROW}")
            continue
        if r <= last_row:
            problems.append(f"{part}: row {r} follows row {last_row}")
        last_row = r
        if not _style_ok(row.get("s"), xfs):
            problems.append(f"{part}: row {r} s={row.get('s')} but {xfs} cellXfs")
        if _float(row.get("ht"), 0) > MAX_HEIGHT:
            problems.append(f"{part}: row {r} ht={row.get('ht')} > {MAX_HEIGHT} points")
        last_col = 0
        for c in row.iterfind(f"{{{SML}}}c"):
            ref = c.get("r")
            pos = _ref(ref) if ref is not None else (r, last_col + 1)
            if pos is None or pos[0] != r:
                problems.append(f"{part}: cell {ref} is not a cell of row {r}")
                continue
            if pos[1] <= last_col:
                problems.append(f"{part}: cell {ref} is not right of the previous cell in row {r}")
            last_col = pos[1]
            if not _style_ok(c.get("s"), xfs):
                problems.append(f"{part}: cell {ref} s={c.get('s')} but {xfs} cellXfs")
            _value(part, ref, c, strings, problems)
            if len(_text(c)) > MAX_CHARS:
                problems.append(f"{part}: cell {ref} holds more than {MAX_CHARS} characters")
    _merges(part, root, problems)
    for rule in root.iter(f"{{{SML}}}cfRule"):
        if not _style_ok(rule.get("dxfId"), dxfs):
            problems.append(f"{part}: cfRule dxfId={rule.get('dxfId')} but {dxfs} dxfs")


ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def _value(
    part: str, ref: str | None, c: etree._Element, strings: int, problems: list[str]
) -> None:
    """The cached value <v> fits the cell's type t (Excel repairs the file otherwise)."""
    v = c.find(f"{{{SML}}}v")
    if v is None:
        return
    kind, text = c.get("t", "n"), v.text or ""
    if not text:
        return  # an empty cache (openpyxl writes <v></v> under a formula): Excel recalculates
    if kind == "s":
        n = _int(text)
        ok = n is not None and 0 <= n < strings
        if not ok:
            problems.append(f"{part}: cell {ref} shared string {text!r} but {strings} <si>")
        return
    ok = {
        "n": lambda: bool(_NUMBER.match(text.strip())),
        "b": lambda: text in ("0", "1"),
        "e": lambda: text in ERRORS,
    }.get(kind, lambda: True)()
    if not ok:
        problems.append(f"{part}: cell {ref} of type {kind} holds {text!r}")


def _merges(part: str, root: etree._Element, problems: list[str]) -> None:
    boxes: list[tuple[str, int, int, int, int]] = []
    for mc in root.iterfind(f"{{{SML}}}mergeCells/{{{SML}}}mergeCell"):
        ref = mc.get("ref", "")
        ends = [_ref(p) for p in ref.split(":")]
        if len(ends) != 2 or None in ends:
            problems.append(f"{part}: merged range {ref!r} is not a range A1:B2")
            continue
        (r1, c1), (r2, c2) = ends  # type: ignore[misc]
        box = (ref, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
        for other in boxes:
            if (
                box[1] <= other[3]
                and other[1] <= box[3]
                and box[2] <= other[4]
                and other[2] <= box[4]
            ):
                problems.append(f"{part}: merged range {ref} overlaps {other[0]}")
        boxes.append(box)
