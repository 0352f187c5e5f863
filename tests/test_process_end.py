"""The ``ingest`` process ends without the interpreter's teardown, as a normal exit would
otherwise: exit handlers run, output is flushed, the status is the command's."""

import subprocess
import sys
import threading

from ingest import cli


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
