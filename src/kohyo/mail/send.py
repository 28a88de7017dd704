"""Delivering the prepared messages: the outbox and SMTP (the I/O edge).

:func:`run_mail` is the one entry point the CLI calls. It has
:func:`kohyo.mail.prepare.prepare` check every selected town first (any problem: nothing
is written or sent, exit code 2), then either writes one .eml per town into the
outbox (the default dry run) or sends over one SMTP session, appending each
accepted message to the ledger — fsynced — before the next one goes out. A crash
or a dropped connection therefore leaves the ledger naming exactly what the
server accepted, and the next run sends only the rest. The ledger itself is
:mod:`kohyo.mail.ledger`.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kohyo.config import Config
from kohyo.distribute.manifest import Manifest
from kohyo.files.atomic import write_atomically
from kohyo.mail.ledger import LEDGER_NAME, Ledger, ledger_record
from kohyo.mail.message import envelope_sender
from kohyo.mail.prepare import MailError, Outgoing, address_problems, configured_recipients, prepare

CA_FILE_ENV = "KOHYO_SMTP_CA_FILE"
KEYRING_SERVICE = "kohyo-smtp"
SMTP_TIMEOUT = 30.0


@dataclass(frozen=True)
class MailRequest:
    send: bool = False
    resend: bool = False
    towns: tuple[str, ...] = ()  # empty: every partner town in the distribution
    outbox: Path | None = None  # dry run only; default config.mail.outbox_dir
    folder: Path | None = None  # default: the newest distribution
    summary: Path | None = None  # a text file, or a folder of <town>.txt


@dataclass(frozen=True)
class TownResult:
    town: str
    status: str  # "written" | "sent" | "skipped" | "failed"
    recipients: tuple[str, ...]
    files: tuple[str, ...]
    detail: str = ""  # the .eml path, the server's reply, or why it failed
    already_sent: bool = False


@dataclass
class MailReport:
    folder: Path
    send: bool
    server: str = ""
    results: list[TownResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def exit_code(self) -> int:
        return 1 if self.count("failed") else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": "send" if self.send else "dry-run",
            "distribution": str(self.folder),
            "server": self.server or None,
            "results": [
                {
                    "town": r.town,
                    "status": r.status,
                    "recipients": list(r.recipients),
                    "files": list(r.files),
                    "detail": r.detail,
                    "already_sent": r.already_sent,
                }
                for r in self.results
            ],
            "notes": self.notes,
            "counts": {s: self.count(s) for s in ("written", "sent", "skipped", "failed")},
        }


Progress = Callable[[TownResult], None]


def run_mail(config: Config, request: MailRequest, progress: Progress | None = None) -> MailReport:
    """Check everything, then write the outbox (dry run) or send (``request.send``)."""
    ledger = Ledger(config.paths.output_dir / LEDGER_NAME)
    manifest, outgoing, notes = prepare(
        config, request.folder, request.towns, request.summary, ledger.sent_keys()
    )
    report = MailReport(folder=manifest.folder, send=request.send, notes=notes)
    add = _reporter(report, progress)
    if not request.send:
        outbox = request.outbox or config.mail.outbox_dir or config.paths.output_dir / "outbox"
        for item in outgoing:
            path = write_eml(item, outbox / f"{item.letter.town}_{manifest.date}.eml")
            add(_result(item, "written", str(path)))
        return report
    report.server = f"{config.mail.smtp_host}:{config.mail.smtp_port}"
    todo = [o for o in outgoing if request.resend or not o.already_sent]
    for item in outgoing:
        if item.already_sent and not request.resend:
            add(_result(item, "skipped", "送信済み"))
    if todo:
        ledger.ensure_writable()
        with open_smtp(config) as smtp:
            send_all(smtp, config, todo, ledger, manifest, add)
    order = {o.letter.town: i for i, o in enumerate(outgoing)}
    report.results.sort(key=lambda r: order[r.town])
    return report


def send_all(
    smtp: smtplib.SMTP,
    config: Config,
    todo: list[Outgoing],
    ledger: Ledger,
    manifest: Manifest,
    add: Progress,
) -> None:
    """Send in order; ledger each accepted message before the next; stop once the line is gone."""
    sender = envelope_sender(config)
    server = f"{config.mail.smtp_host}:{config.mail.smtp_port}"
    stop_reason = ""
    for item in todo:
        if stop_reason:
            add(_result(item, "failed", stop_reason))
            continue
        try:
            # The allowed addresses come from config here, not from the prepared item.
            response = send_one(smtp, sender, item, configured_recipients(config, item.letter.town))
        except TownFailed as exc:
            add(_result(item, "failed", exc.detail))
            if exc.connection_lost:
                stop_reason = "サーバーとの接続が切れたため送っていません"
            continue
        try:
            ledger.append(ledger_record(item, manifest, response, server))
        except OSError as exc:
            add(
                _result(
                    item,
                    "failed",
                    f"送信しましたが、送信記録 {ledger.path} に書けませんでした（{exc}）",
                )
            )
            stop_reason = "送信記録に書けないため送っていません"
            continue
        add(_result(item, "sent", response))


def _reporter(report: MailReport, progress: Progress | None) -> Progress:
    def add(result: TownResult) -> None:
        report.results.append(result)
        if progress is not None:
            progress(result)

    return add


def _result(item: Outgoing, status: str, detail: str) -> TownResult:
    return TownResult(
        town=item.letter.town,
        status=status,
        recipients=item.letter.envelope,
        files=tuple(a.name for a in item.letter.attachments),
        detail=detail,
        already_sent=item.already_sent,
    )


# --- outbox --------------------------------------------------------------------------------


def write_eml(item: Outgoing, path: Path) -> Path:
    """Write the message as an .eml (opens in Outlook and Thunderbird), atomically."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, item.data)
    except PermissionError:
        raise MailError(
            f"{path} に書き込めません。Outlook などで開いている場合は閉じてから実行してください。",
            path=str(path),
        ) from None
    except OSError as exc:
        raise MailError(f"{path} に書き込めません（{exc.strerror}）", path=str(path)) from None
    return path


# --- SMTP ------------------------------------------------------------------------------------


class TownFailed(Exception):
    def __init__(self, detail: str, *, connection_lost: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.connection_lost = connection_lost


def tls_context(config: Config) -> ssl.SSLContext:
    """Verifying TLS; a private CA (or a self-signed server) is trusted via config's
    mail.ca_file, or the KOHYO_SMTP_CA_FILE environment variable."""
    configured = str(config.mail.ca_file) if config.mail.ca_file else None
    ca_file = os.environ.get(CA_FILE_ENV) or configured
    where = CA_FILE_ENV if os.environ.get(CA_FILE_ENV) else "mail.ca_file"
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise MailError(f"{where} の証明書ファイル {ca_file} を読めません（{exc}）") from None


def smtp_password(config: Config) -> str:
    """From the environment variable config names, else the OS keyring; never from config/CLI."""
    env = config.mail.password_env
    password = os.environ.get(env, "")
    if password:
        return password
    try:
        import keyring  # optional
    except ImportError:
        keyring = None
    if keyring is not None:
        with contextlib.suppress(Exception):  # a missing or locked keyring backend
            password = keyring.get_password(KEYRING_SERVICE, config.mail.username) or ""
    if password:
        return password
    raise MailError(
        f"SMTP のパスワードがありません。環境変数 {env} に設定してください"
        f"（または OS の資格情報に サービス名 {KEYRING_SERVICE}・ユーザー名 {config.mail.username} で登録）。"
    )


@contextlib.contextmanager
def open_smtp(config: Config, timeout: float = SMTP_TIMEOUT) -> Any:
    """A connected, secured and logged-in SMTP session; MailError (exit 2) if that fails."""
    m = config.mail
    where = f"{m.smtp_host}:{m.smtp_port}"
    if m.username and m.security == "none":
        raise MailError(
            f'暗号化なし（mail.security = "none"）ではパスワードを送りません。'
            f'mail.security を "starttls" か "ssl" にしてください（{where}）'
        )
    password = smtp_password(config) if m.username else ""
    context = tls_context(config) if m.security != "none" else None
    smtp: smtplib.SMTP | None = None
    try:
        if m.security == "ssl":
            smtp = smtplib.SMTP_SSL(m.smtp_host, m.smtp_port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(m.smtp_host, m.smtp_port, timeout=timeout)
        smtp.ehlo()
        if m.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise MailError(f"SMTP サーバー {where} が STARTTLS に対応していないため送りません")
            smtp.starttls(context=context)
            smtp.ehlo()
        if m.username:
            smtp.login(m.username, password)
    except MailError:
        _close(smtp)
        raise
    except smtplib.SMTPAuthenticationError as exc:
        _close(smtp)
        raise MailError(f"SMTP サーバー {where} で認証に失敗しました（{_reply(exc)}）") from None
    except UnicodeEncodeError:  # smtplib sends AUTH data as ASCII only
        _close(smtp)
        raise MailError(
            f"SMTP のユーザー名かパスワードに半角英数字・記号以外の文字があるため、{where} にログインできません"
        ) from None
    except smtplib.SMTPNotSupportedError:
        _close(smtp)
        raise MailError(f"SMTP サーバー {where} がログイン（AUTH）に対応していません") from None
    except ssl.SSLCertVerificationError as exc:
        _close(smtp)
        raise MailError(
            f"SMTP サーバー {where} の証明書を確認できません（{exc.verify_message}）。"
            f"組織内の認証局を使う場合は、環境変数 {CA_FILE_ENV} にその証明書ファイルを指定してください"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        _close(smtp)
        raise MailError(f"SMTP サーバー {where} に接続できません（{exc}）") from None
    try:
        yield smtp
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()
        _close(smtp)


def send_one(smtp: smtplib.SMTP, sender: str, item: Outgoing, allowed: frozenset[str]) -> str:
    """One transaction; every recipient accepted or nothing sent. Returns the server's reply."""
    envelope = list(item.letter.envelope)
    # Checked in preflight already; checked again here against config, right at the wire.
    problems = address_problems(item.message, envelope, allowed)
    if problems:
        raise TownFailed("; ".join(problems))
    phase = "before-data"
    try:
        code, reply = smtp.mail(sender)
        if code != 250:
            _abort(smtp, code, f"差出人 {sender} を受け付けませんでした: {code} {_text(reply)}")
        for rcpt in envelope:
            code, reply = smtp.rcpt(rcpt)
            if code not in (250, 251):
                _abort(smtp, code, f"宛先 {rcpt} を受け付けませんでした: {code} {_text(reply)}")
        phase = "data"
        code, reply = smtp.data(item.data)
        if code != 250:
            raise TownFailed(
                f"メールを受け付けませんでした: {code} {_text(reply)}", connection_lost=code == 421
            )
        return f"{code} {_text(reply)}"
    except smtplib.SMTPDataError as exc:
        _abort(smtp, exc.smtp_code, f"メールを受け付けませんでした: {_reply(exc)}")
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        unsure = "（送信中に切れたため、届いたかどうか確認できません）" if phase == "data" else ""
        raise TownFailed(
            f"サーバーとの接続が切れました{unsure}: {exc}", connection_lost=True
        ) from None
    raise AssertionError("unreachable")


def _abort(smtp: smtplib.SMTP, code: int, detail: str) -> None:
    if code == 421:  # the server is closing the connection
        raise TownFailed(detail, connection_lost=True)
    try:
        smtp.rset()
    except (smtplib.SMTPException, OSError):
        raise TownFailed(detail, connection_lost=True) from None
    raise TownFailed(detail)


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"
