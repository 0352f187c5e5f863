"""Polite HTTP against a real local server: validators, caps, redirects, encodings, host limits,
and what the pipeline makes of it (next poll, backoff, health), run in-process for speed."""

from __future__ import annotations

import email.utils
import json
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import write_config
from localserver import Route
from test_pipeline import ENGLISH, rss_feed

from ingest.archive import open_archive
from ingest.config import load_config
from ingest.errors import FetchError
from ingest.fetch import (
    HostLimits, cache_lifetime, channel_ttl_seconds, fetch, make_client, parse_retry_after,
)
from ingest.netguard import Guard
from ingest.pipeline import run_once

NOW = datetime(2025, 3, 6, 12, 0, tzinfo=timezone.utc)
LOCAL = Guard.of(["127.0.0.1/32"])


@pytest.fixture
def client():
    # The local server is a private upstream: redirect hops need allow_private like any other.
    with make_client(timeout=5, max_redirects=5, guard=LOCAL) as http:
        yield http


def concurrency_route(body: bytes, overlap: int, seen: dict,
                      content_type: str = "application/rss+xml") -> Route:
    """A route that records the peak of parallel requests, and forces ``overlap`` of them.

    The first ``overlap`` requests wait at a barrier until all of them are in, so the peak
    reaches ``overlap`` whatever the machine's speed when (and only when) the client lets that
    many run at once; a client allowing fewer breaks the barrier (``seen["broken"]``). Later
    requests are answered at once. The peak is then a bound to check, never a race to win.
    """
    lock = threading.Lock()
    barrier = threading.Barrier(overlap, timeout=30)
    arrivals = []

    def handle(handler) -> None:
        with lock:
            arrivals.append(None)
            first = len(arrivals) <= overlap
            seen["now"] = seen.get("now", 0) + 1
            seen["peak"] = max(seen.get("peak", 0), seen["now"])
        if first:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                seen["broken"] = True
        with lock:
            seen["now"] -= 1
        handler._send(200, body, {"Content-Type": content_type})

    return Route(handler=handle)


# -- fetch ------------------------------------------------------------------------------------


def test_conditional_get_answers_304_with_an_empty_body(server, client) -> None:
    server.routes["/f.xml"] = Route(body=b"<rss/>", last_modified="Tue, 04 Mar 2025 10:00:00 GMT")
    first = fetch(client, server.url("/f.xml"))
    assert first.status == 200 and first.data == b"<rss/>" and first.etag
    again = fetch(client, server.url("/f.xml"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.status == 304 and again.data == b""
    sent = server.requests[-1][1]
    assert sent["If-None-Match"] == first.etag
    assert sent["If-Modified-Since"] == "Tue, 04 Mar 2025 10:00:00 GMT"


def test_a_304_leaves_its_connection_open_for_the_next_request(server, client) -> None:
    ports = []

    def answer(handler) -> None:
        ports.append(handler.client_address[1])
        if handler.headers.get("If-None-Match") == '"v1"':
            handler._send(304, b"", {"ETag": '"v1"'})
        else:
            handler._send(200, b"<rss/>", {"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    server.routes["/f.xml"] = Route(handler=answer)
    first = fetch(client, server.url("/f.xml"))
    answers = [fetch(client, server.url("/f.xml"), etag=first.etag) for _ in range(3)]
    assert [a.status for a in answers] == [304, 304, 304]
    # One connection for all four requests: a 304 no longer closes it.
    assert len(set(ports)) == 1, ports


def test_an_error_answer_leaves_its_connection_open_for_the_next_source(server, client) -> None:
    server.routes["/broken.xml"] = Route(status=500, body=b"<h1>Internal error</h1>\n" * 200,
                                         content_type="text/html")
    server.routes["/fine.xml"] = Route(body=b"<rss/>")
    with pytest.raises(FetchError) as failed:
        fetch(client, server.url("/broken.xml"), source="first")
    assert failed.value.status == 500
    assert failed.value.reason == "HTTP 500 Internal Server Error"
    assert fetch(client, server.url("/fine.xml"), source="second").data == b"<rss/>"
    assert server.connections == 1


def test_a_long_error_body_closes_its_connection(server, client) -> None:
    # Past ERROR_BODY_BYTES the rest is not read: the connection is closed, as before.
    server.routes["/huge.xml"] = Route(status=503, body=b"x" * 1_000_000)
    server.routes["/fine.xml"] = Route(body=b"<rss/>")
    with pytest.raises(FetchError, match="HTTP 503 Service Unavailable"):
        fetch(client, server.url("/huge.xml"), source="first")
    assert fetch(client, server.url("/fine.xml"), source="second").data == b"<rss/>"
    assert server.connections == 2


def test_an_error_body_that_does_not_come_closes_its_connection(server) -> None:
    # The body is promised, then held back until the test releases it: the fetch ends with the
    # status line's reason without waiting for it (the client's own read timeout is 30 s; the
    # server sends the body after 10 s if the client still waits).
    released = threading.Event()
    waited = {}

    def stall(handler) -> None:
        handler.send_response(502)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        handler.wfile.flush()
        waited["released"] = released.wait(10)
        handler.wfile.write(b"x" * 100)

    server.routes["/stalled.xml"] = Route(handler=stall)
    server.routes["/fine.xml"] = Route(body=b"<rss/>")
    with make_client(timeout=30, guard=LOCAL) as patient:
        with pytest.raises(FetchError, match="HTTP 502 Bad Gateway"):
            fetch(patient, server.url("/stalled.xml"), source="first")
        released.set()
        assert fetch(patient, server.url("/fine.xml"), source="second").data == b"<rss/>"
    assert waited == {"released": True}
    assert server.connections == 2


def test_429_and_503_carry_retry_after(server, client) -> None:
    server.routes["/busy"] = Route(status=429, body=b"slow down", headers={"Retry-After": "120"})
    server.routes["/down"] = Route(status=503, body=b"",
                                   headers={"Retry-After": "Wed, 21 Oct 2037 07:28:00 GMT"})
    with pytest.raises(FetchError) as busy:
        fetch(client, server.url("/busy"), source="wire")
    assert busy.value.status == 429 and busy.value.retry_after == 120
    assert str(busy.value).startswith("[wire] http://127.0.0.1:")
    with pytest.raises(FetchError) as down:
        fetch(client, server.url("/down"))
    assert down.value.status == 503 and down.value.retry_after > 86400  # capped, but honoured


def test_a_trickling_body_is_cut_at_the_deadline(server, client) -> None:
    server.routes["/slow"] = Route(body=b"x" * 40 * 1024, trickle=0.05)
    with pytest.raises(FetchError, match="longer than 0.3s"):
        fetch(client, server.url("/slow"), deadline=0.3)


def test_a_silent_server_times_out(server) -> None:
    server.routes["/silent"] = Route(body=b"<rss/>", delay=2)
    with make_client(timeout=0.3, guard=LOCAL) as quick, pytest.raises(FetchError, match="timed out"):
        fetch(quick, server.url("/silent"))


def test_redirects_are_limited_and_a_permanent_one_is_reported(server, client) -> None:
    server.routes["/loop"] = Route(status=302, redirect="/loop")
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(client, server.url("/loop"))
    assert server.hits["/loop"] == 6  # the first request and five redirects, no more
    for hop in range(1, 6):
        server.routes[f"/hop{hop}"] = Route(status=302, redirect=f"/hop{hop + 1}")
    server.routes["/hop6"] = Route(body=b"<rss/>")
    assert fetch(client, server.url("/hop1")).data == b"<rss/>"  # exactly five: fine
    server.routes["/old.xml"] = Route(status=301, redirect="/new.xml")
    server.routes["/new.xml"] = Route(body=b"<rss/>")
    moved = fetch(client, server.url("/old.xml"))
    assert moved.permanent_redirect == server.url("/new.xml")
    assert moved.url == server.url("/new.xml")
    server.routes["/temp.xml"] = Route(status=307, redirect="/new.xml")
    assert fetch(client, server.url("/temp.xml")).permanent_redirect is None


def test_a_huge_declared_length_is_refused_before_reading(server, client) -> None:
    server.routes["/huge"] = Route(body=b"x" * 1024, declared_length=10 * 1024 ** 3)
    with pytest.raises(FetchError, match="Content-Length 10,737,418,240 bytes exceeds"):
        fetch(client, server.url("/huge"), max_bytes=1_000_000)


def test_an_endless_body_is_cut_at_the_cap(server, client) -> None:
    server.routes["/endless"] = Route(endless=True)
    with pytest.raises(FetchError, match="more than 65,536 bytes"):
        fetch(client, server.url("/endless"), max_bytes=65536)
    assert server.streams == 1


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compressed_answers_are_accepted(server, client, encoding) -> None:
    body = rss_feed(ENGLISH)
    server.routes["/c.xml"] = Route(body=body, encoding=encoding)
    got = fetch(client, server.url("/c.xml"))
    assert got.data == body and got.headers["content-encoding"] == encoding
    assert encoding in server.requests[-1][1]["Accept-Encoding"]


def test_transport_failures_are_one_line_fetch_errors(client) -> None:
    with pytest.raises(FetchError, match="ConnectError") as refused:
        fetch(client, "http://127.0.0.1:9/feed.xml", source="gone")
    assert "\n" not in str(refused.value)
    with pytest.raises(FetchError, match="invalid URL"):
        fetch(client, "http://[::1/feed.xml")


@pytest.mark.parametrize("per_host", [1, 2])
def test_host_limits_bound_parallel_requests_to_one_host(server, client, per_host) -> None:
    seen: dict = {}
    server.routes["/held"] = concurrency_route(b"<rss/>", per_host, seen)
    limits = HostLimits(total=8, per_host=per_host)
    threads = [threading.Thread(target=fetch, args=(client, server.url("/held")),
                                kwargs={"limits": limits}) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert server.hits["/held"] == 5
    assert "broken" not in seen  # per_host requests did run at once
    assert seen["peak"] <= per_host


# -- freshness hints --------------------------------------------------------------------------


def test_cache_lifetime_reads_max_age_then_expires() -> None:
    assert cache_lifetime({"Cache-Control": "public, max-age=600"}) == 600
    assert cache_lifetime({"cache-control": "max-age=600", "expires": "Thu, 01 Jan 1970 00:00:00 GMT"}) == 600
    assert cache_lifetime({"Cache-Control": "no-cache, max-age=600"}) is None
    assert cache_lifetime({"Expires": "Thu, 06 Mar 2025 13:00:00 GMT",
                           "Date": "Thu, 06 Mar 2025 12:30:00 GMT"}) == 1800
    assert cache_lifetime({"Expires": "0"}) == 0
    assert cache_lifetime({}) is None


def test_channel_ttl_seconds_is_the_channels_not_an_items() -> None:
    assert channel_ttl_seconds(b"<rss><channel><title>t</title><ttl>30</ttl><item><ttl>5</ttl></item>") == 1800
    assert channel_ttl_seconds(b"<rss><channel><item><ttl>5</ttl></item></channel></rss>") is None
    assert parse_retry_after("Thu, 06 Mar 2025 12:02:00 GMT", now=NOW) == 120
    assert parse_retry_after("soon") is None


# -- the pipeline's use of it -----------------------------------------------------------------


def tune_pipeline(path: Path, settings: str) -> None:
    """Set ``key = value`` lines in the ``[pipeline]`` table of the config at ``path``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index("[pipeline]") + 1
    for setting in filter(None, settings.split("\n")):
        key = setting.split("=", 1)[0].strip()
        for number in range(start, len(lines)):
            if lines[number].startswith("["):
                lines.insert(start, setting)
                break
            if lines[number].split("=", 1)[0].strip() == key:
                lines[number] = setting
                break
    path.write_text("\n".join(lines), encoding="utf-8")


def _setup(tmp_path: Path, sources: str, pipeline: str = ""):
    path = write_config(tmp_path, sources)
    tune_pipeline(path, pipeline)
    config = load_config(path)
    return config, open_archive(config.pipeline.database)


def _run(config, archive, now, **kwargs):
    return run_once(config, archive, now=now, **kwargs)


def test_a_run_collects_garbage_as_the_workers_and_gives_the_thresholds_back(tmp_path,
                                                                            server) -> None:
    import gc

    from ingest.workers import WORKER_GC_THRESHOLD

    class Recording:
        """A publisher that notes the collector's thresholds while the run publishes."""

        seen: tuple[int, ...] = ()

        def needs_publish(self, archive, now) -> bool:
            return True

        def publish(self, archive, now) -> list[Path]:
            Recording.seen = gc.get_threshold()
            return []

    server.routes["/wire.xml"] = Route(body=rss_feed(ENGLISH))
    config, archive = _setup(tmp_path, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{server.url('/wire.xml')}"
        """)
    before = gc.get_threshold()
    try:
        assert _run(config, archive, NOW, publisher=Recording()).outcomes[0].new == 2
    finally:
        archive.close()
    assert Recording.seen == (max(WORKER_GC_THRESHOLD, before[0]), *before[1:])
    assert gc.get_threshold() == before


def test_a_304_costs_no_parsing_and_no_writes_but_the_source_state(tmp_path, server) -> None:
    server.routes["/wire.xml"] = Route(body=rss_feed(ENGLISH))
    config, archive = _setup(tmp_path, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{server.url('/wire.xml')}"
        every = "1m"
        """)
    first = _run(config, archive, NOW).outcomes[0]
    assert (first.status, first.new) == ("ok", 2)
    db = config.pipeline.database
    rows = sqlite3.connect(db).execute("SELECT id, last_seen, version FROM articles").fetchall()
    second = _run(config, archive, NOW + timedelta(minutes=1)).outcomes[0]
    assert second.status == "not-modified" and second.fetched == 0 and second.documents == 0
    assert sqlite3.connect(db).execute("SELECT id, last_seen, version FROM articles").fetchall() == rows
    state = archive.source_state("wire")
    assert state.last_attempt == NOW + timedelta(minutes=1) and state.last_status == "not-modified"
    assert state.next_due == NOW + timedelta(minutes=2) and state.next_due_reason == "schedule"
    assert len(state.latencies) == 2
    archive.close()


def test_backoff_grows_is_capped_and_resets_on_success(tmp_path, server) -> None:
    server.routes["/flaky.xml"] = Route(status=500, body=b"oops")
    config, archive = _setup(tmp_path, f"""
        [[sources]]
        id = "flaky"
        kind = "feed"
        url = "{server.url('/flaky.xml')}"
        every = "1m"
        """, pipeline='backoff_max = "5m"\n')
    now, delays = NOW, []
    for _ in range(5):
        report = _run(config, archive, now)
        assert report.outcomes[0].status == "failed" and report.exit_code == 1
        state = archive.source_state("flaky")
        delays.append((state.next_due - now).total_seconds())
        assert state.next_due_reason == "backoff" and state.last_error == "HTTP 500 Internal Server Error"
        # not due a moment before its retry time: backoff gets no early slack
        assert _run(config, archive, state.next_due - timedelta(seconds=1)).outcomes == []
        now = state.next_due
    assert [round(d / 60) for d in delays] == [1, 2, 4, 5, 5]  # ×2 each time, capped at 5m
    assert all(d >= base * 60 for d, base in zip(delays, [1, 2, 4, 5, 5]))  # jitter only adds
    state = archive.source_state("flaky")
    assert state.failures == 5 and state.failing_since == NOW and state.last_success is None
    server.routes["/flaky.xml"] = Route(body=rss_feed(ENGLISH))
    assert _run(config, archive, now).outcomes[0].status == "ok"
    state = archive.source_state("flaky")
    assert (state.failures, state.failing_since, state.last_error) == (0, None, None)
    assert state.next_due == now + timedelta(minutes=1) and state.last_success == now
    archive.close()


def test_retry_after_and_freshness_hints_delay_the_next_poll(tmp_path, server) -> None:
    server.routes["/busy.xml"] = Route(status=429, headers={"Retry-After": "3600"})
    server.routes["/cached.xml"] = Route(body=rss_feed(ENGLISH), headers={"Cache-Control": "max-age=1800"})
    server.routes["/ttl.xml"] = Route(body=rss_feed(ENGLISH).replace(
        b"<description>test</description>", b"<description>test</description><ttl>20</ttl>"))
    server.routes["/short.xml"] = Route(body=rss_feed(ENGLISH), headers={"Cache-Control": "max-age=10"})
    # Expires counts from the server's own Date header (the real clock), not from our NOW.
    expires = email.utils.format_datetime(datetime.now(timezone.utc) + timedelta(minutes=45), usegmt=True)
    server.routes["/expires.xml"] = Route(body=rss_feed(ENGLISH), headers={"Expires": expires})
    server.routes["/forever.xml"] = Route(body=rss_feed(ENGLISH), headers={"Cache-Control": "max-age=31536000"})
    sources = "".join(f"""
        [[sources]]
        id = "{name}"
        kind = "feed"
        url = "{server.url(f'/{name}.xml')}"
        every = "5m"
        """ for name in ("busy", "cached", "ttl", "short", "expires", "forever"))
    config, archive = _setup(tmp_path, sources, pipeline='backoff_max = "2h"\n')
    _run(config, archive, NOW)
    due = {sid: archive.source_state(sid) for sid in ("busy", "cached", "ttl", "short", "expires", "forever")}
    minutes = {sid: (round((s.next_due - NOW).total_seconds() / 60), s.next_due_reason)
               for sid, s in due.items()}
    # Expires is read against the server's Date, taken some (machine-dependent) time after
    # ``expires`` was written: the lifetime is at most 45 minutes, never more.
    expires_left = (due["expires"].next_due - NOW).total_seconds() / 60
    assert 40 <= expires_left <= 45 and due["expires"].next_due_reason == "expires"
    del minutes["expires"]
    assert minutes == {"busy": (60, "retry-after"), "cached": (30, "max-age"), "ttl": (20, "ttl"),
                       "short": (5, "schedule"), "forever": (120, "max-age")}
    # a hint is a promise: the source is not due a minute early
    assert "cached" not in [o.source for o in _run(config, archive, NOW + timedelta(minutes=29)).outcomes]
    archive.close()


def test_sources_run_in_parallel_within_the_host_limit_and_report_in_order(tmp_path, server) -> None:
    seen: dict = {}
    server.routes["/held.xml"] = concurrency_route(rss_feed(ENGLISH), 3, seen)
    names = ["e", "b", "d", "a", "c"]
    sources = "".join(f"""
        [[sources]]
        id = "{name}"
        kind = "feed"
        url = "{server.url('/held.xml')}?{name}"
        """ for name in names)
    config, archive = _setup(tmp_path, sources, pipeline="concurrency = 4\nper_host = 3\n")
    report = _run(config, archive, NOW)
    assert [o.source for o in report.outcomes] == names
    assert all(o.status == "ok" and o.new == 2 for o in report.outcomes)
    assert "broken" not in seen  # three sources of one host were fetched at once
    assert seen["peak"] <= 3  # and never more
    archive.close()


def test_a_permanent_redirect_is_recorded_not_written_back(tmp_path, server) -> None:
    server.routes["/old.xml"] = Route(status=308, redirect="/new.xml")
    server.routes["/new.xml"] = Route(body=rss_feed(ENGLISH))
    config, archive = _setup(tmp_path, f"""
        [[sources]]
        id = "moved"
        kind = "feed"
        url = "{server.url('/old.xml')}"
        """, pipeline='allow_private = ["127.0.0.1/32"]\n')  # a redirect hop is checked
    assert _run(config, archive, NOW).outcomes[0].new == 2
    state = archive.source_state("moved")
    assert state.permanent_redirect == server.url("/new.xml")
    assert state.location == server.url("/old.xml")
    assert server.url("/old.xml") in config.path.read_text(encoding="utf-8")
    del server.routes["/old.xml"]
    server.routes["/old.xml"] = Route(body=rss_feed(ENGLISH))  # moved back
    _run(config, archive, NOW + timedelta(hours=1))
    assert archive.source_state("moved").permanent_redirect is None
    archive.close()


def test_bad_answers_are_recorded_against_their_source_and_the_rest_goes_on(tmp_path, server) -> None:
    server.routes["/page.html"] = Route(body=b"<!doctype html><html><body><p>Hello</p></body></html>",
                                        content_type="text/html")
    server.routes["/plain.txt"] = Route(body=b"just some words", content_type="text/plain")
    server.routes["/wire.xml"] = Route(body=rss_feed(ENGLISH))
    config, archive = _setup(tmp_path, f"""
        [[sources]]
        id = "closed"
        kind = "feed"
        url = "http://127.0.0.1:9/feed.xml"

        [[sources]]
        id = "badurl"
        kind = "feed"
        url = "http://[::1/feed.xml"

        [[sources]]
        id = "html"
        kind = "feed"
        url = "{server.url('/page.html')}"

        [[sources]]
        id = "plain"
        kind = "feed"
        url = "{server.url('/plain.txt')}"

        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{server.url('/wire.xml')}"
        """)
    report = _run(config, archive, NOW)
    by_id = {o.source: o for o in report.outcomes}
    assert by_id["wire"].status == "ok" and by_id["wire"].new == 2
    expected = {"closed": "ConnectError", "badurl": "invalid URL",
                "html": "not a feed: the answer is an HTML page (served as text/html)",
                "plain": "no root element"}
    for source_id, words in expected.items():
        outcome = by_id[source_id]
        assert outcome.status == "failed" and words in outcome.reason, outcome.reason
        state = archive.source_state(source_id)
        assert state.failures == 1 and words in state.last_error and "\n" not in state.last_error
        assert state.next_due > NOW and state.next_due_reason == "backoff"
    assert archive.count_articles() == 2
    archive.close()


def test_sources_shows_health_and_flags_a_source_failing_too_long(tmp_path, server) -> None:
    from conftest import run_cli
    from ingest.archive import utcnow

    server.routes["/wire.xml"] = Route(body=rss_feed(ENGLISH))
    server.routes["/down.xml"] = Route(status=503, body=b"")
    config, archive = _setup(tmp_path, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{server.url('/wire.xml')}"

        [[sources]]
        id = "down"
        kind = "feed"
        url = "{server.url('/down.xml')}"

        [[sources]]
        id = "blip"
        kind = "feed"
        url = "{server.url('/down.xml')}"
        """, pipeline='failing_after = "1h"\n')
    now = utcnow()
    _run(config, archive, now - timedelta(hours=3), source_ids=["wire", "down"])
    _run(config, archive, now - timedelta(hours=1), source_ids=["wire", "down"])
    _run(config, archive, now - timedelta(minutes=10), source_ids=["blip"])
    archive.close()
    result = run_cli("sources", "--json", "--config", str(config.path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    wire, down, blip = rows["wire"], rows["down"], rows["blip"]
    assert wire["new_24h"] == 2 and wire["failures"] == 0 and wire["last_status"] == "not-modified"
    assert wire["median_latency_s"] > 0 and wire["last_success"] and wire["next_due"]
    assert not wire["flagged"]
    assert down["failures"] == 2 and down["last_status"] == "HTTP 503"
    assert down["last_error"] == "HTTP 503 Service Unavailable" and down["last_success"] is None
    assert down["flagged"] and not blip["flagged"]  # failing for 3 h vs 10 min, limit 1 h
    table = run_cli("sources", "--config", str(config.path), cwd=tmp_path)
    assert "FAILING" in table.stdout and table.stdout.count("FAILING") == 1


def test_validators_are_not_sent_to_an_edited_url(tmp_path, server) -> None:
    server.routes["/a.xml"] = Route(body=rss_feed(ENGLISH))
    server.routes["/b.xml"] = Route(body=rss_feed(ENGLISH))  # same bytes, so the same ETag
    config, archive = _setup(tmp_path, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{server.url('/a.xml')}"
        """)
    _run(config, archive, NOW)
    config.path.write_text(config.path.read_text(encoding="utf-8").replace("/a.xml", "/b.xml"),
                           encoding="utf-8")
    config = load_config(config.path)
    assert _run(config, archive, NOW + timedelta(hours=1)).outcomes[0].status == "ok"
    assert "If-None-Match" not in server.requests[-1][1]
    assert _run(config, archive, NOW + timedelta(hours=2)).outcomes[0].status == "not-modified"
    archive.close()
