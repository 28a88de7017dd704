"""`kohyo init`: make a folder an area folder (config.toml, a master, optionally templates)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kohyo.cli.common import guarded, lang_option
from kohyo.messages import t
from kohyo.scaffold import AreaFacts, Scaffold, scaffold_area, split_names
from kohyo.templates_lookup import AREA_FOLDER


def interactive() -> bool:
    """Whether a person can answer the questions (tests replace this)."""
    return sys.stdin is not None and sys.stdin.isatty()


@click.command("init")
@click.argument(
    "folder", required=False, default=".", type=click.Path(path_type=Path, file_okay=False)
)
@click.option("--area", metavar="NAME", help="圏域名（例: 〇〇圏域連携中枢都市圏）。")
@click.option("--central", metavar="NAME", help="連携中枢都市。省くと最初の --town。")
@click.option(
    "--town",
    "towns",
    multiple=True,
    metavar="NAME",
    help="構成市町村（繰り返し指定できます）。連携中枢都市は含めても省いても構いません。",
)
@click.option(
    "--templates",
    "copy_templates",
    is_flag=True,
    help="既定のテンプレート（書式・メール・変更概要）を templates/ に写します（書き換えて使うとき）。",
)
@lang_option
@guarded
def init_cmd(
    folder: Path, area: str | None, central: str | None, towns: tuple[str, ...],
    copy_templates: bool,
) -> None:  # fmt: skip
    """圏域のフォルダーを作ります (make an area folder).

    FOLDER（既定: 今のフォルダー）に、説明つきの config.toml と、「記入例」のシートと空の個表
    「1」を持つマスター workbooks/master.xlsx を作ります。圏域名と市町村は --area・--central・
    --town で指定します。省いた場合、端末からは質問し、それ以外では仮の値（〇〇市 など）を書きます。
    すでにあるファイルは上書きしません。

    \b
    終了コード: 0 作った、2 作れない（config.toml などがすでにある、名前が正しくない など）
    """
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
