"""Leak check: does a file meant for one municipality hold anything of another's projects?

A town must never receive a project it is not part of. The check takes every
distinctive text of the projects the town is *not* in (names, content and
effect sentences, KPI names, notes), plus staff memos and hidden drafts (which go
to no town), drops what also occurs in the town's own projects, and searches every XML part of the file — cells, shared strings,
defined names, comments, document properties — for what remains.

A 個表 sheet placed in many towns' files is scanned once (:func:`scan_piece`): its part in a
town's file is the once-scanned piece's bytes (proved by its compressed bytes, CRC and size, as
written) around the town's own header/footer, which is scanned in each town
(:func:`scan_town_package`) — the same findings as scanning that part whole.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from kohyo.model.project import Master, Project
from kohyo.read.normalize import nfkc
from kohyo.xlsx.zipcopy import ZipSource

MIN_MARKER = 6  # shorter texts (e.g. "—", "創業件数") are too common to be evidence

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
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
    return MarkerIndex(master, many=False).markers_outside(inside)


class MarkerIndex:
    """The texts of a master's projects, gathered once for the many files made from it."""

    def __init__(self, master: Master, *, many: bool = True) -> None:
        """*many*: for many files (each candidate's projects are then found once for all)."""
        self.many = many
        self.projects = [(p, project_texts(p)) for p in master.projects]
        # What staff kept to themselves goes to no town: hidden drafts, and memos beside a 個表.
        kept = [(p, {_norm(m.text) for m in p.memos}) for p in master.projects]
        kept += [(p, project_texts(p) | {_norm(m.text) for m in p.memos})
                 for p in master.excluded]  # fmt: skip
        self.kept = kept
        self._holders: dict[str, set[int]] | None = None  # candidate -> projects it is part of

    def candidates(self) -> set[str]:
        """Every text that is a marker of some file made from the master."""
        texts = [t for _p, ts in self.projects for t in ts] + [
            t for _p, ts in self.kept for t in ts
        ]
        return {t for t in texts if len(t) >= MIN_MARKER}

    def markers_outside(self, inside: Callable[[Project], bool]) -> dict[str, int | None]:
        """:func:`markers_outside` of the master."""
        held = [i for i, (p, _texts) in enumerate(self.projects) if inside(p)]
        own: set[str] = set()
        for i in held:
            own |= self.projects[i][1]
        in_own = self._in_projects(set(held), own)
        markers: dict[str, int | None] = {}
        for p, texts in self.projects:
            if inside(p):
                continue
            for text in texts:
                if len(text) >= MIN_MARKER and not in_own(text):
                    markers[text] = p.number
        for p, texts in self.kept:
            for text in texts:
                if len(text) >= MIN_MARKER and not in_own(text):
                    markers[text] = p.number
        return markers

    def _in_projects(self, held: set[int], own: set[str]) -> Callable[[str], bool]:
        """Whether a text is part of one of *own*, the texts of the projects *held*: the
        projects each candidate is part of are found once for every file."""
        if not self.many:
            joined = _SEP.join(own)
            return lambda text: _in_any(text, own, joined)
        if self._holders is None:
            needles = Needles(c for c in self.candidates() if _SEP not in c)
            self._holders = {}
            for i, (_p, texts) in enumerate(self.projects):
                for c in needles.find(_SEP.join(texts)):
                    self._holders.setdefault(c, set()).add(i)
        holders = self._holders
        own_joined: list[str] = []

        def in_own(text: str) -> bool:
            if _SEP in text or len(text) < MIN_MARKER:  # not a candidate: search the texts
                if not own_joined:
                    own_joined.append(_SEP.join(own))
                return _in_any(text, own, own_joined[0])
            return not holders.get(text, set()).isdisjoint(held)

        return in_own


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
    """The non-empty *needles* that occur in *text*, in one pass over *text* however many."""
    return Needles(needles).find(text)


class Needles:
    """Texts to look for, prepared once, then searched for in one pass over a text each time.

    A regular expression (in C) stops only where some needle's first character stands;
    there the next k characters (k: the shortest needle's length) pick the needles to try.
    """

    def __init__(self, needles: Iterable[str]) -> None:
        wanted = [n for n in needles if n]
        self.heads: dict[str, list[str]] = {}
        self.k = min(map(len, wanted)) if wanted else 0
        for needle in wanted:
            self.heads.setdefault(needle[: self.k], []).append(needle)
        firsts = sorted({h[0] for h in self.heads})
        self.starts = (
            re.compile("[" + "".join(re.escape(c) for c in firsts) + "]") if wanted else None
        )
        self.longest = max(map(len, wanted)) if wanted else 0

    def find(self, text: str) -> set[str]:
        """The needles that occur in *text*."""
        found: set[str] = set()
        if self.starts is None:
            return found
        heads, k = self.heads, self.k
        for m in self.starts.finditer(text):
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
    pieces = _pieces(root)
    # Runs of a rich-text cell are siblings: join them without a separator as well.
    return _norm_each(pieces) + _PIECE + _norm("".join(pieces))


def _pieces(root: etree._Element) -> list[str]:
    """Attribute values and text of *root* and every element in it, in document order."""
    pieces: list[str] = []
    for el in root.iter():
        values = el.values()  # attribute values (namespace declarations are not attributes)
        if values:
            pieces.extend(values)
        if el.text:
            pieces.append(el.text)
    return pieces


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


# --- one piece scanned for many files --------------------------------------------------------

_SPLIT_MARK = b"<kohyo-leakcheck-split/>"  # an empty element holds no text: it marks a place


@dataclass(frozen=True)
class ScannedPiece:
    """A part placed in many files as ``head + middle + tail``, head and tail scanned once.

    The middle (one element, or nothing; a sheet's header/footer) differs from file to file and
    is scanned in each. The head is kept deflated and sync-flushed (the start of every file's
    member), so a member is proved to hold it by its compressed bytes."""

    head: bytes  # deflated (kohyo.xlsx.zipcopy.deflate_piece, not last)
    head_crc: int
    head_size: int
    tail: bytes
    found: frozenset[str] | None  # the candidates in the head's and tail's text; None: unread
    head_end: str  # the last (longest candidate - 1) characters of the head's text joined
    tail_start: str  # the first ones of the tail's
    tail_apart: bool  # the tail's text is empty or begins with ASCII (normalised on its own)


def scan_piece(head: bytes, deflated_head: bytes, tail: bytes, needles: Needles) -> ScannedPiece:
    """*head* and *tail* (the XML around the middle) scanned for every one of *needles*: the
    candidate markers of every file the piece goes to (:meth:`MarkerIndex.candidates`)."""
    crc = zlib.crc32(head)
    try:
        root = etree.fromstring(head + _SPLIT_MARK + tail, _STRICT)
    except etree.XMLSyntaxError:
        return ScannedPiece(deflated_head, crc, len(head), tail, None, "", "", False)
    pieces: list[str] = []
    splits: list[int] = []  # how many pieces stand before the mark (one mark, none inside)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.rpartition("}")[2] == "kohyo-leakcheck-split":
            splits.append(len(pieces))
        values = el.values()
        if values:
            pieces.extend(values)
        if el.text:
            pieces.append(el.text)
    if len(splits) != 1:
        return ScannedPiece(deflated_head, crc, len(head), tail, None, "", "", False)
    head_text, tail_text = "".join(pieces[: splits[0]]), "".join(pieces[splits[0] :])
    joined_head, joined_tail = _norm(head_text), _norm(tail_text)
    found = needles.find(_norm_each(pieces) + _SEP + joined_head + _SEP + joined_tail)
    edge = max(needles.longest - 1, 0)
    return ScannedPiece(
        deflated_head, crc, len(head), tail, frozenset(found),
        joined_head[len(joined_head) - edge :] if edge else "", joined_tail[:edge],
        not tail_text or tail_text[0].isascii(),
    )  # fmt: skip


def scan_town_package(
    path: Path,
    markers: dict[str, int | None],
    placed: dict[str, ScannedPiece],
    candidates: set[str] | frozenset[str],
) -> list[Leak]:
    """:func:`scan_package` of a file whose members *placed* names are meant to be those
    pieces around a middle of their own, each scanned for *candidates*. A member proved to be
    its piece (see :class:`ScannedPiece`) has its middle scanned and the piece's findings
    taken; every other part, or a member that is not what it should be, is scanned whole
    (and so is everything when a marker is no candidate or holds a separator)."""
    if not markers.keys() <= candidates or any(_SEP in m or _PIECE in m for m in markers):
        placed = {}
    source = ZipSource(path.read_bytes())
    texts: list[tuple[str, str]] = []  # (part, text searched here)
    taken: dict[str, frozenset[str]] = {}  # part -> candidates the piece's scan found
    for info in source.infos:
        name = info.filename
        piece = placed.get(name)
        middle = _middle_text(source, info, piece) if piece is not None else None
        if middle is None or piece is None or piece.found is None:
            texts.append((name, _part_text(source.read(name))))
        else:
            texts.append((name, middle))
            taken[name] = piece.found
    present = _occurring(markers, _SEP.join(text for _name, text in texts))
    present |= {m for found in taken.values() for m in found if m in markers}
    found = [(m, n) for m, n in markers.items() if m in present]
    leaks: list[Leak] = []
    for name, text in texts:
        own = taken.get(name, frozenset())
        for marker, number in found:
            if marker in text or marker in own:
                leaks.append(Leak(name, marker, number))
    return leaks


def _middle_text(source: ZipSource, info: zipfile.ZipInfo, piece: ScannedPiece) -> str | None:
    """The text to search in a member that holds *piece* around a middle: the middle's text,
    and its joins with the piece's text on either side; None when the member is not proved
    to be the piece's head, a middle and its tail as written, or its text does not split."""
    if piece.found is None or info.compress_type != zipfile.ZIP_DEFLATED:
        return None
    data = source.compressed(info.filename)
    if not data.startswith(piece.head):
        return None
    inflate = zlib.decompressobj(-15)
    try:  # the rest was deflated on its own: it inflates alone, or it is not ours
        rest = inflate.decompress(data[len(piece.head) :])
    except zlib.error:
        return None
    if not inflate.eof or inflate.unused_data or not rest.endswith(piece.tail):
        return None
    if (info.file_size, info.CRC) != (
        piece.head_size + len(rest),
        zlib.crc32(rest, piece.head_crc),
    ):
        return None
    middle = rest[: len(rest) - len(piece.tail)]
    pieces: list[str] = []
    if middle:
        if middle[:1] != b"<" or middle[1:2] in (b"?", b"!"):
            return None
        try:
            root = etree.fromstring(middle, _STRICT)
        except etree.XMLSyntaxError:
            return None
        if root.getprevious() is not None or root.getnext() is not None:
            return None  # comments or processing instructions beside it: scan the part whole
        pieces = _pieces(root)
    middle_text = "".join(pieces)
    # The joined text of the part is the head's, the middle's and the tail's normalised apart
    # when the middle's and the tail's begin with ASCII: nothing composes across.
    if (middle_text and not middle_text[0].isascii()) or not piece.tail_apart:
        return None
    window = piece.head_end + _norm(middle_text) + piece.tail_start
    return _norm_each(pieces) + _SEP + window
