"""Live Excel through xlwings: read the open master into grids, write a refresh back.

The adapter is thin on purpose. :func:`read_live_grids` turns the open
workbook into the same :class:`~kohyo.read.grid.SheetGrid` objects the file reader
makes, so the pure parser, validator and planner run unchanged;
:func:`apply_live` writes what :func:`kohyo.edit.refresh.plan_refresh` decided (each
計, and the 総括表 from the same :class:`SheetSpec` the file path writes).

Only xlwings' open-source part is used (``xw.apps``, books, sheets, ranges and
their value/formula/merge/format properties); xlwings is imported lazily and
is an optional extra (``pip install kohyo[live]``). It never starts Excel:
it works on the instance the user already has open.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from types import ModuleType
from typing import Any

from kohyo.check.findings import Report
from kohyo.check.rules import validate_master
from kohyo.config import Config
from kohyo.edit.refresh import RefreshPlan, RefreshResult, plan_refresh
from kohyo.errors import KohyoError
from kohyo.layout.summary import load_summary_look, summary_sheet_spec
from kohyo.messages import t
from kohyo.model.project import Master
from kohyo.read.grid import RawCell, SheetGrid, a1
from kohyo.read.parse import parse_workbook
from kohyo.templates_lookup import template_path
from kohyo.xlsx.sheetspec import SheetSpec
from kohyo.xlsx.styles import StyleSpec

Progress = Callable[[int, int, str], None]  # (done, total, sheet name)

EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"}
)  # fmt: skip
_EXCEL_EPOCH = datetime(1899, 12, 30)


# --------------------------------------------------------------------------- finding Excel


def import_xlwings() -> ModuleType:
    """xlwings, or a KohyoError saying how to install it."""
    try:
        return importlib.import_module("xlwings")
    except ImportError:
        raise KohyoError(t("live.no_xlwings")) from None


def find_book(master: Path | None, xw: ModuleType | None = None) -> Any:
    """The open workbook whose full name is *master*, else the active workbook."""
    xw = xw if xw is not None else import_xlwings()
    try:
        apps = list(xw.apps)
    except Exception as exc:  # xlwings raises its own errors on Linux or without Excel
        raise KohyoError(t("live.no_excel", reason=_reason(exc))) from None
    if not apps:
        raise KohyoError(t("live.no_excel", reason=t("live.not_running")))
    try:
        if master is not None:
            wanted = _norm(master)
            for app in apps:
                for book in app.books:
                    if _norm(book.fullname) == wanted:
                        return book
        book = xw.books.active
    except Exception as exc:
        raise KohyoError(t("live.failed", detail=_reason(exc))) from None
    if book is None:
        raise KohyoError(t("live.no_book", master=master or ""))
    return book


def _norm(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.abspath(os.fspath(path)))


def _reason(exc: BaseException) -> str:
    if sys.platform not in ("win32", "darwin"):
        return t("live.unsupported_os", platform=sys.platform)
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def book_path(book: Any) -> Path | None:
    """The workbook's file on disk, or None for an unsaved (or cloud-only) book."""
    name = str(book.fullname)
    if "://" in name:
        return None
    path = Path(name)
    return path if path.is_file() else None


# --------------------------------------------------------------------------- reading


def read_live_grids(book: Any, progress: Progress | None = None) -> list[SheetGrid]:
    """Every worksheet of the open *book* as a grid: cached values, formulas, merges."""
    sheets = list(book.sheets)
    grids = []
    for i, sheet in enumerate(sheets):
        if progress is not None:
            progress(i, len(sheets), sheet.name)
        grids.append(_read_sheet(sheet, i))
    if progress is not None:
        progress(len(sheets), len(sheets), "")
    return grids


def _read_sheet(sheet: Any, index: int) -> SheetGrid:
    state = "visible"
    with contextlib.suppress(Exception):  # Sheet.visible is newer than some xlwings
        state = "visible" if sheet.visible else "hidden"
    grid = SheetGrid(name=sheet.name, part=f"live:{index}", state=state)
    used = sheet.used_range
    r0, c0 = used.row, used.column
    values = _matrix(used.options(ndim=2, err_to_str=True).value)
    formulas = _matrix(used.formula)
    for i, row in enumerate(values):
        f_row = formulas[i] if i < len(formulas) else ()
        for j, value in enumerate(row):
            formula = f_row[j] if j < len(f_row) else None
            cell = _cell(value, formula)
            if cell is not None:
                grid.cells[(r0 + i, c0 + j)] = cell
    grid.merges = _merges(sheet, r0, c0, len(values), max((len(r) for r in values), default=0))
    return grid


def _matrix(data: Any) -> list[list[Any]]:
    """A 2-D list whatever shape Excel returned (a scalar for one cell, rows otherwise)."""
    if data is None or isinstance(data, str | int | float | bool | datetime | date):
        return [[data]]
    rows = list(data)
    if rows and not isinstance(rows[0], list | tuple):
        return [rows]
    return [list(r) for r in rows]


def _cell(value: Any, formula: Any) -> RawCell | None:
    f = formula[1:] if isinstance(formula, str) and formula.startswith("=") else None
    if isinstance(value, datetime | date | time):
        value = _serial(value)
    elif isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)  # Excel hands every number over as a double
    if value is None or (isinstance(value, str) and value == "" and f is None):
        return RawCell(None, formula=f) if f is not None else None
    if isinstance(value, str):
        is_error = f is not None and value in EXCEL_ERRORS
        return RawCell(value, is_text=not is_error, formula=f, is_error=is_error)
    return RawCell(value, formula=f)


def _serial(value: datetime | date | time) -> int | float:
    """A date as Excel's serial number, which is what the file reader sees."""
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    days = (value.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400
    return int(days) if float(days).is_integer() else days


def _merges(
    sheet: Any, r0: int, c0: int, n_rows: int, n_cols: int
) -> list[tuple[int, int, int, int]]:
    """Merged ranges within the used range: a row is asked first, then only its cells."""
    out: list[tuple[int, int, int, int]] = []
    covered: set[tuple[int, int]] = set()
    if not n_rows or not n_cols:
        return out
    last_col = c0 + n_cols - 1
    # Windows answers None for a row with some merged cells; macOS may answer False, so
    # there every cell is asked.
    row_check = sys.platform != "darwin"
    for r in range(r0, r0 + n_rows):
        if row_check and sheet.range((r, c0), (r, last_col)).merge_cells is False:
            continue
        for c in range(c0, last_col + 1):
            if (r, c) in covered:
                continue
            cell = sheet.range((r, c))
            if not cell.merge_cells:
                continue
            area = cell.merge_area
            last = area.last_cell
            m = (area.row, area.column, last.row, last.column)
            if m[2] > m[0] or m[3] > m[1]:
                out.append(m)
                covered.update(
                    (rr, cc) for rr in range(m[0], m[2] + 1) for cc in range(m[1], m[3] + 1)
                )
    return sorted(out)


# --------------------------------------------------------------------------- writing


def excel_text(text: str) -> str:
    """*text* as Excel must receive it to keep it text: a leading apostrophe where Excel
    would otherwise make a formula (= + - @), a number, a date or a boolean of it.

    The apostrophe is Excel's prefix character, not part of the value.
    """
    if not text:
        return text
    key = unicodedata.normalize("NFKC", text).lstrip()
    first = key[:1]
    if (
        text[0] in "=+-@'\t\r\n"
        or first in "=+-@'("
        or first.isdigit()
        or first in "$¥￥.,%"
        or key.upper() in ("TRUE", "FALSE")
    ):
        return "'" + text
    return text


def write_value(rng: Any, value: Any) -> None:
    """A plain value (never a formula) into one cell."""
    rng.value = excel_text(value) if isinstance(value, str) else value


def apply_live(
    book: Any, plan: RefreshPlan, spec: SheetSpec, *, position: str | int = "first"
) -> list[str]:
    """Write each TotalUpdate of *plan* and the 総括表 *spec* into the open *book*.

    Returns notes on formatting Excel refused (values are always written first).
    """
    for u in plan.updates:
        rng = book.sheets[u.sheet].range(u.cell)
        if u.formula:
            rng.formula = "=" + u.formula
        else:
            write_value(rng, u.new)
    return write_sheet_spec(book, spec, position=position)


def write_sheet_spec(book: Any, spec: SheetSpec, *, position: str | int = "first") -> list[str]:
    """Create (at *position*) or clear the sheet ``spec.name`` and write values,
    merges, column widths and basic formatting. Returns notes on what was skipped."""
    sheet = _summary_sheet(book, spec.name, position)
    n_cols = max((len(r) for r in spec.rows), default=0)
    matrix = []
    formulas = []
    for i, row in enumerate(spec.rows, start=1):
        out = []
        for j in range(1, n_cols + 1):
            cell = row[j - 1] if j - 1 < len(row) else None
            value = None if cell is None else cell.value
            if cell is not None and cell.formula is not None:
                formulas.append((i, j, cell.formula))
                value = None
            out.append(excel_text(value) if isinstance(value, str) else value)
        matrix.append(out)
    if matrix and n_cols:
        sheet.range((1, 1)).value = matrix
    for i, j, formula in formulas:
        sheet.range((i, j)).formula = "=" + formula.lstrip("=")
    notes: list[str] = []
    for ref in spec.merges:
        _try(notes, "merge", sheet.range(ref).merge)
    for j, width in enumerate(spec.col_widths, start=1):
        if width is not None:
            _set(notes, "column_width", sheet.range((1, j)), "column_width", width)
    for (r, c1, c2), style in _style_runs(spec):
        _format(sheet.range((r, c1), (r, c2)), spec.styles[style], notes)
    return sorted(set(notes))


def _summary_sheet(book: Any, name: str, position: str | int) -> Any:
    sheets = list(book.sheets)
    existing = next((s for s in sheets if s.name.casefold() == name.casefold()), None)
    if existing is not None:
        existing.clear()  # contents and formats; unmerge too, in case Clear leaves merges
        with contextlib.suppress(Exception):
            existing.used_range.unmerge()
        return existing
    index = _position(position, len(sheets))
    if index < len(sheets):
        return book.sheets.add(name, before=sheets[index])
    return book.sheets.add(name, after=sheets[-1])


def _position(position: str | int, count: int) -> int:
    """The same placement as :meth:`PackagePatch.put_sheet` gives the file path."""
    if position == "first":
        return 0
    if position == "last":
        return count
    return max(0, min(int(position), count))


def _style_runs(spec: SheetSpec) -> Iterable[tuple[tuple[int, int, int], str]]:
    """((row, first col, last col), style) for each run of cells sharing a style."""
    for i, row in enumerate(spec.rows, start=1):
        run: tuple[int, str] | None = None
        for j in range(1, len(row) + 2):
            cell = row[j - 1] if j - 1 < len(row) else None
            style = cell.style if cell is not None else None
            if run is not None and style != run[1]:
                yield (i, run[0], j - 1), run[1]
                run = None
            if style is not None and run is None:
                run = (j, style)


def _format(rng: Any, style: StyleSpec, notes: list[str]) -> None:
    if style.number_format:
        _set(notes, "number_format", rng, "number_format", style.number_format)
    if style.fill_color:
        _set(notes, "color", rng, "color", "#" + style.fill_color.lstrip("#")[-6:])
    font = None
    with contextlib.suppress(Exception):
        font = rng.font
    if font is not None:
        for attr, value in (
            ("bold", style.bold or None),
            ("size", style.font_size),
            ("name", style.font_name),
        ):
            if value is not None:
                _set(notes, "font", font, attr, value)
        if style.font_color:
            _set(notes, "font", font, "color", "#" + style.font_color.lstrip("#")[-6:])
    if style.wrap:
        _set(notes, "wrap_text", rng, "wrap_text", True)
    if style.horizontal:
        _set(notes, "alignment", rng, "horizontal_alignment", style.horizontal)
    if style.border:
        _try(notes, "border", lambda: _thin_borders(rng))


def _thin_borders(rng: Any) -> None:
    """Thin lines around every cell: Excel's COM object model (Windows); elsewhere skipped."""
    borders = rng.api.Borders
    for edge in (7, 8, 9, 10, 11, 12):  # xlEdgeLeft/Top/Bottom/Right, xlInsideVertical/Horizontal
        with contextlib.suppress(Exception):  # inside edges do not exist for a single cell
            borders(edge).LineStyle = 1  # xlContinuous
            borders(edge).Weight = 2  # xlThin


def _set(notes: list[str], what: str, obj: Any, attr: str, value: Any) -> None:
    """Set one formatting property; what Excel (or this platform) refuses becomes a note."""
    try:
        setattr(obj, attr, value)
    except Exception:
        notes.append(what)


def _try(notes: list[str], what: str, action: Callable[[], Any]) -> None:
    try:
        action()
    except Exception:
        notes.append(what)


# --------------------------------------------------------------------------- whole operations


@dataclass
class LiveBook:
    """The open workbook and what was read from it."""

    book: Any
    name: str
    path: Path | None
    grids: list[SheetGrid]


def open_live(master: Path | None, progress: Progress | None = None) -> LiveBook:
    """Find the master (or the active book) in Excel and read it into grids."""
    book = find_book(master)
    try:
        grids = read_live_grids(book, progress)
        name = str(book.name)
    except KohyoError:
        raise
    except Exception as exc:
        raise KohyoError(t("live.failed", detail=_reason_any(exc))) from None
    return LiveBook(book, name, book_path(book), grids)


def _reason_any(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def parse_live(live: LiveBook, config: Config) -> Master:
    return parse_workbook(live.grids, config, str(live.path or live.name))


def summary_values_equal(grids: list[SheetGrid], spec: SheetSpec) -> bool:
    """Whether the open 総括表 already shows exactly what *spec* would write."""
    grid = next((g for g in grids if g.name.casefold() == spec.name.casefold()), None)
    if grid is None:
        return False
    want: dict[tuple[int, int], Any] = {}
    for i, row in enumerate(spec.rows, start=1):
        for j, cell in enumerate(row, start=1):
            if cell is not None and cell.value is not None and cell.value != "":
                want[(i, j)] = cell.value
    have = {pos: c.value for pos, c in grid.cells.items() if c.value not in (None, "")}
    return have == want and {a1(*m[:2]) + ":" + a1(*m[2:]) for m in grid.merges} == {
        m.upper() for m in spec.merges
    }


@dataclass
class LiveRefreshResult(RefreshResult):
    """A refresh made in Excel: ``written`` means written into the open book."""

    book_name: str = ""
    saved: bool = False


def check_live(
    master: Path | None, config: Config, progress: Progress | None = None
) -> tuple[LiveBook, Master, Report]:
    """Read the open master and validate it (nothing is written)."""
    live = open_live(master, progress)
    parsed = parse_live(live, config)
    return live, parsed, validate_master(parsed, config)


def refresh_live(
    master: Path | None, config: Config, *, save: bool = False, progress: Progress | None = None
) -> LiveRefreshResult:
    """The refresh of :func:`kohyo.edit.refresh.refresh_master`, made inside the open workbook.

    Validate (errors: write nothing), plan, write each 計 and the 総括表 through Excel;
    with *save*, copy the file as it is on disk to the backup folder, then save in Excel.
    """
    live, parsed, report = check_live(master, config, progress)
    name = config.summary.sheet_name
    result = LiveRefreshResult(path=live.path or Path(live.name), report=report, master=parsed,
                               summary_sheet=name, book_name=live.name)  # fmt: skip
    if report.has_errors:
        return result
    plan = plan_refresh(parsed, config)
    result.plan = plan
    look = load_summary_look(template_path(config, "summary.toml"))
    spec = summary_sheet_spec(plan.summary, config, look)
    existed = any(g.name.casefold() == name.casefold() for g in live.grids)
    if not plan.updates and summary_values_equal(live.grids, spec):
        return result
    if save and live.path is None:
        raise KohyoError(t("live.no_path", name=live.name))
    try:
        result.notes = apply_live(live.book, plan, spec, position=config.summary.index)
    except KohyoError:
        raise
    except Exception as exc:
        raise KohyoError(t("live.failed", detail=_reason_any(exc))) from None
    result.summary_status = "updated" if existed else "created"
    result.written = True
    if save and live.path is not None:
        result.backup = _backup(live.path, config)
        try:
            live.book.save()
        except Exception as exc:
            raise KohyoError(t("live.failed", detail=_reason_any(exc))) from None
        result.saved = True
    return result


def _backup(path: Path, config: Config) -> Path:
    """Copy the saved file (what Excel will overwrite) to the backup folder, as refresh does."""
    # The naming and pruning are kohyo.files.backup's, so both paths share one set of backups.
    from kohyo.files.backup import make_backup, prune_backups
    from kohyo.files.digest import file_digest

    backup = make_backup(path, config.paths.backup_dir, datetime.now(), file_digest(path))
    prune_backups(path, config.paths.backup_dir, config.refresh.backups_keep)
    return backup
