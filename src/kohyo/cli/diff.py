"""`kohyo diff`: the change overview (変更案の概要) of two versions of the master."""

from __future__ import annotations

from pathlib import Path

import click

from kohyo.check.findings import Finding, Report
from kohyo.cli.common import (
    cache_dir,
    common_options,
    config_for,
    emit_json,
    folder_option,
    guarded,
    json_option,
)
from kohyo.cli.localized import KohyoCommand
from kohyo.cli.output import make_console
from kohyo.cli.render import print_findings
from kohyo.messages import t
from kohyo.overview.compare import blocking_findings
from kohyo.overview.render import compare_files, default_out_dir, write_change_overview

_PATH = click.Path(path_type=Path, dir_okay=True)


@click.command("diff", cls=KohyoCommand)
@click.argument("old", type=_PATH)
@click.argument("new", type=_PATH, required=False)
@folder_option("--out", "out_dir")
@click.option("--book", type=click.Path(path_type=Path, dir_okay=False))
@json_option()
@click.option("--allow-errors", is_flag=True)
@common_options
@guarded
def diff_cmd(
    old: Path,
    new: Path | None,
    out_dir: Path | None,
    book: Path | None,
    as_json: bool,
    allow_errors: bool,
    config_path: Path | None,
) -> None:
    """Compare two versions of the master and write the change overview (--help: ``help.diff``
    in the catalogue)."""
    config = config_for(config_path, new if new is not None else old)
    new_path = new if new is not None else config.paths.master
    result = compare_files(old, new_path, config, allow_errors=allow_errors)
    if result.overview is None:
        masters = [(old, result.old_blockers), (new_path, result.new_blockers)]
        _refuse(masters, as_json, hint=not allow_errors)
        return
    ov = result.overview
    if as_json:
        emit_json(ov.to_dict())
        return
    from kohyo.book.reference import book_pages, load_remarks, reference_texts  # not for --json

    pages = book_pages(book, result.new, config) if book is not None else None
    references = reference_texts(ov.added, pages, load_remarks(config), book)
    target = out_dir if out_dir is not None else default_out_dir(config)
    written = write_change_overview(ov, target, config, references, inputs=(old, new_path),
                                    template_cache=cache_dir() / "templates")  # fmt: skip
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


def _refuse(masters: list[tuple[Path, list[Finding]]], as_json: bool, *, hint: bool) -> None:
    """Exit 1, showing the errors that stop the comparison."""
    if as_json:
        emit_json(Report([f for _, found in masters for f in found]).to_dict())
    else:
        console = make_console(stderr=True)
        for path, found in masters:
            if found:
                click.echo(t("diff.refused", path=path, count=len(found)), err=True)
                print_findings(console, Report(found), [])
        click.echo(t("diff.refused.fix"), err=True)
        if hint and not any(blocking_findings(Report(found)) for _, found in masters):
            click.echo(t("diff.allow_errors.hint"), err=True)
    raise click.exceptions.Exit(1)
