"""The text a language detector reads: markup, URLs and addresses removed, letters counted.

Part of :mod:`normalize.language`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import NamedTuple

MAX_CHARS = 500           # the prepared text is cut here (py3langid's cost grows with length)

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


class _Letters(NamedTuple):
    letters: int     # str.isalpha
    capitals: int    # str.isupper
    non_latin: int   # _NON_LATIN_LETTER


def _count_letters(text: str) -> _Letters:
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
    return _Letters(letters, capitals, non_latin)


class _Prepared(NamedTuple):
    text: str
    letters: int
    non_latin: float


def _prepare(text) -> _Prepared:
    """Return the text a detector should read, its letter count and its non-Latin share."""
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
    if len(text) > MAX_CHARS:
        cut = text.rfind(" ", 0, MAX_CHARS)
        text = text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]
    counted = _count_letters(text)
    letters = counted.letters
    if not letters:
        return _Prepared("", 0, 0.0)
    # Wire headlines in capitals: langdetect skips capitalised runs, py3langid models lowercase.
    if counted.capitals > 0.6 * letters:
        text = text.lower()
        counted = _count_letters(text)  # lowercasing can move a letter in or out of Latin
    return _Prepared(text, letters, counted.non_latin / letters)
