"""Free text compared the way an amendment is read: by paragraph and sentence. Pure.

A 個表's 内容 is a few ○ paragraphs of one or two sentences each. An amendment adds,
deletes or rewrites whole sentences (the seed's 「…」との記述を削除), so the unit of
comparison is the sentence, and a sentence that only differs in white space or in
full-width/half-width forms is the same sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

_WS = re.compile(r"\s+")
_PARAGRAPH = re.compile(r"(?=[○◯])")
_SENTENCE = re.compile(r"(?<=。)")

REWRITE_SIMILARITY = 0.5
"""Two sentences in the same place that are at least this similar are one sentence
rewritten (「…」との記述を「…」に変更); below it, one was deleted and another added."""

ChangeKind = Literal["added", "removed", "changed"]
SegmentKind = Literal["same", "del", "ins"]


@dataclass(frozen=True)
class Unit:
    """One sentence; ``starts_paragraph`` keeps the paragraph breaks for rendering."""

    text: str
    starts_paragraph: bool

    @property
    def key(self) -> str:
        return text_key(self.text)


@dataclass(frozen=True)
class UnitChange:
    """One unit of text (a sentence, an item) added, removed or changed."""

    change: ChangeKind
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Segment:
    """A piece of text in a marked-up (見え消し) rendering."""

    text: str
    kind: SegmentKind = "same"
    starts_paragraph: bool = False


def text_key(text: str) -> str:
    """The form two texts are compared in: NFKC, white space removed."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def similarity(a: str, b: str) -> float:
    """difflib's ratio of the two keys (autojunk off: it would junk common kana like の)."""
    ka, kb = text_key(a), text_key(b)
    if not ka and not kb:
        return 1.0
    return SequenceMatcher(None, ka, kb, autojunk=False).ratio()


def split_units(text: str) -> list[Unit]:
    """Paragraphs (each opens with ○), then sentences ending in 。.

    A line break alone is wrapping that staff typed (Alt+Enter), not a new paragraph: it
    stays inside the unit's text and is ignored when comparing.
    """
    units: list[Unit] = []
    for paragraph in _PARAGRAPH.split(text):
        first = True
        for sentence in _SENTENCE.split(paragraph.strip()):
            if sentence.strip():
                units.append(Unit(sentence.strip(), first))
                first = False
    return units


def first_paragraph(text: str) -> str:
    """The first ○ paragraph of 内容 (the 事業概要 of the 新規 table)."""
    units = split_units(text)
    out: list[str] = []
    for i, unit in enumerate(units):
        if i and unit.starts_paragraph:
            break
        out.append(unit.text)
    return "".join(out)


def quote(sentence: str) -> str:
    """A sentence as the overview quotes it: without the opening ○ and the closing 。."""
    return sentence.strip().lstrip("○◯").rstrip("。").strip()


def _opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    ops = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return [(str(tag), i1, i2, j1, j2) for tag, i1, i2, j1, j2 in ops]


def diff_sequences(old: list[str], new: list[str]) -> list[UnitChange]:
    """Added, removed and rewritten items of two lists of texts, compared by key."""
    changes: list[UnitChange] = []
    for tag, i1, i2, j1, j2 in _opcodes([text_key(t) for t in old], [text_key(t) for t in new]):
        if tag == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        if len(olds) == len(news) and all(
            similarity(a, b) >= REWRITE_SIMILARITY for a, b in zip(olds, news, strict=True)
        ):
            changes.extend(UnitChange("changed", a, b) for a, b in zip(olds, news, strict=True))
            continue
        changes.extend(UnitChange("removed", a, None) for a in olds)
        changes.extend(UnitChange("added", None, b) for b in news)
    return changes


def diff_text(old: str, new: str) -> list[UnitChange]:
    """Sentence-level changes between two free texts."""
    return diff_sequences([u.text for u in split_units(old)], [u.text for u in split_units(new)])


def mark_text(old: str, new: str) -> list[Segment]:
    """The new text with deleted sentences kept and struck through (見え消し)."""
    return _mark(split_units(old), split_units(new))


def mark_items(old: list[str], new: list[str]) -> list[Segment]:
    """Like :func:`mark_text` for a list of one-paragraph items (the ※ notes)."""
    return _mark([Unit(t, True) for t in old], [Unit(t, True) for t in new])


def _mark(a: list[Unit], b: list[Unit]) -> list[Segment]:
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in _opcodes([u.key for u in a], [u.key for u in b]):
        if tag == "equal":
            segments.extend(Segment(u.text, "same", u.starts_paragraph) for u in b[j1:j2])
            continue
        segments.extend(Segment(u.text, "del", u.starts_paragraph) for u in a[i1:i2])
        segments.extend(Segment(u.text, "ins", u.starts_paragraph) for u in b[j1:j2])
    return segments


def mark_value(old: str | None, new: str | None) -> list[Segment]:
    """One cell's value: unchanged, or the old one struck through beside the new one."""
    old_s, new_s = old or "", new or ""
    if text_key(old_s) == text_key(new_s):
        return [Segment(new_s)] if new_s else []
    out = []
    if old_s:
        out.append(Segment(old_s, "del"))
    if new_s:
        out.append(Segment(new_s, "ins"))
    return out
