"""A run whose publish never finished leaves the next run to publish (issue 14).

Publishing is decided by whether the archive changed since the last *completed* publish (the
archive's change mark, remembered in the publish state, which is written last), not by whether
the run at hand stored something. Each test drives the real ``ingest run-once`` in a subprocess
against a feed on a local server (which answers a repeated request with 304):

* a run killed after its archive commit, while its publish is under way (it is held at the
  moment it opens the publish state, a FIFO the test put in its place, and killed there); and a
  run whose publish fails half-way (a directory in the way of a feed file, as a full disk would
  fail a write): the next run, which stores nothing, publishes, and the feeds then list the
  committed records;
* a run that stores nothing after a completed publish writes nothing at all;
* the daemon (in this process, its clock frozen): a render that failed is asked for again by
  the next job, though that job stored nothing, and no longer once the feeds caught up;
* the mark itself: kept across reopening, moved only by a write that changes a record, and
  given to an archive made before it existed.

Every interruption happens at an event the test observes; nothing waits for a fixed time.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, run_cli, write_config
from localserver import Route

from ingest.archive import open_archive
from ingest.config import load_config
from ingest.publishing import publish_settings
from normalize.model import Article
from syndicate.publish import needs_publish, publish_all

#: Bound for an observed event, so a broken run fails the test instead of hanging it.
EVENT_TIMEOUT = 120.0
NOW = datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc)


def feed_body(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Report {i}: the council approves the new budget for the schools</title>"
        f"<link>https://wire.example/{i}</link><guid isPermaLink='false'>report-{i}</guid>"
        f"<pubDate>Tue, 04 Mar 2025 {10 + i:02d}:00:00 GMT</pubDate>"
        f"<description>The council approved the budget on Tuesday after a long debate, "
        f"officials said, in report {i}.</description></item>"
        for i in range(items))
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Wire</title><link>https://wire.example/</link><description>d</description>"
            f"<language>en</language>{entries}</channel></rss>").encode()


def shown(path: Path) -> set[int]:
    """The reports a published RSS or Atom file lists (by their item titles)."""
    titles = etree.fromstring(path.read_bytes()).xpath(
        "//*[local-name()='item' or local-name()='entry']/*[local-name()='title']/text()")
    return {int(re.match(r"Report (\d+):", title).group(1)) for title in titles}


def stored(db: Path) -> set[int]:
    """The reports the archive holds."""
    with sqlite3.connect(db) as conn:
        return {int(guid.removeprefix("report-")) for (guid,) in conn.execute(
            "SELECT guid FROM articles")}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under ``folder``, hidden ones included: (bytes, inode, mtime)."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            files[str(path.relative_to(folder))] = (path.read_bytes(), st.st_ino, st.st_mtime_ns)
    return files


def serve_wire(server, folder: Path) -> None:
    """Serve a two-report feed at ``/wire.xml`` and write a config in ``folder`` reading it."""
    server.routes["/wire.xml"] = Route(body=feed_body(2), content_type="application/rss+xml")
    write_config(folder, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{server.url('/wire.xml')}"
        language = "en"
    """)


@pytest.fixture
def wire(server, tmp_path: Path):
    """A project with one English feed source on the local server; its first run published."""
    serve_wire(server, tmp_path)
    first = run_cli("run-once", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    feeds = tmp_path / "data" / "feeds"
    assert shown(feeds / "en" / "rss.xml") == {0, 1}
    return server, tmp_path


def assert_recovers(server, project: Path, committed: set[int], *args: str) -> None:
    """The next run (``run-once *args``) stores nothing, yet publishes ``committed``."""
    feeds = project / "data" / "feeds"
    answered = len(server.requests)
    rerun = run_cli("run-once", *args, cwd=project)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    # With --all its one request is conditional (answered 304); else the source is not due.
    assert [headers.get("If-None-Match") is not None
            for _, headers in server.requests[answered:]] == ([True] if args else [])
    assert stored(project / "data" / "wire.db") == committed
    for name in ("en/rss.xml", "en-gb/atom.xml", "en-us/rss.xml"):
        assert shown(feeds / name) == committed, name


@pytest.mark.slow
def test_a_run_killed_while_publishing_is_published_by_the_next_run(wire) -> None:
    server, project = wire
    feeds = project / "data" / "feeds"
    state = feeds / ".publish-state.json"
    server.routes["/wire.xml"].body = feed_body(4)
    before = state.read_bytes()
    # The publish opens its state after reading the archive (and so after the run's commit):
    # a FIFO there holds the run at that point, and a writer can open it once the run has.
    state.unlink()
    os.mkfifo(state)
    process = subprocess.Popen([sys.executable, "-m", "ingest", "run-once", "--all"], cwd=project,
                               env={**os.environ, "PYTHONPATH": str(REPO)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    writer = None
    try:
        end = time.monotonic() + EVENT_TIMEOUT
        while writer is None:
            assert process.poll() is None, "the run ended before it opened the publish state"
            assert time.monotonic() < end, "the run never opened the publish state"
            try:
                writer = os.open(state, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: no reader yet
                time.sleep(0.002)
        process.send_signal(signal.SIGKILL)  # the run waits for the state's bytes: still there
        assert process.wait(timeout=60) == -signal.SIGKILL
    finally:
        if writer is not None:
            os.close(writer)
        if process.poll() is None:
            process.kill()
            process.wait()
    # What the killed run left: its records committed, the feeds and their state as before.
    state.unlink()
    state.write_bytes(before)
    committed = set(range(4))
    assert stored(project / "data" / "wire.db") == committed
    assert shown(feeds / "en" / "rss.xml") == {0, 1}

    assert_recovers(server, project, committed, "--all")


@pytest.mark.slow
def test_a_publish_that_failed_half_way_is_completed_by_the_next_run(wire) -> None:
    server, project = wire
    feeds = project / "data" / "feeds"
    server.routes["/wire.xml"].body = feed_body(3)
    # A directory in the way of one feed file fails its write, as a full disk would, after the
    # files of the editions before it were written; the old file is kept aside meanwhile.
    blocked = feeds / "en-gb" / "atom.xml"
    kept = blocked.read_bytes()
    blocked.unlink()
    (blocked / "in-the-way").mkdir(parents=True)
    failed = run_cli("run-once", "--all", cwd=project)
    assert failed.returncode != 0, failed.stdout + failed.stderr
    shutil.rmtree(blocked)
    blocked.write_bytes(kept)  # what a failed atomic write leaves: the old file
    committed = set(range(3))
    assert stored(project / "data" / "wire.db") == committed
    assert shown(feeds / "en" / "rss.xml") == committed  # written before the failure
    assert shown(feeds / "en-gb" / "atom.xml") == {0, 1}
    # Files are written a few at once (syndicate.publish.WRITE_THREADS): a later edition's may
    # have been written before the failure was seen. The publish state was not, so the next run
    # completes every feed.
    assert shown(feeds / "en-us" / "rss.xml") in ({0, 1}, committed)

    assert_recovers(server, project, committed)


@pytest.mark.slow
def test_a_run_that_stores_nothing_after_a_completed_publish_writes_nothing(wire) -> None:
    server, project = wire
    feeds = project / "data" / "feeds"
    before = snapshot(feeds)
    answered = len(server.requests)
    rerun = run_cli("run-once", "--all", cwd=project)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert [headers.get("If-None-Match") is not None
            for _, headers in server.requests[answered:]] == [True]
    assert snapshot(feeds) == before  # the publish state included: not even rewritten


def _article(number: int, **changes) -> Article:
    fields = dict(
        id=f"id-{number}", guid=f"urn:test:{number}", source="wire", title=f"Report {number}",
        url=f"https://wire.example/{number}", body_html=f"<p>Report {number}.</p>",
        body_text=f"Report {number}.", published=NOW - timedelta(minutes=number),
        updated=NOW - timedelta(minutes=number), language="en", editions=("en", "en-gb"),
        content_hash=f"h{number}",
    )
    fields.update(changes)
    return Article(**fields)


def test_the_change_mark_moves_with_every_record_change_and_survives_reopening(
        tmp_path: Path, database, request) -> None:
    db = database  # each backend
    archive = open_archive(db)
    try:
        marks = [archive.change_mark()]
        archive.store([_article(1), _article(2)], NOW)  # new records
        marks.append(archive.change_mark())
        archive.store([_article(1), _article(2)], NOW)  # unchanged: no move
        assert archive.change_mark() == marks[-1]
        archive.store([_article(1, title="Report 1, corrected", content_hash="h1b")], NOW)
        marks.append(archive.change_mark())  # a new version
        archive.store([_article(2, editions=("en",))], NOW)
        marks.append(archive.change_mark())  # rerouted, same content
        archive.store([_article(2, status="withdrawn", editions=("en",), content_hash="k2")], NOW)
        marks.append(archive.change_mark())  # killed
    finally:
        archive.close()
    assert len(set(marks)) == len(marks), marks
    archive = open_archive(db)
    try:
        assert archive.change_mark() == marks[-1]
    finally:
        archive.close()
    other = open_archive(request.getfixturevalue("postgres_cluster").new_database()
                         if isinstance(db, str) else tmp_path / "other.db")
    try:
        assert other.change_mark() != marks[0]  # another archive's marks are its own
    finally:
        other.close()


def test_an_archive_and_a_publish_state_from_before_the_mark_publish_once_then_skip(
        tmp_path: Path) -> None:
    write_config(tmp_path, "")
    settings = publish_settings(load_config(tmp_path / "schedules.toml"))
    db = tmp_path / "data" / "wire.db"
    archive = open_archive(db)
    try:
        archive.store([_article(1)], NOW)
        publish_all(settings, archive, NOW)
        assert not needs_publish(settings, archive, NOW)
    finally:
        archive.close()
    # An archive and a publish state as written before the mark existed.
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE change_mark")
    state = settings.feeds / ".publish-state.json"
    state.write_text(state.read_text(encoding="utf-8").replace('"_archive_mark"', '"_unknown"'),
                     encoding="utf-8")
    archive = open_archive(db)  # migrates: the mark is back, under a new archive id
    try:
        assert archive.change_mark()
        assert [a.id for a in archive.feed_articles("en", NOW, 10)] == ["id-1"]
        assert needs_publish(settings, archive, NOW)  # no remembered mark: publish
        publish_all(settings, archive, NOW)
        assert not needs_publish(settings, archive, NOW)
        archive.store([_article(2)], NOW)
        assert needs_publish(settings, archive, NOW)
    finally:
        archive.close()


@pytest.mark.slow
def test_the_daemon_retries_a_failed_render_at_its_next_job(tmp_path: Path, server,
                                                             frozen_clock) -> None:
    from ingest.daemon import Daemon
    from ingest.publishing import feed_publisher

    serve_wire(server, tmp_path)
    feeds = tmp_path / "data" / "feeds"
    blocked = feeds / "en-gb" / "atom.xml"
    daemon = Daemon(load_config(tmp_path / "schedules.toml"),
                    lambda config: feed_publisher(config, parallel=False))
    requested: list[str] = []
    daemon.request_render = requested.append  # renders run below, in this thread

    def job(hour: int) -> list[str]:
        """Run the source's job an hour after the last (so it is due); the renders it asked."""
        frozen_clock.now = NOW + timedelta(hours=hour)
        requested.clear()
        daemon.run_job("wire")
        return list(requested)

    try:
        assert job(0) == ["wire"]
        daemon.render_now()
        assert shown(blocked) == {0, 1}
        server.routes["/wire.xml"].body = feed_body(4)
        assert job(1) == ["wire"]
        kept = blocked.read_bytes()
        blocked.unlink()
        (blocked / "in-the-way").mkdir(parents=True)
        daemon.render_now()  # fails on en-gb/atom.xml (logged)
        shutil.rmtree(blocked)
        blocked.write_bytes(kept)
        assert daemon.renders == 1 and shown(blocked) == {0, 1}
        # The next job stores nothing (304), yet asks for the render the feeds still miss.
        assert job(2) == ["wire"]
        daemon.render_now()
        assert shown(blocked) == shown(feeds / "en" / "rss.xml") == {0, 1, 2, 3}
        assert job(3) == []  # feeds up to date: no render asked
        assert [path for path, _ in server.requests] == ["/wire.xml"] * 4
    finally:
        daemon.client.close()
