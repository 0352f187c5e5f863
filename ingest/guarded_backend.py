"""The httpcore network backend of the guarded pools: it connects only to addresses
:class:`~ingest.netguard.Guard` checked.

Imported by :mod:`ingest.transport` when it first makes a guarded pool (a content URL or a
redirect hop is fetched): httpx loads httpcore only when a pool is made, so a command that
sends no request (``ingest --help``, a run of inbox and file sources) never loads it.
"""

from __future__ import annotations

from typing import Iterable

import httpcore
import httpx

from ingest.netguard import Guard, Refused


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that connects only to addresses :class:`Guard` checked.

    The pool hands in the URL's host; the backend resolves it once, checks every address and
    connects to the checked addresses in turn (the first that answers), by address, so nothing
    resolves the name again. TLS is started by httpcore on the returned stream with the host
    name as ``server_hostname``, so SNI and certificate checks are the name's.
    """

    def __init__(self, guard: Guard):
        self.guard = guard
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self.guard.addresses(host, port):
            try:
                return self._inner.connect_tcp(address, port, timeout=timeout,
                                               local_address=local_address,
                                               socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last or Refused(f"{host}: no address to connect to")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        raise Refused("unix sockets are not a destination for untrusted URLs")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guarded_http_transport(guard: Guard, **kwargs) -> httpx.HTTPTransport:
    """An ``httpx.HTTPTransport`` whose pool connects through :class:`GuardedBackend`.

    httpx takes no network backend, so the backend of the pool it made (before its first
    connection) is replaced by ours; ``test_netguard`` proves the swap takes effect. A proxy
    is refused: it would connect on our behalf to whatever it likes.
    """
    transport = httpx.HTTPTransport(**kwargs)
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore.ConnectionPool or not hasattr(pool, "_network_backend"):
        raise TypeError("the guarded transport needs httpx's direct connection pool (no proxy)")
    pool._network_backend = GuardedBackend(guard)
    return transport
