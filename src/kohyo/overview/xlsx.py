"""The change overview as an xlsx: the 概要 sheet and the 個表（記載案） sheet. I/O edge.

Written with XlsxWriter from the :class:`~kohyo.overview.view.OverviewView`; 見え消し
marks become rich text (red strike-through for what goes, red underline for what
comes). Data is only ever written as strings, never as formulas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from kohyo.layout.look import SheetLook
from kohyo.layout.text import column_pixels, text_row_height
from kohyo.model.chars import strip_unsafe_text
from kohyo.overview.textdiff import Segment
from kohyo.overview.view import Cell, OverviewView, SheetView, runs

FONT_SIZE = 10.5
FONT = {"font_name": "ＭＳ Ｐゴシック", "font_size": FONT_SIZE}
MARKS = {"same": {}, "del": {"font_strikeout": True, "font_color": "#C00000"},
         "ins": {"underline": 1, "font_color": "#C00000"}}  # fmt: skip
OVERVIEW_WIDTHS = (9, 28, 58, 16)
ROWS = SheetLook()  # line spacing, padding and minimum height of the 個表 look's defaults


class _Book:
    """xlsxwriter with the few formats we use. Data is only ever written as strings."""

    def __init__(self, path: Path) -> None:
        self.wb = xlsxwriter.Workbook(
            str(path),
            {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
        )
        self._formats: dict[tuple[Any, ...], Any] = {}

    def fmt(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format({**FONT, "valign": "vcenter", **props})
        return self._formats[key]

    def put(
        self, ws: Any, r: int, c: int, segs: list[Segment], span: tuple[int, int], **props: Any
    ) -> None:
        """Write *segs* (見え消し marks as rich text) into a cell or a merged range."""
        cell_fmt = self.fmt(text_wrap=True, **props)
        if span != (1, 1):
            ws.merge_range(r, c, r + span[0] - 1, c + span[1] - 1, "", cell_fmt)
        parts = [(kind, strip_unsafe_text(text)) for kind, text in runs(segs)]
        if not parts:
            ws.write_blank(r, c, None, cell_fmt)
        elif len(parts) == 1:
            ws.write_string(
                r, c, parts[0][1], self.fmt(text_wrap=True, **props, **MARKS[parts[0][0]])
            )
        else:
            fragments: list[Any] = []
            for kind, text in parts:
                fragments += [self.fmt(**MARKS[kind]), text]
            ws.write_rich_string(r, c, *fragments, cell_fmt)


def _height(text: str, width: float) -> float:
    """Row height (points) for *text* wrapped in *width* (Excel's units), as a 個表 row is."""
    return text_row_height(text, column_pixels(width), FONT_SIZE,
                           line_spacing=ROWS.line_spacing, padding=ROWS.row_padding,
                           minimum=ROWS.min_row_height)  # fmt: skip


def write_overview_xlsx(view: OverviewView, path: Path) -> None:
    book = _Book(path)
    _overview_sheet(book, view)
    _kohyo_sheet(book, view)
    book.wb.close()


def _overview_sheet(book: _Book, v: OverviewView) -> None:
    ws = book.wb.add_worksheet("概要")
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(2)
    for i, w in enumerate(OVERVIEW_WIDTHS):
        ws.set_column(i, i, w)
    full = sum(OVERVIEW_WIDTHS)
    r = 0

    def line(text: str, indent: int = 0, **props: Any) -> None:
        nonlocal r
        book.put(ws, r, 0, [Segment(text)], (1, 4), indent=indent, **props)
        ws.set_row(r, _height(text, full - 2 * indent))
        r += 1

    line(v.title, align="center", bold=True, font_size=14)
    r += 1
    line(v.lead)
    line(v.count_line, 1)
    if "added" in v.sections:
        r += 1
        line(f"{v.sections['added']} 新規({len(v.added)}事業)", bold=True)
        for c, h in enumerate(("事業番号", "事業名", "事業概要(案)", "資料の掲載ページ等")):
            book.put(ws, r, c, [Segment(h)], (1, 1), border=1, align="center", bg_color="#F2F2F2")
        r += 1
        for a in v.added:
            for c, text in enumerate((a["number"], a["name"], a["summary"], "")):
                book.put(
                    ws,
                    r,
                    c,
                    [Segment(text)],
                    (1, 1),
                    border=1,
                    align="center" if c == 0 else "left",
                )
            ws.set_row(r, _height(a["summary"], OVERVIEW_WIDTHS[2]))
            r += 1
    if "changed" in v.sections:
        r += 1
        line(f"{v.sections['changed']} 変更({v.changed_count}事業)", bold=True)
        for item in v.changes:
            line(item.heading, bold=True)
            for text in item.lines:
                line("・" + text, 1)
            for title, texts in item.details:
                if title:
                    line(title, 1)
                for text in texts:
                    line("・" + text, 2)
    if "removed" in v.sections:
        r += 1
        line(f"{v.sections['removed']} 終了・削除({len(v.removed)}事業)", bold=True)
        for d in v.removed:
            line(f"・{d['number']}　{d['name']}", 1)
    if v.has_changes:
        r += 1
        line(v.note)
    if v.renumbered:
        r += 1
        line("（参考）事業番号が変わった事業: " + "、".join(
            f"{d['old']}→{d['new']} {d['name']}" for d in v.renumbered), font_size=9)  # fmt: skip


def _kohyo_sheet(book: _Book, v: OverviewView) -> None:
    if not v.new_sheets and not v.changed_sheets:
        return
    ws = book.wb.add_worksheet("個表（記載案）")
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(2)
    widest = max([*v.new_sheets, *v.changed_sheets], key=lambda s: s.columns)
    cols, widths = widest.columns, list(widest.widths)  # the 個表 look's, as the grid lays out
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    r = 0
    for title, sheets in (("【新規】", v.new_sheets), ("【変更】", v.changed_sheets)):
        if not sheets:
            continue
        book.put(ws, r, 0, [Segment(f"{title}{len(sheets)}事業")], (1, cols), bold=True)
        r += 2
        for sheet in sheets:
            r = _write_sheet(book, ws, r, sheet, widths) + 1
    if v.changed_sheets:
        legend = "（【変更】の赤の取消線は削除、赤の下線は追加した記述です）"
        ws.write_string(r, 0, legend, book.fmt(font_size=9))


def _write_sheet(book: _Book, ws: Any, r0: int, sheet: SheetView, widths: list[float]) -> int:
    pos: dict[tuple[int, int], Cell] = {}
    for r, line in enumerate(sheet.grid()):
        for c, cell in enumerate(line):
            if cell is not None:
                pos[(r, c)] = cell
    for (r, c), cell in pos.items():
        span = (cell.rowspan, min(cell.colspan, len(widths) - c))
        props: dict[str, Any] = {"border": 1}
        if cell.head:
            props.update(bg_color="#F2F2F2", align="center")
        elif cell.align:
            props["align"] = "right" if cell.align == "num" else "center"
        book.put(ws, r0 + r, c, cell.segments, span, **props)
    for r, height in enumerate(sheet.heights):
        ws.set_row(r0 + r, height)
    r = r0 + len(sheet.rows)
    for s in sheet.notes:
        book.put(ws, r, 0, [s], (1, len(widths)), font_size=9)
        r += 1
    return r + 1
