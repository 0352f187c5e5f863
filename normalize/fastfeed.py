"""The lxml reader for every well-formed RSS 0.9x/1.0/2.0 and Atom 1.0 (and 0.3) document.

feedparser reads every dialect and repairs broken markup, and costs about as much per item as
the rest of normalization. For a document libxml2 parses (most of what people publish),
:func:`read_entries` walks the tree once and builds, for the fields :mod:`normalize.feed` uses
(``id``, ``title``, ``title_detail``, ``link``, ``summary``, ``content``, ``authors``,
``author``, ``tags``, ``language``, ``rights``, ``published``/``updated`` and their
``*_parsed``, left as the date's text for :func:`feedparser.datetimes._parse_date` to read when
needed), the same entry feedparser's strict parser builds, so the same code turns both into
records. It follows feedparser's rules element by element: its table of namespaces (taken
from feedparser: ``dc:creator`` is ``dc_creator`` whatever the document's prefix, an element of a
namespace it does not know goes by the document's prefix, so a misspelt Dublin Core URI still
gives ``dc_creator``), ``xml:base`` and ``xml:lang`` scoping, which element wins when several
give one key (document depth, ``title`` depth), ``description`` turned into content after a
summary, RSS ``<author>`` split into name and email, categories with ``domain``/``scheme``/
``label`` (and what is nested in them), markup inside text constructs serialized as feedparser
serializes it, relative links resolved against ``xml:base`` and the document URL.
Any other element (``comments``, ``wfw``, ``slash``, ``georss``, ``sy``, WordPress ``post-id``,
YouTube ids, ...) is skipped, as feedparser skips it for these keys. URL resolution and date
parsing call feedparser's own helpers, so both readers agree by construction there.

Three feedparser slips are deliberately not copied (``bench/differential.py`` lists them): its
e-mail pattern takes at most four letters of top-level domain, so ``news@paper.online (Ana)``
leaves ``ine (Ana`` as the name; an author with no name inherits the previous author's; an item
nested in an item becomes an entry of its own and ends the outer one (we skip the inner one).

An ``rss``, RDF or ``feed`` root in any namespace feedparser reads as RSS or Atom (none, the
early Atom drafts', Userland's), or such an element inside another root (an Atom feed in an
XHTML page), is read; so is any other root with items under it (a ``<channel>`` or CDF root, RSS
1.1, whose CDF ``HREF``/``LASTMOD`` give link and date); only a document with neither returns
``None``.
Inline markup is turned into text as feedparser does it by :mod:`normalize.feedmarkup`.
``tests/test_fastpath.py`` and ``bench/differential.py`` check the records of both readers agree.
"""

from __future__ import annotations

import binascii
import logging
import re
import xml.sax.saxutils
from typing import Any, Callable, Iterator

from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

from normalize.feedmarkup import (XHTML, _C1, _CP1252, _has_c1, finish, known_prefix,  # noqa: F401
                                  looks_like_html, map_type, markup_value, split_author)

log = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_RELATIVE_URI = frozenset({"comments", "docs", "href", "icon", "id", "link", "logo", "url"})
# An absolute http(s) URL that urllib's urljoin gives back as it is, whatever the base: a
# lower-case scheme, a host right after "//", printable ASCII without ";" (path parameters,
# split off and rejoined), brackets (IPv6 hosts, checked) or a backslash; _join also asks for
# no empty query or fragment ("?#", a "?" or "#" at the end), which urljoin would drop.
_PLAIN_ABSOLUTE_URL = re.compile(r"https?://(?![/?#])[!-:<-Z^-~]+")


def _join(base: str, uri: str) -> str:
    """feedparser's ``_urljoin(base, uri)``; a plain absolute URL (nearly every link and guid)
    is given back without urllib's split and rejoin (tests/test_fastpath.py checks both agree)."""
    if (_PLAIN_ABSOLUTE_URL.fullmatch(uri) and "?#" not in uri
            and uri[-1] != "?" and uri[-1] != "#"):
        return uri
    return _urljoin(base, uri)


def _local(tag: str) -> str | None:
    """``{ns}pubDate`` -> ``pubdate`` with feedparser's prefix (``dc_date``); ``None`` for a
    namespace feedparser does not know (:meth:`_Document.name` names those)."""
    if tag[0] == "{":
        ns, _, local = tag[1:].partition("}")
        prefix = known_prefix(ns)
        if prefix is None:
            return None
        return prefix + local.lower()
    return tag.lower()


def _dash(lang: str | None) -> str | None:
    return lang.replace("_", "-") if lang else lang


class _Document:
    """What feedparser's state keeps across a document: its kind and tag names."""

    __slots__ = ("atom", "atom10", "names")

    def __init__(self, atom: bool, atom10: bool) -> None:
        self.atom = atom
        self.atom10 = atom10
        self.names: dict[str, str] = {}

    def name(self, element: Any) -> str | None:
        """feedparser's name of an element (``None`` for a comment or processing instruction).
        An element of a namespace feedparser does not know is named by the prefix the document
        gave it, as feedparser does: ``dc:creator`` under a misspelt Dublin Core URI is still
        ``dc_creator``, and an element of an unknown default namespace goes by its bare name."""
        tag = element.tag
        if not isinstance(tag, str):
            return None
        found = self.names.get(tag)
        if found is None:
            found = _local(tag)
            if found is None:
                prefix = element.prefix
                local = tag.rpartition("}")[2].lower()
                return f"{prefix.lower()}_{local}" if prefix else local
            self.names[tag] = found
        return found

    finish = staticmethod(finish)  # feedparser's last steps on every text (feedmarkup)


def _scope(element: etree._Element, base: str, lang: str | None) -> tuple[str, str | None]:
    """The ``xml:base`` and ``xml:lang`` in force inside ``element`` (feedparser's stacks)."""
    attrib = element.attrib
    if attrib:  # feedparser takes a plain base= and lang= too
        new_base = attrib.get(XML_BASE)
        if new_base is None:
            new_base = attrib.get("base")
        if new_base:
            base = (make_safe_absolute_uri(base, new_base) or base) if base else new_base
        new_lang = attrib.get(XML_LANG)
        if new_lang is None:
            new_lang = attrib.get("lang")
        if new_lang is not None:
            lang = new_lang or None
    return base, lang


class _Entry:
    """One item or entry read the way feedparser's mixin reads it, for the keys we use."""

    def __init__(self, doc: _Document) -> None:
        self.doc = doc
        self.entry: dict[str, Any] = {}
        self.depths: dict[str, int] = {}
        self.title_depth = -1
        self.has_content = False
        self.guidislink = False
        self.inimage = False

    # -- feedparser's storage rules ------------------------------------------------------------
    def store(self, key: str, value: Any, depth: int) -> None:
        old = self.depths.get(key)
        if old is None or depth <= old:
            self.depths[key] = depth
            self.entry[key] = value

    def text(self, element: etree._Element, base: str, name: str,
             default_type: str | None = None) -> tuple[str, str | None]:
        """feedparser's ``pop``: the element's value and, for a text construct, its type."""
        kind = None
        base64 = False
        if default_type is not None:
            kind = map_type(element.get("type", default_type))
            base64 = element.get("mode") == "base64" or not (
                kind.startswith("text/") or kind.endswith("+xml") or kind.endswith("/xml"))
        if len(element):
            if kind is not None:
                value, kind = markup_value(element, kind, self.doc.atom10)
            else:
                # Children are elements of their own: only this element's own text is its value.
                value = (element.text or "") + "".join(c.tail or "" for c in element)
        else:
            value = element.text or ""
            if kind == XHTML and value:
                value = xml.sax.saxutils.escape(value)  # feedparser escapes XHTML's text
        value = value.strip()
        if base64 and value:
            try:
                value = binascii.a2b_base64(value.encode("utf-8")).decode("utf-8")
            except (binascii.Error, UnicodeError):
                pass
        if name in _RELATIVE_URI and value and (name != "id" or self.guidislink):
            value = _join(base, value)
        if kind == "text/plain" and not self.doc.atom and looks_like_html(value):
            kind = "text/html"
        return self.doc.finish(value), kind

    def content(self, element: etree._Element, base: str, lang: str | None, depth: int,
                key: str, default_type: str) -> None:
        value, kind = self.text(element, base, key, default_type)
        if key == "content":
            self.entry.setdefault("content", []).append({"value": value, "language": _dash(lang)})
            if kind in _HTML_TYPES or kind == "text/plain":
                self.entry.setdefault("summary", value)
        else:
            self.store(key, value, depth)
            if key == "title":
                self.entry["title_detail"] = {"language": _dash(lang)}

    # -- authors, as feedparser's _save_author and _sync_author_detail -----------------------------
    def sync_author(self) -> None:
        entry = self.entry
        authors = entry.get("authors") or [{}]
        detail = authors[-1]
        if detail:
            name, email = detail.get("name"), detail.get("email")
            if name and email:
                entry["author"] = f"{name} ({email})"
            elif name:
                entry["author"] = name
            elif email:
                entry["author"] = email
            return
        if not entry.get("author"):
            return
        author, email = split_author(entry["author"])
        if author:
            detail["name"] = author
        if email:
            detail["email"] = email

    def save_author(self, key: str, value: str) -> None:
        # feedparser syncs here too, and with this author still empty it parses the previous
        # author's string into this one (a nameless <author> inherits a name): we do not.
        self.entry.setdefault("authors", [{}])[-1][key] = value

    def author(self, element: etree._Element, base: str, lang: str | None, depth: int) -> None:
        self.entry.setdefault("authors", []).append({})
        for child in element:
            name = self.doc.name(child)
            if name in ("name", "email", "itunes_name", "itunes_email"):
                raw = (child.text or "") + "".join(c.tail or "" for c in child) if len(child) else (child.text or "")
                self.save_author(name.replace("itunes_", ""), raw.strip())
            elif name in ("uri", "url", "homepage"):
                child_base, _ = _scope(child, base, lang)
                self.save_author("href", self.text(child, child_base, "href")[0])
        value, _ = self.text(element, base, "author")
        self.store("author", value, depth)
        self.sync_author()

    # -- categories, as feedparser's _start_category/_end_category/_add_tag ----------------------
    def add_tag(self, term: str | None, scheme: str | None, label: str | None) -> None:
        tags = self.entry.setdefault("tags", [])
        if not term and not scheme and not label:
            return
        value = {"term": term, "scheme": scheme, "label": label}
        if value not in tags:
            tags.append(value)

    def category(self, element: etree._Element, base: str, lang: str | None, depth: int,
                 term: str | None, scheme: str | None, label: str | None) -> None:
        """A category's tag from its attributes, then the elements inside it (feedparser reads
        them: an iTunes category nested in another is a tag too), then its own text."""
        self.add_tag(term, scheme, label)
        if len(element):
            self.walk(element, base, lang, depth)
        value, _ = self.text(element, base, "category")
        if not value:
            return
        tags = self.entry["tags"]
        if tags and not tags[-1]["term"]:
            tags[-1]["term"] = value
        else:
            self.add_tag(value, None, None)

    # -- the walk -----------------------------------------------------------------------------------
    def walk(self, parent: etree._Element, base: str, lang: str | None, depth: int) -> None:
        for element in parent:
            name = self.doc.name(element)
            if name is None:
                continue
            if self.inimage and name not in _IMAGE_CHILDREN and "_" not in name:
                self.inimage = False  # feedparser's "special hack" for empty images
            handler = _HANDLERS.get(name)
            element_base, element_lang = _scope(element, base, lang)
            if handler is None:
                if name in _APART:
                    continue  # a <source>'s elements (feedparser keeps them apart), an item in an item
                if len(element):
                    self.walk(element, element_base, element_lang, depth + 1)
                continue
            handler(self, element, element_base, element_lang, depth + 1)


def _title(entry: _Entry, element, base, lang, depth) -> None:
    if -1 < entry.title_depth <= depth:
        return
    entry.content(element, base, lang, depth, "title", "text/plain")
    if entry.entry.get("title") and entry.depths.get("title") == depth:
        entry.title_depth = depth


def _media_title(entry: _Entry, element, base, lang, depth) -> None:
    title_depth = entry.title_depth
    _title(entry, element, base, lang, depth)
    entry.title_depth = title_depth


def _summary_or_content(entry: _Entry, element, base, lang, depth, media_type: str) -> None:
    # As feedparser: a second summary of an entry without content becomes its content.
    if "summary" in entry.entry and not entry.has_content:
        _content(entry, element, base, lang, depth)
    else:
        entry.content(element, base, lang, depth, "summary", media_type)


def _description(entry: _Entry, element, base, lang, depth) -> None:
    _summary_or_content(entry, element, base, lang, depth, "text/html")


def _abstract(entry: _Entry, element, base, lang, depth) -> None:
    entry.content(element, base, lang, depth, "summary", "text/plain")


def _summary(entry: _Entry, element, base, lang, depth) -> None:
    _summary_or_content(entry, element, base, lang, depth, "text/plain")


def _content(entry: _Entry, element, base, lang, depth) -> None:
    entry.has_content = True
    entry.content(element, base, lang, depth, "content", "text/plain")


def _content_encoded(entry: _Entry, element, base, lang, depth) -> None:
    entry.has_content = True
    entry.content(element, base, lang, depth, "content", "text/html")


def _body(entry: _Entry, element, base, lang, depth) -> None:
    entry.content(element, base, lang, depth, "content", XHTML)


def _link(entry: _Entry, element, base, lang, depth) -> None:
    attrib = {k.lower(): v for k, v in element.attrib.items()}
    rel = attrib.get("rel", "alternate").lower()
    kind = attrib.get("type", "application/atom+xml" if rel == "self" else "text/html").lower()
    # feedparser's _enforce_href: url, then uri, then href; an empty href="" is the base.
    href = attrib.get("url", attrib.get("uri", attrib.get("href")))
    if not href and "href" in attrib:
        href = attrib["href"]
    if href is not None:
        href = _join(base, href)
        if rel == "alternate" and map_type(kind) in _HTML_TYPES:
            entry.entry["link"] = href
        return
    if entry.inimage:
        return  # an item's <image><link> is the image's, not the item's
    value, _ = entry.text(element, base, "link")
    if "&" in value:
        value = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value.replace("&amp;", "&"))
    entry.entry["link"] = value


def _guid(entry: _Entry, element, base, lang, depth) -> None:
    # feedparser lower-cases attribute names: isPermalink="false" counts too.
    permalink = next((v for k, v in element.attrib.items() if k.lower() == "ispermalink"), "true")
    entry.guidislink = permalink == "true"
    value, _ = entry.text(element, base, "id")
    entry.store("id", value, depth)
    if entry.guidislink:
        entry.entry.setdefault("link", value)


def _author(entry: _Entry, element, base, lang, depth) -> None:
    entry.author(element, base, lang, depth)


def _category_of(scheme_default: str | None) -> Callable:
    def read(entry: _Entry, element, base, lang, depth) -> None:
        attrib = {k.lower(): v for k, v in element.attrib.items()}
        scheme = attrib.get("scheme", attrib.get("domain", scheme_default))
        entry.category(element, base, lang, depth, attrib.get("term"), scheme, attrib.get("label"))
    return read


def _itunes_category(entry: _Entry, element, base, lang, depth) -> None:
    entry.category(element, base, lang, depth, element.get("text"), "http://www.itunes.com/", None)


def _tags(entry: _Entry, element, base, lang, depth) -> None:
    """feedparser's made-up ``<tags>a, b</tags>`` (its bug 392): one tag per comma."""
    for term in entry.text(element, base, "tags")[0].split(","):
        entry.add_tag(term.strip(), None, None)


def _textinput(entry: _Entry, element, base, lang, depth) -> None:
    """A ``<textInput>`` in an item: as for an ``<image>``, a title in it counts afresh."""
    entry.title_depth = -1
    entry.walk(element, base, lang, depth)


def _keywords(scheme: str | None) -> Callable:
    def read(entry: _Entry, element, base, lang, depth) -> None:
        value, _ = entry.text(element, base, "keywords")
        for term in value.split(","):
            if term.strip():
                entry.add_tag(term.strip(), scheme, None)
    return read


def _date(key: str) -> Callable:
    def read(entry: _Entry, element, base, lang, depth) -> None:
        value, _ = entry.text(element, base, key)
        entry.store(key, value, depth)
        # feedparser's date parsing is left to the reader of the entry (normalize.feed's
        # _entry_date), which needs it only when its own parse_date cannot read the text: the
        # text stands in for feedparser's time tuple, which is never a str.
        entry.entry[f"{key}_parsed"] = value
    return read


def _plain(key: str) -> Callable:
    def read(entry: _Entry, element, base, lang, depth) -> None:
        entry.store(key, entry.text(element, base, key)[0], depth)
    return read


def _rights(entry: _Entry, element, base, lang, depth) -> None:
    entry.content(element, base, lang, depth, "rights", "text/plain")


def _walk(entry: _Entry, element, base, lang, depth) -> None:
    entry.walk(element, base, lang, depth)


def _image(entry: _Entry, element, base, lang, depth) -> None:
    """An ``<image>`` inside an item (feedparser's ``inimage``): its link is not the item's,
    and a title in it counts afresh."""
    entry.title_depth = -1
    entry.inimage = True
    entry.walk(element, base, lang, depth)
    entry.inimage = False


_IMAGE_CHILDREN = frozenset({"title", "link", "description", "url", "href", "width", "height"})


_HANDLERS: dict[str, Callable] = {
    "title": _title, "dc_title": _title, "media_title": _media_title,
    "description": _description, "dc_description": _description,
    "media_description": _description, "abstract": _abstract,
    "summary": _summary, "itunes_summary": _summary,
    "content": _content, "content_encoded": _content_encoded, "fullitem": _content_encoded,
    "body": _body, "xhtml_body": _body,
    "link": _link, "guid": _guid, "id": _guid,
    "author": _author, "managingeditor": _author, "dc_creator": _author, "dc_author": _author,
    "itunes_author": _author,
    "category": _category_of(None), "keywords": _category_of(None),
    "dc_subject": _category_of(None), "tags": _tags,
    "media_category": _category_of("http://search.yahoo.com/mrss/category_schema"),
    "itunes_category": _itunes_category,
    "itunes_keywords": _keywords("http://www.itunes.com/"), "media_keywords": _keywords(None),
    "pubdate": _date("published"), "published": _date("published"), "issued": _date("published"),
    "dcterms_issued": _date("published"),
    "updated": _date("updated"), "modified": _date("updated"), "lastbuilddate": _date("updated"),
    "dc_date": _date("updated"), "dcterms_modified": _date("updated"),
    "created": _date("created"), "dcterms_created": _date("created"),
    "language": _plain("language"), "dc_language": _plain("language"),
    "rights": _rights, "copyright": _rights, "dc_rights": _rights,
    "media_group": _walk, "media_content": _walk, "image": _image, "textinput": _textinput,
}
_APART = frozenset({"source", "item", "entry"})


def read_entries(root: etree._Element, url: str | None = None, language: str | None = None
                 ) -> tuple[dict, Iterator[tuple[dict, etree._Element]]] | None:
    """Return ``(feed, entries)``: the feed's ``language`` and ``rights``, and an iterator of
    ``(entry, item element)`` pairs, entries shaped like feedparser's; or ``None``.

    In: the root element of a well-formed document (parsed by :mod:`normalize.xmlsafe`), the
    document URL (the base of relative links, as feedparser's ``Content-Location``) and the
    ``Content-Language`` (feedparser's language before any ``xml:lang``). The
    entries are read lazily, in document order, so the caller may
    ``clear()`` each item once it has its record. ``None`` only when the document holds no RSS,
    RDF or Atom element (CDF, a made-up root). Never raises on a document libxml2 parsed.
    """
    doc = _Document(False, False)
    found = _feed_element(doc, root, url or "", language or None)
    if found is None:
        log.debug("no feed in a <%s> document: feedparser reads it", root.tag)
        return None
    root, base, lang = found
    atom = doc.name(root) == "feed"
    doc.atom = atom
    # feedparser's version is atom10 when the Atom 1.0 namespace was declared before anything
    # else named one (its track_namespace): that turns on the XHTML <div> unwrapping.
    doc.atom10 = atom and _ATOM10 in {uri.lower() for uri in root.nsmap.values()} and not (
        _RSS10 in {uri.lower() for uri in root.nsmap.values()})
    feed: dict[str, Any] = {"language": lang.replace("_", "-") if lang else None, "rights": None}
    feed_entry = _Entry(doc)  # the feed's own elements, read by the same rules
    # The feed's own values first (feedparser keeps the last, wherever it stands).
    containers = [(root, base, lang)]
    while containers:
        parent, parent_base, parent_lang = containers.pop(0)
        for child in parent:
            name = doc.name(child)
            if name == "channel" and not atom:
                containers.append((child, *_scope(child, parent_base, parent_lang)))
            elif name in ("language", "dc_language"):
                feed["language"] = feed_entry.text(child, parent_base, "language")[0]
            elif name in ("rights", "copyright", "dc_rights"):
                child_base, _ = _scope(child, parent_base, parent_lang)
                feed["rights"] = feed_entry.text(child, child_base, "rights", "text/plain")[0]
    return feed, _entries(doc, root, base, lang, atom)


_ROOTS = frozenset({"rss", "rdf_rdf", "feed"})
_ATOM10 = ATOM_NS.lower()
_RSS10 = "http://purl.org/rss/1.0/"


def _feed_element(doc: _Document, root: etree._Element, url: str, language: str | None
                  ) -> tuple[etree._Element, str, str | None] | None:
    """The document's ``rss``, RDF or ``feed`` element with the ``xml:base`` and ``xml:lang`` in
    force inside it: the root, or the first one inside another root (an Atom feed served inside
    an XHTML page, which feedparser reads too); else the root itself when items stand under it
    (a ``<channel>`` or CDF root, RSS 1.1: feedparser reads their items, without a version);
    ``None`` when there is neither (a page, a sitemap)."""
    if doc.name(root) in _ROOTS:
        return (root, *_scope(root, url, language))
    items = False
    for element in root.iter():
        name = doc.name(element)
        if name in _ROOTS:
            base, lang = url, language
            for scope in (*reversed(list(element.iterancestors())), element):
                base, lang = _scope(scope, base, lang)
            return element, base, lang
        items = items or name in ("item", "entry")
    return (root, *_scope(root, url, language)) if items else None


def _entries(doc: _Document, parent: etree._Element, parent_base: str, parent_lang: str | None,
             atom: bool, state: dict | None = None) -> Iterator[tuple[dict, etree._Element]]:
    """The items under ``parent`` (the channel's and the root's), read in document order."""
    # feedparser's "has content" flag is reset only at the end of an item: a channel whose
    # summary was followed by a description (or that has content:encoded) makes the first
    # item's summary-like elements overwrite its summary instead of becoming content.
    state = {"summary": False, "has_content": False} if state is None else state
    for child in parent:
        name = doc.name(child)
        if name is None:
            continue
        if name in ("item", "entry"):
            entry = _read_item(doc, child, parent_base, parent_lang, state["has_content"])
            state["has_content"] = False
            yield entry, child
        elif name == "channel" and not atom:
            yield from _entries(doc, child, *_scope(child, parent_base, parent_lang), atom, state)
        elif name in _FEED_SUMMARY:
            if state["summary"] and not state["has_content"]:
                state["has_content"] = True  # feedparser reads it as the feed's content
            elif name in ("summary", "itunes_summary"):
                state["summary"] = True
        elif name in ("content_encoded", "content", "fullitem"):
            state["has_content"] = True
            state["summary"] = True
        elif len(child) and next(child.iter("{*}item", "{*}entry"), None) is not None:
            # items inside some other element (a made-up <section>): feedparser reads them
            yield from _entries(doc, child, *_scope(child, parent_base, parent_lang), atom, state)


def _cdf_attributes(entry: _Entry, item: etree._Element, base: str) -> None:
    """A CDF item's ``LASTMOD`` and ``HREF`` attributes: its date and link (feedparser's
    ``_cdf_common``, for an item of any dialect)."""
    for key, value in item.attrib.items():
        key = key.lower()
        if key == "lastmod":
            entry.store("updated", value, 2)
            entry.entry["updated_parsed"] = value
        elif key == "href":
            entry.entry["link"] = _join(base, value) if value else value


_FEED_SUMMARY = frozenset({"description", "dc_description", "media_description", "summary",
                           "itunes_summary"})


def _read_item(doc: _Document, item: etree._Element, parent_base: str, parent_lang: str | None,
               has_content: bool) -> dict:
    """One item or entry, read in the scope of its parent."""
    entry = _Entry(doc)
    entry.has_content = has_content
    item_base, item_lang = _scope(item, parent_base, parent_lang)
    if item.attrib:
        about = item.get(f"{{{RDF_NS}}}about")
        if about:
            entry.entry["id"] = about
        _cdf_attributes(entry, item, item_base)
    entry.walk(item, item_base, item_lang, 2)
    found = entry.entry
    if "published" in found and "updated" not in found:
        # feedparser 6 answers "updated" with "published" (its issue 310)
        found["updated"] = found["published"]
        found["updated_parsed"] = found.get("published_parsed")
    return found
