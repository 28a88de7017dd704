"""Messages of writing: the xlsx patcher, atomic replacement, file names, PDF."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {}
