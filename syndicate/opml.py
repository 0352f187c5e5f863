"""OPML 2.0 list of every published feed, one outline per edition.

Editions appear in the order of their first feed in the input, feeds in input order: the caller's
order decides, so the same inputs give the same bytes. No ``dateCreated``/``dateModified``: they
would come from the clock.
"""

from __future__ import annotations

from typing import Sequence

from lxml import etree

from syndicate.channel import FeedRef, safe_url
from syndicate.xmlwriter import add, serialize

#: What an OPML ``version`` attribute says for each feed format.
_VERSIONS = {"rss": "RSS2", "atom": "Atom", "json": "JSONFeed"}


def render(feeds: Sequence[FeedRef], title: str) -> bytes:
    """Return the OPML 2.0 document listing ``feeds`` grouped by edition.

    Each feed is an ``outline type="rss"`` with ``text``, ``title``, ``xmlUrl``, ``htmlUrl``,
    ``version`` and ``category`` (``/edition[/section]``); feeds whose URL is not an absolute
    http(s) URL are left out.
    """
    root = etree.Element("opml")
    root.set("version", "2.0")
    head = add(root, "head")
    add(head, "title", title)
    add(head, "docs", "http://opml.org/spec2.opml")
    body = add(root, "body")
    editions: dict[str, etree._Element] = {}
    for feed in feeds:
        url = safe_url(feed.url)
        if url is None:
            continue
        group = editions.get(feed.edition)
        if group is None:
            name = feed.edition_name or feed.edition
            group = editions[feed.edition] = add(
                body, "outline", attrs={"text": name, "title": name}
            )
        add(group, "outline", attrs={
            "type": "rss",
            "text": feed.title,
            "title": feed.title,
            "xmlUrl": url,
            "htmlUrl": safe_url(feed.html_url),
            "version": _VERSIONS.get(feed.fmt),
            "category": "/" + "/".join(filter(None, (feed.edition, feed.section))),
        })
    return serialize(root)
