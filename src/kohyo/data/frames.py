"""The master as tidy tables (pandas): one row per fact, documented columns and dtypes.

``master_frames(master)`` (also ``Master.to_frames()``) gives six DataFrames in long
form — the shape analysts pivot and open-data portals publish. The columns and
their dtypes are declared once in :data:`COLUMNS`; ``docs/data.md`` lists them.
Every frame is keyed by the project ``number`` (nullable when a sheet has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from kohyo.model.derive import derive_total
from kohyo.model.project import CellKind, Master, Project

if TYPE_CHECKING:
    from collections.abc import Iterator

TABLES = ("projects", "costs", "participation", "roles", "indicators", "notes")

# table -> column -> pandas dtype. Strings are pandas' "string" dtype (missing = <NA>),
# integers the nullable "Int64", so a blank never turns a column into floats.
COLUMNS: dict[str, dict[str, str]] = {
    "projects": {
        "number": "Int64",
        "name": "string",
        "sheet": "string",
        "municipalities_label": "string",
        "content": "string",
        "effect": "string",
        "total": "Int64",
        "total_state": "string",
    },
    "costs": {
        "number": "Int64",
        "fiscal_year": "Int64",
        "amount": "Int64",
        "state": "string",
        "cell": "string",
    },
    "participation": {"number": "Int64", "municipality": "string"},
    "roles": {"number": "Int64", "who": "string", "role": "string", "cell": "string"},
    "indicators": {
        "number": "Int64",
        "name": "string",
        "current": "string",
        "current_as_of": "string",
        "target": "string",
        "target_year": "Int64",
    },
    "notes": {"number": "Int64", "order": "Int64", "text": "string"},
}

# How staff wrote a cost (CellKind -> state): a value, a number typed as text, the dash
# meaning "none", a blank ("not entered"), or something that is not an amount.
STATES: dict[CellKind, str] = {
    CellKind.NUMBER: "value",
    CellKind.NUMBER_AS_TEXT: "text",
    CellKind.DASH: "dash",
    CellKind.BLANK: "blank",
    CellKind.INVALID: "invalid",
    CellKind.NOT_INTEGER: "invalid",
    CellKind.FORMULA_NO_CACHE: "invalid",
}

# 「21件 (2019年度見込)」 -> value 「21件」, as of 「2019年度見込」
_AS_OF = re.compile(r"^(?P<value>.*?)\s*[（(](?P<as_of>[^()（）]+)[)）]\s*$", re.S)


@dataclass(frozen=True)
class MasterFrames:
    """The six tables of one master."""

    projects: pd.DataFrame
    costs: pd.DataFrame
    participation: pd.DataFrame
    roles: pd.DataFrame
    indicators: pd.DataFrame
    notes: pd.DataFrame

    def items(self) -> Iterator[tuple[str, pd.DataFrame]]:
        for name in TABLES:
            yield name, getattr(self, name)

    def costs_by_year(self) -> pd.DataFrame:
        """Amounts pivoted: one row per project, one column per fiscal year, and 計."""
        wide = self.costs.pivot(index="number", columns="fiscal_year", values="amount")
        wide.columns = [str(c) for c in wide.columns]
        wide["計"] = self.projects.set_index("number")["total"]
        return wide.astype("Int64")


def split_as_of(text: str) -> tuple[str, str | None]:
    """A KPI's current value and the survey point written after it in brackets."""
    m = _AS_OF.match(text)
    if m is None or not m.group("value"):
        return text, None
    return m.group("value"), m.group("as_of").strip()


def master_frames(master: Master) -> MasterFrames:
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in TABLES}
    for p in master.projects:
        for name, found in _project_rows(p):
            rows[name].extend(found)
    return MasterFrames(**{name: frame(name, rows[name]) for name in TABLES})


def frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A DataFrame with the table's declared columns and dtypes, whatever the rows hold."""
    columns = COLUMNS[table]
    df = pd.DataFrame(rows, columns=list(columns))
    return df.astype(columns)


def _project_rows(p: Project) -> Iterator[tuple[str, list[dict[str, object]]]]:
    n = p.number
    total = derive_total(p.costs)
    yield "projects", [{
        "number": n, "name": p.name.text, "sheet": p.sheet,
        "municipalities_label": p.municipalities_label.text,
        "content": p.content.text, "effect": p.effect.text,
        "total": total if isinstance(total, int) else None,
        "total_state": "value" if isinstance(total, int) else "dash",
    }]  # fmt: skip
    yield (
        "costs",
        [
            {
                "number": n,
                "fiscal_year": year,
                "amount": cell.value if isinstance(cell.value, int) else None,
                "state": STATES[cell.kind],
                "cell": cell.cell,
            }
            for year, cell in sorted(p.costs.amounts.items())
        ],
    )
    yield "participation", [{"number": n, "municipality": m} for m in p.municipalities]
    yield "roles", [{"number": n, "who": r.who, "role": r.text, "cell": r.cell} for r in p.roles]
    indicators: list[dict[str, object]] = []
    for i in p.indicators:
        current, as_of = split_as_of(i.current)
        indicators.append({
            "number": n, "name": i.name, "current": current, "current_as_of": as_of,
            "target": i.target, "target_year": p.indicator_target_year,
        })  # fmt: skip
    yield "indicators", indicators
    yield "notes", [{"number": n, "order": k, "text": t.text} for k, t in enumerate(p.notes, 1)]


__all__ = ["COLUMNS", "TABLES", "MasterFrames", "master_frames", "split_as_of"]
