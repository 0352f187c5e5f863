"""Worker passes: a folder of feeds normalized and routed in one warmed process, as a
normalization worker of ``ingest run-once`` does it (bench/README.md, "worker passes").

The process loads what the workers' forkserver loads (``ingest.preload``, with the cache folder
of ``$XDG_CACHE_HOME``), collects garbage at the workers' threshold, and then normalizes every
feed of the folder (``normalize_many`` with the pipeline's routing, one document a call, every
item new) ``--passes`` times, the language results' cache emptied before each pass. It prints
the CPU time of each pass after the first, in ms an item. ``--dump FILE`` writes the repr of
every field of every record of the last pass (to compare two trees' records); ``--generated
N``: instead of a folder, the ``bench/corpus.py`` rich feeds of N sources x 100 items.

Usage: python bench/worker_pass.py FOLDER [--passes 3] [--dump out.txt]
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
from run import real_feeds, write_config  # noqa: E402


def documents(folder: Path | None, generated: int) -> list[tuple[str, bytes]]:
    if folder is None:
        return [(f"gen{n}", corpus.make_feed(n, 100, 0, 0.0, True)) for n in range(generated)]
    import feedparser

    # As bench/run.py serves a folder: only the files feedparser finds entries in.
    return [(name, data) for name, data in real_feeds(folder)
            if feedparser.parse(data).entries]


def record_lines(records) -> list[str]:
    """One line a field of every record: its repr, as the comparison reads it."""
    lines = []
    for article in records:
        for field in dataclasses.fields(article):
            lines.append(f"{field.name}={getattr(article, field.name)!r}")
        lines.append("--")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--generated", type=int, default=50)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args(argv)

    import ingest.preload  # noqa: F401  (what the forkserver loads, the heap frozen)
    from ingest.config import load_config
    from ingest.workers import WORKER_GC_THRESHOLD
    from normalize import language, normalize_many
    from normalize.editions import finish_records

    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    docs = documents(args.folder, args.generated)
    with tempfile.TemporaryDirectory() as tmp:
        urls = [f"http://127.0.0.1:9/real/{n}.xml" for n in range(len(docs))]
        config = load_config(write_config(Path(tmp), urls, languages=False))
    jobs = []
    for number, (name, data) in enumerate(docs):
        source = config.sources[number]
        routing = functools.partial(finish_records, source=source.routing,
                                    editions=config.editions, rules=config.rules)
        args_ = (data, "feed", source.url, source.id, {"content-type": "application/xml"},
                 source.language, None, ())
        jobs.append((args_, routing))
    figures = []
    for number in range(args.passes):
        language.clear_cache()
        records = []
        start = time.process_time()
        for job, routing in jobs:
            result = normalize_many([job], config.languages, routing)[0]
            if not isinstance(result, str):
                records += result[0]
        spent = time.process_time() - start
        per_item = spent / max(len(records), 1) * 1000
        print(f"pass {number}: {len(records)} items {spent:.3f} s {per_item:.4f} ms an item",
              flush=True)
        if number:
            figures.append(per_item)
    if figures:
        print(f"median after the first: {statistics.median(figures):.4f} ms an item")
    if args.dump:
        args.dump.write_text("\n".join(record_lines(records)) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
