"""Words of news text as the gazetteer looks them up: word tokens and their folded forms.

Part of :mod:`normalize.places` (which re-exports :func:`fold`): a name is found by the folded
tokens of the text (case and accents dropped), each token folded once and cached.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TOKEN = re.compile(r"\w+", re.UNICODE)
_ASCII_TOKEN = re.compile(r"\w+", re.ASCII)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Genève' and 'geneve' compare equal."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():
        return decomposed
    return _COMBINING.sub("", decomposed)


#: Combining marks (accents, cedillas, tildes...) that NFKD splits off letters.
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@lru_cache(maxsize=65536)
def _fold_token(token: str) -> str:
    return fold(token)


#: A character between words that is not ASCII ("’", "—", "«", "™"): see :func:`_joins_words`.
_NON_ASCII_GAP = re.compile(r"[^\w\x00-\x7f]")


@lru_cache(maxsize=4096)
def _joins_words(char: str) -> bool:
    """Whether a character between words folds to a word character ("™" to "TM", "№" to
    "No") or to nothing (a combining accent): the folded text's tokens are then not the tokens
    folded one by one ("out™" is one token once folded, "outTM")."""
    folded = fold(char)
    return not folded or _TOKEN.search(folded) is not None


_LATIN1 = [chr(code) for code in range(256)]
#: The word characters of Latin-1 as one class: a text in Latin-1 (most text in the editions'
#: languages) is tokenized by a table lookup a character, where \w asks the Unicode database.
_LATIN1_TOKEN = re.compile(f"[{re.escape(''.join(filter(_TOKEN.fullmatch, _LATIN1)))}]+")
#: Whether a Latin-1 character between words may join them once folded (none does).
_LATIN1_GAP_JOINS = any(_joins_words(c) for c in _LATIN1 if c >= "\x80" and not _TOKEN.fullmatch(c))


def _words(text: str) -> tuple[list[str], list[str]]:
    """The word tokens of ``text`` and the tokens of its fold, or the tokens folded one by one
    when folding split or merged a token ("½" folds to "1⁄2")."""
    if text.isascii():
        # The same tokens (\w is [A-Za-z0-9_] in ASCII text) at a third of the cost, and
        # folding ASCII text only lowercases it, which lowercases each token.
        words = _ASCII_TOKEN.findall(text)
        return words, list(map(str.lower, words))
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        pass
    else:
        if not _LATIN1_GAP_JOINS:
            # The same tokens as \w gives, 25% faster; and no gap to look at (below).
            words = _LATIN1_TOKEN.findall(text)
            return words, list(map(_fold_token, words))
    words = _TOKEN.findall(text)
    if not any(map(_joins_words, _NON_ASCII_GAP.findall(text))):
        # No character between the words joins them once folded: the folded text's tokens are
        # the tokens folded one by one (or, where a token folds to two, were read so), which
        # the cache mostly knows: a third less time than folding the whole text and
        # tokenizing it again (bench/README.md).
        return words, list(map(_fold_token, words))
    folded = _TOKEN.findall(fold(text))
    if len(folded) != len(words):
        folded = [_fold_token(word) for word in words]
    return words, folded
