"""What goes to each town: every check before delivery.

:func:`prepare` reads the distribution (through :mod:`kohyo.distribute.manifest`, which verifies
the master and each file), builds a :class:`Letter` per town — its recipients from
config and the bytes of its files — composes the :class:`EmailMessage`
(:mod:`kohyo.mail.message`), and checks
it against config (who may receive it) and the master (what it may say). Every
selected town is checked before any message exists; one problem stops them all.
Delivery (outbox, SMTP, ledger) is :mod:`kohyo.mail.send`; no network here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

from kohyo.config import Config
from kohyo.distribute.leakcheck import foreign_markers, normalise_for_search
from kohyo.distribute.manifest import (
    Manifest,
    latest_distribution,
    load_manifest,
    project_list,
    read_distributed_master,
    verified_file,
)
from kohyo.errors import KohyoError
from kohyo.mail.message import (
    Attachment,
    Letter,
    MailTemplates,
    compose,
    message_bytes,
)
from kohyo.messages import t
from kohyo.model.project import Master
from kohyo.read.normalize import nfkc

RECIPIENT_HEADERS = ("To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc")


class MailError(KohyoError):
    """Mail cannot be prepared or the server cannot be reached (exit code 2)."""


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
            t(
                "mail.wrong_area",
                folder=manifest.folder,
                area=manifest.area,
                configured=config.area.name,
            )
        )
    towns, notes = select_towns(config, manifest, towns_wanted)
    master = read_distributed_master(config, manifest)
    templates = MailTemplates(config)
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
        raise MailError(t("mail.problems", problems="\n  ".join(problems)))
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
        for partner in config.area.partners:
            if partner not in towns:
                notes.append(t("mail.town.no_files.note", town=partner))
        if not towns:
            raise MailError(t("mail.no_partner_files", folder=manifest.folder))
        return towns, notes
    chosen: set[str] = set()
    for name in wanted:
        town = nfkc(name).strip()
        if town not in config.area.municipalities:
            raise MailError(
                t(
                    "mail.town.unknown",
                    name=name,
                    known=t("list.separator").join(config.area.municipalities),
                )
            )
        if not (manifest.towns.get(town) and manifest.towns[town].files):
            raise MailError(t("mail.town.no_files", folder=manifest.folder, town=town))
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
        problems.append(t("mail.no_recipients.config", town=town))
    entry = manifest.towns[town]
    own = {p.number for p in master.projects if town in p.municipalities}
    foreign = sorted(set(entry.projects) - own)
    if foreign:
        numbers = t("list.separator").join(str(n) for n in foreign)
        problems.append(t("mail.foreign_projects", numbers=numbers, town=town))
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
        problems.append(t("mail.text_leak", town=town, projects=project_list(leaked)))
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
        raise MailError(t("mail.summary_unreadable", path=target, reason=exc)) from None


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
        problems.append(t("mail.no_recipients"))
    shown = header_recipients(msg)
    for addr in envelope + shown:
        if addr.lower() not in allowed:
            problems.append(t("mail.recipient_unknown", address=addr))
    for header in ("Bcc", "Resent-Bcc"):
        if msg.get(header) is not None:
            problems.append(t("mail.header_forbidden", header=header))
    hidden = {a.lower() for a in envelope} - {a.lower() for a in shown}
    if hidden:
        problems.append(t("mail.hidden_recipients", addresses=", ".join(sorted(hidden))))
    return sorted(set(problems))


def text_leaks(text: str, markers: Mapping[str, int | None]) -> list[int | None]:
    """Project numbers whose distinctive texts (kohyo.distribute.leakcheck.foreign_markers) occur in *text*."""
    flat = normalise_for_search(text)
    return sorted({n for marker, n in markers.items() if marker in flat}, key=lambda n: n or 0)


def check_size(letter: Letter, limit: int) -> str | None:
    total = sum(len(a.data) for a in letter.attachments)
    if total > limit:
        return t("mail.too_large", total=_size(total), limit=_size(limit))
    return None


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"
