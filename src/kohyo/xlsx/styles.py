"""Cell styles for generated sheets, appended to ``styles.xml``.

Existing fonts, fills, borders, number formats and cell formats never move:
a style is matched against the entries already there (an identical one is
reused, so patching twice leaves ``styles.xml`` byte-identical) and otherwise
appended, with the collection's ``count`` updated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from kohyo.xlsx.xmlbytes import MAIN_NS, parse_xml, serialize_like

_M = f"{{{MAIN_NS}}}"
_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
_BUILTIN_FORMATS = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
    "@": 49,
}
_HORIZONTAL = {
    "general",
    "left",
    "center",
    "right",
    "fill",
    "justify",
    "centerContinuous",
    "distributed",
}
_VERTICAL = {"top", "center", "bottom", "justify", "distributed"}
_FIRST_CUSTOM_FORMAT = 164


@dataclass(frozen=True)
class StyleSpec:
    """The look of a cell. ``None`` font fields take the workbook's default font;
    colours are ``"RRGGBB"`` (``#`` optional) or ``"AARRGGBB"``."""

    font_name: str | None = None
    font_size: float | None = None
    bold: bool = False
    font_color: str | None = None
    fill_color: str | None = None
    border: bool = False  # thin lines on all four sides
    number_format: str | None = None  # e.g. "#,##0"; None = General
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False

    def __post_init__(self) -> None:
        if self.horizontal is not None and self.horizontal not in _HORIZONTAL:
            raise ValueError(f"unknown horizontal alignment {self.horizontal!r}")
        if self.vertical is not None and self.vertical not in _VERTICAL:
            raise ValueError(f"unknown vertical alignment {self.vertical!r}")
        for color in (self.font_color, self.fill_color):
            if color is not None:
                argb(color)


def argb(color: str) -> str:
    """``"#1F4E78"`` -> ``"FF1F4E78"``."""
    text = color.lstrip("#").upper()
    if re.fullmatch(r"[0-9A-F]{6}", text):
        return "FF" + text
    if re.fullmatch(r"[0-9A-F]{8}", text):
        return text
    raise ValueError(f"not a colour: {color!r}")


def _canon(el: etree._Element) -> tuple:
    children = tuple(_canon(ch) for ch in el if isinstance(ch.tag, str))
    return (etree.QName(el).localname, tuple(sorted(el.attrib.items())), children)


def _fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class StyleBook:
    """``styles.xml`` with an append-only registry of cell formats."""

    def __init__(self, data: bytes) -> None:
        self.original = data
        self.root = parse_xml(data)
        self.changed = False
        self._cache: dict[StyleSpec, int] = {}

    def xf_index(self, spec: StyleSpec) -> int:
        """The ``cellXfs`` index that renders ``spec`` (reused or appended)."""
        if spec not in self._cache:
            self._cache[spec] = self._xf_index(spec)
        return self._cache[spec]

    def to_bytes(self) -> bytes:
        return serialize_like(self.root, self.original)

    # -- collections

    def _collection(self, name: str) -> etree._Element:
        coll = self.root.find(_M + name)
        if coll is not None:
            return coll
        coll = etree.Element(_M + name, count="0")
        later = [self.root.find(_M + n) for n in _ORDER[_ORDER.index(name) + 1 :]]
        anchor = next((el for el in later if el is not None), None)
        if anchor is not None:
            anchor.addprevious(coll)
        else:
            self.root.append(coll)
        self.changed = True
        defaults = {
            "fonts": ['<font><sz val="11"/><name val="Calibri"/></font>'],
            "fills": [
                '<fill><patternFill patternType="none"/></fill>',
                '<fill><patternFill patternType="gray125"/></fill>',
            ],
            "borders": ["<border><left/><right/><top/><bottom/><diagonal/></border>"],
            "cellXfs": ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'],
        }
        for xml in defaults.get(name, []):
            self._append(coll, etree.fromstring(xml.replace(">", f' xmlns="{MAIN_NS}">', 1)))
        return coll

    def _append(self, coll: etree._Element, el: etree._Element) -> int:
        if len(coll) and coll[-1].tail:
            el.tail = coll[-1].tail
        coll.append(el)
        coll.set("count", str(sum(1 for ch in coll if isinstance(ch.tag, str))))
        self.changed = True
        return len([ch for ch in coll if isinstance(ch.tag, str)]) - 1

    def _index(self, name: str, el: etree._Element) -> int:
        """Index of an entry identical to ``el`` in collection ``name``, appending it if new."""
        coll = self._collection(name)
        key = _canon(el)
        entries = [ch for ch in coll if isinstance(ch.tag, str)]
        for i, ch in enumerate(entries):
            if _canon(ch) == key:
                return i
        return self._append(coll, el)

    # -- entries

    def _sub(self, parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
        return etree.SubElement(parent, _M + tag, attrs)

    def _font_id(self, spec: StyleSpec) -> int:
        if (spec.font_name, spec.font_size, spec.bold, spec.font_color) == (
            None,
            None,
            False,
            None,
        ):
            return 0
        base = self._collection("fonts")[0] if len(self._collection("fonts")) else None
        base_attr = {ch.tag: ch.get("val") for ch in base} if base is not None else {}
        name = spec.font_name or base_attr.get(_M + "name") or "Calibri"
        size = spec.font_size or float(base_attr.get(_M + "sz") or 11)
        font = etree.Element(_M + "font")
        if spec.bold:
            self._sub(font, "b")
        self._sub(font, "sz", val=_fmt_number(size))
        if spec.font_color:
            self._sub(font, "color", rgb=argb(spec.font_color))
        self._sub(font, "name", val=name)
        if name == base_attr.get(_M + "name"):
            for extra in ("family", "charset"):
                if base_attr.get(_M + extra):
                    self._sub(font, extra, val=base_attr[_M + extra])
        return self._index("fonts", font)

    def _fill_id(self, spec: StyleSpec) -> int:
        if spec.fill_color is None:
            return 0
        fill = etree.Element(_M + "fill")
        pattern = self._sub(fill, "patternFill", patternType="solid")
        self._sub(pattern, "fgColor", rgb=argb(spec.fill_color))
        self._sub(pattern, "bgColor", indexed="64")
        return self._index("fills", fill)

    def _border_id(self, spec: StyleSpec) -> int:
        if not spec.border:
            return 0
        border = etree.Element(_M + "border")
        for side in ("left", "right", "top", "bottom"):
            self._sub(self._sub(border, side, style="thin"), "color", indexed="64")
        self._sub(border, "diagonal")
        return self._index("borders", border)

    def _num_fmt_id(self, spec: StyleSpec) -> int:
        code = spec.number_format
        if code is None:
            return 0
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        coll = self.root.find(_M + "numFmts")
        entries = list(coll.iterfind(_M + "numFmt")) if coll is not None else []
        for nf in entries:
            if nf.get("formatCode") == code:
                return int(nf.get("numFmtId", "0"))
        new_id = (
            max([_FIRST_CUSTOM_FORMAT - 1, *(int(nf.get("numFmtId", 0)) for nf in entries)]) + 1
        )
        nf = etree.Element(_M + "numFmt", numFmtId=str(new_id), formatCode=code)
        self._append(self._collection("numFmts"), nf)
        return new_id

    def _xf_index(self, spec: StyleSpec) -> int:
        ids = {
            "numFmtId": self._num_fmt_id(spec),
            "fontId": self._font_id(spec),
            "fillId": self._fill_id(spec),
            "borderId": self._border_id(spec),
        }
        xf = etree.Element(_M + "xf", {k: str(v) for k, v in ids.items()})
        style_xfs = self.root.find(_M + "cellStyleXfs")
        if style_xfs is not None and len(style_xfs):
            xf.set("xfId", "0")
        flags = {
            "applyNumberFormat": ids["numFmtId"],
            "applyFont": ids["fontId"],
            "applyFill": ids["fillId"],
            "applyBorder": ids["borderId"],
        }
        for attr, value in flags.items():
            if value:
                xf.set(attr, "1")
        align = {
            "horizontal": spec.horizontal,
            "vertical": spec.vertical,
            "wrapText": "1" if spec.wrap else None,
        }
        if any(align.values()):
            xf.set("applyAlignment", "1")
            self._sub(xf, "alignment", **{k: v for k, v in align.items() if v})
        return self._index("cellXfs", xf)
