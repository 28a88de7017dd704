"""Read an xlsx package into plain cell grids (zip + lxml, streaming).

Why not openpyxl: it trusts a sheet's ``<dimension>``, does not tell a cached
formula value from a missing one in one pass, and is an order of magnitude
slower on masters with thousands of sheets. This reader keeps, for every
cell, the value Excel shows, whether it was typed as text, and its formula.
Phonetic guides (``<rPh>`` furigana) are never part of a cell's text.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Collection, Iterable
from functools import partial
from pathlib import Path

from lxml import etree

from kohyo.errors import WorkbookError
from kohyo.messages import t
from kohyo.read.grid import RawCell, SheetGrid, WorkbookGrid, parse_ref
from kohyo.read.package import (
    PackageLimits,
    check_package,
    doctype_refused,
    expect_root,
    iter_xml_chunks,
    open_package,
    prune_done,
    read_xml,
    reject_parsed_doctype,
)
from kohyo.read.sheetscan import ScanMemo, check_well_formed, scan_sheet, scan_strings

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = NS_REL + "/officeDocument"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_EXT_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
NS_CORE_PROPS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_WORKBOOK = f"{{{NS_MAIN}}}workbook"
_RELATIONSHIPS = f"{{{NS_PKG_REL}}}Relationships"

_C = f"{{{NS_MAIN}}}c"
_ROW = f"{{{NS_MAIN}}}row"
_MERGE = f"{{{NS_MAIN}}}mergeCell"
_V = f"{{{NS_MAIN}}}v"
_F = f"{{{NS_MAIN}}}f"
_IS = f"{{{NS_MAIN}}}is"
_T = f"{{{NS_MAIN}}}t"
_R = f"{{{NS_MAIN}}}r"
_SI = f"{{{NS_MAIN}}}si"
_TRUE = ("1", "true")  # an xsd:boolean attribute that is set


def read_workbook(
    path: str | Path,
    limits: PackageLimits,
    *,
    without_cells: Collection[str] = (),
    trusted: Collection[str] = (),
) -> WorkbookGrid:
    """Read every worksheet of *path* into a grid. Raises WorkbookError (exit 2).

    Sheets named in *without_cells* are checked like the others (present, well-formed
    XML) but their grids stay empty: the 総括表 kohyo writes itself has a row per 個表,
    and walking its cells was a third of re-reading a refreshed master.

    Parts named in *trusted* are neither read nor checked (their grids are marked
    ``trusted`` and stay empty): the caller has proven them byte for byte the same as parts
    it read and checked before (refresh's verifying re-read, :mod:`kohyo.edit.verify`).
    A sheet's cells mean what they meant only with the same shared strings: unless that
    part is trusted too, nothing is.

    The whole package is checked too (:func:`check_package`): what validate accepts,
    refresh can copy. Memory stays bounded: parts are streamed, and the cells kept are
    limited per sheet (a bigger sheet is skipped: it is no 個表) and per file (refused).
    """
    p = Path(path)
    try:
        with open_package(p, limits) as zf:
            return _read(zf, p, set(without_cells), limits, set(trusted))
    except MemoryError:
        raise WorkbookError(t("workbook.out_of_memory", path=p), path=str(p)) from None


def _read(
    zf: zipfile.ZipFile,
    p: Path,
    without_cells: set[str],
    limits: PackageLimits,
    trusted: set[str],
) -> WorkbookGrid:
    root_rels = _rels(zf, "_rels/.rels", p)
    wb_part = _workbook_part(root_rels, p)
    wb = read_xml(zf, wb_part, p)
    verified = {"_rels/.rels", wb_part, _rels_name(wb_part)}
    if wb.tag.startswith(f"{{{STRICT_MAIN}}}"):
        raise WorkbookError(
            t("workbook.strict", path=p),
            path=str(p),
        )
    expect_root(wb.tag, _WORKBOOK, wb_part, p)
    rels = _rels(zf, _rels_name(wb_part), p)
    sst = _shared_strings_part(rels)
    if sst is not None and sst in zf.NameToInfo and sst not in trusted:
        trusted = set()
    sheets: list[SheetGrid] = []
    to_read: list[SheetGrid] = []
    for el in wb.iter(f"{{{NS_MAIN}}}sheet"):
        name = el.get("name", "")
        rid = el.get(f"{{{NS_REL}}}id", "")
        state = el.get("state", "visible")
        target, rtype = rels.get(rid, (None, ""))
        if target is None or not rtype.endswith("/worksheet") or target not in zf.NameToInfo:
            sheets.append(SheetGrid(name=name, part=None, state=state))
            continue
        grid = SheetGrid(name=name, part=target, state=state)
        sheets.append(grid)
        if target in trusted:
            grid.trusted = True
        else:
            to_read.append(grid)
    strings: list[str] = []
    if sst not in trusted or any(g.name not in without_cells for g in to_read):
        strings = _shared_strings(zf, rels, p, limits, verified)  # the sheets read need them
    cache = _CellCache(strings)
    budget = _CellBudget(p, limits)
    for grid in to_read:
        assert grid.part is not None
        keep = budget if grid.name not in without_cells else None
        if _read_sheet(zf, grid.part, cache, grid, p, keep):
            verified.add(grid.part)
    if not sheets:
        raise WorkbookError(t("workbook.no_sheets", path=p), path=str(p))
    check_package(zf, p, verified | trusted, _expected_roots(zf, root_rels, rels))
    return WorkbookGrid(path=p, sheets=sheets)


# The root element of each part refresh edits besides the sheets, by relationship type.
_ROOT_BY_REL_TYPE = {
    "/styles": f"{{{NS_MAIN}}}styleSheet",
    "/extended-properties": f"{{{NS_EXT_PROPS}}}Properties",
    "/metadata/core-properties": f"{{{NS_CORE_PROPS}}}coreProperties",
}


def _expected_roots(zf: zipfile.ZipFile, *rels: dict[str, tuple[str, str]]) -> dict[str, str]:
    roots = {"[Content_Types].xml": f"{{{NS_CONTENT_TYPES}}}Types"}
    roots.update({n: _RELATIONSHIPS for n in zf.NameToInfo if n.lower().endswith(".rels")})
    for table in rels:
        for target, rtype in table.values():
            for suffix, root in _ROOT_BY_REL_TYPE.items():
                if rtype.endswith(suffix) and target in zf.NameToInfo:
                    roots[target] = root
    return roots


def _workbook_part(rels: dict[str, tuple[str, str]], p: Path) -> str:
    for target, rtype in rels.values():
        if rtype == OFFICE_DOC or rtype.endswith("/officeDocument"):
            return target
    raise WorkbookError(t("workbook.no_workbook_part", path=p))


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _rels(zf: zipfile.ZipFile, name: str, p: Path) -> dict[str, tuple[str, str]]:
    """rId -> (absolute part name, relationship type); external targets are skipped."""
    if name not in zf.NameToInfo:
        return {}
    root = read_xml(zf, name, p)
    expect_root(root.tag, _RELATIONSHIPS, name, p)
    base = posixpath.dirname(posixpath.dirname(name))  # folder of the source part
    out: dict[str, tuple[str, str]] = {}
    for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            full = target.lstrip("/")
        else:
            full = posixpath.normpath(posixpath.join(base, target))
        out[rel.get("Id", "")] = (full, rel.get("Type", ""))
    return out


def _shared_strings_part(rels: dict[str, tuple[str, str]]) -> str | None:
    return next((tg for tg, ty in rels.values() if ty.endswith("/sharedStrings")), None)


def _shared_strings(
    zf: zipfile.ZipFile,
    rels: dict[str, tuple[str, str]],
    p: Path,
    limits: PackageLimits,
    verified: set[str],
) -> list[str]:
    name = _shared_strings_part(rels)
    if name is None or name not in zf.NameToInfo:
        return []
    limit = limits.max_cells_per_file
    if zf.getinfo(name).file_size <= _WHOLE_STRINGS:
        data = b"".join(iter_xml_chunks(zf, name, p))
        try:
            doctype_free = check_well_formed(data)
        except etree.XMLSyntaxError as exc:
            raise WorkbookError(
                t("workbook.bad_part_xml", path=p, part=name, reason=exc), path=str(p)
            ) from None
        if not doctype_free:
            raise doctype_refused(name, p)
        found = scan_strings(data)
        if found is not None:
            if len(found) > limit:
                raise WorkbookError(
                    t("workbook.too_many_strings", path=p, limit=limit), path=str(p)
                )
            verified.add(name)
            return found
    out: list[str] = []
    parser = _stream_parser(tag=_SI)
    try:
        tree_root = None
        for chunk in iter_xml_chunks(zf, name, p):
            parser.feed(chunk)
            for _, si in parser.read_events():
                out.append(_string_item(si))
                if tree_root is None:
                    tree_root = si.getroottree().getroot()
            if tree_root is not None:
                prune_done(tree_root)
            if len(out) > limit:
                raise WorkbookError(
                    t("workbook.too_many_strings", path=p, limit=limit), path=str(p)
                )
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(
            t("workbook.bad_part_xml", path=p, part=name, reason=exc), path=str(p)
        ) from None
    reject_parsed_doctype(root, name, p)
    expect_root(root.tag, f"{{{NS_MAIN}}}sst", name, p)
    verified.add(name)
    return out


def _stream_parser(tag: str | tuple[str, ...]) -> etree.XMLPullParser:
    """End events for *tag*; entities off, comments and processing instructions dropped
    so that an element's children are only ever the SpreadsheetML ones."""
    return etree.XMLPullParser(
        events=("end",), tag=tag, resolve_entities=False, no_network=True, load_dtd=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )  # fmt: skip


def _string_item(si: etree._Element) -> str:
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


class _CellBudget:
    """The cells a workbook may keep: so many per sheet (else the sheet is skipped) and
    so many in all (else the file is refused)."""

    __slots__ = ("left", "p", "per_file", "per_sheet")

    def __init__(self, p: Path, limits: PackageLimits) -> None:
        self.p = p
        self.per_sheet = limits.max_cells_per_sheet
        self.per_file = limits.max_cells_per_file
        self.left = limits.max_cells_per_file

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise WorkbookError(
                t("workbook.too_many_cells", path=self.p, limit=self.per_file), path=str(self.p)
            )


# A sheet part of up to one chunk (every 個表: a few KB) is parsed whole and walked in C
# with ``iter``; a bigger one is streamed from the zip, a chunk at a time, the finished
# elements dropped (``prune_done``), so that memory follows the cells kept, not the size
# of the part. Both feed the same walk. Per cell, the Python work is done once per
# distinct shared string / number text / reference and then shared: thousands of 個表
# repeat the same labels, headers and addresses (profiled in benchmarks/RESULTS.md).
_SHEET_TAGS = (_ROW, _C, _MERGE)
_SHEET_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
    remove_comments=True, remove_pis=True,
)  # fmt: skip
_WHOLE = 2**20  # a part this small is parsed in one piece
_WHOLE_STRINGS = 2**25  # the shared strings are all kept anyway: read whole up to 32 MB


def _load(zf: zipfile.ZipFile, part: str, p: Path) -> tuple[bytes, bool]:
    """A small part's bytes and whether lxml found it free of a DOCTYPE (it raises
    XMLSyntaxError when it is not well-formed)."""
    data = b"".join(iter_xml_chunks(zf, part, p))
    return data, check_well_formed(data)


def _read_sheet(
    zf: zipfile.ZipFile,
    part: str,
    cache: _CellCache,
    grid: SheetGrid,
    p: Path,
    budget: _CellBudget | None,
) -> bool:
    """Fill *grid* from *part*; False when the sheet was skipped before its end (too many
    cells). Without a *budget* the part is only checked, its cells not kept."""
    walk = _SheetWalk(grid, cache)
    per_sheet = budget.per_sheet if budget is not None else 0
    try:
        if zf.getinfo(part).file_size <= _WHOLE:
            data, doctype_free = _load(zf, part, p)
            if not doctype_free:
                raise doctype_refused(part, p)
            scan = scan_sheet(data, cache.scan, keep_cells=budget is not None)
            if scan is not None:  # the plain form: no tree, cells found in C
                grid.cells, grid.merges, grid.hidden_rows = scan.cells, scan.merges, scan.hidden
                walk.seen = scan.seen
                root = None
            else:
                root = etree.fromstring(data, _SHEET_PARSER)
                if budget is not None:
                    walk.walk(root.iter(_SHEET_TAGS))
        else:
            parser = _stream_parser(_SHEET_TAGS if budget is not None else _ROW)
            tree_root = None
            for chunk in iter_xml_chunks(zf, part, p):
                parser.feed(chunk)
                elements = (el for _, el in parser.read_events())
                if budget is not None:
                    walk.walk(elements)
                else:
                    walk.last = None
                    for walk.last in elements:
                        pass
                if tree_root is None and walk.last is not None:
                    tree_root = walk.last.getroottree().getroot()
                if tree_root is not None:
                    prune_done(tree_root)
                if budget is not None and walk.seen > per_sheet:
                    break
            else:
                root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(
            t("workbook.bad_sheet_xml", path=p, sheet=grid.name, reason=exc), path=str(p)
        ) from None
    except ValueError as exc:
        raise WorkbookError(
            t("workbook.bad_ref", path=p, sheet=grid.name, reason=exc), path=str(p)
        ) from None
    if budget is not None and walk.seen > per_sheet:
        grid.cells.clear()
        grid.merges.clear()
        grid.hidden_rows.clear()
        grid.skipped = t("workbook.sheet_too_many_cells", limit=per_sheet)
        return False
    if root is not None:  # else sheetscan has seen the root: the main namespace's worksheet
        reject_parsed_doctype(root, part, p)
        expect_root(root.tag, f"{{{NS_MAIN}}}worksheet", part, p)
    if budget is not None:
        budget.spend(len(grid.cells))
    return True


class _SheetWalk:
    """Cells, rows and merges of one sheet, met in document order (``iter``) or as their
    elements end (streaming): a cell's row is its parent element either way."""

    __slots__ = ("cache", "col_no", "grid", "last", "row_el", "row_no", "seen")

    def __init__(self, grid: SheetGrid, cache: _CellCache) -> None:
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
            elif tag == _ROW:
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


class _CellCache:
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
        None if is_el is None else _string_item(is_el),
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
