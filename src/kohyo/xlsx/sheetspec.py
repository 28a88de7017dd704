"""A whole generated worksheet (the 総括表): its description and its XML.

The XML is deterministic: the same ``SheetSpec`` with the same style indices
always gives the same bytes, which is what makes a repeated refresh a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from kohyo.model.excel import sheet_name_problem
from kohyo.read.grid import col_letter
from kohyo.xlsx.styles import StyleSpec
from kohyo.xlsx.xmlbytes import (
    MAIN_NS,
    REL_NS,
    Value,
    cell_xml,
    clean_formula,
    clean_text,
    esc,
    parse_range,
)


@dataclass(frozen=True)
class CellSpec:
    """One cell of a generated sheet. Strings are always text, never formulas;
    with ``formula`` set, ``value`` is the cached result."""

    value: Value = None
    style: str | None = None  # a key of SheetSpec.styles
    formula: str | None = None


@dataclass(frozen=True)
class PrintSetup:
    orientation: Literal["portrait", "landscape"] = "portrait"
    paper_size: int = 9  # 9 = A4
    fit_to_width: int | None = 1  # pages across; None = no fit-to-page (print at 100%)
    fit_to_height: int | None = 0  # pages down when fitting; 0 = as many as needed
    title_rows: tuple[int, int] | None = None  # (1, 2) -> rows $1:$2 repeat on every page
    print_area: str | None = None  # "A1:G20"
    header: str | None = None  # Excel header/footer codes, e.g. "&C&P / &N"
    footer: str | None = None
    center_horizontally: bool = False


@dataclass(frozen=True)
class SheetSpec:
    """A worksheet to create or replace whole. ``rows[i][j]`` is cell (row i+1, column j+1);
    ``None`` leaves a cell out."""

    name: str
    rows: Sequence[Sequence[CellSpec | None]]
    styles: Mapping[str, StyleSpec] = field(default_factory=dict)
    col_widths: Sequence[float | None] = ()  # index 0 = column A
    row_heights: Mapping[int, float] = field(default_factory=dict)  # 1-based row -> points
    merges: Sequence[str] = ()  # "A1:C1"
    freeze: str | None = None  # top-left cell of the scrolling area, e.g. "A2"
    print_setup: PrintSetup = field(default_factory=PrintSetup)

    def __post_init__(self) -> None:
        if sheet_name_problem(self.name) is not None:
            raise ValueError(f"invalid sheet name: {self.name!r}")
        for rng in self.merges:
            parse_range(rng)
        for row in self.rows:
            for cell in row:
                if cell is not None and cell.style is not None and cell.style not in self.styles:
                    raise ValueError(f"unknown style {cell.style!r} in sheet {self.name!r}")


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def defined_names(spec: SheetSpec) -> dict[str, str]:
    """The sheet-local defined names the spec asks for (``_xlnm.*`` -> formula)."""
    ps, sheet = spec.print_setup, quote_sheet(spec.name)
    out = {}
    if ps.print_area:
        r1, c1, r2, c2 = parse_range(ps.print_area)
        out["_xlnm.Print_Area"] = f"{sheet}!${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"
    if ps.title_rows:
        out["_xlnm.Print_Titles"] = f"{sheet}!${ps.title_rows[0]}:${ps.title_rows[1]}"
    return out


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _sheet_view(freeze: str | None, tab_selected: bool) -> str:
    selected = ' tabSelected="1"' if tab_selected else ""
    if not freeze or freeze.upper() == "A1":
        return f'<sheetViews><sheetView{selected} workbookViewId="0"/></sheetViews>'
    r, c, _r2, _c2 = parse_range(freeze)
    ref = f"{col_letter(c)}{r}"
    split = (f' xSplit="{c - 1}"' if c > 1 else "") + (f' ySplit="{r - 1}"' if r > 1 else "")
    pane = {(True, True): "bottomRight", (True, False): "topRight", (False, True): "bottomLeft"}[
        (c > 1, r > 1)
    ]
    selections = []
    if c > 1 and r > 1:
        selections += [
            f'<selection pane="topRight" activeCell="{col_letter(c)}1" sqref="{col_letter(c)}1"/>',
            f'<selection pane="bottomLeft" activeCell="A{r}" sqref="A{r}"/>',
        ]
    selections.append(f'<selection pane="{pane}" activeCell="{ref}" sqref="{ref}"/>')
    return (
        f'<sheetViews><sheetView{selected} workbookViewId="0">'
        f'<pane{split} topLeftCell="{ref}" activePane="{pane}" state="frozen"/>'
        + "".join(selections)
        + "</sheetView></sheetViews>"
    )


def build_sheet_xml(spec: SheetSpec, xf_of: Callable[[str], int], *, tab_selected: bool) -> bytes:
    """The worksheet part for ``spec``; ``xf_of`` maps a style name to its cellXfs index."""
    ps = spec.print_setup
    rows_xml: list[str] = []
    max_row = max_col = 0
    xfs: dict[str, str | None] = {}  # a 総括表 of 2,000 rows names a handful of styles
    # A cell's XML is '<c r="REF"' and a rest that depends only on the CellSpec: a 総括表
    # repeats a few CellSpec objects (empty member cells, marks, 「—」) thousands of times,
    # so each one's rest is made once (by cell_xml itself: the bytes stay its bytes). Keyed
    # by id: every cell of spec.rows lives as long as this call.
    rests: dict[int, str] = {}
    letters: list[str] = []  # letters[j] is column j + 1's
    for i, row in enumerate(spec.rows, start=1):
        cells = []
        if len(row) > len(letters):
            letters += [col_letter(k) for k in range(len(letters) + 1, len(row) + 1)]
        last = 0
        for j, cell in enumerate(row):
            if cell is None:
                continue
            rest = rests.get(id(cell))
            if rest is None:
                value = cell.value
                style = None
                if cell.style:
                    style = xfs.get(cell.style)
                    if style is None and cell.style not in xfs:
                        index = str(xf_of(cell.style))
                        style = xfs[cell.style] = None if index == "0" else index
                formula = clean_formula(cell.formula) if cell.formula is not None else None
                rest = rests[id(cell)] = cell_xml("", "", style, value, formula)[len('<c r=""') :]
            cells.append(f'<c r="{letters[j]}{i}"{rest}')
            last = j + 1
        max_col = max(max_col, last)
        height = spec.row_heights.get(i)
        if cells or height:
            ht = f' ht="{_fmt(height)}" customHeight="1"' if height else ""
            rows_xml.append(f'<row r="{i}"{ht}>' + "".join(cells) + "</row>")
            max_row = i
    dim = f"A1:{col_letter(max_col)}{max_row}" if max_row and max_col else "A1"
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
    ]
    fit = ps.fit_to_width is not None  # fit-to-page on; fit_to_height only matters then
    if fit:
        parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
    parts += [
        f'<dimension ref="{dim}"/>',
        _sheet_view(spec.freeze, tab_selected),
        '<sheetFormatPr defaultRowHeight="15"/>',
    ]
    widths = [(j, w) for j, w in enumerate(spec.col_widths, start=1) if w is not None]
    if widths:
        parts.append(
            "<cols>"
            + "".join(
                f'<col min="{j}" max="{j}" width="{_fmt(w)}" customWidth="1"/>' for j, w in widths
            )
            + "</cols>"
        )
    parts.append("<sheetData>" + "".join(rows_xml) + "</sheetData>" if rows_xml else "<sheetData/>")
    if spec.merges:
        parts.append(
            f'<mergeCells count="{len(spec.merges)}">'
            + "".join(f'<mergeCell ref="{esc(m.upper())}"/>' for m in spec.merges)
            + "</mergeCells>"
        )
    if ps.center_horizontally:
        parts.append('<printOptions horizontalCentered="1"/>')
    parts.append(
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    )
    setup = f'<pageSetup paperSize="{ps.paper_size}" orientation="{ps.orientation}"'
    if fit:
        setup += f' fitToWidth="{ps.fit_to_width}"'
        if ps.fit_to_height is not None:
            setup += f' fitToHeight="{ps.fit_to_height}"'
    parts.append(setup + "/>")
    if ps.header or ps.footer:
        hf = "<headerFooter>"
        hf += f"<oddHeader>{esc(clean_text(ps.header))}</oddHeader>" if ps.header else ""
        hf += f"<oddFooter>{esc(clean_text(ps.footer))}</oddFooter>" if ps.footer else ""
        parts.append(hf + "</headerFooter>")
    parts.append("</worksheet>")
    return "".join(parts).encode("utf-8")
