"""Publishing: read the archive, render every feed, write the files atomically.

For each edition: ``<feeds>/<edition>/rss.xml``, ``atom.xml`` and ``feed.json``; for each section
feed configured (:attr:`PublishSettings.section_feeds`) with items in the edition, the same under
``<feeds>/<edition>/<section>/``; then ``<feeds>/index.opml`` and
``<feeds>/index.html``. A file is written only when its bytes change (temp file in the same
folder, fsync, rename; then each folder changed is fsync'd once), so readers never see a
half-written feed, a power loss loses no rename, and an unchanged run touches nothing.
Rendering takes ``now`` only to decide which embargoes have passed, and writes it only as the
date a feed's content last changed (below).

A feed's date (RSS ``lastBuildDate``, Atom ``updated``, JSON Feed ``_wirefeed.updated``, and so
the ``Last-Modified`` that ``ingest serve`` sends) is when that feed's content last changed, not
its newest item's date: a back-dated item, a correction or a kill must move it, or a reader
asking ``If-Modified-Since`` would be told nothing changed. It is kept per channel in the publish
state (``_changed``) and set to the run's ``now`` (whole seconds; one second past the previous
date if the clock has not moved on, so the date always moves) when the channel's digest (below)
changes; a run that changes nothing keeps it, so its feeds stay byte-identical.

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
* When there are many distinct records and the caller passes ``workers`` (a
  :class:`RecordMapper`: the shell's :func:`ingest.workers.forked_map`), worker processes lay
  them out (pure, CPU-bound work), and each channel's documents are put together here as soon
  as its records are done.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol, Sequence, TypeVar

from normalize.model import Article, isoformat, parse_iso
from syndicate import atom, jsonfeed, opml, rss, site
from syndicate.channel import (
    FEED_FILES, FEED_TYPES, Channel, FeedRef, ItemCache, article_key, prepare_entry,
)
from syndicate.sections import section_slug
from syndicate.translations import link_translations

log = logging.getLogger(__name__)

class FeedStore(Protocol):
    """What publishing reads from the archive. A store may also offer
    ``feed_articles_many(feeds, now, limit, *, known)``: :meth:`feed_articles` of many
    (edition, section slug or ``None``) pairs at once, as a dict by pair; publishing then
    asks it once for every feed."""

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

    def change_mark(self) -> str:
        """A value that changes whenever a record a feed may show is added, replaced, killed
        or rerouted, and survives reopening the store; equal marks mean unchanged records."""
        ...


T = TypeVar("T")


class RecordMapper(Protocol):
    """Computes ``func(shared, i)`` for ``i`` in ``range(count)`` in worker processes, yielding
    the results in order (``func`` is a module-level function, ``shared`` is not pickled)."""

    def __call__(self, func: Callable[[Any, int], T], shared: Any, count: int) -> Iterator[T]:
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
FORMATS = {fmt: (module, FEED_FILES[fmt], FEED_TYPES[fmt])
           for fmt, module in (("rss", rss), ("atom", atom), ("json", jsonfeed))}


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly these bytes.

    Returns True when the file was (re)written. The rename is atomic on POSIX, so a reader or a
    crash sees the old file or the new one, never a mix; the file is fsync'd before it and its
    folder (and a folder made for it, in its parent) after it, so the new name survives a power
    loss too. Raises ``OSError`` naming ``path``.
    """
    written, folders = _write(path, data)
    for folder in folders:
        sync_folder(folder)
    return written


def _write(path: Path, data: bytes) -> tuple[bool, list[Path]]:
    """:func:`write_atomic` but for the folders' fsync: returns whether ``path`` was written
    and the folders whose entries changed (``path``'s, and each parent of a folder made)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False, []
    except FileNotFoundError:
        pass
    folders = [path.parent]
    made = path.parent
    while not made.is_dir() and made.parent != made:
        folders.append(made.parent)
        made = made.parent
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise _naming(exc, path) from exc
        raise
    return True, folders


def sync_folder(folder: Path) -> None:
    """fsync ``folder``, so the names renamed or made in it survive a power loss (the files'
    own fsync does not cover their entries in the folder). A platform or filesystem that
    cannot open or fsync a folder (Windows, some network filesystems) is skipped; any other
    failure raises ``OSError`` naming the folder."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES):
            raise _naming(exc, folder) from exc
    finally:
        os.close(fd)


#: Files written at once, each still fsync'd before its rename: their waits for the disk
#: overlap each other (the filesystem commits them together) and the rendering of the next
#: channels (bench/README.md).
WRITE_THREADS = 4


class _Writes(contextlib.AbstractContextManager):
    """:func:`write_atomic` in :data:`WRITE_THREADS` threads. :meth:`add` raises the first
    failure of a write already done, :meth:`finish` waits for every write, fsyncs each folder
    they changed once, and returns the paths rewritten, in the order given; leaving the block
    waits for writes still running."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(WRITE_THREADS, thread_name_prefix="wirefeed-write")
        self._pending: list[tuple[Path, Future]] = []
        self._checked = 0

    def add(self, path: Path, data: bytes) -> None:
        while self._checked < len(self._pending) and self._pending[self._checked][1].done():
            self._pending[self._checked][1].result()  # raises a failed write's error
            self._checked += 1
        self._pending.append((path, self._pool.submit(_write, path, data)))

    def finish(self) -> list[Path]:
        done = [(path, *future.result()) for path, future in self._pending]
        # Once a folder, not once a file: a publish rewrites three feeds (and a page) in each.
        folders = list(dict.fromkeys(folder for _, _, changed in done for folder in changed))
        list(self._pool.map(sync_folder, folders))
        return [path for path, written, _ in done if written]

    def __exit__(self, *exc_info) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` about ``path``: a full disk names no file, a refused temporary file names its
    hidden name; the operator needs to know which feed could not be written."""
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


#: Below this many distinct records to lay out, forking workers from a big process costs more
#: than it saves (see bench/README.md).
PARALLEL_MIN_RECORDS = 200
_STATE_FILE = ".publish-state.json"
#: The state key of the archive's change mark the last completed publish read its records at.
_MARK_KEY = "_archive_mark"


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


def _load_state(root: Path) -> dict[str, Any]:
    try:
        state = json.loads((root / _STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def changed_at(previous: dict[str, Any], path: str, digest: str, now: datetime) -> datetime:
    """When the content of the channel at ``path`` last changed, given its ``digest`` now.

    ``previous`` is the last publish state: its date is kept when the digest is the one it
    remembers, else the date is ``now`` (whole seconds), or one second after the remembered
    date when that is not earlier, so a change always moves the date a client compares.
    """
    dates = previous.get("_changed")
    dates = dates if isinstance(dates, dict) else {}
    kept = parse_iso(dates[path]) if isinstance(dates.get(path), str) else None
    if kept is not None and previous.get(path) == digest:
        return kept
    now = now.astimezone(UTC).replace(microsecond=0)
    return now if kept is None or kept < now else kept + timedelta(seconds=1)


def _render_channel(job: tuple, items: dict[str, ItemCache]) -> list[bytes]:
    """The documents of one ``(channel, articles, translations)`` job, in every format."""
    channel, articles, wanted = job
    return [module.render(channel, articles, wanted, items[fmt])
            for fmt, (module, _, _) in FORMATS.items()]


def _render_record(records: list[tuple], index: int) -> tuple[datetime, list]:
    """Lay out ``records[index]`` in every format (runs in a worker)."""
    channel, article, links = records[index]
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


def render_channels(jobs: list, workers: RecordMapper | None = None) -> Iterator[list[bytes]]:
    """Yield the documents of ``(channel, articles, translations)`` jobs, in job order.

    Each record's item is laid out once per format (an :class:`ItemCache` per format) and
    reused by every channel that shows it. When it pays off and ``workers`` is given, they
    lay out the distinct records, each once, and this process puts each channel's documents
    together as soon as its records are done; the caller writes (and fsyncs) them while the
    workers go on. Without ``workers`` it all happens in this process.
    """
    items = {fmt: ItemCache() for fmt in FORMATS}
    records, needed = _distinct_records(jobs)
    if workers is None or len(records) < PARALLEL_MIN_RECORDS:
        for job in jobs:
            yield _render_channel(job, items)
        return
    made = workers(_render_record, records, len(records))
    with contextlib.closing(made):
        done = 0
        for job, count in zip(jobs, needed):
            for channel, article, links in records[done:count]:
                updated, formats = next(made)
                for fmt, item in zip(FORMATS, formats):
                    items[fmt].add(channel.root, article, links, updated, item)
            done = count
            yield _render_channel(job, items)


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


def _write_site(writes: _Writes, root: Path, title: str, pages: list, section_pages: list) -> None:
    """Write the site's pages and static files (see :mod:`syndicate.site`)."""
    writes.add(root / "index.html", site.render_index(pages, title))
    for name in site.STATIC_FILES:
        writes.add(root / name, site.static_file(name))
    for page in pages + section_pages:
        folder = root / page.edition / (page.section.slug if page.section else "")
        writes.add(folder / "index.html", site.render_edition(page, title, pages))


def needs_publish(settings: PublishSettings, store: FeedStore, now: datetime) -> bool:
    """Whether a run that stored nothing new must still publish.

    True when the feeds were never written (or a feed file is missing), the settings changed
    since the last publish, the archive changed since the last *completed* publish (its
    :meth:`FeedStore.change_mark` differs from the one remembered, or none is: a publish that
    was killed or failed left the mark of the one before), or an embargo has passed since
    then. A run where nothing changed otherwise skips rendering altogether: its feeds would be
    byte-identical.
    """
    root = settings.feeds
    state = _load_state(root)
    last = parse_iso(state.get("_rendered_at")) if isinstance(state.get("_rendered_at"), str) else None
    if last is None or state.get("_settings") != settings.fingerprint:
        return True
    if state.get(_MARK_KEY) != store.change_mark():
        return True
    if not (root / "index.opml").exists() or not (root / "index.html").exists():
        return True
    for edition in settings.editions:
        for _, filename, _ in FORMATS.values():
            if not (root / edition.id / filename).exists():
                return True
    return store.embargoes_passed(last, now) > 0


def publish_all(settings: PublishSettings, store: FeedStore, now: datetime, *,
                workers: RecordMapper | None = None) -> list[Path]:
    """Render and write every feed and the indexes. Returns the files that changed.

    ``workers`` lays records out in worker processes when there are many (see
    :func:`render_channels`); without it everything is rendered in this process.
    """
    root = settings.feeds
    limit = settings.items_per_feed
    # Read before the records: a write landing between the two leaves an older mark in the
    # state, so the next run publishes again rather than missing that write.
    mark = store.change_mark()
    jobs: list[tuple[Channel, list]] = []
    pages: list[site.EditionPage] = []
    section_pages: list[site.EditionPage] = []
    refs: list[FeedRef] = []
    known: dict[str, Article] = {}  # every record read, by id: each is decoded once
    # slug -> the name the configuration gives it first. Asking the archive for each configured
    # section (an indexed query) keeps the work proportional to the feeds, not to the archive.
    section_names: dict[str, str] = {}
    for name in settings.section_feeds:
        if slug := section_slug(name):
            section_names.setdefault(slug, name)
    # A store that reads many feeds at once (a database server: one round trip instead of one
    # a feed) gives them all here; the others are asked feed by feed below.
    many = getattr(store, "feed_articles_many", None)
    fetched = {} if many is None else many(
        [(edition.id, slug) for edition in settings.editions for slug in [None, *section_names]],
        now, limit, known=known)
    for edition in settings.editions:
        edition_refs: list[FeedRef] = []
        sections: list[tuple[str, str] | None] = [None]
        sections += list(section_names.items())
        latest: list = []
        shown_sections: list[tuple[site.Section, list]] = []
        for section in sections:
            channel = _channel(settings, edition, section)
            key = (edition.id, section[0] if section else None)
            articles = fetched[key] if key in fetched else store.feed_articles(
                edition.id, now, limit, section=key[1], known=known)
            if section and not articles:
                continue
            if section is None:
                latest = articles
            else:
                shown_sections.append((site.Section(slug=section[0], name=section[1]), articles))
            jobs.append((channel, articles))
            for fmt in FORMATS:
                edition_refs.append(FeedRef(edition=edition.id, edition_name=edition.name,
                                            section=channel.section, fmt=fmt,
                                            title=channel.title, url=channel.url_for(fmt),
                                            html_url=channel.html_url,
                                            languages=edition.languages))
        refs.extend(edition_refs)
        tabs = tuple(tab for tab, _ in shown_sections)
        pages.append(site.EditionPage(edition=edition.id, name=edition.name,
                                      languages=tuple(edition.languages),
                                      articles=tuple(latest), sections=tabs))
        section_pages += [site.EditionPage(edition=edition.id, name=edition.name,
                                           languages=tuple(edition.languages),
                                           articles=tuple(articles), sections=tabs, section=tab)
                          for tab, articles in shown_sections]
    shown = {article.id: article for _, articles in jobs for article in articles}
    translations = link_translations(sorted(shown.values(), key=lambda a: a.id))
    written: list[Path] = []
    renderer = _renderer_digest()
    previous = _load_state(root)
    state: dict[str, Any] = {}
    changed: dict[str, str] = {}
    todo: list = []
    parts: dict[str, bytes] = {}
    for channel, articles in jobs:
        wanted = {a.id: translations[a.id] for a in articles if a.id in translations}
        # The digest is of the channel without its date, which is derived from the digest.
        digest = channel_digest(renderer, channel, articles, wanted, parts)
        state[channel.path] = digest
        updated = changed_at(previous, channel.path, digest, now)
        changed[channel.path] = isoformat(updated)
        paths = [root / channel.path / filename for _, filename, _ in FORMATS.values()]
        if (previous.get(channel.path) == digest and all(p.exists() for p in paths)
                and isinstance(previous.get("_changed"), dict)
                and previous["_changed"].get(channel.path) == changed[channel.path]):
            continue
        todo.append((replace(channel, updated=updated), articles, wanted))
    # Closed at once if a write fails, so the render workers do not outlive this call.
    # The render workers fork before the first write starts a thread.
    with _Writes() as writes:
        with contextlib.closing(render_channels(todo, workers)) as rendered:
            for (channel, _, _), documents in zip(todo, rendered):
                for (_, filename, _), data in zip(FORMATS.values(), documents):
                    writes.add(root / channel.path / filename, data)
        title = settings.title
        writes.add(root / "index.opml", opml.render(refs, title))
        _write_site(writes, root, title, pages, section_pages)
        written += writes.finish()
    state["_changed"] = changed
    state["_rendered_at"] = isoformat(now)
    state["_settings"] = settings.fingerprint
    state[_MARK_KEY] = mark
    # Written last: a crash before this point re-renders next time rather than skipping.
    write_atomic(root / _STATE_FILE, json.dumps(state, sort_keys=True, indent=0).encode())
    if written:
        log.info("published %d changed files under %s", len(written), root)
    return written
