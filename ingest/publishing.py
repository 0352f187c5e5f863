"""The shell's side of publishing: the settings value built from the configuration.

:mod:`syndicate.publish` never sees :class:`~ingest.config.Config`; the commands hand it
:func:`publish_settings` and the archive (which is a :class:`syndicate.publish.FeedStore`).
"""

from __future__ import annotations

import hashlib

from ingest.config import Config
from syndicate.publish import PublishSettings


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
