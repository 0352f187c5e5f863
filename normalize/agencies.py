"""The news and photo agencies we recognise in bylines, datelines, agency lines and credits.

One table, :data:`AGENCIES`: canonical name -> the spellings agencies and portals print
(``EUROPA PRESS``, ``Agence France-Presse``, ``Keystone-ATS``...). Matching is case-insensitive,
except for names that are also everyday words: inside running text the acronyms among them
(``AP``, ``PA``, ``DIRE``...) count only in capitals and the words (``belga``, ``lusa``,
``ansa``...) only when not all lowercase, so "dire" in a French sentence or "la capital belga" in
a Spanish one names no agency. A whole string (:func:`is_agency`) may be in any case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: canonical name -> other spellings (the canonical name itself always matches).
AGENCIES: dict[str, tuple[str, ...]] = {
    # The wire services the portal takes.
    "Europa Press": ("Europapress",),
    "EFE": ("Agencia EFE", "Agência EFE", "Agenzia EFE"),
    "dpa": ("Deutsche Presse-Agentur", "dpa-AFX", "dpa-infocom", "Deutsche Presse Agentur"),
    "AFP": ("Agence France-Presse", "Agence France Presse", "France-Presse", "France Presse"),
    "Reuters": ("Thomson Reuters", "Reuters TV"),
    "AP": ("Associated Press", "The Associated Press"),
    "ANSA": ("Agenzia ANSA", "Agenzia Nazionale Stampa Associata"),
    "Lusa": ("Agência Lusa", "Agencia Lusa"),
    "Agência Brasil": ("Agencia Brasil", "ABr"),
    "PA": ("PA Media", "PA Wire", "Press Association"),
    "AAP": ("Australian Associated Press",),
    "Xinhua": ("Nueva China", "Chine nouvelle", "Neues China", "Nuova Cina", "Nova China",
               "新华社", "新華社"),
    "Kyodo": ("Kyodo News", "共同通信", "共同通信社"),
    "Jiji": ("Jiji Press", "時事通信", "時事通信社"),
    "APA": ("Austria Presse Agentur", "APA-OTS"),
    "Keystone-SDA": ("SDA", "ATS", "Keystone-ATS", "Keystone-SDA-ATS", "Keystone ATS",
                     "Schweizerische Depeschenagentur", "Agence Télégraphique Suisse"),
    "Belga": ("Agence Belga",),
    "ANP": ("Algemeen Nederlands Persbureau",),
    "DIRE": ("Agenzia Dire",),
    "Notimex": (),
    # Other wires that appear in the six languages' copy.
    "AGI": ("Agenzia Italia",),
    "Adnkronos": (),
    "LaPresse": (),
    "Agenzia Nova": (),
    "Servimedia": (),
    "Colpisa": (),
    "Prensa Latina": (),
    "Télam": ("Telam",),
    "Andina": ("Agencia Andina",),
    "Colprensa": (),
    "Estadão Conteúdo": ("Agência Estado", "Estadao Conteudo"),
    "Folhapress": (),
    "Agência O Globo": (),
    "KNA": ("Katholische Nachrichten-Agentur",),
    "Kathpress": (),
    "epd": ("Evangelischer Pressedienst",),
    # The motoring press service whose copy German papers and dealers' sites run
    # ("Autor: Jana Roth/SP-X").
    "SP-X": ("Spot Press Services",),
    "AFX": (),
    "CP": ("The Canadian Press", "Canadian Press", "La Presse Canadienne"),
    "UPI": ("United Press International",),
    "Bloomberg": ("Bloomberg News",),
    # The agencies' own names in their own scripts: each signs its copy on its own site.
    "TASS": ("ITAR-TASS", "ТАСС", "ИТАР-ТАСС"),
    "RIA Novosti": ("RIA", "РИА Новости"),
    "Interfax": ("Интерфакс",),
    "Ukrinform": ("Укрінформ", "Укринформ"),
    "UNIAN": ("УНІАН", "УНИАН"),
    "Sputnik": (),
    "Anadolu": ("Anadolu Agency", "Agencia Anadolu", "Anadolu Ajansı", "AA"),
    "Yonhap": ("연합뉴스",),
    "PTI": ("Press Trust of India",),
    "IANS": (),
    "ANI": (),
    "Bernama": (),
    "Antara": (),
    "NTB": (),
    "TT": (),
    "Ritzau": (),
    "STT": (),
    "PAP": (),
    "CTK": ("ČTK",),
    "MTI": (),
    "SAPA": (),
    # Photo agencies and pools: suppliers in credits such as ``Steve Helber/AP/dpa``.
    "EPA": ("EPA-EFE", "European Pressphoto Agency"),
    "Getty Images": ("Getty",),
    "picture alliance": ("picture-alliance", "Picture Alliance"),
    "Imago": ("IMAGO", "Imago Images"),
    "Keystone": (),
    "Shutterstock": (),
    "iStock": ("iStockphoto",),
    "Adobe Stock": (),
    "Agência Brasil Fotos": (),
    "Photononstop": (),
    "Hans Lucas": (),
    "Sipa": ("SIPA", "Sipa Press"),
    "ZUMA": ("ZUMA Press", "ZUMA Wire"),
    "NurPhoto": (),
    "Anadolu Images": (),
    # Free picture libraries: a credit's whole source ("... sperm quality. Pixabay").
    "Pixabay": (),
    "Unsplash": (),
    "Pexels": (),
}

#: The photo agencies and pools of the table: a credit's supplier, never a text's author.
PHOTO_AGENCIES = frozenset({
    "EPA", "Getty Images", "picture alliance", "Imago", "Keystone", "Shutterstock",
    "Agência Brasil Fotos", "Photononstop", "Hans Lucas", "Sipa", "ZUMA", "NurPhoto",
    "Anadolu Images", "Pixabay", "Unsplash", "Pexels"})

# Acronyms that are also words in one of our six languages (or in names): inside running text
# they count only when printed in capitals.
_WORDLIKE = {"AP", "PA", "DIRE", "APA", "AA", "CP", "TT", "ANI", "RIA", "ABR", "SDA", "ATS",
             "AGI", "PAP", "SIPA", "IMAGO", "GETTY", "ANP", "STT", "SAPA", "AFX", "KEYSTONE"}
# Names that are also adjectives or nouns ("la capital belga", "a economia lusa", "un'ansa del
# fiume", "la región andina"): inside running text they count only when not all lowercase.
_COMMON_WORDS = {"belga", "ansa", "lusa", "andina", "efe", "antara", "sputnik"}


@dataclass(frozen=True)
class AgencyMatch:
    """An agency found in a text: ``canonical`` name, the ``printed`` spelling and its span."""

    canonical: str
    printed: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], re.Pattern]:
    by_key: dict[str, str] = {}
    for canonical, aliases in AGENCIES.items():
        for alias in (canonical, *aliases):
            by_key.setdefault(alias.casefold(), canonical)
    # Longest first, so "dpa-AFX" wins over "dpa" and "APA" over "AP" at the same position.
    names = sorted({alias for alias in by_key}, key=len, reverse=True)
    alternation = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in names)
    pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w])", re.IGNORECASE)
    return by_key, pattern


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _canonical(printed: str) -> str | None:
    return _tables()[0].get(_key(printed))


def find_agency_match(text: str | None) -> AgencyMatch | None:
    """Return the leftmost agency named in ``text`` (longest spelling at that place), or ``None``.

    Names must stand as whole words (``Tim Reuter`` names no agency; ``dpa/lby`` names dpa).
    Acronyms that are also words count only in capitals here. Never raises.
    """
    if not text or not isinstance(text, str):
        return None
    for match in _tables()[1].finditer(text):
        printed = match.group(0)
        canonical = _canonical(printed)
        if canonical is None:
            continue
        if printed.upper() in _WORDLIKE and printed != printed.upper():
            continue
        if printed.casefold() in _COMMON_WORDS and printed == printed.lower():
            continue
        return AgencyMatch(canonical, printed, match.start(), match.end())
    return None


def find_agency(text: str | None) -> str | None:
    """Return the canonical name of the first agency named in ``text``, or ``None``.

    ``find_agency("MADRID, 24 Oct. (EUROPA PRESS) -") == "Europa Press"``. Never raises.
    """
    match = find_agency_match(text)
    return match.canonical if match else None


def canonical_agency(name: str | None) -> str | None:
    """Return the canonical name when the whole of ``name`` is an agency, else ``None``.

    Case-insensitive; surrounding parentheses, ``©`` and trailing dots are ignored, so
    ``canonical_agency("(EUROPA PRESS)") == "Europa Press"``. Never raises.
    """
    if not name or not isinstance(name, str):
        return None
    core = name.strip().strip("().,;:©").strip()
    return _canonical(core) if core else None


def is_agency(name: str | None) -> bool:
    """Return whether the whole of ``name`` is an agency we know (any case). Never raises."""
    return canonical_agency(name) is not None
