"""Human renderings of reports: a table grouped by sheet, errors first, one summary line."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from kohyo.check.findings import Finding, Report, current_lang

SEVERITY_JA = {"error": "エラー", "warning": "警告", "info": "情報"}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def summary_line(report: Report, target: str) -> str:
    e, w, i = report.count("error"), report.count("warning"), report.count("info")
    if current_lang() == "en":
        return f"{target}: {e} error(s), {w} warning(s), {i} info"
    return f"{target}: エラー {e} 件、警告 {w} 件、情報 {i} 件"


def print_findings(
    console: Console, report: Report, sheet_order: list[str], *, show_info: bool = True
) -> None:
    items: list[Finding] = [
        f for f in report.sorted(sheet_order) if show_info or f.severity != "info"
    ]
    if not items:
        return
    en = current_lang() == "en"
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("severity" if en else "重要度", no_wrap=True)
    table.add_column("sheet" if en else "シート", no_wrap=True)
    table.add_column("cell" if en else "セル", no_wrap=True)
    table.add_column("message" if en else "内容", overflow="fold")
    table.add_column("code" if en else "コード", style="dim", no_wrap=True)
    last_sheet: str | None = "\0"
    for f in items:
        sheet = f.sheet if f.sheet is not None else "—"
        table.add_row(
            f"[{SEVERITY_STYLE[f.severity]}]{f.severity if en else SEVERITY_JA[f.severity]}[/]",
            sheet if sheet != last_sheet else "",
            f.cell or "",
            f.message,
            f.code,
        )
        last_sheet = sheet
    console.print(table)
