"""Checks that the places a run reads and writes are usable, before anything is fetched.

A run that could store records but not publish them leaves the archive and the feeds out of
step, so ``run-once`` and ``render`` check the feeds folder first (:func:`ensure_folder`), and
``ingest check`` reports every problem without creating anything (:func:`storage_problems`).
Each problem names the path and what is wrong with it, in one line.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from ingest.config import Config
from ingest.errors import StoreError


def describe(exc: OSError) -> str:
    """One line for an ``OSError``: its path and the system's words (``Read-only file system``)."""
    problem = exc.strerror or type(exc).__name__
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        problem = "a file is in the way of a folder"
    return f"{exc.filename}: {problem}" if exc.filename else problem


def _probe(folder: Path) -> None:
    """Create and remove a hidden file in ``folder``; raises ``OSError`` when it cannot be
    written (root passes permission checks, a read-only mount or /proc does not)."""
    fd, name = tempfile.mkstemp(prefix=".wirefeed-check-", dir=folder)
    os.close(fd)
    os.unlink(name)


def ensure_folder(path: Path, what: str) -> None:
    """Create ``path`` (and its parents) if needed and prove it can be written.

    Raises :class:`StoreError` naming the path: it cannot be created, it is a file, or it is
    not writable.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = ("a file is in the way" if isinstance(exc, (NotADirectoryError, FileExistsError))
                  else exc.strerror or type(exc).__name__)
        raise StoreError(f"{what} cannot be created ({reason})", where=str(path)) from None
    if not path.is_dir():
        raise StoreError(f"{what} is not a folder", where=str(path))
    try:
        _probe(path)
    except OSError as exc:
        raise StoreError(f"{what} cannot be written ({exc.strerror})", where=str(path)) from None


def folder_problem(path: Path) -> str | None:
    """Why folder ``path`` could not be created and written, without creating it (``None`` when
    it can be). Looks at the nearest folder that exists on the way, where ``mkdir -p`` starts."""
    nearest = path
    while not nearest.exists() and nearest != nearest.parent:
        nearest = nearest.parent
    if not nearest.is_dir():
        return f"cannot be created ({nearest} is a file)"
    try:
        _probe(nearest)
    except OSError as exc:
        if nearest == path:
            return f"cannot be written ({exc.strerror})"
        return f"cannot be created ({nearest}: {exc.strerror})"
    return None


def database_problem(path: Path) -> str | None:
    """Why the archive at ``path`` could not be opened or created for writing, as a line naming
    it; ``None`` when it can."""
    if path.is_dir():
        return f"{path}: the archive path is a folder"
    if not path.exists():
        problem = folder_problem(path.parent)
        return f"{path}: the archive cannot be created: folder {path.parent} {problem}" if problem else None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"{path}: the archive cannot be opened ({exc})"
    if not os.access(path, os.W_OK) or folder_problem(path.parent):
        # SQLite writes its -wal and -shm files beside the archive.
        return f"{path}: the archive or its folder cannot be written"
    return None


def storage_problems(config: Config) -> list[str]:
    """Every problem with the archive, the feeds folder and the sources' local paths, one line
    each; nothing is created."""
    problems = []
    database = config.pipeline.database
    if "://" in str(database):  # a server database (postgresql://) is checked by connecting
        from ingest.archive.postgres import database_url_problem

        problem = database_url_problem(str(database))
    else:
        problem = database_problem(Path(database))
    if problem:
        problems.append(problem)
    problem = folder_problem(config.pipeline.feeds)
    if problem:
        problems.append(f"{config.pipeline.feeds}: feeds folder {problem}")
    for source in config.sources:
        if source.path is None or not source.enabled:
            continue
        if source.kind == "inbox" and not source.path.is_dir():
            problems.append(f"[{source.id}] {source.path}: inbox folder does not exist")
        elif source.kind != "inbox" and not source.path.is_file():
            problems.append(f"[{source.id}] {source.path}: file does not exist")
    return problems
