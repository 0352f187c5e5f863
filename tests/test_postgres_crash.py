"""Crashes on a PostgreSQL archive: ``ingest run-once`` SIGKILLed at five points, then run again
(the events of tests/test_crash.py, with "the archive gained a record" for "the WAL changed").

The reference is an uninterrupted run into SQLite in another folder; at the end the PostgreSQL
archive holds exactly its articles, none twice, and the feeds list the same items. A killed run's
session ends with it, so its writer lock and its open transaction go with it.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from lxml import etree

from conftest import run_cli
from engines import use_database
from test_crash import (
    ITEMS,
    SOURCES,
    articles,
    check_consistent,
    kill_at,
    make_project,
    snapshot,
    wire_totals,
    wire,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.slow


def test_killed_runs_on_postgresql_lose_nothing_and_duplicate_nothing(
        tmp_path: Path, wire, postgres_url) -> None:  # noqa: F811
    server, feeds = wire
    reference = tmp_path / "reference"
    names = make_project(reference, server)
    done = run_cli("run-once", cwd=reference)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    expected = articles(reference / "data" / "wire.db")
    assert len(expected) >= SOURCES * ITEMS

    crashed = tmp_path / "crashed"
    make_project(crashed, server)
    use_database(crashed / "schedules.toml", postgres_url)
    watch = psycopg.connect(postgres_url, autocommit=True)

    def count() -> int:
        exists = watch.execute("SELECT to_regclass('articles')").fetchone()[0]
        return watch.execute("SELECT COUNT(*) FROM articles").fetchone()[0] if exists else 0

    def stored_wires() -> set[int]:
        if count() == 0:
            return set()
        rows = watch.execute("SELECT DISTINCT source FROM articles WHERE source LIKE 'wire%'")
        return {int(source[4:]) for (source,) in rows}

    def consistent(moment: str) -> None:
        check_consistent(crashed, names, moment)  # feeds and inbox files
        if count():
            assert watch.execute("SELECT source, guid FROM articles GROUP BY source, guid "
                                 "HAVING COUNT(*) > 1").fetchall() == [], moment

    try:
        for nth in (1, 7):
            feeds.arm(nth=nth)
            kill_at(crashed, lambda: feeds.held.is_set(), f"request {nth} held")
            consistent(f"after a kill at request {nth}")

        remaining = sorted(set(range(SOURCES)) - stored_wires())
        assert len(remaining) >= 2, remaining  # one to store, one to hold
        feeds.arm(source=remaining[len(remaining) // 2])
        before = count()
        kill_at(crashed, lambda: feeds.held.is_set() and count() != before, "a record stored")
        consistent("after a kill while storing")

        feeds.arm()
        inbox = crashed / "inbox"
        moved_before = snapshot(inbox / "done").keys() | snapshot(inbox / "failed").keys()
        kill_at(crashed, lambda: bool((snapshot(inbox / "done").keys()
                                       | snapshot(inbox / "failed").keys()) - moved_before),
                "an inbox file moved")
        consistent("after a kill in the inbox")

        feeds_dir = crashed / "data" / "feeds"
        published_before = snapshot(feeds_dir)
        kill_at(crashed, lambda: any(published_before.get(path) != stat
                                     for path, stat in snapshot(feeds_dir).items()),
                "a feed file written")
        consistent("after a kill while publishing")

        final = run_cli("run-once", cwd=crashed)
        assert final.returncode in (0, 1), final.stdout + final.stderr
        consistent("after the final run")
        got = watch.execute("SELECT source, guid FROM articles ORDER BY source, guid").fetchall()
        assert got == expected
        # records and source state commit together: a kill while storing leaves the count exact
        totals = watch.execute("SELECT id, items_total FROM sources WHERE id LIKE 'wire%' "
                               "ORDER BY id").fetchall()
        assert totals == wire_totals(reference / "data" / "wire.db")
    finally:
        watch.close()
    def guids(path: Path) -> list[str]:
        return sorted(etree.fromstring(path.read_bytes()).xpath(
            "//*[local-name()='guid' or (local-name()='id' and parent::*[local-name()='entry'])]"
            "/text()"))

    for name in ("en/rss.xml", "en-gb/atom.xml"):
        ours, theirs = crashed / "data" / "feeds" / name, reference / "data" / "feeds" / name
        assert guids(ours) == guids(theirs), name
    assert not (crashed / "data" / "wire.db").exists()
