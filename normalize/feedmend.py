"""Slips of real feeds that libxml2 refuses or half-reads, mended for the lxml reader to read.

Of the documents libxml2 refuses, two kinds are whole feeds with one slip each, and feedparser
(its loose parser, after expat gave up) reads them as their publisher meant:

* a module prefix used but never declared (``<content:encoded>``, ``<wfw:commentRss>`` in a
  feed whose root declares only ``itunes``): the prefix is bound on the root to its usual URI,
  as feedparser names such an element by its prefix (``content_encoded``);
* an HTML 4 named entity XML does not define (``&nbsp;``, ``&eacute;``): it is written as the
  character reference feedparser reads it as (``&#160;``). Only outside CDATA sections and
  comments, where libxml2 refuses it; the five XML entities and unknown names stay as they are
  (an unknown name still costs the document, which feedparser then reads).

Two more are read as feedparser reads them:

* bytes that are not in the encoding they declare (UTF-8 declared, cp1252 written; a label no
  codec knows): :func:`parse_decoded` decodes them as feedparser does (the HTTP charset, then
  the declared encoding, UTF-8, cp1252...) and parses the UTF-8 it would parse;
* an HTML entity in a document whose DOCTYPE names an external DTD (the Netscape RSS 0.91 one):
  libxml2 accepts it, as the DTD may declare it, and leaves an entity node without text, which
  :func:`resolve_entity_nodes` turns into the character (``&uuml;`` -> ``ü``), or into the
  reference as text for a name HTML does not know, as feedparser's loose parser reads them (it
  drops the DOCTYPE, so expat refuses the reference).

Nothing here loosens :mod:`normalize.xmlsafe`: the bytes mended are already past
:func:`~normalize.xmlsafe.refuse_entity_declarations` (an entity *declared* in a DTD is refused
before any parser runs, mended or not), and the mended bytes go through the same parser, with
the same settings. :func:`mend` only rewrites what a retry needs; whether the retry parses is
the test that these were the only slips.
"""

from __future__ import annotations

import codecs
import html.entities
import re
from typing import Mapping

from lxml import etree

from normalize.charsets import UTF8_BOM, bom_codec
from normalize.errors import ParseError
from normalize.xmlsafe import parse_xml

#: The module prefixes feeds use without declaring them, and their usual namespace URIs (those
#: feedparser's table gives the same prefix, so both readers name their elements alike).
USUAL_NAMESPACES: dict[str, str] = {
    "admin": "http://webns.net/mvcb/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "feedburner": "http://rssnamespace.org/feedburner/ext/1.0",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "georss": "http://www.georss.org/georss",
    "itunes": "http://www.itunes.com/DTDs/PodCast-1.0.dtd",
    "media": "http://search.yahoo.com/mrss/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "thr": "http://purl.org/rss/1.0/modules/threading/",
    "trackback": "http://madskills.com/public/xml/rss/module/trackback/",
    "wfw": "http://wellformedweb.org/commentAPI/",
}

_XML_ENTITIES = frozenset({"lt", "gt", "amp", "quot", "apos"})
# A CDATA section or comment (skipped whole: a reference there is text), else a named reference.
# One left open runs to the end, so many open ones cost one pass, not one pass each.
_REFERENCE = re.compile(rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)|&([A-Za-z][A-Za-z0-9]*);", re.S)
# A prefixed element or attribute name: "<content:encoded", " rdf:about=".
_PREFIXED = re.compile(rb"<([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=")
# The prolog (declaration, comments, a DOCTYPE without internal subset), then the root's name
# and attributes up to the end of its start tag.
_ROOT = re.compile(
    rb"(?:" + re.escape(UTF8_BOM) + rb")?(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*>)*"
    rb"<([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>", re.S)


def mend(data: bytes) -> tuple[bytes, str] | None:
    """The document with its undeclared usual prefixes declared and its HTML entities written
    as character references, and a note saying what was mended; ``None`` when there is neither
    to mend (or the document is not in an ASCII-compatible encoding, or its root is not found).

    In: document bytes libxml2 refused, already past ``refuse_entity_declarations``. Out: the
    mended bytes for the same parser to try again, never a parsed tree.
    """
    if b"\x00" in data[:4]:
        return None  # UTF-16/32: the byte patterns below do not apply
    done: list[str] = []
    entities: set[str] = set()

    def reference(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name is None:
            return match.group(0)
        text = name.decode("ascii")
        code = html.entities.name2codepoint.get(text)
        if code is None or text in _XML_ENTITIES:
            return match.group(0)
        entities.add(text)
        return b"&#%d;" % code

    if b"&" in data:
        data = _REFERENCE.sub(reference, data)
        if entities:
            done.append(f"HTML entities read as their characters ({', '.join(sorted(entities))})")
    root = _ROOT.match(data)
    if root is None:
        return None
    declared = set(re.findall(rb"\sxmlns:([\w.-]+)\s*=", root.group(2)))
    used = {name for pair in _PREFIXED.findall(data) for name in pair if name}
    missing = sorted(name.decode("ascii") for name in used - declared
                     if name.decode("ascii") in USUAL_NAMESPACES)
    if missing:
        bindings = "".join(f' xmlns:{name}="{USUAL_NAMESPACES[name]}"' for name in missing)
        data = data[:root.end(1)] + bindings.encode("ascii") + data[root.end(1):]
        done.append(f"undeclared prefixes bound to their usual namespaces ({', '.join(missing)})")
    if not done:
        return None
    return data, "malformed XML mended: " + "; ".join(done)


def parse_mended(data: bytes) -> tuple[etree._Element | None, tuple[bytes, str] | None]:
    """The root of ``data`` mended by :func:`mend`, and the mended bytes and note; ``(None,
    None)`` when there is nothing to mend or the mended bytes are still refused. Never raises."""
    mended = mend(data)
    if mended is None:
        return None, None
    try:
        return parse_xml(mended[0]), mended
    except ParseError:
        return None, None


def resolve_entity_nodes(root: etree._Element) -> str | None:
    """Replace the entity nodes libxml2 left in a document with a DOCTYPE by their text (an HTML
    entity's character, else the reference itself) and say what was mended, for the repair
    note; ``None`` (nothing looked at) for a document without a DOCTYPE or entity nodes."""
    if not root.getroottree().docinfo.doctype:
        return None
    nodes = list(root.iter(etree.Entity))
    if not nodes:
        return None
    names, unknown = set(), set()
    for node in nodes:
        name = node.name
        code = html.entities.name2codepoint.get(name)
        (names if code is not None else unknown).add(name)
        text = (chr(code) if code is not None else f"&{name};") + (node.tail or "")
        parent, previous = node.getparent(), node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        node.tail = None
        parent.remove(node)
    read = f"HTML entities read as their characters ({', '.join(sorted(names))})" if names else ""
    kept = f"unknown entities kept as text ({', '.join(sorted(unknown))})" if unknown else ""
    return "; ".join(part for part in (read, kept) if part)


def parse_decoded(data: bytes, headers: Mapping[str, str] | None, url: str | None,
                  charset: str | None) -> tuple[etree._Element | None, tuple[bytes, str] | None]:
    """The root of ``data`` decoded as feedparser decodes a document libxml2 refused (by the
    HTTP ``charset``, else by feedparser's own order of guesses), mended by :func:`mend` if need
    be, and the mended bytes and note (``None`` when unmended); ``(None, None)`` when no reading
    parses. Never raises."""
    from feedparser.encodings import convert_to_utf8

    response = {k.lower(): v for k, v in (headers or {}).items()}
    if url:
        response.setdefault("content-location", url)
    tried = {data}
    for recoded in (recode(data, charset) if charset is not None else None,
                    convert_to_utf8(response, data, {})):
        if recoded is None or recoded in tried:
            continue
        tried.add(recoded)
        try:
            return parse_xml(recoded), None
        except ParseError:
            root, mended = parse_mended(recoded)
            if root is not None:
                return root, mended
    return None, None


def same_codec(one: str, other: str) -> bool:
    """Whether two charset labels name one codec (``utf8`` and ``UTF-8``, ``latin1``)."""
    try:
        return codecs.lookup(one).name == codecs.lookup(other).name
    except LookupError:
        return one.lower() == other.lower()


def recode(data: bytes, charset: str) -> bytes | None:
    """The document as feedparser hands it to its parser when the HTTP charset decodes it: in
    UTF-8, its XML declaration saying so; ``None`` when the charset does not decode it (feedparser
    then tries the declared encoding, which is what libxml2 read)."""
    from feedparser.encodings import RE_XML_DECLARATION

    if charset.lower() == "gb2312":
        charset = "gb18030"  # as feedparser: a superset
    mark = bom_codec(data)
    if mark is not None:
        data = data[mark[1]:]  # feedparser drops a byte-order mark before it decodes
    try:
        text = data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None
    declaration = "<?xml version='1.0' encoding='utf-8'?>"
    if RE_XML_DECLARATION.search(text):
        text = RE_XML_DECLARATION.sub(declaration, text)
    else:
        text = declaration + "\n" + text
    return text.encode("utf-8")
