"""File and folder names that work on Windows, made from configurable patterns.

The distribution's files travel to other municipalities' Windows PCs, mail
gateways and file servers, so every name is made safe for the strictest of them:
no characters Windows forbids (``<>:"/\\|?*``) or control characters, no reserved
device names (``CON``, ``NUL``, ``COM1`` …, with or without an extension), no
trailing dots or spaces, and a whole path no longer than :data:`MAX_PATH_CHARS`
(Windows' classic limit is 260; the margin leaves room for Excel's ``~$`` owner
file and for a copy into a slightly deeper folder).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from kohyo.config import Config
from kohyo.errors import ConfigError, KohyoError
from kohyo.messages import t

MAX_PATH_CHARS = 240
TEMP_NAME_CHARS = 48  # kohyo.files.atomic.temp_path_beside() makes names of at most 47 characters
REPLACEMENT = "_"

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|(COM|LPT)[0-9¹²³])", re.IGNORECASE)


def safe_name(name: str) -> str:
    """*name* as one path component Windows accepts (never empty)."""
    name = unicodedata.normalize("NFC", name)
    name = _FORBIDDEN.sub(REPLACEMENT, name)
    name = name.strip(" ").rstrip(". ")
    if not name:
        return REPLACEMENT
    stem, dot, rest = name.partition(".")
    if _RESERVED.fullmatch(stem.rstrip(" ")):
        name = stem + REPLACEMENT + dot + rest
    return name


def fit_name(folder: Path, name: str, limit: int = MAX_PATH_CHARS) -> str:
    """*name*, its stem shortened so that ``folder / name`` has at most *limit* characters.

    The folder must leave room for at least :data:`TEMP_NAME_CHARS` characters, so the
    temporary file written before the rename fits as well.
    """
    room = limit - len(str(folder)) - 1
    if room < TEMP_NAME_CHARS:
        raise KohyoError(
            t("names.folder_too_long", length=len(str(folder)), folder=folder),
            path=str(folder),
        )
    if len(name) <= room:
        return name
    suffix = Path(name).suffix
    return safe_name(name[: len(name) - len(suffix)][: room - len(suffix)] + suffix)


def distribution_folder(config: Config, day: date, out_dir: Path | None) -> Path:
    """*out_dir*, or ``paths.output_dir / distribution.folder_pattern`` for *day*."""
    if out_dir is not None:
        return Path(out_dir)
    pattern = config.distribution.folder_pattern
    try:
        name = pattern.format(date=day.isoformat(), area=config.area.short_name)
    except (KeyError, IndexError, ValueError):
        raise ConfigError(
            t("names.folder_pattern", path=config.path, pattern=repr(pattern)),
            path=str(config.path),
        ) from None
    parts = [safe_name(p) for p in re.split(r"[/\\]", name) if p.strip()]
    return config.paths.output_dir.joinpath(*parts) if parts else config.paths.output_dir


def distribution_file_names(
    config: Config, towns: Iterable[str], day: date, folder: Path
) -> dict[str, str]:
    """town -> xlsx file name from ``distribution.filename_pattern``; names are unique."""
    pattern = config.distribution.filename_pattern
    names: dict[str, str] = {}
    seen: dict[str, str] = {}
    for town in towns:
        raw = pattern.format(
            area=config.area.short_name, town=town, date=day.isoformat(), number=""
        )
        if not raw.lower().endswith(".xlsx"):
            raw += ".xlsx"
        name = fit_name(folder.resolve(), safe_name(raw))
        key = name.casefold()  # Windows folders ignore case
        if key in seen:
            raise ConfigError(
                t(
                    "names.same_file_name",
                    path=config.path,
                    pattern=repr(pattern),
                    first=seen[key],
                    town=town,
                    name=name,
                ),
                path=str(config.path),
            )
        seen[key] = town
        names[town] = name
    return names
