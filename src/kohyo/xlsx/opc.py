"""Package-level XML edits made at the byte level: relationships, content types,
``workbook.xml`` (sheets, defined names, views, calcPr) and ``docProps/app.xml``.

Each function takes a part's bytes and returns new bytes, touching only the
elements it must; untouched bytes stay as they were.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from kohyo.xlsx.xmlbytes import (
    REL_NS,
    Tag,
    esc,
    esc_attr,
    iter_tags,
    parse_xml,
    serialize_like,
    set_attrs,
    splice,
)

VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_WORKBOOK_AFTER_DEFINED_NAMES = (
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


# --------------------------------------------------------------------------- part names


def rels_part(part: str) -> str:
    """``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve_target(source_part: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def relative_target(source_part: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source_part) or ".")


def read_rels(data: bytes | None, source_part: str) -> dict[str, tuple[str, str, bool]]:
    """Relationship Id -> (type, target part, external)."""
    if data is None:
        return {}
    out = {}
    for rel in parse_xml(data):
        if not isinstance(rel.tag, str) or etree.QName(rel).localname != "Relationship":
            continue
        external = rel.get("TargetMode") == "External"
        target = rel.get("Target", "")
        part = target if external else resolve_target(source_part, target)
        out[rel.get("Id", "")] = (rel.get("Type", ""), part, external)
    return out


# --------------------------------------------------------------------------- generic element edits


def element_spans(
    data: bytes, match: Callable[[Tag], bool], names: tuple[bytes, ...] | None = None
) -> list[tuple[Tag, int, int]]:
    """(start tag, element start, element end) for elements whose start tag matches; with
    *names*, among the elements of those local names only (elements nest properly among
    any set of them, so their spans are the same)."""
    out: list[tuple[Tag, int, int]] = []
    open_tags: list[Tag] = []
    for t in iter_tags(data, names=names):
        if t.closing:
            start = open_tags.pop()
            if match(start):
                out.append((start, start.start, t.end))
        elif t.empty:
            if match(t):
                out.append((t, t.start, t.end))
        else:
            open_tags.append(t)
    return sorted(out, key=lambda x: x[1])


def top_level(data: bytes) -> list[tuple[Tag, int, int]]:
    """The root's child elements: (start tag, start, end)."""
    out: list[tuple[Tag, int, int]] = []
    stack: list[Tag] = []
    for t in iter_tags(data):
        if t.closing:
            start = stack.pop()
            if len(stack) == 1:
                out.append((start, start.start, t.end))
        elif t.empty:
            if len(stack) == 1:
                out.append((t, t.start, t.end))
        else:
            stack.append(t)
    return out


def remove_elements(data: bytes, match: Callable[[Tag], bool]) -> bytes:
    return splice(data, [(s, e, b"") for _t, s, e in element_spans(data, match)])


def append_child(data: bytes, xml: str) -> bytes:
    """``xml`` inserted as the root element's last child."""
    root_tag = next(t for t in iter_tags(data))
    close = data.rfind(b"</" + root_tag.qname)
    if root_tag.empty or close < 0:
        raise ValueError("root element has no closing tag")
    return data[:close] + xml.encode("utf-8") + data[close:]


def _prefix(data: bytes) -> str:
    root = next(t for t in iter_tags(data))
    return root.qname.decode()[: -len(root.local)]


def add_relationship(data: bytes, rid: str, rel_type: str, target: str) -> bytes:
    p = _prefix(data)
    return append_child(
        data,
        f'<{p}Relationship Id="{esc_attr(rid)}" Type="{esc_attr(rel_type)}" '
        f'Target="{esc_attr(target)}"/>',
    )


def remove_relationship(data: bytes, rid: str) -> bytes:
    return remove_elements(
        data, lambda t: t.local == b"Relationship" and t.attrs().get(b"Id") == rid.encode()
    )


def add_override(data: bytes, part: str, content_type: str) -> bytes:
    p = _prefix(data)
    return append_child(
        data, f'<{p}Override PartName="/{esc_attr(part)}" ContentType="{esc_attr(content_type)}"/>'
    )


def remove_override(data: bytes, part: str) -> bytes:
    name = ("/" + part).lower().encode()
    return remove_elements(
        data, lambda t: t.local == b"Override" and t.attrs().get(b"PartName", b"").lower() == name
    )


def fresh_rid(rels: dict[str, tuple[str, str, bool]]) -> str:
    n = len(rels) + 1
    while f"rId{n}" in rels:
        n += 1
    return f"rId{n}"


# --------------------------------------------------------------------------- workbook.xml


def _main_prefix(data: bytes) -> tuple[str, str | None]:
    """(main-namespace element prefix with colon, prefix bound to the r: namespace)."""
    root = parse_xml(data)
    rel_prefix = next((k for k, v in root.nsmap.items() if v == REL_NS and k), None)
    return (f"{root.prefix}:" if root.prefix else ""), rel_prefix


def insert_sheet(data: bytes, index: int, name: str, sheet_id: int, rid: str) -> bytes:
    """A ``<sheet>`` entry inserted at ``index``; local names and views renumbered."""
    p, rp = _main_prefix(data)
    rid_attr = f'{rp}:id="{esc_attr(rid)}"' if rp else f'xmlns:r="{REL_NS}" r:id="{esc_attr(rid)}"'
    entry = f'<{p}sheet name="{esc_attr(name)}" sheetId="{sheet_id}" {rid_attr}/>'.encode()
    block = element_spans(data, lambda t: t.local == b"sheets", (b"sheets",))[0]
    sheets = [
        s
        for s in element_spans(data, lambda t: t.local == b"sheet", (b"sheet",))
        if block[1] < s[1] < block[2]
    ]
    edits = []
    if index < len(sheets):
        edits.append((sheets[index][1], sheets[index][1], entry))
    else:
        edits.append((sheets[-1][2], sheets[-1][2], entry))
    for t in iter_tags(data, names=(b"definedName", b"workbookView")):
        if t.closing:
            continue
        attrs = t.attrs()
        new: dict[str, str | None] = {}
        if t.local == b"definedName" and b"localSheetId" in attrs:
            local_id = int(attrs[b"localSheetId"])
            if local_id >= index:
                new["localSheetId"] = str(local_id + 1)
        elif t.local == b"workbookView":
            active = int(attrs.get(b"activeTab", b"0"))
            if index <= active:
                new["activeTab"] = str(active + 1)
            first = int(attrs.get(b"firstSheet", b"0"))
            if index < first:
                new["firstSheet"] = str(first + 1)
        if new:
            edits.append((t.start, t.end, set_attrs(data[t.start : t.end], new)))
    if index == 0 and not element_spans(
        data, lambda t: t.local == b"workbookView", (b"workbookView",)
    ):
        books = f'<{p}bookViews><{p}workbookView activeTab="1"/></{p}bookViews>'.encode()
        edits.append((block[1], block[1], books))
    return splice(data, edits)


def active_tab(data: bytes) -> int:
    views = element_spans(data, lambda t: t.local == b"workbookView", (b"workbookView",))
    return int(views[0][0].attrs().get(b"activeTab", b"0")) if views else 0


def set_local_names(
    data: bytes, index: int, wanted: dict[str, str], owned: tuple[str, ...]
) -> bytes:
    """Make the ``owned`` sheet-local names of sheet ``index`` exactly ``wanted``."""
    p, _rp = _main_prefix(data)
    spans = element_spans(data, lambda t: t.local == b"definedName", (b"definedName",))
    edits: list[tuple[int, int, bytes]] = []
    todo = dict(wanted)
    for tag, start, end in spans:
        attrs = tag.attrs()
        name = attrs.get(b"name", b"").decode()
        if attrs.get(b"localSheetId") != str(index).encode() or name not in owned:
            continue
        if name not in todo:
            edits.append((start, end, b""))
            continue
        value = todo.pop(name)
        text = esc(value).encode()
        if tag.empty:
            edits.append((start, end, tag_open(data, tag) + text + f"</{p}definedName>".encode()))
            continue
        inner_end = data.rfind(b"</", start, end)
        if _text_of(data[tag.end : inner_end]) != value:
            edits.append((tag.end, inner_end, text))
    new = "".join(
        f'<{p}definedName name="{esc_attr(n)}" localSheetId="{index}">{esc(v)}</{p}definedName>'
        for n, v in todo.items()
    )
    if new:
        block = element_spans(data, lambda t: t.local == b"definedNames", (b"definedNames",))
        if block and not block[0][0].empty:
            close = data.rfind(b"</", block[0][1], block[0][2])
            edits.append((close, close, new.encode()))
        elif block:
            edits.append(
                (
                    block[0][1],
                    block[0][2],
                    tag_open(data, block[0][0]) + new.encode() + f"</{p}definedNames>".encode(),
                )
            )
        else:
            xml = f"<{p}definedNames>{new}</{p}definedNames>".encode()
            pos = _top_level_position(data, _WORKBOOK_AFTER_DEFINED_NAMES)
            edits.append((pos, pos, xml))
    return splice(data, edits) if edits else data


def _text_of(inner: bytes) -> str | None:
    """The text an element with content ``inner`` holds (entities resolved)."""
    try:
        return etree.fromstring(b"<x>" + inner + b"</x>").text or ""
    except etree.XMLSyntaxError:
        return None


def tag_open(data: bytes, tag: Tag) -> bytes:
    """An empty tag's bytes turned into a start tag."""
    return data[tag.start : tag.end][:-2].rstrip() + b">"


def _top_level_position(data: bytes, later_names: tuple[str, ...]) -> int:
    """Where a new root child goes so that it precedes ``later_names`` (schema order)."""
    later = {n.encode() for n in later_names}
    pos = next((s for t, s, _e in top_level(data) if t.local in later), None)
    if pos is None:
        root = next(t for t in iter_tags(data))
        pos = data.rfind(b"</" + root.qname)
    return pos


def set_full_calc_on_load(data: bytes) -> bytes:
    calc = element_spans(data, lambda t: t.local == b"calcPr", (b"calcPr",))
    if calc:
        tag = calc[0][0]
        if tag.attrs().get(b"fullCalcOnLoad") in (b"1", b"true"):
            return data
        return splice(
            data,
            [(tag.start, tag.end, set_attrs(data[tag.start : tag.end], {"fullCalcOnLoad": "1"}))],
        )
    p, _rp = _main_prefix(data)
    pos = _top_level_position(data, _WORKBOOK_AFTER_DEFINED_NAMES[1:])
    return splice(data, [(pos, pos, f'<{p}calcPr fullCalcOnLoad="1"/>'.encode())])


# --------------------------------------------------------------------------- docProps/app.xml


@dataclass
class WorksheetTitles:
    """The worksheets' group in app.xml's TitlesOfParts, parsed and ready to edit."""

    root: etree._Element
    count: etree._Element  # the group's count in HeadingPairs
    vector: etree._Element  # TitlesOfParts' vector, every group's titles
    lpstrs: list[etree._Element]  # the titles in that vector
    offset: int  # where the group starts among them
    size: int

    @property
    def group(self) -> list[etree._Element]:
        return self.lpstrs[self.offset : self.offset + self.size]


def _app_vectors(data: bytes) -> tuple[etree._Element, etree._Element, etree._Element] | None:
    """app.xml's root and its HeadingPairs and TitlesOfParts vectors; None when app.xml
    cannot be read or lacks either."""
    try:
        root = parse_xml(data)
    except (etree.XMLSyntaxError, ValueError):
        return None
    vt = f"{{{VT_NS}}}"
    pairs = root.find(f"{{*}}HeadingPairs/{vt}vector")
    titles = root.find(f"{{*}}TitlesOfParts/{vt}vector")
    if pairs is None or titles is None:
        return None
    return root, pairs, titles


def find_worksheet_titles(data: bytes, old_titles: list[str]) -> WorksheetTitles | None:
    """The group of app.xml's titles that reads exactly ``old_titles``, or None when app.xml
    cannot be read or holds no such group (then it is left alone)."""
    found = _app_vectors(data)
    if found is None:
        return None
    root, pairs, titles = found
    vt = f"{{{VT_NS}}}"
    variants = [v[0] for v in pairs.iterfind(vt + "variant") if len(v)]
    lpstrs = list(titles.iterfind(vt + "lpstr"))
    offset = 0
    for label, count in zip(variants[::2], variants[1::2], strict=False):
        try:
            n = int(count.text or "0")
        except ValueError:
            return None
        group = lpstrs[offset : offset + n]
        if label.tag == vt + "lpstr" and [t.text or "" for t in group] == old_titles:
            return WorksheetTitles(root, count, titles, lpstrs, offset, n)
        offset += n
    return None


def app_add_title(data: bytes, old_titles: list[str], index: int, name: str) -> bytes | None:
    """app.xml with ``name`` inserted among the worksheet titles, or None when the
    worksheet titles cannot be found as ``old_titles`` (then app.xml is left alone)."""
    found = find_worksheet_titles(data, old_titles)
    if found is None:
        return None
    found.count.text = str(found.size + 1)
    new = etree.Element(f"{{{VT_NS}}}lpstr")
    new.text = name
    anchor = found.offset + index
    if anchor < len(found.lpstrs):
        found.lpstrs[anchor].addprevious(new)
    else:
        found.vector.append(new)
    found.vector.set("size", str(len(found.lpstrs) + 1))
    return serialize_like(found.root, data)


# --------------------------------------------------------------------------- many at once
# The single edits above parse the whole part each time; a package given hundreds of sheets
# at once (a town's distribution workbook) takes these, one pass per part.


def add_relationships(data: bytes, rels: list[tuple[str, str, str]]) -> bytes:
    """``(Id, Type, Target)`` relationships appended, in order."""
    p = _prefix(data)
    return append_child(data, "".join(
        f'<{p}Relationship Id="{esc_attr(rid)}" Type="{esc_attr(rel_type)}" '
        f'Target="{esc_attr(target)}"/>' for rid, rel_type, target in rels
    ))  # fmt: skip


def add_overrides(data: bytes, parts: list[tuple[str, str]]) -> bytes:
    """``(part, content type)`` overrides appended, in order."""
    p = _prefix(data)
    return append_child(data, "".join(
        f'<{p}Override PartName="/{esc_attr(part)}" ContentType="{esc_attr(content_type)}"/>'
        for part, content_type in parts
    ))  # fmt: skip


def append_sheets(
    data: bytes, sheets: list[tuple[str, int, str]], names: list[tuple[str, int, str]]
) -> bytes:
    """workbook.xml with ``(name, sheetId, r:id)`` sheets after the last one and
    ``(name, localSheetId, formula)`` defined names after the others; views stay as they are."""
    p, rp = _main_prefix(data)
    rid = f"{rp}:id" if rp else f'xmlns:r="{REL_NS}" r:id'
    entries = "".join(f'<{p}sheet name="{esc_attr(n)}" sheetId="{i}" {rid}="{esc_attr(r)}"/>'
                      for n, i, r in sheets)  # fmt: skip
    last = element_spans(data, lambda t: t.local == b"sheet")[-1]
    edits = [(last[2], last[2], entries.encode())]
    defined = "".join(
        f'<{p}definedName name="{esc_attr(n)}" localSheetId="{i}">{esc(v)}</{p}definedName>'
        for n, i, v in names
    ).encode()
    block = element_spans(data, lambda t: t.local == b"definedNames")
    if not defined:
        pass
    elif block and not block[0][0].empty:
        close = data.rfind(b"</", block[0][1], block[0][2])
        edits.append((close, close, defined))
    elif block:
        whole = tag_open(data, block[0][0]) + defined + f"</{p}definedNames>".encode()
        edits.append((block[0][1], block[0][2], whole))
    else:
        pos = _top_level_position(data, _WORKBOOK_AFTER_DEFINED_NAMES)
        edits.append((pos, pos, f"<{p}definedNames>".encode() + defined
                      + f"</{p}definedNames>".encode()))  # fmt: skip
    return splice(data, edits)


def app_add_titles(data: bytes, groups: list[tuple[str, list[str], list[str]]]) -> bytes | None:
    """app.xml with, per ``(label, old titles, new titles)``, the new titles appended to the
    group of that label, which must read exactly the old ones (a group is added when there is
    none and the old ones are none); None when that does not hold (then app.xml is left alone)."""
    found = _app_vectors(data)
    if found is None:
        return None
    root, pairs, titles = found
    vt = f"{{{VT_NS}}}"
    for label, old, new in groups:
        if not new:
            continue
        variants = [v[0] for v in pairs.iterfind(vt + "variant") if len(v)]
        lpstrs = list(titles.iterfind(vt + "lpstr"))
        offset, count = 0, None
        for name, n_el in zip(variants[::2], variants[1::2], strict=False):
            try:
                n = int(n_el.text or "0")
            except ValueError:
                return None
            if name.text == label:
                count = n_el
                break
            offset += n
        if count is None:
            if old:
                return None
            for tag, text in (("lpstr", label), ("i4", "0")):
                variant = etree.SubElement(pairs, vt + "variant")
                etree.SubElement(variant, vt + tag).text = text
            pairs.set("size", str(len(pairs)))
            count, n = pairs[-1][0], 0
        if [t.text or "" for t in lpstrs[offset : offset + n]] != old:
            return None
        count.text = str(n + len(new))
        anchor = lpstrs[offset + n] if offset + n < len(lpstrs) else None
        for title in new:
            el = etree.Element(vt + "lpstr")
            el.text = title
            if anchor is None:
                titles.append(el)
            else:
                anchor.addprevious(el)
        titles.set("size", str(len(titles.findall(vt + "lpstr"))))
    return serialize_like(root, data)
