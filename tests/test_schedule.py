"""Scheduling decisions (ingest.schedule) as values: no HTTP, no archive, no clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ingest.archive import SourceState
from ingest.config import Config, Pipeline, Source
from ingest.fetch import Fetched
from ingest.schedule import (
    BACKOFF, RETRY_AFTER, SCHEDULE, NextPoll, backoff_delay, crontab_weekdays, is_due,
    next_due, poll_after_failure, poll_after_success, state_after_failure, state_after_success,
)

NOW = datetime(2025, 3, 4, 8, 0, tzinfo=timezone.utc)
PIPELINE = Pipeline(database=Path("wire.db"), feeds=Path("feeds"), base_url="http://x",
                    backoff_max=3600.0)
EVERY = Source(id="wire", kind="feed", url="https://wire.example/feed.xml", every=300.0)
CRON = Source(id="cron", kind="feed", url="https://wire.example/c.xml", cron="0 9 * * 1-5")
CONFIG = Config(Path("schedules.toml"), PIPELINE, (), (EVERY, CRON))


def answer(**headers) -> Fetched:
    return Fetched(b"", dict(headers, etag='"v2"'), EVERY.url, 200, 0.25)


def test_crontab_weekdays_keep_crontabs_meaning() -> None:
    assert crontab_weekdays("1-5") == "mon,tue,wed,thu,fri"
    assert crontab_weekdays("0,7") == "sun"
    with pytest.raises(ValueError):
        crontab_weekdays("8")


def test_due_with_slack_only_for_the_schedule() -> None:
    soon = NOW + timedelta(seconds=30)  # within half the 5-minute interval
    assert is_due(EVERY, SourceState("wire"), CONFIG, NOW)
    assert is_due(EVERY, SourceState("wire", next_due=soon, next_due_reason=SCHEDULE), CONFIG, NOW)
    assert not is_due(EVERY, SourceState("wire", next_due=soon, next_due_reason=BACKOFF),
                      CONFIG, NOW)


def test_cron_next_due_is_the_next_weekday_fire() -> None:
    friday_evening = datetime(2025, 3, 7, 18, 0, tzinfo=timezone.utc)
    assert next_due(CRON, CONFIG, friday_evening) == datetime(2025, 3, 10, 9, 0,
                                                              tzinfo=timezone.utc)


def test_a_hint_makes_the_next_poll_later_never_sooner_and_is_capped() -> None:
    assert poll_after_success(EVERY, CONFIG, NOW, None) == NextPoll(
        NOW + timedelta(minutes=5), SCHEDULE, NOW + timedelta(minutes=5))
    assert poll_after_success(EVERY, CONFIG, NOW, (60.0, "max-age")).reason == SCHEDULE
    later = poll_after_success(EVERY, CONFIG, NOW, (86400.0, "ttl"))
    assert (later.due, later.reason) == (NOW + timedelta(hours=1), "ttl")


def test_backoff_doubles_up_to_the_cap_and_retry_after_wins_when_later() -> None:
    assert [backoff_delay(n, 300, 3600) for n in (1, 2, 3, 5)] == [300, 600, 1200, 3600]
    third = poll_after_failure(EVERY, CONFIG, NOW, 3)
    assert third.reason == BACKOFF
    assert 1200 <= (third.due - NOW).total_seconds() <= 1320  # plus up to 10% jitter
    assert third == poll_after_failure(EVERY, CONFIG, NOW, 3)  # the same failure, the same delay
    assert poll_after_failure(EVERY, CONFIG, NOW, 1, retry_after=7200).reason == RETRY_AFTER


def test_state_after_a_failure_then_a_success() -> None:
    first = state_after_failure(SourceState("wire", etag='"v1"'), EVERY, NOW,
                                poll_after_failure(EVERY, CONFIG, NOW, 1), reason="timeout",
                                http_status=503)
    assert (first.failures, first.failing_since, first.last_status) == (1, NOW, "HTTP 503")
    later = NOW + timedelta(minutes=10)
    second = state_after_failure(first, EVERY, later, poll_after_failure(EVERY, CONFIG, later, 2),
                                 reason="timeout")
    assert (second.failures, second.failing_since, second.last_status) == (2, NOW, "error")
    poll = poll_after_success(EVERY, CONFIG, later, None)
    ok = state_after_success(second, EVERY, later, poll, fetched=answer(), status="ok",
                             failed=0, reason=None, new_items=3, repairs=["a", "b"])
    assert (ok.failures, ok.failing_since, ok.last_success, ok.next_due) == (0, None, later,
                                                                             poll.due)
    assert (ok.etag, ok.latencies, ok.items_total, ok.repairs) == ('"v2"', (0.25,), 3, "a; b")
    partial = state_after_success(ok, EVERY, later, poll, fetched=None, status="partial",
                                  failed=2, reason="2 files failed", new_items=0)
    assert (partial.last_status, partial.last_success, partial.etag) == (
        "partial: 2 failed", later, '"v2"')
