"""Write one 個表 in the contract's canonical grid (contract §2) with XlsxWriter.

The grid has one label column, one column per configured fiscal year and a 計
column (A–G for five years); it widens or narrows with ``config.plan.fiscal_years``
(never below five columns, so the header row keeps its four parts). The look
comes from a :class:`SheetLook` (``templates/kohyo_sheet.toml``).

Every text that comes from data is written with ``write_string`` — never as a
formula, whatever it starts with — after :func:`clean_text` has removed what XML
cannot hold. Pass a list as ``stripped=`` to learn which cells lost characters.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from kohyo.config import Config
from kohyo.layout.look import BORDER_STYLES, PAPER_SIZES, LookError, PrintLook, SheetLook, load_look
from kohyo.layout.text import RowHeights, cell_lines, clean_text, column_pixels
from kohyo.messages import t
from kohyo.model.project import Amount, Project

__all__ = [
    "LookError",
    "SheetLook",
    "StrippedText",
    "grid_columns",
    "load_look",
    "set_print_look",
    "write_kohyo_sheet",
]

log = logging.getLogger(__name__)

# Block labels (contract §2). They are the contract's words, not the look's.
LABEL_NAME = "事業名"
LABEL_MUNICIPALITIES = "関係市町村"
LABEL_CONTENT = "内容"
LABEL_EFFECT = "連携効果"
LABEL_COSTS = "事業費見込額\n(単位：{unit})"  # the break is where the seed's cell wraps
LABEL_TOTAL = "計"
LABEL_ROLES = "連携市町村の\n役割分担"
LABEL_KPI = "成果指標"
KPI_HEADERS = ("指標", "現状値（調査時点）", "目標値（{year}年度）")
YEAR_HEADER = "{year}年度"

MIN_COLUMNS = 5
NUMBER_FORMAT = "#,##0"


@dataclass(frozen=True)
class StrippedText:
    """Characters removed from one cell's text (illegal in XML, or over Excel's limit)."""

    sheet: str
    cell: str
    removed: str


@dataclass(frozen=True)
class GridColumns:
    """Column indices (0-based) of the canonical grid for a given number of years."""

    count: int
    years: int
    name: tuple[int, int]  # row 1: the project name span
    municipalities_label: int
    municipalities: tuple[int, int]
    total: tuple[int, int]
    kpi: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]

    @property
    def last(self) -> int:
        return self.count - 1


def grid_columns(n_years: int) -> GridColumns:
    """Where everything goes for *n_years* fiscal years (5 years: A–G, as in the contract)."""
    count = max(n_years + 2, MIN_COLUMNS)
    last = count - 1
    value_start = last - (1 if count >= 7 else 0)
    kpi_n = count - 1
    k = kpi_n // 3
    name_end = kpi_n - 2 * k
    return GridColumns(
        count=count,
        years=n_years,
        name=(2, value_start - 2),
        municipalities_label=value_start - 1,
        municipalities=(value_start, last),
        total=(n_years + 1, last),
        kpi=((1, name_end), (name_end + 1, name_end + k), (name_end + k + 1, last)),
    )


@dataclass
class _Sheet:
    """One worksheet being written, with what row heights must hold."""

    ws: Worksheet
    name: str
    look: SheetLook
    px: list[int]  # column widths in pixels
    fmt: dict[str, object]
    stripped: list[StrippedText] | None
    rows: RowHeights

    def text(
        self, r: int, c1: int, c2: int, value: str, style: str, *, r2: int | None = None
    ) -> None:
        r2 = r if r2 is None else r2
        cell = xl_rowcol_to_cell(r, c1)
        text, removed = clean_text(value)
        if removed:
            log.warning(t("layout.stripped", sheet=self.name, cell=cell, removed=repr(removed)))
            if self.stripped is not None:
                self.stripped.append(StrippedText(self.name, cell, removed))
        fmt = self.fmt[style]
        if (r, c1) != (r2, c2):
            self.ws.merge_range(r, c1, r2, c2, "", fmt)
        self.ws.write_string(r, c1, text, fmt)
        size = self.look.note_font_size if style == "note" else self.look.font_size
        lines = cell_lines(text, sum(self.px[c1 : c2 + 1]), size)
        self.rows.need(r, r2, lines * size * self.look.line_spacing)

    def amount(self, r: int, c1: int, c2: int, value: Amount) -> None:
        if isinstance(value, str):
            self.text(r, c1, c2, value, "center")
            return
        number = isinstance(value, int | float) and not isinstance(value, bool)
        fmt = self.fmt["amount" if number else "blank"]
        if c1 != c2:
            self.ws.merge_range(r, c1, r, c2, "", fmt)
        if number:
            self.ws.write_number(r, c1, value, fmt)
            self.rows.need(r, r, self.look.font_size * self.look.line_spacing)
        else:
            self.ws.write_blank(r, c1, None, fmt)


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


def _column_widths(look: SheetLook, g: GridColumns) -> list[float]:
    widths = [look.label_width] + [look.year_width] * g.years + [look.total_width]
    return widths + [look.year_width] * (g.count - len(widths))


def _pixels(wb: xlsxwriter.Workbook, width: float) -> int:
    """Column width units to pixels for *wb*'s default font."""
    return column_pixels(width, getattr(wb, "max_digit_width", 7), getattr(wb, "cell_padding", 5))


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
    years = config.plan.fiscal_years
    g = grid_columns(len(years))
    widths = _column_widths(look, g)
    ws = wb.add_worksheet(sheet_name)
    px = [_pixels(wb, w) for w in widths]
    rows = RowHeights(look.row_padding, look.min_row_height)
    s = _Sheet(ws, sheet_name, look, px, _formats(wb, look), stripped, rows)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)

    # Row 1: 事業名 | number | name | 関係市町村 | value
    s.text(0, 0, 0, LABEL_NAME, "label")
    if project.number is not None:
        ws.write_number(0, 1, project.number, s.fmt["center"])
    else:
        s.text(0, 1, 1, "" if project.number_raw is None else str(project.number_raw), "center")
    s.text(0, *g.name, project.name.text, "text")
    s.text(0, g.municipalities_label, g.municipalities_label, LABEL_MUNICIPALITIES, "label")
    s.text(0, *g.municipalities, project.municipalities_label.text, "text")

    # Rows 2–3: 内容, 連携効果
    for r, label, value in ((1, LABEL_CONTENT, project.content), (2, LABEL_EFFECT, project.effect)):
        s.text(r, 0, 0, label, "label")
        s.text(r, 1, g.last, value.text, "text")

    # Rows 4–5: 事業費見込額: year headers and 計, amounts below
    s.text(3, 0, 0, LABEL_COSTS.format(unit=config.plan.unit), "label", r2=4)
    for i, year in enumerate(years):
        s.text(3, 1 + i, 1 + i, YEAR_HEADER.format(year=year), "header")
        cell = project.costs.amounts.get(year)
        s.amount(4, 1 + i, 1 + i, cell.value if cell else None)
    s.text(3, *g.total, LABEL_TOTAL, "header")
    total = project.costs.total
    s.amount(4, *g.total, total.value if total else None)

    # 連携市町村の役割分担: one row per role (at least one row, so the block exists)
    r = 5
    roles = [(role.who, role.text) for role in project.roles] or [("", "")]
    s.text(r, 0, 0, LABEL_ROLES, "label", r2=r + len(roles) - 1)
    for who, text in roles:
        s.text(r, 1, 1, who, "center")
        s.text(r, 2, g.last, text, "text")
        r += 1

    # 成果指標: header row, then one row per KPI
    target_year = project.indicator_target_year or config.plan.kpi_target_year
    s.text(r, 0, 0, LABEL_KPI, "label", r2=r + len(project.indicators))
    headers = (KPI_HEADERS[0], KPI_HEADERS[1], KPI_HEADERS[2].format(year=target_year))
    for (c1, c2), header in zip(g.kpi, headers, strict=True):
        s.text(r, c1, c2, header, "header")
    for kpi in project.indicators:
        r += 1
        for (c1, c2), kpi_text, style in zip(
            g.kpi, (kpi.name, kpi.current, kpi.target), ("text", "center", "center"), strict=True
        ):
            s.text(r, c1, c2, kpi_text, style)

    # ※ notes, one per row across the grid
    for note in project.notes:
        r += 1
        s.text(r, 0, g.last, note.text, "note")

    s.rows.set_rows(ws, r)
    _page_setup(ws, project, config, look, sheet_name)


def _page_text(template: str, project: Project, config: Config, sheet_name: str) -> str:
    def esc(v: str) -> str:
        return clean_text(v)[0].replace("\n", " ").replace("&", "&&")

    number = "" if project.number is None else str(project.number)
    name = project.name.text if len(project.name.text) <= 60 else project.name.text[:59] + "…"
    return template.format(
        area=esc(config.area.name), number=esc(number), name=esc(name), sheet=esc(sheet_name)
    )


def _page_setup(
    ws: Worksheet, project: Project, config: Config, look: SheetLook, sheet_name: str
) -> None:
    set_print_look(ws, look)
    cm = 1 / 2.54
    header = _page_text(look.header, project, config, sheet_name)
    footer = _page_text(look.footer, project, config, sheet_name)
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
