"""Publishing: read the archive, render every feed, write the files atomically.

For each edition: ``<feeds>/<edition>/rss.xml``, ``atom.xml`` and ``feed.json``; for each section
feed configured (:attr:`PublishSettings.section_feeds`) with items in the edition, the same under
``<feeds>/<edition>/<section>/``; then ``<feeds>/index.opml`` and
``<feeds>/index.html``. A file is written only when its bytes change (temp file in the same
folder, fsync, rename), so readers never see a half-written feed and an unchanged run touches
nothing. Rendering takes ``now`` only to decide which embargoes have passed; it never writes it.

Publishing knows neither the archive nor the configuration: it reads records through
:class:`FeedStore` (what it needs of the archive) and takes a :class:`PublishSettings` value that
the shell builds from its configuration.

Three shortcuts keep a run cheap, none changes a byte of output:

* A channel whose inputs (its settings, its records, their translation links, the renderer
  code) hash to the digest remembered in ``<feeds>/.publish-state.json`` from the last run, and
  whose three files still exist, is not rendered again: a run where nothing changed renders
  nothing.
* A record is shown by many channels (every English edition, its section feeds), and its item
  depends on nothing of the channel but the base URL: each record's ``<item>``, ``<entry>``
  and JSON Feed item are laid out once per publish and put into every document that shows it
  (:class:`syndicate.channel.ItemCache`).
* When there are many distinct records and more than one CPU, worker processes lay them out
  (pure, CPU-bound work; the workers are forked, so nothing is pickled on the way in), and
  each channel's documents are put together here as soon as its records are done.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator, Protocol, Sequence

from normalize.model import Article, isoformat, parse_iso
from syndicate import atom, index_html, jsonfeed, opml, rss
from syndicate.channel import (
    Channel, EditionSummary, FeedRef, ItemCache, article_key, prepare_entry,
)
from syndicate.sections import section_slug
from syndicate.translations import link_translations

log = logging.getLogger(__name__)

class FeedStore(Protocol):
    """What publishing reads from the archive."""

    def feed_articles(self, edition: str, now: datetime, limit: int, *,
                      section: str | None = None,
                      known: dict[str, Article] | None = None) -> list[Article]:
        """The records a feed shows, newest first: at most ``limit`` of ``edition`` (of one
        section slug when given), embargoes lifted at ``now``; ``known`` (id -> record) is a
        shared decode cache the store may read and fill."""
        ...

    def embargoes_passed(self, since: datetime, now: datetime) -> int:
        """How many records' embargoes ended after ``since`` and by ``now``."""
        ...


class FeedEdition(Protocol):
    """An edition as publishing sees it: feeds live under ``<feeds>/<id>/``."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def languages(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class PublishSettings:
    """Everything the feeds depend on besides the records, built by the shell.

    ``fingerprint`` is the shell's hash of the settings its feeds come from: when it differs
    from the one remembered with the last publish, every feed is written again.
    """

    feeds: Path
    title: str
    base_url: str
    items_per_feed: int
    editions: Sequence[FeedEdition]
    section_feeds: tuple[str, ...]
    ttl_minutes: int
    fingerprint: str
    hub: str | None = None


#: format -> (renderer module, file name, media type)
FORMATS = {
    "rss": (rss, "rss.xml", "application/rss+xml"),
    "atom": (atom, "atom.xml", "application/atom+xml"),
    "json": (jsonfeed, "feed.json", "application/feed+json"),
}


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly these bytes.

    Returns True when the file was (re)written. The rename is atomic on POSIX, so a reader or a
    crash sees the old file or the new one, never a mix.
    """
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return True


#: Below this many distinct records to lay out (~1.2 ms each), forking two workers from a big
#: process costs more than it saves (break-even measured at ~150 with 150 MB of heap).
PARALLEL_MIN_RECORDS = 200
_STATE_FILE = ".publish-state.json"
_RECORDS: list = []  # read by forked render workers (set just before the pool starts)


def _renderer_digest() -> str:
    """A hash of the syndicate package's code: a changed renderer invalidates every digest."""
    folder = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def channel_digest(renderer: str, channel: Channel, articles: list, translations: dict,
                   parts: dict[str, bytes] | None = None) -> str:
    """The hash of everything a channel's three files are rendered from.

    ``parts`` (article id -> the bytes a record adds to the hash: its repr and its links'),
    shared by the channels of one publish, makes each record's repr once, however many
    channels show it. A record's links must then be the same in each of those channels, as
    one :func:`link_translations` call gives them.
    """
    parts = {} if parts is None else parts
    digest = hashlib.sha256(renderer.encode())
    digest.update(repr(channel).encode())
    for article in articles:
        part = parts.get(article.id)
        if part is None:
            part = parts[article.id] = (
                repr(article).encode() + repr(translations.get(article.id)).encode())
        digest.update(part)
    return digest.hexdigest()


def _load_state(root: Path) -> dict[str, str]:
    try:
        state = json.loads((root / _STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _render_channel(job: tuple, items: dict[str, ItemCache]) -> list[bytes]:
    """The documents of one ``(channel, articles, translations)`` job, in every format."""
    channel, articles, wanted = job
    return [module.render(channel, articles, wanted, items[fmt])
            for fmt, (module, _, _) in FORMATS.items()]


def _render_record(index: int) -> tuple[datetime, list]:
    """Lay out record ``index`` of :data:`_RECORDS` in every format (runs in a worker)."""
    channel, article, links = _RECORDS[index]
    entry = prepare_entry(channel, article, links)
    return entry.updated, [module.render_item(entry) for module, _, _ in FORMATS.values()]


def _distinct_records(jobs: list) -> tuple[list[tuple], list[int]]:
    """The jobs' records as ``(channel, article, links)``, each once, in order of first
    appearance; and, for each job, how many of them it and the jobs before it show."""
    seen: set[tuple] = set()
    records: list[tuple] = []
    needed: list[int] = []
    for channel, articles, wanted in jobs:
        for article in articles:
            links = tuple(wanted.get(article_key(article), ()))
            if (key := (channel.root, article_key(article), links)) not in seen:
                seen.add(key)
                records.append((channel, article, links))
        needed.append(len(records))
    return records, needed


def render_channels(jobs: list, parallel: bool = True) -> Iterator[list[bytes]]:
    """Yield the documents of ``(channel, articles, translations)`` jobs, in job order.

    Each record's item is laid out once per format (an :class:`ItemCache` per format) and
    reused by every channel that shows it. When it pays off, forked workers lay out the
    distinct records, each once, and this process puts each channel's documents together as
    soon as its records are done; the caller writes (and fsyncs) them while the workers go
    on. ``parallel=False`` does it all in this process: forking a multi-threaded process (the
    daemon) is unsafe, since a lock held by another thread stays locked in the child forever.
    """
    global _RECORDS
    items = {fmt: ItemCache() for fmt in FORMATS}
    records, needed = _distinct_records(jobs)
    workers = min(os.cpu_count() or 1, 8) if parallel else 1
    if (workers < 2 or len(records) < PARALLEL_MIN_RECORDS
            or "fork" not in multiprocessing.get_all_start_methods()):
        for job in jobs:
            yield _render_channel(job, items)
        return
    _RECORDS = records
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # Eight tasks per worker: the first channels are written while the workers lay
            # out the records of later ones, and there are few enough results to collect.
            made = pool.imap(_render_record, range(len(records)),
                             chunksize=max(1, len(records) // (workers * 8)))
            done = 0
            for job, count in zip(jobs, needed):
                for channel, article, links in records[done:count]:
                    updated, formats = next(made)
                    for fmt, item in zip(FORMATS, formats):
                        items[fmt].add(channel.root, article, links, updated, item)
                done = count
                yield _render_channel(job, items)
    finally:
        _RECORDS = []


def _channel(settings: PublishSettings, edition: FeedEdition,
             section: tuple[str, str] | None) -> Channel:
    title = f"{settings.title} — {edition.name}"
    path = edition.id
    description = f"{edition.name} edition of {settings.title}"
    if section:
        title += f" — {section[1]}"
        path += f"/{section[0]}"
        description += f", section {section[1]}"
    return Channel(
        edition=edition.id,
        edition_name=edition.name,
        languages=edition.languages,
        title=title,
        description=description,
        base_url=settings.base_url,
        path=path,
        section=section[1] if section else None,
        ttl=settings.ttl_minutes,
        hub=settings.hub,
    )


def needs_publish(settings: PublishSettings, store: FeedStore, now: datetime) -> bool:
    """Whether a run that stored nothing new must still publish.

    True when the feeds were never written (or a feed file is missing), the settings changed
    since the last publish, or an embargo has passed since then. A run where nothing changed
    otherwise skips rendering altogether: its feeds would be byte-identical.
    """
    root = settings.feeds
    state = _load_state(root)
    last = parse_iso(state.get("_rendered_at")) if isinstance(state.get("_rendered_at"), str) else None
    if last is None or state.get("_settings") != settings.fingerprint:
        return True
    if not (root / "index.opml").exists():
        return True
    for edition in settings.editions:
        for _, filename, _ in FORMATS.values():
            if not (root / edition.id / filename).exists():
                return True
    return store.embargoes_passed(last, now) > 0


def publish_all(settings: PublishSettings, store: FeedStore, now: datetime, *,
                parallel: bool = True) -> list[Path]:
    """Render and write every feed and the indexes. Returns the files that changed.

    ``parallel`` allows forked render workers (leave it off in threaded callers).
    """
    root = settings.feeds
    limit = settings.items_per_feed
    jobs: list[tuple[Channel, list]] = []
    summaries: list[EditionSummary] = []
    refs: list[FeedRef] = []
    known: dict[str, Article] = {}  # every record read, by id: each is decoded once
    # slug -> the name the configuration gives it first. Asking the archive for each configured
    # section (an indexed query) keeps the work proportional to the feeds, not to the archive.
    section_names: dict[str, str] = {}
    for name in settings.section_feeds:
        if slug := section_slug(name):
            section_names.setdefault(slug, name)
    for edition in settings.editions:
        edition_refs: list[FeedRef] = []
        sections: list[tuple[str, str] | None] = [None]
        sections += list(section_names.items())
        latest: list = []
        for section in sections:
            channel = _channel(settings, edition, section)
            articles = store.feed_articles(edition.id, now, limit,
                                             section=section[0] if section else None,
                                             known=known)
            if section and not articles:
                continue
            if section is None:
                latest = articles
            jobs.append((channel, articles))
            for fmt in FORMATS:
                edition_refs.append(FeedRef(edition=edition.id, edition_name=edition.name,
                                            section=channel.section, fmt=fmt,
                                            title=channel.title, url=channel.url_for(fmt),
                                            html_url=channel.html_url))
        refs.extend(edition_refs)
        summaries.append(EditionSummary(edition=edition.id, name=edition.name,
                                        feeds=tuple(edition_refs), latest=tuple(latest[:10])))
    shown = {article.id: article for _, articles in jobs for article in articles}
    translations = link_translations(sorted(shown.values(), key=lambda a: a.id))
    written: list[Path] = []
    renderer = _renderer_digest()
    previous = _load_state(root)
    state: dict[str, str] = {}
    todo: list = []
    parts: dict[str, bytes] = {}
    for channel, articles in jobs:
        wanted = {a.id: translations[a.id] for a in articles if a.id in translations}
        digest = channel_digest(renderer, channel, articles, wanted, parts)
        state[channel.path] = digest
        paths = [root / channel.path / filename for _, filename, _ in FORMATS.values()]
        if previous.get(channel.path) == digest and all(p.exists() for p in paths):
            continue
        todo.append((channel, articles, wanted))
    # Closed at once if a write fails, so the render workers do not outlive this call.
    with contextlib.closing(render_channels(todo, parallel)) as rendered:
        for (channel, _, _), documents in zip(todo, rendered):
            for (_, filename, _), data in zip(FORMATS.values(), documents):
                path = root / channel.path / filename
                if write_atomic(path, data):
                    written.append(path)
    title = settings.title
    if write_atomic(root / "index.opml", opml.render(refs, title)):
        written.append(root / "index.opml")
    if write_atomic(root / "index.html", index_html.render(summaries, title)):
        written.append(root / "index.html")
    state["_rendered_at"] = isoformat(now)
    state["_settings"] = settings.fingerprint
    # Written last: a crash before this point re-renders next time rather than skipping.
    write_atomic(root / _STATE_FILE, json.dumps(state, sort_keys=True, indent=0).encode())
    if written:
        log.info("published %d changed files under %s", len(written), root)
    return written
