"""Benchmark `ingest serve`: requests per second for full answers (200) and revalidations (304).

Run by hand, never in CI:

    python bench/bench_serve.py [--requests 5000] [--threads 4] [--articles 600]

Uses ``data/feeds`` (with ``schedules.toml``) when it holds feeds, else publishes synthetic
articles into a temporary folder with the real publisher. The server runs in a SUBPROCESS on
127.0.0.1 (a free port); this process drives a fixed number of keep-alive requests from a few
threads, each with its own httpx client, and stops by itself. Only figures are printed.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

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


def start_server(config_path: Path) -> tuple[subprocess.Popen, str]:
    """Start ``python -m ingest serve`` on a free port; return the process and its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ingest", "serve", "--config", str(config_path), "--port", "0",
         "-q"], cwd=config_path.parent, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    banner = process.stdout.readline()  # "serving <root> at http://127.0.0.1:PORT/ ..."
    if " at http://127.0.0.1:" not in banner:
        process.kill()
        raise SystemExit(f"server did not start: {banner!r}")
    return process, banner.split(" at ", 1)[1].split()[0]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drive(url: str, paths: list[str], total: int, threads: int, headers_for, expect: int
          ) -> tuple[float, int, int]:
    """Send ``total`` GETs from ``threads`` keep-alive clients; return (seconds, bytes, wrong)."""
    share = [total // threads + (1 if i < total % threads else 0) for i in range(threads)]
    received = [0] * threads
    wrong = [0] * threads

    def work(index: int) -> None:
        with httpx.Client(base_url=url.rstrip("/"), timeout=30) as client:
            for n in range(share[index]):
                path = paths[(index + n * threads) % len(paths)]
                response = client.get(path, headers=headers_for(path))
                received[index] += response.num_bytes_downloaded  # on the wire
                wrong[index] += response.status_code != expect

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - began, sum(received), sum(wrong)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests per scenario")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--articles", type=int, default=600, help="synthetic articles")
    args = parser.parse_args()

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
        files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
        paths = ["/" + str(p.relative_to(root)) for p in files]
        sizes = [p.stat().st_size for p in files]
        print(f"{len(paths)} files, {sum(sizes) / 1e6:.1f} MB, mean {sum(sizes) / len(sizes) / 1e3:.1f} kB")

        process, url = start_server(config_path)
        try:
            etags = {"identity": {}, "gzip": {}}
            with httpx.Client(base_url=url.rstrip("/"), timeout=30) as client:
                for path in paths:  # warm the server's cache and learn both ETags
                    for coding in etags:
                        response = client.get(path, headers={"Accept-Encoding": coding})
                        etags[coding][path] = response.headers["etag"]
            scenarios = [
                ("200 identity", 200, lambda p: {"Accept-Encoding": "identity"}),
                ("200 gzip", 200, lambda p: {"Accept-Encoding": "gzip"}),
                ("304 If-None-Match", 304,
                 lambda p: {"Accept-Encoding": "gzip", "If-None-Match": etags["gzip"][p]}),
                ("304 If-Modified-Since", 304,
                 lambda p: {"Accept-Encoding": "identity",
                            "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}),
            ]
            print(f"{args.requests} requests per scenario, {args.threads} keep-alive clients, "
                  f"127.0.0.1")
            for name, status, headers_for in scenarios:
                cpu_before = cpu_seconds(process.pid)
                seconds, received, wrong = drive(url, paths, args.requests, args.threads,
                                                 headers_for, status)
                cpu_after = cpu_seconds(process.pid)
                server_cpu = (f"  server CPU {(cpu_after - cpu_before) / args.requests * 1e3:.2f} ms/req"
                              if cpu_before is not None and cpu_after is not None else "")
                print(f"  {name:<24} {args.requests / seconds:8.0f} req/s  "
                      f"{received / seconds / 1e6:7.1f} MB/s on the wire{server_cpu}  "
                      f"({seconds:.2f} s" + (f", {wrong} unexpected statuses)" if wrong else ")"))
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        print(f"server exit code {process.returncode}")


if __name__ == "__main__":
    main()
