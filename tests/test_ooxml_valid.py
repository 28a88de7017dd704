"""Every workbook kohyo writes conforms to ECMA-376 (tests/ooxml.py): one of each output kind
made end to end, the third-party inputs kohyo patches, and proof that the check bites."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from browser import chromium
from builders import project, write_master
from conftest import REAL_CONFIG, ROOT, SampleBuild
from fidelity.build_corpus import (
    build_xlsxwriter,
    rewrite_members,
)
from kohyo.edit.refresh import refresh_master
from kohyo.read.grid import col_letter
from kohyo.xlsx.patch import (
    CellSpec,
    CellWrite,
    PackagePatch,
    PatchRefused,
    PrintSetup,
    SheetSpec,
    StyleSpec,
)
from libreoffice import soffice
from ooxml import assert_valid_xlsx, validate_xlsx
from xlsx_parts import members

SHEET = "xl/worksheets/sheet2.xml"  # the 個表 "2" of the sample master


# --- the check bites --------------------------------------------------------------------


def broken(sample: SampleBuild, tmp_path: Path, part: str, edit: Callable[[str], str]) -> Path:
    """A copy of the sample master with one part edited as text; the edit must change it."""
    text = members(sample.master)[part].decode("utf-8")
    changed = edit(text)
    assert changed != text, "the edit did not apply: the test would prove nothing"
    return rewrite_members(sample.master, tmp_path / "broken.xlsx", {part: changed.encode()})


def cols_after_sheet_data(xml: str) -> str:
    cols = re.search(r"<cols>.*?</cols>", xml).group(0)
    return xml.replace(cols, "").replace("</sheetData>", "</sheetData>" + cols)


def second_row_before_first(xml: str) -> str:
    rows = re.findall(r"<row r=\"[12]\".*?</row>", xml)
    return xml.replace(rows[0] + rows[1], rows[1] + rows[0])


BREAKAGES = {
    "cols after sheetData": (
        SHEET,
        cols_after_sheet_data,
        "Element '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}cols': "
        "This element is not expected.",
    ),
    "overlapping merge": (
        SHEET,
        lambda x: x.replace('<mergeCell ref="C1:D1"/>', '<mergeCell ref="C1:D2"/>'),
        "merged range B2:G2 overlaps C1:D2",
    ),
    "style index out of range": (
        SHEET,
        lambda x: x.replace('<c r="A1" s="4"', '<c r="A1" s="11"'),
        "cell A1 s=11 but 11 cellXfs",
    ),
    "row out of order": (SHEET, second_row_before_first, "row 1 follows row 2"),
    "cell outside its row": (
        SHEET,
        lambda x: x.replace('<c r="B1" s="5">', '<c r="B7" s="5">'),
        "cell B7 is not a cell of row 1",
    ),
    "cells out of order": (
        SHEET,
        lambda x: x.replace('<c r="B1" s="5">', '<c r="A1" s="5">'),
        "cell A1 is not right of the previous cell in row 1",
    ),
    "overlapping cols": (
        SHEET,
        lambda x: x.replace('<col min="7" max="7"', '<col min="6" max="7"'),
        "<col min=6 max=7> overlaps or precedes max=6",
    ),
    "shared string out of range": (
        SHEET,
        lambda x: x.replace('t="s"><v>3</v>', 't="s"><v>9999</v>', 1),
        "cell A1 shared string '9999' but",
    ),
    "number cell holding text": (
        SHEET,
        lambda x: x.replace("<v>21833</v>", "<v>21,833</v>"),
        "cell B5 of type n holds '21,833'",
    ),
    "row taller than Excel allows": (
        SHEET,
        lambda x: x.replace(
            '<row r="2" spans="1:7" ht="58.5"', '<row r="2" spans="1:7" ht="409.5"'
        ),
        "row 2 ht=409.5 > 409.0 points",
    ),
    "column wider than Excel allows": (
        SHEET,
        lambda x: x.replace(
            '<col min="7" max="7" width="13.7109375"', '<col min="7" max="7" width="256"'
        ),
        "<col min=7> width=256 > 255.0",
    ),
    "text longer than a cell holds": (
        "xl/sharedStrings.xml",
        lambda x: x.replace("</t></si>", "x" * 32_767 + "</t></si>", 1),
        "sharedStrings: <si> 0 holds more than 32767 characters",
    ),
    "attribute in an unknown namespace": (
        SHEET,
        lambda x: x.replace("<sheetData>", '<sheetData xmlns:q="urn:q" q:x="1">'),
        "The attribute '{urn:q}x' is not allowed.",
    ),
    "xml:space outside <t>": (
        SHEET,
        lambda x: x.replace("<oddHeader>", '<oddHeader xml:space="preserve">'),
        "The attribute '{http://www.w3.org/XML/1998/namespace}space' is not allowed.",
    ),
    "sheet name Excel refuses": (
        "xl/workbook.xml",
        lambda x: x.replace('name="表紙"', 'name="表紙/一覧"'),
        "sheet name '表紙/一覧' is not one Excel accepts",
    ),
    "duplicate sheet name": (
        "xl/workbook.xml",
        lambda x: x.replace('name="3"', 'name="2"'),
        "sheet name '2' is not unique",
    ),
    "relationship id not in the .rels": (
        "xl/workbook.xml",
        lambda x: x.replace('r:id="rId8"', 'r:id="rId99"'),
        "<sheet> names relationship rId99, which is not in its .rels",
    ),
    "content type missing": (
        "[Content_Types].xml",
        lambda x: re.sub(r'<Override PartName="/xl/styles.xml"[^>]*/>', "", x).replace(
            '<Default Extension="xml" ', '<Default Extension="xmlx" '
        ),
        "xl/styles.xml: no content type in [Content_Types].xml",
    ),
    "relationship to a missing part": (
        "xl/_rels/workbook.xml.rels",
        lambda x: x.replace("worksheets/sheet8.xml", "worksheets/sheet80.xml"),
        "targets a missing part worksheets/sheet80.xml",
    ),
    "style record pointing past the fonts": (
        "xl/styles.xml",
        lambda x: re.sub(r'(<cellXfs count="\d+"><xf [^>]*?)fontId="\d+"', r'\1fontId="99"', x),
        "styles: cellXfs xf 0: fontId=99 but",
    ),
    "content type wrong": (
        "[Content_Types].xml",
        lambda x: re.sub(r"<Override PartName=\"/xl/styles.xml\"[^>]*/>", "", x),
        "styles.xml has content type 'application/xml', not *.spreadsheetml.styles+xml",
    ),
}


@pytest.mark.parametrize("case", BREAKAGES)
def test_the_check_bites(sample_build: SampleBuild, tmp_path: Path, case: str) -> None:
    part, edit, expected = BREAKAGES[case]
    problems = validate_xlsx(broken(sample_build, tmp_path, part, edit))
    assert any(expected in p for p in problems), problems


def test_markup_compatibility_is_applied(sample_build: SampleBuild, tmp_path: Path) -> None:
    """What Excel writes passes: ignorable attributes, an AlternateContent whose understood
    Choice is kept, an extLst of x14 content, xml:space on <t>."""
    x14ac = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"

    def excel_like(xml: str) -> str:
        xml = xml.replace(
            "<worksheet ",
            f'<worksheet xmlns:mc="{mc}" xmlns:x14ac="{x14ac}" mc:Ignorable="x14ac" ',
        )
        xml = xml.replace('<row r="1" ', '<row r="1" x14ac:dyDescent="0.25" ')
        # the Choice needs x14ac, which a Transitional-only consumer does not understand
        options = re.search(r"<printOptions [^>]*/>", xml).group(0)
        xml = xml.replace(
            options,
            '<mc:AlternateContent><mc:Choice Requires="x14ac"><bogus/></mc:Choice>'
            f"<mc:Fallback>{options}</mc:Fallback></mc:AlternateContent>",
        )
        return xml.replace(
            "</worksheet>",
            '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
            'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
            "<x14:conditionalFormattings/></ext></extLst></worksheet>",
        )

    path = broken(sample_build, tmp_path, SHEET, excel_like)
    sst = members(path)["xl/sharedStrings.xml"].decode()
    spaced = sst.replace("<t>", '<t xml:space="preserve">', 1)
    assert spaced != sst
    path = rewrite_members(
        path, tmp_path / "spaced.xlsx", {"xl/sharedStrings.xml": spaced.encode()}
    )
    assert validate_xlsx(path) == []
    # the same attribute without mc:Ignorable is an error: the preprocessing is what let it pass
    plain = members(path)[SHEET].decode().replace(' mc:Ignorable="x14ac"', "")
    bad = rewrite_members(path, tmp_path / "plain.xlsx", {SHEET: plain.encode()})
    assert any("dyDescent" in p for p in validate_xlsx(bad))


# --- every output kind, end to end ------------------------------------------------------


def test_sample_masters(sample_build: SampleBuild) -> None:
    """scripts/build_sample.py: the 個表 grid and the cover through XlsxWriter."""
    assert_valid_xlsx(sample_build.master)
    assert_valid_xlsx(sample_build.master_before)


@pytest.mark.parametrize("name", ["master.xlsx", "master_before.xlsx"])
def test_committed_workbooks(name: str) -> None:
    """What the repository ships in workbooks/ (possibly refreshed since it was built)."""
    assert_valid_xlsx(ROOT / "workbooks" / name)


def test_refreshed_master_and_town_files(sample_master: Path, tmp_area_config, cli_run) -> None:
    """`kohyo refresh`: the patched master (計 cells, regenerated 総括表) and, through the
    distribution it runs, one workbook per town."""
    res = cli_run("refresh", sample_master, "--config", tmp_area_config.path)
    assert res.exit_code == 0, res.output
    assert_valid_xlsx(sample_master)
    towns = sorted(tmp_area_config.paths.output_dir.glob("*/*.xlsx"))
    assert len(towns) == len(tmp_area_config.area.municipalities)
    for path in towns:
        assert_valid_xlsx(path)


def test_new_project_sheet(sample_master: Path, tmp_area_config, cli_run) -> None:
    res = cli_run("new", sample_master, "--name", "圏域観光振興事業", "--after", "4", "--yes",
                  "--config", tmp_area_config.path)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert_valid_xlsx(sample_master)


def test_validation_report(tmp_path: Path, cli_run) -> None:
    """`kohyo validate --report`: the 検証結果 workbook, with findings and hyperlinks."""
    master = tmp_path / "master.xlsx"
    write_master(master, [
        project(4, costs=[100, "約200", "—", None, None], total=999),
        project(6, "乙事業", municipalities="青森市、青森町"),
    ])  # fmt: skip
    report = tmp_path / "検証結果.xlsx"
    res = cli_run("validate", master, "--report", report, "--config", REAL_CONFIG)
    assert res.exit_code == 1 and report.exists(), res.output
    assert_valid_xlsx(report)


def test_change_overview(sample_build: SampleBuild, tmp_path: Path, cli_run) -> None:
    """`kohyo diff`: overview.xlsx (the overview and the 個表 with their changes)."""
    out = tmp_path / "out"
    res = cli_run("diff", sample_build.master_before, sample_build.master, "--out", out,
                  "--config", REAL_CONFIG)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert_valid_xlsx(out / "overview.xlsx")


def test_master_with_a_generated_summary(tmp_path: Path, tmp_area_config) -> None:
    """A refresh that appends the 総括表 sheet to a master that had none: a new part, its
    relationship, content type and workbook entry all written by the patcher."""
    master = tmp_path / "m.xlsx"
    write_master(master, [project(1), project(2, "乙事業")])
    result = refresh_master(master, tmp_area_config)
    assert result.written and result.summary_status == "created", result.report.findings
    assert_valid_xlsx(master)


# --- the real-browser and LibreOffice tests cannot silently skip in CI -------------------


@pytest.mark.parametrize(
    ("find", "variable"),
    [(chromium, "KOHYO_REQUIRE_CHROMIUM"), (soffice, "KOHYO_REQUIRE_LIBREOFFICE")],
)
def test_a_missing_tool_skips_here_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, find: Callable[[], str], variable: str
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tool on it
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(pytest.skip.Exception):
        find()
    monkeypatch.setenv(variable, "1")
    with pytest.raises(pytest.fail.Exception, match=variable):
        find()


def test_ci_installs_chromium_and_requires_both() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = re.search(r"apt-get install [^\n]*\\\n([^\n]*)", script).group(1).split()
    assert {"libreoffice-calc-nogui", "chromium"} <= set(install)
    assert "export KOHYO_REQUIRE_CHROMIUM=1" in script
    assert "export KOHYO_REQUIRE_LIBREOFFICE=1" in script


# --- the patcher, on random input ---------------------------------------------------------

TEXT = st.text(
    alphabet=st.sampled_from("あ漢字圏域 　=+-@_x0041<>&\"'\t\n\r\x00\x01\x0b\ufffe\U0001f600Aa1"),
    max_size=40,
)
NUMBER = st.one_of(st.integers(-(10**16), 10**16), st.floats(allow_nan=False, allow_infinity=False))
VALUE = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
REF = st.tuples(st.integers(1, 40), st.integers(1, 12)).map(
    lambda rc: f"{col_letter(rc[1])}{rc[0]}"
)


@pytest.fixture(scope="module")
def xlsxwriter_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_xlsxwriter(tmp_path_factory.mktemp("xw"))


@settings(max_examples=30, deadline=None)
@given(
    writes=st.dictionaries(
        REF, st.tuples(VALUE, st.one_of(st.none(), st.just("SUM(B5:F5)"))), min_size=1, max_size=25
    )
)
def test_cell_writes_keep_the_package_valid(xlsxwriter_book: Path, writes: dict) -> None:
    """`set_cells` anywhere on a 個表 (new rows, new cells, existing styled and merged cells),
    any value kind, with or without a formula."""
    p = PackagePatch.open(xlsxwriter_book)
    try:
        p.set_cells("1", [CellWrite(ref, v, formula=f) for ref, (v, f) in writes.items()])
    except PatchRefused:
        return  # a refusal writes nothing: nothing to validate
    assert_valid_xlsx(p.to_bytes())


STYLE = st.builds(
    StyleSpec,
    bold=st.booleans(),
    border=st.booleans(),
    wrap=st.booleans(),
    fill_color=st.one_of(st.none(), st.just("DDEBF7")),
    number_format=st.one_of(st.none(), st.just("#,##0"), st.just('0.0"件"')),
    horizontal=st.one_of(st.none(), st.just("center")),
)


@st.composite
def sheet_specs(draw: st.DrawFn) -> SheetSpec:
    styles = {f"s{i}": s for i, s in enumerate(draw(st.lists(STYLE, min_size=1, max_size=4)))}
    width = draw(st.integers(1, 8))
    cell = st.one_of(
        st.none(),
        st.builds(
            CellSpec, value=VALUE, style=st.one_of(st.none(), st.sampled_from(sorted(styles)))
        ),
    )
    rows = draw(st.lists(st.lists(cell, max_size=width), max_size=12))
    # at most one horizontal merge per row: never overlapping, like the 総括表's
    merges = [
        f"{col_letter(a)}{r}:{col_letter(b)}{r}"
        for r, (a, b) in enumerate(
            draw(st.lists(st.tuples(st.integers(1, 3), st.integers(4, 8)), max_size=5)), start=1
        )
    ]
    return SheetSpec(
        name=draw(st.text(alphabet="総括表ab1 ", min_size=1, max_size=31).filter(str.strip)),
        rows=rows,
        styles=styles,
        col_widths=draw(st.lists(st.one_of(st.none(), st.floats(1, 80)), max_size=width)),
        row_heights=draw(st.dictionaries(st.integers(1, 14), st.floats(5, 200), max_size=4)),
        merges=merges,
        freeze=draw(st.one_of(st.none(), st.sampled_from(["A1", "A2", "B1", "C4"]))),
        print_setup=PrintSetup(
            orientation=draw(st.sampled_from(["portrait", "landscape"])),
            fit_to_width=draw(st.one_of(st.none(), st.just(1))),
            title_rows=draw(st.one_of(st.none(), st.just((1, 2)))),
            print_area=draw(st.one_of(st.none(), st.just("A1:G20"))),
            header=draw(st.one_of(st.none(), st.just("&C&P / &N"))),
            footer=draw(st.one_of(st.none(), TEXT)),
            center_horizontally=draw(st.booleans()),
        ),
    )


@settings(max_examples=30, deadline=None)
@given(spec=sheet_specs(), position=st.sampled_from(["first", "last", 1]))
def test_generated_sheets_keep_the_package_valid(
    xlsxwriter_book: Path, spec: SheetSpec, position
) -> None:
    """`put_sheet` (what writes the 総括表): new or replacing, with styles, merges, frozen
    panes, print setup; then a second put of the same name replaces it."""
    p = PackagePatch.open(xlsxwriter_book)
    p.put_sheet(spec, position=position)
    assert_valid_xlsx(p.to_bytes())
    p.put_sheet(dataclasses.replace(spec, rows=spec.rows[:1]), position=position)
    assert_valid_xlsx(p.to_bytes())
