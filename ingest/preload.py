"""Imported by the pipeline's forkserver before it forks the normalization workers.

The parsers and the language models are loaded here once, so that every worker forks with them
in memory (shared copy-on-write) instead of loading its own copy on its first document.
"""

import gc

from ingest.environment import configure_normalize
from normalize import fastfeed, feed, language, places, wire  # noqa: F401  (for the workers)

configure_normalize()
language.warm_up()  # with the rankers' DFA states kept by earlier runs' workers
places.gazetteer()  # edition routing's place names, built once for every worker
# What was loaded stays for the workers' whole life: out of the collector's sight, a worker's
# collections no longer walk (and copy, by touching them) tens of thousands of inherited
# objects, the DFA states above most of all (bench/README.md).
gc.freeze()
