"""The site a person sees: the editions' pages, rendered from templates with the feeds.

Pages (all links relative, so the site works under ``ingest serve`` on any port, behind any
``base_url`` and from a plain static server):

- ``index.html``: the editions as a grid (name, language, item count, last update);
- ``<edition>/index.html``: the edition's latest items (headline, summary, lead image with its
  caption and photo credit, byline, dateline, agency, date in the edition's locale and time
  zone), section tabs, and autodiscovery links to the edition's own three feeds;
- ``<edition>/<section>/index.html``: the same for a section feed;
- ``site.css``, ``rss.xsl``, ``atom.xsl``: one stylesheet for the pages and one XSL per feed
  format, so a feed opened in a browser reads as a page of the site.

Templates are Jinja2 with autoescaping on: no value from a record reaches a page unescaped, and
only absolute http(s) URLs become links or images. Rendering is pure (values in, bytes out); the
caller writes the files.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Sequence
from zoneinfo import ZoneInfo

from normalize.model import Article, utc
from normalize.text import html_to_text
from syndicate.channel import FEED_FILES, FEED_TYPES, entry_link, entry_title, language_tag, safe_url

#: Static files written beside ``index.html`` (name -> package resource).
STATIC_FILES = ("site.css", "rss.xsl", "atom.xsl")

# The zone an edition's readers live in, by the region part of its id (the capital's zone, or
# the most populous one for countries that span several). An edition without a region (the
# Global Edition) shows UTC.
_REGION_ZONES = {
    "au": "Australia/Sydney", "at": "Europe/Vienna", "be": "Europe/Brussels",
    "br": "America/Sao_Paulo", "ca": "America/Toronto", "ch": "Europe/Zurich",
    "co": "America/Bogota", "de": "Europe/Berlin", "es": "Europe/Madrid",
    "fr": "Europe/Paris", "gb": "Europe/London", "ie": "Europe/Dublin", "in": "Asia/Kolkata",
    "it": "Europe/Rome", "mx": "America/Mexico_City", "us": "America/New_York",
    "za": "Africa/Johannesburg", "419": "America/Bogota", "pt": "Europe/Lisbon",
    "ar": "America/Argentina/Buenos_Aires", "cl": "America/Santiago", "pe": "America/Lima",
    "nl": "Europe/Amsterdam", "nz": "Pacific/Auckland",
}
#: format -> the name an edition page gives its feed link (file names and media types: channel).
_FEED_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
_SUMMARY_CHARS = 320


@dataclass(frozen=True)
class Section:
    """A section tab: its folder name under the edition and its display name."""

    slug: str
    name: str


@dataclass(frozen=True)
class EditionPage:
    """What the site shows of one edition (or of one of its sections when ``section`` is set).

    ``articles`` are the feed's records, newest first; ``sections`` the edition's section feeds.
    """

    edition: str
    name: str
    languages: tuple[str, ...]
    articles: tuple[Article, ...]
    sections: tuple[Section, ...] = ()
    section: Section | None = None


@dataclass(frozen=True)
class _Item:
    """One record as the templates show it: plain, escaped-later strings and safe URLs."""

    title: str
    url: str | None
    summary: str | None
    language: str | None
    authors: str | None
    dateline: str | None
    agency: str | None
    date_iso: str | None
    date_text: str | None
    image_url: str | None
    caption: str | None
    photo_credit: str | None


def edition_locale(edition: str, languages: Sequence[str]) -> str:
    """The Babel locale an edition's dates are written in: ``fr-fr`` -> ``fr_FR``.

    An id that is only a region (``ch``) takes the edition's first language; an unknown
    locale falls back to the language, then to English. Never raises.
    """
    from babel import Locale, UnknownLocaleError

    language = (languages[0] if languages else "en").split("-")[0].lower()
    first, _, region = edition.partition("-")
    if not region and first not in _language_codes():
        region = first
        first = language
    for tag in (f"{first}_{region.upper()}" if region else first, language, "en"):
        try:
            Locale.parse(tag)
        except (UnknownLocaleError, ValueError):
            continue
        return tag
    return "en"


@functools.lru_cache(maxsize=1)
def _language_codes() -> frozenset[str]:
    from babel import localedata

    return frozenset(name for name in localedata.locale_identifiers() if "_" not in name)


def edition_zone(edition: str) -> ZoneInfo:
    """The time zone an edition's dates are shown in (see ``_REGION_ZONES``); UTC otherwise."""
    first, _, region = edition.lower().partition("-")
    name = _REGION_ZONES.get(region or first)
    return ZoneInfo(name) if name else ZoneInfo("UTC")


@functools.lru_cache(maxsize=8192)
def local_date(value: datetime | None, locale: str, zone: ZoneInfo) -> str | None:
    """``value`` written for a reader of ``locale`` in ``zone`` (``21 août 2025, 11:30``).

    The locale's medium date and short time (no seconds), joined by its own pattern. Cached:
    a record shown in several editions of one locale is formatted once.
    """
    if value is None:
        return None
    from babel.dates import format_date, format_time

    parsed, pattern = _locale_formats(locale)
    local = utc(value).astimezone(zone)
    return (pattern.replace("{1}", format_date(local, "medium", locale=parsed))
            .replace("{0}", format_time(local, "short", locale=parsed)))


@functools.lru_cache(maxsize=64)
def _locale_formats(locale: str):
    """The parsed Babel locale and its medium date-time joining pattern (``{1}, {0}``)."""
    from babel import Locale
    from babel.dates import get_datetime_format

    parsed = Locale.parse(locale)
    return parsed, get_datetime_format("medium", locale=parsed).replace("'", "")


def render_index(pages: Sequence[EditionPage], title: str) -> bytes:
    """The home page: every edition as a card (name, language, items, last update, link)."""
    cards = []
    for page in pages:
        newest = _newest(page.articles)
        locale = edition_locale(page.edition, page.languages)
        cards.append({
            "id": page.edition, "name": page.name,
            "lang": language_tag(page.languages[0]) if len(page.languages) == 1 else None,
            "languages": ", ".join(page.languages),
            "count": len(page.articles),
            "updated_iso": newest.isoformat() if newest else None,
            "updated": local_date(newest, locale, edition_zone(page.edition)),
            "lead": _item(page.articles[0], locale, edition_zone(page.edition))
            if page.articles else None,
        })
    return _render("index.html", title=title, root="", editions=cards)


def render_edition(page: EditionPage, title: str, editions: Sequence[EditionPage]) -> bytes:
    """The page of one edition, or of one of its sections: its latest items, newest first."""
    locale = edition_locale(page.edition, page.languages)
    zone = edition_zone(page.edition)
    depth = 2 if page.section else 1
    root = "../" * depth
    here = f"{root}{page.edition}/"
    feeds = [{"label": label, "type": FEED_TYPES[kind], "href": FEED_FILES[kind]}
             for kind, label in _FEED_LABELS.items()]
    lang = language_tag(page.languages[0]) if len(page.languages) == 1 else None
    return _render(
        "edition.html", title=title, root=root, page=page, here=here, lang=lang,
        locale=locale, zone=zone.key, feeds=feeds,
        items=[_item(article, locale, zone) for article in page.articles],
        editions=[{"id": other.edition, "name": other.name} for other in editions],
    )


def warm_up(editions: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Load now what the first pages of these ``(edition id, languages)`` will need: Jinja2
    and the templates, Babel and each edition's locale data and date patterns (~0.1 s of CPU),
    so a run can load them while it waits for other work rather than after it. Out: nothing.
    """
    environment = _environment()
    for template in ("base.html", "index.html", "edition.html"):
        environment.get_template(template)
    sample = datetime(2026, 1, 1, 12, tzinfo=ZoneInfo("UTC"))
    for edition, languages in editions:
        local_date(sample, edition_locale(edition, languages), edition_zone(edition))


def static_file(name: str) -> bytes:
    """The bytes of one of :data:`STATIC_FILES`."""
    return resources.files("syndicate").joinpath("static", name).read_bytes()


def stylesheet_href(channel_path: str, fmt: str) -> str:
    """The relative href of the XSL stylesheet for a feed under ``channel_path``."""
    depth = channel_path.strip("/").count("/") + 1
    return "../" * depth + f"{fmt}.xsl"


def _item(article: Article, locale: str, zone: ZoneInfo) -> _Item:
    picture = article.images[0] if article.images else None
    image_url = safe_url(picture.url) if picture else None
    caption = _plain(picture.caption) if picture else None
    credit = None
    if picture and picture.credit:
        credit = _plain(picture.credit.text)
    dateline = _plain(article.dateline.text) if article.dateline else None
    summary = _summary(article)
    if dateline and summary and summary.startswith(dateline):
        dateline = None  # the lead already opens with it, as agency copy does
    when = article.published or article.updated
    return _Item(
        title=entry_title(article),
        url=entry_link(article),
        summary=summary,
        language=language_tag(article.language),
        authors=", ".join(filter(None, (_plain(name) for name in article.authors))) or None,
        dateline=dateline,
        agency=_plain(article.agency),
        date_iso=utc(when).isoformat() if when else None,
        date_text=local_date(when, locale, zone),
        image_url=image_url,
        caption=caption,
        photo_credit=credit,
    )


def _summary(article: Article) -> str | None:
    text = _plain(article.summary) or _plain(article.body_text)
    if not text:
        return None
    if len(text) <= _SUMMARY_CHARS:
        return text
    cut = text.rfind(" ", 0, _SUMMARY_CHARS)
    return text[: cut if cut > _SUMMARY_CHARS // 2 else _SUMMARY_CHARS].rstrip(" ,;:") + "…"


_SPACES = re.compile(r"\s+")


def _plain(value: str | None) -> str | None:
    """Plain one-line text of a record value (markup dropped, not escaped: Jinja escapes)."""
    if not value:
        return None
    text = html_to_text(value) if "<" in value or "&" in value else value
    text = _SPACES.sub(" ", text).strip()
    return text or None


def _newest(articles: Sequence[Article]) -> datetime | None:
    dates = [utc(a.published or a.updated) for a in articles if a.published or a.updated]
    return max(dates) if dates else None


@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("syndicate", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The templates are package files: a process never sees them change, so each page
        # need not look at their modification times again.
        auto_reload=False,
    )


def _render(template: str, **values) -> bytes:
    return _environment().get_template(template).render(**values).encode("utf-8")
