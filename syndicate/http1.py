"""HTTP/1.x over asyncio for :mod:`syndicate.serve`: request heads, answers, the access log and
what one connection may hold (:class:`Limits`).

:class:`Connection` reads request heads (pipelined ones too), enforces the head deadline, the
idle timeout and the connection cap, and writes each answer with the right ``Connection``
header; what to answer is its server's business (``server.answer(connection, request)``, see
:class:`syndicate.serve.FeedServer`). Standard library only.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import queue
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # the server that owns the connections (no import at run time: no cycle)
    from syndicate.serve import FeedServer

log = logging.getLogger("syndicate.serve")


def _printable(text: str, limit: int = 300) -> str:
    # Request lines and headers are attacker-chosen: keep control characters out of the log, and
    # quotes and backslashes escaped so a log line always splits into the same fields.
    text = text[:limit]
    return "".join(c if (c.isprintable() and c not in '"\\') or c == " " else f"\\x{ord(c):02x}"
                   for c in text)


# -- requests and answers -----------------------------------------------------------------------


class BadRequest(Exception):
    """A request head this server will not answer normally: answered with ``status``, then the
    connection is closed."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


class Headers:
    """Request header fields by lower-case name, each with every value it was sent with."""

    __slots__ = ("_fields",)

    def __init__(self, fields: dict[str, list[str]]):
        self._fields = fields

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of ``name`` (lower case), or ``default``."""
        values = self._fields.get(name)
        return values[0] if values else default

    def get_all(self, name: str) -> list[str]:
        """Every value of ``name`` (lower case), in the order sent."""
        return self._fields.get(name, [])

    def tokens(self, name: str) -> set[str]:
        """The comma-separated tokens of ``name``, lower case (``Connection: close, Upgrade``)."""
        return {t.strip().lower() for v in self.get_all(name) for t in v.split(",") if t.strip()}


@dataclass(frozen=True)
class Request:
    """One parsed request head."""

    method: str
    target: str
    version: str  # "HTTP/1.1" or "HTTP/1.0"
    headers: Headers
    line: str  # the request line as sent, for the access log

    @property
    def keep_alive(self) -> bool:
        """Whether the client asks to keep the connection: HTTP/1.1 unless ``Connection:
        close``; HTTP/1.0 only with ``Connection: keep-alive`` (RFC 9112 9.3)."""
        tokens = self.headers.tokens("connection")
        if self.version == "HTTP/1.1":
            return "close" not in tokens
        return "keep-alive" in tokens and "close" not in tokens

    @property
    def has_body(self) -> bool:
        """Whether a body follows the head (never read: the connection is closed after)."""
        return (self.headers.get("content-length", "0").strip() not in ("", "0")
                or self.headers.get("transfer-encoding") is not None)


_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
#: Header fields a request head may carry (the standard library's limit).
MAX_HEADERS = 100
#: Longest request line (414 past it; nginx's default buffer for one is 8 KiB too).
MAX_REQUEST_LINE = 8192


def parse_head(head: bytes) -> Request:
    """Parse a request head (without its final empty line). Raises :class:`BadRequest`."""
    lines = head.split(b"\n")
    # Lines end in CRLF; a bare LF is accepted (RFC 9112 2.2). Empty lines before the request
    # line are ignored (RFC 9112 2.2).
    while lines and not lines[0].strip(b"\r"):
        del lines[0]
    if not lines:
        raise BadRequest(400, "empty request")
    line = lines[0].rstrip(b"\r")
    if len(line) > MAX_REQUEST_LINE:
        raise BadRequest(414, "request line too long")
    try:
        text = line.decode("latin-1")
        method, target, version = text.split(" ")
    except ValueError:
        raise BadRequest(400, "bad request line") from None
    if not _TOKEN.match(method) or not target:
        raise BadRequest(400, "bad request line")
    if not version.startswith("HTTP/") or not re.fullmatch(r"HTTP/\d\.\d", version):
        raise BadRequest(400, "bad HTTP version")
    if version >= "HTTP/2.0":
        raise BadRequest(505, "HTTP version not supported")
    if version < "HTTP/1.0":
        raise BadRequest(400, "bad HTTP version")
    if len(lines) - 1 > MAX_HEADERS:
        raise BadRequest(431, "too many header fields")
    fields: dict[str, list[str]] = {}
    for raw in lines[1:]:
        raw = raw.rstrip(b"\r")
        if raw[:1] in (b" ", b"\t"):  # obsolete line folding (RFC 9112 5.2)
            raise BadRequest(400, "folded header field")
        name, colon, value = raw.decode("latin-1").partition(":")
        if not colon or not _TOKEN.match(name):
            raise BadRequest(400, "bad header field")
        fields.setdefault(name.lower(), []).append(value.strip(" \t"))
    return Request(method, target, "HTTP/1.1" if version == "HTTP/1.1" else "HTTP/1.0",
                   Headers(fields), text)


#: Reason phrases of the statuses this server sends.
REASONS = {200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found",
           405: "Method Not Allowed", 408: "Request Timeout", 414: "URI Too Long",
           431: "Request Header Fields Too Large", 500: "Internal Server Error",
           503: "Service Unavailable", 505: "HTTP Version Not Supported"}


@dataclass(frozen=True)
class Answer:
    """What a dynamic route (``/healthz``, ``/metrics``) answers: status, media type, body."""

    status: int
    content_type: str
    body: bytes


#: A dynamic route: called in a worker thread for each GET or HEAD of its path.
Route = Callable[[], Answer]


class Clock:
    """The ``Date`` header, formatted once a second."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def date(self) -> str:
        now = int(time.time())
        if now != self._second:
            self._text = email.utils.formatdate(now, usegmt=True)
            self._second = now
        return self._text


# -- the access log -----------------------------------------------------------------------------


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
access_log = logging.getLogger("syndicate.serve.access")


def combined_log_line(host: str, when: float, request_line: str, status: int, size: int,
                      referer: str | None, user_agent: str | None) -> str:
    """One line of the Combined Log Format (Apache's ``combined``, nginx's default), UTC."""
    t = time.gmtime(when)
    stamp = (f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year}:"
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


class Connection(asyncio.Protocol):
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
