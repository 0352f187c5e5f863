"""py3langid's ranking without its per-call costs, and its model without its load time.

:class:`Ranker` gives the probabilities of py3langid's ``LanguageIdentifier.rank`` with
``norm_probs=True`` (restricted to some languages or not), within float rounding: py3langid
works in float32, we in float64 and exact fixed point; on our labelled texts they differ by less
than 1e-5, at about half the cost per text (figures in bench/README.md).

- py3langid walks its byte DFA in a Python loop with three table look-ups per byte. Here each
  DFA state is a small dict (byte -> next state) filled in the first time a text takes that
  transition, so the walk is ``itertools.accumulate(data, dict.__getitem__)``: a loop in C.
  Each ranker keeps its own states, so a state can carry the ranker's view of the feature it
  emits: a :class:`_Feature` object, one per feature, counted by identity into a plain dict.
- py3langid gathers float16 rows with numpy and multiplies them in, then runs a numpy softmax
  over a handful of classes (numpy's per-call cost dominates at that size). Here a feature holds,
  for each count ``c`` it has been seen with, its log-probabilities for the ranker's classes
  times log1p(c), packed into one Python int (a 64-bit fixed-point field per class), so a text's
  log-likelihoods are one C-level ``sum()`` and one unpacking; the softmax is plain Python.
  :meth:`Ranker.best` skips the softmax when the caller needs only the best label, not its
  probability, and the log-likelihoods already name it beyond doubt.

:func:`load_model` (:mod:`normalize.langid_model`) gives the model, mapped from a cache file.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import math
import struct
import sys
import threading
import unicodedata
from array import array
from collections import _count_elements
from itertools import accumulate, compress, repeat
from operator import add, attrgetter, itemgetter, mul, sub, truediv
from pathlib import Path

from normalize.cachefiles import mark_used, prune, sealed, unsealed, write_atomically
# The model and its cache file (``langid_fast.load_model`` as callers have always named it).
from normalize.langid_model import KEEP_COPIES, Model, cache_path, load_model  # noqa: F401

log = logging.getLogger(__name__)

_NO_FEATURE = -1

# Fixed point for the packed scores: a float16 log-probability times 2**24 is a whole number
# (|value| <= 65504 < 2**16); times log1p(count) it is rounded to one (off by <= 2**-25). The
# weights of a text's features add up to at most 0.7 per byte, so a 64-bit field holds the sum
# for texts up to 2**22 bytes.
_SCALE = 1 << 24
MAX_TEXT_BYTES = 1 << 22
# A ranker keeps the DFA states texts have visited (some tens of thousands for news in its
# languages, built over the first few thousand texts of a process); past this many transitions,
# or this many states' worth of keys (~32 MB), it starts afresh, so that no input grows it
# without bound.
MAX_TRANSITIONS = 400_000
_STATES_MEMORY = 32 << 20


class _Feature(list):
    """A feature as one ranker sees it: item ``c`` is its log-probabilities for the ranker's
    classes times log1p(c) (the weight py3langid gives a feature seen ``c`` times), in fixed
    point, packed. Items are added as higher counts turn up (:meth:`extend_to`).

    One object per feature, hashed by identity: counting them counts features. ``keys``: the
    items as a snapshot kept them (:meth:`Ranker.restore`). Item 1 of a new feature is read
    through :func:`_first_keys` from the bit patterns of its row; the row's values are read
    only when a higher count turns up.
    """

    __slots__ = ("_number", "_ranker", "_values")
    __hash__ = object.__hash__

    def __init__(self, number: int, ranker: Ranker, keys: list[int] | None = None):
        if keys is None:
            keys = [0, ranker._packing.pack(map(ranker._first_keys.__getitem__,
                                                ranker._bit_patterns(number)))]
        super().__init__(keys)
        self._number = number
        self._ranker = ranker
        self._values = None

    def extend_to(self, count: int) -> None:
        """Make sure item ``count`` exists."""
        # Appends stay valid for a thread summing meanwhile; the lock keeps two threads from
        # appending the same count twice.
        with _EXTEND_LOCK:
            if len(self) <= count and self._values is None:
                self._values = self._ranker._log_probabilities(self._number)
            for more in range(len(self), count + 1):
                self.append(self._key(self._values, self._ranker._packing, more))

    @staticmethod
    def _key(values: tuple[float, ...], packing: _Packing, count: int) -> int:
        return packing.pack(map(round, map(mul, values, repeat(math.log1p(count) * _SCALE))))


_EXTEND_LOCK = threading.Lock()
_FIRST_KEYS: list[int] = []


def _first_keys() -> list[int]:
    """A feature's item 1, class by class (:meth:`_Feature._key` for count 1), for every float16
    by its bit pattern: ``round(value * log1p(1) * _SCALE)`` (0 for infinities and NaNs, which
    the model holds none of). Made once a process (~10 ms; a forkserver's workers inherit it):
    ~17,800 features a worker's first run meets (bench/README.md) each read their values
    through it, instead of a multiplication and a rounding each."""
    if not _FIRST_KEYS:
        factor = math.log1p(1) * _SCALE  # the same float as _key's for count 1
        values = struct.unpack("<65536e", array("H", range(65536)).tobytes())
        _FIRST_KEYS[:] = [round(value * factor) if value - value == 0 else 0 for value in values]
    return _FIRST_KEYS


class _State(dict):
    """A DFA state, as one ranker sees it: byte -> next state, filled in on first use.

    ``feature`` is the :class:`_Feature` the state emits (``None`` for none).
    """

    __slots__ = ("feature", "number", "_base", "_ranker")

    def __missing__(self, byte: int) -> _State:
        return self._ranker._step(self, byte)


_FEATURE = attrgetter("feature")
_NUMBER = attrgetter("number")
# Subclasses of dict and list answer ``x[i]`` through a generic slot that looks the method up
# on every call; their base class's method is called directly instead (bench/README.md).
_STEP = dict.__getitem__
_KEY = list.__getitem__


class _Packing:
    """Several signed numbers in one int: a 64-bit field each, number ``k`` at bits ``64k``.

    Such ints add field by field as long as no field overflows, so the sum of many packed rows
    is the packed sum of the rows: one C-level ``sum()`` instead of a Python loop per class.
    """

    def __init__(self, fields: int):
        self._format = struct.Struct(f"<{fields}q")
        # With every field's sign bit flipped, the int's bytes are the fields' two's complement.
        self._signs = int.from_bytes(struct.pack(f"<{fields}Q", *[1 << 63] * fields), "little")

    def pack(self, numbers) -> int:
        return (int.from_bytes(self._format.pack(*numbers), "little") ^ self._signs) - self._signs

    def unpack(self, packed: int) -> tuple[int, ...]:
        flipped = (packed + self._signs) ^ self._signs
        return self._format.unpack(flipped.to_bytes(self._format.size, "little"))


class Ranker:
    """py3langid's ``rank`` over ``langs`` (all the model's classes for ``None``).

    Same semantics as a ``LanguageIdentifier(norm_probs=True)`` restricted with
    ``set_languages(langs)``: the text is lowercased when all upper case, NFC-normalized and
    UTF-8 encoded; scores are tempered by 1/sqrt(bytes); a label held by two classes gets the sum
    of their probabilities. Raises ``ValueError`` for a language the model does not know.
    Safe to share between threads.
    """

    def __init__(self, model: Model, langs=None):
        if langs is not None:
            unknown = set(langs) - set(model.classes)
            if unknown:
                raise ValueError(f"unknown language code(s): {sorted(unknown)}")
        wanted = set(model.classes if langs is None else langs)
        columns = [index for index, label in enumerate(model.classes) if label in wanted]
        column_labels = [model.classes[index] for index in columns]
        first = {}
        for position, label in enumerate(column_labels):
            first.setdefault(label, position)
        self.model = model
        self.labels = tuple(first)
        self._aliases = [(first[label], position) for position, label in enumerate(column_labels)
                         if first[label] != position]
        self._firsts = [first[label] == position for position, label in enumerate(column_labels)]
        self._priors = [model.priors[index] for index in columns]
        self._column_labels = column_labels
        self._log_probabilities = model.row_reader(columns)
        self._bit_patterns = model.row_reader(columns, raw=True)
        self._first_keys = _first_keys()
        self._packing = _Packing(len(columns))
        self._packed_priors = self._packing.pack([round(prior * _SCALE) for prior in self._priors])
        self._max_states = max(1024, _STATES_MEMORY // (16 * len(columns) + 400))
        self._lock = threading.Lock()
        #: Transitions taken over by :meth:`restore` (0: none); the others were built here.
        self.restored_transitions = 0
        self._start_afresh()

    def rank(self, text: str) -> list[tuple[str, float]]:
        """``[(language, probability), ...]`` best first, one entry per label (as py3langid)."""
        return sorted(self.probabilities(text).items(), key=itemgetter(1), reverse=True)

    def probabilities(self, text: str) -> dict[str, float]:
        """``{language: probability}`` in label order; the probabilities sum to 1."""
        counts, size = self._walk(text)
        shares = self._shares(counts, size)
        return dict(zip(self.labels, shares))

    def best(self, text: str, wanted=None) -> tuple[str, float | None]:
        """The most probable label and its probability, as ``max`` over :meth:`probabilities`
        gives them (ties to the alphabetically first label). ``wanted``: a test of the label
        (``None``: every label); for a label it rejects the probability is ``None``.

        A text's label is usually clear from the log-likelihoods alone: then neither the
        softmax over every class nor the dict is made unless the probability is wanted.
        """
        counts, size = self._walk(text)
        if counts and wanted is not None:
            # Scores up to the factor temper / _SCALE, in fixed point (priors off by <= 1/2).
            approx = self._packing.unpack(self._total(counts) + self._packed_priors)
            top = max(approx)
            # Every other class >= 0.01 below the top in score (its weight <= 0.99 of the top
            # one's; fixed point and float rounding are ~1e-7 of a score): the top class's label
            # has the highest probability and no tie, unless an aliased pair adds up to it.
            margin = int(0.01 * _SCALE * math.sqrt(size)) + 1
            if sum(map((top - margin).__lt__, approx)) == 1:
                leader = approx.index(top)
                label = self._column_labels[leader]
                if not wanted(label) and self._clear_of_aliases(approx, leader, top, margin):
                    return label, None
        shares = list(self._shares(counts, size))
        top = max(shares)
        label = min([label for label, share in zip(self.labels, shares) if share == top])
        return label, (top if wanted is None or wanted(label) else None)

    def _clear_of_aliases(self, approx, leader: int, top: int, margin: int) -> bool:
        """Whether no label held by two classes (neither of them ``leader``) adds up to within
        0.98 of the leader's weight (``margin`` is a score of 0.01 in ``approx``'s units)."""
        for first, dupe in self._aliases:
            if leader != first and leader != dupe and (
                    math.exp((approx[first] - top) * 0.01 / margin)
                    + math.exp((approx[dupe] - top) * 0.01 / margin) > 0.98):
                return False
        return True

    def _walk(self, text: str) -> tuple[dict, int]:
        """The features of ``text`` counted (feature -> count), and its length in bytes (as
        py3langid reads it)."""
        if text.isupper():
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass")
        if len(data) > MAX_TEXT_BYTES:
            raise ValueError(f"text too long to rank: {len(data)} bytes > {MAX_TEXT_BYTES}")
        if self._full:
            with self._lock:
                if self._full:
                    self._start_afresh()
        # The walk: the start state, then the state after each byte; count the features they
        # emit (filter drops the states that emit none; a _Feature is never empty). Counting
        # by identity needs every state of one walk from one set of states: a walk that another
        # thread's fresh start cut across is made again.
        # Counted by Counter's own C loop into a plain dict: Counter() itself adds ~1.4 µs of
        # Python calls a walk (bench/README.md).
        while True:
            root = self._root
            counts: dict = {}
            _count_elements(counts, filter(None, map(_FEATURE, accumulate(data, _STEP,
                                                                          initial=root))))
            if root is self._root:
                return counts, len(data)

    def _shares(self, counts: dict, size: int):
        """The labels' probabilities, in label order (an iterable)."""
        if counts:
            # Softmax of (log-likelihood + log-prior) / sqrt(bytes). (C-level maps: the loops
            # run over every class for every text.)
            temper = 1.0 / math.sqrt(size)
            scores = list(map(add, map(mul, self._log_likelihoods(counts), repeat(temper / _SCALE)),
                              map(mul, self._priors, repeat(temper))))
            weights = list(map(math.exp, map(sub, scores, repeat(max(scores)))))
        else:
            # No feature at all: every class is as likely (py3langid scores them all 0).
            weights = [1.0] * len(self._priors)
        shares = map(truediv, weights, repeat(sum(weights)))
        if not self._aliases:
            return shares
        shares = list(shares)
        for first, dupe in self._aliases:
            shares[first] += shares[dupe]
        return compress(shares, self._firsts)

    def _log_likelihoods(self, counts: dict) -> tuple[int, ...]:
        """Sum over features of log1p(count) * log P(feature | class) * 2**24, per class."""
        return self._packing.unpack(self._total(counts))

    def _total(self, counts: dict) -> int:
        """:meth:`_log_likelihoods`, packed."""
        try:
            return sum(map(_KEY, counts, counts.values()))
        except IndexError:  # a feature seen more often than before: its key for that count
            for feature, count in counts.items():
                if len(feature) <= count:
                    feature.extend_to(count)
            return sum(map(_KEY, counts, counts.values()))

    # --- the DFA states this ranker has seen ---

    def _start_afresh(self) -> None:
        self._states: dict[int, _State] = {}
        self._features: dict[int, _Feature] = {}
        self._transitions = 0
        self.restored_transitions = 0
        self._full = False
        self._root = self._state(0)

    def _state(self, number: int) -> _State:
        state = self._states.get(number)
        if state is None:
            model = self.model
            state = _State()
            feature = model.outputs[number]
            state.feature = None if feature == _NO_FEATURE else self._feature(feature)
            state.number = number
            state._base = model.rows[number] << 8
            state._ranker = self
            # Two threads may build the same state: the first one stored is the one used.
            state = self._states.setdefault(number, state)
        return state

    def _feature(self, number: int) -> _Feature:
        feature = self._features.get(number)
        if feature is None:
            feature = self._features.setdefault(number, _Feature(number, self))
        return feature

    def _step(self, state: _State, byte: int) -> _State:
        """Follow (and remember) the transition of ``state`` on ``byte``."""
        number = self.model.nextmove[state._base + byte]
        target = self._states.get(number)
        if target is None:  # (a state is a dict, empty until left: "or" would not do)
            target = self._state(number)
        state[byte] = target
        self._transitions += 1
        if self._transitions > MAX_TRANSITIONS or len(self._states) > self._max_states:
            self._full = True  # the next call starts afresh, not this walk
        return target

    # --- keeping the states for another process ---

    def built_transitions(self) -> int:
        """How many transitions this ranker built itself (not taken over by :meth:`restore`)."""
        return self._transitions - self.restored_transitions

    def snapshot(self) -> tuple:
        """What this ranker has built, as plain values ``marshal`` can write: its labels, each
        visited state's transitions (``{state: (bytes, target states)}``) and each feature's
        packed keys (``{feature: keys}``). In: nothing. Out: that tuple. Safe while other
        threads rank (transitions to states built meanwhile are left out)."""
        with self._lock:
            states = list(self._states.values())
            features = list(self._features.items())
        kept = set(map(_NUMBER, states))
        transitions = {}
        for state in states:
            table = dict(state)  # one C-level copy: another thread may be adding to it
            targets = tuple(map(_NUMBER, table.values()))
            if not kept.issuperset(targets):  # a state built after the list was taken
                table = {byte: target for byte, target in table.items() if target.number in kept}
                targets = tuple(map(_NUMBER, table.values()))
            transitions[state.number] = (bytes(table), targets)
        return (self.labels, transitions, {number: tuple(keys) for number, keys in features})

    def restore(self, snapshot: tuple) -> None:
        """Take over the states of :meth:`snapshot` (from a ranker of the same model and
        languages), so that texts walk them without building them again; the answers are the
        same either way. Raises ``ValueError`` (nothing changed) when the snapshot does not fit
        this ranker's model and languages."""
        try:
            labels, transitions, features = snapshot
            states, built = self._restored(tuple(labels), transitions, features)
        except (KeyError, IndexError, TypeError, AttributeError) as error:
            raise ValueError(f"ranker snapshot does not fit: {error!r}") from None
        count = sum(map(len, states.values()))
        if count > MAX_TRANSITIONS or len(states) > self._max_states:
            raise ValueError("ranker snapshot is larger than a ranker keeps")
        with self._lock:
            self._states, self._features = states, built
            self._transitions = self.restored_transitions = count
            self._full = False
            self._root = states[0]

    def _restored(self, labels, transitions, features) -> tuple[dict, dict]:
        if labels != self.labels:
            raise ValueError("ranker snapshot of other languages")
        model = self.model
        nextmove, rows, outputs = model.nextmove, model.rows, model.outputs
        built = {}
        for number, keys in features.items():
            if not (0 <= number < model.features and len(keys) >= 2 and keys[0] == 0
                    and all(type(key) is int for key in keys)):
                raise ValueError(f"ranker snapshot: bad feature {number!r}")
            built[number] = _Feature(number, self, list(keys))
        states = {}
        for number in transitions:
            state = states[number] = _State()
            feature = outputs[number]
            state.feature = None if feature == _NO_FEATURE else built[feature]
            state.number = number
            state._base = rows[number] << 8
            state._ranker = self
        for number, (edges, targets) in transitions.items():
            state = states[number]
            base = state._base
            # Every transition is checked against the model's own table (an array look-up each):
            # a snapshot can only repeat what the DFA says.
            if (len(edges) != len(targets)
                    or [nextmove[base + edge] for edge in edges] != list(targets)):
                raise ValueError(f"ranker snapshot: transitions of state {number} differ from the model")
            state.update(zip(edges, map(states.__getitem__, targets)))
        return states, built


# --- the states rankers built, kept for later processes -----------------------------------------

STATES_FORMAT = 1
_STATES_MAGIC = b"wirefeed ranker states\n"
#: A ranker's states are written again once it has built this many transitions itself: fewer
#: cost less to build again than the file to write (bench/README.md).
SAVE_MIN_TRANSITIONS = 2_000


@functools.lru_cache(maxsize=4)
def _code_digest(*files: str) -> str:
    """A digest of the text of ``files`` (read once a process)."""
    digest = hashlib.blake2b(digest_size=10)
    for name in files:
        digest.update(Path(name).read_bytes())
    return digest.hexdigest()


def states_path(folder: Path, labels: tuple[str, ...]) -> Path | None:
    """Where in ``folder`` the states of a ranker over ``labels`` are kept (``None``: no
    py3langid found).

    The name is a digest of the model's identity (as in :func:`cache_path`), of the text of
    this module and of :mod:`normalize.langid_model` (the packed keys are their arithmetic; not
    their mtimes, which every checkout changes), of the Python version (``marshal``'s format)
    and of the labels, so any change gets a new file.
    """
    model = cache_path(folder)
    if model is None:
        return None
    code = _code_digest(__file__, sys.modules[Model.__module__].__file__)
    identity = (f"{model.name}|{code}|{STATES_FORMAT}"
                f"|{sys.version_info[:2]}|{','.join(labels)}")
    digest = hashlib.blake2b(identity.encode(), digest_size=10).hexdigest()
    return Path(folder) / f"py3langid-states-{digest}.marshal"


def load_states(ranker: Ranker, folder: Path | None) -> bool:
    """Give ``ranker`` the states kept in ``folder`` by :func:`save_states` (if any). In: a
    fresh ranker, the cache folder (``None``: nothing to do). Out: whether states were taken.

    Never fails because of the file: one that is missing, stale (another model, code or
    Python), damaged or that does not fit the model is ignored (logged when it exists) and the
    ranker builds its states as it goes; the answers are the same either way.
    """
    path = None
    try:
        path = None if folder is None else states_path(folder, ranker.labels)
        if path is None:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    try:
        ranker.restore(marshal.loads(unsealed(data, _STATES_MAGIC)))
    except (ValueError, EOFError, TypeError) as error:
        log.warning("ranker states %s unusable (%s); building them as texts need them", path, error)
        return False
    mark_used(path)
    return True


def save_states(ranker: Ranker, folder: Path | None) -> bool:
    """Keep what ``ranker`` has built in ``folder`` for :func:`load_states`, written atomically,
    once it has built :data:`SAVE_MIN_TRANSITIONS` transitions itself. In: a ranker, the cache
    folder (``None``: nothing to do). Out: whether a file was written. Never raises for the
    file: an error is logged."""
    if folder is None or ranker.built_transitions() < SAVE_MIN_TRANSITIONS:
        return False
    try:
        path = states_path(folder, ranker.labels)
        if path is None:
            return False
        write_atomically(path, sealed(marshal.dumps(ranker.snapshot()), _STATES_MAGIC))
        # one file per label set (editions ask for different sets), so more copies are kept
        prune(path, "py3langid-states-*.marshal", 4 * KEEP_COPIES)
    except (OSError, ValueError) as error:
        log.warning("cannot keep the ranker states in %s: %s", folder, error)
        return False
    return True
