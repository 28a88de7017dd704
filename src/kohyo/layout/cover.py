"""The cover sheet (一覧) of a town's distributed workbook, and its look file.

The cover lists the projects one municipality takes part in — number, name,
関係市町村, that municipality's own role, the yearly costs and 計 — with a total
row, under a heading with the area, the municipality and the date (和暦 and
western). Everything staff may want to change (wording, fonts, colours, widths,
print setup, header and footer) is in ``templates/cover_sheet.toml``, checked by
the same machinery as the 個表 look (:mod:`kohyo.layout.look`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from kohyo.config import Config
from kohyo.layout.grid import NUMBER_FORMAT
from kohyo.layout.kohyo import StrippedText, set_print_look
from kohyo.layout.look import (
    BORDER_KEYS,
    BORDER_STYLES,
    FONT_KEYS,
    LAYOUT_KEYS,
    MARGIN_KEYS,
    NUMBER,
    PrintLook,
    Schema,
    check_any,
    check_colour,
    check_font_size,
    check_template,
    check_width,
    look_values,
    read_look_file,
)
from kohyo.layout.pagetext import set_page_texts
from kohyo.layout.text import RowHeights, cell_lines, clean_text, column_pixels, text_units
from kohyo.messages import t
from kohyo.model.derive import derive_total
from kohyo.model.excel import sheet_name_problem
from kohyo.model.project import DASH, Amount, Project, amount_text
from kohyo.read.normalize import wareki

WHAT = "look.what.cover"  # the message key naming the file
# "_ " keeps a space's width free after the figure (Excel and LibreOffice alike; an
# alignment indent on right-aligned numbers is ignored by LibreOffice in some columns)
PADDED_NUMBER_FORMAT = NUMBER_FORMAT + "_ "

PAGE_FIELDS = ("area", "town", "date", "date_wareki")
SHEET_PAGE_FIELDS = (*PAGE_FIELDS, "number", "name", "sheet")
HEADING_FIELDS = ("area", "town", "date", "date_wareki", "count", "unit")


@dataclass(frozen=True)
class CoverLook(PrintLook):
    """The cover's wording and look, and the header/footer of the 個表 sheets after it."""

    font_name: str = "ＭＳ Ｐゴシック"
    font_size: float = 10.5
    title_size: float = 16.0
    subtitle_size: float = 12.0
    note_size: float = 9.0
    header_bold: bool = False
    header_fill: str = "#DDEBF7"
    total_fill: str = "#F2F2F2"
    border: str = "thin"
    border_color: str = "#000000"
    number_width: float = 5.0
    name_width: float = 24.0
    municipalities_width: float = 12.0
    role_width: float = 26.0
    year_width: float = 9.0
    total_width: float = 10.0
    line_spacing: float = 1.3
    row_padding: float = 4.0
    min_row_height: float = 18.0
    header: str = "&L{area}&R{town}"
    footer: str = "&L{date_wareki}作成&C&P / &N"
    sheet_header: str = "&L{area}&C{town}&R事業番号 {number}"
    sheet_footer: str = "&L{date_wareki}作成&C&P / &N"
    sheet_name: str = "一覧"
    title: str = "{area}ビジョン　具体的取組 個表"
    town_line: str = "配布先：{town}"
    date_line: str = "作成日：{date_wareki}（{date}）"
    count_line: str = "{town}が関係する具体的取組：{count}件"
    unit_line: str = "（事業費見込額の単位：{unit}）"
    col_number: str = "番号"
    col_name: str = "事業名"
    col_municipalities: str = "関係市町村"
    col_role: str = "この市町村の役割"
    col_year: str = "{year}年度"
    col_total: str = "計"
    sum_label: str = "合計"
    no_projects: str = "該当する事業はありません"
    notes: str = (
        "※ 事業費見込額は、各事業全体の見込額です。\n"
        "※ 各事業の詳しい内容は、事業番号と同じ名前のシートにあります。"
    )


def _sheet_name(v: str) -> str | None:
    problem = sheet_name_problem(v)
    return None if problem is None else t("look.check.sheet_name", problem=problem)


# The texts of [text] that are templates, and what each may fill in.
_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": HEADING_FIELDS,
    "town_line": HEADING_FIELDS,
    "date_line": HEADING_FIELDS,
    "count_line": HEADING_FIELDS,
    "unit_line": HEADING_FIELDS,
    "col_number": (),
    "col_name": (),
    "col_municipalities": (),
    "col_role": ("town",),
    "col_year": ("year", "year_wareki"),
    "col_total": (),
    "sum_label": (),
    "no_projects": ("town",),
}
_SCHEMA: Schema = {
    **FONT_KEYS,
    ("font", "title_size"): ("title_size", NUMBER, check_font_size),
    ("font", "subtitle_size"): ("subtitle_size", NUMBER, check_font_size),
    ("font", "note_size"): ("note_size", NUMBER, check_font_size),
    ("font", "header_bold"): ("header_bold", bool, check_any),
    ("color", "header_fill"): ("header_fill", str, check_colour),
    ("color", "total_fill"): ("total_fill", str, check_colour),
    **BORDER_KEYS,
    ("columns", "number"): ("number_width", NUMBER, check_width),
    ("columns", "name"): ("name_width", NUMBER, check_width),
    ("columns", "municipalities"): ("municipalities_width", NUMBER, check_width),
    ("columns", "role"): ("role_width", NUMBER, check_width),
    **LAYOUT_KEYS,
    ("page", "header"): ("header", str, check_template(PAGE_FIELDS)),
    ("page", "footer"): ("footer", str, check_template(PAGE_FIELDS)),
    ("page", "sheet_header"): ("sheet_header", str, check_template(SHEET_PAGE_FIELDS)),
    ("page", "sheet_footer"): ("sheet_footer", str, check_template(SHEET_PAGE_FIELDS)),
    **MARGIN_KEYS,
    ("text", "sheet_name"): ("sheet_name", str, _sheet_name),
    **{("text", k): (k, str, check_template(fields)) for k, fields in _TEXT_FIELDS.items()},
    ("text", "notes"): ("notes", str, check_template(HEADING_FIELDS, limit=2000)),
}


def load_cover_look(path: str | Path) -> CoverLook:
    """Read the cover's look file; missing keys keep their defaults; LookError on a bad value."""
    return CoverLook(**look_values(read_look_file(path, WHAT), _SCHEMA, str(Path(path)), WHAT))


@dataclass(frozen=True)
class CoverRow:
    """One project as the cover lists it, for one municipality."""

    number: int | str
    name: str
    municipalities: str
    role: str
    amounts: tuple[Amount, ...]  # one per configured fiscal year
    total: int | str


@dataclass(frozen=True)
class Cover:
    area: str
    town: str
    issued: date
    unit: str
    fiscal_years: tuple[int, ...]
    rows: tuple[CoverRow, ...]


def cover_for(town: str, projects: list[Project], config: Config, issued: date) -> Cover:
    """What the cover of *town*'s workbook shows; *projects* are those it takes part in."""
    area, years = config.area, config.plan.fiscal_years
    rows = []
    for p in projects:
        role = p.role_for(town, area.central_city, area.partner_label)
        raw = "" if p.number_raw is None else str(p.number_raw)
        amounts = tuple(p.costs.amounts[y].value if y in p.costs.amounts else None for y in years)
        rows.append(
            CoverRow(
                number=p.number if p.number is not None else raw,
                name=p.name.text,
                municipalities=p.municipalities_label.text,
                role=role if role else DASH,
                amounts=amounts,
                total=derive_total(p.costs),
            )
        )
    return Cover(area.name, town, issued, config.plan.unit, years, tuple(rows))


def date_fields(issued: date) -> dict[str, str]:
    return {
        "date": f"{issued.year}年{issued.month}月{issued.day}日",
        "date_wareki": wareki(issued.year, issued.month, issued.day),
    }


class _CoverWriter:
    """Writes cells and remembers how tall each row must be for its wrapped text."""

    def __init__(
        self, wb: xlsxwriter.Workbook, ws: Worksheet, look: CoverLook, widths: list[float],
        stripped: list[StrippedText] | None,
    ) -> None:  # fmt: skip
        self.ws, self.look, self.stripped = ws, look, stripped
        self.px = [column_pixels(w) for w in widths]
        self.rows = RowHeights(look.row_padding, look.min_row_height)
        self.fmt = _formats(wb, look)

    def text(self, r: int, c1: int, c2: int, value: str, style: str, size: float) -> None:
        text, removed = clean_text(value)
        if removed and self.stripped is not None:
            self.stripped.append(StrippedText(self.ws.name, xl_rowcol_to_cell(r, c1), removed))
        if c1 != c2:
            self.ws.merge_range(r, c1, r, c2, "", self.fmt[style])
        self.ws.write_string(r, c1, text, self.fmt[style])
        lines = cell_lines(text, sum(self.px[c1 : c2 + 1]), size)
        self.rows.need(r, r, lines * size * self.look.line_spacing)

    def amount(self, r: int, c: int, value: Amount, style: str = "amount") -> None:
        if isinstance(value, int):
            self.ws.write_number(r, c, value, self.fmt[style])
            self.rows.need(r, r, self.look.font_size * self.look.line_spacing)
        elif value:
            self.text(r, c, c, value, style + "_dash", self.look.font_size)
        else:
            self.ws.write_blank(r, c, None, self.fmt[style])


def _formats(wb: xlsxwriter.Workbook, look: CoverLook) -> dict[str, Any]:
    # wrap everywhere: a long heading wraps inside its merged row instead of being cut off
    plain = {"font_name": look.font_name, "font_size": look.font_size, "valign": "vcenter",
             "text_wrap": True}  # fmt: skip
    cell = {**plain, "border": BORDER_STYLES[look.border], "border_color": look.border_color}
    total = {"pattern": 1, "bg_color": look.total_fill}
    styles: dict[str, dict[str, Any]] = {
        "title": {**plain, "font_size": look.title_size, "bold": True},
        "subtitle": {**plain, "font_size": look.subtitle_size},
        "plain": plain,
        "plain_right": {**plain, "align": "right"},
        "note": {**plain, "font_size": look.note_size, "valign": "top"},
        "header": {**cell, "align": "center", "pattern": 1, "bg_color": look.header_fill,
                   "bold": look.header_bold},
        "text": {**cell, "align": "left"},
        "center": {**cell, "align": "center"},
        "amount": {**cell, "align": "right", "num_format": PADDED_NUMBER_FORMAT},
        "amount_dash": {**cell, "align": "center"},
        "sum_label": {**cell, **total, "align": "center"},
        "sum": {**cell, **total, "align": "right", "num_format": PADDED_NUMBER_FORMAT},
        "sum_dash": {**cell, **total, "align": "center"},
    }  # fmt: skip
    return {k: wb.add_format(v) for k, v in styles.items()}


def _widths(cover: Cover, look: CoverLook) -> list[float]:
    """Fixed widths for the wrapping text columns; number columns widen to fit their figures.

    A figure gets its digits plus 3 units: 1 for the trailing pad, 2 for the cell's margins.
    """
    numbers = [text_units(str(r.number)) for r in cover.rows]
    widths = [max([look.number_width, text_units(look.col_number) + 2] + [n + 2 for n in numbers]),
              look.name_width, look.municipalities_width, look.role_width]  # fmt: skip
    sums = _sums(cover)
    for i, year in enumerate(cover.fiscal_years):
        figures = [amount_text(r.amounts[i]) for r in cover.rows] + [amount_text(sums[i])]
        header = min(text_units(_year_header(look, year)), 8)  # a header may wrap, not a figure
        widths.append(max([look.year_width, header + 1] + [text_units(f) + 3 for f in figures]))
    totals = [amount_text(r.total) for r in cover.rows] + [amount_text(sums[-1])]
    widths.append(max([look.total_width] + [text_units(t) + 3 for t in totals]))
    return widths


def _year_header(look: CoverLook, year: int) -> str:
    return look.col_year.format(year=year, year_wareki=wareki(year))


def _sums(cover: Cover) -> list[Amount]:
    """Per-year sums then the grand total; ``—`` where no project has a figure."""
    out: list[Amount] = []
    columns: list[list[Amount]] = [
        [r.amounts[i] for r in cover.rows] for i in range(len(cover.fiscal_years))
    ]
    columns.append([r.total for r in cover.rows])
    for values in columns:
        numbers = [v for v in values if isinstance(v, int)]
        out.append(sum(numbers) if numbers else DASH)
    return out


def write_cover(
    wb: xlsxwriter.Workbook,
    cover: Cover,
    look: CoverLook,
    *,
    sheet_name: str,
    stripped: list[StrippedText] | None = None,
) -> Worksheet:
    """Add the cover sheet *sheet_name* to *wb*: heading, the projects table, notes."""
    ws = wb.add_worksheet(sheet_name)
    widths = _widths(cover, look)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    w = _CoverWriter(wb, ws, look, widths, stripped)
    last = len(widths) - 1
    fields = {"area": cover.area, "town": cover.town, "count": str(len(cover.rows)),
              "unit": cover.unit, **date_fields(cover.issued)}  # fmt: skip

    w.text(0, 0, last, look.title.format(**fields), "title", look.title_size)
    w.text(1, 0, last, look.town_line.format(**fields), "subtitle", look.subtitle_size)
    w.text(2, 0, last, look.date_line.format(**fields), "plain", look.font_size)
    w.text(3, 0, 3, look.count_line.format(**fields), "plain", look.font_size)
    w.text(3, 4, last, look.unit_line.format(**fields), "plain_right", look.font_size)

    head = 4
    headers = [look.col_number, look.col_name, look.col_municipalities,
               look.col_role.format(town=cover.town)]  # fmt: skip
    headers += [_year_header(look, y) for y in cover.fiscal_years] + [look.col_total]
    for c, h in enumerate(headers):
        w.text(head, c, c, h, "header", look.font_size)

    r = head
    for row in cover.rows:
        r += 1
        if isinstance(row.number, int):
            ws.write_number(r, 0, row.number, w.fmt["center"])
        else:
            w.text(r, 0, 0, row.number, "center", look.font_size)
        w.text(r, 1, 1, row.name, "text", look.font_size)
        w.text(r, 2, 2, row.municipalities, "text", look.font_size)
        w.text(r, 3, 3, row.role, "text", look.font_size)
        for i, value in enumerate((*row.amounts, row.total)):
            w.amount(r, 4 + i, value)
    r += 1  # the total row, or the line saying there is nothing
    if cover.rows:
        w.text(r, 0, 3, look.sum_label, "sum_label", look.font_size)
        for i, value in enumerate(_sums(cover)):
            w.amount(r, 4 + i, value, "sum")
    else:
        w.text(r, 0, last, look.no_projects.format(town=cover.town), "center", look.font_size)

    notes = look.notes.format(**fields).strip("\n")
    if notes:
        r += 1  # one empty row between the table and the notes
        for line in notes.split("\n"):
            r += 1
            w.text(r, 0, last, line, "note", look.note_size)
    w.rows.set_rows(ws, r)
    _page_setup(ws, look, cover, last_row=r, last_col=last, header_row=head)
    return ws


def _page_setup(
    ws: Worksheet, look: CoverLook, cover: Cover, *, last_row: int, last_col: int, header_row: int
) -> None:
    set_print_look(ws, look)
    ws.print_area(0, 0, last_row, last_col)
    ws.repeat_rows(header_row)
    set_page_texts(
        ws, look.header, look.footer, (look.margin_header, look.margin_footer),
        area=cover.area, town=cover.town, **date_fields(cover.issued),
    )  # fmt: skip
