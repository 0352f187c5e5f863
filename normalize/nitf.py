"""NITF 3.x (News Industry Text Format) documents: one ``<nitf>`` document, one article.

Where NITF keeps what::

    head/docdata/doc-id/@id-string      guid          head/docdata/du-key/@version    version
    head/docdata/date.issue/@norm       published     head/docdata/date.release/@norm  (embargo)
    head/docdata/doc.copyright/@holder  agency        head/docdata/key-list/keyword    sections
    head/docdata/@management-status     status        head/docdata/ed-msg/@info        reason
    head/pubdata/@ex-ref                url           head/pubdata/@position.section   section
    body/body.head/hedline/hl1          title         hedline/hl2 (else abstract)      summary
    body/body.head/byline               authors (``person`` children; ``byttl`` is a job title)
    body/body.head/dateline             dateline (``location``/``city`` is the place)
    body/body.content                   body (``media`` blocks become images, not body)

NITF is also the body format inside many NewsML-G2 items, so :func:`render_body` and
:func:`strip_namespaces` are shared with :mod:`normalize.newsml_g2`. NITF documents exist with and
without the ``http://iptc.org/std/NITF/2006-10-18/`` namespace; both read the same.
"""

from __future__ import annotations

import copy
import html as html_lib
import logging
from html.entities import html5 as _HTML5_ENTITIES
from typing import Mapping
from urllib.parse import urljoin

from lxml import etree

from normalize.bylines import strip_label
from normalize.errors import ParseError
from normalize.model import (
    STATUS_CANCELED,
    STATUS_USABLE,
    STATUS_WITHDRAWN,
    Article,
    Credit,
    Dateline,
    Image,
    Note,
    NoteKind,
)
from normalize.places import geo_note
from normalize.sanitize import clean_html
from normalize.text import clean_text, html_to_text, parse_date, plain_title
from normalize.xmlsafe import parse_xml

log = logging.getLogger(__name__)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_STATUS = {
    "usable": STATUS_USABLE,
    "embargoed": STATUS_USABLE,  # the embargo time is carried by ``embargoed``, not the status
    "withheld": STATUS_WITHDRAWN,
    "withdrawn": STATUS_WITHDRAWN,
    "canceled": STATUS_CANCELED,
    "cancelled": STATUS_CANCELED,
}


def strip_namespaces(root: etree._Element) -> etree._Element:
    """Return ``root`` with every element renamed to its local name (modified in place).

    Entity references that a DOCTYPE-bearing document kept unexpanded (``&nbsp;``, ``&mdash;``:
    :func:`normalize.xmlsafe.parse_xml` never loads the DTD) are replaced by their characters
    when HTML knows them and dropped otherwise. Attributes keep their namespaces (``xml:lang``).
    """
    for node in list(root.iter()):
        if isinstance(node, etree._Entity):
            _replace_with_text(node, _HTML5_ENTITIES.get(node.name + ";", ""))
        elif isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = etree.QName(node).localname
    etree.cleanup_namespaces(root)
    return root


def _replace_with_text(node: etree._Element, text: str) -> None:
    parent = node.getparent()
    if parent is None:
        return
    text = text + (node.tail or "")
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(node)


def text_of(element: etree._Element | None) -> str:
    """Return the whitespace-collapsed text of ``element`` and its descendants ("" for None)."""
    if element is None:
        return ""
    return clean_text("".join(element.itertext()))


def inner_html(element: etree._Element) -> str:
    """Return the markup inside ``element`` (its text and children, not its own tag)."""
    parts = [html_lib.escape(element.text or "", quote=False)]
    for child in element:
        parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts)


def _int(value: str | None) -> int | None:
    try:
        number = int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and number > 0 else None


def _media_image(media: etree._Element, base_url: str | None) -> Image | None:
    """Return the picture of one ``<media>`` block, its largest reference as the URL."""
    kind = (media.get("media-type") or "image").lower()
    if kind not in ("image", "photo", "graphic", "picture"):
        return None
    best = None
    best_area = -1
    for ref in media.iter("media-reference"):
        href = ref.get("source") or ref.get("data-location")
        if not href:
            continue
        width, height = _int(ref.get("width")), _int(ref.get("height"))
        area = (width or 0) * (height or 0)
        if area > best_area:
            best, best_area = (href.strip(), ref.get("mime-type"), width, height), area
    if best is None:
        return None
    href, mime, width, height = best
    caption = text_of(media.find("media-caption")) or None
    producer = text_of(media.find("media-producer"))
    return Image(
        url=urljoin(base_url, href) if base_url else href,
        caption=caption,
        credit=Credit(text=producer) if producer else None,
        type=mime or None,
        width=width,
        height=height,
    )


def render_body(element: etree._Element | None, base_url: str | None = None) -> tuple[str, tuple[Image, ...]]:
    """Return the sanitized body HTML and the pictures of a NITF body.

    In: a namespace-stripped ``<nitf>``, ``<body>`` or ``<body.content>`` element (None gives
    ``("", ())``) and the document URL that relative media references resolve against.
    Out: ``(html, images)``; ``<media>`` blocks become :class:`Image` records and leave the body.
    """
    if element is None:
        return "", ()
    content = element if element.tag == "body.content" else element.find(".//body.content")
    if content is None:
        return "", ()
    content = copy.deepcopy(content)  # the caller's tree stays whole
    images = []
    for media in list(content.iter("media")):
        image = _media_image(media, base_url)
        if image is not None:
            images.append(image)
        _remove_keep_tail(media)
    return clean_html(inner_html(content)), tuple(images)


def _remove_keep_tail(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is not None:
        _replace_with_text(node, "")


def _language(root: etree._Element) -> str | None:
    for meta in root.iterfind("head/meta"):
        if (meta.get("name") or "").lower() in ("language", "lang", "dc.language"):
            if meta.get("content"):
                return meta.get("content").strip()
    for element in (root, root.find("head"), root.find("body"), root.find("body/body.content")):
        if element is not None and element.get(XML_LANG):
            return element.get(XML_LANG).strip()
    return None


def _authors(body_head: etree._Element | None) -> tuple[str, ...]:
    if body_head is None:
        return ()
    names: list[str] = []
    for byline in body_head.iterfind("byline"):
        persons = [strip_label(text_of(p)) for p in byline.iter("person")]
        if not any(persons):
            # Without <person> the byline is free text; <byttl> in it is a job title.
            plain = copy.deepcopy(byline)
            for title in list(plain.iter("byttl")):
                _remove_keep_tail(title)
            persons = [strip_label(text_of(plain))]
        names.extend(p for p in persons if p and p not in names)
    return tuple(names)


def _dateline(root: etree._Element, body_head: etree._Element | None) -> Dateline | None:
    element = body_head.find("dateline") if body_head is not None else None
    if element is not None and text_of(element):
        location = element.find("location")
        city = location.find("city") if location is not None else None
        place = text_of(city) or text_of(location) or None
        date_text = text_of(element.find("story.date")) or None
        return Dateline(text=text_of(element).rstrip(" -–—"), place=place, date_text=date_text)
    evloc = root.find("head/docdata/evloc")
    if evloc is not None and evloc.get("city"):
        city = clean_text(evloc.get("city"))
        return Dateline(text=city, place=city)
    return None


def _locations(root: etree._Element, body_head: etree._Element | None) -> list[Note]:
    """The dateline's ``<location>`` (its ``<country iso-cc>`` or its city) and the docdata's
    ``<evloc>`` as :func:`normalize.places.geo_note` entries."""
    notes = []
    location = body_head.find("dateline/location") if body_head is not None else None
    if location is not None:
        country = location.find(".//country")
        code = (country.get("iso-cc") or "") if country is not None else ""
        city = location.find(".//city")
        notes.append(geo_note("location", code, text_of(city) if city is not None
                              else text_of(location)))
    for evloc in root.iterfind("head/docdata/evloc"):
        name = clean_text(evloc.get("city")) or clean_text(evloc.get("state-prov"))
        if evloc.get("iso-cc") or name:
            notes.append(geo_note("evloc", clean_text(evloc.get("iso-cc")), name))
    return notes


def _sections(head: etree._Element | None) -> tuple[str, ...]:
    if head is None:
        return ()
    found: list[str] = []
    candidates = [p.get("position.section") for p in head.iterfind("pubdata")]
    candidates += [k.get("key") for k in head.iterfind("docdata/key-list/keyword")]
    for value in candidates:
        value = clean_text(value)
        if value and value not in found:
            found.append(value)
    return tuple(found)


def parse(data: bytes, *, url: str | None = None, headers: Mapping[str, str] | None = None) -> list[Article]:
    """Return the one article of a NITF 3.x document.

    In: the document bytes; ``url`` (where it came from) resolves relative media references;
    ``headers`` is unused (the XML declaration names the encoding).
    Out: a one-element list; ``id``, ``source`` and ``content_hash`` are left for
    :func:`normalize.parse_bytes`.
    Raises ``ParseError`` for bytes that are not well-formed XML, a root other than ``<nitf>``,
    or a document with neither ``<hl1>`` nor ``<head><title>``.
    """
    root = strip_namespaces(parse_xml(data))
    if root.tag != "nitf":
        raise ParseError(f"unknown root element <{root.tag}>: expected <nitf>")
    head = root.find("head")
    docdata = root.find("head/docdata")
    body_head = root.find("body/body.head")

    hedline = body_head.find("hedline") if body_head is not None else None
    title = plain_title(text_of(hedline.find("hl1"))) if hedline is not None else ""
    if not title:
        title = plain_title(text_of(root.find("head/title")))
    if not title:
        raise ParseError("NITF document has no headline: <hedline><hl1> is missing or empty")
    summary = ""
    if hedline is not None:
        summary = next((text_of(h) for h in hedline.iterfind("hl2") if text_of(h)), "")
    if not summary and body_head is not None:
        summary = text_of(body_head.find("abstract"))

    body_html, images = render_body(root.find("body"), base_url=url)

    doc_id = root.find("head/docdata/doc-id")
    guid = clean_text(doc_id.get("id-string")) if doc_id is not None else ""
    du_key = root.find("head/docdata/du-key")
    version = _int(du_key.get("version")) if du_key is not None else None

    def norm_date(path: str, attribute: str = "norm"):
        element = root.find(path)
        return parse_date(element.get(attribute)) if element is not None else None

    issued = norm_date("head/docdata/date.issue")
    released = norm_date("head/docdata/date.release")
    pubdata = root.find("head/pubdata")
    published = (issued or released or norm_date("head/pubdata", "date.publication")
                 or norm_date("body/body.head/dateline/story.date"))
    # date.release later than date.issue is NITF's embargo: "not to be released before".
    embargoed = released if issued and released and released > issued else None
    revisions = [parse_date(r.get("norm")) for r in root.iterfind("head/revision-history")]
    revisions = [r for r in revisions if r]
    updated = max(revisions) if revisions else None

    copyright_ = root.find("head/docdata/doc.copyright")
    holder = clean_text(copyright_.get("holder")) if copyright_ is not None else ""
    year = clean_text(copyright_.get("year")) if copyright_ is not None else ""
    agency = (holder or (clean_text(doc_id.get("regsrc")) if doc_id is not None else "")
              or (text_of(body_head.find("distributor")) if body_head is not None else "")
              or (clean_text(pubdata.get("name")) if pubdata is not None else ""))
    rights = text_of(body_head.find("rights")) if body_head is not None else ""
    if not rights and holder:
        rights = f"© {year} {holder}" if year else f"© {holder}"

    status = STATUS_USABLE
    status_reason = None
    if docdata is not None:
        status = _STATUS.get((docdata.get("management-status") or "usable").strip().lower(), STATUS_USABLE)
        if status != STATUS_USABLE:
            ed_msg = docdata.find("ed-msg")
            status_reason = clean_text(ed_msg.get("info")) if ed_msg is not None else None
            status_reason = status_reason or None

    extra = _locations(root, body_head)
    urgency = root.find("head/docdata/urgency")
    if urgency is not None and urgency.get("ed-urg"):
        extra.append(Note(NoteKind.URGENCY, clean_text(urgency.get("ed-urg"))))

    link = clean_text(pubdata.get("ex-ref")) if pubdata is not None else ""
    return [
        Article(
            id="",
            guid=guid,
            source="",
            title=title,
            url=link or None,
            summary=plain_title(summary) or None,
            body_html=body_html,
            body_text=html_to_text(body_html),
            authors=_authors(body_head),
            dateline=_dateline(root, body_head),
            agency=agency or None,
            images=images,
            published=published,
            updated=updated,
            language=_language(root),
            sections=_sections(head),
            version=version or 1,
            status=status,
            status_reason=status_reason,
            embargoed=embargoed,
            rights=rights or None,
            extra=tuple(extra),
        )
    ]
