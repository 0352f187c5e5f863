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

When a source is next due is decided by :mod:`ingest.schedule` (pure functions); the runner
records what they decide.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Protocol

import httpx

from ingest.archive import Archive, SourceState, clean_reason, utcnow
from ingest.collectors import Collectors
from ingest.commits import CommitGroup
from ingest.config import Config, Source
from ingest.errors import ParseError, WirefeedError
from ingest.fetch import Fetched, HostLimits, make_client, poll_hint
from ingest.fulltext import PageFetcher
from ingest.schedule import (
    SCHEDULE, is_due, poll_after_failure, poll_after_success, state_after_failure,
    state_after_success,
)
from ingest.workers import (MAX_NORMALIZE_WORKERS, collect_as_workers, cpu_workers,
                            end_in_background, normalization_pool, start_forkserver,
                            wait_for_ended)
from normalize import normalize_many
from normalize.editions import finish_records
from normalize.model import Article, NoteKind, note_texts

log = logging.getLogger(__name__)

Progress = Callable[[str, str], None]


class Publisher(Protocol):
    """What a run needs to publish the feeds (the CLI passes
    :class:`ingest.publishing.FeedPublisher`)."""

    def needs_publish(self, archive: Archive, now: datetime) -> bool:
        """Whether the feeds must be written though the run stored nothing new."""
        ...

    def publish(self, archive: Archive, now: datetime) -> list[Path]:
        """Write the feeds; returns the files that changed."""
        ...

#: Bytes of fetched documents after which a run starts worker processes for normalization:
#: starting them costs about half a second, which a few hundred items already repay.
POOL_MIN_BYTES = 500_000

#: Documents (answers other than 304) after which a run of many sources
#: (:data:`FORKSERVER_MIN_SOURCES`) boots the workers' forkserver and sends every document to
#: the workers, however small: normalizing the first documents in this process would load the
#: parsers and models here too, besides the forkserver (the cost: bench/README.md). A run that gets this many documents, and more of them than 304s, is no
#: rerun of unchanged sources, whose few documents (failing sources retried) stay here: it
#: boots no forkserver at all (nor wakes the dormant one ``ingest run-once`` may have forked).
POOL_EARLY_DOCUMENTS = 3
#: ... and how many 304s (at least as many as documents), or seconds, a first document waits
#: for before it is normalized here.
POOL_EARLY_NOT_MODIFIED = 8
POOL_EARLY_WAIT = 0.25

#: Sources to fetch from which a run decides on its workers by its first answers (above) rather
#: than by bytes (:data:`POOL_MIN_BYTES`).
FORKSERVER_MIN_SOURCES = 8

#: Bytes of fetched documents a run may hold ahead of the source being committed (their records
#: take about twice as much again): with big documents fewer sources are collected ahead, so
#: memory stays bounded whatever the size of the feeds (the figure: bench/README.md).
COLLECT_BYTES = 20_000_000


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


def due_sources(config: Config, archive: Archive, now: datetime) -> list[Source]:
    """Enabled sources whose next due time has come (or that never ran), in configuration order."""
    states = archive.source_states()  # one query, not one per source
    return [source for source in config.sources
            if source.enabled and is_due(source, states.get(source.id) or SourceState(id=source.id),
                                         config, now)]


class Runner(Collectors):
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
        self._pool_lock = threading.Condition()
        self._early = False  # a run of many sources (start_forkserver)
        self._bytes_seen = 0
        self._documents_seen = 0
        self._not_modified = 0
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

    def close(self, wait: bool = True) -> None:
        """Stop the page fetcher and the worker processes this runner made (if any); with
        ``wait`` false the workers end in a thread (:func:`ingest.workers.end_in_background`)
        and :func:`ingest.workers.wait_for_ended` waits for them."""
        if self._own_pages and self._pages is not None:
            self._pages.close()
            self._pages = None
        if self._pool is not None:
            if wait:
                self._pool.shutdown(wait=True, cancel_futures=True)
            else:
                end_in_background(self._pool)
            self._pool = None

    def start_forkserver(self) -> None:
        """Mark this run as one of many sources: as soon as its answers show it is no rerun of
        304s (:meth:`worker_pool`), the workers' forkserver boots, while the next documents
        are fetched, and every document goes to the workers."""
        self._early = self.workers > 1

    def not_modified(self) -> None:
        """A source answered 304 (see :meth:`worker_pool`)."""
        with self._pool_lock:
            self._not_modified += 1
            self._pool_lock.notify_all()

    def worker_pool(self, size: int) -> ProcessPoolExecutor | None:
        """The process pool for CPU-bound normalization, started once a run has fetched enough
        bytes to pay for it (:data:`POOL_MIN_BYTES`), or, in a run of many sources
        (:meth:`start_forkserver`), :data:`POOL_EARLY_DOCUMENTS` documents that outnumber its
        304s (a first document waits up to :data:`POOL_EARLY_WAIT` seconds to learn which);
        ``None`` below that or without workers."""
        with self._pool_lock:
            self._bytes_seen += size
            self._documents_seen += 1
            self._pool_lock.notify_all()
            if self._pool is None and self.workers > 1:
                if self._early and self._bytes_seen < POOL_MIN_BYTES:
                    self._pool_lock.wait_for(
                        lambda: (self._pool is not None or self._documents_win()
                                 or self._not_modified >= max(POOL_EARLY_NOT_MODIFIED,
                                                              self._documents_seen)),
                        POOL_EARLY_WAIT)
                if self._pool is None and (self._bytes_seen >= POOL_MIN_BYTES or (
                        self._early and self._documents_win())):
                    if self._early:
                        start_forkserver()  # starts the process; its loading overlaps fetching
                    self._pool = normalization_pool(self.workers)
                    self._pool_lock.notify_all()
            return self._pool

    def _documents_win(self) -> bool:
        """Enough documents, and more of them than 304s: no rerun of unchanged sources."""
        return (self._documents_seen >= POOL_EARLY_DOCUMENTS
                and self._documents_seen > self._not_modified)

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
                      *, finish: bool = True,
                      site_names: tuple[str, ...] = ()) -> tuple[list[Article], int]:
        """Normalize one document, in a worker process when the run is large enough.

        Returns the records (items already archived unchanged are skipped: see
        ``normalize.normalize_changed``), routed unless ``finish`` is false (see
        :meth:`finish`), and how many were skipped. ``site_names``: see
        :func:`normalize.parse_bytes`. Raises ``ParseError``.
        """
        args = (data, kind, url, source.id, headers, source.language, known or None,
                tuple(site_names))
        routing = functools.partial(finish_records, source=source.routing,
                                    editions=self.config.editions,
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
        return finish_records(articles, source.routing, self.config.editions, self.config.rules)

    def parse(self, source: Source, data: bytes, kind: str, url: str | None,
              headers: dict[str, str] | None = None,
              site_names: tuple[str, ...] = ()) -> list[Article]:
        """Normalize one document (pages, inbox drops) and route its records; ``site_names``
        as :meth:`normalize_job` takes them. Raises ParseError."""
        return self.normalize_job(source, data, kind, url, headers, site_names=site_names)[0]

    def store(self, outcome: SourceOutcome, articles: list[Article]) -> None:
        for article in articles:
            for note in note_texts(article.extra, NoteKind.REPAIR):
                if note not in outcome.repairs:
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
        # The records and the source state (its items_total) commit together: a process
        # killed in between would leave the records stored and the count short (the rerun
        # finds them unchanged). An inbox keeps its own transactions (one per file).
        whole = (contextlib.nullcontext() if job.source.kind == "inbox"
                 else self.archive.transaction())
        with whole:
            return self._commit_in(job)

    def _commit_in(self, job: Job) -> SourceOutcome:
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

    # -- state --------------------------------------------------------------------------------

    def record_success(self, source: Source, state: SourceState, outcome: SourceOutcome,
                       fetched: Fetched | None) -> None:
        if (fetched is not None and fetched.permanent_redirect
                and fetched.permanent_redirect != state.permanent_redirect):
            log.warning("[%s] %s moved permanently to %s (the configured URL is kept)",
                        source.id, source.where, fetched.permanent_redirect)
        hint = poll_hint(fetched, self.now) if fetched is not None and source.url else None
        poll = poll_after_success(source, self.config, self.now, hint)
        if poll.reason != SCHEDULE:
            log.info("[%s] next poll at %s per the answer's %s (schedule: %s)", source.id,
                     poll.due.isoformat(), poll.reason, poll.scheduled.isoformat())
        self.archive.save_source_state(state_after_success(
            state, source, self.now, poll, fetched=fetched, status=outcome.status,
            failed=outcome.failed, reason=outcome.reason, new_items=outcome.new,
            repairs=outcome.repairs))

    def record_failure(self, source: Source, state: SourceState, outcome: SourceOutcome,
                       exc: BaseException) -> None:
        failures = state.failures + 1
        poll = poll_after_failure(source, self.config, self.now, failures,
                                  getattr(exc, "retry_after", None))
        log.info("[%s] failure %d in a row; next attempt at %s (%s)", source.id, failures,
                 poll.due.isoformat(), poll.reason)
        self.archive.save_source_state(state_after_failure(
            state, source, self.now, poll, reason=outcome.reason,
            http_status=getattr(exc, "status", None)))


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
                       max_connections=max(config.pipeline.concurrency * 2, 10),
                       guard=config.pipeline.guard())


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
             publisher: Publisher | None = None) -> RunReport:
    """Run the due sources (or ``source_ids``, or all with ``run_all``) once, then publish
    through ``publisher`` (when given) if anything changed or the feeds need it.

    Sources are fetched in parallel (``pipeline.concurrency`` at once, ``pipeline.per_host`` per
    host); the archive is written in this thread, in configuration order. Returns a
    :class:`RunReport`; raises only for configuration errors (an unknown source id) and archive
    failures.
    """
    now = now or utcnow()
    report = RunReport(started=now)
    sources = select_sources(config, archive, now, source_ids=source_ids, run_all=run_all)
    own_client = client is None
    if own_client:
        client = make_run_client(config)
    limits = HostLimits(config.pipeline.concurrency, config.pipeline.per_host)
    runner = Runner(config, archive, client, now, limits=limits,
                    workers=cpu_workers(MAX_NORMALIZE_WORKERS))
    # The records come back from the workers unpickled, and are stored and published here:
    # garbage freed by reference counting, which the collector's default threshold walked
    # every 700 allocations (bench/README.md).
    collect_as_workers(True)
    try:
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
                                    thread_name_prefix="wirefeed-fetch") as pool, \
                    CommitGroup(archive) as group:
                pending: dict[int, object] = {}
                submitted = 0

                def submit_upto(limit: int) -> None:
                    nonlocal submitted
                    while submitted < min(limit, len(jobs)):
                        job = jobs[submitted]
                        pending[submitted] = (pool.submit(runner.collect, job) if job.remote
                                              else None)
                        submitted += 1

                submit_upto(window())
                for index in range(len(jobs)):
                    job = jobs[index]
                    if progress:
                        progress(job.source.id, "start")
                    future = pending.pop(index, None)
                    inbox = job.source.kind == "inbox"
                    if inbox or (future is not None and not group.wait_for(future)):
                        group.end()
                    if future is not None:
                        future.result()
                    if not inbox:
                        group.enter()
                    outcome = runner.commit(job)
                    group.committed(lambda outcome=outcome: log_outcome(outcome))
                    report.outcomes.append(outcome)
                    jobs[index] = None  # let the documents and records go
                    submit_upto(index + 1 + window())
                    if progress:
                        progress(outcome.source, "done")
        finally:
            # The workers end (one writes the language states) while this publishes.
            runner.close(wait=False)
            if own_client:
                client.close()
        if publisher and (report.changed or publisher.needs_publish(archive, now)):
            if progress:
                progress("feeds", "render")
            report.written = publisher.publish(archive, now)
        report.editions = {edition: count
                           for edition, (count, _) in archive.edition_stats().items()}
    finally:
        wait_for_ended()
        collect_as_workers(False)
    return report


def log_outcome(outcome: SourceOutcome) -> None:
    """One INFO line per source and run, naming the source."""
    log.info("[%s] %s: %d items, %d new, %d updated%s", outcome.source, outcome.status,
             outcome.fetched, outcome.new, outcome.updated,
             f" ({outcome.reason})" if outcome.reason else "")
