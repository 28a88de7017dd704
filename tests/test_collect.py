"""`kohyo collect` on real files: the sample master distributed, the towns' workbooks edited as a
town would (openpyxl, a LibreOffice re-save, a mail through a real SMTP server), merged back."""

from __future__ import annotations

import json
import os
import shutil
import smtplib
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from conftest import edit_toml
from conftest_patch_helpers import assert_only_cells_differ, members
from kohyo.cli import cli
from kohyo.collect.apply import apply_returns, collect_returns
from kohyo.collect.marks import key_path
from kohyo.config import Config
from kohyo.distribute.build import distribute_master
from kohyo.edit.refresh import refresh_master
from kohyo.read.master import dump_master, read_master
from kohyo.xlsx.patch import CellWrite, PackagePatch
from libreoffice import convert
from test_mail import Inbox, free_port
from xlsx_parts import sheet_parts

DAY = date(2026, 11, 30)
PARTNERS = ("平内町", "今別町", "蓬田村", "外ヶ浜町")
# Cells of project 20 in a town's canonical grid (contract §2).
NAME, COST_2021, CITY_ROLE, PARTNER_ROLE, KPI_CURRENT, KPI_TARGET = (
    "C1", "C5", "C6", "C7", "D9", "F9"
)  # fmt: skip


@dataclass
class Area:
    config: Config
    master: Path
    folder: Path  # the distribution folder
    returns: Path  # where staff save what came back

    def town_file(self, town: str) -> Path:
        return next(self.folder.glob(f"*_{town}_*.xlsx"))

    def edit(self, town: str, cells: dict[str, dict[str, Any]], name: str | None = None) -> Path:
        """*town*'s workbook, changed as a town does in a spreadsheet, saved into returns/."""
        wb = openpyxl.load_workbook(self.town_file(town))
        for sheet, values in cells.items():
            for ref, value in values.items():
                wb[sheet][ref] = value
        dest = self.returns / (name or f"{town}.xlsx")
        wb.save(dest)
        return dest

    def untouched(self, town: str) -> Path:
        return Path(shutil.copy(self.town_file(town), self.returns / f"{town}.xlsx"))

    def collect(self, run: Callable[..., Any], *args: str | Path) -> Any:
        return run("collect", *args, "--master", self.master, "--config", self.config.path)

    def project(self, number: int) -> dict[str, Any]:
        dump = dump_master(read_master(self.master, self.config), self.config)
        return next(p for p in dump["projects"] if p["number"] == number)


@pytest.fixture
def area(sample_master: Path, tmp_area_config: Config) -> Area:
    cfg = tmp_area_config
    refresh_master(sample_master, cfg)  # the 総括表 in place: apply then changes only cells
    result = distribute_master(read_master(sample_master, cfg), cfg, today=DAY)
    returns = result.folder.parent / "returns"
    returns.mkdir()
    return Area(cfg, sample_master, result.folder, returns)


def rows(plan_dict: dict[str, Any], *statuses: str) -> set[tuple[Any, ...]]:
    return {
        (c["town"], c["number"], c["field"], c["status"])
        for c in plan_dict["changes"]
        if not statuses or c["status"] in statuses
    }


def json_of(result: Any) -> dict[str, Any]:
    return json.loads(result.stdout)


# --- the marks ---------------------------------------------------------------------------------


def test_marks_are_signed_custom_properties_and_the_key_stays_home(area: Area) -> None:
    key = key_path(area.config)
    assert key.parent == area.config.path.parent
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    secret = key.read_text().strip()
    with zipfile.ZipFile(area.town_file("平内町")) as zf:
        custom = zf.read("docProps/custom.xml").decode()
        everything = b"".join(zf.read(n) for n in zf.namelist())
    assert "<vt:lpwstr>平内町</vt:lpwstr>" in custom and "kohyo.signature" in custom
    assert "kohyo.sheet.001" in custom
    assert secret.encode() not in everything
    for f in area.folder.rglob("*"):
        assert f.is_dir() or secret.encode() not in f.read_bytes()
    base = json.loads((area.folder / "base" / "平内町.json").read_text(encoding="utf-8"))
    assert base["town"] == "平内町"
    assert [p["number"] for p in base["projects"]] == [2, 3, 4, 20, 21, 36, 39]
    # no formula, no macro, no extra sheet
    assert openpyxl.load_workbook(area.town_file("平内町")).sheetnames[0] == "一覧"
    assert ".kohyo-collect.key" in (Path(__file__).parents[1] / ".gitignore").read_text()


def test_same_master_date_and_key_give_the_same_bytes(area: Area) -> None:
    before = {p.name: p.read_bytes() for p in area.folder.glob("*.xlsx")}
    base_before = (area.folder / "base" / "今別町.json").read_bytes()
    distribute_master(read_master(area.master, area.config), area.config, today=DAY)
    assert {p.name: p.read_bytes() for p in area.folder.glob("*.xlsx")} == before
    assert (area.folder / "base" / "今別町.json").read_bytes() == base_before


def test_init_does_not_make_the_key(tmp_path: Path, cli_run: Callable[..., Any]) -> None:
    result = cli_run("init", tmp_path / "new")
    assert result.exit_code == 0, result.output
    assert not list((tmp_path / "new").rglob("*.key"))


# --- the done-when scenario --------------------------------------------------------------------


def scenario(area: Area) -> None:
    area.edit("平内町", {"20": {PARTNER_ROLE: "周知活動、会場提供", KPI_CURRENT: "140人 (2020年度実績)",
                                 COST_2021: 300}})  # fmt: skip
    area.edit("今別町", {"20": {CITY_ROLE: "今別町が書き換えた役割", NAME: "別の事業名"}})
    area.untouched("蓬田村")
    area.edit("外ヶ浜町", {"20": {COST_2021: 250}})


EXPECTED = {
    ("平内町", 20, "role:連携町村", "proposed"),
    ("平内町", 20, "kpi_current:研修参加者数", "proposed"),
    ("平内町", 20, "cost:2021", "conflict"),
    ("外ヶ浜町", 20, "cost:2021", "conflict"),
    ("今別町", 20, "role:青森市", "refused"),
    ("今別町", 20, "name", "refused"),
}


def test_done_when(area: Area, cli_run: Callable[..., Any], tmp_path: Path) -> None:
    scenario(area)
    before = area.master.read_bytes()
    report = tmp_path / "取り込み結果.xlsx"
    dry = area.collect(cli_run, area.returns, "--report", report)
    assert dry.exit_code == 0, dry.output
    assert "取り込み候補 2 件、競合 2 件、取り込み不可 2 件" in dry.stdout
    assert "「青森市」の役割分担はこの市町村が変更できません" in dry.stdout
    assert "事業名は返送では変更できません" in dry.stdout
    assert area.master.read_bytes() == before  # a plan writes nothing
    plan = json_of(area.collect(cli_run, area.returns, "--json", "--report", report))
    assert rows(plan) == EXPECTED
    assert {r["town"]: r["status"] for r in plan["returns"]} == dict.fromkeys(PARTNERS, "taken")
    conflict = next(c for c in plan["changes"] if c["town"] == "外ヶ浜町")
    assert (conflict["base"], conflict["theirs"], conflict["ours"]) == (215, 250, 215)
    assert "平内町「300」" in conflict["reason"] and "外ヶ浜町「250」" in conflict["reason"]

    applied = area.collect(cli_run, area.returns, "--apply", "--yes", "--report", report)
    assert applied.exit_code == 0, applied.output
    assert "取り込み済 2 件、競合 2 件、取り込み不可 2 件" in applied.stdout
    p20 = area.project(20)
    assert p20["roles"] == {
        "青森市": "多職種協働の研修会の企画及び運営等",
        "連携町村": "周知活動、会場提供",
    }
    assert p20["indicators"][0]["current"] == "140人 (2020年度実績)"
    assert p20["costs"]["2021"] == 215 and p20["name"] == "在宅医療・介護連携推進事業"
    cells = {c["cell"] for c in plan["changes"] if c["status"] == "proposed"}
    assert len(cells) == 2
    assert_only_these_cells_changed(before, area.master, "20", cells)
    ledger = [
        json.loads(x) for x in (area.folder / "collect_ledger.jsonl").read_text().splitlines()
    ]
    assert sorted(r["town"] for r in ledger) == sorted(PARTNERS)
    hiranai = next(r for r in ledger if r["town"] == "平内町")
    assert len(hiranai["applied"]) == 2 and hiranai["conflicts"] == [["20", "cost:2021"]]

    after = area.master.read_bytes()
    again = area.collect(cli_run, area.returns, "--apply", "--yes", "--json", "--report", report)
    assert again.exit_code == 0, again.output
    assert {r["status"] for r in json_of(again)["returns"]} == {"taken_before"}
    assert json_of(again)["changes"] == []
    assert area.master.read_bytes() == after
    assert len((area.folder / "collect_ledger.jsonl").read_text().splitlines()) == 4

    wb = openpyxl.load_workbook(report)
    ws = wb["取り込み結果"]
    header = [c.value for c in ws[1]]
    assert header[:9] == [
        "市町村",
        "事業番号",
        "シート",
        "項目",
        "配布時",
        "返送",
        "マスター",
        "状態",
        "理由",
    ]
    assert ws.max_row == 1  # the second run: nothing left to take in
    assert [r[3].value for r in wb["返送ファイル"].iter_rows(min_row=2)] == ["取り込み済み"] * 4


def assert_only_these_cells_changed(
    before: bytes, after: Path, sheet: str, cells: set[str]
) -> None:
    """Every part but *sheet*'s is byte-identical (stored bytes too); in it only *cells* differ."""
    old, new = members(before), members(after)
    part = sheet_parts(after)[sheet]
    assert list(old) == list(new)
    for name in old:
        if name == part:
            continue
        assert old[name][2] == new[name][2], f"{name} changed"
    assert old[part][1] != new[part][1]
    assert_only_cells_differ(old[part][1], new[part][1], cells)


def test_report_workbook_rows_links_and_colours(area: Area, cli_run: Callable[..., Any],
                                               tmp_path: Path) -> None:  # fmt: skip
    scenario(area)
    report = tmp_path / "r.xlsx"
    assert area.collect(cli_run, area.returns, "--report", report).exit_code == 0
    ws = openpyxl.load_workbook(report)["取り込み結果"]
    body = list(ws.iter_rows(min_row=2))
    assert len(body) == len(EXPECTED)
    by_status = {r[7].value: r for r in body}
    assert set(by_status) == {"取り込み候補", "競合", "取り込み不可"}
    assert by_status["取り込み候補"][0].fill.fgColor.rgb.endswith("C6EFCE")
    assert by_status["競合"][0].fill.fgColor.rgb.endswith("FFEB9C")
    assert by_status["取り込み不可"][0].fill.fgColor.rgb.endswith("FFC7CE")
    linked = [r[9] for r in body if r[9].hyperlink is not None]
    assert linked and all(
        r.hyperlink.location.startswith("'20'!") or "#'20'!" in (r.hyperlink.target or "")
        for r in linked
    )


def test_library_entry_points_match_the_cli(area: Area, cli_run: Callable[..., Any]) -> None:
    scenario(area)
    plan = collect_returns([area.returns], area.config, master=area.master)
    cli = json_of(area.collect(cli_run, area.returns, "--json"))
    assert plan.to_dict()["changes"] == cli["changes"]
    apply_returns(plan, area.config)
    assert {c.status for c in plan.changes} == {"applied", "conflict", "refused"}
    assert area.project(20)["roles"]["連携町村"] == "周知活動、会場提供"


# --- the master changed in between; other office suites ----------------------------------------


def test_master_changed_since_distribution(area: Area, cli_run: Callable[..., Any]) -> None:
    master = read_master(area.master, area.config)
    p20 = next(p for p in master.projects if p.number == 20)
    patch = PackagePatch.open(area.master)
    patch.set_cells("20", [CellWrite(p20.indicators[0].current_cell, "150人 (2020年度実績)"),
                           CellWrite(p20.indicators[0].target_cell, "210人")])  # fmt: skip
    patch.save(area.master)
    area.edit("平内町", {"20": {KPI_CURRENT: "140人 (2020年度実績)", PARTNER_ROLE: "周知"}})
    plan = json_of(area.collect(cli_run, area.returns, "--json"))
    assert rows(plan) == {
        ("平内町", 20, "kpi_current:研修参加者数", "conflict"),
        ("平内町", 20, "kpi_target:研修参加者数", "kept"),
        ("平内町", 20, "role:連携町村", "proposed"),
    }
    c = next(x for x in plan["changes"] if x["status"] == "conflict")
    assert (c["base"], c["theirs"], c["ours"]) == (
        "135人 (2019年度見込)", "140人 (2020年度実績)", "150人 (2020年度実績)"
    )  # fmt: skip


def test_libreoffice_resave_keeps_the_marks(area: Area, cli_run: Callable[..., Any],
                                            tmp_path: Path) -> None:  # fmt: skip
    edited = area.edit("平内町", {"3": {"D9": "170件 (2020年度実績)"}}, name="edited.xlsx")
    resaved = convert(edited, "xlsx", tmp_path / "lo")
    untouched = convert(area.town_file("蓬田村"), "xlsx", tmp_path / "lo2")
    with zipfile.ZipFile(resaved) as zf:
        assert "kohyo.signature" in zf.read("docProps/custom.xml").decode()
    plan = json_of(area.collect(cli_run, resaved, untouched, "--json"))
    assert {r["town"]: r["status"] for r in plan["returns"]} == {
        "平内町": "taken",
        "蓬田村": "taken",
    }
    assert rows(plan) == {("平内町", 3, "kpi_current:相談件数※", "proposed")}


# --- refusals ----------------------------------------------------------------------------------


def retarget(src: Path, dest: Path, old: str, new: str) -> Path:
    """*src* with its custom properties edited by hand (a town claiming to be another)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/custom.xml":
                data = data.replace(old.encode(), new.encode())
            zout.writestr(info, data)
    return dest


def test_edited_marks_are_refused(area: Area, cli_run: Callable[..., Any]) -> None:
    edited = area.edit("今別町", {"20": {PARTNER_ROLE: "今別町の役割"}}, name="a.xlsx")
    forged = retarget(edited, area.returns / "forged.xlsx", ">今別町<", ">平内町<")
    edited.unlink()
    before = area.master.read_bytes()
    result = area.collect(cli_run, area.returns, "--apply", "--yes")
    assert result.exit_code == 1, result.output
    assert "配布の印が一致しません（改変の可能性）" in result.stdout
    assert area.master.read_bytes() == before
    assert not (area.folder / "collect_ledger.jsonl").exists()
    forged.unlink()
    shutil.copy(area.master, area.returns / "not_ours.xlsx")
    result = area.collect(cli_run, area.returns)
    assert result.exit_code == 1 and "kohyo が配布したファイルではありません" in result.stdout


def test_a_forged_base_is_refused(area: Area, cli_run: Callable[..., Any]) -> None:
    area.edit("平内町", {"20": {PARTNER_ROLE: "周知"}})
    base = area.folder / "base" / "平内町.json"
    base.write_text(
        base.read_text(encoding="utf-8").replace("周知活動", "別の役割"), encoding="utf-8"
    )
    result = area.collect(cli_run, area.returns)
    assert result.exit_code == 1 and "配布の印と一致しません（改変の可能性）" in result.stdout


def test_a_return_failing_validation_is_refused_whole(
    area: Area, cli_run: Callable[..., Any]
) -> None:
    area.edit("平内町", {"20": {COST_2021: "約200", PARTNER_ROLE: "周知"}})
    area.edit("外ヶ浜町", {"21": {PARTNER_ROLE: "参加"}})
    before = area.master.read_bytes()
    result = area.collect(cli_run, area.returns, "--apply", "--yes", "--json")
    assert result.exit_code == 1, result.output
    plan = json_of(result)
    hiranai = next(r for r in plan["returns"] if r["town"] == "平内町")
    assert hiranai["status"] == "refused"
    assert [(f["sheet"], f["cell"], f["code"]) for f in hiranai["findings"]] == [
        ("20", "C5", "cost-not-number")
    ]
    assert rows(plan) == {("外ヶ浜町", 21, "role:連携町村", "applied")}
    assert area.project(21)["roles"]["連携町村"] == "参加"
    assert area.project(20)["roles"]["連携町村"] == "周知活動"  # 平内町's: refused whole
    assert area.master.read_bytes() != before


def test_forbidden_changes_are_refused_with_reasons(
    area: Area, cli_run: Callable[..., Any]
) -> None:
    wb = openpyxl.load_workbook(area.town_file("蓬田村"))
    wb.copy_worksheet(wb["20"]).title = "20 (2)"  # a 個表 added
    del wb["39"]  # a 個表 deleted
    wb["21"]["B2"] = "内容を書き換え"  # not editable by default
    wb["21"]["B1"] = 99  # the number
    wb["4"]["F9"] = "100件"  # the KPI target: not editable by default
    wb["2"]["A10"] = "※注記を書き換え"  # a note: editable
    wb.save(area.returns / "蓬田村.xlsx")
    before = area.master.read_bytes()
    plan = json_of(area.collect(cli_run, area.returns, "--json"))
    assert rows(plan) == {
        ("蓬田村", 20, "sheet", "refused"),
        ("蓬田村", 39, "sheet", "refused"),
        ("蓬田村", 21, "content", "refused"),
        ("蓬田村", 21, "number", "refused"),
        ("蓬田村", 4, "kpi_target:創業件数", "refused"),
        ("蓬田村", 2, "note:1", "proposed"),
    }
    reasons = {c["field"]: c["reason"] for c in plan["changes"]}
    assert "config の [collect] editable" in reasons["content"]
    assert area.master.read_bytes() == before


def test_editable_fields_come_from_the_config(area: Area, cli_run: Callable[..., Any]) -> None:
    text = area.config.path.read_text(encoding="utf-8")
    text = edit_toml(text, "collect", "editable", '["content", "kpi_target"]')
    area.config.path.write_text(text, encoding="utf-8")
    area.edit("平内町", {"21": {"B2": "新しい内容", PARTNER_ROLE: "参加"}})
    plan = json_of(area.collect(cli_run, area.returns, "--json"))
    assert rows(plan) == {("平内町", 21, "content", "proposed"),
                          ("平内町", 21, "role:連携町村", "refused")}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("macro.xlsm", None, "マクロ付きブック"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
         "暗号化"),
        ("note.xlsx", b"just text", "xlsx"),
        ("bomb.xlsx", "bomb", "圧縮率"),
    ],
)  # fmt: skip
def test_unreadable_returns_are_refused(
    area: Area, cli_run: Callable[..., Any], name: str, data: bytes | str | None, message: str
) -> None:
    dest = area.returns / name
    if data is None:
        shutil.copy(area.town_file("平内町"), dest)
    elif data == "bomb":  # a town file with one part that inflates 1,000-fold
        shutil.copy(area.town_file("平内町"), dest)
        with zipfile.ZipFile(dest, "a", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("xl/media/filler.bin", bytes(8 * 2**20))
    else:
        dest.write_bytes(data)
    result = area.collect(cli_run, dest)
    assert result.exit_code == 1, result.output
    assert message in result.stdout


def test_two_returns_from_one_town(area: Area, cli_run: Callable[..., Any]) -> None:
    first = area.edit("平内町", {"20": {PARTNER_ROLE: "周知"}}, name="first.xlsx")
    second = area.edit("平内町", {"20": {PARTNER_ROLE: "周知と会場"}}, name="second.xlsx")
    os.utime(first, (1_700_000_000, 1_700_000_000))
    os.utime(second, (1_700_000_100, 1_700_000_100))
    plan = json_of(area.collect(cli_run, area.returns, "--json"))
    assert {r["status"] for r in plan["returns"]} == {"duplicate"}
    assert {c["status"] for c in plan["changes"]} == {"conflict"}
    before = area.master.read_bytes()
    area.collect(cli_run, area.returns, "--apply", "--yes")
    assert area.master.read_bytes() == before
    result = area.collect(cli_run, area.returns, "--latest", "--apply", "--yes", "--json")
    assert {r["file"]: r["status"] for r in json_of(result)["returns"]} == {
        "first.xlsx": "superseded", "second.xlsx": "taken"
    }  # fmt: skip
    assert area.project(20)["roles"]["連携町村"] == "周知と会場"


def test_an_older_distribution_merges_against_its_own_base(
    area: Area, cli_run: Callable[..., Any]
) -> None:
    old = area.edit("平内町", {"20": {PARTNER_ROLE: "周知"}}, name="old.xlsx")
    distribute_master(read_master(area.master, area.config), area.config, today=date(2026, 12, 7))
    plan = json_of(area.collect(cli_run, old, "--json"))
    assert rows(plan) == {("平内町", 20, "role:連携町村", "proposed")}
    # the same day again, from a changed master: that day's base is replaced
    patch = PackagePatch.open(area.master)
    patch.set_cells("21", [CellWrite("B3", "連携効果を変更")])
    patch.save(area.master)
    distribute_master(read_master(area.master, area.config), area.config, today=DAY)
    result = area.collect(cli_run, old)
    assert result.exit_code == 1
    assert "同じ日のあとの配布で置き換えられています" in result.stdout


def test_without_the_key_collect_cannot_run(area: Area, cli_run: Callable[..., Any]) -> None:
    area.untouched("平内町")
    key_path(area.config).unlink()
    result = area.collect(cli_run, area.returns)
    assert result.exit_code == 2
    assert "取り込み用の鍵" in result.stderr


def test_apply_needs_yes_when_nobody_can_answer(area: Area, cli_run: Callable[..., Any]) -> None:
    area.edit("平内町", {"20": {PARTNER_ROLE: "周知"}})
    before = area.master.read_bytes()
    result = area.collect(cli_run, area.returns, "--apply")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert area.master.read_bytes() == before


# --- mail ----------------------------------------------------------------------------------------


def test_mail_made_by_kohyo_mail_and_a_reply_through_smtp(
    area: Area, cli_run: Callable[..., Any], tmp_path: Path
) -> None:
    dry = cli_run("mail", "--config", area.config.path)
    assert dry.exit_code == 0, dry.output
    outbox = area.config.mail.outbox_dir
    assert outbox is not None and len(list(outbox.glob("*.eml"))) == 4
    plan = json_of(area.collect(cli_run, outbox, "--json"))
    assert sorted(r["town"] for r in plan["returns"]) == sorted(PARTNERS)
    assert all(r["status"] == "taken" for r in plan["returns"])
    assert all("は平内町の宛先として設定されていません" in " ".join(r["warnings"])
               for r in plan["returns"] if r["town"] == "平内町")  # fmt: skip
    assert plan["changes"] == []

    # 平内町 replies from its configured address with its edited workbook attached
    edited = area.edit("平内町", {"20": {PARTNER_ROLE: "周知活動、会場提供"}}, name="x.xlsx")
    sent = BytesParser(policy=policy.default).parsebytes(
        next(outbox.glob("平内町*.eml")).read_bytes()
    )
    reply = EmailMessage()
    reply["From"] = "平内町 企画課 <kikaku@town.hiranai.example.jp>"
    reply["To"] = sent["From"]
    reply["Subject"] = "Re: " + str(sent["Subject"])
    reply.set_content("確認しました。修正して返送します。")
    attached = next(p for p in sent.iter_attachments() if p.get_filename().endswith(".xlsx"))
    reply.add_attachment(edited.read_bytes(), maintype="application",
                         subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         filename=attached.get_filename())  # fmt: skip
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(reply)
    finally:
        controller.stop()
    saved = tmp_path / "mailbox"
    saved.mkdir()
    (saved / "reply.eml").write_bytes(inbox.received[0].content)
    edited.unlink()
    result = area.collect(cli_run, saved, "--json", "--apply", "--yes")
    plan = json_of(result)
    assert result.exit_code == 0, result.output
    assert [(r["file"], r["town"], r["warnings"]) for r in plan["returns"]] == [
        (f"reply.eml » {attached.get_filename()}", "平内町", [])
    ]
    assert rows(plan) == {("平内町", 20, "role:連携町村", "applied")}
    assert area.project(20)["roles"]["連携町村"] == "周知活動、会場提供"


def test_a_project_renumbered_in_the_master_is_found_by_its_name(
    area: Area, cli_run: Callable[..., Any]
) -> None:
    area.edit("平内町", {"21": {PARTNER_ROLE: "事業への参加"}})
    result = cli_run("new", area.master, "--name", "新しい事業", "--after", "4", "--yes",
                     "--config", area.config.path)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert area.project(22)["name"] == "在宅医療推進のための共同セミナー開催事業"
    plan = json_of(area.collect(cli_run, area.returns, "--json", "--apply", "--yes"))
    assert rows(plan, "applied") == {("平内町", 21, "role:連携町村", "applied")}
    applied = next(c for c in plan["changes"] if c["status"] == "applied")
    assert applied["sheet"] == "22"  # the master's sheet now
    # the renumbering is the master's own change, kept
    assert ("平内町", 21, "number", "kept") in rows(plan)
    assert area.project(22)["roles"]["連携町村"] == "事業への参加"
    assert area.project(21)["roles"]["連携町村"] == "周知活動"  # the old No.20: untouched


def test_apply_asks_first_on_a_terminal(
    area: Area, cli_run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import kohyo.cli.collect as collect_cli

    monkeypatch.setattr(collect_cli, "interactive", lambda: True)
    area.edit("平内町", {"20": {PARTNER_ROLE: ""}})
    before = area.master.read_bytes()
    runner = CliRunner()
    args = ["collect", str(area.returns), "--apply", "--master", str(area.master),
            "--config", str(area.config.path)]  # fmt: skip
    no = runner.invoke(cli, args, input="n\n")
    assert no.exit_code == 0 and "取りやめました" in no.stdout
    assert area.master.read_bytes() == before
    assert not (area.folder / "collect_ledger.jsonl").exists()
    yes = runner.invoke(cli, args, input="y\n")
    assert yes.exit_code == 0, yes.output
    assert "[取り込み候補] 役割分担（連携町村）: 周知活動 → （空欄）" in yes.stdout
    assert area.project(20)["roles"]["連携町村"] == ""


def test_english_plan(area: Area, cli_run: Callable[..., Any]) -> None:
    scenario(area)
    result = area.collect(cli_run, area.returns, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "[conflict] cost (FY2021): 215 -> 250" in result.stdout
    assert "2 proposed, 2 conflicts, 2 refused, 0 kept from the master" in result.stdout
