"""Parsing of untrusted XML: every XML agency format goes through :func:`parse_xml`.

Agency documents arrive from the network and from drop folders, so the parser is set up to
refuse the classic XML attacks and to never touch anything but the bytes it is given:

``resolve_entities=False``
    Entity references are never expanded. Expansion is what turns ten nested ``<!ENTITY>``
    lines into gigabytes of text ("billion laughs") and what pulls a file or URL into the
    document (XXE: ``<!ENTITY x SYSTEM "file:///etc/passwd">``).
``no_network=True``
    libxml2 never opens a network connection for a DTD, an entity or an XInclude.
``load_dtd=False`` / ``dtd_validation=False``
    An external DTD named in a DOCTYPE (``SYSTEM "file:///..."`` or ``"http://..."``) is
    neither read nor used: reading it would be a file or network access chosen by the sender,
    and validation would need it. Agency formats carry no entity we depend on.
``huge_tree=False``
    libxml2 keeps its hard limits on depth and text node size, so a hostile document fails
    fast instead of exhausting memory.
``remove_comments=True`` / ``remove_pis=True``
    Comments and processing instructions carry no article content; dropping them keeps them
    out of bodies we serialize and sanitize later.

On top of the parser settings, any document whose DOCTYPE declares an entity is refused with a
:class:`~ingest.errors.ParseError`: no agency format needs one, and a declaration is either an
attack or a mistake we would rather report than half-read. :func:`refuse_entity_declarations`
makes that check on the raw bytes; :mod:`normalize.feed` calls it too before feedparser (expat)
sees an RSS/Atom document, so every XML parser in the pipeline is behind the same gate. HTML
pages go through ``lxml.html.HTMLParser``, whose defaults (``no_network=True``; the HTML parser
never reads an internal subset or expands a declared entity) already make them inert.
Tested in ``tests/test_hostile_xml.py``.
"""

from __future__ import annotations

import logging
import re

from lxml import etree

from normalize.errors import ParseError

log = logging.getLogger(__name__)

# "<!DOCTYPE x [": a DOCTYPE with an internal subset, where entities are declared. Any
# "<!ENTITY" after it counts: a comment or an attribute default holding "]" or "]>" must not
# hide a declaration that follows it.
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)
_ENTITY_KEYWORD = re.compile(rb"<!ENTITY", re.I)
_ENTITY_NAME = re.compile(rb"<!ENTITY\s+(?:%\s+)?([^\s\"'>]+)", re.I)


def _make_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _declared_entities(tree: etree._ElementTree) -> list[str]:
    """Return the names of the entities (general and parameter) the internal subset declares."""
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return []
    return [entity.name for entity in dtd.iterentities()]


def refuse_entity_declarations(data: bytes) -> None:
    """Raise ``ParseError`` if ``data`` has a DOCTYPE internal subset declaring an entity.

    In: the raw bytes of an XML document (UTF-8, Latin-1, UTF-16 or UTF-32). Out: ``None``.
    Used before *any* XML parser sees the bytes (libxml2 here, expat inside feedparser), so
    billion laughs, quadratic blowup and external entities (``SYSTEM "file:..."``/``"http:..."``,
    general or parameter) are refused with one clear reason instead of being half-read. The
    whole document is scanned (a linear regex search, bounded by the fetch size cap) because a
    long comment can push a declaration far from the start.
    """
    view = bytes(data)
    if b"\x00" in view[:4]:
        # UTF-16/32: dropping NUL bytes makes the ASCII keywords readable.
        view = view.replace(b"\x00", b"")
    subset = _INTERNAL_SUBSET.search(view)
    if subset is None:
        return
    declaration = _ENTITY_KEYWORD.search(view, subset.end())
    if declaration is None:
        return
    names = [n.decode("ascii", "replace") for n in _ENTITY_NAME.findall(view, declaration.start())[:3]]
    log.debug("refused a document whose DOCTYPE declares entities: %s", ", ".join(names))
    raise ParseError(f"DOCTYPE declares entities (<!ENTITY {', '.join(names)}>): refused")


#: A character reference to a UTF-16 surrogate (U+D800-U+DFFF), decimal or hex, leading zeros
#: allowed: what a CMS writes when it escapes an emoji as its two UTF-16 halves.
_SURROGATE_REF = re.compile(
    rb"&#(?:0*(5529[6-9]|55[3-9][0-9]{2}|56[0-9]{3}|57[0-2][0-9]{2}|573[0-3][0-9]|5734[0-3])"
    rb"|[xX]0*([dD][89a-fA-F][0-9a-fA-F]{2}));")


def repair_surrogate_references(data: bytes) -> bytes:
    """Return ``data`` with its character references to UTF-16 surrogates made legal.

    XML and Python both refuse a reference to a surrogate (``&#55357;&#56832;``, an emoji
    written as its two UTF-16 halves), and one such reference would cost the whole document.
    A high half followed by a low half becomes the one character they encode
    (``&#128512;``); a half on its own becomes U+FFFD. Documents without one come back as they
    are (the same object); references in UTF-16 or UTF-32 documents are not looked for.
    """
    if _SURROGATE_REF.search(data) is None:
        return data

    def value(match: re.Match[bytes]) -> int:
        decimal, hexadecimal = match.groups()
        return int(decimal) if decimal is not None else int(hexadecimal, 16)

    out: list[bytes] = []
    last = 0
    refs = list(_SURROGATE_REF.finditer(data))
    i = 0
    while i < len(refs):
        ref = refs[i]
        out.append(data[last:ref.start()])
        code, last = value(ref), ref.end()
        following = refs[i + 1] if i + 1 < len(refs) else None
        if (0xD800 <= code < 0xDC00 and following is not None and following.start() == ref.end()
                and 0xDC00 <= value(following) <= 0xDFFF):
            code = 0x10000 + ((code - 0xD800) << 10) + (value(following) - 0xDC00)
            last = following.end()
            i += 1
        elif code >= 0xD800:  # a half without its partner
            code = 0xFFFD
        out.append(b"&#%d;" % code)
        i += 1
    out.append(data[last:])
    log.info("repaired character references to UTF-16 surrogates (%d)", len(refs))
    return b"".join(out)


def parse_xml(data: bytes, *, checked: bool = False) -> etree._Element:
    """Return the root element of the XML document ``data``, parsed safely.

    In: the raw bytes of one document (any encoding XML allows, BOM or declaration).
    ``checked``: the caller has already passed these very bytes through
    :func:`refuse_entity_declarations` and :func:`repair_surrogate_references` (the feed
    reader does, before it chooses a parser), so they are not scanned again.
    Out: the root element, comments and processing instructions removed, entities unexpanded.
    Raises ``ParseError`` when the bytes are not well-formed XML (with libxml2's first message
    line) or when a DOCTYPE declares an entity.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("parse_xml takes bytes")
    if not checked:
        # Checked before libxml2 sees the bytes too: its own amplification guard would
        # otherwise report a billion-laughs document as a mere syntax error. NUL bytes go so
        # that UTF-16 and UTF-32 prologs read as ASCII here.
        refuse_entity_declarations(data)
        data = repair_surrogate_references(bytes(data))
    elif type(data) is not bytes:
        data = bytes(data)  # (lxml reads bytes, not a bytearray)
    try:
        root = etree.fromstring(data, _make_parser())
    except etree.XMLSyntaxError as exc:
        first = (str(exc).splitlines() or ["XML syntax error"])[0]
        raise ParseError(f"not well-formed XML: {first}") from None
    if root is None:
        raise ParseError("not well-formed XML: no root element")
    declared = _declared_entities(root.getroottree())
    if declared:
        names = ", ".join(declared[:3])
        log.debug("refused a document whose DOCTYPE declares entities: %s", names)
        raise ParseError(f"DOCTYPE declares entities (<!ENTITY {names}>): refused")
    return root


#: How deep elements may nest in a document feedparser reads. Its parsers keep a frame per open
#: element (~500 bytes, ~25 µs): a 7 MB document of a million nested elements held 500 MB and
#: took 25 s. libxml2 stops at 256, but feedparser also reads broken documents, where an
#: unclosed ``<br>`` or ``<p>`` in an unescaped description nests each next one deeper.
MAX_NESTING = 10_000
_DEPTH_LIMIT_HIT = "Excessive depth"
# A tag as an XML (or sloppy HTML) reader sees it; a "<" ends a tag that never closed.
_ANY_TAG = re.compile(rb"<(/?)([A-Za-z_][^\s/<>]*)[^<>]*?(/?)>")
_VOID_TAGS = {b"br", b"img", b"hr", b"meta", b"link", b"input", b"wbr", b"col", b"area",
              b"source", b"embed", b"param", b"track", b"base"}


def refuse_deep_nesting(data: bytes, limit: int = MAX_NESTING) -> None:
    """Raise ``ParseError`` if the elements of ``data`` nest more than ``limit`` deep.

    In: the raw bytes of a document about to go to feedparser. Out: ``None``. libxml2 (in
    recover mode, stopping at its own 256) says first whether the document is deep at all, in
    C; only then are the tags followed as a forgiving reader does (an HTML void element opens
    nothing, a closing tag closes what was left open inside its element, a stray one nothing),
    and the count stops at ``limit``: an ordinary document costs one libxml2 pass, a hostile one
    stops at the limit.
    """
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False)
    try:
        etree.fromstring(bytes(data), parser)
    except etree.XMLSyntaxError:
        pass
    if not any(_DEPTH_LIMIT_HIT in error.message for error in parser.error_log):
        return
    stack: list[bytes] = []
    opened: dict[bytes, int] = {}
    for match in _ANY_TAG.finditer(data):
        closing, name, empty = match.groups()
        if empty or name.lower() in _VOID_TAGS:
            continue
        if not closing:
            stack.append(name)
            opened[name] = opened.get(name, 0) + 1
            if len(stack) > limit:
                raise ParseError(f"elements nested more than {limit:,} deep: refused")
        elif opened.get(name):
            while True:
                top = stack.pop()
                opened[top] -= 1
                if top == name:
                    break
