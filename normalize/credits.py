"""Photo credits as structure, and captions with their trailing credit split off.

Agencies print credits in a few conventions:

- ``Photographer/Source/Supplier``, ``-`` meaning unknown (dpa and its partners):
  ``-/Kremlin/dpa``, ``Steve Helber/AP/dpa``, ``Ryan Walsh/The Canadian Press/AP/dpa`` (the
  middle parts together are the source), ``Kay Nietfeld/dpa`` (photographer, supplier).
- ``Agency/Name`` (Europa Press, EFE): ``EFE/Chema Moya``; which side is the agency is decided
  by :mod:`normalize.agencies`, so ``Eduardo Parra/Europa Press`` and ``Europa Press/Eduardo
  Parra`` give the same record.
- ``Name (Agency)``, ``Name, Agency``, ``Name via Agency``, and a bare agency (``AFP``).
- Any of them behind a label in our six languages and a few more: ``Photo:``, ``Foto:``,
  ``Bild:``, ``Imagen:``, ``Crédit :``, ``Crédito:``, ``Foto di``, ``Photo by``, ``©``,
  ``Bild ©``, ``(c)``, ``Quelle:``, ``Source:``, ``Kuva:`` (Finnish), ``Źródło:`` (Polish)...

:attr:`Credit.text` is the credit without its label and wrapping parentheses
(``Foto: Kay Nietfeld/dpa`` -> ``Kay Nietfeld/dpa``), so a credit re-parses to itself.

Captions: :func:`split_caption` removes a trailing credit (``... – -/Kremlin/dpa``,
``... (Foto: X/dpa)``, ``... Photo: AFP``, ``... | Foto: EFE``) and a leading archive label
(``Archive –``, ``Archivo -``, ``Archiv -``...) or a trailing archive mark (Europa Press's portal:
``... - Eduardo Parra - Europa Press - Archivo``). The archive label is dropped, not kept anywhere:
it says when the picture was taken, not what it shows, and the issue's seed expects the caption
without it.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from normalize.agencies import is_agency
from normalize.model import Credit
from normalize.text import clean_text

logger = logging.getLogger(__name__)

# Labels in front of a credit. Those written without a colon ("Foto di", "Photo by", "©") are
# listed apart: a colon-less label is only trusted after a separator or at the start.
_COLON_LABELS = (
    r"photos?|fotos?|bild(?:er)?|imagen(?:es)?|images?|im[aá]gens?|imagem|immagin[ei]|фото|снимка|"
    r"cr[ée]dits?(?:\s+photos?)?|cr[ée]ditos?|(?:image\s+|photo\s+|picture\s+|mandatory\s+)?credits?|"
    r"fotocredits?|all\s+(?:photos|images|pictures)|"
    r"fotograf[ií]as?|fotografi[ae]|"
    r"photographie|fotografie|photographs?|photograph(?:er|y)|fotograf(?:in|o|a)?|copyright|"
    r"pictures?|pics?|source\s+photo|illustrations?|ilustraci[oó]n|illustrazione|"
    r"ilustra[cç][aã]o|(?:bild)?quelle|sources?|kuva|kuvaaja|źródło|zdj[eę]cie|"
    # "Image source:", "Photo source:"
    r"(?:image|photo|picture|foto)\s+sources?|"
    # Dutch, Hungarian, Turkish, Romanian, Czech and Slovak, Nordic words for picture or source
    r"beeld|fot[oó]|fotoğraf|sursa(?:\s+foto)?|zdroj(?:\s+foto)?|forrás|kilde|källa|lähde|"
    # "Imagen ilustrativa:", "Foto de archivo:"
    r"(?:imagen|foto|fotograf[ií]a|photo|image)\s+(?:ilustrativa|referencial|de\s+archivo|"
    r"d['’]illustration|illustrative)"
)
_WORD_LABELS = (
    r"foto\s+(?:di|von|de|da|by)|photos?\s+(?:by|de|von|via)|fotos?\s+(?:di|von|de|da)|"
    r"bild\s+von|imagen\s+de|picture\s+by|image\s+by"
)
_MARK_LABELS = (r"(?:(?:bild|foto|photo)\s*)?(?:©|\(c\)|copyright\s*(?:©|\(c\))?)"
                r"(?:\s*\d{4}(?:\s*[-–]\s*\d{4})?\b)?")
# The Chinese labels written as a word ("（取自臉書）": "taken from Facebook").
_CJK_WORDS = r"取自|翻[攝摄]自?"
# Chinese and Korean pages put a slash or an equals sign after the label: "圖／騰訊科技",
# "사진=세종시 제공".
_CJK_LABELS = (rf"(?:圖|图|照片|攝影|摄影|사진)\s*[／/=]|{_CJK_WORDS}|"
               # "图片来源：X" (picture's source), "图源：X".
               r"(?:图片|圖片|图|圖)(?:来源|來源|源)\s*[:：]")
_CJK_WORD_LABEL = re.compile(_CJK_WORDS)
_LABEL = re.compile(
    # "Credit...": the New York Times prints an ellipsis where others print a colon.
    # "fot." (Polish)
    rf"(?:(?:{_COLON_LABELS})(?:\s*:|\.\.\.|…)|(?:{_WORD_LABELS})\b|(?:{_MARK_LABELS})|{_CJK_LABELS}"
    r"|fot\.|fotos?\.(?=\s))\s*",
    re.IGNORECASE,
)
_LEADING_LABEL = re.compile(rf"^(?:{_LABEL.pattern})", re.IGNORECASE)
# What every label holds, in lower case: a colon, a mark, or a piece of its words. Searching a
# caption for _LABEL tries the whole alternation at every position; most captions hold none of
# these, and that test is cheap. The pieces have no "i" or "s": under IGNORECASE those also
# match "ı" and "ſ", which str.lower() keeps apart.
_LABEL_HINT = re.compile(r"[:©…／]|\.\.\.|\(c\)|foto|photo|von|mage|ture|copyr|fot\.|фото|снимка|[圖图片影진][／/=]|取自|翻[攝摄]|[来來]源|[图圖]源")

# Archive labels in front of a caption: "Archive –", "Archivo -", "Archiv:", "FILE PHOTO -".
_ARCHIVE = re.compile(
    r"^(?:archives?|archivo|archiv|archivbild|archivfoto|archivio|arquivo|foto\s+de\s+archivo|"
    r"imagen\s+de\s+archivo|photo\s+d['’]archives?|file(?:\s+photo)?|foto\s+d['’]archivio|"
    r"foto\s+de\s+arquivo)"
    r"\s*(?:[-–—:|]+|\.-|$)\s*",
    re.IGNORECASE,
)

# An archive mark after the credit, as Europa Press's portal prints it:
# "Vista general del hemiciclo. - Eduardo Parra - Europa Press - Archivo".
_TRAILING_ARCHIVE = re.compile(
    r"(?:\s+[-–—|]\s+|\s*\(\s*)(?:archives?|archivo|archiv|archivbild|archivio|arquivo|file)"
    r"\s*\)?\s*\.?$",
    re.IGNORECASE,
)
# Separators a caption puts between its text and its credit.
_SEPARATOR = re.compile(r"\s+(?:\||[-–—]{1,2})\s+")
# A caption with none of these holds no separator and no trailing archive mark.
_SEPARATOR_MARK = re.compile(r"[-–—|(]")
_TRAILING_PUNCT = " \t|-–—/,;:([©"
_NOT_PERSON_WORDS = {
    # Stand-ins for a photographer's name.
    "handout", "pool", "archive", "archives", "archivo", "archiv", "archivio", "arquivo", "file",
    "symbolbild", "symbolfoto", "ho", "staff", "stringer", "str", "unknown", "anonymous",
    "desconocido", "inconnu", "unbekannt", "sconosciuto", "desconhecido",
    # Institutions that hand out pictures (they are a source, not a person).
    "kremlin", "ministry", "ministerio", "ministère", "ministerium", "ministero", "ministério",
    "government", "gobierno", "gouvernement", "regierung", "governo", "presidency",
    "presidencia", "présidence", "presidenza", "presidência", "police", "policía", "polizei",
    "polizia", "polícia", "army", "ejército", "armée", "bundeswehr", "esercito", "exército",
    "navy", "nasa", "esa", "un", "eu", "european", "europea", "européen", "européenne",
    "parliament", "parlamento", "parlement", "parlament", "commission", "comisión",
    "kommission", "commissione", "comissão", "council", "consejo", "conseil", "rat",
    "consiglio", "conselho", "union", "unión", "photo", "foto", "press", "prensa", "presse",
    "stampa", "imprensa", "office", "oficina", "bureau", "büro", "ufficio", "gabinete",
    "service", "servicio", "dienst", "servizio", "serviço", "agency", "agencia", "agence",
    "agentur", "agenzia", "agência", "house", "casa", "palace", "palacio", "palais", "palast",
    "palazzo", "palácio", "university", "universidad", "université", "universität",
    "università", "universidade", "museum", "museo", "musée", "museu", "foundation",
    "fundación", "fondation", "stiftung", "fondazione", "fundação", "club", "team", "fc",
    "hospital", "hôpital", "krankenhaus", "ospedale", "department", "departamento",
    "vatican", "vaticano", "vatikan", "white", "élysée", "elysée", "moncloa", "quirinale",
    "planalto", "images", "media", "news", "tv", "television", "televisión", "télévision",
}
# Words saying "handed out by the other name" (Brazilian portals print "Divulgação/Aprosoja").
_HANDOUT = {"handout", "divulgação", "divulgacao", "reprodução", "reproducao", "cortesía",
            "cortesia", "courtesy", "ho", "pr", "privat", "privado", "social media", "redes sociais",
            "redes sociales"}
_PARTICLES = {"de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la", "le",
              "van", "von", "der", "den", "ter", "ten", "zu", "y", "e", "bin", "al", "el", "d'"}
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


_ABBREVIATION_END = re.compile(r"(?:\snuotr|\b(?:Bros|Inc|Co|Corp|Ltd|Ltda|Jr|Sr|Cia|Dept))\.$")


def _strip_wrapping(text: str) -> str:
    """Strip labels, wrapping parentheses and end punctuation until nothing changes."""
    previous = None
    while text != previous:
        previous = text
        text = _LEADING_LABEL.sub("", text.strip(), count=1)
        if text[:1] + text[-1:] in ("()", "[]") and _balanced(text[1:-1]):
            text = text[1:-1]
        # A bracket the caption opened or closed around the credit: "Name/dpa)", "(Name".
        if text.endswith((")", "]")) and not _balanced(text, *(text[-1] == "]" and "[]" or "()")):
            text = text[:-1]
        if text.startswith(("(", "[")) and not _balanced(text, *(text[0] == "[" and "[]" or "()")):
            text = text[1:]
        # (an abbreviation's dot is the name's: "Warner Bros.", "Acme Inc.", "E. Name/LRT nuotr.")
        abbreviated = _ABBREVIATION_END.search(text) is not None
        text = text.strip(" \t.,;:|") + ("." if abbreviated else "")
    return text


def _balanced(text: str, opening: str = "(", closing: str = ")") -> bool:
    depth = 0
    for char in text:
        depth += (char == opening) - (char == closing)
        if depth < 0:
            return False
    return depth == 0


def _is_institution(part: str) -> bool:
    """Whether ``part`` names an institution, an acronym or a stand-in rather than a person."""
    words = re.findall(r"[^\W\d_]+", part)
    if not words:
        return True
    if len(words) == 1 and len(words[0]) > 1 and words[0].isupper():
        return True  # KEYSTONE, NASA, STR: acronyms and agency styles, not names
    return any(word.casefold() in _NOT_PERSON_WORDS for word in words)


def _looks_like_person(part: str) -> bool:
    """Whether a bare ``part`` reads as a person's name: 2–5 capitalised words, no digits."""
    if any(ch.isdigit() for ch in part) or _is_institution(part) or is_agency(part):
        return False
    words = part.split()
    if not 2 <= len(words) <= 5:
        return False
    if not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.casefold() in _PARTICLES for w in words)


def _who(part: str) -> tuple[str | None, str | None]:
    """Return ``(photographer, source)`` for the first part of a ``X/Agency`` credit."""
    if part in ("", "-", "–", "—"):
        return None, None
    return (None, part) if _is_institution(part) else (part, None)


# (photographer, source, supplier)
_Fields = tuple[str | None, str | None, str | None]


def _parse_parts(parts: list[str]) -> _Fields:
    """Read ``Photographer/Source/Supplier`` (or ``Agency/Name``) split into its parts."""
    parts = [None if p in ("", "-", "–", "—", "?") else p for p in parts]
    if len(parts) == 2 and any(p and p.casefold() in _HANDOUT for p in parts):
        # "Divulgação/Aprosoja", "Handout/Reuters": the other side handed the picture out.
        other = next((p for p in parts if p and p.casefold() not in _HANDOUT), None)
        return (None, None, other) if other and is_agency(other) else (None, other, None)
    if len(parts) == 2:
        first, last = parts
        if first and last and is_agency(first) and not is_agency(last):
            # Agency first (``EFE/Chema Moya``, ``Europa Press/Eduardo Parra``).
            return (None, last, first) if _is_institution(last) else (last, None, first)
        if first and last and is_agency(first) and is_agency(last):
            return None, first, last
        photographer, source = _who(first or "")
        return photographer, source, last
    first, *middle, last = parts
    photographer, first_source = _who(first or "")
    source = "/".join(p for p in (first_source, *middle) if p) or None
    return photographer, source, last


def has_leading_label(text: str) -> bool:
    """Whether ``text`` begins with a credit's label ("Credit:", "Photo by", "©", "圖／")."""
    return _may_hold_label(text) and _LEADING_LABEL.match(text.strip()) is not None


def _may_hold_label(text: str) -> bool:
    """Whether ``text`` may hold a credit label (``False`` means :data:`_LABEL` finds none)."""
    return _LABEL_HINT.search(text.lower()) is not None


def _may_hold_separator(text: str) -> bool:
    """Whether ``text`` may hold a separator or an archive mark (``False`` means
    :data:`_SEPARATOR` and :data:`_TRAILING_ARCHIVE` find none)."""
    return _SEPARATOR_MARK.search(text) is not None


def parse_credit(text: str | None) -> Credit | None:
    """Return a photo credit as a :class:`Credit`, or ``None`` for an empty one.

    In: the credit as printed, with or without a label (``Foto: Kay Nietfeld/dpa``,
    ``© AFP``, ``Eduardo Parra (Europa Press)``). Out: ``Credit(text, photographer, source,
    supplier)``, ``text`` being the credit without label or wrapping parentheses; a field is
    ``None`` when the credit does not say it (``-`` means unknown). A bare name that is not an
    agency becomes the photographer when it reads like a person (``John Smith``), else the source
    (``Kremlin``). Never raises.
    """
    if not text or not isinstance(text, str):
        return None
    return _parse_credit(text)


# Agencies print the same few credits again and again (``EFE``, ``-/dpa``, ``Europa Press``).
@lru_cache(maxsize=4096)
def _parse_credit(text: str) -> Credit | None:
    core = _strip_wrapping(clean_text(text))
    if not core or not re.search(r"[^\W_]", core):
        return None
    return Credit(core, *_structure(core))


def _structure(core: str) -> _Fields:
    if _URL.search(core):
        return None, None, None
    if "/" in core:
        parts = [p.strip() for p in core.split("/")]
        if all(len(p) <= 60 for p in parts):
            return _parse_parts(parts)
    dashed = [p.strip() for p in re.split(r"\s+[-–—|]\s+", core)]
    if 1 < len(dashed) <= 4 and any(is_agency(p) for p in dashed):
        # "Eduardo Parra - Europa Press": the same convention with dashes.
        return _parse_parts(dashed)
    paren = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", core)
    if paren:
        photographer, source = _who(paren.group(1).strip())
        return photographer, source, paren.group(2).strip()
    joined = re.fullmatch(r"(.+?)(?:\s*,\s*|\s+via\s+|\s+for\s+|\s+para\s+|\s+pour\s+|\s+für\s+|"
                          r"\s+per\s+)(.+)", core, re.IGNORECASE)
    if joined and is_agency(joined.group(2)):
        return _parse_parts([joined.group(1).strip(), joined.group(2).strip()])
    if is_agency(core):
        return None, None, core
    if _looks_like_person(core):
        return core, None, None
    return None, core, None


def is_credit_shaped(text: str) -> bool:
    """Whether a caption's unlabelled tail reads as a credit (not as more caption)."""
    text = text.strip().strip(".")
    if not text or len(text) > 100 or len(text.split()) > 12 or _URL.search(text):
        return False
    if is_agency(text) or _OUTLET_PHOTO.fullmatch(text) or _PHOTO_WORD_AFTER.search(text):
        return True
    if "/" in text:
        parts = [p.strip() for p in text.split("/")]
        if len(parts) <= 5 and all(len(p.split()) <= 6 for p in parts):
            # ("AP Photo/Name": an agency's photo service)
            return parts[0] in ("-", "") or any(is_agency(p) or _OUTLET_PHOTO.fullmatch(p)
                                                for p in parts)
        return False
    paren = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text)
    if paren:
        return is_agency(paren.group(2)) and len(paren.group(1).split()) <= 6
    via = re.fullmatch(r"(.+?)\s+via\s+(.+)", text, re.IGNORECASE)
    return bool(via and is_agency(via.group(2)))


# "Photo" or "Foto" opening a caption's last parentheses, a capitalised name after it.
_PAREN_WORD_LABEL = re.compile(r"(?i:photos?|fotos?)\s+(?=[^\W\d_])(?=\w*[A-ZÀ-ÞА-Я])")
# "Name via Getty Images"
# A screen grab credited to where it was taken: "Instagram (Screenshot)", "X (captura)".
_SCREENSHOT = re.compile(r"[^\W\d_][\w./@&-]*(?:\s+[\w./@&-]+){0,2}\s*"
                         r"\((?i:screenshots?|screen\s+grab|capture|captura(?:\s+de\s+pantalla)?)\)")
# Lithuanian prints the word "photo" after the credit: "E. Blaževič/LRT nuotr.".
_PHOTO_WORD_AFTER = re.compile(r"^[A-ZÀ-ÞА-Я][^!?]*\s+nuotr(?:\.|auka)?$")
# A label word without its colon after a sentence's end, a capitalised credit after it.
_SENTENCE_WORD_LABEL = re.compile(
    r"[.!?»\"”)]\s+((?i:photos?|fotos?|bild|photograph))\s+((?=[^\W\d_])(?=\w*[A-ZÀ-ÞА-Я])[^.!?]+"
    r"\.?)$")
_VIA_AGENCY = re.compile(r"[^.!?()]+?\s+via\s+[^.!?()]+")
# "HT Photo", "AP Photo", "Staff Photo": an outlet's name and the word photo.
_OUTLET_PHOTO = re.compile(r"(?:[A-Z][\w.&'-]*\s+){1,3}(?:Photos?|Fotos?|Photograph)")
# "Andrew Yee for the Guardian": who took the picture and for whom.
_FOR_OUTLET = re.compile(r"(.+?)\s+for\s+((?:the\s+)?[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,4})")


def _is_named_source(text: str) -> bool:
    """Whether ``text``, in square brackets after a caption, names where the picture comes from:
    one to three capitalised words ("[Rex]", "[Getty]", "[Instagram]")."""
    words = text.split()
    return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) \
        and not any(ch.isdigit() for ch in text)


def _is_named_credit(text: str) -> bool:
    """Whether ``text``, in parentheses after a caption's last sentence, names who took the
    picture: a person (``Teresa Canino Rivera``) or ``Name/Paper`` (``Matt Stone/Boston
    Herald``). An acronym or an institution there is more caption (``(WFP)``)."""
    if _OUTLET_PHOTO.fullmatch(text):
        return True
    for_outlet = _FOR_OUTLET.fullmatch(text)
    if for_outlet:
        return _looks_like_person(for_outlet.group(1))
    parts = [p.strip() for p in text.split("/")]
    if len(parts) == 1:
        return _looks_like_person(text)
    return len(parts) <= 4 and all(
        1 <= len(p.split()) <= 5 and all(w[:1].isupper() or w.casefold() in _PARTICLES
                                         for w in p.split()) for p in parts)


def _is_person_and_outlet(text: str) -> bool:
    """Whether ``text`` is a whole ``Photographer/Outlet`` credit (``Devindra Hardawar/AOL``):
    a person's name, then one or two short capitalised names."""
    if re.search(r"[:;,()\"“”«»!?]", text):
        return False
    parts = [p.strip() for p in text.split("/")]
    return 2 <= len(parts) <= 3 and _looks_like_person(parts[0]) and all(
        1 <= len(p.split()) <= 4 and p[:1].isupper() for p in parts[1:])


# The end of a sentence inside a text: a word of four lower-case letters or more, its stop, and
# more text (not "J. Smith", not "Kay Nietfeld/dpa.").
_HAS_WORD = re.compile(r"[^\W_]")
_SENTENCE_BREAK = re.compile(r"[^\W\dA-Z_]{4,}[.!?]\s+\S")


def _is_short(text: str) -> bool:
    return 0 < len(text) <= 100 and len(text.split()) <= 12 and bool(re.search(r"[^\W_]", text))


_CJK_TAIL = re.compile(r"(?<=。)\s*([^。！？!?，,；;：:()（）【】\[\]]{2,12})$")
_CJK_TEXT = re.compile(r"[\u4e00-\u9fff]")
_CJK_SHOT = re.compile(r"(?:^|(?<=\S)\s+)((?:[\u4e00-\u9fff]{0,8}?[记記]者\s*)?"
                       r"(?:[\u4e00-\u9fff]{2,4}\s+)*[\u4e00-\u9fff]{2,4})\s+[摄攝]$")


def _split_once(caption: str) -> tuple[str, str] | None:
    """Find one trailing credit in ``caption``: return ``(caption before it, credit)``."""
    if is_agency(caption) or _is_person_and_outlet(caption) or caption.casefold() in _HANDOUT \
            or _OUTLET_PHOTO.fullmatch(caption) or _SCREENSHOT.fullmatch(caption) \
            or (_VIA_AGENCY.fullmatch(caption)
                                                    and is_credit_shaped(caption)):
        # the whole "caption" is a credit: "Reprodução", "Ben Gabbe via Getty Images"
        return "", caption
    # "姚明场边支招。视频截图", "共享充电宝。视觉中国 资料": a Chinese caption's last sentence
    # ends with its full stop; a few words after it are the credit.
    tail = _CJK_TAIL.search(caption) if "。" in caption else None
    if tail and _CJK_TEXT.search(caption[:tail.start()]):
        return caption[:tail.start()], tail.group(1)
    # "...正录制视频 李尕 摄": the photographer's name, then "摄" (photographed).
    shot = _CJK_SHOT.search(caption) if "摄" in caption or "攝" in caption else None
    if shot:
        return caption[:shot.start()], shot.group(1)
    # "... (Foto: Kay Nietfeld/dpa)" or "... (AFP)"
    # (full-width parentheses in Chinese and Japanese captions: "（取自臉書）")
    paren = re.search(r"[(（]([^()（）]*)[)）]\s*\.?\s*$|\[([^\[\]]*)\]\s*\.?\s*$", caption) \
        if ")" in caption or "]" in caption or "）" in caption else None
    if paren:
        inner = (paren.group(1) or paren.group(2) or "").strip()
        labelled = _LEADING_LABEL.match(inner)
        worded = None if labelled else _PAREN_WORD_LABEL.match(inner)
        if worded and _is_short(inner[worded.end():]):
            # "... (Photo Lionel Bonaventure. AFP)": a label word without its colon
            return caption[: paren.start()], inner[worded.end():]
        if (labelled and _is_short(inner[labelled.end():])) or is_credit_shaped(inner) or (
                paren.group(2) is not None and _is_named_source(inner)) or (
                re.search(r"[.!?]\s*$", caption[: paren.start()]) and _is_named_credit(inner)):
            # "... Photo: Anna Berger (Reuters)": the agency completes a labelled credit.
            before = caption[: paren.start()]
            labels = _credit_labels(before) if not labelled else []
            if labels and _is_short(before[labels[-1].end():]) and \
                    not re.search(r"[.!?]\s", before[labels[-1].end():]):
                return caption[: labels[-1].start()], caption[labels[-1].start():].strip()
            return before, inner
    # "... – -/Kremlin/dpa", "... | Foto: EFE", "... - AFP"
    separators = list(_SEPARATOR.finditer(caption)) if _may_hold_separator(caption) else []
    if separators:
        last = separators[-1]
        tail = caption[last.end():].strip()
        labelled = _LEADING_LABEL.match(tail)
        if (labelled and _is_short(tail[labelled.end():])) or is_credit_shaped(tail):
            if len(separators) > 1 and is_agency(tail):
                # "... - Eduardo Parra - Europa Press": the photographer is printed apart.
                before = separators[-2]
                name = caption[before.end(): last.start()].strip()
                if _looks_like_person(name):
                    return caption[: before.start()], caption[before.end():].strip()
            return caption[: last.start()], tail
    # "... Photo: AFP", "... Foto di Mario Rossi", "... © Reuters": the last label wins.
    labels = _credit_labels(caption)
    if labels:
        last = labels[-1]
        tail = caption[last.end():].strip()
        # "Bild: A drone neared the carrier. Screenshot from X": a label opening sentences
        # of caption is the caption's word, not a credit's.
        if _is_short(tail.strip(".")) and not _SENTENCE_BREAK.search(tail):
            return caption[: last.start()], caption[last.start():].strip()
    # "... Les habitants seront relogés. Photo VM /Eric NURDIN", "... Personalsituation. Bild
    # Paul Meier": a label word without its colon after the caption's last sentence.
    worded = _SENTENCE_WORD_LABEL.search(caption)
    if worded:
        tail = worded.group(2).strip()
        if _is_short(tail) and not _SENTENCE_BREAK.search(tail) and not tail.endswith(".") and (
                "/" in tail or is_credit_shaped(tail) or _looks_like_person(tail)):
            return caption[: worded.start(1)], tail
    # "Die Intensivstation / picture alliance": a credit after the first spaced slash.
    if " / " in caption:
        head, _, tail = caption.partition(" / ")
        if _HAS_WORD.search(head) and is_credit_shaped(tail):
            return head, tail
    # "The crossing at dawn. Reuters", "... sperm quality. Pixabay": an agency's or a picture
    # library's name alone after the caption's last sentence.
    alone = _LAST_WORDS.search(caption) if "." in caption or "!" in caption else None
    if alone and len(caption[: alone.start(1)].split()) >= 3 \
            and is_agency(alone.group(1).strip()) \
            and not _LABEL.search(caption, max(0, alone.start(1) - 12), alone.start(1)):
        return caption[: alone.start(1)], alone.group(1).strip()
    # "Scholz spricht. Kay Nietfeld/dpa": an unlabelled slashed credit after the last sentence.
    sentence = None
    if "/" in caption:
        sentence = re.search(r"(?:^|[.!?»\"”]\s+)([^.!?]*?/[^!?]*?)\s*$", caption)
    if sentence and "/" in sentence.group(1) and is_credit_shaped(sentence.group(1)):
        parts = [p.strip() for p in sentence.group(1).split("/")]
        if is_agency(parts[0]) or is_agency(parts[-1]) or parts[0] == "-":
            return caption[: sentence.start(1)], sentence.group(1)
    return None


# A caption's alt text, then a separator: what comes after it is the credit.
_AFTER_ALT = re.compile(r"\s*(?:/|\||[-–—]{1,2})\s+")


def credit_after_alt(caption: str, alt: str | None) -> tuple[str, str] | None:
    """``(alt, credit)`` when ``caption`` is the picture's alt text, a separator and a short
    credit ("Trybunał Konstytucyjny / Shutterstock": the caption in bold, its source after it).
    What the alt text says is the caption, however much it reads like a person's name before
    a slash; ``None`` otherwise."""
    alt = clean_text(alt or "")
    if not alt or not caption.startswith(alt):
        return None
    separator = _AFTER_ALT.match(caption, len(alt))
    tail = caption[separator.end():].strip() if separator else ""
    if not tail or not _is_short(tail) or len(tail.split()) > 6 or tail.endswith(".") \
            or _SENTENCE_BREAK.search(tail):
        return None
    return alt, tail


def caption_before_agency(text: str) -> tuple[str, str] | None:
    """``(caption, agency)`` when ``text``, read from a credit's box, is a caption of three
    words or more that is no person's name, a spaced slash and an agency ("President Joe
    Biden, in Washington / AFP"); ``None`` otherwise ("Noah Berger / AP" is a credit)."""
    head, _, tail = text.rpartition(" / ")
    head, tail = head.strip(), tail.strip()
    if not head or "/" in head or not is_agency(tail) or len(head.split()) < 3 \
            or is_agency(head) or _LEADING_LABEL.match(head):
        return None
    # (a comma parts a caption's phrases, never a name's words)
    if _looks_like_person(head) and "," not in head:
        return None
    return head, tail


_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The caption's last words after a sentence: "... a la empresa. Jose A Iglesias".
_LAST_WORDS = re.compile(r"(?:^|[.!?»”\"]\s+)([^.!?]{3,60})$")


def credit_before_address(caption: str | None, credit: str | None) -> tuple[str, str] | None:
    """``(caption, name)`` when the credit's box holds only an e-mail address and the caption
    ends in the photographer's name ("Shoppers at the mall. Jane Q Doe" beside "jdoe@paper.com",
    as McClatchy's papers print it): the name is the credit, the caption stops before it;
    ``None`` otherwise."""
    if not caption or not credit or not _ADDRESS.fullmatch(credit.strip()):
        return None
    last = _LAST_WORDS.search(caption)
    if last is None or not last.start(1) or not _looks_like_person(last.group(1).strip()):
        return None
    return caption[: last.start(1)].rstrip(), last.group(1).strip()


def _credit_labels(text: str) -> list[re.Match]:
    """The credit labels in ``text`` ("Photo:", "Foto di", "©") where a label may start."""
    if not _may_hold_label(text):
        return []
    return [m for m in _LABEL.finditer(text) if _label_may_start(text, m)]


def _label_may_start(caption: str, match: re.Match) -> bool:
    """Whether a label found inside a caption really starts its credit.

    A colon label (``Foto:``) counts anywhere after a word break. A colon-less one (``Foto di``,
    ``©``, ``(c)``) counts at the start or after a separator or a sentence end, and only before
    something that reads as a credit ("una foto di famiglia" and "section (c) of" are prose).
    """
    start = match.start()
    label = match.group(0).strip()
    if caption[:start][-1:] in ('"', "„", "“", "«", "‚", "'"):
        # quoted: the caption tells how to credit it ('Nennung "Bild: X"'); a quote that
        # closes the caption's last sentence is followed by a space ("... had.' Photograph: X")
        return False
    # "festlegt© Bundesregierung": a mark needs no space before it; a word does.
    if start and (caption[start - 1].isalnum() or caption[start - 1] == "_") \
            and label[:1].isalpha():
        return False
    if label.endswith((":", "：", "／", "/", "=")) or _CJK_WORD_LABEL.fullmatch(label):
        return True
    tail = caption[match.end():].strip()
    # After "©" comes a credit, whatever its case ("© jollier_ - stock.adobe.com").
    if not (tail[:1].isupper() or tail[:1] in "-" or is_credit_shaped(tail)
            or label.endswith("©")):
        return False
    before = caption[:start].rstrip()
    return not before or before[-1] in ".!?»\"”)|–—-" or not label[:1].isalpha()


def split_caption(text: str | None) -> tuple[str | None, Credit | None]:
    """Split a caption into its text and its trailing credit.

    In: a caption as printed, e.g. ``Archive – Image du président ... à Saint-Pétersbourg. –
    -/Kremlin/dpa``. Out: ``(caption, credit)``: the caption without credit, without a leading
    archive label and with collapsed white space (``None`` when nothing is left), and the parsed
    :class:`Credit` (``None`` when the caption carries none). An archive mark after the credit
    (``... - Eduardo Parra - Europa Press - Archivo``) goes too. When several credits trail, the
    last printed one is returned and all are removed. The caption returned splits to itself.
    Never raises.
    """
    if not text or not isinstance(text, str):
        return None, None
    caption = clean_text(text)
    credit: Credit | None = None
    previous = None
    while caption != previous:
        previous = caption
        caption = _ARCHIVE.sub("", caption, count=1).strip()
        if _may_hold_separator(caption):
            caption = _TRAILING_ARCHIVE.sub("", caption, count=1).strip()
        found = _split_once(caption)
        if found:
            before, printed = found
            parsed = parse_credit(printed)
            caption = before.rstrip().rstrip(_TRAILING_PUNCT).rstrip()
            if _LEADING_LABEL.fullmatch(before.strip()):
                # "Foto: © GEPA": the first label is the credit's too, no caption
                caption = ""
            if credit is None:
                credit = parsed
    # ". Imagen: Télam" leaves a stop: no caption.
    return (caption if _HAS_WORD.search(caption) else None), credit
