"""`kohyo distribute`: one workbook (and PDF) per municipality from the master."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from kohyo.cli.common import (
    common_options,
    emit_json,
    folder_option,
    guarded,
    json_option,
    master_argument,
    resolve,
    towns_option,
)
from kohyo.cli.localized import KohyoCommand
from kohyo.cli.output import Column, Output, make_console, print_table
from kohyo.cli.render import exit_on_errors
from kohyo.distribute.build import DistributionResult, distribute_master, select_towns
from kohyo.distribute.build import Progress as ProgressFn
from kohyo.errors import WorkbookError
from kohyo.files.digest import file_digest
from kohyo.messages import t
from kohyo.read.master import check_master

PROGRESS_MIN_TOWNS = 4  # a progress bar for more than a few towns …
PROGRESS_MIN_PROJECTS = 50  # … or projects


@click.command("distribute", cls=KohyoCommand)
@master_argument
@towns_option()
@folder_option(
    "--out",
    "out_dir",
)
@click.option(
    "--pdf/--no-pdf",
    default=None,
)
@click.option(
    "--force",
    is_flag=True,
)
@json_option()
@common_options
@guarded
def distribute_cmd(
    master: Path | None,
    towns: tuple[str, ...],
    out_dir: Path | None,
    pdf: bool | None,
    force: bool,
    as_json: bool,
    config_path: Path | None,
) -> None:
    """Make one workbook per municipality (--help: ``help.distribute`` in the catalogue)."""
    config, path = resolve(config_path, master)
    selected = select_towns(config, list(towns))  # an unknown name stops before any reading
    before = _digest(path)
    parsed, report = check_master(path, config)
    console = make_console()
    exit_on_errors(console, report, parsed.sheet_order, str(path), t("distribute.has_errors"),
                   as_json=as_json)  # fmt: skip
    if _digest(path) != before:
        raise WorkbookError(
            t("distribute.master_changed", path=path),
            path=str(path),
        )
    n_projects = sum(len([p for p in parsed.projects if t in p.municipalities]) for t in selected)
    show_bar = len(selected) >= PROGRESS_MIN_TOWNS or n_projects >= PROGRESS_MIN_PROJECTS
    with _quiet_kohyo_log(), _progress(show_bar, len(selected)) as progress:
        result = distribute_master(
            parsed,
            config,
            towns=selected,
            out_dir=out_dir,
            pdf=config.distribution.pdf if pdf is None else pdf,
            progress=progress,
            master_sha256=before,
            force=force,
        )
    if as_json:
        emit_json(result.to_dict())
        return
    print_distribution(console, result, warnings=report.count("warning"))


def _digest(path: Path) -> str:
    try:
        return file_digest(path)
    except FileNotFoundError:
        raise WorkbookError(t("distribute.master_missing", path=path), path=str(path)) from None
    except IsADirectoryError:
        raise WorkbookError(t("distribute.master_is_dir", path=path), path=str(path)) from None
    except OSError as exc:
        raise WorkbookError(
            t("distribute.master_unreadable", path=path, reason=exc.strerror), path=str(path)
        ) from None


@contextmanager
def _quiet_kohyo_log() -> Iterator[None]:
    """Stripped characters are listed once in the summary, not logged per cell and town."""
    log = logging.getLogger("kohyo")
    handler = logging.NullHandler()
    log.addHandler(handler)
    try:
        yield
    finally:
        log.removeHandler(handler)


@contextmanager
def _progress(show: bool, total: int) -> Iterator[ProgressFn | None]:
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task(t("distribute.progress"), total=total)

    def update(done: int, total: int, town: str) -> None:
        bar.update(
            task, completed=done, total=total, description=t("distribute.progress.town", town=town)
        )

    with bar:
        yield update


def print_distribution(console: Output, result: DistributionResult, *, warnings: int) -> None:
    columns = [
        Column(t("distribute.column.town"), no_wrap=True),
        Column(t("distribute.column.projects"), justify="right", no_wrap=True),
        Column(t("distribute.column.files"), overflow="fold"),
    ]
    rows = [[town.town, str(len(town.sheets) - 1), "\n".join(f.name for f in town.files)]
            for town in result.towns]  # fmt: skip
    print_table(console, columns, rows)
    for s in result.stripped:
        console.print(t("distribute.note", note=s.message()))
    for notice in result.notices:
        console.print(t("distribute.note", note=notice))
    if warnings:
        console.print(t("distribute.warnings", count=warnings))
    console.print(t("distribute.done", count=len(result.towns), folder=result.folder))
