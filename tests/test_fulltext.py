"""Full text: a feed source with ``fulltext = true`` fetches each new or changed entry's page from
a real local server and merges it; bad pages leave the feed's record and are reported."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import write_config
from localserver import Route
from test_fetch import concurrency_route, tune_pipeline

from ingest.archive import open_archive
from ingest.config import load_config
from ingest.fulltext import merge
from ingest.pipeline import run_once
from normalize import parse_bytes, wire
from normalize.model import Article, Image, Related

NOW = datetime(2025, 3, 6, 12, 0, tzinfo=timezone.utc)


def feed(items: list[dict]) -> bytes:
    """An RSS feed of teasers: no images, no authors, a one-sentence description."""
    parts = "".join(f"""<item><title>{i['title']}</title><link>{i['link']}</link>
<guid isPermaLink="false">{i['guid']}</guid><pubDate>Thu, 06 Mar 2025 09:00:00 GMT</pubDate>
<description>{i.get('teaser', 'A short teaser of the story.')}</description></item>""" for i in items)
    return f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Teasers</title>
<link>https://wire.example/</link><description>teasers</description><language>en</language>
{parts}</channel></rss>""".encode()


def page(headline: str, paragraphs: list[str], image: str = "/img/vote.jpg") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{headline} | Wire</title>
<meta name="author" content="Maria Lopez"></head><body><nav><a href="/">Home</a></nav>
<article><h1>{headline}</h1>
<figure><img src="{image}" width="800" height="600"><figcaption>Lawmakers vote in the chamber. Photo: Jane Roe/AP</figcaption></figure>
{body}</article>
<aside><h2>Related</h2><ul><li><a href="/rates">Central bank keeps rates unchanged</a> <time datetime="2025-03-05">5 March 2025</time></li></ul></aside>
</body></html>""".encode()


STORY = ["Lawmakers approved the climate bill on Tuesday after a debate that lasted more than twelve "
         "hours, sending it to the upper house.",
         "The government expects a comfortable majority there, and ministers said the first "
         "measures would take effect next year.",
         "Opposition parties criticised the cost of the plan but several of their members voted "
         "in favour of the final text."]


def _setup(tmp_path: Path, url: str, pipeline: str = "") -> tuple:
    path = write_config(tmp_path, f"""
        [[sources]]
        id = "teasers"
        kind = "feed"
        url = "{url}"
        fulltext = true
        every = "5m"
        """)
    # The local server stands for a private upstream the operator opened (issue 21).
    tune_pipeline(path, "page_max_bytes = 20000\ntimeout = 0.5\n"
                  'allow_private = ["127.0.0.1/32"]\n' + pipeline)
    config = load_config(path)
    return config, open_archive(config.pipeline.database)


def _records(config) -> dict[str, dict]:
    with sqlite3.connect(config.pipeline.database) as db:
        db.row_factory = sqlite3.Row
        return {row["guid"]: dict(row) for row in db.execute("SELECT * FROM articles")}


def test_merge_takes_the_body_from_the_page_and_identity_from_the_feed() -> None:
    entry = Article(id="f1", guid="G-1", source="s", title="Feed headline", url="https://w.example/a",
                    summary="Teaser.", body_html="<p>Teaser.</p>", body_text="Teaser.",
                    published=NOW, updated=NOW, language="en", content_hash="h-feed",
                    images=(Image("https://w.example/feed.jpg"),))
    found = Article(id="p1", guid="https://w.example/canonical", source="", title="Page headline",
                    url="https://w.example/canonical", body_html="<p>Full.</p><p>Story.</p>",
                    body_text="Full.\nStory.", authors=("Maria Lopez",), language="fr",
                    images=(Image("https://w.example/page.jpg"),), related=(Related("Other"),),
                    published=NOW - timedelta(days=3), content_hash="h-page")
    merged = merge(entry, found, "https://w.example/a")
    assert (merged.id, merged.guid, merged.title, merged.url) == ("f1", "G-1", "Feed headline", "https://w.example/a")
    assert (merged.published, merged.updated, merged.language) == (NOW, NOW, "en")
    assert (merged.body_html, merged.body_text) == ("<p>Full.</p><p>Story.</p>", "Full.\nStory.")
    assert merged.images == entry.images  # the feed had one: kept
    assert merged.authors == ("Maria Lopez",)  # the feed had none: the page's
    assert merged.related == found.related and merged.summary == "Teaser."
    teaser_only = merge(entry.replace(summary=None), found)
    assert teaser_only.summary == "Teaser."  # the feed's teaser body becomes the summary
    assert merged.content_hash == "h-feed" and ("fulltext", "https://w.example/a") in merged.extra
    empty = merge(entry, found.replace(body_html="", body_text=""))
    assert empty.body_text == "Teaser."  # a page without text does not blank the body
    stub = merge(entry, found.replace(status="not-article",
                                      status_reason="paywall stub: declared not free"))
    assert stub.body_text == "Teaser." and stub.status == entry.status  # a stub's text is not it


def test_fulltext_merges_pages_reports_bad_ones_and_fetches_only_new_or_changed(tmp_path, server) -> None:
    base = server.base
    items = [
        {"guid": "A", "title": "Climate law passes", "link": f"{base}/a"},
        {"guid": "A2", "title": "Climate law: reactions", "link": f"{base}/a"},  # same page
        {"guid": "B", "title": "Missing page", "link": f"{base}/b"},
        {"guid": "C", "title": "A PDF", "link": f"{base}/c.pdf"},
        {"guid": "D", "title": "Too big", "link": f"{base}/big"},
        {"guid": "E", "title": "Too slow", "link": f"{base}/slow"},
    ]
    server.routes["/feed.xml"] = Route(body=feed(items), etag=False)
    server.routes["/a"] = Route(body=page("Parliament passes the new climate law", STORY), content_type="text/html")
    server.routes["/img/vote.jpg"] = Route(body=b"jpeg", content_type="image/jpeg")
    server.routes["/c.pdf"] = Route(body=b"%PDF-1.4 ...", content_type="application/pdf")
    server.routes["/big"] = Route(body=page("Big", STORY * 100), content_type="text/html")
    server.routes["/slow"] = Route(body=page("Slow", STORY), content_type="text/html", delay=1.5)
    config, archive = _setup(tmp_path, server.url("/feed.xml"))

    outcome = run_once(config, archive, now=NOW).outcomes[0]
    assert outcome.status == "ok" and outcome.new == 6
    assert outcome.reason.startswith(f"full text: 4 pages failed; first: {base}/b: HTTP 404")
    state = archive.source_state("teasers")
    assert state.failures == 0 and state.last_error == outcome.reason
    records = _records(config)
    a = records["A"]
    assert a["title"] == "Climate law passes" and a["url"] == f"{base}/a"
    assert a["published"] == "2025-03-06T09:00:00Z"
    assert a["body_text"].startswith("Lawmakers approved the climate bill") and "favour" in a["body_text"]
    assert a["summary"] == "A short teaser of the story."
    assert json.loads(a["authors"]) == ["Maria Lopez"]
    images = json.loads(a["images"])
    assert images[0]["url"] == f"{base}/img/vote.jpg" and images[0]["credit"]["text"] == "Jane Roe/AP"
    assert json.loads(a["related"])[0]["title"] == "Central bank keeps rates unchanged"
    assert records["A2"]["body_text"] == a["body_text"]
    assert server.hits["/a"] == 1  # two entries, one page: fetched once in the run
    for guid in "BCDE":
        assert records[guid]["body_text"] == "A short teaser of the story.", guid
        assert records[guid]["images"] is None
    expected = {"B": "HTTP 404 Not Found", "C": "not an HTML page (application/pdf)",
                "D": "response too large", "E": "timed out"}
    for guid, words in expected.items():
        reasons = [value for key, value in json.loads(records[guid]["extra"]) if key == "fulltext_error"]
        assert len(reasons) == 1 and words in reasons[0], (guid, reasons)

    # Unchanged entries cost nothing; the failed pages are tried again.
    again = run_once(config, archive, now=NOW + timedelta(minutes=5)).outcomes[0]
    assert (again.new, again.updated, again.unchanged) == (0, 0, 6)
    assert server.hits["/a"] == 1 and server.hits["/b"] == 2

    # A page that comes back replaces the teaser as a new version; a changed entry is re-fetched.
    server.routes["/b"] = Route(body=page("Found again", STORY[:2]), content_type="text/html")
    items[0]["teaser"] = "An updated teaser."
    server.routes["/feed.xml"] = Route(body=feed(items), etag=False)
    third = run_once(config, archive, now=NOW + timedelta(minutes=10)).outcomes[0]
    assert third.updated == 2 and third.new == 0
    records = _records(config)
    assert records["B"]["version"] == 2 and records["B"]["body_text"].startswith("Lawmakers approved")
    assert records["A"]["version"] == 2 and records["A"]["summary"] == "An updated teaser."
    assert server.hits["/a"] == 2 and server.hits["/b"] == 3
    assert [old.body_text for _, old in archive.history(records["B"]["id"])] == ["A short teaser of the story."]
    archive.close()


def test_page_fetches_are_bounded_per_host(tmp_path, server) -> None:
    seen: dict = {}
    base = server.base
    items = [{"guid": f"G{n}", "title": f"Story {n}", "link": f"{base}/story?{n}"} for n in range(6)]
    server.routes["/feed.xml"] = Route(body=feed(items))
    # The first two page fetches wait for each other at a barrier: the bound is checked, not raced.
    server.routes["/story"] = concurrency_route(page("Parliament passes the new climate law", STORY),
                                                2, seen, "text/html")
    config, archive = _setup(tmp_path, server.url("/feed.xml"), pipeline="per_host = 2\n")
    outcome = run_once(config, archive, now=NOW).outcomes[0]
    assert outcome.new == 6 and outcome.reason is None
    assert server.hits["/story"] == 6
    assert "broken" not in seen and seen["peak"] <= 2  # two at once (forced), never more
    archive.close()


def site_page(headline: str, reporter: str) -> bytes:
    """A page of a site that names itself before each headline in its <title>, in its masthead
    and as the author in its metadata; the reporter's byline is printed on the page."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Northfield Courier - {headline}</title><meta name="author" content="Northfield Courier"></head><body>
<header><a href="/">Northfield Courier</a></header><article><h1>{headline}</h1><p class="byline">By {reporter}</p>
{"".join(f"<p>{p}</p>" for p in STORY)}</article></body></html>""".encode()


def test_fulltext_pages_get_the_site_names_their_host_shares(tmp_path, server) -> None:
    """As for page sources: the <title>s of a host's pages fetched in the run name the site,
    so its name in the metadata does not hide the printed byline."""
    base = server.base
    stories = [("Parliament passes the climate law", "Ana Prieto"),
               ("Harbour reopens after the storm", "Tomas Berg"),
               ("Rates stay unchanged for now", "Maren Holt")]
    items = [{"guid": f"S{n}", "title": headline, "link": f"{base}/s{n}"}
             for n, (headline, _) in enumerate(stories)]
    server.routes["/feed.xml"] = Route(body=feed(items), etag=False)
    for n, (headline, reporter) in enumerate(stories):
        server.routes[f"/s{n}"] = Route(body=site_page(headline, reporter), content_type="text/html")
    # One page on its own cannot tell the site's name from a person's.
    [alone] = parse_bytes(site_page(*stories[0]), "page", f"{base}/s0")
    assert wire.enrich(alone).authors == ("Northfield Courier",)

    config, archive = _setup(tmp_path, server.url("/feed.xml"))
    outcome = run_once(config, archive, now=NOW).outcomes[0]
    assert outcome.new == 3 and outcome.reason is None
    records = _records(config)
    assert [json.loads(records[f"S{n}"]["authors"]) for n in range(3)] == \
        [[reporter] for _, reporter in stories]
    assert all(server.hits[f"/s{n}"] == 1 for n in range(3))
    archive.close()


def test_a_fetcher_parses_pages_under_a_workers_collector_thresholds(server) -> None:
    """Full-text pages are parsed in the run's own process: from its first page until it is
    closed (the last of two fetchers open at once), the process collects as a normalization
    worker does, then gets its thresholds back."""
    import gc

    import httpx

    from ingest.fulltext import PageFetcher
    from ingest.workers import WORKER_GC_THRESHOLD

    server.routes["/story"] = Route(body=page("Parliament passes the new climate law", STORY),
                                    content_type="text/html")
    before = gc.get_threshold()
    with httpx.Client() as client:
        first, second = PageFetcher(client, deadline=5.0), PageFetcher(client, deadline=5.0)
        download = first.download(server.url("/story")).result()
        assert gc.get_threshold() == before  # no page parsed yet
        assert first.parse(download).result().article is not None
        assert gc.get_threshold()[0] == max(WORKER_GC_THRESHOLD, before[0])
        second.parse(download).result()
        first.close()
        assert gc.get_threshold()[0] == max(WORKER_GC_THRESHOLD, before[0])
        second.close()
    assert gc.get_threshold() == before
