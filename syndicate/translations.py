"""Find the other-language versions of one agency story, for ``hreflang`` links in the feeds.

Agencies publish one story in several language services (dpa in German and English, Europa
Press in Spanish, Catalan and English...). Two records are versions of one story when their
languages differ and either

- they share a story key: a ``NoteKind.AGENCY_ITEM`` note when a parser found the agency's item
  id, or the guid without its language marker: a trailing ``-en``/``_en``/``.en``/``:en``/``/en``
  (optionally with a region, ``-pt-BR``), a ``lang=en`` query parameter or an ``/en/`` path
  segment, where ``en`` is the record's own language. Records whose agencies are both known and
  differ are never linked (a short numeric guid is not unique across agencies);
- or they carry the same set of image URLs and were published within 10 minutes of each other.
  A picture set seen on two records of one language is a logo or a file photo, not a story's
  own picture, and links nothing.

Linked records form groups (union-find); each record lists one version per other language, the
most recently updated (then the smallest id), sorted by language. A version needs a known
language and an absolute http(s) URL to be listed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Iterable

from normalize.model import Article, NoteKind, utc
from syndicate.channel import EPOCH, article_key, language_tag, safe_url

#: Two records with the same pictures are one story only if published this close together.
IMAGE_WINDOW = timedelta(minutes=10)


def link_translations(articles: Iterable[Article]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Return article id -> ``((hreflang, href), ...)`` of its other-language versions.

    In: any records (duplicates by id are read once). Out: only ids with at least one
    translation; pairs sorted by language. Pure; never raises on odd records.
    """
    records: dict[str, Article] = {}
    for article in articles:
        if language_tag(article.language):
            records.setdefault(article_key(article), article)
    groups = _Groups(records)

    by_story: dict[str, list[str]] = defaultdict(list)
    by_images: dict[frozenset[str], list[str]] = defaultdict(list)
    for key, article in records.items():
        for story in story_keys(article):
            by_story[story].append(key)
        images = frozenset(filter(None, (safe_url(image.url) for image in article.images)))
        if images:
            by_images[images].append(key)

    for keys in by_story.values():
        for i, first in enumerate(keys):
            for second in keys[i + 1:]:
                if _other_language(records[first], records[second]) and _same_agency(
                    records[first], records[second]
                ):
                    groups.union(first, second)
    for keys in by_images.values():
        languages = Counter(_primary(records[key].language) for key in keys)
        if len(keys) < 2 or max(languages.values()) > 1:
            continue
        for i, first in enumerate(keys):
            for second in keys[i + 1:]:
                if _published_close(records[first], records[second]):
                    groups.union(first, second)

    linked: dict[str, tuple[tuple[str, str], ...]] = {}
    for members in groups.components():
        for key in members:
            others = [records[other] for other in members if other != key]
            versions = _versions(records[key], others)
            if versions:
                linked[key] = versions
    return linked


def story_keys(article: Article) -> tuple[str, ...]:
    """Return the keys naming the article's agency story: its agency item notes, its guid stem."""
    keys = [text.strip() for kind, text in article.extra
            if kind == NoteKind.AGENCY_ITEM and text.strip()]
    stem = guid_stem(article.guid, article.language)
    if stem:
        keys.append(stem)
    return tuple(dict.fromkeys(keys))


def guid_stem(guid: str, language: str | None) -> str:
    """Return ``guid`` without the marker of ``language`` (see the module docstring)."""
    guid = (guid or "").strip()
    lang = _primary(language)
    if not guid or not lang:
        return guid
    code = re.escape(lang) + r"(?:[-_][A-Za-z0-9]{2,4})?"
    stem = re.sub(rf"[-_.:/]{code}$", "", guid, flags=re.I)
    stem = re.sub(rf"([?&])(?:lang|language|hl)={code}(?=&|#|$)", r"\1", stem, flags=re.I)
    stem = re.sub(rf"/{code}/", "/*/", stem, count=1, flags=re.I)
    return stem.rstrip("?&")


def _versions(article: Article, others: list[Article]) -> tuple[tuple[str, str], ...]:
    own = _primary(article.language)
    candidates: dict[str, list[Article]] = defaultdict(list)
    for other in others:
        lang = _primary(other.language)
        if lang != own and safe_url(other.url):
            candidates[lang].append(other)
    versions = []
    for lang in sorted(candidates):
        # The newest version wins; the smallest id breaks ties, so input order never matters.
        chosen = min(candidates[lang], key=lambda a: (-_when(a).timestamp(), article_key(a)))
        versions.append((language_tag(chosen.language), safe_url(chosen.url)))
    return tuple(versions)


def _when(article: Article) -> datetime:
    return utc(article.updated) or utc(article.published) or EPOCH


def _primary(language: str | None) -> str:
    return (language or "").split("-")[0].strip().lower()


def _other_language(first: Article, second: Article) -> bool:
    return _primary(first.language) != _primary(second.language)


def _same_agency(first: Article, second: Article) -> bool:
    if first.agency and second.agency:
        return first.agency.strip().casefold() == second.agency.strip().casefold()
    return True


def _published_close(first: Article, second: Article) -> bool:
    a, b = utc(first.published), utc(second.published)
    return a is not None and b is not None and abs(a - b) <= IMAGE_WINDOW


class _Groups:
    """Union-find over record ids."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._parent = {key: key for key in keys}

    def find(self, key: str) -> str:
        root = key
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[key] != root:
            self._parent[key], key = root, self._parent[key]
        return root

    def union(self, first: str, second: str) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            # The smaller id becomes the root, so groups do not depend on input order.
            self._parent[max(a, b)] = min(a, b)

    def components(self) -> list[list[str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for key in self._parent:
            members[self.find(key)].append(key)
        return [sorted(group) for group in members.values() if len(group) > 1]
