"""The ``ingest`` command line.

Errors become one clear line on stderr and an exit code here, at the edge, and nowhere else:

    0   everything succeeded
    1   some sources failed (the others were still stored and published); run-once also while
        a source it did not run waits out a failure backoff; sources --check: failing or stale
    2   configuration error (or a wrong command line, a missing archive for a read-only
        command, an unknown --edition/--source, an ambiguous id prefix)
    3   the archive could not be opened or written, or the feeds folder cannot be written
    75  another run holds the archive lock (EX_TEMPFAIL: cron may simply try again later)
    130/143 run-once or render stopped by SIGINT (Ctrl-C) / SIGTERM: ended by the signal, at once
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ingest.config import Config, load_config
from ingest.environment import configure_normalize
from ingest.errors import ConfigError, LockError, StoreError, WirefeedError
from ingest.stopping import stop_at_once_on_signals

if TYPE_CHECKING:
    from ingest.archive import Archive

# ingest.archive (sqlite3, the archive's modules: ~0.02 s of CPU) is imported where a command
# opens the archive, not here: a first `run-once` forks the workers' forkserver before it opens
# the archive, and what this process imports before that fork delays the workers' loading
# (bench/README.md).

EXIT_SOURCES_FAILED = 1
EXIT_CONFIG = 2
EXIT_STORE = 3
EXIT_LOCKED = 75
EXIT_BROKEN_PIPE = 141  # the reader of stdout closed it early (as a process killed by SIGPIPE)

log = logging.getLogger("ingest")


class Failure(click.ClickException):
    """A one-line error with its own exit code."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        click.echo(f"ingest: error: {self.format_message()}", err=True)


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING
    if verbose == 1:
        level = logging.INFO
    elif verbose >= 2:
        level = logging.DEBUG
    if quiet:
        level = logging.ERROR
    # httpx/httpcore log every request without naming the source; our own lines do that.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)


DEFAULT_CONFIG = Path("schedules.toml")
_CONFIG_HELP = ("The configuration file (default ./schedules.toml); relative paths in it resolve "
                "against its folder. Accepted before or after the command.")


def _given_config(config_path: Path | None) -> Path:
    """The ``--config`` given after the command, else the one given before it, else the default."""
    if config_path is not None:
        return config_path
    root = click.get_current_context().find_root()
    return root.params.get("config_path") or DEFAULT_CONFIG


def quiet() -> bool:
    """True when ``-q`` was given: a command that succeeds prints nothing."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get("wirefeed.quiet"))


def config_option(func):
    """``--config PATH`` (default ./schedules.toml), ``-v`` and ``-q`` on every command."""

    @click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                  default=None, help=_CONFIG_HELP)
    @click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug) to stderr.")
    @click.option("-q", "--quiet", "quiet_flag", is_flag=True,
                  help="Log only errors; print nothing when the command succeeds.")
    @functools.wraps(func)
    def wrapper(*args, config_path: Path | None, verbose: int, quiet_flag: bool, **kwargs):
        _setup_logging(verbose, quiet_flag)
        click.get_current_context().find_root().meta["wirefeed.quiet"] = quiet_flag
        try:
            config = load_config(_given_config(config_path))
        except ConfigError as exc:
            raise Failure(str(exc), EXIT_CONFIG) from None
        try:
            return func(config, *args, **kwargs)
        except LockError as exc:
            raise Failure(str(exc), EXIT_LOCKED) from None
        except StoreError as exc:
            raise Failure(str(exc), EXIT_STORE) from None
        except ConfigError as exc:
            raise Failure(str(exc), EXIT_CONFIG) from None
        except WirefeedError as exc:
            raise Failure(str(exc), 1) from None
        except BrokenPipeError:
            # The reader of our output went away (`ingest export --jsonl | head`): not an error
            # to report. Later writes to the closed pipe go nowhere; 141 is 128 + SIGPIPE.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_BROKEN_PIPE)
        except OSError as exc:  # a file or folder the archive or the feeds live in
            from ingest.preflight import describe

            raise Failure(describe(exc), EXIT_STORE) from None

    return wrapper


def _archive(config: Config) -> Archive:
    from ingest.archive import open_archive

    return open_archive(config.pipeline.database)


def read_archive(config: Config) -> Archive:
    """The archive for a read-only command: a missing one is reported (exit 2), never created."""
    from ingest.archive import is_database_url, open_archive

    database = config.pipeline.database
    if is_database_url(database):
        from ingest.archive.postgres import holds_archive, mask_url

        missing, database = not holds_archive(database), mask_url(database)
    else:
        missing = not Path(database).exists()
    if missing:
        raise Failure(f"{database}: no archive there yet (run `ingest run-once` first, or check "
                      f"--config and [pipeline] database)", EXIT_CONFIG)
    return open_archive(config.pipeline.database)


def check_filters(config: Config, edition: str | None = None, source_id: str | None = None) -> None:
    """Unknown ``--edition`` / ``--source`` values are one error (exit 2), in every command."""
    if edition is not None and config.edition(edition) is None:
        raise Failure(f"unknown edition {edition!r} (see `ingest editions`)", EXIT_CONFIG)
    if source_id is not None and not any(s.id == source_id for s in config.sources):
        raise Failure(f"unknown source {source_id!r} (see `ingest sources`)", EXIT_CONFIG)


def check_storage(config: Config) -> None:
    """Before a run fetches anything: the archive's folder and the feeds folder must be
    writable, so a run never stores records it cannot publish (StoreError, exit 3)."""
    from ingest.archive import is_database_url
    from ingest.preflight import ensure_folder

    if not is_database_url(config.pipeline.database):  # a server database: checked by connecting
        database = Path(config.pipeline.database)
        if database.is_dir():
            raise StoreError("the archive path is a folder", where=str(database))
        try:
            ensure_folder(database.parent, f"folder {database.parent}")
        except StoreError as exc:
            raise StoreError(f"the archive cannot be created: {exc.reason}",
                             where=str(database)) from None
    ensure_folder(config.pipeline.feeds, "feeds folder")


class _Commands(click.Group):
    """The command group. The commands of :mod:`ingest.commands` (the daemon, the server, the
    archive queries) are imported only when asked for: they use :func:`config_option` from
    this module, and `ingest run-once` from cron should not pay for importing a scheduler and
    a server."""

    lazy = {"daemon": ("ingest.commands.daemon", "daemon_cmd"),
            "serve": ("ingest.commands.serve", "serve_cmd"),
            "scheduler": ("ingest.commands.distributed", "scheduler_cmd"),
            "worker": ("ingest.commands.distributed", "worker_cmd"),
            "migrate": ("ingest.commands.migrate", "migrate_cmd"),
            "check": ("ingest.commands.check", "check_cmd"),
            **{name: ("ingest.commands.query", f"{name}_cmd")
               for name in ("articles", "search", "show", "export", "editions", "sources")}}

    def main(self, *args, **kwargs):
        # Before anything is parsed: `ingest --help` imports every command to list it, and
        # those imports load httpx before the group's callback would run.
        skip_optional_imports()
        script_not_rerun_in_workers(self)
        return super().main(*args, **kwargs)

    def __call__(self, *args, **kwargs):
        # The process's entry point (the console script, `python -m ingest`; click.testing
        # calls `main` instead): the command's end is the process's end.
        global _PROCESS_ENTRY
        _PROCESS_ENTRY = True
        try:
            return self.main(*args, **kwargs)
        except SystemExit as exc:
            end_process(exc.code)
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            import importlib

            module, attribute = self.lazy[name]
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wirefeed", prog_name="wirefeed")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help=_CONFIG_HELP)
def main(config_path: Path | None) -> None:
    """wirefeed: pull news-agency wires, normalize them, archive them in SQLite and publish
    RSS 2.0, Atom 1.0 and JSON Feed for every edition.

    Start with `ingest check`, then `ingest run-once` (from cron) or `ingest daemon`.
    Every command reads ./schedules.toml unless given --config PATH.
    """
    limit_malloc_arenas()
    configure_normalize()


#: mallopt()'s parameter for the number of malloc arenas (``M_ARENA_MAX`` in glibc's malloc.h).
_M_ARENA_MAX = -8
#: Arenas the threads of an ``ingest`` process share (glibc's default: up to eight per core).
MALLOC_ARENAS = 2


def limit_malloc_arenas() -> None:
    """Let this process's threads share :data:`MALLOC_ARENAS` malloc arenas.

    glibc gives each thread that allocates an arena of its own and keeps what is freed there
    for that arena: the fetch threads that each read a big document would hold their share of
    memory for the rest of the run (figures in bench/README.md). Only on glibc, only at the start (arenas are made when threads first
    allocate), and not when the operator set ``MALLOC_ARENA_MAX`` themselves.
    """
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no arenas to limit)
        return
    mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


def end_process(code: object) -> None:
    """End this process with the status of ``SystemExit(code)``, skipping the interpreter's
    teardown, when no other thread is alive: the exit handlers run (multiprocessing's, logging's,
    a benchmark's) and the standard streams are flushed as at a normal exit, but the modules and
    the objects of the run are not freed one by one (~0.15 s of CPU after a `run-once`, alone
    at its end: bench/README.md). With another thread alive it returns, and the caller exits
    as usual (the interpreter would wait for that thread)."""
    if threading.active_count() > 1:
        return
    import atexit

    atexit._run_exitfuncs()
    if code is None or isinstance(code, int):
        status = code or 0
    else:  # as the interpreter prints SystemExit("message")
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(status)


def skip_optional_imports() -> None:
    """Keep httpx from importing extras this command line never uses.

    On import, httpcore probes for the async framework ``trio`` and httpx loads its own command
    line (rich's console, pygments) when they are installed: about 0.2 s on every cron run.
    wirefeed's HTTP client is synchronous and this is its own command line, so marking them
    absent is safe; it is done only in this process's entry point (the command group's ``main``)
    and only before httpx is first imported (a host program that already imported them keeps
    them): nothing ``ingest.cli`` imports loads httpx.
    """
    if "httpx" not in sys.modules:
        for name in ("trio", "httpx._main"):
            sys.modules.setdefault(name, None)


def script_not_rerun_in_workers(entry: click.Group) -> None:
    """Spare the normalization workers a re-run of the ``ingest`` console script.

    multiprocessing starts each worker by running the parent's main script again (as
    ``__mp_main__``, so that objects defined there can be unpickled) unless the main module was
    run by name. The console script only imports ``ingest.cli`` and calls ``entry``, which no
    worker needs: ~0.04 s of CPU a worker, several tenths of a second of wall before its first
    document on a loaded machine (bench/README.md). When that script is ``__main__``, it is
    given the spec ``python -m ingest`` has, which multiprocessing does not run again. Any other
    main script (a program embedding wirefeed, a benchmark) is left alone.
    """
    script = sys.modules.get("__main__")
    if (script is not None and getattr(script, "__spec__", None) is None
            and getattr(script, "main", None) is entry):
        import importlib.machinery

        script.__spec__ = importlib.machinery.ModuleSpec("ingest.__main__", None)


def make_table(**options):
    """A rich ``Table`` (rich is imported only by the commands that print one)."""
    from rich.table import Table

    return Table(**options)


#: The width tables are laid out in when the output is not a terminal (a pipe, a file, cron's
#: mail, journald): wide enough that no line is folded.
UNWRAPPED_WIDTH = 10_000


def make_console(**options):
    """A rich ``Console`` (imported on use, like :func:`make_table`); it never wraps lines when its
    stream is not a terminal."""
    from rich.console import Console

    stream = sys.stderr if options.get("stderr") else sys.stdout
    if "width" not in options and not stream.isatty():
        options["width"] = UNWRAPPED_WIDTH
    return Console(**options)


# -- run-once ---------------------------------------------------------------------------------


def _summary(console, report, config: Config) -> None:
    table = make_table(title="Sources", title_justify="left")
    for column in ("source", "status", "docs", "items", "new", "updated", "failed", "reason"):
        table.add_column(column, justify="right" if column in ("docs", "items", "new", "updated", "failed") else "left",
                         overflow="fold")
    for o in report.outcomes:
        style = {"failed": "red", "partial": "yellow"}.get(o.status)
        table.add_row(o.source, f"[{style}]{o.status}[/]" if style else o.status,
                      str(o.documents), str(o.fetched), str(o.new), str(o.updated),
                      str(o.failed), o.reason or "; ".join(o.repairs))
    if not report.outcomes:
        table.add_row("(none due)", "", "", "", "", "", "", "use --all to run every source")
    console.print(table)
    editions = make_table(title="Editions", title_justify="left")
    editions.add_column("edition")
    editions.add_column("name")
    editions.add_column("items", justify="right")
    for edition in config.editions:
        editions.add_row(edition.id, edition.name, str(report.editions.get(edition.id, 0)))
    console.print(editions)
    failed = sum(1 for o in report.outcomes if not o.ok)
    console.print(
        f"{counted(len(report.outcomes), 'source')} run, {failed} failed; "
        f"{sum(o.new for o in report.outcomes)} new, {sum(o.updated for o in report.outcomes)} updated; "
        f"{len(report.written)} feed files written under {config.pipeline.feeds}")


def counted(number: int, noun: str) -> str:
    """``1 source``, ``2 sources``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


@main.command("run-once")
@config_option
@click.option("--source", "source_ids", multiple=True, metavar="ID",
              help="Run only this source (repeatable), due or not.")
@click.option("--all", "run_all", is_flag=True, help="Run every enabled source, due or not.")
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Seconds to wait for another run's archive lock before giving up (exit 75).")
@click.option("--no-summary", is_flag=True, help="Do not print the summary tables.")
def run_once_cmd(config: Config, source_ids: tuple[str, ...], run_all: bool, wait: float,
                 no_summary: bool) -> None:
    """Fetch the sources that are due, normalize and archive their items, publish the feeds.

    A source is due when it never ran or its schedule (every/cron, or its backoff after
    failures) has come. Ends with a summary table per source and per edition. Exit codes:
    0 all sources succeeded, 1 some failed (the rest were still stored and published) or a
    source not run this time is still in its failure backoff, 2 configuration error, 3 the
    archive or the feeds folder cannot be written (checked before fetching), 75 another run
    holds the lock. With -q nothing is printed when all went well.
    """
    for source_id in source_ids:
        config.source(source_id)  # unknown ids are a configuration error (exit 2)
    if _PROCESS_ENTRY:  # the ingest process itself, not a program embedding the command line
        stop_at_once_on_signals()
    # A new archive file: every source is fetched for the first time, known before it is made.
    early = _boot_workers_for_first_fetches(config, None, source_ids)
    check_storage(config)
    from ingest.archive import writer_lock

    with writer_lock(config.pipeline.database, wait):
        archive = _archive(config)
        try:
            early = early or _boot_workers_for_first_fetches(config, archive, source_ids)
            if not early:
                _fork_dormant_forkserver(config, source_ids)
            # Imported after the forkserver started: its loading overlaps these imports.
            from ingest.pipeline import run_once
            from ingest.publishing import feed_publisher

            publisher = feed_publisher(config)
            if early:  # this run will publish, and wait for its workers' loading first
                publisher = publisher.warming_up()
            if sys.stderr.isatty() and not quiet():
                from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

                from ingest.archive import utcnow
                from ingest.pipeline import select_sources

                with Progress(TextColumn("{task.description}"), BarColumn(),
                              TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                              console=make_console(stderr=True), transient=True) as bar:
                    # the sources this run takes (the due ones), not every configured one
                    total = len(select_sources(config, archive, utcnow(), source_ids=source_ids,
                                               run_all=run_all))
                    task = bar.add_task("sources", total=total)

                    def progress(name: str, phase: str) -> None:
                        if phase == "start":
                            bar.update(task, description=f"fetching {name}")
                        elif phase == "done":
                            bar.advance(task)
                        else:
                            bar.update(task, description="rendering feeds")

                    report = run_once(config, archive, source_ids=source_ids, run_all=run_all,
                                      progress=progress, publisher=publisher)
            else:
                report = run_once(config, archive, source_ids=source_ids, run_all=run_all,
                                  publisher=publisher)
            backing_off = _still_failing(config, archive, report, source_ids)
        finally:
            archive.close()
    if not no_summary and not quiet():
        _summary(make_console(stderr=False, soft_wrap=False), report, config)
    if quiet():
        # -q keeps only errors, and a source's failure is logged as a warning: without these
        # lines a cron run that exits 1 would print nothing, and cron mails only what is printed.
        for outcome in report.outcomes:
            if not outcome.ok:
                click.echo(f"ingest: [{outcome.source}] {config.source(outcome.source).where}: "
                           f"{outcome.reason or outcome.status}", err=True)
    if backing_off:
        click.echo(f"ingest: {counted(len(backing_off), 'source')} not run, still failing (in backoff): "
                   f"{', '.join(backing_off)} (see `ingest sources`)", err=True)
    sys.exit(report.exit_code or (EXIT_SOURCES_FAILED if backing_off else 0))


#: Sources a ``run-once`` fetches for the first time (never attempted: no validators to send,
#: so each answers with a document) from which it boots the normalization workers' forkserver
#: as soon as the archive is open, before it imports the pipeline: the forkserver's loading
#: (~0.4 s of CPU) overlaps the run's own start and first fetches instead of following its
#: first documents (bench/README.md). Other runs of as many sources fork it dormant
#: (:func:`_fork_dormant_forkserver`): it loads only when the pipeline, from their first
#: answers, asks for workers (a rerun of 304s never wakes it).
FIRST_FETCH_SOURCES = 8

#: Whether this process is the ``ingest`` command (set by the command group's ``__call__``):
#: then an early boot forks the forkserver from it (:func:`ingest.workers.fork_forkserver`).
_PROCESS_ENTRY = False


def _boot_workers_for_first_fetches(config: Config, archive: Archive | None,
                                    source_ids: tuple[str, ...]) -> bool:
    """Boot the forkserver now when the run fetches :data:`FIRST_FETCH_SOURCES` or more
    sources for the first time (any never-attempted source is due). Returns whether it did.

    With ``archive`` ``None`` (not opened yet) it boots only when the archive is an SQLite file
    that does not exist yet: then no source was ever attempted, and the forkserver's loading
    also overlaps the archive's creation (bench/README.md)."""
    from ingest import workers

    if workers.cpu_workers(workers.MAX_NORMALIZE_WORKERS) < 2:  # one CPU normalizes in process
        return False
    if archive is None:
        database = config.pipeline.database
        # (a server database is a URL, which the configuration keeps as text, not a Path)
        if not isinstance(database, Path) or database.exists():
            return False
    chosen = [config.source(source_id) for source_id in source_ids] if source_ids else [
        source for source in config.sources if source.enabled]
    states = archive.source_states() if archive is not None else {}
    first = sum(1 for source in chosen if source.kind != "inbox"
                and (source.id not in states or states[source.id].last_attempt is None))
    if first < FIRST_FETCH_SOURCES:
        return False
    if not (_PROCESS_ENTRY and workers.fork_forkserver()):
        workers.start_forkserver()
    return True


def _fork_dormant_forkserver(config: Config, source_ids: tuple[str, ...]) -> bool:
    """Fork the workers' forkserver now, dormant (:func:`ingest.workers.fork_forkserver`), for
    a run of :data:`FIRST_FETCH_SOURCES` or more sources that were all fetched before: whether
    it needs workers is known only from their answers, when this process has fetch threads and
    can no longer fork, and multiprocessing would start the forkserver as a new interpreter
    that imports again what this process has (~0.1 s of CPU before the first worker:
    bench/README.md). A run of 304s never wakes it: a fork, and its end with this process.
    Returns whether it forked."""
    from ingest import workers

    if not _PROCESS_ENTRY or workers.cpu_workers(workers.MAX_NORMALIZE_WORKERS) < 2:
        return False
    chosen = [config.source(source_id) for source_id in source_ids] if source_ids else [
        source for source in config.sources if source.enabled]
    if sum(1 for source in chosen if source.kind != "inbox") < FIRST_FETCH_SOURCES:
        return False
    return workers.fork_forkserver(dormant=True)


def _still_failing(config: Config, archive: Archive, report, source_ids: tuple[str, ...]) -> list[str]:
    """Enabled sources this run did not fetch whose last attempt failed (they wait out a
    failure backoff). A run over the due sources exits 1 while any exists, so cron and
    monitoring see a failing source on every run, not only the first; with ``--source`` only
    the named sources count."""
    ran = {outcome.source for outcome in report.outcomes}
    wanted = set(source_ids) or {s.id for s in config.sources if s.enabled}
    states = archive.source_states()
    return [source.id for source in config.sources
            if source.id in wanted and source.id not in ran
            and (state := states.get(source.id)) is not None and state.failures > 0]


# -- render -----------------------------------------------------------------------------------


@main.command("render")
@config_option
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Seconds to wait for the archive lock.")
def render_cmd(config: Config, wait: float) -> None:
    """Rewrite every feed from the archive without fetching anything.

    Use it after changing editions, the base URL or items_per_feed, or when an embargo passed.
    Only files whose bytes change are written.
    """
    from ingest.archive import utcnow, writer_lock
    from ingest.publishing import feed_publisher

    if _PROCESS_ENTRY:  # the ingest process itself, not a program embedding the command line
        stop_at_once_on_signals()
    check_storage(config)
    publisher = feed_publisher(config)
    with writer_lock(config.pipeline.database, wait):
        archive = _archive(config)
        try:
            written = publisher.publish(archive, utcnow())
        finally:
            archive.close()
    if not quiet():
        click.echo(f"{len(written)} feed files written under {config.pipeline.feeds}")


# -- check ------------------------------------------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    main()
