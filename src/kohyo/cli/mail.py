"""`kohyo mail`: the distribution to each partner town — dry run by default, SMTP with --send."""

from __future__ import annotations

from pathlib import Path

import click

from kohyo.cli.common import (
    common_options,
    emit_json,
    folder_option,
    guarded,
    json_option,
    towns_option,
)
from kohyo.cli.localized import KohyoCommand
from kohyo.config import load_config
from kohyo.mail.send import MailReport, MailRequest, TownResult, run_mail
from kohyo.messages import t


@click.command("mail", cls=KohyoCommand)
@click.option(
    "--send",
    is_flag=True,
)
@click.option(
    "--resend",
    is_flag=True,
)
@towns_option()
@folder_option(
    "--outbox",
)
@folder_option(
    "--dir",
    "folder",
)
@click.option(
    "--summary",
    type=click.Path(path_type=Path, exists=True),
)
@json_option()
@common_options
@guarded
def mail_cmd(
    send: bool,
    resend: bool,
    towns: tuple[str, ...],
    outbox: Path | None,
    folder: Path | None,
    summary: Path | None,
    as_json: bool,
    config_path: Path,
) -> None:
    """Mail each partner town its files (--help: ``help.mail`` in the catalogue)."""
    if resend and not send:
        raise click.UsageError(t("mail.resend_needs_send"))
    if outbox is not None and send:
        raise click.UsageError(t("mail.outbox_needs_dry_run"))
    config = load_config(config_path)
    request = MailRequest(
        send=send, resend=resend, towns=towns, outbox=outbox, folder=folder, summary=summary
    )
    if as_json:
        report = run_mail(config, request)
        emit_json(report.to_dict())
        raise click.exceptions.Exit(report.exit_code)
    report = run_mail(config, request, progress=_Printer())
    _print_summary(report)
    raise click.exceptions.Exit(report.exit_code)


class _Printer:
    """Prints each town's outcome as it happens (a long send shows its progress)."""

    def __init__(self) -> None:
        self.first = True

    def __call__(self, r: TownResult) -> None:
        if self.first and r.status != "written":
            click.echo(t("mail.results"))
        self.first = False
        _print_result(r)


def _print_result(r: TownResult) -> None:
    to = t("list.separator").join(r.recipients)
    if r.status == "written":
        sent_note = t("mail.written.already_sent") if r.already_sent else ""
        click.echo(t("mail.written", town=r.town, to=to, files=len(r.files), note=sent_note))
        click.echo(f"      → {r.detail}")
    elif r.status == "sent":
        click.echo(t("mail.sent", town=r.town, to=to, reply=r.detail))
    elif r.status == "skipped":
        click.echo(t("mail.skipped", town=r.town))
    else:
        click.echo(t("mail.failed", town=r.town, detail=r.detail), err=True)


def _print_summary(report: MailReport) -> None:
    for note in report.notes:
        click.echo(t("mail.note", note=note))
    click.echo(t("mail.folder", folder=report.folder))
    if not report.send:
        click.echo(t("mail.dry_run.done", count=report.count("written")))
        return
    click.echo(t("mail.server", server=report.server))
    click.echo(
        t(
            "mail.sent.summary",
            sent=report.count("sent"),
            skipped=report.count("skipped"),
            failed=report.count("failed"),
        )
    )
    if report.count("failed"):
        click.echo(t("mail.failed.retry"), err=True)
