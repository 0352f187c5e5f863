"""The archive's single-writer lock: an ``flock`` on ``<database>.lock`` for an SQLite archive,
an advisory lock in the database for a PostgreSQL one."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from typing import Iterator

from ingest.errors import LockError


@contextlib.contextmanager
def writer_lock(database: Path | str, wait: float = 0.0, poll: float = 0.2) -> Iterator[None]:
    """Hold the archive's single-writer lock (``<database>.lock``) for the block.

    Waits up to ``wait`` seconds for another run or the daemon to finish, then raises
    ``LockError``. The lock is an ``flock``: the kernel releases it if the holder dies. For a
    ``postgresql://`` database it is an advisory lock in the database
    (:func:`ingest.archive.postgres.pg_writer_lock`).
    """
    if isinstance(database, str) and "://" in database:
        from ingest.archive.postgres import pg_writer_lock

        with pg_writer_lock(database, wait, poll):
            yield
        return
    lock_path = Path(f"{database}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + max(wait, 0.0)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
                    raise LockError(
                        f"another wirefeed run holds the archive lock"
                        f"{f' (pid {holder})' if holder else ''}; waited {wait:g}s",
                        where=str(lock_path)) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
