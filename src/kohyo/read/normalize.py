"""Normalising what staff type (contract §3). Pure functions, no I/O."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kohyo.model.project import DASH, CellKind

DASHES = frozenset("—―－ー-‐–−‒⁃﹣")
_DASH_CHARS = "".join(sorted(DASHES))
_WS = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_YEAR = re.compile(r"^(\d{4})(?:年度?)?$")
_ERA_YEAR = re.compile(r"^(令和|平成|R|H)(\d{1,2}|元)(?:年度?)?$", re.IGNORECASE)
_ERA_BASE = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def label_key(text: object) -> str:
    """The form used to match labels: NFKC, every kind of white space removed."""
    if not isinstance(text, str):
        return ""
    return _WS.sub("", nfkc(text))


def fold_ws(text: str) -> str:
    """Collapse runs of white space (incl. line breaks, full-width spaces) to one space."""
    return _WS.sub(" ", text.replace("\u3000", " ")).strip()


def clean_text(text: str) -> str:
    """Free text as dump shows it: original characters, line breaks as \\n, ends trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def is_dash(text: object) -> bool:
    if not isinstance(text, str):
        return False
    t = text.strip().replace("\u3000", "")
    return 1 <= len(t) <= 3 and not t.strip(_DASH_CHARS)  # only dashes


# Excel keeps 15 significant digits: an amount with more is not one staff typed. Bounding
# it here also keeps 400-digit integers out of float arithmetic (OverflowError).
MAX_AMOUNT = 10**15


@dataclass(frozen=True)
class ParsedAmount:
    value: int | str | None  # int, DASH, or None
    kind: CellKind


# The readings without a number, made once.
_BLANK = ParsedAmount(None, CellKind.BLANK)
_DASH = ParsedAmount(DASH, CellKind.DASH)
_INVALID = ParsedAmount(None, CellKind.INVALID)
_NOT_INTEGER = ParsedAmount(None, CellKind.NOT_INTEGER)
_TOO_LARGE = ParsedAmount(None, CellKind.TOO_LARGE)


def parse_amount(raw: object, *, is_text_cell: bool) -> ParsedAmount:
    """Interpret a cost cell. *raw* is a number, a string, or None."""
    if isinstance(raw, bool):
        return _INVALID
    if isinstance(raw, int):  # the most common, so asked first
        if not abs(raw) < MAX_AMOUNT:
            return _TOO_LARGE
        return ParsedAmount(int(raw), CellKind.NUMBER)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _BLANK
    if isinstance(raw, float):
        if raw != raw:  # NaN
            return _NOT_INTEGER
        if not abs(raw) < MAX_AMOUNT:
            return _TOO_LARGE
        if raw.is_integer():
            return ParsedAmount(int(raw), CellKind.NUMBER)
        return _NOT_INTEGER
    text = str(raw)
    if is_dash(text):
        return _DASH
    number = parse_number_text(text)
    if number is None:
        return _INVALID
    if not abs(number) < MAX_AMOUNT:
        return _TOO_LARGE
    if not float(number).is_integer():
        return _NOT_INTEGER
    kind = CellKind.NUMBER_AS_TEXT if is_text_cell else CellKind.NUMBER
    return ParsedAmount(int(number), kind)


def parse_number_text(text: str) -> int | float | None:
    """'21,833', '２１，８３３', ' 215 ', '△100' (a Japanese minus) -> a number, else None."""
    t = _WS.sub("", nfkc(text))
    negative = False
    if t[:1] in ("△", "▲"):
        negative, t = True, t[1:]
    t = t.replace("−", "-")
    if not _NUMBER.match(t):
        return None
    value = float(t.replace(",", ""))
    if negative:
        value = -value
    return int(value) if value.is_integer() else value


def parse_fiscal_year(text: object) -> int | None:
    """'2020年度', '2020', 'R2年度', '令和２年度', '令和元年度', 'H31' -> the western fiscal year."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        # The range first: float() of a 400-digit integer overflows.
        return int(text) if 1900 < text < 2300 and float(text).is_integer() else None
    if not isinstance(text, str):
        return None
    t = label_key(text)
    m = _YEAR.match(t)
    if m:
        return int(m.group(1))
    m = _ERA_YEAR.match(t)
    if m:
        era = m.group(1)
        era = era.upper() if len(era) == 1 else era
        n = 1 if m.group(2) == "元" else int(m.group(2))
        return _ERA_BASE[era] + n
    return None


def parse_target_year(header: str) -> int | None:
    """'目標値（2024年度）' / '目標値(令和6年度)' -> 2024."""
    key = label_key(header)
    m = re.search(r"[(（]([^()（）]+)[)）]", key)
    if m:
        year = parse_fiscal_year(m.group(1))
        if year is not None:
            return year
    m = re.search(r"(\d{4})年度?", key)
    if m:
        return int(m.group(1))
    m = re.search(r"(令和|平成|R|H)(\d{1,2}|元)年度?", key, re.IGNORECASE)
    return parse_fiscal_year(m.group(0)) if m else None


def split_municipalities(label: str) -> list[str]:
    """'青森市、平内町' / '青森市・平内町' / '青森市 平内町' -> names (NFKC, trimmed)."""
    t = nfkc(label)
    parts = re.split(r"[、,，・/／;；\s]+", t)
    return [p.strip() for p in parts if p.strip()]


def wareki(year: int, month: int | None = None, day: int | None = None) -> str:
    """Japanese era form of a western date or year (令和 from 2019-05-01)."""
    if (year, month or 12, day or 31) >= (2019, 5, 1):
        n, era = year - 2018, "令和"
    else:
        n, era = year - 1988, "平成"
    ns = "元" if n == 1 else str(n)
    out = f"{era}{ns}年"
    if month is not None:
        out += f"{month}月"
        if day is not None:
            out += f"{day}日"
    return out


_MERGE_REF = re.compile(r"(?:NO|No|no|№|事業番号|番号)\.?\s*(\d+)\s*(?:に|へ)\s*(?:統合|移行|集約)")


def merge_references(text: str) -> list[int]:
    """Project numbers named as the one this project merged into: 'NO.4に統合' -> [4]."""
    return [int(m.group(1)) for m in _MERGE_REF.finditer(nfkc(text))]
