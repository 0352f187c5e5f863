"""A picture's caption and credit as printed: the boxes that hold them (by their class names),
their text as shown, and what in a caption box is no caption (labels printed apart, buttons, a
gallery's pager, a prompt to enlarge the picture)."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from normalize.page.dom import _is_element, _next_element, _xpath
from normalize.text import clean_text


_CREDIT_XPATH = (
    # (camel-cased class names too: "photoCredit", "imgCopyright")
    ".//*[(contains(@class,'credit') or contains(@class,'copyright') or "
    "contains(@class,'Credit') or contains(@class,'Copyright') or "
    "contains(@class,'photographer') or contains(@class,'autor') or "
    "contains(@class,'source') or contains(@class,'attribution') or "
    "contains(@class,'byline') or contains(@class,'firma') or contains(@class,'owner') or "
    "@itemprop='copyrightHolder' or @itemprop='creditText' or @itemprop='author' or "
    "@itemprop='creator') and not(.//img)] | .//cite"
)
# A caption's shortened copy and the unlinked toggles between the two ("... more", "less").
_CAPTION_COPY_XPATH = " | .//*[contains(@class,'truncated')] | .//a[not(@href)][contains(" \
    "@class,'more') or contains(@class,'less')]"
_CAPTION_TEST = (
    "contains(@class,'caption') or @itemprop='caption' or "
    "@itemprop='description' or contains(@class,'legend') or contains(@class,'pie-foto') or "
    "contains(@class,'description') or contains(@class,'cutline') or "
    # a class word "cap" ("img-cap", "cap-txt")
    "contains(concat(' ',translate(@class,'-_','  '),' '),' cap ')"
)
_FIGURE_CAPTION_XPATH = f".//figcaption | .//*[{_CAPTION_TEST}]"
# Inside a figure, camel-cased class names say caption too ("photoCaption"); they do not make
# a box a figure (a how-to's "stepCaption" box is text).
_CAPTION_XPATH = f".//figcaption | .//*[{_CAPTION_TEST} or contains(@class,'Caption')]"
# A credit's label printed in an element of its own ("<span class='visually-hidden'>Credit
# </span>"): the text of the label, not the credit's.
# (a screen reader's "Image source, " before the credit too)
_BARE_LABEL = re.compile(
    r"(?:(?:image|photo|picture)\s+(?=credit|source))?"
    r"(?:credits?|photos?|fotos?|bild|bildquelle|quelle|source|sources|kuva|źródło|zdjęcie|"
    r"copyright|©)\s*[:,]?", re.IGNORECASE)
# What is left of a credit taken out of a caption: its separator or its mark.
_DANGLING_START = re.compile(r"^[\s:|/–—-]+")
# (a bullet between the caption and its credit: "Caption • Crédits : Name")
_DANGLING_END = re.compile(r"(?:\s+[|/©–—-]|\s*[|©:•·])+$")
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "figcaption", "h2", "h3", "h4",
                         "h5", "h6", "blockquote", "table", "tr", "td", "section"})


def _shown_text(el) -> str:
    """The text of ``el`` as shown: inline elements run on ("(<b>WFP</b>)" is "(WFP)"), block
    elements and line breaks part words."""
    pieces: list[str] = []

    def walk(node) -> None:
        block = node.tag in _BLOCK_TAGS
        if block:
            pieces.append(" ")
        if node.text:
            pieces.append(node.text)
        for child in node:
            if _is_element(child):
                walk(child)
            if child.tail:
                pieces.append(child.tail)
        if block:
            pieces.append(" ")

    walk(el)
    # A zero-width space is a place to break the line, never a space: "Name/\u200bAFP" prints
    # "Name/AFP".
    return clean_text("".join(pieces).replace("\u200b", ""))


def _without(el, xpath: str):
    """A copy of ``el`` without the descendants ``xpath`` finds."""
    copy = lxml_html.fromstring(etree.tostring(el, encoding="unicode", with_tail=False))
    for sub in _xpath(xpath)(copy):
        if sub is not copy:
            sub.drop_tree()
    return copy


def _credit_text(el) -> str:
    """The text of a credit element, less a caption nested in it and a label printed apart."""
    copy = _without(el, _CAPTION_XPATH)
    for sub in list(copy.iter(etree.Element)):
        if sub is not copy and _is_element(sub) and sub.getparent() is not None \
                and _BARE_LABEL.fullmatch(clean_text(sub.text_content())):
            sub.drop_tree()
    return _DANGLING_START.sub("", _shown_text(copy))


# Buttons a figure prints under its picture ("Pin", "Print", "Zoom"): no caption.
_BUTTON = re.compile(r"\bbtn|button", re.IGNORECASE)
# A gallery's pager: "Foto 1 de 12", "Image 3 of 10", "2 / 7".
_COUNTER = re.compile(r"(?:[^\W\d_]+\s+)?\d+\s*(?:/|de|of|von|di|sur|van|z)\s*\d+",
                      re.IGNORECASE)
_FILE_NAME = re.compile(r"\S+\.(?:jpe?g|png|gif|webp|avif|tiff?)", re.IGNORECASE)
# A prompt to open the picture large ("+CLICCA PER INGRANDIRE", "Click to enlarge", "Bild
# vergrößern"), usually a link to a script: no caption.
_ENLARGE = re.compile(
    r"\W*(?:(?:click|tap|clicca|klicken|cliquez|clique|haga\s+clic)\w*\s+(?:\w+\s+){0,3})?"
    r"(?:to\s+|per\s+|para\s+|pour\s+|zum\s+)?(?:(?:bild|foto|image|photo|picture)\s+)?"
    r"(?:enlarge|ingrandire|vergr(?:ö|oe)(?:ß|ss)ern|agrandir|ampliar|zoom(?:\s+in)?)"
    r"(?:\s+(?:this\s+)?(?:image|photo|picture))?\W*", re.IGNORECASE)
# A caption's toggle ("Open", "Close", "… [+]"): a button without the markup of one.
_TOGGLE = re.compile(r"(?:…\s*)?\[[+-]\]|(?:open|close|expand|collapse|hide|show|toggle)"
                     r"(?:\s+caption)?", re.IGNORECASE)
# A caption's label for screen readers, printed apart ("<span class='off-screen'>Image
# caption</span>"): no caption text.
_SCREEN_LABEL = re.compile(r"(?:(?:image|media|video|photo|picture)\s+)?caption\s*[:,]?",
                           re.IGNORECASE)
# The date a picture was taken, in an element of its own ("<h5>27-06-2012</h5>"): no caption
# text, and no credit.
_NUMERIC_DATE = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}")


def _mark_labels(caption) -> None:
    """Make a caption's parts printed apart readable as text: a credit label in an element of
    its own gets its colon ("<span>Credit</span>Kevin Frayer" reads "Credit: Kevin Frayer", for
    :func:`normalize.credits.split_caption` to find), and an element holding only a file name
    (a CMS's hidden "caption-filename") goes, as do buttons ("Pin", "Print") and a gallery's
    pager ("Foto 1 de 12"), a prompt to enlarge the picture and a date printed apart
    ("27-06-2012")."""
    for sub in list(caption.iter(etree.Element)):
        if sub is caption or not _is_element(sub) or sub.getparent() is None:
            continue
        text = clean_text(sub.text_content())
        if _FILE_NAME.fullmatch(text) or _COUNTER.fullmatch(text) or _TOGGLE.fullmatch(text) or \
                _SCREEN_LABEL.fullmatch(text) or \
                _NUMERIC_DATE.fullmatch(text) or _ENLARGE.fullmatch(text) or \
                (sub.get("href") or "").startswith("javascript:") or \
                sub.tag in ("button", "svg") or \
                _BUTTON.search(sub.get("class") or ""):
            sub.drop_tree()
        elif len(sub) == 0 and _BARE_LABEL.fullmatch(text) and text[-1:].isalpha() \
                and _runs_on(sub):
            sub.text = text + ": "


def _runs_on(el) -> bool:
    """Whether text follows ``el`` with no space between: a label styled apart (hidden, or in
    small capitals) rather than a word of the sentence ("<b>Photo</b> of the harbour")."""
    if el.tail and el.tail.strip():
        return not el.tail[0].isspace()
    if el.tail:
        return False
    after = _next_element(el)
    return after is not None and bool(after.text_content()) \
        and not after.text_content()[0].isspace()
