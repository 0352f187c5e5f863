"""The cache folder stops growing: old copies of a cached file are pruned, used ones kept."""

from __future__ import annotations

import os
from pathlib import Path

from normalize import cachefiles

DAY = 86_400 * 10**9


def aged(folder: Path, name: str, days_ago: int) -> Path:
    path = folder / name
    path.write_bytes(b"x")
    stamp = 1_700_000_000 * 10**9 - days_ago * DAY  # explicit times in the past (2023)
    os.utime(path, ns=(stamp, stamp))
    return path


def test_prune_keeps_the_copies_used_last_and_the_one_just_written(tmp_path):
    old = [aged(tmp_path, f"places-{n}.marshal", days_ago=n) for n in range(1, 6)]
    other_family = aged(tmp_path, "wordfreq-small-fr-1.marshal", days_ago=30)
    partial = aged(tmp_path, "places-9.marshal.abc.tmp", days_ago=30)  # another writer's
    new = tmp_path / "places-new.marshal"
    cachefiles.write_atomically(new, b"built")
    removed = cachefiles.prune(new, "places-*.marshal", keep=3)
    assert sorted(removed) == sorted(old[2:])
    assert new.read_bytes() == b"built"
    assert old[0].exists() and old[1].exists()
    assert other_family.exists() and partial.exists()


def test_a_copy_read_recently_is_kept_over_newer_unread_ones(tmp_path):
    oldest = aged(tmp_path, "places-a.marshal", days_ago=50)
    middle = aged(tmp_path, "places-b.marshal", days_ago=2)
    aged(tmp_path, "places-c.marshal", days_ago=1)
    cachefiles.mark_used(oldest)  # its install is still in use: now the most recent
    new = aged(tmp_path, "places-d.marshal", days_ago=0)
    assert cachefiles.prune(new, "places-*.marshal", keep=3) == [middle]
    assert oldest.exists()


def test_prune_never_raises_on_a_missing_folder_or_file(tmp_path):
    assert cachefiles.prune(tmp_path / "gone" / "places-x.marshal", "places-*.marshal", 3) == []
    cachefiles.mark_used(tmp_path / "missing")  # nothing to mark, no error
