"""Normalization: bytes of one document in, :class:`~normalize.model.Article` records out.

Pure functions only: no network, no clock, no database. ``parse_bytes`` sniffs the format from
the content (never from a file name) and dispatches through :data:`PARSERS`, the one registry.

A format module exposes ``parse(data: bytes, *, url: str | None = None,
headers: Mapping[str, str] | None = None) -> list[Article]`` and raises
:class:`ingest.errors.ParseError`. It may leave ``id``, ``source`` and ``content_hash`` empty:
:func:`parse_bytes` fills them, so identity is decided in one place.
"""

from __future__ import annotations

import importlib
import json
import logging
import operator
import re
from typing import Mapping, Sequence
from urllib.parse import quote

from normalize.charsets import CHARSET_PARAM, header_charset
from normalize.errors import ParseError
from normalize.model import (Article, Note, NoteKind, compute_content_hash, content_fields,
                             make_article_id)
from normalize.sanitize import collect_repairs
from normalize.text import (
    CONTROL_REFERENCE, repair_json_encoding, repair_xml_encoding, sniff_wide_encoding,
)

log = logging.getLogger(__name__)

#: format name -> module that parses it. Sniffing picks the name; nothing registers itself.
PARSERS: dict[str, str] = {
    "rss": "normalize.feed",
    "atom": "normalize.feed",
    "jsonfeed": "normalize.feed",
    "newsml_g2": "normalize.newsml_g2",
    "nitf": "normalize.nitf",
    "ninjs": "normalize.ninjs",
    "page": "normalize.page",
}

# Root element (local name) -> format.
_XML_ROOTS = {
    "rss": "rss",
    "RDF": "rss",
    "channel": "rss",
    "feed": "atom",
    "newsMessage": "newsml_g2",
    "newsItem": "newsml_g2",
    "packageItem": "newsml_g2",
    "nitf": "nitf",
    "html": "page",
}
_FIRST_ELEMENT = re.compile(
    rb"<(?!\?|!)(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)", re.S
)
# An XHTML root (its start tag declares the XHTML namespace) and a feed root inside it: an
# Atom or RSS feed served wrapped in an XHTML page, which feedparser reads as that feed.
_XHTML_ROOT = re.compile(rb"[^>]*xmlns\s*=\s*[\"']http://www\.w3\.org/1999/xhtml[\"']")
_EMBEDDED_FEED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(feed|rss|RDF)[\s/>]")


def _decode_head(data: bytes) -> bytes:
    """Return the document's first bytes as ASCII-compatible bytes (UTF-16/32 re-encoded)."""
    head = data[:8192]
    wide = sniff_wide_encoding(head)
    if wide is None:
        return head
    codec = wide.removesuffix("-bom")
    if wide.endswith("-bom"):
        head = head[{"utf-8": 3, "utf-16-le": 2, "utf-16-be": 2}.get(codec, 4):]
    return head.decode(codec, "ignore").encode("utf-8")


def sniff(data: bytes) -> str:
    """Return the format name of a document from its content.

    JSON: a ``version`` naming jsonfeed.org is JSON Feed; ``uri``/``headline(s)`` is ninjs.
    XML/HTML: the root element decides (an XHTML page that holds a feed's root element is
    that feed). Raises ``ParseError`` when nothing fits.
    """
    head = _decode_head(data).lstrip()
    if not head:
        raise ParseError("empty document")
    if head[:1] in (b"{", b"["):
        try:
            doc = json.loads(repair_json_encoding(data)[0].decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ParseError(f"not valid JSON: {exc}") from None
        if isinstance(doc, dict):
            if "jsonfeed.org" in str(doc.get("version", "")):
                return "jsonfeed"
            if {"uri", "headline", "headlines", "guid"} & doc.keys():
                return "ninjs"
            if "items" in doc and "title" in doc:
                return "jsonfeed"
        raise ParseError("JSON document is neither JSON Feed nor ninjs (no version/uri/headline key)")
    # Skip the prolog: declarations, comments, doctype.
    body = re.sub(rb"<!--.*?-->", b"", head, flags=re.S)
    match = _FIRST_ELEMENT.search(body)
    if not match:
        raise ParseError("no root element found: not XML, HTML or JSON")
    root = match.group(1).decode("ascii", "replace")
    fmt = _XML_ROOTS.get(root) or _XML_ROOTS.get(root.lower())
    if fmt == "page" and _XHTML_ROOT.match(body, match.end()):
        inner = _EMBEDDED_FEED.search(body, match.end())
        if inner:
            return _XML_ROOTS[inner.group(1).decode("ascii")]
    if fmt is None:
        if re.match(rb"\s*<!doctype\s+html", head, re.I):
            return "page"
        raise ParseError(f"unknown root element <{root}>")
    return fmt


def parse_bytes(
    data: bytes,
    kind: str = "feed",
    url: str | None = None,
    *,
    source: str = "",
    headers: Mapping[str, str] | None = None,
    site_names: Sequence[str] = (),
) -> list[Article]:
    """Return the article records of one document.

    ``kind`` is a source kind (``feed`` or ``inbox``: the format is sniffed; ``page``: an article
    page) or a format name from :data:`PARSERS`. ``source`` is the source id used for record ids.
    ``site_names`` (article pages only) are the site's names found on its other pages
    (:func:`normalize.page.site_names_by_host`), taken out of the title.
    Raises ``ParseError`` for a document that cannot be read.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        # Files and inbox drops are not capped by the fetcher: this is their cap.
        raise ParseError(f"document too large: {len(data):,} bytes exceeds the "
                         f"{MAX_DOCUMENT_BYTES:,}-byte limit")
    fmt = sniff(data) if kind in ("feed", "inbox", "auto") else kind
    if fmt not in PARSERS:
        raise ParseError(f"unknown document kind {kind!r}")
    data, headers, repairs = _repair_encoding(data, fmt, headers)
    data, capped = _cap_items(data, fmt)
    module = importlib.import_module(PARSERS[fmt])
    options = {"site_names": tuple(site_names)} if fmt == "page" and site_names else {}
    with collect_repairs() as cut:
        try:
            articles = module.parse(data, url=url, headers=headers, **options)
        except RecursionError:
            # json (and any recursive reader) on a document nested thousands deep.
            raise ParseError("document nested too deeply to read") from None
    articles = [_cap_fields(article) for article in articles]
    repairs = [f"encoding: {note}" for note in repairs] + capped + [f"limit: {note}" for note in cut]
    if repairs:
        # Recorded on every record: the pipeline collects them into the source's state.
        notes = tuple(Note(NoteKind.REPAIR, note) for note in repairs)
        articles = [a.replace(extra=a.extra + notes) for a in articles]
    return [finish_identity(article, source) for article in articles]


#: Limits on one document. The fetcher caps downloads (``max_bytes``); these hold for files and
#: inbox drops too, and keep one hostile document from holding a run for minutes.
MAX_DOCUMENT_BYTES = 64_000_000
MAX_ITEMS = 2_000
MAX_TITLE_CHARS = 500
MAX_SUMMARY_CHARS = 5_000
_ITEM_START = {
    "rss": re.compile(rb"<(?:[\w.-]+:)?item[\s>/]"),
    "atom": re.compile(rb"<(?:[\w.-]+:)?entry[\s>/]"),
    "newsml_g2": re.compile(rb"<(?:[\w.-]+:)?(?:newsItem|packageItem|conceptItem|knowledgeItem)[\s>/]"),
}
# A word every item start above holds: fewer of them than MAX_ITEMS and nothing is cut.
_ITEM_WORD = {"rss": b"item", "atom": b"entry", "newsml_g2": b"Item"}
_NOT_TAGS = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>", re.S | re.I)
_HEAD_TAG = re.compile(rb"<(/?)([\w.:-]+)(?:\s[^>]*?)?(/?)>")


def _cap_items(data: bytes, fmt: str) -> tuple[bytes, list[str]]:
    """Keep the first :data:`MAX_ITEMS` items of a feed or NewsML-G2 message (feeds list the
    newest first); the document is cut before the next item and its open elements closed."""
    if fmt == "jsonfeed":
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError):
            return data, []  # the parser reports it
        items = doc.get("items") if isinstance(doc, dict) else None
        if not isinstance(items, list) or len(items) <= MAX_ITEMS:
            return data, []
        doc["items"] = items[:MAX_ITEMS]
        return (json.dumps(doc).encode("utf-8"),
                [f"limit: {len(items):,} items, only the first {MAX_ITEMS:,} read"])
    pattern = _ITEM_START.get(fmt)
    if pattern is None or data.count(_ITEM_WORD[fmt]) <= MAX_ITEMS:
        return data, []
    starts = []
    for match in pattern.finditer(data):
        starts.append(match.start())
        if len(starts) > MAX_ITEMS:
            break
    if len(starts) <= MAX_ITEMS:
        return data, []
    total = MAX_ITEMS + sum(1 for _ in pattern.finditer(data, starts[-1]))
    open_elements: list[bytes] = []
    for closing, name, empty in (m.groups() for m in _HEAD_TAG.finditer(_NOT_TAGS.sub(b"", data[:starts[0]]))):
        if closing:
            if open_elements and open_elements[-1] == name:
                open_elements.pop()
        elif not empty:
            open_elements.append(name)
    tail = b"".join(b"</" + name + b">" for name in reversed(open_elements))
    return (data[:starts[MAX_ITEMS]] + tail,
            [f"limit: {total:,} items, only the first {MAX_ITEMS:,} read"])


def _cut(text: str, limit: int) -> str:
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut[:limit].rstrip() + "…"


def _cap_fields(article: Article) -> Article:
    """Cut a title or summary longer than the limits at a word, with the reason recorded."""
    notes = []
    changes = {}
    if len(article.title) > MAX_TITLE_CHARS:
        changes["title"] = _cut(article.title, MAX_TITLE_CHARS)
        notes.append(f"limit: title of {len(article.title):,} characters cut to {MAX_TITLE_CHARS}")
    if article.summary and len(article.summary) > MAX_SUMMARY_CHARS:
        changes["summary"] = _cut(article.summary, MAX_SUMMARY_CHARS)
        notes.append(f"limit: summary of {len(article.summary):,} characters cut to {MAX_SUMMARY_CHARS:,}")
    if not notes:
        return article
    repairs = tuple(Note(NoteKind.REPAIR, note) for note in notes)
    return article.replace(**changes, extra=article.extra + repairs)


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_REFERENCE_BYTES = re.compile(CONTROL_REFERENCE.pattern.encode("ascii"))


def _repair_encoding(data: bytes, fmt: str, headers: Mapping[str, str] | None
                     ) -> tuple[bytes, Mapping[str, str] | None, list[str]]:
    """Decode XML and JSON formats to clean UTF-8 (see :mod:`normalize.text`); pages decode
    themselves (meta charset, HTTP header). Out: bytes, headers saying UTF-8, repairs."""
    if fmt in ("jsonfeed", "ninjs"):
        repaired, notes = repair_json_encoding(data)
        return repaired, headers, notes
    if fmt == "page":
        # Pages decode themselves (meta charset), but control bytes are never text and make
        # lxml refuse to set an attribute: dropped here for every 8-bit page.
        if sniff_wide_encoding(data) is None and (_CONTROL_BYTES.search(data)
                                                  or _CONTROL_REFERENCE_BYTES.search(data)):
            count = len(_CONTROL_BYTES.findall(data)) + len(_CONTROL_REFERENCE_BYTES.findall(data))
            data = _CONTROL_REFERENCE_BYTES.sub(b"", _CONTROL_BYTES.sub(b"", data))
            return data, headers, [f"{count} control characters removed"]
        return data, headers, []
    if fmt not in ("rss", "atom", "newsml_g2", "nitf"):
        return data, headers, []
    http_charset = header_charset(headers)
    repaired, notes = repair_xml_encoding(data, http_charset)
    if repaired is not data and http_charset:
        # The bytes are UTF-8 now: a stale HTTP charset must not make feedparser re-decode them.
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        lowered["content-type"] = CHARSET_PARAM.sub("charset=utf-8", lowered["content-type"])
        headers = lowered
    return repaired, headers, notes


# Schemes an identifier may carry as it is; a reader may follow an id or guid as a link.
_SAFE_ID_SCHEMES = {"http", "https", "urn", "tag", "uuid", "mailto"}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_ID_UNSAFE_CHARS = re.compile(r"[<>\"'`\x00-\x1f\x7f]")


def _url_scheme(value: str) -> str | None:
    if value.startswith(("https://", "http://")):
        return value[:value.index(":")]  # nearly every link and guid: no need to strip noise
    match = _SCHEME.match(_URL_NOISE.sub("", value))
    return match.group(1).lower() if match else None


def safe_identifier(guid: str) -> str:
    """Return ``guid`` unchanged, or wrapped as ``urn:wirefeed:guid:<escaped>`` when unsafe.

    Unsafe: a scheme readers could run (``javascript:``, ``data:``, ``file:``...) or characters
    that would be markup if a reader rendered the id. The wrapping is deterministic, so the
    record keeps the same identity on every run.
    """
    scheme = _url_scheme(guid)
    if (scheme is None or scheme in _SAFE_ID_SCHEMES) and not _ID_UNSAFE_CHARS.search(guid):
        return guid
    return "urn:wirefeed:guid:" + quote(guid, safe="")


def finish_identity(article: Article, source: str) -> Article:
    """Fill ``guid`` (guid, else link, else content hash), ``id``, ``source`` and ``content_hash``.

    A ``url`` whose scheme is not http(s) (``javascript:``, ``data:``...) is dropped and an
    unsafe guid is wrapped (see :func:`safe_identifier`): nothing downstream can emit them.
    """
    if article.url and _url_scheme(article.url) not in (None, "http", "https"):
        log.warning("dropped a link with scheme %r", _url_scheme(article.url))
        article = article.replace(url=None)
    content_hash = compute_content_hash(article)
    guid = safe_identifier(article.guid or article.url or content_hash)
    return article.replace(
        guid=guid,
        source=source or article.source,
        id=make_article_id(source or article.source, guid),
        content_hash=content_hash,
    )


def normalize_document(
    data: bytes,
    kind: str = "feed",
    url: str | None = None,
    *,
    source: str = "",
    headers: Mapping[str, str] | None = None,
    language: str | None = None,
    candidates: tuple[str, ...] | None = None,
) -> list[Article]:
    """Parse one document and finish its records: wire conventions, then language.

    ``language`` is the source's configured language (the fallback when the text is too short);
    ``candidates`` restricts detection to the languages the editions use. Editions are routed
    later, by the pipeline, because they depend on the configuration.
    """
    articles, _ = normalize_changed(data, kind, url, source=source, headers=headers,
                                    language=language, candidates=candidates)
    return articles


def normalize_changed(
    data: bytes,
    kind: str = "feed",
    url: str | None = None,
    *,
    source: str = "",
    headers: Mapping[str, str] | None = None,
    language: str | None = None,
    candidates: tuple[str, ...] | None = None,
    known: Mapping[str, str] | None = None,
    site_names: Sequence[str] = (),
) -> tuple[list[Article], int]:
    """Like :func:`normalize_document`, skipping the items already archived unchanged.

    ``known`` maps guid -> ``parse_hash`` of the archived records of this source: an item whose
    parse hash matches is skipped before wire conventions and language detection (about three
    quarters of the cost of an item). ``site_names`` goes to :func:`parse_bytes`. Returns the
    finished records and how many were skipped.
    """
    from normalize import language as lang_mod, wire

    known = known or {}
    finished = []
    skipped = 0
    for article in parse_bytes(data, kind, url, source=source, headers=headers,
                               site_names=site_names):
        parse_hash = article.content_hash
        if known.get(article.guid) == parse_hash:
            skipped += 1
            continue
        parsed_fields = content_fields(article)
        article = wire.enrich(article)
        detection = lang_mod.detect_article(article, fallback=language, candidates=candidates)
        extra = article.extra
        if detection.reason:
            # An overruled declaration or a fallback is kept with the record (`ingest show`).
            extra += (Note(NoteKind.LANGUAGE_REASON, detection.reason),)
        # parse_bytes settled guid, id, url and source, which neither step above touches: only
        # the content hash is taken again, unless the wire conventions left every content
        # field as it was parsed (the very objects: most real feeds' items).
        if not all(map(operator.is_, content_fields(article), parsed_fields)):
            content_hash = compute_content_hash(article)
        else:
            content_hash = parse_hash
        finished.append(article.replace(
            language=detection.language, language_method=detection.method, extra=extra,
            parse_hash=parse_hash, content_hash=content_hash))
    return finished, skipped


def normalize_many(
    documents: list[tuple],
    candidates: tuple[str, ...] | None = None,
    finish=None,
) -> list[tuple[list[Article], int] | str]:
    """Normalize several documents; meant to be called in a worker process (a process pool).

    In: ``(data, kind, url, source, headers, language[, known[, site_names]])`` tuples, as
    :func:`normalize_changed` takes them, and the candidate languages. Out: one entry per
    document, in order: ``(records, skipped)``, or the ``ParseError`` reason as a ``str`` (plain
    values pickle back from a worker; the caller re-raises with its own source and location).
    Never raises ``ParseError``. ``finish``, when given, is applied to each document's records
    (the pipeline passes its routing, a picklable callable, so that it runs in the worker too).
    """
    results: list[tuple[list[Article], int] | str] = []
    for data, kind, url, source, headers, language, *rest in documents:
        try:
            articles, skipped = normalize_changed(data, kind, url, source=source,
                                                  headers=headers, language=language,
                                                  candidates=candidates,
                                                  known=rest[0] if rest else None,
                                                  site_names=rest[1] if len(rest) > 1 else ())
        except ParseError as exc:
            results.append(exc.reason)
            continue
        results.append((finish(articles) if finish is not None else articles, skipped))
    return results
