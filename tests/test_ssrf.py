"""Issue 21, end to end: a link inside a feed never reaches the private network.

An "internal service" (the canary) listens on 127.0.0.2; the upstream feed and the pages the
operator opened (``allow_private = ["127.0.0.1/32"]``) are on 127.0.0.1. The attacker controls
the feed's items: links to loopback, private, link-local, metadata and IPv6 addresses, a redirect
from an allowed host to the canary, and a name that resolves to the canary (through the injected
resolver; no DNS, no /etc/hosts). The canary's text must end up in no record and no feed, and
each refused item says why.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import inbox_config, run_cli, write_config
from localserver import LocalServer, Route
from test_fetch import tune_pipeline
from test_fulltext import NOW, STORY, feed, page
from test_pipeline import ENGLISH, rss_feed

from ingest.archive import open_archive
from ingest.config import load_config
from ingest.errors import ConfigError
from ingest.fetch import make_client
from ingest.fulltext import PageFetcher, complete
from ingest.pipeline import run_once
from ingest.publishing import feed_publisher
from normalize.model import Article

CANARY = "CANARY-7f3a internal admin secret"


@pytest.fixture
def canary():
    """The internal service: every path answers a page holding :data:`CANARY`."""
    with LocalServer("127.0.0.2") as internal:
        secret = page(CANARY, [CANARY + " " + s for s in STORY])
        for path in ("/admin/secret", "/feed.xml", "/latest/meta-data/"):
            internal.routes[path] = Route(body=secret, content_type="text/html")
        yield internal


def _config(tmp_path: Path, url: str, pipeline: str, source_extra: str = ""):
    path = write_config(tmp_path, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{url}"
        fulltext = true
        every = "5m"
        {source_extra}
        """)
    tune_pipeline(path, "timeout = 1\n" + pipeline)
    return load_config(path)


def _records(config) -> dict[str, dict]:
    with sqlite3.connect(config.pipeline.database) as db:
        db.row_factory = sqlite3.Row
        return {row["guid"]: dict(row) for row in db.execute("SELECT * FROM articles")}


def _errors(record: dict) -> list[str]:
    return [value for key, value in json.loads(record["extra"] or "[]") if key == "fulltext_error"]


def _everything_written(config) -> str:
    """Every byte the run left behind: the archive and every published file, as text."""
    texts = [Path(config.pipeline.database).read_bytes().decode("utf-8", "replace")]
    for root, _dirs, files in os.walk(config.pipeline.feeds):
        texts += [Path(root, f).read_bytes().decode("utf-8", "replace") for f in files]
    return "\n".join(texts)


def test_links_to_internal_addresses_are_refused_and_the_canary_leaks_nowhere(
        tmp_path, server, canary) -> None:
    port = canary.base.rsplit(":", 1)[1]
    secret = f"http://127.0.0.2:{port}/admin/secret"
    server.routes["/go"] = Route(status=302, redirect=secret)  # allowed host -> internal one
    server.routes["/good"] = Route(body=page("Parliament passes the new climate law", STORY),
                                   content_type="text/html")
    links = {
        "loopback": secret,
        "private": "http://10.0.0.1/admin",
        "link-local": "http://169.254.169.254/latest/meta-data/",
        "ipv6-loopback": f"http://[::1]:{port}/admin/secret",
        "ipv4-mapped": f"http://[::ffff:127.0.0.2]:{port}/admin/secret",
        "redirect": server.url("/go"),
        "dns": f"http://intranet.test:{port}/admin/secret",
        "scheme": "file:///etc/passwd",  # dropped by the feed parser: no link, no fetch
        "good": server.url("/good"),
    }
    items = [{"guid": guid, "title": f"Story {guid}", "link": link} for guid, link in links.items()]
    server.routes["/feed.xml"] = Route(body=feed(items), etag=False)
    config = _config(tmp_path, server.url("/feed.xml"), 'allow_private = ["127.0.0.1/32"]\n')
    resolved = []

    def resolve(host, port_):
        resolved.append(host)
        return {"intranet.test": ["127.0.0.2"]}.get(host, [])

    archive = open_archive(config.pipeline.database)
    with make_client(timeout=1, guard=config.pipeline.guard(resolve)) as client:
        outcome = run_once(config, archive, now=NOW, client=client,
                           publisher=feed_publisher(config)).outcomes[0]
    archive.close()

    assert outcome.status == "ok" and outcome.new == len(links)  # the run went on
    assert outcome.reason.startswith("full text: 7 pages failed")
    assert canary.hits == {}  # nothing ever reached the internal service
    assert server.hits["/go"] == 1 and resolved == ["intranet.test"]
    records = _records(config)
    expected = {
        "loopback": "refused: 127.0.0.2 is a loopback address",
        "private": "refused: 10.0.0.1 is a private address (RFC 1918)",
        "link-local": "refused: 169.254.169.254 is the cloud metadata address (link-local)",
        "ipv6-loopback": "refused: ::1 is a loopback address",
        "ipv4-mapped": "refused: ::ffff:127.0.0.2 is IPv4-mapped 127.0.0.2, a loopback address",
        "redirect": f"refused: redirect to {secret}: 127.0.0.2 is a loopback address",
        "dns": "refused: intranet.test resolves to 127.0.0.2, a loopback address",
    }
    for guid, reason in expected.items():
        record = records[guid]
        assert _errors(record) == [reason], guid
        assert record["body_text"] == "A short teaser of the story.", guid  # the feed's text
    assert records["scheme"]["url"] is None and not _errors(records["scheme"])
    assert records["good"]["body_text"].startswith("Lawmakers approved") and not _errors(records["good"])
    written = _everything_written(config)
    assert "CANARY-7f3a" not in written and "Lawmakers approved" in written
    assert (Path(config.pipeline.feeds) / "en" / "rss.xml").exists()


def test_allow_private_opens_exactly_what_it_names(tmp_path, server, canary) -> None:
    """With the canary's address opened, the same link is fetched: the refusal came from policy."""
    items = [{"guid": "X", "title": "Inside", "link": canary.url("/admin/secret")}]
    server.routes["/feed.xml"] = Route(body=feed(items), etag=False)
    config = _config(tmp_path, server.url("/feed.xml"),
                     'allow_private = ["127.0.0.1/32", "127.0.0.2/32"]\n')
    archive = open_archive(config.pipeline.database)
    run_once(config, archive, now=NOW)
    archive.close()
    assert canary.hits == {"/admin/secret": 1}
    assert CANARY in _records(config)["X"]["body_text"]


def test_an_operator_url_is_trusted_but_not_the_redirect_it_answers(tmp_path, server, canary) -> None:
    server.routes["/moved.xml"] = Route(status=301, redirect=canary.url("/feed.xml"))
    server.routes["/plain.xml"] = Route(body=rss_feed(ENGLISH))
    path = write_config(tmp_path, f"""
        [[sources]]
        id = "moved"
        kind = "feed"
        url = "{server.url('/moved.xml')}"

        [[sources]]
        id = "plain"
        kind = "feed"
        url = "{server.url('/plain.xml')}"
        """)
    config = load_config(path)  # allow_private is empty: the operator's own URLs still work
    archive = open_archive(config.pipeline.database)
    report = run_once(config, archive, now=NOW)
    moved, plain = report.outcomes
    assert moved.status == "failed"
    assert moved.reason == f"refused: redirect to {canary.url('/feed.xml')}: 127.0.0.2 is a loopback address"
    assert plain.status == "ok" and plain.new == 2
    assert archive.source_state("moved").last_error == moved.reason
    archive.close()
    assert canary.hits == {}


def test_fulltext_max_caps_the_pages_of_a_source_per_run(tmp_path, server) -> None:
    items = [{"guid": f"G{n}", "title": f"Story {n}", "link": server.url(f"/story{n}")} for n in range(5)]
    for n in range(5):
        server.routes[f"/story{n}"] = Route(body=page(f"Story {n}", STORY), content_type="text/html")
    server.routes["/feed.xml"] = Route(body=feed(items), etag=False)
    config = _config(tmp_path, server.url("/feed.xml"),
                     'allow_private = ["127.0.0.1/32"]\nfulltext_max = 50\n', "fulltext_max = 2")
    assert config.sources[0].fulltext_max == 2 and config.pipeline.fulltext_max == 50
    archive = open_archive(config.pipeline.database)
    first = run_once(config, archive, now=NOW).outcomes[0]
    assert first.new == 5
    assert first.reason == "full text: 3 entries over the cap of 2 pages per run (fulltext_max)"
    assert sum(server.hits.get(f"/story{n}", 0) for n in range(5)) == 2
    records = _records(config)
    capped = [g for g, r in records.items() if _errors(r)]
    assert len(capped) == 3 and all("cap of 2 full-text pages" in _errors(records[g])[0] for g in capped)
    assert all(records[g]["body_text"] == "A short teaser of the story." for g in capped)
    # The capped entries are tried on the next runs, two at a time.
    run_once(config, archive, now=NOW + timedelta(minutes=5))
    run_once(config, archive, now=NOW + timedelta(minutes=10))
    archive.close()
    assert all(server.hits[f"/story{n}"] == 1 for n in range(5))
    assert not any(_errors(r) for r in _records(config).values())


def test_inbox_never_reads_symlinks_or_special_files(tmp_path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    outside = tmp_path / "secret.xml"
    outside.write_bytes(rss_feed([{**ENGLISH[0], "guid": "LEAK-1", "title": "Leaked through a link"}]))
    (drop / "good.xml").write_bytes(rss_feed(ENGLISH))
    (drop / "link.xml").symlink_to(outside)
    (drop / "dirlink").symlink_to(tmp_path)
    os.mkfifo(drop / "pipe.xml")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(drop / "sock.xml"))
    try:
        config = load_config(write_config(tmp_path, """
            [[sources]]
            id = "drop"
            kind = "inbox"
            path = "drop"
            """))
        archive = open_archive(config.pipeline.database)
        outcome = run_once(config, archive, now=NOW).outcomes[0]
        state = archive.source_state("drop")
        archive.close()
    finally:
        sock.close()
    assert outcome.new == 2 and outcome.status == "partial" and outcome.failed == 4
    assert outcome.reason == (
        "4 entries never read: dirlink (a symlink, not a regular file), link.xml (a symlink, "
        "not a regular file), pipe.xml (a FIFO, not a regular file), sock.xml (a socket, not a "
        "regular file)")
    assert state.last_error == outcome.reason
    assert "LEAK-1" not in _records(config)
    # Never moved either: the operator decides what to do with them.
    assert (drop / "link.xml").is_symlink() and (drop / "pipe.xml").exists()
    assert (drop / "done" / "good.xml").exists() and not (drop / "failed").exists()
    assert outside.exists()


@pytest.mark.slow
def test_cli_check_refuses_a_bad_cidr_and_show_prints_the_refusal(tmp_path, server) -> None:
    items = [{"guid": "M", "title": "Metadata", "link": "http://169.254.169.254/latest/"}]
    server.routes["/feed.xml"] = Route(body=feed(items), etag=False)
    config = _config(tmp_path, server.url("/feed.xml"), 'allow_private = ["10.20.0.0/16"]\n')
    assert run_cli("check", "--config", str(config.path), cwd=tmp_path).returncode == 0
    tune_pipeline(config.path, 'allow_private = ["10.20.0.1/16"]')  # host bits set: ambiguous
    with pytest.raises(ConfigError, match="allow_private.*is not a CIDR"):
        load_config(config.path)
    result = run_cli("check", "--config", str(config.path), cwd=tmp_path)
    assert result.returncode == 2 and "allow_private" in result.stdout + result.stderr
    tune_pipeline(config.path, 'allow_private = ["10.20.0.0/16"]')
    assert run_cli("run-once", "--config", str(config.path), cwd=tmp_path).returncode == 0
    record_id = _records(config)["M"]["id"]
    shown = run_cli("show", record_id, "--config", str(config.path), cwd=tmp_path)
    assert "not used: refused: 169.254.169.254 is the cloud metadata address" in shown.stdout
    exported = run_cli("export", "--jsonl", "--config", str(config.path), cwd=tmp_path)
    record = json.loads(exported.stdout.splitlines()[0])
    assert ["fulltext_error", "refused: 169.254.169.254 is the cloud metadata address (link-local)"] \
        in record["extra"]


def test_a_link_with_another_scheme_is_refused_on_the_entry() -> None:
    """The feed parsers drop such links already; :func:`complete` refuses them too, whoever
    made the record, and leaves identifiers (``urn:``) and relative links alone."""
    pages = PageFetcher(make_client(timeout=1))
    entries = [Article(id=f"i{n}", guid=f"g{n}", source="s", title="t", url=url, body_text="Teaser.",
                       content_hash=f"h{n}")
               for n, url in enumerate(["file:///etc/passwd", "gopher://10.0.0.1:70/", "urn:uuid:1",
                                        "/relative", "ftp://example.com/a"])]
    with pages:
        done = complete(entries, {}, pages, "s")
    reasons = [dict(a.extra).get("fulltext_error") for a in done.articles]
    assert reasons == ["refused: scheme 'file' is not http or https",
                       "refused: scheme 'gopher' is not http or https", None, None,
                       "refused: scheme 'ftp' is not http or https"]
    assert pages.requests == 0 and [a.body_text for a in done.articles] == ["Teaser."] * 5


def test_a_daemon_reload_applies_a_changed_allow_private_to_the_next_fetch(tmp_path, server) -> None:
    from ingest.daemon import Daemon
    from ingest.errors import FetchError
    from ingest.fetch import fetch

    server.routes["/a"] = Route(body=b"<html><p>inside</p></html>", content_type="text/html")
    path = write_config(tmp_path, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{server.url('/feed.xml')}"
        """)
    daemon = Daemon(load_config(path), lambda config: feed_publisher(config, parallel=False))
    try:
        with pytest.raises(FetchError, match="refused"):
            fetch(daemon.client, server.url("/a"))
        tune_pipeline(path, 'allow_private = ["127.0.0.1/32"]')
        assert daemon.reload()
        assert fetch(daemon.client, server.url("/a")).data.endswith(b"inside</p></html>")
        tune_pipeline(path, "allow_private = []")
        assert daemon.reload()
        with pytest.raises(FetchError, match="refused"):
            fetch(daemon.client, server.url("/a"))
    finally:
        daemon.client.close()
        for client in daemon._retired_clients:
            client.close()
    assert server.hits == {"/a": 1}


@pytest.mark.slow
def test_inbox_refusals_are_in_the_run_summary_and_ingest_sources(tmp_path) -> None:
    drop, path = inbox_config(tmp_path)
    (drop / "good.xml").write_bytes(rss_feed(ENGLISH))
    (drop / "passwd.xml").symlink_to("/etc/passwd")
    os.mkfifo(drop / "pipe.xml")
    run = run_cli("run-once", "--config", str(path), cwd=tmp_path)
    summary = " ".join(run.stdout.split())  # the table may wrap the reason
    assert "passwd.xml (a symlink" in summary and "pipe.xml (a FIFO" in summary, run.stdout
    sources = json.loads(run_cli("sources", "--json", "--config", str(path), cwd=tmp_path).stdout)
    assert sources[0]["last_error"] == ("2 entries never read: passwd.xml (a symlink, not a regular "
                                        "file), pipe.xml (a FIFO, not a regular file)")
