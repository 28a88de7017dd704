"""The block labels of a 個表 (contract §2): the contract's words, written here once.

The parser finds blocks by these words (its matching keys are derived from them), the
grid (:mod:`kohyo.layout.grid`) writes them, and the change overview shows them. A label
that a cell wraps carries its line break where the seed's cell breaks it; the plain word
(without the break or the unit) is what findings and block positions are keyed by.
"""

from __future__ import annotations

NAME = "事業名"
MUNICIPALITIES = "関係市町村"
CONTENT = "内容"
EFFECT = "連携効果"
COSTS = "事業費見込額"
TOTAL = "計"
ROLES = "連携市町村の役割分担"
KPIS = "成果指標"
KPI_NAME = "指標"
KPI_CURRENT = "現状値（調査時点）"
KPI_TARGET = "目標値（{year}年度）"
YEAR = "{year}年度"

# As the cells of the canonical grid show them (the break is where the seed's cell wraps).
COSTS_CELL = "事業費見込額\n(単位：{unit})"
ROLES_CELL = "連携市町村の\n役割分担"


def costs_label(unit: str) -> str:
    """The 事業費見込額 label cell for amounts in *unit*."""
    return COSTS_CELL.format(unit=unit)


def year_header(year: int) -> str:
    """The header of one fiscal year's cost column."""
    return YEAR.format(year=year)


def kpi_headers(target_year: int) -> tuple[str, str, str]:
    """The 指標 / 現状値 / 目標値 header row of the 成果指標 block."""
    return KPI_NAME, KPI_CURRENT, KPI_TARGET.format(year=target_year)
