"""Atomic writes: every file kohyo writes goes through :func:`write_atomically`.

:func:`write_atomically` writes into a temp file beside the target, fsyncs it, lets the
caller verify it, renames it over the target and fsyncs the folder. A temp file never
outlives a failure (exception or KeyboardInterrupt); a SIGKILLed run's temp file is
removed later by :func:`cleanup_stale_temps`. So a reader never sees half a file under
its final name — the report, the overview, the .eml outbox, the town workbooks, their
PDFs and manifest.json all rely on this.

:func:`replace_atomically` replaces the master on top of it (docs/reliability.md,
promise 2): the master is wholly old or wholly new whatever happens. Its order:

1. remove our own stale temp files in the folder (:func:`cleanup_stale_temps`);
2. refuse if the master is open in Excel or not writable (:func:`check_not_locked`);
3. ``write(tmp)`` into ``.~kohyo-<name>.<host>-<pid>-<random>.kohyo-tmp`` beside the master,
   then flush + fsync it, then ``verify(tmp)``;
4. copy the master to ``backup_dir/<stem>_<YYYYmmdd-HHMMSS>[_NN]<suffix>`` as atomically as
   the master itself (temp file, fsync, re-read and hash, the master's permissions, then the
   name), hashing the bytes as they are copied: if they no longer match ``expected_digest``
   nothing is written; ``<name>.sha256`` records its digest. Then keep only the newest ``keep``
   backups of that stem that verify against their record (broken ones are removed, never
   counted). Same-second backups get ``_01``, ``_02``… (not ``-1``: ``-`` sorts before ``.``,
   ``_`` after it, so names sort by time);
5. swap the temp file in for the master in one step (:mod:`kohyo.files.swap`) and hash what
   came out: if another program saved the master after all the checks, swap back and stop
   (nothing lost); then fsync the folder (POSIX only).

Test-only hook: with ``KOHYO_TEST_CRASH_AT=<step>`` (one of ``CRASH_STEPS``) the process
SIGKILLs itself at that step, so tests/test_safe_write.py can crash deterministically;
``KOHYO_TEST_INTERRUPT_AT=<step>`` raises KeyboardInterrupt there instead, and
``KOHYO_TEST_PAUSE_AT=<step>=<gate>`` touches ``<gate>.waiting`` and waits until ``<gate>``
exists (so a test can save the master from another process inside a window).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import time
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from kohyo.errors import KohyoError, LockedError, WriteError
from kohyo.files.digest import CHUNK, bytes_digest, new_hasher
from kohyo.files.digest import file_digest as file_digest
from kohyo.files.swap import swap_back, swap_in
from kohyo.messages import t

CRASH_ENV = "KOHYO_TEST_CRASH_AT"
INTERRUPT_ENV = "KOHYO_TEST_INTERRUPT_AT"
PAUSE_ENV = "KOHYO_TEST_PAUSE_AT"  # "<step>=<gate file>"
PAUSE_SECONDS = 60.0
CRASH_STEPS = ("after-write", "after-fsync", "after-verify", "after-backup", "after-replace")
RECORD_SUFFIX = ".sha256"
TEMP_PREFIX = ".~kohyo-"
TEMP_SUFFIX = ".kohyo-tmp"
STALE_AFTER_SECONDS = 600.0
_TEMP_RE = re.compile(r"\.~kohyo-.+\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[0-9a-f]{8}\.kohyo-tmp\Z")
_T = TypeVar("_T")
_Backup = tuple[tuple[str, int], Path]  # ((timestamp, same-second counter), path)


def crash_point(step: str) -> None:
    """Test-only: SIGKILL this process if ``KOHYO_TEST_CRASH_AT`` names ``step``.

    :func:`write_atomically` and :func:`replace_atomically` call it at ``CRASH_STEPS`` (and
    ``before-replace``); a test's write callback may call it
    too (the tests use ``"during-write"``). Never set the variable outside tests.
    """
    if os.environ.get(CRASH_ENV) == step:
        # Windows has no SIGKILL; os.kill with SIGTERM there is TerminateProcess, just as hard.
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    if os.environ.get(INTERRUPT_ENV) == step:
        raise KeyboardInterrupt(step)
    paused, _, gate = os.environ.get(PAUSE_ENV, "").partition("=")
    if paused == step and gate:  # hold the process here until the test opens the gate
        Path(gate + ".waiting").touch()
        deadline = time.monotonic() + PAUSE_SECONDS
        while not os.path.exists(gate) and time.monotonic() < deadline:
            time.sleep(0.01)


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
    return bytes_digest(socket.gethostname().encode("utf-8", "replace"))[:8]


def temp_path_beside(final: Path, label: str | None = None) -> Path:
    """A fresh temporary name in *final*'s folder, in the pattern :func:`cleanup_stale_temps` knows.

    ``.~kohyo-<label>.<host>-<pid>-<random>.kohyo-tmp``; *label* defaults to ``out``, which
    keeps the name within 47 characters (pids have up to 7 digits), so it fits wherever
    *final* fits (:func:`kohyo.files.names.fit_name`).
    """
    tag = f"{_host_token()}-{os.getpid()}-{secrets.token_hex(4)}"
    return final.with_name(f"{TEMP_PREFIX}{label or 'out'}.{tag}{TEMP_SUFFIX}")


def same_file(a: Path, b: Path) -> bool:
    """Whether *a* and *b* name the same file (same path, or a link / another spelling of it)."""
    if os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b)):
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_not_input(target: Path, inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise WriteError if writing *target* would replace one of *inputs* (the master above all)."""
    for source in inputs:
        if same_file(Path(target), Path(source)):
            raise WriteError(
                t("write.would_replace_input", path=target, input=source), path=str(target)
            )


def _rename(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)


class SwapBackFailed(WriteError):
    """Another program saved the master at the moment of the swap, and it could not be undone."""


def _put_in_place(tmp: Path, master: Path, expected_digest: str) -> None:
    """Swap *tmp* in for *master*; if what came out is not what was read, swap it back.

    What was at the master's path at the moment of the swap is then byte for byte what the
    backup holds (both hash to *expected_digest*). Without an atomic exchange (see
    :mod:`kohyo.files.swap`) this is a plain rename, guarded only by the earlier checks.
    """
    held = swap_in(tmp, master)
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
    raise _changed(master)


def write_atomically(
    path: str | os.PathLike[str],
    content: bytes | Callable[[Path], None],
    *,
    verify: Callable[[Path], None] | None = None,
    commit: Callable[[Path, Path], None] = _rename,
    tmp: Path | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
    crash_prefix: str = "",
) -> Path:
    """Write *path* so that it is wholly the old file or wholly the new one; return *path*.

    *content* is the bytes, or ``content(tmp)`` writes the temp file. Then the temp file is
    fsynced, ``verify(tmp)`` may reject it (by raising), ``commit(tmp, path)`` puts it in place
    (default: ``os.replace``) and the folder is fsynced. Every exception — KeyboardInterrupt
    too — propagates unchanged and leaves no temp file; the target is then untouched unless
    *commit* replaced it. *tmp* overrides :func:`temp_path_beside`'s name. A *path* that is
    one of *inputs* (files this run read) is refused with a WriteError before anything is written.
    *crash_prefix* names this write's test-only crash points (``backup-after-write`` …).
    """
    path = Path(path)
    check_not_input(path, inputs)
    tmp = tmp or temp_path_beside(path)
    open(tmp, "xb").close()  # exclusive: never someone else's file
    try:  # from here on, every path out removes tmp (the commit consumed it on success)
        if isinstance(content, bytes):
            with open(tmp, "wb") as f:
                f.write(content)
        else:
            content(tmp)
        crash_point(crash_prefix + "after-write")
        _fsync_path(tmp)
        crash_point(crash_prefix + "after-fsync")
        if verify is not None:
            verify(tmp)
        crash_point(crash_prefix + "after-verify")
        commit(tmp, path)
        crash_point(crash_prefix + "after-replace")
        _fsync_dir(path.parent)
        return path
    finally:
        with contextlib.suppress(OSError):  # else cleanup_stale_temps removes it later
            tmp.unlink(missing_ok=True)


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
            raise _changed(target)
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


def _prune_backups(target: Path, backup_dir: Path, keep: int) -> None:
    """Keep the newest *keep* backups that verify; remove the rest and every broken one.

    A backup with no record at all that is a whole zip was written before backups were
    recorded: it is kept and not counted.
    """
    whole: list[Path] = []
    for backup in list_backups(backup_dir, target.stem, target.suffix):
        if backup_verifies(backup):
            whole.append(backup)
        elif record_of(backup).exists() or not zipfile.is_zipfile(backup):
            _remove_backup(backup)
    for old in whole[:-keep]:
        _remove_backup(old)
    pat = _backup_pattern(target.stem, target.suffix)
    with contextlib.suppress(OSError):
        for p in backup_dir.iterdir():
            name = p.name.removesuffix(RECORD_SUFFIX)
            if name != p.name and pat.match(name) and not (backup_dir / name).exists():
                p.unlink()  # the record of a backup that is gone


def _remove_backup(backup: Path) -> None:
    with contextlib.suppress(OSError):  # e.g. a backup open in Excel: the write is fine
        backup.unlink()
        record_of(backup).unlink(missing_ok=True)


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
        f"「{target.name}」の{what}に失敗しました（{type(exc).__name__}: {exc}）。"
        "元のファイルはそのままで、何も書き込んでいません。",
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
        before = _step(target, "状態の確認", lambda: os.stat(target))
        mk = lambda: _make_backup(target, backup_dir, stamp, expected_digest)  # noqa: E731
        backups.append(_step(target, "控え（バックアップ）の作成", mk))
        _prune_backups(target, backup_dir, keep)
        crash_point("after-backup")
        after = _step(target, "状態の確認", lambda: os.stat(target))
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            _remove_backup(backups[0])
            raise _changed(target)
        with contextlib.suppress(OSError):  # the master's permissions, not the umask's
            shutil.copymode(target, tmp)
        try:
            crash_point("before-replace")
            _put_in_place(tmp, target, expected_digest)
        except SwapBackFailed:  # replaced after all: the backup is the old content's only copy
            raise
        except KohyoError:  # saved by another program at the last moment: nothing replaced
            _remove_backup(backups[0])
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
            lambda tmp: _step(target, "新しい内容の書き出し", lambda: write(tmp)),
            verify=lambda tmp: _step(target, "新しい内容の確認", lambda: verify(tmp)),
            commit=commit,
            tmp=temp_path_beside(target, target.name),
        )
    except OSError as exc:  # creating or fsyncing the temp file
        raise _failed(target, "一時ファイルの作成・保存", exc) from exc
    return backups[0]
