"""The peer baseline: update every feed with the ``reader`` library (feedparser + SQLite).

Runs inside ``bench/.venv-reader`` (``reader`` is never a dependency of wirefeed):
``python reader_peer.py DB URLS_FILE``. Adds the feeds on first use, then one
``update_feeds(scheduled=False)`` (one worker, conditional GET with ETag/Last-Modified). Since
reader 3.13 a plain ``update_feeds()`` updates only feeds that are due (an hour after their last
update by default), so a rerun made no request at all and the peer's unchanged and changed
passes timed nothing but its start.
"""

import sys

from reader import make_reader


def main(db: str, urls_file: str) -> int:
    reader = make_reader(db)
    known = {feed.url for feed in reader.get_feeds()}
    for url in open(urls_file, encoding="utf-8").read().split():
        if url not in known:
            reader.add_feed(url)
    reader.update_feeds(scheduled=False)
    entries = reader.get_entry_counts().total
    print(f"reader: {entries} entries", file=sys.stderr)
    reader.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
