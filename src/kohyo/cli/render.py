"""Human renderings of reports: one compact line per sheet and code, errors first.

``[エラー] シート 4 C5: 事業費見込額（2021年度）が数値ではありません: 「約200」 cost-not-number``

Repeats of one code on one sheet are one line with their cells listed. Lines are wrapped
at the console's width only where a Japanese phrase may break (after 、。」） or a space,
before 「（), continuation lines indented; a table would cut words at any character.
"""

from __future__ import annotations

from itertools import groupby

from rich.cells import cell_len
from rich.console import Console

from kohyo.check.findings import SEVERITY_ORDER, Finding, Report
from kohyo.messages import severity_label, t

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
MAX_CELLS = 8  # cells listed on a grouped line; more are counted
INDENT = "    "
_BREAK_AFTER = set("、。，．・」）』】,;；:：!?！？") | {" "}
_BREAK_BEFORE = set("「（『【")


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
    """*line* broken into lines of at most *width* cells, only at safe points."""
    if width <= len(indent) + 10 or cell_len(line) <= width:
        return [line]
    pieces = _pieces(line)
    lines: list[str] = []
    current = ""
    for piece in pieces:
        candidate = current + piece
        limit = width if not lines else width - len(indent)
        if current and cell_len(candidate.rstrip()) > limit:
            lines.append(current.rstrip())
            current = piece.lstrip()
        else:
            current = candidate
        if cell_len(current.rstrip()) > (width if not lines else width - len(indent)):
            heads, current = _hard_split(current, width, width - len(indent), first=not lines)
            lines.extend(heads)
    if current.strip():
        lines.append(current.rstrip())
    return [lines[0], *(indent + x for x in lines[1:])]


def _pieces(text: str) -> list[str]:
    """*text* cut at every safe break: after 、。」） and spaces, before 「（."""
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
        used += cell_len(ch)
        if used > limit:
            heads.append(text[start:i])
            start, used, limit = i, cell_len(ch), rest
    return heads, text[start:]


def print_findings(
    console: Console, report: Report, sheet_order: list[str], *, show_info: bool = True
) -> None:
    items = [f for f in report.findings if show_info or f.severity != "info"]
    for group in finding_groups(items, sheet_order):
        style = SEVERITY_STYLE[group[0].severity]
        for line in wrap(group_line(group), console.width):
            console.print(line, style=style, markup=False, highlight=False, soft_wrap=True)
