"""The change overview's page layout: what each section says and how each 個表 is tabled.

A :class:`~kohyo.overview.compare.ChangeOverview` becomes an :class:`OverviewView`, a small view
model built here once, so that the wording rules live in one place and the templates
(``templates/overview/*.j2``) and the xlsx writer (:mod:`kohyo.overview.xlsx`) only
place it on the page. Each 個表 is tabled from the one grid of :mod:`kohyo.layout.grid` (the
towns' workbooks use it too), its values being 見え消し segment lists. Pure: no file is read
or written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kohyo.config import Config
from kohyo.layout.grid import GridCell, SheetContent, kohyo_grid
from kohyo.layout.look import SheetLook
from kohyo.model.derive import derive_total
from kohyo.model.project import Amount, Project, amount_text
from kohyo.overview.compare import (
    ChangeOverview,
    FieldChange,
    amount_value,
    kpi_key,
    members,
    project_years,
    roles_of,
)
from kohyo.overview.textdiff import (
    Segment,
    SegmentKind,
    first_paragraph,
    mark_items,
    mark_text,
    mark_value,
    quote,
)

# The seed's closing note: the same caveat goes with every amendment.
NOTE = (
    "(注) 上記以外の事業についても、今後の各市町村の予算編成作業や市町村間の協議結果により、"
    "新規追加又は変更となる場合がある。"
)
DEFAULT_LOOK = SheetLook()
ALIGN = {"center": "center", "amount": "num"}  # grid style -> the table's cell class
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"


@dataclass
class Cell:
    """One cell of a 個表 table in the overview: its text pieces and its place in the grid."""

    segments: list[Segment]
    colspan: int = 1
    rowspan: int = 1
    head: bool = False
    align: str = ""  # "", "num" (right) or "center"


@dataclass
class SheetView:
    """One 個表 as a table: rows of cells with spans, then the ※ notes (from the grid)."""

    number: int | None
    name: str
    columns: int
    rows: list[list[Cell]]
    notes: list[Segment]
    widths: tuple[float, ...] = ()  # Excel's column-width units, from the 個表 look
    heights: tuple[float, ...] = ()  # points, one per row of *rows*

    def grid(self) -> list[list[Cell | None]]:
        """The rows with spans expanded: a cell at its top-left position, None elsewhere."""
        taken: set[tuple[int, int]] = set()
        out: list[list[Cell | None]] = []
        for r, row in enumerate(self.rows):
            line: list[Cell | None] = [None] * self.columns
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                if c < self.columns:
                    line[c] = cell
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                c += cell.colspan
            out.append(line)
        return out


@dataclass
class ChangeItem:
    """One ①② entry of section 変更: a heading, what is done, and the details."""

    heading: str
    lines: list[str]
    details: list[tuple[str | None, list[str]]] = field(default_factory=list)


@dataclass
class OverviewView:
    """The overview laid out once, for the HTML, Markdown and xlsx renderings."""

    title: str
    lead: str
    count_line: str
    has_changes: bool
    sections: dict[str, int]  # "added" / "changed" / "removed" -> section number
    added: list[dict[str, Any]]
    changes: list[ChangeItem]
    changed_count: int
    removed: list[dict[str, Any]]
    renumbered: list[dict[str, Any]]
    new_sheets: list[SheetView]
    changed_sheets: list[SheetView]
    note: str = ""
    reference_label: str = "資料の掲載ページ等"  # the 新規 table's last column ([book])


def build_view(
    ov: ChangeOverview,
    config: Config,
    look: SheetLook = DEFAULT_LOOK,
    references: dict[int, str] | None = None,
) -> OverviewView:
    """The overview's view model; *look* is the 個表 look its tables take widths and heights
    from; *references* (number -> 「・N ページ」…, :mod:`kohyo.book.reference`) fill the new
    projects' 資料の掲載ページ等 column."""
    refs = references or {}
    kinds = [
        k for k, on in (("新規追加", ov.added), ("変更", ov.changed), ("削除", ov.removed)) if on
    ]
    what = "、".join(kinds[:-1]) + ("及び" if len(kinds) > 1 else "") + (kinds[-1] if kinds else "")
    lead = (
        f"○以下について、ビジョンの変更(具体的取組の{what})を行う。"
        if kinds
        else "○ビジョンの具体的取組に変更はない。"
    )
    present = [
        k for k, on in (("added", ov.added), ("changed", ov.changed), ("removed", ov.removed)) if on
    ]
    return OverviewView(
        title=f"{config.area.name}ビジョン（変更案）の概要",
        lead=lead,
        count_line=f"(具体的取組の総数 : [現在] {ov.old_count}事業 ⇒ [変更案] {ov.new_count}事業)",
        has_changes=ov.has_changes,
        sections={k: i for i, k in enumerate(present, 1)},
        added=[
            {
                "number": _num(p.number),
                "name": p.name.text,
                "summary": first_paragraph(p.content.text),
                "reference": refs.get(p.number, "") if p.number is not None else "",
            }
            for p in ov.added
        ],
        changes=change_items(ov, config),
        changed_count=len(ov.changed),
        removed=[{"number": _num(p.number), "name": p.name.text} for p in ov.removed],
        renumbered=[
            {"name": m.new.name.text, "old": _num(m.old.number), "new": _num(m.new.number)}
            for m in ov.renumbered
        ],
        new_sheets=[sheet_view(None, p, config, look) for p in ov.added],
        changed_sheets=[sheet_view(m.old, m.new, config, look) for m in ov.changed],
        note=NOTE,
        reference_label=config.book.reference_label,
    )


def _num(n: int | None) -> str:
    return "" if n is None else str(n)


def change_items(ov: ChangeOverview, config: Config) -> list[ChangeItem]:
    """Merges first, grouped by the project they merge into (the seed's ①), then the rest."""
    items: list[ChangeItem] = []
    added = {id(p) for p in ov.added}
    new_by_number = {p.number: p for p in ov.added}
    for target, group in ov.merge_groups():
        names = [f"「{m.new.name.text}」" for m in group]
        heading = names[0] if len(names) == 1 else "、".join(names[:-1]) + "及び" + names[-1]
        into = (
            f"「{target.name}」（事業番号{target.number}）"
            if target.name
            else f"事業番号{target.number}"
        )
        is_new = id(new_by_number.get(target.number)) in added
        if len(group) > 1 and is_new:
            line = f"{len(group)}事業を統合した{into}を実施するため、所要の変更を行う。"
        elif len(group) > 1:
            line = f"{len(group)}事業を{into}に統合するため、所要の変更を行う。"
        else:
            line = f"{into}に統合するため、所要の変更を行う。"
        details = [
            (f"「{m.new.name.text}」" if len(group) > 1 else None, describe(m.fields, config))
            for m in group
        ]
        items.append(ChangeItem(heading, [line], details))
    for m in ov.changed:
        if m.merged_into is not None:
            continue
        heading = f"「{m.new.name.text}」"
        if m.renamed:
            heading = f"「{m.old.name.text}」（「{m.new.name.text}」に名称変更）"
        items.append(ChangeItem(heading, describe(m.fields, config)))
    for i, item in enumerate(items):
        item.heading = (CIRCLED[i] if i < len(CIRCLED) else f"({i + 1})") + item.heading
    return items


def describe(fields: list[FieldChange], config: Config) -> list[str]:
    """Each change as one sentence of the overview; all cost changes share one."""
    lines: list[str] = []
    costs = [f for f in fields if f.field in ("cost", "total")]
    for f in fields:
        if f.field in ("cost", "total"):
            if f is costs[0]:
                parts = [
                    f"{f'{c.item}年度' if c.field == 'cost' else '計'} {show(c.old)} ⇒ {show(c.new)}"
                    for c in costs
                ]
                lines.append(
                    f"事業費見込額（単位：{config.plan.unit}）を変更（{'、'.join(parts)}）。"
                )
            continue
        lines.append(_sentence(f))
    return lines


def show(value: Amount) -> str:
    if value is None or value == "":
        return "空欄"
    return f"{value:,}" if isinstance(value, int) else str(value)


# What one change says, by field and kind of change ({where}: "" or "<label>の").
SENTENCES: dict[str, dict[str, str]] = {
    "text": {
        "removed": "{where}「{quoted_old}」との記述を削除。",
        "added": "{where}「{quoted_new}」との記述を追加。",
        "changed": "{where}「{quoted_old}」との記述を「{quoted_new}」に変更。",
    },
    "role": {
        "added": "役割分担に「{item}」（{new}）を追加。",
        "removed": "役割分担の「{item}」（{old}）を削除。",
        "changed": "役割分担（{item}）を「{old}」から「{new}」に変更。",
    },
    "indicator": {
        "added": "成果指標「{item}」を追加（{new}）。",
        "removed": "成果指標「{item}」を削除（{old}）。",
        "changed": "成果指標の名称を「{old}」から「{new}」に変更。",
    },
    "note": {
        "added": "注記「{new}」を追加。",
        "removed": "注記「{old}」を削除。",
        "changed": "注記「{old}」を「{new}」に変更。",
    },
}


def _sentence(f: FieldChange) -> str:
    old, new, item = show(f.old), show(f.new), f.item
    if f.field in ("content", "effect"):
        return SENTENCES["text"][f.change].format(
            where="" if f.field == "content" else f"{f.label}の",
            quoted_old=quote(str(f.old or "")),
            quoted_new=quote(str(f.new or "")),
        )
    if f.field == "name":
        return f"事業名を「{old}」から「{new}」に変更（名称変更）。"
    if f.field in ("role", "indicator", "note"):
        return SENTENCES[f.field][f.change].format(item=item, old=old, new=new)
    if f.field in ("indicator_current", "indicator_target"):
        what = "現状値" if f.field == "indicator_current" else "目標値"
        return f"成果指標「{item}」の{what}を「{old}」から「{new}」に変更。"
    return f"{f.label}を「{old}」から「{new}」に変更。"


def sheet_view(
    old: Project | None, new: Project, config: Config, look: SheetLook = DEFAULT_LOOK
) -> SheetView:
    """A 個表 as the vision prints it, in the canonical grid; with *old*, the changes marked
    (見え消し). The years are those either project has (the configured ones if neither has)."""
    o = old or new
    years = tuple(project_years(o, new) or config.plan.fiscal_years)

    def cost(a: Amount, b: Amount) -> list[Segment]:
        return mark_value(amount_text(a), amount_text(b))

    munis = (
        [Segment(new.municipalities_label.text)]
        if members(o) == members(new)
        else mark_value(o.municipalities_label.text, new.municipalities_label.text)
    )
    notes = mark_items([n.text for n in o.notes], [n.text for n in new.notes])
    content = SheetContent(
        number=[Segment(_num(new.number))],
        name=mark_value(o.name.text, new.name.text),
        municipalities=munis,
        content=mark_text(o.content.text, new.content.text),
        effect=mark_text(o.effect.text, new.effect.text),
        years=years,
        costs=tuple(
            cost(amount_value(o.costs.amounts.get(y)), amount_value(new.costs.amounts.get(y)))
            for y in years
        ),
        total=cost(derive_total(o.costs), derive_total(new.costs)),
        roles=_roles(o, new),
        kpis=_kpis(o, new),
        notes=tuple([n] for n in notes),
        unit=config.plan.unit,
        target_year=new.indicator_target_year or config.plan.kpi_target_year,
    )
    grid = kohyo_grid(content, look, segments_text)
    table = [c for c in grid.cells if c.kind != "note"]
    n_rows = grid.n_rows - len(notes)
    rows: list[list[Cell]] = [[] for _ in range(n_rows)]
    for c in sorted(table, key=lambda c: (c.row, c.col)):
        rows[c.row].append(_cell(c))
    return SheetView(new.number, new.name.text, grid.count, rows, notes, grid.widths,
                     grid.heights[:n_rows])  # fmt: skip


def _cell(c: GridCell[list[Segment]]) -> Cell:
    """A grid cell as the overview's table shows it (plain text from the grid as one segment)."""
    segs = c.value if not isinstance(c.value, str) else [Segment(c.value)] if c.value else []
    head = c.kind in ("label", "header")
    return Cell(segs, c.cols, c.rows, head, "" if head else ALIGN.get(c.style, ""))


def runs(segs: list[Segment]) -> list[tuple[str, str]]:
    """Segments as (kind, text) runs; paragraphs, and a new value after the struck-out old one,
    start a new line (as the HTML and the xlsx show them)."""
    kinds: list[str] = []
    texts: list[list[str]] = []  # each run's pieces, joined once (a cell may be thousands)
    for i, s in enumerate(segs):
        br = i and (s.starts_paragraph or (s.kind == "ins" and segs[i - 1].kind == "del"))
        text = ("\n" if br else "") + s.text
        if kinds and kinds[-1] == s.kind:
            texts[-1].append(text)
        elif text:
            kinds.append(s.kind)
            texts.append([text])
    return [(kind, "".join(pieces)) for kind, pieces in zip(kinds, texts, strict=True)]


def segments_text(value: list[Segment] | str) -> str:
    """How a marked cell reads, for its row height: old and new one under the other."""
    if isinstance(value, str):
        return value
    return "".join(t for _, t in runs(value))


Marks = list[Segment]


def _roles(o: Project, n: Project) -> tuple[tuple[Marks, Marks], ...]:
    a, b = roles_of(o), roles_of(n)
    out = []
    for who in [*b, *(w for w in a if w not in b)]:
        kind: SegmentKind = "same" if (who in a) == (who in b) else ("ins" if who in b else "del")
        out.append(([Segment(who, kind)] if who else [], mark_value(a.get(who), b.get(who))))
    return tuple(out)


def _kpis(o: Project, n: Project) -> tuple[tuple[Marks, Marks, Marks], ...]:
    olds = {kpi_key(i.name): i for i in o.indicators}
    news = {kpi_key(i.name) for i in n.indicators}
    lines: list[tuple[Marks, Marks, Marks]] = []
    for i in n.indicators:
        p = olds.get(kpi_key(i.name))
        if p is None:
            lines.append(
                ([Segment(i.name, "ins")], mark_value(None, i.current), mark_value(None, i.target))
            )
        else:
            lines.append((mark_value(p.name, i.name), mark_value(p.current, i.current),
                          mark_value(p.target, i.target)))  # fmt: skip
    for key, p in olds.items():
        if key not in news:
            lines.append(
                ([Segment(p.name, "del")], mark_value(p.current, None), mark_value(p.target, None))
            )
    return tuple(lines)
