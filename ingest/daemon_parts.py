"""The daemon's two pieces of thread coordination, each behind one small interface.

:class:`RunningJobs` knows which jobs are fetching and which are inside their commit, so a stop
can wait for them for a bounded time and then abandon the rest uncommitted.
:class:`Debounced` runs a call (the daemon's render) some seconds after the first request, once
for every request until then, and never twice at once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Callable, Iterator

log = logging.getLogger("ingest.daemon")


class RunningJobs:
    """The daemon's jobs in flight: thread -> source, and the threads inside their commit."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._fetching: dict[int, str] = {}
        self._committing: set[int] = set()
        #: Set once a stop gave up waiting: no job may start a commit from then on.
        self.abandoned = False

    def __len__(self) -> int:
        return len(self._fetching)

    @contextlib.contextmanager
    def tracking(self, source_id: str) -> Iterator[None]:
        """Count the calling thread as running ``source_id`` inside the block."""
        ident = threading.get_ident()
        with self._changed:
            self._fetching[ident] = source_id
        try:
            yield
        finally:
            with self._changed:
                self._fetching.pop(ident, None)
                self._changed.notify_all()

    @contextlib.contextmanager
    def commit_slot(self) -> Iterator[bool]:
        """Yields False once a stop has abandoned the jobs still running (do not commit)."""
        ident = threading.get_ident()
        with self._changed:
            allowed = not self.abandoned
            if allowed:
                self._committing.add(ident)
        if not allowed:
            yield False
            return
        try:
            yield True
        finally:
            with self._changed:
                self._committing.discard(ident)
                self._changed.notify_all()

    def wait_or_abandon(self, deadline: float, finish: float) -> None:
        """Wait until no job runs or ``time.monotonic()`` reaches ``deadline``; then abandon
        the jobs still fetching (logged by source) and give those already committing up to
        ``finish`` more seconds."""
        with self._changed:
            while self._fetching and time.monotonic() < deadline:
                self._changed.wait(0.1)
            if not self._fetching:
                return
            self.abandoned = True
            finish_by = time.monotonic() + finish
            while self._committing and time.monotonic() < finish_by:
                self._changed.wait(0.05)
            for ident, source_id in sorted(self._fetching.items(), key=lambda kv: kv[1]):
                if ident not in self._committing:
                    log.warning("[%s] still fetching at shutdown: abandoned, nothing "
                                "committed (the source stays due)", source_id)


class Debounced:
    """``func`` run ``delay()`` seconds after the first :meth:`request`, once for all the
    requests until it starts; two runs never overlap."""

    def __init__(self, func: Callable[[], None], delay: Callable[[], float], name: str):
        self._func = func
        self._delay = delay
        self._name = name
        self._timer_lock = threading.Lock()  # guards _timer
        self._timer: threading.Timer | None = None
        self._running = threading.Lock()     # one run at a time

    def request(self) -> float | None:
        """Start the countdown unless one is pending; returns its delay, or ``None``."""
        with self._timer_lock:
            if self._timer is not None:
                return None
            delay = self._delay()
            timer = threading.Timer(delay, self.run_now)
            timer.daemon = True
            timer.name = self._name
            self._timer = timer
        timer.start()
        return delay

    def cancel(self) -> bool:
        """Cancel the pending countdown; True if one was pending."""
        with self._timer_lock:
            pending, self._timer = self._timer, None
        if pending is not None:
            pending.cancel()
        return pending is not None

    def run_now(self) -> None:
        """Run ``func`` now (after any run in progress), taking the place of a pending one."""
        with self._timer_lock:
            self._timer = None
        with self._running:
            self._func()
