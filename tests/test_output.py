"""Plain output (a file or a pipe) is exactly what rich's Console writes there: kohyo's
stand-in only skips importing rich, it never changes a character."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table

from kohyo.check.findings import Report, finding
from kohyo.cli.output import (
    Column,
    PlainConsole,
    is_plain,
    make_console,
    print_table,
    rich_table,
    write_plain,
)
from kohyo.cli.render import print_findings

TEXTS = [
    "",
    "plain ascii",
    "[エラー] シート 4 C5: 事業費見込額（2021年度）が数値ではありません: 「約200」 cost-not-number",
    "[bold]太字[/bold] と [red]赤[/]",
    "\\[escaped] text",
    "an emoji :smile: and :not_an_emoji: and a time 10:30",
    "C:\\kohyo\\マスター.xlsx",
    "/tmp/a:b:c/master.xlsx",
    "tab\tseparated\tvalues",
    "bell\x07 backspace\x08 vt\x0b ff\x0c cr\r end",
    "trailing blanks   ",
    "trailing ideographic space　",
    "two\n\nparagraphs",
    "ends with a newline\n",
    "x" * 39,
    "x" * 40,
    "x" * 41,
    "個" * 20,
    "個" * 21,
    "a long line of words that rich wraps at the console's width, not kohyo " * 2,
    "長い日本語の行は、コンソールの幅で折り返されます。" * 3,
    "a\u200dzero width joiner and a variation selector \u2764\ufe0f",
]


def rich_console(file: io.StringIO) -> Console:
    return Console(file=file, highlight=False)


@pytest.fixture(autouse=True)
def _forty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    for name in ("TTY_COMPATIBLE", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def both(call: Any) -> tuple[str, str]:
    """What *call* writes through rich's Console and through the plain stand-in."""
    a, b = io.StringIO(), io.StringIO()
    call(rich_console(a))
    call(PlainConsole(file=b))
    return a.getvalue(), b.getvalue()


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("soft_wrap", [None, True])
@pytest.mark.parametrize("markup", [None, False])
def test_print_writes_what_rich_writes(text: str, soft_wrap: bool | None,
                                       markup: bool | None) -> None:  # fmt: skip
    expected, got = both(lambda c: c.print(text, soft_wrap=soft_wrap, markup=markup))
    assert got == expected


@pytest.mark.parametrize("text", TEXTS)
def test_out_writes_what_rich_writes(text: str) -> None:
    expected, got = both(lambda c: c.out(text, style="bold red", highlight=False))
    assert got == expected


def test_several_objects_and_a_table_go_through_rich() -> None:
    def call(c: Any) -> None:
        c.print("one", 2)
        c.out("three", 4)
        table = Table(box=None, show_header=True, header_style="bold")
        table.add_column("町村")
        table.add_column("個表", justify="right")
        table.add_row("中央市", "12")
        c.print(table)
        c.print("after the table")

    expected, got = both(call)
    assert got == expected and "中央市" in got


def test_plain_text_is_written_without_rich() -> None:
    out = io.StringIO()
    console = PlainConsole(file=out)
    console.print("シート 4 C5: 数値ではありません", soft_wrap=True)
    console.out("[エラー] line", style="bold red")
    assert console._rich is None  # nothing needed rich
    console.print("[bold]markup[/bold]")
    assert console._rich is not None
    assert out.getvalue() == "シート 4 C5: 数値ではありません\n[エラー] line\nmarkup\n"


def test_width_is_rich_width(monkeypatch: pytest.MonkeyPatch) -> None:
    for columns in ("40", "132", "0", "abc", None):
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        assert PlainConsole().width == Console().width, columns


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("tty_compatible", [None, "", "0", "1"])
@pytest.mark.parametrize("force_color", [None, "", "1"])
@pytest.mark.parametrize("file_class", [io.StringIO, _Tty])
def test_plain_exactly_where_rich_sees_no_terminal(
    monkeypatch: pytest.MonkeyPatch, tty_compatible: str | None, force_color: str | None,
    file_class: type[io.StringIO],
) -> None:  # fmt: skip
    for name, value in (("TTY_COMPATIBLE", tty_compatible), ("FORCE_COLOR", force_color)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    file = file_class()
    rich = Console(file=file)
    assert is_plain(file) == (not rich.is_terminal and rich.color_system is None)


def test_make_console_on_a_terminal_is_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert isinstance(make_console(), Console)
    monkeypatch.delenv("FORCE_COLOR")
    assert isinstance(make_console(), PlainConsole)  # pytest captures: not a terminal


def test_write_plain_leaves_a_colour_console_to_rich() -> None:
    colour = Console(file=io.StringIO(), force_terminal=True, color_system="standard")
    assert not write_plain(colour, "text")
    recording = Console(file=io.StringIO(), record=True)
    assert not write_plain(recording, "text")
    out = io.StringIO()
    assert write_plain(Console(file=out), "text") and out.getvalue() == "text\n"
    assert not write_plain(Console(file=io.StringIO()), "tab\there")


def _report() -> Report:
    findings = []
    for n in range(1, 60):
        sheet = f"{n}"
        findings.append(finding("total-mismatch", sheet, "H12", found=n, expected=n + 1))
        findings.append(finding("cost-not-number", sheet, f"D{n}", year=2021,
                                value="約200 [注]:x: " + "長い値" * n))  # fmt: skip
        if n % 7 == 0:  # what rich would change: the plain path leaves it to rich
            findings.append(finding("cost-not-number", sheet, "E5", year=2022, value="a\tb\rc"))
    return Report(findings)


@pytest.mark.parametrize("columns", ["40", "100"])
def test_findings_print_the_same_through_either(
    monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    report = _report()
    order = [f"{n}" for n in range(1, 60)]
    expected, got = both(lambda c: print_findings(c, report, order))
    assert got == expected and got.count("\n") > 100
    fast = io.StringIO()  # rich's own Console to a file takes the plain path too
    print_findings(rich_console(fast), report, order)
    assert fast.getvalue() == expected


def test_a_terminal_still_gets_colour() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="standard", width=100)
    print_findings(console, _report(), [])
    assert "\x1b[" in out.getvalue()


def test_environment_is_untouched() -> None:
    assert os.environ.get("COLUMNS") == "40"


_rich_table = rich_table  # the reference: rich's own layout of the same table


DISTRIBUTION = [Column("市町村", no_wrap=True), Column("個表", justify="right", no_wrap=True),
                Column("ファイル", overflow="fold")]  # fmt: skip


def _tables() -> list[list[list[str]]]:
    import random

    rng = random.Random(17)
    words = ["中央市", "東岡村", "a", "外ヶ浜町", "x" * 30, "合成圏域_中央市_個表_2026-11-30.xlsx",
             "b.pdf", "ｱｲｳ", "", "[red]", ":smile:", "tab\there", " lead", "trail ", "é"]  # fmt: skip
    tables = [[], [["中央市", "48", "a.xlsx\nb.pdf"], ["東岡村", "7", "short.xlsx"]]]
    for _ in range(300):
        rows = []
        for _ in range(rng.randrange(1, 6)):
            files = "\n".join(rng.choice(words) for _ in range(rng.randrange(1, 4)))
            rows.append([rng.choice(words), str(rng.randrange(0, 2000)), files])
        tables.append(rows)
    return tables


@pytest.mark.parametrize("columns", ["30", "40", "80"])
def test_a_table_prints_what_rich_prints(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    plain_path = 0
    for rows in _tables():
        a, b = io.StringIO(), io.StringIO()
        _rich_table(rich_console(a), DISTRIBUTION, rows)
        console = PlainConsole(file=b)
        print_table(console, DISTRIBUTION, rows)
        assert b.getvalue() == a.getvalue(), rows
        plain_path += console._rich is None
        c = io.StringIO()  # rich's own Console to a file: the plain path too
        print_table(rich_console(c), DISTRIBUTION, rows)
        assert c.getvalue() == a.getvalue(), rows
    assert plain_path > 5  # and many of them took the plain path
