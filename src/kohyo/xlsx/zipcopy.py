"""Zip reading and writing that keeps unchanged members bit for bit.

``ZipSource`` reads a zip held in memory and gives, for every member, its
uncompressed content and its *raw* stored form (local header, compressed
bytes, data descriptor) plus the raw central-directory record.

``write_zip`` writes a new archive: members that did not change are copied as
raw bytes (same local header, same compressed bytes, same CRC, same order);
changed or new members are deflated, or written from data deflated ahead of time
(:class:`Deflated`: one part prepared once, placed in many archives). Only the offset
field of a copied central-directory record is rewritten.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

_LOCAL_SIG = b"PK\x03\x04"
_CENTRAL_SIG = b"PK\x01\x02"
_DESCRIPTOR_SIG = b"PK\x07\x08"
_EOCD = struct.Struct("<4sHHHHIIH")
_EOCD64 = struct.Struct("<4sQHHIIQQQQ")
_EOCD64_LOCATOR = struct.Struct("<4sIQI")
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sBBBBHHHHIIIHHHHHII")
_U32 = 0xFFFFFFFF
_NEW_MEMBER_DATE = (1980, 1, 1, 0, 0, 0)


class ZipFormatError(ValueError):
    """The archive's layout is something this module will not copy safely."""


@dataclass(frozen=True)
class RawMember:
    """One member as stored: ``info`` from zipfile plus the raw byte ranges."""

    info: zipfile.ZipInfo
    raw: bytes  # local header + compressed data (+ data descriptor)
    central: bytes  # central-directory record, offset field to be patched


@dataclass(frozen=True)
class Deflated:
    """A member's content deflated ahead of time: raw deflate data, CRC-32, size."""

    data: bytes
    crc: int
    size: int


def deflate_piece(content: bytes, *, last: bool) -> bytes:
    """*content* as raw deflate data that the next piece's may follow.

    A piece that is not *last* ends on a sync flush (byte-aligned, no final block), and
    each piece is compressed on its own (no back-reference into an earlier one), so the
    concatenation of pieces is one valid deflate stream of the contents concatenated:
    the unchanging part of a member is compressed once, only the varying part each time.
    """
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    return comp.compress(content) + comp.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


class ZipSource:
    """A zip archive in memory, members in central-directory order."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self.infos = self._zip.infolist()
        self._by_name = {i.filename: i for i in self.infos}
        self._lower = {i.filename.lower(): i.filename for i in self.infos}
        self._centrals = self._read_central_records()

    @property
    def comment(self) -> bytes:
        return self._zip.comment

    def names(self) -> list[str]:
        return [i.filename for i in self.infos]

    def resolve(self, name: str) -> str | None:
        """The member name for ``name`` (part names are case-insensitive in OPC)."""
        if name in self._by_name:
            return name
        return self._lower.get(name.lower())

    def read(self, name: str) -> bytes:
        return self._zip.read(self._by_name[name])

    def raw_member(self, name: str) -> RawMember:
        info = self._by_name[name]
        start = info.header_offset
        head = self.data[start : start + _LOCAL.size]
        fields = _LOCAL.unpack(head)
        if fields[0] != _LOCAL_SIG:
            raise ZipFormatError(f"bad local header for {name!r}")
        name_len, extra_len = fields[9], fields[10]
        data_start = start + _LOCAL.size + name_len + extra_len
        end = data_start + info.compress_size
        if info.flag_bits & 0x08:
            end += self._descriptor_length(end, info, extra_len > 0)
        return RawMember(info, self.data[start:end], self._centrals[name])

    def compressed(self, name: str) -> bytes:
        """The member's stored data as it stands in the archive (deflated, for most)."""
        info = self._by_name[name]
        start = info.header_offset
        fields = _LOCAL.unpack(self.data[start : start + _LOCAL.size])
        if fields[0] != _LOCAL_SIG:
            raise ZipFormatError(f"bad local header for {name!r}")
        data_start = start + _LOCAL.size + fields[9] + fields[10]
        return self.data[data_start : data_start + info.compress_size]

    def _descriptor_length(self, pos: int, info: zipfile.ZipInfo, has_extra: bool) -> int:
        has_sig = self.data[pos : pos + 4] == _DESCRIPTOR_SIG
        base = 4 if has_sig else 0
        # A zip64 descriptor has 8-byte sizes; recognise it by its CRC+sizes fitting.
        for size_len in (4, 8) if not has_extra else (8, 4):
            fmt = "<I" + ("II" if size_len == 4 else "QQ")
            body = self.data[pos + base : pos + base + struct.calcsize(fmt)]
            if len(body) != struct.calcsize(fmt):
                continue
            crc, csize, usize = struct.unpack(fmt, body)
            if (crc, csize, usize) == (info.CRC, info.compress_size, info.file_size):
                return base + struct.calcsize(fmt)
        raise ZipFormatError(f"unrecognised data descriptor for {info.filename!r}")

    def _read_central_records(self) -> dict[str, bytes]:
        data = self.data
        eocd_at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
        if eocd_at < 0:
            raise ZipFormatError("end of central directory not found")
        count, size = _EOCD.unpack_from(data, eocd_at)[4:6]
        loc_at = eocd_at - _EOCD64_LOCATOR.size
        if loc_at >= 0 and data[loc_at : loc_at + 4] == b"PK\x06\x07":
            eocd64_at = _EOCD64_LOCATOR.unpack_from(data, loc_at)[2]
            rec = _EOCD64.unpack_from(data, eocd64_at)
            count, size = rec[7], rec[8]
            cd_end = eocd64_at
        else:
            cd_end = eocd_at
        # Data may be prepended (self-extracting archives): locate the directory from its end.
        pos = cd_end - size
        records: dict[str, bytes] = {}
        for info in self.infos:
            if data[pos : pos + 4] != _CENTRAL_SIG:
                raise ZipFormatError("bad central directory record")
            fields = _CENTRAL.unpack_from(data, pos)
            rec_len = _CENTRAL.size + fields[12] + fields[13] + fields[14]
            records[info.filename] = data[pos : pos + rec_len]
            pos += rec_len
        if len(records) != len(self.infos) or count < len(self.infos):
            raise ZipFormatError("central directory does not match its members")
        return records


def _with_offset(central: bytes, offset: int) -> bytes:
    """``central`` with its local-header offset set to ``offset`` (zip64 extra aware)."""
    fields = _CENTRAL.unpack_from(central)
    if fields[18] != _U32:
        if offset >= _U32:
            raise ZipFormatError("archive too large (member offset needs zip64)")
        return central[:42] + struct.pack("<I", offset) + central[46:]
    name_len, extra_len = fields[12], fields[13]
    extra_at = _CENTRAL.size + name_len
    extra = bytearray(central[extra_at : extra_at + extra_len])
    i = 0
    while i + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, i)
        if tag == 0x0001:
            field_at = i + 4
            field_at += 8 * sum(1 for v in (fields[11], fields[10]) if v == _U32)
            struct.pack_into("<Q", extra, field_at, offset)
            return central[:extra_at] + bytes(extra) + central[extra_at + extra_len :]
        i += 4 + length
    raise ZipFormatError("zip64 offset field missing")


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def _deflated_member(
    name: str, content: bytes, offset: int, like: zipfile.ZipInfo | None
) -> tuple[bytes, bytes]:
    """Local header + deflated data, and the central record, for a changed/new member."""
    packed = deflate_piece(content, last=True)
    return _packed_member(name, Deflated(packed, zlib.crc32(content), len(content)), offset, like)


def _packed_member(
    name: str, member: Deflated, offset: int, like: zipfile.ZipInfo | None
) -> tuple[bytes, bytes]:
    """Local header + deflated data, and the central record, for deflated content."""
    packed, crc, size = member.data, member.crc, member.size
    if max(len(packed), size, offset) >= _U32:
        raise ZipFormatError(f"member {name!r} too large (needs zip64)")
    name_bytes = name.encode("utf-8")
    flags = 0x800 if not name.isascii() else 0
    dtime, ddate = _dos_time(like.date_time if like is not None else _NEW_MEMBER_DATE)
    local = _LOCAL.pack(
        _LOCAL_SIG,
        20,
        flags,
        zipfile.ZIP_DEFLATED,
        dtime,
        ddate,
        crc,
        len(packed),
        size,
        len(name_bytes),
        0,
    )
    create_system = like.create_system if like is not None else 0
    external = like.external_attr if like is not None else 0
    internal = like.internal_attr if like is not None else 0
    central = _CENTRAL.pack(
        _CENTRAL_SIG,
        20,
        create_system,
        20,
        0,
        flags,
        zipfile.ZIP_DEFLATED,
        dtime,
        ddate,
        crc,
        len(packed),
        size,
        len(name_bytes),
        0,
        0,
        0,
        internal,
        external,
        offset,
    )
    return local + name_bytes + packed, central + name_bytes


def write_zip(
    source: ZipSource,
    changed: dict[str, bytes | None],
    added: Iterable[tuple[str, bytes]] = (),
    *,
    prepared: dict[str, Deflated] | None = None,
) -> bytes:
    """A new archive: ``source`` members in order, ``changed`` ones replaced (None = removed)
    and ``prepared`` ones replaced by content deflated ahead of time, then ``added`` members
    appended."""
    prepared = prepared or {}
    out = io.BytesIO()
    centrals: list[bytes] = []
    for info in source.infos:
        name = info.filename
        offset = out.tell()
        if name in changed:
            content = changed[name]
            if content is None:
                continue
            local, central = _deflated_member(name, content, offset, info)
            out.write(local)
            centrals.append(central)
        elif name in prepared:
            local, central = _packed_member(name, prepared[name], offset, info)
            out.write(local)
            centrals.append(central)
        else:
            member = source.raw_member(name)
            out.write(member.raw)
            centrals.append(_with_offset(member.central, offset))
    for name, content in added:
        local, central = _deflated_member(name, content, out.tell(), None)
        out.write(local)
        centrals.append(central)
    _write_directory(out, centrals, source.comment)
    return out.getvalue()


def _write_directory(out: io.BytesIO, centrals: list[bytes], comment: bytes) -> None:
    """The central directory and its end record (zip64 when it must be) after the members."""
    cd_offset = out.tell()
    for central in centrals:
        out.write(central)
    cd_size = out.tell() - cd_offset
    count = len(centrals)
    if count >= 0xFFFF or cd_offset >= _U32 or cd_size >= _U32:
        eocd64_at = out.tell()
        out.write(_EOCD64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, cd_size, cd_offset))
        out.write(_EOCD64_LOCATOR.pack(b"PK\x06\x07", 0, eocd64_at, 1))
        count16, size32, off32 = 0xFFFF, min(cd_size, _U32), min(cd_offset, _U32)
    else:
        count16, size32, off32 = count, cd_size, cd_offset
    out.write(_EOCD.pack(b"PK\x05\x06", 0, 0, count16, count16, size32, off32, len(comment)))
    out.write(comment)


def append_members(
    archive: bytes, members: Iterable[tuple[str, Deflated]], *, like: str | None = None
) -> bytes:
    """*archive* with *members* (deflated ahead of time) added after its own, which stay as
    they are, byte for byte; the new members take the dates and attributes of member *like*."""
    source = ZipSource(archive)
    model = source._by_name[like] if like is not None else None
    ends = [i.header_offset + len(source.raw_member(i.filename).raw) for i in source.infos]
    out = io.BytesIO()
    out.write(archive[: max(ends, default=0)])
    centrals = [source._centrals[i.filename] for i in source.infos]
    for name, member in members:
        local, central = _packed_member(name, member, out.tell(), model)
        out.write(local)
        centrals.append(central)
    _write_directory(out, centrals, source.comment)
    return out.getvalue()


def identical_members(before: bytes | ZipSource, after: bytes) -> set[str]:
    """Names of the members of *after* stored exactly as in *before*: the same local header
    and the same compressed bytes (so the same CRC, sizes and content), only perhaps at
    another offset. What :func:`write_zip` raw-copied comes out here; a member it rewrote
    does not, and neither does anything when either archive is not one this module reads.
    *before* may be given as the ZipSource already made of it."""
    try:
        old = before if isinstance(before, ZipSource) else ZipSource(before)
        new = ZipSource(after)
        out = set()
        for info in new.infos:
            if old.resolve(info.filename) != info.filename:
                continue
            a, b = old.raw_member(info.filename), new.raw_member(info.filename)
            if a.raw == b.raw and (a.info.CRC, a.info.file_size) == (b.info.CRC, b.info.file_size):
                out.add(info.filename)
        return out
    except (ZipFormatError, zipfile.BadZipFile, ValueError, KeyError):
        return set()
