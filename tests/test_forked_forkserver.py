"""The workers' forkserver forked from the ``ingest`` process (``ingest.workers.fork_forkserver``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import json, os, threading
from ingest import workers
held = open("held.txt", "w")  # a descriptor of this process the forkserver must not keep
forked = workers.fork_forkserver()
again = workers.fork_forkserver()  # one is running: nothing to do
import multiprocessing.forkserver as fs
server = fs._forkserver._forkserver_pid
with open(f"/proc/{server}/stat") as stat:
    server_parent = int(stat.read().rsplit(")", 1)[1].split()[1])
pool = workers.normalization_pool(2)
worker_parent = pool.submit(os.getppid).result()
from normalize import places
has_gazetteer = pool.submit(places.gazetteer().find_place, "Genf").result().country
server_fds = [os.readlink(f"/proc/{server}/fd/{fd}") for fd in os.listdir(f"/proc/{server}/fd")]
from multiprocessing import resource_tracker
tracker = resource_tracker._resource_tracker._pid
with open(f"/proc/{tracker}/stat") as stat:
    tracker_parent = int(stat.read().rsplit(")", 1)[1].split()[1])
tracker_fds = [os.readlink(f"/proc/{tracker}/fd/{fd}") for fd in os.listdir(f"/proc/{tracker}/fd")]
pool.shutdown()
blocker = threading.Event()
thread = threading.Thread(target=blocker.wait)
thread.start()
with_thread = workers.fork_forkserver()
blocker.set()
thread.join()
print(json.dumps({"forked": forked, "again": again, "server_parent": server_parent,
                  "me": os.getpid(), "worker_parent": worker_parent, "server": server,
                  "genf": has_gazetteer, "held": os.path.abspath(held.name), "server_fds": server_fds,
                  "with_thread": with_thread, "tracker_parent": tracker_parent,
                  "tracker_fds": tracker_fds}))
"""


def test_the_forkserver_is_forked_from_a_single_threaded_process(tmp_path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["forked"] and not seen["again"]
    assert seen["server_parent"] == seen["me"]  # a fork of this process, not `python -c`
    assert seen["worker_parent"] == seen["server"]  # the workers come from it, preloaded
    assert seen["genf"] == "CH"
    # It keeps only what multiprocessing hands a started one (the standard streams, its
    # listening socket, the pipe that ends it), not the files this process had open.
    assert seen["held"] not in seen["server_fds"]
    assert not seen["with_thread"]  # another thread alive: left to multiprocessing
    # multiprocessing's resource tracker is forked too (not `python -c`), with only its pipe.
    assert seen["tracker_parent"] == seen["me"]
    assert seen["held"] not in seen["tracker_fds"]


DORMANT = """
import json, os, sys, time
from ingest import workers
forked = workers.fork_forkserver(dormant=True)
import multiprocessing.forkserver as fs
server = fs._forkserver._forkserver_pid
def ignores_sigint():
    with open(f"/proc/{server}/status") as status:
        mask = [line for line in status if line.startswith("SigIgn")][0].split()[1]
    return int(mask, 16) & (1 << (2 - 1))
deadline = time.monotonic() + 60
while not ignores_sigint() and time.monotonic() < deadline:  # waiting in its select()
    time.sleep(0.01)
os.kill(server, 2)  # ^C at the terminal reaches the whole process group: the run's to handle
time.sleep(0.3)
with open(f"/proc/{server}/status") as status:
    before = [line for line in status if line.startswith("VmRSS")][0].split()[1]
if sys.argv[1] == "use":
    pool = workers.normalization_pool(2)
    worker_parent = pool.submit(os.getppid).result()
    from normalize import places
    genf = pool.submit(places.gazetteer().find_place, "Genf").result().country
    pool.shutdown()
else:
    worker_parent = genf = None
print(json.dumps({"forked": forked, "server": server, "worker_parent": worker_parent,
                  "genf": genf, "rss_kb_before": int(before)}))
"""


def _dormant(tmp_path, mode: str) -> tuple[subprocess.CompletedProcess, dict]:
    """Run the ``DORMANT`` script in ``mode``; its process and what it reported."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", DORMANT, mode], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    return done, json.loads(done.stdout)


def test_a_dormant_forkserver_loads_when_a_worker_is_asked_for(tmp_path) -> None:
    done, seen = _dormant(tmp_path, "use")
    assert seen["forked"]
    assert seen["worker_parent"] == seen["server"]  # woken by the pool, the workers its own
    assert seen["genf"] == "CH"


def test_a_dormant_forkserver_never_asked_ends_with_its_process(tmp_path) -> None:
    done, seen = _dormant(tmp_path, "idle")
    assert seen["forked"]
    # Nothing loaded while it waited: a copy of this small process, not the parsers and
    # language models (hundreds of MB).
    assert seen["rss_kb_before"] < 150_000, seen
    assert "KeyboardInterrupt" not in done.stderr  # it ignored the ^C, as a started one does
    # Its parent gone, it ends (its parent's parent, init or a subreaper, reaps it).
    deadline = time.monotonic() + 10
    while not _zombie(seen["server"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _zombie(seen["server"])


def _zombie(pid: int) -> bool:
    """Whether process ``pid`` has ended (gone, or a zombie not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
