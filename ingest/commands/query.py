"""The commands that read the archive: ``articles``, ``search``, ``show``, ``export``,
``editions`` and ``sources`` (wired into the command group by :mod:`ingest.cli`)."""

from __future__ import annotations

import json
import sys
from datetime import timedelta

import click

from ingest.archive import Archive, utcnow
from ingest.cli import (
    EXIT_CONFIG,
    EXIT_SOURCES_FAILED,
    Failure,
    check_filters,
    config_option,
    make_console,
    make_table,
    quiet,
    read_archive,
)
from ingest.config import Config
from ingest.schedule import stale_after
from normalize.model import NoteKind, article_to_dict, isoformat, note_texts

def _when(value) -> str:
    return isoformat(value) or "-"


@click.command("articles")
@config_option
@click.option("--edition", help="Only articles of this edition id (e.g. fr-fr).")
@click.option("--source", "source_id", help="Only articles of this source id.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON record per line instead of a table.")
def articles_cmd(config: Config, edition: str | None, source_id: str | None, limit: int,
                 as_json: bool) -> None:
    """List archived articles, newest first, optionally of one edition or source."""
    check_filters(config, edition, source_id)
    archive = read_archive(config)
    try:
        rows = list(archive.iter_articles(edition=edition, source=source_id, limit=limit))
    finally:
        archive.close()
    if as_json:
        for article in rows:
            click.echo(json.dumps(article_to_dict(article), ensure_ascii=False))
        return
    table = make_table()
    for column in ("id", "published", "lang", "source", "v", "status", "title"):
        table.add_column(column, overflow="fold")
    for a in rows:
        table.add_row(a.id, _when(a.published), a.language or "-", a.source, str(a.version),
                      a.status, a.title)
    make_console().print(table)


@click.command("search")
@config_option
@click.argument("query")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
def search_cmd(config: Config, query: str, limit: int) -> None:
    """Full-text search over titles and bodies (SQLite FTS5), newest first."""
    archive = read_archive(config)
    try:
        rows = archive.search(query, limit)
    finally:
        archive.close()
    table = make_table()
    for column in ("id", "published", "lang", "source", "title"):
        table.add_column(column, overflow="fold")
    for a in rows:
        table.add_row(a.id, _when(a.published), a.language or "-", a.source, a.title)
    make_console().print(table)
    if not rows:
        click.echo(f"no article matches {query!r}", err=True)


@click.command("show")
@config_option
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
def show_cmd(config: Config, article_id: str, as_json: bool) -> None:
    """Print one article record (its id, or a unique prefix of 4 or more characters), with its
    editions, history and status."""
    archive = read_archive(config)
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
    console = make_console()
    piped = not sys.stdout.isatty()
    # Piped (grep, less, mail), the record is plain aligned "field  value" lines: no borders,
    # no trailing padding, nothing folded (a URL stays whole).
    table = make_table(show_header=False, title=article.title, title_justify="left",
                       **({"box": None, "pad_edge": False} if piped else {}))
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    rows = [
        ("id", article.id), ("guid", article.guid), ("source", article.source),
        ("url", article.url or "-"), ("status", article.status + (f" ({article.status_reason})" if article.status_reason else "")),
        ("version", str(article.version)), ("published", _when(article.published)),
        ("updated", _when(article.updated)), ("first archived", _when(first_seen)),
        ("embargoed until", _when(article.embargoed)),
        ("language", f"{article.language} ({article.language_method or '-'})"
                     + "".join(f"; {reason}" for reason
                               in note_texts(article.extra, NoteKind.LANGUAGE_REASON))),
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
        ("full text", "\n".join(f"from {text}" if kind == NoteKind.FULLTEXT else f"not used: {text}"
                                 for kind, text in article.extra
                                 if kind in (NoteKind.FULLTEXT, NoteKind.FULLTEXT_ERROR)) or "-"),
        ("summary", article.summary or "-"),
        ("body", (article.body_text[:600] + ("…" if len(article.body_text) > 600 else "")) or "-"),
        ("history", "\n".join(f"v{old.version} replaced {_when(when)}: {old.title}"
                              for when, old in history) or "-"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    if not piped:
        console.print(table)
        return
    with console.capture() as captured:
        console.print(table)
    click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))


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


@click.command("export")
@config_option
@click.option("--jsonl", is_flag=True, required=True,
              help="One JSON article record per line, all fields (the only format for now).")
@click.option("--edition", help="Only articles of this edition.")
@click.option("--source", "source_id", help="Only articles of this source.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write to this file instead of standard output.")
def export_cmd(config: Config, jsonl: bool, edition: str | None, source_id: str | None,
               output: str) -> None:
    """Export archived records as JSON Lines: every Article field, datetimes in ISO 8601."""
    check_filters(config, edition, source_id)
    archive = read_archive(config)
    try:
        # Opened once the filters and the archive are known good, so a mistyped --edition
        # leaves no empty file behind; a file that cannot be made is the command line's error.
        try:
            stream = click.open_file(output, "w", encoding="utf-8")
        except OSError as exc:
            raise Failure(f"{output}: cannot write the export: {exc.strerror}", EXIT_CONFIG) from None
        with stream:
            for article in archive.iter_articles(edition=edition, source=source_id):
                stream.write(json.dumps(article_to_dict(article), ensure_ascii=False,
                                        sort_keys=True) + "\n")
    finally:
        archive.close()


@click.command("editions")
@config_option
def editions_cmd(config: Config) -> None:
    """Print every edition with its languages, item count, newest item and the rules feeding it."""
    archive = read_archive(config)
    try:
        stats = archive.edition_stats()
    finally:
        archive.close()
    table = make_table()
    for column in ("id", "name", "languages", "items", "newest", "rules"):
        table.add_column(column, overflow="fold")
    for edition in config.editions:
        count, newest = stats.get(edition.id, (0, None))
        rules = [f"{r.label}: " + ("only" if edition.id in r.only else "add" if edition.id in r.add else "remove")
                 for r in config.rules if edition.id in r.only + r.add + r.remove]
        pinned = [f"source {s.id}: pinned" for s in config.sources if edition.id in s.editions]
        table.add_row(edition.id, edition.name, ", ".join(edition.languages), str(count),
                      _when(newest), "\n".join(pinned + rules) or "-")
    make_console().print(table)


@click.command("sources")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the health records as JSON.")
@click.option("--check", is_flag=True,
              help="Exit 1 when an enabled source is failing or stale (no success for longer "
                   "than its stale_after), listing them on stderr: for monitoring.")
def sources_cmd(config: Config, as_json: bool, check: bool) -> None:
    """Show each source's health: last attempt and success, status, error, failures, next due.

    A source whose last attempt failed is marked failing (FAILING once it has failed for longer
    than [pipeline] failing_after, 6 h by default), one without a success for longer than its
    `stale_after` (default: 3 of its intervals) STALE. The exit code is 0 however they
    fare, unless --check is given: then 1 when any enabled source is failing or stale.
    """
    now = utcnow()
    archive = read_archive(config)
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
        verb = "source needs" if len(attention) == 1 else "sources need"
        click.echo(f"ingest: {len(attention)} {verb} attention: "
                   + "; ".join(f"{row['id']} ({row['problem']})" for row in attention), err=True)
        sys.exit(EXIT_SOURCES_FAILED)


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
    table = make_table()
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
        status = row["last_status"] or "-"
        if flag and status == "error":  # a failure with no HTTP status: the error column says it
            status = ""
        table.add_row(row["id"], row["kind"], _short(row["last_success"]) or "never",
                      (flag + status).strip(), str(row["failures"]),
                      (_short(row["next_due"]) or "now") + (f" ({row['next_due_reason']})" if row["next_due_reason"] else ""),
                      str(row["new_24h"]),
                      f"{latency * 1000:.0f} ms" if latency is not None else "-",
                      (row["last_error"] or "") + (f" (moved to {row['permanent_redirect']})" if row["permanent_redirect"] else ""))
    make_console().print(table)


def _short(stamp: str | None) -> str | None:
    """``2026-11-27T23:46:27Z`` as ``2026-11-27 23:46Z`` for narrow tables."""
    return f"{stamp[:10]} {stamp[11:16]}Z" if stamp else None


def _iso(value) -> str | None:
    return isoformat(value) if value else None
