"""Atom 1.0 rendering (validated against RFC 4287's RELAX NG schema) and translation linking."""

from __future__ import annotations

import calendar
import io
import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from normalize.model import Article, Credit, Image
from syndicate import atom
from syndicate.channel import Channel
from syndicate.ids import is_valid_uri, mint_id
from syndicate.translations import guid_stem, link_translations

UTC = timezone.utc
T0 = datetime(2024, 10, 24, 10, 0, tzinfo=UTC)
A = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
# RFC 4287's RELAX NG schema (Appendix B), as shared/schemas/atom.rng gives it; a copy is kept
# with the tests so they run wherever the repository is cloned.
SCHEMA = Path(__file__).resolve().parent / "data" / "schemas" / "atom.rng"

SWISS = Channel(
    edition="ch", edition_name="Switzerland", languages=("de", "fr", "it"),
    title="wirefeed — Switzerland", description="", base_url="https://feeds.example.org/",
    path="ch", hub="https://hub.example.org/",
)
GERMANY = Channel(
    edition="de-de", edition_name="Deutschland", languages=("de",),
    title="wirefeed — Deutschland", description="Nachrichten",
    base_url="https://feeds.example.org", path="de-de",
)
PHOTO = Credit("Mikhail Metzel/Kremlin/dpa", "Mikhail Metzel", "Kremlin", "dpa")


def story(**fields) -> Article:
    values = dict(id="x", guid="x", source="src", title="Titel")
    values.update(fields)
    return Article(**values)


def sample_articles() -> list[Article]:
    pictures = (
        Image("https://img.example.de/p-1200.jpg", "Putin in Kasan.", PHOTO, "image/jpeg", 1200, 800),
        Image("https://img.example.de/p-300.jpg", "Putin in Kasan.", PHOTO, "image/jpeg", 300, 200),
    )
    return [
        story(id="a1", guid="dpa-123-de", source="dpa-de", agency="dpa", title="Gipfel in Kasan",
              url="https://news.example.de/123", summary="Der Gipfel beginnt.",
              body_html="<p>Text.</p>", authors=("Anna Schmidt", "Jörg Weber"),
              sections=("Politik",), language="de", published=T0,
              updated=T0 + timedelta(minutes=20), images=pictures, rights="© dpa"),
        story(id="b2", guid="dpa-123-fr", source="dpa-fr", agency="dpa", title="Sommet à Kazan",
              url="https://news.example.fr/123", summary="Le sommet commence.",
              body_html="<p>Texte.</p>", language="fr", published=T0 - timedelta(minutes=3),
              images=pictures[:1]),
        story(id="c3", guid="tag:ansa.it,2024:555", source="ansa", title="Vertice",
              url="https://news.example.it/555", language="it", published=T0 - timedelta(hours=2)),
    ]


@pytest.fixture(scope="module")
def relaxng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def assert_valid(relaxng: etree.RelaxNG, data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    assert relaxng.validate(root), relaxng.error_log
    # The schematron rules of RFC 4287 that RELAX NG cannot express.
    for entry in root.iter(f"{A}entry"):
        assert entry.find(f"{A}author") is not None or root.find(f"{A}author") is not None
        alternates = Counter(
            (link.get("type"), link.get("hreflang"))
            for link in entry.findall(f"{A}link") if link.get("rel", "alternate") == "alternate")
        assert alternates and max(alternates.values()) == 1
    return root


def parse(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(io.BytesIO(data))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def as_datetime(struct) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(struct), UTC)


def test_output_validates_against_rfc4287_schema(relaxng):
    articles = sample_articles()
    assert_valid(relaxng, atom.render(SWISS, articles, link_translations(articles)))
    assert_valid(relaxng, atom.render(GERMANY, articles[:1]))


def test_empty_feed_is_valid_and_dated_1970(relaxng):
    root = assert_valid(relaxng, atom.render(SWISS, []))
    assert root.findtext(f"{A}updated") == "1970-01-01T00:00:00Z"
    assert root.findtext(f"{A}id") == "https://feeds.example.org/ch/atom.xml"
    assert root.find(f"{A}author/{A}name").text == "wirefeed — Switzerland"


def test_round_trip_through_feedparser():
    articles = sample_articles()
    parsed = parse(atom.render(SWISS, articles))
    assert parsed.version == "atom10"
    for entry, article in zip(parsed.entries, articles, strict=True):
        assert entry.title == article.title
        assert entry.link == article.url
        assert entry.title_detail.language == article.language
        assert as_datetime(entry.published_parsed) == article.published
        assert as_datetime(entry.updated_parsed) == (article.updated or article.published)
        assert [t.term for t in entry.get("tags", [])] == list(article.sections)
    first = parsed.entries[0]
    assert [a["name"] for a in first.authors] == ["Anna Schmidt", "Jörg Weber"]
    assert first.summary == "Der Gipfel beginnt."
    assert first.content[0].type == "text/html"
    assert first.content[0].value.startswith("<p>Text.</p><figure>")
    assert "Putin in Kasan. — Mikhail Metzel/Kremlin/dpa" in first.content[0].value
    assert first.rights == "© dpa"
    assert first.source.title == "dpa"
    assert [m["url"] for m in first.media_content] == [
        "https://img.example.de/p-1200.jpg", "https://img.example.de/p-300.jpg"]
    assert first.media_credit[0] == {
        "role": "photographer", "scheme": "urn:ebu", "content": "Mikhail Metzel"}
    # No agency: the source id is the author; no source element is made up.
    assert [a["name"] for a in parsed.entries[2].authors] == ["ansa"]
    assert "source" not in parsed.entries[2]
    feed = parsed.feed
    assert feed.link == "https://feeds.example.org/ch/"
    assert as_datetime(feed.updated_parsed) == T0 + timedelta(minutes=20)
    assert "language" not in feed.title_detail or feed.title_detail.language is None


def test_feed_links_and_language():
    root = etree.fromstring(atom.render(GERMANY, sample_articles()[:1]))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    links = {(l.get("rel"), l.get("type")): l.get("href") for l in root.findall(f"{A}link")}
    assert links == {
        ("self", "application/atom+xml"): "https://feeds.example.org/de-de/atom.xml",
        ("alternate", "text/html"): "https://feeds.example.org/de-de/",
        ("alternate", "application/rss+xml"): "https://feeds.example.org/de-de/rss.xml",
        ("alternate", "application/feed+json"): "https://feeds.example.org/de-de/feed.json",
    }
    swiss = etree.fromstring(atom.render(SWISS, []))
    assert swiss.get("{http://www.w3.org/XML/1998/namespace}lang") is None
    assert [l.get("href") for l in swiss.findall(f"{A}link") if l.get("rel") == "hub"] == [
        "https://hub.example.org/"]


def test_entry_id_is_stable_and_an_iri():
    articles = sample_articles()
    root = etree.fromstring(atom.render(SWISS, articles))
    ids = [e.findtext(f"{A}id") for e in root.iter(f"{A}entry")]
    # A guid that is a valid URI is kept; others get a tag: minted from host, source and guid.
    assert ids == [mint_id(SWISS.base_url, "dpa-de", articles[0].guid),
                   mint_id(SWISS.base_url, "dpa-fr", articles[1].guid), "tag:ansa.it,2024:555"]
    assert all(is_valid_uri(i) for i in ids) and ids[0].startswith("tag:feeds.example.org,2026:")
    retitled = [articles[0].replace(title="Neuer Titel", version=2), *articles[1:]]
    again = etree.fromstring(atom.render(SWISS, retitled))
    assert [e.findtext(f"{A}id") for e in again.iter(f"{A}entry")] == ids


def test_fallbacks_and_hostile_input_stay_valid(relaxng):
    articles = [
        story(id="f1", guid="g f1", source="s s", title="", language="not a tag!",
              summary="<script>alert(1)</script>", body_html="<p onclick=x>Body only</p>"),
        story(id="f2", guid="f2", source="s", title="\x00\x01", url="javascript:alert(1)",
              authors=("<b onmouseover=x></b>",),
              images=(Image("https://img.example.org/a b.jpg", None, None, "bogus"),)),
    ]
    data = atom.render(SWISS, articles)
    root = assert_valid(relaxng, data)
    assert b"<script" not in data.lower() and b"javascript:" not in data.lower()
    assert not re.search(rb"\bon[a-z]+\s*=", data.lower())
    first, second = root.iter(f"{A}entry")
    assert first.findtext(f"{A}title") == "Body only"
    assert first.findtext(f"{A}id") == mint_id(SWISS.base_url, "s s", "g f1")
    assert first.findtext(f"{A}id").startswith("tag:feeds.example.org,2026:s%20s/")
    assert first.get("{http://www.w3.org/XML/1998/namespace}lang") is None
    assert first.findtext(f"{A}published") == "1970-01-01T00:00:00Z"
    assert second.findtext(f"{A}title") == "s"  # nothing to take a title from: the source id
    assert [n.text for n in second.iter(f"{A}name")] == ["s"]
    assert second.find(f"{A}link").get("href") == "https://feeds.example.org/articles/f2"
    media = second.find(f"{MEDIA}content")
    assert media.get("url") == "https://img.example.org/a%20b.jpg"
    assert media.get("type") == "image/jpeg"  # "bogus" is not a media type: the extension is used


def test_translations_are_hreflang_alternates(relaxng):
    articles = sample_articles()
    data = atom.render(SWISS, articles, link_translations(articles))
    root = assert_valid(relaxng, data)
    german = next(root.iter(f"{A}entry"))
    hreflangs = [(l.get("hreflang"), l.get("href")) for l in german.findall(f"{A}link")
                 if l.get("hreflang")]
    assert hreflangs == [("fr", "https://news.example.fr/123"), ("de", "https://news.example.de/123")]
    # feedparser keeps the last alternate link, most readers the first: both are the item's own.
    assert german.find(f"{A}link").get("href") == "https://news.example.de/123"
    assert [e.link for e in parse(data).entries] == [a.url for a in articles]


def test_same_inputs_give_identical_bytes():
    articles = sample_articles()
    assert atom.render(SWISS, articles, link_translations(articles)) == atom.render(
        SWISS, list(reversed(articles))[::-1], link_translations(reversed(articles)))


# --- link_translations -------------------------------------------------------------------------

def test_guid_language_suffix_links_versions():
    linked = link_translations([
        story(id="de", guid="EP-2024-77-de", agency="Europa Press", language="de",
              url="https://ep.example/de/77"),
        story(id="es", guid="EP-2024-77_es", agency="europa press", language="es",
              url="https://ep.example/es/77"),
        story(id="en", guid="EP-2024-77", agency="Europa Press", language="en", url=None),
        story(id="other", guid="EP-2024-78-es", language="es", url="https://ep.example/es/78"),
    ])
    assert linked["de"] == (("es", "https://ep.example/es/77"),)
    assert linked["es"] == (("de", "https://ep.example/de/77"),)
    # No URL: it is not listed as a version, but it learns about the others.
    assert linked["en"] == (("de", "https://ep.example/de/77"), ("es", "https://ep.example/es/77"))
    assert "other" not in linked


def test_agency_item_key_and_agencies_that_differ():
    linked = link_translations([
        story(id="1", guid="u1", language="de", agency="dpa", url="https://a.example/1",
              extra=(("agency_item", "urn:newsml:dpa.com:2024:1"),)),
        story(id="2", guid="u2", language="en", agency="dpa", url="https://a.example/2",
              extra=(("agency_item", "urn:newsml:dpa.com:2024:1"),)),
        story(id="3", guid="100-fr", language="fr", agency="AFP", url="https://a.example/3"),
        story(id="4", guid="100-it", language="it", agency="ANSA", url="https://a.example/4"),
    ])
    assert linked == {"1": (("en", "https://a.example/2"),), "2": (("de", "https://a.example/1"),)}


def test_same_pictures_within_ten_minutes_link_versions():
    photo = (Image("https://img.example/p.jpg"),)
    logo = (Image("https://img.example/logo.png"),)
    linked = link_translations([
        story(id="de", guid="a", language="de", images=photo, published=T0,
              url="https://x.example/de"),
        story(id="fr", guid="b", language="fr", images=photo, published=T0 + timedelta(minutes=9),
              url="https://x.example/fr"),
        story(id="it", guid="c", language="it", images=photo, published=T0 + timedelta(minutes=30),
              url="https://x.example/it"),
        # A logo on two German items is no story's own picture.
        story(id="l1", guid="d", language="de", images=logo, published=T0, url="https://x.example/1"),
        story(id="l2", guid="e", language="de", images=logo, published=T0, url="https://x.example/2"),
        story(id="l3", guid="f", language="en", images=logo, published=T0, url="https://x.example/3"),
    ])
    assert linked == {"de": (("fr", "https://x.example/fr"),), "fr": (("de", "https://x.example/de"),)}


def test_one_version_per_language_the_newest_whatever_the_order():
    records = [
        story(id="en", guid="S-9-en", language="en", url="https://x.example/en"),
        story(id="de-old", guid="S-9-de", source="a", language="de", updated=T0,
              url="https://x.example/de-old"),
        story(id="de-new", guid="S-9-de", source="b", language="de",
              updated=T0 + timedelta(hours=1), url="https://x.example/de-new"),
    ]
    linked = link_translations(records)
    assert linked["en"] == (("de", "https://x.example/de-new"),)
    assert linked["de-old"] == linked["de-new"] == (("en", "https://x.example/en"),)
    assert link_translations(reversed(records)) == linked


@pytest.mark.parametrize("guid,language,stem", [
    ("dpa-123-de", "de", "dpa-123"),
    ("dpa:123:DE", "de", "dpa:123"),
    ("item-5-pt-BR", "pt", "item-5"),
    ("https://agency.example/en/story/5", "en", "https://agency.example/*/story/5"),
    ("https://agency.example/story?id=5&lang=fr", "fr", "https://agency.example/story?id=5"),
    ("dpa-123-de", "fr", "dpa-123-de"),
    ("code", None, "code"),
])
def test_guid_stem(guid, language, stem):
    assert guid_stem(guid, language) == stem
