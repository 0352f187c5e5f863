"""The ``<h1>`` headings of a page that may print its headline, as a reader sees them.

An ``<h1>`` may hold more than the headline: a kicker (a small label above it, in a box of its
own or set small), styles and scripts, buttons and scripted links; it may be the site's logo
(in a brand box, linking home, or saying a name of the site), a teaser linking to another page,
a label for screen readers, or a menu's heading. :func:`_printed_headings` reads what each
prints and tells the headlines from the logos; :mod:`normalize.page.titles` chooses among them.
"""

from __future__ import annotations

import copy
import re
from itertools import islice

from normalize.page.dom import _text, _tokens
from normalize.page.sites import _LOGO_TOKENS, _NAME_CHARS, _UNSPACED_SCRIPT
from normalize.text import clean_text


#: Class words of a kicker printed inside the <h1> ("<span class=kicker>Paris 2024</span>
#: Drinks by boat"): a label above the headline, which neither the declared title nor the
#: reader counts in it.
_KICKER_TOKENS = {"kicker", "overline", "topline", "dachzeile", "roofline", "eyebrow",
                  "subtitle", "supertitle", "overtitle", "pretitle", "antetitulo", "category",
                  "rubric", "label"}
#: ... also ending a class word ("articleoverline", "h1small").
_KICKER_ENDINGS = ("small", "kicker", "overline", "topline", "dachzeile", "roofline", "eyebrow")
#: A link to a site's home page: "/", "https://site.example", "//site.example/index.html", also
#: as the Wayback Machine serves it ("https://web.archive.org/web/2014.../http://site.example/").
_HOME_LINK = re.compile(r"^(?:(?:(?:https?:)?//web\.archive\.org)?/web/\w+/)?"
                        r"(?:(?:https?:)?//[^/?#]+)?/?(?:index\.\w+)?$", re.I)

#: What a page's script prints in its <h1> until the article arrives: "Loading...".
_PLACEHOLDER = re.compile(r"^\W*(?:loading|please wait|wird geladen|chargement|cargando|"
                          r"caricamento|carregando)\W*$", re.I)

#: A printed heading longer than this is a paragraph set large, not a headline.
_HEADING_CHARS = 300


#: Elements inside a heading that break its line: "Storm hits<br>the coast" prints "Storm hits
#: the coast", where the text of its nodes runs the words together ("hitsthe").
_LINE_BREAKS = frozenset(("br", "div", "p"))


def _heading_text(el) -> str:
    """What the heading ``el`` prints, white space folded, a line break read as a space."""
    if next(el.iterdescendants(*_LINE_BREAKS), None) is None:
        return _text(el)
    chunks: list[str] = []
    _broken_text(el, chunks)
    return clean_text("".join(chunks))


def _broken_text(el, chunks: list[str]) -> None:
    chunks.append(el.text or "")
    for child in el:
        if isinstance(child.tag, str):  # not a comment
            broken = child.tag in _LINE_BREAKS
            chunks.append(" " if broken else "")
            _broken_text(child, chunks)
            chunks.append(" " if broken else "")
        chunks.append(child.tail or "")


#: Elements inside an ``<h1>`` whose text is no part of what it prints: a CSS-in-JS page
#: writes its <style> next to the words it styles.
_UNPRINTED = ("style", "script", "noscript", "template")
#: Class words of the box inside an ``<h1>`` that holds the headline alone; the rest of the
#: ``<h1>`` is a kicker ("<span>Energy</span><span class=headline>Bills rise</span>").
_HEADLINE_TOKENS = {"headline"}


#: An inline style that hides an element: an editor's button left in the <h1> for the
#: newsroom ("<a style="display: none">Open in editor</a>").
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _is_kicker(el, tokens: set[str]) -> bool:
    """Whether ``el`` in an ``<h1>`` (class words ``tokens``) is a style, hidden, a kicker or
    small."""
    return el.tag in _UNPRINTED or el.tag == "small" or bool(tokens & _KICKER_TOKENS) \
        or any(t.endswith(_KICKER_ENDINGS) for t in tokens) or el.get("hidden") is not None \
        or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


#: Class words of a box that, after the headline's first words and a box holding a separator
#: alone, prints the rest of it: "<span>Main title</span><i>：</i><i class=title__subtitle>its
#: second half</i>" (before them, it is a kicker; after a space alone, a dek set in the <h1>).
_SECOND_PART_TOKENS = {"subtitle"}


def _after_separator(el) -> bool:
    """Whether ``el`` comes right after a box that holds a separator alone (": ", "：", " – "),
    itself right after a box of words that is no kicker."""
    separator = el.getprevious()
    if separator is None or not isinstance(separator.tag, str) or len(separator) \
            or (separator.tail or "").strip() \
            or not _SEPARATOR_BOX.fullmatch((separator.text or "").replace("：", ":")):
        return False
    words = separator.getprevious()
    return words is not None and isinstance(words.tag, str) and bool(_text(words)) \
        and not _is_kicker(words, _tokens(words))


#: A box inside an ``<h1>`` that holds a separator alone (": ", " – "), mostly hidden from
#: sight or from screen readers: what the <h1> prints before it is a kicker
#: ("<span>Climate</span><span class=visually-hidden>: </span><span>Drilling until it gets
#: hot</span>").
_SEPARATOR_BOX = re.compile(r"\s*[:|\-–—·•/]\s*")
#: Marks the separator's place in the <h1>'s text (a private-use character).
_MARK = "\ue000"
_KICKER_ENDS = " -–—:|/·•"


#: A link that goes nowhere but runs a script: a control ("Add to watchlist"), not words.
_CONTROL_LINK = re.compile(r"^\s*(?:#|javascript:)", re.I)


def _is_control(el, heading) -> bool:
    """Whether ``el`` is a button or a scripted link beside the words of the ``<h1>``."""
    control = el.tag == "button" or (el.tag == "a" and _CONTROL_LINK.match(el.get("href") or ""))
    return bool(control) and _text(el) != _text(heading)


def _without_kicker(heading) -> str:
    """The text of an ``<h1>`` without the kicker printed in it, if any, nor its styles and
    controls."""
    kickers, headline, separator, second_part = [], None, None, False
    for el in heading.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        tokens = _tokens(el)
        if tokens & _SECOND_PART_TOKENS and el.tag != "small" and _after_separator(el):
            second_part = True
        elif _is_kicker(el, tokens) or _is_control(el, heading):
            kickers.append(el)
        elif headline is None and tokens & _HEADLINE_TOKENS:
            headline = el
        elif separator is None and len(el) == 0 and _SEPARATOR_BOX.fullmatch(el.text or ""):
            separator = el
    if headline is not None and _text(headline):
        # "<span class=headline>Frain</span> Fire in a house: five rehoused": a box marked
        # headline that holds the lesser part of the <h1> is its label (a place, a topic).
        if 2 * len(_text(headline)) >= len(_heading_text(heading)):
            return _heading_text(headline)
        kickers.append(headline)
    # A separator before the headline's second part parts no kicker from it.
    separator = None if second_part else separator
    if not kickers and separator is None:
        return _heading_text(heading)
    # The same elements of a copy, found by their place among its descendants.
    places = {i for i, el in enumerate(heading.iterdescendants()) if el in kickers}
    marked = next((i for i, el in enumerate(heading.iterdescendants()) if el is separator), -1)
    heading = copy.deepcopy(heading)
    for i, el in enumerate(list(heading.iterdescendants())):
        if i == marked:
            el.text = _MARK
        elif i in places:
            el.drop_tree()
    before, mark, after = _heading_text(heading).partition(_MARK)
    # A separator with words on both sides parts the kicker from the headline, which is the
    # longer; at an end (a marked kicker gone before it, or a topline after it) it parts
    # nothing.
    kicker, rest = before.strip(_KICKER_ENDS), after.strip(_KICKER_ENDS)
    if mark and kicker and len(kicker) < len(rest):
        return rest
    # "<span class=kicker>Climate</span>: Drilling until it gets hot": its colon stays behind.
    text = before + (separator.text if mark else "") + after
    return " ".join(text.split()).strip(_KICKER_ENDS)


def _is_logo(heading, text: str, site_names: list[str]) -> bool:
    """Whether an ``<h1>`` prints the site's name rather than a headline: it sits in a logo
    or brand box, links to the home page alone, or says a name of the site."""
    folded = text.casefold()
    if any(folded == name.casefold() for name in site_names):
        return True
    # The <h1> itself may be the brand box (<h1 id="branding">).
    for el in (heading, *heading.iterancestors()):
        if el.tag in ("article", "main", "body"):
            break
        if _tokens(el) & _LOGO_TOKENS:
            return True
    links = list(heading.iter("a"))
    if len(links) == 1 and _text(links[0]) == text:
        href = (links[0].get("href") or "").strip()
        if href and _HOME_LINK.match(href):
            return True
    return False


#: A class that hides an element from sight but not from screen readers (not Bootstrap's
#: "hidden-xs", which hides it on small screens only).
_SCREEN_READER_CLASS = re.compile(r"(?<![\w-])(?:hidden|sr-only|visually-?hidden|aural|"
                                  r"screen-?reader(?:-text|-only)?|element-invisible|offscreen)"
                                  r"(?![\w-])", re.I)


def _printed_headings(root, site_names: list[str],
                      declared: str | None = None) -> tuple[list[str], list[str]]:
    """The ``<h1>`` texts of the page that may be its headline, and those that print the
    site's name (its logo), in page order; ``declared`` is the page's declared title, if any
    (a crumb of a breadcrumb trail set as an <h1> is no headline when an <h2> or <h3> prints
    that title whole)."""
    found: list[str] = []
    logos: list[str] = []
    rival = None
    for heading in root.iter("h1"):
        # An <h1> inside a link is a teaser of another page, or the logo when it links home.
        link = next(heading.iterancestors("a"), None)
        href = (link.get("href") or "").strip() if link is not None else ""
        if href and not _CONTROL_LINK.match(href) and not _HOME_LINK.match(href):
            continue
        text = _without_kicker(heading)
        if not text or len(text) > _HEADING_CHARS or text in found or text in logos \
                or _PLACEHOLDER.match(text):
            continue
        # A label for screen readers alone ("Navigation", the site's name) prints nothing; a
        # hidden headline is one still.
        if len(text.split()) < 4 and _SCREEN_READER_CLASS.search(heading.get("class") or ""):
            continue
        # The article's title repeated over its share buttons ("Share or comment on this
        # article: <h1>Short headline</h1>") under the headline the page prints first.
        if _in_share_box(heading):
            printed = _heading_before(heading)
            if printed:
                if printed not in found:
                    found.append(printed)
                continue
        if declared and _is_crumb(heading):
            if rival is None:
                rival = _rival_headline(root, declared)
            if rival is not False:
                # The article's own headline stands in for the crumb.
                shown = _without_kicker(rival)
                if shown and shown not in found and len(shown) <= _HEADING_CHARS:
                    found.append(shown)
                continue
        # ... and a menu's heading is the menu's.
        if next(heading.iterancestors("nav"), None) is not None or _is_aside(heading):
            continue
        home = bool(href) and bool(_HOME_LINK.match(href))
        (logos if home or _is_logo(heading, text, site_names) else found).append(text)
    return found, logos


def _in_share_box(heading) -> bool:
    """Whether the ``<h1>`` sits in a box of share buttons (a class word starting "share")."""
    return any(t.startswith("share") for el in islice(heading.iterancestors(), 2)
               for t in _tokens(el))


def _heading_before(heading) -> str | None:
    """The text of the first ``<h2>`` of four words or more, outside links, that comes before
    ``heading`` in a box up to three levels above it; ``None`` if there is none."""
    for box in islice(heading.iterancestors(), 3):
        for el in box.iter("h2", "h1"):
            if el is heading:
                break
            text = _heading_text(el)
            if el.tag == "h2" and len(text.split()) >= 4 and len(text) <= _HEADING_CHARS \
                    and next(el.iterancestors("a"), None) is None \
                    and next(el.iter("a"), None) is None:
                return text
    return None


#: Class words of a list whose item's <h1> is a crumb of a breadcrumb trail (some CMSes set
#: the last as an <h1>; not any box around the <h1>: many pages hold their whole header in a box
#: named "breadcrumb", or name it in the <body>'s classes: a box near it that prints little more
#: than the trail), and of Google Translate's pop-up
#: ("Original text", in a page saved from a browser that translated it).
_CRUMB_TOKENS = {"breadcrumb", "breadcrumbs"}
_TRANSLATE_TOKENS = {"skiptranslate"}


def _is_aside(heading) -> bool:
    """Whether the ``<h1>`` is marked as another headline than the page's own (microdata's
    ``alternativeHeadline``: a shorter one for search engines beside the printed
    ``headline``), sits in a translation pop-up, or is a word or two heading a box of the
    side panel (a wiki's "Page" and "User" menus)."""
    if (heading.get("itemprop") or "").strip() == "alternativeHeadline":
        return True
    short = len(_text(heading).split()) <= 2
    return any(_tokens(el) & _TRANSLATE_TOKENS or short and _tokens(el) & _SIDE_TOKENS
               for el in heading.iterancestors("div", "aside"))


#: Class words of a side panel beside the article, whose boxes' headings are its menus'.
_SIDE_TOKENS = {"sidebar", "sidepanel"}


def _is_crumb(heading) -> bool:
    """Whether the ``<h1>`` is an item of a breadcrumb list, or of a trail set without a list
    (a blog theme's ``<span>``s in a box named breadcrumbs, a few levels up, that prints
    little more than the trail)."""
    item = next(heading.iterancestors("li"), None)
    if item is not None and any(_tokens(el) & _CRUMB_TOKENS
                                for el in (item, *islice(item.iterancestors(), 2))):
        return True
    if item is not None:
        return False
    size = len(heading.text_content())
    return any(_tokens(el) & _CRUMB_TOKENS and len(el.text_content()) <= size + _TRAIL_CHARS
               for el in islice(heading.iterancestors(), 4))


#: What a breadcrumb trail prints besides its last crumb, at most ("Home » News » Politics").
_TRAIL_CHARS = 200
#: Typographic quotes typed plainly, to compare a declared title with the printed one.
_PLAIN_QUOTES = str.maketrans({c: '"' for c in "“”«»„"} | {c: "'" for c in "’‘`´"})


def _rival_headline(root, declared: str):
    """The ``<h2>``/``<h3>`` that prints the ``declared`` title whole (without regard to case,
    quote styles and spaces), else the first that prints its words in order without its
    punctuation (the kicker in a box of its own, where the declared title has a colon:
    "<h2><span class=overline>Borders</span> <span class=headline>Old resentments</span>
    </h2>" for "Borders: Old resentments"), else the first ``<h2>`` that marks a box in it
    as the headline, outside links (a page whose metadata names the kicker alone,
    or an older headline); ``False`` when none does."""
    wanted = " ".join(declared.translate(_PLAIN_QUOTES).casefold().split())
    words = _WORDS.findall(wanted)
    loose = marked = False
    for el in root.iter("h2", "h3"):
        shown = " ".join(_heading_text(el).translate(_PLAIN_QUOTES).casefold().split())
        if shown == wanted:
            return el
        if loose is False and len(words) >= 3 and _WORDS.findall(shown) == words:
            loose = el
        if marked is False and el.tag == "h2" and _marks_headline(el) \
                and len(shown) <= _HEADING_CHARS and len(shown.split()) >= 3:
            marked = el
    return loose if loose is not False else marked


def _marks_headline(heading) -> bool:
    """Whether a box in the ``<h2>`` is marked as the headline (a class word ``headline``,
    microdata's ``itemprop=headline``), beside the kicker, and no link is in it or around it.
    (An ``<h2>`` marked as a whole may be a section's heading in the text, or a headline the
    crumb prints otherwise for search engines, which labelled pages keep.)"""
    if next(heading.iter("a"), None) is not None \
            or next(heading.iterancestors("a"), None) is not None:
        return False
    return any("headline" in _tokens(el) or (el.get("itemprop") or "").strip() == "headline"
               for el in heading.iterdescendants())


_WORDS = re.compile(r"\w+")


#: What may part a <title>'s headline from a name run on after it: a separator, or (in a
#: script written without spaces) a space.
_RUN_ON_NAME = re.compile(r"\s*[-–—_|｜:·•/]")
#: Boxes a headline printed in them is not the page's: a link, a menu, a list item.
_NOT_HEADLINE_BOXES = frozenset(("a", "nav", "li", "h1"))


def _printed_start(root, title: str, key) -> str | None:
    """The text of the first heading, bold line or box (outside links, menus and list items)
    that prints the start of the ``<title>``'s headline ``title`` when the rest is a name run
    on after a separator or, in a script written without spaces, after a space
    ("Headline-EDN Design" over an ``<h4>`` "Headline", "标题 东区办事处"); ``key`` is the
    comparison key of a title. ``None`` when no box prints one."""
    wanted = " ".join(key(title).split())
    unspaced = bool(_UNSPACED_SCRIPT.search(wanted))
    for el in root.iter("h2", "h3", "h4", "h5", "strong", "b", "p", "div", "span", "td"):
        if len(el.text_content()) >= _HEADING_CHARS:
            continue
        text = _text(el)
        shown = " ".join(key(text).split())
        if not shown or not wanted.startswith(shown) or 2 * len(shown) < len(wanted) \
                or not (len(shown.split()) >= 3 or unspaced and len(shown) >= 8):
            continue
        rest = wanted[len(shown):]
        if not (_RUN_ON_NAME.match(rest) or unspaced and rest[:1].isspace()) \
                or not rest.strip(" -–—_|｜:·•/") or len(rest) > _NAME_CHARS \
                or any(up.tag in _NOT_HEADLINE_BOXES for up in el.iterancestors()):
            continue
        return text
    return None
