"""Library entry points: :func:`collect_returns` makes the plan, :func:`apply_returns` writes it.

Applying patches exactly the cells the parser located for the proposed fields, then the 計 and
the 総括表 (:func:`kohyo.edit.refresh.patch_derived`), through the master's one replacement path
(:func:`kohyo.files.replace.replace_atomically`: temp file, re-read and verified, backup,
atomic swap, refused if the master changed since it was read). Every other part of the package
is copied byte for byte. Each taken return is then recorded in the ledger.
"""

from __future__ import annotations

import copy
import dataclasses
import tempfile
from pathlib import Path

from kohyo.collect.fields import Value
from kohyo.collect.intake import Returned, gather, read_return
from kohyo.collect.ledger import record, taken_keys
from kohyo.collect.marks import key_path, load_key
from kohyo.collect.plan import Change, CollectPlan, plan_changes, resolve_returns
from kohyo.config import Config
from kohyo.edit.refresh import expected_after, patch_derived, verify_refreshed
from kohyo.errors import ConfigError, KohyoError
from kohyo.files.digest import file_digest
from kohyo.files.replace import check_not_locked, replace_atomically
from kohyo.messages import t
from kohyo.model.project import DASH, CellKind, CostCell, Master, Note, TextField
from kohyo.read.master import check_master
from kohyo.xlsx.patch import CellWrite, PackagePatch

__all__ = ["apply_returns", "collect_returns"]


def collect_returns(
    paths: list[Path],
    config: Config,
    *,
    master: Path | None = None,
    latest: bool = False,
    distributions: tuple[Path, ...] = (),
) -> CollectPlan:
    """Read every return in *paths* and plan the merge into *master* (default: paths.master).

    *distributions* are extra distribution folders to look for bases in (besides
    ``paths.output_dir`` and its sub-folders). Raises KohyoError (exit 2) when collect cannot
    run: a path missing, no workbook found, no key, the master unreadable.
    """
    master_path = Path(master or config.paths.master)
    key = load_key(config, create=False)
    if key is None:
        raise ConfigError(t("collect.key.missing", path=key_path(config)), path=str(config.path))
    digest = file_digest(master_path) if master_path.is_file() else ""
    ours, report = check_master(master_path, config)
    with tempfile.TemporaryDirectory(prefix="kohyo-collect-") as scratch:
        sources, refused = gather(paths, config, Path(scratch))
        if not sources and not refused:
            raise KohyoError(t("collect.input.none"))
        returned = refused + [read_return(s, config, key, distributions) for s in sources]
    taken: set[tuple[str, str, str]] = set()
    for folder in {r.base.folder for r in returned if r.base is not None}:
        taken |= taken_keys(folder)
    outcomes = resolve_returns(returned, latest, taken)
    changes = plan_changes(outcomes, ours, config) if not report.has_errors else []
    return CollectPlan(master_path, digest, ours, report, outcomes, changes)


def apply_returns(plan: CollectPlan, config: Config) -> CollectPlan:
    """Write *plan*'s proposed changes into the master and record the taken returns.

    Nothing is written when the master has errors (the plan has no changes then). Raises
    KohyoError (exit 2) when the master cannot be replaced; the master is then untouched.
    """
    if plan.report.has_errors:
        return plan
    writes = _writes(plan.proposed())
    if writes:
        check_not_locked(plan.master)
        updated = _with_changes(plan.ours, writes)
        patch = PackagePatch.open(plan.master)
        by_sheet: dict[str, list[CellWrite]] = {}
        for c in writes:
            assert c.cell is not None
            by_sheet.setdefault(c.sheet, []).append(CellWrite(c.cell, c.theirs))
        expected = expected_after(updated, patch)  # before the patch: the parts as they were
        patch.set_cells_in(by_sheet.items())
        patch_derived(patch, updated, config)
        plan.backup = replace_atomically(
            plan.master,
            write=patch.save,
            verify=lambda tmp: verify_refreshed(tmp, config, expected, source=patch.source),
            expected_digest=plan.master_digest,
            backup_dir=config.paths.backup_dir,
            keep=config.refresh.backups_keep,
        )
    for c in plan.proposed():
        c.status = "applied"
    plan.applied = True
    master_sha = file_digest(plan.master)
    for o in plan.returns:
        if o.status == "taken":
            plan.recorded += _record(o.returned, plan, master_sha)
    return plan


def _writes(proposed: list[Change]) -> list[Change]:
    """One write per master cell (two towns proposing the same value write it once)."""
    seen: dict[tuple[str, str], Change] = {}
    for c in proposed:
        if c.cell is None:
            raise KohyoError(t("collect.apply.no_cell", sheet=c.sheet, field=c.key))
        seen.setdefault((c.sheet, c.cell), c)
    return list(seen.values())


def _with_changes(master: Master, writes: list[Change]) -> Master:
    """*master* as it reads once *writes* are in it (for the 計, the 総括表 and the check)."""
    m = copy.deepcopy(master)
    sheets = {p.sheet: p for p in m.projects}
    for c in writes:
        p = sheets[c.sheet]
        kind = c.key.split(":", 1)[0]
        if kind == "cost":
            for year, cell in p.costs.amounts.items():
                if cell.cell == c.cell:
                    p.costs.amounts[year] = CostCell(c.theirs, _cost_kind(c.theirs), cell.cell)
        elif kind == "role":
            p.roles = [dataclasses.replace(r, text=str(c.theirs)) if r.cell == c.cell else r
                       for r in p.roles]  # fmt: skip
        elif kind == "kpi_current":
            p.indicators = [dataclasses.replace(k, current=str(c.theirs))
                            if k.current_cell == c.cell else k for k in p.indicators]  # fmt: skip
        elif kind == "kpi_target":
            p.indicators = [dataclasses.replace(k, target=str(c.theirs))
                            if k.target_cell == c.cell else k for k in p.indicators]  # fmt: skip
        elif kind == "note":
            p.notes = [Note(str(c.theirs), n.cell) if n.cell == c.cell else n for n in p.notes]
        elif kind in ("content", "effect"):
            setattr(p, kind, TextField(str(c.theirs or ""), c.cell))
    return m


def _cost_kind(value: Value) -> CellKind:
    if value is None:
        return CellKind.BLANK
    return CellKind.DASH if value == DASH else CellKind.NUMBER


def _record(r: Returned, plan: CollectPlan, master_sha: str) -> int:
    assert r.marks is not None and r.base is not None
    mine = [c for c in plan.changes if c.source == r.source.label and c.town == r.marks.town]
    record(r.base.folder, {
        "town": r.marks.town,
        "distribution": r.marks.distribution,
        "file": r.source.label,
        "file_sha256": r.source.digest,
        "master": str(plan.master),
        "master_sha256_after": master_sha,
        "applied": [[c.sheet, c.cell, c.key] for c in mine if c.status == "applied"],
        "conflicts": [[c.sheet, c.key] for c in mine if c.status == "conflict"],
        "refused": [[c.sheet, c.key] for c in mine if c.status == "refused"],
    })  # fmt: skip
    return 1
