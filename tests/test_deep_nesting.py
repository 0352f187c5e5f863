"""Deep nesting: a feed of a million nested elements is refused with its reason before
feedparser (which keeps a frame per open element) reads it, and an article body of block
elements nested 100,000 deep reaches nh3 already unwrapped (html5ever's cost grows with the
square of that depth). Sloppy documents that only look deep are read as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_config
from localserver import Route
from test_fulltext import NOW
from test_pipeline import ENGLISH, rss_feed

import normalize.sanitize as sanitize
from ingest.archive import open_archive
from ingest.config import load_config
from ingest.errors import ParseError
from ingest.pipeline import run_once
from normalize import parse_bytes
from normalize.xmlsafe import MAX_NESTING, refuse_deep_nesting

HEAD = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'


def test_a_feed_nested_a_million_deep_is_refused_and_the_run_goes_on(tmp_path: Path, server) -> None:
    deep = HEAD + b"<a>" * 1_000_000 + b"</a>" * 1_000_000 + b"<item><title>x</title></item></channel></rss>"
    server.routes["/deep.xml"] = Route(body=deep)
    server.routes["/fine.xml"] = Route(body=rss_feed(ENGLISH))
    config = load_config(write_config(tmp_path, "".join(f"""
        [[sources]]
        id = "{name}"
        kind = "feed"
        url = "{server.url(f'/{name}.xml')}"
        language = "en"
        """ for name in ("deep", "fine"))))
    archive = open_archive(config.pipeline.database)
    try:
        report = run_once(config, archive, now=NOW, run_all=True)
        deep_state, fine_state = archive.source_state("deep"), archive.source_state("fine")
    finally:
        archive.close()
    outcomes = {outcome.source: outcome for outcome in report.outcomes}
    assert deep_state.last_error == f"elements nested more than {MAX_NESTING:,} deep: refused"
    assert outcomes["fine"].new == len(ENGLISH) and not fine_state.last_error


def test_sloppy_feeds_that_only_look_deep_still_go_to_feedparser() -> None:
    # 300 real levels (past libxml2's 256), then 500 items whose unescaped descriptions leave
    # <p> and <br> open: each </description> closes what was left open inside it.
    items = b"".join(b"<item><title>T%d</title><guid>g%d</guid><description><p>One<br>two<p>three"
                     b"</description></item>" % (i, i) for i in range(500))
    data = HEAD + b"<x>" * 300 + b"</x>" * 300 + items + b"</channel></rss>"
    refuse_deep_nesting(data)
    assert len(parse_bytes(data, url="https://wire.example/feed", source="s")) == 500
    with pytest.raises(ParseError, match="nested more than 250 deep"):
        refuse_deep_nesting(data, limit=250)


def test_a_body_nested_100000_deep_reaches_nh3_unwrapped(monkeypatch) -> None:
    seen = []
    cleaner = sanitize._CLEANER

    class Spy:
        def clean(self, html):
            seen.append(sanitize.nesting_depth(html))
            return cleaner.clean(html)

    monkeypatch.setattr(sanitize, "_CLEANER", Spy())
    for tag in ("div", "ul", "blockquote"):
        body = f"<{tag}>" * 100_000 + "deep text" + f"</{tag}>" * 100_000
        with sanitize.collect_repairs() as notes:
            cleaned = sanitize.clean_html(body)
        assert "deep text" in cleaned and sanitize.nesting_depth(cleaned) <= sanitize.MAX_DEPTH
        assert notes == [f"HTML nested {sanitize.RAW_DEPTH:,} elements deep flattened to "
                         f"{sanitize.MAX_DEPTH}"]
    assert seen == [sanitize.RAW_DEPTH] * 3


@pytest.mark.parametrize("body", [
    "<p>a<p>b" * 3000,                      # unclosed paragraphs: siblings, not nesting
    "<li>a<li>b" * 3000,
    "<table>" + "<tr><td>x</td></tr>" * 3000 + "</table>",
    "<p>" + "<a" * 100_000 + "</p>",        # a "<" opening no tag
    "<div>" * 100 + "x" + "</div>" * 100,
])
def test_long_ordinary_bodies_reach_nh3_as_they_are(body) -> None:
    assert sanitize._unwrap_raw_depth(body) == body
