"""Item bodies as readers get them: relative links made absolute against the article's own URL
(a reader resolves them against the feed's address, or not at all), and an RSS description
beside every content:encoded (the body's first words when the record has no summary)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import feedparser
import pytest

from normalize.model import Article
from syndicate import atom, jsonfeed, rss
from syndicate.channel import Channel, absolute_links

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
CHANNEL = Channel(edition="en-gb", edition_name="United Kingdom", languages=("en",),
                  title="wirefeed — United Kingdom", description="Wires",
                  base_url="https://feeds.example.org", path="en-gb")
ARTICLE_URL = "https://news.example.co.uk/politics/2026/vote.html"


@pytest.mark.parametrize("body, expected", [
    ('<a href="/politics/">more</a>', '<a href="https://news.example.co.uk/politics/">more</a>'),
    ('<img src="img/chart.png" alt="">',
     '<img src="https://news.example.co.uk/politics/2026/img/chart.png" alt="">'),
    ('<a href="//cdn.example.net/a b.pdf">pdf</a>',
     '<a href="https://cdn.example.net/a%20b.pdf">pdf</a>'),
    ('<a href="?page=2&amp;s=1">next</a>',
     '<a href="https://news.example.co.uk/politics/2026/vote.html?page=2&amp;s=1">next</a>'),
    ('<a href="#notes">notes</a>',
     '<a href="https://news.example.co.uk/politics/2026/vote.html#notes">notes</a>'),
])
def test_relative_links_resolve_against_the_article(body: str, expected: str) -> None:
    assert absolute_links(body, ARTICLE_URL) == expected


@pytest.mark.parametrize("body", [
    '<a href="https://other.example/x">x</a>',
    '<a href="mailto:desk@news.example">desk</a>',
    '<p>Write href="/not-a-link" in text</p>',  # text, not an attribute
    '<a href="">empty</a>',
])
def test_absolute_links_text_and_other_schemes_are_left_alone(body: str) -> None:
    assert absolute_links(body, ARTICLE_URL) == body


def test_without_the_articles_url_nothing_is_resolved() -> None:
    body = '<a href="/politics/">more</a>'
    assert absolute_links(body, None) == body


def record(**fields) -> Article:
    base = dict(id="r1", guid="urn:wire:r1", source="wire", title="Vote tonight",
                url=ARTICLE_URL, language="en", published=T0, updated=T0,
                body_html='<p>MPs vote <a href="/politics/">tonight</a> on the bill.</p>'
                          '<p><img src="/img/chamber.jpg" alt="The chamber"></p>',
                body_text="MPs vote tonight on the bill.")
    base.update(fields)
    return Article(**base)


def test_every_format_carries_absolute_links() -> None:
    article = record()
    rss_entry = feedparser.parse(rss.render(CHANNEL, [article])).entries[0]
    atom_entry = feedparser.parse(atom.render(CHANNEL, [article])).entries[0]
    json_item = json.loads(jsonfeed.render(CHANNEL, [article]))["items"][0]
    for html in (rss_entry.content[0].value, atom_entry.content[0].value, json_item["content_html"]):
        assert 'href="https://news.example.co.uk/politics/"' in html
        assert 'src="https://news.example.co.uk/img/chamber.jpg"' in html
        assert 'href="/' not in html and 'src="/' not in html


def test_a_record_without_a_url_keeps_its_relative_links_off_our_host() -> None:
    article = record(url=None)
    item = rss.render(CHANNEL, [article]).decode()
    assert "feeds.example.org/politics" not in item and "feeds.example.org/img" not in item


def test_rss_description_is_the_summary_else_the_bodys_first_words() -> None:
    long_body = "Parliament meets tonight. " * 30
    with_summary = record(id="s1", guid="urn:wire:s1", summary="The vote, in brief.")
    without = record(id="s2", guid="urn:wire:s2", body_text=long_body.strip(),
                     body_html=f"<p>{long_body.strip()}</p>")
    hostile = record(id="s3", guid="urn:wire:s3", body_text="Escaped <script>alert(1)</script> text",
                     body_html="<p>Escaped &lt;script&gt;alert(1)&lt;/script&gt; text</p>")
    parsed = feedparser.parse(rss.render(CHANNEL, [with_summary, without, hostile]))
    by_id = {entry.id: entry for entry in parsed.entries}
    assert by_id["urn:wire:s1"].summary == "The vote, in brief."
    excerpt = by_id["urn:wire:s2"].summary
    assert excerpt.startswith("Parliament meets tonight. Parliament") and excerpt.endswith("…")
    assert len(excerpt) <= 281
    assert "<script" not in by_id["urn:wire:s3"].summary
    # The description comes before content:encoded, as validators ask.
    xml = rss.render(CHANNEL, [without]).decode()
    assert xml.index("<description>Parliament") < xml.index("<content:encoded>")


def test_a_record_without_a_body_has_no_description() -> None:
    xml = rss.render(CHANNEL, [record(body_html="", body_text="")]).decode()
    assert "<item>" in xml and xml.count("<description>") == 1  # the channel's own
