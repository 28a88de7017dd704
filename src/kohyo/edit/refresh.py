"""Refresh: write each 個表's 計 and the 総括表 into the master, losing nothing else.

read -> validate (errors: stop, write nothing) -> plan (pure) -> patch the
package surgically -> write beside the master, re-read and validate the copy,
back up the original, replace atomically. A refresh that would change nothing
writes nothing, so a second refresh leaves the file byte-identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

from kohyo.check.findings import Report
from kohyo.check.rules import validate_master, validate_projects
from kohyo.config import Config
from kohyo.errors import WriteError
from kohyo.files.backup import changed_error
from kohyo.files.digest import bytes_digest, file_digest
from kohyo.files.replace import check_not_locked, replace_atomically
from kohyo.layout.summary import load_summary_look, summary_sheet_spec
from kohyo.messages import t
from kohyo.model.derive import SummaryTable, derive_total, summary_table
from kohyo.model.project import DASH, CellKind, Master, Project
from kohyo.read.grid import parse_ref
from kohyo.read.master import check_master, package_limits
from kohyo.read.parse import parse_workbook
from kohyo.read.workbook import read_workbook
from kohyo.templates_lookup import template_path
from kohyo.xlsx.patch import CellWrite, PackagePatch
from kohyo.xlsx.zipcopy import identical_members


@dataclass(frozen=True)
class TotalUpdate:
    """One 計 cell to rewrite: where, what it showed, what it becomes."""

    sheet: str
    number: int | None
    cell: str
    old: Any
    new: int | str
    formula: str | None  # "SUM(B5:F5)" when Excel can keep it live; None for a constant

    def to_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "number": self.number, "cell": self.cell,
                "old": self.old, "new": self.new}  # fmt: skip


@dataclass(frozen=True)
class RefreshPlan:
    updates: list[TotalUpdate]
    summary: SummaryTable


@dataclass
class RefreshResult:
    path: Path
    report: Report
    master: Master
    plan: RefreshPlan | None = None
    summary_sheet: str = ""
    summary_status: str = "unchanged"  # "created", "updated" or "unchanged"
    written: bool = False
    backup: Path | None = None
    distribution: Any = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "master": str(self.path),
            "written": self.written,
            "changes": [u.to_dict() for u in self.plan.updates] if self.plan else [],
            "summary": {
                "sheet": None if self.plan is None else self.summary_sheet,
                "status": self.summary_status,
                "count": None if self.plan is None else self.plan.summary.count,
            },
            "backup": str(self.backup) if self.backup else None,
            "distribution": self.distribution.to_dict() if self.distribution else None,
            "findings": self.report.to_dict()["findings"],
        }


def plan_refresh(master: Master, config: Config) -> RefreshPlan:
    """What a refresh changes (pure): the 計 that disagree, and the summary table."""
    updates = []
    for p in master.projects:
        update = _total_update(p)
        if update is not None:
            updates.append(update)
    return RefreshPlan(updates, summary_table(master.projects, config, len(master.excluded)))


def _total_update(p: Project) -> TotalUpdate | None:
    total = p.costs.total
    if total is None or total.cell is None:
        return None
    expected = derive_total(p.costs)
    if total.value == expected and total.kind in (CellKind.NUMBER, CellKind.DASH):
        return None
    old = total.value if total.value is not None else total.raw
    return TotalUpdate(p.sheet, p.number, total.cell, old, expected, _sum_formula(p, expected))


def _sum_formula(p: Project, expected: int | str) -> str | None:
    """SUM over the year cells, when Excel's own SUM gives the same number.

    Excel's SUM skips numbers stored as text, which kohyo counts (contract §3):
    then a formula would disagree with the value we cache, so we write a constant.
    """
    if expected == DASH:
        return None
    amounts = [c for c in p.costs.amounts.values() if c.cell is not None]
    if any(c.kind is CellKind.NUMBER_AS_TEXT for c in amounts):
        return None
    cells = sorted((parse_ref(c.cell), c.cell) for c in amounts if c.cell)
    if not cells:
        return None
    rows = {rc[0] for rc, _ in cells}
    cols = [rc[1] for rc, _ in cells]
    if len(rows) == 1 and cols == list(range(cols[0], cols[0] + len(cols))):
        return f"SUM({cells[0][1]}:{cells[-1][1]})"
    return "SUM(" + ",".join(ref for _, ref in cells) + ")"


def refresh_master(
    path: Path, config: Config, *, distribute: bool = False, progress: Any = None
) -> RefreshResult:
    """Validate, then write the derived values into *path*; with *distribute*, also rebuild
    every municipality's workbook from the refreshed master. Raises KohyoError (exit 2)."""
    result = _refresh(path, config)
    if distribute and not result.report.has_errors:
        from kohyo.distribute.build import distribute_master  # the heavier writer, only when asked

        result.distribution = distribute_master(
            result.master,
            config,
            pdf=config.distribution.pdf,
            master_sha256=file_digest(path),
            progress=progress,
        )
    return result


def _refresh(path: Path, config: Config) -> RefreshResult:
    check_not_locked(path)
    digest = file_digest(path)
    master, report = check_master(path, config)
    result = RefreshResult(path=path, report=report, master=master,
                           summary_sheet=config.summary.sheet_name)  # fmt: skip
    if report.has_errors:
        return result
    patch = PackagePatch.open(path)
    if bytes_digest(patch.source) != digest:  # the verifying re-read trusts what was read
        raise changed_error(path)
    existed = config.summary.sheet_name in patch.sheet_names()
    expected = expected_after(master, patch)  # before the patch: the parts as they were
    plan = patch_derived(patch, master, config)
    result.plan = plan
    changed = patch.changed_parts()
    summary_part = patch.sheet_part(config.summary.sheet_name)
    if not existed:
        result.summary_status = "created"
    elif summary_part in changed:
        result.summary_status = "updated"
    if not changed:
        return result
    result.backup = replace_atomically(
        path,
        write=patch.save,
        verify=lambda tmp: verify_refreshed(tmp, config, expected, patch=patch),
        expected_digest=digest,
        backup_dir=config.paths.backup_dir,
        keep=config.refresh.backups_keep,
    )
    result.written = True
    return result


def patch_derived(patch: PackagePatch, master: Master, config: Config) -> RefreshPlan:
    """Put every 計 that disagrees and the whole 総括表 of *master* into *patch*.

    *master* is what the patched package will hold (kohyo collect passes the master with the
    towns' changes already in it)."""
    plan = plan_refresh(master, config)
    patch.set_cells_in((u.sheet, [CellWrite(u.cell, u.new, u.formula)]) for u in plan.updates)
    look = load_summary_look(template_path(config, "summary.toml"))
    spec = summary_sheet_spec(plan.summary, config, look)
    patch.put_sheet(spec, position=summary_position(master, config))
    return plan


def summary_position(master: Master, config: Config) -> Literal["first", "last"] | int:
    """Where a new 総括表 goes: config's summary.position; "auto" is just before the first
    個表, so a 表紙 or 目次 in front stays in front."""
    index = config.summary.index
    if index != "auto":
        return index  # type: ignore[return-value]
    sheets = {p.sheet for p in (*master.projects, *master.excluded)}
    order = [s for s in master.sheet_order if s != config.summary.sheet_name]
    return next((i for i, name in enumerate(order) if name in sheets), 0)


def expected_after(master: Master, patch: PackagePatch | None = None) -> dict[str, Any]:
    """What the refreshed master must read as: the same projects (every 計 derived).

    With the *patch* (not yet patched), also which part holds each 個表: the verifying
    re-read may then skip a part proven unchanged, if its sheet still names that part —
    and, given the patch itself, a part whose only change is its 計 (see
    :func:`verify_refreshed`): "totals" holds each 個表's 計 cell and derived value."""
    return {
        "sheets": [p.sheet for p in master.projects],
        "projects": _Contents(master.projects),
        "parts": {p.sheet: patch.sheet_part(p.sheet) for p in master.projects} if patch else {},
        "totals": {
            p.sheet: (p.costs.total.cell, derive_total(p.costs))
            for p in master.projects
            if p.costs.total is not None and p.costs.total.cell is not None
        },
    }


class _Contents(Sequence[dict[str, Any]]):
    """Each project's :func:`_content`, made when first asked for: the verifying re-read
    asks only for the 個表 it reads again (the projects are not changed meanwhile)."""

    def __init__(self, projects: Sequence[Project]) -> None:
        self._projects = list(projects)
        self._made: dict[int, dict[str, Any]] = {}

    def __len__(self) -> int:
        return len(self._projects)

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        k = range(len(self))[i]  # IndexError past the end, as a list's
        if k not in self._made:
            self._made[k] = _content(self._projects[k])
        return self._made[k]


def _content(p: Project) -> dict[str, Any]:
    return {
        "sheet": p.sheet,
        "number": p.number,
        "name": p.name.text,
        "municipalities": p.municipalities,
        "content": p.content.text,
        "effect": p.effect.text,
        "costs": {y: c.value for y, c in p.costs.amounts.items()},
        "roles": [(r.who, r.text) for r in p.roles],
        "indicators": [(i.name, i.current, i.target) for i in p.indicators],
        "notes": [n.text for n in p.notes],
    }


def verify_refreshed(
    tmp: Path,
    config: Config,
    expected: dict[str, Any],
    *,
    source: bytes | None = None,
    patch: PackagePatch | None = None,
) -> None:
    """Re-read the written copy: no errors, same projects, every 計 equal to its sum.

    With *source* (the package the patch was made from, read and checked before) the
    members written as raw copies are proven the same byte for byte (local header,
    compressed bytes, CRC: :func:`identical_members`) instead of being parsed again; every
    part the patch changed is read, checked and parsed as before, and so is workbook.xml.
    A 個表 whose part was proven the same counts as its old self only when the written
    workbook still gives its sheet that part (and still shows it).

    With the *patch* that wrote *tmp* (a refresh: its cell writes are the planned 計), the
    parts it only changed by those writes are not parsed again either. Such a 個表 counts as
    its old self with its 計 derived, and the guarantee then rests on:

    1. *tmp* is byte for byte the archive :meth:`PackagePatch.to_bytes` made (compared
       whole here, else refused), which read every changed member back through ``zipfile``
       (CRC checked) and found each equal to the content the patch meant;
    2. the patch was opened from the bytes check_master read and checked (refresh compares
       their digest), and the shared strings are a raw copy (else nothing is trusted);
    3. :meth:`PackagePatch.checked_writes`: the part differs from the one read only by
       :func:`~kohyo.xlsx.sheetxml.patch_cells`' splice of the targeted ``<c>`` elements,
       and patch_cells parsed the whole new part with lxml and checked it — well-formed, as
       many cells as before, no cell moved, each target once and holding the value written;
    4. the writes made there are exactly this 個表's planned 計: its cell and
       ``derive_total`` of its amounts (``expected["totals"]``), checked here;
    5. the written workbook still gives the sheet that part (as for raw copies).

    The 総括表 the patch built is not read again either (the re-read only checked that it
    is there and well-formed, without its cells): :meth:`PackagePatch.put_sheet` checked
    it after building it (well-formed, prefixes bound, no DOCTYPE: expat), and point 1
    proves those bytes are on disk; workbook.xml, read here, must still list it.

    What it no longer has is a second reading of the new 計 cell by read_workbook: a
    number (``<v>``, under its SUM formula or not) or the inline string 「—」, read by
    patch_cells' check (``same_content``) as the reader reads them — the tests run both
    ways on the same output (tests/test_refresh_verify.py)."""
    summary = config.summary.sheet_name
    trusted: set[str] = set()
    if patch is not None:
        data = tmp.read_bytes()
        if patch.written is None or data != patch.written:
            raise WriteError(t("edit.verify.failed", problems=t("edit.verify.not_written")))
        if expected.get("parts"):  # which part each 個表 had: else none counts as kept
            trusted = patch.raw_copies(data) | _only_totals(patch, expected)
        trusted |= {n for n, s in patch.generated_sheets().items() if s == summary}
    elif source is not None and expected.get("parts"):
        trusted = identical_members(source, tmp.read_bytes())
    grid = read_workbook(tmp, package_limits(config),
                         without_cells=(config.summary.sheet_name,), trusted=trusted)  # fmt: skip
    kept = {g.name for g in grid.sheets
            if g.trusted and expected["parts"].get(g.name) == g.part
            and (g.state == "visible" or config.sheets.hidden != "exclude")}  # fmt: skip
    master = parse_workbook([g for g in grid.sheets if not g.trusted], config, str(tmp))
    # With parts kept, only some 個表 were read: the cross-sheet rules, which passed on the
    # source, hold again when every 個表 read is what it was (checked below).
    report = validate_projects(master, config) if kept else validate_master(master, config)
    problems = [f.message for f in report.findings if f.severity == "error"]
    problems += [
        t("edit.verify.finding", sheet=f.sheet, cell=f.cell, message=f.message)
        for f in report.findings
        if f.code == "total-mismatch"
    ]
    if len(expected["sheets"]) != len(expected["projects"]):
        raise ValueError("expected: as many projects as sheets")
    index = {s: i for i, s in enumerate(expected["sheets"])}
    got = {p.sheet: _content(p) for p in master.projects}
    order = [g.name for g in grid.sheets if g.name in got or g.name in kept]
    if order != expected["sheets"] or any(
        s not in index or expected["projects"][index[s]] != c for s, c in got.items()
    ):
        problems.append(t("edit.verify.content"))
    if config.summary.sheet_name not in {g.name for g in grid.sheets}:
        problems.append(t("edit.verify.summary_missing", sheet=config.summary.sheet_name))
    if problems:
        raise WriteError(
            t("edit.verify.failed", problems=t("edit.verify.separator").join(problems[:5]))
        )


def _only_totals(patch: PackagePatch, expected: dict[str, Any]) -> set[str]:
    """The parts patch_cells changed and checked whose writes are just the planned 計."""
    checked = patch.checked_writes()
    out = set()
    for sheet, part in expected.get("parts", {}).items():
        writes = checked.get(part)
        planned = expected.get("totals", {}).get(sheet)
        if (
            writes
            and planned is not None
            and all(
                (w.ref, w.value) == planned and type(w.value) is type(planned[1]) for w in writes
            )
        ):
            out.add(part)
    return out
