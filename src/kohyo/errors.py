"""Exceptions that end a command with one clear message (exit code 2).

Problems *in* the master are findings, not exceptions: they are collected and
reported together. These are for "could not run at all": a missing file, a
file that is not an xlsx, a bad config, a locked master.
"""

from __future__ import annotations


class KohyoError(Exception):
    """A problem that stops the command. ``message`` is Japanese and says what to do."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message


class ConfigError(KohyoError):
    """config.toml is missing, unreadable or holds a bad value."""


class WorkbookError(KohyoError):
    """The master (or another input workbook) cannot be opened or read."""


class LockedError(KohyoError):
    """The master is open in Excel (or otherwise not writable)."""


class WriteError(KohyoError):
    """Writing failed; the original file was left untouched."""
