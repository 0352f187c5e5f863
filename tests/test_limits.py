"""Limits: huge or absurd inputs are refused or cut with a recorded reason, memory stays bounded,
and the run goes on to the next source.

One ``ingest run-once`` over a local server serves, at once: a 100 MB feed (streamed, never held
by the server), a feed declaring a 10 GB ``Content-Length``, a 100,000-item feed, a
50,000-character title, HTML nested 10,000 deep, and an ordinary feed that must come through.
The run happens in a subprocess that reports its own peak RSS (``resource.getrusage``), so the
figure printed is that run's; it is read, not asserted (it depends on the machine: core count,
allocator), while what keeps memory bounded (refusals before reading, cuts) is asserted.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, write_config
from ingest.errors import ParseError
from localserver import Route
import normalize
from normalize import parse_bytes

HEAD = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
        b'<link>https://w.example/</link><description>d</description>')
TAIL = b"</channel></rss>"


def item(i: int, title: str | None = None, body: str = "") -> str:
    return (f"<item><title>{title or f'Item {i} of a very long wire'}</title>"
            f"<link>https://w.example/{i}</link><guid>g{i}</guid>"
            f"<pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>"
            f"<description>Report number {i} from the wire.</description>{body}</item>")


def feed(items: list[str]) -> bytes:
    return HEAD + "".join(items).encode("utf-8") + TAIL


def stream_100mb(handler) -> None:
    """Answer with a 100 MB RSS body made on the fly, in chunks (no Content-Length)."""
    chunk = ("".join(item(i) for i in range(200))).encode("utf-8")
    try:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        sent = 0
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(HEAD), HEAD))
        while sent < 100_000_000:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        handler.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client stopped reading at its cap: what we want


# Linux keeps a forked child's peak RSS across exec, so ``ingest`` forked from pytest would
# report pytest's size. This small wrapper runs ``ingest run-once`` as its own child and reads
# RUSAGE_CHILDREN: the figure is that run's alone.
RUN = r"""
import json, resource, subprocess, sys
code = subprocess.run([sys.executable, "-m", "ingest", "run-once"]).returncode
print("PEAK " + json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                            "code": code}), file=sys.stderr)
"""


@pytest.fixture
def hostile_run(tmp_path: Path, server):
    deep = "<div>" * 10_000 + "deep text" + "</div>" * 10_000
    server.routes["/huge.xml"] = Route(handler=stream_100mb)
    server.routes["/liar.xml"] = Route(body=feed([item(1)]), declared_length=10_000_000_000)
    server.routes["/many.xml"] = Route(body=feed([f"<item><title>Wire report {i}</title><guid>g{i}</guid>"
                                                  f"</item>" for i in range(100_000)]))
    server.routes["/title.xml"] = Route(body=feed([item(1, title="word " * 10_000)]))
    server.routes["/deep.xml"] = Route(body=feed([item(1, body=f"<content:encoded><![CDATA[{deep}]]>"
                                                             "</content:encoded>")]).replace(
        b'<rss version="2.0">',
        b'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'))
    server.routes["/fine.xml"] = Route(body=feed([item(i, title=f"Ordinary report {i}") for i in range(3)]))
    sources = "".join(f"""
        [[sources]]
        id = "{name}"
        kind = "feed"
        url = "{server.url(f'/{name}.xml')}"
        language = "en"
    """ for name in ("huge", "liar", "many", "title", "deep", "fine"))
    write_config(tmp_path, sources)
    result = subprocess.run([sys.executable, "-c", RUN], cwd=tmp_path, capture_output=True,
                            text=True, timeout=600,
                            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    peak = json.loads(result.stderr.rsplit("PEAK ", 1)[1])
    with sqlite3.connect(tmp_path / "data" / "wire.db") as conn:
        conn.row_factory = sqlite3.Row
        states = {row["id"]: dict(row) for row in conn.execute("SELECT * FROM sources")}
        counts = dict(conn.execute("SELECT source, COUNT(*) FROM articles GROUP BY source").fetchall())
        titles = dict(conn.execute("SELECT source, MAX(LENGTH(title)) FROM articles GROUP BY source").fetchall())
    print("limits run:", peak, counts, {k: (v["last_error"], v["repairs"]) for k, v in states.items()})
    return result, peak, states, counts, titles


def test_hostile_sizes_are_refused_or_cut_and_the_run_goes_on(hostile_run) -> None:
    result, peak, states, counts, titles = hostile_run
    assert peak["code"] == 1  # some sources failed; the others were still stored and published
    # refused, with the reason on the source
    assert "too large" in states["huge"]["last_error"]
    assert "10,000,000,000" in states["liar"]["last_error"]
    assert "huge" not in counts and "liar" not in counts
    # cut, with the reason recorded as a repair
    assert counts["many"] == normalize.MAX_ITEMS
    assert "100,000 items, only the first 2,000 read" in states["many"]["repairs"]
    assert titles["title"] <= normalize.MAX_TITLE_CHARS + 1
    assert "title of 49,999 characters cut" in states["title"]["repairs"]
    assert counts["deep"] == 1 and "flattened" in states["deep"]["repairs"]
    # and the ordinary source is untouched
    assert counts["fine"] == 3 and not states["fine"]["last_error"]


def test_a_document_over_the_size_limit_is_refused_before_parsing() -> None:
    data = HEAD + b"<item><title>x</title></item>" * (normalize.MAX_DOCUMENT_BYTES // 28 + 1) + TAIL
    assert len(data) > normalize.MAX_DOCUMENT_BYTES
    with pytest.raises(ParseError, match="document too large"):
        parse_bytes(data, "feed")


@pytest.mark.parametrize("fmt", ["rss", "atom", "newsml_g2", "jsonfeed"])
def test_item_cap_in_every_multi_item_format(fmt) -> None:
    n = normalize.MAX_ITEMS + 5
    if fmt == "rss":
        data = feed([item(i) for i in range(n)])
    elif fmt == "atom":
        data = ("<?xml version='1.0'?><!-- <feed> --><feed xmlns='http://www.w3.org/2005/Atom'>"
                "<title type='html'><![CDATA[<b>Wire</b>]]></title><id>urn:w</id>"
                + "".join(f"<entry><id>urn:{i}</id><title>T{i}</title><updated>2025-03-04T10:00:00Z"
                          f"</updated></entry>" for i in range(n)) + "</feed>").encode()
    elif fmt == "newsml_g2":
        data = ("<newsMessage xmlns='http://iptc.org/std/nar/2006-10-01/'><header/><itemSet>"
                + "".join(f"<newsItem guid='urn:x:{i}' version='1'><itemMeta><itemClass qcode='ninat:text'/>"
                          f"</itemMeta><contentMeta><headline>H{i}</headline></contentMeta></newsItem>"
                          for i in range(n)) + "</itemSet></newsMessage>").encode()
    else:
        data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "W",
                           "items": [{"id": str(i), "title": f"T{i}"} for i in range(n)]}).encode()
    articles = parse_bytes(data, "feed")
    assert len(articles) == normalize.MAX_ITEMS
    assert str(normalize.MAX_ITEMS - 1) in articles[-1].title
    assert ("repair", f"limit: {n:,} items, only the first {normalize.MAX_ITEMS:,} read") in articles[0].extra


def test_small_documents_are_untouched_by_the_caps() -> None:
    articles = parse_bytes(feed([item(i) for i in range(10)]), "feed")
    assert len(articles) == 10 and all(not a.extra for a in articles)


def test_long_summary_is_cut_at_a_word() -> None:
    data = ("<feed xmlns='http://www.w3.org/2005/Atom'><title>W</title><id>urn:w</id><entry>"
            "<id>urn:1</id><title>T</title><updated>2025-03-04T10:00:00Z</updated>"
            f"<summary>{'mot ' * 3000}</summary><content type='html'>&lt;p&gt;Body.&lt;/p&gt;</content>"
            "</entry></feed>").encode()
    (article,) = parse_bytes(data, "feed")
    assert len(article.summary) <= normalize.MAX_SUMMARY_CHARS + 1 and article.summary.endswith("mot…")
    assert any("summary of" in note for key, note in article.extra if key == "repair")


@pytest.mark.parametrize("kind", ["feed", "jsonfeed", "ninjs", "rss", "page"])
def test_json_nested_100000_deep_is_refused(kind) -> None:
    deep = (b'{"version":"https://jsonfeed.org/version/1.1","uri":"x","items":'
            + b"[" * 100_000 + b"]" * 100_000 + b"}")
    with pytest.raises(ParseError):
        parse_bytes(deep, kind)
