"""Choosing a page's bylines among the places that name them.

A page names its authors in several places, with varying care: the declared metadata (JSON-LD,
microdata, ``<meta name="author">``), a byline element, a "By X" line above the text,
trafilatura's author reading, and an author line after the text. Many sites declare their own
name as the author (``"author": "Daily Post"``) and print the reporter's byline on the page:
a candidate that is only the site's name does not stop the search. A page that names nobody
else (a one-person blog whose site is its author's name, a press office) keeps the site's name.
"""

from __future__ import annotations

from typing import Callable, Iterable

from lxml import etree

from normalize.bylines import parse_byline
from normalize.page.dom import _is_element
from normalize.page.engine import page_authors
from normalize.page.visible import _is_byline, _is_not_byline_area, _without_site
from normalize.text import clean_text, html_to_text


def choose_authors(candidates: Iterable[Callable[[], tuple[str, ...]]],
                   site_names: Iterable[str]) -> tuple[str, ...]:
    """The bylines of the first candidate that names someone besides the site.

    ``candidates`` are called in order (the later ones cost more: trafilatura re-reads the
    page) until one gives a byline that is not only one of ``site_names``; parts that are the
    site's name are dropped from it ("Ana Ruiz, Daily Post" gives "Ana Ruiz"). When every
    candidate is empty or the site's name, the first site-name byline is kept: the page's only
    author is the site itself. A byline in which :func:`normalize.bylines.parse_byline` reads
    neither a person nor an agency (a "Follow" button, "Redaktion") is kept only when no
    candidate has better. Returns ``()`` when no candidate names anyone.
    """
    sites = set(site_names)
    site_only: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()
    for read in candidates:
        found = read()
        if not found:
            continue
        kept = _without_site(found, sites)
        if kept and any(parse_byline(a) != ((), None) for a in kept):
            return kept
        if kept:
            unread = unread or kept
        else:
            site_only = site_only or found
    return site_only or unread


def engine_authors(root) -> tuple[str, ...]:
    """trafilatura's byline reading of ``root`` (an untouched copy of the page, changed here)
    once its comments, tag lists and breadcrumbs are gone: its reading takes a commenter's name,
    or the comment form's "Name" label, for the author."""
    for el in [el for el in root.xpath("//*[@class or @id or @itemprop]")
               if _is_not_byline_area(el)]:
        if el.getparent() is not None:
            el.drop_tree()
    return page_authors(root)


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
        if len(line) <= _FOOTER_CHARS and _is_byline(line):
            return (line,)
    return ()


def _lines(el) -> list[str]:
    text = html_to_text(etree.tostring(el, encoding="unicode", with_tail=False))
    return [line for line in (clean_text(t) for t in text.split("\n")) if line]
