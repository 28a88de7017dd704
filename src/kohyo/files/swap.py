"""Put a new file at the master's path and get back exactly what it replaced, in one step.

Between kohyo's last "changed on disk?" check and a plain rename, another program (Excel)
could save the master, and the rename would silently drop that save. An exchange closes
the window: the new file and whatever is at the master's path at that very moment trade
places, so the caller can hash what came out and swap back if it is not what it read.

- Linux: ``renameat2(RENAME_EXCHANGE)`` (glibc 2.28+, most local file systems).
- Windows: ``ReplaceFileW`` with a backup file name (untested here; guarded).
- Elsewhere, or where the file system refuses: a plain ``os.replace`` — best effort,
  covered only by the caller's earlier checks (as the README says).
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


def swap_in(new: Path, target: Path, spare: Path) -> Path | None:
    """Put *new* at *target*'s path; return where the file it replaced now is.

    That is *new*'s path on Linux, *spare* (an unused name beside them) on Windows. None
    means the platform only allowed a plain rename: what was at *target* is gone. OSError
    when the OS refuses (for instance the file is held open on Windows).
    """
    if sys.platform.startswith("linux"):
        try:
            _renameat2_exchange(new, target)
            return new
        except _Unsupported:
            pass
    elif os.name == "nt":
        try:
            if _replace_file_w(target, new, spare):
                return spare
        except OSError:
            # ERROR_UNABLE_TO_MOVE_REPLACEMENT_2: the original went to *spare*, *new* stayed
            if spare.exists() and not target.exists():
                os.replace(spare, target)
            raise
    os.replace(new, target)
    return None


def swap_back(held: Path, target: Path) -> None:
    """Undo :func:`swap_in`: *held* (what it replaced) goes back to *target*'s path."""
    if os.name == "nt":
        if not _replace_file_w(target, held, None):
            os.replace(held, target)
        return
    _renameat2_exchange(held, target)


class _Unsupported(Exception):
    pass


def _renameat2_exchange(a: Path, b: Path) -> None:
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # glibc older than 2.28, or no libc to load
        raise _Unsupported from None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        if err in _UNSUPPORTED:  # e.g. a network or FAT file system
            raise _Unsupported
        raise OSError(err, os.strerror(err), str(b))


def _replace_file_w(replaced: Path, replacement: Path, backup: Path | None) -> bool:
    """``ReplaceFileW``; False if it cannot be called here, OSError if it fails."""
    try:
        fn = ctypes.windll.kernel32.ReplaceFileW  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False
    fn.argtypes = [ctypes.c_wchar_p] * 3 + [ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p]
    fn.restype = ctypes.c_int
    if not fn(str(replaced), str(replacement), str(backup) if backup else None, 0, None, None):
        raise ctypes.WinError()  # type: ignore[attr-defined]
    return True
