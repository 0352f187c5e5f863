"""A feed that cannot be written is reported by its own path, whatever failed: the temporary
file beside it, the write (a full disk names no file at all) or the rename."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO

# RLIMIT_FSIZE stands in for a full disk: the write fails with EFBIG, an OSError naming no file.
WRITE_PAST_A_FULL_DISK = """
import json, resource, signal, sys
from pathlib import Path
from ingest.preflight import describe
from syndicate.publish import write_atomic
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
path = Path(sys.argv[1])
try:
    write_atomic(path, b"x" * 10_000)
except OSError as exc:
    print(json.dumps({"filename": exc.filename, "line": describe(exc), "errno": exc.errno}))
"""


def test_a_full_disk_names_the_feed_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    feed = tmp_path / "es-es" / "rss.xml"
    run = subprocess.run([sys.executable, "-c", WRITE_PAST_A_FULL_DISK, str(feed)], cwd=REPO,
                         capture_output=True, text=True, check=True)
    failure = json.loads(run.stdout)
    assert failure["filename"] == str(feed)
    assert failure["line"] == f"{feed}: File too large"
    assert sorted(p.name for p in feed.parent.iterdir()) == []  # no .rss.xml.*.tmp left


def test_a_failed_rename_names_the_feed(tmp_path: Path) -> None:
    from syndicate.publish import write_atomic

    feed = tmp_path / "fr-fr" / "atom.xml"
    feed.parent.mkdir()
    (feed.parent / "atom.xml").mkdir()  # the rename into place fails: a folder is in the way
    try:
        write_atomic(feed, b"<feed/>")
    except OSError as exc:
        assert exc.filename == str(feed)
    else:
        raise AssertionError("writing over a folder succeeded")
    assert [p.name for p in feed.parent.iterdir()] == ["atom.xml"]
