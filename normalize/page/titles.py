"""The page's headline, without the site's name.

A page names its headline up to four times: declared (JSON-LD ``headline``, microdata,
``og:title``), in its ``<title>`` (mostly with the site's name: ``Headline | Site``), printed
in an ``<h1>``, and in the text. The printed ``<h1>`` is what a reader sees, with the page's
own typography and without the site's name, so it wins whenever a declared title or the
``<title>`` agrees with it; an ``<h1>`` that is the site's logo is never a headline, and a
kicker printed inside it (a small label above the headline) is no part of it
(:mod:`normalize.page.headings` reads what each ``<h1>`` prints). Otherwise the declared
title is taken, then the ``<title>``, each without the site's name
(:func:`~normalize.page.sites._strip_site_name`), checked against ``og:site_name``, the
publisher, the host's name and the names the host's other pages share in their ``<title>``
(:mod:`normalize.page.sites`).
"""

from __future__ import annotations

import re
import unicodedata

from lxml import html as lxml_html

from normalize.page.dom import _first, _first_element, _text
from normalize.page.headings import (_HEADING_CHARS, _SCREEN_READER_CLASS, _heading_text,
                                     _printed_headings, _printed_start, _without_kicker)
from normalize.page.sites import (_BLOG_ARCHIVE, _NAME_CHARS, _NAME_SEPARATOR, _TITLE_PARTS,
                                  _UNSPACED_SCRIPT, _split_unquoted, _squash,
                                  _strip_site_name, _without_bar_label, _without_glued_name)
from normalize.page.titlevotes import (_names_the_site, holds_heading, section_headings,
                                       undated_text)
from normalize.text import plain_title


#: Between two CJK characters (or full-width punctuation) a hyphen, a dash, an underscore or
#: a bar separates the parts of a <title> without spaces: "城！-新华网", "台阶_科技_腾讯网".
_CJK = r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
_CJK_PARTS = re.compile(rf"(?<={_CJK})\s*[-_|｜–—]+\s*(?={_CJK})")


#: A title taken from the text is cut at a word boundary to stay a headline, not a paragraph.
_TITLE_FROM_TEXT_CHARS = 120


def _title_from_body(body_html: str, skip: frozenset[str] = frozenset()) -> str:
    """The text of the first block of ``body_html`` without its lines that are in ``skip`` (a
    menu's links), cut to at most 120 characters at a word boundary (with an ellipsis when
    cut); ``""`` when there is none. Blocks, not lines: a paragraph's source may wrap."""
    if not body_html.strip():
        return ""
    for part in lxml_html.fragments_fromstring(body_html):
        # trafilatura's fallback hands back a menu's links as lines of a paragraph.
        lines = (part if isinstance(part, str) else part.text_content()).split("\n")
        text = " ".join(" ".join(ln for ln in lines if ln.strip() not in skip).split())
        if text:
            break
    else:
        return ""
    if len(text) <= _TITLE_FROM_TEXT_CHARS:
        return text
    cut = text[:_TITLE_FROM_TEXT_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + "…"

_DASHES = re.compile(r"\s*[–—‒]\s*|\s+-\s+")


def _shown_title(root, title: str | None) -> str | None:
    """``title`` as the page's headline element prints it when the two differ only in
    typography („“ « » for ", – for -) or case: metadata often carries a plain-typed copy;
    else when they differ only in spaces and hyphens ("Iphonehülle" declared, "iPhone-Hülle"
    printed). A headline printed in capitals does not replace one that is not."""
    if not title:
        return title
    wanted = _typographic_key(title)
    letters = _UNHYPHENATED.sub("", wanted)
    spelled = None
    for el in root.iter("h1", "h2", "h3"):
        shown = _heading_text(el)
        if shown == title or len(shown) >= 300 or (shown.isupper() and not title.isupper()):
            continue
        if _typographic_key(shown) == wanted:
            return shown
        if spelled is None and len(shown.split()) >= 2 \
                and _UNHYPHENATED.sub("", _typographic_key(shown)) == letters:
            spelled = shown
    return spelled or title


#: Spaces and hyphens, which a declared title may set otherwise than the printed headline.
_UNHYPHENATED = re.compile(r"[\s\-‐‑]+")


def _typographic_key(text: str) -> str:
    # The printed apostrophe (’) wins over the metadata's "'" too: labelled pages print and
    # keep it three times in four.
    return " ".join(_DASHES.sub(" - ", _plain_quotes(text)).casefold().split())


_DOUBLE_QUOTES = re.compile(r"[“”«»„]")
_SINGLE_QUOTES = re.compile(r"[’‘`´]")


def _plain_quotes(text: str) -> str:
    """``text`` with typographic quotes and apostrophes typed plainly, character for character."""
    return _SINGLE_QUOTES.sub("'", _DOUBLE_QUOTES.sub('"', text))


def _comparable(text: str) -> str:
    # A soft hyphen prints nothing unless the line breaks there ("Mes\xadsen\xadger").
    return _plain_quotes(text).casefold().replace("\xad", "")


# ---------------------------------------------------------------------------------------------
# The printed headline's agreement with the declared title

#: Two titles agree when they share this share of the words of the longer one.
_AGREEMENT = 0.4
_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(_comparable(text)))


def _agreement(one: str, other: str) -> float:
    """The share of the words of the longer of two titles that the other has too."""
    a, b = _words(one), _words(other)
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


_STRONG_SEPARATOR = re.compile(r"\s*(?:[|｜]|::)\s*|\s+[·•»›~]+\s+")


def _tag_title(root, title: str, site_names: list[str]) -> str:
    """The headline of the ``<title>`` text: without a known site name, else its longest part
    (``Headline | Site``, ``Site - Headline``), as the page prints it when it does."""
    stripped = _strip_site_name(title, site_names)
    parts = _split_unquoted(_TITLE_PARTS, stripped)
    if len(parts) == 1:
        parts = _CJK_PARTS.split(stripped)
    # "Headline | Section | Forum" or "Blog » Archive » Headline" once the site's name is
    # gone, "Club - Headline - Section": the longest part; a headline seldom holds a "|", a
    # "»" or two spaced dashes.
    strong = _split_unquoted(_STRONG_SEPARATOR, stripped)
    if len(strong) > 1:
        stripped = _strip_site_name(_longest(strong, site_names),
                                    site_names)
    elif stripped == title or len(parts) > 2:
        stripped = _longest(parts, site_names)
    # The page may print it with better typography ("l’intra-muros" for "l'intra-muros").
    wanted = _comparable(stripped)
    shown = _first_element(
        el for el in root.iter("b", "strong", "font", "h2", "h3", "div", "span", "td", "p")
        if len(el.text_content()) < 300 and _comparable(_text(el)) == wanted
    )
    return _text(shown) if shown is not None else stripped


def _longest(parts: list[str], site_names: list[str]) -> str:
    """The longest of the ``parts`` of a title that is not a name of the site, if any is not
    (``energieverbraucher.de | Gaspreise``)."""
    names = {_squash(n) for n in site_names}
    return max((p for p in parts if _squash(p) not in names), key=len, default=max(parts, key=len)
               ).strip()


def _printed_heading(root, text: str) -> str | None:
    """``text`` when it reads as a headline (three words or more, or eight characters of a
    script written without spaces) and an ``<h2>`` or ``<h3>`` prints it (but for a mark
    before it); else ``None``."""
    if not (len(text.split()) >= 3 or _UNSPACED_SCRIPT.search(text) and len(text) >= 8):
        return None
    wanted = _comparable(text)
    return _first(text for el in root.iter("h2", "h3")
                  if _comparable(_BULLET.sub("", _heading_text(el))) == wanted)


def _article_header_heading(root) -> str | None:
    """The text of the first ``<h2>`` in the ``<header>`` of the page's first ``<article>``
    when it reads as a headline (four words or more, or eight characters of a script written
    without spaces, and no link); else ``None``."""
    article = next(root.iter("article"), None)
    header = next(article.iter("header"), None) if article is not None else None
    heading = next(header.iter("h2"), None) if header is not None else None
    if heading is None or next(heading.iter("a"), None) is not None \
            or next(heading.iterancestors("a"), None) is not None:
        return None
    text = _heading_text(heading)
    if len(text) <= _HEADING_CHARS and (
            len(text.split()) >= 4 or _UNSPACED_SCRIPT.search(text) and len(text) >= 8):
        return text
    return None


#: A mark printed before a heading ("■ Headline" in a diary), which is no part of it.
_BULLET = re.compile(r"^[■□◆◇●○▶▷►▼★☆※◎]\s*")


def _printed_outside_menus(root, text: str) -> bool:
    """Whether the page prints ``text`` (compared without case and quote styles) as the whole
    of a heading, a bold line, a paragraph or a box that no link, menu, list item, footer or
    aside holds (a teaser's line), nor a heading that prints more (a kicker in a box of its
    own above the headline)."""
    wanted = _comparable(text)
    return any(len(el.text_content()) < _HEADING_CHARS
               and _comparable(_BULLET.sub("", undated_text(el))) == wanted
               and not any(up.tag in _HOLDERS for up in el.iterancestors())
               for el in root.iter("h2", "h3", "h4", "strong", "b", "p", "div", "span"))


#: Boxes whose part is no headline of the page: a link, a menu, a list item, a heading, a
#: footer or an aside ("<footer><div class=byline>Shirts for the holidays</div>" of a card).
_HOLDERS = frozenset(("a", "nav", "li", "h1", "h2", "h3", "footer", "aside"))


def _is_declared_title(text: str, site: str | None) -> bool:
    """Whether a declared title is one: not an address, not the site's declared name."""
    return not text.startswith(("/", "http://", "https://")) \
        and not (site and text.casefold() == site.casefold())


def find_title(root, declared: str | None, site_names: list[str],
               site: str | None = None, url: str | None = None) -> str | None:
    """The headline of the page ``root`` (read before any of it is removed as chrome), given
    its ``declared`` title (JSON-LD, microdata, Open Graph; ``None`` when it declares none),
    the names of the site (:func:`_site_names`), its declared name ``site`` (``og:site_name``
    or the publisher) and its address ``url``; ``None`` when it names none.

    In this order: an ``<h1>`` that agrees with the declared title or the ``<title>`` (shares
    two fifths of the words of the longer), as printed (the part of it that prints the
    declared headline when the rest is a kicker before it or a site's name or date after it);
    an ``<h1>`` that is one part of either ("Penny" of "Penny - Stardew Valley Wiki"); the
    page's first ``<h1>`` of four words or more when the declared title says something else (an
    older headline, one written for search engines) that the page does not print; the
    declared title without the site's name; then, when nothing is declared, the ``<h1>``
    (a ``<title>`` that says something else mostly names the site or the section) unless the
    page prints the ``<title>``'s headline as well; last the ``<title>`` without the site's
    name. A declared title that is an address or the site's declared name is none. The
    headline is given in Unicode's normal form C (NFC), the form text is exchanged in: a
    page may type "ড়" as one code point (U+09DC), which NFC writes as two.
    """
    title = _find_title(root, declared, site_names, site, url)
    if title:
        title = _without_printed_kicker(root, title)
        title = _DANGLING.sub("", _INVISIBLE.sub("", title)) or title
        # "23.01.2022 - Wierer wins at home": the day of a news item is no part of its headline.
        undated = _LEADING_DATE.sub("", title)
        if len(undated.split()) >= 2 or (undated and _UNSPACED_SCRIPT.search(undated)):
            title = undated
        title = _without_bar_label(title)
        # "Tom &amp; Jerry" in a <title> or an <h1>: the CMS escaped the headline twice.
        if _ENTITY.search(title):
            title = plain_title(title) or title
    return unicodedata.normalize("NFC", title) if title else title


#: What RDFa's property or microdata's itemprop calls a work's title.
_TITLE_PROPERTIES = {"dc:title", "dcterms:title", "schema:headline", "schema:name", "headline"}


def _marked_title(root, heading: str) -> bool:
    """Whether an ``<h1>`` printing ``heading`` is marked as the work's title
    (:data:`_TITLE_PROPERTIES`)."""
    return any(_TITLE_PROPERTIES & set(f"{h.get('property') or ''} {h.get('itemprop') or ''}"
                                       .lower().split()) and _text(h) == heading
               for h in root.iter("h1"))


def _without_printed_kicker(root, title: str) -> str:
    """``title`` without the kicker that an ``<h2>`` or ``<h3>`` printing it whole marks in
    a box of its own ("<h2><span class=kicker>Genetics</span><span class=sr-only>: </span>
    <span>The giant flower's secret</span></h2>" under an og:title "Genetics: The giant
    flower's secret", on a page whose <h1> is none)."""
    wanted = _comparable(title)
    for el in root.iter("h2", "h3"):
        if len(el) and _comparable(_heading_text(el)) == wanted:
            shown = _without_kicker(el)
            return shown if shown and len(shown) < len(title) else title
    return title


#: A character reference left in a text the page's parser has read once.
_ENTITY = re.compile(r"&(?:[a-z]{2,8}|#\d{1,6}|#x[0-9a-f]{1,5});", re.I)
#: A whole date and a separator before a headline.
_LEADING_DATE = re.compile(r"^\s*(?:\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{1,2}/\d{1,2}/\d{4}|"
                           r"\d{4}-\d{2}-\d{2})\s*[-–—|:/·•]\s+(?=\S)")
#: Characters that print nothing: a byte order mark, a word joiner, a zero-width space. The
#: zero-width (non-)joiners shape letters and stay, as does the soft hyphen (the text keeps it).
_INVISIBLE = re.compile("[\ufeff\u2060\u200b\u180e]")
#: A separator left at an end of a title with nothing beyond ("Rail Enquiries -"): the site's
#: name was never filled in. (Not a guillemet, which closes a quote, nor a colon.)
_DANGLING = re.compile(r"^\s*[|｜\-–—·•/]+\s+|\s+[|｜\-–—·•/]+\s*$")


def _find_title(root, declared: str | None, site_names: list[str],
                site: str | None, url: str | None) -> str | None:
    title = _first(_text(t) for t in root.iter("title")) or ""
    # WordPress's old default theme: "Blog » Blog Archive » Headline".
    archive = _BLOG_ARCHIVE.match(title)
    if archive:
        site_names = site_names + [archive.group(1), archive.group(0).rstrip(" »")]
    headings, logos = _printed_headings(root, site_names, declared)
    sections = section_headings(root, url)  # <h1>s linking to the page's section
    headings = [h for h in headings if h not in sections]
    # The logo's text is a name of the site: "Headline : Blog Name | Tagline".
    site_names = site_names + [n for n in logos if n not in site_names]
    if declared and not _is_declared_title(declared, site):
        declared = None
    # A name guessed from the end of the <title> that the printed headline holds is a part
    # of the headline ("Signa in Sorge – Finanzdaten und Berater-Auftrag").
    site_names = [n for n in site_names if n == site or not any(
        n.casefold() in h.casefold() and n.casefold() != h.casefold() for h in headings)]
    full = declared
    declared = _strip_site_name(declared, site_names) if declared else None
    # A declared title copied from the <title> carries its parts: "Headline | Section |
    # Site", "Site mobile :: Headline". A headline seldom holds a "|", a "::" or a "»": of
    # three parts or more the longest is the headline; of two, the one that is not a name
    # of the site, nor starts or ends with its declared name.
    if declared and full == title and len(_split_unquoted(_STRONG_SEPARATOR, full)) > 1:
        parts = [p.strip() for p in _split_unquoted(_STRONG_SEPARATOR, full) if p.strip()]
        names = {n.casefold() for n in site_names}
        if len(parts) >= 3:
            declared = _strip_site_name(max(parts, key=len), site_names)
        elif len(parts) == 2:
            unnamed = [p for p in parts if p.casefold() not in names]
            if len(unnamed) == 2 and site:
                named = re.compile(rf"^{re.escape(site)}(?!\w)|(?<!\w){re.escape(site)}$", re.I)
                unnamed = [p for p in parts if not named.search(p)]
            if len(unnamed) == 2:
                # "Headline | Bhubaneswar News - Site": a part of three words at most beside
                # one twice as long is a section's name.
                short, long_ = sorted((_strip_site_name(p, site_names) for p in parts), key=len)
                if len(short.split()) <= 3 and len(long_) >= 2 * len(short):
                    unnamed = [long_]
            declared = unnamed[0] if len(unnamed) == 1 else declared
    if declared:
        declared = _without_glued_name(declared, site_names)
    # "Diary of X - Headline" over an <h1> "Diary of X" and an <h2> or <h3> "Headline": the
    # <h1> is the blog's name.
    if not declared and headings:
        ends = [_comparable(p.strip()) for p in _split_unquoted(_NAME_SEPARATOR, title)]
        if len(ends) == 2 and _comparable(headings[0]) in ends:
            other = _split_unquoted(_NAME_SEPARATOR, title)[ends[0] == _comparable(headings[0])]
            printed = _printed_heading(root, other.strip())
            if printed:
                return printed
    for reference in (declared, title):
        if not reference or not headings:
            continue
        agreement, _, heading = max((_agreement(h, reference), -i, h)
                                    for i, h in enumerate(headings))
        if agreement >= _AGREEMENT:
            headline = declared if reference is declared else _strip_site_name(title, site_names)
            # A headline set in capitals is the page's style, not the headline's spelling.
            if heading.isupper() and not headline.isupper() \
                    and _typographic_key(heading) == _typographic_key(headline):
                return _shown_title(root, headline)
            # Soft hyphens the <h1> sets for line breaks alone are no part of the words.
            if "\xad" not in headline:
                heading = heading.replace("\xad", "")
            return _printed_part(heading, headline, site_names)
    # "Grandstanding? Coaches take stands on agents - Site" above the printed "Grandstanding?":
    # the <title> gives the headline and, after its full stop, the dek.
    lead = _headline_before_dek(headings, _strip_site_name(title, site_names))
    if lead:
        return lead
    # No <h1> prints a headline (the page's are its logo): the <h2> of the article's own
    # <header> does when the metadata, written for search engines, says something else.
    if not headings:
        printed = _article_header_heading(root)
        if printed and all(_agreement(printed, r) < _AGREEMENT for r in (declared, title) if r):
            return printed
    # "Penny - Stardew Valley Wiki" above the printed "Penny": a headline too short to share
    # two fifths of the words, or to be told from the site's name without the <h1>.
    # Only an end of it: "Site - Section » Headline" names the section in its middle.
    for reference in (full, title):
        split = _split_unquoted(_NAME_SEPARATOR, reference or "")
        parts = {_comparable(p.strip()) for p in (split[0], split[-1])}
        if len(split) > 1:
            heading = _first(h for h in headings if _comparable(h) in parts)
            if heading:
                return heading
    # The page's (first) <h1> says something else than the declared title: the metadata
    # was written for search engines or kept an older headline, unless the page prints the
    # declared title too (the <h1> then names the section); a "|" marks a section's label,
    # and so do most <h1>s of fewer words ("Autokredit", "Leasing oder Finanzierung").
    # An <h1> its markup names the work's title (RDFa's dc:title, Drupal's default) is no
    # section's label, though it has three words ("The Warlord Imam").
    if declared and headings and (len(headings[0].split()) >= 4 or len(headings[0].split()) == 3
                                  and _marked_title(root, headings[0])) \
            and len(_split_unquoted(_STRONG_SEPARATOR, headings[0])) == 1 \
            and not _printed_outside_menus(root, declared):
        return headings[0]
    # "Artist – Song Lyrics | Site" over an <h1> "Song": the <title> holds the <h1> in a part.
    if not declared and headings and holds_heading(title, headings[0]):
        return headings[0]
    # No <h1> prints it, an <h2> does, without the rest ("Headline: Blog: Section").
    part = _printed_part_of(root, declared or _strip_site_name(title, site_names))
    if part:
        return part
    if declared:
        # An og:title cut short ("Senator calls Biden" of "Senator calls Biden 'unfit'"), or
        # cut with an ellipsis ("Senator calls Bid…"); not one the <title> signs with the
        # site's name ("Headline by Site").
        tag = _strip_site_name(title, site_names)
        cut = _ELLIPSIS.sub("", declared)
        # ... but "Headline… | Blog" ends with its own ellipsis: the og:title is whole.
        own = _OWN_ELLIPSIS.match(tag[len(cut):]) if cut != declared else None
        if own and _comparable(tag).startswith(_comparable(cut)):
            return _shown_title(root, tag[:len(cut) + own.end()])
        if len(tag) > len(cut) and _comparable(tag).startswith(_comparable(cut)) \
                and (cut != declared or not _PRINTED_TAIL.match(tag[len(cut):])) \
                and not _names_the_site(tag[len(cut):], site_names):
            return _shown_title(root, tag)
        return _shown_title(root, declared)
    if headings and title:
        # An <h1> that says something else than the <title> is mostly the headline (the
        # <title> then names the site or the section), unless the page prints the <title>'s
        # headline too, outside its menus: the <h1> then names the section ("Health Center").
        tag = _tag_title(root, title, site_names)
        if (len(tag.split()) >= 3 or _UNSPACED_SCRIPT.search(tag) and len(tag) >= 8) \
                and _printed_outside_menus(root, tag):
            return tag
    if headings:
        return headings[0]
    tag = _tag_title(root, title, site_names) if title else None
    if not declared and tag and not _printed_outside_menus(root, tag):
        # No <h1> prints a headline, nothing is declared and the page does not print the
        # <title>'s: it names the site and the section ("Fire Brigade - Training" over a
        # printed "Boat crew training").
        printed = _h2_agreeing(root, title, tag) or _printed_start(root, tag, _comparable)
        if printed:
            return printed
    return _shown_title(root, tag) if tag else None


def _h2_agreeing(root, title: str, tag: str) -> str | None:
    """The text of the first ``<h2>`` of two words or more, outside links, menus, asides and
    footers and not hidden for screen readers, that agrees with the <title> ``title`` or a
    part of it (shares two fifths of the words of the longer), and neither is a part of the
    <title> (a book's name in "Book - Chapter 1 - Author") nor holds its headline ``tag``
    whole; when the <title> ends with a separator and nothing after it (the headline's place
    left empty: "Rail Enquiries -"), one that shares a word of three letters or more with it.
    ``None`` if there is none."""
    parts = [title, *_split_unquoted(_TITLE_PARTS, title)]
    empty = bool(_DANGLING.search(title))
    wanted = {w for w in _words(title) if len(w) >= 3}
    whole, headline = _comparable(title), _comparable(tag)
    for el in root.iter("h2"):
        text = _heading_text(el)
        if len(text.split()) < 2 or len(text) > _HEADING_CHARS \
                or next(el.iter("a"), None) is not None \
                or _SCREEN_READER_CLASS.search(el.get("class") or "") \
                or any(up.tag in _CHROME for up in el.iterancestors()):
            continue
        shown = _comparable(text)
        if shown in whole or headline in shown:
            continue
        if (empty and wanted & _words(text)) \
                or max(_agreement(text, p) for p in parts if p.strip()) >= _AGREEMENT:
            return text
    return None


#: Boxes whose headings are no article's headline.
_CHROME = frozenset(("a", "nav", "aside", "footer"))


#: What follows a headline of three words or more in a <title> that goes on with its dek:
#: the headline's own "?", "!" or "." (or one after it), a space and a word.
_DEK_AFTER = re.compile(r"[?!.]\s+\w")


def _headline_before_dek(headings: list[str], tag: str) -> str | None:
    """The first of the ``headings`` (of three words or more) that ``tag`` (the <title>
    without the site's name) starts with, the rest a sentence after it; ``None`` if none."""
    wanted = _comparable(tag)
    for heading in headings:
        printed = _comparable(heading)
        if len(heading.split()) >= 3 and len(wanted) > len(printed) \
                and wanted.startswith(printed) \
                and _DEK_AFTER.match(wanted[len(printed) - (printed[-1:] in "?!."):]):
            return heading
    return None


#: Between a headline and the rest of a title that holds it: a section's or a site's name.
_PART_SEPARATOR = re.compile(r"(?:\s*(?:[|｜]+|::|--|[·•›»~]+)\s*|\s+[\-–—:/]+\s+|:\s+)+")


def _printed_part_of(root, reference: str | None) -> str | None:
    """The ``<h2>``/``<h3>`` text that is ``reference`` without a short part (a section's or
    the site's name) after or before a separator, when the page prints one: "Headline: Blog:
    Section" declared over a printed "Headline"; also without a short note in parentheses
    after it (an issue's number, "Purzelbaum (2021/5)")."""
    if not reference:
        return None
    wanted = " ".join(_comparable(reference).split())
    for el in root.iter("h2", "h3"):
        text = _heading_text(el)
        shown = " ".join(_comparable(text).split())
        if not shown or shown == wanted or 2 * len(shown) < len(wanted) \
                or not (len(shown.split()) >= 3 or _UNSPACED_SCRIPT.search(shown)):
            continue
        if wanted.startswith(shown) and _NOTE.fullmatch(wanted[len(shown):]):
            return text
        if wanted.startswith(shown):
            rest = _PART_SEPARATOR.match(wanted[len(shown):])
            left = wanted[len(shown):][rest.end():] if rest else ""
        elif wanted.endswith(shown):
            rest = re.search(_PART_SEPARATOR.pattern + "$", wanted[:-len(shown)])
            left = wanted[:-len(shown)][:rest.start()] if rest else ""
        else:
            continue
        if left.strip() and len(left) <= _NAME_CHARS:
            return text
    return None


#: A short note in parentheses after a headline.
_NOTE = re.compile(r"\s+\([^()]{1,20}\)")
#: An ellipsis, then a separator.
_OWN_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)(?=\s*[|｜~\-–—·•»›/:]\s)")
#: The ellipsis that ends a title cut to a length.
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)$")
#: What may follow a headline inside its <h1> without being a part of it.
_PRINTED_TAIL = re.compile(r"\s*(?:$|[|｜~\-–—·•»›/:]|\d)")
#: ... but a colon before words: "Lemon cake: simply delicious" prints the rest of the
#: headline the metadata cut short, not a site's name.
_HEADING_TAIL = re.compile(r"\s*(?:$|[|｜~\-–—·•»›/]|:?\s*\d)")


def _same_length_key(text: str) -> str:
    """``text`` lower-cased with plain quotes, character for character (``ß`` stays one)."""
    return _plain_quotes(text).lower()


def _printed_part(heading: str, headline: str | None, site_names: list[str]) -> str:
    """``heading`` (an ``<h1>``), or the part of it that prints ``headline`` when it holds
    more: a kicker before it ("Tunisia Big tasks for the new government"), the site's name
    (one of ``site_names``) or the date after it."""
    if not headline:
        return heading
    printed, wanted = _same_length_key(heading), _same_length_key(headline)
    at = printed.find(wanted)
    if at < 0 and len(printed) == len(heading):
        return _without_boxed_kicker(heading, printed, wanted)
    if at < 0 or len(wanted) == len(printed) or len(printed) != len(heading):
        return heading
    # What follows is the site's name or a date after a separator ("| Site", "02.02.2022"),
    # or the rest of a headline the metadata cut short: after a dash or a slash, which
    # headlines hold too ("Vanlife in Sweden - Scandinavia by camper"), only a name of the site.
    tail = printed[at + len(wanted):]
    if not _HEADING_TAIL.match(tail):
        return heading
    # "Sabotage foiled: how the minister shielded him" over "How the minister shielded him":
    # a headline that goes on in lower case is one sentence, not a kicker and a headline.
    if at and heading[at].islower() and headline[:1].isupper():
        return heading
    # In a script without capitals a kicker is told by its length: a topic's name, not half
    # a headline's words (an og:title cut to the end of the printed headline).
    if at and not heading[at].isupper() and not heading[at].islower() \
            and 2 * len(heading[:at].strip()) > len(headline):
        return heading
    # '"Pure emptiness": Skier misses the Games': a quote set before the headline with a colon
    # opens it (a kicker is a topic's name, not somebody's words).
    if at and _QUOTED_LEAD.fullmatch(heading[:at]):
        return heading
    dashed = _DASHED_TAIL.match(tail)
    if dashed and _squash(dashed.group(1)) not in {_squash(n) for n in site_names}:
        return heading
    return heading[at:at + len(wanted)].strip()


#: A quotation and a colon: what a headline may open with.
_QUOTED_LEAD = re.compile(r"\s*[\"“„«‚‘'][^\"“”„«»]{1,80}[\"”“»‘’']\s*:\s*")
#: A kicker of five words at most and the separator after it, at the start of a title.
_LEADING_KICKER = re.compile(r"^((?:\S+\s+){0,4}?\S+?)(?::\s+|\s+[|\-–—]\s+)(?=\S)")


def _without_boxed_kicker(heading: str, printed: str, wanted: str) -> str:
    """``heading`` without its first words when they are the kicker of the declared title
    (lower-cased, ``wanted``) and the ``<h1>`` prints it without the separator, in a box of
    its own ("Tunisia Big tasks ahead" printed, "Tunisia: Big tasks ahead" declared);
    else ``heading``."""
    kicker = _LEADING_KICKER.match(wanted)
    if kicker is None or printed != f"{kicker.group(1)} {wanted[kicker.end():]}":
        return heading
    rest = heading[len(kicker.group(1)):].strip()
    # "Brexit what next" printed for "Brexit: what next": one sentence, as a lower case says.
    return heading if rest[:1].islower() else rest


#: A dash or a slash and words after the declared headline in its <h1>.
_DASHED_TAIL = re.compile(r"\s*[\-–—/]+\s*([^\d\s].*)$")
