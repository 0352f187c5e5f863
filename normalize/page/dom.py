"""Reading a page: bytes to text to an lxml tree, its base and canonical URLs, and the small
element helpers every other module of the package uses."""

from __future__ import annotations

import functools
import re
from typing import Any, Iterable, Mapping
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from normalize.charsets import WEB_BOMS, bom_codec, browser_codec, header_charset
from normalize.errors import ParseError
from normalize.sanitize import strip_forbidden_chars
from normalize.text import clean_text


# ---------------------------------------------------------------------------------------------
# Decoding

_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)


def decode_page(data: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Return the text of an HTML page.

    The encoding comes from a byte-order mark, else the HTTP ``Content-Type`` charset, else the
    page's ``<meta charset>`` (or ``http-equiv`` content type), else UTF-8; undecodable bytes
    become U+FFFD. Never raises.
    """
    marked = bom_codec(data, WEB_BOMS)
    if marked:
        codec, length = marked
        return data[length:].decode(codec, "replace")
    codec = browser_codec(header_charset(headers))
    if codec is None:
        meta = _META_CHARSET.search(data[:4096])
        codec = browser_codec(meta.group(1).decode("ascii")) if meta else None
        if codec is not None and codec != "utf-8" and not data.isascii():
            # Pages re-saved by editors and CMS exports keep a stale legacy <meta charset>;
            # non-ASCII text in a legacy encoding is almost never valid UTF-8 by chance.
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                pass
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


@functools.lru_cache(maxsize=None)
def _xpath(expr: str) -> etree.XPath:
    """``expr`` compiled once: ``el.xpath(expr)`` compiles it on every call, and the readers
    ask the same few questions of hundreds of elements per page (a third of their cost)."""
    return etree.XPath(expr)


def _tokens(el) -> frozenset[str]:
    """The words of an element's class and id (``article-body`` gives ``article``, ``body``)."""
    return _name_tokens(_names(el))


@functools.lru_cache(maxsize=8192)
def _name_tokens(names: str) -> frozenset[str]:
    """The words of :func:`_names`' string, once per string: the readers ask about every
    element of a page, and a page repeats a few dozen class names."""
    return frozenset(t for t in _SPLIT_TOKENS.split(names) if t)


#: A class name joining "comments" with one of these ("comments_datetime") names a piece of
#: the article's meta line ("By X | 10/5/11 09:19 PM | 12 comments"), not the comments.
_META_LINE_PARTS = {"datetime", "date", "time", "meta", "info", "byline"}
# The two words run together, camel-cased once lower-cased ("bylineComments": the Telegraph's
# box of the byline and the comment count).
_META_LINE_COMMENTS = re.compile(r"^(?:%s)comments?$" % "|".join(sorted(_META_LINE_PARTS)))


@functools.lru_cache(maxsize=4096)
def comments_meta_line(names: str) -> bool:
    """Whether one of the class and id names :func:`_names` gives joins a word for the
    comments with a word for a meta line, and no other names the comments alone."""
    joined = False
    for name in names.split():
        tokens = set(_SPLIT_TOKENS.split(name))
        parts = tokens & {"comment", "comments"}
        if parts and not tokens & _META_LINE_PARTS:
            return False
        joined = joined or bool(parts) or any(_META_LINE_COMMENTS.match(t) for t in tokens)
    return joined


def _names(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def _text(el) -> str:
    return clean_text(el.text_content())


def _is_element(el) -> bool:
    return isinstance(el.tag, str)


def _next_element(el):
    """The element after ``el`` among its siblings (comments and processing instructions
    passed over), or ``None``."""
    after = el.getnext()
    while after is not None and not _is_element(after):
        after = after.getnext()
    return after


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


_SELF_CLOSED_HTML = re.compile(r"(<html\b[^<>]*?)\s*/>", re.IGNORECASE)


def _load(data: bytes, url: str | None, headers: Mapping[str, str] | None):
    """``(element tree, decoded text)`` of the page; ``ParseError`` when the bytes are not an
    HTML page."""
    if not data or not data.strip():
        raise ParseError("empty document", where=url)
    # lxml refuses control characters; no feed we write may carry them either.
    text = strip_forbidden_chars(_XML_DECL.sub("", decode_page(data, headers)).lstrip("\ufeff"))
    # "<html xmlns=... />" (a template written as XML): libxml2 closes the whole page on it.
    text = _SELF_CLOSED_HTML.sub(r"\1>", text, count=1)
    first = _FIRST_TAG.search(re.sub(r"<!--.*?-->", "", text[:8192], flags=re.S))
    if text.lstrip()[:1] in ("{", "[") or not _HTML_MARKERS.search(text[:65536]) or (
        first and first.group(1).lower() in _NOT_PAGES
    ):
        raise ParseError("not an HTML page", where=url)
    try:
        return _tree(text), text
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"unreadable HTML: {exc}", where=url) from None


# lxml.html's parser finds the Python class of each element in a Python method, called
# whenever a walk reaches an element it holds no proxy for: thousands of times a page, in our
# readers and in the copies trafilatura and htmldate make (a copy keeps its source's parser).
# This lookup runs in C and gives every element lxml.html's ``HtmlElement``: only ``<form>``,
# ``<input>``, ``<select>``, ``<textarea>`` and ``<label>`` lose their own subclasses, whose
# form-filling properties no reader here or in those libraries uses.
_LOOKUP = etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
    pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity)


def _tree(text: str):
    """The element tree of ``text``, a page :func:`_load` decoded and checked."""
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(_LOOKUP)
    return lxml_html.document_fromstring(text, parser=parser)


def _locate(root, url: str | None) -> tuple[str | None, str | None]:
    """``(base URL, canonical URL)`` of the page."""
    canonical = _first(
        link.get("href", "").strip() for link in root.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    )
    base_tag = _first(b.get("href") for b in root.iter("base"))
    base = _absolute(base_tag, url) if base_tag else url
    canonical = _absolute(canonical, base) or None
    # Links are made absolute in the chosen body only (engine.absolute_links), and by
    # _absolute wherever a picture or related item reads one: a whole page's links (styles,
    # scripts, menus) were a tenth of the parse.
    return base or canonical, canonical
