"""The one way kohyo replaces the master: temp file beside it, verify, backup, ``os.replace``.

Excel saves the same way, so a kill at any moment leaves the master wholly old or
wholly new (docs/reliability.md, promise 2). Order of :func:`replace_atomically`:

1. remove our own stale temp files in the folder (:func:`cleanup_stale_temps`);
2. refuse if the master is open in Excel or not writable (:func:`check_not_locked`);
3. ``write(tmp)`` into ``.~kohyo-<name>.<host>-<pid>-<random>.kohyo-tmp`` beside the master,
   then flush + fsync it, then ``verify(tmp)``;
4. copy the master to ``backup_dir/<stem>_<YYYYmmdd-HHMMSS>[_NN]<suffix>`` (fsynced), hashing
   the bytes as they are copied: if they no longer match ``expected_digest`` nothing is written;
   then keep only the newest ``keep`` backups of that stem. Same-second backups get ``_01``,
   ``_02``… (not ``-1``: ``-`` sorts before ``.``, ``_`` after it, so names sort by time);
5. ``os.replace(tmp, master)`` and fsync the folder (POSIX only).

Test-only hook: with ``KOHYO_TEST_CRASH_AT=<step>`` (one of ``CRASH_STEPS``) the process
SIGKILLs itself at that step, so tests/test_safe_write.py can crash deterministically.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from kohyo.errors import KohyoError, LockedError, WriteError
from kohyo.messages import t

CRASH_ENV = "KOHYO_TEST_CRASH_AT"
CRASH_STEPS = ("after-write", "after-fsync", "after-verify", "after-backup", "after-replace")
TEMP_PREFIX = ".~kohyo-"
TEMP_SUFFIX = ".kohyo-tmp"
STALE_AFTER_SECONDS = 600.0
_TEMP_RE = re.compile(r"\.~kohyo-.+\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[0-9a-f]{8}\.kohyo-tmp\Z")
_CHUNK = 1 << 20
_T = TypeVar("_T")
_Backup = tuple[tuple[str, int], Path]  # ((timestamp, same-second counter), path)


def crash_point(step: str) -> None:
    """Test-only: SIGKILL this process if ``KOHYO_TEST_CRASH_AT`` names ``step``.

    ``replace_atomically`` calls it at ``CRASH_STEPS``; a test's write callback may call it
    too (the tests use ``"during-write"``). Never set the variable outside tests.
    """
    if os.environ.get(CRASH_ENV) == step:
        # Windows has no SIGKILL; os.kill with SIGTERM there is TerminateProcess, just as hard.
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def file_digest(path: str | os.PathLike[str]) -> str:
    """sha256 (hex) of the file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def owner_file_candidates(path: Path) -> list[Path]:
    """Excel's owner-file names for ``path``: ``~$<name>``, and for long stems ``~$<name[2:]>``.

    Excel (like Word) overwrites the first two characters of a long name. Only stems of 8+
    characters get the truncated form, so ``~$ster.xlsx`` (of ``ster.xlsx``) won't block
    ``master.xlsx``.
    """
    names = ["~$" + path.name]
    if len(path.stem) >= 8:
        names.append("~$" + path.name[2:])
    return [path.with_name(n) for n in names]


def check_not_locked(path: str | os.PathLike[str]) -> None:
    """Raise :class:`LockedError` if ``path`` is open in Excel or cannot be opened for writing."""
    path = Path(path)
    for owner in owner_file_candidates(path):
        if owner.exists():
            raise LockedError(
                t("lock.owner_file", name=path.name, owner=owner.name, hint=t("lock.live_hint")),
                path=str(path),
            )
    try:
        with open(path, "r+b"):
            pass
    except FileNotFoundError as exc:
        raise WriteError(t("lock.missing", name=path.name, path=path), path=str(path)) from exc
    except OSError as exc:  # Windows: PermissionError (WinError 32/5) while Excel holds it
        raise LockedError(
            t(
                "lock.not_writable",
                name=path.name,
                reason=exc.strerror or exc,
                hint=t("lock.live_hint"),
            ),
            path=str(path),
        ) from exc


def _host_token() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _dead_here(host: str, pid: int) -> bool:
    """True only if ``pid`` ran on this host and is gone (never judged on Windows)."""
    # Our own pid may be another thread's write; on Windows os.kill(pid, 0) would *kill* it.
    if host != _host_token() or pid == os.getpid() or os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        pass  # PermissionError: alive, owned by someone else
    return False


def cleanup_stale_temps(
    folder: str | os.PathLike[str], *, max_age: float = STALE_AFTER_SECONDS
) -> list[Path]:
    """Remove temp files a killed kohyo left in ``folder``; return those removed.

    Only names matching our pattern are touched. One is stale when its pid ran on this
    host and is no longer alive (POSIX; a file from another PC on a shared folder is never
    judged by pid), or when it was last modified more than ``max_age`` seconds ago (the
    only rule on Windows). Best effort: a file that cannot be removed is left.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    now = time.time()
    for p in entries:
        m = _TEMP_RE.match(p.name)
        with contextlib.suppress(OSError):
            if m and (now - p.stat().st_mtime > max_age or _dead_here(m["host"], int(m["pid"]))):
                p.unlink()
                removed.append(p)
    return removed


def _backups(backup_dir: str | os.PathLike[str], stem: str, suffix: str) -> list[_Backup]:
    pat = re.compile(re.escape(stem) + r"_(\d{8}-\d{6})(?:_(\d{2,}))?" + re.escape(suffix) + r"\Z")
    try:
        entries = list(Path(backup_dir).iterdir())
    except FileNotFoundError:
        return []
    return sorted(((m[1], int(m[2] or 0)), p) for p in entries if (m := pat.match(p.name)))


def list_backups(backup_dir: str | os.PathLike[str], stem: str, suffix: str) -> list[Path]:
    """Backups of one master (same stem and suffix), oldest first."""
    return [p for _, p in _backups(backup_dir, stem, suffix)]


def _fsync_path(path: Path) -> None:
    with open(path, "r+b") as f:  # Windows needs write access to flush a handle
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return  # directories cannot be opened for fsync on Windows; NTFS journals the rename
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _changed(target: Path) -> WriteError:
    return WriteError(t("write.changed", name=target.name), path=str(target))


def _make_backup(target: Path, backup_dir: Path, now: datetime, expected_digest: str) -> Path:
    """Copy ``target`` to a fresh, chronologically sorting name; check its digest while copying."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    ts = now.strftime("%Y%m%d-%H%M%S")
    taken = [k for k, _ in _backups(backup_dir, target.stem, target.suffix) if k[0] == ts]
    n = max((k[1] + 1 for k in taken), default=0)  # after the last, even if earlier ones went
    while True:  # exclusive create: a concurrent run never overwrites our name
        dest = backup_dir / f"{target.stem}_{ts}{f'_{n:02d}' if n else ''}{target.suffix}"
        try:
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0))
            break
        except FileExistsError:
            n += 1
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, open(target, "rb") as src:
            for chunk in iter(lambda: src.read(_CHUNK), b""):
                h.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if h.hexdigest() != expected_digest:
            raise _changed(target)
        shutil.copystat(target, dest)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    _fsync_dir(backup_dir)
    return dest


def _prune_backups(target: Path, backup_dir: Path, keep: int) -> None:
    for old in list_backups(backup_dir, target.stem, target.suffix)[:-keep]:
        with contextlib.suppress(OSError):  # e.g. a backup open in Excel: the write is fine
            old.unlink()


def _step(target: Path, what: str, fn: Callable[[], _T]) -> _T:
    """Run one pre-replace step; any non-kohyo error becomes a WriteError naming the file."""
    try:
        return fn()
    except KohyoError:
        raise
    except Exception as exc:
        raise WriteError(
            f"「{target.name}」の{what}に失敗しました（{type(exc).__name__}: {exc}）。"
            "元のファイルはそのままで、何も書き込んでいません。",
            path=str(target),
        ) from exc


def temp_path_beside(final: Path) -> Path:
    """A temporary name in *final*'s folder to write to before ``os.replace(tmp, final)``.

    Short (about 45 characters, whatever *final*'s name), so it fits wherever *final*
    fits, and in this module's pattern, so :func:`cleanup_stale_temps` removes it after a crash.
    """
    return final.with_name(f"{TEMP_PREFIX}out{final.suffix}.{_temp_tag()}{TEMP_SUFFIX}")


def _temp_tag() -> str:
    return f"{_host_token()}-{os.getpid()}-{secrets.token_hex(4)}"


def publish_file(
    final: Path,
    write: Callable[[Path], None],
    *,
    check: Callable[[Path], None] | None = None,
) -> None:
    """Write a new output file (not the master): ``write(tmp)`` beside *final*, ``check(tmp)``,
    fsync, then ``os.replace`` — so a file with the final name is always whole and checked.

    The distribution's workbooks and manifest and the booklet are written this way; the temp
    file never survives (a crash leaves one :func:`cleanup_stale_temps` removes). *check* may
    raise a KohyoError to refuse the file (e.g. a leak). Raises WriteError when the final
    name cannot be taken (on Windows: the old file is open in Excel).
    """
    tmp = temp_path_beside(final)
    try:
        write(tmp)
        if check is not None:
            check(tmp)
        _fsync_path(tmp)
        try:
            os.replace(tmp, final)
        except OSError as exc:  # Windows: the previous file is open in Excel
            raise WriteError(
                t("write.publish_failed", name=final.name, reason=exc.strerror or exc),
                path=str(final),
            ) from exc
    finally:
        tmp.unlink(missing_ok=True)


def replace_atomically(
    target: Path,
    write: Callable[[Path], None],
    verify: Callable[[Path], None],
    *,
    expected_digest: str,
    backup_dir: Path,
    keep: int,
    now: datetime | None = None,
) -> Path:
    """Replace ``target`` with what ``write`` produces; return the backup of the old content.

    ``write(tmp)`` fills a temp file beside ``target``, ``verify(tmp)`` re-reads and validates
    it; ``expected_digest`` is :func:`file_digest` of ``target`` as it was read. Any failure
    raises a KohyoError and leaves ``target`` untouched and no temp file behind.
    """
    if keep < 1:
        raise ValueError(f"keep must be >= 1, got {keep}")
    target, backup_dir = Path(target), Path(backup_dir)
    cleanup_stale_temps(target.parent)
    check_not_locked(target)
    tag, stamp = _temp_tag(), now or datetime.now()
    tmp = target.with_name(f"{TEMP_PREFIX}{target.name}.{tag}{TEMP_SUFFIX}")
    _step(target, "一時ファイルの作成", lambda: open(tmp, "xb").close())
    try:  # from here on, every path out removes tmp (os.replace consumed it on success)
        _step(target, "新しい内容の書き出し", lambda: write(tmp))
        crash_point("after-write")
        _step(target, "一時ファイルの保存 (fsync)", lambda: _fsync_path(tmp))
        crash_point("after-fsync")
        _step(target, "新しい内容の確認", lambda: verify(tmp))
        crash_point("after-verify")
        check_not_locked(target)  # Excel may have opened it while we verified
        before = _step(target, "状態の確認", lambda: os.stat(target))
        mk = lambda: _make_backup(target, backup_dir, stamp, expected_digest)  # noqa: E731
        backup = _step(target, "控え（バックアップ）の作成", mk)
        _prune_backups(target, backup_dir, keep)
        crash_point("after-backup")
        after = _step(target, "状態の確認", lambda: os.stat(target))
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            backup.unlink(missing_ok=True)
            raise _changed(target)
        with contextlib.suppress(OSError):  # the master's permissions, not the umask's
            shutil.copymode(target, tmp)
        try:
            os.replace(tmp, target)
        except OSError as exc:  # Windows: PermissionError (WinError 5/32) if another app holds it
            raise WriteError(
                t(
                    "write.replace_failed",
                    name=target.name,
                    reason=exc.strerror or exc,
                    hint=t("lock.live_hint"),
                ),
                path=str(target),
            ) from exc
        crash_point("after-replace")
        _fsync_dir(target.parent)
        return backup
    finally:
        with contextlib.suppress(OSError):  # else cleanup_stale_temps removes it later
            tmp.unlink(missing_ok=True)
