"""RSS 2.0 rendering: round trip through feedparser, Media RSS, fallbacks, hostile input."""

from __future__ import annotations

import calendar
import io
import re
from datetime import datetime, timedelta, timezone

import feedparser
import pytest
from lxml import etree

from normalize.model import Article, Credit, Dateline, Image
from syndicate import rss
from syndicate.channel import Channel
from syndicate.ids import is_valid_uri, mint_id
from syndicate.translations import link_translations

UTC = timezone.utc
T0 = datetime(2024, 10, 24, 10, 0, tzinfo=UTC)

CHANNEL = Channel(
    edition="ch", edition_name="Switzerland", languages=("de", "fr", "it"),
    title="wirefeed — Switzerland", description="Agenturmeldungen",
    base_url="https://feeds.example.org", path="ch", ttl=15, hub="https://hub.example.org/",
)
FRANCE = Channel(
    edition="fr-fr", edition_name="France", languages=("fr",), title="wirefeed — France",
    description="Dépêches", base_url="https://feeds.example.org", path="fr-fr/politique",
    section="politique",
)

KREMLIN = Credit("Mikhail Metzel/Kremlin/dpa", "Mikhail Metzel", "Kremlin", "dpa")


def sample_articles() -> list[Article]:
    """Three languages, renditions of one picture, a second picture, several authors."""
    return [
        Article(
            id="a1", guid="dpa-20241024-123-de", source="dpa-de", agency="dpa",
            title="Putin empfängt Gäste in Kasan", url="https://news.example.de/politik/123",
            summary="Der Gipfel beginnt am Dienstag.",
            body_html="<p>KASAN (dpa) - Der Gipfel beginnt.</p><p>Zweiter Absatz.</p>",
            authors=("Anna Schmidt", "Jörg Weber"), sections=("Politik", "Ausland"),
            language="de", published=T0, updated=T0 + timedelta(minutes=30),
            dateline=Dateline("KASAN (dpa) -", "KASAN", agency="dpa"),
            images=(
                Image("https://img.example.de/putin-1200.jpg", "Wladimir Putin in Kasan.",
                      KREMLIN, "image/jpeg", 1200, 800),
                Image("https://img.example.de/putin-300.jpg", "Wladimir Putin in Kasan.",
                      KREMLIN, "image/jpeg", 300, 200),
                Image("https://img.example.de/map.png", "Karte der Region.",
                      Credit("dpa-infografik"), None, 640, 480),
            ),
            rights="© dpa",
        ),
        Article(
            id="b2", guid="dpa-20241024-123-fr", source="dpa-fr", agency="dpa",
            title="Poutine reçoit à Kazan", url="https://news.example.fr/monde/123",
            summary="Le sommet commence mardi.", body_html="<p>Le sommet commence.</p>",
            authors=("Claire Martin",), sections=("Monde",), language="fr",
            published=T0 - timedelta(minutes=5),
            images=(Image("https://img.example.de/putin-1200.jpg", "Vladimir Poutine à Kazan.",
                          Credit("AFP"), "image/jpeg", 1200, 800),),
        ),
        Article(
            id="c3", guid="ansa-555", source="ansa", agency="ANSA",
            title="Vertice a Kazan", url="https://news.example.it/555",
            body_text="Il vertice comincia martedì.\nSecondo paragrafo.",
            language="it", published=T0 - timedelta(hours=1),
        ),
    ]


def parse(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(io.BytesIO(data))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def as_datetime(struct) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(struct), UTC)


def test_round_trip_through_feedparser_keeps_every_field():
    articles = sample_articles()
    parsed = parse(rss.render(CHANNEL, articles))
    assert parsed.version == "rss20"
    # Agency guids that are not URIs are shown as minted tag: ids (the record keeps the guid).
    assert [e.id for e in parsed.entries] == [
        a.guid if is_valid_uri(a.guid) else mint_id(CHANNEL.base_url, a.source, a.guid)
        for a in articles]
    for entry, article in zip(parsed.entries, articles):
        assert entry.title == article.title
        assert entry.link == article.url
        assert entry.guidislink is False
        assert as_datetime(entry.published_parsed) == article.published
        assert as_datetime(entry.updated_parsed) == (article.updated or article.published)
        assert [a["name"] for a in entry.authors] == list(article.authors or (article.agency,))
        assert [t.term for t in entry.get("tags", [])] == list(article.sections)
        assert entry.language == article.language
    first = parsed.entries[0]
    assert first.summary == "Der Gipfel beginnt am Dienstag."
    body = first.content[-1].value
    assert "<p>KASAN (dpa) - Der Gipfel beginnt.</p>" in body
    # The plain body of the third item becomes paragraphs.
    assert "<p>Il vertice comincia martedì.</p><p>Secondo paragrafo.</p>" in (
        parsed.entries[2].content[-1].value)


def test_media_rss_carries_every_picture_with_caption_and_credit():
    parsed = parse(rss.render(CHANNEL, sample_articles()))
    first = parsed.entries[0]
    assert [(m["url"], m["width"], m["height"], m["medium"]) for m in first.media_content] == [
        ("https://img.example.de/putin-1200.jpg", "1200", "800", "image"),
        ("https://img.example.de/putin-300.jpg", "300", "200", "image"),
        ("https://img.example.de/map.png", "640", "480", "image"),
    ]
    assert first.media_content[0]["type"] == "image/jpeg"
    assert first.media_content[2]["type"] == "image/png"  # from the extension
    assert first.media_credit == [
        {"role": "photographer", "scheme": "urn:ebu", "content": "Mikhail Metzel"},
        {"scheme": "urn:ebu", "content": "Mikhail Metzel/Kremlin/dpa"},
        {"scheme": "urn:ebu", "content": "dpa-infografik"},
    ]
    assert [t["url"] for t in first.media_thumbnail] == [
        "https://img.example.de/putin-300.jpg", "https://img.example.de/map.png"]
    # Renditions of one picture are one media:group; the other picture is its own media:content.
    root = etree.fromstring(rss.render(CHANNEL, sample_articles()))
    media = "{http://search.yahoo.com/mrss/}"
    item = root.find("channel/item")
    groups = item.findall(f"{media}group")
    assert len(groups) == 1 and len(groups[0].findall(f"{media}content")) == 2
    assert groups[0].findtext(f"{media}description") == "Wladimir Putin in Kasan."
    assert [c.findtext(f"{media}description") for c in item.findall(f"{media}content")] == [
        "Karte der Region."]
    # Readers that ignore media credits still see them in the body.
    body = first.content[-1].value
    assert "Wladimir Putin in Kasan. — Mikhail Metzel/Kremlin/dpa</figcaption>" in body
    assert 'alt="Wladimir Putin in Kasan."' in body
    assert "Karte der Region. — dpa-infografik" in body


def test_one_enclosure_only_the_first_picture():
    parsed = parse(rss.render(CHANNEL, sample_articles()))
    assert parsed.entries[0].enclosures == [
        {"href": "https://img.example.de/putin-1200.jpg", "type": "image/jpeg", "length": "0"}]
    assert parsed.entries[2].enclosures == []


def test_channel_metadata_comes_from_the_channel_and_the_newest_item():
    parsed = parse(rss.render(CHANNEL, sample_articles()))
    feed = parsed.feed
    assert feed.title == "wirefeed — Switzerland"
    assert feed.link == "https://feeds.example.org/ch/"
    assert "language" not in feed  # three languages: none claimed
    assert feed.ttl == "15"
    assert as_datetime(feed.updated_parsed) == T0 + timedelta(minutes=30)
    links = {(link.rel, link.get("type")): link.href for link in feed.links}
    assert links[("self", "application/rss+xml")] == "https://feeds.example.org/ch/rss.xml"
    assert links[("alternate", "application/atom+xml")] == "https://feeds.example.org/ch/atom.xml"
    assert links[("alternate", "application/feed+json")] == "https://feeds.example.org/ch/feed.json"
    assert links[("hub", "text/html")] == "https://hub.example.org/"
    one_language = parse(rss.render(FRANCE, sample_articles()[1:2])).feed
    assert one_language.language == "fr"
    assert one_language.links[1].href == "https://feeds.example.org/fr-fr/politique/rss.xml"


def test_dates_are_rfc822_gmt():
    data = rss.render(CHANNEL, sample_articles()).decode()
    dates = re.findall(r"<(?:pubDate|lastBuildDate)>([^<]*)<", data)
    assert dates and all(
        re.fullmatch(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", d) for d in dates)
    assert "<lastBuildDate>Thu, 24 Oct 2024 10:30:00 GMT</lastBuildDate>" in data


def test_empty_feed_is_valid_and_dated_1970():
    data = rss.render(CHANNEL, [])
    parsed = parse(data)
    assert parsed.entries == []
    assert parsed.feed.title == "wirefeed — Switzerland"
    assert as_datetime(parsed.feed.updated_parsed) == datetime(1970, 1, 1, tzinfo=UTC)
    etree.fromstring(data)


def test_fallbacks_never_drop_an_item():
    bare = Article(
        id="d4", guid="4711", source="inbox-efe", title="",
        summary="Un terremoto de magnitud 5,2 sacude la costa de Chile sin causar daños "
                "materiales ni víctimas según las autoridades locales",
    )
    agency_only = Article(id="e5", guid="e5", source="efe", agency="EFE", title="Sin autor",
                          url="notaurl", updated=T0)
    parsed = parse(rss.render(CHANNEL, [bare, agency_only]))
    first, second = parsed.entries
    assert first.title.endswith("…") and first.title.startswith("Un terremoto de magnitud 5,2")
    assert len(first.title) <= 81
    assert first.link == "https://feeds.example.org/articles/d4"
    assert as_datetime(first.published_parsed) == datetime(1970, 1, 1, tzinfo=UTC)
    assert [a["name"] for a in first.authors] == ["inbox-efe"]
    assert second.link == "https://feeds.example.org/articles/e5"
    assert [a["name"] for a in second.authors] == ["EFE"]
    assert as_datetime(second.published_parsed) == T0


def test_urls_are_percent_encoded_and_forbidden_characters_removed():
    article = Article(
        id="f6", guid="f\x006", source="s", title="Null\x00 and \x0bvertical tab",
        url="https://news.example.org/a path/é?q=a b&x=%C3%A9",
        body_html="<p>bell\x07 here</p>",
        images=(Image("https://img.example.org/photo 1.jpg", "Caption\x01"),),
    )
    data = rss.render(CHANNEL, [article])
    parsed = parse(data)
    entry = parsed.entries[0]
    assert entry.title == "Null and vertical tab"
    assert entry.id == mint_id(CHANNEL.base_url, "s", "f6")  # forbidden characters removed
    assert entry.link == "https://news.example.org/a%20path/%C3%A9?q=a%20b&x=%C3%A9"
    assert entry.media_content[0]["url"] == "https://img.example.org/photo%201.jpg"
    assert entry.content[-1].value.startswith("<p>bell here</p>")
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", data)


HOSTILE = Article(
    id="h1", guid="h1", source="s", agency="<b onmouseover=alert(1)>dpa</b>",
    title="<script>alert(1)</script>Budget <i>vote</i>",
    url="javascript:alert(1)",
    summary='<img src=x onerror="alert(1)">Résumé',
    body_html='<p onclick="alert(1)">Text <a href="javascript:alert(2)">link</a></p>'
              '<script>alert(3)</script><iframe src="https://evil.example"></iframe>',
    authors=("<script>alert(4)</script>Ana",),
    sections=("<b onload=x>World</b>",),
    images=(
        Image("javascript:alert(5)", "bad"),
        Image("https://img.example.org/ok.jpg", '"><script>alert(6)</script>',
              Credit("<img src=x onerror=alert(7)>AFP")),
    ),
)


def assert_inert(data: bytes) -> None:
    lowered = data.lower()
    assert b"<script" not in lowered
    assert b"javascript:" not in lowered
    assert not re.search(rb"\bon[a-z]+\s*=", lowered)


def test_hostile_strings_do_not_survive():
    data = rss.render(CHANNEL, [HOSTILE])
    assert_inert(data)
    entry = parse(data).entries[0]
    assert entry.title == "Budget vote"
    assert entry.link == "https://feeds.example.org/articles/h1"
    assert [a["name"] for a in entry.authors] == ["Ana"]
    assert [t.term for t in entry.tags] == ["World"]
    assert [m["url"] for m in entry.media_content] == ["https://img.example.org/ok.jpg"]
    assert entry.media_credit == [{"scheme": "urn:ebu", "content": "AFP"}]


def test_same_inputs_give_identical_bytes():
    first = rss.render(CHANNEL, sample_articles(), link_translations(sample_articles()))
    second = rss.render(CHANNEL, sample_articles(), link_translations(sample_articles()))
    assert first == second


def test_translations_are_hreflang_links_and_the_item_link_stays_its_own():
    articles = sample_articles()
    translations = link_translations(articles)
    parsed = parse(rss.render(CHANNEL, articles, translations))
    german = parsed.entries[0]
    assert german.link == "https://news.example.de/politik/123"
    hreflangs = {link.get("hreflang"): link.href for link in german.links if link.get("hreflang")}
    assert hreflangs == {"fr": "https://news.example.fr/monde/123",
                         "de": "https://news.example.de/politik/123"}
    assert parsed.entries[2].link == "https://news.example.it/555"


@pytest.mark.parametrize("fmt,file", [("rss", "rss.xml"), ("atom", "atom.xml"), ("json", "feed.json")])
def test_channel_urls(fmt, file):
    assert FRANCE.url_for(fmt) == f"https://feeds.example.org/fr-fr/politique/{file}"
    assert FRANCE.html_url == "https://feeds.example.org/fr-fr/politique/"
