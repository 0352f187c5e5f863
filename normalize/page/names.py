"""What a name read from a byline is: a person's, or an organisation's.

A byline names persons, agencies and organisations with the same capitals; these are the rules
that tell them apart without a list of given names: the lower-case words a person's name may
hold, the legal forms and press words of an organisation's, and what makes a site's name read
as a person's (a personal site's).
"""

from __future__ import annotations

import re
import unicodedata

from normalize.agencies import find_agency
from normalize.bylines import parse_byline


# The lower-case words of a name: particles ("Ludwig van Beethoven", "Ana de la Fuente"), and
# of an organisation's ("Organization for Transformative Works", "Amt für Umwelt").
_NAME_PARTICLES = {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "la", "le", "les",
                   "los", "las", "van", "von", "der", "den", "ter", "ten", "zu", "y", "e", "al",
                   "el", "bin", "ibn", "af", "av", "op", "vom", "zum", "und", "and", "for", "of",
                   "the", "für", "fur", "des", "et", "on", "at", "in", "im", "zur", "auf"}


# What marks an organisation's name as a byline: a legal form, a press word, a domain, an
# acronym ("LN", "DPA" are agencies and papers, not persons).
_ORGANISATION = re.compile(
    r"\b(?:e\.\s?V|GmbH|AG|Inc|Ltd|LLC|plc|Verlag|Redaktion|Stiftung|News|Media|Online|"
    r"Magazine|Journal|Gazette|Tribune|Herald|Illustrated|Revista|Rivista|Giornale|Diario|"
    r"Jornal)\b|"
    # A paper's or a magazine's name, German compounds included ("Finanzmagazin").
    r"(?:[Mm]agazin|[Zz]eitung|[Bb]latt|[Ii]llustrierte)\b|"
    r"\.(?:com|de|at|ch|net|org|it|fr|es)\b|@|^[A-ZÄÖÜ]{2,4}$|"
    # A Chinese paper, site or desk, which ends in its own word: "证券时报网" (a site),
    # "新京报" (a paper), "新华社" (an agency), "澎湃新闻" (news).
    r"^[\u4e00-\u9fff]{2,}(?:网|網|报|報|社|新闻|新聞|日报|日報|电视台|電視台)$")
# A full name: two words or more, capitalized, without digits, underscores or a domain.
_NOT_FULL_NAME = re.compile(r"[\d_@]|\.(?:com|de|net|org)\b")


def _is_full_name(person: str) -> bool:
    return len(person.split()) >= 2 and person[:1].isupper() \
        and not _NOT_FULL_NAME.search(person)


def _is_organisation(bylines: tuple[str, ...]) -> bool:
    return any(_ORGANISATION.search(b) for b in bylines)


def _letters(text: str) -> str:
    """Only the letters of ``text``, case-folded and without accents ("Gàbor" -> "gabor")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if c.isalpha())


# The words of a paper's, a station's or a group's name ("Malay Mail", "Miami Today",
# "Noticia al Dia", "Arya Group"), and the articles its name may open with ("The Frontier Post").
_PRESS_WORDS = {"post", "mail", "times", "today", "daily", "weekly", "press", "presse", "prensa",
                "hora", "dia", "día", "noticia", "noticias", "notícias", "news", "nachrichten",
                "express", "observer", "courier", "star", "sun", "standard", "chronicle",
                "telegraph", "voice", "radio", "tv", "channel", "info", "portal", "report",
                "group", "grupo", "gruppe", "articles", "network", "review", "agency",
                "agencia", "agência", "agentur", "editorial", "redacción", "redação",
                "información", "informação", "information", "informationen"}
_ARTICLES = {"the", "el", "la", "le", "les", "los", "las", "il", "lo", "die", "der", "das", "o",
             "a", "al"}


def _reads_as_person(name: str) -> bool:
    """Whether the site's name ``name`` reads as a person's ("Helge Fahrnberger"): two to four
    capitalized words, no paper's word, no leading article, no domain, digit or acronym."""
    words = name.split()
    if not 2 <= len(words) <= 4 or not _is_full_name(name) or _is_organisation((name,)):
        return False
    if words[0].casefold() in _ARTICLES or "." in name.replace(". ", " ").rstrip("."):
        return False
    shouting = [w for w in words if len(w) >= 3 and w.isupper()]
    return (not {w.casefold() for w in words} & _PRESS_WORDS
            and all(w[:1].isupper() or w.casefold() in _NAME_PARTICLES for w in words)
            and (not shouting or len(shouting) == len(words)))


#: The fewest letters of a site's name that mark a byline holding it as the publisher's.
_SITE_IN_NAME = 4
# What a publisher's name adds to the site's: a press word, a domain's ending.
_PUBLISHER_WORDS = {_letters(w) for w in _PRESS_WORDS} | {
    "jornal", "journal", "diario", "zeitung", "ediciones", "edicoes", "editora", "verlag"}


def _publisher_only(name: str, spelled: set[str], words: set[str] = frozenset()) -> bool:
    """Whether ``name`` is the site's name and at most a press word, a domain's ending or an
    abbreviation in capitals ("TIMESOFINDIA.COM", "Jornal O Papel", "OÖ Volksblatt" for the
    Oberösterreichisches Volksblatt; not "Krimiblogger", a blogger on krimiblog.de), or a
    word of the site's name again (``words``: "Andalucía Información Andalucía")."""
    letters = _letters(name)
    for site in spelled:
        if len(site) >= _SITE_IN_NAME and site in letters:
            rest = letters.replace(site, "", 1)
            again = rest in words and letters.startswith(site)
            abbreviated = len(rest) <= 3 and ("." in name or any(
                w.isupper() and _letters(w) == rest for w in name.split()))
            if not rest or rest in _PUBLISHER_WORDS or again or abbreviated:
                return True
    return False


def _named_by_site(bylines: tuple[str, ...]) -> bool:
    """Whether the site's name in ``bylines`` stands for an author: a person's (a personal
    site) or a news agency's (its own copy)."""
    return all(find_agency(a) or _reads_as_person(a) for a in bylines)


def _garbled(bylines: tuple[str, ...]) -> bool:
    """Whether a person's name read from ``bylines`` runs on into other words: a capitalized
    name followed by a lower-case word that is no particle ("Fuchsy designed", "Frank Bueltge
    - http"), as a theme's credit line or an address pasted into the author field gives. A
    legal form ("e.V.") is no such word."""
    for byline in bylines:
        for person in parse_byline(byline)[0]:
            words = person.split()
            if len(words) >= 2 and words[0][:1].isupper() and any(
                    w[:1].islower() and w.casefold() not in _NAME_PARTICLES and "." not in w
                    for w in words[1:]):
                return True
    return False


def _names_full_name(bylines: tuple[str, ...]) -> bool:
    return any(_is_full_name(p) for b in bylines for p in parse_byline(b)[0])


def _same_persons(bylines: tuple[str, ...], persons: list[str]) -> bool:
    """Whether ``persons`` (full names) are the persons ``bylines`` name in a shorter form:
    a first name ("Todd"), or a user name made of the name ("arianschlichenmayer",
    "gabor_munier")."""
    named = [p for b in bylines for p in parse_byline(b)[0]]
    words = {_letters(w) for p in named for w in re.split(r"[\s._-]+", p) if len(_letters(w)) >= 3}
    wholes = {_letters(p) for p in named}
    return any(_letters(w) in words for p in persons for w in p.split()) \
        or any(_letters(p) in wholes for p in persons)

