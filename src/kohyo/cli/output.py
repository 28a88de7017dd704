"""Where a command's report goes: rich's Console on a terminal, plain text elsewhere.

Written to a file or a pipe, rich adds nothing to the text — no colour, no cursor codes —
so :class:`PlainConsole` writes the same characters without importing rich (a good part of
the start-up of ``kohyo validate``). Whatever rich would change — markup (``[b]``), emoji
codes (``:x:``), control characters, tabs, trailing blanks, a line wider than the console
that ``print`` wraps, a Table — goes through a real rich Console, made on first need, so the
output is the same text either way (tests/test_output.py compares the two).

Windows is left to rich: there, rich's width and writing depend on the console API.
"""

from __future__ import annotations

import builtins
import os
import re
import sys
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["Column", "Output", "PlainConsole", "is_plain", "make_console", "print_table",
           "write_plain"]  # fmt: skip


class Output(Protocol):
    """What kohyo's commands use of rich's Console (which is one)."""

    @property
    def width(self) -> int: ...

    def print(self, *objects: Any, soft_wrap: bool | None = None,
              markup: bool | None = None) -> None: ...  # fmt: skip

    def out(self, *objects: Any, style: str | None = None,
            highlight: bool | None = None) -> None: ...  # fmt: skip


# What rich's Text changes in any text: the control codes it strips (BEL, BS, VT, FF, CR),
# tabs it expands, and blanks at a line's end (cut where the line is wider than the console).
_CHANGED = re.compile(r"[\x07\x08\x0b\x0c\r\t]|[^\S\n](?:\n|$)")
# … and what print() also reads as an emoji code (``:b:`` of ``/tmp/a:b:c`` too), or markup.
_EMOJI = re.compile(r":\S*?:")


def make_console(*, stderr: bool = False) -> Output:
    """``Console(highlight=False)`` (on stderr when *stderr*), or its plain stand-in where
    rich would write no colour."""
    if is_plain(sys.stderr if stderr else sys.stdout):
        return PlainConsole(stderr=stderr)
    from rich.console import Console

    return Console(highlight=False, stderr=stderr)


def is_plain(file: IO[str] | None) -> bool:
    """Whether rich's Console, writing to *file*, would write text only: not a terminal
    (rich's own test, with its TTY_COMPATIBLE and FORCE_COLOR), not Jupyter, not Windows.
    No stream at all (a closed stdout) is left to rich, which then writes nowhere."""
    if file is None or os.name == "nt" or hasattr(builtins, "get_ipython"):
        return False
    environ = os.environ
    tty_compatible = environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "0"
    force_color = environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color == ""
    isatty = getattr(file, "isatty", None)
    try:
        return isatty is None or not isatty()
    except ValueError:  # a closed file: rich says "not a terminal" too
        return True


def write_plain(console: Output, text: str) -> bool:
    """``console.out(text)`` without rich's work where that is the same: *console* writes
    text only and rich would not change *text*. True if written."""
    file = console.file if isinstance(console, PlainConsole) else _plain_rich_file(console)
    if file is None or _CHANGED.search(text):
        return False
    file.write(text + "\n")
    file.flush()
    return True


def _plain_rich_file(console: Any) -> IO[str] | None:
    """The file of a rich Console that writes text only (no colour, no recording), else None."""
    from rich.console import Console

    if not isinstance(console, Console) or os.name == "nt":
        return None
    if console.is_terminal or console.color_system is not None or console.is_jupyter:
        return None
    held_back = getattr(console, "_buffer_index", 1) != 0  # inside `with console:`
    if console.record or console.quiet or held_back:
        return None
    return console.file


class PlainConsole:
    """rich's ``Console(highlight=False)`` for a file or a pipe: the same text, no rich import
    until something needs it (see the module's docstring)."""

    def __init__(self, *, stderr: bool = False, file: IO[str] | None = None) -> None:
        self.stderr = stderr
        self._file = file
        self._rich: Console | None = None
        # rich reads COLUMNS once, when the Console is made
        columns = os.environ.get("COLUMNS")
        self._columns = int(columns) if columns is not None and columns.isdigit() else None

    @property
    def file(self) -> IO[str]:
        return self._file or (sys.stderr if self.stderr else sys.stdout)

    @property
    def width(self) -> int:
        """What rich's ``Console.width`` is off Windows: COLUMNS, else the size of the first
        standard stream that is a terminal, else 80."""
        if self._columns is not None:
            return self._columns
        width: int | None = None
        for fd in _std_fds():
            try:
                width, _ = os.get_terminal_size(fd)
            except (AttributeError, ValueError, OSError):
                pass
            else:
                break
        columns = os.environ.get("COLUMNS")
        if columns is not None and columns.isdigit():
            width = int(columns)
        return width or 80

    def out(self, *objects: Any, style: str | None = None, highlight: bool | None = None) -> None:
        text = " ".join(str(o) for o in objects)
        if not write_plain(self, text):
            self.rich().out(text, style=style, highlight=highlight)

    def print(
        self, *objects: Any, soft_wrap: bool | None = None, markup: bool | None = None
    ) -> None:
        if len(objects) == 1 and isinstance(objects[0], str):
            text = objects[0]
            if (
                not _EMOJI.search(text)
                and (markup is False or "[" not in text)
                and (soft_wrap or _fits(text, self.width))
                and write_plain(self, text)
            ):
                return
        self.rich().print(*objects, soft_wrap=soft_wrap, markup=markup)

    def rich(self) -> Console:
        """The rich Console that does what plain text cannot, writing to the same file."""
        if self._rich is None:
            from rich.console import Console

            self._rich = Console(highlight=False, stderr=self.stderr, file=self._file)
        return self._rich


def _fits(text: str, width: int) -> bool:
    """Every line of *text* within *width* cells: rich's print would not wrap it."""
    if width <= 0:
        return False
    from rich.cells import cell_len

    return all(cell_len(line) <= width for line in text.split("\n"))


def _std_fds() -> tuple[int, int, int]:
    """stdin's, stdout's and stderr's descriptors, as rich finds them."""
    fds = []
    for stream, default in ((sys.__stdin__, 0), (sys.__stdout__, 1), (sys.__stderr__, 2)):
        try:
            fds.append(stream.fileno())  # type: ignore[union-attr]
        except Exception:
            fds.append(default)
    return fds[0], fds[1], fds[2]


class Column(NamedTuple):  # not a dataclass: cheaper to make at import, for every command
    """One column of :func:`print_table`: its heading and how rich lays out its cells."""

    header: str
    justify: Literal["left", "right"] = "left"
    no_wrap: bool = False
    overflow: Literal["fold", "crop", "ellipsis"] = "ellipsis"


def print_table(console: Output, columns: list[Column], rows: list[list[str]]) -> None:
    """``Table(box=None, pad_edge=False, show_header=True, header_style="bold")`` of *rows*,
    printed as rich prints it. Where rich would write text only and the table fits the
    console as it is, the same lines are written without rich; else rich lays it out."""
    file = console.file if isinstance(console, PlainConsole) else _plain_rich_file(console)
    lines = _plain_table(columns, rows, console.width) if file is not None else None
    if file is not None and lines is not None:
        file.write("".join(line + "\n" for line in lines))
        file.flush()
        return
    rich_table(console, columns, rows)


def rich_table(console: Any, columns: list[Column], rows: list[list[str]]) -> None:
    """The table as rich lays it out: what the plain text must equal where it is used."""
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    for c in columns:
        table.add_column(c.header, justify=c.justify, no_wrap=c.no_wrap, overflow=c.overflow)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _plain_table(columns: list[Column], rows: list[list[str]], width: int) -> list[str] | None:
    """rich's lines for the table, or None where rich would change a cell (markup, emoji,
    control characters, blanks at a line's ends, empty lines) or shrink a column to fit."""
    cells = [[c.header for c in columns], *rows]
    if any(len(row) != len(columns) for row in cells):
        return None
    split = [[cell.split("\n") for cell in row] for row in cells]
    for row in split:
        for cell in row:
            for line in cell:
                if not line or line != line.strip() or _UNSAFE_CELL.search(line):
                    return None
    from rich.cells import cell_len

    widths = [max(cell_len(line) for row in split for line in row[j]) for j in range(len(columns))]
    if sum(widths) + 2 * (len(columns) - 1) > width:
        return None
    out: list[str] = []
    for row in split:
        for i in range(max(len(cell) for cell in row)):
            parts = []
            for j, cell in enumerate(row):
                text = cell[i] if i < len(cell) else ""
                pad = " " * (widths[j] - cell_len(text))
                parts.append(pad + text if columns[j].justify == "right" else text + pad)
            out.append("  ".join(parts))
    return out


# What rich's Table would render otherwise than as the text: markup, emoji codes, control
# characters and tabs.
_UNSAFE_CELL = re.compile(r"[\[\x00-\x1f\x7f]|:\S*?:")
