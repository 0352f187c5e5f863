"""JSON Feed 1.1 writer.

Top level: ``version``, ``title``, ``home_page_url`` (the HTML index), ``feed_url``,
``description``, ``language`` (one-language editions), ``hubs`` (WebSub), ``_wirefeed``
(edition, section, updated), ``items``.
Item: ``id`` (the guid, a string), ``url``, ``title``, ``content_html`` (body with figures;
``content_text`` with the summary or title when there is no body), ``summary``, ``image`` (first
picture), ``date_published``, ``date_modified``, ``authors``, ``tags``, ``language``, and the
``_wirefeed`` extension: ``images`` (every image with caption and credit: attachments are meant
for podcasts), ``agency``, ``dateline``, ``translations``, ``version``.

``<``, ``>`` and ``&`` are written as ``\\u003c``/``\\u003e``/``\\u0026`` (valid JSON, the same
values once decoded) so a feed pasted into an HTML page cannot open or close a tag there.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from normalize.model import Article
from syndicate.channel import (
    Channel, Entry, feed_updated, image_type, prepare_entries, rfc3339,
)

VERSION = "https://jsonfeed.org/version/1.1"


def render(
    channel: Channel,
    articles: Sequence[Article],
    translations: Mapping[str, Sequence[tuple[str, str]]] = {},
) -> bytes:
    """Return the JSON Feed 1.1 document of ``channel`` with ``articles`` in the given order.

    ``translations``: article id -> ``(hreflang, href)`` of its other-language versions.
    UTF-8, keys in a fixed order: the same inputs give the same bytes. Never raises on odd
    record values.
    """
    entries = prepare_entries(channel, articles, translations)
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
        "updated": rfc3339(feed_updated(entries)),
    }
    feed["items"] = [_item(entry) for entry in entries]
    text = _dumps(feed)
    # Only strings can hold these characters in JSON, so replacing them keeps the document valid.
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return (text + "\n").encode("utf-8")


def _dumps(feed: dict[str, Any]) -> str:
    """The feed as JSON with one top-level member, and one item, per line.

    Still easy to read and diff, and several times faster than ``indent=``, which makes json
    fall back from its C encoder to the pure-Python one.
    """
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    members = []
    for key, value in feed.items():
        if key == "items":
            value_text = "[\n" + ",\n".join(encode(item) for item in value) + "\n]" if value else "[]"
        else:
            value_text = encode(value)
        members.append(f"{encode(key)}: {value_text}")
    return "{\n" + ",\n".join(members) + "\n}"


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
