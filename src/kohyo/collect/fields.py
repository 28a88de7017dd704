"""One 個表 as a flat mapping of fields: what collect compares, keeps as the base, and patches.

A field key names a value by what it is, not by where it sits, so a town's re-saved workbook
and the master line up even when their grids differ: ``cost:2021``, ``role:連携町村``,
``kpi_current:創業件数``, ``kpi_target:創業件数``, ``note:1``, ``content``, ``effect``, and
the identity fields ``number``, ``name``, ``municipalities``. A name that occurs twice in one
sheet (two KPIs of the same name) gets ``#2``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kohyo.config import Config
from kohyo.files.digest import bytes_digest
from kohyo.layout.text import clean_text
from kohyo.model.project import Project

Value = int | str | None

IDENTITY = ("number", "name", "municipalities")
"""Fields a town may never change: they say which project a sheet is."""


@dataclass(frozen=True)
class Field:
    key: str
    value: Value
    cell: str | None  # A1 address in the workbook it was read from

    @property
    def kind(self) -> str:
        """``cost``, ``role``, ``kpi_current``, ``kpi_target``, ``note``, ``content`` …"""
        return self.key.split(":", 1)[0]

    @property
    def subject(self) -> str:
        """The year, the role's who, the KPI's name or the note's position; "" for the rest."""
        return self.key.split(":", 1)[1] if ":" in self.key else ""


def _sent(value: Value) -> Value:
    """*value* as a town workbook holds it (what XML cannot hold removed, as distribute does)."""
    return clean_text(value)[0] if isinstance(value, str) else value


def project_fields(p: Project, config: Config) -> dict[str, Field]:
    """Every field of *p*, in sheet order."""
    out: dict[str, Field] = {}

    def put(key: str, value: Value, cell: str | None) -> None:
        n, unique = 2, key
        while unique in out:
            unique = f"{key}#{n}"
            n += 1
        out[unique] = Field(unique, _sent(value), cell)

    number: Value = p.number if p.number is not None else _raw(p.number_raw)
    put("number", number, p.number_cell)
    put("name", p.name.text, p.name.cell)
    put("municipalities", p.municipalities_label.text, p.municipalities_label.cell)
    put("content", p.content.text, p.content.cell)
    put("effect", p.effect.text, p.effect.cell)
    for year in config.plan.fiscal_years:
        c = p.costs.amounts.get(year)
        put(f"cost:{year}", _amount(c.value if c else None, c.raw if c else None),
            c.cell if c else None)  # fmt: skip
    for r in p.roles:
        put(f"role:{r.who}", r.text, r.cell)
    for k in p.indicators:
        put(f"kpi_current:{k.name}", k.current, k.current_cell)
        put(f"kpi_target:{k.name}", k.target, k.target_cell)
    for i, note in enumerate(p.notes, 1):
        put(f"note:{i}", note.text, note.cell)
    return out


def _raw(value: object) -> Value:
    return None if value is None else str(value)


def _amount(value: object, raw: object) -> Value:
    """A cost's value; text that is no amount (``約200``) keeps its text, so it is a change."""
    if value is None and raw not in (None, ""):
        return str(raw)
    return value if isinstance(value, (int, str)) or value is None else str(value)


def values(fields: dict[str, Field]) -> dict[str, Value]:
    return {k: f.value for k, f in fields.items()}


def sheet_digest(sheet: str, fields: dict[str, Value]) -> str:
    """The digest of one 個表 as sent: its sheet name and every field value."""
    doc = {"sheet": sheet, "fields": fields}
    return bytes_digest(canonical_json(doc))


def canonical_json(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
