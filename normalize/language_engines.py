"""The two detectors :mod:`normalize.language` combines: py3langid (ranked by
:mod:`normalize.langid_fast`) and langdetect, loaded once on first use and shared by threads;
with the small helpers that read their probability dictionaries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import marshal
import os
import sys
import threading
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: every worker writes its own
    fcntl = None

from normalize import langid_fast, options
from normalize.cachefiles import mark_used, prune, sealed, unsealed, write_atomically


@contextlib.contextmanager
def _states_lock(since: int | None) -> Iterator[bool]:
    """Whether this process may write the rankers' states files now: not while another process
    holds the cache folder's ``py3langid-states.lock`` (``flock``; it is writing them). Held
    while the block runs. ``since`` ``None``: no lock is taken, always yes."""
    folder = options.model_cache
    if since is None or folder is None or fcntl is None:
        yield True
        return
    try:
        handle = os.open(os.path.join(folder, "py3langid-states.lock"), os.O_RDWR | os.O_CREAT,
                         0o600)
    except OSError:  # no folder yet, or read-only: the write will say why
        yield True
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: a sibling is writing them now
            yield False
        else:
            yield True
    finally:
        os.close(handle)


def _written_since(ranker: langid_fast.Ranker, since: int | None) -> bool:
    """Whether the states file of ``ranker`` was written after ``since`` (ns since the epoch)."""
    if since is None or options.model_cache is None:
        return False
    path = langid_fast.states_path(options.model_cache, ranker.labels)
    try:
        return path is not None and os.stat(path).st_mtime_ns > since
    except OSError:
        return False


class _Engines:
    """The two detectors, loaded once on first use and shared by every thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._py_model = None
        self._py_rankers: dict[tuple[str, ...] | None, langid_fast.Ranker] = {}
        self._ld_profiles: dict[str, object] = {}
        self._ld_factories: dict[tuple[str, ...], object] = {}
        self._ld_dir = None
        self._ld_langs = None

    def py_model(self) -> langid_fast.Model:
        """py3langid's model (from the cache file in ``options.model_cache``, see langid_fast)."""
        if self._py_model is None:
            with self._lock:
                if self._py_model is None:
                    self._py_model = langid_fast.load_model(options.model_cache)
        return self._py_model

    def py_full(self) -> langid_fast.Ranker:
        """py3langid's ranking over every language of its model (normalized probabilities)."""
        return self.py_restricted(None)

    def py_labels(self) -> frozenset[str]:
        """Codes the py3langid model knows."""
        return frozenset(self.py_model().classes)

    def py_restricted(self, langs: tuple[str, ...] | None) -> langid_fast.Ranker:
        """py3langid's ranking restricted to ``langs`` (all its languages for ``None``)."""
        ranker = self._py_rankers.get(langs)
        if ranker is None:
            model = self.py_model()
            with self._lock:
                ranker = self._py_rankers.get(langs)
                if ranker is None:
                    ranker = langid_fast.Ranker(model, langs)
                    langid_fast.load_states(ranker, options.model_cache)
                    self._py_rankers[langs] = ranker
        return ranker

    def states_to_save(self, unless_written_since: int | None = None) -> bool:
        """Whether :meth:`save_states` has a ranker to write: one that built
        :data:`~normalize.langid_fast.SAVE_MIN_TRANSITIONS` transitions itself, whose file no
        other process wrote after ``unless_written_since``. A sibling writing now is not asked."""
        if options.model_cache is None:
            return False
        with self._lock:
            rankers = list(self._py_rankers.values())
        return any(ranker.built_transitions() >= langid_fast.SAVE_MIN_TRANSITIONS
                   and not _written_since(ranker, unless_written_since) for ranker in rankers)

    def save_states(self, unless_written_since: int | None = None) -> int:
        """Keep the DFA states the rankers have built in ``options.model_cache`` (see
        :func:`normalize.langid_fast.save_states`), except a ranker's whose file another process
        is writing, or wrote after ``unless_written_since`` (``time.time_ns()``; ``None``:
        always write). Out: how many rankers were written."""
        with self._lock:
            rankers = list(self._py_rankers.values())
        with _states_lock(unless_written_since) as free:
            if not free:
                return 0
            return sum(langid_fast.save_states(ranker, options.model_cache) for ranker in rankers
                       if not _written_since(ranker, unless_written_since))

    def ld_available(self) -> frozenset[str]:
        """Languages langdetect has a profile for (``zh-cn``/``zh-tw`` reported as ``zh``)."""
        if self._ld_langs is None:
            self._ld_langs = frozenset(
                _LD_CODE.get(name, name) for name in os.listdir(self._ld_path()))
        return self._ld_langs

    def _ld_path(self):
        if self._ld_dir is None:
            from langdetect.detector_factory import PROFILES_DIRECTORY

            self._ld_dir = PROFILES_DIRECTORY
        return self._ld_dir

    def ld_factory(self, langs: tuple[str, ...] | None):
        """A seeded langdetect factory for ``langs`` (all profiles for ``None``), or ``None``.

        A factory for some languages holds langdetect's own table (word -> a probability per
        language), built at once: the forkserver builds it before the workers fork, and they
        share it. The factory for all languages is asked about few texts (those py3langid reads
        as outside the candidates), so its table is a :class:`_LazyTable`: each worker that
        needs it reads the profiles (~0.02 s) instead of building the whole table (~0.15 s).
        """
        key = langs or ("*",)
        factory = self._ld_factories.get(key)
        if factory is None:
            from langdetect.detector_factory import DetectorFactory

            with self._lock:
                factory = self._ld_factories.get(key)
                if factory is None:
                    names = sorted(os.listdir(self._ld_path()))
                    if langs is not None:
                        names = [n for n in names if _LD_CODE.get(n, n) in langs]
                    if len(names) < 2:
                        return None
                    factory = DetectorFactory()
                    factory.set_seed(0)
                    if langs is None:
                        profiles = [self._ld_profile(name) for name in names]
                        factory.langlist = [profile["name"] for profile in profiles]
                        factory.word_lang_prob_map = _LazyTable(profiles)
                    else:
                        factory.langlist, factory.word_lang_prob_map = self._ld_table(names)
                    self._ld_factories[key] = factory
        return factory

    def _ld_table(self, names: list[str]) -> tuple[list[str], dict[str, list[float]]]:
        """langdetect's profiles ``names`` as a factory holds them: their languages and the
        whole word table. Read back from ``options.model_cache`` when an earlier process kept
        them there (0.6 MB, ~0.004 s against ~0.04 s to build from the profiles' JSON, in the
        forkserver's start: bench/README.md); a missing, stale or damaged file is built again."""
        path = self._ld_table_path(names)
        if path is not None:
            try:
                langlist, table = marshal.loads(unsealed(path.read_bytes()))
                if not (isinstance(langlist, list) and isinstance(table, dict)):
                    raise ValueError("not a langdetect table")
            except (OSError, EOFError, ValueError, TypeError):
                pass
            else:
                mark_used(path)
                return langlist, table
        profiles = [self._ld_profile(name) for name in names]
        langlist = [profile["name"] for profile in profiles]
        table = _LazyTable(profiles).filled()
        if path is not None:
            payload = marshal.dumps((langlist, table))
            with contextlib.suppress(OSError):  # a read-only cache folder: built each time
                write_atomically(path, sealed(payload))
                prune(path, "langdetect-table-*.marshal", 4 * langid_fast.KEEP_COPIES)
        return langlist, table

    def _ld_table_path(self, names: list[str]) -> Path | None:
        """The cache file of :meth:`_ld_table` (``None``: no cache folder), named after the
        profile files (name, size, mtime), the text of this module and the Python version."""
        folder = options.model_cache
        if folder is None:
            return None
        identity = [langid_fast._code_digest(__file__), sys.version_info[:2]]
        try:
            for name in names:
                stat = os.stat(os.path.join(self._ld_path(), name))
                identity.append((name, stat.st_size, stat.st_mtime_ns))
        except OSError:
            return None
        digest = hashlib.blake2b(repr(identity).encode(), digest_size=10).hexdigest()
        return Path(folder) / f"langdetect-table-{digest}.marshal"

    def _ld_profile(self, name: str) -> dict:
        """langdetect's profile file ``name``: ``{"name", "freq", "n_words"}``."""
        profile = self._ld_profiles.get(name)
        if profile is None:
            with open(os.path.join(self._ld_path(), name), encoding="utf-8") as handle:
                profile = self._ld_profiles[name] = json.load(handle)
        return profile


class _LazyTable(dict):
    """langdetect's word -> probabilities table (``DetectorFactory.word_lang_prob_map``), each
    word's list built the first time a detector looks it up.

    The lists are the ones ``DetectorFactory.add_profile`` builds, profile ``k`` giving item
    ``k``: a word's frequency over the profile's count of n-grams of that length for words of 1
    to 3 characters, 0.0 elsewhere; every word of any profile is in the table (longer ones with
    zeros). Detectors only test membership and read lists, which this answers without building
    the table's ~90,000 lists of 55 floats.
    """

    def __init__(self, profiles: list[dict]):
        super().__init__()
        self._freqs = [profile["freq"] for profile in profiles]
        self._totals = [profile["n_words"] for profile in profiles]
        self._words = frozenset().union(*self._freqs)

    def __contains__(self, word) -> bool:
        return word in self._words

    def __missing__(self, word: str) -> list[float]:
        if word not in self._words:
            raise KeyError(word)
        length = len(word)
        if 1 <= length <= 3:
            probs = [freq[word] / totals[length - 1] if word in freq else 0.0
                     for freq, totals in zip(self._freqs, self._totals)]
        else:
            probs = [0.0] * len(self._freqs)
        self[word] = probs
        return probs

    def filled(self) -> dict[str, list[float]]:
        """The whole table as a plain dict (every list built now)."""
        return {word: self[word] for word in self._words}


_LD_CODE = {"zh-cn": "zh", "zh-tw": "zh"}
_ENGINES = _Engines()


def _ld_rank(factory, text: str) -> dict[str, float]:
    """langdetect's probabilities for ``text`` from a fresh seeded detector ({} if no features)."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = factory.create()
    detector.append(text)
    try:
        found = _ld_probabilities(detector)
    except LangDetectException:
        return {}
    ranked: dict[str, float] = {}
    for item in found:
        code = _LD_CODE.get(item.lang, item.lang)
        ranked[code] = ranked.get(code, 0.0) + item.prob
    return ranked


def _ld_probabilities(detector) -> list:
    """What ``detector.get_probabilities()`` returns (raises ``LangDetectException`` as it does),
    from the same random draws and the same float operations in the same order.

    langdetect's trials multiply each language's probability by one drawn n-gram's weight at a
    time (a method call and an indexed loop per draw, up to 7,000 draws a text) and normalize
    after the first draw and every fifth one after it. A language's products between two
    normalizations depend on no other language: here the five draws are taken first, in order,
    and each language's five products computed left to right in one expression
    (bench/README.md). tests/test_language_engines.py compares both on many texts.
    """
    from langdetect.lang_detect_exception import ErrorCode, LangDetectException

    detector.cleaning_text()
    ngrams = _ld_ngrams(detector.text, detector.word_lang_prob_map)
    if not ngrams:
        raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
    table = detector.word_lang_prob_map  # every n-gram extracted is in it
    rows = [table[gram] for gram in ngrams]
    random = detector.random
    random.seed(detector.seed)
    count = len(rows)
    trials, limit = detector.n_trial, detector.ITERATION_LIMIT
    threshold = detector.CONV_THRESHOLD
    langprob = [0.0] * len(detector.langlist)
    for _ in range(trials):
        prob = detector._init_probability()
        alpha = detector.alpha + random.gauss(0.0, 1.0) * detector.ALPHA_WIDTH
        w = alpha / detector.BASE_FREQ
        # Random.choice(seq) is seq[self._randbelow(len(seq))], and _randbelow draws
        # getrandbits(k) until a value is below len(seq): the same values, taken by C-level
        # iterators (lazily: the next trial's gauss() draws right after this trial's last row).
        drawn_rows = map(rows.__getitem__, filter(count.__gt__, iter(
            functools.partial(random.getrandbits, count.bit_length()), None)))
        # draw 0, then normalize
        prob = [p * (w + a) for p, a in zip(prob, next(drawn_rows))]
        fives = zip(drawn_rows, drawn_rows, drawn_rows, drawn_rows, drawn_rows)
        drawn = 0
        while True:
            total = sum(prob)
            prob = [p / total for p in prob]
            # (the probabilities are positive: max is langdetect's running maximum)
            if max(prob) > threshold or drawn >= limit:
                break
            # draws drawn+1 .. drawn+5, then normalize
            r1, r2, r3, r4, r5 = next(fives)
            prob = [p * (w + a) * (w + b) * (w + c) * (w + d) * (w + e)
                    for p, a, b, c, d, e in zip(prob, r1, r2, r3, r4, r5)]
            drawn += 5
        langprob = [kept + p / trials for kept, p in zip(langprob, prob)]
    detector.langprob = langprob
    return detector._sort_probability(langprob)


class _LdNormalized(dict):
    """Code point -> langdetect's ``NGram.normalize`` of its character (for ``str.translate``),
    each computed on first use: langdetect looks up the character's Unicode block for every
    character of every text."""

    def __missing__(self, point: int) -> str:
        from langdetect.utils.ngram import NGram

        value = self[point] = NGram.normalize(chr(point))
        return value


_LD_NORMALIZED = _LdNormalized()


def _ld_ngrams(text: str, table) -> list[str]:
    """What langdetect's ``Detector._extract_ngrams`` gives for ``text`` (its n-grams of 1 to 3
    characters found in ``table``, in order), its ``NGram`` buffer kept in local variables."""
    found: list[str] = []
    grams = " "
    capitalword = False
    for char in text.translate(_LD_NORMALIZED):
        last = grams[-1]
        if last == " ":
            grams = " "
            capitalword = False
            if char == " ":
                continue  # a buffer of one space has no n-gram
        elif len(grams) >= 3:
            grams = grams[1:]
        grams += char
        if char.isupper():
            if last.isupper():
                capitalword = True
        else:
            capitalword = False
        if capitalword:
            continue
        if char != " " and char in table:
            found.append(char)
        if len(grams) >= 2:
            gram = grams[-2:]
            if gram in table:
                found.append(gram)
            if len(grams) == 3 and grams in table:
                found.append(grams)
    return found


def _best(dist: dict[str, float]) -> tuple[str, float]:
    top = max(dist.values())
    # Ties go to the alphabetically first code, so the answer never depends on dict order.
    return min([code for code, prob in dist.items() if prob == top]), top


def _code_of(dist: dict[str, float], prob: float) -> str:
    """The first code in ``dist`` with probability ``prob``."""
    return list(dist)[list(dist.values()).index(prob)]


def _ordered(dist: dict[str, float]) -> list[tuple[str, float]]:
    """``dist`` as (code, probability) pairs, most probable first, ties in code order."""
    # Sorting is stable (reverse=True too): sort by code, then by probability.
    return sorted(sorted(dist.items()), key=itemgetter(1), reverse=True)


def _split_halves(text: str) -> tuple[str, str]:
    middle = len(text) // 2
    cut = text.rfind(" ", 0, middle + 1)
    if cut <= 0:
        cut = text.find(" ", middle)
    if cut <= 0:
        cut = middle
    return text[:cut], text[cut:]
