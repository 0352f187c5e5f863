"""Copying an SQLite archive into a PostgreSQL one (``ingest migrate --to postgresql://...``).

Every table of :data:`~ingest.archive.schema.TABLES` is copied row by row as stored (records,
their history, memberships, sources and their health, remembered inbox files, edition counts,
the change mark), in one transaction of the target: a copy that is interrupted leaves nothing
behind. Rows replace the target's rows with the same key and a copied record's memberships
replace the target's, so running it again gives the same archive. A target that holds another
archive's records is refused (:class:`~ingest.errors.StoreError`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator

from ingest.archive.schema import TABLES, upsert_sql
from ingest.errors import StoreError

#: Rows read and written per round trip.
BATCH = 1000
#: Tables whose rows belong to a record: the copied records' rows replace the target's.
_MEMBERSHIPS = ("article_editions", "article_sections")


@dataclass(frozen=True)
class TransferSummary:
    """What a copy did: rows copied per table (in :data:`TABLES` order) and its duration."""

    rows: tuple[tuple[str, int], ...]
    seconds: float
    change_mark: str

    @property
    def total(self) -> int:
        """Rows copied over every table."""
        return sum(count for _, count in self.rows)


def _rows(source, table) -> Iterator[list[tuple]]:
    """The rows of one source table in batches of :data:`BATCH`, in key order."""
    cursor = source.conn.execute(
        f"SELECT {', '.join(table.columns)} FROM {table.name} ORDER BY {', '.join(table.pk)}")
    while batch := cursor.fetchmany(BATCH):
        yield [tuple(row) for row in batch]


def _check_target(source, target) -> None:
    """Refuse a target that already holds the records of another archive."""
    row = target.conn.execute("SELECT archive FROM change_mark WHERE id = 1").fetchone()
    mine = source.conn.execute("SELECT archive FROM change_mark WHERE id = 1").fetchone()
    if row and mine and row[0] != mine[0] and target.count_articles():
        raise StoreError("the target database holds another archive's records (copy into an "
                         "empty database, or into an earlier copy of this archive)",
                         where=getattr(target, "url", None))


def copy_archive(source, target, progress: Callable[[str, int, int], None] | None = None,
                 ) -> TransferSummary:
    """Copy every table of the open SQLite archive ``source`` into the open PostgreSQL archive
    ``target`` (both from :func:`~ingest.archive.open_archive`). ``progress(table, rows done
    in it, rows in it)`` is called after each batch. Raises ``StoreError``."""
    started = time.monotonic()
    counts = {table.name: source.conn.execute(f"SELECT COUNT(*) FROM {table.name}").fetchone()[0]
              for table in TABLES}
    copied: list[tuple[str, int]] = []
    with target.transaction():
        _check_target(source, target)
        before = target.conn.execute("SELECT archive, mark FROM change_mark WHERE id = 1").fetchone()
        fresh = not target.count_articles()  # no memberships to replace
        for table in TABLES:
            done = 0
            statement = upsert_sql(table.name, tuple(table.columns))
            for batch in _rows(source, table):
                if table.name == "articles" and not fresh:
                    ids = [(row[0],) for row in batch]
                    for name in _MEMBERSHIPS:
                        target.conn.executemany(f"DELETE FROM {name} WHERE article_id = ?", ids)
                target.conn.executemany(statement, batch)
                done += len(batch)
                if progress:
                    progress(table.name, done, counts[table.name])
            if progress and not done:
                progress(table.name, 0, 0)
            copied.append((table.name, done))
        _merge_counts_and_mark(target, before)
    return TransferSummary(tuple(copied), time.monotonic() - started, target.change_mark())


def _merge_counts_and_mark(target, before: tuple | None) -> None:
    """After the copy: edition counts that hold for the target's records, and a change mark
    that publishing trusts. A first copy keeps the source's mark (feeds published from the
    SQLite archive are up to date with the copy); a copy over an earlier one whose mark moved
    since moves it on, so feeds published from either republish."""
    from ingest.archive.schema import _count_editions

    _count_editions(target.conn)
    after = target.conn.execute("SELECT archive, mark FROM change_mark WHERE id = 1").fetchone()
    if before and after and tuple(before) != tuple(after) and before[0] == after[0]:
        target.conn.execute("UPDATE change_mark SET mark = ? WHERE id = 1",
                            [max(before[1], after[1]) + 1])
