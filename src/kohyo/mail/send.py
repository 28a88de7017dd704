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
from kohyo.messages import t

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
    if not request.send:
        return _run(config, request, ledger, progress)
    # One sender at a time: the ledger is read and appended under one lock, so two runs
    # started together cannot both find a town unsent.
    with ledger.locked():
        return _run(config, request, ledger, progress)


def _run(
    config: Config, request: MailRequest, ledger: Ledger, progress: Progress | None
) -> MailReport:
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
            add(_result(item, "skipped", t("mail.status.already_sent")))
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
                stop_reason = t("mail.stop.connection_lost")
            continue
        try:
            ledger.append(ledger_record(item, manifest, response, server))
        except OSError as exc:
            add(
                _result(
                    item,
                    "failed",
                    t("mail.sent.ledger_failed", path=ledger.path, reason=exc),
                )
            )
            stop_reason = t("mail.stop.ledger")
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
            t("mail.eml.locked", path=path),
            path=str(path),
        ) from None
    except OSError as exc:
        raise MailError(
            t("mail.eml.cannot_write", path=path, reason=exc.strerror), path=str(path)
        ) from None
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
        raise MailError(t("mail.ca_file", where=where, path=ca_file, reason=exc)) from None


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
        t("mail.no_password", env=env, service=KEYRING_SERVICE, user=config.mail.username)
    )


@contextlib.contextmanager
def open_smtp(config: Config, timeout: float = SMTP_TIMEOUT) -> Any:
    """A connected, secured and logged-in SMTP session; MailError (exit 2) if that fails."""
    m = config.mail
    where = f"{m.smtp_host}:{m.smtp_port}"
    if m.username and m.security == "none":
        raise MailError(t("mail.password_unencrypted", where=where))
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
                raise MailError(t("mail.no_starttls", where=where))
            smtp.starttls(context=context)
            smtp.ehlo()
        if m.username:
            smtp.login(m.username, password)
    except MailError:
        _close(smtp)
        raise
    except smtplib.SMTPAuthenticationError as exc:
        _close(smtp)
        raise MailError(t("mail.auth_failed", where=where, reply=_reply(exc))) from None
    except UnicodeEncodeError:  # smtplib sends AUTH data as ASCII only
        _close(smtp)
        raise MailError(t("mail.auth_not_ascii", where=where)) from None
    except smtplib.SMTPNotSupportedError:
        _close(smtp)
        raise MailError(t("mail.no_auth", where=where)) from None
    except ssl.SSLCertVerificationError as exc:
        _close(smtp)
        raise MailError(
            t("mail.cert", where=where, reason=exc.verify_message, env=CA_FILE_ENV)
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        _close(smtp)
        raise MailError(t("mail.connect", where=where, reason=exc)) from None
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
            _abort(
                smtp,
                code,
                t("mail.rejected.sender", sender=sender, code=code, reply=_text(reply)),
            )
        for rcpt in envelope:
            code, reply = smtp.rcpt(rcpt)
            if code not in (250, 251):
                _abort(
                    smtp,
                    code,
                    t("mail.rejected.recipient", rcpt=rcpt, code=code, reply=_text(reply)),
                )
        phase = "data"
        code, reply = smtp.data(item.data)
        if code != 250:
            # Some servers keep a refused transaction open: without RSET every following
            # town would fail with "503 nested MAIL command".
            _abort(smtp, code, t("mail.rejected", reply=f"{code} {_text(reply)}"))
        return f"{code} {_text(reply)}"
    except smtplib.SMTPDataError as exc:
        _abort(smtp, exc.smtp_code, t("mail.rejected", reply=_reply(exc)))
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        unsure = t("mail.disconnected.unsure") if phase == "data" else ""
        raise TownFailed(
            t("mail.disconnected", unsure=unsure, reason=exc), connection_lost=True
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
