"""What an operator relies on, through the real CLI: storage errors, exit codes for monitoring,
cron-friendly output, the read-only commands, ``--config`` anywhere and id prefixes.

Most tests run the command line in-process (``click.testing``, whose stdout is not a terminal,
as under cron); the ones about tracebacks and terminals run it in a subprocess.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_cli, write_config
from ingest.cli import main
from localserver import Route
from normalize.model import make_article_id

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
LONG_TITLE = ("Council approves the new budget for schools after a long debate that lasted well "
              "into the night, officials said on Tuesday in the capital")


def rss(*guids: str, title: str = "Council approves the new budget for schools") -> bytes:
    items = "".join(
        f"<item><title>{title} ({n})</title><link>https://wire.example/{n}</link>"
        f"<guid isPermaLink='false'>{guid}</guid><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate>"
        f"<description>The council approved the budget on Tuesday after a long debate, officials "
        f"said, in report {n} of the wire.</description></item>" for n, guid in enumerate(guids))
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Wire</title>"
            f"<link>https://wire.example/</link><description>d</description>"
            f"<language>en</language>{items}</channel></rss>").encode()


def project(folder: Path, server, pipeline: str = "", sources: str = "") -> Path:
    """A configuration with one feed source on the local server (``/wire.xml``), the shipped
    editions, and ``pipeline`` lines put in front of the shipped [pipeline] table's keys."""
    server.routes.setdefault("/wire.xml", Route(body=rss("urn:test:a", "urn:test:b"),
                                                content_type="application/rss+xml"))
    path = write_config(folder, f"""
        [[sources]]
        id = "wire"
        kind = "feed"
        url = "{server.url('/wire.xml')}"
        language = "en"
        """ + sources)
    if pipeline:
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        keys = {line.split("=", 1)[0].strip() for line in pipeline.strip().split("\n")}
        start = lines.index("[pipeline]") + 1
        lines = lines[:start] + pipeline.strip().split("\n") + [
            line for line in lines[start:] if line.split("=", 1)[0].strip() not in keys]
        path.write_text("\n".join(lines), encoding="utf-8")
    return path


def invoke(*args: str):
    """The CLI in-process; stdout and stderr apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


def one_line_error(result) -> str:
    """The single stderr line of a failed command (no traceback)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ingest: error: "), result.stderr
    return lines[0]


# -- storage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["proc", "file-in-the-way"])
def test_an_unwritable_feeds_folder_stops_the_run_before_fetching(tmp_path, server, where) -> None:
    (tmp_path / "afile").write_text("not a folder")
    feeds = "/proc/wirefeed-test-feeds" if where == "proc" else str(tmp_path / "afile" / "feeds")
    config = project(tmp_path, server, pipeline=f'feeds = "{feeds}"')
    result = run_cli("run-once", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and feeds in line and "feeds folder" in line
    assert server.hits == {}  # nothing fetched
    assert not (tmp_path / "data" / "wire.db").exists()  # nothing stored


@pytest.mark.parametrize("command", ["render", "daemon"])
def test_render_and_the_daemon_refuse_an_unwritable_feeds_folder_at_start(tmp_path, server, command) -> None:
    config = project(tmp_path, server, pipeline='feeds = "/proc/wirefeed-test-feeds"')
    result = invoke(command, "--config", str(config))
    assert result.exit_code == 3, result.output
    assert "/proc/wirefeed-test-feeds" in one_line_error(result)
    assert server.hits == {}


@pytest.mark.parametrize("where", ["proc", "file-in-the-way", "folder", "not-sqlite"])
def test_an_archive_that_cannot_be_opened_is_one_line_and_exit_3(tmp_path, server, where) -> None:
    (tmp_path / "afile").write_text("not a folder")
    (tmp_path / "adir.db").mkdir()
    (tmp_path / "junk.db").write_bytes(b"this is not an SQLite file, not at all" * 100)
    database = {"proc": "/proc/wirefeed-test/wire.db", "file-in-the-way": str(tmp_path / "afile" / "wire.db"),
                "folder": str(tmp_path / "adir.db"), "not-sqlite": str(tmp_path / "junk.db")}[where]
    config = project(tmp_path, server, pipeline=f'database = "{database}"')
    result = invoke("run-once", "--config", str(config))
    assert result.exit_code == 3, result.output
    line = one_line_error(result)
    assert database in line
    assert server.hits == {} or where == "not-sqlite"  # the path itself is checked first
    assert not (tmp_path / "data" / "feeds").exists() or not any((tmp_path / "data" / "feeds").rglob("*.xml"))


def test_check_proves_the_archive_feeds_and_local_paths_without_creating_them(tmp_path, server) -> None:
    config = project(tmp_path, server)
    result = invoke("check", "--config", str(config))
    assert result.exit_code == 0 and "ok" in result.stdout, result.output
    assert not (tmp_path / "data").exists()  # checked, not created

    config = project(tmp_path, server, pipeline='feeds = "/proc/wirefeed-test-feeds"')
    result = invoke("check", "--config", str(config))
    assert result.exit_code == 3 and "/proc/wirefeed-test-feeds" in one_line_error(result)

    (tmp_path / "afile").write_text("x")
    config = project(tmp_path, server, pipeline=f'database = "{tmp_path / "afile" / "wire.db"}"')
    result = invoke("check", "--config", str(config))
    assert result.exit_code == 3 and "afile" in one_line_error(result)

    config = project(tmp_path, server, sources="""
        [[sources]]
        id = "drop"
        kind = "inbox"
        path = "no-such-inbox"

        [[sources]]
        id = "local"
        kind = "feed"
        path = "no-such-file.xml"
        """)
    result = invoke("check", "--config", str(config))
    assert result.exit_code == 2, result.output
    assert "[drop]" in result.stderr and "no-such-inbox" in result.stderr
    assert "[local]" in result.stderr and "no-such-file.xml" in result.stderr
    assert "Traceback" not in result.output


# -- monitoring -------------------------------------------------------------------------------


def test_failing_and_stale_sources_drive_the_exit_codes(tmp_path, server, frozen_clock) -> None:
    server.routes["/down.xml"] = Route(status=503, body=b"")
    server.routes["/quiet.xml"] = Route(body=rss("urn:test:q"), content_type="application/rss+xml")
    config = str(project(tmp_path, server, sources=f"""
        every = "1h"

        [[sources]]
        id = "down"
        kind = "feed"
        url = "{server.url('/down.xml')}"
        every = "15m"

        [[sources]]
        id = "quiet"
        kind = "feed"
        url = "{server.url('/quiet.xml')}"
        every = "5m"
        stale_after = "30m"
        """))
    frozen_clock.now = T0
    first = invoke("run-once", "-q", "--config", config)
    assert first.exit_code == 1, first.output

    # A minute later nothing is due, but "down" sits in its backoff: still exit 1, and said.
    frozen_clock.now = T0 + timedelta(minutes=1)
    again = invoke("run-once", "-q", "--config", config)
    assert again.exit_code == 1, again.output
    assert "down" in again.stderr and "quiet" not in again.stderr and "wire" not in again.stderr

    # 40 minutes on, "quiet" (stale after 30 m) is stale, "wire" (3 x 1 h) is not.
    frozen_clock.now = T0 + timedelta(minutes=40)
    shown = invoke("sources", "--config", config)
    assert shown.exit_code == 0, shown.output
    assert "STALE" in shown.stdout and "failing" in shown.stdout
    checked = invoke("sources", "--check", "--config", config)
    assert checked.exit_code == 1
    assert "down (failing" in checked.stderr and "quiet (stale" in checked.stderr
    assert "wire (" not in checked.stderr
    rows = {row["id"]: row for row in json.loads(invoke("sources", "--json", "--config", config).stdout)}
    assert rows["quiet"]["stale"] and rows["quiet"]["stale_after_s"] == 1800
    assert rows["down"]["failing"] and not rows["wire"]["stale"] and rows["wire"]["stale_after_s"] == 3 * 3600

    # The server comes back; once every source has succeeded, both commands exit 0.
    server.routes["/down.xml"] = Route(body=rss("urn:test:d"), content_type="application/rss+xml")
    ok = invoke("run-once", "-q", "--all", "--config", config)
    assert ok.exit_code == 0 and ok.stdout == "" and ok.stderr == "", ok.output
    quiet = invoke("sources", "--check", "-q", "--config", config)
    assert quiet.exit_code == 0 and quiet.output == ""


# -- cron-friendly output ---------------------------------------------------------------------


def test_quiet_prints_nothing_on_success(tmp_path, server) -> None:
    config = str(project(tmp_path, server))
    for args in (["run-once"], ["render"], ["check"]):
        result = invoke(*args, "-q", "--config", config)
        assert result.exit_code == 0 and result.output == "", (args, result.output)


def test_quiet_names_each_failed_source_in_one_line(tmp_path, server) -> None:
    """Under cron (`run-once -q`) a failing source is one stderr line naming it, its URL and the
    reason: cron mails only what is printed, so an exit 1 with no output would go unseen."""
    server.routes["/down.xml"] = Route(status=500, body=b"oops")
    config = str(project(tmp_path, server, sources=f"""
        [[sources]]
        id = "down"
        kind = "feed"
        url = "{server.url('/down.xml')}"
        """))
    result = invoke("run-once", "-q", "--config", config)
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [f"ingest: [down] {server.url('/down.xml')}: HTTP 500 Internal Server Error"]


def test_piped_tables_are_not_wrapped(tmp_path, server) -> None:
    server.routes["/wire.xml"] = Route(body=rss("urn:test:long", title=LONG_TITLE),
                                       content_type="application/rss+xml")
    config = str(project(tmp_path, server))
    assert run_cli("run-once", "-q", "--config", config, cwd=tmp_path).returncode == 0
    # A terminal width of 80 in the environment does not fold a pipe's lines.
    result = run_cli("articles", "--config", config, cwd=tmp_path, env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "urn" in line or "Council" in line)
    assert LONG_TITLE in line and "2026-03-03T10:00:00Z" in line


@pytest.mark.slow
def test_a_reader_that_stops_early_gets_no_error_line(tmp_path, server) -> None:
    """`ingest export --jsonl | head -1`: the closed pipe is not reported as an error."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    guids = [f"urn:test:{n}" for n in range(300)]  # an export larger than a pipe's buffer
    server.routes["/wire.xml"] = Route(body=rss(*guids), content_type="application/rss+xml")
    config = str(project(tmp_path, server))
    assert run_cli("run-once", "-q", "--config", config, cwd=tmp_path).returncode == 0
    child = subprocess.Popen([sys.executable, "-m", "ingest", "export", "--jsonl", "--config",
                              config], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    assert json.loads(child.stdout.readline())["guid"].startswith("urn:test:")
    child.stdout.close()  # as `head -1` does once it has its line
    errors = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141 and errors == "", errors


@pytest.mark.parametrize("args", [["sources"], ["articles"], ["editions"], ["search", "budget"],
                                  ["show", "abcdef"], ["export", "--jsonl"]])
def test_read_only_commands_never_create_a_missing_archive(tmp_path, server, args) -> None:
    config = str(project(tmp_path, server))
    result = invoke(*args, "--config", config)
    assert result.exit_code == 2, result.output
    assert "no archive" in one_line_error(result) and str(tmp_path / "data" / "wire.db") in result.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("args", [["articles", "--edition", "xx-yy"], ["articles", "--source", "nope"],
                                  ["export", "--jsonl", "--edition", "xx-yy"],
                                  ["export", "--jsonl", "--source", "nope"],
                                  ["run-once", "--source", "nope"]])
def test_unknown_filters_are_one_error_everywhere(tmp_path, server, args) -> None:
    config = str(project(tmp_path, server))
    assert invoke("run-once", "-q", "--config", config).exit_code == 0
    result = invoke(*args, "--config", config)
    assert result.exit_code == 2, result.output
    line = one_line_error(result)
    assert "xx-yy" in line or "nope" in line
    assert result.stdout == ""


def test_config_is_accepted_before_or_after_the_command(tmp_path, server) -> None:
    config = str(project(tmp_path, server))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = run_cli("--config", config, "check", cwd=elsewhere)
    after = run_cli("check", "--config", config, cwd=elsewhere)
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout and config in before.stdout
    # given in both places, the one after the command wins
    assert invoke("--config", str(elsewhere / "missing.toml"), "check", "--config", config).exit_code == 0
    assert invoke("--config", str(elsewhere / "missing.toml"), "check").exit_code == 2


def test_show_takes_a_unique_prefix_of_four_and_lists_an_ambiguous_one(tmp_path, server) -> None:
    seen: dict[str, str] = {}
    for n in range(20000):  # two guids whose record ids share their first five characters
        guid = f"urn:test:item-{n}"
        prefix = make_article_id("wire", guid)[:5]
        if prefix in seen:
            twins = (seen[prefix], guid)
            break
        seen[prefix] = guid
    server.routes["/wire.xml"] = Route(body=rss(*twins, "urn:test:other"), content_type="application/rss+xml")
    config = str(project(tmp_path, server))
    assert invoke("run-once", "-q", "--config", config).exit_code == 0
    with sqlite3.connect(tmp_path / "data" / "wire.db") as conn:
        ids = sorted(row[0] for row in conn.execute("SELECT id FROM articles"))
    other = next(i for i in ids if i == make_article_id("wire", "urn:test:other"))
    shared = make_article_id("wire", twins[0])[:4]

    unique = next(p for p in (other[:n] for n in range(4, 21)) if sum(i.startswith(p) for i in ids) == 1)
    shown = invoke("show", unique, "--json", "--config", config)
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == other, shown.output

    ambiguous = invoke("show", shared, "--config", config)
    assert ambiguous.exit_code == 2
    line = one_line_error(ambiguous)
    assert "ambiguous" in line and all(make_article_id("wire", g) in line for g in twins)

    short = invoke("show", other[:3], "--config", config)
    assert short.exit_code == 2 and "at least 4" in one_line_error(short)
    missing = invoke("show", "0000000000", "--config", config)
    assert missing.exit_code == 1 and "no article" in one_line_error(missing)


# -- stopped mid-run --------------------------------------------------------------------------


@pytest.mark.parametrize("signum", ["SIGINT", "SIGTERM"])
def test_a_run_stopped_by_a_signal_ends_at_once_and_the_next_one_publishes(
        tmp_path, server, signum) -> None:
    """Ctrl-C or SIGTERM while a fetch hangs: the run ends at once by that signal (the shell
    sees 130 or 143, not the 1 of a failed source) with one line, and the next run publishes
    what the stopped one had stored."""
    import os
    import signal
    import subprocess
    import sys
    import threading
    import time

    from conftest import REPO

    release = threading.Event()

    def hang(handler) -> None:
        release.wait(60)
        handler._send(503, b"", {"Content-Type": "text/plain"})

    server.routes["/hang.xml"] = Route(handler=hang)
    config = project(tmp_path, server, sources=f"""
        [[sources]]
        id = "hang"
        kind = "feed"
        url = "{server.url('/hang.xml')}"
        """)
    sig = getattr(signal, signum)
    # As a shell starts a foreground command: SIGINT not ignored (a test runner may ignore it).
    child = subprocess.Popen(
        [sys.executable, "-m", "ingest", "run-once", "--no-summary", "--config", str(config)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not server.hits.get("/hang.xml") or not server.hits.get("/wire.xml"):
            assert child.poll() is None and time.monotonic() < deadline, child.stderr.read()
            time.sleep(0.05)
        time.sleep(0.5)  # the wire source's records are committed meanwhile (or not: either way)
        child.send_signal(sig)
        _, stderr = child.communicate(timeout=10)  # not the request timeout (20 s)
    finally:
        release.set()
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -sig, stderr
    assert f"ingest: stopped by {signum}" in stderr and "Traceback" not in stderr, stderr
    assert "Aborted" not in stderr

    server.routes["/hang.xml"] = Route(body=rss("urn:test:h"), content_type="application/rss+xml")
    again = run_cli("run-once", "-q", "--all", "--config", str(config), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    feed = json.loads((tmp_path / "data" / "feeds" / "en" / "feed.json").read_text("utf-8"))
    assert len(feed["items"]) == 3


def _run_on_a_terminal(tmp_path, *args: str) -> tuple[int, str]:
    """``ingest`` with its stderr on a pseudo-terminal (stdout a pipe): the exit code and what
    the terminal showed."""
    import os
    import pty
    import subprocess
    import sys

    from conftest import REPO

    main_fd, child_fd = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "ingest", *args], cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=child_fd,
                             env={**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm"})
    os.close(child_fd)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_fd)
    return child.wait(timeout=60), shown.decode("utf-8", "replace")


def test_progress_on_a_terminal_counts_the_sources_run_and_is_silent_with_q(tmp_path, server) -> None:
    server.routes["/other.xml"] = Route(body=rss("urn:test:o"), content_type="application/rss+xml")
    config = str(project(tmp_path, server, sources=f"""
        [[sources]]
        id = "other"
        kind = "feed"
        url = "{server.url('/other.xml')}"
        """))
    code, shown = _run_on_a_terminal(tmp_path, "run-once", "-q", "--config", config)
    assert code == 0 and shown == ""
    # Nothing is due now: the bar counts the sources this run takes (none), not the two configured.
    code, shown = _run_on_a_terminal(tmp_path, "run-once", "--no-summary", "--config", config)
    assert code == 0 and "0/0" in shown and "/2" not in shown, shown


def test_counts_read_as_english(tmp_path, server) -> None:
    server.routes["/down.xml"] = Route(status=500, body=b"")
    config = str(project(tmp_path, server))
    assert "1 source run, 0 failed;" in invoke("run-once", "--config", config).stdout
    assert "1 source (1 feed), 0 rules" in invoke("check", "--config", config).stdout
    config = str(project(tmp_path, server, sources=f"""
        [[sources]]
        id = "down"
        kind = "feed"
        url = "{server.url('/down.xml')}"
        """))
    assert invoke("run-once", "-q", "--config", config).exit_code == 1
    again = invoke("run-once", "-q", "--config", config)
    assert "ingest: 1 source not run, still failing (in backoff): down" in again.stderr
    checked = invoke("sources", "--check", "--config", config)
    assert "ingest: 1 source needs attention: down" in checked.stderr
    row = next(line for line in checked.stdout.splitlines() if "down" in line)
    assert "failing HTTP 500" in row, row
    # a failure without an HTTP status: "failing", and the error column says what happened
    server.routes["/down.xml"] = Route(body=b"<rss><channel><item><title>cut")
    invoke("run-once", "-q", "--all", "--config", config)
    row = next(line for line in invoke("sources", "--config", config).stdout.splitlines()
               if "down" in line)
    assert "failing" in row and "failing error" not in row and "truncated" in row, row


def test_export_to_a_file_it_cannot_make_is_one_line_and_exit_2(tmp_path, server) -> None:
    config = str(project(tmp_path, server))
    assert invoke("run-once", "-q", "--config", config).exit_code == 0
    result = invoke("export", "--jsonl", "-o", str(tmp_path / "no" / "x.jsonl"), "--config", config)
    assert result.exit_code == 2
    assert one_line_error(result).endswith("x.jsonl: cannot write the export: No such file or directory")
    # a mistyped filter leaves no empty file behind
    out = tmp_path / "out.jsonl"
    assert invoke("export", "--jsonl", "-o", str(out), "--edition", "xx", "--config", config).exit_code == 2
    assert not out.exists()
    assert invoke("export", "--jsonl", "-o", str(out), "--config", config).exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize("args", [("run-once", "--wait", "-5"), ("render", "--wait", "-1"),
                                  ("migrate", "--to", "postgresql://x@127.0.0.1/db", "--wait", "-1"),
                                  ("daemon", "--lock-wait", "-0.5")])
def test_a_negative_wait_is_a_usage_error_naming_the_option(tmp_path, args) -> None:
    config = write_config(tmp_path, "")
    result = invoke(*args, "--config", str(config))
    assert result.exit_code == 2, result.output
    assert args[-2] in result.stderr and ">=0" in result.stderr.replace(" ", "")
