"""`kohyo refresh`: validate, then write each 計 and the 総括表 into the master."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kohyo.cli.common import (
    common_options,
    emit_json,
    guarded,
    json_option,
    master_argument,
    resolve,
)
from kohyo.cli.localized import KohyoCommand
from kohyo.cli.output import Output, make_console
from kohyo.cli.render import print_findings, summary_line
from kohyo.edit.refresh import RefreshResult, refresh_master
from kohyo.messages import t

if TYPE_CHECKING:
    from kohyo.live import LiveRefreshResult, Progress

PROGRESS_MIN_SHEETS = 20  # reading an open workbook sheet by sheet: a bar from this many


def _show(value: object) -> str:
    if value is None:
        return t("cli.blank")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_refresh(console: Output, result: RefreshResult) -> None:
    if result.plan is None:
        return
    for u in result.plan.updates:
        console.print(t("refresh.total", number=u.number, old=_show(u.old), new=_show(u.new),
                        sheet=u.sheet, cell=u.cell))  # fmt: skip
    status = t(f"refresh.summary.{result.summary_status}")
    console.print(t("refresh.summary", sheet=result.summary_sheet, status=status,
                    count=result.plan.summary.count))  # fmt: skip
    live = sys.modules.get("kohyo.live")  # not imported: not a live result either
    if live is not None and isinstance(result, live.LiveRefreshResult):
        _print_live(console, result)
    elif result.written:
        console.print(t("refresh.saved", path=result.path, backup=result.backup), soft_wrap=True)
    else:
        console.print(t("refresh.nothing"))


def _print_live(console: Output, result: LiveRefreshResult) -> None:
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
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as ProgressBar

    label = t("refresh.live.reading")
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


@click.command("refresh", cls=KohyoCommand)
@master_argument
@json_option()
@click.option(
    "--no-distribute",
    is_flag=True,
)
@click.option(
    "--live",
    is_flag=True,
)
@click.option(
    "--save",
    is_flag=True,
)
@common_options
@guarded
def refresh_cmd(
    master: Path | None, as_json: bool, no_distribute: bool, live: bool, save: bool,
    config_path: Path | None,
) -> None:  # fmt: skip
    """Refresh the total of every project sheet and the summary sheet (--help: ``help.refresh`` in the catalogue)."""
    if save and not live:
        raise click.UsageError(t("refresh.save_needs_live"))
    config, path = resolve(config_path, master)
    if live:
        from kohyo.live import refresh_live  # the live-Excel path (xlwings): only for --live

        with live_progress(not as_json) as progress:
            result: RefreshResult = refresh_live(path, config, save=save, progress=progress)
    else:
        distribute = config.refresh.distribute and not no_distribute
        result = refresh_master(path, config, distribute=distribute)
    if as_json:
        emit_json(result.to_dict())
        raise click.exceptions.Exit(result.report.exit_code)
    console = make_console()
    print_findings(console, result.report, result.master.sheet_order, show_info=False)
    if result.report.has_errors:
        console.print(summary_line(result.report, str(result.path)))
        console.print(t("refresh.has_errors"))
        raise click.exceptions.Exit(1)
    print_refresh(console, result)
    if result.distribution is not None:
        from kohyo.cli.distribute import print_distribution

        print_distribution(console, result.distribution, warnings=0)
