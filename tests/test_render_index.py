"""The static HTML index and the OPML list of feeds."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from lxml import etree, html

from normalize.model import Article
from syndicate import index_html, opml
from syndicate.channel import FEED_FILES, EditionSummary, FeedRef

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


def editions() -> list[EditionSummary]:
    return [
        EditionSummary("fr-fr", "France", feed_refs("fr-fr", "France", (None, "politique")), (
            Article(id="a", guid="a", source="afp", title="Budget : le <b>vote</b> & après",
                    url="https://news.example.fr/a b", language="fr", published=T0),
            Article(id="b", guid="b", source="afp", title="<script>alert(1)</script>",
                    summary="Sans titre mais avec un résumé", url="javascript:alert(2)"),
        )),
        EditionSummary("de-at", "Österreich", feed_refs("de-at", "Österreich"), ()),
    ]


def test_index_lists_editions_feeds_and_headlines():
    data = index_html.render(editions(), "wirefeed <feeds>")
    assert data.startswith(b"<!DOCTYPE html>")
    page = html.document_fromstring(data)
    assert page.findtext(".//title") == "wirefeed <feeds>"
    alternates = page.xpath('//head/link[@rel="alternate"]')
    assert len(alternates) == 9
    assert {(l.get("type"), l.get("href")) for l in alternates} >= {
        ("application/rss+xml", f"{BASE}/fr-fr/rss.xml"),
        ("application/atom+xml", f"{BASE}/fr-fr/politique/atom.xml"),
        ("application/feed+json", f"{BASE}/de-at/feed.json"),
    }
    assert [a.get("href") for a in page.xpath("//nav//a")] == ["#fr-fr", "#de-at"]
    france = page.get_element_by_id("fr-fr")
    assert france.findtext("h2") == "France"
    assert [a.get("href") for a in france.xpath('.//ul[@class="feeds"]//a')][:3] == [
        f"{BASE}/fr-fr/rss.xml", f"{BASE}/fr-fr/atom.xml", f"{BASE}/fr-fr/feed.json"]
    headlines = france.xpath('.//ol[@class="latest"]/li')
    assert headlines[0].get("lang") == "fr"
    assert headlines[0].find("a").get("href") == "https://news.example.fr/a%20b"
    assert headlines[0].find("a").text_content() == "Budget : le vote & après"
    assert headlines[0].find("time").get("datetime") == "2024-10-24T10:00:00Z"
    # A headline that is only a script: the summary stands in, and no link to javascript:.
    assert headlines[1].text_content() == "Sans titre mais avec un résumé"
    assert headlines[1].find("a") is None
    assert "No items yet." in page.get_element_by_id("de-at").text_content()


def test_index_has_no_active_content_and_is_deterministic():
    data = index_html.render(editions(), "wirefeed")
    lowered = data.lower()
    assert b"<script" not in lowered and b"javascript:" not in lowered
    assert not re.search(rb"\bon[a-z]+\s*=", lowered)
    assert data == index_html.render(editions(), "wirefeed")


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
