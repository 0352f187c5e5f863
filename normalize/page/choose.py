"""Choosing the article text among candidates, by evidence, and saying why.

The candidates: our own container search (:mod:`normalize.page.body`; the cleanest text when it
finds the right box), trafilatura's main text (:mod:`normalize.page.engine`; the most robust),
and the ``articleBody`` a page declares in JSON-LD or microdata (often plain text, sometimes a
teaser). The evidence: how far they agree (F1 over 4-token shingles), their lengths, the share
of their text that sits in links, and the declared body when there is one. The winner and the
evidence go into the record's ``extra`` as ``("body", "<winner>: <why>")``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from lxml import etree
from lxml import html as lxml_html

from normalize.page.body import _MORE
from normalize.text import html_to_text

_TOKEN = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S | re.I)


@dataclass(frozen=True)
class Candidate:
    """One possible article text: who proposed it, its HTML and its text."""

    name: str
    html: str
    text: str
    link_share: float = 0.0
    #: The standfirst that opens the text, if any: a declared ``articleBody`` seldom holds it,
    #: so the distance to that leaves it out.
    standfirst: str = ""


@dataclass(frozen=True)
class Choice:
    """The chosen text and the one-line reason for it."""

    candidate: Candidate | None
    reason: str


def candidate(name: str, html: str, link_texts: frozenset[str] = frozenset(),
              standfirst: str = "") -> Candidate:
    """A candidate from its HTML (its text and link share computed here); ``standfirst``: the
    text of the standfirst its HTML opens with.

    ``link_texts`` are the texts of the page's links: a line of the candidate that is one of
    them counts as linked even when the candidate lost its ``<a>`` (trafilatura's fallback
    gives a whole page as lines of plain text).
    """
    text = html_to_text(html)
    linked = sum(len(_TAG.sub("", m)) for m in _LINK.findall(html))
    plain = len(_TAG.sub("", html)) or 1
    share = linked / plain
    if link_texts and text:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        total = sum(map(len, lines)) or 1
        share = max(share, sum(len(line) for line in lines if line in link_texts) / total)
    return Candidate(name, html, text, min(1.0, share), standfirst)


def shingles(text: str, size: int = 4) -> Counter:
    """The multiset of ``size``-token shingles of ``text`` (lower-cased word tokens)."""
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    # zip over shifted token lists: the same tuples as slicing, counted without a Python loop
    return Counter(zip(*(tokens[i:] for i in range(size))))


def _shared(a: Counter, b: Counter) -> int:
    """How many shingles ``a`` and ``b`` share (counted with their multiplicity): the size of
    ``a & b`` without building it (and without a ``Counter.__missing__`` call for each of the
    smaller one's shingles the other lacks)."""
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    shared = 0
    for shingle, count in a.items():
        other = get(shingle)
        if other:
            shared += count if count < other else other
    return shared


def _within(part: Counter, whole: Counter) -> float:
    """The share of ``part``'s shingles that ``whole`` also has."""
    total = sum(part.values())
    return _shared(part, whole) / total if total else 0.0


def _f1(a: Counter, b: Counter) -> float:
    return _overlap(a, b)[2]


def _overlap(a: Counter, b: Counter) -> tuple[float, float, float]:
    """``_within(a, b)``, ``_within(b, a)`` and ``_f1(a, b)`` from one intersection (the
    shared count is the same both ways)."""
    shared = _shared(a, b)
    total_a, total_b = sum(a.values()), sum(b.values())
    p = shared / total_a if total_a else 0.0
    r = shared / total_b if total_b else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def choose_body(ours: Candidate | None, engine: Candidate | None,
                declared: Candidate | None,
                chrome_text: Callable[[], str] | None = None) -> Choice:
    """Pick the article text; see the module docstring for the evidence used.

    ``chrome_text`` gives the text of the boxes our search dropped as page furniture (asked
    for only when trafilatura's text is much longer than ours). Whichever text wins loses its
    reader prompts and furniture lines (:func:`_without_furniture`).
    """
    choice = _choose(ours, engine, declared, chrome_text)
    if choice.candidate is None:
        return choice
    return Choice(_without_furniture(choice.candidate), choice.reason)


def _choose(ours: Candidate | None, engine: Candidate | None, declared: Candidate | None,
            chrome_text: Callable[[], str] | None) -> Choice:
    present = [c for c in (ours, engine, declared) if c is not None and c.text.strip()]
    if not present:
        return Choice(None, "no candidate has text")
    if len(present) == 1:
        return Choice(present[0], "the only candidate with text")
    sh = {c.name: shingles(c.text) for c in present}
    size = {c.name: sum(sh[c.name].values()) for c in present}

    if declared is not None and declared in present and size[declared.name] >= 40:
        # A declared full text is the best referee: the visible candidate closest to it wins,
        # unless none covers half of it (a script-rendered page, or a teaser shown).
        visible = [c for c in present if c is not declared]
        distance = {c.name: _f1(_without_standfirst(c, sh[c.name]), sh[declared.name])
                    for c in visible}
        best_f1 = max(distance.values())
        # Near-equal distances to the declared text say nothing: ours, the first candidate,
        # leaves out the byline and credit lines trafilatura keeps.
        best = next(c for c in visible if distance[c.name] >= best_f1 - _TIE)
        best_f1 = distance[best.name]
        if best_f1 >= 1 - _TIE and size[declared.name] > size[best.name]:
            # The same text, and the declared one holds more of it (a paragraph the page
            # loads late, a box the visible candidate cut).
            return Choice(declared, f"the declared articleBody: as the visible text "
                                    f"(F1 {best_f1:.2f}) and longer")
        if best_f1 >= 0.5 or _within(sh[declared.name], sh[best.name]) >= 0.5:
            trimmed = _without_undeclared(best, declared, sh[declared.name]) \
                if best_f1 >= 0.6 else None
            if trimmed is not None:
                return Choice(trimmed, f"closest to the declared articleBody (F1 "
                                       f"{best_f1:.2f}), less the blocks it lacks")
            return Choice(best, f"closest to the declared articleBody (F1 {best_f1:.2f})")
        # Far shorter than both visible texts, which agree: the article's summary (its
        # headline and lead), the page showing the whole text.
        if not (ours in present and engine in present and _f1(sh[ours.name], sh[engine.name])
                >= 0.8 and size[declared.name] < min(size[ours.name], size[engine.name]) / 3):
            return Choice(declared, f"the declared articleBody; visible texts differ "
                                    f"(best F1 {best_f1:.2f})")

    if ours is None or ours not in present:
        return Choice(engine, "our container search found no text")
    if engine is None or engine not in present:
        return Choice(ours, "trafilatura found no text")
    ours_in_engine, engine_in_ours, agreement = _overlap(sh[ours.name], sh[engine.name])
    if agreement >= 0.6:
        trimmed = _without_foreign_runs(ours, engine, sh[engine.name])
        if trimmed is not None:
            ours = trimmed
            sh[ours.name] = shingles(ours.text)
            size[ours.name] = sum(sh[ours.name].values())
            ours_in_engine, engine_in_ours, agreement = _overlap(sh[ours.name],
                                                                 sh[engine.name])
    if size[ours.name] < 0.5 * size[engine.name] and ours_in_engine >= 0.6 \
            and engine.link_share < 0.35:
        # What trafilatura has beyond ours may be a box we dropped as furniture (a gallery's
        # fifty captions inside the text): then its being longer is no evidence.
        beyond = sh[engine.name] - sh[ours.name]
        if chrome_text is not None and _within(beyond, shingles(chrome_text())) >= 0.8:
            return Choice(ours, f"trafilatura's longer text is page furniture ours left out "
                                f"({size[ours.name]}/{size[engine.name]} shingles)")
        # Nor when all it has beyond ours is short lines (a byline, a date, a paywall's
        # notice, linked headlines): a text in few shingles (Chinese, Japanese, whose words
        # no spaces split) is not shorter for that.
        if len(ours.text) >= _PROSE_CHARS and not _adds_prose(engine, sh[ours.name]):
            return Choice(ours, f"trafilatura's longer text adds no paragraph to ours "
                                f"({size[ours.name]}/{size[engine.name]} shingles)")
        if _page_dump(engine):
            return Choice(ours, f"trafilatura's longer text is the whole page, menus and all "
                                f"({size[ours.name]}/{size[engine.name]} shingles)")
        return Choice(engine, f"ours is a part of trafilatura's longer text "
                              f"({size[ours.name]}/{size[engine.name]} shingles)")
    if agreement >= 0.8 and engine.link_share < 0.35:
        # The same article where trafilatura has paragraphs inside it that ours lacks (a box
        # our search cut, a second text column): trafilatura's blocks over the stretch the two
        # share keep those and still leave out the headline, standfirst and byline before it.
        spanned = _shared_span(ours, engine, sh[ours.name])
        if spanned is not None:
            inner = shingles(spanned.text)
            gained = sum(inner.values()) - _shared(inner, sh[ours.name])
            if gained >= max(20, 0.1 * size[ours.name]) and _within(sh[ours.name], inner) >= 0.9:
                return Choice(spanned, f"trafilatura's text over ours's stretch adds {gained} "
                                       f"shingles (F1 {agreement:.2f})")
    if agreement >= 0.8:
        # Near the same text: ours, which leaves out standfirsts, bylines and credit lines that
        # trafilatura keeps (the page fixtures' bodies are exact to that).
        return Choice(ours, f"agrees with trafilatura (F1 {agreement:.2f})")
    if engine_in_ours >= 0.8:
        return Choice(ours, f"trafilatura's text is a part of ours (F1 {agreement:.2f})")
    if ours.link_share > 0.35 and engine.link_share <= ours.link_share:
        return Choice(engine, f"ours is mostly links ({ours.link_share:.2f})")
    if size[engine.name] < 0.5 * size[ours.name]:
        return Choice(ours, f"candidates differ (F1 {agreement:.2f}); trafilatura's is short")
    if ours_in_engine >= 0.95:
        # trafilatura holds all of ours and more; when what it has after ours's last block is
        # a list of other articles, its text up to there (the lead ours may have missed).
        cut = _without_teasers_after(engine, sh[ours.name])
        if cut is not None:
            return Choice(cut, f"trafilatura's text less the teasers after ours's end "
                               f"(F1 {agreement:.2f})")
    # Texts that differ: trafilatura is right more often (development corpus: 72 pages).
    return Choice(engine, f"candidates differ (F1 {agreement:.2f}); trafilatura kept")


#: A line that sends the reader to another article ("Read also: <headline>", "Lea también:
#: ...", "Lesen Sie auch: ..."), placed between paragraphs by the CMS: the label, a colon,
#: the other article's headline. Labels that name nothing but reading are enough alone; a
#: bare "Lea:", "Mire:", "Watch:" or "Related:" also needs the headline to be a link, as does
#: a line of tags ("Tags: <a>Ferries</a>, <a>Harbour</a>").
_PROMPT = re.compile(
    r"\W*(?:(?P<strong>(?:also |read |see )?(?:read|see) (?:also|more|next)|also read|"
    r"related (?:article|story|stories|coverage|content)|more on this(?: story)?|"
    r"(?:lea|lee|vea|mire) (?:también|además|más)|(?:también )?te puede interesar|"
    r"noticia relacionada|(?:à )?lire (?:aussi|également|encore)|voir aussi|"
    r"lesen sie (?:auch|mehr|hier)|auch interessant|siehe auch|mehr zum thema|"
    r"leggi (?:anche|pure)|guarda anche|leia (?:também|mais)|veja também|saiba mais|"
    r"czytaj (?:też|także|również|więcej)|zobacz (?:też|także|również)|lees ook)|"
    r"(?P<weak>lea|lee|mire|vea|veja|watch|related|recommended|more|leggi|lire|czytaj|zobacz|"
    r"tags?|topics|schlagw(?:ö|oe)rter|schlagworte|themen|etiquetas|temas|mots-clés|tematy))"
    r"\s*[:：»›>–—-]+\s*(?P<rest>\S.*)",
    re.I | re.S,
)
#: The same at the start of a line of a text: the test whether a text holds one at all (a
#: search for _PROMPT tries its alternatives at every character, ~1.5 ms on a long text).
_PROMPT_LINE = re.compile(r"^" + _PROMPT.pattern, re.I | re.S | re.M)
#: A line of the page's furniture left between the paragraphs: a share or comment button's
#: label, a comment count, a bare "Tags:", a sign-up or follow line, a paywall's call to
#: subscribe for the rest of the story.
_FURNITURE_LINE = re.compile(
    r"\W*(?:share(?: this(?: article| story| post| page)?| on \w+)?|teilen|compartir|partager|"
    r"condividi|compartilhar|(?:\d+ )?(?:comments?|kommentare?|comentarios?|commentaires?|"
    r"commenti)(?: ?\(\d+\))?|(?:add|leave|post|write) a (?:comment|reply)|"
    r"(?:no|keine|sin) (?:comments?|kommentare|comentarios)(?: yet)?|comments are closed|"
    r"kommentare (?:geschlossen|insgesamt:?\s*\d*)|"
    r"(?:tags?|schlagwörter|schlagworte|etiquetas|mots-clés|tematy|temi)\s*:?|"
    r"(?:zum )?newsletter (?:anmelden|abonnieren)|(?:sign up|subscribe) (?:for|to) "
    r"(?:our|the) [^.!?]{0,40}newsletters?|"
    r"follow (?:us|[^.!?]{1,40}) on (?:twitter|facebook|instagram|x|linkedin)[^.!?]{0,80}|"
    r"[^.!?]{0,80}\b(?:subscribe|subscribers?|abonnieren|suscr[íi]bete)\b[^.!?]{0,80}"
    r"(?:full story|rest of (?:the|this) (?:story|article)|read (?:the )?full|weiterlesen|"
    r"already a subscriber|log in)[^.!?]{0,80}|"
    r"[^.!?]{0,40}(?:full story|rest of (?:the|this) (?:story|article))[^.!?]{0,40}"
    r"\bsubscribe\b[^.!?]{0,60})\W*",
    re.I,
)
#: The longest line of furniture (characters).
_FURNITURE_CHARS = 200
#: The longest headline a prompt names (characters).
_PROMPT_CHARS = 200
#: The longest line of text that may be either, with a prompt's label.
_SHORT_LINE = _PROMPT_CHARS + 60
# Searched in the lower-cased text: an alternation of literals runs ~8 times as fast without
# re.I.
_FURNITURE_WORD = re.compile(r"share|teilen|compart|partager|condividi|comment|kommentar|"
                            r"tag|schlagw|etiquetas|mots-clés|tematy|temi|newsletter|follow|"
                            r"subscri|abonn|suscr")
_LAST_HEADING = re.compile(r"</h[2-6]>\s*$", re.I)
_PROMPT_TAGS = {"p", "div", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em"}


def _without_furniture(chosen: Candidate) -> Candidate:
    """``chosen`` without its top-level blocks that are reader prompts (:data:`_PROMPT`) or
    lines of furniture (:data:`_FURNITURE_LINE`), and without a tail of other articles after
    a line announcing them (:func:`_before_teasers`) or a last heading; itself when nothing
    goes, or when everything would."""
    lines = chosen.text.split("\n")
    # Only a short line can be a prompt or furniture: paragraphs are not searched.
    short = "\n".join(line for line in lines if len(line) <= _SHORT_LINE)
    check = bool(short and (_PROMPT_LINE.search(short) or _FURNITURE_WORD.search(short.lower())))
    if not check and not _LAST_HEADING.search(chosen.html) and not any(
            _MORE.fullmatch(line.strip()) for line in lines[1:]):
        return chosen  # nothing to look for: the text is not parsed again
    blocks = _top_blocks(chosen.html)
    if blocks is None:
        return chosen

    def furniture(block) -> bool:
        if not check or block.tag not in _PROMPT_TAGS:
            return False
        text = " ".join(block.text_content().split())
        if len(text) <= _FURNITURE_CHARS and _FURNITURE_LINE.fullmatch(text):
            return True
        match = _PROMPT.fullmatch(text)
        if match is None or len(match.group("rest")) > _PROMPT_CHARS:
            return False
        if match.group("strong"):
            return True
        linked = sum(len(" ".join(a.text_content().split())) for a in block.iter("a"))
        return linked >= 0.5 * len(match.group("rest"))

    kept = _before_teasers([b for b in blocks if not furniture(b)])
    # A heading with no text after it introduces what the extraction left out (teasers).
    while kept and kept[-1].tag in ("h2", "h3", "h4", "h5", "h6"):
        kept.pop()
    if not kept or len(kept) == len(blocks):
        return chosen
    cut = _from_blocks(chosen.name, kept, chosen.link_share)
    return Candidate(cut.name, cut.html, cut.text, cut.link_share, chosen.standfirst)


def _before_teasers(blocks: list) -> list:
    """The blocks before a line that announces other articles (``normalize.page.body._MORE``:
    "Related stories", "Lesen Sie auch die folgenden Beiträge") when no paragraph of prose
    follows it, and what follows is short beside the text: a tail of linked headlines and
    one-line summaries, not a wiki's references. (Our own search cuts its blocks the same
    way; a "Read also" box inside the text has the article's prose after it.)
    """
    for i, block in enumerate(blocks):
        if i and _MORE.fullmatch(" ".join(block.text_content().split())):
            tail, before = blocks[i + 1:], blocks[:i]
            if not any(_is_prose_block(b) for b in tail) and _chars(tail) < 0.5 * _chars(before):
                return before
    return blocks


def _chars(blocks: list) -> int:
    return sum(len(b.text_content().strip()) for b in blocks)


def _is_prose_block(block) -> bool:
    """Whether ``block`` is a paragraph of prose (not a headline, a summary line or links)."""
    text = " ".join(block.text_content().split())
    linked = sum(len(a.text_content()) for a in block.iter("a"))
    return block.tag in ("p", "div", "blockquote") and len(text) >= _PROSE_CHARS \
        and linked < 0.3 * len(text)


#: Linked headings after the text that make a run of teasers ("Other columns": a linked
#: headline and a summary line, several times over).
_TEASER_HEADINGS = 3


def _top_blocks(html: str) -> list | None:
    """The top-level elements of a candidate's ``html``; ``None`` when lxml cannot read it."""
    try:
        box = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    return [child for child in box if isinstance(child.tag, str)]


def _from_blocks(name: str, blocks: Iterable, link_share: float) -> Candidate:
    """A candidate made of ``blocks`` (elements of another candidate's tree)."""
    html = "".join(etree.tostring(b, encoding="unicode", method="html") for b in blocks)
    return Candidate(name, html, html_to_text(html), link_share)


def _without_teasers_after(engine: Candidate, ours_sh: Counter) -> Candidate | None:
    """trafilatura's text without its blocks after the last one in ours's text, when those are
    a list of other articles: at least three headings that are mostly a link, one per four
    blocks or more. ``None`` when they are not."""
    blocks = _top_blocks(engine.html)
    if blocks is None:
        return None
    last = max((i for i, b in enumerate(blocks)
                if _within(shingles(b.text_content()), ours_sh) >= 0.6), default=None)
    if last is None:
        return None
    tail = [b for b in blocks[last + 1:] if b.text_content().strip()]
    linked = 0
    for block in tail:
        text = " ".join(block.text_content().split())
        if block.tag in ("h2", "h3", "h4", "h5", "h6") and \
                sum(len(a.text_content().strip()) for a in block.iter("a")) >= 0.5 * len(text):
            linked += 1
    if linked < _TEASER_HEADINGS or 4 * linked < len(tail):
        return None
    return _from_blocks(f"{engine.name}-teasers", blocks[:last + 1], engine.link_share)


def _adds_prose(engine: Candidate, ours_sh: Counter) -> bool:
    """Whether trafilatura's text has a line of :data:`_EXTRA_CHARS` or more that ours lacks."""
    return any(len(line) >= _EXTRA_CHARS and _within(shingles(line), ours_sh) < 0.5
               for line in (line.strip() for line in engine.text.split("\n")))


#: A line of prose (characters; a byline, a date or a headline is shorter).
_EXTRA_CHARS = 100


def _page_dump(engine: Candidate) -> bool:
    """Whether trafilatura's text is the whole page as lines (its fallback when it finds no
    text box): hundreds of lines, nearly all of them a menu's or a teaser's few words."""
    lines = [line for line in engine.text.split("\n") if line.strip()]
    short = sum(len(line.strip()) < _MENU_CHARS for line in lines)
    return len(lines) >= _DUMP_LINES and short >= 0.8 * len(lines)


_DUMP_LINES = 100
#: A menu item's or a label's length (characters).
_MENU_CHARS = 30


def _shared_span(ours: Candidate, engine: Candidate, ours_sh: Counter) -> Candidate | None:
    """trafilatura's blocks from the first to the last one that is mostly in ours's text."""
    blocks = _top_blocks(engine.html)
    if blocks is None:
        return None
    shared = []
    for i, block in enumerate(blocks):
        own = shingles(block.text_content())
        if own and sum(own.values()) >= 3 and _within(own, ours_sh) >= 0.6:
            shared.append(i)
    if len(shared) < 2:
        return None
    first = _reach(blocks, shared[0], -1)
    last = _reach(blocks, shared[-1], 1)
    return _from_blocks(f"{engine.name}+span", blocks[first:last + 1], engine.link_share)


#: Distances to the declared text closer than this are a tie.
_TIE = 0.05


def _without_standfirst(c: Candidate, own: Counter) -> Counter:
    """The shingles of ``c``'s text less its standfirst's (``own``: all its shingles)."""
    if not c.standfirst or not c.text.startswith(c.standfirst):
        return own
    return shingles(c.text[len(c.standfirst):])


def _without_undeclared(visible: Candidate, declared: Candidate,
                        declared_sh: Counter) -> Candidate | None:
    """``visible`` without its blocks that the declared ``articleBody`` does not hold.

    The declared text is the publisher's own copy of the article: a block shown inside the
    text box that it lacks is a box of the page's ("Read also: ...", a sign-up line, a
    "comment here" prompt). ``None`` when every block is in it, or when too much would go
    (then the two are different texts, not one with boxes in it). ``declared_sh`` are the
    declared text's shingles.
    """
    blocks = _top_blocks(visible.html)
    if blocks is None:
        return None
    declared_text = " ".join(declared.text.split()).casefold()

    def undeclared(block) -> bool:
        text = " ".join(block.text_content().split())
        # A paragraph of prose the declared text lacks is more often the page's standfirst or
        # a box of the article's own (a FAQ, a review's verdict) than chrome: kept.
        if not text or len(text) >= _PROSE_CHARS or text.casefold() in declared_text:
            return False
        own = shingles(text)
        return _within(own, declared_sh) < 0.2

    drop = {i for i, block in enumerate(blocks) if undeclared(block)}
    if not drop or len(drop) == len(blocks):
        return None
    dropped = sum(len(blocks[i].text_content()) for i in drop)
    if dropped > 0.2 * sum(len(b.text_content()) for b in blocks):
        return None
    return _from_blocks(visible.name, (b for k, b in enumerate(blocks) if k not in drop),
                        visible.link_share)


#: Runs of this many blocks or more that trafilatura lacks, in short lines, are page furniture.
_FOREIGN_RUN = 4
_FOREIGN_CHARS = 80


def _without_foreign_runs(ours: Candidate, engine: Candidate, engine_sh: Counter
                          ) -> Candidate | None:
    """Ours without the runs of short blocks that trafilatura's text does not have.

    A box of chart labels or a "most popular" list inside the article container is many short
    lines in a row; trafilatura leaves them out, and when the two otherwise agree it is right.
    ``None`` when there is nothing to drop.
    """
    blocks = _top_blocks(ours.html)
    if blocks is None:
        return None
    engine_lines = {" ".join(line.split()) for line in engine.text.split("\n")}

    def foreign(block) -> bool:
        text = " ".join(block.text_content().split())
        if not text:
            return True
        if text in engine_lines:
            return False
        own = shingles(text)
        return sum(own.values()) < 2 or _within(own, engine_sh) < 0.5

    marks = [foreign(b) for b in blocks]
    drop: set[int] = set()
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and marks[j]:
            j += 1
        run = blocks[i:j]
        if len(run) >= _FOREIGN_RUN and sum(len(b.text_content().strip()) for b in run) \
                < _FOREIGN_CHARS * len(run):
            drop.update(range(i, j))
        i = j + 1 if j == i else j
    if not drop:
        return None
    return _from_blocks(ours.name, (b for k, b in enumerate(blocks) if k not in drop),
                        ours.link_share)


#: A paragraph of prose, not a standfirst or a byline (characters).
_PROSE_CHARS = 150


def _reach(blocks: list, edge: int, step: int) -> int:
    """How far past ``edge`` (in direction ``step``) trafilatura's text goes on in prose.

    Ours is sometimes cut at a section's edge. Past the shared stretch, a run of at least two
    prose paragraphs (not links) is more of the article; a lone line there is a headline,
    standfirst, byline or credit, which stay out.
    """
    reach, prose, i = edge, 0, edge + step
    while 0 <= i < len(blocks):
        block = blocks[i]
        text = block.text_content().strip()
        linked = sum(len(a.text_content()) for a in block.iter("a"))
        if block.tag == "p" and len(text) >= _PROSE_CHARS and linked < 0.3 * len(text):
            prose += 1
            if prose >= 2:
                reach = i
        elif block.tag not in ("p", "h2", "h3", "h4", "blockquote", "ul", "ol"):
            break
        i += step
    return reach
