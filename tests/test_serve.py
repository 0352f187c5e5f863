"""`ingest serve`: a real server on 127.0.0.1 over feeds the real publisher wrote."""

from __future__ import annotations

import email.utils
import gzip
import http.client
import io
import json
import dataclasses
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
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
from prometheus_client.parser import text_string_to_metric_families

from ingest.archive import SourceState
from ingest.serving import health_answer, source_health, stale_after
from syndicate.serve import (
    FeedServer, Limits, accepts_gzip, combined_log_line, etag_matches, find_feed_date, find_file,
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
    assert plain.headers["vary"] == "Accept, Accept-Encoding"
    with client.stream("GET", "/fr-fr/rss.xml", headers={"Accept-Encoding": "br, gzip"}) as zipped:
        raw = b"".join(zipped.iter_raw())
        headers = zipped.headers
    assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept, Accept-Encoding"
    assert int(headers["content-length"]) == len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content
    assert headers["etag"] != plain.headers["etag"] and headers["etag"].endswith('-gz"')
    not_modified = client.get("/fr-fr/rss.xml", headers={"Accept-Encoding": "gzip",
                                                         "If-None-Match": headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.headers["vary"] == "Accept, Accept-Encoding"
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


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("feed", ["/fr-fr/rss.xml", "/fr-fr/atom.xml"])
def test_a_browser_gets_a_feed_as_xml_a_reader_as_its_feed_type(live, feed) -> None:
    """Browsers show application/rss+xml as text; as application/xml they apply the feed's XSL."""
    status, headers, page = raw_get(live, feed, headers={"Accept": BROWSER_ACCEPT})
    assert status == 200 and headers["Content-Type"] == "application/xml; charset=utf-8"
    assert "Accept" in headers["Vary"] and b"<?xml-stylesheet" in page
    kind = "rss" if feed.endswith("rss.xml") else "atom"
    for accept in (None, "*/*", f"application/{kind}+xml, application/xml;q=0.9, */*;q=0.1"):
        status, reader, data = raw_get(live, feed, headers={"Accept": accept} if accept else {})
        assert status == 200 and reader["Content-Type"] == f"application/{kind}+xml; charset=utf-8"
        assert data == page and reader["ETag"] != headers["ETag"]  # same bytes, two variants
    # Each variant revalidates with its own validator.
    status, _, _ = raw_get(live, feed, headers={"Accept": BROWSER_ACCEPT,
                                                "If-None-Match": headers["ETag"]})
    assert status == 304
    status, _, _ = raw_get(live, feed, headers={"If-None-Match": headers["ETag"]})
    assert status == 200


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
         "--port", "0", "-v"], cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
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
    # Combined Log Format: host, identity, user, [time], "request line", status, size, referer,
    # user agent.
    assert re.search(r'^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                     rf'"GET /fr-fr/rss\.xml HTTP/1\.1" 200 {len(response.content)} "-" '
                     r'"python-httpx/[^"]+"$', err, re.MULTILINE), err
    assert '"GET /nope.xml HTTP/1.1" 404 10 "-"' in err


def test_command_reports_a_busy_port(site, live) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "serve", "--config", str(site / "schedules.toml"),
         "--port", str(live.server_address[1])], cwd=site, capture_output=True, text=True,
        env=env, timeout=30)
    assert result.returncode == 2
    assert "cannot listen on 127.0.0.1" in result.stderr


# -- connections: keep-alive, deadlines, limits ----------------------------------------------------


def _read_answer(sock: socket.socket, buffered: bytes = b"",
                 head: bool = False) -> tuple[int, dict, bytes, bytes]:
    """Read one answer (status, headers, body) from a raw socket; returns what is left over.
    Status 0 when the server closed the connection before an answer. ``head``: the answer to a
    HEAD, which has no body whatever its Content-Length."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return 0, {}, b"", data
        data += chunk
    top, data = data.split(b"\r\n\r\n", 1)
    lines = top.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = 0 if head else int(headers.get("content-length", 0))
    while len(data) < length:
        chunk = sock.recv(65536)
        assert chunk, "closed mid-body"
        data += chunk
    return int(lines[0].split()[1]), headers, data[:length], data[length:]


def _closed(sock: socket.socket) -> bool:
    """Whether the server has closed its side (EOF or a reset) with nothing more to read."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def _connect(server: FeedServer) -> socket.socket:
    sock = socket.create_connection(server.server_address[:2], timeout=10)
    return sock


@pytest.mark.parametrize("version", ["HTTP/1.0", "HTTP/1.1"])
def test_keep_alive_is_answered_and_the_connection_reused(live, version) -> None:
    sock = _connect(live)
    try:
        request = (f"GET /fr-fr/rss.xml {version}\r\nHost: x\r\nConnection: keep-alive\r\n"
                   f"Accept-Encoding: gzip\r\n\r\n").encode()
        sock.sendall(request)
        status, headers, body, rest = _read_answer(sock)
        assert status == 200 and gzip.decompress(body).startswith(b"<?xml")
        if version == "HTTP/1.0":
            # An HTTP/1.0 client keeps the connection only when the answer says so.
            assert headers["connection"].lower() == "keep-alive"
        else:
            assert "connection" not in headers
        # Two more on the same connection, sent together (pipelined): answered in order.
        conditional = request.replace(
            b"\r\n\r\n", f"\r\nIf-None-Match: {headers['etag']}\r\n\r\n".encode())
        sock.sendall(conditional + request.replace(b"GET", b"HEAD", 1))
        status, again, body, rest = _read_answer(sock, rest)
        assert (status, body) == (304, b"")
        status, head, body, rest = _read_answer(sock, rest, head=True)
        assert status == 200 and body == b"" and head["etag"] == headers["etag"]
        assert rest == b""
    finally:
        sock.close()


@pytest.mark.parametrize("request_head", [
    b"GET /fr-fr/rss.xml HTTP/1.0\r\n\r\n",
    b"GET /fr-fr/rss.xml HTTP/1.1\r\nConnection: close\r\n\r\n",
])
def test_without_keep_alive_the_connection_is_closed_after_the_answer(live, request_head) -> None:
    sock = _connect(live)
    try:
        sock.sendall(request_head)
        status, headers, body, rest = _read_answer(sock)
        assert status == 200 and headers["connection"] == "close"
        assert rest == b"" and _closed(sock)
    finally:
        sock.close()


@pytest.mark.parametrize("request_head, status", [
    (b"GET /fr-fr/rss.xml HTTP/2.0\r\n\r\n", 505),
    (b"GET /fr-fr/rss.xml\r\n\r\n", 400),
    (b"GET  /fr-fr/rss.xml HTTP/1.1\r\n\r\n", 400),
    (b"GET /fr-fr/rss.xml HTTP/1.1\r\nNo colon here\r\n\r\n", 400),
    (b"GET /fr-fr/rss.xml HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n", 400),
    (b"GET /fr-fr/rss.xml HTTP/1.1\r\n" + b"X-A: 1\r\n" * 101 + b"\r\n", 431),
    (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nX-A: " + b"a" * 70000 + b"\r\n\r\n", 431),
])
def test_a_malformed_head_gets_an_error_and_the_connection_closed(live, request_head,
                                                                   status) -> None:
    sock = _connect(live)
    try:
        sock.sendall(request_head)
        got, headers, _, _ = _read_answer(sock)
        assert got == status and headers["connection"] == "close"
        assert _closed(sock)
    finally:
        sock.close()


def _small_site(tmp_path: Path) -> Path:
    root = tmp_path / "feeds"
    root.mkdir()
    (root / "rss.xml").write_bytes(_rss("Mon, 03 Mar 2025 10:00:00 GMT", "x"))
    return root


def test_a_trickled_head_is_closed_at_its_deadline_and_others_are_answered(tmp_path) -> None:
    # A short deadline, injected: the head must be whole 0.5 s after its first byte, however
    # often a byte arrives. The trickle below would last 30 s (one byte each 50 ms).
    server = FeedServer(_small_site(tmp_path), ("127.0.0.1", 0),
                        limits=Limits(header_timeout=0.5, idle_timeout=30))
    thread = _run(server)
    trickle = b"GET /rss.xml HTTP/1.1\r\n" + b"X-Slow: a\r\n" * 60 + b"\r\n"
    outcome: dict = {}
    sent_first = threading.Event()

    def trickler() -> None:
        sock = _connect(server)
        sent = 0
        try:
            for byte in trickle:
                try:
                    sock.sendall(bytes([byte]))
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += 1
                sent_first.set()
                readable, _, _ = select.select([sock], [], [], 0.05)
                if readable:
                    break
            outcome["answer"] = _read_answer(sock)[:2]
            outcome["closed"] = _closed(sock)
        finally:
            outcome["sent"] = sent
            sock.close()

    slow = threading.Thread(target=trickler)
    slow.start()
    try:
        sent_first.wait(10)
        # Other clients are answered while the trickle goes on.
        with httpx.Client(base_url=server.url.rstrip("/"), timeout=10) as http:
            for _ in range(5):
                assert http.get("/rss.xml").status_code == 200
        slow.join(60)
        assert not slow.is_alive()
        status, headers = outcome["answer"]
        assert status == 408 and headers["connection"] == "close" and outcome["closed"]
        assert outcome["sent"] < len(trickle)  # closed before the head was complete
        assert server.timed_out == 1
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_an_idle_kept_connection_is_closed_after_its_timeout(tmp_path) -> None:
    server = FeedServer(_small_site(tmp_path), ("127.0.0.1", 0),
                        limits=Limits(idle_timeout=0.2))
    thread = _run(server)
    sock = _connect(server)
    try:
        sock.sendall(b"GET /rss.xml HTTP/1.1\r\n\r\n")
        assert _read_answer(sock)[0] == 200
        assert _closed(sock)  # blocks until the server closes the idle connection
        assert not server.connections or all(c.closing for c in server.connections)
    finally:
        sock.close()
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_connections_past_the_cap_get_503_until_one_closes(tmp_path) -> None:
    server = FeedServer(_small_site(tmp_path), ("127.0.0.1", 0),
                        limits=Limits(max_connections=2))
    thread = _run(server)
    held = [_connect(server), _connect(server)]
    try:
        for sock in held:  # both are open and answered
            sock.sendall(b"GET /rss.xml HTTP/1.1\r\n\r\n")
            assert _read_answer(sock)[0] == 200
        extra = _connect(server)
        status, headers, _, _ = _read_answer(extra)
        assert status == 503 and headers["retry-after"] == "1" and _closed(extra)
        extra.close()
        held.pop().close()
        deadline = time.monotonic() + 10
        while len(server.connections) > 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        again = _connect(server)
        held.append(again)
        again.sendall(b"GET /rss.xml HTTP/1.1\r\n\r\n")
        assert _read_answer(again)[0] == 200
        assert server.refused == 1
    finally:
        for sock in held:
            sock.close()
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_listen_backlog_is_sized_for_bursts() -> None:
    assert Limits().backlog >= 1024
    assert Limits().header_timeout == 10.0


# -- /healthz and /metrics ---------------------------------------------------------------------


def test_source_health_ok_pending_failing_and_stale(config) -> None:
    source = config.sources[0]  # every = "5m": stale after 15 minutes without a success
    now = T0 + timedelta(days=2)
    assert stale_after(config, source, now) == 900
    fine = SourceState(id="wire", last_attempt=now, last_success=now - timedelta(minutes=14))
    assert source_health(source, fine, config, now).status == "ok"
    assert source_health(source, None, config, now).status == "pending"
    late = dataclasses.replace(fine, last_success=now - timedelta(minutes=16))
    assert source_health(source, late, config, now).status == "stale"
    broken = dataclasses.replace(fine, failures=2, last_error="HTTP 500")
    report = source_health(source, broken, config, now)
    assert (report.status, report.last_error) == ("failing", "HTTP 500")


def _with_states(tmp_path: Path, *states: SourceState):
    path = write_config(tmp_path, SOURCES + SOURCES.replace('"wire"', '"second"'))
    config = load_config(path)
    archive = open_archive(config.pipeline.database)
    try:
        for state in states:
            archive.save_source_state(state)
    finally:
        archive.close()
    return config


def test_healthz_is_200_when_healthy_and_503_naming_a_failing_source(tmp_path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    good = SourceState(id="wire", last_attempt=now, last_success=now, items_total=3,
                       latencies=(0.25, 0.5, 0.75))
    config = _with_states(tmp_path, good)
    server = make_server(config, "127.0.0.1", 0)
    thread = _run(server)
    try:
        with httpx.Client(base_url=server.url.rstrip("/"), timeout=10) as http:
            answer = http.get("/healthz")
            assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
            report = answer.json()
            assert report["status"] == "ok"
            assert {s["id"]: s["status"] for s in report["sources"]} == {
                "wire": "ok", "second": "pending"}
            archive = open_archive(config.pipeline.database)
            try:
                archive.save_source_state(SourceState(
                    id="second", last_attempt=now, failures=1, last_error="HTTP 500"))
            finally:
                archive.close()
            answer = http.get("/healthz")
            assert answer.status_code == 503
            assert answer.json()["unhealthy"] == ["second"]
            assert http.head("/healthz").status_code == 503

            metrics = http.get("/metrics")
            assert metrics.status_code == 200
            assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
            samples = {(s.name, s.labels.get("source")): s.value
                       for family in text_string_to_metric_families(metrics.text)
                       for s in family.samples}
            assert samples[("wirefeed_source_last_success_timestamp_seconds", "wire")] == \
                now.timestamp()
            assert samples[("wirefeed_source_items_stored_total", "wire")] == 3
            assert samples[("wirefeed_source_consecutive_failures", "second")] == 1
            assert samples[("wirefeed_source_run_duration_seconds", "wire")] == 0.75
            assert samples[("wirefeed_source_run_duration_median_seconds", "wire")] == 0.5
            assert samples[("wirefeed_source_healthy", "wire")] == 1
            assert samples[("wirefeed_source_healthy", "second")] == 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_healthz_without_an_archive_is_503_and_creates_none(tmp_path) -> None:
    config = load_config(write_config(tmp_path, SOURCES))
    answer = health_answer(config)
    assert answer.status == 503 and json.loads(answer.body)["status"] == "no archive"
    assert not Path(config.pipeline.database).exists()


# -- the access log ----------------------------------------------------------------------------


def test_access_log_goes_to_its_file_and_not_to_stderr_without_v(site, tmp_path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    log_file = tmp_path / "access.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "ingest", "serve", "--config", str(site / "schedules.toml"),
         "--port", "0", "--access-log", str(log_file)], cwd=site, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = process.stdout.readline().split(" at ", 1)[1].split()[0]
        httpx.get(url + "fr-fr/rss.xml", headers={"Referer": 'http://r.example/"x"',
                                                  "User-Agent": "reader/1.0"}, timeout=10)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "GET /fr-fr/rss.xml" not in err
    line = log_file.read_text(encoding="utf-8").strip()
    assert re.fullmatch(r'127\.0\.0\.1 - - \[[^]]+\] "GET /fr-fr/rss\.xml HTTP/1\.1" 200 \d+ '
                        r'"http://r\.example/\\x22x\\x22" "reader/1\.0"', line), line


def test_combined_log_line() -> None:
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC).timestamp()
    assert combined_log_line("10.0.0.1", when, "GET /a b HTTP/1.1", 304, 0, None, "ua\x1b") == (
        '10.0.0.1 - - [04/Mar/2026:05:06:07 +0000] "GET /a b HTTP/1.1" 304 - "-" "ua\\x1b"')
