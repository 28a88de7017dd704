"""Surgical, zero-loss patching of an xlsx/xlsm package.

``PackagePatch`` edits only what it must: the target ``<c>`` elements of a
sheet, a generated sheet of its own, and the package bookkeeping that goes with
them (workbook.xml, its relationships, content types, styles.xml, app.xml,
calcChain). Every other zip member is copied as raw compressed bytes. Parts it
does not touch are never parsed. No spreadsheet library loads or saves the file.

    p = PackagePatch.open(path)
    p.set_cells("4", [CellWrite("G5", 21833, formula="SUM(B5:F5)")])
    p.put_sheet(SheetSpec("総括表", rows=...), position="first")
    if p.changed_parts():
        p.save(tmp_path)
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import posixpath
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kohyo.messages import t
from kohyo.xlsx import opc
from kohyo.xlsx.sheetspec import CellSpec, PrintSetup, SheetSpec, build_sheet_xml, defined_names
from kohyo.xlsx.sheetxml import CellWrite, PatchRefused, TableHeader, patch_cells
from kohyo.xlsx.styles import StyleBook, StyleSpec
from kohyo.xlsx.xmlbytes import (
    MAIN_NS,
    REL_NS,
    PartMalformed,
    as_utf8,
    check_well_formed,
    parse_range,
    parse_xml,
)
from kohyo.xlsx.zipcopy import ZipSource, identical_members, write_zip

__all__ = [
    "CellSpec",
    "CellWrite",
    "PackagePatch",
    "PatchRefused",
    "PrintSetup",
    "SheetSpec",
    "StyleSpec",
]

_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WORKSHEET_REL = _OD + "worksheet"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_OWNED_NAMES = ("_xlnm.Print_Area", "_xlnm.Print_Titles")
_M = f"{{{MAIN_NS}}}"


def _position(position: str | int, count: int) -> int:
    if position == "first":
        return 0
    if position == "last":
        return count
    if isinstance(position, int) and not isinstance(position, bool):
        return max(0, min(position, count))
    raise ValueError(f"bad sheet position {position!r}")


@dataclass
class _Sheet:
    name: str
    sheet_id: int
    rid: str
    part: str
    rel_type: str


class PackagePatch:
    """An xlsx package held in memory with pending surgical edits."""

    def __init__(self, data: bytes) -> None:
        self._zip = ZipSource(data)
        self._parts: dict[str, bytes | None] = {}  # member -> new content (None = removed)
        self._added: list[str] = []
        self._originals: dict[str, bytes] = {}  # members read so far, as stored
        self._shared: list[str] | None = None
        self._calc_invalidated = False
        self._rels_cache: tuple[bytes | None, dict[str, tuple[str, str, bool]]] | None = None
        # member -> the writes :meth:`set_cells` made in it, when nothing else changed it
        self._checked: dict[str, tuple[CellWrite, ...]] = {}
        self._generated: dict[str, str] = {}  # member -> sheet: put_sheet built and parsed it
        self.written: bytes | None = None  # the archive to_bytes last made and read back
        root_rels = opc.read_rels(self._read("_rels/.rels"), "")
        wb = next(
            (
                part
                for t, part, ext in root_rels.values()
                if t.endswith("/officeDocument") and not ext
            ),
            None,
        )
        if wb is None or self._member(wb) is None:
            raise PatchRefused(t("patch.no_workbook"))
        self.workbook_part = self._member(wb) or wb
        self.app_part = next(
            (
                part
                for t, part, ext in root_rels.values()
                if t.endswith("/extended-properties") and not ext
            ),
            None,
        )
        self.workbook_rels_part = opc.rels_part(self.workbook_part)
        self._load_sheets()

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> PackagePatch:
        return cls(Path(path).read_bytes())

    # ------------------------------------------------------------------ reading

    def _member(self, part: str) -> str | None:
        if part in self._parts or part in self._added:
            return part
        return self._zip.resolve(part)

    def _read(self, part: str) -> bytes | None:
        name = self._member(part)
        if name is None:
            return None
        if name in self._parts:
            return self._parts[name]
        return self._original(name)

    def _original(self, name: str) -> bytes:
        if name not in self._originals:
            self._originals[name] = as_utf8(self._zip.read(name))
        return self._originals[name]

    def _write(self, part: str, data: bytes) -> None:
        name = self._member(part)
        if name is None:
            self._added.append(part)
            name = part
        self._parts[name] = data
        self._checked.pop(name, None)  # changed by more than set_cells' checked writes
        self._generated.pop(name, None)

    def _wb_rels(self) -> dict[str, tuple[str, str, bool]]:
        data = self._read(self.workbook_rels_part)
        if self._rels_cache is None or self._rels_cache[0] is not data:
            self._rels_cache = (data, opc.read_rels(data, self.workbook_part))
        return self._rels_cache[1]

    def _load_sheets(self) -> None:
        rels = self._wb_rels()
        root = parse_xml(self._read(self.workbook_part) or b"")
        if root.tag != _M + "workbook" or root.find(_M + "sheets") is None:
            raise PatchRefused(t("patch.strict"))
        self._sheets: list[_Sheet] = []
        self._index: dict[str, _Sheet] = {}
        for el in root.iterfind(f"{_M}sheets/{_M}sheet"):
            rid = el.get(f"{{{REL_NS}}}id", "")
            rel_type, part, _ext = rels.get(rid, ("", "", False))
            self._sheets.append(
                _Sheet(
                    el.get("name", ""),
                    int(el.get("sheetId", "0")),
                    rid,
                    self._member(part) or part,
                    rel_type,
                )
            )

    def sheet_names(self) -> list[str]:
        return [s.name for s in self._sheets]

    def sheet_part(self, name: str) -> str:
        return self._sheet(name).part

    @property
    def source(self) -> bytes:
        """The package as it was opened, byte for byte."""
        return self._zip.data

    def raw_copies(self, data: bytes) -> set[str]:
        """The members of the archive *data* stored exactly as in :attr:`source`
        (:func:`~kohyo.xlsx.zipcopy.identical_members`, on the source already read)."""
        return identical_members(self._zip, data)

    def _sheet(self, name: str) -> _Sheet:
        found = self._find(name)
        if found is None:
            raise PatchRefused(t("patch.sheet_missing", sheet=name), name)
        return found

    def _find(self, name: str) -> _Sheet | None:
        if len(self._index) != len(self._sheets):
            self._index = {s.name.casefold(): s for s in self._sheets}
        return self._index.get(name.casefold())

    def _shared_string(self, index: int) -> str | None:
        if self._shared is None:
            part = next(
                (p for t, p, _e in self._wb_rels().values() if t.endswith("/sharedStrings")), None
            )
            data = self._read(part) if part else None
            self._shared = []
            if data is not None:
                for si in parse_xml(data).iterfind(_M + "si"):
                    self._shared.append(
                        "".join(
                            t.text or ""
                            for t in si.iter(_M + "t")
                            if t.getparent().tag != _M + "rPh"
                        )
                    )
        return self._shared[index] if 0 <= index < len(self._shared) else None

    def _table_headers(self, sheet: _Sheet) -> list[TableHeader]:
        out = []
        rels = opc.read_rels(self._read(opc.rels_part(sheet.part)), sheet.part)
        for rel_type, part, external in rels.values():
            data = None if external or not rel_type.endswith("/table") else self._read(part)
            if data is None:
                continue
            table = parse_xml(data)
            if table.get("headerRowCount", "1") != "0" and table.get("ref"):
                r1, c1, _r2, c2 = parse_range(table.get("ref", ""))
                out.append(
                    TableHeader(table.get("displayName") or table.get("name", ""), r1, c1, c2)
                )
        return out

    # ------------------------------------------------------------------ edits

    @contextlib.contextmanager
    def _all_or_nothing(self) -> Iterator[None]:
        """Undo every pending edit of the block if it raises."""
        state = copy.copy(self.__dict__)
        saved = (dict(self._parts), list(self._added), list(self._sheets), dict(self._checked),
                 dict(self._generated))  # fmt: skip
        try:
            yield
        except BaseException:
            self.__dict__.update(state)
            self._parts, self._added, self._sheets, self._checked, self._generated = saved
            raise

    def set_cells(self, sheet_name: str, writes: Iterable[CellWrite]) -> None:
        """Write cells in place. Raises PatchRefused (nothing written) for unsafe targets."""
        with self._all_or_nothing():
            self._set_cells(sheet_name, writes)

    def set_cells_in(self, sheets: Iterable[tuple[str, Iterable[CellWrite]]]) -> None:
        """:meth:`set_cells` on many sheets, all or nothing: one undo point for the lot
        (one per sheet copied the pending edits each time: quadratic in the sheets)."""
        with self._all_or_nothing():
            for sheet_name, writes in sheets:
                self._set_cells(sheet_name, writes)

    def _set_cells(self, sheet_name: str, writes: Iterable[CellWrite]) -> None:
        sheet = self._sheet(sheet_name)
        if not sheet.rel_type.endswith("/worksheet"):
            raise PatchRefused(t("patch.not_worksheet", sheet=sheet.name), sheet.name)
        data = self._read(sheet.part)
        if data is None:
            raise PatchRefused(
                t("patch.sheet_part_missing", sheet=sheet.name, part=sheet.part), sheet.name
            )
        writes = list(writes)
        new, formulas_changed = patch_cells(
            data,
            sheet.name,
            writes,
            tables=self._table_headers(sheet),
            shared_string=self._shared_string,
        )
        if new is not data:
            name = self._member(sheet.part) or sheet.part
            # only set_cells changed the part so far (it is as opened, or in _checked)
            before = self._checked.get(name, ()) if name in self._parts else ()
            only_cells = name not in self._parts or name in self._checked
            self._write(sheet.part, new)
            if only_cells:
                self._checked[name] = (*before, *writes)
        if formulas_changed:
            self._invalidate_calc_chain()

    def put_sheet(self, spec: SheetSpec, position: Literal["first", "last"] | int = "last") -> None:
        """Create the sheet ``spec.name``, or replace it whole if it exists (then its part,
        sheetId and position are kept and ``position`` is ignored)."""
        with self._all_or_nothing():
            self._put_sheet(spec, position)

    def _put_sheet(self, spec: SheetSpec, position: Literal["first", "last"] | int) -> None:
        styles_part = next(
            (p for t, p, _e in self._wb_rels().values() if t.endswith("/styles")), None
        )
        styles_data = self._read(styles_part) if styles_part else None
        if styles_part is None or styles_data is None:
            raise PatchRefused(t("patch.no_styles"))
        book = StyleBook(styles_data)
        existing = self._find(spec.name)
        wb = self._read(self.workbook_part) or b""
        if existing is not None:
            if not existing.rel_type.endswith("/worksheet"):
                raise PatchRefused(
                    t("patch.name_taken", sheet=spec.name),
                    spec.name,
                )
            index = self._sheets.index(existing)
            xml = build_sheet_xml(
                spec,
                lambda n: book.xf_index(spec.styles[n]),
                tab_selected=index == opc.active_tab(wb),
            )
            old = self._read(existing.part)
            if old != xml:
                self._write(existing.part, xml)
                rels = opc.rels_part(existing.part)
                if self._member(rels) is not None:
                    self._parts[self._member(rels) or rels] = None
                if b"<f>" in xml or (old is not None and b"<f" in old):
                    self._invalidate_calc_chain()
        else:
            index = _position(position, len(self._sheets))
            xml = build_sheet_xml(spec, lambda n: book.xf_index(spec.styles[n]), tab_selected=False)
            self._create_sheet(spec.name, index, xml)
            if b"<f>" in xml:
                self._invalidate_calc_chain()
        member = self._member(self._sheet(spec.name).part)
        if member is not None and self._parts.get(member) is xml:  # written just now
            try:
                check_well_formed(xml)  # see generated_sheets
            except PartMalformed:
                raise PatchRefused(
                    t("patch.sheet_unverified", sheet=spec.name), spec.name
                ) from None
            self._generated[member] = spec.name
        if book.changed:
            self._write(styles_part, book.to_bytes())
        wb = self._read(self.workbook_part) or b""
        new_wb = opc.set_local_names(wb, index, defined_names(spec), _OWNED_NAMES)
        self._set_workbook(new_wb)

    def _create_sheet(self, name: str, index: int, xml: bytes) -> None:
        folder = posixpath.join(posixpath.dirname(self.workbook_part), "worksheets")
        taken = {n.lower() for n in [*self._zip.names(), *self._added]}
        n = 1
        while posixpath.join(folder, f"sheet{n}.xml").lower() in taken:
            n += 1
        part = posixpath.join(folder, f"sheet{n}.xml")
        rels = self._wb_rels()
        rid = opc.fresh_rid(rels)
        sheet_id = max((s.sheet_id for s in self._sheets), default=0) + 1
        worksheet_titles = [s.name for s in self._sheets if s.rel_type.endswith("/worksheet")]
        titles_index = sum(1 for s in self._sheets[:index] if s.rel_type.endswith("/worksheet"))
        self._write(part, xml)
        rels_data = self._read(self.workbook_rels_part) or b""
        self._write(
            self.workbook_rels_part,
            opc.add_relationship(
                rels_data, rid, WORKSHEET_REL, opc.relative_target(self.workbook_part, part)
            ),
        )
        ct = self._read("[Content_Types].xml") or b""
        self._write("[Content_Types].xml", opc.add_override(ct, part, WORKSHEET_CT))
        wb = self._read(self.workbook_part) or b""
        self._sheets.insert(index, _Sheet(name, sheet_id, rid, part, WORKSHEET_REL))
        self._set_workbook(opc.insert_sheet(wb, index, name, sheet_id, rid))
        app = self._read(self.app_part) if self.app_part else None
        if app is not None and self.app_part is not None:
            new_app = opc.app_add_title(app, worksheet_titles, titles_index, name)
            if new_app is not None:
                self._write(self.app_part, new_app)

    def _set_workbook(self, data: bytes) -> None:
        """Accept new workbook.xml bytes only if they parse and list the expected sheets."""
        root = parse_xml(data)
        names = [el.get("name") for el in root.iterfind(f"{_M}sheets/{_M}sheet")]
        if names != self.sheet_names():
            raise PatchRefused(t("patch.workbook_unverified"))
        if data != self._read(self.workbook_part):
            self._write(self.workbook_part, data)

    def _invalidate_calc_chain(self) -> None:
        """Drop calcChain (a stale chain makes Excel repair the file) and ask for a full
        recalculation on load."""
        if self._calc_invalidated:
            return
        self._calc_invalidated = True
        rels_data = self._read(self.workbook_rels_part)
        for rid, (rel_type, part, _ext) in self._wb_rels().items():
            if rel_type.endswith("/calcChain") and rels_data is not None:
                rels_data = opc.remove_relationship(rels_data, rid)
                self._write(self.workbook_rels_part, rels_data)
                member = self._member(part)
                if member is not None:
                    self._parts[member] = None
                ct = self._read("[Content_Types].xml") or b""
                self._write("[Content_Types].xml", opc.remove_override(ct, part))
        wb = self._read(self.workbook_part) or b""
        self._set_workbook(opc.set_full_calc_on_load(wb))

    # ------------------------------------------------------------------ output

    def _final(self) -> tuple[dict[str, bytes | None], list[tuple[str, bytes]]]:
        changed = {
            name: data
            for name, data in self._parts.items()
            if name not in self._added and (data is None or data != self._original(name))
        }
        added = [
            (name, data) for name in self._added if (data := self._parts.get(name)) is not None
        ]
        return changed, added

    def checked_writes(self) -> dict[str, tuple[CellWrite, ...]]:
        """Members changed by :meth:`set_cells` alone, each with the writes made in it.

        :func:`~kohyo.xlsx.sheetxml.patch_cells` made each from the member as opened by
        replacing only the targeted ``<c>`` elements (or inserting them), then parsed the
        whole result and checked it: well-formed, as many cells as planned, each target
        once and holding what was written, no cell at a new position."""
        return {n: w for n, w in self._checked.items() if self._parts.get(n) is not None}

    def generated_sheets(self) -> dict[str, str]:
        """Members :meth:`put_sheet` built whole (member -> sheet name), each parsed after it
        was built: well-formed XML, prefixes bound, no DOCTYPE
        (:func:`~kohyo.xlsx.xmlbytes.check_well_formed`)."""
        return {n: s for n, s in self._generated.items() if self._parts.get(n) is not None}

    def changed_parts(self) -> list[str]:
        """Members that would differ from the original (changed, removed or added)."""
        changed, added = self._final()
        return [n for n in self._zip.names() if n in changed] + [n for n, _d in added]

    def to_bytes(self) -> bytes:
        changed, added = self._final()
        if not changed and not added:
            self.written = self._zip.data
            return self._zip.data
        out = write_zip(self._zip, changed, added)
        with zipfile.ZipFile(io.BytesIO(out)) as check:  # reading back verifies CRCs
            expected = [n for n in self._zip.names() if changed.get(n, b"") is not None]
            if check.namelist() != expected + [n for n, _d in added] or any(
                check.read(n) != d for n, d in [*changed.items(), *added] if d is not None
            ):
                raise PatchRefused(t("patch.output_unverified"))
        self.written = out
        return out

    def save(self, dest_path: str | os.PathLike[str]) -> None:
        """Write the patched package to ``dest_path`` (flushed and fsynced)."""
        data = self.to_bytes()
        with open(dest_path, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
