"""``ingest migrate --to postgresql://...``: copy the configuration's SQLite archive into
PostgreSQL (:mod:`ingest.archive.transfer`), with a progress bar and a summary."""

from __future__ import annotations

import sys

import click

from ingest.archive import display_database, is_database_url, open_archive, writer_lock
from ingest.cli import EXIT_CONFIG, Failure, config_option, make_console, make_table, quiet, read_archive
from ingest.config import Config


@click.command("migrate")
@config_option
@click.option("--to", "target_url", required=True, metavar="URL",
              help="The PostgreSQL database to copy the archive into (postgresql://user@host:port/db).")
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Seconds to wait for the archive locks (exit 75 when another run holds one).")
def migrate_cmd(config: Config, target_url: str, wait: float) -> None:
    """Copy the SQLite archive ([pipeline] database) into a PostgreSQL database.

    Copies every record with its history, the editions and sections it is filed under, the
    sources and their health, the inbox files remembered, the edition counts and the change
    mark, in one transaction (an interrupted copy leaves nothing). Running it again gives the
    same result. Then set [pipeline] database to the URL. Exit codes: 0 copied, 2 the archive
    is missing or already in PostgreSQL, or --to is not a postgresql:// URL, 3 a database
    cannot be opened or written (or holds another archive), 75 another run holds a lock.
    """
    from ingest.archive.transfer import copy_archive

    database = config.pipeline.database
    if is_database_url(database):
        raise Failure(f"{display_database(database)}: the archive is already in a database "
                      "server; migrate copies an SQLite archive", EXIT_CONFIG)
    if not target_url.startswith(("postgresql://", "postgres://")):
        raise Failure(f"--to {display_database(target_url)}: not a postgresql:// URL", EXIT_CONFIG)
    with writer_lock(database, wait), writer_lock(target_url, wait):
        source = read_archive(config)
        try:
            target = open_archive(target_url)
            try:
                summary = _copy_with_progress(copy_archive, source, target)
            finally:
                target.close()
        finally:
            source.close()
    if quiet():
        return
    table = make_table(title="Copied", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("written", justify="right")
    for name, count, written in summary.rows:
        table.add_row(name, str(count), str(written))
    console = make_console()
    console.print(table)
    console.print(f"{summary.total} rows copied from {database} to {display_database(target_url)} "
                  f"({summary.written} new or changed there) "
                  f"in {summary.seconds:.1f} s (change mark {summary.change_mark}); "
                  f"set [pipeline] database to that URL to use it", markup=False, highlight=False)


def _copy_with_progress(copy_archive, source, target):
    """The copy, with a rich progress bar per table on a terminal."""
    if not sys.stderr.isatty() or quiet():
        return copy_archive(source, target)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description:<17}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=make_console(stderr=True)) as bar:
        tasks: dict[str, int] = {}

        def progress(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done)

        return copy_archive(source, target, progress)
