"""The 取り込み結果 workbook: one row per field change, linked to the master's cell, coloured by
status; a second sheet lists every returned file. Like the 検証結果 workbook
(:mod:`kohyo.check.report`), written with XlsxWriter into a file of its own, atomically."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from kohyo.check.report import FONT, cell_location, link_target
from kohyo.collect.fields import Value
from kohyo.collect.plan import CollectPlan, field_label
from kohyo.errors import KohyoError
from kohyo.files.atomic import same_file, write_atomically
from kohyo.messages import t
from kohyo.model.project import amount_text

FILL = {
    "proposed": "#C6EFCE", "applied": "#C6EFCE", "conflict": "#FFEB9C", "refused": "#FFC7CE",
    "kept": "#DDEBF7", "same": "#F2F2F2",
}  # fmt: skip
WIDTHS = (10, 8, 10, 28, 24, 24, 24, 16, 44, 8, 30)
_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def default_report_path(master: Path) -> Path:
    return master.with_name(t("collect.report.default_name", stem=master.stem))


def shown(value: Value) -> str:
    if value is None or value == "":
        return t("collect.blank")
    return amount_text(value) if isinstance(value, int) else str(value)


def write_collect_report(plan: CollectPlan, dest: Path) -> Path:
    dest = Path(dest)
    if same_file(dest, plan.master) or dest.suffix.lower() != ".xlsx":
        raise KohyoError(t("report.not_xlsx", path=dest), path=str(dest))
    try:
        write_atomically(dest, lambda tmp: _write(tmp, plan, dest), inputs=(plan.master,))
    except OSError as exc:
        raise KohyoError(t("report.cannot_write", path=dest, reason=exc.strerror or exc),
                         path=str(dest)) from exc  # fmt: skip
    return dest


def _write(path: Path, plan: CollectPlan, dest: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), _OPTIONS)
    wb.set_properties({"title": t("collect.report.sheet"), "subject": str(plan.master),
                       "author": "kohyo"})  # fmt: skip
    base = {"font_name": FONT, "font_size": 10.5, "valign": "top", "border": 1, "text_wrap": True}
    header = wb.add_format({**base, "bold": True, "bg_color": "#D9D9D9"})
    fmt = {s: wb.add_format({**base, "bg_color": c}) for s, c in FILL.items()}
    link = {s: wb.add_format({**base, "bg_color": c, "underline": 1, "font_color": "#0563C1"})
            for s, c in FILL.items()}  # fmt: skip
    ws = wb.add_worksheet(t("collect.report.sheet"))
    for c, text in enumerate(t("collect.report.columns").split("|")):
        ws.write_string(0, c, text, header)
    target = link_target(plan.master, dest)
    for r, ch in enumerate(plan.changes, start=1):
        f = fmt[ch.status]
        row = (ch.town, "" if ch.number is None else str(ch.number), ch.sheet, field_label(ch.key),
               shown(ch.base), shown(ch.theirs), shown(ch.ours), t(f"collect.status.{ch.status}"),
               ch.reason)  # fmt: skip
        for c, text in enumerate(row):
            ws.write_string(r, c, text, f)
        if ch.cell:
            url = "external:" + target + "#" + cell_location(ch.sheet, ch.cell)
            ws.write_url(r, 9, url, link[ch.status], string=ch.cell)
        else:
            ws.write_string(r, 9, "", f)
        ws.write_string(r, 10, ch.source, f)
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(plan.changes), 1), len(WIDTHS) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    rs = wb.add_worksheet(t("collect.report.returns_sheet"))
    for c, text in enumerate(t("collect.plan.returns.columns").split("|")):
        rs.write_string(0, c, text, header)
    plain = wb.add_format(base)
    for r, o in enumerate(plan.returns, start=1):
        d = o.to_dict()
        reason = "\n".join(x for x in (d["reason"], *d["warnings"]) if x)
        reason += "".join(f"\n{f.sheet} {f.cell or ''}: {f.message}" for f in o.returned.findings)
        cells = (str(d["file"]), d["town"] or "—", d["distribution"] or "—",
                 t(f"collect.return.{o.status}"), reason)  # fmt: skip
        for c, text in enumerate(cells):
            rs.write_string(r, c, text, plain)
    for c, w in enumerate((40, 10, 26, 16, 70)):
        rs.set_column(c, c, w)
    wb.close()
