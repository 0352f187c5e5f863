"""Publishing a real archive: what the per-publish caches save never changes a byte.

One archive, the shipped 20 editions and their section feeds: every English record is in all
the English editions and in a section feed, Spanish and English versions of a story link to
each other, one embargo has passed and one has not. The feeds folder, the publish state
included, is compared with the one written when every query decodes its own rows, every
channel digest makes its own reprs and every channel renders each of its items itself, as one
lxml tree per document, as publishing did before those caches. Records with hostile and odd
values check the same: a document put together from items laid out apart is the bytes of the
whole tree.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import write_config
import ingest.archive.articles
import syndicate.channel
import syndicate.publish
from ingest.archive import Archive, open_archive
from ingest.config import load_config
from ingest.publishing import FeedPublisher, publish_settings
from normalize.model import Article, Credit, Dateline, Image
from syndicate import atom, jsonfeed, rss
from syndicate.channel import EPOCH, Channel, ItemCache, prepare_entry
from syndicate.site import stylesheet_href
from syndicate.xmlwriter import serialize, with_stylesheet

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


def _documents_as_before(channel: Channel, articles: list[Article],
                         translations: dict) -> list[bytes]:
    """The RSS, Atom and JSON Feed documents of one channel, every item made for it alone and
    each document serialized as one whole tree, as the renderers did before the item cache."""
    entries = [prepare_entry(channel, article, translations.get(article.id, ()))
               for article in articles]
    # The feed's date is when its content last changed (from the publish state).
    newest = channel.updated or max((entry.updated for entry in entries), default=EPOCH)
    rss_root, rss_channel = rss._head(channel, newest)
    for entry in entries:
        rss._add_item(rss_channel, entry)
    atom_root = atom._head(channel, newest)
    for entry in entries:
        atom._add_entry(atom_root, entry)
    return [with_stylesheet(serialize(rss_root), stylesheet_href(channel.path, "rss")),
            with_stylesheet(serialize(atom_root), stylesheet_href(channel.path, "atom")),
            _json_as_before(channel, newest, entries)]


def _json_as_before(channel: Channel, newest, entries) -> bytes:
    feed = jsonfeed._head(channel, newest)
    feed["items"] = [jsonfeed._item(entry) for entry in entries]
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    members = []
    for key, value in feed.items():
        if key == "items":
            value_text = "[\n" + ",\n".join(encode(item) for item in value) + "\n]" if value else "[]"
        else:
            value_text = encode(value)
        members.append(f"{encode(key)}: {value_text}")
    text = "{\n" + ",\n".join(members) + "\n}"
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return (text + "\n").encode("utf-8")


def _render_channels_as_before(jobs: list, workers=None):
    for channel, articles, translations in jobs:
        yield _documents_as_before(channel, articles, translations)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("parallel", [True, False])
def test_cached_publish_writes_the_bytes_of_an_uncached_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool) -> None:
    config = load_config(write_config(tmp_path, ""))
    archive = open_archive(config.pipeline.database)
    decoded: Counter[str] = Counter()
    row_to_article = ingest.archive.articles._row_to_article

    def counting(row):
        decoded[row["id"]] += 1
        return row_to_article(row)

    laid_out: Counter[str] = Counter()  # items laid out in this process, by format
    kept: Counter[tuple] = Counter()  # items kept for the channels, by cache and record

    def counting_layout(module):
        render_item = module.render_item

        def layout(entry):
            laid_out[module.__name__] += 1
            return render_item(entry)
        return layout

    add = ItemCache.add

    def counting_add(self, root, article, links, updated, item):
        kept[id(self), article.id] += 1
        add(self, root, article, links, updated, item)

    try:
        archive.store(_articles(), NOW - timedelta(days=1))
        feeds = config.pipeline.feeds
        with monkeypatch.context() as patch:
            patch.setattr(ingest.archive.articles, "_row_to_article", counting)
            for module in (rss, atom, jsonfeed):
                patch.setattr(module, "render_item", counting_layout(module))
            patch.setattr(ItemCache, "add", counting_add)
            # Forked workers lay out the records however few they are (not only past the
            # threshold where it pays off), so the parallel path is the one tested.
            patch.setattr(syndicate.publish, "PARALLEL_MIN_RECORDS", 1)
            written = FeedPublisher(publish_settings(config), parallel).publish(archive, NOW)
        cached = _files(feeds)
        assert decoded and set(decoded.values()) == {1}  # each record decoded once
        # 29 English records are shown (one is still embargoed) and 15 Spanish ones, each
        # laid out once per format (one cache each) for all the channels that show it: by the
        # workers in the parallel publish (given two CPUs), by this process in the other.
        assert len(kept) == 3 * 44 and set(kept.values()) == {1}
        forked = parallel and (os.cpu_count() or 1) > 1
        assert laid_out == ({} if forked else {module.__name__: 44
                                               for module in (rss, atom, jsonfeed)})
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
        monkeypatch.setattr(syndicate.publish, "render_channels", _render_channels_as_before)
        syndicate.channel._prepared.cache_clear()
        FeedPublisher(publish_settings(config), parallel).publish(archive, NOW)
        assert _files(feeds) == cached
    finally:
        archive.close()


ODD = ("</item>", "<item>", "</entry>", "<entry xml:lang='x'>", "</channel>", "</feed>", "]]>",
       "\x01\x0b\ufffe", "Zürich — 東京 🙂", "a\u2028b", "  ", "&amp;lt;", '"quoted" \'x\'')
CHANNELS = (
    Channel(edition="en", edition_name="English", languages=("en",), title="wirefeed — English",
            description="all <English> & more", base_url="https://feeds.example.org/", path="en",
            ttl=15, hub="https://hub.example.org/"),
    Channel(edition="ch", edition_name="Schweiz", languages=("de", "fr"), title="Schweiz",
            description="", base_url="https://feeds.example.org", path="ch/politik",
            section="Politik"),
)


def _odd_articles() -> list[Article]:
    """Records with hostile, odd and missing values: injection vectors, our own end tags,
    characters XML forbids, no URL, no date, a date before 1970, no language."""
    from test_injection import HTML_VECTORS, URL_VECTORS

    texts = list(ODD) + HTML_VECTORS
    articles = []
    for number, text in enumerate(texts):
        url = URL_VECTORS[number % len(URL_VECTORS)] if number % 3 else None
        when = NOW - timedelta(days=365 * 60 * (number % 2), minutes=number)
        articles.append(Article(
            id=f"odd-{number:03d}", guid=text if number % 4 == 0 else f"tag:odd,{number}",
            source="odd", title=text, url=url, summary=text, body_html=text,
            body_text=text if number % 5 == 0 else "", authors=(text, "Ann"),
            dateline=Dateline(text, text) if number % 2 else None, agency=text or None,
            images=(Image(f"https://img.example/{number}.jpg?a=1&b=2", text, Credit(text, text),
                          text, 100, 50),) if number % 3 else (),
            published=when if number % 7 else None, updated=None,
            language=(None, "en", "de", text)[number % 4], sections=(text, "World"),
            rights=text, extra=(("agency_item", text),)))
    return articles


def _assert_whole_tree_bytes(articles: list[Article], translations: dict) -> None:
    items = {fmt: ItemCache() for fmt in ("rss", "atom", "json")}
    for channel in CHANNELS:
        expected = _documents_as_before(channel, articles, translations)
        fresh = [module.render(channel, articles, translations)
                 for module in (rss, atom, jsonfeed)]
        shared = [module.render(channel, articles, translations, items[fmt])
                  for fmt, module in (("rss", rss), ("atom", atom), ("json", jsonfeed))]
        assert fresh == expected
        assert shared == expected


def test_documents_put_together_from_items_are_the_bytes_of_the_whole_tree() -> None:
    articles = _articles() + _odd_articles()
    translations = syndicate.publish.link_translations(articles)
    assert translations  # the English and Spanish versions link each other
    _assert_whole_tree_bytes(articles, translations)
    _assert_whole_tree_bytes(articles[::-1], translations)
    _assert_whole_tree_bytes([], translations)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=30),
                          st.datetimes(timezones=st.just(timezone.utc))),
                min_size=1, max_size=4))
def test_items_laid_out_apart_fit_any_document(fields) -> None:
    articles = [Article(id=f"h-{number}", guid=guid, source="h", title=title, summary=title,
                        body_html=f"<p>{title}</p>", authors=(guid,), published=when,
                        language="en" if number % 2 else None)
                for number, (title, guid, when) in enumerate(fields)]
    _assert_whole_tree_bytes(articles, {})
