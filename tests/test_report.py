"""`kohyo validate --report`: the 検証結果 workbook — rows, colours, and links to the cells."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from builders import project, write_master
from conftest import REAL_CONFIG
from kohyo.check.report import cell_location, link_target
from kohyo.config import load_config
from kohyo.files.digest import file_digest
from kohyo.read.master import check_master
from libreoffice import convert
from ooxml import assert_valid_xlsx

RED, YELLOW = "FFFFC7CE", "FFFFEB9C"


def bad_master(path: Path) -> Path:
    write_master(path, [
        project(4, costs=[100, "約200", "—", None, None], total=999),  # error C5, warning G5
        project(6, "乙事業", municipalities="青森市、青森町"),  # error F1, warning B1 (gap)
    ], extra_sheets=[("表紙", [["青森圏域"]])])  # fmt: skip
    return path


def rows(report: Path) -> list[list[object]]:
    ws = openpyxl.load_workbook(report).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_each_row_links_to_its_cell_in_the_master(tmp_path: Path, cli_run) -> None:
    master = bad_master(tmp_path / "master.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    report = out / "検証結果.xlsx"
    digest = file_digest(master)
    res = cli_run("validate", master, "--report", report, "--config", REAL_CONFIG)
    assert res.exit_code == 1  # the master has errors; the report is written all the same
    assert f"検証結果を書き出しました: {report}" in res.stdout
    assert file_digest(master) == digest
    assert_valid_xlsx(report)
    _, expected = check_master(master, load_config(REAL_CONFIG))
    ws = openpyxl.load_workbook(report).worksheets[0]
    assert ws.title == "検証結果"
    assert [c.value for c in ws[1]] == ["重要度", "シート", "セル", "内容", "コード"]
    data = list(ws.iter_rows(min_row=2))
    assert len(data) == len(expected.findings)
    seen = set()
    for row in data:
        severity, sheet, cell, _message, code = (c.value for c in row)
        link = row[2].hyperlink
        assert link is not None, (sheet, cell, code)
        target = (report.parent / link.target.replace("\\", "/")).resolve()
        assert target == master.resolve()
        if sheet == "表紙":
            assert cell == "（シート全体）" and link.location == "'表紙'!A1"
        else:
            assert link.location == f"'{sheet}'!{cell}"
        fill = row[0].fill.fgColor.rgb
        assert fill == {"エラー": RED, "警告": YELLOW, "情報": "00000000"}[severity], severity
        assert row[3].fill.fgColor.rgb == fill
        seen.add((sheet, cell, code))
    assert {f.key() for f in expected.findings} == {
        (s if s != "—" else None, None if c == "（シート全体）" else c, k) for s, c, k in seen
    }
    assert ("4", "C5", "cost-not-number") in seen and ("6", "F1", "municipality-unknown") in seen
    # Errors first within a sheet, sheets in workbook order.
    assert [r[1] for r in rows(report)[1:]] == ["表紙", "4", "4", "6", "6"]
    assert [r[0] for r in rows(report)[1:]][1:3] == ["エラー", "警告"]
    # The list is easy to work with: filter, frozen header, widths for Japanese, wrapped text.
    assert ws.auto_filter.ref == f"A1:E{len(data) + 1}"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["D"].width >= 40
    assert ws.cell(2, 4).alignment.wrap_text


def test_report_next_to_the_master_by_default(tmp_path: Path, cli_run) -> None:
    master = bad_master(tmp_path / "master.xlsx")
    res = cli_run("validate", master, "--report", "--config", REAL_CONFIG, "--quiet")
    assert res.exit_code == 1
    report = tmp_path / "master_検証結果.xlsx"
    link = openpyxl.load_workbook(report).worksheets[0]["C3"].hyperlink
    assert link.target == "master.xlsx"  # same folder: a bare relative name


def test_links_from_another_folder_are_relative(tmp_path: Path, cli_run) -> None:
    (tmp_path / "masters").mkdir()
    master = bad_master(tmp_path / "masters" / "master.xlsx")
    report = tmp_path / "reports" / "sub" / "r.xlsx"
    report.parent.mkdir(parents=True)
    cli_run("validate", master, "--report", report, "--config", REAL_CONFIG)
    link = openpyxl.load_workbook(report).worksheets[0]["C3"].hyperlink
    assert link.target.replace("\\", "/") == "../../masters/master.xlsx"
    assert link.location == "'4'!C5"


@pytest.mark.parametrize("same", ["master.xlsx", "./master.xlsx", "link.xlsx"])
def test_the_report_never_overwrites_the_master(
    tmp_path: Path, cli_run, monkeypatch, same: str
) -> None:
    master = bad_master(tmp_path / "master.xlsx")
    (tmp_path / "link.xlsx").symlink_to(master)
    monkeypatch.chdir(tmp_path)
    digest = file_digest(master)
    res = cli_run("validate", "master.xlsx", "--report", same, "--config", REAL_CONFIG)
    assert res.exit_code == 2
    assert "マスターと同じファイル" in res.stderr and res.stderr.count("\n") == 1
    assert file_digest(master) == digest


def test_report_name_must_be_xlsx_and_writable(tmp_path: Path, cli_run) -> None:
    master = bad_master(tmp_path / "master.xlsx")
    res = cli_run("validate", master, "--report", tmp_path / "r.csv", "--config", REAL_CONFIG)
    assert res.exit_code == 2 and ".xlsx で終わる" in res.stderr
    (tmp_path / "busy.xlsx").mkdir()  # stands in for a file Excel holds open
    res = cli_run("validate", master, "--report", tmp_path / "busy.xlsx", "--config", REAL_CONFIG)
    assert res.exit_code == 2 and "検証結果を書き出せません" in res.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~kohyo-report")]


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may create files in (root ignores the mode bits: make it immutable)."""
    folder = tmp_path / "共有フォルダー"
    folder.mkdir()
    folder.chmod(0o555)
    immutable = False
    if os.access(folder, os.W_OK) and shutil.which("chattr"):
        immutable = subprocess.run(["chattr", "+i", str(folder)], check=False).returncode == 0
    if os.access(folder, os.W_OK) and not immutable:
        pytest.skip("cannot make a folder read-only here")
    yield folder
    if immutable:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(0o755)


def test_report_into_a_read_only_folder_is_one_clear_error(
    tmp_path: Path, cli_run, read_only_folder: Path
) -> None:
    master = bad_master(tmp_path / "master.xlsx")

    res = cli_run(
        "validate", master, "--report", read_only_folder / "r.xlsx", "--config", REAL_CONFIG
    )

    assert res.exception is None, res.exception
    assert res.exit_code == 2
    assert f"検証結果を書き出すフォルダーに書き込めません: {read_only_folder}" in res.stderr
    assert res.stderr.count("\n") == 1
    assert list(read_only_folder.iterdir()) == []


def test_report_in_english(tmp_path: Path, cli_run) -> None:
    master = bad_master(tmp_path / "master.xlsx")
    report = tmp_path / "findings.xlsx"
    res = cli_run("validate", master, "--report", report, "--config", REAL_CONFIG, "--lang", "en")
    assert "Wrote the findings workbook" in res.stdout
    assert_valid_xlsx(report)
    ws = openpyxl.load_workbook(report).worksheets[0]
    assert ws.title == "findings"
    assert [c.value for c in ws[1]] == ["severity", "sheet", "cell", "message", "code"]
    assert "Cost for FY2021 is not a number: '約200'" in [c.value for c in ws["D"]]


def test_sheet_names_are_quoted_in_the_location(tmp_path: Path, cli_run) -> None:
    master = tmp_path / "m.xlsx"
    write_master(master, [project(4, sheet="it's 4", costs=[1, "x", None, None, None], total=1)])
    report = tmp_path / "r.xlsx"
    cli_run("validate", master, "--report", report, "--config", REAL_CONFIG)
    link = openpyxl.load_workbook(report).worksheets[0]["C2"].hyperlink
    assert link.location == "'it''s 4'!C5"
    assert cell_location("総括 表", None) == "'総括 表'!A1"


def test_link_target_forms(tmp_path: Path) -> None:
    master = tmp_path / "a" / "master.xlsx"
    assert link_target(master, tmp_path / "a" / "r.xlsx") == "master.xlsx"
    assert link_target(master, tmp_path / "b" / "r.xlsx") == "../a/master.xlsx"
    if os.name == "nt":  # pragma: no cover - Windows only
        assert (
            link_target(Path("D:/m/master.xlsx"), Path("C:/r/r.xlsx")) == "file:///D:/m/master.xlsx"
        )


@pytest.mark.libreoffice
def test_libreoffice_reads_the_links(tmp_path: Path, cli_run) -> None:
    master = bad_master(tmp_path / "master.xlsx")
    report = tmp_path / "reports" / "r.xlsx"
    report.parent.mkdir()
    cli_run("validate", master, "--report", report, "--config", REAL_CONFIG)
    ods = convert(report, "ods", tmp_path / "lo")
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    # LibreOffice resolved the link to the master and kept the cell: ../master.xlsx#'4'!C5,
    # written relative to the .ods it made in lo/ (ODF counts the document as a folder).
    assert "../../master.xlsx#&apos;4&apos;!C5" in content


def test_open_writes_the_default_report_and_opens_it(
    tmp_path: Path, cli_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kohyo.check.report as report_module  # validate imports it on use (--report/--open)

    opened: list[Path] = []
    monkeypatch.setattr(report_module, "open_with_default_app",
                        lambda p: opened.append(p) or True)  # fmt: skip
    master = bad_master(tmp_path / "master.xlsx")
    res = cli_run("validate", master, "--open", "--config", REAL_CONFIG)
    assert res.exit_code == 1
    assert opened == [tmp_path / "master_検証結果.xlsx"] and opened[0].exists()


@pytest.mark.parametrize(("lang", "labels"), [("ja", ["エラー", "警告", "情報"]),
                                              ("en", ["error", "warning", "info"])])  # fmt: skip
def test_severity_labels_are_the_catalogues(
    tmp_path: Path, cli_run, lang: str, labels: list[str]
) -> None:
    """The findings sheet, the about sheet and the CLI table say the same severity words."""
    master = bad_master(tmp_path / "master.xlsx")
    report = tmp_path / "findings.xlsx"
    res = cli_run("validate", master, "--report", report, "--config", REAL_CONFIG, "--lang", lang)
    assert res.exit_code == 1
    book = openpyxl.load_workbook(report)
    used = {c.value for c in book.worksheets[0]["A"][1:]}
    assert used <= set(labels) and labels[0] in used
    assert [c.value for c in book.worksheets[1]["A"][2:5]] == labels
    lines = res.stdout.splitlines()  # one "[severity] sheet cells: message code" per group
    assert lines[0].split()[0] == f"[{labels[0]}]"
