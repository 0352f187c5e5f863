"""A timeline of one ``ingest run-once`` across its processes: when each step started and ended,
in wall time from the run's start and in the CPU its process had used by then.

    python bench/timeline.py --feeds ~/corpora/feeds/real [--cache DIR] [--runs N]

serves the folder's feeds on 127.0.0.1 as ``bench/run.py --feeds`` does, then runs the real
``ingest run-once --all`` (``python bench/timeline.py run-once ...``: the pipeline's own
functions wrapped as their modules are imported, as ``bench/profiled.py`` does) into a fresh
archive, with ``XDG_CACHE_HOME`` the given folder (an empty one by default: a first run). Every
process of the run (the run's own, the forkserver forked from it, the gazetteer's child, the
workers, the render workers) appends its events to one file; the run's process CPU and that of
every descendant come from ``wait4`` (this process is their subreaper). Run by hand, never in CI.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from pathlib import Path

from importhook import AroundImport  # bench/, the script's own folder

ENV_OUT = "WIREFEED_TIMELINE_OUT"
ENV_T0 = "WIREFEED_TIMELINE_T0"

#: (module, attribute path, event name): wrapped once the module is imported, each call
#: logging its start and end.
PATCHES = (
    ("ingest.config", "load_config", "config"),
    ("ingest.cli", "check_storage", "check-storage"),
    ("ingest.cli", "_archive", "archive-open"),
    ("ingest.cli", "_boot_workers_for_first_fetches", "boot-decision"),
    ("ingest.cli", "_fork_dormant_forkserver", "dormant-fork"),
    ("ingest.cli", "end_process", "end-process"),
    ("ingest.workers", "fork_forkserver", "fork-forkserver"),
    ("ingest.workers", "start_forkserver", "start-forkserver"),
    ("ingest.workers", "normalization_pool", "pool-made"),
    ("ingest.workers", "_start_worker", "worker-init"),
    ("ingest.workers", "_save_language_states", "worker-save-states"),
    ("ingest.workers", "_fork_detached", "fork-detached"),
    ("ingest.workers", "end_in_background", "pool-end-thread"),
    ("ingest.workers", "wait_for_ended", "wait-pool-ended"),
    ("ingest.workers", "forked_map", "forked-map"),
    ("ingest.pipeline", "run_once", "run-once"),
    ("ingest.pipeline", "Runner.prepare", "prepare"),
    ("ingest.pipeline", "Runner.commit", "commit"),
    ("ingest.pipeline", "Runner.normalize_job", "normalize-job"),
    ("ingest.pipeline", "Runner.close", "runner-close"),
    ("ingest.pipeline", "make_run_client", "http-client"),
    ("ingest.collectors", "fetch", "fetch"),
    ("ingest.publishing", "FeedPublisher.publish", "publish"),
    ("ingest.publishing", "_warm_up", "publish-warm-up"),
    ("syndicate.publish", "publish_all", "publish-all"),
    ("ingest.archive", "Archive.close", "archive-close"),
    ("ingest.workers", "_install", "render-worker-init"),
    ("normalize", "normalize_many", "normalize-many"),
    ("normalize.places", "gazetteer", "gazetteer"),
    ("normalize.places", "adopt", "gazetteer-adopt"),
    ("normalize.places", "build_dump", "gazetteer-build"),
    ("normalize.language", "warm_up", "language-warm-up"),
)
#: Modules whose whole import is an event (``ingest.preload`` does its work as it is imported).
IMPORTS = ("ingest.preload", "ingest.cli", "ingest.archive", "ingest.pipeline", "ingest.publishing",
           "syndicate.publish", "httpx", "normalize.language")

_fd = None
_fd_pid = 0
_t0 = 0.0


def log(event: str) -> None:
    """One line: seconds since the run's start, pid, parent pid, process CPU, thread, event."""
    global _fd, _fd_pid
    if _fd is None:
        return
    if os.getpid() != _fd_pid:  # a forked process (which may have closed the inherited one)
        _fd, _fd_pid = os.open(os.environ[ENV_OUT], os.O_WRONLY | os.O_APPEND), os.getpid()
    line = (f"{time.time() - _t0:.4f} {os.getpid()} {os.getppid()} {time.process_time():.4f} "
            f"{threading.current_thread().name} {event}\n")
    os.write(_fd, line.encode())


#: Thread CPU seconds spent in each traced function of this process (nested calls counted in
#: each), logged as one ``=cpu`` line per function at the process's exit handlers.
THREAD_CPU: dict[str, float] = {}


def traced(event: str, func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        log(f"+{event}")
        start = time.thread_time()
        try:
            return func(*args, **kwargs)
        finally:
            THREAD_CPU[event] = THREAD_CPU.get(event, 0.0) + time.thread_time() - start
            log(f"-{event}")

    return wrapper


def log_thread_cpu() -> None:
    for event, seconds in sorted(THREAD_CPU.items()):
        log(f"=cpu {event} {seconds:.4f}")


def _patch(module) -> None:
    for name, path, event in PATCHES:
        if name != module.__name__:
            continue
        *owners, attribute = path.split(".")
        owner = module
        try:
            for part in owners:
                owner = getattr(owner, part)
            setattr(owner, attribute, traced(event, getattr(owner, attribute)))
        except AttributeError:
            pass


def _run_and_patch(module, execute) -> None:
    imported = module.__name__ in IMPORTS
    if imported:
        log(f"+import {module.__name__}")
    try:
        execute()
    finally:
        if imported:
            log(f"-import {module.__name__}")
    _patch(module)


def install() -> None:
    global _fd, _fd_pid, _t0
    _fd = os.open(os.environ[ENV_OUT], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    _fd_pid = os.getpid()
    _t0 = float(os.environ.get(ENV_T0) or time.time())
    log("interpreter-ready")
    for name in {name for name, _, _ in PATCHES}:
        if name in sys.modules:
            _patch(sys.modules[name])
    sys.meta_path.insert(0, AroundImport({name for name, _, _ in PATCHES} | set(IMPORTS),
                                         _run_and_patch))
    import atexit

    atexit.register(log_thread_cpu)
    atexit.register(log, "atexit")


# -- the driver ---------------------------------------------------------------------------------


def drive(argv: list[str]) -> int:
    import argparse
    import json
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run as bench  # noqa: E402
    from localserver import LocalServer, Route  # noqa: E402
    from email.utils import format_datetime
    from datetime import datetime, timezone

    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=Path, required=True)
    parser.add_argument("--cache", type=Path, help="XDG_CACHE_HOME (default: a new empty one)")
    parser.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="timeline-")))
    parser.add_argument("--raw", action="store_true", help="print every event")
    args = parser.parse_args(argv)
    bench.become_subreaper()
    import compileall

    for package in ("ingest", "normalize", "syndicate"):
        compileall.compile_dir(str(bench.ROOT / package), quiet=1)
    documents = bench.real_feeds(args.feeds)
    folder = args.out.resolve()
    __import__("shutil").rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    cache = args.cache or Path(tempfile.mkdtemp(prefix="timeline-cache-"))
    events = folder / "events.txt"
    events.unlink(missing_ok=True)
    with LocalServer() as server:
        stamp = format_datetime(datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc), usegmt=True)
        for number, (_, data) in enumerate(documents):
            server.routes[f"/real/{number}.xml"] = Route(body=data, content_type="application/xml",
                                                         last_modified=stamp)
        urls = [server.url(f"/real/{n}.xml") for n in range(len(documents))]
        config = bench.write_config(folder, urls, languages=False)
        env = dict(os.environ, PYTHONPATH=str(bench.ROOT), XDG_CACHE_HOME=str(cache))
        env[ENV_OUT] = str(events)
        start = time.time()
        env[ENV_T0] = repr(start)
        proc = __import__("subprocess").Popen(
            [sys.executable, __file__, "run-once", "--all", "--no-summary", "-q",
             "--config", str(config)], env=env, cwd=bench.ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.time() - start
        own = usage.ru_utime + usage.ru_stime
        reaped: dict[str, float] = {}  # every descendant the run left, by pid
        while True:
            try:
                pid, _, rusage = os.wait4(-1, 0)
            except ChildProcessError:
                break
            reaped[str(pid)] = rusage.ru_utime + rusage.ru_stime
        others = sum(reaped.values())
    lines = [line.split(" ", 5) for line in events.read_text().splitlines()]
    print("thread CPU of the run process's traced calls:", "; ".join(
        line[5][5:] for line in lines if line[5].startswith("=cpu ")))
    lines = [line for line in lines if not line[5].startswith("=")]
    print(f"exit {os.waitstatus_to_exitcode(status)}  wall {wall:.3f} s  CPU run process "
          f"{own:.3f} s + descendants {others:.3f} s = {own + others:.3f} s")
    print(json.dumps({"wall": wall, "cpu_run": own, "cpu_all": own + others}))
    if args.raw:
        for line in lines:
            print(" ".join(line))
    roles = summarize(lines)
    print("CPU of the processes the run left (reaped here): " + ", ".join(
        f"{roles.get(pid, pid)} {seconds:.3f}" for pid, seconds in sorted(reaped.items())))
    return 0


def summarize(lines: list[list[str]]) -> dict[str, str]:
    """The first start and last end of each event, per role of process; returns the roles by
    pid."""
    pids: dict[str, str] = {}
    first = lines[0][1] if lines else ""
    roles = {"+import ingest.preload": "fsrv", "+gazetteer-build": "gaz",
             "+worker-init": "w", "+render-worker-init": "r", "-fork-detached": "states"}
    counts: dict[str, int] = {}
    for t, pid, ppid, cpu, thread, event in lines:
        if pid not in pids:
            role = "run" if pid == first else roles.get(event, "p")
            counts[role] = counts.get(role, 0) + 1
            pids[pid] = role if role in ("run", "fsrv", "gaz") else f"{role}{counts[role]}"
            if role == "states":  # the child of a worker, named after it
                pids[pid] = f"{pids.get(ppid, ppid)}-states"
    spans: dict[tuple[str, str], list] = {}
    for t, pid, ppid, cpu, thread, event in lines:
        role = pids[pid]
        if event.startswith("-import") or event.startswith("+import"):
            key = (role, event[1:])
        else:
            key = (role, event.lstrip("+-"))
        span = spans.setdefault(key, [None, None, None, None, 0])
        if event.startswith("-"):
            span[2], span[3] = float(t), float(cpu)
            span[4] += 1
        else:
            if span[0] is None:
                span[0], span[1] = float(t), float(cpu)
            if not event.startswith("+"):
                span[2], span[3] = float(t), float(cpu)
                span[4] += 1
    for (role, event), (t1, c1, t2, c2, n) in sorted(spans.items(), key=lambda x: x[1][0] or 0):
        print(f"{role:>7} {event:<28} {t1 if t1 is not None else float('nan'):7.3f} -> "
              f"{t2 if t2 is not None else float('nan'):7.3f} s   cpu {c1 or 0:6.3f} -> "
              f"{c2 or 0:6.3f}  x{n}")
    return pids


if __name__ == "__main__":
    if sys.argv[1:2] == ["run-once"]:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        install()
        from ingest.cli import skip_optional_imports

        skip_optional_imports()
        from ingest.cli import main

        main(prog_name="ingest")
    else:
        sys.exit(drive(sys.argv[1:]))
