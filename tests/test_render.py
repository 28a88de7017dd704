"""The CLI's findings lines: grouped, errors first, wrapped only where Japanese may break."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.cells import cell_len

from builders import project, write_master
from conftest import REAL_CONFIG, CliResult
from kohyo.check.findings import Report, finding
from kohyo.cli.render import (
    _BREAK_AFTER,
    _BREAK_BEFORE,
    _pieces,
    cells,
    finding_groups,
    group_line,
    wrap,
)

LONG = (
    "非表示のシートです。下書きとみなし、検証だけして総括表・配布・メール・変更点から除きます"
    '（含めるには config.toml の sheets.hidden = "include"）'
)


@pytest.mark.parametrize("width", [40, 60, 80, 100])
def test_wrap_breaks_only_at_safe_points(width: int) -> None:
    line = f"[警告] シート 下書き: {LONG} sheet-hidden"
    lines = wrap(line, width)
    assert all(cell_len(x) <= width for x in lines)
    assert all(x.startswith("    ") for x in lines[1:])
    assert "".join(x.strip() for x in lines).replace(" ", "") == line.replace(" ", "")
    for prev, nxt in itertools.pairwise(lines):
        a, b = prev.rstrip(), nxt.strip()
        at_space = f"{a[-6:]} {b[:6]}" in line
        assert a[-1] in _BREAK_AFTER or b[0] in _BREAK_BEFORE or at_space, (a, b)
    assert len(lines) > 1 or cell_len(line) <= width


def _pieces_one_by_one(text: str) -> list[str]:
    """What _pieces did before it was a regular expression: character by character."""
    pieces: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _BREAK_BEFORE and i > start:
            pieces.append(text[start:i])
            start = i
        if ch in _BREAK_AFTER:
            pieces.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _texts() -> list[str]:
    import random

    rng = random.Random(17)
    alphabet = sorted(_BREAK_AFTER | _BREAK_BEFORE) + list(
        "ab 1あ漢ｱＡ\t\u3000é\u0301🙂\u200d\ufe0f\x07"
    )
    texts = [
        "",
        "「",
        "」",
        "「」",
        "、、",
        "「「",
        "a「b」c、",
        LONG,
        f"[警告] シート 下書き: {LONG}",
    ]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40)))
              for _ in range(2000)]  # fmt: skip
    return texts


def test_pieces_cut_where_they_always_did() -> None:
    for text in _texts():
        assert _pieces(text) == _pieces_one_by_one(text), repr(text)


def test_cells_is_rich_cell_len() -> None:
    for text in _texts():
        assert cells(text) == cell_len(text), repr(text)
        for piece in _pieces(text):
            assert cells(piece) == cell_len(piece), repr(piece)


def test_wrap_keeps_a_short_line_and_cuts_an_unbreakable_one() -> None:
    assert wrap("短い行", 80) == ["短い行"]
    long_word = "あ" * 60
    assert [cell_len(x) for x in wrap(long_word, 80)] == [80, 44]


def test_wrap_cuts_a_huge_cell_in_one_pass() -> None:
    """A 300,000-character cell in a finding (the fuzzer's): measured once, not once per
    cut (that was quadratic: a minute for validate to print one finding)."""
    line = "[エラー] シート 2 C4: 「" + "a" * 300_000 + " 」 code"
    started = time.perf_counter()
    lines = wrap(line, 80)
    assert time.perf_counter() - started < 5
    assert all(cell_len(x) <= 80 for x in lines)
    assert [cell_len(x) for x in lines[1:-1]] == [80] * (len(lines) - 2)
    assert "".join(x.removeprefix("    ") for x in lines[1:]).replace(" ", "") in line.replace(
        " ", ""
    )


def test_groups_one_line_per_sheet_and_code_errors_first() -> None:
    report = Report(
        [
            finding("sheet-skipped", "表紙", None, reason="x"),
            finding("cost-not-number", "4", "C5", year=2021, value="約200"),
            finding("total-mismatch", "4", "G5", found="1", expected="2"),
            finding("cost-not-number", "4", "D5", year=2022, value="約300"),
            finding("cost-not-number", "2", "C5", year=2021, value="約9"),
        ]
    )
    lines = [group_line(g) for g in finding_groups(report.findings, ["表紙", "2", "4"])]
    assert lines == [
        "[エラー] シート 2 C5: 事業費見込額（2021年度）が数値ではありません: 「約9」 cost-not-number",
        "[エラー] シート 4 C5, D5: 事業費見込額（2021年度）が数値ではありません: 「約200」"
        "（ほか 1 件） cost-not-number",
        "[警告] シート 4 G5: 計が各年度の合計と一致しません（シート: 1、合計: 2）。refresh で直ります"
        " total-mismatch",
        "[情報] シート 表紙: 個表ではないため読み飛ばしました（x） sheet-skipped",
    ]


def test_validate_output_at_80_columns(tmp_path: Path, cli_run: Callable[..., CliResult]) -> None:
    path = tmp_path / "m.xlsx"
    write_master(
        path, [project(4, municipalities="青森町", costs=["約1", "約2", "約3", None, None])]
    )
    res = cli_run("validate", path, "--config", REAL_CONFIG, env={"COLUMNS": "80"})
    assert res.exit_code == 1
    lines = res.stdout.splitlines()
    assert all(cell_len(x) <= 80 for x in lines[:-1])
    assert lines[0].startswith(
        "[エラー] シート 4 F1: 関係市町村に設定にない名前があります: 「青森町」。"
    )
    assert "「青森市」ではありませんか" in "".join(lines)
    cost_lines = [x for x in lines if x.startswith("[エラー] シート 4 B5, C5, D5:")]
    assert len(cost_lines) == 1  # three cells, one line
