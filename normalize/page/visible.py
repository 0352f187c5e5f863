"""What the page shows around its text: bylines and the "By X - 6 April 2023" lines printed
above the text (the headline is :mod:`normalize.page.titles`' work, dates themselves
:mod:`normalize.page.dates`')."""

from __future__ import annotations

import copy
import functools
import itertools
import re
from datetime import datetime
from typing import Iterable

from lxml import etree

from normalize.bylines import BYLINE_LABEL, CJK_NAME, parse_byline
from normalize.text import clean_text, html_to_text
from normalize.page.dom import (_BLOCK_CHILD, _is_element, _name_tokens, _names, _text, _xpath,
                                comments_meta_line)
from normalize.page.dates import _parse_text_date, _printed_date
from normalize.page.pictures import _in_picture

# ---------------------------------------------------------------------------------------------
# Bylines in the visible page

# "Redacción Ana Ruiz": a newsroom credit, not a label (normalize.bylines reads "Redacción" as
# the newsroom), but on a page it marks the byline line all the same.
_NEWSROOM_CREDIT = re.compile(r"^redacción\s*[:\-–]?\s+", re.I)
_NAME_JOINERS = re.compile(r"\s*(?:,|&|\band\b|\by\b|\bet\b|\bund\b|\be\b)\s*", re.I)
# A capital of any cased script ("Łukasz", "Šimon", "Ольга", "Νίκος"), then letters.
_NAME_WORD = re.compile(
    r"^[^\W\d_][\w.'’-]*$|^(?:de|da|del|van|von|der|di|le|la|dos|das)$")


# JSON-LD "author": "https://site.example/autor/jane/" (its page, not its name), or the site.
_ADDRESS = re.compile(r"^(?:https?://|//|/|www\.)\S*$", re.I)


def _author_list(values: Iterable[str]) -> tuple[str, ...]:
    """Bylines as printed, cleaned of markup and stray separators; an address is no byline.

    Reading them ("By A and B, Rome correspondent") is :mod:`normalize.bylines`' work, which
    :func:`normalize.wire.enrich` applies to every record, so it is not done twice here.
    """
    # Some sites escape their metadata twice ("Redacci&oacute;n"): html_to_text decodes it.
    texts = (clean_text(html_to_text(v)) for v in values)
    names = (t.strip(" |·-–—,") for t in texts)
    return tuple(dict.fromkeys(n for n in names if n and not _ADDRESS.match(n)))


def _is_byline(text: str) -> bool:
    """Whether a line is a printed byline: a label ("By", "Por"...) and then only names."""
    match = BYLINE_LABEL.match(text) or _NEWSROOM_CREDIT.match(text)
    if not match:
        return False
    # Pages also print "By - Jane Doe" / "Por – X": the dash is punctuation, not a name.
    parts = [p for p in _NAME_JOINERS.split(text[match.end():].lstrip("-– ")) if p]
    return bool(parts) and all(_looks_like_name(p) for p in parts)


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 5 and all(
        _NAME_WORD.match(w) and (w[0].isupper() or w in _NAME_PARTICLE_WORDS) for w in words)


def _reads_as_name(text: str) -> bool:
    """:func:`_looks_like_name` (a name and its agency: "Ana Ruiz, The Associated Press"), or a
    Chinese, Japanese or Korean name with its label ("著者：後藤大地"): no capitals there."""
    if _looks_like_name(text.replace(",", " ")):
        return True
    names = parse_byline(text)[0] if len(text) <= 20 else ()
    return bool(names) and all(CJK_NAME.fullmatch(n) for n in names)


_NAME_PARTICLE_WORDS = {"de", "da", "del", "van", "von", "der", "di", "le", "la", "dos", "das"}


#: The parts of a byline around an outlet's name: comma-separated, or set off by a spaced bar or
#: dash ("Jane Doe, Example News", "Jane Doe | Example News").
_BYLINE_PARTS = re.compile(r"\s*,\s*|\s+[|–—-]\s+")


def _without_site(authors: tuple[str, ...], site_names: set[str]) -> tuple[str, ...]:
    """Drop the outlet's own name from bylines ("Por Mariana Alves, Portal Exemplo")."""
    if not site_names:
        return authors
    wanted = {name.casefold() for name in site_names}
    kept = []
    for author in authors:
        if author.casefold() in wanted:
            continue  # the site's whole name, its own separators and all ("Site | Tagline")
        parts = _BYLINE_PARTS.split(author)
        at = next((i for i, p in enumerate(parts) if p.strip(" ()[]").casefold() in wanted),
                  None)
        if at is not None and author.startswith("(") and author.endswith(")"):
            continue  # "(Abu Dhabi - Site)": the copy's dateline, place and outlet, no writer
        # What follows the outlet's name is where it filed from ("X, BBC News, Washington").
        rest = [p for p in (parts if at is None else parts[:at])
                if p.strip(" ()[]").casefold() not in wanted]
        if len(rest) == len(parts):
            kept.append(author)
        elif rest:
            kept.append(", ".join(rest))
    return tuple(kept)


# The writer's own page ("/author/jane-doe/", "/staff/jane-doe?ref=byline"), not a folder of
# them ("/reporter/?ref=menu").
_AUTHOR_PAGE = re.compile(r"/(?:authors?|autor(?:es|a)?|autori?|auteurs?|signataires|redakteur|"
                          r"journalist[ea]?s?|periodistas?|firmas?|profile|editors|staff|"
                          r"contributors?|reporters?|writers?|columnists?)/[^/?#]+/?"
                          r"(?:[?#].*)?$", re.I)
# The site's own pages ("/about-us/profile/", "/ueber-uns/team/"): no writer's. Not
# "/about/editors/jane-doe/", a writer's page under "about".
_ABOUT_PAGE = re.compile(r"/(?:(?:about|ueber|über|uber|a-propos)[-_][^/]+|quienes-somos|"
                         r"sobre-nosotros)/", re.I)
_BYLINE_CLASSES = ("byline", "by-line", "author", "autor", "auteur", "firma", "signature",
                   "writer")
_BYLINE_NOISE = ("bio", "avatar", "image", "img", "photo", "box", "about", "social", "follow")


#: Parts of a class or id name (``comment-author``, ``post-tags``, ``breadcrumbs``) that mark an
#: area of the page whose names are no byline: the comments (each commenter is an "author"
#: there, and the form has an "author" field labelled "Name"), the tag lists and the breadcrumbs.
_NOT_BYLINE_PARTS = {"comment", "comments", "commentlist", "respond", "reply", "replies",
                     "breadcrumb", "breadcrumbs", "tags", "tagcloud", "taglist", "keywords",
                     # an embedded post names its own author ("tweet-author-name")
                     "tweet", "tweets", "instagram", "tiktok"}
_NOT_BYLINE_PROPS = {"comment", "breadcrumb", "keywords"}
_NAME_PARTS = re.compile(r"[-_]+")


def _is_not_byline_area(el) -> bool:
    """Whether ``el`` is a comment, a tag list or a breadcrumb trail, by its class, id or
    itemprop. A lone ``tag`` part counts only as the whole name or before ``links``, ``list``
    or ``cloud``: WordPress marks a post ``tag-<keyword>`` for each of its tags. The page's
    ``<html>`` and ``<body>`` are never one (``genesis-breadcrumbs-visible`` is a theme's
    setting, not an area)."""
    if el.tag in ("html", "body"):
        return False
    if (el.get("itemprop") or "").lower() in _NOT_BYLINE_PROPS:
        return True
    return _names_not_byline(_names(el))


@functools.lru_cache(maxsize=8192)
def _names_not_byline(names: str) -> bool:
    """:func:`_is_not_byline_area` by an element's class and id (:func:`_names`), once per
    string: the byline searches ask it of every element and its ancestors."""
    for name in names.split():
        parts = [p for p in _NAME_PARTS.split(name) if p]
        if comments_meta_line(name):  # "comments_datetime": the article's meta line
            continue
        if _NOT_BYLINE_PARTS.intersection(parts):
            return True
        # camel-cased words run together once lower-cased ("commentAuthor", "articleComments"),
        # not an opinion column ("commentary-byline") nor a post's state (Kinja's <article
        # class="post commented">: it has comments)
        if any((p.startswith("comment") and not p.startswith(("commentar", "commented")))
               or p.endswith(("comment", "comments")) for p in parts):
            return True
        # "authorized", "authority": a consent box's label ("我已授权", "I have authorized"),
        # an authority's name, no byline
        if any(p.startswith(("authoriz", "authoris", "authorit")) for p in parts):
            return True
        if parts[:1] == ["tag"] and (len(parts) == 1 or parts[1] in ("links", "list", "cloud")):
            return True
    return False


def _in_not_byline_area(el) -> bool:
    """Whether ``el`` or an element around it is a comment, a tag list or a breadcrumb trail."""
    return any(_is_not_byline_area(a) for a in (el, *el.iterancestors()))


#: Classes that hide a box from sight: WordPress themes print a hidden "vcard" for search
#: engines (Avada's ``rich-snippet-hidden``) naming the account that posted the text, not the
#: writer the page prints. Not Bootstrap's ``hidden-xs`` (hidden on small screens only), nor
#: Drupal's ``field--label-hidden`` (the field's label is hidden) or a ``<body>``'s
#: ``date-hidden`` (a theme's setting).
_HIDDEN_CLASSES = {"hidden", "rich-snippet-hidden", "element-hidden", "element-invisible",
                   "sr-only", "screen-reader-text", "visually-hidden", "visuallyhidden"}


def _is_hidden(el) -> bool:
    """Whether ``el`` or a box around it has a class that hides it (:data:`_HIDDEN_CLASSES`)."""
    return any(c in _HIDDEN_CLASSES for a in (el, *el.iterancestors())
               for c in (a.get("class") or "").split())


# A picture's credit label printed before a name in an element of its own
# ("<strong>Foto:</strong> <p class=autor>Jane Doe</p>"): the name is the photographer's.
_PICTURE_LABEL = re.compile(r"(?:photos?|fotos?|bild|bilder|imagen|imágenes|foto\s*/\s*video|"
                            r"crédito|créditos|credit|credits|фото|illustrations?)\s*:?|"
                            # "By X Illustration by Y": the illustrator, not a writer.
                            r"(?:illustrations?|photographs?|photos?|pictures?|images?|artwork|"
                            r"graphics?)\s+by", re.IGNORECASE)


def _after_picture_label(el) -> bool:
    """Whether what is printed just before ``el`` in its box is a picture's credit label
    alone (:data:`_PICTURE_LABEL`)."""
    before = el.getprevious()
    if before is None:
        parent = el.getparent()
        text = parent.text if parent is not None else None
    else:
        text = f"{before.text_content()}{before.tail or ''}" if _is_element(before) else ""
    return bool(text) and _PICTURE_LABEL.fullmatch(text.strip()) is not None


def _find_byline(root, scope) -> tuple[str, ...]:
    """Author names from the visible byline: ``rel=author`` links, else a byline element;
    never from the comments, a tag list, the breadcrumbs or a hidden box."""
    unread: tuple[str, ...] = ()
    for area in (scope, root):
        if area is None:
            continue
        # A link's parts apart: "View all posts by<br>Jane Doe" is no "byJane Doe".
        rel = _beside_first([a for a in _xpath(".//a[contains(concat(' ',@rel,' '),' author ')]")(area)
                             if not _in_not_byline_area(a) and not _is_hidden(a)])
        links = [clean_text(" ".join(a.itertext())) for a in rel]
        if any(links):
            return _line_naming_more(rel, links) or _author_list(links)
        # Minified class names say nothing, but a link to the author's page does.
        links = [_text(a) for a in _beside_first(
                     [a for a in _xpath(".//a[@href]")(area)
                      if _AUTHOR_PAGE.search(a.get("href"))
                      and not _ABOUT_PAGE.search(a.get("href")) and _reads_as_name(_text(a))
                      and not _in_sentence(a)
                      and not _in_picture(a) and not _in_not_byline_area(a)
                      and not _is_hidden(a) and not _after_picture_label(a)])]
        if links:
            return _author_list(links)
        for el in area.iter(etree.Element):
            if el.tag in ("html", "body", "article", "main", "meta"):
                continue
            # The ancestor walk of _in_picture only for the few elements that look like bylines.
            if (el.get("itemprop") == "author" or _byline_names(_names(el))) \
                    and not _in_picture(el) and not _in_not_byline_area(el) and not _is_hidden(el) \
                    and not _after_picture_label(el):
                text = _byline_text(el)
                if text and len(text) <= 120:
                    # A byline box may print only its label or a date ("Publiziert am") with
                    # the name in the next one: the first that names someone wins.
                    if parse_byline(text) != ((), None):
                        return _author_list([text])
                    unread = unread or _author_list([text])
    if unread:
        return unread
    for area in (scope, root):
        links = _beside_first(_avatar_named_links(area)) if area is not None else []
        if links:
            return _author_list([_text(a) for a in links])
    return ()


_AVATAR_WORDS = re.compile(r"avatar|author|profile|headshot|mugshot|byline", re.I)


def _is_avatar(link) -> bool:
    """Whether the picture link ``link`` shows a writer's portrait, by the names of the
    picture, the link or its box (a teaser's thumbnail, however small, is named otherwise)."""
    img = next(link.iter("img"))
    return any(_AVATAR_WORDS.search(_names(el)) for el in (img, link, link.getparent())
               if el is not None)


def _avatar_named_links(area) -> list:
    """Links printing a person's full name to the address that a picture beside them links to
    too: a byline's avatar and name, both to the writer's profile (which may be a host of its
    own, "jane.blog.example", no /author/ page)."""
    pictured = {a.get("href"): a for a in _xpath(".//a[@href][.//img]")(area)
                if not _text(a) and _is_avatar(a)}
    found = []
    for link in _xpath(".//a[@href]")(area) if pictured else ():
        picture = pictured.get(link.get("href"))
        text = _text(link)
        if picture is None or link.get("href").strip() in ("/", "#", "./") \
                or len(text.split()) < 2 or not _reads_as_name(text) or _in_picture(link) \
                or _in_not_byline_area(link) or _is_hidden(link):
            continue
        around = {id(a) for a in picture.iterancestors()}
        shared = next((a for a in link.iterancestors() if id(a) in around), None)
        if shared is not None and len(shared.text_content()) <= _ONE_BYLINE_CHARS:
            found.append(link)
    return found


#: The most text a byline's line holds besides its names (a label, a date, a job title); a
#: paragraph of more is the article's text.
_BYLINE_LINE_CHARS = 150


def _in_sentence(a) -> bool:
    """Whether link ``a`` is a name in a paragraph of the text ("..., says <a href=
    '/profile/jane'>Jane Doe</a>, director of ..."): someone quoted, not the writer."""
    for box in a.iterancestors("p", "li", "blockquote", "dd"):
        return len(_text(box)) - len(_text(a)) > _BYLINE_LINE_CHARS
    return False


@functools.lru_cache(maxsize=8192)
def _byline_names(names: str) -> bool:
    """Whether a class and id (:func:`_names`) name a byline box (a byline class, no picture,
    bio or social box), once per string: :func:`_find_byline` asks it of every element."""
    return any(c in names for c in _BYLINE_CLASSES) \
        and not any(n in _name_tokens(names) for n in _BYLINE_NOISE)


#: The most text the box around two author links of one byline holds (their names, a date,
#: the authors' short notes); a box holding two texts' bylines holds a text too.
_ONE_BYLINE_CHARS = 400


def _line_naming_more(links: list, names: list[str]) -> tuple[str, ...]:
    """The byline printed around author links that names more writers than they do ("By
    <a rel=author>A</a>, <span>B and C</span>": only the first has a page): that line, or
    ``()``."""
    wanted = {n.casefold() for n in names if n}
    for box in itertools.islice(links[0].iterancestors(), 3):
        text = _text(box)
        if len(text) > _AUTHOR_LINE_CHARS:
            break
        if _is_byline(text):
            printed = {n.casefold() for n in parse_byline(text)[0]}
            return _author_list([text]) if printed > wanted else ()
    return ()


#: The longest line :func:`_line_naming_more` reads as a byline around author links.
_AUTHOR_LINE_CHARS = 120


def _beside_first(links: list) -> list:
    """The author links of ``links`` printed in the first one's byline: a link whose nearest
    box shared with the first holds more text than a byline does is another text's (a
    teaser's "by Jane Doe" in a "more stories" list below the article)."""
    if len(links) < 2:
        return links
    first = links[0]
    around = {id(a): a for a in first.iterancestors()}
    lengths: dict[int, int] = {}  # the teasers of a list share one box: measured once
    kept = [first]
    for link in links[1:]:
        shared = next((a for a in link.iterancestors() if id(a) in around), None)
        if shared is None:
            continue
        if id(shared) not in lengths:
            lengths[id(shared)] = len(shared.text_content())
        if lengths[id(shared)] <= _ONE_BYLINE_CHARS:
            kept.append(link)
    return kept


def _byline_text(el) -> str:
    """The name part of a byline element (without its date, time or "share" bits)."""
    names = [_text(n) for n in _xpath(".//*[@itemprop='name']")(el)]
    if names and all(names):
        return ", ".join(names)
    el = copy.deepcopy(el)
    # A post's meta line often holds its categories and tags beside (or instead of) the name.
    for sub in _xpath(".//time|.//*[contains(@class,'date')]|.//a[contains(@rel,'tag')]"
                        "|.//a[contains(@rel,'category')]")(el):
        sub.drop_tree()
    # "<span class=byline__name>Jane Doe</span><span class=byline__title>CEO</span>": the
    # writer's job in a box of its own beside her name's is no part of it.
    boxes = [s for s in el.iterdescendants(etree.Element) if not len(s)]
    if any(_NAME_BOX.search(s.get("class") or "") for s in boxes):
        for sub in [s for s in boxes if _JOB_BOX.search(f"{s.get('class') or ''} "
                                                        f"{s.get('itemprop') or ''}")
                    and not _NAME_BOX.search(s.get("class") or "")]:
            sub.drop_tree()
    text = _parted_text(el, blocks=True)
    if len(text) > _BYLINE_BOX_CHARS:  # a box of text, not a byline's: read as one line
        text = _parted_text(el, blocks=False)
    parts = [p.strip(" |") for p in _FIELD_SEPARATOR.split(text) if p.strip(" |")]
    # "<div>By</div><div>Jane Doe</div>": a label alone is the next field's.
    while len(parts) > 1 and BYLINE_LABEL.fullmatch(parts[0].strip() + " "):
        parts[:2] = [f"{parts[0].strip()} {parts[1].strip()}"]
    # "<div>Print</div><div>By Jane Doe</div>": a button's word before the byline.
    while len(parts) > 1 and len(parts[0].split()) == 1 and parse_byline(parts[0]) == ((), None):
        parts = parts[1:]
    # "Politik · Jane Doe, Tom Roe": a section's one word before the writers' full names.
    if len(parts) > 1 and len(parts[0].split()) == 1 and not BYLINE_LABEL.match(parts[0]) \
            and any(len(p.split()) >= 2 for p in parse_byline(parts[1])[0]):
        parts = parts[1:]
    return parts[0].strip() if parts else ""


_BYLINE_BOX_CHARS = 200
#: A class word (or microdata property) of a box holding a writer's job ("byline__title",
#: "author-position", "jobTitle").
_NAME_BOX = re.compile(r"(?:^|[\s_-])(?:author-?)?name(?:$|[\s_-])|[a-z]Name(?:$|[\s_-])")
_JOB_BOX = re.compile(r"(?:^|[\s_-])(?:title|position|role|job|jobtitle)(?:$|[\s_-])", re.I)
_FIELD_SEPARATOR = re.compile(r"\s[|·•—]\s|\s-\s")
#: Elements that print a field of a byline box of their own ("<div>By <span>Jane Doe</span>
#: </div><div>Washington Post</div>": the writer, then whom she wrote for).
_FIELD_TAGS = {"div", "p", "li", "dd", "dt", "ul", "ol", "br", "h2", "h3", "h4", "h5", "h6",
               "section", "figure", "footer", "header", "table", "tr", "td"}


_HAN = re.compile(r"[\u3400-\u9fff]")


def _parted_text(el, blocks: bool) -> str:
    """``el``'s text with a space where one element's text ends and the next one's begins
    with a capital, as a label, a name and an agency in elements of their own print without
    one ("<span>By</span><a>Jane Doe</a><span>The Associated Press</span>"), or after a label
    ("<span>By</span><span>by Jane Doe</span>"); a name's parts in two elements
    ("J<b>ane</b>") stay together. With ``blocks``, the text of block elements is a field
    apart ("|")."""
    pieces: list[str] = []

    def add(piece: str | None) -> None:
        if not piece:
            return
        if pieces and pieces[-1][-1:].isalnum() and (
                piece[:1].isupper() or BYLINE_LABEL.fullmatch(pieces[-1].strip() + " ")
                # "<a>王文</a><span>中国人民大学...院长</span>": Chinese puts no space between a
                # name and the title after it, but the page sets them in elements apart.
                or (_HAN.match(piece) and _HAN.match(pieces[-1][-1:]))):
            pieces.append(" ")
        pieces.append(piece)

    def walk(node) -> None:
        add(node.text)
        for child in node:
            if _is_element(child):
                block = blocks and child.tag in _FIELD_TAGS
                if block:
                    pieces.append(" | ")
                walk(child)
                if block:
                    pieces.append(" | ")
            add(child.tail)

    walk(el)
    return clean_text("".join(pieces))


_READING_TIME = re.compile(
    r"\d+\s*(?:min|minutes?|minutos?|minuten|minuti)\.?(?:\s+\w+){0,2}", re.I)


# "Par X - 15/02/2024 - 14:30": the time after the date, a part of its own.
_CLOCK_TIME = re.compile(r"\d{1,2}[:.h]\d{2}(?:\s*(?:uhr|h|am|pm|a\.m\.|p\.m\.))?", re.I)


_DATE_ASIDE = re.compile(r"[(（\[［]([^()（）\[\]［］]*\d[^()（）\[\]［］]*)[)）\]］]")


def _read_credit_line(text: str) -> tuple[tuple[str, ...], datetime | None] | None:
    """``Par Yann Le Goff - 15/02/2024`` gives its authors and date; ``None`` for any line that
    holds something else."""
    authors: tuple[str, ...] = ()
    date = None
    dated = False
    for part in re.split(r"\s+[|·•—–-]\s+", text):
        if _READING_TIME.fullmatch(part) or _CLOCK_TIME.fullmatch(part):
            continue
        found = _parse_text_date(part) if len(part) <= 60 else None
        aside = _DATE_ASIDE.search(part) if found else None
        if aside and _parse_text_date(aside.group(1)):
            # "Original (posted 2019/02/16)": a date in brackets dates what the words around
            # it name, this text only when they are its byline or a name.
            outside = clean_text(part[:aside.start()] + " " + part[aside.end():])
            if outside and not _reads_as_name(outside) and not _is_byline(outside):
                return None
        if found and not dated:
            # "Updated 4 May 2022" is a date line all the same, but not the publication's.
            dated, date = True, _printed_date(part)
            continue
        if not authors and _is_byline(part):
            authors = (part,)
            continue
        return None
    return authors, date


def _split_preamble(container, blocks: list, title: str | None):
    """Read "By Jane Doe" and "6 April 2023" lines printed just before the text or at its top
    (pages without markup for them). Return the blocks left, the authors and the date."""
    authors: tuple[str, ...] = ()
    date = None
    before = []
    if container is not None:
        for sibling in container.itersiblings(preceding=True):
            if _is_element(sibling) and _text(sibling):
                before.insert(0, sibling)
                if len(before) == 3:
                    break
        # Lines the text walk skipped (a "meta" box) between the container's top and its text.
        for el in container.iterdescendants():
            if blocks and el is blocks[0]:
                break
            if _is_element(el) and _text(el) and not _xpath(_BLOCK_CHILD)(el) \
                    and not _in_picture(el) and el.tag not in ("a", "time", "span", "b", "i"):
                before.append(el)
        before = before[-8:]
    for el in before + list(blocks):
        text = _text(el)
        if len(text) > 160 or text == title:
            if el in blocks:
                break
            continue
        # "<p>Por X</p><p>15/05/2024</p>" in one box: each line is read on its own.
        lines = html_to_text(etree.tostring(el, encoding="unicode", with_tail=False)).split("\n")
        found = [_read_credit_line(line) for line in lines if line]
        if not found or None in found:
            if el in blocks:
                break
            continue
        for line_authors, line_date in found:
            authors, date = authors or line_authors, date or line_date
        if el in blocks:
            blocks = blocks[1:]
    return blocks, authors, date
