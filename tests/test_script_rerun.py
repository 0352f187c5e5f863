"""The ``ingest`` console script is not run again in each normalization worker."""

import sys
import types
from multiprocessing import spawn

from ingest import cli


def preparation(monkeypatch, script):
    monkeypatch.setitem(sys.modules, "__main__", script)
    return spawn.get_preparation_data("worker")


def console_script(entry):
    script = types.ModuleType("__main__")
    script.__file__ = "/venv/bin/ingest"
    script.__spec__ = None
    script.main = entry
    return script


def test_the_console_script_is_marked_as_run_by_name(monkeypatch):
    script = console_script(cli.main)
    assert preparation(monkeypatch, script)["init_main_from_path"] == "/venv/bin/ingest"
    cli.script_not_rerun_in_workers(cli.main)
    data = preparation(monkeypatch, script)
    # what `python -m ingest` gives: multiprocessing's workers do not run it again
    assert data["init_main_from_name"] == "ingest.__main__" and "init_main_from_path" not in data


def test_other_main_scripts_are_left_alone(monkeypatch):
    embedding = console_script(lambda: None)  # a program of its own that runs wirefeed
    cli.script_not_rerun_in_workers(cli.main)
    monkeypatch.setitem(sys.modules, "__main__", embedding)
    cli.script_not_rerun_in_workers(cli.main)
    assert embedding.__spec__ is None
    by_name = console_script(cli.main)
    by_name.__spec__ = types.SimpleNamespace(name="somewhere.__main__")
    monkeypatch.setitem(sys.modules, "__main__", by_name)
    cli.script_not_rerun_in_workers(cli.main)
    assert by_name.__spec__.name == "somewhere.__main__"
