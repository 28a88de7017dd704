"""Byte-level XML helpers shared by the patcher modules.

A small tag scanner (comments, CDATA and processing instructions skipped),
attribute editing inside one tag, splicing of byte ranges, escaping, a safe
parser, A1 reference arithmetic, and the encoding of one ``<c>`` cell element.
Every edit made with these helpers is re-parsed by its caller before it is accepted.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from lxml import etree

from kohyo.errors import KohyoError
from kohyo.messages import t
from kohyo.model.chars import strip_unsafe_text

Value = int | float | str | None

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_M = f"{{{MAIN_NS}}}"

# --------------------------------------------------------------------------- text and XML

ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 cannot carry (tab and line feed can), and lone surrogates."""
_X_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def clean_text(text: str) -> str:
    """``text`` without characters XML 1.0 cannot carry, nor control or bidi characters
    (:mod:`kohyo.model.chars`), line breaks as ``\n`` (a parser would turn a literal CR
    into LF anyway; Excel breaks lines with LF)."""
    return strip_unsafe_text(ILLEGAL_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


def esc(text: str) -> str:
    """Escape element text (also fine inside double-quoted attributes)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def esc_attr(text: str) -> str:
    return esc(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def serialize_like(root: etree._Element, original: bytes) -> bytes:
    """``root`` as UTF-8 bytes, keeping ``original``'s XML declaration when it is UTF-8."""
    body = etree.tostring(root, encoding="UTF-8")
    m = re.match(rb"<\?xml[^>]*\?>\s*", original)
    if m and (b"encoding" not in m.group(0) or re.search(rb"(?i)utf-8", m.group(0))):
        return m.group(0) + body
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body


_UTF16_DECL = re.compile(
    rb"""^(<\?xml[^>]*?\sencoding\s*=\s*["'])[Uu][Tt][Ff]-?16(?:[LlBb][Ee])?(["'])"""
)


def as_utf8(data: bytes) -> bytes:
    """A UTF-16 part (which OOXML allows and the reader accepts) as UTF-8, declaration
    included: the patcher edits parts as UTF-8 bytes. Anything else is returned as is."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif data.startswith(b"<\0"):
        text = data.decode("utf-16-le")
    elif data.startswith(b"\0<"):
        text = data.decode("utf-16-be")
    else:
        return data
    return _UTF16_DECL.sub(rb"\1UTF-8\2", text.encode("utf-8"), count=1)


def parse_xml(data: bytes) -> etree._Element:
    """Parse a package part: no DTDs, no entities, no network."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise KohyoError(t("patch.doctype"))
    return etree.fromstring(data, _PARSER)


def check_well_formed(data: bytes) -> None:
    """Raise :class:`PartMalformed` unless *data* is well-formed XML, every namespace prefix
    bound, no DOCTYPE: the check of a part kohyo built itself, where no tree is needed
    (expat builds none: a quarter of lxml's time on the 総括表 of 2,000 rows)."""
    from xml.parsers import expat  # only where a part is built: reading never needs it

    parser = expat.ParserCreate(namespace_separator=" ")

    def doctype(*_args: object) -> None:
        raise PartMalformed("DOCTYPE")

    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise PartMalformed(str(exc)) from None


class PartMalformed(ValueError):
    """A part kohyo built is not well-formed XML (a bug: it is never written)."""


_TAG = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>"
    rb"|<(/?)([A-Za-z_][\w.:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)\s*(/?)>",
    re.S,
)
_ATTR = re.compile(rb"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


@dataclass(frozen=True)
class Tag:
    """A start, end or empty tag found in a part's bytes."""

    qname: bytes
    start: int
    end: int
    closing: bool
    empty: bool
    attr_text: bytes

    @property
    def local(self) -> bytes:
        return self.qname.rpartition(b":")[2]

    def attrs(self) -> dict[bytes, bytes]:
        return {m[1]: m[2] if m[2] is not None else m[3] for m in _ATTR.finditer(self.attr_text)}


@functools.lru_cache(maxsize=64)
def _tags_named(names: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """:data:`_TAG` for the tags of *names* (local names) only: the regex engine skips the
    others itself (workbook.xml of a 2,000-sheet master has 2,000 ``<sheet>`` tags)."""
    alternatives = b"|".join(re.escape(n) for n in names)
    return re.compile(
        rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>"
        rb"|<(/?)((?:[A-Za-z_][\w.-]*:)?(?:" + alternatives + rb"))(?=[\s/>])"
        rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)\s*(/?)>",
        re.S,
    )


def iter_tags(
    data: bytes, pos: int = 0, endpos: int | None = None, names: tuple[bytes, ...] | None = None
) -> Iterator[Tag]:
    """Tags of ``data`` in document order, skipping comments, CDATA and PIs; with *names*,
    only the tags of those local names."""
    pattern = _TAG if names is None else _tags_named(names)
    for m in pattern.finditer(data, pos, len(data) if endpos is None else endpos):
        if m.group(2) is not None:
            yield Tag(
                m.group(2), m.start(), m.end(), m.group(1) == b"/", m.group(4) == b"/", m.group(3)
            )


def set_attrs(tag_bytes: bytes, values: dict[str, str | None]) -> bytes:
    """``tag_bytes`` (one start/empty tag) with attributes set (None removes them)."""
    out = tag_bytes
    for name, value in values.items():
        key = name.encode()
        m = next((m for m in _ATTR.finditer(out) if m.group(1) == key), None)
        if value is None:
            out = out[: m.start()].rstrip() + out[m.end() :] if m else out
            continue
        attr = key + b'="' + esc_attr(value).encode() + b'"'
        if m:
            out = out[: m.start()] + attr + out[m.end() :]
        else:
            close = 2 if out.endswith(b"/>") else 1
            out = out[:-close].rstrip() + b" " + attr + out[-close:]
    return out


def splice(data: bytes, edits: Sequence[tuple[int, int, bytes]]) -> bytes:
    """Apply non-overlapping (start, end, replacement) edits."""
    parts: list[bytes] = []
    pos = 0
    for start, end, repl in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            raise ValueError("overlapping edits")
        parts += [data[pos:start], repl]
        pos = end
    parts.append(data[pos:])
    return b"".join(parts)


# --------------------------------------------------------------------------- A1 references

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def col_num(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


@functools.lru_cache(maxsize=65536)
def split_ref(ref: str) -> tuple[int, int]:
    """``"G5"`` -> (row 5, column 7)."""
    m = _REF.match(ref.strip())
    if not m or not (1 <= col_num(m[1]) <= 16384 and 1 <= int(m[2]) <= 1048576):
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m[2]), col_num(m[1])


@functools.lru_cache(maxsize=65536)
def parse_range(text: str) -> tuple[int, int, int, int]:
    """``"A1:B3"`` (or ``"A1"``) -> (row1, col1, row2, col2)."""
    first, _, last = text.partition(":")
    r1, c1 = split_ref(first)
    r2, c2 = split_ref(last) if last else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def in_range(rng: tuple[int, int, int, int], row: int, col: int) -> bool:
    return rng[0] <= row <= rng[2] and rng[1] <= col <= rng[3]


# --------------------------------------------------------------------------- cell values


def format_number(value: int | float) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to a cell")
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(int(value))


def text_for_xml(text: str) -> str:
    """Cell text as stored: illegal characters dropped, literal ``_xHHHH_`` escaped."""
    return _X_ESCAPE.sub(r"_x005F_\1", clean_text(text))


def clean_formula(formula: str) -> str:
    formula = clean_text(formula).strip()
    return formula[1:] if formula.startswith("=") else formula


def cell_xml(
    prefix: str,
    ref: str,
    style: str | None,
    value: Value,
    formula: str | None,
    phonetic: str | None = None,
) -> str:
    """One ``<c>`` element. Strings never become formulas: without ``formula`` they
    are inline strings whatever their first character."""
    p = prefix
    attrs = f' r="{ref}"' + (f' s="{style}"' if style else "")
    attrs += f' ph="{phonetic}"' if phonetic else ""
    f_xml = f"<{p}f>{esc(formula)}</{p}f>" if formula is not None else ""
    if value is None:
        return f"<{p}c{attrs}>{f_xml}</{p}c>" if f_xml else f"<{p}c{attrs}/>"
    if isinstance(value, bool):
        return f'<{p}c{attrs} t="b">{f_xml}<{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, int | float):
        return f"<{p}c{attrs}>{f_xml}<{p}v>{format_number(value)}</{p}v></{p}c>"
    text = esc(text_for_xml(str(value)))
    if formula is not None:
        return f'<{p}c{attrs} t="str">{f_xml}<{p}v>{text}</{p}v></{p}c>'
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<{p}c{attrs} t="inlineStr"><{p}is><{p}t{space}>{text}</{p}t></{p}is></{p}c>'


def _inline_text(el: etree._Element) -> str:
    is_ = el.find(_M + "is")
    if is_ is None:
        return ""
    return "".join(t.text or "" for t in is_.iter(_M + "t") if t.getparent().tag != _M + "rPh")


def same_content(
    el: etree._Element,
    value: Value,
    formula: str | None,
    shared_string: Callable[[int], str | None],
) -> bool:
    """Whether the existing ``<c>`` already holds exactly ``value`` / ``formula``."""
    if set(el.attrib) - {"r", "s", "t", "ph"}:
        return False
    if any(ch.tag not in (_M + "f", _M + "v", _M + "is") for ch in el):
        return False
    t, f, v = el.get("t", "n"), el.find(_M + "f"), el.find(_M + "v")
    if formula is None:
        if f is not None:
            return False
    elif f is None or f.attrib or (f.text or "") != formula:
        return False
    vt = v.text if v is not None else None
    if value is None:
        return vt is None and el.find(_M + "is") is None and t == "n"
    if isinstance(value, bool):
        return t == "b" and vt == str(int(value))
    if isinstance(value, int | float):
        try:
            return t == "n" and vt is not None and float(vt) == float(value)
        except ValueError:
            return False
    text = text_for_xml(value)
    if formula is not None:
        return t == "str" and (vt or "") == text
    if t == "inlineStr":
        return _inline_text(el) == text
    # An index: ASCII digits, and few (int() refuses 5,000 digits; "²" is a digit to isdigit).
    index = vt or ""
    if t != "s" or not (index.isascii() and index.isdigit() and len(index) <= 10):
        return False
    return shared_string(int(index)) == text
