"""The ``ingest`` process ends without the interpreter's teardown, as a normal exit would
otherwise: exit handlers run, output is flushed, the status is the command's."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from ingest import cli

ROOT = Path(__file__).resolve().parents[1]


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)


def test_exit_handlers_run_and_output_is_flushed():
    done = run("import atexit, sys\n"
               "atexit.register(lambda: print('handler ran'))\n"
               "sys.stdout.write('unflushed ')\n"
               "from ingest.cli import main\n"
               "main(['--version'], prog_name='ingest')\n"
               "print('not reached')\n")
    assert done.returncode == 0
    assert done.stdout.startswith("unflushed wirefeed, version")
    assert done.stdout.rstrip().endswith("handler ran") and "not reached" not in done.stdout


def test_the_status_is_the_commands():
    done = run("from ingest.cli import main\n"
               "main(['--config', '/nonexistent/schedules.toml', 'check'], prog_name='ingest')\n")
    assert done.returncode == 2 and done.stderr.strip()


def test_a_message_is_printed_with_status_1():
    done = run("from ingest.cli import end_process\nend_process('stopped: why')\n")
    assert (done.returncode, done.stderr) == (1, "stopped: why\n")


def test_it_returns_while_another_thread_is_alive():
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert cli.end_process(0) is None  # still here: the caller exits as usual
    finally:
        release.set()
        thread.join()


SAVING_WORKER = """
import os, sys, time
from normalize import language
from ingest import workers

def save_states(unless_written_since=None):
    time.sleep(0.3)  # the write outlasts the worker, which must not wait for it
    with open("written.txt", "w") as out:
        out.write(f"{os.getpid()} {unless_written_since}")
    return 1

forks = []
fork_detached = workers._fork_detached
workers._fork_detached = lambda: forks.append(1) or fork_detached()
language.save_states = save_states
language.states_to_save = lambda unless_written_since=None: sys.argv[1] == "built"
workers._STARTED_NS = 1234
workers._save_language_states()
print(os.getpid(), len(forks), flush=True)  # (the child leaves by os._exit before this)
"""


def test_a_workers_language_states_are_written_by_a_child_of_its_own(tmp_path) -> None:
    # A worker's end (ingest.workers._save_language_states, at its orderly exit) hands the write
    # to a child and returns at once: the run waits for its pool's end before it forks render
    # workers. The child writes with the worker's start time, then leaves.
    done = subprocess.run([sys.executable, "-c", SAVING_WORKER, "built"], capture_output=True,
                          text=True, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          timeout=120)
    assert done.returncode == 0, done.stderr
    worker, forks = map(int, done.stdout.split())
    assert forks == 1
    written = tmp_path / "written.txt"
    for _ in range(600):  # the child may still be writing
        if written.exists() and written.read_text():
            break
        time.sleep(0.1)
    writer, since = written.read_text().split()
    assert int(writer) != worker and since == "1234"


def test_a_worker_with_no_states_to_write_forks_no_child(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-c", SAVING_WORKER, "written by a sibling"],
                          capture_output=True, text=True, cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[1] == "0"  # no child forked
    assert not (tmp_path / "written.txt").exists()  # and nothing written here
