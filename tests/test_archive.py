"""The archive on both backends (the ``database`` fixture: an SQLite file, then a database of
a real PostgreSQL server): records round-trip, batches decide like item-by-item writes; and on
SQLite, opening an archive that is already in shape leaves sqlite-utils unloaded, and older
archives migrate."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO

from ingest.archive import open_archive
from normalize.model import Article, Credit, Dateline, Image, Related

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc)


def _article(number: int, **changes) -> Article:
    fields = dict(
        id=f"id-{number:04d}", guid=f"urn:test:{number}", source="efe", title=f"Titular {number}",
        url=f"https://efe.example/{number}", summary="Resumen «corto».",
        body_html=f"<p>Cuerpo {number} sobre la economía.</p>",
        body_text=f"Cuerpo {number} sobre la economía.", authors=("Ana Pérez", "EFE"),
        dateline=Dateline("MADRID, 24 oct. (EFE) -", "MADRID", "24 oct.", "EFE"),
        agency="EFE",
        images=(Image("https://img.example/1.jpg", "Un pastor.", Credit(
            "EFE/Chema Moya", "Chema Moya", None, "EFE"), "image/jpeg", 1200, 800),),
        related=(Related("Antes", "https://efe.example/0", NOW - timedelta(days=1)),),
        published=NOW - timedelta(minutes=number), updated=NOW - timedelta(minutes=number),
        language="es", language_method="declared", editions=("es-es", "es-mx"),
        edition_reasons=(("es-es", "language"), ("es-mx", "rule Mexico")),
        sections=("Economía", "economia", "Sport"), content_hash=f"h{number}",
        parse_hash=f"p{number}", extra=(("fulltext", f"https://efe.example/{number}"),),
    )
    fields.update(changes)
    return Article(**fields)


def test_a_stored_record_reads_back_equal_and_files_under_its_editions_and_sections(
        database) -> None:
    archive = open_archive(database)
    try:
        dated, undated = _article(1), _article(2, published=None, updated=None)
        result = archive.store([dated, undated], NOW)
        assert (result.new, result.updated, result.editions) == (2, 0, {"es-es", "es-mx"})
        assert archive.find_article(dated.id) == dated
        assert archive.find_article(undated.id) == undated.replace(published=NOW, updated=NOW)
        assert [a.id for a in archive.feed_articles("es-mx", NOW, 10)] == [undated.id, dated.id]
        # "Economía" and "economia" share a slug: one section feed, named as first spelled.
        assert [a.id for a in archive.feed_articles("es-es", NOW, 10, section="economia")] == [
            undated.id, dated.id]
        assert [a.id for a in archive.search("economía")] == [undated.id, dated.id]
        assert [a.id for a in archive.search("ECONOMIA cuerpo")] == [undated.id, dated.id]
        assert archive.store([dated, undated], NOW).unchanged == 2
    finally:
        archive.close()


def test_a_batch_decides_each_item_against_the_outcome_of_the_one_before(database) -> None:
    archive = open_archive(database)
    try:
        kept = _article(1)
        archive.store([kept], NOW, stored_at=NOW + timedelta(seconds=20))
        later = NOW + timedelta(hours=1)
        fresh = _article(2)
        batch = [
            fresh, fresh.replace(title="Titular corregido", content_hash="h2b"),  # new, then fixed
            kept.replace(editions=("es-es",), edition_reasons=(("es-es", "language"),)),  # rerouted
            kept.replace(title="Segunda versión", content_hash="h1b"),  # then changed
            kept.replace(version=0, title="Vieja"),  # stale
        ]
        result = archive.store(batch, later, stored_at=later + timedelta(seconds=3))
        assert (result.new, result.updated, result.unchanged, result.stale) == (1, 3, 0, 1)

        stored_fresh = archive.find_article(fresh.id)
        assert (stored_fresh.title, stored_fresh.version) == ("Titular corregido", 2)
        assert [old.title for _, old in archive.history(fresh.id)] == ["Titular 2"]
        # The new version carries its own routing; the rerouting before it made no version.
        stored_kept = archive.find_article(kept.id)
        assert (stored_kept.title, stored_kept.version, stored_kept.editions) == (
            "Segunda versión", 2, ("es-es", "es-mx"))
        assert [(old.title, old.editions) for _, old in archive.history(kept.id)] == [
            ("Titular 1", ("es-es",))]
        # first_seen is when the record was stored, first_fetched when its run started; a
        # replacement changes neither.
        assert archive.first_seen(kept.id) == NOW + timedelta(seconds=20)
        assert archive.first_fetched(kept.id) == NOW
        assert archive.first_seen(fresh.id) == later + timedelta(seconds=3)
        assert archive.first_fetched(fresh.id) == later
        assert [a.id for a in archive.feed_articles("es-mx", later, 10)] == [kept.id, fresh.id]
        assert [a.title for a in archive.search("corregido")] == ["Titular corregido"]
        assert archive.search("Vieja") == []

        kill = kept.replace(status="withdrawn", version=2, body_html="", body_text="",
                            content_hash="k")
        assert archive.store([kill], later).updated == 1
        killed = archive.find_article(kept.id)
        assert (killed.status, killed.title, killed.version) == ("withdrawn", "Segunda versión", 3)
        assert [a.id for a in archive.feed_articles("es-es", later, 10)] == [fresh.id]
    finally:
        archive.close()


def test_fetch_threads_read_known_hashes_while_the_writer_holds_its_transaction(
        database) -> None:
    """The pipeline's fetch threads read a source's hashes while the archive's thread writes
    another source: they see the last commit and never wait for the writer."""
    archive = open_archive(database)
    try:
        archive.store([_article(1)], NOW)
        with ThreadPoolExecutor(2) as pool:
            with archive.transaction():
                archive.conn.execute("UPDATE articles SET parse_hash = 'p1b', content_hash = 'h1b'")
                during = [pool.submit(archive.known_parse_hashes, "efe").result(timeout=10),
                          pool.submit(archive.known_hashes, "efe").result(timeout=10)]
            after = pool.submit(archive.known_parse_hashes, "efe").result(timeout=10)
        assert during == [{"urn:test:1": "p1"}, {"urn:test:1": "h1"}]
        assert after == {"urn:test:1": "p1b"}
    finally:
        archive.close()
    if isinstance(database, str):
        return
    # close() closed the threads' connections too: the file is free to go.
    assert sqlite3.connect(database).execute("PRAGMA integrity_check").fetchone() == (
        "ok",)


@pytest.mark.parametrize("existing", [True, False], ids=["in shape", "new"])
def test_opening_an_archive_leaves_sqlite_utils_unloaded(tmp_path: Path, existing: bool) -> None:
    # sqlite-utils only migrates older archives: one in shape is opened, a new one made
    # (``schema._create_schema``), without importing it.
    database = tmp_path / "wire.db"
    if existing:
        open_archive(database).close()
    script = (
        "import sys\n"
        "from ingest.archive import open_archive, utcnow\n"
        f"archive = open_archive({str(database)!r})\n"
        "archive.store([], utcnow())\n"
        "archive.close()\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "False"
    assert database.exists()


def test_an_older_archive_gains_its_missing_columns_and_loses_the_content_hash_index(
        tmp_path: Path) -> None:
    database = tmp_path / "wire.db"
    open_archive(database).close()
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE INDEX idx_articles_content_hash ON articles (content_hash)")
        conn.execute("ALTER TABLE sources DROP COLUMN next_due_reason")
        conn.execute("ALTER TABLE articles DROP COLUMN fetched_url")  # before pages kept it
    conn.close()

    archive = open_archive(database)
    page = _article(1, fetched_url="https://example.com/a/1?utm_source=feed")
    try:
        archive.store([page], NOW)
        assert archive.find_article("id-0001") == page
    finally:
        archive.close()
    with sqlite3.connect(database) as conn:
        indexes = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        columns = {row[1] for row in conn.execute("PRAGMA table_info(sources)")}
    conn.close()
    assert "idx_articles_content_hash" not in indexes and "idx_articles_source_guid" in indexes
    assert "next_due_reason" in columns


def test_first_seen_is_the_store_time_and_an_older_archive_gets_first_fetched(
        tmp_path: Path) -> None:
    database = tmp_path / "wire.db"
    archive = open_archive(database)
    try:
        before = datetime.now(timezone.utc).replace(microsecond=0)
        archive.store([_article(1)], NOW)  # a run that started long ago, stored now
        after = datetime.now(timezone.utc)
        assert before <= archive.first_seen("id-0001") <= after
        assert archive.first_fetched("id-0001") == NOW
    finally:
        archive.close()
    # An archive from before first_fetched: its first_seen held the run's start.
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE articles SET first_seen = ?", [NOW.isoformat()])
        conn.execute("ALTER TABLE articles DROP COLUMN first_fetched")
    conn.close()
    archive = open_archive(database)
    try:
        assert archive.first_fetched("id-0001") == NOW
        assert archive.first_seen("id-0001") == NOW
    finally:
        archive.close()


def _counted_from_scratch(archive) -> dict:
    """edition -> (items, newest) counted over every membership, as `ingest editions` shows."""
    rows = archive.conn.execute(
        "SELECT e.edition, COUNT(*), MAX(e.published) FROM article_editions e "
        "JOIN articles a ON a.id = e.article_id WHERE a.status = 'usable' GROUP BY e.edition")
    return {edition: (items, newest) for edition, items, newest in rows}


def test_edition_counts_follow_inserts_updates_reroutes_redates_and_kills(database) -> None:
    """The per-edition counts a run's summary and `ingest editions` print are kept as records
    are written; after any mix of batches they equal a count over the whole archive."""
    archive = open_archive(database)
    rng = random.Random(9)
    routes = [("es-es",), ("es-es", "es-mx"), ("es-mx", "latam"), ()]
    try:
        for step in range(60):
            batch = []
            for _ in range(rng.randint(1, 6)):
                number = rng.randint(1, 15)
                editions = rng.choice(routes)
                changes = dict(
                    editions=editions, edition_reasons=tuple((e, "rule") for e in editions),
                    published=NOW - timedelta(hours=rng.randint(0, 40)),
                    content_hash=f"h{number}-{rng.randint(0, 2)}",
                    status=rng.choice(["usable", "usable", "usable", "withdrawn"]))
                if changes["status"] == "withdrawn":
                    changes["version"] = 5 + step
                batch.append(_article(number, **changes))
            archive.store(batch, NOW + timedelta(minutes=step))
            stats = {edition: (items, newest.isoformat().replace("+00:00", "Z"))
                     for edition, (items, newest) in archive.edition_stats().items()}
            assert stats == _counted_from_scratch(archive), f"after batch {step}"
    finally:
        archive.close()


def test_an_archive_made_before_edition_counts_gets_them_counted_on_open(tmp_path: Path) -> None:
    database = tmp_path / "wire.db"
    archive = open_archive(database)
    archive.store([_article(1), _article(2, editions=("es-mx",),
                                          edition_reasons=(("es-mx", "rule"),))], NOW)
    archive.close()
    with sqlite3.connect(database) as conn:
        conn.execute("DROP TABLE edition_counts")
    conn.close()

    archive = open_archive(database)
    try:
        assert archive.edition_stats() == {"es-es": (1, NOW - timedelta(minutes=1)),
                                           "es-mx": (2, NOW - timedelta(minutes=1))}
    finally:
        archive.close()


def test_source_health_inbox_files_embargoes_and_queries_round_trip(database) -> None:
    from ingest.archive import SourceState

    archive = open_archive(database)
    try:
        state = SourceState(id="efe", kind="feed", location="https://efe.example/rss",
                            last_attempt=NOW, last_success=NOW - timedelta(hours=1),
                            last_status="failed", last_error="HTTP 503", failures=2,
                            failing_since=NOW - timedelta(minutes=30),
                            next_due=NOW + timedelta(minutes=5), etag='"e1"',
                            last_modified="Tue, 03 Mar 2026 10:00:00 GMT", items_total=7,
                            latencies=(0.25, 0.5, 1.0), next_due_reason="backoff")
        archive.save_source_state(state)
        archive.save_source_state(state)  # a state saved again replaces the row
        assert archive.source_state("efe") == state
        assert archive.source_states() == {"efe": state}
        assert archive.source_state("other") == SourceState(id="other")

        assert archive.seen_file("drop", "ab" * 32) is None
        archive.remember_file("drop", "ab" * 32, "a.xml", NOW, "failed", "bad XML")
        archive.remember_file("drop", "ab" * 32, "a.xml", NOW, "done")
        seen = archive.seen_file("drop", "ab" * 32)
        assert (seen["name"], seen["status"], seen["reason"]) == ("a.xml", "done", None)

        later = NOW + timedelta(hours=2)
        held = _article(1, embargoed=later)
        archive.store([held, _article(2)], NOW, stored_at=NOW)
        assert [a.id for a in archive.feed_articles("es-es", NOW, 10)] == ["id-0002"]
        assert archive.pending_embargoes(NOW) == later
        assert archive.embargoes_passed(NOW, later) == 1
        assert [a.id for a in archive.feed_articles("es-es", later, 10)] == ["id-0001", "id-0002"]
        assert archive.new_items_since("efe", NOW - timedelta(seconds=1)) == 2
        assert archive.ids_with_prefix("id-0") == ["id-0001", "id-0002"]
        assert archive.ids_with_prefix("id-") == [] and archive.find_article("id-0") is None
        assert archive.find_article("id-0001") == held
        assert [a.id for a in archive.iter_articles(edition="es-mx", limit=1)] == ["id-0001"]
        assert archive.known_hashes("efe") == {"urn:test:1": "h1", "urn:test:2": "h2"}
        assert archive.count_articles() == 2
        mark = archive.change_mark()
        archive.store([_article(2)], later)  # unchanged: the mark stays
        assert archive.change_mark() == mark
        archive.store([_article(2, title="Otro", content_hash="h2b")], later)
        assert archive.change_mark() != mark
        assert [(when, old.title) for when, old in archive.history("id-0002")] == [
            (later, "Titular 2")]
    finally:
        archive.close()
    archive = open_archive(database)  # reopened: everything kept
    try:
        assert archive.source_state("efe") == state and archive.count_articles() == 2
    finally:
        archive.close()


def test_a_column_added_to_the_table_description_reaches_existing_archives_of_both_backends(
        database, monkeypatch) -> None:
    """Adding a column is one edit (``schema.TABLES``): the next open adds it to an existing
    archive, SQLite or PostgreSQL, and the records stay."""
    import dataclasses

    from ingest.archive import schema

    archive = open_archive(database)
    archive.store([_article(1)], NOW)
    archive.close()
    tables = tuple(dataclasses.replace(t, columns={**t.columns, "note": str})
                   if t.name == "sources" else t for t in schema.TABLES)
    monkeypatch.setattr(schema, "TABLES", tables)
    archive = open_archive(database)
    try:
        archive.conn.execute("UPDATE sources SET note = 'x'")
        assert archive.find_article("id-0001") == _article(1)
    finally:
        archive.close()


def test_an_older_postgresql_archive_migrates_as_an_older_sqlite_one(postgres_url) -> None:
    """The data steps of a migration are shared: first_fetched filled from first_seen, edition
    counts counted, the change mark made."""
    archive = open_archive(postgres_url)
    archive.store([_article(1), _article(2, editions=("es-mx",),
                                          edition_reasons=(("es-mx", "rule"),))], NOW)
    for statement in ("UPDATE articles SET first_seen = ?",
                      "ALTER TABLE articles DROP COLUMN first_fetched",
                      "ALTER TABLE sources DROP COLUMN next_due_reason",
                      "DROP TABLE edition_counts", "DROP TABLE change_mark",
                      "UPDATE wirefeed_schema SET fingerprint = 'older'"):
        archive.conn.execute(statement, [NOW.isoformat()] if "?" in statement else [])
    archive.close()

    archive = open_archive(postgres_url)
    try:
        assert archive.first_fetched("id-0001") == NOW
        assert archive.edition_stats() == {"es-es": (1, NOW - timedelta(minutes=1)),
                                           "es-mx": (2, NOW - timedelta(minutes=1))}
        assert archive.change_mark().endswith(":0")
        assert archive.source_state("efe").next_due_reason is None
    finally:
        archive.close()


# Text as the parsers leave it: no control characters (PostgreSQL's text cannot hold NUL either).
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
_WHEN = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
                     timezones=st.just(timezone.utc)).map(lambda d: d.replace(microsecond=0))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=_TEXT.filter(str.strip), body=_TEXT, authors=st.lists(_TEXT, max_size=3),
       sections=st.lists(_TEXT, max_size=3), published=_WHEN, version=st.integers(1, 2**40),
       width=st.none() | st.integers(0, 10**6), extra=st.lists(st.tuples(_TEXT, _TEXT), max_size=2))
def test_any_record_reads_back_equal(database, title, body, authors, sections, published, version,
                                     width, extra) -> None:
    archive = open_archive(database)
    try:
        article = _article(1, id=f"id-{uuid.uuid4().hex}", guid=uuid.uuid4().hex, title=title,
                           body_text=body, summary=body or None, authors=tuple(authors),
                           sections=tuple(sections), published=published, updated=published,
                           version=version, extra=tuple(extra),
                           images=(Image("https://img.example/1.jpg", body, Credit(
                               title, None, None, None), "image/jpeg", width, None),))
        assert archive.store([article], NOW).new == 1
        assert archive.find_article(article.id) == article
    finally:
        archive.close()


@pytest.mark.parametrize("made", ["now", "with the insert trigger of older archives"])
def test_the_search_index_follows_inserts_updates_and_deletes(tmp_path: Path, made) -> None:
    from ingest.archive.schema import FTS_INSERT_TRIGGER

    path = tmp_path / "wire.db"
    archive = open_archive(path)
    archive.close()
    conn = sqlite3.connect(path)
    trigger = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                           [FTS_INSERT_TRIGGER]).fetchone()
    assert trigger is None  # a new archive's writer indexes its new rows itself
    if made != "now":  # as sqlite-utils made it
        conn.execute(f'CREATE TRIGGER "{FTS_INSERT_TRIGGER}" AFTER INSERT ON "articles" BEGIN '
                     'INSERT INTO "articles_fts" (rowid, "title", "body_text") '
                     'VALUES (new.rowid, new."title", new."body_text"); END')
        conn.commit()
    conn.close()
    archive = open_archive(path)
    try:
        assert archive._index_new_rows is (made == "now")
        archive.store([_article(n) for n in range(1, 6)], NOW)
        with archive.transaction():  # two batches in one transaction
            archive.store([_article(n) for n in range(6, 9)], NOW)
            archive.store([_article(2, title="Titular nuevo", body_text="Otra cosa.",
                                    parse_hash="p2b", content_hash="h2b")], NOW)
        archive.conn.execute("DELETE FROM article_editions WHERE article_id = 'id-0003'")
        archive.conn.execute("DELETE FROM article_sections WHERE article_id = 'id-0003'")
        archive.conn.execute("DELETE FROM articles WHERE id = 'id-0003'")
        # FTS5 compares its index with the content table, row by row (rank 1: also the rows
        # missing from the index)
        archive.conn.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        assert [a.id for a in archive.search("economía")] == [
            f"id-{n:04d}" for n in (1, 4, 5, 6, 7, 8)]
        assert [a.id for a in archive.search("titular nuevo")] == ["id-0002"]
        assert archive.conn.execute("SELECT count(*) FROM articles_fts").fetchone() == (7,)
    finally:
        archive.close()


def test_records_stored_in_a_transaction_are_indexed_once_as_it_ends(tmp_path: Path) -> None:
    """A new archive indexes the rows of all the stores of a transaction as it commits: a row
    replaced before then, a savepoint rolled back, a search inside it and a transaction rolled
    back leave the index equal to the table."""
    archive = open_archive(tmp_path / "wire.db")
    check = "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
    try:
        with archive.transaction():
            archive.store([_article(1), _article(2)], NOW)
            # replaced while its first version waits to be indexed
            archive.store([_article(1, title="Titular nuevo", body_text="Otra cosa.",
                                    content_hash="h1b", parse_hash="p1b")], NOW)
            with pytest.raises(RuntimeError):
                with archive.transaction():
                    archive.store([_article(3, body_text="Perdido en la reversión.")], NOW)
                    raise RuntimeError("the source fails")
            archive.store([_article(5)], NOW)
            with pytest.raises(RuntimeError):
                with archive.transaction():  # a savepoint that indexes 5, then is undone
                    archive.store([_article(4, content_hash="h4", title="Cuarto")], NOW)
                    archive.store([_article(2, title="Segundo nuevo", body_text="Cambio.",
                                            content_hash="h2b", parse_hash="p2b")], NOW)
                    raise RuntimeError("the source fails")
            assert [a.id for a in archive.search("economía")] == ["id-0002", "id-0005"]
            archive.store([_article(6)], NOW)
        archive.conn.execute(check)
        assert [a.id for a in archive.search("economía")] == ["id-0002", "id-0005", "id-0006"]
        assert [a.id for a in archive.search("titular nuevo")] == ["id-0001"]
        assert archive.search("reversión") == archive.search("cuarto") == []
        with pytest.raises(RuntimeError):
            with archive.transaction():
                archive.store([_article(7)], NOW)
                raise RuntimeError("the run is stopped")
        archive.store([_article(8)], NOW)
        archive.conn.execute(check)
        assert archive.conn.execute("SELECT count(*) FROM articles_fts").fetchone() == (5,)
        assert [a.id for a in archive.search("cuerpo")] == ["id-0002", "id-0005", "id-0006",
                                                            "id-0008"]
    finally:
        archive.close()
