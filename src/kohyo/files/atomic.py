"""Atomic writes: every file kohyo writes goes through :func:`write_atomically`.

:func:`write_atomically` writes into a temp file beside the target, fsyncs it, lets the
caller verify it, renames it over the target and fsyncs the folder. A temp file never
outlives a failure (exception or KeyboardInterrupt); a SIGKILLed run's temp file is
removed later by :func:`cleanup_stale_temps`. So a reader never sees half a file under
its final name — the report, the overview, the .eml outbox, the town workbooks, their
PDFs, manifest.json, the master's backups and the master itself
(:mod:`kohyo.files.replace`, built on this) all rely on it.

Test-only hooks, at the steps named in ``CRASH_STEPS`` (and ``before-replace``,
``backup-…``): ``KOHYO_TEST_CRASH_AT=<step>`` SIGKILLs the process there, so
tests/test_safe_write.py can crash deterministically; ``KOHYO_TEST_INTERRUPT_AT=<step>``
raises KeyboardInterrupt instead; ``KOHYO_TEST_PAUSE_AT=<step>=<gate>`` touches
``<gate>.waiting`` and waits until ``<gate>`` exists (so a test can save the master from
another process inside a window).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from kohyo.errors import WriteError
from kohyo.files.digest import bytes_digest
from kohyo.messages import t

CRASH_ENV = "KOHYO_TEST_CRASH_AT"
INTERRUPT_ENV = "KOHYO_TEST_INTERRUPT_AT"
PAUSE_ENV = "KOHYO_TEST_PAUSE_AT"  # "<step>=<gate file>"
PAUSE_SECONDS = 60.0
CRASH_STEPS = ("after-write", "after-fsync", "after-verify", "after-backup", "after-replace")
TEMP_PREFIX = ".~kohyo-"
TEMP_SUFFIX = ".kohyo-tmp"
STALE_AFTER_SECONDS = 600.0
_TEMP_RE = re.compile(r"\.~kohyo-.+\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[0-9a-f]{8}\.kohyo-tmp\Z")


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


def _host_token() -> str:
    import socket  # only when a file is written: reading commands start faster without it

    return bytes_digest(socket.gethostname().encode("utf-8", "replace"))[:8]


def temp_path_beside(final: Path, label: str | None = None) -> Path:
    """A fresh temporary name in *final*'s folder, in the pattern :func:`cleanup_stale_temps` knows.

    ``.~kohyo-<label>.<host>-<pid>-<random>.kohyo-tmp``; *label* defaults to ``out``, which
    keeps the name within 47 characters (pids have up to 7 digits), so it fits wherever
    *final* fits (:func:`kohyo.files.names.fit_name`).
    """
    tag = f"{_host_token()}-{os.getpid()}-{os.urandom(4).hex()}"
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
