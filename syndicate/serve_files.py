"""What the feed server serves: a request target to a file under the feeds folder (never
outside it), its media type and its own date, and the in-memory cache of file bytes and
validators."""

from __future__ import annotations

import collections
import email.utils
import gzip
import hashlib
import json
import mimetypes
import os
import re
import stat
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

from lxml import etree

from syndicate.channel import FEED_FILES, FEED_TYPES


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


#: Feed types browsers show as plain text or offer to download instead of rendering.
FEED_XML_TYPES = frozenset({FEED_TYPES["rss"], FEED_TYPES["atom"]})


def browser_variant(content_type: str, accept: str | None) -> str | None:
    """The type to give a browser that asks for a page, or ``None`` to keep ``content_type``.

    A browser (``Accept`` names ``text/html`` but not the feed's own type) is given an RSS or
    Atom feed as ``application/xml``, which it renders through the feed's XSL stylesheet; feed
    readers, which ask for feed types or ``*/*``, get the feed type as before. Same bytes.
    """
    base = content_type.split(";", 1)[0].strip()
    if base not in FEED_XML_TYPES or not accept:
        return None
    wanted = accept.lower()
    if "text/html" in wanted and base not in wanted:
        return "application/xml; charset=utf-8"
    return None


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
