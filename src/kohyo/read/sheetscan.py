"""The cells of a plain sheet part, found by regular expressions once lxml has proven it
well-formed.

Nearly every sheet part comes in one plain form, the one Excel, LibreOffice, XlsxWriter
and openpyxl write: UTF-8, the main namespace as the only default namespace, no comments,
CDATA or processing instructions, every ``<row>`` and ``<c>`` with its ``r`` first,
attributes in double quotes, a cell's children ``<f>`` then ``<v>`` (or a plain ``<is>``)
with nothing between them. For such a part the tree is not built: lxml parses it with a
target that keeps nothing (well-formedness, entities and the DOCTYPE are lxml's
business exactly as before), and regular expressions — C, not Python — tile the
``<sheetData>`` with the tokens of that form and pick out the cells that hold something.
The Python work left is per cell with content, and that is mostly two dictionary
look-ups: thousands of 個表 repeat the same addresses, labels and numbers.

A part in any other form, or any token the expressions do not know, makes
:func:`scan_sheet` return None and the tree walk (:mod:`kohyo.read.treewalk`) reads it:
the scan is a shortcut, never a second opinion. ``tests/test_sheetscan.py`` proves both
give the same grid for every workbook in the tests and for generated parts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import repeat
from operator import is_
from typing import Any

from lxml import etree

from kohyo.read.grid import RawCell, parse_ref

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# Attributes in double quotes whose values need no normalising: no entity, tab or line
# break (lxml would replace or expand those), and never a '<' (not well-formed anyway).
_ATTRS = rb'(?:[ \t\r\n]+[A-Za-z_][\w.:-]*="[^"<>&\t\r\n]*")*'
_REF = rb"[A-Z]{1,3}[0-9]{1,7}"
_TEXT = rb"[^<]*"  # character data; '&' is resolved below, '\r' excluded part-wide
_INNER = (
    rb"(?:<f" + _ATTRS + rb"[ \t\r\n]*(?:/>|>" + _TEXT + rb"</f>))?"
    rb"(?:<v[ \t\r\n]*/>|<v>" + _TEXT + rb"</v>)?"
    rb'(?:<is><t(?: xml:space="preserve")?>' + _TEXT + rb"</t></is>)?"
)
_S = rb"[ \t\r\n]*"

_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:<\?xml[^?<>]*\?>)?" + _S + rb"<(\w+)(" + _ATTRS + rb")" + _S + rb">"
)
# A cell with content: its address, and the rest (attributes and children) as one key.
_FILLED = re.compile(rb'<c r="(' + _REF + rb')"(' + _ATTRS + _S + rb">" + _INNER + rb")</c>")
_PARTS = re.compile(
    rb"(" + _ATTRS + rb")" + _S + rb">"
    rb"(?:<f" + _ATTRS + _S + rb"(?:/>|>(" + _TEXT + rb")</f>))?"
    rb"(?:(<v" + _S + rb"/>)|<v>(" + _TEXT + rb")</v>)?"
    rb'(?:<is><t(?: xml:space="preserve")?>(' + _TEXT + rb")</t></is>)?\Z"
)
_EMPTY_INLINE = re.compile(rb'<c [^>]*t="inlineStr"[^>]*/>')
_ROW = re.compile(rb'<row r="([0-9]{1,7})"(' + _ATTRS + rb")" + _S + rb"/?>")
_HIDDEN = re.compile(rb'[ \t\r\n]hidden="([^"]*)"')
_TYPE = re.compile(rb'[ \t\r\n]t="([^"]*)"')
_MERGE = re.compile(rb'<mergeCell ref="(' + _REF + rb"(?::" + _REF + rb')?)"' + _S + rb"/>")
_ANY_C = re.compile(rb"<c[ \t\r\n/>]")
_ANY_ROW = re.compile(rb"<row[ \t\r\n/>]")
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}

_TRUE = (b"1", b"true")


class _Watch:
    """A parser target that builds nothing; lxml calls only the methods a target has."""

    def __init__(self) -> None:
        self.doctype_seen = False

    def doctype(self, *args: object) -> None:
        self.doctype_seen = True

    def close(self) -> None:
        return None


def check_well_formed(data: bytes) -> bool:
    """Parse *data* with lxml, building nothing: raises ``etree.XMLSyntaxError`` as the
    tree parser would; False when it holds a DOCTYPE (the caller refuses the part)."""
    watch = _Watch()
    parser = etree.XMLParser(
        target=watch, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    etree.fromstring(data, parser)
    return not watch.doctype_seen


def is_plain(data: bytes, root: bytes = b"worksheet") -> bool:
    """Is *data* in the plain form, its root element the main namespace's *root* (checked
    here), the main namespace the only default namespace and bound to no prefix?"""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"<\0", b"\0<")):
        return False  # UTF-16
    if b"\r" in data or b"<!" in data:
        return False  # line ends to normalise, comments, CDATA, a DOCTYPE
    m = _PROLOG.match(data)
    return (
        m is not None
        and m.group(1) == root
        and b'xmlns="' + _MAIN + b'"' in m.group(2)
        and data.count(b'xmlns="') == 1  # no other default namespace anywhere
        and data.count(_MAIN) == 1  # nor a prefix for the main one
        and data.find(b"<?", m.end()) < 0  # nor a processing instruction
    )


class Scan:
    """What :func:`scan_sheet` found: the grid's parts and the number of ``<c>`` elements."""

    __slots__ = ("cells", "hidden", "merges", "seen")

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], RawCell] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.hidden: set[int] = set()
        self.seen = 0


MakeCell = Callable[[str, str | None, str | None, bool, str | None], RawCell | None]


class ScanMemo:
    """What a workbook's cells have in common: the cell for a cell's attributes and
    children (its style, type and content), the row and column for an address."""

    __slots__ = ("areas", "cells", "kinds", "make", "refs", "values")

    def __init__(self, make: MakeCell) -> None:
        self.make = make
        self.cells: dict[bytes, RawCell | None] = {}
        self.refs: dict[bytes, tuple[int, int]] = {}
        self.areas: dict[bytes, tuple[int, int, int, int]] = {}
        self.kinds: dict[bytes, str] = {}
        self.values: dict[tuple[str, bytes], Any] = {}

    def ref(self, ref: bytes) -> tuple[int, int]:
        rc = self.refs.get(ref)
        if rc is None:
            rc = parse_ref(ref.decode("ascii"))  # raises ValueError: never remembered
            if len(self.refs) < _MEMO_LIMIT:
                self.refs[ref] = rc
        return rc

    def area(self, ref: bytes) -> tuple[int, int, int, int]:
        """A merge's ``ref``; :data:`_NO_AREA` for a single cell (the tree walk skips it)."""
        area = _NO_AREA
        if b":" in ref:
            a, b = ref.split(b":", 1)
            (r1, c1), (r2, c2) = self.ref(a), self.ref(b)
            area = (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
        if len(self.areas) < _MEMO_LIMIT:
            self.areas[ref] = area
        return area

    def cell(self, key: bytes) -> RawCell | None:
        if key in self.cells:
            return self.cells[key]
        i = key.find(b"><v>")
        if i >= 0 and b"<" not in key[:i] and key.find(b"<", i + 4) == len(key) - 4:
            # the common form, one <v> and nothing else: the same value under another
            # style is the same cell
            kind = self.kind(key[:i])
            vkey = (kind, key[i + 4 : -4])
            cell = self.values.get(vkey, _NO_CELL)
            if cell is _NO_CELL:
                cell = self.make(kind, None, _text(vkey[1]) or None, True, None)
                if len(self.values) < _MEMO_LIMIT:
                    self.values[vkey] = cell
        else:
            m = _PARTS.match(key)
            assert m is not None  # _FILLED matched the same expression
            attrs, f, v_empty, v, inline = m.groups()
            if f is None and b"<f" in key:
                f = b""  # <f/>: a shared-formula follower
            cell = self.make(
                self.kind(attrs),
                _text(f),
                _text(v) or None,  # <v></v> has no text, as lxml says
                v is not None or v_empty is not None,
                None if inline is None else _text(inline),
            )
        if len(self.cells) < _MEMO_LIMIT:
            self.cells[key] = cell
        return cell

    def kind(self, attrs: bytes) -> str:
        """The ``t`` of a cell's attributes (``n`` when absent)."""
        kind = self.kinds.get(attrs)
        if kind is None:
            t = _TYPE.search(attrs)
            kind = "n" if t is None else t.group(1).decode("utf-8")
            if len(self.kinds) < _MEMO_LIMIT:
                self.kinds[attrs] = kind
        return kind


_MEMO_LIMIT = 100_000  # distinct values remembered: repeats are the common case, not all
_NO_CELL = object()
_NO_AREA = (0, 0, 0, 0)


def scan_sheet(data: bytes, memo: ScanMemo, keep_cells: bool) -> Scan | None:
    """The cells, merges and hidden rows of *data*; None when it is not in the plain form
    (the tree walk reads it). What it finds means something only once lxml has found the
    part well-formed (:func:`check_well_formed`): the reader asks that second, so that a
    part in another form is parsed once, by the tree walk. Raises ValueError for an address
    :func:`parse_ref` refuses or text that is not UTF-8."""
    if not is_plain(data):
        return None
    if not keep_cells:
        return Scan()  # well-formed (the caller parsed it) and a worksheet: all it needs
    start = data.find(b"<sheetData>")
    if start < 0:
        if b"<sheetData" in data and b"<sheetData/>" not in data:
            return None
        body, rest = b"", data
    else:
        end = data.find(b"</sheetData>", start)
        if end < 0:
            return None
        body = data[start + len(b"<sheetData>") : end]
        rest = data[:start] + data[end:]
    seen = body.count(b'<c r="')
    filled = _FILLED.findall(body)
    if (
        body.count(b"<c") != seen  # a cell without its address first
        or len(filled) != body.count(b"</c>")  # a cell with content of another form
        or _ANY_C.search(rest)
        or _ANY_ROW.search(rest)  # a cell or row outside the sheetData
        or (b"inlineStr" in body and _EMPTY_INLINE.search(body))
    ):
        return None
    merges = _MERGE.findall(rest)
    if len(merges) != data.count(b"<mergeCell") - data.count(b"<mergeCells"):
        return None
    scan = Scan()
    scan.seen = seen
    if b"hidden" in body:
        rows = _ROW.findall(body)
        if len(rows) != body.count(b"<row"):
            return None
        for r, attrs in rows:
            h = _HIDDEN.search(attrs)
            if h is not None and h.group(1) in _TRUE:
                scan.hidden.add(int(r))
    if merges:
        areas: list[Any] = list(map(memo.areas.get, merges))
        if None in areas:
            areas = [
                a if a is not None else memo.area(m) for a, m in zip(areas, merges, strict=True)
            ]
        scan.merges = [a for a in areas if a is not _NO_AREA]
    if not filled:
        return scan
    # Most addresses and contents were met on an earlier sheet: look them all up in C,
    # then make what was missing.
    refs, keys = zip(*filled, strict=True)
    rcs: list[Any] = list(map(memo.refs.get, refs))
    found: list[Any] = list(map(memo.cells.get, keys, repeat(_NO_CELL)))
    if None in rcs:
        rcs = [rc if rc is not None else memo.ref(ref) for rc, ref in zip(rcs, refs, strict=True)]
    if any(map(is_, found, repeat(_NO_CELL))):  # by identity: not RawCell.__eq__
        found = [c if c is not _NO_CELL else memo.cell(k) for c, k in zip(found, keys, strict=True)]
    if any(map(is_, found, repeat(None))):
        scan.cells = {rc: c for rc, c in zip(rcs, found, strict=True) if c is not None}
    else:
        scan.cells = dict(zip(rcs, found, strict=True))
    return scan


_T = rb'<t(?: xml:space="preserve")?>(' + _TEXT + rb")</t>"
_T_ANY = rb'<t(?: xml:space="preserve")?>' + _TEXT + rb"</t>"
_RUN = rb"<r>(?:<rPr>(?:<\w+" + _ATTRS + _S + rb"/>)*</rPr>)?" + _T_ANY + rb"</r>"
_STRING_ITEM = re.compile(
    rb"<si>(?:" + _T + rb"|((?:" + _RUN + rb")+))"
    rb"(?:<rPh" + _ATTRS + _S + rb">" + _T_ANY + rb"</rPh>)*"  # furigana: never in the text
    rb"(?:<phoneticPr" + _ATTRS + _S + rb"/>)?</si>"
)
_RUN_TEXT = re.compile(_T)


def scan_strings(data: bytes) -> list[str] | None:
    """The texts of a shared-strings part lxml has parsed without error, as
    :func:`kohyo.read.treewalk.string_item` gives them (plain text, rich-text runs,
    furigana left out); None when it is not in the plain form."""
    if not is_plain(data, b"sst"):
        return None
    items = _STRING_ITEM.findall(data)
    if len(items) != data.count(b"<si"):
        return None
    out: list[str] = []
    for plain, runs in items:
        if runs:
            plain = b"".join(_RUN_TEXT.findall(runs))
        out.append(_text(plain) or "")
    return out


def _text(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    text = raw.decode("utf-8")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    return text


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    return _NAMED[name]
