"""Imported by the pipeline's forkserver before it forks the normalization workers.

The parsers and the language models are loaded here once, so that every worker forks with them
in memory (shared copy-on-write) instead of loading its own copy on its first document.
"""

import gc
import threading

from ingest.environment import configure_normalize
from normalize import fastfeed, feed, language, places, wire  # noqa: F401  (for the workers)

configure_normalize()
# With an empty cache folder (a first run) the language model is decompressed from py3langid's
# LZMA file (~0.45 s of CPU, without the GIL) and the gazetteer is built (~1 s, with it): side
# by side the workers start that much sooner (bench/README.md). From the cache folder both take
# a few tens of milliseconds and the thread changes nothing.
_languages = threading.Thread(target=language.warm_up, name="warm-up-language")
_languages.start()  # with the rankers' DFA states kept by earlier runs' workers
places.gazetteer()  # edition routing's place names, built once for every worker
_languages.join()
# What was loaded stays for the workers' whole life: out of the collector's sight, a worker's
# collections no longer walk (and copy, by touching them) tens of thousands of inherited
# objects, the DFA states above most of all (bench/README.md).
gc.freeze()
