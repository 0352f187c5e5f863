"""Consecutive source commits share one archive transaction (``ingest.commits.CommitGroup``):
nothing is visible before the group commits, a failure undoes the whole group, a group ends
when full and before the run waits long for a slow source."""

from __future__ import annotations

import sqlite3
from concurrent.futures import Future
from pathlib import Path

import pytest

from ingest import commits
from ingest.archive import open_archive
from ingest.commits import COMMIT_GROUP_SOURCES, CommitGroup
from test_archive import NOW, _article


def _stored(path: Path) -> int:
    with sqlite3.connect(path) as reader:
        return reader.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def _commit_source(archive, group: CommitGroup, number: int) -> None:
    # What Runner.commit does for a source: its own transaction, a savepoint in the group.
    group.enter()
    with archive.transaction():
        archive.store([_article(number, source=f"s{number}")], NOW)
    group.committed()


def test_a_group_commits_its_sources_together_and_ends_when_full(tmp_path: Path) -> None:
    path = tmp_path / "wire.db"
    archive = open_archive(path)
    try:
        with CommitGroup(archive) as group:
            for number in range(COMMIT_GROUP_SOURCES - 1):
                _commit_source(archive, group, number)
            assert _stored(path) == 0  # still in the open group
            _commit_source(archive, group, COMMIT_GROUP_SOURCES - 1)
            assert _stored(path) == COMMIT_GROUP_SOURCES  # full: committed
            _commit_source(archive, group, COMMIT_GROUP_SOURCES)
            group.end()
            assert _stored(path) == COMMIT_GROUP_SOURCES + 1
            group.end()  # nothing open: nothing to do
            _commit_source(archive, group, COMMIT_GROUP_SOURCES + 1)
        assert _stored(path) == COMMIT_GROUP_SOURCES + 2  # the run's end commits the rest
    finally:
        archive.close()


def test_a_failure_undoes_the_open_group_only(tmp_path: Path) -> None:
    path = tmp_path / "wire.db"
    archive = open_archive(path)
    try:
        with pytest.raises(RuntimeError):
            with CommitGroup(archive) as group:
                _commit_source(archive, group, 1)
                group.end()
                _commit_source(archive, group, 2)
                raise RuntimeError("archive failure")
        assert _stored(path) == 1
        assert not archive.conn.in_transaction
    finally:
        archive.close()


def test_the_group_waits_briefly_for_a_slow_source(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(commits, "COMMIT_GROUP_WAIT", 0.01)
    archive = open_archive(tmp_path / "wire.db")
    try:
        group = CommitGroup(archive)
        slow, done = Future(), Future()
        done.set_result(None)
        assert group.wait_for(done)
        assert not group.wait_for(slow)  # no group open: no reason to wait
        group.enter()
        assert not group.wait_for(slow)  # waited COMMIT_GROUP_WAIT, then gave up
        group.end()
    finally:
        archive.close()


def test_a_source_is_announced_only_once_its_group_has_committed(tmp_path: Path) -> None:
    # The run's "[source] ok: N new" line must never report as stored what a crash then lost.
    path = tmp_path / "wire.db"
    archive = open_archive(path)
    said: list[tuple[int, int]] = []

    def commit_and_announce(group: CommitGroup, number: int) -> None:
        group.enter()
        with archive.transaction():
            archive.store([_article(number, source=f"s{number}")], NOW)
        group.committed(lambda: said.append((number, _stored(path))))

    try:
        with CommitGroup(archive) as group:
            commit_and_announce(group, 1)
            commit_and_announce(group, 2)
            assert said == []  # stored in the open group, not yet committed
            group.end()
            assert said == [(1, 2), (2, 2)]  # said after the commit, in order
        with pytest.raises(RuntimeError):
            with CommitGroup(archive) as group:
                commit_and_announce(group, 3)
                raise RuntimeError("crash before the group commits")
        assert said == [(1, 2), (2, 2)] and _stored(path) == 2  # rolled back: never said
        group = CommitGroup(archive)
        group.committed(lambda: said.append((0, _stored(path))))  # no group open: said at once
        assert said[-1] == (0, 2)
    finally:
        archive.close()
