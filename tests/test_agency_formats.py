"""Agency formats: NewsML-G2, NITF and ninjs documents in, article records out.

The golden cases live in ``tests/fixtures/{newsml_g2,nitf,ninjs}/`` (``<case>.<ext>`` next to
``<case>.json``, ninjs documents as ``<case>.ninjs``) and run in ``tests/test_fixtures.py``. This
file checks what a golden cannot say: bodies, the declared language before detection, packages,
hostile and broken input, and sniffing from bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.errors import ParseError
from normalize import newsml_g2, ninjs, nitf, parse_bytes, sniff
from normalize.model import article_to_dict
from normalize.xmlsafe import parse_xml

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _read(folder: str, name: str) -> bytes:
    return (FIXTURES / folder / name).read_bytes()


# --- what the goldens do not say --------------------------------------------------------------


def test_newsml_text_body_is_sanitized_and_language_is_declared():
    [article] = newsml_g2.parse(_read("newsml_g2", "text.xml"))
    assert article.language == "es"
    assert article.body_text.startswith("El paro registrado en las oficinas")
    assert "<strong>27.000 personas</strong>" in article.body_html
    assert "onclick" not in article.body_html and "javascript:" not in article.body_html
    assert "tracker" not in article.body_html and "tracker" not in article.body_text
    assert "routing comment" not in article.body_html
    assert ("urgency", "4") in article.extra


def test_newsml_package_is_one_article_with_the_pictures_of_the_message():
    data = _read("newsml_g2", "package.xml")
    articles = newsml_g2.parse(data, url="https://fotos.efe.example/feed/package.xml")
    assert [a.guid for a in articles] == ["urn:newsml:efe.com:20260217:SOC0988"]
    [article] = articles
    # The NITF body inside the G2 item.
    assert article.body_text.startswith("Un temporal de nieve ha obligado")
    # The third picture the package names is not in the message: two images, largest renditions.
    assert [(i.width, i.height) for i in article.images] == [(4000, 3000), (2400, 1600)]
    assert article.images[1].url == "https://fotos.efe.example/0102/high.jpg"


PICTURES_PACKAGE = b"""<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet>
  <packageItem guid="urn:x:pkg" version="1">
    <itemMeta><itemClass qcode="ninat:composite"/></itemMeta>
    <contentMeta><headline>Galer\xc3\xada: nieve en Le\xc3\xb3n</headline></contentMeta>
    <groupSet root="g"><group id="g"><itemRef residref="urn:x:p1"/><itemRef residref="urn:x:p2"/></group></groupSet>
  </packageItem>
  <newsItem guid="urn:x:p1" version="1"><itemMeta><itemClass qcode="ninat:picture"/></itemMeta>
    <contentMeta><description>Uno</description></contentMeta>
    <contentSet><remoteContent href="https://x.example/1.jpg" contenttype="image/jpeg"/></contentSet></newsItem>
  <newsItem guid="urn:x:p2" version="1"><itemMeta><itemClass qcode="ninat:picture"/></itemMeta>
    <contentMeta><description>Dos</description></contentMeta>
    <contentSet><remoteContent href="https://x.example/2.jpg" contenttype="image/jpeg"/></contentSet></newsItem>
</itemSet></newsMessage>"""


def test_newsml_package_of_pictures_only_is_the_package_article():
    [article] = newsml_g2.parse(PICTURES_PACKAGE)
    assert article.guid == "urn:x:pkg"
    assert [(i.url, i.caption) for i in article.images] == [
        ("https://x.example/1.jpg", "Uno"), ("https://x.example/2.jpg", "Dos")]


def test_bare_package_without_headline_or_items_is_a_parse_error():
    with pytest.raises(ParseError, match="packageItem urn:x:pkg has no <headline>"):
        newsml_g2.parse(b'<packageItem guid="urn:x:pkg" version="1"><groupSet root="g">'
                        b'<group id="g"><itemRef residref="urn:x:elsewhere"/></group></groupSet></packageItem>')


def test_newsml_versions_of_one_guid_carry_the_lifecycle():
    v1, = newsml_g2.parse(_read("newsml_g2", "text.xml"))
    v2, = newsml_g2.parse(_read("newsml_g2", "update.xml"))
    v3, = newsml_g2.parse(_read("newsml_g2", "withdrawal.xml"))
    assert v1.guid == v2.guid == v3.guid
    assert (v1.version, v2.version, v3.version) == (1, 2, 3)
    assert v1.published == v2.published == v3.published
    assert v1.updated < v2.updated < v3.updated
    assert (v1.status, v2.status, v3.status) == ("usable", "usable", "withdrawn")
    assert v3.status_reason.startswith("ANULADA")
    # Same guid, same source: one record id across versions.
    ids = {a.id for a in parse_bytes(_read("newsml_g2", "update.xml"), source="efe")}
    ids |= {a.id for a in parse_bytes(_read("newsml_g2", "withdrawal.xml"), source="efe")}
    assert len(ids) == 1


def test_newsml_embargo_keeps_status_usable_and_plain_text_becomes_paragraphs():
    article, = newsml_g2.parse(_read("newsml_g2", "embargo.xml"))
    assert article.status == "usable"
    assert article.embargoed.isoformat() == "2026-03-12T09:00:00+00:00"
    assert article.status_reason is None
    assert article.body_html.count("<p>") == 3
    assert "América &amp; Filipinas" in article.body_html


def test_nitf_body_keeps_prose_and_moves_media_to_images():
    article, = nitf.parse(_read("nitf", "ansa-politica.xml"))
    assert article.language == "it"
    assert article.body_text.splitlines() == [
        "Il Senato ha approvato la legge di bilancio con 108 voti favorevoli e 63 contrari.",
        "Il testo passa ora alla Camera per la lettura definitiva entro il 30 dicembre.",
    ]
    assert "Frustaci" not in article.body_html  # the media credit is the image's, not the body's
    assert "inviata" not in " ".join(article.authors)  # byttl is a job title


def test_nitf_with_doctype_reads_html_entities_without_loading_the_dtd():
    article, = nitf.parse(_read("nitf", "ap-namespaced.xml"))
    assert article.title == "Private lander touches down near the Moon\u2019s south pole"
    assert "on&nbsp;Thursday" in article.body_html  # &nbsp; kept its meaning, not dropped
    assert article.body_text.startswith("A private lander touched down near the Moon\u2019s south pole on Thursday")
    assert article.language == "en-US"
    assert len(article.images) == 1  # the video media block is not a picture


def test_ninjs_versions_read_alike():
    v1, = ninjs.parse(_read("ninjs", "v1-text.ninjs"))
    v2, = ninjs.parse(_read("ninjs", "v2-dpa.ninjs"))
    v3, = ninjs.parse(_read("ninjs", "v3-efe-withheld.ninjs"))
    assert v1.body_text.startswith("The first turbines of a large offshore wind farm")
    assert "iframe" not in v1.body_html and "ads.example" not in v1.body_html
    # 2.x: the HTML body wins over the plain and the provider-XML ones, whole document unwrapped.
    assert v2.body_text.startswith("Der Louvre in Paris hat 2025")
    assert "<title>" not in v2.body_html and "Provider XML" not in v2.body_text
    assert v3.body_html == ("<p>El Real Betis anunció este jueves la renovación de su entrenador.</p>"
                            "<p>El nuevo contrato se extiende hasta junio de 2028.</p>")
    assert (v1.language, v2.language, v3.language) == ("en", "de", "es")


# --- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "folder, name, fmt",
    [
        ("newsml_g2", "text.xml", "newsml_g2"),
        ("newsml_g2", "embargo.xml", "newsml_g2"),  # a bare newsItem
        ("nitf", "ansa-politica.xml", "nitf"),
        ("nitf", "ap-namespaced.xml", "nitf"),  # DOCTYPE first
        ("ninjs", "v1-text.ninjs", "ninjs"),
        ("ninjs", "v2-dpa.ninjs", "ninjs"),
        ("ninjs", "v3-efe-withheld.ninjs", "ninjs"),
    ],
)
def test_sniffing_names_the_format(folder, name, fmt):
    assert sniff(_read(folder, name)) == fmt


_XHTML_WRAPPED_ATOM = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 '
    b'Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
    b'<html xmlns="http://www.w3.org/1999/xhtml"><body>\n'
    b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Field notes</title>'
    b'<id>urn:notes</id><updated>2026-11-30T10:00:00Z</updated>'
    b'<entry><title>Power cut at the relay</title><id>urn:notes:1</id>'
    b'<link href="https://notes.example/1"/><updated>2026-11-30T10:00:00Z</updated>'
    b'<summary>Two switches failed after a surge.</summary></entry></feed></body></html>'
)


def test_a_feed_wrapped_in_an_xhtml_page_is_read_as_that_feed():
    # feedparser reads the Atom feed inside; refusing it as "an HTML page" lost its entries.
    assert sniff(_XHTML_WRAPPED_ATOM) == "atom"
    [article] = parse_bytes(_XHTML_WRAPPED_ATOM, source="notes")
    assert (article.title, article.url) == ("Power cut at the relay", "https://notes.example/1")
    # An XHTML or HTML page without a feed inside is still a page.
    page = _XHTML_WRAPPED_ATOM.replace(b"feed", b"main").replace(b"entry", b"article")
    assert sniff(page) == "page"
    assert sniff(b"<!DOCTYPE html><html><body><p>rss feed</p></body></html>") == "page"


def test_utf16_newsml_document_sniffs_and_parses_like_utf8():
    text = _read("newsml_g2", "text.xml").decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    for data in (text.encode("utf-16"), text.encode("utf-16-be")):
        assert sniff(data) == "newsml_g2"
        [article] = parse_bytes(data, source="efe")
        [reference] = parse_bytes(_read("newsml_g2", "text.xml"), source="efe")
        assert article == reference


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [newsml_g2, nitf])
def test_malformed_xml_is_a_parse_error_with_libxml2s_reason(module):
    with pytest.raises(ParseError, match=r"not well-formed XML: .*mismatch"):
        module.parse(b"<newsItem><contentMeta></newsItem>")


@pytest.mark.parametrize(
    "module, data, root",
    [
        (newsml_g2, b"<rss version='2.0'><channel/></rss>", "rss"),
        (newsml_g2, b"<nitf><head/></nitf>", "nitf"),
        (nitf, b"<newsItem guid='x'/>", "newsItem"),
    ],
)
def test_unknown_root_is_a_parse_error_naming_it(module, data, root):
    with pytest.raises(ParseError, match=f"<{root}>"):
        module.parse(data)


def test_json_that_is_not_ninjs_is_refused():
    with pytest.raises(ParseError, match="not valid JSON"):
        ninjs.parse(b'{"uri": "x", "headline": ')
    with pytest.raises(ParseError, match="not ninjs"):
        ninjs.parse(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}')


G2_WITHOUT_HEADLINE = b"""<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:1" version="1">
  <itemMeta><itemClass qcode="ninat:text"/><pubStatus qcode="stat:usable"/></itemMeta>
  <contentMeta><language tag="es"/></contentMeta>
  <contentSet><inlineData contenttype="text/plain">Texto</inlineData></contentSet>
</newsItem>"""


@pytest.mark.parametrize(
    "module, data, named",
    [
        (newsml_g2, G2_WITHOUT_HEADLINE, "<headline>"),
        (nitf, b"<nitf><body><body.head><hedline><hl1> </hl1></hedline></body.head></body></nitf>", "<hl1>"),
        (ninjs, b'{"uri": "urn:x:1", "body_text": "Texto"}', "headline"),
        (ninjs, b'{"uri": "urn:x:1", "headlines": [{"role": "main", "value": "  "}]}', "headline"),
    ],
)
def test_missing_headline_is_a_parse_error_naming_the_element(module, data, named):
    with pytest.raises(ParseError, match=named):
        module.parse(data)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE newsItem [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<newsItem guid="urn:x:1" version="1"><contentMeta><headline>&lol9;</headline></contentMeta></newsItem>"""


@pytest.mark.parametrize("module", [newsml_g2, nitf])
def test_billion_laughs_is_refused(module):
    with pytest.raises(ParseError, match="ENTITY"):
        module.parse(BILLION_LAUGHS)
    with pytest.raises(ParseError, match="ENTITY"):
        parse_bytes(BILLION_LAUGHS)


def _secret_file(tmp_path: Path) -> tuple[Path, str]:
    marker = "SECRET-7f3a9c-DO-NOT-LEAK"
    path = tmp_path / "secret.txt"
    path.write_text(marker)
    return path, marker


@pytest.mark.parametrize("target", ["file:///etc/passwd", "SECRET"])
def test_external_entity_is_refused_and_no_file_is_read(tmp_path, target):
    secret, marker = _secret_file(tmp_path)
    href = secret.as_uri() if target == "SECRET" else target
    for root in ("newsItem", "nitf"):
        data = (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{href}">]>\n'
                f"<{root}><contentMeta><headline>&xxe;</headline></contentMeta></{root}>").encode()
        with pytest.raises(ParseError, match="ENTITY xxe") as caught:
            parse_bytes(data)
        assert marker not in str(caught.value) and "root:" not in str(caught.value)


def test_external_dtd_is_never_loaded(tmp_path):
    # If the DTD were read, its entity would be defined and its text would reach the record.
    _, marker = _secret_file(tmp_path)
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY leak "{marker}">')
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "{dtd.as_uri()}">\n'
            "<nitf><body><body.head><hedline><hl1>Title &leak;</hl1></hedline></body.head>"
            "<body.content><p>Body &leak;</p></body.content></body></nitf>").encode()
    [article] = nitf.parse(data)
    assert marker not in json.dumps(article_to_dict(article))
    assert article.title == "Title"


def test_parse_xml_drops_comments_and_processing_instructions():
    root = parse_xml(b"<?xml version='1.0'?><a><!-- c --><?pi x?><b>t</b></a>")
    assert [child.tag for child in root] == ["b"]
