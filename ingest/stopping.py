"""How ``ingest run-once`` and ``ingest render`` stop on Ctrl-C (SIGINT) and SIGTERM: at once,
by the signal, with one line on stderr (exit codes 130 and 143 to the shell and cron)."""

from __future__ import annotations

import os
import signal
import threading


def stop_at_once_on_signals() -> None:
    """Make Ctrl-C (SIGINT) and SIGTERM end this run at once, with one line saying so.

    For ``run-once`` and ``render``. Without it Ctrl-C raised KeyboardInterrupt, which waited
    for the fetches in flight (up to the request timeout), printed click's "Aborted!" and exited
    1, the code of a failed source.
    Ending at once is as safe as being killed: every archive write is one transaction and every
    feed an atomic rename, so what was committed stays and the next run publishes it
    (tests/test_crash.py, tests/test_publish_consistency.py). The process ends by the signal
    itself, so the shell and cron see 130 (SIGINT) or 143 (SIGTERM). Only in the process's
    entry point (the console script, ``python -m ingest``), never in a program embedding it."""
    if threading.current_thread() is not threading.main_thread():
        return

    run_pid = os.getpid()

    def stop(signum: int, frame) -> None:
        # A forked child (the workers' forkserver, a worker) inherits this handler: it ends
        # as it would have without it, silently.
        if os.getpid() == run_pid:
            try:
                os.write(2, f"ingest: stopped by {signal.Signals(signum).name}; what was stored "
                            "is kept and the next run publishes it\n".encode())
            except OSError:
                pass
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
