"""The deployment files are real: the systemd unit's and the crontab's commands are `ingest`
commands that parse, their paths fit the documented layout, and the unit lets the language
model cache be written under ``ProtectSystem=strict``."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from click.testing import CliRunner

from conftest import REPO
from ingest.cli import main
from ingest.environment import cache_folder

UNIT = REPO / "deploy" / "wirefeed.service"
CRONTAB = REPO / "deploy" / "crontab.example"
ROOT = Path("/srv/wirefeed")  # the layout docs/deployment.md describes


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser


def parses(argv: list[str]) -> None:
    """``argv`` (after ``ingest``) is accepted by the real command line: ``--help`` appended
    parses every option given before it without running the command."""
    result = CliRunner().invoke(main, argv + ["--help"])
    assert result.exit_code == 0, (argv, result.output)


def ingest_argv(command: str) -> list[str]:
    words = shlex.split(command)
    assert Path(words[0]).name == "ingest", command
    return words[1:]


def test_the_unit_runs_the_daemon_from_the_documented_layout() -> None:
    service = unit()["Service"]
    start = ingest_argv(service["ExecStart"])
    assert start[0] == "daemon"
    parses(start)
    parses(ingest_argv(service["ExecStartPre"]))
    for command in (service["ExecStart"], service["ExecStartPre"]):
        words = shlex.split(command)
        assert Path(words[0]).is_absolute() and Path(words[0]).is_relative_to(ROOT / "venv")
        config = Path(words[words.index("--config") + 1])
        assert config.is_absolute() and config.is_relative_to(Path(service["WorkingDirectory"]))
    assert Path(service["ReadWritePaths"]).is_relative_to(ROOT)
    assert service["RestartPreventExitStatus"] == "2"  # a configuration error does not heal


def test_the_unit_gives_the_model_cache_a_writable_folder(monkeypatch) -> None:
    service = unit()["Service"]
    assert service["ProtectSystem"] == "strict"
    cache = service["CacheDirectory"]
    environment = dict(item.split("=", 1) for item in shlex.split(service["Environment"]))
    # systemd makes /var/cache/<CacheDirectory> writable; the cache must land inside it.
    monkeypatch.setenv("XDG_CACHE_HOME", environment["XDG_CACHE_HOME"])
    assert cache_folder().is_relative_to(Path("/var/cache") / cache)


def test_the_crontab_lines_are_ingest_commands_that_parse() -> None:
    lines = [line for line in CRONTAB.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert lines
    commands = []
    for line in lines:
        fields = line.split(None, 5)
        assert len(fields) == 6, line  # five time fields and the command
        for step in (part.strip() for part in fields[5].split("&&")):
            if step.startswith("cd "):
                assert Path(shlex.split(step)[1]) == ROOT
            else:
                words = shlex.split(step)
                redirect = next((i for i, w in enumerate(words) if w.startswith(">")), len(words))
                commands.append(ingest_argv(" ".join(shlex.quote(w) for w in words[:redirect])))
    assert commands[0][0] == "run-once"
    for argv in commands:
        parses(argv)


def test_the_deployment_files_are_referenced_and_the_license_is_there() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    deployment = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")
    for name in ("deploy/wirefeed.service", "deploy/crontab.example"):
        assert name in readme and name in deployment, name
    assert "[Service]" not in deployment  # the unit lives in its file, not copied into the docs
    license_text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License") and "2026 wirefeed contributors" in license_text


COMPOSE = REPO / "deploy" / "docker-compose.yml"
DOCKERFILE = REPO / "deploy" / "Dockerfile"


def compose_commands() -> dict[str, list[str]]:
    """Each service's ``command:`` list (JSON-style in our file, so no YAML parser needed)."""
    import json
    import re
    commands, service = {}, None
    for line in COMPOSE.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^  ([a-z]+):\s*$", line):
            service = match.group(1)
        elif match := re.match(r"^    command:\s*(\[.*\])\s*$", line):
            commands[service] = json.loads(match.group(1))
    return commands


def test_the_compose_file_runs_real_ingest_commands_of_distributed_mode() -> None:
    entrypoint = next(line for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
                      if line.startswith("ENTRYPOINT"))
    assert '"ingest", "--config", "/srv/wirefeed/schedules.toml"' in entrypoint
    commands = compose_commands()
    assert {name: argv[0] for name, argv in commands.items() if argv[0] != "redis-server"} == {
        "scheduler": "scheduler", "worker": "worker", "publisher": "worker", "serve": "serve"}
    for name, argv in commands.items():
        if name not in ("postgres", "redis"):
            parses(["--config", "/srv/wirefeed/schedules.toml", *argv])
    assert "wirefeed.publish" in commands["publisher"] and "wirefeed.sources" in commands["worker"]
    # what the image copies is the project's packages
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("COPY "):
            for part in line.split()[1:-1]:
                assert (REPO / part).exists(), line
