"""Crashes: ``ingest run-once`` killed with SIGKILL at several points, then run again.

20 feed sources on a local server (each answering after a short delay, so a run lasts a few
seconds and the kills land in fetching, storing and publishing) and an inbox of agency drops.
The same configuration is first run once without interruption in another folder: that is the
reference. In the crashed folder, after every kill and at the end: ``PRAGMA integrity_check`` is
``ok``; every published feed parses (never truncated); every inbox file is in the inbox, in
``done/`` or in ``failed/`` (exactly one of them); and at the end the archive holds exactly the
reference's articles, none twice.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, run_cli, write_config
from localserver import Route

SOURCES = 20
ITEMS = 8
KILL_AFTER = (0.4, 1.0, 1.7, 2.5, 3.5, 5.0)


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


@pytest.fixture
def wire(server):
    for n in range(SOURCES):
        server.routes[f"/wire{n}.xml"] = Route(body=feed_body(n), delay=0.08,
                                               content_type="application/rss+xml")
    return server


def test_killed_runs_lose_nothing_and_duplicate_nothing(tmp_path: Path, wire) -> None:
    reference = tmp_path / "reference"
    names = make_project(reference, wire)
    started = time.monotonic()
    done = run_cli("run-once", cwd=reference)
    print(f"uninterrupted run: {time.monotonic() - started:.1f}s")
    assert done.returncode in (0, 1), done.stdout + done.stderr
    expected = articles(reference / "data" / "wire.db")
    assert len(expected) >= SOURCES * ITEMS

    crashed = tmp_path / "crashed"
    make_project(crashed, wire)
    kills = 0
    for delay in KILL_AFTER:
        process = subprocess.Popen([sys.executable, "-m", "ingest", "run-once"], cwd=crashed,
                                   env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
        check_consistent(crashed, names, f"after a kill at {delay}s")
    print(f"{kills} of {len(KILL_AFTER)} runs killed")
    assert kills >= 3  # most runs really were interrupted

    final = run_cli("run-once", cwd=crashed)
    assert final.returncode in (0, 1), final.stdout + final.stderr
    check_consistent(crashed, names, "after the final run")
    assert articles(crashed / "data" / "wire.db") == expected
    # the published feeds hold the same items as the reference's
    for name in ("en/rss.xml", "en-gb/atom.xml"):
        ours, theirs = crashed / "data" / "feeds" / name, reference / "data" / "feeds" / name
        if theirs.exists():
            guids = lambda path: sorted(etree.fromstring(path.read_bytes()).xpath(
                "//*[local-name()='guid' or (local-name()='id' and parent::*[local-name()='entry'])]/text()"))
            assert guids(ours) == guids(theirs), name
    # every inbox file ended where the reference's did
    for folder in ("done", "failed"):
        ref = sorted(p.name for p in (reference / "inbox" / folder).glob("*") if not p.name.endswith(".error"))
        got = sorted(p.name for p in (crashed / "inbox" / folder).glob("*") if not p.name.endswith(".error"))
        assert got == ref, folder
