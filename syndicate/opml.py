"""OPML 2.0 subscription list: one outline per edition and per section feed, at its RSS feed.

A reader that imports ``index.opml`` subscribes to each feed once: the Atom and JSON Feed
versions of a feed carry the same items, so listing them as well would give a reader three
subscriptions and every item three times. Each outline is ``type="rss"`` with ``text`` and
``title`` (the feed's title with the edition's languages: ``wirefeed — España (es)``),
``xmlUrl`` (the RSS feed), ``htmlUrl`` (the edition's or section's page on the site), ``language``
(when the edition has one) and ``category`` (``/edition[/section]``). Outlines follow the input
order, so the same inputs give the same bytes; no ``dateCreated``/``dateModified``: they would
come from the clock.
"""

from __future__ import annotations

from typing import Sequence

from lxml import etree

from syndicate.channel import FeedRef, language_tag, safe_url
from syndicate.xmlwriter import add, serialize


def outline_title(feed: FeedRef) -> str:
    """The outline's title: the feed's title and its edition's languages in brackets."""
    languages = ", ".join(feed.languages)
    return f"{feed.title} ({languages})" if languages else feed.title


def render(feeds: Sequence[FeedRef], title: str) -> bytes:
    """Return the OPML 2.0 document subscribing to the RSS version of each of ``feeds``.

    ``feeds`` may list every format of every feed: only the RSS ones are kept, each feed URL
    once (first occurrence); feeds whose URL is not an absolute http(s) URL are left out.
    """
    root = etree.Element("opml")
    root.set("version", "2.0")
    head = add(root, "head")
    add(head, "title", title)
    add(head, "docs", "http://opml.org/spec2.opml")
    body = add(root, "body")
    seen: set[str] = set()
    for feed in feeds:
        url = safe_url(feed.url)
        if feed.fmt != "rss" or url is None or url in seen:
            continue
        seen.add(url)
        name = outline_title(feed)
        languages = [tag for tag in map(language_tag, feed.languages) if tag]
        add(body, "outline", attrs={
            "type": "rss",
            "text": name,
            "title": name,
            "xmlUrl": url,
            "htmlUrl": safe_url(feed.html_url),
            "language": languages[0] if len(languages) == 1 else None,
            "version": "RSS2",
            "category": "/" + "/".join(filter(None, (feed.edition, feed.section))),
        })
    return serialize(root)
