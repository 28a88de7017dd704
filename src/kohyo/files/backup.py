"""Backups of the master: written as atomically as the master, recorded, rotated.

Each backup is ``backup_dir/<stem>_<YYYYmmdd-HHMMSS>[_NN]<suffix>`` beside its record
``<name>.sha256`` (one line in ``sha256sum`` format). Same-second backups get ``_01``,
``_02``… (not ``-1``: ``-`` sorts before ``.``, ``_`` after it, so names sort by time).
Rotation counts and keeps only backups that match their record: a broken one (a killed
copy from an older kohyo, a file changed since) is removed, never counted. A backup with no
record that is a whole zip was made before backups had records: it is left alone, not counted.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

from kohyo.errors import WriteError
from kohyo.files.atomic import cleanup_stale_temps, crash_point, write_atomically
from kohyo.files.digest import CHUNK, file_digest, new_hasher
from kohyo.messages import t

RECORD_SUFFIX = ".sha256"
_Backup = tuple[tuple[str, int], Path]  # ((timestamp, same-second counter), path)


def _backup_pattern(stem: str, suffix: str) -> re.Pattern[str]:
    return re.compile(re.escape(stem) + r"_(\d{8}-\d{6})(?:_(\d{2,}))?" + re.escape(suffix) + r"\Z")


def _backups(backup_dir: str | os.PathLike[str], stem: str, suffix: str) -> list[_Backup]:
    pat = _backup_pattern(stem, suffix)
    try:
        entries = list(Path(backup_dir).iterdir())
    except FileNotFoundError:
        return []
    return sorted(((m[1], int(m[2] or 0)), p) for p in entries if (m := pat.match(p.name)))


def list_backups(backup_dir: str | os.PathLike[str], stem: str, suffix: str) -> list[Path]:
    """Backups of one master (same stem and suffix), oldest first — whole or not."""
    return [p for _, p in _backups(backup_dir, stem, suffix)]


def record_of(backup: Path) -> Path:
    """The backup's record: ``<name>.sha256``, one line in ``sha256sum`` format."""
    return backup.with_name(backup.name + RECORD_SUFFIX)


def backup_verifies(backup: Path) -> bool:
    """Whether *backup* is whole: its record names the digest it has now."""
    try:
        recorded = record_of(backup).read_text(encoding="utf-8").split()
        return bool(recorded) and recorded[0] == file_digest(backup)
    except (OSError, UnicodeDecodeError):
        return False


def changed_error(target: Path) -> WriteError:
    return WriteError(t("write.changed", name=target.name), path=str(target))


def make_backup(target: Path, backup_dir: Path, now: datetime, expected_digest: str) -> Path:
    """Copy ``target`` to a fresh, chronologically sorting name, as atomically as the master.

    The copy goes to a temp file in *backup_dir* (its digest checked while copying, then
    fsynced and re-read), gets the master's permissions and time, and only then its name —
    never an existing one. Its record (``<name>.sha256``) follows; without a record that
    matches, rotation neither counts nor keeps it.
    """
    backup_dir.mkdir(parents=True, exist_ok=True)
    cleanup_stale_temps(backup_dir)
    ts = now.strftime("%Y%m%d-%H%M%S")
    taken = [k for k, _ in _backups(backup_dir, target.stem, target.suffix) if k[0] == ts]
    first = max((k[1] + 1 for k in taken), default=0)  # after the last, even if earlier ones went

    def name(n: int) -> Path:
        return backup_dir / f"{target.stem}_{ts}{f'_{n:02d}' if n else ''}{target.suffix}"

    def copy(tmp: Path) -> None:
        h = new_hasher()
        with open(tmp, "wb") as out, open(target, "rb") as src:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                h.update(chunk)
                out.write(chunk)
                crash_point("backup-during-write")
        if h.hexdigest() != expected_digest:
            raise changed_error(target)
        shutil.copystat(target, tmp)  # the master's permissions and modification time

    def verify(tmp: Path) -> None:
        if file_digest(tmp) != expected_digest:
            raise OSError(f"the copy in {tmp.name} does not match what was read")

    chosen: list[Path] = []

    def claim(tmp: Path, _: Path) -> None:  # a concurrent run never loses its name to us
        n = first
        while True:
            try:
                _link_new(tmp, name(n))
                break
            except FileExistsError:
                n += 1
        chosen.append(name(n))

    write_atomically(name(first), copy, verify=verify, commit=claim, crash_prefix="backup-")
    backup = chosen[0]
    try:
        record = f"{expected_digest}  {backup.name}\n".encode()
        write_atomically(record_of(backup), record, crash_prefix="record-")
    except BaseException:
        backup.unlink(missing_ok=True)
        raise
    return backup


def _link_new(tmp: Path, dest: Path) -> None:
    """Give *tmp*'s file the name *dest* too; FileExistsError if *dest* exists."""
    if os.name == "nt":
        os.rename(tmp, dest)  # never replaces on Windows
        return
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if os.path.lexists(dest):
            raise FileExistsError(dest) from None
        os.rename(tmp, dest)


def prune_backups(target: Path, backup_dir: Path, keep: int) -> None:
    """Keep the newest *keep* backups that verify; remove the rest and every broken one.

    A backup with no record at all that is a whole zip was written before backups were
    recorded: it is kept and not counted.
    """
    whole: list[Path] = []
    for backup in list_backups(backup_dir, target.stem, target.suffix):
        if backup_verifies(backup):
            whole.append(backup)
        elif record_of(backup).exists() or not zipfile.is_zipfile(backup):
            remove_backup(backup)
    for old in whole[:-keep]:
        remove_backup(old)
    pat = _backup_pattern(target.stem, target.suffix)
    with contextlib.suppress(OSError):
        for p in backup_dir.iterdir():
            name = p.name.removesuffix(RECORD_SUFFIX)
            if name != p.name and pat.match(name) and not (backup_dir / name).exists():
                p.unlink()  # the record of a backup that is gone


def remove_backup(backup: Path) -> None:
    with contextlib.suppress(OSError):  # e.g. a backup open in Excel: the write is fine
        backup.unlink()
        record_of(backup).unlink(missing_ok=True)
