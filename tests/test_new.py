"""`kohyo new`: a 個表 added from the template; --after renumbers, renames and rewrites
references, and loses nothing else."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import kohyo.cli.new as new_cli
from builders import project, write_master
from kohyo.edit.new import rewrite_merge_references, sheet_named_by_number
from kohyo.edit.refresh import refresh_master
from kohyo.files.backup import list_backups
from kohyo.files.digest import file_digest
from kohyo.read.master import check_master, dump_master
from kohyo.xlsx.sheetops import referenced_sheets
from libreoffice import convert
from ooxml import assert_valid_xlsx
from xlsx_parts import cells_xml, members, sheet_parts

BOOKKEEPING = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
               "xl/styles.xml", "docProps/app.xml"}  # fmt: skip


def outside_sheet_data(data: bytes) -> bytes:
    return data[: data.index(b"<sheetData")] + data[data.index(b"</sheetData>") :]


def numbers(path: Path, cfg) -> list[tuple[str, int | None, str]]:
    master, _ = check_master(path, cfg)
    return [(p.sheet, p.number, p.name.text) for p in master.projects]


# ------------------------------------------------------------------ the sample


def test_new_after_4_on_the_sample(sample_master: Path, tmp_area_config, cli_run) -> None:
    original = sample_master.read_bytes()
    before, parts_before = members(sample_master), sheet_parts(sample_master)
    old = {n: name for _, n, name in numbers(sample_master, tmp_area_config)}
    res = cli_run("new", sample_master, "--name", "圏域観光振興事業", "--after", "4", "--yes",
                  "--config", tmp_area_config.path)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "20 → 21" in res.stdout and "39 → 40" in res.stdout
    assert_valid_xlsx(sample_master)
    assert "事業番号 5「圏域観光振興事業」の個表をシート「5」として追加しました" in res.stdout
    # Numbers, sheet names and order.
    got = numbers(sample_master, tmp_area_config)
    assert [(s, n) for s, n, _ in got] == [("2", 2), ("3", 3), ("4", 4), ("5", 5), ("21", 21),
                                           ("22", 22), ("37", 37), ("40", 40)]  # fmt: skip
    assert {n: name for _, n, name in got if n != 5} == {
        (n + 1 if n > 4 else n): name for n, name in old.items()
    }
    assert openpyxl.load_workbook(sample_master).sheetnames == ["表紙", "2", "3", "4", "5", "21",
                                                                "22", "37", "40"]  # fmt: skip
    # NO.4 did not move: the references to it are as they were.
    master, report = check_master(sample_master, tmp_area_config)
    targets = [i.target for p in master.projects[:2] for i in p.indicators]
    assert targets == ["NO.4に統合", "NO.4に統合"]
    assert not report.has_errors
    new = master.projects[3]
    assert (new.name.text, new.municipalities_label.text, new.costs.total.value) == (
        "圏域観光振興事業",
        "全市町村",
        "—",
    )
    assert [r.who for r in new.roles] == ["青森市", "連携町村"]
    # Nothing else changed: untouched parts are byte-identical.
    after, parts_after = members(sample_master), sheet_parts(sample_master)
    assert set(before) - set(after) == set()
    assert set(after) - set(before) == {parts_after["5"]}
    moved = {parts_before[s] for s in ("20", "21", "36", "39")}
    changed = {n for n in before if before[n] != after[n]}
    assert changed - BOOKKEEPING == moved
    for old_name, new_name in (("20", "21"), ("21", "22"), ("36", "37"), ("39", "40")):
        part = parts_before[old_name]
        assert parts_after[new_name] == part  # renamed, same part
        a, b = cells_xml(before[part]), cells_xml(after[part])
        assert [r for r in a if a[r] != b[r]] == ["B1"] and a.keys() == b.keys()
        outside = outside_sheet_data(after[part])
        assert (
            outside_sheet_data(before[part]).replace(
                f"事業番号 {old_name}<".encode(), f"事業番号 {new_name}<".encode()
            )
            == outside
        )
    # The backup is the master as it was; validate passes (warnings allowed).
    backups = list_backups(tmp_area_config.paths.backup_dir, "master", ".xlsx")
    assert len(backups) == 1 and backups[0].read_bytes() == original
    res = cli_run("validate", sample_master, "--config", tmp_area_config.path)
    assert res.exit_code == 0, res.output


def test_new_without_after_goes_last_with_the_next_number(
    sample_master: Path, tmp_area_config, cli_run
) -> None:
    res = cli_run("new", sample_master, "--name", "新規事業", "--municipalities", "青森市、平内町",
                  "--yes", "--config", tmp_area_config.path)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "番号が変わる事業はありません" in res.stdout
    got = numbers(sample_master, tmp_area_config)
    assert got[-1] == ("40", 40, "新規事業") and [n for _, n, _ in got[:-1]] == [2, 3, 4, 20, 21,
                                                                              36, 39]  # fmt: skip
    master, _ = check_master(sample_master, tmp_area_config)
    assert master.projects[-1].municipalities == ["青森市", "平内町"]


def test_the_summary_is_regenerated_when_the_master_has_one(
    sample_master: Path, tmp_area_config, cli_run
) -> None:
    refresh_master(sample_master, tmp_area_config)
    res = cli_run("new", sample_master, "--name", "新規事業", "--after", "3", "--yes",
                  "--config", tmp_area_config.path)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "「総括表」も新しい番号で作り直します" in res.stdout
    assert_valid_xlsx(sample_master)
    ws = openpyxl.load_workbook(sample_master, data_only=True)["総括表"]
    assert [ws.cell(r, 1).value for r in range(4, 12)] == [2, 3, 4, 5, 21, 22, 37, 40]
    assert ws.cell(4 + 8 + 2, 3).value == "8事業"  # the count row, 7 + 1
    assert openpyxl.load_workbook(sample_master).sheetnames[:5] == ["総括表", "表紙", "2", "3", "4"]
    # 4 moved to 5: the 「NO.4に統合」 of projects 2 and 3 follow it.
    master, report = check_master(sample_master, tmp_area_config)
    assert [i.target for p in master.projects[:2] for i in p.indicators] == ["NO.5に統合"] * 2
    assert not report.has_errors


@pytest.mark.libreoffice
def test_libreoffice_opens_the_result(
    sample_master: Path, tmp_area_config, cli_run, tmp_path: Path
) -> None:
    cli_run("new", sample_master, "--name", "新規事業", "--after", "4", "--yes",
            "--config", tmp_area_config.path)  # fmt: skip
    out = convert(sample_master, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["表紙", "2", "3", "4", "5", "21", "22", "37", "40"]
    assert (wb["5"]["A1"].value, wb["5"]["B1"].value, wb["5"]["C1"].value) == (
        "事業名",
        5,
        "新規事業",
    )
    assert wb["21"]["B1"].value == 21
    assert "C1:D1" in {str(m) for m in wb["5"].merged_cells.ranges}


# ------------------------------------------------------------------ references


def synthetic(path: Path) -> None:
    write_master(path, [
        project(3, "甲事業", kpis=[("創業件数", "—", "NO.5に統合"), ("相談件数", "—", "NO.4に統合")]),
        project(4, "乙事業", notes=["※ＮＯ．５に統合（令和3年度）"]),
        project(5, "丙事業"),
        project(6, "丁事業", kpis=[("指標", "—", "No.3に統合")]),
    ])  # fmt: skip


def test_merge_references_follow_the_renumbering(tmp_path: Path, tmp_area_config, cli_run) -> None:
    path = tmp_path / "m.xlsx"
    synthetic(path)
    res = cli_run("new", path, "--name", "新事業", "--after", "4", "--yes",
                  "--config", tmp_area_config.path)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "NO.5に統合" in res.stdout and "NO.6に統合" in res.stdout  # the plan lists them
    assert_valid_xlsx(path)
    master, report = check_master(path, tmp_area_config)
    assert not report.has_errors
    assert [(p.sheet, p.number) for p in master.projects] == [("3", 3), ("4", 4), ("5", 5),
                                                              ("6", 6), ("7", 7)]  # fmt: skip
    by_sheet = {p.sheet: p for p in master.projects}
    assert [i.target for i in by_sheet["3"].indicators] == ["NO.6に統合", "NO.4に統合"]
    assert [n.text for n in by_sheet["4"].notes] == ["※ＮＯ．６に統合（令和3年度）"]
    assert [i.target for i in by_sheet["7"].indicators] == ["No.3に統合"]  # 3 did not move
    assert by_sheet["6"].name.text == "丙事業" and by_sheet["5"].name.text == "新事業"


def test_print_area_of_a_renamed_sheet_follows_it(tmp_path: Path, tmp_area_config, cli_run) -> None:
    path = tmp_path / "m.xlsx"
    synthetic(path)
    wb = openpyxl.load_workbook(path)
    wb["5"].print_area = "A1:G9"
    wb.save(path)
    res = cli_run("new", path, "--name", "新事業", "--after", "4", "--yes",
                  "--config", tmp_area_config.path)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert openpyxl.load_workbook(path)["6"].print_area == "'6'!$A$1:$G$9"
    assert_valid_xlsx(path)


def test_a_formula_referring_to_a_moved_sheet_stops_the_rename(
    tmp_path: Path, tmp_area_config, cli_run
) -> None:
    path = tmp_path / "m.xlsx"
    synthetic(path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("メモ")["A1"] = "='5'!B1"
    wb.save(path)
    digest = file_digest(path)
    res = cli_run("new", path, "--name", "新事業", "--after", "4", "--yes",
                  "--config", tmp_area_config.path)  # fmt: skip
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "シート「5」を参照している数式や名前" in res.stderr
    assert file_digest(path) == digest
    assert not (tmp_area_config.paths.backup_dir).exists()


def test_a_defined_name_referring_to_a_moved_sheet_stops_the_rename(
    tmp_path: Path, tmp_area_config, cli_run
) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    path = tmp_path / "m.xlsx"
    synthetic(path)
    wb = openpyxl.load_workbook(path)
    wb.defined_names["丙の番号"] = DefinedName("丙の番号", attr_text="'6'!$B$1")
    wb.save(path)
    res = cli_run("new", path, "--name", "新事業", "--after", "4", "--yes",
                  "--config", tmp_area_config.path)  # fmt: skip
    assert res.exit_code == 2 and "シート「6」" in res.stderr


# ------------------------------------------------------------------ asking, refusing


def test_without_yes_and_no_terminal_nothing_is_written(
    sample_master: Path, tmp_area_config, cli_run
) -> None:
    digest = file_digest(sample_master)
    res = cli_run("new", sample_master, "--name", "新規事業", "--after", "4",
                  "--config", tmp_area_config.path)  # fmt: skip
    assert res.exit_code == 2
    assert "20 → 21" in res.stdout  # the plan was shown
    assert "--yes" in res.stderr and file_digest(sample_master) == digest


@pytest.mark.parametrize(("answer", "written"), [("n\n", False), ("y\n", True)])
def test_the_question_is_asked_in_a_terminal(
    sample_master: Path,
    tmp_area_config,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    written: bool,
) -> None:
    from click.testing import CliRunner

    from kohyo.cli import cli

    monkeypatch.setattr(new_cli, "interactive", lambda: True)
    digest = file_digest(sample_master)
    args = ["new", str(sample_master), "--name", "新規事業", "--after", "4",
            "--config", str(tmp_area_config.path)]  # fmt: skip
    res = CliRunner().invoke(cli, args, input=answer)
    assert res.exit_code == 0, res.output
    assert "この内容でマスターに書き込みますか？" in res.output
    assert (file_digest(sample_master) != digest) is written
    if not written:
        assert "取りやめました" in res.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--name", "新規", "--after", "5"], "事業番号 5 の個表がありません"),
        (["--name", "在宅医療・介護連携推進事業"], "シート「20」の事業と同じです"),
        (
            ["--name", "新規", "--municipalities", "青森町"],
            "関係市町村「青森町」は設定にありません",
        ),
        (["--name", "  "], "事業名（--name）を指定してください"),
        (["--name", "新規", "--after", "-1"], "-1"),
    ],
)
def test_requests_that_cannot_be_met_exit_2(
    sample_master: Path, tmp_area_config, cli_run, args: list[str], needle: str
) -> None:
    digest = file_digest(sample_master)
    res = cli_run("new", sample_master, *args, "--yes", "--config", tmp_area_config.path)
    assert res.exit_code == 2 and needle in res.output and "Traceback" not in res.output
    assert file_digest(sample_master) == digest


def test_a_master_with_errors_gets_no_new_sheet(tmp_path: Path, tmp_area_config, cli_run) -> None:
    path = tmp_path / "bad.xlsx"
    write_master(path, [project(4, municipalities="青森町")])
    digest = file_digest(path)
    res = cli_run("new", path, "--name", "新規", "--yes", "--config", tmp_area_config.path)
    assert res.exit_code == 1 and "municipality-unknown" in res.stdout
    assert file_digest(path) == digest


def test_plan_in_english(sample_master: Path, tmp_area_config, cli_run) -> None:
    res = cli_run("new", sample_master, "--name", "New", "--after", "4",
                  "--config", tmp_area_config.path, "--lang", "en")  # fmt: skip
    assert res.exit_code == 2
    assert (
        "New project sheet: project 5 'New'" in res.stdout and "Renumbered projects" in res.stdout
    )
    assert res.stderr.startswith("Error: Cannot ask for confirmation")


def test_dump_after_new_keeps_every_other_project(
    sample_master: Path, tmp_area_config, cli_run
) -> None:
    def projects() -> list:
        master, _ = check_master(sample_master, tmp_area_config)
        return dump_master(master, tmp_area_config)["projects"]

    before = projects()
    cli_run("new", sample_master, "--name", "新規事業", "--after", "4", "--yes",
            "--config", tmp_area_config.path)  # fmt: skip
    after = projects()
    moved = {20: 21, 21: 22, 36: 37, 39: 40}
    expected = [{**p, "number": moved.get(p["number"], p["number"]),
                 "sheet": str(moved.get(p["number"], p["number"]))} for p in before]  # fmt: skip
    assert [p for p in after if p["number"] != 5] == expected


# ------------------------------------------------------------------ the pieces


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NO.5に統合", "NO.6に統合"),
        ("NO.4に統合", "NO.4に統合"),
        ("ＮＯ．５に統合", "ＮＯ．６に統合"),
        ("No. 12 へ移行", "No. 13 へ移行"),
        ("事業番号９に集約（R3）", "事業番号１０に集約（R3）"),
        ("NO.5に統合、NO.3に統合", "NO.6に統合、NO.3に統合"),
        ("NO.5の事業", "NO.5の事業"),  # not a merge reference
    ],
)
def test_rewrite_merge_references(text: str, expected: str) -> None:
    assert rewrite_merge_references(text, lambda n: n + 1 if n > 4 else n) == expected


@pytest.mark.parametrize(
    ("formula", "sheets"),
    [
        ("'5'!B1+1", {"5"}),
        ("SUM('4:6'!A1)", {"4", "6"}),
        ("総括表!A1&Sheet1!B2", {"総括表", "Sheet1"}),
        ("'it''s'!A1", {"it's"}),
        ("'[1]5'!A1", set()),
        ('"NO.5"&A1', set()),
    ],
)
def test_referenced_sheets(formula: str, sheets: set[str]) -> None:
    assert referenced_sheets(formula) == sheets


@pytest.mark.parametrize(("sheet", "number", "named"), [
    ("20", 20, True), ("２０", 20, True), ("NO.20", 20, True), ("個表20", 20, True),
    ("20", 21, False), ("表紙", 20, False), ("2020年度", 2020, False),
])  # fmt: skip
def test_sheet_named_by_number(sheet: str, number: int, named: bool) -> None:
    assert sheet_named_by_number(sheet, number) is named
