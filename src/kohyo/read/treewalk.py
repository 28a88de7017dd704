"""The tree walk: a sheet part's cells read from lxml elements, and what a cell means.

:mod:`kohyo.read.workbook` walks a part this way when it is not in the plain form
:mod:`kohyo.read.sheetscan` reads, and always when it is streamed (bigger than 1 MB);
both readers end in :func:`raw_cell`, the one place a ``<c>``'s type, value and formula
become a :class:`~kohyo.read.grid.RawCell`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from lxml import etree

from kohyo.read.grid import RawCell, SheetGrid, parse_ref
from kohyo.read.sheetscan import ScanMemo

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_C = f"{{{NS_MAIN}}}c"
ROW = f"{{{NS_MAIN}}}row"
_MERGE = f"{{{NS_MAIN}}}mergeCell"
_V = f"{{{NS_MAIN}}}v"
_F = f"{{{NS_MAIN}}}f"
_IS = f"{{{NS_MAIN}}}is"
_T = f"{{{NS_MAIN}}}t"
_R = f"{{{NS_MAIN}}}r"
SI = f"{{{NS_MAIN}}}si"
_TRUE = ("1", "true")  # an xsd:boolean attribute that is set


# A sheet part of up to one chunk (every 個表: a few KB) not in the plain form is parsed
# whole and walked in C with ``iter``; a bigger one is streamed from the zip, a chunk at a time, the finished
# elements dropped (``prune_done``), so that memory follows the cells kept, not the size
# of the part. Both feed the same walk. Per cell, the Python work is done once per
# distinct shared string / number text / reference and then shared: thousands of 個表
# repeat the same labels, headers and addresses (profiled in benchmarks/RESULTS.md).
SHEET_TAGS = (ROW, _C, _MERGE)
SHEET_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
    remove_comments=True, remove_pis=True,
)  # fmt: skip


def stream_parser(tag: str | tuple[str, ...]) -> etree.XMLPullParser:
    """End events for *tag*; entities off, comments and processing instructions dropped
    so that an element's children are only ever the SpreadsheetML ones."""
    return etree.XMLPullParser(
        events=("end",), tag=tag, resolve_entities=False, no_network=True, load_dtd=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )  # fmt: skip


def string_item(si: etree._Element) -> str:
    """Text of an <si> or <is>: plain <t>, or the runs' <t>; phonetic <rPh> excluded."""
    parts: list[str] = []
    for child in si:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            t = child.find(_T)
            if t is not None:
                parts.append(t.text or "")
    return "".join(parts)


class SheetWalk:
    """Cells, rows and merges of one sheet, met in document order (``iter``) or as their
    elements end (streaming): a cell's row is its parent element either way."""

    __slots__ = ("cache", "col_no", "grid", "last", "row_el", "row_no", "seen")

    def __init__(self, grid: SheetGrid, cache: CellCache) -> None:
        self.grid = grid
        self.cache = cache
        self.row_no = 0
        self.col_no = 0
        self.row_el: etree._Element | None = None  # the <row> the last cell was in
        self.seen = 0  # <c> elements, stored or not: time follows them too
        self.last: etree._Element | None = None

    def walk(self, elements: Iterable[etree._Element]) -> None:
        row_no, col_no, row_el, seen = self.row_no, self.col_no, self.row_el, self.seen
        found, merges, cache = self.grid.cells, self.grid.merges, self.cache
        hidden = self.grid.hidden_rows
        el = None
        for el in elements:
            tag = el.tag
            if tag == _C:
                seen += 1
                parent = el.getparent()
                if parent is not row_el:
                    row_el = parent
                    r = parent.get("r") if parent is not None else None
                    row_no = int(r) if r else row_no + 1
                    col_no = 0
                    if parent is not None and parent.get("hidden") in _TRUE:
                        hidden.add(row_no)
                ref = el.get("r")
                if ref:
                    row_no, col_no = _ref(ref)
                else:
                    col_no += 1
                if len(el):
                    cell = cache.cell(el)
                elif el.get("t") == "inlineStr":
                    cell = _EMPTY_INLINE
                else:
                    continue  # a styled empty cell
                if cell is not None:
                    found[(row_no, col_no)] = cell
            elif tag == ROW:
                if el is not row_el:  # met before its cells, or a row without cells
                    row_el = el
                    r = el.get("r")
                    row_no = int(r) if r else row_no + 1
                    col_no = 0
                    if el.get("hidden") in _TRUE:
                        hidden.add(row_no)
            else:
                ref = el.get("ref", "")
                if ":" in ref:
                    a, b = ref.split(":", 1)
                    (r1, c1), (r2, c2) = _ref(a), _ref(b)
                    merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
        self.row_no, self.col_no, self.row_el, self.seen = row_no, col_no, row_el, seen
        self.last = el


_REFS: dict[str, tuple[int, int]] = {}


def _ref(ref: str) -> tuple[int, int]:
    """:func:`parse_ref`, remembered: the same few hundred addresses recur on every sheet."""
    try:
        return _REFS[ref]
    except KeyError:
        rc = parse_ref(ref)  # raises ValueError for a bad address: never remembered
        if len(_REFS) < 100_000:
            _REFS[ref] = rc
        return rc


_EMPTY_INLINE = RawCell("", is_text=True)


_MEMO_LIMIT = 100_000  # distinct values remembered: repeats are the common case, not all


class CellCache:
    """RawCells are immutable: one per shared string or number text of a workbook is enough."""

    __slots__ = ("numbers", "scan", "shared", "strings")

    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        self.scan = ScanMemo(partial(raw_cell, strings))
        self.shared: dict[str, RawCell] = {}
        self.numbers: dict[str, RawCell] = {}

    def cell(self, el: etree._Element) -> RawCell | None:
        t = el.get("t", "n")
        if t in ("s", "n") and len(el) == 1:  # the common case: one <v>, no formula
            v_el = el[0]
            if v_el.tag == _V and v_el.text is not None:
                v = v_el.text
                memo = self.shared if t == "s" else self.numbers
                cell = memo.get(v)
                if cell is None:
                    cell = _cell(el, self.strings)
                    if cell is not None and len(memo) < _MEMO_LIMIT:
                        memo[v] = cell
                return cell
        return _cell(el, self.strings)


def _cell(el: etree._Element, strings: list[str]) -> RawCell | None:
    f_el = v_el = is_el = None
    for child in el:  # the first <f>, <v> and <is>, as find() would give, in one pass
        tag = child.tag
        if tag == _V:
            v_el = v_el if v_el is not None else child
        elif tag == _F:
            f_el = f_el if f_el is not None else child
        elif tag == _IS:
            is_el = is_el if is_el is not None else child
    return raw_cell(
        strings,
        el.get("t", "n"),
        None if f_el is None else (f_el.text or ""),
        None if v_el is None else v_el.text,
        v_el is not None,
        None if is_el is None else string_item(is_el),
    )


def raw_cell(
    strings: list[str],
    t: str,
    formula: str | None,
    v: str | None,
    has_v: bool,
    inline: str | None,
) -> RawCell | None:
    """The cell of a ``<c t=…>`` whose first ``<f>``, ``<v>`` and ``<is>`` hold *formula*,
    *v* (*has_v*: the ``<v>`` is there, if empty) and *inline* (None: absent). Both readers
    of a sheet part (the tree walk here, :mod:`kohyo.read.sheetscan`) end here."""
    if t == "inlineStr":
        return RawCell(inline or "", is_text=True, formula=formula)
    if v is None:
        if formula is not None:
            if t == "str" and has_v:  # cached result: the empty string
                return RawCell("", is_text=True, formula=formula)
            return RawCell(None, formula=formula, has_value=False)
        return None  # a styled empty cell
    if t == "s":
        try:
            return RawCell(strings[int(v)], is_text=True, formula=formula)
        except (ValueError, IndexError):
            return RawCell(None, is_error=True, formula=formula)
    if t == "str":
        return RawCell(v, is_text=True, formula=formula)
    if t == "b":
        return RawCell(v.strip() == "1", formula=formula)
    if t == "e":
        return RawCell(v, is_error=True, formula=formula)
    if t == "d":
        return RawCell(v, formula=formula)
    return RawCell(_number(v), formula=formula)


def _number(text: str) -> int | float | None:
    s = text.strip()
    try:
        if s.lstrip("-").isdigit():
            try:
                return int(s)
            except ValueError:  # more digits than int() converts: as a float, infinite
                return float(s)
        f = float(s)
    except ValueError:
        return None
    return int(f) if f.is_integer() and abs(f) < 2**53 else f
