"""HTTP transport: one polite GET with validators, caps, host limits and clear errors.

The caller owns the ``httpx.Client`` (made by :func:`make_client`), so tests hand in a client
aimed at a local server and the daemon reuses connections. Every failure becomes a
:class:`FetchError` with a one-line reason, the HTTP status when there was one, and the
``Retry-After`` delay when the server gave one.

Politeness, in one place:

* conditional GET (``If-None-Match`` / ``If-Modified-Since``) from the stored validators;
* :func:`poll_hint` reads how long the answer stays fresh (``Cache-Control: max-age``,
  ``Expires``, an RSS ``<ttl>``), which the pipeline uses to poll *later* than the schedule,
  never sooner;
* :class:`HostLimits` bounds concurrent requests overall and per host, shared by every thread
  of a run or of the daemon (feeds and full-text pages alike);
* caps: a declared ``Content-Length`` over the cap is refused before reading, a body is cut at
  the cap, a transfer is cut at its deadline however slowly the bytes trickle, redirects are
  limited (a loop ends as one error), and a permanent redirect is reported, not followed into
  the configuration.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Iterator, Mapping
from urllib.parse import urlsplit

import httpx

from ingest.decoding import DecodingFailed, decoded, decodes_brotli
from ingest.errors import FetchError
from ingest.netguard import OPERATOR, Guard, Refused
from ingest.transport import guarded_transport

log = logging.getLogger(__name__)

USER_AGENT = "wirefeed/0.1 (+news wire ingestion; python-httpx)"
ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
          "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5")
ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"

#: How much of a feed :func:`channel_ttl_seconds` reads for the channel's ``<ttl>``.
CHANNEL_HEAD_BYTES = 65536

# A hint longer than a week is a misconfigured server, not a wish to hear from us next month.
MAX_HINT = 7 * 86400.0

#: How much of an error answer's body (status >= 400, or a 3xx without a usable Location) is
#: read, undecoded, so its connection goes back to the pool; a longer one closes it.
ERROR_BODY_BYTES = 65536
#: How long each read of that body may wait: a server slow to send it has its connection
#: closed (the client's read timeout would let it hold the fetching thread for many seconds).
ERROR_BODY_WAIT = 0.5
#: The request extension carrying when (``time.monotonic()``) the whole fetch must end; httpx
#: copies a request's extensions to its redirect hops.
DEADLINE = "wirefeed.deadline"


@dataclass(frozen=True)
class Fetched:
    """One answer: the body (empty for a 304), its headers and final URL."""

    data: bytes
    headers: dict[str, str]
    url: str
    status: int
    elapsed: float
    not_modified: bool = False
    permanent_redirect: str | None = None
    redirects: tuple[str, ...] = field(default=())

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case (``""`` when absent)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def accepted_encodings() -> str:
    """The ``Accept-Encoding`` value: gzip and deflate, plus br when brotli (1.2 or later, which
    decodes in bounded pieces) is installed."""
    return "gzip, deflate, br" if decodes_brotli() else "gzip, deflate"


def make_client(*, timeout: float = 20.0, max_redirects: int = 5,
                user_agent: str | None = None, max_connections: int = 20,
                guard: Guard | None = None) -> httpx.Client:
    """An ``httpx.Client`` with wirefeed's User-Agent, timeouts, redirect limit and SSRF guard.

    ``timeout`` bounds each read, write and wait for a pooled connection; the connect timeout
    is capped at 10 s (a host that does not answer a SYN in 10 s is down). The whole transfer is
    bounded separately by :func:`fetch`'s ``deadline``. The client is safe to share between
    threads. gzip and deflate are always accepted, brotli when ``brotli`` is installed.

    Every request goes through :class:`~ingest.transport.GuardedTransport`: only the first hop of
    a URL :func:`fetch` is told the operator wrote (``trusted=True``) skips the destination
    check; ``guard`` carries ``allow_private`` (``None``: nothing private is allowed).
    """
    limits = httpx.Limits(max_connections=max_connections,
                          max_keepalive_connections=max_connections)
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=True,
        max_redirects=max_redirects,
        # https transports are built with the CA bundle on the first https request.
        transport=guarded_transport(guard, limits),
        headers={"User-Agent": user_agent or USER_AGENT, "Accept": ACCEPT,
                 "Accept-Encoding": accepted_encodings()},
        trust_env=False,
        event_hooks={"response": [_bound_redirect_body]},
    )


class BodyCut(Exception):
    """A redirect's or an error answer's body longer than :data:`ERROR_BODY_BYTES`, or still
    coming at the fetch's deadline."""


def _bounded_raw(chunks: Iterable[bytes], ends_at: float | None, what: str) -> Iterator[bytes]:
    """``chunks`` passed on until they add up to more than :data:`ERROR_BODY_BYTES` or come
    after ``ends_at`` (``time.monotonic()``); then :class:`BodyCut` (``what`` names the body)."""
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > ERROR_BODY_BYTES:
            raise BodyCut(f"{what} over {ERROR_BODY_BYTES:,} bytes")
        if ends_at is not None and time.monotonic() > ends_at:
            raise BodyCut(f"{what} still coming at the deadline")
        yield chunk


class _BoundedBody(httpx.SyncByteStream):
    """A redirect answer's raw body, cut (by raising) at a size and a time."""

    def __init__(self, inner: httpx.SyncByteStream, ends_at: float | None):
        self._inner = inner
        self._ends_at = ends_at

    def __iter__(self) -> Iterator[bytes]:
        return _bounded_raw(self._inner, self._ends_at, "redirect answer's body")

    def close(self) -> None:
        self._inner.close()


def _bound_redirect_body(response: httpx.Response) -> None:
    """Bound what httpx reads of a redirect answer before it follows the Location.

    httpx reads a redirect's body whole, and decoded, with no cap: an endless chunked body held
    the fetching thread past any deadline, and a compressed one could fill memory. Its raw bytes
    are read here up to :data:`ERROR_BODY_BYTES` and the fetch's deadline, and not decoded
    (nobody reads them).
    """
    if not response.has_redirect_location:
        return
    response.headers.pop("content-encoding", None)
    response.stream = _BoundedBody(response.stream, response.request.extensions.get(DEADLINE))


def host_of(url: str) -> str:
    """The ``host[:port]`` a URL talks to, lower case (``""`` for a URL without one)."""
    try:
        parts = urlsplit(url)
        return (parts.netloc.rsplit("@", 1)[-1] or "").lower()
    except ValueError:
        return ""


class HostLimits:
    """At most ``total`` requests at once, and at most ``per_host`` to any one host.

    One instance is shared by every thread of a run (or of the daemon), so twenty sources on
    the same agency host never open twenty connections to it at once.
    """

    def __init__(self, total: int = 8, per_host: int = 2):
        self.total = max(int(total), 1)
        self.per_host = max(int(per_host), 1)
        self._all = threading.BoundedSemaphore(self.total)
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.BoundedSemaphore] = {}

    def _host(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            semaphore = self._hosts.get(host)
            if semaphore is None:
                semaphore = self._hosts[host] = threading.BoundedSemaphore(self.per_host)
            return semaphore

    @contextlib.contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold one request slot for ``url``'s host (and one of the global ones) for the block."""
        host = self._host(host_of(url))
        # Host first: a thread waiting on a busy host must not sit on a global slot meanwhile.
        with host, self._all:
            yield


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date), or ``None``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_HINT)
    when = parse_http_date(value)
    if when is None:
        return None
    now = now or datetime.now(timezone.utc)
    return min(max((when - now).total_seconds(), 0.0), MAX_HINT)


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP date header's value as an aware datetime; ``None`` when absent or unreadable."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when


_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:,|$)", re.I)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\b", re.I)
_TTL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?ttl\s*>\s*(\d+)\s*</(?:[A-Za-z_][\w.-]*:)?ttl\s*>", re.I)
_FIRST_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]", re.I)


def cache_lifetime(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds the answer stays fresh per ``Cache-Control: max-age`` or ``Expires``, or ``None``.

    ``max-age`` wins over ``Expires`` (RFC 9111); ``Expires`` counts from the server's ``Date``
    when given (clocks disagree), else from ``now``. ``no-cache``/``no-store`` give ``None``.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    control = lowered.get("cache-control", "")
    if _NO_CACHE.search(control):
        return None
    if (match := _MAX_AGE.search(control)):
        return min(float(match.group(1)), MAX_HINT)
    expires = lowered.get("expires")
    if expires is not None:
        when = parse_http_date(expires)
        if when is None:
            return 0.0  # "Expires: 0" and other junk mean "already stale" (RFC 9111 5.3)
        base = parse_http_date(lowered.get("date")) or now or datetime.now(timezone.utc)
        return min(max((when - base).total_seconds(), 0.0), MAX_HINT)
    return None


def channel_ttl_seconds(data: bytes) -> float | None:
    """Seconds from an RSS channel's ``<ttl>`` (minutes), or ``None`` when there is none.

    Only the channel head (before the first item) is read, so an item's stray ``<ttl>`` is not
    taken for the channel's.
    """
    head = data[:CHANNEL_HEAD_BYTES]
    first = _FIRST_ITEM.search(head)
    if first:
        head = head[:first.start()]
    match = _TTL.search(head)
    if not match:
        return None
    return min(float(match.group(1)) * 60.0, MAX_HINT)


def poll_hint(fetched: Fetched, now: datetime | None = None) -> tuple[float, str] | None:
    """The longest "do not come back before" the answer states, as ``(seconds, why)``.

    ``why`` is ``"max-age"``, ``"expires"`` or ``"ttl"``. ``None`` when the answer states none.
    The pipeline takes the later of this and the schedule: a hint never makes a poll sooner.
    """
    hints: list[tuple[float, str]] = []
    lifetime = cache_lifetime(fetched.headers, now)
    if lifetime:
        control = fetched.headers.get("cache-control", "")
        hints.append((lifetime, "max-age" if _MAX_AGE.search(control) else "expires"))
    if fetched.data and (ttl := channel_ttl_seconds(fetched.data)):
        hints.append((ttl, "ttl"))
    return max(hints) if hints else None


def fetch(client: httpx.Client, url: str, *, etag: str | None = None,
          last_modified: str | None = None, max_bytes: int = 20_000_000,
          deadline: float | None = None, source: str | None = None,
          accept: str | None = None, limits: HostLimits | None = None,
          trusted: bool = False) -> Fetched:
    """GET ``url`` with conditional headers; the body is read in chunks up to ``max_bytes``.

    ``deadline`` (seconds) bounds the whole transfer, so a server trickling bytes cannot hold a
    run (it is checked as each chunk arrives; a silent server is cut by the client's read
    timeout). ``accept`` overrides the ``Accept`` header; ``limits`` holds a host slot for the
    request. Returns :class:`Fetched` (``not_modified`` for a 304). Raises ``FetchError``.

    ``trusted`` says the operator wrote ``url`` (a source's ``url``/``urls``): its first hop skips
    the destination check; redirect hops never do. Without it (content-derived URLs) every hop
    is checked (:mod:`ingest.netguard`), and a refusal is a ``FetchError`` whose reason starts
    with ``refused:``.
    """
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if accept:
        headers["Accept"] = accept
    slot = limits.slot(url) if limits is not None else contextlib.nullcontext()
    with slot:
        fetched = _get(client, url, headers, max_bytes, deadline, source, trusted)
    log.debug("[%s] GET %s: %d, %d bytes in %.0f ms", source or "-", url, fetched.status,
              len(fetched.data), fetched.elapsed * 1000)
    return fetched


def _get(client: httpx.Client, url: str, headers: dict[str, str], max_bytes: int,
         deadline: float | None, source: str | None, trusted: bool = False) -> Fetched:
    started = time.monotonic()
    extensions: dict = {OPERATOR: url} if trusted else {}
    if deadline is not None:
        extensions[DEADLINE] = started + deadline
    try:
        with client.stream("GET", url, headers=headers, extensions=extensions) as response:
            redirects = tuple(str(r.url) for r in response.history)
            permanent = None
            for hop in response.history:
                if hop.status_code in (301, 308) and hop.headers.get("location"):
                    permanent = str(hop.url.join(hop.headers["location"]))
            if response.status_code == 304:
                # Its (empty) body read to the end, the connection goes back to the pool: left
                # unread, it was closed, and every 304 of a rerun paid a new connection (a
                # TLS handshake over https) to the host (bench/README.md).
                response.read()
                return Fetched(b"", _headers(response), str(response.url), 304,
                               time.monotonic() - started, True, permanent, redirects)
            if response.status_code >= 400:
                _drain_error_body(response)
                raise FetchError(
                    f"HTTP {response.status_code} {response.reason_phrase}".strip(),
                    status=response.status_code,
                    retry_after=parse_retry_after(response.headers.get("retry-after")),
                    source=source, where=url)
            if 300 <= response.status_code < 400:
                _drain_error_body(response)
                raise FetchError(f"HTTP {response.status_code} redirect without a usable Location",
                                 status=response.status_code, source=source, where=url)
            declared = response.headers.get("content-length", "").strip()
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(
                    f"response too large: Content-Length {int(declared):,} bytes exceeds the "
                    f"{max_bytes:,}-byte cap", status=response.status_code, source=source, where=url)
            chunks: list[bytes] = []
            size = 0
            # Decoded here, in bounded pieces, not by httpx (a compression bomb: ingest.decoding).
            for chunk in decoded(response.iter_raw(), response.headers.get("content-encoding")):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"response too large: more than {max_bytes:,} bytes",
                                     status=response.status_code, source=source, where=url)
                if deadline is not None and time.monotonic() - started > deadline:
                    raise FetchError(f"transfer took longer than {deadline:g}s (body too slow)",
                                     status=response.status_code, source=source, where=url)
                chunks.append(chunk)
            return Fetched(b"".join(chunks), _headers(response), str(response.url),
                           response.status_code, time.monotonic() - started, False, permanent,
                           redirects)
    except FetchError:
        raise
    except BodyCut as exc:
        raise FetchError(str(exc), source=source, where=url) from None
    except DecodingFailed as exc:
        raise FetchError(f"cannot decode the response body: {exc}", source=source,
                         where=url) from None
    except Refused as exc:
        hop = f"redirect to {exc.url}: " if exc.url and exc.url != str(httpx.URL(url)) else ""
        log.info("[%s] refused %s: %s%s", source or "-", url, hop, exc.reason)
        raise FetchError(f"refused: {hop}{exc.reason}", source=source, where=url) from None
    except httpx.TooManyRedirects:
        raise FetchError("too many redirects (redirect loop?)", source=source, where=url) from None
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out ({type(exc).__name__})", source=source, where=url) from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL: {exc}", source=source, where=url) from None
    except httpx.UnsupportedProtocol as exc:
        raise FetchError(f"unsupported URL: {exc}", source=source, where=url) from None
    except httpx.DecodingError as exc:
        raise FetchError(f"cannot decode the response body: {exc}", source=source,
                         where=url) from None
    except httpx.HTTPError as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise FetchError(f"{type(exc).__name__}: {reason}", source=source, where=url) from None
    except ValueError as exc:
        # httpx lets a few malformed URLs through as ValueError (a port out of range).
        raise FetchError(f"invalid URL: {exc}", source=source, where=url) from None


def _drain_error_body(response: httpx.Response) -> None:
    """Read a short error body to its end so the connection goes back to the pool.

    Left unread, httpcore closes the connection (its HTTP/1.1 cycle unfinished), and the next
    source on the same host pays a new one (a TLS handshake over https). Only
    :data:`ERROR_BODY_BYTES` are read, raw (a compressed error body is not inflated), each read
    waiting :data:`ERROR_BODY_WAIT` at most and all within the fetch's deadline; a longer,
    slower or broken body is left, and leaving the stream closes its connection as before.
    Never raises.
    """
    # httpcore takes the read timeout from the request's extensions when the body's first read
    # starts, so a shorter one set here bounds each wait for the error body only.
    timeouts = dict(response.request.extensions.get("timeout") or {})
    timeouts["read"] = min(timeouts.get("read") or ERROR_BODY_WAIT, ERROR_BODY_WAIT)
    response.request.extensions["timeout"] = timeouts
    with contextlib.suppress(httpx.HTTPError, BodyCut):
        for _ in _bounded_raw(response.iter_raw(), response.request.extensions.get(DEADLINE),
                              "error answer's body"):
            pass


def _headers(response: httpx.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}
