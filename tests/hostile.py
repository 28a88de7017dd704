"""Building broken and hostile xlsx packages for the reader's hardening tests and the fuzzer.

Two levels: *members* (name, content) re-zipped with zipfile, so CRCs and sizes are right
and only the content is hostile; and *raw* edits of the zip bytes (a flipped CRC, a
corrupt deflate stream, an unknown compression method), which zipfile would never write.
"""

from __future__ import annotations

import io
import random
import re
import struct
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

Members = list[tuple[str, bytes]]

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")


def read_members(path: Path) -> Members:
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def write_members(path: Path, members: Members, *, compress: bool = True) -> Path:
    with path.open("wb") as fh:
        write_members_to(fh, members, compress=compress)
    return path


def write_members_to(out: BinaryIO, members: Members, *, compress: bool = True) -> None:
    """Zip *members* in order; a name may occur twice (zipfile warns, then writes it)."""
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": that is the point
        with zipfile.ZipFile(out, "w", method) as zf:
            for name, data in members:
                zf.writestr(name, data)


def edit_member(path: Path, name: str, edit: Callable[[bytes], bytes], dest: Path) -> Path:
    return write_members(dest, [(n, edit(d) if n == name else d) for n, d in read_members(path)])


def add_member(path: Path, name: str, data: bytes, dest: Path) -> Path:
    return write_members(dest, [*read_members(path), (name, data)])


# --------------------------------------------------------------------------- raw zip edits


def _headers(data: bytes, name: str) -> tuple[int, int]:
    """Offsets of the local header and the central-directory record of member *name*."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        local = zf.getinfo(name).header_offset
    eocd = data.rfind(b"PK\x05\x06")
    pos = struct.unpack_from("<L", data, eocd + 16)[0]
    while data[pos : pos + 4] == b"PK\x01\x02":
        fields = _CENTRAL.unpack_from(data, pos)
        n_len, e_len, c_len = fields[10], fields[11], fields[12]
        if data[pos + 46 : pos + 46 + n_len].decode("utf-8", "replace") == name:
            return local, pos
        pos += 46 + n_len + e_len + c_len
    raise KeyError(name)


def _data_start(data: bytes, local: int) -> int:
    fields = _LOCAL.unpack_from(data, local)
    return local + _LOCAL.size + fields[9] + fields[10]


def flip_crc(path: Path, name: str, dest: Path) -> Path:
    """The member's stored CRC no longer matches its (intact) content."""
    data = bytearray(path.read_bytes())
    local, central = _headers(bytes(data), name)
    for at in (local + 14, central + 16):
        struct.pack_into("<L", data, at, struct.unpack_from("<L", data, at)[0] ^ 0x5A5A5A5A)
    dest.write_bytes(bytes(data))
    return dest


def corrupt_stream(path: Path, name: str, dest: Path, *, at: int = 2, width: int = 24) -> Path:
    """Garble the member's deflate stream itself (zlib fails, or the CRC does)."""
    data = bytearray(path.read_bytes())
    local, _ = _headers(bytes(data), name)
    start = _data_start(bytes(data), local) + at
    for i in range(start, start + width):
        data[i] ^= 0xA5
    dest.write_bytes(bytes(data))
    return dest


def set_method(path: Path, name: str, method: int, dest: Path) -> Path:
    """Claim an unknown compression method (99: AES, which zipfile cannot read)."""
    data = bytearray(path.read_bytes())
    local, central = _headers(bytes(data), name)
    struct.pack_into("<H", data, local + 8, method)
    struct.pack_into("<H", data, central + 10, method)
    dest.write_bytes(bytes(data))
    return dest


def set_extract_version(path: Path, name: str, version: int, dest: Path) -> Path:
    """Claim the member needs a newer zip version to extract (zipfile: NotImplementedError)."""
    data = bytearray(path.read_bytes())
    local, central = _headers(bytes(data), name)
    struct.pack_into("<H", data, local + 4, version)
    struct.pack_into("<H", data, central + 6, version)
    dest.write_bytes(bytes(data))
    return dest


# --------------------------------------------------------------------------- content edits

XML_DECL = re.compile(rb"^<\?xml[^>]*\?>")


def reencode(data: bytes, encoding: str, *, declare: str | None = None, bom: bool = True) -> bytes:
    """The XML part *data* (UTF-8) in another encoding, its declaration saying *declare*."""
    text = data.decode("utf-8")
    decl = f'<?xml version="1.0" encoding="{declare or encoding.upper()}" standalone="yes"?>'
    text = re.sub(r"^<\?xml[^>]*\?>", decl, text) if text.startswith("<?xml") else decl + text
    if encoding.lower() == "utf-7":
        return text.encode("utf-7")
    if encoding.lower() in ("utf-16", "utf-32") and not bom:
        return text.encode(encoding.lower() + "-le")
    return text.encode(encoding, errors="xmlcharrefreplace")


def with_doctype(data: bytes, doctype: bytes = b'<!DOCTYPE x [<!ENTITY e "boom">]>') -> bytes:
    """*data* with a DOCTYPE after its declaration (or at its start)."""
    m = XML_DECL.match(data)
    return data[: m.end()] + doctype + data[m.end() :] if m else doctype + data


def set_cell_value(sheet_xml: bytes, ref: str, value: bytes) -> bytes:
    """Replace the cached value of cell *ref* by the number text *value* (type dropped)."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(/>|>.*?</c>)', re.S)
    m = pattern.search(sheet_xml)
    assert m, f"no cell {ref}"
    attrs = re.sub(rb'\st="[^"]*"', b"", m.group(1))
    return (
        sheet_xml[: m.start()]
        + b'<c r="%s"%s><v>%s</v></c>'
        % (
            ref.encode(),
            attrs,
            value,
        )
        + sheet_xml[m.end() :]
    )


# --------------------------------------------------------------------------- big files

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PNS = "http://schemas.openxmlformats.org/package/2006/relationships"


def big_workbook(dest: Path, sheets: int, rows: int, cols: int, seed: int = 0) -> Path:
    """*sheets* sheets of rows x cols random numbers, written by hand in a few seconds.

    Random values keep the compression ratio as in a real file (the zip-bomb check
    refuses parts that compress too well) and defeat the reader's memo of repeated values.
    """
    rng = random.Random(seed)
    ws_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    wb_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ws_ct}"/>'
        for i in range(1, sheets + 1)
    )
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{wb_ct}"/>{overrides}</Types>'
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PNS}">'
        f'<Relationship Id="rId1" Type="{_RNS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    sheet_list = "".join(
        f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1)
    )
    wb = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_RNS}">'
        f"<sheets>{sheet_list}</sheets></workbook>"
    )
    wb_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PNS}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_RNS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, sheets + 1)
        )
        + "</Relationships>"
    )
    letters = [chr(65 + c) for c in range(cols)]
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.xml", wb)
        zf.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        for i in range(1, sheets + 1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                fh.write(
                    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">'.encode()
                )
                fh.write(b"<sheetData>")
                for r in range(1, rows + 1):
                    cells = "".join(
                        f'<c r="{c}{r}"><v>{rng.randrange(10**9)}</v></c>' for c in letters
                    )
                    fh.write(f'<row r="{r}">{cells}</row>'.encode())
                fh.write(b"</sheetData></worksheet>")
    return dest
