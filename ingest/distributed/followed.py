"""The configuration of ``ingest scheduler`` and ``ingest worker``, following its file.

A deployment has one scheduler and many worker processes, often on several machines: a signal
to each is impractical, so each re-reads ``schedules.toml`` when the file changes (its size,
modification time or inode; the scheduler checks every tick, a worker before each task).
Sources, editions, rules and the pipeline's limits follow the file; ``database`` and
``broker`` do not (the processes stay connected where they started: restart them to move).
A file that does not load is logged once per change and the running configuration kept, as
the daemon does on SIGHUP.
"""

from __future__ import annotations

import dataclasses
import logging
import os

from ingest.config import Config, load_config
from ingest.errors import ConfigError

log = logging.getLogger(__name__)


def _stamp(config: Config) -> tuple[int, int, int] | None:
    try:
        status = os.stat(config.path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino


class FollowedConfig:
    """A :class:`Config` re-read when its file changes: :meth:`current`."""

    def __init__(self, config: Config):
        self.config = config
        self._stamp = _stamp(config)

    def current(self) -> tuple[Config, bool]:
        """The configuration now, and whether it was just re-read."""
        stamp = _stamp(self.config)
        if stamp is None or stamp == self._stamp:
            return self.config, False
        self._stamp = stamp
        try:
            new = load_config(self.config.path)
        except ConfigError as exc:
            log.error("configuration changed but not loaded: %s; keeping the running one", exc)
            return self.config, False
        old = self.config.pipeline
        kept = {name: getattr(old, name) for name in ("database", "broker")
                if getattr(new.pipeline, name) != getattr(old, name)}
        if kept:
            log.warning("configuration: %s changed; restart this process to use the new value",
                        " and ".join(kept))
            new = dataclasses.replace(new, pipeline=dataclasses.replace(new.pipeline, **kept))
        self.config = new
        log.info("configuration re-read from %s: %d sources", new.path,
                 sum(1 for s in new.sources if s.enabled))
        return new, True
