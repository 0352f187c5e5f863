"""Choices the shell makes for the pure layer, kept in one place that imports nothing.

``normalize/`` reads no environment variable and picks no home-folder path. The ``ingest``
process (and the forkserver its normalization workers fork from) sets these once at its start
(:func:`ingest.environment.configure_normalize`); each module reads them when it first needs
them, so setting them loads neither the language models, the gazetteer nor feedparser, which
a command that parses nothing (``ingest render``, the archive queries) never uses.
"""

from __future__ import annotations

from pathlib import Path

#: Folder py3langid's decompressed model is kept in (``None``: never written anywhere); set by
#: :func:`normalize.language.use_model_cache`.
model_cache: Path | None = None
#: Folder the built gazetteer is kept in (``None``: built in memory by every process); set by
#: :func:`normalize.places.use_cache`.
gazetteer_cache: Path | None = None
#: Well-formed RSS/RDF/Atom read with the lxml reader (else always feedparser); set by
#: :func:`normalize.feed.use_fast_path`.
fast_feed: bool = True


def configure(*, cache_folder: Path | None, fast_feed_path: bool) -> None:
    """Set every choice at once: both caches in ``cache_folder``, the feed reader. Out: nothing."""
    global model_cache, gazetteer_cache, fast_feed
    model_cache = gazetteer_cache = None if cache_folder is None else Path(cache_folder)
    fast_feed = bool(fast_feed_path)
