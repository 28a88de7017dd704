"""A small stand-in for Excel as xlwings shows it — the one place kohyo's tests fake anything.

It implements only the xlwings calls kohyo.live makes, and behaves as Excel does where
that matters: numbers come back as floats, a one-cell range gives a scalar, a string
written through ``Range.value`` that starts with ``=`` becomes a formula, a numeric-looking
string becomes a number, and a leading apostrophe keeps text as text (and is not stored).
It is filled from a real workbook (:func:`load_book`, via openpyxl), so reading it must
give the same grids as the file reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def parse_cell(ref: str) -> tuple[int, int]:
    m = _REF.match(ref.upper())
    assert m, ref
    return int(m.group(2)), column_index_from_string(m.group(1))


@dataclass
class Cell:
    value: Any = None  # what Excel shows (the cached value of a formula)
    formula: str | None = None  # "=SUM(B5:F5)"
    quote_prefix: bool = False
    number_format: str = "General"
    fill: str | None = None
    wrap: bool = False
    align: str | None = None
    font: dict[str, Any] = field(default_factory=dict)


def excel_coerce(value: Any) -> tuple[Any, str | None, bool]:
    """What Excel stores when a program assigns *value*: (value, formula, quote prefix)."""
    if not isinstance(value, str):
        return value, None, False
    if value.startswith("'"):
        return value[1:], None, True
    if value.startswith("="):
        return None, value, False
    text = value.strip().replace(",", "")
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        number = float(text)
        return (int(number) if number.is_integer() else number), None, False
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE", None, False
    return value, None, False


class Font:
    def __init__(self, rng: Range) -> None:
        object.__setattr__(self, "_rng", rng)

    def __setattr__(self, name: str, value: Any) -> None:
        for cell in self._rng._cells(create=True):
            cell.font[name] = value

    def __getattr__(self, name: str) -> Any:
        return self._rng.sheet.cell(self._rng.r1, self._rng.c1).font.get(name)


class Range:
    def __init__(
        self,
        sheet: Sheet,
        r1: int,
        c1: int,
        r2: int,
        c2: int,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self._options = options or {}

    # geometry
    @property
    def row(self) -> int:
        return self.r1

    @property
    def column(self) -> int:
        return self.c1

    @property
    def shape(self) -> tuple[int, int]:
        return (self.r2 - self.r1 + 1, self.c2 - self.c1 + 1)

    @property
    def last_cell(self) -> Range:
        return Range(self.sheet, self.r2, self.c2, self.r2, self.c2)

    @property
    def address(self) -> str:
        return f"${get_column_letter(self.c1)}${self.r1}:${get_column_letter(self.c2)}${self.r2}"

    def options(self, **options: Any) -> Range:
        return Range(self.sheet, self.r1, self.c1, self.r2, self.c2, {**self._options, **options})

    def _positions(self) -> list[tuple[int, int]]:
        return [(r, c) for r in range(self.r1, self.r2 + 1) for c in range(self.c1, self.c2 + 1)]

    def _cells(self, create: bool = False) -> list[Cell]:
        return [self.sheet.cell(r, c, create=create) for r, c in self._positions()]

    # values
    def _shown(self, r: int, c: int) -> Any:
        cell = self.sheet.cells.get((r, c))
        if cell is None:
            return None
        v = cell.value
        if isinstance(v, str) and v.startswith("#") and cell.formula:
            return v if self._options.get("err_to_str") else None
        if isinstance(v, int) and not isinstance(v, bool):
            return float(v)  # COM hands every number over as a double
        return v

    def _grid(self, getter: Any) -> Any:
        rows = [
            [getter(r, c) for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)
        ]
        if self._options.get("ndim") == 2:
            return rows
        if self.shape == (1, 1):
            return rows[0][0]
        if self.shape[0] == 1:
            return rows[0]
        return rows

    @property
    def value(self) -> Any:
        return self._grid(self._shown)

    @value.setter
    def value(self, data: Any) -> None:
        self.sheet.book.writes += 1
        if isinstance(data, list | tuple) and data and isinstance(data[0], list | tuple):
            for i, row in enumerate(data):
                for j, v in enumerate(row):
                    self.sheet.put(self.r1 + i, self.c1 + j, v)
        elif isinstance(data, list | tuple):
            for j, v in enumerate(data):
                self.sheet.put(self.r1, self.c1 + j, v)
        else:
            for r, c in self._positions():
                self.sheet.put(r, c, data)

    @property
    def formula(self) -> Any:
        def text(r: int, c: int) -> str:
            cell = self.sheet.cells.get((r, c))
            if cell is None or (cell.value is None and cell.formula is None):
                return ""
            if cell.formula:
                return cell.formula
            v = cell.value
            if isinstance(v, bool):
                return "TRUE" if v else "FALSE"
            return str(v)

        rows = tuple(
            tuple(text(r, c) for c in range(self.c1, self.c2 + 1))
            for r in range(self.r1, self.r2 + 1)
        )
        return rows[0][0] if self.shape == (1, 1) else rows

    @formula.setter
    def formula(self, value: str) -> None:
        self.sheet.book.writes += 1
        for r, c in self._positions():
            self.sheet.put(r, c, value)

    # merges
    @property
    def merge_cells(self) -> bool | None:
        covered = [self.sheet.merge_of(r, c) is not None for r, c in self._positions()]
        if all(covered):
            return True
        if self.sheet.book.mac:  # Excel for Mac answers False for a partly merged range
            return False
        return None if any(covered) else False

    @property
    def merge_area(self) -> Range:
        m = self.sheet.merge_of(self.r1, self.c1)
        return Range(self.sheet, *m) if m else self

    def merge(self, across: bool = False) -> None:
        self.unmerge()
        self.sheet.merges.append((self.r1, self.c1, self.r2, self.c2))

    def unmerge(self) -> None:
        self.sheet.merges = [
            m
            for m in self.sheet.merges
            if m[2] < self.r1 or m[0] > self.r2 or m[3] < self.c1 or m[1] > self.c2
        ]

    # formats
    @property
    def number_format(self) -> str:
        return self.sheet.cell(self.r1, self.c1).number_format

    @number_format.setter
    def number_format(self, value: str) -> None:
        for cell in self._cells(create=True):
            cell.number_format = value

    @property
    def color(self) -> str | None:
        return self.sheet.cell(self.r1, self.c1).fill

    @color.setter
    def color(self, value: str) -> None:
        for cell in self._cells(create=True):
            cell.fill = value

    @property
    def wrap_text(self) -> bool:
        return self.sheet.cell(self.r1, self.c1).wrap

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        for cell in self._cells(create=True):
            cell.wrap = value

    @property
    def horizontal_alignment(self) -> str | None:
        return self.sheet.cell(self.r1, self.c1).align

    @horizontal_alignment.setter
    def horizontal_alignment(self, value: str) -> None:
        for cell in self._cells(create=True):
            cell.align = value

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def column_width(self) -> float | None:
        return self.sheet.col_widths.get(self.c1)

    @column_width.setter
    def column_width(self, value: float) -> None:
        for c in range(self.c1, self.c2 + 1):
            self.sheet.col_widths[c] = value

    @property
    def api(self) -> Any:
        raise AttributeError("the fake has no COM object model (as on macOS)")


class Sheet:
    def __init__(self, book: Book, name: str, visible: bool = True) -> None:
        self.book, self.name, self.visible = book, name, visible
        self.cells: dict[tuple[int, int], Cell] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.col_widths: dict[int, float] = {}

    def cell(self, r: int, c: int, create: bool = False) -> Cell:
        if create:
            return self.cells.setdefault((r, c), Cell())
        return self.cells.get((r, c), Cell())

    def put(self, r: int, c: int, value: Any) -> None:
        stored, formula, prefix = excel_coerce(value)
        cell = self.cell(r, c, create=True)
        cell.value, cell.formula, cell.quote_prefix = stored, formula, prefix
        if formula is not None:
            cell.value = self.evaluate(formula)

    def evaluate(self, formula: str) -> Any:
        """Enough of Excel for the formulas kohyo writes: =SUM(A1:B2) and =SUM(A1,B2)."""
        m = re.fullmatch(r"=SUM\((.+)\)", formula)
        if not m:
            return None
        total = 0
        for part in m.group(1).split(","):
            a, _, b = part.partition(":")
            (r1, c1), (r2, c2) = parse_cell(a), parse_cell(b or a)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    v = self.cells.get((r, c), Cell()).value
                    if isinstance(v, int | float) and not isinstance(v, bool):
                        total += v
        return total

    def merge_of(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        return next((m for m in self.merges if m[0] <= r <= m[2] and m[1] <= c <= m[3]), None)

    def range(self, a: Any, b: Any = None) -> Range:
        if isinstance(a, str):
            first, _, last = a.partition(":")
            r1, c1 = parse_cell(first)
            r2, c2 = parse_cell(last) if last else (r1, c1)
        else:
            r1, c1 = a
            r2, c2 = b if b is not None else a
        return Range(self, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))

    @property
    def used_range(self) -> Range:
        filled = [k for k, v in self.cells.items() if v.value is not None or v.formula]
        corners = filled + [(m[0], m[1]) for m in self.merges] + [(m[2], m[3]) for m in self.merges]
        if not corners:
            return self.range((1, 1))
        return Range(
            self,
            min(r for r, _ in corners),
            min(c for _, c in corners),
            max(r for r, _ in corners),
            max(c for _, c in corners),
        )

    def clear(self) -> None:
        self.cells.clear()
        self.merges.clear()

    def values(self) -> dict[str, Any]:
        """A1 -> shown value, for assertions."""
        return {
            f"{get_column_letter(c)}{r}": cell.value
            for (r, c), cell in sorted(self.cells.items())
            if cell.value is not None
        }


class Sheets:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._list: list[Sheet] = []

    def __iter__(self):
        return iter(list(self._list))

    def __len__(self) -> int:
        return len(self._list)

    @property
    def count(self) -> int:
        return len(self._list)

    def __getitem__(self, key: int | str) -> Sheet:
        if isinstance(key, int):
            return self._list[key]
        found = [s for s in self._list if s.name.casefold() == key.casefold()]
        if not found:
            raise KeyError(key)
        return found[0]

    def add(
        self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None
    ) -> Sheet:
        sheet = Sheet(self.book, name or f"Sheet{len(self._list) + 1}")
        if before is not None:
            self._list.insert(self._list.index(before), sheet)
        elif after is not None:
            self._list.insert(self._list.index(after) + 1, sheet)
        else:
            self._list.insert(0, sheet)  # Excel adds before the active sheet
        return sheet

    def names(self) -> list[str]:
        return [s.name for s in self._list]


class Book:
    def __init__(self, fullname: str) -> None:
        self.fullname = fullname
        self.name = Path(fullname).name
        self.sheets = Sheets(self)
        self.saved = 0
        self.writes = 0
        self.mac = False

    def save(self, path: str | None = None) -> None:
        assert path is None, "kohyo saves in place"
        self.saved += 1


@dataclass
class App:
    books: list[Book]


class Books:
    def __init__(self, active: Book | None) -> None:
        self.active = active


class FakeXlwings:
    """What ``import xlwings`` gives kohyo.live: ``apps`` and ``books.active``."""

    def __init__(self, books: list[Book], active: Book | None = None) -> None:
        self.apps = [App(books)] if books else []
        self.books = Books(active if active is not None else (books[-1] if books else None))


def load_book(path: Path, fullname: str | None = None) -> Book:
    """A fake open workbook holding what *path* holds: cached values, formulas, merges."""
    book = Book(fullname or str(path))
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    for ws_f, ws_v in zip(formulas.worksheets, values.worksheets, strict=True):
        sheet = Sheet(book, ws_f.title, visible=ws_f.sheet_state == "visible")
        book.sheets._list.append(sheet)
        for row in ws_f.iter_rows():
            for c in row:
                v = ws_v.cell(c.row, c.column).value
                f = c.value if isinstance(c.value, str) and c.data_type == "f" else None
                if v is None and f is None:
                    continue
                sheet.cells[(c.row, c.column)] = Cell(value=v, formula=f)
        for m in ws_f.merged_cells.ranges:
            sheet.merges.append((m.min_row, m.min_col, m.max_row, m.max_col))
    return book
