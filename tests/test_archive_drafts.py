"""A run killed while it creates the archive leaves a draft (``wire.db.new-<pid>``) beside it;
the next open removes drafts that are old enough, and never one another process may still be
building."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from ingest.archive import Archive
from ingest.archive.schema import STALE_DRAFT_SECONDS, remove_stale_drafts

KILLED_WHILE_CREATING = """
import os, signal, sys
from ingest.archive import schema
from ingest.archive import Archive
built = schema._create_schema
def build_then_die(conn):
    built(conn)
    os.kill(os.getpid(), signal.SIGKILL)  # the schema is in the draft, not yet linked
schema._create_schema = build_then_die
Archive(sys.argv[1])
"""


def test_a_killed_creation_leaves_no_archive_and_its_draft_goes_once_stale(tmp_path: Path) -> None:
    path = tmp_path / "wire.db"
    run = subprocess.run([sys.executable, "-c", KILLED_WHILE_CREATING, str(path)], cwd=REPO,
                         capture_output=True, text=True)
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert not path.exists()
    drafts = sorted(tmp_path.glob("wire.db.new-*"))
    assert drafts, "the killed creation left no draft: this test no longer tests anything"

    # A draft as young as a creation in progress elsewhere is left alone...
    Archive(path).close()
    assert all(d.exists() for d in drafts)
    # ...and removed once it is stale; the archive the second open made is kept.
    old = os.stat(drafts[0]).st_mtime - STALE_DRAFT_SECONDS - 1
    for draft in drafts:
        os.utime(draft, (old, old))
    archive = Archive(path)
    try:
        assert archive.conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    finally:
        archive.close()
    assert not list(tmp_path.glob("wire.db.new-*"))
    assert path.exists()


def test_only_this_archives_drafts_are_removed(tmp_path: Path) -> None:
    mine = tmp_path / "wire.db.new-123"
    other = tmp_path / "other.db.new-123"
    lookalike = tmp_path / "wire.db"  # the archive itself
    for file in (mine, other, lookalike):
        file.write_bytes(b"x")
    now = os.stat(mine).st_mtime + STALE_DRAFT_SECONDS + 1
    assert remove_stale_drafts(tmp_path / "wire.db", now=now) == [mine]
    assert other.exists() and lookalike.exists()
