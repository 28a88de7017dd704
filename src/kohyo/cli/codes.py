"""`kohyo codes`: the catalogue of finding codes (also docs/codes.md)."""

from __future__ import annotations

import click

from kohyo.check.findings import CATALOGUE
from kohyo.cli.common import common_options, guarded
from kohyo.cli.localized import KohyoCommand
from kohyo.messages import current_lang, severity_label, t


def codes_markdown() -> str:
    """The code table: Japanese and English messages side by side; English only with --lang en."""
    en = current_lang() == "en"
    lines = [
        t("codes.title"),
        "",
        *t("codes.intro").splitlines(),
        "",
        *t("codes.header").splitlines(),
    ]
    for code, kind in CATALOGUE.items():
        ja = kind.ja.replace("|", "\\|")
        en_text = kind.en.replace("|", "\\|")
        texts = en_text if en else f"{ja} | {en_text}"
        lines.append(f"| `{code}` | {severity_label(kind.severity)} | {texts} |")
    return "\n".join(lines) + "\n"


@click.command("codes", cls=KohyoCommand)
@common_options
@guarded
def codes_cmd(config_path: object) -> None:
    """List the finding codes (as Markdown) (--help: ``help.codes`` in the catalogue)."""
    click.echo(codes_markdown(), nl=False)
