"""`kohyo init`: a new area folder that works at once, and never a file overwritten."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import kohyo.cli.init as init_cli
from kohyo.cli import cli
from kohyo.config import load_config
from kohyo.read.master import read_master
from kohyo.scaffold import (
    EXAMPLE_NAME_LABEL,
    EXAMPLE_SHEET,
    AreaFacts,
    config_text,
    example_project,
    first_fiscal_year,
    scaffold_area,
    split_names,
)
from kohyo.templates_lookup import TEMPLATES, packaged_template_path, template_path
from kohyo.xlsx.patch import CellWrite, PackagePatch

AREA = ["--area", "東西圏域連携中枢都市圏", "--town", "東市", "--town", "西町、南村"]


def test_init_with_flags_makes_an_area_that_validates(
    cli_run: Callable[..., Any], tmp_path: Path
) -> None:
    folder = tmp_path / "東西"
    result = cli_run("init", folder, *AREA)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"圏域のフォルダーを作りました: {folder}",
        f"  {folder / 'config.toml'}（設定。圏域名・市町村・宛先を確かめてください）",
        f"  {folder / 'workbooks' / 'master.xlsx'}（マスター。「記入例」のシートと、空の個表「1」）",
        f"次に: {folder} で kohyo validate を実行してから、マスターに個表を入力していきます。",
    ]
    config = load_config(folder / "config.toml")
    assert config.area.name == "東西圏域連携中枢都市圏"
    assert config.area.short_name == "東西圏域"
    assert config.area.central_city == "東市"
    assert config.area.municipalities == ("東市", "西町", "南村")
    first = first_fiscal_year(date.today())
    assert config.plan.fiscal_years == tuple(range(first, first + 5))
    assert sorted(config.mail.recipients) == ["南村", "西町"]
    assert config.paths.master == folder / "workbooks" / "master.xlsx"

    validated = cli_run("validate", "--json", "--config", folder / "config.toml")
    assert validated.exit_code == 0, validated.output
    findings = json.loads(validated.stdout)["findings"]
    assert [(f["sheet"], f["cell"], f["code"]) for f in findings] == [
        ("記入例", None, "sheet-skipped"),
        ("1", "A8", "kpi-none"),
    ]


def test_the_master_holds_the_example_and_a_blank_first_kohyo(tmp_path: Path) -> None:
    made = scaffold_area(tmp_path, AreaFacts("東西圏域", "東市", ("西町",)))
    config = load_config(made.config)
    master = read_master(made.master, config)
    assert master.sheet_order == [EXAMPLE_SHEET, "1"]
    (first,) = master.projects
    assert (first.number, first.sheet, first.municipalities_label.text) == (1, "1", "全市町村")
    assert [r.who for r in first.roles] == ["東市", "連携町村"]


def test_the_example_is_a_real_kohyo_but_for_its_label(tmp_path: Path) -> None:
    """Put 「事業名」 back and kohyo reads the 記入例 as the example project, block by block."""
    made = scaffold_area(tmp_path, AreaFacts("東西圏域", "東市", ("西町",)))
    config = load_config(made.config)
    patch = PackagePatch.open(made.master)
    patch.set_cells(EXAMPLE_SHEET, [CellWrite("A1", "事業名")])
    restored = tmp_path / "restored.xlsx"
    patch.save(restored)
    read = next(p for p in read_master(restored, config).projects if p.sheet == EXAMPLE_SHEET)
    expected = example_project(config)
    assert read.number_raw == "例"
    assert read.name.text == expected.name.text
    assert read.content.text == expected.content.text
    assert {y: c.value for y, c in read.costs.amounts.items()} == {
        y: c.value for y, c in expected.costs.amounts.items()
    }
    assert read.costs.total is not None and read.costs.total.value == 2800
    assert [(r.who, r.text) for r in read.roles] == [(r.who, r.text) for r in expected.roles]
    assert [(k.name, k.target) for k in read.indicators] == [
        ("ウェブサイトの年間閲覧数", "20,000件")
    ]
    assert [n.text for n in read.notes] == [n.text for n in expected.notes]
    as_made = read_master(made.master, config)  # with 「事業名（記入例）」 it is no project
    assert [(s.sheet, s.reason) for s in as_made.skipped] == [
        (EXAMPLE_SHEET, "「事業名」の見出しがありません")
    ]
    assert EXAMPLE_NAME_LABEL == "事業名（記入例）"


def test_kohyo_new_adds_to_the_new_master(cli_run: Callable[..., Any], tmp_path: Path) -> None:
    assert cli_run("init", tmp_path, *AREA).exit_code == 0
    result = cli_run("new", "--name", "移住相談窓口の共同運営", "--yes",
                     "--config", tmp_path / "config.toml")  # fmt: skip
    assert result.exit_code == 0, result.output
    config = load_config(tmp_path / "config.toml")
    master = read_master(config.paths.master, config)
    assert [p.number for p in master.projects] == [1, 2]


def test_templates_flag_copies_every_template_for_restyling(
    cli_run: Callable[..., Any], tmp_path: Path
) -> None:
    result = cli_run("init", tmp_path, "--templates", *AREA)
    assert result.exit_code == 0, result.output
    assert f"  {tmp_path / 'templates'}（テンプレート {len(TEMPLATES)} 個の写し。" in result.stdout
    config = load_config(tmp_path / "config.toml")
    for name in TEMPLATES:
        copy = tmp_path / "templates" / name
        assert copy.read_bytes() == packaged_template_path(name).read_bytes()
        assert template_path(config, name) == copy
    assert not (tmp_path / "templates" / "__init__.py").exists()


def test_placeholders_when_nobody_can_answer(cli_run: Callable[..., Any], tmp_path: Path) -> None:
    result = cli_run("init", tmp_path)
    assert result.exit_code == 0, result.output
    names = "〇〇圏域連携中枢都市圏、〇〇市、△△町、□□村"
    assert f"仮の名前（{names}）を書きました。config.toml で書き換えてください。" in result.stdout
    text = (tmp_path / "config.toml").read_text(encoding="utf-8")
    assert f"# 仮の名前（{names}）は、圏域に合わせて書き換えてください。" in text
    assert load_config(tmp_path / "config.toml").area.municipalities == ("〇〇市", "△△町", "□□村")


def test_only_what_was_not_given_is_a_placeholder(
    cli_run: Callable[..., Any], tmp_path: Path
) -> None:
    result = cli_run("init", tmp_path, "--town", "東市", "--town", "西町")
    assert result.exit_code == 0, result.output
    assert "仮の名前（〇〇圏域連携中枢都市圏）を書きました。" in result.stdout
    area = load_config(tmp_path / "config.toml").area
    assert (area.central_city, area.municipalities) == ("東市", ("東市", "西町"))


def test_questions_on_a_terminal(
    cli_run: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(init_cli, "interactive", lambda: True)
    answers = "南北圏域連携中枢都市圏\n北市\n北市、南町　中村\n"
    result = CliRunner().invoke(cli, ["init", str(tmp_path)], input=answers)
    assert result.exit_code == 0, result.output
    assert "圏域名（例: 〇〇圏域連携中枢都市圏）: " in result.stdout
    assert "仮の名前" not in result.stdout
    area = load_config(tmp_path / "config.toml").area
    assert (area.name, area.central_city, area.municipalities) == (
        "南北圏域連携中枢都市圏", "北市", ("北市", "南町", "中村"),
    )  # fmt: skip


@pytest.mark.parametrize(
    "existing", ["config.toml", "workbooks/master.xlsx", "templates/summary.toml"]
)
def test_refuses_to_overwrite_anything(
    cli_run: Callable[..., Any], tmp_path: Path, existing: str
) -> None:
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("staff's own", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = cli_run("init", tmp_path, "--templates", *AREA)
    assert result.exit_code == 2
    assert result.stderr == (
        f"エラー: {tmp_path / existing} がすでにあります。上書きはしません。"
        "別のフォルダーを指定するか、そのファイルを移してから、もう一度実行してください。\n"
    )
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / existing).read_text(encoding="utf-8") == "staff's own"


def test_a_bad_name_leaves_nothing_behind(cli_run: Callable[..., Any], tmp_path: Path) -> None:
    folder = tmp_path / "new"
    result = cli_run("init", folder, "--town", "東市", "--town", "西/町")
    assert result.exit_code == 2
    assert "「西/町」にファイル名に使えない文字 / があります" in result.stderr
    assert not folder.exists()


def test_messages_in_english(cli_run: Callable[..., Any], tmp_path: Path) -> None:
    result = cli_run("init", tmp_path, "--lang", "en", *AREA)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Made the area folder: {tmp_path}\n")


@pytest.mark.parametrize(
    ("text", "names"),
    [("青森市、平内町 今別町", ["青森市", "平内町", "今別町"]),
     ("青森市,平内町，青森市", ["青森市", "平内町"]), ("", [])],
)  # fmt: skip
def test_split_names(text: str, names: list[str]) -> None:
    assert split_names(text) == names


def test_config_text_quotes_what_it_is_given() -> None:
    text = config_text(AreaFacts('A"圏域', "東市", ("西町",)), date(2026, 3, 31))
    assert 'name = "A\\"圏域"' in text
    assert "fiscal_years = [2025, 2026, 2027, 2028, 2029]" in text
