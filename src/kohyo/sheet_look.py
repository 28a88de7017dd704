"""The look of a 個表 sheet (fonts, colours, widths, print setup), read from a TOML file.

Staff restyle the sheets by editing ``templates/kohyo_sheet.toml``; nothing about
the look is hard-coded in the writer. Every value is checked here so that a typo
ends with one Japanese message naming the key, not with a broken workbook.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

PAPER_SIZES = {"A4": 9, "A3": 8, "B4": 12, "B5": 13, "Letter": 1}
"""Paper names staff may use, mapped to Excel's paperSize codes (B4/B5 are JIS sizes)."""

BORDER_STYLES = {
    "none": 0, "thin": 1, "medium": 2, "dashed": 3, "dotted": 4,
    "thick": 5, "double": 6, "hair": 7,
}  # fmt: skip
"""Border names mapped to XlsxWriter's border indices."""

PLACEHOLDERS = ("area", "number", "name", "sheet")
"""What ``{…}`` may name in the header and footer text."""

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


class LookError(ConfigError):
    """The look file is missing, unreadable or holds a bad value (exit code 2)."""


@dataclass(frozen=True)
class SheetLook:
    """Everything about how a 個表 looks; the grid itself follows the contract."""

    font_name: str = "ＭＳ Ｐゴシック"
    font_size: float = 10.5
    note_font_size: float = 9.0
    label_bold: bool = False
    label_fill: str = "#DDEBF7"
    header_fill: str = "#F2F2F2"
    border: str = "thin"
    border_color: str = "#000000"
    label_width: float = 16.0  # column A, in Excel's column-width units
    year_width: float = 12.0  # each fiscal-year column (B, C, …)
    total_width: float = 13.0  # the 計 column
    line_spacing: float = 1.3  # one text line is font size × this, in points
    row_padding: float = 4.0  # points added to every row's text height
    min_row_height: float = 18.0
    gridlines: bool = False  # gridlines on screen (never printed)
    paper: str = "A4"
    landscape: bool = False
    fit_to_width: bool = True
    center_horizontally: bool = True
    margin_left: float = 1.5  # centimetres, as Excel's ページ設定 shows them
    margin_right: float = 1.5
    margin_top: float = 2.0
    margin_bottom: float = 1.5
    margin_header: float = 0.8
    margin_footer: float = 0.8
    header: str = "&L{area}&R事業番号 {number}"
    footer: str = "&C&P / &N"


# (section, key) -> (field, kind, check). check returns a problem text or None.
def _positive(v: float) -> str | None:
    return None if v > 0 else "0 より大きい数を指定してください"


def _font_size(v: float) -> str | None:
    return None if 6 <= v <= 72 else "6〜72 ポイントの範囲で指定してください"


def _width(v: float) -> str | None:
    return None if 1 <= v <= 100 else "1〜100 の範囲で指定してください"


def _margin(v: float) -> str | None:
    return None if 0 <= v <= 10 else "0〜10 cm の範囲で指定してください"


def _colour(v: str) -> str | None:
    return None if _COLOUR.fullmatch(v) else "色は #RRGGBB の形（例: #DDEBF7）で指定してください"


def _choice(options: dict[str, int]) -> Any:
    def check(v: str) -> str | None:
        return None if v in options else f"{'、'.join(options)} のいずれかを指定してください"

    return check


def _page_text(v: str) -> str | None:
    try:
        v.format(**{k: "" for k in PLACEHOLDERS})
    except (KeyError, IndexError, ValueError) as exc:
        names = " ".join("{" + k + "}" for k in PLACEHOLDERS)
        return f"差し込みに使えるのは {names} だけです（{exc}）"
    return None if len(v) <= 200 else "200 文字以内にしてください"


def _nonempty(v: str) -> str | None:
    return None if v.strip() else "空にはできません"


def _always_ok(v: Any) -> str | None:
    return None


_NUM = (int, float)
_SCHEMA: dict[tuple[str, str], tuple[str, Any, Any]] = {
    ("font", "name"): ("font_name", str, _nonempty),
    ("font", "size"): ("font_size", _NUM, _font_size),
    ("font", "note_size"): ("note_font_size", _NUM, _font_size),
    ("font", "label_bold"): ("label_bold", bool, _always_ok),
    ("color", "label_fill"): ("label_fill", str, _colour),
    ("color", "header_fill"): ("header_fill", str, _colour),
    ("color", "border"): ("border_color", str, _colour),
    ("border", "style"): ("border", str, _choice(BORDER_STYLES)),
    ("columns", "label"): ("label_width", _NUM, _width),
    ("columns", "year"): ("year_width", _NUM, _width),
    ("columns", "total"): ("total_width", _NUM, _width),
    ("rows", "line_spacing"): ("line_spacing", _NUM, _positive),
    ("rows", "padding"): ("row_padding", _NUM, _margin),
    ("rows", "min_height"): ("min_row_height", _NUM, _positive),
    ("sheet", "gridlines"): ("gridlines", bool, _always_ok),
    ("page", "paper"): ("paper", str, _choice(PAPER_SIZES)),
    ("page", "landscape"): ("landscape", bool, _always_ok),
    ("page", "fit_to_width"): ("fit_to_width", bool, _always_ok),
    ("page", "center_horizontally"): ("center_horizontally", bool, _always_ok),
    ("page", "header"): ("header", str, _page_text),
    ("page", "footer"): ("footer", str, _page_text),
    ("margins", "left"): ("margin_left", _NUM, _margin),
    ("margins", "right"): ("margin_right", _NUM, _margin),
    ("margins", "top"): ("margin_top", _NUM, _margin),
    ("margins", "bottom"): ("margin_bottom", _NUM, _margin),
    ("margins", "header"): ("margin_header", _NUM, _margin),
    ("margins", "footer"): ("margin_footer", _NUM, _margin),
}

_KIND_JA = {str: "文字列", bool: "true または false", _NUM: "数値"}


def load_look(path: str | Path) -> SheetLook:
    """Read *path* (TOML); missing keys keep their defaults; raise LookError on a bad value."""
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise LookError(f"個表の書式ファイルが見つかりません: {p}", path=str(p)) from None
    except UnicodeDecodeError:
        raise LookError(f"個表の書式ファイルを UTF-8 として読めません: {p}", path=str(p)) from None
    except tomllib.TOMLDecodeError as exc:
        raise LookError(
            f"個表の書式ファイルの書き方に誤りがあります: {p}: {exc}", path=str(p)
        ) from None
    except OSError as exc:
        raise LookError(
            f"個表の書式ファイルを開けません: {p}: {exc.strerror}", path=str(p)
        ) from None
    return look_from_dict(raw, source=str(p))


def look_from_dict(raw: dict[str, Any], source: str = "書式") -> SheetLook:
    """Build a SheetLook from already-parsed TOML tables (see ``load_look``)."""

    def fail(key: str, problem: str) -> LookError:
        return LookError(
            f"個表の書式ファイル {source} の {key} が正しくありません: {problem}", path=source
        )

    sections = {s for s, _ in _SCHEMA}
    values: dict[str, Any] = {}
    for section, table in raw.items():
        if section not in sections:
            raise fail(section, f"知らない項目です（使えるのは {'、'.join(sorted(sections))}）")
        if not isinstance(table, dict):
            raise fail(section, f"[{section}] の表として書いてください")
        for key, value in table.items():
            full = f"{section}.{key}"
            if (section, key) not in _SCHEMA:
                known = "、".join(k for s, k in _SCHEMA if s == section)
                raise fail(full, f"知らない項目です（[{section}] に書けるのは {known}）")
            field_name, kind, check = _SCHEMA[(section, key)]
            if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
                raise fail(full, f"{_KIND_JA[kind]}を指定してください（値: {value!r}）")
            problem = check(value)
            if problem:
                raise fail(full, f"{problem}（値: {value!r}）")
            values[field_name] = float(value) if kind is _NUM else value
    return SheetLook(**values)
