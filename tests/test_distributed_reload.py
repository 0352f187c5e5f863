"""Distributed mode follows an edited ``schedules.toml``: the scheduler and the workers re-read
it when it changes (no signal to send to each process on each machine); an invalid edit is
logged and the running configuration kept; ``database`` and ``broker`` need a restart."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from conftest import write_config
from distributed_helpers import Tracker, kill_group, serve_feeds, sources_toml, start, stop, wait_for
from ingest.archive import open_archive
from ingest.config import load_config
from ingest.distributed.followed import FollowedConfig
from test_fetch import tune_pipeline

SOURCE = '\n[[sources]]\nid = "{id}"\nkind = "feed"\nurl = "{url}"\nevery = "1h"\n'


def test_an_unchanged_file_is_not_read_again(tmp_path: Path) -> None:
    followed = FollowedConfig(load_config(write_config(tmp_path, SOURCE.format(
        id="afp", url="http://127.0.0.1:9/afp.xml"))))
    first = followed.config
    assert followed.current() == (first, False)
    assert followed.current()[0] is first


def test_an_edit_is_followed_an_invalid_one_is_not(tmp_path: Path, caplog) -> None:
    path = write_config(tmp_path, SOURCE.format(id="afp", url="http://127.0.0.1:9/afp.xml"))
    followed = FollowedConfig(load_config(path))
    with path.open("a", encoding="utf-8") as out:
        out.write(SOURCE.format(id="efe", url="http://127.0.0.1:9/efe.xml"))
    config, changed = followed.current()
    assert changed and [s.id for s in config.sources] == ["afp", "efe"]

    text = path.read_text(encoding="utf-8")
    path.write_text(text + '\n[[sources]]\nid = "efe"\nkind = "feed"\n', encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="ingest.distributed.followed"):
        kept, changed = followed.current()
    assert not changed and kept is config
    assert "configuration changed but not loaded" in caplog.text
    assert followed.current() == (config, False)  # logged once per change, not every tick


def test_database_and_broker_stay_until_a_restart(tmp_path: Path, caplog) -> None:
    path = write_config(tmp_path, SOURCE.format(id="afp", url="http://127.0.0.1:9/afp.xml"))
    tune_pipeline(path, 'broker = "redis://127.0.0.1:6379/0"\ndatabase = "one.db"')
    followed = FollowedConfig(load_config(path))
    before = followed.config.pipeline
    tune_pipeline(path, 'broker = "redis://127.0.0.1:6379/5"\ndatabase = "two.db"\ntimeout = 7')
    with caplog.at_level(logging.WARNING, logger="ingest.distributed.followed"):
        config, changed = followed.current()
    assert changed and config.pipeline.timeout == 7  # the rest follows
    assert (config.pipeline.database, config.pipeline.broker) == (before.database, before.broker)
    assert "database and broker changed; restart" in caplog.text


@pytest.mark.slow
def test_a_source_added_to_the_file_is_fetched_without_a_restart(tmp_path: Path, server,
                                                                   redis_url: str) -> None:
    tracker = Tracker()
    urls = serve_feeds(server, tracker, 3, 2)
    config = write_config(tmp_path, sources_toml(urls[:2]))
    tune_pipeline(config, f'broker = "{redis_url}"\ntimeout = 3\nrender_delay = 0.2')
    logs = [tmp_path / "scheduler.log", tmp_path / "worker.log"]
    procs = [start(["scheduler", "-v", "--tick", "0.1"], config, logs[0], cwd=tmp_path),
             start(["worker", "-v", "-c", "1", "-n", "w1@test"], config, logs[1], cwd=tmp_path)]
    archive = open_archive(load_config(config).pipeline.database)

    def stored() -> set[str]:
        return {sid for sid, s in archive.source_states().items() if s.last_success}
    try:
        wait_for(lambda: stored() == {"s000", "s001"}, 300, "the first two sources", logs,
                 every=0.2)
        # An invalid edit first: both processes keep running on what they had.
        text = config.read_text(encoding="utf-8")
        config.write_text(text + "\n[[sources]]\nid = broken\n", encoding="utf-8")
        wait_for(lambda: "configuration changed but not loaded" in logs[0].read_text(), 120,
                 "the scheduler to refuse the invalid edit", logs)
        config.write_text(text + SOURCE.format(id="s002", url=urls[2]), encoding="utf-8")
        wait_for(lambda: "s002" in stored(), 300, "the added source", logs, every=0.2)
        assert tracker.served["/feeds/s002.xml"] == 1
        assert stop(procs[0], 120) == 0 and stop(procs[1], 120) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                kill_group(proc)
        archive.close()
    assert "configuration re-read" in logs[0].read_text()
    assert "configuration re-read" in logs[1].read_text()
    archive = open_archive(load_config(config).pipeline.database)
    try:
        assert len(list(archive.iter_articles())) == 6
    finally:
        archive.close()
