"""Full text for feed entries: fetch each new or changed entry's page and merge it in.

Many agency feeds carry a teaser; the article page carries the story. For a source with
``fulltext = true`` the pipeline hands the feed's records to :func:`complete`, which

* skips entries already archived with the same guid and content hash (no page fetch at all);
* fetches the remaining entries' links through one :class:`PageFetcher` per run: a small thread
  pool, the run's :class:`~ingest.fetch.HostLimits`, a URL cache (two entries pointing at the
  same page cost one request) and the ``page_max_bytes`` cap;
* once all of them are in, finds the site's names that the ``<title>`` texts of several pages
  of one host share (:func:`normalize.page.site_names_by_host`, as page sources do: a site
  that declares no ``og:site_name`` still prints its name in every title, and often gives it
  as the author), then parses each page with ``normalize.parse_bytes(data, "page", url,
  headers=..., site_names=...)`` plus the wire conventions, and merges it field by field
  (:func:`merge`).

A page that fails (timeout, 4xx/5xx, not HTML, over the cap, unreadable) leaves the feed's record
as it was; the reason is returned so the pipeline records it against the source, and the run goes
on.

Links are content, not configuration: every page fetch, and each of its redirect hops, goes
through the destination check of :mod:`ingest.netguard` (no loopback, private, link-local or
metadata address unless ``allow_private`` opens it); a link whose scheme is neither http nor
https is refused here. A refusal is one more failed page: the item keeps its feed text and
carries the reason (``fulltext_error`` in its ``extra``, shown by ``ingest show`` and exported).
At most ``max_pages`` distinct pages are fetched per source and run (``fulltext_max``); the
entries past it keep their feed text, say so, and are tried on a later run.

Identity. A merged record keeps the *feed entry's* content hash: the feed entry is what we
watch, so the next run recognises it with :meth:`Archive.known_hashes` and fetches nothing. A
record whose page failed is stored under :func:`pending_hash` instead, which never equals the
entry's hash, so the next run tries the page again, and a success then replaces the teaser as a
new version.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Mapping, Sequence
from urllib.parse import urlsplit

import httpx

from ingest.archive import clean_reason
from ingest.errors import FetchError, ParseError
from ingest.fetch import ACCEPT_HTML, Fetched, HostLimits, fetch
from ingest.workers import collect_as_workers
from normalize import parse_bytes, sniff
from normalize.model import STATUS_USABLE, Article, Note, NoteKind

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Page:
    """The outcome of fetching one page: its record, or the one-line reason it failed."""

    url: str
    article: Article | None = None
    reason: str | None = None
    elapsed: float = 0.0


@dataclass(frozen=True)
class Download:
    """The outcome of fetching one page, before it is parsed: the answer, or the reason."""

    url: str
    fetched: Fetched | None = None
    reason: str | None = None


@dataclass
class Completed:
    """What :func:`complete` did to a source's records."""

    articles: list[Article] = field(default_factory=list)  # to store (skipped ones left out)
    skipped: int = 0         # entries already archived unchanged: no fetch, nothing to store
    merged: int = 0          # records whose body now comes from their page
    failures: list[str] = field(default_factory=list)  # "<url>: <reason>" per failed page
    over_cap: int = 0        # entries not fetched because the source's fulltext_max was reached
    cap: int | None = None

    @property
    def reason(self) -> str | None:
        """One line for the run summary and the source state, or ``None`` when all pages came."""
        over = (f"{self.over_cap} entries over the cap of {self.cap} pages per run (fulltext_max)"
                if self.over_cap else "")
        if not self.failures:
            return f"full text: {over}" if over else None
        over = f"; {over}" if over else ""
        if len(self.failures) == 1:
            return f"full text: {self.failures[0]}{over}"
        return f"full text: {len(self.failures)} pages failed; first: {self.failures[0]}{over}"


class PageFetcher:
    """Fetches article pages concurrently (``workers`` threads), each URL at most once, and
    parses them on the same threads once the caller knows the site's names (:meth:`parse`).

    Use as a context manager or call :meth:`close`. Thread-safe: several sources of a run may
    ask for pages at once; the cache is shared, so a page two sources link to is fetched once.
    """

    def __init__(self, client: httpx.Client, *, limits: HostLimits | None = None,
                 max_bytes: int = 5_000_000, deadline: float | None = 60.0, workers: int = 4):
        self.client = client
        self.limits = limits
        self.max_bytes = max_bytes
        self.deadline = deadline
        self._pool = ThreadPoolExecutor(max(workers, 1), thread_name_prefix="wirefeed-page")
        self._cache: dict[str, Future[Download]] = {}
        self._parsed: dict[tuple[str, tuple[str, ...]], Future[Page]] = {}
        self._lock = threading.Lock()
        self.requests = 0
        self._collecting = False  # see ingest.workers.collect_as_workers

    def download(self, url: str, source: str | None = None) -> Future[Download]:
        """A future :class:`Download` of ``url`` (the same future for a URL asked for before)."""
        with self._lock:
            future = self._cache.get(url)
            if future is None:
                future = self._cache[url] = self._pool.submit(self._fetch, url, source)
                self.requests += 1
            return future

    def parse(self, download: Download, site_names: tuple[str, ...] = (),
              source: str | None = None) -> Future[Page]:
        """A future :class:`Page`: ``download`` parsed with the site's names found on the
        host's other pages (the same future for the same page and names)."""
        key = (download.url, site_names)
        with self._lock:
            future = self._parsed.get(key)
            if future is None:
                self._start_collecting()
                future = self._parsed[key] = self._pool.submit(self._parse, download,
                                                               site_names, source)
            return future

    def _start_collecting(self) -> None:
        if not self._collecting:
            self._collecting = True
            collect_as_workers(True)

    def _fetch(self, url: str, source: str | None) -> Download:
        try:
            fetched = fetch(self.client, url, max_bytes=self.max_bytes, deadline=self.deadline,
                            source=source, accept=ACCEPT_HTML, limits=self.limits)
        except FetchError as exc:
            return Download(url, reason=clean_reason(exc.reason))
        if not is_html(fetched):
            kind = fetched.content_type or "no content type"
            return Download(url, fetched, reason=f"not an HTML page ({kind})")
        return Download(url, fetched)

    def _parse(self, download: Download, site_names: tuple[str, ...],
               source: str | None) -> Page:
        url, fetched = download.url, download.fetched
        if fetched is None or download.reason:
            return Page(url, reason=download.reason,
                        elapsed=fetched.elapsed if fetched is not None else 0.0)
        try:
            records = parse_bytes(fetched.data, "page", fetched.url, headers=fetched.headers,
                                  site_names=site_names)
        except ParseError as exc:
            return Page(url, reason=clean_reason(exc.reason), elapsed=fetched.elapsed)
        except Exception as exc:  # a parser bug must not cost the feed its records
            log.exception("[%s] %s: page parser failed", source or "-", url)
            return Page(url, reason=clean_reason(f"page parser error: {type(exc).__name__}: {exc}"),
                        elapsed=fetched.elapsed)
        if not records:
            return Page(url, reason="the page holds no article", elapsed=fetched.elapsed)
        # Imported here: every run-once imports this module, and the wire conventions' bylines,
        # credits and datelines (~20 ms of a run's start) are needed only by pages fetched here.
        from normalize import wire

        return Page(url, article=wire.enrich(records[0]), elapsed=fetched.elapsed)

    def close(self) -> None:
        """Wait for the pages in flight and stop the threads."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            if self._collecting:
                self._collecting = False
                collect_as_workers(False)

    def __enter__(self) -> "PageFetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def is_html(fetched: Fetched) -> bool:
    """True when the answer is an HTML page: by its content type, else by its first bytes."""
    if fetched.content_type:
        return fetched.content_type in HTML_TYPES
    try:
        return sniff(fetched.data) == "page"
    except ParseError:
        return False


def pending_hash(feed_hash: str) -> str:
    """The content hash stored for an entry whose page could not be merged yet.

    It differs from the entry's own hash, so the next run does not skip the entry and tries the
    page again; it is the same for the same entry, so repeated failures store nothing new.
    """
    return hashlib.sha256(f"fulltext pending\x00{feed_hash}".encode("utf-8")).hexdigest()


def merge(entry: Article, page: Article, page_url: str | None = None) -> Article:
    """The feed entry completed by its page, field by field.

    The page wins for the body (``body_html``, ``body_text``, when it has one and holds an
    article: not a paywall stub or a section front) and the related
    items; it fills images and authors only when the feed had none, and dateline, agency,
    credit and rights only when the feed left them empty. The summary is the feed's, else the
    feed's teaser body (shorter than the page's), else the page's. The feed wins for ``guid``,
    ``id``, ``title``, ``url``, the dates, the language, sections and status, and the record
    keeps the entry's content hash (see the module docstring). Never raises.
    """
    # A paywall stub's teaser or a front's text is no better than the feed's own body.
    has_body = page.status == STATUS_USABLE and bool(page.body_text.strip()
                                                     or page.body_html.strip())
    extra = entry.extra + (Note(NoteKind.FULLTEXT, page_url or page.url or entry.url or ""),)
    # A feed that carries only a teaser keeps it as the summary once the page gives the body.
    teaser = entry.body_text.strip()
    if not has_body or len(teaser) >= len(page.body_text.strip()):
        teaser = ""
    return entry.replace(
        body_html=page.body_html if has_body else entry.body_html,
        body_text=page.body_text if has_body else entry.body_text,
        images=entry.images or page.images,
        authors=entry.authors or page.authors,
        related=page.related or entry.related,
        summary=entry.summary or teaser or page.summary,
        dateline=entry.dateline or page.dateline,
        agency=entry.agency or page.agency,
        credit=entry.credit or page.credit,
        rights=entry.rights or page.rights,
        extra=extra,
    )


#: Link schemes that name no document to fetch: such an entry is kept without a word.
NOT_FETCHABLE = ("urn", "tag", "mailto", "tel", "news")


def refused_scheme(url: str) -> str | None:
    """The refusal for a link with a scheme other than http(s) (``file:``, ``ftp:``, ...), or
    ``None`` (http(s), a relative link, or an identifier such as ``urn:``)."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return "refused: not a valid URL"
    if not scheme or scheme in ("http", "https") or scheme in NOT_FETCHABLE:
        return None
    return f"refused: scheme {scheme!r} is not http or https"


def complete(entries: Sequence[Article], known: Mapping[str, str], pages: PageFetcher,
             source: str | None = None, max_pages: int | None = None) -> Completed:
    """Merge each new or changed entry with its page; leave the rest out.

    ``known`` maps guid -> content hash of the source's archived records
    (:meth:`Archive.known_hashes`). Entries without an http(s) link are kept as they are (a
    link with another scheme is refused, with the reason on the entry). At most ``max_pages``
    distinct pages are asked for (``None``: no cap); the entries past the cap keep their feed
    text, carry the reason and are tried again next run. Returns :class:`Completed`; never
    raises for a bad page.
    """
    result = Completed(cap=max_pages)
    waiting: list[tuple[int, Article, Future[Page] | Page]] = []
    asked: set[str] = set()
    for entry in entries:
        if known.get(entry.guid) == entry.content_hash:
            result.skipped += 1
            continue
        url = entry.url or ""
        if not url.lower().startswith(("http://", "https://")):
            if (refusal := refused_scheme(url)) is not None:
                waiting.append((len(result.articles), entry, Page(url, reason=refusal)))
            result.articles.append(entry)
            continue
        if max_pages is not None and url not in asked and len(asked) >= max_pages:
            # Not a failure of the page: the amplification cap. Tried again on a later run.
            result.over_cap += 1
            result.articles.append(entry.replace(
                content_hash=pending_hash(entry.content_hash),
                extra=entry.extra + (Note(NoteKind.FULLTEXT_ERROR, f"not fetched: the source's cap of "
                                      f"{max_pages} full-text pages per run is reached "
                                      f"(fulltext_max)"),)))
            continue
        asked.add(url)
        waiting.append((len(result.articles), entry, pages.download(url, source)))
        result.articles.append(entry)
    if result.over_cap:
        log.warning("[%s] full text: %d entries over the cap of %d pages per run (their feed "
                    "text is kept; tried next run)", source or "-", result.over_cap, max_pages)
    for index, entry, future in _parsed(waiting, pages, source):
        page = future if isinstance(future, Page) else future.result()
        if page.article is None:
            result.failures.append(f"{page.url}: {page.reason}")
            log.warning("[%s] full text of %s: %s (the feed's text is kept)", source or "-",
                        page.url, page.reason)
            result.articles[index] = entry.replace(
                content_hash=pending_hash(entry.content_hash),
                extra=entry.extra + (Note(NoteKind.FULLTEXT_ERROR, page.reason or "failed"),))
            continue
        result.articles[index] = merge(entry, page.article, page.url)
        result.merged += 1
    return result


def _parsed(waiting: list, pages: PageFetcher, source: str | None) -> list:
    """``waiting`` (index, entry, future download or refusal) with each download's future
    :class:`Page`, parsed once every page is in: the names of the site that the ``<title>``
    texts of one host's pages share are then known, and each page of that host gets them."""
    # Here, not at the top: every command would pay for importing the page parser at start.
    from normalize.page import page_host, site_names_by_host

    done = [(index, entry, item if isinstance(item, Page) else item.result())
            for index, entry, item in waiting]
    fetched = [d.fetched for _, _, d in done
               if isinstance(d, Download) and d.fetched is not None and not d.reason]
    names = site_names_by_host((f.url, f.data) for f in fetched)
    return [(index, entry, item if isinstance(item, Page) else pages.parse(
                item, names.get(page_host(item.fetched.url), ()) if item.fetched else (),
                source))
            for index, entry, item in done]
