"""A fast path for plain, well-formed RSS 2.0 and Atom 1.0 feeds, read with lxml.

feedparser reads every dialect and repairs broken markup, and costs about as much per item as
the rest of normalization. Most agency feeds are neither broken nor exotic, so
:func:`read_entries` reads them with lxml into the same entry shape feedparser produces for the
fields :mod:`normalize.feed` uses, and the same code turns both into records. It only accepts
what it knows it reads the way feedparser does: a well-formed document (no DOCTYPE), an RSS
2.0 channel or an Atom feed, items made only of the elements in :data:`RSS_ITEM` /
:data:`ATOM_ENTRY`, absolute links, dates our parser reads, plain-text titles. Anything else
returns ``None`` and the caller uses feedparser: the fast path is an optimization, never a
second opinion. ``tests/test_fastpath.py`` checks both paths give identical records on the
fixture corpus, the sample wire and generated feeds.
"""

from __future__ import annotations

import logging
from typing import Any

from lxml import etree

from normalize.text import parse_date

log = logging.getLogger(__name__)

MEDIA_NS = "http://search.yahoo.com/mrss/"
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

_M = f"{{{MEDIA_NS}}}"
_A = f"{{{ATOM_NS}}}"
_A_NAME = _A + "name"
_CONTENT_ENCODED = f"{{{CONTENT_NS}}}encoded"
_DC_CREATOR = f"{{{DC_NS}}}creator"
_DC_LANGUAGE = f"{{{DC_NS}}}language"
#: Item children the fast path reads exactly like feedparser (media ones are read by feed.py).
RSS_ITEM = frozenset({
    "title", "link", "guid", "pubDate", "description", "category", "enclosure",
    f"{{{CONTENT_NS}}}encoded", f"{{{DC_NS}}}creator", f"{{{DC_NS}}}language",
    _M + "content", _M + "group", _M + "thumbnail",
})
ATOM_ENTRY = frozenset({
    _A + "title", _A + "id", _A + "link", _A + "published", _A + "updated", _A + "author",
    _A + "category", _A + "summary", _A + "content",
    _M + "content", _M + "group", _M + "thumbnail",
})
_RSS_CHANNEL_SKIP = frozenset({"item"})
_HTML_TYPES = ("html", "text/html")


class _NotPlain(Exception):
    """The document uses something the fast path does not read like feedparser."""


def read_entries(root: etree._Element) -> tuple[list[dict], dict] | None:
    """Return ``(entries, feed)`` shaped like feedparser's, or ``None`` to use feedparser.

    In: the root element of a well-formed document (parsed by :mod:`normalize.xmlsafe`).
    Out: a list of entry dicts (keys ``id``, ``title``, ``title_detail``, ``link``, ``summary``,
    ``content``, ``authors``, ``author``, ``tags``, ``published``, ``updated``) in document
    order and a feed dict (``language``, ``rights``). Never raises.
    """
    try:
        if root.tag == "rss" and root.get("version", "").startswith("2."):
            return _read_rss(root)
        if root.tag == _A + "feed":
            return _read_atom(root)
    except _NotPlain as exc:
        log.debug("fast feed path declined: %s", exc)
    return None


def _plain_text(element: etree._Element) -> str:
    if len(element):
        raise _NotPlain(f"markup inside <{element.tag}>")
    return element.text or ""


def _title(value: str) -> str:
    if "<" in value or "&" in value:
        raise _NotPlain("title with markup characters")  # feedparser's HTML sniffing
    return value


def _date(value: str) -> str:
    if parse_date(value) is None:
        raise _NotPlain(f"date {value!r}")  # feedparser's own date parser would be used
    return value


def _absolute(url: str) -> str:
    url = url.strip()
    if "://" not in url:
        raise _NotPlain("relative link")  # feedparser resolves it against the base
    return url


def _check_child(child: etree._Element, tag: str, allowed: frozenset[str]) -> None:
    """Raise ``_NotPlain`` for an item child the fast path does not read like feedparser."""
    if tag not in allowed:
        raise _NotPlain(f"element <{tag}>")
    if XML_BASE in child.keys():  # keys(): no attribute proxy, a third of the cost
        raise _NotPlain("xml:base")


def _read_rss(root: etree._Element) -> tuple[list[dict], dict]:
    channels = [c for c in root if c.tag == "channel"]
    if len(channels) != 1 or len(root) != 1:
        raise _NotPlain("not one channel")
    channel = channels[0]
    language = rights = None
    items = []
    for child in channel:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "item":
            items.append(child)
        elif items:
            raise _NotPlain("channel element after the items")  # changes feedparser's language
        elif child.tag == "language":
            language = _plain_text(child).strip() or None
        elif child.tag == "copyright":
            rights = _plain_text(child).strip() or None
        elif child.tag in (f"{{{DC_NS}}}language", f"{{{DC_NS}}}rights", f"{{{DC_NS}}}creator"):
            raise _NotPlain(f"channel <{child.tag}>")
    if any(XML_BASE in e.attrib or XML_LANG in e.attrib for e in (root, channel)):
        raise _NotPlain("xml:base or xml:lang on the channel")
    entries = [_rss_entry(item, language) for item in items]
    return entries, {"language": language, "rights": rights}


def _rss_entry(item: etree._Element, language: str | None) -> dict:
    if XML_LANG in item.attrib:
        raise _NotPlain("xml:lang on an item")
    entry: dict[str, Any] = {}
    singles: dict[str, str] = {}
    content: list[dict] = []
    authors: list[dict] = []
    tags: list[dict] = []
    guid = None
    for child in item:  # one pass: each child is checked, then read
        tag = child.tag
        if not isinstance(tag, str):
            continue  # entity references
        _check_child(child, tag, RSS_ITEM)
        if tag.startswith(_M) or tag == "enclosure":
            continue
        if tag == "guid" and guid is None:
            guid = child
        text = _plain_text(child)
        if tag == "category":
            if child.attrib:
                raise _NotPlain("category with attributes")
            if text.strip():
                tags.append({"term": text.strip()})
        elif tag == _DC_CREATOR:
            authors.append({"name": text.strip()})
        elif tag in singles:
            raise _NotPlain(f"repeated <{tag}>")
        else:
            singles[tag] = text
            if tag == _CONTENT_ENCODED:
                content.append({"value": text.strip(), "language": language})
    if len(authors) > 1:
        raise _NotPlain("several dc:creator")
    if guid is not None:
        if set(guid.attrib) - {"isPermaLink"}:
            raise _NotPlain("guid attributes")
        entry["id"] = singles["guid"].strip()
        if "link" not in singles and guid.get("isPermaLink", "true") == "true":
            raise _NotPlain("guid as link")
    if "link" in singles:
        entry["link"] = _absolute(singles["link"])
    if "title" in singles:
        entry["title"] = _title(singles["title"].strip())
        entry["title_detail"] = {"language": language}
    if "description" in singles:
        entry["summary"] = singles["description"].strip()
    if content:
        entry["content"] = content
    if _DC_LANGUAGE in singles:
        entry["language"] = singles[_DC_LANGUAGE].strip()
    if "pubDate" in singles:
        entry["published"] = _date(singles["pubDate"].strip())
    return _finish_entry(entry, authors, tags)


def _finish_entry(entry: dict, authors: list[dict], tags: list[dict]) -> dict:
    """Add what RSS items and Atom entries share, as feedparser gives it."""
    if authors:
        entry["authors"] = authors
        entry["author"] = authors[0]["name"]
    if tags:
        entry["tags"] = tags
    if "published" in entry and "updated" not in entry:
        entry["updated"] = entry["published"]  # feedparser 6 answers "updated" with "published"
    return entry


def _read_atom(root: etree._Element) -> tuple[list[dict], dict]:
    if XML_BASE in root.attrib:
        raise _NotPlain("xml:base on the feed")
    language = root.get(XML_LANG)
    rights = None
    entries = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if child.tag == _A + "entry":
            entries.append(_atom_entry(child, child.get(XML_LANG) or language))
        elif child.tag == _A + "rights":
            if child.get("type", "text") != "text":
                raise _NotPlain("rights type")
            rights = _plain_text(child).strip() or None
        elif child.tag == f"{{{DC_NS}}}language":
            raise _NotPlain("dc:language on the feed")
    return entries, {"language": language, "rights": rights}


def _atom_text(element: etree._Element, language: str | None) -> dict:
    kind = element.get("type", "text")
    if kind not in ("text", "html") or XML_LANG in element.attrib:
        raise _NotPlain(f"Atom text construct type {kind!r}")
    value = _plain_text(element).strip()
    return {"value": value, "type": kind, "language": language}


def _atom_entry(entry_el: etree._Element, language: str | None) -> dict:
    entry: dict[str, Any] = {}
    authors: list[dict] = []
    tags: list[dict] = []
    links: list[str] = []
    seen: set[str] = set()
    for child in entry_el:  # one pass: each child is checked, then read
        tag = child.tag
        if not isinstance(tag, str):
            continue  # entity references
        _check_child(child, tag, ATOM_ENTRY)
        if tag.startswith(_M):
            continue
        name = tag[len(_A):]  # the other allowed children are all Atom elements
        if name == "author":
            # Only <name> children: feedparser formats an email or uri into the name.
            names = [c for c in child if isinstance(c.tag, str)]
            if not names or any(c.tag != _A_NAME for c in names):
                raise _NotPlain("author without a plain name")
            authors.append({"name": _plain_text(names[0]).strip()})
            continue
        if name == "category":
            if set(child.attrib) - {"term"} or len(child):
                raise _NotPlain("category label or scheme")
            if child.get("term", "").strip():
                tags.append({"term": child.get("term").strip()})
            continue
        if name == "link":
            rel = child.get("rel", "alternate")
            if rel == "alternate":
                if child.get("type", "text/html") not in ("text/html", "application/xhtml+xml"):
                    raise _NotPlain("alternate link type")
                links.append(_absolute(child.get("href") or ""))
            elif rel != "enclosure":
                raise _NotPlain(f"link rel {rel!r}")
            continue
        if tag in seen:
            raise _NotPlain(f"repeated <{tag}>")
        seen.add(tag)
        if name == "id":
            entry["id"] = _plain_text(child).strip()
        elif name == "title":
            detail = _atom_text(child, language)
            entry["title"] = detail["value"] if detail["type"] == "html" else _title(detail["value"])
            entry["title_detail"] = {"language": language}
        elif name == "summary":
            entry["summary"] = _atom_text(child, language)["value"]
        elif name == "content":
            detail = _atom_text(child, language)
            if detail["type"] != "html":
                raise _NotPlain("text content")  # feedparser escapes it as HTML
            entry["content"] = [{"value": detail["value"], "language": language}]
        elif name == "published":
            entry["published"] = _date(_plain_text(child).strip())
        elif name == "updated":
            entry["updated"] = _date(_plain_text(child).strip())
    if len(links) > 1:
        raise _NotPlain("several alternate links")
    if links:
        entry["link"] = links[0]
    return _finish_entry(entry, authors, tags)
