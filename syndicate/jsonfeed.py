"""JSON Feed 1.1 writer.

Top level: ``version``, ``title``, ``home_page_url`` (the HTML index), ``feed_url``,
``description``, ``language`` (one-language editions), ``hubs`` (WebSub), ``_wirefeed``
(edition, section, updated), ``items``.
Item: ``id`` (the same valid URI as the RSS guid and Atom id), ``url``, ``title``, ``content_html`` (body with figures;
``content_text`` with the summary or title when there is no body), ``summary``, ``image`` (first
picture), ``date_published``, ``date_modified``, ``authors``, ``tags``, ``language``, and the
``_wirefeed`` extension: ``images`` (every image with caption and credit: attachments are meant
for podcasts), ``agency``, ``dateline``, ``translations``, ``version``.

``<``, ``>`` and ``&`` are written as ``\\u003c``/``\\u003e``/``\\u0026`` (valid JSON, the same
values once decoded) so a feed pasted into an HTML page cannot open or close a tag there.
Each item is one line (:func:`render_item`), encoded once and shared by the channels of one
publish.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping, Sequence

from normalize.model import Article
from syndicate.channel import Channel, Entry, ItemCache, image_type, rendered_items, rfc3339

VERSION = "https://jsonfeed.org/version/1.1"
_encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def render(
    channel: Channel,
    articles: Sequence[Article],
    translations: Mapping[str, Sequence[tuple[str, str]]] = {},
    items: ItemCache | None = None,
) -> bytes:
    """Return the JSON Feed 1.1 document of ``channel`` with ``articles`` in the given order.

    ``translations``: article id -> ``(hreflang, href)`` of its other-language versions.
    ``items``: the item lines of one publish's JSON Feed documents, so a record shown in many
    channels is encoded once. UTF-8, keys in a fixed order: the same inputs give the same
    bytes. Never raises on odd record values.
    """
    newest, lines = rendered_items(channel, articles, translations, render_item, items)
    # One top-level member, and one item, per line: still easy to read and diff, and several
    # times faster than indent=, which makes json fall back from its C encoder to Python's.
    members = [_escape(f"{_encode(key)}: {_encode(value)}")
               for key, value in _head(channel, newest).items()]
    members.append('"items": ' + ("[\n" + ",\n".join(lines) + "\n]" if lines else "[]"))
    return ("{\n" + ",\n".join(members) + "\n}\n").encode("utf-8")


def render_item(entry: Entry) -> str:
    """Return the item of ``entry`` as one line of JSON, as it stands in any channel's document."""
    return _escape(_encode(_item(entry)))


def _head(channel: Channel, newest: datetime) -> dict[str, Any]:
    """The top-level members but ``items`` (the last one)."""
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": channel.title,
        "home_page_url": channel.html_url,
        "feed_url": channel.url_for("json"),
    }
    if channel.description:
        feed["description"] = channel.description
    if channel.language:
        feed["language"] = channel.language
    if channel.hub_url:
        feed["hubs"] = [{"type": "WebSub", "url": channel.hub_url}]
    feed["_wirefeed"] = {
        "edition": channel.edition,
        "section": channel.section,
        "updated": rfc3339(newest),
    }
    return feed


def _escape(text: str) -> str:
    # Only strings can hold these characters in JSON, so replacing them keeps the document valid.
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {"id": entry.guid, "url": entry.link, "title": entry.title}
    if entry.content_html:
        item["content_html"] = entry.content_html
    else:
        item["content_text"] = entry.summary or entry.title
    if entry.summary:
        item["summary"] = entry.summary
    if entry.pictures:
        item["image"] = entry.pictures[0].main.url
    item["date_published"] = rfc3339(entry.published)
    item["date_modified"] = rfc3339(entry.updated)
    item["authors"] = [{"name": name} for name in entry.authors]
    if entry.categories:
        item["tags"] = list(entry.categories)
    if entry.language:
        item["language"] = entry.language
    item["_wirefeed"] = {
        "images": [_image(image) for image in entry.images],
        "agency": entry.agency,
        "dateline": _dateline(entry),
        "translations": [{"language": lang, "url": href} for lang, href in entry.translations],
        "version": entry.version,
    }
    return item


def _image(image) -> dict[str, Any]:
    credit = image.credit
    return {
        "url": image.url,
        "caption": image.caption,
        "credit": credit.text if credit else None,
        "photographer": credit.photographer if credit else None,
        "type": image_type(image),
        "width": image.width,
        "height": image.height,
    }


def _dateline(entry: Entry) -> dict[str, Any] | None:
    dateline = entry.dateline
    if dateline is None:
        return None
    return {
        "text": dateline.text,
        "place": dateline.place,
        "date_text": dateline.date_text,
        "agency": dateline.agency,
    }
