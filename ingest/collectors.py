"""How a run gets a source's documents: a feed (URL or file), article pages, an inbox folder.

:class:`Collectors` is a part of :class:`ingest.pipeline.Runner` (which it is mixed into): it
uses the runner's configuration, archive, HTTP client, host limits, page fetcher, admission
(:meth:`~ingest.pipeline.Runner.admit`) and normalization.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from ingest import inbox
from ingest.archive import clean_reason
from ingest.config import Source
from ingest.errors import FetchError, ParseError
from ingest.fetch import CHANNEL_HEAD_BYTES, Fetched, fetch
from ingest.fulltext import complete
from normalize import sniff

if TYPE_CHECKING:  # the pipeline imports this module; these are only annotations
    from ingest.pipeline import Job, SourceOutcome

# The runner's log: operators filter on it, and where in the code a line comes from is no
# concern of theirs.
log = logging.getLogger("ingest.pipeline")


class Collectors:
    """Collecting a source's documents, per kind (mixed into the runner)."""

    def collect_feed(self, job: Job) -> None:
        """Fetch (or read) one feed document and normalize it into ``job.articles``; a 304 or
        an unchanged file sets ``not-modified``. Raises ``FetchError`` or ``ParseError``."""
        source, state, outcome = job.source, job.state, job.outcome
        if source.path is not None:
            try:
                size = source.path.stat().st_size
                if size > self.config.pipeline.max_bytes:
                    raise FetchError(f"file too large: {size:,} bytes exceeds the "
                                     f"{self.config.pipeline.max_bytes:,}-byte cap",
                                     source=source.id, where=str(source.path))
                data = source.path.read_bytes()
            except OSError as exc:
                raise FetchError(f"cannot read file: {exc.strerror or exc}", source=source.id,
                                 where=str(source.path)) from None
            digest = "sha256:" + inbox.content_hash(data)
            fetched = Fetched(data, {"etag": digest}, str(source.path), 200, 0.0)
            if state.etag == digest:
                outcome.status = "not-modified"
                job.fetched = replace(fetched, not_modified=True, data=b"")
                return
            url = source.path.resolve().as_uri()
        else:
            # Validators belong to the URL that issued them: a source whose URL was edited
            # starts afresh.
            same = state.location in (None, source.url)
            fetched = fetch(self.client, source.url, etag=state.etag if same else None,
                            last_modified=state.last_modified if same else None,
                            max_bytes=self.config.pipeline.max_bytes,
                            deadline=self.deadline, source=source.id, limits=self.limits,
                            trusted=True)
            if fetched.not_modified:
                # A 304 costs no parsing and no writes besides the source state.
                self.not_modified()
                outcome.status = "not-modified"
                job.fetched = fetched
                return
            url = fetched.url
        job.fetched = fetched
        outcome.documents = 1
        self.admit(job, len(fetched.data))
        try:
            if sniff(fetched.data) == "page":
                kind = fetched.headers.get("content-type", "no content type").split(";")[0]
                raise ParseError(f"not a feed: the answer is an HTML page (served as {kind})")
            # Full-text sources are routed after their pages are merged in, and skip unchanged
            # items by content hash then (a page can change under an unchanged entry).
            known = None if source.fulltext else self.archive.known_parse_hashes(source.id)
            articles, job.skipped = self.normalize_job(source, fetched.data, "feed", url,
                                                       fetched.headers, known,
                                                       finish=not source.fulltext)
        except ParseError as exc:
            raise ParseError(exc.reason, source=source.id, where=source.where) from None
        # The document is no longer needed, only its head (channel_ttl_seconds reads the channel's <ttl>).
        job.fetched = replace(fetched, data=fetched.data[:CHANNEL_HEAD_BYTES])
        if source.fulltext:
            cap = source.fulltext_max
            done = complete(articles, self.archive.known_hashes(source.id), self.pages, source.id,
                            max_pages=self.config.pipeline.fulltext_max if cap is None else cap)
            articles, job.skipped = done.articles, job.skipped + done.skipped
            if done.reason:
                outcome.reason = clean_reason(done.reason)
            if done.merged or done.failures:
                log.info("[%s] full text: %d pages merged, %d failed, %d entries unchanged",
                         source.id, done.merged, len(done.failures), done.skipped)
            articles = self.finish(source, articles)
        job.articles = articles

    def collect_pages(self, job: Job) -> None:
        """Fetch and parse a page source's article pages; some may fail (``partial``).
        Raises ``FetchError`` when none could be read."""
        # Here, not at the top: every command would pay for importing the page parser at start.
        from normalize.page import page_host, site_names_by_host

        source, outcome = job.source, job.outcome
        reasons = []

        def failed(url: str, exc: FetchError | ParseError) -> None:
            outcome.failed += 1
            reasons.append(f"{url}: {clean_reason(exc.reason)}")
            log.warning("[%s] %s: %s", source.id, url, exc.reason)

        # All pages first: the <title>s of a host's pages share the site's name, which an
        # og:site_name does not always give.
        pages: list[tuple[str, Fetched]] = []
        for url in source.urls:
            try:
                pages.append((url, fetch(self.client, url,
                                         max_bytes=self.config.pipeline.page_max_bytes,
                                         deadline=self.deadline, source=source.id,
                                         limits=self.limits, trusted=True)))
                outcome.documents += 1
            except FetchError as exc:
                failed(url, exc)
        names = site_names_by_host((fetched.url, fetched.data) for _, fetched in pages)
        for url, fetched in pages:
            try:
                job.articles.extend(self.parse(source, fetched.data, "page", fetched.url,
                                               fetched.headers,
                                               site_names=names.get(page_host(fetched.url), ())))
            except ParseError as exc:
                failed(url, exc)
        if reasons:
            outcome.status = "partial" if outcome.documents else "failed"
            outcome.reason = reasons[0] if len(reasons) == 1 else f"{len(reasons)} pages failed; first: {reasons[0]}"
            if not outcome.documents:
                raise FetchError(outcome.reason, source=source.id, where=source.where)

    # -- inbox (local files, read and moved in the archive's thread) ----------------------------

    def run_inbox(self, source: Source, outcome: SourceOutcome) -> None:
        """Parse, store and move aside each document dropped in an inbox folder (in the
        archive's thread). Raises ``FetchError`` when the folder does not exist."""
        folder = source.path
        if not folder.is_dir():
            raise FetchError("inbox folder does not exist", source=source.id, where=str(folder))
        reasons = []
        cap = self.config.pipeline.max_bytes
        listing = inbox.scan(folder)
        for name, reason in listing.refused:  # symlinks and special files: never read
            outcome.failed += 1
            log.warning("[%s] %s: %s", source.id, folder / name, reason)
        waiting = []
        for path in listing.documents:
            try:
                info = path.stat()
                size = info.st_size
                if size > cap:
                    # Refused before reading: a dropped file never costs more memory than the cap.
                    reason = f"file too large: {size:,} bytes exceeds the {cap:,}-byte cap"
                    outcome.failed += 1
                    reasons.append(f"{path.name}: {reason}")
                    log.warning("[%s] %s: %s", source.id, path, reason)
                    if not source.keep:
                        inbox.move_aside(path, inbox.FAILED, reason)
                    continue
                data = inbox.read_document(path, cap)
            except OSError as exc:
                reasons.append(f"{path.name}: cannot read: {exc.strerror}")
                outcome.failed += 1
                continue
            if inbox.still_being_written(data, info.st_mtime, self.now):
                waiting.append(path.name)
                log.info("[%s] %s is cut short and was just modified: still being written, left "
                         "for the next run", source.id, path)
                continue
            digest = inbox.content_hash(data)
            if source.keep and self.archive.seen_file(source.id, digest) is not None:
                continue
            outcome.documents += 1
            try:
                articles = self.parse(source, data, "inbox", path.resolve().as_uri())
                if not articles:
                    raise ParseError("document holds no items")
                self.store(outcome, articles)
            except ParseError as exc:
                reason = clean_reason(exc.reason)
                outcome.failed += 1
                reasons.append(f"{path.name}: {reason}")
                log.warning("[%s] %s: %s", source.id, path, reason)
                if source.keep:
                    self.archive.remember_file(source.id, digest, path.name, self.now, "failed", reason)
                else:
                    moved = inbox.move_aside(path, inbox.FAILED, reason)
                    log.info("[%s] moved %s to %s", source.id, path.name, moved)
                continue
            if source.keep:
                self.archive.remember_file(source.id, digest, path.name, self.now, "done")
            else:
                inbox.move_aside(path, inbox.DONE)
        if reasons or listing.refused:
            outcome.status = "partial"
            outcome.reason = inbox.summary(reasons, listing.refused, waiting)
        elif waiting:
            outcome.reason = inbox.summary([], (), waiting)
