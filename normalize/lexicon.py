"""Word-frequency evidence for short texts: which language makes these words likely?

Character n-gram models (py3langid, langdetect) need a few dozen letters; a headline fragment of
two words gives them too little, and Spanish and Portuguese share most n-grams. Whole words settle
it: "uma casa" is Portuguese because ``uma`` is a frequent Portuguese word and no Spanish one.

:func:`log_likelihoods` scores a text under each language's unigram distribution, taken from the
frequency lists the ``wordfreq`` package ships (no network: the lists are package data). A word
missing from a language's list gets :data:`FLOOR`, the probability of a word rarer than any it
lists. Languages the package has no list for (Galician) get no lexical score: the caller keeps
their character-model share instead.

Pure: the lists are loaded on first use per language and cached for the process. When the shell
names a cache folder (``normalize.options.model_cache``, the folder of py3langid's decompressed
model), each list is also kept there as a ``marshal`` file (~4 ms a list to read back, ~9 ms
from wordfreq's file): the forkserver the normalization workers fork from loads them before its
first worker can start. A language wordfreq has no list for is kept as ``None``. Files are
written atomically and read only when they hold a dict or ``None``. wordfreq's own file is read
here without importing wordfreq (its import alone, ftfy and langcodes with it, cost a first run
~0.15 s of CPU, over 1 s of wall on a loaded machine: bench/README.md); when anything about that
fails, wordfreq is asked as before.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import logging
import marshal
import math
import re
import sys
from pathlib import Path

from normalize import options
from normalize.cachefiles import mark_used, prune, write_atomically

log = logging.getLogger(__name__)

# The small lists stop near a frequency of 1e-6; an unlisted word is taken as rarer than that.
FLOOR = 1e-7
LOG_FLOOR = math.log(FLOOR)

#: Copies of one cached list kept for other installs (venvs) sharing the cache folder.
KEEP_COPIES = 3

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*'?", re.UNICODE)


@functools.lru_cache(maxsize=None)
def _frequencies(language: str) -> dict[str, float] | None:
    """The word -> frequency table for ``language``, or ``None`` when wordfreq has none."""
    path = _cache_path(language)
    if path is not None:
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            table = marshal.loads(path.read_bytes())
            if table is None or isinstance(table, dict):
                mark_used(path)
                return table
    table = _from_wordfreq(language)
    if path is not None:
        try:
            write_atomically(path, marshal.dumps(table))
            prune(path, f"wordfreq-small-{language}-*.marshal", KEEP_COPIES)
        except (OSError, ValueError) as error:
            log.warning("cannot cache the word list of %s in %s: %s", language, path.parent, error)
    return table


def _from_wordfreq(language: str) -> dict[str, float] | None:
    path = _data_file(language)
    if path is not None:
        try:
            return _read_list(path) if path.is_file() else None
        except (OSError, ValueError, EOFError) as error:
            log.info("reading wordfreq's list %s directly failed (%s); asking wordfreq", path, error)
    import wordfreq

    if language not in wordfreq.available_languages("small"):
        return None
    return wordfreq.get_frequency_dict(language, "small")


def _data_file(language: str) -> Path | None:
    """wordfreq's small list for ``language`` (it may not exist), found without importing
    wordfreq (~0.15 s: ftfy, langcodes, regex); ``None`` when wordfreq is not installed."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.origin or not language.isalnum():
        return None
    return Path(spec.origin).parent / "data" / f"small_{language}.msgpack.gz"


def _read_list(path: Path) -> dict[str, float]:
    """A list in wordfreq's documented "cBpack" format: gzipped msgpack of a header
    (``{"format": "cB", "version": 1}``) and then, for n = 0, 1, 2..., the words of frequency
    10 ** (-n / 100), as ``wordfreq.get_frequency_dict`` gives them. ``ValueError`` for another
    layout."""
    import gzip
    import zlib

    import msgpack

    data = path.read_bytes()
    try:
        header, *buckets = msgpack.unpackb(gzip.decompress(data), raw=False)
    except (msgpack.UnpackException, ValueError, TypeError, EOFError, zlib.error,
            gzip.BadGzipFile) as error:
        raise ValueError(f"not a wordfreq list: {error}") from None
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"unexpected wordfreq list header {header!r}")
    frequencies: dict[str, float] = {}
    for index, bucket in enumerate(buckets):
        frequency = 10 ** (-index / 100)
        for word in bucket:
            frequencies[word] = frequency
    return frequencies


def _cache_path(language: str) -> Path | None:
    """Where the cache folder keeps wordfreq's answer for ``language`` (``None``: no folder or
    no wordfreq). The name holds the size and mtime of wordfreq's code and of its data file for
    the language ("none" when it has none), and the Python version (``marshal``'s format)."""
    folder = options.model_cache
    spec = importlib.util.find_spec("wordfreq") if folder is not None else None
    if spec is None or not spec.origin or not language.isalnum():
        return None
    code = Path(spec.origin)
    data = code.parent / "data" / f"small_{language}.msgpack.gz"
    try:
        stat = code.stat()
        data_stat = data.stat() if data.is_file() else None
    except OSError:
        return None
    data_key = "none" if data_stat is None else f"{data_stat.st_size}-{data_stat.st_mtime_ns}"
    return Path(folder) / (f"wordfreq-small-{language}-{data_key}-code-{stat.st_size}-"
                           f"{stat.st_mtime_ns}-py{sys.version_info[0]}{sys.version_info[1]}"
                           ".marshal")


def has_lexicon(language: str) -> bool:
    """Whether :func:`log_likelihoods` can score ``language``."""
    return _frequencies(language) is not None


def tokens(text: str) -> list[str]:
    """The lowercased words of ``text`` (apostrophes kept inside a word, digits dropped)."""
    return _WORD.findall(text.replace("’", "'").lower())


def _word_log_p(table: dict[str, float], word: str) -> tuple[float, bool]:
    """Log-probability of ``word`` in ``table`` and whether the table knew it.

    An elided form ("dell'anno", "l'homme") is looked up whole first; when the list has only
    its parts, the parts' probabilities multiply, as for two words.
    """
    freq = table.get(word)
    if freq is not None:
        return math.log(freq), True
    if "'" in word:
        parts = [part for part in word.split("'") if part]
        if parts and all(part in table for part in parts):
            return sum(math.log(table[part]) for part in parts), True
    return LOG_FLOOR, False


def log_likelihoods(text: str, languages) -> tuple[dict[str, float], int]:
    """Score ``text`` under each of ``languages`` that has a frequency list.

    In: a plain text and the language codes to score. Out: ``(scores, known)`` where ``scores``
    maps each scorable language to the sum of its words' log-probabilities, and ``known`` is the
    number of words at least one of those languages lists (0 means the words say nothing).
    Never raises.
    """
    words = tokens(text)
    scores: dict[str, float] = {}
    known_any = [False] * len(words)
    for language in languages:
        table = _frequencies(language)
        if table is None:
            continue
        total = 0.0
        for index, word in enumerate(words):
            log_p, known = _word_log_p(table, word)
            total += log_p
            if known:
                known_any[index] = True
        scores[language] = total
    return scores, sum(known_any)
