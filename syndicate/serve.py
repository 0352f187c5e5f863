"""Serving: the feeds folder over HTTP, read-only (``ingest serve``).

An HTTP/1.1 server on an asyncio event loop (standard library only) answers ``GET`` and ``HEAD``
for the files :mod:`syndicate.publish` writes (``<edition>/rss.xml``, ``atom.xml``, ``feed.json``,
the same per section, ``index.opml``, ``index.html``) with what a feed reader or a CDN expects:

- the feed media types (``application/rss+xml`` ...), always with ``charset=utf-8``;
- a strong ``ETag`` (sha256 of the bytes sent; the gzip body has its own, ending in ``-gz``);
- ``Last-Modified`` from the feed itself (RSS ``lastBuildDate``, Atom ``updated``, JSON Feed
  ``_wirefeed.updated``): when the feed's content last changed, as the publish state keeps it
  (:mod:`syndicate.publish`), carried in the document so it can never be paired with other bytes;
  the file's mtime when the document gives none;
- ``304 Not Modified`` on a matching ``If-None-Match`` (weak comparison, RFC 9110 13.1.2: ``W/"x"``
  matches ``"x"``; lists; ``*``) or, only when there is no ``If-None-Match``, on
  ``If-Modified-Since``;
- gzip when ``Accept-Encoding`` allows it, with ``Vary: Accept-Encoding``;
- ``Cache-Control: public, max-age=N``, N given by the caller (``ingest serve``: the schedule's TTL);
- ``404`` for anything that is not a regular file inside the folder (``..``, ``%2e%2e``, NUL bytes,
  hidden files such as the publisher's temporary files, symlinks leading out), ``405`` for other
  methods.

File bytes, validators and the gzip body are cached in memory, keyed by the file's
(path, inode, mtime_ns, size): a 304 costs one ``stat`` and no read. The publisher replaces files
by rename, so a changed feed always shows a new inode and is never served stale.

Connections (:class:`Limits`): HTTP/1.1 connections stay open unless the client says ``close``;
HTTP/1.0 ones only when the client asks for ``keep-alive``, and the answer says so. A request head
must arrive whole within ``header_timeout`` of its first byte (408 and close, however it
trickles), an idle connection is closed after ``idle_timeout``, connections past
``max_connections`` get 503, and the listen backlog holds bursts of new connections. Requests
are answered in the loop's thread from the cache;
dynamic routes (``/healthz``, ``/metrics``, given by the caller) run in worker threads, and
access-log lines (Combined Log Format) are written by a thread of their own (:class:`AccessLog`).

The server takes a folder and its settings; the ``ingest serve`` command
(:mod:`ingest.commands.serve`, with :mod:`ingest.serving`) builds them from the configuration and handles signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import re
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping

from normalize.months import MONTH_ABBREVIATIONS
from syndicate.serve_files import (
    CACHE_BYTES, EXTENSION_TYPES, FEED_XML_TYPES, NAME_TYPES, CachedFile, FileCache,
    browser_variant, find_feed_date, find_file, media_type,
)
from syndicate.serve_http import (
    REASONS, Answer, BadRequest, Headers, Request, Route, _Clock, _printable, accepts_gzip,
    etag_matches, format_http_date, not_modified, parse_head,
)

log = logging.getLogger(__name__)

UTC = timezone.utc
# Re-exported: the server's parts are used through this module.
__all__ = [
    "CACHE_BYTES", "EXTENSION_TYPES", "NAME_TYPES", "CachedFile", "FileCache", "find_feed_date",
    "find_file", "media_type", "REASONS", "Answer", "BadRequest", "Headers", "Request", "Route",
    "accepts_gzip", "etag_matches", "format_http_date", "not_modified", "parse_head",
    "AccessLog", "FeedServer", "Limits", "access_log", "combined_log_line", "serve",
]


# -- the access log -----------------------------------------------------------------------------


access_log = logging.getLogger("syndicate.serve.access")


def combined_log_line(host: str, when: float, request_line: str, status: int, size: int,
                      referer: str | None, user_agent: str | None) -> str:
    """One line of the Combined Log Format (Apache's ``combined``, nginx's default), UTC."""
    t = time.gmtime(when)
    stamp = (f"{t.tm_mday:02d}/{MONTH_ABBREVIATIONS[t.tm_mon - 1]}/{t.tm_year}:"
             f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000")
    return (f'{host} - - [{stamp}] "{_printable(request_line, 2000)}" {status} '
            f'{size if size else "-"} "{_printable(referer or "-")}" '
            f'"{_printable(user_agent or "-")}"')


class AccessLog:
    """Access-log lines written by a thread of their own, off the request path.

    The event loop only puts a tuple on a queue; the thread formats it in the Combined Log
    Format and logs it at INFO on the ``syndicate.serve.access`` logger (the command decides
    where that goes). A full queue drops lines (counted in :attr:`dropped`) rather than slow
    the answers down.
    """

    def __init__(self, logger: logging.Logger = access_log, capacity: int = 100_000):
        self.logger = logger
        self.dropped = 0
        self._queue: queue.Queue = queue.Queue(capacity)
        self._thread = threading.Thread(target=self._write, name="wirefeed-access-log",
                                        daemon=True)
        self._thread.start()

    def put(self, entry: tuple) -> None:
        """Queue one request: (host, time, request line, status, size, referer, user agent)."""
        try:
            self._queue.put_nowait(entry)
        except queue.Full:
            self.dropped += 1

    def _write(self) -> None:
        while True:
            entry = self._queue.get()
            if entry is None:
                return
            self.logger.info("%s", combined_log_line(*entry))

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued, then stop the thread."""
        self._queue.put(None)
        self._thread.join(timeout)


# -- one connection -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What one client may hold.

    ``header_timeout``: seconds for a whole request head, from its first byte (a trickled head
    is not given more time per byte); ``idle_timeout``: seconds a kept-alive connection may wait
    for its next request, or a reader may take to drain an answer; ``max_connections``: open
    connections (one more is answered 503 and closed); ``backlog``: the listen queue for bursts
    of new connections (the kernel caps it at ``net.core.somaxconn``); ``max_head_bytes``: size
    of a request head (431 past it).
    """

    header_timeout: float = 10.0
    idle_timeout: float = 30.0
    max_connections: int = 1000
    backlog: int = 1024
    max_head_bytes: int = 65536


_HEAD_END = re.compile(rb"\r?\n\r?\n")
#: Bytes waiting to be sent past which a connection stops reading new requests.
_HIGH_WATER = 256 * 1024


class _Connection(asyncio.Protocol):
    """One client connection: reads request heads, answers them in order (pipelining too)."""

    def __init__(self, server: "FeedServer"):
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.peer = "-"
        self.closing = False
        self.waiting = False      # a dynamic route is answering in a worker thread
        self.write_paused = False
        self.timer: asyncio.TimerHandle | None = None
        self.head_started = False

    # asyncio callbacks

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = peer[0] if peer else "-"
        server = self.server
        server.connections.add(self)
        if len(server.connections) > server.limits.max_connections:
            # Over the cap: a short answer, then the connection goes (before any request).
            server.refused += 1
            self._write_simple(503, b"too many connections\n", {"Retry-After": "1"},
                               request=None, keep=False)
            return
        self._arm(server.limits.idle_timeout)

    def connection_lost(self, exc) -> None:
        self.closing = True
        self._disarm()
        self.server.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        if not self.head_started:
            # The first byte of a request head starts its deadline; later bytes do not move it.
            self.head_started = True
            self._arm(self.server.limits.header_timeout, self._head_timed_out)
        self.buffer += data
        self._process()

    def pause_writing(self) -> None:
        self.write_paused = True
        self.transport.pause_reading()
        self._arm(self.server.limits.idle_timeout)  # a reader that never drains is dropped

    def resume_writing(self) -> None:
        self.write_paused = False
        if not self.closing:
            self.transport.resume_reading()
            self._next()

    # timers

    def _arm(self, delay: float, callback=None) -> None:
        self._disarm()
        self.timer = self.server.loop.call_later(delay, callback or self._idle_timed_out)

    def _disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _idle_timed_out(self) -> None:
        self.timer = None
        self._close(abort=self.write_paused)

    def _head_timed_out(self) -> None:
        self.timer = None
        self.server.timed_out += 1
        log.debug("request head from %s not complete in %gs: closed", self.peer,
                  self.server.limits.header_timeout)
        self._write_simple(408, b"request head took too long\n", {}, request=None, keep=False)

    # requests

    def _process(self) -> None:
        """Answer every complete request head in the buffer, in order."""
        while not (self.closing or self.waiting or self.write_paused):
            match = _HEAD_END.search(self.buffer)
            if match is None:
                if len(self.buffer) > self.server.limits.max_head_bytes:
                    self._write_simple(431, b"request head too large\n", {}, request=None,
                                       keep=False)
                elif not self.buffer.strip(b"\r\n"):  # stray line ends between requests
                    self.buffer = b""
                    self.head_started = False
                    self._arm(self.server.limits.idle_timeout)
                return
            if match.start() > self.server.limits.max_head_bytes:
                self._write_simple(431, b"request head too large\n", {}, request=None,
                                   keep=False)
                return
            head, self.buffer = self.buffer[:match.start()], self.buffer[match.end():]
            self._disarm()
            try:
                request = parse_head(head)
            except BadRequest as error:
                self._write_simple(error.status, f"{error}\n".encode(), {}, request=None,
                                   keep=False)
                return
            self.server.answer(self, request)
            if self.closing or self.waiting or self.write_paused:
                return
            if not self._await_next():
                return

    def _await_next(self) -> bool:
        """Arm the timer for what comes next: the deadline of a head already started (True),
        or the idle wait for a new one (False)."""
        if self.buffer:
            self.head_started = True
            self._arm(self.server.limits.header_timeout, self._head_timed_out)
            return True
        self.head_started = False
        self._arm(self.server.limits.idle_timeout)
        return False

    def _next(self) -> None:
        """After a dynamic answer or a drained write: go on with what the client sent."""
        if self.closing or self.waiting or self.write_paused:
            return
        if self._await_next():
            self._process()

    # answers

    def write_answer(self, request: Request | None, status: int, headers: list[tuple[str, str]],
                     body: bytes, send_body: bool, keep: bool) -> None:
        """Send one answer; close the connection after it unless ``keep``."""
        if self.closing:
            return
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}",
                 f"Server: {self.server.server_version}", f"Date: {self.server.clock.date()}"]
        lines.extend(f"{name}: {value}" for name, value in headers)
        if not keep:
            lines.append("Connection: close")
        elif request is not None and request.version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        sent = len(body) if send_body else 0
        self.transport.write(data + body if sent else data)
        if self.server.access is not None:
            self.server.access.put((
                self.peer, time.time(), request.line if request else "-", status, sent,
                request.headers.get("referer") if request else None,
                request.headers.get("user-agent") if request else None))
        if not keep:
            self._close()

    def _write_simple(self, status: int, body: bytes, extra: dict[str, str],
                      request: Request | None, keep: bool) -> None:
        headers = [("Content-Type", "text/plain; charset=utf-8"),
                   ("Content-Length", str(len(body))), *extra.items()]
        send = request is None or request.method != "HEAD"
        self.write_answer(request, status, headers, body, send, keep)

    def _close(self, abort: bool = False) -> None:
        if self.closing:
            return
        self.closing = True
        self._disarm()
        if abort:
            self.transport.abort()
            return
        self.transport.close()  # after what is buffered is sent
        if self.transport.get_write_buffer_size():
            # A reader that stopped reading does not keep the descriptor forever.
            self.server.loop.call_later(self.server.limits.idle_timeout, self.transport.abort)


# -- the server ---------------------------------------------------------------------------------


class FeedServer:
    """An HTTP/1.1 server for one feeds folder, on an asyncio event loop in one thread.

    Bound and listening when constructed; ``serve_forever()`` answers until ``shutdown()`` is
    called from another thread; ``server_close()`` releases the socket. Every answer is made in
    the loop's thread from the in-memory :class:`FileCache` (a ``stat`` per request); only
    dynamic ``routes`` (``/healthz``, ``/metrics``) run in worker threads.
    """

    server_version = "wirefeed"

    def __init__(self, root: Path, address: tuple[str, int] = ("127.0.0.1", 8080), *,
                 max_age: int = 900, cache_bytes: int = CACHE_BYTES,
                 limits: Limits = Limits(), routes: Mapping[str, Route] | None = None,
                 access: AccessLog | None = None):
        """Bind ``address`` (port 0 picks a free one) and serve the files under ``root``.

        ``max_age`` is the Cache-Control lifetime in seconds; ``routes`` maps exact paths to
        dynamic answers; ``access`` receives one entry per answer. Raises ``OSError`` when the
        address cannot be bound.
        """
        self.root = Path(root).resolve()
        self.max_age = max_age
        self.cache = FileCache(cache_bytes)
        self.limits = limits
        self.routes = dict(routes or {})
        self.access = access
        self.clock = _Clock()
        self.connections: set[_Connection] = set()
        self.refused = 0     # connections answered 503 (over max_connections)
        self.timed_out = 0   # request heads not complete within header_timeout
        self.loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._running = threading.Event()
        self._done = threading.Event()
        self._done.set()
        self._state_lock = threading.Lock()
        self._shutdown_requested = False
        self._workers = ThreadPoolExecutor(2, thread_name_prefix="wirefeed-route")
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind(address)
            self.socket.listen(limits.backlog)
        except OSError:
            self.socket.close()
            raise
        self.server_address = self.socket.getsockname()

    @property
    def url(self) -> str:
        """The base URL the server answers on, e.g. ``http://127.0.0.1:8080/``."""
        host = self.server_address[0]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.server_address[1]}/"

    # -- running

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Answer requests until :meth:`shutdown`. (``poll_interval`` is accepted for the
        standard library's signature; the loop wakes on the shutdown itself.)"""
        loop = asyncio.new_event_loop()
        with self._state_lock:
            self._done.clear()
            self.loop = loop
            self._stop = asyncio.Event()
            if self._shutdown_requested:
                self._stop.set()
        try:
            listener = loop.run_until_complete(loop.create_server(
                lambda: _Connection(self), sock=self.socket, backlog=self.limits.backlog))
            self._running.set()
            loop.run_until_complete(self._stop.wait())
            listener.close()
            for connection in list(self.connections):
                connection._close(abort=True)
            loop.run_until_complete(asyncio.sleep(0))  # let the transports release their sockets
        finally:
            self._running.clear()
            with self._state_lock:
                self.loop = None
                self._stop = None
                self._shutdown_requested = False
            loop.close()
            self._done.set()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` (from another thread) and wait until it has returned."""
        with self._state_lock:
            self._shutdown_requested = True
            loop, stop = self.loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(stop.set)
        self._done.wait()

    def server_close(self) -> None:
        """Release the listening socket and the worker threads."""
        self.socket.close()
        self._workers.shutdown(wait=False, cancel_futures=True)

    # -- answering

    def answer(self, connection: _Connection, request: Request) -> None:
        """Answer one request on ``connection`` (in the loop's thread)."""
        keep = request.keep_alive and not request.has_body and not self._stop.is_set()
        if request.method not in ("GET", "HEAD"):
            connection._write_simple(405, b"method not allowed\n", {"Allow": "GET, HEAD"},
                                     request, keep)
            return
        route = self.routes.get(request.target.split("?", 1)[0])
        if route is not None:
            self._answer_route(connection, request, route, keep)
            return
        self._answer_file(connection, request, keep)

    def _answer_file(self, connection: _Connection, request: Request, keep: bool) -> None:
        send_body = request.method == "GET"
        path = find_file(self.root, request.target)
        entry = None
        if path is not None:
            try:
                entry = self.cache.get(path)
            except OSError:  # deleted or made unreadable since find_file looked
                entry = None
        if entry is None:
            connection._write_simple(404, b"not found\n", {}, request, keep)
            return
        body, etag = entry.data, entry.etag
        use_gzip = accepts_gzip(request.headers.get("accept-encoding"))
        if use_gzip:
            body, etag = entry.gzipped()
        content_type, vary = entry.content_type, "Accept-Encoding"
        if content_type.split(";", 1)[0] in FEED_XML_TYPES:
            vary = "Accept, Accept-Encoding"
            variant = browser_variant(content_type, request.headers.get("accept"))
            if variant is not None:
                # Another representation of the same bytes: its own validator.
                content_type, etag = variant, etag[:-1] + '-xml"'

        # Origin servers must not claim a modification later than the moment they answer
        # (RFC 9110 8.8.2.1); agency clocks and embargoed items can be ahead of ours.
        modified = min(entry.last_modified.replace(microsecond=0),
                       datetime.now(UTC).replace(microsecond=0))
        headers = [
            ("ETag", etag),
            ("Last-Modified", format_http_date(modified)),
            ("Cache-Control", f"public, max-age={self.max_age}"),
            ("Vary", vary),
        ]
        if not_modified(request.headers, etag, modified):
            connection.write_answer(request, 304, headers, b"", False, keep)
            return
        headers.append(("Content-Type", content_type))
        headers.append(("X-Content-Type-Options", "nosniff"))
        if use_gzip:
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        connection.write_answer(request, 200, headers, body, send_body, keep)

    def _answer_route(self, connection: _Connection, request: Request, route: Route,
                      keep: bool) -> None:
        # Routes read the archive (SQLite, blocking): a worker thread, while this connection
        # waits (its later pipelined requests are answered after, in order).
        connection.waiting = True
        connection._disarm()
        future = self.loop.run_in_executor(self._workers, route)

        def done(task: asyncio.Future) -> None:
            connection.waiting = False
            try:
                result = task.result()
            except Exception:  # noqa: BLE001 (a broken route must not take the server down)
                log.exception("answering %s failed", request.target)
                result = Answer(500, "text/plain; charset=utf-8", b"internal error\n")
            connection.write_answer(request, result.status, [
                ("Content-Type", result.content_type), ("Cache-Control", "no-store"),
                ("Content-Length", str(len(result.body)))], result.body,
                request.method == "GET", keep)
            connection._next()

        future.add_done_callback(done)


# -- running until a signal -----------------------------------------------------------------------


def serve(server: FeedServer, announce: Callable[[str], None] = print) -> None:
    """Run ``server`` in this (main) thread until SIGINT or SIGTERM, then close it."""

    def stop(signum, frame) -> None:
        log.info("%s received, stopping", signal.Signals(signum).name)
        # shutdown() waits for serve_forever() to return, which runs in this very thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    announce(f"serving {server.root} at {server.url} (max-age {server.max_age}s)")
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if server.access is not None:
            server.access.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    announce("stopped")
