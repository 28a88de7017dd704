"""The 個表 grid (contract §2), described once: where every label and value of a sheet goes.

:func:`kohyo_grid` turns what a 個表 says (:class:`SheetContent`) into a :class:`Grid`:
the column count and widths, each placed cell (position, spans, kind, style, value) in
the order a writer writes them, and each row's height. Three renderers place it on a page
and decide nothing about the layout themselves: XlsxWriter for the towns' workbooks
(:mod:`kohyo.layout.kohyo`), the patcher's SheetSpec for ``kohyo new``
(:mod:`kohyo.layout.blank`), and the change overview (:mod:`kohyo.overview.view`).

The grid has one label column, one column per fiscal year and a 計 column (A–G for five
years); it widens or narrows with the years (never below five columns, so the header row
keeps its four parts). Values are generic: a workbook passes cell values (text, numbers,
None), the overview passes 見え消し segment lists and a *measure* that says how they read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from kohyo.config import Config
from kohyo.layout.look import SheetLook
from kohyo.layout.text import RowHeights, cell_lines, clean_text, column_pixels
from kohyo.model import labels
from kohyo.model.project import Project

V = TypeVar("V")

MIN_COLUMNS = 5
NUMBER_FORMAT = "#,##0"

Kind = Literal["label", "header", "value", "amount", "note"]
Style = Literal["label", "header", "text", "center", "amount", "blank", "note"]
"""A cell's look, by role: the writers map each to a format (fill, alignment, number format)."""


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


def column_widths(look: SheetLook, g: GridColumns) -> tuple[float, ...]:
    """Column widths (Excel's units) from the look: label, one per year, 計, then any spare."""
    widths = [look.label_width] + [look.year_width] * g.years + [look.total_width]
    return tuple(widths + [look.year_width] * (g.count - len(widths)))


@dataclass(frozen=True)
class SheetContent(Generic[V]):
    """What one 個表 says, block by block; *V* is how a renderer holds a value."""

    number: V
    name: V
    municipalities: V
    content: V
    effect: V
    years: tuple[int, ...]
    costs: tuple[V, ...]  # one per year
    total: V
    roles: tuple[tuple[V, V], ...]  # (who, what)
    kpis: tuple[tuple[V, V, V], ...]  # (name, current, target)
    notes: tuple[V, ...]
    unit: str
    target_year: int


@dataclass(frozen=True)
class GridCell(Generic[V]):
    """One placed cell (0-based row and column; a merged range when it spans more)."""

    row: int
    col: int
    rows: int
    cols: int
    kind: Kind
    style: Style
    value: V | str  # labels, headers and empty placeholders are plain text

    @property
    def last_row(self) -> int:
        return self.row + self.rows - 1

    @property
    def last_col(self) -> int:
        return self.col + self.cols - 1

    @property
    def merged(self) -> bool:
        return self.rows > 1 or self.cols > 1


@dataclass(frozen=True)
class Grid(Generic[V]):
    """A 個表 laid out: columns, their widths, the cells in writing order, row heights."""

    columns: GridColumns
    widths: tuple[float, ...]
    cells: tuple[GridCell[V], ...]
    heights: tuple[float, ...]  # points, one per row

    @property
    def count(self) -> int:
        return self.columns.count

    @property
    def n_rows(self) -> int:
        return len(self.heights)


def project_content(
    project: Project, config: Config, *, blank_kpi_rows: int = 0
) -> SheetContent[Any]:
    """*project*'s values as a workbook writes them (*blank_kpi_rows* empty KPI rows after)."""
    years = tuple(config.plan.fiscal_years)
    number: Any = project.number
    if number is None:
        number = "" if project.number_raw is None else str(project.number_raw)
    cells = [project.costs.amounts.get(y) for y in years]
    total = project.costs.total
    return SheetContent(
        number=number,
        name=project.name.text,
        municipalities=project.municipalities_label.text,
        content=project.content.text,
        effect=project.effect.text,
        years=years,
        costs=tuple(c.value if c else None for c in cells),
        total=total.value if total else None,
        roles=tuple((r.who, r.text) for r in project.roles),
        kpis=tuple((k.name, k.current, k.target) for k in project.indicators)
        + (("", "", ""),) * blank_kpi_rows,
        notes=tuple(n.text for n in project.notes),
        unit=config.plan.unit,
        target_year=project.indicator_target_year or config.plan.kpi_target_year,
    )


def plain_text(value: object) -> str | None:
    """How a cell value reads, for its row height: None takes no room, a number one line."""
    if value is None:
        return None
    if isinstance(value, str):
        return clean_text(value)[0]
    return ""


def amount_style(value: object) -> Style:
    """Text such as 「—」 is centred, a figure right-aligned, a blank plain."""
    if isinstance(value, str):
        return "center"
    return "blank" if value is None else "amount"


def kohyo_grid(
    content: SheetContent[V],
    look: SheetLook,
    measure: Callable[[V | str], str | None] = plain_text,
) -> Grid[V]:
    """*content* in the canonical grid; *measure* gives a value's text for row heights."""
    g = grid_columns(len(content.years))
    cells: list[GridCell[V]] = []

    def put(r: int, c1: int, c2: int, kind: Kind, style: Style, value: V | str,
            rows: int = 1) -> None:  # fmt: skip
        cells.append(GridCell(r, c1, rows, c2 - c1 + 1, kind, style, value))

    # Row 1: 事業名 | number | name | 関係市町村 | value
    put(0, 0, 0, "label", "label", labels.NAME)
    put(0, 1, 1, "value", "center", content.number)
    put(0, *g.name, "value", "text", content.name)
    put(0, g.municipalities_label, g.municipalities_label, "label", "label", labels.MUNICIPALITIES)
    put(0, *g.municipalities, "value", "text", content.municipalities)

    # Rows 2–3: 内容, 連携効果
    for r, label, value in (
        (1, labels.CONTENT, content.content),
        (2, labels.EFFECT, content.effect),
    ):
        put(r, 0, 0, "label", "label", label)
        put(r, 1, g.last, "value", "text", value)

    # Rows 4–5: 事業費見込額: year headers and 計, amounts below
    put(3, 0, 0, "label", "label", labels.costs_label(content.unit), rows=2)
    for i, (year, amount) in enumerate(zip(content.years, content.costs, strict=True)):
        put(3, 1 + i, 1 + i, "header", "header", labels.year_header(year))
        put(4, 1 + i, 1 + i, "amount", amount_style(amount), amount)
    put(3, *g.total, "header", "header", labels.TOTAL)
    put(4, *g.total, "amount", amount_style(content.total), content.total)

    # 連携市町村の役割分担: one row per role (at least one row, so the block exists)
    r = 5
    roles: Sequence[tuple[V | str, V | str]] = content.roles or (("", ""),)
    put(r, 0, 0, "label", "label", labels.ROLES_CELL, rows=len(roles))
    for who, text in roles:
        put(r, 1, 1, "value", "center", who)
        put(r, 2, g.last, "value", "text", text)
        r += 1

    # 成果指標: header row, then one row per KPI
    put(r, 0, 0, "label", "label", labels.KPIS, rows=len(content.kpis) + 1)
    for (c1, c2), header in zip(g.kpi, labels.kpi_headers(content.target_year), strict=True):
        put(r, c1, c2, "header", "header", header)
    for kpi in content.kpis:
        r += 1
        for (c1, c2), value, style in zip(g.kpi, kpi, ("text", "center", "center"), strict=True):
            put(r, c1, c2, "value", style, value)  # type: ignore[arg-type]

    # ※ notes, one per row across the grid
    for note in content.notes:
        r += 1
        put(r, 0, g.last, "note", "note", note)

    widths = column_widths(look, g)
    heights = row_heights(cells, widths, r + 1, look, measure)
    return Grid(g, widths, tuple(cells), heights)


def row_heights(
    cells: Sequence[GridCell[V]],
    widths: Sequence[float],
    n_rows: int,
    look: SheetLook,
    measure: Callable[[V | str], str | None],
) -> tuple[float, ...]:
    """Each row's height (points) for the text its cells wrap to (Excel stores no autofit)."""
    px = [column_pixels(w) for w in widths]
    rows = RowHeights(look.row_padding, look.min_row_height)
    for cell in cells:
        text = measure(cell.value)
        if text is None:
            continue
        size = look.note_font_size if cell.style == "note" else look.font_size
        lines = cell_lines(text, sum(px[cell.col : cell.last_col + 1]), size)
        rows.need(cell.row, cell.last_row, lines * size * look.line_spacing)
    return rows.final(n_rows - 1)
