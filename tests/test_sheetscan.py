"""The sheet scan (regular expressions over a plain part) and the tree walk (lxml) read
the same grid, or the scan declines.

kohyo.read.sheetscan is a shortcut for the plain form of a sheet part; the tree walk
(kohyo.read.treewalk) is the reference. Every sheet of every workbook in the tests and
generated parts in many forms, plain and not, are read both ways and compared.
"""

from __future__ import annotations

import zipfile
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from kohyo.read import treewalk as wbmod
from kohyo.read.grid import SheetGrid
from kohyo.read.sheetscan import ScanMemo, check_well_formed, is_plain, scan_sheet, scan_strings

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS = [f"文字列{i}" for i in range(40)] + ["", " 前後に空白 ", "a&b<c>"]


def tree_grid(data: bytes, strings: list[str]) -> tuple[dict, list, set, int]:
    grid = SheetGrid(name="s", part="p")
    walk = wbmod.SheetWalk(grid, wbmod.CellCache(strings))
    walk.walk(etree.fromstring(data, wbmod.SHEET_PARSER).iter(wbmod.SHEET_TAGS))
    return grid.cells, grid.merges, grid.hidden_rows, walk.seen


def scanned(data: bytes, strings: list[str], memo: ScanMemo | None = None):
    memo = memo or ScanMemo(partial(wbmod.raw_cell, strings))
    scan = scan_sheet(data, memo, keep_cells=True)
    if scan is None:
        return None
    return scan.cells, scan.merges, scan.hidden, scan.seen


def assert_same(data: bytes, strings: list[str], memo: ScanMemo | None = None) -> bool:
    """Both readers agree when the scan reads the part; True when it did."""
    got = scanned(data, strings, memo)
    if got is None:
        return False
    assert _comparable(got) == _comparable(tree_grid(data, strings))
    return True


def _comparable(grid: tuple[dict, list, set, int]) -> tuple:
    """repr: a cell typed "NaN" holds a float NaN, which equals nothing, not even itself."""
    cells, merges, hidden, seen = grid
    return sorted((k, repr(v)) for k, v in cells.items()), merges, sorted(hidden), seen


def sheet_parts() -> list[tuple[str, str, bytes, list[str]]]:
    out = []
    for path in sorted([*ROOT.glob("tests/**/*.xlsx"), *ROOT.glob("workbooks/*.xlsx")]):
        try:
            zf = zipfile.ZipFile(path)
            names = [
                n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")
            ]
            strings = _strings(zf)
            for n in names:
                out.append((path.name, n, zf.read(n), strings))
        except Exception:
            continue
    return out


def _strings(zf: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    root = etree.fromstring(zf.read("xl/sharedStrings.xml"), wbmod.SHEET_PARSER)
    return [wbmod.string_item(si) for si in root.iter(f"{{{MAIN}}}si")]


def test_every_sheet_in_the_tests_reads_the_same_both_ways() -> None:
    parts = sheet_parts()
    plain = 0
    for _, _, data, strings in parts:
        try:
            check_well_formed(data)
        except etree.XMLSyntaxError:
            continue
        try:
            plain += assert_same(data, strings)
        except ValueError:  # a bad address: the tree walk must refuse it too
            with pytest.raises(ValueError):
                tree_grid(data, strings)
    assert len(parts) > 50
    assert plain > len(parts) // 2  # the scan is the common path, not a curiosity


# --- generated parts -------------------------------------------------------------

_texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("&<>\"' \n\t"),
    max_size=12,
)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _char_refs(text: str) -> str:
    return "".join(f"&#x{ord(c):X};" if c in "AZあ" else c for c in _esc(text))


@st.composite
def cells(draw: st.DrawFn, ref: str) -> str:
    kind = draw(st.sampled_from(["s", "n", "str", "b", "e", "inlineStr", "d", None, "empty"]))
    style = draw(st.sampled_from(["", ' s="3"', ' s="12"']))
    extra = draw(st.sampled_from(["", ' cm="1"', ' ph="1"']))
    t = "" if kind in (None, "empty") else f' t="{kind}"'
    attrs = f' r="{ref}"{style}{t}{extra}'
    if kind == "empty":
        return f"<c{attrs}/>"
    formula = draw(
        st.sampled_from(["", "<f>SUM(B5:F5)</f>", "<f/>", '<f t="shared" si="0"/>', "<f></f>"])
        | _texts.map(lambda s: f"<f>{_char_refs(s)}</f>")
    )
    if kind == "s":
        v = draw(st.sampled_from(["0", "3", "41", "42", "999", "x", ""]))
    elif kind == "b":
        v = draw(st.sampled_from(["0", "1", " 1 "]))
    elif kind == "inlineStr":
        body = _char_refs(draw(_texts))
        space = draw(st.sampled_from(["", ' xml:space="preserve"']))
        inline = draw(st.sampled_from([f"<is><t{space}>{body}</t></is>", "", "<is><t></t></is>"]))
        return f"<c{attrs}>{formula}{inline}</c>"
    else:
        v = _char_refs(
            draw(st.sampled_from(["12", "-3.5", "1e3", " 7 ", "1.0", "abc", ""]) | _texts)
        )
    value = draw(st.sampled_from([f"<v>{v}</v>", "<v/>", "<v></v>", ""]))
    return f"<c{attrs}>{formula}{value}</c>"


@st.composite
def sheets(draw: st.DrawFn) -> bytes:
    rows = []
    for r in range(1, draw(st.integers(0, 6)) + 1):
        hidden = draw(st.sampled_from(["", ' hidden="1"', ' hidden="true"', ' hidden="0"']))
        ht = draw(st.sampled_from(["", ' ht="18" customHeight="1"']))
        cols = draw(st.lists(st.sampled_from("ABCDEFGH"), unique=True, max_size=5))
        body = "".join(draw(cells(f"{c}{r}")) for c in sorted(cols))
        sep = draw(st.sampled_from(["", "\n", "  "]))
        rows.append(
            f'<row r="{r}"{ht}{hidden}/>'
            if not body
            else f'<row r="{r}"{ht}{hidden}>{sep}{body}</row>'
        )
    merges = draw(
        st.lists(
            st.sampled_from(["A1:B2", "C3:C4", "D1", "B5:A4", "E2:F2"]), unique=True, max_size=3
        )
    )
    merge_xml = (
        f'<mergeCells count="{len(merges)}">'
        + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
        + "</mergeCells>"
        if merges
        else ""
    )
    data = draw(
        st.sampled_from(["<sheetData>{}</sheetData>", "<sheetData>\n{}\n</sheetData>"])
    ).format("".join(rows))
    if not rows and draw(st.booleans()):
        data = "<sheetData/>"
    decl = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', ""]))
    head = f'<worksheet xmlns="{MAIN}" xmlns:r="urn:r"><dimension ref="A1"/>'
    xml = f'{decl}{head}{data}{merge_xml}<pageMargins left="0.7"/></worksheet>'
    return xml.encode("utf-8")


# Ways a part departs from the plain form: each must make the scan decline, or read the same.
DEPARTURES = [
    lambda x: x.replace(b"<sheetData>", b"<sheetData><!-- memo -->", 1),
    lambda x: x.replace(b'<c r="', b'<c  r="', 1),
    lambda x: x.replace(b"<v>", b"<v><![CDATA[", 1).replace(b"</v>", b"]]></v>", 1),
    lambda x: x.replace(b"\n", b"\r\n"),
    lambda x: x.replace(b"<row ", b"<?pi x?><row ", 1),
    lambda x: x.replace(b' s="3"', b" s='3'", 1),
    lambda x: x.replace(
        b'xmlns="' + MAIN.encode(), b'xmlns:x="' + MAIN.encode() + b'" xmlns="urn:other"'
    ),
    lambda x: x.replace(b"<c ", b'<c xmlns="urn:other" ', 1),
    lambda x: x.replace(b"</c>", b"<extLst/></c>", 1),
    lambda x: x.replace(b"<v>", b"<v>\n", 1),
    lambda x: x.replace(b"<sheetData>", b'<sheetData><c r="Z9"><v>1</v></c>', 1),
    lambda x: x.replace(b"</sheetData>", b'</sheetData><row r="9" hidden="1"/>', 1),
    lambda x: x.replace(b"<pageMargins", b'<mergeCell ref="A1:C3"/><pageMargins', 1),
    lambda x: x.replace(b'hidden="1"', b'hidden="&#49;"', 1),
    lambda x: x.replace(b'<row r="1"', b"<row", 1),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(), st.sampled_from(range(len(DEPARTURES) + 1)))
def test_generated_parts_read_the_same_both_ways(data: bytes, departure: int) -> None:
    if departure:
        data = DEPARTURES[departure - 1](data)
    try:
        etree.fromstring(data, wbmod.SHEET_PARSER)
    except etree.XMLSyntaxError:
        with pytest.raises(etree.XMLSyntaxError):
            check_well_formed(data)
        return
    assert check_well_formed(data)
    read = assert_same(data, STRINGS)
    assert read or departure  # the plain form itself is always the scan's


@settings(max_examples=100, deadline=None)
@given(st.lists(sheets(), min_size=2, max_size=4))
def test_a_memo_shared_by_many_sheets_changes_nothing(parts: list[bytes]) -> None:
    memo = ScanMemo(partial(wbmod.raw_cell, STRINGS))
    for data in parts:
        assert assert_same(data, STRINGS, memo)


def test_the_plain_form_is_read_by_the_scan() -> None:
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1" hidden="1"><c r="A1" t="s"><v>1</v></c><c r="B1" s="2"/>'
        '<c r="C1" t="str"><f>A1&amp;"x"</f><v>a&amp;b&#x41;</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve"> 前 </t></is></c>'
        '<c r="B3"><f t="shared" si="0"/></c><c r="C3" t="inlineStr"></c></row>'
        '</sheetData><mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="C3"/></mergeCells>'
        "</worksheet>"
    ).encode()
    assert is_plain(xml)
    cells, merges, hidden, seen = scanned(xml, STRINGS)
    assert _comparable((cells, merges, hidden, seen)) == _comparable(tree_grid(xml, STRINGS))
    assert cells[(1, 1)].value == STRINGS[1]
    assert cells[(1, 3)].value == "a&bA" and cells[(1, 3)].formula == 'A1&"x"'
    assert cells[(3, 1)].value == " 前 " and cells[(3, 3)].value == ""
    assert cells[(3, 2)].formula == "" and cells[(3, 2)].has_value is False
    assert merges == [(1, 1, 2, 2)] and hidden == {1} and seen == 6


@pytest.mark.parametrize(
    "xml",
    [
        b'<x:worksheet xmlns:x="' + MAIN.encode() + b'"><x:sheetData/></x:worksheet>',
        b'<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><sheetData/></worksheet>',
        f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'.encode("utf-16"),
        b'<!-- x --><worksheet xmlns="' + MAIN.encode() + b'"><sheetData/></worksheet>',
    ],
)
def test_other_forms_go_to_the_tree_walk(xml: bytes) -> None:
    assert not is_plain(xml)


def test_an_empty_inline_string_cell_goes_to_the_tree_walk() -> None:
    xml = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"/></row></sheetData></worksheet>'
    assert is_plain(xml.encode()) and scanned(xml.encode(), STRINGS) is None
    assert tree_grid(xml.encode(), STRINGS)[0][(1, 1)].value == ""


def test_a_doctype_is_seen_by_the_well_formedness_check() -> None:
    xml = b'<!DOCTYPE worksheet><worksheet xmlns="' + MAIN.encode() + b'"/>'
    assert check_well_formed(xml) is False
    with pytest.raises(etree.XMLSyntaxError):
        check_well_formed(b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData></worksheet>')
    with pytest.raises(etree.XMLSyntaxError):
        check_well_formed(b'<worksheet xmlns="' + MAIN.encode() + b'">&undefined;</worksheet>')


# --- shared strings ----------------------------------------------------------------


def tree_strings(data: bytes) -> list[str]:
    root = etree.fromstring(data, wbmod.SHEET_PARSER)
    return [wbmod.string_item(si) for si in root.iter(f"{{{MAIN}}}si")]


def test_every_shared_strings_part_in_the_tests_reads_the_same_both_ways() -> None:
    read = 0
    for path in sorted([*ROOT.glob("tests/**/*.xlsx"), *ROOT.glob("workbooks/*.xlsx")]):
        try:
            data = zipfile.ZipFile(path).read("xl/sharedStrings.xml")
            check_well_formed(data)
        except Exception:
            continue
        got = scan_strings(data)
        if got is not None:
            assert got == tree_strings(data)
            read += 1
    assert read >= 5


_RPR = '<rPr><sz val="11"/><rFont val="ＭＳ Ｐゴシック"/><charset val="128"/></rPr>'


@st.composite
def string_items(draw: st.DrawFn) -> str:
    texts = draw(st.lists(_texts.map(_char_refs), min_size=1, max_size=3))
    space = draw(st.sampled_from(["", ' xml:space="preserve"']))
    if len(texts) == 1 and draw(st.booleans()):
        body = f"<t{space}>{texts[0]}</t>"
    else:
        rpr = draw(st.sampled_from(["", _RPR]))
        body = "".join(f"<r>{rpr}<t{space}>{x}</t></r>" for x in texts)
    ruby = draw(st.sampled_from(["", '<rPh sb="0" eb="2"><t>ジギョウ</t></rPh>']))
    pr = draw(st.sampled_from(["", '<phoneticPr fontId="1"/>']))
    return f"<si>{body}{ruby}{pr}</si>"


STRING_DEPARTURES = [
    lambda x: x.replace(b"<si>", b"<si><!-- x -->", 1),
    lambda x: x.replace(b"<t>", b"<t/><t>", 1),
    lambda x: x.replace(b"<si>", b'<si xmlns="urn:other">', 1),
    lambda x: x.replace(b"</si>", b"<extLst/></si>", 1),
]


@settings(max_examples=200, deadline=None)
@given(st.lists(string_items(), max_size=6), st.sampled_from(range(len(STRING_DEPARTURES) + 1)))
def test_generated_shared_strings_read_the_same_both_ways(items: list[str], departure: int) -> None:
    data = f'<?xml version="1.0"?>\n<sst xmlns="{MAIN}" count="9">{"".join(items)}</sst>'.encode()
    if departure:
        data = STRING_DEPARTURES[departure - 1](data)
    try:
        expected = tree_strings(data)
    except etree.XMLSyntaxError:
        return
    got = scan_strings(data)
    assert got == expected if got is not None else departure
