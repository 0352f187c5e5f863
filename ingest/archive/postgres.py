"""The PostgreSQL archive (psycopg 3): the same tables, queries and decisions as the SQLite one.

:class:`PostgresArchive` is :class:`~ingest.archive.Archive` on a server database: the
mixins that decide what a store does, count editions and turn rows into records are the same
classes; they speak SQL with ``?`` parameters through :class:`PgConnection`, which hands it to
psycopg with ``%s``. What differs lives here: connecting, transactions (each one takes the
store lock, an advisory lock, first: writes are serialized as SQLite's ``BEGIN IMMEDIATE``
serializes them, so a store's read-decide-write is safe across processes and machines), the
readers of other threads, full-text search (:class:`~ingest.archive.search.PostgresSearchMixin`)
and the single-writer lock (:func:`pg_writer_lock`, an advisory lock held by a connection of its
own: the server releases it when the holder dies).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
import time
from datetime import datetime
from typing import Any, Iterator, Sequence

import psycopg

from ingest.archive.articles import ArticlesMixin, _row_to_article
from ingest.archive.postgres_schema import (
    LOCK_CLASS,
    LOCK_STORE,
    LOCK_WRITER,
    create_or_migrate,
    schema_ready,
)
from ingest.archive.search import PostgresSearchMixin
from ingest.archive.sources import SourcesMixin
from ingest.errors import LockError, StoreError
from normalize.model import STATUS_USABLE, Article, isoformat

#: Seconds to wait for the server to answer a connection.
CONNECT_TIMEOUT = 10


def mask_url(url: str) -> str:
    """``url`` with its password (in the authority or a ``password=`` parameter) replaced by
    ``***``, for messages and logs."""
    url = re.sub(r"^([a-z][a-z0-9+.-]*://[^:/@]*):[^@/]*@", r"\1:***@", str(url))
    return re.sub(r"([?&]password=)[^&]*", r"\1***", url)


@functools.lru_cache(maxsize=256)
def _pg_sql(sql: str) -> str:
    """The archive's SQL (``?`` parameters) as psycopg takes it (``%s``)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _store_error(what: str, exc: psycopg.Error, url: str) -> StoreError:
    """One line for a server error, naming the database (password masked)."""
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return StoreError(f"{what}: {reason}", where=mask_url(url))


def _connect(url: str, purpose: str) -> PgConnection:
    """A connection in autocommit mode; ``StoreError`` naming the database (password masked)
    when the server cannot be reached or refuses."""
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                              application_name=f"wirefeed {purpose} pid {os.getpid()}")
    except psycopg.Error as exc:
        raise _store_error("cannot connect to the archive database", exc, url) from None
    return PgConnection(raw, url)


def holds_archive(url: str) -> bool:
    """Whether the database at ``url`` holds an archive's tables (nothing is created);
    ``StoreError`` when it cannot be reached."""
    conn = _connect(url, "check")
    try:
        return conn.execute("SELECT to_regclass('articles')").fetchone()[0] is not None
    finally:
        conn.close()


def database_url_problem(url: str) -> str | None:
    """Why the PostgreSQL archive at ``url`` cannot be used, as one line naming it (password
    masked); ``None`` when it holds an archive or its tables may be created there. Nothing is
    created."""
    try:
        conn = _connect(url, "check")
    except StoreError as exc:
        return str(exc)
    try:
        schema, archive, may_create = conn.execute(
            "SELECT current_schema(), to_regclass('articles') IS NOT NULL, "
            "has_schema_privilege(current_schema(), 'CREATE')").fetchone()
    except StoreError as exc:
        return str(exc)
    finally:
        conn.close()
    if schema is None:
        return f"{mask_url(url)}: no schema to create the archive in (check the role's search_path)"
    if not archive and not may_create:
        return (f"{mask_url(url)}: the archive's tables cannot be created: the role may not "
                f"create tables in schema {schema}")
    return None


class PgConnection:
    """A psycopg connection that takes the archive's SQL: ``?`` parameters, ``execute`` and
    ``executemany`` as on an ``sqlite3`` connection. A lost connection or a server that stops
    answering is a ``StoreError`` (one line at the CLI's edge, exit 3)."""

    def __init__(self, raw, url: str):
        self.raw = raw
        self.url = url

    def execute(self, sql: str, params: Sequence[Any] = ()):
        """Run one statement; its cursor (``fetchone``, ``fetchall``, iteration)."""
        try:
            return self.raw.execute(_pg_sql(sql), list(params))
        except psycopg.OperationalError as exc:
            raise _store_error("the archive database failed", exc, self.url) from None

    def executemany(self, sql: str, rows) -> int:
        """Run one statement for each parameter row; the rows it changed."""
        rows = list(rows)
        if not rows:
            return 0
        try:
            with self.raw.cursor() as cursor:
                cursor.executemany(_pg_sql(sql), rows)
                return cursor.rowcount
        except psycopg.OperationalError as exc:
            raise _store_error("the archive database failed", exc, self.url) from None

    def executemany_returning(self, sql: str, rows) -> list[tuple]:
        """Run one statement (with ``RETURNING``) for each parameter row; the rows returned."""
        rows = list(rows)
        returned: list[tuple] = []
        if not rows:
            return returned
        try:
            with self.raw.cursor() as cursor:
                cursor.executemany(_pg_sql(sql), rows, returning=True)
                while True:
                    returned += cursor.fetchall()
                    if not cursor.nextset():
                        return returned
        except psycopg.OperationalError as exc:
            raise _store_error("the archive database failed", exc, self.url) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction (a savepoint inside another); a failed commit is a ``StoreError``."""
        try:
            with self.raw.transaction():
                yield
        except psycopg.OperationalError as exc:
            raise _store_error("the archive database failed", exc, self.url) from None

    def close(self) -> None:
        self.raw.close()


class PostgresArchive(ArticlesMixin, SourcesMixin, PostgresSearchMixin):
    """An open archive in PostgreSQL. Use :func:`ingest.archive.open_archive` with a
    ``postgresql://`` URL, then :meth:`close`. One instance is used by one thread (its owner)
    for writes; other threads read through connections of their own (:meth:`_reads`). A
    process opens its own: a forked child must not use its parent's instance (one server
    session cannot serve two processes), though it may exit while the parent's is open."""

    def __init__(self, url: str):
        self.url = url
        self.path = None
        self._owner = threading.get_ident()
        self._readers = threading.local()
        self._reader_conns: list[PgConnection] = []
        self._readers_lock = threading.Lock()
        self.conn = _connect(url, "archive")
        try:
            if not schema_ready(self.conn):
                create_or_migrate(self.conn)
        except psycopg.Error as exc:
            self.conn.close()
            raise _store_error("cannot open archive", exc, url) from None
        except StoreError:
            self.conn.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresArchive({mask_url(self.url)!r})"

    def _query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """The rows of ``sql`` as dicts keyed by column name."""
        cursor = self.conn.execute(sql, params)
        names = [column.name for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: all of it commits, or none of it does. It waits for the
        write transactions of other connections (the store lock) before reading anything."""
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(?, ?)", [LOCK_CLASS, LOCK_STORE])
            yield

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads in the block see one state of the archive (a repeatable-read, read-only
        transaction): a publish shows every feed as of one moment while workers store."""
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def feed_articles_many(self, feeds: Sequence[tuple[str, str | None]], now: datetime,
                           limit: int, *, known: dict[str, Article] | None = None,
                           ) -> dict[tuple[str, str | None], list[Article]]:
        """:meth:`feed_articles` of many feeds at once, by (edition, section slug or ``None``):
        the same records in the same order, in two queries for the ids (each feed's own
        indexed ``LIMIT`` through a lateral join) and one for the records not in ``known``,
        instead of one or two a feed (a publish asks for every edition and section)."""
        stamp = isoformat(now)
        found: dict[tuple[str, str | None], list[str]] = {feed: [] for feed in feeds}
        editions = [edition for edition, slug in found if slug is None]
        sections = [(edition, slug) for edition, slug in found if slug is not None]
        if editions:
            for edition, article_id in self.conn.execute(
                    "SELECT v.edition, x.id FROM unnest(?::text[]) WITH ORDINALITY AS v(edition, n) "
                    "CROSS JOIN LATERAL (SELECT a.id, e.published FROM article_editions e "
                    "JOIN articles a ON a.id = e.article_id WHERE e.edition = v.edition "
                    "AND a.status = ? AND (a.embargoed IS NULL OR a.embargoed <= ?) "
                    "ORDER BY e.published DESC, a.id DESC LIMIT ?) x "
                    "ORDER BY v.n, x.published DESC, x.id DESC",
                    [editions, STATUS_USABLE, stamp, limit]):
                found[(edition, None)].append(article_id)
        if sections:
            for edition, slug, article_id in self.conn.execute(
                    "SELECT v.edition, v.slug, x.id FROM unnest(?::text[], ?::text[]) "
                    "WITH ORDINALITY AS v(edition, slug, n) CROSS JOIN LATERAL ("
                    "SELECT a.id, s.published FROM article_sections s JOIN article_editions e "
                    "ON e.article_id = s.article_id AND e.edition = v.edition "
                    "JOIN articles a ON a.id = s.article_id WHERE s.slug = v.slug "
                    "AND a.status = ? AND (a.embargoed IS NULL OR a.embargoed <= ?) "
                    "ORDER BY s.published DESC, a.id DESC LIMIT ?) x "
                    "ORDER BY v.n, x.published DESC, x.id DESC",
                    [[e for e, _ in sections], [s for _, s in sections], STATUS_USABLE, stamp,
                     limit]):
                found[(edition, slug)].append(article_id)
        known = {} if known is None else known
        missing = list(dict.fromkeys(article_id for ids in found.values() for article_id in ids
                                     if article_id not in known))
        if missing:
            for row in self._query("SELECT * FROM articles WHERE id = ANY(?)", [missing]):
                known[row["id"]] = _row_to_article(row)
        return {feed: [known[i] for i in ids if i in known] for feed, ids in found.items()}

    def _reads(self) -> PgConnection:
        """The connection for reads from the calling thread: :attr:`conn` in the owner thread,
        a connection of its own in any other (it sees the last commit while the owner writes)."""
        if threading.get_ident() == self._owner:
            return self.conn
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = _connect(self.url, "reader")
            self._readers.conn = conn
            with self._readers_lock:
                self._reader_conns.append(conn)
        return conn

    def close(self) -> None:
        """Close the connection and the other threads' readers."""
        with self._readers_lock:
            readers, self._reader_conns = self._reader_conns, []
        for conn in [*readers, self.conn]:
            with contextlib.suppress(psycopg.Error):
                conn.close()


def _lock_holder(conn: PgConnection) -> str:
    """The application name of the session holding the writer lock (it names its pid)."""
    row = conn.execute(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.classid = ? AND l.objid = ? AND l.objsubid = 2 "
        "AND l.granted AND l.database = (SELECT oid FROM pg_database "
        "WHERE datname = current_database()) LIMIT 1", [LOCK_CLASS, LOCK_WRITER]).fetchone()
    return row[0] if row and row[0] else ""


@contextlib.contextmanager
def pg_writer_lock(url: str, wait: float = 0.0, poll: float = 0.2) -> Iterator[None]:
    """Hold the archive's single-writer lock in PostgreSQL for the block: an advisory lock of
    a connection of its own (released by the server if this process dies). Waits up to
    ``wait`` seconds, then raises ``LockError``; ``StoreError`` when the server is unreachable."""
    conn = _connect(url, "writer")
    deadline = time.monotonic() + max(wait, 0.0)
    try:
        while not conn.execute("SELECT pg_try_advisory_lock(?, ?)",
                               [LOCK_CLASS, LOCK_WRITER]).fetchone()[0]:
            if time.monotonic() >= deadline:
                holder = _lock_holder(conn)
                raise LockError(
                    f"another wirefeed run holds the archive lock"
                    f"{f' ({holder})' if holder else ''}; waited {wait:g}s",
                    where=mask_url(url)) from None
            time.sleep(poll)
        yield
    finally:
        # Closing the session releases the lock (explicitly unlocking first is not needed).
        conn.close()
