"""The exceptions wirefeed raises, written once here, at the bottom layer (``ingest.errors``
re-exports them for the shell).

    WirefeedError            anything wirefeed itself reports
    ├── ConfigError          schedules.toml is unreadable or invalid (CLI exit code 2)
    ├── FetchError           a source could not be fetched: timeout, HTTP error, size cap, redirects
    ├── ParseError           a document is not a feed/agency document we can read
    ├── StoreError           the archive could not be read or written
    └── LockError            another run holds the archive (CLI exit code 75)

Each carries the source id (``source``) and the URL or path (``where``) when known, so a log line
or a summary row can name the failing source in one line: ``str(error)``.
"""

from __future__ import annotations


class WirefeedError(Exception):
    """Base class: a one-line ``reason``, plus the ``source`` id and ``where`` (URL or path)."""

    def __init__(self, reason: str, *, source: str | None = None, where: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.source = source
        self.where = where

    def __str__(self) -> str:
        parts = []
        if self.source:
            parts.append(f"[{self.source}]")
        if self.where:
            parts.append(f"{self.where}:")
        parts.append(self.reason)
        return " ".join(parts)


class ConfigError(WirefeedError):
    """The configuration file is missing, not TOML, or fails validation."""


class FetchError(WirefeedError):
    """A transport failure; ``status`` is the HTTP status when there was an answer."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None,
                 **kwargs):
        super().__init__(reason, **kwargs)
        self.status = status
        self.retry_after = retry_after


class ParseError(WirefeedError):
    """The bytes are not a document we can read (malformed, unknown format, no headline...)."""


class StoreError(WirefeedError):
    """The SQLite archive failed."""


class LockError(WirefeedError):
    """Another process holds the archive's writer lock."""
