"""``ingest daemon``: every source on its schedule until stopped."""

from __future__ import annotations

import functools
import logging
import sys

import click

from ingest.cli import check_storage, config_option
from ingest.config import Config
from ingest.daemon import Daemon
from ingest.publishing import feed_publisher


@click.command("daemon")
@config_option
@click.option("--lock-wait", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds a job waits for another run's archive lock before dropping its "
                   "commit (the source stays due).")
def daemon_cmd(config: Config, lock_wait: float) -> None:
    """Run every source on its schedule (every/cron) until stopped; re-render feeds on change.

    SIGTERM or SIGINT: finish the fetches in flight, commit, exit 0 (within 10 s).
    SIGHUP: reload the configuration (an invalid file is logged and the old one kept).
    Exit codes: 0 stopped by a signal, 2 configuration error, 3 archive error.
    """
    # APScheduler logs every job start and end, httpx every request, at INFO and without the
    # source id: show those with -vv only (our own lines name the source).
    debug = logging.getLogger().getEffectiveLevel() <= logging.DEBUG
    for name in ("apscheduler", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.INFO if debug else logging.WARNING)
    check_storage(config)  # an unwritable archive or feeds folder: one line, exit 3, at start
    # The daemon's threads make forking render workers unsafe: it publishes in-process.
    publisher_for = functools.partial(feed_publisher, parallel=False)
    sys.exit(Daemon(config, publisher_for, lock_wait=lock_wait).run())
