"""`kohyo new`: add a 個表 from the template, renumbering later projects with --after."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from kohyo.cli.common import common_options, fail, guarded, master_argument, resolve
from kohyo.cli.localized import KohyoCommand
from kohyo.cli.output import Output, make_console
from kohyo.cli.render import print_findings, summary_line
from kohyo.edit.new import (
    NewProjectPlan,
    NewProjectResult,
    apply_new_project,
    prepare_new_project,
    read_for_new,
)
from kohyo.messages import t


def interactive() -> bool:
    """Whether a person can answer the question (tests replace this)."""
    return sys.stdin is not None and sys.stdin.isatty()


@click.command("new", cls=KohyoCommand)
@master_argument
@click.option("--name", required=True)
@click.option(
    "--after",
    type=click.IntRange(min=0),
    metavar="N",
)
@click.option(
    "--municipalities",
    metavar="TEXT",
)
@click.option("--yes", "-y", is_flag=True)
@common_options
@guarded
def new_cmd(
    master: Path | None,
    name: str,
    after: int | None,
    municipalities: str | None,
    yes: bool,
    config_path: Path | None,
) -> None:
    """Add a project sheet to the master (--help: ``help.new`` in the catalogue)."""
    config, path = resolve(config_path, master)
    ctx = read_for_new(path, config)
    console = make_console()
    if ctx.report.has_errors:
        print_findings(console, ctx.report, ctx.master.sheet_order, show_info=False)
        console.print(summary_line(ctx.report, str(path)))
        console.print(t("new.has_errors"))
        raise click.exceptions.Exit(1)
    plan = prepare_new_project(ctx, config, name=name, after=after, municipalities=municipalities)
    print_plan(console, plan)
    if not yes:
        if not interactive():
            fail(t("new.needs_yes"), 2)
        if not click.confirm(t("new.confirm"), default=False):
            console.print(t("new.cancelled"))
            return
    result = apply_new_project(ctx, config, plan)
    print_result(console, result)


def print_plan(console: Output, plan: NewProjectPlan) -> None:
    p = plan.project
    where = (t("new.plan.after", sheet=plan.after_sheet) if plan.after_sheet is not None
             else t("new.plan.first"))  # fmt: skip
    console.print(t("new.plan.title", number=p.number, name=p.name.text, sheet=plan.spec.name,
                    where=where, municipalities=p.municipalities_label.text))  # fmt: skip
    if plan.renumbered:
        table = Table(title=t("new.plan.renumber"), header_style="bold", title_justify="left")
        for col in t("new.plan.renumber.columns").split("|"):
            table.add_column(col)
        for r in plan.renumbered:
            sheet = r.sheet if r.sheet == r.new_sheet else f"{r.sheet} → {r.new_sheet}"
            table.add_row(f"{r.old} → {r.new}", sheet, r.name)
        console.print(table)
    else:
        console.print(t("new.plan.no_renumber"))
    if plan.references:
        table = Table(title=t("new.plan.references"), header_style="bold", title_justify="left")
        for col in t("new.plan.references.columns").split("|"):
            table.add_column(col)
        for ref in plan.references:
            table.add_row(ref.sheet, ref.cell, ref.old, ref.new)
        console.print(table)
    elif plan.renumbered:
        console.print(t("new.plan.no_references"))
    if plan.summary_spec is not None:
        console.print(t("new.plan.summary", sheet=plan.summary_spec.name))


def print_result(console: Output, result: NewProjectResult) -> None:
    p = result.plan.project
    console.print(t("new.done", number=p.number, name=p.name.text, sheet=result.plan.spec.name,
                    path=result.path, backup=result.backup), soft_wrap=True)  # fmt: skip
    console.print(summary_line(result.report, str(result.path)))
