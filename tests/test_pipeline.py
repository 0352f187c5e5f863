"""The whole pipeline through the real CLI: local HTTP server, real SQLite file, feeds read back."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import feedparser
import pytest

from conftest import REPO, inbox_config, run_cli, write_config
from localserver import Route
from syndicate.ids import feed_id

LANG_EDITIONS = {"fr": "fr-fr", "en": "en-gb", "es": "es-es", "de": "de-de", "pt": "pt-br", "it": "it-it"}


def rss_feed(items: list[dict], language: str = "en") -> bytes:
    parts = []
    for item in items:
        parts.append(f"""<item><title>{item['title']}</title><link>{item['link']}</link>
<guid isPermaLink="false">{item['guid']}</guid><pubDate>{item['date']}</pubDate>
<dc:creator>{item.get('author', 'Jane Doe')}</dc:creator><category>{item.get('category', 'World')}</category>
<description>{item.get('summary', 'A summary.')}</description>
<content:encoded><![CDATA[<p>{item['body']}</p>]]></content:encoded>
<media:content url="{item.get('image', 'https://img.example/a.jpg')}" type="image/jpeg" width="800" height="600" medium="image">
<media:description>{item.get('caption', 'A caption.')}</media:description><media:credit>Jane Roe/AP</media:credit></media:content>
</item>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Test wire</title><link>https://wire.example/</link><description>test</description><language>{language}</language>
{''.join(parts)}</channel></rss>""".encode("utf-8")


ENGLISH = [
    {"title": "Parliament passes the new climate law after a long debate",
     "link": "https://wire.example/climate-law", "guid": "W-1", "date": "Tue, 04 Mar 2025 10:00:00 GMT",
     "body": "Lawmakers approved the climate bill on Tuesday after a debate that lasted more than twelve hours, "
             "sending it to the upper house where the government expects a comfortable majority."},
    {"title": "Central bank keeps interest rates unchanged for a third month",
     "link": "https://wire.example/rates", "guid": "W-2", "date": "Wed, 05 Mar 2025 09:30:00 GMT",
     "author": "John Smith", "category": "Economy",
     "body": "The central bank left its benchmark rate unchanged on Wednesday, saying inflation was easing "
             "but that it wanted more evidence before cutting borrowing costs for households and firms."},
]


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def quickstart(project: Path) -> Path:
    shutil.copy(REPO / "schedules.toml", project / "schedules.toml")
    return project


def test_quickstart_run_publishes_every_language(quickstart: Path) -> None:
    result = run_cli("run-once", cwd=quickstart)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Sources" in result.stdout and "Editions" in result.stdout
    feeds = quickstart / "data" / "feeds"
    for language, edition in LANG_EDITIONS.items():
        for name in ("rss.xml", "atom.xml"):
            parsed = feedparser.parse((feeds / edition / name).read_bytes())
            assert not parsed.bozo, (edition, name, parsed.get("bozo_exception"))
            # its local items and the international ones of its language (geographic routing)
            assert len(parsed.entries) >= 4, (edition, name)
    opml = (feeds / "index.opml").read_text(encoding="utf-8")
    for edition in ("en", "ch", "es-419", "de-at", "fr-ca"):
        # one subscription per feed: its RSS version
        assert opml.count(f"/{edition}/rss.xml") == 1 and f"/{edition}/atom.xml" not in opml
    # an edition with no items still has valid, empty feeds
    assert (quickstart / "data" / "wire.db").exists()
    # the keep=true sample inbox is left untouched
    assert sorted(p.name for p in (quickstart / "data/samples/inbox").iterdir() if p.is_dir()) == []


def test_feeds_read_back_equal_the_archive(quickstart: Path) -> None:
    assert run_cli("run-once", cwd=quickstart).returncode == 0
    export = run_cli("export", "--jsonl", cwd=quickstart)
    assert export.returncode == 0, export.stderr
    records = {r["guid"]: r for r in map(json.loads, export.stdout.splitlines())}
    assert len(records) >= 36
    # Feeds show the agency guid when it is a valid URI, else an id minted from it.
    by_feed_id = {feed_id("http://localhost:8080", r["source"], r["guid"], r["id"])[0]: r
                  for r in records.values()}
    feeds = quickstart / "data" / "feeds"
    checked = 0
    # every edition: geographic routing spreads the items over them
    for edition in sorted({e for r in records.values() for e in r["editions"]}):
        for name in ("rss.xml", "atom.xml"):
            parsed = feedparser.parse((feeds / edition / name).read_bytes())
            for entry in parsed.entries:
                record = by_feed_id[entry.id]
                assert entry.title == record["title"]
                assert entry.link == (record["url"] or entry.link)
                names = [a.get("name") for a in entry.get("authors", [])]
                assert names == (record["authors"] or [record["agency"] or record["source"]])
                published = entry.get("published_parsed")
                assert published is not None
                assert "%04d-%02d-%02dT%02d:%02d" % tuple(published[:5]) == record["published"][:16]
                assert [t.term for t in entry.get("tags", [])] == record["sections"]
                if record["images"]:
                    urls = [m["url"] for m in entry.get("media_content", [])]
                    assert record["images"][0]["url"] in urls
                checked += 1
    assert checked >= 72


def test_second_run_changes_nothing_and_a_changed_item_bumps_its_version(quickstart: Path) -> None:
    assert run_cli("run-once", cwd=quickstart).returncode == 0
    db = quickstart / "data" / "wire.db"
    feeds = quickstart / "data" / "feeds"
    rows_before = _rows(db, "SELECT id, version, content_hash, updated FROM articles ORDER BY id")
    files_before = _snapshot(feeds)
    again = run_cli("run-once", "--all", cwd=quickstart)
    assert again.returncode == 0, again.stderr
    assert _rows(db, "SELECT id, version, content_hash, updated FROM articles ORDER BY id") == rows_before
    assert _snapshot(feeds) == files_before

    sample = quickstart / "data" / "samples" / "europapress.rss"
    text = sample.read_text(encoding="utf-8")
    title = text.split("<item>", 1)[1].split("<title>", 1)[1].split("</title>", 1)[0]
    sample.write_text(text.replace(f"<title>{title}</title>", f"<title>{title} (updated)</title>", 1),
                      encoding="utf-8")
    assert run_cli("run-once", "--source", "europapress", cwd=quickstart).returncode == 0
    changed = _rows(db, "SELECT id, version, title FROM articles WHERE version > 1")
    assert len(changed) == 1 and changed[0][1] == 2 and changed[0][2].endswith("(updated)")
    assert len(_rows(db, "SELECT * FROM articles")) == len(rows_before)
    history = _rows(db, f"SELECT version FROM article_history WHERE article_id = '{changed[0][0]}'")
    assert history == [(1,)]
    show = run_cli("show", changed[0][0], cwd=quickstart)
    assert show.returncode == 0 and "v1 replaced" in show.stdout


def test_http_feed_500_malformed_file_and_bad_inbox_document(tmp_path: Path, server) -> None:
    server.routes["/wire.xml"] = Route(body=rss_feed(ENGLISH))
    server.routes["/down.xml"] = Route(status=500, body=b"oops")
    (tmp_path / "broken.xml").write_bytes(b"<?xml version='1.0'?><rss><channel><item><title>cut")
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "good.xml").write_bytes(rss_feed([dict(ENGLISH[0], guid="D-1", link="https://wire.example/d1")]))
    (drop / "bad.json").write_bytes(b'{"neither": "ninjs nor jsonfeed"}')
    config = write_config(tmp_path, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{server.url('/wire.xml')}"
        agency = "AP"

        [[sources]]
        id = "down"
        kind = "feed"
        url = "{server.url('/down.xml')}"

        [[sources]]
        id = "broken"
        kind = "feed"
        path = "broken.xml"

        [[sources]]
        id = "drop"
        kind = "inbox"
        path = "drop"
        """)
    result = run_cli("run-once", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "HTTP 500" in out
    assert "broken" in out and "failed" in out
    assert "bad.json" in out
    # the good sources were stored and published
    # (the agency guids are no URIs: the feeds show ids minted from them)
    parsed = feedparser.parse((tmp_path / "data/feeds/en-gb/rss.xml").read_bytes())
    assert {e.id for e in parsed.entries} == {
        feed_id("http://localhost:8080", source, guid, "")[0]
        for source, guid in (("wire", "W-1"), ("wire", "W-2"), ("drop", "D-1"))}
    # the bad file is moved aside with its reason, the good one is done; nothing deleted
    assert (drop / "failed" / "bad.json").exists()
    reason = (drop / "failed" / "bad.json.error").read_text(encoding="utf-8")
    assert "neither JSON Feed nor ninjs" in reason
    assert (drop / "done" / "good.xml").exists()
    assert not (drop / "good.xml").exists() and not (drop / "bad.json").exists()
    # the failures are recorded against their sources
    sources = json.loads(run_cli("sources", "--json", "--config", str(config), cwd=tmp_path).stdout)
    by_id = {s["id"]: s for s in sources}
    assert by_id["down"]["failures"] == 1 and "HTTP 500" in by_id["down"]["last_error"]
    assert by_id["broken"]["failures"] == 1 and by_id["broken"]["last_error"]
    assert by_id["wire"]["failures"] == 0 and by_id["wire"]["last_success"]


def test_user_agent_and_conditional_get(tmp_path: Path, server) -> None:
    server.routes["/wire.xml"] = Route(body=rss_feed(ENGLISH))
    config = write_config(tmp_path, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{server.url('/wire.xml')}"
        """)
    assert run_cli("run-once", "--config", str(config), cwd=tmp_path).returncode == 0
    assert run_cli("run-once", "--all", "--config", str(config), cwd=tmp_path).returncode == 0
    first, second = [headers for path, headers in server.requests if path == "/wire.xml"]
    assert first["User-Agent"].startswith("wirefeed/")
    assert "If-None-Match" not in first and second["If-None-Match"]


def test_reading_commands(quickstart: Path) -> None:
    assert run_cli("run-once", cwd=quickstart).returncode == 0
    listing = run_cli("articles", "--edition", "fr-fr", "--limit", "3", "--json", cwd=quickstart)
    rows = [json.loads(line) for line in listing.stdout.splitlines()]
    assert len(rows) == 3 and all(r["language"] == "fr" for r in rows)
    assert rows == sorted(rows, key=lambda r: r["published"], reverse=True)
    found = run_cli("search", "Loukachenko", cwd=quickstart)
    assert found.returncode == 0 and "Russie" in found.stdout
    export = run_cli("export", "--jsonl", cwd=quickstart)
    record = json.loads(export.stdout.splitlines()[0])
    for field in ("id", "guid", "url", "title", "summary", "body_html", "body_text", "authors",
                  "dateline", "agency", "credit", "images", "related", "published", "updated",
                  "language", "editions", "sections", "version", "status", "fetched_url"):
        assert field in record
    rendered = run_cli("render", cwd=quickstart)
    assert rendered.returncode == 0 and rendered.stdout.startswith("0 feed files written")
    os.remove(quickstart / "data/feeds/it-it/atom.xml")
    assert run_cli("render", cwd=quickstart).stdout.startswith("1 feed files written")


def test_oversized_inbox_file_is_refused_before_reading_and_moved_aside(tmp_path: Path) -> None:
    drop, config = inbox_config(tmp_path)
    big = drop / "huge.xml"
    with big.open("wb") as handle:  # sparse: 30 MB on paper, nothing on disk
        handle.truncate(30_000_000)
    (drop / "good.xml").write_bytes(rss_feed(ENGLISH[:1]))
    result = run_cli("run-once", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 1
    assert "file too large" in (drop / "failed" / "huge.xml.error").read_text(encoding="utf-8")
    assert (drop / "done" / "good.xml").exists()
