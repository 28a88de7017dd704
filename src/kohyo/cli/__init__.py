"""The `kohyo` command: one sub-command per job, each calling one library function."""

from __future__ import annotations

import click

from .. import __version__
from .check import dump_cmd, validate_cmd
from .codes import codes_cmd
from .common import configure_streams
from .diff import diff_cmd
from .distribute import distribute_cmd
from .mail import mail_cmd
from .new import new_cmd
from .refresh import refresh_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kohyo")
def cli() -> None:
    """kohyo — 連携中枢都市圏ビジョンの個表ツール.

    マスター（全事業の個表をまとめたブック）を検証し、計と総括表を更新し、
    市町村ごとのブックを作り、変更の概要をまとめ、メールで送ります。
    """


cli.add_command(validate_cmd)
cli.add_command(dump_cmd)
cli.add_command(diff_cmd)
cli.add_command(distribute_cmd)
cli.add_command(codes_cmd)
cli.add_command(refresh_cmd)
cli.add_command(mail_cmd)
cli.add_command(new_cmd)


def main() -> None:
    configure_streams()
    cli(prog_name="kohyo")
