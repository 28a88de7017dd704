"""`kohyo diff`: the change overview (変更案の概要) of two versions of the master."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from kohyo.book.reference import book_pages, load_remarks, reference_texts
from kohyo.check.findings import Finding, Report
from kohyo.cli.common import common_options, emit_json, folder_option, guarded, json_option
from kohyo.cli.render import print_findings
from kohyo.config import load_config
from kohyo.overview.render import compare_files, default_out_dir, write_change_overview

_PATH = click.Path(path_type=Path, dir_okay=True)


@click.command("diff")
@click.argument("old", type=_PATH)
@click.argument("new", type=_PATH, required=False)
@folder_option("--out", "out_dir", help="出力先のフォルダー（既定: 出力先/変更概要_<日付>）。")
@click.option(
    "--book",
    type=click.Path(path_type=Path, dir_okay=False),
    help="個表集のページ情報（kohyo book が書く book.json、または個表集の PDF）。"
    "新規事業の「資料の掲載ページ等」に「・N ページ」を入れます。",
)
@json_option("変更点を JSON で出力します（ファイルは作りません）。")
@common_options
@guarded
def diff_cmd(
    old: Path,
    new: Path | None,
    out_dir: Path | None,
    book: Path | None,
    as_json: bool,
    config_path: Path,
) -> None:
    """2つのマスターを比べ、変更案の概要を作ります (compare two versions of the master).

    \b
    OLD  変更前（現在）のマスター
    NEW  変更案のマスター（省くと config.toml の paths.master）

    新規・変更・統合・名称変更・終了（削除）を事業ごとに示します。
    事業番号がずれただけの事業は「変更」に数えません。
    --book を付けると、新規事業の掲載ページ（資料の掲載ページ等）を個表集から入れます。
    備考（例: ※R2 から連携済）は config.toml と同じフォルダーの remarks.toml から入ります。

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
    pages = book_pages(book, result.new, config) if book is not None else None
    references = reference_texts(ov.added, pages, load_remarks(config), book)
    target = out_dir if out_dir is not None else default_out_dir(config)
    written = write_change_overview(ov, target, config, references)
    echo = click.echo
    echo(f"変更の概要を作りました: {target}")
    echo(f"  具体的取組の総数: [現在] {ov.old_count}事業 ⇒ [変更案] {ov.new_count}事業")
    if not ov.has_changes:
        echo("  変更はありません（新規・変更・削除とも 0 事業）")
    else:
        echo(
            f"  新規 {len(ov.added)}事業、変更 {len(ov.changed)}事業"
            f"（うち統合 {len(ov.merged)}、名称変更 {len(ov.renamed)}）、"
            f"終了・削除 {len(ov.removed)}事業"
        )
    if ov.renumbered:
        echo(
            f"  事業番号が変わった事業 {len(ov.renumbered)}（番号が変わっただけでは変更に数えません）"
        )
    echo("  " + " / ".join(p.name for p in written))
    for label, path, report in (
        ("変更前", old, result.old_report),
        ("変更案", new_path, result.new_report),
    ):
        if report.has_errors:
            echo(
                f"  注意: {label}のマスターにエラーが {report.count('error')} 件あります"
                f"（kohyo validate {path} で確認してください）"
            )


def _refuse(masters: list[tuple[Path, list[Finding]]], as_json: bool) -> None:
    """Exit 1, showing the errors that make a comparison meaningless."""
    if as_json:
        emit_json(Report([f for _, found in masters for f in found]).to_dict())
    else:
        console = Console(highlight=False, stderr=True)
        for path, found in masters:
            if found:
                click.echo(f"{path}: 比べられないエラーがあります（{len(found)} 件）", err=True)
                print_findings(console, Report(found), [])
        click.echo("これらを直してから、もう一度 kohyo diff を実行してください。", err=True)
    raise click.exceptions.Exit(1)
