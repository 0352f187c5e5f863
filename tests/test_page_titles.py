"""Page titles without the site's name, found across the <title>s of a host's pages, and the
title of a page that prints no headline (issue 17, deliver item 2).

A site that declares no ``og:site_name`` still ends (or starts) every ``<title>`` with its name;
a page source with several pages of one host finds it there. A prefix that many headlines
share ("Brexit: ...") is part of them, never a name.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

import pytest

from conftest import write_config
from localserver import Route

from ingest.archive import open_archive
from ingest.config import load_config
from ingest.pipeline import run_once
from normalize import parse_bytes
from normalize.errors import ParseError
from normalize.model import NoteKind
from normalize.page import page_host, shared_site_names, site_names_by_host, title_tag
from normalize.page.sites import host_names

NOW = datetime(2025, 3, 6, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("titles, names", [
    # A name after the headline: two pages are enough.
    (["Budget passes after a long night | Daily Post", "Storm hits the coast | Daily Post"],
     ["Daily Post"]),
    (["Le budget est adopté : Le Quotidien", "Tempête sur la côte : Le Quotidien"],
     ["Le Quotidien"]),
    (["Haushalt beschlossen – NACHRICHTEN – Tagesblatt",
      "Sturm an der Küste – Nachrichten – Tagesblatt",
      "Zinsen steigen – Wirtschaft – Tagesblatt"], ["Tagesblatt", "NACHRICHTEN"]),
    # One page without the name (a section front titled by its section) does not hide it.
    (["Budget passes | Daily Post", "Storm hits the coast | Daily Post", "Sport"],
     ["Daily Post"]),
    # Before the headline it takes three pages and two thirds of them.
    (["Daily Post - Budget passes", "Daily Post - Storm hits the coast",
      "Daily Post - Rates rise again"], ["Daily Post"]),
    (["Daily Post - Budget passes", "Daily Post - Storm hits the coast"], []),
    # Headlines that share a prefix: the prefix is theirs, with or without the site's name.
    (["Brexit: May wins the vote", "Brexit: May loses the vote", "Brexit: Labour splits"], []),
    (["Brexit: May wins the vote | Daily Post", "Brexit: May loses the vote | Daily Post",
      "Storm hits the coast | Daily Post"], ["Daily Post"]),
    (["Brexit - May wins the vote | Daily Post", "Brexit - May loses the vote | Daily Post",
      "Brexit - Labour splits | Daily Post"], ["Daily Post"]),
    (["Live: election results", "Live: storm updates"], []),
    (["Kommentar: Ein Titel", "Kommentar: Ein anderer Titel", "Analyse: Noch einer"], []),
    # Nothing shared, or one title many times (a site that titles every page with its name).
    (["Budget passes | Daily Post", "Storm hits the coast | Evening Star"], []),
    (["Daily Post", "Daily Post", " Daily  Post "], []),
    ([None, "", "Budget passes | Daily Post"], []),
])
def test_shared_site_names(titles: list, names: list[str]) -> None:
    assert shared_site_names(titles) == names


@pytest.mark.parametrize("url, names", [
    ("https://www.dw.com/en/a", ["dw.com", "dw"]),
    ("https://www.dailypost.co.uk/a", ["dailypost.co.uk", "dailypost"]),
    ("https://news.biglobe.ne.jp/a", ["news.biglobe.ne.jp", "biglobe"]),
    ("https://post.co/a", ["post.co", "post"]),
])
def test_host_names_skip_a_countrys_second_level_domain(url: str, names: list[str]) -> None:
    assert host_names(url) == names


def test_title_tag_reads_the_first_title_without_parsing_the_page() -> None:
    page = ("<!doctype html><html><head><titlebar>no</titlebar><title lang='pt'>Eleição &amp; "
            "posse\n  | Folha do Povo</title></head><body><svg><title>Ícone</title></svg>")
    assert title_tag(page.encode("utf-8")) == "Eleição & posse | Folha do Povo"
    assert title_tag(page.encode("latin-1", "replace")) == "Eleição & posse | Folha do Povo"
    assert title_tag(b"<html><body><p>No title</p></body></html>") is None
    assert title_tag(b"<title>  </title>") is None


def test_site_names_by_host_groups_pages_by_host_without_www() -> None:
    pages = [("https://www.post.example/a", b"<title>Budget passes | Daily Post</title>"),
             ("https://post.example/b", b"<title>Storm hits the coast | Daily Post</title>"),
             ("https://star.example/c", b"<title>Rates rise | Evening Star</title>"),
             ("https://[broken/d", b"<title>Odd | Daily Post</title>"),
             (None, b"<title>No address | Daily Post</title>")]
    assert site_names_by_host(pages) == {"post.example": ("Daily Post",)}
    assert page_host("https://WWW.Post.example:8080/x") == "post.example"
    assert page_host("https://[broken/d") == page_host(None) == ""


ARTICLE = """<p>Lawmakers approved the budget on Tuesday after a debate that lasted more than twelve
hours, sending it to the upper house for a final vote next week.</p>
<p>The government expects a comfortable majority there, and ministers said the first measures
would take effect at the start of next year.</p>"""


def page(title: str | None, headline: str | None, og_title: str | None = None) -> bytes:
    """An article page of a site that declares no og:site_name."""
    head = f"<title>{title}</title>" if title else ""
    head += f'<meta property="og:title" content="{og_title}">' if og_title else ""
    h1 = f"<h1>{headline}</h1>" if headline else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">{head}</head>
<body><nav><a href="/">Home</a> <a href="/politics">Politics</a></nav>
<article>{h1}{ARTICLE}</article></body></html>""".encode()


def test_a_page_sheds_the_site_names_it_is_given_and_keeps_its_title_without_them() -> None:
    long_name = "The Springfield Daily Post and Evening Courier"
    title = f"Central bank raises rates | {long_name}"
    data = page(title, None, og_title=title)
    url = "https://post.example/rates"
    # On its own, the page cannot tell its headline from a name longer than it.
    [alone] = parse_bytes(data, "page", url)
    assert alone.title == title
    [told] = parse_bytes(data, "page", url, site_names=(long_name,))
    assert told.title == "Central bank raises rates"
    # A name the page does not carry changes nothing.
    [other] = parse_bytes(data, "page", url, site_names=("Evening Star",))
    assert other.title == alone.title


def test_a_page_without_a_headline_takes_the_first_line_of_its_text() -> None:
    [record] = parse_bytes(page(None, None), "page", "https://post.example/untitled")
    assert record.title.startswith("Lawmakers approved the budget on Tuesday")
    assert record.title.endswith("…") and len(record.title) <= 120
    assert "the upper house for a final vote next week" in record.body_text
    assert [n.text for n in record.extra if n.kind is NoteKind.TITLE] == [
        "no headline on the page: the first paragraph of its text"]
    # A title from the page is no note's business.
    [titled] = parse_bytes(page("Budget passes", "Budget passes"), "page", "https://p.example/")
    assert titled.title == "Budget passes" and NoteKind.TITLE not in {n.kind for n in titled.extra}


def test_a_page_without_a_headline_and_a_line_of_text_holds_no_article() -> None:
    data = (b"<html><body><nav><a href='/'>Home</a></nav><p>Test page, please ignore.</p>"
            b"</body></html>")
    [record] = parse_bytes(data, "page", "https://post.example/test")
    assert record.status == "not-article"
    assert record.status_reason == "no headline, and only 25 characters of text"
    assert record.title == "Test page, please ignore." and record.body_text == ""
    # With no text at all there is nothing to call it.
    with pytest.raises(ParseError, match="no headline and no text"):
        parse_bytes(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "page",
                    "https://post.example/empty")


def test_a_page_source_strips_the_name_its_pages_share(tmp_path, server) -> None:
    name = "The Springfield Daily Post and Evening Courier"
    pages = {
        "/rates": page(f"Central bank raises rates | {name}", None,
                       og_title=f"Central bank raises rates | {name}"),
        "/storm": page(f"Storm hits the coast | {name}", "Storm hits the coast",
                       og_title=f"Storm hits the coast | {name}"),
        "/brexit": page(f"Brexit: May wins the vote | {name}", "Brexit: May wins the vote",
                        og_title=f"Brexit: May wins the vote | {name}"),
        "/untitled": page(None, None),
    }
    for path, body in pages.items():
        server.routes[path] = Route(body=body, content_type="text/html; charset=utf-8")
    urls = ", ".join(f'"{server.url(path)}"' for path in pages)
    path = write_config(tmp_path, f"""
        [[sources]]
        id = "post"
        kind = "page"
        urls = [{urls}]
        every = "1h"
        """)
    config = load_config(path)
    outcome = run_once(config, open_archive(config.pipeline.database), now=NOW).outcomes[0]
    assert outcome.status == "ok" and outcome.new == 4, outcome.reason
    with sqlite3.connect(config.pipeline.database) as db:
        rows = dict(db.execute("SELECT fetched_url, title FROM articles").fetchall())
        extra = dict(db.execute("SELECT fetched_url, extra FROM articles").fetchall())
    titles = {url.rsplit("/", 1)[1]: title for url, title in rows.items()}
    assert titles["rates"] == "Central bank raises rates"
    assert titles["storm"] == "Storm hits the coast"
    assert titles["brexit"] == "Brexit: May wins the vote"
    assert titles["untitled"].startswith("Lawmakers approved the budget")
    notes = json.loads(extra[server.url("/untitled")])
    assert ["title", "no headline on the page: the first paragraph of its text"] in notes


@pytest.mark.parametrize("declared, shown, title", [
    # Metadata typed plainly, the headline typeset: the headline's dashes and quotes win.
    ("Ferries - the late boat returns", "Ferries – the late boat returns",
     "Ferries – the late boat returns"),
    ('Mayor: "No more delays"', "Mayor: „No more delays“", "Mayor: „No more delays“"),
    # A headline set in capitals, or another text, does not replace the declared title.
    ("Ferries return", "FERRIES RETURN", "Ferries return"),
    ("Ferries return", "Ferries are back", "Ferries return"),
])
def test_the_title_takes_the_typography_the_headline_prints(declared: str, shown: str,
                                                            title: str) -> None:
    data = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title>
<meta property="og:title" content='{declared}'></head><body><article><h1>{shown}</h1>
<p>The harbour authority approved the new ferry timetable on Monday after a long
consultation with the island councils and the operators of the smaller boats.</p>
</article></body></html>""".encode()
    [article] = parse_bytes(data, "page", "https://gazette.example/a")
    assert article.title == title


def headline_page(head: str, top: str, article_top: str = "") -> bytes:
    """An article page with ``head`` in its <head>, ``top`` above the article (its header) and
    ``article_top`` at the top of the article."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">{head}</head>
<body><header>{top}<nav><a href="/">Home</a> <a href="/politics">Politics</a></nav></header>
<article>{article_top}{ARTICLE}</article></body></html>""".encode()


@pytest.mark.parametrize("head, top, article_top, title", [
    # The printed <h1> agrees with the declared title (two fifths of the words): it is taken
    # as printed, without the site's name the metadata carries.
    ('<title>Budget approved | Daily Post</title>'
     '<meta property="og:title" content="Budget approved after all-night session | Daily Post">',
     "", "<h1>Budget approved after an all-night session</h1>",
     "Budget approved after an all-night session"),
    # The site's logo set as an <h1>: in a logo box, or a link home alone.
    ('<meta property="og:title" content="Budget approved after all-night session">',
     '<div class="site-logo"><h1>Daily Post</h1></div>',
     "<h1>Budget approved after an all-night session</h1>",
     "Budget approved after an all-night session"),
    ("<title>Budget approved after an all-night session · Daily Post</title>",
     '<h1><a href="https://post.example/">Daily Post</a></h1>',
     "<h1>Budget approved after an all-night session</h1>",
     "Budget approved after an all-night session"),
    # A logo linking home through the Wayback Machine is a logo too.
    ("<title>Daily Post » Blog Archive » Budget approved after an all-night session</title>",
     '<h1><a href="https://web.archive.org/web/20140226054445/http://post.example/">'
     "Daily Post</a></h1>", "", "Budget approved after an all-night session"),
    # The <style> a CSS-in-JS page writes inside its <h1> is no part of the headline.
    ("<title>Budget approved after an all-night session</title>", "",
     "<h1><style>.c1{font-size:16px;display:block}</style><span class=c1>Parliament</span>"
     "Budget approved after an all-night session</h1>",
     "Budget approved after an all-night session"),
    # The box inside the <h1> marked as the headline holds it; the rest is a kicker.
    ('<meta property="og:title" content="Parliament, Rates: Budget approved after all-night session">', "",
     '<h1><span class="fake-h5">Parliament – Rates</span><span class="sr">: </span>'
     '<span class="headline">Budget approved after an all-night session</span></h1>',
     "Budget approved after an all-night session"),
    # A line set small inside the <h1> is no part of the headline.
    ("<title>Budget approved after an all-night session</title>", "",
     '<h1><span class="h1small">Parliament</span> Budget approved after an all-night session'
     "</h1>", "Budget approved after an all-night session"),
    ("<title>Daily Post</title>", "",
     "<h1>Budget approved after an all-night session <small>What it means</small></h1>",
     "Budget approved after an all-night session"),
    # A kicker inside the <h1>: marked as one, or told by the declared headline.
    ('<meta property="og:title" content="Budget approved after all-night session">', "",
     '<h1><span class="kicker">Parliament</span>: Budget approved after all-night session</h1>',
     "Budget approved after all-night session"),
    ('<meta property="og:title" content="Budget approved after all-night session">', "",
     "<h1>Parliament Budget approved after all-night session</h1>",
     "Budget approved after all-night session"),
    # The site's name or the date after the headline inside the <h1> goes; the rest of a
    # headline the metadata cut short stays.
    ('<meta property="og:title" content="Budget approved after all-night session">', "",
     "<h1>Budget approved after all-night session | Daily Post</h1>",
     "Budget approved after all-night session"),
    ('<meta property="og:title" content="Budget approved after all-night session">', "",
     "<h1>Budget approved after all-night session in the upper house</h1>",
     "Budget approved after all-night session in the upper house"),
    ('<meta property="og:title" content="Budget approved after all-night session">', "",
     "<h1>Budget approved after all-night session: what it means</h1>",
     "Budget approved after all-night session: what it means"),
    # The last part of the <title> is the site's name unless it is a question, or the site's
    # name comes first and the declared headline ends the <title>.
    ('<title>Lease, finance or buy – which pays?</title>'
     '<meta property="og:title" content="Lease, finance or buy – which pays?">', "", "",
     "Lease, finance or buy – which pays?"),
    ("<title>Harbour Notes: Ferries return - the late boat is back</title>"
     '<meta property="og:title" content="Ferries return - the late boat is back">', "", "",
     "Ferries return - the late boat is back"),
    # The page's (first) <h1> says something else than the declared title: the <h1>, unless
    # the page prints the declared title too (the <h1> then names the section).
    ('<meta property="og:title" content="Ferry timetables and fares">', "",
     "<h1>Budget approved after an all-night session</h1>",
     "Budget approved after an all-night session"),
    ('<meta property="og:title" content="Ferry timetables and fares">', "",
     "<h1>Budget approved after an all-night session</h1><aside><h1>Our newsletter: "
     "news in your inbox</h1></aside>", "Budget approved after an all-night session"),
    ('<meta property="og:title" content="Budget approved after an all-night session">', "",
     "<h1>Politics and the economy today</h1><h2>Budget approved after an all-night session"
     "</h2>", "Budget approved after an all-night session"),
    # After a dash only a name of the site goes; other words are the headline's.
    ('<meta property="og:title" content="Budget approved after all-night session">'
     '<meta property="og:site_name" content="Daily Post">', "",
     "<h1>Budget approved after all-night session - Daily Post</h1>",
     "Budget approved after all-night session"),
    ('<meta property="og:title" content="Budget approved after all-night session">', "",
     "<h1>Budget approved after all-night session - what it means for schools</h1>",
     "Budget approved after all-night session - what it means for schools"),
    # A headline of one word is a part of the declared title, not its site's name.
    ('<meta property="og:title" content="Penny - Harbour Wiki">', "", "<h1>Penny</h1>", "Penny"),
    # ... at an end of it: in its middle it names the section.
    ("<title>Daily Post - Politics » Budget approved after an all-night session</title>",
     "<h1>Politics</h1>", "<h2>Budget approved after an all-night session</h2>",
     "Budget approved after an all-night session"),
    # A hyphen that touches a word is no separator; "::" is one.
    ('<meta property="og:site_name" content="GdP">'
     '<meta property="og:title" content="GdP-Vize warns of police cuts">', "",
     "<h1>GdP-Vize warns of police cuts</h1>", "GdP-Vize warns of police cuts"),
    ("<title>Budget approved after an all-night session :: Daily Post</title>", "", "",
     "Budget approved after an all-night session"),
    # Nothing declared, an <h1> that says something else than the <title>: the <h1>, unless
    # the page prints the <title>'s headline too (the <h1> then names the section).
    ("<title>Daily Post</title>", "", "<h1>Budget approved after all-night session</h1>",
     "Budget approved after all-night session"),
    ("<title>Budget approved after all-night session</title>", "<h1>Politics Center</h1>",
     "<h2>Budget approved after all-night session</h2>",
     "Budget approved after all-night session"),
    # A pinned-site name that repeats the headline is no name of the site.
    ('<title>Budget approved after all-night session</title>'
     '<meta name="application-name" content="Budget approved after all-night session">',
     "", "<h1>Budget approved after all-night session</h1>",
     "Budget approved after all-night session"),
    # A script without spaces: the headline is one "word", the site's name goes all the same.
    ('<meta property="og:site_name" content="NEWS WEB EASY">'
     '<meta property="og:title" content="NEWS WEB EASY|子どもへの体罰を禁止する法律ができる">',
     "", "", "子どもへの体罰を禁止する法律ができる"),
    # ... and a hyphen or an underscore between two of its characters separates the parts.
    ("<title>子どもへの体罰を禁止する法律ができる！-新闻网</title>", "", "",
     "子どもへの体罰を禁止する法律ができる！"),
    ("<title>子どもへの体罰を禁止する法律ができる_教育_新闻网</title>", "", "",
     "子どもへの体罰を禁止する法律ができる"),
    # In Unicode's normal form C: U+09DC is written U+09A1 U+09BC.
    ("<title>\u098f\u09ae\u09aa\u09bf\u09b0 \u09ac\u09be\u09dc\u09bf\u09b0 "
     "\u09b8\u09be\u09ae\u09a8\u09c7\u0987</title>", "", "",
     "\u098f\u09ae\u09aa\u09bf\u09b0 \u09ac\u09be\u09a1\u09bc\u09bf\u09b0 "
     "\u09b8\u09be\u09ae\u09a8\u09c7\u0987"),
    # A separator with nothing after it goes.
    ("<title>Budget approved after an all-night session -</title>", "", "",
     "Budget approved after an all-night session"),
    # A "«" before the site's name at the end separates it.
    ('<title>Budget approved after an all-night session « Daily Post</title>'
     '<meta property="og:site_name" content="Daily Post">', "", "",
     "Budget approved after an all-night session"),
    # An og:title cut with an ellipsis gives way to the whole headline of the <title>.
    ('<title>Budget approved after an all-night session | Daily Post</title>'
     '<meta property="og:title" content="Budget approved after an all-ni…">', "", "",
     "Budget approved after an all-night session"),
    # Characters that print nothing go: a byte order mark, a word joiner.
    ('<meta property="og:title" content="\ufeffBudget approved after an all-\u2060night session">',
     "", "", "Budget approved after an all-night session"),
    # The site's name spelled by its logo's alt text goes from the declared title.
    ('<meta property="og:title" content="Budget approved after an all-night session - '
     'The Harbour Gazette">', '<div class="brand"><a href="/"><img src="/g.png" '
     'alt="The Harbour Gazette logo"></a></div>', "",
     "Budget approved after an all-night session"),
    # A longer name of the site goes whole before a shorter one it holds.
    ('<title>Budget approved after an all-night session - Politics - Daily Post</title>'
     '<meta property="og:site_name" content="Daily Post">',
     '<h1><a href="/">Politics - Daily Post</a></h1>', "",
     "Budget approved after an all-night session"),
    # An <h1> that is the brand box itself is the logo.
    ("<title>Budget approved after an all-night session » Daily Post</title>",
     '<h1 id="branding"><a href="/?lang=en"><span>Daily Post</span> <span>News from the '
     "harbour towns</span></a></h1>", "", "Budget approved after an all-night session"),
    # What the <h1> hides (an editor's button) is no part of the headline.
    ("<title>Budget approved after an all-night session</title>", "",
     '<h1>Budget approved after an all-night session <a href="/edit/1" '
     'style="display: none">Open in editor</a></h1>',
     "Budget approved after an all-night session"),
    # A box marked headline that holds the lesser part of the <h1> is its label (a place).
    ('<meta property="og:title" content="Harbourtown | Budget approved after all-night session">',
     "", '<h1><span class="headline">Harbourtown</span> Budget approved after all-night '
     "session</h1>", "Budget approved after all-night session"),
    # A box that holds a separator alone parts the kicker before it from the headline.
    ('<meta property="og:title" content="Parliament – Budget approved after all-night session">',
     "", '<h1><span class="c1">Parliament</span><span class="c2" aria-hidden="true"> – </span>'
     '<span class="c3">Budget approved after all-night session</span></h1>',
     "Budget approved after all-night session"),
    ("<title>Budget approved after all-night session</title>", "",
     '<h1><span>Budget approved after all-night session</span><span class="aural">: </span>'
     '<small>Parliament</small></h1>', "Budget approved after all-night session"),
    # ... the kicker being the shorter: a dash set apart inside one headline parts nothing.
    ('<meta property="og:title" content="Budget approved after all-night session – what now">',
     "", '<h1><span>Budget approved after all-night session</span><span class="dash"> – </span>'
     "<span>what now</span></h1>", "Budget approved after all-night session – what now"),
    # A class word that ends in a kicker's name marks one too.
    ('<meta property="og:title" content="Budget approved after all-night session">', "",
     '<h1><span class="articleoverline">Parliament</span> <span>Budget approved after '
     "all-night session</span></h1>", "Budget approved after all-night session"),
    # A declared title copied from the <title> is read as one: its longest part at a "::" or
    # a "|" is the headline.
    ('<title>Daily Post mobile :: Budget approved after an all-night session</title>'
     '<meta property="og:site_name" content="Daily Post">'
     '<meta property="og:title" content="Daily Post mobile :: Budget approved after an '
     'all-night session">', "", "", "Budget approved after an all-night session"),
    ('<title>Budget approved after an all-night session | Politics | Daily Post</title>'
     '<meta property="og:title" content="Budget approved after an all-night session | '
     'Politics | Daily Post">', "", "", "Budget approved after an all-night session"),
    # ... of two, a part of three words at most beside one twice as long names a section.
    ('<title>Budget approved after an all-night session | Harbour News - Daily Post</title>'
     '<meta property="og:title" content="Budget approved after an all-night session | '
     'Harbour News - Daily Post">', "", "", "Budget approved after an all-night session"),
    # The day of a news item set before its headline is no part of it.
    ('<meta property="og:title" content="23.01.2022 - Budget approved after all-night session">',
     "", "<h1>23.01.2022 - Budget approved after all-night session</h1>",
     "Budget approved after all-night session"),
    ("<title>2022-01-23 | Budget approved after all-night session</title>", "", "",
     "Budget approved after all-night session"),
    # The printed apostrophe is kept.
    ('<meta property="og:title" content="Venice doubles its visitors\' fee">', "",
     "<h1>Venice doubles its visitors’ fee</h1>", "Venice doubles its visitors’ fee"),
    # A button or a scripted link beside the headline in its <h1> is no part of it.
    ('<meta property="og:title" content="Budget approved after all-night session">', "",
     '<h1>Budget approved after all-night session <a href="#" class="watch">Add to ...</a>'
     "</h1>", "Budget approved after all-night session"),
    ("<title>Budget approved after all-night session</title>", "",
     "<h1>Budget approved after all-night session <button>Follow</button></h1>",
     "Budget approved after all-night session"),
    # An <h1> inside a link to another page is a teaser, not the page's headline.
    ('<meta property="og:title" content="Ferry timetables and fares">',
     '<a href="/economy/rates"><h1>Rates stay on hold for now</h1></a>',
     "<h1>Budget approved after an all-night session</h1>",
     "Budget approved after an all-night session"),
    # No <h1>: an <h2> that prints the declared title without its blog's and section's names.
    ('<meta property="og:title" content="Budget approved after an all-night session: '
     'Politics Blog: Daily Post">', "",
     '<h2 class="entry-title">Budget approved after an all-night session</h2>',
     "Budget approved after an all-night session"),
    # A short end of the title that starts or ends with the host's name is the site's name
    # (the page is on post.example).
    ('<meta property="og:title" content="Post Magazin | Budget approved after an all-night '
     'session">', "", "", "Budget approved after an all-night session"),
    # Soft hyphens the <h1> sets for line breaks do not keep it from agreeing with the
    # declared title, whose spelling is kept.
    ('<meta property="og:title" content="Messenger services are no lawless space">', "",
     "<h1>Mes\u00adsen\u00adger ser\u00advices are no law\u00adless space</h1>",
     "Messenger services are no lawless space"),
    # A short <h1> for screen readers alone, or a menu's <h1>, is no headline.
    ("<title>Daily Post</title>",
     '<h1 class="sr-only">Politics</h1><nav><h1>Navigation</h1></nav>',
     "<h1>Budget approved after an all-night session</h1>",
     "Budget approved after an all-night session"),
    # An <h1> that goes on in lower case after a colon is one sentence: the declared title
    # that is its end does not make its start a kicker.
    ('<meta property="og:title" content="How the minister shielded his deputy">', "",
     "<h1>Sabotage foiled: how the minister shielded his deputy</h1>",
     "Sabotage foiled: how the minister shielded his deputy"),
    # The last part of a title that a folder of the page's address names is its section's
    # (the page is at /politics/budget); a first part is the headline's.
    ('<meta property="og:title" content="Budget approved after an all-night session - '
     'Politics">', "", "", "Budget approved after an all-night session"),
    ('<meta property="og:title" content="Politics - what the budget means for schools">', "", "",
     "Politics - what the budget means for schools"),
    ("<title>Budget approved after an all-night session - Politics - Harbour Gazette</title>"
     '<meta property="og:site_name" content="Harbour Gazette">', "", "",
     "Budget approved after an all-night session"),
    # A full-width bar and a spaced tilde separate the site's name too.
    ("<title>子どもへの体罰を禁止する法律ができる｜新闻网のプレスリリース</title>", "", "",
     "子どもへの体罰を禁止する法律ができる"),
    ("<title>Budget approved after an all-night session ~ Harbour Notes</title>"
     '<meta property="og:title" content="Budget approved after an all-night session">', "", "",
     "Budget approved after an all-night session"),
    # The last part after a spaced "›" or "»" may be the site's name too.
    ("<title>Budget approved after an all-night session › Harbour Notes</title>"
     '<meta property="og:title" content="Budget approved after an all-night session › '
     'Harbour Notes">', "", "", "Budget approved after an all-night session"),
    # An og:title that ends with an ellipsis the <title> has before the site's name is whole.
    ('<title>Budget approved after all… | Harbour Notes for a good life</title>'
     '<meta property="og:title" content="Budget approved after all...">', "", "",
     "Budget approved after all…"),
    # "&" spells "and": the <title> signs with the site's name, it does not lengthen the headline.
    ("<title>Budget approved after an all-night session from Harbour and Home</title>"
     '<meta property="og:title" content="Budget approved after an all-night session">'
     '<meta property="og:site_name" content="Harbour & Home">', "", "",
     "Budget approved after an all-night session"),
    # Of the parts of a <title> the longest that is not the site's name is the headline.
    ("<title>Budget | Post Magazin Online</title>", "", "", "Budget"),
    # The <title> that signs the declared headline with the site's name does not lengthen it.
    ("<title>Budget approved after an all-night session by Daily Post</title>"
     '<meta property="og:title" content="Budget approved after an all-night session">'
     '<meta property="og:site_name" content="Daily Post">', "", "",
     "Budget approved after an all-night session"),
    # A short name in another script than the headline's, before or after it, is the site's
    # (a Latin brand beside a Cyrillic or Han headline); a topic with a number is not.
    ('<meta property="og:title" content="Harbour News - Бюджет принят после ночного '
     'заседания">', "", "", "Бюджет принят после ночного заседания"),
    ('<meta property="og:title" content="予算案が深夜の審議の末に可決 | Harbour News">', "",
     "", "予算案が深夜の審議の末に可決"),
    ('<meta property="og:title" content="COVID-19 - Бюджет принят после ночного заседания">',
     "", "", "COVID-19 - Бюджет принят после ночного заседания"),
    # A label in capitals beyond a bar is a section's name, whether the <h1> prints it or not.
    ('<meta property="og:title" content="Budget approved after an all-night session | '
     'COMMENTARY">', "", "<h1>Budget approved after an all-night session | COMMENTARY</h1>",
     "Budget approved after an all-night session"),
    # A headline its CMS escaped twice is read as it is meant to print.
    ("<title>Budget &amp;amp; taxes approved after an all-night session | Daily Post</title>",
     "", "", "Budget & taxes approved after an all-night session"),
    # A part of the title that a link of the page prints whole names its section, though the
    # address names no such folder.
    ("<title>Budget approved after an all-night session - World - Daily Post</title>"
     '<meta property="og:title" content="Budget approved after an all-night session - World '
     '- Daily Post">', '<a href="/w">WORLD</a>', "",
     "Budget approved after an all-night session"),
    # Before a colon, a name that spells the host's (post.example) is the site's.
    ("<title>Post: Budget approved after an all-night session</title>"
     '<meta property="og:title" content="Post: Budget approved after an all-night session">',
     "", "", "Budget approved after an all-night session"),
    # A blog's name after a "«"; but a "»" that closes a quote separates nothing.
    ("<title>Budget approved after an all-night session « Harbour Notes</title>", "", "",
     "Budget approved after an all-night session"),
    ("<title>Le maire a dit « non » au budget de la ville</title>", "", "",
     "Le maire a dit « non » au budget de la ville"),
    # A <title> that goes on after the printed headline's "?" with its dek: the <h1> is the
    # headline, though too short to share two fifths of either title's words.
    ("<title>Budget approved at last? Ministers and unions take stands on taxes - Daily Post"
     '</title><meta property="og:title" content="Writer: ministers grandstanding on taxes">',
     "", "<h1>Budget approved at last?</h1>", "Budget approved at last?"),
    # A headline printed in an <h2> with other hyphens and spaces than the declared one.
    ('<meta property="og:title" content="Budget approved after an allnight session">', "",
     '<h2 class="headline">Budget approved after an all-night session</h2>',
     "Budget approved after an all-night session"),
    # An <h1> marked as the alternative headline (one for search engines, which the <title>
    # repeats) is not the printed headline the microdata marks as such.
    ('<title>Budget vote | Daily Post</title>'
     '<meta property="og:title" content="Budget approved after an all-night session">', "",
     '<h1 itemprop="alternativeHeadline">Budget vote</h1>'
     '<h2 itemprop="headline">Budget approved after an all-night session</h2>',
     "Budget approved after an all-night session"),
    # An <h1> in a breadcrumb trail is its last crumb; the kicker marked in the <h2> that
    # prints the declared title is no part of the headline.
    ('<meta property="og:title" content="Parliament: Budget approved after an all-night '
     'session">', "",
     '<ol class="breadcrumbs"><li><a href="/">Home</a></li><li><h1>Parliament: Budget '
     'approved overnight</h1></li></ol><header><h2><span class="kicker">Parliament</span>'
     '<span class="sr-only">: </span><span>Budget approved after an all-night session</span>'
     '</h2></header>', "Budget approved after an all-night session"),
    # A subtitle box after the headline's first words in the <h1> goes on with it.
    ("<title>Budget approved: after an all-night session - Daily Post</title>", "",
     '<h1><span class="title__main">Budget approved</span><i class="title__delimiter">: </i>'
     '<i class="title__subtitle">after an all-night session</i></h1>',
     "Budget approved: after an all-night session"),
    # A site's name after a colon without spaces, in a title written without them.
    ("<title>予算案が深夜の審議で可決された:Post新聞</title>", "", "",
     "予算案が深夜の審議で可決された"),
    # A diary's name in the <h1> and first in the <title>, the entry's headline in an <h3>.
    ("<title>Harbour Diary - Budget approved after an all-night session</title>",
     "<h1>Harbour Diary</h1>", "<h3>■ Budget approved after an all-night session</h3>",
     "Budget approved after an all-night session"),
    # The page's <h1> is its logo: the <h2> of the article's header prints the headline, not
    # the declared title written for search engines.
    ('<meta property="og:title" content="You will not believe what parliament did last night">',
     '<div class="logo"><h1>Daily Post</h1></div>',
     "<header><h2>Budget approved after an all-night session</h2></header>",
     "Budget approved after an all-night session"),
    # A line break set in the <h1> prints a space between its words.
    ('<meta property="og:title" content="Budget approved after an all-night session">', "",
     "<h1>Budget approved<br>after an all-night session</h1>",
     "Budget approved after an all-night session"),
    ("<title>Budget approved after an all-night session | Daily Post</title>", "",
     "<h1>Budget approved<br/>after an <!-- x -->all-night session</h1>",
     "Budget approved after an all-night session"),
    # A quote before the headline and a colon opens it; it is no kicker.
    ('<meta property="og:title" content="Minister resigns after the budget vote">', "",
     '<h1>"A sad day": Minister resigns after the budget vote</h1>',
     '"A sad day": Minister resigns after the budget vote'),
    # The last crumb of a breadcrumb trail set as an <h1> (in <span>s, not a list) under the
    # article's own <h2>, which prints the declared title with other quotes.
    ('<meta property="og:title" content=\'"A sad day": Minister resigns after the vote\'>',
     '<div class="breadcrumbs"><span><a href="/">Home</a> » <span class="current">'
     '<h1>Minister resigns after the vote: "A sad day"</h1></span></span></div>',
     "<h2>“A sad day”: Minister resigns after the vote</h2>",
     "“A sad day”: Minister resigns after the vote"),
    # A section's or a place's name before a bar, in any case, is no part of the headline.
    ('<meta property="og:title" content="Opinion | Budget approved after an all-night session">',
     "", "", "Budget approved after an all-night session"),
    ('<meta property="og:title" content="Harbour | Budget approved after an all-night session">',
     "", "", "Budget approved after an all-night session"),
    # The "»" that closes a quote stays when the site's name goes after it.
    ('<meta property="og:title" content="The mayor says: «We will build the bridge» - Daily '
     'Post"><meta property="og:site_name" content="Daily Post">', "", "",
     "The mayor says: «We will build the bridge»"),
    # A full-width hyphen set apart parts a Japanese title from the site's name.
    ('<title>予算案が深夜の審議で可決された － Post新聞</title>'
     '<meta property="og:site_name" content="Post新聞">', "", "", "予算案が深夜の審議で可決された"),
    # A kicker the <h1> prints in a box of its own, without the colon the declared title has.
    ('<meta property="og:title" content="Harbour: Budget approved after an all-night session">',
     "", '<h1><span class="x1">Harbour</span> <span class="x2">Budget approved after an '
     'all-night session</span></h1>', "Budget approved after an all-night session"),
    # The title repeated as an <h1> over the share buttons, under the printed headline.
    ('<meta property="og:title" content="Harbour budget passes">', "",
     '<div class="article-text"><h2>Budget approved after an all-night session in the harbour '
     'council</h2><div class="column"><div class="share-article"><h3>Share this article:</h3>'
     "<h1>Harbour budget passes</h1></div></div></div>",
     "Budget approved after an all-night session in the harbour council"),
])
def test_the_title_is_the_printed_headline_without_the_sites_name(
        head: str, top: str, article_top: str, title: str) -> None:
    [record] = parse_bytes(headline_page(head, top, article_top), "page",
                           "https://post.example/politics/budget")
    assert record.title == title
