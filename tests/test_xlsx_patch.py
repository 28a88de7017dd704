"""The surgical package patcher: zero loss on masters written by other programs."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest_patch_helpers import (
    M,
    assert_only_cells_differ,
    g5_writes,
    lo_csv_sheets,
    members,
    summary_spec,
)
from fidelity.build_corpus import (
    AMOUNTS,
    KOHYO_SHEETS,
    SOFFICE_MISSING,
    add_calc_chain,
    build_libreoffice,
    build_refusals,
    build_xlsm,
    build_xlsxwriter,
    rewrite_members,
    soffice_convert,
)
from kohyo.errors import KohyoError
from kohyo.xlsx import sheetxml
from kohyo.xlsx.patch import CellSpec, CellWrite, PackagePatch, PatchRefused, SheetSpec, StyleSpec
from kohyo.xlsx.sheetspec import build_sheet_xml
from kohyo.xlsx.sheetxml import patch_cells
from kohyo.xlsx.xmlbytes import PartMalformed, check_well_formed, parse_xml, same_content
from kohyo.xlsx.zipcopy import ZipSource, write_zip
from libreoffice import soffice
from ooxml import assert_valid_xlsx, validate_xlsx
from xlsx_parts import OWNED_PARTS

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
PROJECTS = [
    (1, "地域企業ビジネス支援拠点運営事業", AMOUNTS["1"]),
    (2, "圏域観光推進事業", AMOUNTS["2"]),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | None]:
    folder = tmp_path_factory.mktemp("corpus")
    return {"xlsxwriter": build_xlsxwriter(folder), "libreoffice": build_libreoffice(folder)}


@pytest.fixture(params=["xlsxwriter", "libreoffice"])
def master(request: pytest.FixtureRequest, corpus: dict[str, Path | None]) -> Path:
    path = corpus[request.param]
    if path is None:
        pytest.skip(SOFFICE_MISSING)
    return path


def refresh(path: Path) -> PackagePatch:
    """What a refresh does: G5 of every 個表 = SUM with its cached value, 総括表 first."""
    p = PackagePatch.open(path)
    for name in KOHYO_SHEETS:
        p.set_cells(name, g5_writes(AMOUNTS[name])[0])
    p.put_sheet(summary_spec(PROJECTS), position="first")
    return p


@pytest.fixture
def patched(master: Path, tmp_path: Path) -> tuple[Path, Path, PackagePatch]:
    p = refresh(master)
    out = tmp_path / ("patched" + master.suffix)
    p.save(out)
    return master, out, p


# --------------------------------------------------------------------------- fidelity


def test_untouched_members_are_raw_identical(patched: tuple[Path, Path, PackagePatch]) -> None:
    master, out, p = patched
    before, after = members(master), members(out)
    sheet_parts = {p.sheet_part(n) for n in (*KOHYO_SHEETS, "総括表")}
    allowed = OWNED_PARTS | sheet_parts
    assert set(p.changed_parts()) <= allowed
    assert zipfile.ZipFile(out).testzip() is None
    for name, (info, content, raw) in before.items():
        if name in allowed:
            continue
        new_info, new_content, new_raw = after[name]
        assert new_content == content, name
        assert new_raw == raw, name  # local header + compressed bytes + descriptor
        assert (
            new_info.CRC,
            new_info.compress_type,
            new_info.date_time,
            new_info.external_attr,
        ) == (info.CRC, info.compress_type, info.date_time, info.external_attr)
    # same order; only the new sheet part is added (at the end), nothing else disappears
    kept = [n for n in after if n in before]
    assert kept == [n for n in before if n in after]
    assert set(after) - set(before) == {p.sheet_part("総括表")}
    assert set(before) - set(after) <= {"xl/calcChain.xml"}


def test_only_the_target_cell_differs(patched: tuple[Path, Path, PackagePatch]) -> None:
    master, out, p = patched
    for name in KOHYO_SHEETS:
        part = p.sheet_part(name)
        old, new = members(master)[part][1], members(out)[part][1]
        assert old != new
        assert_only_cells_differ(old, new, {"G5"})
        g5 = etree.fromstring(new).find(f".//{M}c[@r='G5']")
        old_g5 = etree.fromstring(old).find(f".//{M}c[@r='G5']")
        assert g5.get("s") == old_g5.get("s")  # the cell keeps its style
        assert g5.findtext(M + "f") == "SUM(B5:F5)"


def test_input_and_patched_package_conform(patched: tuple[Path, Path, PackagePatch]) -> None:
    master, out, _p = patched
    assert_valid_xlsx(master)
    assert_valid_xlsx(out)


def test_openpyxl_reads_patched_values(patched: tuple[Path, Path, PackagePatch]) -> None:
    _master, out, _p = patched
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "総括表" and wb.sheetnames[1:3] == list(KOHYO_SHEETS)
    assert wb.active.title == "1"  # the same sheet stays active
    for name in KOHYO_SHEETS:
        assert wb[name]["G5"].value == "=SUM(B5:F5)"
        assert wb[name]["B4"].value == "2020年度"
    summary = wb["総括表"]
    assert summary["B3"].value == PROJECTS[0][1]
    assert summary["C5"].value == "=SUM(C3:C4)"
    assert summary.freeze_panes == "C3"
    assert summary.print_title_rows == "$1:$2"
    assert summary.page_setup.orientation == "landscape"
    assert summary.page_setup.paperSize == 9
    assert summary.page_setup.fitToHeight == 0
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    assert summary["C3"].number_format == "#,##0"
    assert summary["A2"].font.b and summary["A2"].border.left.style == "thin"
    assert summary["A2"].fill.fgColor.rgb == "FFDDEBF7"
    assert "A1:H1" in {str(r) for r in summary.merged_cells.ranges}
    assert summary.oddFooter.center.text == "&P / &N"
    # sheet-local names of the other sheets followed their sheet (index 1 -> 2)
    assert wb["2"].print_title_rows == "$1:$1"
    values = openpyxl.load_workbook(out, data_only=True)
    for name in KOHYO_SHEETS:
        assert values[name]["G5"].value == g5_writes(AMOUNTS[name])[1]


def test_staff_features_survive(patched: tuple[Path, Path, PackagePatch]) -> None:
    master, out, _p = patched
    old, new = openpyxl.load_workbook(master), openpyxl.load_workbook(out)
    for name in old.sheetnames:
        a, b = old[name], new[name]
        assert [str(r) for r in a.merged_cells.ranges] == [str(r) for r in b.merged_cells.ranges]
        assert len(a.data_validations.dataValidation) == len(b.data_validations.dataValidation)
        assert len(a.conditional_formatting) == len(b.conditional_formatting)
        assert a.tables.keys() == b.tables.keys()
        assert a.sheet_state == b.sheet_state
    assert old.defined_names.keys() == new.defined_names.keys()
    assert new["1"]["A1"].comment is not None


@pytest.mark.parametrize("variant", ["xlsxwriter", "libreoffice"])
def test_second_refresh_changes_nothing(variant: str, corpus: dict, tmp_path: Path) -> None:
    if corpus[variant] is None:
        pytest.skip(SOFFICE_MISSING)
    first = tmp_path / "first.xlsx"
    refresh(corpus[variant]).save(first)
    again = refresh(first)
    assert again.changed_parts() == []
    assert again.to_bytes() == first.read_bytes()


def test_app_xml_and_workbook_bookkeeping(corpus: dict, tmp_path: Path) -> None:
    master = corpus["xlsxwriter"]
    out = tmp_path / "out.xlsx"
    refresh(master).save(out)
    z = zipfile.ZipFile(out)
    app = z.read("docProps/app.xml").decode()
    assert "<vt:i4>5</vt:i4>" in app and app.index("総括表") < app.index(">1<")
    wb = etree.fromstring(z.read("xl/workbook.xml"))
    sheets = wb.findall(f"{M}sheets/{M}sheet")
    assert [s.get("name") for s in sheets] == ["総括表", "1", "2", "リスト", "テーブル"]
    assert sheets[0].get("sheetId") == "5"
    names = {(d.get("name"), d.get("localSheetId")): d.text for d in wb.iter(M + "definedName")}
    assert names[("_xlnm.Print_Titles", "0")] == "'総括表'!$1:$2"
    assert names[("_xlnm.Print_Area", "2")] == "'2'!$A$1:$G$12"
    assert wb.find(f"{M}bookViews/{M}workbookView").get("activeTab") == "1"
    types = z.read("[Content_Types].xml").decode()
    assert '/xl/worksheets/sheet5.xml" ContentType="application/vnd.openxmlformats-' in types


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.libreoffice
def test_libreoffice_opens_and_recalculates(
    patched: tuple[Path, Path, PackagePatch], tmp_path: Path
) -> None:
    soffice()  # skips (or fails in CI) with the reason
    _master, out, _p = patched
    pdf = soffice_convert(out, tmp_path / "pdf", "pdf")[0]
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
    csv_target = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    sheets = lo_csv_sheets(soffice_convert(out, tmp_path / "csv", csv_target, recalc=True))
    for name in KOHYO_SHEETS:
        assert sheets[name][4][6] == str(g5_writes(AMOUNTS[name])[1])
    assert sheets["総括表"][4][2] == str(AMOUNTS["1"][0] + AMOUNTS["2"][0])
    xlsx = soffice_convert(out, tmp_path / "xlsx", "xlsx", recalc=True)[0]
    values = openpyxl.load_workbook(xlsx, data_only=True)
    for name in KOHYO_SHEETS:
        assert values[name]["G5"].value == g5_writes(AMOUNTS[name])[1]


@pytest.mark.libreoffice
def test_libreoffice_really_recalculates(corpus: dict, tmp_path: Path) -> None:
    """Guard for the test above: a wrong cached value is replaced by LibreOffice's result."""
    soffice()  # skips (or fails in CI) with the reason
    p = PackagePatch.open(corpus["xlsxwriter"])
    p.set_cells("1", [CellWrite("J20", -1, formula="B5*2")])
    out = tmp_path / "canary.xlsx"
    p.save(out)
    csv_target = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    sheets = lo_csv_sheets(soffice_convert(out, tmp_path / "csv", csv_target, recalc=True))
    assert sheets["1"][19][9] == str(AMOUNTS["1"][0] * 2)


# --------------------------------------------------------------------------- refusals


@pytest.fixture(scope="module")
def refusal_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_refusals(tmp_path_factory.mktemp("refusals"))


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("H5", "共有数式"),
        ("H6", "共有数式"),
        ("J1", "配列数式"),
        ("J2", "配列数式"),
        ("K2", "配列数式"),
        ("A20", "テーブル「表1」の見出し行"),
        ("C20", "見出し行"),
        ("A5", "結合セル A4:A5"),
        ("D1", "結合セル C1:D1"),
        ("G7", "結合セル C7:G7"),
    ],
)
def test_unsafe_targets_are_refused(refusal_book: Path, ref: str, why: str) -> None:
    p = PackagePatch.open(refusal_book)
    with pytest.raises(PatchRefused) as info:
        p.set_cells("1", [CellWrite("G5", 1), CellWrite(ref, 1)])
    assert info.value.sheet == "1" and info.value.ref == ref
    assert f"シート「1」のセル {ref} は" in info.value.message and why in info.value.message
    assert p.changed_parts() == []  # all or nothing


def test_safe_neighbours_are_written(refusal_book: Path) -> None:
    p = PackagePatch.open(refusal_book)
    p.set_cells(
        "1", [CellWrite("C1", "新しい事業名"), CellWrite("A21", "data"), CellWrite("H7", 5)]
    )
    wb = openpyxl.load_workbook(io.BytesIO(p.to_bytes()))
    assert wb["1"]["C1"].value == "新しい事業名" and wb["1"]["A21"].value == "data"


# --------------------------------------------------------------------------- strings and cells


def test_text_is_never_a_formula(corpus: dict) -> None:
    p = PackagePatch.open(corpus["xlsxwriter"])
    texts = {
        "B10": "=1+2",
        "C10": "+81-17",
        "D10": "-3",
        "E10": "@SUM(A1)",
        "F10": "改行\r\nと\tタブ",
        "G10": "制御\x00\x07文字\x1f",
        "H10": "_x0041_",
    }
    p.set_cells("2", [CellWrite(k, v) for k, v in texts.items()])
    data = p.to_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(p.sheet_part("2"))
    root = etree.fromstring(sheet)
    for ref in texts:
        c = root.find(f".//{M}c[@r='{ref}']")
        assert c.get("t") == "inlineStr" and c.find(M + "f") is None
    ws = openpyxl.load_workbook(io.BytesIO(data))["2"]
    assert ws["B10"].value == "=1+2" and ws["B10"].data_type == "s"
    assert ws["E10"].value == "@SUM(A1)"
    assert ws["F10"].value == "改行\nと\tタブ"
    assert ws["G10"].value == "制御文字"
    assert b"_x005F_x0041_" in sheet  # a literal _xHHHH_ is escaped, not decoded by Excel
    again = PackagePatch(data)
    again.set_cells("2", [CellWrite(k, v) for k, v in texts.items()])
    assert again.changed_parts() == []


def test_shared_strings_are_never_edited(corpus: dict) -> None:
    master = corpus["xlsxwriter"]
    p = PackagePatch.open(master)
    p.set_cells("1", [CellWrite("A1", "事業名"), CellWrite("B4", "2020年度")])
    assert p.changed_parts() == []  # same text as the shared string: nothing to do
    p.set_cells("1", [CellWrite("A1", "書き換え"), CellWrite("B4", "R2年度")])
    assert "xl/sharedStrings.xml" not in p.changed_parts()
    ws = openpyxl.load_workbook(io.BytesIO(p.to_bytes()))["2"]
    assert ws["A1"].value == "事業名"  # sheet 2 shares the string and is untouched


def _sheet(rows: str, extra: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
        f'{M[1:-1]}"><dimension ref="B2:C4"/>{rows}{extra}</worksheet>'
    ).encode()


def test_cells_and_rows_are_inserted_in_order() -> None:
    data = _sheet(
        '<sheetData><row r="2" spans="2:3"><c r="B2" s="1"><v>1</v></c>'
        '<c r="D2"><v>4</v></c></row><row r="3"/><row r="5"><c r="C5"/></row>'
        "</sheetData>",
        '<cols><col min="5" max="5" width="9" style="7"/></cols>',
    )
    writes = [
        CellWrite("A2", "a"),
        CellWrite("C2", 3),
        CellWrite("E2", 5),
        CellWrite("B3", 2.5),
        CellWrite("C4", "new row"),
        CellWrite("A9", 9),
        CellWrite("A1", 0),
    ]
    new, formulas = patch_cells(data, "s", writes)
    assert not formulas
    root = etree.fromstring(new)
    order = [(int(r.get("r")), [c.get("r") for c in r]) for r in root.iter(M + "row")]
    assert order == [
        (1, ["A1"]),
        (2, ["A2", "B2", "C2", "D2", "E2"]),
        (3, ["B3"]),
        (4, ["C4"]),
        (5, ["C5"]),
        (9, ["A9"]),
    ]
    assert root.find(f".//{M}row[@r='2']").get("spans") == "1:5"
    assert root.find(f".//{M}c[@r='E2']").get("s") == "7"  # column style inherited
    assert root.find(M + "dimension").get("ref") == "A1:E9"
    assert new.count(b'<c r="B2" s="1"><v>1</v></c><c r="C2"><v>3</v></c><c r="D2">') == 1


def test_empty_sheet_data_and_implied_refs() -> None:
    new, _ = patch_cells(_sheet("<sheetData/>"), "s", [CellWrite("B2", "x")])
    assert b'<sheetData><row r="2"><c r="B2" t="inlineStr">' in new
    implied = _sheet("<sheetData><row><c><v>1</v></c><c><v>2</v></c></row></sheetData>")
    new, _ = patch_cells(implied, "s", [CellWrite("C1", 3), CellWrite("B1", 20)])
    ws = openpyxl.load_workbook(io.BytesIO(_wrap_single_sheet(new)))["S"]
    assert [c.value for c in ws[1]] == [1, 20, 3]


def test_the_check_after_the_splice_refuses_a_moved_cell() -> None:
    """With implied refs the edit takes the full scan, and the re-parse checks every cell
    is still where it was: an edit that moved one (here B1 dropped in front of the implied
    A1, as a faulty splice would: A1's value lands in C1) is refused, though it parses, has
    as many cells as planned, none twice, and the target holds its value."""
    implied = _sheet('<sheetData><row><c><v>1</v></c><c r="D1"><v>4</v></c></row></sheetData>')
    planned = {(1, 1), (1, 4), (1, 2)}
    good = _sheet(
        '<sheetData><row><c><v>1</v></c><c r="B1"><v>2</v></c><c r="D1"><v>4</v></c></row>'
        "</sheetData>"
    )
    moved = _sheet(
        '<sheetData><row><c r="B1"><v>2</v></c><c><v>1</v></c><c r="D1"><v>4</v></c></row>'
        "</sheetData>"
    )
    expected = {(1, 2): (2, None)}
    sheetxml._verify(good, "s", 3, expected, lambda _i: None, positions=planned)
    with pytest.raises(PatchRefused):
        sheetxml._verify(moved, "s", 3, expected, lambda _i: None, positions=planned)
    with pytest.raises(PatchRefused):  # without positions, implied refs are not expected
        sheetxml._verify(good, "s", 3, expected, lambda _i: None, positions=None)
    new, _ = patch_cells(implied, "s", [CellWrite("B1", 2)])
    assert b'<row><c><v>1</v></c><c r="B1"><v>2</v></c><c r="D1"><v>4</v></c></row>' in new


_PLAIN_ROW = '<row r="5"><c r="F5" s="2"><v>1</v></c><c r="G5" s="3"><v>7</v></c></row>'
_IN_PLACE_CASES = {
    # name: (sheetData and after, whether the in-place path may take it)
    "plain": (f"<sheetData>{_PLAIN_ROW}</sheetData>", True),
    "merged elsewhere": (
        f'<sheetData>{_PLAIN_ROW}</sheetData><mergeCells count="1"><mergeCell ref="A1:B2"/>'
        "</mergeCells>",
        True,
    ),
    "comment": (f"<sheetData><!-- x -->{_PLAIN_ROW}</sheetData>", False),
    "processing instruction": (f"<sheetData><?x y?>{_PLAIN_ROW}</sheetData>", False),
    "cdata": (
        '<sheetData><row r="5"><c r="F5" t="inlineStr"><is><t><![CDATA[a]]></t></is></c>'
        '<c r="G5"><v>7</v></c></row></sheetData>',
        False,
    ),
    "r not first": ('<sheetData><row r="5"><c s="3" r="G5"><v>7</v></c></row></sheetData>', False),
    "implied cell": (
        '<sheetData><row r="5"><c><v>1</v></c><c r="G5"><v>7</v></c></row></sheetData>',
        False,
    ),
    "array formula": (
        '<sheetData><row r="5"><c r="F5"><f t="array" ref="F5">1</f><v>1</v></c>'
        '<c r="G5"><v>7</v></c></row></sheetData>',
        False,
    ),
    "merged target": (
        f'<sheetData>{_PLAIN_ROW}</sheetData><mergeCells count="1"><mergeCell ref="F5:G5"/>'
        "</mergeCells>",
        False,
    ),
    "shared formula": (
        '<sheetData><row r="5"><c r="G5"><f t="shared" si="0" ref="G5:G6">1</f><v>1</v></c>'
        "</row></sheetData>",
        False,
    ),
    "missing target": ('<sheetData><row r="5"><c r="F5"><v>1</v></c></row></sheetData>', False),
    # G5's r="..." text in another cell's attribute value: that cell must not be taken for it
    "r in an attribute value": (
        '<sheetData><row r="5"><c r="F5" foo=\' r="G5"\'><v>1</v></c></row></sheetData>',
        False,
    ),
    "prefixed element": (
        f'<sheetData>{_PLAIN_ROW}</sheetData><extLst><x:ext xmlns:x="urn:x"/></extLst>',
        False,
    ),
}


@pytest.mark.parametrize("case", sorted(_IN_PLACE_CASES))
def test_the_in_place_edit_takes_only_plain_parts_and_writes_what_the_full_path_would(
    case: str,
) -> None:
    body, plain = _IN_PLACE_CASES[case]
    data = _sheet(body)
    writes = [CellWrite("G5", 21833, "SUM(B5:F5)")]
    quick = sheetxml._patch_in_place(data, "s", writes, (), lambda _i: None)
    assert (quick is not None) == plain
    try:
        full = patch_cells(data, "s", writes)
    except PatchRefused:
        assert not plain
        return
    if quick is not None:
        assert quick == full
    root = etree.fromstring(full[0])
    cells = {c.get("r"): c for c in root.iter(M + "c")}
    assert cells["G5"].findtext(M + "v") == "21833"
    if case == "r in an attribute value":
        assert cells["F5"].findtext(M + "v") == "1"  # left alone; G5 was inserted


def test_empty_write_keeps_the_style_and_same_value_is_a_no_op() -> None:
    data = _sheet('<sheetData><row r="2"><c r="B2" s="4"><v>1</v></c></row></sheetData>')
    new, _ = patch_cells(data, "s", [CellWrite("B2", None)])
    assert b'<c r="B2" s="4"/>' in new
    same, _ = patch_cells(data, "s", [CellWrite("B2", 1.0)])
    assert same is data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    existing=st.sets(st.tuples(st.integers(1, 6), st.integers(1, 6)), max_size=12),
    targets=st.dictionaries(
        st.tuples(st.integers(1, 7), st.integers(1, 7)),
        st.one_of(st.integers(-(10**6), 10**6), st.text(max_size=5)),
        min_size=1,
        max_size=8,
    ),
)
def test_splicing_property(existing: set, targets: dict) -> None:
    rows: dict[int, list[int]] = {}
    for r, c in sorted(existing):
        rows.setdefault(r, []).append(c)
    xml = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{chr(64 + c)}{r}" s="2"><v>{r * 10 + c}</v></c>' for c in cols)
        + "</row>"
        for r, cols in rows.items()
    )
    data = _sheet(f"<sheetData>{xml}</sheetData>")
    writes = [CellWrite(f"{chr(64 + c)}{r}", v) for (r, c), v in targets.items()]
    new, _ = patch_cells(data, "s", writes)
    root = etree.fromstring(new)
    seen = [
        (int(row.get("r")), ord(c.get("r")[0]) - 64) for row in root.iter(M + "row") for c in row
    ]
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    for r, c in existing:
        el = root.find(f".//{M}c[@r='{chr(64 + c)}{r}']")
        assert el is not None and el.get("s") == "2"
        if (r, c) not in targets:
            assert el.findtext(M + "v") == str(r * 10 + c)


def _wrap_single_sheet(sheet: bytes) -> bytes:
    p = PackagePatch(_minimal_xlsx())
    sheet_part = p.sheet_part("S")
    src = ZipSource(_minimal_xlsx())
    return write_zip(src, {sheet_part: sheet})


def _minimal_xlsx() -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- calcChain, xlsm, zip


def test_formula_change_drops_calc_chain(corpus: dict, tmp_path: Path) -> None:
    with_chain = add_calc_chain(corpus["xlsxwriter"], tmp_path / "chain.xlsx")
    value_only = PackagePatch.open(with_chain)
    value_only.set_cells("1", [CellWrite("B5", 1)])
    assert value_only.changed_parts() == ["xl/worksheets/sheet1.xml"]
    p = PackagePatch.open(with_chain)
    p.set_cells("1", [CellWrite("G5", 1, formula="SUM(B5:F5)")])
    assert "xl/calcChain.xml" in p.changed_parts()
    assert_valid_xlsx(with_chain)
    assert_valid_xlsx(p.to_bytes())
    z = zipfile.ZipFile(io.BytesIO(p.to_bytes()))
    assert "xl/calcChain.xml" not in z.namelist()
    assert b"calcChain" not in z.read("xl/_rels/workbook.xml.rels")
    assert b"calcChain" not in z.read("[Content_Types].xml")
    assert b'fullCalcOnLoad="1"' in z.read("xl/workbook.xml")


def test_calc_pr_is_created_in_schema_position(corpus: dict, tmp_path: Path) -> None:
    master = corpus["xlsxwriter"]
    wb = zipfile.ZipFile(master).read("xl/workbook.xml")
    wb = re.sub(rb"<calcPr[^>]*/>", b"", wb).replace(
        b"</workbook>", b'<fileRecoveryPr repairLoad="1"/></workbook>'
    )
    src = rewrite_members(master, tmp_path / "nocalc.xlsx", {"xl/workbook.xml": wb})
    p = PackagePatch.open(src)
    p.set_cells("1", [CellWrite("G5", 1, formula="SUM(B5:F5)")])
    new = zipfile.ZipFile(io.BytesIO(p.to_bytes())).read("xl/workbook.xml")
    children = [etree.QName(ch).localname for ch in etree.fromstring(new)]
    assert children[-3:] == ["definedNames", "calcPr", "fileRecoveryPr"]
    assert_valid_xlsx(p.to_bytes())


def test_xlsm_keeps_its_macros(tmp_path: Path) -> None:
    xlsm = build_xlsm(tmp_path)
    p = PackagePatch.open(xlsm)
    p.set_cells("1", [CellWrite("G5", 1, formula="SUM(B5:F5)")])
    p.put_sheet(summary_spec(PROJECTS[:1]), position="last")
    out = tmp_path / "out.xlsm"
    p.save(out)
    before, after = members(xlsm), members(out)
    assert after["xl/vbaProject.bin"][2] == before["xl/vbaProject.bin"][2]
    types = after["[Content_Types].xml"][1]
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert b'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types
    assert b"vbaProject" in after["xl/_rels/workbook.xml.rels"][1]
    assert openpyxl.load_workbook(out, keep_vba=True).sheetnames == ["1", "総括表"]
    assert_valid_xlsx(xlsm)
    assert_valid_xlsx(out)


def test_replacing_a_sheet_keeps_its_place_and_drops_its_rels(corpus: dict) -> None:
    p = PackagePatch.open(corpus["xlsxwriter"])
    part = p.sheet_part("1")
    p.put_sheet(summary_spec(PROJECTS, name="1"), position="first")  # position ignored
    assert p.sheet_names() == ["1", "2", "リスト", "テーブル"] and p.sheet_part("1") == part
    assert "xl/worksheets/_rels/sheet1.xml.rels" in p.changed_parts()
    z = zipfile.ZipFile(io.BytesIO(p.to_bytes()))
    assert "xl/worksheets/_rels/sheet1.xml.rels" not in z.namelist()
    assert b'sheetId="1" r:id="rId1"' in z.read("xl/workbook.xml")
    wb = openpyxl.load_workbook(io.BytesIO(p.to_bytes()))
    assert wb["1"]["A1"].value == "具体的取組の総括表"
    assert_valid_xlsx(p.to_bytes())


def test_insert_in_the_middle_renumbers_local_names(corpus: dict) -> None:
    p = PackagePatch.open(corpus["xlsxwriter"])
    p.put_sheet(
        SheetSpec("中間", rows=[[CellSpec("x", "b")]], styles={"b": StyleSpec(bold=True)}),
        position=2,
    )
    wb = etree.fromstring(zipfile.ZipFile(io.BytesIO(p.to_bytes())).read("xl/workbook.xml"))
    locals_ = {d.get("name"): d.get("localSheetId") for d in wb.iter(M + "definedName")}
    assert locals_["_xlnm.Print_Area"] == "1"  # sheet '2' stays at index 1
    assert p.sheet_names() == ["1", "2", "中間", "リスト", "テーブル"]
    assert_valid_xlsx(p.to_bytes())


def test_styles_are_appended_never_moved(corpus: dict) -> None:
    master = corpus["xlsxwriter"]
    old = etree.fromstring(zipfile.ZipFile(master).read("xl/styles.xml"))
    p = refresh(master)
    new = etree.fromstring(zipfile.ZipFile(io.BytesIO(p.to_bytes())).read("xl/styles.xml"))
    for coll in ("numFmts", "fonts", "fills", "borders", "cellXfs"):
        o, n = old.find(M + coll), new.find(M + coll)
        if o is None:
            continue
        assert [etree.tostring(e) for e in n][: len(o)] == [etree.tostring(e) for e in o]
        assert int(n.get("count")) == len(n)


def test_missing_app_xml_and_book_views(corpus: dict, tmp_path: Path) -> None:
    master = corpus["xlsxwriter"]
    wb = zipfile.ZipFile(master).read("xl/workbook.xml")
    wb = re.sub(rb"<bookViews>.*?</bookViews>", b"", wb)
    src = rewrite_members(
        master, tmp_path / "bare.xlsx", {"docProps/app.xml": None, "xl/workbook.xml": wb}
    )
    p = PackagePatch.open(src)
    p.put_sheet(summary_spec(PROJECTS), position="first")
    data = p.to_bytes()
    assert b'<bookViews><workbookView activeTab="1"/></bookViews><sheets>' in zipfile.ZipFile(
        io.BytesIO(data)
    ).read("xl/workbook.xml")
    assert openpyxl.load_workbook(io.BytesIO(data)).active.title == "1"
    # the input's _rels/.rels still names the removed app.xml; kohyo adds no problem to that
    assert validate_xlsx(data) == validate_xlsx(src) != []


def test_zip_copy_handles_descriptors_and_zip64_extras(tmp_path: Path) -> None:
    buf = io.BytesIO()

    class Unseekable(io.RawIOBase):  # makes zipfile write data descriptors
        def writable(self) -> bool:
            return True

        def write(self, b) -> int:  # type: ignore[override]
            return buf.write(b)

    with zipfile.ZipFile(Unseekable(), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", b"<a/>" * 100)
        with z.open("big.bin", "w", force_zip64=True) as fh:
            fh.write(b"x" * 5000)
        z.writestr("stored.txt", b"plain", compress_type=zipfile.ZIP_STORED)
    src = ZipSource(buf.getvalue())
    out = write_zip(src, {"a.xml": b"<b/>"}, [("new.xml", b"<n/>")])
    z = zipfile.ZipFile(io.BytesIO(out))
    assert z.testzip() is None
    assert z.namelist() == ["a.xml", "big.bin", "stored.txt", "new.xml"]
    assert z.read("a.xml") == b"<b/>" and z.read("big.bin") == b"x" * 5000
    copied = ZipSource(out)
    for name in ("big.bin", "stored.txt"):
        assert copied.raw_member(name).raw == src.raw_member(name).raw
    same = ZipSource(write_zip(src, {}))
    assert [same.raw_member(n).raw for n in same.names()] == [
        src.raw_member(n).raw for n in src.names()
    ]


# --------------------------------------------------------------------------- edge cases


def test_prefixed_namespace_sheet() -> None:
    data = (
        f'<x:worksheet xmlns:x="{M[1:-1]}"><x:sheetData><x:row r="1"><x:c r="A1" s="3">'
        "<x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>"
    ).encode()
    new, formulas = patch_cells(
        data, "s", [CellWrite("A1", 2, formula="1+1"), CellWrite("B1", "t")]
    )
    assert formulas
    assert new.count(b'<x:c r="A1" s="3"><x:f>1+1</x:f><x:v>2</x:v></x:c>') == 1
    assert b'<x:c r="B1" t="inlineStr"><x:is><x:t>t</x:t></x:is></x:c></x:row>' in new


def test_local_name_text_is_compared_not_its_escaping() -> None:
    from kohyo.xlsx import opc

    wb = (
        f'<workbook xmlns="{M[1:-1]}"><sheets><sheet name="a" sheetId="1"/></sheets>'
        '<definedNames><definedName localSheetId="0" name="_xlnm.Print_Titles">'
        "&apos;a&apos;!$1:$2</definedName></definedNames></workbook>"
    ).encode()
    wanted = {"_xlnm.Print_Titles": "'a'!$1:$2"}
    assert opc.set_local_names(wb, 0, wanted, ("_xlnm.Print_Titles",)) is wb
    changed = opc.set_local_names(wb, 0, {}, ("_xlnm.Print_Titles",))
    assert b"Print_Titles" not in changed and b"<definedNames></definedNames>" in changed


def test_insert_after_the_active_sheet_keeps_active_tab(corpus: dict) -> None:
    p = PackagePatch.open(corpus["xlsxwriter"])
    p.put_sheet(summary_spec(PROJECTS), position="last")
    wb = zipfile.ZipFile(io.BytesIO(p.to_bytes())).read("xl/workbook.xml")
    assert b"activeTab" not in wb  # still the first sheet (default 0)
    assert p.sheet_names()[-1] == "総括表"
    assert_valid_xlsx(p.to_bytes())


def test_unknown_sheet_and_non_worksheet_targets(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "chart.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("data")
    ws.write_column("A1", [1, 2, 3])
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=data!$A$1:$A$3"})
    wb.add_chartsheet("総括表").set_chart(chart)
    wb.close()
    p = PackagePatch.open(path)
    with pytest.raises(PatchRefused, match="シート「ない」がブックにありません"):
        p.set_cells("ない", [CellWrite("A1", 1)])
    with pytest.raises(PatchRefused, match="ワークシートではない"):
        p.set_cells("総括表", [CellWrite("A1", 1)])
    with pytest.raises(PatchRefused, match="ワークシート以外のシート"):
        p.put_sheet(summary_spec(PROJECTS), position="first")
    assert p.changed_parts() == []


def test_strict_or_broken_workbooks_are_refused(corpus: dict, tmp_path: Path) -> None:
    master = corpus["xlsxwriter"]
    wb = (
        zipfile.ZipFile(master)
        .read("xl/workbook.xml")
        .replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        )
    )
    strict = rewrite_members(master, tmp_path / "strict.xlsx", {"xl/workbook.xml": wb})
    with pytest.raises(PatchRefused, match="Strict"):
        PackagePatch.open(strict)
    evil = rewrite_members(
        master,
        tmp_path / "evil.xlsx",
        {
            "xl/worksheets/sheet1.xml": (
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>'
            )
        },
    )
    with pytest.raises(Exception, match="DOCTYPE"):
        PackagePatch.open(evil).set_cells("1", [CellWrite("A1", 1)])


def test_sheet_spec_validation() -> None:
    with pytest.raises(ValueError, match="invalid sheet name"):
        SheetSpec("a/b", rows=[])
    with pytest.raises(ValueError, match="unknown style"):
        SheetSpec("ok", rows=[[CellSpec(1, "missing")]])
    with pytest.raises(ValueError, match="colour"):
        StyleSpec(fill_color="red")
    with pytest.raises(ValueError):
        patch_cells(_sheet("<sheetData/>"), "s", [CellWrite("A1", float("nan"))])


def test_a_failed_edit_leaves_nothing_pending(
    corpus: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kohyo.xlsx import opc

    p = PackagePatch.open(corpus["xlsxwriter"])
    p.set_cells("1", [CellWrite("B5", 7)])

    def boom(*_a: object) -> None:
        raise RuntimeError("app.xml exploded")

    monkeypatch.setattr(opc, "app_add_title", boom)
    with pytest.raises(RuntimeError):
        p.put_sheet(summary_spec(PROJECTS), position="first")
    assert p.changed_parts() == ["xl/worksheets/sheet1.xml"]
    assert p.sheet_names() == ["1", "2", "リスト", "テーブル"]


@pytest.mark.parametrize("index", ["9" * 5000, "²", "0"])
def test_same_content_takes_any_shared_string_index(index: str) -> None:
    """A cell's ``<v>`` is whatever the file says: a 5,000-digit index (int() refuses it)
    or a non-ASCII digit is no string kohyo would write; only a real index is compared."""
    el = etree.fromstring(f'<c xmlns="{M[1:-1]}" r="A1" t="s"><v>{index}</v></c>')
    strings = ["計"]

    def shared(i: int) -> str | None:
        return strings[i] if 0 <= i < len(strings) else None

    assert same_content(el, "計", None, shared) is (index == "0")


@pytest.mark.parametrize(
    "data",
    [b"<a><b:c/></a>", b"<a><b></a>", b"<a>&foo;</a>", b'<a x="1" x="2"/>',
     b"<!DOCTYPE a><a/>", b"<a>\x01</a>", b"<a/><b/>"],
)  # fmt: skip
def test_check_well_formed_refuses_what_lxml_refuses(data: bytes) -> None:
    """The check of a generated sheet (no tree built) refuses what a parse would refuse."""
    with pytest.raises(PartMalformed):
        check_well_formed(data)
    with pytest.raises((etree.XMLSyntaxError, KohyoError)):
        parse_xml(data)


def test_check_well_formed_accepts_a_built_summary() -> None:
    spec = summary_spec(
        [(1, '事業 <A> & "B"', [1, None, 3, 4, 5]), (2, "=1+1", [None, 2, 0, 0, 0])]
    )
    xml = build_sheet_xml(spec, lambda _n: 1, tab_selected=False)
    check_well_formed(xml)
    check_well_formed(b'<a xmlns:b="u"><b:c/></a>')
