"""Refresh: only the 計 that disagree and the 総括表 change; everything else is byte-identical."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from builders import project, write_master
from kohyo.config import load_config
from kohyo.edit.refresh import plan_refresh, refresh_master
from kohyo.files.digest import file_digest
from kohyo.read.master import check_master
from ooxml import assert_valid_xlsx
from xlsx_parts import OWNED_PARTS, cells_xml, members, sheet_parts


def test_sample_refresh_changes_exactly_the_two_totals_and_the_summary(
    sample_master: Path, tmp_area_config
) -> None:
    before = members(sample_master)
    parts_before = sheet_parts(sample_master)
    result = refresh_master(sample_master, tmp_area_config)
    assert result.written
    assert [(u.sheet, u.cell, u.old, u.new) for u in result.plan.updates] == [
        ("2", "G5", "—", 21833),
        ("3", "G5", "—", 8953),
    ]
    assert result.summary_status == "created"
    assert_valid_xlsx(sample_master)
    after = members(sample_master)
    parts_after = sheet_parts(sample_master)
    summary_part = parts_after["総括表"]
    assert next(iter(parts_after)) == "総括表"  # position "first" from config
    changed = {n for n in before if before[n] != after.get(n)}
    added = set(after) - set(before)
    assert added == {summary_part}
    assert changed - OWNED_PARTS == {parts_before["2"], parts_before["3"]}
    for name in ("2", "3"):
        old, new = cells_xml(before[parts_before[name]]), cells_xml(after[parts_before[name]])
        assert old.keys() == new.keys()
        assert [r for r in old if old[r] != new[r]] == ["G5"]
    # Everything outside the sheetData of the patched sheets is untouched too.
    for name in ("2", "3"):
        strip = lambda d: d[: d.index(b"<sheetData")] + d[d.index(b"</sheetData>") :]  # noqa: E731
        assert strip(before[parts_before[name]]) == strip(after[parts_before[name]])


def test_refreshed_values_read_back(sample_master: Path, tmp_area_config) -> None:
    refresh_master(sample_master, tmp_area_config)
    wb = openpyxl.load_workbook(sample_master)
    assert wb["2"]["G5"].value == "=SUM(B5:F5)"
    wb_values = openpyxl.load_workbook(sample_master, data_only=True)
    assert wb_values["2"]["G5"].value == 21833
    assert wb_values["3"]["G5"].value == 8953
    assert wb_values["20"]["G5"].value == 1075  # already right: left as it was
    summary = wb_values["総括表"]
    rows = [[c.value for c in row] for row in summary.iter_rows()]
    numbers = [r[0] for r in rows[3:10]]
    assert numbers == [2, 3, 4, 20, 21, 36, 39]
    assert rows[10][0] == "合計"
    assert rows[10][-1] == 21833 + 8953 + 1075
    assert rows[10][8] == 21833 + 8953 + 215  # FY2020 column
    assert any(r[2] == "7事業" for r in rows if r and r[0] == "具体的取組の総数")
    _, report = check_master(sample_master, tmp_area_config)
    assert not [f for f in report.findings if f.code == "total-mismatch"]


def test_second_refresh_changes_nothing(sample_master: Path, tmp_area_config) -> None:
    refresh_master(sample_master, tmp_area_config)
    digest = file_digest(sample_master)
    mtime = sample_master.stat().st_mtime_ns
    result = refresh_master(sample_master, tmp_area_config)
    assert not result.written
    assert result.plan.updates == []
    assert result.summary_status == "unchanged"
    assert file_digest(sample_master) == digest
    assert sample_master.stat().st_mtime_ns == mtime


def test_summary_is_regenerated_when_a_cost_changes(
    sample_master: Path, tmp_area_config, tmp_path: Path
) -> None:
    refresh_master(sample_master, tmp_area_config)
    # Staff edit a cost in Excel; the next refresh updates 計 and the summary, nothing else.
    from kohyo.xlsx.patch import CellWrite, PackagePatch

    patch = PackagePatch.open(sample_master)
    patch.set_cells("20", [CellWrite("B5", 300)])
    patch.save(sample_master)
    result = refresh_master(sample_master, tmp_area_config)
    assert [(u.sheet, u.old, u.new) for u in result.plan.updates] == [("20", 1075, 1160)]
    assert result.summary_status == "updated"
    assert_valid_xlsx(sample_master)


def test_validation_error_writes_nothing(tmp_path: Path, tmp_area_config) -> None:
    path = tmp_path / "bad.xlsx"
    write_master(path, [project(4, costs=["約200", None, None, None, None], total="—")])
    digest = file_digest(path)
    result = refresh_master(path, tmp_area_config)
    assert result.report.has_errors and not result.written
    assert file_digest(path) == digest
    assert not (tmp_path / "backup").exists()


def test_refresh_on_built_master_writes_formula_and_summary(
    tmp_path: Path, tmp_area_config
) -> None:
    path = tmp_path / "m.xlsx"
    write_master(
        path,
        [
            project(1, "甲事業", costs=[100, "２００", None, None, None], total=None),
            project(2, "乙事業", municipalities="青森市、平内町", costs=[1, 2, 3, 4, 5], total=0),
        ],
    )
    result = refresh_master(path, tmp_area_config)
    assert result.written
    got = {(u.sheet, u.new, u.formula) for u in result.plan.updates}
    # A number typed as text is counted, but Excel's SUM would skip it: a constant, not a formula.
    assert got == {("1", 300, None), ("2", 15, "SUM(B5:F5)")}
    assert_valid_xlsx(path)


def test_plan_is_pure_and_matches_validation(sample_master: Path, tmp_area_config) -> None:
    master, report = check_master(sample_master, tmp_area_config)
    plan = plan_refresh(master, tmp_area_config)
    mismatches = {f.sheet for f in report.findings if f.code == "total-mismatch"}
    assert {u.sheet for u in plan.updates} == mismatches == {"2", "3"}


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "kohyo", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=120,
    )


def test_cli_refresh_json(sample_master: Path, tmp_area_config, cli_run) -> None:
    res = cli_run(
        "refresh", sample_master, "--json", "--no-distribute", "--config", tmp_area_config.path
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["written"] is True
    assert [(c["sheet"], c["new"]) for c in data["changes"]] == [("2", 21833), ("3", 8953)]
    assert data["summary"] == {"sheet": "総括表", "status": "created", "count": 7}
    res = cli_run(
        "refresh", sample_master, "--json", "--no-distribute", "--config", tmp_area_config.path
    )
    assert json.loads(res.stdout)["written"] is False


def test_cli_refresh_text_report(sample_master: Path, tmp_area_config) -> None:
    proc = run_cli(
        "refresh", str(sample_master), "--no-distribute", "--config", str(tmp_area_config.path)
    )
    assert proc.returncode == 0, proc.stderr
    assert "事業2 計: — → 21,833" in proc.stdout
    assert "事業3 計: — → 8,953" in proc.stdout
    assert "総括表: 作成しました" in proc.stdout


def test_locked_master_is_refused(sample_master: Path, tmp_area_config, cli_run) -> None:
    owner = sample_master.parent / f"~${sample_master.name}"
    owner.write_bytes(b"owner")
    digest = file_digest(sample_master)
    res = cli_run("refresh", sample_master, "--no-distribute", "--config", tmp_area_config.path)
    assert res.exit_code == 2
    assert res.stderr.startswith("エラー:") and res.stderr.count("\n") == 1
    assert "閉じて" in res.stderr and "Traceback" not in res.output
    assert file_digest(sample_master) == digest


def test_errors_exit_1_and_nothing_written(tmp_path: Path, tmp_area_config, cli_run) -> None:
    path = tmp_path / "bad.xlsx"
    write_master(path, [project(4, municipalities="青森町")])
    digest = file_digest(path)
    res = cli_run("refresh", path, "--no-distribute", "--config", tmp_area_config.path)
    assert res.exit_code == 1
    assert "municipality-unknown" in res.stdout
    assert "何も書き込んでいません" in res.stdout
    assert file_digest(path) == digest


@pytest.mark.parametrize("step", ["after-write", "after-verify", "after-backup"])
def test_kill_before_replace_leaves_original(
    sample_master: Path, tmp_area_config, step: str
) -> None:
    digest = file_digest(sample_master)
    proc = run_cli(
        "refresh", str(sample_master), "--no-distribute", "--config", str(tmp_area_config.path),
        env={"KOHYO_TEST_CRASH_AT": step},
    )  # fmt: skip
    assert proc.returncode != 0
    assert file_digest(sample_master) == digest
    # The next run cleans up and completes.
    result = refresh_master(sample_master, tmp_area_config)
    assert result.written
    assert not [p for p in sample_master.parent.iterdir() if p.name.endswith(".kohyo-tmp")]


def test_kill_after_replace_leaves_new_file_and_backup(
    sample_master: Path, tmp_area_config
) -> None:
    original = sample_master.read_bytes()
    proc = run_cli(
        "refresh", str(sample_master), "--no-distribute", "--config", str(tmp_area_config.path),
        env={"KOHYO_TEST_CRASH_AT": "after-replace"},
    )  # fmt: skip
    assert proc.returncode != 0
    backups = sorted((tmp_area_config.paths.backup_dir).iterdir())  # the backup and its record
    assert len(backups) == 2 and backups[0].read_bytes() == original
    assert backups[1].name == backups[0].name + ".sha256"
    result = refresh_master(sample_master, tmp_area_config)
    assert not result.written  # it was complete: nothing left to do


def test_summary_position_is_one_based(tmp_path: Path, tmp_area_config) -> None:
    text = tmp_area_config.path.read_text(encoding="utf-8").replace(
        'position = "first"', "position = 2"
    )
    tmp_area_config.path.write_text(text, encoding="utf-8")
    config = load_config(tmp_area_config.path)
    path = tmp_path / "m.xlsx"
    write_master(path, [project(1, "甲事業"), project(2, "乙事業")])
    refresh_master(path, config)
    assert openpyxl.load_workbook(path).sheetnames == ["1", "総括表", "2"]


def test_refresh_also_distributes_and_mail_accepts_it(
    sample_master: Path, tmp_area_config, cli_run
) -> None:
    res = cli_run("refresh", sample_master, "--config", tmp_area_config.path)
    assert res.exit_code == 0, res.output
    manifests = list(tmp_area_config.paths.output_dir.glob("*/manifest.json"))
    assert len(manifests) == 1
    manifest = json.loads(manifests[0].read_text(encoding="utf-8"))
    assert manifest["master_sha256"] == file_digest(sample_master)
    assert set(manifest["towns"]) == set(tmp_area_config.area.municipalities)
    assert "配布ファイルを作成しました" in res.stdout
    # The mail step trusts this distribution: the master it was made from is the refreshed one.
    res = cli_run("mail", "--config", tmp_area_config.path)
    assert res.exit_code == 0, res.output
    assert len(list(tmp_area_config.mail.outbox_dir.glob("*.eml"))) == len(
        tmp_area_config.area.partners
    )


def test_no_distribute_skips_it(sample_master: Path, tmp_area_config, cli_run) -> None:
    res = cli_run("refresh", sample_master, "--no-distribute", "--config", tmp_area_config.path)
    assert res.exit_code == 0, res.output
    assert not list(tmp_area_config.paths.output_dir.glob("*/manifest.json"))


def test_summary_never_holds_bidi_controls(tmp_path: Path, tmp_area_config) -> None:
    """A project name with U+202E passes validate with a warning; the 総括表 gets it without."""
    path = tmp_path / "m.xlsx"
    write_master(path, [project(1, "甲\u202e事業\u2066"), project(2, "乙\x85事業")])
    refresh_master(path, tmp_area_config)
    values = [
        c for row in openpyxl.load_workbook(path)["総括表"].iter_rows(values_only=True) for c in row
    ]
    assert "甲事業" in values and "乙事業" in values
    assert not any(isinstance(v, str) and set(v) & set("\u202e\u2066\x85") for v in values)
