"""Syndication feeds: RSS 0.9x/1.0/2.0 and Atom, JSON Feed 1.x through json.

A well-formed RSS/RDF/Atom document is read with lxml (:mod:`normalize.fastfeed`, which follows
feedparser's rules for every field we use, and mends an undeclared module prefix or an HTML entity
first: :mod:`normalize.feedmend`); feedparser reads only what libxml2 refuses (broken
markup, odd encodings) and stays the oracle of the tests
(``tests/test_fastpath.py``, ``bench/differential.py``). Two of feedparser's habits are
corrected on both paths:

* Media RSS is flattened: ``media:description`` overwrites ``entry.summary`` and the captions and
  credits of several ``media:content`` lose their pairing. When the document is well-formed we
  read the media elements of each item ourselves (items are in document order, like entries).
* Its HTML sanitizer is 36-47% of its parse time and ours (nh3) runs anyway, so it is off.

feedparser 6.0 does not read JSON Feed, so :func:`parse_jsonfeed` does.
"""

from __future__ import annotations

import calendar
import io
import json
import logging
import re
from datetime import datetime, timezone
from typing import Any, Mapping

import feedparser
from feedparser.datetimes import _parse_date as feedparser_parse_date
from lxml import etree

from normalize.charsets import UTF8_BOM, header_charset
from normalize.errors import ParseError
from normalize import options
from normalize.model import Article, Credit, Image, Note, NoteKind
from normalize.sanitize import clean_html, clean_html_shaped
from normalize.text import clean_text, html_to_text, inline_body_text, parse_date, plain_title
from normalize.xmlsafe import (
    refuse_deep_nesting, refuse_entity_declarations, repair_surrogate_references,
)

log = logging.getLogger(__name__)

MEDIA_NS = "http://search.yahoo.com/mrss/"
ATOM_NS = "http://www.w3.org/2005/Atom"
RSS1_NS = "http://purl.org/rss/1.0/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# bozo exceptions that still leave a trustworthy parse: a charset the HTTP headers contradicted.
_BENIGN_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")
# expat's words for a document that ends before its elements do.
_TRUNCATED = ("no element found", "unclosed token", "unclosed CDATA")
_ITEM_OPEN = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s/>]")
_ITEM_CLOSE = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>")


def _items_complete(data: bytes) -> bool:
    """True when the document opens at least one item or entry and closes every one it opens:
    cut off after its last item, it lost only the channel's closing tags."""
    opened = len(_ITEM_OPEN.findall(data))
    return opened > 0 and opened == len(_ITEM_CLOSE.findall(data))


def use_fast_path(enabled: bool) -> None:
    """Read well-formed RSS/RDF/Atom with the lxml reader (the default) or always with feedparser.

    In: the choice, made by the shell (``ingest`` reads ``WIREFEED_FASTFEED``). Out: nothing.
    """
    options.fast_feed = bool(enabled)


def parse(data: bytes, *, url: str | None = None,
          headers: Mapping[str, str] | None = None) -> list[Article]:
    """Return the items of an RSS, Atom or JSON Feed document as (unidentified) records.

    Raises ``ParseError`` when the bytes are not a feed or hold no readable item structure.
    """
    stripped = data.lstrip(UTF8_BOM + b" \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return parse_jsonfeed(data, url=url)
    return parse_xml_feed(data, url=url, headers=headers)


def parse_xml_feed(data: bytes, *, url: str | None = None,
                   headers: Mapping[str, str] | None = None) -> list[Article]:
    """RSS/Atom via feedparser (bytes plus the response headers, never a str).

    Raises ``ParseError`` for a document that is not a feed, is truncated, or declares entities.
    """
    # XML attacks. feedparser hands the bytes to expat through xml.sax with
    # ``feature_external_ges`` off (no external entity or DTD is fetched) after its
    # ``replace_doctype`` rewrote the DOCTYPE, keeping "safe" internal entities; a document that
    # breaks expat then goes to its loose sgmllib parser. Neither path is a guarantee we can state
    # (a quadratic blowup is a "safe" entity to it), so a DOCTYPE declaring any entity is refused
    # here, before feedparser sees the bytes, exactly as for the agency formats.
    refuse_entity_declarations(data)
    data = repair_surrogate_references(data)
    if options.fast_feed:  # the lxml reader (normalize.fastfeed); the shell may turn it off
        # Well-formed RSS/RDF/Atom: the same records from lxml, several times faster.
        fast = parse_plain_feed(data, url=url, headers=headers, checked=True)
        if fast is not None:
            return fast
    refuse_deep_nesting(data)  # feedparser has no depth limit of its own
    return parse_with_feedparser(data, url=url, headers=headers)


def parse_plain_feed(data: bytes, *, url: str | None = None,
                     headers: Mapping[str, str] | None = None,
                     checked: bool = False) -> list[Article] | None:
    """The records of a well-formed RSS/RDF/Atom 1.0 document, or ``None`` (use feedparser).

    In: document bytes already past :func:`refuse_entity_declarations`, the document URL (the
    base of relative links), the response headers; ``checked``: the bytes are past
    :func:`repair_surrogate_references` too (:func:`parse_xml_feed`'s), so
    :func:`~normalize.xmlsafe.parse_xml` need not scan them again. Out: records as
    :func:`parse_with_feedparser` would return them (``bench/differential.py`` lists the
    deliberate differences); an HTTP charset that decodes the bytes wins over the declared one,
    as in feedparser. ``None`` for a document libxml2 refuses (in either encoding) or one
    without an RSS, RDF or Atom element (CDF). Never raises.
    """
    from normalize import fastfeed, feedmend
    from normalize.xmlsafe import parse_xml

    if data[:1].isspace() and data.lstrip()[:5] == b"<?xml":
        # Whitespace before the XML declaration (a stray newline from a CMS template) is the
        # one thing libxml2 refuses that feedparser reads as if absent.
        data = data.lstrip()
    media = mended = None
    charset = header_charset(headers)
    try:
        root = parse_xml(data, checked=checked)
    except ParseError:
        # An undeclared module prefix or an HTML entity (normalize.feedmend), else bytes that
        # are not what they declare: read as feedparser decodes them (the HTTP charset first).
        root, mended = feedmend.parse_mended(data)
        if root is not None:
            data = mended[0]
        else:
            root, mended = feedmend.parse_decoded(data, headers, url, charset)
            if root is None:
                return None
            charset = None  # decoded already: no media of the declared reading
    if charset is not None and not feedmend.same_codec(charset, root.getroottree().docinfo.encoding or "utf-8"):
        recoded = feedmend.recode(data, charset)
        if recoded is not None:
            # feedparser decodes by the HTTP charset whenever the bytes decode by it (RFC 3023,
            # a CharacterEncodingOverride it calls benign), and reads the media elements from
            # the bytes as declared: so do we.
            media = _media_by_item(data)
            try:
                root = parse_xml(recoded)
            except ParseError:
                return None
    entities = feedmend.resolve_entity_nodes(root)  # a DOCTYPE naming a DTD: &uuml; as ü
    if entities is not None:
        note = f"{mended[1]}; {entities}" if mended else f"malformed XML mended: {entities}"
        mended = (data, note)
    articles = []
    try:
        # feedparser's base and language before the document's own: the response's
        # Content-Location (else the URL) and Content-Language.
        lowered = {k.lower(): v for k, v in headers.items()} if headers else {}
        read = fastfeed.read_entries(root, lowered.get("content-location") or url,
                                     lowered.get("content-language"))
        if read is None:
            return None
        feed, entries = read
        if media is not None:  # a recoded document: its items are read first, then counted
            entries = list(entries)
            if len(media) != len(entries):
                media = None  # the declared reading found other items: the items' own media
        for entry, item in entries:
            images = _item_images(item) if media is None else media[len(articles)]
            article = _entry_to_article(entry, images, feed["language"], feed["rights"])
            if mended is not None:
                article = article.replace(extra=article.extra + (Note(NoteKind.REPAIR, mended[1]),))
            articles.append(article)
            item.clear()  # the item's subtree is no longer needed: a big document shrinks
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        # A reading bug must cost speed, not the document: feedparser reads it.
        log.warning("lxml feed reader failed (%s: %s); feedparser reads %s",
                    type(exc).__name__, exc, url or "the document")
        return None
    return articles


def parse_with_feedparser(data: bytes, *, url: str | None = None,
                          headers: Mapping[str, str] | None = None) -> list[Article]:
    """RSS/Atom via feedparser, for every dialect and broken markup. Raises ``ParseError``.

    In: document bytes (already past :func:`refuse_entity_declarations`), the response headers.
    """
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    if url:
        response_headers.setdefault("content-location", url)
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=response_headers,
                                  sanitize_html=False, resolve_relative_uris=False)
    except (UnicodeError, ValueError) as exc:
        # feedparser's loose parser lets some references out unhandled (&#xD800; encodes a
        # surrogate): the document cannot be read, which is a parse error like any other.
        raise ParseError(f"not a readable feed: {_one_line(exc)}") from None
    if parsed.bozo and not parsed.entries:
        reason = type(parsed.bozo_exception).__name__
        if reason not in _BENIGN_BOZO:
            raise ParseError(f"not a readable feed: {_one_line(parsed.bozo_exception)}")
    if not parsed.get("version") and not parsed.entries:
        raise ParseError("not an RSS or Atom feed (no channel or feed element)")
    repair = None
    if parsed.bozo and type(parsed.bozo_exception).__name__ not in _BENIGN_BOZO:
        message = _one_line(parsed.bozo_exception)
        if any(sign in message for sign in _TRUNCATED):
            if not _items_complete(data):
                # Cut off inside an item: that item is cut too, and we cannot tell what is
                # missing.
                raise ParseError(f"truncated document ({message})")
            repair = "the document ends before its closing tags; every item in it is complete"
        else:
            repair = f"malformed XML recovered leniently: {message}"
    media = _media_by_item(data)
    if media is not None and len(media) != len(parsed.entries):
        media = None  # feedparser saw a different item list: trust its flat lists instead
    feed_language = parsed.feed.get("language")
    feed_rights = parsed.feed.get("rights")
    articles = []
    for index, entry in enumerate(parsed.entries):
        images = media[index] if media is not None else _flat_media(entry)
        article = _entry_to_article(entry, images, feed_language, feed_rights)
        if repair:
            article = article.replace(extra=article.extra + (Note(NoteKind.REPAIR, repair),))
        articles.append(article)
    return articles


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _entry_to_article(entry: Any, images: tuple[Image, ...], feed_language: str | None,
                      feed_rights: str | None) -> Article:
    contents = entry.get("content") or []
    description = entry.get("summary") or ""
    # feedparser moves the real <description> to content[0] when media:description is present
    # and puts content:encoded last; the body is always the last content.
    body_source = contents[-1].get("value", "") if contents else description
    if len(contents) >= 2:
        description = contents[0].get("value", "")
    # With no content element the body is the description itself: its text is the body's, so
    # it is not read a second time as a summary (it would only repeat the body).
    summary = html_to_text(description) if description and contents else ""
    body_html, inline = clean_html_shaped(body_source)
    if body_html and "<" not in body_html:
        body_html = f"<p>{body_html}</p>"  # a plain-text description: one paragraph
    body_text = inline_body_text(body_html) if inline else html_to_text(body_html)
    if summary and summary == body_text:
        summary = ""
    if summary and summary in {image.caption for image in images}:
        summary = ""  # feedparser put an image's media:description in the summary
    title = plain_title(entry.get("title")) or (summary or body_text)[:120]
    link = entry.get("link") or None
    authors = tuple(
        name for name in (clean_text(a.get("name")) for a in entry.get("authors") or []) if name
    )
    if not authors and entry.get("author"):
        authors = (clean_text(entry.get("author")),)
    sections = tuple(dict.fromkeys(
        clean_text(tag.get("term") or tag.get("label")) for tag in entry.get("tags") or []
        if (tag.get("term") or tag.get("label"))
    ))
    language = (entry.get("language")
                or (entry.get("title_detail") or {}).get("language")
                or (contents[-1].get("language") if contents else None)
                or feed_language)
    return Article(
        id="",
        guid=clean_text(entry.get("id")) or "",
        source="",
        title=title,
        url=link,
        summary=summary or None,
        body_html=body_html,
        body_text=body_text,
        authors=authors,
        images=images,
        published=_entry_date(entry, "published") or _entry_date(entry, "updated"),
        updated=_entry_date(entry, "updated"),
        language=language,
        sections=sections,
        rights=clean_text(entry.get("rights") or feed_rights) or None,
    )


def _entry_date(entry: Any, key: str) -> datetime | None:
    value = parse_date(entry.get(key))
    if value is not None:
        return value
    parsed = entry.get(f"{key}_parsed")
    if isinstance(parsed, str):  # the lxml reader's: the text, for feedparser's parser to read
        parsed = feedparser_parse_date(parsed)
    if parsed:
        try:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
        except (OverflowError, ValueError, OSError):
            return None
    return None


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _is_image(mime: str | None, medium: str | None, url: str) -> bool:
    if medium:
        return medium == "image"
    if mime:
        return mime.startswith("image/")
    return url.lower().split("?")[0].endswith((".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"))


def _media_by_item(data: bytes) -> list[tuple[Image, ...]] | None:
    """Images per item, in document order, or ``None`` if the XML is not well-formed."""
    from normalize.xmlsafe import parse_xml

    try:
        root = parse_xml(data)
    except ParseError:
        return None
    items = root.findall(f".//{{{ATOM_NS}}}entry")
    if not items:
        items = [el for el in root.iter("item", f"{{{RSS1_NS}}}item")]
    return [_item_images(item) for item in items]


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    text = "".join(element.itertext()) if len(element) else element.text
    return clean_text(text) or None


def _credit(element: etree._Element | None) -> Credit | None:
    text = _text(element)
    return Credit(text=text) if text else None


_M_CONTENT = f"{{{MEDIA_NS}}}content"
_M_GROUP = f"{{{MEDIA_NS}}}group"
_M_THUMBNAIL = f"{{{MEDIA_NS}}}thumbnail"
_M_DESCRIPTION = f"{{{MEDIA_NS}}}description"
_M_CREDIT = f"{{{MEDIA_NS}}}credit"
_ATOM_LINK = f"{{{ATOM_NS}}}link"
# RSS 2.0 under a default namespace (UserLand's), as feedparser reads it.
_ENCLOSURES = frozenset({"enclosure", "{http://backend.userland.com/rss2}enclosure",
                         "{http://backend.userland.com/rss}enclosure"})


def _caption_and_credit(element: etree._Element) -> tuple[str | None, Credit | None]:
    """The first ``media:description`` and ``media:credit`` children of ``element``, read."""
    description = credit = None
    # One pass over the children: find() goes through ElementPath, several times slower.
    for child in element:
        if child.tag == _M_DESCRIPTION and description is None:
            description = child
        elif child.tag == _M_CREDIT and credit is None:
            credit = child
    return _text(description), _credit(credit)


def _item_images(item: etree._Element) -> tuple[Image, ...]:
    images: list[Image] = []
    seen: set[str] = set()
    media: list[etree._Element] = []
    thumbnails: list[etree._Element] = []
    enclosures: list[etree._Element] = []
    links: list[etree._Element] = []
    description = credit = None
    for element in item:  # one pass, as in _caption_and_credit
        tag = element.tag
        if tag == _M_CONTENT or tag == _M_GROUP:
            media.append(element)
        elif tag == _M_THUMBNAIL:
            thumbnails.append(element)
        elif tag in _ENCLOSURES:
            enclosures.append(element)
        elif tag == _ATOM_LINK:
            links.append(element)
        elif tag == _M_DESCRIPTION and description is None:
            description = element
        elif tag == _M_CREDIT and credit is None:
            credit = element
    item_caption, item_credit = _text(description), _credit(credit)

    def add(url: str | None, mime: str | None, width: Any, height: Any,
            caption: str | None, credit: Credit | None) -> None:
        url = (url or "").strip()
        if url and url not in seen:
            seen.add(url)
            images.append(Image(url=url, caption=caption, credit=credit, type=mime or None,
                                width=_int(width), height=_int(height)))

    def from_content(content: etree._Element, parent_caption: str | None,
                     parent_credit: Credit | None) -> None:
        url = content.get("url")
        if not url or not _is_image(content.get("type"), content.get("medium"), url):
            return
        caption, credit = _caption_and_credit(content)
        add(url, content.get("type"), content.get("width"), content.get("height"),
            caption or parent_caption, credit or parent_credit)

    for element in media:
        if element.tag == _M_GROUP:
            # Renditions of one picture: keep the largest.
            renditions = [c for c in element.iterchildren(_M_CONTENT) if c.get("url")]
            if not any(_is_image(c.get("type"), c.get("medium"), c.get("url")) for c in renditions):
                # No picture among the renditions (YouTube's video): the group's thumbnails.
                thumbnails.extend(element.iterchildren(_M_THUMBNAIL))
            if renditions:
                best = max(renditions, key=lambda c: (_int(c.get("width")) or 0) * (_int(c.get("height")) or 0))
                from_content(best, *_caption_and_credit(element))
                seen.update(c.get("url") for c in renditions)
        else:
            from_content(element, item_caption, item_credit)
    if not images:
        for thumb in thumbnails:
            add(thumb.get("url"), None, thumb.get("width"), thumb.get("height"), None, None)
    for enclosure in enclosures:
        if _is_image(enclosure.get("type"), None, enclosure.get("url") or ""):
            add(enclosure.get("url"), enclosure.get("type"), None, None, None, None)
    for link in links:
        if link.get("rel") == "enclosure" and _is_image(link.get("type"), None, link.get("href") or ""):
            add(link.get("href"), link.get("type"), None, None, None, None)
    if len(images) == 1 and (item_caption or item_credit):
        only = images[0]
        images[0] = Image(only.url, only.caption or item_caption, only.credit or item_credit,
                          only.type, only.width, only.height)
    return tuple(images)


def _flat_media(entry: Any) -> tuple[Image, ...]:
    """Images from feedparser's flat lists (used only when the XML was not well-formed)."""
    images: list[Image] = []
    credits = entry.get("media_credit") or []
    for index, content in enumerate(entry.get("media_content") or []):
        url = content.get("url")
        if not url or not _is_image(content.get("type"), content.get("medium"), url):
            continue
        credit_text = credits[index].get("content") if index < len(credits) else None
        images.append(Image(url=url, type=content.get("type"), width=_int(content.get("width")),
                            height=_int(content.get("height")),
                            credit=Credit(clean_text(credit_text)) if credit_text else None))
    seen = {image.url for image in images}
    for link in entry.get("links") or []:
        href = link.get("href")
        if link.get("rel") == "enclosure" and href and href not in seen and _is_image(link.get("type"), None, href):
            images.append(Image(url=href, type=link.get("type")))
            seen.add(href)
    if not images:
        for thumb in entry.get("media_thumbnail") or []:
            if thumb.get("url"):
                images.append(Image(url=thumb["url"], width=_int(thumb.get("width")),
                                    height=_int(thumb.get("height"))))
                break
    return tuple(images)


def parse_jsonfeed(data: bytes, *, url: str | None = None) -> list[Article]:
    """Return the items of a JSON Feed 1.0/1.1 document. Raises ``ParseError``."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParseError(f"not valid JSON: {_one_line(exc)}") from None
    if not isinstance(doc, dict):
        raise ParseError("JSON Feed must be an object")
    items = doc.get("items")
    if not isinstance(items, list):
        raise ParseError("JSON Feed has no 'items' list")
    feed_language = doc.get("language") if isinstance(doc.get("language"), str) else None
    feed_authors = _json_authors(doc)
    articles = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ParseError(f"JSON Feed item #{number} is not an object")
        articles.append(_json_item(item, feed_language, feed_authors))
    return articles


def _json_authors(obj: dict) -> tuple[str, ...]:
    raw = obj.get("authors")
    if raw is None and isinstance(obj.get("author"), dict):
        raw = [obj["author"]]
    names = []
    for author in raw or []:
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            if name := clean_text(author["name"]):
                names.append(name)
    return tuple(names)


def _json_str(item: dict, key: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ParseError(f"JSON Feed item key {key!r} must be a string")
    return str(value)


def _json_item(item: dict, feed_language: str | None, feed_authors: tuple[str, ...]) -> Article:
    content_html = _json_str(item, "content_html")
    content_text = _json_str(item, "content_text")
    if content_html:
        body_html = clean_html(content_html)
    elif content_text:
        paragraphs = [p.strip() for p in content_text.split("\n") if p.strip()]
        body_html = clean_html("".join(f"<p>{_escape(p)}</p>" for p in paragraphs))
    else:
        body_html = ""
    body_text = html_to_text(body_html)
    summary = clean_text(_json_str(item, "summary")) or None
    images: list[Image] = []
    extension = item.get("_wirefeed") if isinstance(item.get("_wirefeed"), dict) else {}
    for raw in extension.get("images") or []:
        if isinstance(raw, dict) and isinstance(raw.get("url"), str):
            credit = raw.get("credit")
            credit_text = credit.get("text") if isinstance(credit, dict) else credit
            images.append(Image(url=raw["url"], caption=raw.get("caption") or None,
                                credit=Credit(clean_text(credit_text)) if credit_text else None,
                                type=raw.get("type"), width=_int(raw.get("width")),
                                height=_int(raw.get("height"))))
    for key in ("image", "banner_image"):
        value = _json_str(item, key)
        if value and value not in {i.url for i in images}:
            images.append(Image(url=value))
    for attachment in item.get("attachments") or []:
        if (isinstance(attachment, dict) and isinstance(attachment.get("url"), str)
                and str(attachment.get("mime_type", "")).startswith("image/")
                and attachment["url"] not in {i.url for i in images}):
            images.append(Image(url=attachment["url"], type=attachment["mime_type"],
                                caption=clean_text(attachment.get("title")) or None))
    tags = item.get("tags") or []
    return Article(
        id="",
        guid=clean_text(_json_str(item, "id")) or "",
        source="",
        title=plain_title(_json_str(item, "title")) or (summary or body_text)[:120],
        url=_json_str(item, "url") or _json_str(item, "external_url"),
        summary=summary,
        body_html=body_html,
        body_text=body_text,
        authors=_json_authors(item) or feed_authors,
        images=tuple(images),
        published=parse_date(_json_str(item, "date_published")),
        updated=parse_date(_json_str(item, "date_modified")),
        language=_json_str(item, "language") or feed_language,
        sections=tuple(dict.fromkeys(clean_text(t) for t in tags if isinstance(t, str) and t.strip())),
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
