"""End-to-end benchmark: generated feeds on 127.0.0.1, the real ``ingest run-once --all``, and
the ``reader`` library as a peer on the same feeds. Run by hand, never in CI::

    python bench/run.py                      # 1k and 10k items, 50 sources, with the peer
    python bench/run.py --sizes 1000,10000,100000 --sources 50
    python bench/run.py --no-peer            # wirefeed only

For each size it runs three passes against a fresh archive: ``cold`` (every item new),
``unchanged`` (the server answers 304) and ``changed`` (10% of the items of every source
rewritten). It prints items/s end to end, seconds per stage (from ``bench/profiled.py``) and
the peak resident memory of the child process (read through GNU time when ``/usr/bin/time``
exists, else ``wait4`` rusage: see :func:`run_child`), then the same for ``reader`` and the
ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

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


def write_config(folder: Path, urls: list[str]) -> Path:
    """A ``schedules.toml`` for the generated sources (one feed source per URL)."""
    lines = ["[pipeline]", 'database = "wire.db"', 'feeds = "feeds"',
             'base_url = "http://localhost:8080"', "items_per_feed = 50", 'title = "bench"',
             'every = "15m"', "timeout = 60", "max_bytes = 200000000", "", editions_toml()]
    for number, url in enumerate(urls):
        lines += ["[[sources]]", f'id = "s{number}"', 'kind = "feed"', f'url = "{url}"',
                  f'language = "{corpus.source_language(number)}"', ""]
    path = folder / "schedules.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def serve_revision(server: LocalServer, sources: int, per_source: int, revision: int,
                   fraction: float) -> int:
    """Point the routes at a revision of every feed; returns the bytes served."""
    total = 0
    stamp = format_datetime(datetime(2026, 3, 2, 12, revision, tzinfo=timezone.utc), usegmt=True)
    for number in range(sources):
        body = corpus.make_feed(number, per_source, revision, fraction)
        total += len(body)
        kind = "application/rss+xml" if corpus.source_format(number) == "rss" else "application/atom+xml"
        server.routes[f"/feed/s{number}.xml"] = Route(body=body, content_type=kind,
                                                     last_modified=stamp)
    return total


def run_child(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Run a command; returns (wall seconds, peak RSS in MB, exit status)."""
    # The peak is read through GNU time when there is one: a child forked from this process
    # starts with this process's resident pages (the served feeds: ~450 MB at 100k items), and
    # the kernel counts them in the child's peak even after exec. time(1) is small.
    peak_file = None
    if os.path.exists(GNU_TIME):
        peak_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"wirefeed-bench-peak-{os.getpid()}"
        argv = [GNU_TIME, "-f", "%M", "-o", str(peak_file), *argv]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    peak = usage.ru_maxrss / 1024
    if peak_file is not None:
        try:
            peak = int(peak_file.read_text().split()[-1]) / 1024
            peak_file.unlink()
        except (OSError, ValueError, IndexError):
            pass
    return elapsed, peak, proc.returncode


def run_wirefeed(config: Path, out: Path, label: str) -> dict:
    profile = out / f"profile-{label}.json"
    env = dict(os.environ, WIREFEED_PROFILE_OUT=str(profile), PYTHONPATH=str(ROOT))
    elapsed, peak, code = run_child([sys.executable, str(HERE / "profiled.py"), "run-once",
                                     "--all", "--no-summary", "-q", "--config", str(config)], env)
    stages = json.loads(profile.read_text())["stages"] if profile.exists() else {}
    return {"seconds": elapsed, "peak_mb": peak, "exit": code, "stages": stages}


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


def run_reader(python: Path, db: Path, urls_file: Path) -> dict:
    elapsed, peak, code = run_child([str(python), str(HERE / "reader_peer.py"), str(db),
                                     str(urls_file)])
    return {"seconds": elapsed, "peak_mb": peak, "exit": code}


def line(label: str, items: int, result: dict) -> str:
    rate = items / result["seconds"] if result["seconds"] else 0.0
    stages = result.get("stages") or {}
    parts = " ".join(f"{name}={stages[name]:.2f}" for name in STAGES if name in stages)
    status = "" if result["exit"] == 0 else f" exit={result['exit']}"
    return (f"  {label:<22} {result['seconds']:8.2f} s  {rate:9.0f} items/s  "
            f"peak {result['peak_mb']:6.0f} MB{status}  {parts}")


def bench_size(total: int, sources: int, out: Path, reader_python: Path | None,
               fraction: float) -> dict:
    per_source = max(1, total // sources)
    items = per_source * sources
    folder = out / f"n{items}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"\n== {items} items: {sources} sources x {per_source} items ==", flush=True)
    results: dict[str, dict] = {}
    with LocalServer() as server:
        size = serve_revision(server, sources, per_source, 0, 0.0)
        print(f"  served {size / 1e6:.1f} MB of feeds from {server.base}", flush=True)
        urls = [server.url(f"/feed/s{n}.xml") for n in range(sources)]
        config = write_config(folder, urls)
        urls_file = folder / "urls.txt"
        urls_file.write_text("\n".join(urls) + "\n")
        changed_items = sum(len(corpus.changed_items(n, per_source, 1, fraction))
                            for n in range(sources))
        passes = [("cold", items), ("unchanged", items), ("changed", changed_items)]
        for label, count in passes:
            if label == "changed":
                serve_revision(server, sources, per_source, 1, fraction)
            result = run_wirefeed(config, folder, label)
            results[f"wirefeed-{label}"] = result
            print(line(f"wirefeed {label}", items, result), flush=True)
            if label == "changed":
                print(f"    ({count} items changed, {count / result['seconds']:.0f} changed items/s)")
        if reader_python is not None:
            serve_revision(server, sources, per_source, 0, 0.0)
            for label, _ in passes:
                if label == "changed":
                    serve_revision(server, sources, per_source, 1, fraction)
                result = run_reader(reader_python, folder / "reader.sqlite", urls_file)
                results[f"reader-{label}"] = result
                print(line(f"reader {label}", items, result), flush=True)
            for label, _ in passes:
                ours, theirs = results[f"wirefeed-{label}"], results[f"reader-{label}"]
                print(f"  ratio {label:<10} wirefeed is {theirs['seconds'] / ours['seconds']:.2f}x "
                      f"reader's speed")
    return {"items": items, "sources": sources, "results": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="comma-separated total item counts (default 1000,10000)")
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--changed", type=float, default=0.10,
                        help="fraction of items rewritten for the 'changed' pass")
    parser.add_argument("--no-peer", action="store_true", help="skip the reader baseline")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    # An installed package ships compiled bytecode; an editable checkout under
    # PYTHONDONTWRITEBYTECODE would recompile every module in every run and time that instead.
    import compileall

    for package in ("ingest", "normalize", "syndicate"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    reader_python = None if args.no_peer else ensure_reader()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    summary = [bench_size(int(n), args.sources, args.out, reader_python, args.changed)
               for n in args.sizes.split(",") if n.strip()]
    (args.out / "results.json").write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
