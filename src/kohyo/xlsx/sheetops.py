"""Sheet-level edits on a :class:`~kohyo.xlsx.patch.PackagePatch`: rename, find references,
rewrite header/footer text. Used by ``kohyo new`` to renumber 個表 sheets.

These live outside patch.py on purpose (the patcher stays small); they reach into the
patch's pending state through the same private helpers its own methods use, and keep
its rules: every part they do not have to change is left as it is, byte for byte, and
every edit is all-or-nothing. Inserting a sheet needs nothing new:
``PackagePatch.put_sheet(spec, position=index)`` already creates a sheet at an index.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kohyo.messages import t
from kohyo.model.excel import sheet_name_problem
from kohyo.xlsx import opc
from kohyo.xlsx.patch import PackagePatch
from kohyo.xlsx.sheetxml import PatchRefused
from kohyo.xlsx.xmlbytes import MAIN_NS, esc, parse_xml, serialize_like, set_attrs, splice

_QUOTED = re.compile(r"'((?:[^']|'')+)'!")
# An unquoted sheet name cannot start with a digit (Excel quotes those): letters, _, non-ASCII.
_NAME_CHARS = r"[^\s'!(),;=+\-*/&^<>{}\"\[\]:#%$@~`|\\?]"
_BARE = re.compile(rf"(?<![\w.\]'\"])([A-Za-z_\u0080-\uffff]{_NAME_CHARS}*(?::{_NAME_CHARS}+)?)!")
_SHEET_ATTR = re.compile(r"\bsheet\s*=\s*[\"']([^\"']*)[\"']")
_HEADER_FOOTER = (b"oddHeader", b"oddFooter", b"evenHeader", b"evenFooter", b"firstHeader",
                  b"firstFooter")  # fmt: skip
_NOT_FORMULA_PARTS = ("sharedstrings.xml", "styles.xml", "app.xml", "core.xml", "custom.xml",
                      "[content_types].xml")  # fmt: skip
_OWNED_LOCAL_NAMES = ("_xlnm.Print_Area", "_xlnm.Print_Titles")


@dataclass(frozen=True)
class SheetReference:
    """A place in the package whose formula text names a sheet."""

    part: str
    sheet: str  # the sheet it names
    text: str  # the formula, defined name or attribute, shortened


def referenced_sheets(formula: str) -> set[str]:
    """Sheet names a formula refers to ('4'!A1, 総括表!B2, '[1]x'!A1 excluded, 3-D both ends)."""
    out: set[str] = set()
    for m in _QUOTED.finditer(formula):
        inner = m.group(1).replace("''", "'")
        if inner.startswith("["):  # another workbook
            continue
        out.update(part for part in inner.split(":") if part)
    bare = _QUOTED.sub(lambda m: " " * len(m.group(0)), formula)
    for m in _BARE.finditer(bare):
        out.update(part for part in m.group(1).split(":") if part)
    return out


def find_sheet_references(
    patch: PackagePatch, names: Iterable[str], *, own_print_names: bool = True
) -> list[SheetReference]:
    """Every formula, defined name, hyperlink, chart or pivot source that names one of *names*.

    Conservative by design (text in a formula's string literal counts too): a rename that
    would break a reference must be refused, and a false alarm only costs a refusal.
    With *own_print_names*, a sheet's own print area / print titles are not counted
    (:func:`rename_sheets` rewrites those, as Excel does).
    """
    wanted = {n.casefold(): n for n in names}
    if not wanted:
        return []
    found: list[SheetReference] = []
    for part in _candidate_parts(patch):
        data = patch._read(part)
        if data is None:
            continue
        if part == patch.workbook_part:
            texts = _defined_names(patch, data, wanted if own_print_names else {})
        else:
            texts = [html.unescape(data.decode("utf-8", "replace"))]
        for text in texts:
            for sheet in referenced_sheets(text):
                if sheet.casefold() in wanted:
                    found.append(SheetReference(part, wanted[sheet.casefold()],
                                                _around(text, sheet)))  # fmt: skip
            for m in _SHEET_ATTR.finditer(text):  # a pivot cache's worksheetSource
                if m.group(1).casefold() in wanted:
                    found.append(SheetReference(part, wanted[m.group(1).casefold()], m.group(0)))
    return found


def _candidate_parts(patch: PackagePatch) -> list[str]:
    names = [*patch._zip.names(), *patch._added]
    return [n for n in dict.fromkeys(names)
            if n.lower().endswith((".xml", ".vml")) and not n.lower().endswith(_NOT_FORMULA_PARTS)
            and "/theme/" not in n.lower()]  # fmt: skip


def _defined_names(patch: PackagePatch, data: bytes, renamed: dict[str, str]) -> list[str]:
    """The texts of workbook.xml's defined names, less each renamed sheet's own print names."""
    order = patch.sheet_names()
    out = []
    for el in parse_xml(data).iter(f"{{{MAIN_NS}}}definedName"):
        text = el.text or ""
        local = el.get("localSheetId")
        if el.get("name") in _OWNED_LOCAL_NAMES and local is not None and local.isdigit():
            owner = order[int(local)] if int(local) < len(order) else None
            refs = {r.casefold() for r in referenced_sheets(text)}
            if owner is not None and owner.casefold() in renamed and refs <= {owner.casefold()}:
                continue
        out.append(text)
    return out


def _around(text: str, sheet: str) -> str:
    i = text.find(sheet)
    snippet = text[max(0, i - 30) : i + len(sheet) + 30] if i >= 0 else sheet
    return re.sub(r"\s+", " ", snippet)


def check_sheet_name(name: str) -> str | None:
    """Why *name* cannot be a sheet name, or None (Excel's rule: kohyo.model.excel)."""
    return sheet_name_problem(name)


def rename_sheets(patch: PackagePatch, renames: dict[str, str]) -> None:
    """Rename sheets (old -> new, applied at once, so 20->21 and 21->22 can swap through).

    Refuses (PatchRefused, nothing changed) when a new name is invalid or taken, or when
    any formula, defined name, hyperlink, chart or pivot source refers to a renamed sheet.
    Updates ``workbook.xml`` (the ``<sheet>`` names and each renamed sheet's own print
    area / titles) and the worksheet titles in ``docProps/app.xml``.
    """
    renames = {old: new for old, new in renames.items() if old != new}
    if not renames:
        return
    with patch._all_or_nothing():
        _rename(patch, renames)


def _rename(patch: PackagePatch, renames: dict[str, str]) -> None:
    current = patch.sheet_names()
    folded = {n.casefold(): n for n in current}
    for old, new in renames.items():
        if old.casefold() not in folded:
            raise PatchRefused(t("patch.sheet_missing", sheet=old), old)
        problem = check_sheet_name(new)
        if problem:
            raise PatchRefused(t("rename.bad_name", sheet=new, problem=problem), old)
    final = [renames.get(n, n) for n in current]
    if len({n.casefold() for n in final}) != len(final):
        clash = sorted({n for n in final if [m.casefold() for m in final].count(n.casefold()) > 1})
        raise PatchRefused(t("rename.clash", sheets=t("rename.clash.separator").join(clash)))
    refs = find_sheet_references(patch, renames)
    if refs:
        first = refs[0]
        raise PatchRefused(
            t("rename.referenced", sheet=first.sheet, part=first.part, text=first.text)
            + (t("rename.referenced.more", count=len(refs) - 1) if len(refs) > 1 else ""),
            first.sheet,
        )
    wb = patch._read(patch.workbook_part) or b""
    new_wb = _rename_in_workbook(wb, renames, current)
    patch._sheets = [
        dataclasses.replace(s, name=renames[s.name]) if s.name in renames else s
        for s in patch._sheets
    ]
    patch._index = {}
    patch._set_workbook(new_wb)
    if patch.app_part is not None:
        app = patch._read(patch.app_part)
        worksheets = [s.name for s in patch._sheets if s.rel_type.endswith("/worksheet")]
        old_titles = [next((o for o, n in renames.items() if n == w), w) for w in worksheets]
        new_app = app_rename_titles(app, old_titles, renames) if app is not None else None
        if new_app is not None and new_app != app:
            patch._write(patch.app_part, new_app)


def _quote(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _rename_in_workbook(data: bytes, renames: dict[str, str], order: list[str]) -> bytes:
    edits: list[tuple[int, int, bytes]] = []
    block = opc.element_spans(data, lambda t: t.local == b"sheets")[0]
    for tag, start, _end in opc.element_spans(data, lambda t: t.local == b"sheet"):
        if not block[1] < start < block[2]:
            continue
        name = html.unescape(tag.attrs().get(b"name", b"").decode("utf-8"))
        if name in renames:
            edits.append(
                (tag.start, tag.end, set_attrs(data[tag.start : tag.end], {"name": renames[name]}))
            )
    for tag, start, end in opc.element_spans(data, lambda t: t.local == b"definedName"):
        attrs = tag.attrs()
        local = attrs.get(b"localSheetId")
        name = attrs.get(b"name", b"").decode()
        if local is None or name not in _OWNED_LOCAL_NAMES or tag.empty:
            continue
        owner = order[int(local)] if int(local) < len(order) else None
        if owner not in renames:
            continue
        inner_end = data.rfind(b"</", start, end)
        body = html.unescape(data[tag.end : inner_end].decode("utf-8"))
        new_body = body.replace(_quote(owner) + "!", _quote(renames[owner]) + "!")
        new_body = re.sub(
            rf"(?<![\w'.]){re.escape(owner)}!", _quote(renames[owner]) + "!", new_body
        )
        if new_body != body:
            edits.append((tag.end, inner_end, esc(new_body).encode("utf-8")))
    return splice(data, edits) if edits else data


def app_rename_titles(data: bytes, old_titles: list[str], renames: dict[str, str]) -> bytes | None:
    """app.xml with the worksheet titles renamed, or None when they are not ``old_titles``."""
    found = opc.find_worksheet_titles(data, old_titles)
    if found is None:
        return None
    for x in found.group:
        if (x.text or "") in renames:
            x.text = renames[x.text or ""]
    return serialize_like(found.root, data)


def replace_header_footer(patch: PackagePatch, sheet: str, old: str, new: str) -> bool:
    """Where a header or footer of *sheet* reads exactly *old*, make it *new*.

    Only whole texts are replaced (a header staff wrote themselves is left alone).
    Returns whether anything changed.
    """
    part = patch.sheet_part(sheet)
    data = patch._read(part)
    if data is None or old == new:
        return False
    edits = []
    for tag, start, end in opc.element_spans(data, lambda t: t.local in _HEADER_FOOTER):
        if tag.empty:
            continue
        inner_end = data.rfind(b"</", start, end)
        if html.unescape(data[tag.end : inner_end].decode("utf-8")) == old:
            edits.append((tag.end, inner_end, esc(new).encode("utf-8")))
    if not edits:
        return False
    new_data = splice(data, edits)
    parse_xml(new_data)  # still well-formed
    with patch._all_or_nothing():
        patch._write(part, new_data)
    return True


__all__ = [
    "SheetReference",
    "app_rename_titles",
    "check_sheet_name",
    "find_sheet_references",
    "referenced_sheets",
    "rename_sheets",
    "replace_header_footer",
]
