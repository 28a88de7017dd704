"""The `kohyo` command: one sub-command per job, each calling one library function.

Sub-commands are imported only when used, so `kohyo validate` does not pay for
the mail, diff and distribution machinery at start-up.
"""

from __future__ import annotations

import importlib

import click

from kohyo import __version__
from kohyo.cli.common import configure_streams
from kohyo.cli.localized import LocalizedGroup

# In the order staff use them; name -> "module:attribute".
COMMANDS = {
    "validate": "check:validate_cmd",
    "refresh": "refresh:refresh_cmd",
    "distribute": "distribute:distribute_cmd",
    "book": "book:book_cmd",
    "diff": "diff:diff_cmd",
    "mail": "mail:mail_cmd",
    "collect": "collect:collect_cmd",
    "new": "new:new_cmd",
    "export": "data:export_cmd",
    "history": "data:history_cmd",
    "dump": "check:dump_cmd",
    "codes": "codes:codes_cmd",
    "init": "init:init_cmd",
}


class LazyGroup(LocalizedGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(f".{module}", __name__), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kohyo")
def cli() -> None:
    """kohyo, the 個表 tool (--help: ``help.kohyo`` in the catalogue)."""


def main() -> None:
    configure_streams()
    cli(prog_name="kohyo")
