"""Instructions per step, counted by callgrind: ``python bench/instructions.py [--repo DIR]``.

Counts the instructions (valgrind ``--tool=callgrind``, children included) of fixed steps run
through the ``ingest`` command line of the checkout at ``--repo`` (default: this one), so the
same script measures two commits (e.g. one in ``git worktree add /tmp/before <sha>``). An
instruction count does not depend on the machine's load, unlike a time: two commits can be
compared on a shared machine. Steps, each in a fresh folder with the repo's ``schedules.toml``
and a copy of its sample wire (``data/samples``):

* ``startup``: ``ingest --help`` (interpreter, imports, the command table);
* ``run-once``: ``ingest run-once --all`` into an empty archive and feeds folder: parse and
  normalize the sample wire, store it in a fresh SQLite archive, publish every feed;
* ``render``: ``ingest render`` from that archive into an empty feeds folder (publishing only).

``run-once - render`` is then about parse, normalize and store. The checkout's packages are
byte-compiled first, as an installed wirefeed would be: under ``PYTHONDONTWRITEBYTECODE`` a
fresh worktree would compile every module from source in every step, and that compilation
(more and longer modules in a later commit) would be counted instead. Each step is run once
without valgrind first (the language model cache in ``--cache``), and with
``PYTHONHASHSEED=0``. Prints one line per step; ``--json`` prints the counts as JSON. Run by hand.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEPS = ("startup", "run-once", "render")


def _env(repo: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(repo), PYTHONHASHSEED="0", XDG_CACHE_HOME=str(cache))
    env.pop("WIREFEED_FASTFEED", None)
    return env


def _command(step: str, config: Path) -> list[str]:
    # --config after the command: the commit before the layers refactor took it only there.
    cli = [sys.executable, "-m", "ingest"]
    return {"startup": cli + ["--help"],
            "run-once": cli + ["run-once", "--config", str(config), "--all"],
            "render": cli + ["render", "--config", str(config)]}[step]


def _prepare(repo: Path, folder: Path, step: str) -> Path:
    """Lay out ``folder`` for ``step``: the config, the sample wire, and what the step starts from."""
    config = folder / "schedules.toml"
    if not config.exists():
        shutil.copy(repo / "schedules.toml", config)
        shutil.copytree(repo / "data" / "samples", folder / "data" / "samples")
    feeds = folder / "data" / "feeds"
    if step == "run-once":
        for path in glob.glob(str(folder / "data" / "wire.db*")):
            os.remove(path)
    shutil.rmtree(feeds, ignore_errors=True)
    return config


def _callgrind(command: list[str], repo: Path, cache: Path, out: Path) -> int:
    """Run ``command`` under callgrind; return the instructions of it and its children."""
    for old in out.glob("callgrind.out.*"):
        old.unlink()
    subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes",
                    f"--callgrind-out-file={out}/callgrind.out.%p"] + command,
                   cwd=repo, env=_env(repo, cache), check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    total = 0
    for path in out.glob("callgrind.out.*"):
        match = re.search(rb"^(?:summary|totals): (\d+)", path.read_bytes(), re.M)
        total += int(match.group(1)) if match else 0
    return total


def compile_packages(repo: Path) -> None:
    """Write the bytecode of the checkout's packages (its own ``__pycache__`` folders)."""
    import compileall

    for package in ("ingest", "normalize", "syndicate"):
        compileall.compile_dir(str(repo / package), quiet=1)


def measure(repo: Path, cache: Path) -> dict[str, int]:
    compile_packages(repo)
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="wirefeed-instr-") as tmp:
        folder, out = Path(tmp) / "site", Path(tmp) / "out"
        folder.mkdir()
        out.mkdir()
        for step in STEPS:  # warm-up: bytecode, model cache
            config = _prepare(repo, folder, step)
            subprocess.run(_command(step, config), cwd=repo, env=_env(repo, cache), check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for step in STEPS:
            config = _prepare(repo, folder, step)
            counts[step] = _callgrind(_command(step, config), repo, cache, out)
            print(f"{step:10} {counts[step]:>16,} instructions", file=sys.stderr, flush=True)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=HERE.parent, help="checkout to measure")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "wirefeed-instr-cache",
                        help="XDG_CACHE_HOME for the runs (the language model cache)")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args()
    counts = measure(args.repo.resolve(), args.cache)
    counts["run-once - render"] = counts["run-once"] - counts["render"]
    if args.json:
        print(json.dumps(counts))
    else:
        for step, count in counts.items():
            print(f"{step:18} {count:>16,}")


if __name__ == "__main__":
    main()
