"""The 個表 grid is described once (kohyo.layout.grid) and its three renderings agree.

The town workbook (XlsxWriter, read back with openpyxl), the SheetSpec that ``kohyo new``
patches into the master (read back the same way, or taken as built) and the change
overview's table must show the same columns, merged ranges, labels and values. Each side
is reduced to a :class:`Shape` by its own means (fill colours in a workbook, style roles
in a SheetSpec, head cells and spans in the overview), never through the grid itself.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils import range_boundaries

from builders import project, write_master
from conftest import SampleBuild
from kohyo.config import Config, load_config
from kohyo.distribute.town import load_looks, with_derived_total, write_town_workbook
from kohyo.layout.blank import NewTemplate, kohyo_sheet_spec, new_project
from kohyo.layout.grid import grid_columns, kohyo_grid, project_content
from kohyo.layout.kohyo import write_kohyo_sheet
from kohyo.layout.look import SheetLook
from kohyo.layout.pagetext import MAX_PAGE_TEXT, page_text, sheet_page_text
from kohyo.model import labels
from kohyo.model.project import CellKind, CostCell, Project, amount_text
from kohyo.overview.compare import compare_masters
from kohyo.overview.view import SheetView, build_view, segments_text, sheet_view
from kohyo.overview.xlsx import write_overview_xlsx
from kohyo.read.labelled import MATCHERS
from kohyo.read.master import read_master
from kohyo.read.normalize import label_key
from kohyo.xlsx.sheetspec import SheetSpec

Pos = tuple[int, int]
SIX_YEARS = list(range(2020, 2026))
ROOT = Path(__file__).resolve().parents[1]


@dataclasses.dataclass(frozen=True)
class Shape:
    """What a reader sees of a rendered 個表: 0-based positions, merged ranges, texts."""

    columns: int
    merges: frozenset[tuple[int, int, int, int]]
    labels: dict[Pos, str]  # label and header cells
    values: dict[Pos, str]  # every other cell that shows something


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    return amount_text(value) if isinstance(value, int) else str(value)


def workbook_shape(ws: Any, look: SheetLook) -> Shape:
    """A sheet read back with openpyxl; labels are the cells with the look's label fills."""
    fills = {look.label_fill.lstrip("#").upper(), look.header_fill.lstrip("#").upper()}
    merges = frozenset(
        (r1 - 1, c1 - 1, r2 - 1, c2 - 1)
        for c1, r1, c2, r2 in (range_boundaries(str(m)) for m in ws.merged_cells.ranges)
    )
    found: dict[str, dict[Pos, str]] = {"labels": {}, "values": {}}
    for row in ws.iter_rows():
        for cell in row:
            text = cell_text(cell.value)
            rgb = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
            if isinstance(rgb, str) and rgb[-6:].upper() in fills:
                found["labels"][(cell.row - 1, cell.column - 1)] = text
            elif text:
                found["values"][(cell.row - 1, cell.column - 1)] = text
    return Shape(ws.max_column, merges, found["labels"], found["values"])


def spec_shape(spec: SheetSpec) -> Shape:
    merges = frozenset(
        (r1 - 1, c1 - 1, r2 - 1, c2 - 1) for c1, r1, c2, r2 in map(range_boundaries, spec.merges)
    )
    found: dict[str, dict[Pos, str]] = {"labels": {}, "values": {}}
    for r, row in enumerate(spec.rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            text = cell_text(cell.value)
            if cell.style in ("label", "header") and cell.value is not None:
                found["labels"][(r, c)] = text
            elif text:
                found["values"][(r, c)] = text
    return Shape(len(spec.rows[0]), merges, found["labels"], found["values"])


def view_shape(sheet: SheetView) -> Shape:
    """The overview's table; its ※ notes (paragraphs under it) count as full-width rows."""
    merges: set[tuple[int, int, int, int]] = set()
    found: dict[str, dict[Pos, str]] = {"labels": {}, "values": {}}
    for r, line in enumerate(sheet.grid()):
        for c, cell in enumerate(line):
            if cell is None:
                continue
            if cell.rowspan > 1 or cell.colspan > 1:
                merges.add((r, c, r + cell.rowspan - 1, c + cell.colspan - 1))
            text = segments_text(cell.segments)
            if cell.head:
                found["labels"][(r, c)] = text
            elif text:
                found["values"][(r, c)] = text
    for i, note in enumerate(sheet.notes):
        r = len(sheet.rows) + i
        merges.add((r, 0, r, sheet.columns - 1))
        found["values"][(r, 0)] = note.text
    return Shape(sheet.columns, frozenset(merges), found["labels"], found["values"])


def town_sheets(projects: list[Project], config: Config, folder: Path) -> dict[str, Any]:
    """Each project's sheet in a town workbook, as distribute writes it (one town each)."""
    by_town: dict[str, list[Project]] = {}
    for p in projects:
        by_town.setdefault(p.municipalities[0], []).append(p)
    looks = load_looks(config)
    sheets: dict[str, Any] = {}
    for i, (town, group) in enumerate(by_town.items()):
        path = folder / f"town{i}.xlsx"
        write_town_workbook(path, town, group, config, looks, date(2026, 4, 1))
        wb = openpyxl.load_workbook(path)
        sheets |= {p.sheet: wb[p.sheet] for p in group}
    return sheets


def assert_three_agree(projects: list[Project], config: Config, folder: Path) -> list[Shape]:
    look = load_looks(config).sheet
    sheets = town_sheets(projects, config, folder)
    shapes = []
    for p in projects:
        workbook = workbook_shape(sheets[p.sheet], look)
        spec = spec_shape(kohyo_sheet_spec(with_derived_total(p), p.sheet, config, look))
        view = view_shape(sheet_view(None, p, config, look))
        assert workbook == spec, p.sheet
        assert workbook == view, p.sheet
        shapes.append(workbook)
    return shapes


def blank_project(config: Config) -> Project:
    return new_project(7, "圏域観光振興事業", "7", config, NewTemplate())


def six_year_config(tmp_config: Callable[..., Path]) -> Config:
    return load_config(tmp_config({"plan.fiscal_years": str(SIX_YEARS)}))


def six_year_project(number: int, *args: Any, **over: Any) -> dict[str, Any]:
    return project(number, *args, year_headers=[f"{y}年度" for y in SIX_YEARS],
                   costs=[100, 200, "—", None, None, 1500], total=1800, **over)  # fmt: skip


# --- the three renderings agree ------------------------------------------------------------


def test_sample_projects_agree_in_all_three(
    sample_build: SampleBuild, config: Config, tmp_path: Path
) -> None:
    master = read_master(sample_build.master, config)
    assert len(master.projects) >= 7
    shapes = assert_three_agree(master.projects, config, tmp_path)
    for shape in shapes:  # the contract's grid: A–G for five years
        assert shape.columns == 7
        assert shape.labels[(0, 0)] == labels.NAME
        assert shape.labels[(0, 4)] == labels.MUNICIPALITIES
        assert (0, 2, 0, 3) in shape.merges and (0, 5, 0, 6) in shape.merges
        assert shape.labels[(3, 6)] == labels.TOTAL


def test_six_fiscal_years_agree_in_all_three(
    tmp_config: Callable[..., Path], tmp_path: Path
) -> None:
    config = six_year_config(tmp_config)
    write_master(tmp_path / "m.xlsx", [
        six_year_project(4, notes=["※ 2025年度から拡充"]),
        six_year_project(5, "国土強靱化連携推進事業", municipalities="青森市、平内町",
                         roles=[], kpis=[("訓練回数", "1回", "3回"), ("参加者数", "", "")]),
    ])  # fmt: skip
    projects = read_master(tmp_path / "m.xlsx", config).projects
    first, second = assert_three_agree(projects, config, tmp_path)
    assert first.columns == second.columns == 8
    assert [first.labels[(3, 1 + i)] for i in range(6)] == [f"{y}年度" for y in SIX_YEARS]
    assert first.labels[(3, 7)] == labels.TOTAL and first.values[(4, 7)] == "1,800"
    assert first.values[(4, 6)] == "1,500"
    # 8 columns: the KPI header splits 7 value columns 3 + 2 + 2, in every rendering
    assert {(7, 1, 7, 3), (7, 4, 7, 5), (7, 6, 7, 7)} <= first.merges
    assert second.labels[(5, 0)] == labels.ROLES_CELL  # no roles: the block keeps one row
    assert (6, 0, 8, 0) in second.merges  # 成果指標 spans its header and two KPI rows


def test_kohyo_new_sheet_agrees_with_the_others(
    tmp_config: Callable[..., Path], tmp_path: Path, cli_run: Callable[..., Any]
) -> None:
    config = six_year_config(tmp_config)
    templates = config.base_dir / "templates"
    templates.mkdir()
    shutil.copy(ROOT / "templates" / "kohyo_sheet.toml", templates)
    (templates / "new_kohyo.toml").write_text("[values]\nindicator_rows = 0\n", encoding="utf-8")
    master = tmp_path / "m.xlsx"
    write_master(master, [six_year_project(4)])
    res = cli_run("new", master, "--name", "圏域観光振興事業", "--yes", "--config", config.path)
    assert res.exit_code == 0, res.output
    [new] = [p for p in read_master(master, config).projects if p.number == 5]
    look = load_looks(config).sheet
    written = workbook_shape(openpyxl.load_workbook(master)[new.sheet], look)
    assert written.columns == 8
    assert written.labels[(3, 7)] == labels.TOTAL
    assert written == spec_shape(kohyo_sheet_spec(new, new.sheet, config, look))
    assert written == view_shape(sheet_view(None, new, config, look))
    assert written == workbook_shape(town_sheets([new], config, tmp_path)[new.sheet], look)


# --- the number of fiscal years changes all three alike -------------------------------------


def renderings(p: Project, n_years: int, config: Config, folder: Path) -> list[Shape]:
    years = tuple(range(2020, 2020 + n_years))
    cfg = dataclasses.replace(config, plan=dataclasses.replace(config.plan, fiscal_years=years))
    blank = CostCell(None, CellKind.BLANK, None)
    amounts = {y: p.costs.amounts.get(y, blank) for y in years}
    costs = dataclasses.replace(p.costs, amounts=amounts)
    # the overview tables the years a project has, and derives 計 as distribute does
    p = with_derived_total(dataclasses.replace(p, costs=costs))
    look = SheetLook()
    path = folder / f"g{n_years}.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    write_kohyo_sheet(wb, "g", p, cfg, look)
    wb.close()
    return [
        workbook_shape(openpyxl.load_workbook(path)["g"], look),
        spec_shape(kohyo_sheet_spec(p, "g", cfg, look)),
        view_shape(sheet_view(None, p, cfg, look)),
    ]


def test_fiscal_years_change_all_three_alike(
    sample_build: SampleBuild, config: Config, tmp_path: Path
) -> None:
    p = read_master(sample_build.master, config).projects[0]
    before = {n: renderings(p, n, config, tmp_path) for n in (1, 3, 5, 6, 7)}
    for n, shapes in before.items():
        assert shapes[0] == shapes[1] == shapes[2], n
        g = grid_columns(n)
        assert shapes[0].columns == g.count == max(n + 2, 5)
        assert [shapes[0].labels[(3, 1 + i)] for i in range(n)] == [
            f"{y}年度" for y in range(2020, 2020 + n)
        ]
        assert shapes[0].labels[(3, g.total[0])] == labels.TOTAL
    for a, b in ((5, 6), (6, 7), (1, 3)):  # one more year: every rendering moves the same way
        assert before[a][0] != before[b][0]
        assert before[a][0].merges ^ before[b][0].merges


def test_overview_xlsx_takes_widths_and_heights_from_the_look(
    sample_build: SampleBuild, config: Config, tmp_path: Path
) -> None:
    look = dataclasses.replace(SheetLook(), label_width=30.0, year_width=9.0, total_width=11.0,
                               font_size=14.0)  # fmt: skip
    ov = compare_masters(read_master(sample_build.master_before, config),
                         read_master(sample_build.master, config), config)  # fmt: skip
    view = build_view(ov, config, look)
    write_overview_xlsx(view, tmp_path / "o.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["個表（記載案）"]
    widths = [0.0] * 7
    for dim in ws.column_dimensions.values():  # one <col> entry may span several columns
        for c in range(dim.min, dim.max + 1):
            widths[c - 1] = dim.width
    assert widths == pytest.approx([30 + 5 / 7, *[9 + 5 / 7] * 5, 11 + 5 / 7], abs=0.01)
    [first, *_] = view.new_sheets or view.changed_sheets
    assert first.widths == (30.0, 9.0, 9.0, 9.0, 9.0, 9.0, 11.0)
    written = [ws.row_dimensions[3 + r].height for r in range(len(first.rows))]
    assert written == pytest.approx(first.heights, abs=0.75)  # XlsxWriter keeps whole pixels
    plain = build_view(ov, config).new_sheets or build_view(ov, config).changed_sheets
    assert sum(first.heights) > sum(plain[0].heights)  # bigger text, taller rows


# --- the grid itself ------------------------------------------------------------------------


def test_grid_rows_grow_for_wrapped_text(config: Config) -> None:
    base = blank_project(config)
    long = dataclasses.replace(base, content=dataclasses.replace(base.content, text="○" * 400))
    short_grid = kohyo_grid(project_content(base, config), SheetLook())
    long_grid = kohyo_grid(project_content(long, config), SheetLook())
    assert long_grid.heights[1] > short_grid.heights[1] >= SheetLook().min_row_height
    assert long_grid.heights[0] == short_grid.heights[0]
    # the costs label spans two rows; its two lines fit in them together
    look = SheetLook()
    assert sum(short_grid.heights[3:5]) >= 2 * look.font_size * look.line_spacing


def test_labels_are_the_parsers_words() -> None:
    assert labels.ROLES_CELL.replace("\n", "") == labels.ROLES
    assert labels.costs_label("千円").startswith(labels.COSTS + "\n")
    for word in (labels.NAME, labels.MUNICIPALITIES, labels.CONTENT, labels.EFFECT,
                 labels.COSTS, labels.ROLES, labels.KPIS):  # fmt: skip
        assert MATCHERS[word](label_key(word))
    assert MATCHERS[labels.COSTS](label_key(labels.costs_label("千円")))
    assert MATCHERS[labels.ROLES](label_key(labels.ROLES_CELL))


# --- page text ------------------------------------------------------------------------------


def test_page_text_escapes_and_cleans() -> None:
    text = page_text("&L{area}&R{name}", area="A&B\n圏域\x07", name="事業")
    assert text == "&LA&&B 圏域&R事業"


def test_page_text_cuts_a_long_name_with_an_ellipsis() -> None:
    assert page_text("{name}", name="あ" * 61) == "あ" * 59 + "…"
    assert page_text("{name}", name="あ" * 60) == "あ" * 60


@pytest.mark.parametrize("pad", [0, 1])
def test_page_text_never_ends_on_half_an_escape(pad: int) -> None:
    text = page_text("{a}{b}", a="x" * (MAX_PAGE_TEXT - 1 - pad), b="&" * 10)
    assert len(text) <= MAX_PAGE_TEXT
    assert (len(text) - len(text.rstrip("&"))) % 2 == 0
    assert len(text) >= MAX_PAGE_TEXT - 1


def test_sheet_page_text_is_what_all_writers_use(config: Config) -> None:
    p = blank_project(config)
    p = dataclasses.replace(p, name=dataclasses.replace(p.name, text="R&D\x01事業"))
    text = sheet_page_text("&C{area} {number} {name} {sheet}", p, config, "7")
    assert text == f"&C{config.area.name} 7 R&&D事業 7"
    spec = kohyo_sheet_spec(p, "7", config, dataclasses.replace(SheetLook(), header="{name}"))
    assert spec.print_setup.header == "R&&D事業"
