"""Files kept in the per-user cache folder: written whole, and old copies pruned.

The language model, the ranker states, the word lists and the gazetteer are each cached under a
name that holds the identity of what they were built from (package file sizes and mtimes, the
Python version). A new install, a new venv or an upgrade therefore writes a new file beside the
old ones, and nothing ever read the old ones again: after a few venvs the folder held 600 MB of
68 MB model copies. Each cache now marks the file it uses (its mtime is set to now when it is
read) and, when it writes a new file, removes the copies of the same family used least recently
beyond a few, so a handful of venvs sharing one home keep their own copies and the folder stops
growing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)


@contextlib.contextmanager
def atomic_file(path: Path, mode: str = "wb") -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through: a temporary file beside it, renamed over
    ``path`` when the block ends without error (removed when it raises), so a reader sees the
    old file or the new one, never a part. ``mode``: ``"wb"``, or ``"w+b"`` to read back what
    was written. Raises ``OSError`` when the folder is not writable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, mode) as out:
            yield out
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (see :func:`atomic_file`)."""
    with atomic_file(path) as out:
        out.write(data)


def sealed(payload: bytes, magic: bytes = b"") -> bytes:
    """``payload`` behind ``magic`` and its BLAKE2b checksum, as a cache file holds it, so
    :func:`unsealed` tells a damaged file from a good one."""
    return magic + hashlib.blake2b(payload, digest_size=32).digest() + payload


def unsealed(data: bytes, magic: bytes = b"") -> bytes:
    """The payload of :func:`sealed` bytes. Raises ``ValueError`` when ``data`` does not start
    with ``magic`` or its checksum differs (a damaged file)."""
    head = len(magic)
    if data[:head] != magic:
        raise ValueError(f"not a {magic.decode(errors='replace').strip() or 'sealed'} file")
    payload = data[head + 32:]
    if hashlib.blake2b(payload, digest_size=32).digest() != data[head:head + 32]:
        raise ValueError("checksum differs: the file is damaged")
    return payload


def mark_used(path: Path) -> None:
    """Record that ``path`` was just read (its mtime set to now), so :func:`prune` keeps it.
    Never raises: a read-only cache folder only loses the mark."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(kept: Path, family: str, keep: int) -> list[Path]:
    """Remove the files of ``family`` (a glob in ``kept``'s folder, e.g. ``"places-*.marshal"``)
    beyond the ``keep`` used most recently; ``kept`` itself is never removed.

    In: the file just written, the glob naming its older copies, how many to keep (``kept``
    included). Out: the paths removed. Never raises: a file another process removed first, or
    one that cannot be removed, is skipped (logged at debug level).
    """
    folder = kept.parent
    aged: list[tuple[int, Path]] = []
    for path in folder.glob(family):
        if path == kept or path.name.endswith(".tmp"):
            continue
        with contextlib.suppress(OSError):
            aged.append((path.stat().st_mtime_ns, path))
    aged.sort(reverse=True)
    removed = []
    for _, path in aged[max(keep - 1, 0):]:
        try:
            path.unlink()
        except OSError as error:
            log.debug("cannot remove the old cache file %s: %s", path, error)
            continue
        removed.append(path)
    if removed:
        log.info("removed %d old cache file(s) %s from %s", len(removed), family, folder)
    return removed
