"""The booklet's own look: its 表紙 and 目次, page texts and the gap between 個表.

Read from ``templates/book.toml`` and checked by the machinery of every look file
(:mod:`kohyo.layout.look`). Paper, margins, fonts and the 個表 themselves follow the 個表
look (``templates/kohyo_sheet.toml``), as the towns' workbooks do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kohyo.layout.look import (
    NUMBER,
    Schema,
    check_colour,
    check_font_size,
    check_nonempty,
    check_template,
    check_width,
    look_values,
    read_look_file,
)
from kohyo.messages import t
from kohyo.model.excel import sheet_name_problem

WHAT = "look.what.book"  # a message key
PAGE_FIELDS = ("area", "date", "date_wareki")
COVER_FIELDS = (*PAGE_FIELDS, "count")


@dataclass(frozen=True)
class BookLook:
    title_size: float = 20.0
    subtitle_size: float = 16.0
    line_size: float = 12.0
    contents_size: float = 10.5
    header_fill: str = "#DDEBF7"
    number_width: float = 9.0
    name_width: float = 60.0
    page_width: float = 10.0
    gap: float = 18.0  # points between two 個表 on one page
    header: str = ""
    footer: str = "&C&P"
    cover_sheet: str = "表紙"
    title: str = "{area}ビジョン"
    subtitle: str = "具体的取組 個表"
    count_line: str = "（具体的取組 {count}事業）"
    date_line: str = "{date_wareki}"
    contents_sheet: str = "目次"
    contents_title: str = "目次"
    col_number: str = "事業番号"
    col_name: str = "事業名"
    col_page: str = "ページ"
    kohyo_sheet: str = "個表"


def _gap(v: float) -> str | None:
    return None if 0 <= v <= 200 else t("book.look.gap")


def _sheet_name(v: str) -> str | None:
    problem = sheet_name_problem(v)
    return None if problem is None else t("book.look.sheet_name", problem=problem)


_page = check_template(PAGE_FIELDS)
_cover = check_template(COVER_FIELDS)
_SCHEMA: Schema = {
    ("font", "title_size"): ("title_size", NUMBER, check_font_size),
    ("font", "subtitle_size"): ("subtitle_size", NUMBER, check_font_size),
    ("font", "line_size"): ("line_size", NUMBER, check_font_size),
    ("font", "contents_size"): ("contents_size", NUMBER, check_font_size),
    ("color", "header_fill"): ("header_fill", str, check_colour),
    ("columns", "number"): ("number_width", NUMBER, check_width),
    ("columns", "name"): ("name_width", NUMBER, check_width),
    ("columns", "page"): ("page_width", NUMBER, check_width),
    ("rows", "gap"): ("gap", NUMBER, _gap),
    ("page", "header"): ("header", str, _page),
    ("page", "footer"): ("footer", str, _page),
    ("cover", "sheet_name"): ("cover_sheet", str, _sheet_name),
    ("cover", "title"): ("title", str, _cover),
    ("cover", "subtitle"): ("subtitle", str, _cover),
    ("cover", "count_line"): ("count_line", str, _cover),
    ("cover", "date_line"): ("date_line", str, _cover),
    ("contents", "sheet_name"): ("contents_sheet", str, _sheet_name),
    ("contents", "title"): ("contents_title", str, check_nonempty),
    ("contents", "col_number"): ("col_number", str, check_nonempty),
    ("contents", "col_name"): ("col_name", str, check_nonempty),
    ("contents", "col_page"): ("col_page", str, check_nonempty),
    ("kohyo", "sheet_name"): ("kohyo_sheet", str, _sheet_name),
}


def load_book_look(path: str | Path) -> BookLook:
    """Read the booklet's look file; missing keys keep their defaults; LookError on a bad value."""
    return BookLook(**look_values(read_look_file(path, WHAT), _SCHEMA, str(Path(path)), WHAT))
