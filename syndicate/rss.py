"""RSS 2.0 writer, with Media RSS, Dublin Core, content:encoded and atom:link.

Item layout: ``title``, ``link``, ``description`` (plain summary, else the body's first words:
validators and list views want one beside ``content:encoded``), ``content:encoded`` (the body
with figures, escaped), ``guid isPermaLink="false"`` (the agency guid, or an id minted when it is not a valid URI), ``pubDate``,
``atom:updated``, one ``dc:creator`` per author (never ``author``, which must be an e-mail),
``dc:language``, ``category`` per section, one ``enclosure`` (the first picture: RSS allows one;
its length is unknown, so 0 as the RSS Advisory Board recommends), then Media RSS per picture.
Translations are ``atom:link rel="alternate" hreflang``; after them the item's own link is
repeated with its ``hreflang``, because feedparser takes the *last* alternate link as the
item's link while most readers take the ``link`` element or the first one.

An item depends on its record, its translations and the base URL, never on the rest of the
channel: it is laid out on its own (:func:`render_item`) and its bytes put into each document,
so the channels of one publish share it (:class:`syndicate.channel.ItemCache`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Mapping, Sequence

from lxml import etree

from normalize.model import Article
from syndicate.site import stylesheet_href
from syndicate.channel import (
    FEED_TYPES, Channel, Entry, ItemCache, image_type, rendered_items, rfc3339, rfc822,
)
from syndicate.xmlwriter import (
    with_stylesheet,
    ATOM, CONTENT, DC, MEDIA, add, add_media, element_bytes, insert_elements, serialize,
)

_NSMAP = {"atom": ATOM, "content": CONTENT, "dc": DC, "media": MEDIA}
_UNKNOWN_TYPE = "application/octet-stream"


def render(
    channel: Channel,
    articles: Sequence[Article],
    translations: Mapping[str, Sequence[tuple[str, str]]] = {},
    items: ItemCache | None = None,
) -> bytes:
    """Return the RSS 2.0 document of ``channel`` with ``articles`` in the given order.

    ``translations``: article id -> ``(hreflang, href)`` of its other-language versions.
    ``items``: the ``<item>`` elements of one publish's RSS documents, so a record shown in
    many channels is laid out once. The same inputs always give the same bytes. Never raises
    on odd record values.
    """
    newest, elements = rendered_items(channel, articles, translations, render_item, items)
    root, _ = _head(channel, newest)
    document = insert_elements(serialize(root), b"</channel>", 2, elements)
    return with_stylesheet(document, stylesheet_href(channel.path, "rss"))


def render_item(entry: Entry) -> bytes:
    """Return the ``<item>`` of ``entry`` as it stands in any channel's document."""
    root = etree.Element("rss", nsmap=_NSMAP)
    _add_item(add(root, "channel"), entry)
    return element_bytes(root, b"item")


def _head(channel: Channel, newest: datetime) -> tuple[etree._Element, etree._Element]:
    """The document root without items, and its ``channel`` element, where items go."""
    root = etree.Element("rss", nsmap=_NSMAP)
    root.set("version", "2.0")
    feed = add(root, "channel")
    add(feed, "title", channel.title)
    add(feed, "link", channel.html_url)
    add(feed, "description", channel.description or channel.title)
    if channel.language:
        add(feed, "language", channel.language)
    add(feed, "generator", channel.generator)
    if channel.ttl and channel.ttl > 0:
        add(feed, "ttl", str(channel.ttl))
    updated = rfc822(newest)
    add(feed, "pubDate", updated)
    add(feed, "lastBuildDate", updated)
    add(feed, f"{{{ATOM}}}link",
        attrs={"rel": "self", "type": FEED_TYPES["rss"], "href": channel.url_for("rss")})
    for fmt in ("atom", "json"):
        add(feed, f"{{{ATOM}}}link",
            attrs={"rel": "alternate", "type": FEED_TYPES[fmt], "href": channel.url_for(fmt)})
    if channel.hub_url:
        add(feed, f"{{{ATOM}}}link", attrs={"rel": "hub", "href": channel.hub_url})
    return root, feed


def _add_item(feed: etree._Element, entry: Entry) -> None:
    item = add(feed, "item")
    add(item, "title", entry.title)
    add(item, "link", entry.link)
    if entry.excerpt:
        add(item, "description", entry.excerpt)
    if entry.content_html:
        add(item, f"{{{CONTENT}}}encoded", entry.content_html)
    add(item, "guid", entry.guid, {"isPermaLink": "false"})
    add(item, "pubDate", rfc822(entry.published))
    add(item, f"{{{ATOM}}}updated", rfc3339(entry.updated))
    for author in entry.authors:
        add(item, f"{{{DC}}}creator", author)
    if entry.language:
        add(item, f"{{{DC}}}language", entry.language)
    for category in entry.categories:
        add(item, "category", category)
    if entry.pictures:
        main = entry.pictures[0].main
        add(item, "enclosure", attrs={
            "url": main.url, "length": "0", "type": image_type(main) or _UNKNOWN_TYPE,
        })
    for picture in entry.pictures:
        add_media(item, picture)
    if entry.translations:
        for hreflang, href in entry.translations:
            add(item, f"{{{ATOM}}}link",
                attrs={"rel": "alternate", "hreflang": hreflang, "href": href})
        add(item, f"{{{ATOM}}}link",
            attrs={"rel": "alternate", "hreflang": entry.language, "href": entry.link})
