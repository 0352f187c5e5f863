"""Shared fixtures: a real local HTTP server, a project folder with a config, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from localserver import LocalServer  # noqa: E402

from ingest.environment import configure_normalize  # noqa: E402

# Tests that detect languages in this process keep py3langid's model where `ingest` does.
configure_normalize()

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
