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
``max_connections`` get 503, and the listen backlog holds bursts of new connections (the
protocol side lives in :mod:`syndicate.http1`). Requests are answered in the loop's thread from
the cache; dynamic routes (``/healthz``, ``/metrics``, given by the caller) run in worker
threads, and access-log lines (Combined Log Format) are written by a thread of their own
(:class:`AccessLog`).

The server takes a folder and its settings; the ``ingest serve`` command
(:mod:`ingest.commands.serve`, with :mod:`ingest.serving`) builds them from the configuration
and handles signals.
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
import re
import signal
import socket
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import unquote_to_bytes, urlsplit

from lxml import etree

from syndicate.channel import FEED_FILES, FEED_TYPES
from syndicate.http1 import (  # noqa: F401 (re-exported: the server's public names)
    REASONS, AccessLog, Answer, BadRequest, Clock, Connection, Headers, Limits, Request, Route,
    access_log, combined_log_line, parse_head,
)


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
        self.clock = Clock()
        self.connections: set[Connection] = set()
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
                lambda: Connection(self), sock=self.socket, backlog=self.limits.backlog))
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

    def answer(self, connection: Connection, request: Request) -> None:
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

    def _answer_file(self, connection: Connection, request: Request, keep: bool) -> None:
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

    def _answer_route(self, connection: Connection, request: Request, route: Route,
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
