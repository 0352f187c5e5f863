"""Docs are tested: every CLI command has help text and appears in the README."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import REPO
from ingest.cli import main

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = main.list_commands(None)


def test_the_public_commands_exist() -> None:
    for name in ("run-once", "daemon", "render", "serve", "sources", "articles", "show", "search",
                 "export", "check", "editions"):
        assert main.get_command(None, name) is not None, name


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_and_is_documented(name: str) -> None:
    command = main.get_command(None, name)
    assert command.help and len(command.help.split()) >= 6, name
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "--config" in result.output
    assert re.search(rf"`ingest {re.escape(name)}\b", README), f"{name} is not in README.md"


def test_quick_start_has_the_two_commands() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m pip install -e '.[test]' && python3 -m pytest -q"
    assert test_command in README and test_command in ci
    assert "python3 -m pip install -e . && ingest run-once" in README
