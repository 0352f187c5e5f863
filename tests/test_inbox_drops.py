"""What an inbox does with drops that are not documents: a folder is reported against the source
and left where it is; a file longer than the cap when read is refused, however small it was
when listed."""

from __future__ import annotations

import errno
import os
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


def _inbox(tmp_path: Path, more: str = ""):
    """The configuration of one inbox source, ``drop``, reading ``tmp_path/drop``."""
    return load_config(write_config(tmp_path, f"""
        [[sources]]
        id = "drop"
        kind = "inbox"
        path = "drop"
        {more}
        """))


def test_a_folder_dropped_in_an_inbox_is_reported_and_left_alone(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    (drop / "batch-2025-03-06").mkdir(parents=True)
    (drop / "batch-2025-03-06" / "story.xml").write_bytes(rss_feed(ENGLISH))
    (drop / "good.xml").write_bytes(rss_feed(ENGLISH))
    config = _inbox(tmp_path)
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


def _age(path: Path, when) -> None:
    """Set ``path``'s modification time to ``when`` (an aware datetime)."""
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize("keep", [False, True])
def test_a_file_cut_short_while_being_written_waits_for_the_next_run(tmp_path: Path, keep) -> None:
    # An FTP upload writes the file in place: a run can list it half written. Read then, it
    # failed as truncated and moved to failed/, where the upload went on writing it.
    whole = rss_feed(ENGLISH)
    drop = tmp_path / "drop"
    drop.mkdir()
    path = drop / "wire.xml"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    _age(path, NOW - timedelta(seconds=5))
    config = _inbox(tmp_path, f"keep = {str(keep).lower()}")
    archive = open_archive(config.pipeline.database)
    try:
        first = run_once(config, archive, now=NOW).outcomes[0]
        assert (first.new, first.failed, first.status) == (0, 0, "ok")
        assert first.reason == ("wire.xml is still being written (cut short, modified within "
                                "60 s): left for the next run")
        assert path.read_bytes() == whole[: len(whole) * 2 // 3]  # where it was, untouched
        assert not (drop / "failed").exists() and not (drop / "done").exists()
        # the upload ends; the next run reads the whole file
        path.write_bytes(whole)
        _age(path, NOW + timedelta(seconds=30))
        second = run_once(config, archive, now=NOW + timedelta(minutes=15)).outcomes[0]
        stored = archive.count_articles()
    finally:
        archive.close()
    assert (second.new, second.failed, second.status, second.reason) == (len(ENGLISH), 0, "ok", None)
    assert path.exists() if keep else (drop / "done" / "wire.xml").read_bytes() == whole
    assert stored == len(ENGLISH)


def test_a_cut_short_file_no_longer_written_is_read_as_it_stands(tmp_path: Path) -> None:
    # An upload that stalled (or a file that was always broken) is not waited for forever.
    drop = tmp_path / "drop"
    drop.mkdir()
    path = drop / "stalled.json"
    path.write_bytes(b'{"uri": "urn:wire:1", "headline": "Half a')
    _age(path, NOW - inbox.SETTLE - timedelta(seconds=1))
    config = _inbox(tmp_path)
    archive = open_archive(config.pipeline.database)
    try:
        outcome = run_once(config, archive, now=NOW).outcomes[0]
    finally:
        archive.close()
    assert outcome.failed == 1 and outcome.status == "partial"
    assert "still being written" not in outcome.reason
    assert (drop / "failed" / "stalled.json").exists() and not path.exists()


@pytest.mark.parametrize("data, cut", [
    (b"", True),
    (b" \n", True),
    (b'{"uri": "a"}\n', False),
    (b'{"uri": ', True),
    (b"[1, 2]", False),
    (b"[1, ", True),
    (b'<?xml version="1.0"?>\n<!-- a <note> -->\n<rss version="2.0"><channel/></rss>\n', False),
    (b'<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>Half', True),
    (b'<?xml version="1.0"?>', True),
    (b'\xef\xbb\xbf<rdf:RDF xmlns:rdf="urn:x"><item/></rdf:RDF>', False),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"/>', False),
    (b"<rss><channel><item/>", True),
    (b"<rss><channel/></rss>\n<!-- served from cache -->\n", False),
    (b"plain text, not judged", False),
    (b"\xff\xfe<\x00r\x00", False),  # UTF-16: not judged
])
def test_cut_short_reads_the_end_of_xml_and_json(data: bytes, cut: bool) -> None:
    assert inbox.cut_short(data) is cut
