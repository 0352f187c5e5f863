"""The feed and its items as every renderer sees them.

:class:`Channel` describes one published feed (an edition, or a section of it); :class:`FeedRef`
feeds the OPML list. :func:`prepare_entry` turns
archived :class:`~normalize.model.Article` records into :class:`Entry` values with every fallback
already applied, so the RSS, Atom and JSON Feed writers only lay values out and cannot disagree
(:func:`rendered_items` gives a feed's items laid out, each once per publish and format with an
:class:`ItemCache`):

- id: one value for the RSS ``guid``, the Atom ``id`` and the JSON Feed ``id``, always a valid
  URI: ``article.guid`` when :func:`syndicate.ids.is_valid_uri` accepts it, else a ``tag:`` URI
  minted from the base URL's host, the source and the guid (:func:`syndicate.ids.feed_id`). It
  depends only on those, so it never changes when a headline does; the record (and ``ingest
  export``) keeps the agency's guid.
- title: the plain headline, else the first words of the summary, body or caption (with "…"),
  else the agency, else the source id.
- link: ``article.url`` when it is an absolute http(s) URL, else ``{base_url}/articles/{id}``.
- dates: ``published`` falls back to ``updated``; ``updated`` falls back to ``published``; with
  neither, both are 1970-01-01T00:00:00Z (:data:`EPOCH`). A feed's own date (RSS
  ``lastBuildDate``, Atom ``updated``, JSON Feed ``_wirefeed.updated``, and the served
  Last-Modified) is :attr:`Channel.updated`: when the feed's content last changed, kept in the
  publish state by :mod:`syndicate.publish` (so a back-dated item, a correction or a kill moves
  it). Without one (a channel rendered outside a publish) it is the newest item's ``updated``,
  :data:`EPOCH` for an empty feed. Never the clock.
- authors: the bylines, else the agency, else the source id.
- content: the sanitized body (or the plain body as paragraphs), with each picture appended as a
  ``<figure>`` carrying its caption and credit, since most readers ignore media credits.
- URLs: only absolute http(s) URLs are emitted, spaces and non-ASCII characters percent-encoded
  (existing escapes kept); images with any other URL are left out.
- text: every plain-text field (authors, captions, credits...) loses markup, entities are
  decoded, and characters XML 1.0 forbids are removed.

Pure: no clock, no I/O.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any, Callable, Mapping, Sequence, TypeVar
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from normalize.model import Article, Credit, Dateline, Image, isoformat, make_article_id, utc
from normalize.sanitize import clean_html, strip_forbidden_chars
from normalize.text import clean_text, plain_title
from syndicate.ids import feed_id

log = logging.getLogger(__name__)

#: The date of an item or feed that has none (documented fallback; never the clock).
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

#: format -> file name inside a feed's folder.
FEED_FILES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
#: format -> media type, for ``rel="alternate"`` links and HTML ``<link>`` tags.
FEED_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}

# RFC 4287's atomLanguageTag; a value that does not match is left out rather than made invalid.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*")
_HOST = re.compile(r"[A-Za-z0-9._~-]+(:[0-9]*)?|\[[0-9A-Fa-f:.]+\](:[0-9]*)?")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Reserved and unreserved URL characters stay as they are; "%" too, so escapes survive.
_URL_SAFE = "!$&'()*+,;=:@/?-._~%"
_IMAGE_TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
    "webp": "image/webp", "avif": "image/avif", "svg": "image/svg+xml",
}
_TITLE_WORDS_LIMIT = 80

T = TypeVar("T")


@dataclass(frozen=True)
class Channel:
    """One published feed: an edition, or a section of an edition."""

    edition: str
    edition_name: str
    languages: tuple[str, ...]
    title: str
    description: str
    base_url: str
    path: str
    section: str | None = None
    ttl: int | None = None
    hub: str | None = None
    generator: str = "wirefeed"
    #: When the feed's content last changed (from the publish state); None: its newest item's date.
    updated: datetime | None = None

    @property
    def root(self) -> str:
        """The public base URL without a trailing slash."""
        return self.base_url.rstrip("/")

    def url_for(self, fmt: str) -> str:
        """Return the public URL of this feed in ``fmt`` (``rss``, ``atom``, ``json``).

        Raises ``KeyError`` for another format.
        """
        return f"{self.root}/{self.path.strip('/')}/{FEED_FILES[fmt]}"

    @property
    def html_url(self) -> str:
        """The page of this edition (or section) on the site: ``<base>/<path>/``."""
        return f"{self.root}/{self.path.strip('/')}/"

    @property
    def language(self) -> str | None:
        """The feed's language when the edition has exactly one, else ``None``."""
        if len(self.languages) == 1 and _LANGUAGE_TAG.fullmatch(self.languages[0] or ""):
            return self.languages[0]
        return None

    @property
    def hub_url(self) -> str | None:
        """The WebSub hub as a safe URL, or ``None``."""
        return safe_url(self.hub)

    def permalink(self, article: Article) -> str:
        """Return the fallback link of an article that has no usable URL of its own."""
        return permalink(self.root, article)


@dataclass(frozen=True)
class FeedRef:
    """One published feed file, as listed by the OPML file and the HTML index."""

    edition: str
    edition_name: str
    section: str | None
    fmt: str
    title: str
    url: str
    html_url: str
    languages: tuple[str, ...] = ()  # the edition's languages


@dataclass(frozen=True)
class Picture:
    """One picture of an item: its renditions (one or more sizes) with one caption and credit."""

    renditions: tuple[Image, ...]
    caption: str
    credit: Credit | None

    @property
    def main(self) -> Image:
        """The rendition shown in the body and as the enclosure: the widest (first on ties)."""
        return max(self.renditions, key=lambda image: image.width or 0)

    @property
    def thumbnail(self) -> Image:
        """The smallest rendition of known width, else the main one."""
        sized = [image for image in self.renditions if image.width]
        return min(sized, key=lambda image: image.width) if sized else self.main


@dataclass(frozen=True)
class Entry:
    """One item, every field final: what the renderers write, with all fallbacks applied."""

    guid: str  # the RSS guid, Atom id and JSON Feed id: a valid URI (see :func:`item_id`)
    title: str
    link: str
    summary: str
    excerpt: str  # the summary, else the body's first words: RSS's description
    content_html: str
    published: datetime
    updated: datetime
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    language: str | None
    rights: str | None
    agency: str | None
    source: str
    dateline: Dateline | None
    version: int
    images: tuple[Image, ...]
    pictures: tuple[Picture, ...]
    translations: tuple[tuple[str, str], ...]


def permalink(root: str, article: Article) -> str:
    """The fallback link, under the public base URL, of an article with no usable URL."""
    return f"{root}/articles/{quote(article_key(article), safe='')}"


def article_key(article: Article) -> str:
    """Return the article's record id (computed from source and guid if the record lacks one)."""
    return article.id or make_article_id(article.source, article.guid)


@lru_cache(maxsize=16384)  # a publish asks for an item's link ~4 times; see forget_entries
def safe_url(url: str | None) -> str | None:
    """Return ``url`` as an absolute http(s) URL safe to emit, or ``None``.

    Spaces and non-ASCII characters are percent-encoded (a non-ASCII host goes to IDNA), existing
    ``%XX`` escapes are kept, a lone ``%`` becomes ``%25``. Relative URLs and other schemes
    (``javascript:``, ``data:``...) give ``None``. Never raises.
    """
    if not url:
        return None
    # Browsers drop tabs and line breaks inside URLs; feeds wrap long ones.
    url = re.sub(r"[\t\r\n]", "", strip_forbidden_chars(url)).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    userinfo, at, hostport = parts.netloc.rpartition("@")
    try:
        hostport.encode("ascii")
    except UnicodeEncodeError:
        host, colon, port = hostport.partition(":")
        try:
            hostport = host.encode("idna").decode("ascii") + colon + port
        except UnicodeError:
            return None
    if not _HOST.fullmatch(hostport):
        return None
    netloc = (_quote(userinfo) + at if at else "") + hostport
    return urlunsplit((
        parts.scheme.lower(), netloc, _quote(parts.path), _quote(parts.query),
        _quote(parts.fragment),
    ))


def _quote(part: str) -> str:
    return quote(_LONE_PERCENT.sub("%25", part), safe=_URL_SAFE)


def language_tag(value: str | None) -> str | None:
    """Return ``value`` if it is a well-formed language tag (RFC 4287), else ``None``."""
    value = (value or "").strip()
    return value if _LANGUAGE_TAG.fullmatch(value) else None


def rfc822(value: datetime) -> str:
    """Return an RSS date: ``Thu, 24 Oct 2024 10:00:00 GMT``."""
    return format_datetime(utc(value), usegmt=True)


def rfc3339(value: datetime) -> str:
    """Return an Atom / JSON Feed date: ``2024-10-24T10:00:00Z``."""
    return isoformat(utc(value).replace(microsecond=0))


def image_type(image: Image) -> str | None:
    """Return the image's media type: as recorded if it looks like one, else from the extension."""
    if image.type and _MEDIA_TYPE.fullmatch(image.type.strip()):
        return image.type.strip().lower()
    path = urlsplit(image.url).path.lower()
    extension = path.rpartition(".")[2] if "." in path.rpartition("/")[2] else ""
    return _IMAGE_TYPES.get(extension)


class ItemCache:
    """One format's items, each made once however many channels of a publish show its record.

    An item depends on its record, the record's translation links and the base URL (the
    fallback link of a record with no usable URL), and on nothing else of the channel: items
    are kept by base URL, record id and links, and one is reused only for the same record (the
    same object, as a publish reads each record once, or an equal one).
    """

    def __init__(self) -> None:
        self._items: dict[tuple, tuple[Article, datetime, Any]] = {}

    def find(self, root: str, article: Article,
             links: tuple[tuple[str, str], ...]) -> tuple[datetime, Any] | None:
        """Return the entry's ``updated`` and the item kept for ``article``, or ``None``."""
        kept = self._items.get((root, article_key(article), links))
        if kept is None or (kept[0] is not article and kept[0] != article):
            return None
        return kept[1], kept[2]

    def add(self, root: str, article: Article, links: tuple[tuple[str, str], ...],
            updated: datetime, item: Any) -> None:
        """Keep ``item``, made from ``article`` (its entry dated ``updated``) under ``root``."""
        self._items[root, article_key(article), links] = (article, updated, item)


def rendered_items(
    channel: Channel,
    articles: Sequence[Article],
    translations: Mapping[str, Sequence[tuple[str, str]]] | None,
    render_item: Callable[[Entry], T],
    cache: ItemCache | None = None,
) -> tuple[datetime, list[T]]:
    """Return the feed's date and ``render_item(entry)`` of each article, in the given order.

    ``translations`` maps an article id to its ``(hreflang, href)`` other-language versions
    (see :func:`syndicate.translations.link_translations`). The feed's date is
    ``channel.updated`` when set, else its newest item's ``updated``, :data:`EPOCH` for no items. ``cache``, one per format and publish,
    gives the items it holds and keeps the ones made. Never drops an item; never raises on odd
    field values.
    """
    cache = ItemCache() if cache is None else cache
    translations = translations or {}
    root = channel.root
    newest: datetime | None = None
    items = []
    for article in articles:
        links = tuple(translations.get(article_key(article), ()))
        kept = cache.find(root, article, links)
        if kept is None:
            entry = _prepared(root, article, links)
            kept = entry.updated, render_item(entry)
            cache.add(root, article, links, *kept)
        newest = kept[0] if newest is None else max(newest, kept[0])
        items.append(kept[1])
    if channel.updated is not None:
        return _second(utc(channel.updated)), items
    return EPOCH if newest is None else newest, items


# An article is laid out in 3 formats (and again in each channel that shows it when a renderer
# is called without a shared item cache); preparing it (sanitizing the body, grouping pictures)
# once serves them all. The entry depends only on the article, its translations and the base URL.
@lru_cache(maxsize=8192)
def _prepared(root: str, article: Article, translations: tuple[tuple[str, str], ...]) -> Entry:
    return _prepare(root, article, translations)


def prepare_entry(
    channel: Channel, article: Article, translations: Sequence[tuple[str, str]] = ()
) -> Entry:
    """Return the :class:`Entry` of one article (see the module docstring for the rules)."""
    return _prepared(channel.root, article, tuple(translations))


def forget_entries() -> None:
    """Drop the prepared entries kept between publishes.

    The cache is keyed by record version, so a long-running process (``ingest daemon``) would
    keep every version it ever showed, up to 8,192, while only the records in its feeds now are
    asked for again. The daemon calls this after each publish; the next publish prepares each
    record it shows once more (as a fresh ``ingest render`` does).
    """
    _prepared.cache_clear()
    safe_url.cache_clear()


def _prepare(root: str, article: Article, translations: tuple[tuple[str, str], ...]) -> Entry:
    images = _usable_images(article)
    pictures = group_pictures(images)
    summary = plain_title(article.summary)
    published = _second(utc(article.published) or utc(article.updated) or EPOCH)
    updated = _second(utc(article.updated)) or published
    language = language_tag(article.language)
    link = entry_link(article) or permalink(root, article)
    ident = item_id(root, article)
    return Entry(
        guid=ident,
        title=entry_title(article),
        link=link,
        summary=summary,
        excerpt=summary or _excerpt(article),
        content_html=_content(article, pictures),
        published=published,
        updated=updated,
        authors=entry_authors(article),
        categories=_unique(plain_title(section) for section in article.sections),
        language=language,
        rights=plain_title(article.rights) or None,
        agency=plain_title(article.agency) or None,
        source=plain_title(article.source),
        dateline=_clean_dateline(article.dateline),
        version=article.version,
        images=images,
        pictures=pictures,
        translations=_translation_links(translations, language, link),
    )


def item_id(root: str, article: Article) -> str:
    """Return the item's id in every format: its guid if a valid URI, else a minted one.

    ``root`` is the public base URL (its host names minted ids); see :mod:`syndicate.ids`.
    """
    return feed_id(root, _text(article.source), _text(article.guid), article_key(article))[0]


def entry_title(article: Article) -> str:
    """Return the item's plain-text title, never empty (see the module docstring)."""
    title = plain_title(article.title)
    if title:
        return title
    for text in (
        article.summary,
        article.body_text,
        article.body_html,
        *(image.caption for image in article.images),
    ):
        text = plain_title(text)
        if text:
            return first_words(text)
    return plain_title(article.agency) or plain_title(article.source) or "—"


def entry_link(article: Article) -> str | None:
    """Return the article's own URL when it is a usable absolute http(s) URL, else ``None``."""
    return safe_url(article.url)


def entry_authors(article: Article) -> tuple[str, ...]:
    """Return the bylines, else the agency, else the source id (never empty)."""
    authors = _unique(plain_title(author) for author in article.authors)
    if authors:
        return authors
    fallback = plain_title(article.agency) or plain_title(article.source)
    return (fallback,) if fallback else ("—",)


def first_words(text: str, limit: int = _TITLE_WORDS_LIMIT) -> str:
    """Return ``text`` cut at a word boundary to at most ``limit`` characters, "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


def group_pictures(images: Sequence[Image]) -> tuple[Picture, ...]:
    """Group images into pictures: renditions share one non-empty caption and one credit text.

    Agencies (NewsML-G2, ninjs) send several sizes of a picture with the same caption; images
    without a caption are each their own picture. Order is first appearance.
    """
    groups: dict[object, list[Image]] = {}
    for index, image in enumerate(images):
        caption = plain_title(image.caption)
        credit = plain_title(image.credit.text) if image.credit else ""
        key = (caption, credit) if caption else index
        groups.setdefault(key, []).append(image)
    return tuple(
        Picture(
            renditions=tuple(group),
            caption=plain_title(group[0].caption),
            credit=group[0].credit,
        )
        for group in groups.values()
    )


def credit_line(picture: Picture) -> str:
    """Return ``caption — credit`` (or whichever of the two exists) for a figure caption."""
    credit = plain_title(picture.credit.text) if picture.credit else ""
    return " — ".join(part for part in (picture.caption, credit) if part)


def _usable_images(article: Article) -> tuple[Image, ...]:
    kept: list[Image] = []
    seen: set[str] = set()
    for image in article.images:
        url = safe_url(image.url)
        if url is None:
            log.debug("article %s: image URL %r left out (not absolute http/https)",
                      article.id, image.url)
            continue
        if url in seen:
            continue
        seen.add(url)
        kept.append(Image(
            url=url,
            caption=plain_title(image.caption) or None,
            credit=_clean_credit(image.credit),
            type=image.type,
            width=_positive(image.width),
            height=_positive(image.height),
        ))
    return tuple(kept)


def _clean_credit(credit: Credit | None) -> Credit | None:
    if credit is None or not plain_title(credit.text):
        return None
    return Credit(
        text=plain_title(credit.text),
        photographer=plain_title(credit.photographer) or None,
        source=plain_title(credit.source) or None,
        supplier=plain_title(credit.supplier) or None,
    )


def _clean_dateline(dateline: Dateline | None) -> Dateline | None:
    if dateline is None or not plain_title(dateline.text):
        return None
    return Dateline(
        text=plain_title(dateline.text),
        place=plain_title(dateline.place) or None,
        date_text=plain_title(dateline.date_text) or None,
        agency=plain_title(dateline.agency) or None,
    )


def _excerpt(article: Article) -> str:
    """The body's first words as plain text ("" for a record without a body)."""
    # As plain as a title: readers render an RSS description as HTML.
    text = plain_title(article.body_text[:2 * _EXCERPT_LIMIT])
    return first_words(text, _EXCERPT_LIMIT) if text else ""


#: An excerpt is about two sentences: what a reader's list view shows.
_EXCERPT_LIMIT = 280
#: The URL attributes of a sanitized body's tags.
# A tag (``<[A-Za-z][^>]*>``) holding ``href="``/``src="``; the others cost no Python call.
_TAG_WITH_URL = re.compile(r'<[A-Za-z][^>]*?(?:href|src)="[^>]*>')
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)"')


def absolute_links(body: str, base: str | None) -> str:
    """``body`` (sanitized HTML) with relative ``href`` and ``src`` values resolved against
    ``base``, the article's own URL: a reader resolves them against the feed's address, or
    not at all, so ``/photo.jpg`` would point nowhere. Values that do not resolve to an http(s)
    URL are left as they are."""
    if not base or ('href="' not in body and 'src="' not in body):
        return body

    def resolve(match: re.Match[str]) -> str:
        if match.group(2).startswith(("http://", "https://")):
            return match.group(0)  # absolute already (its scheme is not empty once unescaped)
        value = html.unescape(match.group(2)).strip()
        try:
            relative = bool(value) and not urlsplit(value).scheme
        except ValueError:
            relative = False
        absolute = safe_url(urljoin(base, value)) if relative else None
        if absolute is None:
            return match.group(0)
        return f'{match.group(1)}{html.escape(absolute)}"'

    return _TAG_WITH_URL.sub(lambda tag: _URL_ATTRIBUTE.sub(resolve, tag.group(0)), body)


def _content(article: Article, pictures: Sequence[Picture]) -> str:
    body = clean_html(article.body_html)
    if not body and article.body_text.strip():
        body = "".join(
            f"<p>{html.escape(line)}</p>"
            for line in (clean_text(line) for line in article.body_text.splitlines())
            if line
        )
    # Never against our own /articles/ page: the links are the publisher's.
    body = absolute_links(body, entry_link(article) or safe_url(article.fetched_url))
    figures = []
    for picture in pictures:
        main = picture.main
        # Page parsers may keep the article's own <figure>: do not show a picture twice.
        if f'src="{main.url.replace("&", "&amp;")}"' in body:
            continue
        caption = credit_line(picture)
        figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        figures.append(
            f'<figure><img src="{html.escape(main.url)}" alt="{html.escape(picture.caption)}">'
            f"{figcaption}</figure>"
        )
    # Figures need no second sanitizer pass: every value in them is escaped, and the URL is a
    # checked http(s) one.
    return body + "".join(figures)


def _translation_links(
    links: Sequence[tuple[str, str]], own_language: str | None, own_link: str
) -> tuple[tuple[str, str], ...]:
    kept: dict[str, str] = {}
    for hreflang, href in links:
        hreflang, href = language_tag(hreflang), safe_url(href)
        if not hreflang or not href or href == own_link or hreflang == own_language:
            continue
        kept.setdefault(hreflang, href)
    return tuple(kept.items())


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _text(value: str | None) -> str:
    return strip_forbidden_chars(value or "")


def _positive(value: int | None) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


def _second(value: datetime | None) -> datetime | None:
    # Feeds carry whole seconds; RSS cannot carry more, and formats must agree.
    return value.replace(microsecond=0) if value else None
