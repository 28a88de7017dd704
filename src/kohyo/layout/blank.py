"""A new, blank 個表: its template (``templates/new_kohyo.toml``), its Project and its SheetSpec.

The sheet follows the contract's canonical grid exactly as :mod:`kohyo.layout.kohyo`
lays it out (same columns, merges, labels and look from ``templates/kohyo_sheet.toml``),
but as a :class:`~kohyo.xlsx.sheetspec.SheetSpec`, so that it can be added to an
existing master by the surgical patcher instead of a spreadsheet library.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kohyo.config import Config
from kohyo.errors import ConfigError
from kohyo.layout.kohyo import (
    KPI_HEADERS,
    LABEL_CONTENT,
    LABEL_COSTS,
    LABEL_EFFECT,
    LABEL_KPI,
    LABEL_MUNICIPALITIES,
    LABEL_NAME,
    LABEL_ROLES,
    LABEL_TOTAL,
    NUMBER_FORMAT,
    YEAR_HEADER,
    grid_columns,
)
from kohyo.layout.look import PAPER_SIZES, SheetLook
from kohyo.layout.text import wrapped_lines
from kohyo.messages import t
from kohyo.model.project import (
    DASH,
    CellKind,
    CostCell,
    CostPlan,
    Note,
    Project,
    Role,
    TextField,
    YearHeader,
)
from kohyo.read.grid import col_letter
from kohyo.read.parse import expand_municipalities
from kohyo.xlsx.sheetspec import CellSpec, PrintSetup, SheetSpec
from kohyo.xlsx.styles import StyleSpec

TEMPLATE_FILE = "new_kohyo.toml"
_PLACEHOLDERS = ("central_city", "partner_label", "all_label")


@dataclass(frozen=True)
class NewTemplate:
    """What a new 個表 starts with (``templates/new_kohyo.toml``)."""

    sheet_name: str = "{number}"
    municipalities: str = ""  # empty: area.all_label
    content: str = ""
    effect: str = ""
    cost: str = ""  # every year's 事業費見込額: "" (blank) or "—"
    roles: tuple[str, ...] = ("{central_city}", "{partner_label}")
    indicator_rows: int = 2  # empty KPI rows to type into
    notes: tuple[str, ...] = ()


def load_new_template(path: Path) -> NewTemplate:
    """Read the template; a missing file means the built-in one. Bad values: ConfigError."""
    if not path.exists():
        return NewTemplate()
    where = t("blank.where", path=path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(t("blank.unreadable", where=where, reason=exc), path=str(path)) from None

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(
            t("blank.bad_value", where=where, key=key, problem=problem), path=str(path)
        )

    sheet = raw.get("sheet", {})
    values = raw.get("values", {})
    unknown = (set(raw) - {"sheet", "values"}) | {f"sheet.{k}" for k in set(sheet) - {"name"}}
    unknown |= {
        f"values.{k}"
        for k in set(values)
        - {"municipalities", "content", "effect", "cost", "roles", "indicator_rows", "notes"}
    }
    if unknown:
        raise fail(sorted(unknown)[0], t("blank.unknown"))
    base = NewTemplate()
    name = sheet.get("name", base.sheet_name)
    if not isinstance(name, str) or "{number}" not in name:
        raise fail("sheet.name", t("blank.sheet_name", value=repr(name)))
    texts = {k: values.get(k, getattr(base, k)) for k in ("municipalities", "content", "effect")}
    for key, value in texts.items():
        if not isinstance(value, str):
            raise fail(f"values.{key}", t("blank.not_text", value=repr(value)))
    cost = values.get("cost", base.cost)
    if cost not in ("", DASH):
        raise fail("values.cost", t("blank.cost", dash=DASH, value=repr(cost)))
    roles = values.get("roles", list(base.roles))
    if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
        raise fail("values.roles", t("blank.roles", value=repr(roles)))
    for role in roles:
        try:
            role.format(**{k: "" for k in _PLACEHOLDERS})
        except (KeyError, IndexError, ValueError):
            raise fail(
                "values.roles",
                t("blank.role_placeholders", value=repr(role)),
            ) from None
    rows = values.get("indicator_rows", base.indicator_rows)
    if not isinstance(rows, int) or isinstance(rows, bool) or not 0 <= rows <= 20:
        raise fail("values.indicator_rows", t("blank.indicator_rows", value=repr(rows)))
    notes = values.get("notes", [])
    if not isinstance(notes, list) or not all(
        isinstance(n, str) and n.startswith("※") for n in notes
    ):
        raise fail("values.notes", t("blank.notes", value=repr(notes)))
    return NewTemplate(name, texts["municipalities"], texts["content"], texts["effect"], cost,
                       tuple(roles), rows, tuple(notes))  # fmt: skip


def new_project(
    number: int, name: str, sheet: str, config: Config, template: NewTemplate,
    municipalities: str | None = None,
) -> Project:  # fmt: skip
    """The domain object of a new 個表 (no cell addresses: it was never read from a sheet)."""
    area = config.area
    label = municipalities or template.municipalities or area.all_label
    members, unknown = expand_municipalities(label, config)
    fill = {"central_city": area.central_city, "partner_label": area.partner_label,
            "all_label": area.all_label}  # fmt: skip
    cost_value = DASH if template.cost == DASH else None
    kind = CellKind.DASH if cost_value == DASH else CellKind.BLANK
    costs = CostPlan(
        headers=[YearHeader(y, YEAR_HEADER.format(year=y), None) for y in config.plan.fiscal_years],
        amounts={y: CostCell(cost_value, kind, None) for y in config.plan.fiscal_years},
    )
    costs.total = CostCell(DASH, CellKind.DASH, None)  # no year is numeric yet
    return Project(
        sheet=sheet, number=number, number_raw=number, number_cell=None,
        name=TextField(name, None), municipalities=members,
        municipalities_label=TextField(label, None), unknown_municipalities=unknown,
        content=TextField(template.content, None), effect=TextField(template.effect, None),
        costs=costs,
        roles=[Role(r.format(**fill), "", None, None) for r in template.roles],
        indicators=[], indicator_target_year=config.plan.kpi_target_year,
        indicator_header_cell=None, notes=[Note(n, None) for n in template.notes],
    )  # fmt: skip


def styles(look: SheetLook) -> dict[str, StyleSpec]:
    """The 個表 look as StyleSpecs (the patcher's style model: thin borders, solid fills)."""
    border = look.border != "none"
    base: dict[str, Any] = {"font_name": look.font_name, "font_size": look.font_size,
                            "vertical": "center", "wrap": True, "border": border}  # fmt: skip
    return {
        "label": StyleSpec(**base, horizontal="center", fill_color=look.label_fill,
                           bold=look.label_bold),
        "header": StyleSpec(**base, horizontal="center", fill_color=look.header_fill),
        "text": StyleSpec(**base, horizontal="left"),
        "center": StyleSpec(**base, horizontal="center"),
        "amount": StyleSpec(**base, horizontal="right", number_format=NUMBER_FORMAT),
        "blank": StyleSpec(**base),
        "note": StyleSpec(font_name=look.font_name, font_size=look.note_font_size,
                          vertical="top", horizontal="left", wrap=True),
    }  # fmt: skip


def excel_width(width: float) -> float:
    """A column width as Excel stores it for *width* characters (what XlsxWriter writes too)."""
    pixels = int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)
    return math.trunc(pixels / 7 * 256) / 256


def kohyo_sheet_spec(
    project: Project, sheet_name: str, config: Config, look: SheetLook, *, blank_kpi_rows: int = 0
) -> SheetSpec:
    """*project* in the canonical grid, as :func:`kohyo.layout.kohyo.write_kohyo_sheet` lays it
    out; *blank_kpi_rows* empty, ruled KPI rows follow its KPIs (room for staff to type)."""
    years = config.plan.fiscal_years
    g = grid_columns(len(years))
    n = g.count
    rows: list[list[CellSpec | None]] = []
    merges: list[str] = []
    heights: dict[int, float] = {}
    widths = [look.label_width] + [look.year_width] * len(years) + [look.total_width]
    widths += [look.year_width] * (n - len(widths))

    def new_row() -> int:
        rows.append([None] * n)
        return len(rows)

    def put(r: int, c1: int, c2: int, value: Any, style: str, r2: int | None = None) -> None:
        """Columns 0-based as in kohyo_sheet; rows 1-based. Merged cells all get the style."""
        r2 = r if r2 is None else r2
        while len(rows) < r2:
            new_row()
        for rr in range(r, r2 + 1):
            for cc in range(c1, c2 + 1):
                rows[rr - 1][cc] = CellSpec(None, style)
        rows[r - 1][c1] = CellSpec(value if value != "" else None, style)
        if (r, c1) != (r2, c2):
            merges.append(f"{col_letter(c1 + 1)}{r}:{col_letter(c2 + 1)}{r2}")
        if isinstance(value, str) and value:
            size = look.note_font_size if style == "note" else look.font_size
            lines = wrapped_lines(value, sum(widths[c1 : c2 + 1]) * 0.92)
            need = lines * size * look.line_spacing + look.row_padding
            span = r2 - r + 1
            for rr in range(r, r2 + 1):
                heights[rr] = max(heights.get(rr, 0.0), need / span)

    put(1, 0, 0, LABEL_NAME, "label")
    put(1, 1, 1, project.number, "center")
    put(1, *g.name, project.name.text, "text")
    put(1, g.municipalities_label, g.municipalities_label, LABEL_MUNICIPALITIES, "label")
    put(1, *g.municipalities, project.municipalities_label.text, "text")
    put(2, 0, 0, LABEL_CONTENT, "label")
    put(2, 1, g.last, project.content.text, "text")
    put(3, 0, 0, LABEL_EFFECT, "label")
    put(3, 1, g.last, project.effect.text, "text")
    put(4, 0, 0, LABEL_COSTS.format(unit=config.plan.unit), "label", r2=5)
    for i, year in enumerate(years):
        put(4, 1 + i, 1 + i, YEAR_HEADER.format(year=year), "header")
        cell = project.costs.amounts.get(year)
        value = cell.value if cell else None
        put(5, 1 + i, 1 + i, value, "center" if isinstance(value, str) else "blank")
    put(4, *g.total, LABEL_TOTAL, "header")
    total = project.costs.total.value if project.costs.total else None
    put(5, *g.total, total, "center" if isinstance(total, str) else "amount")
    r = 6
    roles = [(role.who, role.text) for role in project.roles] or [("", "")]
    put(r, 0, 0, LABEL_ROLES, "label", r2=r + len(roles) - 1)
    for who, text in roles:
        put(r, 1, 1, who, "center")
        put(r, 2, g.last, text, "text")
        r += 1
    kpi_rows = [(k.name, k.current, k.target) for k in project.indicators]
    kpi_rows += [("", "", "")] * blank_kpi_rows
    year = project.indicator_target_year or config.plan.kpi_target_year
    put(r, 0, 0, LABEL_KPI, "label", r2=r + len(kpi_rows))
    headers = (KPI_HEADERS[0], KPI_HEADERS[1], KPI_HEADERS[2].format(year=year))
    for (c1, c2), header in zip(g.kpi, headers, strict=True):
        put(r, c1, c2, header, "header")
    for texts in kpi_rows:
        r += 1
        for (c1, c2), text, style in zip(g.kpi, texts, ("text", "center", "center"), strict=True):
            put(r, c1, c2, text, style)
    for note in project.notes:
        r += 1
        put(r, 0, g.last, note.text, "note")
    height = {i: round(min(max(h, look.min_row_height), 409.0), 2) for i, h in heights.items()}
    for i in range(1, len(rows) + 1):
        height.setdefault(i, look.min_row_height)
    fit = look.fit_to_width
    return SheetSpec(
        name=sheet_name,
        rows=rows,
        styles=styles(look),
        col_widths=[excel_width(w) for w in widths],
        row_heights=height,
        merges=tuple(merges),
        print_setup=PrintSetup(
            orientation="landscape" if look.landscape else "portrait",
            paper_size=PAPER_SIZES[look.paper],
            fit_to_width=1 if fit else None,
            fit_to_height=0 if fit else None,
            header=page_text(look.header, project, config, sheet_name) or None,
            footer=page_text(look.footer, project, config, sheet_name) or None,
            center_horizontally=look.center_horizontally,
        ),
    )


def page_text(template: str, project: Project, config: Config, sheet_name: str) -> str:
    """A header/footer text as :mod:`kohyo.layout.kohyo` renders it for this project."""

    def esc(v: str) -> str:
        return v.replace("\n", " ").replace("&", "&&")

    number = "" if project.number is None else str(project.number)
    name = project.name.text if len(project.name.text) <= 60 else project.name.text[:59] + "…"
    return template.format(area=esc(config.area.name), number=esc(number), name=esc(name),
                           sheet=esc(sheet_name))  # fmt: skip
