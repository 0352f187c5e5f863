"""Article web pages: the HTML of one article page in, one :class:`~normalize.model.Article` out.

A page says the same thing several times, with varying care: JSON-LD (``NewsArticle`` and
friends, possibly inside ``@graph`` or a list), microdata, OpenGraph and ``article:*`` meta tags,
the ``<html lang>``, the figures and the visible text. :func:`parse` reads them in that order and
merges field by field: the first source that has a value wins. The exceptions:

- the body is the page's own main text, found by scoring containers on paragraph length and link
  density the way readability does (JSON-LD ``articleBody`` is often plain text without
  paragraphs, or a teaser); ``articleBody`` is used only when the visible text is much shorter;
- related items ("related news" lists of title + date + link) are read into ``Article.related``
  and removed before the body is looked for, so they never leak into it;
- the lead picture named by the metadata takes its caption and credit from the figure that shows
  it when the metadata has none.

Keywords and the publisher go to ``extra`` (``("keyword", ...)``, ``("publisher", ...)``).
Agency conventions (a caption ending in its credit, a trailing ``Source: (EUROPA PRESS)`` line,
reading a byline such as ``Por Ana López y Carlos Ruiz``) are left to :mod:`normalize.wire`:
this module extracts what the page shows, bylines as printed.
"""

from __future__ import annotations

import codecs
import copy
import html as html_lib
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from normalize.errors import ParseError
from normalize.model import Article, Credit, Image, Related
from normalize.sanitize import clean_html, strip_forbidden_chars
from normalize.text import clean_text, html_to_text, parse_date, plain_title

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Decoding

_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _codec(label: str | None) -> str | None:
    """Return the Python codec for a charset label as a browser reads it, or ``None``."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    # WHATWG Encoding: browsers decode "iso-8859-1" and "ascii" pages as windows-1252, and such
    # pages rely on it for curly quotes and dashes (0x80-0x9F).
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    # A page that declares UTF-16 in its own ASCII-readable bytes cannot be UTF-16 (WHATWG).
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def decode_page(data: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Return the text of an HTML page.

    The encoding comes from a byte-order mark, else the HTTP ``Content-Type`` charset, else the
    page's ``<meta charset>`` (or ``http-equiv`` content type), else UTF-8; undecodable bytes
    become U+FFFD. Never raises.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace")
    match = _HEADER_CHARSET.search(_header(headers, "content-type") or "")
    codec = _codec(match.group(1)) if match else None
    if codec is None:
        meta = _META_CHARSET.search(data[:4096])
        codec = _codec(meta.group(1).decode("ascii")) if meta else None
    return data.decode(codec or "utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# Small helpers

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_HTML_MARKERS = re.compile(
    r"<(?:!doctype\s+html|html|head|body|title|meta|article|main|div|p|h1|section)\b", re.I
)
_FIRST_TAG = re.compile(r"<([A-Za-z][\w:.-]*)")
# Roots of the documents other parsers read: handing one of them to the page parser is a mistake.
_NOT_PAGES = {"rss", "rdf:rdf", "feed", "newsmessage", "newsitem", "packageitem", "nitf"}
_SPLIT_TOKENS = re.compile(r"[\s_-]+")
# An element with one of these children is a box of blocks, not a block of text.
_BLOCK_CHILD = ("./p|./div|./ul|./ol|./table|./h1|./h2|./h3|./h4|./section|./article|./header|"
                "./figure|./blockquote|./li")


def _tokens(el) -> set[str]:
    """The words of an element's class and id (``article-body`` gives ``article``, ``body``)."""
    raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return {t for t in _SPLIT_TOKENS.split(raw) if t}


def _names(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def _text(el) -> str:
    return clean_text(el.text_content())


def _is_element(el) -> bool:
    return isinstance(el.tag, str)


def _link_density(el, length: int | None = None) -> float:
    """The share of an element's text that sits in links (``length``: its text length, if known)."""
    length = len(_text(el)) if length is None else length
    if not length:
        return 0.0
    linked = sum(len(_text(a)) for a in el.iter("a"))
    return min(1.0, linked / length)


def _first(values: Iterable[Any]) -> Any:
    """The first truthy value (not for elements: an lxml element without children is falsy)."""
    for value in values:
        if value:
            return value
    return None


def _first_element(elements: Iterable[Any]) -> Any:
    return next(iter(elements), None)


def _as_int(value: Any) -> int | None:
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        match = re.match(r"\s*(\d+)", value)
        return int(match.group(1)) if match else None
    return None


def _language_code(value: Any) -> str | None:
    """``fr-FR``, ``fr_FR`` or ``FR`` give ``fr``; anything that is not a code gives ``None``."""
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*", value)
    return match.group(1).lower() if match else None


# ---------------------------------------------------------------------------------------------
# What the sources say, merged field by field


@dataclass
class _Picture:
    url: str
    caption: str | None = None
    credit: str | None = None
    type: str | None = None
    width: int | None = None
    height: int | None = None

    def key(self) -> str:
        """The URL without query or size suffix: the same picture served in another size."""
        path = self.url.split("?", 1)[0].split("#", 1)[0]
        return re.sub(r"[-_]\d+x\d+(?=\.\w+$)", "", path.rsplit("/", 1)[-1]).lower()


@dataclass
class _Fields:
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    summary: str | None = None
    url: str | None = None
    language: str | None = None
    sections: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    publisher: str | None = None
    article_body: str | None = None
    picture: _Picture | None = None

    def offer(self, **values: Any) -> None:
        """Set each field that has no value yet (the first source that has one wins).

        A picture is merged attribute by attribute when a later source names the same one.
        """
        for name, value in values.items():
            current = getattr(self, name)
            if value and not current:
                setattr(self, name, value)
            elif name == "picture" and value and current.key() == value.key():
                for attr in ("caption", "credit", "type", "width", "height"):
                    if not getattr(current, attr):
                        setattr(current, attr, getattr(value, attr))


# ---------------------------------------------------------------------------------------------
# JSON-LD

_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
    "backgroundnewsarticle", "opinionnewsarticle", "reviewnewsarticle", "asknewsarticle",
    "askpublicnewsarticle", "blogposting", "liveblogposting", "report", "satiricalarticle",
    "socialmediaposting", "techarticle",
}
_PAGE_TYPES = {"webpage", "itempage", "collectionpage"}


def _types(node: dict) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for v in values if v}


def _load_json_ld(text: str) -> Any:
    text = text.strip()
    # CMS templates wrap the JSON in comments or CDATA, and leave trailing commas behind.
    text = re.sub(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)", "", text)
    text = re.sub(r"(?://\s*)?(?:-->|\]\]>)\s*$", "", text).strip()
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:
        return json.loads(re.sub(r",\s*([}\]])", r"\1", text), strict=False)
    except ValueError as exc:
        log.debug("unreadable JSON-LD block skipped: %s", exc)
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
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                target = organizations if "organization" in _types(item) else people
                target.append(item["name"])
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
            published=parse_date(node.get("datePublished")),
            updated=parse_date(node.get("dateModified")),
            summary=clean_text(_first(_strings(node.get("description")))),
            url=url if isinstance(url, str) and url.startswith("http") else None,
            language=_language_code(node.get("inLanguage")),
            sections=tuple(clean_text(s) for s in _strings(node.get("articleSection"))),
            keywords=tuple(clean_text(k) for k in _strings(keywords) if clean_text(k)),
            publisher=publisher[0] if publisher else None,
            article_body=_first(_strings(node.get("articleBody"))),
            picture=graph.picture(node.get("image")),
        )
    # The language is often declared on the WebPage node only.
    for other in graph.nodes:
        if _types(other) & (_ARTICLE_TYPES | _PAGE_TYPES):
            fields.offer(language=_language_code(other.get("inLanguage")))


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
    for scope in root.xpath("//*[@itemscope][@itemtype]"):
        itemtype = scope.get("itemtype").rstrip("/").rsplit("/", 1)[-1].lower()
        if itemtype not in _ARTICLE_TYPES:
            continue
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
            published=parse_date(value("datePublished")),
            updated=parse_date(value("dateModified")),
            summary=clean_text(value("description")),
            language=_language_code(value("inLanguage")),
            sections=tuple(clean_text(_item_value(el)) for el in props.get("articleSection", [])),
            picture=picture,
        )
        bodies = props.get("articleBody")
        return bodies[0] if bodies else None
    return None


def _in_picture(el) -> bool:
    return any(_is_figure(a) for a in el.iterancestors())


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
                   "publish-date", "publish_date", "pubdate", "date", "dc.date.issued",
                   "dc.date", "dcterms.created", "sailthru.date", "parsely-pub-date")
_META_UPDATED = ("article:modified_time", "og:updated_time", "datemodified", "last-modified",
                 "dcterms.modified")
_META_AUTHOR = ("article:author", "author", "dc.creator", "parsely-author", "sailthru.author",
                "byl")
_META_KEYWORDS = ("article:tag", "news_keywords", "keywords")


def _read_meta(root) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("http-equiv")
        value = meta.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), []).append(value.strip())
    return found


def _read_meta_fields(meta: dict[str, list[str]], fields: _Fields) -> None:
    def one(keys: tuple[str, ...]) -> str | None:
        return _first(meta.get(k, [None])[0] for k in keys)

    site = one(("og:site_name", "application-name"))
    # article:author is often a profile URL, and a site often puts its own name in
    # <meta name="author">: neither is a byline.
    authors = _first(
        [a for a in meta.get(key, []) if not a.startswith(("http://", "https://", "/"))
         and a not in (site, fields.publisher)]
        for key in _META_AUTHOR
    ) or []
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
        published=_first(parse_date(v) for k in _META_PUBLISHED for v in meta.get(k, [])),
        updated=_first(parse_date(v) for k in _META_UPDATED for v in meta.get(k, [])),
        authors=_author_list(authors),
        sections=tuple(clean_text(s) for s in meta.get("article:section", [])),
        keywords=tuple(dict.fromkeys(clean_text(k) for k in keywords if clean_text(k))),
        publisher=site,
        picture=picture,
    )


# ---------------------------------------------------------------------------------------------
# Bylines and dates in the visible page

_BYLINE_PREFIX = re.compile(
    r"^(?:written\s+by|by|por|par|von|di|de|da|door|texto?|texte|text|autor(?:a|in)?|auteur|"
    r"author|redacción|reportage)\s*[:\-–]?\s+",
    re.I,
)
_NAME_JOINERS = re.compile(r"\s*(?:,|&|\band\b|\by\b|\bet\b|\bund\b|\be\b)\s*", re.I)
_NAME_WORD = re.compile(
    r"^[A-ZÀ-ÖØ-Þ][\w.'’-]*$|^(?:de|da|del|van|von|der|di|le|la|dos|das)$")


def _author_list(values: Iterable[str]) -> tuple[str, ...]:
    """Bylines as printed, cleaned of markup and stray separators.

    Reading them ("By A and B, Rome correspondent") is :mod:`normalize.bylines`' work, which
    :func:`normalize.wire.enrich` applies to every record, so it is not done twice here.
    """
    texts = (clean_text(html_to_text(v) if "<" in (v or "") else v) for v in values)
    return tuple(dict.fromkeys(t.strip(" |·-–—,") for t in texts if t.strip(" |·-–—,")))


def _is_byline(text: str) -> bool:
    """Whether a line is a printed byline: a label ("By", "Por"...) and then only names."""
    match = _BYLINE_PREFIX.match(text)
    if not match:
        return False
    parts = [p for p in _NAME_JOINERS.split(text[match.end():]) if p]
    return bool(parts) and all(_looks_like_name(p) for p in parts)


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words)


def _without_site(authors: tuple[str, ...], site_names: set[str]) -> tuple[str, ...]:
    """Drop the outlet's own name from bylines ("Por Mariana Alves, Portal Exemplo")."""
    if not site_names:
        return authors
    wanted = {name.casefold() for name in site_names}
    kept = []
    for author in authors:
        parts = re.split(r"\s*,\s*|\s+[|–—-]\s+", author)
        rest = [p for p in parts if p.casefold() not in wanted]
        if len(rest) == len(parts):
            kept.append(author)
        elif rest:
            kept.append(", ".join(rest))
    return tuple(kept)


_AUTHOR_PAGE = re.compile(r"/(?:authors?|autor(?:es|a)?|autori?|auteurs?|signataires|redakteur|"
                          r"journalist[ea]?s?|periodistas?|firmas?|profile)/[^/]+/?$", re.I)
_BYLINE_CLASSES = ("byline", "by-line", "author", "autor", "auteur", "firma", "signature",
                   "writer")
_BYLINE_NOISE = ("bio", "avatar", "image", "img", "photo", "box", "about", "social", "follow")


def _find_byline(root, scope) -> tuple[str, ...]:
    """Author names from the visible byline: ``rel=author`` links, else a byline element."""
    for area in (scope, root):
        if area is None:
            continue
        links = [_text(a) for a in area.xpath(".//a[contains(concat(' ',@rel,' '),' author ')]")]
        if any(links):
            return _author_list(links)
        # Minified class names say nothing, but a link to the author's page does.
        links = [_text(a) for a in area.xpath(".//a[@href]")
                 if _AUTHOR_PAGE.search(a.get("href")) and _looks_like_name(_text(a))
                 and not _in_picture(a)]
        if links:
            return _author_list(links)
        for el in area.iter():
            if not _is_element(el) or el.tag in ("html", "body", "article", "main", "meta") or (
                _in_picture(el)
            ):
                continue
            names = _names(el)
            if el.get("itemprop") == "author" or (
                any(c in names for c in _BYLINE_CLASSES)
                and not any(n in _tokens(el) for n in _BYLINE_NOISE)
            ):
                text = _byline_text(el)
                if text and len(text) <= 120:
                    return _author_list([text])
    return ()


def _byline_text(el) -> str:
    """The name part of a byline element (without its date, time or "share" bits)."""
    names = [_text(n) for n in el.xpath(".//*[@itemprop='name']")]
    if names and all(names):
        return ", ".join(names)
    el = copy.deepcopy(el)
    for sub in el.xpath(".//time|.//*[contains(@class,'date')]"):
        sub.drop_tree()
    text = _text(el)
    return re.split(r"\s[|·•—]\s|\s-\s", text)[0].strip()


_MONTHS = {
    # en
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # fr
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
    # es
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
    # de
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "juni": 6, "juli": 7,
    "oktober": 10, "dezember": 12,
    # pt
    "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "maio": 5, "junho": 6, "julho": 7,
    "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    # it
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
}
_MONTH = r"([^\W\d_]{3,10})\.?"
_TIME = r"(?:\D{0,8}?(\d{1,2})[:h.](\d{2}))?"
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})\.?(?:\s+de)?\s+" + _MONTH + r"(?:\s+de)?,?\s+(\d{4})" + _TIME)
_MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME)
_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})" + _TIME)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?")


def _parse_text_date(text: str) -> datetime | None:
    """A date as pages print it ("6 avril 2023", "April 6, 2023", "06.04.2023 14:30")."""
    iso = _ISO_DATE.search(text)
    if iso:
        return parse_date(iso.group(0).replace(" ", "T"))
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy"), (_NUMERIC, "num")):
        match = pattern.search(text)
        if not match:
            continue
        if order == "dmy":
            day, month, year = match.group(1), _MONTHS.get(match.group(2).lower()), match.group(3)
        elif order == "mdy":
            month, day, year = _MONTHS.get(match.group(1).lower()), match.group(2), match.group(3)
        else:
            day, month, year = match.group(1), int(match.group(2)), match.group(3)
        hour, minute = match.group(4), match.group(5)
        try:
            return datetime(int(year), int(month or 0), int(day), int(hour or 0),
                            int(minute or 0), tzinfo=timezone.utc)
        except (TypeError, ValueError):
            continue
    return None


_DATE_CLASSES = ("date", "fecha", "datum", "data", "time", "publi", "posted")


def _find_date(root, scope) -> datetime | None:
    """The publication date shown on the page: a ``<time>``, else a dated element's text."""
    areas = [a for a in (scope, root) if a is not None]
    for area in areas:
        times = area.xpath(".//time[@datetime]")
        preferred = [t for t in times if t.get("pubdate") is not None
                     or "publish" in _names(t) or "datePublished" in (t.get("itemprop") or "")]
        found = _first(parse_date(t.get("datetime")) for t in preferred + times)
        if found:
            return found
    for area in areas:
        for el in area.iter():
            if not _is_element(el) or el.tag in ("html", "body", "article", "main"):
                continue
            names = _names(el)
            if any(w in names for w in _DATE_CLASSES):
                text = _text(el)
                if len(text) <= 80:
                    found = _parse_text_date(text)
                    if found:
                        return found
    return None


# ---------------------------------------------------------------------------------------------
# Related items

_RELATED_NAMES = re.compile(
    r"related|relacionad|relacionat|connexe|correlat|verwandt|lire-aussi|leia-tambem|yarpp|"
    r"more-stories|more-news|also-read|read-also|read-next|more-from|recommend"
)
_RELATED_HEADINGS = re.compile(
    r"^(?:related|more on this|read (?:also|more|next)|see also|à lire aussi|lire aussi|"
    r"más información|mais informações|saiba mais|weitere artikel|per approfondire|"
    r"sur le même sujet|dans la même rubrique|vous aimerez aussi|noticias relacionadas|"
    r"te puede interesar|lee también|leia também|notícias relacionadas|veja também|"
    r"mehr zum thema|das könnte sie auch interessieren|lesen sie auch|leggi anche|"
    r"articoli correlati|potrebbe interessarti|ti potrebbe interessare)",
    re.I,
)


def _related_containers(root) -> list:
    """The outermost "related news" boxes: named so in their class or id, or by their heading."""
    found = []
    for el in root.iter():
        if not _is_element(el) or el.tag in ("html", "body", "a"):
            continue
        if not _RELATED_NAMES.search(_names(el)):
            if el.tag not in ("section", "aside", "div", "nav"):
                continue
            heading = _first(_text(h) for h in el.xpath(
                "./*[self::h2 or self::h3 or self::h4 or self::h5 or self::header][1]"))
            if not heading or not _RELATED_HEADINGS.match(heading):
                continue
        if not el.xpath(".//a[@href]") or any(f in el.iterancestors() for f in found):
            continue
        # "post related-enabled" on the article itself: a list of links is mostly links.
        prose = len(_text(el)) - sum(len(_text(a)) for a in el.iter("a"))
        if el.tag not in ("article", "main") and prose < 2000:
            found.append(el)
    return found


def _read_related(container, base: str | None) -> list[Related]:
    items = [el for el in container.xpath(".//li|.//article")
             if not any(a.tag in ("li", "article") for a in el.iterancestors()
                        if container in a.iterancestors())]
    if not items:
        # Items as plain boxes: the children that hold a link (through single wrappers).
        level = container
        while True:
            items = [c for c in level if _is_element(c) and c.xpath("self::a[@href]|.//a[@href]")
                     and c.tag not in ("h2", "h3", "h4", "h5", "h6", "header")]
            if len(items) != 1 or items[0].tag == "a":
                break
            level = items[0]
    related: list[Related] = []
    seen: set[str] = set()
    for item in items:
        links = [item] if item.tag == "a" else item.xpath(".//a[@href]")
        heading = _first(_text(h) for h in item.xpath(".//h2|.//h3|.//h4|.//h5|.//h6"))
        # The title link is the one on (or in) the item's heading, else the first with text.
        in_heading = [a for a in links if a.xpath(".//h2|.//h3|.//h4|.//h5|.//h6|ancestor::h2|"
                                                   "ancestor::h3|ancestor::h4|ancestor::h5|"
                                                   "ancestor::h6")]
        link = _first_element(in_heading + [a for a in links if _text(a)])
        if link is None:
            continue
        title = heading or _text(link) or clean_text(link.get("title"))
        url = _absolute(link.get("href"), base)
        if not title or not url or url in seen:
            continue
        seen.add(url)
        times = item.xpath(".//time")
        published = _first(parse_date(t.get("datetime")) for t in times) or _first(
            _parse_text_date(_text(t)) for t in times)
        if published is None:
            published = _parse_text_date(_text(item).replace(title, " "))
        related.append(Related(title=title, url=url, published=published))
    return related


def _absolute(url: str | None, base: str | None) -> str | None:
    if not url or not url.strip():
        return None
    url = url.strip()
    if url.startswith(("javascript:", "data:", "mailto:", "#")):
        return None
    if base:
        try:
            return urljoin(base, url)
        except ValueError:
            return url
    return url


# ---------------------------------------------------------------------------------------------
# Chrome removal

_CHROME_TAGS = {
    "script", "style", "noscript", "template", "svg", "iframe", "nav", "footer", "form",
    "button", "select", "textarea", "dialog", "menu", "amp-sidebar", "amp-ad",
    "amp-analytics", "amp-social-share", "amp-iframe", "object", "embed", "canvas",
}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu",
                 "menubar", "dialog", "toolbar"}
_CHROME_TOKENS = {
    "nav", "navbar", "navigation", "menu", "menus", "breadcrumb", "breadcrumbs", "share",
    "sharing", "sharebar", "social", "socials", "comment", "comments", "disqus", "footer",
    "sidebar", "widget", "widgets", "advert", "advertisement", "ad", "ads", "adslot", "banner",
    "sponsor", "sponsored", "promo", "newsletter", "subscribe", "subscription", "cookie",
    "cookies", "consent", "popup", "modal", "outbrain", "taboola", "recirculation", "trending",
    "popular", "mostread", "tags", "taglist", "editions", "edition", "switcher", "masthead",
    "toolbar", "skip", "paywall", "print", "pagination", "pager", "login", "signup", "embed",
    "twitter", "instagram", "facebook", "whatsapp", "partners", "topbar", "badge",
}
_CONTENT_WORDS = re.compile(r"article|body|content|main|story|entry|post|text|cuerpo|corpo|inhalt")


def _is_chrome(el) -> bool:
    if el.tag in _CHROME_TAGS or (el.get("role") or "").lower() in _CHROME_ROLES:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if el.tag in ("html", "body", "article", "main", "figure") or (
        el.get("itemprop") == "articleBody"
    ):
        return False
    tokens = _tokens(el)
    if not tokens & _CHROME_TOKENS:
        return False
    # "content with-sidebar" wraps the article: only drop wrappers that say nothing of content.
    return not _CONTENT_WORDS.search(_names(el))


def _drop_chrome(root) -> None:
    # Dropping an element inside an already dropped one is harmless, so no ancestry check.
    for el in [el for el in root.iter() if _is_element(el) and _is_chrome(el)]:
        if el.getparent() is not None:
            el.drop_tree()


# ---------------------------------------------------------------------------------------------
# Figures


def _img_url(img, base: str | None) -> str | None:
    candidates = [img.get(a) for a in ("data-src", "data-lazy-src", "data-original", "src")]
    srcset = img.get("data-srcset") or img.get("srcset")
    if srcset:
        candidates.insert(0, _largest(srcset))
    url = _first(c for c in candidates if c and not c.strip().startswith("data:"))
    return _absolute(url, base)


def _largest(srcset: str) -> str | None:
    best, best_size = None, -1.0
    for part in srcset.split(","):
        bits = part.split()
        if not bits:
            continue
        number = re.match(r"\d+(?:\.\d+)?", bits[1]) if len(bits) > 1 else None
        size = float(number.group(0)) if number else 0.0
        if size > best_size:
            best, best_size = bits[0], size
    return best


_CREDIT_XPATH = (
    ".//*[contains(@class,'credit') or contains(@class,'copyright') or "
    "contains(@class,'photographer') or contains(@class,'autor') or "
    "@itemprop='copyrightHolder' or @itemprop='creditText' or @itemprop='author'] | .//cite"
)
_CAPTION_XPATH = (
    ".//figcaption | .//*[contains(@class,'caption') or @itemprop='caption' or "
    "@itemprop='description' or contains(@class,'legend') or contains(@class,'pie-foto') or "
    "contains(@class,'description')]"
)


_PICTURE_BOX = re.compile(r"wp-caption|image|img|photo|foto|bild|picture|media|imagen|immagine")


def _is_figure(el) -> bool:
    """A ``<figure>``, or a box that plays one: a picture and its caption, little else."""
    if el.tag == "figure":
        return True
    if el.tag not in ("div", "span", "section", "p") or not (
        _PICTURE_BOX.search(_names(el)) or "ImageObject" in (el.get("itemtype") or "")
    ):
        return False
    pictures = el.xpath(".//img|.//amp-img")
    return 0 < len(pictures) <= 2 and bool(el.xpath(_CAPTION_XPATH)) and len(_text(el)) < 500


def _read_figure(fig, base: str | None) -> _Picture | None:
    imgs = fig.xpath(".//img | .//amp-img | .//source[@srcset]")
    url = _first(_img_url(img, base) for img in imgs)
    if not url:
        return None
    img = imgs[0]
    credit_els = fig.xpath(_CREDIT_XPATH)
    credit = _first(_text(c) for c in credit_els)
    caption_el = _first_element(c for c in fig.xpath(_CAPTION_XPATH) if c not in credit_els)
    caption = None
    if caption_el is not None:
        copy = lxml_html.fromstring(etree.tostring(caption_el, encoding="unicode", with_tail=False))
        for sub in copy.xpath(_CREDIT_XPATH):
            sub.drop_tree()
        parts = [p for p in (clean_text(" ".join(c.itertext())) for c in copy) if p]
        if not credit and len(parts) >= 2 and not clean_text(copy.text) and len(copy) == 2 \
                and len(parts[-1].split()) <= 6 and not parts[-1].endswith("."):
            # <span>caption</span><span>credit</span>: the classes are minified, the shape is not.
            caption, credit = parts[0], parts[-1]
        else:
            caption = clean_text(" ".join(copy.itertext())) or None
    return _Picture(url=url, caption=caption, credit=credit,
                    width=_as_int(img.get("width")), height=_as_int(img.get("height")))


# ---------------------------------------------------------------------------------------------
# Main text

_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "pre", "table")
_NOT_BODY_TOKENS = {
    "byline", "author", "authors", "autor", "autores", "auteur", "firma", "date", "fecha",
    "datum", "data", "time", "timestamp", "published", "caption", "credit", "kicker", "meta",
    "standfirst", "subtitle", "subheadline", "deck", "dek", "summary", "sumario", "entradilla",
    "chapeau", "excerpt", "teaser", "share", "tags", "related", "info", "details",
}
# Chrome left inside the text container: one-line labels and "read more" links.
_LABELS = re.compile(
    r"(?:advertisement|publicidad|publicité|anzeige|werbung|pubblicità|publicidade|"
    r"read more|continue reading|leer más|lire la suite|weiterlesen|continua a leggere|"
    r"leia mais)\W*",
    re.I,
)
# A rights notice closing the text ("Riproduzione riservata © Copyright ..."). A bare "© dpa"
# is left alone: it is an agency line, which normalize.wire reads.
_RIGHTS = re.compile(
    r"all rights reserved|riproduzione riservata|todos los derechos reservados|"
    r"tous droits réservés|alle rechte vorbehalten|todos os direitos reservados|"
    r"reproducción prohibida|reproduction interdite",
    re.I,
)


def _not_body(el) -> bool:
    # "article-meta" and "post-byline" are metadata, but a long text is not, whatever its class.
    return bool(_tokens(el) & _NOT_BODY_TOKENS) and len(_text(el)) < 500


_POSITIVE = re.compile(r"article|body|content|entry|main|page|post|text|blog|story|"
                       r"cuerpo|texto|corpo|inhalt|contenu")
_NEGATIVE = re.compile(r"comment|meta|footer|footnote|related|share|sidebar|sponsor|widget|"
                       r"promo|nav|menu|teaser|card|list")


def _class_weight(el) -> int:
    names = _names(el)
    weight = 0
    if _POSITIVE.search(names):
        weight += 25
    if _NEGATIVE.search(names):
        weight -= 25
    if el.get("itemprop") == "articleBody":
        weight += 50
    return weight


def _paragraphs_of(el) -> list:
    """Text blocks to score: ``<p>``, and ``<div>``s that hold text but no blocks."""
    return [node for node in el.iter("p", "pre", "td", "div")
            if node.tag != "div" or not node.xpath(_BLOCK_CHILD)]


def _find_container(root, body_hint):
    """The element holding the article's text, or ``None`` when the page has no prose."""
    if body_hint is not None and len(_text(body_hint)) > 80:
        return body_hint
    scores: dict[Any, float] = {}
    for node in _paragraphs_of(root):
        text = _text(node)
        if len(text) < 25:
            continue
        score = 1 + text.count(",") + min(len(text) // 100, 3)
        for level, ancestor in enumerate(node.iterancestors()):
            if level > 2:
                break
            if ancestor not in scores:
                base = {"div": 5, "article": 10, "main": 5, "section": 3, "pre": 3, "td": 3,
                        "blockquote": 3}.get(ancestor.tag, 0)
                if ancestor.tag in ("ul", "ol", "li", "form", "h1", "h2", "h3", "h4"):
                    base = -3
                scores[ancestor] = base + _class_weight(ancestor)
            scores[ancestor] += score / (1, 2, 3)[level]
    if not scores:
        return None
    ranked = {el: s * (1 - _link_density(el)) for el, s in scores.items()}
    top = max(ranked, key=ranked.get)
    # Text split into one wrapper per paragraph: several near-equal candidates. Their common
    # ancestor holds the text (readability's rule, with two alternatives instead of three).
    alternatives = [el for el, score in sorted(ranked.items(), key=lambda kv: -kv[1])[1:6]
                    if el is not top and score >= 0.75 * ranked[top]
                    and top not in el.iterancestors() and el not in top.iterancestors()]
    for ancestor in top.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if sum(ancestor in alt.iterancestors() for alt in alternatives) >= 2:
            return ancestor
    return top


def _collect_blocks(container) -> list:
    blocks = []

    def walk(el) -> None:
        for child in el:
            if not _is_element(child):
                continue
            if child.tag in ("figure", "header", "aside", "h1", "figcaption", "time") or (
                _is_figure(child)
            ):
                continue
            if child.tag in _BLOCKS or (child.tag == "div" and _is_text_div(child)):
                if not _not_body(child) and _is_prose(child):
                    blocks.append(child)
                continue
            if not _not_body(child):
                walk(child)

    walk(container)
    # A heading with no text after it introduces something we dropped (a list of links).
    while blocks and blocks[-1].tag in ("h2", "h3", "h4", "h5", "h6"):
        blocks.pop()
    return blocks


def _is_text_div(el) -> bool:
    return not el.xpath(_BLOCK_CHILD + "|.//img") and len(_text(el)) >= 25


def _is_prose(el) -> bool:
    text = _text(el)
    if not text or _LABELS.fullmatch(text) or (len(text) < 150 and _RIGHTS.search(text)):
        return False
    density = _link_density(el, len(text))
    if el.tag in ("ul", "ol", "table"):
        return density < 0.5
    # Short and mostly links: a menu row or a "back to the home page" line.
    return density < (0.5 if len(text) < 120 else 0.8)


def _block_html(el) -> str:
    markup = etree.tostring(el, encoding="unicode", method="html", with_tail=False)
    if el.tag not in _BLOCKS:  # a <div> of text is a paragraph
        markup = re.sub(r"^<\w+", "<p", re.sub(r"</\w+>$", "</p>", markup))
    return markup


_INLINE = {"a", "abbr", "b", "br", "cite", "code", "em", "font", "i", "img", "q", "s", "small",
           "span", "strong", "sub", "sup", "u", "mark", "time", "wbr"}
_LOOSE_HOLDERS = ("div", "td", "font", "section", "article", "main", "body", "span", "center")
_BR_RUN = re.compile(r"(?:\s*<br\s*/?>\s*){2,}", re.I)


def _wrap_loose_text(root) -> None:
    """Old CMSes write the text straight into a ``<td>`` or ``<font>``, paragraphs split by
    ``<br><br>``: give each run its own ``<p>``, so the text scores like any other."""
    for el in list(root.iter(*_LOOSE_HOLDERS)):
        loose = (el.text or "") + "".join(c.tail or "" for c in el)
        if len(clean_text(loose)) < 100 or any(c.tag not in _INLINE for c in el):
            continue
        if el.xpath("ancestor::p|ancestor::li|ancestor::a|ancestor::h1|ancestor::h2|"
                    "ancestor::h3|ancestor::blockquote"):
            continue
        inner = html_lib.escape(el.text or "", quote=False) + "".join(
            etree.tostring(c, encoding="unicode", method="html", with_tail=True) for c in el)
        runs = [run for run in _BR_RUN.split(inner) if clean_text(re.sub(r"<[^>]*>", "", run))]
        if len(runs) < 2:
            continue
        wrapped = lxml_html.fragment_fromstring("".join(f"<p>{run}</p>" for run in runs),
                                                create_parent="div")
        el.text = None
        for child in list(el):
            el.remove(child)
        el.extend(list(wrapped))


def _body_from_text(article_body: str) -> str:
    if "<" in article_body and re.search(r"</?(?:p|br|div)\b", article_body, re.I):
        return clean_html(article_body)
    paragraphs = [clean_text(p) for p in re.split(r"\n\s*", article_body) if clean_text(p)]
    return "".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in paragraphs)


# ---------------------------------------------------------------------------------------------
# The parser


# "Headline | Site", "Site - Headline", "Headline — Section — Site"
_TITLE_PARTS = re.compile(r"\s+[|–—]\s+|\s+-\s+")


def _strip_site_name(title: str, site_names: Iterable[str | None]) -> str:
    for name in site_names:
        if name:
            pattern = r"\s*[|\-–—:·•]\s*" + re.escape(name) + r"\s*$"
            stripped = re.sub(pattern, "", title, flags=re.I)
            if stripped and stripped != title:
                return stripped
    return title


def _site_names(root, meta: dict[str, list[str]], fields: _Fields) -> list[str]:
    """The outlet's names: declared, or the last part of a "Headline | Section | Site" title."""
    names = [fields.publisher, _first(meta.get("og:site_name", [])),
             _first(meta.get("application-name", []))]
    title = _first(_text(t) for t in root.iter("title")) or ""
    parts = _TITLE_PARTS.split(title)
    if len(parts) > 1 and len(parts[-1]) <= 40 and parts[-1] != max(parts, key=len):
        names.append(parts[-1])
    return list(dict.fromkeys(n for n in names if n))


def _page_title(root, scope, site: str | None) -> str | None:
    for area in (scope, root):
        if area is None:
            continue
        heading = _first(_text(h) for h in area.iter("h1"))
        if heading and heading != site:
            return heading
    title = _first(_text(t) for t in root.iter("title"))
    if not title:
        return None
    stripped = _strip_site_name(title, [site])
    if stripped == title:
        # Unknown site name: of "Headline | Site" or "Site - Headline", the longer part.
        stripped = max(_TITLE_PARTS.split(title), key=len)
    # The page may print it with better typography ("l’intra-muros" for "l'intra-muros").
    wanted = _comparable(stripped)
    shown = _first_element(
        el for el in root.iter("b", "strong", "font", "h2", "h3", "div", "span", "td", "p")
        if len(el.text_content()) < 300 and _comparable(_text(el)) == wanted
    )
    return _text(shown) if shown is not None else stripped


def _comparable(text: str) -> str:
    return re.sub(r"[’‘`´]", "'", re.sub(r"[“”«»„]", '"', text)).casefold()


def _article_scope(container):
    """The ``<article>`` (or ``main``) around the text: where its headline, byline and date sit."""
    if container is None:
        return None
    for el in [container, *container.iterancestors()]:
        if el.tag in ("article", "main") or el.get("itemscope") is not None:
            return el
    return container.getparent()


def _load(data: bytes, url: str | None, headers: Mapping[str, str] | None):
    """The page's element tree; ``ParseError`` when the bytes are not an HTML page."""
    if not data or not data.strip():
        raise ParseError("empty document", where=url)
    # lxml refuses control characters; no feed we write may carry them either.
    text = strip_forbidden_chars(_XML_DECL.sub("", decode_page(data, headers)).lstrip("\ufeff"))
    first = _FIRST_TAG.search(re.sub(r"<!--.*?-->", "", text[:8192], flags=re.S))
    if text.lstrip()[:1] in ("{", "[") or not _HTML_MARKERS.search(text[:65536]) or (
        first and first.group(1).lower() in _NOT_PAGES
    ):
        raise ParseError("not an HTML page", where=url)
    try:
        return lxml_html.document_fromstring(
            text, parser=lxml_html.HTMLParser(remove_comments=True, remove_pis=True)
        )
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"unreadable HTML: {exc}", where=url) from None


def _locate(root, url: str | None) -> tuple[str | None, str | None]:
    """``(base URL, canonical URL)``; links in the tree are made absolute against the base."""
    canonical = _first(
        link.get("href", "").strip() for link in root.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    )
    base_tag = _first(b.get("href") for b in root.iter("base"))
    base = _absolute(base_tag, url) if base_tag else url
    canonical = _absolute(canonical, base) or None
    base = base or canonical
    if base:
        # Body links must work in a feed reader, far from this page.
        try:
            root.make_links_absolute(base, resolve_base_href=False, handle_failures="ignore")
        except ValueError:  # a base lxml cannot join with (control characters...): keep links
            pass
    return base, canonical


def parse(
    data: bytes,
    *,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> list[Article]:
    """Return the one article of an HTML article page.

    ``url`` is where the page was fetched (the guid when the page names no canonical URL, and
    the base of relative links); ``headers`` are the HTTP response headers (for the charset).
    The record's ``language`` is the page's declared language, if any; ``id``, ``source`` and
    ``content_hash`` are left to :func:`normalize.parse_bytes`.
    Raises ``ParseError`` for an empty document, a document that is not HTML (JSON, a feed, plain
    text, binary), or a page where no headline can be found.
    """
    root = _load(data, url, headers)
    base, canonical = _locate(root, url)
    fields = _Fields()
    meta = _read_meta(root)
    page_urls = {u for u in (url, canonical, _first(meta.get("og:url", []))) if u}
    _read_json_ld(root, fields, page_urls)
    body_hint = _read_microdata(root, fields)
    _read_meta_fields(meta, fields)
    fields.offer(language=_language_code(root.get("lang") or root.get("xml:lang")))
    fields.offer(language=_language_code(_first(meta.get("og:locale", []))
                                         or _first(meta.get("content-language", []))))

    # Related lists first: they look like text and carry dates that are not the article's.
    related: list[Related] = []
    for container in _related_containers(root):
        related.extend(r for r in _read_related(container, base)
                       if r.url not in {x.url for x in related})
        container.drop_tree()
    _drop_chrome(root)
    _wrap_loose_text(root)
    if body_hint is None:
        body_hint = _first_element(root.xpath("//*[@itemprop='articleBody']"))
    elif body_hint.getroottree().getroot() is not root:
        body_hint = None

    container = _find_container(root, body_hint)
    scope = _article_scope(container)
    site = fields.publisher
    fields.offer(title=_page_title(root, scope, site))
    blocks = _collect_blocks(container) if container is not None else []
    blocks, shown_authors, shown_date = _split_preamble(container, blocks, fields.title)
    fields.offer(authors=_find_byline(root, scope) or shown_authors)
    fields.offer(published=_find_date(root, scope) or shown_date)
    body_html = clean_html("".join(_block_html(b) for b in blocks))
    body_text = html_to_text(body_html)
    if fields.article_body and len(body_text) < 0.5 * len(clean_text(fields.article_body)):
        # A teaser page (or a script-rendered one) whose text only JSON-LD carries in full.
        body_html = clean_html(_body_from_text(fields.article_body))
        body_text = html_to_text(body_html)

    if not fields.title:
        raise ParseError("no headline found on the page", where=url)

    pictures = _pictures(root, scope, container, blocks, fields.picture, base)
    sites = _site_names(root, meta, fields)
    fields.title = _strip_site_name(fields.title, sites)
    fields.authors = _without_site(fields.authors, sites)
    page_url = canonical or _absolute(fields.url, base) or url
    extra = tuple(("keyword", k) for k in fields.keywords)
    if fields.publisher:
        extra += (("publisher", fields.publisher),)
    return [
        Article(
            id="",
            guid=page_url or "",
            source="",
            title=fields.title,
            url=page_url,
            summary=fields.summary or None,
            body_html=body_html,
            body_text=body_text,
            authors=fields.authors,
            images=tuple(
                Image(url=p.url, caption=p.caption or None,
                      credit=Credit(text=p.credit) if p.credit else None,
                      type=p.type, width=p.width, height=p.height)
                for p in pictures
            ),
            related=tuple(related),
            published=fields.published,
            updated=fields.updated,
            language=fields.language,
            sections=tuple(dict.fromkeys(s for s in fields.sections if s)),
            extra=extra,
        )
    ]


def _pictures(root, scope, container, blocks, lead: _Picture | None, base) -> list[_Picture]:
    """The article's pictures: the declared lead image merged with the figure that shows it."""
    area = scope if scope is not None else root
    figures = [f for f in area.iter() if _is_element(f) and _is_figure(f)
               and not any(_is_figure(a) for a in f.iterancestors())]
    if scope is not None and not figures:
        figures = [f for f in root.iter() if _is_element(f) and _is_figure(f)]
    shown: list[tuple[Any, _Picture]] = []
    for fig in figures:
        picture = _read_figure(fig, base)
        if picture and picture.url not in {p.url for _, p in shown}:
            shown.append((fig, picture))
    if container is not None:
        for img in container.xpath(".//img[not(ancestor::figure)]"):
            url = _img_url(img, base)
            width, height = _as_int(img.get("width")), _as_int(img.get("height"))
            # Avatars, icons and tracking pixels are not the article's pictures.
            small = (width or 200) < 100 or (height or 200) < 100
            if url and not small and not _tokens(img) & {"avatar", "icon", "logo"} and \
                    url not in {p.url for _, p in shown}:
                shown.append((img, _Picture(url, width=width, height=height)))
    if lead is None:
        return [p for _, p in shown]
    lead.url = _absolute(lead.url, base) or lead.url
    match = next((i for i, (_, p) in enumerate(shown) if p.key() == lead.key()), None)
    if match is None and shown and _is_lead_figure(root, shown[0][0], blocks):
        match = 0
    if match is not None:
        _, figure = shown.pop(match)
        lead.caption = lead.caption or figure.caption
        lead.credit = lead.credit or figure.credit
        if lead.url == figure.url:  # another size of the picture has other dimensions
            lead.width = lead.width or figure.width
            lead.height = lead.height or figure.height
    return [lead] + [p for _, p in shown]


_READING_TIME = re.compile(
    r"\d+\s*(?:min|minutes?|minutos?|minuten|minuti)\.?(?:\s+\w+){0,2}", re.I)


def _read_credit_line(text: str) -> tuple[tuple[str, ...], datetime | None] | None:
    """``Par Yann Le Goff - 15/02/2024`` gives its authors and date; ``None`` for any line that
    holds something else."""
    authors: tuple[str, ...] = ()
    date = None
    for part in re.split(r"\s+[|·•—–-]\s+", text):
        if _READING_TIME.fullmatch(part):
            continue
        found = _parse_text_date(part) if len(part) <= 60 else None
        if found and date is None:
            date = found
            continue
        if not authors and _is_byline(part):
            authors = (part,)
            continue
        return None
    return authors, date


def _split_preamble(container, blocks: list, title: str | None):
    """Read "By Jane Doe" and "6 April 2023" lines printed just before the text or at its top
    (pages without markup for them). Return the blocks left, the authors and the date."""
    authors: tuple[str, ...] = ()
    date = None
    before = []
    if container is not None:
        for sibling in container.itersiblings(preceding=True):
            if _is_element(sibling) and _text(sibling):
                before.insert(0, sibling)
                if len(before) == 3:
                    break
        # Lines the text walk skipped (a "meta" box) between the container's top and its text.
        for el in container.iterdescendants():
            if blocks and el is blocks[0]:
                break
            if _is_element(el) and _text(el) and not el.xpath(_BLOCK_CHILD) \
                    and not _in_picture(el) and el.tag not in ("a", "time", "span", "b", "i"):
                before.append(el)
        before = before[-8:]
    for el in before + list(blocks):
        text = _text(el)
        if len(text) > 160 or text == title:
            if el in blocks:
                break
            continue
        # "<p>Por X</p><p>15/05/2024</p>" in one box: each line is read on its own.
        lines = html_to_text(etree.tostring(el, encoding="unicode", with_tail=False)).split("\n")
        found = [_read_credit_line(line) for line in lines if line]
        if not found or None in found:
            if el in blocks:
                break
            continue
        for line_authors, line_date in found:
            authors, date = authors or line_authors, date or line_date
        if el in blocks:
            blocks = blocks[1:]
    return blocks, authors, date


def _is_lead_figure(root, figure, blocks) -> bool:
    """A figure that comes before the second paragraph is the article's lead picture."""
    if len(blocks) < 2:
        return True
    order = {el: i for i, el in enumerate(root.iter())}
    return order.get(figure, 0) < order.get(blocks[1], 0)
