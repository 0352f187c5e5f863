"""Run code around the import of named modules (for the benchmark wrappers that patch the
pipeline's functions where it looks them up: ``bench/profiled.py``, ``bench/timeline.py``)."""

from __future__ import annotations

import importlib.abc
import sys


class AroundImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: for a module named in ``names``, wraps the loader the other
    finders give so that ``run(module, execute)`` runs the module (``execute()`` runs its code)."""

    def __init__(self, names, run) -> None:
        self.names = frozenset(names)
        self.run = run

    def find_spec(self, name, path, target=None):
        if name not in self.names:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _Loader(spec.loader, self.run)
        return spec


class _Loader(importlib.abc.Loader):
    def __init__(self, inner, run) -> None:
        self.inner = inner
        self.run = run

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module) -> None:
        self.run(module, lambda: self.inner.exec_module(module))
