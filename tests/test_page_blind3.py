"""Article pages read as a careful reader reads them (issue 17): cases found by a third set of
news pages labelled blind (news-blind3), each here as a small invented page of our own text.
"""

from __future__ import annotations

from lxml import html as lxml_html

from normalize import parse_bytes, wire
from normalize.page.visible import _find_byline

STORY = ("<p>The harbour authority approved the new ferry timetable on Monday after a long "
         "consultation with the island councils and the operators of the smaller boats.</p>"
         "<p>Crossings will run every forty minutes in summer, and the last boat of the day "
         "leaves the mainland an hour later than before, the authority said on Monday.</p>"
         "<p>Island residents have asked for later evening crossings for years; the councils "
         "welcomed the change but said the winter timetable still cuts the islands off at "
         "night, when the last boat leaves before seven.</p>")


def record(data: bytes, url: str = "https://gazette.example/news/ferries-2024"):
    [article] = parse_bytes(data, "page", url)
    return wire.enrich(article)


def page(body: str, head: str = "", title: str = "Ferries to run later in summer") -> bytes:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} - Harbour Gazette</title>{head}</head><body><header><a href="/">Harbour Gazette</a>
</header><div id="page"><h1>{title}</h1>{body}</div>
<footer>Harbour Gazette, all rights reserved</footer></body></html>""".encode()


# --- bylines ---------------------------------------------------------------------------------

def test_a_byline_box_named_with_its_comment_count_is_no_comment_thread() -> None:
    # "bylineComments": the box of the byline and the comment count, camel-cased; its author
    # link is the byline's (read by the byline search itself, not only by the text's opening)
    root = lxml_html.fromstring(
        '<div><div class="bylineComments"><p class="bylineBody">By <a rel="author" '
        'href="/journalists/maren-holt/">Maren Holt</a></p><p class="comments">'
        '<a href="#comments">12 Comments</a></p></div></div>')
    assert _find_byline(root, None) == ("Maren Holt",)
    thread = lxml_html.fromstring(
        '<div><ol class="articleComments"><li><a rel="author" href="/u/tb">Tomas Berg</a> '
        '<p>Great news for the islands.</p></li></ol></div>')
    assert _find_byline(thread, None) == ()


def test_writers_printed_after_the_one_with_an_author_page_are_writers_too() -> None:
    byline = ('<p class="bylineBody">By <a rel="author" href="/journalists/maren-holt/">Maren '
              'Holt</a>, <span>Tomas Berg and Ines Lund</span></p>')
    assert record(page(byline + STORY)).authors == ("Maren Holt", "Tomas Berg", "Ines Lund")


def test_an_author_link_with_its_role_after_it_stays_the_one_writer() -> None:
    byline = ('<p class="byline">By <a rel="author" href="/journalists/maren-holt/">Maren '
              'Holt</a>, Islands Correspondent</p>')
    assert record(page(byline + STORY)).authors == ("Maren Holt",)


# --- captions and credits --------------------------------------------------------------------

def lead(article):
    image = article.images[0]
    return image.caption, image.credit.text if image.credit else None


def test_a_script_drawn_picture_and_its_capitalised_caption_box() -> None:
    # the picture is a <span data-image> a script turns into an <img>; its caption box is
    # named "Caption", the credit printed after it in parentheses in an element of its own
    head = '<meta property="og:image" content="https://img.gazette.example/w620/4411-standard.jpg">'
    figure = ('<div id="top_images"><div><span class="resimg photo-large" '
              'data-image="https://media.gazette.example/photo/4411-main.jpg">Ferry at the '
              'quay</span></div><div class="Caption">The new evening ferry leaves the quay at '
              'Holm for its first crossing <em>(Ines Lund/The Harbour Gazette)</em></div></div>')
    article = record(page(figure + STORY, head=head))
    assert lead(article) == ("The new evening ferry leaves the quay at Holm for its first crossing",
                             "Ines Lund/The Harbour Gazette")


def test_an_empty_credit_slot_is_no_part_of_the_caption() -> None:
    figure = ('<div id="top_images"><div><span class="resimg photo-large" '
              'data-image="https://media.gazette.example/photo/4412-main.jpg">Quay</span></div>'
              '<div class="Caption">The quay at Holm on Monday <em>( )</em></div></div>')
    assert lead(record(page(figure + STORY))) == ("The quay at Holm on Monday", None)


def test_words_in_parentheses_inside_the_caption_sentence_stay_in_it() -> None:
    figure = ('<figure><img src="https://media.gazette.example/photo/4413.jpg" alt="">'
              '<figcaption>Captain Maren Holt <em>(left)</em> and the harbour master at Holm'
              '</figcaption></figure>')
    assert lead(record(page(figure + STORY)))[0] == \
        "Captain Maren Holt (left) and the harbour master at Holm"


# --- error pages -----------------------------------------------------------------------------

NOT_FOUND = ("<p>Use your browser's back button to return to the page that brought you here.</p>"
             "<p>Enter a search term below, or see the latest stories from the Harbour Gazette."
             "</p>")


def test_an_error_page_declared_an_article_by_its_template_is_no_article() -> None:
    head = '<meta property="og:type" content="article">'
    article = record(page(NOT_FOUND, head=head, title="Page Not Found"))
    assert article.status != "usable"
    assert record(page(NOT_FOUND, title="Seite nicht gefunden")).status != "usable"


def test_an_article_whose_headline_only_mentions_an_error_stays_one() -> None:
    assert record(page(STORY, title="404 Not Found: the night the ferry site broke")).status \
        == "usable"
    # a long text under the bare headline is an article about it, not an error page
    assert record(page(STORY * 3, title="Page Not Found")).status == "usable"
