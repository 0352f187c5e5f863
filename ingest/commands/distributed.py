"""``ingest scheduler`` and ``ingest worker``: distributed mode (``[pipeline] broker``)."""

from __future__ import annotations

import functools
import logging
import os
import socket
import sys

import click

from ingest.cli import EXIT_CONFIG, EXIT_STORE, Failure, check_storage, config_option
from ingest.config import Config, redact_url

#: Loggers that report every task without naming its source: shown with -vv only.
_CHATTY = ("celery", "kombu", "amqp", "httpx", "httpcore")


def require_broker(config: Config) -> str:
    """The configured broker URL; exit 2 when distributed mode is not configured."""
    if not config.pipeline.broker:
        raise Failure(f"{config.path.name}: [pipeline] broker is not set: distributed mode needs "
                      "a Redis URL such as 'redis://127.0.0.1:6379/0'", EXIT_CONFIG)
    return config.pipeline.broker


def check_broker(broker: str) -> None:
    """One line and exit 3 when the broker cannot be reached now."""
    import redis

    from ingest.distributed.leases import connect

    client = connect(broker)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise Failure(f"{redact_url(broker)}: cannot reach the broker: {reason}",
                      EXIT_STORE) from None
    finally:
        client.close()


def check_archive(config: Config) -> None:
    """Open (creating if needed) the archive once: exit 3, one line, when it cannot be."""
    from ingest.archive import open_archive

    open_archive(config.pipeline.database).close()  # StoreError: exit 3 (config_option)


def _quiet_chatty_loggers() -> None:
    debug = logging.getLogger().getEffectiveLevel() <= logging.DEBUG
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.INFO if debug else logging.WARNING)


@click.command("scheduler")
@config_option
@click.option("--tick", type=click.FloatRange(min=0.05), default=1.0, show_default=True,
              help="Seconds between two looks at what is due.")
@click.option("--lease-ttl", type=click.FloatRange(min=0.3), default=15.0, show_default=True,
              help="Seconds after which a scheduler that stopped renewing its lease (it died) "
                   "is replaced by a waiting one.")
@click.option("--requeue-after", type=click.FloatRange(min=1.0), default=900.0,
              show_default=True,
              help="Seconds a sent source may wait in the queue before it is sent again.")
def scheduler_cmd(config: Config, tick: float, lease_ttl: float, requeue_after: float) -> None:
    """Send the due sources to the workers (distributed mode: [pipeline] broker).

    Uses the daemon's timing (every/cron, jitter, backoff after failures, server hints) from
    the archive's source state. Only one scheduler sends at a time: a second one waits for the
    lease in Redis and takes over when the first stops or dies. SIGTERM/SIGINT stop it (exit
    0). Exit codes: 2 configuration error (no broker), 3 the broker or the archive cannot be
    reached at start.
    """
    from ingest.archive import open_archive
    from ingest.distributed.app import configure
    from ingest.distributed.scheduler import Scheduler

    broker = require_broker(config)
    _quiet_chatty_loggers()
    check_broker(broker)
    check_archive(config)
    configure(broker)
    scheduler = Scheduler(config, functools.partial(open_archive, config.pipeline.database),
                          tick=tick, lease_ttl=lease_ttl, requeue_after=requeue_after)
    scheduler.install_signals()
    sys.exit(scheduler.run())


@click.command("worker")
@config_option
@click.option("-c", "--concurrency", type=click.IntRange(min=1), default=None,
              help="Worker processes, each running one task at a time (default: the CPUs).")
@click.option("-l", "--loglevel", type=click.Choice(["debug", "info", "warning", "error"],
                                                    case_sensitive=False), default=None,
              help="Log level (default: per -v/-q, else warning).")
@click.option("-Q", "--queues", default="wirefeed.sources,wirefeed.publish", show_default=True,
              help="Queues to take tasks from, comma-separated: wirefeed.sources (fetching) "
                   "and wirefeed.publish (writing the feeds: run it where the feeds folder is).")
@click.option("-n", "--hostname", default=None,
              help="This worker's node name (default: wirefeed@<host>:<pid>).")
def worker_cmd(config: Config, concurrency: int | None, loglevel: str | None, queues: str,
               hostname: str | None) -> None:
    """Run fetch, normalize and store tasks, and publishing (distributed mode).

    A Celery worker on the [pipeline] broker. A task is acknowledged only once done, so a
    worker killed mid-task loses nothing (the source is fetched again, and storing it again
    changes nothing). SIGTERM: finish the tasks in hand, then exit 0. Exit codes: 2
    configuration error (no broker), 3 the broker or the archive cannot be reached at start.
    """
    from ingest.distributed import tasks
    from ingest.distributed.app import QUEUES, configure
    from ingest.publishing import feed_publisher

    broker = require_broker(config)
    if loglevel:
        logging.getLogger().setLevel(loglevel.upper())
    _quiet_chatty_loggers()
    wanted = [name.strip() for name in queues.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in QUEUES]
    if unknown or not wanted:
        raise Failure(f"--queues: unknown queue {', '.join(unknown) or '(none)'} "
                      f"(use {', '.join(QUEUES)})", EXIT_CONFIG)
    check_broker(broker)
    check_archive(config)
    if "wirefeed.publish" in wanted:
        check_storage(config)  # the feeds folder must be writable here
    # Render workers are not forked from a worker process (its pool processes are daemons).
    tasks.setup(config, functools.partial(feed_publisher, parallel=False))
    app = configure(broker)
    worker = app.Worker(
        hostname=hostname or f"wirefeed@{socket.gethostname()}:{os.getpid()}",
        concurrency=concurrency or os.cpu_count() or 1, queues=wanted, pool="prefork",
        loglevel=logging.getLevelName(logging.getLogger().getEffectiveLevel()),
        without_mingle=True, without_gossip=True, without_heartbeat=True,
        optimization="fair", quiet=True)
    worker.start()
    sys.exit(worker.exitcode or 0)
