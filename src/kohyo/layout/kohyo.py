"""Write one 個表 with XlsxWriter: the canonical grid (:mod:`kohyo.layout.grid`) on a worksheet.

The grid decides where everything goes and how tall each row is; this module only maps
its style roles to XlsxWriter formats from a :class:`SheetLook`
(``templates/kohyo_sheet.toml``) and writes the cells.

Every text that comes from data is written with ``write_string`` — never as a
formula, whatever it starts with — after :func:`clean_text` has removed what XML
cannot hold. Pass a list as ``stripped=`` to learn which cells lost characters.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from kohyo.config import Config
from kohyo.layout.grid import NUMBER_FORMAT, kohyo_grid, project_content
from kohyo.layout.look import BORDER_STYLES, PAPER_SIZES, LookError, PrintLook, SheetLook, load_look
from kohyo.layout.pagetext import sheet_page_text
from kohyo.layout.text import clean_text
from kohyo.model.project import Project

__all__ = [
    "LookError",
    "SheetLook",
    "StrippedText",
    "load_look",
    "set_print_look",
    "write_kohyo_sheet",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StrippedText:
    """Characters removed from one cell's text (illegal in XML, or over Excel's limit)."""

    sheet: str
    cell: str
    removed: str


def _formats(wb: xlsxwriter.Workbook, look: SheetLook) -> dict[str, object]:
    base: dict[str, object] = {
        "font_name": look.font_name,
        "font_size": look.font_size,
        "valign": "vcenter",
        "text_wrap": True,
        "border": BORDER_STYLES[look.border],
        "border_color": look.border_color,
    }
    styles: dict[str, dict[str, object]] = {
        "label": {"align": "center", "pattern": 1, "bg_color": look.label_fill,
                  "bold": look.label_bold},
        "header": {"align": "center", "pattern": 1, "bg_color": look.header_fill},
        "text": {"align": "left"},
        "center": {"align": "center"},
        "amount": {"align": "right", "num_format": NUMBER_FORMAT},
        "blank": {},
    }  # fmt: skip
    fmts: dict[str, object] = {k: wb.add_format({**base, **v}) for k, v in styles.items()}
    fmts["note"] = wb.add_format({
        "font_name": look.font_name, "font_size": look.note_font_size,
        "valign": "top", "align": "left", "text_wrap": True,
    })  # fmt: skip
    return fmts


def write_kohyo_sheet(
    wb: xlsxwriter.Workbook,
    sheet_name: str,
    project: Project,
    config: Config,
    look: SheetLook,
    *,
    stripped: list[StrippedText] | None = None,
) -> None:
    """Add a worksheet *sheet_name* to *wb* holding *project* in the canonical grid."""
    grid = kohyo_grid(project_content(project, config), look)
    ws = wb.add_worksheet(sheet_name)
    fmt = _formats(wb, look)
    for c, w in enumerate(grid.widths):
        ws.set_column(c, c, w)
    for cell in grid.cells:
        f = fmt[cell.style]
        if cell.merged:
            ws.merge_range(cell.row, cell.col, cell.last_row, cell.last_col, "", f)
        value: Any = cell.value
        if value is None:
            ws.write_blank(cell.row, cell.col, None, f)
        elif isinstance(value, str):
            ws.write_string(cell.row, cell.col, _clean(value, sheet_name, cell.row, cell.col,
                                                       stripped), f)  # fmt: skip
        else:
            ws.write_number(cell.row, cell.col, value, f)
    for r, height in enumerate(grid.heights):
        ws.set_row(r, height)
    _page_setup(ws, project, config, look, sheet_name)


def _clean(value: str, sheet: str, r: int, c: int, stripped: list[StrippedText] | None) -> str:
    text, removed = clean_text(value)
    if removed:
        cell = xl_rowcol_to_cell(r, c)
        log.warning("シート「%s」の %s から使えない文字を取り除きました: %r", sheet, cell, removed)
        if stripped is not None:
            stripped.append(StrippedText(sheet, cell, removed))
    return text


def _page_setup(
    ws: Worksheet, project: Project, config: Config, look: SheetLook, sheet_name: str
) -> None:
    set_print_look(ws, look)
    cm = 1 / 2.54
    header = sheet_page_text(look.header, project, config, sheet_name)
    footer = sheet_page_text(look.footer, project, config, sheet_name)
    if header:
        ws.set_header(header, {"margin": look.margin_header * cm})
    if footer:
        ws.set_footer(footer, {"margin": look.margin_footer * cm})


def set_print_look(ws: Worksheet, look: PrintLook) -> None:
    """Gridlines, paper, orientation, fit to width, centring and margins (cm) from *look*."""
    if not look.gridlines:
        ws.hide_gridlines(2)
    ws.set_paper(PAPER_SIZES[look.paper])
    if look.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if look.fit_to_width:
        ws.fit_to_pages(1, 0)
    if look.center_horizontally:
        ws.center_horizontally()
    cm = 1 / 2.54
    ws.set_margins(
        left=look.margin_left * cm,
        right=look.margin_right * cm,
        top=look.margin_top * cm,
        bottom=look.margin_bottom * cm,
    )
