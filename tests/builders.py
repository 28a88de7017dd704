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


# ---- staff habits on a sample-like master (XlsxWriter, as kohyo itself writes 個表)


@dataclass
class Habits:
    """Which habits a master built by :func:`write_habit_master` shows."""

    memos_right: tuple[str, ...] = ()  # sheets with a memo right of every block
    memo_below: tuple[str, ...] = ()  # sheets with a memo under the last block
    example: bool = False  # a 記入例 sheet copied from the first 個表, placeholder values
    cover: bool = True  # a 表紙 first (the sample has one)
    hidden_draft: bool = False  # a hidden 個表 (a draft) after the others
    very_hidden_draft: bool = False  # a veryHidden one
    list_sheet: bool = False  # a hidden sheet holding a drop-down list


@dataclass
class HabitTexts:
    """The texts a habit put in the master: none may reach a distributed file."""

    memos: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    memo_cells: list[tuple[str, str]] = field(default_factory=list)  # (sheet, A1)

    @property
    def secret(self) -> list[str]:
        return self.memos + self.drafts


def write_habit_master(path: Path, config: Any, habits: Habits) -> HabitTexts:
    """The sample's seven 個表 (workbooks/sample/master.toml), with *habits* added."""
    import dataclasses

    import xlsxwriter
    from xlsxwriter.utility import xl_rowcol_to_cell

    from kohyo.layout.kohyo import load_look, write_kohyo_sheet
    from kohyo.model.project import TextField
    from kohyo.sample import load_sample

    root = Path(__file__).resolve().parents[1]
    book = load_sample(root / "workbooks" / "sample" / "master.toml", config)
    look = load_look(root / "templates" / "kohyo_sheet.toml")
    texts = HabitTexts()
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_urls": False})
    if habits.cover:
        cover = wb.add_worksheet("表紙")
        cover.write_string(0, 0, config.area.name)
        cover.write_string(1, 0, book.title)
    if habits.example:
        first = book.projects[0]
        example = dataclasses.replace(
            first,
            sheet="記入例",
            number=None,
            number_raw="例",
            municipalities_label=TextField("○○町、△△村", None),
            name=TextField("○○事業（記入例）", None),
        )
        write_kohyo_sheet(wb, "記入例", example, config, look)
    for p in book.projects:
        write_kohyo_sheet(wb, p.sheet, p, config, look)
        ws = wb.get_worksheet_by_name(p.sheet)
        last_row = 6 + len(p.roles) + len(p.indicators) + len(p.notes)
        if p.sheet in habits.memos_right:
            for row in range(last_row):
                memo = f"職員メモ{p.sheet}の{row + 1}行目：課長に確認する"
                col = 7 + row % 3  # H, I or J: a column or more right of the 個表
                ws.write_string(row, col, memo)
                texts.memos.append(memo)
                texts.memo_cells.append((p.sheet, xl_rowcol_to_cell(row, col)))
        if p.sheet in habits.memo_below:
            memo = f"下書きメモ{p.sheet}：数値は来週差し替え"
            ws.write_string(last_row + 2, 0, memo)
            texts.memos.append(memo)
            texts.memo_cells.append((p.sheet, xl_rowcol_to_cell(last_row + 2, 0)))
    for flag, sheet, state in (
        (habits.hidden_draft, "下書き", "hide"),
        (habits.very_hidden_draft, "下書き2", "very_hidden"),
    ):
        if not flag:
            continue
        base = book.projects[2]
        draft_text = f"非公開の検討中事業（{sheet}）：まだ市町村に出さない"
        draft = dataclasses.replace(
            base,
            sheet=sheet,
            number=90 + len(texts.drafts),
            name=TextField(f"検討中の新事業{sheet}", None),
            content=TextField(draft_text, None),
        )
        write_kohyo_sheet(wb, sheet, draft, config, look)
        getattr(wb.get_worksheet_by_name(sheet), state)()
        texts.drafts += [draft_text, f"検討中の新事業{sheet}"]
    if habits.list_sheet:
        lists = wb.add_worksheet("リスト")
        for i, name in enumerate(config.area.municipalities):
            lists.write_string(i, 0, name)
        lists.hide()
    wb.close()
    return texts
