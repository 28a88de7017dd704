"""`kohyo init`: make a folder an area folder (config.toml, a master, optionally templates)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kohyo.cli.common import guarded, lang_option
from kohyo.cli.localized import KohyoCommand
from kohyo.messages import t
from kohyo.scaffold import AreaFacts, Scaffold, scaffold_area, split_names
from kohyo.templates_lookup import AREA_FOLDER


def interactive() -> bool:
    """Whether a person can answer the questions (tests replace this)."""
    return sys.stdin is not None and sys.stdin.isatty()


@click.command("init", cls=KohyoCommand)
@click.argument(
    "folder", required=False, default=".", type=click.Path(path_type=Path, file_okay=False)
)
@click.option("--area", metavar="NAME")
@click.option("--central", metavar="NAME")
@click.option(
    "--town",
    "towns",
    multiple=True,
    metavar="NAME",
)
@click.option(
    "--templates",
    "copy_templates",
    is_flag=True,
)
@lang_option
@guarded
def init_cmd(
    folder: Path, area: str | None, central: str | None, towns: tuple[str, ...],
    copy_templates: bool,
) -> None:  # fmt: skip
    """Help text: help.init in the message catalogue."""
    facts = ask_facts(area, central, towns)
    made = scaffold_area(folder, facts, templates=copy_templates)
    print_scaffold(made, facts)


def ask_facts(area: str | None, central: str | None, towns: tuple[str, ...]) -> AreaFacts:
    """The flags; what they leave out is asked on a terminal, else left as a placeholder."""
    names = [n for town in towns for n in split_names(town)]
    central = central or (names[0] if names else None)
    if interactive():
        area = area or click.prompt(t("init.ask.area"))
        central = central or click.prompt(t("init.ask.central"))
        if not names:
            names = split_names(click.prompt(t("init.ask.towns"), default=central))
    base = AreaFacts()
    return AreaFacts(
        name=(area or base.name).strip(),
        central_city=(central or base.central_city).strip(),
        towns=tuple(names) if names else base.towns,
        placeholders=(
            *(() if area else (base.name,)),
            *(() if central else (base.central_city,)),
            *(() if names else base.towns),
        ),
    )


def print_scaffold(made: Scaffold, facts: AreaFacts) -> None:
    click.echo(t("init.done", folder=made.folder.resolve()))
    click.echo(t("init.done.config", path=made.config))
    click.echo(t("init.done.master", path=made.master))
    if made.templates:
        folder = made.folder / AREA_FOLDER
        click.echo(t("init.done.templates", folder=folder, count=len(made.templates)))
    if facts.placeholders:
        click.echo(t("init.placeholders", names="、".join(facts.placeholders)))
    click.echo(t("init.next", folder=made.folder))
