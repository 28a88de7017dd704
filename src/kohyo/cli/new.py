"""`kohyo new`: add a 個表 from the template, renumbering later projects with --after."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from kohyo.cli.common import common_options, fail, guarded, master_argument, resolve
from kohyo.cli.render import print_findings, summary_line
from kohyo.edit.new import (
    NewProjectPlan,
    NewProjectResult,
    apply_new_project,
    prepare_new_project,
    read_for_new,
)
from kohyo.messages import t


def interactive() -> bool:
    """Whether a person can answer the question (tests replace this)."""
    return sys.stdin is not None and sys.stdin.isatty()


@click.command("new")
@master_argument
@click.option("--name", required=True, help="新しい事業の事業名。")
@click.option(
    "--after",
    type=click.IntRange(min=0),
    metavar="N",
    help="事業番号 N の個表の後ろに、事業番号 N+1 として追加します。N より大きい番号は 1 ずつ"
    "繰り下げ、番号を名前にしたシートと「NO.xに統合」の参照も直します。省くと最後の番号の次。",
)
@click.option(
    "--municipalities",
    metavar="TEXT",
    help="関係市町村（例:「青森市、平内町」）。省くとひな形の値（既定は「全市町村」）。",
)
@click.option("--yes", "-y", is_flag=True, help="確認せずに実行します。")
@common_options
@guarded
def new_cmd(
    master: Path | None,
    name: str,
    after: int | None,
    municipalities: str | None,
    yes: bool,
    config_path: Path | None,
) -> None:
    """個表を 1 枚追加します (add a 個表 to the master).

    templates/new_kohyo.toml のひな形から、空の個表を作ってマスターに加えます。
    変更の内容（事業番号の 旧→新、書き換える参照）を表示し、確認してから書き込みます。
    書き込みは refresh と同じく、一時ファイルに書いて読み直してから置き換え、控えを残します。

    \b
    終了コード: 0 追加した（または取りやめた）、1 マスターにエラーがあり追加しない、
    2 実行できない（ファイル・設定・引数の問題、確認できない など）
    """
    config, path = resolve(config_path, master)
    ctx = read_for_new(path, config)
    console = Console(highlight=False)
    if ctx.report.has_errors:
        print_findings(console, ctx.report, ctx.master.sheet_order, show_info=False)
        console.print(summary_line(ctx.report, str(path)))
        console.print(t("new.has_errors"))
        raise click.exceptions.Exit(1)
    plan = prepare_new_project(ctx, config, name=name, after=after, municipalities=municipalities)
    print_plan(console, plan)
    if not yes:
        if not interactive():
            fail(t("new.needs_yes"), 2)
        if not click.confirm(t("new.confirm"), default=False):
            console.print(t("new.cancelled"))
            return
    result = apply_new_project(ctx, config, plan)
    print_result(console, result)


def print_plan(console: Console, plan: NewProjectPlan) -> None:
    p = plan.project
    where = (t("new.plan.after", sheet=plan.after_sheet) if plan.after_sheet is not None
             else t("new.plan.first"))  # fmt: skip
    console.print(t("new.plan.title", number=p.number, name=p.name.text, sheet=plan.spec.name,
                    where=where, municipalities=p.municipalities_label.text))  # fmt: skip
    if plan.renumbered:
        table = Table(title=t("new.plan.renumber"), header_style="bold", title_justify="left")
        for col in t("new.plan.renumber.columns").split("|"):
            table.add_column(col)
        for r in plan.renumbered:
            sheet = r.sheet if r.sheet == r.new_sheet else f"{r.sheet} → {r.new_sheet}"
            table.add_row(f"{r.old} → {r.new}", sheet, r.name)
        console.print(table)
    else:
        console.print(t("new.plan.no_renumber"))
    if plan.references:
        table = Table(title=t("new.plan.references"), header_style="bold", title_justify="left")
        for col in t("new.plan.references.columns").split("|"):
            table.add_column(col)
        for ref in plan.references:
            table.add_row(ref.sheet, ref.cell, ref.old, ref.new)
        console.print(table)
    elif plan.renumbered:
        console.print(t("new.plan.no_references"))
    if plan.summary_spec is not None:
        console.print(t("new.plan.summary", sheet=plan.summary_spec.name))


def print_result(console: Console, result: NewProjectResult) -> None:
    p = result.plan.project
    console.print(t("new.done", number=p.number, name=p.name.text, sheet=result.plan.spec.name,
                    path=result.path, backup=result.backup), soft_wrap=True)  # fmt: skip
    console.print(summary_line(result.report, str(result.path)))
