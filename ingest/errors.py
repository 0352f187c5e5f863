"""The shell's view of the exception tree, which is written once in :mod:`normalize.errors`."""

from __future__ import annotations

from normalize.errors import (
    ConfigError,
    FetchError,
    LockError,
    ParseError,
    StoreError,
    WirefeedError,
)

__all__ = ["WirefeedError", "ConfigError", "FetchError", "ParseError", "StoreError", "LockError"]
