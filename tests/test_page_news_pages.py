"""Headlines and bylines of news pages that mark them with little markup (issue 17): a
<title> whose headline runs on into the site's or a column's name, an ``og:title`` cut to the
end of a printed headline in a script without capitals, and Chinese writers' lines.

Each case is a small invented page (our own text), read as the pipeline reads it.
"""

from __future__ import annotations

import pytest

from normalize import parse_bytes, wire

STORY_ZH = ("<p>港务局周一批准了新的渡轮时刻表，夏季每四十分钟开出一班，末班船比以前晚一个小时离开大陆。"
            "</p><p>岛上居民多年来一直要求增加晚间班次，各岛议会对此表示欢迎，但认为冬季时刻表仍然"
            "让岛屿在夜间与外界隔绝。</p><p>港务局表示，新时刻表将从下个月起试行三个月。</p>")
STORY_EN = ("<p>The harbour authority approved the new ferry timetable on Monday after a long "
            "consultation with the island councils and the operators of the smaller boats.</p>"
            "<p>Crossings will run every forty minutes in summer, and the last boat of the day "
            "leaves the mainland an hour later than before, the authority said.</p>")


def zh_page(title: str, top: str, head: str = "") -> bytes:
    """A Chinese news page without an <h1> or a declared title: ``top`` above the story."""
    return f"""<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>
{head}</head><body><div class="nav"><a href="/">首页</a> <a href="/news">新闻</a></div>
<div class="main">{top}<div class="content">{STORY_ZH}</div></div>
<div class="footer">版权所有 港湾日报</div></body></html>""".encode()


def record(data: bytes, url: str | None = None):
    [article] = parse_bytes(data, "page", url)
    return wire.enrich(article)


@pytest.mark.parametrize("title, top, headline", [
    # The headline runs on into the site's name after a hyphen without spaces: the box that
    # prints the headline alone says where it ends.
    ("渡轮夏季末班船推迟一小时-HB 港湾日报", "<h4>渡轮夏季末班船推迟一小时</h4>",
     "渡轮夏季末班船推迟一小时"),
    # ... or into a column's name after a space, in a script written without spaces.
    ("渡轮夏季末班船推迟一小时 港务动态", '<div class="title">渡轮夏季末班船推迟一小时</div>',
     "渡轮夏季末班船推迟一小时"),
    # A box printing only a part of the headline's words is no headline.
    ("渡轮夏季末班船推迟一小时 港务动态", "<b>渡轮夏季</b>", "渡轮夏季末班船推迟一小时 港务动态"),
])
def test_a_title_whose_headline_runs_on_into_a_name_takes_the_printed_headline(
        title: str, top: str, headline: str) -> None:
    assert record(zh_page(title, top)).title == headline


def test_a_long_lead_in_a_script_without_capitals_is_the_headlines_not_a_kicker() -> None:
    # Hindi (no capitals): the og:title is the end of the printed <h1>; what goes before it
    # is half the headline, not a topic's name.
    printed = "बंदरगाह प्राधिकरण के नए नियम के तहत गर्मियों में आखिरी नौका एक घंटा देर से चलेगी"
    declared = "गर्मियों में आखिरी नौका एक घंटा देर से चलेगी"
    data = f"""<!doctype html><html lang="hi"><head><meta charset="utf-8">
<title>{printed} - Harbour Gazette</title><meta property="og:title" content="{declared}">
</head><body><article><h1>{printed}</h1>{STORY_EN}</article></body></html>""".encode()
    assert record(data, "https://gazette.example/hi/ferries").title == printed


def test_a_short_kicker_before_the_declared_headline_still_goes() -> None:
    declared = "गर्मियों में आखिरी नौका एक घंटा देर से चलेगी"
    data = f"""<!doctype html><html lang="hi"><head><meta charset="utf-8">
<title>{declared}</title><meta property="og:title" content="{declared}"></head>
<body><article><h1>नौका {declared}</h1>{STORY_EN}</article></body></html>""".encode()
    assert record(data, "https://gazette.example/hi/ferries").title == declared


@pytest.mark.parametrize("line, authors", [
    # The writer's label and name in one text, beside the source the site names itself by.
    ('<div class="info">2024-05-06 12:11<span>来源：港湾日报网</span><span>作者：林海</span></div>',
     ("林海",)),
    # The label alone, the name in the next box.
    ('<div class="bar">发表于<span>2024-05-06 21:30</span>| 来源<span>港湾日报网</span>| '
     '作者<span class="name">周小梅</span></div>', ("周小梅",)),
    # The paper's reporter; "文/" before a columnist's name.
    ('<div class="about"><p>港湾日报记者 王海燕</p><p>2024-05-06 10:08</p></div>', ("王海燕",)),
    ('<p class="by">文/陈立</p>', ("陈立",)),
    # "Unknown" names nobody, nor does a sentence of the text that opens with "记者": the
    # declared name stands.
    ('<div class="info"><span>作者：未知</span></div>', ("港湾日报网",)),
    ('<p>记者通过电话联系了港务局</p>', ("港湾日报网",)),
    # A linked line is a section's name ("the paper's reporters look at the harbour").
    ('<p><a href="/reporters"><strong>港湾日报记者看港口</strong></a></p>', ("港湾日报网",)),
])
def test_a_chinese_writers_line_names_the_writer_over_the_declared_site(
        line: str, authors: tuple[str, ...]) -> None:
    head = '<meta name="author" content="港湾日报网">'
    data = zh_page("渡轮夏季末班船推迟一小时_港湾日报网", "<h1>渡轮夏季末班船推迟一小时</h1>" + line,
                   head)
    assert record(data).authors == authors


def test_a_themes_placeholder_author_is_no_author() -> None:
    data = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ferries run later this summer</title><meta name="author" content="name, email@gmail.com">
</head><body><article><h1>Ferries run later this summer</h1>{STORY_EN}</article></body>
</html>""".encode()
    assert record(data, "https://gazette.example/news/ferries").authors == ()


@pytest.mark.parametrize("printed, caption, credit", [
    # A Chinese caption's last sentence ends with its full stop; the words after it credit it.
    ("渡轮在清晨靠岸。港湾日报 资料", "渡轮在清晨靠岸。", "港湾日报 资料"),
    ("渡轮在清晨靠岸。 林海供图", "渡轮在清晨靠岸。", "林海供图"),
    # The photographer's name before "摄" (photographed).
    ("清晨靠岸的渡轮 林海 摄", "清晨靠岸的渡轮", "林海"),
    ("港湾日报记者 林海 摄", None, "港湾日报记者 林海"),
    # ... not a sentence that ends in the verb: "the passengers are filming".
    ("渡轮上的乘客正在拍摄", "渡轮上的乘客正在拍摄", None),
    # The picture's source under its label is a credit alone.
    ("图片来源：港务局官网", None, "港务局官网"),
    # A caption of one sentence keeps its words.
    ("渡轮在清晨靠岸。", "渡轮在清晨靠岸。", None),
])
def test_chinese_captions_and_their_credits(printed: str, caption: str | None,
                                           credit: str | None) -> None:
    from normalize.credits import split_caption
    got_caption, got_credit = split_caption(printed)
    assert (got_caption, got_credit.text if got_credit else None) == (caption, credit)


@pytest.mark.parametrize("under, caption, credit", [
    # A line set apart under a box that holds only the picture: centred, or in grey type.
    ('<p style="text-align: center;">渡轮在清晨靠岸。港湾日报 资料</p>', "渡轮在清晨靠岸。",
     "港湾日报 资料"),
    ('<p align="center"><span style="color:#999999;">清晨靠岸的渡轮</span></p>',
     "清晨靠岸的渡轮", None),
    # A paragraph of the text after the picture is no caption.
    ("<p>港务局周一表示，新时刻表从下月起试行。</p>", None, None),
])
def test_a_line_set_apart_under_a_picture_captions_it(under: str, caption: str | None,
                                                       credit: str | None) -> None:
    picture = ('<p class="pic"><img src="https://gazette.example/img/ferry-dawn.jpg" '
               'width="640" height="400"></p>')
    data = zh_page("渡轮夏季末班船推迟一小时_港湾日报网", "<h1>渡轮夏季末班船推迟一小时</h1>"
                   ).replace(b'<div class="content">', f'<div class="content">{picture}{under}'
                             .encode())
    lead = record(data, "https://gazette.example/news/ferries").images[0]
    assert (lead.caption, lead.credit.text if lead.credit else None) == (caption, credit)


def test_an_illustrators_author_page_link_in_the_byline_is_no_writer() -> None:
    byline = ('<div class="x1"><p class="x2"><span>By </span><a href="/contributors/ana-ruiz">'
              'Ana Ruiz</a></p><p class="x2"><span>Illustration by </span>'
              '<a href="/contributors/tom-roe">Tom Roe</a></p></div>')
    data = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ferries run later this summer</title></head><body><article>
<h1>Ferries run later this summer</h1>{byline}{STORY_EN}</article></body></html>""".encode()
    assert record(data, "https://gazette.example/news/ferries").authors == ("Ana Ruiz",)
