"""The archive's schema: its tables, creating them, migrating an older archive, connecting.

sqlite-utils creates and migrates the schema, imported only when that is needed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import uuid
from pathlib import Path
from typing import Iterator

from normalize.model import STATUS_USABLE


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

#: Tables (and the FTS table) an archive must have; missing ones send the open through sqlite-utils.
_TABLES = ("articles", "article_editions", "article_sections", "article_history", "sources",
           "seen_files", "articles_fts", "edition_counts", "change_mark")
#: Indexes older archives have and newer ones do without: nothing queries articles by content
#: hash, and the index slowed every insert. Opening an old archive drops them.
_DROPPED_INDEXES = ("idx_articles_content_hash",)


_NEWEST_USABLE = (
    "SELECT e.published FROM article_editions e JOIN articles a ON a.id = e.article_id "
    "WHERE e.edition = ? AND a.status = ? ORDER BY e.published DESC LIMIT 1"
)


#: Bump the change mark, or make its row (with ``archive`` id and ``mark``) when missing.
_BUMP_MARK = (
    "INSERT INTO change_mark (id, archive, mark) VALUES (1, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET mark = mark + 1"
)


def _bump_change_mark(conn: sqlite3.Connection) -> None:
    """Move the archive's change mark on (inside the caller's write transaction)."""
    conn.execute(_BUMP_MARK, [uuid.uuid4().hex, 1])


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
            if "first_fetched" not in have:
                # Until first_fetched existed, first_seen held the run's start: that is what
                # first_fetched means. The store time of those records is not known; first_seen
                # keeps the run's start as the closest value.
                db.execute("UPDATE articles SET first_fetched = first_seen")
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
        if "change_mark" not in db.table_names():
            # An archive made before the mark starts at 0 under a new id: no publish state
            # remembers that mark, so its first run publishes.
            db["change_mark"].create({"id": int, "archive": str, "mark": int}, pk="id")
            conn.execute(_BUMP_MARK, [uuid.uuid4().hex, 0])
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
