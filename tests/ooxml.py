"""Does an xlsx package conform to ECMA-376? The schemas vendored in ``tests/ooxml-schemas/``
(unmodified, see its README and ECMA-NOTICE.txt) plus the grid rules the XSDs cannot express.

``validate_xlsx(path)`` returns the problems, one line each (empty list: valid). Covered:

- ``[Content_Types].xml`` and every ``.rels`` part: OPC schemas (ECMA-376 Part 2); every part
  has a content type; every internal relationship target exists.
- Every XML part whose root element is in a namespace the vendored Transitional schemas define:
  workbook, worksheets, styles, sharedStrings, comments, calcChain, tables, … (``sml.xsd``),
  drawings (``dml-spreadsheetDrawing.xsd``), charts (``dml-chart.xsd``), the theme
  (``dml-main.xsd``), ``docProps/app.xml`` (extended properties).
- Not covered, for want of a vendored schema: ``docProps/core.xml`` (Dublin Core),
  ``docProps/custom.xml``, VML drawings, binary parts (``vbaProject.bin``, printer settings,
  images). XML among them is still checked for well-formedness.
- The grid (``ooxml_grid``): rows 1..1048576 ascending; cell references in their own row and
  ascending; ``<col>`` ranges valid and non-overlapping; merged ranges non-overlapping; cell,
  row and column style indexes < the number of ``cellXfs``; font/fill/border/xf/numFmt ids of
  ``xf`` records defined; shared-string indexes < the number of ``<si>``; cached values that
  fit their cell type; Excel's limits (row height 409 pt, column width 255, 32,767 characters
  in a cell); sheet names Excel accepts, unique; defined names unique per existing scope.

Markup Compatibility is applied first, as a consumer that understands only the vendored
namespaces would (ECMA-376 Part 3; ``mc:ProcessContent`` is not honoured: an ignorable element
goes whole); ``xml:space`` on ``<t>`` is removed (Excel writes it, the schema has no such
attribute).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from lxml import etree

from ooxml_grid import grid_problems

SCHEMAS = Path(__file__).resolve().parent / "ooxml-schemas"

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

ROOT_SCHEMAS = {
    SML: "transitional/sml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": (
        "transitional/dml-spreadsheetDrawing.xsd"
    ),
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "transitional/dml-chart.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "transitional/dml-main.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": (
        "transitional/shared-documentPropertiesExtended.xsd"
    ),
    CT_NS: "opc/opc-contentTypes.xsd",
    RELS_NS: "opc/opc-relationships.xsd",
}
"""Root-element namespace -> the vendored schema that defines it."""

UNDERSTOOD = frozenset(
    {
        *ROOT_SCHEMAS,
        MC,
        "http://www.w3.org/XML/1998/namespace",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
        "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
        "http://schemas.openxmlformats.org/drawingml/2006/chartDrawing",
        "http://schemas.openxmlformats.org/drawingml/2006/diagram",
        "http://schemas.openxmlformats.org/drawingml/2006/picture",
        "http://schemas.openxmlformats.org/drawingml/2006/lockedCanvas",
    }
)
"""The namespaces this consumer understands, for Markup Compatibility."""


@cache
def schema() -> etree.XMLSchema:
    """One schema for every covered namespace, loaded once: a driver that imports each
    vendored root schema by absolute file URI (their own imports are relative, so they resolve
    inside the vendored folder)."""
    imports = "".join(
        f'<xsd:import namespace="{ns}" schemaLocation="{(SCHEMAS / rel).as_uri()}"/>'
        for ns, rel in ROOT_SCHEMAS.items()
    )
    driver = f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>'
    return etree.XMLSchema(etree.fromstring(driver, base_url=(SCHEMAS / "driver.xsd").as_uri()))


# ---------------------------------------------------------------- Markup Compatibility


def _prefixes(el: etree._Element, attr: str) -> list[str | None]:
    """The namespace URIs of the prefixes listed in el's mc:<attr> (None: unbound prefix)."""
    return [el.nsmap.get(p) for p in (el.get(f"{{{MC}}}{attr}") or "").split()]


def _apply_mc(
    el: etree._Element, ignorable: frozenset[str], problems: list[str], part: str
) -> None:
    """Markup Compatibility preprocessing of el's subtree, in place."""
    ignored = _prefixes(el, "Ignorable")
    if None in ignored:
        problems.append(f"{part}: mc:Ignorable names an undeclared prefix")
    ignorable = ignorable | {ns for ns in ignored if ns and ns not in UNDERSTOOD}
    for ns in _prefixes(el, "MustUnderstand"):
        if ns not in UNDERSTOOD:
            problems.append(f"{part}: mc:MustUnderstand names a namespace not understood: {ns}")
    for name in list(el.attrib):
        ns = etree.QName(name).namespace
        if ns == MC or ns in ignorable:
            del el.attrib[name]
    for child in list(el):
        if not isinstance(child.tag, str):
            continue
        ns = etree.QName(child).namespace
        if ns == MC and etree.QName(child).localname == "AlternateContent":
            _replace_alternate(child, problems, part)
        elif ns in ignorable:
            el.remove(child)
    for child in el:
        if isinstance(child.tag, str):
            _apply_mc(child, ignorable, problems, part)


def _replace_alternate(alt: etree._Element, problems: list[str], part: str) -> None:
    """alt is replaced by the content of its first understood Choice, else its Fallback."""
    chosen = None
    for branch in alt:
        if not isinstance(branch.tag, str):
            continue
        local = etree.QName(branch).localname
        if local == "Choice":
            required = _prefixes(branch, "Requires")
            if required and all(ns in UNDERSTOOD for ns in required):
                chosen = branch
                break
        elif local == "Fallback":
            chosen = branch
            break
        else:
            problems.append(f"{part}: mc:AlternateContent holds {local}")
    parent = alt.getparent()
    index = parent.index(alt)
    parent.remove(alt)
    for child in reversed(list(chosen) if chosen is not None else []):
        parent.insert(index, child)


def _prepare(root: etree._Element, problems: list[str], part: str) -> None:
    _apply_mc(root, frozenset(), problems, part)
    for t in root.iter(f"{{{SML}}}t"):
        t.attrib.pop(XML_SPACE, None)


# ---------------------------------------------------------------- the package


def _content_types(root: etree._Element) -> tuple[dict[str, str], dict[str, str]]:
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType", "")
        for d in root
        if etree.QName(d).localname == "Default"
    }
    overrides = {
        o.get("PartName", "").lstrip("/").lower(): o.get("ContentType", "")
        for o in root
        if etree.QName(o).localname == "Override"
    }
    return defaults, overrides


def _rels_source(rels_part: str) -> str:
    """'xl/_rels/workbook.xml.rels' -> 'xl/workbook.xml'; '_rels/.rels' -> ''."""
    folder, name = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), name.removesuffix(".rels"))


CONTENT_TYPES = {
    "officeDocument": ".main+xml",
    "worksheet": ".spreadsheetml.worksheet+xml",
    "chartsheet": ".spreadsheetml.chartsheet+xml",
    "styles": ".spreadsheetml.styles+xml",
    "sharedStrings": ".spreadsheetml.sharedStrings+xml",
    "calcChain": ".spreadsheetml.calcChain+xml",
    "comments": ".spreadsheetml.comments+xml",
    "table": ".spreadsheetml.table+xml",
    "theme": ".theme+xml",
    "drawing": ".drawing+xml",
    "chart": ".drawingml.chart+xml",
    "extended-properties": ".extended-properties+xml",
    "core-properties": "core-properties+xml",
}
"""Relationship type (its last segment) -> how the target's content type must end."""


def _check_rels(
    part: str, root: etree._Element, content_type: Callable[[str], str | None], problems: list[str]
) -> None:
    """Every internal target exists and has the content type its relationship type asks for."""
    base = posixpath.dirname(_rels_source(part))
    for rel in root:
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        found = content_type(posixpath.normpath(resolved))
        if found is None:
            problems.append(f"{part}: relationship {rel.get('Id')} targets a missing part {target}")
            continue
        expected = CONTENT_TYPES.get(rel.get("Type", "").rsplit("/", 1)[-1])
        if expected and not found.endswith(expected):
            problems.append(f"{part}: {target} has content type {found!r}, not *{expected}")


SCHEMA_TYPES = re.compile(r"spreadsheetml|drawingml|theme|extended-properties|relationships")
"""Content types of parts that must be in a covered namespace (a Strict or foreign root fails)."""


def _check_rel_ids(
    part: str, root: etree._Element, trees: dict[str, etree._Element], problems: list[str]
) -> None:
    """Every r:id (r:embed, r:link, ...) in part names a relationship of part's .rels."""
    folder, base = posixpath.split(part)
    rels = trees.get(posixpath.join(folder, "_rels", base + ".rels"))
    ids = set() if rels is None else {r.get("Id") for r in rels}
    for el in root.iter():
        for attr, value in el.attrib.items():
            if attr.startswith(R_NS) and value not in ids:
                local = etree.QName(el).localname
                problems.append(
                    f"{part}: <{local}> names relationship {value}, which is not in its .rels"
                )


def _needs_schema(name: str, defaults: dict[str, str], overrides: dict[str, str]) -> bool:
    if name == "[Content_Types].xml" or name.endswith(".rels"):
        return True
    ext = name.rsplit(".", 1)[-1].lower()
    return bool(SCHEMA_TYPES.search(overrides.get(name.lower(), defaults.get(ext, ""))))


def validate_xlsx(path: Path | str | bytes) -> list[str]:
    """Every problem in the package at path (or in these bytes), one line each; [] when it
    conforms."""
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(path) if isinstance(path, bytes) else path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    if "[Content_Types].xml" not in parts:
        return ["[Content_Types].xml is missing"]
    trees: dict[str, etree._Element] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    for name, data in parts.items():
        if not name.endswith((".xml", ".rels")):
            continue
        try:
            trees[name] = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            problems.append(f"{name}: not well-formed XML: {exc}")
    if "[Content_Types].xml" not in trees:
        return problems
    defaults, overrides = _content_types(trees["[Content_Types].xml"])
    lower = {n.lower() for n in parts}

    def content_type(name: str) -> str | None:
        """The content type of part name; '' when it has none; None when it is absent."""
        if name.lower() not in lower:
            return None
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return overrides.get(name.lower(), defaults.get(ext, ""))

    for name in parts:
        if name != "[Content_Types].xml" and not content_type(name):
            problems.append(f"{name}: no content type in [Content_Types].xml")
    for name, root in trees.items():
        ns = etree.QName(root).namespace
        if ns not in ROOT_SCHEMAS and not _needs_schema(name, defaults, overrides):
            continue
        if ns == RELS_NS:
            _check_rels(name, root, content_type, problems)
        _prepare(root, problems, name)
        if not schema().validate(root):
            problems += [f"{name}:{e.line}: {e.message}" for e in schema().error_log]
        _check_rel_ids(name, root, trees, problems)
    problems += grid_problems(trees)
    return problems


def assert_valid_xlsx(path: Path | str | bytes) -> None:
    """Fail the test with every schema and grid problem of the package at path (or bytes)."""
    problems = validate_xlsx(path)
    what = "the package" if isinstance(path, bytes) else str(path)
    assert not problems, f"{what} does not conform to ECMA-376:\n" + "\n".join(problems)
