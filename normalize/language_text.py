"""The text language detection reads: markup, addresses and links removed, whitespace and
capitals evened out, cut to a length; with its letter counts (see :func:`prepare`)."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import NamedTuple


_TAG = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00aa\u00b5\u00ba\u00c0-\u024f\u1e00-\u1eff]")


# Characters are counted per class on the Latin-1 part of a text with one bytes.translate and
# bytes.count (C speed); the characters beyond Latin-1 are few in our languages and are asked
# one by one. The table gives each Latin-1 character its class as str.isalpha, str.isupper and
# _NON_LATIN_LETTER see it (the latter matches six of them: superscripts and fractions).
_OTHER, _LETTER, _CAPITAL, _NON_LATIN = b"\x00", b"\x01", b"\x02", b"\x03"


def _latin1_class(char: str) -> bytes:
    if char.isupper():
        return _CAPITAL
    if char.isalpha():
        return _LETTER
    return _NON_LATIN if _NON_LATIN_LETTER.match(char) else _OTHER


_LATIN1_CLASSES = b"".join(_latin1_class(chr(code)) for code in range(256))
_BEYOND_LATIN1 = re.compile(r"[^\x00-\xff]")


class Letters(NamedTuple):
    """Letter counts of a text."""

    letters: int     # str.isalpha
    capitals: int    # str.isupper
    non_latin: int   # _NON_LATIN_LETTER


def count_letters(text: str) -> Letters:
    """How many characters of ``text`` are letters, capitals and non-Latin letters."""
    narrow = text.encode("latin-1", "ignore")
    classes = narrow.translate(_LATIN1_CLASSES)
    capitals = classes.count(_CAPITAL)
    letters = classes.count(_LETTER) + capitals
    non_latin = classes.count(_NON_LATIN)
    if len(narrow) != len(text):
        wide = _BEYOND_LATIN1.findall(text)
        letters += sum(map(str.isalpha, wide))
        capitals += sum(map(str.isupper, wide))
        non_latin += len(_NON_LATIN_LETTER.findall("".join(wide)))
    return Letters(letters, capitals, non_latin)


class Prepared(NamedTuple):
    """A text as the detectors read it."""

    text: str
    letters: int
    non_latin: float


def prepare(text, max_chars: int) -> Prepared:
    """Return the text a detector should read (cut to ``max_chars`` at a word boundary), its
    letter count and its non-Latin share. In: str, bytes (UTF-8) or anything printable."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = "" if text is None else str(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "://" in text or "www." in text.lower():
        text = _URL.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    # Runs of whitespace become one space. The common case (newlines between title, summary
    # and body, single spaces otherwise) is checked first: splitting is the slower way.
    spaced = text.replace("\n", " ")
    if (spaced.isprintable() and "  " not in spaced
            and not spaced.startswith(" ") and not spaced.endswith(" ")):
        text = spaced
    else:
        text = " ".join(text.split())
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
    counted = count_letters(text)
    letters = counted.letters
    if not letters:
        return Prepared("", 0, 0.0)
    # Wire headlines in capitals: langdetect skips capitalised runs, py3langid models lowercase.
    if counted.capitals > 0.6 * letters:
        text = text.lower()
        counted = count_letters(text)  # lowercasing can move a letter in or out of Latin
    return Prepared(text, letters, counted.non_latin / letters)
