"""The one way kohyo replaces the master, built on :func:`kohyo.files.atomic.write_atomically`.

Excel saves the same way, so a kill at any moment leaves the master wholly old or
wholly new (docs/reliability.md, promise 2). Order of :func:`replace_atomically`:

1. remove our own stale temp files in the folder (:func:`cleanup_stale_temps`);
2. refuse if the master is open in Excel or not writable (:func:`check_not_locked`);
3. ``write(tmp)`` into ``.~kohyo-<name>.<host>-<pid>-<random>.kohyo-tmp`` beside the master,
   then flush + fsync it, then ``verify(tmp)``;
4. back the master up (:mod:`kohyo.files.backup`: as atomically as the master, its digest
   checked against ``expected_digest`` while copying — nothing is written if it changed),
   then keep only the newest ``keep`` backups that verify;
5. swap the temp file in for the master in one step (:mod:`kohyo.files.swap`) and hash what
   came out: if another program saved the master after all the checks, swap back and stop
   (nothing lost); then fsync the folder (POSIX only).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from kohyo.errors import KohyoError, LockedError, WriteError
from kohyo.files.atomic import cleanup_stale_temps, crash_point, temp_path_beside, write_atomically
from kohyo.files.backup import changed_error, make_backup, prune_backups, remove_backup
from kohyo.files.digest import file_digest
from kohyo.files.swap import swap_back, swap_in
from kohyo.messages import t

_T = TypeVar("_T")


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


class SwapBackFailed(WriteError):
    """Another program saved the master at the moment of the swap, and it could not be undone."""


def _put_in_place(tmp: Path, master: Path, expected_digest: str) -> None:
    """Swap *tmp* in for *master*; if what came out is not what was read, swap it back.

    What was at the master's path at the moment of the swap is then byte for byte what the
    backup holds (both hash to *expected_digest*). Without an atomic exchange (see
    :mod:`kohyo.files.swap`) this is a plain rename, guarded only by the earlier checks.
    """
    held = swap_in(tmp, master, temp_path_beside(master, "held"))
    if held is None:
        return
    try:
        unchanged = file_digest(held) == expected_digest
    except OSError:
        unchanged = False
    if unchanged:
        with contextlib.suppress(OSError):  # the backup holds these bytes
            held.unlink()
        return
    try:
        swap_back(held, master)
    except OSError as exc:  # keep the other program's save under a name of its own
        rescue = master.with_name(
            f"{master.stem}_{datetime.now():%Y%m%d-%H%M%S}_saved{master.suffix}"
        )
        os.replace(held, rescue)
        raise SwapBackFailed(
            t("write.swap_back_failed", name=master.name, rescue=rescue, reason=exc),
            path=str(master),
        ) from exc
    raise changed_error(master)


def _step(target: Path, what: str, fn: Callable[[], _T]) -> _T:
    """Run one pre-replace step; any non-kohyo error becomes a WriteError naming the file."""
    try:
        return fn()
    except KohyoError:
        raise
    except Exception as exc:
        raise _failed(target, what, exc) from exc


def _failed(target: Path, what: str, exc: Exception) -> WriteError:
    return WriteError(
        t(
            "atomic.step_failed",
            name=target.name,
            step=t(what),
            reason=f"{type(exc).__name__}: {exc}",
        ),
        path=str(target),
    )


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
    stamp = now or datetime.now()
    backups: list[Path] = []

    def commit(tmp: Path, target: Path) -> None:
        check_not_locked(target)  # Excel may have opened it while we verified
        before = _step(target, "atomic.step.stat", lambda: os.stat(target))
        mk = lambda: make_backup(target, backup_dir, stamp, expected_digest)  # noqa: E731
        backups.append(_step(target, "atomic.step.backup", mk))
        prune_backups(target, backup_dir, keep)
        crash_point("after-backup")
        after = _step(target, "atomic.step.stat", lambda: os.stat(target))
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            remove_backup(backups[0])
            raise changed_error(target)
        with contextlib.suppress(OSError):  # the master's permissions, not the umask's
            shutil.copymode(target, tmp)
        try:
            crash_point("before-replace")
            _put_in_place(tmp, target, expected_digest)
        except SwapBackFailed:  # replaced after all: the backup is the old content's only copy
            raise
        except KohyoError:  # saved by another program at the last moment: nothing replaced
            remove_backup(backups[0])
            raise
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

    try:
        write_atomically(
            target,
            lambda tmp: _step(target, "atomic.step.write", lambda: write(tmp)),
            verify=lambda tmp: _step(target, "atomic.step.verify", lambda: verify(tmp)),
            commit=commit,
            tmp=temp_path_beside(target, target.name),
        )
    except OSError as exc:  # creating or fsyncing the temp file
        raise _failed(target, "atomic.step.temp", exc) from exc
    return backups[0]
