"""HTTP/1.1 for the feed server: conditional requests and validators, request heads parsed
within limits, answers."""

from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable



UTC = timezone.utc
_ENTITY_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')


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
