"""The collect ledger: one JSON line per return taken into the master, beside the distribution.

``<distribution folder>/collect_ledger.jsonl``, append-only and fsynced line by line (like
mail's ledger). A return whose (town, distribution id, file sha256) is recorded is not taken
in again: collecting the same return twice applies nothing.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from kohyo.errors import WriteError
from kohyo.messages import t

LEDGER_NAME = "collect_ledger.jsonl"


def ledger_path(folder: Path) -> Path:
    return folder / LEDGER_NAME


def taken_keys(folder: Path) -> set[tuple[str, str, str]]:
    """(town, distribution, file sha256) of every recorded return; damaged lines are skipped."""
    try:
        raw = ledger_path(folder).read_bytes()
    except FileNotFoundError:
        return set()
    except OSError as exc:
        raise WriteError(t("collect.ledger.unreadable", path=ledger_path(folder),
                           reason=exc.strerror)) from None  # fmt: skip
    keys = set()
    for line in raw.split(b"\n"):
        try:
            r = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # a line cut short by a crash: that return was not recorded
        if isinstance(r, dict):
            keys.add((str(r.get("town")), str(r.get("distribution")), str(r.get("file_sha256"))))
    return keys


def record(folder: Path, entry: dict[str, Any]) -> None:
    """Append *entry* (with the time) as one line, and fsync it."""
    path = ledger_path(folder)
    line = json.dumps({"at": datetime.now().isoformat(timespec="seconds"), **entry},
                      ensure_ascii=False, sort_keys=True) + "\n"  # fmt: skip
    try:
        with path.open("ab") as f:
            f.write(line.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise WriteError(t("collect.ledger.cannot_write", path=path, reason=exc.strerror),
                         path=str(path)) from exc  # fmt: skip
