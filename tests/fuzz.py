"""A seeded mutation fuzzer for xlsx packages: ``mutant(seed_file, rng) -> (bytes, label)``.

Mutations work on two levels, like :mod:`hostile`: on the members (then re-zipped, so the
CRCs are right and only content or structure is hostile) and on the raw zip bytes (CRCs,
compressed streams and headers left inconsistent). Every choice comes from *rng*, so a
(seed file, seed) pair names a mutant for good.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import struct
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import hostile

Members = list[tuple[str, bytes]]

TOKENS = [
    b"<", b">", b"&", b"&amp;", b"&e;", b"&#0;", b"&#1;", b"&#xD800;", b"]]>", b"<![CDATA[",
    b"\x00", b"\xff", b"\xc3", b'"', b"'", b"</row>", b"<row>", b"<c>", b"</c>", b"<v>", b"</v>",
    b'r="A0"', b'r="XFE1048577"', b'r="ZZZZ1"', b'r="A99999999999"', b't="s"', b't="e"',
    b'<!DOCTYPE x [<!ENTITY e "boom">]>', b"<?pi x?>", b"<!-- -->", b"\xef\xbb\xbf",
]  # fmt: skip

NUMBERS = [
    b"9" * 400, b"-" + b"9" * 400, b"9" * 5000, b"1e400", b"-1e400", b"1e-400", b"NaN",
    b"inf", b"-0", b"0x10", b"1_000", b"1.5e308", b"", b" ", b"\xef\xbc\x91\xef\xbc\x92",
    b"99999999999999999999", b"4.9e-324", b"1" + b"0" * 15,
]  # fmt: skip

TEXTS = [
    "\u202e事業名\u202c", "\u200f\u200e\u2066", "a" * 100_000, "あ" * 40_000, "\U0001f600" * 1000,
    "_x0000_", "_x001F_", "事業名", "計", "—", "\t\n\r", "\ufeff", "NO.99999999999999に統合",
]  # fmt: skip

RAW_TEXTS = [b"\x01", b"\x1b[31m", b"&#1;", b"&#x1F600;", b"&undefined;", b"<b>", b"\xed\xa0\x80"]

ENCODINGS: list[dict[str, object]] = [
    {"encoding": "utf-16"},
    {"encoding": "utf-16", "bom": False},
    {"encoding": "utf-32"},
    {"encoding": "utf-32", "bom": False},
    {"encoding": "utf-7"},
    {"encoding": "latin-1", "declare": "ISO-8859-1"},
    {"encoding": "utf-8", "declare": "UTF-16"},
    {"encoding": "utf-8", "declare": "Shift_JIS"},
]


def _xml_members(members: Members) -> list[int]:
    return [i for i, (n, _) in enumerate(members) if n.lower().endswith((".xml", ".rels"))]


def _pick(rng: random.Random, members: Members, xml_only: bool = False) -> int:
    pool = _xml_members(members) if xml_only else list(range(len(members)))
    return rng.choice(pool or list(range(len(members))))


def _replace(members: Members, i: int, data: bytes, name: str | None = None) -> Members:
    out = list(members)
    out[i] = (name or out[i][0], data)
    return out


# --------------------------------------------------------------------------- member mutations


def flip(rng: random.Random, members: Members) -> tuple[Members, str]:
    i = _pick(rng, members)
    data = bytearray(members[i][1])
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return _replace(members, i, bytes(data)), f"flip {members[i][0]}"


def insert(rng: random.Random, members: Members) -> tuple[Members, str]:
    i = _pick(rng, members, xml_only=True)
    data = members[i][1]
    at = rng.randrange(len(data) + 1)
    token = rng.choice(TOKENS) if rng.random() < 0.8 else rng.randbytes(rng.randint(1, 16))
    return _replace(
        members, i, data[:at] + token + data[at:]
    ), f"insert {token[:20]!r} {members[i][0]}"


def delete(rng: random.Random, members: Members) -> tuple[Members, str]:
    i = _pick(rng, members, xml_only=True)
    data = members[i][1]
    at = rng.randrange(len(data) + 1)
    width = rng.choice([1, 2, 8, 64, len(data)])
    return _replace(members, i, data[:at] + data[at + width :]), f"delete {members[i][0]}"


def drop(rng: random.Random, members: Members) -> tuple[Members, str]:
    i = _pick(rng, members)
    return members[:i] + members[i + 1 :], f"drop {members[i][0]}"


def duplicate(rng: random.Random, members: Members) -> tuple[Members, str]:
    i = _pick(rng, members)
    name, data = members[i]
    if rng.random() < 0.3:
        name = name.upper() if rng.random() < 0.5 else name.swapcase()
    if rng.random() < 0.5:
        data = data[: len(data) // 2]
    at = rng.randrange(len(members) + 1)
    return [*members[:at], (name, data), *members[at:]], f"duplicate {name}"


def swap(rng: random.Random, members: Members) -> tuple[Members, str]:
    i, j = rng.sample(range(len(members)), 2)
    out = list(members)
    out[i], out[j] = (out[i][0], out[j][1]), (out[j][0], out[i][1])
    return out, f"swap {members[i][0]} {members[j][0]}"


def rename(rng: random.Random, members: Members) -> tuple[Members, str]:
    i = _pick(rng, members)
    name = members[i][0]
    new = rng.choice([name.upper(), "/" + name, name + " ", name.replace("/", "\\"), "../" + name])
    return _replace(members, i, members[i][1], new), f"rename {name} -> {new}"


_CELL_V = re.compile(
    rb'(<c\b[^>]*?)( t="[^"]*")?([^>/]*>)((?:<f[^>]*>[^<]*</f>|<f[^>]*/>)?<v>)([^<]*)(</v>)'
)


def cell_value(rng: random.Random, members: Members) -> tuple[Members, str]:
    """A hostile number as a cell's value; half the time its type goes too, so that a
    shared string or text cell becomes a number."""
    sheets = [i for i, (n, _) in enumerate(members) if "worksheets/sheet" in n]
    if not sheets:
        return flip(rng, members)
    i = rng.choice(sheets)
    data = members[i][1]
    cells = list(_CELL_V.finditer(data))
    if not cells:
        return flip(rng, members)
    m = rng.choice(cells)
    value = rng.choice(NUMBERS)
    kind = m.group(2) if rng.random() < 0.5 else b""
    new = m.group(1) + (kind or b"") + m.group(3) + m.group(4) + value + m.group(6)
    return _replace(members, i, data[: m.start()] + new + data[m.end() :]), (
        f"value {value[:12]!r} {members[i][0]}"
    )


def cell_text(rng: random.Random, members: Members) -> tuple[Members, str]:
    parts = [i for i, (n, _) in enumerate(members) if n.endswith("sharedStrings.xml")]
    if not parts:
        return cell_value(rng, members)
    i = parts[0]
    data = members[i][1]
    texts = list(re.finditer(rb"<t(?: [^>]*)?>([^<]*)</t>", data))
    if not texts:
        return flip(rng, members)
    m = rng.choice(texts)
    if rng.random() < 0.7:
        text = rng.choice(TEXTS)
        new = text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8", "surrogatepass")
    else:
        new = rng.choice(RAW_TEXTS)
    return _replace(members, i, data[: m.start(1)] + new + data[m.end(1) :]), (f"text {new[:12]!r}")


def encoding(rng: random.Random, members: Members) -> tuple[Members, str]:
    i = _pick(rng, members, xml_only=True)
    how = rng.choice(ENCODINGS)
    try:
        data = hostile.reencode(members[i][1], **how)  # type: ignore[arg-type]
    except UnicodeDecodeError:
        return flip(rng, members)
    return _replace(members, i, data), f"encoding {how} {members[i][0]}"


def doctype(rng: random.Random, members: Members) -> tuple[Members, str]:
    i = _pick(rng, members, xml_only=True)
    dtd = rng.choice(
        [
            b'<!DOCTYPE x [<!ENTITY e "boom">]>',
            b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">',
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
            b"<!DOCTYPE x>",
        ]
    )
    data = hostile.with_doctype(members[i][1], dtd)
    if rng.random() < 0.3:
        with contextlib.suppress(UnicodeDecodeError):
            data = hostile.reencode(data, "utf-16")
    return _replace(members, i, data), f"doctype {members[i][0]}"


MEMBER_MUTATIONS: list[Callable[[random.Random, Members], tuple[Members, str]]] = [
    flip, insert, delete, drop, duplicate, swap, rename, cell_value, cell_value, cell_text,
    cell_text, encoding, doctype,
]  # fmt: skip


# --------------------------------------------------------------------------- raw mutations


def raw_flip(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out), "raw flip"


def truncate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    at = rng.randrange(1, len(data))
    return data[:at], f"truncate at {at}"


RAW_MUTATIONS = [raw_flip, truncate]


def _raw_member_edit(rng: random.Random, data: bytes, members: Members) -> tuple[bytes, str]:
    """A CRC, stream or method edit of one member (helpers in :mod:`hostile` work on files)."""
    name = members[_pick(rng, members)][0]
    how = rng.choice(["crc", "stream", "method", "version"])
    with tempfile.TemporaryDirectory() as tmp:
        src, dest = Path(tmp) / "a.xlsx", Path(tmp) / "b.xlsx"
        src.write_bytes(data)
        try:
            _edit_raw(rng, how, src, name, dest)
        except (KeyError, ValueError, struct.error, zipfile.BadZipFile):  # a name it cannot find
            return raw_flip(rng, data)
        return dest.read_bytes(), f"{how} {name}"


def _edit_raw(rng: random.Random, how: str, src: Path, name: str, dest: Path) -> None:
    if how == "crc":
        hostile.flip_crc(src, name, dest)
    elif how == "stream":
        hostile.corrupt_stream(src, name, dest, at=rng.randrange(0, 8), width=rng.randint(1, 32))
    elif how == "method":
        hostile.set_method(src, name, rng.choice([1, 6, 9, 12, 14, 98, 99]), dest)
    else:
        hostile.set_extract_version(src, name, rng.choice([45, 63, 64, 99]), dest)


SEMANTIC_MUTATIONS = [cell_value, cell_text]


def mutant(seed_file: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One mutant of the package *seed_file*. A third only change cell values and texts
    (the file stays readable: parsing, validation and refresh's writing are reached); the
    rest take 1-3 mutations of any member, or a raw edit of the zip bytes."""
    with zipfile.ZipFile(io.BytesIO(seed_file)) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    labels = []
    kind = rng.random()
    if kind < 0.35:
        for _ in range(rng.randint(1, 4)):
            members, label = rng.choice(SEMANTIC_MUTATIONS)(rng, members)
            labels.append(label)
    elif kind < 0.8:
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            members, label = rng.choice(MEMBER_MUTATIONS)(rng, members)
            labels.append(label)
    buf = io.BytesIO()
    hostile.write_members_to(buf, members, compress=rng.random() < 0.9)
    data = buf.getvalue()
    if kind >= 0.8:
        if rng.random() < 0.5:
            data, label = _raw_member_edit(rng, data, members)
        else:
            data, label = rng.choice(RAW_MUTATIONS)(rng, data)
        labels.append(label)
    return data, "; ".join(labels)
