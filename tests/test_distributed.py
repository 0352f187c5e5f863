"""Distributed mode on the real engines: redis-server (tests/engines_redis.py), real
``ingest scheduler`` and ``ingest worker`` processes, the local HTTP server, the archive."""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import redis

from conftest import run_cli, write_config
from distributed_helpers import (
    Tracker, kill_group, pid_with_port, published_mark, serve_feeds, sources_toml, start, stop,
    wait_for,
)
from engines_redis import free_port
from ingest.archive import SourceState, open_archive
from ingest.config import build_config, load_config
from ingest.distributed import leases
from ingest.distributed.app import PUBLISH_QUEUE, SOURCES_QUEUE
from ingest.distributed.scheduler import due_now, send_at
from ingest.errors import ConfigError
from test_fetch import tune_pipeline

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)


def distributed_config(folder: Path, urls: list[str], broker: str, extra: str = "") -> Path:
    path = write_config(folder, sources_toml(urls))
    tune_pipeline(path, f'broker = "{broker}"\ntimeout = 3\nrender_delay = 0.2\nper_host = 4\n'
                        f'{extra}')
    return path


# -- configuration and pure decisions ---------------------------------------------------------


@pytest.mark.parametrize("value, ok", [
    ("redis://127.0.0.1:6379/0", True), ("rediss://cache.example:6380/1", True),
    ("amqp://127.0.0.1//", False), ("127.0.0.1:6379", False), ("redis://", False),
])
def test_broker_must_be_a_redis_url(value: str, ok: bool) -> None:
    data = {"pipeline": {"broker": value}, "editions": [{"id": "en", "name": "E", "languages": ["en"]}]}
    if ok:
        assert build_config(data, Path("schedules.toml")).pipeline.broker == value
    else:
        with pytest.raises(ConfigError, match="'broker'.*not a broker URL"):
            build_config(data, Path("schedules.toml"))


def test_a_password_in_a_bad_broker_url_is_not_shown() -> None:
    data = {"pipeline": {"broker": "amqp://user:secret@mq/"},
            "editions": [{"id": "en", "name": "E", "languages": ["en"]}]}
    with pytest.raises(ConfigError) as caught:
        build_config(data, Path("schedules.toml"))
    assert "secret" not in str(caught.value) and "***@mq" in str(caught.value)


def test_send_times_follow_the_stored_due_time_and_jitter(tmp_path: Path) -> None:
    path = write_config(tmp_path, """
        [[sources]]
        id = "plain"
        kind = "feed"
        url = "https://a.example/f.xml"
        every = "10m"

        [[sources]]
        id = "jittered"
        kind = "feed"
        url = "https://a.example/g.xml"
        every = "10m"
        jitter = "30s"

        [[sources]]
        id = "off"
        kind = "feed"
        url = "https://a.example/h.xml"
        enabled = false
        """)
    config = load_config(path)
    plain, jittered, _ = config.sources
    due = NOW + timedelta(minutes=5)
    assert send_at(plain, SourceState("plain"), config) is None  # never run: now
    assert send_at(plain, SourceState("plain", next_due=due), config) == due
    late = send_at(jittered, SourceState("jittered", next_due=due), config)
    assert due <= late <= due + timedelta(seconds=30)
    assert late == send_at(jittered, SourceState("jittered", next_due=due), config)  # stable
    states = {"plain": SourceState("plain", next_due=due),
              "jittered": SourceState("jittered", next_due=NOW - timedelta(minutes=1))}
    # No early slack (the daemon's trigger needs it; a polling scheduler would drift).
    assert [s.id for s in due_now(config, states, due - timedelta(seconds=1))] == ["jittered"]
    assert [s.id for s in due_now(config, states, due)] == ["plain", "jittered"]


# -- Redis coordination -----------------------------------------------------------------------


def test_publish_requests_coalesce(redis_url: str) -> None:
    client = leases.connect(redis_url)
    requests = leases.PublishRequests(client)
    sent: list[int] = []

    def send() -> None:
        sent.append(1)

    assert not requests.send_due(send)  # nothing asked for
    for _ in range(3):
        requests.request()
    assert not requests.send_due(send, delay=3600)  # the debounce has not passed
    assert requests.send_due(send) and not requests.send_due(send)
    assert len(sent) == 1  # one task for three requests
    lease = leases.Lease(client, leases.PUBLISH_PENDING, 30)
    assert requests.claim(lease)
    assert not requests.claim(leases.Lease(client, leases.PUBLISH_PENDING, 30))  # one at a time
    seen = requests.seen()
    requests.request()  # while it publishes: no second task ...
    requests.request()
    assert not requests.send_due(send) and len(sent) == 1
    assert requests.finish(lease, seen)  # ... but one more once it is done
    assert requests.send_due(send) and len(sent) == 2
    again = leases.Lease(client, leases.PUBLISH_PENDING, 30)
    assert requests.claim(again)
    assert not requests.finish(again, requests.seen())
    assert client.keys("wirefeed:publish:*") == []
    assert not requests.send_due(send) and len(sent) == 2


def test_a_publish_whose_worker_died_is_sent_again(redis_url: str) -> None:
    client = leases.connect(redis_url)
    requests = leases.PublishRequests(client)
    sent: list[int] = []
    requests.request()
    assert requests.send_due(lambda: sent.append(1))
    dead = leases.Lease(client, leases.PUBLISH_PENDING, 0.3)
    assert requests.claim(dead)  # ... and its worker dies: no renewal, no finish
    assert not requests.send_due(lambda: sent.append(1))
    wait_for(lambda: client.get(leases.PUBLISH_PENDING) is None, 10, "the lease to expire")
    assert requests.send_due(lambda: sent.append(1)) and len(sent) == 2


def test_a_source_is_queued_once_and_not_while_it_runs(redis_url: str) -> None:
    client = leases.connect(redis_url)
    assert leases.mark_queued(client, "afp", 60)
    assert not leases.mark_queued(client, "afp", 60)
    lock = leases.Lease(client, leases.lock_key("afp"), 30)
    assert lock.acquire() and not leases.Lease(client, leases.lock_key("afp"), 30).acquire()
    client.delete(leases.queued_key("afp"))  # the worker started it
    assert not leases.mark_queued(client, "afp", 60)  # running: not sent again
    lock.release()
    assert leases.mark_queued(client, "afp", 60)


def test_per_host_limit_holds_across_limiters(redis_url: str) -> None:
    # Two limiters stand for two workers: each allows 2 requests to a host, together 2.
    first, second = (leases.SharedHostLimits(leases.connect(redis_url), 8, 2, 30)
                     for _ in range(2))
    url = "http://agency.example/feed.xml"
    entered = threading.Event()
    with first.slot(url), second.slot(url):
        thread = threading.Thread(target=lambda: (second.slot(url).__enter__(), entered.set()))
        thread.start()
        assert not entered.wait(0.3)  # a third request waits (bounded wait, not a timing claim)
    thread.join(10)
    assert entered.is_set()


# -- start-up faults --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["scheduler", "worker"])
def test_unreachable_broker_is_one_line_and_exit_3(tmp_path: Path, command: str) -> None:
    broker = f"redis://127.0.0.1:{free_port()}/0"
    config = distributed_config(tmp_path, ["https://a.example/f.xml"], broker)
    result = run_cli(command, "--config", str(config), cwd=tmp_path, timeout=60)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("ingest: error: redis://127.0.0.1:") and "cannot reach the broker" in lines[0]


@pytest.mark.parametrize("archive", ["sqlite", "postgresql"])
@pytest.mark.parametrize("command", ["scheduler", "worker"])
def test_unusable_archive_is_one_line_and_exit_3(tmp_path: Path, redis_url: str,
                                                 command: str, archive: str) -> None:
    if archive == "sqlite":  # a file that is no database
        config = distributed_config(tmp_path, ["https://a.example/f.xml"], redis_url)
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "wire.db").write_bytes(b"not a database at all" * 100)
    else:  # a PostgreSQL server nobody runs
        config = distributed_config(
            tmp_path, ["https://a.example/f.xml"], redis_url,
            f'database = "postgresql://wirefeed:secret@127.0.0.1:{free_port()}/wire"')
    result = run_cli(command, "--config", str(config), cwd=tmp_path, timeout=60)
    assert "secret" not in result.stderr
    assert result.returncode == 3, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_without_a_broker_the_commands_say_so(tmp_path: Path) -> None:
    path = write_config(tmp_path, sources_toml(["https://a.example/f.xml"]))
    result = run_cli("worker", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 2 and "[pipeline] broker is not set" in result.stderr


# -- real processes ---------------------------------------------------------------------------


@pytest.mark.slow
def test_second_scheduler_stands_by_and_takes_over(tmp_path: Path, server, redis_url: str) -> None:
    tracker = Tracker()
    urls = serve_feeds(server, tracker, 5, 1)
    config = distributed_config(tmp_path, urls, redis_url)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    first = start(["scheduler", "-v", "--tick", "0.1", "--lease-ttl", "1"], config, logs[0],
                  cwd=tmp_path)
    second = None
    try:
        wait_for(lambda: client.llen(SOURCES_QUEUE) == 5, 60, "the first scheduler's tasks", logs)
        second = start(["scheduler", "-v", "--tick", "0.1", "--lease-ttl", "1"], config, logs[1],
                       cwd=tmp_path)
        wait_for(lambda: "standing by" in logs[1].read_text(), 60, "the second to stand by", logs)
        assert client.get(leases.SCHEDULER_KEY).split(":")[1] == str(first.pid)
        assert client.llen(SOURCES_QUEUE) == 5  # sent once, by the first only
        kill_group(first)  # dies holding the lease: it expires, the second takes over
        wait_for(lambda: (client.get(leases.SCHEDULER_KEY) or "::").split(":")[1]
                 == str(second.pid), 60, "the takeover", logs)
        assert client.llen(SOURCES_QUEUE) == 5  # what was queued stays queued, once
        # The queue and markers vanish (a broker restarted empty): the sources, still due in
        # the archive, are sent again by the new holder.
        client.delete(SOURCES_QUEUE, *client.keys("wirefeed:queued:*"))
        wait_for(lambda: client.llen(SOURCES_QUEUE) == 5, 60, "the sources sent again", logs)
        assert stop(second) == 0
        assert "scheduler lease released" in logs[1].read_text()
        assert client.get(leases.SCHEDULER_KEY) is None  # released at once on SIGTERM
        assert client.llen(PUBLISH_QUEUE) == 1  # the start publishes coalesced into one task
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                kill_group(proc)


def _feed_files(root: Path) -> dict[str, bytes]:
    """Every feed under ``root`` with what legitimately differs between two runs removed: the
    channel's own date (when its content last changed: the run's clock)."""
    files = {}
    for path in sorted(root.rglob("*")):
        name = path.name
        if name == "feed.json":
            data = json.loads(path.read_bytes())
            data.get("_wirefeed", {}).pop("updated", None)
            files[str(path.relative_to(root))] = json.dumps(data, sort_keys=True).encode()
        elif name in ("rss.xml", "atom.xml"):
            text = path.read_text(encoding="utf-8")
            head, sep, rest = text.partition("<item>" if name == "rss.xml" else "<entry>")
            head = re.sub(r"<(pubDate|lastBuildDate|updated)>[^<]*</\1>", "", head)
            files[str(path.relative_to(root))] = (head + sep + rest).encode()
    return files


@pytest.mark.slow
def test_two_workers_one_killed_store_everything_once(tmp_path: Path, server, redis_url: str,
                                                      database) -> None:
    """On PostgreSQL, and on one SQLite file shared by the worker processes."""
    tracker = Tracker(hold="/feeds/s020.xml")
    urls = serve_feeds(server, tracker, 200, 2)
    folder = tmp_path / "distributed"
    folder.mkdir()
    config = distributed_config(folder, urls, redis_url, f'database = "{database}"')
    feeds = folder / "data" / "feeds"
    logs = [folder / name for name in ("scheduler.log", "worker-1.log", "worker-2.log")]
    # A task the killed worker had reserved but not started stays unacknowledged (Redis hands
    # it out again only after the visibility timeout) and its source marked as queued: the
    # scheduler sends it again once the mark is --requeue-after seconds old.
    procs = [start(["scheduler", "-v", "--tick", "0.2", "--requeue-after", "30"], config, logs[0],
                   cwd=folder)]
    procs += [start(["worker", "-v", "-c", "2", "-n", f"w{n}@test"], config, log, cwd=folder)
              for n, log in enumerate(logs[1:], 1)]
    archive = open_archive(load_config(config).pipeline.database)
    try:
        # Kill the worker whose request for s020 the server holds (found by its TCP port).
        # Generous waits on observed events only: a loaded machine is slow, never wrong.
        wait_for(tracker.held.is_set, 300, "the request to hold", logs)
        pid = pid_with_port(tracker.held_port)
        victim = next(proc for proc in procs[1:] if pid is not None
                      and os.getpgid(pid) == proc.pid)
        done_before = sum(1 for s in archive.source_states().values() if s.last_success)
        kill_group(victim)
        tracker.release.set()

        def finished() -> bool:
            states = archive.source_states()
            return (sum(1 for s in states.values() if s.last_success) == 200
                    and published_mark(feeds) == archive.change_mark()
                    and not redis.Redis.from_url(redis_url).exists(leases.PUBLISH_PENDING))
        wait_for(finished, 900, "every source stored and published", logs, every=0.5)
        assert stop(procs[0], 120) == 0
        survivor = next(proc for proc in procs[1:] if proc is not victim)
        assert stop(survivor, 120) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                kill_group(proc)
    assert done_before < 200  # killed mid-run (its own source at least was not done)
    assert tracker.overlaps == []  # no source fetched by two workers at once
    assert tracker.served["/feeds/s020.xml"] == 1  # fetched again after the kill
    records = list(archive.iter_articles())
    assert len(records) == 400 and len({r.id for r in records}) == 400
    assert all(r.version == 1 and not archive.history(r.id) for r in records)
    # A source's records and its state (items_total) commit in one transaction: a worker
    # killed at any point leaves both or neither, so the count is exact.
    assert sum(s.items_total for s in archive.source_states().values()) == 400
    assert all(s.failures == 0 for s in archive.source_states().values())
    archive.close()
    text = "".join(log.read_text() for log in logs[1:])
    assert "[s020] task done" in text

    # The same input through one `ingest run-once` on SQLite: the same feeds.
    single = tmp_path / "single"
    single.mkdir()
    path = write_config(single, sources_toml(urls))
    tune_pipeline(path, "timeout = 3\nper_host = 4")
    result = run_cli("run-once", "--all", "-q", "--config", str(path), cwd=single, timeout=900)
    assert result.returncode == 0, result.stderr
    mine, theirs = _feed_files(feeds), _feed_files(single / "data" / "feeds")
    assert len(mine) == 60 and sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []
    shown = json.loads((feeds / "en" / "feed.json").read_bytes())["items"]
    assert len(shown) == 50  # a full feed (items_per_feed), not two empty ones


@pytest.mark.slow
def test_broker_restarting_empty_mid_run_loses_nothing(tmp_path: Path, server, redis_server,
                                                       redis_url: str) -> None:
    tracker = Tracker(hold="/feeds/s010.xml")
    urls = serve_feeds(server, tracker, 40, 1)
    config = distributed_config(tmp_path, urls, redis_url)
    feeds = tmp_path / "data" / "feeds"
    logs = [tmp_path / "scheduler.log", tmp_path / "worker.log"]
    scheduler = start(["scheduler", "-v", "--tick", "0.2"], config, logs[0], cwd=tmp_path)
    worker = start(["worker", "-v", "-c", "1"], config, logs[1], cwd=tmp_path)
    archive = open_archive(load_config(config).pipeline.database)

    def stored(source_id: str) -> bool:
        return archive.source_state(source_id).last_success is not None
    try:
        # The only worker process is held on s010; the other sources wait in Redis, which
        # then stops and comes back empty (no persistence): their tasks are gone.
        wait_for(tracker.held.is_set, 120, "the request to hold", logs)
        redis_server.stop()
        tracker.release.set()  # s010 completes and commits while the broker is away
        wait_for(lambda: stored("s010"), 60, "s010 stored during the outage", logs)
        assert not stored("s039")
        redis_server.start()
        wait_for(lambda: all(stored(f"s{n:03}") for n in range(40))
                 and published_mark(feeds) == archive.change_mark(), 180,
                 "every source stored and published after the outage", logs)
        assert scheduler.poll() is None and worker.poll() is None
        assert stop(scheduler) == 0 and stop(worker) == 0
    finally:
        for proc in (scheduler, worker):
            if proc.poll() is None:
                kill_group(proc)
    # The scheduler went on through it: its calls waiting out the outage (or failing, logged
    # and retried), its lease gone with Redis's data and taken again.
    text = logs[0].read_text()
    assert "broker unavailable" in text or "scheduler lease lost" in text
    assert text.count("scheduler lease taken") == 2
    assert archive.count_articles() == 40
    assert sum(s.items_total for s in archive.source_states().values()) == 40
    assert tracker.overlaps == []
    archive.close()


def test_an_unknown_queue_is_a_command_line_error(tmp_path: Path, redis_url: str) -> None:
    config = distributed_config(tmp_path, ["https://a.example/f.xml"], redis_url)
    result = run_cli("worker", "-Q", "wirefeed.sources,celery", "--config", str(config),
                     cwd=tmp_path)
    assert result.returncode == 2 and "unknown queue celery" in result.stderr


class _Killed(BaseException):
    """Stands for a SIGKILL: nothing after it runs (not an Exception, so nothing catches it)."""


def test_a_kill_between_the_records_and_the_source_state_leaves_neither(
        tmp_path: Path, server, database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Storing a source's records and saving its state (items_total) are one transaction on
    both backends: dying before the state is saved stores no record, so the next run counts
    every item once (before, the rerun found them unchanged and items_total stayed short)."""
    from click.testing import CliRunner

    from ingest.archive.sources import SourcesMixin
    from ingest.cli import main

    urls = serve_feeds(server, Tracker(), 2, 3)
    config = write_config(tmp_path, sources_toml(urls))
    tune_pipeline(config, f'database = "{database}"\nconcurrency = 1')
    save = SourcesMixin.save_source_state

    def dies_on_s001(self, state) -> None:
        if state.id == "s001" and state.last_success is not None:
            raise _Killed
        save(self, state)

    monkeypatch.setattr(SourcesMixin, "save_source_state", dies_on_s001)
    with pytest.raises(_Killed):
        CliRunner().invoke(main, ["run-once", "--all", "-q", "--config", str(config)],
                           catch_exceptions=False)
    monkeypatch.setattr(SourcesMixin, "save_source_state", save)
    archive = open_archive(load_config(config).pipeline.database)
    try:
        assert [r.source for r in archive.iter_articles()].count("s001") == 0
    finally:
        archive.close()
    result = CliRunner().invoke(main, ["run-once", "--all", "-q", "--config", str(config)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    archive = open_archive(load_config(config).pipeline.database)
    try:
        states = archive.source_states()
        assert len(list(archive.iter_articles())) == 6
        assert {s: states[s].items_total for s in ("s000", "s001")} == {"s000": 3, "s001": 3}
    finally:
        archive.close()
