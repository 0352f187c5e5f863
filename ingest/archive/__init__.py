"""The SQLite archive: the only package that speaks SQL.

Tables (created on open, WAL mode):

* ``articles``: one row per record (nested values as JSON text), plus ``first_seen`` (when the
  record was stored: the clock at the commit), ``first_fetched`` (when the run whose fetch first
  brought it started; up to a slow source's fetch time earlier) and ``last_seen`` (the start of
  the last run that saw it). Archives from before ``first_fetched`` gain it on open, filled from
  ``first_seen``, which is what those archives stored there.
* ``article_editions`` / ``article_sections``: membership, indexed for the feed queries
  (``edition, published``), so rendering reads only the rows it shows.
* ``article_history``: every replaced version of a record, as its JSON record.
* ``sources``: per-source state and health: conditional-GET validators, last attempt/success,
  last status and error, consecutive failures, next due time, latencies.
* ``seen_files``: inbox files remembered by content hash (``keep = true`` inboxes).
* ``edition_counts``: usable records and the newest ``published`` per edition, kept by
  :meth:`Archive.store` in the same transaction, so the summary of a run costs the same at ten
  thousand records as at a million (counting over the memberships took ~1 s at 100,000).
* ``articles_fts``: FTS5 over title and body text for ``ingest search``.
* ``change_mark``: one row, the archive's change mark (:meth:`Archive.change_mark`): a random
  id given when the table is made and a counter bumped in the transaction of every write that
  can change a feed (a new record, a replaced version, a kill, a reroute). Publishing remembers
  the mark it published, so a run that stores nothing still republishes after a run whose
  publish never finished.

Writes for one source happen in one transaction (:meth:`Archive.store`), so a crash leaves either
all of a source's items or none. sqlite-utils creates and migrates the schema, and is imported
only when that is needed (~0.1 s of import, without the numpy it would load, that a run answered
with 304s should not pay); every query goes through the plain ``sqlite3`` connection, inside our own
transactions, because sqlite-utils' write helpers commit on their own.

With a ``postgresql://`` URL for a path, :func:`open_archive` opens the same archive in
PostgreSQL instead (:mod:`~ingest.archive.postgres`, schema in
:mod:`~ingest.archive.postgres_schema`): both backends share the table description
(:data:`~ingest.archive.schema.TABLES`) and the mixins below. There, several processes may
use one archive at once: each write transaction (:meth:`store`, a source state, an inbox
file) waits for the others', so a store decides against the last commit and storing the same
records twice changes nothing; :func:`writer_lock` is held in the database; a publish reads
one state of the archive (``snapshot``). :func:`ingest.archive.transfer.copy_archive` copies
an SQLite archive into PostgreSQL (``ingest migrate``).

The package is split by concern: :mod:`~ingest.archive.schema` (tables, creation, migrations,
connections), :mod:`~ingest.archive.articles` (records and their versions, the feed queries),
:mod:`~ingest.archive.sources` (source health, inbox files), :mod:`~ingest.archive.search`
(FTS5) and :mod:`~ingest.archive.lock` (the single-writer lock); :class:`Archive` puts the
first four together.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

from ingest.archive.articles import MIN_ID_PREFIX, ArticlesMixin, StoreResult
from ingest.archive.lock import writer_lock
from ingest.archive.schema import (
    _connect,
    _create_archive,
    remove_stale_drafts,
    _create_or_migrate_schema,
    _schema_ready,
    _transaction,
    indexes_new_rows,
)
from ingest.archive.search import SearchMixin
from ingest.archive.sources import SourceState, SourcesMixin
from ingest.errors import StoreError
from normalize.text import clean_text

__all__ = ["MIN_ID_PREFIX", "Archive", "SourceState", "StoreResult", "clean_reason",
           "display_database", "is_database_url", "open_archive", "utcnow", "writer_lock"]


class Archive(ArticlesMixin, SourcesMixin, SearchMixin):
    """An open archive. Use :func:`open_archive` or ``Archive(path)`` then :meth:`close`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._owner = threading.get_ident()
        self._readers = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._depth = 0  # of Archive.transaction blocks open
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_drafts(self.path)
            if not self.path.exists():
                _create_archive(self.path)
            self.conn = _connect(self.path)
            if not _schema_ready(self.conn):
                _create_or_migrate_schema(self.conn)
            self._index_new_rows = indexes_new_rows(self.conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open archive: {exc}", where=str(self.path)) from None

    def _query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """The rows of ``sql`` as dicts keyed by column name."""
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row))

    # -- transactions -------------------------------------------------------------------------

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """One write transaction: all of it commits, or none of it does (inside another, a
        savepoint). The records its stores added go into the search index as the outermost
        one ends, by one statement (:meth:`index_new_rows`)."""
        return self._indexed_transaction()

    @contextlib.contextmanager
    def _indexed_transaction(self) -> Iterator[None]:
        outermost = self._depth == 0  # (or inside a transaction not begun here: indexed at its end)
        unindexed = self._unindexed_above
        self._depth += 1
        try:
            with _transaction(self.conn):
                yield
                if outermost:
                    self.index_new_rows()
        except BaseException:
            # Rolled back: the rows not indexed when the block began are again all there is.
            self._unindexed_above = unindexed
            raise
        finally:
            self._depth -= 1

    def snapshot(self) -> contextlib.AbstractContextManager[None]:
        """Reads in the block see one state of the archive. Nothing to do here: whoever
        publishes from an SQLite archive holds its writer lock, so nothing writes meanwhile."""
        return contextlib.nullcontext()

    def _reads(self) -> sqlite3.Connection:
        """The connection for reads from the calling thread: :attr:`conn` in the thread that
        opened the archive, a read-only connection of its own in any other (WAL lets it read
        the last commit while the owner writes)."""
        if threading.get_ident() == self._owner:
            return self.conn
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                   timeout=30, check_same_thread=False)
            self._readers.conn = conn
            with self._readers_lock:
                self._reader_conns.append(conn)
        return conn

    def close(self) -> None:
        """Close the connection (checkpointing the WAL) and the other threads' readers."""
        with self._readers_lock:
            readers, self._reader_conns = self._reader_conns, []
        for conn in [*readers, self.conn]:
            with contextlib.suppress(sqlite3.Error):
                conn.close()


def open_archive(path: str | Path) -> Archive:
    """Open (creating if needed) the archive at ``path``: an SQLite file, or with a
    ``postgresql://`` URL a :class:`~ingest.archive.postgres.PostgresArchive` (the same
    methods). Raises ``StoreError``."""
    if is_database_url(path):
        from ingest.archive.postgres import PostgresArchive

        return PostgresArchive(path)
    return Archive(path)


def is_database_url(database: str | Path) -> bool:
    """Whether ``[pipeline] database`` names a server database (a URL) rather than a file."""
    return isinstance(database, str) and "://" in database


def display_database(database: str | Path) -> str:
    """The archive's location for messages and logs (a URL's password masked)."""
    if is_database_url(database):
        from ingest.archive.postgres import mask_url

        return mask_url(str(database))
    return str(database)


def utcnow() -> datetime:
    """The clock, for the shell only (normalize and render never call it)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def clean_reason(text: str) -> str:
    """One line, at most 300 characters: how errors are stored and shown."""
    line = clean_text(text)
    return line if len(line) <= 300 else line[:297] + "..."
