"""Chinese, Japanese and Korean bylines, which put no space between a label and a name.

:func:`cjk_names` reads the names of one byline field; :mod:`normalize.bylines` asks it first
of every field and reads a field it finds no names in as any other.
"""

from __future__ import annotations

import re

from normalize.text import clean_text


# Chinese, Japanese and Korean bylines put no space between a label and a name: "記者林宸誼／台北報導"
# (reporter X / filed from Taipei), "上報快訊／范姜佳鈺" (the desk's flash / the writer),
# "스포츠조선=선수민 기자" (the paper = X, reporter). A name is two to four characters; a desk,
# a paper or a dispatch ends in its own words (報導 "reports", 日報 "daily", 社, 通信, 일보).
_HAN_OR_HANGUL = re.compile(r"[\u3400-\u9fff\uac00-\ud7af]")
_CJK_PARTS = re.compile(r"[／/=＝、，,]")
_CJK_BRACKETS = re.compile(r"[〔〕【】［］（）()「」\[\]]")
_CJK_DATE = re.compile(r"\s*\d{4}\s*[年.\-/]\s*\d.*$")
_CJK_ROLE = re.compile(
    r"^(?:實習|实习|特約|特约)?(?:記者|记者|編輯|编辑|特派員|特派员|撰文|採訪|采访|文|圖|图|"
    # Japanese: "著者：", "筆者：", "執筆：" (author, writer).
    # "文●オカモト", "文・山田": the writer's "text" label with a bullet.
    r"著者|作者|筆者|執筆者?)\s*[:：●・]?\s*"
    r"|\s*(?:(?:선임|수석|인턴|객원)?기자|특파원|記者|记者)$")
#: A Chinese or Korean name alone: two to four Han or Hangul characters.
CJK_NAME = re.compile(r"[\u3400-\u9fff]{2,4}|[\uac00-\ud7af]{2,4}")
_CJK_NOT_NAME = re.compile(r"(?:報導|报道|報道|電|电|訊|讯|報|报|社|網|网|通信|中心|新聞|新闻|"
                           r"뉴스|일보|신문|방송)$")


# A Japanese book's or article's credits put the role after the name: "Eric Freeman 著"
# (written by), "嶋田 健志 監訳" (translation supervised by), "木下 哲也 訳" (translated by).
_JA_CREDIT = re.compile(r"^(.+?)\s*(著|編著|訳|監訳|翻訳|編|監修|イラスト|写真|撮影)$")
_JA_WRITTEN = {"著", "編著"}
#: A Japanese name in katakana ("オカモト").
_KANA_NAME = re.compile(r"[\u30a1-\u30faー・]{2,12}")


def cjk_names(field: str) -> list[str]:
    """The names a Chinese, Japanese or Korean byline field prints, or ``[]``."""
    if not _HAN_OR_HANGUL.search(field):
        return []
    names = []
    for part in _CJK_PARTS.split(_CJK_DATE.sub("", _CJK_BRACKETS.sub(" ", field))):
        credit = _JA_CREDIT.match(part.strip())
        if credit:
            if credit.group(2) in _JA_WRITTEN:  # the translators and editors wrote no text
                names.append(clean_text(credit.group(1)))
            continue
        part = _CJK_ROLE.sub("", _CJK_ROLE.sub("", part.strip()))
        if (CJK_NAME.fullmatch(part) and not _CJK_NOT_NAME.search(part)) \
                or _KANA_NAME.fullmatch(part):
            names.append(part)
    return names
