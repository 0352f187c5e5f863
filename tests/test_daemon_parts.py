"""The daemon's coordination pieces on their own, driven by events (no sleeps, no timings):
a stop waits for the jobs in flight, lets the ones committing finish and abandons the rest;
renders are debounced and never overlap."""

from __future__ import annotations

import logging
import threading
import time

from ingest.daemon_parts import Debounced, RunningJobs

WAIT = 60.0  # generous: only reached if something is broken


def test_a_stop_with_no_job_running_abandons_nothing() -> None:
    jobs = RunningJobs()
    jobs.wait_or_abandon(deadline=time.monotonic(), finish=0.0)
    assert not jobs.abandoned and len(jobs) == 0


def test_a_stop_abandons_fetching_jobs_and_lets_committing_ones_finish(caplog) -> None:
    jobs = RunningJobs()
    fetching_in, committing_in, release, committed = (threading.Event() for _ in range(4))
    outcome: dict[str, bool] = {}

    def fetching() -> None:
        with jobs.tracking("slow-feed"):
            fetching_in.set()
            release.wait(WAIT)
            with jobs.commit_slot() as allowed:  # after the stop gave up: must not commit
                outcome["slow-feed"] = allowed

    def committing() -> None:
        with jobs.tracking("fast-feed"), jobs.commit_slot() as allowed:
            outcome["fast-feed"] = allowed
            committing_in.set()
            # Finish only once the stop has abandoned the others: it must wait for this one.
            while not jobs.abandoned:
                time.sleep(0.01)
            committed.set()

    threads = [threading.Thread(target=fetching), threading.Thread(target=committing)]
    for thread in threads:
        thread.start()
    assert fetching_in.wait(WAIT) and committing_in.wait(WAIT)
    assert len(jobs) == 2
    with caplog.at_level(logging.WARNING, logger="ingest.daemon"):
        jobs.wait_or_abandon(deadline=time.monotonic(), finish=WAIT)  # the grace is over
    assert jobs.abandoned and committed.is_set()
    assert "[slow-feed] still fetching at shutdown: abandoned" in caplog.text
    assert "fast-feed" not in caplog.text
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert outcome == {"fast-feed": True, "slow-feed": False}
    assert len(jobs) == 0


def test_requests_before_the_run_make_one_run() -> None:
    runs = []
    render = Debounced(lambda: runs.append(1), lambda: 3600.0, "test-render")
    assert render.request() == 3600.0
    assert render.request() is None and render.request() is None  # already pending
    render.run_now()  # what the countdown would do
    assert runs == [1]
    assert render.request() == 3600.0  # a new request after the run starts a new countdown
    assert render.cancel() and not render.cancel()
    assert runs == [1]


def test_the_countdown_runs_the_call() -> None:
    ran = threading.Event()
    render = Debounced(ran.set, lambda: 0.0, "test-render")
    render.request()
    assert ran.wait(WAIT)


def test_two_runs_never_overlap() -> None:
    inside, most, first_in, go = [0], [0], threading.Event(), threading.Event()
    lock = threading.Lock()

    def publish() -> None:
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        first_in.set()
        go.wait(WAIT)
        with lock:
            inside[0] -= 1

    render = Debounced(publish, lambda: 3600.0, "test-render")
    first = threading.Thread(target=render.run_now)
    first.start()
    assert first_in.wait(WAIT)
    second = threading.Thread(target=render.run_now)
    second.start()
    go.set()
    first.join(WAIT)
    second.join(WAIT)
    assert most[0] == 1
