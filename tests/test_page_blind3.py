"""Article pages read as a careful reader reads them (issue 17): cases found by a third set of
news pages labelled blind (news-blind3), each here as a small invented page of our own text.
"""

from __future__ import annotations

from lxml import html as lxml_html

from normalize.page.visible import _find_byline
from test_page_blind2 import STORY, record  # the same invented story and reading

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


def test_a_post_marked_commented_is_no_comment_thread() -> None:
    # Kinja's <article class="post commented">: the post has comments; its avatar and the
    # name beside it, both linking to the writer's own site, are the byline
    data = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ferries to run later in summer</title></head><body>
<article class="row post commented"><h1>Ferries to run later in summer</h1>
<div class="meta"><a href="https://marenholt.blog.example"><img class="avatar"
src="https://img.example/avt.jpg"></a> <span class="display-name"><a
href="https://marenholt.blog.example">Maren Holt</a></span> <span>8/17/13 11:04am</span></div>
{STORY}</article></body></html>""".encode()
    assert record(data).authors == ("Maren Holt",)


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


# --- dates -----------------------------------------------------------------------------------

def test_a_time_printed_with_its_zone_is_read_in_that_zone() -> None:
    line = '<p class="dateline">By Maren Holt | September 13, 2011, 8:50 PM EDT</p>'
    assert record(page(line + STORY)).published.isoformat() == "2011-09-14T00:50:00+00:00"
    # "ET": New York's offset on that day (standard time in November)
    line = '<p class="dateline">by Maren Holt | November 04, 2014 09:00pm ET</p>'
    assert record(page(line + STORY)).published.isoformat() == "2014-11-05T02:00:00+00:00"


def test_a_time_printed_without_a_zone_stays_as_read() -> None:
    line = '<p class="dateline">By Maren Holt | September 13, 2011, 8:50 PM</p>'
    assert record(page(line + STORY)).published.isoformat() == "2011-09-13T20:50:00+00:00"


def test_the_same_days_update_does_not_replace_the_printed_time_of_publication() -> None:
    line = ('<p class="byline">Maren Holt</p><p>Published <time>Monday, Dec. 29 2014, 6:00 AM'
            '</time></p><p>Last updated <time class="updated">Monday, Dec. 29 2014, 8:57 PM'
            '</time></p>')
    assert record(page(line + STORY)).published.isoformat() == "2014-12-29T06:00:00+00:00"


def test_china_standard_time_is_no_american_central_time() -> None:
    data = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>港口新渡轮时刻表'
            '</title></head><body><h1>港口新渡轮时刻表</h1><p class="time">2019-09-07 15:10 CST</p>'
            '<p>港口管理局周一批准了新的渡轮时刻表，夏季每四十分钟一班，最后一班船比以前晚一个小时'
            '离开大陆。</p><p>岛上居民多年来一直要求增加晚间航班，议会对此表示欢迎，但表示冬季时刻表'
            '仍然让岛屿在夜间与外界隔绝。</p></body></html>').encode()
    assert record(data, "https://news.example.cn/a/1.html").published.isoformat() \
        == "2019-09-07T07:10:00+00:00"


def test_a_readers_comment_dates_no_article() -> None:
    # the comment thread's meta box ("cMetadata": a class naming "data") prints the comment's
    # date; the article's own day comes from elsewhere (here its address)
    thread = ('<ul class="commentlist"><li class="commententry"><ul class="cMetadata"><li>2:15 pm'
              ' November 11, 2014</li></ul><p>A fine plan for the islands.</p></li></ul>')
    data = page(STORY + thread)
    assert record(data, "https://gazette.example/news/2014/06/03/ferries").published.date() \
        .isoformat() == "2014-06-03"


def test_the_line_after_a_picture_that_its_alt_repeats_is_its_caption() -> None:
    alt = "The new evening ferry leaves the quay at Holm on Monday."
    figure = (f'<div class="story-image"><div class="frame"><img src="https://media.gazette.'
              f'example/photo/4414.jpg" alt="{alt}" width="300"></div><div>{alt}</div></div>')
    assert lead(record(page(figure + STORY)))[0] == alt
    # a line after the picture that says something else is the text's, not a caption
    other = (f'<div class="story-image"><div class="frame"><img src="https://media.gazette.'
             f'example/photo/4415.jpg" alt="{alt}" width="300"></div><div>Ferry times change on '
             f'Monday.</div></div>')
    assert lead(record(page(other + STORY)))[0] != "Ferry times change on Monday."


def test_a_chinese_written_by_line_names_its_writers() -> None:
    # "执笔/" (simplified: written by), the names parted by "、" and "&"
    data = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>港口新渡轮时刻表'
            '</title></head><body><h1>港口新渡轮时刻表</h1><p><strong>执笔/海风、林岚&amp;周晓</strong></p>'
            '<p>港口管理局周一批准了新的渡轮时刻表，夏季每四十分钟一班，最后一班船比以前晚一个小时'
            '离开大陆。</p><p>岛上居民多年来一直要求增加晚间航班，议会对此表示欢迎，但表示冬季时刻表'
            '仍然让岛屿在夜间与外界隔绝。</p></body></html>').encode()
    assert record(data, "https://news.example.cn/a/2.html").authors == ("海风", "林岚", "周晓")


def test_a_printed_day_takes_the_declared_instant_that_falls_on_it_in_the_pages_zone() -> None:
    # "December 22, 2014" printed, 20:15 New York time declared: 01:15 UTC on the 23rd
    head = '<meta name="date" content="2014-12-22T20:15:00-05:00">'
    line = '<p class="byline">By Maren Holt | <span class="dateline">December 22, 2014</span></p>'
    assert record(page(line + STORY, head=head)).published.isoformat() \
        == "2014-12-23T01:15:00+00:00"
    # an instant two days off is another date's, and the printed day stays
    head = '<meta name="date" content="2014-12-24T20:15:00-05:00">'
    assert record(page(line + STORY, head=head)).published.date().isoformat() == "2014-12-22"
