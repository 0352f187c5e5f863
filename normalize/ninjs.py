"""IPTC ninjs ("News in JSON") documents, versions 1.x, 2.x and 3.x.

The three lines name the same things differently:

=================  ==============================  ===============================  =====================
what               1.x                             2.x                              3.x
=================  ==============================  ===============================  =====================
headline           ``headline`` (1.5+:             ``headlines[]`` {role, value}    ``headlines[]``
                   ``headline_<role>``)
body               ``body_html``, ``body_xhtml``,   ``bodies[]`` {role, contenttype, ``bodies[]``
                   ``body_text`` (``body_<role>``)  value}                           {contentType}
summary            ``description_text``/``_html``  ``descriptions[]``               ``descriptions[]``
author             ``byline``                      ``by``                           ``by``
subjects           ``subject[]``                   ``subjects[]``                   ``subjects[]``
associations       object: name -> ninjs           array of ninjs with ``name``     array
renditions         object: name -> {href, width,   array of {name, href,            array {contentType}
                   height, mimetype}               contenttype (or mimetype)}
dates, rights      ``versioncreated``,             same, lower case                 camelCase:
                   ``copyrightholder``...                                           ``versionCreated``...
=================  ==============================  ===============================  =====================

3.x's camelCase is read by folding every key to lower case first, so one reader covers the three.
``pubstatus`` is ``usable``, ``withheld`` (our ``withdrawn``) or ``canceled``.
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import re
from typing import Any, Mapping
from urllib.parse import urljoin

from lxml import html as lxml_html

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
from normalize.text import clean_text, html_to_text, parse_date, plain_title, text_to_html

log = logging.getLogger(__name__)

_STATUS = {
    "usable": STATUS_USABLE,
    "withheld": STATUS_WITHDRAWN,
    "withdrawn": STATUS_WITHDRAWN,
    "canceled": STATUS_CANCELED,
    "cancelled": STATUS_CANCELED,
}
_NINJS_KEYS = {"uri", "guid", "headline", "headlines"}
_PICTURE_TYPES = ("picture", "graphic")
_PLURAL = {"headline": "headlines", "body": "bodies", "description": "descriptions"}


def _fold(value: Any) -> Any:
    """Return ``value`` with every object key in lower case (3.x camelCase reads like 2.x)."""
    if isinstance(value, dict):
        return {str(k).lower(): _fold(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fold(v) for v in value]
    return value


def _str(value: Any) -> str:
    return clean_text(value) if isinstance(value, str) else ""


def _variants(doc: dict, base: str) -> list[tuple[str, str, str]]:
    """Return ``(role, contenttype, value)`` for every form of a text property.

    ``base`` is ``headline``, ``body`` or ``description``: the 1.x single key (``headline``),
    the 1.x typed keys (``body_html``, ``description_text``; 1.5+ ``headline_<role>``) and the
    2.x/3.x array (``headlines``) all count.
    """
    found: list[tuple[str, str, str]] = []
    if isinstance(doc.get(base), str):
        found.append(("", "", doc[base]))
    for key, value in doc.items():
        if key.startswith(base + "_") and isinstance(value, str):
            role = key[len(base) + 1:]
            kind = {"text": "text/plain", "html": "text/html",
                    "xhtml": "application/xhtml+xml"}.get(role, "")
            found.append((role, kind, value))
    entries = doc.get(_PLURAL[base]) or []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            found.append(("", "", entry))
        elif isinstance(entry, dict) and isinstance(entry.get("value"), str):
            kind = entry.get("contenttype") or entry.get("mimetype") or ""
            found.append((_str(entry.get("role")).lower(), _str(kind).lower(), entry["value"]))
    return [(role, kind, value) for role, kind, value in found if value.strip()]


def _is_html(role: str, kind: str, value: str) -> bool:
    if kind:
        return "html" in kind
    return "html" in role or role == "richtext" or bool(re.search(r"<[a-zA-Z][^>]*>", value))


def _as_text(role: str, kind: str, value: str) -> str:
    return html_to_text(value) if _is_html(role, kind, value) else clean_text(value)


def _body_fragment(value: str) -> str:
    """Return the inside of ``<body>`` when a body is a whole HTML document (TT sends those)."""
    if not re.search(r"<body[\s>]", value, re.I):
        return value
    try:
        document = lxml_html.document_fromstring(value)
    except (ValueError, Exception):  # lxml refuses some byte soup: keep what we have
        return value
    body = document.find("body")
    if body is None:
        return value
    parts = [html_lib.escape(body.text or "", quote=False)]
    parts += [lxml_html.tostring(child, encoding="unicode", with_tail=True) for child in body]
    return "".join(parts)




def _headlines(doc: dict) -> tuple[str, str]:
    """Return ``(headline, subheadline)``: a "main" (or role-less) headline wins."""
    variants = _variants(doc, "headline")
    subs = [v for v in variants if "sub" in v[0]]
    mains = [v for v in variants if "sub" not in v[0]]
    mains.sort(key=lambda v: 0 if v[0] in ("main", "") else 1)  # stable: document order kept
    title = plain_title(_as_text(*mains[0])) if mains else ""
    sub = plain_title(_as_text(*subs[0])) if subs else ""
    return title, sub


def _description(doc: dict, *, caption: bool = False) -> str:
    """Return the summary (or with ``caption`` the caption): plain text preferred to HTML."""
    variants = _variants(doc, "description")
    if caption:
        variants.sort(key=lambda v: 0 if "caption" in v[0] else 1)
    else:
        variants = [v for v in variants if "caption" not in v[0] and "ednote" not in v[0]]
    variants.sort(key=lambda v: 0 if not _is_html(*v) else 1)
    return _as_text(*variants[0]) if variants else ""


def _body(doc: dict) -> str:
    """Return the sanitized body HTML: an HTML body preferred, else the text one as paragraphs."""
    variants = _variants(doc, "body")
    html = [v for v in variants if _is_html(*v)]
    if html:
        return clean_html(_body_fragment(html[0][2]))
    # Other XML bodies (TT's "ttnitf" application/xml) are provider formats, not prose.
    text = [v for v in variants if not _is_html(*v) and v[1] in ("", "text/plain")]
    if text:
        return clean_html(text_to_html(text[0][2]))
    return ""


def _names(value: Any, keys: tuple[str, ...] = ("name",)) -> list[str]:
    """Names from a string, a list of strings or a list of objects with a name-like key."""
    items = value if isinstance(value, list) else [value] if value else []
    names: list[str] = []
    for item in items:
        name = _str(item) if isinstance(item, str) else ""
        if isinstance(item, dict):
            name = next((_str(item.get(k)) for k in keys if _str(item.get(k))), "")
        if name and name not in names:
            names.append(name)
    return names


def _authors(doc: dict) -> tuple[str, ...]:
    raw = _names(doc.get("byline")) + _names(doc.get("by"))
    raw += _names(doc.get("bylines"), ("byline", "name", "value"))
    return tuple(dict.fromkeys(n for n in (strip_label(r) for r in raw) if n))


def _int(value: Any) -> int | None:
    try:
        number = int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and number > 0 else None


def _renditions(item: dict) -> list[dict]:
    renditions = item.get("renditions") or []
    if isinstance(renditions, dict):  # 1.x: name -> rendition
        return [{"name": name, **r} for name, r in renditions.items() if isinstance(r, dict)]
    return [r for r in renditions if isinstance(r, dict)] if isinstance(renditions, list) else []


def _picture(item: dict, base_url: str | None) -> Image | None:
    """Return the picture of an association (or of a picture document): its largest rendition."""
    best, best_area = None, -1
    for rendition in _renditions(item):
        href = _str(rendition.get("href"))
        kind = _str(rendition.get("contenttype") or rendition.get("mimetype")) or None
        if not href or (kind and not kind.lower().startswith("image/")):
            continue
        width, height = _int(rendition.get("width")), _int(rendition.get("height"))
        if (width or 0) * (height or 0) > best_area:
            best_area = (width or 0) * (height or 0)
            best = (href, kind, width, height)
    if best is None:
        uri = _str(item.get("uri"))
        kind = _str(item.get("mimetype") or item.get("contenttype")) or None
        if not (uri.startswith(("http://", "https://")) and kind and kind.startswith("image/")):
            return None
        best = (uri, kind, None, None)
    href, kind, width, height = best
    photographer = ", ".join(_authors(item)) or None
    holder = _str(item.get("copyrightholder"))
    # Without a credit line, write the agencies' own convention: "Photographer/Agency".
    credit_text = _str(item.get("creditline")) or "/".join(p for p in (photographer, holder) if p)
    caption = _description(item, caption=True) or _headlines(item)[0] or None
    return Image(
        url=urljoin(base_url, href) if base_url else href,
        caption=caption,
        credit=Credit(text=credit_text, photographer=photographer) if credit_text else None,
        type=kind,
        width=width,
        height=height,
    )


def _associations(doc: dict) -> list[dict]:
    associations = doc.get("associations") or []
    if isinstance(associations, dict):  # 1.x: name -> ninjs object
        return [{"name": name, **a} for name, a in associations.items() if isinstance(a, dict)]
    return [a for a in associations if isinstance(a, dict)] if isinstance(associations, list) else []


def _images(doc: dict, base_url: str | None) -> tuple[Image, ...]:
    images = []
    candidates = [doc] if _str(doc.get("type")).lower() in _PICTURE_TYPES else []
    candidates += [
        a for a in _associations(doc)
        if _str(a.get("type")).lower() in _PICTURE_TYPES or not a.get("type")
    ]
    for item in candidates:
        image = _picture(item, base_url)
        if image is not None and image.url not in {i.url for i in images}:
            images.append(image)
    return tuple(images)


def _rights(doc: dict) -> str:
    rights = _str(doc.get("usageterms")) or _str(doc.get("copyrightnotice"))
    info = doc.get("rightsinfo")
    if not rights and isinstance(info, dict):
        rights = _str(info.get("linkedrights"))
    return rights


def _places(doc: dict) -> list[Note]:
    """``place`` (1.x) and ``places`` (2.x, 3.x) as :func:`normalize.places.geo_note` entries."""
    notes = []
    for key in ("place", "places"):
        values = doc.get(key)
        for value in values if isinstance(values, list) else ():
            if isinstance(value, Mapping):
                code = _str(value.get("code")) or _str(value.get("uri")) or _str(value.get("qcode"))
                name = _str(value.get("name")) or _str(value.get("literal"))
                if code or name:
                    notes.append(geo_note(key, code, name))
            elif isinstance(value, str) and value.strip():
                notes.append(geo_note(key, None, _str(value)))
    return notes


def _article(doc: dict, base_url: str | None) -> Article:
    title, subheadline = _headlines(doc)
    guid = _str(doc.get("uri")) or _str(doc.get("guid"))
    if not title:
        raise ParseError(f"ninjs item {guid or '(no uri)'} has no headline: "
                         "neither 'headline' nor 'headlines' has a value")
    status = _STATUS.get(_str(doc.get("pubstatus")).lower() or "usable", STATUS_USABLE)
    reason = _str(doc.get("ednote")) if status != STATUS_USABLE else ""
    located = _str(doc.get("located"))
    body_html = _body(doc)
    first = parse_date(_str(doc.get("firstcreated")) or None)
    created = parse_date(_str(doc.get("contentcreated")) or None)
    versioned = parse_date(_str(doc.get("versioncreated")) or None)
    sources = _names(doc.get("infosources"))
    extra = [Note(kind, _str(str(doc[kind])))
             for kind in (NoteKind.URGENCY, NoteKind.SLUGLINE, NoteKind.ITEM_TYPE)
             if doc.get(kind) not in (None, "")]
    extra.extend(_places(doc))
    return Article(
        id="",
        guid=guid,
        source="",
        title=title,
        summary=plain_title(_description(doc) or subheadline) or None,
        body_html=body_html,
        body_text=html_to_text(body_html),
        authors=_authors(doc),
        dateline=Dateline(text=located, place=located) if located else None,
        agency=_str(doc.get("copyrightholder")) or (sources[0] if sources else "") or None,
        images=_images(doc, base_url),
        published=first or created or versioned,
        updated=versioned,
        language=_str(doc.get("language")) or None,
        sections=tuple(dict.fromkeys(_names(doc.get("subject")) + _names(doc.get("subjects")))),
        version=_int(doc.get("version")) or 1,
        status=status,
        status_reason=reason or None,
        embargoed=parse_date(_str(doc.get("embargoed")) or None),
        rights=_rights(doc) or None,
        extra=tuple(extra),
    )


def parse(data: bytes, *, url: str | None = None, headers: Mapping[str, str] | None = None) -> list[Article]:
    """Return the articles of a ninjs document (one object, or a list of objects).

    In: the JSON bytes (UTF-8, -16 or -32); ``url`` resolves relative rendition hrefs;
    ``headers`` is unused. Out: one article per ninjs object, associations folded in as images.
    ``id``, ``source`` and ``content_hash`` are left for :func:`normalize.parse_bytes`.
    Raises ``ParseError`` for invalid JSON, a document that is not a ninjs object (no ``uri``,
    ``guid``, ``headline`` or ``headlines`` key), or an item without a headline.
    """
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"not valid JSON: {exc}") from None
    objects = document if isinstance(document, list) else [document]
    folded = [_fold(o) for o in objects if isinstance(o, dict)]
    if not folded or len(folded) != len(objects) or not all(_NINJS_KEYS & o.keys() for o in folded):
        raise ParseError("JSON document is not ninjs: no object with a uri, guid, headline or headlines key")
    return [_article(doc, url) for doc in folded]
