"""Differential check of the lxml feed reader against feedparser, on any folder of feeds.

    python bench/differential.py --feeds ~/corpora/feeds          # summary
    python bench/differential.py --feeds DIR --show 20            # and the first differences
    python bench/differential.py --feeds DIR --timing             # and items/s of each reader

Every file whose first bytes look like RSS, RDF or Atom is read twice: by feedparser
(:func:`normalize.feed.parse_with_feedparser`, the oracle) and by the lxml reader
(:func:`normalize.feed.parse_plain_feed`). Each document ends in one class:

``agree``        the lxml reader took it and every record field is the same;
``improved``     it took it and the fields that differ are all listed in :data:`IMPROVEMENTS`
                 (deliberate: feedparser is wrong there, see each reason);
``differ``       it took it and some field differs for an unlisted reason (a bug to fix);
``declined``     well-formed, but the lxml reader handed it to feedparser;
``ill-formed``   libxml2 refuses it even mended, so only feedparser reads it (the intended split);
``not-a-feed``   feedparser finds no feed in it either (or refuses it: entities, truncation).

``--timing`` also reads every document the lxml reader takes three ways, interleaved so that a
busy machine slows them alike: the records through the lxml reader, the records through
feedparser, and bare ``feedparser.parse`` with its defaults (sanitizer on, as a feedparser-based
reader runs it); it prints items/s for each and the ratios.

The acceptance share is (agree + improved + differ) / (those + declined). ``tests/test_fastpath.py``
runs :func:`compare` over the fixtures in CI.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from normalize.errors import ParseError  # noqa: E402
from normalize import fastfeed, feed, finish_identity  # noqa: E402
from normalize.model import article_to_dict  # noqa: E402
from normalize.xmlsafe import parse_xml, refuse_entity_declarations  # noqa: E402

BASE_URL = "https://feeds.example/dir/feed.xml"
_HASH = re.compile("[0-9a-f]{64}")


def _resolved_link(fast, slow) -> bool:
    """feedparser resolves a relative <link> against the document URL but not xml:base in RSS
    (it reads xml:base only on Atom elements and content): we resolve against both."""
    return isinstance(fast, str) and isinstance(slow, str) and "://" in fast and "://" not in slow


def _cleaner_authors(fast, slow) -> bool:
    """feedparser's e-mail pattern keeps four letters of top-level domain (``a@b.online`` leaves
    ``ine`` in the name) and a nameless author inherits the previous one's name: ours are the
    same names without that debris (each one inside one of feedparser's), never more of them."""
    return isinstance(fast, list) and isinstance(slow, list) and len(fast) <= len(slow) and \
        bool(fast or not slow) and all(any(name in other for other in slow) for name in fast)


def _misdecoded(fast, slow) -> bool:
    """feedparser read some bytes as Latin-1/cp1252 where the document (and we) read UTF-8: its
    value is ours encoded as UTF-8 and decoded as one of those (``FreirÃ¤ume``, ``ï¿½``)."""
    if isinstance(fast, list) and isinstance(slow, list):
        return len(fast) == len(slow) and any(a != b for a, b in zip(fast, slow)) and \
            all(a == b or _misdecoded(a, b) for a, b in zip(fast, slow))
    if not isinstance(fast, str) or not isinstance(slow, str) or fast.isascii():
        return False
    raw = fast.encode("utf-8")
    return slow in (raw.decode("latin-1"), raw.decode("cp1252", "replace"))


def _declaration_note(fast, slow) -> bool:
    """Whitespace before the XML declaration: feedparser's expat calls it malformed and notes a
    lenient repair; nothing was repaired, the lxml reader just skips the whitespace."""
    return fast == [] and isinstance(slow, list) and len(slow) == 1 and \
        "declaration not at start" in str(slow[0])


def _mended_note(fast, slow) -> bool:
    """A document mended before libxml2 read it (an undeclared module prefix, an HTML entity:
    normalize.feedmend): one repair note naming what was mended, where feedparser's names the
    first thing expat stumbled on ("unbound prefix", "undefined entity")."""
    return isinstance(fast, list) and isinstance(slow, list) and len(fast) == len(slow) == 1 and \
        str(fast[0][1]).startswith("malformed XML mended: ") and \
        str(slow[0][1]).startswith("malformed XML recovered leniently: ")


def _loose_breaks(fast, slow) -> bool:
    """A document feedparser read with its loose parser (whitespace before ``<?xml``): it
    writes an upper-case ``<BR />`` as ``<BR></BR>``, two line breaks where the feed has one;
    the bodies are the same but for longer runs of ``<br>`` in feedparser's."""
    return isinstance(fast, str) and isinstance(slow, str) and \
        slow.count("<br>") > fast.count("<br>") and _BREAKS.sub("<br>", fast) == _BREAKS.sub("<br>", slow)


_BREAKS = re.compile("(?:<br>)+")


#: field -> (why the lxml reader's value is the better one, a test of the two values)
IMPROVEMENTS: dict[str, tuple[str, Callable[[object, object], bool]]] = {
    "url": ("relative link resolved where feedparser left it relative", _resolved_link),
    "authors": ("author e-mails and nameless authors read without feedparser's slips",
                _cleaner_authors),
    "extra": ("no repair note for whitespace before <?xml, or a mended document's note names "
              "what was mended", lambda fast, slow: _declaration_note(fast, slow) or _mended_note(fast, slow)),
    "body_html": ("one line break where feedparser's loose parser makes two of an upper-case "
                  "<BR />", _loose_breaks),
    "sections": ("a category read as UTF-8 where feedparser mis-decodes it", _misdecoded),
    "rights": ("rights read as UTF-8 where feedparser mis-decodes them", _misdecoded),
}
#: an item nested in an item (a FeedSync conflict's older version, an Atom <source> holding an
#: <entry>): feedparser makes an entry of it and gives what follows it in the outer item to the
#: feed; ours reads the outer item whole, without an extra record. The other items are compared.
NESTED_ITEMS = "<count>"


def _is_item(element) -> bool:
    """An item or entry by feedparser's name of the element (a ``content:item`` is not one)."""
    return fastfeed._Document(False, False).name(element) in ("item", "entry")


def _nested_items(data: bytes) -> list[int] | None:
    """For each outermost item or entry, how many items are nested in it; ``None`` when none
    is (or the bytes do not parse as they are)."""
    try:
        root = parse_xml(data.lstrip())
    except ParseError:
        return None
    counts = [sum(1 for inner in e.iterdescendants() if _is_item(inner))
              for e in root.iter() if _is_item(e) and not any(_is_item(a) for a in e.iterancestors())]
    return counts if any(counts) else None


def _aligned(fast: list, slow: list, nested: list[int]) -> tuple[list, list] | None:
    """The records of the items without nested ones, paired (feedparser makes 1 + n entries of
    an item holding n); ``None`` when the counts do not add up that way."""
    if len(fast) != len(nested) or len(slow) != sum(nested) + len(nested):
        return None
    pairs, at = [], 0
    for index, inner in enumerate(nested):
        if not inner:
            pairs.append((fast[index], slow[at]))
        at += 1 + inner
    return [a for a, _ in pairs], [b for _, b in pairs]


@dataclass(frozen=True)
class Outcome:
    """The class of one document and, for ``differ``/``improved``, the differing fields."""

    kind: str
    items: int = 0
    fields: tuple[str, ...] = ()
    detail: str = ""
    improvements: tuple[str, ...] = field(default=())
    #: libxml2 refused the bytes as they are; the lxml reader read them mended (feedmend)
    mended: bool = False


def _records(articles) -> list[dict]:
    return [article_to_dict(finish_identity(a, "src")) for a in articles]


_TEST_HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.M)


def test_headers(data: bytes) -> dict[str, str] | None:
    """The response headers a feedparser test file asks for in its leading comment
    (``Header: Content-type: text/xml; charset=windows-1252``), or ``None``."""
    head = data[:data.find(b"-->")] if data.lstrip().startswith(b"<!--") else b""
    found = {name.decode("ascii").lower(): value.decode("latin-1")
             for name, value in _TEST_HEADER.findall(head)}
    return found or None


def looks_like_feed(data: bytes) -> bool:
    """True when the first 4 KB name an RSS, RDF or Atom root (cheap pre-filter)."""
    head = data[:4096]
    return b"<rss" in head or b"<feed" in head or b"RDF" in head


def compare(data: bytes, url: str = BASE_URL, headers: dict[str, str] | None = None) -> Outcome:
    """Read ``data`` both ways (with the response ``headers``, if any) and classify the result
    (see the module docstring)."""
    try:
        refuse_entity_declarations(data)
        slow = feed.parse_with_feedparser(data, url=url, headers=headers)
    except ParseError as exc:
        return Outcome("not-a-feed", detail=str(exc)[:120])
    fast = feed.parse_plain_feed(data, url=url, headers=headers)
    if fast is None:
        try:
            parse_xml(data.lstrip() if data.lstrip()[:5] == b"<?xml" else data)
        except ParseError:
            return Outcome("ill-formed", len(slow))
        return Outcome("declined", len(slow))
    mended = any(str(note[1]).startswith("malformed XML mended: ") for note in fast[0].extra) if fast else False
    differing: dict[str, tuple[object, object]] = {}
    nested = _nested_items(data)
    items = len(slow)  # feedparser's entries, nested ones too
    if nested is not None:
        aligned = _aligned(fast, slow, nested)
        if aligned is None:
            return Outcome("differ", len(slow), ("<count>",), f"{len(fast)} vs {len(slow)} items")
        differing[NESTED_ITEMS] = (len(fast), len(slow))
        fast, slow = aligned
    elif len(fast) != len(slow):
        return Outcome("differ", len(slow), ("<count>",), f"{len(fast)} vs {len(slow)} items")
    for fast_record, slow_record in zip(_records(fast), _records(slow)):
        for key in fast_record:
            if fast_record[key] != slow_record.get(key) and key not in differing:
                differing[key] = (fast_record[key], slow_record.get(key))
    if not differing:
        return Outcome("agree", items, mended=mended)
    derived = ["id", "content_hash", "parse_hash"]  # hashes of the other fields
    if "guid" in differing and all(_HASH.fullmatch(str(v)) for v in differing["guid"]):
        derived.append("guid")  # no guid or link: the guid is the content hash too
    unexplained = tuple(key for key, (a, b) in differing.items() if key not in derived
                        and key != NESTED_ITEMS and (key not in IMPROVEMENTS or not IMPROVEMENTS[key][1](a, b)))
    if not unexplained and all(key in derived for key in differing):
        unexplained = tuple(differing)
    if unexplained:
        key = next((k for k in unexplained if k not in derived), unexplained[0])
        a, b = differing[key]
        return Outcome("differ", items, unexplained, f"{key}: lxml {a!r:.150} / feedparser {b!r:.150}",
                       mended=mended)
    return Outcome("improved", items,
                   improvements=tuple(key for key in differing if key not in derived), mended=mended)


def time_readers(data: bytes, url: str = BASE_URL) -> tuple[float, float, float]:
    """Seconds to read ``data`` into records with lxml, into records with feedparser, and with
    bare ``feedparser.parse`` (best of two each, interleaved)."""
    import io
    import time

    import feedparser

    best = [float("inf")] * 3
    readers = (lambda: feed.parse_plain_feed(data, url=url),
               lambda: feed.parse_with_feedparser(data, url=url),
               lambda: feedparser.parse(io.BytesIO(data), response_headers={"content-location": url}))
    for _ in range(2):
        for number, read in enumerate(readers):
            start = time.perf_counter()
            read()
            best[number] = min(best[number], time.perf_counter() - start)
    return best[0], best[1], best[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=Path, required=True, help="a folder of feed files (recursive)")
    parser.add_argument("--show", type=int, default=10, help="print this many differing documents")
    parser.add_argument("--declined", action="store_true", help="also list the declined documents")
    parser.add_argument("--content-type", help="serve every document with this Content-Type "
                        "header, e.g. 'text/xml; charset=utf-8' (default: the headers a feedparser "
                        "test file names in its leading comment, else none)")
    parser.add_argument("--timing", action="store_true",
                        help="also time the readers on the documents the lxml reader takes")
    args = parser.parse_args(argv)
    counts: Counter[str] = Counter()
    items: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    improvements: Counter[str] = Counter()
    shown = 0
    mended = 0
    timed_items = 0
    seconds = [0.0, 0.0, 0.0]
    for path in sorted(p for p in args.feeds.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if not looks_like_feed(data):
            continue
        headers = {"content-type": args.content_type} if args.content_type else test_headers(data)
        outcome = compare(data, headers=headers)
        if args.timing and outcome.kind in ("agree", "improved", "differ"):
            timed_items += outcome.items
            seconds = [a + b for a, b in zip(seconds, time_readers(data))]
        counts[outcome.kind] += 1
        mended += outcome.mended
        items[outcome.kind] += outcome.items
        fields.update(outcome.fields)
        improvements.update(outcome.improvements)
        if outcome.kind == "differ" and shown < args.show:
            shown += 1
            print(f"DIFFER {path}: {outcome.detail}")
        if outcome.kind == "declined" and args.declined:
            print(f"DECLINED {path}")
    taken = counts["agree"] + counts["improved"] + counts["differ"]
    wellformed = taken + counts["declined"]
    print(f"\n{sum(counts.values())} documents in {args.feeds}")
    for kind in ("agree", "improved", "differ", "declined", "ill-formed", "not-a-feed"):
        print(f"  {kind:<11} {counts[kind]:6d} documents {items[kind]:7d} items")
    if wellformed:
        if mended:
            print(f"  of those taken, {mended} read mended (libxml2 refuses them as they are: "
                  "an undeclared module prefix, an HTML entity)")
        print(f"lxml reader took {taken}/{wellformed} well-formed (or mended) feeds ({100 * taken / wellformed:.1f}%), "
              f"agreeing (or improving) on {counts['agree'] + counts['improved']}"
              f" ({100 * (counts['agree'] + counts['improved']) / wellformed:.1f}%)")
    if timed_items and all(seconds):
        lxml_rate, records_rate, bare_rate = (timed_items / t for t in seconds)
        print(f"readers on those {timed_items} items: lxml records {lxml_rate:.0f} items/s, "
              f"feedparser records {records_rate:.0f} items/s ({lxml_rate / records_rate:.2f}x), "
              f"bare feedparser.parse {bare_rate:.0f} items/s ({lxml_rate / bare_rate:.2f}x)")
    if fields:
        print("differing fields: " + ", ".join(f"{k} {v}" for k, v in fields.most_common()))
    if improvements:
        print("deliberate improvements: " + ", ".join(
            f"{k} {v} ({IMPROVEMENTS[k][0] if k in IMPROVEMENTS else 'an item nested in an item'})"
            for k, v in improvements.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
