"""HTTP transport: one polite GET with validators, caps and clear errors.

The caller owns the ``httpx.Client`` (made by :func:`make_client`), so tests hand in a client
aimed at a local server and the daemon reuses connections. Every failure becomes a
:class:`FetchError` with a one-line reason, the HTTP status when there was one, and the
``Retry-After`` delay when the server gave one.
"""

from __future__ import annotations

import email.utils
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx

from ingest.errors import FetchError

log = logging.getLogger(__name__)

USER_AGENT = "wirefeed/0.1 (+news wire ingestion; python-httpx)"
ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
          "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5")


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


def make_client(*, timeout: float = 20.0, max_redirects: int = 5,
                user_agent: str | None = None) -> httpx.Client:
    """An ``httpx.Client`` with wirefeed's User-Agent, timeouts and redirect limit.

    Connect timeout is capped at 10 s; read/write/pool use ``timeout``. gzip and deflate are
    always accepted, brotli when the ``brotli`` package is installed (httpx decodes it then).
    """
    encodings = "gzip, deflate"
    try:
        import brotli  # noqa: F401

        encodings += ", br"
    except ImportError:
        pass
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=True,
        max_redirects=max_redirects,
        headers={"User-Agent": user_agent or USER_AGENT, "Accept": ACCEPT,
                 "Accept-Encoding": encodings},
        trust_env=False,
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date), or ``None``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max((when - now).total_seconds(), 0.0)


def fetch(client: httpx.Client, url: str, *, etag: str | None = None,
          last_modified: str | None = None, max_bytes: int = 20_000_000,
          deadline: float | None = None, source: str | None = None) -> Fetched:
    """GET ``url`` with conditional headers; the body is read in chunks up to ``max_bytes``.

    ``deadline`` (seconds) bounds the whole transfer, so a server trickling bytes cannot hold a
    run. Returns :class:`Fetched` (``not_modified`` for a 304). Raises ``FetchError``.
    """
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = time.monotonic()
    try:
        with client.stream("GET", url, headers=headers) as response:
            redirects = tuple(str(r.url) for r in response.history)
            permanent = None
            for hop in response.history:
                if hop.status_code in (301, 308) and hop.headers.get("location"):
                    permanent = str(hop.url.join(hop.headers["location"]))
            if response.status_code == 304:
                return Fetched(b"", _headers(response), str(response.url), 304,
                               time.monotonic() - started, True, permanent, redirects)
            if response.status_code >= 400:
                raise FetchError(
                    f"HTTP {response.status_code} {response.reason_phrase}".strip(),
                    status=response.status_code,
                    retry_after=parse_retry_after(response.headers.get("retry-after")),
                    source=source, where=url)
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(
                    f"response too large: Content-Length {int(declared):,} bytes exceeds the "
                    f"{max_bytes:,}-byte cap", status=response.status_code, source=source, where=url)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"response too large: more than {max_bytes:,} bytes",
                                     status=response.status_code, source=source, where=url)
                if deadline is not None and time.monotonic() - started > deadline:
                    raise FetchError(f"transfer took longer than {deadline:g}s",
                                     status=response.status_code, source=source, where=url)
                chunks.append(chunk)
            return Fetched(b"".join(chunks), _headers(response), str(response.url),
                           response.status_code, time.monotonic() - started, False, permanent,
                           redirects)
    except FetchError:
        raise
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


def _headers(response: httpx.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}
