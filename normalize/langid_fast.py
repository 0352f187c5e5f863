"""py3langid's ranking without its per-call costs, and its model without its load time.

:class:`Ranker` gives the probabilities of py3langid's ``LanguageIdentifier.rank`` with
``norm_probs=True`` (restricted to some languages or not), within float rounding: py3langid
works in float32, we in float64 and exact fixed point; on our labelled texts they differ by less
than 1e-5, at about half the cost per text (figures in bench/README.md).

- py3langid walks its byte DFA in a Python loop with three table look-ups per byte. Here each
  DFA state is a small dict (byte -> next state) filled in the first time a text takes that
  transition, so the walk is ``itertools.accumulate(data, dict.__getitem__)``: a loop in C.
  Each ranker keeps its own states, so a state can carry the ranker's view of the feature it
  emits: a :class:`_Feature` object, one per feature, which ``Counter`` counts by identity.
- py3langid gathers float16 rows with numpy and multiplies them in, then runs a numpy softmax
  over a handful of classes (numpy's per-call cost dominates at that size). Here a feature holds,
  for each count ``c`` it has been seen with, its log-probabilities for the ranker's classes
  times log1p(c), packed into one Python int (a 64-bit fixed-point field per class), so a text's
  log-likelihoods are one C-level ``sum()`` and one unpacking; the softmax is plain Python.

:func:`load_model` keeps a decompressed copy of py3langid's model (68 MB) in a cache folder the
caller names (the shell passes ``$XDG_CACHE_HOME/wirefeed/``, else ``~/.cache/wirefeed/``;
without a folder nothing is written) and maps it into memory: a
process then loads it in about a millisecond instead of ~0.8 s of LZMA, without importing numpy
(~0.17 s), and processes share its pages. The file is named after the size and mtime of
py3langid's model file and of its ``langid.py``, written atomically and checked when read; when
anything about it fails, the model is loaded by py3langid as before and detection goes on.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import lzma
import marshal
import math
import mmap
import os
import struct
import sys
import threading
import unicodedata
from array import array
from collections import Counter
from itertools import accumulate, compress, repeat
from operator import add, attrgetter, itemgetter, mul, sub, truediv
from pathlib import Path

from normalize import langid_source
from normalize.cachefiles import atomic_file, mark_used, prune, write_atomically

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
#: Copies of the cached model kept for other installs (venvs) sharing the cache folder.
KEEP_COPIES = 3
_MAGIC = b"wirefeed py3langid model\n"
_ALIGN = 64
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


class Model:
    """The arrays of a py3langid model.

    ``classes`` are the class labels (py3langid's ``nb_classes``; a label may appear twice, for
    two scripts of one language), ``priors`` their log-priors, ``ptc`` the float16
    ``features x classes`` table of feature log-probabilities as raw bytes; ``nextmove`` holds
    the distinct 256-entry transition rows, ``rows`` the row of each state and ``outputs`` the
    feature each state emits (-1 for none). Any buffers with ``len`` and indexing will do: arrays
    in memory, or views of the mapped cache file. Raises ``ValueError`` when they do not fit.
    """

    def __init__(self, classes, priors, ptc, nextmove, rows, outputs):
        self.classes = tuple(classes)
        self.priors = tuple(float(value) for value in priors)
        self.features = len(ptc) // (2 * len(self.classes))
        if (len(self.priors) != len(self.classes) or len(rows) != len(outputs)
                or len(ptc) != 2 * self.features * len(self.classes) or len(nextmove) % 256):
            raise ValueError("model arrays do not fit together")
        # State 0 starts every walk and stands for the empty text: it emits no feature.
        if outputs[0] != _NO_FEATURE:
            raise ValueError("the DFA's start state emits a feature")
        self.nextmove = nextmove
        self.rows = rows
        self.outputs = outputs
        self.ptc = ptc

    def row_reader(self, columns: list[int], raw: bool = False):
        """A function: feature -> its log-probabilities for the classes at ``columns`` (with
        ``raw``: their float16 bit patterns, as ints)."""
        # One struct format that skips the other classes' bytes ("x" pads) reads only these.
        layout, previous = [], -1
        for column in columns:
            layout.append(f"{2 * (column - previous - 1)}x{'H' if raw else 'e'}")
            previous = column
        layout.append(f"{2 * (len(self.classes) - previous - 1)}x")
        row = struct.Struct("<" + "".join(layout))
        return lambda feature: row.unpack_from(self.ptc, feature * row.size)


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
        self._log_probabilities = model.row_reader(columns)
        self._bit_patterns = model.row_reader(columns, raw=True)
        self._first_keys = _first_keys()
        self._packing = _Packing(len(columns))
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
        while True:
            root = self._root
            counts = Counter(filter(None, map(_FEATURE, accumulate(data, _STEP, initial=root))))
            if root is self._root:
                break
        if counts:
            # Softmax of (log-likelihood + log-prior) / sqrt(bytes). (C-level maps: the loops
            # run over every class for every text.)
            temper = 1.0 / math.sqrt(len(data))
            scores = list(map(add, map(mul, self._log_likelihoods(counts), repeat(temper / _SCALE)),
                              map(mul, self._priors, repeat(temper))))
            weights = list(map(math.exp, map(sub, scores, repeat(max(scores)))))
        else:
            # No feature at all: every class is as likely (py3langid scores them all 0).
            weights = [1.0] * len(self._priors)
        shares = map(truediv, weights, repeat(sum(weights)))
        if not self._aliases:
            return dict(zip(self.labels, shares))
        shares = list(shares)
        for first, dupe in self._aliases:
            shares[first] += shares[dupe]
        return dict(zip(self.labels, compress(shares, self._firsts)))

    def _log_likelihoods(self, counts: Counter) -> tuple[int, ...]:
        """Sum over features of log1p(count) * log P(feature | class) * 2**24, per class."""
        try:
            total = sum(map(_KEY, counts, counts.values()))
        except IndexError:  # a feature seen more often than before: its key for that count
            for feature, count in counts.items():
                if len(feature) <= count:
                    feature.extend_to(count)
            total = sum(map(_KEY, counts, counts.values()))
        return self._packing.unpack(total)

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


# --- loading ----------------------------------------------------------------------------------

_ARRAYS = ("priors", "ptc", "nextmove", "rows", "outputs")


def _py3langid_files() -> tuple[Path, Path] | None:
    """py3langid's model file and code file, found without importing it (it imports numpy)."""
    spec = importlib.util.find_spec("py3langid")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    model, code = package / "data" / "model.npz.xz", package / "langid.py"
    return (model, code) if model.is_file() and code.is_file() else None


def cache_path(folder: Path) -> Path | None:
    """Where in ``folder`` the cached model for the installed py3langid lives (``None``: no
    py3langid found).

    The name holds size and mtime of py3langid's model file and of its ``langid.py``, so an
    upgrade (new model or new scoring code) gets a new file.
    """
    files = _py3langid_files()
    if files is None:
        return None
    model, code = (path.stat() for path in files)
    name = (f"py3langid-model-{model.st_size}-{model.st_mtime_ns}"
            f"-code-{code.st_size}-{code.st_mtime_ns}-v{CACHE_FORMAT}.bin")
    return Path(folder) / name


def load_model(cache_folder: Path | None = None) -> Model:
    """py3langid's model: mapped from the cache file in ``cache_folder``, else decompressed from
    py3langid's file into that cache file and mapped (a first run), else loaded by py3langid
    (then cached there). Without a folder the model comes from py3langid's file every time.

    Never fails because of the cache: any error reading or writing it is logged and the model
    comes from py3langid. Raises only what py3langid raises when its own model cannot load.
    """
    path = None
    try:
        path = None if cache_folder is None else cache_path(cache_folder)
        if path is not None and path.is_file():
            model = _map_cache(path)
            mark_used(path)
            return model
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("language model cache %s unusable (%s); loading py3langid's model", path, error)
    if path is not None:
        try:
            model = _decompress_to_cache(path)
            prune(path, "py3langid-model-*.bin", KEEP_COPIES)
            return model
        except OSError as error:  # the folder: the model is still read, not cached
            log.warning("cannot cache the language model in %s: %s", path.parent, error)
            path = None
        except (ValueError, KeyError, TypeError, EOFError, lzma.LZMAError) as error:
            log.info("decompressing py3langid's model file into the cache failed (%s)", error)
    parts = _load_from_py3langid()
    if path is not None:
        try:
            _write_cache(path, parts)
            prune(path, "py3langid-model-*.bin", KEEP_COPIES)
            return _map_cache(path)
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("cannot cache the language model in %s: %s", path.parent, error)
    return Model(*parts)


#: Room for the header at the start of a cache file that :func:`_decompress_to_cache` writes:
#: the header is written last, padded to this (a multiple of ``_ALIGN``), the archive follows.
_HEADER_ROOM = 8192


def _decompress_to_cache(path: Path) -> Model:
    """Decompress py3langid's model file straight into a cache file at ``path`` and map it.

    The file holds the header :func:`_map_cache` reads, then py3langid's decompressed archive
    as it is (the ``.npz``), the header naming where each array's bytes lie in it (not aligned:
    the views read them by copying, as on any offset). Written a chunk at a time, this costs
    less CPU than decompressing the archive in memory alone, and ~0.3 s less than that and
    then writing the arrays (bench/README.md). Raises ``OSError`` (the folder), ``ValueError``,
    ``EOFError`` or ``lzma.LZMAError`` (py3langid's file); nothing is left at ``path`` then."""
    files = _py3langid_files()
    if files is None:
        raise ValueError("py3langid's model file not found")
    with atomic_file(path, "w+b") as out:
        out.seek(_HEADER_ROOM)
        langid_source.decompress_model(files[0], out)
        out.flush()
        with mmap.mmap(out.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            classes, layout = langid_source.model_layout(mapped, out)
        arrays = {name: [offset - _HEADER_ROOM, size, typecode,
                         2 if typecode == "e" else struct.calcsize(typecode)]
                  for name, (typecode, offset, size) in layout.items()}
        header = json.dumps({"format": CACHE_FORMAT, "byteorder": sys.byteorder,
                             "classes": classes, "arrays": arrays}).encode()
        room = _HEADER_ROOM - len(_MAGIC) - 8
        if len(header) > room:
            raise ValueError("the model's header does not fit its room in the cache file")
        out.seek(0)
        out.write(_MAGIC + room.to_bytes(8, "little") + header.ljust(room))
    return _map_cache(path)


def _load_from_py3langid():
    """(classes, priors, ptc bytes, nextmove, rows, outputs) as py3langid loads them: read from
    its file without numpy (:mod:`normalize.langid_source`), else by py3langid (~0.8 s)."""
    files = _py3langid_files()
    if files is not None:
        try:
            return langid_source.read_model(files[0])
        except (OSError, ValueError, EOFError, lzma.LZMAError) as error:
            log.info("reading py3langid's model file directly failed (%s); loading it by py3langid",
                     error)
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return (list(ident.nb_classes), array("f", ident.nb_pc.astype("float32").tobytes()),
            ident.nb_ptc.astype("<f2", copy=False).tobytes(), ident.tk_nextmove, ident.tk_row,
            array("i", ident.tk_output))


def _aligned(offset: int) -> int:
    """``offset`` rounded up to the next multiple of ``_ALIGN`` (arrays start aligned)."""
    return (offset + _ALIGN - 1) // _ALIGN * _ALIGN


def _write_cache(path: Path, parts) -> None:
    """Write the model to ``path`` atomically: a temporary file in the same folder, renamed."""
    classes, *buffers = parts
    views = [memoryview(buffer).cast("B") for buffer in buffers]
    layout, offset = {}, 0
    for name, buffer, view in zip(_ARRAYS, buffers, views):
        typecode = "e" if name == "ptc" else buffer.typecode
        layout[name] = [offset, view.nbytes, typecode, 2 if name == "ptc" else buffer.itemsize]
        offset = _aligned(offset + view.nbytes)
    header = json.dumps({"format": CACHE_FORMAT, "byteorder": sys.byteorder,
                         "classes": classes, "arrays": layout}).encode()
    start = _aligned(len(_MAGIC) + 8 + len(header))
    with atomic_file(path) as out:
        out.write(_MAGIC + len(header).to_bytes(8, "little") + header)
        for name, view in zip(_ARRAYS, views):
            out.seek(start + layout[name][0])
            out.write(view)


def _map_cache(path: Path) -> Model:
    """A :class:`Model` over the mapped cache file; ``ValueError`` when the file does not fit."""
    with open(path, "rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if mapped[:len(_MAGIC)] != _MAGIC:
        raise ValueError("not a model cache file")
    size = int.from_bytes(mapped[len(_MAGIC):len(_MAGIC) + 8], "little")
    header = json.loads(mapped[len(_MAGIC) + 8:len(_MAGIC) + 8 + size])
    if header["format"] != CACHE_FORMAT or header["byteorder"] != sys.byteorder:
        raise ValueError("cache file of another format or machine")
    start = _aligned(len(_MAGIC) + 8 + size)
    whole = memoryview(mapped)
    views = {}
    for name in _ARRAYS:
        offset, nbytes, typecode, itemsize = header["arrays"][name]
        if start + offset + nbytes > len(mapped):
            raise ValueError("cache file is truncated")
        view = whole[start + offset:start + offset + nbytes]
        if typecode != "e":  # memoryview has no float16; the ranker reads ptc with struct
            if struct.calcsize(typecode) != itemsize:
                raise ValueError(f"item size of {typecode!r} differs on this machine")
            view = view.cast(typecode)
        views[name] = view
    return Model(header["classes"], *(views[name] for name in _ARRAYS))


# --- the states rankers built, kept for later processes -----------------------------------------

STATES_FORMAT = 1
_STATES_MAGIC = b"wirefeed ranker states\n"
#: A ranker's states are written again once it has built this many transitions itself: fewer
#: cost less to build again than the file to write (bench/README.md).
SAVE_MIN_TRANSITIONS = 2_000


def states_path(folder: Path, labels: tuple[str, ...]) -> Path | None:
    """Where in ``folder`` the states of a ranker over ``labels`` are kept (``None``: no
    py3langid found).

    The name is a digest of the model's identity (as in :func:`cache_path`), of this module's
    size and mtime (the packed keys are its arithmetic), of the Python version (``marshal``'s
    format) and of the labels, so any change gets a new file.
    """
    model = cache_path(folder)
    if model is None:
        return None
    code = os.stat(__file__)
    identity = (f"{model.name}|{code.st_size}-{code.st_mtime_ns}|{STATES_FORMAT}"
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
        head = len(_STATES_MAGIC)
        if data[:head] != _STATES_MAGIC:
            raise ValueError("not a ranker states file")
        payload = data[head + 32:]
        if hashlib.blake2b(payload, digest_size=32).digest() != data[head:head + 32]:
            raise ValueError("checksum differs: the file is damaged")
        ranker.restore(marshal.loads(payload))
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
        payload = marshal.dumps(ranker.snapshot())
        data = _STATES_MAGIC + hashlib.blake2b(payload, digest_size=32).digest() + payload
        write_atomically(path, data)
        # one file per label set (editions ask for different sets), so more copies are kept
        prune(path, "py3langid-states-*.marshal", 4 * KEEP_COPIES)
    except (OSError, ValueError) as error:
        log.warning("cannot keep the ranker states in %s: %s", folder, error)
        return False
    return True
