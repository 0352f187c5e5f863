"""Atom 1.0 (RFC 4287) writer, with Media RSS for pictures.

Feed: ``id`` is the feed's own URL (``atom.xml``); ``updated`` the newest entry's, 1970 for an
empty feed; an ``author`` (the channel title) so the feed stays valid with no entries; links
``self``, ``alternate`` to the HTML index (text/html) and to the RSS and JSON Feed versions,
``hub`` when configured; ``xml:lang`` when the edition has one language.

Entry: ``id`` (see :func:`syndicate.channel.atom_id`), plain ``title``, ``published`` and
``updated``, one ``author`` per byline, ``category`` per section, plain ``summary``,
``content type="html"`` (body with figures), ``rights``, and ``source`` (id, title = agency,
updated) when the agency is known. The first link is the item's own ``alternate`` (text/html);
translations follow as ``alternate`` with ``hreflang``, then the item's own link again with its
``hreflang``, since feedparser keeps the *last* alternate link while others keep the first.
"""

from __future__ import annotations

from typing import Mapping, Sequence
from urllib.parse import quote

from lxml import etree

from normalize.model import Article
from syndicate.channel import (
    FEED_TYPES, Channel, Entry, feed_updated, image_type, prepare_entries, rfc3339,
)
from syndicate.xmlwriter import ATOM, MEDIA, XML_LANG, add, add_media, serialize

_A = f"{{{ATOM}}}"


def render(
    channel: Channel,
    articles: Sequence[Article],
    translations: Mapping[str, Sequence[tuple[str, str]]] = {},
) -> bytes:
    """Return the Atom 1.0 document of ``channel`` with ``articles`` in the given order.

    ``translations``: article id -> ``(hreflang, href)`` of its other-language versions.
    The output validates against RFC 4287's RELAX NG schema; the same inputs give the same
    bytes. Never raises on odd record values.
    """
    entries = prepare_entries(channel, articles, translations)
    root = etree.Element(f"{_A}feed", nsmap={None: ATOM, "media": MEDIA})
    if channel.language:
        root.set(XML_LANG, channel.language)
    add(root, f"{_A}id", channel.url_for("atom"))
    add(root, f"{_A}title", channel.title, {"type": "text"})
    if channel.description:
        add(root, f"{_A}subtitle", channel.description, {"type": "text"})
    add(root, f"{_A}updated", rfc3339(feed_updated(entries)))
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
    for entry in entries:
        _add_entry(root, entry)
    return serialize(root)


def _add_entry(feed: etree._Element, entry: Entry) -> None:
    node = add(feed, f"{_A}entry")
    if entry.language:
        node.set(XML_LANG, entry.language)
    add(node, f"{_A}id", entry.atom_id)
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
