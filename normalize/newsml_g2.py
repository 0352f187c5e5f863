"""IPTC NewsML-G2 documents: a ``newsMessage`` with an ``itemSet``, or a bare item.

Where a G2 item keeps what (paths below the ``newsItem``/``packageItem``)::

    @guid, @version                       guid, version
    itemMeta/itemClass/@qcode             ninat:text | ninat:picture | ninat:composite ...
    itemMeta/pubStatus/@qcode             status (stat:usable, stat:withheld/withdrawn, stat:canceled)
    itemMeta/edNote                       status_reason (when not usable)
    itemMeta/firstCreated, versionCreated published, updated
    itemMeta/embargoed                    embargoed (status stays usable: the archive decides by time)
    contentMeta/headline, subheadline     title, summary (when there is no description)
    contentMeta/description               summary (text items), caption (picture items)
    contentMeta/by, contributor           authors (creditline when nothing else names a person)
    contentMeta/dateline, located         dateline text and place
    contentMeta/language/@tag, @xml:lang  language (raw declared code)
    contentMeta/subject, genre (names)    sections
    contentMeta/infoSource, itemMeta/provider, rightsInfo/copyrightHolder    agency
    rightsInfo/usageTerms, copyrightNotice  rights
    contentSet/inlineXML (XHTML or NITF), inlineData (plain text)            body
    contentSet/remoteContent (href, contenttype, width, height)              picture renditions

A ``packageItem`` whose ``groupSet`` references a text item and picture items of the same
message becomes ONE article: the text item's record with the pictures as its images.
"""

from __future__ import annotations

import logging
import re
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
from normalize.nitf import XML_LANG, inner_html, render_body, strip_namespaces, text_of
from normalize.sanitize import clean_html
from normalize.text import clean_text, html_to_text, parse_date, plain_title, text_to_html
from normalize.xmlsafe import parse_xml

log = logging.getLogger(__name__)

_ITEM_TAGS = ("newsItem", "packageItem")
_PICTURE_CLASSES = ("picture", "graphic")
_STATUS = {
    "usable": STATUS_USABLE,
    "withheld": STATUS_WITHDRAWN,
    "withdrawn": STATUS_WITHDRAWN,
    "canceled": STATUS_CANCELED,
    "cancelled": STATUS_CANCELED,
}
# Subjects of these concept types are people, organisations and places: tags, not sections.
_NON_SECTION_TYPES = re.compile(r"(?:^|:)(?:person|organisation|organization|geoArea|poi|object|5)$", re.I)


# Subjects that are places, and qcodes that name a country, as agencies write them.
_GEO_TYPES = re.compile(r"(?:^|:)(?:geoArea|country|city|place|region)$", re.I)
_COUNTRY_QCODE = re.compile(r"^(?:iso3166-1a2|iso3166|country|ctry|cntry):[A-Za-z]{2}$", re.I)


def _suffix(qcode: str | None) -> str:
    """``stat:usable`` -> ``usable``; ``http://cv.iptc.org/newscodes/pubstatusg2/usable`` too."""
    if not qcode:
        return ""
    return re.split(r"[:/]", qcode.strip())[-1].lower()


def _lang_of(element: etree._Element) -> str:
    return (element.get(XML_LANG) or "").lower()


def _concept_name(element: etree._Element | None, language: str | None, *, fallback: bool = False) -> str:
    """Return the human name of a G2 concept (``<name>`` in the item's language if there are many).

    With ``fallback`` the ``literal`` attribute and the qcode's code stand in for a missing name.
    """
    if element is None:
        return ""
    names = [n for n in element.findall("name") if text_of(n)]
    if names:
        wanted = (language or "").lower().split("-")[0]
        for name in names:
            if wanted and _lang_of(name).split("-")[0] == wanted:
                return text_of(name)
        for name in names:
            if not _lang_of(name):
                return text_of(name)
        return text_of(names[0])
    if fallback:
        literal = clean_text(element.get("literal"))
        if literal:
            return literal
        qcode = element.get("qcode") or ""
        return qcode.split(":", 1)[-1].strip() if ":" in qcode else clean_text(qcode)
    return ""


def _int(value: str | None) -> int | None:
    try:
        number = int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and number > 0 else None




class _Item:
    """One ``newsItem``/``packageItem`` with the lookups every field needs."""

    def __init__(self, element: etree._Element, message_lang: str | None):
        self.element = element
        self.guid = clean_text(element.get("guid"))
        self.item_meta = element.find("itemMeta")
        self.content_meta = element.find("contentMeta")
        self.item_class = _suffix(self._meta("itemClass", "qcode"))
        if not self.item_class and element.tag == "packageItem":
            self.item_class = "composite"
        language = self.content_meta.find("language") if self.content_meta is not None else None
        self.language = (
            (language.get("tag") if language is not None else None)
            or element.get(XML_LANG)
            or message_lang
        )
        self.language = clean_text(self.language) or None

    def _meta(self, tag: str, attribute: str | None = None) -> str:
        element = self.item_meta.find(tag) if self.item_meta is not None else None
        if element is None:
            return ""
        return clean_text(element.get(attribute)) if attribute else text_of(element)

    def content(self, tag: str) -> list[etree._Element]:
        return self.content_meta.findall(tag) if self.content_meta is not None else []

    @property
    def is_picture(self) -> bool:
        return self.item_class in _PICTURE_CLASSES

    @property
    def version(self) -> int:
        return _int(self.element.get("version")) or 1

    def headlines(self) -> tuple[str, str]:
        """Return ``(headline, subheadline)``.

        A headline whose role names a sub-headline (``hdltype:subheadline``) or a
        ``<subheadline>`` element gives the second; among the others a "main" role wins, else
        the first. ``itemMeta/title`` stands in for a missing headline.
        """
        mains, subs = [], []
        for element in self.content("headline"):
            text = plain_title(text_of(element))
            role = (element.get("role") or "").lower()
            if text:
                (subs if "sub" in role else mains).append(("main" in role, text))
        subs += [(False, plain_title(text_of(e))) for e in self.content("subheadline") if text_of(e)]
        main = max(mains, key=lambda pair: pair[0])[1] if mains else plain_title(self._meta("title"))
        return main, (subs[0][1] if subs else "")

    def description(self, caption: bool) -> str:
        """Return the caption (``drol:caption``) or the summary (any other or no role)."""
        found = ""
        for element in self.content("description"):
            role = (element.get("role") or "").lower()
            text = html_to_text(inner_html(element)) if len(element) else text_of(element)
            text = clean_text(text)
            if not text:
                continue
            if ("caption" in role) == caption:
                return text
            found = found or text
        return found if caption else ""

    def bylines(self) -> list[str]:
        names: list[str] = []
        for element in self.content("by"):
            name = strip_label(text_of(element))
            if name and name not in names:
                names.append(name)
        for element in self.content("contributor"):
            name = _concept_name(element, self.language)
            if name and name not in names:
                names.append(name)
        return names

    def creditline(self) -> str:
        return next((text_of(e) for e in self.content("creditline") if text_of(e)), "")

    def dateline(self) -> Dateline | None:
        text = next((text_of(e) for e in self.content("dateline") if text_of(e)), "")
        located = self.content("located")
        place = _concept_name(located[0], self.language, fallback=False) if located else ""
        if text:
            if not place:
                # "MADRID, 14 mar (EFE)": the place leads, up to the first comma.
                head = text.split(",", 1)[0].strip()
                place = head if head and len(head) < len(text) else ""
            return Dateline(text=text.rstrip(" -–—"), place=place or None)
        if place:
            return Dateline(text=place, place=place)
        return None

    def geo(self) -> list[Note]:
        """Agency geo metadata as :func:`normalize.places.geo_note` entries: ``located`` (with
        the country of its ``broader`` chain when given) first, then geo-area subjects."""
        notes = []
        for element in self.content("located"):
            codes = [b.get("qcode") or "" for b in element.iter("broader")]
            code = next((c for c in codes if _COUNTRY_QCODE.search(c)), element.get("qcode"))
            notes.append(geo_note("located", code, _concept_name(element, self.language)))
        for element in self.content("subject"):
            qcode = element.get("qcode") or ""
            if _GEO_TYPES.search(element.get("type") or "") or _COUNTRY_QCODE.search(qcode):
                notes.append(geo_note("subject", qcode, _concept_name(element, self.language)))
        return notes

    def sections(self) -> tuple[str, ...]:
        found: list[str] = []
        for element in self.content("subject") + self.content("genre"):
            if element.tag == "subject" and _NON_SECTION_TYPES.search(element.get("type") or ""):
                continue
            name = _concept_name(element, self.language)
            if name and name not in found:
                found.append(name)
        return tuple(found)

    def agency(self) -> str:
        for element in self.content("infoSource"):
            name = _concept_name(element, self.language, fallback=True)
            if name:
                return name
        provider = self.item_meta.find("provider") if self.item_meta is not None else None
        name = _concept_name(provider, self.language, fallback=True)
        if name:
            return name
        holder = self.element.find("rightsInfo/copyrightHolder")
        return _concept_name(holder, self.language, fallback=True)

    def rights(self) -> str:
        for path in ("rightsInfo/usageTerms", "rightsInfo/copyrightNotice"):
            text = next((text_of(e) for e in self.element.findall(path) if text_of(e)), "")
            if text:
                return text
        return ""

    def status(self) -> tuple[str, str | None]:
        status = _STATUS.get(_suffix(self._meta("pubStatus", "qcode")) or "usable", STATUS_USABLE)
        reason = self._meta("edNote") if status != STATUS_USABLE else ""
        return status, reason or None

    def url(self) -> str | None:
        for link in self.item_meta.findall("link") if self.item_meta is not None else ():
            if _suffix(link.get("rel")) == "canonical" and link.get("href"):
                return link.get("href").strip()
        return None

    def body(self, base_url: str | None) -> tuple[str, tuple[Image, ...]]:
        """Return the sanitized body HTML: inline XHTML, else inline NITF, else inline text."""
        content_set = self.element.find("contentSet")
        if content_set is None:
            return "", ()
        for inline in content_set.findall("inlineXML"):
            if inline.find(".//body.content") is not None:  # NITF inside G2
                return render_body(inline, base_url)
            body = inline.find(".//body")  # XHTML html/body
            html = clean_html(inner_html(body if body is not None else inline))
            if html:
                return html, ()
        for inline in content_set.findall("inlineData"):
            if (inline.get("encoding") or "").strip():
                continue  # base64 payloads are binaries, never article text
            kind = (inline.get("contenttype") or "text/plain").lower()
            text = inline.text or ""
            html = clean_html(text) if "html" in kind else clean_html(text_to_html(text))
            if html:
                return html, ()
        return "", ()

    def picture(self, base_url: str | None) -> Image | None:
        """Return the picture of a picture item: its largest remote rendition."""
        content_set = self.element.find("contentSet")
        best, best_key = None, (-1, -1)
        for remote in content_set.findall("remoteContent") if content_set is not None else ():
            href = (remote.get("href") or "").strip()
            kind = (remote.get("contenttype") or "").strip() or None
            if not href or (kind and not kind.lower().startswith("image/")):
                continue
            width, height = _int(remote.get("width")), _int(remote.get("height"))
            key = ((width or 0) * (height or 0), _int(remote.get("size")) or 0)
            if key > best_key:
                best_key = key
                best = (urljoin(base_url, href) if base_url else href, kind, width, height)
        if best is None:
            return None
        photographer = ", ".join(self.bylines()) or None
        creditline = self.creditline()
        holder = _concept_name(self.element.find("rightsInfo/copyrightHolder"), self.language, fallback=True)
        # Without a credit line, write the agencies' own convention: "Photographer/Agency".
        credit_text = creditline or "/".join(p for p in (photographer, holder) if p)
        caption = self.description(caption=True) or self.description(caption=False) or None
        href, kind, width, height = best
        return Image(
            url=href,
            caption=caption,
            credit=Credit(text=credit_text, photographer=photographer) if credit_text else None,
            type=kind,
            width=width,
            height=height,
        )

    def article(self, base_url: str | None, extra_images: list[Image] | None = None) -> Article:
        """Return this item as an :class:`Article`; ``extra_images`` come from its package."""
        title, subheadline = self.headlines()
        if not title:
            raise ParseError(f"{self.element.tag} {self.guid or '(no guid)'} has no <headline>")
        images: list[Image] = []
        summary = ""
        if self.is_picture:
            picture = self.picture(base_url)
            if picture is not None:
                images.append(picture)
                summary = picture.caption or ""
            body_html = ""
        else:
            body_html, inline_images = self.body(base_url)
            images.extend(inline_images)
            summary = self.description(caption=False)
        images.extend(extra_images or ())
        status, reason = self.status()
        authors = self.bylines()
        if not authors and not self.is_picture:
            authors = [n for n in (_concept_name(c, self.language) for c in self.content("creator")) if n]
        credit = self.creditline()
        if not authors and credit and not self.is_picture:
            authors = [credit]
        extra: list[Note] = []
        urgency = next((text_of(e) for e in self.content("urgency") if text_of(e)), "")
        if urgency:
            extra.append(Note(NoteKind.URGENCY, urgency))
        slugline = next((text_of(e) for e in self.content("slugline") if text_of(e)), "")
        if slugline:
            extra.append(Note(NoteKind.SLUGLINE, slugline))
        if self.item_class:
            extra.append(Note(NoteKind.ITEM_CLASS, self.item_class))
        extra.extend(self.geo())
        first_created = parse_date(self._meta("firstCreated"))
        content_created = next(
            (parse_date(text_of(e)) for e in self.content("contentCreated") if text_of(e)), None
        )
        version_created = parse_date(self._meta("versionCreated"))
        return Article(
            id="",
            guid=self.guid,
            source="",
            title=title,
            url=self.url(),
            summary=plain_title(summary or subheadline) or None,
            body_html=body_html,
            body_text=html_to_text(body_html),
            authors=tuple(dict.fromkeys(authors)),
            dateline=self.dateline(),
            agency=self.agency() or None,
            credit=(credit or None) if not self.is_picture else None,
            images=tuple(images),
            published=first_created or content_created or version_created,
            updated=version_created,
            language=self.language,
            sections=self.sections(),
            version=self.version,
            status=status,
            status_reason=reason,
            embargoed=parse_date(self._meta("embargoed")),
            rights=self.rights() or None,
            extra=tuple(extra),
        )


def _package_refs(package: etree._Element) -> list[str]:
    """Return the guids a package references, walking its groups from the root group."""
    group_set = package.find("groupSet")
    if group_set is None:
        return []
    groups = {g.get("id"): g for g in group_set.findall("group")}
    order: list[str] = []
    seen_groups: set[str] = set()

    def walk(group: etree._Element) -> None:
        if group.get("id") in seen_groups:
            return  # a group that references itself again is a loop, not more content
        seen_groups.add(group.get("id"))
        for ref in group:
            if ref.tag == "itemRef" and ref.get("residref"):
                order.append(clean_text(ref.get("residref")))
            elif ref.tag == "groupRef" and ref.get("idref") in groups:
                walk(groups[ref.get("idref")])

    root = groups.get(group_set.get("root")) if group_set.get("root") else None
    for group in [root] if root is not None else group_set.findall("group"):
        walk(group)
    return order


def parse(data: bytes, *, url: str | None = None, headers: Mapping[str, str] | None = None) -> list[Article]:
    """Return the articles of a NewsML-G2 document.

    In: the bytes of a ``newsMessage`` or a bare ``newsItem``/``packageItem``; ``url`` (where the
    document came from) resolves relative rendition hrefs; ``headers`` is unused.
    Out: one article per text or picture item, in document order; a package grouping a text
    with pictures of the same message gives ONE article (the text's) carrying the pictures.
    ``id``, ``source`` and ``content_hash`` are left for :func:`normalize.parse_bytes`.
    Raises ``ParseError`` for bytes that are not well-formed XML, an unknown root element, or an
    item without a headline.
    """
    root = strip_namespaces(parse_xml(data))
    message_lang = clean_text(root.get(XML_LANG)) or None
    if root.tag == "newsMessage":
        elements = [e for item_set in root.findall("itemSet") for e in item_set if e.tag in _ITEM_TAGS]
    elif root.tag in _ITEM_TAGS:
        elements = [root]
    else:
        raise ParseError(f"unknown root element <{root.tag}>: expected newsMessage, newsItem or packageItem")
    items = [_Item(element, message_lang) for element in elements]
    by_guid: dict[str, _Item] = {}
    for item in items:
        if item.element.tag == "newsItem" and item.guid:
            by_guid.setdefault(item.guid, item)

    # A package grouping a text with pictures gives the text's article with the pictures; one
    # grouping pictures only gives its own article. Keys are id() of the _Item objects.
    images_for: dict[int, list[Image]] = {}
    consumed: set[int] = set()
    for package in (i for i in items if i.element.tag == "packageItem"):
        refs = [by_guid[g] for g in _package_refs(package.element) if g in by_guid]
        text = next((r for r in refs if not r.is_picture), None)
        pictures = [r for r in refs if r.is_picture]
        images = [image for image in (p.picture(url) for p in pictures) if image is not None]
        if text is not None:
            images_for.setdefault(id(text), []).extend(images)
            consumed.add(id(package))
        elif images and package.headlines()[0]:
            images_for[id(package)] = images
        else:
            if package.element is root and not package.headlines()[0]:
                raise ParseError(f"packageItem {package.guid or '(no guid)'} has no <headline> "
                                 "and groups no item of this document")
            if refs or not package.headlines()[0]:
                log.info("package %s: nothing to merge in this message, left out", package.guid)
                consumed.add(id(package))
            continue
        consumed.update(id(p) for p in pictures)

    articles = [
        item.article(url, images_for.get(id(item)))
        for item in items
        if id(item) not in consumed
    ]
    log.debug("NewsML-G2 document: %d items, %d articles", len(items), len(articles))
    return articles
