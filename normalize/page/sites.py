"""The site's names, which a page's titles carry around its headline.

A ``<title>`` mostly holds the site's name beside the headline (``Headline | Site``,
``Site - Headline``); the declared title often does too. The names are found where the page
declares them (``og:site_name``, the publisher, ``application-name``), in its host's name, in
its logo's alt text, at the ends of its ``<title>`` when they spell one of those, and in the
``<title>`` texts several pages of one host share (:func:`shared_site_names`).
:func:`_strip_site_name` takes them off a title; :mod:`normalize.page.titles` chooses the
headline.
"""

from __future__ import annotations

import html
import re
import unicodedata
from itertools import islice
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlsplit

from normalize.page.dom import _first, _text, _tokens

if TYPE_CHECKING:
    from normalize.page.structured import _Fields


# "Headline | Site", "Site - Headline", "Headline — Section — Site"
_TITLE_PARTS = re.compile(r"\s+[|–—~－]\s+|\s+-\s+|\s*｜\s*")


#: ... and where the last part of a <title> may be the site's name: "Headline › Blog",
#: "Headline « Blog" (a blog theme's; a "«" that opens a quote has its "»" after it).
_LAST_PART = re.compile(_TITLE_PARTS.pattern + r"|\s+[»›«]\s+")


# A hyphen or a slash touching a word joins it ("GdP-Vize", "Anti-war"): no separator. A
# "«" separates a name after the headline too ("Headline « Site", in :func:`_strip_site_name`),
# never one before it, where it opens a quote ("Site « Quoted words »").
# A colon touching both words parts a known name in a title without spaces
# ("「Treeviz」:phpspot開発日誌", "新製品：Site").
_SITE_SEPARATOR = r"(?:\s*(?:[|｜]+|::|[·•›»]+)\s*|\s+[\-–—:/~－]+\s+|:\s+|[:：])+"


#: A quote in guillemets ("« non »"): its closing "»" separates nothing.
_GUILLEMET_QUOTE = re.compile(r"«[^«»]{1,200}»")
_CLOSING_MARK = "\ue001"  # a private-use character stands for the quote's "»" while splitting

#: The blog's name and "Blog Archive" before a post's title in an old WordPress <title>.
_BLOG_ARCHIVE = re.compile(r"^\s*(\S.*?)\s+»\s+Blog Archive\s+»\s+", re.I)


def _split_unquoted(separators: re.Pattern, text: str) -> list[str]:
    """``text`` split at the ``separators`` outside a quote in guillemets: "Le président a dit
    « non » aux syndicats" is one part, "Blog » Archive » Headline" three."""
    masked = _GUILLEMET_QUOTE.sub(lambda m: m.group(0).replace("»", _CLOSING_MARK), text)
    if masked == text:
        return separators.split(text)
    return [part.replace(_CLOSING_MARK, "»") for part in separators.split(masked)]


#: Scripts written without spaces between words (CJK, Thai): a headline is one "word".
_UNSPACED_SCRIPT = re.compile(r"[\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")

#: Class or id words of a box that holds the site's name or logo, never a headline.
_LOGO_TOKENS = {"logo", "brand", "branding", "masthead", "sitename", "sitetitle", "blogtitle",
                "navbar"}


def _without_glued_name(text: str, site_names: list[str]) -> str:
    """``text`` without a name of the site (of two words or more) run on to its last word
    with no space ("Truck wash A31The other business directory": a theme that sets the
    tagline after the headline without a separator); else ``text``."""
    for name in site_names:
        at = len(text) - len(name)
        if len(name.split()) >= 2 and at >= 2 and text.endswith(name) \
                and text[at - 1].isalnum() and name[:1].isupper():
            return text[:at]
    return text


def _strip_site_name(title: str, site_names: Iterable[str | None]) -> str:
    """``title`` without a site name printed after (``| Site``, ``- Site``, ``: Site``,
    ``› site.example``) or before it (``Site // Headline``); unchanged when what would be left
    is not a headline (one word, a few characters, under a quarter of the title)."""
    # The longest first: "Section - Site" goes whole before "Site" leaves "Section" behind.
    names = sorted((n.strip() for n in site_names if n and n.strip()), key=len, reverse=True)
    # The "»" that closes a quote is no separator ("... «in casa allenatevi così» - Site").
    if "«" in title:
        title = _GUILLEMET_QUOTE.sub(lambda m: m.group(0).replace("»", _CLOSING_MARK), title)
    # "Headline | DW | 23.05.2011": each end is looked at again once one has gone.
    for _ in range(3):
        before = title
        for name in names:
            # Compiling the two patterns of a name is most of the cost, and the name seldom
            # appears: a title that does not hold the name as re.I reads both cannot match.
            if not _may_hold(title, name):
                continue
            # "Boxen - Alle News" declared, "Boxen – Alle News" printed: any dash is one.
            escaped = re.sub(r"\\-|[–—]", "[-–—]", re.escape(name))
            for pattern in (r"(?:" + _SITE_SEPARATOR + r"|\s+[«‹]\s+)" + escaped + r"\s*$",
                            r"^\s*" + escaped + _SITE_SEPARATOR):
                stripped = re.sub(pattern, "", title, flags=re.I).strip()
                if stripped != title.strip() and len(stripped) >= max(8, len(title) // 4) \
                        and (len(stripped.split()) >= 2 or _UNSPACED_SCRIPT.search(stripped)):
                    title = stripped
        if title == before:
            break
    return title.replace(_CLOSING_MARK, "»")


def _dashes_and_case_classes() -> dict[int, str] | None:
    """The table that gives each lower-case letter re.I pairs with others (i/ı, s/ſ, σ/ς, µ/μ
    ...) the first of its class, and each dash a hyphen; ``None`` where this Python's ``re``
    keeps its pairs elsewhere."""
    try:
        from re._casefix import _EXTRA_CASES  # CPython 3.11+: the pairs re's compiler adds
    except ImportError:
        return None
    table = {ord("–"): "-", ord("—"): "-"}
    for code, others in _EXTRA_CASES.items():
        table[code] = chr(min(code, *others))
    return table


_CASE_CLASSES = _dashes_and_case_classes()
_DOTTED_CAPITAL_I = {0x130: "i"}  # str.lower() makes it two characters, re.I reads it as "i"


def _may_hold(title: str, name: str) -> bool:
    """Whether re.I could find ``name`` in ``title``, any dash standing for any other: it
    compares characters by their simple lower case and takes the letters it pairs as one, so
    a title whose folded text lacks the folded name cannot hold it. Without the table of pairs
    only ASCII texts are folded."""
    if title.isascii() and name.isascii():
        return name.lower() in title.lower()
    if _CASE_CLASSES is None:
        return True
    return _fold(name) in _fold(title)


def _fold(text: str) -> str:
    return text.translate(_DOTTED_CAPITAL_I).lower().translate(_CASE_CLASSES)


#: Between a headline and the site's name in a <title>: "Headline | Site", "Site - Headline",
#: "Headline : Site", "Headline » Section » Site". A colon right after a word ends only the
#: headline ("Headline: Site"), never a name before it: "Brexit: the vote" starts many headlines
#: of one site, and "Brexit" is no name of it.
_NAME_SEPARATOR = re.compile(r"\s+[|\-–—·•»›/~－]+\s+|\s*[|｜]\s*|\s+::?\s+")
_TRAILING_COLON = re.compile(r"\s*:\s+")
#: ... and in a title written without spaces, a colon beside a CJK character (full-width or
#: not): "マインドマップ風のツリー「Treeviz」:phpspot開発日誌".
_UNSPACED_COLON = re.compile(r"(?<=[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef])"
                             r"[:：](?=\S)")
#: A <title> segment longer than this is a headline, never a site's or a section's name.
_NAME_CHARS = 60


def _ends(title: str) -> tuple[str | None, str | None]:
    """The first and the last segment of a ``<title>`` cut at its separators (``None`` where it
    has none); a colon separates only the last."""
    parts = [p.strip() for p in _split_unquoted(_NAME_SEPARATOR, title)]
    if len(parts) > 1:
        return parts[0] or None, parts[-1] or None
    colon = _TRAILING_COLON.split(title)
    if len(colon) == 1:
        colon = _UNSPACED_COLON.split(title)
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



def host_names(url: str | None) -> list[str]:
    """The names a site goes by in its own titles, from its address: ``www.dw.com`` gives
    ``dw.com`` and ``DW``-like ``dw`` (compared without case)."""
    if not url:
        return []
    host = page_host(url)
    if "." not in host:
        return []
    labels = host.split(".")[:-1]
    # Under a country's domain the name comes before its second level: "dailymail.co.uk",
    # "folha.com.br", "biglobe.ne.jp".
    if len(labels) > 1 and len(host.rsplit(".", 1)[1]) == 2 and labels[-1] in _SECOND_LEVEL:
        labels.pop()
    label = labels[-1]
    return [host] + ([label] if len(label) >= 2 else [])


#: The second-level domains countries register names under.
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "gob", "ac", "edu", "ne", "or", "go", "nic",
                 "info", "biz"}


def _site_names(root, meta: dict[str, list[str]], fields: _Fields,
                url: str | None = None, link_texts: frozenset[str] = frozenset()) -> list[str]:
    """The outlet's names: declared, the last part of a "Headline | Section | Site" title, and
    the site's host name (``evang.at``, ``dw``) checked against the title's ends; also the
    parts of its declared title after the first that a link of the page prints whole (among
    ``link_texts``): the section's name in its menu or breadcrumb."""
    title = _first(_text(t) for t in root.iter("title")) or ""
    names = [fields.publisher, _first(meta.get("og:site_name", []))]
    # Pinned-site tiles take application-name; some pages fill it with the headline.
    application = _first(meta.get("application-name", []))
    if application and application not in (title, fields.title):
        names.append(application)
    # "Headline › Blog" as "Headline | Site" (in the middle of a title "»" parts a breadcrumb).
    parts = _split_unquoted(_LAST_PART, title)
    # A question is the end of a headline ("Lease or buy – which pays?"), and a <title> that
    # ends with the whole declared headline has the site's name before it ("Blog: Headline -
    # Part two"): its last part is no name either.
    headline = fields.title or ""
    if len(parts) > 1 and len(parts[-1]) <= 40 and parts[-1] != max(parts, key=len) \
            and not parts[-1].rstrip().endswith("?") and "»" not in parts[-1] \
            and not (len(title) > len(headline) > len(parts[-1]) and title.endswith(headline)):
        names.append(parts[-1])
    hosts = host_names(url)
    names.extend(hosts)
    # "Batteriespeicher - daheim Solar" on daheim-solar.de, "Items | The Perspective" on
    # theperspective.com: an end of the title that spells the host's name is the site's.
    # So is one that the site's logo spells in its alt text ("Headline - Post" under an
    # <img alt="Post logo"> in the header's logo box).
    squashed = {_squash(h) for h in hosts} | set(_logo_names(root))
    # So is a short one that starts with the host's name, or ends with a longer one than an
    # acronym: "sheego ♥ Magazin" on sheego.de, "BBC中文网" on bbc.co.uk, "Schweizerische
    # Vogelwarte" on vogelwarte.ch (not "L’Université PSL : ..." on psl.eu).
    # "Headline - Calcio - ANSA" on /sport/calcio/...: a part after the first that the
    # address names is the section's name (never a first one: "Brexit - what next" on
    # /news/brexit/).
    folders = _path_words(url)
    for declared, text in enumerate((title, fields.title or "")):
        names.extend(end for end in _ends(text) if end and (_squash(end) in squashed
                                                            or _starts_with_host(end, hosts)))
        names.extend(_foreign_ends(text))
        names.extend(part.strip() for part in _split_unquoted(_NAME_SEPARATOR, text)[1:]
                     if part.strip() and _folded(part) in folders)
        # The declared title's only: the <title>'s parts are weighed in
        # :func:`normalize.page.titles._tag_title`, where a headline's own " - " (a "14. - 20.
        # Januar") is told from a section's once the site's name is gone.
        if declared:
            names.extend(_linked_parts(text, link_texts))
        # "Harbour Post: Budget approved" on harbourpost.com: before a colon only a name that
        # spells the host's ("Brexit: ..." starts headlines).
        first = _TRAILING_COLON.split(text, maxsplit=1)[0].strip()
        if first != text.strip() and _squash(first) in squashed:
            names.append(first)
    return list(dict.fromkeys(n for n in names if n))


#: The scripts a name in another script than the headline's is told by; the Japanese kana and
#: Korean hangul go with the Han characters they are written beside.
_SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "HALFWIDTH": "CJK"}
#: A word with a hyphen before digits is a topic, not a name ("COVID-19", "Euro-2024").
_HYPHENATED_NUMBER = re.compile(r"\w-\d")


def _scripts(text: str) -> set[str]:
    """The scripts of the letters of ``text`` ("LATIN", "CYRILLIC", "CJK", "ARABIC" ...)."""
    found = set()
    for char in text:
        if char.isalpha():
            word = unicodedata.name(char, "").split(" ", 1)[0]
            found.add(_SCRIPT_GROUPS.get(word, word))
    return found


def _foreign_ends(text: str) -> list[str]:
    """The ends of a title (cut at its separators, :func:`_ends`) of three words at most written
    in another script than all the rest of it, which is longer: "Vesti News - Путин
    заявил ...", "東京で大雪 | Daily Tokyo". A site goes by a Latin name (its brand, its
    address) beside headlines in Cyrillic, Arabic or Han; a headline seldom ends or starts
    with words in a script it is not written in. Not a topic with a number ("COVID-19")."""
    parts = [p.strip() for p in _split_unquoted(_NAME_SEPARATOR, text)]
    if len(parts) < 2:
        return []
    found = []
    for end, rest in ((parts[0], parts[1:]), (parts[-1], parts[:-1])):
        rest_text = " ".join(rest)
        if not end or len(end) > 40 or len(end.split()) > 3 or len(rest_text) <= len(end) \
                or _HYPHENATED_NUMBER.search(end):
            continue
        mine, theirs = _scripts(end), _scripts(rest_text)
        if mine and theirs and not mine & theirs:
            found.append(end)
    return found


#: A section's name is of three words at most.
_SECTION_WORDS = 3


def _linked_parts(text: str, link_texts: frozenset[str]) -> list[str]:
    """The parts of a title after its first, shorter than its longest and of three words at
    most, that a link of the page prints whole (compared without case): "Budget approved -
    Politics - Post" beside a menu's "POLITICS" link, where the address names no folder."""
    parts = [p.strip() for p in _split_unquoted(_NAME_SEPARATOR, text)]
    if len(parts) < 2:
        return []
    longest = max(parts, key=len)
    wanted = {p.casefold(): p for p in parts[1:]
              if p and p != longest and len(p.split()) <= _SECTION_WORDS and len(p) <= 30}
    return [wanted[t.casefold()] for t in link_texts
            if len(t) <= 30 and t.casefold() in wanted] if wanted else []


def _path_words(url: str | None) -> set[str]:
    """The folded (:func:`_folded`) folders of ``url``'s path (not its last part, the article's
    slug) that are three words at most (a section's name, not a number)."""
    try:
        path = urlsplit(url or "").path
    except ValueError:
        return set()
    return {_folded(part) for part in path.rstrip("/").split("/")[:-1]
            if len(part) >= 3 and part.count("-") + part.count("_") <= 2 and not part.isdigit()}


def _folded(text: str) -> str:
    """``text`` squashed (:func:`_squash`) without accents ("Rondônia" and "rondonia")."""
    return _squash("".join(c for c in unicodedata.normalize("NFKD", text)
                           if not unicodedata.combining(c)))


_WORD = re.compile(r"\w+")


def _starts_with_host(end: str, hosts: list[str]) -> bool:
    """Whether ``end`` (of a title) is of three words at most and starts with the host's
    name (:func:`host_names`), or ends with it when it is five letters or more."""
    label = _squash(hosts[-1]) if len(hosts) > 1 else ""
    squashed = _squash(end)
    return len(label) >= 3 and len(_WORD.findall(end)) <= 3 and (
        squashed.startswith(label) or len(label) >= 5 and squashed.endswith(label))


def _logo_names(root) -> Iterable[str]:
    """The alt texts of the images in the page's logo boxes (or named ``logo``), squashed
    (:func:`_squash`), without a trailing "logo"."""
    for img in root.iter("img"):
        alt = img.get("alt")
        if not alt or len(alt) > _NAME_CHARS:
            continue
        boxes = [img, *islice(img.iterancestors(), 3)]
        if any(_tokens(el) & _LOGO_TOKENS for el in boxes) \
                or "logo" in (img.get("src") or "").rsplit("/", 1)[-1].lower():
            name = _squash(alt)
            yield name[:-4] if name.endswith("logo") and len(name) > 4 else name


def _squash(text: str) -> str:
    """``text`` lower-cased with only its letters and digits (``daheim Solar``, ``daheim-solar``
    and ``daheimsolar`` are the same)."""
    return "".join(c for c in text.casefold() if c.isalnum())


#: A bar and the part of a title beyond it, at either end: "Headline | COMMENTARY".
_BARRED_END = re.compile(r"^([^|｜]+?)\s+[|｜]\s+(?=[^|｜]+$)")


def _without_bar_label(title: str) -> str:
    """``title`` without a label of one or two words beyond a bar at an end of it ("Headline |
    COMMENTARY", "Opinion | Headline", "Frain | Fire in a house"): a section's, a place's or
    the site's name, never the headline's words; in capitals beside a headline of two words
    or more, otherwise beside one of three or more, over twice the label's length."""
    match = _BARRED_END.match(title)
    if not match:
        return title
    first, last = match.group(1).strip(), title[match.end():].strip()
    for label, rest in ((last, first), (first, last)):
        if len(label.split()) > 2 or len(label) > 20 or rest.isupper():
            continue
        unspaced = bool(_UNSPACED_SCRIPT.search(rest))
        if label.isupper() and (len(rest.split()) >= 2 or unspaced) \
                or (len(rest.split()) >= 3 or unspaced) and len(rest) > 2 * len(label):
            return rest
    return title
