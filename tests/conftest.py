"""Shared fixtures: a real local HTTP server, a project folder with a config, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

from localserver import LocalServer  # noqa: E402
from engines import database, postgres_cluster, postgres_url  # noqa: E402,F401
from engines_redis import redis_server, redis_url  # noqa: E402,F401

from ingest.environment import configure_normalize  # noqa: E402

# Tests that detect languages in this process keep py3langid's model where `ingest` does.
configure_normalize()

# Property tests draw the same examples on every run (a CI run never fails on a new random
# draw); `HYPOTHESIS_PROFILE=explore` draws fresh ones, with more examples, to hunt for bugs.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=2_000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def server():
    """A threaded HTTP server on 127.0.0.1 (random port), stopped after the test."""
    with LocalServer() as local:
        yield local


EDITIONS_TOML = (REPO / "schedules.toml").read_text(encoding="utf-8").split("# The bundled sample wire")[0]


def write_config(folder: Path, sources: str, extra: str = "") -> Path:
    """Write a schedules.toml in ``folder``: the shipped pipeline and editions, plus ``sources``."""
    path = folder / "schedules.toml"
    path.write_text(EDITIONS_TOML + "\n" + textwrap.dedent(sources) + "\n" + textwrap.dedent(extra),
                    encoding="utf-8")
    return path


def inbox_config(folder: Path, source: str = "drop", settings: str = "") -> tuple[Path, Path]:
    """Make ``folder/drop`` and a config (:func:`write_config`) with one inbox source reading it:
    ``source`` is its id, ``settings`` more of its keys (``agency = "EFE"``). Returns both paths."""
    drop = folder / "drop"
    drop.mkdir(exist_ok=True)
    lines = "\n".join(line.strip() for line in settings.strip().splitlines())
    config = write_config(folder, f"""
        [[sources]]
        id = "{source}"
        kind = "inbox"
        path = "drop"
        """ + lines)
    return drop, config


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A temporary project folder holding a copy of the bundled samples."""
    shutil.copytree(REPO / "data" / "samples", tmp_path / "data" / "samples")
    return tmp_path


def run_cli(*args: str, cwd: Path, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real ``ingest`` command line in a subprocess."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=full_env)


class FrozenClock:
    """The shell's clock (``ingest.archive.utcnow``) frozen at ``now``, which tests move by hand.

    Installed over every loaded ``ingest``/``syndicate`` module that imported ``utcnow``, so the
    CLI run in-process (``click.testing``) sees it wherever the call moved to.
    """

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def frozen_clock(monkeypatch):
    """A :class:`FrozenClock` (set ``.now`` first) replacing the shell's clock for one test."""
    import importlib

    archive = importlib.import_module("ingest.archive")
    for name in ("ingest.cli", "ingest.pipeline", "ingest.daemon", "syndicate.publish"):
        try:
            importlib.import_module(name)
        except ImportError:  # a module that moved away in a refactor
            pass
    original = archive.utcnow
    clock = FrozenClock(None)
    for name, module in list(sys.modules.items()):
        if (name.startswith(("ingest", "syndicate")) and module is not None
                and getattr(module, "utcnow", None) is original):
            monkeypatch.setattr(module, "utcnow", clock)
    return clock
