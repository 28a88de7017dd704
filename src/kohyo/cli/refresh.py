"""`kohyo refresh`: validate, then write each 計 and the 総括表 into the master."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..findings import current_lang
from ..refresh import RefreshResult, refresh_master
from .common import common_options, emit_json, guarded, master_argument, resolve
from .render import print_findings, summary_line


def _show(value: object) -> str:
    if value is None:
        return "空欄"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_refresh(console: Console, result: RefreshResult) -> None:
    en = current_lang() == "en"
    if result.plan is None:
        return
    for u in result.plan.updates:
        label = f"Project {u.number} total" if en else f"事業{u.number} 計"
        console.print(f"{label}: {_show(u.old)} → {_show(u.new)}（シート「{u.sheet}」{u.cell}）")
    status = {
        "created": ("作成しました", "created"),
        "updated": ("更新しました", "updated"),
        "unchanged": ("変更なし", "unchanged"),
    }[result.summary_status]
    count = result.plan.summary.count
    console.print(
        f"{result.summary_sheet}: {status[1] if en else status[0]}"
        + (f" ({count} projects)" if en else f"（具体的取組の総数 {count}事業）")
    )
    if result.written:
        console.print(
            f"Saved {result.path}; backup: {result.backup}"
            if en
            else f"マスターを更新しました: {result.path}\n更新前の控え: {result.backup}"
        )
    else:
        console.print("Nothing to change." if en else "変更はありません（マスターはそのままです）。")


@click.command("refresh")
@master_argument
@click.option("--json", "as_json", is_flag=True, help="結果を JSON で出力します。")
@click.option(
    "--no-distribute", is_flag=True, help="市町村別ファイルを作りません（config の refresh.distribute より優先）。"
)
@common_options
@guarded
def refresh_cmd(master: Path | None, as_json: bool, no_distribute: bool, config_path: Path) -> None:
    """計と総括表を更新します (refresh the 計 of every 個表 and the 総括表).

    まず全個表を検証し、エラーがあれば何も書き込まずに終了コード 1 で終わります。
    書き込みは一時ファイルに行い、読み直して確かめてから置き換えます。更新前の
    マスターは paths.backup_dir に控えを残します。Excel で開いているときは中止します。
    """
    config, path = resolve(config_path, master)
    result = refresh_master(path, config)
    if as_json:
        emit_json(result.to_dict())
        raise click.exceptions.Exit(result.report.exit_code)
    console = Console(highlight=False)
    print_findings(console, result.report, result.master.sheet_order, show_info=False)
    if result.report.has_errors:
        console.print(summary_line(result.report, str(path)))
        console.print("エラーがあるため、マスターには何も書き込んでいません。")
        raise click.exceptions.Exit(1)
    print_refresh(console, result)
