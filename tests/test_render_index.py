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
                                f"{BASE}/{path}/{FEED_FILES[fmt]}", f"{BASE}/index.html#{edition}",
                                (edition.split("-")[0],)))
    return tuple(refs)


def editions() -> list[SimpleNamespace]:
    """Two editions' feed lists, as publishing hands them to the OPML writer."""
    return [SimpleNamespace(feeds=feed_refs("fr-fr", "France", (None, "politique"))),
            SimpleNamespace(feeds=feed_refs("de-at", "Österreich"))]


def test_opml_lists_each_feed_once_at_its_rss_version():
    feeds = [ref for summary in editions() for ref in summary.feeds]
    data = opml.render(feeds, "wirefeed & friends")
    root = etree.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "wirefeed & friends"
    assert root.find("head/dateCreated") is None and root.find("head/dateModified") is None
    outlines = root.findall("body/outline")
    assert [(o.get("text"), o.get("category"), o.get("language")) for o in outlines] == [
        ("wirefeed — France (fr)", "/fr-fr", "fr"),
        ("wirefeed — France — politique (fr)", "/fr-fr/politique", "fr"),
        ("wirefeed — Österreich (de)", "/de-at", "de"),
    ]
    rss_refs = [ref for ref in feeds if ref.fmt == "rss"]
    for outline, ref in zip(outlines, rss_refs, strict=True):
        assert outline.get("type") == "rss" and outline.get("version") == "RSS2"
        assert outline.get("xmlUrl") == ref.url and ref.url.endswith("/rss.xml")
        assert outline.get("htmlUrl") == ref.html_url
        assert outline.get("title") == outline.get("text")
        assert not len(outline)  # no nested outlines: nothing a reader could import twice
    assert data == opml.render(feeds, "wirefeed & friends")


def test_opml_has_no_duplicates_and_skips_unusable_urls():
    fr, at = editions()
    mixed = [fr.feeds[0], at.feeds[0], fr.feeds[1], fr.feeds[0], at.feeds[0],
             FeedRef("it-it", "Italia", None, "rss", "Italia", "not a url", "", ("it",)),
             FeedRef("ch", "Switzerland", None, "rss", "wirefeed — Switzerland",
                     f"{BASE}/ch/rss.xml", f"{BASE}/index.html#ch", ("de", "fr", "it"))]
    outlines = etree.fromstring(opml.render(mixed, "t")).findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [
        f"{BASE}/fr-fr/rss.xml", f"{BASE}/de-at/rss.xml", f"{BASE}/ch/rss.xml"]
    assert outlines[2].get("title") == "wirefeed — Switzerland (de, fr, it)"
    assert outlines[2].get("language") is None  # several languages: none claimed
