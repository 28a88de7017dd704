"""The change overview (変更案の概要): a ChangeOverview laid out like the seed document,
rendered to HTML and Markdown from jinja2 templates and to an xlsx. I/O edge.

The layout (which rows a 個表 has, what each change says) is built here once, as a
small view model; the templates only place it on the page, so staff can restyle
``templates/overview/*.j2`` without touching the wording rules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import xlsxwriter
from markupsafe import Markup, escape

from .config import Config
from .derive import derive_total
from .diff import (
    ChangeOverview,
    FieldChange,
    amount_value,
    blocking_findings,
    compare_masters,
    kpi_key,
    members,
    project_years,
    roles_of,
)
from .errors import KohyoError, WriteError
from .findings import Finding, Report
from .master import check_master
from .model import Amount, Master, Project
from .textdiff import Segment, first_paragraph, mark_items, mark_text, mark_value, quote

TEMPLATE_FOLDER = ("templates", "overview")
TEMPLATES = {"overview.html": "overview.html.j2", "overview.md": "overview.md.j2"}
# The seed's closing note: the same caveat goes with every amendment.
NOTE = (
    "(注) 上記以外の事業についても、今後の各市町村の予算編成作業や市町村間の協議結果により、"
    "新規追加又は変更となる場合がある。"
)
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"


@dataclass
class Comparison:
    """Both masters as read and checked, and the overview unless one cannot be compared."""

    old: Master
    new: Master
    old_report: Report
    new_report: Report
    overview: ChangeOverview | None

    @property
    def old_blockers(self) -> list[Finding]:
        return blocking_findings(self.old_report)

    @property
    def new_blockers(self) -> list[Finding]:
        return blocking_findings(self.new_report)


def compare_files(old_path: str | Path, new_path: str | Path, config: Config) -> Comparison:
    """Read and check both masters; compare them unless either cannot be compared."""
    old, old_report = check_master(old_path, config)
    new, new_report = check_master(new_path, config)
    comparable = not (blocking_findings(old_report) or blocking_findings(new_report))
    overview = compare_masters(old, new, config) if comparable else None
    return Comparison(old, new, old_report, new_report, overview)


# --- view model -----------------------------------------------------------------------


@dataclass
class Cell:
    segments: list[Segment]
    colspan: int = 1
    rowspan: int = 1
    head: bool = False
    align: str = ""  # "", "num" (right) or "center"


@dataclass
class SheetView:
    """One 個表 as a table: rows of cells with spans, then the ※ notes."""

    number: int | None
    name: str
    columns: int
    rows: list[list[Cell]]
    notes: list[Segment]

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


def build_view(ov: ChangeOverview, config: Config) -> OverviewView:
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
        new_sheets=[sheet_view(None, p, config) for p in ov.added],
        changed_sheets=[sheet_view(m.old, m.new, config) for m in ov.changed],
        note=NOTE,
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
                    f"{c.item + '年度' if c.field == 'cost' else '計'} {show(c.old)} ⇒ {show(c.new)}"
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


def _sentence(f: FieldChange) -> str:
    old, new, item = show(f.old), show(f.new), f.item
    if f.field in ("content", "effect"):
        where = "" if f.field == "content" else f"{f.label}の"
        qo, qn = quote(str(f.old or "")), quote(str(f.new or ""))
        return {
            "removed": f"{where}「{qo}」との記述を削除。",
            "added": f"{where}「{qn}」との記述を追加。",
            "changed": f"{where}「{qo}」との記述を「{qn}」に変更。",
        }[f.change]
    if f.field == "name":
        return f"事業名を「{old}」から「{new}」に変更（名称変更）。"
    if f.field == "role":
        return {
            "added": f"役割分担に「{item}」（{new}）を追加。",
            "removed": f"役割分担の「{item}」（{old}）を削除。",
            "changed": f"役割分担（{item}）を「{old}」から「{new}」に変更。",
        }[f.change]
    if f.field == "indicator":
        return {
            "added": f"成果指標「{item}」を追加（{new}）。",
            "removed": f"成果指標「{item}」を削除（{old}）。",
            "changed": f"成果指標の名称を「{old}」から「{new}」に変更。",
        }[f.change]
    if f.field in ("indicator_current", "indicator_target"):
        what = "現状値" if f.field == "indicator_current" else "目標値"
        return f"成果指標「{item}」の{what}を「{old}」から「{new}」に変更。"
    if f.field == "note":
        return {
            "added": f"注記「{new}」を追加。",
            "removed": f"注記「{old}」を削除。",
            "changed": f"注記「{old}」を「{new}」に変更。",
        }[f.change]
    return f"{f.label}を「{old}」から「{new}」に変更。"


def _amount_text(value: Amount) -> str:
    return "" if value is None else (f"{value:,}" if isinstance(value, int) else str(value))


def sheet_view(old: Project | None, new: Project, config: Config) -> SheetView:
    """A 個表 as the vision prints it; with *old*, the changes marked (見え消し)."""
    o = old or new
    years = project_years(o, new) or list(config.plan.fiscal_years)
    cols = max(7, len(years) + 2)

    def head(text: str, **kw: Any) -> Cell:
        return Cell([Segment(text)], head=True, **kw)

    munis = (
        [Segment(new.municipalities_label.text)]
        if members(o) == members(new)
        else mark_value(o.municipalities_label.text, new.municipalities_label.text)
    )
    rows: list[list[Cell]] = [
        [
            head("事業名"),
            Cell([Segment(_num(new.number))], align="center"),
            Cell(mark_value(o.name.text, new.name.text), colspan=cols - 5),
            head("関係市町村"),
            Cell(munis, colspan=2, align="center"),
        ],
        [head("内容"), Cell(mark_text(o.content.text, new.content.text), colspan=cols - 1)],
        [head("連携効果"), Cell(mark_text(o.effect.text, new.effect.text), colspan=cols - 1)],
        [
            head(f"事業費見込額\n(単位：{config.plan.unit})", rowspan=2),
            *(head(f"{y}年度") for y in years),
            head("計", colspan=cols - 1 - len(years)),
        ],
        [
            *(
                Cell(
                    mark_value(
                        _amount_text(amount_value(o.costs.amounts.get(y))),
                        _amount_text(amount_value(new.costs.amounts.get(y))),
                    ),
                    align="num",
                )
                for y in years
            ),
            Cell(
                mark_value(
                    _amount_text(derive_total(o.costs)), _amount_text(derive_total(new.costs))
                ),
                colspan=cols - 1 - len(years),
                align="num",
            ),
        ],
    ]
    rows += _role_rows(o, new, cols)
    rows += _kpi_rows(o, new, cols, new.indicator_target_year or config.plan.kpi_target_year)
    notes = mark_items([n.text for n in o.notes], [n.text for n in new.notes])
    return SheetView(new.number, new.name.text, cols, rows, notes)


def _role_rows(o: Project, n: Project, cols: int) -> list[list[Cell]]:
    a, b = roles_of(o), roles_of(n)
    whos = [*b, *(w for w in a if w not in b)] or [""]
    rows = []
    for i, who in enumerate(whos):
        kind = "same" if (who in a) == (who in b) else ("ins" if who in b else "del")
        row = [Cell([Segment(who, kind)] if who else [], align="center"),
               Cell(mark_value(a.get(who), b.get(who)), colspan=cols - 2)]  # fmt: skip
        if i == 0:
            row.insert(0, Cell([Segment("連携市町村の\n役割分担")], rowspan=len(whos), head=True))
        rows.append(row)
    return rows


def _kpi_rows(o: Project, n: Project, cols: int, target_year: int) -> list[list[Cell]]:
    w1 = (cols - 1) // 3
    w3 = cols - 1 - 2 * w1
    olds = {kpi_key(i.name): i for i in o.indicators}
    news = {kpi_key(i.name) for i in n.indicators}
    lines: list[tuple[list[Segment], list[Segment], list[Segment]]] = []
    for i in n.indicators:
        p = olds.get(kpi_key(i.name))
        if p is None:
            lines.append(
                ([Segment(i.name, "ins")], mark_value(None, i.current), mark_value(None, i.target))
            )
        else:
            lines.append(tuple(mark_value(x, y) for x, y in
                               ((p.name, i.name), (p.current, i.current), (p.target, i.target))))  # type: ignore[arg-type]  # fmt: skip
    for key, p in olds.items():
        if key not in news:
            lines.append(
                ([Segment(p.name, "del")], mark_value(p.current, None), mark_value(p.target, None))
            )
    lines = lines or [([], [], [])]
    rows = [[
        Cell([Segment("成果指標")], rowspan=len(lines) + 1, head=True),
        Cell([Segment("指標")], colspan=w1, head=True),
        Cell([Segment("現状値（調査時点）")], colspan=w1, head=True),
        Cell([Segment(f"目標値（{target_year}年度）")], colspan=w3, head=True),
    ]]  # fmt: skip
    for name, current, target in lines:
        rows.append([Cell(name, colspan=w1), Cell(current, colspan=w1, align="center"),
                     Cell(target, colspan=w3, align="center")])  # fmt: skip
    return rows


# --- rendering ------------------------------------------------------------------------


def template_dir(config: Config) -> Path:
    return config.base_dir.joinpath(*TEMPLATE_FOLDER)


def _environment(folder: Path) -> jinja2.Environment:
    missing = [t for t in TEMPLATES.values() if not (folder / t).is_file()]
    if missing:
        raise KohyoError(
            f"変更概要のテンプレートが見つかりません: {folder / missing[0]}"
            "（config.toml と同じフォルダーの templates/overview/ に置いてください）",
            path=str(folder),
        )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder), encoding="utf-8"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["br"] = lambda s: Markup("<br>").join(escape(x) for x in str(s).split("\n"))
    env.filters["md"] = md_escape
    return env


def md_escape(text: object) -> str:
    """Text safe inside a Markdown table cell or list item (one line)."""
    out = str(text).replace("\\", "\\\\")
    for ch in "|*_~`":
        out = out.replace(ch, "\\" + ch)
    return out.replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


def render_change_overview(ov: ChangeOverview, config: Config) -> dict[str, str]:
    """File name -> text, for the HTML and the Markdown overview."""
    env = _environment(template_dir(config))
    view = build_view(ov, config)
    out = {}
    for name, template in TEMPLATES.items():
        try:
            out[name] = env.get_template(template).render(v=view, today=date.today())
        except jinja2.TemplateError as exc:
            where = f"（{exc.lineno} 行目）" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
            raise KohyoError(
                f"テンプレート {template_dir(config) / template} に誤りがあります{where}: {exc}"
            ) from None
    return out


def default_out_dir(config: Config, today: date | None = None) -> Path:
    return config.paths.output_dir / f"変更概要_{(today or date.today()):%Y%m%d}"


def write_change_overview(ov: ChangeOverview, out_dir: Path, config: Config) -> list[Path]:
    """Write overview.html, overview.md and overview.xlsx into *out_dir*; return their paths."""
    texts = render_change_overview(ov, config)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"出力先のフォルダーを作れません: {out_dir}: {exc.strerror}") from None
    written = []
    for name, text in texts.items():
        written.append(
            _replace(out_dir / name, lambda tmp, t=text: tmp.write_text(t, encoding="utf-8"))
        )
    view = build_view(ov, config)
    written.append(_replace(out_dir / "overview.xlsx", lambda tmp: write_overview_xlsx(view, tmp)))
    return written


def _replace(target: Path, write: Any) -> Path:
    """Write beside *target*, then swap it in: a reader never sees half a file."""
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp{target.suffix}")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WriteError(
            f"{target} を書き込めません（{exc.strerror}）。Excel などで開いていれば閉じてから、"
            "もう一度実行してください"
        ) from None
    return target


# --- xlsx -----------------------------------------------------------------------------

FONT = {"font_name": "ＭＳ Ｐゴシック", "font_size": 10.5}
MARKS = {"same": {}, "del": {"font_strikeout": True, "font_color": "#C00000"},
         "ins": {"underline": 1, "font_color": "#C00000"}}  # fmt: skip
SHEET_WIDTHS = (16, 12, 13)  # label column, year columns, 計 column (Excel width units)
OVERVIEW_WIDTHS = (9, 28, 58, 16)


class _Book:
    """xlsxwriter with the few formats we use. Data is only ever written as strings."""

    def __init__(self, path: Path) -> None:
        self.wb = xlsxwriter.Workbook(
            str(path),
            {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
        )
        self._formats: dict[tuple[Any, ...], Any] = {}

    def fmt(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format({**FONT, "valign": "vcenter", **props})
        return self._formats[key]

    def put(
        self, ws: Any, r: int, c: int, segs: list[Segment], span: tuple[int, int], **props: Any
    ) -> None:
        """Write *segs* (見え消し marks as rich text) into a cell or a merged range."""
        cell_fmt = self.fmt(text_wrap=True, **props)
        if span != (1, 1):
            ws.merge_range(r, c, r + span[0] - 1, c + span[1] - 1, "", cell_fmt)
        runs = _runs(segs)
        if not runs:
            ws.write_blank(r, c, None, cell_fmt)
        elif len(runs) == 1:
            ws.write_string(
                r, c, runs[0][1], self.fmt(text_wrap=True, **props, **MARKS[runs[0][0]])
            )
        else:
            fragments: list[Any] = []
            for kind, text in runs:
                fragments += [self.fmt(**MARKS[kind]), text]
            ws.write_rich_string(r, c, *fragments, cell_fmt)


def _runs(segs: list[Segment]) -> list[tuple[str, str]]:
    """Segments as (kind, text) runs for a rich string; paragraphs become line breaks."""
    runs: list[tuple[str, str]] = []
    for i, s in enumerate(segs):
        # a new value goes under the struck-out old one, as in the HTML
        br = i and (s.starts_paragraph or (s.kind == "ins" and segs[i - 1].kind == "del"))
        text = ("\n" if br else "") + s.text
        if runs and runs[-1][0] == s.kind:
            runs[-1] = (s.kind, runs[-1][1] + text)
        elif text:
            runs.append((s.kind, text))
    return runs


def _height(texts: list[str], width_units: float) -> float:
    """Row height (points) for wrapped Japanese text: ~2 width units per full-width character."""
    per_line = max(1, int(width_units / 2))
    lines = max(
        (sum(-(-max(len(p), 1) // per_line) for p in t.split("\n")) for t in texts), default=1
    )
    return max(18.0, 15.0 * lines + 4)


def write_overview_xlsx(view: OverviewView, path: Path) -> None:
    book = _Book(path)
    _overview_sheet(book, view)
    _kohyo_sheet(book, view)
    book.wb.close()


def _overview_sheet(book: _Book, v: OverviewView) -> None:
    ws = book.wb.add_worksheet("概要")
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(2)
    for i, w in enumerate(OVERVIEW_WIDTHS):
        ws.set_column(i, i, w)
    full = sum(OVERVIEW_WIDTHS)
    r = 0

    def line(text: str, indent: int = 0, **props: Any) -> None:
        nonlocal r
        book.put(ws, r, 0, [Segment(text)], (1, 4), indent=indent, **props)
        ws.set_row(r, _height([text], full - 2 * indent))
        r += 1

    line(v.title, align="center", bold=True, font_size=14)
    r += 1
    line(v.lead)
    line(v.count_line, 1)
    if "added" in v.sections:
        r += 1
        line(f"{v.sections['added']} 新規({len(v.added)}事業)", bold=True)
        for c, h in enumerate(("事業番号", "事業名", "事業概要(案)", "資料の掲載ページ等")):
            book.put(ws, r, c, [Segment(h)], (1, 1), border=1, align="center", bg_color="#F2F2F2")
        r += 1
        for a in v.added:
            for c, text in enumerate((a["number"], a["name"], a["summary"], "")):
                book.put(
                    ws,
                    r,
                    c,
                    [Segment(text)],
                    (1, 1),
                    border=1,
                    align="center" if c == 0 else "left",
                )
            ws.set_row(r, _height([a["summary"]], OVERVIEW_WIDTHS[2]))
            r += 1
    if "changed" in v.sections:
        r += 1
        line(f"{v.sections['changed']} 変更({v.changed_count}事業)", bold=True)
        for item in v.changes:
            line(item.heading, bold=True)
            for text in item.lines:
                line("・" + text, 1)
            for title, texts in item.details:
                if title:
                    line(title, 1)
                for text in texts:
                    line("・" + text, 2)
    if "removed" in v.sections:
        r += 1
        line(f"{v.sections['removed']} 終了・削除({len(v.removed)}事業)", bold=True)
        for d in v.removed:
            line(f"・{d['number']}　{d['name']}", 1)
    if v.has_changes:
        r += 1
        line(v.note)
    if v.renumbered:
        r += 1
        line("（参考）事業番号が変わった事業: " + "、".join(
            f"{d['old']}→{d['new']} {d['name']}" for d in v.renumbered), font_size=9)  # fmt: skip


def _kohyo_sheet(book: _Book, v: OverviewView) -> None:
    if not v.new_sheets and not v.changed_sheets:
        return
    ws = book.wb.add_worksheet("個表（記載案）")
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(2)
    cols = max(s.columns for s in [*v.new_sheets, *v.changed_sheets])
    label_w, year_w, total_w = SHEET_WIDTHS
    widths = [label_w] + [year_w] * (cols - 2) + [total_w]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    r = 0
    for title, sheets in (("【新規】", v.new_sheets), ("【変更】", v.changed_sheets)):
        if not sheets:
            continue
        book.put(ws, r, 0, [Segment(f"{title}{len(sheets)}事業")], (1, cols), bold=True)
        r += 2
        for sheet in sheets:
            r = _write_sheet(book, ws, r, sheet, widths) + 1
    if v.changed_sheets:
        legend = "（【変更】の赤の取消線は削除、赤の下線は追加した記述です）"
        ws.write_string(r, 0, legend, book.fmt(font_size=9))


def _write_sheet(book: _Book, ws: Any, r0: int, sheet: SheetView, widths: list[int]) -> int:
    pos: dict[tuple[int, int], Cell] = {}
    for r, line in enumerate(sheet.grid()):
        for c, cell in enumerate(line):
            if cell is not None:
                pos[(r, c)] = cell
    for (r, c), cell in pos.items():
        span = (cell.rowspan, min(cell.colspan, len(widths) - c))
        props: dict[str, Any] = {"border": 1}
        if cell.head:
            props.update(bg_color="#F2F2F2", align="center")
        elif cell.align:
            props["align"] = "right" if cell.align == "num" else "center"
        book.put(ws, r0 + r, c, cell.segments, span, **props)
    for r in range(len(sheet.rows)):
        texts = [("".join(t for _, t in _runs(cell.segments)), sum(widths[c:c + cell.colspan]))
                 for (rr, c), cell in pos.items() if rr == r and cell.rowspan == 1]  # fmt: skip
        ws.set_row(r0 + r, max((_height([t], w) for t, w in texts), default=18.0))
    r = r0 + len(sheet.rows)
    for s in sheet.notes:
        book.put(ws, r, 0, [s], (1, len(widths)), font_size=9)
        r += 1
    return r + 1
