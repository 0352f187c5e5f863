"""``schedules.toml``: loaded once into frozen dataclasses and validated.

Every problem is reported as one :class:`ConfigError` line naming the file and line, the key and
what is wrong (``schedules.toml:41: [[sources]] 'efe' (#3): 'urll': unknown key (did you mean
'url'? ...)``). Relative paths resolve
against the file's folder, so a config works from any working directory.

Layout::

    [pipeline]   database, feeds, base_url, items_per_feed, title, every, timezone, jitter,
                 timeout, max_bytes, page_max_bytes, max_redirects, concurrency, per_host,
                 user_agent, hub, failing_after, backoff_max, misfire_grace, render_delay,
                 section_feeds, stale_after, allow_private, fulltext_max, broker
    [[editions]] id, name, languages, country, covers
    [[sources]]  id, kind (feed|inbox|page), url | path | urls, every | cron, timezone, jitter,
                 agency, language, country, editions, exclude_editions, sections, fulltext,
                 fulltext_max, keep, enabled, stale_after
    [[rules]]    conditions: source, section, agency, keyword, place, language;
                 actions: add, remove, only

Countries (an edition's ``country`` and ``covers``, a source's ``country``) are ISO 3166-1 alpha-2
codes; an unknown one is a configuration error. ``Edition`` and ``Rule`` are the routing types of
:mod:`normalize.editions`, built here; ``Source.routing`` is what routing needs of a source.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError
from ingest.netguard import Guard, Resolver, parse_networks
from ingest.schedule import cron_trigger  # the same conversion the scheduler uses
from normalize.editions import Edition, Rule, SourceRouting
from normalize.places import country_codes

__all__ = ["Config", "Edition", "Pipeline", "Rule", "Source", "build_config", "load_config",
           "parse_interval", "validate_cron"]

SOURCE_KINDS = ("feed", "inbox", "page")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Source:
    """One configured source of items."""

    id: str
    kind: str
    url: str | None = None
    path: Path | None = None
    urls: tuple[str, ...] = ()
    every: float | None = None
    cron: str | None = None
    timezone: str | None = None
    jitter: float = 0.0
    agency: str | None = None
    language: str | None = None
    country: str | None = None
    editions: tuple[str, ...] = ()
    exclude_editions: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    fulltext: bool = False
    fulltext_max: int | None = None  # None: [pipeline] fulltext_max
    keep: bool = False
    enabled: bool = True
    #: seconds without a success before ``ingest sources --check`` calls the source stale
    #: (``None``: the pipeline's ``stale_after``, else 3 of the source's intervals)
    stale_after: float | None = None

    @property
    def routing(self) -> SourceRouting:
        """The fields edition routing reads (a small value to hand to the workers)."""
        return SourceRouting(self.id, self.agency, self.sections, self.editions,
                             self.exclude_editions, self.country)

    @property
    def where(self) -> str:
        """The URL or path this source reads, for messages."""
        if self.url:
            return self.url
        if self.path is not None:
            return str(self.path)
        return ", ".join(self.urls)


@dataclass(frozen=True)
class Pipeline:
    """The ``[pipeline]`` table."""

    database: Path | str  # an SQLite file, or a postgresql:// URL (kept as text)
    feeds: Path
    base_url: str
    items_per_feed: int = 50
    title: str = "wirefeed"
    every: float = 900.0
    timezone: str = "UTC"
    jitter: float = 0.0
    timeout: float = 20.0
    max_bytes: int = 20_000_000
    page_max_bytes: int = 5_000_000
    max_redirects: int = 5
    concurrency: int = 8
    per_host: int = 2
    user_agent: str | None = None
    hub: str | None = None
    failing_after: float = 6 * 3600.0
    backoff_max: float = 6 * 3600.0
    misfire_grace: float = 300.0
    render_delay: float = 2.0
    section_feeds: tuple[str, ...] = ()
    #: default ``stale_after`` of every source (``None``: 3 of each source's intervals)
    stale_after: float | None = None
    # CIDRs that content-derived fetches (full-text links, redirect hops) may reach although
    # private; validated by ingest.netguard.parse_networks. Empty: nothing private.
    allow_private: tuple[str, ...] = ()
    fulltext_max: int = 50   # full-text page fetches per source and run
    #: the Redis URL of distributed mode (``ingest scheduler``, ``ingest worker``); None: off
    broker: str | None = None

    def guard(self, resolve: Resolver | None = None) -> Guard:
        """The SSRF guard of a run: ``allow_private`` and the resolver (the system's by default)."""
        return Guard.of(self.allow_private, resolve)


@dataclass(frozen=True)
class Config:
    """The whole validated configuration."""

    path: Path
    pipeline: Pipeline
    editions: tuple[Edition, ...]
    sources: tuple[Source, ...]
    rules: tuple[Rule, ...] = field(default=())

    def source(self, source_id: str) -> Source:
        """Return the source with ``source_id``; raises ``ConfigError`` if there is none."""
        for source in self.sources:
            if source.id == source_id:
                return source
        raise ConfigError(f"no source with id {source_id!r}", where=str(self.path))

    def edition(self, edition_id: str) -> Edition | None:
        """Return the edition with ``edition_id``, or ``None``."""
        return next((e for e in self.editions if e.id == edition_id), None)

    @property
    def section_feed_names(self) -> tuple[str, ...]:
        """Sections that get their own feeds: ``[pipeline] section_feeds`` plus every section a
        source files its items under. Feed categories alone do not make a section feed (they are
        open-ended: a feed per tag would multiply the files without bound)."""
        names = dict.fromkeys(self.pipeline.section_feeds)
        for source in self.sources:
            names.update(dict.fromkeys(source.sections))
        return tuple(names)

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language some edition publishes, in edition order."""
        seen: dict[str, None] = {}
        for edition in self.editions:
            for lang in edition.languages:
                seen.setdefault(lang, None)
        return tuple(seen)


_PIPELINE_KEYS = {
    "database", "feeds", "base_url", "items_per_feed", "title", "every", "timezone", "jitter",
    "timeout", "max_bytes", "page_max_bytes", "max_redirects", "concurrency", "per_host",
    "user_agent", "hub", "failing_after", "backoff_max", "misfire_grace", "render_delay",
    "section_feeds", "stale_after", "allow_private", "fulltext_max", "broker",
}
_EDITION_KEYS = {"id", "name", "languages", "country", "covers"}
_SOURCE_KEYS = {
    "id", "kind", "url", "path", "urls", "every", "cron", "timezone", "jitter", "agency",
    "language", "country", "editions", "exclude_editions", "sections", "fulltext", "fulltext_max",
    "keep", "enabled", "stale_after",
}
_RULE_KEYS = {"name", "source", "section", "agency", "keyword", "place", "language", "add",
              "remove", "only"}
_TOP_KEYS = {"pipeline", "editions", "sources", "rules"}


def parse_interval(value: Any) -> float:
    """Return seconds for ``"15m"``, ``"30s"``, ``"2h"``, ``"1d"`` or a number of seconds.

    Raises ``ValueError`` for anything else or a non-positive interval.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an interval")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str) and (match := _INTERVAL.match(value)):
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    else:
        raise ValueError(f"{value!r} is not an interval like '30s', '15m', '2h' or '1d'")
    if seconds <= 0:
        raise ValueError(f"{value!r} must be longer than zero")
    return seconds


def validate_cron(expression: str, timezone: str | None = None) -> None:
    """Raise ``ValueError`` unless ``expression`` is a 5-field crontab line APScheduler accepts."""
    if len(expression.split()) != 5:
        raise ValueError(f"{expression!r} is not a 5-field crontab expression")
    cron_trigger(expression, timezone or "UTC")


class _Lines:
    """Where each table and key of a TOML file is written (1-based line numbers), so a message
    can name the line: ``schedules.toml:41: [[sources]] 'efe' (#3): 'urll': unknown key``.

    A line scan, not a second parser: it knows ``[table]``, ``[[array]]`` headers and
    ``key = ...`` lines; a key it cannot place (an inline table, a dotted key) has no line."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_-]+)\s*\]\]?\s*(?:#.*)?$")
    _KEY = re.compile(r"""^\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=""")

    def __init__(self, text: str | None):
        self.lines: dict[tuple[str | None, int, str | None], int] = {}
        counts: dict[str, int] = {}
        table: str | None = None
        index = 0
        for number, line in enumerate((text or "").splitlines(), 1):
            if header := self._HEADER.match(line):
                table = header.group(2)
                index = counts[table] = counts.get(table, 0) + 1 if header.group(1) == "[[" else 0
                self.lines.setdefault((table, index, None), number)
            elif key := self._KEY.match(line):
                self.lines.setdefault((table, index, key.group(1).strip("\"'")), number)

    def of(self, table: str | None, index: int, key: str | None) -> int | None:
        """The line of ``key`` (``None``: of the table's header) in the ``index``-th (1-based;
        0 for a plain ``[table]``) table ``table``, or ``None`` when unknown."""
        if table is None and key is not None:  # a top-level key names a table: its header
            return self.lines.get((key, 0, None)) or self.lines.get((key, 1, None))
        return self.lines.get((table, index, key)) or self.lines.get((table, index, None))


class _Reader:
    """Collects the context (file, table, key) for error messages while reading one table."""

    def __init__(self, path: Path, where: str, table: dict[str, Any], allowed: set[str],
                 lines: _Lines | None = None, spot: tuple[str | None, int] = (None, 0)):
        self.path = path
        self.where = where
        self.table = table
        self.lines = lines
        self.spot = spot  # (table name, index) in ``lines``
        if not isinstance(table, dict):
            self.fail(None, "must be a table")
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key.lower(), allowed, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.fail(key, f"unknown key ({hint}allowed: " + ", ".join(sorted(allowed)) + ")")

    def fail(self, key: str | None, problem: str) -> None:
        place = f"{self.where}: {key!r}" if key else self.where
        line = self.lines.of(*self.spot, key) if self.lines is not None else None
        raise ConfigError(f"{place}: {problem}",
                          where=f"{self.path.name}:{line}" if line else self.path.name)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None,
            required: bool = False) -> Any:
        if key not in self.table:
            if required:
                self.fail(key, "missing required key")
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            self.fail(key, f"expected {'/'.join(k.__name__ for k in kinds)}, got a boolean")
        if not isinstance(value, kinds):
            self.fail(key, f"expected {'/'.join(k.__name__ for k in kinds)}, got {type(value).__name__}")
        return value

    def text(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        value = self.get(key, str, default, required)
        if value is not None and not value.strip():
            self.fail(key, "must not be empty")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key, (list, str), [])
        if isinstance(value, str):
            value = [value]
        if not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, "expected a list of non-empty strings")
        return tuple(value)

    def interval(self, key: str, default: float | None) -> float | None:
        if key not in self.table:
            return default
        try:
            return parse_interval(self.table[key])
        except ValueError as exc:
            self.fail(key, str(exc))

    def country(self, key: str) -> str | None:
        """An ISO 3166-1 alpha-2 code such as ``"AU"`` (or ``None`` when absent)."""
        value = self.text(key)
        if value is not None and value not in country_codes():
            self.fail(key, f"unknown country {value!r}: use an ISO 3166-1 alpha-2 code such as 'AU'")
        return value

    def countries(self, key: str) -> tuple[str, ...]:
        """A list of ISO 3166-1 alpha-2 codes."""
        values = self.strings(key)
        for value in values:
            if value not in country_codes():
                self.fail(key, f"unknown country {value!r}: use ISO 3166-1 alpha-2 codes such "
                               "as 'MX'")
        return values

    def number(self, key: str, default: float, minimum: float = 0) -> float:
        value = self.get(key, (int, float), default)
        if value < minimum:
            self.fail(key, f"must be at least {minimum}")
        return value

    def timezone(self, key: str, default: str | None) -> str | None:
        value = self.text(key, default)
        if value is not None:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                self.fail(key, f"unknown timezone {value!r}")
        return value


def load_config(path: str | Path) -> Config:
    """Read and validate ``path``. Raises ``ConfigError`` naming the file, key and problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("file not found (use --config PATH)", where=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", where=str(path)) from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", where=path.name) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", where=path.name) from None
    return build_config(data, path, text)


def _database(reader: _Reader, base: Path) -> Path | str:
    """``[pipeline] database``: a ``postgresql://`` URL as given, else a file path resolved
    against the configuration's folder."""
    value = reader.text("database", "data/wire.db")
    if "://" not in value:
        return _resolve(base, value)
    if not value.startswith(("postgresql://", "postgres://")):
        reader.fail("database", f"{value.split('://')[0]}:// is not a supported database "
                                "(an SQLite file path, or a postgresql:// URL)")
    return value


def _resolve(base: Path, value: str) -> Path:
    candidate = Path(value).expanduser()
    return candidate if candidate.is_absolute() else (base / candidate)


def _label(kind: str, number: int, table: Any, key: str = "id") -> str:
    """``[[sources]] 'efe' (#3)``, or ``[[sources]] #3`` while its id is unknown."""
    ident = table.get(key) if isinstance(table, dict) else None
    return f"[[{kind}]] {ident!r} (#{number})" if isinstance(ident, str) else f"[[{kind}]] #{number}"


def build_config(data: dict[str, Any], path: Path, text: str | None = None) -> Config:
    """Validate a parsed TOML document (``path`` is used for messages and relative paths;
    ``text``, the document itself, to name the line of a problem)."""
    path = Path(path).resolve() if str(path) else Path("schedules.toml")
    base = path.parent
    lines = _Lines(text)
    top = _Reader(path, "top level", data, _TOP_KEYS, lines)
    pipeline = _read_pipeline(_Reader(path, "[pipeline]", top.get("pipeline", dict, {}),
                                      _PIPELINE_KEYS, lines, ("pipeline", 0)), base)

    editions: list[Edition] = []
    for number, table in enumerate(top.get("editions", list, []), 1):
        reader = _Reader(path, _label("editions", number, table), table, _EDITION_KEYS, lines,
                         ("editions", number))
        edition_id = reader.text("id", required=True)
        reader.where = f"[[editions]] {edition_id!r} (#{number})"
        if not _ID.match(edition_id):
            reader.fail("id", "use letters, digits, '-', '_' and '.' only")
        languages = reader.strings("languages")
        if not languages:
            reader.fail("languages", "missing required key (a list of language codes)")
        for lang in languages:
            if not re.fullmatch(r"[a-z]{2,3}", lang):
                reader.fail("languages", f"{lang!r} is not an ISO 639-1 code such as 'fr'")
        if any(e.id == edition_id for e in editions):
            reader.fail("id", f"duplicate edition id {edition_id!r}")
        editions.append(Edition(edition_id, reader.text("name", required=True), languages,
                                reader.country("country"), reader.countries("covers")))
    if not editions:
        top.fail("editions", "at least one [[editions]] table is required")
    edition_ids = {e.id for e in editions}

    sources: list[Source] = []
    for number, table in enumerate(top.get("sources", list, []), 1):
        reader = _Reader(path, _label("sources", number, table), table, _SOURCE_KEYS, lines,
                         ("sources", number))
        source = _read_source(reader, number, base, pipeline, edition_ids)
        if any(s.id == source.id for s in sources):
            reader.fail("id", "duplicate source id")
        sources.append(source)

    rules: list[Rule] = []
    source_ids = {s.id for s in sources}
    known_sections = {sec for s in sources for sec in s.sections} | set(pipeline.section_feeds)
    for number, table in enumerate(top.get("rules", list, []), 1):
        reader = _Reader(path, _label("rules", number, table, "name"), table, _RULE_KEYS, lines,
                         ("rules", number))
        rule = Rule(
            index=number, name=reader.text("name"),
            **{key: reader.strings(key) for key in ("source", "section", "agency", "keyword",
                                                    "place", "language", "add", "remove", "only")},
        )
        if not (rule.add or rule.remove or rule.only):
            reader.fail(None, "a rule needs at least one of 'add', 'remove' or 'only'")
        for key in ("add", "remove", "only"):
            for edition_id in getattr(rule, key):
                if edition_id not in edition_ids:
                    reader.fail(key, f"unknown edition {edition_id!r}")
        for source_id in rule.source:
            if source_id not in source_ids:
                reader.fail("source", f"unknown source {source_id!r}")
        for section in rule.section:
            if section not in known_sections:
                reader.fail("section", f"unknown section {section!r}: neither [pipeline] "
                                       "section_feeds nor a source's 'sections' names it")
        rules.append(rule)
    return Config(path, pipeline, tuple(editions), tuple(sources), tuple(rules))


def _read_pipeline(reader: _Reader, base: Path) -> Pipeline:
    base_url = reader.text("base_url", "http://localhost:8080").rstrip("/")
    if not re.match(r"^https?://[^\s/]+", base_url):
        reader.fail("base_url", f"{base_url!r} is not an http(s) URL")
    return Pipeline(
        database=_database(reader, base),
        feeds=_resolve(base, reader.text("feeds", "data/feeds")),
        base_url=base_url,
        items_per_feed=int(reader.number("items_per_feed", 50, minimum=1)),
        title=reader.text("title", "wirefeed"),
        every=reader.interval("every", 900.0),
        timezone=reader.timezone("timezone", "UTC"),
        jitter=reader.interval("jitter", None) or 0.0,
        timeout=reader.number("timeout", 20.0, minimum=0.1),
        max_bytes=int(reader.number("max_bytes", 20_000_000, minimum=1024)),
        page_max_bytes=int(reader.number("page_max_bytes", 5_000_000, minimum=1024)),
        max_redirects=int(reader.number("max_redirects", 5)),
        concurrency=int(reader.number("concurrency", 8, minimum=1)),
        per_host=int(reader.number("per_host", 2, minimum=1)),
        user_agent=reader.text("user_agent"),
        hub=reader.text("hub"),
        failing_after=reader.interval("failing_after", 6 * 3600.0),
        backoff_max=reader.interval("backoff_max", 6 * 3600.0),
        misfire_grace=reader.interval("misfire_grace", 300.0),
        render_delay=reader.number("render_delay", 2.0),
        section_feeds=reader.strings("section_feeds"),
        stale_after=reader.interval("stale_after", None),
        allow_private=_networks(reader, "allow_private"),
        fulltext_max=int(reader.number("fulltext_max", 50, minimum=0)),
        broker=_broker(reader, "broker"),
    )


#: Broker URL schemes distributed mode speaks (Celery's Redis transport; rediss: over TLS).
BROKER_SCHEMES = ("redis", "rediss")


def _broker(reader: _Reader, key: str) -> str | None:
    value = reader.text(key)
    if value is None:
        return None
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in BROKER_SCHEMES or not rest.strip("/"):
        reader.fail(key, f"{redact_url(value)!r} is not a broker URL such as "
                         "'redis://127.0.0.1:6379/0'")
    return value


def redact_url(url: str) -> str:
    """``url`` without the password it may carry (for messages and logs)."""
    return re.sub(r"^([A-Za-z][\w+.-]*://)[^/@]*@", r"\1***@", url)


def _networks(reader: _Reader, key: str) -> tuple[str, ...]:
    values = reader.strings(key)
    try:
        parse_networks(values)
    except ValueError as exc:
        reader.fail(key, str(exc))
    return values


def _read_source(reader: _Reader, number: int, base: Path, pipeline: Pipeline,
                 edition_ids: set[str]) -> Source:
    source_id = reader.text("id", required=True)
    reader.where = f"[[sources]] {source_id!r} (#{number})"
    if not _ID.match(source_id):
        reader.fail("id", "use letters, digits, '-', '_' and '.' only")
    kind = reader.text("kind", required=True)
    if kind not in SOURCE_KINDS:
        reader.fail("kind", f"{kind!r} is not one of {', '.join(SOURCE_KINDS)}")
    url = reader.text("url")
    path_value = reader.text("path")
    urls = reader.strings("urls")
    if kind == "feed" and bool(url) == bool(path_value):
        reader.fail("url", "a feed source needs exactly one of 'url' or 'path'")
    if kind == "inbox" and (not path_value or url or urls):
        reader.fail("path", "an inbox source needs 'path' (a folder) and no 'url'")
    if kind == "page" and (not urls or url or path_value):
        reader.fail("urls", "a page source needs 'urls = [...]' and no 'url' or 'path'")
    for value in ([url] if url else []) + list(urls):
        if not re.match(r"^https?://[^\s/]+", value):
            reader.fail("urls" if urls else "url", f"{value!r} is not an http(s) URL")
    if "every" in reader.table and "cron" in reader.table:
        reader.fail("cron", "give either 'every' or 'cron', not both")
    timezone = reader.timezone("timezone", None)
    cron = reader.text("cron")
    if cron is not None:
        try:
            validate_cron(cron, timezone or pipeline.timezone)
        except ValueError as exc:
            reader.fail("cron", str(exc))
    language = reader.text("language")
    if language is not None and not re.fullmatch(r"[a-z]{2,3}", language):
        reader.fail("language", f"{language!r} is not an ISO 639-1 code such as 'fr'")
    for key in ("editions", "exclude_editions"):
        for edition_id in reader.strings(key):
            if edition_id not in edition_ids:
                reader.fail(key, f"unknown edition {edition_id!r}")
    return Source(
        id=source_id,
        kind=kind,
        url=url,
        path=_resolve(base, path_value) if path_value else None,
        urls=urls,
        every=reader.interval("every", None) if cron is None else None,
        cron=cron,
        timezone=timezone,
        jitter=reader.interval("jitter", None) or 0.0,
        agency=reader.text("agency"),
        language=language,
        country=reader.country("country"),
        editions=reader.strings("editions"),
        exclude_editions=reader.strings("exclude_editions"),
        sections=reader.strings("sections"),
        fulltext=bool(reader.get("fulltext", bool, False)),
        fulltext_max=(int(reader.number("fulltext_max", 0, minimum=0))
                      if "fulltext_max" in reader.table else None),
        keep=bool(reader.get("keep", bool, False)),
        enabled=bool(reader.get("enabled", bool, True)),
        stale_after=reader.interval("stale_after", None),
    )
