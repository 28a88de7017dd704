"""Helpers for the package-patcher tests (imported by test_xlsx_patch.py)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from lxml import etree

from kohyo.xlsx.patch import CellSpec, CellWrite, PrintSetup, SheetSpec, StyleSpec
from kohyo.xlsx.zipcopy import ZipSource

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
YEAR_COLS = "BCDEF"

SUMMARY_STYLES = {
    "title": StyleSpec(font_name="ＭＳ ゴシック", font_size=14, bold=True),
    "head": StyleSpec(
        font_name="ＭＳ ゴシック",
        bold=True,
        fill_color="DDEBF7",
        border=True,
        horizontal="center",
        vertical="center",
        wrap=True,
    ),
    "text": StyleSpec(font_name="ＭＳ ゴシック", border=True, vertical="center", wrap=True),
    "money": StyleSpec(font_name="ＭＳ ゴシック", border=True, number_format="#,##0"),
    "total": StyleSpec(
        font_name="ＭＳ ゴシック",
        bold=True,
        border=True,
        number_format="#,##0",
        font_color="1F4E78",
    ),
}


def summary_spec(
    projects: list[tuple[int, str, list[int | None]]], name: str = "総括表"
) -> SheetSpec:
    """A 総括表-like sheet: title, header, one row per project, a 合計 row with formulas."""
    rows: list[list[CellSpec | None]] = [
        [CellSpec("具体的取組の総括表", "title")],
        [
            CellSpec(h, "head")
            for h in [
                "番号",
                "事業名",
                "2020年度",
                "2021年度",
                "2022年度",
                "2023年度",
                "2024年度",
                "計",
            ]
        ],
    ]
    for number, title, amounts in projects:
        total = sum(a for a in amounts if a is not None)
        rows.append(
            [
                CellSpec(number, "text"),
                CellSpec(title, "text"),
                *[CellSpec(a, "money") for a in amounts],
                CellSpec(total, "money"),
            ]
        )
    first, last = 3, 2 + len(projects)
    totals: list[CellSpec | None] = [CellSpec("合計", "head"), CellSpec(len(projects), "text")]
    for k, col in enumerate("CDEFGH"):
        value = sum(
            (p[2][k] if k < 5 else sum(a for a in p[2] if a is not None)) or 0 for p in projects
        )
        totals.append(CellSpec(value, "total", formula=f"SUM({col}{first}:{col}{last})"))
    rows.append(totals)
    return SheetSpec(
        name=name,
        rows=rows,
        styles=SUMMARY_STYLES,
        col_widths=[6, 36, 12, 12, 12, 12, 12, 14],
        row_heights={1: 24},
        merges=["A1:H1"],
        freeze="C3",
        print_setup=PrintSetup(
            orientation="landscape",
            title_rows=(1, 2),
            print_area=f"A1:H{last + 1}",
            footer="&C&P / &N",
        ),
    )


def g5_writes(amounts: list[int | None]) -> tuple[list[CellWrite], int]:
    total = sum(a for a in amounts if a is not None)
    return [CellWrite("G5", total, formula="SUM(B5:F5)")], total


def members(path_or_bytes: Path | bytes) -> dict[str, tuple[zipfile.ZipInfo, bytes, bytes]]:
    """name -> (info, uncompressed content, raw stored bytes), in archive order."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    src = ZipSource(data)
    return {n: (src.raw_member(n).info, src.read(n), src.raw_member(n).raw) for n in src.names()}


def cell_span(data: bytes, ref: str) -> tuple[int, int]:
    """Byte span of the ``<c r="ref">`` element (default namespace)."""
    m = re.search(rb'<c r="' + ref.encode() + rb'"(?:[^>]*?/>|[^>]*?>.*?</c>)', data, re.S)
    assert m, f"cell {ref} not found"
    return m.start(), m.end()


def assert_only_cells_differ(old: bytes, new: bytes, refs: set[str]) -> None:
    """Everything but the ``refs`` cells is the same, element by element and byte by byte."""
    o, n = etree.fromstring(old), etree.fromstring(new)
    assert o.attrib == n.attrib and o.nsmap == n.nsmap

    def others(root: etree._Element) -> list[bytes]:
        return [etree.tostring(ch) for ch in root if ch.tag != M + "sheetData"]

    assert others(o) == others(n)

    def cells(root: etree._Element) -> dict[str, bytes]:
        return {c.get("r"): etree.tostring(c) for c in root.iter(M + "c")}

    oc, nc = cells(o), cells(n)
    assert [k for k in oc if k not in refs] == [k for k in nc if k not in refs]
    assert {k: v for k, v in oc.items() if k not in refs} == {
        k: v for k, v in nc.items() if k not in refs
    }
    rows = [(dict(r.attrib)) for r in o.iter(M + "row")]
    assert rows == [(dict(r.attrib)) for r in n.iter(M + "row")]
    # byte level: put the old cells back and the parts are identical
    restored = new
    for ref in sorted(refs, key=lambda r: -cell_span(new, r)[0]):
        s, e = cell_span(restored, ref)
        os_, oe = cell_span(old, ref)
        restored = restored[:s] + old[os_:oe] + restored[e:]
    assert restored == old


def lo_csv_sheets(csv_files: list[Path]) -> dict[str, list[list[str]]]:
    """LibreOffice's per-sheet CSV export (``name-<sheet>.csv``) read back."""
    out = {}
    for f in csv_files:
        sheet = f.stem.split("-", 1)[1] if "-" in f.stem else f.stem
        out[sheet] = list(csv.reader(io.StringIO(f.read_text(encoding="utf-8"))))
    return out
