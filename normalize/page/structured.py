"""What a page declares about itself: JSON-LD, microdata and meta tags (Open Graph,
``article:*``, Dublin Core), merged field by field into :class:`Fields` (first source wins)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterator

from normalize.bylines import BYLINE_LABEL, parse_byline
from normalize.text import clean_text, html_to_text, plain_title
from normalize.page.dom import _as_int, _first, _is_element, _language_code, _text, _xpath
from normalize.page.pictures import _Picture, _in_picture
from normalize.page.dates import _parse_declared_date
from normalize.page.names import _is_full_name, _letters
from normalize.page.visible import _author_list

log = logging.getLogger(__name__)


@dataclass
class _Fields:
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    #: the page's date as a generic meta tag gives it (``_META_DATED``)
    dated: datetime | None = None
    summary: str | None = None
    url: str | None = None
    language: str | None = None
    sections: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    publisher: str | None = None
    article_body: str | None = None
    picture: _Picture | None = None
    #: what the page declares itself: "article" (an Article item in JSON-LD or microdata, or
    #: og:type article) or "front" (a JSON-LD CollectionPage or ItemList and no article), if any
    declared: str | None = None
    #: False when the page declares its text not free to read (``isAccessibleForFree``)
    free: bool | None = None
    #: the date the page's own other creative work declares (:data:`_WORK_TYPES`)
    work_published: datetime | None = None
    #: every publication date offered, in the order offered
    published_seen: list[datetime] = field(default_factory=list)
    #: the publication dates the meta tags declare beside the one offered (``pubdate`` and
    #: ``dc.date.issued`` on one page): what a printed date may confirm
    published_also: list[datetime] = field(default_factory=list)

    def offer(self, **values: Any) -> None:
        """Set each field that has no value yet (the first source that has one wins).

        A picture is merged attribute by attribute when a later source names the same one.
        """
        for name, value in values.items():
            if name == "published" and value:
                self.published_seen.append(value)
            current = getattr(self, name)
            if value and not current:
                setattr(self, name, value)
            elif name == "picture" and value and current.key() == value.key():
                for attr in ("caption", "credit", "type", "width", "height"):
                    if not getattr(current, attr):
                        setattr(current, attr, getattr(value, attr))


    def settle_published(self) -> None:
        """Choose among the publication dates offered so far when they fall on different days.

        JSON-LD, microdata and meta tags each declare one, and they disagree when one of them
        carries the date of the last edit or republication (SEO plugins and CMS templates
        refill one field on each edit). An article is first published before it is edited:
        the earliest is its publication date.
        """
        offered = self.published_seen
        if len({d.date() for d in offered}) > 1:
            self.published = min(offered)

    def disputed_published(self) -> list[datetime]:
        """Every publication date declared, when they fall on more than one day (else none):
        the page's printed date may tell which one it shows (:func:`normalize.page.dates.
        printed_declaration`)."""
        declared = self.published_seen + self.published_also
        # Declared instants closer than the zones are apart may be one local time read in two
        # zones (a meta tag's "2016-12-19T19:08:44" beside JSON-LD's "2016-12-20T00:08:44Z").
        apart = bool(declared) and max(declared) - min(declared) > _ZONES_APART
        return declared if apart and len({d.date() for d in declared}) > 1 else []


#: The widest gap between two zones' clocks (UTC-12 to UTC+14).
_ZONES_APART = timedelta(hours=26)


# ---------------------------------------------------------------------------------------------
# JSON-LD

_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
    "backgroundnewsarticle", "opinionnewsarticle", "reviewnewsarticle", "asknewsarticle",
    "askpublicnewsarticle", "blogposting", "liveblogposting", "report", "satiricalarticle",
    "socialmediaposting", "techarticle", "discussionforumposting", "scholarlyarticle",
    "medicalscholarlyarticle", "advertisercontentarticle", "apireference",
}
#: Other creative works a page may be the page of (a book's, a review's, a recipe's): their
#: declared date is the page's when it declares no article.
_WORK_TYPES = {
    "creativework", "book", "chapter", "review", "criticreview", "recipe", "howto", "course",
    "episode", "podcastepisode", "tvepisode", "radioepisode", "thesis", "guide", "legislation",
}
_PAGE_TYPES = {"webpage", "itempage", "collectionpage"}
_FRONT_TYPES = {"collectionpage", "itemlist", "searchresultspage"}
#: The page of one item: its author is the text's.
_OWN_PAGE_TYPES = {"webpage", "itempage"}


def _later_thread_page(root, types: set[str]) -> bool:
    """Whether the page is a later page of a forum thread (a posting, and a ``<link
    rel=prev>``): the posting's date is the thread's opening, not this page's first post."""
    return "discussionforumposting" in types and bool(root.xpath("//link[@rel='prev']"))


def _types(node: dict) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for v in values if v}


# A whole line commented out, or a comment after a value ("width": "1000", // px).
_LINE_COMMENT = re.compile(r'(?m)^[ \t]*//.*$|(?<=[,{\[\s"\d])[ \t]*//[^\n"]*$')


def _load_json_ld(text: str) -> Any:
    text = text.strip()
    # CMS templates wrap the JSON in comments or CDATA, and leave trailing commas behind.
    text = re.sub(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)", "", text)
    text = re.sub(r"(?://\s*)?(?:-->|\]\]>)\s*$", "", text).strip()
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    text = re.sub(r",\s*([}\]])", r"\1", text)
    try:
        return json.loads(text, strict=False)
    except ValueError as exc:
        error = exc
    # A hand-written template's JavaScript comments.
    uncommented = re.sub(r",\s*([}\]])", r"\1", _LINE_COMMENT.sub("", text))
    if uncommented != text:
        try:
            return json.loads(uncommented, strict=False)
        except ValueError:
            pass
    # A hand-written template's stray closing brace (or a second value run on) follows a
    # complete object: the object is still the page's.
    try:
        value, _ = json.JSONDecoder(strict=False).raw_decode(text)
        return value
    except ValueError:
        log.debug("unreadable JSON-LD block skipped: %s", error)
        return None


class _Graph:
    """Every JSON-LD node of a page, with ``@id`` references resolvable."""

    def __init__(self, blocks: list[Any]):
        self.nodes: list[dict] = []
        self.by_id: dict[str, dict] = {}
        for block in blocks:
            self._walk(block, top=True)

    def _walk(self, value: Any, top: bool) -> None:
        if isinstance(value, list):
            for item in value:
                self._walk(item, top)
        elif isinstance(value, dict):
            if isinstance(value.get("@id"), str) and len(value) > 1:
                self.by_id.setdefault(value["@id"], value)
            if top:
                self.nodes.append(value)
            for key, item in value.items():
                # @graph and mainEntity hold the page's own items; deeper values are only
                # needed to resolve references.
                self._walk(item, top=top and key in ("@graph", "mainEntity"))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and \
                isinstance(value.get("@id"), str):
            return self.by_id.get(value["@id"], value)
        return value

    def article(self, page_urls: set[str]) -> dict | None:
        """The node describing this page's article (the best-filled one, this page's first)."""
        best, best_score = None, -1
        for node in self.nodes:
            if not _types(node) & _ARTICLE_TYPES:
                continue
            entity = self.resolve(node.get("mainEntityOfPage"))
            own = {v for v in (node.get("url"), node.get("@id"),
                               entity.get("@id") if isinstance(entity, dict) else entity)
                   if isinstance(v, str)}
            score = (2 * bool(node.get("headline")) + 2 * bool(node.get("articleBody"))
                     + bool(node.get("datePublished")) + 3 * bool(own & page_urls))
            if score > best_score:
                best, best_score = node, score
        return best

    def names(self, value: Any) -> list[str]:
        """Names from a string, a Person/Organization object, a reference, or a list of them."""
        people: list[str] = []
        organizations: list[str] = []
        for item in value if isinstance(value, list) else [value]:
            item = self.resolve(item)
            if isinstance(item, str):
                people.append(item)
            elif isinstance(item, dict):
                target = organizations if "organization" in _types(item) else people
                target.extend(_person_name(item))
        return people or organizations

    def picture(self, value: Any) -> _Picture | None:
        """The first picture of an ``image`` value (the others are usually crops of it)."""
        if isinstance(value, list):
            return _first(self.picture(item) for item in value)
        value = self.resolve(value)
        if isinstance(value, str):
            return _Picture(url=value.strip()) if value.strip() else None
        if not isinstance(value, dict):
            return None
        url = value.get("url") or value.get("contentUrl")
        if isinstance(url, list):
            url = _first(url)
        if not isinstance(url, str) or not url.strip():
            return None
        caption = value.get("caption") or value.get("description")
        if isinstance(caption, dict):
            caption = caption.get("text") or caption.get("name")
        credit = value.get("creditText")
        for key in ("copyrightHolder", "author", "creator"):
            credit = credit or ", ".join(self.names(value.get(key)))
        credit = credit or value.get("copyrightNotice")
        fmt = value.get("encodingFormat")
        return _Picture(
            url=url.strip(),
            caption=clean_text(caption) if isinstance(caption, str) else None,
            credit=clean_text(credit) if isinstance(credit, str) else None,
            type=fmt if isinstance(fmt, str) and "/" in fmt else None,
            width=_as_int(value.get("width")),
            height=_as_int(value.get("height")),
        )


_WORD = re.compile(r"\w+")


def _person_name(item: dict) -> list[str]:
    """The name of a Person or Organization node: its ``name`` (a string, or a list of
    strings), else its ``givenName`` and ``familyName`` together. A list names the people of
    a byline a content system put in one node (``["Jane Doe", "John Roe"]``); a name sharing
    a word with the first is another spelling of it (``["Jane Doe", "J. Doe"]``)."""
    name = item.get("name")
    if isinstance(name, str) and name.strip():
        return [name]
    if isinstance(name, list):
        names = [n for n in name if isinstance(n, str) and n.strip()]
        first = set(_WORD.findall(names[0].casefold())) if names else set()
        return names[:1] + [n for n in names[1:]
                            if not first.intersection(_WORD.findall(n.casefold()))]
    parts = [item.get(key) for key in ("givenName", "additionalName", "familyName")]
    joined = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return [joined] if joined else []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _read_json_ld(root, fields: _Fields, page_urls: set[str]) -> None:
    blocks = []
    for script in root.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind == "application/ld+json" and script.text:
            blocks.append(_load_json_ld(script.text))
    graph = _Graph([b for b in blocks if b is not None])
    node = graph.article(page_urls)
    if node is not None:
        fields.declared = "article"
        accessible = node.get("isAccessibleForFree")
        if isinstance(accessible, str):
            accessible = accessible.strip().lower() not in ("false", "no", "0")
        if isinstance(accessible, bool):
            fields.free = accessible
        keywords = node.get("keywords")
        if isinstance(keywords, str):
            keywords = keywords.split(",")
        entity = graph.resolve(node.get("mainEntityOfPage"))
        if isinstance(entity, dict):
            entity = entity.get("url") or entity.get("@id")
        url = node.get("url") or entity
        # Yoast-style ids are the page URL plus "#webpage": the fragment names a node, not a page.
        url = url.split("#", 1)[0] if isinstance(url, str) else None
        publisher = graph.names(node.get("publisher"))
        fields.offer(
            title=plain_title(_first(_strings(node.get("headline")) or _strings(node.get("name")))),
            authors=_author_list(graph.names(node.get("author"))),
            published=None if _later_thread_page(root, _types(node)) else
            _parse_declared_date(node.get("datePublished")),
            updated=_parse_declared_date(node.get("dateModified")),
            summary=clean_text(_first(_strings(node.get("description")))),
            url=url if isinstance(url, str) and url.startswith("http") else None,
            language=_language_code(node.get("inLanguage")),
            sections=tuple(clean_text(s) for s in _strings(node.get("articleSection"))),
            keywords=tuple(clean_text(k) for k in _strings(keywords) if clean_text(k)),
            publisher=publisher[0] if publisher else None,
            article_body=_first(_strings(node.get("articleBody"))),
            picture=graph.picture(node.get("image")),
        )
    elif any(_types(n) & _FRONT_TYPES for n in graph.nodes):
        fields.declared = "front"
    else:
        # One work's date: a page listing several works (a reading list) has none of its own.
        dates = {_parse_declared_date(n.get("datePublished")) for n in graph.nodes
                 if _types(n) & _WORK_TYPES} - {None}
        fields.work_published = dates.pop() if len(dates) == 1 else None
    # The language is often declared on the WebPage node only, and the author too when the
    # graph has no article node (Yoast's graph of a post: WebSite, WebPage, Person).
    for other in graph.nodes:
        if _types(other) & (_ARTICLE_TYPES | _PAGE_TYPES):
            fields.offer(language=_language_code(other.get("inLanguage")))
        if _types(other) & _OWN_PAGE_TYPES:
            fields.offer(authors=_author_list(graph.names(other.get("author"))))


# ---------------------------------------------------------------------------------------------
# Microdata


def _item_value(el) -> str:
    if el.tag == "meta":
        return el.get("content") or ""
    if el.tag == "time":
        return el.get("datetime") or _text(el)
    if el.tag in ("a", "link", "area"):
        return el.get("href") or ""
    if el.tag in ("img", "amp-img", "source", "video", "audio"):
        return el.get("src") or ""
    if el.get("content"):
        return el.get("content")
    return _text(el)


def _scope_props(scope) -> Iterator[tuple[str, Any]]:
    """``(property, element)`` pairs of a microdata item, nested items excluded."""
    for el in scope.iterdescendants():
        if not _is_element(el) or el.get("itemprop") is None:
            continue
        owner = next((a for a in el.iterancestors() if a.get("itemscope") is not None), None)
        if owner is not scope:
            continue
        for prop in el.get("itemprop").split():
            yield prop, el


def _read_microdata(root, fields: _Fields) -> Any:
    """Fill fields from an Article microdata item; return its ``articleBody`` element, if any."""
    for scope in _xpath("//*[@itemscope][@itemtype]")(root):
        itemtype = scope.get("itemtype").rstrip("/").rsplit("/", 1)[-1].lower()
        # The page's own work, not one nested in another item (a review of a product).
        if itemtype in _WORK_TYPES and fields.work_published is None \
                and not scope.xpath("ancestor::*[@itemscope]"):
            dates = [_item_value(el) for prop, el in _scope_props(scope) if prop == "datePublished"]
            fields.work_published = _parse_declared_date(_first(dates))
        if itemtype not in _ARTICLE_TYPES:
            continue
        fields.declared = "article"
        props: dict[str, list] = {}
        for prop, el in _scope_props(scope):
            props.setdefault(prop, []).append(el)
        authors = []
        # Sites mark a photo credit itemprop=author too: inside a figure it is not the byline.
        for el in props.get("author", []) + props.get("creator", []):
            if _in_picture(el):
                continue
            if el.get("itemscope") is not None:
                names = [_item_value(n) for prop, n in _scope_props(el) if prop == "name"]
                authors.extend(names[:1])
            else:
                authors.append(_item_value(el))
        picture = _first(_microdata_picture(el) for el in props.get("image", []))

        def value(name: str) -> str | None:
            return _first(_item_value(el) for el in props.get(name, []))

        fields.offer(
            title=plain_title(value("headline") or value("name")),
            authors=_author_list(authors),
            published=None if _later_thread_page(root, {itemtype}) else
            _parse_declared_date(value("datePublished")),
            updated=_parse_declared_date(value("dateModified")),
            summary=clean_text(value("description")),
            language=_language_code(value("inLanguage")),
            sections=tuple(clean_text(_item_value(el)) for el in props.get("articleSection", [])),
            picture=picture,
        )
        bodies = props.get("articleBody")
        return bodies[0] if bodies else None
    return None


def _microdata_picture(el) -> _Picture | None:
    if el.get("itemscope") is None:
        url = _item_value(el) or el.get("data-src")
        return _Picture(url) if url else None
    sub: dict[str, str] = {}
    for prop, node in _scope_props(el):
        sub.setdefault(prop, _item_value(node))
    url = sub.get("url") or sub.get("contentUrl")
    if not url:
        return None
    credit = sub.get("creditText") or sub.get("copyrightHolder") or sub.get("author")
    return _Picture(url, clean_text(sub.get("caption")) or None, clean_text(credit) or None,
                    width=_as_int(sub.get("width")), height=_as_int(sub.get("height")))


# ---------------------------------------------------------------------------------------------
# Meta tags

_META_TITLE = ("og:title", "twitter:title", "dc.title")
_META_SUMMARY = ("og:description", "description", "twitter:description", "dc.description")
_META_IMAGE = ("og:image:secure_url", "og:image:url", "og:image", "twitter:image",
               "twitter:image:src")
_META_PUBLISHED = ("article:published_time", "og:article:published_time", "datepublished",
                   "publish-date", "publish_date", "pubdate", "dc.date.issued",
                   "dcterms.created", "sailthru.date", "parsely-pub-date")
#: A page's date with no word for what it dates: CMSes fill it with the page's last build or
#: edit as often as with the publication. It stands in when the page prints no date.
_META_DATED = ("date", "dc.date", "dcterms.date")
_META_UPDATED = ("article:modified_time", "og:updated_time", "datemodified", "last-modified",
                 "dcterms.modified")
# The scholarly tags last (Highwire's "citation_author", one tag per writer: bioRxiv, journals).
_META_AUTHOR = ("article:author", "author", "dc.creator", "parsely-author", "sailthru.author",
                "byl", "citation_author")
_META_KEYWORDS = ("article:tag", "news_keywords", "keywords")


def _read_meta(root) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("http-equiv")
        # <meta itemprop="author" content="..."> outside any item: the page's own author, as
        # <meta name="author"> (inside an item it is the item's: a comment's, a review's).
        if key is None and meta.get("itemprop") == "author" and not any(
                el.get("itemscope") is not None for el in meta.iterancestors()):
            key = "author"
        value = meta.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), []).append(value.strip())
    return found


def _labelled_twitter_data(meta: dict[str, list[str]]) -> list[str]:
    """The writer's name in the labelled Twitter card fields that SEO plugins (Yoast) print
    on many blogs without a ``<meta name="author">``: ``twitter:label1`` "Written by" /
    "Verfasst von" / "Escrito por" and ``twitter:data1`` the name. Only a label that is a
    writer's label and nothing else: the other fields hold the reading time or the tags."""
    for n in range(1, 5):
        label = _first(meta.get(f"twitter:label{n}", []))
        if not label:
            break
        match = BYLINE_LABEL.match(label)
        if match and match.end() == len(label) and label.strip(" :").casefold() != "by":
            return meta.get(f"twitter:data{n}", [])[:1]
    return []


def _read_meta_fields(meta: dict[str, list[str]], fields: _Fields) -> None:
    def one(keys: tuple[str, ...]) -> str | None:
        return _first(meta.get(k, [None])[0] for k in keys)

    def date(keys: tuple[str, ...]) -> datetime | None:
        return _first(_parse_declared_date(v) for k in keys for v in meta.get(k, []))

    fields.published_also.extend(d for d in (_parse_declared_date(v) for k in _META_PUBLISHED
                                             for v in meta.get(k, [])) if d is not None)

    site = one(("og:site_name", "application-name"))
    og_type = (one(("og:type",)) or "").lower()
    # og:type "website" says nothing: many CMSes put it on every page, articles included.
    if fields.declared is None and og_type.startswith("article"):
        fields.declared = "article"
    # article:author is often a profile URL: no byline. A site often puts its own name in
    # <meta name="author">: kept, for normalize.page.authors looks past it for a printed
    # byline and keeps it only when the page names nobody else.
    declared = [[a for a in meta.get(key, []) if not a.startswith(("http://", "https://", "/"))]
                for key in _META_AUTHOR]
    declared.append(_labelled_twitter_data(meta))
    authors = _first([a for a in found if a not in (site, fields.publisher)]
                     for found in declared) or _first(declared) or []
    listed = _author_list(authors)
    if _more_writers(fields.authors, listed):
        fields.authors = listed
    keywords = [k for key in _META_KEYWORDS for v in meta.get(key, []) for k in v.split(",")]
    picture = None
    image = one(_META_IMAGE)
    if image:
        picture = _Picture(image, type=one(("og:image:type",)),
                           width=_as_int(one(("og:image:width",))),
                           height=_as_int(one(("og:image:height",))))
    fields.offer(
        title=plain_title(one(_META_TITLE)),
        summary=clean_text(html_to_text(one(_META_SUMMARY) or "")),
        url=one(("og:url",)),
        published=date(_META_PUBLISHED),
        updated=date(_META_UPDATED),
        dated=date(_META_DATED),
        authors=listed,
        sections=tuple(clean_text(s) for s in meta.get("article:section", [])),
        keywords=tuple(dict.fromkeys(clean_text(k) for k in keywords if clean_text(k))),
        publisher=site,
        picture=picture,
    )
    if fields.published is None and fields.declared != "article":
        fields.offer(published=fields.work_published)


def _more_writers(declared: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether the bylines ``other`` name the persons ``declared`` names and more: JSON-LD
    often declares the first writer only ("April Roach") where the meta tags name them all
    (``<meta name="author" content="April Roach, Daniel Mahon">``)."""
    if not declared or set(other) <= set(declared):
        return False  # most pages declare the same bylines in both
    mine = {_letters(p) for b in declared for p in parse_byline(b)[0]}
    theirs = [p for b in other for p in parse_byline(b)[0]]
    # Full names only: a profile's address ("facebook.com/jane.doe") names no more writers.
    return bool(mine) and all(map(_is_full_name, theirs)) \
        and mine < {_letters(p) for p in theirs}
