"""Crashes: ``ingest run-once`` killed with SIGKILL at six points, then run again.

20 feed sources on a local server and an inbox of agency drops. The same configuration is first
run once without interruption in another folder: that is the reference. In the crashed folder
each run is killed at an event the test observes, never after a fixed delay, so every kill
lands mid-run whatever the speed of the machine:

1. while the run's first request is held by the server (fetching, nothing stored yet);
2. while its seventh request is held (some sources fetched and stored);
3. and 4. when the archive's WAL file changes while a request further down the list is held
   (storing, with a source still in flight);
5. when the first inbox file leaves the inbox (the inbox half-processed);
6. when the first feed file appears or is replaced (publishing).

After every kill and at the end: ``PRAGMA integrity_check`` is ``ok``; every published feed
parses (never truncated); every inbox file is in the inbox, in ``done/`` or in ``failed/``
(exactly one of them); and at the end the archive holds exactly the reference's articles, none
twice.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import pytest
from lxml import etree

from conftest import REPO, run_cli, write_config
from localserver import Route

SOURCES = 20
ITEMS = 8
#: Generous bound for an observed event, so a broken run fails the test instead of hanging it.
EVENT_TIMEOUT = 120.0

pytestmark = pytest.mark.slow


def feed_body(source: int) -> bytes:
    items = "".join(
        f"<item><title>Source {source} report {i}: council approves the new budget for schools</title>"
        f"<link>https://wire{source}.example/{i}</link><guid isPermaLink='false'>s{source}-{i}</guid>"
        f"<pubDate>Tue, 04 Mar 2025 {10 + i % 10:02d}:00:00 GMT</pubDate>"
        f"<description>The council approved the budget on Tuesday after a long debate, "
        f"officials said, in report {i} of source {source}.</description></item>"
        for i in range(ITEMS))
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Wire {source}</title><link>https://wire{source}.example/</link>"
            f"<description>d</description><language>en</language>{items}</channel></rss>").encode()


class Wire:
    """The 20 feeds, served so that the test can hold one request of a run until the kill.

    ``arm(nth=k)`` holds the run's k-th request; ``arm(source=n)`` holds the request for feed n.
    ``held`` is set once the held request has arrived (the run is then certainly mid-fetch).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.served = 0
        self.nth: int | None = None
        self.source: int | None = None
        self.held = threading.Event()
        self.release = threading.Event()

    def arm(self, *, nth: int | None = None, source: int | None = None) -> None:
        self.release.set()  # let go of the previous run's held request, if any
        with self.lock:
            self.served, self.nth, self.source = 0, nth, source
            self.held, self.release = threading.Event(), threading.Event()

    def route(self, n: int) -> Route:
        def handle(handler) -> None:
            with self.lock:
                self.served += 1
                hold = self.served == self.nth or n == self.source
                held, release = self.held, self.release
            if hold:
                held.set()
                release.wait(EVENT_TIMEOUT)
            handler._send(200, feed_body(n), {"Content-Type": "application/rss+xml"})

        return Route(handler=handle)


def make_project(folder: Path, server) -> list[str]:
    """Write the configuration and the inbox; return the inbox file names."""
    inbox = folder / "inbox"
    inbox.mkdir(parents=True)
    names = []
    for path in sorted((REPO / "data" / "samples" / "inbox").iterdir()):
        if path.is_file():
            shutil.copy(path, inbox / path.name)
            names.append(path.name)
    sources = "".join(f"""
        [[sources]]
        id = "wire{n:02d}"
        kind = "feed"
        url = "{server.url(f'/wire{n}.xml')}"
        language = "en"
    """ for n in range(SOURCES))
    sources += f"""
        [[sources]]
        id = "drops"
        kind = "inbox"
        path = "{inbox}"
    """
    write_config(folder, sources)
    return names


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}


def articles(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT source, guid FROM articles ORDER BY source, guid").fetchall()


def wire_totals(db: Path) -> list[tuple[str, int]]:
    """Each feed source's items_total (new items counted over its runs)."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, items_total FROM sources WHERE id LIKE 'wire%' "
                            "ORDER BY id").fetchall()


def stored_wires(db: Path) -> set[int]:
    """The feed numbers whose articles the archive holds."""
    if not db.exists():
        return set()
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT DISTINCT source FROM articles WHERE source LIKE 'wire%'").fetchall()
    return {int(source[4:]) for (source,) in rows}


def check_consistent(folder: Path, inbox_names: list[str], moment: str) -> None:
    db = folder / "data" / "wire.db"
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", moment
            duplicated = conn.execute("SELECT source, guid, COUNT(*) FROM articles GROUP BY source, guid "
                                      "HAVING COUNT(*) > 1").fetchall()
        assert duplicated == [], moment
    feeds = folder / "data" / "feeds"
    for path in feeds.rglob("*") if feeds.exists() else []:
        if not path.is_file() or path.name.startswith("."):
            continue  # a hidden temporary file of an interrupted atomic write is not published
        data = path.read_bytes()
        if path.suffix in (".xml", ".opml"):
            etree.fromstring(data)  # raises on a truncated or invalid document
        elif path.suffix == ".json":
            json.loads(data)
    inbox = folder / "inbox"
    for name in inbox_names:
        places = [p for p in (inbox / name, inbox / "done" / name, inbox / "failed" / name) if p.exists()]
        assert len(places) == 1, (moment, name, places)


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each visible file under ``folder``: (inode, size, mtime), to see one appear or be replaced."""
    files = {}
    for root, _, names in os.walk(folder):
        for name in names:
            if not name.startswith("."):
                try:
                    st = os.stat(os.path.join(root, name))
                except FileNotFoundError:  # moved away between the listing and the stat
                    continue
                files[os.path.join(root, name)] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return files


def kill_at(folder: Path, event: Callable[[], bool], what: str) -> None:
    """Start ``ingest run-once`` in ``folder``, SIGKILL it as soon as ``event()`` is true, and
    check that it was still running then (the kill landed mid-run)."""
    process = subprocess.Popen([sys.executable, "-m", "ingest", "run-once"], cwd=folder,
                               env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + EVENT_TIMEOUT
        while process.poll() is None and not event():
            assert time.monotonic() < end, f"{what}: the event never came"
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)  # a no-op when the run already ended
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL, f"{what}: the run ended ({process.returncode}) before the kill"


@pytest.fixture
def wire(server):
    feeds = Wire()
    for n in range(SOURCES):
        server.routes[f"/wire{n}.xml"] = feeds.route(n)
    yield server, feeds
    feeds.release.set()


def test_killed_runs_lose_nothing_and_duplicate_nothing(tmp_path: Path, wire) -> None:
    server, feeds = wire
    reference = tmp_path / "reference"
    names = make_project(reference, server)
    done = run_cli("run-once", cwd=reference)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    expected = articles(reference / "data" / "wire.db")
    assert len(expected) >= SOURCES * ITEMS

    crashed = tmp_path / "crashed"
    make_project(crashed, server)
    db = crashed / "data" / "wire.db"
    wal = crashed / "data" / "wire.db-wal"

    for nth in (1, 7):
        feeds.arm(nth=nth)
        kill_at(crashed, lambda: feeds.held.is_set(), f"request {nth} held")
        check_consistent(crashed, names, f"after a kill at request {nth}")

    for turn in (1, 2):
        remaining = sorted(set(range(SOURCES)) - stored_wires(db))
        assert len(remaining) >= 2, remaining  # one to store, one to hold
        feeds.arm(source=remaining[len(remaining) // 2])
        before = snapshot(wal.parent).get(str(wal))
        kill_at(crashed, lambda: feeds.held.is_set() and snapshot(wal.parent).get(str(wal)) != before,
                f"WAL written ({turn})")
        check_consistent(crashed, names, f"after a kill while storing ({turn})")

    feeds.arm()
    inbox = crashed / "inbox"
    moved_before = snapshot(inbox / "done").keys() | snapshot(inbox / "failed").keys()
    kill_at(crashed, lambda: bool((snapshot(inbox / "done").keys() | snapshot(inbox / "failed").keys())
                                  - moved_before), "an inbox file moved")
    check_consistent(crashed, names, "after a kill in the inbox")

    feeds_dir = crashed / "data" / "feeds"
    published_before = snapshot(feeds_dir)
    kill_at(crashed, lambda: any(published_before.get(path) != stat
                                 for path, stat in snapshot(feeds_dir).items()), "a feed file written")
    check_consistent(crashed, names, "after a kill while publishing")

    final = run_cli("run-once", cwd=crashed)
    assert final.returncode in (0, 1), final.stdout + final.stderr
    check_consistent(crashed, names, "after the final run")
    assert articles(db) == expected
    # records and source state commit together: a kill while storing leaves the count exact
    assert wire_totals(db) == wire_totals(reference / "data" / "wire.db")
    # the published feeds hold the same items as the reference's
    for name in ("en/rss.xml", "en-gb/atom.xml"):
        ours, theirs = crashed / "data" / "feeds" / name, reference / "data" / "feeds" / name
        assert theirs.exists() and ours.exists(), name
        guids = lambda path: sorted(etree.fromstring(path.read_bytes()).xpath(
            "//*[local-name()='guid' or (local-name()='id' and parent::*[local-name()='entry'])]/text()"))
        assert guids(ours) == guids(theirs), name
    # every inbox file ended where the reference's did
    for folder in ("done", "failed"):
        ref = sorted(p.name for p in (reference / "inbox" / folder).glob("*") if not p.name.endswith(".error"))
        got = sorted(p.name for p in (crashed / "inbox" / folder).glob("*") if not p.name.endswith(".error"))
        assert got == ref, folder
