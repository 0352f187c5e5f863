"""``ingest check``: validate the configuration file and the places it names, without running
anything (exit 2 invalid configuration or a missing path, 3 storage that cannot be written)."""

from __future__ import annotations

import click

from ingest.cli import EXIT_CONFIG, EXIT_STORE, Failure, config_option, counted, quiet
from ingest.config import Config


@click.command("check")
@config_option
def check_cmd(config: Config) -> None:
    """Validate the configuration file and the places it names, without running anything.

    Checks that the archive and the feeds folder can be created and written, and that local
    `path`s and inbox folders exist. Exit 2 when the configuration is invalid or names a
    missing path, 3 when the archive or the feeds folder cannot be written.
    """
    _report_storage_problems(config)
    if quiet():
        return
    kinds = {}
    for source in config.sources:
        kinds[source.kind] = kinds.get(source.kind, 0) + 1
    click.echo(f"{config.path}: ok — {counted(len(config.editions), 'edition')}, "
               f"{counted(len(config.sources), 'source')} "
               f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items())) or 'none'}), "
               f"{counted(len(config.rules), 'rule')}")


def _report_storage_problems(config: Config) -> None:
    """Every storage problem on its own stderr line, then the exit code of the worst."""
    from ingest.preflight import storage_problems

    problems = storage_problems(config)
    if not problems:
        return
    for problem in problems[:-1]:
        click.echo(f"ingest: error: {problem}", err=True)
    sources_only = all(problem.startswith("[") for problem in problems)
    raise Failure(problems[-1], EXIT_CONFIG if sources_only else EXIT_STORE)
