"""Small lxml helpers shared by the RSS, Atom and OPML writers.

Every string that goes into an element or an attribute passes through
:func:`normalize.sanitize.strip_forbidden_chars` here, so no writer can emit a character XML 1.0
forbids (lxml would refuse it anyway; the record would be lost). lxml does the escaping.
"""

from __future__ import annotations

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
    element = etree.SubElement(parent, tag)
    for name, value in (attrs or {}).items():
        if value is not None:
            element.set(name, strip_forbidden_chars(str(value)))
    if text is not None:
        element.text = strip_forbidden_chars(text)
    return element


def serialize(root: etree._Element) -> bytes:
    """Return the document as UTF-8 bytes with an XML declaration, indented, deterministic."""
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


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
