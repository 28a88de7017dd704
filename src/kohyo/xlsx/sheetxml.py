"""Surgical cell writes into a worksheet part, at the byte level.

``patch_cells`` rewrites only the ``<c>`` elements it targets (and, when a
cell or row is missing, inserts it in sorted position), so every other byte of
the sheet part stays identical. It refuses targets whose edit would corrupt
the sheet (shared / array formulas, table headers, merged non-anchor cells)
and re-parses the result to check it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from lxml import etree

from kohyo.errors import KohyoError
from kohyo.messages import t
from kohyo.read.grid import col_letter
from kohyo.xlsx.xmlbytes import (
    MAIN_NS,
    Tag,
    Value,
    cell_xml,
    clean_formula,
    clean_text,
    in_range,
    iter_tags,
    parse_range,
    parse_xml,
    same_content,
    set_attrs,
    splice,
    split_ref,
)

_M = f"{{{MAIN_NS}}}"


class PatchRefused(KohyoError):
    """A requested write was refused because it would damage the workbook."""

    def __init__(self, message: str, sheet: str | None = None, ref: str | None = None) -> None:
        super().__init__(message)
        self.sheet = sheet
        self.ref = ref


@dataclass(frozen=True)
class CellWrite:
    """One cell to write. ``value`` is the plain value, or the cached value when
    ``formula`` is set (text without the leading ``=``). ``None`` empties the cell
    but keeps its style."""

    ref: str
    value: Value
    formula: str | None = None


# --------------------------------------------------------------------------- surgical writes


@dataclass(frozen=True)
class TableHeader:
    """The header row of an Excel table on the sheet (cells there must match the table)."""

    name: str
    row: int
    col1: int
    col2: int


@dataclass
class _Row:
    num: int
    tag: Tag
    end: int
    cells: list[tuple[int, int, int]] = field(default_factory=list)  # (col, start, end)


@dataclass
class _Layout:
    sheet_data: Tag
    dimension: Tag | None
    rows: list[_Row]


def _scan(data: bytes, pfx: bytes) -> _Layout:
    """Byte spans of the rows and cells of ``<sheetData>``."""
    tags = iter_tags(data)
    dimension = None
    for sd in tags:
        if sd.qname == pfx + b"dimension" and not sd.closing:
            dimension = sd
        if sd.qname == pfx + b"sheetData" and not sd.closing:
            break
    else:
        raise ValueError("no sheetData")
    layout = _Layout(sd, dimension, [])
    if sd.empty:
        return layout
    row: _Row | None = None
    cell: tuple[int, int] | None = None
    prev_row = prev_col = 0
    for tag in tags:
        if cell is not None:
            if tag.closing and tag.qname == pfx + b"c":
                assert row is not None
                row.cells.append((cell[0], cell[1], tag.end))
                cell = None
            continue
        if tag.qname == pfx + b"c" and row is not None and not tag.closing:
            r = tag.attrs().get(b"r")
            prev_col = split_ref(r.decode())[1] if r else prev_col + 1
            if tag.empty:
                row.cells.append((prev_col, tag.start, tag.end))
            else:
                cell = (prev_col, tag.start)
        elif tag.qname == pfx + b"row":
            if tag.closing and row is not None:
                row.end = tag.end
                layout.rows.append(row)
                row = None
            elif not tag.closing:
                r = tag.attrs().get(b"r")
                prev_row, prev_col = (int(r) if r else prev_row + 1), 0
                row = _Row(prev_row, tag, tag.end)
                if tag.empty:
                    layout.rows.append(row)
                    row = None
        elif tag.closing and tag.qname == pfx + b"sheetData":
            return layout
    raise ValueError("sheetData not closed")


def _cells(sheet_data: etree._Element) -> list[tuple[int, int, etree._Element, etree._Element]]:
    """(row, col, row element, cell element) in document order, implied ``r`` resolved."""
    out = []
    prev_row = 0
    for row_el in sheet_data.iterfind(_M + "row"):
        r = row_el.get("r")
        prev_row = int(r) if r else prev_row + 1
        prev_col = 0
        for c in row_el.iterfind(_M + "c"):
            ref = c.get("r")
            prev_col = split_ref(ref)[1] if ref else prev_col + 1
            out.append((prev_row, prev_col, row_el, c))
    return out


def _row_element(sheet_data: etree._Element, num: int) -> etree._Element | None:
    prev = 0
    for row_el in sheet_data.iterfind(_M + "row"):
        prev = int(row_el.get("r") or prev + 1)
        if prev == num:
            return row_el
    return None


def _refuse(sheet: str, ref: str, why: str) -> PatchRefused:
    return PatchRefused(t("patch.cell_refused", sheet=sheet, ref=ref, why=why), sheet, ref)


def _blocked_ranges(root: etree._Element) -> list[tuple[str, str, tuple[int, int, int, int]]]:
    """(kind, ref, range) of array / data-table formulas and merged cells on the sheet."""
    out = []
    for f in root.iter(_M + "f"):
        if f.get("t") in ("array", "dataTable") and f.get("ref"):
            kind = "array" if f.get("t") == "array" else "data_table"
            out.append((kind, f.get("ref"), parse_range(f.get("ref"))))
    for m in root.iterfind(f"{_M}mergeCells/{_M}mergeCell"):
        out.append(("merge", m.get("ref", ""), parse_range(m.get("ref", ""))))
    return out


def _check_target(
    sheet: str,
    ref: str,
    row: int,
    col: int,
    el: etree._Element | None,
    blocked: list,
    tables: Sequence[TableHeader],
) -> None:
    f = el.find(_M + "f") if el is not None else None
    if f is not None and f.get("t") == "shared":
        raise _refuse(sheet, ref, t("patch.why.shared"))
    for kind, text, rng in blocked:
        if not in_range(rng, row, col):
            continue
        if kind != "merge":
            raise _refuse(
                sheet, ref, t("patch.why.in_range", kind=t(f"patch.kind.{kind}"), range=text)
            )
        if (row, col) != (rng[0], rng[1]):
            raise _refuse(sheet, ref, t("patch.why.merged", range=text))
    for table in tables:
        if table.row == row and table.col1 <= col <= table.col2:
            raise _refuse(sheet, ref, t("patch.why.table_header", table=table.name))


def _inherited_style(root: etree._Element, row_el: etree._Element | None, col: int) -> str | None:
    """The style Excel gives a new cell: the row's (customFormat) or the column's."""
    if row_el is not None and row_el.get("customFormat") in ("1", "true") and row_el.get("s"):
        return row_el.get("s")
    for c in root.iterfind(f"{_M}cols/{_M}col"):
        if int(c.get("min", 0)) <= col <= int(c.get("max", 0)) and c.get("style"):
            return c.get("style")
    return None


def _widen_spans(tag_bytes: bytes, spans: bytes | None, cols: list[int]) -> bytes:
    if not spans:
        return tag_bytes
    bounds = [int(n) for n in re.findall(rb"\d+", spans)]
    lo, hi = min([*bounds, *cols]), max([*bounds, *cols])
    if (lo, hi) == (min(bounds), max(bounds)):
        return tag_bytes
    return set_attrs(tag_bytes, {"spans": f"{lo}:{hi}"})


@dataclass
class _Survey:
    """One walk over the ``<c>`` elements of ``sheetData``/``row`` (what XPath's
    ``m:sheetData/m:row/m:c`` selects; an XPath per question took longer than the parse)."""

    count: int  # cells
    implied: bool  # some row or cell leaves its position implied (no r attribute)
    hits: dict[str, list[etree._Element]]  # the cells whose r is one of the refs asked for


def _survey(root: etree._Element, refs: Collection[str]) -> _Survey:
    count, implied = 0, False
    hits: dict[str, list[etree._Element]] = {}
    for sheet_data in root.iterfind(_M + "sheetData"):
        for row_el in sheet_data.iterfind(_M + "row"):
            implied = implied or row_el.get("r") is None
            for c in row_el.iterfind(_M + "c"):
                count += 1
                ref = c.get("r")
                if ref is None:
                    implied = True
                elif ref in refs:
                    hits.setdefault(ref, []).append(c)
    return _Survey(count, implied, hits)


def patch_cells(
    data: bytes,
    sheet: str,
    writes: Sequence[CellWrite],
    *,
    tables: Sequence[TableHeader] = (),
    shared_string: Callable[[int], str | None] = lambda _i: None,
) -> tuple[bytes, bool]:
    """Write ``writes`` into the worksheet part ``data``.

    Returns the new bytes (``data`` itself when every target already holds its value)
    and whether a formula was added, changed or removed. Raises PatchRefused for
    unsafe targets before anything is changed.
    """
    quick = _patch_in_place(data, sheet, writes, tables, shared_string)
    if quick is not None:
        return quick
    root = parse_xml(data)
    sheet_data = root.find(_M + "sheetData")
    if root.tag != _M + "worksheet" or sheet_data is None:
        raise PatchRefused(t("patch.sheet_unusual", sheet=sheet), sheet)
    targets: dict[tuple[int, int], CellWrite] = {}
    for w in writes:
        key = split_ref(w.ref)
        if key in targets:
            raise ValueError(f"cell {w.ref} written twice on sheet {sheet!r}")
        targets[key] = w
    # Fast path: every target exists once with an explicit r (the usual refresh).
    refs = {col_letter(k[1]) + str(k[0]): k for k in targets}
    survey = _survey(root, refs)
    fast = not survey.implied and all(len(survey.hits.get(ref, ())) == 1 for ref in refs)
    cells = None if fast else _cells(sheet_data)
    if cells is None:
        existing = {k: survey.hits[ref][0] for ref, k in refs.items()}
    else:
        existing = {(r, c): el for r, c, _row, el in cells if (r, c) in targets}
    blocked = _blocked_ranges(root)
    for (r, c), w in targets.items():
        _check_target(sheet, w.ref, r, c, existing.get((r, c)), blocked, tables)

    pfx = f"{root.prefix}:" if root.prefix else ""
    new_xml: dict[tuple[int, int], bytes] = {}
    expected: dict[tuple[int, int], tuple[Value, str | None]] = {}
    formulas_changed = False
    for (r, c), w in targets.items():
        formula = clean_formula(w.formula) if w.formula is not None else None
        value = clean_text(w.value) if isinstance(w.value, str) else w.value
        el = existing.get((r, c))
        if el is not None:
            if same_content(el, value, formula, shared_string):
                continue
            style, ph = el.get("s"), el.get("ph")
            formulas_changed |= el.find(_M + "f") is not None
        elif value is None and formula is None:
            continue
        else:
            style, ph = _inherited_style(root, _row_element(sheet_data, r), c), None
        formulas_changed |= formula is not None
        new_xml[(r, c)] = cell_xml(pfx, col_letter(c) + str(r), style, value, formula, ph).encode()
        expected[(r, c)] = (value, formula)
    if not new_xml:
        return data, False

    n_cells = survey.count + sum(k not in existing for k in new_xml)
    edits = _fast_edits(data, pfx, new_xml) if fast else None
    positions = None  # every cell's position after the edit, when some are implied
    if edits is None:
        cells = cells if cells is not None else _cells(sheet_data)
        layout = _scan(data, pfx.encode())
        if [(row.num, col) for row in layout.rows for col, _s, _e in row.cells] != [
            (r, c) for r, c, _row, _el in cells
        ]:
            raise PatchRefused(t("patch.sheet_unparsable", sheet=sheet), sheet)
        edits = _edits(data, pfx, layout, new_xml)
        positions = {(r, c) for r, c, _row, _el in cells} | set(new_xml)
    new_data = splice(data, edits)
    _verify(new_data, sheet, n_cells, expected, shared_string, positions=positions)
    return new_data, formulas_changed


# A part is plain enough to find cells in without parsing it first when it has no comment,
# CDATA, DOCTYPE or processing instruction but the XML declaration (then every "<" starts a
# tag), declares every namespace on its root (the main one as the default, and no prefix
# of an element), has no array or data-table formula, and every row and cell gives its
# position as its first attribute (r).
_ROW_OR_CELL = re.compile(rb"<(c|row)[\s/>](r=\")?")  # a start tag, and r="... first
_COUNT_CELLS = etree.XPath("count(m:sheetData/m:row/m:c)", namespaces={"m": MAIN_NS})
_CELL_CLOSE = re.compile(rb"</c\s*>")
_MERGE_REF = re.compile(rb"<mergeCell\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")


def _cell_count(data: bytes) -> int | None:
    """The cells of a :func:`_plain` part, or None unless every cell and row has an r."""
    tags = _ROW_OR_CELL.findall(data)  # (name, 'r="' or b"") per tag
    if tags.count((b"c", b"")) or tags.count((b"row", b"")):
        return None
    return tags.count((b"c", b'r="'))


def _plain(data: bytes) -> bool:
    if b"<!" in data or data.count(b"<?") > (1 if data.startswith(b"<?xml") else 0):
        return False
    if b"array" in data or b"dataTable" in data:
        return False
    root = next(iter_tags(data), None)
    if root is None or root.qname != b"worksheet" or root.closing or b"<sheetData" not in data:
        return False
    attrs = root.attrs()
    declared = [k for k in attrs if k == b"xmlns" or k.startswith(b"xmlns:")]
    if attrs.get(b"xmlns") != MAIN_NS.encode() or data.count(b"xmlns") != len(declared):
        return False
    prefixes = [k[len(b"xmlns:") :] for k in declared if k != b"xmlns"]
    return not any(b"<" + p + b":" in data or b"</" + p + b":" in data for p in prefixes)


def _patch_in_place(
    data: bytes,
    sheet: str,
    writes: Sequence[CellWrite],
    tables: Sequence[TableHeader],
    shared_string: Callable[[int], str | None],
) -> tuple[bytes, bool] | None:
    """The usual refresh edit (cells that exist, in a plain part) without parsing the part
    before the edit: only after it, by :func:`_verify`, as every edit is checked.

    In a plain part (see above) every ``<c`` followed by a space, ``/`` or ``>`` is the
    start tag of a cell, so the cells are counted on the bytes, each target's start tag
    is found on them (exactly once, its r attribute read properly), and only the target's
    own element is parsed, alone, for what the edit needs to know of it (its value, style,
    formula). Merged ranges are read from the ``<mergeCell>`` tags. The edit is then
    checked as the full path checks its own: the whole new part parsed, as many cells as
    counted, no implied position, each target once and holding its value.

    Returns None whenever any of that does not hold — a missing target, a target to
    refuse, an unusual part, a failed check — and the full path decides as before: this
    path only ever accepts an edit, and with the bytes the full path would write."""
    if not _plain(data):
        return None
    n_cells = _cell_count(data)
    if n_cells is None:
        return None
    try:
        blocked = [("merge", m.decode(), parse_range(m.decode())) for m in _MERGE_REF.findall(data)]
        targets = {split_ref(w.ref): w for w in writes}
    except (ValueError, UnicodeDecodeError):
        return None
    if len(targets) != len(writes):
        return None
    wrapper = b'<x xmlns="' + MAIN_NS.encode() + b'">'
    edits: list[tuple[int, int, bytes]] = []
    expected: dict[tuple[int, int], tuple[Value, str | None]] = {}
    formulas_changed = False
    for (r, c), w in targets.items():
        ref = col_letter(c) + str(r)
        # r="REF" once in the part (a row's r is a number; no other attribute is named r
        # but a cellWatch's, which sends the edit the full way), inside a <c> start tag.
        attr = b'r="' + ref.encode() + b'"'
        at = data.find(attr)
        if at < 0 or data.count(attr) != 1 or b"r='" + ref.encode() + b"'" in data:
            return None
        tag = next(iter_tags(data, data.rfind(b"<", 0, at)), None)
        if tag is None or tag.qname != b"c" or tag.closing or not tag.start < at < tag.end:
            return None
        if tag.attrs().get(b"r") != ref.encode():
            return None
        close = None if tag.empty else _CELL_CLOSE.search(data, tag.end)
        if close is None and not tag.empty:
            return None
        end = tag.end if close is None else close.end()
        try:
            el = parse_xml(wrapper + data[tag.start : end] + b"</x>")[0]
        except (etree.XMLSyntaxError, KohyoError, IndexError):
            return None
        try:
            _check_target(sheet, ref, r, c, el, blocked, tables)
        except PatchRefused:
            return None
        formula = clean_formula(w.formula) if w.formula is not None else None
        value = clean_text(w.value) if isinstance(w.value, str) else w.value
        if same_content(el, value, formula, shared_string):
            continue
        formulas_changed |= el.find(_M + "f") is not None or formula is not None
        edits.append(
            (tag.start, end, cell_xml("", ref, el.get("s"), value, formula, el.get("ph")).encode())
        )
        expected[(r, c)] = (value, formula)
    if not edits:
        return data, False
    new_data = splice(data, edits)
    try:
        ok = _verify_in_place(new_data, n_cells, expected, shared_string)
    except (etree.XMLSyntaxError, KohyoError):
        return None
    return (new_data, formulas_changed) if ok else None


def _verify_in_place(
    new_data: bytes,
    n_cells: int,
    expected: dict[tuple[int, int], tuple[Value, str | None]],
    shared_string: Callable[[int], str | None],
) -> bool:
    """:func:`_verify` for an edit made in place: the new part parsed whole (lxml raises
    unless it is well-formed), as many cells as :func:`_cell_count` found before the edit,
    each target once in the part (its r="..." once in the bytes) and, in its row, holding
    what was written. Every row and cell gives its position: they did before the edit
    (:func:`_cell_count`), the bytes around the targets are as they were, and each
    target was written with its r first (:func:`~kohyo.xlsx.xmlbytes.cell_xml`)."""
    root = parse_xml(new_data)
    if root.tag != _M + "worksheet" or int(_COUNT_CELLS(root)) != n_cells:
        return False
    rows = [row_el for sd in root.iterfind(_M + "sheetData") for row_el in sd.iterfind(_M + "row")]
    for (r, c), (value, formula) in expected.items():
        ref = col_letter(c) + str(r)
        if new_data.count(b'r="' + ref.encode() + b'"') != 1:
            return False
        row_r = str(r)
        hit = [el for row_el in rows if row_el.get("r") == row_r
               for el in row_el.iterfind(_M + "c") if el.get("r") == ref]  # fmt: skip
        if len(hit) != 1 or not same_content(hit[0], value, formula, shared_string):
            return False
    return True


def _fast_edits(
    data: bytes, pfx: str, new_xml: dict[tuple[int, int], bytes]
) -> list[tuple[int, int, bytes]] | None:
    """Edits replacing each target's ``<c>`` found by its r attribute; None unless every
    target is found exactly once (then the full scan decides)."""
    edits = []
    close = re.compile(rb"</" + re.escape(pfx.encode()) + rb"c\s*>")
    for (r, c), xml in new_xml.items():
        ref = (col_letter(c) + str(r)).encode()
        pat = (
            rb"<" + re.escape(pfx.encode()) + rb"c(?=[\s/>])[^>]*?\sr\s*=\s*[\"']" + ref + rb"[\"']"
        )
        hits = [m.start() for m, _ in zip(re.finditer(pat, data), range(2), strict=False)]
        if len(hits) != 1:
            return None
        tag = next(iter_tags(data, hits[0]), None)
        if tag is None or tag.start != hits[0]:
            return None
        end_m = None if tag.empty else close.search(data, tag.end)
        if end_m is None and not tag.empty:
            return None
        edits.append((tag.start, tag.end if end_m is None else end_m.end(), xml))
    return edits


def _edits(
    data: bytes, pfx: str, layout: _Layout, new_xml: dict[tuple[int, int], bytes]
) -> list[tuple[int, int, bytes]]:
    edits: list[tuple[int, int, bytes]] = []
    rows = {row.num: row for row in layout.rows}
    inserts: dict[int, list[tuple[int, bytes]]] = {}
    for (r, c), xml in sorted(new_xml.items()):
        row = rows.get(r)
        span = next((s for s in row.cells if s[0] == c), None) if row else None
        if span is not None:
            edits.append((span[1], span[2], xml))
        else:
            inserts.setdefault(r, []).append((c, xml))
    close_row = f"</{pfx}row>".encode()
    new_rows: dict[int, list[bytes]] = {}
    sd = layout.sheet_data
    for r, items in inserts.items():
        row = rows.get(r)
        if row is None:
            pos = max((x.end for x in layout.rows if x.num < r), default=sd.end)
            body = b"".join(x for _c, x in items)
            new_rows.setdefault(pos, []).append(f'<{pfx}row r="{r}">'.encode() + body + close_row)
            continue
        tag_bytes = _widen_spans(
            data[row.tag.start : row.tag.end], row.tag.attrs().get(b"spans"), [c for c, _x in items]
        )
        if row.tag.empty:
            open_tag = tag_bytes[:-2].rstrip() + b">"
            body = b"".join(x for _c, x in items)
            edits.append((row.tag.start, row.tag.end, open_tag + body + close_row))
            continue
        if tag_bytes != data[row.tag.start : row.tag.end]:
            edits.append((row.tag.start, row.tag.end, tag_bytes))
        groups: dict[int, list[bytes]] = {}
        for c, xml in items:
            pos = max((e for col, _s, e in row.cells if col < c), default=row.tag.end)
            groups.setdefault(pos, []).append(xml)
        edits += [(pos, pos, b"".join(xs)) for pos, xs in groups.items()]
    if new_rows and sd.empty:
        body = b"".join(b"".join(v) for _p, v in sorted(new_rows.items()))
        sd_open = data[sd.start : sd.end][:-2].rstrip() + b">"
        edits.append((sd.start, sd.end, sd_open + body + f"</{pfx}sheetData>".encode()))
    else:
        edits += [(pos, pos, b"".join(v)) for pos, v in new_rows.items()]
    if layout.dimension is not None:
        edits += _dimension_edit(data, layout.dimension, list(new_xml))
    return edits


def _dimension_edit(data: bytes, tag: Tag, keys: list[tuple[int, int]]) -> list:
    ref = tag.attrs().get(b"ref", b"").decode()
    try:
        r1, c1, r2, c2 = parse_range(ref)
    except ValueError:
        return []
    rows, cols = [k[0] for k in keys], [k[1] for k in keys]
    box = (min(r1, *rows), min(c1, *cols), max(r2, *rows), max(c2, *cols))
    if box == (r1, c1, r2, c2):
        return []
    first, last = col_letter(box[1]) + str(box[0]), col_letter(box[3]) + str(box[2])
    new_ref = first if first == last else f"{first}:{last}"
    return [(tag.start, tag.end, set_attrs(data[tag.start : tag.end], {"ref": new_ref}))]


def _verify(
    new_data: bytes,
    sheet: str,
    n_cells: int,
    expected: dict[tuple[int, int], tuple[Value, str | None]],
    shared_string: Callable[[int], str | None],
    *,
    positions: set[tuple[int, int]] | None,
) -> None:
    """Re-parse the spliced part: cell count as planned, each target once and as intended.

    With *positions* (the sheet leaves some positions implied, so the edit went through the
    full scan), also: every cell's position, implied refs resolved, is one of *positions*
    and none is taken twice — no cell moved. Without, every row and cell carried an explicit
    r before the edit, and the edit wrote explicit ones: positions stand in the bytes left
    as they were."""
    root = parse_xml(new_data)
    refs = {
        col_letter(c) + str(r): (value, formula) for (r, c), (value, formula) in expected.items()
    }
    survey = _survey(root, refs)
    ok = survey.count == n_cells and (positions is not None or not survey.implied)
    for ref, (value, formula) in refs.items():
        hit = survey.hits.get(ref, [])
        ok = ok and len(hit) == 1 and same_content(hit[0], value, formula, shared_string)
    if ok and positions is not None:
        sheet_data = root.find(_M + "sheetData")
        found = [(r, c) for r, c, _row, _el in _cells(sheet_data)] if sheet_data is not None else []
        ok = len(found) == len(positions) and set(found) == positions
    if not ok:
        raise PatchRefused(
            t("patch.sheet_unverified", sheet=sheet),
            sheet,
        )
