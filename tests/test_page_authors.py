"""Page bylines (issue 17): which of the places a page names its authors in is believed.

Each case is a small invented page. The record's ``authors`` are read as the pipeline reads
them: the page parser, then the wire conventions (:func:`normalize.wire.enrich`), which split
a printed byline into persons.
"""

from __future__ import annotations

import pytest

from normalize import parse_bytes, wire
from normalize.bylines import parse_byline

STORY = ("<p>The harbour authority approved the new ferry timetable on Monday after a long "
         "consultation with the island councils and the operators of the smaller boats.</p>"
         "<p>Crossings will run every forty minutes in summer, and the last boat of the day "
         "leaves the mainland an hour later than before, the authority said.</p>"
         "<p>Residents had asked for a later crossing for years; the councils welcomed the "
         "change but said the winter timetable still leaves the islands cut off at night.</p>")


def page(head: str = "", before: str = "", after: str = "", outside: str = "",
         title: str = "Ferries run later this summer | Harbour Gazette") -> bytes:
    """An article page of the Harbour Gazette: ``head`` goes into <head>, ``before`` and
    ``after`` around the story inside <article>, ``outside`` after the article."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><meta property="og:site_name" content="Harbour Gazette">{head}</head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Ferries run later this summer</h1>{before}{STORY}{after}</article>
{outside}<footer><p>Harbour Gazette, 4 Quay Street</p></footer></body></html>""".encode()


def authors(data: bytes, url: str = "https://gazette.example/news/ferries") -> tuple[str, ...]:
    [article] = parse_bytes(data, "page", url)
    return wire.enrich(article).authors


# --- 1. The site's name does not hide a printed byline -------------------------------------

def test_a_declared_author_that_is_the_site_does_not_hide_the_printed_byline() -> None:
    head = '<meta name="author" content="Harbour Gazette">'
    assert authors(page(head, before='<p class="byline">By Maren Holt</p>')) == ("Maren Holt",)
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferries",'
          ' "author": {"@type": "Organization", "name": "Harbour Gazette"}}</script>')
    assert authors(page(ld, before='<p>By Maren Holt</p>')) == ("Maren Holt",)


def test_a_declared_person_the_page_prints_still_wins_over_the_byline_element() -> None:
    head = '<meta name="author" content="Tomas Berg">'
    box = '<aside class="author-bio"><p>Tomas Berg covers the islands.</p></aside>'
    assert authors(page(head, before='<p class="byline">By Maren Holt</p>',
                        outside=box)) == ("Tomas Berg",)


def test_a_declared_person_the_page_prints_nowhere_gives_way_to_the_byline() -> None:
    # WordPress with an SEO plugin declares the account that posted the story.
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
          '{"@type": "NewsArticle", "headline": "Ferries", "author": {"@id": "#editor"}},'
          '{"@type": "Person", "@id": "#editor", "name": "Tomas Berg"}]}</script>')
    byline = ('<p class="byline">By <a rel="author" href="/author/maren-holt">Maren Holt</a> and '
              '<a rel="author" href="/author/ola-lind">Ola Lind</a></p>')
    assert authors(page(ld, before=byline)) == ("Maren Holt", "Ola Lind")
    # ... but not to a dateline's place in the byline box, nor to the same writer spelled
    # otherwise.
    head = '<meta name="author" content="Tomas Berg">'
    assert authors(page(head, before='<p class="byline">Stockholm</p>')) == ("Tomas Berg",)
    assert authors(page(head, before='<p class="byline">By T. Berg</p>')) == ("Tomas Berg",)


# --- 6. A paper's page whose only author is the site names no author ------------------------

def test_a_papers_page_whose_only_author_is_the_site_credits_the_site() -> None:
    # The paper credits itself and nobody else: that is its byline, as declared and printed.
    head = '<meta name="author" content="Harbour Gazette">'
    assert authors(page(head)) == ("Harbour Gazette",)
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferries",'
          ' "author": {"@type": "Organization", "name": "Harbour Gazette"}}</script>')
    assert authors(page(ld, before='<p class="byline">By Harbour Gazette</p>')) == \
        ("Harbour Gazette",)


def test_a_personal_site_or_an_agency_whose_only_author_is_the_site_keeps_its_name() -> None:
    # A news agency's own copy: the agency is its author.
    wire_page = page('<meta name="author" content="Reuters">',
                     title="Ferries run later this summer | Reuters").replace(
        b"Harbour Gazette", b"Reuters")
    assert authors(wire_page, "https://www.reuters.com/news/ferries") == ("Reuters",)
    # ... named in its own script on its own site.
    tass = page('<meta name="author" content="ТАСС">',
                title="Ferries run later this summer - ТАСС").replace(
        b"Harbour Gazette", "ТАСС".encode())
    assert authors(tass, "https://tass.ru/news/1") == ("ТАСС",)
    # A one-person blog: the site is its author's name, found in the <title>.
    blog = page('<meta name="author" content="Ida Lund">',
                title="Notes on the ferry timetable - Ida Lund")
    assert authors(blog, "https://idalund.example/notes") == ("Ida Lund",)


# --- 2. No byline from comments, tag lists or breadcrumbs ----------------------------------

COMMENTS = """<section id="comments" class="comments-area"><ol class="comment-list">
<li class="comment"><div class="comment-author vcard"><b class="fn">Pelle Ek</b> says:</div>
<p>About time too.</p></li></ol>
<div id="respond"><form><p class="comment-form-author"><label for="author">Name</label>
<input id="author" name="author"></p></form></div></section>"""


def test_comments_give_no_byline() -> None:
    assert authors(page(outside=COMMENTS)) == ()
    assert authors(page(before='<p class="byline">By Maren Holt</p>', outside=COMMENTS)) == \
        ("Maren Holt",)


def test_tag_lists_and_breadcrumbs_give_no_byline() -> None:
    tags = ('<div class="post-tags"><a class="author" href="/tag/ferries" rel="tag">Ferries'
            '</a></div>')
    crumbs = ('<ol class="breadcrumbs"><li><a href="/author/desk/" class="author">News Desk'
              '</a></li></ol>')
    assert authors(page(after=tags)) == ()
    assert authors(page(before=crumbs)) == ()


def test_a_bylines_category_links_are_not_names() -> None:
    meta = ('<div class="post-meta author">By <span>Maren Holt</span> in '
            '<a href="/c/islands" rel="category tag">Islands</a></div>')
    assert authors(page(before=meta)) == ("Maren Holt",)


def test_a_tagged_wordpress_post_still_has_its_byline() -> None:
    """WordPress marks a post ``tag-<keyword>``: that is no tag list."""
    data = page(before='<p class="byline">By Maren Holt</p>').replace(
        b"<article>", b'<article class="post type-post tag-ferries tag-islands">')
    assert authors(data) == ("Maren Holt",)


# --- 3. Byline labels -------------------------------------------------------------------------

@pytest.mark.parametrize("line, name", [
    ("Posted by Maren Holt", "Maren Holt"), ("Post author By Maren Holt", "Maren Holt"),
    ("Written by Maren Holt", "Maren Holt"), ("Erstellt von Jonas Keller", "Jonas Keller"),
    ("Geschrieben von Jonas Keller", "Jonas Keller"), ("Publié par Lise Marchand", "Lise Marchand"),
    ("Publicado por Ana Prieto", "Ana Prieto"), ("Scritto da Marco Sala", "Marco Sala"),
    ("Geplaatst door Joris Smit", "Joris Smit"), ("Interview: Jonas Keller", "Jonas Keller"),
    ("Zeige alle Beiträge von Jonas Keller", "Jonas Keller"),
    ("View all posts by Maren Holt", "Maren Holt"), ("© Maren Holt", "Maren Holt"),
])
def test_byline_labels(line: str, name: str) -> None:
    assert parse_byline(line)[0] == (name,)
    assert authors(page(before=f'<p class="byline">{line}</p>')) == (name,)


# --- 4. Dates and post-nominal letters are no part of a name --------------------------------

@pytest.mark.parametrize("line, names", [
    ("By Maren Holt March 25, 2024", ("Maren Holt",)),
    ("Von Jonas Keller am 21. April 2024", ("Jonas Keller",)),
    ("Jonas Keller Stand: 05.02.2024", ("Jonas Keller",)),
    ("Posted by Maren Holt on 26/10/24, 03:48 pm", ("Maren Holt",)),
    ("Maren Holt, PhD", ("Maren Holt",)), ("By Maren Holt, MA, RD", ("Maren Holt",)),
    ("Tomas Berg, PhD, and Maren Holt, MD", ("Tomas Berg", "Maren Holt")),
    # An initial keeps its period; names that are months or post-nominals stay names.
    ("By Joe S.", ("Joe S.",)), ("Perry Blake Jr.", ("Perry Blake Jr.",)),
    ("April Marsh", ("April Marsh",)), ("Jack Ma", ("Jack Ma",)),
])
def test_dates_and_degrees_are_cut_from_bylines(line: str, names: tuple[str, ...]) -> None:
    assert parse_byline(line)[0] == names


def test_a_byline_with_its_date_on_a_page() -> None:
    assert authors(page(before='<p class="byline">By Maren Holt 25 March 2024</p>')) == \
        ("Maren Holt",)


# --- 5. An author line after the text, as a last resort --------------------------------------

def test_an_author_line_after_the_text() -> None:
    assert authors(page(after="<p>Text: Maren Holt</p>")) == ("Maren Holt",)
    signed = "<p>The councils meet again in May.<br>Von Jonas Keller</p>"
    assert authors(page(after=signed)) == ("Jonas Keller",)
    assert authors(page(outside="<p>By Maren Holt and Tomas Berg</p>")) == \
        ("Maren Holt", "Tomas Berg")


def test_an_author_line_after_the_text_comes_last() -> None:
    assert authors(page(before='<p class="byline">By Tomas Berg</p>',
                        after="<p>Text: Maren Holt</p>")) == ("Tomas Berg",)
    # A sentence that starts like a byline is none.
    assert authors(page(after="<p>By the end of May, the ferries run late.</p>")) == ()


def test_an_article_line_with_its_date_and_time_above_the_text() -> None:
    line = '<div class="metaInfo">Ein Artikel von <b>Jonas Keller</b> | 27.01.2024 - 12:45</div>'
    assert authors(page(before=line)) == ("Jonas Keller",)


# --- Bylines that are user names or page furniture --------------------------------------------

@pytest.mark.parametrize("line, names", [
    # A blog prints its author's user name.
    ("gullwing", ("gullwing",)), ("von harbourfox", ("harbourfox",)),
    # With digits in it; a date, a count or a phone number is still none.
    ("freeman1984", ("freeman1984",)), ("by Marianne1", ("Marianne1",)), ("Mai 2020", ()),
    ("12 comments", ()), ("Tel. 040 123", ()),
    # A leading date keeps the byline after it.
    ("Posted on May 2, 2024 by Maren Holt", ("Maren Holt",)),
    ("Publié le 3 mars 2024 par Yann Le Goff", ("Yann Le Goff",)),
    ("Am 21. April 2024, 14:30 Uhr von Jonas Keller", ("Jonas Keller",)),
    ("Posted on May 2, 2024 in Sports", ()),
    # The writer who also took the pictures.
    ("Text & Fotos: Jonas Keller", ("Jonas Keller",)),
    ("Text und Interview: Jonas Keller", ("Jonas Keller",)),
    # Roles, newsrooms and content-system accounts are no person.
    ("editor", ()), ("redacción", ()), ("admin", ()), ("Super User", ()), ("publisher", ()),
    # Buttons and links printed in the byline element.
    ("Maren Holt Edit", ("Maren Holt",)), ("Follow", ()), ("Alle Artikel", ()),
])
def test_user_names_and_furniture(line: str, names: tuple[str, ...]) -> None:
    assert parse_byline(line)[0] == names


def test_a_byline_element_with_no_name_does_not_stop_the_search() -> None:
    follow = '<div class="author-info"><a href="/follow">Follow</a></div>'
    assert authors(page(before=follow, after="<p>Text: Maren Holt</p>")) == ("Maren Holt",)


# --- Bylines printed without telling markup, outside the text ---------------------------------

@pytest.mark.parametrize("line, names", [
    # A label and the name in elements of their own, in a meta line with other fields.
    ('<div class="meta"><span>Local</span> | <span>By</span><a href="/staff/7">Maren Holt</a>'
     ' | <time>May 2, 2024</time></div>', ("Maren Holt",)),
    ('<ul class="hero"><li><span>\n  von Jonas Keller\n</span></li></ul>', ("Jonas Keller",)),
    ('<p><strong>Autor:</strong> <a href="/p/9">Ana Ruiz</a></p>', ("Ana Ruiz",)),
    # The label in an element of its own, the name its tail, in a longer paragraph.
    ("<p>The series goes on next week with the winter timetable and the night boats.<br>"
     "<strong>Text:</strong> Maren Holt<br><strong>Photos:</strong> Jonas Keller</p>",
     ("Maren Holt",)),
    # The date first, the byline after it.
    ('<div class="gallery-meta">Posted on September 21, 2024 by Maren Holt</div>',
     ("Maren Holt",)),
    # A line that is only white space of another kind than the label's lead.
    ('<p>\u2003</p><p>By Maren Holt</p>', ("Maren Holt",)),
    # A line break ends the byline: the place on the next line is no name; a label alone on
    # its line has the name on the next.
    ('<p>Von <strong><a href="/a/1">Jonas Keller</a></strong> und <strong><a href="/a/2">'
     'Ana Ruiz</a></strong><br> <span></span><br> Kakuma / Kenia</p>',
     ("Jonas Keller", "Ana Ruiz")),
    ('<p><b>Von:</b> <br> <br> Maren Holt</p>', ("Maren Holt",)),
    # The illustrator credited after the writer on the same line is no author.
    ("<p><em>Text von Jonas Keller &nbsp; &nbsp;Illustration von Mara Wolf</em></p>",
     ("Jonas Keller",)),
])
def test_a_byline_line_without_markup_above_the_article(line: str,
                                                        names: tuple[str, ...]) -> None:
    data = page().replace(b"<article>", f"<div class='top'>{line}</div><article>".encode())
    assert authors(data) == names


@pytest.mark.parametrize("line", [
    # A source, a copyright, a language menu, a series, an office: no writer.
    "<p>Quelle: Harbour Office</p>", "<p>© Tomas Berg</p>",
    '<div class="lang"><a>DE</a> <a>EN</a></div>', "<h4>By Invitation</h4>",
    "<p>By U.S. CUSTOMS AND BORDER PROTECTION</p>", "<p>Text Without Notes</p>",
])
def test_lines_that_only_look_like_bylines_name_no_author(line: str) -> None:
    assert authors(page(outside=f"<aside>{line}</aside>")) == ()


def test_a_byline_box_holding_only_a_date_does_not_hide_the_next() -> None:
    boxes = ('<span class="post-author">Publiziert am</span>'
             '<span class="author vcard"><a class="url fn n" href="/u/1">harbourfox</a></span>')
    assert authors(page(before=boxes)) == ("harbourfox",)


@pytest.mark.parametrize("declared, printed, names", [
    # A first name or a user name in the metadata, the full name printed.
    ("Maren", "<p>By Maren Holt</p>", ("Maren Holt",)),
    ("maren_holt", "<p>Autor: Maren Holt</p>", ("Maren Holt",)),
    # An organisation in the metadata, a reporter printed.
    ("Harbour Media GmbH", "<p>Von Jonas Keller</p>", ("Jonas Keller",)),
    ("Harbour Support Services Inc.", "<p>By Jonas Keller</p>", ("Jonas Keller",)),
    # A paper's or a magazine's name in the metadata, the reporter printed.
    ("Segler Illustrierte", "<p>Text & Fotos: Jonas Keller</p>", ("Jonas Keller",)),
    ("Harbour Tribune", "<p>By Jonas Keller</p>", ("Jonas Keller",)),
    # A user name that is not the printed person stays: a pseudonym is the author's choice.
    ("gullwing", "<p>By Maren Holt</p>", ("gullwing",)),
])
def test_a_declared_name_in_short_form_gives_way_to_the_printed_full_name(
        declared: str, printed: str, names: tuple[str, ...]) -> None:
    head = f'<meta name="author" content="{declared}">'
    assert authors(page(head, outside=f"<aside>{printed}</aside>")) == names


@pytest.mark.parametrize("line, names", [
    ("<small>04.02.2024 | 13:10 Uhr | Maren Holt</small>", ("Maren Holt",)),
    ("<p>11.12.2023 - Jonas Keller</p>", ("Jonas Keller",)),
    # A place or an office beside the date is no author; nor is a name without a date.
    ("<p>11.12.2023 - Harbour Office</p>", ()),
    ("<p>Maren Holt</p>", ()),
])
def test_a_dated_name_line_beside_the_headline(line: str, names: tuple[str, ...]) -> None:
    data = page().replace(b"</h1>", f"</h1>{line}".encode())
    assert authors(data) == names


def test_the_printed_byline_search_passes_over_blank_lines_of_any_white_space() -> None:
    from lxml import html

    from normalize.page.printed import printed_byline
    root = html.fromstring("<html><body><p>\u2003</p><p>\u00a0\u2003x</p>"
                           "<div><span>By</span><a href='/s/1'>Maren Holt</a></div></body></html>")
    assert printed_byline(root) == ("By Maren Holt",)


@pytest.mark.parametrize("line, names", [
    # the label in the text after an element, the name in the next one
    ("<p><img src='/i.png' alt=''> By <a href='/s/1'>Maren Holt</a></p>", ("By Maren Holt",)),
    # a label element of its own, the name in the element after it
    ("<div><h4>Autor</h4><p><a href='/s/2'>Jonas Keller</a></p></div>", ("Jonas Keller",)),
    # the same words in a script: no line of the page
    ("<script>var By = 'By Maren Holt';</script>", ()),
])
def test_the_printed_byline_found_among_many_text_nodes(line: str,
                                                        names: tuple[str, ...]) -> None:
    from lxml import html

    from normalize.page.printed import printed_byline
    filler = "".join(f"<li><a href='/t/{i}'>Topic {i}</a> <b>{i}</b></li>" for i in range(200))
    root = html.fromstring(f"<html><body><ul>{filler}</ul>{line}<p>Text.</p></body></html>")
    assert printed_byline(root) == names


def test_an_author_link_with_a_line_break_and_twice_escaped_metadata() -> None:
    link = ('<p><a rel="author" href="/a/1">Maren Holt</a> '
            '<a rel="author" href="/a/1">SHOW ALL ARTICLES OF<br>Maren Holt</a></p>')
    assert authors(page(before=link)) == ("Maren Holt",)
    head = '<meta name="author" content="Ana Mar&amp;iacute;a Ruiz">'
    assert authors(page(head)) == ("Ana María Ruiz",)


def test_the_site_named_as_its_address_spells_it_does_not_hide_the_byline() -> None:
    head = '<meta name="author" content="Daily Post">'
    data = page(head, before='<p class="byline">By Maren Holt</p>')
    assert authors(data, url="https://www.dailypost.example/news/ferries") == ("Maren Holt",)


def test_the_place_after_the_outlets_name_in_a_byline_is_no_author() -> None:
    byline = '<p class="byline">By Maren Holt, Harbour Gazette, Stavanger</p>'
    assert authors(page(before=byline)) == ("Maren Holt",)


@pytest.mark.parametrize("last, names", [
    # A text signed with the writer's name as its last paragraph, in bold, italics or right.
    ("<p><b><i>Maren Holt</i></b></p>", ("Maren Holt",)),
    ("<p class='sign'><strong>Jonas Keller</strong></p>", ("Jonas Keller",)),
    ('<p align="right">Ida Lund</p>', ("Ida Lund",)),
    # A plain last line, an interview's question, an office or a longer line: no signature.
    ("<p>Maren Holt</p>", ()),
    ("<p><strong>Maren Holt:</strong></p>", ()),
    ("<p><em>Harbour Office</em></p>", ()),
    ("<p><strong>Maren Holt</strong> and the island councils</p>", ()),
])
def test_a_name_that_signs_the_text_as_its_last_paragraph(last: str,
                                                          names: tuple[str, ...]) -> None:
    assert authors(page(after=last)) == names


@pytest.mark.parametrize("meta, names", [
    # A label in an element of its own, the name in the next one.
    ('<div class="meta"><h4>Autor</h4><p><a href="/p/1">Maren Holt</a>, </p></div>',
     ("Maren Holt",)),
    ("<dl><dt>Date</dt><dd>4 May 2024</dd><dt>Author</dt><dd>Jonas Keller</dd></dl>",
     ("Jonas Keller",)),
    ('<ul><li><div class="k">Autor</div><div class="v">Ida Lund</div></li></ul>',
     ("Ida Lund",)),
    # A menu's "Authors" link, a label before a list of names, a label that is no writer's.
    ('<nav><a href="/authors/">Authors</a> <a href="/latest">Latest Activity</a></nav>', ()),
    ("<h4>Authors</h4><ul><li>Maren Holt</li><li>Jonas Keller</li></ul>", ()),
    ("<h4>Text</h4><p>Maren Holt</p>", ()),
])
def test_a_label_printed_apart_from_the_name_after_it(meta: str,
                                                      names: tuple[str, ...]) -> None:
    assert authors(page(outside=f"<aside>{meta}</aside>")) == names


def test_a_byline_that_opens_with_the_outlets_name_gives_no_place_as_an_author():
    from normalize.page.visible import _without_site

    sites = {"Stadtblatt"}
    # The outlet first, then where it filed from: nobody to credit (places were kept before).
    assert _without_site(("Stadtblatt, Kassel, Germany",), sites) == ()
    assert _without_site(("Anna Berg, Stadtblatt, Kassel",), sites) == ("Anna Berg",)
    assert _without_site(("Anna Berg",), sites) == ("Anna Berg",)
    # The site's whole title, its tagline and all, declared as the author.
    assert _without_site(("Stadtblatt | Neues aus Kassel - SBK",),
                         {"Stadtblatt | Neues aus Kassel - SBK"}) == ()


def test_the_writer_in_the_labelled_twitter_card_fields() -> None:
    # SEO plugins print the writer as a labelled card field on blogs with no author meta.
    card = ('<meta name="twitter:label1" content="Verfasst von">'
            '<meta name="twitter:data1" content="Maren Holt">'
            '<meta name="twitter:label2" content="Geschätzte Lesezeit">'
            '<meta name="twitter:data2" content="3 Minuten">')
    assert authors(page(card)) == ("Maren Holt",)
    # The other fields are the reading time or the tags: never a writer.
    other = ('<meta name="twitter:label1" content="Filed under">'
             '<meta name="twitter:data1" content="Ferries, Islands">')
    assert authors(page(other)) == ()
    # <meta name="author"> comes first.
    both = '<meta name="author" content="Tomas Berg">' + card
    assert authors(page(both)) == ("Tomas Berg",)


@pytest.mark.parametrize("line, names", [
    # A plural label without its colon, a press office's "Redaktion:" with a role after the
    # name, an agency after a slash.
    ("<p>Autoren Jonas Keller und Ida Lund</p>", ("Jonas Keller", "Ida Lund")),
    ("<div>04.02.2024 <span>- Redaktion: Jonas Keller (Pressesprecher)</span></div>",
     ("Jonas Keller",)),
    ("<p><b>Autor:</b> Jonas Keller/SP-X</p>", ("Jonas Keller",)),
    ("<p>Von Jonas Keller, dpa</p>", ("Jonas Keller",)),
    ("<p><strong>Eine Kolumne von Jonas Keller</strong></p>", ("Jonas Keller",)),
    # The site's own name under the label is the site, credited alone (no person named).
    ("<p>Redaktion: Harbour Gazette</p>", ("Harbour Gazette",)),
])
def test_more_printed_author_lines_after_the_text(line: str, names: tuple[str, ...]) -> None:
    assert authors(page(after=line)) == names


def test_an_about_the_author_box_when_nothing_else_names_the_writer() -> None:
    box = ('<div class="author-bio"><h3>Über den Autor</h3><h4>Maren Holt</h4>'
           '<p>Maren Holt writes about the islands and their ferries.</p></div>')
    assert authors(page(outside=box)) == ("Maren Holt",)
    # Two cards naming the same person agree; a byline comes first.
    card = '<div class="author-box"><a href="/p/holt">Maren Holt</a></div>'
    assert authors(page(outside=box + card)) == ("Maren Holt",)
    assert authors(page(before='<p class="byline">By Tomas Berg</p>', outside=box)) == \
        ("Tomas Berg",)
    # Boxes of several people (a team's page, teasers) say nothing of this text's writer; a
    # label is no name.
    other = '<div class="author-box"><a href="/p/berg">Tomas Berg</a></div>'
    assert authors(page(outside=box + other)) == ()
    from lxml import html

    from normalize.page.authors import author_box
    assert author_box(html.fromstring(
        '<div><div class="author-box">Rezept von <a>ida77</a></div></div>')) == ()


def test_a_declared_name_that_runs_on_into_other_words_gives_way() -> None:
    # A theme's credit or an address pasted into the author field.
    head = '<meta name="author" content="Tomas Berg und Vorlage designed">'
    assert authors(page(head, before="<p>Von Maren Holt</p>")) == ("Maren Holt",)
    # Kept when nothing better is printed; a legal form or a particle is no run-on word.
    assert authors(page('<meta name="author" content="Hafenverein Nord e.V.">')) == \
        ("Hafenverein Nord e.V.",)
    assert authors(page('<meta name="author" content="Ana de la Fuente">',
                        before="<p>Von Maren Holt</p>",
                        outside="<p>Ana de la Fuente writes about the ports.</p>")) == \
        ("Ana de la Fuente",)


def test_the_sites_name_under_a_label_is_the_site() -> None:
    # The site alone when the page names nobody else (a paper's name is no person's).
    assert authors(page(before='<p class="byline">Recipe by Harbour Gazette</p>')) == \
        ("Harbour Gazette",)
    assert authors(page('<meta name="author" content="Harbour Gazette, Kiel, Germany">')) == \
        ("Harbour Gazette",)
    assert authors(page('<meta name="author" content="Harbour Gazette">',
                        before='<p class="byline">Recipe by Harbour Gazette</p>'
                               '<p>Von Maren Holt</p>')) == ("Maren Holt",)


def test_a_declared_person_named_by_given_and_family_name() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferries",'
          ' "author": [{"@type": "Person", "givenName": "Maren", "familyName": "Holt"},'
          ' {"@type": "Person", "name": ["Jonas Keller"]}]}</script>')
    assert authors(page(ld)) == ("Maren Holt", "Jonas Keller")


def test_the_author_of_the_web_page_node_when_the_graph_has_no_article() -> None:
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
          '{"@type": "WebSite", "@id": "https://gazette.example/#website"},'
          '{"@type": "WebPage", "@id": "https://gazette.example/news/ferries",'
          ' "author": {"@id": "https://gazette.example/#/person/7"}},'
          '{"@type": "Person", "@id": "https://gazette.example/#/person/7",'
          ' "name": "Maren Holt"}]}</script>')
    teasers = ('<div class="more"><p>Par <a class="listPosts-author" href="/author/jk/">'
               'Jonas Keller</a></p><p>Par <a class="listPosts-author" href="/author/ar/">'
               'Ana Ruiz</a></p></div>')
    assert authors(page(ld, outside=teasers)) == ("Maren Holt",)


def test_an_agency_alone_is_the_author_and_keeps_a_teasers_byline_out() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferries",'
          ' "author": {"@type": "Organization", "name": "AFP"}}</script>')
    teaser = '<aside><div class="teaser"><span>By Maren Holt</span></div></aside>'
    assert authors(page(ld, outside=teaser)) == ("AFP",)
    # A byline that names the agency too is this text's.
    assert authors(page(ld, before="<p>By Maren Holt, AFP</p>")) == ("Maren Holt",)


def test_a_byline_printed_in_elements_without_spaces_between_them() -> None:
    line = ('<div class="byline"><span>By</span><a href="/staff/maren-holt">Maren Holt</a>'
            '<span>The Associated Press</span></div>')
    assert authors(page(before=line)) == ("Maren Holt",)
    stamp = '<div class="byline"><span>AP</span><span>Updated: March 16, 2020</span></div>'
    assert authors(page(before=stamp)) == ("AP",)


def test_the_site_named_as_the_copys_source_is_the_site() -> None:
    line = '<p class="byline">Do Harbour Gazette, em Lisboa</p>'
    assert authors(page(before=line)) == ("Harbour Gazette",)


def test_the_publisher_named_with_the_sites_name_gives_way_to_the_byline_element() -> None:
    head = '<meta name="author" content="Ediciones Harbour Gazette">'
    line = '<p class="byline"><a href="/autor/maren-holt">Maren Holt</a></p>'
    assert authors(page(head, before=line)) == ("Maren Holt",)
    # Alone, the publisher is the site: no author. So is the site's name with its domain; a
    # blogger's handle made of it is the blogger's.
    assert authors(page(head)) == ()
    assert authors(page('<meta name="author" content="HARBOURGAZETTE.COM">')) == ()
    assert authors(page('<meta name="author" content="Harbourgazetter">')) == ("Harbourgazetter",)



@pytest.mark.parametrize("line, names", [
    # Chinese: the reporter's label, the name, and where or how the copy was filed, no spaces.
    ('<div class="author">記者王美玲／台北報導</div>', ("王美玲",)),
    ('<div class="author">港灣快訊／陳志明 2024年03月12日 20:19</div>', ("陳志明",)),
    ('<div class="author">記者王美玲、林大同／綜合報導</div>', ("王美玲", "林大同")),
    # Korean: the paper = the name, then "reporter".
    ('<div class="author">항구일보=김민준 기자</div>', ("김민준",)),
])
def test_a_chinese_or_korean_byline_without_spaces(line: str, names: tuple[str, ...]) -> None:
    assert authors(page(before=line)) == names

def test_a_declared_author_in_json_ld_with_javascript_comments() -> None:
    ld = ('<script type="application/ld+json">{\n"@type": "NewsArticle",\n'
          '\t//"interactionCount": "",\n"headline": "Ferries", // the title\n'
          '"author": {"@type": "Person", "name": "Maren Holt"}\n}</script>')
    assert authors(page(ld)) == ("Maren Holt",)


def test_a_meta_itemprop_author_outside_any_item_is_the_pages() -> None:
    assert authors(page('<meta itemprop="author" content="Maren Holt">')) == ("Maren Holt",)
    # Inside an item it is that item's: a reader's comment, not the article.
    comment = ('<div itemscope itemtype="https://schema.org/Comment">'
               '<meta itemprop="author" content="Pelle Ek"><p>About time too.</p></div>')
    assert authors(page(outside=comment)) == ()


@pytest.mark.parametrize("line, names", [
    # A family name joined by "e" or "y" to a full name is the same person's.
    ("<p>Por José Volta e Pinto</p>", ("José Volta e Pinto",)),
    ("<p>Por Maria Silva e João Souza</p>", ("Maria Silva", "João Souza")),
    # A bureau or an editorial team is no person, in any script: on a page naming nobody
    # else, the newsroom's credit stands as printed (normalize.wire), no name read out of it.
    ("<p>By Harbour Bureau</p>", ("Harbour Bureau",)),
    ('<p class="author">ΣΥΝΤΑΚΤΙΚΗ ΟΜΑΔΑ</p>', ("ΣΥΝΤΑΚΤΙΚΗ ΟΜΑΔΑ",)),
])
def test_a_family_name_after_e_and_newsrooms_in_other_scripts(line: str,
                                                              names: tuple[str, ...]) -> None:
    assert authors(page(before=line)) == names


def test_a_bureau_or_an_editorial_team_names_no_person() -> None:
    assert parse_byline("By Harbour Bureau") == ((), None)
    assert parse_byline("ΣΥΝΤΑΚΤΙΚΗ ΟΜΑΔΑ") == ((), None)


def test_a_declared_bureau_in_devanagari_is_no_person() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferries",'
          ' "author": {"@type": "Person", "name": "वाराणसी ब्यूरो"}}</script>')
    # No person ("ब्यूरो" is a bureau): the newsroom's credit alone, as declared.
    assert parse_byline("वाराणसी ब्यूरो") == ((), None)
    assert authors(page(ld)) == ("वाराणसी ब्यूरो",)


@pytest.mark.parametrize("line, names", [
    # Devanagari, Tamil and Bengali names often end in a combining vowel sign, which a
    # regular expression's \\w does not match: the sign stays, and a bureau is still no person
    # (its credit stands alone).
    ('<div class="author">राजीव मिश्रा</div>', ("राजीव मिश्रा",)),
    ('<div class="author">ராஜா குமாரு</div>', ("ராஜா குமாரு",)),
    ('<div class="author">সুমিতা দে</div>', ("সুমিতা দে",)),
    ('<div class="author">वाराणसी ब्यूरो</div>', ("वाराणसी ब्यूरो",)),
    # Hindi byline labels.
    ('<p class="byline">लेखक: राजीव मिश्रा</p>', ("राजीव मिश्रा",)),
    ('<p class="byline">रिपोर्ट: सुनीता देवी</p>', ("सुनीता देवी",)),
])
def test_names_ending_in_a_vowel_sign_and_hindi_labels(line: str,
                                                      names: tuple[str, ...]) -> None:
    assert authors(page(before=line)) == names


def test_author_links_of_the_teasers_below_the_article_are_other_texts_writers() -> None:
    more = ('<section><h2>More stories</h2>' + "".join(
        f'<div><h3><a href="/news/{i}">Harbour story {i} with a longer headline here</a></h3>'
        f'<p>{STORY[:300]}</p><div>Monday by <a rel="author" href="/author/{i}">Tomas Berg'
        f'{i}</a></div></div>' for i in "ab") + '</section>')
    line = '<div class="meta">Monday by <a rel="author" href="/author/mh">Maren Holt</a></div>'
    assert authors(page(outside=line + more)) == ("Maren Holt",)
    more = more.replace('rel="author" ', "")
    line = line.replace('rel="author" ', "")
    assert authors(page(outside=line + more.replace("/author/", "/staff/"))) == ("Maren Holt",)
    # Two writers of one byline both count.
    line = ('<div class="meta">By <a rel="author" href="/a/mh">Maren Holt</a> and '
            '<a rel="author" href="/a/tb">Tomas Berg</a></div>')
    assert authors(page(outside=line + more)) == ("Maren Holt", "Tomas Berg")


@pytest.mark.parametrize("line, names", [
    # The outlet the writer wrote for, printed in a block of its own.
    ('<div class="byline"><div>By <span>Maren Holt</span></div><div><div>Island Courier'
     '</div><time>Dec 13, 2016</time></div></div>', ("Maren Holt",)),
    # A label printed twice, in two elements.
    ('<div class="byline"><span>By</span><span>by MAREN HOLT and TOMAS BERG</span></div>',
     ("MAREN HOLT", "TOMAS BERG")),
    # The section's name before the writers.
    ('<div class="article__author">Politik · Maren Holt, Tomas Berg</div>',
     ("Maren Holt", "Tomas Berg")),
    # A label alone in its block.
    ('<div class="byline"><div>By</div><div>Maren Holt</div></div>', ("Maren Holt",)),
    # A month's short form is all a date in another element leaves behind: no name.
    ('<div class="byline"><span class="byline__date">Dec 1st 2016 1:01PM</span></div>', ()),
    # Chinese and Japanese: a label with a full-width colon, ASCII brackets.
    ('<a class="name" href="/author/180/">著者：後藤大地</a>', ("後藤大地",)),
    ('<span class="byline">[田中宏昌，ITmedia]</span>', ("田中宏昌",)),
    ('<dl class="author"><dt>著者</dt><dd><a href="/a/1">後藤大地</a></dd><dt>イラスト</dt>'
     '<dd>田中宏昌</dd></dl>', ("後藤大地",)),
])
def test_the_fields_of_a_byline_box(line: str, names: tuple[str, ...]) -> None:
    assert authors(page(before=line)) == names


def test_a_company_declared_beside_the_writers_is_no_author() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferries",'
          ' "author": [{"@type": "Person", "name": "Harbour Media Inc."},'
          ' {"@type": "Person", "name": "Maren Holt"}]}</script>')
    assert authors(page(ld)) == ("Maren Holt",)
    line = '<p class="byline">By Maren Holt, Harbour Media Group</p>'
    assert authors(page(before=line)) == ("Maren Holt",)


def test_the_printed_byline_naming_more_writers_than_the_declared_first() -> None:
    head = '<meta name="author" content="Maren Holt">'
    line = '<p class="byline">By Maren Holt, Tomas Berg and Ana Ruiz</p>'
    assert authors(page(head, before=line)) == ("Maren Holt", "Tomas Berg", "Ana Ruiz")
    # Another writer printed is no reason to leave the declared one the page prints too.
    line = '<p class="byline">By Tomas Berg and Ana Ruiz</p>'
    assert authors(page(head, before=line, outside='<p class="bio">Maren Holt edits the '
                        'news pages.</p>')) == ("Maren Holt",)


@pytest.mark.parametrize("line, names", [
    # An avatar's text run into the name.
    ('<p class="byline">By Maren Holt Maren Holt</p>', ("Maren Holt",)),
    ('<p class="byline">By Jing Jing</p>', ("Jing Jing",)),
    # A button before the byline in its box.
    ('<div class="byline"><div><a href="/print">Print</a></div><div>By Maren Holt</div></div>',
     ("Maren Holt",)),
])
def test_a_name_printed_twice_and_a_button_in_the_byline_box(line: str,
                                                             names: tuple[str, ...]) -> None:
    assert authors(page(before=line)) == names


def test_the_meta_tags_naming_more_writers_than_the_json_ld() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferries",'
          ' "author": {"@type": "Person", "name": "Maren Holt"}}</script>')
    head = ld + '<meta name="author" content="Maren Holt, Tomas Berg">'
    assert authors(page(head)) == ("Maren Holt", "Tomas Berg")
    # Other persons in the meta tags are no more writers of the same text.
    head = ld + '<meta name="author" content="Tomas Berg">'
    assert authors(page(head)) == ("Maren Holt",)


def test_a_chinese_texts_opening_reporter_credit() -> None:
    story = ("<p>港務局週一通過新的渡輪時刻表。（資料照）</p><p>〔記者林美華／台北報導〕港務局週一通過新的渡輪時刻表，夏季每四十分鐘一班，"
             "末班船比以前晚一小時開出。</p><p>島上居民多年來一直要求增加晚班船，議會對此表示歡迎，"
             "但表示冬季時刻表仍讓離島在夜間與外界隔絕。</p>")
    data = f"""<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8">
<title>渡輪夏季延長營運</title></head><body><article><h1>渡輪夏季延長營運</h1>{story}
</article></body></html>""".encode()
    assert authors(data, "https://news.example.tw/article/1") == ("林美華",)


def test_a_printed_byline_hyphenated_with_soft_hyphens() -> None:
    line = "<p>Von Mat&shy;thi&shy;as Lau&shy;erer</p>"
    assert authors(page(outside=f"<aside>{line}</aside>")) == ("Matthias Lauerer",)


def test_a_hidden_vcard_is_no_byline_and_the_printed_one_wins() -> None:
    # Avada prints the account that posted the text in a hidden vcard for search engines.
    head = '<meta name="author" content="Tomas Berg">'
    vcard = ('<span class="vcard rich-snippet-hidden"><a rel="author" href="/author/tomas/">'
             'Tomas Berg</a></span>')
    assert authors(page(head, before=vcard + "<p><strong>Von Maren Holt</strong></p>")) \
        == ("Maren Holt",)


def test_a_declared_user_name_gives_way_to_the_name_the_page_prints() -> None:
    head = '<meta name="author" content="maren.holt">'
    assert authors(page(head, after="<p>(Maren K. Holt)</p>")) == ("Maren K. Holt",)
    # The page printing no such name keeps the user name.
    assert authors(page(head)) == ("maren.holt",)


def test_a_teasers_byline_inside_its_link_is_no_byline() -> None:
    teaser = ('<aside><a href="/news/other"><h3>Another story about the harbour</h3>'
              '<div class="badge">Von Ola Lind</div></a></aside>')
    assert authors(page(outside=teaser)) == ()


def test_an_agency_line_under_the_headline_and_the_writers_post_after_the_name() -> None:
    data = page().replace(b"</h1>", b'</h1><p class="credit">AFP</p>')
    assert authors(data) == ("AFP",)
    line = "<p><strong>Autorin: Jana Roth, Projektleiterin der Stiftung in Tunis.</strong></p>"
    assert authors(page(after=line)) == ("Jana Roth",)


def test_the_publisher_under_its_acronym_and_a_site_makers_credit_are_no_authors() -> None:
    # "Nordic Harbour Times" on a site that calls itself "NHT": the paper, whose byline box
    # names the writer without a label.
    head = ('<meta name="author" content="Nordic Harbour Times">'
            '<meta name="application-name" content="NHT">')
    assert authors(page(head, title="Ferries run later this summer | NHT",
                        before='<p class="byline">Maren Holt</p>')) == ("Maren Holt",)
    head = '<meta name="author" content="Web Works GmbH www.webworks.example">'
    assert authors(page(head)) == ()


def test_a_teasers_byline_is_no_byline_even_where_only_it_names_someone() -> None:
    """trafilatura reads an author box anywhere: a card linking to another text is not."""
    teaser = ('<aside class="sidebar"><div class="teaser-list"><a href="/news/other">'
              '<h3>Another story about the harbour and its boats</h3>'
              '<div class="author-name">Von Ola Lind</div></a></div></aside>')
    assert authors(page(outside=teaser)) == ()
    assert authors(page(before='<p class="byline">By Maren Holt</p>', outside=teaser)) == \
        ("Maren Holt",)


def test_a_name_after_a_pictures_credit_label_is_the_photographer() -> None:
    picture = ('<div class="lead-picture"><img src="/p/ferry.jpg" alt="">'
               '<p class="title">The morning ferry at the quay.</p></div>'
               '<div class="credit-line"><strong>Foto:</strong> <p class="autor">Ola Lind</p>'
               '</div>')
    assert authors(page(before=picture)) == ()
    assert authors(page(before=picture + '<p class="autor">Maren Holt</p>')) == ("Maren Holt",)


def test_a_link_to_the_sites_own_profile_is_no_authors_page() -> None:
    about = '<div class="meta-links"><a href="/en/about-us/profile/s-1">ABOUT US</a></div>'
    assert authors(page(outside=about)) == ()
    writer = '<p><a href="/en/authors/maren-holt/">Maren Holt</a></p>'
    assert authors(page(before=writer, outside=about)) == ("Maren Holt",)
    under_about = '<p><a href="/about/editors/maren-holt/">Maren Holt</a></p>'
    assert authors(page(before=under_about)) == ("Maren Holt",)


def test_a_publishing_business_alone_is_no_author_but_an_association_signs_its_releases() -> None:
    assert authors(page('<meta name="author" content="Harbour Media GmbH">')) == ()
    assert authors(page('<meta name="author" content="Nordic Harbour Media Group">')) == ()
    assert authors(page('<meta name="author" content="Hafenverein Nord e.V.">')) == \
        ("Hafenverein Nord e.V.",)


# --- An agency's writer, printed in a box named for the comments ------------------------------

def test_an_agency_declared_alone_gives_way_to_the_articles_own_byline() -> None:
    # The meta line under the headline ("By X | date | comments") is named for the comments
    # too; the writer it prints is the agency's, whom the metadata does not name.
    data = f"""<!doctype html><html lang="en"><head><title>Ferries run later</title>
<meta name="author" content="AP"></head><body><div class="entry"><div class="column">
<h1>Ferries run later this summer</h1>
<div class="comments_datetime"><p><span class="bold">By MAREN HOLT</span> | 10/5/11 09:19 PM ET |
<a href="#comments">12 comments</a></p></div>
<div class="entry_content"><div class="entry_text">{STORY}</div></div></div></div>
<div id="comments"><h2>Comments</h2><div class="comment"><p class="comment-author">By Tom Reed
</p><p>Great news for the islands.</p></div></div></body></html>""".encode()
    assert authors(data) == ("MAREN HOLT",)


# --- A writer named only in the link beside an avatar ----------------------------------------

def test_a_name_linked_where_its_avatar_links_is_the_byline() -> None:
    # The writer's profile is a host of its own: no /author/ page, no byline class.
    meta = ('<div class="meta"><div class="media"><a href="https://maren.people.example">'
            '<img class="avatar" src="/a/maren.jpg"></a><span class="display-name">'
            '<a href="https://maren.people.example">Maren Holt</a></span> '
            '<span class="publish-time">8/17/13 11:04am</span></div></div>')
    assert authors(page(before=meta)) == ("Maren Holt",)
    # A teaser's thumbnail and headline link to one story: no writer.
    teasers = ('<ul class="more">' + "".join(
        f'<li><a href="/news/{slug}"><img src="/t/{slug}.jpg" width="60" height="60"></a>'
        f'<a href="/news/{slug}">{title}</a></li>'
        for slug, title in (("quay", "Quay Works Begin"), ("tide", "Spring Tide Warning")))
        + "</ul>")
    assert authors(page(outside=teasers)) == ()


# --- Chinese bylines: roles and names apart by spaces, a name and its title or paper ---------

_ZH_STORY = ("<p>" + "市政府昨天公布了新的公交线路调整方案，将在下个月起实施，覆盖全市主要商业区和居民区。" * 3
             + "</p><p>" + "市民可以通过官方网站查询具体线路变化，相关部门表示将根据反馈继续优化服务。" * 3
             + "</p>")


def _zh_page(before: str) -> bytes:
    return (f"<html lang='zh-CN'><head><meta charset='utf-8'><title>公交线路调整_城市新闻网"
            f"</title></head><body><article><h1>公交线路调整</h1>{before}{_ZH_STORY}</article>"
            "</body></html>").encode()


@pytest.mark.parametrize("before, expected", [
    # reporter and correspondent, each named after the role, apart by spaces
    ('<div class="author">记者 张三 通讯员 李四</div>', ("张三", "李四")),
    ("<p>本报记者 王小红 实习生 赵明</p>", ("王小红", "赵明")),
    # the name in a link, the title after it in an element of its own: no space between them
    ('<div class="author"><a href="/col/wang">王文</a><span>城市大学金融研究院执行院长</span>'
     "</div>", ("王文",)),
    # "name/paper": the person is the name
    ('<div class="info"><span>来源：城市日报</span> <span>作者：石佳/城市青年报</span></div>',
     ("石佳",)),
    ('<div class="info">作者：张三 城市青年报记者</div>', ("张三",)),
    # an editor and a photographer are no writers
    ("<p>记者 张三 摄影 李四</p>", ("张三",)),
])
def test_chinese_bylines_name_their_writers(before: str, expected: tuple[str, ...]) -> None:
    assert authors(_zh_page(before), "https://news.example.cn/a/1.html") == expected


@pytest.mark.parametrize("before", [
    # the author unknown, then the editor in charge
    '<div class="post-author">作者：未知&nbsp;&nbsp;责任编辑：王小明</div>',
    # the editor in charge alone
    '<div class="author">责任编辑：王小明</div>',
    # the copyright notice's link, the source paper, the time and an empty author label
    '<div class="author"><a href="/copyright">版权声明</a> 来源：城市日报 时间：2021-05-06 09:12:30'
    ' 作者：</div>',
    # "published at" and the time
    '<p class="author-time">发布于 2021-05-06 09:12:30</p>',
    # a consent checkbox's label ("I have authorized") in a box named "authorized"
    '<form><input type="checkbox"><span class="authorized">我已授权</span></form>',
])
def test_a_chinese_credit_line_naming_no_writer_gives_no_author(before: str) -> None:
    assert authors(_zh_page(before), "https://news.example.cn/a/1.html") == ()


def test_a_name_on_its_own_line_of_the_date_box_is_the_writer() -> None:
    # The date line under the headline prints the writer's name on a line of its own, with no
    # label, then the day and time.
    for meta in ('<div class="article-publish">Maren Holt<br>14 Jan 2023 06:00AM</div>',
                 '<div class="article-publish"><div>Maren Holt</div><div>14 Jan 2023 06:00AM'
                 '</div></div>'):
        data = f"""<!doctype html><html lang="en"><head><title>Ferries run later</title></head>
<body><article><h1>Ferries run later this summer</h1>{meta}<div class="text">{STORY}</div>
</article></body></html>""".encode()
        assert authors(data) == ("Maren Holt",)
    # ... not a body's name
    data = page(before='<div class="article-publish"><p>Harbour Authority of the Isles</p>'
                       '<p>14 Jan 2023 06:00AM</p></div>')
    assert authors(data) == ()


def test_a_by_date_comments_meta_line_over_a_declared_editor_printed_nowhere() -> None:
    # The metadata names the site's editor, printed nowhere; the meta line between the headline
    # and the text (in a box of its own, outside the text's) names the writer, the date and
    # the count of comments ("By X / date / N Comments").
    data = f"""<!doctype html><html lang="en"><head><title>Ferries run later</title>
<meta name="author" content="Tom Reed"></head><body><div class="post"><div class="head">
<h1><a href="/2011/05/ferries.php">Ferries run later this summer</a></h1>
<div class="author-date-comments">By <a href="/author/maren-holt.php">Maren Holt</a> /
May 10, 2011 4:55 PM / <a href="/2011/05/ferries.php#thread">6 Comments</a></div></div>
<div class="entry"><div class="entry-body">{STORY}</div></div></div></body></html>""".encode()
    assert authors(data) == ("Maren Holt",)
