"""One town's message: the :class:`Letter`, its text from the mail templates, the MIME message.

Subject and body come from the templates ``mail/subject.j2`` and ``mail/body.j2`` (the
area's own or kohyo's, see :mod:`kohyo.templates_lookup`; jinja2, strict: a typo is an error); headers from config; the files are attached so that
every client, Outlook included, shows their Japanese names. Nothing is checked or
sent here: :mod:`kohyo.mail.prepare` checks, :mod:`kohyo.mail.send` delivers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email import policy as email_policy
from email.header import Header
from email.message import EmailMessage
from email.utils import encode_rfc2231, format_datetime, make_msgid, parseaddr

import jinja2

from kohyo import __version__
from kohyo.config import Config
from kohyo.errors import ConfigError
from kohyo.files.digest import bytes_digest
from kohyo.messages import t
from kohyo.templates_lookup import template_loader, template_path

MIME_TYPES: dict[str, tuple[str, str]] = {
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ("application", "pdf"),
}

WIRE_POLICY = email_policy.SMTP.clone(refold_source="none")
"""CRLF lines; headers kohyo sets verbatim (the attachment names) are not re-folded."""

_MAX_HEADER_LINE = 998  # RFC 5322 §2.1.1
_HONORIFIC = {"市": "貴市", "町": "貴町", "村": "貴村"}


@dataclass(frozen=True)
class Attachment:
    name: str
    kind: str  # a key of MIME_TYPES
    data: bytes

    @property
    def sha256(self) -> str:
        return bytes_digest(self.data)


@dataclass(frozen=True)
class Letter:
    """Everything that goes to one town, before it becomes a message."""

    town: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    attachments: tuple[Attachment, ...]
    projects: tuple[int, ...]
    date: str  # the distribution's date, ISO (2026-11-29)

    @property
    def envelope(self) -> tuple[str, ...]:
        return self.to + self.cc


class MailTemplates:
    """``mail/subject.j2`` and ``mail/body.j2``, rendered strictly (a typo is an error)."""

    def __init__(self, config: Config) -> None:
        # Resolved now, so that a bad override stops the run before any message is made.
        self.paths = {n: template_path(config, f"mail/{n}") for n in ("subject.j2", "body.j2")}
        self.env = jinja2.Environment(
            loader=template_loader(config, "mail"),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # plain text mail, not HTML
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, name: str, context: Mapping[str, object]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(
                t(
                    "mail.template.syntax",
                    path=self.paths[name],
                    line=exc.lineno,
                    detail=exc.message,
                ),
                path=str(self.paths[name]),
            ) from None
        except jinja2.TemplateError as exc:
            raise ConfigError(
                t("mail.template.render", path=self.paths[name], detail=exc),
                path=str(self.paths[name]),
            ) from None


def envelope_sender(config: Config) -> str:
    address = parseaddr(config.mail.sender)[1]
    if "@" not in address:
        raise ConfigError(
            t("mail.sender.missing", path=config.path, value=repr(config.mail.sender)),
            path=str(config.path),
        )
    return address


def letter_context(config: Config, letter: Letter, summary: str | None) -> dict[str, object]:
    return {
        "town": letter.town,
        "town_honorific": _HONORIFIC.get(letter.town[-1:], letter.town),
        "area": config.area.name,
        "area_short": config.area.short_name,
        "date": letter.date,
        "date_ja": _date_ja(letter.date),
        "projects": list(letter.projects),
        "files": [a.name for a in letter.attachments],
        "summary": (summary or "").strip("\n"),
        "signature": config.mail.signature,
        "sender": config.mail.sender,
    }


def render_letter(
    config: Config, letter: Letter, templates: MailTemplates, summary: str | None = None
) -> tuple[str, str]:
    """(subject, body) for *letter*. The subject is one line whatever the template does."""
    context = letter_context(config, letter, summary)
    subject = " ".join(templates.render("subject.j2", context).split())
    if not subject:
        raise ConfigError(t("mail.subject.empty", path=templates.paths["subject.j2"]))
    body = templates.render("body.j2", context).replace("\r\n", "\n").strip("\n") + "\n"
    return subject, body


def compose(
    config: Config,
    letter: Letter,
    templates: MailTemplates,
    *,
    summary: str | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """The message for *letter*: headers from config, text from the templates, files attached."""
    subject, body = render_letter(config, letter, templates, summary)
    sender = envelope_sender(config)
    msg = EmailMessage(policy=email_policy.default)
    msg["Subject"] = subject
    msg["From"] = config.mail.sender
    msg["To"] = ", ".join(letter.to)
    if letter.cc:
        msg["Cc"] = ", ".join(letter.cc)
    msg["Date"] = format_datetime(now or datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    msg["X-Mailer"] = f"kohyo {__version__}"
    # base64 keeps the whole message 7-bit: no server needs 8BITMIME to relay it.
    msg.set_content(body, charset="utf-8", cte="base64")
    for att in letter.attachments:
        maintype, subtype = MIME_TYPES[att.kind]
        msg.add_attachment(att.data, maintype=maintype, subtype=subtype, filename=att.name)
    for part, att in zip(msg.iter_attachments(), letter.attachments, strict=True):
        _name_for_every_client(part, att.name)
    return msg


def message_bytes(msg: EmailMessage) -> bytes:
    """The message as it goes on the wire and into an .eml (CRLF, 7-bit)."""
    return msg.as_bytes(policy=WIRE_POLICY)


def _name_for_every_client(part: EmailMessage, name: str) -> None:
    """Name the attachment the way both standards-following clients and Outlook read it.

    Python writes RFC 2231 ``filename*0*=…; filename*1*=…`` continuations once the
    name is long — and a Japanese name always is. Outlook over POP/IMAP shows such
    parts as "ATT00001"/"Untitled attachment". So: one unsplit ``filename*=utf-8''…``
    on Content-Disposition (legal up to 998 characters a line), plus the RFC 2047
    ``name="=?utf-8?b?…?="`` on Content-Type that older Outlook falls back on (the
    combination MimeKit and Thunderbird use).
    """
    rfc2231 = encode_rfc2231(name, "utf-8")
    if len(" filename*=") + len(rfc2231) + 2 > _MAX_HEADER_LINE:
        return  # absurdly long name: keep Python's legal continuations
    content_type = part.get_content_type()
    cte = part["Content-Transfer-Encoding"]
    for header in (
        "Content-Type",
        "Content-Disposition",
        "Content-Transfer-Encoding",
        "MIME-Version",
    ):
        del part[header]
    encoded = Header(name, "utf-8", maxlinelen=76, header_name="Content-Type").encode(linesep="\n")
    part.set_raw("Content-Type", f'{content_type};\n name="{encoded}"')
    part.set_raw("Content-Disposition", f"attachment;\n filename*={rfc2231}")
    part["Content-Transfer-Encoding"] = cte


def _date_ja(iso: str) -> str:
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日"
