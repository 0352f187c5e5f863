"""Whether a page's declared authors and its printed byline name the same writers.

A page's metadata usually names the writer its byline prints. When they disagree the page
itself settles it: a content system fills the declared author with the account that posted
the text (WordPress with an SEO plugin declares the editor who uploaded a reporter's story,
``"author": {"@type": "Person", "name": "Web Editor"}``), a name the page prints nowhere,
while its byline names the reporters. A declared writer whom the page prints somewhere (an
author box, a line after the text) is believed over a byline element, which is as often a
teaser's or a video's.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from lxml import etree

from normalize.bylines import BYLINE_LABEL, _is_place, parse_byline
from normalize.page.names import _is_full_name, _letters
from normalize.page.visible import _find_byline

#: The text a page prints: its body's text nodes outside scripts, styles, templates and boxes
#: a class hides ("rich-snippet-hidden", "hidden"; see :func:`normalize.page.visible._is_hidden`).
_SHOWN_TEXTS = etree.XPath(
    "//body//text()[not(parent::script or parent::style or parent::noscript "
    "or parent::template)][not(ancestor::*[contains(concat(' ', @class, ' '), "
    "' rich-snippet-hidden ') or contains(concat(' ', @class, ' '), ' hidden ')])]",
    smart_strings=False)


def shown_text(root) -> Callable[[], str]:
    """The text ``root`` (an untouched copy of the page) prints, white space folded: gathered
    on the first call only."""
    text: list[str] = []

    def read() -> str:
        if not text:
            text.append(" ".join(" ".join(_SHOWN_TEXTS(root)).split()))
        return text[0]

    return read


def shown_on_page(text: Callable[[], str]) -> Callable[[str], bool]:
    """A test of whether the page whose :func:`shown_text` is ``text`` prints a name, case and
    spacing aside."""
    folded: list[str] = []

    def shown(name: str) -> bool:
        if not folded:
            folded.append(text().casefold())
        return " ".join(name.split()).casefold() in folded[0]

    return shown


# A user name made of a person's name: "edilson.la.rosa", "christian.stadtfeld", "jane_doe".
_NAME_HANDLE = re.compile(r"[^\W\d_A-Z]+(?:[._-][^\W\d_A-Z]+)+")
_SEPARATORS = re.compile(r"[._-]")
# What may stand between the parts as the page prints the name: a middle initial.
_BETWEEN_PARTS = r"\s+(?:[^\W\d_]\.\s+)?"


def name_for_handle(authors: tuple[str, ...], text: Callable[[], str]) -> tuple[str, ...]:
    """``authors``, or the person's name as the page prints it (``text``, its
    :func:`shown_text`) when ``authors`` is one user name made of that name's words
    ("edilson.la.rosa" for "Edilson La Rosa", "christian.stadtfeld" for "Christian P.
    Stadtfeld"): content systems fill the author field with the account's login."""
    if len(authors) != 1:
        return authors
    persons = parse_byline(authors[0])[0]
    if len(persons) != 1 or not _NAME_HANDLE.fullmatch(persons[0]):
        return authors
    parts = _SEPARATORS.split(persons[0])
    pattern = re.compile(r"(?<!\w)" + _BETWEEN_PARTS.join(map(re.escape, parts)) + r"(?!\w)",
                         re.I)
    for match in pattern.finditer(text()):
        words = match.group(0).split()
        if words[0][:1].isupper() and words[-1][:1].isupper():
            return (match.group(0),)
    return authors


def printed_over_declared(declared: tuple[str, ...],
                          printed: Sequence[tuple[Callable[[], tuple[str, ...]],
                                                  Callable[[], bool]]],
                          shown: Callable[[str], bool]) -> tuple[str, ...]:
    """The first of the ``printed`` bylines (the page's byline element, the text's opening
    byline, the labelled line in the article) that names other persons than ``declared`` (the
    metadata's persons: full names, or user names such as "sarah-indra"),
    when the page prints none of the declared names (``shown``) and the byline is the
    article's own; ``()`` otherwise. ``printed`` holds ``(read, own)`` pairs: ``own`` says
    whether the byline ``read`` gives stands in the article (a teaser's below it does not).
    ``declared`` naming only agencies ("AP") gives way to the first labelled byline of full
    names that is the article's own: the agency's writer."""
    persons = [p for b in declared for p in parse_byline(b)[0]]
    if not persons and declared and all(parse_byline(b)[1] for b in declared):
        return _agency_writers(printed)
    if not persons or not all(_is_full_name(p) or _NAME_HANDLE.fullmatch(p) for p in persons):
        return ()
    letters = {_letters(p) for p in persons}
    words = {_letters(w) for p in persons for w in re.split(r"[\s._-]+", p)
             if len(_letters(w)) >= 3}
    for read, own in printed:
        found = read()
        # A dateline's place printed in the byline box ("São Paulo") is no writer.
        named = [p for b in found for p in parse_byline(b)[0] if not _is_place(p)]
        if not any(map(_is_full_name, named)):
            continue
        # The same writer spelled otherwise ("Richard (R.J.) Eskow", "Steve Gillman" for
        # "Gillman, Steve") is no disagreement.
        if letters & {_letters(p) for p in named} \
                or words & {_letters(w) for p in named for w in p.split()}:
            return ()
        # The page's text is read only now: most pages agree.
        if any(map(shown, persons)):
            return ()
        if own():
            return found
        # A byline outside the article (a teaser's) gives way to a later reading of its own.
    return ()


def _agency_writers(printed) -> tuple[str, ...]:
    """What stands for an agency declared alone (``"author": "AP"``): the article's own
    labelled byline of full names ("By PHILLIP RAWLS" in its meta line), the agency's writer."""
    for read, own in printed:
        found = read()
        named = [p for b in found for p in parse_byline(b)[0] if not _is_place(p)]
        if named and all(map(_is_full_name, named)) and all(map(BYLINE_LABEL.match, found)) \
                and own():
            return found
    return ()


def read_once(read: Callable[[], tuple[str, ...]]) -> Callable[[], tuple[str, ...]]:
    """``read``, called at most once: a candidate may be asked again."""
    done: list[tuple[str, ...]] = []

    def again() -> tuple[str, ...]:
        if not done:
            done.append(read())
        return done[0]

    return again


def _own(byline: tuple[str, ...], scope) -> bool:
    """Whether the byline element ``byline`` was found in the article's ``scope`` (not in a
    list of teasers around it)."""
    return scope is not None and _find_byline(scope, None) == byline


def in_article_box(bylines: tuple[str, ...], scope) -> bool:
    """:func:`in_scope`, or printed in the box around the article's ``scope`` that holds its
    headline too: the meta line between the headline and the text is the article's."""
    if in_scope(bylines, scope):
        return True
    box = next((a for a in scope.iterancestors() if a.tag not in ("body", "html")
                and next(a.iter("h1"), None) is not None), None) if scope is not None else None
    return box is not None and in_scope(bylines, box)


def in_scope(bylines: tuple[str, ...], scope) -> bool:
    """Whether the persons ``bylines`` name are printed in the article's ``scope`` (a printed
    byline line found anywhere on the page may be a teaser's)."""
    persons = [p for b in bylines for p in parse_byline(b)[0]]
    if scope is None or not persons:
        return False
    text = " ".join(scope.text_content().replace("\xad", "").split())
    return all(p in text for p in persons)
