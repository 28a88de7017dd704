"""Sample 個表 data kept as TOML (``workbooks/sample/*.toml``) -> Project objects.

The sample masters are built from these files so that a change to the sample is
a readable line in a git diff. Projects made here have no cell addresses (the
``cell`` fields are None): they were never read from a sheet.

One ``[[project]]`` table per 個表::

    [[project]]
    sheet = "4"
    number = 4
    name = "…"
    municipalities = "全市町村"          # or "青森市、平内町"
    content = \"\"\"
    ○…\"\"\"
    effect = "…"
    costs = { 2020 = 215, 2021 = "—" }  # fiscal year -> 千円 or "—"; a year left out is blank
    total = "—"                          # 計 as the sheet shows it; leave out for blank
    roles = [ { who = "青森市", text = "…" } ]
    indicators = [ { name = "…", current = "—", target = "—" } ]
    notes = [ "※…" ]

An optional ``[workbook]`` table holds ``title`` and ``note`` for the cover sheet.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kohyo import messages
from kohyo.config import Config
from kohyo.errors import KohyoError
from kohyo.model.project import (
    DASH,
    CellKind,
    CostCell,
    CostPlan,
    Indicator,
    Note,
    Project,
    Role,
    TextField,
    YearHeader,
)

_PROJECT_KEYS = {
    "sheet", "number", "name", "municipalities", "content", "effect",
    "costs", "total", "roles", "indicators", "notes", "target_year",
}  # fmt: skip
_REQUIRED = ("sheet", "number", "name", "municipalities", "content", "effect")
_LIST_SPLIT = re.compile(r"[、,，・\s]+")


class SampleDataError(KohyoError):
    """A sample data file is missing or holds a bad value."""


@dataclass(frozen=True)
class SampleWorkbook:
    """One sample master: what its cover says, and its 個表 in sheet order."""

    title: str
    note: str
    projects: list[Project]


def load_sample(path: str | Path, config: Config) -> SampleWorkbook:
    """Read a sample data file; raise SampleDataError naming the project and key."""
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SampleDataError(
            messages.t("sample.unreadable", path=p, reason=exc.strerror), path=str(p)
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SampleDataError(
            messages.t("sample.syntax", path=p, detail=exc), path=str(p)
        ) from None
    book = raw.get("workbook", {})
    projects = [_project(p, i, t, config) for i, t in enumerate(raw.get("project", []), 1)]
    sheets = [pr.sheet for pr in projects]
    dup = sorted({s for s in sheets if sheets.count(s) > 1})
    if dup:
        sheets_text = messages.t("list.separator").join(dup)
        raise SampleDataError(
            messages.t("sample.duplicate_sheets", path=p, sheets=sheets_text), path=str(p)
        )
    return SampleWorkbook(str(book.get("title", "")), str(book.get("note", "")), projects)


def load_projects(path: str | Path, config: Config) -> list[Project]:
    """The projects of a sample data file, in sheet order."""
    return load_sample(path, config).projects


def _project(path: Path, index: int, t: dict[str, Any], config: Config) -> Project:
    where = messages.t("sample.where", path=path, index=index, sheet=t.get("sheet", "?"))

    def fail(key: str, problem: str) -> SampleDataError:
        return SampleDataError(
            messages.t("sample.bad_value", where=where, key=key, problem=problem), path=str(path)
        )

    def text(key: str, default: str | None = None) -> str:
        v = t.get(key, default)
        if not isinstance(v, str):
            raise fail(key, messages.t("sample.not_text", value=repr(v)))
        return v.strip("\n")  # a multi-line string's closing line break is layout, not data

    unknown = sorted(set(t) - _PROJECT_KEYS)
    if unknown:
        raise fail(unknown[0], messages.t("sample.unknown"))
    for key in _REQUIRED:
        if key not in t:
            raise fail(key, messages.t("sample.required"))
    number = t["number"]
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise fail("number", messages.t("sample.number", value=repr(number)))
    label = text("municipalities")
    munis, unknown_munis = _expand(label, config)
    return Project(
        sheet=text("sheet"),
        number=number,
        number_raw=number,
        number_cell=None,
        name=TextField(text("name"), None),
        municipalities=munis,
        municipalities_label=TextField(label, None),
        unknown_municipalities=unknown_munis,
        content=TextField(text("content"), None),
        effect=TextField(text("effect"), None),
        costs=_costs(t, config, fail),
        roles=[
            Role(_field(r, "who", fail, "roles"), _field(r, "text", fail, "roles"), None, None)
            for r in _list(t, "roles", fail)
        ],
        indicators=[
            Indicator(
                name=_field(k, "name", fail, "indicators"),
                current=_field(k, "current", fail, "indicators"),
                target=_field(k, "target", fail, "indicators"),
                row=None,
                name_cell=None,
                current_cell=None,
                target_cell=None,
            )
            for k in _list(t, "indicators", fail)
        ],
        indicator_target_year=t.get("target_year"),
        indicator_header_cell=None,
        notes=[Note(_str(n, fail, "notes"), None) for n in _list(t, "notes", fail)],
    )


def _expand(label: str, config: Config) -> tuple[list[str], list[str]]:
    area = config.area
    if label.strip() == area.all_label:
        return list(area.municipalities), []
    named = [n for n in _LIST_SPLIT.split(label) if n]
    known = [m for m in area.municipalities if m in named]
    return known, [n for n in named if n not in area.municipalities]


def _list(t: dict[str, Any], key: str, fail: Any) -> list[Any]:
    v = t.get(key, [])
    if not isinstance(v, list):
        raise fail(key, messages.t("sample.not_list"))
    return v


def _str(v: Any, fail: Any, key: str) -> str:
    if not isinstance(v, str):
        raise fail(key, messages.t("sample.not_text", value=repr(v)))
    return v


def _field(entry: Any, name: str, fail: Any, key: str) -> str:
    if not isinstance(entry, dict) or name not in entry:
        raise fail(key, messages.t("sample.field_missing", name=name, value=repr(entry)))
    return _str(entry[name], fail, f"{key}.{name}")


def _amount(v: Any, fail: Any, key: str) -> CostCell:
    if isinstance(v, int) and not isinstance(v, bool):
        return CostCell(v, CellKind.NUMBER, None, raw=v)
    if v == DASH:
        return CostCell(DASH, CellKind.DASH, None, raw=v)
    raise fail(key, messages.t("sample.amount", dash=DASH, value=repr(v)))


def _costs(t: dict[str, Any], config: Config, fail: Any) -> CostPlan:
    years = config.plan.fiscal_years
    raw = t.get("costs", {})
    if not isinstance(raw, dict):
        raise fail("costs", messages.t("sample.costs"))
    amounts: dict[int, CostCell] = {}
    for key, v in raw.items():
        if not key.isdigit() or int(key) not in years:
            raise fail(
                f"costs.{key}", messages.t("sample.costs_year", first=years[0], last=years[-1])
            )
        amounts[int(key)] = _amount(v, fail, f"costs.{key}")
    blank = CostCell(None, CellKind.BLANK, None)
    amounts = {y: amounts.get(y, blank) for y in years}  # in fiscal-year order
    # 計 is kept as the sheet shows it (it may disagree with the years); the tool derives its own.
    total = (
        _amount(t["total"], fail, "total") if "total" in t else CostCell(None, CellKind.BLANK, None)
    )
    return CostPlan(
        headers=[YearHeader(y, f"{y}年度", None) for y in years],
        amounts=amounts,
        total=total,
    )
