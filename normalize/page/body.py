"""The main text found by our own rules: page chrome removed, containers scored on paragraph
length and link density the way readability does, text blocks collected."""

from __future__ import annotations

import functools
import html as html_lib
import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from normalize.sanitize import clean_html
from normalize.text import clean_text
from normalize.page.dom import (_BLOCK_CHILD, _is_element, _link_density, _name_tokens, _names,
                                _SPLIT_TOKENS, _text, _xpath, comments_meta_line)
from normalize.page.pictures import _in_picture, _is_figure


# ---------------------------------------------------------------------------------------------
# Chrome removal

_CHROME_TAGS = {
    "script", "style", "noscript", "template", "svg", "iframe", "nav", "footer", "form",
    "button", "select", "textarea", "dialog", "menu", "amp-sidebar", "amp-ad",
    "amp-analytics", "amp-social-share", "amp-iframe", "object", "embed", "canvas",
    # a ruby's reading (furigana over Japanese kanji) is no part of the sentence's text
    "rt", "rp",
}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu",
                 "menubar", "dialog", "toolbar"}
_CHROME_TOKENS = {
    "nav", "navbar", "navigation", "menu", "menus", "breadcrumb", "breadcrumbs", "share",
    "sharing", "sharebar", "social", "socials", "comment", "comments", "disqus", "footer",
    "sidebar", "widget", "widgets", "advert", "advertisement", "ad", "ads", "adslot", "banner",
    "sponsor", "sponsored", "promo", "newsletter", "subscribe", "subscription", "cookie",
    "cookies", "consent", "popup", "modal", "outbrain", "taboola", "recirculation", "trending",
    "popular", "mostread", "tags", "taglist", "editions", "edition", "switcher", "masthead",
    "toolbar", "skip", "paywall", "print", "pagination", "pager", "login", "signup", "embed",
    "twitter", "instagram", "facebook", "whatsapp", "partners", "topbar", "badge",
    "gallery", "slideshow",  # a gallery's text only: see _is_gallery
}
# "blog": Blogger's post box is a "widget Blog".
_CONTENT_WORDS = re.compile(r"article|body|content|main|story|entry|post|text|blog|cuerpo|"
                            r"corpo|inhalt")
#: The words of _CONTENT_WORDS, whole ("post", not "postopen").
_CONTENT_TOKENS = {"article", "body", "content", "main", "story", "entry", "post", "text",
                   "blog", "cuerpo", "corpo", "inhalt"}

_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)


#: Chrome words that themes also give the boxes of their layout: WordPress's ``penci_sidebar``
#: column, Elementor's ``elementor-widget-container``, Blogger's ``widget Blog``, a
#: ``non-ad-column``. Such a box that holds at least half the page's prose is the article's.
_LAYOUT_TOKENS = {"sidebar", "widget", "widgets", "ad", "ads",
                  # the same for the menu, pop-up and paywall boxes markup left unclosed
                  # wraps the rest of the page in (no menu holds the page's paragraphs)
                  "nav", "navbar", "navigation", "menu", "menus", "topbar", "modal", "popup",
                  "paywall"}
#: A chrome word negated inside one class name ("non-paywall", "no-ads") names no chrome.
_NEGATED = re.compile(r"\b(?:non|no|not)[-_]([a-z0-9]+)")
#: Picture galleries and slideshows: their captions are no part of the text around them.
_GALLERY_TOKENS = {"gallery", "slideshow"}
#: The share of the page's prose (:func:`_prose_chars`) that makes a layout box the article's.
_MOST_PROSE = 0.5


def _is_chrome(el, page_prose: int, names: str) -> bool:
    """Whether ``el`` is page furniture; ``page_prose``: the characters of the page's
    paragraphs (:func:`_prose_chars` of the whole page); ``names``: its :func:`_names`."""
    # ASP.NET wraps a whole page in one <form>: a form holding most of the prose is no search
    # box or sign-up form.
    if el.tag == "form" and page_prose and _prose_chars(el) >= _MOST_PROSE * page_prose:
        return False
    if el.tag in _CHROME_TAGS or (el.get("role") or "").lower() in _CHROME_ROLES:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    # Inline-hidden boxes are not shown to readers (trafilatura drops them too).
    if _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    if el.tag in ("html", "body", "article", "main", "figure") or (
        el.get("itemprop") == "articleBody"
    ):
        return False
    if names == " ":  # most elements: no class or id, no words to split
        return False
    # A class on a link or a span inside a paragraph ("sidebar-link", "ad-disclosure") styles
    # a phrase; only boxes are page furniture by their names. A lone "skip" link or "Anzeige"
    # label outside any paragraph still is.
    if el.tag in _INLINE and _in_paragraph(el):
        return False
    tokens = _affirmed_name_tokens(names)
    chrome = tokens & _CHROME_TOKENS
    if not chrome or (chrome <= {"comment", "comments"} and comments_meta_line(names)):
        return False
    if chrome <= _LAYOUT_TOKENS and page_prose \
            and _prose_chars(el) >= _MOST_PROSE * page_prose:
        return False
    # Markup left unclosed nests the article inside the box that follows it in the source (a
    # WordPress "nav_menu" widget, the sidebar): a box around the <article> that holds most of
    # the page's prose is no furniture, whatever its name.
    if page_prose and any(_prose_chars(a) >= _MOST_PROSE * page_prose
                          for a in el.iter("article", "main")):
        return False
    if chrome <= _GALLERY_TOKENS:  # its pictures stay: see _is_gallery
        return False
    if chrome == {"paywall"} and _paywalled_text(el):
        return False
    # "content_print", "article-print": the part of the page the site prints, the article's
    # text (a print button holds no paragraph).
    if chrome == {"print"} and _CONTENT_WORDS.search(names) and _prose_chars(el) >= 200:
        return False
    # "content with-sidebar" wraps the article: only drop wrappers that say nothing of content.
    if not _CONTENT_WORDS.search(names):
        return True
    # Within one name, though, the chrome word says what part of the article it is
    # ("article-most-popular", "post-comments", "entry-share"), unless the box holds most of
    # the page's prose: a layout's "content-sidebar-wrap" or "main-menu off-canvas-wrap".
    return any(_both_words(name) for name in names.split()) \
        and _prose_chars(el) < _MOST_PROSE * page_prose


def _paywalled_text(el) -> bool:
    """Whether the "paywall" box ``el`` is the rest of the article that the paywall hides (the
    page ships it): most of the prose of the text box around it, not a prompt to subscribe."""
    parent = el.getparent()
    prose = _prose_chars(el)
    return parent is not None and prose >= _PAYWALLED_CHARS \
        and prose >= _MOST_PROSE * _prose_chars(parent)


#: The least prose of the text behind a paywall (characters): a prompt has a line or two.
_PAYWALLED_CHARS = 400


def _affirmed_tokens(el) -> frozenset[str]:
    """The words of ``el``'s class and id (:func:`_tokens`) less those a class name negates
    ("non-paywall", "no_caption": the box is not one)."""
    return _affirmed_name_tokens(_names(el))


@functools.lru_cache(maxsize=8192)
def _affirmed_name_tokens(names: str) -> frozenset[str]:
    tokens = _name_tokens(names)
    if "no" in names:
        tokens = tokens - set(_NEGATED.findall(names))
    return tokens


#: Blocks of running text: an inline element inside one is part of a sentence.
_TEXT_BLOCKS = {"p", "dd", "blockquote", "h2", "h3", "h4", "h5", "h6", "pre", "td"}


def _both_words(name: str) -> bool:
    """Whether one class name joins a content word and a chrome word ("post-comments")."""
    tokens = set(_SPLIT_TOKENS.split(name))
    return bool(tokens & _CONTENT_TOKENS and tokens & _CHROME_TOKENS)


def _in_paragraph(el) -> bool:
    """Whether the nearest block around the inline element ``el`` is a block of text."""
    for ancestor in el.iterancestors():
        if ancestor.tag not in _INLINE:
            return ancestor.tag in _TEXT_BLOCKS
    return False


def _prose_chars(el, outside_lists: bool = False) -> int:
    """The characters of the paragraphs in ``el`` (``outside_lists``: of those that are not
    in a list's items)."""
    return sum(len(p.text_content()) for p in el.iter("p")
               if not outside_lists or not any(a.tag == "li" for a in p.iterancestors()))


def _drop_chrome(root) -> list:
    """Remove the page furniture from ``root``; return the boxes removed (whole: their
    text, :func:`chrome_text`, is wanted only on a few pages)."""
    page_prose = _prose_chars(root)
    dropped = []
    chrome, galleries = [], []
    for el in root.iter(etree.Element):
        names = _names(el)  # read once for both tests (bench/README.md)
        if _is_chrome(el, page_prose, names):
            chrome.append(el)
        elif _is_gallery(el, page_prose, names):
            galleries.append(el)
    # A gallery keeps its pictures (the lead one, its caption and credit, may be among them);
    # its slides' titles and captions outside any figure leave the text.
    for gallery in galleries:
        chrome.extend(el for el in gallery.iter(*_GALLERY_TEXT)
                      if not _is_figure(el) and not _in_picture(el))
    # Dropping an element inside an already dropped one is harmless, so no ancestry check.
    for el in chrome:
        if el.getparent() is not None:
            dropped.append(el)
            el.drop_tree()
    return dropped


def chrome_text(dropped: list) -> str:
    """The text of the blocks in the boxes :func:`_drop_chrome` removed, one a line (a
    gallery's captions, a list of teasers)."""
    texts = (_text(p) for el in dropped for p in el.iter(*_CHROME_TEXT_BLOCKS))
    return "\n".join(t for t in texts if t)


_GALLERY_TEXT = ("p", "h2", "h3", "h4", "h5", "h6")


def _is_gallery(el, page_prose: int, names: str) -> bool:
    """Whether ``el`` is a picture gallery or slideshow box inside the page (not the article
    in a "media" box named for its lightbox gallery, whose paragraphs are not in list items
    the way a gallery's slide captions are); ``names``: its :func:`_names`."""
    if ("gallery" not in names and "slideshow" not in names) \
            or el.tag in ("html", "body", "article", "main", "figure"):
        return False
    if not _name_tokens(names) & _GALLERY_TOKENS:
        return False
    return not (page_prose and _prose_chars(el, outside_lists=True) >= _MOST_PROSE * page_prose)


#: The blocks of text a dropped box holds.
_CHROME_TEXT_BLOCKS = ("p", "li", "h2", "h3", "h4", "dd", "blockquote", "figcaption")


# ---------------------------------------------------------------------------------------------
# Main text

_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "pre", "table")
_NOT_BODY_TOKENS = {
    "byline", "author", "authors", "autor", "autores", "auteur", "firma", "date", "fecha",
    "datum", "data", "time", "timestamp", "published", "caption", "credit", "kicker", "meta",
    "standfirst", "subtitle", "subheadline", "deck", "dek", "summary", "sumario", "entradilla",
    "chapeau", "excerpt", "teaser", "share", "tags", "related", "info", "details", "bio",
    "biography",
}
# Chrome left inside the text container: one-line labels and "read more" links.
_LABELS = re.compile(
    r"(?:advertisement|publicidad|publicité|anzeige|werbung|pubblicità|publicidade|"
    r"read more|continue reading|leer más|lire la suite|weiterlesen|continua a leggere|"
    r"leia mais)\W*",
    re.I,
)
# A line that announces other articles after the text (a heading over teasers, a "back to the
# overview" link).
_MORE = re.compile(
    r"(?:(?:more|other) (?:from|on|about|in) [^.!?]{1,40}|(?:more|other|related|recommended|"
    r"similar|popular|latest|top) (?:stories|articles|news|posts|content|reads|videos)|"
    r"related|see also|read (?:also|next|more)|(?:you )?(?:may|might) also (?:like|enjoy)|"
    r"recommended(?: for you)?|back to (?:the )?(?:overview|top|home ?page|list)|"
    r"mehr (?:zum thema|zu(?:m|r)? [^.!?]{1,40}|aus [^.!?]{1,40}|von [^.!?]{1,40})|"
    r"(?:ähnliche|verwandte|weitere) (?:beiträge|artikel|themen|nachrichten|news|meldungen|"
    r"informationen|tipps|videos)(?: [^.!?]{1,40})?|(?:artikel und videos|videos) zum thema|"
    r"das (?:thema )?könnte (?:sie|dich) auch interessieren|lesen sie (?:auch|mehr)"
    r"(?: die folgenden (?:beiträge|artikel))?|auch interessant|lust auf mehr|explore further|"
    r"notas relacionadas|"
    r"zurück zur übersicht|(?:à )?lire aussi|sur le même sujet|voir aussi|"
    r"articles? (?:similaires|liés)|dans la même rubrique|(?:audios et )?vidéos sur le sujet|"
    r"(?:también )?te puede interesar|noticias relacionadas|lee también|más noticias|"
    r"ver también|leggi anche|(?:ti )?potrebbe (?:interessarti|anche interessarti)|"
    r"articoli correlati|leia também|veja também|notícias relacionadas|mais notícias)"
    r"\W*",
    re.I,
)
# A rights notice closing the text ("Riproduzione riservata © Copyright ..."). A bare "© dpa"
# is left alone: it is an agency line, which normalize.wire reads.
_RIGHTS = re.compile(
    r"all rights reserved|riproduzione riservata|todos los derechos reservados|"
    r"tous droits réservés|alle rechte vorbehalten|todos os direitos reservados|"
    r"reproducción prohibida|reproduction interdite",
    re.I,
)


#: Standfirst names that CMSes also give the subheadings inside the text
#: (``<h3 class="article-subheadline">`` between two paragraphs).
_SUBHEADING_TOKENS = {"subtitle", "subheadline", "deck", "dek"}
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def _not_body(el, in_text: bool = False) -> bool:
    """Whether ``el`` is metadata around the text (byline, date, standfirst...); ``in_text``:
    it comes after the text has begun, where a heading is a subheading, whatever its class."""
    # "article-meta" and "post-byline" are metadata, but a long text is not, whatever its class.
    tokens = _affirmed_tokens(el)
    if in_text and el.tag in _HEADINGS:
        tokens = tokens - _SUBHEADING_TOKENS
    named = bool(tokens & _NOT_BODY_TOKENS) or any(_AUTHOR_BOX.fullmatch(t) for t in tokens)
    return named and len(_text(el)) < 500


#: The author's box run together with other words in one class name ("artDetailAutor",
#: "authorBio", "postAuthorBox"; class names are lower-cased before they are read).
_AUTHOR_BOX = re.compile(r"\w*(?:author|autor)(?:s|in|en|box|bio|info|text|details?)?")


_POSITIVE = re.compile(r"article|body|content|entry|main|page|post|text|blog|story|"
                       r"cuerpo|texto|corpo|inhalt|contenu")
_NEGATIVE = re.compile(r"comment|meta|footer|footnote|related|share|sidebar|sponsor|widget|"
                       r"promo|nav|menu|teaser|card|list")


def _class_weight(el) -> int:
    names = _names(el)
    weight = 0
    if _POSITIVE.search(names):
        weight += 25
    if _NEGATIVE.search(names):
        weight -= 25
    if el.get("itemprop") == "articleBody":
        weight += 50
    return weight


def _paragraphs_of(el) -> list:
    """Text blocks to score: ``<p>``, and ``<div>``s that hold text but no blocks."""
    return [node for node in el.iter("p", "pre", "td", "div")
            if node.tag != "div" or not _xpath(_BLOCK_CHILD)(node)]


def _find_container(root, body_hint):
    """The element holding the article's text, or ``None`` when the page has no prose."""
    if body_hint is not None and len(_text(body_hint)) > 80:
        return body_hint
    scores: dict[Any, float] = {}
    chars: dict[Any, int] = {}
    for node in _paragraphs_of(root):
        text = _text(node)
        if len(text) < 25:
            continue
        score = 1 + text.count(",") + min(len(text) // 100, 3)
        for level, ancestor in enumerate(node.iterancestors()):
            if level > 2:
                break
            if ancestor not in scores:
                base = {"div": 5, "article": 10, "main": 5, "section": 3, "pre": 3, "td": 3,
                        "blockquote": 3}.get(ancestor.tag, 0)
                if ancestor.tag in ("ul", "ol", "li", "form", "h1", "h2", "h3", "h4"):
                    base = -3
                scores[ancestor] = base + _class_weight(ancestor)
                chars[ancestor] = 0
            scores[ancestor] += score / (1, 2, 3)[level]
            chars[ancestor] += len(text)
    if not scores:
        return None
    # A picture's box whose only text is a line (its caption or credit, in an
    # "entry-thumbnail") owes its score to its name: no candidate beside a box of paragraphs.
    if any(n >= _CONTAINER_CHARS for n in chars.values()):
        scores = {el: s for el, s in scores.items()
                  if chars[el] >= _CONTAINER_CHARS or next(el.iter("img"), None) is None
                  or len(_text(el)) >= _CONTAINER_CHARS}
    ranked = _ranked(scores)
    top = max(ranked, key=ranked.get)
    # Text split into one wrapper per paragraph: several near-equal candidates. Their common
    # ancestor holds the text (readability's rule, with two alternatives instead of three).
    alternatives = [el for el, score in sorted(ranked.items(), key=lambda kv: -kv[1])[1:6]
                    if el is not top and score >= 0.75 * ranked[top]
                    and top not in el.iterancestors() and el not in top.iterancestors()]
    for ancestor in top.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if sum(ancestor in alt.iterancestors() for alt in alternatives) >= 2:
            return ancestor
    return top


def _ranked(scores: dict) -> dict:
    """The scores less their link share, of the candidates that may be the container or an
    alternative (3/4 of the best or more; a link share only lowers a score), in ``scores``'
    order: a score under 3/4 of the best found so far needs no link share read."""
    ranked, best = {}, None
    for el in sorted(scores, key=scores.get, reverse=True):
        score = scores[el]
        if best is not None and best > 0 and score < 0.75 * best:
            break
        ranked[el] = score * (1 - _link_density(el))
        best = ranked[el] if best is None else max(best, ranked[el])
    return {el: ranked[el] for el in scores if el in ranked}


#: The least text (characters of its scored blocks) of a container beside one with more.
_CONTAINER_CHARS = 80


def _collect_blocks(container) -> list:
    blocks = []
    linked = set()  # headings that are a link: see _linked_subheading

    def walk(el) -> None:
        for child in el:
            if not _is_element(child):
                continue
            # Blocks inside a link are a teaser's card, not text ("<a><div>Headline</div></a>").
            # An <address> is the contact line of the author or the publisher.
            if child.tag in ("figure", "header", "aside", "h1", "figcaption", "time", "a",
                             "address") or (
                _is_figure(child)
            ):
                continue
            if child.tag in _BLOCKS or (child.tag == "div" and _is_text_div(child)):
                if not _not_body(child, bool(blocks)):
                    if _is_prose(child):
                        blocks.append(child)
                    elif blocks and child.tag in _HEADINGS and _text(child):
                        linked.add(child)
                        blocks.append(child)
                continue
            if not _not_body(child):
                walk(child)

    walk(container)
    blocks = [b for i, b in enumerate(blocks)
              if b not in linked or _linked_subheading(blocks[i + 1:i + 2])]
    blocks = _before_more(blocks)
    blocks = [b for b in blocks if not _box_label(b, container, blocks)]
    # A heading with no text after it introduces something we dropped (a list of links).
    while blocks and blocks[-1].tag in _HEADINGS:
        blocks.pop()
    return blocks


def _linked_subheading(following: list) -> bool:
    """Whether a heading that is a link, inside the text, is a subheading: a list article's
    items are headed by a link to the thing reviewed ("Rez Infinite ($30)"), each followed by
    a paragraph of prose about it. A teaser's linked headline is followed by a line of summary,
    or by nothing the walk keeps."""
    if not following or following[0].tag != "p":
        return False
    text = _text(following[0])
    return len(text) >= _SUBHEADED_CHARS and _link_density(following[0], len(text)) < 0.3


#: The paragraph of prose under a list article's linked subheading (characters).
_SUBHEADED_CHARS = 200


def _box_label(block, container, blocks: list) -> bool:
    """Whether the heading ``block`` names a box none of whose other text is the article's:
    a "Story tools" or "Related items" title over a list of links or buttons the text walk
    left out. A subheading shares its box with the paragraphs it introduces, or sits alone."""
    box = block.getparent()
    if block.tag not in _HEADINGS or box is None or box is container \
            or len(_text(block)) > _LABEL_CHARS:
        return False
    others = [c for c in box if _is_element(c) and c is not block and _text(c)
              and not _is_figure(c)]
    if not others:
        return False
    if any(b is not block and box in b.iterancestors() for b in blocks):
        return False
    # links or buttons (a picture's credit beside a heading of the text says nothing)
    chars = sum(len(_text(c)) for c in others)
    linked = sum(len(_text(a)) for c in others for a in c.iter("a"))
    return linked >= 0.5 * chars


#: A box's title is a label, not a sentence (characters).
_LABEL_CHARS = 60


def _before_more(blocks: list) -> list:
    """The blocks before a line that announces other articles ("Mehr zum Thema", "Related
    stories"), when what follows it is shorter than what precedes it and holds at most one
    paragraph of prose: the article's tail of teasers, not a box in its middle (a "Read also"
    line three quarters down, the article's last paragraphs after it)."""
    for i, block in enumerate(blocks):
        if i and _MORE.fullmatch(_text(block)):
            before = sum(len(_text(b)) for b in blocks[:i])
            after = sum(len(_text(b)) for b in blocks[i + 1:])
            prose = sum(b.tag == "p" and len(_text(b)) >= _PROSE_AFTER
                        and _link_density(b) < 0.3 for b in blocks[i + 1:])
            if after < before and prose < 2:
                return blocks[:i]
    return blocks


#: A paragraph of the article's own after a "Read also" line (characters).
_PROSE_AFTER = 200


def _is_text_div(el) -> bool:
    return not _xpath(_BLOCK_CHILD + "|.//img")(el) and len(_text(el)) >= 25


def _is_prose(el) -> bool:
    text = _text(el)
    if not text or _LABELS.fullmatch(text) or (len(text) < 150 and _RIGHTS.search(text)):
        return False
    density = _link_density(el, len(text))
    # A list of sources or readings under the text is mostly links, each with a few words of
    # its own; a menu is links alone.
    if el.tag in ("ul", "ol"):
        return density < 0.85
    if el.tag == "table":
        return density < 0.5
    # Short and mostly links: a menu row or a "back to the home page" line.
    return density < (0.5 if len(text) < 120 else 0.8)


def _block_html(el) -> str:
    markup = etree.tostring(el, encoding="unicode", method="html", with_tail=False)
    if el.tag not in _BLOCKS:  # a <div> of text is a paragraph
        markup = re.sub(r"^<\w+", "<p", re.sub(r"</\w+>$", "</p>", markup))
    return markup


_INLINE = {"a", "abbr", "b", "br", "cite", "code", "em", "font", "i", "img", "q", "s", "small",
           "span", "strong", "sub", "sup", "u", "mark", "time", "wbr"}
_LOOSE_HOLDERS = ("div", "td", "font", "section", "article", "main", "body", "span", "center")
_BR_RUN = re.compile(r"(?:\s*<br\s*/?>\s*){2,}", re.I)


def _wrap_loose_text(root) -> None:
    """Old CMSes write the text straight into a ``<td>`` or ``<font>``, paragraphs split by
    ``<br><br>``: give each run its own ``<p>``, so the text scores like any other. Text that
    sits beside a block (a picture box above it) is wrapped the same way, the block kept."""
    for el in list(root.iter(*_LOOSE_HOLDERS)):
        loose = (el.text or "") + "".join(c.tail or "" for c in el)
        if len(loose) < 100 or len(clean_text(loose)) < 100:  # (cleaning never lengthens)
            continue
        if _xpath("ancestor::p|ancestor::li|ancestor::a|ancestor::h1|ancestor::h2|"
                    "ancestor::h3|ancestor::blockquote")(el):
            continue
        mixed = any(c.tag not in _INLINE for c in el)
        # Segments of inline content between the blocks, each split at <br><br>.
        segments: list[list] = [[html_lib.escape(el.text or "", quote=False)]]
        for child in el:
            if child.tag in _INLINE:
                segments[-1].append(etree.tostring(child, encoding="unicode", method="html",
                                                   with_tail=True))
            else:
                segments.append(child)
                segments.append([html_lib.escape(child.tail or "", quote=False)])
        runs = [[run for run in _BR_RUN.split("".join(seg))
                 if clean_text(re.sub(r"<[^>]*>", "", run))]
                for seg in segments if isinstance(seg, list)]
        if not mixed and len(runs[0]) < 2:
            continue
        if mixed and not any(len(clean_text(re.sub(r"<[^>]*>", "", run))) >= 100
                             for seg in runs for run in seg):
            continue
        kids = []
        for seg in segments:
            if isinstance(seg, list):
                found = [run for run in _BR_RUN.split("".join(seg))
                         if clean_text(re.sub(r"<[^>]*>", "", run))]
                if found:
                    kids.extend(lxml_html.fragment_fromstring(
                        "".join(f"<p>{run}</p>" for run in found), create_parent="div"))
            else:
                seg.tail = None
                kids.append(seg)
        el.text = None
        for child in list(el):
            el.remove(child)
        el.extend(kids)


#: A character reference: CMSes write a JSON-LD ``articleBody`` from their HTML-escaped copy
#: (``That&#039;s``, ``&lt;p class=&quot;texto&quot;&gt;``), sometimes escaped twice
#: (``&amp;ccedil;``).
_ENTITY = re.compile(r"&(?:[a-z]{2,8}|#\d{1,6}|#x[0-9a-f]{1,5});", re.I)
#: An escaped line break left in the string (``\\n`` in the JSON: a backslash and an "n").
_ESCAPED_BREAK = re.compile(r"\\[nr]")


def _unescape_declared(text: str) -> str:
    """``text`` (a declared ``articleBody``) with its character references and escaped line
    breaks read, at most twice over (a plain text holds none: JSON needs no escaping)."""
    text = _ESCAPED_BREAK.sub("\n", text)
    for _ in range(2):
        if not _ENTITY.search(text):
            break
        text = html_lib.unescape(text)
    return text


def _body_from_text(article_body: str) -> str:
    """The HTML of a declared ``articleBody``: cleaned when it is HTML, else one paragraph a
    line."""
    article_body = _unescape_declared(article_body)
    if "<" in article_body and re.search(r"</?(?:p|br|div)\b", article_body, re.I):
        return clean_html(article_body)
    paragraphs = [clean_text(p) for p in re.split(r"\n\s*", article_body) if clean_text(p)]
    return "".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in paragraphs)


def _article_scope(container):
    """The ``<article>`` (or ``main``) around the text: where its headline, byline and date sit."""
    if container is None:
        return None
    for el in [container, *container.iterancestors()]:
        if el.tag in ("article", "main") or el.get("itemscope") is not None:
            return el
    return container.getparent()
