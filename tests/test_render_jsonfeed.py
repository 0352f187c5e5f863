"""JSON Feed 1.1 rendering: required fields per the spec, values equal the records, safety."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from normalize.model import Article, Credit, Dateline, Image
from syndicate import jsonfeed
from syndicate.channel import Channel
from syndicate.ids import mint_id
from syndicate.translations import link_translations

UTC = timezone.utc
T0 = datetime(2024, 10, 24, 10, 0, 30, 123456, tzinfo=UTC)

SPAIN = Channel(
    edition="es-es", edition_name="España", languages=("es",), title="wirefeed — España",
    description="Teletipos", base_url="https://feeds.example.org", path="es-es",
    hub="https://hub.example.org/",
)
SWISS = Channel(
    edition="ch", edition_name="Switzerland", languages=("de", "fr", "it"),
    title="wirefeed — Switzerland", description="", base_url="https://feeds.example.org",
    path="ch/sport", section="sport",
)


def sample_articles() -> list[Article]:
    credit = Credit("Eduardo Parra/Europa Press", "Eduardo Parra", None, "Europa Press")
    return [
        Article(
            id="a1", guid="EP-20241024-1-es", source="europapress-es", agency="Europa Press",
            title="El Gobierno aprueba los presupuestos", url="https://news.example.es/1",
            summary="El Consejo de Ministros aprobó el proyecto.",
            body_html="<p>MADRID, 24 Oct. (EUROPA PRESS) - El Consejo aprobó...</p>",
            authors=("Lucía Pérez",), sections=("Política", "Economía"), language="es",
            published=T0, updated=T0 + timedelta(hours=1), version=3,
            dateline=Dateline("MADRID, 24 Oct. (EUROPA PRESS) -", "MADRID", "24 Oct.",
                              "EUROPA PRESS"),
            images=(
                Image("https://img.example.es/gob-1600.jpg", "El presidente, en el Congreso.",
                      credit, "image/jpeg", 1600, 900),
                Image("https://img.example.es/gob-400.jpg", "El presidente, en el Congreso.",
                      credit, "image/jpeg", 400, 225),
            ),
        ),
        Article(
            id="b2", guid="EP-20241024-1-ca", source="europapress-ca", agency="Europa Press",
            title="El Govern aprova els pressupostos", url="https://news.example.cat/1",
            language="ca", published=T0,
        ),
        Article(id="c3", guid="c3", source="inbox", title="", published=None),
    ]


def render(channel=SPAIN, articles=None, translations=None) -> dict:
    articles = sample_articles() if articles is None else articles
    data = jsonfeed.render(channel, articles, translations or {})
    return json.loads(data.decode("utf-8"))


def test_required_fields_per_json_feed_1_1():
    feed = render()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["home_page_url"] == "https://feeds.example.org/es-es/"
    assert feed["feed_url"] == "https://feeds.example.org/es-es/feed.json"
    assert feed["language"] == "es"
    assert feed["hubs"] == [{"type": "WebSub", "url": "https://hub.example.org/"}]
    assert isinstance(feed["items"], list) and len(feed["items"]) == 3
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert isinstance(item.get("content_html") or item.get("content_text"), str)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item["date_published"])
        assert all(isinstance(a["name"], str) and a["name"] for a in item["authors"])


def test_items_equal_the_records():
    records = sample_articles()
    items = render(articles=records, translations=link_translations(records))["items"]
    first = items[0]
    # The agency guid is no URI: the id is the one minted for the RSS guid and Atom id too.
    assert first["id"] == mint_id(SPAIN.base_url, records[0].source, "EP-20241024-1-es")
    assert first["url"] == "https://news.example.es/1"
    assert first["title"] == "El Gobierno aprueba los presupuestos"
    assert first["summary"] == "El Consejo de Ministros aprobó el proyecto."
    assert first["date_published"] == "2024-10-24T10:00:30Z"
    assert first["date_modified"] == "2024-10-24T11:00:30Z"
    assert first["authors"] == [{"name": "Lucía Pérez"}]
    assert first["tags"] == ["Política", "Economía"]
    assert first["language"] == "es"
    assert first["image"] == "https://img.example.es/gob-1600.jpg"
    assert "attachments" not in first
    assert first["content_html"].startswith("<p>MADRID, 24 Oct. (EUROPA PRESS) - El Consejo")
    assert ('<figure><img src="https://img.example.es/gob-1600.jpg" alt="El presidente, en el '
            'Congreso."><figcaption>El presidente, en el Congreso. — Eduardo Parra/Europa Press'
            '</figcaption></figure>') in first["content_html"]
    extension = first["_wirefeed"]
    assert [(i["url"], i["caption"], i["credit"], i["photographer"], i["width"]) for i in
            extension["images"]] == [
        ("https://img.example.es/gob-1600.jpg", "El presidente, en el Congreso.",
         "Eduardo Parra/Europa Press", "Eduardo Parra", 1600),
        ("https://img.example.es/gob-400.jpg", "El presidente, en el Congreso.",
         "Eduardo Parra/Europa Press", "Eduardo Parra", 400),
    ]
    assert extension["agency"] == "Europa Press"
    assert extension["dateline"]["place"] == "MADRID"
    assert extension["version"] == 3
    assert extension["translations"] == [{"language": "ca", "url": "https://news.example.cat/1"}]
    assert items[1]["authors"] == [{"name": "Europa Press"}]
    assert items[1]["_wirefeed"]["translations"] == [
        {"language": "es", "url": "https://news.example.es/1"}]


def test_fallbacks():
    bare = render()["items"][2]
    assert bare["url"] == "https://feeds.example.org/articles/c3"
    assert bare["title"] == "inbox"
    assert bare["authors"] == [{"name": "inbox"}]
    assert bare["date_published"] == bare["date_modified"] == "1970-01-01T00:00:00Z"
    assert bare["content_text"] == "inbox"
    assert "language" not in bare and "tags" not in bare and "image" not in bare


def test_multilingual_section_feed():
    feed = render(SWISS)
    assert "language" not in feed and "hubs" not in feed and "description" not in feed
    assert feed["feed_url"] == "https://feeds.example.org/ch/sport/feed.json"
    assert feed["_wirefeed"] == {"edition": "ch", "section": "sport",
                                 "updated": "2024-10-24T11:00:30Z"}


def test_empty_feed_is_valid():
    feed = render(articles=[])
    assert feed["items"] == []
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["_wirefeed"]["updated"] == "1970-01-01T00:00:00Z"


def test_hostile_strings_do_not_survive():
    hostile = Article(
        id="h", guid="h", source="s", title="<script>alert(1)</script>Titular",
        url="javascript:alert(1)", summary="&lt;script&gt;alert(2)&lt;/script&gt;",
        body_html='<p onmouseover="x()">Cuerpo</p><script>alert(3)</script>'
                  '<a href="javascript:alert(4)">enlace</a>',
        images=(Image("javascript:alert(5)"), Image("https://img.example.org/ok.jpg", "\x00Pie")),
    )
    data = jsonfeed.render(SPAIN, [hostile])
    lowered = data.lower()
    assert b"<script" not in lowered and b"javascript:" not in lowered
    assert not re.search(rb"\bon[a-z]+\s*=", lowered)
    assert b"\\u0000" not in data
    item = json.loads(data)["items"][0]
    assert item["title"] == "Titular"
    # A summary that decodes to markup is plain text with the markup removed: readers that
    # take JSON Feed's summary for HTML must not find a tag in it.
    assert "<" not in item.get("summary", "")
    assert item["url"] == "https://feeds.example.org/articles/h"
    assert "<script" not in item["content_html"] and "onmouseover" not in item["content_html"]
    assert [i["url"] for i in item["_wirefeed"]["images"]] == ["https://img.example.org/ok.jpg"]
    assert item["_wirefeed"]["images"][0]["caption"] == "Pie"


def test_same_inputs_give_identical_bytes():
    records = sample_articles()
    assert jsonfeed.render(SPAIN, records, link_translations(records)) == jsonfeed.render(
        SPAIN, sample_articles(), link_translations(sample_articles()))
