"""The archive's schema: its tables, creating them, migrating an older archive, connecting.

:data:`TABLES` describes every table once, for both backends; this module creates and migrates
it in SQLite (through sqlite-utils, imported only when that is needed),
:mod:`ingest.archive.postgres_schema` in PostgreSQL. :func:`after_migration` holds the data
steps of a migration, shared by both.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from normalize.model import STATUS_USABLE

log = logging.getLogger(__name__)

_ARTICLE_COLUMNS = {
    "id": str, "source": str, "guid": str, "url": str, "title": str, "summary": str,
    "body_html": str, "body_text": str, "authors": str, "dateline": str, "agency": str,
    "credit": str, "images": str, "related": str, "published": str, "updated": str,
    "language": str, "language_method": str, "countries": str, "editions": str,
    "edition_reasons": str,
    "sections": str, "version": int, "status": str, "status_reason": str, "embargoed": str,
    "rights": str, "content_hash": str, "parse_hash": str, "extra": str, "first_seen": str,
    "last_seen": str, "fetched_url": str, "first_fetched": str,
}
_SOURCE_COLUMNS = {
    "id": str, "kind": str, "location": str, "last_attempt": str, "last_success": str,
    "last_status": str, "last_error": str, "failures": int, "failing_since": str,
    "next_due": str, "etag": str, "last_modified": str, "permanent_redirect": str,
    "items_total": int, "latencies": str, "repairs": str, "next_due_reason": str,
}


@dataclass(frozen=True)
class Table:
    """One table of the archive, as both backends create it: columns (name -> ``str`` or
    ``int``), primary key, NOT NULL columns, indexes (column tuples, the unique ones apart) and
    foreign keys ``(column, other table, other column)``. A column added here is added to every
    existing archive of either backend when it is next opened."""

    name: str
    columns: dict[str, type]
    pk: tuple[str, ...]
    not_null: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()

    def index_name(self, columns: tuple[str, ...]) -> str:
        """The index's name, as sqlite-utils names it (older archives have these names)."""
        return f"idx_{self.name}_{'_'.join(columns)}"


_MEMBER = (("article_id", "articles", "id"),)

#: The archive's tables, in creation order (a table comes after those its keys refer to). The
#: one description both backends create and migrate from: SQLite through sqlite-utils,
#: PostgreSQL through :func:`ingest.archive.postgres_schema.render_table`.
TABLES = (
    Table("articles", _ARTICLE_COLUMNS, ("id",), not_null=("source", "guid", "title"),
          unique=(("source", "guid"),), indexes=(("status", "embargoed"), ("published",))),
    Table("article_editions",
          {"article_id": str, "edition": str, "published": str, "reason": str},
          ("article_id", "edition"), indexes=(("edition", "published"),), foreign_keys=_MEMBER),
    Table("article_sections",
          {"article_id": str, "section": str, "slug": str, "published": str},
          ("article_id", "slug"), indexes=(("slug", "published"),), foreign_keys=_MEMBER),
    Table("article_history",
          {"article_id": str, "version": int, "replaced_at": str, "record": str},
          ("article_id", "version", "replaced_at")),
    Table("sources", _SOURCE_COLUMNS, ("id",)),
    Table("seen_files", {"source": str, "sha256": str, "name": str, "seen_at": str,
                         "status": str, "reason": str}, ("source", "sha256")),
    Table("edition_counts", {"edition": str, "items": int, "newest": str}, ("edition",)),
    Table("change_mark", {"id": int, "archive": str, "mark": int}, ("id",)),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
#: The columns full-text search reads (SQLite: FTS5 table; PostgreSQL: a tsvector column).
SEARCH_COLUMNS = ("title", "body_text")

#: Tables (and the FTS table) an archive must have; missing ones send the open through sqlite-utils.
_TABLES = (*(table.name for table in TABLES), "articles_fts")
#: Indexes older archives have and newer ones do without: nothing queries articles by content
#: hash, and the index slowed every insert. Opening an old archive drops them.
_DROPPED_INDEXES = ("idx_articles_content_hash",)


def upsert_sql(table_name: str, names: Sequence[str]) -> str:
    """``INSERT`` of ``names`` into a table that replaces the row with the same primary key
    (the same statement for both backends)."""
    table = TABLES_BY_NAME[table_name]
    others = [name for name in names if name not in table.pk]
    action = (f"DO UPDATE SET {', '.join(f'{name} = excluded.{name}' for name in others)}"
              if others else "DO NOTHING")
    return (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
            f"ON CONFLICT ({', '.join(table.pk)}) {action}")


def after_migration(conn, created: set[str], added: set[tuple[str, str]]) -> None:
    """The data steps of a migration, for both backends (``conn`` takes ``?`` parameters):
    ``created`` are the tables just made, ``added`` the (table, column) pairs just added."""
    if ("articles", "first_fetched") in added:
        # Until first_fetched existed, first_seen held the run's start: that is what
        # first_fetched means. The store time of those records is not known; first_seen
        # keeps the run's start as the closest value.
        conn.execute("UPDATE articles SET first_fetched = first_seen")
    if "edition_counts" in created:
        _count_editions(conn)
    if "change_mark" in created:
        # An archive made before the mark starts at 0 under a new id: no publish state
        # remembers that mark, so its first run publishes.
        conn.execute(_BUMP_MARK, [uuid.uuid4().hex, 0])


_NEWEST_USABLE = (
    "SELECT e.published FROM article_editions e JOIN articles a ON a.id = e.article_id "
    "WHERE e.edition = ? AND a.status = ? ORDER BY e.published DESC LIMIT 1"
)


#: Bump the change mark, or make its row (with ``archive`` id and ``mark``) when missing.
_BUMP_MARK = (
    "INSERT INTO change_mark (id, archive, mark) VALUES (1, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET mark = change_mark.mark + 1"
)


def _bump_change_mark(conn) -> None:
    """Move the archive's change mark on (inside the caller's write transaction)."""
    conn.execute(_BUMP_MARK, [uuid.uuid4().hex, 1])


def _count_editions(conn) -> None:
    """Fill ``edition_counts`` from the memberships (once, for an archive made before it)."""
    conn.execute("DELETE FROM edition_counts")
    conn.execute(
        "INSERT INTO edition_counts (edition, items, newest) "
        "SELECT e.edition, COUNT(*), MAX(e.published) FROM article_editions e "
        "JOIN articles a ON a.id = e.article_id WHERE a.status = ? GROUP BY e.edition",
        [STATUS_USABLE])


#: The page cache of the archive's writing connection, in KiB (SQLite's default: 2,000). A
#: commit group of a first run writes several MB: with the default, SQLite wrote pages to the
#: WAL before the commit and read them back, and the same index pages went out again at each
#: spill (bench/README.md). The cache grows only as pages are read or written, and it counts in
#: the run's peak memory: 16 MiB raised a 100,000-item first run's peak from 264 to 295 MB (the
#: target is under 300), 8 MiB to 272 MB while keeping about half the saved writes.
WRITER_CACHE_KIB = 8192


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to the archive file at ``path`` in WAL mode, foreign keys enforced, with
    :data:`WRITER_CACHE_KIB` of page cache."""
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
    return conn


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction on ``conn``: all of it commits, or none of it does. Inside
    another transaction it is a savepoint (as psycopg's): a failure undoes its own writes only,
    and they commit with the outer transaction."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT wirefeed_nested")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO SAVEPOINT wirefeed_nested")
            conn.execute("RELEASE SAVEPOINT wirefeed_nested")
            raise
        else:
            conn.execute("RELEASE SAVEPOINT wirefeed_nested")
        return
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
    for table in TABLES:
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table.name})")}
        if not have.issuperset(table.columns):
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
    """Create missing tables and add missing columns (:data:`TABLES`) with sqlite-utils, in
    one transaction."""
    sqlite_utils = _import_sqlite_utils()
    db = sqlite_utils.Database(conn)
    with _transaction(conn):
        names = set(db.table_names())
        created: set[str] = set()
        added: set[tuple[str, str]] = set()
        for table in TABLES:
            if table.name not in names:
                db[table.name].create(
                    table.columns, pk=table.pk[0] if len(table.pk) == 1 else table.pk,
                    not_null=set(table.not_null) or None,
                    foreign_keys=list(table.foreign_keys) or None)
                for columns in table.unique:
                    db[table.name].create_index(list(columns), unique=True)
                for columns in table.indexes:
                    db[table.name].create_index(list(columns))
                created.add(table.name)
                continue
            # Archives made before a column existed gain it (such columns are nullable).
            have = set(db[table.name].columns_dict)
            for name, kind in table.columns.items():
                if name not in have:
                    db[table.name].add_column(name, kind)
                    added.add((table.name, name))
        for index in _DROPPED_INDEXES:
            db.execute(f"DROP INDEX IF EXISTS {index}")
        after_migration(conn, created, added)
        if "articles_fts" not in names:
            db["articles"].enable_fts(list(SEARCH_COLUMNS), create_triggers=True,
                                      tokenize="unicode61 remove_diacritics 2")
            db.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")  # see indexes_new_rows


#: sqlite-utils' trigger that indexes each new ``articles`` row in ``articles_fts``.
FTS_INSERT_TRIGGER = "articles_ai"


def _create_schema(conn: sqlite3.Connection) -> None:
    """Make every table of a new, empty archive by plain SQL, in one transaction: the schema
    :func:`_create_or_migrate_schema` makes through sqlite-utils, statement for statement
    (``tests/test_archive_schema.py`` compares the two), without importing sqlite-utils on a
    first run (bench/README.md). Older archives still migrate through sqlite-utils."""
    with _transaction(conn):
        for table in TABLES:
            conn.execute(_table_sql(table))
            for unique, group in ((True, table.unique), (False, table.indexes)):
                for columns in group:
                    conn.execute(
                        f"CREATE {'UNIQUE ' if unique else ''}INDEX {_quoted(table.index_name(columns))}"
                        f"\n    ON {_quoted(table.name)} ({', '.join(map(_quoted, columns))})")
        after_migration(conn, {table.name for table in TABLES}, set())
        conn.execute(_SEARCH_TABLE)
        for trigger in _SEARCH_TRIGGERS:
            conn.execute(trigger)


def _quoted(name: str) -> str:
    return f'"{name}"'


#: How sqlite-utils names a column's type in ``CREATE TABLE`` (the types :data:`TABLES` uses).
_SQL_TYPES = {str: "TEXT", int: "INTEGER"}


def _table_sql(table: Table) -> str:
    """``CREATE TABLE`` for ``table``, laid out as sqlite-utils writes it (one primary-key
    column inline, several as a table constraint; a foreign key inline on its column)."""
    references = {column: (other, key) for column, other, key in table.foreign_keys}
    lines = []
    for name, kind in table.columns.items():
        extras = []
        if table.pk == (name,):
            extras.append("PRIMARY KEY")
        if name in table.not_null:
            extras.append("NOT NULL")
        if name in references:
            other, key = references[name]
            extras.append(f"REFERENCES {_quoted(other)}({_quoted(key)})")
        lines.append(f"   {_quoted(name)} {_SQL_TYPES[kind]}{''.join(' ' + e for e in extras)}")
    if len(table.pk) > 1:
        lines.append(f"   PRIMARY KEY ({', '.join(map(_quoted, table.pk))})")
    return f"CREATE TABLE {_quoted(table.name)} (\n" + ",\n".join(lines) + "\n)"


#: The search index over :data:`SEARCH_COLUMNS`, as ``enable_fts`` makes it, and the triggers
#: that keep it in step when a row is replaced or deleted (new rows: see
#: :func:`indexes_new_rows`).
_SEARCH_TABLE = (
    'CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (\n'
    f"    {', '.join(map(_quoted, SEARCH_COLUMNS))},\n"
    "    tokenize='unicode61 remove_diacritics 2',\n"
    '    content="articles"\n)')
_OLD_VALUES = ", ".join(f"old.{_quoted(column)}" for column in SEARCH_COLUMNS)
_NEW_VALUES = ", ".join(f"new.{_quoted(column)}" for column in SEARCH_COLUMNS)
_SEARCH_NAMES = ", ".join(map(_quoted, SEARCH_COLUMNS))
_SEARCH_TRIGGERS = (
    'CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN\n'
    f'  INSERT INTO "articles_fts" ("articles_fts", rowid, {_SEARCH_NAMES}) '
    f"VALUES('delete', old.rowid, {_OLD_VALUES});\nEND",
    'CREATE TRIGGER "articles_au" AFTER UPDATE ON "articles" BEGIN\n'
    f'  INSERT INTO "articles_fts" ("articles_fts", rowid, {_SEARCH_NAMES}) '
    f"VALUES('delete', old.rowid, {_OLD_VALUES});\n"
    f'  INSERT INTO "articles_fts" (rowid, {_SEARCH_NAMES}) VALUES (new.rowid, {_NEW_VALUES});\nEND',
)


def indexes_new_rows(conn: sqlite3.Connection) -> bool:
    """Whether the archive's writer puts new records into the search index itself, a batch at
    a time (:meth:`~ingest.archive.articles.ArticlesMixin.store`): archives made since have
    no insert trigger on ``articles``, which cost twice as much CPU, row by row
    (bench/README.md). Older archives keep their trigger (the update and delete triggers stay
    in both), so any version of wirefeed writes them correctly."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                        [FTS_INSERT_TRIGGER]).fetchone() is None


#: A draft this old was left by a creation that was killed: building a schema takes well under
#: a second, and the age, not the process id, decides (the folder may be shared between hosts).
STALE_DRAFT_SECONDS = 600


def remove_stale_drafts(path: Path, now: float | None = None) -> list[Path]:
    """Delete the drafts (``<archive>.new-<pid>`` and their ``-wal``/``-shm``) that creations
    of ``path`` killed midway left behind, once they are :data:`STALE_DRAFT_SECONDS` old.

    ``now`` is the clock (``time.time()`` by default). Returns the files deleted.
    """
    now = time.time() if now is None else now
    removed = []
    for leftover in path.parent.glob(f"{glob.escape(path.name)}.new-*"):
        try:
            if now - leftover.stat().st_mtime < STALE_DRAFT_SECONDS:
                continue
            leftover.unlink()
        except FileNotFoundError:  # another process removed it first
            continue
        except OSError as exc:  # a read-only folder: the archive still opens
            log.warning("cannot remove %s, left by a killed archive creation: %s", leftover, exc)
            continue
        log.warning("removed %s, left by a killed archive creation", leftover)
        removed.append(leftover)
    return removed


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
        _create_schema(conn)
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
