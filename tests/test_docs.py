"""Docs are tested: every CLI command has help text and appears in the README."""

from __future__ import annotations

import re

import click
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


COMMON_OPTIONS = {"--help", "-h", "--config", "-v", "--verbose", "-q", "--quiet"}


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_in_the_commands_table(name: str) -> None:
    """Each command's row of the README's Commands table shows each of its own options (by one
    of its names), so what `--help` offers and what the README lists agree."""
    rows = [line for line in README.split("## Commands", 1)[1].split("\n## ", 1)[0].splitlines()
            if line.startswith(f"| `ingest {name}")]
    assert len(rows) == 1, name
    command = main.get_command(None, name)
    for param in command.params:
        names = set(getattr(param, "opts", ())) | set(getattr(param, "secondary_opts", ()))
        if not isinstance(param, click.Option) or names & COMMON_OPTIONS:
            continue
        assert any(re.search(rf"{re.escape(opt)}\b", rows[0]) for opt in names), (name, names)


def test_every_configuration_key_is_in_the_readme() -> None:
    """Each key schedules.toml accepts is documented (in the example or as `key`)."""
    from ingest import config

    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    keys = (config._PIPELINE_KEYS | config._EDITION_KEYS | config._SOURCE_KEYS
            | config._RULE_KEYS)
    missing = sorted(key for key in keys
                     if f"`{key}" not in section and not re.search(rf"^{key} = ", section, re.M))
    assert not missing, missing
