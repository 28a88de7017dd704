"""`kohyo mail`: the distribution to each partner town — dry run by default, SMTP with --send."""

from __future__ import annotations

from pathlib import Path

import click

from kohyo.cli.common import (
    common_options,
    config_for,
    emit_json,
    folder_option,
    guarded,
    json_option,
    towns_option,
)
from kohyo.mail.send import MailReport, MailRequest, TownResult, run_mail


@click.command("mail")
@click.option(
    "--send",
    is_flag=True,
    help="SMTP で実際に送信します。指定しなければ送信せず、.eml を書き出すだけです（ドライラン）。",
)
@click.option(
    "--resend",
    is_flag=True,
    help="送信記録にあるもの（送信済み）も、もう一度送ります。--send と一緒に使います。",
)
@towns_option("送る市町村（繰り返し指定できます）。既定は配布フォルダーにある連携町村すべて。")
@folder_option(
    "--outbox",
    help="ドライランで .eml を書き出すフォルダー（既定: config.toml の mail.outbox_dir）。",
)
@folder_option(
    "--dir",
    "folder",
    help="配布フォルダー（distribution folder、manifest.json のあるフォルダー）。既定は出力先の最新のもの。",
)
@click.option(
    "--summary",
    type=click.Path(path_type=Path, exists=True),
    help="本文に入れる「変更の概要」: テキストファイル、または <市町村名>.txt を置いたフォルダー。",
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
    config_path: Path | None,
) -> None:
    """市町村別の個表をメールで送ります (mail each partner town its files).

    既定はドライランです。送信はせず、町村ごとに 1 通の .eml（Outlook や Thunderbird で開けます）を書き出します。
    内容を確かめてから --send で送信してください。

    送る前に、宛先が config.toml のとおりか、添付が配布したときのままか（sha256）、
    ほかの市町村の事業が入っていないか、サイズが上限以内かを確かめます。
    問題があれば 1 通も送りません（終了コード 2）。

    送信したものは送信記録 mail_ledger.jsonl に残り、もう一度実行しても送り直しません（--resend で送り直します）。
    途中で失敗した場合は終了コード 1 で、次の実行では残りだけを送ります。
    """
    if resend and not send:
        raise click.UsageError("--resend は --send と一緒に指定してください。")
    if outbox is not None and send:
        raise click.UsageError("--outbox はドライラン（--send なし）で使います。")
    config = config_for(config_path)
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


_LABELS = {"written": "書き出し", "sent": "送信", "skipped": "省略", "failed": "失敗"}


class _Printer:
    """Prints each town's outcome as it happens (a long send shows its progress)."""

    def __init__(self) -> None:
        self.first = True

    def __call__(self, r: TownResult) -> None:
        if self.first and r.status != "written":
            click.echo("送信の結果:")
        self.first = False
        _print_result(r)


def _print_result(r: TownResult) -> None:
    to = "、".join(r.recipients)
    if r.status == "written":
        sent_note = "（送信済み: --send では省略されます）" if r.already_sent else ""
        click.echo(f"  {r.town}  宛先 {to}  添付 {len(r.files)} 件{sent_note}")
        click.echo(f"      → {r.detail}")
    elif r.status == "sent":
        click.echo(f"  送信しました  {r.town}  宛先 {to}  （サーバーの応答: {r.detail}）")
    elif r.status == "skipped":
        click.echo(f"  省略（送信済み）  {r.town}")
    else:
        click.echo(f"  失敗  {r.town}: {r.detail}", err=True)


def _print_summary(report: MailReport) -> None:
    for note in report.notes:
        click.echo(f"  注意: {note}")
    click.echo(f"配布フォルダー: {report.folder}")
    if not report.send:
        click.echo(
            f"ドライラン: .eml を {report.count('written')} 件書き出しました（送信はしていません）。"
            "内容を確かめてから kohyo mail --send で送信してください。"
        )
        return
    click.echo(f"SMTP サーバー: {report.server}")
    click.echo(
        f"送信 {report.count('sent')} 件、送信済みのため省略 {report.count('skipped')} 件、"
        f"失敗 {report.count('failed')} 件"
    )
    if report.count("failed"):
        click.echo(
            "失敗した分は、原因を解消してから kohyo mail --send をもう一度実行すると送られます"
            "（送信済みの分は送りません）。",
            err=True,
        )
