"""HTTP caching never hides a change: a feed's Last-Modified, RSS lastBuildDate and Atom updated
are when its content last changed (kept in the publish state), not its newest item's date; a
back-dated item and a kill move them, so If-None-Match and If-Modified-Since clients both get 200;
a run that changes nothing keeps the feeds byte-identical and both clients get 304."""

from __future__ import annotations

import email.utils
import json
import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from lxml import etree

from conftest import FIXTURES, inbox_config, run_cli, write_config
from ingest.archive import open_archive
from ingest.commands.serve import make_server
from ingest.config import load_config
from ingest.publishing import publish_settings
from normalize.model import Article
from syndicate.publish import publish_all

GUID = "urn:newsml:efe.com:20251104:ECO4521"
ATOM = "{http://www.w3.org/2005/Atom}"

# Ours: one Spanish item dated years before the NewsML item already in the feed.
BACKDATED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>EFE archivo</title><link>https://efe.example/</link>
<description>Archivo</description>
<item><title>Un teletipo atrasado llega tarde</title><link>https://efe.example/old/1</link>
<guid isPermaLink="false">EFE-20010101-OLD-0001</guid>
<pubDate>Mon, 01 Jan 2001 10:00:00 GMT</pubDate>
<description>El Gobierno aprueba hoy el presupuesto y la oposición lo critica con dureza.</description>
</item></channel></rss>
"""


def _feed_dates(feeds: Path) -> dict[str, datetime]:
    folder = feeds / "es-es"
    rss = etree.parse(str(folder / "rss.xml")).getroot()
    atom = etree.parse(str(folder / "atom.xml")).getroot()
    jsonfeed = json.loads((folder / "feed.json").read_bytes())
    return {
        "rss": email.utils.parsedate_to_datetime(rss.findtext("channel/lastBuildDate")),
        "atom": datetime.fromisoformat(atom.findtext(f"{ATOM}updated")),
        "json": datetime.fromisoformat(jsonfeed["_wirefeed"]["updated"]),
        "newest item": max(datetime.fromisoformat(e.findtext(f"{ATOM}updated"))
                           for e in atom.iter(f"{ATOM}entry")),
    }


def _snapshot(feeds: Path) -> dict[str, bytes]:
    return {str(p.relative_to(feeds)): p.read_bytes() for p in sorted(feeds.rglob("*"))
            if p.is_file() and p.name != ".publish-state.json"}


def _wait_past(moment: datetime) -> None:
    # A server must not claim a Last-Modified later than its clock (RFC 9110 8.8.2.1), so the
    # date of a run that changed a feed in the second it started is only sent once that second
    # has passed: wait for it rather than assume the run took long enough.
    while datetime.now(UTC) < moment + timedelta(seconds=1):
        time.sleep(0.05)


@pytest.fixture
def site(tmp_path: Path):
    drop, config = inbox_config(tmp_path, "efe", """
        agency = "EFE"
        language = "es"
        editions = ["es-es"]
        """)
    server = make_server(load_config(config), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        with httpx.Client(base_url=server.url.rstrip("/"), timeout=10,
                          headers={"Accept-Encoding": "identity"}) as client:
            yield tmp_path, drop, config, client
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _run(tmp_path: Path, config: Path) -> None:
    result = run_cli("run-once", "--all", "-q", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def _validators(client: httpx.Client) -> dict[str, tuple[str, str]]:
    """name -> (ETag, Last-Modified) as served, each answer a 200."""
    found = {}
    for name in ("rss.xml", "atom.xml", "feed.json"):
        response = client.get(f"/es-es/{name}")
        assert response.status_code == 200
        found[name] = response.headers["etag"], response.headers["last-modified"]
    return found


def _conditional(client: httpx.Client, name: str, etag: str, modified: str) -> tuple[int, ...]:
    """Status codes for an If-None-Match client (strong and weakened tag) and an
    If-Modified-Since one."""
    return tuple(client.get(f"/es-es/{name}", headers=headers).status_code for headers in (
        {"If-None-Match": etag}, {"If-None-Match": f"W/{etag}"}, {"If-Modified-Since": modified}))


@pytest.mark.slow
def test_a_back_dated_item_and_a_kill_reach_both_kinds_of_client(site) -> None:
    tmp_path, drop, config, client = site
    feeds = tmp_path / "data" / "feeds"
    shutil.copy(FIXTURES / "newsml_g2" / "text.xml", drop / "v1.xml")
    _run(tmp_path, config)
    first = _feed_dates(feeds)
    # One date in every format: when the feed last changed (this run), not the item's date.
    assert first["rss"] == first["atom"] == first["json"] != first["newest item"]
    _wait_past(first["rss"])
    before = _validators(client)
    for name, (etag, modified) in before.items():
        assert email.utils.parsedate_to_datetime(modified) == first["rss"]
        assert _conditional(client, name, etag, modified) == (304, 304, 304)

    # A run that changes nothing: byte-identical feeds, the same validators, 304 for both.
    files = _snapshot(feeds)
    _run(tmp_path, config)
    assert _snapshot(feeds) == files
    assert _validators(client) == before

    # A back-dated item: the newest item's date stays, the feed's date moves.
    (drop / "old.xml").write_text(BACKDATED, encoding="utf-8")
    _run(tmp_path, config)
    second = _feed_dates(feeds)
    assert "Un teletipo atrasado" in (feeds / "es-es" / "feed.json").read_text(encoding="utf-8")
    assert second["newest item"] == first["newest item"]
    assert second["rss"] == second["atom"] == second["json"] > first["rss"]
    _wait_past(second["rss"])
    for name, (etag, modified) in before.items():
        assert _conditional(client, name, etag, modified) == (200, 200, 200), name
    after_backdated = _validators(client)

    # A kill: the item leaves the feed (and the feed's date moves again).
    shutil.copy(FIXTURES / "newsml_g2" / "withdrawal.xml", drop / "v2.xml")
    _run(tmp_path, config)
    third = _feed_dates(feeds)
    assert GUID.encode() not in (feeds / "es-es" / "rss.xml").read_bytes()
    assert third["rss"] == third["atom"] == third["json"] > second["rss"]
    _wait_past(third["rss"])
    for name, (etag, modified) in after_backdated.items():
        assert _conditional(client, name, etag, modified) == (200, 200, 200), name
    for name, (etag, modified) in _validators(client).items():
        assert _conditional(client, name, etag, modified) == (304, 304, 304), name


NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def _story(number: int, **changes) -> Article:
    when = NOW - timedelta(hours=number)
    fields = dict(id=f"s{number}", guid=f"urn:wire:{number}", source="wire",
                  title=f"Headline {number}", url=f"https://wire.example/{number}",
                  body_text=f"Body {number}.", agency="Wire", published=when, updated=when,
                  language="en", editions=("en-gb",))
    return Article(**{**fields, **changes})


def test_an_injected_clock_gives_byte_identical_feeds(tmp_path: Path) -> None:
    feeds = {}
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        config = load_config(write_config(folder, ""))
        archive = open_archive(config.pipeline.database)
        try:
            archive.store([_story(1), _story(2)], NOW - timedelta(days=1))
            publish_all(publish_settings(config), archive, NOW)
            feeds[name] = _snapshot(config.pipeline.feeds)
            # Later runs that change nothing write nothing, whatever the clock says.
            assert publish_all(publish_settings(config), archive, NOW + timedelta(hours=5)) == []
            assert _snapshot(config.pipeline.feeds) == feeds[name]
            if name == "b":
                # A back-dated item: en-gb's date becomes that run's clock.
                archive.store([_story(30)], NOW)
                later = NOW + timedelta(hours=6)
                written = publish_all(publish_settings(config), archive, later)
                assert config.pipeline.feeds / "en-gb" / "rss.xml" in written
                dates = _feed_dates_of(config.pipeline.feeds / "en-gb")
                assert set(dates) == {later}
                # Other editions did not change: their date stays the first run's.
                assert set(_feed_dates_of(config.pipeline.feeds / "en-us")) == {NOW}
        finally:
            archive.close()
    assert feeds["a"] == feeds["b"]
    assert set(_feed_dates_of(tmp_path / "a" / "data" / "feeds" / "en-gb")) == {NOW}


def _feed_dates_of(folder: Path) -> list[datetime]:
    rss = etree.parse(str(folder / "rss.xml")).getroot()
    atom = etree.parse(str(folder / "atom.xml")).getroot()
    return [email.utils.parsedate_to_datetime(rss.findtext("channel/lastBuildDate")),
            datetime.fromisoformat(atom.findtext(f"{ATOM}updated")),
            datetime.fromisoformat(json.loads((folder / "feed.json").read_bytes())
                                   ["_wirefeed"]["updated"])]


def test_the_date_moves_on_every_change_even_within_one_second() -> None:
    from syndicate.publish import changed_at

    kept = {"en": "d1", "_changed": {"en": "2026-03-03T12:00:00Z"}}
    assert changed_at(kept, "en", "d1", NOW + timedelta(hours=1)) == NOW  # unchanged: kept
    assert changed_at(kept, "en", "d2", NOW + timedelta(hours=1)) == NOW + timedelta(hours=1)
    # Changed again in the same second (or with the clock behind): one second later.
    assert changed_at(kept, "en", "d2", NOW + timedelta(microseconds=5)) == NOW + timedelta(seconds=1)
    assert changed_at(kept, "en", "d2", NOW - timedelta(days=1)) == NOW + timedelta(seconds=1)
    assert changed_at({}, "en", "d1", NOW + timedelta(microseconds=5)) == NOW  # whole seconds
