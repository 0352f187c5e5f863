"""``ingest migrate --to postgresql://...``: the sample wire run into SQLite, copied into a real
PostgreSQL server, gives byte-identical feeds and the same answers to every query command."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from ingest.cli import main
from ingest.errors import StoreError

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)


def _config(folder: Path, name: str, database: str, feeds: str) -> str:
    text = (REPO / "schedules.toml").read_text(encoding="utf-8")
    lines = [f'database = "{database}"' if line.startswith("database =") else
             f'feeds = "{feeds}"' if line.startswith("feeds =") else line
             for line in text.split("\n")]
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)


def _run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


@pytest.mark.slow
def test_a_migrated_archive_publishes_the_same_feeds_and_answers_the_same(
        project: Path, postgres_url: str, frozen_clock) -> None:
    frozen_clock.now = T0
    lite = _config(project, "lite.toml", "data/wire.db", "data/feeds-run")
    _run("run-once", "--config", lite)
    first = _run("migrate", "--to", postgres_url, "--config", lite)
    assert "rows copied" in first and "articles" in first
    assert "set [pipeline] database to that URL" in first
    again = _run("migrate", "--to", postgres_url, "--config", lite)  # idempotent
    total = first.split(" rows copied")[0].split()[-1]
    assert f"({total} new or changed there)" in first
    assert f"{total} rows copied" in again and "(0 new or changed there)" in again

    lite_render = _config(project, "lite-render.toml", "data/wire.db", "data/feeds-lite")
    pg = _config(project, "pg.toml", postgres_url, "data/feeds-pg")
    _run("render", "--config", lite_render)
    _run("render", "--config", pg)
    lite_feeds, pg_feeds = _files(project / "data" / "feeds-lite"), _files(project / "data" / "feeds-pg")
    assert len(lite_feeds) > 200 and lite_feeds.keys() == pg_feeds.keys()
    assert [name for name in lite_feeds if lite_feeds[name] != pg_feeds[name]] == []

    some_id = _run("export", "--jsonl", "--config", lite).split('"id": "')[1].split('"')[0]
    for args in (["articles"], ["articles", "--edition", "es-es", "--json"], ["show", some_id],
                 ["show", some_id[:6], "--json"], ["search", "Madrid"],
                 ["export", "--jsonl"], ["editions"], ["sources", "--json"]):
        assert _run(*args, "--config", pg) == _run(*args, "--config", lite), args
    # PostgreSQL reads each record in its language: "Berlin" also finds the Italian "Berlino".
    lite_found = _run("search", "Berlin", "--config", lite).splitlines()[3:-1]
    pg_found = _run("search", "Berlin", "--config", pg).splitlines()[3:-1]
    assert lite_found and set(lite_found) < set(pg_found)
    assert any("Berlino" in line for line in set(pg_found) - set(lite_found))


def test_migrate_refuses_what_it_cannot_copy(project: Path, postgres_url: str) -> None:
    pg = _config(project, "pg.toml", postgres_url, "data/feeds")
    result = CliRunner().invoke(main, ["migrate", "--to", postgres_url, "--config", pg])
    assert result.exit_code == 2 and "already in a database server" in result.stderr
    lite = _config(project, "lite.toml", "data/wire.db", "data/feeds")
    result = CliRunner().invoke(main, ["migrate", "--to", "mysql://x/y", "--config", lite])
    assert result.exit_code == 2 and "not a postgresql:// URL" in result.stderr
    result = CliRunner().invoke(main, ["migrate", "--to", postgres_url, "--config", lite])
    assert result.exit_code == 2 and "no archive there yet" in result.stderr


def test_the_copy_reports_progress_per_table_and_refuses_another_archives_database(
        tmp_path: Path, postgres_cluster) -> None:
    from ingest.archive import open_archive
    from ingest.archive.transfer import copy_archive
    from test_archive import NOW, _article

    source = open_archive(tmp_path / "wire.db")
    source.store([_article(n) for n in range(1, 6)], NOW)
    target = open_archive(postgres_cluster.new_database())
    try:
        seen: dict[str, tuple[int, int]] = {}
        summary = copy_archive(source, target, lambda name, done, total: seen.update({name: (done, total)}))
        assert seen["articles"] == (5, 5) and seen["article_editions"] == (10, 10)
        assert ("articles", 5, 5) in summary.rows and summary.change_mark == source.change_mark()
        source.store([_article(1, title="Corrected", content_hash="h1b")], NOW)
        again = copy_archive(source, target)  # only what changed is written again
        assert ("articles", 5, 1) in again.rows and ("article_history", 1, 1) in again.rows
        assert target.find_article("id-0001").title == "Corrected"
        assert again.change_mark == source.change_mark()
        other = open_archive(tmp_path / "other.db")
        other.store([_article(9)], NOW)
        try:
            with pytest.raises(StoreError, match="holds another archive's records"):
                copy_archive(other, target)
        finally:
            other.close()
        assert target.count_articles() == 5  # the refused copy left nothing behind
    finally:
        source.close()
        target.close()
