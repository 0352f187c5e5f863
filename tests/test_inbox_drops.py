"""What an inbox does with drops that are not documents: a folder is reported against the source
and left where it is; a file longer than the cap when read is refused, however small it was
when listed."""

from __future__ import annotations

import errno
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import write_config
from test_fulltext import NOW
from test_pipeline import ENGLISH, rss_feed

from ingest import inbox
from ingest.archive import open_archive
from ingest.config import load_config
from ingest.pipeline import run_once


def test_a_folder_dropped_in_an_inbox_is_reported_and_left_alone(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    (drop / "batch-2025-03-06").mkdir(parents=True)
    (drop / "batch-2025-03-06" / "story.xml").write_bytes(rss_feed(ENGLISH))
    (drop / "good.xml").write_bytes(rss_feed(ENGLISH))
    config = load_config(write_config(tmp_path, """
        [[sources]]
        id = "drop"
        kind = "inbox"
        path = "drop"
        """))
    archive = open_archive(config.pipeline.database)
    try:
        first = run_once(config, archive, now=NOW).outcomes[0]
        # done/ now exists: it is the inbox's own, never reported
        second = run_once(config, archive, now=NOW + timedelta(days=1)).outcomes[0]
        state = archive.source_state("drop")
    finally:
        archive.close()
    reason = "1 entry never read: batch-2025-03-06 (a folder, not a regular file)"
    assert first.new == 2 and first.status == "partial" and first.reason == reason
    assert second.reason == reason and state.last_error == reason
    assert (drop / "batch-2025-03-06" / "story.xml").exists()
    assert (drop / "done" / "good.xml").exists()


def test_a_file_longer_than_the_cap_when_read_is_refused(tmp_path: Path) -> None:
    # Its size is checked when listed; one still being written can be longer when read.
    path = tmp_path / "growing.xml"
    path.write_bytes(b"x" * 5000)
    with pytest.raises(OSError) as refused:
        inbox.read_document(path, max_bytes=4096)
    assert refused.value.errno == errno.EFBIG
    assert refused.value.strerror == "file too large: more than 4,096 bytes when read"
    assert inbox.read_document(path, max_bytes=5000) == b"x" * 5000
