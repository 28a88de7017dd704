"""Cell grids -> Projects: find each block by its label, never by fixed coordinates.

Pure: takes :class:`~kohyo.read.grid.SheetGrid` objects, returns domain objects.
Problems are recorded on the objects (kinds, missing blocks) for the
validator to turn into findings; nothing here raises on bad content.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from kohyo.config import Config
from kohyo.messages import t
from kohyo.model.project import (
    DASH,
    CellKind,
    CostCell,
    CostPlan,
    Indicator,
    Master,
    Note,
    Project,
    Role,
    SkippedSheet,
    TextField,
    YearHeader,
)
from kohyo.read.grid import RawCell, SheetGrid, parse_ref
from kohyo.read.labelled import (
    KPI_CURRENT,
    KPI_NAME,
    KPI_TARGET,
    L_CONTENT,
    L_COSTS,
    L_EFFECT,
    L_KPIS,
    L_MUNIS,
    L_NAME,
    L_ROLES,
    NUMBER,
    TOTAL_HEADERS,
    LabelledSheet,
    a1,
    cell_key,
    cell_text,
    label_key,
    value_text,
)
from kohyo.read.normalize import (
    clean_text,
    fold_ws,
    is_dash,
    nfkc,
    parse_amount,
    parse_fiscal_year,
    parse_target_year,
    split_municipalities,
)


def parse_workbook(sheets: Iterable[SheetGrid], config: Config, path: str) -> Master:
    projects: list[Project] = []
    excluded: list[Project] = []
    skipped: list[SkippedSheet] = []
    order: list[str] = []
    for grid in sheets:
        order.append(grid.name)
        if grid.name == config.summary.sheet_name:
            skipped.append(SkippedSheet(grid.name, t("parse.skipped.summary")))
            continue
        if grid.part is None:
            skipped.append(SkippedSheet(grid.name, t("parse.skipped.no_cells")))
            continue
        pattern = config.sheets.skip_pattern(grid.name)
        if pattern is not None:
            skipped.append(SkippedSheet(grid.name, t("parse.skip.pattern", pattern=pattern)))
            continue
        if grid.skipped is not None:
            skipped.append(SkippedSheet(grid.name, grid.skipped))
            continue
        sheet = LabelledSheet(grid)
        if sheet.find(L_NAME) is None:
            skipped.append(SkippedSheet(grid.name, t("parse.skipped.no_name_label")))
            continue
        project = parse_project(sheet, config)
        project.hidden = grid.state != "visible"  # "hidden" or "veryHidden"
        if project.hidden and config.sheets.hidden == "exclude":
            excluded.append(project)
        else:
            projects.append(project)
    return Master(
        path=path, projects=projects, skipped=skipped, sheet_order=order, excluded=excluded
    )


def parse_project(sheet: LabelledSheet, config: Config) -> Project:
    name_pos = sheet.find(L_NAME)
    assert name_pos is not None
    hidden = sheet.grid.hidden_rows if config.sheets.hidden == "exclude" else set()
    memos, hidden_cells = _clip(sheet, _right_edge(sheet, name_pos), hidden - {name_pos[0]})
    missing: list[str] = []
    blocks: dict[str, str] = {L_NAME: a1(*name_pos)}
    label_col = sheet.extent(*name_pos)[3]  # block labels sit in the 事業名 label's column

    def locate(label: str) -> tuple[int, int] | None:
        # 関係市町村 sits on the header row; every other block starts below it, so the
        # project's name (say 「成果指標…事業」) is never taken for a label.
        if label == L_MUNIS:
            pos = sheet.find(label, after_row=name_pos[0])
        else:
            pos = sheet.find(label, after_row=name_pos[0] + 1, max_col=label_col)
        if pos is None:
            missing.append(label)
        else:
            blocks[label] = a1(*pos)
        return pos

    number, number_raw, number_cell, name = _header(sheet, name_pos)
    munis_pos = locate(L_MUNIS)
    label = TextField("", None)
    if munis_pos is not None:
        right = sheet.right_of(*munis_pos)
        if right:
            c, cell = right[0]
            label = TextField(cell_text(cell), a1(munis_pos[0], c))
        else:
            label = TextField("", a1(munis_pos[0], sheet.extent(*munis_pos)[3] + 1))
    munis, unknown = expand_municipalities(label.text, config)
    content = _free_text(sheet, locate(L_CONTENT))
    effect = _free_text(sheet, locate(L_EFFECT))
    costs_pos = locate(L_COSTS)
    costs = _costs(sheet, costs_pos) if costs_pos else CostPlan()
    kpi_pos = locate(L_KPIS)
    roles_pos = locate(L_ROLES)
    roles = _roles(sheet, roles_pos, kpi_pos[0] if kpi_pos else None) if roles_pos else []
    indicators, target_year, kpi_header_cell, kpi_end = (
        _indicators(sheet, kpi_pos) if kpi_pos else ([], None, None, name_pos[0])
    )
    notes, below = _notes(sheet, kpi_end)
    memos = sorted(memos + below, key=lambda m: parse_ref(m.cell or "A1"))
    return Project(
        sheet=sheet.grid.name,
        number=number,
        number_raw=number_raw,
        number_cell=number_cell,
        name=name,
        municipalities=munis,
        municipalities_label=label,
        unknown_municipalities=unknown,
        content=content,
        effect=effect,
        costs=costs,
        roles=roles,
        indicators=indicators,
        indicator_target_year=target_year,
        indicator_header_cell=kpi_header_cell,
        notes=notes,
        missing_blocks=missing,
        block_cells=blocks,
        memos=memos,
        hidden_rows=hidden_cells,
    )


def _right_edge(sheet: LabelledSheet, name_pos: tuple[int, int]) -> int | None:
    """The 個表's last column, read from the sheet itself (contract §2).

    The rightmost of the block headers' extents: the 計 column of the cost header, the
    目標値 column of the KPI header, and the values of 関係市町村, 内容 and 連携効果 (each with
    its merged range). None when none of them is there (then nothing is cut off).
    """
    label_col = sheet.extent(*name_pos)[3]
    ends: list[int] = []

    def first_value_end(label: str, after_row: int, max_col: int | None) -> None:
        pos = sheet.find(label, after_row=after_row, max_col=max_col)
        if pos is not None:
            right = sheet.right_of(*pos)
            if right:
                ends.append(sheet.extent(pos[0], right[0][0])[3])

    first_value_end(L_MUNIS, name_pos[0], None)
    first_value_end(L_CONTENT, name_pos[0] + 1, label_col)
    first_value_end(L_EFFECT, name_pos[0] + 1, label_col)
    last_headers: list[tuple[str, Callable[[str], bool]]] = [
        (L_COSTS, lambda key: key in TOTAL_HEADERS),
        (L_KPIS, lambda key: key.startswith(KPI_TARGET)),
    ]
    for label, is_last in last_headers:
        pos = sheet.find(label, after_row=name_pos[0] + 1, max_col=label_col)
        if pos is None:
            continue
        for row in (pos[0], pos[0] + 1):  # the header row: beside the label or under it
            for c, cell in sheet.right_of(row, pos[1]):
                if is_last(cell_key(cell)):
                    ends.append(sheet.extent(row, c)[3])
    return max(ends) if ends else None


def _clip(
    sheet: LabelledSheet, edge: int | None, hidden_rows: set[int]
) -> tuple[list[TextField], list[str]]:
    """Leave out of *sheet* what lies right of *edge* (returned as memos) and the content of
    *hidden_rows* (returned: the first cell of each such row that held something)."""
    memos: list[TextField] = []
    firsts: list[str] = []
    for r, cells in sheet.filled.items():
        if r in hidden_rows:
            kept = [x for x in cells if edge is None or x[0] <= edge]
            if kept:
                firsts.append(a1(r, kept[0][0]))
        if edge is not None and cells[-1][0] > edge:
            memos += [
                TextField(text, a1(r, c))
                for c, cell in cells
                if c > edge and (text := cell_text(cell)).strip()
            ]
    sheet.leave_out(edge, hidden_rows)
    return memos, firsts


def _header(
    sheet: LabelledSheet, pos: tuple[int, int]
) -> tuple[int | None, str | int | float | None, str | None, TextField]:
    """Number, then the name (possibly spread over cells) up to the 関係市町村 label."""
    row = pos[0]
    values: list[tuple[int, RawCell]] = []
    for c, cell in sheet.right_of(*pos):
        if sheet.reads_as(row, c, L_MUNIS):
            break
        values.append((c, cell))
    first_col = sheet.extent(*pos)[3] + 1  # where the number belongs
    if not values:
        return None, None, a1(row, first_col), TextField("", a1(row, first_col + 1))
    num_col, num_cell = values[0]
    number, raw = parse_project_number(num_cell.value)
    name_cells = values[1:]
    if number is None and len(values) == 1 and isinstance(num_cell.value, str):
        # Only one value: it is the name (or "4 name" in one cell); the number is missing.
        here = a1(row, num_col)
        m = re.match(r"^\s*([0-9０-９]+)\s+(.+)$", num_cell.value, re.S)
        if m:
            return (
                int(nfkc(m.group(1))),
                num_cell.value,
                here,
                TextField(clean_text(m.group(2)), here),
            )
        return None, None, a1(row, first_col), TextField(cell_text(num_cell), here)
    name_text = "".join(cell_text(c) for _, c in name_cells)
    if name_cells:
        name_cell = a1(row, name_cells[0][0])
    else:  # the name is blank: it belongs right of the number
        name_cell = a1(row, sheet.extent(row, num_col)[3] + 1)
    return number, raw, a1(row, num_col), TextField(name_text, name_cell)


def parse_project_number(value: object) -> tuple[int | None, str | int | float | None]:
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, str(value)
    if isinstance(value, int):
        return value, value
    if isinstance(value, float):
        return (int(value) if value.is_integer() else None), value
    m = NUMBER.match(label_key(value))
    return (int(m.group(1)) if m else None), str(value)


def expand_municipalities(label: str, config: Config) -> tuple[list[str], list[str]]:
    """The label as written -> (members in config order, names config does not know)."""
    area = config.area
    key = label_key(label)
    if not key:
        return [], []
    if key == label_key(area.all_label):
        return list(area.municipalities), []
    members: set[str] = set()
    unknown: list[str] = []
    for name in split_municipalities(label):
        if name in area.municipalities:
            members.add(name)
        elif name == area.partner_label:
            members.update(area.partners)
        elif name == area.all_label:
            members.update(area.municipalities)
        else:
            unknown.append(name)
    return [m for m in area.municipalities if m in members], unknown


def _free_text(sheet: LabelledSheet, pos: tuple[int, int] | None) -> TextField:
    """The text right of a label; a label merged over several rows gathers each row's text."""
    if pos is None:
        return TextField("", None)
    r2 = sheet.extent(*pos)[2]
    parts: list[str] = []
    first: str | None = None
    for row in range(pos[0], r2 + 1):
        for c, cell in sheet.right_of(row, pos[1]):
            parts.append(cell_text(cell))
            first = first or a1(row, c)
    if first is None:
        return TextField("", a1(pos[0], sheet.extent(*pos)[3] + 1))
    return TextField("\n".join(p for p in parts if p), first)


def _costs(sheet: LabelledSheet, pos: tuple[int, int]) -> CostPlan:
    plan = CostPlan(label_cell=a1(*pos))
    header_row = pos[0]
    header = sheet.right_of(*pos)
    if not header:  # the label sits above its header row
        header_row += 1
        header = sheet.right_of(header_row, pos[1])
    value_row = header_row + 1
    for c, cell in header:
        text, is_total, year = cost_header(cell.value)
        if is_total:
            plan.total_header_cell = a1(header_row, c)
            plan.total = _amount(sheet.cell(value_row, c), a1(value_row, c))
            break
        plan.headers.append(YearHeader(year, text, a1(header_row, c)))
        if year is not None and year not in plan.amounts:
            plan.amounts[year] = _amount(sheet.cell(value_row, c), a1(value_row, c))
    return plan


@lru_cache(maxsize=1 << 12, typed=True)
def cost_header(value: object) -> tuple[str, bool, int | None]:
    """A cost header's text, whether it heads the 計 column, and the fiscal year it names."""
    text = value_text(value)
    return text, label_key(text) in TOTAL_HEADERS, parse_fiscal_year(value)


def _amount(cell: RawCell | None, ref: str) -> CostCell:
    if cell is None:
        return CostCell(None, CellKind.BLANK, ref)
    if cell.formula is not None and not cell.has_value:
        return CostCell(None, CellKind.FORMULA_NO_CACHE, ref, None, cell.formula)
    if cell.is_error:
        return CostCell(None, CellKind.INVALID, ref, cell.value, cell.formula)
    parsed = parse_amount(cell.value, is_text_cell=cell.is_text and cell.formula is None)
    return CostCell(parsed.value, parsed.kind, ref, cell.value, cell.formula)


def _roles(sheet: LabelledSheet, pos: tuple[int, int], stop_row: int | None) -> list[Role]:
    r1, _, r2, c2 = sheet.extent(*pos)
    merged = r2 > r1
    roles: list[Role] = []
    row = pos[0]
    while row <= sheet.max_row:
        if stop_row is not None and row >= stop_row:
            break
        if merged and row > r2:
            break
        if row in sheet.skip_rows:  # a hidden row, left out (sheets.hidden): the block goes on
            row += 1
            continue
        if row > pos[0] and sheet.has_label(row, c2):
            break
        cells = sheet.right_of(row, c2)
        if not cells:
            if merged:
                row += 1
                continue
            break
        who_col, who_cell = cells[0]
        rest = sheet.right_of(row, who_col)
        text_cell = rest[0] if rest else None
        roles.append(
            Role(
                who=label_key(cell_text(who_cell)),
                text=cell_text(text_cell[1]) if text_cell else "",
                who_cell=a1(row, who_col),
                cell=a1(row, text_cell[0]) if text_cell else None,
            )
        )
        row += 1
    return roles


def _indicators(
    sheet: LabelledSheet, pos: tuple[int, int]
) -> tuple[list[Indicator], int | None, str | None, int]:
    """KPI rows after the 指標 / 現状値 / 目標値 header; returns (rows, target year, header cell, last row)."""
    label_end_col = sheet.extent(*pos)[3]
    header_row = pos[0]
    header = sheet.right_of(header_row, pos[1])
    if not header:
        header_row += 1
        header = sheet.right_of(header_row, pos[1])
    name_col: int | None = None
    current_col: int | None = None
    target_col: int | None = None
    target_year: int | None = None
    header_cell: str | None = None
    for c, cell in header:
        key = label_key(cell_text(cell))
        if key.startswith(KPI_NAME) and name_col is None:
            name_col = c
        elif key.startswith(KPI_CURRENT) and current_col is None:
            current_col = c
        elif key.startswith(KPI_TARGET) and target_col is None:
            target_col = c
            target_year = parse_target_year(cell_text(cell))
            header_cell = a1(header_row, c)
    if name_col is None:
        name_col = header[0][0] if header else label_end_col + 1
    indicators: list[Indicator] = []
    row = header_row + 1
    last = header_row
    label_r1, _, label_r2, _ = sheet.extent(*pos)
    while row <= sheet.max_row:
        if label_r2 > label_r1 and row > label_r2:
            break  # a label merged down over its rows ends the block; below it is not a KPI
        if row in sheet.skip_rows:  # a hidden row, left out (sheets.hidden): the block goes on
            row += 1
            continue
        cells = [(c, cell) for c, cell in sheet.right_of(row, pos[1]) if c > label_end_col]
        first_any = sheet.right_of(row, 0)
        if not first_any:
            break
        first_text = cell_text(first_any[0][1])
        if first_text.startswith("※") or any(
            sheet.is_label(row, c) for c, _ in first_any if c <= label_end_col
        ):
            break
        if not cells:
            break
        by_col = dict(cells)
        name, name_ref = _kpi_cell(by_col, row, name_col)
        current, current_ref = _kpi_cell(by_col, row, current_col)
        target, target_ref = _kpi_cell(by_col, row, target_col)
        indicators.append(
            Indicator(
                name=kpi_name(name),
                current=kpi_value(current),
                target=kpi_value(target),
                row=row,
                name_cell=name_ref or a1(row, cells[0][0]),
                current_cell=current_ref,
                target_cell=target_ref,
            )
        )
        last = row
        row += 1
    return indicators, target_year, header_cell, last


def _kpi_cell(by_col: dict[int, RawCell], row: int, col: int | None) -> tuple[str, str | None]:
    """The text in *col* of a KPI row and its cell; ("", None) without the column."""
    if col is None:
        return "", None
    return cell_text(by_col.get(col)), a1(row, col)


@lru_cache(maxsize=1 << 14)
def kpi_name(text: str) -> str:
    """Line breaks inside a KPI name are wrapping, not content: join the pieces."""
    return fold_ws(re.sub(r"[ \t\u3000]*\n[ \t\u3000]*", "", text))


@lru_cache(maxsize=1 << 14)
def kpi_value(text: str) -> str:
    """A current or target value: white space folded, a dash as the dash."""
    folded = fold_ws(text)
    return DASH if is_dash(folded) else folded


def _notes(sheet: LabelledSheet, after_row: int) -> tuple[list[Note], list[TextField]]:
    """Below the last block: cells starting with ※ are notes; any other text is a memo."""
    notes: list[Note] = []
    memos: list[TextField] = []
    for r, cells in sheet.filled.items():
        if r <= after_row:
            continue
        for c, cell in cells:
            text = cell_text(cell)
            if text.lstrip().startswith("※"):
                notes.append(Note(text.strip(), a1(r, c)))
            elif text.strip():
                memos.append(TextField(text, a1(r, c)))
    return notes, memos
