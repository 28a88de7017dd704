"""`kohyo diff`: the change overview (変更案の概要) of two versions of the master."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from kohyo.check.findings import Finding, Report
from kohyo.cli.common import common_options, emit_json, folder_option, guarded, json_option
from kohyo.cli.render import print_findings
from kohyo.config import load_config
from kohyo.messages import t
from kohyo.overview.render import compare_files, default_out_dir, write_change_overview

_PATH = click.Path(path_type=Path, dir_okay=True)


@click.command("diff")
@click.argument("old", type=_PATH)
@click.argument("new", type=_PATH, required=False)
@folder_option("--out", "out_dir", help="出力先のフォルダー（既定: 出力先/変更概要_<日付>）。")
@json_option("変更点を JSON で出力します（ファイルは作りません）。")
@common_options
@guarded
def diff_cmd(
    old: Path, new: Path | None, out_dir: Path | None, as_json: bool, config_path: Path
) -> None:
    """2つのマスターを比べ、変更案の概要を作ります (compare two versions of the master).

    \b
    OLD  変更前（現在）のマスター
    NEW  変更案のマスター（省くと config.toml の paths.master）

    新規・変更・統合・名称変更・終了（削除）を事業ごとに示します。
    事業番号がずれただけの事業は「変更」に数えません。

    \b
    出力: overview.html（印刷用）、overview.md、overview.xlsx
    終了コード: 0 完了、1 比べられないマスター（事業名の重複など）、2 ファイルを読めない
    """
    config = load_config(config_path)
    new_path = new if new is not None else config.paths.master
    result = compare_files(old, new_path, config)
    if result.overview is None:
        _refuse([(old, result.old_blockers), (new_path, result.new_blockers)], as_json)
        return
    ov = result.overview
    if as_json:
        emit_json(ov.to_dict())
        return
    target = out_dir if out_dir is not None else default_out_dir(config)
    written = write_change_overview(ov, target, config)
    echo = click.echo
    echo(t("diff.written", path=target))
    echo(t("diff.count", old=ov.old_count, new=ov.new_count))
    if not ov.has_changes:
        echo(t("diff.no_changes"))
    else:
        echo(
            t(
                "diff.changes",
                added=len(ov.added),
                changed=len(ov.changed),
                merged=len(ov.merged),
                renamed=len(ov.renamed),
                removed=len(ov.removed),
            )
        )
    if ov.renumbered:
        echo(t("diff.renumbered", count=len(ov.renumbered)))
    echo("  " + " / ".join(p.name for p in written))
    for which, path, report in (
        ("old", old, result.old_report),
        ("new", new_path, result.new_report),
    ):
        if report.has_errors:
            echo(t(f"diff.errors.{which}", count=report.count("error"), path=path))


def _refuse(masters: list[tuple[Path, list[Finding]]], as_json: bool) -> None:
    """Exit 1, showing the errors that make a comparison meaningless."""
    if as_json:
        emit_json(Report([f for _, found in masters for f in found]).to_dict())
    else:
        console = Console(highlight=False, stderr=True)
        for path, found in masters:
            if found:
                click.echo(t("diff.refused", path=path, count=len(found)), err=True)
                print_findings(console, Report(found), [])
        click.echo(t("diff.refused.fix"), err=True)
    raise click.exceptions.Exit(1)
