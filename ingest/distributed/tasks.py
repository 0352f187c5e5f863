"""The tasks ``ingest worker`` runs: fetch one source, and publish (coalesced).

:func:`fetch_source` runs the same three steps as ``ingest run-once`` and the daemon
(:meth:`~ingest.pipeline.Runner.prepare`, ``collect``, ``commit``) for one source, holding the
source's lock (:func:`~ingest.distributed.leases.lock_key`) so no two workers fetch it at once,
and only when the archive says the source is due (a task delivered twice, or after another
worker already ran the source, does nothing). Requests go through
:class:`~ingest.distributed.leases.SharedHostLimits`, so ``per_host`` holds across workers.

:func:`publish` writes the feeds (see :class:`~ingest.distributed.leases.PublishRequests`):
never two at once, once more when more records came meanwhile. The tasks only ask for a
publish; the scheduler sends it ``render_delay`` seconds after the first request, so commits
close together make one publish.

What a task needs (configuration, archive, HTTP client, Redis, publisher) is made once per
worker process, after the fork, and again when the configuration file changes
(:func:`context`); the command sets the configuration with :func:`setup` before the worker
starts.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from typing import Callable

import httpx
import redis

from ingest.archive import Archive, open_archive, utcnow
from ingest.config import Config, Source
from ingest.distributed import leases
from ingest.distributed.app import FETCH_TASK, PUBLISH_TASK, app
from ingest.distributed.followed import FollowedConfig
from ingest.errors import StoreError
from ingest.pipeline import Publisher, Runner, log_outcome, make_run_client
from ingest.schedule import is_due
from normalize.model import forget_digests

log = logging.getLogger(__name__)

#: Longest pause, in seconds, between retries of a task that found the archive unavailable.
RETRY_MAX = 60.0


@dataclass
class WorkerContext:
    """One worker process's resources (made after the fork: connections are per process)."""

    pid: int
    config: Config
    archive: Archive
    client: httpx.Client
    redis: redis.Redis
    limits: leases.SharedHostLimits
    publisher: Publisher

    def close(self) -> None:
        """Close the archive and the HTTP client."""
        self.client.close()
        self.archive.close()


_setup: tuple[FollowedConfig, Callable[[Config], Publisher]] | None = None
_context: WorkerContext | None = None


def setup(config: Config, publisher_for: Callable[[Config], Publisher]) -> None:
    """Give the tasks their configuration and publisher maker (the command calls this)."""
    global _setup
    _setup = (FollowedConfig(config), publisher_for)


def lock_ttl(config: Config) -> float:
    """Seconds a source lock lives unless renewed: longer than the fetch timeout."""
    return config.pipeline.timeout + 5.0


def slot_ttl(config: Config) -> float:
    """Seconds a host slot lives: a whole transfer (3 timeouts) and its connect, then some."""
    return config.pipeline.timeout * 3 + 10.0


def context() -> WorkerContext:
    """This process's :class:`WorkerContext`, made on first use and made again when the
    configuration file changed (:class:`~ingest.distributed.followed.FollowedConfig`).
    Raises ``StoreError``."""
    global _context
    if _setup is None:
        raise RuntimeError("ingest.distributed.tasks.setup() was not called")
    followed, publisher_for = _setup
    config, changed = followed.current()
    if _context is not None and _context.pid == os.getpid():
        if not changed:
            return _context
        with contextlib.suppress(Exception):  # its connections are replaced either way
            _context.close()
        _context = None
    client = leases.connect(config.pipeline.broker)
    _context = WorkerContext(
        pid=os.getpid(), config=config, archive=open_archive(config.pipeline.database),
        client=make_run_client(config), redis=client,
        limits=leases.SharedHostLimits(client, config.pipeline.concurrency,
                                       config.pipeline.per_host, slot_ttl(config)),
        publisher=publisher_for(config))
    return _context


def find_source(config: Config, source_id: str) -> Source | None:
    """The enabled source ``source_id`` of ``config``, or ``None``."""
    return next((s for s in config.sources if s.id == source_id and s.enabled), None)


def retry_delay(retries: int) -> float:
    """Backoff before retry number ``retries + 1`` of a task: 1, 2, 4 ... :data:`RETRY_MAX` s."""
    return min(RETRY_MAX, 2.0 ** retries)


@app.task(name=FETCH_TASK, bind=True, acks_late=True, reject_on_worker_lost=True,
          ignore_result=True)
def fetch_source(self, source_id: str) -> str:
    """Fetch, normalize and store one source if it is due; returns its status (or why not)."""
    try:
        ctx = context()
    except StoreError as exc:
        log.error("[%s] archive unavailable: %s; retrying", source_id, exc)
        raise self.retry(countdown=retry_delay(self.request.retries), max_retries=None)
    source = find_source(ctx.config, source_id)
    if source is None:
        log.warning("[%s] not an enabled source of %s: task dropped", source_id, ctx.config.path)
        ctx.redis.delete(leases.queued_key(source_id))
        return "unknown"
    lock = leases.Lease(ctx.redis, leases.lock_key(source_id), lock_ttl(ctx.config))
    if not lock.acquire():
        # Another worker runs it now: it commits (or, if it dies, its lock expires and the
        # scheduler sends the source again).
        log.info("[%s] already being fetched by another worker: skipped", source_id)
        ctx.redis.delete(leases.queued_key(source_id))
        return "locked"
    try:
        with lock.kept():
            # From here the lock says "running": the scheduler does not send it again.
            ctx.redis.delete(leases.queued_key(source_id))
            return _run(self, ctx, source)
    finally:
        lock.release()
        forget_digests()  # a worker keeps no parse state between tasks (as the daemon)


def _run(task, ctx: WorkerContext, source: Source) -> str:
    now = utcnow()
    try:
        state = ctx.archive.source_state(source.id)
        if not is_due(source, state, ctx.config, now):
            log.info("[%s] not due before %s: skipped", source.id,
                     state.next_due.isoformat() if state.next_due else "-")
            return "not-due"
        log.debug("[%s] fetching %s", source.id, source.where)
        runner = Runner(ctx.config, ctx.archive, ctx.client, now, limits=ctx.limits)
        try:
            started = time.monotonic()
            job = runner.prepare(source)
            runner.collect(job)
            collected = time.monotonic()
            outcome = runner.commit(job)
            committed = time.monotonic()
        finally:
            runner.close()
    except StoreError as exc:
        log.error("[%s] archive unavailable: %s; retrying", source.id, exc)
        raise task.retry(countdown=retry_delay(task.request.retries), max_retries=None)
    log_outcome(outcome)
    log.info("[%s] task done in %.3fs (fetch and normalize %.3fs, archive %.3fs)", source.id,
             committed - started, collected - started, committed - collected)
    if outcome.changed or ctx.publisher.needs_publish(ctx.archive, now):
        request_publish(ctx, f"[{source.id}]")
    return outcome.status


def request_publish(ctx: WorkerContext, why: str) -> None:
    """Ask for a publish (coalesced; the scheduler sends it). A Redis error is logged, not
    raised: the feeds are behind the archive's change mark, so the next request publishes."""
    try:
        leases.PublishRequests(ctx.redis).request()
        log.debug("publish requested by %s", why)
    except redis.RedisError as exc:
        log.warning("publish request by %s not recorded (%s)", why, exc)


@app.task(name=PUBLISH_TASK, bind=True, acks_late=True, reject_on_worker_lost=True,
          ignore_result=True)
def publish(self) -> int:
    """Write the feeds if they are behind the archive. Returns how many publishes ran (0, 1)."""
    try:
        ctx = context()
    except StoreError as exc:
        log.error("publish: archive unavailable: %s; retrying", exc)
        raise self.retry(countdown=retry_delay(self.request.retries), max_retries=None)
    requests = leases.PublishRequests(ctx.redis)
    lease = leases.Lease(ctx.redis, leases.PUBLISH_PENDING, lock_ttl(ctx.config))
    if not requests.claim(lease):
        log.info("publish: another worker is publishing; it publishes again after")
        return 0
    runs = 0
    try:
        with lease.kept():
            seen = requests.seen()
            now = utcnow()
            if ctx.publisher.needs_publish(ctx.archive, now):
                started = time.monotonic()
                written = ctx.publisher.publish(ctx.archive, now)
                runs += 1
                log.info("feeds published in %.3fs: %d files written under %s",
                         time.monotonic() - started, len(written), ctx.config.pipeline.feeds)
        if requests.finish(lease, seen):
            log.debug("publish: more records came meanwhile; the next publish follows")
        return runs
    except StoreError as exc:
        log.error("publish: archive unavailable: %s; retrying", exc)
        with contextlib.suppress(redis.RedisError):
            ctx.redis.incr(leases.PUBLISH_REQUESTED)  # still wanted
        lease.release()
        raise self.retry(countdown=retry_delay(self.request.retries), max_retries=None)
    except BaseException:
        lease.release()
        raise
