"""index.opml is a subscription list: one outline per edition and per section feed, at its RSS
feed, titled by edition name and language, no duplicates. Imported by a real reader (newsboat)
against feeds served on 127.0.0.1, each feed arrives once and brings its items."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, run_cli
from ingest.config import load_config
from syndicate.serve import FeedServer


def _sample_project(folder: Path, base_url: str = "http://localhost:8080") -> Path:
    shutil.copytree(REPO / "data" / "samples", folder / "data" / "samples")
    text = (REPO / "schedules.toml").read_text(encoding="utf-8")
    text = text.replace('base_url = "http://localhost:8080"', f'base_url = "{base_url}"', 1)
    assert base_url in text
    (folder / "schedules.toml").write_text(text, encoding="utf-8")
    return folder / "schedules.toml"


def _outlines(opml: Path) -> list[etree._Element]:
    root = etree.parse(str(opml)).getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    return root.findall("body/outline")


@pytest.mark.slow
def test_the_sample_run_opml_lists_each_feed_once(tmp_path: Path) -> None:
    config_path = _sample_project(tmp_path)
    assert run_cli("run-once", "-q", cwd=tmp_path).returncode == 0
    config = load_config(config_path)
    feeds = config.pipeline.feeds
    outlines = _outlines(feeds / "index.opml")
    published = sorted(p.parent.relative_to(feeds).as_posix() for p in feeds.rglob("rss.xml"))
    urls = [o.get("xmlUrl") for o in outlines]
    assert len(urls) == len(set(urls)) == len(published)
    assert sorted(u.removeprefix("http://localhost:8080/").removesuffix("/rss.xml")
                  for u in urls) == published
    titles = [o.get("title") for o in outlines]
    assert len(titles) == len(set(titles))
    names = {e.id: e for e in config.editions}
    for outline in outlines:
        assert outline.get("type") == "rss" and not len(outline)
        assert outline.get("text") == outline.get("title")
        edition = names[outline.get("category").split("/")[1]]
        assert edition.name in outline.get("title")
        assert outline.get("title").endswith(f"({', '.join(edition.languages)})")
        # the edition's (or section's) page on the site, beside its feeds
        assert outline.get("htmlUrl") == outline.get("xmlUrl").removesuffix("rss.xml")
        assert (feeds / outline.get("htmlUrl").removeprefix("http://localhost:8080/")
                / "index.html").is_file()
    # Every edition's main feed is there; the Swiss one names its three languages.
    assert {o.get("category") for o in outlines} >= {f"/{e}" for e in names}
    swiss = next(o for o in outlines if o.get("category") == "/ch")
    assert swiss.get("title") == "wirefeed — Switzerland (de, fr, it)"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("newsboat") is None,
                    reason="newsboat is not installed (Debian package 'newsboat'; .ci/run "
                           "installs it): the OPML import by a real reader is not checked")
def test_newsboat_imports_the_opml_and_gets_each_feed_once(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "data" / "feeds").mkdir(parents=True)
    server = FeedServer(site / "data" / "feeds", ("127.0.0.1", 0))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        base = server.url.rstrip("/")
        _sample_project(site, base)
        assert run_cli("run-once", "-q", cwd=site).returncode == 0
        opml = site / "data" / "feeds" / "index.opml"
        expected = {o.get("xmlUrl") for o in _outlines(opml)}
        home = tmp_path / "home"
        home.mkdir()
        (home / "config").write_text("", encoding="utf-8")
        env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
        env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                   XDG_DATA_HOME=str(home / ".local"), no_proxy="*", TERM="dumb")
        files = ["-u", str(home / "urls"), "-c", str(home / "cache.db"),
                 "-C", str(home / "config")]
        (home / "urls").write_text("", encoding="utf-8")
        imported = subprocess.run(["newsboat", *files, "-i", str(opml)], env=env,
                                  capture_output=True, text=True, timeout=60)
        assert imported.returncode == 0, imported.stdout + imported.stderr
        lines = [line.split()[0] for line in
                 (home / "urls").read_text(encoding="utf-8").splitlines() if line.strip()]
        assert sorted(lines) == sorted(expected) and len(lines) == len(set(lines))
        # The same list imported twice still gives each feed once.
        again = subprocess.run(["newsboat", *files, "-i", str(opml)], env=env,
                               capture_output=True, text=True, timeout=60)
        assert again.returncode == 0
        lines = [line.split()[0] for line in
                 (home / "urls").read_text(encoding="utf-8").splitlines() if line.strip()]
        assert len(lines) == len(set(lines)) == len(expected)
        reload = subprocess.run(["newsboat", *files, "-x", "reload"], env=env,
                                capture_output=True, text=True, timeout=120)
        assert reload.returncode == 0, reload.stdout + reload.stderr
        with sqlite3.connect(home / "cache.db") as db:
            feeds = dict(db.execute("SELECT rssurl, title FROM rss_feed"))
            items = db.execute("SELECT guid FROM rss_item").fetchall()
        # Each feed once, fetched and parsed (its title read from the feed itself).
        assert sorted(feeds) == sorted(expected) and all(feeds.values())
        # Every item of every served feed arrived, each once (an item shown by several
        # editions has one id, and newsboat keeps one copy of it).
        served: set[str] = set()
        for path in (site / "data" / "feeds").rglob("rss.xml"):
            served.update(etree.parse(str(path)).getroot().xpath("//item/guid/text()"))
        guids = [guid for (guid,) in items]
        assert len(served) > 30 and sorted(guids) == sorted(served)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
