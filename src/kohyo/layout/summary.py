"""The 総括表 as a sheet: a SummaryTable laid out with the look in templates/summary.toml.

The layout is deterministic (same table + same look = same sheet), which is
what lets a second refresh recognise that nothing changed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kohyo.config import Config
from kohyo.errors import ConfigError
from kohyo.messages import t
from kohyo.model.derive import SummaryTable
from kohyo.model.project import DASH
from kohyo.read.grid import a1
from kohyo.xlsx.sheetspec import CellSpec, PrintSetup, SheetSpec
from kohyo.xlsx.styles import StyleSpec

STYLE_NAMES = (
    "title", "unit", "header", "text", "center", "amount", "sum_label", "sum_amount", "count",
)  # fmt: skip
_STYLE_FIELDS = {f.name for f in fields(StyleSpec)}


@dataclass(frozen=True)
class SummaryLook:
    text: dict[str, str] = field(
        default_factory=lambda: {
            "title": "{area} 具体的取組 総括表",
            "unit": "（単位：{unit}）",
            "number": "番号",
            "name": "事業名",
            "municipalities": "関係市町村",
            "total": "計",
            "sum_row": "合計",
            "count": "具体的取組の総数",
            "count_value": "{count}事業",
            "excluded": "※ 非表示の個表 {count} 枚（下書き）は、この表に含めていません。",
            "member_mark": "○",
        }
    )
    widths: dict[str, float] = field(
        default_factory=lambda: dict(
            number=6.0, name=36.0, municipalities=16.0, member=7.0, year=11.0, total=12.0
        )
    )
    landscape: bool = True
    paper_size: int = 9
    fit_to_width: bool = True
    styles: dict[str, StyleSpec] = field(
        default_factory=lambda: {
            name: StyleSpec(border=name not in ("title", "unit", "count")) for name in STYLE_NAMES
        }
    )


def load_summary_look(path: Path) -> SummaryLook:
    """Read templates/summary.toml; a missing file means the built-in look."""
    if not path.exists():
        return SummaryLook()
    where = t("summary.where", path=path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(t("blank.unreadable", where=where, reason=exc), path=str(path)) from None
    base = SummaryLook()
    text = dict(base.text)
    for key, value in raw.get("text", {}).items():
        if key not in text or not isinstance(value, str):
            raise ConfigError(
                t("summary.bad_value", where=where, key=f"text.{key}", value=repr(value)),
                path=str(path),
            )
        text[key] = value
    widths = dict(base.widths)
    for key, value in raw.get("columns", {}).items():
        if key not in widths or not isinstance(value, int | float) or not 1 <= value <= 255:
            raise ConfigError(
                t("summary.bad_value", where=where, key=f"columns.{key}", value=repr(value)),
                path=str(path),
            )
        widths[key] = float(value)
    page = raw.get("page", {})
    styles = dict(base.styles)
    for name, spec in raw.get("style", {}).items():
        unknown = set(spec) - _STYLE_FIELDS if isinstance(spec, dict) else {"?"}
        if name not in STYLE_NAMES or unknown:
            raise ConfigError(
                t("summary.bad_style", where=where, name=name, unknown=sorted(unknown) or name),
                path=str(path),
            )
        try:
            styles[name] = StyleSpec(**spec)
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                t("summary.bad_style_value", where=where, name=name, reason=exc), path=str(path)
            ) from None
    return SummaryLook(
        text=text,
        widths=widths,
        landscape=bool(page.get("landscape", base.landscape)),
        paper_size=int(page.get("paper_size", base.paper_size)),
        fit_to_width=bool(page.get("fit_to_width", base.fit_to_width)),
        styles=styles,
    )


def summary_sheet_spec(table: SummaryTable, config: Config, look: SummaryLook) -> SheetSpec:
    """Title, unit, header, one row per project, the 合計 row, and the project count."""
    t = look.text
    munis = table.municipalities
    years = table.fiscal_years
    n_cols = 3 + len(munis) + len(years) + 1
    header_row = 3

    # Cells met thousands of times are one (frozen) CellSpec each.
    empty, dash = CellSpec(None, "center"), CellSpec(DASH, "center")
    marks = (empty, CellSpec(t["member_mark"], "center"))

    def amount(value: Any, style: str = "amount") -> CellSpec | None:
        if value is None:
            return empty
        if value == DASH:
            return dash
        return CellSpec(value, style)

    rows: list[list[CellSpec | None]] = []
    title = t["title"].format(area=config.area.name)
    rows.append([CellSpec(title, "title"), *([None] * (n_cols - 1))])
    unit_row: list[CellSpec | None] = [None] * n_cols
    unit_row[-1] = CellSpec(t["unit"].format(unit=config.plan.unit), "unit")
    rows.append(unit_row)
    rows.append(
        [
            CellSpec(t["number"], "header"),
            CellSpec(t["name"], "header"),
            CellSpec(t["municipalities"], "header"),
            *(CellSpec(m, "header") for m in munis),
            *(CellSpec(f"{y}年度", "header") for y in years),
            CellSpec(t["total"], "header"),
        ]
    )
    for r in table.rows:
        rows.append(
            [
                CellSpec(r.number, "center"),
                CellSpec(r.name, "text"),
                CellSpec(r.municipalities_label, "text"),
                *(marks[bool(m)] for m in r.members),
                *(amount(a) for a in r.amounts),
                amount(r.total),
            ]
        )
    sum_row_no = len(rows) + 1
    rows.append(
        [
            CellSpec(t["sum_row"], "sum_label"),
            *(CellSpec(None, "sum_label") for _ in range(2 + len(munis))),
            *(CellSpec(s, "sum_amount") for s in table.year_sums),
            CellSpec(table.grand_total, "sum_amount"),
        ]
    )
    rows.append([None] * n_cols)
    rows.append(
        [
            CellSpec(t["count"], "count"),
            None,
            CellSpec(t["count_value"].format(count=table.count), "count"),
        ]
    )
    if table.excluded:
        rows.append([CellSpec(t["excluded"].format(count=table.excluded), "unit")])
    w = look.widths
    widths = [w["number"], w["name"], w["municipalities"]]
    widths += [w["member"]] * len(munis) + [w["year"]] * len(years) + [w["total"]]
    last = a1(len(rows), n_cols)
    return SheetSpec(
        name=config.summary.sheet_name,
        rows=rows,
        styles=look.styles,
        col_widths=widths,
        merges=(
            f"A1:{a1(1, n_cols)}",
            f"A{sum_row_no}:{a1(sum_row_no, 3 + len(munis))}",
            f"A{sum_row_no + 2}:B{sum_row_no + 2}",
        ),
        freeze=f"C{header_row + 1}",
        print_setup=PrintSetup(
            orientation="landscape" if look.landscape else "portrait",
            paper_size=look.paper_size,
            fit_to_width=1 if look.fit_to_width else None,
            fit_to_height=0,
            title_rows=(header_row, header_row),
            print_area=f"A1:{last}",
            footer="&C&P / &N",
            center_horizontally=True,
        ),
    )
