"""Everything a person reads, in Japanese (default) and English: ``t(key, **fields)``.

Findings carry their own templates (:mod:`kohyo.check.findings`); this catalogue holds
everything else: command reports and progress, table headings, the severity labels,
and every reason a command cannot run (file missing, not an xlsx, locked, bad config).
It is split by pipeline stage, one module per stage with a ``MESSAGES`` dict; a key
lives in exactly one of them (checked whenever a module is loaded, and for all of them
by tests/test_lang.py). A stage's module is loaded the first time one of its keys is
asked for — :data:`ROUTES` says which modules hold the keys of each first part — so
``kohyo validate`` does not load the mail and distribution texts. The language is chosen
when the message is made, from ``KOHYO_LANG`` (which ``--lang`` sets): ``en``… for
English, anything else for Japanese. The terms are the seed's (個表, 事業費見込額, 総括表 …),
glossed in English.

Not here: the texts kohyo writes *into* documents (the 個表 labels, the change
overview, the mail templates) — those are Japanese documents by design.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, Mapping

__all__ = ["CATALOGUE", "ROUTES", "STAGES", "current_lang", "severity_label", "t"]

# The stage modules of this package, in the order their keys are listed.
STAGES = ("common", "cli", "read", "check", "edit", "write", "distribute", "overview",
          "mail", "sample", "book", "data", "collect")  # fmt: skip

# The first part of a key (``refresh`` of ``refresh.saved``) -> the stage modules holding
# keys that start with it. tests/test_lang.py checks this against the modules themselves.
ROUTES: dict[str, tuple[str, ...]] = {
    "atomic": ("write",),
    "blank": ("write",),
    "book": ("book",),
    "check": ("check",),
    "cli": ("common",),
    "codes": ("check",),
    "collect": ("collect",),
    "config": ("common", "collect"),
    "diff": ("overview",),
    "distribute": ("common", "distribute"),
    "edit": ("edit",),
    "export": ("data",),
    "file": ("common",),
    "findings": ("check",),
    "help": ("cli", "book"),
    "history": ("data",),
    "init": ("common",),
    "layout": ("write",),
    "list": ("common",),
    "live": ("common",),
    "lock": ("common",),
    "look": ("write", "book"),
    "mail": ("common", "mail"),
    "manifest": ("distribute",),
    "names": ("write",),
    "new": ("edit",),
    "overview": ("overview",),
    "package": ("read",),
    "parse": ("read",),
    "patch": ("write",),
    "pdf": ("write",),
    "refresh": ("edit",),
    "rename": ("write",),
    "render": ("check",),
    "report": ("common", "check"),
    "sample": ("sample",),
    "severity": ("check",),
    "sheetname": ("write",),
    "summary": ("write",),
    "templates": ("common",),
    "usage": ("cli",),
    "validate": ("check",),
    "value": ("common",),
    "workbook": ("read",),
    "write": ("common", "distribute"),
}

# key -> (Japanese, English), of the stage modules loaded so far. Fields are str.format
# fields; both texts use the same ones.
_texts: dict[str, tuple[str, str]] = {}
_loaded: set[str] = set()


def _load(stage: str) -> None:
    if stage in _loaded:
        return
    messages: dict[str, tuple[str, str]] = importlib.import_module(f"{__name__}.{stage}").MESSAGES
    for key in messages:
        if key in _texts:
            raise RuntimeError(f"message key {key!r} is defined twice ({stage})")
    _texts.update(messages)
    _loaded.add(stage)


def _find(key: str) -> tuple[str, str] | None:
    texts = _texts.get(key)
    if texts is None:
        for stage in ROUTES.get(key.partition(".")[0], ()):
            _load(stage)
            texts = _texts.get(key)
            if texts is not None:
                break
    return texts


class Catalogue(Mapping[str, tuple[str, str]]):
    """Every message, key -> (Japanese, English); a stage's module is loaded when one of
    its keys is looked up, all of them when the catalogue is listed."""

    def __getitem__(self, key: str) -> tuple[str, str]:
        texts = _find(key)
        if texts is None:
            raise KeyError(key)
        return texts

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and _find(key) is not None

    def __iter__(self) -> Iterator[str]:
        for stage in STAGES:
            _load(stage)
        return iter(dict(_texts))

    def __len__(self) -> int:
        for stage in STAGES:
            _load(stage)
        return len(_texts)


CATALOGUE = Catalogue()


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
