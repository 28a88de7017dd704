"""Messages of the command frame: usage errors, option help, and the per-command reports of distribute, diff and mail."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {}
