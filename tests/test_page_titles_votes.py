"""The headline when the page's titles disagree, settled by the rest of the page (issue 17).

Each case is a page written here, shaped like a kind of real page the development corpora
showed us getting wrong (the title misses of ``pages`` and ``postlight``, classified by hand).
"""

from __future__ import annotations

from normalize import parse_bytes

TEXT = """<p>The harbour board approved the new ferry timetable on Monday after a long
consultation with the island councils and the operators of the smaller boats.</p>
<p>The first boats on the new timetable sail in March, and the board expects fewer
cancellations in the winter months than last year.</p>"""


def page(head: str, top: str, bottom: str = "", url: str = "https://courier.example/a/1") -> str:
    """The title of a page with ``head`` in its <head>, ``top`` above its text and ``bottom``
    after its <article>."""
    data = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">{head}</head>
<body><header><a href="/">Island Courier</a></header>
<article>{top}{TEXT}</article>{bottom}</body></html>""".encode()
    [record] = parse_bytes(data, "page", url)
    return record.title


def test_a_teasers_line_in_a_footer_does_not_print_the_declared_title() -> None:
    # The metadata keeps a title for search engines; a card of related stories prints it in
    # its footer. The <h1> is the headline.
    head = ('<title>Shirts that start a conversation</title>'
            '<meta property="og:title" content="Shirts that start a conversation">')
    top = "<h1>Winter ferries: the board promises fewer cancellations this year</h1>"
    card = ('<div class="card"><a href="/a/2">Winter ferries</a>'
            '<footer><div class="byline">Shirts that start a conversation</div></footer></div>')
    assert page(head, top, card) == \
        "Winter ferries: the board promises fewer cancellations this year"
    # ... and a <title> that says something else, printed in an aside, neither.
    head = "<title>Shirts that start a conversation</title>"
    aside = '<aside><div class="teaser">Shirts that start a conversation</div></aside>'
    assert page(head, top, aside) == \
        "Winter ferries: the board promises fewer cancellations this year"
    # Printed in the article itself, the <title>'s headline wins as before (the <h1> names
    # the section there).
    assert page(head, "<h1>Island news</h1><h2>Shirts that start a conversation</h2>") == \
        "Shirts that start a conversation"


def test_an_h1_linking_to_the_pages_section_is_its_name() -> None:
    # "<h1><a href=/news/business/>Business Monday</a></h1>" above the headline's <h1>, on
    # /news/business/...: the first names the section.
    top = ('<h1 class="heading"><a href="https://courier.example/news/business/">Business Monday'
           "</a></h1><h1>Ferry operators say the winter timetable will cost them more</h1>")
    head = "<title>Island operators are asked about the ferries | Island Courier</title>"
    assert page(head, top, url="https://courier.example/news/business/story123.html") == \
        "Ferry operators say the winter timetable will cost them more"
    # A headline linking to the page itself, or to another page, is not a section's name.
    top = ('<h1><a href="https://courier.example/news/business/story123.html">Ferry operators '
           "say the winter timetable will cost them more</a></h1>")
    assert page(head, top, url="https://courier.example/news/business/story123.html") == \
        "Ferry operators say the winter timetable will cost them more"


def test_a_title_holding_the_h1_inside_a_part_gives_the_h1() -> None:
    # "Artist – Song Lyrics | Site" over an <h1> "Song", with the artist's name printed too:
    # the <title> holds the printed headline with more words around it.
    head = "<title>The Harbour Singers of Northport – Winter Ferry Lyrics | Island Songs</title>"
    top = ('<h1>Winter Ferry</h1><h2><a href="/artists/harbour">The Harbour Singers of '
           "Northport</a></h2><div class=artist>The Harbour Singers of Northport</div>")
    assert page(head, top) == "Winter Ferry"
    # An <h1> that is a whole part of the <title> between separators is a section's name,
    # which the headline the page prints elsewhere beats as before.
    head = "<title>Ferry timetable approved by the board | Island News | Island Courier</title>"
    top = "<h1>Island News</h1><h2>Ferry timetable approved by the board</h2>"
    assert page(head, top) == "Ferry timetable approved by the board"


def test_a_heading_with_the_date_in_it_prints_the_declared_title() -> None:
    # A blog prints its post's title in an <h2> that starts with the day; its side tray holds
    # an <h1> of its own. The declared title is printed: it is the headline.
    head = ('<meta property="og:title" content="The ferry at dawn: a morning on the island">'
            "<title>Island Diary - notes from the harbour</title>")
    top = ('<div class="sidetray"><h1>Why not now, if not now...</h1></div>'
           '<h2 class="entry-title"><time datetime="2024-06-17">Jun 17 </time>The ferry at '
           "dawn: a morning on the island</h2>")
    assert page(head, top) == "The ferry at dawn: a morning on the island"
