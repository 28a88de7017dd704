"""Characters that act without being seen: control characters and bidi controls.

A U+202E (RIGHT-TO-LEFT OVERRIDE) in a town's name makes ``…_個表_xslx.exe`` read as
``…_個表_exe.xlsx``; a CR/LF in a mail header starts a new header. config.py refuses
them in every name that goes into a file name, a sheet name or a mail header;
validate reports them in the master's text (finding ``control-character``), and the
writers remove them from every cell they write. One definition serves all three.
"""

from __future__ import annotations

import re

_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"  # LRM RLM, LRE…RLO, LRI…PDI
_NAME_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
# Cell text keeps tab and line breaks (CR is read as a line break).
_TEXT_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
BIDI_CONTROLS = re.compile(f"[{_BIDI}]")


def unsafe_in_name(text: str) -> list[str]:
    """The control and bidi characters in a one-line name, each once, in order."""
    return list(dict.fromkeys(_NAME_UNSAFE.findall(text)))


def unsafe_in_text(text: str) -> list[str]:
    """The control and bidi characters in cell text (tab and line breaks allowed)."""
    return list(dict.fromkeys(_TEXT_UNSAFE.findall(text)))


def strip_unsafe_text(text: str) -> str:
    """*text* without the characters :func:`unsafe_in_text` finds."""
    return _TEXT_UNSAFE.sub("", text)


def codepoints(chars: list[str]) -> str:
    """``U+202E U+000A``: how a message names characters it must not print."""
    return " ".join(f"U+{ord(c):04X}" for c in chars)


def visible(text: str, *, limit: int | None = None) -> str:
    """*text* with each control character shown as ``<U+202E>`` (safe to print);
    cut to *limit* characters of the original with ``…`` when longer."""
    cut = text if limit is None or len(text) <= limit else text[:limit] + "…"
    return _NAME_UNSAFE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", cut)
