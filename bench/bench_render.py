"""Render every edition's feeds from a large archive: ``python bench/bench_render.py [N]``.

Builds an archive of N articles (default 1,000,000) directly with SQL (executemany in one
transaction, the FTS triggers dropped during the load and the index rebuilt after), then times
``syndicate.publish.publish_all`` twice: a first render into an empty feeds folder and a second
one with nothing changed. Prints the seconds and the peak RSS of this process. Run by hand.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
from ingest.archive import open_archive  # noqa: E402
from ingest.config import load_config  # noqa: E402
from normalize.model import isoformat  # noqa: E402
from syndicate.sections import section_slug  # noqa: E402

EDITIONS_BY_LANGUAGE: dict[str, list[str]] = {}


def build(folder: Path, count: int) -> Path:
    """Write ``schedules.toml`` and an archive of ``count`` generated articles into ``folder``."""
    import run  # bench/run.py: the editions block and config writer

    config_path = run.write_config(folder, [])
    config = load_config(config_path)
    for edition in config.editions:
        for language in edition.languages:
            EDITIONS_BY_LANGUAGE.setdefault(language, []).append(edition.id)
    archive = open_archive(config.pipeline.database)
    db = archive.conn
    for trigger in [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='articles'").fetchall()]:
        db.execute(f"DROP TRIGGER {trigger}")
    templates = [corpus.make_item(source, 0) for source in range(6)]
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    db.execute("BEGIN")
    batch_a, batch_e, batch_s = [], [], []
    for number in range(count):
        item = templates[number % 6]
        language = item["language"]
        published = isoformat(start + timedelta(seconds=number * 90))
        article_id = f"{number:020x}"
        editions = EDITIONS_BY_LANGUAGE.get(language, [])
        section = item["sections"][0]
        body = "".join(f"<p>{p}</p>" for p in item["paragraphs"][:2])
        batch_a.append((article_id, f"s{number % 50}", f"urn:bench:{number}", item["link"],
                        f"{item['title']} {number}", body, body, language,
                        json.dumps(editions), json.dumps([section]), published, published,
                        f"h{number}", 1, "usable",
                        json.dumps([{"url": i["url"], "caption": i["caption"],
                                     "credit": {"text": i["credit"]}} for i in item["images"]])))
        batch_e.extend((article_id, edition, published, "language") for edition in editions)
        batch_s.append((article_id, section, section_slug(section), published))
        if len(batch_a) >= 20000 or number == count - 1:
            db.executemany(
                "INSERT INTO articles (id, source, guid, url, title, body_html, body_text, language,"
                " editions, sections, published, updated, content_hash, version, status, images)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch_a)
            db.executemany("INSERT INTO article_editions VALUES (?,?,?,?)", batch_e)
            db.executemany("INSERT INTO article_sections VALUES (?,?,?,?)", batch_s)
            batch_a, batch_e, batch_s = [], [], []
    db.execute("COMMIT")
    # Rows written past Archive.store: the next open counts the editions from the memberships.
    db.execute("DROP TABLE edition_counts")
    archive.close()
    return config_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args(argv)
    folder = args.out / f"render-{args.count}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    config_path = build(folder, args.count)
    print(f"built an archive of {args.count} articles in {time.perf_counter() - started:.1f} s")
    from ingest.publishing import feed_publisher

    config = load_config(config_path)
    archive = open_archive(config.pipeline.database)
    now = datetime(2030, 1, 1, tzinfo=timezone.utc)
    for label in ("first render", "rerender, nothing changed"):
        started = time.perf_counter()
        written = feed_publisher(config).publish(archive, now)
        elapsed = time.perf_counter() - started
        print(f"{label:<28} {elapsed:6.2f} s  {len(written)} files written")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (archive build included): {peak:.0f} MB")
    archive.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
