"""Serving: the feeds folder over HTTP, read-only (``ingest serve``).

The standard library's :class:`~http.server.ThreadingHTTPServer` answers ``GET`` and ``HEAD`` for
the files :mod:`syndicate.publish` writes (``<edition>/rss.xml``, ``atom.xml``, ``feed.json``, the
same per section, ``index.opml``, ``index.html``) with what a feed reader or a CDN expects:

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

The server takes a folder and its settings (``max_age``, ``cache_bytes``); the ``ingest serve``
command (:mod:`ingest.commands.serve`) builds them from the configuration and handles signals.
"""

from __future__ import annotations

import collections
import email.utils
import gzip
import hashlib
import json
import logging
import mimetypes
import os
import re
import socket
import socketserver
import stat
import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
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


def _printable(text: str, limit: int = 300) -> str:
    # Request targets are attacker-chosen: keep control characters out of the log.
    text = text[:limit]
    return "".join(c if c.isprintable() and c != " " else f"\\x{ord(c):02x}" for c in text)


class FeedRequestHandler(BaseHTTPRequestHandler):
    """Answers one connection's requests (keep-alive) for a :class:`FeedServer`."""

    server: "FeedServer"
    protocol_version = "HTTP/1.1"
    server_version = "wirefeed"
    timeout = 30  # seconds an idle keep-alive connection may hold a thread
    # Headers and body leave in two writes; with Nagle on, the body waits for the reader's
    # delayed ACK of the headers (tens of milliseconds a response on Linux).
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        """The ``Server`` header: the product only, no Python version to fingerprint."""
        return self.server_version

    def do_GET(self) -> None:  # noqa: N802 (the base class dispatches on this name)
        self._serve_file(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve_file(send_body=False)

    def __getattr__(self, name: str):
        # The base class answers 501 to a method it has no do_X for; every method we do not
        # serve gets 405 and the Allow list instead.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self._send(405, b"method not allowed\n", {"Allow": "GET, HEAD",
                                                   "Content-Type": "text/plain; charset=utf-8"})

    def _serve_file(self, send_body: bool) -> None:
        path = find_file(self.server.root, self.path)
        entry = None
        if path is not None:
            try:
                entry = self.server.cache.get(path)
            except OSError:  # deleted or made unreadable since find_file looked
                entry = None
        if entry is None:
            self._send(404, b"not found\n", {"Content-Type": "text/plain; charset=utf-8"},
                       send_body=send_body)
            return
        body, etag = entry.data, entry.etag
        use_gzip = accepts_gzip(self.headers.get("Accept-Encoding"))
        if use_gzip:
            body, etag = entry.gzipped()
        # Origin servers must not claim a modification later than the moment they answer
        # (RFC 9110 8.8.2.1); agency clocks and embargoed items can be ahead of ours.
        now = datetime.now(UTC).replace(microsecond=0)
        modified = min(entry.last_modified.replace(microsecond=0), now)
        headers = {
            "ETag": etag,
            "Last-Modified": format_http_date(modified),
            "Cache-Control": f"public, max-age={self.server.max_age}",
            "Vary": "Accept-Encoding",
        }
        if self._not_modified(etag, modified):
            self._send(304, b"", headers, send_body=False, length=False)
            return
        headers["Content-Type"] = entry.content_type
        headers["X-Content-Type-Options"] = "nosniff"
        if use_gzip:
            headers["Content-Encoding"] = "gzip"
        self._send(200, body, headers, send_body=send_body)

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        tags = self.headers.get_all("If-None-Match")
        if tags:
            return etag_matches(", ".join(tags), etag)
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False  # an unparseable date is ignored (RFC 9110 13.1.3)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return modified <= when

    def _send(self, status: int, body: bytes, headers: dict[str, str], *,
              send_body: bool = True, length: bool = True) -> None:
        # A request body we do not read would be taken for the next request on this connection.
        if self.headers.get("Content-Length", "0").strip() not in ("", "0") or \
                self.headers.get("Transfer-Encoding"):
            self.close_connection = True
        self.send_response_only(status)
        self.send_header("Server", self.version_string())
        self.send_header("Date", self.date_time_string())
        for name, value in headers.items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        if send_body and body:
            self.wfile.write(body)
            sent = len(body)
        log.info("%s %s %d %d", self.command, _printable(self.path), status, sent)

    def log_request(self, code="-", size="-") -> None:
        # Only the base class's own error answers (400, 414, 431 ...) come through here.
        target = getattr(self, "path", None) or getattr(self, "requestline", "") or "-"
        log.info("%s %s %s %s", getattr(self, "command", None) or "-", _printable(target),
                 getattr(code, "value", code), size)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (base class signature)
        log.debug("%s: %s", self.address_string(), format % args)


class FeedServer(ThreadingHTTPServer):
    """A threaded HTTP server for one feeds folder. ``serve_forever()`` to run, ``shutdown()``
    from another thread to stop, ``server_close()`` to release the socket."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, root: Path, address: tuple[str, int] = ("127.0.0.1", 8080), *,
                 max_age: int = 900, cache_bytes: int = CACHE_BYTES):
        """Bind ``address`` (port 0 picks a free one) and serve the files under ``root``.

        ``max_age`` is the Cache-Control lifetime in seconds. Raises ``OSError`` when the
        address cannot be bound.
        """
        self.root = Path(root).resolve()
        self.max_age = max_age
        self.cache = FileCache(cache_bytes)
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, FeedRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can wait on DNS; we never use it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def url(self) -> str:
        """The base URL the server answers on, e.g. ``http://127.0.0.1:8080/``."""
        host = self.server_address[0]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.server_address[1]}/"

    def handle_error(self, request, client_address) -> None:
        # A reader hanging up mid-answer is ordinary; anything else deserves a traceback.
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            log.debug("connection from %s dropped: %s", client_address[0], error)
            return
        log.exception("error answering %s", client_address[0])
