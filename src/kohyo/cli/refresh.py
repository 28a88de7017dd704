"""`kohyo refresh`: validate, then write each 計 and the 総括表 into the master."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
from rich.progress import Progress as ProgressBar

from kohyo.cli.common import (
    common_options,
    emit_json,
    guarded,
    json_option,
    master_argument,
    resolve,
)
from kohyo.cli.render import print_findings, summary_line
from kohyo.edit.refresh import RefreshResult, refresh_master
from kohyo.live import LiveRefreshResult, Progress, refresh_live  # xlwings is imported on use
from kohyo.messages import current_lang, t

PROGRESS_MIN_SHEETS = 20  # reading an open workbook sheet by sheet: a bar from this many


def _show(value: object) -> str:
    if value is None:
        return t("cli.blank")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_refresh(console: Console, result: RefreshResult) -> None:
    if result.plan is None:
        return
    for u in result.plan.updates:
        console.print(t("refresh.total", number=u.number, old=_show(u.old), new=_show(u.new),
                        sheet=u.sheet, cell=u.cell))  # fmt: skip
    status = t(f"refresh.summary.{result.summary_status}")
    console.print(t("refresh.summary", sheet=result.summary_sheet, status=status,
                    count=result.plan.summary.count))  # fmt: skip
    if isinstance(result, LiveRefreshResult):
        _print_live(console, result)
    elif result.written:
        console.print(t("refresh.saved", path=result.path, backup=result.backup), soft_wrap=True)
    else:
        console.print(t("refresh.nothing"))


def _print_live(console: Console, result: LiveRefreshResult) -> None:
    if not result.written:
        console.print(t("refresh.live.nothing"))
        return
    console.print(t("refresh.live.book", name=result.book_name))
    if result.saved:
        key = "refresh.live.saved" if result.backup else "refresh.live.saved_nobackup"
        console.print(t(key, path=result.path, backup=result.backup), soft_wrap=True)
    else:
        console.print(t("refresh.live.unsaved"))


@contextmanager
def live_progress(enabled: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr while an open workbook is read sheet by sheet."""
    if not enabled:
        yield None
        return
    label = "Reading from Excel" if current_lang() == "en" else "Excel から読み込み中"
    bar = ProgressBar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=Console(stderr=True), transient=True)  # fmt: skip
    task = bar.add_task(label, total=None)
    started = False

    def update(done: int, total: int, sheet: str) -> None:
        nonlocal started
        if total < PROGRESS_MIN_SHEETS:
            return  # a few sheets read in a moment: no bar, no stray output
        if not started:
            bar.start()
            started = True
        bar.update(task, completed=done, total=total, description=f"{label} {sheet}")

    try:
        yield update
    finally:
        if started:
            bar.stop()


@click.command("refresh")
@master_argument
@json_option("結果を JSON で出力します。")
@click.option(
    "--no-distribute",
    is_flag=True,
    help="市町村別ファイルを作りません（config の refresh.distribute より優先）。",
)
@click.option(
    "--live",
    is_flag=True,
    help="Excel で開いているマスターを、開いたまま更新します（Windows/macOS の Excel と xlwings が必要）。",
)
@click.option(
    "--save",
    is_flag=True,
    help="--live のあと Excel でブックを保存します（保存前のファイルは控えに残します）。",
)
@common_options
@guarded
def refresh_cmd(
    master: Path | None, as_json: bool, no_distribute: bool, live: bool, save: bool,
    config_path: Path | None,
) -> None:  # fmt: skip
    """計と総括表を更新します (refresh the 計 of every 個表 and the 総括表).

    まず全個表を検証し、エラーがあれば何も書き込まずに終了コード 1 で終わります。
    書き込みは一時ファイルに行い、読み直して確かめてから置き換えます。更新前の
    マスターは paths.backup_dir に控えを残します。Excel で開いているときは中止します。

    --live: Excel で開いているマスター（MASTER と同じファイル、なければ作業中のブック）の
    計と総括表を Excel の中で書き換えます。保存は自分で行うか、--save を付けます。
    """
    if save and not live:
        raise click.UsageError(t("refresh.save_needs_live"))
    config, path = resolve(config_path, master)
    if live:
        with live_progress(not as_json) as progress:
            result: RefreshResult = refresh_live(path, config, save=save, progress=progress)
    else:
        distribute = config.refresh.distribute and not no_distribute
        result = refresh_master(path, config, distribute=distribute)
    if as_json:
        emit_json(result.to_dict())
        raise click.exceptions.Exit(result.report.exit_code)
    console = Console(highlight=False)
    print_findings(console, result.report, result.master.sheet_order, show_info=False)
    if result.report.has_errors:
        console.print(summary_line(result.report, str(result.path)))
        console.print(t("refresh.has_errors"))
        raise click.exceptions.Exit(1)
    print_refresh(console, result)
    if result.distribution is not None:
        from kohyo.cli.distribute import print_distribution

        print_distribution(console, result.distribution, warnings=0)
