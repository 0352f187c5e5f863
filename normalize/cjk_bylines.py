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
_CJK_PARTS = re.compile(r"[／/=＝、，,&＆]")
_CJK_BRACKETS = re.compile(r"[〔〕【】［］（）()「」\[\]]")
_CJK_DATE = re.compile(r"\s*\d{4}\s*[年.\-/]\s*\d.*$")
_CJK_ROLE = re.compile(
    r"^(?:實習|实习|特約|特约)?(?:記者|记者|編輯|编辑|特派員|特派员|撰文|採訪|采访|文|圖|图|"
    # Japanese: "著者：", "筆者：", "執筆：" (author, writer).
    # "文●オカモト", "文・山田": the writer's "text" label with a bullet.
    # Chinese, simplified: "执笔/X" (written by).
    r"著者|作者|筆者|執筆者?|执笔者?)\s*[:：●・/／]?\s*"
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


# A Chinese byline names its people apart by spaces, each after its role: "记者 张三 通讯员 李四"
# (reporter, correspondent), "本报记者 张三" (this paper's reporter), "张三 中国青年报记者", or
# a name and then its title: "王文 中国人民大学重阳金融研究院执行院长".
_WRITER_ROLES = (r"(?:特约|特約|见习|見習|实习|實習)?(?:记者|記者|通讯员|通訊員|实习生|實習生|作者|"
                 r"撰文|采写|採寫)")
_WRITER_ROLE = re.compile(r"^(.*?)" + _WRITER_ROLES + r"$|^文$")
#: A writer's role run into the name after it ("通讯员李四", "本报记者张三").
_RUN_IN_ROLE = re.compile(r"^(?:本报|本報)?" + _WRITER_ROLES + r"\s*[:：]?")
#: What a byline prints for a writer it does not name ("unknown", "anonymous").
_NO_NAME = {"未知", "佚名", "不详", "不詳", "匿名"}
_OTHER_ROLE = re.compile(r"^(?:责任编辑|責任編輯|责编|責編|编辑|編輯|校对|校對|摄影|攝影|图|圖|摄|攝)$")
#: A title after a name ("执行院长", "教授"): no name of its own, though as short as one.
_CJK_TITLE = re.compile(r"(?:院长|院長|主任|教授|主编|主編|总编|總編|经理|經理|总监|總監|研究员|"
                        r"研究員|专家|專家|学者|學者|博士|律师|律師|医生|醫生|主席|书记|書記|部长|"
                        r"部長|局长|局長|所长|所長|社长|社長|董事长|董事長|总裁|總裁)$")
_HAN_WORD = re.compile(r"[\u3400-\u9fff：:]+")
#: The least characters of a title or a body's name printed after a name ("中国人民大学...").
_CJK_LONG = 5


def _spaced_names(part: str) -> list[str] | None:
    """The writers a byline field of space-separated roles, names and titles names, or
    ``None`` when a word of it is none of those."""
    words = part.split()
    if len(words) < 2 or not all(_HAN_WORD.fullmatch(w) for w in words):
        return None  # Chinese only: Japanese and Korean bylines label their names otherwise
    names: list[str] = []
    writer = True
    told = False  # a role or a title tells the words apart: else they may be any words
    for word in words:
        role = _WRITER_ROLE.match(word)
        if role or _OTHER_ROLE.match(word):
            writer, told = bool(role), True
            # "本报记者", "中国青年报记者": a paper's reporter; "张三记者": a name, then its role.
            if role and role.group(1) and CJK_NAME.fullmatch(role.group(1)) \
                    and not _CJK_NOT_NAME.search(role.group(1)) \
                    and not role.group(1).endswith(("本报", "本報")):
                return None
            continue
        run_in = _RUN_IN_ROLE.sub("", word)
        if run_in != word:
            writer = told = True
        if CJK_NAME.fullmatch(run_in) and not _CJK_NOT_NAME.search(run_in) \
                and not _CJK_TITLE.search(run_in):
            if writer and run_in not in _NO_NAME:
                names.append(run_in)
        elif len(word) >= _CJK_LONG or _CJK_TITLE.search(word):
            told = True
        else:
            return None
    return names if told else None


# A Chinese credit line may name no writer: "作者：未知 责任编辑：X" (author unknown, the
# editor in charge), "版权声明 来源：当代商报 时间：2019-09-23" (the copyright notice's link, the
# source paper, the time), "发布于 2019-09-26" (published at); a list's heading in a box so named
# ("相关文章", related articles).
_CJK_NOT_WRITER = re.compile(
    r"(?:责任编辑|責任編輯|责编|責編|来源|來源|出处|出處|稿源|发布时间|發佈時間|发布于|發佈於|发表于|"
    r"發表於|时间|時間|日期|版权声明|版權聲明|相关文章|相關文章|相关阅读|相關閱讀|推荐阅读|推薦閱讀|"
    r"延伸阅读|延伸閱讀)(?:\s*[:：]\s*[^\s:：|｜]*)?")
_CJK_NOBODY_WRITER = re.compile(r"(?:作者|记者|記者|撰文)\s*[:：]?\s*(?:" + "|".join(sorted(_NO_NAME))
                                + r")?(?=$|[\s|｜])")
_CJK_CLOCK = re.compile(r"\d[\d\-/:.年月日\s]*")


def names_no_writer(field: str) -> bool:
    """Whether ``field`` is a Chinese credit line that names no writer: only the labels of an
    editor, a source, a time or a copyright notice with what they label, and a writer's label
    naming nobody (:data:`_CJK_NOBODY_WRITER`). Its words are no name."""
    if not _HAN_OR_HANGUL.search(field) or not _CJK_NOT_WRITER.search(field) \
            and not _CJK_NOBODY_WRITER.search(field):
        return False
    rest = _CJK_NOBODY_WRITER.sub(" ", _CJK_NOT_WRITER.sub(" ", _CJK_CLOCK.sub(" ", field)))
    return not rest.strip(" |｜:：,，")


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
        spaced = _spaced_names(part)
        if spaced is not None:
            names.extend(spaced)
            continue
        part = _CJK_ROLE.sub("", _CJK_ROLE.sub("", _RUN_IN_ROLE.sub("", part.strip())))
        if (CJK_NAME.fullmatch(part) and not _CJK_NOT_NAME.search(part)) \
                or _KANA_NAME.fullmatch(part):
            names.append(part)
    return names
