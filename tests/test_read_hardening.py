"""The reader against broken and hostile packages an adversarial probe found (hardening issue
items 5-7): each ends in one specific message and exit 2, or in findings, never in the
generic 「予期しないエラー」; memory stays bounded within the size limits.

Files are mutants of the freshly built sample master (``sample_build``), made in tmp_path
with :mod:`hostile`.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

import hostile
from conftest import REAL_CONFIG, CliResult, SampleBuild
from kohyo.config import Config
from kohyo.errors import WorkbookError
from kohyo.messages import CATALOGUE
from kohyo.read.master import read_master
from kohyo.read.package import check_encoding, reject_parsed_doctype

UNEXPECTED = CATALOGUE["cli.unexpected"][0].split("{")[0]
SHEET = "xl/worksheets/sheet2.xml"  # the sample's first 個表 (sheet1 is its 総括表)
COMMANDS = [("validate",), ("dump", "--json"), ("refresh", "--no-distribute")]


def run_all(
    cli_run: Callable[..., CliResult], path: Path, config: Config
) -> list[tuple[str, CliResult]]:
    """validate, dump --json and refresh --no-distribute on *path* (refresh on a copy)."""
    out = []
    for cmd in COMMANDS:
        target = path
        if cmd[0] == "refresh":
            target = path.with_name("refresh-" + path.name)
            shutil.copy(path, target)
        out.append((cmd[0], cli_run(*cmd, target, "--config", config.path)))
    return out


def assert_refused(result: CliResult, *says: str) -> str:
    assert result.exception is None, result.exception
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("エラー: "), line
    assert UNEXPECTED not in line
    for s in says:
        assert s in line, line
    return line


def assert_all_refused(
    cli_run: Callable[..., CliResult], path: Path, config: Config, *says: str
) -> None:
    before = path.read_bytes()
    for _cmd, result in run_all(cli_run, path, config):
        assert_refused(result, *says)
    assert path.read_bytes() == before
    assert path.with_name("refresh-" + path.name).read_bytes() == before


# --------------------------------------------------------------------------- item 5


@pytest.mark.parametrize("part", [SHEET, "xl/theme/theme1.xml", "xl/sharedStrings.xml"])
def test_corrupt_deflate_stream(
    tmp_path: Path,
    sample_build: SampleBuild,
    tmp_area_config: Config,
    cli_run: Callable[..., CliResult],
    part: str,
) -> None:
    """zlib.error escaped for a part the reader reads; a part it never read passed validate."""
    path = hostile.corrupt_stream(sample_build.master, part, tmp_path / "deflate.xlsx")
    assert_all_refused(cli_run, path, tmp_area_config, part, "壊れています")


@pytest.mark.parametrize(
    ("mutate", "says"),
    [
        (lambda src, dest: hostile.set_method(src, SHEET, 99, dest), SHEET),
        (
            lambda src, dest: hostile.set_method(src, "docProps/app.xml", 99, dest),
            "docProps/app.xml",
        ),
        (
            lambda src, dest: hostile.set_extract_version(src, SHEET, 99, dest),
            "zip file version 9.9",
        ),
    ],
    ids=["method-sheet", "method-app", "zip-version"],
)
def test_unsupported_compression(
    tmp_path: Path,
    sample_build: SampleBuild,
    tmp_area_config: Config,
    cli_run: Callable[..., CliResult],
    mutate: Callable[[Path, Path], Path],
    says: str,
) -> None:
    """An unknown compression method or zip version raised NotImplementedError."""
    path = mutate(sample_build.master, tmp_path / "method.xlsx")
    assert_all_refused(cli_run, path, tmp_area_config, says, "対応していません")


@pytest.mark.parametrize(
    "value", [b"9" * 400, b"-" + b"9" * 400, b"9" * 5000, b"1E+400", b"1000000000000000"]
)
def test_huge_amount_is_a_finding_on_its_cell(
    tmp_path: Path,
    sample_build: SampleBuild,
    tmp_area_config: Config,
    cli_run: Callable[..., CliResult],
    value: bytes,
) -> None:
    """A 400-digit amount raised OverflowError; it is a cost-too-large error on that cell."""
    path = hostile.edit_member(
        sample_build.master,
        SHEET,
        lambda xml: hostile.set_cell_value(xml, "C5", value),
        tmp_path / "huge.xlsx",
    )
    before = path.read_bytes()
    results = dict(run_all(cli_run, path, tmp_area_config))
    check = cli_run("validate", path, "--config", tmp_area_config.path, "--json")
    assert check.exit_code == 1, check.output
    assert '"cost-too-large"' in check.stdout and '"C5"' in check.stdout
    assert results["validate"].exit_code == 1
    assert "大きすぎます" in results["validate"].stdout
    assert results["dump"].exit_code == 0, results["dump"].output
    assert results["refresh"].exit_code == 1, results["refresh"].output  # errors: no write
    assert path.with_name("refresh-huge.xlsx").read_bytes() == before
    for result in results.values():
        assert result.exception is None and UNEXPECTED not in result.output


@pytest.mark.parametrize("value", [b"9" * 400, b"1E+400", b"NaN"])
def test_huge_number_as_a_year_header_is_a_finding(
    tmp_path: Path, sample_build: SampleBuild, cli_run: Callable[..., CliResult], value: bytes
) -> None:
    """Found after the probe: a 400-digit year header raised OverflowError in the parser."""
    path = hostile.edit_member(
        sample_build.master,
        SHEET,
        lambda xml: hostile.set_cell_value(xml, "C4", value),
        tmp_path / "year.xlsx",
    )
    result = cli_run("validate", path, "--config", REAL_CONFIG, "--json")
    assert result.exit_code == 1, result.output
    assert '"year-header-invalid"' in result.stdout
    assert cli_run("dump", "--json", path, "--config", REAL_CONFIG).exit_code == 0


def _peak_rss(args: list[str], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    out = tmp_path / "rss.txt"
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("rss_run.py")), *args],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "KOHYO_RSS_OUT": str(out), "KOHYO_LANG": "ja"},
    )  # fmt: skip
    return proc, float(out.read_text())


RSS_LIMIT_MB = 500


def test_sheet_with_a_million_cells_is_skipped_with_bounded_memory(tmp_path: Path) -> None:
    """4 M cells took 4.2 GB: a sheet past max_cells_per_sheet is skipped after 50,000."""
    path = hostile.big_workbook(tmp_path / "big.xlsx", sheets=1, rows=100_000, cols=12)
    proc, peak = _peak_rss(
        ["validate", str(path), "--config", str(REAL_CONFIG), "--json"], tmp_path
    )
    assert proc.returncode == 1, proc.stderr  # no 個表 at all: an error finding
    assert "セルが 50000 個を超えています" in proc.stdout
    assert peak < RSS_LIMIT_MB, f"peak RSS {peak:.0f} MB"


def test_cells_per_file_limit_refuses(
    tmp_path: Path, cli_run: Callable[..., CliResult], tmp_config: Callable[..., Path]
) -> None:
    path = hostile.big_workbook(tmp_path / "many.xlsx", sheets=4, rows=500, cols=10)
    config = tmp_config({"limits.max_cells_per_file": "15000"})
    assert cli_run("validate", path, "--config", REAL_CONFIG).exit_code == 1
    assert_refused(cli_run("validate", path, "--config", config), "セルが多すぎます", "15000")


def test_cells_per_sheet_limit_from_config(
    tmp_path: Path,
    sample_build: SampleBuild,
    cli_run: Callable[..., CliResult],
    tmp_config: Callable[..., Path],
) -> None:
    config = tmp_config({"limits.max_cells_per_sheet": "20"})
    result = cli_run("validate", sample_build.master, "--config", config, "--json")
    assert result.exit_code == 1  # every 個表 skipped: no projects
    assert "セルが 20 個を超えています" in result.stdout


@pytest.mark.slow
def test_a_file_at_the_cell_limit_stays_under_500_mb(tmp_path: Path) -> None:
    """At max_cells_per_file (1,000,000 distinct numbers kept) and just past it."""
    for sheets, code in ((22, 1), (23, 2)):
        path = hostile.big_workbook(tmp_path / f"b{sheets}.xlsx", sheets=sheets, rows=4500, cols=10)
        proc, peak = _peak_rss(["validate", str(path), "--config", str(REAL_CONFIG)], tmp_path)
        assert proc.returncode == code, proc.stderr
        assert peak < RSS_LIMIT_MB, f"{sheets} sheets: peak RSS {peak:.0f} MB"


# --------------------------------------------------------------------------- item 6


def _rels_part(src: Path, dest: Path) -> Path:
    return hostile.add_member(src, "xl/worksheets/_rels/sheet2.xml.rels", b"<Relationships", dest)


def _cut(part: str) -> Callable[[Path, Path], Path]:
    return lambda src, dest: hostile.edit_member(src, part, lambda d: d[: len(d) - 20], dest)


PACKAGE_DEFECTS: list[tuple[str, Callable[[Path, Path], Path], str, str]] = [
    ("crc-theme", lambda s, d: hostile.flip_crc(s, "xl/theme/theme1.xml", d),
     "xl/theme/theme1.xml", "CRC"),
    ("crc-app", lambda s, d: hostile.flip_crc(s, "docProps/app.xml", d), "docProps/app.xml", "CRC"),
    ("xml-styles", _cut("xl/styles.xml"), "xl/styles.xml", "XML が壊れています"),
    ("xml-content-types", _cut("[Content_Types].xml"), "[Content_Types].xml", "XML が壊れています"),
    ("xml-app", _cut("docProps/app.xml"), "docProps/app.xml", "XML が壊れています"),
    ("xml-core", _cut("docProps/core.xml"), "docProps/core.xml", "XML が壊れています"),
    ("xml-sheet-rels", _rels_part, "xl/worksheets/_rels/sheet2.xml.rels", "XML が壊れています"),
    ("bad-utf8-app", lambda s, d: hostile.edit_member(
        s, "docProps/app.xml", lambda x: x.replace(b"</Application>", b"\xff\xfe</Application>"), d
    ), "docProps/app.xml", "XML が壊れています"),
    ("duplicate", lambda s, d: hostile.add_member(s, "xl/styles.xml", b"<styleSheet/>", d),
     "xl/styles.xml", "2 回以上"),
    ("duplicate-case", lambda s, d: hostile.add_member(
        s, "XL/Workbook.xml", b"<workbook/>", d), "XL/Workbook.xml", "2 回以上"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "part", "says"),
    [d[1:] for d in PACKAGE_DEFECTS],
    ids=[d[0] for d in PACKAGE_DEFECTS],
)
def test_whole_package_is_checked_up_front(
    tmp_path: Path,
    sample_build: SampleBuild,
    tmp_area_config: Config,
    cli_run: Callable[..., CliResult],
    mutate: Callable[[Path, Path], Path],
    part: str,
    says: str,
) -> None:
    """Mutants passed validate, then refresh crashed on (or silently copied) the bad part."""
    path = mutate(sample_build.master, tmp_path / "defect.xlsx")
    assert_all_refused(cli_run, path, tmp_area_config, part, says)


@pytest.mark.parametrize(
    "part",
    [
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
        "docProps/app.xml",
        "xl/styles.xml",
        "xl/sharedStrings.xml",
        SHEET,
    ],
)
def test_utf16_parts_are_read_and_refreshed(
    tmp_path: Path,
    sample_build: SampleBuild,
    tmp_area_config: Config,
    cli_run: Callable[..., CliResult],
    part: str,
) -> None:
    """OOXML allows UTF-16: validate read it, and refresh crashed in the patcher."""
    path = hostile.edit_member(
        sample_build.master, part, lambda d: hostile.reencode(d, "utf-16"), tmp_path / "u16.xlsx"
    )
    expected = cli_run("dump", "--json", sample_build.master, "--config", REAL_CONFIG).stdout
    assert cli_run("dump", "--json", path, "--config", REAL_CONFIG).stdout == expected
    result = cli_run("refresh", "--no-distribute", path, "--config", tmp_area_config.path)
    assert result.exit_code == 0, result.output
    assert cli_run("dump", "--json", path, "--config", REAL_CONFIG).stdout == expected


# --------------------------------------------------------------------------- item 7


def _encoded(part: str, encoding: str, **kw: object) -> Callable[[Path, Path], Path]:
    def make(src: Path, dest: Path) -> Path:
        return hostile.edit_member(
            src,
            part,
            lambda d: hostile.reencode(hostile.with_doctype(d), encoding, **kw),  # type: ignore[arg-type]
            dest,
        )

    return make


ENCODINGS: list[tuple[str, Callable[[Path, Path], Path], str, str]] = [
    ("utf7-shared-strings", _encoded("xl/sharedStrings.xml", "utf-7"), "xl/sharedStrings.xml",
     "UTF-7"),
    ("utf32-sheet", _encoded(SHEET, "utf-32"), SHEET, "UTF-32"),
    ("utf32-sheet-no-bom", _encoded(SHEET, "utf-32", bom=False), SHEET, "UTF-32"),
    ("utf32-styles", _encoded("xl/styles.xml", "utf-32"), "xl/styles.xml", "UTF-32"),
    ("latin1-workbook", _encoded("xl/workbook.xml", "latin-1", declare="ISO-8859-1"),
     "xl/workbook.xml", "ISO-8859-1"),
    ("utf8-declared-utf16", _encoded("docProps/app.xml", "utf-8", declare="UTF-16"),
     "docProps/app.xml", "UTF-16"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "part", "encoding"), [e[1:] for e in ENCODINGS], ids=[e[0] for e in ENCODINGS]
)
def test_only_utf8_and_utf16(
    tmp_path: Path,
    sample_build: SampleBuild,
    tmp_area_config: Config,
    cli_run: Callable[..., CliResult],
    mutate: Callable[[Path, Path], Path],
    part: str,
    encoding: str,
) -> None:
    """A DOCTYPE in UTF-7 or UTF-32 slipped past the byte-level guard."""
    path = mutate(sample_build.master, tmp_path / "enc.xlsx")
    assert_all_refused(cli_run, path, tmp_area_config, part, f"文字コード（{encoding}）")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/sharedStrings.xml", SHEET])
def test_doctype_refused_in_allowed_encodings(
    tmp_path: Path,
    sample_build: SampleBuild,
    tmp_area_config: Config,
    cli_run: Callable[..., CliResult],
    part: str,
    encoding: str,
) -> None:
    path = _encoded(part, encoding)(sample_build.master, tmp_path / "dtd.xlsx")
    assert_all_refused(cli_run, path, tmp_area_config, part, "DOCTYPE")


def test_parsed_tree_doctype_is_refused(tmp_path: Path) -> None:
    """Behind the byte scan, the parsed tree's own doctype is checked."""
    for xml in (b"<!DOCTYPE x><x/>", b'<!DOCTYPE x SYSTEM "a.dtd"><x/>', b"<!DOCTYPE x [ ]><x/>"):
        with pytest.raises(WorkbookError, match="DOCTYPE"):
            reject_parsed_doctype(etree.fromstring(xml), "p.xml", tmp_path)
    reject_parsed_doctype(etree.fromstring(b"<x/>"), "p.xml", tmp_path)


@pytest.mark.parametrize(
    ("head", "ok"),
    [
        (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a/>', True),
        (b"<?xml version='1.0' encoding='utf-8'?><a/>", True),
        (b"<a/>", True),
        (b'\xef\xbb\xbf<?xml version="1.0"?><a/>', True),
        ('<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"), True),
        ('<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16-be"), True),
        ('<?xml version="1.0" encoding="UTF-8"?><a/>'.encode("utf-16"), False),
        ('<?xml version="1.0" encoding="UTF-32"?><a/>'.encode("utf-32"), False),
        ('<?xml version="1.0"?><a/>'.encode("utf-32-le"), False),
        ('<?xml version="1.0" encoding="UTF-7"?><a/>'.encode("utf-7"), False),
        (b'<?xml version="1.0" encoding="UTF-7"?><a/>', False),
        (b'<?xml version="1.0" encoding="Shift_JIS"?><a/>', False),
        (b"+ADw-?xml version=+ACI-1.0+ACI-?+AD4-", False),
        ('<?xml version="1.0"?><a/>'.encode("cp500"), False),  # EBCDIC
    ],
)
def test_check_encoding(tmp_path: Path, head: bytes, ok: bool) -> None:
    if ok:
        check_encoding(head, "p.xml", tmp_path)
    else:
        with pytest.raises(WorkbookError, match="文字コード"):
            check_encoding(head, "p.xml", tmp_path)


def test_sample_master_reads_unchanged(sample_build: SampleBuild, config: Config) -> None:
    """The checks refuse nothing Excel, openpyxl or kohyo itself writes."""
    master = read_master(sample_build.master, config)
    assert len(master.projects) == 7
    assert read_master(sample_build.master_before, config).projects


@pytest.mark.parametrize("strip_refs", [False, True], ids=["with-refs", "without-refs"])
def test_big_sheet_part_streams_to_the_same_grid(
    tmp_path: Path, sample_build: SampleBuild, config: Config, strip_refs: bool
) -> None:
    """A part over 1 MB is streamed (finished elements dropped), a small one parsed whole:
    the same cells and merges either way, with or without r="" addresses."""
    import re

    from kohyo.read.master import package_limits
    from kohyo.read.workbook import read_workbook

    def strip(xml: bytes) -> bytes:
        rows = iter(range(10**6))
        xml = re.sub(  # the 3rd and 5th rows hidden: hidden_rows read either way too
            rb"<row\b", lambda m: b'<row hidden="1"' if next(rows) in (2, 4) else m[0], xml
        )
        if not strip_refs:
            return xml
        xml = re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", xml)
        return re.sub(rb'(<row) r="[0-9]+"', rb"\1", xml)

    noise = random.Random(0).randbytes(3 * 2**20).translate(bytes(97 + i % 26 for i in range(256)))

    def pad(xml: bytes) -> bytes:  # random letters: no suspicious compression ratio
        return xml.replace(b"<sheetData>", b"<sheetData><!--" + noise + b"-->", 1)

    small = hostile.edit_member(sample_build.master, SHEET, strip, tmp_path / "small.xlsx")
    big = hostile.edit_member(small, SHEET, pad, tmp_path / "big.xlsx")
    grids = [read_workbook(p, package_limits(config)).sheets for p in (small, big)]
    assert [(g.name, g.cells, g.merges, g.hidden_rows) for g in grids[0]] == [
        (g.name, g.cells, g.merges, g.hidden_rows) for g in grids[1]
    ]
    assert len(next(g for g in grids[1] if g.part == SHEET).hidden_rows) == 2
    assert sum(len(g.cells) for g in grids[0]) > 200
    if not strip_refs:
        whole = read_workbook(sample_build.master, package_limits(config)).sheets
        assert [g.cells for g in whole] == [g.cells for g in grids[1]]
