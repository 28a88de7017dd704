"""What ``kohyo distribute`` does for collect: mark each town's workbook (its base is kept by
:func:`kohyo.collect.base.write_bases`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kohyo.collect.base import SentSheet
from kohyo.collect.marks import distribution_id, load_key, make_marks
from kohyo.config import Config

Properties = Callable[[str], list[tuple[str, str]]]
"""``properties(cover_sheet_name)``: the custom document properties of one town's workbook."""


@dataclass(frozen=True)
class Stamp:
    key: bytes
    distribution: str


def open_stamp(config: Config, issued: date, master_sha256: str) -> Stamp:
    """The key (made beside config.toml on first use) and this distribution's id."""
    key = load_key(config, create=True)
    assert key is not None
    return Stamp(key, distribution_id(issued, master_sha256))


def town_marks(stamp: Stamp, town: str, sheets: list[SentSheet]) -> Properties:
    """The marks of *town*'s workbook from its sent sheets (:func:`sent_sheets`), which the
    distribution computes once per 個表 rather than per town."""
    return lambda cover: make_marks(stamp.key, town, stamp.distribution, cover, sheets).properties()
