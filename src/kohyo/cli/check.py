"""`kohyo validate` and `kohyo dump`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..master import check_master, dump_master, read_master
from .common import common_options, emit_json, guarded, master_argument, resolve
from .render import print_findings, summary_line


@click.command("validate")
@master_argument
@click.option("--json", "as_json", is_flag=True, help="結果を JSON で出力します（プログラム向け）。")
@click.option("--quiet", "-q", is_flag=True, help="情報（info）を表示しません。")
@common_options
@guarded
def validate_cmd(master: Path | None, as_json: bool, quiet: bool, config_path: Path) -> None:
    """マスターの個表を検証します (validate every 個表 in MASTER).

    問題のあるセルをシート名とセル番地で示します。エラーがあれば終了コード 1、
    ファイルを読めなければ 2 です。MASTER を省くと config.toml の paths.master を使います。
    """
    config, path = resolve(config_path, master)
    parsed, report = check_master(path, config)
    if as_json:
        emit_json(report.to_dict())
    else:
        console = Console(highlight=False)
        print_findings(console, report, parsed.sheet_order, show_info=not quiet)
        console.print(summary_line(report, str(path)) + f"（個表 {len(parsed.projects)} 件）")
    raise click.exceptions.Exit(report.exit_code)


@click.command("dump")
@master_argument
@click.option("--json", "as_json", is_flag=True, default=True, help="JSON で出力します（既定）。")
@common_options
@guarded
def dump_cmd(master: Path | None, as_json: bool, config_path: Path) -> None:
    """マスターの内容を JSON で出力します (print every 個表 as JSON).

    形式は docs/contract の「dump --json」のとおりです。
    """
    config, path = resolve(config_path, master)
    emit_json(dump_master(read_master(path, config), config))
