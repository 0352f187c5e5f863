"""One run over the configured sources: fetch, normalize, route, archive, publish.

:func:`run_once` is what ``ingest run-once`` and every daemon job call. Each source is handled
on its own: a failing source is recorded (last error, failure count, next retry) and logged with
its id, and the others go on. The clock and the HTTP client are passed in, so tests hand in a
fixed ``now`` and a client aimed at 127.0.0.1.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterable

import httpx

from ingest import inbox
from ingest.archive import Archive, SourceState, clean_reason, utcnow
from ingest.config import Config, Source
from ingest.errors import FetchError, ParseError, WirefeedError
from ingest.fetch import Fetched, fetch, make_client
from normalize import normalize_document
from normalize.editions import route
from normalize.model import Article

log = logging.getLogger(__name__)

Progress = Callable[[str, str], None]


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


def interval_of(source: Source, config: Config) -> float:
    """The source's polling interval in seconds (cron sources: the gap to their next fire)."""
    return source.every or config.pipeline.every


def next_due(source: Source, config: Config, now: datetime) -> datetime:
    """When the source is due again after a successful fetch at ``now``."""
    if source.cron:
        from apscheduler.triggers.cron import CronTrigger

        trigger = CronTrigger.from_crontab(source.cron, timezone=source.timezone or config.pipeline.timezone)
        fire = trigger.get_next_fire_time(None, now + timedelta(seconds=1))
        if fire is not None:
            return fire.astimezone(now.tzinfo)
    return now + timedelta(seconds=interval_of(source, config))


def backoff_delay(failures: int, base: float, cap: float) -> float:
    """Exponential backoff after ``failures`` consecutive failures: base·2^(n-1), capped."""
    return min(cap, base * (2 ** max(failures - 1, 0)))


def due_sources(config: Config, archive: Archive, now: datetime) -> list[Source]:
    """Enabled sources whose next due time has come (or that never ran)."""
    due = []
    for source in config.sources:
        if not source.enabled:
            continue
        state = archive.source_state(source.id)
        if state.next_due is None or state.next_due <= now:
            due.append(source)
    return due


class Runner:
    """Processes sources against one archive with one HTTP client."""

    def __init__(self, config: Config, archive: Archive, client: httpx.Client, now: datetime):
        self.config = config
        self.archive = archive
        self.client = client
        self.now = now
        self.candidates = config.languages

    # -- records ------------------------------------------------------------------------------

    def finish(self, source: Source, articles: Iterable[Article]) -> list[Article]:
        """Apply the source's defaults (agency, sections) and route editions."""
        finished = []
        for article in articles:
            if source.agency and not article.agency:
                article = article.replace(agency=source.agency)
            if source.sections:
                article = article.replace(
                    sections=tuple(dict.fromkeys(source.sections + article.sections)))
            finished.append(route(article, self.config.editions, source, self.config.rules))
        return finished

    def parse(self, source: Source, data: bytes, kind: str, url: str | None,
              headers: dict[str, str] | None = None) -> list[Article]:
        articles = normalize_document(data, kind, url, source=source.id, headers=headers,
                                      language=source.language, candidates=self.candidates)
        return self.finish(source, articles)

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

    # -- sources ------------------------------------------------------------------------------

    def run_source(self, source: Source) -> SourceOutcome:
        """Process one source; never raises for bad input or transport trouble."""
        outcome = SourceOutcome(source.id)
        state = self.archive.source_state(source.id)
        try:
            if source.kind == "inbox":
                validators = self.run_inbox(source, outcome)
            elif source.kind == "page":
                validators = self.run_pages(source, outcome)
            else:
                validators = self.run_feed(source, state, outcome)
        except WirefeedError as exc:
            outcome.status = "failed"
            outcome.failed += 1
            outcome.reason = clean_reason(exc.reason)
            log.warning("[%s] %s: %s", source.id, source.where, outcome.reason)
            self.record_failure(source, state, outcome, exc)
            return outcome
        except Exception as exc:  # a bug or an unforeseen input: still one line, still go on
            outcome.status = "failed"
            outcome.failed += 1
            outcome.reason = clean_reason(f"internal error: {type(exc).__name__}: {exc}")
            log.exception("[%s] unexpected error", source.id)
            self.record_failure(source, state, outcome, exc)
            return outcome
        self.record_success(source, state, outcome, validators)
        return outcome

    def run_feed(self, source: Source, state: SourceState, outcome: SourceOutcome) -> Fetched:
        if source.path is not None:
            try:
                data = source.path.read_bytes()
            except OSError as exc:
                raise FetchError(f"cannot read file: {exc.strerror or exc}", source=source.id,
                                 where=str(source.path)) from None
            digest = "sha256:" + inbox.content_hash(data)
            fetched = Fetched(data, {"etag": digest}, str(source.path), 200, 0.0)
            if state.etag == digest:
                outcome.status = "not-modified"
                return replace(fetched, not_modified=True, data=b"")
            url = source.path.resolve().as_uri()
        else:
            fetched = fetch(self.client, source.url, etag=state.etag,
                            last_modified=state.last_modified,
                            max_bytes=self.config.pipeline.max_bytes,
                            deadline=self.config.pipeline.timeout * 3, source=source.id)
            if fetched.not_modified:
                outcome.status = "not-modified"
                return fetched
            url = fetched.url
        outcome.documents = 1
        try:
            articles = self.parse(source, fetched.data, "feed", url, fetched.headers)
        except ParseError as exc:
            raise ParseError(exc.reason, source=source.id, where=source.where) from None
        self.store(outcome, articles)
        return fetched

    def run_inbox(self, source: Source, outcome: SourceOutcome) -> None:
        folder = source.path
        if not folder.is_dir():
            raise FetchError("inbox folder does not exist", source=source.id, where=str(folder))
        reasons = []
        for path in inbox.list_documents(folder):
            try:
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
        return None

    def run_pages(self, source: Source, outcome: SourceOutcome) -> None:
        reasons = []
        for url in source.urls:
            try:
                fetched = fetch(self.client, url, max_bytes=self.config.pipeline.page_max_bytes,
                                deadline=self.config.pipeline.timeout * 3, source=source.id)
                outcome.documents += 1
                self.store(outcome, self.parse(source, fetched.data, "page", fetched.url,
                                               fetched.headers))
            except (FetchError, ParseError) as exc:
                outcome.failed += 1
                reasons.append(f"{url}: {clean_reason(exc.reason)}")
                log.warning("[%s] %s: %s", source.id, url, exc.reason)
        if reasons:
            outcome.status = "partial" if outcome.documents else "failed"
            outcome.reason = reasons[0] if len(reasons) == 1 else f"{len(reasons)} pages failed; first: {reasons[0]}"
        return None

    # -- state --------------------------------------------------------------------------------

    def record_success(self, source: Source, state: SourceState, outcome: SourceOutcome,
                       fetched: Fetched | None) -> None:
        latencies = state.latencies
        etag, last_modified, redirect = state.etag, state.last_modified, state.permanent_redirect
        if fetched is not None:
            latencies = (latencies + (round(fetched.elapsed, 4),))[-20:]
            if not fetched.not_modified:
                etag, last_modified = fetched.etag, fetched.last_modified
            if fetched.permanent_redirect:
                redirect = fetched.permanent_redirect
                log.warning("[%s] %s moved permanently to %s (the configured URL is kept)",
                            source.id, source.where, redirect)
        partial = outcome.status == "partial"
        self.archive.save_source_state(replace(
            state, kind=source.kind, location=source.where, last_attempt=self.now,
            last_success=self.now if not partial else state.last_success,
            last_status=outcome.status if not partial else f"partial: {outcome.failed} failed",
            last_error=outcome.reason if partial else None,
            failures=0, failing_since=None, next_due=self.schedule_next(source, fetched),
            etag=etag, last_modified=last_modified, permanent_redirect=redirect,
            items_total=state.items_total + outcome.new, latencies=latencies,
            repairs="; ".join(outcome.repairs) or None,
        ))

    def schedule_next(self, source: Source, fetched: Fetched | None) -> datetime:
        return next_due(source, self.config, self.now)

    def record_failure(self, source: Source, state: SourceState, outcome: SourceOutcome,
                       exc: BaseException) -> None:
        failures = state.failures + 1
        base = interval_of(source, self.config)
        delay = backoff_delay(failures, base, max(self.config.pipeline.backoff_max, base))
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            delay = max(delay, retry_after)
        # Jitter spreads the retries of many sources failing together (same agency outage).
        delay *= 1 + random.Random(f"{source.id}{failures}").uniform(0, 0.1)
        status = getattr(exc, "status", None)
        self.archive.save_source_state(replace(
            state, kind=source.kind, location=source.where, last_attempt=self.now,
            last_status=f"HTTP {status}" if status else "error", last_error=outcome.reason,
            failures=failures, failing_since=state.failing_since or self.now,
            next_due=self.now + timedelta(seconds=delay),
        ))


def run_once(config: Config, archive: Archive, *, source_ids: Iterable[str] = (),
             run_all: bool = False, now: datetime | None = None,
             client: httpx.Client | None = None, progress: Progress | None = None,
             publish: bool = True) -> RunReport:
    """Run the due sources (or ``source_ids``, or all with ``run_all``) once, then publish.

    Returns a :class:`RunReport`; raises only for configuration errors (an unknown source id)
    and archive failures.
    """
    from syndicate.publish import publish_all

    now = now or utcnow()
    report = RunReport(started=now)
    wanted = list(source_ids)
    if wanted:
        sources = [config.source(source_id) for source_id in wanted]
    elif run_all:
        sources = [s for s in config.sources if s.enabled]
    else:
        sources = due_sources(config, archive, now)
    own_client = client is None
    if own_client:
        client = make_client(timeout=config.pipeline.timeout,
                             max_redirects=config.pipeline.max_redirects,
                             user_agent=config.pipeline.user_agent)
    try:
        runner = Runner(config, archive, client, now)
        for source in sources:
            if progress:
                progress(source.id, "start")
            outcome = runner.run_source(source)
            report.outcomes.append(outcome)
            log.info("[%s] %s: %d items, %d new, %d updated%s", source.id, outcome.status,
                     outcome.fetched, outcome.new, outcome.updated,
                     f" ({outcome.reason})" if outcome.reason else "")
            if progress:
                progress(source.id, "done")
    finally:
        if own_client:
            client.close()
    if publish:
        if progress:
            progress("feeds", "render")
        report.written = publish_all(config, archive, now)
    report.editions = {edition: count for edition, (count, _) in archive.edition_stats().items()}
    return report
