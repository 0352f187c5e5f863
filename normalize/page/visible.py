"""What the page shows around its text: bylines, printed dates, the headline without the
site's name, and the "By X - 6 April 2023" lines printed above the text."""

from __future__ import annotations

import copy
import html
import re
from urllib.parse import urlsplit
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable

from lxml import etree
from lxml import html as lxml_html

from normalize.bylines import BYLINE_LABEL, parse_byline
from normalize.months import MONTHS
from normalize.text import clean_text, html_to_text, parse_date
from normalize.page.dom import _BLOCK_CHILD, _first, _first_element, _is_element, _names, _text, _tokens
from normalize.page.pictures import _in_picture

if TYPE_CHECKING:  # structured reads bylines with this module's helpers
    from normalize.page.structured import _Fields


# ---------------------------------------------------------------------------------------------
# Bylines and dates in the visible page

# "Redacción Ana Ruiz": a newsroom credit, not a label (normalize.bylines reads "Redacción" as
# the newsroom), but on a page it marks the byline line all the same.
_NEWSROOM_CREDIT = re.compile(r"^redacción\s*[:\-–]?\s+", re.I)
_NAME_JOINERS = re.compile(r"\s*(?:,|&|\band\b|\by\b|\bet\b|\bund\b|\be\b)\s*", re.I)
_NAME_WORD = re.compile(
    r"^[A-ZÀ-ÖØ-Þ][\w.'’-]*$|^(?:de|da|del|van|von|der|di|le|la|dos|das)$")


# JSON-LD "author": "https://site.example/autor/jane/" (its page, not its name), or the site.
_ADDRESS = re.compile(r"^(?:https?://|//|/|www\.)\S*$", re.I)


def _author_list(values: Iterable[str]) -> tuple[str, ...]:
    """Bylines as printed, cleaned of markup and stray separators; an address is no byline.

    Reading them ("By A and B, Rome correspondent") is :mod:`normalize.bylines`' work, which
    :func:`normalize.wire.enrich` applies to every record, so it is not done twice here.
    """
    # Some sites escape their metadata twice ("Redacci&oacute;n").
    texts = (clean_text(html_to_text(v) if "<" in (v or "") else html.unescape(v or ""))
             for v in values)
    names = (t.strip(" |·-–—,") for t in texts)
    return tuple(dict.fromkeys(n for n in names if n and not _ADDRESS.match(n)))


def _is_byline(text: str) -> bool:
    """Whether a line is a printed byline: a label ("By", "Por"...) and then only names."""
    match = BYLINE_LABEL.match(text) or _NEWSROOM_CREDIT.match(text)
    if not match:
        return False
    # Pages also print "By - Jane Doe" / "Por – X": the dash is punctuation, not a name.
    parts = [p for p in _NAME_JOINERS.split(text[match.end():].lstrip("-– ")) if p]
    return bool(parts) and all(_looks_like_name(p) for p in parts)


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words)


def _without_site(authors: tuple[str, ...], site_names: set[str]) -> tuple[str, ...]:
    """Drop the outlet's own name from bylines ("Por Mariana Alves, Portal Exemplo")."""
    if not site_names:
        return authors
    wanted = {name.casefold() for name in site_names}
    kept = []
    for author in authors:
        parts = re.split(r"\s*,\s*|\s+[|–—-]\s+", author)
        at = next((i for i, p in enumerate(parts) if p.casefold() in wanted), None)
        # What follows the outlet's name is where it filed from ("X, BBC News, Washington").
        rest = [p for p in (parts[:at] if at else parts) if p.casefold() not in wanted]
        if len(rest) == len(parts):
            kept.append(author)
        elif rest:
            kept.append(", ".join(rest))
    return tuple(kept)


_AUTHOR_PAGE = re.compile(r"/(?:authors?|autor(?:es|a)?|autori?|auteurs?|signataires|redakteur|"
                          r"journalist[ea]?s?|periodistas?|firmas?|profile)/[^/]+/?$", re.I)
_BYLINE_CLASSES = ("byline", "by-line", "author", "autor", "auteur", "firma", "signature",
                   "writer")
_BYLINE_NOISE = ("bio", "avatar", "image", "img", "photo", "box", "about", "social", "follow")


#: Parts of a class or id name (``comment-author``, ``post-tags``, ``breadcrumbs``) that mark an
#: area of the page whose names are no byline: the comments (each commenter is an "author"
#: there, and the form has an "author" field labelled "Name"), the tag lists and the breadcrumbs.
_NOT_BYLINE_PARTS = {"comment", "comments", "commentlist", "respond", "reply", "replies",
                     "breadcrumb", "breadcrumbs", "tags", "tagcloud", "taglist", "keywords"}
_NOT_BYLINE_PROPS = {"comment", "breadcrumb", "keywords"}
_NAME_PARTS = re.compile(r"[-_]+")


def _is_not_byline_area(el) -> bool:
    """Whether ``el`` is a comment, a tag list or a breadcrumb trail, by its class, id or
    itemprop. A lone ``tag`` part counts only as the whole name or before ``links``, ``list``
    or ``cloud``: WordPress marks a post ``tag-<keyword>`` for each of its tags. The page's
    ``<html>`` and ``<body>`` are never one (``genesis-breadcrumbs-visible`` is a theme's
    setting, not an area)."""
    if el.tag in ("html", "body"):
        return False
    if (el.get("itemprop") or "").lower() in _NOT_BYLINE_PROPS:
        return True
    for name in f"{el.get('class') or ''} {el.get('id') or ''}".lower().split():
        parts = [p for p in _NAME_PARTS.split(name) if p]
        if _NOT_BYLINE_PARTS.intersection(parts):
            return True
        if parts[:1] == ["tag"] and (len(parts) == 1 or parts[1] in ("links", "list", "cloud")):
            return True
    return False


def _in_not_byline_area(el) -> bool:
    """Whether ``el`` or an element around it is a comment, a tag list or a breadcrumb trail."""
    return any(_is_not_byline_area(a) for a in (el, *el.iterancestors()))


def _find_byline(root, scope) -> tuple[str, ...]:
    """Author names from the visible byline: ``rel=author`` links, else a byline element;
    never from the comments, a tag list or the breadcrumbs."""
    unread: tuple[str, ...] = ()
    for area in (scope, root):
        if area is None:
            continue
        # A link's parts apart: "View all posts by<br>Jane Doe" is no "byJane Doe".
        links = [clean_text(" ".join(a.itertext()))
                 for a in area.xpath(".//a[contains(concat(' ',@rel,' '),' author ')]")
                 if not _in_not_byline_area(a)]
        if any(links):
            return _author_list(links)
        # Minified class names say nothing, but a link to the author's page does.
        links = [_text(a) for a in area.xpath(".//a[@href]")
                 if _AUTHOR_PAGE.search(a.get("href")) and _looks_like_name(_text(a))
                 and not _in_picture(a) and not _in_not_byline_area(a)]
        if links:
            return _author_list(links)
        for el in area.iter(etree.Element):
            if not _is_element(el) or el.tag in ("html", "body", "article", "main", "meta"):
                continue
            names = _names(el)
            # The ancestor walk of _in_picture only for the few elements that look like bylines.
            if (el.get("itemprop") == "author" or (
                any(c in names for c in _BYLINE_CLASSES)
                and not any(n in _tokens(el) for n in _BYLINE_NOISE)
            )) and not _in_picture(el) and not _in_not_byline_area(el):
                text = _byline_text(el)
                if text and len(text) <= 120:
                    # A byline box may print only its label or a date ("Publiziert am") with
                    # the name in the next one: the first that names someone wins.
                    if parse_byline(text) != ((), None):
                        return _author_list([text])
                    unread = unread or _author_list([text])
    return unread


def _byline_text(el) -> str:
    """The name part of a byline element (without its date, time or "share" bits)."""
    names = [_text(n) for n in el.xpath(".//*[@itemprop='name']")]
    if names and all(names):
        return ", ".join(names)
    el = copy.deepcopy(el)
    # A post's meta line often holds its categories and tags beside (or instead of) the name.
    for sub in el.xpath(".//time|.//*[contains(@class,'date')]|.//a[contains(@rel,'tag')]"
                        "|.//a[contains(@rel,'category')]"):
        sub.drop_tree()
    text = _text(el)
    return re.split(r"\s[|·•—]\s|\s-\s", text)[0].strip()


_MONTH = r"([^\W\d_]{3,10})\.?"
_TIME = r"(?:\D{0,8}?(\d{1,2})[:h.](\d{2}))?"
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})\.?(?:\s+de)?\s+" + _MONTH + r"(?:\s+de)?,?\s+(\d{4})" + _TIME)
_MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME)
_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})" + _TIME)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?")


def _parse_text_date(text: str) -> datetime | None:
    """A date as pages print it ("6 avril 2023", "April 6, 2023", "06.04.2023 14:30")."""
    iso = _ISO_DATE.search(text)
    if iso:
        return parse_date(iso.group(0).replace(" ", "T"))
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy"), (_NUMERIC, "num")):
        match = pattern.search(text)
        if not match:
            continue
        if order == "dmy":
            day, month, year = match.group(1), MONTHS.get(match.group(2).lower()), match.group(3)
        elif order == "mdy":
            month, day, year = MONTHS.get(match.group(1).lower()), match.group(2), match.group(3)
        else:
            day, month, year = match.group(1), int(match.group(2)), match.group(3)
        hour, minute = match.group(4), match.group(5)
        try:
            return datetime(int(year), int(month or 0), int(day), int(hour or 0),
                            int(minute or 0), tzinfo=timezone.utc)
        except (TypeError, ValueError):
            continue
    return None


_DATE_CLASSES = ("date", "fecha", "datum", "data", "time", "publi", "posted")


def _find_date(root, scope) -> datetime | None:
    """The publication date shown on the page: a ``<time>``, else a dated element's text."""
    areas = [a for a in (scope, root) if a is not None]
    for area in areas:
        times = area.xpath(".//time[@datetime]")
        preferred = [t for t in times if t.get("pubdate") is not None
                     or "publish" in _names(t) or "datePublished" in (t.get("itemprop") or "")]
        found = _first(parse_date(t.get("datetime")) for t in preferred + times)
        if found:
            return found
    for area in areas:
        for el in area.iter(etree.Element):
            if not _is_element(el) or el.tag in ("html", "body", "article", "main"):
                continue
            names = _names(el)
            if any(w in names for w in _DATE_CLASSES):
                text = _text(el)
                if len(text) <= 80:
                    found = _parse_text_date(text)
                    if found:
                        return found
    return None


# "Headline | Site", "Site - Headline", "Headline — Section — Site"
_TITLE_PARTS = re.compile(r"\s+[|–—]\s+|\s+-\s+")


_SITE_SEPARATOR = r"(?:\s*[|\-–—:·•›»/]+\s*)+"


def _strip_site_name(title: str, site_names: Iterable[str | None]) -> str:
    """``title`` without a site name printed after (``| Site``, ``- Site``, ``: Site``,
    ``› site.example``) or before it (``Site // Headline``); unchanged when what would be left
    is not a headline (one word, a few characters, under a quarter of the title)."""
    names = [n.strip() for n in site_names if n and n.strip()]
    # "Headline | DW | 23.05.2011": each end is looked at again once one has gone.
    for _ in range(3):
        before = title
        for name in names:
            # Compiling the two patterns of a name is most of the cost, and the name seldom
            # appears. Between ASCII strings re.I is plain case-insensitivity, so a title that
            # does not contain the name lower-cased cannot match; otherwise (re.I also pairs
            # i/ı, k/K, s/ſ...) the patterns decide.
            if title.isascii() and name.isascii() and name.lower() not in title.lower():
                continue
            escaped = re.escape(name)
            for pattern in (_SITE_SEPARATOR + escaped + r"\s*$",
                            r"^\s*" + escaped + _SITE_SEPARATOR):
                stripped = re.sub(pattern, "", title, flags=re.I).strip()
                if stripped != title.strip() and len(stripped) >= max(8, len(title) // 4) \
                        and len(stripped.split()) >= 2:
                    title = stripped
        if title == before:
            break
    return title


#: Between a headline and the site's name in a <title>: "Headline | Site", "Site - Headline",
#: "Headline : Site", "Headline » Section » Site". A colon right after a word ends only the
#: headline ("Headline: Site"), never a name before it: "Brexit: the vote" starts many headlines
#: of one site, and "Brexit" is no name of it.
_NAME_SEPARATOR = re.compile(r"\s+[|\-–—·•»›/]+\s+|\s*\|\s*|\s+::?\s+")
_TRAILING_COLON = re.compile(r"\s*:\s+")
#: A <title> segment longer than this is a headline, never a site's or a section's name.
_NAME_CHARS = 60


def _ends(title: str) -> tuple[str | None, str | None]:
    """The first and the last segment of a ``<title>`` cut at its separators (``None`` where it
    has none); a colon separates only the last."""
    parts = [p.strip() for p in _NAME_SEPARATOR.split(title)]
    if len(parts) > 1:
        return parts[0] or None, parts[-1] or None
    colon = _TRAILING_COLON.split(title)
    return None, (colon[-1].strip() or None) if len(colon) > 1 else None


def _shared_ends(titles: list[str], position: int | None = None) -> tuple[list[str], int]:
    """The segments that end at least two of ``titles`` and at least half of those that have a
    separator, most frequent first, and ``1``; else those that start them (three and two
    thirds), and ``0``. ``position`` (``0`` or ``1``) looks at that end only."""
    counts: tuple[dict[str, int], dict[str, int]] = ({}, {})  # by first, by last segment
    cased: dict[str, str] = {}
    with_separator = 0
    for title in titles:
        ends = _ends(title)
        with_separator += any(ends)
        for end_position, end in enumerate(ends):
            if end and len(end) <= _NAME_CHARS:
                key = end.casefold()
                counts[end_position][key] = counts[end_position].get(key, 0) + 1
                cased.setdefault(key, end)
    after = [k for k, n in counts[1].items() if n >= 2 and 2 * n >= with_separator]
    # A name before the headline needs more: a topic ("Brexit - ...") starts a run of one
    # site's headlines too, where a shared tail is rarer ("... - live").
    before = [k for k, n in counts[0].items() if n >= 3 and 3 * n >= 2 * with_separator]
    if position == 0 or (position is None and not after):
        found, position = before, 0
    else:
        found, position = after, 1
    return [cased[k] for k in sorted(found, key=lambda k: (-counts[position][k], k))], position


def shared_site_names(titles: Iterable[str | None]) -> list[str]:
    """The site's names found in the ``<title>`` texts of several pages of one host.

    A segment that ends the titles of at least two different pages, and at least half of those
    whose title has a separator, is a name of the site (``"Budget passes | Daily Post"`` and
    ``"Storm hits the coast | Daily Post"`` give ``["Daily Post"]``); one that starts them
    needs three pages and two thirds (``"Daily Post - Budget passes"``), and none is looked
    for there once the end has one. A second level at the same end (``"Headline - News -
    Site"``) is found once the first is gone. A headline's own prefix (``"Brexit: ..."``) is
    never a name. Returns ``[]`` when the titles share none.
    """
    distinct = list(dict.fromkeys(" ".join(t.split()) for t in titles if t and t.strip()))
    names: list[str] = []
    position = None
    for _ in range(2):
        found, position = _shared_ends(distinct, position)
        known = {n.casefold() for n in names}
        found = [n for n in found if n.casefold() not in known]
        if not found:
            break
        names.extend(found)
        distinct = list(dict.fromkeys(_strip_site_name(t, found) for t in distinct))
    return names


# An SVG icon's <title> comes after the head's; "<titlebar>" is not a title.
_TITLE_TAG = re.compile(rb"<title(?:\s[^>]*)?>(.*?)</title\s*>", re.I | re.S)
#: How far into a page its <title> is looked for.
_TITLE_HEAD_BYTES = 200_000


def title_tag(data: bytes) -> str | None:
    """The text of a page's first ``<title>``, read without parsing the page (UTF-8, else
    Latin-1; entities decoded; white space folded); ``None`` when it has none."""
    match = _TITLE_TAG.search(data[:_TITLE_HEAD_BYTES])
    if match is None:
        return None
    raw = match.group(1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    return text or None


def page_host(url: str | None) -> str:
    """The host of ``url``, lower-cased and without ``www.`` (``""`` when it has none)."""
    try:
        host = (urlsplit(url or "").hostname or "").lower()
    except ValueError:  # "https://[www.example.com/..." (an unclosed IPv6 bracket)
        return ""
    return host[4:] if host.startswith("www.") else host


def site_names_by_host(pages: Iterable[tuple[str | None, bytes]]) -> dict[str, tuple[str, ...]]:
    """host (:func:`page_host`) -> the names of the site shared by the ``<title>`` texts of
    that host's pages (:func:`shared_site_names`), for ``(url, html)`` pairs; hosts with one
    page, or whose titles share none, are left out."""
    titles: dict[str, list[str]] = {}
    for url, data in pages:
        host, title = page_host(url), title_tag(data)
        if host and title:
            titles.setdefault(host, []).append(title)
    found = {host: tuple(shared_site_names(group)) for host, group in titles.items()
             if len(group) > 1}
    return {host: names for host, names in found.items() if names}


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


def host_names(url: str | None) -> list[str]:
    """The names a site goes by in its own titles, from its address: ``www.dw.com`` gives
    ``dw.com`` and ``DW``-like ``dw`` (compared without case)."""
    if not url:
        return []
    host = page_host(url)
    if "." not in host:
        return []
    label = host.rsplit(".", 1)[0].rsplit(".", 1)[-1]
    return [host] + ([label] if len(label) >= 2 else [])


def _site_names(root, meta: dict[str, list[str]], fields: _Fields,
                url: str | None = None) -> list[str]:
    """The outlet's names: declared, the last part of a "Headline | Section | Site" title, and
    the site's host name (``evang.at``, ``dw``) checked against the title's ends."""
    names = [fields.publisher, _first(meta.get("og:site_name", [])),
             _first(meta.get("application-name", []))]
    title = _first(_text(t) for t in root.iter("title")) or ""
    parts = _TITLE_PARTS.split(title)
    if len(parts) > 1 and len(parts[-1]) <= 40 and parts[-1] != max(parts, key=len):
        names.append(parts[-1])
    hosts = host_names(url)
    names.extend(hosts)
    # "Batteriespeicher - daheim Solar" on daheim-solar.de, "Items | The Perspective" on
    # theperspective.com: an end of the title that spells the host's name is the site's.
    squashed = {_squash(h) for h in hosts}
    for text in (title, fields.title or ""):
        names.extend(end for end in _ends(text) if end and _squash(end) in squashed)
    return list(dict.fromkeys(n for n in names if n))


def _squash(text: str) -> str:
    """``text`` lower-cased with only its letters and digits (``daheim Solar``, ``daheim-solar``
    and ``daheimsolar`` are the same)."""
    return "".join(c for c in text.casefold() if c.isalnum())


def _page_title(root, scope, site: str | None) -> str | None:
    for area in (scope, root):
        if area is None:
            continue
        heading = _first(_text(h) for h in area.iter("h1"))
        if heading and heading != site:
            return heading
    title = _first(_text(t) for t in root.iter("title"))
    if not title:
        return None
    stripped = _strip_site_name(title, [site])
    if stripped == title:
        # Unknown site name: of "Headline | Site" or "Site - Headline", the longer part.
        stripped = max(_TITLE_PARTS.split(title), key=len)
    # The page may print it with better typography ("l’intra-muros" for "l'intra-muros").
    wanted = _comparable(stripped)
    shown = _first_element(
        el for el in root.iter("b", "strong", "font", "h2", "h3", "div", "span", "td", "p")
        if len(el.text_content()) < 300 and _comparable(_text(el)) == wanted
    )
    return _text(shown) if shown is not None else stripped


_DASHES = re.compile(r"\s*[–—‒]\s*|\s+-\s+")


def _shown_title(root, title: str | None) -> str | None:
    """``title`` as the page's headline element prints it when the two differ only in
    typography („“ « » for ", – for -) or case: metadata often carries a plain-typed copy.
    A headline printed in capitals does not replace one that is not."""
    if not title:
        return title
    wanted = _typographic_key(title)
    for el in root.iter("h1", "h2", "h3"):
        shown = _text(el)
        if shown != title and len(shown) < 300 and _typographic_key(shown) == wanted \
                and (title.isupper() or not shown.isupper()):
            return shown
    return title


def _typographic_key(text: str) -> str:
    # Apostrophes are compared as they are: the page fixtures keep the metadata's "'".
    return " ".join(_DASHES.sub(" - ", re.sub(r"[“”«»„]", '"', text)).casefold().split())


def _comparable(text: str) -> str:
    return re.sub(r"[’‘`´]", "'", re.sub(r"[“”«»„]", '"', text)).casefold()


_READING_TIME = re.compile(
    r"\d+\s*(?:min|minutes?|minutos?|minuten|minuti)\.?(?:\s+\w+){0,2}", re.I)


# "Par X - 15/02/2024 - 14:30": the time after the date, a part of its own.
_CLOCK_TIME = re.compile(r"\d{1,2}[:.h]\d{2}(?:\s*(?:uhr|h|am|pm|a\.m\.|p\.m\.))?", re.I)


def _read_credit_line(text: str) -> tuple[tuple[str, ...], datetime | None] | None:
    """``Par Yann Le Goff - 15/02/2024`` gives its authors and date; ``None`` for any line that
    holds something else."""
    authors: tuple[str, ...] = ()
    date = None
    for part in re.split(r"\s+[|·•—–-]\s+", text):
        if _READING_TIME.fullmatch(part) or _CLOCK_TIME.fullmatch(part):
            continue
        found = _parse_text_date(part) if len(part) <= 60 else None
        if found and date is None:
            date = found
            continue
        if not authors and _is_byline(part):
            authors = (part,)
            continue
        return None
    return authors, date


def _split_preamble(container, blocks: list, title: str | None):
    """Read "By Jane Doe" and "6 April 2023" lines printed just before the text or at its top
    (pages without markup for them). Return the blocks left, the authors and the date."""
    authors: tuple[str, ...] = ()
    date = None
    before = []
    if container is not None:
        for sibling in container.itersiblings(preceding=True):
            if _is_element(sibling) and _text(sibling):
                before.insert(0, sibling)
                if len(before) == 3:
                    break
        # Lines the text walk skipped (a "meta" box) between the container's top and its text.
        for el in container.iterdescendants():
            if blocks and el is blocks[0]:
                break
            if _is_element(el) and _text(el) and not el.xpath(_BLOCK_CHILD) \
                    and not _in_picture(el) and el.tag not in ("a", "time", "span", "b", "i"):
                before.append(el)
        before = before[-8:]
    for el in before + list(blocks):
        text = _text(el)
        if len(text) > 160 or text == title:
            if el in blocks:
                break
            continue
        # "<p>Por X</p><p>15/05/2024</p>" in one box: each line is read on its own.
        lines = html_to_text(etree.tostring(el, encoding="unicode", with_tail=False)).split("\n")
        found = [_read_credit_line(line) for line in lines if line]
        if not found or None in found:
            if el in blocks:
                break
            continue
        for line_authors, line_date in found:
            authors, date = authors or line_authors, date or line_date
        if el in blocks:
            blocks = blocks[1:]
    return blocks, authors, date
