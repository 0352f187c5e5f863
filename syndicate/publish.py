"""Publishing: read the archive, render every feed, write the files atomically.

For each edition: ``<feeds>/<edition>/rss.xml``, ``atom.xml`` and ``feed.json``; for each section
with items in it, the same under ``<feeds>/<edition>/<section>/``; then ``<feeds>/index.opml`` and
``<feeds>/index.html``. A file is written only when its bytes change (temp file in the same
folder, fsync, rename), so readers never see a half-written feed and an unchanged run touches
nothing. Rendering takes ``now`` only to decide which embargoes have passed; it never writes it.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path

from ingest.archive import Archive
from ingest.config import Config
from syndicate import atom, index_html, jsonfeed, opml, rss
from syndicate.channel import Channel, EditionSummary, FeedRef
from syndicate.translations import link_translations

log = logging.getLogger(__name__)

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


def feed_ttl(config: Config) -> int:
    """Minutes a reader may cache a feed: the shortest source interval (cron sources: 15)."""
    intervals = [s.every or (900.0 if s.cron else config.pipeline.every)
                 for s in config.sources if s.enabled]
    return max(1, int(min(intervals or [config.pipeline.every]) // 60))


def _channel(config: Config, edition, section: tuple[str, str] | None, ttl: int) -> Channel:
    title = f"{config.pipeline.title} — {edition.name}"
    path = edition.id
    description = f"{edition.name} edition of {config.pipeline.title}"
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
        base_url=config.pipeline.base_url,
        path=path,
        section=section[1] if section else None,
        ttl=ttl,
        hub=config.pipeline.hub,
    )


def publish_all(config: Config, archive: Archive, now: datetime) -> list[Path]:
    """Render and write every feed and the indexes. Returns the files that changed."""
    root = config.pipeline.feeds
    limit = config.pipeline.items_per_feed
    ttl = feed_ttl(config)
    jobs: list[tuple[Channel, list]] = []
    summaries: list[EditionSummary] = []
    refs: list[FeedRef] = []
    for edition in config.editions:
        edition_refs: list[FeedRef] = []
        sections: list[tuple[str, str] | None] = [None]
        sections += archive.edition_sections(edition.id)
        latest: list = []
        for section in sections:
            channel = _channel(config, edition, section, ttl)
            articles = archive.feed_articles(edition.id, now, limit,
                                             section=section[0] if section else None)
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
    for channel, articles in jobs:
        wanted = {a.id: translations[a.id] for a in articles if a.id in translations}
        for fmt, (module, filename, _) in FORMATS.items():
            path = root / channel.path / filename
            if write_atomic(path, module.render(channel, articles, wanted)):
                written.append(path)
    title = config.pipeline.title
    if write_atomic(root / "index.opml", opml.render(refs, title)):
        written.append(root / "index.opml")
    if write_atomic(root / "index.html", index_html.render(summaries, title)):
        written.append(root / "index.html")
    if written:
        log.info("published %d changed files under %s", len(written), root)
    return written
