"""The bylines a page prints as lines of its text, wherever they stand.

Many pages give their byline no telling markup: a "By Jane Doe" line above the text, a
"<strong>Autor:</strong> Ana Ruiz" paragraph after it, a label in one element and the name in
the next. :func:`printed_byline` finds the first such line outside the comments, tag lists,
breadcrumbs, pictures and teasers; :func:`_is_writer_line` says whether a line found away from
the headline is one (a label that introduces a writer, then persons' names).
"""

from __future__ import annotations

import re

from lxml import etree

from normalize.agencies import is_agency
from normalize.bylines import (_PARTICLE_LABELS, BYLINE_LABEL, _is_role, cjk_names,
                               parse_byline, without_credits, without_date)
from normalize.page.dom import _is_element, _next_element
from normalize.page.pictures import _in_picture
from normalize.page.visible import _in_not_byline_area, _is_byline, _looks_like_name
from normalize.text import clean_text, html_to_text


def _lines(el) -> list[str]:
    text = html_to_text(etree.tostring(el, encoding="unicode", with_tail=False))
    return [line for line in (clean_text(t) for t in text.split("\n")) if line]


#: Elements whose text is no printed line of the page.
_UNSHOWN = {"script", "style", "noscript", "template", "textarea", "title", "head", "select",
            "option", "button", "svg"}
#: A printed byline line is short: longer, a "by" starts a sentence of the text.
_LINE_CHARS = 120
# Separators between the fields of a meta line ("yas! | By Jane Doe | April 13, 2020").
_LINE_FIELDS = re.compile(r"\s*[|·•]\s*|\s+[–—-]\s+")
# What may stand before a label in its text node: a separator or an icon's text.
_LEAD = " \t\r\n|·•–—-:\u00a0"


def printed_byline(root) -> tuple[str, ...]:
    """The first line the page prints as a byline ("By Jane Doe", "| Von Jonas Keller |",
    "<strong>Autor:</strong> Ana Ruiz"), wherever it stands outside the comments, tag lists,
    breadcrumbs and pictures: for pages whose byline has no telling markup. ``root`` is an
    untouched copy of the page. A label that reads as a copyright ("©") is a picture's or the
    site's credit, not a byline. Returns ``()`` when no line reads as one.
    """
    # The text nodes as plain strings, in one walk in C: most are passed over before their
    # element is looked at, and a "smart" string would make its parent's Python proxy (lxml's
    # class lookup) for every text node of the page. The few read further are fetched again,
    # by their position, as strings that know their element.
    for position, head in enumerate(_TEXTS(root), 1):
        head = head.lstrip(_LEAD)
        if not head or head[:1] == "©":
            continue
        words = head.split(None, 1)
        if head[:1].isdigit() or (words and words[0].casefold() in _DATE_WORDS):
            head = without_date(head)  # "Posted on May 2, 2024 by Jane Doe"
        label = BYLINE_LABEL.match(head)
        if label is None and ("者" in head or "笔" in head or "筆" in head or head[:1] == "文"):
            found = _cjk_writer(root, position, head.rstrip(_LEAD))
            if found:
                return found
        if label is None:
            if head[:1].casefold() in _LONE_INITIALS \
                    and head.rstrip(_LEAD).casefold() in _LONE_LABELS:
                text = _text_node(root, position)
                el = text.getparent()
                if not text.is_tail and el is not None:
                    # "<p>Autor <span>Mark Newton:</span></p>": the name inside the label's
                    # own line; else in the element after the label's.
                    found = (_byline_in_line(el, head.strip(_LEAD))
                             if len(_line_text(el)) > len(head.strip(_LEAD)) + 2
                             and el.tag not in _UNSHOWN and not _passed_over(el)
                             else _name_after_label(el))
                    if found:
                        return found
            continue
        text = _text_node(root, position)
        el = text.getparent()
        if el is None or (el.tag in _UNSHOWN and not text.is_tail):
            continue  # a script's text is no line of the page; what follows it is
        owner = el.getparent() if text.is_tail else el
        if owner is None or _passed_over(owner) or _in_teaser_link(owner):
            continue
        found = _byline_in_line(owner, head[:label.end()].strip())
        if found:
            return found
    return ()


#: A Chinese writer's line, a text of its own: a label (the paper's name may go before it),
#: then a name of two to four Han characters ("作者：李明", "澎湃新闻记者 王小红", "文/张伟"; "文"
#: only with its slash or colon).
_CJK_WRITER = re.compile(r"[^\s:：]{0,12}?(?:(作者|记者|記者|撰文|执笔|執筆)\s*[:：/／]?|(文)\s*[:：/／])\s*"
                         r"([\u4e00-\u9fff]{2,4})")
#: ... or the label alone, the name in the element after it ("作者<span>李明</span>").
_CJK_WRITER_LABEL = re.compile(r"(作者|记者|記者|撰文|执笔|執筆)\s*[:：]?")
_CJK_NAME_ALONE = re.compile(r"[\u4e00-\u9fff]{2,4}")
#: What such a line names when it names nobody: unknown, anonymous, the web, the site's editor.
_CJK_NOBODY = {"未知", "佚名", "匿名", "网络", "網路", "网络整理", "本站", "小编", "编辑",
               "管理员", "admin"}


def _cjk_writer(root, position: int, head: str) -> tuple[str, ...]:
    """The line "label：name" of the writer a Chinese writer's line names (``head``, the text
    node at ``position``), outside the comments, tag lists and pictures; ``()`` when it is
    none."""
    match = _CJK_WRITER.fullmatch(head) or _CJK_WRITER_LABEL.fullmatch(head)
    names: list[str] = []
    if match is None:
        # The name may run on: "记者 张三 通讯员 李四", "作者：石佳/中国青年报" (and the paper),
        # "作者：张三 中国青年报记者": what follows it must read as more roles, names, papers.
        match = _CJK_WRITER.match(head)
        names = cjk_names(head) if match is not None and len(head) <= _CJK_LINE_CHARS else []
        if not names or names[0] != match.group(3):
            return ()
    text = None
    label = match.group(1) or match.group(2) if match.re is _CJK_WRITER else match.group(1)
    if match.re is _CJK_WRITER:
        name = match.group(3)
        text = _text_node(root, position)
        if next(text.getparent().iterancestors("a"), None) is not None \
                or text.getparent().tag == "a":
            return ()  # "新华社记者看河北" linked: a section's name, not a writer's line
    else:
        text = _text_node(root, position)
        el = text.getparent()
        if el is None:
            return ()
        # After a label that is an element's tail, the next element; else its first child.
        after = el.getnext() if text.is_tail else next((c for c in el if _is_element(c)), None)
        name = clean_text(after.text_content()) if after is not None else ""
        if not _CJK_NAME_ALONE.fullmatch(name):
            return ()
    if name in _CJK_NOBODY:
        return ()
    text = text if text is not None else _text_node(root, position)
    el = text.getparent()
    owner = el.getparent() if text.is_tail else el
    if owner is None or _passed_over(owner) or _in_teaser_link(owner):
        return ()
    return tuple(f"{label}：{n}" for n in names or [name] if n not in _CJK_NOBODY)


#: The longest Chinese writer's line whose names run on after the first.
_CJK_LINE_CHARS = 40


def cjk_labelled(byline: str) -> bool:
    """Whether ``byline`` is a Chinese writer's line as :func:`printed_byline` gives it."""
    return bool(_CJK_LABELLED.match(byline))


_CJK_LABELLED = re.compile(r"(?:作者|记者|記者|撰文|文)：[\u4e00-\u9fff]{2,4}$")


#: How much more text than its byline a link holds when it is a teaser (headline and all).
_TEASER_EXTRA_CHARS = 20


def _in_teaser_link(el) -> bool:
    """Whether ``el`` sits in a link that holds more than its line: a teaser of another
    article, its headline and byline one link ("<a><h3>Headline</h3><div>Von X</div></a>")."""
    link = el if el.tag == "a" else next(el.iterancestors("a"), None)
    if link is None:
        return False
    return len(_line_text(link)) > len(_line_text(el)) + _TEASER_EXTRA_CHARS


#: The text nodes of a page, in document order, as plain strings.
_TEXTS = etree.XPath("//text()", smart_strings=False)
_TEXT_AT = etree.XPath("(//text())[$position]")


def _text_node(root, position: int):
    """The ``position``-th (from 1) of :data:`_TEXTS`, as a string that knows its element."""
    return _TEXT_AT(root, position=position)[0]


#: Labels printed as an element of their own with the name in the next one ("<h4>Autor</h4>
#: <p><a>Jane Doe</a></p>", "<dt>Author</dt><dd>Jane Doe</dd>"): only the words that name the
#: writer, never "Text", which heads other things as often. ("By", "Written by" alone are
#: labels of :data:`BYLINE_LABEL` already, read with the element around them.)
_LONE_LABELS = {"autor", "autorin", "autoren", "autorinnen", "author", "authors", "auteur",
                "auteurs", "autrice", "autore", "autori", "verfasser", "verfasserin"}
#: Their first letters: a text node's first letter is looked at before it is read further.
_LONE_INITIALS = frozenset(label[0] for label in _LONE_LABELS)
#: The elements the name after such a label may hold: a line, not a list or a box of blocks.
_BLOCKS = ("p", "div", "li", "ul", "ol", "table", "h1", "h2", "h3", "section", "article")
_LONE_NAME_CHARS = 60


def _name_after_label(el) -> tuple[str, ...]:
    """The persons' names printed in the element after ``el``, an element that holds only a
    label (:data:`_LONE_LABELS`), or after the box that holds only ``el``; ``()`` when that
    element is no short line of names or sits in the comments, a tag list or a picture. A
    link is no label: a menu's "Authors" entry is followed by the next one."""
    if el is None or el.tag in _UNSHOWN or el.tag == "a":
        return ()
    label = clean_text(el.text_content())
    while el.getnext() is None and el.getparent() is not None \
            and clean_text(el.getparent().text_content()) == label:
        el = el.getparent()
    following = _next_element(el)
    if following is None or following.tag in _UNSHOWN or any(
            _is_element(d) and d.tag in _BLOCKS for d in following.iterdescendants()):
        return ()
    line = _line_text(following)
    if not line or len(line) > _LONE_NAME_CHARS:
        return ()
    name = without_date(_LINE_FIELDS.split(line)[0]).strip(" ,;")
    if _looks_like_name(name.replace(",", " ")) and _reads_as_people(name) \
            and not _passed_over(following):
        return (name,)
    return ()


# Words a line that begins with its date begins with.
_DATE_WORDS = {"posted", "published", "publié", "publicado", "veröffentlicht", "am", "on",
               "le", "el", "il"}


def _passed_over(el) -> bool:
    """Whether ``el`` sits in a picture, the comments, a tag list or the breadcrumbs."""
    return _in_picture(el) or _in_not_byline_area(el)


def _line_text(el) -> str:
    """An element's text with its parts apart: a label and the name after it are often in
    elements of their own with no space between them ("<span>By</span><a>Jane Doe</a>").
    Soft hyphens are where a hyphenated page may break a name ("Mat&shy;thi&shy;as"), no
    part of it."""
    return clean_text(" ".join(el.itertext()).replace("\xad", ""))


def _byline_in_line(owner, label: str) -> tuple[str, ...]:
    """The byline part of the line that ``owner`` (the element holding the label) prints:
    the nearest enclosing element whose text goes beyond the label, read field by field."""
    line = _line_text(owner)
    if len(line) <= len(label) + 2 and (owner.tail or "").strip():
        # "<strong>Autor:</strong> Ana Ruiz<br>" in a longer paragraph: the name is the
        # label's tail, up to the next element.
        with_tail = clean_text(f"{line} {owner.tail}")
        if _is_writer_line(with_tail):
            return (with_tail,)
    while len(line) <= len(label) + 2 and owner.getparent() is not None:
        owner = owner.getparent()
        line = _line_text(owner)
    if len(line) > _LINE_CHARS:
        return ()
    # "<p>Von <a>X</a> und <a>Y</a><br>Kakuma</p>": a line break ends the byline, unless
    # the label stands alone on its line ("<b>Von:</b><br>Jane Doe").
    lines = [line]
    if next(owner.iter("br"), None) is not None:
        lines[:0] = _broken_lines(owner)
    for part in (p for text in lines for p in _LINE_FIELDS.split(text)):
        # "05.02.2020 - Redaktion: X" printed as "05.02.2020 <span>- Redaktion: X</span>";
        # "Posted by X at 18:52".
        part = _AT_TIME.sub("", without_date(part)).strip(" ,;:").lstrip(_LEAD)
        if _is_writer_line(part):
            return (part,)
    return ()


# The time of day after a byline's names: "Posted by Jane Doe at 18:52", "Von X um 14:30 Uhr".
_AT_TIME = re.compile(r"\s+(?:at|um|à|alle|om)\s+\d{1,2}[:.h]\d{2}\b.*$", re.I)


def _broken_lines(el) -> list[str]:
    """:func:`_line_text` of ``el`` cut at its ``<br>`` elements."""
    pieces: list[str] = []

    def walk(node) -> None:
        if node.tag == "br":
            pieces.append("\n")
        elif _is_element(node) and node.tag not in _UNSHOWN:
            pieces.append(node.text or "")
            for child in node:
                walk(child)
                pieces.append(child.tail or "")

    walk(el)
    return [clean_text(text) for text in " ".join(pieces).split("\n")]


def _is_writer_line(line: str) -> bool:
    """Whether a line found away from the headline is a byline: a label that introduces a
    writer, then persons' names (:func:`_printed_label`, :func:`_reads_as_people`), and
    perhaps the writer's post after a comma ("Autorin: Jana Roth, Projektleiterin in Tunis")."""
    line = without_credits(_ROLE_IN_PARENTHESES.sub("", line)).strip()
    head, comma, post = line.partition(", ")
    if comma and _is_role(post) and not parse_byline(post)[0]:
        line = head
    agency = _AGENCY_TAIL.search(line)
    if agency and is_agency(agency.group(1)):
        line = line[:agency.start()]  # "Von Jana Roth, dpa", "Autor: Jana Roth/SP-X"
    label = BYLINE_LABEL.match(line)
    return bool(label) and _is_byline(line) and _printed_label(label.group(0)) \
        and _reads_as_people(line[label.end():])


# What a byline adds in parentheses after a name: a role or an agency ("Redaktion: Jana Roth
# (Pressesprecherin)", "Von Max Brandt (dpa)"), which normalize.bylines drops too.
_ROLE_IN_PARENTHESES = re.compile(r"\s*\([^()]{1,60}\)")
_AGENCY_TAIL = re.compile(r"\s*[/,]\s*([^\s/,]+)$")


# Labels that name a source, an agency or a copyright holder, not who wrote the text.
_NOT_WRITER_LABELS = re.compile(
    r"^(?:©|(?:sources?|fuentes?|fonte|fonti|quelle|agencia|agência|agence|agentur|agenzia|"
    r"agency|interview|entrevista)\b)", re.I)
# Labels that are also words of a heading or a name when printed without a colon ("Text
# Without Notes", "Di Dienstag", "DE EN" in a language menu).
_COLON_LABELS = re.compile(r"^(?:text|texto|texte|autor|autora|autorin|auteur|author|"
                           r"reportage)\s*$", re.I)


def _printed_label(label: str) -> bool:
    """Whether a label found anywhere on the page introduces a byline: not a source's or a
    copyright's label, a word that needs its colon, a name's particle or a logo's capitals."""
    word = label.strip(" :")
    if _NOT_WRITER_LABELS.match(word) or (_COLON_LABELS.match(word) and ":" not in label):
        return False
    if word.casefold() in _PARTICLE_LABELS and word != word.casefold():
        return False
    return not (word.isupper() and len(word) > 2)


# Words of an institution's name: an office, not a person, signs such a line.
_INSTITUTION = {"customs", "protection", "department", "ministry", "office", "agency",
                "police", "university", "universität", "universidad", "université",
                "institute", "institut", "instituto", "association", "verband", "ministerium",
                "amt", "press", "presse", "team", "invitation", "method", "werbeagentur",
                "agentur", "gmbh", "inc", "ltd", "ag", "e.v"}


def _reads_as_people(names: str) -> bool:
    """Whether what a label introduces reads as persons: each a name of at least two words
    ("By Invitation", "By Method" are series titles), none an institution's."""
    persons, _agency = parse_byline(names)
    return bool(persons) and all(
        len(p.split()) >= 2 and not any(w.casefold().strip(".") in _INSTITUTION
                                        for w in p.split())
        for p in persons)
