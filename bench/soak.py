"""Soak `ingest daemon`: 30 local sources that change every 20 s, for a configurable time.

Run by hand, never in CI:

    python bench/soak.py --minutes 60 --out /tmp/soak.jsonl [--sample-every 30] [--trace]

A feed server in this process (127.0.0.1, a free port, nothing else is ever contacted) serves 30
RSS sources. Every ``--period`` seconds (20) each working source publishes one new item and, every
third period, corrects an older one; each keeps its newest 15 items. Kinds: 22 healthy, 2 always
failing (HTTP 500), 2 flaky (500 one period in three), 2 hanging (no answer for 60 s, past the
pipeline's 5 s timeout), 2 malformed (cut-off XML). The daemon runs in a SUBPROCESS on a config
written to a temporary folder, every source ``every = "<period>s"``.

Every ``--sample-every`` seconds one JSON line goes to ``--out``: seconds since start, the daemon's
RSS (kB) and its two parts, anonymous memory (the heap) and mapped file pages (libraries, the
language model's cache file: shared, reclaimable), open file descriptors, threads and archived
records. At the end the daemon gets SIGTERM
and the soak checks that every item the server handed out in a 200 answer is archived exactly once
(by source and guid), then prints a summary (also appended to ``--out`` as a last line):
RSS (and each part) at 10 minutes and at the end, the growth between them, and the slope of a
least-squares line through the samples after the warm-up.

``--trace`` is the debug mode: the daemon runs under tracemalloc (25 frames) and writes a snapshot
to the work folder every ``--snapshot-every`` seconds; the summary then lists the 15 allocation
sites that grew most between the first snapshot after the warm-up and the last. tracemalloc costs
memory and time of its own: compare RSS only between runs without it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]

UTC = timezone.utc
WINDOW = 15  # items per feed
WARMUP = 600.0  # seconds excluded from the growth figure (bounded caches fill, the archive grows)
KINDS = ["healthy"] * 22 + ["failing"] * 2 + ["flaky"] * 2 + ["hanging"] * 2 + ["malformed"] * 2
WORDS = ("the minister said on tuesday that talks on the budget would resume next week after "
         "negotiators failed to agree on spending for schools hospitals and roads in the north "
         "while unions warned of strikes if wages were not raised before the winter").split()


@dataclass
class SoakSource:
    """One simulated wire: its kind and the guids it has handed out."""

    number: int
    kind: str
    served: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        return f"soak-{self.number:02d}"


class Wire:
    """The 30 sources' content as a function of time: period ``p`` publishes item ``p``."""

    def __init__(self, period: float):
        self.period = period
        self.start = time.monotonic()
        self.epoch = datetime.now(UTC).replace(microsecond=0)
        self.sources = {s.id: s for s in (SoakSource(n, kind) for n, kind in enumerate(KINDS))}
        self.lock = threading.Lock()

    def current(self) -> int:
        return int((time.monotonic() - self.start) // self.period)

    def published(self) -> int:
        """Items published per working source so far."""
        return self.current() + 1

    def feed(self, source: SoakSource, now_period: int) -> tuple[bytes, list[str]]:
        """The RSS document of ``source`` at period ``now_period`` and the guids it carries."""
        items, guids = [], []
        for number in range(max(0, now_period - WINDOW + 1), now_period + 1):
            guid = f"{source.id}-{number}"
            # Every third period corrects the item before the newest one.
            edit = 1 if (now_period % 3 == 0 and number == now_period - 1) else 0
            when = self.epoch + timedelta(seconds=number * self.period)
            words = [WORDS[(number * 7 + source.number + k) % len(WORDS)] for k in range(60)]
            title = f"Soak {source.number} item {number}" + (" (corrected)" if edit else "")
            items.append(
                f"<item><guid isPermaLink=\"false\">{guid}</guid><title>{escape(title)}</title>"
                f"<link>https://wire.example/{source.id}/{number}</link>"
                f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
                f"<description>{escape(' '.join(words).capitalize())}.</description></item>")
            guids.append(guid)
        body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
                f"<title>Soak wire {source.number}</title><link>https://wire.example/</link>"
                f"<description>soak</description><language>en</language>{''.join(reversed(items))}"
                "</channel></rss>").encode()
        return body, guids


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        wire = self.server.wire
        source = wire.sources.get(self.path.strip("/").removesuffix(".xml"))
        if source is None:
            return self._answer(404, b"not found")
        period = wire.current()
        if source.kind == "failing" or (source.kind == "flaky" and period % 3 == 1):
            return self._answer(500, b"upstream broke")
        if source.kind == "hanging":
            self.server.stopping.wait(60)
            self.close_connection = True
            return
        body, guids = wire.feed(source, period)
        if source.kind == "malformed":
            return self._answer(200, body[: len(body) // 2])
        etag = f'"{period}"'
        if self.headers.get("If-None-Match") == etag:
            return self._answer(304, b"", etag)
        with wire.lock:
            source.served.update(guids)
        self._answer(200, body, etag)

    def _answer(self, status: int, body: bytes, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # the daemon hanging up on a hanging source is part of the soak

    def __init__(self, wire: Wire):
        self.wire = wire
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)


def write_config(folder: Path, port: int, period: float) -> Path:
    """The shipped pipeline and editions, the 30 soak sources, quick timeouts and renders."""
    shipped = (REPO / "schedules.toml").read_text(encoding="utf-8")
    head = shipped.split("# The bundled sample wire")[0]
    head = head.replace('timeout = 20 ', 'timeout = 5 ').replace(
        "[pipeline]\n", "[pipeline]\nrender_delay = 2\nper_host = 8\nconcurrency = 8\n", 1)
    sources = "".join(
        f'\n[[sources]]\nid = "soak-{n:02d}"\nkind = "feed"\n'
        f'url = "http://127.0.0.1:{port}/soak-{n:02d}.xml"\nevery = "{period:g}s"\n'
        for n in range(len(KINDS)))
    path = folder / "schedules.toml"
    path.write_text(head + sources, encoding="utf-8")
    return path


def sample(pid: int, database: Path) -> dict:
    """The daemon's RSS (kB), descriptors and threads, and the archive's record count."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as conn:
            records = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        records = None
    # RSS splits into anonymous memory (the heap: what a leak grows) and file pages mapped from
    # disk (libraries, the language model's cache file), which are shared and reclaimable.
    return {"rss_kb": int(fields["VmRSS"].split()[0]),
            "anon_kb": int(fields["RssAnon"].split()[0]),
            "file_kb": int(fields["RssFile"].split()[0]), "threads": int(fields["Threads"]),
            "fds": len(os.listdir(f"/proc/{pid}/fd")), "records": records}


def check_archive(wire: Wire, database: Path) -> dict:
    """Every guid served in a 200 is archived exactly once; nothing else is archived."""
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT source, guid, COUNT(*) FROM articles GROUP BY source, guid")
        archived = {(source, guid): n for source, guid, n in rows}
        # Each record's history holds replaced versions, never a second row for the same guid.
        versions = dict(conn.execute("SELECT id, version FROM articles").fetchall())
    served = {(s.id, guid) for s in wire.sources.values() for guid in s.served}
    lost = sorted(served - archived.keys())
    duplicated = sorted(key for key, n in archived.items() if n > 1)
    unexpected = sorted(archived.keys() - served)
    corrected = sum(1 for v in versions.values() if v and v > 1)
    return {"served": len(served), "archived": len(archived), "lost": len(lost),
            "duplicated": len(duplicated), "unexpected": len(unexpected),
            "corrected_records": corrected, "lost_examples": lost[:5]}


def slope_mb_per_hour(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, kB) points, in MB per hour."""
    if len(points) < 3:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if not var:
        return None
    cov = sum((t - mean_t) * (v - mean_v) for t, v in points)
    return cov / var * 3600 / 1024


def trace_diff(folder: Path, after: float) -> list[str]:
    """The 15 sites that grew most between the first snapshot past ``after`` s and the last."""
    import tracemalloc

    snaps = sorted(folder.glob("snap-*.trace"))
    timed = [(float(p.stem.split("-")[1]), p) for p in snaps]
    later = [p for t, p in timed if t >= after] or [p for _, p in timed]
    if len(later) < 2:
        return []
    first = tracemalloc.Snapshot.load(str(later[0]))
    last = tracemalloc.Snapshot.load(str(later[-1]))
    keep = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = last.filter_traces(keep).compare_to(first.filter_traces(keep), "traceback")
    lines = []
    for stat in stats[:15]:
        lines.append(f"{stat.size_diff / 1024:+.1f} KiB ({stat.count_diff:+d} blocks), "
                     f"now {stat.size / 1024:.1f} KiB")
        lines.extend("    " + line for line in stat.traceback.format(limit=8))
    return lines


def run_child(config: str, trace_dir: str | None, every: float) -> None:
    """The daemon process: ``ingest daemon --config``, optionally under tracemalloc."""
    if trace_dir:
        import tracemalloc

        tracemalloc.start(25)
        started = time.monotonic()

        def snapshots() -> None:
            while True:
                time.sleep(every)
                elapsed = time.monotonic() - started
                tracemalloc.take_snapshot().dump(
                    os.path.join(trace_dir, f"snap-{elapsed:08.0f}.trace"))

        threading.Thread(target=snapshots, name="soak-tracemalloc", daemon=True).start()
    sys.path.insert(0, str(REPO))
    from ingest.cli import main

    main(["daemon", "--config", config], prog_name="ingest")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--period", type=float, default=20.0, help="seconds between changes")
    parser.add_argument("--sample-every", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/soak.jsonl"))
    parser.add_argument("--trace", action="store_true", help="tracemalloc snapshots (debug)")
    parser.add_argument("--snapshot-every", type=float, default=300.0)
    parser.add_argument("--warmup", type=float, default=WARMUP)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--trace-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child, args.trace_dir, args.snapshot_every)
        return

    folder = Path(tempfile.mkdtemp(prefix="wirefeed-soak-"))
    wire = Wire(args.period)
    server = _Server(wire)
    threading.Thread(target=server.serve_forever, name="soak-wire", daemon=True).start()
    config = write_config(folder, server.server_address[1], args.period)
    database = folder / "data" / "wire.db"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(config)]
    if args.trace:
        command += ["--trace-dir", str(folder), "--snapshot-every", str(args.snapshot_every)]
    log_path = folder / "daemon.log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log, open(args.out, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(command, cwd=folder, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=log, env=env)
        print(f"soak: daemon pid {proc.pid}, work folder {folder}, wire {server.server_address}, "
              f"{args.minutes:g} min, samples to {args.out}", flush=True)
        samples: list[dict] = []
        try:
            end = started + args.minutes * 60
            next_sample = started
            while time.monotonic() < end and proc.poll() is None:
                if time.monotonic() >= next_sample:
                    point = {"t": round(time.monotonic() - started, 1), **sample(proc.pid, database)}
                    samples.append(point)
                    out.write(json.dumps(point) + "\n")
                    out.flush()
                    next_sample += args.sample_every
                time.sleep(min(1.0, max(0.0, next_sample - time.monotonic())))
        finally:
            stop_at = time.monotonic()
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
            stopped_in = time.monotonic() - stop_at
            server.stopping.set()
            server.shutdown()
            server.server_close()
        summary: dict = {"summary": True, "minutes": args.minutes, "exit_code": code,
                         "stop_seconds": round(stopped_in, 2), "periods": wire.published(),
                         **check_archive(wire, database)}
        warm = [s for s in samples if s["t"] >= args.warmup]
        if samples:
            summary["rss_start_kb"] = samples[0]["rss_kb"]
            summary["rss_end_kb"] = samples[-1]["rss_kb"]
            summary["rss_max_kb"] = max(s["rss_kb"] for s in samples)
            summary["fds_max"] = max(s["fds"] for s in samples)
            summary["threads_max"] = max(s["threads"] for s in samples)
        if warm:
            for name in ("rss", "anon", "file"):
                summary[f"{name}_after_warmup_kb"] = warm[0][f"{name}_kb"]
                summary[f"{name}_growth_after_warmup_kb"] = (warm[-1][f"{name}_kb"]
                                                             - warm[0][f"{name}_kb"])
                summary[f"{name}_slope_after_warmup_mb_per_h"] = slope_mb_per_hour(
                    [(s["t"], s[f"{name}_kb"]) for s in warm])
        out.write(json.dumps(summary) + "\n")
    print(json.dumps(summary, indent=1))
    errors = log_path.read_text(encoding="utf-8").count("Traceback")
    print(f"daemon log: {log_path} ({errors} tracebacks)")
    if args.trace:
        print("\n".join(trace_diff(folder, args.warmup)))
    if not args.keep and not args.trace:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
