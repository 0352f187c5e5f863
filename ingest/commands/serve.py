"""``ingest serve``: the feeds folder over HTTP until Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading

import click

from ingest.cli import EXIT_CONFIG, Failure, config_option
from ingest.config import Config
from ingest.publishing import reader_ttl_minutes
from syndicate.serve import FeedServer

log = logging.getLogger("syndicate.serve")


def make_server(config: Config, host: str = "127.0.0.1", port: int = 8080) -> FeedServer:
    """Return a bound (not yet running) :class:`FeedServer` for ``config.pipeline.feeds``, its
    ``max-age`` the schedule's TTL. Raises ``OSError`` when the address cannot be bound."""
    return FeedServer(config.pipeline.feeds, (host, port),
                      max_age=reader_ttl_minutes(config) * 60)


@click.command("serve")
@config_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 or :: to serve other machines).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="TCP port to listen on (0 picks a free one).")
def serve_cmd(config: Config, host: str, port: int) -> None:
    """Serve the feeds folder over HTTP, read-only, until Ctrl-C or SIGTERM.

    Answers GET and HEAD with feed media types, ETag and Last-Modified (304 on a match), gzip
    when the reader accepts it, and Cache-Control max-age from the shortest source schedule.
    One access-log line per request goes to stderr (-q silences it).
    """
    # The CLI logs warnings only unless -v; a server without its access log would be blind,
    # so the server's logger says INFO unless -q asked for errors only.
    if logging.getLogger().level == logging.WARNING:
        log.setLevel(logging.INFO)
    root = config.pipeline.feeds
    if not root.is_dir():
        log.warning("feeds folder %s does not exist yet: every request gets 404 until "
                    "`ingest run-once` or `ingest render` writes it", root)
    try:
        server = make_server(config, host, port)
    except OSError as exc:
        raise Failure(f"cannot listen on {host}:{port}: {exc.strerror or exc}", EXIT_CONFIG) from None

    def stop(signum, frame) -> None:
        log.info("%s received, stopping", signal.Signals(signum).name)
        # shutdown() waits for serve_forever() to return, which runs in this very thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    click.echo(f"serving {server.root} at {server.url} (max-age {server.max_age}s)")
    try:
        server.serve_forever(poll_interval=0.25)
    finally:
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("stopped")
