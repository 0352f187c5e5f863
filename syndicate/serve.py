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
import collections
import contextlib
import email.utils
import gzip
import hashlib
import json
import logging
import mimetypes
import os
import queue
import re
import signal
import socket
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import unquote_to_bytes, urlsplit

from lxml import etree

from syndicate.channel import FEED_FILES, FEED_TYPES


log = logging.getLogger(__name__)

UTC = timezone.utc

#: Media types by file name first (the publisher's fixed names), then by extension.
NAME_TYPES = {FEED_FILES[fmt]: f"{FEED_TYPES[fmt]}; charset=utf-8" for fmt in FEED_FILES}
EXTENSION_TYPES = {
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}

#: Default size of the in-memory file cache (bytes of bodies, identity and gzip together).
CACHE_BYTES = 64 * 1024 * 1024

_ENTITY_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')
_ATOM = "{http://www.w3.org/2005/Atom}"
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                              huge_tree=False, remove_blank_text=False)


# -- what to serve -----------------------------------------------------------------------------


def find_file(root: Path, target: str) -> Path | None:
    """Map a request target to a regular file inside ``root``; None when there is none to serve.

    ``root`` must already be resolved (no symlinks in it). ``target`` is the raw request target
    (``/fr-fr/rss.xml?x=1`` or an absolute URL); its query is ignored. A directory URL ending in
    ``/`` serves the directory's ``index.html``. None for anything else: ``.`` and ``..`` segments
    (also percent-encoded), hidden names, empty segments, backslashes, NUL bytes, text that is not
    UTF-8, directories, and symlinks whose target lies outside ``root``. Never raises.
    """
    if target.startswith("/"):
        raw = target.split("?", 1)[0].split("#", 1)[0]
    elif re.match(r"^https?://", target, re.IGNORECASE):
        raw = urlsplit(target).path or "/"
    else:  # "*", "host:port" and other forms name no file
        return None
    decoded = unquote_to_bytes(raw)
    if b"\x00" in decoded or b"\\" in decoded:
        return None
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return None
    segments = text.split("/")[1:]
    wants_index = segments[-1] == ""
    if wants_index:
        segments = segments[:-1]
    # Hidden names cover "." and ".." and the publisher's ".rss.xml.XXXX.tmp" files mid-write.
    if any(not segment or segment.startswith(".") for segment in segments):
        return None
    if wants_index:
        segments.append("index.html")
    # One lstat per segment below the root; the full (slow, pure-Python) symlink resolution only
    # when a segment is a link. The segments are already free of "." and "..".
    candidate = str(root)
    linked = False
    try:
        for segment in segments:
            candidate = os.path.join(candidate, segment)
            info = os.lstat(candidate)
            linked = linked or stat.S_ISLNK(info.st_mode)
        if linked:
            candidate = os.path.realpath(candidate, strict=True)
            if os.path.commonpath([candidate, str(root)]) != str(root):
                return None
            info = os.stat(candidate)
    except (OSError, ValueError):  # missing, unreadable, a symlink loop, a name too long
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return Path(candidate)


def media_type(path: Path) -> str:
    """Return the ``Content-Type`` for a served file: feed names first, then the extension."""
    if path.name in NAME_TYPES:
        return NAME_TYPES[path.name]
    suffix = path.suffix.lower()
    if suffix in EXTENSION_TYPES:
        return EXTENSION_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def find_feed_date(data: bytes, name: str) -> datetime | None:
    """Return a feed document's own date (UTC), None when it gives none or cannot be read.

    RSS: the channel's ``lastBuildDate``, else its ``pubDate``. Atom: the feed's ``updated``.
    JSON Feed: ``_wirefeed.updated`` (the instant the RSS and Atom renderings carry), else the
    newest item's ``date_modified`` (else ``date_published``). Other names: None.
    The Unix epoch (what the renderers write for an empty feed) counts as no date.
    """
    try:
        if name.endswith(".json"):
            found = _json_feed_date(data)
        elif name.endswith(".xml"):
            found = _xml_feed_date(data)
        else:
            return None
    except (ValueError, TypeError, AttributeError, etree.XMLSyntaxError):
        return None
    if found is None:
        return None
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    found = found.astimezone(UTC)
    return found if found.timestamp() > 0 else None


def _xml_feed_date(data: bytes) -> datetime | None:
    root = etree.fromstring(data, _XML_PARSER)
    if root.tag == f"{_ATOM}feed":
        text = root.findtext(f"{_ATOM}updated")
        return datetime.fromisoformat(text.strip()) if text else None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            return None
        for tag in ("lastBuildDate", "pubDate"):
            text = channel.findtext(tag)
            if text and text.strip():
                return email.utils.parsedate_to_datetime(text.strip())
    return None


def _json_feed_date(data: bytes) -> datetime | None:
    document = json.loads(data)
    extension = document.get("_wirefeed")
    if isinstance(extension, dict) and isinstance(extension.get("updated"), str):
        value = datetime.fromisoformat(extension["updated"])
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    newest = None
    for item in document.get("items") or ():
        text = item.get("date_modified") or item.get("date_published")
        if isinstance(text, str) and text:
            value = datetime.fromisoformat(text)
            value = value if value.tzinfo else value.replace(tzinfo=UTC)
            newest = value if newest is None or value > newest else newest
    return newest


# -- the file cache ----------------------------------------------------------------------------


def _etag(data: bytes, suffix: str = "") -> str:
    return f'"{hashlib.sha256(data).hexdigest()}{suffix}"'


@dataclass
class CachedFile:
    """One version of a served file: its bytes, validators and (once asked for) its gzip body."""

    data: bytes
    etag: str
    last_modified: datetime
    content_type: str
    gzip_data: bytes | None = field(default=None, repr=False)
    gzip_etag: str | None = None

    def gzipped(self) -> tuple[bytes, str]:
        """Return the gzip body and its ETag, compressing on first use.

        Two threads may both compress the first time; they produce the same bytes (no name, no
        mtime in the header), so either result is right.
        """
        if self.gzip_data is None:
            body = gzip.compress(self.data, compresslevel=6, mtime=0)
            self.gzip_etag = self.etag[:-1] + '-gz"'
            self.gzip_data = body
        return self.gzip_data, self.gzip_etag  # type: ignore[return-value]

    @property
    def size(self) -> int:
        """Bytes held in memory."""
        return len(self.data) + len(self.gzip_data or b"")


class FileCache:
    """Served files by path, reloaded when their (inode, mtime_ns, size) changes; LRU by bytes."""

    def __init__(self, max_bytes: int = CACHE_BYTES):
        self.max_bytes = max_bytes
        self._entries: collections.OrderedDict[Path, tuple[tuple[int, int, int], CachedFile]] = (
            collections.OrderedDict())
        self._lock = threading.Lock()
        self.loads = 0  # disk reads, for tests and the benchmark

    def get(self, path: Path) -> CachedFile:
        """Return the current version of ``path``. Raises ``OSError`` when it cannot be read."""
        info = os.stat(path)
        key = (info.st_ino, info.st_mtime_ns, info.st_size)
        with self._lock:
            hit = self._entries.get(path)
            if hit is not None and hit[0] == key:
                self._entries.move_to_end(path)
                return hit[1]
        # Read through one descriptor and key the entry by *its* stat, so a rename between the
        # stat above and the open cannot pair old validators with new bytes.
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = handle.read()
        key = (info.st_ino, info.st_mtime_ns, info.st_size)
        when = find_feed_date(data, path.name) or datetime.fromtimestamp(info.st_mtime, UTC)
        entry = CachedFile(data=data, etag=_etag(data), last_modified=when,
                           content_type=media_type(path))
        with self._lock:
            self.loads += 1
            self._entries[path] = (key, entry)
            self._entries.move_to_end(path)
            self._evict()
        return entry

    def _evict(self) -> None:
        total = sum(entry.size for _, entry in self._entries.values())
        while total > self.max_bytes and len(self._entries) > 1:
            _, (_, dropped) = self._entries.popitem(last=False)
            total -= dropped.size


# -- HTTP --------------------------------------------------------------------------------------


def accepts_gzip(header: str | None) -> bool:
    """Return True when an ``Accept-Encoding`` value allows gzip (``gzip``, ``x-gzip`` or ``*``
    with a q-value above 0, an explicit gzip entry taking precedence over ``*``)."""
    if not header:
        return False
    explicit: float | None = None
    wildcard: float | None = None
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if coding in ("gzip", "x-gzip"):
            explicit = quality if explicit is None else max(explicit, quality)
        elif coding == "*":
            wildcard = quality
    if explicit is not None:
        return explicit > 0
    return bool(wildcard and wildcard > 0)


def etag_matches(header: str, etag: str) -> bool:
    """Return True when an ``If-None-Match`` value names ``etag`` (weak comparison) or is ``*``.

    RFC 9110 13.1.2 and 8.8.3.2: ``If-None-Match`` compares weakly, so ``W/"x"`` matches ``"x"``
    (a proxy such as nginx's gzip weakens the strong tags it passes on).
    """
    if header.strip() == "*":
        return True
    position = 0
    while position < len(header):
        match = _ENTITY_TAG.match(header, position)
        if match is None:
            return False  # malformed: treat as no match and send the full body
        if f'"{match.group(2)}"' == etag.removeprefix("W/"):
            return True
        position = match.end()
    return False


def format_http_date(value: datetime) -> str:
    """``value`` as an HTTP date (RFC 9110 IMF-fixdate, in GMT)."""
    return email.utils.format_datetime(value.astimezone(UTC), usegmt=True)


def not_modified(headers: "Headers", etag: str, modified: datetime) -> bool:
    """Whether a request's validators let it have ``304 Not Modified`` (RFC 9110 13.2.2):
    ``If-None-Match`` when present (see :func:`etag_matches`), else ``If-Modified-Since``."""
    tags = headers.get_all("if-none-match")
    if tags:
        return etag_matches(", ".join(tags), etag)
    since = headers.get("if-modified-since")
    if not since:
        return False
    try:
        when = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False  # an unparseable date is ignored (RFC 9110 13.1.3)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return modified <= when


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


class _Clock:
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
        # Origin servers must not claim a modification later than the moment they answer
        # (RFC 9110 8.8.2.1); agency clocks and embargoed items can be ahead of ours.
        modified = min(entry.last_modified.replace(microsecond=0),
                       datetime.now(UTC).replace(microsecond=0))
        headers = [
            ("ETag", etag),
            ("Last-Modified", format_http_date(modified)),
            ("Cache-Control", f"public, max-age={self.max_age}"),
            ("Vary", "Accept-Encoding"),
        ]
        if not_modified(request.headers, etag, modified):
            connection.write_answer(request, 304, headers, b"", False, keep)
            return
        headers.append(("Content-Type", entry.content_type))
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
