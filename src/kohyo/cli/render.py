"""Human renderings of reports: one compact line per sheet and code, errors first.

``[エラー] シート 4 C5: 事業費見込額（2021年度）が数値ではありません: 「約200」 cost-not-number``

Repeats of one code on one sheet are one line with their cells listed. Lines are wrapped
at the console's width only where a Japanese phrase may break (after 、。」） or a space,
before 「（), continuation lines indented; a table would cut words at any character.
"""

from __future__ import annotations

import re
from itertools import groupby

import click
from rich.cells import cell_len, get_character_cell_size

from kohyo.check.findings import SEVERITY_ORDER, Finding, Report
from kohyo.cli.output import Output, write_plain
from kohyo.messages import severity_label, t

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
MAX_CELLS = 8  # cells listed on a grouped line; more are counted
INDENT = "    "
_BREAK_AFTER = set("、。，．・」）』】,;；:：!?！？") | {" "}
_BREAK_BEFORE = set("「（『【")
# Where _pieces cuts: just after a _BREAK_AFTER character, just before a _BREAK_BEFORE one.
_BREAKS = re.compile("(?<=[{}])|(?=[{}])".format(*(
    "".join(re.escape(c) for c in sorted(chars)) for chars in (_BREAK_AFTER, _BREAK_BEFORE))))  # fmt: skip


class _CharWidths(dict[str, int]):
    """Character -> its cells, as rich measures it, each asked of rich once."""

    def __missing__(self, char: str) -> int:
        width = self[char] = get_character_cell_size(char)
        return width


_CHAR_WIDTHS = _CharWidths()


def cells(text: str) -> int:
    """rich's ``cell_len(text)``, several times faster on long Japanese lines: the sum of
    each character's cells (what rich adds up too), looked up in a dict. A zero-width joiner
    or an emoji variation selector changes its neighbours' widths: rich measures those."""
    if "\u200d" in text or "\ufe0f" in text:
        return cell_len(text)
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


def summary_line(report: Report, target: str) -> str:
    e, w, i = report.count("error"), report.count("warning"), report.count("info")
    return t("findings.summary", target=target, errors=e, warnings=w, infos=i)


def finding_groups(findings: list[Finding], sheet_order: list[str]) -> list[list[Finding]]:
    """Errors first, then warnings, then info; within each, sheets in workbook order;
    one group per (severity, sheet, code), in the order the findings were made."""
    order = {name: i for i, name in enumerate(sheet_order)}

    def key(f: Finding) -> tuple[int, int, str]:
        sheet = -1 if f.sheet is None else order.get(f.sheet, len(order))
        return (SEVERITY_ORDER[f.severity], sheet, f.sheet or "")

    ordered = sorted(findings, key=key)  # stable: rule order within a sheet is kept
    groups: list[list[Finding]] = []
    for _k, run in groupby(ordered, key=key):
        by_code: dict[str, list[Finding]] = {}
        for f in run:
            by_code.setdefault(f.code, []).append(f)
        groups.extend(by_code.values())
    return groups


def group_line(group: list[Finding]) -> str:
    """``[エラー] シート 4 C5, D5: message code`` for one group of findings."""
    first = group[0]
    where = [f"[{severity_label(first.severity)}]"]
    if first.sheet is not None:
        where.append(t("findings.line.sheet", sheet=first.sheet))
    cells = [f.cell for f in group if f.cell]
    if cells:
        shown = ", ".join(cells[:MAX_CELLS])
        if len(cells) > MAX_CELLS:
            shown += t("render.more_cells", count=len(cells) - MAX_CELLS)
        where.append(shown)
    message = first.message
    others = len({f.message for f in group}) - 1
    if others:
        message += t("render.more_messages", count=len(group) - 1)
    return f"{' '.join(where)}: {message} {first.code}"


def wrap(line: str, width: int, indent: str = INDENT) -> list[str]:
    """*line* broken into lines of at most *width* cells, only at safe points.

    Widths are added up piece by piece (each piece measured once), not re-measured for the
    whole line after every piece: 2,000 findings print in a fraction of a second."""
    if width <= len(indent) + 10 or cells(line) <= width:
        return [line]
    lines: list[str] = []
    parts: list[str] = []  # the current line, piece by piece
    used = trail = 0  # cells of the current line, and of its trailing spaces
    for piece in _pieces(line):
        w = cells(piece)
        body = piece.rstrip()
        w_trail = w - cells(body) if len(body) < len(piece) else 0
        limit = width if not lines else width - len(indent)
        if parts and (used + w - w_trail if body else used - trail) > limit:
            lines.append("".join(parts).rstrip())
            first = piece.lstrip()
            parts, used = [first], cells(first)
            trail = w_trail if first.strip() else used
        else:
            parts.append(piece)
            used, trail = used + w, (w_trail if body else trail + w)
        if used - trail > (width if not lines else width - len(indent)):
            heads, rest = _hard_split("".join(parts), width, width - len(indent), first=not lines)
            lines.extend(heads)
            parts, used = [rest], cells(rest)
            trail = used - cells(rest.rstrip())
    current = "".join(parts)
    if current.strip():
        lines.append(current.rstrip())
    return [lines[0], *(indent + x for x in lines[1:])]


def _pieces(text: str) -> list[str]:
    """*text* cut at every safe break: after 、。」） and spaces, before 「（."""
    return [piece for piece in _BREAKS.split(text) if piece]


def _hard_split(text: str, width: int, rest: int, *, first: bool) -> tuple[list[str], str]:
    """A piece wider than a line (a long path, a long name): cut at the width (*width* for
    the first line when *first*, else *rest*) into full lines and what is left to go on.

    One pass, however long the text: a cell of 100,000 characters is 1,300 lines, and
    measuring what is left after every cut made printing it take a minute."""
    body = text.rstrip()  # trailing space never forces a cut
    heads: list[str] = []
    start = used = 0
    limit = width if first else rest
    for i, ch in enumerate(body):
        used += cells(ch)
        if used > limit:
            heads.append(text[start:i])
            start, used, limit = i, cells(ch), rest
    return heads, text[start:]


def print_findings(
    console: Output, report: Report, sheet_order: list[str], *, show_info: bool = True
) -> None:
    items = [f for f in report.findings if show_info or f.severity != "info"]
    width = console.width
    # One write per run of lines in one style, through rich's low-level ``out`` (no
    # re-wrapping: the lines are wrapped already): rich's per-call and per-line work, not
    # the text, was most of printing thousands of findings. Where rich would write the text
    # as it is (a file or a pipe: no colour), it is written without rich.
    for style, groups in groupby(finding_groups(items, sheet_order),
                                 key=lambda g: SEVERITY_STYLE[g[0].severity]):  # fmt: skip
        text = "\n".join(x for group in groups for x in wrap(group_line(group), width))
        if not write_plain(console, text):
            console.out(text, style=style, highlight=False)


def exit_on_errors(
    console: Output, report: Report, sheet_order: list[str], target: str, tail: str,
    *, as_json: bool = False,
) -> None:  # fmt: skip
    """A master with errors ends the command with exit 1: its errors (or their JSON), then the
    summary line and *tail* (what the command did not do)."""
    if report.exit_code != 1:
        return
    if as_json:
        from kohyo.cli.common import emit_json

        emit_json(report.to_dict())
    else:
        print_findings(console, report, sheet_order, show_info=False)
        console.print(summary_line(report, target) + tail)
    raise click.exceptions.Exit(1)
