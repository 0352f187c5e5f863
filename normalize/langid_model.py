"""py3langid's model without its load time: :func:`load_model` and the arrays it gives.

:func:`load_model` keeps a decompressed copy of py3langid's model (68 MB) in a cache folder the
caller names (the shell passes ``$XDG_CACHE_HOME/wirefeed/``, else ``~/.cache/wirefeed/``;
without a folder nothing is written) and maps it into memory: a
process then loads it in about a millisecond instead of ~0.8 s of LZMA, without importing numpy
(~0.17 s), and processes share its pages. The file is named after the size and mtime of
py3langid's model file and of its ``langid.py``, written atomically and checked when read; when
anything about it fails, the model is loaded by py3langid as before and detection goes on.
:mod:`normalize.langid_fast` ranks texts over it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import lzma
import mmap
import struct
import sys
from array import array
from pathlib import Path

from normalize import langid_source
from normalize.cachefiles import atomic_file, mark_used, prune

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
#: Copies of the cached model kept for other installs (venvs) sharing the cache folder.
KEEP_COPIES = 3
_MAGIC = b"wirefeed py3langid model\n"
_ALIGN = 64
_NO_FEATURE = -1


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
