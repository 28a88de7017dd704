"""Masters built the way staff keep them: memos beside and below the 個表, a 記入例, a 表紙,
hidden drafts, a hidden drop-down list. Each habit reads as if it were not there, is
reported, and never reaches anything that leaves the office."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from builders import Habits, HabitTexts, project, write_habit_master, write_master
from conftest import CliResult
from kohyo.config import Config, load_config
from kohyo.read.master import check_master, dump_master, read_master
from libreoffice import convert

MEMO_SHEETS = ("2", "4", "21", "39")
# Markers every habit text starts with: none may occur in anything distributed.
MARKERS = ("職員メモ", "下書きメモ", "非公開の検討中事業", "検討中の新事業", "○○町、△△村")

Run = Callable[..., CliResult]


def build(tmp_path: Path, config: Config, habits: Habits, kind: str) -> tuple[Path, HabitTexts]:
    """The master with *habits*, as XlsxWriter wrote it or after a LibreOffice re-save."""
    folder = tmp_path / kind
    folder.mkdir(exist_ok=True)
    path = folder / "habits.xlsx"
    texts = write_habit_master(path, config, habits)
    if kind == "libreoffice":
        saved = convert(path, "xlsx:Calc MS Excel 2007 XML", folder / "lo")
        path = Path(shutil.move(saved, folder / "habits_lo.xlsx"))
    return path, texts


def clean_dump(tmp_path: Path, config: Config) -> dict[str, Any]:
    path = tmp_path / "clean.xlsx"
    write_habit_master(path, config, Habits())
    return dump_master(read_master(path, config), config)


def keys(report: Any, *codes: str) -> list[tuple[str | None, str | None, str]]:
    return [f.key() for f in report.findings if f.code in codes]


def scan(folder: Path, secrets: list[str]) -> list[tuple[str, str]]:
    """(file or member, secret) for every secret or marker found in any byte under *folder*,
    zip members uncompressed, PDFs also as pdftotext's text."""
    needles = [s.encode("utf-8") for s in [*secrets, *MARKERS]]
    hits: list[tuple[str, str]] = []
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, f"nothing under {folder}"
    for path in files:
        blobs: list[tuple[str, bytes]] = [(path.name, path.read_bytes())]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                blobs += [(f"{path.name}!{n}", zf.read(n)) for n in zf.namelist()]
        if path.suffix == ".pdf":
            text = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, check=True
            ).stdout
            assert len(text.decode("utf-8").strip()) > 100  # the PDF has text to search
            blobs.append((f"{path.name} (text)", text))
        for where, data in blobs:
            hits += [(where, n.decode()) for n in needles if n in data]
    return hits


# ---- 1. memos right of the 個表 and below the last block


@pytest.mark.parametrize("kind", ["xlsxwriter", "libreoffice"])
def test_memos_are_no_field_and_are_reported(tmp_path: Path, config: Config, kind: str) -> None:
    habits = Habits(memos_right=MEMO_SHEETS, memo_below=("2", "36"))
    path, texts = build(tmp_path, config, habits, kind)
    master, report = check_master(path, config)
    assert dump_master(master, config) == clean_dump(tmp_path, config)
    assert report.exit_code == 0
    assert sorted(keys(report, "memo-ignored")) == sorted(
        (sheet, cell, "memo-ignored") for sheet, cell in texts.memo_cells
    )
    assert all(f.severity == "info" for f in report.findings if f.code == "memo-ignored")
    first = next(f for f in report.findings if f.code == "memo-ignored")
    assert first.data["text"] == "職員メモ2の1行目：課長に確認する"[:20]


def test_memo_excerpt_is_cut_at_twenty_characters(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "m.xlsx"
    write_master(path, [project(1, "甲事業")])
    wb = openpyxl.load_workbook(path)
    wb["1"]["K2"] = "あ" * 30
    wb.save(path)
    _, report = check_master(path, config)
    (memo,) = [f for f in report.findings if f.code == "memo-ignored"]
    assert memo.key() == ("1", "K2", "memo-ignored")
    assert memo.data["text"] == "あ" * 20 + "…"


def test_the_right_edge_comes_from_the_sheet_not_a_fixed_column(
    tmp_path: Path, config: Config
) -> None:
    """The same 個表 shifted two columns right: its content is whole, the memo is still cut."""
    from builders import Layout

    path = tmp_path / "m.xlsx"
    write_master(path, [project(1, "甲事業")], layouts={0: Layout(col_offset=2)})
    wb = openpyxl.load_workbook(path)
    wb["1"]["J2"] = "右のメモ"  # the grid now ends at I
    wb.save(path)
    master, report = check_master(path, config)
    assert master.projects[0].content.text == "○圏域の起業・創業の促進を図る。"
    assert keys(report, "memo-ignored") == [("1", "J2", "memo-ignored")]


def test_a_note_below_the_kpis_is_a_note_other_text_a_memo(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "m.xlsx"
    write_master(path, [project(1, "甲事業", notes=["※注記はそのまま", "要確認：課長"])])
    master, report = check_master(path, config)
    assert [n.text for n in master.projects[0].notes] == ["※注記はそのまま"]
    assert [f.data["text"] for f in report.findings if f.code == "memo-ignored"] == ["要確認：課長"]


# ---- 2. sheets that are not 個表 by name


@pytest.mark.parametrize("kind", ["xlsxwriter", "libreoffice"])
def test_example_and_cover_sheets_are_skipped(tmp_path: Path, config: Config, kind: str) -> None:
    path, _ = build(tmp_path, config, Habits(example=True, list_sheet=True), kind)
    master, report = check_master(path, config)
    assert report.exit_code == 0
    assert dump_master(master, config) == clean_dump(tmp_path, config)
    skipped = [(f.sheet, f.severity) for f in report.findings if f.code == "sheet-skipped"]
    assert skipped == [("表紙", "info"), ("記入例", "info"), ("リスト", "info")]
    assert "sheets.skip" in next(f.message for f in report.findings if f.sheet == "記入例")


def test_a_copy_not_skipped_by_name_is_validated_strictly(
    tmp_path: Path, config: Config, tmp_config: Callable[..., Path]
) -> None:
    """記入例 under another name is a 個表 with errors; naming it in sheets.skip skips it."""
    path = tmp_path / "m.xlsx"
    example = project("例", "○○事業", municipalities="○○町、△△村", sheet="コピー")
    write_master(path, [project(1, "甲事業"), example])
    _, report = check_master(path, config)
    assert report.exit_code == 1
    assert {("コピー", "number-not-integer"), ("コピー", "municipality-unknown")} <= {
        (f.sheet, f.code) for f in report.findings if f.severity == "error"
    }
    custom = load_config(tmp_config({"sheets.skip": '["ｺﾋﾟｰ*"]'}))  # NFKC: ｺﾋﾟｰ is コピー
    _, report = check_master(path, custom)
    assert report.exit_code == 0
    assert keys(report, "sheet-skipped") == [("コピー", None, "sheet-skipped")]


def test_sheets_config_is_checked(tmp_config: Callable[..., Path]) -> None:
    from kohyo.errors import ConfigError

    with pytest.raises(ConfigError, match=r"sheets\.hidden"):
        load_config(tmp_config({"sheets.hidden": '"maybe"'}))
    with pytest.raises(ConfigError, match=r"sheets\.skip"):
        load_config(tmp_config({"sheets.skip": '["", "表紙"]'}))


# ---- 3. hidden sheets


@pytest.mark.parametrize("kind", ["xlsxwriter", "libreoffice"])
def test_hidden_drafts_are_validated_and_left_out(
    tmp_path: Path, config: Config, kind: str
) -> None:
    habits = Habits(hidden_draft=True, very_hidden_draft=True, list_sheet=True)
    path, _ = build(tmp_path, config, habits, kind)
    master, report = check_master(path, config)
    assert report.exit_code == 0
    assert dump_master(master, config) == clean_dump(tmp_path, config)
    assert [p.sheet for p in master.excluded] == ["下書き", "下書き2"]
    hidden = [(f.sheet, f.severity) for f in report.findings if f.code == "sheet-hidden"]
    assert hidden == [("下書き", "warning"), ("下書き2", "warning")]


def test_hidden_drafts_are_included_when_configured(
    tmp_path: Path, config: Config, tmp_config: Callable[..., Path]
) -> None:
    path, _ = build(tmp_path, config, Habits(hidden_draft=True), "xlsxwriter")
    include = load_config(tmp_config({"sheets.hidden": '"include"'}))
    master, report = check_master(path, include)
    assert [p.sheet for p in master.projects][-1] == "下書き"
    assert not master.excluded and not keys(report, "sheet-hidden")


def test_a_hidden_draft_is_still_validated(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "m.xlsx"
    write_master(path, [project(1, "甲事業"), project(2, "乙事業", costs=["約200"] + [None] * 4)])
    wb = openpyxl.load_workbook(path)
    wb["2"].sheet_state = "hidden"
    wb.save(path)
    master, report = check_master(path, config)
    assert [p.sheet for p in master.projects] == ["1"]
    assert ("2", "B5", "cost-not-number") in [f.key() for f in report.findings]


def test_summary_leaves_hidden_drafts_out_and_says_so(
    tmp_path: Path, tmp_area_config: Config
) -> None:
    from kohyo.edit.refresh import refresh_master

    path, _ = build(tmp_path, tmp_area_config, Habits(hidden_draft=True), "xlsxwriter")
    result = refresh_master(path, tmp_area_config)
    assert result.written
    wb = openpyxl.load_workbook(path, data_only=True)
    assert wb.sheetnames[:3] == ["表紙", "総括表", "2"]  # 4. after the cover
    values = [str(c) for row in wb["総括表"].iter_rows(values_only=True) for c in row if c]
    assert "7事業" in values
    assert values[-1] == "※ 非表示の個表 1 枚（下書き）は、この表に含めていません。"
    assert not [v for v in values if any(m in v for m in MARKERS)]


# ---- every habit at once, in both writers: nothing leaves the office


EVERY_HABIT = Habits(
    memos_right=MEMO_SHEETS,
    memo_below=("2", "36"),
    example=True,
    hidden_draft=True,
    very_hidden_draft=True,
    list_sheet=True,
)


def distribute_and_compare(path: Path, config: Config, out: Path) -> None:
    """The per-town workbooks of *path* and its change overview against the clean sample."""
    from kohyo.distribute.build import distribute_master
    from kohyo.overview.compare import compare_masters
    from kohyo.overview.render import write_change_overview

    master, report = check_master(path, config)
    assert report.exit_code == 0
    distribute_master(master, config, out_dir=out / "dist", parallel=False)
    clean = out / "clean.xlsx"
    write_habit_master(clean, config, Habits())
    ov = compare_masters(read_master(clean, config), master, config)
    assert (ov.old_count, ov.new_count, ov.has_changes) == (7, 7, False)
    write_change_overview(ov, out / "overview", config)
    clean.unlink()


@pytest.mark.parametrize("kind", ["xlsxwriter", "libreoffice"])
def test_every_habit_reads_as_the_sample_and_nothing_leaks(
    tmp_path: Path, config: Config, kind: str
) -> None:
    path, texts = build(tmp_path, config, EVERY_HABIT, kind)
    master, report = check_master(path, config)
    assert report.exit_code == 0
    assert dump_master(master, config) == clean_dump(tmp_path, config)
    counts = {code: len(keys(report, code)) for code in ("memo-ignored", "sheet-hidden")}
    assert counts == {"memo-ignored": len(texts.memos), "sheet-hidden": 2}
    distribute_and_compare(path, config, tmp_path / "out")
    assert scan(tmp_path / "out", texts.secret) == []


# ---- the done-when master: every habit at once


DONE_WHEN = Habits(memos_right=MEMO_SHEETS, example=True, cover=True, hidden_draft=True)


@pytest.fixture(scope="module")
def done_when(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, HabitTexts, Path]:
    """The sample's seven 個表 with memos beside four, a 記入例, a 表紙 and a hidden draft;
    and a config whose output goes beside it."""
    from conftest import REAL_CONFIG, ROOT

    folder = tmp_path_factory.mktemp("done_when")
    text = REAL_CONFIG.read_text(encoding="utf-8")
    text = text.replace('output_dir = "out"', f'output_dir = "{folder / "out"}"')
    text = text.replace('backup_dir = "workbooks/backup"', f'backup_dir = "{folder / "backup"}"')
    cfg = folder / "config.toml"
    cfg.write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "templates", folder / "templates")
    path = folder / "master.xlsx"
    texts = write_habit_master(path, load_config(cfg), DONE_WHEN)
    return path, texts, cfg


def test_done_when_validate_and_dump(done_when: tuple[Path, HabitTexts, Path], run: Run) -> None:
    path, texts, cfg = done_when
    res = run("validate", path, "--config", cfg)
    assert res.exit_code == 0, res.output
    assert "エラー 0 件" in res.stdout and "（個表 7 件）" in res.stdout
    dump = json.loads(run("dump", path, "--config", cfg).stdout)
    assert [p["sheet"] for p in dump["projects"]] == ["2", "3", "4", "20", "21", "36", "39"]
    assert dump == clean_dump(path.parent, load_config(cfg))
    assert not [m for m in texts.secret if m in json.dumps(dump, ensure_ascii=False)]


def test_done_when_nothing_distributed_holds_a_memo_or_a_draft(
    done_when: tuple[Path, HabitTexts, Path], run: Run, tmp_path: Path
) -> None:
    path, texts, cfg = done_when
    out = tmp_path / "dist"
    res = run("distribute", path, "--config", cfg, "--out", out, "--pdf")
    assert res.exit_code == 0, res.output
    assert list(out.glob("*.pdf"))
    assert scan(out, texts.secret) == []
    res = run("mail", "--config", cfg, "--dir", out, "--outbox", tmp_path / "outbox")
    assert res.exit_code == 0, res.output
    assert scan(tmp_path / "outbox", texts.secret) == []  # the .eml files that would be sent


def test_done_when_overview_holds_no_memo_or_draft(
    done_when: tuple[Path, HabitTexts, Path], run: Run, tmp_path: Path
) -> None:
    path, texts, cfg = done_when
    clean = tmp_path / "clean.xlsx"
    write_habit_master(clean, load_config(cfg), Habits())
    out = tmp_path / "overview"
    res = run("diff", clean, path, "--config", cfg, "--out", out)
    assert res.exit_code == 0, res.output
    assert scan(out, texts.secret) == []


@pytest.fixture
def run(cli_run: Run) -> Run:
    return cli_run


def test_leak_check_knows_memos_and_drafts(tmp_path: Path, config: Config) -> None:
    """Defence in depth: a file holding a memo or a draft's text is a leak for every town."""
    from kohyo.distribute.leakcheck import foreign_markers

    habits = Habits(memos_right=("4",), hidden_draft=True)
    path, _ = build(tmp_path, config, habits, "xlsxwriter")
    master = read_master(path, config)
    for town in config.area.municipalities:
        markers = foreign_markers(master, town)
        assert "職員メモ4の1行目:課長に確認する" in markers  # normalised: NFKC, no spaces
        assert "非公開の検討中事業(下書き):まだ市町村に出さない" in markers


# ---- hidden rows inside a 個表


KPIS = [
    ("創業件数", "21件", "30件"),
    ("非公開の検討中指標", "—", "—"),
    ("相談件数", "10件", "20件"),
]
ROLES = [("青森市", "事業企画"), ("平内町", "非公開の検討中の役割"), ("連携町村", "費用負担等")]


@pytest.mark.parametrize("kind", ["openpyxl", "libreoffice"])
def test_hidden_rows_are_left_out_with_a_warning(
    tmp_path: Path, config: Config, tmp_config: Callable[..., Path], kind: str
) -> None:
    path = tmp_path / "m.xlsx"
    cells = write_master(path, [project(1, "甲事業", kpis=KPIS, roles=ROLES)])["1"]
    hidden = [int(cells["kpi1"][1:]), int(cells["who:平内町"][1:])]
    wb = openpyxl.load_workbook(path)
    for row in hidden:
        wb["1"].row_dimensions[row].hidden = True
    wb.save(path)
    if kind == "libreoffice":
        path = convert(path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    master, report = check_master(path, config)
    clean = tmp_path / "clean.xlsx"
    write_master(clean, [project(1, "甲事業", kpis=KPIS[::2], roles=ROLES[::2])])
    assert dump_master(master, config) == dump_master(read_master(clean, config), config)
    assert sorted(keys(report, "row-hidden")) == sorted(
        ("1", cells[k], "row-hidden") for k in ("who:平内町", "kpi1")
    )
    assert report.exit_code == 0
    from kohyo.distribute.build import distribute_master

    distribute_master(master, config, out_dir=tmp_path / "dist", parallel=False)
    assert scan(tmp_path / "dist", ["非公開の検討中指標", "非公開の検討中の役割"]) == []
    include = load_config(tmp_config({"sheets.hidden": '"include"'}))
    master, report = check_master(path, include)
    assert [i.name for i in master.projects[0].indicators] == [k[0] for k in KPIS]
    assert not keys(report, "row-hidden")
