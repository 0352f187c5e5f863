"""Dates on article pages: as declared (``datetime`` attributes, meta tags, JSON-LD) and as
printed (``6 avril 2023``, ``Erschienen am: 01.11.2023``, a date heading the text), with the
labels that tell a publication date from an update."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from lxml import etree

from normalize.months import PAGE_MONTHS
from normalize.text import _iso_datetime, clean_text, parse_date
from normalize.page.dom import (_BLOCK_CHILD, _first, _first_element, _names, _text,
                                _xpath)
from normalize.page.standfirst import _is_standfirst
from normalize.page.headings import _is_logo

_MONTH = r"([^\W\d_]{3,12})\.?"
# "05:22 pm", "12:00 A. M.": a twelve-hour clock's half of the day.
_TIME = r"(?:\D{0,8}?(\d{1,2})[:h.](\d{2})(?:\s?([aApP])\.?\s?[mM]\.?(?!\w))?)?"
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})(?:\.|st|nd|rd|th)?(?:\s+de)?\s+" + _MONTH + r"(?:\s+de)?,?\s+(\d{4})" + _TIME)
_MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME)
# "28.09.19" printed in one span and "12:44" in the next read as one text: "28.09.1912:44" is
# a two-digit year and a time, not 1912.
# "4. 2. 2022": German pages may space the parts.
_NUMERIC = re.compile(r"\b(\d{1,2})[./] ?(\d{1,2})[./] ?(\d{4})(?![:h]\d{2})" + _TIME)
# "2020年07月12日", "2020년 7월 12일", "2020/07/12", "2020. 7. 12.": the year first, as CJK
# pages (and Hungarian, Lithuanian) print it; the month always comes before the day.
_YEAR_FIRST = re.compile(r"(?<![\d.])(\d{4})(?:\s*[年년]\s*|[./] ?)(\d{1,2})(?:\s*[月월]\s*|[./] ?)"
                         r"(\d{1,2})(?![\d/])(?:\s*[日일])?" + _TIME)
# "19.10.19, 08:16 Uhr", "31.10.23": a two-digit year, day first as with four digits.
_NUMERIC_SHORT = re.compile(r"(?<![\d./])(\d{1,2})[./](\d{1,2})[./](\d{2})(?![\d./])" + _TIME)
# "18-03-08 23:16", "19/09/07": Chinese, Japanese and Korean pages put a two-digit year first
# too, so a line in their scripts reads one so (year, month, day).
_SHORT_YEAR_FIRST = re.compile(r"(?<![\d./:-])(\d{2})[-./](\d{1,2})[-./](\d{1,2})(?![\d./:-])"
                               + _TIME)
_CJK_TEXT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?")


# "2016-05-14T16:34+5.30" (India Today's): a clock's offset of one-digit hours or a dot.
_LOOSE_OFFSET = re.compile(r"([T ]\d{1,2}:\d{2}\S*?[+-])(\d)?(\d)[.:](\d{2})$")


def _parse_declared_date(value) -> datetime | None:
    """A date as a page declares it (a ``datetime`` attribute, a meta tag, JSON-LD), in UTC.

    A value at midnight of its own zone is a calendar day: CMSes write a date-only field as
    local midnight, and "2022-01-28T00:00:00+01:00" is the 28th, not 23:00 UTC on the 27th. It
    is kept as midnight UTC of its own day, as a date without a time is.
    """
    if not isinstance(value, str):
        return None
    value = _LOOSE_OFFSET.sub(lambda m: f"{m[1]}{m[2] or 0}{m[3]}:{m[4]}", value.strip())
    try:
        # Padded as parse_date pads it: "2022-5-5T00:00:00+02:00" is a calendar day too.
        local = _iso_datetime(value)
    except ValueError:
        local = None
    if local is not None and local.tzinfo is not None and local.utcoffset() \
            and (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return datetime(local.year, local.month, local.day, tzinfo=timezone.utc)
    return parse_date(value)


# A date and time as content systems write them in meta tags and JSON-LD, with or without its
# offset ("2022-05-10T23:35:55", "2022-5-5 22:17:36", "2022-05-11T04:10:00-03:00").
_DECLARED_CLOCK = re.compile(r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}"
                             r"(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?(?![\d:])")


def declared_clock(root) -> dict[datetime, datetime]:
    """The instants the page's declared dates stand for where they were read in the wrong zone:
    a value written without an offset (read as UTC) or with ``Z``, keyed by that reading.

    Content systems write one local time with its offset in one field and without it (or with
    a ``Z``) in another (El País Uruguay: JSON-LD's ``"dateModified": "2022-05-11T4:10:00"``
    beside ``2022-05-11T04:10:00-03:00`` in a meta tag). A wall-clock time written both ways
    gives the page's offset, and every value written without one is then local time, unless
    another value states the bare clock's UTC reading as its instant: then the offset was
    written to a UTC clock (amp.dev's JSON-LD ``17:10:46-07:00`` beside ``17:10:46+00:00`` and
    ``<time datetime="...10:10:46-07:00">``). The same clock with ``Z`` and with an offset is
    either slip: the ``Z`` is put right only when a third value states the instant the offset
    gives. Midnight stays a calendar day (:func:`_parse_declared_date`). Empty when nothing
    tells the zone or the values disagree."""
    texts, referees = [], []
    for el in root.iter("meta", "script", "time"):  # one walk of the tree
        if el.tag == "meta":
            texts.append(el.get("content") or "")
        elif el.tag == "time":
            referees.append(el.get("datetime") or "")
        elif (el.get("type") or "").lower() == "application/ld+json":
            texts.append(el.text or "")
    naive, zero, zoned = set(), set(), {}
    stated: dict[datetime, set[datetime]] = {}  # an instant (UTC, naive) -> the clocks giving it
    for text, declared in [(t, True) for t in texts] + [(t, False) for t in referees]:
        for match in _DECLARED_CLOCK.finditer(text):
            try:
                moment = _iso_datetime(re.sub(r"[T ](\d):", r"T0\1:", match.group(0))
                                       .replace(" ", "T"))
            except ValueError:
                continue
            wall = moment.replace(tzinfo=None)
            if moment.tzinfo is not None:
                clock = wall.replace(microsecond=0)
                stated.setdefault(clock - moment.utcoffset(), set()).add(clock)
            if not declared or (wall.hour, wall.minute, wall.second, wall.microsecond) == (0,) * 4:
                continue
            if moment.tzinfo is None:
                naive.add(wall)
            elif not moment.utcoffset():
                zero.add(wall)
            else:
                zoned[wall.replace(microsecond=0)] = moment.utcoffset()

    def others(instant: datetime, clock: datetime) -> bool:
        return any(c != clock for c in stated.get(instant, ()))

    offsets, zero_fixed = set(), set()
    for wall in naive | zero:
        clock = wall.replace(microsecond=0)
        offset = zoned.get(clock)
        if offset is None or others(clock, clock):
            continue
        if wall in zero:
            if not others(clock - offset, clock):
                continue
            zero_fixed.add(wall)
        offsets.add(offset)
    if len(offsets) != 1:
        return {}
    [offset] = offsets
    return {w.replace(tzinfo=timezone.utc): (w - offset).replace(tzinfo=timezone.utc)
            for w in naive | zero_fixed}


def _parse_text_date(text: str) -> datetime | None:
    """A date as pages print it ("6 avril 2023", "April 6, 2023", "06.04.2023 14:30")."""
    iso = _ISO_DATE.search(text)
    if iso:
        return parse_date(iso.group(0).replace(" ", "T"))
    short = (_SHORT_YEAR_FIRST, "yy") if _CJK_TEXT.search(text) else (_NUMERIC_SHORT, "num")
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy"), (_NUMERIC, "num"),
                           (_YEAR_FIRST, "ymd"), short):
        match = pattern.search(text)
        if not match:
            continue
        if order == "dmy":
            day, month, year = (match.group(1), PAGE_MONTHS.get(match.group(2).lower()),
                                match.group(3))
        elif order == "mdy":
            month, day, year = (PAGE_MONTHS.get(match.group(1).lower()), match.group(2),
                                match.group(3))
        elif order == "num":
            day, month, year = match.group(1), int(match.group(2)), match.group(3)
            if month > 12 >= int(day):
                # "11/28/2016": no month 28, so the American order, month first.
                day, month = match.group(2), int(match.group(1))
            if len(year) == 2:
                year = 2000 + int(year)
        else:
            year, month, day = match.group(1), match.group(2), match.group(3)
            year = 2000 + int(year) if order == "yy" else year
        hour, minute = int(match.group(4) or 0), int(match.group(5) or 0)
        if match.group(6) and hour <= 12:
            hour = hour % 12 + (12 if match.group(6).lower() == "p" else 0)
        try:
            return datetime(int(year), int(month or 0), int(day), hour, minute,
                            tzinfo=timezone.utc)
        except (TypeError, ValueError):
            continue
    return None


#: Words that label a printed date as the article's publication ("Erschienen am: 01.11.2023").
_PUBLISHED_LABEL = re.compile(
    r"\b(?:first published|published|posted|created|erschienen|veröffentlicht|publiziert|"
    r"erstellt|publié|publicad[oa]|pubblicat[oa]|publicerad|publisert|gepubliceerd|julkaistu|"
    r"geplaatst|udgivet|opublikowano|publikováno|publikované|publicat|objavljeno|megjelent|"
    r"diterbitkan|dipublikasikan|yayınlanma(?: tarihi)?|yayın tarihi|опубликовано|"
    r"опубліковано|публикувано|δημοσιεύθηκε|δημοσίευση|تاريخ النشر|نشر في)"
    r"(?:\s+(?:on|am|le|el|em|il|op|den|på|dnia|dne))?\s*:?\s*", re.I)
#: Words that label a printed date as the last edit ("Letzte Änderung: 31.10.2023").
_UPDATED_LABEL = re.compile(
    r"\b(?:updated|last modified|modified|mis à jour|modifié|aktualisiert|geändert|"
    r"letzte änderung|actualizad[oa]|actualización|aggiornat[oa]|atualizad[oa]|bijgewerkt|"
    r"päivitetty|uppdaterad|oppdatert|opdateret|laatste update|aktualizacja|zaktualizowano|"
    r"aktualizováno|aktualizované|actualizat|ažurirano|frissítve|diperbarui|güncellenme|"
    r"güncellendi|обновлено|оновлено|актуализирано|ενημερώθηκε|آخر تحديث|تم التحديث)\b", re.I)


#: No web page was published before this year: an older printed date near the headline is a
#: birth date or a date in the story (htmldate has the same floor).
_FIRST_YEAR = 1995


def _printed_date(text: str) -> datetime | None:
    """The publication date a short printed line gives: the one after a publication label,
    else its date unless the line labels it as an update ("Updated June 13, 2019")."""
    found = _printed_any_date(text)
    return found if found is None or found.year >= _FIRST_YEAR else None


def _printed_any_date(text: str) -> datetime | None:
    label = _PUBLISHED_LABEL.search(text)
    if label:
        found = _parse_text_date(text[label.end():label.end() + 60])
        if found:
            return found
    update = _UPDATED_LABEL.search(text)
    digit = re.search(r"\d", text)
    if update and digit and update.start() < digit.start():
        return None
    return _parse_text_date(text)


def _labelled_date(areas) -> datetime | None:
    """A date printed just after a publication label at the start of a line of ``areas`` (many
    pages print "Letzte Änderung: ..." and "Erschienen am: ..." with no markup to tell them
    apart; htmldate takes the first)."""
    for area in areas:
        strings = [s for s in _xpath(".//text()[normalize-space()]")(area)
                   if s.getparent().tag not in ("script", "style", "noscript")]
        for i, string in enumerate(strings):
            if len(string) > 200:
                continue
            for label in (_PUBLISHED_LABEL.search(string), _VERB_LAST_LABEL.search(string)):
                if label is None or len(string[:label.start()].strip()) > 20:
                    continue
                following = (string[label.end():] + " " + " ".join(strings[i + 1:i + 4])).strip()
                if following[:1] in ".!?;,)":  # "... wurde heute veröffentlicht." ends a sentence
                    continue
                found = _parse_text_date(following[:40])
                if found and label.re is not _PUBLISHED_LABEL:
                    # The verb comes after the date and its time, a few strings on.
                    further = (string[label.end():] + " " + " ".join(strings[i + 1:i + 6]))
                    if not _PUBLISHED_VERB.match(_AFTER_DATE.sub("", " ".join(further.split()))):
                        continue
                if found and not _in_comment(string.getparent()):  # ("Posted on" too)
                    return found
    return None


#: German puts the verb last: "Dieser Eintrag wurde am 19. Mai 2010 um 23:03 Uhr
#: veröffentlicht" (the German wording of WordPress's "This entry was posted on ...").
_VERB_LAST_LABEL = re.compile(r"\bwurden?\s+am\s*", re.I)
_PUBLISHED_VERB = re.compile(r"\s*(?:veröffentlicht|gepostet|erschienen|publiziert|geschrieben|"
                             r"verfasst|eingestellt)\b", re.I)
#: The date and time the verb follows ("Mittwoch, 19. Mai 2010 um 23:03 Uhr").
_AFTER_DATE = re.compile(r"^[^\d]{0,20}?\d[\d.\s]*(?:[^\W\d_]+\.?\s+\d{4})?"
                         r"(?:\s*(?:um\s*)?\d{1,2}[:.]\d{2}(?:\s*Uhr)?)?")


# "29.11.2022 – Text", "(21. November 2022) Text": a date heading the first paragraph; a press
# release's place may come first ("Karlsruhe, (12.11.2021). Text").
_LEADING_DATE = re.compile(r"\s*(?:(?:[^\W\d_][\w.\- ]{1,24},\s*)?\((?P<inside>[^()]{6,32})\)"
                           r"|(?P<before>[^–—|:()]{6,32}?)\s*(?:[–—|:]|\s-)(?=\s))")


def _leading_date(blocks: list) -> datetime | None:
    """The date that heads the first paragraph of the text (a date line without a place, which
    :func:`normalize.datelines.find_dateline` leaves), or ``None``."""
    for block in blocks[:4]:
        text = _text(block)
        match = _LEADING_DATE.match(text[:80])
        head = match and (match.group("inside") or match.group("before"))
        if head and re.search(r"\d{4}", head) and len(head.split()) <= 4:
            found = _parse_text_date(head)
            if found:
                return found
        # The text may open with the headline repeated, a kicker or the byline ("Von X")
        # before the first paragraph that the date heads; that paragraph ends the search.
        if block.tag not in _HEADINGS and len(text) >= _META_LINE_CHARS:
            return None
    return None


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


_DATE_CLASSES = ("date", "fecha", "datum", "data", "time", "publi", "posted")
#: A dated box so named shows the clock (the day the page is read), not the article's day.
_CLOCK_CLASSES = ("current", "today", "heute", "clock")


def _in_comment(el) -> bool:
    """Whether ``el`` is in a reader's comment (not a page whose <html> "has-comments")."""
    return any("comment" in _names(a) for a in (el, *el.iterancestors())
               if a.tag not in ("html", "body"))


def _page_times(root) -> list:
    """The ``<time datetime>`` elements of ``root``, each with its ancestors, read before the
    chrome goes: an article's meta line often sits in a box named like chrome (``<aside
    class=meta>``, ``<div class=footer>``), which :func:`_find_date` no longer sees."""
    found = []
    for t in _xpath(".//time[@datetime]")(root):
        if not _in_comment(t):  # a reader's comment is dated too, in the article on many pages
            found.append((t, list(t.iterancestors())))
    return found


def _in_dated_list(time) -> bool:
    """Whether ``time`` dates one item of a list of several dated items (the "more news" list
    beside or under an article): each item's date is its own, not the article's."""
    item = _first_element(a for a in time.iterancestors() if a.tag == "li")
    if item is None or item.getparent() is None:
        return False
    dated = [li for li in item.getparent() if li.tag == "li" and li.find(".//time") is not None]
    return len(dated) >= 2


def _in_teaser(el, scope) -> bool:
    """Whether ``el`` sits in a teaser of another article below ``scope``: a box named
    ``teaser``, or an ``<article>`` inside another (or inside the article's scope) whose
    heading links elsewhere. Its date is that article's."""
    for a in el.iterancestors():
        if a is scope:
            return False
        if "teaser" in _names(a):
            return True
        if a.tag == "article" and _xpath(_LINKED_HEADING)(a) and any(
                b.tag == "article" or b is scope for b in a.iterancestors()):
            return True
    return False


_LINKED_HEADING = ".//h2//a[@href]|.//h3//a[@href]|.//h4//a[@href]|.//a[@href][.//h2|.//h3|.//h4]"


#: Words naming a site's header box that is no <header> ("entry-header" is an article's).
_SITE_HEADER_NAMES = frozenset({"header", "site-header", "masthead"})


def _in_site_header(el, scope) -> bool:
    """Whether ``el`` sits in the site's own header outside the article: a ``<header>`` (or
    ``role=banner``, or a box named :data:`_SITE_HEADER_NAMES`) box without a headline, where
    pages print the day's date (and clock) beside the logo."""
    header = False
    for a in el.iterancestors():
        # An article's own header (its meta line under the headline) is no site header.
        if a is scope or a.tag == "article":
            return False
        header = header or ((a.tag == "header" or a.get("role") == "banner"
                             or not _SITE_HEADER_NAMES.isdisjoint(_names(a).split()))
                            and a.find(".//h1") is None)
    return header


def _find_date(root, scope, beyond_scope: bool = True, page_times: list = ()
               ) -> datetime | None:
    """The publication date shown on the page: a ``<time>``, else a dated element's text;
    only inside ``scope`` (when there is one) unless ``beyond_scope``. ``page_times``
    (:func:`_page_times`, before the chrome went) adds the ``<time>`` elements that sat inside
    ``scope`` in a box since removed."""
    areas = [a for a in (scope, root) if a is not None]
    if not beyond_scope and scope is not None:
        areas = [scope]
    for area in areas:
        times = _xpath(".//time[@datetime]")(area)
        if area is scope:
            times += [t for t, ancestors in page_times
                      if t not in times and any(a is scope for a in ancestors)]
        # The site's header shows the day's date in a <time> as often as in a dated box.
        times = [t for t in times if not _in_dated_list(t) and not _in_teaser(t, scope)
                 and not _in_site_header(t, scope)]
        preferred = [t for t in times if t.get("pubdate") is not None
                     or "publish" in _names(t) or "datePublished" in (t.get("itemprop") or "")]
        found = _first(_parse_declared_date(t.get("datetime")) for t in preferred + times)
        if found:
            return found
    for area in areas:
        for el in area.iter(etree.Element):
            if el.tag in ("html", "body", "article", "main"):
                continue
            # A box named as a teaser's date ("default-teaser__date") dates another article.
            names = _names(el)
            if _dated_names(names) and "teaser" not in names and not _in_comment(el) \
                    and not _in_site_header(el, scope) and not _in_teaser(el, scope):
                text = _text(el)
                if len(text) <= 80:
                    found = _printed_date(text)
                    if found:
                        return found
    return None


@functools.lru_cache(maxsize=8192)
def _dated_names(names: str) -> bool:
    """Whether a class and id (:func:`_names`) name a dated box (:data:`_DATE_CLASSES`) that
    is no clock (:data:`_CLOCK_CLASSES`), once per string: :func:`_find_date` asks it of
    every element."""
    return any(w in names for w in _DATE_CLASSES) and not any(w in names for w in _CLOCK_CLASSES)


#: A line around the headline this short is its meta line ("Par X | 30 septembre 2018",
#: "1. Februar 2022 , Daniel Dillenburg"), not a sentence of the text.
_META_LINE_CHARS = 80
#: The lines around the headline read for its meta line.
_META_LINES = 12


def _date_by_headline(root, scope, axes: tuple[str, ...] = ("following", "preceding"),
                      title: str | None = None, updates: bool = True) -> datetime | None:
    """The date of the short lines just after (else just before) the page's first ``<h1>``,
    up to the first line of prose: where pages print the meta line with no markup naming it.
    A page without an ``<h1>`` has its headline in the ``<h2>`` or ``<h3>`` that reads
    ``title``. The standfirst printed under the headline is passed over. A meta line that
    gives only its last update gives that day when no line gives another. ``axes=("following",)``
    reads only the lines after it (on the page before the chrome goes, whose header lines
    before the headline still carry the day's date)."""
    # The article's own <h1>, else the page's (the site's logo set as an <h1> heads the page's
    # header, beside the day's date).
    # (an empty <h1> is no headline: a menu's placeholder)
    headline = _first_element(h for area in (scope, root) if area is not None
                              for h in area.iter("h1")
                              if _text(h) and not _is_logo(h, _text(h), []))
    if headline is None and title:
        # A page without an <h1> sets its headline in a lower heading.
        headline = _first_element(h for h in root.iter("h2", "h3") if _text(h) == title)
    if headline is None:
        return None
    # A headline inside the article has its meta line there too; the lines before the
    # article are the page's header (its date is the day's, not the article's).
    inside = scope is not None and any(a is scope for a in headline.iterancestors())
    updated = None
    for axis in axes:
        # Wrappers around the meta line's parts fill the nearest elements: the window counts
        # the lines read, not the boxes passed.
        near = _xpath(f"{axis}::*[position() <= {4 * _META_LINES}]")(headline)
        lines, standfirst, line = 0, None, None
        for el in (near if axis == "following" else reversed(near)):
            if inside and axis == "preceding" and not any(a is scope for a in el.iterancestors()):
                break
            if el.tag in ("script", "style") or _xpath(_BLOCK_CHILD)(el) \
                    or _in_comment(el) \
                    or (axis == "preceding" and _in_site_header(el, scope)) \
                    or (standfirst is not None and standfirst in el.iterancestors()):
                continue
            # The parts of a line just read (a kicker and headline in the spans of an <h2>)
            # were read with it: they are no further lines.
            if axis == "following" and line is not None and line in el.iterancestors():
                continue
            # Parts set apart by markup alone ("News24<br>13 Jan 2020") stay apart.
            text = clean_text(" ".join(el.itertext()))
            if el.tag in _HEADINGS and title and title in text:
                line = el  # the headline again, set with its kicker: no line of prose
                continue
            if len(text) > _META_LINE_CHARS:
                # The standfirst under the headline comes before the meta line on many pages
                # (its paragraph may sit in the box so named).
                if axis == "following" and standfirst is None and lines <= 2 and any(
                        b is not None and _is_standfirst(b, title) for b in (el, el.getparent())):
                    standfirst = el
                    continue
                break
            line = el
            lines += bool(text)
            if lines > _META_LINES:
                break
            found = _printed_date(text) if text else None
            if found:
                return found
            if updates and text and updated is None and _UPDATED_LABEL.search(text):
                updated = _printed_any_date(text[_UPDATED_LABEL.search(text).end():])
    # A meta line that gives only its last update ("Updated: Jan 23, 2020") gives the day
    # the article was last seen new: nearer than any other date on the page.
    return updated if updated is None or updated.year >= _FIRST_YEAR else None


#: The stems of :data:`_UPDATED_LABEL`'s words, looked for before it is.
_UPDATE_STEMS = ("updat", "modifi", "mis à jour", "aktualis", "geändert", "änderung", "actualiz",
                 "aggiornat", "atualizad", "bijgewerkt", "päivitetty", "uppdaterad", "oppdatert",
                 "opdateret", "aktualiz", "ažurirano", "frissítve", "diperbarui", "güncellen",
                 "обновлено", "оновлено", "актуализирано", "ενημερώθηκε", "تحديث")
#: The short texts after the page's first <h1>, where its date box stands.
_SHORT_STRINGS = etree.XPath("(//h1)[1]/following::text()[position() <= 80]"
                             "[string-length() <= 160][not(parent::script|parent::style)]")
#: The most text of a date box printing the publication and the update apart.
_BOX_CHARS = 160


def first_of_updated_box(root) -> tuple[datetime, datetime] | None:
    """The publication and the update a date box prints apart ("Jan. 5, 2021, 9:23 PM UTC /
    Updated Jan. 6, 2021, 12:34 AM UTC") after the headline: the date before the update's
    label (or after a publication label) and the one after it; the first box that has both."""
    for string in _SHORT_STRINGS(root):
        if not any(map(string.lower().__contains__, _UPDATE_STEMS)) \
                or not _UPDATED_LABEL.search(string) \
                or string.getparent() is None or _in_comment(string.getparent()):
            continue
        box = string.getparent()
        while box is not None and len(_text(box)) <= _BOX_CHARS:
            text = clean_text(" ".join(box.itertext()))
            label = _UPDATED_LABEL.search(text)
            if label is not None:
                first = _printed_any_date(text[:label.start()])
                update = _parse_text_date(text[label.end():label.end() + 60])
                if first and update and first < update and first.year >= _FIRST_YEAR:
                    return first, update
            box = box.getparent()
    return None


#: How far a printed calendar day may lie from the UTC instant it shows: the page prints the
#: local day, and zones run from 12 hours behind UTC to 14 ahead.
_ZONES_BEHIND, _ZONES_AHEAD = timedelta(hours=12), timedelta(hours=14)


def shows_clock(instant: datetime, printed: datetime) -> bool:
    """Whether ``printed`` (local time read as UTC) may show ``instant`` in some zone."""
    apart = instant.replace(second=0, microsecond=0) - printed
    return -_ZONES_AHEAD <= apart <= _ZONES_BEHIND and apart % timedelta(minutes=15) == \
        timedelta(0)


def shows_day(instant: datetime, printed: datetime) -> bool:
    """Whether ``instant`` may be printed as the calendar day of ``printed`` in some zone."""
    day = datetime(printed.year, printed.month, printed.day, tzinfo=timezone.utc)
    return day - _ZONES_AHEAD <= instant < day + timedelta(days=1) + _ZONES_BEHIND


def printed_declaration(declared: list[datetime], printed: datetime | None) -> datetime | None:
    """Of publication dates declared on different days, the earliest one the page prints
    (``printed``, the date of its meta line), or ``None``: a page that declares its first
    publication in one field and a republication in another shows the one it stands by."""
    if printed is None:
        return None
    return min((d for d in declared if shows_day(d, printed)), default=None)


def _same_day_instant(chosen: datetime | None, *others: datetime | None) -> datetime | None:
    """``chosen``, or the first of ``others`` on its day that has a time of day: a printed
    date gives the day, often without its time or with the local time read as UTC, where a
    ``<time datetime>`` or a meta tag of the same day gives the instant (of its time if any)."""
    if chosen is None:
        return None
    for other in others:
        if other is not None and (other.hour, other.minute, other.second) != (0, 0, 0) and (
                shows_day(other, chosen) if not (chosen.hour or chosen.minute)
                else other.date() == chosen.date() and shows_clock(other, chosen)):
            return other
    return chosen


#: Languages read almost only in Central European Time (not fr, es, pt, en: spoken on other
#: continents too).
_CENTRAL_EUROPEAN = {"de", "it", "nl", "pl", "cs", "sk", "hu", "da", "sv", "no", "nb", "nn",
                     "hr", "sl", "sr", "bs", "lb"}


def _central_european_offset(moment: datetime) -> timedelta:
    """The offset of Central European time at a UTC instant: +2h from the last Sunday of March
    to the last Sunday of October, 01:00 UTC (the EU rule), else +1h (no tz database needed)."""
    def last_sunday(month: int) -> datetime:
        day = datetime(moment.year, month, 31, 1, tzinfo=timezone.utc)
        return day - timedelta(days=(day.weekday() + 1) % 7)
    summer = last_sunday(3) <= moment < last_sunday(10)
    return timedelta(hours=2 if summer else 1)


def _calendar_day(published: datetime | None, language: str | None) -> datetime | None:
    """``published``, or the calendar day it stands for: a date-only field kept as local
    midnight and written in UTC ("2022-11-06T23:00:00.000Z", JavaScript's ``toISOString`` of a
    German page's 7 November) is that local day, as a local midnight with its offset is."""
    if published is None or (language or "").split("-")[0] not in _CENTRAL_EUROPEAN:
        return published
    if (published.minute, published.second, published.microsecond) != (0, 0, 0) \
            or published.hour not in (22, 23) or published.utcoffset() != timedelta(0):
        return published
    local = published + _central_european_offset(published)
    if local.hour != 0:
        return published
    return datetime(local.year, local.month, local.day, tzinfo=timezone.utc)


# "/2020/02/17/", "/20200413/", "-2020-06-03-": the day a CMS files the article under.
_URL_DATE = re.compile(r"(?<![\d.])((?:199|20\d)\d)([/_-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])"
                       r"(?![\d.])")


def url_date(url: str | None) -> datetime | None:
    """The calendar day in the path of ``url`` (a year, month and day, in that order), as UTC
    midnight, or ``None``: the day the site filed the article under, its local publication day
    (a last resort: the page's own dates give the instant)."""
    if not url:
        return None
    path = urlsplit(url).path
    match = _URL_DATE.search(path)
    if not match:
        return None
    year, _, month, day = match.groups()
    try:
        return datetime(int(year), int(month), int(day), tzinfo=timezone.utc)
    except ValueError:
        return None
