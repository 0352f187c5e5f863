"""Publication dates of article pages: which declared date is the publication, and time zones.

A record's dates are UTC instants; a value that is only a calendar day (written with no time,
or as midnight of the page's own zone) stays on its own day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from normalize import page
from normalize.page.dates import _parse_declared_date

_TEXT = ("<p>Der Gemeinderat hat am Abend den Haushalt für das kommende Jahr beschlossen. Die "
         "Investitionen in Schulen und Straßen steigen deutlich, die Gebühren bleiben stabil.</p>"
         "<p>Die Opposition stimmte dagegen und kritisierte die neue Verschuldung der Gemeinde, "
         "die bis zum Ende des Jahrzehnts weiter wachsen soll.</p>")


def _published(head: str, body: str = "") -> datetime | None:
    html = (f"<html lang='de'><head><title>Haushalt beschlossen</title>{head}</head><body>"
            f"<article><h1>Haushalt beschlossen</h1>{body}{_TEXT}</article></body></html>")
    return page.parse(html.encode(), url="https://gemeinde.example/haushalt")[0].published


def _json_ld(**fields: str) -> str:
    items = "".join(f', "{k}": "{v}"' for k, v in fields.items())
    return ('<script type="application/ld+json">{"@context": "https://schema.org", '
            f'"@type": "NewsArticle", "headline": "Haushalt beschlossen"{items}}}</script>')


def test_a_republished_pages_earlier_declared_date_is_its_publication() -> None:
    # The SEO plugin's JSON-LD carries the day of the last edit; the Open Graph tag the first.
    head = (_json_ld(datePublished="2024-03-12T09:00:00+01:00",
                     dateModified="2024-03-12T09:00:00+01:00")
            + '<meta property="article:published_time" content="2023-11-02T16:30:00+01:00">')
    assert _published(head) == datetime(2023, 11, 2, 15, 30, tzinfo=timezone.utc)


def test_declared_dates_on_the_same_day_keep_the_first_source() -> None:
    head = (_json_ld(datePublished="2023-11-02T16:30:00+01:00")
            + '<meta property="article:published_time" content="2023-11-02T18:05:00+01:00">')
    assert _published(head) == datetime(2023, 11, 2, 15, 30, tzinfo=timezone.utc)


def test_local_midnight_is_a_calendar_day_not_the_utc_evening_before() -> None:
    head = '<meta property="article:published_time" content="2022-01-28T00:00:00+01:00">'
    assert _published(head) == datetime(2022, 1, 28, tzinfo=timezone.utc)
    shown = '<time datetime="2022-01-28T00:00:00+01:00">28.01.2022</time>'
    assert _published("", shown) == datetime(2022, 1, 28, tzinfo=timezone.utc)


def test_a_time_of_day_is_converted_to_utc() -> None:
    head = '<meta property="article:published_time" content="2022-05-07T20:06:23-05:00">'
    assert _published(head) == datetime(2022, 5, 8, 1, 6, 23, tzinfo=timezone.utc)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(min_value=-12 * 4, max_value=14 * 4).filter(bool))
def test_midnight_in_any_zone_keeps_its_day(day: date, quarters: int) -> None:
    zone = timezone(timedelta(minutes=15 * quarters))
    value = datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()
    assert _parse_declared_date(value) == datetime(day.year, day.month, day.day,
                                                   tzinfo=timezone.utc)


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31),
                    timezones=st.just(timezone(timedelta(hours=2)))))
def test_a_declared_instant_is_the_same_instant_in_utc(moment: datetime) -> None:
    if moment.time() == datetime.min.time():
        return  # a calendar day (above)
    assert _parse_declared_date(moment.isoformat()) == moment.astimezone(timezone.utc)


def test_a_date_labelled_as_the_publication_beats_the_last_change_printed_first() -> None:
    meta = ('<div class="info">Letzte Änderung: 31.10.2023 - 14:49:39<br>Erschienen am: '
            '01.11.2023<br>Aufrufe: 61</div>')
    assert _published("", meta) == datetime(2023, 11, 1, tzinfo=timezone.utc)


def test_a_date_labelled_as_an_update_is_not_the_publication() -> None:
    from lxml import html

    from normalize.page.dates import _find_date

    shown = html.fromstring('<div><p class="date">Updated June 13, 2019</p></div>')
    assert _find_date(shown, None) is None
    # The first date of the line is the publication; the update comes after it.
    line = '<p class="date">Written: 2023-11-07 15:03 / Updated: 2023-11-08 09:30</p>'
    assert _published("", line) == datetime(2023, 11, 7, 15, 3, tzinfo=timezone.utc)


def test_a_sentence_ending_in_published_gives_no_date() -> None:
    body = ("<p>Der Bericht wurde heute <strong>veröffentlicht.</strong> Die Zahlen vom "
            "4. November 2021 zeigen einen Rückgang.</p>")
    assert _published('<meta property="article:published_time" content="2021-11-05">',
                      body) == datetime(2021, 11, 5, tzinfo=timezone.utc)
    from normalize.page.dates import _labelled_date
    from lxml import html
    assert _labelled_date([html.fromstring(f"<div>{body}</div>")]) is None


def test_a_date_heading_the_text_is_its_publication() -> None:
    assert _published("", "<p>29.11.2022 – Der Gemeinderat tagte erneut.</p>") \
        == datetime(2022, 11, 29, tzinfo=timezone.utc)
    assert _published("", "<p>(21. November 2022) Der Gemeinderat tagte erneut.</p>") \
        == datetime(2022, 11, 21, tzinfo=timezone.utc)


def test_a_date_heading_the_first_paragraph_after_a_kicker_and_byline_dates_it() -> None:
    # The text opens with the headline repeated and the byline, then the dated paragraph.
    body = ("<h6>Haushalt beschlossen</h6><h5>Von Anna Beispiel</h5>"
            "<p>(21. November 2022) Der Gemeinderat hat am Abend erneut getagt und beraten.</p>")
    assert _published("", body) == datetime(2022, 11, 21, tzinfo=timezone.utc)


def test_a_date_in_the_middle_of_the_text_does_not_head_it() -> None:
    from lxml import html

    from normalize.page.dates import _leading_date

    blocks = [html.fromstring("<p>Der Gemeinderat hat am Abend den Haushalt beschlossen, die "
                              "Opposition stimmte dagegen.</p>"),
              html.fromstring("<p>(21. November 2022) Die nächste Sitzung folgt.</p>")]
    assert _leading_date(blocks) is None


def test_the_dates_of_a_list_of_other_articles_do_not_date_the_article() -> None:
    # A "more news" list inside the article's column; the article's own date sits above it,
    # in a banner outside the article.
    html = ("<html lang='de'><head><title>Haushalt beschlossen</title></head><body>"
            "<div class='title-holder'><h1>Haushalt beschlossen</h1><time datetime='2022-12-12 12:22'>"
            "12.12.2022 12:22</time></div><article>" + _TEXT + "<div class='weitere'><ul>"
            "<li><a href='/a'>Schulbau beginnt</a> <time datetime='2022-08-10 11:05'>10.08.2022"
            "</time></li><li><a href='/b'>Neue Buslinie</a> <time datetime='2022-07-01 09:00'>"
            "01.07.2022</time></li></ul></div></article></body></html>")
    record = page.parse(html.encode(), url="https://gemeinde.example/haushalt")[0]
    assert record.published == datetime(2022, 12, 12, 12, 22, tzinfo=timezone.utc)


def test_what_heads_the_text_without_a_date_gives_none() -> None:
    from lxml import html

    from normalize.page.dates import _leading_date

    for text in ("Im Jahr 2022 - so der Rat - stiegen die Kosten.", "12:30 – Der Rat tagte.",
                 "Der Gemeinderat hat am Abend getagt."):
        assert _leading_date([html.fromstring(f"<p>{text}</p>")]) is None


def test_a_creation_label_is_a_publication_label() -> None:
    body = "<p class='info'>Erstellt am: 01.11.2023</p>"
    assert _published('<meta name="date" content="11/01/2023 12:43:42">', body) \
        == datetime(2023, 11, 1, tzinfo=timezone.utc)


def test_the_short_line_under_the_headline_gives_the_date() -> None:
    html = ("<html><head><title>Nachruf</title></head><body><main><h1>Nachruf auf einen "
            "Golfer</h1><div><p> 1. Februar 2022 , Daniel Dillenburg </p><figure><img "
            "src='a.jpg'></figure></div>" + _TEXT + "<aside><p>Mehr: 21. Januar 2022</p></aside>"
            "</main></body></html>")
    record = page.parse(html.encode(), url="https://golf.example/nachruf")[0]
    assert record.published == datetime(2022, 2, 1, tzinfo=timezone.utc)


def test_a_date_in_the_text_below_the_headline_is_not_its_meta_line() -> None:
    from lxml import html

    from normalize.page.dates import _date_by_headline

    root = html.fromstring("<div><h1>Haushalt beschlossen</h1>" + _TEXT
                           + "<p>Sitzung am 4. Mai 2022</p></div>")
    assert _date_by_headline(root, None) is None


def test_a_labelled_date_keeps_the_time_its_time_element_declares() -> None:
    line = ('<div class="entry-meta">Publicado em <time datetime="2024-06-12T18:30:00+01:00">'
            '12 de junho de 2024</time></div>')
    assert _published("", line) == datetime(2024, 6, 12, 17, 30, tzinfo=timezone.utc)


def test_a_declared_date_written_without_leading_zeros_is_read() -> None:
    # Some CMSs print "2022-5-5 22:17:36"; ISO readers refuse it, and htmldate used to guess.
    head = '<meta property="article:published_time" content="2022-5-5 22:17:36">'
    assert _published(head) == datetime(2022, 5, 5, 22, 17, 36, tzinfo=timezone.utc)


def test_a_two_digit_year_run_into_its_time_is_no_year_1912() -> None:
    from normalize.page.dates import _parse_text_date

    # "<span>28.09.19</span><span>12:44</span>": the spans' texts meet with no space between.
    assert _parse_text_date("28.09.1912:44") is None
    assert _parse_text_date("28.09.2019 12:44") == datetime(2019, 9, 28, 12, 44, tzinfo=timezone.utc)


def test_local_midnight_written_without_leading_zeros_is_a_calendar_day() -> None:
    assert _parse_declared_date("2022-5-5T00:00:00+02:00") == datetime(2022, 5, 5,
                                                                       tzinfo=timezone.utc)


def test_a_printed_date_with_spaced_parts_is_read_day_first() -> None:
    from normalize.page.dates import _parse_text_date

    # "4. 2. 2022" on a German page is the 4th of February (dateutil reads it as April 2nd).
    assert _parse_text_date("Von Tennisverband 4. 2. 2022") == datetime(2022, 2, 4,
                                                                       tzinfo=timezone.utc)
    line = "<p class='meta'>Von Tennisverband 4. 2. 2022</p>"
    assert _published("", line) == datetime(2022, 2, 4, tzinfo=timezone.utc)


def test_a_numeric_date_with_no_such_month_second_is_read_month_first() -> None:
    from normalize.page.dates import _parse_text_date

    # "11/28/2016 11:00 AM PT": there is no 28th month, so the American order; a date that
    # reads either way keeps the day first.
    assert _parse_text_date("EXCLUSIVE 11/28/2016 11:00 AM PT") == datetime(
        2016, 11, 28, 11, 0, tzinfo=timezone.utc)
    assert _parse_text_date("04/02/2022") == datetime(2022, 2, 4, tzinfo=timezone.utc)
    line = "<p class='published-at'>Posted 12/31/2019</p>"
    assert _published("", line) == datetime(2019, 12, 31, tzinfo=timezone.utc)


def test_a_generic_meta_date_yields_to_the_date_printed_in_the_article() -> None:
    # <meta name="date"> often carries the page's last build; the article prints its day.
    head = '<meta name="date" content="2021-12-20T11:02:44+01:00">'
    line = '<p class="article-date">27.01.2022</p>'
    assert _published(head, line) == datetime(2022, 1, 27, tzinfo=timezone.utc)


def test_a_generic_meta_date_beats_a_date_printed_outside_the_article() -> None:
    head = '<meta name="date" content="2017-05-01T17:05:00+0200">'
    html = ("<html lang='de'><head><title>Haushalt beschlossen</title>" + head + "</head><body>"
            "<header><h1><a href='/' class='logo'>Gemeindeblatt</a></h1><span class='date'>"
            "Mittwoch, 26.02.2020</span></header><article><h1>Haushalt beschlossen</h1>"
            + _TEXT + "</article></body></html>")
    record = page.parse(html.encode(), url="https://gemeinde.example/haushalt")[0]
    assert record.published == datetime(2017, 5, 1, 15, 5, tzinfo=timezone.utc)


def test_a_printed_day_takes_the_instant_a_meta_date_of_the_same_day_gives() -> None:
    head = '<meta name="date" content="2020-04-20T14:57:27+02:00">'
    line = '<p class="date">20. April 2020</p>'
    assert _published(head, line) == datetime(2020, 4, 20, 12, 57, 27, tzinfo=timezone.utc)


def test_the_meta_line_before_the_headline_is_inside_the_article() -> None:
    from lxml import html

    from normalize.page.dates import _date_by_headline

    root = html.fromstring("<div><div class='top'>Mittwoch, 26.02.2020</div><article><h1>"
                           "Haushalt beschlossen</h1>" + _TEXT + "</article></div>")
    article = root.find(".//article")
    assert _date_by_headline(root, article) is None
    root = html.fromstring("<div><article><p>4. Mai 2022</p><h1>Haushalt beschlossen</h1>"
                           + _TEXT + "</article></div>")
    assert _date_by_headline(root, root.find(".//article")) \
        == datetime(2022, 5, 4, tzinfo=timezone.utc)


def test_a_time_in_a_meta_box_named_like_chrome_still_dates_the_article() -> None:
    # The meta line sits in an <aside class="meta">, which goes with the chrome; the generic
    # meta date is the page's last build.
    head = '<meta name="date" content="2022-01-26T14:32:06+02:00">'
    html = ("<html lang='de'><head><title>Haushalt beschlossen</title>" + head + "</head><body>"
            "<article><h1>Haushalt beschlossen</h1><aside class='meta'><p><time "
            "datetime='2022-01-21'>21.01.2022 - 13:30</time></p></aside>" + _TEXT
            + "<div class='comments'><p>Gut so! <time datetime='2022-01-19'>19.01.2022</time>"
            "</p></div></article></body></html>")
    record = page.parse(html.encode(), url="https://gemeinde.example/haushalt")[0]
    assert record.published == datetime(2022, 1, 21, tzinfo=timezone.utc)


def test_a_readers_comment_gives_no_publication_date() -> None:
    head = '<meta name="date" content="2022-01-26T14:32:06+02:00">'
    body = ("<div class='comment-box'><p>Gut so! <time datetime='2022-01-19'>19.01.2022</time>"
            "</p></div>")
    assert _published(head, body) == datetime(2022, 1, 26, 12, 32, 6, tzinfo=timezone.utc)


def test_central_european_midnight_written_in_utc_is_a_calendar_day() -> None:
    # A date-only field kept as local midnight and written with JavaScript's toISOString.
    winter = '<meta property="article:published_time" content="2022-11-06T23:00:00.000Z">'
    assert _published(winter) == datetime(2022, 11, 7, tzinfo=timezone.utc)
    summer = '<meta property="article:published_time" content="2022-06-06T22:00:00Z">'
    assert _published(summer) == datetime(2022, 6, 7, tzinfo=timezone.utc)
    # 23:00 UTC in summer is 01:00 in Berlin: an instant, kept.
    late = '<meta property="article:published_time" content="2022-06-06T23:00:00Z">'
    assert _published(late) == datetime(2022, 6, 6, 23, tzinfo=timezone.utc)


def test_utc_evening_on_a_page_read_on_several_continents_stays_an_instant() -> None:
    html = ("<html lang='en'><head><title>Budget passed</title><meta property="
            "'article:published_time' content='2022-11-06T23:00:00Z'></head><body><article>"
            "<h1>Budget passed</h1><p>The council passed the budget for the coming year after a "
            "long debate about schools and roads in the town.</p></article></body></html>")
    record = page.parse(html.encode(), url="https://town.example/budget")[0]
    assert record.published == datetime(2022, 11, 6, 23, tzinfo=timezone.utc)


def test_central_european_summer_time_follows_the_eu_rule() -> None:
    from normalize.page.dates import _central_european_offset

    # 2024: summer time from 31 March to 27 October, 01:00 UTC.
    hour = timedelta(hours=1)
    assert _central_european_offset(datetime(2024, 3, 31, 0, 59, tzinfo=timezone.utc)) == hour
    assert _central_european_offset(datetime(2024, 3, 31, 1, tzinfo=timezone.utc)) == 2 * hour
    assert _central_european_offset(datetime(2024, 10, 27, 0, 59, tzinfo=timezone.utc)) \
        == 2 * hour
    assert _central_european_offset(datetime(2024, 10, 27, 1, tzinfo=timezone.utc)) == hour


def test_a_json_ld_block_with_a_stray_closing_brace_is_still_read() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
            '"Haushalt beschlossen", "datePublished": "2023-11-02T16:30:00+01:00"}\n}</script>')
    assert _published(head) == datetime(2023, 11, 2, 15, 30, tzinfo=timezone.utc)


def test_a_date_printed_year_first_is_read() -> None:
    from normalize.page.dates import _parse_text_date

    for text in ("2023年11月2日", "2023年11月02日 16:30", "2023년 11월 2일", "2023/11/02",
                 "2023. 11. 2."):
        assert _parse_text_date(text).date() == date(2023, 11, 2), text
    assert _parse_text_date("2023年11月02日 16:30").hour == 16
    assert _parse_text_date("v2.2023.11.02") is None


def test_the_sites_header_date_beside_its_logo_is_the_days_not_the_articles() -> None:
    html = ("<html><head><title>Haushalt beschlossen</title></head><body><header><img "
            "src='logo.png'><span class='date'>Fri, 3 Nov 2023</span></header><div "
            "class='main'><div class='lead'><h2>Haushalt beschlossen</h2><p>Gemeindebote<br>2 "
            "Nov 2023, 16:30</p></div><div class='text'>" + _TEXT + "</div></div></body></html>")
    record = page.parse(html.encode(), url="https://gemeinde.example/haushalt")[0]
    assert record.published.date() == date(2023, 11, 2)


def test_the_meta_line_under_the_headline_in_a_box_named_like_chrome_dates_it() -> None:
    html = ("<html><head><title>Haushalt beschlossen</title></head><body><article><h1>Haushalt "
            "beschlossen</h1><ul class='nav meta'><li><a href='/day/2023-11-02'>2 Nov 2023 "
            "16:30</a></li><li>1479</li></ul>" + _TEXT + "</article></body></html>")
    record = page.parse(html.encode(), url="https://gemeinde.example/haushalt")[0]
    assert record.published.date() == date(2023, 11, 2)


def test_a_date_before_the_web_near_the_headline_is_no_publication_date() -> None:
    from normalize.page.dates import _printed_date

    assert _printed_date("Geboren am 28. Januar 1975") is None
    assert _printed_date("2. November 2023") == datetime(2023, 11, 2, tzinfo=timezone.utc)


def test_the_meta_line_after_the_standfirst_and_many_wrappers_dates_the_article() -> None:
    from lxml import html

    from normalize.page.dates import _date_by_headline

    lead = ("<p class='headline__lead'>Der Gemeinderat hat den Haushalt beschlossen, die "
            "Opposition stimmte dagegen und kritisierte die neue Verschuldung.</p>")
    meta = ("".join(f"<div class='w{i}'><span></span>" for i in range(10))
            + "<span>Anna Muster</span><span>2. November 2023</span>" + "</div>" * 10)
    root = html.fromstring("<div><article><h1>Haushalt beschlossen</h1>" + lead + meta
                           + _TEXT + "</article></div>")
    assert _date_by_headline(root, root.find(".//article")) \
        == datetime(2023, 11, 2, tzinfo=timezone.utc)


def test_a_teasers_time_does_not_date_the_article() -> None:
    from lxml import html

    from normalize.page.dates import _find_date

    teaser = ("<div class='teaser'><h3><a href='/andere'>Schulbau beginnt</a></h3><time "
              "datetime='2023-10-05T08:00:00Z'>05.10.2023</time></div>")
    nested = ("<article><h3><a href='/andere'>Schulbau beginnt</a></h3><time "
              "datetime='2023-10-05T08:00:00Z'>05.10.2023</time></article>")
    for other in (teaser, nested):
        root = html.fromstring("<div><article><h1>Haushalt beschlossen</h1>" + other
                               + "<p class='date'>2. November 2023</p>" + _TEXT
                               + "</article></div>")
        assert _find_date(root, root.find("article")) \
            == datetime(2023, 11, 2, tzinfo=timezone.utc)


def test_the_day_in_the_url_stands_in_when_the_page_shows_none() -> None:
    from normalize.page.dates import url_date

    html = ("<html><head><title>Haushalt beschlossen</title></head><body><article><h1>Haushalt "
            "beschlossen</h1>" + _TEXT + "</article></body></html>")
    record = page.parse(html.encode(), url="https://gemeinde.example/2023/11/02/haushalt")[0]
    assert record.published == datetime(2023, 11, 2, tzinfo=timezone.utc)
    assert url_date("https://x.example/news/20231102/haushalt").day == 2
    assert url_date("https://x.example/a/2023-11-02-1.3874341").day == 2
    assert url_date("https://x.example/a/120231102120908039/b") is None
    assert url_date("https://x.example/a/2023/13/02/b") is None


def test_dates_printed_in_more_languages_are_read() -> None:
    from normalize.page.dates import _parse_text_date

    for text in ("2 ноября 2023 14:02", "2 листопада 2023", "الإثنين، 2 نوفمبر 2023 09:23 ص",
                 "Kamis, 2 November 2023", "2 Kasım 2023", "2 listopada 2023",
                 "2 noiembrie 2023", "2. listopadu 2023", "2 Νοεμβρίου 2023",
                 "Thu 2nd November 2023"):
        found = _parse_text_date(text)
        assert found is not None and found.date().month == 11, text
    assert _parse_text_date("1 декабря 2023 14:02").day == 1


def test_a_meta_line_that_gives_only_its_update_gives_that_day() -> None:
    from lxml import html

    from normalize.page.dates import _date_by_headline

    root = html.fromstring("<div><article><h1>Haushalt beschlossen</h1><p>PTI</p><span>"
                           "Updated: March 16, 2020, 5:01 PM IST</span>" + _TEXT
                           + "</article></div>")
    assert _date_by_headline(root, root.find(".//article")).date() == date(2020, 3, 16)
    root = html.fromstring("<div><article><h1>Haushalt beschlossen</h1><span>Updated: March "
                           "16, 2020</span><span>Published: March 12, 2020</span>" + _TEXT
                           + "</article></div>")
    assert _date_by_headline(root, root.find(".//article")).date() == date(2020, 3, 12)


def test_a_two_digit_year_in_a_meta_line_is_read_day_first() -> None:
    from normalize.page.dates import _parse_text_date

    assert _parse_text_date("Von Anna Muster | 19.10.19, 08:16 Uhr") \
        == datetime(2019, 10, 19, 8, 16, tzinfo=timezone.utc)
    assert _parse_text_date("31/10/23").date() == date(2023, 10, 31)
    assert _parse_text_date("28.09.1912:44") is None
    assert _parse_text_date("v1.2.3.4") is None


def test_publication_labels_in_more_languages() -> None:
    from normalize.page.dates import _printed_date

    assert _printed_date("Обновлено 3 ноября 2023 Опубликовано 2 ноября 2023").day == 2
    assert _printed_date("Diperbarui 3 November 2023") is None
    assert _printed_date("Opublikowano: 2 listopada 2023").day == 2


def test_a_box_that_shows_the_clock_gives_no_publication_date() -> None:
    from lxml import html

    from normalize.page.dates import _find_date

    root = html.fromstring("<div><div class='current-time'>Aktuelles Datum und Uhrzeit: "
                           "11/02/20, 07:22 pm</div><p class='date'>2. November 2023</p></div>")
    assert _find_date(root, None) == datetime(2023, 11, 2, tzinfo=timezone.utc)


def test_declared_dates_days_apart_give_the_one_the_meta_line_prints() -> None:
    # A republished page: its microdata keeps the first publication, its Dublin Core tag and
    # the meta line under the headline the day it was published again.
    head = ('<meta name="pubdate" content="2021-12-14T15:41:07+01:00">'
            '<meta name="DC.date.issued" content="2022-02-04T15:33:00+01:00">')
    line = "<p class='meta'>04.02.2022 | 15:33 Uhr | Anna Muster</p>"
    assert _published(head, line) == datetime(2022, 2, 4, 14, 33, tzinfo=timezone.utc)
    # Printed nowhere: the earliest, as before.
    assert _published(head) == datetime(2021, 12, 14, 14, 41, 7, tzinfo=timezone.utc)


def test_an_update_under_the_headline_tells_no_declared_date_apart() -> None:
    head = (_json_ld(datePublished="2017-12-15T08:50:02-05:00")
            + '<meta name="sailthru.date" content="2018-07-24">')
    line = "<p class='meta'>Updated Jul 24, 2018, 2:15pm EDT</p>"
    assert _published(head, line) == datetime(2017, 12, 15, 13, 50, 2, tzinfo=timezone.utc)


def test_declared_times_a_zone_apart_are_one_time_not_two_dates() -> None:
    # A meta tag's local time without its zone beside the same instant in UTC.
    head = ('<meta property="article:published_time" content="2016-12-20T00:08:44Z">'
            '<meta name="sailthru.date" content="2016-12-19T19:08:44">')
    line = "<p class='meta'>December 19, 2016 | 7:08pm</p>"
    assert _published(head, line) == datetime(2016, 12, 20, 0, 8, 44, tzinfo=timezone.utc)


def test_the_meta_line_after_a_kicker_headline_and_a_lead_box_dates_the_article() -> None:
    from lxml import html

    from normalize.page.dates import _date_by_headline

    # The headline set again in an <h2> with its kicker (longer than a meta line), and the
    # standfirst's paragraph in a box named "lead", come before the meta line.
    root = html.fromstring(
        "<div><article><h1>Haushalt beschlossen</h1><h2><span>Stadtrat</span> <span>Haushalt "
        "beschlossen: Schulen und Straßen bekommen mehr Geld im kommenden Jahr</span></h2>"
        "<div class='v-lead'><p>Der Gemeinderat hat den Haushalt beschlossen, die Opposition "
        "stimmte dagegen und kritisierte die neue Verschuldung.</p></div><div class='info'>"
        "<div>Anna Muster</div><div>06.01.2022</div></div>" + _TEXT + "</article></div>")
    assert _date_by_headline(root, None, ("following",), "Haushalt beschlossen") \
        == datetime(2022, 1, 6, tzinfo=timezone.utc)


def test_the_sites_header_time_beside_its_logo_is_the_days_not_the_articles() -> None:
    from lxml import html

    from normalize.page.dates import _find_date

    root = html.fromstring(
        "<html><body><div id='head'><header><img src='logo.png'><span class='mod_datetime'>"
        "<time datetime='2023-11-01T13:56:20+01:00'>Mittwoch, 01. November 2023</time></span>"
        "</header></div><div class='main'><h1>Haushalt beschlossen</h1>" + _TEXT
        + "</div></body></html>")
    assert _find_date(root, root.find(".//div[@class='main']")) is None


def test_an_articles_own_header_without_the_headline_still_dates_it() -> None:
    html = ("<html><head><title>Haushalt beschlossen</title></head><body><article><h1>"
            "Haushalt beschlossen</h1><header class='entry-meta'><time datetime="
            "'2023-11-02T16:30:00+01:00'>2. November 2023</time></header>" + _TEXT
            + "</article></body></html>")
    record = page.parse(html.encode(), url="https://gemeinde.example/haushalt")[0]
    assert record.published == datetime(2023, 11, 2, 15, 30, tzinfo=timezone.utc)


def test_a_meta_line_days_before_a_rebuilt_pages_declared_day_is_its_publication() -> None:
    # Published and last edited declared on one day (the content system refilled both when
    # the page moved); the line under the headline prints the article's day, months earlier.
    head = _json_ld(datePublished="2024-11-17T10:33:13Z", dateModified="2024-11-17T10:33:13Z")
    body = '<p class="meta"><time datetime="2024-03-09">09.03.2024</time></p>'
    assert _published(head, body).date() == date(2024, 3, 9)
    # A meta line on the declared day, or a day before it, changes nothing.
    assert _published(head, '<p class="meta">16.11.2024</p>').date() == date(2024, 11, 17)


def test_a_dated_address_keeps_a_rebuilt_pages_declared_day() -> None:
    # The page's address files it under the declared day: a year the meta line got wrong
    # ("for Jan. 17, 2023" printed as 2022 after the new year) is the page's slip.
    head = _json_ld(datePublished="2023-01-17T08:00:00Z", dateModified="2023-01-17T09:00:00Z")
    html = (f"<html lang='en'><head><title>Letters</title>{head}</head><body><article>"
            f"<h1>Letters</h1><p>Letters to the editor for Jan. 17, 2022</p>{_TEXT}</article>"
            "</body></html>")
    [record] = page.parse(html.encode(), url="https://news.example/2023/01/17/letters/")
    assert record.published.date() == date(2023, 1, 17)


def test_a_local_time_written_without_its_offset_takes_the_offset_the_page_gives_it() -> None:
    # The JSON-LD writes local times bare; a meta tag writes one of them again with its offset
    # (-03:00): the bare publication time is local too, and 23:35 there is 02:35 UTC.
    head = (_json_ld(datePublished="2022-05-10T23:35:55", dateModified="2022-05-11T4:10:00")
            + '<meta name="cXenseParse:recs:publishtime" content="2022-05-11T04:10:00-03:00">')
    assert _published(head) == datetime(2022, 5, 11, 2, 35, 55, tzinfo=timezone.utc)


def test_a_local_time_written_with_z_is_put_right_when_a_third_value_agrees() -> None:
    # Two tags give one wall clock, with "+00:00" and with -05:00; a third value gives the
    # instant the offset makes of it: the "+00:00" was the local clock.
    head = ('<meta property="article:published_time" content="2020-04-02T10:00:00+00:00">'
            '<meta property="article:modified_time" content="2020-04-02T10:00:00-05:00">'
            + _json_ld(dateModified="2020-04-02T15:00:00Z"))
    assert _published(head) == datetime(2020, 4, 2, 15, tzinfo=timezone.utc)


def test_an_offset_written_to_a_utc_clock_changes_nothing() -> None:
    # The JSON-LD puts the site's offset on the UTC clock; the meta tag and the <time> agree
    # on the instant: 17:10 UTC, 10:10 in the site's zone.
    head = ('<meta property="article:published_time" content="2020-04-07T17:10:46+00:00">'
            + _json_ld(datePublished="2020-04-07T17:10:46-07:00"))
    body = '<p><time datetime="2020-04-07T10:10:46-07:00">April 7, 2020</time></p>'
    assert _published(head, body) == datetime(2020, 4, 7, 17, 10, 46, tzinfo=timezone.utc)


def test_bare_times_stay_utc_without_an_offset_that_agrees_with_them() -> None:
    # No value gives the bare clock with an offset: nothing tells the zone.
    head = (_json_ld(datePublished="2022-05-10T23:35:55")
            + '<meta property="article:modified_time" content="2022-05-11T09:00:00+02:00">')
    assert _published(head) == datetime(2022, 5, 10, 23, 35, 55, tzinfo=timezone.utc)
    # A bare midnight is a calendar day, whatever the page's offset.
    head = (_json_ld(datePublished="2022-05-10 00:00:00", dateModified="2022-05-11 10:00:00")
            + '<meta name="last-modified" content="2022-05-11T10:00:00+02:00">')
    assert _published(head) == datetime(2022, 5, 10, tzinfo=timezone.utc)


def test_a_twelve_hour_clock_is_read_with_its_half_of_the_day() -> None:
    from normalize.page.dates import _parse_text_date

    assert _parse_text_date("10/05/2022 05:22 pm") == datetime(2022, 5, 10, 17, 22,
                                                               tzinfo=timezone.utc)
    assert _parse_text_date("04 de mayo 2022, 12:00 A. M.") == datetime(2022, 5, 4,
                                                                       tzinfo=timezone.utc)
    assert _parse_text_date("3 May, 2022, 11:37 pm").hour == 23
    assert _parse_text_date("3. Mai 2022, 11:37 Uhr").hour == 11


def test_a_german_entry_posted_on_a_day_with_the_verb_last_is_dated() -> None:
    html = ("<html lang='de'><head><title>Haushalt beschlossen</title></head><body>"
            "<div id='sidebar'><h2>Über diesen Artikel</h2><p class='news'><a href='/x'>"
            "Haushalt beschlossen</a> wurde am <nobr>19. Mai 2010</nobr> um <nobr>23:03</nobr>"
            " Uhr gepostet und unter <a href='/c'>Gemeinde</a> abgelegt.</p></div>"
            "<div id='content'><h1>Haushalt beschlossen</h1>" + _TEXT + "</div></body></html>")
    record = page.parse(html.encode(), url="https://gemeinde.example/haushalt")[0]
    assert record.published == datetime(2010, 5, 19, 23, 3, tzinfo=timezone.utc)
    # A date followed by another verb is no publication label.
    from lxml.html import fromstring

    from normalize.page.dates import _labelled_date

    root = fromstring(html.replace("gepostet", "gepflanzt").replace("abgelegt", ""))
    assert _labelled_date([root]) is None


def test_a_press_releases_place_and_date_in_parentheses_date_it() -> None:
    body = ("<div class='text'><p><strong>Karlsruhe, (12.11.2021). Der Gemeinderat hat am "
            "Abend den Haushalt für das kommende Jahr beschlossen.</strong></p></div>"
            "<ul><li class='veranstaltungen-teaser-list-item'>Sa. 13.11.2021</li></ul>")
    assert _published("", body).date() == date(2021, 11, 12)


def test_a_box_named_as_a_teasers_date_does_not_date_the_article() -> None:
    from lxml import html

    from normalize.page.dates import _find_date

    root = html.fromstring(
        "<html><body><div class='main'><h1>Haushalt beschlossen</h1>" + _TEXT
        + "<div><a href='/other'>Andere Meldung</a><span class='default-teaser__date'>"
        "01. Juli 2020</span></div></div></body></html>")
    assert _find_date(root, root.find(".//div[@class='main']")) is None


def _page(head: str, body: str, lang: str = "en") -> str:
    return (f"<html lang='{lang}'><head><title>Harbour plan</title>{head}</head><body><article>"
            f"<h1>Harbour plan</h1>{body}<p>The council approved the new harbour plan after a "
            "long night of debate, with three members voting against it and two abstaining.</p>"
            "<p>Work on the eastern pier starts in spring and should end within two years, the "
            "mayor told reporters outside the town hall.</p></article></body></html>")


def test_a_forum_posting_declares_its_date_as_an_article_does() -> None:
    # DiscussionForumPosting is an Article (through SocialMediaPosting) in schema.org.
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
            '"DiscussionForumPosting", "headline": "Harbour plan", '
            '"datePublished": "2021-06-14T08:30:00+02:00"}</script>')
    found = page.parse(_page(head, "").encode(), url="https://forum.example/t/harbour-plan")[0]
    assert found.published == datetime(2021, 6, 14, 6, 30, tzinfo=timezone.utc)
    # A later page of the thread declares the thread's opening: its own first post's day is
    # the one it prints.
    later = head + '<link rel="prev" href="https://forum.example/t/harbour-plan/page-2">'
    post = '<div class="post"><div class="date">03.03.2022, 14:17</div></div>'
    found = page.parse(_page(later, post).encode(),
                       url="https://forum.example/t/harbour-plan/page-3")[0]
    assert found.published is not None and found.published.date() == date(2022, 3, 3)


def test_a_book_pages_declared_date_is_its_date_when_it_declares_no_article() -> None:
    body = ('<dl itemscope itemtype="https://schema.org/Book"><dt>Title</dt>'
            '<dd itemprop="name">Harbour plan</dd><dt>Out</dt>'
            '<dd itemprop="datePublished" content="2019-04-26">April 2019</dd></dl>')
    page_html = _page("", body).replace("</body>", "<footer>© 2022 Example Books</footer></body>")
    found = page.parse(page_html.encode(), url="https://books.example/harbour")[0]
    assert found.published == datetime(2019, 4, 26, tzinfo=timezone.utc)


def test_a_two_digit_year_comes_first_on_chinese_pages() -> None:
    # Chinese pages print "18-03-08" for 8 March 2018, as they print "2018-03-08".
    body = ('<div class="info"><span class="date">发布时间：18-03-08</span>'
            '<span class="time">23:16</span></div>')
    found = page.parse(_page("", body, "zh").encode(), url="https://news.example/a/1")[0]
    assert found.published is not None and found.published.date() == date(2018, 3, 8)


def test_a_dated_credit_to_another_text_does_not_date_this_one() -> None:
    # A translation's first line links to the original and gives the original's date; the
    # page's own date box under the headline is this text's.
    body = ('<div class="text"><p><a href="https://elsewhere.example/original">The original '
            'story (English, 2019/02/16)</a></p>')
    page_html = _page("", body).replace(
        "<h1>Harbour plan</h1>", "<h1>Harbour plan</h1><div class='columns'><div class='meta'>"
        "<p class='date'>February 27, 2019</p></div></div><div class='content'>"
    ).replace("</article>", "</div></div></article>")
    found = page.parse(page_html.encode(), url="https://news.example/translated")[0]
    assert found.published == datetime(2019, 2, 27, tzinfo=timezone.utc)


def test_a_date_box_printing_publication_and_update_gives_the_publication() -> None:
    # The content system declares the last update as the publication; the date box under the
    # headline prints both apart, the update labelled.
    head = _json_ld(datePublished="2024-03-13T00:40:00Z")
    for box in ('<div class="meta"><time>12.03.2024, 21:15 UTC</time> / '
                '<span>Aktualisiert 13.03.2024, 00:40 UTC</span></div>',
                '<p class="dates">Veröffentlicht: 12.03.2024 21:15 - Updated: 13.03.2024 00:40'
                '</p>'):
        assert _published(head, box) == datetime(2024, 3, 12, 21, 15, tzinfo=timezone.utc)
    # ... and on the same day the declared instant stays
    box = '<p class="dates">13.03.2024 00:10 / Aktualisiert 13.03.2024 00:40</p>'
    assert _published(head, box) == datetime(2024, 3, 13, 0, 40, tzinfo=timezone.utc)
