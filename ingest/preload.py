"""Imported by the pipeline's forkserver before it forks the normalization workers.

The parsers and the language models are loaded here once, so that every worker forks with them
in memory (shared copy-on-write) instead of loading its own copy on its first document.
"""

from __future__ import annotations

import gc
import os
import threading
from typing import Callable

from ingest.environment import configure_normalize
from normalize import places


def _gazetteer_aside() -> Callable[[], bytes] | None:
    """On a first run (no gazetteer in the cache folder yet) fork a process that builds it and
    hands its dump back through a pipe, then writes the cache file for later runs: ~0.6 s of CPU,
    which the GIL would otherwise put after the language loading (bench/README.md). Returns what
    reads the dump (empty bytes when the child failed), or ``None`` when no child was started:
    the gazetteer is cached, or this process cannot fork safely (not single-threaded)."""
    path = places.cache_file()
    if (path is None or path.is_file() or not hasattr(os, "fork")
            or threading.active_count() > 1):
        return None
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # no cleanup of the forkserver's state: leave by os._exit whatever happens
        try:
            os.close(read)
            data = places.build_dump()
            with open(write, "wb") as pipe:
                pipe.write(data)
            places.keep(data)
        finally:
            os._exit(0)
    os.close(write)

    def dump() -> bytes:
        with open(read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(child, 0)  # reaped here: the forkserver warns of children it did not fork
        return data

    return dump


def _load() -> None:
    # Before any thread starts, and before the language modules are imported: the child needs
    # none of them, and on a first run its build is the longer branch (bench/README.md).
    gazetteer = _gazetteer_aside()
    from normalize import language

    # With an empty cache folder (a first run) the language model is decompressed from
    # py3langid's LZMA file into the cache folder (~0.3 s of CPU, mostly without the GIL) while
    # the gazetteer is built in the child above. From the cache folder both take a few tens of milliseconds.
    languages = threading.Thread(target=language.warm_up, name="warm-up-language")
    languages.start()  # with the rankers' DFA states kept by earlier runs' workers
    # The parsers are imported meanwhile: on a first run the child's build and the
    # decompression start ~0.1 s of CPU sooner than after these imports (bench/README.md).
    from normalize import fastfeed, feed, wire  # noqa: F401  (for the workers)

    if gazetteer is not None:
        try:
            places.adopt(gazetteer())
        except ValueError:  # the child failed: built here instead
            pass
    places.gazetteer()  # edition routing's place names, built (or read) once for every worker
    languages.join()


configure_normalize()
# Next to nothing loaded here is garbage (~600 objects); with the collector on, its passes walked
# the growing heap (the cities' JSON most of all): ~0.15 s of a first run's CPU (bench/README.md).
# Python's advice for a process that forks: collector off while loading, heap frozen before forking.
gc.disable()
try:
    _load()
    # What was loaded stays for the workers' whole life: out of the collector's sight, a
    # worker's collections no longer walk (and copy, by touching them) tens of thousands of
    # inherited objects, the DFA states above most of all (bench/README.md).
    gc.freeze()
finally:
    gc.enable()
