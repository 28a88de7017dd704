"""The marks on a town's workbook: whom it is for, what was sent, signed by the central city.

Stored as custom document properties (``docProps/custom.xml``) — no formula, no macro, nothing
a town sees in its sheets; Excel, LibreOffice and openpyxl keep them when they save:

- ``kohyo.town``, ``kohyo.distribution`` (``<date>-<first 12 hex of the master's sha256>``),
  ``kohyo.cover`` (the 一覧 sheet's name),
- ``kohyo.sheet.001`` …: ``<sha256 of the 個表 as sent> <sheet name>``, one per 個表 in order,
- ``kohyo.signature``: HMAC-SHA256 over all of the above, with the key in
  ``.kohyo-collect.key`` beside config.toml (made on first use, mode 0600, never distributed).

A town cannot re-target its file to another town, claim another distribution or forge a base:
the signature would not match. The key makes the marks deterministic for the same master, date
and key, so a town's file stays byte-identical when distributed again.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kohyo.collect.fields import canonical_json
from kohyo.config import Config
from kohyo.errors import ConfigError
from kohyo.messages import t
from kohyo.read.package import parse_xml_bytes, read_part

PREFIX = "kohyo."
CUSTOM_PART = "docProps/custom.xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_KEY_BYTES = 32


@dataclass(frozen=True)
class SentSheet:
    sheet: str
    digest: str


@dataclass(frozen=True)
class Marks:
    town: str
    distribution: str
    cover: str
    sheets: tuple[SentSheet, ...]
    signature: str

    def payload(self) -> bytes:
        return canonical_json({
            "town": self.town,
            "distribution": self.distribution,
            "cover": self.cover,
            "sheets": [[s.sheet, s.digest] for s in self.sheets],
        })  # fmt: skip

    def properties(self) -> list[tuple[str, str]]:
        """The custom document properties, in the order they are written."""
        props = [
            (PREFIX + "town", self.town),
            (PREFIX + "distribution", self.distribution),
            (PREFIX + "cover", self.cover),
        ]
        props += [(f"{PREFIX}sheet.{i:03d}", f"{s.digest} {s.sheet}")
                  for i, s in enumerate(self.sheets, 1)]  # fmt: skip
        return [*props, (PREFIX + "signature", self.signature)]


def key_path(config: Config) -> Path:
    return config.base_dir / config.collect.key_file


def load_key(config: Config, *, create: bool) -> bytes | None:
    """The central city's signing key; made (0600) on first use when *create*, else None."""
    path = key_path(config)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not create:
            return None
        return _create_key(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            t("collect.key.unreadable", path=path, reason=exc), path=str(path)
        ) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise ConfigError(t("collect.key.bad", path=path), path=str(path))
    return key


def _create_key(path: Path) -> bytes:
    key = secrets.token_bytes(_KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another run made it a moment ago
        return load_key_file(path)
    except OSError as exc:
        raise ConfigError(t("collect.key.cannot_create", path=path, reason=exc.strerror),
                          path=str(path)) from None  # fmt: skip
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
        f.flush()
        with contextlib.suppress(OSError):
            os.fsync(f.fileno())
    return key


def load_key_file(path: Path) -> bytes:
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def distribution_id(issued: date, master_sha256: str) -> str:
    return f"{issued.isoformat()}-{master_sha256[:12]}"


def sign(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, "sha256").hexdigest()


def make_marks(
    key: bytes, town: str, distribution: str, cover: str, sheets: list[SentSheet]
) -> Marks:
    unsigned = Marks(town, distribution, cover, tuple(sheets), "")
    return Marks(town, distribution, cover, tuple(sheets), sign(key, unsigned.payload()))


def signature_ok(key: bytes, marks: Marks) -> bool:
    return hmac.compare_digest(sign(key, marks.payload()), marks.signature)


class MarksMissing(Exception):
    """The workbook carries no kohyo marks (not a kohyo distribution)."""


class MarksBroken(Exception):
    """The marks are there but do not make sense (edited by hand)."""


def read_marks(zf: zipfile.ZipFile, path: Path) -> Marks:
    """The marks of an opened package; MarksMissing or MarksBroken."""
    if CUSTOM_PART not in zf.NameToInfo:
        raise MarksMissing
    root = parse_xml_bytes(read_part(zf, CUSTOM_PART, path), CUSTOM_PART, path)
    props: dict[str, str] = {}
    for el in root.iter(f"{{{_CUSTOM_NS}}}property"):
        name = el.get("name") or ""
        if name.startswith(PREFIX):
            props[name] = "".join(el.itertext())
    if PREFIX + "town" not in props:
        raise MarksMissing
    try:
        sheets = []
        numbered = [k for k in props if k.startswith(PREFIX + "sheet.")]
        for name in sorted(numbered, key=lambda k: int(k.rsplit(".", 1)[1])):
            digest, _, sheet = props[name].partition(" ")
            sheets.append(SentSheet(sheet, digest))
        return Marks(
            props[PREFIX + "town"],
            props[PREFIX + "distribution"],
            props[PREFIX + "cover"],
            tuple(sheets),
            props[PREFIX + "signature"],
        )
    except (KeyError, ValueError):
        raise MarksBroken from None
