"""Datelines at the head of a body, agency lines at its foot.

A wire body opens with a dateline, in the agency's house style:

    MADRID, 24 Oct. (EUROPA PRESS) -          Europa Press
    BERLIN (dpa) -   /   HAMBURG, 12. März (dpa) -   /   FRANKFURT/MAIN (dpa) -
    PARIS, 6 avril 2023 (AFP) -               AFP
    WASHINGTON, Oct 24 (Reuters) -            Reuters
    WASHINGTON (AP) —                         AP (em dash)
    SÃO PAULO, 3 abr (Reuters) -  /  Lisboa, 03 abr 2023 (Lusa) -
    ROMA, 12 mag (ANSA) -  /  (ANSA) - ROMA, 12 MAG -
    Madrid, 24 oct (EFE).-                    EFE

and may close with a line naming the agency again: ``Source: (EUROPA PRESS)``,
``Fuente: Europa Press``, ``Quelle: dpa``, ``(c) dpa``, ``Con información de EFE``,
``Fonte: Lusa``, ``Avec AFP``. :func:`find_dateline` reads the first; :func:`split_agency_line`
takes the second out of the body's HTML, leaving the rest of the markup byte for byte.
"""

from __future__ import annotations

import logging
import re

from normalize.agencies import find_agency_match, is_agency
from normalize.model import Dateline
from normalize.months import MONTHS
from normalize.text import clean_text, html_to_text

logger = logging.getLogger(__name__)

# --- datelines ---------------------------------------------------------------------------------

# A place word: letters, with inner hyphens, slashes, dots or apostrophes (SAINT-ÉTIENNE,
# FRANKFURT/MAIN, L'AQUILA, D.C.), optionally ending in a dot (ST. LOUIS).
_WORD = r"[^\W\d_]+(?:['’./-][^\W\d_]+)*\.?"
_PLACE = rf"{_WORD}(?:[ \t]+{_WORD}){{0,5}}"
_DASH = r"(?:--|[-‐‑–—])"
# The dash that ends a dateline; EFE writes ".-", everybody else " - ", AP " — ".
_END = rf"\s*\.?\s*{_DASH}(?=\s|$)"
_DATELINE = re.compile(
    rf"""^\s*
    (?:\((?P<lead>[^()]{{1,40}})\){_END}\s*)?        # ANSA: "(ANSA) - ROMA, 12 MAG -"
    (?P<place>{_PLACE})
    (?:\s*,\s*(?P<date>[^()\-‐‑–—]{{1,40}}))?
    (?:\s*\((?P<agency>[^()]{{1,40}})\))?
    {_END}""",
    re.VERBOSE,
)
_PARTICLES = {"de", "del", "della", "delle", "di", "da", "do", "dos", "das", "du", "des", "la",
              "le", "les", "am", "an", "im", "in", "on", "upon", "sur", "en", "el", "y", "e",
              "et", "und", "ob", "bei", "der", "dei", "degli"}
# A month may be cut short to three letters or more ("Oct.", "sept", "März").
_MONTH_PREFIXES = {month[:end] for month in MONTHS for end in range(3, len(month) + 1)}
_DATE_FILLERS = {"de", "del", "du", "di", "of", "the", "le", "el", "il", "der", "den"}
_DATE_WORD_BREAK = re.compile(r"[\s,]+")
_PLACE_PATTERN = re.compile(_PLACE)


def _is_month(word: str) -> bool:
    return word.casefold().rstrip(".") in _MONTH_PREFIXES


def _is_date(text: str) -> bool:
    """Whether ``text`` reads as a dateline's date: day numbers, month names, a year."""
    words = [w for w in _DATE_WORD_BREAK.split(text.strip()) if w]
    if not words or len(words) > 6:
        return False
    seen = False
    for word in words:
        bare = word.rstrip(".")
        if bare.isdigit() and len(bare) <= 4:
            seen = True
        elif _is_month(word):
            seen = True
        elif word.casefold() not in _DATE_FILLERS:
            return False
    return seen


def _is_place(text: str) -> bool:
    words = text.split()
    if not words or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.casefold() in _PARTICLES for w in words)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


# Only the start of a first line can hold a dateline.
_HEAD = 300


def _clean_head(line: str) -> str:
    """Return ``clean_text(line)[:_HEAD]``, cleaning no more of a long line than it takes.

    Cleaning a prefix of a line gives a prefix of the cleaned line, so a long enough one is it.
    """
    # A little more than _HEAD characters, as cleaning may take some white space out.
    head = clean_text(line[: _HEAD + 60])
    if len(head) < _HEAD and len(line) > _HEAD + 60:
        head = clean_text(line)
    return head[:_HEAD]


def find_dateline(text: str | None) -> Dateline | None:
    """Return the dateline that opens a body, or ``None``.

    In: the body's first paragraph as plain text (only its first line is read).
    Out: ``Dateline(text, place, date_text, agency)`` with every part as printed: ``text`` is the
    whole dateline up to and including its dash (``MADRID, 24 Oct. (EUROPA PRESS) -``),
    ``agency`` the name in parentheses. A dateline without an agency needs a date or a place in
    capitals (``WASHINGTON —``), so an ordinary sentence is never taken for one; the agency in
    parentheses must be one :mod:`normalize.agencies` knows. Never raises.
    """
    if not text or not isinstance(text, str):
        return None
    line = _clean_head(text.lstrip().partition("\n")[0])
    match = _DATELINE.match(line)
    if not match:
        return None
    place, date = match.group("place"), match.group("date")
    agency = match.group("agency") or match.group("lead")
    if agency is not None:
        agency = agency.strip()
        # The parentheses are the agency's own slot: a whole known name counts in any case
        # (Keystone-ATS prints "GENÈVE (ats) -").
        if not is_agency(agency) and find_agency_match(agency) is None:
            return None
    if date is not None:
        date = date.strip()
        if not _is_date(date):
            # "RICHMOND, Virginia (dpa) -", "WASHINGTON, D.C. (AP) —": a region, not a date.
            if not _PLACE_PATTERN.fullmatch(date) or not _is_place(date):
                return None
            place, date = f"{place}, {date}", None
    if not _is_place(place):
        return None
    if agency is None and date is None and not _is_upper(place):
        return None
    return Dateline(text=match.group(0).strip(), place=place, date_text=date, agency=agency)


# --- agency lines ------------------------------------------------------------------------------

# Labels before the agency in a closing line, in the six languages.
_SOURCE_LABEL = re.compile(
    r"^(?:sources?|fuentes?|quellen?|fontes?|fonti|"
    r"con\s+(?:informaci[oó]n(?:es)?|info|informes|datos)\s+de(?:\s+la|\s+las|\s+los)?|"
    r"con\s+informazioni\s+(?:di|dell[ao']|da)|"
    r"com\s+informa[cç][oõ]es\s+(?:de|da|do|das|dos)|"
    r"avec\s+(?:l['’])?|with|mit\s+material\s+(?:von|der|des)|mit|con|com|"
    r"informa(?:ción|tion|zioni|ções)\s*:)"
    r"\s*:?\s*(?P<rest>.+?)\s*\.?$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\s*(?:©|\(c\))?)\s*(?P<rest>.+?)\s*\.?$",
                        re.IGNORECASE)
_AGENCY_JOINERS = re.compile(r"\s*(?:/|,|;|&|\+)\s*|\s+(?:and|y|e|et|und|ed)\s+", re.IGNORECASE)
_YEAR = re.compile(r"(?:^|\s)\d{4}(?:\s*[-–]\s*\d{4})?(?=\s|$)")


def _printed_agency(rest: str) -> str | None:
    """If ``rest`` names only agencies (``(EUROPA PRESS)``, ``EFE y Reuters``), return the first
    as printed (without parentheses); else ``None``."""
    core = rest.strip()
    if core.startswith("(") and core.endswith(")"):
        core = core[1:-1].strip()
    first = None
    for part in _AGENCY_JOINERS.split(core):
        part = _YEAR.sub("", part).strip().strip("()").strip()
        if not part:
            continue
        if not is_agency(part):
            return None
        first = first or part
    return first


def parse_agency_line(line: str | None) -> tuple[str, str] | None:
    """Return ``(credit as printed, agency as named)`` when ``line`` is a closing agency line.

    ``Source: (EUROPA PRESS)`` -> ``("(EUROPA PRESS)", "EUROPA PRESS")``; ``(c) dpa`` ->
    ``("(c) dpa", "dpa")``; ``Con información de EFE`` -> ``("EFE", "EFE")``. The label is not
    part of the credit; a copyright mark is. A line that names anything besides agencies
    ("Fuente: Ministerio de Sanidad") is not an agency line: ``None``. Never raises.
    """
    if not line or not isinstance(line, str):
        return None
    return _read_agency_line(clean_text(line))


def _read_agency_line(text: str) -> tuple[str, str] | None:
    """:func:`parse_agency_line` for a line already cleaned with :func:`clean_text`."""
    if not text or len(text) > 120:
        return None
    if text.startswith("(") and text.endswith(")") and "(" not in text[1:-1]:
        inner = text[1:-1].strip()
        labelled = _SOURCE_LABEL.match(inner)
        if labelled:
            agency = _printed_agency(labelled.group("rest"))
            return (labelled.group("rest"), agency) if agency else None
        agency = _printed_agency(inner)
        return (text, agency) if agency else None
    for pattern, keep_mark in ((_COPYRIGHT, True), (_SOURCE_LABEL, False)):
        match = pattern.match(text)
        if match:
            agency = _printed_agency(match.group("rest"))
            if agency:
                return (text.rstrip(".").strip() if keep_mark else match.group("rest"), agency)
    agency = _printed_agency(text.rstrip("."))
    return (text.rstrip("."), agency) if agency else None


_CONTAINER_CLOSE = re.compile(r"(?:\s*</(?:div|section|article|main|body|html)\s*>)+\s*$",
                              re.IGNORECASE)
# A tag's attributes are read up to the next "<" as well as ">": sanitized HTML escapes both
# inside attribute values, so no tag holds one, and a "<" that opens no tag ("<a<a<a...", a
# text body) then costs one character, not a scan to the end of the window from each "<"
# (which made a hostile 4 kB window cost ~0.1 s).
_EMPTY_PARAGRAPHS = re.compile(
    r"(?:\s*<p\b[^<>]*>(?:\s|&nbsp;|&#160;|&#xa0;|\u00a0|<br\s*/?>)*</p>)+\s*$", re.IGNORECASE
)
_P_OPEN = re.compile(r"<p\b[^<>]*>", re.IGNORECASE)
_P_CLOSE = re.compile(r"</p\s*>\s*$", re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Where a line starts when the body's last line is not its own paragraph.
_LINE_BREAK = re.compile(
    r"<br\s*/?>|\n|</(?:p|div|li|h[1-6]|blockquote|figure|figcaption|ul|ol|table|section)\s*>|"
    r"<(?:p|div|li|h[1-6]|blockquote|section)\b[^<>]*>",
    re.IGNORECASE,
)
_VOID = {"br", "img", "hr", "wbr"}


_OPEN_TAG = re.compile(r"<([A-Za-z][\w-]*)[^<>]*?(?<!/)>")
_CLOSE_TAG = re.compile(r"</([A-Za-z][\w-]*)\s*>")


def _balanced_markup(fragment: str) -> bool:
    if "<" not in fragment:
        return True
    opened = [t.lower() for t in _OPEN_TAG.findall(fragment)]
    closed = [t.lower() for t in _CLOSE_TAG.findall(fragment)]
    return sorted(t for t in opened if t not in _VOID) == sorted(closed)


# An agency line is short: only the body's last few kilobytes are searched, so a long body costs
# no more than a short one (a last paragraph longer than this is no agency line anyway).
_WINDOW = 4096
# A body closes with one agency line, sometimes two or three ("Fuente: EFE" then "(c) dpa").
# Each one taken copies the body once, so a body of a million of them cost minutes: past this
# many the rest stay in the body, and the work is bounded by a few copies of it.
_MAX_AGENCY_LINES = 8


def _cut_last_line(html: str) -> tuple[str, str] | None:
    """Return ``(html without its last line, that line's markup)``, or ``None``."""
    cut_at = max(0, len(html) - _WINDOW)
    found = _cut_in_window(html[cut_at:], whole=cut_at == 0)
    return (html[:cut_at] + found[0], found[1]) if found else None


# The end-anchored patterns above only ever match the last few hundred characters; searching
# from there instead of from the start of the window saves a scan of every position.
_TAIL = 1024


def _search_tail(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.search(text, max(0, len(text) - _TAIL))


_ONE_CONTAINER_CLOSE = re.compile(r"</(?:div|section|article|main|body|html)\s*>", re.IGNORECASE)


def _split_container_close(html: str) -> tuple[str, str]:
    """Return ``(html, closing tags)``: the trailing ``</div></section>``... and the white space
    around them split off, as ``_search_tail(_CONTAINER_CLOSE, html)`` would (``""`` if none).

    Read from the end, one closing tag at a time: a regex searched from the tail tries every
    position of it, which cost more than the rest of the agency-line search together.
    """
    start = None
    end = len(html.rstrip())
    while True:
        last = html.rfind("</", 0, end)  # a closing tag holds no other "<"
        if last < 0 or not _ONE_CONTAINER_CLOSE.fullmatch(html, last, end):
            break
        start = end = len(html[:last].rstrip())
    if start is None:
        return html, ""
    if start < len(html) - _TAIL:  # a run longer than the tail: what the tail search finds
        closers = _search_tail(_CONTAINER_CLOSE, html)
        start = closers.start() if closers else len(html)
    return html[:start], html[start:].strip()


def _may_end_in_empty_paragraph(html: str) -> bool:
    """Whether ``html`` can end in an empty paragraph: in ``</p>`` right after a tag or an
    entity (a cheap test that spares most bodies the tail search)."""
    end = len(html.rstrip()) - 4
    if end < 0 or html[end: end + 4].lower() != "</p>":
        return False
    while end and html[end - 1].isspace():
        end -= 1
    return end > 0 and html[end - 1] in ">;"


def _last_paragraph_open(html: str) -> re.Match[str] | None:
    """Return the last ``<p ...>`` tag that a scan of the whole ``html`` finds, or ``None``.

    A tag ends at the first ``>`` after its ``<p``, so no tag spans a point just after a ``>``
    and a scan started there finds the same tags as one started at the beginning: the scan
    starts at the ``>`` before the last ``<p``, and goes back further only if that finds none.
    """
    end = len(html)
    while end > 0:
        candidate = max(html.rfind("<p", 0, end), html.rfind("<P", 0, end))
        if candidate < 0:
            return None
        start = html.rfind(">", 0, candidate) + 1
        last = None
        for last in _P_OPEN.finditer(html, start, end):
            pass
        if last is not None:
            return last
        end = start
    return None


def _cut_in_window(html: str, whole: bool) -> tuple[str, str] | None:
    core, tail = _split_container_close(html)
    if _may_end_in_empty_paragraph(core):
        empties = _search_tail(_EMPTY_PARAGRAPHS, core)
        if empties:
            core = core[: empties.start()]
    core = core.rstrip()
    if not core:
        return None
    # A closing </p> holds no other "<", so only the last "</" can start one (the tail search
    # this replaces looked no further back than _TAIL).
    p_close = _P_CLOSE.match(core, max(core.rfind("</"), len(core) - _TAIL, 0))
    if p_close:
        start = _last_paragraph_open(core)
        if start is None:
            return None
        inner = core[start.end(): p_close.start()]
        breaks = list(_BR.finditer(inner)) if "<" in inner else []
        if breaks:  # "<p>...<br>Quelle: dpa</p>": only the part after the last <br> goes
            last = breaks[-1]
            line = inner[last.end():]
            head = core[: start.end()] + inner[: last.start()].rstrip() + "</p>"
        else:
            line, head = inner, core[: start.start()]
    else:
        cuts = list(_LINE_BREAK.finditer(core))
        cut = cuts[-1] if cuts else None
        line = core[cut.end():] if cut else core
        if cut is None:
            if not whole:
                return None  # the line starts before the window: far too long
            head = ""
        elif cut.group(0).startswith(("<br", "<BR", "<Br", "\n")):
            head = core[: cut.start()]  # the break goes with the line it introduced
        else:
            head = core[: cut.end()]  # a block boundary stays
    if not _balanced_markup(line):
        return None
    return head.rstrip() + tail, line


def split_agency_line(body_html: str) -> tuple[str, str | None, str | None]:
    """Take the closing agency line out of a body.

    In: the body's HTML (plain text works too: its last line is read). Out: ``(html, credit,
    agency)``: the HTML without the trailing paragraph or line that is only an agency line (the
    rest of the markup untouched), the credit as printed (``(EUROPA PRESS)``) and the agency as
    named there (``EUROPA PRESS``). When several agency lines close the body they go (up to
    eight), and the last one printed is returned. With no agency line: ``(body_html, None, None)``. Never raises.
    """
    html = body_html if isinstance(body_html, str) else ""
    credit = agency = None
    for _ in range(_MAX_AGENCY_LINES):
        cut = _cut_last_line(html)
        if cut is None:
            break
        head, line = cut
        text = html_to_text(line)  # cleaned already: no second clean_text
        if not text or "\n" in text:
            break
        found = _read_agency_line(text)
        if found is None:
            break
        if credit is None:
            credit, agency = found
        html = head
    return html, credit, agency
