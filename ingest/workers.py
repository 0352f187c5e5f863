"""Worker processes for CPU-bound pure work: one mechanism for normalization and publishing.

Both are a :class:`concurrent.futures.ProcessPoolExecutor`; what differs is how the workers
start:

- :func:`normalization_pool` forks them from a forkserver (a clean single-threaded process that
  imported :mod:`ingest.preload`: parsers and language models already loaded), never from the
  run's threads; documents go to them as task arguments.
- :func:`forked_map` forks them from this process, so the data they share (``shared``: records
  to lay out) is inherited through the pool's initializer rather than pickled; each task names
  an index into it. Used by :func:`syndicate.publish.publish_all` (passed in as its
  ``workers``) where forking is safe: not in a multi-threaded process such as the daemon.

The workers' CPU priority is lowered (:data:`WORKER_NICENESS`): the archive is written by the
parent, in order, and a starved writer leaves the cores idle at the end of a run.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.util
import os
import select
import signal
import socket
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import connection, resource_tracker
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")

#: How much lower the workers' CPU priority is than the parent's (``nice``).
WORKER_NICENESS = 5
#: A normalization worker's first-generation collection threshold (Python's default: 700). Its
#: records, element proxies and dicts are freed by reference counting; at 700 allocations a
#: collection ran every few hundred microseconds of work for next to nothing (bench/README.md).
WORKER_GC_THRESHOLD = 10_000
#: Most render workers a publish forks.
MAX_RENDER_WORKERS = 8
#: Normalization workers a run uses at most (its CPUs, up to this many).
MAX_NORMALIZE_WORKERS = 4
#: The module the normalization workers' forkserver imports before forking them.
PRELOAD = "ingest.preload"

_SHARED: tuple[Callable[[Any, int], Any], Any] | None = None  # set in each forked worker


def cpu_workers(most: int) -> int:
    """How many workers this machine runs: its CPUs, at most ``most``."""
    return max(1, min(os.cpu_count() or 1, most))


def start_forkserver() -> None:
    """Boot the normalization workers' forkserver now (loading :data:`PRELOAD` takes it a good
    part of a second: bench/README.md), so that it overlaps other work instead of delaying the
    first document."""
    _no_current_folder_imports()
    multiprocessing.get_context("forkserver").set_forkserver_preload([PRELOAD])
    multiprocessing.forkserver.ensure_running()


def _no_current_folder_imports() -> None:
    """Keep the current folder off the forkserver's import path.

    multiprocessing starts the forkserver as ``python -c``, which puts the current folder first
    on ``sys.path`` (Python 3.11 ignores the parent's path it is handed): run from a folder
    holding an ``ingest/`` of another version, or any ``json.py``, the workers would import that
    code. Python's safe-path mode (``PYTHONSAFEPATH``, 3.11+) leaves it off; the forkserver
    inherits this process's environment whenever it starts (the pool starts it lazily).
    """
    os.environ.setdefault("PYTHONSAFEPATH", "1")


#: The attributes of multiprocessing's forkserver that :func:`fork_forkserver` reads and sets.
_FORKSERVER_STATE = ("_lock", "_forkserver_pid", "_forkserver_address", "_forkserver_alive_fd",
                     "_preload_modules")


def fork_forkserver(dormant: bool = False) -> bool:
    """Boot the forkserver as :func:`start_forkserver` does, but as a fork of this process
    instead of a new interpreter; returns ``False`` (nothing done) when this process has another
    thread, cannot fork, or runs a forkserver already. ``dormant``: the forked process loads
    nothing until a worker is first asked of it, and ends unloaded with this process when none
    is (see :func:`_serve_forks`). Only for the ``ingest`` process itself
    (its command line's entry point): the forkserver keeps this process's modules, as they are
    at the fork, for every worker of the process's life, so a host program (a test run that
    patches modules) starts it the usual way.

    multiprocessing starts it by ``python -c``, which starts an interpreter and imports again
    what this process has already imported (the command line, the configuration, the records'
    model) before :data:`PRELOAD`: ~0.1 s of CPU at the start of a first run's critical path
    (bench/README.md). Forked while this process has no other thread (a thread's lock would
    stay locked in the child), it starts from those modules; it keeps only the descriptors
    the started one is given (the standard streams, its listening socket, the pipe that tells
    it this process ended), then runs multiprocessing's own forkserver loop and hands out
    workers the same way.
    """
    multiprocessing.get_context("forkserver").set_forkserver_preload([PRELOAD])
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    if (not hasattr(os, "fork") or threading.active_count() > 1
            # multiprocessing's private state as Python 3.11-3.13 have it, or leave it to Python
            or not all(hasattr(server, name) for name in _FORKSERVER_STATE)
            or server._forkserver_pid is not None
            # A forkserver that authenticates its clients (Python 3.14) is started by Python.
            or hasattr(server, "_forkserver_authkey")):
        return False
    with server._lock:
        if not dormant:  # (a dormant one's workers get it when the first is forked)
            _fork_resource_tracker()
        with socket.socket(socket.AF_UNIX) as listener:
            address = connection.arbitrary_address("AF_UNIX")
            listener.bind(address)
            if not multiprocessing.util.is_abstract_socket_namespace(address):
                os.chmod(address, 0o600)
            listener.listen()
            alive_r, alive_w = os.pipe()  # EOF for the forkserver once every client has ended
            try:
                pid = os.fork()
                if pid == 0:
                    _serve_forks(listener.fileno(), alive_r, server._preload_modules, dormant)
            except BaseException:
                os.close(alive_w)
                raise
            finally:
                os.close(alive_r)
            server._forkserver_address = address
            server._forkserver_alive_fd = alive_w
            server._forkserver_pid = pid
    return True


def _fork_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (the process that removes the pool's named
    semaphores should the run die) as a fork of this single-threaded process, as
    :func:`fork_forkserver` starts the forkserver; Python starts it as a new interpreter
    (``python -c``), ~0.05 s of CPU at the start of every run that boots workers
    (bench/README.md). Left to Python when one runs already, or when its private state is not
    as Python 3.11-3.13 have it."""
    tracker = getattr(resource_tracker, "_resource_tracker", None)
    if (getattr(tracker, "_fd", 0) is not None or getattr(tracker, "_pid", 0) is not None
            or not hasattr(tracker, "_lock")):
        resource_tracker.ensure_running()
        return
    for stream in (sys.stdout, sys.stderr):  # the tracker closes its copies, which flushes them
        with contextlib.suppress(Exception):
            stream.flush()
    with tracker._lock:
        read, write = os.pipe()
        # As Python does (bpo-33613): ^C or SIGTERM before the tracker ignores them must not
        # kill it; it unblocks them itself once it does.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    keep = sorted({0, 1, 2, read})
                    for low, high in zip(keep, keep[1:] + [_max_fd()]):
                        os.closerange(low + 1, high)
                    resource_tracker.main(read)
                    code = 0
                finally:
                    os._exit(code)
        except BaseException:
            os.close(write)
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
            os.close(read)
        tracker._fd, tracker._pid = write, pid


def _serve_forks(listener: int, alive: int, preload: list[str], dormant: bool = False) -> None:
    """The forked forkserver: multiprocessing's loop, then the end of the process (never the
    parent's exit handlers: they belong to the parent's run). A ``dormant`` one first waits
    for the first worker to be asked for (a connection on ``listener``), or for the parent's
    end (``alive`` readable: end of file), which ends it without loading anything."""
    code = 1
    try:
        keep = sorted({0, 1, 2, listener, alive})
        for low, high in zip(keep, keep[1:] + [_max_fd()]):
            os.closerange(low + 1, high)
        if dormant:
            # As multiprocessing's loop does: ^C at the terminal is the run's to handle.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            ready, _, _ = select.select([listener, alive], [], [])
            if listener not in ready:
                code = 0
                return
        multiprocessing.util._finalizer_registry.clear()
        multiprocessing.util._run_after_forkers()
        multiprocessing.forkserver.main(listener, alive, preload)
        code = 0
    except SystemExit:  # the loop's end: every client process has ended
        code = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 65536


def normalization_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes forked from the forkserver (see the module docstring).

    Each worker ends when the process that made the pool ends, even when that one is killed
    and cannot stop them (:func:`_end_with`).
    """
    _no_current_folder_imports()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(WORKER_NICENESS, os.getpid()))


#: When this worker started (``time.time_ns()``): see :func:`_save_language_states`.
_STARTED_NS = 0


def _start_worker(niceness: int, owner: int) -> None:
    global _STARTED_NS
    _STARTED_NS = time.time_ns()
    os.nice(niceness)
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    # At the worker's orderly end (the pool shut down), the language rankers' new DFA states go
    # to the cache folder, for the next run's forkserver to load (normalize.language.save_states).
    multiprocessing.util.Finalize(None, _save_language_states, exitpriority=10)
    threading.Thread(target=_end_with, args=(owner,), name="wirefeed-owner-watch",
                     daemon=True).start()


def _save_language_states() -> None:
    from normalize import language

    # The pool's workers end together, each with states built from the same run's texts: the
    # first to end writes its rankers' files; the others leave a file written since they
    # started alone (each write cost 0.1-0.15 s of CPU, up to 1 s at the end of a loaded run,
    # for about the same file: bench/README.md). A later pool's workers (the daemon's next run)
    # start after it, and write theirs.
    # The write is done by a child of this worker, which ends at once: the run waits for its
    # pool's end before it forks render workers (ingest.workers.forked_map), and a write of
    # 0.2-0.3 s of wall was all that wait was (bench/README.md). The child has this worker's
    # rankers and start time, and no watch on the run (_end_with): it finishes the file after
    # the run has ended too. A worker with nothing to write (a sibling wrote the file) ends
    # without a child.
    if not language.states_to_save(unless_written_since=_STARTED_NS) or _fork_detached():
        return
    try:
        language.save_states(unless_written_since=_STARTED_NS)
    finally:
        if _DETACHED:
            os._exit(0)


#: True in the child :func:`_fork_detached` made (it leaves by ``os._exit``, nothing else).
_DETACHED = False


def _fork_detached() -> bool:
    """Fork a child to do the rest of this call's work; ``True`` in this process when it did
    (the caller returns), ``False`` in the child and when no child could be made (the caller
    does the work itself). The child is not waited for: it is reaped by whoever adopts it."""
    global _DETACHED
    if not hasattr(os, "fork"):
        return False
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid == 0:
        _DETACHED = True
        return False
    return True


def _end_with(owner: int) -> None:
    """End this worker once process ``owner`` has ended.

    A worker waits for tasks on a queue whose writing end it holds itself, so a run killed with
    SIGKILL (tests/test_crash.py) never tells it to stop: it would wait forever, and so would
    the forkserver it came from.
    """
    try:
        handle = os.pidfd_open(owner)
    except (AttributeError, OSError):  # not Linux 5.3+: look every second
        while True:
            time.sleep(1.0)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
    else:
        select.select([handle], [], [])  # readable once the process has ended
    os._exit(1)


#: Callers collecting garbage as the workers do now, and the collector's thresholds from
#: before the first (:func:`collect_as_workers`).
_collecting: list = [0, None]
_collecting_lock = threading.Lock()


def collect_as_workers(start: bool) -> None:
    """From ``collect_as_workers(True)`` until the matching ``collect_as_workers(False)``, this
    process collects its first generation every :data:`WORKER_GC_THRESHOLD` allocations, as a
    normalization worker does; the thresholds from before come back when the last caller ends
    (calls nest, from any thread).

    For work whose objects are freed by reference counting and that allocates a great many of
    them: a fetcher parsing pages (:class:`ingest.fulltext.PageFetcher`: a page's parse spent
    ~5% of its CPU in the collector at the default threshold), and a run taking its records
    back from the workers and storing them (:func:`ingest.pipeline.run_once`: the unpickled
    records, their row values; bench/README.md)."""
    with _collecting_lock:
        if start:
            _collecting[0] += 1
            if _collecting[0] == 1:
                _collecting[1] = gc.get_threshold()
                gc.set_threshold(max(WORKER_GC_THRESHOLD, _collecting[1][0]), *_collecting[1][1:])
        else:
            _collecting[0] -= 1
            if _collecting[0] == 0:
                gc.set_threshold(*_collecting[1])


#: Pools being shut down by :func:`end_in_background`, each in its thread.
_ENDING: list[threading.Thread] = []
_ENDING_LOCK = threading.Lock()


def end_in_background(pool: ProcessPoolExecutor) -> None:
    """Shut ``pool`` down (pending tasks cancelled) in a thread, and return at once.

    A normalization worker's end is not free: one of them writes the language rankers' states
    to the cache folder (:func:`_save_language_states`), ~0.1 s of CPU and more of wall, which
    a run need not wait for before it publishes (bench/README.md). :func:`wait_for_ended`
    waits for every such shutdown; :func:`forked_map` calls it before it forks.
    """
    thread = threading.Thread(target=pool.shutdown, kwargs={"wait": True, "cancel_futures": True},
                              name="wirefeed-pool-end")
    with _ENDING_LOCK:
        _ENDING.append(thread)
    thread.start()


def wait_for_ended() -> None:
    """Return once every pool given to :func:`end_in_background` has shut down."""
    while True:
        with _ENDING_LOCK:
            if not _ENDING:
                return
            thread = _ENDING.pop()
        thread.join()


def can_fork() -> bool:
    """Whether this platform can fork workers that inherit the parent's memory."""
    return "fork" in multiprocessing.get_all_start_methods()


def _install(func: Callable[[Any, int], Any], shared: Any) -> None:
    global _SHARED
    os.nice(WORKER_NICENESS)
    _SHARED = (func, shared)


def _call(index: int) -> Any:
    func, shared = _SHARED
    return func(shared, index)


def forked_map(func: Callable[[Any, int], T], shared: Any, count: int,
               workers: int | None = None) -> Iterator[T]:
    """``func(shared, i)`` for ``i`` in ``range(count)``, in order, computed by forked workers.

    ``func`` must be a module-level function (tasks name it by reference); ``shared`` is
    inherited by the workers, never pickled. The workers stop when the iterator is exhausted
    or closed. Eight tasks per worker: early results come while later ones are computed.
    """
    size = workers or cpu_workers(MAX_RENDER_WORKERS)
    wait_for_ended()  # no fork while a thread of this process is shutting a pool down
    pool = ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("fork"),
                               initializer=_install, initargs=(func, shared))
    try:
        yield from pool.map(_call, range(count), chunksize=max(1, count // (size * 8)))
    finally:  # also when the caller stops early (a write failed): drop what is left
        pool.shutdown(wait=True, cancel_futures=True)
