"""Agency lifecycle through the real CLI: versions replace, kills leave the feeds, embargoes wait
(on both archive backends: the ``database`` fixture)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
from click.testing import CliRunner

from ingest.cli import main

from conftest import FIXTURES, inbox_config, run_cli
from engines import archive_rows, use_database

GUID = "urn:newsml:efe.com:20251104:ECO4521"


def _setup(tmp_path: Path, database) -> tuple[Path, Path]:
    drop, config = inbox_config(tmp_path, "efe", 'agency = "EFE"')
    use_database(config, database)
    return drop, config


def _feed_ids(tmp_path: Path, edition: str = "es-es") -> list[str]:
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((tmp_path / "data" / "feeds" / edition / name).read_bytes())
        assert not parsed.bozo
    rss = feedparser.parse((tmp_path / "data" / "feeds" / edition / "rss.xml").read_bytes())
    return [e.id for e in rss.entries]


def _run(tmp_path: Path, config: Path) -> None:
    result = run_cli("run-once", "--all", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_versions_replace_and_a_kill_leaves_every_feed(tmp_path: Path, database) -> None:
    drop, config = _setup(tmp_path, database)
    shutil.copy(FIXTURES / "newsml_g2" / "text.xml", drop / "v1.xml")
    _run(tmp_path, config)
    assert GUID in _feed_ids(tmp_path)
    shutil.copy(FIXTURES / "newsml_g2" / "update.xml", drop / "v2.xml")
    _run(tmp_path, config)
    assert archive_rows(database, "SELECT version, status FROM articles") == [(2, "usable")]
    assert archive_rows(database, "SELECT version FROM article_history") == [(1,)]
    # an older version arriving late changes nothing
    shutil.copy(FIXTURES / "newsml_g2" / "text.xml", drop / "v1-again.xml")
    _run(tmp_path, config)
    assert archive_rows(database, "SELECT version FROM articles") == [(2,)]
    shutil.copy(FIXTURES / "newsml_g2" / "withdrawal.xml", drop / "v3.xml")
    _run(tmp_path, config)
    for edition in ("es-es", "es-mx", "es-419", "es-co"):
        assert GUID not in _feed_ids(tmp_path, edition)
    [(status, reason, version, body)] = archive_rows(
        database, "SELECT status, status_reason, version, body_text FROM articles")
    assert (status, version) == ("withdrawn", 3) and "ANULADA" in reason
    assert body  # the text is kept, marked, never silently deleted
    article_id = json.loads(run_cli("articles", "--json", "--config", str(config), cwd=tmp_path).stdout)["id"]
    show = run_cli("show", article_id, "--config", str(config), cwd=tmp_path)
    assert "withdrawn" in show.stdout and "v1 replaced" in show.stdout and "v2 replaced" in show.stdout
    assert sorted(p.name for p in (drop / "done").iterdir()) == ["v1-again.xml", "v1.xml", "v2.xml", "v3.xml"]


EMBARGOED = """<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:efe.com:test:EMB1" version="1"
          standard="NewsML-G2" standardversion="2.33" xml:lang="es">
  <itemMeta>
    <itemClass qcode="ninat:text"/>
    <provider qcode="nprov:EFE"/>
    <versionCreated>2026-01-10T16:00:00Z</versionCreated>
    <firstCreated>2026-01-10T16:00:00Z</firstCreated>
    <embargoed>{until}</embargoed>
    <pubStatus qcode="stat:usable"/>
  </itemMeta>
  <contentMeta>
    <language tag="es"/>
    <headline>El Banco de España publicará mañana su informe anual sobre la economía</headline>
  </contentMeta>
  <contentSet>
    <inlineData contenttype="text/plain">El Banco de España presentará su informe anual con nuevas previsiones de crecimiento, empleo e inflación para los próximos tres años.</inlineData>
  </contentSet>
</newsItem>
"""


def test_an_embargoed_item_appears_at_the_first_render_after_its_time(tmp_path: Path, database,
                                                                     frozen_clock) -> None:
    """The CLI in-process on a frozen clock: an hour before the embargo, then a minute after."""
    drop, config = _setup(tmp_path, database)
    until = datetime(2026, 1, 10, 18, 0, tzinfo=timezone.utc)
    (drop / "embargo.xml").write_text(EMBARGOED.format(until=until.isoformat()), encoding="utf-8")
    runner = CliRunner()
    frozen_clock.now = until - timedelta(hours=1)
    ran = runner.invoke(main, ["run-once", "--all", "--no-summary", "--config", str(config)])
    assert ran.exit_code == 0, ran.output
    assert archive_rows(database, "SELECT COUNT(*) FROM articles") == [(1,)]
    assert _feed_ids(tmp_path) == []
    frozen_clock.now = until - timedelta(seconds=1)
    assert runner.invoke(main, ["render", "--config", str(config)]).exit_code == 0
    assert _feed_ids(tmp_path) == []  # one second early: still held back
    frozen_clock.now = until + timedelta(minutes=1)
    rendered = runner.invoke(main, ["render", "--config", str(config)])
    assert rendered.exit_code == 0, rendered.output
    assert _feed_ids(tmp_path) == ["urn:newsml:efe.com:test:EMB1"]
