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
- The grid (``GRID_RULES``): rows 1..1048576 ascending; cell references in their own row and
  ascending; ``<col>`` ranges valid and non-overlapping; merged ranges non-overlapping; cell,
  row and column style indexes < the number of ``cellXfs``; font/fill/border/xf/numFmt ids of
  ``xf`` records defined; shared-string indexes < the number of ``<si>``.

Markup Compatibility is applied first, as a consumer that understands only the vendored
namespaces would (ECMA-376 Part 3); ``xml:space`` on ``<t>`` is removed (Excel writes it, the
schema has no such attribute).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "ooxml-schemas"

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

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

MAX_ROW, MAX_COL = 1_048_576, 16_384
GRID_RULES = (
    "rows 1..1048576 ascending",
    "cell references in their own row, columns 1..16384 ascending",
    "<col> ranges 1..16384, min <= max, ascending, non-overlapping",
    "merged ranges well-formed and non-overlapping",
    "style indexes (cells, rows, columns, xf records) in range",
    "shared-string indexes in range",
)


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


def _apply_mc(el: etree._Element, ignorable: frozenset[str], problems: list[str], part: str):
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


def _check_rels(part: str, root: etree._Element, names: set[str], problems: list[str]) -> None:
    base = posixpath.dirname(_rels_source(part))
    for rel in root:
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        resolved = posixpath.normpath(resolved)
        if resolved.lower() not in names:
            problems.append(f"{part}: relationship {rel.get('Id')} targets a missing part {target}")


SCHEMA_TYPES = re.compile(r"spreadsheetml|drawingml|theme|extended-properties|relationships")
"""Content types of parts that must be in a covered namespace (a Strict or foreign root fails)."""


def _needs_schema(name: str, defaults: dict[str, str], overrides: dict[str, str]) -> bool:
    if name == "[Content_Types].xml" or name.endswith(".rels"):
        return True
    ext = name.rsplit(".", 1)[-1].lower()
    return bool(SCHEMA_TYPES.search(overrides.get(name.lower(), defaults.get(ext, ""))))


def validate_xlsx(path: Path | str) -> list[str]:
    """Every problem in the package at path, one line each; [] when it conforms."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    names = {n.lower() for n in parts}
    if "[Content_Types].xml" not in parts:
        return ["[Content_Types].xml is missing"]
    trees: dict[str, etree._Element] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    for name, data in parts.items():
        if not (name.endswith((".xml", ".rels")) or data.lstrip()[:5] == b"<?xml"):
            continue
        try:
            trees[name] = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            problems.append(f"{name}: not well-formed XML: {exc}")
    defaults, overrides = _content_types(trees["[Content_Types].xml"])
    for name in parts:
        if name == "[Content_Types].xml":
            continue
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if name.lower() not in overrides and ext not in defaults:
            problems.append(f"{name}: no content type in [Content_Types].xml")
    for name, root in trees.items():
        ns = etree.QName(root).namespace
        if ns not in ROOT_SCHEMAS and not _needs_schema(name, defaults, overrides):
            continue
        if ns == RELS_NS:
            _check_rels(name, root, names, problems)
        _prepare(root, problems, name)
        if not schema().validate(root):
            problems += [f"{name}:{e.line}: {e.message}" for e in schema().error_log]
    problems += _grid_problems(trees)
    return problems


def assert_valid_xlsx(path: Path | str) -> None:
    """Fail the test with every schema and grid problem of the package at path."""
    problems = validate_xlsx(path)
    assert not problems, f"{path} does not conform to ECMA-376:\n" + "\n".join(problems)


# ---------------------------------------------------------------- the grid

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]+)$")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _ref(text: str) -> tuple[int, int] | None:
    """'B3' -> (row 3, column 2); None when it is not an A1 reference in the grid."""
    m = _REF.match(text or "")
    if m is None:
        return None
    row, col = int(m.group(2)), _col_number(m.group(1))
    return (row, col) if 1 <= row <= MAX_ROW and 1 <= col <= MAX_COL else None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _style_counts(trees: dict[str, etree._Element], problems: list[str]) -> tuple[int, int]:
    """(number of cellXfs, number of dxfs) of the styles part; xf references checked."""
    styles = next((t for t in trees.values() if t.tag == f"{{{SML}}}styleSheet"), None)
    if styles is None:
        return 1, 0

    def count(tag: str, child: str) -> int:
        group = styles.find(f"{{{SML}}}{tag}")
        return 0 if group is None else len(group.findall(f"{{{SML}}}{child}"))

    fonts, fills, borders = (
        count("fonts", "font"),
        count("fills", "fill"),
        count("borders", "border"),
    )
    style_xfs = count("cellStyleXfs", "xf")
    formats = {_int(f.get("numFmtId")) for f in styles.iter(f"{{{SML}}}numFmt")}
    for group, limit_xf in (("cellStyleXfs", None), ("cellXfs", style_xfs)):
        for i, xf in enumerate(styles.iterfind(f"{{{SML}}}{group}/{{{SML}}}xf")):
            where = f"styles: {group} xf {i}"
            for attr, limit in (("fontId", fonts), ("fillId", fills), ("borderId", borders)):
                value = _int(xf.get(attr))
                if value is not None and not 0 <= value < limit:
                    problems.append(f"{where}: {attr}={value} but {limit} defined")
            fmt = _int(xf.get("numFmtId"))
            if fmt is not None and fmt >= 164 and fmt not in formats:
                problems.append(f"{where}: numFmtId={fmt} is not defined")
            xf_id = _int(xf.get("xfId"))
            if limit_xf is not None and xf_id is not None and not 0 <= xf_id < limit_xf:
                problems.append(f"{where}: xfId={xf_id} but {limit_xf} cellStyleXfs")
    for i, cs in enumerate(styles.iterfind(f"{{{SML}}}cellStyles/{{{SML}}}cellStyle")):
        xf_id = _int(cs.get("xfId"))
        if xf_id is not None and not 0 <= xf_id < style_xfs:
            problems.append(f"styles: cellStyle {i}: xfId={xf_id} but {style_xfs} cellStyleXfs")
    return count("cellXfs", "xf"), count("dxfs", "dxf")


def _grid_problems(trees: dict[str, etree._Element]) -> list[str]:
    problems: list[str] = []
    xfs, dxfs = _style_counts(trees, problems)
    sst = next((t for t in trees.values() if t.tag == f"{{{SML}}}sst"), None)
    strings = 0 if sst is None else len(sst.findall(f"{{{SML}}}si"))
    for name, root in trees.items():
        if root.tag == f"{{{SML}}}worksheet":
            _sheet_grid(name, root, xfs, dxfs, strings, problems)
    return problems


def _style_ok(value: str | None, limit: int) -> bool:
    n = _int(value)
    return value is None or (n is not None and 0 <= n < limit)


def _sheet_grid(
    part: str, root: etree._Element, xfs: int, dxfs: int, strings: int, problems: list[str]
) -> None:
    last_max = 0
    for col in root.iterfind(f"{{{SML}}}cols/{{{SML}}}col"):
        lo, hi = _int(col.get("min")), _int(col.get("max"))
        if lo is None or hi is None or not 1 <= lo <= hi <= MAX_COL:
            problems.append(f"{part}: <col min={lo} max={hi}> is not a column range")
            continue
        if lo <= last_max:
            problems.append(f"{part}: <col min={lo} max={hi}> overlaps or precedes max={last_max}")
        last_max = max(last_max, hi)
        if not _style_ok(col.get("style"), xfs):
            problems.append(f"{part}: <col min={lo}> style={col.get('style')} but {xfs} cellXfs")
    last_row = 0
    for row in root.iterfind(f"{{{SML}}}sheetData/{{{SML}}}row"):
        r = _int(row.get("r")) if row.get("r") is not None else last_row + 1
        if r is None or not 1 <= r <= MAX_ROW:
            problems.append(f"{part}: row r={row.get('r')} is outside 1..{MAX_ROW}")
            continue
        if r <= last_row:
            problems.append(f"{part}: row {r} follows row {last_row}")
        last_row = r
        if not _style_ok(row.get("s"), xfs):
            problems.append(f"{part}: row {r} s={row.get('s')} but {xfs} cellXfs")
        last_col = 0
        for c in row.iterfind(f"{{{SML}}}c"):
            ref = c.get("r")
            pos = _ref(ref) if ref is not None else (r, last_col + 1)
            if pos is None or pos[0] != r:
                problems.append(f"{part}: cell {ref} is not a cell of row {r}")
                continue
            if pos[1] <= last_col:
                problems.append(f"{part}: cell {ref} is not right of the previous cell in row {r}")
            last_col = pos[1]
            if not _style_ok(c.get("s"), xfs):
                problems.append(f"{part}: cell {ref} s={c.get('s')} but {xfs} cellXfs")
            if c.get("t") == "s":
                v = c.find(f"{{{SML}}}v")
                n = _int(v.text if v is not None else None)
                if n is None or not 0 <= n < strings:
                    text = None if v is None else v.text
                    problems.append(f"{part}: cell {ref} shared string {text} but {strings} <si>")
    _merges(part, root, problems)
    for rule in root.iter(f"{{{SML}}}cfRule"):
        if not _style_ok(rule.get("dxfId"), dxfs):
            problems.append(f"{part}: cfRule dxfId={rule.get('dxfId')} but {dxfs} dxfs")


def _merges(part: str, root: etree._Element, problems: list[str]) -> None:
    boxes: list[tuple[str, int, int, int, int]] = []
    for mc in root.iterfind(f"{{{SML}}}mergeCells/{{{SML}}}mergeCell"):
        ref = mc.get("ref", "")
        ends = [_ref(p) for p in ref.split(":")]
        if len(ends) != 2 or None in ends:
            problems.append(f"{part}: merged range {ref!r} is not a range A1:B2")
            continue
        (r1, c1), (r2, c2) = ends  # type: ignore[misc]
        box = (ref, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
        for other in boxes:
            if (
                box[1] <= other[3]
                and other[1] <= box[3]
                and box[2] <= other[4]
                and other[2] <= box[4]
            ):
                problems.append(f"{part}: merged range {ref} overlaps {other[0]}")
        boxes.append(box)
