"""One run over the configured sources: fetch, normalize, route, archive, publish.

:func:`run_once` is what ``ingest run-once`` calls; the daemon calls the same :class:`Runner`
steps once per job. Each source is handled on its own: a failing source is recorded (last error,
failure count, next retry) and logged with its id, and the others go on. The clock and the HTTP
client are passed in, so tests hand in a fixed ``now`` and a client aimed at 127.0.0.1.

A source goes through three steps, so that the network runs in parallel while the archive is
written by one thread at a time:

1. :meth:`Runner.prepare` reads its state (validators) from the archive;
2. :meth:`Runner.collect` fetches and parses it: network and CPU, no archive writes (it reads
   the hashes of the source's archived items through its own thread's read-only connection),
   safe to run in a worker thread (bounded overall and per host by
   :class:`~ingest.fetch.HostLimits`);
3. :meth:`Runner.commit` stores the records and the source state in the archive's thread.

:func:`run_once` collects in a thread pool (``pipeline.concurrency``) and commits in the calling
thread in configuration order, so the summary is the same whatever finishes first.

When a source is next due: after a success, its schedule (``every`` or the next ``cron`` fire),
made later, never sooner, by what the answer says about its freshness (``Cache-Control:
max-age``, ``Expires``, RSS ``<ttl>``; capped at ``backoff_max``); after a failure, exponential
backoff from the schedule's interval up to ``backoff_max``, or the server's ``Retry-After`` if
that is later.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import random
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterable

import httpx

from ingest import inbox
from ingest.archive import Archive, SourceState, clean_reason, utcnow
from ingest.config import Config, Source
from ingest.errors import FetchError, ParseError, WirefeedError
from ingest.fetch import CHANNEL_HEAD_BYTES, Fetched, HostLimits, fetch, make_client, poll_hint
from ingest.fulltext import PageFetcher, complete
from normalize import normalize_many, sniff
from normalize.editions import finish_records
from normalize.model import Article

log = logging.getLogger(__name__)

Progress = Callable[[str, str], None]

#: Bytes of fetched documents after which a run starts worker processes for normalization:
#: starting them costs about half a second, which a few hundred items already repay.
POOL_MIN_BYTES = 500_000

#: Sources to fetch from which a run boots the workers' forkserver at its start rather than
#: when it first needs the workers: a run of that many usually does, and the boot (~0.4 s of
#: CPU) then overlaps the first fetches instead of delaying the first normalization.
FORKSERVER_MIN_SOURCES = 8

#: How much lower the normalization workers' CPU priority is than the run's (``nice``).
WORKER_NICENESS = 5

#: Bytes of fetched documents a run may hold ahead of the source being committed (their records
#: take about twice as much again): with big documents fewer sources are collected ahead, so
#: memory stays bounded whatever the size of the feeds.
COLLECT_BYTES = 40_000_000

#: ``SourceState.next_due_reason`` of a plain schedule (the others name what made it later).
SCHEDULE = "schedule"
BACKOFF = "backoff"
RETRY_AFTER = "retry-after"


@dataclass
class SourceOutcome:
    """What happened to one source in a run (a row of the summary table)."""

    source: str
    status: str = "ok"  # ok | not-modified | failed | partial | skipped
    documents: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    reason: str | None = None
    editions: set[str] = field(default_factory=set)
    repairs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status not in ("failed", "partial")

    @property
    def changed(self) -> bool:
        """True when the archive gained or replaced a record (the feeds need rendering)."""
        return bool(self.new or self.updated)


@dataclass
class RunReport:
    """The result of :func:`run_once`."""

    started: datetime
    outcomes: list[SourceOutcome] = field(default_factory=list)
    editions: dict[str, int] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every source succeeded, 1 when some failed (the rest were still published)."""
        return 0 if all(o.ok for o in self.outcomes) else 1

    @property
    def changed(self) -> bool:
        return any(o.new or o.updated for o in self.outcomes)


@dataclass
class Job:
    """One source on its way through a run: prepared, collected, then committed."""

    source: Source
    state: SourceState
    outcome: SourceOutcome
    fetched: Fetched | None = None
    articles: list[Article] = field(default_factory=list)
    skipped: int = 0
    error: BaseException | None = None
    collected: bool = False
    position: int = 0  # its place in the run's commit order
    held: int = 0      # bytes of documents it holds until committed (see Runner.admit)

    @property
    def remote(self) -> bool:
        """True when collecting it uses the network (inbox folders are read while committing)."""
        return self.source.kind != "inbox"


# -- schedules --------------------------------------------------------------------------------


_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_weekdays(field_text: str) -> str:
    """A crontab day-of-week field as APScheduler 3 reads it: day names, never numbers.

    crontab counts from Sunday = 0 (7 is Sunday too); APScheduler 3 counts from Monday = 0, so
    ``1-5`` would silently mean Tuesday to Saturday. Spelling the days out keeps crontab's
    meaning. Raises ``ValueError`` for a field that is not crontab syntax.
    """
    if field_text.strip() == "*":
        return "*"
    days: set[int] = set()

    def day(value: str) -> int:
        value = value.strip().lower()
        if value[:3] in _WEEKDAYS and value.isalpha():
            return _WEEKDAYS.index(value[:3])
        if value.isdigit() and 0 <= int(value) <= 7:
            return int(value) % 7
        raise ValueError(f"{value!r} is not a day of the week (0-7 or sun-sat)")

    for part in field_text.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"bad step in {part!r}")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            low, high = span.split("-", 1)
            first, last = day(low), day(high)
            if high.strip() == "7":
                last = 7
        else:
            first = last = day(span)
            if step_text:
                last = 6
        if last < first:
            raise ValueError(f"{part!r}: a range must go forwards")
        days.update(value % 7 for value in range(first, last + 1, step))
    return ",".join(_WEEKDAYS[d] for d in sorted(days))


def cron_trigger(expression: str, timezone: str, jitter: float | None = None):
    """An APScheduler ``CronTrigger`` for a 5-field crontab line, with crontab's weekdays."""
    from apscheduler.triggers.cron import CronTrigger

    minute, hour, day, month, weekday = expression.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                       day_of_week=crontab_weekdays(weekday), timezone=timezone,
                       jitter=jitter or None)


def _cron_trigger(source: Source, config: Config):
    return cron_trigger(source.cron, source.timezone or config.pipeline.timezone)


def interval_of(source: Source, config: Config, now: datetime | None = None) -> float:
    """The source's polling interval in seconds (cron sources: the gap between their next fires)."""
    if source.cron:
        trigger = _cron_trigger(source, config)
        start = now or utcnow()
        first = trigger.get_next_fire_time(None, start)
        second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
        if first and second:
            return max((second - first).total_seconds(), 1.0)
    return source.every or config.pipeline.every


def next_due(source: Source, config: Config, now: datetime) -> datetime:
    """When the source is due again after a successful fetch at ``now`` (its schedule only)."""
    if source.cron:
        fire = _cron_trigger(source, config).get_next_fire_time(None, now + timedelta(seconds=1))
        if fire is not None:
            return fire.astimezone(now.tzinfo)
    return now + timedelta(seconds=interval_of(source, config, now))


def due_slack(source: Source, config: Config, now: datetime | None = None) -> float:
    """How early a schedule-due source may run: half its interval, at least 1 s, at most 60 s.

    A run fired by cron or by the daemon's trigger at the scheduled minute must not miss its turn
    because the previous run started a second later (or was jittered). Backoff and server hints
    get no slack: those times are promises to the server.
    """
    jitter = source.jitter or config.pipeline.jitter
    return min(max(interval_of(source, config, now) * 0.5, 1.0), 60.0) + jitter


def is_due(source: Source, state: SourceState, config: Config, now: datetime) -> bool:
    """True when ``source`` should be fetched at ``now`` given its stored state."""
    if state.next_due is None:
        return True
    slack = 0.0
    if state.next_due_reason in (None, SCHEDULE):
        slack = due_slack(source, config, now)
    return state.next_due <= now + timedelta(seconds=slack)


def backoff_delay(failures: int, base: float, cap: float) -> float:
    """Exponential backoff after ``failures`` consecutive failures: base·2^(n-1), capped."""
    return min(cap, base * (2 ** max(failures - 1, 0)))


def due_sources(config: Config, archive: Archive, now: datetime) -> list[Source]:
    """Enabled sources whose next due time has come (or that never ran), in configuration order."""
    return [source for source in config.sources
            if source.enabled and is_due(source, archive.source_state(source.id), config, now)]


class Runner:
    """Processes sources against one archive with one HTTP client.

    ``limits`` bounds concurrent requests overall and per host (made from the configuration when
    not given); ``pages`` fetches full-text pages (made on first use when not given, then closed
    by :meth:`close`).
    """

    def __init__(self, config: Config, archive: Archive, client: httpx.Client, now: datetime, *,
                 limits: HostLimits | None = None, pages: PageFetcher | None = None,
                 workers: int = 0):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._bytes_seen = 0
        self._documents_seen = 0
        self._room = threading.Condition()
        self._held = 0         # bytes of documents collected and not yet committed
        self._next_commit = 0  # position of the next job to commit
        self.config = config
        self.archive = archive
        self.client = client
        self.now = now
        self.candidates = config.languages
        self.limits = limits or HostLimits(config.pipeline.concurrency, config.pipeline.per_host)
        self._pages = pages
        self._own_pages = False

    @property
    def pages(self) -> PageFetcher:
        if self._pages is None:
            self._pages = make_page_fetcher(self.config, self.client, self.limits)
            self._own_pages = True
        return self._pages

    def close(self) -> None:
        """Stop the page fetcher and the worker processes this runner made (if any)."""
        if self._own_pages and self._pages is not None:
            self._pages.close()
            self._pages = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def start_forkserver(self) -> None:
        """Boot the workers' forkserver now, while the first documents are fetched: it loads
        the parsers and models in ~0.4 s of its own, which the run otherwise waits for when it
        first needs the workers (see :meth:`worker_pool`)."""
        if self.workers > 1:
            multiprocessing.get_context("forkserver").set_forkserver_preload(["ingest.preload"])
            multiprocessing.forkserver.ensure_running()

    def worker_pool(self, size: int) -> ProcessPoolExecutor | None:
        """The process pool for CPU-bound normalization, started once a run has fetched enough
        bytes to pay for it (:data:`POOL_MIN_BYTES`); ``None`` below that or without workers."""
        with self._pool_lock:
            self._bytes_seen += size
            self._documents_seen += 1
            if self._pool is None and self.workers > 1 and self._bytes_seen >= POOL_MIN_BYTES:
                # forkserver: the workers fork from a clean single-threaded server with the
                # parsers and language models already loaded, never from our threads.
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["ingest.preload"])
                # The workers yield to this process: the archive is written here, in order, and
                # a starved writer leaves the cores idle at the end of the run.
                self._pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                                 initializer=os.nice, initargs=(WORKER_NICENESS,))
            return self._pool

    def admit(self, job: Job, size: int) -> None:
        """Wait until a fetched document of ``size`` bytes fits in :data:`COLLECT_BYTES`
        before normalizing it; the next job to commit never waits, so the run cannot stall."""
        with self._room:
            while (self._held and self._held + size > COLLECT_BYTES
                   and job.position != self._next_commit):
                self._room.wait()
            self._held += size
            job.held = size

    def release(self, job: Job) -> None:
        """``job`` is committed: its documents' room is free, the next job's turn has come."""
        with self._room:
            self._held -= job.held
            job.held = 0
            self._next_commit = job.position + 1
            self._room.notify_all()

    @property
    def average_document(self) -> int:
        """Mean size in bytes of the documents normalized so far (0 before the first)."""
        return self._bytes_seen // self._documents_seen if self._documents_seen else 0

    def normalize_job(self, source: Source, data: bytes, kind: str, url: str | None,
                      headers: dict[str, str] | None, known: dict[str, str] | None = None,
                      *, finish: bool = True) -> tuple[list[Article], int]:
        """Normalize one document, in a worker process when the run is large enough.

        Returns the records (items already archived unchanged are skipped: see
        ``normalize.normalize_changed``), routed unless ``finish`` is false (see
        :meth:`finish`), and how many were skipped. Raises ``ParseError``.
        """
        args = (data, kind, url, source.id, headers, source.language, known or None)
        routing = functools.partial(finish_records, source=source, editions=self.config.editions,
                                    rules=self.config.rules) if finish else None
        pool = self.worker_pool(len(data))
        if pool is None:
            result = normalize_many([args], self.candidates, routing)[0]
        else:
            result = pool.submit(normalize_many, [args], self.candidates, routing).result()[0]
        if isinstance(result, str):
            raise ParseError(result, source=source.id, where=source.where)
        return result

    @property
    def deadline(self) -> float:
        """Seconds a whole transfer may take (slow trickling bodies are cut there)."""
        return self.config.pipeline.timeout * 3

    # -- records ------------------------------------------------------------------------------

    def finish(self, source: Source, articles: Iterable[Article]) -> list[Article]:
        """Apply the source's defaults (agency, sections) and route editions."""
        return finish_records(articles, source, self.config.editions, self.config.rules)

    def parse(self, source: Source, data: bytes, kind: str, url: str | None,
              headers: dict[str, str] | None = None) -> list[Article]:
        """Normalize one document (pages, inbox drops) and route its records. Raises ParseError."""
        return self.normalize_job(source, data, kind, url, headers)[0]

    def store(self, outcome: SourceOutcome, articles: list[Article]) -> None:
        for article in articles:
            for key, note in article.extra:
                if key == "repair" and note not in outcome.repairs:
                    outcome.repairs.append(note)
                    log.warning("[%s] %s", outcome.source, note)
        result = self.archive.store(articles, self.now)
        outcome.fetched += len(articles)
        outcome.new += result.new
        outcome.updated += result.updated
        outcome.unchanged += result.unchanged + result.stale
        outcome.editions |= set(result.editions)

    # -- the three steps ----------------------------------------------------------------------

    def prepare(self, source: Source) -> Job:
        """Read what collecting ``source`` needs from the archive (call in the archive's thread).

        Only the source's state: the hashes of its archived items are read by :meth:`collect`
        when a document has come, so a 304 costs no read and a run holds the hashes of the
        sources in its window only, not of every source.
        """
        return Job(source, self.archive.source_state(source.id), SourceOutcome(source.id))

    def collect(self, job: Job) -> Job:
        """Fetch and parse ``job``'s source; no archive writes, safe in a worker thread.

        Never raises: a failure is kept in ``job.error`` for :meth:`commit` to record.
        """
        source = job.source
        try:
            if source.kind == "feed":
                self.collect_feed(job)
            elif source.kind == "page":
                self.collect_pages(job)
        except WirefeedError as exc:
            job.error = exc
        except Exception as exc:  # a bug or an unforeseen input: still one line, still go on
            log.exception("[%s] unexpected error", source.id)
            job.error = exc
        job.collected = True
        return job

    def commit(self, job: Job) -> SourceOutcome:
        """Store ``job``'s records and its source state (call in the archive's thread).

        Never raises for bad input or transport trouble; archive failures propagate.
        """
        try:
            return self._commit(job)
        finally:
            self.release(job)

    def _commit(self, job: Job) -> SourceOutcome:
        if not job.collected:
            self.collect(job)
        source, outcome = job.source, job.outcome
        # Re-read: another run may have saved this source's state since prepare().
        state = self.archive.source_state(source.id)
        try:
            if job.error is not None:
                raise job.error
            if source.kind == "inbox":
                self.run_inbox(source, outcome)
            elif job.articles or job.skipped:
                self.store(outcome, job.articles)
                outcome.fetched += job.skipped
                outcome.unchanged += job.skipped
        except WirefeedError as exc:
            outcome.status = "failed"
            outcome.failed = max(outcome.failed, 1)
            outcome.reason = clean_reason(exc.reason)
            log.warning("[%s] %s: %s", source.id, source.where, outcome.reason)
            self.record_failure(source, state, outcome, exc)
            return outcome
        except Exception as exc:  # a bug or an unforeseen input: still one line, still go on
            outcome.status = "failed"
            outcome.failed = max(outcome.failed, 1)
            outcome.reason = clean_reason(f"internal error: {type(exc).__name__}: {exc}")
            if job.error is None:
                log.exception("[%s] unexpected error", source.id)
            self.record_failure(source, state, outcome, exc)
            return outcome
        self.record_success(source, state, outcome, job.fetched)
        return outcome

    # -- collecting ---------------------------------------------------------------------------

    def collect_feed(self, job: Job) -> None:
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
                            deadline=self.deadline, source=source.id, limits=self.limits)
            if fetched.not_modified:
                # A 304 costs no parsing and no writes besides the source state.
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
                raise ParseError(f"not a feed: the answer is an HTML page ({kind})")
            # Full-text sources are routed after their pages are merged in, and skip unchanged
            # items by content hash then (a page can change under an unchanged entry).
            known = None if source.fulltext else self.archive.known_parse_hashes(source.id)
            articles, job.skipped = self.normalize_job(source, fetched.data, "feed", url,
                                                       fetched.headers, known,
                                                       finish=not source.fulltext)
        except ParseError as exc:
            raise ParseError(exc.reason, source=source.id, where=source.where) from None
        # The document is no longer needed, only its head (feed_ttl reads the channel's <ttl>).
        job.fetched = replace(fetched, data=fetched.data[:CHANNEL_HEAD_BYTES])
        if source.fulltext:
            done = complete(articles, self.archive.known_hashes(source.id), self.pages, source.id)
            articles, job.skipped = done.articles, job.skipped + done.skipped
            if done.reason:
                outcome.reason = clean_reason(done.reason)
            if done.merged or done.failures:
                log.info("[%s] full text: %d pages merged, %d failed, %d entries unchanged",
                         source.id, done.merged, len(done.failures), done.skipped)
            articles = self.finish(source, articles)
        job.articles = articles

    def collect_pages(self, job: Job) -> None:
        source, outcome = job.source, job.outcome
        reasons = []
        for url in source.urls:
            try:
                fetched = fetch(self.client, url, max_bytes=self.config.pipeline.page_max_bytes,
                                deadline=self.deadline, source=source.id, limits=self.limits)
                outcome.documents += 1
                job.articles.extend(self.parse(source, fetched.data, "page", fetched.url,
                                               fetched.headers))
            except (FetchError, ParseError) as exc:
                outcome.failed += 1
                reasons.append(f"{url}: {clean_reason(exc.reason)}")
                log.warning("[%s] %s: %s", source.id, url, exc.reason)
        if reasons:
            outcome.status = "partial" if outcome.documents else "failed"
            outcome.reason = reasons[0] if len(reasons) == 1 else f"{len(reasons)} pages failed; first: {reasons[0]}"
            if not outcome.documents:
                raise FetchError(outcome.reason, source=source.id, where=source.where)

    # -- inbox (local files, read and moved in the archive's thread) ----------------------------

    def run_inbox(self, source: Source, outcome: SourceOutcome) -> None:
        folder = source.path
        if not folder.is_dir():
            raise FetchError("inbox folder does not exist", source=source.id, where=str(folder))
        reasons = []
        cap = self.config.pipeline.max_bytes
        for path in inbox.list_documents(folder):
            try:
                size = path.stat().st_size
                if size > cap:
                    # Refused before reading: a dropped file never costs more memory than the cap.
                    reason = f"file too large: {size:,} bytes exceeds the {cap:,}-byte cap"
                    outcome.failed += 1
                    reasons.append(f"{path.name}: {reason}")
                    log.warning("[%s] %s: %s", source.id, path, reason)
                    if not source.keep:
                        inbox.move_aside(path, inbox.FAILED, reason)
                    continue
                data = path.read_bytes()
            except OSError as exc:
                reasons.append(f"{path.name}: cannot read: {exc.strerror}")
                outcome.failed += 1
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
        if reasons:
            outcome.status = "partial"
            outcome.reason = reasons[0] if len(reasons) == 1 else f"{len(reasons)} files failed; first: {reasons[0]}"

    # -- state --------------------------------------------------------------------------------

    def record_success(self, source: Source, state: SourceState, outcome: SourceOutcome,
                       fetched: Fetched | None) -> None:
        latencies = state.latencies
        etag, last_modified, redirect = state.etag, state.last_modified, state.permanent_redirect
        if fetched is not None:
            latencies = (latencies + (round(fetched.elapsed, 4),))[-20:]
            if not fetched.not_modified:
                etag, last_modified = fetched.etag, fetched.last_modified
            if source.url:
                # Recorded, shown by `ingest sources`, never written back into the configuration;
                # cleared once the configured URL answers without a permanent redirect again.
                redirect = fetched.permanent_redirect
            if fetched.permanent_redirect and fetched.permanent_redirect != state.permanent_redirect:
                log.warning("[%s] %s moved permanently to %s (the configured URL is kept)",
                            source.id, source.where, fetched.permanent_redirect)
        partial = outcome.status == "partial"
        due, why = self.schedule_next(source, fetched)
        self.archive.save_source_state(replace(
            state, kind=source.kind, location=source.where, last_attempt=self.now,
            last_success=self.now if not partial else state.last_success,
            last_status=outcome.status if not partial else f"partial: {outcome.failed} failed",
            last_error=outcome.reason,
            failures=0, failing_since=None, next_due=due, next_due_reason=why,
            etag=etag, last_modified=last_modified, permanent_redirect=redirect,
            items_total=state.items_total + outcome.new, latencies=latencies,
            repairs="; ".join(outcome.repairs) or None,
        ))

    def schedule_next(self, source: Source, fetched: Fetched | None) -> tuple[datetime, str]:
        """The next due time after a success and why: the schedule, or a later server hint."""
        scheduled = next_due(source, self.config, self.now)
        hint = poll_hint(fetched, self.now) if fetched is not None and source.url else None
        if hint is None:
            return scheduled, SCHEDULE
        seconds, why = hint
        # A server may slow us down, within reason: never past backoff_max (or the interval).
        cap = max(self.config.pipeline.backoff_max, interval_of(source, self.config, self.now))
        hinted = self.now + timedelta(seconds=min(seconds, cap))
        if hinted > scheduled:
            log.info("[%s] next poll at %s per the answer's %s (schedule: %s)", source.id,
                     hinted.isoformat(), why, scheduled.isoformat())
            return hinted, why
        return scheduled, SCHEDULE

    def record_failure(self, source: Source, state: SourceState, outcome: SourceOutcome,
                       exc: BaseException) -> None:
        failures = state.failures + 1
        base = interval_of(source, self.config, self.now)
        delay = backoff_delay(failures, base, max(self.config.pipeline.backoff_max, base))
        # Jitter spreads the retries of many sources failing together (same agency outage).
        delay *= 1 + random.Random(f"{source.id}{failures}").uniform(0, 0.1)
        why = BACKOFF
        retry_after = getattr(exc, "retry_after", None)
        if retry_after and retry_after > delay:
            delay, why = retry_after, RETRY_AFTER
        status = getattr(exc, "status", None)
        due = self.now + timedelta(seconds=delay)
        log.info("[%s] failure %d in a row; next attempt at %s (%s)", source.id, failures,
                 due.isoformat(), why)
        self.archive.save_source_state(replace(
            state, kind=source.kind, location=source.where, last_attempt=self.now,
            last_status=f"HTTP {status}" if status else "error", last_error=outcome.reason,
            failures=failures, failing_since=state.failing_since or self.now,
            next_due=due, next_due_reason=why,
        ))


def make_page_fetcher(config: Config, client: httpx.Client, limits: HostLimits) -> PageFetcher:
    """The full-text page fetcher of a run: a small pool, the run's host limits, the page cap."""
    return PageFetcher(client, limits=limits, max_bytes=config.pipeline.page_max_bytes,
                       deadline=config.pipeline.timeout * 3,
                       workers=min(4, config.pipeline.concurrency))


def make_run_client(config: Config) -> httpx.Client:
    """The HTTP client of a run or of the daemon, per the ``[pipeline]`` settings."""
    return make_client(timeout=config.pipeline.timeout,
                       max_redirects=config.pipeline.max_redirects,
                       user_agent=config.pipeline.user_agent,
                       max_connections=max(config.pipeline.concurrency * 2, 10))


def select_sources(config: Config, archive: Archive, now: datetime, *,
                   source_ids: Iterable[str] = (), run_all: bool = False) -> list[Source]:
    """The sources a run handles: ``source_ids`` (due or not), all enabled, or the due ones."""
    wanted = list(source_ids)
    if wanted:
        return [config.source(source_id) for source_id in wanted]
    if run_all:
        return [s for s in config.sources if s.enabled]
    return due_sources(config, archive, now)


def run_once(config: Config, archive: Archive, *, source_ids: Iterable[str] = (),
             run_all: bool = False, now: datetime | None = None,
             client: httpx.Client | None = None, progress: Progress | None = None,
             publish: bool = True) -> RunReport:
    """Run the due sources (or ``source_ids``, or all with ``run_all``) once, then publish.

    Sources are fetched in parallel (``pipeline.concurrency`` at once, ``pipeline.per_host`` per
    host); the archive is written in this thread, in configuration order. Returns a
    :class:`RunReport`; raises only for configuration errors (an unknown source id) and archive
    failures.
    """
    from ingest.publishing import publish_settings
    from syndicate.publish import needs_publish, publish_all

    now = now or utcnow()
    report = RunReport(started=now)
    sources = select_sources(config, archive, now, source_ids=source_ids, run_all=run_all)
    own_client = client is None
    if own_client:
        client = make_run_client(config)
    limits = HostLimits(config.pipeline.concurrency, config.pipeline.per_host)
    runner = Runner(config, archive, client, now, limits=limits,
                    workers=min(os.cpu_count() or 1, 4))
    try:
        if sum(1 for source in sources if source.kind != "inbox") >= FORKSERVER_MIN_SOURCES:
            runner.start_forkserver()
        jobs = [runner.prepare(source) for source in sources]
        for position, job in enumerate(jobs):
            job.position = position
        # Collect at most a window of sources ahead of the one being committed, and drop each
        # job's documents and records once committed: memory stays bounded by the window, not
        # by the number of sources. The window narrows when documents are big (COLLECT_BYTES).
        widest = max(2 * config.pipeline.concurrency, 4)

        def window() -> int:
            size = runner.average_document
            return min(widest, max(2, COLLECT_BYTES // size)) if size else widest
        with ThreadPoolExecutor(max_workers=config.pipeline.concurrency,
                                thread_name_prefix="wirefeed-fetch") as pool:
            pending: dict[int, object] = {}
            submitted = 0

            def submit_upto(limit: int) -> None:
                nonlocal submitted
                while submitted < min(limit, len(jobs)):
                    job = jobs[submitted]
                    pending[submitted] = pool.submit(runner.collect, job) if job.remote else None
                    submitted += 1

            submit_upto(window())
            for index in range(len(jobs)):
                job = jobs[index]
                if progress:
                    progress(job.source.id, "start")
                future = pending.pop(index, None)
                if future is not None:
                    future.result()
                outcome = runner.commit(job)
                report.outcomes.append(outcome)
                log_outcome(outcome)
                jobs[index] = None  # let the documents and records go
                submit_upto(index + 1 + window())
                if progress:
                    progress(outcome.source, "done")
    finally:
        runner.close()
        if own_client:
            client.close()
    settings = publish_settings(config) if publish else None
    if settings and (report.changed or needs_publish(settings, archive, now)):
        if progress:
            progress("feeds", "render")
        report.written = publish_all(settings, archive, now)
    report.editions = {edition: count for edition, (count, _) in archive.edition_stats().items()}
    return report


def log_outcome(outcome: SourceOutcome) -> None:
    """One INFO line per source and run, naming the source."""
    log.info("[%s] %s: %d items, %d new, %d updated%s", outcome.source, outcome.status,
             outcome.fetched, outcome.new, outcome.updated,
             f" ({outcome.reason})" if outcome.reason else "")
