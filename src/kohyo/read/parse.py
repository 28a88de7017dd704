"""Cell grids -> Projects: find each block by its label, never by fixed coordinates.

Pure: takes :class:`~kohyo.read.grid.SheetGrid` objects, returns domain objects.
Problems are recorded on the objects (kinds, missing blocks) for the
validator to turn into findings; nothing here raises on bad content.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from kohyo.config import Config
from kohyo.messages import t
from kohyo.model import labels
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
from kohyo.read.grid import a1 as _a1
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
from kohyo.read.normalize import label_key as _label_key

# Thousands of 個表 repeat the same labels, headers, years and addresses: these pure
# functions of immutable values are remembered (benchmarks/RESULTS.md has the profile).
label_key = lru_cache(maxsize=1 << 16)(_label_key)
_clean = lru_cache(maxsize=1 << 16)(clean_text)
a1 = lru_cache(maxsize=1 << 14)(_a1)

# Block labels (contract §2, kohyo.model.labels), matched on label_key(): NFKC, white space
# removed. The alternatives after each are older wordings the parser still accepts.
L_NAME = labels.NAME
L_MUNIS = labels.MUNICIPALITIES
L_CONTENT = labels.CONTENT
L_EFFECT = labels.EFFECT
L_COSTS = labels.COSTS
L_ROLES = labels.ROLES
L_KPIS = labels.KPIS


def _is(*words: str) -> Callable[[str], bool]:
    return frozenset(label_key(w) for w in words).__contains__


def _starts(*words: str, ends: str | None = None) -> Callable[[str], bool]:
    starts = tuple(label_key(w) for w in words)
    return lambda k: k.startswith(starts) or (ends is not None and k.endswith(ends))


_MATCHERS: dict[str, Callable[[str], bool]] = {
    L_NAME: _is(L_NAME, "事業名称"),
    L_MUNIS: _is(L_MUNIS),
    L_CONTENT: _is(L_CONTENT, "事業内容"),
    L_EFFECT: _is(L_EFFECT),
    L_COSTS: _starts(L_COSTS, "事業費(単位"),
    L_ROLES: _starts(L_ROLES, ends="役割分担"),
    L_KPIS: _starts(L_KPIS),
}
# The KPI header row: each column is known by the word before its bracket (目標値（2027年度）)
_KPI_NAME, _KPI_CURRENT, _KPI_TARGET = (label_key(h).split("(")[0] for h in labels.kpi_headers(0))
_MAX_LABEL = 20  # a label is short; longer text is free text that mentions a label word
_TOTAL_HEADERS = (labels.TOTAL, "合計")
_NUMBER = re.compile(r"^(?:NO\.?|№|事業番号)?(\d+)$", re.IGNORECASE)


@dataclass
class _Sheet:
    """A grid with lookup helpers: rows index, merges, label positions."""

    grid: SheetGrid

    def __post_init__(self) -> None:
        self.rows: dict[int, list[int]] = {}
        for r, c in sorted(self.grid.cells):
            self.rows.setdefault(r, []).append(c)
        self.keys = {
            pos: label_key(cell.value) for pos, cell in self.grid.cells.items() if cell.is_text
        }
        self.max_row = max(self.rows, default=0)
        # Short texts in reading order: the only cells find() can answer with.
        self.short_keys = [
            (r, c, key)
            for r, cols in self.rows.items()
            for c in cols
            if (key := self.keys.get((r, c))) and len(key) <= _MAX_LABEL
        ]
        self._extents: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        self.skip_rows: set[int] = set()  # hidden rows whose content is left out

    def find(
        self, label: str, after_row: int = 0, max_col: int | None = None
    ) -> tuple[int, int] | None:
        """The first cell (row by row) whose text is *label*.

        With *max_col*, cells in the label column (at or left of it) are searched first,
        so free text that happens to read like a label (a KPI named 「連携効果」)
        does not take the block's place; anywhere else is the fallback.
        """
        match = _MATCHERS[label]
        for limit in (max_col, None) if max_col is not None else (None,):
            for r, c, key in self.short_keys:
                if r >= after_row and (limit is None or c <= limit) and match(key):
                    return r, c
        return None

    def cell(self, row: int, col: int) -> RawCell | None:
        return self.grid.cells.get((row, col))

    def extent(self, row: int, col: int) -> tuple[int, int, int, int]:
        """The merged range containing (row, col), or the cell itself."""
        found = self._extents.get((row, col))
        if found is None:
            found = self._extents[(row, col)] = self.grid.merge_at(row, col) or (row, col, row, col)
        return found

    def right_of(self, row: int, col: int) -> list[tuple[int, RawCell]]:
        """Non-empty cells in *row* to the right of the (merged) cell at (row, col)."""
        end = self.extent(row, col)[3]
        out = []
        for c in self.rows.get(row, []):
            if c > end:
                cell = self.grid.cells[(row, c)]
                if not _is_empty(cell):
                    out.append((c, cell))
        return out

    def is_label(self, row: int, col: int) -> bool:
        key = self.keys.get((row, col))
        return key is not None and bool(key) and len(key) <= _MAX_LABEL and _is_label_key(key)


@lru_cache(maxsize=1 << 12)
def _is_label_key(key: str) -> bool:
    return any(m(key) for m in _MATCHERS.values())


def _is_empty(cell: RawCell | None) -> bool:
    if cell is None:
        return True
    if cell.formula is not None:
        return False
    return cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())


def _text(cell: RawCell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    v = cell.value
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return f"{v:g}"
    return _clean(str(v))


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
        sheet = _Sheet(grid)
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


def parse_project(sheet: _Sheet, config: Config) -> Project:
    name_pos = sheet.find(L_NAME)
    assert name_pos is not None
    hidden = sheet.grid.hidden_rows if config.sheets.hidden == "exclude" else set()
    sheet, memos, hidden_cells = _clip(sheet, _right_edge(sheet, name_pos), hidden - {name_pos[0]})
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
            label = TextField(_text(cell), a1(munis_pos[0], c))
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


def _right_edge(sheet: _Sheet, name_pos: tuple[int, int]) -> int | None:
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
        (L_COSTS, lambda key: key in _TOTAL_HEADERS),
        (L_KPIS, lambda key: key.startswith(_KPI_TARGET)),
    ]
    for label, is_last in last_headers:
        pos = sheet.find(label, after_row=name_pos[0] + 1, max_col=label_col)
        if pos is None:
            continue
        for row in (pos[0], pos[0] + 1):  # the header row: beside the label or under it
            for c, _cell in sheet.right_of(row, pos[1]):
                if is_last(sheet.keys.get((row, c), "")):
                    ends.append(sheet.extent(row, c)[3])
    return max(ends) if ends else None


def _clip(
    sheet: _Sheet, edge: int | None, hidden_rows: set[int]
) -> tuple[_Sheet, list[TextField], list[str]]:
    """The sheet without what lies right of *edge* (returned as memos) and without the
    content of *hidden_rows* (the first cell of each such row that held something)."""
    grid = sheet.grid
    beyond = {pos: c for pos, c in grid.cells.items() if edge is not None and pos[1] > edge}
    hidden = {
        pos: c for pos, c in grid.cells.items() if pos[0] in hidden_rows and pos not in beyond
    }
    if not beyond and not hidden:
        sheet.skip_rows = hidden_rows
        return sheet, [], []
    memos = [
        TextField(_text(cell), a1(*pos))
        for pos, cell in sorted(beyond.items())
        if not _is_empty(cell) and _text(cell).strip()
    ]
    firsts: dict[int, str] = {}
    for (r, c), cell in sorted(hidden.items()):
        if not _is_empty(cell) and r not in firsts:
            firsts[r] = a1(r, c)
    clipped = SheetGrid(
        name=grid.name,
        part=grid.part,
        state=grid.state,
        cells={p: c for p, c in grid.cells.items() if p not in beyond and p not in hidden},
        merges=[m for m in grid.merges if edge is None or m[1] <= edge],
        hidden_rows=grid.hidden_rows,
    )
    clipped_sheet = _Sheet(clipped)
    clipped_sheet.skip_rows = hidden_rows
    return clipped_sheet, memos, list(firsts.values())


def _header(
    sheet: _Sheet, pos: tuple[int, int]
) -> tuple[int | None, str | int | float | None, str | None, TextField]:
    """Number, then the name (possibly spread over cells) up to the 関係市町村 label."""
    row = pos[0]
    values: list[tuple[int, RawCell]] = []
    for c, cell in sheet.right_of(*pos):
        if sheet.keys.get((row, c)) and _MATCHERS[L_MUNIS](sheet.keys[(row, c)]):
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
        return None, None, a1(row, first_col), TextField(_text(num_cell), here)
    name_text = "".join(_text(c) for _, c in name_cells)
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
    m = _NUMBER.match(label_key(value))
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


def _free_text(sheet: _Sheet, pos: tuple[int, int] | None) -> TextField:
    """The text right of a label; a label merged over several rows gathers each row's text."""
    if pos is None:
        return TextField("", None)
    r2 = sheet.extent(*pos)[2]
    parts: list[str] = []
    first: str | None = None
    for row in range(pos[0], r2 + 1):
        for c, cell in sheet.right_of(row, pos[1]):
            parts.append(_text(cell))
            first = first or a1(row, c)
    if first is None:
        return TextField("", a1(pos[0], sheet.extent(*pos)[3] + 1))
    return TextField("\n".join(p for p in parts if p), first)


def _costs(sheet: _Sheet, pos: tuple[int, int]) -> CostPlan:
    plan = CostPlan(label_cell=a1(*pos))
    header_row = pos[0]
    header = sheet.right_of(*pos)
    if not header:  # the label sits above its header row
        header_row += 1
        header = [(c, cell) for c, cell in sheet.right_of(header_row, pos[1])]
    value_row = header_row + 1
    total_col: int | None = None
    year_cols: list[tuple[int, int]] = []
    for c, cell in header:
        text = _text(cell)
        if label_key(text) in _TOTAL_HEADERS:
            total_col = c
            plan.total_header_cell = a1(header_row, c)
            break
        year = parse_fiscal_year(cell.value)
        plan.headers.append(YearHeader(year, text, a1(header_row, c)))
        if year is not None and year not in plan.amounts:
            year_cols.append((year, c))
            plan.amounts[year] = _amount(sheet.cell(value_row, c), a1(value_row, c))
    if total_col is not None:
        plan.total = _amount(sheet.cell(value_row, total_col), a1(value_row, total_col))
    return plan


def _amount(cell: RawCell | None, ref: str) -> CostCell:
    if cell is None:
        return CostCell(None, CellKind.BLANK, ref)
    if cell.formula is not None and not cell.has_value:
        return CostCell(None, CellKind.FORMULA_NO_CACHE, ref, None, cell.formula)
    if cell.is_error:
        return CostCell(None, CellKind.INVALID, ref, cell.value, cell.formula)
    parsed = parse_amount(cell.value, is_text_cell=cell.is_text and cell.formula is None)
    return CostCell(parsed.value, parsed.kind, ref, cell.value, cell.formula)


def _roles(sheet: _Sheet, pos: tuple[int, int], stop_row: int | None) -> list[Role]:
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
        if row > pos[0] and any(sheet.is_label(row, c) for c in sheet.rows.get(row, []) if c <= c2):
            break
        cells = [(c, cell) for c, cell in sheet.right_of(row, c2) if c > c2]
        if not cells:
            if merged:
                row += 1
                continue
            break
        who_col, who_cell = cells[0]
        rest = [(c, cell) for c, cell in sheet.right_of(row, who_col)]
        text_cell = rest[0] if rest else None
        roles.append(
            Role(
                who=label_key(_text(who_cell)),
                text=_text(text_cell[1]) if text_cell else "",
                who_cell=a1(row, who_col),
                cell=a1(row, text_cell[0]) if text_cell else None,
            )
        )
        row += 1
    return roles


def _indicators(
    sheet: _Sheet, pos: tuple[int, int]
) -> tuple[list[Indicator], int | None, str | None, int]:
    """KPI rows after the 指標 / 現状値 / 目標値 header; returns (rows, target year, header cell, last row)."""
    label_end_col = sheet.extent(*pos)[3]
    header_row = pos[0]
    header = sheet.right_of(header_row, pos[1])
    if not header:
        header_row += 1
        header = sheet.right_of(header_row, pos[1])
    cols: dict[str, int] = {}
    target_year: int | None = None
    header_cell: str | None = None
    for c, cell in header:
        key = label_key(_text(cell))
        if key.startswith(_KPI_NAME) and "name" not in cols:
            cols["name"] = c
        elif key.startswith(_KPI_CURRENT) and "current" not in cols:
            cols["current"] = c
        elif key.startswith(_KPI_TARGET) and "target" not in cols:
            cols["target"] = c
            target_year = parse_target_year(_text(cell))
            header_cell = a1(header_row, c)
    if "name" not in cols:
        cols["name"] = header[0][0] if header else label_end_col + 1
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
        first_text = _text(first_any[0][1])
        if first_text.startswith("※") or any(
            sheet.is_label(row, c) for c, _ in first_any if c <= label_end_col
        ):
            break
        if not cells:
            break
        by_col = dict(cells)

        def value(
            col_key: str, by_col: dict[int, RawCell] = by_col, row: int = row
        ) -> tuple[str, str | None]:
            col = cols.get(col_key)
            if col is None:
                return "", None
            return _text(by_col.get(col)), a1(row, col)

        name, name_ref = value("name")
        current, current_ref = value("current")
        target, target_ref = value("target")
        indicators.append(
            Indicator(
                name=kpi_name(name),
                current=_dash_or(fold_ws(current)),
                target=_dash_or(fold_ws(target)),
                row=row,
                name_cell=name_ref or a1(row, cells[0][0]),
                current_cell=current_ref,
                target_cell=target_ref,
            )
        )
        last = row
        row += 1
    return indicators, target_year, header_cell, last


def kpi_name(text: str) -> str:
    """Line breaks inside a KPI name are wrapping, not content: join the pieces."""
    return fold_ws(re.sub(r"[ \t\u3000]*\n[ \t\u3000]*", "", text))


def _dash_or(text: str) -> str:
    return DASH if is_dash(text) else text


def _notes(sheet: _Sheet, after_row: int) -> tuple[list[Note], list[TextField]]:
    """Below the last block: cells starting with ※ are notes; any other text is a memo."""
    notes: list[Note] = []
    memos: list[TextField] = []
    for r in sorted(sheet.rows):
        if r <= after_row:
            continue
        for c in sheet.rows[r]:
            cell = sheet.cell(r, c)
            text = _text(cell)
            if text.lstrip().startswith("※"):
                notes.append(Note(text.strip(), a1(r, c)))
            elif text.strip():
                memos.append(TextField(text, a1(r, c)))
    return notes, memos
