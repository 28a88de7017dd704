"""Leak check: does a file meant for one municipality hold anything of another's projects?

A town must never receive a project it is not part of. The check takes every
distinctive text of the projects the town is *not* in (names, content and
effect sentences, KPI names, notes), drops what also occurs in the town's own
projects, and searches every XML part of the file — cells, shared strings,
defined names, comments, document properties — for what remains.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .model import Master, Project
from .normalize import nfkc

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
    own: set[str] = set()
    for p in master.projects:
        if town in p.municipalities:
            own |= project_texts(p)
    markers: dict[str, int | None] = {}
    for p in master.projects:
        if town in p.municipalities:
            continue
        for text in project_texts(p):
            if len(text) >= MIN_MARKER and not any(text in o for o in own):
                markers[text] = p.number
    return markers


def scan_package(path: Path, markers: dict[str, int | None]) -> list[Leak]:
    """Every (part, marker) where a marker's text occurs in the package's XML."""
    leaks: list[Leak] = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            data = zf.read(info.filename)
            text = _part_text(data)
            for marker, number in markers.items():
                if marker in text:
                    leaks.append(Leak(info.filename, marker, number))
    return leaks


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
        pieces.extend(v for v in el.attrib.values())
        if el.text:
            pieces.append(el.text)
    # Runs of a rich-text cell are siblings: join them without a separator as well.
    return "\x1f".join(_norm(p) for p in pieces) + "\x1f" + _norm("".join(pieces))


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", nfkc(text))


def normalise_for_search(text: str) -> str:
    """*text* as markers are searched for: NFKC, with no white space at all."""
    return _norm(text)
