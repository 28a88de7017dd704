"""`kohyo export` and `kohyo history`: the master as tables, and its life across versions."""

from __future__ import annotations

from pathlib import Path

import click

from kohyo.cli.common import common_options, folder_option, guarded, master_argument, resolve
from kohyo.cli.localized import KohyoCommand
from kohyo.cli.output import make_console
from kohyo.cli.render import print_findings
from kohyo.config import load_config
from kohyo.messages import t

_FILE = click.Path(path_type=Path, dir_okay=True)


@click.command("export", cls=KohyoCommand)
@master_argument
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet", "json"]),
              default="csv", show_default=True)  # fmt: skip
@folder_option("--out", "out_dir")
@common_options
@guarded
def export_cmd(master: Path | None, fmt: str, out_dir: Path | None, config_path: Path) -> None:
    """Export the master as tidy tables (--help: ``help.export`` in the catalogue)."""
    from kohyo.data.export import export_master

    config, path = resolve(config_path, master)
    result = export_master(path, config, fmt, out_dir)
    if result.report.has_errors:
        print_findings(make_console(stderr=True), result.report, [])
        click.echo(t("export.refused"), err=True)
        raise click.exceptions.Exit(1)
    folder = result.files[0].parent
    click.echo(t("export.done", fmt=fmt, folder=folder))
    for f in result.files:
        click.echo(f"  {f.name}")


@click.command("history", cls=KohyoCommand)
@click.argument("masters", nargs=-1, required=True, type=_FILE)
@folder_option("--out", "out_dir")
@common_options
@guarded
def history_cmd(masters: tuple[Path, ...], out_dir: Path | None, config_path: Path) -> None:
    """Each project's life across versions (--help: ``help.history`` in the catalogue)."""
    from datetime import date

    from kohyo.data.history import history_of, write_history

    config = load_config(config_path)
    result = history_of(list(masters), config)
    if result.history is None:
        console = make_console(stderr=True)
        for path, report in result.blocked:
            click.echo(t("history.refused", path=path, count=report.count("error")), err=True)
            print_findings(console, report, [])
        raise click.exceptions.Exit(1)
    target = out_dir or config.paths.output_dir / f"推移_{date.today():%Y%m%d}"
    written = write_history(result.history, target, config)
    h = result.history
    counts = " ⇒ ".join(t("history.count_item", label=label, count=n)
                        for label, n in zip(h.labels, h.counts, strict=True))  # fmt: skip
    click.echo(t("history.done", folder=target))
    click.echo(t("history.counts", counts=counts))
    click.echo("  " + " / ".join(p.name for p in written))
