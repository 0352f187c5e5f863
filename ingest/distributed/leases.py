"""What the scheduler and the workers agree on through Redis: leases, locks, host slots and the
publish requests. Every key starts with ``wirefeed:``.

===============================  ======================================================
key                              what it holds
===============================  ======================================================
``wirefeed:scheduler``           the scheduler lease: the holder's token, expiring unless
                                 renewed (a second scheduler waits, takes over on expiry)
``wirefeed:queued:<source>``     a fetch task for the source is queued (set with the
                                 enqueue, deleted when a worker starts it; expires after
                                 the scheduler's ``--requeue-after``)
``wirefeed:lock:<source>``       the worker fetching the source (its token); renewed while
                                 it runs, released in ``finally``, expires if it died
``wirefeed:host:<host[:port]>``  sorted set of the requests in flight to a host, each
                                 scored by its expiry: at most ``per_host`` across workers
``wirefeed:publish:requested``   how many publishes were asked for (a counter)
``wirefeed:publish:pending``     ``queued`` while a publish task waits, then the token of
                                 the worker publishing (at most one publish in flight)
===============================  ======================================================

A lease is a plain key set with ``SET NX PX``: the kernel-independent equivalent of the
archive's ``flock``, so it works across machines; its holder renews it well before it expires,
and compares its token before renewing or deleting, so a holder that paused past its expiry
never releases a lease someone else has since taken.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from typing import Callable, Iterator

import redis

from ingest.fetch import HostLimits, host_of

log = logging.getLogger(__name__)

PREFIX = "wirefeed:"
SCHEDULER_KEY = PREFIX + "scheduler"
PUBLISH_REQUESTED = PREFIX + "publish:requested"
PUBLISH_PENDING = PREFIX + "publish:pending"
#: The value of :data:`PUBLISH_PENDING` while a publish task waits in the queue.
QUEUED = "queued"


def queued_key(source_id: str) -> str:
    """The key marking a queued fetch of ``source_id``."""
    return f"{PREFIX}queued:{source_id}"


def lock_key(source_id: str) -> str:
    """The key of the lock a worker holds while it runs ``source_id``."""
    return f"{PREFIX}lock:{source_id}"


def host_key(host: str) -> str:
    """The sorted set of requests in flight to ``host``."""
    return f"{PREFIX}host:{host}"


def make_token() -> str:
    """A holder's token: host, pid and a random part (the host and pid help an operator)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def connect(url: str) -> redis.Redis:
    """A Redis client for ``url`` with short timeouts (coordination calls are tiny; a broker
    that does not answer in seconds is down, and the callers retry)."""
    return redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10,
                                health_check_interval=30, decode_responses=True)


_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
         "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
           "return redis.call('del', KEYS[1]) else return 0 end"


class Lease:
    """A key held by one token at a time, for ``ttl`` seconds unless renewed."""

    def __init__(self, client: redis.Redis, key: str, ttl: float, token: str | None = None):
        self.client = client
        self.key = key
        self.ttl_ms = max(int(ttl * 1000), 100)
        self.token = token or make_token()

    def acquire(self) -> bool:
        """Take the lease if nobody holds it. Raises ``redis.RedisError``."""
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        """Extend the lease if this token still holds it; False when it was lost."""
        return bool(self.client.eval(_RENEW, 1, self.key, self.token, self.ttl_ms))

    def release(self) -> None:
        """Give the lease up if this token holds it (a Redis error is logged: it expires)."""
        try:
            self.client.eval(_RELEASE, 1, self.key, self.token)
        except redis.RedisError as exc:
            log.warning("%s: not released (%s); it expires in %gs", self.key, exc,
                        self.ttl_ms / 1000)

    def holder(self) -> str | None:
        """The token holding the lease now, or ``None``."""
        return self.client.get(self.key)

    @contextlib.contextmanager
    def kept(self) -> Iterator[None]:
        """Renew the lease every third of its lifetime while the block runs."""
        done = threading.Event()

        def renew() -> None:
            while not done.wait(self.ttl_ms / 3000):
                try:
                    if not self.renew():
                        log.warning("%s: lost (expired or taken over)", self.key)
                        return
                except redis.RedisError as exc:
                    log.warning("%s: renewal failed (%s); retrying", self.key, exc)

        thread = threading.Thread(target=renew, name="wirefeed-lease", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()


_ENQUEUE = """
if redis.call('exists', KEYS[2]) == 1 then return 0 end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""


def mark_queued(client: redis.Redis, source_id: str, ttl: float) -> bool:
    """Mark a fetch of ``source_id`` queued unless one is queued or running already (one
    atomic step). True when the caller must now send the task."""
    return bool(client.eval(_ENQUEUE, 2, queued_key(source_id), lock_key(source_id),
                            make_token(), int(ttl * 1000)))


_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""


class SharedHostLimits(HostLimits):
    """:class:`~ingest.fetch.HostLimits` whose per-host bound holds across every worker.

    ``total`` still bounds this process's requests; ``per_host`` bounds everyone's requests
    to one host, counted in the sorted set :func:`host_key` (expired entries, left by a
    worker that died mid-request, are dropped on the next take). The clock is Redis's, so
    the workers' clocks need not agree. Without Redis (an outage) the per-host bound falls
    back to this process's own, so fetching goes on.
    """

    def __init__(self, client: redis.Redis, total: int, per_host: int, ttl: float):
        super().__init__(total, per_host)
        self.client = client
        self.ttl_ms = int(ttl * 1000)

    @contextlib.contextmanager
    def slot(self, url: str) -> Iterator[None]:
        with super().slot(url):
            key, token = host_key(host_of(url)), make_token()
            held = self._take(key, token)
            try:
                yield
            finally:
                if held:
                    with contextlib.suppress(redis.RedisError):
                        self.client.zrem(key, token)

    def _take(self, key: str, token: str) -> bool:
        pause = 0.005
        while True:
            try:
                if self.client.eval(_TAKE_SLOT, 1, key, self.per_host, self.ttl_ms, token):
                    return True
            except redis.RedisError as exc:
                log.warning("%s: shared host limit unavailable (%s); this worker's own "
                            "limit holds", key, exc)
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


_CLAIM = """
local v = redis.call('get', KEYS[1])
if v and v ~= ARGV[2] then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
"""
_FINISH = """
local mine = redis.call('get', KEYS[2]) == ARGV[1]
local n = tonumber(redis.call('get', KEYS[1]) or '0')
if n > tonumber(ARGV[2]) then
  if mine then redis.call('set', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
  return 1
end
redis.call('del', KEYS[1])
if mine then redis.call('del', KEYS[2]) end
return 0
"""


class PublishRequests:
    """Coalesced publishing: at most one publish task queued or running; a request made
    while one runs makes it run once more when done.

    A requester bumps :data:`PUBLISH_REQUESTED` and sends a task only if it could set
    :data:`PUBLISH_PENDING` (absent: no publish queued or running). The task claims
    ``pending`` with its token, publishes, and finishes in one atomic step: if the counter
    moved since it read it, ``pending`` goes back to ``queued`` and the task sends the next
    publish; else it clears both keys. So no request falls between a publish's last look and
    its end; and a worker killed mid-publish leaves the counter set, which the scheduler
    kicks again once ``pending`` expires.
    """

    def __init__(self, client: redis.Redis, queue_ttl: float = 600.0):
        self.client = client
        self.queue_ttl_ms = int(queue_ttl * 1000)

    def request(self, send: Callable[[], None]) -> bool:
        """Ask for a publish; ``send`` enqueues the task when none is queued or running.
        True when this call sent it. Raises ``redis.RedisError`` (and what ``send`` raises)."""
        self.client.incr(PUBLISH_REQUESTED)
        return self._send_if_idle(send)

    def kick(self, send: Callable[[], None]) -> bool:
        """Send a publish task if requests are waiting and none is queued or running (a
        publish whose worker died, or a request that found the broker down)."""
        if not self.client.exists(PUBLISH_REQUESTED):
            return False
        return self._send_if_idle(send)

    def _send_if_idle(self, send: Callable[[], None]) -> bool:
        if not self.client.set(PUBLISH_PENDING, QUEUED, nx=True, px=self.queue_ttl_ms):
            return False
        try:
            send()
        except BaseException:
            with contextlib.suppress(redis.RedisError):
                self.client.eval(_RELEASE, 1, PUBLISH_PENDING, QUEUED)
            raise
        return True

    def claim(self, lease: Lease) -> bool:
        """Take ``pending`` for the publish task holding ``lease`` (its key is
        :data:`PUBLISH_PENDING`); False when another publish is running."""
        return bool(self.client.eval(_CLAIM, 1, PUBLISH_PENDING, lease.token, QUEUED,
                                     lease.ttl_ms))

    def seen(self) -> int:
        """The request counter now (read before a publish)."""
        return int(self.client.get(PUBLISH_REQUESTED) or 0)

    def finish(self, lease: Lease, seen: int) -> bool:
        """After a publish that started at counter ``seen``: True when more requests came
        (``pending`` is ``queued`` again: the caller sends the next publish with
        :meth:`resend`), else both keys are cleared and False."""
        return bool(self.client.eval(_FINISH, 2, PUBLISH_REQUESTED, PUBLISH_PENDING,
                                     lease.token, seen, QUEUED, self.queue_ttl_ms))

    def resend(self, send: Callable[[], None]) -> None:
        """Send the next publish after :meth:`finish` returned True; if that fails, ``pending``
        is cleared so the scheduler's :meth:`kick` sends it. Raises what ``send`` raises."""
        try:
            send()
        except BaseException:
            with contextlib.suppress(redis.RedisError):
                self.client.eval(_RELEASE, 1, PUBLISH_PENDING, QUEUED)
            raise
