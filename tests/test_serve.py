"""`ingest serve`: a real server on 127.0.0.1 over feeds the real publisher wrote."""

from __future__ import annotations

import email.utils
import gzip
import http.client
import io
import json
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import httpx
import pytest

from conftest import REPO, write_config
from ingest.archive import open_archive
from ingest.commands.serve import make_server
from ingest.config import load_config
from ingest.publishing import publish_settings, reader_ttl_minutes
from normalize.model import Article
from syndicate.ids import feed_id
from syndicate.publish import publish_all
from syndicate.serve import (
    FeedServer, accepts_gzip, etag_matches, find_feed_date, find_file,
)

UTC = timezone.utc
T0 = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
SECRET = b"top secret outside the feeds folder"

SOURCES = """
[[sources]]
id = "wire"
kind = "feed"
url = "https://wire.example/feed.xml"
every = "5m"
"""


def _articles() -> list[Article]:
    # fr-1 is the newest by publication, fr-2 the newest by update: the feeds' date is fr-2's.
    return [
        Article(id="fr-1", guid="fr-1", source="wire", title="Le Parlement adopte la loi climat",
                url="https://wire.example/fr-1", summary="Vote final mardi.",
                body_html="<p>Les députés ont adopté le texte.</p>", language="fr",
                editions=("fr-fr",), sections=("Politique",),
                published=T0 + timedelta(hours=5), updated=T0 + timedelta(hours=5)),
        Article(id="fr-2", guid="fr-2", source="wire", title="La banque centrale maintient ses taux",
                url="https://wire.example/fr-2", summary="Statu quo.",
                body_html="<p>Les taux restent inchangés.</p>", language="fr",
                editions=("fr-fr",), sections=("Économie",),
                published=T0 + timedelta(hours=1), updated=T0 + timedelta(hours=7, minutes=30)),
        Article(id="en-1", guid="en-1", source="wire", title="Parliament passes the climate law",
                url="https://wire.example/en-1", summary="Final vote on Tuesday.",
                body_html="<p>Lawmakers approved the bill.</p>", language="en",
                editions=("en-gb",), sections=("Politics",),
                published=T0, updated=T0),
    ]


PUBLISHED = T0 + timedelta(days=1)  # the publish run that first wrote the feeds


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A project folder whose feeds the real publisher wrote, plus a secret just outside."""
    folder = tmp_path_factory.mktemp("site")
    path = write_config(folder, SOURCES)
    # A section feed exists for the sections the configuration names.
    path.write_text(path.read_text(encoding="utf-8").replace(
        "section_feeds = [", 'section_feeds = ["Politique", ', 1), encoding="utf-8")
    config = load_config(path)
    archive = open_archive(config.pipeline.database)
    try:
        archive.store(_articles(), T0 + timedelta(days=1))
        publish_all(publish_settings(config), archive, T0 + timedelta(days=1))
    finally:
        archive.close()
    (folder / "secret.txt").write_bytes(SECRET)
    feeds = config.pipeline.feeds
    (feeds / "leak.xml").symlink_to(folder / "secret.txt")
    (feeds / "fr-fr" / "leak").symlink_to(folder)
    (feeds / ".rss.xml.abc123.tmp").write_bytes(b"half written")
    return folder


@pytest.fixture(scope="module")
def config(site: Path):
    return load_config(site / "schedules.toml")


def _run(server: FeedServer):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    return thread


@pytest.fixture(scope="module")
def live(config):
    server = make_server(config, "127.0.0.1", 0)
    thread = _run(server)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def client(live):
    # identity unless a test asks for gzip, so ETags and lengths are those of the file itself
    with httpx.Client(base_url=live.url.rstrip("/"), timeout=10,
                      headers={"Accept-Encoding": "identity"}) as http:
        yield http


def raw_get(server: FeedServer, target: str, method: str = "GET",
            headers: dict | None = None, body: bytes | None = None) -> tuple[int, dict, bytes]:
    """One request sent exactly as written (httpx would tidy up dot segments)."""
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    try:
        conn.putrequest(method, target, skip_host=False, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# -- types, caching headers, feeds over HTTP -----------------------------------------------------


@pytest.mark.parametrize("path, content_type", [
    ("/fr-fr/rss.xml", "application/rss+xml; charset=utf-8"),
    ("/fr-fr/atom.xml", "application/atom+xml; charset=utf-8"),
    ("/fr-fr/feed.json", "application/feed+json; charset=utf-8"),
    ("/fr-fr/politique/rss.xml", "application/rss+xml; charset=utf-8"),
    ("/index.opml", "text/x-opml; charset=utf-8"),
    ("/index.html", "text/html; charset=utf-8"),
    ("/", "text/html; charset=utf-8"),
])
def test_files_are_served_with_their_media_type(client, site, path, content_type) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    on_disk = site / "data" / "feeds" / (path.lstrip("/") or "index.html")
    assert response.content == on_disk.read_bytes()


def test_max_age_is_the_schedule_ttl(client, config) -> None:
    response = client.get("/fr-fr/rss.xml")
    assert reader_ttl_minutes(config) == 5  # the only source runs every 5 minutes
    assert response.headers["cache-control"] == "public, max-age=300"


def test_feeds_fetched_over_http_parse(client, config) -> None:
    for path in ("/fr-fr/rss.xml", "/fr-fr/atom.xml"):
        response = client.get(path)
        parsed = feedparser.parse(io.BytesIO(response.content),
                                  response_headers=dict(response.headers))
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert {e.title for e in parsed.entries} == {"Le Parlement adopte la loi climat",
                                                     "La banque centrale maintient ses taux"}
    document = client.get("/fr-fr/feed.json").json()
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["id"] for item in document["items"]] == [
        feed_id(config.pipeline.base_url, "wire", guid, guid)[0] for guid in ("fr-1", "fr-2")]


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "feed.json"])
def test_last_modified_is_when_the_feed_last_changed(client, name) -> None:
    # Not the newest item's date: the publish that changed the feed's content.
    response = client.get(f"/fr-fr/{name}")
    assert email.utils.parsedate_to_datetime(response.headers["last-modified"]) == PUBLISHED
    if name != "feed.json":
        parsed = feedparser.parse(io.BytesIO(response.content))
        assert datetime(*parsed.feed.updated_parsed[:6], tzinfo=UTC) == PUBLISHED


def test_files_without_a_date_use_their_mtime(client, site) -> None:
    path = site / "data" / "feeds" / "index.opml"
    response = client.get("/index.opml")
    stamp = email.utils.parsedate_to_datetime(response.headers["last-modified"])
    assert stamp == datetime.fromtimestamp(int(path.stat().st_mtime), UTC)


# -- validators and 304 ------------------------------------------------------------------------


def test_etag_is_sha256_and_if_none_match_gives_304(client, site) -> None:
    import hashlib

    first = client.get("/fr-fr/atom.xml")
    etag = first.headers["etag"]
    digest = hashlib.sha256((site / "data/feeds/fr-fr/atom.xml").read_bytes()).hexdigest()
    assert etag == f'"{digest}"'
    again = client.get("/fr-fr/atom.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, max-age=300"
    for header in (f'"nope", {etag}', "*", f'"a",{etag} , "b"'):
        assert client.get("/fr-fr/atom.xml", headers={"If-None-Match": header}).status_code == 304
    # Weak comparison (RFC 9110 13.1.2): a weakened tag, as nginx's gzip makes it, matches.
    for header in (f"W/{etag}", f'"nope", W/{etag}', f'W/"x",W/{etag}'):
        assert client.get("/fr-fr/atom.xml", headers={"If-None-Match": header}).status_code == 304
    for header in ('"nope"', 'W/"nope"', etag.strip('"'), '"' + digest[:-1] + '"', f"w/{etag}"):
        response = client.get("/fr-fr/atom.xml", headers={"If-None-Match": header})
        assert response.status_code == 200 and response.content == first.content, header


def test_if_modified_since_only_without_if_none_match(client) -> None:
    first = client.get("/fr-fr/rss.xml")
    stamp = first.headers["last-modified"]
    assert client.get("/fr-fr/rss.xml", headers={"If-Modified-Since": stamp}).status_code == 304
    later = email.utils.format_datetime(PUBLISHED + timedelta(days=3), usegmt=True)
    assert client.get("/fr-fr/rss.xml", headers={"If-Modified-Since": later}).status_code == 304
    earlier = email.utils.format_datetime(PUBLISHED - timedelta(seconds=1), usegmt=True)
    assert client.get("/fr-fr/rss.xml", headers={"If-Modified-Since": earlier}).status_code == 200
    garbage = client.get("/fr-fr/rss.xml", headers={"If-Modified-Since": "yesterday-ish"})
    assert garbage.status_code == 200
    # A non-matching If-None-Match wins over a matching If-Modified-Since.
    both = client.get("/fr-fr/rss.xml", headers={"If-None-Match": '"other"',
                                                 "If-Modified-Since": stamp})
    assert both.status_code == 200 and both.content == first.content


def test_gzip_round_trip_has_its_own_etag(live, client) -> None:
    plain = client.get("/fr-fr/rss.xml", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    with client.stream("GET", "/fr-fr/rss.xml", headers={"Accept-Encoding": "br, gzip"}) as zipped:
        raw = b"".join(zipped.iter_raw())
        headers = zipped.headers
    assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert int(headers["content-length"]) == len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content
    assert headers["etag"] != plain.headers["etag"] and headers["etag"].endswith('-gz"')
    not_modified = client.get("/fr-fr/rss.xml", headers={"Accept-Encoding": "gzip",
                                                         "If-None-Match": headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.headers["vary"] == "Accept-Encoding"
    # The gzip tag names the gzip body only.
    other = client.get("/fr-fr/rss.xml", headers={"Accept-Encoding": "identity",
                                                  "If-None-Match": headers["etag"]})
    assert other.status_code == 200 and other.content == plain.content
    refused = client.get("/fr-fr/rss.xml", headers={"Accept-Encoding": "gzip;q=0, *"})
    assert "content-encoding" not in refused.headers


@pytest.mark.parametrize("header, expected", [
    ("gzip", True), ("GZIP", True), ("x-gzip", True), ("deflate, gzip;q=0.5", True),
    ("*", True), ("gzip;q=0", False), ("gzip;q=0.0, *;q=1", False), ("*;q=0", False),
    ("br, deflate", False), ("identity", False), ("", False), (None, False),
    ("gzip;q=nonsense", False),
])
def test_accept_encoding_negotiation(header, expected) -> None:
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize("header, expected", [
    ('"abc"', True), ('"x", "abc"', True), ("*", True), (' "abc" ', True),
    ('W/"abc"', True), ('W/"x", W/"abc"', True), ('"x",W/"abc"', True),
    ('W/"abcd"', False), ('w/"abc"', False), ('W/ "abc"', False), ('W/abc', False),
    ('"abcd"', False), ("abc", False), ('"ab', False), ("", False),
])
def test_if_none_match_uses_weak_comparison(header, expected) -> None:
    # RFC 9110 13.1.2: If-None-Match compares weakly; "W/" is case-sensitive.
    assert etag_matches(header, '"abc"') is expected


def test_head_has_the_headers_and_no_body(live, client) -> None:
    got = client.get("/fr-fr/feed.json")
    head = client.head("/fr-fr/feed.json")
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "etag", "last-modified", "cache-control", "content-length"):
        assert head.headers[name] == got.headers[name], name
    assert int(head.headers["content-length"]) == len(got.content)
    # The connection stays usable: nothing stray was written after the headers.
    status, headers, body = raw_get(live, "/fr-fr/feed.json", "HEAD")
    assert status == 200 and body == b""
    assert client.head("/missing.xml").status_code == 404


# -- what is not served ------------------------------------------------------------------------


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/fr-fr/../../secret.txt",
    "/fr-fr/%2e%2e/%2e%2e/secret.txt", "/fr-fr%2f..%2f..%2fsecret.txt", "/..%5csecret.txt",
    "//secret.txt", "/fr-fr//rss.xml", "/./index.html", "/fr-fr/./rss.xml",
    "/leak.xml", "/fr-fr/leak/secret.txt", "/fr-fr/leak/schedules.toml",
    "/.rss.xml.abc123.tmp", "/index.html%00.txt", "/fr-fr/rss.xml%00",
    "/%ff%fe", "/etc/passwd", "/missing.xml", "/nowhere/", "/fr-fr", "/fr-fr/politique",
    "http://127.0.0.1/../secret.txt", "*", "secret.txt",
])
def test_nothing_outside_the_folder_is_served(live, target) -> None:
    status, _, body = raw_get(live, target)
    assert status == 404, target
    assert SECRET not in body and b"half written" not in body


def test_an_edition_folder_serves_its_page(live) -> None:
    status, _, body = raw_get(live, "/fr-fr/")
    assert status == 200 and b"<!DOCTYPE html>" in body and b'lang="fr"' in body


def test_find_file_refuses_escapes(site) -> None:
    root = (site / "data" / "feeds").resolve()
    assert find_file(root, "/fr-fr/rss.xml") == root / "fr-fr" / "rss.xml"
    assert find_file(root, "/fr-fr/rss.xml?utm=1") == root / "fr-fr" / "rss.xml"
    assert find_file(root, "/") == root / "index.html"
    assert find_file(root, str(site / "secret.txt")) is None  # an absolute file system path
    assert find_file(root, "/leak.xml") is None


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_other_methods_get_405(live, method) -> None:
    status, headers, _ = raw_get(live, "/fr-fr/rss.xml", method, body=b"x=1")
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"


# -- the cache follows the files -----------------------------------------------------------------


def test_a_304_reads_nothing_and_a_replaced_file_is_served_fresh(tmp_path) -> None:
    root = tmp_path / "feeds"
    (root / "en").mkdir(parents=True)
    feed = root / "en" / "rss.xml"
    feed.write_bytes(_rss("Mon, 03 Mar 2025 10:00:00 GMT", "first"))
    server = FeedServer(root, ("127.0.0.1", 0), max_age=60)
    thread = _run(server)
    try:
        with httpx.Client(base_url=server.url.rstrip("/"), timeout=10) as http:
            first = http.get("/en/rss.xml")
            loads = server.cache.loads
            for _ in range(5):
                answer = http.get("/en/rss.xml", headers={"If-None-Match": first.headers["etag"]})
                assert answer.status_code == 304
            assert server.cache.loads == loads
            # The publisher's way: a temporary file renamed over the old one.
            temp = root / "en" / ".rss.xml.tmp"
            temp.write_bytes(_rss("Tue, 04 Mar 2025 10:00:00 GMT", "second"))
            os.replace(temp, feed)
            fresh = http.get("/en/rss.xml", headers={"If-None-Match": first.headers["etag"]})
            assert fresh.status_code == 200 and b"second" in fresh.content
            assert fresh.headers["etag"] != first.headers["etag"]
            assert fresh.headers["last-modified"] == "Tue, 04 Mar 2025 10:00:00 GMT"
            assert http.get("/en/rss.xml").headers["cache-control"] == "public, max-age=60"
            feed.unlink()
            assert http.get("/en/rss.xml").status_code == 404
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_date_in_the_future_is_not_claimed(tmp_path) -> None:
    root = tmp_path / "feeds"
    root.mkdir()
    ahead = datetime.now(UTC) + timedelta(days=30)
    (root / "rss.xml").write_bytes(_rss(email.utils.format_datetime(ahead, usegmt=True), "x"))
    server = FeedServer(root, ("127.0.0.1", 0))
    thread = _run(server)
    try:
        response = httpx.get(server.url + "rss.xml", timeout=10)
        stamp = email.utils.parsedate_to_datetime(response.headers["last-modified"])
        date = email.utils.parsedate_to_datetime(response.headers["date"])
        assert stamp <= date
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _rss(date: str, title: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"<link>https://x.example/</link><description>d</description>"
            f"<lastBuildDate>{date}</lastBuildDate><item><title>{title}</title></item>"
            f"</channel></rss>").encode()


def test_feed_dates_found_in_each_format() -> None:
    assert find_feed_date(_rss("Mon, 03 Mar 2025 10:00:00 GMT", "a"), "rss.xml") == \
        datetime(2025, 3, 3, 10, tzinfo=UTC)
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><updated>2025-03-03T12:00:00+02:00</updated>'
            b"<entry><updated>2026-01-01T00:00:00Z</updated></entry></feed>")
    assert find_feed_date(atom, "atom.xml") == datetime(2025, 3, 3, 10, tzinfo=UTC)
    document = {"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "date_published": "2025-03-05T00:00:00Z"},
        {"id": "2", "date_published": "2025-03-01T00:00:00Z", "date_modified": "2025-03-06T00:00:00Z"},
    ]}
    assert find_feed_date(json.dumps(document).encode(), "feed.json") == \
        datetime(2025, 3, 6, tzinfo=UTC)
    # An empty feed carries the epoch; a broken one nothing: both fall back to the mtime.
    assert find_feed_date(_rss("Thu, 01 Jan 1970 00:00:00 GMT", "a"), "rss.xml") is None
    assert find_feed_date(b"<rss><channel>", "rss.xml") is None
    assert find_feed_date(b'{"items": [{"date_modified": "soon"}]}', "feed.json") is None
    assert find_feed_date(b"<html/>", "index.html") is None


# -- the command -------------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_command_serves_logs_and_stops_on_signal(site, sig) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "ingest", "serve", "--config", str(site / "schedules.toml"),
         "--port", "0"], cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env)
    try:
        banner = process.stdout.readline()
        assert banner.startswith("serving "), banner + process.stderr.read()
        url = banner.split(" at ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        response = httpx.get(url + "fr-fr/rss.xml", headers={"Accept-Encoding": "identity"},
                             timeout=10)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=300"
        assert httpx.get(url + "nope.xml", timeout=10).status_code == 404
        process.send_signal(sig)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "stopped" in out
    assert f"GET /fr-fr/rss.xml 200 {len(response.content)}" in err
    assert "GET /nope.xml 404" in err


def test_command_reports_a_busy_port(site, live) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "serve", "--config", str(site / "schedules.toml"),
         "--port", str(live.server_address[1])], cwd=site, capture_output=True, text=True,
        env=env, timeout=30)
    assert result.returncode == 2
    assert "cannot listen on 127.0.0.1" in result.stderr
