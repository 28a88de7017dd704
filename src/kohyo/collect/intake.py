"""Reading what the towns sent back: .xlsx files, and the .xlsx attachments of saved .eml mails.

Every workbook goes through the master's own safe reader (:mod:`kohyo.read.package`: size,
zip-bomb and encryption checks) and its parser, with the 一覧 cover left out. A return is
refused as a whole — and nothing of it applied — when it cannot be read, is a macro workbook,
carries no kohyo marks, carries marks that do not verify (「改変の可能性」), has no base kept,
or fails validation in a 個表 the town changed.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kohyo.check.findings import Finding
from kohyo.check.rules import validate_master
from kohyo.collect.base import Base, find_base
from kohyo.collect.fields import Value, project_fields, sheet_digest, values
from kohyo.collect.marks import Marks, MarksBroken, MarksMissing, read_marks, signature_ok
from kohyo.config import Config
from kohyo.errors import KohyoError, WorkbookError
from kohyo.files.atomic import TEMP_PREFIX
from kohyo.files.digest import file_digest
from kohyo.files.names import safe_name
from kohyo.messages import t
from kohyo.model.project import Master
from kohyo.read.master import package_limits
from kohyo.read.package import open_package
from kohyo.read.parse import parse_workbook
from kohyo.read.workbook import read_workbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MAIL_SUFFIX = ".eml"
# Rules that look across all of a master's 個表: a town's workbook holds only some of them.
CROSS_SHEET_CODES = frozenset({"merge-reference-unknown", "number-gap", "number-order"})


@dataclass(frozen=True)
class Source:
    """One returned workbook as found on disk (an attachment is saved to a temp folder)."""

    label: str  # what staff see: the file name, or 「mail.eml » attachment.xlsx」
    path: Path
    mtime: float  # the file's own (an attachment: its mail file's)
    sender: str | None = None  # the From address of the mail it came in
    digest: str = ""


@dataclass
class Returned:
    """One return read and checked; ``refusal`` says why it is refused as a whole."""

    source: Source
    marks: Marks | None = None
    base: Base | None = None
    theirs: Master | None = None
    refusal: str | None = None
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def town(self) -> str | None:
        return self.marks.town if self.marks else None

    def theirs_fields(self, config: Config) -> dict[str, dict[str, Value]]:
        assert self.theirs is not None
        return {p.sheet: values(project_fields(p, config)) for p in self.theirs.projects}


def gather(paths: list[Path], config: Config, scratch: Path) -> tuple[list[Source], list[Returned]]:
    """The workbooks in *paths* (files, folders, .eml); the unusable ones as refused returns.

    KohyoError (exit 2) for a path that does not exist.
    """
    sources: list[Source] = []
    refused: list[Returned] = []
    files: list[Path] = []
    for p in paths:
        if not p.exists():
            raise KohyoError(t("collect.input.missing", path=p), path=str(p))
        if p.is_dir():
            files += sorted(
                f for f in p.iterdir()
                if f.is_file() and f.suffix.lower() in (*WORKBOOK_SUFFIXES, MAIL_SUFFIX)
                and not f.name.startswith(("~$", TEMP_PREFIX))
            )  # fmt: skip
        else:
            files.append(p)
    for f in files:
        mtime = f.stat().st_mtime
        if f.suffix.lower() == MAIL_SUFFIX:
            found, problem = _attachments(f, mtime, config, scratch, len(sources))
            sources += found
            if problem:
                refused.append(Returned(Source(f.name, f, mtime), refusal=problem))
        elif f.suffix.lower() in WORKBOOK_SUFFIXES:
            sources.append(Source(f.name, f, mtime))
        else:
            refused.append(Returned(Source(f.name, f, mtime), refusal=t("collect.input.not_xlsx")))
    return [s if s.digest else _with_digest(s) for s in sources], refused


def _with_digest(s: Source) -> Source:
    return Source(s.label, s.path, s.mtime, s.sender, file_digest(s.path))


def _attachments(
    mail: Path, mtime: float, config: Config, scratch: Path, start: int
) -> tuple[list[Source], str | None]:
    limit = config.limits.max_file_bytes * 2  # base64 makes an attachment a third larger
    if mail.stat().st_size > limit:
        return [], t("collect.mail.too_large", size=mail.stat().st_size / 2**20)
    try:
        msg = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
    except (OSError, ValueError) as exc:
        return [], t("collect.mail.unreadable", reason=exc)
    sender = email.utils.parseaddr(str(msg.get("From", "")))[1].lower() or None
    found: list[Source] = []
    for part in msg.walk():
        name = part.get_filename()
        if not name or not name.lower().endswith(WORKBOOK_SUFFIXES):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        dest = scratch / f"{start + len(found):04d}_{safe_name(Path(name).name)}"
        dest.write_bytes(data)
        found.append(Source(f"{mail.name} » {name}", dest, mtime, sender))
    return found, None if found else t("collect.mail.no_workbook")


def read_return(
    source: Source, config: Config, key: bytes, extra: tuple[Path, ...] = ()
) -> Returned:
    """Read *source*, check its marks and its base, parse its 個表 and validate the changed ones."""
    r = Returned(source)
    limits = package_limits(config)
    try:
        with open_package(source.path, limits) as zf:
            if source.path.suffix.lower() == ".xlsm" or "xl/vbaProject.bin" in zf.NameToInfo:
                r.refusal = t("collect.refused.macro")
                return r
            r.marks = read_marks(zf, source.path)
    except WorkbookError as exc:
        r.refusal = _without_path(exc.message, source.path)
        return r
    except MarksMissing:
        r.refusal = t("collect.refused.not_kohyo")
        return r
    except (MarksBroken, zipfile.BadZipFile):
        r.refusal = t("collect.refused.tampered")
        return r
    marks = r.marks
    if not signature_ok(key, marks):
        r.refusal = t("collect.refused.tampered")
        return r
    if marks.town not in config.area.municipalities:
        r.refusal = t("collect.refused.unknown_town", town=marks.town)
        return r
    base, why = find_base(config, marks.town, marks.distribution, extra)
    if base is None:
        r.refusal = why
        return r
    signed = {s.sheet: s.digest for s in marks.sheets}
    if (
        base.town != marks.town
        or signed != {p.sheet: p.digest for p in base.projects}
        or any(sheet_digest(p.sheet, p.fields) != p.digest for p in base.projects)
    ):
        r.refusal = t("collect.refused.base_tampered", path=base.path)
        return r
    r.base = base
    try:
        grid = read_workbook(source.path, limits, without_cells=(marks.cover,))
    except WorkbookError as exc:
        r.refusal = _without_path(exc.message, source.path)
        return r
    sheets = [s for s in grid.sheets if s.name != marks.cover]
    r.theirs = parse_workbook(sheets, config, str(source.path))
    _check_sender(r, config)
    _validate(r, config, signed)
    return r


def _without_path(message: str, path: Path) -> str:
    return re.sub(rf"^{re.escape(str(path))}:\s*", "", message)


def _check_sender(r: Returned, config: Config) -> None:
    if r.source.sender is None or r.town is None:
        return
    rec = config.mail.recipients.get(r.town)
    known = {a.lower() for a in (*rec.to, *rec.cc)} if rec else set()
    if r.source.sender not in known:
        r.warnings.append(t("collect.warn.sender", sender=r.source.sender, town=r.town,
                            known=t("list.separator").join(sorted(known)) or "—"))  # fmt: skip


def _validate(r: Returned, config: Config, signed: dict[str, str]) -> None:
    """Errors in a sent 個表 the town changed refuse the return; untouched ones have none new."""
    assert r.theirs is not None
    fields = r.theirs_fields(config)
    # an added 個表 is refused by the plan; only the sent ones that changed are judged here
    changed = {s for s, f in fields.items() if s in signed and signed[s] != sheet_digest(s, f)}
    report = validate_master(r.theirs, config)
    r.findings = [
        f for f in report.findings
        if f.severity == "error" and f.sheet in changed and f.code not in CROSS_SHEET_CODES
    ]  # fmt: skip
    if r.findings:
        r.refusal = t("collect.refused.invalid", count=len(r.findings))
