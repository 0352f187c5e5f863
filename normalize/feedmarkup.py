"""How feedparser turns a feed's text constructs into strings, for :mod:`normalize.fastfeed`.

feedparser's strict (expat) parser reads inline markup inside a title, description or content
element as text pieces: an element declared as escaped HTML that holds real elements becomes
XHTML, a ``<div>`` in it is not (TypePad's habit), attribute names are lower-cased and ``rel``
and ``type`` values too, an empty element is written ``<br></br>``, and an Atom 1.0 XHTML
construct loses the ``<div>`` that wraps it. :func:`markup_value` gives the same string from an
lxml element, so both readers hand the sanitizer the same markup.
"""

from __future__ import annotations

import re
import xml.sax.saxutils

from lxml import etree

XHTML = "application/xhtml+xml"
#: Namespaces feedparser reads under a prefix of its own (lower-cased URIs), as its handlers
#: are named: ``dc:creator`` is ``_start_dc_creator`` whatever prefix the document uses.
PREFIXES = {
    "": "",
    "http://purl.org/rss/1.0/": "",
    "http://my.netscape.com/rdf/simple/0.9/": "",
    "http://www.w3.org/2005/atom": "",
    "http://purl.org/atom/ns#": "",
    "http://backend.userland.com/rss": "",
    "http://backend.userland.com/rss2": "",
    "http://blogs.law.harvard.edu/tech/rss": "",
    "http://purl.org/dc/elements/1.1/": "dc_",
    "http://purl.org/dc/terms/": "dcterms_",
    "http://purl.org/rss/1.0/modules/content/": "content_",
    "http://search.yahoo.com/mrss/": "media_",
    "http://search.yahoo.com/mrss": "media_",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes_",
    "http://example.com/dtds/podcast-1.0.dtd": "itunes_",
    "http://www.w3.org/1999/xhtml": "xhtml_",
    "http://www.w3.org/xml/1998/namespace": "xml_",
}
_CLOSE_TAG = re.compile(r"</(\w+)>")
_ENTITY = re.compile(r"&#?\w+;")
_TAG_NAME = re.compile(r"</?(\w+)")


def map_type(value: str) -> str:
    """feedparser's content type for a ``type`` attribute (``html`` -> ``text/html``)."""
    value = value.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html",
            "xhtml": XHTML}.get(value, value)


def looks_like_html(text: str) -> bool:
    """feedparser's guess whether an RSS text element holds HTML (its ``looks_like_html``)."""
    from feedparser.sanitizer import _HTMLSanitizer

    if not (_CLOSE_TAG.search(text) or _ENTITY.search(text)):
        return False
    return all(t.lower() in _HTMLSanitizer.acceptable_elements for t in _TAG_NAME.findall(text))


def markup_value(element: etree._Element, kind: str, atom10: bool) -> tuple[str, str]:
    """The string feedparser makes of a text construct with child elements, and its type.

    In: the element, its declared content type (:func:`map_type`), whether the document is
    Atom 1.0. Out: ``(value, type)``, not stripped. Never raises.
    """
    content = _Content(kind)
    content.data(element.text)
    for child in element:
        content.element(child)
    pieces = content.pieces
    if atom10 and content.kind == XHTML:
        while len(pieces) > 1 and not pieces[-1].strip():
            del pieces[-1]
        while len(pieces) > 1 and not pieces[0].strip():
            del pieces[0]
        if pieces and (pieces[0] == "<div>" or pieces[0].startswith("<div ")) \
                and pieces[-1] == "</div>":
            depth = 0
            for piece in pieces[:-1]:
                if piece.startswith("</"):
                    depth -= 1
                    if depth == 0:
                        break
                elif piece.startswith("<") and not piece.endswith("/>"):
                    depth += 1
            else:
                pieces = pieces[1:-1]
    return "".join(pieces), content.kind


def _xhtml_attrs(element: etree._Element) -> str:
    parts = []
    for key, value in element.attrib.items():
        if key[0] == "{":
            ns, _, local = key[1:].partition("}")
            prefix = PREFIXES.get(ns.lower())
            key = f"{prefix[:-1]}:{local}" if prefix else local
        key = key.lower()
        if key in ("rel", "type"):
            value = value.lower()
        parts.append(' %s="%s"' % (key, xml.sax.saxutils.escape(value, {'"': "&quot;"})))
    return "".join(parts)


class _Content:
    """feedparser's pieces of one text construct whose element has children (inline markup)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.pieces: list[str] = []

    def data(self, text: str | None) -> None:
        if text:
            self.pieces.append(xml.sax.saxutils.escape(text) if self.kind == XHTML else text)

    def element(self, element: etree._Element) -> None:
        tag = element.tag
        if not isinstance(tag, str):
            self.data(element.tail)
            return
        local = (tag.rpartition("}")[2] if tag[0] == "{" else tag).lower()
        emit = True
        if not self.kind.endswith("xml"):
            if local == "div":
                emit = False  # feedparser: "typepad does this"
            else:
                self.kind = XHTML  # markup declared as escaped, but it isn't really
        if emit and self.kind == XHTML:
            self.pieces.append(f"<{local}{_xhtml_attrs(element)}>")
        self.data(element.text)
        for child in element:
            self.element(child)
        closing = True
        if not self.kind.endswith("xml"):
            if local == "div":
                closing = False
            else:
                self.kind = XHTML
        if closing and self.kind == XHTML:
            self.pieces.append(f"</{local}>")
        self.data(element.tail)
