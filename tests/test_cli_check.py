"""`kohyo validate` and `kohyo dump` through the real entry point (contract §5, §6)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from builders import Layout, project, write_master
from conftest import REAL_CONFIG, CliResult
from kohyo.config import Config
from kohyo.read.master import check_master

MASTERS: dict[str, tuple[list[dict[str, Any]], int]] = {
    "clean": ([project(4), project(5, name="圏域観光推進事業")], 0),
    "warnings-only": ([project(4, total=999), project(6, name="圏域観光推進事業")], 0),
    "errors": ([project(4, costs=[100, "約200", "—", None, None]), project(4, sheet="4b")], 1),
}


def build(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.xlsx"
    write_master(path, MASTERS[name][0], extra_sheets=[("表紙", [["個表"]])])
    return path


@pytest.mark.parametrize("name", list(MASTERS))
def test_validate_json_equals_the_library_report(
    tmp_path: Path, config: Config, cli_run: Callable[..., CliResult], name: str
) -> None:
    path = build(tmp_path, name)
    result = cli_run("validate", path, "--json", "--config", REAL_CONFIG)
    assert result.exception is None
    assert result.exit_code == MASTERS[name][1]
    assert result.stderr == ""
    _, report = check_master(path, config)
    assert json.loads(result.stdout) == report.to_dict()
    assert report.findings  # every master has at least the skipped cover sheet
    for item in json.loads(result.stdout)["findings"]:
        assert set(item) == {"severity", "code", "sheet", "cell", "message"}
        assert item["severity"] in ("error", "warning", "info")


def test_validate_json_example_from_the_contract(
    tmp_path: Path, cli_run: Callable[..., CliResult]
) -> None:
    path = tmp_path / "m.xlsx"
    write_master(path, [project(4, costs=[100, "約200", "—", None, None], total=100)])
    result = cli_run("validate", path, "--json", "--config", REAL_CONFIG)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "findings": [
            {
                "severity": "error",
                "code": "cost-not-number",
                "sheet": "4",
                "cell": "C5",
                "message": "事業費見込額（2021年度）が数値ではありません: 「約200」",
            }
        ]
    }


def test_validate_human_output(tmp_path: Path, cli_run: Callable[..., CliResult]) -> None:
    path = build(tmp_path, "errors")
    result = cli_run("validate", path, "--config", REAL_CONFIG)
    assert result.exit_code == 1
    out = result.stdout
    assert "約200" in out and "C5" in out and "cost-not-number" in out
    assert "number-duplicate" in out and "表紙" in out
    summary = f"{path}: エラー 3 件、警告 1 件、情報 1 件（個表 2 件）"
    assert "".join(summary.split()) in "".join(out.split())  # rich wraps at the width
    quiet = cli_run("validate", path, "--config", REAL_CONFIG, "--quiet")
    assert "sheet-skipped" not in quiet.stdout and "cost-not-number" in quiet.stdout


def test_validate_in_english(tmp_path: Path, cli_run: Callable[..., CliResult]) -> None:
    path = tmp_path / "m.xlsx"
    write_master(path, [project(4, costs=[100, "約200", "—", None, None], total=100)])
    for args, env in (
        ([], {"KOHYO_LANG": "en"}),
        (["--lang", "en"], None),
    ):
        result = cli_run("validate", path, "--json", "--config", REAL_CONFIG, *args, env=env)
        messages = [f["message"] for f in json.loads(result.stdout)["findings"]]
        assert messages == ["Cost for FY2021 is not a number: '約200'"]


def test_validate_uses_config_next_to_the_current_folder(
    tmp_path: Path, cli_run: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(REAL_CONFIG, tmp_path / "config.toml")
    (tmp_path / "workbooks").mkdir()
    write_master(tmp_path / "workbooks" / "master.xlsx", [project()])
    monkeypatch.chdir(tmp_path)
    result = cli_run("validate", "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, {"findings": []})


def test_bad_arguments_exit_2(cli_run: Callable[..., CliResult]) -> None:
    result = cli_run("validate", "--no-such-option")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- dump --json


def test_dump_json_shape(tmp_path: Path, cli_run: Callable[..., CliResult]) -> None:
    p4 = project(
        4,
        municipalities="全市町村",
        content="○圏域の起業・創業の促進を図る。\n○相談窓口を設ける。",
        costs=[None, "—", "ー", "－", "-"],
        total="—",
        roles=[("青森市", "事業企画、事業実施"), ("連携町村", "事業実施、費用負担等")],
        kpis=[
            ("創業件数", "—", "―"),
            ("相談窓口での\n年間相談件数", "21件\n(2019年度見込)", "NO.5に統合"),
        ],
    )
    p5 = project(
        5,
        name="圏域観光推進事業",
        municipalities="平内町・青森市",
        costs=[21833, "２００", 0, None, "—"],
        total="—",
        roles=[("青森市", "企画"), ("平内町", "会場提供"), ("連携町村", "周知")],
        kpis=[],
        notes=["※1 一つ目", "※2 二つ目"],
    )
    path = tmp_path / "m.xlsx"
    write_master(
        path,
        [p4, p5],
        layouts={1: Layout(row_offset=2, col_offset=1)},
        extra_sheets=[("表紙", [["個表"]])],
    )
    result = cli_run("dump", path, "--json", "--config", REAL_CONFIG)
    assert (result.exit_code, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert data == {
        "area": "青森圏域連携中枢都市圏",
        "fiscal_years": [2020, 2021, 2022, 2023, 2024],
        "projects": [
            {
                "sheet": "4",
                "number": 4,
                "name": "地域企業ビジネス支援拠点運営事業",
                "municipalities": ["青森市", "平内町", "今別町", "蓬田村", "外ヶ浜町"],
                "municipalities_label": "全市町村",
                "content": "○圏域の起業・創業の促進を図る。\n○相談窓口を設ける。",
                "effect": "圏域全体の雇用の創出",
                "costs": {"2020": None, "2021": "—", "2022": "—", "2023": "—", "2024": "—"},
                "total": "—",
                "roles": {"青森市": "事業企画、事業実施", "連携町村": "事業実施、費用負担等"},
                "indicators": [
                    {"name": "創業件数", "current": "—", "target": "—"},
                    {
                        "name": "相談窓口での年間相談件数",
                        "current": "21件 (2019年度見込)",
                        "target": "NO.5に統合",
                    },
                ],
                "notes": [],
            },
            {
                "sheet": "5",
                "number": 5,
                "name": "圏域観光推進事業",
                "municipalities": ["青森市", "平内町"],
                "municipalities_label": "平内町・青森市",
                "content": "○圏域の起業・創業の促進を図る。",
                "effect": "圏域全体の雇用の創出",
                "costs": {"2020": 21833, "2021": 200, "2022": 0, "2023": None, "2024": "—"},
                "total": 22033,
                "roles": {"青森市": "企画", "平内町": "会場提供", "連携町村": "周知"},
                "indicators": [],
                "notes": ["※1 一つ目", "※2 二つ目"],
            },
        ],
    }
    # Types, not just values: JSON ints stay ints (not 21833.0), text stays UTF-8.
    costs = data["projects"][1]["costs"]
    assert type(costs["2020"]) is int and type(data["projects"][1]["total"]) is int
    assert "青森市" in result.stdout  # ensure_ascii off


def test_dump_keys_are_the_contract_keys(
    tmp_path: Path, cli_run: Callable[..., CliResult], tmp_config: Callable[..., Path]
) -> None:
    config_path = tmp_config({"plan.fiscal_years": "[2019, 2020, 2021, 2022, 2023, 2024]"})
    path = tmp_path / "m.xlsx"
    write_master(path, [project()])
    data = json.loads(cli_run("dump", path, "--config", config_path).stdout)
    assert list(data) == ["area", "fiscal_years", "projects"]
    (p,) = data["projects"]
    assert list(p) == [
        "sheet",
        "number",
        "name",
        "municipalities",
        "municipalities_label",
        "content",
        "effect",
        "costs",
        "total",
        "roles",
        "indicators",
        "notes",
    ]
    # one key per configured year, as strings, in order; the missing 2019 column is null
    assert list(p["costs"]) == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert p["costs"]["2019"] is None


# --------------------------------------------------------------------------- as a program


def run_program(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "KOHYO_LANG": "ja", "PYTHONIOENCODING": "cp932"}
    return subprocess.run(
        [sys.executable, "-m", "kohyo", *map(str, args)],
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_program_validate_and_dump(tmp_path: Path, config: Config) -> None:
    path = build(tmp_path, "errors")
    proc = run_program("validate", path, "--json", "--config", REAL_CONFIG)
    assert proc.returncode == 1
    # JSON is UTF-8 whatever the console's code page (cp932 on Windows here)
    assert json.loads(proc.stdout.decode("utf-8")) == check_master(path, config)[1].to_dict()
    dump = run_program("dump", path, "--config", REAL_CONFIG)
    assert dump.returncode == 0
    assert json.loads(dump.stdout.decode("utf-8"))["projects"][0]["costs"]["2021"] is None


def test_program_refuses_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.xlsx"
    proc = run_program("validate", missing, "--config", REAL_CONFIG)
    assert proc.returncode == 2
    err = proc.stderr.decode("cp932").splitlines()
    assert len(err) == 1 and err[0].startswith("エラー: ") and str(missing) in err[0]
    assert b"Traceback" not in proc.stdout + proc.stderr


def test_config_is_found_beside_the_master_or_above_it(
    tmp_path: Path, cli_run: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Current folder first, then the master's folder, then each folder above it."""
    area = tmp_path / "area"
    (area / "2026" / "masters").mkdir(parents=True)
    shutil.copy(REAL_CONFIG, area / "config.toml")
    master = area / "2026" / "masters" / "m.xlsx"
    write_master(master, [project()])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = cli_run("validate", master, "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, {"findings": []})
    # A config.toml in the current folder wins over the one above the master.
    text = REAL_CONFIG.read_text(encoding="utf-8").replace(
        "fiscal_years = [2020,", "fiscal_years = [2019, 2020,"
    )
    (elsewhere / "config.toml").write_text(text, encoding="utf-8")
    result = cli_run("validate", master, "--json")
    assert result.exit_code == 1
    assert "year-header-mismatch" in result.stdout


def test_no_config_found_lists_where_it_looked(
    tmp_path: Path, cli_run: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kohyo.config import config_places

    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    write_master(folder / "m.xlsx", [project()])
    monkeypatch.chdir(tmp_path)
    places = config_places(folder / "m.xlsx")
    if any(p.is_file() for p in places):  # a config.toml above tmp: nothing to prove here
        pytest.skip(f"a config.toml exists above {tmp_path}")
    result = cli_run("validate", folder / "m.xlsx")
    assert result.exit_code == 2
    err = result.stderr
    assert "config.toml が見つかりません" in err and "--config" in err
    assert len(err.splitlines()) == 1
    listed = err.split("探した場所: ", 1)[1].split("）", 1)[0].split("、")
    assert listed == [str(p) for p in places]
    root = tmp_path.resolve()
    assert places[:3] == [root / "config.toml", root / "a/b/config.toml", root / "a/config.toml"]
    assert places.count(root / "config.toml") == 1  # the current folder, looked at once
