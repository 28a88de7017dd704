"""A new, blank 個表: its template (``templates/new_kohyo.toml``), its Project and its SheetSpec.

The sheet is the canonical grid of :mod:`kohyo.layout.grid`, the one the towns' workbooks
are written from (same columns, merges, labels, row heights and look from
``templates/kohyo_sheet.toml``), rendered as a :class:`~kohyo.xlsx.sheetspec.SheetSpec`, so
that it can be added to an existing master by the surgical patcher instead of a spreadsheet
library.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kohyo.config import Config
from kohyo.errors import ConfigError
from kohyo.layout.grid import NUMBER_FORMAT, kohyo_grid, project_content
from kohyo.layout.look import PAPER_SIZES, SheetLook
from kohyo.layout.pagetext import sheet_page_text
from kohyo.layout.text import column_pixels
from kohyo.messages import t
from kohyo.model import labels
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
        headers=[YearHeader(y, labels.year_header(y), None) for y in config.plan.fiscal_years],
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
    return math.trunc(column_pixels(width) / 7 * 256) / 256


def kohyo_sheet_spec(
    project: Project, sheet_name: str, config: Config, look: SheetLook, *, blank_kpi_rows: int = 0
) -> SheetSpec:
    """*project* in the canonical grid (:mod:`kohyo.layout.grid`) as a SheetSpec;
    *blank_kpi_rows* empty, ruled KPI rows follow its KPIs (room for staff to type)."""
    grid = kohyo_grid(project_content(project, config, blank_kpi_rows=blank_kpi_rows), look)
    rows: list[list[CellSpec | None]] = [[None] * grid.count for _ in range(grid.n_rows)]
    merges: list[str] = []
    for cell in grid.cells:  # every cell of a merged range gets the style (its borders)
        for r in range(cell.row, cell.last_row + 1):
            for c in range(cell.col, cell.last_col + 1):
                rows[r][c] = CellSpec(None, cell.style)
        rows[cell.row][cell.col] = CellSpec(cell.value if cell.value != "" else None, cell.style)
        if cell.merged:
            merges.append(f"{col_letter(cell.col + 1)}{cell.row + 1}:"
                          f"{col_letter(cell.last_col + 1)}{cell.last_row + 1}")  # fmt: skip
    fit = look.fit_to_width
    return SheetSpec(
        name=sheet_name,
        rows=rows,
        styles=styles(look),
        col_widths=[excel_width(w) for w in grid.widths],
        row_heights={r + 1: h for r, h in enumerate(grid.heights)},
        merges=tuple(merges),
        print_setup=PrintSetup(
            orientation="landscape" if look.landscape else "portrait",
            paper_size=PAPER_SIZES[look.paper],
            fit_to_width=1 if fit else None,
            fit_to_height=0 if fit else None,
            header=sheet_page_text(look.header, project, config, sheet_name) or None,
            footer=sheet_page_text(look.footer, project, config, sheet_name) or None,
            center_horizontally=look.center_horizontally,
        ),
    )
