"""The town check scans each shared 個表 piece once and each town's header/footer alone: the
same leaks, in the same order, as scanning every part of the file whole (``scan_package``).

Also what that rests on: the marker index gives what ``markers_outside`` gives, a member not
proved to be its piece is scanned whole, packages grown by ``append_members`` and the
bulk OPC edits read back, and the merge bases are what ``json.dumps`` of the whole makes.
"""

from __future__ import annotations

import importlib
import json
import sys
import zipfile
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kohyo.collect.base import FORMAT, SentProject, base_path, encode_sent, write_bases
from kohyo.distribute import build
from kohyo.distribute.leakcheck import (
    MarkerIndex,
    Needles,
    _middle_text,
    foreign_markers,
    markers_outside,
    normalise_for_search,
    scan_package,
    scan_piece,
    scan_town_package,
)
from kohyo.distribute.town import shared_members
from kohyo.read.master import check_master
from kohyo.xlsx import opc
from kohyo.xlsx.zipcopy import Deflated, ZipSource, append_members, deflate_piece

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # benchmarks/ is a folder of the repository, not of the package
    sys.path.insert(0, str(REPO))
make_master = importlib.import_module("benchmarks.synth").make_master
DAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def distributed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A synthetic distribution, with what each town's build had in hand."""
    tmp = tmp_path_factory.mktemp("leakscan")
    config = make_master(tmp / "m" / "master.xlsx", 30, 5, seed=11, drift=0.3)
    master, _report = check_master(tmp / "m" / "master.xlsx", config)
    assert master is not None
    seen: dict[str, Any] = {}
    real = build._build_town

    def spy(job: Any, state: Any, shared: Any) -> Any:
        seen[job.town] = (job, state, shared)
        return real(job, state, shared)

    build._build_town = spy  # type: ignore[assignment]
    try:
        result = build.distribute_master(master, config, out_dir=tmp / "out", today=DAY,
                                         parallel=False)  # fmt: skip
    finally:
        build._build_town = real  # type: ignore[assignment]
    return {"master": master, "result": result, "seen": seen}


def _placed(distributed: dict[str, Any], town: str) -> tuple[Path, dict[str, Any], Any]:
    job, state, shared = distributed["seen"][town]
    projects = build.projects_of(distributed["master"], town)
    placed = {n: s.piece for n, s in shared_members(projects, shared).items()}
    return distributed["result"].folder / job.path.name, placed, state


def test_town_scan_equals_whole_scan_for_own_and_foreign_markers(
    distributed: dict[str, Any],
) -> None:
    master, towns = distributed["master"], list(distributed["seen"])
    leaking = 0
    for i, town in enumerate(towns):
        path, placed, state = _placed(distributed, town)
        for other in (town, towns[(i + 1) % len(towns)]):
            markers = foreign_markers(master, other)
            whole = scan_package(path, markers)
            assert scan_town_package(path, markers, placed, state.candidates) == whole
            leaking += bool(whole)
            if other == town:
                assert whole == []
        source = ZipSource(path.read_bytes())  # every 個表 member was proved to be its piece
        assert all(_middle_text(source, i, placed[i.filename]) is not None
                   for i in source.infos if i.filename in placed)  # fmt: skip
    assert leaking  # another town's markers are found: the comparison can fail


def test_a_member_that_is_not_its_piece_is_scanned_whole(
    distributed: dict[str, Any], tmp_path: Path
) -> None:
    """Another town's sheet in a member, a changed middle, a middle starting with text that
    may compose with the head: each found as scanning the part whole finds it."""
    master, towns = distributed["master"], list(distributed["seen"])
    path, placed, state = _placed(distributed, towns[0])
    _other, other_placed, _ = _placed(distributed, towns[1])
    foreign = next(p for n, p in other_placed.items() if p not in placed.values())
    data = ZipSource(path.read_bytes())
    first = next(iter(placed))
    odd_middle = "<headerFooter><oddHeader>\u3099X</oddHeader></headerFooter>".encode()
    cases = {
        "foreign": _member(foreign, b"<headerFooter><oddHeader>&amp;Cx</oddHeader></headerFooter>"),
        "middle": _member(placed[first], b"<headerFooter><!--x--></headerFooter><x/>"),
        "composing": _member(placed[first], odd_middle),
    }
    for case, member in cases.items():
        out = tmp_path / f"{case}.xlsx"
        out.write_bytes(_replaced(data, first, member))
        markers = foreign_markers(master, towns[0])
        whole = scan_package(out, markers)
        assert scan_town_package(out, markers, placed, state.candidates) == whole, case
        if case == "foreign":
            assert whole and {lk.part for lk in whole} == {first}


def _member(piece: Any, middle: bytes) -> Deflated:
    rest = middle + piece.tail
    return Deflated(piece.head + deflate_piece(rest, last=True), zlib.crc32(rest, piece.head_crc),
                    piece.head_size + len(rest))  # fmt: skip


def _replaced(source: ZipSource, name: str, member: Deflated) -> bytes:
    from kohyo.xlsx.zipcopy import write_zip

    return write_zip(source, {}, prepared={name: member})


def test_markers_not_among_the_candidates_mean_a_whole_scan(distributed: dict[str, Any]) -> None:
    towns = list(distributed["seen"])
    path, placed, _state = _placed(distributed, towns[0])
    markers = foreign_markers(distributed["master"], towns[0])
    own = build.projects_of(distributed["master"], towns[0])[0]
    word = normalise_for_search(own.name.text)  # a text of the town's own first sheet
    markers = {**markers, word: 999}
    leaks = scan_town_package(path, markers, placed, frozenset(markers) - {word})
    assert leaks == scan_package(path, markers) and any(lk.marker == word for lk in leaks)


def test_marker_index_gives_what_markers_outside_gives(distributed: dict[str, Any]) -> None:
    master = distributed["master"]
    index = MarkerIndex(master)
    for town in distributed["seen"]:
        inside = lambda p, town=town: town in p.municipalities  # noqa: E731
        want = markers_outside(master, inside)
        got = index.markers_outside(inside)
        assert got == want and list(got) == list(want)
        assert set(got) <= index.candidates()


def test_a_piece_that_does_not_parse_is_marked_unread() -> None:
    piece = scan_piece(b"<a><b>", deflate_piece(b"<a><b>", last=False), b"</a>", Needles(["x"]))
    assert piece.found is None


def test_append_members_keeps_the_old_members_byte_for_byte(tmp_path: Path) -> None:
    base = tmp_path / "a.zip"
    with zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("one.xml", "<one/>" * 50)
        zf.writestr("two.xml", "<two/>")
    content = "三".encode() * 3000
    new = Deflated(deflate_piece(content, last=True), zlib.crc32(content), len(content))
    grown = append_members(base.read_bytes(), [("three.xml", new)], like="one.xml")
    before, after = ZipSource(base.read_bytes()), ZipSource(grown)
    assert after.names() == ["one.xml", "two.xml", "three.xml"]
    for name in before.names():
        assert after.raw_member(name).raw == before.raw_member(name).raw
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as _:
        pass
    (tmp_path / "b.zip").write_bytes(grown)
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert zf.testzip() is None and zf.read("three.xml") == content
        assert zf.getinfo("three.xml").external_attr == zf.getinfo("one.xml").external_attr
    assert after.compressed("three.xml") == new.data


APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/docPropsVTypes"><HeadingPairs><vt:vector size="2" '
    b'baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant>'
    b"<vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector "
    b'size="1" baseType="lpstr"><vt:lpstr>A</vt:lpstr></vt:vector></TitlesOfParts></Properties>'
)


def test_app_titles_added_to_a_group_and_as_a_new_group() -> None:
    out = opc.app_add_titles(APP, [("Worksheets", ["A"], ["B", "C&"]),
                                   ("Named Ranges", [], ["B!Print_Area"])])  # fmt: skip
    assert out is not None
    titles = opc.find_worksheet_titles(out, ["A", "B", "C&"])
    assert titles is not None and titles.offset == 0
    assert opc.find_worksheet_titles(out, ["B!Print_Area"]) is not None
    assert b'<vt:vector size="4" baseType="lpstr">' in out
    assert opc.app_add_titles(APP, [("Worksheets", ["Z"], ["B"])]) is None  # not as expected


def test_sheets_and_defined_names_appended_to_workbook_xml() -> None:
    wb = (
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="'
        b'http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        b'name="A" sheetId="1" r:id="rId1"/></sheets><calcPr calcId="1"/></workbook>'
    )
    out = opc.append_sheets(wb, [("B&", 2, "rId5")], [("_xlnm.Print_Area", 1, "'B&'!$A$1")])
    assert out == wb.replace(
        b"</sheets>", b'<sheet name="B&amp;" sheetId="2" r:id="rId5"/></sheets><definedNames>'
        b"<definedName name=\"_xlnm.Print_Area\" localSheetId=\"1\">'B&amp;'!$A$1</definedName>"
        b"</definedNames>",
    )  # fmt: skip


def test_bases_are_the_documents_json_dumps_makes(tmp_path: Path) -> None:
    sent = [SentProject("No.1", 1, "abc", {"a": "x\ny", "b": None, "c": 3, "d": "日本\t"}),
            SentProject("S2", None, "d", {})]  # fmt: skip
    towns = {"町": sent, "村": sent[:1], "空": []}
    write_bases(tmp_path, "2026-11-30-x", towns, ())
    for town, projects in towns.items():
        doc = {"format": FORMAT, "town": town, "distribution": "2026-11-30-x", "projects": [
            {"sheet": p.sheet, "number": p.number, "digest": p.digest, "fields": p.fields}
            for p in projects]}  # fmt: skip
        want = (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode()
        assert base_path(tmp_path, town).read_bytes() == want
    assert "\n" not in encode_sent(sent[0]).replace("\n  ", "")
