"""`kohyo book`: the booklet of every 個表 (資料2-3), with the page each one is printed on."""

from __future__ import annotations

from pathlib import Path

import click

from kohyo.book.build import BookResult, build_book
from kohyo.cli.common import (
    common_options,
    emit_json,
    folder_option,
    guarded,
    json_option,
    master_argument,
    resolve,
)
from kohyo.cli.localized import KohyoCommand
from kohyo.cli.output import make_console
from kohyo.cli.render import exit_on_errors
from kohyo.messages import t
from kohyo.read.master import check_master


@click.command("book", cls=KohyoCommand)
@master_argument
@folder_option("--out", "out_dir")
@click.option("--pdf", is_flag=True)
@json_option()
@common_options
@guarded
def book_cmd(
    master: Path | None, out_dir: Path | None, pdf: bool, as_json: bool, config_path: Path | None
) -> None:
    """Make the booklet of every project sheet (--help: ``help.book`` in the catalogue)."""
    config, path = resolve(config_path, master)
    parsed, report = check_master(path, config)
    console = make_console()
    exit_on_errors(console, report, parsed.sheet_order, str(path), t("book.cli.errors"),
                   as_json=as_json)  # fmt: skip
    result = build_book(parsed, config, out_dir=out_dir, pdf=pdf)
    if as_json:
        emit_json(result.to_dict())
        return
    print_book(result)


def print_book(result: BookResult) -> None:
    echo = click.echo
    files = [p for p in (result.xlsx, result.pdf, result.json) if p is not None]
    echo(t("book.cli.made", folder=result.folder, files=" / ".join(p.name for p in files)))
    source = "book.cli.from_pdf" if result.from_pdf else "book.cli.computed"
    echo(t("book.cli.pages", pages=result.pages, count=len(result.entries), source=t(source)))
    for e in result.entries:
        echo(f"  {'' if e.number is None else e.number:>4}  {e.page:>4}  {e.name}")
    for w in result.to_dict()["warnings"]:
        echo(t("book.cli.warning", message=w))
