"""Character references to UTF-16 surrogates: an emoji a CMS escaped as its two halves
(``&#55357;&#56832;``) is illegal in XML and in Python strings. It must cost neither the item
nor the document: a pair becomes its character, a lone half U+FFFD."""

from __future__ import annotations

import pytest

from normalize import parse_bytes
from normalize.xmlsafe import repair_surrogate_references

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title><link>http://wire.example/</link>
<description>d</description>
<item><title>Fans cheer &#55357;&#56832; in Madrid</title><link>http://wire.example/1</link>
<guid>a-1</guid><description>Half &#xD83D; of a smile</description></item>
<item><title>Second item</title><link>http://wire.example/2</link><guid>a-2</guid>
<description>Plain text%s</description></item>
</channel></rss>"""

NITF = """<?xml version="1.0" encoding="UTF-8"?>
<nitf xml:lang="es"><head><docdata><doc-id id-string="wf-0001"/>
<date.issue norm="20261201T080000Z"/></docdata></head>
<body><body.head><hedline><hl1>Gol en el último minuto &#55357;&#56832;</hl1></hedline></body.head>
<body.content><p>El estadio celebró el gol &#x0D83D;&#x0DE00; hasta la medianoche.</p>
</body.content></body></nitf>""".encode()


@pytest.mark.parametrize("raw, repaired", [
    (b"&#55357;&#56832;", "&#128512;"),           # decimal pair -> U+1F600
    (b"&#xD83D;&#xde00;", "&#128512;"),           # hex, either case
    (b"&#0055357;&#x0DE00;", "&#128512;"),        # leading zeros, mixed forms
    (b"&#55296;", "&#65533;"),                    # a high half alone
    (b"&#56832;&#55357;", "&#65533;&#65533;"),    # halves in the wrong order
    (b"&#55357; &#56832;", "&#65533; &#65533;"),  # not adjacent: not a pair
])
def test_surrogate_references_become_legal(raw: bytes, repaired: str) -> None:
    assert repair_surrogate_references(b"a " + raw + b" b") == f"a {repaired} b".encode()


def test_documents_without_one_are_returned_as_they_are() -> None:
    data = b"<p>&#8217;&#55295;&#57344;&#x1F600;&#xFFFD;</p>"  # around the range: untouched
    assert repair_surrogate_references(data) is data


@pytest.mark.parametrize("loose", [b"", b" & more"])  # well-formed (lxml) and loose (feedparser)
def test_a_feed_keeps_every_item_and_the_emoji(loose: bytes) -> None:
    articles = parse_bytes(RSS % loose, "feed", "http://wire.example/feed")
    assert [a.title for a in articles] == ["Fans cheer \U0001F600 in Madrid", "Second item"]
    assert "Half \ufffd of a smile" in articles[0].body_html


def test_an_agency_document_keeps_its_emoji() -> None:
    (article,) = parse_bytes(NITF, "inbox", "file:///drop/wf-0001.xml")
    assert article.title == "Gol en el último minuto \U0001F600"
    assert "el gol \U0001F600 hasta" in article.body_html
