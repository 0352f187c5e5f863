"""What ``ingest serve`` tells a monitor: ``/healthz`` and ``/metrics``, read from the archive.

:mod:`syndicate.serve` is the server; it knows a folder and its settings, nothing of the archive.
:mod:`ingest.commands.serve` gives it these two dynamic routes, read from the archive's
``sources`` table (and the publish state) at request time:

- ``/healthz``: JSON, one entry per enabled source with its status: ``ok``, ``pending`` (never
  run yet), ``failing`` (its last run failed) or ``stale`` (no success for longer than its
  ``stale_after``, as ``ingest sources --check`` judges it); 200 when none is failing or stale,
  else 503.
- ``/metrics``: the Prometheus text exposition format (``prometheus_client``): per source the
  last success time, consecutive failures, items stored, the last and median fetch durations,
  whether it is healthy; the time the feeds were last rendered.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from ingest.archive import SourceState, is_database_url, open_archive, utcnow
from ingest.errors import StoreError
from ingest.config import Config, Source
# One definition of "stale" for `ingest sources --check` and /healthz.
from ingest.schedule import stale_after
from normalize.model import isoformat, parse_iso
from syndicate.serve import Answer

HEALTHY = ("ok", "pending")
#: The text exposition format generate_latest writes (what prometheus_client's own server sends
#: a scraper that does not ask for OpenMetrics).
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class SourceHealth:
    """One source as ``/healthz`` reports it."""

    id: str
    status: str  # ok, pending, failing or stale
    last_success: str | None
    last_attempt: str | None
    failures: int
    stale_after_s: float
    last_error: str | None


def source_health(source: Source, state: SourceState | None, config: Config,
                  now: datetime) -> SourceHealth:
    """The health of one enabled source at ``now`` (pure: no clock, no database)."""
    limit = stale_after(config, source, now)
    state = state or SourceState(id=source.id)
    if state.last_attempt is None:
        status = "pending"
    elif state.failures > 0 or state.last_success is None:
        status = "failing"
    elif (now - state.last_success).total_seconds() > limit:
        status = "stale"
    else:
        status = "ok"
    return SourceHealth(source.id, status, isoformat(state.last_success),
                        isoformat(state.last_attempt), state.failures, limit,
                        state.last_error if status == "failing" else None)


def _states(config: Config) -> dict[str, SourceState] | None:
    """The archive's source states, None when there is no archive yet (never created here)."""
    database = config.pipeline.database
    if is_database_url(database):
        from ingest.archive.postgres import holds_archive

        try:
            if not holds_archive(database):
                return None
            archive = open_archive(database)
        except StoreError:  # the database server cannot be reached: no archive to read
            return None
    elif not Path(database).exists():
        return None
    else:
        archive = open_archive(database)
    try:
        return archive.source_states()
    finally:
        archive.close()


def health_answer(config: Config, clock: Callable[[], datetime] = utcnow) -> Answer:
    """The ``/healthz`` answer: 200 and ``"status": "ok"`` when every enabled source is ok or
    pending, else 503 naming the failing and stale ones; 503 when the archive is missing."""
    now = clock()
    states = _states(config)
    if states is None:
        body = {"status": "no archive", "checked_at": isoformat(now), "sources": []}
        return Answer(503, "application/json", json.dumps(body, indent=1).encode() + b"\n")
    sources = [source_health(s, states.get(s.id), config, now)
               for s in config.sources if s.enabled]
    bad = [s.id for s in sources if s.status not in HEALTHY]
    body = {"status": "ok" if not bad else "unhealthy", "checked_at": isoformat(now),
            "unhealthy": bad, "sources": [asdict(s) for s in sources]}
    return Answer(503 if bad else 200, "application/json",
                  json.dumps(body, indent=1, ensure_ascii=False).encode() + b"\n")


class _ArchiveCollector:
    """A prometheus_client collector that reads the archive on every scrape."""

    def __init__(self, config: Config, clock: Callable[[], datetime]):
        self.config = config
        self.clock = clock

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        now = self.clock()
        states = _states(self.config) or {}
        success = GaugeMetricFamily(
            "wirefeed_source_last_success_timestamp_seconds",
            "Unix time of the source's last successful run.", labels=["source"])
        attempt = GaugeMetricFamily(
            "wirefeed_source_last_attempt_timestamp_seconds",
            "Unix time of the source's last run.", labels=["source"])
        failures = GaugeMetricFamily(
            "wirefeed_source_consecutive_failures",
            "Failed runs since the source's last success.", labels=["source"])
        items = CounterMetricFamily(
            "wirefeed_source_items_stored", "Records the source has added to the archive.",
            labels=["source"])
        last = GaugeMetricFamily(
            "wirefeed_source_run_duration_seconds",
            "Duration of the source's last successful fetch.", labels=["source"])
        median = GaugeMetricFamily(
            "wirefeed_source_run_duration_median_seconds",
            "Median duration of the source's recent successful fetches (up to 20).",
            labels=["source"])
        healthy = GaugeMetricFamily(
            "wirefeed_source_healthy",
            "1 when the source is ok or not yet run, 0 when failing or stale (as /healthz).",
            labels=["source"])
        for source in self.config.sources:
            if not source.enabled:
                continue
            state = states.get(source.id) or SourceState(id=source.id)
            labels = [source.id]
            if state.last_success is not None:
                success.add_metric(labels, state.last_success.timestamp())
            if state.last_attempt is not None:
                attempt.add_metric(labels, state.last_attempt.timestamp())
            failures.add_metric(labels, state.failures)
            items.add_metric(labels, state.items_total)
            if state.latencies:
                last.add_metric(labels, state.latencies[-1])
                median.add_metric(labels, statistics.median(state.latencies))
            health = source_health(source, state, self.config, now)
            healthy.add_metric(labels, 1 if health.status in HEALTHY else 0)
        yield from (success, attempt, failures, items, last, median, healthy)
        rendered = _rendered_at(Path(self.config.pipeline.feeds))
        if rendered is not None:
            yield GaugeMetricFamily("wirefeed_feeds_rendered_timestamp_seconds",
                                    "Unix time of the last feed render.",
                                    value=rendered.timestamp())


def _rendered_at(feeds: Path) -> datetime | None:
    try:
        state = json.loads((feeds / ".publish-state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stamp = state.get("_rendered_at") if isinstance(state, dict) else None
    return parse_iso(stamp) if isinstance(stamp, str) else None


def metrics_route(config: Config, clock: Callable[[], datetime] = utcnow) -> Callable[[], Answer]:
    """The ``/metrics`` route: the archive read at each scrape, in Prometheus text format."""
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ArchiveCollector(config, clock))

    def answer() -> Answer:
        return Answer(200, METRICS_TYPE, generate_latest(registry))

    return answer
