"""Part of :mod:`normalize.places`: what the gazetteer is built from, read without importing it.

The gazetteer is built on a first run, in a child of the workers' forkserver, and that build is
the longer branch of the forkserver's preload; its cache file is named in every run's preload.
Importing ``importlib.metadata`` (for the packages' versions) and pycountry (its objects) cost
~0.1 s of that (bench/README.md): the versions come from the ``.dist-info`` folders' names and
pycountry's entries from its database files, each with the packages' own answer as fallback.
"""

from __future__ import annotations

import os
from pathlib import Path


def package_version(package: str) -> str | None:
    """The installed version of the distribution ``package`` (``None``: not installed).

    Read from the name of its ``.dist-info`` folder beside the package, as installers name it:
    the forkserver asks at the start of its preload, where importing ``importlib.metadata``
    alone cost ~0.03 s of CPU before it could fork the gazetteer's child or start loading the
    language models (bench/README.md). Laid out otherwise: ``importlib.metadata``'s answer.
    """
    import importlib.util

    spec = importlib.util.find_spec(package)  # finds the package, runs none of it
    if spec is None:
        return None
    prefix, found = package.lower() + "-", []
    for folder in {Path(place).parent for place in spec.submodule_search_locations or ()}:
        try:
            found += [entry.name[len(prefix):-len(".dist-info")] for entry in os.scandir(folder)
                      if entry.name.lower().startswith(prefix)
                      and entry.name.endswith(".dist-info")]
        except OSError:
            pass
    if len(found) == 1:
        return found[0]
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def iso3166(part: str) -> list[dict]:
    """pycountry's ISO 3166-``part`` entries (``"1"``: countries, ``"2"``: subdivisions), each
    the dict of fields its database file holds, in the file's order: what pycountry makes its
    objects of (a field it lacks is a missing key). Read from the file without importing
    pycountry: its import and its objects cost ~0.07 s of the gazetteer's build, which is a
    first run's critical path (bench/README.md); laid out otherwise, pycountry's own reading.
    """
    import importlib.util
    import json

    spec = importlib.util.find_spec("pycountry")  # finds the package, runs none of it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            entries = json.loads((Path(folder) / "databases" / f"iso3166-{part}.json").read_bytes())
            return list(entries[f"3166-{part}"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    import pycountry  # laid out otherwise: its own reading

    database = pycountry.countries if part == "1" else pycountry.subdivisions
    # (a subdivision's "parent" is then its parent's object, not its code: only its presence
    # is read)
    return [{key: value for key, value in entry if key not in ("country_code", "parent_code")}
            for entry in database]
