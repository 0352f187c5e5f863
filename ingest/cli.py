"""The ``ingest`` command line.

Errors become one clear line on stderr and an exit code here, at the edge, and nowhere else:

    0   everything succeeded
    1   some sources failed (the others were still stored and published); run-once also while
        a source it did not run waits out a failure backoff; sources --check: failing or stale
    2   configuration error (or a wrong command line, a missing archive for a read-only
        command, an unknown --edition/--source, an ambiguous id prefix)
    3   the archive could not be opened or written, or the feeds folder cannot be written
    75  another run holds the archive lock (EX_TEMPFAIL: cron may simply try again later)
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

import click

from ingest.archive import Archive, open_archive, utcnow, writer_lock
from ingest.config import Config, load_config
from ingest.environment import configure_normalize
from ingest.errors import ConfigError, LockError, StoreError, WirefeedError
from ingest.schedule import interval_of
from normalize.model import article_to_dict, isoformat

EXIT_SOURCES_FAILED = 1
EXIT_CONFIG = 2
EXIT_STORE = 3
EXIT_LOCKED = 75

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
        except OSError as exc:  # a file or folder the archive or the feeds live in
            from ingest.preflight import describe

            raise Failure(describe(exc), EXIT_STORE) from None

    return wrapper


def _archive(config: Config) -> Archive:
    return open_archive(config.pipeline.database)


def _read_archive(config: Config) -> Archive:
    """The archive for a read-only command: a missing one is reported (exit 2), never created."""
    database = config.pipeline.database
    if "://" not in str(database) and not Path(database).exists():
        raise Failure(f"{database}: no archive there yet (run `ingest run-once` first, or check "
                      f"--config and [pipeline] database)", EXIT_CONFIG)
    return open_archive(database)


def _check_filters(config: Config, edition: str | None = None, source_id: str | None = None) -> None:
    """Unknown ``--edition`` / ``--source`` values are one error (exit 2), in every command."""
    if edition is not None and config.edition(edition) is None:
        raise Failure(f"unknown edition {edition!r} (see `ingest editions`)", EXIT_CONFIG)
    if source_id is not None and not any(s.id == source_id for s in config.sources):
        raise Failure(f"unknown source {source_id!r} (see `ingest sources`)", EXIT_CONFIG)


def check_storage(config: Config) -> None:
    """Before a run fetches anything: the archive's folder and the feeds folder must be
    writable, so a run never stores records it cannot publish (StoreError, exit 3)."""
    from ingest.preflight import ensure_folder

    database = Path(config.pipeline.database)
    if "://" not in str(database):
        if database.is_dir():
            raise StoreError("the archive path is a folder", where=str(database))
        try:
            ensure_folder(database.parent, f"folder {database.parent}")
        except StoreError as exc:
            raise StoreError(f"the archive cannot be created: {exc.reason}",
                             where=str(database)) from None
    ensure_folder(config.pipeline.feeds, "feeds folder")


class _Commands(click.Group):
    """The command group, with commands that live beside the code they drive (the daemon, the
    server) imported only when asked for: they use :func:`config_option` from this module, and
    `ingest run-once` from cron should not pay for importing a scheduler and a server."""

    lazy = {"daemon": ("ingest.commands.daemon", "daemon_cmd"),
            "serve": ("ingest.commands.serve", "serve_cmd")}

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
    skip_optional_imports()
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


def skip_optional_imports() -> None:
    """Keep httpx from importing extras this command line never uses.

    On import, httpcore probes for the async framework ``trio`` and httpx loads its own command
    line (rich's console, pygments) when they are installed: about 0.2 s on every cron run.
    wirefeed's HTTP client is synchronous and this is its own command line, so marking them
    absent is safe; it is done only in this process's entry point and only before httpx is first
    imported (a host program that already imported them keeps them).
    """
    if "httpx" not in sys.modules:
        for name in ("trio", "httpx._main"):
            sys.modules.setdefault(name, None)


def _table(**options):
    """A rich ``Table`` (rich is imported only by the commands that print one)."""
    from rich.table import Table

    return Table(**options)


#: The width tables are laid out in when the output is not a terminal (a pipe, a file, cron's
#: mail, journald): wide enough that no line is folded.
UNWRAPPED_WIDTH = 10_000


def _console(**options):
    """A rich ``Console`` (imported on use, like :func:`_table`); it never wraps lines when its
    stream is not a terminal."""
    from rich.console import Console

    stream = sys.stderr if options.get("stderr") else sys.stdout
    if "width" not in options and not stream.isatty():
        options["width"] = UNWRAPPED_WIDTH
    return Console(**options)


# -- run-once ---------------------------------------------------------------------------------


def _summary(console, report, config: Config) -> None:
    table = _table(title="Sources", title_justify="left")
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
    editions = _table(title="Editions", title_justify="left")
    editions.add_column("edition")
    editions.add_column("name")
    editions.add_column("items", justify="right")
    for edition in config.editions:
        editions.add_row(edition.id, edition.name, str(report.editions.get(edition.id, 0)))
    console.print(editions)
    failed = sum(1 for o in report.outcomes if not o.ok)
    console.print(
        f"{len(report.outcomes)} sources run, {failed} failed; "
        f"{sum(o.new for o in report.outcomes)} new, {sum(o.updated for o in report.outcomes)} updated; "
        f"{len(report.written)} feed files written under {config.pipeline.feeds}")


@main.command("run-once")
@config_option
@click.option("--source", "source_ids", multiple=True, metavar="ID",
              help="Run only this source (repeatable), due or not.")
@click.option("--all", "run_all", is_flag=True, help="Run every enabled source, due or not.")
@click.option("--wait", type=float, default=0.0, show_default=True,
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
    from ingest.pipeline import run_once
    from ingest.publishing import feed_publisher

    publisher = feed_publisher(config)
    for source_id in source_ids:
        config.source(source_id)  # unknown ids are a configuration error (exit 2)
    check_storage(config)
    with writer_lock(config.pipeline.database, wait):
        archive = _archive(config)
        try:
            if sys.stderr.isatty():
                from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

                with Progress(TextColumn("{task.description}"), BarColumn(),
                              TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                              console=_console(stderr=True), transient=True) as bar:
                    total = len(source_ids) or len(config.sources)
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
        _summary(_console(stderr=False, soft_wrap=False), report, config)
    if backing_off:
        click.echo(f"ingest: {len(backing_off)} source(s) not run, still failing (in backoff): "
                   f"{', '.join(backing_off)} (see `ingest sources`)", err=True)
    sys.exit(report.exit_code or (EXIT_SOURCES_FAILED if backing_off else 0))


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
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for the archive lock.")
def render_cmd(config: Config, wait: float) -> None:
    """Rewrite every feed from the archive without fetching anything.

    Use it after changing editions, the base URL or items_per_feed, or when an embargo passed.
    Only files whose bytes change are written.
    """
    from ingest.publishing import feed_publisher

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


@main.command("check")
@config_option
def check_cmd(config: Config) -> None:
    """Validate the configuration file and the places it names, without running anything.

    Checks that the archive and the feeds folder can be created and written, and that local
    `path`s and inbox folders exist. Exit 2 when the configuration is invalid or names a
    missing path, 3 when the archive or the feeds folder cannot be written.
    """
    _report_storage_problems(config)
    if quiet():
        return
    kinds = {}
    for source in config.sources:
        kinds[source.kind] = kinds.get(source.kind, 0) + 1
    click.echo(f"{config.path}: ok — {len(config.editions)} editions, {len(config.sources)} sources "
               f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items())) or 'none'}), "
               f"{len(config.rules)} rules")


def _report_storage_problems(config: Config) -> None:
    """Every storage problem on its own stderr line, then the exit code of the worst."""
    from ingest.preflight import storage_problems

    problems = storage_problems(config)
    if not problems:
        return
    for problem in problems[:-1]:
        click.echo(f"ingest: error: {problem}", err=True)
    sources_only = all(problem.startswith("[") for problem in problems)
    raise Failure(problems[-1], EXIT_CONFIG if sources_only else EXIT_STORE)


# -- reading the archive ----------------------------------------------------------------------


def _when(value) -> str:
    return isoformat(value) or "-"


@main.command("articles")
@config_option
@click.option("--edition", help="Only articles of this edition id (e.g. fr-fr).")
@click.option("--source", "source_id", help="Only articles of this source id.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON record per line instead of a table.")
def articles_cmd(config: Config, edition: str | None, source_id: str | None, limit: int,
                 as_json: bool) -> None:
    """List archived articles, newest first, optionally of one edition or source."""
    _check_filters(config, edition, source_id)
    archive = _read_archive(config)
    try:
        rows = list(archive.iter_articles(edition=edition, source=source_id, limit=limit))
    finally:
        archive.close()
    if as_json:
        for article in rows:
            click.echo(json.dumps(article_to_dict(article), ensure_ascii=False))
        return
    table = _table()
    for column in ("id", "published", "lang", "source", "v", "status", "title"):
        table.add_column(column, overflow="fold")
    for a in rows:
        table.add_row(a.id, _when(a.published), a.language or "-", a.source, str(a.version),
                      a.status, a.title)
    _console().print(table)


@main.command("search")
@config_option
@click.argument("query")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
def search_cmd(config: Config, query: str, limit: int) -> None:
    """Full-text search over titles and bodies (SQLite FTS5), newest first."""
    archive = _read_archive(config)
    try:
        rows = archive.search(query, limit)
    finally:
        archive.close()
    table = _table()
    for column in ("id", "published", "lang", "source", "title"):
        table.add_column(column, overflow="fold")
    for a in rows:
        table.add_row(a.id, _when(a.published), a.language or "-", a.source, a.title)
    _console().print(table)
    if not rows:
        click.echo(f"no article matches {query!r}", err=True)


@main.command("show")
@config_option
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
def show_cmd(config: Config, article_id: str, as_json: bool) -> None:
    """Print one article record (its id, or a unique prefix of 4 or more characters), with its
    editions, history and status."""
    archive = _read_archive(config)
    try:
        article = _find_one(archive, article_id)
        history = archive.history(article.id)
        first_seen = archive.first_seen(article.id)
    finally:
        archive.close()
    if as_json:
        record = article_to_dict(article)
        record["history"] = [{"replaced_at": isoformat(when), **article_to_dict(old)}
                             for when, old in history]
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    console = _console()
    table = _table(show_header=False, title=article.title, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    rows = [
        ("id", article.id), ("guid", article.guid), ("source", article.source),
        ("url", article.url or "-"), ("status", article.status + (f" ({article.status_reason})" if article.status_reason else "")),
        ("version", str(article.version)), ("published", _when(article.published)),
        ("updated", _when(article.updated)), ("first archived", _when(first_seen)),
        ("embargoed until", _when(article.embargoed)),
        ("language", f"{article.language} ({article.language_method or '-'})"
                     + "".join(f"; {note}" for key, note in article.extra if key == "language_reason")),
        ("authors", ", ".join(article.authors) or "-"), ("agency", article.agency or "-"),
        ("credit", article.credit or "-"),
        ("dateline", article.dateline.text if article.dateline else "-"),
        ("sections", ", ".join(article.sections) or "-"),
        ("countries", ", ".join(article.countries) or "-"),
        ("editions", "\n".join(f"{e}: {why}" for e, why in article.edition_reasons) or "-"),
        ("images", "\n".join(
            f"{i.url} — {i.caption or ''}" + (f" — {i.credit.text}" if i.credit else "")
            for i in article.images) or "-"),
        # Where the body came from, or why the page was not used (a refused link, the cap, ...).
        ("full text", "\n".join(f"from {v}" if k == "fulltext" else f"not used: {v}"
                                 for k, v in article.extra
                                 if k in ("fulltext", "fulltext_error")) or "-"),
        ("summary", article.summary or "-"),
        ("body", (article.body_text[:600] + ("…" if len(article.body_text) > 600 else "")) or "-"),
        ("history", "\n".join(f"v{old.version} replaced {_when(when)}: {old.title}"
                              for when, old in history) or "-"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)


def _find_one(archive: Archive, article_id: str):
    """The record ``article_id`` names (an id or a unique prefix of 4+ characters), or a
    one-line error: none matches (exit 1), the prefix is too short or ambiguous (exit 2,
    listing the candidates)."""
    from ingest.archive import MIN_ID_PREFIX

    article = archive.find_article(article_id)
    if article is not None:
        return article
    if len(article_id) < MIN_ID_PREFIX:
        raise Failure(f"{article_id!r} is too short: give an id or a prefix of at least "
                      f"{MIN_ID_PREFIX} characters", EXIT_CONFIG)
    candidates = archive.ids_with_prefix(article_id, 11)
    if len(candidates) > 1:
        shown = ", ".join(candidates[:10]) + (", ..." if len(candidates) > 10 else "")
        raise Failure(f"{article_id!r} is ambiguous: it starts {len(candidates)}"
                      f"{'+' if len(candidates) > 10 else ''} ids ({shown})", EXIT_CONFIG)
    raise Failure(f"no article with id {article_id!r}", 1)


@main.command("export")
@config_option
@click.option("--jsonl", is_flag=True, required=True,
              help="One JSON article record per line, all fields (the only format for now).")
@click.option("--edition", help="Only articles of this edition.")
@click.option("--source", "source_id", help="Only articles of this source.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to this file instead of standard output.")
def export_cmd(config: Config, jsonl: bool, edition: str | None, source_id: str | None,
               output) -> None:
    """Export archived records as JSON Lines: every Article field, datetimes in ISO 8601."""
    _check_filters(config, edition, source_id)
    archive = _read_archive(config)
    try:
        for article in archive.iter_articles(edition=edition, source=source_id):
            output.write(json.dumps(article_to_dict(article), ensure_ascii=False, sort_keys=True) + "\n")
    finally:
        archive.close()


@main.command("editions")
@config_option
def editions_cmd(config: Config) -> None:
    """Print every edition with its languages, item count, newest item and the rules feeding it."""
    archive = _read_archive(config)
    try:
        stats = archive.edition_stats()
    finally:
        archive.close()
    table = _table()
    for column in ("id", "name", "languages", "items", "newest", "rules"):
        table.add_column(column, overflow="fold")
    for edition in config.editions:
        count, newest = stats.get(edition.id, (0, None))
        rules = [f"{r.label}: " + ("only" if edition.id in r.only else "add" if edition.id in r.add else "remove")
                 for r in config.rules if edition.id in r.only + r.add + r.remove]
        pinned = [f"source {s.id}: pinned" for s in config.sources if edition.id in s.editions]
        table.add_row(edition.id, edition.name, ", ".join(edition.languages), str(count),
                      _when(newest), "\n".join(pinned + rules) or "-")
    _console().print(table)


@main.command("sources")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the health records as JSON.")
@click.option("--check", is_flag=True,
              help="Exit 1 when an enabled source is failing or stale (no success for longer "
                   "than its stale_after), listing them on stderr: for monitoring.")
def sources_cmd(config: Config, as_json: bool, check: bool) -> None:
    """Show each source's health: last attempt and success, status, error, failures, next due.

    A source whose last attempt failed is marked FAILING, one without a success for longer than
    its `stale_after` (default: 3 of its intervals) STALE. The exit code is 0 however they
    fare, unless --check is given: then 1 when any enabled source is failing or stale.
    """
    now = utcnow()
    archive = _read_archive(config)
    try:
        states = archive.source_states()
        rows = []
        for source in config.sources:
            state = states.get(source.id)
            new_24h = archive.new_items_since(source.id, now - timedelta(hours=24))
            failing = bool(state and state.failing_since and
                           (now - state.failing_since).total_seconds() > config.pipeline.failing_after)
            problem = _source_problem(config, source, state, now)
            rows.append({
                "id": source.id, "kind": source.kind, "where": source.where,
                "enabled": source.enabled,
                "last_attempt": _iso(state and state.last_attempt),
                "last_success": _iso(state and state.last_success),
                "last_status": state.last_status if state else None,
                "last_error": state.last_error if state else None,
                "failures": state.failures if state else 0,
                "failing_since": _iso(state and state.failing_since),
                "flagged": failing,
                "failing": bool(state and state.failures > 0),
                "stale": problem is not None and problem.startswith("stale"),
                "stale_after_s": stale_after(config, source, now),
                "problem": problem,
                "next_due": _iso(state and state.next_due),
                "next_due_reason": state.next_due_reason if state else None,
                "new_24h": new_24h,
                "median_latency_s": state.median_latency if state else None,
                "permanent_redirect": state.permanent_redirect if state else None,
            })
    finally:
        archive.close()
    attention = [row for row in rows if row["enabled"] and row["problem"]]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not (quiet() and check and not attention):
        _print_sources(rows)
    if check and attention:
        click.echo(f"ingest: {len(attention)} source(s) need attention: "
                   + "; ".join(f"{row['id']} ({row['problem']})" for row in attention), err=True)
        sys.exit(EXIT_SOURCES_FAILED)


def stale_after(config: Config, source, now) -> float:
    """Seconds without a success after which ``source`` is stale: its own ``stale_after``, the
    pipeline's, or 3 of its polling intervals."""
    if source.stale_after is not None:
        return source.stale_after
    if config.pipeline.stale_after is not None:
        return config.pipeline.stale_after
    return 3 * interval_of(source, config, now)


def _source_problem(config: Config, source, state, now) -> str | None:
    """Why an enabled source needs an operator's eye (failing, or stale), or ``None``."""
    if not source.enabled or state is None:
        return None  # disabled, or never attempted yet: nothing to judge
    if state.failures > 0:
        return f"failing: {state.failures} failure(s) in a row, last: {state.last_error or '?'}"
    limit = stale_after(config, source, now)
    if state.last_success is not None and (now - state.last_success).total_seconds() > limit:
        return (f"stale: no success since {_short(_iso(state.last_success))}, "
                f"longer than {_duration(limit)}")
    return None


def _duration(seconds: float) -> str:
    """``2700`` as ``45m``, ``10800`` as ``3h``, for messages."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def _print_sources(rows: list[dict]) -> None:
    table = _table()
    for column in ("source", "kind", "last success", "status", "fails", "next due", "new 24h",
                   "latency", "error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        flag = ""
        if row["flagged"]:  # failing for longer than [pipeline] failing_after
            flag = "[red]FAILING[/] "
        elif row["enabled"] and row["failing"]:
            flag = "[red]failing[/] "
        elif row["enabled"] and row["stale"]:
            flag = "[yellow]STALE[/] "
        latency = row["median_latency_s"]
        table.add_row(row["id"], row["kind"], _short(row["last_success"]) or "never",
                      flag + (row["last_status"] or "-"), str(row["failures"]),
                      (_short(row["next_due"]) or "now") + (f" ({row['next_due_reason']})" if row["next_due_reason"] else ""),
                      str(row["new_24h"]),
                      f"{latency * 1000:.0f} ms" if latency is not None else "-",
                      (row["last_error"] or "") + (f" (moved to {row['permanent_redirect']})" if row["permanent_redirect"] else ""))
    _console().print(table)


def _short(stamp: str | None) -> str | None:
    """``2026-11-27T23:46:27Z`` as ``2026-11-27 23:46Z`` for narrow tables."""
    return f"{stamp[:10]} {stamp[11:16]}Z" if stamp else None


def _iso(value) -> str | None:
    return isoformat(value) if value else None


if __name__ == "__main__":  # pragma: no cover
    main()
