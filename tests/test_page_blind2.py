"""Article pages read as a careful reader reads them (issue 17): cases found by a second set of
news pages labelled blind, each here as a small invented page of our own text.

Captions and credits printed with screen readers' labels, bylines beside embedded posts and
comment threads, and dates a page gives in more than one form.
"""

from __future__ import annotations

from lxml import html as lxml_html

from normalize import parse_bytes, wire
from normalize.page.addresses import _largest
from normalize.page.dates import _find_date, _page_times, _parse_declared_date
from normalize.credits import split_caption
from normalize.text import parse_date

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
</header><main><article><h1>{title}</h1>{body}</article></main>
<footer>Harbour Gazette, all rights reserved</footer></body></html>""".encode()


def lead(article):
    image = article.images[0]
    return image.caption, image.credit.text if image.credit else None


def test_screen_reader_labels_ending_in_a_comma_are_no_caption_or_credit() -> None:
    # "Image source, " and "Image caption, " are read aloud before the credit and the caption.
    figure = """<figure><div><img src="/img/ferry.jpg" alt=""><span class="figure-copyright">
<span class="visually-hidden">Image source, </span>Jane Doe</span></div><figcaption>
<span class="visually-hidden">Image caption, </span><div>The ferry leaves the island at
dawn</div></figcaption></figure>"""
    assert lead(record(page(figure + STORY))) == ("The ferry leaves the island at dawn",
                                                  "Jane Doe")


def test_a_comment_authors_profile_link_is_no_byline() -> None:
    # Comment boxes named in camel case ("articleComments", "commentAuthor") are comments
    # too; the byline above the text names the writers.
    body = ("<p class='byline'>By Jane Doe and John Roe</p>" + STORY +
            "<div class='articleComments'><div class='singleComment'><div class='commentAuthor'>"
            "<a href='/profile/Harbourfan'>Harbourfan</a> wrote:</div><p>About time!</p>"
            "</div></div>")
    assert record(page(body)).authors == ("Jane Doe", "John Roe")


def test_a_quoted_persons_profile_link_in_a_paragraph_is_no_byline() -> None:
    # A link to someone's profile page inside a sentence of the text names a source.
    quoted = ("<p>“This is the change the islands asked for,” says <a href='https://"
              "university.example/profile/jroe'>John Roe</a>, who studies island transport at "
              "the university and has followed the consultation since it opened last year.</p>")
    body = "<div class='byline-component'>Author: Jane Doe</div>" + STORY + quoted
    assert record(page(body)).authors == ("Jane Doe",)


def test_a_declared_persons_list_of_names_names_each_writer() -> None:
    # One Person node holding the byline's names: each is a writer; a second spelling of the
    # first name is the same writer.
    def declared(names: str) -> bytes:
        ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
              '"NewsArticle", "headline": "Ferries to run later in summer", "author": {"@type": '
              f'"Person", "name": {names}}}}}</script>')
        return page(STORY, head=ld)

    assert record(declared('["Jane Doe", "John Roe"]')).authors == ("Jane Doe", "John Roe")
    assert record(declared('["Jane Doe", "J. Doe"]')).authors == ("Jane Doe",)


def test_an_embedded_posts_author_is_no_writer() -> None:
    # A post embedded in the text prints its own author's name in a box named like a byline.
    tweet = ('<div class="tweet"><a class="tweet-link-top" href="https://twitter.example/islander'
             '/status/1"><div class="tweet-header"><span class="tweet-author-name">Island '
             'Resident</span><span class="tweet-author-handle">@islander</span></div><div '
             'class="tweet-text">Finally a later boat home!</div></a></div>')
    body = "<p class='meta'>By Jane Doe</p>" + STORY + tweet
    assert record(page(body)).authors == ("Jane Doe",)


def test_the_sites_header_clock_dates_no_article() -> None:
    # An older page's header box (a <div class="header">, no <header>) prints the day and
    # time it was served: the dated boxes read for a publication date pass it over.
    root = lxml_html.document_fromstring(f"""<html><body><div class="header"><ul><li
class="main-time"><span class="dataday">14/5/2024</span><span class="datatime"> 22:52</span>
</li><li><a href="/fr/">FR</a></li></ul></div><div class="content"><h1>Ferries to run later
in summer</h1>{STORY}</div></body></html>""")
    assert _find_date(root, root.find(".//div[@class='content']")) is None


def test_the_days_date_in_the_sites_header_before_the_headline_dates_no_article() -> None:
    # The menu's empty <h1> is no headline, and the header's "today" line before the
    # article's headline is no meta line of it: the address dates the article.
    data = f"""<!doctype html><html lang="hu"><head><meta charset="utf-8">
<title>Ferries to run later in summer</title></head><body><div id="main">
<nav class="menu"><h1></h1><a href="/">Home</a></nav><header id="header" class="clearfix">
<div id="nameday"><p>2024.05.14. <span>kedd</span></p>Diána</div></header>
<div class="article-wrap"><section><header class="article-head"><h1>Ferries to run later in
summer</h1></header><div class="article-body">{STORY}</div></section></div></div></body></html>"""
    url = "https://gazette.example/news/20240510-ferries-to-run-later.html"
    assert record(data.encode(), url).published.date().isoformat() == "2024-05-10"


def test_a_declared_offset_of_one_digit_hours_or_with_a_dot_is_read() -> None:
    assert _parse_declared_date("2024-05-14T16:34+5.30") == parse_date("2024-05-14T16:34+05:30")
    assert _parse_declared_date("2024-05-14T16:34:00-3:00").isoformat() \
        == "2024-05-14T19:34:00+00:00"
    body = ('<div itemscope itemtype="https://schema.org/NewsArticle"><meta itemprop='
            '"datePublished" content="2024-05-14T16:34+5.30"></div>'
            "<p>By Jane Doe, Print Edition: June 5, 2024</p>" + STORY)
    assert record(page(body)).published.isoformat() == "2024-05-14T11:04:00+00:00"


def test_a_caption_beside_a_picture_linked_to_its_large_rendition_captions_it() -> None:
    # The picture opens larger through a link to its file; the caption box after the link is
    # its caption, the credit box inside it its credit.
    body = ('<a class="picture" href="/uploads/images/1024/ferry.jpg"><img src="/uploads/images'
            '/624/ferry.jpg" alt=""></a><p class="caption">The ferry leaves the island at dawn. '
            '<span class="credit">Bild: Jane Doe</span></p>' + STORY)
    assert lead(record(page(body))) == ("The ferry leaves the island at dawn.", "Jane Doe")


def test_a_picture_linked_to_another_page_is_a_teasers_not_captioned_by_its_neighbour() -> None:
    body = (STORY + '<a href="/news/winter-timetable"><img src="/img/winter.jpg" alt=""></a>'
            '<p class="caption">Winter timetable: what changes</p>')
    assert lead(record(page(body)))[0] is None


def test_an_agency_or_picture_library_alone_after_the_captions_last_sentence_is_its_credit(
        ) -> None:
    assert split_caption("Passengers wait for the first ferry. Pixabay")[1].text == "Pixabay"
    caption, credit = split_caption("Passengers wait for the first ferry. Reuters")
    assert (caption, credit.text) == ("Passengers wait for the first ferry.", "Reuters")
    # a sentence naming one is no credit, nor a short abbreviation before it
    assert split_caption("The photographer works for Reuters")[1] is None
    assert split_caption("Mr. Reuters")[1] is None
    # a label's abbreviation before it ("fot.") is left to the labels' reading
    assert split_caption("Nowa platforma handlu, fot. shutterstock")[1] is None
    figure = ('<figure><a href="/img/ferry.jpg" data-caption="Passengers wait for the first '
              'ferry. Pixabay"><img src="/img/ferry.jpg" alt=""></a></figure>')
    assert lead(record(page(figure + STORY))) == ("Passengers wait for the first ferry.",
                                                  "Pixabay")


def test_a_lazy_picture_without_an_address_is_the_one_its_image_object_declares() -> None:
    # The <img> gets its address from a script; the ImageObject around it declares it, and the
    # figure's caption and credit are that picture's.
    figure = ('<figure class="story-image"><div itemprop="image" itemscope itemtype="http://'
              'schema.org/ImageObject"><meta itemprop="url" content="https://cdn.gazette.example'
              '/2024/ferry.jpg"><img class="lazyimg" alt=""></div><figcaption><cite class='
              '"caption-producer">Jane Doe/Gazette</cite><div class="caption-text">The ferry '
              'leaves the island at dawn.</div></figcaption></figure>')
    head = '<meta property="og:image" content="https://cdn.gazette.example/2024/ferry.jpg">'
    assert lead(record(page(figure + STORY, head=head))) == (
        "The ferry leaves the island at dawn.", "Jane Doe/Gazette")


def test_a_srcset_address_holding_commas_is_read_whole() -> None:
    # A resizer's address with a comma in its crop ("center,center") is one candidate: the
    # comma parts candidates only before white space.
    srcset = ("https://img.gazette.example/ferry.jpg?crop=1xw:1xh;center,center&resize=600:* "
              "1x, https://img.gazette.example/ferry.jpg?crop=1xw:1xh;center,center&resize=1200"
              ":* 2x")
    assert _largest(srcset) == ("https://img.gazette.example/ferry.jpg?crop=1xw:1xh;center,"
                                "center&resize=1200:*")
    assert _largest("a.jpg 300w, b.jpg 1000w, c.jpg 600w") == "b.jpg"
    assert _largest("a.jpg, b.jpg 2x") == "b.jpg"


def test_a_credit_box_holding_a_sentence_of_caption_then_a_labelled_credit() -> None:
    # The lead picture's only box under it, named for its credit, prints the caption too.
    head = ('<meta property="og:image" content="https://img.gazette.example/ferry.jpg?crop=1xw:'
            '1xh;center,center&amp;resize=1200:*">')
    lede = ('<div class="article-lede-image"><div><picture><source media="(min-width: 700px)" '
            'srcset="https://img.gazette.example/ferry.jpg?crop=1xw:1xh;center,center&amp;'
            'resize=1200:*, https://img.gazette.example/ferry.jpg?crop=1xw:1xh;center,center&amp;'
            'resize=2400:* 2x"><img class="responsive-image"></picture></div>'
            '<div class="lede-credit">The island ferry at the harbour wall. Image: Jane Doe</div>'
            '</div>')
    assert lead(record(page(lede + STORY, head=head))) == (
        "The island ferry at the harbour wall.", "Jane Doe")


def test_the_header_figure_of_the_declared_picture_over_a_text_figure_of_a_longer_name() -> None:
    # The declared picture is printed in the page's header, outside the text; a figure in the
    # text shows "...-summer-night.jpg", another picture whose name begins the same.
    head = ('<meta property="og:image" content="https://gazette.example/up/island-ferry-harbour'
            '-summer.png">')
    data = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">{head}
<title>Ferries to run later in summer</title></head><body><div class="hero"><figure><a
href="/up/island-ferry-harbour-summer.png"><img alt=""
src="/up/island-ferry-harbour-summer-696x447.png"></a><figcaption>Image: Jane Doe/Gazette
</figcaption></figure></div><div class="sidebar"><a href="/">Home</a>
</div><article><h1>Ferries to run later in summer</h1><div class="entry-content">{STORY}<figure>
<img src="/up/island-ferry-harbour-summer-night.jpg" alt=""><figcaption>The harbour at night.
</figcaption>
</figure>{STORY}</div></article></body></html>"""
    assert lead(record(data.encode())) == (None, "Jane Doe/Gazette")


def test_a_self_closed_html_tag_does_not_close_the_page() -> None:
    # A template written as XML closes its <html> start tag; browsers read the page on.
    data = page(STORY).replace(b'<html lang="en">',
                               b'<html lang="en" xmlns="http://www.w3.org/1999/xhtml" />')
    article = record(data)
    assert article.title == "Ferries to run later in summer"
    assert "forty minutes" in article.body_text


def test_a_readers_comment_posted_on_a_day_dates_no_article() -> None:
    # "Posted on" labels each comment's date; the article's date is its own <time>.
    comments = ('<section id="comments"><ol class="Comments"><li class="Comment"><footer '
                'class="meta"><p class="date">Posted on 04/13/2024 01:51 PM</p></footer><p>'
                'About time too.</p></li></ol></section>')
    body = ('<footer class="meta"><time datetime="2024-03-02T05:00:00-08:00">March 02, 2024'
            '</time></footer>' + STORY + comments)
    assert record(page(body)).published.date().isoformat() == "2024-03-02"


def test_a_captioned_figure_between_the_headline_and_the_text_is_the_lead_pictures_showing(
        ) -> None:
    # The declared picture is a social crop the page shows nowhere; the feature's picture
    # printed over the text, outside its box, is what readers see as the lead picture.
    head = '<meta property="og:image" content="https://media.gazette.example/ferry-social.jpg">'
    data = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">{head}
<title>Ferries to run later in summer</title></head><body><header class="lede"><h1>Ferries to
run later in summer</h1><figure class="lede-photo"><img src="https://media.gazette.example/
ferry-top.jpg" alt=""><figcaption><cite class="caption-credit">Jane Doe/Gazette</cite>
</figcaption></figure><div class="byline">By John Roe</div></header><ul class="share"><li><a
href="/share/fb">Share</a></li><li><a href="/share/mail">Mail</a></li></ul><article><div
class="article-body">{STORY}<figure class="video"><div class="player"></div></figure>{STORY}
</div></article></body></html>"""
    assert lead(record(data.encode())) == (None, "Jane Doe/Gazette")
    # a byline's portrait there is no lead picture
    portrait = data.replace('alt=""><figcaption>', 'alt="" width="60" height="60"><figcaption>')
    assert lead(record(portrait.encode())) == (None, None)


def test_a_page_that_says_it_has_comments_still_dates_its_article() -> None:
    # "has-comments" on the <html> names no comment box: the article's <time> is read before
    # the chrome goes as on any page; a comment's is not.
    root = lxml_html.document_fromstring(f"""<html class="no-js has-comments"><body><article>
<h1>Ferries to run later in summer</h1><aside class="meta"><time datetime="2024-03-02T10:00:00Z">
2 March</time></aside>{STORY}<ol class="comments"><li><time datetime="2024-03-05T08:00:00Z">5
March</time> About time too.</li></ol></article></body></html>""")
    assert [t.get("datetime") for t, _ in _page_times(root)] == ["2024-03-02T10:00:00Z"]


def test_a_declared_day_takes_the_articles_instant_on_that_day_in_its_zone() -> None:
    # A date-only field gives the local day; the article's <time> gives the instant, which in
    # UTC falls on the next day.
    head = '<meta property="article:published_time" content="2024-04-11">'
    body = ('<header class="postHeader"><div class="story-meta-footer"><time datetime="2024-04-12'
            'T01:43:18+00:00">April 11, 2024 9:43 pm</time></div></header>' + STORY)
    assert record(page(body, head=head)).published.isoformat() == "2024-04-12T01:43:18+00:00"
    # an instant on another day in every zone is another date (an update's)
    later = body.replace("2024-04-12T01:43:18", "2024-04-14T01:43:18")
    assert record(page(later, head=head)).published.date().isoformat() == "2024-04-11"


def test_a_lazy_pictures_labelled_tooltip_is_its_credit() -> None:
    # The declared picture is shown in a <picture> whose sources load lazily; its only credit
    # is the tooltip "Photo: ..." (the <img> is a placeholder's data address).
    head = ('<meta property="og:image" content="https://radio.example/styles/facebook/public/'
            'images/413e7a1e8540.jpg?itok=eBbv">')
    body = ('<div class="field-image-primary"><picture title="Photo: ČTK/Jane Doe"><source '
            'data-srcset="https://radio.example/styles/tablet/public/images/413e7a1e8540.jpg?'
            'itok=qPPY 1x" media="(min-width: 640px)"><img class="lazyload" srcset="data:image/'
            'gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7 1w" alt="Photo: '
            'ČTK/Jane Doe" title="Photo: ČTK/Jane Doe"></picture></div>' + STORY)
    assert lead(record(page(body, head=head))) == (None, "ČTK/Jane Doe")
