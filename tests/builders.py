"""Build small masters in tests: a 個表 as a dict, laid out with optional drift.

openpyxl is fine here: these are inputs written *for* the tests, standing in
for what staff type in Excel (numbers as text, odd labels, inserted rows).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

YEARS = [2020, 2021, 2022, 2023, 2024]


def project(
    number: Any = 4, name: str = "地域企業ビジネス支援拠点運営事業", **over: Any
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "number": number,
        "name": name,
        "municipalities": "全市町村",
        "content": "○圏域の起業・創業の促進を図る。",
        "effect": "圏域全体の雇用の創出",
        "year_headers": [f"{y}年度" for y in YEARS],
        "costs": [100, 200, "—", None, None],
        "total": 300,
        "roles": [("青森市", "事業企画"), ("連携町村", "費用負担等")],
        "kpi_header": ["指標", "現状値（調査時点）", "目標値（2024年度）"],
        "kpis": [("創業件数", "21件 (2019年度見込)", "30件")],
        "notes": [],
        "labels": {},
    }
    base.update(over)
    return base


@dataclass
class Layout:
    """Drift applied when writing: blank rows/columns inserted before the grid."""

    row_offset: int = 0
    col_offset: int = 0
    name_split: bool = False  # the name spread over two cells
    extra_rows: dict[str, int] = field(default_factory=dict)  # blank rows before a block


def label(p: dict[str, Any], key: str, default: str) -> str:
    return p["labels"].get(key, default)


def write_sheet(ws: Any, p: dict[str, Any], layout: Layout | None = None) -> dict[str, str]:
    """Write *p* in the canonical grid (shifted by *layout*); return label -> A1 of key cells."""
    lay = layout or Layout()
    r0, c0 = lay.row_offset, lay.col_offset
    where: dict[str, str] = {}

    def put(row: int, col: int, value: Any, key: str | None = None) -> None:
        cell = ws.cell(row=row + r0, column=col + c0)
        if value is not None:
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
        if key:
            where[key] = f"{get_column_letter(col + c0)}{row + r0}"

    def merge(r1: int, c1: int, r2: int, c2: int) -> None:
        ws.merge_cells(start_row=r1 + r0, start_column=c1 + c0, end_row=r2 + r0, end_column=c2 + c0)

    row = 1
    put(row, 1, label(p, "name", "事業名"))
    put(row, 2, p["number"], "number")
    if lay.name_split:
        half = len(p["name"]) // 2
        put(row, 3, p["name"][:half], "name")
        put(row, 4, p["name"][half:])
    else:
        put(row, 3, p["name"], "name")
        merge(row, 3, row, 4)
    put(row, 5, label(p, "munis", "関係市町村"))
    put(row, 6, p["municipalities"], "munis")
    merge(row, 6, row, 7)
    row += 1 + lay.extra_rows.get("content", 0)
    put(row, 1, label(p, "content", "内容"))
    put(row, 2, p["content"], "content")
    merge(row, 2, row, 7)
    row += 1
    put(row, 1, label(p, "effect", "連携効果"))
    put(row, 2, p["effect"], "effect")
    merge(row, 2, row, 7)
    row += 1 + lay.extra_rows.get("costs", 0)
    put(row, 1, label(p, "costs", "事業費見込額(単位：千円)"))
    merge(row, 1, row + 1, 1)
    for i, header in enumerate(p["year_headers"]):
        put(row, 2 + i, header)
    total_col = 2 + len(p["year_headers"])
    put(row, total_col, "計")
    for i, value in enumerate(p["costs"]):
        put(row + 1, 2 + i, value, f"cost{i}")
    put(row + 1, total_col, p["total"], "total")
    row += 2
    roles_start = row
    put(row, 1, label(p, "roles", "連携市町村の役割分担"))
    for who, text in p["roles"]:
        put(row, 2, who, f"who:{who}")
        put(row, 3, text, f"role:{who}")
        merge(row, 3, row, 7)
        row += 1
    if row == roles_start:  # no role rows: the label keeps its own row
        row += 1
    if row - 1 > roles_start:
        merge(roles_start, 1, row - 1, 1)
    row += lay.extra_rows.get("kpis", 0)
    kpi_start = row
    put(row, 1, label(p, "kpis", "成果指標"))
    put(row, 2, p["kpi_header"][0])
    merge(row, 2, row, 3)
    put(row, 4, p["kpi_header"][1])
    merge(row, 4, row, 5)
    put(row, 6, p["kpi_header"][2], "kpi_header_target")
    merge(row, 6, row, 7)
    row += 1
    for i, (name, current, target) in enumerate(p["kpis"]):
        put(row, 2, name, f"kpi{i}")
        merge(row, 2, row, 3)
        put(row, 4, current, f"kpi{i}_current")
        merge(row, 4, row, 5)
        put(row, 6, target, f"kpi{i}_target")
        merge(row, 6, row, 7)
        row += 1
    if row - 1 > kpi_start:  # a one-cell merge is one Excel repairs on opening
        merge(kpi_start, 1, row - 1, 1)
    for i, note in enumerate(p["notes"]):
        put(row, 1, note, f"note{i}")
        merge(row, 1, row, 7)
        row += 1
    return where


def write_master(
    path: Path,
    projects: list[dict[str, Any]],
    *,
    layouts: dict[int, Layout] | None = None,
    extra_sheets: list[tuple[str, list[list[Any]]]] | None = None,
) -> dict[str, dict[str, str]]:
    """Write a master with one sheet per project (sheet name = number); return cell maps."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in extra_sheets or []:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    cells: dict[str, dict[str, str]] = {}
    for i, p in enumerate(projects):
        title = str(p.get("sheet", p["number"]))
        ws = wb.create_sheet(title)
        cells[title] = write_sheet(ws, p, (layouts or {}).get(i))
    wb.save(path)
    return cells


def variant(p: dict[str, Any], **over: Any) -> dict[str, Any]:
    q = copy.deepcopy(p)
    q.update(over)
    return q
