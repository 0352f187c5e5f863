"""Publishing a real archive: what the per-publish caches save never changes a byte.

One archive, the shipped 20 editions and their section feeds: every English record is in all
the English editions and in a section feed, Spanish and English versions of a story link to
each other, one embargo has passed and one has not. The feeds folder, the publish state
included, is compared with the one written when every query decodes its own rows and every
channel digest makes its own reprs, as publishing did before those caches.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import write_config
import ingest.archive
import syndicate.publish
from ingest.archive import Archive, open_archive
from ingest.config import load_config
from normalize.model import Article, Credit, Image

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc)
ENGLISH = ("en", "en-au", "en-ca", "en-gb", "en-ie", "en-in", "en-us", "en-za")
SPANISH = ("es-es", "es-419", "es-mx", "es-co")


def _articles() -> list[Article]:
    articles = []
    for number in range(30):
        when = NOW - timedelta(minutes=7 * number)
        story = ("agency_item", f"story-{number}")
        picture = Image(f"https://img.example/{number}.jpg", f"Picture {number}.",
                        Credit(f"Wire/Photographer {number}", f"Photographer {number}"),
                        "image/jpeg", 1200, 800)
        articles.append(Article(
            id=f"en-{number:02d}", guid=f"urn:wire:{number}-en", source="wire",
            title=f"Headline {number}", url=f"https://wire.example/en/{number}",
            summary=f"Summary {number}.", body_html=f"<p>Body {number}.</p>", agency="Wire",
            authors=("Ann Smith",), images=(picture,), published=when, updated=when,
            language="en", editions=ENGLISH, sections=(("Economy",), ("Culture",), ())[number % 3],
            extra=(story,),
            embargoed=NOW + timedelta(hours=1) if number == 4 else (
                NOW - timedelta(hours=1) if number == 5 else None)))
        if number % 2 == 0:
            articles.append(Article(
                id=f"es-{number:02d}", guid=f"urn:wire:{number}-es", source="wire",
                title=f"Titular {number}", url=f"https://wire.example/es/{number}",
                body_text=f"Cuerpo {number}.", agency="Wire", published=when, updated=when,
                language="es", editions=SPANISH, sections=("Economía",), extra=(story,)))
    return articles


def _digest_as_before(renderer, channel, articles, translations, parts=None) -> str:
    digest = hashlib.sha256(renderer.encode())
    digest.update(repr(channel).encode())
    for article in articles:
        digest.update(repr(article).encode())
        digest.update(repr(translations.get(article.id)).encode())
    return digest.hexdigest()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("parallel", [True, False])
def test_cached_publish_writes_the_bytes_of_an_uncached_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool) -> None:
    config = load_config(write_config(tmp_path, ""))
    archive = open_archive(config.pipeline.database)
    decoded: Counter[str] = Counter()
    row_to_article = ingest.archive._row_to_article

    def counting(row):
        decoded[row["id"]] += 1
        return row_to_article(row)

    try:
        archive.store(_articles(), NOW - timedelta(days=1))
        feeds = config.pipeline.feeds
        with monkeypatch.context() as patch:
            patch.setattr(ingest.archive, "_row_to_article", counting)
            written = syndicate.publish.publish_all(config, archive, NOW, parallel=parallel)
        cached = _files(feeds)
        assert decoded and set(decoded.values()) == {1}  # each record decoded once
        assert "en-gb/economy/atom.xml" in cached and "es-mx/economia/feed.json" in cached
        assert b'hreflang="es"' in cached["en-gb/rss.xml"]
        assert b"Headline 4" not in cached["en/rss.xml"] and b"Headline 5" in cached["en/rss.xml"]
        assert len(written) == len(cached) - 1  # every file but the state is a feed or index

        shutil.rmtree(feeds)
        feed_articles = Archive.feed_articles
        monkeypatch.setattr(Archive, "feed_articles",
                            lambda self, *args, known=None, **kwargs:
                            feed_articles(self, *args, **kwargs))
        monkeypatch.setattr(syndicate.publish, "channel_digest", _digest_as_before)
        syndicate.publish.publish_all(config, archive, NOW, parallel=parallel)
        assert _files(feeds) == cached
    finally:
        archive.close()
