"""``ingest scheduler``: send the due sources to the workers, one scheduler at a time.

Each tick (a second by default) the scheduler holding the lease
(:data:`~ingest.distributed.leases.SCHEDULER_KEY`) reads every source's state from the
archive and sends a fetch task for each source whose time has come (:func:`send_at`) and that
is neither queued nor running (:func:`~ingest.distributed.leases.mark_queued`). The times are
the daemon's: a source's ``next_due`` as the runs wrote it (its ``every`` or ``cron``, backoff
after failures, the server's ``Retry-After`` or freshness hints), a source never run at once,
plus the source's ``jitter``. A worker checks again that the source is due before fetching.

It sends the publish tasks the workers ask for (coalesced, ``render_delay`` seconds after
the first request: :class:`~ingest.distributed.leases.PublishRequests`), and asks for one
itself at start (feeds a stopped deployment left behind) and when embargoes pass. A source without a success for longer than its ``stale_after`` is logged once. An edited
``schedules.toml`` is read again at the next tick
(:class:`~ingest.distributed.followed.FollowedConfig`).

A second scheduler waits for the lease and takes over when the holder stops (SIGTERM releases
it at once) or dies (it expires after ``lease_ttl`` seconds). While the broker is away the
scheduler logs it, waits with backoff and goes on; nothing it sends is lost for good: a source
whose task vanished with the broker is still due in the archive and is sent again.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
from datetime import datetime, timedelta
from typing import Callable

import redis
from kombu.exceptions import OperationalError

from ingest.archive import Archive, SourceState, utcnow
from ingest.config import Config, Source, redact_url
from ingest.distributed import leases
from ingest.distributed.app import FETCH_TASK, PUBLISH_QUEUE, PUBLISH_TASK, SOURCES_QUEUE, app
from ingest.distributed.followed import FollowedConfig
from ingest.errors import StoreError
from ingest.schedule import stale_after

log = logging.getLogger(__name__)

#: Errors that mean the broker (or Redis) is away for now.
BROKER_ERRORS = (redis.RedisError, OperationalError, ConnectionError, OSError)
#: Longest wait, in seconds, between attempts while the broker or the archive is away.
OUTAGE_MAX = 30.0


def send_at(source: Source, state: SourceState, config: Config) -> datetime | None:
    """When the scheduler sends ``source``: ``None`` for a source never run (now), else its
    ``next_due`` plus a jitter of up to its ``jitter`` seconds (seeded by the source and the
    due time, so every scheduler picks the same)."""
    if state.next_due is None:
        return None
    jitter = source.jitter or config.pipeline.jitter
    if not jitter:
        return state.next_due
    spread = random.Random(f"{source.id}{state.next_due.isoformat()}").uniform(0, jitter)
    return state.next_due + timedelta(seconds=spread)


def due_now(config: Config, states: dict[str, SourceState], now: datetime) -> list[Source]:
    """The enabled sources to send at ``now``, in configuration order."""
    due = []
    for source in config.sources:
        if not source.enabled:
            continue
        when = send_at(source, states.get(source.id) or SourceState(id=source.id), config)
        if when is None or when <= now:
            due.append(source)
    return due


class Scheduler:
    """The loop of ``ingest scheduler``; :meth:`run` blocks until :meth:`stop`."""

    def __init__(self, config: Config, archive_for: Callable[[], Archive], *,
                 tick: float = 1.0, lease_ttl: float = 15.0, requeue_after: float = 900.0):
        self.config = config
        self.followed = FollowedConfig(config)
        self.archive_for = archive_for
        self.tick = tick
        self.requeue_after = requeue_after
        self.redis = leases.connect(config.pipeline.broker)
        self.lease = leases.Lease(self.redis, leases.SCHEDULER_KEY, lease_ttl)
        # A publish task waits for a free worker: at most about one fetch (its deadline).
        self.publishes = leases.PublishRequests(
            self.redis, queue_ttl=config.pipeline.render_delay + 3 * config.pipeline.timeout + 10)
        self.stopping = threading.Event()
        self.holding = False
        self.sent = 0
        self._stale: set[str] = set()
        self._last_tick: datetime | None = None
        self._archive: Archive | None = None
        self._standby_logged: str | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def install_signals(self) -> None:
        """SIGTERM and SIGINT stop the loop (the lease is released on the way out)."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, frame: self.stop(signal.Signals(number).name))

    def stop(self, why: str = "stop") -> None:
        """Ask the loop to end after its current tick."""
        if not self.stopping.is_set():
            log.info("%s: scheduler stopping", why)
        self.stopping.set()

    def run(self) -> int:
        """Hold (or wait for) the lease and send due sources until stopped. Returns 0."""
        log.info("scheduler %s started: %d sources, broker %s", self.lease.token,
                 sum(1 for s in self.config.sources if s.enabled),
                 redact_url(self.config.pipeline.broker))
        pause = self.tick
        try:
            while not self.stopping.is_set():
                try:
                    if self._hold_lease():
                        self.run_tick(utcnow())
                    pause = self.tick if self.holding else self.lease.ttl_ms / 3000
                except BROKER_ERRORS as exc:
                    pause = min(max(pause * 2, 1.0), OUTAGE_MAX)
                    log.warning("broker unavailable (%s); retrying in %gs", exc, pause)
                    self.holding = False  # prove it again once the broker is back
                except StoreError as exc:
                    pause = min(max(pause * 2, 1.0), OUTAGE_MAX)
                    log.warning("archive unavailable (%s); retrying in %gs", exc, pause)
                    self._close_archive()
                self.stopping.wait(pause)
        finally:
            if self.holding:
                self.lease.release()
                log.info("scheduler lease released")
            self._close_archive()
        log.info("scheduler stopped (%d tasks sent)", self.sent)
        return 0

    def _hold_lease(self) -> bool:
        if self.holding:
            if self.lease.renew():
                return True
            self.holding = False
            holder = self.lease.holder()
            log.warning("scheduler lease lost (%s)", f"taken by {holder}" if holder else
                        "expired, or the broker restarted without its data")
        if self.lease.acquire():
            self.holding = True
            log.info("scheduler lease taken: this scheduler sends the due sources")
            self._request_publish("scheduler start")
            return True
        holder = self.lease.holder()
        log.debug("scheduler lease held by %s: standing by", holder)
        if self._standby_logged != holder:
            log.info("another scheduler (%s) holds the lease: standing by", holder)
            self._standby_logged = holder
        return False

    def _archive_now(self) -> Archive:
        if self._archive is None:
            self._archive = self.archive_for()
        return self._archive

    def _close_archive(self) -> None:
        if self._archive is not None:
            try:
                self._archive.close()
            finally:
                self._archive = None

    # -- one tick -----------------------------------------------------------------------------

    def run_tick(self, now: datetime) -> int:
        """Send what is due at ``now``; returns how many fetch tasks were sent."""
        self.config, _ = self.followed.current()
        archive = self._archive_now()
        states = archive.source_states()
        sent = 0
        for source in due_now(self.config, states, now):
            if self.stopping.is_set():
                break
            if leases.mark_queued(self.redis, source.id, self.requeue_after):
                try:
                    app.send_task(FETCH_TASK, args=[source.id], queue=SOURCES_QUEUE)
                except BaseException:
                    self.redis.delete(leases.queued_key(source.id))
                    raise
                sent += 1
                log.debug("[%s] sent to the workers", source.id)
        if sent:
            log.info("%d due sources sent to the workers", sent)
        self.sent += sent
        self._watch_stale(states, now)
        since, self._last_tick = self._last_tick, now
        if since is not None and archive.embargoes_passed(since, now):
            self._request_publish("embargo")
        if self.publishes.send_due(self._send_publish, self.config.pipeline.render_delay):
            log.debug("publish sent to the workers")
        return sent

    def _send_publish(self) -> None:
        app.send_task(PUBLISH_TASK, queue=PUBLISH_QUEUE)

    def _request_publish(self, why: str) -> None:
        self.publishes.request()
        log.info("publish requested (%s)", why)

    def _watch_stale(self, states: dict[str, SourceState], now: datetime) -> None:
        for source in self.config.sources:
            state = states.get(source.id)
            if not source.enabled or state is None or state.last_success is None:
                continue
            late = (now - state.last_success).total_seconds() > stale_after(self.config, source, now)
            if late and source.id not in self._stale:
                log.warning("[%s] stale: no success since %s", source.id,
                            state.last_success.isoformat())
                self._stale.add(source.id)
            elif not late:
                self._stale.discard(source.id)


