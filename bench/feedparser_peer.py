"""The bare-feedparser baseline: fetch every feed and parse it with feedparser, nothing else.

``python feedparser_peer.py STATE_JSON URLS_FILE``: one GET per URL in turn (conditional, with
the ETag and Last-Modified kept in STATE_JSON from the previous run, as any poller does), and
``feedparser.parse`` on each 200 body with its default settings (sanitizer and relative-URI
resolution on). No storage, no normalization: the floor any feedparser-based reader pays.
Prints the number of entries parsed to stderr.
"""

from __future__ import annotations

import io
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import feedparser


def main(state_file: str, urls_file: str) -> int:
    state_path = Path(state_file)
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    entries = 0
    for url in Path(urls_file).read_text(encoding="utf-8").split():
        request = urllib.request.Request(url)
        known = state.get(url, {})
        if known.get("etag"):
            request.add_header("If-None-Match", known["etag"])
        if known.get("modified"):
            request.add_header("If-Modified-Since", known["modified"])
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body = response.read()
                headers = {k.lower(): v for k, v in response.headers.items()}
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                continue
            raise
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
        entries += len(parsed.entries)
        state[url] = {"etag": headers.get("etag"), "modified": headers.get("last-modified")}
    state_path.write_text(json.dumps(state))
    print(f"feedparser: {entries} entries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
