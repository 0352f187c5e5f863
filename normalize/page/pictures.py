"""Pictures: figures and their captions and credits, lazy-loaded images, the lead picture."""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from lxml import etree
from lxml import html as lxml_html

from normalize.page.addresses import _addresses, _img_url, _shows, picture_key
from normalize.page.captext import (_BARE_LABEL, _CAPTION_COPY_XPATH, _CAPTION_XPATH,
                                    _COUNTER, _CREDIT_XPATH, _DANGLING_END, _DANGLING_START,
                                    _ENLARGE, _FIGURE_CAPTION_XPATH, _TOGGLE, _credit_text,
                                    _mark_labels, _shown_text, _without)
from normalize.page.creditbox import _credit_apart, _leading_credit, _trailing_credit
from normalize.page.dom import (_absolute, _as_int, _first, _is_element, _link_density, _names,
                                _next_element, _text, _tokens, _xpath)
from normalize.credits import (credit_after_alt, credit_before_address, has_leading_label,
                               is_credit_shaped)
from normalize.text import clean_text


@dataclass
class _Picture:
    url: str
    caption: str | None = None
    credit: str | None = None
    type: str | None = None
    width: int | None = None
    height: int | None = None

    def key(self) -> str:
        """What names the picture whatever size or crop it is served in (:func:`picture_key`)."""
        return picture_key(self.url)


# ---------------------------------------------------------------------------------------------
# Figures


_PICTURE_BOX = re.compile(r"wp-caption|image|img|photo|foto|bild|picture|media|imagen|immagine")


# A <figcaption> outside a <figure> is a caption when it is short: a teaser's text set as one
# is longer.
_LOOSE_CAPTION_CHARS = 300


def _loose_caption(el) -> bool:
    return el is not None and len(_text(el)) <= _LOOSE_CAPTION_CHARS


def _captions_alone(box) -> bool:
    """Whether ``box`` holds a short <figcaption> and next to no other text (a how-to's step,
    its text, picture and caption in one box, is text)."""
    caption = box.find("figcaption")
    return _loose_caption(caption) and len(_text(box)) - len(_text(caption)) <= 20


@functools.lru_cache(maxsize=8192)
def _picture_box(names: str) -> bool:
    """Whether a class and id (:func:`_names`) name a picture's box, once per string."""
    return _PICTURE_BOX.search(names) is not None


def _is_figure(el) -> bool:
    """A ``<figure>``, or a box that plays one: a picture and its caption, little else."""
    if el.tag == "figure":
        return True
    if el.tag not in ("div", "span", "section", "p", "picture") or not (
        _picture_box(_names(el)) or "ImageObject" in (el.get("itemtype") or "")
        # a box of minified classes holding a picture and its <figcaption>, nothing else
        or _captions_alone(el)
    ):
        return False
    pictures = _xpath(".//img|.//amp-img|.//*[@data-image]")(el)
    # (a box named for its picture says its camel-cased "Caption" box is the caption)
    return 0 < len(pictures) <= 2 and bool(
        _xpath(_FIGURE_CAPTION_XPATH)(el)
        or (_picture_box(_names(el)) and _xpath(_CAPTION_XPATH)(el))) and len(_text(el)) < 500


_ITEM_PICTURE = (".//*[contains(@itemtype,'ImageObject')]//meta[@itemprop='url' or "
                 "@itemprop='contentUrl'][@content]")


def _read_figure(fig, base: str | None) -> _Picture | None:
    # (a lazy loader's box standing in for the <img>: BBC's "js-delayed-image-load" div)
    # (or a <span data-image='...jpg'> that a script turns into the <img>)
    imgs = _xpath(".//img | .//amp-img | .//source[@srcset] | .//div[@data-src] | "
                  ".//*[@data-image]")(fig)
    shown = [(img, url) for img, url in ((img, _img_url(img, base)) for img in imgs) if url]
    if not shown and imgs:
        # a lazy <img> with no address yet, in an ImageObject that declares it ("<meta
        # itemprop='url' content='...jpg'>")
        shown = [(imgs[0], _absolute(m.get("content"), base) or m.get("content"))
                 for m in _xpath(_ITEM_PICTURE)(fig)][:1]
    if not shown:
        return None
    img, url = shown[0]
    # A label in a box of its own ("<span class='credit-label'>Foto:</span>") is no credit.
    credit_els = [c for c in _xpath(_CREDIT_XPATH)(fig) if not _BARE_LABEL.fullmatch(_text(c))]
    # The innermost credit: a box named "credit" may hold the caption and the credit proper.
    inner = [c for c in credit_els if not any(o is not c and c in o.iterancestors()
                                              for o in credit_els)]
    credit = _first(_credit_text(c) for c in inner)
    caption = None
    # (a box holding the headline over the picture is no caption)
    candidates = [c for c in _xpath(_CAPTION_XPATH)(fig) if c not in inner
                  and c.tag != "h1" and not _xpath(".//h1")(c)]
    after = _next_element(fig)
    if after is not None and len(after) == 1 and after[0].tag == "figcaption" \
            and not clean_text(after.text) and not clean_text(after[0].tail):
        # <figure><picture/></figure><div><figcaption>: a box holding only the caption
        after = after[0]
    if not candidates and after is not None and after.tag == "figcaption" \
            and _loose_caption(after):
        # <figure><picture/></figure><figcaption>: the caption printed right after its figure,
        # and its credit after it (<span class="author">EFE</span>)
        candidates = [after]
        after = _next_element(after)
        if not credit and after is not None and _CREDIT_NAMES.search(_names(after)) \
                and 0 < len(_text(after)) <= 80 and not _xpath(".//img")(after):
            credit = _credit_text(after)
    # A <figcaption> says what it is; a box whose class says "caption" may also hold a
    # gallery's pager or buttons ("gallery-caption-content").
    candidates.sort(key=lambda c: c.tag != "figcaption")
    for caption_el in candidates:
        copy = _without(caption_el, _CREDIT_XPATH + _CAPTION_COPY_XPATH)
        _mark_labels(copy)
        credit = credit or _leading_credit(copy) or _trailing_credit(copy)
        parts = [p for p in (_shown_text(c) for c in copy) if p]
        if not credit and len(parts) >= 2 and not clean_text(copy.text) and len(copy) == 2 \
                and not clean_text(copy[-1].tail) \
                and len(parts[-1].split()) <= 6 and not parts[-1].endswith("."):
            # <span>caption</span><span>credit</span>: the classes are minified, the shape is not.
            caption, credit = parts[0], parts[-1]
        else:
            caption = _DANGLING_END.sub("", _DANGLING_START.sub("", _shown_text(copy))) or None
        if caption:
            break
    if not credit and caption and caption_el.tag == "figcaption":
        # <figure><div><img/><div>AP Photo/Name</div></div><figcaption>: the credit printed
        # over the picture, in a box of minified classes
        credit = _first(t for t in (_text(b) for b in _xpath(".//div|.//span")(fig) if not
                                    _xpath(".//img|.//figcaption|ancestor::figcaption")(b))
                        if is_credit_shaped(t))
    loose = [c for c in candidates if c.tag == "figcaption"]
    if not credit and caption and len(loose) == 2 and caption_el is loose[0]:
        # <figcaption>caption</figcaption><figcaption>credit</figcaption>
        last = _shown_text(loose[1])
        if 0 < len(last.split()) <= 6 and not last.endswith("."):
            credit = last
    if not caption or not credit:
        # what a lightbox shows: data-caption, data-credit on the picture or its boxes
        boxes = [img]
        for box in img.iterancestors():
            boxes.append(box)
            if box is fig:
                break
        caption = caption or _first(clean_text(b.get("data-caption") or "") for b in boxes) \
            or None
        credit = credit or _first(clean_text(b.get("data-credit") or "") for b in boxes) or None
    if not caption and inner:
        # a paragraph of the credit's box before the credit is the caption
        paragraphs = _xpath("./p")(inner[0])
        if len(paragraphs) == 1 and _text(paragraphs[0]) != _text(inner[0]):
            caption = _shown_text(paragraphs[0]) or None
        # the text of a box that holds the credit's ("<div class='attribution'>Caption. <span
        # class='credit'>Photo: Name</span></div>") is the caption
        outer = next((c for c in credit_els if c in inner[0].iterancestors()), None)
        rest = _DANGLING_END.sub("", _shown_text(_without(outer, _CREDIT_XPATH))) \
            if outer is not None and caption is None else ""
        if rest and not _BARE_LABEL.fullmatch(rest):
            caption = rest
    caption, credit = credit_before_address(caption, credit) or (caption, credit)
    caption, credit = _credit_apart(caption, credit)
    if caption and not credit:
        alt = img.get("alt") or _first(i.get("alt") for i in fig.iter("img"))  # (<source>)
        caption, credit = credit_after_alt(caption, alt) or (caption, credit)
    return _Picture(url=url, caption=caption, credit=credit or None,
                    width=_as_int(img.get("width")), height=_as_int(img.get("height")))


# A box printed beside a picture, named for its caption, holds a caption however long (a
# wire photo's paragraph of context), never a teaser's text: that one is linked.
_OWN_CAPTION = re.compile(r"caption|legend|cutline", re.IGNORECASE)
_LONG_CAPTION_CHARS = 2000
# Class words of a credit's box printed outside its figure ("author" only there: inside an
# article's box it is the byline's).
_CREDIT_NAMES = re.compile(r"credit|copyright|photographer|autor|author|source|attribution")
# Class words of a box printed beside a picture that captions it ("hero-caption", "img-cap").
_BESIDE_CAPTION = re.compile(r"caption|legend|cutline|credit|copyright|(?:^|[\s_-])cap(?:$|[\s_-])"
                             r"|(?:image|img|photo|foto|pic(?:ture)?)[-_]?desc")


def _caption_like(el) -> bool:
    """Whether ``el`` is a short box that says it holds a caption or a credit (by its class, or
    a <figcaption>, or a box of such, or a credit's label: "Credit: Name"), no headline and
    mostly no links (a teaser's); a box of its own named for a caption may be long, unlinked."""
    text = _text(el)
    if _is_element(el) and _LONG_CAPTION_CHARS >= len(text) > _LOOSE_CAPTION_CHARS \
            and (el.tag == "figcaption" or _OWN_CAPTION.search(el.get("class") or "")) \
            and not _xpath(".//a[@href]|.//h1|.//h2|.//h3|.//img")(el):
        return True
    if _is_element(el) and len(text) <= 80 and has_leading_label(text) \
            and not _xpath(".//a|.//img")(el):
        return True
    # a linked credit ("<a>Reuters</a>") is short; a teaser's linked title is longer
    return _is_element(el) and len(text) <= _LOOSE_CAPTION_CHARS \
        and (len(text) <= 30 or _link_density(el, len(text)) < 0.5
             or len(text) <= 80 and bool(_CREDIT_NAMES.search(_names(el)))) \
        and not _xpath(".//h1|.//h2|.//h3")(el) and (
        el.tag == "figcaption" or bool(_BESIDE_CAPTION.search(_names(el)))
        or any(_BESIDE_CAPTION.search(_names(sub)) for sub in el.iter(etree.Element)
               if _is_element(sub)))


# Elements that print a caption under a picture without saying so: a minor heading, an inline
# box ("<h5>", "<span class='_3sXlO'>"); never a paragraph (the text's first one often follows
# the lead picture) nor a headline.
_PLAIN_CAPTION_TAGS = frozenset({"h5", "h6", "span", "small", "em", "i", "cite"})
# What follows a picture and is no caption: a byline, a time.
_NOT_PLAIN_CAPTION = re.compile(r"^(?:by|von|por|par|di|door|av)\s|\d{1,2}:\d{2}", re.IGNORECASE)
_NOT_PLAIN_NAMES = re.compile(r"byline|author|date|time|meta|count|icon|play|overlay|title|"
                               r"headline|kicker|section|categor|label|tag|ad\b|advert")
# Scripts written without spaces between words (Chinese, Japanese, Thai...): one "word" of four
# characters may be a caption.
_SPACED_SCRIPT = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u04ff\u0600-\u06ff\u0900-\u0dff]")


def _plain_caption(el) -> bool:
    """Whether ``el``, printed right after a picture, is its caption though nothing says so:
    a minor heading or an inline box of a few words of text, no links, no byline or time."""
    # (a picture and its text inside one link are a teaser's)
    if el.tag not in _PLAIN_CAPTION_TAGS or _NOT_PLAIN_NAMES.search(_names(el)) \
            or _xpath(".//a[normalize-space()]|.//time|.//img|.//p|.//div|ancestor::a")(el):
        return False
    text = _text(el)
    words = len(text.split())
    return 0 < len(text) <= _LOOSE_CAPTION_CHARS and (words >= 2 or len(text) >= 4 and
                                                    not _SPACED_SCRIPT.search(text)) \
        and not _NOT_PLAIN_CAPTION.search(text) and not _COUNTER.fullmatch(text) \
        and not _ENLARGE.fullmatch(text) and not _TOGGLE.fullmatch(text)


#: How a line under a picture is set apart as its caption when nothing names it one: centred
#: (an attribute, a class, a style, <center>), or in grey or small type.
_CENTRED_CLASS = re.compile(r"(?:^|[\s_-])(?:text-)?cent(?:er|re)(?:ed)?(?:$|\s)", re.I)
_SET_APART_STYLE = re.compile(r"text-align\s*:\s*center|color\s*:\s*(?:#(?:[89a-c][0-9a-f]?){3}\b|"
                              r"gr[ae]y|rgb\(\s*1[0-9]{2}\s*,\s*1[0-9]{2}\s*,\s*1[0-9]{2}\s*\))|"
                              r"font-size\s*:\s*(?:[6-9](?:\.\d+)?pt|1[0-2]px|x?-?small)", re.I)
#: A date alone ("April 3, 2019", "3. April 2019", "03.04.2019"): a post's, not a caption.
_DATE_LINE = re.compile(r"\w+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\.?\s+\w+\.?\s+\d{4}|"
                        r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}", re.UNICODE)
#: Such a line is short: longer, it is a paragraph of the text set centred.
_SET_APART_CHARS = 120


def _set_apart(el) -> bool:
    """Whether ``el``, printed right after a box that holds nothing but a picture, is its caption
    set apart the way many papers print one without naming it: a short line without links,
    pictures or headings that is centred or in grey or small type, itself or a box inside it
    holding all of its text ("<p style='text-align:center'>Caption. Credit</p>")."""
    text = _text(el)
    if el.tag not in ("p", "div", "span", "center", "font") \
            or not 0 < len(text) <= _SET_APART_CHARS \
            or sum(c.isalpha() for c in text) < 4 or _NOT_PLAIN_CAPTION.search(text) \
            or _DATE_LINE.fullmatch(text) or _COUNTER.fullmatch(text) \
            or _xpath(".//a[@href]|.//img|.//h1|.//h2|.//h3|.//h4|.//strong|.//b")(el):
        return False
    return any(_text(sub) == text and (
        sub.tag in ("center", "small") or (sub.get("align") or "").lower() == "center"
        or _CENTRED_CLASS.search(sub.get("class") or "")
        or _SET_APART_STYLE.search(sub.get("style") or ""))
        for sub in el.iter(etree.Element))


def _text_outside_links(el) -> str:
    """The text of ``el`` less its links' (a picture's box that also holds its tags' links and a
    comment count holds no text of its own)."""
    return clean_text("".join(el.xpath(".//text()[not(ancestor::a)]")))


def _in_cell(img) -> list:
    """The caption of a picture laid out in a table: the short text of the picture's own cell
    ("<td><img/><br/>Caption</td>"), else of the row under it ("<tr><td><img/></td></tr><tr>
    <td>Caption</td></tr>"); a list of the one box, or empty."""
    cell = next((a for _, a in zip(range(3), img.iterancestors()) if a.tag == "td"), None)
    # (a row of several cells is a data table's: a chart beside its figures)
    if cell is None or len(_xpath(".//img")(cell)) != 1 or len(_xpath("../td")(cell)) != 1:
        return []
    box = cell
    if not _text(cell):
        row, box = cell.getparent(), None
        below = _next_element(row) if row is not None and row.tag == "tr" else None
        if below is not None and below.tag == "tr" and not _xpath(".//img")(below):
            box = below
    text = _text(box) if box is not None else ""
    if not 0 < len(text) <= _LOOSE_CAPTION_CHARS or _link_density(box) >= 0.5 \
            or sum(c.isalpha() for c in text) < len(text.replace(" ", "")) / 2:
        return []
    box = copy.deepcopy(box)
    for sub in _xpath(".//img")(box):
        sub.drop_tree()
    return [box]


def _beside(img):
    """A figure made of ``img`` and the boxes that caption it from outside a figure, or ``None``.

    The boxes are the short caption or credit boxes (by their class, or a <figcaption>) that
    follow the picture or the wrapper holding nothing but it ("<div><img/></div><p
    class='caption'>...</p><div class='credit'>..."), or the one short paragraph that is the
    only text of a box named for a picture ("<div class='foto'><img/><p>Name.</p></div>").
    """
    node, boxes = img, _in_cell(img)
    for _ in range(0 if boxes else 4):
        after = _next_element(node)
        while after is not None and _caption_like(after):
            boxes.append(after)
            after = _next_element(after)
        parent = node.getparent()
        if boxes or parent is None:
            break
        after = _next_element(node)
        if node is img and after is not None and after.tag in ("p", "span", "div") \
                and _PICTURE_BOX.search(_names(parent)) and len(parent) == 2 \
                and 0 < len(_text(after)) <= _LOOSE_CAPTION_CHARS \
                and _text(parent) == _text(after) and not after.get("class"):
            boxes.append(after)
            break
        if after is not None and _plain_caption(after):
            # "<picture/><h5>caption</h5>", "<figure><img/></figure><span>caption</span>"
            boxes.append(after)
            break
        if node is not img and after is not None and _set_apart(after):
            # "<p align=center><img/></p><p align=center><span style='color:#999'>caption"
            boxes.append(after)
            break
        if after is not None and after.tag in ("p", "div", "span") and not after.get("class") \
                and 0 < len(_text(after)) <= _LOOSE_CAPTION_CHARS \
                and _text(after) == clean_text(img.get("alt") or ""):
            # "<div><img alt='X'/></div><div>X</div>": the line the picture's alt repeats
            boxes.append(after)
            break
        if _text(parent) and _text_outside_links(parent):
            break
        node = parent
    if not boxes:
        return None
    figure = lxml_html.Element("div")
    caption = lxml_html.Element("figcaption")
    for parent, el in [(figure, img), (figure, caption)] + [(caption, box) for box in boxes]:
        if el is not caption:
            el = copy.deepcopy(el)
            el.tail = None
        parent.append(el)
    return figure


#: A link to a picture file: the picture shown large, no teaser's link to another page.
_PICTURE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:[?#].*)?$", re.IGNORECASE)


def _enlarges(link, img) -> bool:
    """Whether ``link`` around ``img`` opens the picture itself, larger."""
    href = link.get("href") or ""
    return bool(_PICTURE_FILE.search(href)) and not _xpath(".//img")(link)[1:] \
        and not _text(link)


def _in_picture(el) -> bool:
    return any(_is_figure(a) for a in el.iterancestors())


def lead_figures(root, urls: Iterable[str | None], base: str | None) -> list[_Picture]:
    """The figures anywhere on ``root`` that show one of the declared lead picture ``urls``.

    In: the whole page, read before its chrome is dropped (a lead figure's box is often named
    like chrome: ``widget``, ``skip``), the addresses the metadata names for the lead picture
    (JSON-LD, ``og:image``, ``twitter:image``) and the page's base. Out: each figure that shows
    a picture of the same :func:`picture_key`, read with its caption and credit, in page order;
    its ``url`` is the matching picture's.
    """
    keys = {picture_key(u) for u in urls if u}
    if not keys:
        return []
    found: list[_Picture] = []
    seen: set = set()
    exact = False
    for img in root.iter("img", "amp-img", "source"):
        url = next((a for a in _addresses(img) if _shows(keys, picture_key(a))), None)
        if url is None:
            continue
        if picture_key(url) in keys and not exact:
            # a picture of the very name: those whose name only begins the same are others
            exact, found = True, []
        elif exact and picture_key(url) not in keys:
            continue
        figures = [a for _, a in zip(range(6), img.iterancestors()) if _is_figure(a)]
        nearest = figures[0] if figures else img
        if nearest in seen:
            continue
        seen.add(nearest)
        # The nearest figure, else an outer one that has a caption or a credit (a <figure>
        # holding only the picture inside a box that captions it), else the boxes printed
        # beside the picture.
        # (an outer one that is a teaser's picture, its caption a link, is no lead figure)
        read = (p for p in (_read_figure(f, base) for i, f in enumerate(figures)
                            if i == 0 or _link_density(f) < 0.5) if p is not None)
        first = picture = None
        for candidate in read:  # read one at a time: most nearest figures have a caption
            first = first or candidate
            if candidate.caption or candidate.credit:
                picture = candidate
                break
        if picture is None:
            beside = _beside(img)
            picture = _read_figure(beside, base) if beside is not None else None
        if picture is None:
            picture = first or _titled(img)
        if picture is not None:
            picture.url = _absolute(url, base) or url
            found.append(picture)
    return found


def _titled(img) -> _Picture | None:
    """A picture credited only by its labelled tooltip ("<picture title='Photo: Jane Doe'>")."""
    box = img.getparent() if img.tag == "source" else img
    title = clean_text(box.get("title") or "") if box is not None else ""
    return _Picture("", credit=title) if len(title) <= 80 and has_leading_label(title) else None


def _pictures(root, scope, container, blocks, lead: _Picture | None, base,
              early: Sequence[_Picture] = (), lead_urls: Iterable[str] = ()) -> list[_Picture]:
    """The article's pictures: the declared lead image merged with the figure that shows it.

    ``early`` are the figures showing the lead picture found on the whole page before its
    chrome was dropped (:func:`lead_figures`), ``lead_urls`` the other addresses the metadata
    gives the lead picture. A figure that shows the lead picture gives its printed caption over
    the metadata's, and its credit when the metadata has none; the first figure of the text,
    taken for want of one, only fills what the metadata lacks.
    """
    area = scope if scope is not None else root
    figures = [f for f in area.iter(etree.Element) if _is_figure(f)
               and not any(_is_figure(a) for a in f.iterancestors())]
    if scope is not None and not figures:
        figures = [f for f in root.iter(etree.Element) if _is_figure(f)]
    shown: list[tuple[Any, _Picture]] = []
    for fig in figures:
        picture = _read_figure(fig, base)
        if picture and picture.url not in {p.url for _, p in shown}:
            shown.append((fig, picture))
    if container is not None:
        for img in _xpath(".//img[not(ancestor::figure)]")(container):
            url = _img_url(img, base)
            width, height = _as_int(img.get("width")), _as_int(img.get("height"))
            # Avatars, icons and tracking pixels are not the article's pictures.
            if url and not _is_small(width, height) \
                    and not _tokens(img) & {"avatar", "icon", "logo"} \
                    and url not in {p.url for _, p in shown}:
                # The boxes printed beside a picture outside a figure caption it too (not a
                # linked one's: an avatar beside its account's name, a teaser's picture).
                link = next(img.iterancestors("a"), None)
                beside = _beside(img) if link is None or _enlarges(link, img) else None
                picture = _read_figure(beside, base) if beside is not None else None
                if picture is not None and (picture.caption or picture.credit):
                    picture.url, picture.width, picture.height = url, width, height
                else:
                    picture = _Picture(url, width=width, height=height)
                shown.append((img, picture))
    if lead is None:
        return [p for _, p in shown]
    lead.url = _absolute(lead.url, base) or lead.url
    keys = {lead.key()} | {picture_key(u) for u in lead_urls if u}
    same = [i for i, (_, p) in enumerate(shown) if _shows(keys, p.key())]
    # a picture of the very name before one whose name only begins the same, here or on the
    # whole page ("robotics-companies.png" in the header, "robotics-companies-abb.jpg" in the
    # text is another picture)
    exact = [i for i in same if shown[i][1].key() in keys]
    same = exact or ([] if any(p.key() in keys for p in early) else same)
    # The same picture is often shown twice (a header and the text, a page and its gallery):
    # the showing that has a caption is the one to read.
    match = next((i for i in same if shown[i][1].caption), same[0] if same else None)
    figure = None
    if match is not None:
        _, figure = shown.pop(match)
    if (figure is None or not figure.caption) and early:
        # the showing with a caption, else one with a credit
        figure = next((p for p in early if p.caption), None) \
            or (figure if figure is not None and figure.credit else None) \
            or next((p for p in early if p.credit), figure or early[0])
    elif figure is not None:
        # The same picture read on the whole page, before the chrome went: the one whose credit
        # is all the caption left here ("Credit...Name", the caption gone with the chrome),
        # else its credit (a credit box named "author" goes with the bylines).
        whole = next((p for p in early if p.caption and p.credit
                      and figure.caption in p.credit), None)
        figure = whole or figure
        figure.credit = figure.credit or next(
            (p.credit for p in early if p.credit and p.caption == figure.caption), None)
    # The first picture of the text, not an avatar nor an icon (a byline's portrait is often a
    # figure of its own).
    first = next((i for i, (_, p) in enumerate(shown) if not _is_small(p.width, p.height)), None)
    if figure is not None and first is not None and _thumbnail_of(lead, figure, shown[first][1]):
        # The lead the metadata declares is a thumbnail shown uncaptioned; the article's
        # picture, larger and captioned, is the one readers take for the lead.
        lead.width, lead.height = lead.width or figure.width, lead.height or figure.height
        return [shown.pop(first)[1], lead] + [p for _, p in shown]
    if figure is not None:
        # A declared credit is kept (a creditText is written for the purpose; the printed one
        # is the same credit, spaced for the eye); the printed caption is what readers see,
        # where og:image:alt and a JSON-LD caption are often an alt text or a file name.
        lead.caption = figure.caption or lead.caption
        lead.credit = lead.credit or figure.credit
    elif (hero := _hero(root, scope, blocks, base)) is not None:
        lead.caption, lead.credit = lead.caption or hero.caption, lead.credit or hero.credit
    elif first is not None and _is_lead_figure(root, shown[first][0], blocks):
        _, figure = shown.pop(first)
        lead.caption = lead.caption or figure.caption
        lead.credit = lead.credit or figure.credit
    lead.caption, lead.credit = _credit_apart(lead.caption, lead.credit)
    if figure is not None and lead.url == figure.url:
        # another size of the picture has other dimensions
        lead.width = lead.width or figure.width
        lead.height = lead.height or figure.height
    return [lead] + [p for _, p in shown]


# A paragraph this long is text; shorter ones are a standfirst's line, a dateline, a label.
_LONG_PARAGRAPH = 100


#: The widest a declared lead shown as a thumbnail is (pixels), and how many times wider the
#: article's captioned picture is.
_THUMBNAIL_WIDTH = 400
_THUMBNAIL_RATIO = 2


def _thumbnail_of(lead: _Picture, shown: _Picture, other: _Picture) -> bool:
    """Whether the declared ``lead``, shown as ``shown`` with neither caption nor credit, is
    a thumbnail beside ``other``, a captioned picture of the article at least
    :data:`_THUMBNAIL_RATIO` times wider."""
    width = shown.width or lead.width
    return not (lead.caption or lead.credit or shown.caption or shown.credit) \
        and width is not None and width <= _THUMBNAIL_WIDTH and bool(other.caption) \
        and (other.width or 0) >= _THUMBNAIL_RATIO * width


def _is_small(width: int | None, height: int | None) -> bool:
    """Whether a picture this size is an avatar, an icon or a tracking pixel."""
    return (width or 200) < 100 or (height or 200) < 100


def _hero(root, scope, blocks, base) -> _Picture | None:
    """The captioned figure between the headline and the text, outside the text's box (a
    feature's picture; the declared one a social crop shown nowhere)."""
    figures = list(root.iter("figure"))
    if not figures or scope is None:
        return None
    order = {el: i for i, el in enumerate(root.iter())}
    starts = [order[b] for b in blocks if b in order]
    # (the last <h1> before the text: a logo's comes first)
    heads = [order[h] for h in root.iter("h1") if starts and order[h] < min(starts)]
    if not heads:
        return None
    for fig in figures:
        if heads[-1] < order[fig] < min(starts) and scope not in fig.iterancestors():
            picture = _read_figure(fig, base)
            if picture is not None and (picture.caption or picture.credit) \
                    and not _is_small(picture.width, picture.height):  # (a byline's portrait)
                return picture
    return None


def _is_lead_figure(root, figure, blocks) -> bool:
    """A figure with at most two long paragraphs before it is the article's lead picture (an
    intro paragraph or two often comes first; a dateline or a one-line label does not count)."""
    order = {el: i for i, el in enumerate(root.iter())}
    at = order.get(figure, 0)
    before = [b for b in blocks if b in order and order[b] < at
              and len(_text(b)) >= _LONG_PARAGRAPH]
    return len(before) <= 2
