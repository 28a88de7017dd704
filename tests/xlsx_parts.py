"""Looking inside an xlsx package in tests: its parts, which part holds each sheet, its cells."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

OWNED_PARTS = {
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "xl/styles.xml",
    "docProps/app.xml",
    "xl/calcChain.xml",
}
"""The parts kohyo may rewrite when it patches a master, besides the sheets it edits."""


def members(path: Path) -> dict[str, bytes]:
    """Part name -> content, in archive order."""
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> part name, in sheet order."""
    with zipfile.ZipFile(path) as zf:
        wb = etree.fromstring(zf.read("xl/workbook.xml"))
        rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for s in wb.iter(f"{NS}sheet"):
        target = targets[s.get(REL_ID)]
        out[s.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def cells_xml(data: bytes) -> dict[str, bytes]:
    """A sheet part's cells: reference -> the ``<c>`` element as bytes."""
    return {c.get("r"): etree.tostring(c) for c in etree.fromstring(data).iter(f"{NS}c")}
