"""A time printed or declared without a zone on a page read in a single time zone (Chinese,
Japanese, Korean): local time of that zone, when the page states no zone for any date."""

from __future__ import annotations

from datetime import datetime, timezone

from normalize import page

_ZH = ("<p>市政府昨日召开新闻发布会，介绍今年城市公共交通建设的进展情况。新开通的三条公交线路"
       "覆盖了城东的多个居民小区，早晚高峰的候车时间明显缩短。</p>"
       "<p>发布会上，交通部门负责人表示，明年还将新增两条地铁支线，并继续完善站点周边的"
       "停车设施和步行道路，方便市民换乘。</p>")
_JA = ("<p>市は昨日、新しい図書館の建設計画を発表した。駅前の旧庁舎跡地に建てられ、"
       "二年後の開館を目指すという。閲覧席は現在の三倍に増える見込みだ。</p>"
       "<p>市の担当者は、子ども向けの読書室や学習スペースも設けると説明し、"
       "市民の意見を設計に反映させたいと話した。</p>")
_KO = ("<p>시는 어제 새 도서관 건립 계획을 발표했다. 역 앞 옛 청사 부지에 들어서며 "
       "이 년 뒤 개관을 목표로 한다. 열람석은 지금의 세 배로 늘어날 전망이다.</p>"
       "<p>시 관계자는 어린이 독서실과 학습 공간도 마련할 예정이라며 시민의 의견을 "
       "설계에 반영하겠다고 말했다.</p>")
_EN = ("<p>The city council approved a new library on Thursday, to be built on the site of the "
       "old town hall near the station and opened within two years.</p>"
       "<p>The reading room will seat three times as many people as the present one, and a "
       "study area for children is planned, a spokeswoman said.</p>")


def _page(title: str, line: str, text: str, lang: str | None = "zh-CN", head: str = "",
          url: str = "https://news.example.com/a/20210305/1.html") -> datetime | None:
    attribute = f" lang='{lang}'" if lang else ""
    html = (f"<html{attribute}><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><article><h1>{title}</h1><div class='info'>{line}</div>{text}</article>"
            "</body></html>")
    return page.parse(html.encode(), url=url)[0].published


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def test_a_chinese_pages_printed_time_is_beijing_time() -> None:
    published = _page("城市公交建设取得新进展", "<span>2021-03-05 07:48</span> 来源：本报", _ZH)
    assert published == _utc(2021, 3, 4, 23, 48)


def test_a_chinese_page_without_a_declared_language_is_known_by_its_headline() -> None:
    published = _page("城市公交建设取得新进展", "发布时间：2021年03月05日 07:48", _ZH, lang=None)
    assert published == _utc(2021, 3, 4, 23, 48)


def test_a_japanese_pages_printed_time_is_japan_time() -> None:
    published = _page("新図書館の建設計画を発表", "2021年3月5日 07:48", _JA, lang="ja")
    assert published == _utc(2021, 3, 4, 22, 48)


def test_a_korean_pages_printed_time_is_korea_time() -> None:
    published = _page("새 도서관 건립 계획 발표", "입력 2021-03-05 07:48", _KO, lang="ko")
    assert published == _utc(2021, 3, 4, 22, 48)


def test_a_korean_domain_tells_the_zone_of_a_page_declaring_no_language() -> None:
    published = _page("Library plan", "2021-03-05 07:48", _KO, lang=None,
                      url="https://news.example.co.kr/article/1")
    assert published == _utc(2021, 3, 4, 22, 48)


def test_a_time_declared_without_offset_is_local_time_too() -> None:
    head = '<meta property="article:published_time" content="2021-03-05T07:48:00">'
    published = _page("城市公交建设取得新进展", "", _ZH, head=head)
    assert published == _utc(2021, 3, 4, 23, 48)


def test_a_page_stating_an_offset_keeps_its_dates() -> None:
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
            '"NewsArticle", "headline": "城市公交建设取得新进展", '
            '"datePublished": "2021-03-05T07:48:00+08:00"}</script>')
    published = _page("城市公交建设取得新进展", "<span>2021-03-05 07:48</span>", _ZH, head=head)
    assert published == _utc(2021, 3, 4, 23, 48)
    # ISO 8601's basic form (Nikkei's JSON-LD): an offset all the same.
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
            '"NewsArticle", "headline": "新図書館の建設計画を発表", '
            '"datePublished": "20210305T074800+0900"}</script>')
    published = _page("新図書館の建設計画を発表", "2021/3/5 7:48", _JA, lang="ja", head=head)
    assert published == _utc(2021, 3, 4, 22, 48)
    # An offset stated for another date of the page: the page's zone is not guessed.
    head = '<meta property="article:modified_time" content="2021-03-06T10:00:00+00:00">'
    published = _page("城市公交建设取得新进展", "<span>2021-03-05 07:48</span>", _ZH, head=head)
    assert published == _utc(2021, 3, 5, 7, 48)


def test_a_printed_day_without_a_time_stays_its_day() -> None:
    published = _page("城市公交建设取得新进展", "2021年03月05日 来源：本报", _ZH)
    assert published == _utc(2021, 3, 5)


def test_an_english_pages_printed_time_is_read_as_before() -> None:
    published = _page("Library plan approved", "March 5, 2021 07:48", _EN, lang="en")
    assert published == _utc(2021, 3, 5, 7, 48)
    # An English page on a Chinese domain: the language decides.
    published = _page("Library plan approved", "March 5, 2021 07:48", _EN, lang="en",
                      url="https://news.example.cn/a/1.html")
    assert published == _utc(2021, 3, 5, 7, 48)
