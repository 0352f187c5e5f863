"""A feed that ends before its closing tags keeps its items when every item in it is complete;
one cut off inside an item is refused with a one-line reason (that item is cut too)."""

from __future__ import annotations

import pytest

from normalize import parse_bytes
from normalize.errors import ParseError
from normalize.model import NoteKind

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Agencia</title><link>http://wire.example/</link>
<description>Servicio</description>
<item><title>Primera noticia</title><link>http://wire.example/1</link><guid>w-1</guid>
<description>Texto de la primera.</description></item>
<item><title>Segunda noticia</title><link>http://wire.example/2</link><guid>w-2</guid>
<description>Texto de la segunda.</description></item>
</channel></rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:wire</id>
<updated>2026-12-01T08:00:00Z</updated>
<entry><title>First story</title><id>urn:wire:1</id><updated>2026-12-01T08:00:00Z</updated>
<link href="http://wire.example/a1"/><summary>The first.</summary></entry>
<entry><title>Second story</title><id>urn:wire:2</id><updated>2026-12-01T09:00:00Z</updated>
<link href="http://wire.example/a2"/><summary>The second.</summary></entry>
</feed>
"""


@pytest.mark.parametrize("document, cut_before, titles", [
    (RSS, b"</rss>", ["Primera noticia", "Segunda noticia"]),
    (RSS, b"</channel>", ["Primera noticia", "Segunda noticia"]),
    (ATOM, b"</feed>", ["First story", "Second story"]),
])
def test_missing_closing_tags_keep_every_complete_item(document: bytes, cut_before: bytes,
                                                       titles: list[str]) -> None:
    cut = document[:document.index(cut_before)]
    articles = parse_bytes(cut, "feed", "http://wire.example/feed")
    assert [a.title for a in articles] == titles
    repairs = [text for a in articles for kind, text in a.extra if kind == NoteKind.REPAIR]
    assert repairs and all("closing tags" in text for text in repairs)


@pytest.mark.parametrize("document, inside", [
    (RSS, b"Texto de la segunda"),
    (ATOM, b"<summary>The second"),
])
def test_a_document_cut_inside_an_item_is_refused(document: bytes, inside: bytes) -> None:
    cut = document[:document.index(inside) + len(inside)]
    with pytest.raises(ParseError, match="truncated document"):
        parse_bytes(cut, "feed", "http://wire.example/feed")
