"""schedules.toml validation: one error line naming the file, the key and the problem; exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, run_cli, write_config
from ingest.config import load_config, parse_interval
from ingest.errors import ConfigError


def test_shipped_config_has_the_twenty_editions() -> None:
    config = load_config(REPO / "schedules.toml")
    assert [(e.id, e.name) for e in config.editions] == [
        ("en", "Global Edition"), ("en-au", "Australia"), ("fr-be", "Belgique"),
        ("pt-br", "Brasil"), ("fr-ca", "Canada (fr)"), ("en-ca", "Canada (en)"),
        ("es-co", "Colombia"), ("de-de", "Deutschland"), ("es-es", "España"),
        ("fr-fr", "France"), ("en-in", "India"), ("en-ie", "Ireland"), ("it-it", "Italia"),
        ("es-419", "Latino"), ("es-mx", "México"), ("de-at", "Österreich"),
        ("en-za", "South Africa"), ("ch", "Switzerland"), ("en-gb", "United Kingdom"),
        ("en-us", "USA"),
    ]
    assert config.edition("ch").languages == ("de", "fr", "it")
    assert config.pipeline.items_per_feed == 50
    # relative paths resolve against the file's folder, not the working directory
    assert config.pipeline.database == REPO / "data" / "wire.db"


@pytest.mark.parametrize("sources, needle", [
    ('[[sources]]\nid = "a"\nkind = "feed"\npath = "x.xml"\nurll = "http://x"\n', "'urll': unknown key"),
    ('[[sources]]\nkind = "feed"\npath = "x.xml"\n', "'id': missing required key"),
    ('[[sources]]\nid = "a"\nkind = "feed"\npath = "x.xml"\n[[sources]]\nid = "a"\nkind = "feed"\npath = "y.xml"\n',
     "'id': duplicate source id"),
    ('[[sources]]\nid = "a"\nkind = "feed"\npath = "x.xml"\neditions = ["fr-xx"]\n', "unknown edition 'fr-xx'"),
    ('[[sources]]\nid = "a"\nkind = "rss"\npath = "x.xml"\n', "'kind': 'rss' is not one of"),
    ('[[sources]]\nid = "a"\nkind = "feed"\npath = "x.xml"\nevery = "soon"\n', "'every': 'soon' is not an interval"),
    ('[[sources]]\nid = "a"\nkind = "feed"\npath = "x.xml"\ncron = "61 * * * *"\n', "'cron'"),
    ('[[sources]]\nid = "a"\nkind = "feed"\npath = "x.xml"\ntimezone = "Mars/Olympus"\n', "unknown timezone"),
    ('[[sources]]\nid = "a"\nkind = "feed"\n', "exactly one of 'url' or 'path'"),
    ('[[rules]]\nplace = ["Mexico"]\nadd = ["es-zz"]\n', "unknown edition 'es-zz'"),
])
def test_invalid_config_is_one_line_naming_file_and_key(tmp_path: Path, sources: str, needle: str) -> None:
    path = write_config(tmp_path, sources)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert needle in str(caught.value)
    result = run_cli("check", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "schedules.toml" in lines[0] and needle in lines[0]


def test_a_misspelt_key_is_named_with_its_line_its_table_and_the_likely_key(tmp_path: Path) -> None:
    """The operator's typo: the line to edit, the source by its id, and the key meant."""
    path = write_config(tmp_path, """
        [[sources]]
        id = "efe"
        kind = "feed"
        path = "efe.xml"

        [[sources]]
        id = "dpa"
        kind = "feed"
        urll = "https://wire.example/dpa.xml"
        """)
    line = path.read_text(encoding="utf-8").splitlines().index('urll = "https://wire.example/dpa.xml"') + 1
    result = run_cli("check", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"ingest: error: schedules.toml:{line}: [[sources]] 'dpa' (#2): 'urll': unknown key "
        "(did you mean 'url'? allowed: agency, country, cron, editions, enabled, every, "
        "exclude_editions, fulltext, fulltext_max, id, jitter, keep, kind, language, path, "
        "sections, stale_after, timezone, url, urls)"]


@pytest.mark.parametrize("text, message", [
    ("[pipline]\nfeeds = 'x'\n", "schedules.toml:1: top level: 'pipline': unknown key (did you mean 'pipeline'?"),
    ("[pipeline]\nfeeds = 'x'\nitems_per_fed = 5\n", "schedules.toml:3: [pipeline]: 'items_per_fed': unknown key (did you mean 'items_per_feed'?"),
    ("[[editions]]\nid = 'fr'\nname = 'F'\nlanguages = ['fr']\ncover = ['MC']\n",
     "schedules.toml:5: [[editions]] 'fr' (#1): 'cover': unknown key (did you mean 'covers'?"),
    ("[[editions]]\nid = 'fr'\nname = 'F'\nlanguages = ['fr']\n\n[[rules]]\nname = 'r'\nadd = ['fr']\n"
     "places = ['Lyon']\n", "schedules.toml:9: [[rules]] 'r' (#1): 'places': unknown key (did you mean 'place'?"),
    ("[[editions]]\nid = 'fr'\nname = 'F'\nlanguages = ['fr']\n[[sources]]\nid = 'a'\nkind = 'feed'\n"
     "path = 'a.xml'\nevery = 'soon'\n", "schedules.toml:9: [[sources]] 'a' (#1): 'every': 'soon' is not an interval"),
    ("[[editions]]\nid = 'fr'\nname = 'F'\nlanguages = ['fr']\n[[sources]]\nID = 'a'\n",
     "schedules.toml:6: [[sources]] #1: 'ID': unknown key (did you mean 'id'?"),
])
def test_each_table_names_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "schedules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(message), str(caught.value)


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "schedules.toml"
    bad.write_text("[pipeline\n", encoding="utf-8")
    result = run_cli("check", "--config", str(bad), cwd=tmp_path)
    assert result.returncode == 2 and "not valid TOML" in result.stderr
    result = run_cli("run-once", "--config", str(tmp_path / "nope.toml"), cwd=tmp_path)
    assert result.returncode == 2 and "file not found" in result.stderr


def test_check_accepts_the_shipped_config() -> None:
    result = run_cli("check", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "20 editions" in result.stdout


@pytest.mark.parametrize("text, seconds", [("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400), (45, 45)])
def test_intervals(text, seconds) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["0m", "-5m", "5 minutes", "", True, "m"])
def test_bad_intervals(text) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)
