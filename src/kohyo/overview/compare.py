"""Two versions of the master -> what changed, project by project (変更案の概要). Pure.

Numbers are not identities: inserting a project shifts every later number, so
projects are matched by name first (NFKC, white space removed), then — for the
ones left over — by the similarity of what they say (renamed projects). Only
then are fields compared, so a project that merely moved is reported in
``renumbered`` and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from kohyo.check.findings import Finding, Report
from kohyo.config import Config
from kohyo.model import labels
from kohyo.model.derive import derive_total
from kohyo.model.project import Amount, CellKind, CostCell, Indicator, Master, Project
from kohyo.overview.textdiff import diff_sequences, diff_text, similarity, text_key
from kohyo.read.normalize import label_key, merge_references

RENAME_SIMILARITY = 0.65
"""Minimum difflib ratio (内容 + 連携効果 + KPI names) for an unmatched old project and
an unmatched new one to count as one project renamed. On the seed's seven 個表 the
most similar pair of *different* projects is 2 (起業・創業等支援拠点運営事業) and its
successor 4 (0.54); every other pair is below 0.40. A renamed project whose text
was also lightly edited stays well above 0.65. Below the threshold the tool
reports 削除 + 新規, which a reader can see through; a false 名称変更 would hide
a new project."""

BLOCKING_CODES = frozenset({"no-projects", "name-empty", "name-duplicate", "formula-no-cache"})
"""Validation errors that make a comparison meaningless: projects without a usable
identity (no name, two with one name) or amounts nobody can know. Other errors
(a cost typed as 約200, the plan's years differing from config) are shown as they
are and do not stop the comparison."""

FIELD_LABELS: dict[str, str] = {
    "name": labels.NAME,
    "municipalities": labels.MUNICIPALITIES,
    "content": labels.CONTENT,
    "effect": labels.EFFECT,
    "cost": labels.COSTS,
    "total": labels.TOTAL,
    "role": labels.ROLES,
    "indicator": labels.KPIS,
    "indicator_current": f"{labels.KPIS}の現状値",
    "indicator_target": f"{labels.KPIS}の目標値",
    "note": "注記",
}

Value = str | int | None


@dataclass(frozen=True)
class FieldChange:
    """One change inside a project. ``item`` names the year, the role's who or the KPI."""

    field: str
    change: Literal["added", "removed", "changed"]
    item: str | None = None
    old: Value = None
    new: Value = None

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.field]

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "change": self.change,
            "item": self.item,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True)
class MergeTarget:
    """The project a merge reference names (NO.4に統合), looked up in the new master."""

    number: int
    name: str | None  # None when no project in the new master has that number

    @property
    def label(self) -> str:
        return self.name if self.name is not None else f"NO.{self.number}"


@dataclass
class ProjectChange:
    """A project found in both versions."""

    old: Project
    new: Project
    matched_by: Literal["name", "content"]
    fields: list[FieldChange] = field(default_factory=list)
    merged_into: MergeTarget | None = None

    @property
    def renamed(self) -> bool:
        return any(f.field == "name" for f in self.fields)

    @property
    def renumbered(self) -> bool:
        return self.old.number != self.new.number


@dataclass
class ChangeOverview:
    """What changed from one master to the other: the projects added, removed and matched."""

    old_count: int
    new_count: int
    added: list[Project]
    removed: list[Project]
    matched: list[ProjectChange]  # in new sheet order, changed or not

    @property
    def changed(self) -> list[ProjectChange]:
        return [m for m in self.matched if m.fields]

    @property
    def merged(self) -> list[ProjectChange]:
        return [m for m in self.changed if m.merged_into is not None]

    @property
    def renamed(self) -> list[ProjectChange]:
        return [m for m in self.changed if m.renamed]

    @property
    def renumbered(self) -> list[ProjectChange]:
        return [m for m in self.matched if m.renumbered]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def merge_groups(self) -> list[tuple[MergeTarget, list[ProjectChange]]]:
        """Merged projects grouped by the project they merge into, in order of appearance."""
        groups: dict[int, tuple[MergeTarget, list[ProjectChange]]] = {}
        for m in self.merged:
            assert m.merged_into is not None
            groups.setdefault(m.merged_into.number, (m.merged_into, []))[1].append(m)
        return list(groups.values())

    def to_dict(self) -> dict[str, Any]:
        """The shape `kohyo diff --json` prints."""
        return {
            "old_count": self.old_count,
            "new_count": self.new_count,
            "added": [{"number": p.number, "name": p.name.text} for p in self.added],
            "changed": [
                {
                    "number": m.new.number,
                    "old_number": m.old.number,
                    "name": m.new.name.text,
                    "fields": [f.to_dict() for f in m.fields],
                }
                for m in self.changed
            ],
            "merged": [
                {"name": m.new.name.text, "into": m.merged_into.label}
                for m in self.merged
                if m.merged_into is not None
            ],
            "removed": [{"number": p.number, "name": p.name.text} for p in self.removed],
            "renamed": [
                {
                    "old_name": m.old.name.text,
                    "name": m.new.name.text,
                    "old_number": m.old.number,
                    "number": m.new.number,
                }
                for m in self.renamed
            ],
            "renumbered": [
                {"name": m.new.name.text, "old_number": m.old.number, "number": m.new.number}
                for m in self.renumbered
            ],
        }


def blocking_findings(report: Report) -> list[Finding]:
    """The errors of one master that stop a comparison (see BLOCKING_CODES)."""
    return [f for f in report.findings if f.severity == "error" and f.code in BLOCKING_CODES]


# --- matching -------------------------------------------------------------------------


def name_key(p: Project) -> str:
    return label_key(p.name.text)


def content_signature(p: Project) -> str:
    """What a project says, for recognising it under a new name."""
    return "\n".join([p.content.text, p.effect.text, *(i.name for i in p.indicators)])


def match_projects(
    old: list[Project], new: list[Project]
) -> tuple[list[tuple[Project, Project, Literal["name", "content"]]], list[Project], list[Project]]:
    """Pairs (old, new, how), then the old-only and the new-only projects."""
    by_name: dict[str, list[Project]] = {}
    for p in old:
        by_name.setdefault(name_key(p), []).append(p)
    pairs: list[tuple[Project, Project, Literal["name", "content"]]] = []
    new_left: list[Project] = []
    for p in new:
        candidates = by_name.get(name_key(p))
        if candidates:
            pairs.append((candidates.pop(0), p, "name"))
        else:
            new_left.append(p)
    paired = {id(o) for o, _, _ in pairs}
    old_left = [p for p in old if id(p) not in paired]
    scored = sorted(
        (
            (similarity(content_signature(o), content_signature(n)), i, j)
            for i, o in enumerate(old_left)
            for j, n in enumerate(new_left)
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for score, i, j in scored:
        if score < RENAME_SIMILARITY:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((old_left[i], new_left[j], "content"))
    order = {id(p): k for k, p in enumerate(new)}
    pairs.sort(key=lambda t: order[id(t[1])])
    return (
        pairs,
        [p for i, p in enumerate(old_left) if i not in used_old],
        [p for j, p in enumerate(new_left) if j not in used_new],
    )


def compare_masters(old: Master, new: Master, config: Config) -> ChangeOverview:
    """What changed from *old* to *new*, with projects matched across renumbering."""
    pairs, removed, added = match_projects(old.projects, new.projects)
    successor = {id(o): n for o, n, _ in pairs}
    old_numbers = _by_number(old.projects)
    new_numbers = _by_number(new.projects)
    matched = []
    for o, n, how in pairs:
        change = ProjectChange(o, n, how, compare_projects(o, n, config))
        # a merge the old version already announced is not news, even if its target moved
        announced = {_identity(x, old_numbers, successor) for x in merge_targets(o)}
        for number in merge_targets(n):
            target = new_numbers.get(number)
            if target is n or _identity(number, new_numbers, {}) in announced:
                continue
            change.merged_into = MergeTarget(number, target.name.text if target else None)
            break
        matched.append(change)
    return ChangeOverview(len(old.projects), len(new.projects), added, removed, matched)


def _by_number(projects: list[Project]) -> dict[int, Project]:
    return {p.number: p for p in projects if p.number is not None}


def _identity(number: int, by_number: dict[int, Project], successor: dict[int, Project]) -> object:
    """The project a reference names, as the new master's project where there is one."""
    p = by_number.get(number)
    if p is None:
        return ("unknown", number)
    return id(successor.get(id(p), p))


def merge_targets(p: Project) -> list[int]:
    """Numbers named in 'NO.4に統合'-style references in the KPIs or the notes."""
    texts = [t for i in p.indicators for t in (i.target, i.current)] + [n.text for n in p.notes]
    return [n for t in texts for n in merge_references(t)]


# --- field-level comparison -----------------------------------------------------------


def compare_projects(old: Project, new: Project, config: Config) -> list[FieldChange]:
    """Every field-level change, in the 個表's top-to-bottom order. Numbers are ignored."""
    out: list[FieldChange] = []
    if name_key(old) != name_key(new):
        out.append(FieldChange("name", "changed", None, old.name.text, new.name.text))
    if members(old) != members(new):
        out.append(
            FieldChange(
                "municipalities", "changed", None,
                old.municipalities_label.text, new.municipalities_label.text,
            )
        )  # fmt: skip
    for name, a, b in (
        ("content", old.content.text, new.content.text),
        ("effect", old.effect.text, new.effect.text),
    ):
        out.extend(FieldChange(name, c.change, None, c.old, c.new) for c in diff_text(a, b))
    out.extend(_cost_changes(old, new))
    out.extend(_role_changes(old, new))
    out.extend(_indicator_changes(old, new))
    notes = diff_sequences([n.text for n in old.notes], [n.text for n in new.notes])
    out.extend(FieldChange("note", c.change, None, c.old, c.new) for c in notes)
    return out


def members(p: Project) -> tuple[str, ...]:
    """Who takes part: the expanded list, or the label when nothing could be expanded."""
    if p.municipalities or p.unknown_municipalities:
        return (*p.municipalities, *sorted(p.unknown_municipalities))
    return (label_key(p.municipalities_label.text),)


def amount_value(cell: CostCell | None) -> Amount:
    """The amount to compare and show: the number, —, blank, or the text that was typed."""
    if cell is None:
        return None
    if cell.value is None and cell.kind in (CellKind.INVALID, CellKind.NOT_INTEGER):
        return None if cell.raw is None else str(cell.raw)
    return cell.value


def project_years(*projects: Project) -> list[int]:
    """The fiscal years any of *projects* has a cost column for (the union, in order)."""
    return sorted({y for p in projects for y in p.costs.amounts})


def _cost_changes(old: Project, new: Project) -> list[FieldChange]:
    out = []
    for year in project_years(old, new):
        a = amount_value(old.costs.amounts.get(year))
        b = amount_value(new.costs.amounts.get(year))
        if a != b:
            out.append(FieldChange("cost", _kind(a, b), str(year), a, b))
    ta, tb = derive_total(old.costs), derive_total(new.costs)
    if ta != tb:
        out.append(FieldChange("total", "changed", None, ta, tb))
    return out


def _kind(a: Value, b: Value) -> Literal["added", "removed", "changed"]:
    if a is None:
        return "added"
    return "removed" if b is None else "changed"


def _role_changes(old: Project, new: Project) -> list[FieldChange]:
    a, b = roles_of(old), roles_of(new)
    out = []
    for who in [*a, *(w for w in b if w not in a)]:
        ta, tb = a.get(who), b.get(who)
        if ta is None or tb is None or text_key(ta) != text_key(tb):
            out.append(FieldChange("role", _kind(ta, tb), who, ta, tb))
    return out


def roles_of(p: Project) -> dict[str, str]:
    """who -> role text, in sheet order; the first row for a who wins."""
    roles: dict[str, str] = {}
    for r in p.roles:
        roles.setdefault(r.who, r.text)
    return roles


def kpi_key(name: str) -> str:
    """KPIs pair by name, ignoring the ※ that ties a name to its footnote."""
    return text_key(name).replace("※", "")


def _indicator_changes(old: Project, new: Project) -> list[FieldChange]:
    out: list[FieldChange] = []
    olds = {kpi_key(i.name): i for i in old.indicators}
    news = {kpi_key(i.name): i for i in new.indicators}
    for key, i in olds.items():
        if key not in news:
            out.append(FieldChange("indicator", "removed", i.name, _kpi_text(i), None))
    for key, n in news.items():
        o = olds.get(key)
        if o is None:
            out.append(FieldChange("indicator", "added", n.name, None, _kpi_text(n)))
            continue
        if text_key(o.name) != text_key(n.name):
            out.append(FieldChange("indicator", "changed", n.name, o.name, n.name))
        for fld, a, b in (
            ("indicator_current", o.current, n.current),
            ("indicator_target", o.target, n.target),
        ):
            if text_key(a) != text_key(b):
                out.append(FieldChange(fld, "changed", n.name, a or None, b or None))
    return out


def _kpi_text(i: Indicator) -> str:
    return f"現状値 {i.current or '（空欄）'}／目標値 {i.target or '（空欄）'}"
