"""The shell's side of publishing: the settings value built from the configuration, and the
publisher the commands hand to the pipeline and the daemon.

:mod:`syndicate.publish` never sees :class:`~ingest.config.Config`; it gets
:func:`publish_settings` and the archive (which is a :class:`syndicate.publish.FeedStore`).
The pipeline and the daemon never import :mod:`syndicate`: the commands (the composition root,
:mod:`ingest.cli` and :mod:`ingest.commands`) pass them a :class:`FeedPublisher`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ingest import workers
from ingest.config import Config
from syndicate import publish
from syndicate.publish import FeedStore, PublishSettings

log = logging.getLogger(__name__)


def reader_ttl_minutes(config: Config) -> int:
    """Minutes a reader may cache a feed: the shortest source interval (cron sources: 15)."""
    intervals = [s.every or (900.0 if s.cron else config.pipeline.every)
                 for s in config.sources if s.enabled]
    return max(1, int(min(intervals or [config.pipeline.every]) // 60))


def settings_fingerprint(config: Config) -> str:
    """A hash of every setting the feeds depend on (pipeline table, editions, section feeds,
    reader TTL): the publish state remembers it, so a changed setting rewrites every feed."""
    return hashlib.sha256(repr((config.pipeline, config.editions, config.section_feed_names,
                                reader_ttl_minutes(config))).encode()).hexdigest()


def publish_settings(config: Config) -> PublishSettings:
    """What :func:`syndicate.publish.publish_all` needs of ``config``."""
    pipeline = config.pipeline
    return PublishSettings(
        feeds=pipeline.feeds,
        title=pipeline.title,
        base_url=pipeline.base_url,
        items_per_feed=pipeline.items_per_feed,
        editions=config.editions,
        section_feeds=config.section_feed_names,
        ttl_minutes=reader_ttl_minutes(config),
        fingerprint=settings_fingerprint(config),
        hub=pipeline.hub,
    )


@dataclass(frozen=True)
class FeedPublisher:
    """Publishes every feed of one configuration (see :mod:`syndicate.publish`).

    ``parallel`` allows forked render workers (:func:`ingest.workers.forked_map`, given two
    CPUs): leave it off in a multi-threaded process (the daemon), where a lock held by another
    thread would stay locked in the child forever.
    """

    settings: PublishSettings
    parallel: bool = True
    #: the thread loading what the first publish needs (:meth:`warming_up`), joined before it
    warming: threading.Thread | None = field(default=None, compare=False, repr=False)

    def warming_up(self) -> "FeedPublisher":
        """This publisher, with a thread that loads now what its first publish needs
        (templates, the editions' locale data: :func:`syndicate.site.warm_up`). For a run that
        will publish and has time on its hands meanwhile (its workers loading). Never raises
        for the thread: a failure there is logged, and the publish loads what it needs."""
        editions = [(edition.id, tuple(edition.languages)) for edition in self.settings.editions]
        thread = threading.Thread(target=_warm_up, args=(editions,), daemon=True,
                                  name="wirefeed-publish-warm-up")
        thread.start()
        return replace(self, warming=thread)

    def needs_publish(self, store: FeedStore, now: datetime) -> bool:
        """Whether a run that stored nothing new must still publish (see
        :func:`syndicate.publish.needs_publish`)."""
        return publish.needs_publish(self.settings, store, now)

    def publish(self, store: FeedStore, now: datetime) -> list[Path]:
        """Render and write the feeds whose bytes change; returns the files written."""
        if self.warming is not None:
            self.warming.join()  # no fork (render workers) while it may hold an import lock
        parallel = (self.parallel and workers.can_fork()
                    and workers.cpu_workers(workers.MAX_RENDER_WORKERS) > 1)
        # One state of the archive for every feed, its change mark included (PostgreSQL:
        # others may store while this publishes).
        snapshot = getattr(store, "snapshot", contextlib.nullcontext)
        with snapshot():
            return publish.publish_all(self.settings, store, now,
                                       workers=workers.forked_map if parallel else None)


def feed_publisher(config: Config, *, parallel: bool = True) -> FeedPublisher:
    """The :class:`FeedPublisher` of ``config``."""
    return FeedPublisher(publish_settings(config), parallel=parallel)


def _warm_up(editions: list[tuple[str, tuple[str, ...]]]) -> None:
    from syndicate import site

    try:
        site.warm_up(editions)
    except Exception:  # noqa: BLE001 - the publish itself loads what it needs, and says why not
        log.warning("loading the site's templates and locale data ahead failed", exc_info=True)
