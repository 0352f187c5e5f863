"""A new SQLite archive is made by plain SQL (``schema._create_schema``): the same tables,
indexes, search index, triggers and first rows as the sqlite-utils path that migrates older
archives makes, and sqlite-utils is not imported for it."""

from __future__ import annotations

from pathlib import Path

from ingest.archive import schema


def _dump(path: Path, build) -> tuple[list, list[str]]:
    conn = schema._connect(path)
    try:
        build(conn)
        master = list(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                   "ORDER BY rowid"))
        archive_id = conn.execute("SELECT archive FROM change_mark").fetchone()[0]
        # The archive's id is random: each archive gets its own.
        rows = [line.replace(archive_id, "<id>") for line in conn.iterdump()]
    finally:
        conn.close()
    return master, rows


def test_a_new_archive_has_the_schema_sqlite_utils_makes(tmp_path: Path) -> None:
    plain = _dump(tmp_path / "plain.db", schema._create_schema)
    through_sqlite_utils = _dump(tmp_path / "utils.db", schema._create_or_migrate_schema)
    assert plain == through_sqlite_utils
    assert any(name == "articles_fts" for _, name, _, _ in plain[0])

