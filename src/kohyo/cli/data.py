"""`kohyo export` and `kohyo history`: the master as tables, and its life across versions."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from kohyo.cli.common import common_options, folder_option, guarded, master_argument, resolve
from kohyo.cli.render import print_findings
from kohyo.config import load_config
from kohyo.messages import t

_FILE = click.Path(path_type=Path, dir_okay=True)


@click.command("export")
@master_argument
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet", "json"]),
              default="csv", show_default=True,
              help="出力形式。csv は Excel で文字化けしない UTF-8（BOM 付き）。parquet は "
              "pyarrow が必要（pip install \"kohyo[parquet]\"）。")  # fmt: skip
@folder_option("--out", "out_dir", help="出力先のフォルダー（既定: 出力先/データ_<日付>）。")
@common_options
@guarded
def export_cmd(master: Path | None, fmt: str, out_dir: Path | None, config_path: Path) -> None:
    """マスターを分析用の表に書き出します (export the master as tidy tables).

    \b
    projects.csv       事業（番号・事業名・シート・内容・連携効果・計）
    costs.csv          事業費見込額（番号・年度・金額（千円）・入力の状態）
    participation.csv  関係市町村（番号・市町村）
    roles.csv          役割分担（番号・誰が・役割）
    indicators.csv     成果指標（番号・指標・現状値・調査時点・目標値・目標年度）
    notes.csv          注記（番号・順番・本文）

    列と型は docs/data.md にあります。エラーのあるマスターは書き出しません（終了コード 1）。
    """
    from kohyo.data.export import export_master

    config, path = resolve(config_path, master)
    result = export_master(path, config, fmt, out_dir)
    if result.report.has_errors:
        print_findings(Console(highlight=False, stderr=True), result.report, [])
        click.echo(t("export.refused"), err=True)
        raise click.exceptions.Exit(1)
    folder = result.files[0].parent
    click.echo(t("export.done", fmt=fmt, folder=folder))
    for f in result.files:
        click.echo(f"  {f.name}")


@click.command("history")
@click.argument("masters", nargs=-1, required=True, type=_FILE)
@folder_option("--out", "out_dir", help="出力先のフォルダー（既定: 出力先/推移_<日付>）。")
@common_options
@guarded
def history_cmd(masters: tuple[Path, ...], out_dir: Path | None, config_path: Path) -> None:
    """マスターの版を並べ、事業ごとの推移を作ります (each project's life across versions).

    \b
    MASTERS  マスターの各版を古い順に（2 つ以上）

    事業の対応づけは kohyo diff と同じです（番号がずれても、名称が変わっても追えます）。
    history.xlsx・history.csv（事業ごとの各版の番号・計・出来事）、history_events.csv、
    history.md（版ごとの事業数と、新規・変更・統合・番号変更・終了）を書き出します。
    """
    from datetime import date

    from kohyo.data.history import history_of, write_history

    config = load_config(config_path)
    result = history_of(list(masters), config)
    if result.history is None:
        console = Console(highlight=False, stderr=True)
        for path, report in result.blocked:
            click.echo(t("history.refused", path=path, count=report.count("error")), err=True)
            print_findings(console, report, [])
        raise click.exceptions.Exit(1)
    target = out_dir or config.paths.output_dir / f"推移_{date.today():%Y%m%d}"
    written = write_history(result.history, target, config)
    h = result.history
    counts = " ⇒ ".join(f"[{label}] {n}事業" for label, n in zip(h.labels, h.counts, strict=True))
    click.echo(t("history.done", folder=target))
    click.echo(t("history.counts", counts=counts))
    click.echo("  " + " / ".join(p.name for p in written))
