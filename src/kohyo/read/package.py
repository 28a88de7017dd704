"""Opening an xlsx package safely: recognise what the file is, bound its size.

Everything that reads a workbook goes through :func:`open_package` first, so a
legacy .xls, an encrypted file, a .xlsb, a truncated download or a zip bomb is
refused with one clear message before any XML is parsed.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from kohyo.errors import WorkbookError
from kohyo.messages import t

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


@dataclass(frozen=True)
class PackageLimits:
    max_file_bytes: int
    max_uncompressed_bytes: int
    max_members: int
    max_compression_ratio: float


def _fail(path: Path, what: str) -> WorkbookError:
    return WorkbookError(f"{path}: {what}", path=str(path))


def sniff(path: Path) -> None:
    """Raise WorkbookError unless *path* looks like an xlsx/xlsm zip package."""
    if not path.exists():
        raise _fail(path, t("file.missing"))
    if path.is_dir():
        raise _fail(path, t("file.is_dir"))
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            if head.startswith(OLE2_MAGIC):
                body = fh.read(2**20)
                if any(m in body for m in ENCRYPTED_MARKERS):
                    raise _fail(path, t("file.encrypted"))
                raise _fail(path, t("file.xls"))
    except PermissionError:
        raise _fail(path, t("file.no_permission")) from None
    except OSError as exc:
        if isinstance(exc, WorkbookError):
            raise
        raise _fail(path, t("file.unreadable", reason=exc.strerror)) from None
    if not head:
        raise _fail(path, t("file.empty"))
    if not head.startswith(ZIP_MAGIC):
        raise _fail(path, t("file.not_xlsx"))


def open_package(path: str | Path, limits: PackageLimits) -> zipfile.ZipFile:
    """Open *path* as a zip after sniffing it and checking the declared sizes."""
    p = Path(path)
    sniff(p)
    size = p.stat().st_size
    if size > limits.max_file_bytes:
        raise _fail(p, t("file.too_large", size=size / 2**20, limit=limits.max_file_bytes / 2**20))
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise _fail(p, t("file.bad_zip")) from None
    try:
        _check_members(p, zf, limits)
    except BaseException:
        zf.close()
        raise
    return zf


def _check_members(p: Path, zf: zipfile.ZipFile, limits: PackageLimits) -> None:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise _fail(p, t("package.too_many_parts", count=len(infos), limit=limits.max_members))
    total = 0
    names = set()
    for info in infos:
        names.add(info.filename)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        # Small parts legitimately compress very well; only large ones are suspect.
        if ratio > limits.max_compression_ratio and info.file_size > 2**20:
            raise _fail(
                p,
                t("package.ratio", part=info.filename, ratio=ratio),
            )
        if info.flag_bits & 0x1:
            raise _fail(p, t("package.encrypted_zip"))
    if total > limits.max_uncompressed_bytes:
        raise _fail(
            p,
            t(
                "package.too_large",
                size=total / 2**20,
                limit=limits.max_uncompressed_bytes / 2**20,
            ),
        )
    if "xl/workbook.bin" in names:
        raise _fail(p, t("file.xlsb"))
    if "[Content_Types].xml" not in names:
        raise _fail(p, t("file.no_content_types"))


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def read_xml(zf: zipfile.ZipFile, name: str, path: Path) -> etree._Element:
    """Parse one small part (workbook, rels, shared strings...) with entities off."""
    data = read_part(zf, name, path)
    return parse_xml_bytes(data, name, path)


_CHUNK = 2**20


def read_part(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """The bytes of one part, never more than its declared size.

    ``zf.read`` inflates a member in one call whatever its header says, so a part
    that claims 4 KB can still inflate to gigabytes before being cut. Read in chunks,
    zipfile stops inflating at the declared size (which open_package has bounded)
    and its CRC check then rejects the part.
    """
    try:
        chunks: list[bytes] = []
        with zf.open(zf.getinfo(name)) as fh:
            while chunk := fh.read(_CHUNK):
                chunks.append(chunk)
        return b"".join(chunks)
    except KeyError:
        raise _fail(path, t("package.part_missing", part=name)) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise _fail(path, t("package.part_unreadable", part=name, reason=exc)) from None
    except NotImplementedError:
        raise _fail(path, t("package.part_compression", part=name)) from None


def parse_xml_bytes(data: bytes, name: str, path: Path) -> etree._Element:
    reject_doctype(data, name, path)
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise _fail(path, t("package.bad_xml", part=name, reason=exc)) from None


_DTD_MARKERS = tuple(
    m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be")
)


def reject_doctype(data: bytes, name: str, path: Path) -> None:
    """Office never writes a DOCTYPE; one is an entity-expansion or XXE attempt.

    The whole part is scanned: white space or comments may push the DOCTYPE past
    any fixed prefix, and a UTF-16 part spells it with NUL bytes in between.
    """
    if any(m in data for m in _DTD_MARKERS):
        raise _fail(path, t("package.doctype", part=name))
