"""`kohyo validate` and `kohyo dump`."""

from __future__ import annotations

from pathlib import Path

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
from kohyo.cli.output import make_console
from kohyo.cli.render import print_findings, summary_line
from kohyo.messages import t
from kohyo.read.master import check_master, dump_master, read_master


@click.command("validate", cls=KohyoCommand)
@master_argument
@json_option()
@click.option("--quiet", "-q", is_flag=True)
@click.option(
    "--report",
    "report_path",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[FILE]",
    type=str,
)
@click.option(
    "--open",
    "open_report",
    is_flag=True,
)
@click.option(
    "--live",
    is_flag=True,
)
@common_options
@guarded
def validate_cmd(
    master: Path | None,
    as_json: bool,
    quiet: bool,
    report_path: str | None,
    open_report: bool,
    live: bool,
    config_path: Path | None,
) -> None:
    """Validate every project sheet in MASTER (--help: ``help.validate`` in the catalogue)."""
    config, path = resolve(config_path, master)
    if live:
        from kohyo.cli.refresh import live_progress  # refresh's machinery: only for --live
        from kohyo.live import check_live

        with live_progress(not as_json) as progress:
            book, parsed, report = check_live(path, config, progress)
        target = book.path or path  # the links go to the file Excel has open
    else:
        parsed, report = check_master(path, config)
        target = path
    written = None
    if report_path is None and open_report:
        report_path = ""  # --open alone: the report beside the master
    if report_path is not None:
        from kohyo.check.report import default_report_path, write_findings_report  # xlsxwriter

        dest = Path(report_path) if report_path else default_report_path(target)
        written = write_findings_report(report, target, dest, sheet_order=parsed.sheet_order)
    if as_json:
        emit_json(report.to_dict())
    else:
        console = make_console()
        print_findings(console, report, parsed.sheet_order, show_info=not quiet)
        where = book.name if live else str(path)
        console.print(
            summary_line(report, where) + t("validate.count", count=len(parsed.projects)),
            soft_wrap=True,
        )
        if live:
            console.print(t("validate.live.book", name=book.name))
        if written is not None:
            console.print(t("validate.report.written", path=written), soft_wrap=True)
    if written is not None and open_report:
        from kohyo.check.report import open_with_default_app

        if not open_with_default_app(written):
            click.echo(t("validate.report.open_failed", path=written), err=True)
    raise click.exceptions.Exit(report.exit_code)


@click.command("dump", cls=KohyoCommand)
@master_argument
@click.option("--json", "as_json", is_flag=True, default=True)
@common_options
@guarded
def dump_cmd(master: Path | None, as_json: bool, config_path: Path | None) -> None:
    """Print every project sheet of the master as JSON (--help: ``help.dump`` in the catalogue)."""
    config, path = resolve(config_path, master)
    emit_json(dump_master(read_master(path, config), config))
