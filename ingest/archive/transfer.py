"""Copying an SQLite archive into a PostgreSQL one (``ingest migrate --to postgresql://...``).

Every table of :data:`~ingest.archive.schema.TABLES` is copied row by row as stored (records,
their history, memberships, sources and their health, remembered inbox files, edition counts,
the change mark), in one transaction of the target: a copy that is interrupted leaves nothing
behind. Rows replace the target's rows with the same key, and a record new or changed in the
target gets the source's memberships; rows already equal are left alone, so running it again
gives the same archive and writes only what changed since. A target that holds another
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
#: Tables whose rows belong to a record (its id first): a changed record's replace the target's.
_MEMBERSHIPS = ("article_editions", "article_sections")


@dataclass(frozen=True)
class TransferSummary:
    """What a copy did: per table (in :data:`TABLES` order) the rows read and the rows written
    (new or changed in the target), and its duration."""

    rows: tuple[tuple[str, int, int], ...]
    seconds: float
    change_mark: str

    @property
    def total(self) -> int:
        """Rows read over every table."""
        return sum(count for _, count, _ in self.rows)

    @property
    def written(self) -> int:
        """Rows written over every table."""
        return sum(count for _, _, count in self.rows)


def _copy_sql(table) -> str:
    """The upsert of one table's rows that leaves a row already equal alone (a copy run
    again rewrites, and re-indexes, only what changed since)."""
    statement = upsert_sql(table.name, tuple(table.columns))
    others = [name for name in table.columns if name not in table.pk]
    if not others:
        return statement
    return (f"{statement} WHERE ({', '.join(f'{table.name}.{name}' for name in others)}) "
            f"IS DISTINCT FROM ({', '.join(f'excluded.{name}' for name in others)})")


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
    copied: list[tuple[str, int, int]] = []
    with target.transaction():
        _check_target(source, target)
        before = target.conn.execute("SELECT archive, mark FROM change_mark WHERE id = 1").fetchone()
        fresh = not target.count_articles()  # no memberships to replace
        changed: set[str] = set()  # records new or changed in the target
        for table in TABLES:
            done = written = 0
            statement = _copy_sql(table)
            for batch in _rows(source, table):
                done += len(batch)
                if table.name == "articles":
                    ids = [row for (row,) in target.conn.executemany_returning(
                        f"{statement} RETURNING {table.name}.id", batch)]
                    changed.update(ids)
                    written += len(ids)
                    if not fresh:  # a changed record's memberships are the source's
                        for name in _MEMBERSHIPS:
                            target.conn.executemany(f"DELETE FROM {name} WHERE article_id = ?",
                                                    [(i,) for i in ids])
                else:
                    if table.name in _MEMBERSHIPS:
                        batch = [row for row in batch if row[0] in changed]
                    written += target.conn.executemany(statement, batch)
                if progress:
                    progress(table.name, done, counts[table.name])
            if progress and not done:
                progress(table.name, 0, 0)
            copied.append((table.name, done, written))
        _merge_counts_and_mark(target, before)
    return TransferSummary(tuple(copied), time.monotonic() - started, target.change_mark())


def _merge_counts_and_mark(target, before: tuple | None) -> None:
    """After the copy: edition counts that hold for the target's records, and a change mark
    that publishing trusts. A first copy keeps the source's mark (feeds published from the
    SQLite archive are up to date with the copy), as does a copy over an earlier one; but when
    the target's mark has gone past the source's (it was written since), the mark moves on
    from there, so feeds published from either republish."""
    from ingest.archive.schema import _count_editions

    _count_editions(target.conn)
    after = target.conn.execute("SELECT archive, mark FROM change_mark WHERE id = 1").fetchone()
    if before and after and before[0] == after[0] and before[1] > after[1]:
        target.conn.execute("UPDATE change_mark SET mark = ? WHERE id = 1",
                            [max(before[1], after[1]) + 1])
