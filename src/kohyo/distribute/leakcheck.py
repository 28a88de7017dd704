"""Leak check: does a file meant for one municipality hold anything of another's projects?

A town must never receive a project it is not part of. The check takes every
distinctive text of the projects the town is *not* in (names, content and
effect sentences, KPI names, notes), plus staff memos and hidden drafts (which go
to no town), drops what also occurs in the town's own projects, and searches every XML part of the file — cells, shared strings,
defined names, comments, document properties — for what remains.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from kohyo.model.project import Master, Project
from kohyo.read.normalize import nfkc

MIN_MARKER = 6  # shorter texts (e.g. "—", "創業件数") are too common to be evidence

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
_SPLIT = re.compile(r"[\n。]")


@dataclass(frozen=True)
class Leak:
    part: str
    marker: str
    project_number: int | None


def project_texts(p: Project) -> set[str]:
    texts = {p.name.text}
    for block in (p.content.text, p.effect.text):
        texts.update(s.strip(" ○") for s in _SPLIT.split(block))
    texts.update(i.name for i in p.indicators)
    texts.update(n.text for n in p.notes)
    texts.update(r.text for r in p.roles)
    return {_norm(t) for t in texts if t}


def foreign_markers(master: Master, town: str) -> dict[str, int | None]:
    """Distinctive texts of projects *town* is not part of -> that project's number."""
    return markers_outside(master, lambda p: town in p.municipalities)


def markers_outside(master: Master, inside: Callable[[Project], bool]) -> dict[str, int | None]:
    """Distinctive texts of the projects a file must not hold (``inside(p)`` false), less
    what the projects it holds say too -> that project's number."""
    own: set[str] = set()
    for p in master.projects:
        if inside(p):
            own |= project_texts(p)
    markers: dict[str, int | None] = {}
    own_joined = _SEP.join(own)
    for p in master.projects:
        if inside(p):
            continue
        for text in project_texts(p):
            if len(text) >= MIN_MARKER and not _in_any(text, own, own_joined):
                markers[text] = p.number
    # What staff kept to themselves goes to no town: hidden drafts, and memos beside a 個表.
    kept = [(p, {_norm(m.text) for m in p.memos}) for p in master.projects]
    kept += [(p, project_texts(p) | {_norm(m.text) for m in p.memos}) for p in master.excluded]
    for p, texts in kept:
        for text in texts:
            if len(text) >= MIN_MARKER and not _in_any(text, own, own_joined):
                markers[text] = p.number
    return markers


def scan_package(path: Path, markers: dict[str, int | None]) -> list[Leak]:
    """Every (part, marker) where a marker's text occurs in the package's XML."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info.filename, _part_text(zf.read(info.filename))) for info in zf.infolist()]
    # Any marker in a part is in the parts joined: find those first, in one pass (usually none).
    present = _occurring(markers, _SEP.join(text for _name, text in parts))
    found = [(m, n) for m, n in markers.items() if m in present]
    leaks: list[Leak] = []
    for name, text in parts:
        for marker, number in found:
            if marker in text:
                leaks.append(Leak(name, marker, number))
    return leaks


# Substring tests against many texts are one search in the texts joined by U+0000, which
# no workbook text holds (XML cannot carry it), so no match can straddle two of them: the
# same answers as a test per text, without a Python loop per pair — at N = 2,000 that loop
# made a town's check quadratic (benchmarks/README.md). A needle holding U+0000 is tested
# text by text.
_SEP = "\x00"


def _in_any(needle: str, texts: set[str], joined: str) -> bool:
    if _SEP in needle:
        return any(needle in t for t in texts)
    return needle in joined


def _occurring(needles: Iterable[str], text: str) -> set[str]:
    """The non-empty *needles* that occur in *text*, in one pass over *text* however many.

    A regular expression (in C) stops only where some needle's first character stands;
    there the next k characters (k: the shortest needle's length) pick the needles to try.
    """
    heads: dict[str, list[str]] = {}
    wanted = [n for n in needles if n]
    if not wanted:
        return set()
    k = min(map(len, wanted))
    for needle in wanted:
        heads.setdefault(needle[:k], []).append(needle)
    starts = re.compile("[" + "".join(re.escape(c) for c in sorted({h[0] for h in heads})) + "]")
    found: set[str] = set()
    for m in starts.finditer(text):
        i = m.start()
        for needle in heads.get(text[i : i + k], ()):
            if text.startswith(needle, i):
                found.add(needle)
    return found


def check_file(path: Path, master: Master, town: str) -> list[Leak]:
    return scan_package(path, foreign_markers(master, town))


def _part_text(data: bytes) -> str:
    """All text nodes and attribute values of an XML part (entities decoded), normalised.

    Text is gathered per element and joined with a separator, so a sentence split
    over rich-text runs is still found while unrelated neighbours do not merge.
    """
    if data.lstrip()[:1] != b"<":
        return _norm(data.decode("utf-8", "ignore"))
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return _norm(data.decode("utf-8", "ignore"))
    if root is None:
        return ""
    pieces: list[str] = []
    for el in root.iter():
        values = el.values()  # attribute values (namespace declarations are not attributes)
        if values:
            pieces.extend(values)
        if el.text:
            pieces.append(el.text)
    # Runs of a rich-text cell are siblings: join them without a separator as well.
    return _norm_each(pieces) + _PIECE + _norm("".join(pieces))


# Pieces are normalised joined by U+001F, which XML cannot hold: NFKC treats it as a starter
# that composes with nothing, so it keeps pieces apart, and only other white space is
# removed — the same as normalising each piece on its own, in one call instead of thousands.
_PIECE = "\x1f"
_WS = re.compile(r"\s+")
_WS_BUT_PIECE = re.compile(r"[^\S\x1f]+")


def _norm_each(pieces: list[str]) -> str:
    """``"\x1f".join(_norm(p) for p in pieces)``, fast."""
    joined = _PIECE.join(pieces)
    if joined.count(_PIECE) != max(len(pieces) - 1, 0):  # a piece holds U+001F itself
        return _PIECE.join(_norm(p) for p in pieces)
    return _WS_BUT_PIECE.sub("", nfkc(joined))


def _norm(text: str) -> str:
    return _WS.sub("", nfkc(text))


def normalise_for_search(text: str) -> str:
    """*text* as markers are searched for: NFKC, with no white space at all."""
    return _norm(text)
