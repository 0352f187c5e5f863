"""The transport of wirefeed's HTTP client: the operator's URLs as they are, every other
request through the destination check of :mod:`ingest.netguard`.

The transport sends a request marked as the operator's (:data:`~ingest.netguard.OPERATOR`, set
by :func:`ingest.fetch.fetch` for a configured URL, first hop only) through an ordinary
connection pool, and every other request through a pool whose httpcore network backend
(:class:`ingest.guarded_backend.GuardedBackend`) resolves once, checks every address and
connects to a checked one. The pools are separate, so a connection opened for an operator's URL
is never reused for a content URL. Both are made on first use.
"""

from __future__ import annotations

import threading
from typing import Callable

import httpx

from ingest.netguard import OPERATOR, SCHEMES, Guard, Refused


def _guarded_http_transport(guard: Guard, **kwargs) -> httpx.HTTPTransport:
    # httpcore is loaded here, when a guarded pool is first needed, not by every command.
    from ingest.guarded_backend import guarded_http_transport

    return guarded_http_transport(guard, **kwargs)


class _Lazy:
    """A transport made on first use (loading CA certificates costs 0.05-0.2 s). Thread-safe."""

    def __init__(self, make: Callable[[], httpx.BaseTransport]):
        self._make = make
        self._made: httpx.BaseTransport | None = None
        self._lock = threading.Lock()

    def get(self) -> httpx.BaseTransport:
        if self._made is None:
            with self._lock:
                if self._made is None:
                    self._made = self._make()
        return self._made

    def close(self) -> None:
        if self._made is not None:
            self._made.close()


class GuardedTransport(httpx.BaseTransport):
    """Sends the operator's own URLs as they are and every other request through the guard.

    A request is the operator's when its :data:`OPERATOR` extension equals its URL: the first
    hop of a configured URL. Redirect hops (httpx copies the extension, the URL differs) and
    requests without the mark go through the guarded pools. Secure by default: a caller that
    marks nothing is guarded.
    """

    def __init__(self, guard: Guard, *, limits: httpx.Limits):
        self.guard = guard
        self._open = {
            # Plain http needs no certificates (verify only applies to TLS).
            "http": _Lazy(lambda: httpx.HTTPTransport(limits=limits, verify=False)),
            "https": _Lazy(lambda: httpx.HTTPTransport(limits=limits)),
        }
        self._guarded = {
            "http": _Lazy(lambda: _guarded_http_transport(guard, limits=limits, verify=False)),
            "https": _Lazy(lambda: _guarded_http_transport(guard, limits=limits)),
        }

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        scheme = request.url.scheme
        operator = request.extensions.get(OPERATOR)
        if operator is not None and scheme in SCHEMES and httpx.URL(operator) == request.url:
            return self._open[scheme].get().handle_request(request)
        try:
            self.guard.check_url(request.url)
            return self._guarded[scheme].get().handle_request(request)
        except Refused as exc:
            exc.url = exc.url or str(request.url)
            raise

    def close(self) -> None:
        for lazy in (*self._open.values(), *self._guarded.values()):
            lazy.close()


def guarded_transport(guard: Guard | None, limits: httpx.Limits) -> GuardedTransport:
    """The transport of wirefeed's HTTP client (``guard=None``: nothing private is allowed)."""
    return GuardedTransport(guard or Guard(), limits=limits)
