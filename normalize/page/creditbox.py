"""A figure's caption and credit told apart when their boxes hold each other, or when a box
named for the credit prints the caption (:func:`_credit_apart`, read by
:mod:`normalize.page.pictures`)."""

from __future__ import annotations

import re

from normalize.credits import caption_before_agency, has_leading_label, split_caption
from normalize.page.captext import _BARE_LABEL, _DANGLING_START, _shown_text
from normalize.page.dom import _is_element
from normalize.text import clean_text

_SENTENCE_ON = re.compile(r"[.!?]\s+\S")  # a sentence's end with more after it

# A credit is a name or a few: a "credit" box holding more words holds the caption.
_CREDIT_WORDS = 12


def _credit_apart(caption: str | None, credit: str | None) -> tuple[str | None, str | None]:
    """A caption and credit read from boxes that hold each other: the caption printed in the
    credit's box is not the credit ("<span class='credits'><p>Caption.</p><span>Name</span>"
    reads caption "Caption.", credit "Name"), and a "credit" as long as a sentence or more is
    the caption with its credit in it (left for :func:`normalize.credits.split_caption`)."""
    if caption and credit:
        if " ".join(credit.split()).rstrip(" .") == " ".join(caption.split()).rstrip(" ."):
            return caption, None
        if credit.startswith(caption):
            return caption, _DANGLING_START.sub("", credit[len(caption):]).strip() or None
    if credit and len(credit.split()) > _CREDIT_WORDS and not caption:
        return credit, None
    if credit and not caption:
        # "<div class='lede-credit'>Alphabet's chief. Image: Getty</div>": a sentence of
        # caption, then the credit
        if _SENTENCE_ON.search(credit) and not has_leading_label(credit):
            text, found = split_caption(credit)
            if text and found and len(text.split()) >= 3:
                return text, found.text
        if _reads_as_sentence(credit):
            return credit, None
        # "<figcaption class='credit-thumb'>President Joe Biden, in Washington / AFP": the
        # caption, then the agency
        return caption_before_agency(credit) or (caption, credit)
    return caption, credit


#: Words a credit writes in lower case ("Jane Roe via Getty Images", "courtesy of the artist").
_CREDIT_LOWER = {"via", "by", "for", "of", "from", "and", "the", "courtesy", "photo", "photos",
                 "image", "images", "file", "handout", "pool", "staff", "de", "del", "da", "di",
                 "van", "von", "der", "la", "le", "y", "e", "et", "und"}
#: Lower-case words beyond those that make a "credit" a sentence: a caption in a box named for
#: the credit ("<figcaption class='attribution'>Passengers board the last ferry.</figcaption>").
_SENTENCE_WORDS = 3


def _reads_as_sentence(text: str) -> bool:
    """Whether a credit's text is a sentence of running words, not names: unlabelled, with
    :data:`_SENTENCE_WORDS` lower-case words or more that no credit writes so."""
    if has_leading_label(text) or text.lstrip()[:1] == "©":
        return False
    words = [w.strip(".,;:()\"'") for w in text.split()]
    lower = [w for w in words if w[:1].islower() and w.isalpha() and w not in _CREDIT_LOWER]
    return len(lower) >= _SENTENCE_WORDS


def _leading_credit(caption) -> str | None:
    """A labelled credit printed before the caption in an element of its own ("<figcaption>
    <span>Photo: Name</span> Caption.</figcaption>"): its text, the element taken out of
    ``caption``; ``None`` when the caption does not open so."""
    first = caption[0] if len(caption) and not clean_text(caption.text) else None
    if first is None or not _is_element(first) or not clean_text(first.tail):
        return None
    text = _shown_text(first)
    if len(text) > 80 or not has_leading_label(text) or _BARE_LABEL.fullmatch(text):
        return None
    first.drop_tree()
    return text

# A credit in parentheses, a few words naming a photographer or a source ("(Ed Murray/The
# Star-Ledger)", "(Sheriff's Office)"): no sentence in it, an upper-case or digit start.
_PARENTHESIZED_CREDIT = re.compile(r"\(\s*([A-Z0-9\u00c0-\u00de][^()]{1,80}?)\s*\)")
_EMPTY_PARENTHESES = re.compile(r"\(\s*\)")
_INLINE_CREDIT_TAGS = frozenset({"em", "i", "small", "span", "b", "strong"})


def _trailing_credit(caption) -> str | None:
    """A credit printed after the caption in parentheses, in an inline element of its own
    ("<div class='Caption'>Caption <em>(Name/Paper)</em></div>"): its text, the element taken
    out of ``caption``; ``None`` when the caption does not end so. Its own element says it is
    no part of the sentence, which a caption's text alone does not ("Mr X (left)")."""
    last = caption[-1] if len(caption) else None
    if last is None or not _is_element(last) or last.tag not in _INLINE_CREDIT_TAGS \
            or clean_text(last.tail) or not clean_text(caption.text):
        return None
    shown = _shown_text(last)
    if _EMPTY_PARENTHESES.fullmatch(shown):  # the credit's slot left empty: "( )"
        last.drop_tree()
        return None
    found = _PARENTHESIZED_CREDIT.fullmatch(shown)
    if found is None or _SENTENCE_ON.search(found.group(1)):
        return None
    last.drop_tree()
    return found.group(1)
