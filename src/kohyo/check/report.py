"""The 検証結果 workbook: one row per finding, each linking to its cell in the master.

Written with XlsxWriter into a file of its own — never into the master. A row's
link is an external hyperlink: the relationship target is the master's path
(relative to the report when both sit in one folder tree, else an absolute
``file:///`` path) and the ``location`` is the cell, ``'シート名'!G5``. That is
the form Excel itself writes for a link to a cell of another workbook
(``master.xlsx#'4'!G5`` in its dialog), and LibreOffice reads it the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import xlsxwriter

from kohyo.check.findings import Finding, Report
from kohyo.errors import KohyoError
from kohyo.files.atomic import same_file, write_atomically
from kohyo.layout.text import text_units
from kohyo.messages import severity_label, t

COLUMNS = ("severity", "sheet", "cell", "message", "code")
# Excel's own "light red fill with dark red text" and "yellow fill with dark yellow text".
FILL = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": None}
FONT_COLOR = {"error": "#9C0006", "warning": "#9C5700", "info": "#595959"}
MAX_WIDTH = {0: 10, 1: 24, 2: 16, 3: 90, 4: 28}  # column widths cap (Excel units)
FONT = "ＭＳ Ｐゴシック"
_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def default_report_path(master: Path) -> Path:
    """``master.xlsx`` -> ``master_検証結果.xlsx`` beside it."""
    return master.with_name(f"{master.stem}_検証結果.xlsx")


def link_target(master: Path, report: Path) -> str:
    """How the report addresses the master: relative when they share a folder tree.

    Windows: another drive, or only the drive root in common, gives an absolute
    ``file:///C:/…`` path. POSIX paths always have a relative form (XlsxWriter cannot
    write an absolute POSIX file link), so they are always relative.
    """
    m, folder = Path(os.path.abspath(master)), Path(os.path.abspath(report)).parent
    try:
        rel = os.path.relpath(m, folder)
        common = Path(os.path.commonpath([m, folder]))
    except ValueError:  # another drive
        rel, common = None, None
    if (
        rel is not None
        and common is not None
        and (os.name != "nt" or common != Path(common.anchor))
    ):
        return rel.replace("\\", "/")
    return "file:///" + str(m).replace("\\", "/")


def cell_location(sheet: str, cell: str | None) -> str:
    """``'シート名'!G5``: the sheet always quoted (quotes doubled), A1 for a whole sheet."""
    return "'" + sheet.replace("'", "''") + "'!" + (cell or "A1")


def write_findings_report(
    report: Report,
    master: Path,
    dest: Path,
    *,
    sheet_order: Sequence[str] = (),
    now: datetime | None = None,
) -> Path:
    """Write the 検証結果 workbook to *dest* (atomically); return *dest*.

    Refuses (KohyoError, exit 2) when *dest* is the master, is not an .xlsx name,
    or cannot be written (open in Excel, or a folder the user may not write in).
    """
    dest = Path(dest)
    if same_file(dest, master):
        raise KohyoError(t("report.same_as_master", path=dest), path=str(dest))
    if dest.suffix.lower() != ".xlsx":
        raise KohyoError(t("report.not_xlsx", path=dest), path=str(dest))
    if not dest.parent.is_dir():
        raise KohyoError(t("report.no_folder", folder=dest.parent), path=str(dest))
    _check_folder_writable(dest)
    stamp = now or datetime.now()
    try:
        write_atomically(
            dest, lambda tmp: _write(tmp, report, master, dest, list(sheet_order), stamp)
        )
    except OSError as exc:
        raise KohyoError(
            t("report.cannot_write", path=dest, reason=exc.strerror or exc), path=str(dest)
        ) from exc
    return dest


def _check_folder_writable(dest: Path) -> None:
    """A folder the user may not write in is its own clear message, before anything is made."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".~kohyo-report-", suffix=".tmp", dir=dest.parent)
    except OSError as exc:
        raise KohyoError(
            t("report.folder_not_writable", folder=dest.parent, reason=exc.strerror or exc),
            path=str(dest),
        ) from None
    os.close(fd)
    Path(probe).unlink(missing_ok=True)


def _write(
    path: Path, report: Report, master: Path, dest: Path, order: list[str], now: datetime
) -> None:
    wb = xlsxwriter.Workbook(str(path), _OPTIONS)
    wb.set_properties({"title": t("report.sheet"), "subject": str(master), "author": "kohyo"})
    base = {"font_name": FONT, "font_size": 10.5, "valign": "top", "border": 1}
    header = wb.add_format({**base, "bold": True, "bg_color": "#D9D9D9", "valign": "vcenter"})
    fmt = {}
    for sev in ("error", "warning", "info"):
        extra = {"bg_color": FILL[sev]} if FILL[sev] else {}
        style = {**base, **extra, "font_color": FONT_COLOR[sev]}
        fmt[sev] = wb.add_format(style)
        fmt[sev + ":wrap"] = wb.add_format({**style, "text_wrap": True})
        fmt[sev + ":link"] = wb.add_format({**style, "underline": 1, "font_color": "#0563C1"})
    ws = wb.add_worksheet(t("report.sheet"))
    heads = tuple(t(f"findings.column.{c}") for c in COLUMNS)
    for c, text in enumerate(heads):
        ws.write_string(0, c, text, header)
    target = link_target(master, dest)
    items = report.sorted(order)
    widths = [text_units(h) for h in heads]
    for r, f in enumerate(items, start=1):
        row = _row_texts(f)
        for c, text in enumerate(row):
            widths[c] = max(widths[c], max((text_units(x) for x in text.split("\n")), default=0))
        ws.write_string(r, 0, row[0], fmt[f.severity])
        ws.write_string(r, 1, row[1], fmt[f.severity])
        url = "external:" + target + ("#" + cell_location(f.sheet, f.cell) if f.sheet else "")
        ws.write_url(r, 2, url, fmt[f.severity + ":link"], string=row[2], tip=_tip(f))
        ws.write_string(r, 3, row[3], fmt[f.severity + ":wrap"])
        ws.write_string(r, 4, row[4], fmt[f.severity])
    for c, units in enumerate(widths):
        ws.set_column(c, c, min(units + 3, MAX_WIDTH[c]))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(items), 1), len(heads) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    _info_sheet(wb, report, master, now)
    wb.close()


def _row_texts(f: Finding) -> tuple[str, str, str, str, str]:
    cell = f.cell or t("report.whole_sheet" if f.sheet else "report.whole_book")
    return (severity_label(f.severity), f.sheet or "—", cell, f.message, f.code)


def _tip(f: Finding) -> str:
    where = f"{f.sheet}!{f.cell or 'A1'}" if f.sheet else ""
    text = t("report.tip", where=where)
    return text[:255]


def _info_sheet(wb: xlsxwriter.Workbook, report: Report, master: Path, now: datetime) -> None:
    ws = wb.add_worksheet(t("report.info_sheet"))
    label = wb.add_format({"font_name": FONT, "bold": True})
    text = wb.add_format({"font_name": FONT})
    rows = (
        (t("report.info.master"), os.path.abspath(master)),
        (t("report.info.written"), now.strftime("%Y-%m-%d %H:%M")),
        *((severity_label(s), str(report.count(s))) for s in ("error", "warning", "info")),
    )
    for r, (name, value) in enumerate(rows):
        ws.write_string(r, 0, name, label)
        ws.write_string(r, 1, value, text)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 80)


def open_with_default_app(path: Path) -> bool:
    """Open *path* as a double-click would (Excel on Windows); False when that failed."""
    try:
        if sys.platform == "win32":
            os.startfile(path)  # type: ignore[attr-defined]
        elif sys.platform == "darwin":
            subprocess.Popen(["open", str(path)])
        else:
            subprocess.Popen(
                ["xdg-open", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
    except OSError:
        return False
    return True
