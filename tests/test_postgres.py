"""The PostgreSQL archive on a real server (tests/engines.py starts it): what only that backend
has (an unreachable database, the advisory writer lock, per-language search, stores from several
connections at once) and the commands on a ``postgresql://`` configuration. The behaviours both
backends share are tested on both in tests/test_archive.py."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from engines import _free_port
from ingest.archive import open_archive, writer_lock
from ingest.errors import LockError, StoreError
from test_archive import NOW, _article
from test_operator import invoke, one_line_error, project


FRENCH = _article(9, language="fr", title="L'économie de l'État",
                  body_text="Les économistes prévoient une reprise.")


@pytest.mark.parametrize("command", ["check", "run-once", "render", "daemon", "articles",
                                     "sources", "editions", "export", "search", "migrate"])
def test_an_unreachable_database_is_one_line_naming_it_and_exit_3(tmp_path, server, command) -> None:
    port = _free_port()  # nothing listens there
    url = f"postgresql://wire:s3cret@127.0.0.1:{port}/wire"
    args = {"search": ["search", "budget"], "export": ["export", "--jsonl"],
            "migrate": ["migrate", "--to", url]}.get(command, [command])
    if command == "migrate":  # the target is unreachable; the SQLite archive is there
        config = project(tmp_path, server)
        assert invoke("run-once", "--config", str(config)).exit_code == 0
        server.hits.clear()
    else:
        config = project(tmp_path, server, pipeline=f'database = "{url}"')
    result = invoke(*args, "--config", str(config))
    assert result.exit_code == 3, result.output
    line = one_line_error(result)
    assert f"postgresql://wire:***@127.0.0.1:{port}/wire" in line and "s3cret" not in line
    assert server.hits == {}  # nothing fetched


def test_a_database_that_refuses_is_a_store_error(postgres_cluster) -> None:
    with pytest.raises(StoreError, match="no_such_db"):
        open_archive(postgres_cluster.url("no_such_db"))


def test_the_writer_lock_is_held_in_the_database_and_released_with_its_holder(postgres_url) -> None:
    with writer_lock(postgres_url):
        with pytest.raises(LockError, match="wirefeed writer pid"):
            with writer_lock(postgres_url, wait=0.3, poll=0.1):
                pass
    with writer_lock(postgres_url):  # free again
        pass


def test_search_reads_each_record_in_its_own_language(postgres_url) -> None:
    archive = open_archive(postgres_url)
    try:
        german = _article(1, language="de", title="Neue Häuser für die Stadt",
                          body_text="Die Regierung baut Wohnungen.")
        english = _article(2, language="en", title="Councils approve budgets",
                           body_text="The councils approved the budgets.")
        other = _article(3, language="xx", title="Zzyzx hoy", body_text="")
        archive.store([german, english, other, FRENCH], NOW)
        assert [a.id for a in archive.search("economie ETAT")] == [FRENCH.id]  # accents fold
        assert [a.id for a in archive.search("Haus")] == [german.id]  # German stem of Häuser
        assert [a.id for a in archive.search("council approving")] == [english.id]
        assert [a.id for a in archive.search("zzyzx")] == [other.id]  # 'simple' configuration
        assert archive.search("Haus council") == []  # every word must match
        assert archive.search("   ") == []
    finally:
        archive.close()


def test_stores_from_several_connections_at_once_store_each_record_once(postgres_url) -> None:
    """Workers storing the same batch at the same moment (a task run twice): the store lock
    orders them, so one inserts and the others find the records unchanged."""
    open_archive(postgres_url).close()
    batch = [_article(number) for number in range(1, 30)]
    barrier = threading.Barrier(4)
    results = []

    def store() -> None:
        archive = open_archive(postgres_url)
        try:
            barrier.wait(timeout=30)
            results.append(archive.store(batch, NOW))
        finally:
            archive.close()

    threads = [threading.Thread(target=store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted((r.new, r.unchanged) for r in results) == [(0, 29)] * 3 + [(29, 0)]
    archive = open_archive(postgres_url)
    try:
        assert archive.count_articles() == 29
        assert archive.edition_stats()["es-es"] == (29, NOW - timedelta(minutes=1))
        assert archive.change_mark().endswith(":1")  # made at 0, one batch stored
    finally:
        archive.close()


def test_opening_the_same_new_database_from_several_processes_makes_the_schema_once(
        postgres_url) -> None:
    errors = []

    def open_close() -> None:
        try:
            open_archive(postgres_url).close()
        except Exception as exc:  # noqa: BLE001 - the test reports any
            errors.append(exc)

    threads = [threading.Thread(target=open_close) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def test_the_database_may_be_a_postgresql_url_and_nothing_else(tmp_path, server) -> None:
    from ingest.config import load_config

    url = "postgresql://wire@127.0.0.1:5432/wire"
    assert load_config(project(tmp_path, server, pipeline=f'database = "{url}"')).pipeline.database == url
    result = invoke("check", "--config", str(project(tmp_path, server, pipeline='database = "mysql://x/y"')))
    assert result.exit_code == 2 and "mysql:// is not a supported database" in one_line_error(result)


def test_run_once_and_the_queries_work_on_a_postgresql_archive(tmp_path, server, postgres_url) -> None:
    config = str(project(tmp_path, server, pipeline=f'database = "{postgres_url}"'))
    result = invoke("run-once", "--config", config)
    assert result.exit_code == 0, result.output
    assert "2 new" in result.stdout and not (tmp_path / "data" / "wire.db").exists()
    assert (tmp_path / "data" / "feeds" / "en" / "rss.xml").exists()
    assert invoke("export", "--jsonl", "--config", config).stdout.count("\n") == 2
    assert "budget" in invoke("search", "budget", "--config", config).stdout
    assert invoke("run-once", "--all", "--config", config).exit_code == 0


@pytest.mark.slow
def test_the_daemon_and_healthz_work_on_a_postgresql_archive(tmp_path, server, postgres_url) -> None:
    import signal

    from ingest.config import load_config
    from ingest.serving import health_answer
    from localserver import Route
    from test_daemon import fast_config, sources_toml, start_daemon, wait_for
    from test_fetch import tune_pipeline
    from test_pipeline import ENGLISH, rss_feed

    server.routes["/wire.xml"] = Route(body=rss_feed(ENGLISH))
    config = fast_config(tmp_path, sources_toml(("wire", server.url("/wire.xml"), "1s")))
    tune_pipeline(config, f'database = "{postgres_url}"')
    rss = tmp_path / "data" / "feeds" / "en-gb" / "rss.xml"
    proc, log = start_daemon(config, tmp_path)
    try:
        wait_for(lambda: "[wire] not-modified" in log.read_text(encoding="utf-8"),
                 what="a poll and a conditional one committed", proc=proc, log=log)
        wait_for(lambda: rss.exists() and b"wire.example/rates" in rss.read_bytes(),
                 what="the feeds rendered", proc=proc, log=log)
        assert json.loads(health_answer(load_config(config)).body)["status"] == "ok"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    archive = open_archive(postgres_url)
    try:
        assert archive.source_state("wire").last_status == "not-modified"
        assert archive.count_articles() == len(ENGLISH)
    finally:
        archive.close()
    assert not (tmp_path / "data" / "wire.db").exists()


def test_read_only_commands_never_create_an_archive_in_an_empty_database(
        tmp_path, server, postgres_url) -> None:
    config = str(project(tmp_path, server, pipeline=f'database = "{postgres_url}"'))
    for command in ("articles", "export", "editions", "sources"):
        args = [command, "--jsonl"] if command == "export" else [command]
        result = invoke(*args, "--config", config)
        assert result.exit_code == 2 and "no archive there yet" in one_line_error(result)
    from ingest.archive.postgres import holds_archive

    assert not holds_archive(postgres_url)


def test_a_database_lost_mid_run_is_a_store_error(postgres_url) -> None:
    import psycopg

    archive = open_archive(postgres_url)
    try:
        archive.store([_article(1)], NOW)
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name LIKE 'wirefeed archive%' AND pid <> pg_backend_pid()")
        with pytest.raises(StoreError, match="the archive database failed"):
            archive.store([_article(2)], NOW)
        with pytest.raises(StoreError):
            archive.source_state("efe")
    finally:
        archive.close()


def test_healthz_and_metrics_read_a_postgresql_archive_and_create_none(
        tmp_path, server, postgres_url) -> None:
    from ingest.config import load_config
    from ingest.serving import health_answer, metrics_route

    config = load_config(project(tmp_path, server, pipeline=f'database = "{postgres_url}"'))
    assert json.loads(health_answer(config).body)["status"] == "no archive"
    assert b"wirefeed_source_healthy" in metrics_route(config)().body
    from ingest.archive.postgres import holds_archive

    assert not holds_archive(postgres_url)
    assert invoke("run-once", "--config", str(config.path)).exit_code == 0
    assert json.loads(health_answer(config).body)["status"] == "ok"
    assert b'wirefeed_source_items_stored_total{source="wire"} 2.0' in metrics_route(config)().body


def test_a_role_that_may_not_add_extensions_gets_search_without_accent_folding(
        postgres_cluster) -> None:
    """An operator's usual role: it owns its tables but may not create extensions. The archive
    works; only "economie" no longer finds "économie"."""
    import psycopg

    url = postgres_cluster.new_database()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as admin:
        admin.execute("DO $$ BEGIN CREATE ROLE wirefeed_app LOGIN; "
                      "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("GRANT ALL ON SCHEMA public TO wirefeed_app")
    archive = open_archive(postgres_cluster.url(name).replace("postgres@", "wirefeed_app@"))
    try:
        archive.store([FRENCH], NOW)
        assert [a.id for a in archive.search("économie")] == [FRENCH.id]
        assert archive.search("economie") == []
        assert archive.conn.execute("SELECT COUNT(*) FROM pg_extension "
                                    "WHERE extname = 'unaccent'").fetchone()[0] == 0
    finally:
        archive.close()


def test_passwords_are_masked_wherever_a_url_carries_them() -> None:
    from ingest.archive.postgres import mask_url

    assert mask_url("postgresql://wire:s3cret@db:5432/wire") == "postgresql://wire:***@db:5432/wire"
    assert mask_url("postgresql://db/wire?user=u&password=s3&sslmode=require") == (
        "postgresql://db/wire?user=u&password=***&sslmode=require")
    assert mask_url("postgresql://wire@db/wire") == "postgresql://wire@db/wire"


def test_check_names_a_role_that_may_not_create_the_archive(tmp_path, server, postgres_cluster) -> None:
    import psycopg

    url = postgres_cluster.new_database()
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as admin:
        admin.execute("DO $$ BEGIN CREATE ROLE wirefeed_reader LOGIN; "
                      "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    reader = url.replace("postgres@", "wirefeed_reader@")
    result = invoke("check", "--config", str(project(tmp_path, server, pipeline=f'database = "{reader}"')))
    assert result.exit_code == 3
    assert "may not create tables in schema public" in one_line_error(result)
    result = invoke("check", "--config", str(project(tmp_path, server, pipeline=f'database = "{url}"')))
    assert result.exit_code == 0, result.output


def test_a_run_while_another_holds_the_database_lock_exits_75_naming_it(
        tmp_path, server, postgres_url) -> None:
    import os

    config = str(project(tmp_path, server, pipeline=f'database = "{postgres_url}"'))
    with writer_lock(postgres_url):
        result = invoke("run-once", "--config", config)
    assert result.exit_code == 75
    assert f"(wirefeed writer pid {os.getpid()})" in one_line_error(result)
    assert server.hits == {}
    assert invoke("run-once", "--config", config).exit_code == 0


def test_search_queries_can_use_the_gin_index(postgres_url) -> None:
    """The query spells the indexed document exactly as the index does (else every search
    would read every record)."""
    from ingest.archive.postgres_schema import QUERY_LANGUAGES, SEARCH_DOCUMENT, SEARCH_QUERY

    archive = open_archive(postgres_url)
    try:
        archive.store([_article(1)], NOW)
        archive.conn.execute("SET enable_seqscan = off")
        archive.conn.execute("SET enable_indexscan = off")
        plan = archive.conn.execute(
            f"EXPLAIN SELECT id FROM articles WHERE {SEARCH_DOCUMENT} @@ {SEARCH_QUERY}",
            ["economía"] * len(QUERY_LANGUAGES)).fetchall()
        assert "idx_articles_search" in "\n".join(row[0] for row in plan)
    finally:
        archive.close()


def _square(shared, index: int) -> int:
    return shared[index] ** 2


def test_render_workers_forked_from_a_process_with_an_open_archive_leave_its_session_alone(
        postgres_url) -> None:
    """A publish of many records forks render workers (ingest.workers.forked_map) while the
    archive's connection is open: the workers end without closing the parent's session."""
    from ingest import workers

    if not workers.can_fork():
        pytest.skip("no fork on this platform")
    archive = open_archive(postgres_url)
    try:
        archive.store([_article(1)], NOW)
        assert list(workers.forked_map(_square, [1, 2, 3, 4], 4, workers=2)) == [1, 4, 9, 16]
        archive.store([_article(2)], NOW)
        assert archive.count_articles() == 2
    finally:
        archive.close()


def test_a_publish_reads_one_state_of_the_archive_while_others_store(postgres_url) -> None:
    archive, worker = open_archive(postgres_url), open_archive(postgres_url)
    try:
        archive.store([_article(1)], NOW)
        with archive.snapshot():
            mark = archive.change_mark()
            worker.store([_article(2)], NOW)  # another process stores meanwhile
            assert [a.id for a in archive.feed_articles("es-es", NOW, 10)] == ["id-0001"]
            assert archive.change_mark() == mark
        assert len(archive.feed_articles("es-es", NOW, 10)) == 2 and archive.change_mark() != mark
    finally:
        archive.close()
        worker.close()


def test_a_daemon_job_while_the_database_refuses_connections_is_dropped_and_retried(
        tmp_path, server, postgres_cluster, caplog) -> None:
    import logging

    import psycopg

    from ingest.config import load_config
    from ingest.daemon import Daemon
    from ingest.publishing import feed_publisher

    url = postgres_cluster.new_database()
    name = url.rsplit("/", 1)[1]
    config = load_config(project(tmp_path, server, pipeline=f'database = "{url}"'))
    daemon = Daemon(config, lambda config: feed_publisher(config, parallel=False))
    daemon.request_render = lambda why: None
    admin = psycopg.connect(postgres_cluster.url(), autocommit=True)
    try:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")  # the server "goes away"
        with caplog.at_level(logging.ERROR, logger="ingest.daemon"):
            daemon.run_job("wire")  # no exception escapes to the scheduler
        assert "[wire] " in caplog.text and "this run is dropped" in caplog.text
        assert server.hits == {}
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        daemon.run_job("wire")
        archive = open_archive(url)
        try:
            assert archive.count_articles() == 2 and archive.source_state("wire").last_status == "ok"
        finally:
            archive.close()
    finally:
        admin.close()
        daemon.client.close()
