"""Issue 18: each shape the held-out measurement saw the fast path decline on, one small feed of
our own per shape. Each must be read by the lxml reader (``parse_plain_feed`` is not ``None``,
``differential.compare`` does not say ``declined``) and give feedparser's records, or differ only
by the deliberate improvements named in the case (``differential.IMPROVEMENTS``); the field the
shape is about is checked as well.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from normalize import feed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import differential  # noqa: E402  (bench/differential.py: the lxml reader against feedparser)

URL = "https://diario.example/feed/"
NS = ('xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
      'xmlns:slash="http://purl.org/rss/1.0/modules/slash/" '
      'xmlns:atom="http://www.w3.org/2005/Atom" '
      'xmlns:media="http://search.yahoo.com/mrss/" '
      'xmlns:yt="http://www.youtube.com/xml/schemas/2015"')


def rss(item: str, channel: str = "", attrs: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" {NS}{attrs}><channel>'
            f'<title>Diario</title><link>https://diario.example/</link>'
            f'<description>Noticias</description>{channel}<item>{item}</item>'
            f'</channel></rss>').encode("utf-8")


def atom(entry: str, feed_attrs: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
            f'xmlns:yt="http://www.youtube.com/xml/schemas/2015" '
            f'xmlns:media="http://search.yahoo.com/mrss/"{feed_attrs}>'
            f'<title>Canal</title><id>urn:canal</id><updated>2026-03-03T10:00:00Z</updated>'
            f'<entry>{entry}</entry></feed>').encode("utf-8")


LINK = "<link>https://diario.example/a/</link><guid>https://diario.example/a/</guid>"

#: name -> (document, the improvements it may show, the record field, its value)
SHAPES: dict[str, tuple[bytes, set[str], str, object]] = {
    "comments": (rss(f"<title>Plan</title>{LINK}<comments>https://diario.example/a/#c</comments>"
                     "<wfw:commentRss>https://diario.example/a/feed/</wfw:commentRss>"
                     "<slash:comments>4</slash:comments>"), set(), "url", "https://diario.example/a/"),
    "title with markup": (rss(f"<title>El plan &lt;em&gt;de vivienda&lt;/em&gt; &amp;amp; más</title>{LINK}"),
                          set(), "title", "El plan de vivienda & más"),
    "title with elements": (atom('<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                                 'Nuevo <b>récord</b></div></title><id>urn:e1</id>'
                                 '<link href="https://canal.example/e1"/>'),
                            set(), "title", "Nuevo récord"),
    "rss author": (rss(f"<title>Plan</title>{LINK}<author>ana@diario.es (Ana Martín)</author>"),
                   set(), "authors", ["Ana Martín"]),
    "rss author, long domain": (rss(f"<title>Plan</title>{LINK}"
                                    "<author>ana@diario.online (Ana Martín)</author>"),
                                {"authors"}, "authors", ["Ana Martín"]),
    "author without a name": (atom('<title>Vídeo</title><id>urn:e1</id><link href="https://canal.example/e1"/>'
                                   '<author><uri>https://canal.example/u/1</uri></author>'),
                              set(), "authors", []),
    "author with an e-mail only": (atom('<title>Vídeo</title><id>urn:e1</id>'
                                        '<link href="https://canal.example/e1"/>'
                                        '<author><email>redaccion@canal.example</email></author>'),
                                   set(), "authors", ["redaccion@canal.example"]),
    "xml:base": (atom('<title>Vídeo</title><id>urn:e1</id><link href="videos/1"/>',
                      ' xml:base="https://canal.example/es/"'), set(), "url",
                 "https://canal.example/es/videos/1"),
    "xml:base on the entry": (atom('<title>Vídeo</title><id>urn:e1</id><link href="1"/>'
                                   '<content type="html" xml:base="https://otro.example/x/">'
                                   '&lt;p&gt;Texto &lt;a href="y"&gt;más&lt;/a&gt;&lt;/p&gt;</content>',
                                   ' xml:base="https://canal.example/es/"'),
                              set(), "url", "https://canal.example/es/1"),
    "category with domain": (rss(f"<title>Plan</title>{LINK}"
                                 '<category domain="https://diario.example/tema">Economía</category>'
                                 "<category>Vivienda</category>"), set(), "sections",
                             ["Economía", "Vivienda"]),
    "category with a label": (atom('<title>Vídeo</title><id>urn:e1</id><link href="https://canal.example/e1"/>'
                                   '<category term="deportes" scheme="https://canal.example/t" '
                                   'label="Deportes"/>'), set(), "sections", ["deportes"]),
    "wordpress post-id": (rss(f"<title>Plan</title>{LINK}"
                              '<post-id xmlns="com-wordpress:feed-additions:1">4821</post-id>'),
                          set(), "title", "Plan"),
    "youtube ids": (atom('<id>yt:video:abc</id><yt:videoId>abc</yt:videoId>'
                         '<yt:channelId>UCx</yt:channelId><title>Gol</title>'
                         '<link rel="alternate" href="https://www.youtube.com/watch?v=abc"/>'
                         '<media:group><media:title>Gol</media:title>'
                         '<media:description>El gol del partido</media:description></media:group>'),
                    set(), "url", "https://www.youtube.com/watch?v=abc"),
    "channel dc:creator": (rss(f"<title>Plan</title>{LINK}", "<dc:creator>Redacción</dc:creator>"),
                           set(), "authors", []),
    "relative links": (rss("<title>Plan</title><link>/noticias/plan/</link>"
                           "<guid isPermaLink=\"false\">p-1</guid>"), set(), "url",
                       "https://diario.example/noticias/plan/"),
    "relative link under xml:base": (rss("<title>Plan</title><link>plan/</link><guid isPermaLink=\"false\">p-1</guid>",
                                         attrs=' xml:base="https://diario.example/noticias/"'),
                                     {"url"}, "url", "https://diario.example/noticias/plan/"),
    "channel image": (rss(f"<title>Plan</title>{LINK}",
                          "<image><url>https://diario.example/logo.png</url><title>Logo</title>"
                          "<link>https://diario.example/</link></image>"), set(), "title", "Plan"),
    "item image": (rss(f"<title>Plan</title>{LINK}<image><url>https://diario.example/i.png</url>"
                       "<title>Foto</title><link>https://diario.example/otra/</link></image>"),
                   set(), "url", "https://diario.example/a/"),
    "several dc:creator": (rss(f"<title>Plan</title>{LINK}<dc:creator>Ana Martín</dc:creator>"
                               "<dc:creator>Luis Ortega</dc:creator>"), set(), "authors",
                           ["Ana Martín", "Luis Ortega"]),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_each_shape_is_read_by_lxml_as_feedparser_reads_it(name):
    data, allowed, key, expected = SHAPES[name]
    records = feed.parse_plain_feed(data, url=URL)
    assert records is not None, f"{name}: the lxml reader declined it"
    outcome = differential.compare(data, URL)
    assert outcome.kind in ("agree", "improved"), f"{name}: {outcome}"
    assert set(outcome.improvements) <= allowed, f"{name}: {outcome.improvements}"
    value = getattr(records[0], key)
    assert (list(value) if isinstance(value, tuple) else value) == expected


# -- the vocabulary: every common module at once, and extensions nobody registered ---------------

VOCABULARY_RSS = rss(
    "<title>Plan de vivienda</title>" + LINK +
    "<pubDate>Tue, 03 Mar 2026 10:00:00 +0100</pubDate>"
    "<description>&lt;p&gt;Resumen&lt;/p&gt;</description>"
    "<content:encoded><![CDATA[<p>Texto <b>largo</b></p>]]></content:encoded>"
    "<dc:creator>Ana Martín</dc:creator><dc:subject>Economía</dc:subject>"
    '<dcterms:modified xmlns:dcterms="http://purl.org/dc/terms/">2026-03-03T11:00:00Z</dcterms:modified>'
    '<media:content url="https://diario.example/f.jpg" medium="image"><media:credit>EFE</media:credit>'
    "</media:content>"
    '<atom:link rel="replies" href="https://diario.example/a/#c"/>'
    "<slash:comments>3</slash:comments><wfw:commentRss>https://diario.example/a/feed/</wfw:commentRss>"
    '<georss:point xmlns:georss="http://www.georss.org/georss">40.4 -3.7</georss:point>'
    '<itunes:duration xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">12:00</itunes:duration>'
    '<x:rating xmlns:x="https://made-up.example/ns"><x:title>no title of ours</x:title></x:rating>'
    '<feedburner:origLink xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">'
    "https://diario.example/orig</feedburner:origLink>",
    '<sy:updatePeriod xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">hourly</sy:updatePeriod>'
    '<atom:link rel="self" href="https://diario.example/feed/"/><language>es-ES</language>')

VOCABULARY_RDF = (
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:taxo="http://purl.org/rss/1.0/modules/taxonomy/">'
    b'<channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link>'
    b'<description>d</description><dc:language>en</dc:language></channel>'
    b'<item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link>'
    b'<dc:date>2026-03-03T10:00:00Z</dc:date><dc:creator>Jo Bloggs</dc:creator>'
    b'<taxo:topics><rdf:Bag><rdf:li rdf:resource="https://r.example/t"/></rdf:Bag></taxo:topics>'
    b'<description>Summary</description></item></rdf:RDF>')

VOCABULARY_ATOM = atom(
    '<title type="html">Gol &lt;i&gt;en directo&lt;/i&gt;</title><id>urn:e1</id>'
    '<link rel="alternate" type="text/html" href="directo/1"/><link rel="enclosure" href="a.mp3"/>'
    '<published>2026-03-03T10:00:00Z</published><updated>2026-03-03T10:05:00Z</updated>'
    '<author><name>Eva Gil</name><uri>/eva</uri></author>'
    '<summary xml:lang="ca">Resum</summary>'
    '<content type="xhtml" xml:lang="es"><div xmlns="http://www.w3.org/1999/xhtml"><p>Texto '
    '<a href="x">enlace</a></p></div></content>'
    '<thr:total xmlns:thr="http://purl.org/syndication/thread/1.0">2</thr:total>'
    '<n:extension xmlns:n="urn:made-up"><n:deep>x</n:deep></n:extension>',
    ' xml:base="https://canal.example/es/" xml:lang="es"')


@pytest.mark.parametrize("data", [VOCABULARY_RSS, VOCABULARY_RDF, VOCABULARY_ATOM],
                         ids=["rss2-modules", "rss1-rdf", "atom-base-lang"])
def test_the_common_vocabulary_and_unknown_extensions_stay_on_the_lxml_path(data):
    assert feed.parse_plain_feed(data, url=URL) is not None
    outcome = differential.compare(data, URL)
    assert outcome.kind in ("agree", "improved"), outcome
    assert set(outcome.improvements) <= {"url"}


# -- namespaces and roots feedparser reads by its own rules --------------------------------------

NAMESPACE_CASES = {
    # a module's URI misspelt (no trailing slash): feedparser goes by the document's prefix
    "dc without its slash": (
        b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1"><channel><item>'
        b'<title>A</title><link>https://x.example/a</link><dc:creator>Ana Ruiz</dc:creator>'
        b'</item></channel></rss>', "authors", ("Ana Ruiz",)),
    "content without its slash": (
        b'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content"><channel>'
        b'<item><title>A</title><link>https://x.example/a</link><description>short</description>'
        b'<content:encoded>&lt;p&gt;Long body&lt;/p&gt;</content:encoded></item></channel></rss>',
        "body_text", "Long body"),
    "rss in an unknown default namespace": (
        b'<rss xmlns="http://unknown.example/ns" version="2.0"><channel><item><title>A</title>'
        b'<link>https://x.example/a</link></item></channel></rss>', "title", "A"),
    "userland rss 2.1": (
        b'<rss xmlns="http://backend.userland.com/rss2.1"><channel><item><title>A</title>'
        b'<link>https://x.example/a</link></item></channel></rss>', "url", "https://x.example/a"),
    "feed in no namespace": (
        b'<feed><entry><title>A</title><link href="https://x.example/a"/><id>i1</id>'
        b'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></div></content>'
        b'</entry></feed>', "body_text", "Hi"),
    "feed in no namespace, atom declared": (
        b'<feed xmlns:atom="http://www.w3.org/2005/Atom"><entry><title>A</title>'
        b'<link href="https://x.example/a"/><id>i1</id><atom:link rel="alternate" '
        b'href="https://x.example/b"/></entry></feed>', "url", "https://x.example/b"),
    "atom 0.3 drafts' namespace": (
        b'<feed version="0.3" xmlns="http://purl.org/pie/"><entry><title>A</title>'
        b'<link href="https://x.example/a"/><id>i1</id></entry></feed>', "title", "A"),
    "atom inside an xhtml page": (
        b'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sl"><title>Blog</title>'
        b'<entry><title>Down time</title><link href="https://b.example/1"/><id>urn:1</id>'
        b'<content type="html">&lt;p&gt;Text&lt;/p&gt;</content></entry></feed></body></html>',
        "url", "https://b.example/1"),
    "nested itunes categories": (
        b'<rss xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd"><channel><item>'
        b'<title>A</title><itunes:category text="Technology"><itunes:category text="Gadgets"/>'
        b'</itunes:category></item></channel></rss>', "sections", ("Technology", "Gadgets")),
    "made-up tags element": (
        b'<rss><channel><item><title>A</title><tags>tag one, tag two</tags>'
        b'<category>category one</category></item></channel></rss>', "sections",
        ("tag one", "tag two", "category one")),
    "an image inside a category": (
        b'<rss version="2.0"><channel><item><category>Example category<image>'
        b'<url>https://x.example/i.jpg</url><title><![CDATA[Savage Love]]></title>'
        b'<link>https://x.example/s</link></image></category></item></channel></rss>',
        "title", "Savage Love"),
    "a channel root": (
        b'<channel><title>C</title><item><title>A</title><link>https://x.example/a</link></item>'
        b'</channel>', "url", "https://x.example/a"),
    "cdf": (
        b'<CHANNEL HREF="https://x.example/"><ITEM HREF="a/" LASTMOD="2026-03-03T10:00">'
        b'<TITLE>A</TITLE><ABSTRACT>Resumen</ABSTRACT></ITEM></CHANNEL>', "url",
        "https://diario.example/feed/a/"),
    "rss 1.1": (
        b'<Channel xmlns="http://purl.org/net/rss1.1#" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
        b'syntax-ns#" rdf:about="https://x.example/"><title>C</title><items rdf:parseType='
        b'"Collection"><item rdf:about="https://x.example/a"><title>A</title>'
        b'<link>https://x.example/a</link></item></items></Channel>', "guid", "https://x.example/a"),
}


@pytest.mark.parametrize("name", list(NAMESPACE_CASES))
def test_namespaces_and_roots_as_feedparser_reads_them(name):
    data, key, expected = NAMESPACE_CASES[name]
    records = feed.parse_plain_feed(data, url=URL)
    assert records is not None, f"{name}: declined"
    assert differential.compare(data, URL).kind == "agree", differential.compare(data, URL)
    assert getattr(records[0], key) == expected


def test_an_item_nested_in_an_item_is_no_record_of_its_own():
    """feedparser makes an entry of an item inside an item and gives what follows it in the outer
    one to the feed; the lxml reader reads the outer item whole: a listed difference, and the
    items around it are still compared."""
    data = (b'<rss version="2.0"><channel><item><title>Outer</title><link>https://x.example/o</link>'
            b'<item><title>Older</title></item><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate></item>'
            b'<item><title>Next</title><link>https://x.example/n</link></item></channel></rss>')
    records = feed.parse_plain_feed(data, url=URL)
    assert [r.title for r in records] == ["Outer", "Next"]
    assert records[0].published is not None
    slow = feed.parse_with_feedparser(data, url=URL)
    assert [r.title for r in slow] == ["Outer", "Older", "Next"] and slow[0].published is None
    outcome = differential.compare(data, URL)
    assert outcome.kind == "improved" and outcome.improvements == (differential.NESTED_ITEMS,)
    paired = differential._aligned(records, slow, differential._nested_items(data))
    assert [[r.title for r in side] for side in paired] == [["Next"], ["Next"]]
    assert differential._aligned(records, slow[:2], [1, 0]) is None  # the counts must add up


def test_a_page_without_items_is_no_feed():
    data = b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p></body></html>'
    assert feed.parse_plain_feed(data, url=URL) is None
    assert differential.compare(data, URL).kind == "not-a-feed"


CONTENT_CASES = {
    # feedparser escapes the text of an XHTML construct: markup written escaped stays text
    "escaped text in xhtml": (atom('<title>T</title><id>urn:e1</id><content type="xhtml">'
                                   '&lt;p&gt;Texto&lt;/p&gt;</content>'),
                              "body_text", "<p>Texto</p>"),
    "cdata in xhtml": (atom('<id>urn:e1</id><summary type="xhtml"><![CDATA[<b>Texto</b>]]></summary>'),
                       "title", "<b>Texto</b>"),
    # another XML type: an element without attributes is feedparser's own, its text not the body's
    "svg": (atom('<title>Dibujo</title><id>urn:e1</id><summary>Un dibujo</summary>'
                 '<content type="image/svg+xml"><svg xmlns="http://www.w3.org/2000/svg" width="9">'
                 '<title>círculo</title><g fill="red">rojo<desc>no</desc> sí</g></svg></content>'),
            "body_text", "rojo sí"),
}


@pytest.mark.parametrize("name", list(CONTENT_CASES))
def test_text_constructs_of_odd_types_as_feedparser_reads_them(name):
    data, key, expected = CONTENT_CASES[name]
    records = feed.parse_plain_feed(data, url=URL)
    assert differential.compare(data, URL).kind == "agree", differential.compare(data, URL)
    assert getattr(records[0], key) == expected


def test_extra_line_breaks_of_feedparser_loose_parser_are_its_slip():
    check = differential.IMPROVEMENTS["body_html"][1]
    assert check("<p>a<br>b<br><br>c</p>", "<p>a<br><br>b<br><br><br><br>c</p>")
    assert not check("<p>a<br>b</p>", "<p>a<br>b</p>") and not check("<p>a<br>b</p>", "<p>ab<br></p><br>")


def test_a_lost_author_is_no_improvement():
    """The authors improvement allows feedparser's debris to go, never every name."""
    check = differential.IMPROVEMENTS["authors"][1]
    assert check(["Ana Martín"], ["ine (Ana Martín"])
    assert not check([], ["Ana Martín"])
    assert check([], [])


# -- the HTTP charset ------------------------------------------------------------------------------
# feedparser decodes by the Content-Type's charset whenever the bytes decode by it (RFC 3023), and
# by the declared encoding otherwise; the lxml reader used to hand every such document over.

UTF8_DOC = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Año</title>'
            '<item><title>Canción de otoño</title><link>https://x.example/a</link>'
            '<description>Más información</description></item></channel></rss>').encode("utf-8")
LATIN1_DOC = UTF8_DOC.decode("utf-8").replace('"UTF-8"', '"ISO-8859-1"').encode("iso-8859-1")

CHARSET_CASES = {
    "server default latin-1 on a UTF-8 document": (UTF8_DOC, "text/xml; charset=ISO-8859-1"),
    "cp1252 on a UTF-8 document": (UTF8_DOC, "application/rss+xml; charset=windows-1252"),
    "utf8 spelt otherwise": (UTF8_DOC, "application/xml; charset=utf8"),
    "UTF-8 on a latin-1 document (does not decode)": (LATIN1_DOC, "application/xml; charset=UTF-8"),
    "latin-1 on a latin-1 document": (LATIN1_DOC, "text/xml; charset=latin1"),
    "an unknown charset": (UTF8_DOC, "text/xml; charset=x-made-up"),
    "a byte order mark and latin-1": (b"\xef\xbb\xbf" + UTF8_DOC, "text/xml; charset=ISO-8859-1"),
    "gb2312 on a UTF-8 document": (UTF8_DOC, "text/xml; charset=gb2312"),
}


@pytest.mark.parametrize("name", list(CHARSET_CASES))
def test_the_http_charset_is_read_as_feedparser_reads_it(name):
    data, content_type = CHARSET_CASES[name]
    headers = {"content-type": content_type}
    assert feed.parse_plain_feed(data, url=URL, headers=headers) is not None, name
    outcome = differential.compare(data, URL, headers)
    assert outcome.kind == "agree", outcome


def test_text_encoded_twice_is_repaired_in_any_declared_encoding():
    """feedparser's strict parser always reads UTF-8 (it converts first), so its repair of text
    encoded twice applies to a Latin-1 document too."""
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><item>'
            '<title>CafÃ© y mÃ¡s</title><link>https://x.example/a</link></item></channel></rss>'
            ).encode("iso-8859-1")
    assert [r.title for r in feed.parse_plain_feed(data, url=URL)] == ["Café y más"]
    assert differential.compare(data, URL).kind == "agree"


def test_bytes_that_only_the_http_charset_reads_take_the_lxml_path():
    """A windows-1252 document without a declaration is not UTF-8 to libxml2; feedparser
    decodes it by the HTTP charset, and so does the lxml reader now."""
    data = ('<rss version="2.0"><channel><item><title>Foo</title><link>https://x.example/a</link>'
            '<description>This is a £“test.”</description></item></channel></rss>').encode("cp1252")
    headers = {"content-type": "text/xml; charset=windows-1252"}
    records = feed.parse_plain_feed(data, url=URL, headers=headers)
    assert records is not None and records[0].body_text == "This is a £“test.”"
    assert differential.compare(data, URL, headers).kind == "agree"


def test_content_location_and_language_headers_as_feedparser_reads_them():
    """feedparser resolves links against the response's Content-Location and starts from its
    Content-Language before any xml:lang."""
    data = (b'<rss version="2.0"><channel><item><title>Rain again</title><link>relative/uri</link>'
            b'</item></channel></rss>')
    headers = {"Content-Location": "http://example.com/", "Content-Language": "en"}
    records = feed.parse_plain_feed(data, url=URL, headers=headers)
    assert records[0].url == "http://example.com/relative/uri"
    assert records[0].language == "en"
    assert differential.compare(data, URL, headers).kind == "agree"


def test_feedparser_test_files_name_their_headers():
    data = (b"<!--\nHeader:       Content-type: text/xml; charset=windows-1252\n"
            b"Description:  x\n-->\n<rss/>")
    assert differential.test_headers(data) == {"content-type": "text/xml; charset=windows-1252"}
    assert differential.test_headers(b"<rss/>") is None


@pytest.mark.parametrize("data", [
    b'<rss version="2.0"><channel><title>t</title><section><item><title>A</title>'
    b'<link>https://x.example/a</link></item></section><item><title>B</title>'
    b'<link>https://x.example/b</link></item></channel></rss>',
    b'<rss version="2.0" xmlns:x="urn:x"><channel><x:list><item><title>A</title>'
    b'<link>https://x.example/a</link></item></x:list></channel></rss>',
], ids=["section", "unknown-namespace-list"])
def test_items_inside_another_channel_element_are_items(data):
    """feedparser makes an entry of an item wherever it stands; so does the lxml reader."""
    assert differential.compare(data, URL).kind == "agree"


def test_plain_lang_and_base_attributes_count_as_feedparser_counts_them():
    data = (b'<rss version="2.0"><channel lang="fr" base="https://b.example/dir/"><item>'
            b'<title>A</title><link>a</link><description>Bonjour tout le monde.</description>'
            b'</item></channel></rss>')
    records = feed.parse_plain_feed(data, url=URL)
    assert records[0].language == "fr"
    assert differential.compare(data, URL).kind == "agree"


@pytest.mark.parametrize("reader", ["lxml", "feedparser"])
def test_a_description_that_is_the_body_is_no_summary_of_it(reader):
    # An item with only a <description> has it as its body; its text is not kept a second
    # time as the summary, even where the two texts differ only by their line breaks (the
    # body keeps them), and the editions' lead is the body's opening, not the whole text.
    text = ("The harbour board met on Tuesday\nto approve the new ferry timetable.\n"
            + "Later paragraphs mention Perth. " * 20)
    document = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Harbour</title>"
        "<link>http://127.0.0.1/</link><item><title>Ferries</title>"
        f"<link>http://127.0.0.1/a</link><description>{text}</description></item>"
        "</channel></rss>"
    ).encode()
    parse = feed.parse if reader == "lxml" else feed.parse_with_feedparser
    (article,) = parse(document, url="http://127.0.0.1/feed")
    assert article.summary is None
    assert article.body_text.startswith("The harbour board met on Tuesday\nto approve")
