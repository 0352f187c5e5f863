"""The headline a reader sees, where the page's <h1> and metadata say something else (issue 17).

Each case is a page written here, shaped like a kind of real page the development corpora
showed us getting wrong: the <h1> is the last crumb of a breadcrumb trail, the metadata names
the kicker alone, and the headline the page prints is an <h2> with the kicker in a box of its
own.
"""

from __future__ import annotations

import pytest

from normalize import parse_bytes

TEXT = """<p>The harbour board approved the new ferry timetable on Monday after a long
consultation with the island councils and the operators of the smaller boats.</p>
<p>The first boats on the new timetable sail in March, and the board expects fewer
cancellations in the winter months than last year.</p>"""


def article_page(head: str, header: str, article_top: str) -> bytes:
    """A page with ``head`` in its <head>, ``header`` in the site's header and
    ``article_top`` above the text of its <article>."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">{head}</head>
<body><header><a href="/">Island Courier</a>{header}</header>
<article>{article_top}{TEXT}</article></body></html>""".encode()


CRUMB = ('<div class="site-breadcrumb"><a href="/">Home</a> <a href="/island">Island</a> '
         "<h1>{}</h1></div>")
HEADLINE = ('<h2><span class="story-overline">{}</span> '
            '<span class="story-headline">{}</span></h2>')


@pytest.mark.parametrize("head, header, article_top, title", [
    # The crumb <h1> says the headline for search engines; the metadata names the kicker alone;
    # the <h2> prints kicker and headline, each in a box of its own.
    ('<script type="application/ld+json">{"@type": "NewsArticle", '
     '"headline": "Ferry timetable"}</script>',
     CRUMB.format("Ferry timetable - new boats from March"),
     HEADLINE.format("Ferry timetable", "Fewer winter cancellations promised"),
     "Fewer winter cancellations promised"),
    # The metadata says an older headline; the headline's box is marked as such in microdata.
    ('<meta property="og:title" content="Harbour board meets on ferry plans">',
     CRUMB.format("Island news: the ferry report"),
     '<h2><span class="overline">Ferries</span> <span itemprop="headline">Harbour board '
     "approves the winter timetable</span></h2>",
     "Harbour board approves the winter timetable"),
    # Without a marked box, an <h2> that prints the declared title's words in order does.
    ('<meta property="og:title" content="Ferries: Harbour board approves the timetable">',
     CRUMB.format("Island news: the ferry report"),
     '<h2><span class="a1">Ferries</span> <span class="a2">Harbour board approves the '
     "timetable</span></h2>",
     "Harbour board approves the timetable"),
])
def test_a_crumb_h1_gives_way_to_the_printed_headline(head: str, header: str,
                                                       article_top: str, title: str) -> None:
    [record] = parse_bytes(article_page(head, header, article_top), "page",
                           "https://courier.example/island/ferry")
    assert record.title == title


def test_an_h2_marked_as_a_whole_stays_a_heading_of_the_text() -> None:
    # A section's heading in the text is marked "headline" too: the crumb <h1> stays.
    top = '<h2 class="paragraph-headline">What changes in winter?</h2>'
    data = article_page("<title>What the new ferry timetable changes - Island Courier</title>",
                        CRUMB.format("What the new ferry timetable changes"), top)
    [record] = parse_bytes(data, "page", "https://courier.example/island/ferry")
    assert record.title == "What the new ferry timetable changes"


def plain_page(title: str, body_top: str) -> bytes:
    """An old-style page: a <title>, no <h1>, nothing declared, ``body_top`` above its text."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
</head><body><div id="menu"><ul><li><a href="/">Start</a></li><li><a href="/boats">Boats</a>
</li></ul></div><div id="body">{body_top}{TEXT}</div></body></html>""".encode()


@pytest.mark.parametrize("title, body_top, headline", [
    # The <title> names the brigade and the section; the page prints its own headline.
    ("Harbour Fire Brigade - Training", "<h2>Crew training</h2>", "Crew training"),
    # The headline's place in the <title> left empty after the site's name.
    ("Island Ferry Enquiries -", "<h2>Replacement ferry services and travel advice</h2>",
     "Replacement ferry services and travel advice"),
    # Not one that shares no words with the <title>, nor a heading in a menu.
    ("Harbour Fire Brigade - Training", "<h2>Opening hours</h2>", "Harbour Fire Brigade"),
    ("Harbour Fire Brigade - Training",
     "<nav><h2>Training menu</h2></nav><h2>Crew training</h2>", "Crew training"),
])
def test_a_page_without_h1_or_metadata_takes_the_h2_that_agrees_with_its_title(
        title: str, body_top: str, headline: str) -> None:
    [record] = parse_bytes(plain_page(title, body_top), "page",
                           "https://brigade.example/boats/training.html")
    assert record.title == headline


def test_a_tagline_run_on_to_the_declared_headline_goes() -> None:
    # A theme that writes the blog's tagline after the headline with no separator, then again
    # after a bar; the tagline is the site's <h1> in its branding box.
    run_on = "Ferry timetable changesNews from the island harbour"
    head = (f"<title>{run_on} | News from the island harbour</title>"
            f'<meta property="og:title" content="{run_on} | News from the island harbour">')
    header = '<div class="site-branding"><h1 class="site-title">News from the island harbour</h1></div>'
    data = article_page(head, header, "<header><h1>Ferry timetable changes</h1></header>")
    [record] = parse_bytes(data, "page", "https://courier.example/?p=12")
    assert record.title == "Ferry timetable changes"


def test_a_note_in_parentheses_after_the_declared_headline_is_not_printed() -> None:
    # An issue's number after the declared headline; the page prints the headline alone.
    head = '<meta property="og:title" content="The harbour in winter (2024/5)">'
    data = plain_page("The harbour in winter (2024/5): Courier", "").replace(
        b"<title>The harbour in winter (2024/5): Courier</title>",
        f"<title>The harbour in winter (2024/5): Courier</title>{head}".encode()).replace(
        b'<div id="body">', b'<div id="body"><header><h2>The harbour in winter</h2></header>')
    [record] = parse_bytes(data, "page", "https://courier.example/harbour-in-winter-2024-5/")
    assert record.title == "The harbour in winter"


def test_the_headings_of_a_side_panels_menus_are_no_headline() -> None:
    # A wiki's side panel heads its menus with <h1>s of a word; the page's own headline is an
    # <h2> that agrees with its <title>.
    side = ('<div class="sidepanel"><h1>Page</h1><ul><li><a href="?edit">Edit</a></li></ul>'
            '<h1>User</h1><ul><li><a href="?login">Login</a></li></ul></div>')
    data = plain_page("Harbour/Timetable - Island Wiki", side + "<h2>Island timetable</h2>")
    [record] = parse_bytes(data, "page", "https://wiki.example/Harbour/Timetable")
    assert record.title == "Island timetable"


@pytest.mark.parametrize("placeholder", ["Loading", "Loading…", "Please wait...", "Wird geladen"])
def test_an_h1_a_script_fills_in_later_is_no_headline(placeholder: str) -> None:
    # A page whose script replaces the <h1>'s "Loading" with the article; the <title> names it.
    head = "<title>Harbour board approves the winter timetable on Island Courier</title>"
    data = article_page(head, "", f'<div class="app"><h1>{placeholder}</h1></div>')
    [record] = parse_bytes(data, "page", "https://courier.example/stable/2024")
    assert record.title == "Harbour board approves the winter timetable on Island Courier"


def test_an_old_wordpress_title_names_the_blog_before_its_archive() -> None:
    # "Blog » Blog Archive » Post": the <h1> is the blog's name, linking to the blog's front
    # page (not the host's); the post's title is a permalink <h2>.
    head = "<title>Harbour Notes » Blog Archive » Winter timetable</title>"
    header = '<h1><a href="https://courier.example/harbour-notes/">Harbour Notes</a></h1>'
    top = '<h2><a href="/harbour-notes/winter" rel="bookmark">Winter timetable</a></h2>'
    [record] = parse_bytes(article_page(head, header, top), "page",
                           "https://courier.example/harbour-notes/winter")
    assert record.title == "Winter timetable"


def test_a_three_word_h1_marked_as_the_works_title_beats_a_search_title() -> None:
    # The metadata says the headline written for search engines; the printed <h1> of three
    # words is marked as the work's title (RDFa's dc:title), a dek under it.
    head = ('<title>Why the harbour board changed the ferry plans - Island Courier</title>'
            '<meta property="og:title" content="Why the harbour board changed the ferry plans">')
    top = ('<h1 property="dc:title">The Ferry Rebels</h1>'
           '<h2 class="subhead">Islanders forced a new timetable on the board.</h2>')
    assert parse_bytes(article_page(head, "", top))[0].title == "The Ferry Rebels"
    # ... unmarked, three words may be a section's label: the declared headline stays
    top = '<h1>The Ferry Rebels</h1><h2 class="subhead">Islanders forced a new timetable.</h2>'
    assert parse_bytes(article_page(head, "", top))[0].title == \
        "Why the harbour board changed the ferry plans"
