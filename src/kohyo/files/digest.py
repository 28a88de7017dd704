"""sha256, the one digest kohyo uses: of bytes, of a file (streamed), and incrementally.

The only place ``hashlib.sha256`` is called, so every digest in a manifest, a ledger,
a backup check or a "changed on disk?" check is computed the same way.
"""

from __future__ import annotations

import hashlib
import os
from typing import BinaryIO, Protocol

CHUNK = 1 << 20


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


def new_hasher() -> Hasher:
    """An incremental sha256, for hashing bytes while they are copied."""
    return hashlib.sha256()


def bytes_digest(data: bytes) -> str:
    """sha256 (hex) of *data*."""
    return hashlib.sha256(data).hexdigest()


def stream_digest(f: BinaryIO) -> str:
    """sha256 (hex) of what is left to read in *f*, read in chunks."""
    h = hashlib.sha256()
    for chunk in iter(lambda: f.read(CHUNK), b""):
        h.update(chunk)
    return h.hexdigest()


def file_digest(path: str | os.PathLike[str]) -> str:
    """sha256 (hex) of the file's bytes, read in chunks."""
    with open(path, "rb") as f:
        return stream_digest(f)
