"""Run the real ``ingest`` CLI with per-stage timers: ``python bench/profiled.py run-once ...``.

The pipeline's own functions are wrapped (not copied) before the CLI starts: fetch, parse
(``normalize.parse_bytes``), wire conventions (``normalize.wire.enrich``), language
(``normalize.language.detect_article``), archive (``store`` of either archive backend) and render
(``syndicate.publish.publish_all``). At exit the totals are written as one JSON line to the file
named by ``WIREFEED_PROFILE_OUT`` (or stderr). Sources run in threads, so a stage's figure is
its wall time summed over threads (it can exceed the run's wall time; compare stages with each
other). Stages called from worker processes are timed there and are not seen here.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TOTALS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
_LOCAL = threading.local()  # the pipeline runs sources in threads: nesting is per thread
_LOCK = threading.Lock()


def timed(stage: str, func):
    """Wrap ``func`` so its wall time adds to ``stage`` (nested stages are subtracted)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        stack = _LOCAL.__dict__.setdefault("stack", [])
        start = time.perf_counter()
        stack.append([stage, 0.0])
        try:
            return func(*args, **kwargs)
        finally:
            _, inner = stack.pop()
            elapsed = time.perf_counter() - start
            with _LOCK:
                TOTALS[stage] += elapsed - inner
                CALLS[stage] += 1
            if stack:
                stack[-1][1] += elapsed

    return wrapper


def install() -> None:
    """Patch the stage functions where the pipeline looks them up."""
    import normalize
    import normalize.language
    import normalize.wire
    import syndicate.publish
    from ingest import collectors, pipeline
    from ingest.archive.articles import ArticlesMixin

    collectors.fetch = timed("fetch", collectors.fetch)
    pipeline.Runner.normalize_job = timed("normalize", pipeline.Runner.normalize_job)
    normalize.parse_bytes = timed("parse", normalize.parse_bytes)
    normalize.wire.enrich = timed("wire", normalize.wire.enrich)
    normalize.language.detect_article = timed("language", normalize.language.detect_article)
    ArticlesMixin.store = timed("archive", ArticlesMixin.store)  # both backends' store
    syndicate.publish.publish_all = timed("render", syndicate.publish.publish_all)


def report() -> None:
    """Write the stage totals (seconds) and call counts as one JSON line."""
    figures = {k: round(v, 4) for k, v in TOTALS.items() if not k.startswith("_")}
    line = json.dumps({"stages": figures, "calls": dict(CALLS)})
    target = os.environ.get("WIREFEED_PROFILE_OUT")
    if target:
        Path(target).write_text(line + "\n")
    else:
        print(line, file=sys.stderr)


if __name__ == "__main__":
    from ingest.cli import skip_optional_imports

    skip_optional_imports()  # as the `ingest` entry point does, before install() imports httpx
    install()
    atexit.register(report)
    from ingest.cli import main

    main(prog_name="ingest")
