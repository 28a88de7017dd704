"""Messages of reading: the zip package, the workbook parts, sheets skipped by the parser."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {}
