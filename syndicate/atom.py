"""Atom 1.0 (RFC 4287) writer, with Media RSS for pictures.

Feed: ``id`` is the feed's own URL (``atom.xml``); ``updated`` when its content last changed
(``Channel.updated``, from the publish state; else the newest entry's, 1970 for an empty feed); an ``author`` (the channel title) so the feed stays valid with no entries; links
``self``, ``alternate`` to the HTML index (text/html) and to the RSS and JSON Feed versions,
``hub`` when configured; ``xml:lang`` when the edition has one language.

Entry: ``id`` (see :func:`syndicate.channel.item_id`), plain ``title``, ``published`` and
``updated``, one ``author`` per byline, ``category`` per section, plain ``summary``,
``content type="html"`` (body with figures), ``rights``, and ``source`` (id, title = agency,
updated) when the agency is known. The first link is the item's own ``alternate`` (text/html);
translations follow as ``alternate`` with ``hreflang``, then the item's own link again with its
``hreflang``, since feedparser keeps the *last* alternate link while others keep the first.
An entry's ``xml:lang`` is its record's language, whatever the feed's; like an RSS item, an
entry is laid out on its own (:func:`render_item`) and shared by the channels of one publish.
"""

from __future__ import annotations

from datetime import datetime
from typing import Mapping, Sequence
from urllib.parse import quote

from lxml import etree

from normalize.model import Article
from syndicate.site import stylesheet_href
from syndicate.channel import (
    FEED_TYPES, Channel, Entry, ItemCache, image_type, rendered_items, rfc3339,
)
from syndicate.xmlwriter import (
    with_stylesheet,
    ATOM, MEDIA, XML_LANG, add, add_media, element_bytes, insert_elements, serialize,
)

_A = f"{{{ATOM}}}"
_NSMAP = {None: ATOM, "media": MEDIA}


def render(
    channel: Channel,
    articles: Sequence[Article],
    translations: Mapping[str, Sequence[tuple[str, str]]] = {},
    items: ItemCache | None = None,
) -> bytes:
    """Return the Atom 1.0 document of ``channel`` with ``articles`` in the given order.

    ``translations``: article id -> ``(hreflang, href)`` of its other-language versions.
    ``items``: the ``<entry>`` elements of one publish's Atom documents, so a record shown in
    many channels is laid out once. The output validates against RFC 4287's RELAX NG schema;
    the same inputs give the same bytes. Never raises on odd record values.
    """
    newest, elements = rendered_items(channel, articles, translations, render_item, items)
    document = insert_elements(serialize(_head(channel, newest)), b"</feed>", 1, elements)
    return with_stylesheet(document, stylesheet_href(channel.path, "atom"))


def render_item(entry: Entry) -> bytes:
    """Return the ``<entry>`` of ``entry`` as it stands in any channel's document."""
    root = etree.Element(f"{_A}feed", nsmap=_NSMAP)
    _add_entry(root, entry)
    return element_bytes(root, b"entry")


def _head(channel: Channel, newest: datetime) -> etree._Element:
    """The document root without entries (they go last in it)."""
    root = etree.Element(f"{_A}feed", nsmap=_NSMAP)
    if channel.language:
        root.set(XML_LANG, channel.language)
    add(root, f"{_A}id", channel.url_for("atom"))
    add(root, f"{_A}title", channel.title, {"type": "text"})
    if channel.description:
        add(root, f"{_A}subtitle", channel.description, {"type": "text"})
    add(root, f"{_A}updated", rfc3339(newest))
    author = add(root, f"{_A}author")
    add(author, f"{_A}name", channel.title)
    add(author, f"{_A}uri", channel.root + "/")
    add(root, f"{_A}generator", channel.generator)
    add(root, f"{_A}link",
        attrs={"rel": "self", "type": FEED_TYPES["atom"], "href": channel.url_for("atom")})
    add(root, f"{_A}link",
        attrs={"rel": "alternate", "type": "text/html", "href": channel.html_url})
    for fmt in ("rss", "json"):
        add(root, f"{_A}link",
            attrs={"rel": "alternate", "type": FEED_TYPES[fmt], "href": channel.url_for(fmt)})
    if channel.hub_url:
        add(root, f"{_A}link", attrs={"rel": "hub", "href": channel.hub_url})
    return root


def _add_entry(feed: etree._Element, entry: Entry) -> None:
    node = add(feed, f"{_A}entry")
    if entry.language:
        node.set(XML_LANG, entry.language)
    add(node, f"{_A}id", entry.guid)
    add(node, f"{_A}title", entry.title, {"type": "text"})
    add(node, f"{_A}link", attrs={"rel": "alternate", "type": "text/html", "href": entry.link})
    if entry.translations:
        for hreflang, href in entry.translations:
            add(node, f"{_A}link", attrs={"rel": "alternate", "hreflang": hreflang, "href": href})
        add(node, f"{_A}link",
            attrs={"rel": "alternate", "hreflang": entry.language, "href": entry.link})
    if entry.pictures:
        main = entry.pictures[0].main
        add(node, f"{_A}link",
            attrs={"rel": "enclosure", "type": image_type(main), "href": main.url})
    add(node, f"{_A}published", rfc3339(entry.published))
    add(node, f"{_A}updated", rfc3339(entry.updated))
    for name in entry.authors:
        author = add(node, f"{_A}author")
        add(author, f"{_A}name", name)
    for category in entry.categories:
        add(node, f"{_A}category", attrs={"term": category})
    if entry.summary:
        add(node, f"{_A}summary", entry.summary, {"type": "text"})
    if entry.content_html:
        add(node, f"{_A}content", entry.content_html, {"type": "html"})
    if entry.rights:
        add(node, f"{_A}rights", entry.rights, {"type": "text"})
    if entry.agency:
        source = add(node, f"{_A}source")
        add(source, f"{_A}id", f"urn:wirefeed:source:{quote(entry.source, safe='') or 'unknown'}")
        add(source, f"{_A}title", entry.agency, {"type": "text"})
        add(source, f"{_A}updated", rfc3339(entry.updated))
    for picture in entry.pictures:
        add_media(node, picture)
