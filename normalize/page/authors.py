"""Choosing a page's bylines among the places that name them.

A page names its authors in several places, with varying care: the declared metadata (JSON-LD,
microdata, ``<meta name="author">``), a byline element, a "By X" line above the text, a
labelled line anywhere else on the page (:func:`normalize.page.printed.printed_byline`),
trafilatura's author reading, an author line after the text, a "date | name" line beside the
headline (:func:`dated_name_line`) and an "about the author" box (:func:`author_box`). Many sites
declare their own name as the author (``"author": "Daily Post"``) and print the reporter's
byline on the page: a candidate that is only the site's name does not stop the search. A page
that names nobody else (a one-person blog whose site is its author's name, a press office)
keeps the site's name.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Callable, Iterable

from lxml import etree

from normalize.agencies import PHOTO_AGENCIES, find_agency, find_agency_match
from normalize.bylines import BYLINE_LABEL, CJK_NAME, is_company, parse_byline, strip_label
from normalize.cjk_bylines import names_no_writer
from normalize.page.agreement import read_once
from normalize.page.dom import _is_element, _tokens, _xpath
from normalize.page.engine import page_authors
from normalize.page.names import (_SITE_IN_NAME, _garbled, _is_full_name, _is_organisation,
                                   _letters, _named_by_site, _names_full_name,
                                   _publisher_only, _same_persons)
from normalize.page.printed import (_LINE_FIELDS, _UNSHOWN, _is_writer_line, _lines,
                                    _passed_over, _reads_as_people, cjk_labelled)
from normalize.page.visible import (_BYLINE_PARTS, _CLOCK_TIME, _is_not_byline_area,
                                    _looks_like_name, _parse_text_date, _without_site)
from normalize.text import clean_text


def choose_authors(candidates: Iterable[tuple[Callable[[], tuple[str, ...]], bool]],
                   site_names: Iterable[str],
                   over_declared: Callable[[tuple[str, ...]], tuple[str, ...]] | None = None
                   ) -> tuple[str, ...]:
    """The bylines of the first candidate that names someone besides the site.

    ``candidates`` are ``(read, printed)`` pairs: ``read`` gives the candidate's bylines,
    ``printed`` says whether they are lines as the page prints them (with their labels). They
    are called in order (the later ones cost more: trafilatura re-reads the
    page) until one gives a byline that is not only one of ``site_names``; parts that are the
    site's name are dropped from it ("Ana Ruiz, Daily Post" gives "Ana Ruiz"). When every
    candidate is empty or the site's name, the first site-name byline is kept: the page's only
    author is the site itself. A byline in which :func:`normalize.bylines.parse_byline` reads
    neither a person nor an agency (a "Follow" button, "Redaktion") is kept only when no
    candidate has better. A byline that is an organisation ("Deutsche Welle", "LN") or no
    full name ("Todd", "gabor_munier") gives way to a later printed byline ("By Todd Bates")
    naming full names of the same persons, or any persons when it was an organisation; the
    publisher named with the site's name ("Ediciones El País") to a byline element's full
    names even without a label. The site named as the copy's source ("Do UOL") is the site. A
    byline whose names run on into other words ("Jane Doe und Site designed") is kept only
    when no candidate has better. The first candidate's persons give way to what
    ``over_declared`` gives for them, when it gives anything: the article's byline naming
    others, when the page prints the declared names nowhere
    (:func:`normalize.page.agreement.printed_over_declared`).
    Returns ``()`` when no candidate names anyone.
    """
    sites = set(site_names)
    # The site's name as its address spells it ("elcolombiano" for "El Colombiano"), its
    # words, and the acronyms among them ("МК" of "МК Рязань": "Московский Комсомолец").
    spelled = {_letters(site) for site in sites} - {""}
    words = {_letters(w) for site in sites for w in site.split()} - {""}
    acronyms = {_letters(w) for site in sites for w in site.split()
                if w.isupper() and _ACRONYM_CHARS[0] <= len(w) <= _ACRONYM_CHARS[1]}
    site_only: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()
    candidates = [(read_once(read), printed) for read, printed in candidates]
    readers = iter(candidates)
    for index, (read, _printed) in enumerate(readers):
        found = read()
        if not found:
            continue
        # "By Daily Post", "Redaktion: Daily Post", "Recipe by Daily Post": the site's name
        # under a label is the site.
        kept = tuple(a for a in _without_site(found, sites)
                     if not {_letters(a), _letters(strip_label(a)),
                             _letters(_BY.split(a)[-1])} & spelled
                     and not _from_site(a, spelled) and not _site_maker(a))
        if kept and any(parse_byline(a) != ((), None) for a in kept) and not (
                _garbled(kept) and not _named_before(kept, unread)):
            # "Ediciones El País" on El País: the publisher, named with the site's name.
            persons = [p for a in kept for p in parse_byline(a)[0]]
            publisher = any(site in _letters(a) for a in kept for site in spelled
                            if len(site) >= _SITE_IN_NAME) \
                or any(_initials(p) in acronyms for p in persons)
            if publisher or _is_organisation(kept) or not _names_full_name(kept):
                # A declared user name the page prints nowhere gives way to the article's
                # printed byline too (the account's login, not the writer).
                instead = _printed_instead(kept, readers, publisher, spelled) or (
                    over_declared(kept) if index == 0 and over_declared else ())
                # The publisher alone ("TIMESOFINDIA.COM", "Jornal O Papel", "Andalucía
                # Información Andalucía") is the site.
                alone = publisher and all(_publisher_only(p, spelled, words)
                                          or _initials(p) in acronyms for p in persons)
                # A personal site's name is its owner's ("Jane Doe Blog" on janedoe.com).
                named = [site for site in sites if len(_letters(site)) >= _SITE_IN_NAME
                         and any(_letters(site) in _letters(a) for a in kept)]
                if instead or not alone or (any(_named_by_site((site,)) for site in named)
                                            if named else _named_by_site(kept)):
                    return instead or kept
                return ()
            if index == 0:
                return (over_declared(kept) if over_declared else ()) \
                    or _more_printed(kept, readers)
            # The byline element's one linked name of four ("By <a>A</a>, <a>B</a> and
            # <a>D</a>"): a labelled line printed after it names them all.
            return _more_printed(kept, readers, skip_empty=True) if index == 1 else kept
        if kept:
            unread = unread or kept
        else:
            site_only = site_only or tuple(_site_part(a, spelled) for a in found)
    # A page that names nobody but the site credits the site ("Eurosport" on eurosport.de, as
    # its metadata declares it): a paper's own name, a personal site's ("Jane Doe" on
    # janedoe.com), a news agency signing its own copy ("ТАСС" on tass.ru).
    return site_only or unread


def _named_before(bylines: tuple[str, ...], earlier: tuple[str, ...]) -> bool:
    """Whether the persons of ``bylines`` are what an earlier candidate named but could not be
    read as (the declared "cindy mangomini" beside the printed "By Cindy mangomini"): two
    places that spell a name alike make it a name, lower-case word and all."""
    said = {_letters(strip_label(b)) for b in earlier}
    persons = [p for b in bylines for p in parse_byline(b)[0]]
    return bool(persons) and all(_letters(p) in said for p in persons)


# "Do UOL, em São Paulo", "Da Redação do Site", "From Daily Post": the copy's source.
_FROM = re.compile(r"^(?:do|da|dos|das|from|aus|du|des)\s+", re.I)


def _from_site(byline: str, spelled: set[str]) -> bool:
    """Whether the persons read from ``byline`` are all the site, named as the copy's source
    ("Do UOL, em São Paulo" on UOL's pages)."""
    persons = parse_byline(byline)[0]
    return bool(persons) and all(_letters(_FROM.sub("", p)) in spelled for p in persons)


def _site_part(byline: str, spelled: set[str]) -> str:
    """The site's name as ``byline`` prints it, without the label and the place around it
    ("Recipe by Daily Post" and "Daily Post, Frankfurt, Germany" give "Daily Post")."""
    for part in _BYLINE_PARTS.split(_BY.split(strip_label(byline))[-1]):
        part = _FROM.sub("", part)
        if _letters(part) in spelled:
            return part
    return byline


_BY = re.compile(r"\s(?:by|von|par|por)\s", re.I)


def _printed_instead(kept: tuple[str, ...], readers, publisher: bool = False,
                     spelled: set[str] = frozenset()) -> tuple[str, ...]:
    """The first later candidate that prints a labelled byline ("By X") of full names which
    may stand for ``kept`` (see :func:`choose_authors`), or ``()``. When ``kept`` is the
    publisher (the site's name with more words), a byline element's full names without a
    label do too, unless they name the publisher again (a site's name ``spelled``)."""
    # An agency declared alone ("author": "AFP") gives way only to a byline that names it too
    # ("Par Jean Dupont (AFP)"): a teaser's "Par X" elsewhere on the page is another text's.
    agencies = {find_agency(b) for b in kept if not parse_byline(b)[0]} - {None}
    for read, printed in readers:
        if not printed:
            continue  # trafilatura's reading costs a parse and has no labels
        found = read()
        if not found or not (publisher or all(BYLINE_LABEL.match(b) or cjk_labelled(b)
                                              for b in found)):
            continue
        persons = [p for b in found for p in parse_byline(b)[0]]
        if agencies and not agencies & {find_agency(b) for b in found}:
            continue
        if publisher and persons and all(_publisher_only(p, spelled) for p in persons):
            continue
        if persons and all(_is_full_name(p) or CJK_NAME.fullmatch(p) for p in persons) and (
                publisher or _is_organisation(kept) or _same_persons(kept, persons)):
            return found
    return ()


#: How many capitals a site's name may abbreviate itself to ("MK", "FAZ", "NZZ").
_ACRONYM_CHARS = (2, 5)


def _initials(name: str) -> str:
    """The first letters of a name of two words or more ("Московский Комсомолец" gives
    "мк"); ``""`` for one word."""
    words = name.split()
    return "".join(_letters(w)[:1] for w in words) if len(words) >= 2 else ""


# A web agency's or a theme's credit in the author field: a company or a team with its own web
# address ("Web Commerce GmbH www.w-commerce.de", "Created by the W-Team http://...").
_WEB_ADDRESS = re.compile(r"https?://|www\.", re.I)
_MAKER_WORDS = re.compile(r"\b(?:team|created|designed|design|agentur|agency|webdesign)\b",
                          re.I)


def _site_maker(byline: str) -> bool:
    """Whether ``byline`` credits whoever made the site (:data:`_WEB_ADDRESS`), not a writer."""
    if not _WEB_ADDRESS.search(byline):
        return False
    return bool(_MAKER_WORDS.search(byline)) or any(map(is_company, parse_byline(byline)[0]))


def _more_printed(kept: tuple[str, ...], readers, skip_empty: bool = False) -> tuple[str, ...]:
    """A printed byline line that names the persons ``kept`` (the declared ones) and more
    full names ("author": "Jane Doe" beside "By Jane Doe, Tom Roe and Ana Ruiz"), else
    ``kept``: metadata often declares the first writer only. Only when the byline element
    names more, and only a labelled line: names apart ("Published by X", "The information
    is from Y") hold other roles as often. ``skip_empty``: for the byline element's persons,
    the next readers that find nothing are passed over."""
    persons = {_letters(p) for b in kept for p in parse_byline(b)[0]}
    for position, (read, printed) in enumerate(islice(readers, _MORE_PRINTED)):
        found = read() if printed else ()
        if not found and (position or skip_empty):
            continue
        named = [p for b in found for p in parse_byline(b)[0]]
        if not (persons and persons < {_letters(p) for p in named}
                and all(map(_is_full_name, named)) and not _garbled(found)):
            return kept
        if all(BYLINE_LABEL.match(b) for b in found):
            return found
    return kept


#: The candidates after the declared ones that may name more writers: the byline element,
#: the line above the text, the labelled line anywhere.
_MORE_PRINTED = 3


def engine_authors(root) -> tuple[str, ...]:
    """trafilatura's byline reading of ``root`` (an untouched copy of the page, changed here)
    once its comments, tag lists and breadcrumbs are gone: its reading takes a commenter's name,
    or the comment form's "Name" label, for the author."""
    for el in [el for el in _xpath("//*[@class or @id or @itemprop]")(root)
               if _is_not_byline_area(el)]:
        if el.getparent() is not None:
            el.drop_tree()
    found = page_authors(root)
    # A part of more words than a name has: its reading took a box's text for a byline ("About
    # the author Jane Doe Jane Doe writes about the islands and their ferries").
    # Letters alone ("D E"): it read a language menu.
    # A source's label ("Quelle hessenschau de"): it read the page's source line.
    if any(len(part.split()) > _ENGINE_NAME_WORDS or max(map(len, part.split()), default=0) == 1
           or _SOURCE_LABEL.match(part) or names_no_writer(part) for part in found):
        return ()
    # A name printed only in teasers of other articles ("Von Jana Roth" on a card linking to
    # her text, in a sidebar or a list below): its reading took another text's byline.
    if found and all(_in_teasers_only(root, part) for part in found):
        return ()
    return found


#: A link around a byline holds a teaser when its text is this many times the name's.
_TEASER_TIMES = 3


def _in_teasers_only(root, name: str) -> bool:
    """Whether every text of ``root`` that prints ``name`` lies in a link card (a link whose
    text is :data:`_TEASER_TIMES` times longer than the name: a headline, a byline, a date)
    or a box named ``teaser``; ``False`` when no text prints it (the name came from the
    metadata)."""
    wanted = " ".join(name.split()).casefold()
    seen = False
    for el in root.iter(etree.Element):
        for text, holder in ((el.text, el), (el.tail, el.getparent())):
            if not text or holder is None or wanted not in " ".join(text.split()).casefold():
                continue
            seen = True
            boxes = (holder, *holder.iterancestors())
            if not any((box.tag == "a" and len(clean_text(box.text_content()))
                        > _TEASER_TIMES * len(wanted)) or "teaser" in _tokens(box)
                       for box in boxes):
                return False
    return seen


_ENGINE_NAME_WORDS = 6
_SOURCE_LABEL = re.compile(r"(?:sources?|fuentes?|fonte|fonti|quelle)\b", re.I)


# A Chinese paper's text opens with its reporter's credit in brackets: "〔記者巫其倫／台北報導〕"
# (reporter X / filed from Taipei), "【記者王小明／綜合報導】".
_CJK_LEAD_CREDIT = re.compile(r"[〔（(【\[]\s*((?:記者|记者)[^〕）)】\]]{2,30})[〕）)】\]]")


def lead_credit(blocks: list) -> tuple[str, ...]:
    """The reporter's credit in brackets a Chinese text opens with (:data:`_CJK_LEAD_CREDIT`),
    as a byline, when it names persons; ``()`` otherwise. The first two blocks are read: a
    lead picture's caption often comes first."""
    for block in blocks[:2]:
        match = _CJK_LEAD_CREDIT.match(clean_text(block.text_content())[:40])
        persons = parse_byline(match.group(1))[0] if match else ()
        if persons and all(map(CJK_NAME.fullmatch, persons)):
            return (match.group(1),)
    return ()


#: An author line after the text is looked for in its last blocks, the last lines of those,
#: and the first elements after the text's box (a "Text: Jane Doe" paragraph, a signature).
_FOOTER_BLOCKS = 3
_FOOTER_LINES = 4
_FOOTER_SIBLINGS = 2
#: A line longer than this is a sentence of the text, not a byline.
_FOOTER_CHARS = 80


def footer_byline(container, blocks: list) -> tuple[str, ...]:
    """The byline printed after the article text ("Text: Jane Doe", "Von Jonas Keller" as
    the text's last line, or just after its box): the last such line, or ``()``."""
    lines: list[str] = []
    for block in blocks[-_FOOTER_BLOCKS:]:
        lines.extend(_lines(block))
    lines = lines[-_FOOTER_LINES:]
    if container is not None:
        after = [el for el in container.itersiblings() if _is_element(el)]
        for el in after[:_FOOTER_SIBLINGS]:
            if not _is_not_byline_area(el):
                lines.extend(_lines(el)[:_FOOTER_LINES])
    for line in reversed(lines):
        if len(line) <= _FOOTER_CHARS and _is_writer_line(line):
            return (line,)
    return _signature(blocks[-1]) if blocks else ()


#: The inline elements a signature is printed in, and the longest name one holds.
_EMPHASIS = {"b", "strong", "i", "em"}
_SIGNATURE_CHARS = 40


def _signature(block) -> tuple[str, ...]:
    """The name a text signs with as its last paragraph, without a label: the whole paragraph
    a person's name, printed in bold or italics or set to the right ("<p><b><i>Jane Doe</i></b>
    </p>", "<p align=right><em>Ana Ruiz</em></p>"), as many papers and blogs sign. A name
    printed plain is the last line of a list or a caption as often, and one that ends in a
    colon opens an interview's question: neither is read."""
    if not _is_element(block) or block.tag not in ("p", "div"):
        return ()
    text = clean_text(block.text_content())
    if not text or len(text) > _SIGNATURE_CHARS or not _looks_like_name(text):
        return ()
    marked = (block.get("align") or "").lower() == "right" or any(
        clean_text(el.text_content()) == text for el in block.iter(*_EMPHASIS))
    if marked and _reads_as_people(text) and len(parse_byline(text)[0]) == 1:
        return (text,)
    return ()


#: How far from the headline a dated line is looked for: siblings of the headline and of the
#: element around it, on either side.
_HEADLINE_SIBLINGS = 3
_DATED_LINE_CHARS = 80


def dated_name_line(root) -> tuple[str, ...]:
    """The name in a meta line beside the headline that prints a date and a name without a
    label ("04.02.2022 | 13:10 Uhr | Uta Helkenberg", "11.12.2019 - Amelie Loevenich"), or
    ``()``. Only next to the page's first ``<h1>``: further away, such lines are teasers.
    A line after the headline that is a news agency's name alone ("<p class=credit>JIJI</p>")
    signs the agency's copy."""
    headline = next(root.iter("h1"), None)
    if headline is None:
        return ()
    near, after = [], []
    for el in (headline, headline.getparent()):
        if el is None:
            continue
        near += islice(el.itersiblings(preceding=True), _HEADLINE_SIBLINGS)
        after += islice(el.itersiblings(), _HEADLINE_SIBLINGS)
    for el in near + after:
        if not _is_element(el) or el.tag in _UNSHOWN \
                or len(el.text_content()) > 2 * _DATED_LINE_CHARS or _passed_over(el):
            continue
        lines = _lines(el)
        if len(lines) == 1 and el in after and _news_agency_alone(lines[0]):
            return (lines[0],)
        # "<div>Jane Doe<br>14 Jan 2023 06:00AM</div>": the name and the date on lines of
        # their own in one box are that box's fields (Channel NewsAsia's date line).
        for line in lines + ([" | ".join(lines)] if 1 < len(lines) <= 3 else []):
            name = _name_beside_date(line)
            if name:
                return (name,)
    return ()


def _news_agency_alone(line: str) -> bool:
    """Whether ``line`` is a news agency's name and nothing else (a photo agency's is a
    picture's credit)."""
    match = find_agency_match(line)
    return match is not None and match.start == 0 and match.end == len(line) \
        and match.canonical not in PHOTO_AGENCIES


def _name_beside_date(line: str) -> str | None:
    """The one name field of a line whose other fields are a date and times, or ``None``."""
    if len(line) > _DATED_LINE_CHARS:
        return None
    names, dated = [], False
    for field in (f for f in _LINE_FIELDS.split(line) if f):
        if _CLOCK_TIME.fullmatch(field) or _CLOCK_TIME.fullmatch(field.rstrip(" Uhr")):
            continue
        if len(field) <= 40 and _parse_text_date(field):
            dated = True
            continue
        names.append(field)
    if not dated or len(names) != 1:
        return None
    name = names[0]
    label = BYLINE_LABEL.match(name)
    bare = name[label.end():] if label else name
    if _looks_like_name(bare) and _reads_as_people(bare):
        return name
    return None


#: Boxes that present the writer apart from the byline ("About the author" after the text, an
#: author card in a column): an element whose class or id has one of these words, and one
#: that makes it a box (a plain "author" span is as often a teaser's byline).
_AUTHOR_BOX_WORDS = {"author", "authors", "autor", "autoren", "auteur", "writer"}
_BOX_WORDS = {"bio", "box", "about", "info", "card", "profile", "details", "description",
              "biography", "vita"}
#: What such a box prints first besides the name: its heading.
_AUTHOR_BOX_HEADINGS = re.compile(
    r"^(?:about|über|uber|sobre|à\s+propos\s+de|a\s+proposito\s+de)?\s*(?:the|den|die|el|la|"
    r"l['’]|o|a)?\s*(?:author|autor|autorin|auteur|autrice|autore|writer)s?\s*:?$", re.I)
_AUTHOR_BOX_CHARS = 60


def author_box(root) -> tuple[str, ...]:
    """The person an "about the author" box or an author card presents: the first line of
    each box named ``author`` (:data:`_AUTHOR_BOX_WORDS`) outside the comments, tag lists,
    breadcrumbs and pictures, when it is a person's full name. Only when every such box names
    the same person: a page whose boxes name several (a list of a team's experts, teasers of
    other articles) says nothing of this text's writer. ``()`` otherwise."""
    found: set[str] = set()
    seen: set = set()
    for el in _xpath("//*[contains(@class,'uthor') or contains(@class,'utor') "
                     "or contains(@class,'writer') or contains(@id,'uthor')]")(root):
        tokens = _tokens(el)
        if el.tag in _UNSHOWN or el.tag in ("a", "meta", "link") \
                or not (_AUTHOR_BOX_WORDS & tokens and _BOX_WORDS & tokens) \
                or any(a in seen for a in el.iterancestors()):
            continue
        seen.add(el)
        if _passed_over(el):
            continue
        name = _first_line(el)
        # "Rezept von": a label whose name follows in the next line is no name.
        if name and len(name) <= _AUTHOR_BOX_CHARS and _looks_like_name(name) \
                and name.split()[-1][:1].isupper() \
                and _reads_as_people(name) and len(parse_byline(name)[0]) == 1:
            found.add(name)
        if len(found) > 1:
            return ()
    return tuple(found)


def _first_line(el) -> str:
    """The first text ``el`` prints, past a heading such as "About the author"."""
    for text in el.itertext():
        line = clean_text(text)
        if line and not _AUTHOR_BOX_HEADINGS.match(line):
            return line
    return ""
