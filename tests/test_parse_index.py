"""The parser's quick answers agree with the plain ones they stand for (issue 17).

:class:`~kohyo.read.labelled.LabelledSheet` indexes a grid once (non-empty cells by row,
label cells, merged ranges filed by row and shared between sheets) so the parser's
questions are cheap; the validator looks at all of a project's texts at once before one
by one. Each is checked here against the plain definition, written out in the test the
way the parser asked before: scan every cell, every merged range, every text.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kohyo.check.findings import Finding, finding
from kohyo.check.rules import check_cell_texts, project_texts
from kohyo.config import Config
from kohyo.model.chars import codepoints, unsafe_in_text, visible
from kohyo.model.excel import MAX_CELL_CHARS
from kohyo.model.project import Note, Project
from kohyo.read.grid import RawCell, SheetGrid
from kohyo.read.labelled import (
    LONGER_THAN_A_LABEL,
    MATCHERS,
    MAX_LABEL,
    SHARED,
    LabelledSheet,
    MergeIndex,
    cell_text,
    is_empty,
    label_key,
    reads_as,
)
from kohyo.read.normalize import DASHES, is_dash
from kohyo.read.parse import parse_workbook

Pos = tuple[int, int]
Extent = tuple[int, int, int, int]

TEXTS = [
    "事業名", " 事業名\u3000", "事業名称", "関係市町村", "内容", "事業内容", "連携効果",
    "事業費見込額（単位：千円）", "連携市町村の\n役割分担", "役割分担", "成果指標", "成果指標の事業",
    "指標", "現状値", "目標値（2027年度）", "計", "※注", "", " ", "\u3000", "\n", "—", "12",
    "a" * 30, "事業名" * 8, "\u202e", "_x000D_",
]  # fmt: skip
VALUES: list[object] = [None, 0, 1, 1.0, 2.5, True, False, -3, 10**16]

rows = st.integers(min_value=1, max_value=12)
cols = st.integers(min_value=0, max_value=9)


@st.composite
def raw_cells(draw: st.DrawFn) -> RawCell:
    if draw(st.booleans()):
        return RawCell(draw(st.sampled_from(TEXTS)), is_text=True, formula=draw(formulas))
    value = draw(st.sampled_from(VALUES))
    return RawCell(value, formula=draw(formulas), has_value=draw(st.booleans()))


formulas = st.sampled_from([None, None, None, "", "SUM(B5:F5)"])


@st.composite
def extents(draw: st.DrawFn, tall: bool = True) -> Extent:
    r1, c1 = draw(rows), draw(cols)
    height = draw(st.integers(0, 30 if tall else 3))  # over 16 rows: filed apart
    return r1, c1, r1 + height, c1 + draw(st.integers(0, 3))


@st.composite
def grids(draw: st.DrawFn) -> SheetGrid:
    cells = draw(st.dictionaries(st.tuples(rows, cols), raw_cells(), max_size=40))
    merges = draw(st.lists(extents(), max_size=8))
    return SheetGrid("s", "xl/worksheets/sheet1.xml", cells=cells, merges=merges)


def plain_extent(grid: SheetGrid, row: int, col: int) -> Extent:
    return grid.merge_at(row, col) or (row, col, row, col)


def plain_right_of(grid: SheetGrid, row: int, col: int) -> list[tuple[int, RawCell]]:
    end = plain_extent(grid, row, col)[3]
    return [
        (c, cell)
        for (r, c), cell in sorted(grid.cells.items())
        if r == row and c > end and not is_empty(cell)
    ]


def plain_find(grid: SheetGrid, label: str, after_row: int, max_col: int | None) -> Pos | None:
    short = [
        (r, c, key)
        for (r, c), cell in sorted(grid.cells.items())
        if cell.is_text and (key := label_key(cell.value)) and len(key) <= MAX_LABEL
    ]
    for limit in (max_col, None) if max_col is not None else (None,):
        for r, c, key in short:
            if r >= after_row and (limit is None or c <= limit) and MATCHERS[label](key):
                return r, c
    return None


def plain_is_label(cell: RawCell | None) -> bool:
    return (
        cell is not None and cell.is_text
        and 0 < len(key := label_key(cell.value)) <= MAX_LABEL
        and any(match(key) for match in MATCHERS.values())
    )  # fmt: skip


def plain_has_label(grid: SheetGrid, row: int, max_col: int) -> bool:
    return any(
        r == row and c <= max_col and plain_is_label(cell) for (r, c), cell in grid.cells.items()
    )


def without(grid: SheetGrid, edge: int | None, hidden: set[int]) -> SheetGrid:
    """*grid* with the cells right of *edge* and in *hidden* taken away (as _clip did)."""
    cells = {
        pos: cell
        for pos, cell in grid.cells.items()
        if pos[0] not in hidden and (edge is None or pos[1] <= edge)
    }
    return dataclasses.replace(grid, cells=cells)


def assert_same_answers(sheet: LabelledSheet, grid: SheetGrid) -> None:
    """Every question the parser asks, answered by *sheet* and plainly from *grid*."""
    for label in MATCHERS:
        for after_row in (0, 1, 3, 7):
            for max_col in (None, 0, 1, 3):
                assert sheet.find(label, after_row, max_col) == plain_find(
                    grid, label, after_row, max_col
                )
    for row in range(0, 14):
        for col in range(0, 11):
            assert sheet.extent(row, col) == plain_extent(grid, row, col)
            assert sheet.right_of(row, col) == plain_right_of(grid, row, col)
            assert sheet.cell(row, col) is grid.cells.get((row, col))
            assert sheet.has_label(row, col) == plain_has_label(grid, row, col)
            assert sheet.is_label(row, col) == plain_is_label(grid.cells.get((row, col)))
    filled = sorted((r, c) for r, cells in sheet.filled.items() for c, _ in cells)
    assert filled == sorted(pos for pos, cell in grid.cells.items() if not is_empty(cell))
    assert list(sheet.filled) == sorted(sheet.filled)  # rows in reading order
    assert sheet.max_row == max((r for r, _ in filled), default=0)
    for r, c in filled:
        cell = grid.cells[(r, c)]
        for label, match in MATCHERS.items():
            key = label_key(cell.value) if cell.is_text else ""
            assert sheet.reads_as(r, c, label) == (0 < len(key) <= MAX_LABEL and match(key))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_the_index_answers_as_a_scan_of_the_grid(grid: SheetGrid) -> None:
    assert_same_answers(LabelledSheet(grid), grid)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grids(),
    st.one_of(st.none(), st.integers(0, 9)),
    st.sets(st.integers(1, 12), max_size=3),
)
def test_cells_left_out_are_gone_from_every_answer(
    grid: SheetGrid, edge: int | None, hidden: set[int]
) -> None:
    sheet = LabelledSheet(grid)
    sheet.leave_out(edge, hidden)
    assert sheet.skip_rows == hidden
    assert_same_answers(sheet, without(grid, edge, hidden))


@settings(max_examples=300, deadline=None)
@given(st.lists(extents(), max_size=12), st.lists(st.tuples(rows, cols), max_size=30))
def test_the_merge_index_answers_as_merge_at(merges: list[Extent], asked: list[Pos]) -> None:
    """The first range in the sheet's list that holds the cell, overlapping or tall ones too;
    asked twice (the answers are remembered) and from a second index of the same ranges."""
    grid = SheetGrid("s", "p", merges=merges)
    index, again = MergeIndex(tuple(merges)), MergeIndex(tuple(merges))
    for row, col in asked + asked:
        assert index.extent(row, col) == plain_extent(grid, row, col)
    for row, col in reversed(asked):
        assert again.extent(row, col) == plain_extent(grid, row, col)


def test_sheets_with_the_same_merged_ranges_share_the_index() -> None:
    merges = [(1, 1, 1, 2), (4, 1, 5, 1)]
    one = LabelledSheet(SheetGrid("a", "p", merges=list(merges)))
    other = LabelledSheet(SheetGrid("b", "p", merges=list(merges)))
    assert one.merges is other.merges
    assert LabelledSheet(SheetGrid("c", "p", merges=merges[:1])).merges is not one.merges
    many = [(r, 1, r, 2) for r in range(1, SHARED + 2)]  # not a 個表's: not kept for others
    big = LabelledSheet(SheetGrid("d", "p", merges=many))
    assert big.merges is not LabelledSheet(SheetGrid("e", "p", merges=many)).merges
    assert big.extent(SHARED + 1, 2) == (SHARED + 1, 1, SHARED + 1, 2)


def test_a_value_reads_the_same_whatever_was_read_before() -> None:
    """1, 1.0 and True are equal keys to a cache; their texts differ."""
    for order in ([1, 1.0, True], [True, 1.0, 1], [1.0, True, 1]):
        texts = {type(v): cell_text(RawCell(v)) for v in order}
        assert texts == {int: "1", float: "1", bool: "TRUE"}


@given(st.text(alphabet=st.sampled_from([*DASHES, " ", "\u3000", "a", "1", "—"]), max_size=6))
def test_is_dash_is_three_dashes_at_most(text: str) -> None:
    t = text.strip().replace("\u3000", "")
    assert is_dash(text) == (1 <= len(t) <= 3 and all(ch in DASHES for ch in t))


LABEL_CHARS = [
    "事", "業", "名", "計", "a", "Ａ", "1", "（", "(", "カ", "ｶ", "ﾞ", "\u3099", "\u309b", "\u0301",
    "\u1100", "\u1161", "\u11a8", "\u3000", " ", "\n", "\u00a0", "\u2003", "㈱", "\ufb03", "\u00a8",
    "\u0338", "<", "\uf900", "\u2f00", "ー", "・", "※",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(LABEL_CHARS), max_size=60))
def test_a_text_said_longer_than_a_label_has_a_long_key(text: str) -> None:
    """Kana, ideographs and (full-width) ASCII each keep a character of the key: among
    combining marks, half-width kana, jamo and white space, which NFKC merges or drops."""
    if LONGER_THAN_A_LABEL.match(text):
        assert len(label_key(text)) > MAX_LABEL
    else:
        assert sum(ch in "事業名計a1(（カＡ<" for ch in text) <= MAX_LABEL


# A kept character with what NFKC merges into it or drops after it: one key character each.
KEY_CHARS = [("カ", "\u3099"), ("カ", "ﾞ"), ("a", "\u0301"), ("<", "\u0338"), ("Ａ", ""), ("事", "")]
DROPPED = ["", " ", "\u3000", "\n", "\u00a0"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([0, 3, MAX_LABEL - 1, MAX_LABEL, MAX_LABEL + 1, MAX_LABEL + 2, 40]).flatmap(
        lambda n: st.lists(
            st.tuples(st.sampled_from(KEY_CHARS), st.sampled_from(DROPPED)), min_size=n, max_size=n
        )
    )
)
def test_longer_than_a_label_is_exact_at_the_limit(
    pieces: list[tuple[tuple[str, str], str]],
) -> None:
    text = "".join(kept + merged + dropped for (kept, merged), dropped in pieces)
    assert len(label_key(text)) == len(pieces)
    assert bool(LONGER_THAN_A_LABEL.match(text)) == (len(pieces) > MAX_LABEL)


@given(st.text(alphabet=st.sampled_from(LABEL_CHARS), max_size=40))
def test_reads_as_is_the_matchers_on_a_short_key(text: str) -> None:
    key = label_key(text)
    expected = (
        tuple(label for label, m in MATCHERS.items() if m(key)) if len(key) <= MAX_LABEL else ()
    )
    assert reads_as(text) == expected


# --------------------------------------------------------------------------- cell texts


def one_project(config: Config) -> Project:
    cells = {
        (1, 1): RawCell("事業名", is_text=True),
        (1, 2): RawCell(1),
        (1, 3): RawCell("事業", is_text=True),
    }
    master = parse_workbook([SheetGrid("1", "p", cells=cells)], config, "m.xlsx")
    return master.projects[0]


def plain_check_cell_texts(p: Project) -> list[Finding]:
    """check_cell_texts as it was: each text on its own."""
    out = []
    for text, cell in project_texts(p):
        if len(text) > MAX_CELL_CHARS:
            out.append(
                finding(
                    "cell-too-long", p.sheet, cell, length=len(text), limit=MAX_CELL_CHARS,
                    start=visible(text, limit=20),
                )
            )  # fmt: skip
        controls = unsafe_in_text(text)
        if controls:
            out.append(
                finding(
                    "control-character", p.sheet, cell, chars=codepoints(controls),
                    text=visible(text, limit=40),
                )
            )  # fmt: skip
    return out


NOTE_TEXTS = [
    "※注",
    "a\tb\nc",
    "x\u202ey",
    "\x01",
    "\x7f",
    "\u200e",
    "あ" * 20000,
    "い" * 40000,
    "\r",
]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(NOTE_TEXTS), max_size=5))
def test_cell_texts_looked_at_together_find_what_one_by_one_finds(
    config: Config, texts: list[str]
) -> None:
    """Two texts of 20,000 characters are too long together, not each: still no finding."""
    p = one_project(config)
    p.notes = [Note(text, f"A{9 + i}") for i, text in enumerate(texts)]
    assert list(check_cell_texts(p, config)) == plain_check_cell_texts(p)
