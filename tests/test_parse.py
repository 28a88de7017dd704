"""Reading 個表 that drift from the canonical grid (contract §2, §3).

Sheets are built with tests/builders.py; the quirks Excel produces and openpyxl
does not (shared strings with furigana, cached formula values, cells without
addresses, a lying <dimension>) are made by editing the sheet XML in the zip.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from builders import Layout, project, write_master, write_sheet
from kohyo.config import Config
from kohyo.model.project import DASH, CellKind, Project
from kohyo.read.grid import parse_ref
from kohyo.read.master import check_master, dump_master, read_master

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET1 = "xl/worksheets/sheet1.xml"


# --------------------------------------------------------------------------- helpers


def build(
    tmp_path: Path, p: dict[str, Any], layout: Layout | None = None, name: str = "m.xlsx"
) -> tuple[Path, dict[str, str]]:
    path = tmp_path / name
    cells = write_master(path, [p], layouts={0: layout} if layout else None)
    return path, cells[str(p.get("sheet", p["number"]))]


def read_one(path: Path, config: Config) -> Project:
    master = read_master(path, config)
    assert len(master.projects) == 1, master.skipped
    return master.projects[0]


def edit_parts(path: Path, edits: dict[str, Callable[[bytes], bytes]]) -> None:
    """Rewrite *path* in place, passing the named parts through their edit functions."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            fn = edits.get(info.filename)
            zout.writestr(info.filename, fn(data) if fn else data)
        for name, fn in edits.items():
            if name not in {i.filename for i, _ in items}:
                zout.writestr(name, fn(b""))


def part(path: Path, name: str = SHEET1) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def to_shared_strings(path: Path, phonetic: dict[str, str]) -> None:
    """Move every inline string into xl/sharedStrings.xml as Excel stores text.

    Strings listed in *phonetic* get a furigana run (<rPh>) and <phoneticPr>, the way
    Excel keeps what the IME saw; the reading must never become part of the text.
    """
    root = etree.fromstring(part(path))
    sst = etree.Element(f"{{{NS}}}sst", nsmap={None: NS})
    index: dict[str, int] = {}
    for c in root.iter(f"{{{NS}}}c"):
        if c.get("t") != "inlineStr":
            continue
        is_el = c.find(f"{{{NS}}}is")
        text = "".join(is_el.itertext())
        if text not in index:
            index[text] = len(index)
            si = etree.SubElement(sst, f"{{{NS}}}si")
            t = etree.SubElement(si, f"{{{NS}}}t")
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            if text in phonetic:
                rph = etree.SubElement(si, f"{{{NS}}}rPh", sb="0", eb=str(len(text)))
                etree.SubElement(rph, f"{{{NS}}}t").text = phonetic[text]
                etree.SubElement(si, f"{{{NS}}}phoneticPr", fontId="1")
        c.remove(is_el)
        c.set("t", "s")
        etree.SubElement(c, f"{{{NS}}}v").text = str(index[text])
    sst.set("count", str(len(index)))
    sst.set("uniqueCount", str(len(index)))
    sheet_xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    sst_xml = etree.tostring(sst, xml_declaration=True, encoding="UTF-8", standalone=True)
    rel = (
        b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    edit_parts(
        path,
        {
            SHEET1: lambda _: sheet_xml,
            "xl/sharedStrings.xml": lambda _: sst_xml,
            "xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", rel),
            "[Content_Types].xml": lambda d: d.replace(b"</Types>", override),
        },
    )


def strip_cell_refs(data: bytes) -> bytes:
    """Drop the r attribute of every cell whose column follows the previous one (valid XML)."""
    root = etree.fromstring(data)
    dropped = 0
    for row in root.iter(f"{{{NS}}}row"):
        prev = 0
        for c in row.iter(f"{{{NS}}}c"):
            col = parse_ref(c.get("r"))[1]
            if col == prev + 1:
                del c.attrib["r"]
                dropped += 1
            prev = col
    assert dropped > 10  # the edit really happened
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def set_cached_value(data: bytes, ref: str, value: str, t: str | None = None) -> bytes:
    """Give the formula cell *ref* a cached value (what Excel stores after calculating)."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*)><f>(.*?)</f><v\s*(?:/>|></v>)')
    attrs = b' t="' + t.encode() + b'"' if t else b""
    new, n = pattern.subn(
        lambda m: (
            b'<c r="'
            + ref.encode()
            + b'"'
            + m.group(1)
            + attrs
            + b"><f>"
            + m.group(2)
            + b"</f><v>"
            + value.encode()
            + b"</v>"
        ),
        data,
    )
    assert n == 1, data
    return new


# --------------------------------------------------------------------------- canonical grid


def test_canonical_sheet_reads_every_value_and_its_cell(tmp_path: Path, config: Config) -> None:
    path, cells = build(tmp_path, project())
    p = read_one(path, config)
    assert (p.sheet, p.number, p.number_cell) == ("4", 4, "B1")
    assert (p.name.text, p.name.cell) == ("地域企業ビジネス支援拠点運営事業", "C1")
    assert (p.municipalities_label.text, p.municipalities_label.cell) == ("全市町村", "F1")
    assert p.municipalities == list(config.area.municipalities)
    assert (p.content.text, p.content.cell) == ("○圏域の起業・創業の促進を図る。", "B2")
    assert (p.effect.text, p.effect.cell) == ("圏域全体の雇用の創出", "B3")
    amounts = {y: (c.value, c.kind, c.cell) for y, c in p.costs.amounts.items()}
    assert amounts == {
        2020: (100, CellKind.NUMBER, "B5"),
        2021: (200, CellKind.NUMBER, "C5"),
        2022: (DASH, CellKind.DASH, "D5"),
        2023: (None, CellKind.BLANK, "E5"),
        2024: (None, CellKind.BLANK, "F5"),
    }
    assert [(h.year, h.cell) for h in p.costs.headers] == [
        (2020, "B4"),
        (2021, "C4"),
        (2022, "D4"),
        (2023, "E4"),
        (2024, "F4"),
    ]
    assert (p.costs.total.value, p.costs.total.cell, p.costs.total_header_cell) == (300, "G5", "G4")
    assert [(r.who, r.text, r.who_cell, r.cell) for r in p.roles] == [
        ("青森市", "事業企画", "B6", "C6"),
        ("連携町村", "費用負担等", "B7", "C7"),
    ]
    assert [
        (i.name, i.current, i.target, i.name_cell, i.current_cell, i.target_cell)
        for i in p.indicators
    ] == [
        ("創業件数", "21件 (2019年度見込)", "30件", "B9", "D9", "F9"),
    ]
    assert (p.indicator_target_year, p.indicator_header_cell) == (2024, "F8")
    assert p.notes == []
    assert p.missing_blocks == []
    # The builder's own record of where it wrote agrees.
    assert cells["total"] == "G5" and cells["kpi0_target"] == "F9"


# --------------------------------------------------------------------------- drift


@pytest.mark.parametrize(
    "layout",
    [
        Layout(row_offset=2, col_offset=1),
        Layout(row_offset=5),
        Layout(col_offset=3),
        Layout(extra_rows={"content": 2, "costs": 1, "kpis": 3}),
        Layout(row_offset=1, col_offset=2, name_split=True, extra_rows={"costs": 2}),
    ],
    ids=["offset-2-1", "rows-5", "cols-3", "blank-rows-before-blocks", "everything"],
)
def test_drifted_grid_reads_the_same_values_at_the_right_cells(
    tmp_path: Path, config: Config, layout: Layout
) -> None:
    p_dict = project(notes=["※注記"])
    path, cells = build(tmp_path, p_dict, layout)
    p = read_one(path, config)
    canonical = read_one(build(tmp_path, p_dict, name="c.xlsx")[0], config)
    assert dump_master_one(p, config) == dump_master_one(canonical, config)
    assert p.number_cell == cells["number"]
    assert p.name.cell == cells["name"]
    assert p.municipalities_label.cell == cells["munis"]
    assert p.content.cell == cells["content"]
    assert p.effect.cell == cells["effect"]
    for i, year in enumerate(config.plan.fiscal_years):
        assert p.costs.amounts[year].cell == cells[f"cost{i}"]
    assert p.costs.total.cell == cells["total"]
    assert [r.who_cell for r in p.roles] == [cells["who:青森市"], cells["who:連携町村"]]
    assert [r.cell for r in p.roles] == [cells["role:青森市"], cells["role:連携町村"]]
    ind = p.indicators[0]
    assert (ind.name_cell, ind.current_cell, ind.target_cell) == (
        cells["kpi0"],
        cells["kpi0_current"],
        cells["kpi0_target"],
    )
    assert p.indicator_header_cell == cells["kpi_header_target"]
    assert [n.cell for n in p.notes] == [cells["note0"]]


def test_offset_addresses_spelled_out(tmp_path: Path, config: Config) -> None:
    path, _ = build(tmp_path, project(), Layout(row_offset=2, col_offset=1))
    p = read_one(path, config)
    assert p.costs.amounts[2021].cell == "D7"
    assert p.costs.total.cell == "H7"
    assert p.number_cell == "C3"
    assert p.indicators[0].target_cell == "G11"


def dump_master_one(p: Project, config: Config) -> dict[str, Any]:
    from kohyo.read.master import dump_project

    return dump_project(p, config)


@pytest.mark.parametrize(
    "labels",
    [
        {"costs": "事業費見込額\n（単位：千円）"},
        {"costs": "事業費見込額"},
        {"costs": "事業費見込額（単位:千円）"},
        {"roles": "連携市町村の\n役割分担"},
        {"roles": "連携市町村の 役割分担"},
        {"kpis": "成果 指標"},
        {"kpis": "成果\n指標"},
        {
            "name": " 事業名 ",
            "munis": "関係\n市町村",
            "content": "内　容",
            "effect": "連携\u3000効果",
        },
        {"name": "事業名称", "content": "事業内容"},
    ],
    ids=lambda d: "+".join(d),
)
def test_labels_with_breaks_spaces_and_full_width(
    tmp_path: Path, config: Config, labels: dict[str, str]
) -> None:
    path, _ = build(tmp_path, project(labels=labels))
    master, report = check_master(path, config)
    assert [f.key() for f in report.findings] == []
    p = master.projects[0]
    assert p.missing_blocks == []
    assert p.costs.amounts[2021].value == 200
    assert p.roles[0].text == "事業企画"
    assert p.indicators[0].name == "創業件数"


def test_kpi_header_with_compatibility_kanji(tmp_path: Path, config: Config) -> None:
    # "⽬" is the Kangxi radical U+2F6C that PDF copy-paste leaves behind; NFKC makes it 目.
    header = ["指標", "現状値（調査時点）", "\u2f6c標値（２０２４年度）"]
    path, _ = build(tmp_path, project(kpi_header=header))
    p = read_one(path, config)
    assert (p.indicator_target_year, p.indicator_header_cell) == (2024, "F8")
    assert p.indicators[0].target == "30件"


def test_name_spread_over_two_cells(tmp_path: Path, config: Config) -> None:
    path, _ = build(tmp_path, project(name="圏域観光推進事業"), Layout(name_split=True))
    p = read_one(path, config)
    assert (p.name.text, p.name.cell) == ("圏域観光推進事業", "C1")
    assert (p.number, p.municipalities_label.text) == (4, "全市町村")


@pytest.mark.parametrize("n", [0, 1, 7])
def test_any_number_of_kpi_rows(tmp_path: Path, config: Config, n: int) -> None:
    kpis = [(f"指標{i}", f"{i}件", f"{i * 10}件") for i in range(n)]
    path, cells = build(tmp_path, project(kpis=kpis, notes=["※指標の注記"]))
    master, report = check_master(path, config)
    p = master.projects[0]
    assert [(i.name, i.current, i.target) for i in p.indicators] == kpis
    assert [i.name_cell for i in p.indicators] == [cells[f"kpi{i}"] for i in range(n)]
    assert [n.text for n in p.notes] == ["※指標の注記"]
    expected = [("4", "A8", "kpi-none")] if n == 0 else []
    assert [f.key() for f in report.findings] == expected


def test_kpi_rows_stop_at_a_blank_row(tmp_path: Path, config: Config) -> None:
    kpis = [("創業件数", "21件", "30件"), ("", "", ""), ("相談件数", "—", "—")]
    path, _ = build(tmp_path, project(kpis=kpis))
    p = read_one(path, config)
    assert [i.name for i in p.indicators] == ["創業件数"]


def test_footnotes_after_kpis_kept_in_order(tmp_path: Path, config: Config) -> None:
    notes = ["※1 現状値は2019年度見込み", "※2 目標値はNO.4に統合", "※3 千円未満切捨て"]
    path, cells = build(tmp_path, project(notes=notes))
    p = read_one(path, config)
    assert [(n.text, n.cell) for n in p.notes] == [
        (text, cells[f"note{i}"]) for i, text in enumerate(notes)
    ]
    # notes are not KPI rows
    assert [i.name for i in p.indicators] == ["創業件数"]


def test_kpi_texts_fold_white_space_and_read_dashes(tmp_path: Path, config: Config) -> None:
    kpis = [
        ("相談窓口での\n年間相談件数", "21件\n(2019年度見込)", "ー"),
        ("創業件数", "－", " 30件 "),
    ]
    path, _ = build(tmp_path, project(kpis=kpis))
    p = read_one(path, config)
    assert [(i.name, i.current, i.target) for i in p.indicators] == [
        ("相談窓口での年間相談件数", "21件 (2019年度見込)", DASH),
        ("創業件数", DASH, "30件"),
    ]


def test_role_row_naming_one_town(tmp_path: Path, config: Config) -> None:
    roles = [("青森市", "事業企画、事業実施"), ("平内町", "会場の提供"), ("連携町村", "費用負担等")]
    path, _ = build(tmp_path, project(roles=roles))
    master, report = check_master(path, config)
    p = master.projects[0]
    assert [(r.who, r.who_cell) for r in p.roles] == [
        ("青森市", "B6"),
        ("平内町", "B7"),
        ("連携町村", "B8"),
    ]
    area = config.area

    def role(town: str) -> str | None:
        return p.role_for(town, area.central_city, area.partner_label)

    assert role("青森市") == "事業企画、事業実施"
    assert role("平内町") == "会場の提供"
    assert [role(t) for t in ("今別町", "蓬田村", "外ヶ浜町")] == ["費用負担等"] * 3
    assert [f.key() for f in report.findings] == []
    # the KPI block still starts where it should
    assert p.indicators[0].name_cell == "B10"


def test_free_text_mentioning_a_label_does_not_move_the_block(
    tmp_path: Path, config: Config
) -> None:
    effect = "連携市町村の役割分担を明確にし、成果指標を共有する。事業費見込額は毎年度見直す。"
    content = "○成果指標の達成に向けて取り組む。\n○連携効果を高める。"
    name = "成果指標共有推進事業"
    path, _ = build(tmp_path, project(name=name, effect=effect, content=content))
    master, report = check_master(path, config)
    p = master.projects[0]
    assert (p.name.text, p.effect.text, p.content.text) == (name, effect, content)
    assert [(r.who, r.who_cell) for r in p.roles] == [("青森市", "B6"), ("連携町村", "B7")]
    assert p.costs.amounts[2020].cell == "B5"
    assert p.indicators[0].name_cell == "B9"
    assert [f.key() for f in report.findings] == []


def test_values_that_read_exactly_like_labels(tmp_path: Path, config: Config) -> None:
    # Found by the round-trip property test: a KPI target of 「内容」 ended the KPI block.
    p_dict = project(
        content="連携効果",
        effect="事業費見込額",
        roles=[("青森市", "事業内容"), ("連携町村", "成果指標")],
        kpis=[("連携効果", "内容", "内容"), ("事業内容", "—", "成果指標")],
    )
    path, _ = build(tmp_path, p_dict)
    master, report = check_master(path, config)
    p = master.projects[0]
    assert (p.content.text, p.effect.text) == ("連携効果", "事業費見込額")
    assert (p.content.cell, p.effect.cell, p.costs.label_cell) == ("B2", "B3", "A4")
    assert [(r.who, r.text) for r in p.roles] == [("青森市", "事業内容"), ("連携町村", "成果指標")]
    assert [(i.name, i.current, i.target) for i in p.indicators] == [
        ("連携効果", "内容", "内容"),
        ("事業内容", "—", "成果指標"),
    ]
    assert [f.key() for f in report.findings] == []


def test_content_keeps_paragraph_breaks(tmp_path: Path, config: Config) -> None:
    content = "○圏域の起業・創業の促進を図る。\r\n○相談窓口を設ける。  \n\n○三つ目"
    path, _ = build(tmp_path, project(content=content))
    assert read_one(path, config).content.text == (
        "○圏域の起業・創業の促進を図る。\n○相談窓口を設ける。\n\n○三つ目"
    )


@pytest.mark.parametrize(
    ("label", "members"),
    [
        ("全市町村", ["青森市", "平内町", "今別町", "蓬田村", "外ヶ浜町"]),
        ("青森市、平内町", ["青森市", "平内町"]),
        ("外ヶ浜町・青森市", ["青森市", "外ヶ浜町"]),
        ("青森市 今別町\u3000蓬田村", ["青森市", "今別町", "蓬田村"]),
        ("青森市、連携町村", ["青森市", "平内町", "今別町", "蓬田村", "外ヶ浜町"]),
    ],
)
def test_municipalities_expand_in_config_order(
    tmp_path: Path, config: Config, label: str, members: list[str]
) -> None:
    path, _ = build(tmp_path, project(municipalities=label))
    p = read_one(path, config)
    assert (p.municipalities, p.municipalities_label.text) == (members, label)
    assert p.unknown_municipalities == []


@pytest.mark.parametrize(("raw", "number"), [(4, 4), ("4", 4), ("４", 4), ("NO.4", 4), (4.0, 4)])
def test_project_number_forms(tmp_path: Path, config: Config, raw: object, number: int) -> None:
    path, _ = build(tmp_path, project(number=raw, sheet="4"))
    p = read_one(path, config)
    assert (p.number, p.number_cell) == (number, "B1")


# --------------------------------------------------------------------------- what Excel writes


def test_formula_with_cached_value_counts_by_its_value(tmp_path: Path, config: Config) -> None:
    path, _ = build(tmp_path, project(costs=["=50+50", 200, "—", None, None], total="=SUM(B5:F5)"))

    # builders.py marks "=..." as text; make B5 and G5 real formulas Excel has calculated.
    def edit(data: bytes) -> bytes:
        data = re.sub(
            rb'<c r="(B5|G5)"([^>]*) t="inlineStr"><is><t>=(.*?)</t></is></c>',
            lambda m: (
                b'<c r="'
                + m.group(1)
                + b'"'
                + m.group(2)
                + b"><f>"
                + m.group(3)
                + b"</f><v></v></c>"
            ),
            data,
        )
        data = set_cached_value(data, "B5", "100")
        return set_cached_value(data, "G5", "300")

    edit_parts(path, {SHEET1: edit})
    master, report = check_master(path, config)
    p = master.projects[0]
    b5 = p.costs.amounts[2020]
    assert (b5.value, b5.kind, b5.formula, b5.cell) == (100, CellKind.NUMBER, "50+50", "B5")
    assert (p.costs.total.value, p.costs.total.formula) == (300, "SUM(B5:F5)")
    assert [f.key() for f in report.findings] == []


def test_formula_without_cached_value_is_a_finding(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "f.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "4"
    write_sheet(ws, project())
    ws["C5"] = "=100+100"  # openpyxl writes the formula and no cached value
    wb.save(path)
    assert b"<f>100+100</f><v></v>" in part(path) or b"<f>100+100</f><v/>" in part(path)
    master, report = check_master(path, config)
    c5 = master.projects[0].costs.amounts[2021]
    assert (c5.value, c5.kind, c5.formula) == (None, CellKind.FORMULA_NO_CACHE, "100+100")
    assert [f.key() for f in report.findings] == [
        ("4", "C5", "formula-no-cache"),
        ("4", "G5", "total-mismatch"),
    ]
    assert "=100+100" in report.findings[0].message


def test_formula_with_cached_empty_string_is_blank_not_uncached(
    tmp_path: Path, config: Config
) -> None:
    from openpyxl import Workbook

    path = tmp_path / "f.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "4"
    write_sheet(ws, project(costs=[100, 200, "—", None, None]))
    ws["E5"] = '=IF(TRUE,"","x")'
    wb.save(path)
    # Excel stores a formula whose result is "" as t="str" with an empty <v>.
    edit_parts(path, {SHEET1: lambda d: set_cached_value(d, "E5", "", t="str")})
    master, report = check_master(path, config)
    e5 = master.projects[0].costs.amounts[2023]
    assert (e5.value, e5.kind) == (None, CellKind.BLANK)
    assert [f.key() for f in report.findings] == []


def test_shared_strings_with_phonetic_runs(tmp_path: Path, config: Config) -> None:
    p_dict = project(
        municipalities="青森市、平内町",
        roles=[("青森市", "事業企画"), ("平内町", "会場の提供"), ("連携町村", "費用負担等")],
    )
    path, _ = build(tmp_path, p_dict)
    inline = dump_master(read_master(path, config), config)
    to_shared_strings(
        path,
        {
            "事業名": "ジギョウメイ",
            "地域企業ビジネス支援拠点運営事業": "チイキキギョウ",
            "青森市、平内町": "アオモリシ、ヒラナイマチ",
            "平内町": "ヒラナイマチ",
            "成果指標": "セイカシヒョウ",
            "創業件数": "ソウギョウケンスウ",
        },
    )
    data = part(path)
    assert b"inlineStr" not in data and b"<rPh" in part(path, "xl/sharedStrings.xml")
    master = read_master(path, config)
    assert dump_master(master, config) == inline
    p = master.projects[0]
    assert p.name.text == "地域企業ビジネス支援拠点運営事業"
    assert p.municipalities == ["青森市", "平内町"]
    assert p.role_for("平内町", "青森市", "連携町村") == "会場の提供"


def test_cells_without_an_address(tmp_path: Path, config: Config) -> None:
    p_dict = project(notes=["※注記"])
    path, cells = build(tmp_path, p_dict, Layout(row_offset=1, col_offset=1))
    before = read_one(path, config)
    edit_parts(path, {SHEET1: strip_cell_refs})
    after = read_one(path, config)
    assert after == before
    assert after.costs.amounts[2024].cell == cells["cost4"] == "G6"


def test_lying_dimension_does_not_hide_cells(tmp_path: Path, config: Config) -> None:
    path, _ = build(tmp_path, project(notes=["※注記"]))
    before = read_one(path, config)

    def lie(data: bytes) -> bytes:
        new, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:A1"/>', data)
        assert n == 1
        return new

    edit_parts(path, {SHEET1: lie})
    assert b'<dimension ref="A1:A1"/>' in part(path)
    after = read_one(path, config)
    assert after == before
    assert after.notes[0].text == "※注記"


# --------------------------------------------------------------------------- sheets that are not 個表


def test_cover_and_summary_sheets_are_skipped(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "m.xlsx"
    write_master(
        path,
        [project(4), project(5, name="圏域観光推進事業")],
        extra_sheets=[
            ("表紙", [["青森圏域連携中枢都市圏ビジョン"], ["個表"]]),
            ("総括表", [["番号", "事業名", "関係市町村"], [4, "地域企業", "全市町村"]]),
        ],
    )
    master, report = check_master(path, config)
    assert [p.sheet for p in master.projects] == ["4", "5"]
    assert master.sheet_order == ["表紙", "総括表", "4", "5"]
    assert [(s.sheet) for s in master.skipped] == ["表紙", "総括表"]
    assert [(f.key(), f.severity) for f in report.findings] == [
        (("表紙", None, "sheet-skipped"), "info"),
        (("総括表", None, "sheet-skipped"), "info"),
    ]
    assert report.exit_code == 0
