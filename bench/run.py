"""End-to-end benchmark: feeds on 127.0.0.1, the real ``ingest run-once --all``, and two peers
on the same feeds: the ``reader`` library and bare feedparser. Run by hand, never in CI::

    python bench/run.py                      # 1k and 10k generated items, 50 sources, with peers
    python bench/run.py --sizes 1000,10000,100000 --sources 50
    python bench/run.py --plain              # the generated feeds without the real-world shapes
    python bench/run.py --feeds DIR          # every RSS/Atom file under DIR, one source each
    python bench/run.py --no-peer            # wirefeed only

For each size (or the folder) it runs three passes against a fresh archive: ``cold`` (every
item new), ``unchanged`` (the server answers 304) and ``changed`` (10% of the items of every
source rewritten; in a folder of real feeds, 10% of each file's items get a new title). It prints items/s end to end, seconds per stage (from ``bench/profiled.py``) and
the peak resident memory of the child process (read through GNU time when ``/usr/bin/time``
exists, else ``wait4`` rusage: see :func:`run_child`), then the same for ``reader`` and the
ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
from localserver import LocalServer, Route  # noqa: E402

VENV = HERE / ".venv-reader"
GNU_TIME = "/usr/bin/time"
STAGES = ("fetch", "parse", "wire", "language", "normalize", "route", "archive", "render")


def editions_toml() -> str:
    """The 20 editions exactly as the shipped ``schedules.toml`` declares them."""
    text = (ROOT / "schedules.toml").read_text(encoding="utf-8")
    blocks = re.findall(r"^\[\[editions\]\]\n(?:^(?!\[).*\n?)*", text, re.M)
    return "\n".join(block.strip() + "\n" for block in blocks)


#: ``--database``: the archive every run writes (default: ``wire.db`` in the run's folder).
DATABASE = "wire.db"


def empty_database() -> None:
    """A PostgreSQL ``--database`` starts each size empty (its tables dropped), as a new
    SQLite file does."""
    if "://" not in DATABASE:
        return
    import psycopg

    with psycopg.connect(DATABASE, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def write_config(folder: Path, urls: list[str], languages: bool = True) -> Path:
    """A ``schedules.toml`` with one feed source per URL (the generated sources declare their
    language; real feeds are detected)."""
    empty_database()
    lines = ["[pipeline]", f'database = "{DATABASE}"', 'feeds = "feeds"',
             'base_url = "http://localhost:8080"', "items_per_feed = 50", 'title = "bench"',
             'every = "15m"', "timeout = 60", "max_bytes = 200000000", "", editions_toml()]
    for number, url in enumerate(urls):
        lines += ["[[sources]]", f'id = "s{number}"', 'kind = "feed"', f'url = "{url}"']
        if languages:
            lines.append(f'language = "{corpus.source_language(number)}"')
        lines.append("")
    path = folder / "schedules.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def serve_revision(server: LocalServer, sources: int, per_source: int, revision: int,
                   fraction: float, rich: bool = True) -> int:
    """Point the routes at a revision of every feed; returns the bytes served."""
    total = 0
    stamp = format_datetime(datetime(2026, 3, 2, 12, revision, tzinfo=timezone.utc), usegmt=True)
    for number in range(sources):
        body = corpus.make_feed(number, per_source, revision, fraction, rich)
        total += len(body)
        kind = "application/rss+xml" if corpus.source_format(number) == "rss" else "application/atom+xml"
        server.routes[f"/feed/s{number}.xml"] = Route(body=body, content_type=kind,
                                                     last_modified=stamp)
    return total


def become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``),
    so that :func:`run_child` can count the CPU of processes the run leaves behind: the
    normalization workers are children of multiprocessing's forkserver, which the run does not
    wait for, so their CPU never reaches the run's own rusage."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


SUBREAPER = False


def reap_orphans() -> float:
    """Wait for every descendant re-parented to this process; returns their CPU seconds."""
    cpu = 0.0
    while True:
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return cpu
        cpu += usage.ru_utime + usage.ru_stime


def run_child(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, float]:
    """Run a command; returns (wall seconds, peak RSS in MB, exit status, CPU seconds of the
    command and every process it started: user + system).

    The machine is shared, so the CPU figure is the steadier one: wall time grows with the
    load, CPU time much less."""
    # The peak is read through GNU time when there is one: a child forked from this process
    # starts with this process's resident pages (the served feeds: ~450 MB at 100k items), and
    # the kernel counts them in the child's peak even after exec. time(1) is small.
    peak_file = None
    if os.path.exists(GNU_TIME):
        peak_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"wirefeed-bench-peak-{os.getpid()}"
        argv = [GNU_TIME, "-f", "%M", "-o", str(peak_file), *argv]
    start = time.perf_counter()
    # In the repository's folder: multiprocessing's forkserver starts as ``python -c``, which
    # puts the current folder first on its import path, so run from another checkout the
    # workers would run that checkout's code.
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime + (reap_orphans() if SUBREAPER else 0.0)
    peak = usage.ru_maxrss / 1024
    if peak_file is not None:
        try:
            peak = int(peak_file.read_text().split()[-1]) / 1024
            peak_file.unlink()
        except (OSError, ValueError, IndexError):
            pass
    return elapsed, peak, proc.returncode, cpu


def run_wirefeed(config: Path, out: Path, label: str) -> dict:
    profile = out / f"profile-{label}.json"
    env = dict(os.environ, WIREFEED_PROFILE_OUT=str(profile), PYTHONPATH=str(ROOT))
    elapsed, peak, code, cpu = run_child([sys.executable, str(HERE / "profiled.py"), "run-once",
                                          "--all", "--no-summary", "-q", "--config", str(config)],
                                         env)
    stages = json.loads(profile.read_text())["stages"] if profile.exists() else {}
    return {"seconds": elapsed, "cpu": cpu, "peak_mb": peak, "exit": code, "stages": stages}


def ensure_reader() -> Path | None:
    """The peer's virtualenv python (created with ``pip install reader`` on first use)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV} (python -m venv + pip install reader sgmllib3k) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "reader", "sgmllib3k"], check=True)
    probe = subprocess.run([str(python), "-c", "import reader, sgmllib; print(reader.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        print("reader is not importable in the benchmark venv; skipping the peer", file=sys.stderr)
        return None
    return python


def run_feedparser(state: Path, urls_file: Path) -> dict:
    elapsed, peak, code, cpu = run_child([sys.executable, str(HERE / "feedparser_peer.py"),
                                          str(state), str(urls_file)])
    return {"seconds": elapsed, "cpu": cpu, "peak_mb": peak, "exit": code}


def run_reader(python: Path, db: Path, urls_file: Path) -> dict:
    elapsed, peak, code, cpu = run_child([str(python), str(HERE / "reader_peer.py"), str(db),
                                          str(urls_file)])
    return {"seconds": elapsed, "cpu": cpu, "peak_mb": peak, "exit": code}


def line(label: str, items: int, result: dict) -> str:
    rate = items / result["seconds"] if result["seconds"] else 0.0
    stages = result.get("stages") or {}
    parts = " ".join(f"{name}={stages[name]:.2f}" for name in STAGES if name in stages)
    status = "" if result["exit"] == 0 else f" exit={result['exit']}"
    cpu_rate = items / result["cpu"] if result.get("cpu") else 0.0
    return (f"  {label:<22} {result['seconds']:8.2f} s  {rate:7.0f} items/s  "
            f"cpu {result.get('cpu', 0.0):7.2f} s {cpu_rate:7.0f} items/cpu-s  "
            f"peak {result['peak_mb']:5.0f} MB{status}  {parts}")


def run_passes(folder: Path, items: int, changed_items: int, urls: list[str], config: Path,
               serve: Callable[[int], None], reader_python: Path | None, peers: bool) -> dict:
    """The three passes for wirefeed, then for each peer; ``serve(revision)`` points the routes
    at revision 0 (cold, unchanged) or 1 (changed). Prints a line per pass and the ratios."""
    urls_file = folder / "urls.txt"
    urls_file.write_text("\n".join(urls) + "\n")
    results: dict[str, dict] = {}
    passes = ("cold", "unchanged", "changed")
    runners: list[tuple[str, Callable[[str], dict]]] = [
        ("wirefeed", lambda label: run_wirefeed(config, folder, label))]
    if peers and reader_python is not None:
        runners.append(("reader", lambda label: run_reader(reader_python, folder / "reader.sqlite",
                                                           urls_file)))
    if peers:
        runners.append(("feedparser", lambda label: run_feedparser(folder / "feedparser-state.json",
                                                                   urls_file)))
    for name, runner in runners:
        serve(0)
        for label in passes:
            if label == "changed":
                serve(1)
            result = runner(label)
            results[f"{name}-{label}"] = result
            print(line(f"{name} {label}", items, result), flush=True)
            if label == "changed":
                print(f"    ({changed_items} items changed, "
                      f"{changed_items / result['seconds']:.0f} changed items/s)")
    for name, _ in runners[1:]:
        for label in passes:
            ours, theirs = results[f"wirefeed-{label}"], results[f"{name}-{label}"]
            cpu = (f", {theirs['cpu'] / ours['cpu']:.2f}x by CPU time"
                   if ours.get("cpu") and theirs.get("cpu") else "")
            print(f"  ratio {label:<10} wirefeed is {theirs['seconds'] / ours['seconds']:.2f}x "
                  f"{name}'s speed by wall time{cpu}")
    return results


def bench_size(total: int, sources: int, out: Path, reader_python: Path | None,
               fraction: float, peers: bool = True, rich: bool = True) -> dict:
    """The generated corpus: ``sources`` feeds of ``total / sources`` items."""
    per_source = max(1, total // sources)
    items = per_source * sources
    folder = out / f"n{items}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"\n== {items} items: {sources} sources x {per_source} items "
          f"({'rich' if rich else 'plain'} shapes) ==", flush=True)
    with LocalServer() as server:
        size = serve_revision(server, sources, per_source, 0, 0.0, rich)
        print(f"  served {size / 1e6:.1f} MB of feeds from {server.base}", flush=True)
        urls = [server.url(f"/feed/s{n}.xml") for n in range(sources)]
        config = write_config(folder, urls)
        changed_items = sum(len(corpus.changed_items(n, per_source, 1, fraction))
                            for n in range(sources))

        def serve(revision: int) -> None:
            serve_revision(server, sources, per_source, revision, fraction if revision else 0.0, rich)

        results = run_passes(folder, items, changed_items, urls, config, serve, reader_python, peers)
    return {"items": items, "sources": sources, "results": results}


_ITEM = re.compile(rb"<(item|entry)[\s>].*?</\1>", re.S)
_TITLE = re.compile(rb"(<title(?:\s[^>]*)?>)")


def change_titles(data: bytes, seed: str, fraction: float) -> tuple[bytes, int]:
    """A revision of a real feed: ``fraction`` of its items get a new title (a prefix); returns
    the bytes and how many items changed."""
    items = list(_ITEM.finditer(data))
    if not items or fraction <= 0:
        return data, 0
    chosen = set(random.Random(seed).sample(range(len(items)), max(1, round(len(items) * fraction))))
    out, last = [], 0
    for number, match in enumerate(items):
        if number not in chosen:
            continue
        block = _TITLE.sub(lambda m: m.group(1) + b"Updated: ", match.group(0), count=1)
        out += [data[last:match.start()], block]
        last = match.end()
    out.append(data[last:])
    return b"".join(out), len(chosen)


def real_feeds(folder: Path, copies: int = 1) -> list[tuple[str, bytes]]:
    """Every RSS/RDF/Atom file under ``folder`` (by its first 4 KB), ``copies`` times each."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        head = data[:4096]
        if b"<rss" in head or b"<feed" in head or b"RDF" in head:
            found += [(f"{path.relative_to(folder)}#{n}", data) for n in range(copies)]
    return found


def bench_folder(feeds: Path, out: Path, reader_python: Path | None, fraction: float,
                 peers: bool = True, copies: int = 1) -> dict:
    """A folder of real feeds, one source each, served as they are (no charset in the header)."""
    import feedparser

    documents = real_feeds(feeds, copies)
    counts = [len(feedparser.parse(data).entries) for _, data in documents]
    documents = [(name, data) for (name, data), count in zip(documents, counts) if count]
    items = sum(count for count in counts if count)
    revisions = [change_titles(data, name, fraction) for name, data in documents]
    changed_items = sum(count for _, count in revisions)
    folder = out / "folder"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"\n== {feeds}: {len(documents)} feeds, {items} items ==", flush=True)
    with LocalServer() as server:

        def serve(revision: int) -> None:
            for number, (name, data) in enumerate(documents):
                body = revisions[number][0] if revision else data
                server.routes[f"/real/{number}.xml"] = Route(
                    body=body, content_type="application/xml",
                    last_modified=format_datetime(datetime(2026, 3, 2, 12, revision,
                                                           tzinfo=timezone.utc), usegmt=True))

        urls = [server.url(f"/real/{n}.xml") for n in range(len(documents))]
        config = write_config(folder, urls, languages=False)
        results = run_passes(folder, items, changed_items, urls, config, serve, reader_python, peers)
    return {"items": items, "sources": len(documents), "results": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="comma-separated total item counts (default 1000,10000)")
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--changed", type=float, default=0.10,
                        help="fraction of items rewritten for the 'changed' pass")
    parser.add_argument("--no-peer", action="store_true",
                        help="skip the reader and bare-feedparser baselines")
    parser.add_argument("--plain", action="store_true",
                        help="generated feeds without the real-world shapes (earlier figures)")
    parser.add_argument("--feeds", type=Path,
                        help="a folder of real feed files: benchmark those instead of generated feeds")
    parser.add_argument("--copies", type=int, default=1,
                        help="with --feeds: serve each file as this many sources")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--database", default="wire.db",
                        help="the archive: an SQLite file name (default wire.db, in the run's "
                             "folder) or a postgresql:// URL (its tables are dropped first)")
    args = parser.parse_args(argv)
    global DATABASE
    DATABASE = args.database
    args.out = args.out.resolve()  # the children run in the repository's folder
    args.out.mkdir(parents=True, exist_ok=True)
    # An installed package ships compiled bytecode; an editable checkout under
    # PYTHONDONTWRITEBYTECODE would recompile every module in every run and time that instead.
    import compileall

    for package in ("ingest", "normalize", "syndicate"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    reader_python = None if args.no_peer else ensure_reader()
    global SUBREAPER
    SUBREAPER = become_subreaper()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg())
          + ("" if SUBREAPER else " (no subreaper: the workers' CPU is not counted)"))
    if args.feeds:
        summary = [bench_folder(args.feeds, args.out, reader_python, args.changed,
                                not args.no_peer, args.copies)]
    else:
        summary = [bench_size(int(n), args.sources, args.out, reader_python, args.changed,
                              not args.no_peer, not args.plain)
                   for n in args.sizes.split(",") if n.strip()]
    print("load average at the end " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    (args.out / "results.json").write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
