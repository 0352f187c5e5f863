"""Where a run normalizes its documents: in its own process or in the workers' pool.

A run of many sources boots the workers' forkserver once a few documents (more than 304s) have
come, and then every document goes to the workers, so this process never loads the parsers'
models as well. A rerun of 304s keeps its rare documents (a failing source retried) in process
and boots no forkserver. The records are the same either way.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import run_cli, write_config
from localserver import Route
from ingest import cli, pipeline, workers
from ingest.archive import SourceState, open_archive
from ingest.config import load_config

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


class FakePool:
    """Stands for the process pool: the decision is what these tests look at."""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch):
    booted = []
    monkeypatch.setattr(pipeline, "start_forkserver", lambda: booted.append(True))
    monkeypatch.setattr(pipeline, "normalization_pool", lambda workers: FakePool())
    config = load_config(write_config(tmp_path, """
        [[sources]]
        id = "one"
        kind = "feed"
        url = "http://127.0.0.1:9/feed.xml"
        every = "15m"
        """))
    archive = open_archive(tmp_path / "wire.db")
    made = pipeline.Runner(config, archive, None, NOW, workers=2)
    made.booted = booted
    yield made
    archive.close()


def _in_threads(calls) -> list:
    results = [None] * len(calls)

    def call(index: int) -> None:
        results[index] = calls[index]()

    threads = [threading.Thread(target=call, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
        time.sleep(0.02)
    for thread in threads:
        thread.join(5)
    return results


def test_a_booted_run_sends_even_its_first_small_documents_to_the_workers(runner) -> None:
    runner.start_forkserver()
    pools = _in_threads([lambda: runner.worker_pool(1_000)] * pipeline.POOL_EARLY_DOCUMENTS)
    assert runner.booted == [True]  # booted once, when the third document showed the way
    assert all(isinstance(pool, FakePool) for pool in pools)
    assert len({id(pool) for pool in pools}) == 1


def test_a_document_among_304s_stays_in_this_process(runner) -> None:
    runner.start_forkserver()

    def answers() -> None:
        for _ in range(pipeline.POOL_EARLY_NOT_MODIFIED):
            runner.not_modified()

    started = time.monotonic()
    pools = _in_threads([lambda: runner.worker_pool(1_000), answers])
    assert pools[0] is None
    assert runner.booted == []  # a rerun of 304s boots no forkserver
    assert time.monotonic() - started < pipeline.POOL_EARLY_WAIT + 1


def test_a_lone_document_waits_a_moment_then_stays_in_this_process(runner) -> None:
    runner.start_forkserver()
    started = time.monotonic()
    assert runner.worker_pool(1_000) is None
    assert time.monotonic() - started >= pipeline.POOL_EARLY_WAIT * 0.9
    # a later document still counts: the third one starts the pool
    assert runner.worker_pool(1_000) is None or runner._documents_seen >= 3


def test_without_an_early_boot_small_documents_stay_until_the_bytes_pay(runner) -> None:
    for _ in range(pipeline.POOL_EARLY_DOCUMENTS + 2):
        assert runner.worker_pool(1_000) is None
    assert runner.booted == []
    assert isinstance(runner.worker_pool(pipeline.POOL_MIN_BYTES), FakePool)


def _feed(number: int) -> bytes:
    items = "".join(
        f"<item><title>Item {k} of feed {number}: the council met again on Tuesday</title>"
        f"<link>http://example.com/{number}/{k}</link><guid>g-{number}-{k}</guid>"
        f"<description>&lt;p&gt;The council of town {number} met on Tuesday to vote on "
        f"the budget for item {k}.&lt;/p&gt;</description>"
        f"<pubDate>Mon, 02 Mar 2026 1{k % 10}:00:00 GMT</pubDate></item>" for k in range(3))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {number}</title>'
            f"<link>http://example.com/{number}</link><description>d</description>{items}"
            f"</channel></rss>").encode()


def _export(folder: Path) -> list[dict]:
    result = run_cli("export", "--jsonl", "--config", str(folder / "schedules.toml"), cwd=folder)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return sorted(records, key=lambda record: record["id"])


def test_records_are_the_same_through_the_workers_and_in_process(tmp_path: Path, server) -> None:
    count = pipeline.FORKSERVER_MIN_SOURCES + 2
    sources = ""
    for number in range(count):
        server.routes[f"/f{number}.xml"] = Route(body=_feed(number),
                                                 content_type="application/rss+xml",
                                                 last_modified="Mon, 02 Mar 2026 12:00:00 GMT")
        sources += (f'[[sources]]\nid = "s{number}"\nkind = "feed"\n'
                    f'url = "{server.url(f"/f{number}.xml")}"\nevery = "15m"\n\n')
    together, apart = tmp_path / "together", tmp_path / "apart"
    for folder in (together, apart):
        folder.mkdir()
        write_config(folder, sources)
    # All sources in one run: the forkserver boots, the workers normalize.
    assert run_cli("run-once", "--all", "-q", "--config", str(together / "schedules.toml"),
                   cwd=together).returncode == 0
    # Half the sources per run: too few to boot the workers, normalized in process.
    for half in (range(0, count, 2), range(1, count, 2)):
        chosen = [arg for number in half for arg in ("--source", f"s{number}")]
        assert run_cli("run-once", *chosen, "-q", "--config", str(apart / "schedules.toml"),
                       cwd=apart).returncode == 0
    first, second = _export(together), _export(apart)
    assert len(first) == 3 * count
    volatile = ("fetched", "first_seen", "stored", "seen")
    strip = [{key: value for key, value in record.items() if key not in volatile}
             for record in first + second]
    assert strip[:len(first)] == strip[len(first):]
    # And the rerun of the whole set is all 304s.
    rerun = run_cli("run-once", "--all", "--config", str(together / "schedules.toml"),
                    cwd=together)
    assert rerun.returncode == 0
    assert rerun.stdout.count("not-modified") == count


def test_documents_among_more_304s_stay_in_this_process(runner) -> None:
    runner.start_forkserver()
    for _ in range(20):
        runner.not_modified()
    for _ in range(pipeline.POOL_EARLY_DOCUMENTS + 5):
        assert runner.worker_pool(1_000) is None
    assert runner.booted == []


_OWNER = """
import os, sys, time
sys.path.insert(0, {repo!r})
from ingest.workers import normalization_pool
pool = normalization_pool(2)
# two tasks at once: the pool starts a second worker only when the first one is busy
for future in [pool.submit(time.sleep, 0.5) for _ in range(2)]:
    future.result()
print(" ".join(map(str, sorted(pool._processes))), flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[-1][:1] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_their_run_is_killed() -> None:
    """A run killed with SIGKILL leaves no normalization worker waiting forever."""
    import signal
    import subprocess
    import sys

    from conftest import REPO

    owner = subprocess.Popen([sys.executable, "-c", _OWNER.format(repo=str(REPO))],
                             stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(pid) for pid in owner.stdout.readline().split()]
        assert len(workers) >= 2 and all(_alive(pid) for pid in workers)
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait(10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _sources(count: int, kind: str = "feed") -> str:
    lines = ""
    for number in range(count):
        where = 'path = "drop"' if kind == "inbox" else f'url = "http://127.0.0.1:9/f{number}.xml"'
        lines += f'[[sources]]\nid = "{kind}{number}"\nkind = "{kind}"\n{where}\nevery = "15m"\n\n'
    return lines


@pytest.mark.parametrize("feeds, inboxes, attempted, boots", [
    (cli.FIRST_FETCH_SOURCES, 0, 0, True),       # a first run of many sources
    (cli.FIRST_FETCH_SOURCES - 1, 3, 0, False),  # inboxes fetch nothing
    (cli.FIRST_FETCH_SOURCES + 1, 0, 2, False),  # the others were fetched before: 304s likely
    (cli.FIRST_FETCH_SOURCES + 2, 0, 2, True),   # new sources enough
])
def test_run_once_boots_the_forkserver_early_for_many_first_fetches(
        tmp_path: Path, monkeypatch, feeds: int, inboxes: int, attempted: int, boots: bool) -> None:
    (tmp_path / "drop").mkdir()
    booted = []
    monkeypatch.setattr(workers, "start_forkserver", lambda: booted.append(True))
    monkeypatch.setattr(workers, "cpu_workers", lambda most: 2)
    config = load_config(write_config(tmp_path, _sources(feeds) + _sources(inboxes, "inbox")))
    archive = open_archive(tmp_path / "wire.db")
    try:
        for number in range(attempted):
            archive.save_source_state(SourceState(id=f"feed{number}", last_attempt=NOW))
        assert cli._boot_workers_for_first_fetches(config, archive, ()) is boots
        assert booted == ([True] if boots else [])
        # Named sources count alone.
        booted.clear()
        assert cli._boot_workers_for_first_fetches(config, archive, ("feed0",)) is False
        assert booted == []
    finally:
        archive.close()


def test_a_new_archive_file_boots_the_forkserver_before_it_is_made(tmp_path: Path,
                                                                  monkeypatch) -> None:
    booted = []
    monkeypatch.setattr(workers, "start_forkserver", lambda: booted.append(True))
    monkeypatch.setattr(workers, "cpu_workers", lambda most: 2)
    config = load_config(write_config(tmp_path, _sources(cli.FIRST_FETCH_SOURCES)))
    assert not Path(config.pipeline.database).exists()
    assert cli._boot_workers_for_first_fetches(config, None, ()) is True
    assert booted == [True]
    open_archive(config.pipeline.database).close()  # once it exists, the archive decides
    booted.clear()
    assert cli._boot_workers_for_first_fetches(config, None, ()) is False
    assert booted == []


def test_one_cpu_boots_no_forkserver_early(tmp_path: Path, monkeypatch) -> None:
    booted = []
    monkeypatch.setattr(workers, "start_forkserver", lambda: booted.append(True))
    monkeypatch.setattr(workers, "cpu_workers", lambda most: 1)
    config = load_config(write_config(tmp_path, _sources(cli.FIRST_FETCH_SOURCES * 2)))
    archive = open_archive(tmp_path / "wire.db")
    try:
        assert cli._boot_workers_for_first_fetches(config, archive, ()) is False
        assert booted == []
    finally:
        archive.close()


def test_the_publishers_warm_up_is_no_part_of_its_value(tmp_path: Path) -> None:
    """A first run of many sources loads the site's templates and locale data in a thread while
    its workers load (ingest.cli); the publisher stays equal, and joins the thread first."""
    config = load_config(write_config(tmp_path, _sources(2)))
    from ingest.publishing import feed_publisher

    publisher = feed_publisher(config).warming_up()
    assert publisher.warming is not None
    assert publisher == feed_publisher(config)
    publisher.warming.join()
