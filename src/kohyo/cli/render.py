"""Human renderings of reports: a table grouped by sheet, errors first, one summary line."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from kohyo.check.findings import Finding, Report
from kohyo.messages import severity_label, t

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def summary_line(report: Report, target: str) -> str:
    e, w, i = report.count("error"), report.count("warning"), report.count("info")
    return t("findings.summary", target=target, errors=e, warnings=w, infos=i)


def print_findings(
    console: Console, report: Report, sheet_order: list[str], *, show_info: bool = True
) -> None:
    items: list[Finding] = [
        f for f in report.sorted(sheet_order) if show_info or f.severity != "info"
    ]
    if not items:
        return
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column(t("findings.column.severity"), no_wrap=True)
    table.add_column(t("findings.column.sheet"), no_wrap=True)
    table.add_column(t("findings.column.cell"), no_wrap=True)
    table.add_column(t("findings.column.message"), overflow="fold")
    table.add_column(t("findings.column.code"), style="dim", no_wrap=True)
    last_sheet: str | None = "\0"
    for f in items:
        sheet = f.sheet if f.sheet is not None else "—"
        table.add_row(
            f"[{SEVERITY_STYLE[f.severity]}]{severity_label(f.severity)}[/]",
            sheet if sheet != last_sheet else "",
            f.cell or "",
            f.message,
            f.code,
        )
        last_sheet = sheet
    console.print(table)
