"""Everything a person reads, in Japanese (default) and English: ``t(key, **fields)``.

Findings carry their own templates (:mod:`kohyo.check.findings`); this catalogue holds
everything else: command reports and progress, table headings, the severity labels,
and every reason a command cannot run (file missing, not an xlsx, locked, bad config).
It is split by pipeline stage, one module per stage with a ``MESSAGES`` dict; a key
lives in exactly one of them (checked on import). The language is chosen when the
message is made, from ``KOHYO_LANG`` (which ``--lang`` sets): ``en``… for English,
anything else for Japanese. The terms are the seed's (個表, 事業費見込額, 総括表 …),
glossed in English.

Not here: the texts kohyo writes *into* documents (the 個表 labels, the change
overview, the mail templates) — those are Japanese documents by design.
"""

from __future__ import annotations

import os

from kohyo.messages import (
    book,
    check,
    cli,
    collect,
    common,
    data,
    distribute,
    edit,
    mail,
    overview,
    read,
    sample,
    write,
)

__all__ = ["CATALOGUE", "current_lang", "severity_label", "t"]

_MODULES = (
    common,
    cli,
    read,
    check,
    edit,
    write,
    distribute,
    overview,
    mail,
    sample,
    book,
    data,
    collect,
)


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for module in _MODULES:
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} is defined twice ({module.__name__})")
            merged[key] = texts
    return merged


# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
CATALOGUE: dict[str, tuple[str, str]] = _merge()


def current_lang() -> str:
    """``en`` when KOHYO_LANG starts with "en", else ``ja``."""
    lang = os.environ.get("KOHYO_LANG", "ja").lower()
    return "en" if lang.startswith("en") else "ja"


def t(key: str, /, **fields: object) -> str:
    """The message *key* in the current language, with *fields* filled in."""
    ja, en = CATALOGUE[key]
    return (en if current_lang() == "en" else ja).format(**fields)


def severity_label(severity: str) -> str:
    """エラー / 警告 / 情報 (error / warning / info) in the current language."""
    return t(f"severity.{severity}")
