"""The booklet workbook: 表紙, 目次, then every 個表 one below the other on one sheet.

The 個表 are the towns' 個表: the one grid (:mod:`kohyo.layout.grid`) written by the one
XlsxWriter renderer (:func:`kohyo.layout.kohyo.place_kohyo`) in the 個表 look's ink and
fonts, with 計 as kohyo derives it. They are stacked on the 個表 sheet with a manual page
break before each page's first 個表 (:mod:`kohyo.book.pages` decides where), printed at
the fixed scale that fits the grid's width, so a page holds what the plan says. Each sheet
numbers its pages from where it stands in the printed 資料 (``[book]`` first_page and
front_pages). Text from data is only ever written with ``write_string``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
import xlsxwriter.exceptions
from xlsxwriter.worksheet import Worksheet

from kohyo import __version__
from kohyo.book.look import BookLook
from kohyo.book.pages import PageFrame, Placed, contents_pages, paginate
from kohyo.config import Config
from kohyo.distribute.town import WORKBOOK_OPTIONS, with_derived_total
from kohyo.errors import KohyoError, WriteError
from kohyo.layout.cover import date_fields
from kohyo.layout.grid import Grid, kohyo_grid, project_content
from kohyo.layout.kohyo import StrippedText, kohyo_formats, place_kohyo, set_print_look
from kohyo.layout.look import BORDER_STYLES, SheetLook
from kohyo.layout.pagetext import set_page_texts
from kohyo.layout.text import clean_text, column_pixels, text_row_height
from kohyo.messages import t
from kohyo.model.project import Project

MAX_PAGE_BREAKS = 1023  # Excel's limit per worksheet
TITLE_ROW = 36.0  # points: the 目次's title row
CONTENTS_HEAD_ROWS = 2  # the title row and the heading row (the blank one between is fixed)


@dataclass(frozen=True)
class BookPlan:
    """Where everything of the booklet goes, before a cell is written."""

    projects: list[Project]  # with 計 derived
    grids: list[Grid[Any]]
    placed: list[Placed]
    frame: PageFrame
    start_page: int  # printed number of the booklet's first page
    cover_pages: int  # 0 or 1
    contents_pages: int  # 0 when there is no 目次
    contents_heights: tuple[float, ...]  # the 目次's rows: title, blank, heading, one per project

    @property
    def kohyo_start(self) -> int:
        """Printed number of the first 個表 page."""
        return self.start_page + self.cover_pages + self.contents_pages

    @property
    def kohyo_pages(self) -> int:
        return self.placed[-1].page + 1 if self.placed else 0

    @property
    def total_pages(self) -> int:
        return self.cover_pages + self.contents_pages + self.kohyo_pages

    def computed_pages(self) -> list[int]:
        """The printed page of each 個表, as planned."""
        return [self.kohyo_start + p.page for p in self.placed]


def contents_widths(look: BookLook) -> tuple[float, float, float]:
    return (look.number_width, look.name_width, look.page_width)


def plan_book(
    projects: list[Project],
    config: Config,
    sheet: SheetLook,
    look: BookLook,
    *,
    contents_pages_override: int | None = None,
) -> BookPlan:
    """Lay out *projects* (booklet order); *contents_pages_override* is the 目次's page count
    when a rendered PDF has shown it (else it is estimated)."""
    projects = [with_derived_total(p) for p in projects]
    grids = [kohyo_grid(project_content(p, config), sheet) for p in projects]
    widths = grids[0].widths if grids else ()
    frame = PageFrame.of(sheet, widths)
    placed = paginate([(sum(g.heights), g.n_rows) for g in grids], frame, look.gap)
    heights = _contents_heights(projects, sheet, look)
    n_contents = 0
    if config.book.contents:
        toc_frame = PageFrame.of(sheet, contents_widths(look))
        head = sum(heights[: CONTENTS_HEAD_ROWS + 1])
        estimated = contents_pages(heights[CONTENTS_HEAD_ROWS + 1 :], toc_frame.height, head)
        n_contents = contents_pages_override or estimated
    return BookPlan(projects, grids, placed, frame, config.book.start_page,
                    1 if config.book.cover else 0, n_contents, heights)  # fmt: skip


def _contents_heights(
    projects: list[Project], sheet: SheetLook, look: BookLook
) -> tuple[float, ...]:
    px = column_pixels(look.name_width)

    def height(text: str) -> float:
        return text_row_height(text, px, look.contents_size, line_spacing=sheet.line_spacing,
                               padding=sheet.row_padding, minimum=sheet.min_row_height)  # fmt: skip

    return (TITLE_ROW, sheet.min_row_height, height(look.col_name),
            *(height(clean_text(p.name.text)[0]) for p in projects))  # fmt: skip


def write_book_workbook(
    path: Path,
    plan: BookPlan,
    pages: list[int],
    config: Config,
    sheet: SheetLook,
    look: BookLook,
    issued: date,
    stripped: list[StrippedText] | None = None,
) -> tuple[str, ...]:
    """Write the booklet to *path*; *pages* are the printed pages its 目次 shows, one per 個表.
    Return the sheet names."""
    if plan.kohyo_pages - 1 > MAX_PAGE_BREAKS:
        raise KohyoError(t("book.too_many_pages", pages=plan.kohyo_pages, limit=MAX_PAGE_BREAKS))
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties({
        "title": f"{config.area.name} 個表集",
        "subject": "具体的取組の個表（全事業）",
        "author": "kohyo",
        "comments": f"kohyo {__version__} book で作成",
        "created": datetime(issued.year, issued.month, issued.day),
    })  # fmt: skip
    fields = {"area": config.area.name, **date_fields(issued)}
    names: list[str] = []
    try:
        if plan.cover_pages:
            _cover(wb, plan, sheet, look, fields)
            names.append(look.cover_sheet)
        if plan.contents_pages:
            _contents(wb, plan, pages, sheet, look, fields)
            names.append(look.contents_sheet)
        _kohyo(wb, plan, config, sheet, look, fields, stripped)
        names.append(look.kohyo_sheet)
        wb.close()
    except (xlsxwriter.exceptions.XlsxWriterException, OSError) as exc:
        raise WriteError(
            t("book.write_failed", name=path.name, reason=f"{type(exc).__name__}: {exc}"),
            path=str(path),
        ) from exc
    return tuple(names)


def _print_setup(ws: Worksheet, sheet: SheetLook, look: BookLook, fields: dict[str, str],
                 first_page: int | None) -> None:  # fmt: skip
    set_print_look(ws, sheet)
    if first_page is not None:
        ws.set_start_page(first_page)
        set_page_texts(ws, look.header, look.footer,
                       (sheet.margin_header, sheet.margin_footer), **fields)  # fmt: skip


def _cover(wb: xlsxwriter.Workbook, plan: BookPlan, sheet: SheetLook, look: BookLook,
           fields: dict[str, str]) -> None:  # fmt: skip
    ws = wb.add_worksheet(look.cover_sheet)
    _print_setup(ws, sheet, look, fields, None)
    ws.set_column(0, 0, 80)
    base = {"font_name": sheet.font_name, "align": "center", "valign": "vcenter",
            "text_wrap": True}  # fmt: skip
    lines = (
        (look.title, look.title_size, 200.0),
        (look.subtitle, look.subtitle_size, 40.0),
        (look.count_line, look.line_size, 40.0),
        (look.date_line, look.line_size, 200.0),
    )
    row = 0
    values = {**fields, "count": str(len(plan.projects))}
    for template, size, space in lines:
        text = template.format(**values)
        if not text:
            continue
        ws.set_row(row, space)  # an empty row above, for the page's balance
        row += 1
        fmt = wb.add_format({**base, "font_size": size, "bold": template is look.title})
        ws.write_string(row, 0, clean_text(text)[0], fmt)
        ws.set_row(row, size * sheet.line_spacing * 2 + sheet.row_padding)
        row += 1
    ws.print_area(0, 0, max(row - 1, 0), 0)


def _contents(wb: xlsxwriter.Workbook, plan: BookPlan, pages: list[int], sheet: SheetLook,
              look: BookLook, fields: dict[str, str]) -> None:  # fmt: skip
    ws = wb.add_worksheet(look.contents_sheet)
    _print_setup(ws, sheet, look, fields, plan.start_page + plan.cover_pages)
    for c, w in enumerate(contents_widths(look)):
        ws.set_column(c, c, w)
    base = {"font_name": sheet.font_name, "font_size": look.contents_size, "valign": "vcenter",
            "text_wrap": True, "border": BORDER_STYLES[sheet.border],
            "border_color": sheet.border_color}  # fmt: skip
    head = wb.add_format({**base, "align": "center", "pattern": 1, "bg_color": look.header_fill})
    center = wb.add_format({**base, "align": "center"})
    left = wb.add_format({**base, "align": "left"})
    title = wb.add_format({"font_name": sheet.font_name, "font_size": look.title_size * 0.8,
                           "align": "center", "valign": "vcenter"})  # fmt: skip
    ws.merge_range(0, 0, 0, 2, "", title)
    ws.write_string(0, 0, clean_text(look.contents_title)[0], title)
    for c, text in enumerate((look.col_number, look.col_name, look.col_page)):
        ws.write_string(2, c, clean_text(text)[0], head)
    ws.repeat_rows(2)
    for i, (p, page) in enumerate(zip(plan.projects, pages, strict=True)):
        r = CONTENTS_HEAD_ROWS + 1 + i
        number = "" if p.number is None else str(p.number)
        ws.write_string(r, 0, number, center)
        ws.write_string(r, 1, clean_text(p.name.text)[0], left)
        ws.write_number(r, 2, page, center)
    for r, h in enumerate(plan.contents_heights):
        ws.set_row(r, h)
    ws.print_area(0, 0, len(plan.contents_heights) - 1, 2)


def _kohyo(wb: xlsxwriter.Workbook, plan: BookPlan, config: Config, sheet: SheetLook,
           look: BookLook, fields: dict[str, str], stripped: list[StrippedText] | None) -> None:  # fmt: skip
    ws = wb.add_worksheet(look.kohyo_sheet)
    _print_setup(ws, sheet, look, fields, plan.kohyo_start)
    widths = max((g.widths for g in plan.grids), key=len, default=())
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    fmt = kohyo_formats(wb, sheet)
    breaks = []
    for i, (grid, placed) in enumerate(zip(plan.grids, plan.placed, strict=True)):
        place_kohyo(ws, grid, fmt, row=placed.row, sheet_name=look.kohyo_sheet, stripped=stripped)
        if i and placed.page != plan.placed[i - 1].page:
            breaks.append(placed.row)
        elif i:
            ws.set_row(placed.row - 1, look.gap)  # the gap above a 個表 sharing its page
    ws.set_h_pagebreaks(breaks)
    if plan.placed:
        last = plan.placed[-1].row + plan.grids[-1].n_rows - 1
        ws.print_area(0, 0, last, len(widths) - 1)
