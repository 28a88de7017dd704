"""Files the tool cannot read at all: exit 2, one line on stderr naming the file, no traceback.

Every bad file is built in tmp_path. Zip bombs are written by hand (a deflate stream
of repeated fully-flushed blocks) so that a 200 MB member costs milliseconds to make.
"""

from __future__ import annotations

import re
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from builders import project, write_master
from conftest import REAL_CONFIG, CliResult
from kohyo.config import Config
from kohyo.errors import WorkbookError
from kohyo.read.master import read_master

MB = 2**20


# --------------------------------------------------------------------------- zip by hand


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zeros_member(megabytes: int) -> tuple[bytes, int, int]:
    """(raw deflate stream, crc32, size) of *megabytes* MB of zeros, made in milliseconds."""
    chunk = b"\0" * MB
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, no back-references
    stream = block * megabytes + c.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return stream, crc, megabytes * MB


def raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """Write a zip of (name, deflate stream, crc, declared uncompressed size) members."""
    out = bytearray()
    central = bytearray()
    for name, stream, crc, size in members:
        fname = name.encode()
        offset = len(out)
        out += struct.pack(
            "<4s2B4HL2L2H",
            b"PK\x03\x04",
            20,
            0,
            0,
            8,
            0,
            0x21,
            crc,
            len(stream),
            size,
            len(fname),
            0,
        )
        out += fname + stream
        central += struct.pack(
            "<4s4B4HL2L5H2L",
            b"PK\x01\x02",
            20,
            0,
            20,
            0,
            0,
            8,
            0,
            0x21,
            crc,
            len(stream),
            size,
            len(fname),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += fname
    cd_offset = len(out)
    out += central
    out += struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), cd_offset, 0
    )
    path.write_bytes(bytes(out))


def members_of(path: Path) -> list[tuple[str, bytes, int, int]]:
    with zipfile.ZipFile(path) as zf:
        return [
            (i.filename, deflate(data := zf.read(i.filename)), zlib.crc32(data), len(data))
            for i in zf.infolist()
        ]


def replace_member(path: Path, name: str, data: bytes) -> None:
    members = [m for m in members_of(path) if m[0] != name]
    members.append((name, deflate(data), zlib.crc32(data), len(data)))
    raw_zip(path, members)


def master_file(tmp_path: Path, name: str = "master.xlsx") -> Path:
    path = tmp_path / name
    write_master(path, [project()])
    return path


def test_hand_made_zip_is_a_real_zip(tmp_path: Path) -> None:
    stream, crc, size = zeros_member(3)
    path = tmp_path / "z.zip"
    raw_zip(path, [("a.txt", deflate(b"hello"), zlib.crc32(b"hello"), 5), ("z", stream, crc, size)])
    with zipfile.ZipFile(path) as zf:
        assert zf.read("a.txt") == b"hello"
        assert zf.read("z") == b"\0" * size
        assert zf.testzip() is None


# --------------------------------------------------------------------------- bad files

LOL = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">'
        % (i, b"".join(b"&lol%s;" % (b"" if i == 2 else b"%d" % (i - 1)) for _ in range(10)))
        for i in range(2, 10)
    )
    + b"]>"
)


def billion_laughs(xml: bytes, pad: int = 0) -> bytes:
    """Put the entity payload in the prolog (after *pad* bytes of white space) and use it."""
    decl = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    body = re.sub(rb"<t>[^<]*</t>", b"<t>&lol9;</t>", body, count=1)
    return decl + b"\n" * pad + LOL + body


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "nope.xlsx"


def _empty(tmp_path: Path) -> Path:
    (path := tmp_path / "empty.xlsx").write_bytes(b"")
    return path


def _directory(tmp_path: Path) -> Path:
    (path := tmp_path / "folder.xlsx").mkdir()
    return path


def _text(tmp_path: Path) -> Path:
    (path := tmp_path / "notes.xlsx").write_text("事業名,事業費\n", encoding="utf-8")
    return path


def _truncated(tmp_path: Path) -> Path:
    data = master_file(tmp_path, "full.xlsx").read_bytes()
    (path := tmp_path / "half.xlsx").write_bytes(data[: len(data) // 2])
    return path


def _xls(tmp_path: Path) -> Path:
    (path := tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088)
    return path


def _encrypted(tmp_path: Path) -> Path:
    body = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 1000
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 100
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 2000
    )
    (path := tmp_path / "locked.xlsx").write_bytes(body)
    return path


def _xlsb(tmp_path: Path) -> Path:
    path = tmp_path / "binary.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return path


def _plain_zip(tmp_path: Path) -> Path:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    return path


def _docx(tmp_path: Path) -> Path:
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "_rels/.rels",
            "<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/relationships'/>",
        )
        zf.writestr("word/document.xml", "<document/>")
    return path


def _zip_bomb(tmp_path: Path) -> Path:
    stream, crc, size = zeros_member(200)
    members = members_of(master_file(tmp_path, "base.xlsx"))
    path = tmp_path / "bomb.xlsx"
    raw_zip(path, [*members, ("xl/media/zeros.bin", stream, crc, size)])
    return path


def _lying_bomb(tmp_path: Path) -> Path:
    """The sheet part really inflates to 100 MB but its headers claim 4 KB."""
    stream, crc, _ = zeros_member(100)
    members = [
        m
        for m in members_of(master_file(tmp_path, "base.xlsx"))
        if m[0] != "xl/worksheets/sheet1.xml"
    ]
    path = tmp_path / "liar.xlsx"
    raw_zip(path, [*members, ("xl/worksheets/sheet1.xml", stream, crc, 4096)])
    return path


def _corrupt_member(tmp_path: Path) -> Path:
    path = master_file(tmp_path, "crc.xlsx")
    members = members_of(path)
    members = [
        (n, s, crc ^ 1 if n == "xl/workbook.xml" else crc, size) for n, s, crc, size in members
    ]
    raw_zip(path, members)
    return path


def _broken_xml(tmp_path: Path) -> Path:
    path = master_file(tmp_path, "broken.xlsx")
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    replace_member(path, "xl/worksheets/sheet1.xml", xml[: len(xml) // 2])
    return path


def _laughs(part: str, pad: int) -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        path = master_file(tmp_path, "laughs.xlsx")
        with zipfile.ZipFile(path) as zf:
            xml = zf.read(part)
        replace_member(path, part, billion_laughs(xml, pad))
        return path

    return make


BAD_FILES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("missing", _missing, "見つかりません"),
    ("empty", _empty, "空のファイル"),
    ("directory", _directory, "フォルダー"),
    ("text-renamed", _text, "Excel ファイル（.xlsx）ではありません"),
    ("truncated", _truncated, "途中までしかありません"),
    ("legacy-xls", _xls, ".xls"),
    ("password", _encrypted, "パスワード"),
    ("xlsb", _xlsb, ".xlsb"),
    ("plain-zip", _plain_zip, "[Content_Types].xml"),
    ("not-a-workbook", _docx, "workbook.xml"),
    ("zip-bomb", _zip_bomb, "圧縮率"),
    ("lying-zip-bomb", _lying_bomb, "sheet1.xml"),
    ("bad-crc", _corrupt_member, "workbook.xml"),
    ("broken-xml", _broken_xml, "XML が壊れています"),
    ("laughs-workbook", _laughs("xl/workbook.xml", 0), "DOCTYPE"),
    ("laughs-sheet", _laughs("xl/worksheets/sheet1.xml", 0), "DOCTYPE"),
    ("laughs-after-padding", _laughs("xl/worksheets/sheet1.xml", 8000), "DOCTYPE"),
]


def assert_refused(result: CliResult, *names: object) -> str:
    assert result.exception is None, result.exception
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("エラー: "), line
    for name in names:
        assert str(name) in line
    assert "予期しない" not in line
    assert "Traceback" not in result.output
    assert result.stdout == ""
    return line


@pytest.mark.parametrize(
    ("make", "says"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
@pytest.mark.parametrize("command", ["validate", "dump"])
def test_unreadable_master_exits_2_with_one_line(
    tmp_path: Path,
    cli_run: Callable[..., CliResult],
    command: str,
    make: Callable[[Path], Path],
    says: str,
) -> None:
    path = make(tmp_path)
    line = assert_refused(cli_run(command, path, "--config", REAL_CONFIG), path)
    assert says in line


def test_lying_zip_bomb_is_read_with_bounded_memory(tmp_path: Path, config: Config) -> None:
    path = _lying_bomb(tmp_path)
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookError):
            read_master(path, config)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * MB, f"peak {peak / MB:.0f} MB while reading a part declared as 4 KB"


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"limits.max_uncompressed_mb": "0.001"}, "展開後のサイズが大きすぎます"),
        ({"limits.max_file_mb": "0.001"}, "ファイルが大きすぎます"),
        ({"limits.max_members": "3"}, "部品の数が多すぎます"),
    ],
    ids=["uncompressed", "file", "members"],
)
def test_limits_from_config(
    tmp_path: Path,
    cli_run: Callable[..., CliResult],
    tmp_config: Callable[..., Path],
    changes: dict[str, str],
    says: str,
) -> None:
    path = master_file(tmp_path)
    config_path = tmp_config(changes)
    assert cli_run("validate", path, "--config", REAL_CONFIG).exit_code == 0
    line = assert_refused(cli_run("validate", path, "--config", config_path), path)
    assert says in line


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"area.central_city": '"弘前市"'}, "area.central_city"),
        ({"plan.fiscal_years": '"2020"'}, "plan.fiscal_years"),
        ({"limits.max_file_mb": "-5"}, "limits.max_file_mb"),
    ],
    ids=["central-city", "fiscal-years", "limit"],
)
@pytest.mark.parametrize("command", ["validate", "dump"])
def test_bad_config_exits_2(
    tmp_path: Path,
    cli_run: Callable[..., CliResult],
    tmp_config: Callable[..., Path],
    command: str,
    changes: dict[str, str],
    key: str,
) -> None:
    config_path = tmp_config(changes)
    line = assert_refused(
        cli_run(command, master_file(tmp_path), "--config", config_path), config_path, key
    )
    assert line


@pytest.mark.parametrize("command", ["validate", "dump"])
def test_missing_config_exits_2(
    tmp_path: Path, cli_run: Callable[..., CliResult], command: str
) -> None:
    missing = tmp_path / "none" / "config.toml"
    assert_refused(cli_run(command, master_file(tmp_path), "--config", missing), missing)


def test_default_config_missing_in_current_folder(
    tmp_path: Path, cli_run: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(cli_run("validate"), "config.toml")


def test_default_master_missing(
    tmp_path: Path, cli_run: Callable[..., CliResult], tmp_config: Callable[..., Path]
) -> None:
    config_path = tmp_config()
    expected = config_path.parent / "workbooks" / "master.xlsx"
    assert_refused(cli_run("validate", "--config", config_path), expected)


def test_english_error_line(tmp_path: Path, cli_run: Callable[..., CliResult]) -> None:
    path = _xls(tmp_path)
    result = cli_run("validate", path, "--config", REAL_CONFIG, "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith("Error: ")
    assert len(result.stderr.splitlines()) == 1
