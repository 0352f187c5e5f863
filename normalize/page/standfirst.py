"""The standfirst: the dek, summary or "chapeau" printed between the headline and the text,
which readers and the extractors count as the text's opening."""

from __future__ import annotations

import html as html_lib
import re

from lxml import etree

from normalize.bylines import BYLINE_LABEL
from normalize.page.body import _BLOCKS
from normalize.page.dom import _link_density, _text, _tokens, _xpath
from normalize.page.pictures import _is_figure


#: Names of the standfirst (the dek, summary or "chapeau" printed under the headline).
_STANDFIRST_TOKENS = {"standfirst", "subtitle", "subheadline", "subhead", "deck", "dek",
                      "summary", "sumario", "entradilla", "chapeau", "lead", "lede", "intro",
                      "bajada", "sommario", "abstract", "description", "excerpt"}
_STANDFIRST_PROPS = {"alternativeheadline", "description", "abstract"}
#: The same words run together with the article's ("articleLead", "leadtext", "storyIntro";
#: class names are lower-cased before they are read).
_STANDFIRST_COMPOUND = re.compile(r"(?:article|story|post|entry|news)?(?:lead|lede|intro|"
                                  r"standfirst|summary|abstract|deck|dek)(?:text|in|para)?")
#: Boxes whose names hold a standfirst word but that hold no standfirst.
_NOT_STANDFIRST_TOKENS = {"image", "img", "photo", "media", "picture", "video", "figure",
                          "caption", "related", "teaser", "card", "list", "item", "author",
                          "byline", "date", "meta", "share", "title", "credit", "bio",
                          "about", "profile", "slideshow", "gallery", "comment", "comments"}
#: Boxes around a picture's caption.
_CAPTION_BOX_TOKENS = {"caption", "credit", "slideshow", "gallery", "figure", "photo"}
_STANDFIRST_TAGS = {"p", "h2", "h3", "div", "span", "strong", "b"}
#: A standfirst is a sentence or a few: not a label, not the text itself.
_STANDFIRST_CHARS = (40, 700)


def find_standfirst(root, blocks: list, title: str | None):
    """The standfirst printed between the headline and the first of ``blocks`` (the text
    found), or ``None``.

    Readers and the extractors both count the dek as the text's opening, so the body opens
    with it; our text walk leaves it out (its names, "standfirst", "summary", "subtitle", are
    those of metadata). Only a box named so, or marked ``alternativeHeadline``/``description``,
    after the last ``<h1>`` before the text (else anywhere before it) and outside any link.
    """
    if not blocks:
        return None
    first = blocks[0]
    found = None
    for el in root.iter(etree.Element):
        if el is first:
            return found
        if el.tag == "h1":
            found = None  # the headline (again): a standfirst comes after it
            continue
        if found is not None and el in found.iterdescendants():
            continue
        if el.tag not in _STANDFIRST_TAGS or not _is_standfirst(el, title):
            continue
        if any(a.tag == "a" for a in el.iterancestors()) or first in el.iterdescendants():
            continue
        found = el
    return None


def _is_standfirst(el, title: str | None) -> bool:
    tokens = _tokens(el)
    prop = (el.get("itemprop") or "").lower()
    if not (tokens & _STANDFIRST_TOKENS or prop in _STANDFIRST_PROPS
            or any(_STANDFIRST_COMPOUND.fullmatch(t) for t in tokens)):
        return False
    if tokens & _NOT_STANDFIRST_TOKENS or _is_figure(el) or _xpath(".//img|.//figure")(el):
        return False
    # A "summary" inside a picture's credit box or a slideshow is a caption.
    for level, ancestor in enumerate(el.iterancestors()):
        if level == 4 or ancestor.tag in ("article", "main", "body"):
            break
        if _is_figure(ancestor) or _tokens(ancestor) & _CAPTION_BOX_TOKENS:
            return False
    text = _text(el)
    if not _STANDFIRST_CHARS[0] <= len(text) <= _STANDFIRST_CHARS[1] or text == title:
        return False
    if BYLINE_LABEL.match(text) or _link_density(el, len(text)) > 0.5:
        return False
    # A box of several paragraphs is the text's own, or a list of points; a dek is one block.
    return len([b for b in el.iter(*_BLOCKS) if b is not el]) <= 1


def _standfirst_html(el) -> str:
    """The standfirst as a paragraph (an ``<h2 class="subtitle">`` is no subheading)."""
    inner = (html_lib.escape(el.text or "", quote=False)
             + "".join(etree.tostring(c, encoding="unicode", method="html", with_tail=True)
                       for c in el))
    return f"<p>{inner.strip()}</p>"
