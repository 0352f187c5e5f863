"""Bylines: who wrote an item, and which agency when the "author" is one.

Feeds put the printed byline in the author field: ``Por Lucía Ortega``, ``Von Katharina
Leitner``, ``By Helen Carter and Tom Whitfield``, ``di Giulia Ferraris``, ``Par X, correspondant
à Bruxelles``, ``dpa Deutsche Presse-Agentur``, ``Europa Press``, ``Redacción``.
:func:`parse_byline` returns the persons (label, roles, places, e-mail addresses and dates
removed) and, apart, the agency the byline names, so an agency is never filed as a person and a
newsroom ("Redacción", "Staff") is neither.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from normalize import places
from normalize.agencies import find_agency_match, is_agency
from normalize.byline_words import NEWSROOM as _NEWSROOM
from normalize.byline_words import NOT_NAMES as _NOT_NAMES
from normalize.byline_words import ROLES as _ROLES
# CJK_NAME is read by the page readers from here, beside the other byline patterns.
from normalize.cjk_bylines import CJK_NAME, cjk_names, names_no_writer  # noqa: F401
from normalize.months import MONTHS
from normalize.text import clean_text

logger = logging.getLogger(__name__)

# The one byline-label pattern: feeds' author fields, the bylines pages print and the agency
# formats' byline elements (NITF, NewsML-G2, ninjs: :func:`strip_label`). "By", "Par", "Por",
# "Von", "Door", "Di", "De"/"Da" (pt), the Scandinavian "av"/"af" and the longer forms.
# Case-insensitive, so the name lookahead only needs "Texto" to be a word of its own; "van"
# only in lower case: capitalized it begins names ("Van Morrison"); "Af"/"Av" begin a
# Danish or Swedish byline's sentence, read as the other particle labels ("Af Klint" stays).
BYLINE_LABEL = re.compile(
    r"^(?:(?:written|reported|reporting|text|story|words|posted|published|submitted|"
    r"contributed|article)\s+by|post\s+author|escrito\s+por|texto\s+de|"
    # The writer who also took the pictures or led the interview: "Text & Fotos:",
    # "Text und Interview:", "Texto y fotos:".
    r"(?:text|texto|texte|words)\s*(?:&|\+|und|and|y|e|et)\s*(?:fotos?|photos?|bilder|"
    r"interview|entrevista|illustrations?)\s*:|"
    r"un\s+article\s+de|un\s+articolo\s+di|text\s+von|texte\s+de|testo\s+di|"
    # "Pressemitteilung von X": a press release's writer.
    r"(?:presse)?mitteilung\s+von|"
    # "Ein Bericht von", "Eine Kolumne von", "Ein Kommentar von": the kind of text, then its
    # writer.
    r"(?:ein|eine)\s+(?:bericht|kolumne|kommentar|gastbeitrag|gastkommentar|essay|analyse|"
    r"reportage|rezension|glosse)\s+von|"
    # "Posted by", "Erstellt von", "Publié par", "Publicado por", "Scritto da", "Geplaatst door"
    r"(?:geschrieben|verfasst|erstellt|gespeichert|veröffentlicht|eingestellt|gepostet|"
    r"artikel|beitrag|ein\s+beitrag|ein\s+artikel|(?:blog|gast)[-\s]?beitrag)\s+von|(?:écrit|publié|rédigé|posté)\s+par|"
    r"(?:publicado|redactado|postado)\s+por|(?:scritto|pubblicato)\s+da|a\s+cura\s+di|"
    r"articolo\s+di|(?:geschreven|geplaatst|gepubliceerd)\s+door|"
    # The author's archive link printed as the byline: "Zeige alle Beiträge von X",
    # "View all posts by X", "Zum Profil von X".
    r"(?:(?:zeige\s+)?alle\s+(?:beiträge|artikel)|(?:view|show|see)\s+all\s+"
    r"(?:posts|articles|stories)|(?:all|more)\s+(?:posts|articles|stories)|zum\s+profil)"
    r"\s+(?:von|by|of|from)|"
    r"by|par|por|von|vom|door|di|de|da|(?-i:van|[aA]v|[aA]f)|©|"
    # Printed without a colon before a name ("Texto Ana Ruiz", "Reportage Yann Le Goff").
    r"(?:text|texto|texte|autor|autora|autorin|auteur|author|reportage|autoren|autorinnen|"
    r"authors|autores|auteurs)(?=\s*[-–]?\s+(?-i:[A-ZÀ-ÖØ-Þ]))|"
    r"(?:author\(s\)|autor\((?:en|es)\)|auteur\(s\)|"
    # The German broadcasters' gender-neutral forms: "Autor/in:", "Autor*in:", "Autor:in:".
    r"autor(?:/|\*|:|_)in(?:nen)?|"
    r"text|texto|texte|testo|autor|autora|autores|author|authors|auteur|auteurs|autore|"
    r"autori|autorin|autrice|autorka|interview|entrevista|sources?|fuentes?|fonte|fonti|quelle|"
    r"źródło|"
    # The Slavic papers' "Автор:", "Авторы:", "Piše:" (who writes), "Редактор:".
    r"автор|авторы|автори|авторка|piše|pise|napisao|napisala|редактор|"
    # Hindi: "लेखक:" (writer), "रिपोर्ट:" (report), "संवाददाता:" (correspondent).
    r"लेखक|लेखिका|रिपोर्टर|रिपोर्ट|संवाददाता|"
    r"agencia|agência|agence|agentur|agenzia|agency|"
    # The German press office's "Redaktion: Jana Roth" names the person who wrote the text
    # (without its colon, "Redaktion" is the newsroom).
    r"redaktion)\s*:)"
    # A label that ends in its colon may touch the name ("Autor:Jane Doe").
    r"(?:(?=[\s:]|$)|(?<=:))\s*:?\s*",
    re.IGNORECASE,
)
# Labels that are also name particles ("Di Maio", "De Gea", "Da Silva", "van Dijk"): only a
# label when what follows is at least two words and does not go on with a particle ("De la
# Fuente", "Van der Sar" are names), or is an agency or a newsroom.
_PARTICLE_LABELS = {"di", "de", "da", "van", "av", "af"}
# Between authors: commas, "and" in the six languages, ampersands, slashes, semicolons.
# Lowercase only: "John E Smith" has a middle initial, "Ana e João" two authors.
# A serial comma before the last name: "A, B, and C".
# "With" joins a second writer too ("Jane Doe with John Roe", "Ana Ruiz con Luis Vidal").
# "X im Gespräch mit Y", "X in conversation with Y": an interview's two voices, both credited.
_JOINERS = re.compile(r"\s*(?:,|;|&|/|\+)\s*(?:(?:and|And|AND|y|e|et|und|ed)\s+)?"
                      r"|\s+(?:and|And|AND|y|e|et|und|ed|with|With|avec|con|"
                      r"im\s+Gespräch\s+mit|in\s+conversation\s+with)\s+")
# Parts of a byline that are not authors at all: "| 24 Oct 2023", "· Madrid", "- Reuters" (a
# dash with spaces around it; a hyphen inside a name has none).
_FIELDS = re.compile(r"\s*[|•·]\s*|\n|\s+[-–—]\s+")
# "X in Paris", "X en Bruselas", "X aus Berlin", "X em Brasília", "X à Bruxelles", "X from Kyiv".
# Not "da"/"de": they are name particles too ("Lula da Silva").
_PLACE_TAIL = re.compile(r"\s+(?:in|en|aus|em|à|from|desde|depuis|dalla)\s+\S.*$",
                         re.IGNORECASE)
_PLACE_HEAD = re.compile(r"^(?:In|En|Em|Aus|À|From|Desde|Depuis)\s+")
# CJK pages set a name in corner or double angle brackets ("《KT》", "「Jane」").
_EDGE_PUNCT = " .:;-–—()[]\"'«»“”《》〈〉「」『』【】"

_WEEKDAYS = (r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|"
             r"thurs|fri|sat|sun|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
             r"mo|di|mi|do|fr|sa|so|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|"
             r"martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|lunedì|martedì|"
             r"mercoledì|giovedì|venerdì|sabato|segunda-feira|terça-feira|quarta-feira|"
             r"quinta-feira|sexta-feira|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|"
             r"zondag|poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela")
_WEEKDAY_NAMES = frozenset(day for day in _WEEKDAYS.split("|") if len(day) > 4)
_MONTH_NAMES = "|".join(sorted((m for m in MONTHS if len(m) >= 3), key=len, reverse=True))
# A month's short form alone ("Dec" of "Dec 1st 2016" in another element) is no name; a
# month's whole name may be a person's ("April", "June").
_MONTH_SHORT = frozenset(m for m in MONTHS if 3 <= len(m) <= 4
                         and any(n != m and n.startswith(m) for n in MONTHS))
# A date printed in the byline ("By Jane Doe March 25, 2015", "Von X am 21. April 2020",
# "X Stand: 05.02.2020", "Posted by X on 26/10/13, 03:48 pm"): it and what follows it go.
# Every form needs a number, so names such as "April Roach" or "June Carter" stay.
_DATE_IN_BYLINE = re.compile(
    r"(?P<date>(?:\b(?:last\s+)?(?:updated|published|posted|stand|aktualisiert|veröffentlicht|"
    r"publié|mis\s+à\s+jour|publicado|actualizado)\s*:?\s*)?"
    r"(?:\b(?:am|on|le|el|il|em|den|op|vom|the)\s+)?"
    # The weekday the date is printed with ("Wednesday, 08 Apr 2020", "Mi., 5. Mai 2021").
    r"(?:\b(?:" + _WEEKDAYS + r")\.?,?\s+)?"
    r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\d{4}-\d{2}-\d{2}|"
    r"\d{1,2}\.?\s+(?:de\s+)?(?:" + _MONTH_NAMES + r")\b|"
    r"\b(?:" + _MONTH_NAMES + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|"
    r"\b(?:" + _MONTH_NAMES + r")\.?\s+\d{4}\b)).*$",
    re.IGNORECASE | re.DOTALL)
# Credits for other work than the writing end the writer's byline ("By Jane Doe Photographs
# by John Roe", "Written by X Edited by Y", "Text von X Illustration von Y", "Reporting by X;
# Editing by Y", "Additional reporting by Z"): the editor, the photographer and the reporters
# who added to the text are no authors of it. Within a line only after a byline's label (or a
# comma): "Revised Edition Edited by Adrian Parr" is a book's credit, no byline.
_CREDIT_WORK = (
    r"(?:(?:with|and|und|mit|avec|et|con|y|e)\s+)?"
    r"(?:(?:additional|further|zusätzliche)\s+reporting|edit(?:ed|ing)|photos?|"
    r"photograph(?:s|y)?|pictures|images|illustrations?|graphics|video|fotos?|bilder|"
    r"illustrationen|grafiken?|redigiert|photographies?|fotografías?|fotografias?|"
    r"fotografie|ilustraci(?:ón|ones)|ilustrações|illustrazioni|edición|editado|édité)\s+"
    r"(?:by|von|par|por|de|di)\s.*$"
    # A picture's credit under its label ("Foto: Jane Doe", "Photo: John Roe", "Фото из ..."):
    # the photographer, no writer.
    r"|(?:photos?|fotos?|bild|bilder|imagen|imágenes|fotograf(?:ie|ía|ia)|фото)"
    r"(?:\s*:|\s+(?:из|з|от)\s).*$")
_OTHER_CREDIT = re.compile(r"(?:^|[\s,;]+)(?:" + _CREDIT_WORK + ")", re.IGNORECASE | re.DOTALL)
_OTHER_CREDIT_APART = re.compile(r"(?:^|\s*[,;]\s*)(?:" + _CREDIT_WORK + ")",
                                 re.IGNORECASE | re.DOTALL)
# Whom a name wrote for ("Glen Owen For The Mail On Sunday", "Jane Doe for Dailymail.com"): the
# outlet is no author. Only after two words of a name: "Organization for Transformative Works"
# is an organisation's own name.
_OUTLET_TAIL = re.compile(r"^(\S+\s+\S+.*?)\s+(?i:for)\s+(?:(?i:the)\s+)?[A-Z0-9].*$")
# What a date or a category link cut off leaves dangling: "Isabella Ruiz am" (the date was a
# <time> element), "By Jane Doe in" (the section was a link).
_DANGLING = re.compile(r"\s+(?:am|on|in|le|el|il|em|en|um|dans)\s*$")
# Degrees and post-nominal letters after a name ("Grant Tinsley, PhD", "Jane Doe, MA, RD"):
# they are no author of their own. Upper case only where the letters are also names ("Ma").
_POST_NOMINALS = re.compile(
    r"^(?:(?:(?i:ph\.?\s?d)|M\.D|M\.A|M\.S|MD|MA|MS|MSc|BSc|BA|MBA|MPH|MSW|MFA|RN|RD|RDN|"
    r"DVM|PharmD|JD|LLM|Esq|EdD|DDS|FACP|FRCP|CPA|CFA)\.?\s*)+$")
_POST_NOMINAL_TAIL = re.compile(r",?\s+(?:(?i:ph\.?\s?d\.?)|M\.D\.|MD|MBA|MPH)$")
# A name that ends in an initial or "Jr." keeps its period ("Joe S.", "Perry Bacon Jr.").
_ABBREVIATED_END = re.compile(r"(?:^|[\s.])(?:[^\W\d_]|Jr|Sr|Jun|Sen)$")


# What a leading date leaves before the byline it dates: "Posted on September 21, 2020 by
# Jane Doe", "Publié le 3 mars 2021 par X", "Am 21. April 2020, 14:30 Uhr von X".
_AFTER_LEADING_DATE = re.compile(
    r"^[^\W_]*(?:[\s,]+(?:\d{4}|\d{1,2}[:.h]\d{2}(?:\s*(?:am|pm|uhr|h))?|um|at|à|a\s+las))*"
    r"[\s,]+(?=(?:by|von|par|por|door|di|de)\s)", re.IGNORECASE)


def without_date(field: str) -> str:
    """``field`` without the date printed in it and what follows the date; a field that
    starts with its date keeps what follows it when that is a byline ("Posted on May 2, 2024
    by Jane Doe" gives "by Jane Doe"), else is left as it is."""
    match = _DATE_IN_BYLINE.search(field)
    if match is not None and match.start() > 0:
        return field[:match.start()]
    if match is not None:
        rest = field[match.end("date"):]
        lead = _AFTER_LEADING_DATE.match(rest)
        if lead:
            return rest[lead.end():]
    return field


def without_credits(byline: str) -> str:
    """A labelled byline without the credits for other work that follow the writers ("By
    Jane Doe Photographs by John Roe" gives "By Jane Doe"); the label itself may name
    pictures ("Text & Fotos: Jane Doe")."""
    label = BYLINE_LABEL.match(byline)
    end = label.end() if label else 0
    return byline[:end] + _OTHER_CREDIT.sub("", byline[end:])


def _strip_edges(text: str) -> str:
    """``text`` without the punctuation at its ends, except the period of an initial."""
    stripped = text.strip(_EDGE_PUNCT)
    if stripped and text.rstrip(_EDGE_PUNCT.replace(".", "")).endswith(stripped + ".") \
            and _ABBREVIATED_END.search(stripped):
        return stripped + "."
    return stripped
# An address ("jane@site.example", "jane[at]site.example"), a link or a number: no name.
# A template's placeholder left in the metadata ("#auteur", "{{author}}", "%author%") neither.
# A sentence's contraction ("Account You're logged in") no name has: "D'Angelo" has a capital.
_NOISE = re.compile(r"@|\[at\]|\(at\)|https?://|www\.|\d|^[#{%$]|\w['’](?:re|ll|ve|t|m)\b",
                    re.IGNORECASE)
# A site's address printed as its name ("wien.ORF.at", "example.com"): no person.
_DOMAIN = re.compile(r"[^\W_][\w-]*(?:\.[\w-]+)*\.(?i:com|net|org|info|news|[a-z]{2})")
# A company's legal form: the name is the company's, read whole.
# At the name's end: "James S.A. Corey" has initials.
_LEGAL_FORM = re.compile(r"\s(?:GmbH|(?-i:AG|KG)|Inc|Ltd|LLC|plc|Corp|S\.A|S\.L|S\.p\.A|SpA|Srl|"
                         r"e\.\s?V)\.?$", re.IGNORECASE)
# A link printed in a byline ("Frank Roth - http://roth.example/"): its slashes are no joiners.
# ... and an e-mail address printed after the name ("Jane Doe jane.doe@site.example").
_LINK = re.compile(r"(?:https?://|www\.)\S*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)


def _strip_label(segment: str) -> str:
    """Remove leading byline labels ("By", "Por", "Von"...) until none is left."""
    while True:
        match = BYLINE_LABEL.match(segment)
        if not match:
            return segment
        rest = segment[match.end():].strip()
        word = match.group(0).strip().rstrip(":").strip().casefold()
        if word in _PARTICLE_LABELS and not (
            (len(rest.split()) >= 2 and not rest[:1].islower())
            or is_agency(rest) or is_newsroom(rest)
        ):
            return segment
        segment = rest


def is_company(name: str) -> bool:
    """Whether a name read from a byline is a company's: it ends in a legal form ("Web
    Commerce GmbH", "mediagene Inc.") or a word that names a company ("Northeast Ohio Media
    Group")."""
    return bool(_LEGAL_FORM.search(name) or _COMPANY_END.search(name))


_COMPANY_END = re.compile(r"\s(?:Media|Group|Network|Newspapers|News|Publishing|Communications|"
                          r"Holdings|Company|Corporation)$")


def strip_label(name: str) -> str:
    """Return one byline element's text without its leading label ("By", "Por", "di"...) and
    edge punctuation: what NITF, NewsML-G2 and ninjs parsers put into ``authors`` (reading the
    byline into persons and agency is :func:`parse_byline`'s work, done for every record).
    """
    return _strip_label(clean_text(name)).strip(" ,;:-–—")


def _words(text: str) -> list[str]:
    return [w.casefold() for w in re.findall(r"[^\W\d_]+", text)]


def is_newsroom(text: str) -> bool:
    """Whether ``text`` holds a newsroom's word ("Redacción", "Staff", "Newsdesk")."""
    # Whole words too: a Devanagari word's vowel signs are no letters to \w ("ब्यूरो").
    return any(word in _NEWSROOM for word in _words(text)) \
        or any(word.casefold() in _NEWSROOM for word in text.split())


# Surnames may begin with a lower-case particle ("van Dijk", "de Gea", "da Silva"); any other
# lower-case start is a role or a phrase ("corresponsal en Bruselas").
_SURNAME_START = re.compile(r"^(?:van|von|de|da|di|del|der|dos|das|du|af|zu)\s+(?:\w+\s+)?[A-ZÀ-ÖØ-Þ]")


# A user name printed as the byline ("gizzmo", "reineckefuchs"): one lower-case word of letters,
# which no role or newsroom word is.
_HANDLE = re.compile(r"^[^\W\d_][^\W_]*(?:[._-][^\W_]+)*$")


# A user name with digits ("freeman1984", "Marianne1", "c1ph4"): one word that starts with
# letters; a date, a count or an address has a separator, a space or a leading digit.
_NUMBERED_HANDLE = re.compile(r"^[^\W\d_]{2,}[^\W_]*$")


_FURNITURE_TAIL = re.compile(r"\s+(?:Edit|Follow|FOLLOW|Shares?|Teilen|Twitter|Facebook|LinkedIn|"
                             r"Instagram|E-?[Mm]ail|Author|Autor|Autorin|Auteur)$"
                             # "Jane Doe @jdoe": the writer's handle beside the name.
                             r"|\s+@[\w.]+$"
                             # "Jane Doe 4 min read", "Jane Doe Published 3 hours ago",
                             # "Jane Doe Updated 5:30 PM": the page's stamps after the name.
                             r"|\s+\d+\s*(?:min|mins|minutes?|minuten|minutos?)\.?(?:\s+\w+){0,2}$"
                             # "Jana Roth vor 3 Stunden", "P. Horvat prije 26 minuta": how long
                             # ago the page was published.
                             r"|\s+(?i:vor|hace|há|prije|pre|il\s+y\s+a)\s+\d+\s+\w+(?:\s+\w+)?$"
                             # "Posted by Jane Doe at 18:52", "Von Jana Roth um 14:30 Uhr": the
                             # time of day after the name.
                             r"|\s+(?i:at|um|à|a\s+las|alle|om)\s+\d{1,2}[:.h]\d{2}\b.*$"
                             # "Jane Doe February": a date in the next element left its
                             # month (the long names only: "April", "June" name people).
                             r"|\s+(?:January|February|September|October|November|December|"
                             r"Februar|Oktober|Dezember)$"
                             # "Medellín Hora de publicación del artículo": a template's
                             # label for the date after the name.
                             r"|\s+(?i:(?:hora|fecha)\s+de\s+publicaci[óo]n)\b.*$"
                             r"|(?:^|\s+)(?i:(?:last\s+)?updated|published|posted|aktualisiert|"
                             r"veröffentlicht|publié|mis\s+à\s+jour|publicado|actualizado|"
                             r"pubblicato|aggiornato|atualizado|bijgewerkt|gepubliceerd|"
                             r"zaktualizowano|opublikowano|uppdaterad|publicerad|opdateret|"
                             r"udgivet|oppdatert|publisert)\b.*$")


# A print button's word before the name ("Print Keith Spera"), and a label printed without
# its space ("ByMalcolm Harris", a label and a link in elements of their own).
_FURNITURE_HEAD = re.compile(r"^(?:(?:Print|Drucken|Imprimer|Imprimir|Stampa)\s+"
                             r"|(?:By|Von|Par|Por)(?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]))")


# German compounds that name a post ("Projektleiterin", "Pressesprecher", "Rechtsanwalt"):
# only as the end of a longer word, for "Leiter" and "Sprecher" are family names too.
_ROLE_ENDINGS = ("leiter", "leiterin", "sprecher", "sprecherin", "referent", "referentin",
                 "direktor", "direktorin", "beauftragter", "beauftragte", "anwalt", "anwältin")


def _is_role(text: str) -> bool:
    lower = text[:1].islower() and not _SURNAME_START.match(text) and not (
        _HANDLE.match(text) and len(text) >= 3)
    return lower or any(_is_role_word(word) for word in _words(text))


def _is_role_word(word: str) -> bool:
    """Whether a case-folded word names a post."""
    return word in _ROLES or (word.endswith(_ROLE_ENDINGS) and len(word) >= 10)


def _agency_only(text: str) -> str | None:
    """If ``text`` is nothing but agency names ("dpa Deutsche Presse-Agentur"), return the
    first as printed."""
    first = None
    rest = text
    while True:
        match = find_agency_match(rest)
        if match is None:
            break
        first = first or match.printed
        rest = rest[: match.start] + " " + rest[match.end:]
    if first and not re.search(r"[^\W\d_]", rest):
        return first
    return None


# Agencies whose names are also family names ("Michael Bloomberg") or words of other names.
_SURNAME_AGENCIES = {"Bloomberg", "Antara", "Andina", "Keystone", "Sipa", "Imago", "Sputnik"}
# ... or names only in capitals ("Jean-Paul Efe" is a person, "Ana Ruiz EFE" an agency's copy).
_NAME_LIKE_AGENCIES = {"efe", "lusa", "belga", "ansa"}


def _agency_tail(segment: str):
    """The agency a capitalized name of two words or more runs on into without a separator
    ("Jane Doe Reuters", "Jane Doe The Associated Press": a name and its agency printed in
    elements of their own), or ``None``."""
    match = find_agency_match(segment)
    if match is None or match.end != len(segment) or match.canonical in _SURNAME_AGENCIES \
            or (match.printed.casefold() in _NAME_LIKE_AGENCIES and not match.printed.isupper()):
        return None
    words = segment[:match.start].split()
    if len(words) >= 2 and all(w[:1].isupper() for w in words):
        return match
    return None


# Words that make a phrase of what precedes a role, not a name ("Letters To The Editor").
_PHRASE_WORDS = {"to", "the", "of", "for", "from", "and", "our", "your", "an"}


def _name_after_role(segment: str) -> str | None:
    """Return the name that follows a role ("dpa-Korrespondent Hans Meier") or, printed
    without a comma, comes before it ("Jane Doe Staff Writer"), if any."""
    tokens = segment.split()
    marks = [i for i, token in enumerate(tokens)
             if any(_is_role_word(w) or w in _NEWSROOM for w in _words(token))
             or find_agency_match(token)]
    if not marks:
        return None
    # Before: only a writer's role, not a newsroom's name alone ("Daily Post Staff").
    before = tokens[:marks[0]] if any(_is_role_word(w) for w in _words(segment)) else []
    for name in (tokens[marks[-1] + 1:], before):
        if 2 <= len(name) <= 4 and all(t[:1].isupper() for t in name) and not _NOISE.search(
                " ".join(name)) and not any(t.casefold() in _PHRASE_WORDS for t in name):
            person, agency = _read_segment(" ".join(name))
            return None if agency else person
    return None


def parse_byline(text: str | None) -> tuple[tuple[str, ...], str | None]:
    """Return the persons a byline names and the agency it names.

    In: a byline as printed (``By AFP``, ``Por Juan Pérez y Ana Gómez``, ``X, corresponsal en
    Bruselas``). Out: ``(persons, agency)``: ``persons`` in printed order without duplicates,
    labels, roles, places, e-mail addresses or dates; ``agency`` the first agency named, as
    printed, or ``None``. An agency is never a person; a newsroom ("Redacción", "Staff") is
    neither. Never raises.
    """
    if not text or not isinstance(text, str):
        return (), None
    return _parse_byline(text)


_PARENTHESIZED = re.compile(r"\(([^()]*)\)")
# The desk's codes of writer and editor joined by a double slash ("Autor: abc//xyz", as
# Polish broadcasters sign): initials in lower case, no name.
_DESK_CODES = re.compile(r"(?<![\w/])[^\W\d_]{2,5}(?://[^\W\d_]{2,5})+(?![\w/])")
_ALONG = re.compile(r"\s*(?:avec|with|con|com|mit)\s+(?=[A-ZÀ-ÖØ-Þ])")


# A source's bylines come back item after item (the same reporters, "Redacción", "By AFP").
@lru_cache(maxsize=4096)
def _parse_byline(text: str) -> tuple[tuple[str, ...], str | None]:
    persons: list[str] = []
    agency: str | None = None
    # Soft hyphens are where a name may break, no part of it ("Mat\xadthi\xadas").
    for field in _FIELDS.split(text.replace("\xad", "")):
        field = clean_text(_LINK.sub(" ", field))
        field = _DESK_CODES.sub(lambda m: " " if m.group(0).islower() else m.group(0),
                                field).strip()
        if names_no_writer(field):  # "作者：未知 责任编辑：X": the editor, no writer named
            continue
        cjk = cjk_names(field)
        if cjk:
            persons.extend(name for name in cjk if name not in persons)
            continue
        dated = _DATE_IN_BYLINE.search(field)
        if dated is not None and dated.start() == 0 and without_date(field) == field:
            continue  # a date alone ("Wednesday, 08 Apr 2020 11:39 PM"): no name in it
        field = without_date(field)
        credit = _OTHER_CREDIT if BYLINE_LABEL.match(field) else _OTHER_CREDIT_APART
        field = credit.sub("", _strip_label(field))
        # Parentheses hold an agency ("Ana Gómez (EFE)"), a place or an address: never a person.
        # Innermost first, until none is left ("((EFE))" leaves no "( )" behind).
        # ... except the co-writers a byline adds there: "Par X (avec Y et Z)".
        also = ""
        while (inners := _PARENTHESIZED.findall(field)):
            for inner in inners:
                match = find_agency_match(inner)
                agency = agency or (match.printed if match else None)
                along = _ALONG.match(inner)
                also += f", {inner[along.end():]}" if along else ""
            field = _PARENTHESIZED.sub(" ", field)
        for segment in _segments(field + also):
            person, named = _read_segment(segment)
            agency = agency or named
            # "Markus Roth, London, Beat Keller", "Ana Ruiz | Madrid": after a person's full
            # name, a place's name alone is where the person filed from.
            if person and any(len(p.split()) >= 2 for p in persons) and (
                    _OUTLET.match(person) or _is_place(person)):
                continue
            if person and person not in persons:
                persons.append(person)
    if agency and persons:
        # "MADRID (EUROPA PRESS)", "Berlin (dpa)": the dateline of an agency's copy; the place
        # is where it was filed, no writer.
        persons = [p for p in persons if not _is_place(p)]
    return tuple(persons), agency


_PLACE_WORDS = 3
# After a person's full name, the outlet the person writes for: an acronym ("By Jane Doe,
# CNN", "Von Jana Roth, NDR"), a name that is a news service's or a paper's ("BBC News",
# "Los Angeles Times", "Harbour Gazette") or that begins with "The" ("Jane Doe, The Local").
# In capitals too ("USA TODAY"), with the article of another language ("El Sol de México",
# "Die Zeit", "Il Foglio", "Het Parool"; not "Le", a Vietnamese family name), or its domain
# ("Keith Spera, NOLA.com").
_OUTLET = re.compile(r"^(?:[A-Z][A-Z0-9&]{1,5}|(?:The|El|La|Il|Der|Die|Het|Les)\s.+|"
                     r"[\w-]+\.(?:com|net|org|[a-z]{2})|"
                     r".+\s(?i:News|Online|Times|Post|Journal|Tribune|Herald|Gazette|Chronicle|"
                     r"Telegraph|Observer|Magazine|Zeitung|Today|Daily|Radio|TV))$")


# The joiners of a byline printed in capitals ("POR ANA RUIZ Y LUIS VIDAL"); "E" only between
# names of two words or more ("JOHN E SMITH" has a middle initial).
def _caps_joined(field: str) -> str:
    words = field.split(" ") if field.isupper() else []
    for i, word in enumerate(words[1:-1], 1):
        if word in ("Y", "ET", "UND", "ED") or (word == "E" and i >= 2 and len(words) - i >= 3):
            words[i] = word.lower()
    return " ".join(words) if words else field


def _segments(field: str) -> list[str]:
    """The author slots of a byline field, split at its joiners; a family name joined by "e"
    or "y" to a full name is the same person's ("José Volta e Pinto", "Ana Ruiz y Pérez"):
    a single word is no second person."""
    field = _caps_joined(field)
    parts = _JOINERS.split(field)
    joiners = _JOINERS.findall(field)
    slots = [parts[0]]
    for joiner, part in zip(joiners, parts[1:]):
        if joiner.strip() in ("e", "y") and len(slots[-1].split()) >= 2 \
                and len(part.split()) == 1 and part[:1].isupper():
            joiner = joiner.strip().upper() if slots[-1].isupper() else joiner.strip()
            slots[-1] = f"{slots[-1]} {joiner} {part}"
        else:
            slots.append(part)
    return slots


def _is_place(name: str) -> bool:
    """Whether ``name`` is a place's name and nothing else, as news texts name places: a
    country, a region, a capital or a big city ("London", "New York", "Bruselas")."""
    if len(name.split()) > _PLACE_WORDS:
        return False
    return any(m.text == name and m.place.kind in (places.KIND_CITY, places.KIND_COUNTRY,
                                                   places.KIND_REGION)
               for m in places.gazetteer().find_mentions(name))


_NAME_BY_NAME = re.compile(r"(\S+\s.+?)\s+(?:[Bb]y|[Vv]on|[Pp]ar|[Pp]or)\s+\1")


def _once(name: str) -> str:
    """A name printed twice over, as an avatar's text and the link beside it give it ("Jane
    Doe Jane Doe"), once."""
    labelled = _NAME_BY_NAME.fullmatch(name)  # "Jane Doe By Jane Doe"
    if labelled:
        return labelled.group(1)
    # Run together without a space ("Jane DoeJane Doe": two elements' texts joined).
    middle = len(name) // 2
    if len(name) % 2 == 0 and " " in name and name[:middle] == name[middle:]:
        return name[:middle]
    words = name.split()
    half = len(words) // 2
    if half >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    # One word twice: a user or channel name ("jesusfreak jesusfreak", "Confreaks Confreaks").
    # A short one may be a person's given name doubled ("Jing Jing", "Mei Mei").
    if len(words) == 2 and words[0] == words[1] and (
            len(words[0]) > _DOUBLED_NAME_CHARS or not words[0][:1].isupper()):
        return words[0]
    return name


#: The longest word printed twice that may be a person's name ("Jing Jing").
_DOUBLED_NAME_CHARS = 5


def _read_segment(segment: str) -> tuple[str | None, str | None]:
    """Return ``(person, agency)`` for one author slot of a byline."""
    previous = None
    while segment != previous:  # until stable, so a person re-reads as itself
        previous = segment
        segment = _strip_edges(_strip_label(_strip_edges(clean_text(segment))))
        segment = _DANGLING.sub("", _POST_NOMINAL_TAIL.sub("", _PLACE_TAIL.sub("", segment)))
        if segment.casefold() in _NOT_NAMES:
            return None, None  # before its tail goes: "No Author" is no "No"
        segment = _once(_FURNITURE_TAIL.sub("", _OUTLET_TAIL.sub(r"\1", segment)))
        segment = _FURNITURE_HEAD.sub("", segment)
    if not segment or not re.search(r"[^\W\d_]", segment) or _POST_NOMINALS.match(segment) \
            or segment.casefold() in _NOT_NAMES or segment.casefold() in _WEEKDAY_NAMES \
            or segment.casefold().rstrip(".") in _MONTH_SHORT:
        return None, None  # a weekday alone is what a date in another element left
    only = _agency_only(segment)
    if only:
        return None, only
    place = _PLACE_HEAD.match(segment)  # "Em São Paulo": where the copy was filed
    if place and _is_place(segment[place.end():]):
        return None, None
    tail = _agency_tail(segment)
    if tail is not None:
        return _read_segment(segment[:tail.start])[0], tail.printed
    if _LEGAL_FORM.search(segment):
        return segment, None  # a company, whole: "Web Commerce GmbH" is no "Web" newsroom
    if is_newsroom(segment) or _is_role(segment):
        match = find_agency_match(segment)  # "Redacción EFE", "corresponsal de AFP"
        return _name_after_role(segment), match.printed if match else None
    if (_NOISE.search(segment) and not _NUMBERED_HANDLE.match(segment)) \
            or len(segment.split()) > 6 or _DOMAIN.fullmatch(segment):
        return None, None  # an address, a date or a sentence, not a name
    # "Jane Doe Jane Doe": an avatar's text and the name, or a name and its link, run together
    # (a one-word name twice may be a person's: "Jing Jing").
    words = segment.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half >= 2 and words[:half] == words[half:]:
        return " ".join(words[:half]), None
    return segment, None
