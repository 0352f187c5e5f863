"""When a source is polled: schedule parsing and the scheduling decisions, apart from I/O.

Everything here takes values (a source, the configuration, its stored state, ``now``) and
returns values; nothing fetches, reads the clock or writes the archive, so the decisions are
tested without HTTP (``tests/test_schedule.py``). The pipeline and the daemon act on them;
``ingest.config`` validates ``cron`` lines with the same conversion the scheduler uses.

When a source is next due: after a success, its schedule (``every`` or the next ``cron`` fire),
made later, never sooner, by what the answer says about its freshness (``Cache-Control:
max-age``, ``Expires``, RSS ``<ttl>``; capped at ``backoff_max``); after a failure, exponential
backoff from the schedule's interval up to ``backoff_max``, or the server's ``Retry-After`` if
that is later.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # config imports this module (validate_cron); the types are only annotations
    from ingest.archive import SourceState
    from ingest.config import Config, Source
    from ingest.fetch import Fetched

#: ``SourceState.next_due_reason`` of a plain schedule (the others name what made it later).
SCHEDULE = "schedule"
BACKOFF = "backoff"
RETRY_AFTER = "retry-after"
#: Fetch latencies a source's state keeps (``ingest sources`` shows their median).
LATENCIES_KEPT = 20


# -- parsing ----------------------------------------------------------------------------------

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_weekdays(field_text: str) -> str:
    """A crontab day-of-week field as APScheduler 3 reads it: day names, never numbers.

    crontab counts from Sunday = 0 (7 is Sunday too); APScheduler 3 counts from Monday = 0, so
    ``1-5`` would silently mean Tuesday to Saturday. Spelling the days out keeps crontab's
    meaning. Raises ``ValueError`` for a field that is not crontab syntax.
    """
    if field_text.strip() == "*":
        return "*"
    days: set[int] = set()

    def day(value: str) -> int:
        value = value.strip().lower()
        if value[:3] in _WEEKDAYS and value.isalpha():
            return _WEEKDAYS.index(value[:3])
        if value.isdigit() and 0 <= int(value) <= 7:
            return int(value) % 7
        raise ValueError(f"{value!r} is not a day of the week (0-7 or sun-sat)")

    for part in field_text.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"bad step in {part!r}")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            low, high = span.split("-", 1)
            first, last = day(low), day(high)
            if high.strip() == "7":
                last = 7
        else:
            first = last = day(span)
            if step_text:
                last = 6
        if last < first:
            raise ValueError(f"{part!r}: a range must go forwards")
        days.update(value % 7 for value in range(first, last + 1, step))
    return ",".join(_WEEKDAYS[d] for d in sorted(days))


def cron_trigger(expression: str, timezone: str, jitter: float | None = None):
    """An APScheduler ``CronTrigger`` for a 5-field crontab line, with crontab's weekdays."""
    from apscheduler.triggers.cron import CronTrigger

    minute, hour, day, month, weekday = expression.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                       day_of_week=crontab_weekdays(weekday), timezone=timezone,
                       jitter=jitter or None)


def source_trigger(source: Source, config: Config):
    """The cron trigger of a ``cron`` source, in its timezone (else the pipeline's)."""
    return cron_trigger(source.cron, source.timezone or config.pipeline.timezone)


# -- decisions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextPoll:
    """When a source is due again, and why (:data:`SCHEDULE`, :data:`BACKOFF`,
    :data:`RETRY_AFTER`, or the answer's ``max-age``, ``expires`` or ``ttl``)."""

    due: datetime
    reason: str
    #: When the schedule alone would have made it due (after a success).
    scheduled: datetime | None = None


def interval_of(source: Source, config: Config, now: datetime) -> float:
    """The source's polling interval in seconds (cron sources: the gap between their next fires)."""
    if source.cron:
        trigger = source_trigger(source, config)
        first = trigger.get_next_fire_time(None, now)
        second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
        if first and second:
            return max((second - first).total_seconds(), 1.0)
    return source.every or config.pipeline.every


def next_due(source: Source, config: Config, now: datetime) -> datetime:
    """When the source is due again after a successful fetch at ``now`` (its schedule only)."""
    if source.cron:
        fire = source_trigger(source, config).get_next_fire_time(None, now + timedelta(seconds=1))
        if fire is not None:
            return fire.astimezone(now.tzinfo)
    return now + timedelta(seconds=interval_of(source, config, now))


def due_slack(source: Source, config: Config, now: datetime) -> float:
    """How early a schedule-due source may run: half its interval, at least 1 s, at most 60 s.

    A run fired by cron or by the daemon's trigger at the scheduled minute must not miss its turn
    because the previous run started a second later (or was jittered). Backoff and server hints
    get no slack: those times are promises to the server.
    """
    jitter = source.jitter or config.pipeline.jitter
    return min(max(interval_of(source, config, now) * 0.5, 1.0), 60.0) + jitter


def is_due(source: Source, state: SourceState, config: Config, now: datetime) -> bool:
    """True when ``source`` should be fetched at ``now`` given its stored state."""
    if state.next_due is None:
        return True
    slack = 0.0
    if state.next_due_reason in (None, SCHEDULE):
        slack = due_slack(source, config, now)
    return state.next_due <= now + timedelta(seconds=slack)


def stale_after(config: Config, source: Source, now: datetime) -> float:
    """Seconds without a success after which ``source`` is stale: its own ``stale_after``, the
    pipeline's, or 3 of its polling intervals (one definition for ``ingest sources --check``
    and ``/healthz``)."""
    if source.stale_after is not None:
        return source.stale_after
    if config.pipeline.stale_after is not None:
        return config.pipeline.stale_after
    return 3 * interval_of(source, config, now)


def backoff_delay(failures: int, base: float, cap: float) -> float:
    """Exponential backoff after ``failures`` consecutive failures: base·2^(n-1), capped."""
    return min(cap, base * (2 ** max(failures - 1, 0)))


def poll_after_success(source: Source, config: Config, now: datetime,
                       hint: tuple[float, str] | None) -> NextPoll:
    """The next poll after a success at ``now``: the schedule, or the answer's ``hint``
    (``(seconds, why)``, see :func:`ingest.fetch.poll_hint`) when that is later. A server may
    slow us down, within reason: never past ``backoff_max`` (or the interval)."""
    scheduled = next_due(source, config, now)
    if hint is None:
        return NextPoll(scheduled, SCHEDULE, scheduled)
    seconds, why = hint
    cap = max(config.pipeline.backoff_max, interval_of(source, config, now))
    hinted = now + timedelta(seconds=min(seconds, cap))
    if hinted > scheduled:
        return NextPoll(hinted, why, scheduled)
    return NextPoll(scheduled, SCHEDULE, scheduled)


def poll_after_failure(source: Source, config: Config, now: datetime, failures: int,
                       retry_after: float | None = None) -> NextPoll:
    """The next attempt after failure number ``failures`` in a row at ``now``: backoff from
    the interval, or the server's ``retry_after`` (seconds) when that is later."""
    base = interval_of(source, config, now)
    delay = backoff_delay(failures, base, max(config.pipeline.backoff_max, base))
    # Jitter spreads the retries of many sources failing together (same agency outage); seeded
    # by the source and the count, so the same failure always gets the same delay.
    delay *= 1 + random.Random(f"{source.id}{failures}").uniform(0, 0.1)
    why = BACKOFF
    if retry_after and retry_after > delay:
        delay, why = retry_after, RETRY_AFTER
    return NextPoll(now + timedelta(seconds=delay), why)


def state_after_success(state: SourceState, source: Source, now: datetime, poll: NextPoll, *,
                        fetched: Fetched | None, status: str, failed: int, reason: str | None,
                        new_items: int, repairs: tuple[str, ...] | list[str] = ()) -> SourceState:
    """The source's state after a run that succeeded (``status`` "partial": some files failed).

    The validators (ETag, Last-Modified) come from the answer unless it was a 304; a permanent
    redirect is recorded (shown by ``ingest sources``, never written into the configuration)
    and cleared once the configured URL answers without one.
    """
    latencies = state.latencies
    etag, last_modified, redirect = state.etag, state.last_modified, state.permanent_redirect
    if fetched is not None:
        latencies = (latencies + (round(fetched.elapsed, 4),))[-LATENCIES_KEPT:]
        if not fetched.not_modified:
            etag, last_modified = fetched.etag, fetched.last_modified
        if source.url:
            redirect = fetched.permanent_redirect
    partial = status == "partial"
    return replace(
        state, kind=source.kind, location=source.where, last_attempt=now,
        last_success=now if not partial else state.last_success,
        last_status=status if not partial else f"partial: {failed} failed",
        last_error=reason,
        failures=0, failing_since=None, next_due=poll.due, next_due_reason=poll.reason,
        etag=etag, last_modified=last_modified, permanent_redirect=redirect,
        items_total=state.items_total + new_items, latencies=latencies,
        repairs="; ".join(repairs) or None,
    )


def state_after_failure(state: SourceState, source: Source, now: datetime, poll: NextPoll, *,
                        reason: str | None, http_status: int | None = None) -> SourceState:
    """The source's state after a failed run: one more failure in a row, failing since the
    first of them, due again per ``poll`` (see :func:`poll_after_failure`)."""
    return replace(
        state, kind=source.kind, location=source.where, last_attempt=now,
        last_status=f"HTTP {http_status}" if http_status else "error", last_error=reason,
        failures=state.failures + 1, failing_since=state.failing_since or now,
        next_due=poll.due, next_due_reason=poll.reason,
    )
