"""The lxml fast path (normalize.fastfeed) gives the same records as the feedparser path.

Every RSS/Atom document of the fixture corpus, the sample wire and the benchmark's generated
feeds is parsed both ways; the records must be identical field by field (``article_to_dict``).
Documents the fast path declines are fine (feedparser reads them); the generated feeds and the
sample wire must take the fast path, or it would be useless.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from normalize import feed, finish_identity, normalize_document
from normalize.model import article_to_dict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402  (bench/corpus.py: the deterministic benchmark feeds)


def _xml_documents() -> list[tuple[str, bytes]]:
    docs = []
    for folder in (ROOT / "tests" / "fixtures" / "feed", ROOT / "data" / "samples",
                   ROOT / "data" / "samples" / "inbox"):
        for path in sorted(folder.glob("*")):
            if path.suffix in (".xml", ".rss", ".atom"):
                data = path.read_bytes()
                if b"<rss" in data[:4096] or b"<feed" in data[:4096]:
                    docs.append((str(path.relative_to(ROOT)), data))
    for source in range(6):
        docs.append((f"generated-{source}", corpus.make_feed(source, 12, revision=1, fraction=0.3)))
    return docs


DOCUMENTS = _xml_documents()


def _dicts(articles) -> list[dict]:
    return [article_to_dict(finish_identity(a, "src")) for a in articles]


@pytest.mark.parametrize("name,data", DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_fast_path_matches_feedparser(name, data):
    slow = feed.parse_with_feedparser(data, url="https://wire.example/feed")
    fast = feed.parse_plain_feed(data)
    if fast is None:
        assert not name.startswith(("generated", "data/samples/")), f"{name} declined"
        return
    assert len(fast) == len(slow)
    for fast_record, slow_record in zip(_dicts(fast), _dicts(slow)):
        assert fast_record == slow_record


@pytest.mark.parametrize("source", range(6))
def test_generated_feeds_normalize_identically(source, monkeypatch):
    """The whole normalization (wire conventions, language) agrees too, on both formats."""
    data = corpus.make_feed(source, 8)
    fast = normalize_document(data, "feed", source="bench")
    monkeypatch.setattr(feed, "_FASTFEED", False)
    slow = normalize_document(data, "feed", source="bench")
    assert [article_to_dict(a) for a in fast] == [article_to_dict(a) for a in slow]
    assert {a.language for a in fast} == {corpus.source_language(source)}
    assert all(a.images and a.images[0].credit for a in fast)


def test_unusual_documents_go_to_feedparser():
    odd = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
           b'<item><title>A</title><link>/relative</link><guid>g1</guid></item>'
           b'</channel></rss>')
    assert feed.parse_plain_feed(odd) is None
    assert [a.url for a in feed.parse(odd, url="https://wire.example/rss")] == [
        "https://wire.example/relative"]
    broken = b'<rss version="2.0"><channel><item><title>A &amp B</title></item></channel></rss>'
    assert feed.parse_plain_feed(broken) is None
