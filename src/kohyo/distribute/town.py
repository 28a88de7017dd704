"""One municipality's workbook: the cover (一覧), then one canonical 個表 per project.

Built fresh with XlsxWriter from parsed projects — never by copying the master —
so nothing of a sheet, name, comment or property the town is not meant to see
can come along. Text from data always goes through ``write_string``; the
workbook options keep XlsxWriter from turning strings into formulas, numbers
or links. Document properties are fixed (created = the distribution date at
00:00, author ``kohyo``), so the same input gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
import xlsxwriter.exceptions
from xlsxwriter.utility import quote_sheetname, xl_range_abs

from kohyo import __version__
from kohyo.config import Config
from kohyo.distribute.sheets import SharedSheet, pin_kohyo_formats
from kohyo.errors import WriteError
from kohyo.layout.cover import (
    CoverLook,
    cover_for,
    date_fields,
    load_cover_look,
    set_page_texts,
    write_cover,
)
from kohyo.layout.kohyo import SheetLook, StrippedText, load_look, write_kohyo_sheet
from kohyo.messages import t
from kohyo.model.derive import derive_total
from kohyo.model.project import DASH, CellKind, CostCell, Project
from kohyo.templates_lookup import template_path
from kohyo.xlsx import opc
from kohyo.xlsx.zipcopy import ZipSource, append_members, write_zip

WORKBOOK_OPTIONS = {
    # data is never turned into formulas, numbers or links behind our back
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    # parts are assembled in memory: no temp file per sheet (slow under Windows antivirus), and
    # fixed zip entry attributes that do not depend on the umask or the time zone
    "in_memory": True,
}


@dataclass(frozen=True)
class Looks:
    """The two look files a distributed workbook follows."""

    sheet: SheetLook  # templates/kohyo_sheet.toml
    cover: CoverLook  # templates/cover_sheet.toml


def load_looks(config: Config) -> Looks:
    return Looks(
        load_look(template_path(config, "kohyo_sheet.toml")),
        load_cover_look(template_path(config, "cover_sheet.toml")),
    )


def write_town_workbook(
    path: Path,
    town: str,
    projects: list[Project],
    config: Config,
    looks: Looks,
    issued: date,
    stripped: list[StrippedText] | None = None,
    *,
    marks: Callable[[str], list[tuple[str, str]]] | None = None,
    shared: dict[str, SharedSheet] | None = None,
) -> tuple[str, ...]:
    """Write *town*'s workbook with *projects* to *path*; return its sheet names in order.

    *marks(cover_sheet_name)* gives the custom document properties collect reads back
    (:mod:`kohyo.collect.marks`). With *shared* (:func:`render_shared_sheets` of the
    projects), the 個表 sheets are placed from there instead of being rendered again: the
    same workbook, cell for cell and style for style."""
    if shared is not None:
        return _assemble(path, town, projects, config, looks, issued, stripped, marks, shared)
    wb, cover_name = _start(str(path), town, projects, config, looks, issued, marks)
    try:
        cover = cover_for(town, projects, config, issued)
        write_cover(wb, cover, looks.cover, sheet_name=cover_name, stripped=stripped)
        for p in projects:
            write_kohyo_sheet(wb, p.sheet, with_derived_total(p), config, looks.sheet,
                              stripped=stripped)  # fmt: skip
            ws = wb.get_worksheet_by_name(p.sheet)
            ws.print_area(0, 0, ws.dim_rowmax, ws.dim_colmax)
            set_page_texts(
                ws, looks.cover.sheet_header, looks.cover.sheet_footer,
                (looks.sheet.margin_header, looks.sheet.margin_footer),
                area=config.area.name, town=town, sheet=p.sheet, name=p.name.text,
                number="" if p.number is None else str(p.number), **date_fields(issued),
            )  # fmt: skip
        wb.close()
    except (xlsxwriter.exceptions.XlsxWriterException, OSError) as exc:
        raise _failed(town, path, exc) from exc
    return (cover_name, *(p.sheet for p in projects))


def _start(
    target: str | io.BytesIO,
    town: str,
    projects: list[Project],
    config: Config,
    looks: Looks,
    issued: date,
    marks: Callable[[str], list[tuple[str, str]]] | None,
) -> tuple[xlsxwriter.Workbook, str]:
    """*town*'s workbook begun: its properties and collect's marks set, its cover named."""
    wb = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    _set_properties(wb, config, town, issued)
    cover_name = _cover_name(looks.cover.sheet_name, {p.sheet.casefold() for p in projects})
    for name, value in marks(cover_name) if marks else ():
        wb.set_custom_property(name, value)
    return wb, cover_name


def _failed(town: str, path: Path, exc: Exception) -> WriteError:
    return WriteError(
        t("distribute.town.failed", town=town, reason=f"{type(exc).__name__}: {exc}"),
        path=str(path),
    )


def _assemble(
    path: Path,
    town: str,
    projects: list[Project],
    config: Config,
    looks: Looks,
    issued: date,
    stripped: list[StrippedText] | None,
    marks: Callable[[str], list[tuple[str, str]]] | None,
    shared: dict[str, SharedSheet],
) -> tuple[str, ...]:
    """*town*'s workbook with its cover rendered here and its 個表 sheets from *shared*.

    XlsxWriter writes the workbook with its cover alone (styles, properties, theme are its
    own); the 個表 sheets are then added to that package: their parts, and their entries in
    workbook.xml (with their print areas), its relationships, the content types and app.xml."""
    buf = io.BytesIO()
    wb, cover_name = _start(buf, town, projects, config, looks, issued, marks)
    pin_kohyo_formats(wb, looks.sheet)  # the style indexes the shared sheets use
    try:
        cover = cover_for(town, projects, config, issued)
        write_cover(wb, cover, looks.cover, sheet_name=cover_name, stripped=stripped)
        wb.close()
    except (xlsxwriter.exceptions.XlsxWriterException, OSError) as exc:
        raise _failed(town, path, exc) from exc
    margins = (looks.sheet.margin_header, looks.sheet.margin_footer)
    members = shared_members(projects, shared)
    parts = [(name, s.member(town, config, looks.cover, margins, issued))
             for name, s in members.items()]  # fmt: skip
    if stripped is not None:
        stripped.extend(x for s in members.values() for x in s.stripped)
    package = _with_sheets(ZipSource(buf.getvalue()), list(members.items()), cover_name,
                           wb.named_ranges)  # fmt: skip
    try:
        path.write_bytes(append_members(package, parts, like="xl/worksheets/sheet1.xml"))
    except OSError as exc:
        raise _failed(town, path, exc) from exc
    return (cover_name, *(p.sheet for p in projects))


_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _with_sheets(
    source: ZipSource, members: list[tuple[str, SharedSheet]], cover_name: str, named: list[str]
) -> bytes:
    """The cover-only package *source* with the sheets *members* entered where Excel looks
    for them (their parts themselves are added after): sheet entries and print areas in
    workbook.xml, relationships, content types, and app.xml's titles (*named*: the cover's
    named ranges as XlsxWriter listed them)."""
    wb_part, rels_part = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
    rels = opc.read_rels(source.read(rels_part), wb_part)
    first = len(rels) + 1
    while any(f"rId{first + i}" in rels for i in range(len(members))):
        first += 1
    sheets, names, links, types, titles, ranges = [], [], [], [], [], []
    for i, (part, s) in enumerate(members, 1):
        sheet, rid = s.sheet, f"rId{first + i - 1}"
        sheets.append((sheet, i + 1, rid))  # the cover is sheetId 1, local index 0
        area = f"{quote_sheetname(sheet)}!{xl_range_abs(0, 0, s.last_row, s.last_col)}"
        names.append(("_xlnm.Print_Area", i, area))
        links.append((rid, _WORKSHEET_REL, part.removeprefix("xl/")))  # beside workbook.xml
        types.append((part, _WORKSHEET_TYPE))
        titles.append(sheet)
        ranges.append(f"{quote_sheetname(sheet)}!Print_Area")
    cover = source.read(wb_part)
    changed: dict[str, bytes | None] = {
        wb_part: opc.append_sheets(cover, sheets, names),
        rels_part: opc.add_relationships(source.read(rels_part), links),
        "[Content_Types].xml": opc.add_overrides(source.read("[Content_Types].xml"), types),
    }
    app = opc.app_add_titles(source.read("docProps/app.xml"), [
        ("Worksheets", [cover_name], titles), ("Named Ranges", named, ranges),
    ])  # fmt: skip
    if app is None:  # a bug, not data: XlsxWriter wrote the cover's app.xml
        raise AssertionError("docProps/app.xml of the cover-only workbook not as expected")
    changed["docProps/app.xml"] = app
    return write_zip(source, changed)


def shared_members(
    projects: list[Project], shared: dict[str, SharedSheet]
) -> dict[str, SharedSheet]:
    """The members of a town's package that hold *projects*' shared sheets (after the cover)."""
    return {f"xl/worksheets/sheet{i}.xml": shared[p.sheet] for i, p in enumerate(projects, 2)}


def _set_properties(wb: xlsxwriter.Workbook, config: Config, town: str, issued: date) -> None:
    wb.set_properties({
        "title": f"{config.area.name} 個表（{town}）",
        "subject": "具体的取組の個表（配布用）",
        "author": "kohyo",
        "comments": f"kohyo {__version__} distribute で作成",
        "created": datetime(issued.year, issued.month, issued.day),
    })  # fmt: skip


def with_derived_total(p: Project) -> Project:
    """*p* with 計 as kohyo derives it, so each sheet agrees with the cover (contract §4)."""
    total = derive_total(p.costs)
    kind = CellKind.DASH if total == DASH else CellKind.NUMBER
    cell = p.costs.total.cell if p.costs.total else None
    costs = dataclasses.replace(p.costs, total=CostCell(total, kind, cell))
    return dataclasses.replace(p, costs=costs)


def _cover_name(wanted: str, taken: set[str]) -> str:
    """*wanted*, or ``wanted(2)`` … when a project sheet already has that name."""
    name, n = wanted, 2
    while name.casefold() in taken:
        name = f"{wanted[: 31 - len(str(n)) - 2]}({n})"
        n += 1
    return name
