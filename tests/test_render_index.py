"""The OPML list of feeds (the site's pages are tested in test_site.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from lxml import etree

from syndicate import opml
from syndicate.channel import FEED_FILES, FeedRef

BASE = "https://feeds.example.org"
T0 = datetime(2024, 10, 24, 10, 0, tzinfo=timezone.utc)


def feed_refs(edition: str, name: str, sections=(None,)) -> tuple[FeedRef, ...]:
    refs = []
    for section in sections:
        path = "/".join(filter(None, (edition, section)))
        for fmt in ("rss", "atom", "json"):
            title = " — ".join(filter(None, ("wirefeed", name, section)))
            refs.append(FeedRef(edition, name, section, fmt, title,
                                f"{BASE}/{path}/{FEED_FILES[fmt]}", f"{BASE}/index.html#{edition}"))
    return tuple(refs)


def editions() -> list[SimpleNamespace]:
    """Two editions' feed lists, as publishing hands them to the OPML writer."""
    return [SimpleNamespace(feeds=feed_refs("fr-fr", "France", (None, "politique"))),
            SimpleNamespace(feeds=feed_refs("de-at", "Österreich"))]


def test_opml_groups_every_feed_by_edition():
    feeds = [ref for summary in editions() for ref in summary.feeds]
    data = opml.render(feeds, "wirefeed & friends")
    root = etree.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "wirefeed & friends"
    assert root.find("head/dateCreated") is None and root.find("head/dateModified") is None
    groups = root.findall("body/outline")
    assert [(g.get("text"), g.get("title")) for g in groups] == [
        ("France", "France"), ("Österreich", "Österreich")]
    children = groups[0].findall("outline")
    assert len(children) == 6 and len(groups[1].findall("outline")) == 3
    for child, ref in zip(children, feeds):
        assert child.get("type") == "rss"
        assert child.get("xmlUrl") == ref.url
        assert child.get("htmlUrl") == ref.html_url
        assert child.get("text") == child.get("title") == ref.title
    assert children[3].get("category") == "/fr-fr/politique"
    assert children[1].get("version") == "Atom"
    assert data == opml.render(feeds, "wirefeed & friends")


def test_opml_keeps_editions_together_and_skips_unusable_urls():
    fr, at = editions()
    mixed = [fr.feeds[0], at.feeds[0], fr.feeds[1],
             FeedRef("it-it", "Italia", None, "rss", "Italia", "not a url", "")]
    root = etree.fromstring(opml.render(mixed, "t"))
    assert [(g.get("text"), len(g)) for g in root.findall("body/outline")] == [
        ("France", 2), ("Österreich", 1)]
