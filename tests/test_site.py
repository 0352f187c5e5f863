"""The site a person sees: the sample run's pages read back by html5lib, lxml's XSLT and Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import html5lib
import pytest
from lxml import etree

from conftest import REPO, run_cli
from normalize.model import Article, Dateline, Image
from syndicate import site

T0 = datetime(2025, 8, 21, 9, 30, tzinfo=timezone.utc)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def feeds(tmp_path_factory) -> Path:
    """The feeds folder of ``ingest run-once`` on the bundled sample wire."""
    folder = tmp_path_factory.mktemp("site")
    shutil.copytree(REPO / "data" / "samples", folder / "data" / "samples")
    shutil.copy(REPO / "schedules.toml", folder / "schedules.toml")
    done = run_cli("run-once", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder / "data" / "feeds"


def parse_strict(data: bytes):
    """Parse ``data`` as HTML5, failing on any parse error (what a browser would repair)."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(data)


def pages(feeds: Path) -> list[Path]:
    return sorted(feeds.rglob("index.html"))


def test_every_page_is_valid_html5_with_a_language(feeds):
    found = pages(feeds)
    editions = [path for path in found if path.parent.parent == feeds]
    assert len(editions) == 20 and (feeds / "index.html") in found
    assert any(len(path.relative_to(feeds).parts) == 3 for path in found)  # a section page
    for path in found:
        root = parse_strict(path.read_bytes())
        assert root.get("lang"), path
    france = parse_strict((feeds / "fr-fr" / "index.html").read_bytes())
    assert france.get("lang") == "fr"
    assert all(item.get("lang") for item in france.iter("article"))


def test_links_are_relative_and_lead_to_files_that_exist(feeds):
    """The site works under any host, port and base_url: no page links to itself absolutely."""
    for path in pages(feeds):
        root = parse_strict(path.read_bytes())
        page_url = "http://site.invalid/" + path.relative_to(feeds).as_posix()
        for element in root.iter():
            target = element.get("href") if element.tag in ("a", "link") else None
            if not target:
                continue
            if urlsplit(target).scheme:  # an article's own page on the publisher's site
                assert element.tag == "a" and "feeds.example.org" not in target, (path, target)
                continue
            resolved = urlsplit(urljoin(page_url, target)).path.lstrip("/")
            local = feeds / resolved
            if target.endswith("/"):
                local = local / "index.html"
            assert local.is_file(), (path, target)


def test_edition_page_offers_its_own_three_feeds_only(feeds):
    root = parse_strict((feeds / "fr-fr" / "index.html").read_bytes())
    alternates = [link for link in root.iter("link") if link.get("rel") == "alternate"]
    assert sorted(link.get("href") for link in alternates) == ["atom.xml", "feed.json", "rss.xml"]
    home = parse_strict((feeds / "index.html").read_bytes())
    assert not [link for link in home.iter("link") if link.get("rel") == "alternate"]


def test_edition_page_shows_what_a_reader_expects(feeds):
    """Headline, byline, dateline, agency, local date, lead image with caption and credit."""
    text = (feeds / "fr-fr" / "index.html").read_text(encoding="utf-8")
    root = parse_strict(text.encode())
    items = list(root.iter("article"))
    assert items
    figure = next(item.find(".//figure") for item in items if item.find(".//figure") is not None)
    image = figure.find("img")
    caption = "".join(figure.find("figcaption").itertext())
    assert image.get("alt") and image.get("alt") in caption
    assert figure.find(".//span[@class='credit']") is not None
    assert any(item.find(".//span[@class='byline']") is not None for item in items)
    assert any(item.find(".//span[@class='agency']") is not None for item in items)
    # Dates in French, in Paris time: "21 août 2025, 11:30" for 09:30 UTC.
    times = [element for element in root.iter("time")]
    assert times and all(re.search(r"\d{4}, \d{2}:\d{2}$", element.text) for element in times)


def test_home_page_lists_every_edition_with_count_and_update(feeds):
    root = parse_strict((feeds / "index.html").read_bytes())
    cards = [element for element in root.iter("li") if element.get("class") == "edition-card"]
    assert len(cards) == 20
    for card in cards:
        link = card.find(".//h2/a")
        assert re.fullmatch(r"[a-z0-9-]+/", link.get("href"))
        assert re.search(r"\d+ items?", "".join(card.itertext()))


def test_dates_follow_the_edition_locale_and_zone():
    assert site.local_date(T0, "fr_FR", site.edition_zone("fr-fr")) == "21 août 2025, 11:30"
    assert site.local_date(T0, "en_US", site.edition_zone("en-us")) == "Aug 21, 2025, 5:30\u202fAM" \
        or site.local_date(T0, "en_US", site.edition_zone("en-us")) == "Aug 21, 2025, 5:30 AM"
    assert site.edition_locale("ch", ("de", "fr", "it")) == "de_CH"
    assert site.edition_locale("es-419", ("es",)) == "es_419"
    assert site.edition_zone("en").key == "UTC"


HOSTILE = Article(
    id="x1", guid="x1", source="evil", title='<script>alert("t")</script>Headline',
    url="javascript:alert(1)", summary='<img src=x onerror="alert(2)">Lead & more',
    authors=('<b onmouseover="alert(3)">Eve</b>',), agency="<i>AG</i>",
    dateline=Dateline(text='"><script>alert(4)</script>'),
    images=(Image(url="javascript:alert(5)", caption='" onload="alert(6)'),
            Image(url="https://img.example/a.jpg", caption="x")),
    published=T0, language='fr" onclick="alert(7)',
)


def test_no_markup_from_a_record_reaches_a_page_unescaped():
    page = site.EditionPage("fr-fr", "France <b>", ("fr",), (HOSTILE,),
                            sections=(site.Section("a\"b", "<s>Sec</s>"),))
    for data in (site.render_edition(page, "wire<feed>", [page]),
                 site.render_index([page], "wire<feed>")):
        root = parse_strict(data)
        for element in root.iter():
            assert element.tag not in ("script", "iframe", "object", "embed", "b", "i", "s"), \
                element.tag
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (element.tag, name)
                assert "javascript:" not in value.lower(), (element.tag, name, value)
        assert b"<script" not in data.lower()


def test_pages_are_deterministic():
    page = site.EditionPage("fr-fr", "France", ("fr",), (HOSTILE,))
    assert site.render_edition(page, "w", [page]) == site.render_edition(page, "w", [page])


def test_feeds_carry_a_stylesheet_that_renders_them_as_a_page(feeds):
    """The XSL views (applied here by lxml, as a browser would) show the channel and its items;
    feed readers are unaffected: the feeds still parse and the stylesheet is a plain PI."""
    import feedparser

    for fmt, filename in (("rss", "rss.xml"), ("atom", "atom.xml")):
        for path in (feeds / "fr-fr" / filename, feeds / "fr-fr" / "international" / filename):
            document = etree.parse(str(path))
            instruction = document.getroot().getprevious()
            assert instruction is not None and instruction.target == "xml-stylesheet"
            href = instruction.get("href")
            stylesheet = (path.parent / href).resolve()
            assert stylesheet == (feeds / f"{fmt}.xsl").resolve()
            view = etree.XSLT(etree.parse(str(stylesheet)))(document)
            html = etree.tostring(view, method="html", encoding="unicode")
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo
            assert parsed.entries and all(entry.title in html for entry in parsed.entries[:5]
                                          if "&" not in entry.title and "<" not in entry.title)
            assert "site.css" in html
    assert (feeds / "site.css").stat().st_size < 8000


# --- in a real browser --------------------------------------------------------------------------

class Browser:
    """Headless Chromium driven over the DevTools protocol (websocket-client)."""

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", "--remote-debugging-port=0"]

    def __init__(self, profile: Path):
        self.process = subprocess.Popen([CHROMIUM, *self.FLAGS, f"--user-data-dir={profile}",
                                         "about:blank"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        endpoint = None
        for line in self.process.stderr:
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                endpoint = match.group(1)
                break
        assert endpoint, "Chromium did not open its DevTools endpoint"
        threading.Thread(target=self.process.stderr.read, daemon=True).start()
        import urllib.request

        port = urlsplit(endpoint).port
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as answer:
            target = next(t for t in json.load(answer) if t["type"] == "page")
        import websocket

        self.socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60,
                                                  suppress_origin=True)
        self.next_id = 0
        self.call("Page.enable")

    def call(self, method: str, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message.get("result", {})

    def open(self, url: str, width: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=900,
                  deviceScaleFactor=1, mobile=width < 600)
        self.call("Page.navigate", url=url)
        while True:
            message = json.loads(self.socket.recv())
            if message.get("method") == "Page.loadEventFired":
                return

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=30)


def wait_until_listening(port: int, process: subprocess.Popen) -> None:
    """Return once 127.0.0.1:``port`` accepts connections (the server is up), whatever it takes."""
    for _ in range(600):
        assert process.poll() is None, "ingest serve exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("ingest serve never listened")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (Debian package 'chromium'; "
                                         ".ci/run installs it)")
def test_a_person_sees_headline_caption_and_credit_without_horizontal_scroll(feeds, tmp_path):
    port = free_port()
    folder = feeds.parent.parent
    server = subprocess.Popen(
        [sys.executable, "-m", "ingest", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=folder, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    browser = None
    try:
        wait_until_listening(port, server)
        browser = Browser(tmp_path / "profile")
        expected = parse_strict((feeds / "fr-fr" / "index.html").read_bytes())
        headline = "".join(next(expected.iter("h2")).itertext()).strip()
        for width in (375, 1280):
            browser.open(f"http://127.0.0.1:{port}/fr-fr/", width)
            seen = browser.evaluate("""({
                headline: document.querySelector('.item .headline').innerText.trim(),
                caption: document.querySelector('.item figcaption .caption').innerText,
                credit: document.querySelector('.item figcaption .credit').innerText,
                scroll: document.documentElement.scrollWidth,
                width: window.innerWidth,
                lang: document.documentElement.lang,
                css: getComputedStyle(document.querySelector('.masthead')).backgroundColor
            })""")
            assert seen["headline"] == headline
            assert seen["caption"] and seen["credit"]
            assert seen["scroll"] <= seen["width"], (width, seen)
            assert seen["lang"] == "fr" and seen["css"] == "rgb(11, 79, 138)"  # site.css applied
        # A feed opened in the browser reads as a page of the site (its XSL stylesheet).
        for feed in ("rss.xml", "atom.xml"):
            browser.open(f"http://127.0.0.1:{port}/fr-fr/{feed}", 375)
            view = browser.evaluate("""({
                headline: (document.querySelector('.item .headline') || {}).innerText,
                css: getComputedStyle(document.body).fontFamily,
                scroll: document.documentElement.scrollWidth <= window.innerWidth
            })""")
            assert view["headline"] and view["headline"].strip() in (feeds / "fr-fr" / feed).read_text(
                encoding="utf-8").replace("&amp;", "&"), (feed, view)
            assert "system-ui" in view["css"] and view["scroll"], (feed, view)
        browser.open(f"http://127.0.0.1:{port}/", 375)
        assert browser.evaluate("document.querySelectorAll('.edition-card').length") == 20
        assert browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        if browser:
            browser.close()
        server.terminate()
        server.wait(timeout=30)
