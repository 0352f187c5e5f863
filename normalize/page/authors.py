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

from normalize.page.engine import page_authors
from normalize.page.visible import _is_not_byline_area, _without_site


def choose_authors(candidates: Iterable[Callable[[], tuple[str, ...]]],
                   site_names: Iterable[str]) -> tuple[str, ...]:
    """The bylines of the first candidate that names someone besides the site.

    ``candidates`` are called in order (the later ones cost more: trafilatura re-reads the
    page) until one gives a byline that is not only one of ``site_names``; parts that are the
    site's name are dropped from it ("Ana Ruiz, Daily Post" gives "Ana Ruiz"). When every
    candidate is empty or the site's name, the first site-name byline is kept: the page's only
    author is the site itself. Returns ``()`` when no candidate names anyone.
    """
    sites = set(site_names)
    site_only: tuple[str, ...] = ()
    for read in candidates:
        found = read()
        if not found:
            continue
        kept = _without_site(found, sites)
        if kept:
            return kept
        site_only = site_only or found
    return site_only


def engine_authors(root) -> tuple[str, ...]:
    """trafilatura's byline reading of ``root`` (an untouched copy of the page, changed here)
    once its comments, tag lists and breadcrumbs are gone: its reading takes a commenter's name,
    or the comment form's "Name" label, for the author."""
    for el in [el for el in root.xpath("//*[@class or @id or @itemprop]")
               if _is_not_byline_area(el)]:
        if el.getparent() is not None:
            el.drop_tree()
    return page_authors(root)
