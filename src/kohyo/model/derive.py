"""Derived values the tool owns (contract §4): each 個表's 計 and the 総括表. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from kohyo.config import Config
from kohyo.model.project import DASH, Amount, CostPlan, Project


def derive_total(costs: CostPlan) -> int | str:
    """計 = the sum of the numeric yearly amounts; ``—`` when no year is numeric."""
    numbers = costs.numeric_amounts()
    return sum(numbers) if numbers else DASH


@dataclass(frozen=True)
class SummaryRow:
    number: int | None
    name: str
    municipalities_label: str
    members: tuple[bool, ...]  # one per configured municipality, in config order
    amounts: tuple[Amount, ...]  # one per configured fiscal year
    total: int | str
    sheet: str


@dataclass(frozen=True)
class SummaryTable:
    municipalities: tuple[str, ...]
    fiscal_years: tuple[int, ...]
    rows: tuple[SummaryRow, ...]
    year_sums: tuple[int, ...]
    grand_total: int
    excluded: int = 0  # hidden 個表 (drafts) left out under sheets.hidden = "exclude"

    @property
    def count(self) -> int:
        return len(self.rows)


def summary_table(projects: list[Project], config: Config, excluded: int = 0) -> SummaryTable:
    """One row per project in sheet order, then per-year sums and the grand total."""
    years = config.plan.fiscal_years
    munis = config.area.municipalities
    rows = []
    for p in projects:
        amounts = tuple(p.costs.amounts[y].value if y in p.costs.amounts else None for y in years)
        rows.append(
            SummaryRow(
                number=p.number,
                name=p.name.text,
                municipalities_label=p.municipalities_label.text,
                members=tuple(m in p.municipalities for m in munis),
                amounts=amounts,
                total=derive_total(p.costs),
                sheet=p.sheet,
            )
        )
    year_sums = tuple(
        sum(a for r in rows if isinstance(a := r.amounts[i], int)) for i in range(len(years))
    )
    return SummaryTable(munis, years, tuple(rows), year_sums, sum(year_sums), excluded)
