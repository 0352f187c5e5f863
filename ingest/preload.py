"""Imported by the pipeline's forkserver before it forks the normalization workers.

The parsers and the language models are loaded here once, so that every worker forks with them
in memory (shared copy-on-write) instead of loading its own copy on its first document.
"""

from ingest.environment import configure_normalize
from normalize import fastfeed, feed, language, wire  # noqa: F401  (imported for the workers)

configure_normalize()
language.warm_up()
