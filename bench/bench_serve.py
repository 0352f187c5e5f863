"""Benchmark `ingest serve` beside Python's `http.server`: req/s and latency percentiles.

Run by hand, never in CI:

    python bench/bench_serve.py [--seconds 3] [--articles 600] [--path /fr-fr/rss.xml]

Uses ``data/feeds`` (with ``schedules.toml``) when it holds feeds, else publishes synthetic
articles into a temporary folder with the real publisher. Both servers run as SUBPROCESSES on
127.0.0.1 (free ports) over the same folder, in the same run: ``python -m ingest serve`` and
``python -m http.server`` (HTTP/1.0, its default: it closes every connection, and answers
neither gzip nor If-None-Match, only If-Modified-Since). Nothing else is ever contacted.

The load comes from ApacheBench (``ab``, Debian's apache2-utils) and, for HTTP/1.1 keep-alive,
wrk (Debian's wrk) when installed: every scenario runs for ``--seconds`` (bounded) at
concurrency 1, 50 and 200, without and with keep-alive (``ab -k`` is an HTTP/1.0 client asking
for keep-alive), for three kinds of request: plain (identity), gzip (``Accept-Encoding: gzip``)
and conditional (``If-Modified-Since`` in 2100: a 304 from both). Printed: a Markdown table of
req/s, p50, p99 and the slowest request (ms), failures and non-2xx answers, with the time and
load average of the run (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.archive import open_archive  # noqa: E402
from ingest.config import load_config  # noqa: E402
from normalize.model import Article  # noqa: E402
from ingest.publishing import feed_publisher  # noqa: E402

UTC = timezone.utc
WORDS = {
    "en": "the government said on tuesday that the new law would take effect next year".split(),
    "fr": "le gouvernement a annoncé mardi que la nouvelle loi entrerait en vigueur".split(),
    "es": "el gobierno anunció el martes que la nueva ley entrará en vigor el próximo año".split(),
    "de": "die regierung teilte am dienstag mit dass das neue gesetz im kommenden jahr".split(),
    "it": "il governo ha annunciato martedì che la nuova legge entrerà in vigore".split(),
    "pt": "o governo anunciou na terça-feira que a nova lei entrará em vigor no próximo ano".split(),
}
SECTIONS = ("Politics", "Economy", "Sport", "Culture")


def build_feeds(folder: Path, count: int) -> Path:
    """Publish ``count`` synthetic articles for every edition; return the config file."""
    shipped = (REPO / "schedules.toml").read_text(encoding="utf-8")
    config_path = folder / "schedules.toml"
    config_path.write_text(shipped.split("# The bundled sample wire")[0], encoding="utf-8")
    config = load_config(config_path)
    rng = random.Random(7)
    start = datetime(2025, 3, 1, tzinfo=UTC)
    articles = []
    for number in range(count):
        language = rng.choice(sorted(WORDS))
        words = WORDS[language]
        editions = tuple(e.id for e in config.editions if language in e.languages)
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(words) for _ in range(60)).capitalize() + ".</p>"
            for _ in range(4))
        when = start + timedelta(minutes=7 * number)
        articles.append(Article(
            id=f"bench-{number}", guid=f"bench-{number}", source="bench", agency="dpa",
            title=" ".join(rng.choice(words) for _ in range(9)).capitalize(),
            url=f"https://wire.example/{language}/{number}", summary=" ".join(words[:12]),
            body_html=paragraphs, language=language, editions=editions,
            sections=(rng.choice(SECTIONS),), authors=("Jane Doe",),
            published=when, updated=when + timedelta(minutes=rng.randrange(0, 90))))
    archive = open_archive(config.pipeline.database)
    try:
        archive.store(articles, start + timedelta(days=90))
        feed_publisher(config).publish(archive, start + timedelta(days=90))
    finally:
        archive.close()
    return config_path


def free_port() -> int:
    """A port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 20.0) -> None:
    """Return once 127.0.0.1:``port`` accepts connections."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port}")


def start_servers(config_path: Path, root: Path) -> dict[str, tuple[subprocess.Popen, int]]:
    """``ingest serve`` and ``http.server`` over the same folder; name -> (process, port)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    servers = {}
    port = free_port()
    servers["ingest serve"] = (subprocess.Popen(
        [sys.executable, "-m", "ingest", "serve", "--config", str(config_path), "--port",
         str(port), "-q"], cwd=config_path.parent, stdout=subprocess.DEVNULL, env=env), port)
    wait_listening(port, servers["ingest serve"][0])
    port = free_port()
    servers["http.server"] = (subprocess.Popen(
        [sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", str(root), str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), port)
    wait_listening(port, servers["http.server"][0])
    return servers


@dataclass(frozen=True)
class Result:
    """One load run's figures."""

    rps: float
    p50: float | None
    p99: float | None
    slowest: float | None
    failed: int
    non_2xx: int
    requests: int

    def cells(self) -> list[str]:
        def ms(value):
            # ab reports whole milliseconds: 0 means under one.
            if value is None:
                return "-"
            if value < 1:
                return "<1" if value == 0 else f"{value:.2f}"
            return f"{value:.0f}" if value >= 10 else f"{value:.1f}"

        notes = []
        if self.failed:
            notes.append(f"{self.failed} failed")
        return [f"{self.rps:,.0f}", ms(self.p50), ms(self.p99), ms(self.slowest),
                ", ".join(notes) or "0"]


def run_ab(url: str, concurrency: int, keep_alive: bool, headers: dict[str, str],
           seconds: float) -> Result:
    """ApacheBench for ``seconds`` (at most 200,000 requests)."""
    command = ["ab", "-q", "-r", "-s", "30", "-t", str(seconds), "-n", "200000",
               "-c", str(concurrency)]
    if keep_alive:
        command.append("-k")
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [url], capture_output=True, text=True,
                         timeout=seconds + 120).stdout

    def number(pattern: str, default=None):
        match = re.search(pattern, out, re.MULTILINE)
        return float(match.group(1)) if match else default

    return Result(rps=number(r"^Requests per second:\s+([\d.]+)", 0.0),
                  p50=number(r"^\s+50%\s+(\d+)"), p99=number(r"^\s+99%\s+(\d+)"),
                  slowest=number(r"^\s+100%\s+(\d+)"),
                  failed=int(number(r"^Failed requests:\s+(\d+)", 0)),
                  non_2xx=int(number(r"^Non-2xx responses:\s+(\d+)", 0)),
                  requests=int(number(r"^Complete requests:\s+(\d+)", 0)))


def run_wrk(url: str, concurrency: int, headers: dict[str, str], seconds: float) -> Result:
    """wrk (HTTP/1.1, keep-alive) for ``seconds`` with 2 threads."""
    command = ["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{max(1, int(seconds))}s",
               "--latency", "--timeout", "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [url], capture_output=True, text=True,
                         timeout=seconds + 120).stdout

    def ms(label: str):
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\b", out, re.MULTILINE)
        if not match:
            return None
        return float(match.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[match.group(2)]

    slowest = re.search(r"^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", out, re.MULTILINE)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.MULTILINE)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return Result(
        rps=float(rps.group(1)) if rps else 0.0, p50=ms("50%"), p99=ms("99%"),
        slowest=(float(slowest.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[slowest.group(2)]
                 if slowest else None),
        failed=sum(map(int, errors.groups())) if errors else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        requests=int(total.group(1)) if total else 0)


KINDS = {
    "plain": {"Accept-Encoding": "identity"},
    "gzip": {"Accept-Encoding": "gzip"},
    "conditional": {"Accept-Encoding": "identity",
                    "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per scenario")
    parser.add_argument("--articles", type=int, default=600, help="synthetic articles")
    parser.add_argument("--path", default="/fr-fr/rss.xml", help="the file requested")
    parser.add_argument("--concurrency", default="1,50,200")
    args = parser.parse_args()
    if shutil.which("ab") is None:
        raise SystemExit("needs ApacheBench: apt-get install -y apache2-utils (wrk optional)")

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as temp:
        if (REPO / "data" / "feeds" / "index.opml").exists():
            config_path = REPO / "schedules.toml"
            print(f"feeds: {REPO / 'data' / 'feeds'} (existing)")
        else:
            began = time.perf_counter()
            config_path = build_feeds(Path(temp), args.articles)
            print(f"feeds: {args.articles} synthetic articles published in "
                  f"{time.perf_counter() - began:.1f} s")
        root = load_config(config_path).pipeline.feeds
        size = (root / args.path.lstrip("/")).stat().st_size
        servers = start_servers(config_path, root)
        started = datetime.now(timezone.utc)
        print(f"{args.path}: {size / 1000:.1f} kB; {args.seconds:g} s per scenario; started "
              f"{started:%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.2f} "
              f"({os.cpu_count()} CPUs)\n")
        print("| server | request | keep-alive | c | req/s | p50 ms | p99 ms | max ms | "
              "failed |")
        print("|---|---|---|---|---|---|---|---|---|")
        levels = [int(c) for c in args.concurrency.split(",")]
        try:
            for name, (process, port) in servers.items():
                url = f"http://127.0.0.1:{port}{args.path}"
                for kind, headers in KINDS.items():
                    for keep_alive in (False, True):
                        for concurrency in levels:
                            result = run_ab(url, concurrency, keep_alive, headers, args.seconds)
                            note = ("HTTP/1.0 -k" if keep_alive else "no")
                            print(f"| {name} | {kind} | {note} | {concurrency} | "
                                  + " | ".join(result.cells()) + " |", flush=True)
                if shutil.which("wrk"):
                    for kind, headers in KINDS.items():
                        result = run_wrk(url, 10, headers, args.seconds)
                        print(f"| {name} | {kind} | HTTP/1.1 (wrk) | 10 | "
                              + " | ".join(result.cells()) + " |", flush=True)
                # the HTTP/1.0 keep-alive target of issue 22, at c=10
                result = run_ab(url, 10, True, KINDS["plain"], args.seconds)
                print(f"| {name} | plain | HTTP/1.0 -k | 10 | " + " | ".join(result.cells())
                      + " |", flush=True)
        finally:
            for process, _ in servers.values():
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        print(f"\nended {datetime.now(timezone.utc):%H:%M} UTC, load average "
              f"{os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
