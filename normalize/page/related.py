"""Related items ("related news" lists of title, date and link), read before the body is
looked for and removed from the page so they never leak into it."""

from __future__ import annotations

import functools
import re

from lxml import etree

from normalize.model import Related
from normalize.text import clean_text, parse_date
from normalize.page.dom import _absolute, _first, _first_element, _is_element, _names, _text, _xpath
from normalize.page.dates import _parse_text_date


# ---------------------------------------------------------------------------------------------
# Related items

_RELATED_NAMES = re.compile(
    r"related|relacionad|relacionat|connexe|correlat|verwandt|lire-aussi|leia-tambem|yarpp|"
    r"more-stories|more-news|also-read|read-also|read-next|more-from|recommend"
)
_RELATED_HEADINGS = re.compile(
    r"^(?:related|more on this|read (?:also|more|next)|see also|à lire aussi|lire aussi|"
    r"más información|mais informações|saiba mais|weitere artikel|per approfondire|"
    r"sur le même sujet|dans la même rubrique|vous aimerez aussi|noticias relacionadas|"
    r"te puede interesar|lee también|leia também|notícias relacionadas|veja também|"
    r"mehr zum thema|das könnte sie auch interessieren|lesen sie auch|leggi anche|"
    r"articoli correlati|potrebbe interessarti|ti potrebbe interessare)",
    re.I,
)


_HEADING_TAGS = {"h2", "h3", "h4", "h5", "header"}


@functools.lru_cache(maxsize=8192)
def _related_names(names: str) -> bool:
    """Whether a class and id (:func:`_names`) name a "related news" box, once per string."""
    return _RELATED_NAMES.search(names) is not None


def _related_containers(root) -> list:
    """The outermost "related news" boxes: named so in their class or id, or by their heading."""
    found = []
    for el in root.iter(etree.Element):
        if el.tag in ("html", "body", "a"):
            continue
        if not _related_names(_names(el)):
            if el.tag not in ("section", "aside", "div", "nav"):
                continue
            # Its first heading child, looked for among its children in Python: a call of an
            # XPath costs more than the few children of most boxes.
            heading = next((c for c in el if c.tag in _HEADING_TAGS), None)
            if heading is None or not _RELATED_HEADINGS.match(_text(heading)):
                continue
        if not _xpath(".//a[@href]")(el) or any(f in el.iterancestors() for f in found):
            continue
        # "post related-enabled" on the article itself: a list of links is mostly links.
        prose = len(_text(el)) - sum(len(_text(a)) for a in el.iter("a"))
        if el.tag not in ("article", "main") and prose < 2000:
            found.append(el)
    return found


def _read_related(container, base: str | None) -> list[Related]:
    items = [el for el in _xpath(".//li|.//article")(container)
             if not any(a.tag in ("li", "article") for a in el.iterancestors()
                        if container in a.iterancestors())]
    if not items:
        # Items as plain boxes: the children that hold a link (through single wrappers).
        level = container
        while True:
            items = [c for c in level if _is_element(c) and _xpath("self::a[@href]|.//a[@href]")(c)
                     and c.tag not in ("h2", "h3", "h4", "h5", "h6", "header")]
            if len(items) != 1 or items[0].tag == "a":
                break
            level = items[0]
    related: list[Related] = []
    seen: set[str] = set()
    for item in items:
        links = [item] if item.tag == "a" else _xpath(".//a[@href]")(item)
        heading = _first(_text(h) for h in _xpath(".//h2|.//h3|.//h4|.//h5|.//h6")(item))
        # The title link is the one on (or in) the item's heading, else the first with text.
        in_heading = [a for a in links if _xpath(".//h2|.//h3|.//h4|.//h5|.//h6|ancestor::h2|"
                                                   "ancestor::h3|ancestor::h4|ancestor::h5|"
                                                   "ancestor::h6")(a)]
        link = _first_element(in_heading + [a for a in links if _text(a)])
        if link is None:
            continue
        title = heading or _text(link) or clean_text(link.get("title"))
        url = _absolute(link.get("href"), base)
        if not title or not url or url in seen:
            continue
        seen.add(url)
        times = _xpath(".//time")(item)
        published = _first(parse_date(t.get("datetime")) for t in times) or _first(
            _parse_text_date(_text(t)) for t in times)
        if published is None:
            published = _parse_text_date(_text(item).replace(title, " "))
        related.append(Related(title=title, url=url, published=published))
    return related
