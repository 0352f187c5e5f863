"""What the shell reads from the process environment and hands to the pure layer.

``normalize/`` never looks at environment variables or the home folder; the ``ingest`` process
(and the forkserver its normalization workers fork from) calls :func:`configure_normalize` once
at its start.
"""

from __future__ import annotations

import os
from pathlib import Path

from normalize import options


def cache_folder() -> Path:
    """The per-user cache folder: ``$XDG_CACHE_HOME/wirefeed``, else ``~/.cache/wirefeed``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wirefeed"


def fast_feed_path() -> bool:
    """Whether plain RSS 2.0/Atom goes through the lxml fast path (``WIREFEED_FASTFEED=0``: no)."""
    return os.environ.get("WIREFEED_FASTFEED", "1") != "0"


def configure_normalize() -> None:
    """Hand :mod:`normalize` the model cache folder (language model, gazetteer) and the
    fast-path choice, through :mod:`normalize.options`: this imports none of the modules that
    use them (a command that parses nothing never loads them). Out: nothing."""
    options.configure(cache_folder=cache_folder(), fast_feed_path=fast_feed_path())
