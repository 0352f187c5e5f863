"""``ingest daemon`` as a real subprocess against a real local server, with second-scale
schedules; and the writer lock between two real ``run-once`` processes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import REPO, run_cli, write_config
from localserver import Route
from test_fetch import tune_pipeline
from test_pipeline import ENGLISH, rss_feed


OTHER = [dict(item, guid=f"S-{n}", link=f"https://wire.example/s{n}", title=f"{item['title']} (second wire)")
         for n, item in enumerate(ENGLISH)]


def daemon_command() -> list[str]:
    return [sys.executable, "-m", "ingest", "daemon"]


def start_daemon(config: Path, folder: Path) -> tuple[subprocess.Popen, Path]:
    log = folder / "daemon.log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.Popen(daemon_command() + ["--config", str(config), "-v"], cwd=folder,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                env=env)
    return proc, log


def wait_for(condition, timeout: float = 30.0, what: str = "condition", proc=None, log=None) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.05)
    detail = log.read_text(encoding="utf-8")[-3000:] if log is not None else ""
    raise AssertionError(f"timed out waiting for {what}\n{detail}")


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def sources_toml(*entries: tuple[str, str, str]) -> str:
    return "".join(f"""
        [[sources]]
        id = "{sid}"
        kind = "feed"
        url = "{url}"
        every = "{every}"
        """ for sid, url, every in entries)


def fast_config(folder: Path, sources: str, editions: tuple[str, ...] = ("en", "en-gb")) -> Path:
    """The shipped pipeline with quick renders and timeouts, and only a few editions (fewer
    feed files to write keeps each run short)."""
    path = write_config(folder, sources)
    head, *blocks = path.read_text(encoding="utf-8").split("[[editions]]")
    kept = [b for b in blocks if any(f'id = "{e}"\n' in b for e in editions)]
    text = "[[editions]]".join([head] + kept)
    if "[[sources]]" not in text:  # they followed the last edition, which was left out
        text += "\n" + blocks[-1][blocks[-1].index("[[sources]]"):]
    path.write_text(text, encoding="utf-8")
    tune_pipeline(path, "render_delay = 0.2\ntimeout = 5")
    return path


def test_daemon_polls_conditionally_reloads_on_sighup_and_stops_on_sigterm(tmp_path, server) -> None:
    server.routes["/wire.xml"] = Route(body=rss_feed(ENGLISH))
    server.routes["/second.xml"] = Route(body=rss_feed(OTHER), delay=2.0)
    # The embargo lifts a few seconds after the item is served, not after the test starts: a
    # daemon slow to start on a loaded machine still stores the item before its time.
    embargo_lifts: list[datetime] = []

    def serve_embargoed(handler) -> None:
        if not embargo_lifts:
            embargo_lifts.append(datetime.now(timezone.utc).replace(microsecond=0)
                                 + timedelta(seconds=6))
        body = json.dumps({
            "uri": "urn:wire:embargo-1", "headline": "Budget figures to be released at noon",
            "versioncreated": "2025-03-06T09:00:00Z", "embargoed": embargo_lifts[0].isoformat(),
            "language": "en",
            "body_html": "<p>The finance ministry will publish the budget figures for next year "
                         "at noon, officials said on Thursday morning.</p>"}).encode()
        handler._send(200, body, {"Content-Type": "application/json"})

    server.routes["/embargo.json"] = Route(handler=serve_embargoed)
    wire = ("wire", server.url("/wire.xml"), "1s")
    embargo = ("embargo", server.url("/embargo.json"), "1h")
    config = fast_config(tmp_path, sources_toml(wire, embargo))
    db = tmp_path / "data" / "wire.db"
    proc, log = start_daemon(config, tmp_path)
    try:
        def wire_requests():
            return [headers for path, headers in list(server.requests) if path == "/wire.xml"]

        # The job fires at once, then every second; the second poll is conditional, a 304.
        wait_for(lambda: len(wire_requests()) >= 2, what="two polls of /wire.xml", proc=proc, log=log)
        first, second = wire_requests()[:2]
        assert "If-None-Match" not in first and second["If-None-Match"]
        wait_for(lambda: "[wire] not-modified" in log.read_text(encoding="utf-8"),
                 what="the 304 committed", proc=proc, log=log)
        assert count(db, "SELECT COUNT(*) FROM articles WHERE source = 'wire'") == 2
        assert count(db, "SELECT COUNT(*) FROM articles WHERE version > 1") == 0
        rss = tmp_path / "data" / "feeds" / "en-gb" / "rss.xml"
        # (W-2's guid is no URI, so the feed shows a minted id: look for its link)
        wait_for(lambda: rss.exists() and b"wire.example/rates" in rss.read_bytes(),
                 what="the feeds rendered",
                 proc=proc, log=log)
        wait_for(lambda: "[embargo] ok" in log.read_text(encoding="utf-8"), what="the embargoed item",
                 proc=proc, log=log)
        # Held back until its time: the item's absence before the lift is proved on a frozen clock
        # (test_lifecycle); here only the bound below, which holds on any machine.

        # A broken file on SIGHUP is logged; the running configuration goes on.
        good = config.read_text(encoding="utf-8")
        config.write_text(good.replace('every = "1s"', 'every = "soon"'), encoding="utf-8")
        polls = len(wire_requests())
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "keeping the running configuration" in log.read_text(encoding="utf-8"),
                 what="the bad reload logged", proc=proc, log=log)
        wait_for(lambda: len(wire_requests()) > polls + 1, what="polls after a bad reload",
                 proc=proc, log=log)

        # The embargo lifting re-renders the feeds without any fetch changing anything.
        wait_for(lambda: b"embargo-1" in rss.read_bytes(), what="the embargo lifted", proc=proc, log=log)
        assert datetime.now(timezone.utc) >= embargo_lifts[0]  # never published before its time

        # A new source on SIGHUP is scheduled and fetched.
        config.write_text(good + sources_toml(("second", server.url("/second.xml"), "1h")),
                          encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: server.hits.get("/second.xml", 0) >= 1, what="the new source fetched",
                 proc=proc, log=log)
        # SIGTERM while that (slow) fetch is in flight: it finishes, commits, and the daemon
        # exits 0 within ten seconds.
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text(encoding="utf-8")
    assert "[second] added (reload)" in text and "daemon stopped" in text
    assert count(db, "SELECT COUNT(*) FROM articles WHERE source = 'second'") == 2
    with sqlite3.connect(db) as conn:
        state = dict(conn.execute("SELECT id, last_status FROM sources").fetchall())
    assert state["second"] == "ok"
    assert f"next embargo lifts at {embargo_lifts[0].isoformat()}" in text
    assert "httpx" not in text
    # every line about a source names it
    for line in text.splitlines():
        if "ingest.pipeline" in line or "ingest.fetch" in line:
            assert "[wire]" in line or "[second]" in line or "[embargo]" in line, line


@pytest.mark.parametrize("entry, words", [
    ('every = "soon"', ["'wire'", "'every'"]),
    ('timezone = "Mars/Olympus"', ["'wire'", "'timezone'", "unknown timezone"]),
    ('cron = "*/10 6-23 * *"', ["'wire'", "'cron'", "5-field"]),
])
def test_daemon_refuses_a_bad_schedule_at_start(tmp_path, entry, words) -> None:
    config = write_config(tmp_path, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "http://127.0.0.1:9/wire.xml"
        {entry}
        """)
    env = {"PYTHONPATH": str(REPO)}
    result = subprocess.run(daemon_command() + ["--config", str(config)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, env={**os.environ, **env})
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("ingest: error: ") and len(result.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in result.stderr


def test_daemon_refuses_a_duplicate_source_id(tmp_path) -> None:
    config = write_config(tmp_path, sources_toml(("wire", "http://127.0.0.1:9/a.xml", "1m"),
                                                 ("wire", "http://127.0.0.1:9/b.xml", "1m")))
    result = subprocess.run(daemon_command() + ["--config", str(config)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 2
    assert "'wire' (#2): 'id': duplicate source id" in result.stderr


def test_a_second_run_once_waits_for_the_lock_then_exits_75(tmp_path, server) -> None:
    server.routes["/slow.xml"] = Route(body=rss_feed(ENGLISH), delay=3.0)
    config = fast_config(tmp_path, sources_toml(("slow", server.url("/slow.xml"), "1m")))
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    holder = subprocess.Popen([sys.executable, "-m", "ingest", "run-once", "--config", str(config)],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
    try:
        wait_for(lambda: server.hits.get("/slow.xml", 0) >= 1, what="the first run fetching",
                 proc=holder)
        refused = run_cli("run-once", "--all", "--wait", "0.5", "--config", str(config), cwd=tmp_path)
        assert refused.returncode == 75, refused.stdout + refused.stderr
        assert "another wirefeed run holds the archive lock" in refused.stderr
        assert f"pid {holder.pid}" in refused.stderr
        waited = run_cli("run-once", "--all", "--wait", "60", "--config", str(config), cwd=tmp_path)
        assert waited.returncode == 0, waited.stderr
        assert holder.wait(timeout=60) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate()
    # the waiting run came after the first one: the feed had not changed, so it was a 304
    assert "not-modified" in waited.stdout
