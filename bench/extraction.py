"""Field accuracy and speed of the article-page parser on a folder of labelled pages.

    python bench/extraction.py --corpus DIR [--limit N] [--misses FIELD] [--json OUT]

A corpus is any folder of pages with their expected values, in either layout:

- ``DIR/<case>/page.html`` beside ``DIR/<case>/expected.json``, a JSON object whose keys are all
  optional: ``url`` (where the page was fetched), ``title``, ``authors`` (list), ``published``
  (ISO date or datetime), ``body_text`` (the whole article text), ``body_with`` /
  ``body_without`` (snippets the text must / must not contain), ``caption`` and ``credit`` (of the
  lead picture), ``is_article`` (``false`` for a page that has no article);
- ``DIR/<case>.html`` beside ``DIR/<case>.json``, a list holding one expected record as
  ``ingest export`` writes it (the layout of ``tests/fixtures/page``), and ``<case>.url``.

A field is compared only on the pages whose expectation has it. The figures:

- body precision, recall and F1 on 4-token shingles (lower-cased ``\\w+`` tokens, counted as a
  multiset), averaged over pages; a page without an article counts as right when its record
  has an empty body or a non-usable status; body exact match (after folding white space);
- snippets: the share of ``body_with`` snippets found, of ``body_without`` snippets absent;
- title exact after folding white space; authors the same set (case-folded); published the same
  UTC day; caption and credit of the first picture exact after folding white space;
- time per page of ``normalize.page.parse`` + ``normalize.wire.enrich`` (what the page parser
  does, without language detection; each page is given the site names the ``<title>`` texts of
  the corpus's other pages of its host share, as a page source listing them all would) beside ``trafilatura.extract()`` on the same bytes, and the
  same fields from ``trafilatura.bare_extraction(with_metadata=True)`` alone for comparison.
  The gazetteer the bylines' place test reads (:func:`normalize.places.gazetteer`) is loaded
  before the first page, as in production: ``ingest.preload`` builds it in the forkserver the
  normalization workers fork from, and a run's own process (full-text pages) reads it back from
  its cache folder (~0.06 s); built here in the timed loop, it added ~1.1-1.3 s of CPU to the first page
  that named a place (~1 ms a page over the 1,120 dev pages). Both parsers are timed under the
  collector settings of a normalization worker (:data:`ingest.workers.WORKER_GC_THRESHOLD`:
  the first generation collected every 10,000 allocations, not 700), where production parses
  a page source's pages; ``--default-gc`` times them under Python's defaults instead (as the
  full-text pages a run parses in its own process are).
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from normalize import page as page_parser  # noqa: E402
from normalize import places  # noqa: E402
from normalize.errors import ParseError  # noqa: E402
from normalize.model import STATUS_USABLE, Article  # noqa: E402
from normalize.wire import enrich  # noqa: E402

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Case:
    """One labelled page."""

    name: str
    data: bytes
    url: str | None
    expected: dict


@dataclass(frozen=True)
class Found:
    """The fields one extractor found on a page."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # UTC day, YYYY-MM-DD
    body: str = ""
    caption: str | None = None
    credit: str | None = None
    usable: bool = True


@dataclass
class Tally:
    """Scores per field for one extractor."""

    values: dict[str, list[float]] = field(default_factory=dict)
    misses: dict[str, list[str]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)

    def add(self, name: str, value: float, case: str) -> None:
        self.values.setdefault(name, []).append(value)
        if value < 1.0:
            self.misses.setdefault(name, []).append(case)

    def mean(self, name: str) -> float | None:
        values = self.values.get(name)
        return statistics.fmean(values) if values else None


def load_corpus(folder: Path) -> list[Case]:
    """Every labelled page of ``folder`` (both layouts), sorted by name."""
    cases = []
    for expected in sorted(folder.glob("*/expected.json")):
        page = expected.with_name("page.html")
        if page.exists():
            data = json.loads(expected.read_text(encoding="utf-8"))
            cases.append(Case(expected.parent.name, page.read_bytes(), data.get("url"), data))
    for page in sorted(folder.glob("*.html")):
        record_file = page.with_suffix(".json")
        if not record_file.exists():
            continue
        record = json.loads(record_file.read_text(encoding="utf-8"))
        record = record[0] if isinstance(record, list) else record
        url_file = page.with_suffix(".url")
        url = url_file.read_text(encoding="utf-8").strip() if url_file.exists() else None
        cases.append(Case(page.stem, page.read_bytes(), url, _from_record(record)))
    return cases


def _from_record(record: dict) -> dict:
    expected = {k: record[k] for k in ("title", "authors", "published") if k in record}
    if "body_text" in record:
        expected["body_text"] = record["body_text"]
    if record.get("images"):
        first = record["images"][0]
        expected["caption"] = first.get("caption")
        expected["credit"] = (first.get("credit") or {}).get("text")
    return expected


def _fold(text: str | None) -> str:
    return " ".join((text or "").split())


def _day(value) -> str | None:
    if not value:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text[:10]
        if len(text) <= 10:
            return moment.date().isoformat()
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.date().isoformat()


def shingles(text: str, size: int = 4) -> Counter:
    """The multiset of ``size``-token shingles of ``text`` (lower-cased ``\\w+`` tokens)."""
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1))


def body_scores(found: str, expected: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``found`` against ``expected`` on 4-token shingles."""
    got, want = shingles(found), shingles(expected)
    if not got and not want:
        return 1.0, 1.0, 1.0
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(tally: Tally, case: Case, found: Found) -> None:
    """Add ``found``'s scores on ``case`` to ``tally``."""
    want = case.expected
    if want.get("is_article") is False:
        tally.add("non-article kept out", float(not found.usable or not found.body.strip()),
                  case.name)
        return
    if want.get("body_text"):
        precision, recall, f1 = body_scores(found.body, want["body_text"])
        tally.add("body precision", precision, case.name)
        tally.add("body recall", recall, case.name)
        tally.add("body F1", f1, case.name)
        tally.add("body exact", float(_fold(found.body) == _fold(want["body_text"])), case.name)
        tally.add("body not empty", float(bool(found.body.strip())), case.name)
    folded = _fold(found.body)
    if want.get("body_with"):
        hits = [_fold(s) in folded for s in want["body_with"]]
        tally.add("snippets found", sum(hits) / len(hits), case.name)
        tally.add("body not empty", float(bool(found.body.strip())), case.name)
    if want.get("body_without"):
        clean = [_fold(s) not in folded for s in want["body_without"]]
        tally.add("snippets kept out", sum(clean) / len(clean), case.name)
    if want.get("title"):
        tally.add("title", float(_fold(found.title) == _fold(want["title"])), case.name)
    if want.get("authors"):
        same = {_fold(a).casefold() for a in found.authors} == \
            {_fold(a).casefold() for a in want["authors"]}
        tally.add("authors", float(same), case.name)
    # A label read from a table's empty cell (NaN in the JSON) is no label.
    if isinstance(want.get("published"), str) and want["published"].strip():
        tally.add("published", float(found.published == _day(want["published"])), case.name)
    if want.get("caption"):
        tally.add("caption", float(_fold(found.caption) == _fold(want["caption"])), case.name)
    if want.get("credit"):
        tally.add("credit", float(_fold(found.credit) == _fold(want["credit"])), case.name)


def run_ours(case: Case, site_names: tuple[str, ...] = ()) -> tuple[Found, float]:
    """Our page parser and wire conventions on one page, and the seconds they took."""
    start = time.perf_counter()
    try:
        [article] = page_parser.parse(case.data, url=case.url, site_names=site_names)
        article = enrich(article)
    except ParseError:
        return Found(usable=False), time.perf_counter() - start
    seconds = time.perf_counter() - start
    return _found(article), seconds


def _found(article: Article) -> Found:
    image = article.images[0] if article.images else None
    return Found(
        title=article.title, authors=article.authors, published=_day(article.published),
        body=article.body_text,
        caption=image.caption if image else None,
        credit=image.credit.text if image and image.credit else None,
        usable=article.status == STATUS_USABLE,
    )


def run_trafilatura(case: Case) -> tuple[Found, float]:
    """``trafilatura.extract()`` timed on one page; the fields from ``bare_extraction``."""
    import trafilatura

    start = time.perf_counter()
    trafilatura.extract(case.data, url=case.url)
    seconds = time.perf_counter() - start
    doc = trafilatura.bare_extraction(case.data, url=case.url, with_metadata=True)
    if doc is None:
        return Found(usable=False), seconds
    authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
    return Found(title=doc.title, authors=authors, published=_day(doc.date),
                 body=doc.text or "", usable=bool(doc.text)), seconds


def _row(name: str, ours: Tally, theirs: Tally | None) -> str:
    def cell(tally: Tally | None) -> str:
        value = tally.mean(name) if tally else None
        return f"{value:8.3f}" if value is not None else f"{'-':>8}"
    count = len(ours.values.get(name, []))
    return f"| {name:<21} | {count:>5} | {cell(ours)} | {cell(theirs)} |"


FIELDS = ("body precision", "body recall", "body F1", "body exact", "body not empty",
          "snippets found", "snippets kept out", "title", "authors", "published", "caption",
          "credit", "non-article kept out")


def main(argv: list[str] | None = None) -> int:
    """Print the table of figures for ``--corpus``; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0, help="first N pages only")
    parser.add_argument("--no-trafilatura", action="store_true",
                        help="our parser only (no comparison)")
    parser.add_argument("--misses", default="", help="list the pages missed on this field")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--default-gc", action="store_true",
                        help="time under Python's collector thresholds, not a worker's")
    args = parser.parse_args(argv)
    cases = load_corpus(args.corpus)
    if args.limit:
        cases = cases[:args.limit]
    if not cases:
        print(f"no labelled pages in {args.corpus}", file=sys.stderr)
        return 1
    places.gazetteer()  # loaded before the first page, as production does (docstring)
    if not args.default_gc:
        from ingest.workers import WORKER_GC_THRESHOLD

        gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    ours, theirs = Tally(), (None if args.no_trafilatura else Tally())
    names = page_parser.site_names_by_host((case.url, case.data) for case in cases)
    hosts = Counter(page_parser.page_host(case.url) for case in cases)
    shared = {host: n for host, n in hosts.items() if host and n > 1}
    for case in cases:
        found, seconds = run_ours(case, names.get(page_parser.page_host(case.url), ()))
        ours.seconds.append(seconds)
        score(ours, case, found)
        if theirs is not None:
            found, seconds = run_trafilatura(case)
            theirs.seconds.append(seconds)
            score(theirs, case, found)
    print(f"{len(cases)} pages from {args.corpus}; {sum(shared.values())} of them from "
          f"{len(shared)} hosts with several pages, site names shared on {len(names)} hosts"
          + (f" ({', '.join(f'{h}: {list(n)}' for h, n in sorted(names.items()))})"
             if names else ""))
    print(f"| {'field':<21} | {'pages':>5} | {'wirefeed':>8} | {'trafila.':>8} |")
    print(f"|{'-' * 23}|{'-' * 7}|{'-' * 10}|{'-' * 10}|")
    for name in FIELDS:
        if ours.values.get(name):
            print(_row(name, ours, theirs))
    mean_ours = statistics.fmean(ours.seconds) * 1000
    line = f"time per page: wirefeed {mean_ours:.1f} ms"
    if theirs is not None:
        mean_theirs = statistics.fmean(theirs.seconds) * 1000
        line += f", trafilatura extract() {mean_theirs:.1f} ms ({mean_ours / mean_theirs:.2f}x)"
    print(line)
    if args.misses:
        print(f"missed on {args.misses}: " + " ".join(ours.misses.get(args.misses, [])))
    if args.json:
        figures = {name: {"ours": ours.mean(name), "trafilatura": theirs.mean(name) if theirs
                          else None, "pages": len(ours.values[name])}
                   for name in FIELDS if ours.values.get(name)}
        figures["ms per page"] = {"ours": mean_ours, "trafilatura": (
            statistics.fmean(theirs.seconds) * 1000 if theirs else None)}
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
