"""`kohyo distribute`: one workbook (and PDF) per municipality from the master."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

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
from kohyo.cli.render import print_findings, summary_line
from kohyo.distribute.build import DistributionResult, distribute_master, select_towns
from kohyo.distribute.build import Progress as ProgressFn
from kohyo.errors import WorkbookError
from kohyo.files.atomic import file_digest
from kohyo.read.master import check_master

PROGRESS_MIN_TOWNS = 4  # a progress bar for more than a few towns …
PROGRESS_MIN_PROJECTS = 50  # … or projects


@click.command("distribute")
@master_argument
@towns_option("この市町村の分だけ作ります（くり返し指定できます）。省くと全市町村。")
@folder_option(
    "--out",
    "out_dir",
    help="出力先のフォルダー（既定: paths.output_dir の下の distribution.folder_pattern）。",
)
@click.option(
    "--pdf/--no-pdf",
    default=None,
    help="PDF も作ります（LibreOffice が必要）。既定は config の distribution.pdf。",
)
@json_option()
@common_options
@guarded
def distribute_cmd(
    master: Path | None,
    towns: tuple[str, ...],
    out_dir: Path | None,
    pdf: bool | None,
    as_json: bool,
    config_path: Path | None,
) -> None:
    """市町村ごとの配布用ブックを作ります (one workbook per municipality).

    各ブックには、その市町村が関係する事業だけが入ります（1 枚目が一覧、続いて個表）。
    マスターにエラーがあれば何も作らず終了コード 1 です。MASTER を省くと
    config.toml の paths.master を使います。作ったファイルの一覧は出力先の
    manifest.json に書かれ、kohyo mail はそれを読んで送ります。
    """
    config, path = resolve(config_path, master)
    selected = select_towns(config, list(towns))  # an unknown name stops before any reading
    before = _digest(path)
    parsed, report = check_master(path, config)
    console = Console(highlight=False)
    if report.exit_code == 1:
        if as_json:
            emit_json(report.to_dict())
        else:
            print_findings(console, report, parsed.sheet_order, show_info=False)
            console.print(
                summary_line(report, str(path)) + "。エラーを直すまで配布ファイルは作りません。"
            )
        raise click.exceptions.Exit(1)
    if _digest(path) != before:
        raise WorkbookError(
            f"読み込み中にマスター {path} が変更されました。もう一度実行してください。",
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
        )
    if as_json:
        emit_json(result.to_dict())
        return
    print_distribution(console, result, warnings=report.count("warning"))


def _digest(path: Path) -> str:
    try:
        return file_digest(path)
    except FileNotFoundError:
        raise WorkbookError(f"マスターが見つかりません: {path}", path=str(path)) from None
    except IsADirectoryError:
        raise WorkbookError(f"マスターの場所がフォルダーです: {path}", path=str(path)) from None
    except OSError as exc:
        raise WorkbookError(
            f"マスターを開けません: {path}: {exc.strerror}", path=str(path)
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
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("配布ファイルを作成中", total=total)

    def update(done: int, total: int, town: str) -> None:
        bar.update(task, completed=done, total=total, description=f"配布ファイルを作成中（{town}）")

    with bar:
        yield update


def print_distribution(console: Console, result: DistributionResult, *, warnings: int) -> None:
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("市町村", no_wrap=True)
    table.add_column("事業数", justify="right", no_wrap=True)
    table.add_column("ファイル", overflow="fold")
    for t in result.towns:
        table.add_row(t.town, str(len(t.sheets) - 1), "\n".join(f.name for f in t.files))
    console.print(table)
    for s in result.stripped:
        console.print(f"注意: {s.message()}")
    for notice in result.notices:
        console.print(f"注意: {notice}")
    if warnings:
        console.print(f"マスターに警告が {warnings} 件あります（kohyo validate で確認できます）。")
    console.print(f"{len(result.towns)} 市町村の配布ファイルを作成しました: {result.folder}")
