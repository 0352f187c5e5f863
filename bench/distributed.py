"""Distributed mode's throughput: items/s with 1, 2 and 4 workers on this machine.

For each worker count: a fresh archive (SQLite, or ``--database postgresql://...``: one
database per run is made next to it), a fresh ``redis-server`` on 127.0.0.1, N feeds of M
items each (``bench/corpus.py``: ~3 KB bodies in six languages, images with credits) served
by a local HTTP server in this process, K ``ingest worker -c 1`` processes
and one ``ingest scheduler``. The clock runs from the first feed request the server sees
until every item is in the archive ("stored"), and until the feeds are published from the
final archive ("published"). It reads what the processes spent: CPU seconds of the workers
(their whole process groups), the scheduler and redis-server, and what the workers' logs
say about their tasks (time in fetch+normalize, in the archive, in publishing).

    python bench/distributed.py [--sources 200] [--items 20] [--workers 1,2,4]
                                [--database postgresql://postgres@127.0.0.1:5432/postgres]
                                [--publish-worker]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

from corpus import make_feed  # noqa: E402
from distributed_helpers import (  # noqa: E402
    Tracker, published_mark, sources_toml, start, stop,
)
from engines_redis import RedisServer, free_port  # noqa: E402
import localserver  # noqa: E402
from localserver import LocalServer  # noqa: E402

from ingest.archive import open_archive  # noqa: E402

EDITIONS = (REPO / "schedules.toml").read_text(encoding="utf-8").split("# The bundled sample wire")[0]
TICKS = os.sysconf("SC_CLK_TCK")
# http.server writes an answer's head and body in two writes: with Nagle on, the body waits
# for the client's delayed ACK (~40 ms a request), which would be all this bench measured.
localserver.Handler.disable_nagle_algorithm = True


def cpu_seconds(group: int) -> float:
    """User + system CPU seconds of the live processes in process group ``group``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def own_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def new_database(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def run(workers: int, sources: int, items: int, database: str | None, folder: Path,
        publisher: bool = False) -> dict:
    folder.mkdir(parents=True)
    redis = RedisServer(folder, free_port()).start()
    tracker = Tracker()
    first: list[float] = []
    with LocalServer() as server:
        urls = []
        for number in range(sources):
            path = f"/feeds/s{number:03}.xml"
            server.routes[path] = tracker.route(path, make_feed(number, items))
            urls.append(server.url(path))
        original = {path: route.handler for path, route in server.routes.items()}
        for path, handler in original.items():
            def timed(request, handler=handler):
                if not first:
                    first.append(time.monotonic())
                handler(request)
            server.routes[path].handler = timed
        db = (new_database(database, f"bench_distributed_{workers}") if database
              else str(folder / "wire.db"))
        config = folder / "schedules.toml"
        settings = {"broker": f'"{redis.url}"', "database": f'"{db}"', "per_host": "8",
                    "render_delay": "1"}
        lines = [line for line in EDITIONS.splitlines()
                 if line.split("=", 1)[0].strip() not in settings]
        at = lines.index("[pipeline]") + 1
        lines[at:at] = [f"{key} = {value}" for key, value in settings.items()]
        config.write_text("\n".join(lines) + "\n" + sources_toml(urls), encoding="utf-8")
        archive = open_archive(db)
        logs = [folder / f"worker-{n}.log" for n in range(workers)]
        queues = ["-Q", "wirefeed.sources"] if publisher else []
        procs = [start(["worker", "-v", "-c", "1", "-n", f"w{n}@bench", *queues], config, log,
                       cwd=folder) for n, log in enumerate(logs)]
        if publisher:  # one more worker, for the publish queue only
            logs.append(folder / "publisher.log")
            procs.append(start(["worker", "-v", "-c", "1", "-n", "publisher@bench", "-Q",
                                "wirefeed.publish"], config, logs[-1], cwd=folder))
        time.sleep(3)  # the workers connect (not measured: the clock starts at the first fetch)
        scheduler = start(["scheduler", "--tick", "0.5"], config, folder / "scheduler.log",
                          cwd=folder)
        expected = sources * items

        def alive() -> None:
            for proc in [scheduler, *procs]:
                if proc.poll() is not None:
                    raise SystemExit(f"{proc.args[3]} exited with {proc.returncode}: see {folder}")
        while archive.count_articles() < expected:
            alive()
            time.sleep(0.1)
        stored = time.monotonic()
        while published_mark(folder / "data" / "feeds") != archive.change_mark():
            alive()
            time.sleep(0.1)
        published = time.monotonic()
        worker_cpu = sum(cpu_seconds(proc.pid) for proc in procs)
        scheduler_cpu = cpu_seconds(scheduler.pid)
        redis_cpu = own_cpu(redis.process.pid)
        for proc in [scheduler, *procs]:
            stop(proc)
        archive.close()
    redis.stop()
    text = "".join(log.read_text(errors="replace") for log in logs)
    tasks = re.findall(r"task done in ([\d.]+)s \(fetch and normalize ([\d.]+)s, archive ([\d.]+)s\)",
                       text)
    publishes = [float(s) for s in re.findall(r"feeds published in ([\d.]+)s", text)]
    return {
        "workers": workers, "items": expected,
        "stored_s": stored - first[0], "published_s": published - first[0],
        "worker_cpu": worker_cpu, "scheduler_cpu": scheduler_cpu, "redis_cpu": redis_cpu,
        "collect_s": sum(float(t[1]) for t in tasks), "archive_s": sum(float(t[2]) for t in tasks),
        "publishes": len(publishes), "publish_s": sum(publishes), "tasks": len(tasks),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--database", help="a PostgreSQL server URL (default: an SQLite file)")
    parser.add_argument("--publish-worker", action="store_true",
                        help="one more worker taking only the publish queue (the others: "
                             "only the sources)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="wirefeed-bench-distributed-"))
    print(f"{args.sources} feeds x {args.items} items, {os.cpu_count()} CPUs, archive "
          f"{'PostgreSQL' if args.database else 'SQLite'}"
          f"{', a publishing worker besides' if args.publish_worker else ''}; load average before: "
          f"{os.getloadavg()[0]:.1f}")
    header = (f"{'workers':>7} {'stored s':>9} {'items/s':>8} {'+publish s':>10} "
              f"{'worker CPU s':>12} {'busy %':>6} {'fetch+norm s':>12} {'archive s':>9} "
              f"{'publishes':>9} {'publish s':>9} {'sched CPU':>9} {'redis CPU':>9}")
    print(header)
    for workers in [int(n) for n in args.workers.split(",")]:
        row = run(workers, args.sources, args.items, args.database, root / f"w{workers}",
                  args.publish_worker)
        busy = 100 * row["worker_cpu"] / row["published_s"] / (os.cpu_count() or 1)
        print(f"{workers:>7} {row['stored_s']:>9.2f} {row['items'] / row['stored_s']:>8.0f} "
              f"{row['published_s'] - row['stored_s']:>10.2f} {row['worker_cpu']:>12.1f} "
              f"{busy:>6.0f} {row['collect_s']:>12.1f} {row['archive_s']:>9.1f} "
              f"{row['publishes']:>9} {row['publish_s']:>9.1f} {row['scheduler_cpu']:>9.2f} "
              f"{row['redis_cpu']:>9.2f}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}; work folder {root}")


if __name__ == "__main__":
    main()
