"""The merge plan (pure): per field, base (sent) → theirs (returned) against ours (the master now).

- changed only by the town → ``proposed``;
- changed in the master since the distribution and not by the town → ``kept``;
- changed by both (differently), or by two towns differently → ``conflict`` (never applied);
- changed by the town to what the master already says → ``same``;
- a change the town may not make → ``refused``, with the reason.

A return is taken or refused as a whole first (:mod:`kohyo.collect.intake`); then two returns
from one town are both listed as a conflict (``duplicate``), unless ``latest`` lets the one
with the newer file time win (the other ``superseded``); a return already in the ledger is
``taken_before``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kohyo.check.findings import Report
from kohyo.collect.fields import IDENTITY, Value, project_fields
from kohyo.collect.intake import Returned
from kohyo.config import Config
from kohyo.messages import t
from kohyo.model.project import Master, Project

STATUSES = ("proposed", "conflict", "refused", "kept", "same", "applied")
RETURN_STATUSES = ("taken", "refused", "duplicate", "superseded", "taken_before")
EDITABLE_OF_KIND = {
    "cost": "costs",
    "role": "roles",
    "kpi_current": "kpi_current",
    "kpi_target": "kpi_target",
    "note": "notes",
    "content": "content",
    "effect": "effect",
}


@dataclass
class Change:
    """One field of one 個表 in one return."""

    town: str
    source: str
    sheet: str  # the master's sheet (the returned sheet's when the master has none)
    number: int | None
    key: str
    base: Value
    theirs: Value
    ours: Value
    status: str
    reason: str = ""
    cell: str | None = None  # where the master holds the field

    def to_dict(self) -> dict[str, Any]:
        return {
            "town": self.town, "file": self.source, "sheet": self.sheet, "number": self.number,
            "field": self.key, "label": field_label(self.key), "base": self.base,
            "theirs": self.theirs, "ours": self.ours, "status": self.status,
            "reason": self.reason, "cell": self.cell,
        }  # fmt: skip


@dataclass
class ReturnOutcome:
    returned: Returned
    status: str  # one of RETURN_STATUSES
    reason: str = ""

    @property
    def town(self) -> str | None:
        return self.returned.town

    def to_dict(self) -> dict[str, Any]:
        r = self.returned
        return {
            "file": r.source.label,
            "town": r.town,
            "distribution": r.marks.distribution if r.marks else None,
            "sha256": r.source.digest,
            "status": self.status,
            "reason": self.reason or r.refusal or "",
            "warnings": r.warnings,
            "findings": [f.to_dict() for f in r.findings],
        }


@dataclass
class CollectPlan:
    master: Path
    master_digest: str
    ours: Master
    report: Report  # the master's own findings
    returns: list[ReturnOutcome]
    changes: list[Change]
    applied: bool = False
    backup: Path | None = None
    recorded: int = 0  # returns written to the ledger
    notes: list[str] = field(default_factory=list)

    def proposed(self) -> list[Change]:
        return [c for c in self.changes if c.status in ("proposed", "applied")]

    @property
    def exit_code(self) -> int:
        """0: the plan was made (and applied); 1: a return was refused as a whole, or the
        master has errors."""
        refused = any(o.status == "refused" for o in self.returns)
        return 1 if refused or self.report.has_errors else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "master": str(self.master),
            "applied": self.applied,
            "backup": str(self.backup) if self.backup else None,
            "returns": [o.to_dict() for o in self.returns],
            "changes": [c.to_dict() for c in self.changes],
            "counts": {s: sum(1 for c in self.changes if c.status == s) for s in STATUSES},
        }


def field_label(key: str) -> str:
    """The field as staff name it: 事業費見込額（2021年度）, 役割分担（平内町）…"""
    kind, _, subject = key.partition(":")
    subject, _, n = subject.partition("#")
    label = t(f"collect.field.{kind}", subject=subject)
    return f"{label} #{n}" if n else label


def resolve_returns(
    returned: list[Returned], latest: bool, taken: set[tuple[str, str, str]]
) -> list[ReturnOutcome]:
    """Each return's fate before any field is compared."""
    outcomes: list[ReturnOutcome] = []
    seen: set[str] = set()
    by_town: dict[str, list[ReturnOutcome]] = defaultdict(list)
    for r in returned:
        if r.refusal is not None:
            outcomes.append(ReturnOutcome(r, "refused", r.refusal))
            continue
        assert r.marks is not None
        if r.source.digest in seen:  # the same file twice (saved, and attached to a mail)
            continue
        seen.add(r.source.digest)
        if (r.marks.town, r.marks.distribution, r.source.digest) in taken:
            outcomes.append(ReturnOutcome(r, "taken_before", t("collect.taken_before")))
            continue
        o = ReturnOutcome(r, "taken")
        outcomes.append(o)
        by_town[r.marks.town].append(o)
    for town, group in by_town.items():
        if len(group) < 2:
            continue
        times = sorted((o.returned.source.mtime for o in group), reverse=True)
        if latest and times[0] != times[1]:
            newest = max(group, key=lambda o: o.returned.source.mtime)
            for o in group:
                if o is not newest:
                    o.status = "superseded"
                    o.reason = t("collect.superseded", file=newest.returned.source.label)
        else:
            files = t("list.separator").join(o.returned.source.label for o in group)
            for o in group:
                o.status = "duplicate"
                o.reason = t("collect.duplicate", town=town, files=files)
    return outcomes


def plan_changes(outcomes: list[ReturnOutcome], ours: Master, config: Config) -> list[Change]:
    """Every field a taken return differs in from its base, or the master differs in."""
    by_number = {p.number: p for p in ours.projects if p.number is not None}
    by_sheet = {p.sheet: p for p in ours.projects}
    changes: list[Change] = []
    for o in outcomes:
        if o.status == "taken":
            changes += _return_changes(o.returned, by_number, by_sheet, config)
    _cross_town_conflicts(changes)
    for o in outcomes:  # shown, so staff can choose, but never applied
        if o.status == "duplicate":
            for c in _return_changes(o.returned, by_number, by_sheet, config):
                if c.status == "proposed":
                    c.status, c.reason = "conflict", o.reason
                changes.append(c)
    return changes


def _return_changes(
    r: Returned, by_number: dict[int, Project], by_sheet: dict[str, Project], config: Config
) -> list[Change]:
    assert r.base is not None and r.marks is not None
    town, label = r.marks.town, r.source.label
    theirs = r.theirs_fields(config)
    out: list[Change] = []
    base_sheets = r.base.by_sheet()
    for sheet, fields in theirs.items():
        if sheet in base_sheets:
            continue
        number = fields.get("number")
        p = by_number.get(number) if isinstance(number, int) else None
        reason = (t("collect.refused.not_participating", town=town)
                  if p is not None and town not in p.municipalities
                  else t("collect.refused.added_sheet"))  # fmt: skip
        out.append(Change(town, label, sheet, number if isinstance(number, int) else None,
                          "sheet", None, sheet, None, "refused", reason))  # fmt: skip
    for sent in r.base.projects:
        ours_p = _ours_project(
            sent.number, sent.sheet, sent.fields.get("name"), by_number, by_sheet
        )
        got = theirs.get(sent.sheet)
        if got is None:
            out.append(Change(town, label, sent.sheet, sent.number, "sheet", sent.sheet, None,
                              None, "refused", t("collect.refused.deleted_sheet")))  # fmt: skip
            continue
        ours_fields = project_fields(ours_p, config) if ours_p is not None else {}
        sheet = ours_p.sheet if ours_p is not None else sent.sheet
        own_row = f"role:{town}" in sent.fields
        for key in [*sent.fields, *(k for k in got if k not in sent.fields)]:
            base_v, theirs_v = sent.fields.get(key), got.get(key)
            mine = ours_fields.get(key)
            ours_v = mine.value if mine else None
            c = Change(town, label, sheet, sent.number, key, base_v, theirs_v, ours_v, "",
                       cell=mine.cell if mine else None)  # fmt: skip
            if key in sent.fields and key in got and theirs_v == base_v:
                if mine is not None and ours_v != base_v:
                    c.status = "kept"
                    out.append(c)
                continue
            c.status, c.reason = _judge(c, town, own_row, key in sent.fields, key in got,
                                        ours_p, mine is not None, config)  # fmt: skip
            out.append(c)
    return out


def _ours_project(
    number: int | None, sheet: str, name: Value,
    by_number: dict[int, Project], by_sheet: dict[str, Project],
) -> Project | None:  # fmt: skip
    """The master's project a sent 個表 was: by number — unless the master renumbered since
    (``kohyo new --after``), then by its unchanged name."""
    p = by_number.get(number) if number is not None else by_sheet.get(sheet)
    if p is not None and p.name.text == name:
        return p
    named = [q for q in by_sheet.values() if q.name.text == name]
    return named[0] if len(named) == 1 else p


def _judge(
    c: Change, town: str, own_row: bool, in_base: bool, in_theirs: bool,
    ours_p: Project | None, in_ours: bool, config: Config,
) -> tuple[str, str]:  # fmt: skip
    kind = c.key.split(":", 1)[0]
    if kind in IDENTITY:
        return "refused", t("collect.refused.identity", field=field_label(c.key))
    if not in_base:
        return "refused", t("collect.refused.added_row")
    if not in_theirs:
        return "refused", t("collect.refused.removed_row")
    if EDITABLE_OF_KIND.get(kind) not in config.collect.editable:
        return "refused", t("collect.refused.not_editable", field=field_label(c.key))
    if kind == "role":
        who = c.key.split(":", 1)[1].split("#", 1)[0]
        shared = who in (config.area.partner_label, config.area.all_label)
        own = who == town or (shared and not own_row and town != config.area.central_city)
        if config.area.all_label == who and town == config.area.central_city:
            own = not own_row
        if not own:
            return "refused", t("collect.refused.other_role", who=who)
    if ours_p is None:
        return "refused", t("collect.refused.gone_from_master")
    if town not in ours_p.municipalities:
        return "refused", t("collect.refused.not_participating", town=town)
    if not in_ours:
        return "conflict", t("collect.conflict.structure")
    if c.ours == c.theirs:
        return "same", ""
    if c.ours != c.base:
        return "conflict", t("collect.conflict.master")
    return "proposed", ""


def _cross_town_conflicts(changes: list[Change]) -> None:
    """Two towns proposing different values for one field of a shared 個表: both conflict."""
    groups: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for c in changes:
        if c.status == "proposed":
            groups[(c.sheet, c.key)].append(c)
    for group in groups.values():
        if len({repr(c.theirs) for c in group}) > 1:
            towns = t("list.separator").join(f"{c.town}「{c.theirs}」" for c in group)
            for c in group:
                c.status = "conflict"
                c.reason = t("collect.conflict.towns", towns=towns)
