"""What goes to each town: the message composed from templates, and every check before delivery.

:func:`prepare` reads the distribution (through :mod:`kohyo.manifest`, which verifies
the master and each file), builds a :class:`Letter` per town — its recipients from
config and the bytes of its files — composes the :class:`EmailMessage`, and checks
it against config (who may receive it) and the master (what it may say). Every
selected town is checked before any message exists; one problem stops them all.
Delivery (outbox, SMTP, ledger) is :mod:`kohyo.sendmail`; no network here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email import policy as email_policy
from email.header import Header
from email.message import EmailMessage
from email.utils import encode_rfc2231, format_datetime, getaddresses, make_msgid, parseaddr
from pathlib import Path

import jinja2

from . import __version__
from .config import Config
from .errors import ConfigError, KohyoError
from .leakcheck import foreign_markers
from .manifest import (
    Manifest,
    latest_distribution,
    load_manifest,
    project_list,
    read_distributed_master,
    verified_file,
)
from .model import Master
from .normalize import nfkc

MIME_TYPES: dict[str, tuple[str, str]] = {
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ("application", "pdf"),
}

WIRE_POLICY = email_policy.SMTP.clone(refold_source="none")
"""CRLF lines; headers kohyo sets verbatim (the attachment names) are not re-folded."""

RECIPIENT_HEADERS = ("To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc")
_MAX_HEADER_LINE = 998  # RFC 5322 §2.1.1
_HONORIFIC = {"市": "貴市", "町": "貴町", "村": "貴村"}


class MailError(KohyoError):
    """Mail cannot be prepared or the server cannot be reached (exit code 2)."""


@dataclass(frozen=True)
class Attachment:
    name: str
    kind: str  # a key of MIME_TYPES
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


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
    """``subject.j2`` and ``body.j2`` from one folder, rendered strictly (a typo is an error)."""

    def __init__(self, folder: Path) -> None:
        for name in ("subject.j2", "body.j2"):
            if not (folder / name).is_file():
                raise ConfigError(
                    f"メールのテンプレート {folder / name} がありません", path=str(folder)
                )
        self.folder = folder
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folder, encoding="utf-8"),
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
                f"メールのテンプレート {self.folder / name} の {exc.lineno} 行目に誤りがあります: {exc.message}",
                path=str(self.folder / name),
            ) from None
        except jinja2.TemplateError as exc:
            raise ConfigError(
                f"メールのテンプレート {self.folder / name} を差し込みできません: {exc}",
                path=str(self.folder / name),
            ) from None


def template_folder(config: Config) -> Path:
    """``templates/mail`` beside config.toml if an area keeps its own, else the repository's."""
    candidates = [
        config.base_dir / "templates" / "mail",
        Path(__file__).resolve().parents[2] / "templates" / "mail",
    ]
    for folder in candidates:
        if (folder / "body.j2").is_file():
            return folder
    raise ConfigError(
        f"メールのテンプレート（templates/mail/subject.j2, body.j2）が見つかりません: {candidates[0]}",
        path=str(candidates[0]),
    )


def envelope_sender(config: Config) -> str:
    address = parseaddr(config.mail.sender)[1]
    if "@" not in address:
        raise ConfigError(
            f"設定ファイル {config.path} の mail.sender に差出人のメールアドレスを指定してください"
            f"（{config.mail.sender!r}）",
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
        raise ConfigError(f"件名が空になりました（{templates.folder / 'subject.j2'}）")
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


@dataclass(frozen=True)
class Outgoing:
    """One town's message, checked and ready."""

    letter: Letter
    message: EmailMessage
    data: bytes
    already_sent: bool


# --- preparing every town's message ----------------------------------------------------


def prepare(
    config: Config,
    folder: Path | None,
    towns_wanted: tuple[str, ...],
    summary: Path | None,
    sent_keys: set[tuple[str, frozenset[str]]],
) -> tuple[Manifest, list[Outgoing], list[str]]:
    """Every selected town's message, checked; MailError listing every problem found.

    *folder* defaults to the newest distribution, *towns_wanted* to every partner town;
    *sent_keys* are (town, attachment sha256s) already sent, from the ledger.
    """
    manifest = load_manifest(folder or latest_distribution(config))
    if nfkc(manifest.area).strip() != nfkc(config.area.name).strip():
        raise MailError(
            f"配布フォルダー {manifest.folder} は「{manifest.area}」のものです"
            f"（設定は「{config.area.name}」）。--config か --dir を確かめてください。"
        )
    towns, notes = select_towns(config, manifest, towns_wanted)
    master = read_distributed_master(config, manifest)
    templates = MailTemplates(template_folder(config))
    outgoing: list[Outgoing] = []
    problems: list[str] = []
    for town in towns:
        item, town_problems = prepare_town(
            config, manifest, master, town, templates, _summary_for(summary, town), sent_keys
        )
        problems += [f"{town}: {p}" for p in town_problems]
        if item is not None:
            outgoing.append(item)
    if problems:
        raise MailError(
            "確認で問題が見つかったため、どのメールも作成・送信していません。\n  "
            + "\n  ".join(problems)
        )
    return manifest, outgoing, notes


def select_towns(
    config: Config, manifest: Manifest, wanted: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """The towns to mail in config order, and notes about partner towns left out."""
    notes: list[str] = []
    if not wanted:
        towns = [
            t for t in config.area.partners if manifest.towns.get(t) and manifest.towns[t].files
        ]
        for t in config.area.partners:
            if t not in towns:
                notes.append(f"{t}: 配布フォルダーにファイルがないため送りません")
        if not towns:
            raise MailError(f"配布フォルダー {manifest.folder} に連携町村のファイルがありません")
        return towns, notes
    chosen: set[str] = set()
    for name in wanted:
        town = nfkc(name).strip()
        if town not in config.area.municipalities:
            raise MailError(
                f"--town「{name}」は config.toml の area.municipalities にありません"
                f"（{'、'.join(config.area.municipalities)}）"
            )
        if not (manifest.towns.get(town) and manifest.towns[town].files):
            raise MailError(f"配布フォルダー {manifest.folder} に {town} のファイルがありません")
        chosen.add(town)
    return [t for t in config.area.municipalities if t in chosen], notes


def prepare_town(
    config: Config,
    manifest: Manifest,
    master: Master,
    town: str,
    templates: MailTemplates,
    summary: str | None,
    sent_keys: set[tuple[str, frozenset[str]]],
) -> tuple[Outgoing | None, list[str]]:
    problems: list[str] = []
    rec = config.mail.recipients.get(town)
    if rec is None or not rec.to:
        problems.append(f'config.toml の [mail.recipients."{town}"] に宛先（to）がありません')
    entry = manifest.towns[town]
    own = {p.number for p in master.projects if town in p.municipalities}
    foreign = sorted(set(entry.projects) - own)
    if foreign:
        numbers = "、".join(str(n) for n in foreign)
        problems.append(f"manifest の事業番号 {numbers} は {town} が関係する事業ではありません")
    attachments: list[Attachment] = []
    for f in entry.files:
        data, problem = verified_file(manifest, f, master, town)
        if problem:
            problems.append(problem)
        elif data is not None:
            attachments.append(Attachment(f.name, f.kind, data))
    if problems or rec is None:
        return None, problems
    letter = Letter(town, rec.to, rec.cc, tuple(attachments), entry.projects, manifest.date)
    too_big = check_size(letter, config.mail.max_attachment_bytes)
    if too_big:
        problems.append(too_big)
    message = compose(config, letter, templates, summary=summary)
    problems += address_problems(message, letter.envelope, configured_recipients(config, town))
    text = f"{message['Subject']}\n{message.get_body(('plain',)).get_content()}"  # type: ignore[union-attr]
    leaked = text_leaks(text, foreign_markers(master, town))
    if leaked:
        problems.append(
            f"件名・本文（変更の概要など）に {town} が関係しない事業{project_list(leaked)}の内容があります"
        )
    if problems:
        return None, problems
    key = (town, frozenset(a.sha256 for a in attachments))
    return Outgoing(letter, message, message_bytes(message), key in sent_keys), []


def _summary_for(path: Path | None, town: str) -> str | None:
    """The change overview for *town*: one file for every town, or <folder>/<town>.txt."""
    if path is None:
        return None
    target = path / f"{town}.txt" if path.is_dir() else path
    if path.is_dir() and not target.exists():
        return None
    try:
        return target.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MailError(
            f"変更の概要 {target} を UTF-8 のテキストとして読めません（{exc}）"
        ) from None


# --- guards -----------------------------------------------------------------------------


def configured_recipients(config: Config, town: str) -> frozenset[str]:
    """The addresses config allows for *town* (to + cc), lower-cased for comparison."""
    rec = config.mail.recipients.get(town)
    if rec is None:
        return frozenset()
    return frozenset(a.lower() for a in rec.to + rec.cc)


def header_recipients(msg: EmailMessage) -> list[str]:
    values = [str(v) for h in RECIPIENT_HEADERS for v in msg.get_all(h, [])]
    return [addr for _, addr in getaddresses(values)]


def address_problems(
    msg: EmailMessage, envelope: Iterable[str], allowed: frozenset[str]
) -> list[str]:
    """Every way *msg* or its *envelope* would reach someone config does not name for the town."""
    problems: list[str] = []
    envelope = list(envelope)
    if not envelope:
        problems.append("宛先がありません")
    shown = header_recipients(msg)
    for addr in envelope + shown:
        if addr.lower() not in allowed:
            problems.append(f"設定にない宛先 {addr} が含まれています")
    for header in ("Bcc", "Resent-Bcc"):
        if msg.get(header) is not None:
            problems.append(f"{header} は使いません")
    hidden = {a.lower() for a in envelope} - {a.lower() for a in shown}
    if hidden:
        problems.append(f"ヘッダーにない宛先に送ろうとしています: {', '.join(sorted(hidden))}")
    return sorted(set(problems))


def text_leaks(text: str, markers: Mapping[str, int | None]) -> list[int | None]:
    """Project numbers whose distinctive texts (kohyo.leakcheck.foreign_markers) occur in *text*."""
    flat = re.sub(r"\s+", "", nfkc(text))
    return sorted({n for marker, n in markers.items() if marker in flat}, key=lambda n: n or 0)


def check_size(letter: Letter, limit: int) -> str | None:
    total = sum(len(a.data) for a in letter.attachments)
    if total > limit:
        return (
            f"添付ファイルの合計 {_size(total)} が上限 {_size(limit)} を超えています"
            "（config.toml の mail.max_attachment_mb）"
        )
    return None


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


def _date_ja(iso: str) -> str:
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日"
