"""A publish survives a power loss: every folder a feed was renamed (or a folder made) into is
fsync'd after the rename, once a publish, and the publish state after the feeds.

The real ``ingest run-once`` on the bundled sample wire runs under ``strace`` (``-y`` names the
folder behind each descriptor), so what is checked is the system calls the process made.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO

STRACE = shutil.which("strace")

pytestmark = pytest.mark.skipif(STRACE is None, reason="strace is not installed")

# rename("tmp", "target") / renameat2(AT_FDCWD, "tmp", AT_FDCWD, "target", 0); mkdir("folder", ...)
_RENAME = re.compile(r'rename(?:at2?)?\((?:[^,]*, )?"[^"]*", (?:[^,]*, )?"([^"]+)"')
_MKDIR = re.compile(r'mkdir(?:at)?\((?:[^,]*, )?"([^"]+)"')
_FSYNC = re.compile(r'fsync\(\d+<([^>]+)>')


def _traced_run(folder: Path, trace: Path) -> None:
    run = subprocess.run(
        [STRACE, "-f", "-y", "-qq", "-e", "trace=rename,renameat,renameat2,mkdir,mkdirat,fsync",
         "-o", str(trace), sys.executable, "-m", "ingest", "run-once", "-q"],
        cwd=folder, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())})
    assert run.returncode == 0, run.stderr


def _events(trace: Path, feeds: Path) -> list[tuple[str, Path]]:
    """("rename", target) / ("mkdir", folder) / ("fsync", path) under ``feeds``, in the order
    the calls returned (a call another thread interrupted is joined to its resumed half)."""
    events = []
    started: dict[str, str] = {}
    for line in trace.read_text(encoding="utf-8", errors="replace").splitlines():
        pid, _, call = line.partition(" ")
        call = call.lstrip()  # strace pads the pid column: "6153  fsync(...", "61530 fsync(..."
        if call.endswith("<unfinished ...>"):
            started[pid] = call[:-len("<unfinished ...>")]
            continue
        if (resumed := re.match(r"<\.\.\. \w+ resumed>(.*)", call)) and pid in started:
            call = started.pop(pid) + resumed.group(1)
        if not re.search(r"\) += 0$", call):
            continue
        for kind, pattern in (("rename", _RENAME), ("mkdir", _MKDIR), ("fsync", _FSYNC)):
            if match := pattern.search(call):
                path = Path(match.group(1))
                if feeds in path.parents or (path == feeds and kind == "fsync"):
                    events.append((kind, path))
    return events


def test_every_folder_changed_by_a_publish_is_fsynced_once_after_its_renames(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    shutil.copytree(REPO / "data" / "samples", folder / "data" / "samples")
    shutil.copy(REPO / "schedules.toml", folder / "schedules.toml")
    feeds = folder / "data" / "feeds"
    trace = tmp_path / "trace.txt"
    _traced_run(folder, trace)
    events = _events(trace, feeds)

    renamed = [path for kind, path in events if kind == "rename"]
    made = [path for kind, path in events if kind == "mkdir"]
    synced = Counter(path for kind, path in events if kind == "fsync" and path.is_dir())
    assert renamed and (feeds / ".publish-state.json") in renamed and made
    # Each folder holding a renamed file, and the parent of each folder made, is fsync'd after
    # the last of those changes ...
    last_change: dict[Path, int] = {}
    for index, (kind, path) in enumerate(events):
        if kind in ("rename", "mkdir"):
            last_change[path.parent] = index
    for changed, index in last_change.items():
        later = [i for i, (kind, path) in enumerate(events)
                 if kind == "fsync" and path == changed and i > index]
        assert later, f"{changed} is not fsync'd after its last rename or mkdir"
    # ... once a publish (the root twice: with the feeds, then with the publish state), not
    # once a file.
    assert set(synced) == set(last_change)
    assert synced[feeds] == 2 and all(n == 1 for path, n in synced.items() if path != feeds)
    assert len(renamed) > 2 * len(synced)

    # A second, unchanged run renames nothing and fsyncs no folder.
    again = tmp_path / "again.txt"
    _traced_run(folder, again)
    assert not [event for event in _events(again, feeds) if event[0] != "fsync" or event[1].is_dir()]


def test_a_folder_that_cannot_be_opened_is_skipped(tmp_path: Path) -> None:
    from syndicate.publish import sync_folder

    sync_folder(tmp_path / "gone")  # no such folder: nothing to make durable, no error
    sync_folder(tmp_path)
