"""Adding a 個表: plan the new project (number, place, renumbering, rewritten references),
then write it into the master by the same zero-loss, atomic path as refresh.

``--after N``: the new project gets N+1; every project numbered above N moves up by
one (its number cell, its sheet name when the sheet is named by its number, the
page header kohyo wrote for it), and every 「NO.xに統合」 reference in a 個表 to a
moved number is rewritten. Planning is pure (:func:`plan_new_project`); writing
(:func:`apply_new_project`) patches the package surgically, replaces it through
:func:`kohyo.files.replace.replace_atomically`, and re-reads the copy before it counts.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kohyo.check.findings import Report
from kohyo.check.rules import validate_master
from kohyo.config import Config
from kohyo.errors import KohyoError, WriteError
from kohyo.files.digest import file_digest
from kohyo.files.replace import check_not_locked, replace_atomically
from kohyo.layout.blank import (
    TEMPLATE_FILE,
    NewTemplate,
    kohyo_sheet_spec,
    load_new_template,
    new_project,
)
from kohyo.layout.look import SheetLook, load_look
from kohyo.layout.pagetext import sheet_page_text
from kohyo.layout.summary import load_summary_look, summary_sheet_spec
from kohyo.messages import t
from kohyo.model.derive import summary_table
from kohyo.model.project import Master, Project, TextField
from kohyo.read.grid import RawCell, SheetGrid, a1, parse_ref
from kohyo.read.master import check_master, package_limits
from kohyo.read.normalize import merge_references
from kohyo.read.parse import expand_municipalities, parse_workbook
from kohyo.read.workbook import read_workbook
from kohyo.templates_lookup import template_path
from kohyo.xlsx.patch import CellWrite, PackagePatch
from kohyo.xlsx.sheetops import check_sheet_name, rename_sheets, replace_header_footer
from kohyo.xlsx.sheetspec import SheetSpec

_FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_DIGITS = re.compile(r"[0-9０-９]+")
_GAP = r"[ \t\u3000]*"
# 「NO.5に統合」 as typed: half- or full-width, as normalize.merge_references reads it after NFKC.
_MERGE_REF_RAW = re.compile(
    rf"(?P<head>(?:[NnＮｎ][OoＯｏ]|№|事業番号|番号)[.．]?{_GAP})(?P<num>[0-9０-９]+)"
    rf"(?P<tail>{_GAP}[にへ]{_GAP}(?:統合|移行|集約))"
)
_SHEET_BY_NUMBER = re.compile(r"^(?:NO\.?|No\.?|no\.?|№|個表|事業)?\s*(\d+)$")


@dataclass(frozen=True)
class Renumbering:
    """One existing project that moves up: its number cell, sheet name and page texts."""

    sheet: str
    new_sheet: str
    name: str
    old: int
    new: int
    cell: str
    value: int | str  # what the number cell will hold
    page_texts: tuple[tuple[str, str], ...] = ()  # (header/footer as written, as it becomes)


@dataclass(frozen=True)
class ReferenceRewrite:
    """A text cell whose 「NO.xに統合」 reference follows a renumbered project."""

    sheet: str
    cell: str
    old: str
    new: str


@dataclass
class NewProjectPlan:
    project: Project  # the new 個表
    spec: SheetSpec
    position: int  # index in the sheet list where the new sheet goes
    after_sheet: str | None  # the sheet it follows, for the plan shown to staff
    renumbered: list[Renumbering]
    references: list[ReferenceRewrite]
    summary_spec: SheetSpec | None  # the 総括表, regenerated when the master has one
    expected_sheets: list[str]
    expected_projects: list[dict[str, Any]]
    report: Report = field(default_factory=Report)

    @property
    def renames(self) -> dict[str, str]:
        return {r.sheet: r.new_sheet for r in self.renumbered if r.sheet != r.new_sheet}


@dataclass
class NewProjectResult:
    path: Path
    plan: NewProjectPlan
    backup: Path
    report: Report


# --------------------------------------------------------------------------- text rewriting


def _renumber_digits(text: str, new: int) -> str:
    """*new* written in the width (half or full) of the digits it replaces."""
    return (
        str(new).translate(_FULL_DIGITS) if text and text[0] in "０１２３４５６７８９" else str(new)
    )


def rewrite_merge_references(text: str, move: Callable[[int], int]) -> str:
    """「NO.5に統合」 -> 「NO.6に統合」 for each reference whose number *move* changes."""

    def sub(m: re.Match[str]) -> str:
        old = int(unicodedata.normalize("NFKC", m["num"]))
        new = move(old)
        return m.group(0) if new == old else m["head"] + _renumber_digits(m["num"], new) + m["tail"]

    out = _MERGE_REF_RAW.sub(sub, text)
    if out != text and merge_references(out) != [move(n) for n in merge_references(text)]:
        raise KohyoError(t("new.reference.unsafe", text=text))
    return out


def sheet_named_by_number(sheet: str, number: int) -> bool:
    m = _SHEET_BY_NUMBER.match(unicodedata.normalize("NFKC", sheet).strip())
    return m is not None and int(m.group(1)) == number


def _renumbered_sheet(sheet: str, new: int) -> str:
    m = _DIGITS.search(sheet)
    assert m is not None
    return sheet[: m.start()] + _renumber_digits(m.group(0), new) + sheet[m.end() :]


def _number_value(cell: RawCell | None, project: Project, new: int) -> int | str:
    if cell is None:
        raise KohyoError(t("new.number.unreadable", sheet=project.sheet))
    if cell.formula is not None:
        raise KohyoError(t("new.number.formula", sheet=project.sheet, cell=project.number_cell))
    if isinstance(cell.value, str):
        runs = [m for m in _DIGITS.finditer(cell.value)
                if int(unicodedata.normalize("NFKC", m.group(0))) == project.number]  # fmt: skip
        if len(runs) != 1:
            raise KohyoError(t("new.number.text", sheet=project.sheet, value=cell.value))
        m = runs[0]
        return cell.value[: m.start()] + _renumber_digits(m.group(0), new) + cell.value[m.end() :]
    return new


# --------------------------------------------------------------------------- planning (pure)


def plan_new_project(
    master: Master,
    grids: list[SheetGrid],
    config: Config,
    *,
    name: str,
    after: int | None,
    municipalities: str | None,
    template: NewTemplate,
    look: SheetLook,
    summary_look: Any = None,
) -> NewProjectPlan:
    """Everything the addition changes; KohyoError (exit 2) for a request that cannot be met."""
    name = name.strip()
    if not name:
        raise KohyoError(t("new.name.missing"))
    key = "".join(name.split())
    clash = next((p for p in master.projects if "".join(p.name.text.split()) == key), None)
    if clash is not None:
        raise KohyoError(t("new.name.duplicate", name=name, sheet=clash.sheet))
    if municipalities is not None:
        members, unknown = expand_municipalities(municipalities, config)
        if unknown or not members:
            known = t("list.separator").join([config.area.all_label, *config.area.municipalities])
            bad = t("list.separator").join(unknown) or municipalities
            raise KohyoError(t("new.municipalities.unknown", names=bad, known=known))
    projects = master.projects
    order = master.sheet_order
    numbers = sorted(p.number for p in projects if p.number is not None)
    if after is None:
        number = (numbers[-1] if numbers else 0) + 1
        position = (order.index(projects[-1].sheet) + 1) if projects else len(order)
        after_sheet = projects[-1].sheet if projects else None
    elif after == 0:
        number, after_sheet = 1, None
        position = order.index(projects[0].sheet) if projects else len(order)
    else:
        anchor = next((p for p in projects if p.number == after), None)
        if anchor is None:
            have = t("list.separator").join(map(str, numbers)) or t("value.none")
            raise KohyoError(t("new.after.unknown", after=after, have=have))
        number, after_sheet = after + 1, anchor.sheet
        position = order.index(anchor.sheet) + 1

    def move(n: int) -> int:
        return n + 1 if after is not None and n > after else n

    by_sheet = {g.name: g for g in grids}
    renumbered: list[Renumbering] = []
    for p in projects:
        if p.number is None or move(p.number) == p.number:
            continue
        new = move(p.number)
        cell = by_sheet[p.sheet].cells.get(parse_ref(p.number_cell)) if p.number_cell else None
        new_sheet = (
            _renumbered_sheet(p.sheet, new) if sheet_named_by_number(p.sheet, p.number) else p.sheet
        )
        moved = dataclasses.replace(p, number=new, sheet=new_sheet)
        texts = tuple(
            (
                sheet_page_text(tpl, p, config, p.sheet),
                sheet_page_text(tpl, moved, config, new_sheet),
            )
            for tpl in (look.header, look.footer)
        )
        renumbered.append(Renumbering(p.sheet, new_sheet, p.name.text, p.number, new,
                                      p.number_cell or "", _number_value(cell, p, new),
                                      tuple(t for t in texts if t[0] != t[1] and t[0])))  # fmt: skip
    renames = {r.sheet: r.new_sheet for r in renumbered}
    references = _reference_rewrites(
        projects, by_sheet, move, {r.sheet: r.cell for r in renumbered}
    )
    sheet_name = template.sheet_name.format(number=number)
    problem = check_sheet_name(sheet_name)
    final = [renames.get(s, s) for s in order]
    if problem is None and sheet_name.casefold() in {s.casefold() for s in final}:
        problem = t("new.sheet.exists")
    if problem:
        raise KohyoError(t("new.sheet.bad_name", sheet=sheet_name, problem=problem))
    created = new_project(number, name, sheet_name, config, template, municipalities)
    spec = kohyo_sheet_spec(
        created, sheet_name, config, look, blank_kpi_rows=template.indicator_rows
    )
    after_projects = _projects_after(
        projects, renumbered, references, created, order, position, move
    )
    summary_spec = None
    if config.summary.sheet_name in order:
        s_look = summary_look or load_summary_look(template_path(config, "summary.toml"))
        summary_spec = summary_sheet_spec(summary_table(after_projects, config), config, s_look)
    final.insert(position, sheet_name)
    return NewProjectPlan(
        project=created, spec=spec, position=position, after_sheet=after_sheet,
        renumbered=renumbered, references=references, summary_spec=summary_spec,
        expected_sheets=final, expected_projects=[project_content(p) for p in after_projects],
    )  # fmt: skip


def _reference_rewrites(
    projects: list[Project], grids: dict[str, SheetGrid], move: Callable[[int], int],
    number_cells: dict[str, str],
) -> list[ReferenceRewrite]:  # fmt: skip
    out = []
    for p in projects:
        for (r, c), cell in sorted(_text_cells(grids[p.sheet])):
            ref = a1(r, c)
            if number_cells.get(p.sheet) == ref or not isinstance(cell.value, str):
                continue
            new = rewrite_merge_references(cell.value, move)
            if new != cell.value:
                out.append(ReferenceRewrite(p.sheet, ref, cell.value, new))
    return out


def _text_cells(grid: SheetGrid) -> list[tuple[tuple[int, int], RawCell]]:
    """The text constants of a sheet (formulas are never rewritten)."""
    return [(pos, c) for pos, c in grid.cells.items() if c.is_text and c.formula is None]


def _projects_after(
    projects: list[Project], renumbered: list[Renumbering], references: list[ReferenceRewrite],
    created: Project, order: list[str], position: int, move: Callable[[int], int],
) -> list[Project]:  # fmt: skip
    """The master's projects as they must read after the addition, in sheet order."""
    moved = {r.sheet: r for r in renumbered}
    out = []
    for p in projects:
        r = moved.get(p.sheet)
        q = p if r is None else dataclasses.replace(p, number=r.new, sheet=r.new_sheet,
                                                    number_raw=r.value)  # fmt: skip
        out.append(_rewrite_texts(q, move) if references else q)
    before = sum(1 for p in projects if order.index(p.sheet) < position)
    out.insert(before, created)
    return out


def _rewrite_texts(p: Project, move: Callable[[int], int]) -> Project:
    def rw(text: str) -> str:
        return rewrite_merge_references(text, move)

    return dataclasses.replace(
        p,
        name=TextField(rw(p.name.text), p.name.cell),
        content=TextField(rw(p.content.text), p.content.cell),
        effect=TextField(rw(p.effect.text), p.effect.cell),
        roles=[dataclasses.replace(r, text=rw(r.text)) for r in p.roles],
        indicators=[dataclasses.replace(i, name=rw(i.name), current=rw(i.current),
                                        target=rw(i.target)) for i in p.indicators],
        notes=[dataclasses.replace(n, text=rw(n.text)) for n in p.notes],
    )  # fmt: skip


def project_content(p: Project) -> dict[str, Any]:
    """What a re-read must show for each project (addresses aside)."""
    return {
        "sheet": p.sheet, "number": p.number, "name": p.name.text,
        "municipalities": p.municipalities, "label": p.municipalities_label.text,
        "content": p.content.text, "effect": p.effect.text,
        "costs": {y: c.value for y, c in p.costs.amounts.items()},
        "total": p.costs.total.value if p.costs.total else None,
        "roles": [(r.who, r.text) for r in p.roles],
        "indicators": [(i.name, i.current, i.target) for i in p.indicators],
        "notes": [n.text for n in p.notes],
    }  # fmt: skip


# --------------------------------------------------------------------------- reading and writing


@dataclass
class NewProjectContext:
    """The master as read for an addition: its digest, grids, projects and findings."""

    path: Path
    digest: str
    grids: list[SheetGrid]
    master: Master
    report: Report


def read_for_new(path: Path, config: Config) -> NewProjectContext:
    """Read and validate the master; raises KohyoError (exit 2) when it cannot be read."""
    try:
        digest = file_digest(path)
    except OSError:
        digest = ""  # read_workbook names the problem below
    grids = read_workbook(path, package_limits(config)).sheets
    master = parse_workbook(grids, config, str(path))
    return NewProjectContext(path, digest, grids, master, validate_master(master, config))


def prepare_new_project(
    ctx: NewProjectContext, config: Config, *, name: str, after: int | None,
    municipalities: str | None,
) -> NewProjectPlan:  # fmt: skip
    return plan_new_project(
        ctx.master, ctx.grids, config, name=name, after=after, municipalities=municipalities,
        template=load_new_template(template_path(config, TEMPLATE_FILE)),
        look=load_look(template_path(config, "kohyo_sheet.toml")),
    )  # fmt: skip


def apply_new_project(
    ctx: NewProjectContext, config: Config, plan: NewProjectPlan
) -> NewProjectResult:
    """Patch the master and replace it atomically (backup kept); verify the written copy."""
    path = ctx.path
    check_not_locked(path)
    patch = PackagePatch.open(path)
    writes: dict[str, list[CellWrite]] = {}
    for r in plan.renumbered:
        writes.setdefault(r.sheet, []).append(CellWrite(r.cell, r.value))
    for ref in plan.references:
        writes.setdefault(ref.sheet, []).append(CellWrite(ref.cell, ref.new))
    for sheet, cells in writes.items():
        patch.set_cells(sheet, cells)
    for r in plan.renumbered:
        for old, new in r.page_texts:
            replace_header_footer(patch, r.sheet, old, new)
    rename_sheets(patch, plan.renames)
    patch.put_sheet(plan.spec, position=plan.position)
    if plan.summary_spec is not None:
        patch.put_sheet(plan.summary_spec)
    holder: dict[str, Report] = {}
    backup = replace_atomically(
        path,
        write=patch.save,
        verify=lambda tmp: holder.update(report=_verify(tmp, config, plan)),
        expected_digest=ctx.digest,
        backup_dir=config.paths.backup_dir,
        keep=config.refresh.backups_keep,
    )
    return NewProjectResult(path, plan, backup, holder.get("report", Report()))


def _verify(tmp: Path, config: Config, plan: NewProjectPlan) -> Report:
    """Re-read the written copy: no errors, the sheets and projects exactly as planned."""
    master, report = check_master(tmp, config)
    problems = [t("edit.verify.finding", sheet=f.sheet, cell=f.cell or "", message=f.message)
                for f in report.findings if f.severity == "error"]  # fmt: skip
    if master.sheet_order != plan.expected_sheets:
        problems.append(t("edit.verify.order"))
    got = [project_content(p) for p in master.projects]
    if got != plan.expected_projects:
        problems.append(t("edit.verify.planned"))
    if problems:
        raise WriteError(
            t("edit.verify.failed", problems=t("edit.verify.separator").join(problems[:5]))
        )
    return report
