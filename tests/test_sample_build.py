"""The sample masters: reproducible builds, the canonical 個表 grid, safe text, LibreOffice."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SampleBuild
from kohyo.config import Plan, load_config
from kohyo.edit.refresh import refresh_master
from kohyo.layout.grid import grid_columns
from kohyo.layout.kohyo import (
    LookError,
    SheetLook,
    StrippedText,
    load_look,
    write_kohyo_sheet,
)
from kohyo.layout.text import clean_text, text_units, wrapped_lines
from kohyo.model.project import DASH, CellKind, CostCell, Indicator, Note, Project, Role, TextField
from kohyo.sample import SampleDataError, load_projects
from libreoffice import soffice
from ooxml import assert_valid_xlsx

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_sample.py"
WORKBOOKS = ROOT / "workbooks"
CONFIG = load_config(ROOT / "config.toml")
LOOK = load_look(ROOT / "templates" / "kohyo_sheet.toml")
AMENDED_SHEETS = ["2", "3", "4", "20", "21", "36", "39"]


def run_build(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120
    )


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def master(sample_build: SampleBuild) -> openpyxl.Workbook:
    # The fresh build, not the committed file: the README's quick start refreshes that one.
    return openpyxl.load_workbook(sample_build.master)


@pytest.fixture(scope="module")
def before(sample_build: SampleBuild) -> openpyxl.Workbook:
    return openpyxl.load_workbook(sample_build.master_before)


def refreshed_copy(src: Path, folder: Path) -> Path:
    """*src* as `kohyo refresh` leaves it (refresh is deterministic)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('backup_dir = "workbooks/backup"', f'backup_dir = "{folder / "backup"}"')
    (folder / "config.toml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "templates", folder / "templates", dirs_exist_ok=True)
    out = folder / src.name
    shutil.copy(src, out)
    refresh_master(out, load_config(folder / "config.toml"))
    return out


# --- reproducible build ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["master.xlsx", "master_before.xlsx"])
def test_committed_workbook_equals_fresh_build(
    sample_build: SampleBuild, name: str, tmp_path: Path
) -> None:
    """The committed sample equals the build from its data, or that build refreshed
    (the README's first command refreshes the committed master in place)."""
    committed, rebuilt = members(WORKBOOKS / name), members(sample_build.folder / name)
    if committed != rebuilt:
        rebuilt = members(refreshed_copy(sample_build.folder / name, tmp_path))
    assert list(committed) == list(rebuilt)
    assert [n for n in committed if committed[n] != rebuilt[n]] == []


def test_rebuild_is_byte_identical(sample_build: SampleBuild, tmp_path: Path) -> None:
    assert run_build("--dest", str(tmp_path)).returncode == 0
    for name in ("master.xlsx", "master_before.xlsx"):
        assert (tmp_path / name).read_bytes() == (sample_build.folder / name).read_bytes()


def test_check_passes_on_fresh_files_and_fails_on_stale(
    sample_build: SampleBuild, tmp_path: Path
) -> None:
    for name in ("master.xlsx", "master_before.xlsx"):
        shutil.copy(sample_build.folder / name, tmp_path / name)
    ok = run_build("--check", "--dest", str(tmp_path))
    assert (ok.returncode, ok.stderr) == (0, "")

    with (
        zipfile.ZipFile(sample_build.master) as src,
        zipfile.ZipFile(tmp_path / "master.xlsx", "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = data.replace(b"2021-04-01", b"2030-01-01")
            dst.writestr(info, data)
    stale = run_build("--check", "--dest", str(tmp_path))
    assert stale.returncode == 1
    assert "master.xlsx" in stale.stderr and "docProps/core.xml" in stale.stderr
    assert "master_before.xlsx" not in stale.stderr.split("python scripts")[0]


def test_fixed_document_timestamps(sample_build: SampleBuild) -> None:
    core = members(sample_build.master)["docProps/core.xml"].decode()
    assert "<dcterms:created" in core and "2021-04-01T00:00:00Z" in core
    assert core.count("2021-04-01T00:00:00Z") == 2  # created and modified


# --- sheet order and the cover ----------------------------------------------------------


def test_sheet_order(master: openpyxl.Workbook, before: openpyxl.Workbook) -> None:
    assert master.sheetnames == ["表紙", *AMENDED_SHEETS]
    assert before.sheetnames == ["表紙", "2", "3", "19"]


def test_cover_has_no_project_label(master: openpyxl.Workbook) -> None:
    cover = master["表紙"]
    texts = [c.value for row in cover.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts[0] == CONFIG.area.name
    assert any("見本データ" in t for t in texts)
    assert not any("事業名" in t for t in texts)


# --- the canonical grid -------------------------------------------------------------------


def merged(ws: openpyxl.worksheet.worksheet.Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def test_canonical_grid_of_project_4(master: openpyxl.Workbook) -> None:
    ws = master["4"]
    assert (ws["A1"].value, ws["B1"].value, ws["E1"].value, ws["F1"].value) == (
        "事業名", 4, "関係市町村", "全市町村"
    )  # fmt: skip
    assert ws["C1"].value == "地域企業ビジネス支援拠点運営事業"
    assert (ws["A2"].value, ws["A3"].value) == ("内容", "連携効果")
    assert ws["B2"].value.startswith("○圏域の起業・創業の促進や")
    assert ws["A4"].value.replace("\n", "") == "事業費見込額(単位：千円)"
    assert [ws.cell(4, c).value for c in range(2, 8)] == [
        "2020年度", "2021年度", "2022年度", "2023年度", "2024年度", "計"
    ]  # fmt: skip
    assert [ws.cell(5, c).value for c in range(2, 8)] == [None, DASH, DASH, DASH, DASH, DASH]
    assert ws["A6"].value.replace("\n", "") == "連携市町村の役割分担"
    assert [(ws[f"B{r}"].value, ws[f"C{r}"].value) for r in (6, 7)] == [
        ("青森市", "事業企画、事業実施、各種事務手続、圏域町村との調整"),
        ("連携町村", "事業実施、費用負担等"),
    ]
    assert (ws["A8"].value, ws["B8"].value, ws["D8"].value, ws["F8"].value) == (
        "成果指標", "指標", "現状値（調査時点）", "目標値（2024年度）"
    )  # fmt: skip
    assert [ws[f"B{r}"].value for r in (9, 10)] == ["創業件数", "相談窓口での年間相談件数"]
    assert ws.max_row == 10
    assert merged(ws) >= {
        "C1:D1", "F1:G1", "B2:G2", "B3:G3", "A4:A5", "A6:A7", "C6:G6", "C7:G7",
        "A8:A10", "B8:C8", "D8:E8", "F8:G8", "B9:C9", "D9:E9", "F9:G9", "B10:C10",
    }  # fmt: skip


def test_costs_as_the_seed_prints_them(master: openpyxl.Workbook) -> None:
    row5 = {s: [master[s].cell(5, c).value for c in range(2, 8)] for s in AMENDED_SHEETS}
    assert row5["2"] == [21833, DASH, None, None, None, DASH]
    assert row5["3"] == [8953, DASH, None, None, None, DASH]
    assert row5["20"] == [215, 215, 215, 215, 215, 1075]
    for s in ("4", "21", "36", "39"):
        assert row5[s] == [None, DASH, DASH, DASH, DASH, DASH]
    ws = master["20"]
    assert ws["G5"].value == 1075 and ws["G5"].data_type == "n"
    assert ws["G5"].number_format == "#,##0"
    assert master["2"]["C5"].data_type == "s"
    assert master["2"]["C5"].alignment.horizontal == "center"


def test_notes_kpis_and_paragraphs(master: openpyxl.Workbook, before: openpyxl.Workbook) -> None:
    ws2 = master["2"]
    assert (ws2["B7"].value, ws2["B9"].value, ws2["D9"].value, ws2["F9"].value) == (
        "連携町村", "創業件数※", "21件 (2019年度見込)", "NO.4に統合"
    )  # fmt: skip
    assert ws2["A10"].value == "※あおり地域ビジネス交流センターの支援による圏域の年間創業件数"
    assert "A10:G10" in merged(ws2)
    assert master["39"]["A10"].value.startswith("※国土強靱化地域計画への掲載が")
    assert master["36"]["B9"].value == "要望事項実現率（進捗ありを含む）"
    sentence = "○在宅医療に係る情報共有を図るため、医療機関の共同セミナーの開催を検討する。"
    assert sentence not in master["20"]["B2"].value
    assert "\n" not in master["20"]["B2"].value
    assert before["19"]["B2"].value.split("\n")[1] == sentence
    assert before["2"]["F9"].value != "NO.4に統合"


def test_print_setup_and_row_heights(master: openpyxl.Workbook) -> None:
    ws = master["4"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1)  # omitted means 1
    assert ws.page_setup.fitToHeight == 0
    assert ws["A1"].font.name == LOOK.font_name
    assert ws["A1"].fill.fgColor.rgb.endswith(LOOK.label_fill[1:].upper())
    heights = {r: ws.row_dimensions[r].height for r in range(1, 11)}
    assert all(h and h >= LOOK.min_row_height for h in heights.values())
    line = LOOK.font_size * LOOK.line_spacing
    assert heights[2] >= 2 * line  # the long 内容 wraps
    assert heights[4] + heights[5] >= 2 * line  # the two-line cost label fits its merge


# --- text from data is never a formula, and never breaks the XML -------------------------


def make_project(**text: str) -> Project:
    years = CONFIG.plan.fiscal_years
    amounts = text.pop("amounts", None) or {}
    t = {k: text.get(k, f"<{k}>") for k in ("name", "label", "content", "effect", "who",
                                             "role", "kpi", "current", "target", "note")}  # fmt: skip
    from kohyo.model.project import CostPlan

    return Project(
        sheet="x", number=7, number_raw=7, number_cell=None,
        name=TextField(t["name"], None), municipalities=[],
        municipalities_label=TextField(t["label"], None), unknown_municipalities=[],
        content=TextField(t["content"], None), effect=TextField(t["effect"], None),
        costs=CostPlan(amounts={y: CostCell(amounts.get(y), CellKind.NUMBER, None) for y in years},
                       total=CostCell(amounts.get("total"), CellKind.NUMBER, None)),
        roles=[Role(t["who"], t["role"], None, None)],  # type: ignore[arg-type]
        indicators=[Indicator(t["kpi"], t["current"], t["target"], 0, None, None, None)],  # type: ignore[arg-type]
        indicator_target_year=None, indicator_header_cell=None,
        notes=[Note(t["note"], None)],  # type: ignore[arg-type]
    )  # fmt: skip


TEXT_CELLS = {  # field -> cell in the canonical grid of make_project()
    "name": "C1", "label": "F1", "content": "B2", "effect": "B3", "who": "B6",
    "role": "C6", "kpi": "B8", "current": "D8", "target": "F8", "note": "A9",
}  # fmt: skip


def write_one(path: Path, project: Project, stripped: list[StrippedText] | None = None) -> None:
    wb = xlsxwriter.Workbook(str(path))
    write_kohyo_sheet(wb, "x", project, CONFIG, LOOK, stripped=stripped)
    wb.close()


def test_formula_like_text_is_written_as_text(tmp_path: Path) -> None:
    values = {"name": "=SUM(A1:A3)", "content": "+81-17", "effect": "-1", "role": "@SUM(1)",
              "kpi": "=HYPERLINK(\"http://x\")", "note": "=1+1", "target": "_x0041_"}  # fmt: skip
    write_one(tmp_path / "f.xlsx", make_project(**values))
    assert_valid_xlsx(tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx")["x"]
    for key, value in values.items():
        cell = ws[TEXT_CELLS[key]]
        assert (cell.value, cell.data_type) == (value, "s"), key
    with zipfile.ZipFile(tmp_path / "f.xlsx") as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_control_characters_are_stripped_and_reported(tmp_path: Path) -> None:
    stripped: list[StrippedText] = []
    write_one(tmp_path / "c.xlsx", make_project(name="A\x00B\x1fC\x0bD", role="x\r\ny\ud800"),
              stripped)  # fmt: skip
    assert_valid_xlsx(tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx")["x"]
    assert ws["C1"].value == "ABCD"
    assert ws["C6"].value == "x\ny"
    assert [(s.cell, s.removed) for s in stripped] == [("C1", "\x00\x1f\x0b"), ("C6", "\ud800")]


def test_clean_text_and_width_estimate() -> None:
    assert clean_text("a\tb\u3000c") == ("a\tb\u3000c", "")
    assert text_units("あa○※ｱ") == 2 + 1 + 2 + 2 + 1
    assert wrapped_lines("あ" * 10, 20) == 1
    assert wrapped_lines("あ" * 11, 20) == 2
    assert wrapped_lines("あ\nい", 20) == 2
    assert wrapped_lines("ab " * 10, 4) == 10  # Latin words wrap at spaces


JAPANESE = st.text(
    alphabet=st.sampled_from(
        "あいうえおかきくけこアイウエオｱｲｳ漢字圏域連携中枢都市事業費見込額○※—「」（）、。 　"
        "ABCxyz0123456789=+-@_\t\n\r\x00\x01\x0b\x1f\ufffe"
    ),
    max_size=120,
)
AMOUNT = st.one_of(st.none(), st.integers(-(10**12), 10**12))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.fixed_dictionaries({k: JAPANESE for k in TEXT_CELLS}),
       amounts=st.lists(AMOUNT, min_size=6, max_size=6))  # fmt: skip
def test_round_trip_random_japanese(tmp_path: Path, texts: dict[str, str], amounts: list) -> None:
    years = CONFIG.plan.fiscal_years
    by_year: dict = dict(zip(years, amounts, strict=False))
    by_year["total"] = amounts[5]
    path = tmp_path / "h.xlsx"
    write_one(path, make_project(**texts, amounts=by_year))
    assert_valid_xlsx(path)
    ws = openpyxl.load_workbook(path)["x"]
    for key, cell in TEXT_CELLS.items():
        expected = clean_text(texts[key])[0]
        got = ws[cell].value
        assert (got if got is not None else "") == expected, key
        assert got is None or ws[cell].data_type == "s"
    assert [ws.cell(5, c).value for c in range(2, 8)] == amounts


# --- the grid follows the configured years ------------------------------------------------


@pytest.mark.parametrize(("n_years", "total_cell", "value_cell"),
                         [(1, "C4", "E1"), (3, "E4", "E1"), (5, "G4", "F1"), (7, "I4", "H1")])  # fmt: skip
def test_grid_follows_fiscal_years(
    tmp_path: Path, n_years: int, total_cell: str, value_cell: str
) -> None:
    years = tuple(range(2020, 2020 + n_years))
    config = dataclasses.replace(CONFIG, plan=Plan(fiscal_years=years))
    wb = xlsxwriter.Workbook(str(tmp_path / "g.xlsx"))
    write_kohyo_sheet(wb, "g", make_project(label="全市町村"), config, LOOK)
    wb.close()
    assert_valid_xlsx(tmp_path / "g.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "g.xlsx")["g"]
    g = grid_columns(n_years)
    assert [ws.cell(4, 2 + i).value for i in range(n_years)] == [f"{y}年度" for y in years]
    assert ws[total_cell].value == "計"
    assert ws[value_cell].value == "全市町村"
    assert ws.cell(7, g.kpi[2][0] + 1).value == f"目標値（{years[-1]}年度）"
    assert ws.max_column == g.count


# --- the look file --------------------------------------------------------------------------


def test_template_look_is_the_default() -> None:
    assert SheetLook() == LOOK


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[color]\nlabel_fill = "blue"', "color.label_fill"),
        ("[font]\nsize = 200", "font.size"),
        ('[font]\nsize = "10"', "数値を指定"),
        ("[fonts]\nname = 'x'", "知らない項目"),
        ("[page]\npaper = 'A5'", "A4、A3"),
        ("[page]\nheader = '{town}'", "差し込み"),
        ("[page]\nlandscape = 1", "true または false"),
        ("[rows\n", "書き方に誤り"),
    ],
)
def test_bad_look_values_get_japanese_errors(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "look.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(LookError) as exc:
        load_look(path)
    assert message in exc.value.message


def test_bad_sample_data_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[project]]\nsheet = "1"\nnumber = 1\nname = "n"\nmunicipalities = "全市町村"\n'
                    'content = "c"\neffect = "e"\ncosts = { 2019 = 5 }\n', encoding="utf-8")  # fmt: skip
    with pytest.raises(SampleDataError, match=r"costs\.2019"):
        load_projects(path, CONFIG)


# --- LibreOffice opens and prints what we write ---------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_converts_master_to_pdf(sample_build: SampleBuild, tmp_path: Path) -> None:
    exe = soffice()  # skips with the reason where LibreOffice is absent (fails in CI)
    result = subprocess.run(
        [exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(sample_build.master)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "master.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo") and shutil.which("pdftotext"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "Pages:           8" in info  # the cover and each 個表 on one page
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "地域企業ビジネス支援拠点運営事業" in text
