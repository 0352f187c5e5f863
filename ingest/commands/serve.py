"""``ingest serve``: the feeds folder over HTTP until Ctrl-C or SIGTERM, with ``/healthz`` and
``/metrics`` (:mod:`ingest.serving`) and an access log in the Combined Log Format."""

from __future__ import annotations

import logging
import sys

import click

from ingest.cli import EXIT_CONFIG, Failure, config_option
from ingest.config import Config
from ingest.publishing import reader_ttl_minutes
from ingest.serving import health_answer, metrics_route
from syndicate.serve import AccessLog, FeedServer, Limits, access_log, serve

log = logging.getLogger("syndicate.serve")


def make_server(config: Config, host: str = "127.0.0.1", port: int = 8080, *,
                limits: Limits = Limits(), access: AccessLog | None = None) -> FeedServer:
    """Return a bound (not yet running) server for ``config.pipeline.feeds``: ``max-age`` the
    schedule's TTL, ``/healthz`` and ``/metrics`` from the archive. Raises ``OSError`` when the
    address cannot be bound."""
    routes = {"/healthz": lambda: health_answer(config), "/metrics": metrics_route(config)}
    return FeedServer(config.pipeline.feeds, (host, port),
                      max_age=reader_ttl_minutes(config) * 60, limits=limits, routes=routes,
                      access=access)


def open_access_log(to: str | None) -> AccessLog | None:
    """The access log: None for none, ``"-"`` for stderr, else a file to append to. Lines are
    bare Combined Log Format (no level or logger name), as log tools expect them."""
    if to is None:
        return None
    handler = (logging.StreamHandler(sys.stderr) if to == "-"
               else logging.FileHandler(to, encoding="utf-8"))
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(handler)
    access_log.propagate = False
    access_log.setLevel(logging.INFO)
    return AccessLog(access_log)


@click.command("serve")
@config_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 or :: to serve other machines).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="TCP port to listen on (0 picks a free one).")
@click.option("--access-log", "access_log_path", type=click.Path(dir_okay=False),
              help="Append access-log lines (Combined Log Format) to this file; without it they "
                   "go to stderr with -v only.")
@click.option("--max-connections", type=click.IntRange(1), default=Limits.max_connections,
              show_default=True, help="Open connections at most (one more gets 503).")
def serve_cmd(config: Config, host: str, port: int, access_log_path: str | None,
              max_connections: int) -> None:
    """Serve the feeds folder over HTTP, read-only, until Ctrl-C or SIGTERM.

    Answers GET and HEAD with feed media types, ETag and Last-Modified (304 on a match), gzip
    when the reader accepts it, and Cache-Control max-age from the shortest source schedule;
    /healthz (JSON, 503 when a source is failing or stale) and /metrics (Prometheus).
    Access-log lines (Combined Log Format) go to stderr with -v, or to --access-log FILE.
    """
    root = config.pipeline.feeds
    if not root.is_dir():
        log.warning("feeds folder %s does not exist yet: every request gets 404 until "
                    "`ingest run-once` or `ingest render` writes it", root)
    verbose = logging.getLogger().getEffectiveLevel() <= logging.INFO
    try:
        server = make_server(config, host, port, limits=Limits(max_connections=max_connections))
    except OSError as exc:
        raise Failure(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                      EXIT_CONFIG) from None
    server.access = open_access_log(access_log_path or ("-" if verbose else None))
    serve(server, click.echo)
