"""``ingest show`` into a pipe (grep, less, mail): plain aligned lines, no borders, no
trailing padding, and a long URL kept whole on its line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import REPO, run_cli


def test_show_into_a_pipe_is_plain_lines(project: Path) -> None:
    shutil.copy(REPO / "schedules.toml", project / "schedules.toml")
    assert run_cli("run-once", "-q", cwd=project).returncode == 0
    listed = run_cli("articles", "--json", "--limit", "50", cwd=project)
    record = max((json.loads(line) for line in listed.stdout.splitlines()),
                 key=lambda r: len(r.get("url") or ""))
    shown = run_cli("show", record["id"], cwd=project)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == record["title"]
    assert all(line == line.rstrip() for line in lines)
    assert not any(mark in shown.stdout for mark in "│┌└─")
    assert f"url              {record['url']}" in lines  # whole, however long
    assert f"id               {record['id']}" in lines
