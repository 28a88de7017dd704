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

from kohyo.errors import ConfigError
from kohyo.messages import t

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
class PrintLook:
    """How a sheet prints; the 個表 look and the cover's look both have these keys."""

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


@dataclass(frozen=True)
class SheetLook(PrintLook):
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
    header: str = "&L{area}&R事業番号 {number}"
    footer: str = "&C&P / &N"


# Checks return a problem text, or None when the value is fine.
def check_positive(v: float) -> str | None:
    return None if v > 0 else t("look.check.positive")


def check_font_size(v: float) -> str | None:
    return None if 6 <= v <= 72 else t("look.check.font_size")


def check_width(v: float) -> str | None:
    return None if 1 <= v <= 100 else t("look.check.width")


def check_margin(v: float) -> str | None:
    return None if 0 <= v <= 10 else t("look.check.margin")


def check_colour(v: str) -> str | None:
    return None if _COLOUR.fullmatch(v) else t("look.check.colour")


def check_choice(options: dict[str, int]) -> Any:
    def check(v: str) -> str | None:
        return (
            None
            if v in options
            else t("look.check.choice", options=t("list.separator").join(options))
        )

    return check


def check_template(placeholders: tuple[str, ...], limit: int = 200) -> Any:
    """A check for text with ``{…}`` fields: only *placeholders* may be named."""

    def check(v: str) -> str | None:
        try:
            v.format(**{k: "" for k in placeholders})
        except (KeyError, IndexError, ValueError) as exc:
            names = " ".join("{" + k + "}" for k in placeholders)
            return t("look.check.placeholders", names=names, detail=exc)
        return None if len(v) <= limit else t("look.check.length", limit=limit)

    return check


_page_text = check_template(PLACEHOLDERS)


def check_nonempty(v: str) -> str | None:
    return None if v.strip() else t("look.check.nonempty")


def check_any(v: Any) -> str | None:
    return None


NUMBER = (int, float)
Schema = dict[tuple[str, str], tuple[str, Any, Any]]
"""(section, key) -> (field, kind, check); the order of a section's keys is the order
messages list them in."""

# The keys every look file has. Each group stands where it does in both files.
FONT_KEYS: Schema = {
    ("font", "name"): ("font_name", str, check_nonempty),
    ("font", "size"): ("font_size", NUMBER, check_font_size),
}
BORDER_KEYS: Schema = {
    ("color", "border"): ("border_color", str, check_colour),
    ("border", "style"): ("border", str, check_choice(BORDER_STYLES)),
}
LAYOUT_KEYS: Schema = {
    ("columns", "year"): ("year_width", NUMBER, check_width),
    ("columns", "total"): ("total_width", NUMBER, check_width),
    ("rows", "line_spacing"): ("line_spacing", NUMBER, check_positive),
    ("rows", "padding"): ("row_padding", NUMBER, check_margin),
    ("rows", "min_height"): ("min_row_height", NUMBER, check_positive),
    ("sheet", "gridlines"): ("gridlines", bool, check_any),
    ("page", "paper"): ("paper", str, check_choice(PAPER_SIZES)),
    ("page", "landscape"): ("landscape", bool, check_any),
    ("page", "fit_to_width"): ("fit_to_width", bool, check_any),
    ("page", "center_horizontally"): ("center_horizontally", bool, check_any),
}
MARGIN_KEYS: Schema = {
    ("margins", "left"): ("margin_left", NUMBER, check_margin),
    ("margins", "right"): ("margin_right", NUMBER, check_margin),
    ("margins", "top"): ("margin_top", NUMBER, check_margin),
    ("margins", "bottom"): ("margin_bottom", NUMBER, check_margin),
    ("margins", "header"): ("margin_header", NUMBER, check_margin),
    ("margins", "footer"): ("margin_footer", NUMBER, check_margin),
}

_SCHEMA: Schema = {
    **FONT_KEYS,
    ("font", "note_size"): ("note_font_size", NUMBER, check_font_size),
    ("font", "label_bold"): ("label_bold", bool, check_any),
    ("color", "label_fill"): ("label_fill", str, check_colour),
    ("color", "header_fill"): ("header_fill", str, check_colour),
    **BORDER_KEYS,
    ("columns", "label"): ("label_width", NUMBER, check_width),
    **LAYOUT_KEYS,
    ("page", "header"): ("header", str, _page_text),
    ("page", "footer"): ("footer", str, _page_text),
    **MARGIN_KEYS,
}

_KIND_KEY = {str: "look.kind.str", bool: "look.kind.bool", NUMBER: "look.kind.number"}


def load_look(path: str | Path) -> SheetLook:
    """Read *path* (TOML); missing keys keep their defaults; raise LookError on a bad value."""
    return look_from_dict(read_look_file(path), source=str(Path(path)))


def look_from_dict(raw: dict[str, Any], source: str = "") -> SheetLook:
    """Build a SheetLook from already-parsed TOML tables (see ``load_look``)."""
    return SheetLook(**look_values(raw, _SCHEMA, source or t("look.what.dict")))


def read_look_file(path: str | Path, what: str = "look.what.kohyo") -> dict[str, Any]:
    """The TOML tables of a look file; *what* (a message key) names the file in messages."""
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise LookError(t("look.missing", what=t(what), path=p), path=str(p)) from None
    except UnicodeDecodeError:
        raise LookError(t("look.not_utf8", what=t(what), path=p), path=str(p)) from None
    except tomllib.TOMLDecodeError as exc:
        raise LookError(t("look.syntax", what=t(what), path=p, detail=exc), path=str(p)) from None
    except OSError as exc:
        raise LookError(
            t("look.unreadable", what=t(what), path=p, reason=exc.strerror), path=str(p)
        ) from None


def look_values(
    raw: dict[str, Any],
    schema: Schema,
    source: str,
    what: str = "look.what.kohyo",
) -> dict[str, Any]:
    """Check *raw* against *schema* ((section, key) -> (field, kind, check)); return field values.

    Another look file (e.g. the distribution's cover) reuses this with its own schema.
    """

    def fail(key: str, problem: str) -> LookError:
        return LookError(
            t("look.bad_value", what=t(what), source=source, key=key, problem=problem), path=source
        )

    sections = {s for s, _ in schema}
    values: dict[str, Any] = {}
    for section, table in raw.items():
        if section not in sections:
            raise fail(
                section,
                t("look.unknown_section", known=t("list.separator").join(sorted(sections))),
            )
        if not isinstance(table, dict):
            raise fail(section, t("look.not_table", section=section))
        for key, value in table.items():
            full = f"{section}.{key}"
            if (section, key) not in schema:
                known = t("list.separator").join(k for s, k in schema if s == section)
                raise fail(full, t("look.unknown_key", section=section, known=known))
            field_name, kind, check = schema[(section, key)]
            if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
                raise fail(full, t("look.wrong_kind", kind=t(_KIND_KEY[kind]), value=repr(value)))
            problem = check(value)
            if problem:
                raise fail(full, t("look.problem", problem=problem, value=repr(value)))
            values[field_name] = float(value) if kind is NUMBER else value
    return values
