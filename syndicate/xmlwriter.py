"""Small lxml helpers shared by the RSS, Atom and OPML writers.

:func:`element_bytes` and :func:`insert_elements` let one item's bytes go into many documents:
an item laid out once is put into each feed that shows it, giving the bytes :func:`serialize`
gives for the whole tree.

Every string that goes into an element or an attribute passes through
:func:`normalize.sanitize.strip_forbidden_chars` here, so no writer can emit a character XML 1.0
forbids (lxml would refuse it anyway; the record would be lost). lxml does the escaping.
"""

from __future__ import annotations

import re

from typing import Mapping

from lxml import etree

from normalize.sanitize import strip_forbidden_chars
from syndicate.channel import Picture, image_type

ATOM = "http://www.w3.org/2005/Atom"
MEDIA = "http://search.yahoo.com/mrss/"
DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Media RSS credits use the EBU role vocabulary.
EBU = "urn:ebu"


def add(
    parent: etree._Element,
    tag: str,
    text: str | None = None,
    attrs: Mapping[str, object | None] | None = None,
) -> etree._Element:
    """Append a child ``tag`` to ``parent`` and return it.

    ``text`` and attribute values are cleaned of forbidden characters; attributes whose value is
    ``None`` are left out; numbers are written in decimal.
    """
    if attrs:
        # One call with every attribute (lxml keeps the dict's order): a feed adds ~45
        # elements an item, and each set() was a call of its own.
        element = etree.SubElement(parent, tag, {
            name: strip_forbidden_chars(value if type(value) is str else str(value))
            for name, value in attrs.items() if value is not None})
    else:
        element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = strip_forbidden_chars(text)
    return element


def serialize(root: etree._Element) -> bytes:
    """Return the document as UTF-8 bytes with an XML declaration, indented, deterministic."""
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def with_stylesheet(document: bytes, href: str) -> bytes:
    """Return ``document`` with an XSL ``xml-stylesheet`` instruction after its declaration.

    ``href`` is a relative URL made of path characters (no quotes or markup); browsers show
    the feed through it, feed readers ignore it.
    """
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", href):
        raise ValueError(f"not a plain relative stylesheet path: {href!r}")
    declaration, newline, rest = document.partition(b"?>\n")
    return (declaration + newline + b'<?xml-stylesheet type="text/xsl" href="'
            + href.encode("ascii") + b'"?>\n' + rest)


def element_bytes(root: etree._Element, tag: bytes) -> bytes:
    """Return the bytes :func:`serialize` writes for the one ``tag`` element under ``root``.

    ``tag`` is the element's name as written (``b"item"``, ``b"entry"``); the element must have
    children, and its ancestors no other children. The bytes are indented for the element's
    depth and declare no namespaces (they stay on the root, as in a whole document), so
    :func:`insert_elements` can put them into any document whose root has the same namespaces.
    """
    etree.indent(root, space="  ")
    text = etree.tostring(root, encoding="UTF-8")
    # Markup in text and attribute values is escaped: only the ancestors' start tags come
    # before the element's own, only their end tags after its end tag.
    end_tag = b"</" + tag + b">"
    return text[text.index(b"<" + tag):text.rindex(end_tag) + len(end_tag)]


def insert_elements(document: bytes, parent_end: bytes, depth: int,
                    elements: list[bytes]) -> bytes:
    """Return ``document`` with ``elements`` appended to the parent whose end tag is the last
    ``parent_end`` in it, laid out as :func:`serialize` lays out children at ``depth``.

    ``elements`` come from :func:`element_bytes`; the parent must already have children of its
    own (else its empty element is written ``<parent/>``). The bytes are those :func:`serialize`
    gives for the whole tree, at a fraction of the cost when elements are shared by documents.
    """
    if not elements:
        return document
    cut = document.rindex(b"\n" + b"  " * (depth - 1) + parent_end)
    indent = b"\n" + b"  " * depth
    return document[:cut] + indent + indent.join(elements) + document[cut:]


def add_media(parent: etree._Element, picture: Picture) -> None:
    """Append the Media RSS elements of one picture to an RSS item or an Atom entry.

    One rendition gives a ``media:content`` holding its description, credits and thumbnail;
    several give a ``media:group`` of ``media:content`` (the main one ``isDefault``) sharing them.
    Credits: the photographer (``role="photographer"``) when known, then the full credit line.
    """
    if len(picture.renditions) == 1:
        holder = _media_content(parent, picture.renditions[0], default=False)
    else:
        holder = add(parent, f"{{{MEDIA}}}group")
        main = picture.main
        for image in picture.renditions:
            _media_content(holder, image, default=image is main)
    if picture.caption:
        add(holder, f"{{{MEDIA}}}description", picture.caption, {"type": "plain"})
    credit = picture.credit
    if credit is not None:
        if credit.photographer:
            add(holder, f"{{{MEDIA}}}credit", credit.photographer,
                {"role": "photographer", "scheme": EBU})
        if credit.text != credit.photographer:
            add(holder, f"{{{MEDIA}}}credit", credit.text, {"scheme": EBU})
    thumbnail = picture.thumbnail
    add(holder, f"{{{MEDIA}}}thumbnail", attrs={
        "url": thumbnail.url, "width": thumbnail.width, "height": thumbnail.height,
    })


def _media_content(parent: etree._Element, image, *, default: bool) -> etree._Element:
    return add(parent, f"{{{MEDIA}}}content", attrs={
        "url": image.url,
        "type": image_type(image),
        "medium": "image",
        "width": image.width,
        "height": image.height,
        "isDefault": "true" if default else None,
    })
