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
from collections.abc import Collection
from pathlib import Path

from lxml import etree

from kohyo.errors import WorkbookError
from kohyo.messages import t
from kohyo.read.grid import SheetGrid, WorkbookGrid
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
from kohyo.read.sheetscan import check_well_formed, scan_sheet, scan_strings
from kohyo.read.treewalk import (
    ROW,
    SHEET_PARSER,
    SHEET_TAGS,
    SI,
    CellCache,
    SheetWalk,
    stream_parser,
    string_item,
)

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
    cache = CellCache(strings)
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
    parser = stream_parser(tag=SI)
    try:
        tree_root = None
        for chunk in iter_xml_chunks(zf, name, p):
            parser.feed(chunk)
            for _, si in parser.read_events():
                out.append(string_item(si))
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


_WHOLE = 2**20  # a part this small is parsed in one piece
_WHOLE_STRINGS = 2**25  # the shared strings are all kept anyway: read whole up to 32 MB


def _read_sheet(
    zf: zipfile.ZipFile,
    part: str,
    cache: CellCache,
    grid: SheetGrid,
    p: Path,
    budget: _CellBudget | None,
) -> bool:
    """Fill *grid* from *part*; False when the sheet was skipped before its end (too many
    cells). Without a *budget* the part is only checked, its cells not kept."""
    walk = SheetWalk(grid, cache)
    per_sheet = budget.per_sheet if budget is not None else 0
    try:
        if zf.getinfo(part).file_size <= _WHOLE:
            data = b"".join(iter_xml_chunks(zf, part, p))
            try:  # taken only once lxml has found the part well-formed (below)
                scan = scan_sheet(data, cache.scan, keep_cells=budget is not None)
            except ValueError:  # a bad address, or bytes that are no UTF-8 text:
                scan = None  # the tree walk words it, after lxml's word on the XML
            if scan is not None:  # the plain form: no tree, cells found in C
                if not check_well_formed(data):
                    raise doctype_refused(part, p)
                grid.cells, grid.merges, grid.hidden_rows = scan.cells, scan.merges, scan.hidden
                walk.seen = scan.seen
                root = None
            else:
                root = etree.fromstring(data, SHEET_PARSER)
                if budget is not None:
                    walk.walk(root.iter(SHEET_TAGS))
        else:
            parser = stream_parser(SHEET_TAGS if budget is not None else ROW)
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
