"""The sent ledger: one JSON line per message the SMTP server accepted.

Append-only and fsynced line by line, so that after a crash or a dropped
connection it names exactly what went out. :func:`kohyo.mail.send.run_mail` reads
it to skip what was already sent and appends each message the server accepts.

A sending run holds :meth:`Ledger.locked` from before it reads the ledger until its
last append: an exclusive OS lock on ``mail_ledger.jsonl.lock`` (``fcntl.flock`` /
``msvcrt.locking``), which the OS releases when the process ends, however it ends.
The lock file names its holder (pid, host, start time) for the run that is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from kohyo import __version__
from kohyo.distribute.manifest import Manifest
from kohyo.mail.prepare import MailError, Outgoing
from kohyo.messages import t

LEDGER_NAME = "mail_ledger.jsonl"
LOCK_SUFFIX = ".lock"
# Windows locks are mandatory: lock a byte far past the holder's note so others can read it.
_WINDOWS_LOCK_OFFSET = 2**20


class Ledger:
    """JSON Lines, one line per message the server accepted; append-only, fsynced per line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def records(self) -> list[dict[str, Any]]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise MailError(
                t("mail.ledger.unreadable", path=self.path, reason=exc.strerror)
            ) from None
        lines = raw.split(b"\n")
        tail = lines.pop()  # b"" when the file ends with a newline
        out: list[dict[str, Any]] = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError):
                record = None
            if not isinstance(record, dict):
                raise MailError(
                    t("mail.ledger.bad_line", path=self.path, line=number),
                    path=str(self.path),
                )
            out.append(record)
        # A last line without its newline was cut short by a crash while being written:
        # its message may or may not have gone out; keep it only if it is complete.
        with contextlib.suppress(UnicodeDecodeError, json.JSONDecodeError):
            record = json.loads(tail) if tail.strip() else None
            if isinstance(record, dict):
                out.append(record)
        return out

    def sent_keys(self) -> set[tuple[str, frozenset[str]]]:
        keys: set[tuple[str, frozenset[str]]] = set()
        for r in self.records():
            files = r.get("files") or []
            keys.add((str(r.get("town")), frozenset(str(f.get("sha256")) for f in files)))
        return keys

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + LOCK_SUFFIX)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the ledger for one sending run; MailError (exit 2) naming the holder if taken."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            f = self.lock_path.open("a+b")  # never truncate before holding the lock
        except OSError as exc:
            raise MailError(
                t("mail.lock.cannot_open", path=self.lock_path, reason=exc.strerror),
                path=str(self.lock_path),
            ) from None
        with f:
            if not _try_lock(f):
                raise MailError(
                    t("mail.lock.held", holder=_holder(self.lock_path), path=self.lock_path),
                    path=str(self.lock_path),
                )
            try:
                _write_note(f, _holder_note())
                yield
            finally:
                with contextlib.suppress(OSError):
                    _write_note(f, b"")  # a lock file with a note is a run under way
                _unlock(f)

    def ensure_writable(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab"):
                pass
        except OSError as exc:
            raise MailError(
                t("mail.ledger.not_writable", path=self.path, reason=exc.strerror),
                path=str(self.path),
            ) from None

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
        created = not self.path.exists()
        with self.path.open("ab") as f:
            if f.tell() and not _ends_with_newline(self.path):
                line = b"\n" + line  # never glue a record onto a crash-truncated line
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        if created:
            _fsync_dir(self.path.parent)


def ledger_record(item: Outgoing, manifest: Manifest, response: str, server: str) -> dict[str, Any]:
    letter = item.letter
    return {
        "town": letter.town,
        "recipients": {"to": list(letter.to), "cc": list(letter.cc)},
        "files": [
            {"name": a.name, "kind": a.kind, "sha256": a.sha256, "bytes": len(a.data)}
            for a in letter.attachments
        ],
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "smtp_response": response,
        "message_id": str(item.message["Message-ID"]),
        "server": server,
        "distribution": str(manifest.folder),
        "date": manifest.date,
        "kohyo_version": __version__,
    }


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory; NTFS journals the entry itself
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- the lock ---------------------------------------------------------------------------------


def _try_lock(f: IO[bytes]) -> bool:
    if os.name == "nt":
        import msvcrt

        f.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):
        return False
    return True


def _unlock(f: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        if os.name == "nt":
            import msvcrt

            f.seek(_WINDOWS_LOCK_OFFSET)
            msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _holder_note() -> bytes:
    note = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    return json.dumps(note, ensure_ascii=False).encode("utf-8")


def _write_note(f: IO[bytes], note: bytes) -> None:
    f.truncate(0)
    f.seek(0)
    f.write(note)
    f.flush()


def _holder(lock_path: Path) -> str:
    """Who holds the lock, as the lock file says (the holder may be writing it just now)."""
    note: Any = None
    for _ in range(20):
        with contextlib.suppress(OSError, UnicodeDecodeError, json.JSONDecodeError):
            note = json.loads(lock_path.read_bytes().decode("utf-8"))
        if isinstance(note, dict):
            return t(
                "mail.lock.holder",
                pid=note.get("pid", "?"),
                host=note.get("host", "?"),
                started=note.get("started", "?"),
            )
        time.sleep(0.05)
    return t("mail.lock.holder_unknown")
