"""The SQLite archive: the only module that speaks SQL.

Tables (created on open, WAL mode):

* ``articles``: one row per record (nested values as JSON text), plus ``first_seen``.
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

Writes for one source happen in one transaction (:meth:`Archive.store`), so a crash leaves either
all of a source's items or none. sqlite-utils creates and migrates the schema, and is imported
only when that is needed (~0.1 s of import, without the numpy it would load, that a run answered
with 304s should not pay); every query goes through the plain ``sqlite3`` connection, inside our own
transactions, because sqlite-utils' write helpers commit on their own.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import json
import logging
import operator
import os
import sqlite3
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

from ingest.errors import LockError, StoreError
from normalize.model import (
    STATUS_CANCELED,
    STATUS_USABLE,
    STATUS_WITHDRAWN,
    Article,
    article_from_dict,
    isoformat,
    parse_iso,
)
from normalize.text import clean_text
from syndicate.sections import section_slug

log = logging.getLogger(__name__)

_ARTICLE_COLUMNS = {
    "id": str, "source": str, "guid": str, "url": str, "title": str, "summary": str,
    "body_html": str, "body_text": str, "authors": str, "dateline": str, "agency": str,
    "credit": str, "images": str, "related": str, "published": str, "updated": str,
    "language": str, "language_method": str, "editions": str, "edition_reasons": str,
    "sections": str, "version": int, "status": str, "status_reason": str, "embargoed": str,
    "rights": str, "content_hash": str, "parse_hash": str, "extra": str, "first_seen": str,
    "last_seen": str,
}
_SOURCE_COLUMNS = {
    "id": str, "kind": str, "location": str, "last_attempt": str, "last_success": str,
    "last_status": str, "last_error": str, "failures": int, "failing_since": str,
    "next_due": str, "etag": str, "last_modified": str, "permanent_redirect": str,
    "items_total": int, "latencies": str, "repairs": str, "next_due_reason": str,
}
_LATENCY_WINDOW = 20
#: Tables (and the FTS table) an archive must have; missing ones send the open through sqlite-utils.
_TABLES = ("articles", "article_editions", "article_sections", "article_history", "sources",
           "seen_files", "articles_fts", "edition_counts")
#: Indexes older archives have and newer ones do without: nothing queries articles by content
#: hash, and that index cost every insert ~0.04 ms. Opening an old archive drops them.
_DROPPED_INDEXES = ("idx_articles_content_hash",)


@dataclass(frozen=True)
class StoreResult:
    """What :meth:`Archive.store` did with one batch."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    editions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SourceState:
    """A row of the ``sources`` table, typed."""

    id: str
    kind: str | None = None
    location: str | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None
    failures: int = 0
    failing_since: datetime | None = None
    next_due: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_redirect: str | None = None
    items_total: int = 0
    latencies: tuple[float, ...] = ()
    repairs: str | None = None
    #: why ``next_due`` is when it is: schedule, backoff, retry-after, max-age, expires or ttl
    next_due_reason: str | None = None

    @property
    def median_latency(self) -> float | None:
        """Median fetch latency in seconds over the recent successful fetches."""
        return statistics.median(self.latencies) if self.latencies else None


def _json_default(value: Any) -> Any:
    # Nested record values, as article_to_dict writes them: the frozen dataclasses of
    # normalize.model (whose __dict__ is exactly their fields) as objects, datetimes in ISO 8601.
    if isinstance(value, datetime):
        return isoformat(value)
    try:
        return vars(value)
    except TypeError:
        raise TypeError(f"cannot store {type(value).__name__} as JSON") from None


#: One encoder for every JSON column and history record (json.dumps with options builds a new
#: encoder per call). Sorted keys keep the text identical to ``json.dumps(article_to_dict(...))``.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_json_default)
_JSON_FIELDS = ("authors", "dateline", "images", "related", "editions", "edition_reasons",
                "sections", "extra")
#: Article fields in column order, the id first (an UPDATE sets the others ``WHERE id = ?``).
_ARTICLE_FIELDS = ("id", *(f.name for f in dataclasses.fields(Article) if f.name != "id"))
_read_article_fields = operator.attrgetter(*_ARTICLE_FIELDS)


@functools.lru_cache(maxsize=1024)
def _json_of_common(value: tuple) -> str:
    """JSON text of a tuple of strings or string pairs that recurs from item to item."""
    return _JSON.encode(value)


#: Field -> encoder for the fields not stored as they are (an empty value is stored as NULL).
#: Bylines, editions, routing reasons and sections come from small sets: their text is reused.
_FIELD_ENCODERS = {
    "authors": _json_of_common, "dateline": _JSON.encode, "images": _JSON.encode,
    "related": _JSON.encode, "editions": _json_of_common, "edition_reasons": _json_of_common,
    "sections": _json_of_common, "extra": _JSON.encode,
    "published": isoformat, "updated": isoformat, "embargoed": isoformat,
}
_ENCODED_FIELDS = tuple((_ARTICLE_FIELDS.index(name), encode)
                        for name, encode in _FIELD_ENCODERS.items())
_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(_ARTICLE_FIELDS)}, first_seen, last_seen) "
    f"VALUES ({', '.join('?' * (len(_ARTICLE_FIELDS) + 2))})")
_UPDATE_ARTICLE = (
    f"UPDATE articles SET {', '.join(f'{name} = ?' for name in _ARTICLE_FIELDS[1:])}, "
    f"last_seen = ? WHERE id = ?")


def _row_to_article(row: dict[str, Any]) -> Article:
    data = dict(row)
    for name in _JSON_FIELDS:
        value = data.get(name)
        data[name] = json.loads(value) if value else None
    return article_from_dict(data)


def _article_values(article: Article) -> list[Any]:
    """The record's column values in ``_ARTICLE_FIELDS`` order (nested values as JSON text)."""
    values = list(_read_article_fields(article))
    for index, encode in _ENCODED_FIELDS:
        value = values[index]
        values[index] = encode(value) if value else None
    return values


@functools.lru_cache(maxsize=1024)
def _edition_reasons(editions: tuple[str, ...], reasons: tuple[tuple[str, str], ...],
                     ) -> tuple[tuple[str, str | None], ...]:
    """(edition, why) for each edition of a record; routing outcomes recur from item to item."""
    why = dict(reasons)
    return tuple((edition, why.get(edition)) for edition in editions)


@functools.lru_cache(maxsize=1024)
def _section_slugs(sections: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(section, slug) for each distinct non-empty slug of a record, the first spelling kept."""
    slugs: dict[str, str] = {}
    for section in sections:
        if (slug := section_slug(section)):
            slugs.setdefault(slug, section)
    return tuple((section, slug) for slug, section in slugs.items())


def _membership_rows(articles: Sequence[Article]) -> tuple[list[tuple], list[tuple]]:
    """The ``article_editions`` and ``article_sections`` rows of ``articles``."""
    editions: list[tuple] = []
    sections: list[tuple] = []
    for article in articles:
        published = isoformat(article.published)
        editions.extend((article.id, edition, published, why) for edition, why
                        in _edition_reasons(article.editions, article.edition_reasons))
        sections.extend((article.id, section, slug, published)
                        for section, slug in _section_slugs(article.sections))
    return editions, sections


@dataclass
class _CountChanges:
    """How a batch changes ``edition_counts``: items gained or lost, newest dates seen, and the
    editions whose newest record may have left (withdrawn, rerouted or redated)."""

    items: dict[str, int] = dataclasses.field(default_factory=dict)
    newest: dict[str, str] = dataclasses.field(default_factory=dict)
    recheck: set[str] = dataclasses.field(default_factory=set)

    def leave(self, row: dict[str, Any]) -> None:
        """An archived row (as read before the batch) is about to be replaced."""
        if row["status"] != STATUS_USABLE or not row["editions"]:
            return
        for edition in json.loads(row["editions"]):
            self.items[edition] = self.items.get(edition, 0) - 1
            self.recheck.add(edition)

    def enter(self, article: Article) -> None:
        """``article`` is written (new, or replacing the row given to :meth:`leave`)."""
        if article.status != STATUS_USABLE:
            return
        published = isoformat(article.published)
        for edition in article.editions:
            self.items[edition] = self.items.get(edition, 0) + 1
            if published > self.newest.get(edition, ""):
                self.newest[edition] = published


_NEWEST_USABLE = (
    "SELECT e.published FROM article_editions e JOIN articles a ON a.id = e.article_id "
    "WHERE e.edition = ? AND a.status = ? ORDER BY e.published DESC LIMIT 1"
)


def _count_editions(conn: sqlite3.Connection) -> None:
    """Fill ``edition_counts`` from the memberships (once, for an archive made before it)."""
    conn.execute("DELETE FROM edition_counts")
    conn.execute(
        "INSERT INTO edition_counts (edition, items, newest) "
        "SELECT e.edition, COUNT(*), MAX(e.published) FROM article_editions e "
        "JOIN articles a ON a.id = e.article_id WHERE a.status = ? GROUP BY e.edition",
        [STATUS_USABLE])


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to the archive file at ``path`` in WAL mode, foreign keys enforced."""
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction on ``conn``: all of it commits, or none of it does."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def _schema_ready(conn: sqlite3.Connection) -> bool:
    """Whether every table and column is in place (and no dropped index is left)."""
    names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    if not names.issuperset(_TABLES) or not names.isdisjoint(_DROPPED_INDEXES):
        return False
    for table, columns in (("articles", _ARTICLE_COLUMNS), ("sources", _SOURCE_COLUMNS)):
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if not have.issuperset(columns):
            return False
    return True


def _import_sqlite_utils():
    """Import sqlite-utils without the numpy and pandas it tries on import.

    It imports them only to map their value types to column types (numpy alone costs ~0.1 s
    of a first run); the archive hands it none. They are hidden for that import only, so
    anything else in the process can still import them.
    """
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # makes "import name" raise ImportError
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return sqlite_utils


def _create_or_migrate_schema(conn: sqlite3.Connection) -> None:
    """Create missing tables and add missing columns with sqlite-utils, in one transaction."""
    sqlite_utils = _import_sqlite_utils()
    db = sqlite_utils.Database(conn)
    with _transaction(conn):
        if "articles" not in db.table_names():
            db["articles"].create(_ARTICLE_COLUMNS, pk="id", not_null={"source", "guid", "title"})
            db["articles"].create_index(["source", "guid"], unique=True)
            db["articles"].create_index(["status", "embargoed"])
            db["articles"].create_index(["published"])
        else:
            have = set(db["articles"].columns_dict)
            for name, kind in _ARTICLE_COLUMNS.items():
                if name not in have:
                    db["articles"].add_column(name, kind)
            for index in _DROPPED_INDEXES:
                db.execute(f"DROP INDEX IF EXISTS {index}")
        if "article_editions" not in db.table_names():
            db["article_editions"].create(
                {"article_id": str, "edition": str, "published": str, "reason": str},
                pk=("article_id", "edition"),
                foreign_keys=[("article_id", "articles", "id")],
            )
            db["article_editions"].create_index(["edition", "published"])
        if "article_sections" not in db.table_names():
            db["article_sections"].create(
                {"article_id": str, "section": str, "slug": str, "published": str},
                pk=("article_id", "slug"),
                foreign_keys=[("article_id", "articles", "id")],
            )
            db["article_sections"].create_index(["slug", "published"])
        if "article_history" not in db.table_names():
            db["article_history"].create(
                {"article_id": str, "version": int, "replaced_at": str, "record": str},
                pk=("article_id", "version", "replaced_at"),
            )
        if "sources" not in db.table_names():
            db["sources"].create(_SOURCE_COLUMNS, pk="id")
        else:
            # Archives made before a column existed gain it (all source columns are nullable).
            have = set(db["sources"].columns_dict)
            for name, kind in _SOURCE_COLUMNS.items():
                if name not in have:
                    db["sources"].add_column(name, kind)
        if "seen_files" not in db.table_names():
            db["seen_files"].create(
                {"source": str, "sha256": str, "name": str, "seen_at": str, "status": str,
                 "reason": str},
                pk=("source", "sha256"),
            )
        if "edition_counts" not in db.table_names():
            db["edition_counts"].create({"edition": str, "items": int, "newest": str},
                                        pk="edition")
            _count_editions(conn)
        if "articles_fts" not in db.table_names():
            db["articles"].enable_fts(["title", "body_text"], create_triggers=True,
                                      tokenize="unicode61 remove_diacritics 2")


def _create_archive(path: Path) -> None:
    """Build a new archive's schema in a draft file beside ``path``, then link it into place.

    So an archive file is never seen without its tables, even when the run creating it is
    killed; of two processes creating the same archive, the first to link wins.
    """
    draft = path.with_name(f"{path.name}.new-{os.getpid()}")
    for leftover in (draft, Path(f"{draft}-wal"), Path(f"{draft}-shm")):
        leftover.unlink(missing_ok=True)
    conn = _connect(draft)
    try:
        _create_or_migrate_schema(conn)
    finally:
        conn.close()  # checkpoints the draft's WAL into it
    try:
        os.link(draft, path)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


class Archive:
    """An open archive. Use :func:`open_archive` or ``Archive(path)`` then :meth:`close`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._owner = threading.get_ident()
        self._readers = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                _create_archive(self.path)
            self.conn = _connect(self.path)
            if not _schema_ready(self.conn):
                _create_or_migrate_schema(self.conn)
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
        """One write transaction: all of it commits, or none of it does."""
        return _transaction(self.conn)

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

    # -- articles -----------------------------------------------------------------------------

    def find_article(self, article_id: str) -> Article | None:
        """Return the record with ``article_id`` (or a unique id prefix), or ``None``."""
        rows = list(self._query("SELECT * FROM articles WHERE id = ?", [article_id]))
        if not rows and len(article_id) >= 6:
            rows = list(self._query(
                "SELECT * FROM articles WHERE id LIKE ? LIMIT 2", [article_id + "%"]))
            if len(rows) != 1:
                return None
        return _row_to_article(rows[0]) if rows else None

    def first_seen(self, article_id: str) -> datetime | None:
        """When the record was first archived."""
        row = self.conn.execute(
            "SELECT first_seen FROM articles WHERE id = ?", [article_id]).fetchone()
        return parse_iso(row[0]) if row else None

    def history(self, article_id: str) -> list[tuple[datetime | None, Article]]:
        """Earlier versions of a record, oldest first, with the time each was replaced."""
        rows = self.conn.execute(
            "SELECT replaced_at, record FROM article_history WHERE article_id = ? "
            "ORDER BY version, replaced_at", [article_id])
        return [(parse_iso(replaced_at), article_from_dict(json.loads(record)))
                for replaced_at, record in rows]

    def known_hashes(self, source: str) -> dict[str, str]:
        """guid -> content hash of the source's archived records (to skip unchanged items).

        Safe to call from any thread (see :meth:`_reads`), like :meth:`known_parse_hashes`.
        """
        rows = self._reads().execute(
            "SELECT guid, content_hash FROM articles WHERE source = ?", [source])
        return dict(rows.fetchall())

    def known_parse_hashes(self, source: str) -> dict[str, str]:
        """guid -> parse hash of the source's archived records (see ``Article.parse_hash``)."""
        rows = self._reads().execute(
            "SELECT guid, parse_hash FROM articles WHERE source = ? AND parse_hash IS NOT NULL",
            [source])
        return dict(rows.fetchall())

    def store(self, articles: Sequence[Article], now: datetime) -> StoreResult:
        """Insert new records, replace changed ones (version + 1, history kept), skip the rest.

        Runs in one transaction. An incoming record whose explicit ``version`` is lower than the
        archived one is stale and ignored. Returns counts and the editions touched.
        """
        new = updated = unchanged = stale = 0
        touched: set[str] = set()
        stamp = isoformat(now)
        # The batch is decided first, then written with one executemany per table. An item
        # that comes twice in a batch is decided against its first outcome, and only its last
        # outcome is written.
        inserts: dict[str, Article] = {}
        replacements: dict[str, Article] = {}
        history: list[tuple] = []
        with self.transaction():
            # One query for the whole batch instead of one per item; rows become records only
            # when an item is already archived.
            archived: dict[str, dict | Article] = {}
            ids = list(dict.fromkeys(a.id for a in articles))
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for row in self._query(
                        f"SELECT * FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
                    archived[row["id"]] = row
            before = dict(archived)  # the rows as archived, for edition_counts
            for article in articles:
                old = archived.get(article.id)
                if old is None:
                    if article.published is None or article.updated is None:
                        article = article.replace(
                            published=article.published or now,
                            updated=article.updated or article.published or now)
                    inserts[article.id] = archived[article.id] = article
                    touched.update(article.editions)
                    new += 1
                    continue
                if isinstance(old, dict):
                    old = _row_to_article(old)
                if article.version < old.version:
                    stale += 1
                    continue
                if article.content_hash == old.content_hash and article.version == old.version:
                    if (article.editions, article.edition_reasons, article.language) != (
                            old.editions, old.edition_reasons, old.language):
                        # Routing changed (new rules), content did not: no new version.
                        replacement = old.replace(editions=article.editions,
                                                  edition_reasons=article.edition_reasons,
                                                  language=article.language,
                                                  language_method=article.language_method)
                    else:
                        unchanged += 1
                        continue
                else:
                    version = article.version if article.version > old.version else old.version + 1
                    moved = article.updated if article.updated and (
                        old.updated is None or article.updated > old.updated) else now
                    if article.status in (STATUS_WITHDRAWN, STATUS_CANCELED):
                        # A kill notice usually carries no text: keep the last text, mark it.
                        replacement = old.replace(
                            status=article.status, version=version, updated=moved,
                            status_reason=(article.status_reason
                                           or f"{article.status} by the agency"),
                            content_hash=article.content_hash, parse_hash=article.parse_hash)
                    else:
                        replacement = article.replace(
                            version=version,
                            published=article.published or old.published,
                            updated=moved,
                        )
                    history.append((old.id, old.version, stamp, _JSON.encode(old)))
                pending = inserts if article.id in inserts else replacements
                pending[article.id] = archived[article.id] = replacement
                touched.update(old.editions)
                touched.update(replacement.editions)
                updated += 1
            self._write(list(inserts.values()), list(replacements.values()), history, stamp)
            self._recount(before, [*inserts.values(), *replacements.values()])
        return StoreResult(new, updated, unchanged, stale, frozenset(touched))

    def _recount(self, before: dict[str, dict], written: Sequence[Article]) -> None:
        """Bring ``edition_counts`` up to date with a written batch (in its transaction)."""
        changes = _CountChanges()
        for article in written:
            if (row := before.get(article.id)) is not None:
                changes.leave(row)
            changes.enter(article)
        conn = self.conn
        conn.executemany(
            "INSERT INTO edition_counts (edition, items, newest) VALUES (?, ?, ?) "
            "ON CONFLICT (edition) DO UPDATE SET items = items + excluded.items, "
            "newest = CASE WHEN newest IS NULL OR excluded.newest > newest "
            "THEN excluded.newest ELSE newest END",
            [(edition, count, changes.newest.get(edition))
             for edition, count in changes.items.items()])
        # An edition that lost a record may have lost its newest: ask the index (it stops at
        # the first usable row from the top).
        for edition in changes.recheck:
            row = conn.execute(_NEWEST_USABLE, [edition, STATUS_USABLE]).fetchone()
            conn.execute("UPDATE edition_counts SET newest = ? WHERE edition = ?",
                         [row[0] if row else None, edition])

    def _write(self, inserts: Sequence[Article], replacements: Sequence[Article],
               history: list[tuple], stamp: str) -> None:
        """Write a decided batch: new rows, replaced rows, replaced versions, memberships."""
        conn = self.conn
        conn.executemany(
            "INSERT OR REPLACE INTO article_history (article_id, version, replaced_at, record) "
            "VALUES (?, ?, ?, ?)", history)
        conn.executemany(_INSERT_ARTICLE, [
            (*_article_values(article), stamp, stamp) for article in inserts])
        updates = []
        for article in replacements:
            values = _article_values(article)
            updates.append((*values[1:], stamp, values[0]))
        conn.executemany(_UPDATE_ARTICLE, updates)
        gone = [(article.id,) for article in replacements]
        conn.executemany("DELETE FROM article_editions WHERE article_id = ?", gone)
        conn.executemany("DELETE FROM article_sections WHERE article_id = ?", gone)
        editions, sections = _membership_rows([*inserts, *replacements])
        conn.executemany(
            "INSERT INTO article_editions (article_id, edition, published, reason) "
            "VALUES (?, ?, ?, ?)", editions)
        conn.executemany(
            "INSERT INTO article_sections (article_id, section, slug, published) "
            "VALUES (?, ?, ?, ?)", sections)

    def feed_articles(self, edition: str, now: datetime, limit: int,
                      section: str | None = None, *,
                      known: dict[str, Article] | None = None) -> list[Article]:
        """The newest ``limit`` visible records of an edition (or of one of its sections).

        Visible: status usable and no embargo, or an embargo that has passed at ``now``.
        Sorted newest first by ``published``, ties by id, so the order is deterministic.

        ``known`` (id -> record) holds the records earlier calls returned: those are not read
        again, and the ones read are added. One publish shows a record in many feeds (every
        English edition, its section feeds), so sharing ``known`` across its calls decodes
        each record once. Valid only while nothing writes the archive (a publish holds the
        writer lock).
        """
        stamp = isoformat(now)
        if section is None:
            sql = (
                "SELECT a.id FROM article_editions e JOIN articles a ON a.id = e.article_id "
                "WHERE e.edition = ? AND a.status = ? AND (a.embargoed IS NULL OR a.embargoed <= ?) "
                "ORDER BY e.published DESC, a.id DESC LIMIT ?"
            )
            params = [edition, STATUS_USABLE, stamp, limit]
        else:
            sql = (
                "SELECT a.id FROM article_sections s JOIN article_editions e "
                "ON e.article_id = s.article_id AND e.edition = ? "
                "JOIN articles a ON a.id = s.article_id "
                "WHERE s.slug = ? AND a.status = ? AND (a.embargoed IS NULL OR a.embargoed <= ?) "
                "ORDER BY s.published DESC, a.id DESC LIMIT ?"
            )
            params = [edition, section, STATUS_USABLE, stamp, limit]
        ids = [article_id for (article_id,) in self.conn.execute(sql, params)]
        known = {} if known is None else known
        missing = [article_id for article_id in ids if article_id not in known]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            for row in self._query(
                    f"SELECT * FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
                known[row["id"]] = _row_to_article(row)
        # A record removed between the two reads is left out, as if removed before them.
        return [known[article_id] for article_id in ids if article_id in known]

    def edition_stats(self) -> dict[str, tuple[int, datetime | None]]:
        """edition -> (items, newest published) over usable records (kept by :meth:`store`)."""
        rows = self.conn.execute(
            "SELECT edition, items, newest FROM edition_counts WHERE items > 0")
        return {edition: (count, parse_iso(newest)) for edition, count, newest in rows.fetchall()}

    def embargoes_passed(self, since: datetime, now: datetime) -> int:
        """Usable records whose embargo ended after ``since`` and by ``now``."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE embargoed > ? AND embargoed <= ? AND status = ?",
            [isoformat(since), isoformat(now), STATUS_USABLE]).fetchone()[0]

    def pending_embargoes(self, now: datetime) -> datetime | None:
        """The earliest embargo still in the future, or ``None``."""
        row = self.conn.execute(
            "SELECT MIN(embargoed) FROM articles WHERE embargoed > ? AND status = ?",
            [isoformat(now), STATUS_USABLE]).fetchone()
        return parse_iso(row[0]) if row and row[0] else None

    def iter_articles(self, *, edition: str | None = None, source: str | None = None,
                      limit: int | None = None) -> Iterator[Article]:
        """Records newest first, optionally for one edition or source."""
        where, params = [], []
        if edition:
            where.append("id IN (SELECT article_id FROM article_editions WHERE edition = ?)")
            params.append(edition)
        if source:
            where.append("source = ?")
            params.append(source)
        sql = "SELECT * FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY published DESC, id DESC"
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        for row in self._query(sql, params):
            yield _row_to_article(row)

    def search(self, query: str, limit: int = 20) -> list[Article]:
        """Full-text search over titles and bodies, newest first."""
        terms = " ".join('"' + word.replace('"', '""') + '"' for word in query.split())
        if not terms:
            return []
        rows = self._query(
            "SELECT a.* FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
            "WHERE articles_fts MATCH ? ORDER BY a.published DESC, a.id DESC LIMIT ?",
            [terms, limit])
        return [_row_to_article(row) for row in rows]

    def count_articles(self) -> int:
        """Number of records in the archive."""
        return self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    # -- sources ------------------------------------------------------------------------------

    def source_state(self, source_id: str) -> SourceState:
        """The stored state of a source (a blank state for a source never run)."""
        rows = list(self._query("SELECT * FROM sources WHERE id = ?", [source_id]))
        if not rows:
            return SourceState(id=source_id)
        row = rows[0]
        return SourceState(
            id=row["id"], kind=row["kind"], location=row["location"],
            last_attempt=parse_iso(row["last_attempt"]),
            last_success=parse_iso(row["last_success"]), last_status=row["last_status"],
            last_error=row["last_error"], failures=row["failures"] or 0,
            failing_since=parse_iso(row["failing_since"]), next_due=parse_iso(row["next_due"]),
            etag=row["etag"], last_modified=row["last_modified"],
            permanent_redirect=row["permanent_redirect"], items_total=row["items_total"] or 0,
            latencies=tuple(json.loads(row["latencies"] or "[]")), repairs=row["repairs"],
            next_due_reason=row.get("next_due_reason"),
        )

    def save_source_state(self, state: SourceState) -> None:
        """Write a source's state (in its own transaction)."""
        row = {
            "id": state.id, "kind": state.kind, "location": state.location,
            "last_attempt": isoformat(state.last_attempt),
            "last_success": isoformat(state.last_success), "last_status": state.last_status,
            "last_error": state.last_error, "failures": state.failures,
            "failing_since": isoformat(state.failing_since), "next_due": isoformat(state.next_due),
            "etag": state.etag, "last_modified": state.last_modified,
            "permanent_redirect": state.permanent_redirect, "items_total": state.items_total,
            "latencies": json.dumps(list(state.latencies[-_LATENCY_WINDOW:])),
            "repairs": state.repairs, "next_due_reason": state.next_due_reason,
        }
        names = list(row)
        with self.transaction():
            self.conn.execute(
                f"INSERT OR REPLACE INTO sources ({', '.join(names)}) "
                f"VALUES ({', '.join('?' * len(names))})", [row[n] for n in names])

    def source_states(self) -> dict[str, SourceState]:
        """Every stored source state by id."""
        ids = [row[0] for row in self.conn.execute("SELECT id FROM sources ORDER BY id").fetchall()]
        return {source_id: self.source_state(source_id) for source_id in ids}

    def new_items_since(self, source_id: str, since: datetime) -> int:
        """Records of a source first archived after ``since``."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE source = ? AND first_seen > ?",
            [source_id, isoformat(since)]).fetchone()[0]

    # -- inbox files --------------------------------------------------------------------------

    def seen_file(self, source: str, sha256: str) -> dict[str, Any] | None:
        """The remembered outcome for an inbox file's content, or ``None``."""
        rows = list(self._query(
            "SELECT * FROM seen_files WHERE source = ? AND sha256 = ?", [source, sha256]))
        return rows[0] if rows else None

    def remember_file(self, source: str, sha256: str, name: str, now: datetime,
                      status: str, reason: str | None = None) -> None:
        """Remember an inbox file's content hash and outcome."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO seen_files (source, sha256, name, seen_at, status, reason) "
                "VALUES (?, ?, ?, ?, ?, ?)", [source, sha256, name, isoformat(now), status, reason])


def open_archive(path: str | Path) -> Archive:
    """Open (creating if needed) the archive at ``path``. Raises ``StoreError``."""
    return Archive(path)


@contextlib.contextmanager
def writer_lock(database: Path, wait: float = 0.0, poll: float = 0.2) -> Iterator[None]:
    """Hold the archive's single-writer lock (``<database>.lock``) for the block.

    Waits up to ``wait`` seconds for another run or the daemon to finish, then raises
    ``LockError``. The lock is an ``flock``: the kernel releases it if the holder dies.
    """
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


def utcnow() -> datetime:
    """The clock, for the shell only (normalize and render never call it)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def clean_reason(text: str) -> str:
    """One line, at most 300 characters: how errors are stored and shown."""
    line = clean_text(text)
    return line if len(line) <= 300 else line[:297] + "..."
