"""How feedparser turns a feed's text constructs into strings, for :mod:`normalize.fastfeed`.

feedparser's strict (expat) parser reads inline markup inside a title, description or content
element as text pieces: an element declared as escaped HTML that holds real elements becomes
XHTML, a ``<div>`` in it is not (TypePad's habit), attribute names are lower-cased and ``rel``
and ``type`` values too, an empty element is written ``<br></br>``, and an Atom 1.0 XHTML
construct loses the ``<div>`` that wraps it; in a construct of another XML type (SVG), a child
element without attributes is an element of its own to feedparser, and its text is not the
construct's. :func:`markup_value` gives the same string from an lxml element, so both readers
hand the sanitizer the same markup. :func:`finish` and :func:`split_author` are feedparser's last
steps on every text and on an author string.
"""

from __future__ import annotations

import re
import xml.sax.saxutils

from feedparser.mixin import _FeedParserMixin
from lxml import etree

XHTML = "application/xhtml+xml"
#: Namespaces feedparser knows (lower-cased URIs) and the prefix it names their elements with,
#: taken from feedparser itself: ``dc:creator`` is ``dc_creator`` (its ``_start_dc_creator``)
#: whatever prefix the document uses; RSS and Atom's own namespaces (all of them, the early
#: Atom drafts' and Userland's too) have none. Any ``backend.userland.com/rss`` URI is RSS.
PREFIXES = {uri.lower(): (prefix.lower() + "_" if prefix else "")
            for uri, prefix in _FeedParserMixin.namespaces.items()}
PREFIXES[""] = ""


def known_prefix(namespace: str) -> str | None:
    """feedparser's element prefix (``"dc_"``, ``""``) for a namespace, or ``None`` when it does
    not know the namespace (then it names the element by the document's own prefix)."""
    namespace = namespace.lower()
    if "backend.userland.com/rss" in namespace:
        return ""
    return PREFIXES.get(namespace)


# feedparser's last step on a text: C1 controls (U+0080-U+009F) read as cp1252's characters.
_CP1252 = {i: bytes([i]).decode("cp1252") for i in range(128, 160) if i not in (129, 141, 143, 144, 157)}
_C1 = re.compile("[\x80-\x9f]")
_C1_BYTES = bytes(range(0x80, 0xA0))
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")  # the C1 controls encoded, \xc2 a lead byte only


def _has_c1(value: str) -> bool:
    """Whether ``value`` holds a C1 control (U+0080-U+009F): ``_C1.search`` on a short value;
    a long one is encoded, and its bytes searched in C at about a nanosecond a byte (the
    regex's character class scans several times slower: a 3 kB body 11-15 -> 2-4 µs)."""
    if len(value) < 64:
        return _C1.search(value) is not None
    try:
        data = value.encode("iso-8859-1")
    except UnicodeEncodeError:
        data = value.encode("utf-8", "surrogatepass")
        start = data.find(b"\xc2")
        return start >= 0 and _C1_UTF8.search(data, start) is not None
    return len(data.translate(None, _C1_BYTES)) != len(data)


def finish(value: str) -> str:
    """feedparser's last steps on every text it keeps: the utf-8 re-decoding repair (its strict
    parser always reads UTF-8: it converts every document first, so the repair applies whatever
    the document's encoding) and the cp1252 mapping of C1 controls (both no-ops on ASCII)."""
    if value.isascii():
        return value
    # Fails fast (in C) on any character past Latin-1 or any lone Latin-1 letter.
    try:
        value = value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    if _has_c1(value):
        value = value.translate(_CP1252)
    return value


_EMAIL = re.compile(r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,63}|[0-9]{1,3})(\]?))(\?subject=\S+)?""")


def split_author(author: str) -> tuple[str, str | None]:
    """feedparser's name and e-mail of an RSS author string (``ana@paper.example (Ana)``), with
    a full top-level domain where feedparser keeps four letters (the name stays clean)."""
    match = _EMAIL.search(author)
    if not match:
        return author, None
    email = match.group(0)
    author = author.replace(email, "").replace("()", "").replace("<>", "")
    author = author.replace("&lt;&gt;", "").strip()
    if author and author[0] == "(":
        author = author[1:]
    if author and author[-1] == ")":
        author = author[:-1]
    return author.strip(), email


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
            prefix = PREFIXES.get(ns.lower())  # feedparser: an unknown one has none
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

    def element(self, element: etree._Element, own: bool = True) -> None:
        """One child element; ``own`` is False inside an element feedparser reads as one of
        its own (its text goes there, not into the construct)."""
        tag = element.tag
        if not isinstance(tag, str):
            if own:
                self.data(element.tail)
            return
        local = (tag.rpartition("}")[2] if tag[0] == "{" else tag).lower()
        emit = True
        inner = own
        if not self.kind.endswith("xml"):
            if local == "div":
                emit = False  # feedparser: "typepad does this"
            else:
                self.kind = XHTML  # markup declared as escaped, but it isn't really
        elif self.kind != XHTML and own:
            # Another XML type (SVG): feedparser keeps an element without attributes apart
            # (its own entry key) and writes the text of one with attributes into the construct.
            inner = _feedparser_attributes(element, local)
        if emit and self.kind == XHTML:
            self.pieces.append(f"<{local}{_xhtml_attrs(element)}>")
        if inner:
            self.data(element.text)
        for child in element:
            self.element(child, inner)
        closing = True
        if not self.kind.endswith("xml"):
            if local == "div":
                closing = False
            else:
                self.kind = XHTML
        if closing and self.kind == XHTML:
            self.pieces.append(f"</{local}>")
        if own:
            self.data(element.tail)


_XLINK = "http://www.w3.org/1999/xlink"


def _feedparser_attributes(element: etree._Element, local: str) -> bool:
    """Whether feedparser's strict parser sees attributes on ``element``: its own, the
    ``xmlns`` it adds to an SVG or MathML root, or an XLink namespace declared on it."""
    if element.attrib:
        return True
    namespace = element.tag[1:].partition("}")[0] if element.tag[0] == "{" else ""
    if (local, namespace) in (("svg", "http://www.w3.org/2000/svg"),
                              ("math", "http://www.w3.org/1998/Math/MathML")):
        return True
    parent = element.getparent()
    inherited = parent.nsmap if parent is not None else {}
    return any(prefix and uri == _XLINK and inherited.get(prefix) != uri
               for prefix, uri in element.nsmap.items())
