"""Text from the master made inert for Markdown: the ``md`` filter of overview.md.j2.

Anything a cell holds — ``[link](javascript:…)``, ``![img](http://…)``, ``<script>``,
``# heading`` — must reach overview.md as the characters staff typed, never as
markup a viewer acts on. Backslash escapes (CommonMark §2.4) rather than HTML
entities: the file is also read as plain text, where ``&lt;`` would show as such.
"""

from __future__ import annotations

import re

# The ASCII punctuation Markdown reads as markup (CommonMark, GFM tables and strikethrough).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!<>|~])")
# At the start of a line only: "- x" and "1. x" would begin a list.
_LIST_START = re.compile(r"^(\s*)(-|\d+(?=\.))")


def md_escape(text: object) -> str:
    """*text* as one inert line for a Markdown table cell, heading or list item.

    Line breaks become ``<br>`` (the only markup kohyo adds); a leading ``1.`` or ``-``
    cannot start a list. A ``-`` inside a line (``2-3 億円``) is left alone.
    """
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(_escape_line(line) for line in lines)


def _escape_line(line: str) -> str:
    body = _SPECIAL.sub(r"\\\1", line)
    match = _LIST_START.match(body)
    if match is None:
        return body
    lead, marker = match.groups()
    if marker == "-":
        return f"{lead}\\-{body[match.end() :]}"
    return f"{lead}{marker}\\{body[match.end() :]}"  # "1." -> "1\."
