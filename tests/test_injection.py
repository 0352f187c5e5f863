"""Script injection: no vector of our corpus survives from any input format into any output format.

The corpus (``tests/corpus/injection/vectors.jsonl``, written by us) holds HTML vectors (script,
event attributes, ``javascript:``/``vbscript:``/``data:`` URLs in every spelling, CSS
expressions, mXSS shapes, double-escaped markup) and URL vectors. Each HTML vector is put in the
title, summary, body, caption, credit and author name of a document in every input format (RSS,
Atom, JSON Feed, NewsML-G2, NITF, ninjs, article page) and each URL vector in its links and
image URLs. The records are rendered as RSS, Atom and JSON Feed, and every output is read the way
the most careless reader would: every element and attribute of the XML, and every text value
(``content:encoded``, ``description``, ``content``, ``summary``, titles, names) parsed *as HTML*
with lxml.html, which must show no dangerous element, attribute or URL.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape, quoteattr

import nh3
import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree
from lxml import html as lxml_html

from ingest.errors import ParseError
from normalize import normalize_document, sanitize
from normalize.model import Article
from normalize.sanitize import strip_forbidden_chars
from syndicate import atom, jsonfeed, rss, site
from syndicate.channel import Channel

CORPUS = Path(__file__).parent / "corpus" / "injection" / "vectors.jsonl"
VECTORS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
HTML_VECTORS = [v["payload"] for v in VECTORS if v["kind"] == "html"]
URL_VECTORS = [v["payload"] for v in VECTORS if v["kind"] == "url"]

CHANNEL = Channel(edition="en", edition_name="English", languages=("en",), title="wirefeed — test",
                  description="injection test", base_url="https://feeds.example.org", path="en")

DANGEROUS_TAGS = {
    "script", "style", "iframe", "object", "embed", "form", "frame", "frameset", "applet",
    "base", "link", "meta", "svg", "math", "input", "button", "select", "textarea", "keygen",
    "isindex", "template", "noscript", "xmp", "plaintext", "noembed", "noframes", "param",
}
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "data", "poster", "background", "cite",
    "codebase", "dynsrc", "lowsrc", "longdesc", "usemap", "xlink:href", "profile", "manifest",
    "icon", "url", "to", "values", "from",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
T0 = datetime(2025, 3, 4, 10, 0, tzinfo=timezone.utc)
FILLER = ("The ministry said on Tuesday that the new rules would apply from next month across "
          "the whole country, after a long consultation with regional authorities.")


def url_problem(value: str) -> str | None:
    """Why ``value`` (a URL in an HTML or XML attribute) is dangerous, or ``None``."""
    normalized = _URL_NOISE.sub("", html.unescape(value)).lower()
    match = _SCHEME.match(normalized)
    if match and match.group(1) not in SAFE_SCHEMES:
        return f"scheme {match.group(1)}: in {value!r}"
    return None


def html_dangers(fragment: str) -> list[str]:
    """Dangerous elements, attributes and URLs in ``fragment`` read as HTML by a browser."""
    if not fragment or ("<" not in fragment and "&" not in fragment):
        return []
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []  # nothing lxml can build an element from
    found = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            if "[if" in (node.text or ""):
                found.append(f"conditional comment {node.text!r}")
            continue
        name = node.tag.rpartition("}")[2].rpartition(":")[2].lower()
        if name in DANGEROUS_TAGS:
            found.append(f"<{name}>")
        for attribute, value in node.attrib.items():
            attribute = attribute.lower()
            if attribute.startswith("on"):
                found.append(f"event attribute {attribute}")
            elif attribute == "style":
                found.append(f"style attribute {value!r}")
            elif attribute in URL_ATTRIBUTES or attribute.endswith(":href"):
                for part in value.split(",") if attribute == "srcset" else [value]:
                    if problem := url_problem(part.strip()):
                        found.append(f"{name}@{attribute}: {problem}")
    return found


def xml_feed_dangers(data: bytes) -> list[str]:
    """Check a rendered RSS or Atom document: its own markup, then every text read as HTML."""
    root = etree.fromstring(data)  # well-formed, or this raises and the test fails
    allowed = {None, "http://www.w3.org/2005/Atom", "http://search.yahoo.com/mrss/",
               "http://purl.org/dc/elements/1.1/", "http://purl.org/rss/1.0/modules/content/"}
    found = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            found.append(f"non-element node {node!r}")
            continue
        qname = etree.QName(node)
        if qname.namespace not in allowed:
            found.append(f"element {node.tag}")
        for attribute, value in node.attrib.items():
            local = etree.QName(attribute).localname.lower()
            if local.startswith("on"):
                found.append(f"attribute {attribute}")
            if local in ("url", "href", "src") and (problem := url_problem(value)):
                found.append(f"{qname.localname}@{local}: {problem}")
            if local in ("url", "href", "src") and not value.startswith(("http://", "https://")):
                found.append(f"{qname.localname}@{local} not absolute http(s): {value!r}")
        if qname.localname in ("link", "id", "guid") and node.text and (problem := url_problem(node.text)):
            if not node.text.startswith(("urn:", "tag:")):  # identifiers, never followed
                found.append(f"{qname.localname}: {problem}")
        # Every text, not only the HTML fields: RSS readers render titles as HTML too.
        for problem in html_dangers(node.text or ""):
            found.append(f"{qname.localname}: {problem}")
    return found


def json_feed_dangers(data: bytes) -> list[str]:
    """Check a rendered JSON Feed: URLs by key, every string read as HTML."""
    found: list[str] = []

    def walk(value, key: str) -> None:
        if isinstance(value, dict):
            for child_key, child in value.items():
                walk(child, child_key)
        elif isinstance(value, list):
            for child in value:
                walk(child, key)
        elif isinstance(value, str):
            if key in ("url", "image", "external_url", "banner_image", "icon", "favicon",
                       "home_page_url", "feed_url") and (problem := url_problem(value)):
                found.append(f"{key}: {problem}")
            for problem in html_dangers(value):
                found.append(f"{key}: {problem}")

    text = data.decode("utf-8")
    assert "<" not in text and ">" not in text  # written as \u003c / \u003e
    walk(json.loads(text), "")
    return found


def render_all(articles: list[Article]) -> dict[str, bytes]:
    dated = [a.replace(published=a.published or T0, updated=a.updated or T0) for a in articles]
    page = site.EditionPage("en", "English", ("en",), tuple(dated))
    index = site.render_index([page], "wirefeed") + site.render_edition(page, "wirefeed", [page])
    return {"rss": rss.render(CHANNEL, dated), "atom": atom.render(CHANNEL, dated),
            "json": jsonfeed.render(CHANNEL, dated), "index": index}


def index_dangers(data: bytes) -> list[str]:
    """The HTML index page lists the latest headlines: read as a browser would, whole."""
    root = lxml_html.document_fromstring(data)
    found = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        name = node.tag.lower()
        if name in DANGEROUS_TAGS - {"style", "meta", "link"}:
            found.append(f"<{name}>")  # the page's own <style>/<meta>/<link> are its chrome
        for attribute, value in node.attrib.items():
            if attribute.lower().startswith("on"):
                found.append(f"event attribute {attribute}")
            elif attribute.lower() in URL_ATTRIBUTES and (problem := url_problem(value)):
                found.append(f"{name}@{attribute}: {problem}")
    style_or_meta = [el for el in root.iter("style", "meta", "link") if el.getparent().tag != "head"]
    found += [f"<{el.tag}> outside <head>" for el in style_or_meta]
    return found


def check_outputs(articles: list[Article], label: str) -> None:
    assert articles, label
    outputs = render_all(articles)
    problems = {
        "rss": xml_feed_dangers(outputs["rss"]),
        "atom": xml_feed_dangers(outputs["atom"]),
        "json": json_feed_dangers(outputs["json"]),
        "index": index_dangers(outputs["index"]),
    }
    assert problems == {"rss": [], "atom": [], "json": [], "index": []}, label


def check_records(articles: list[Article], label: str) -> None:
    """The records themselves: the stored HTML body is clean.

    Plain fields (titles, names, captions, credits) are plain text by contract: every writer
    passes them through ``plain_title`` and escapes them, which the output checks prove.
    """
    for article in articles:
        assert html_dangers(article.body_html) == [], (label, article.body_html)



def normalize(data: bytes, kind: str = "feed", url: str | None = None) -> list[Article]:
    return normalize_document(data, kind, url, source="inj", language="en", candidates=("en",))


def chunks(seq: list[str], size: int):
    for start in range(0, len(seq), size):
        yield start, seq[start:start + size]


def url_for(index: int) -> str:
    return URL_VECTORS[index % len(URL_VECTORS)]


def xml_url(index: int) -> str:
    return strip_forbidden_chars(url_for(index))


def well_formed(fragment: str) -> bool:
    try:
        etree.fromstring(f"<p>{fragment}</p>".encode("utf-8"))
    except etree.XMLSyntaxError:
        return False
    return True


def cdata(fragment: str) -> str:
    return "<![CDATA[" + fragment.replace("]]>", "]]]]><![CDATA[>") + "]]>"


# -- input formats -----------------------------------------------------------------------------

def xml_safe(vectors: list[str]) -> list[str]:
    """XML 1.0 cannot carry C0 controls at all: those vectors travel in JSON and HTML only."""
    return [strip_forbidden_chars(v) for v in vectors]


def rss_document(vectors: list[str], offset: int) -> bytes:
    vectors = xml_safe(vectors)
    items = []
    for n, vector in enumerate(vectors):
        i = offset + n
        items.append(
            f"<item><title>{xml_escape(vector)}</title><link>{xml_escape(xml_url(i))}</link>"
            f"<guid isPermaLink='false'>rss-{i}</guid><pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>"
            f"<dc:creator>{xml_escape(vector)}</dc:creator><category>{xml_escape(vector)}</category>"
            f"<description>{xml_escape(vector + ' ' + FILLER)}</description>"
            f"<content:encoded>{cdata('<p>' + FILLER + '</p>' + vector)}</content:encoded>"
            f"<media:content url={quoteattr('https://img.example/%d.jpg' % i)} type='image/jpeg' medium='image'>"
            f"<media:description>{xml_escape(vector)}</media:description>"
            f"<media:credit>{xml_escape(vector)}</media:credit></media:content>"
            f"<media:content url={quoteattr(xml_url(i))} type='image/jpeg' medium='image'/>"
            f"<enclosure url={quoteattr(xml_url(i + 1))} type='image/jpeg' length='0'/></item>")
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
            "xmlns:dc='http://purl.org/dc/elements/1.1/' "
            "xmlns:content='http://purl.org/rss/1.0/modules/content/' "
            "xmlns:media='http://search.yahoo.com/mrss/'><channel><title>Wire</title>"
            "<link>https://wire.example/</link><description>d</description>"
            + "".join(items) + "</channel></rss>").encode("utf-8")


def atom_document(vectors: list[str], offset: int) -> bytes:
    vectors = xml_safe(vectors)
    entries = []
    for n, vector in enumerate(vectors):
        i = offset + n
        kind = "html" if i % 2 else "text"
        entries.append(
            f"<entry><id>urn:atom:{i}</id><updated>2025-03-04T10:00:00Z</updated>"
            f"<title type='{kind}'>{xml_escape(vector)}</title>"
            f"<link rel='alternate' href={quoteattr(xml_url(i))}/>"
            f"<link rel='enclosure' type='image/jpeg' href={quoteattr(xml_url(i + 2))}/>"
            f"<author><name>{xml_escape(vector)}</name><uri>{xml_escape(xml_url(i))}</uri></author>"
            f"<summary type='html'>{xml_escape(vector + ' ' + FILLER)}</summary>"
            f"<content type='html'>{xml_escape('<p>' + FILLER + '</p>' + vector)}</content></entry>")
    return ("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            "<title>Wire</title><id>urn:wire</id><updated>2025-03-04T10:00:00Z</updated>"
            + "".join(entries) + "</feed>").encode("utf-8")


def jsonfeed_document(vectors: list[str], offset: int) -> bytes:
    items = []
    for n, vector in enumerate(vectors):
        i = offset + n
        items.append({
            "id": f"jf-{i}", "url": url_for(i), "external_url": url_for(i + 1), "title": vector,
            "summary": vector, "content_html": f"<p>{FILLER}</p>{vector}",
            "image": url_for(i + 2), "banner_image": url_for(i + 3),
            "date_published": "2025-03-04T10:00:00Z",
            "authors": [{"name": vector, "url": url_for(i)}], "tags": [vector],
            "attachments": [{"url": url_for(i + 4), "mime_type": "image/jpeg", "title": vector}],
            "_wirefeed": {"images": [{"url": "https://img.example/%d.jpg" % i, "caption": vector,
                                      "credit": {"text": vector}}, {"url": url_for(i)}]},
        })
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Wire",
                       "items": items}).encode("utf-8")


def nitf_document(vector: str, i: int) -> bytes:
    vector = strip_forbidden_chars(vector)
    body = vector if well_formed(vector) else xml_escape(vector)
    return (f"<?xml version='1.0' encoding='utf-8'?><nitf><head><title>{xml_escape(vector)}</title>"
            f"<docdata><doc-id id-string='nitf-{i}'/><date.issue norm='20250304T100000Z'/></docdata>"
            f"<pubdata type='web' ex-ref={quoteattr(xml_url(i))}/></head><body><body.head>"
            f"<hedline><hl1>News {i}: {xml_escape(vector)}</hl1></hedline>"
            f"<byline>By <person>{xml_escape(vector)}</person></byline>"
            f"<abstract><p>{xml_escape(vector)}</p></abstract></body.head><body.content>"
            f"<p>{FILLER}</p><p>{body}</p><p>{xml_escape(vector)}</p>"
            f"<media media-type='image'><media-reference source={quoteattr(xml_url(i))} "
            f"mime-type='image/jpeg'/><media-caption>{xml_escape(vector)}</media-caption>"
            f"<media-producer>{xml_escape(vector)}</media-producer></media>"
            f"<media media-type='image'><media-reference source='https://img.example/{i}.jpg' "
            f"mime-type='image/jpeg'/><media-caption>{body}</media-caption>"
            f"<media-producer>{xml_escape(vector)}</media-producer></media>"
            f"</body.content></body></nitf>").encode("utf-8")


def newsml_document(vectors: list[str], offset: int) -> bytes:
    vectors = xml_safe(vectors)
    items = []
    for n, vector in enumerate(vectors):
        i = offset + n
        body = vector if well_formed(vector) else xml_escape(vector)
        items.append(
            f"<newsItem guid='urn:newsml:inj:{i}' version='1' standard='NewsML-G2' standardversion='2.33'>"
            f"<itemMeta><itemClass qcode='ninat:text'/><versionCreated>2025-03-04T10:00:00Z</versionCreated>"
            f"<pubStatus qcode='stat:usable'/><link rel='irel:seeAlso' href={quoteattr(xml_url(i))}/>"
            f"</itemMeta><contentMeta><by>{xml_escape(vector)}</by>"
            f"<creator><name>{xml_escape(vector)}</name></creator>"
            f"<headline>News {i}: {xml_escape(vector)}</headline>"
            f"<description role='drol:summary'>{xml_escape(vector)}</description>"
            f"<creditline>{xml_escape(vector)}</creditline></contentMeta><contentSet>"
            f"<inlineXML contenttype='application/xhtml+xml'><html xmlns='http://www.w3.org/1999/xhtml'>"
            f"<body><p>{FILLER}</p><p>{body}</p><p>{xml_escape(vector)}</p>"
            f"<figure><img src={quoteattr(xml_url(i))} alt={quoteattr(vector)}/>"
            f"<figcaption>{body}</figcaption></figure></body></html></inlineXML>"
            f"</contentSet></newsItem>")
        items.append(
            f"<newsItem guid='urn:newsml:inj:pic{i}' version='1' standard='NewsML-G2' standardversion='2.33'>"
            f"<itemMeta><itemClass qcode='ninat:picture'/><versionCreated>2025-03-04T10:00:00Z</versionCreated>"
            f"</itemMeta><contentMeta><by>{xml_escape(vector)}</by><headline>Photo {i}: {xml_escape(vector)}</headline>"
            f"<creditline>{xml_escape(vector)}</creditline>"
            f"<description role='drol:caption'>{xml_escape(vector)}</description></contentMeta>"
            f"<contentSet><remoteContent rendition='rnd:highRes' href={quoteattr(xml_url(i))} "
            f"contenttype='image/jpeg'/><remoteContent rendition='rnd:preview' "
            f"href='https://img.example/{i}.jpg' contenttype='image/jpeg'/></contentSet></newsItem>")
    return ("<?xml version='1.0' encoding='utf-8'?><newsMessage xmlns='http://iptc.org/std/nar/2006-10-01/'>"
            "<header><sent>2025-03-04T10:00:00Z</sent></header><itemSet>" + "".join(items)
            + "</itemSet></newsMessage>").encode("utf-8")


def ninjs_document(vector: str, i: int) -> bytes:
    return json.dumps({
        "uri": f"urn:ninjs:inj:{i}", "type": "text", "version": "1", "language": "en",
        "versioncreated": "2025-03-04T10:00:00Z", "by": vector, "located": vector,
        "copyrightholder": vector, "headline": f"News {i}: {vector}",
        "headlines": [{"role": "main", "value": f"News {i}: {vector}"}],
        "descriptions": [{"role": "summary", "contenttype": "text/html", "value": vector},
                         {"role": "teaser", "contenttype": "text/plain", "value": vector}],
        "body_html": f"<p>{FILLER}</p>{vector}",
        "bodies": [{"role": "html5", "contenttype": "text/html",
                    "value": f"<p>{FILLER}</p>{vector}"}],
        "people": [{"name": vector, "rel": "author"}],
        "links": [{"href": url_for(i), "rel": "canonical"}],
        "associations": [{
            "name": "image1", "uri": f"urn:ninjs:inj:pic{i}", "type": "picture", "by": vector,
            "copyrightholder": vector, "body_text": vector,
            "descriptions": [{"role": "caption", "value": vector}],
            "renditions": [{"name": "large", "href": url_for(i), "contenttype": "image/jpeg"},
                           {"name": "small", "href": f"https://img.example/{i}.jpg",
                            "contenttype": "image/jpeg"}],
        }],
    }).encode("utf-8")


def page_document(vector: str, i: int) -> bytes:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": vector,
                     "description": vector, "author": {"@type": "Person", "name": vector},
                     "image": {"@type": "ImageObject", "url": url_for(i), "caption": vector,
                               "creditText": vector},
                     "datePublished": "2025-03-04T10:00:00Z", "url": url_for(i),
                     "articleBody": vector}).replace("<", "\\u003c")
    attr = quoteattr(vector)
    return (f"<!DOCTYPE html><html lang='en'><head><title>{vector}</title>"
            f"<meta property='og:title' content={quoteattr(f'News {i}: {vector}')}><meta name='description' content={attr}>"
            f"<meta name='author' content={attr}><meta property='og:image' content={quoteattr(url_for(i))}>"
            f"<link rel='canonical' href={quoteattr(url_for(i + 1))}>"
            f"<script type='application/ld+json'>{ld}</script></head><body><article>"
            f"<h1>News {i}: {vector}</h1><p class='byline'>By <span class='author'>{vector}</span></p>"
            f"<p>{FILLER}</p><p>{vector}</p><p>{FILLER}</p>"
            f"<figure><img src={quoteattr(url_for(i))} alt={attr}><figcaption>{vector}"
            f"<span class='credit'>{vector}</span></figcaption></figure>"
            f"<figure><img src='https://img.example/{i}.jpg'><figcaption>{vector}</figcaption></figure>"
            f"<p>{FILLER} {vector}</p></article></body></html>").encode("utf-8")


def test_the_corpus_is_big_enough() -> None:
    assert len(VECTORS) >= 200
    assert len({v["id"] for v in VECTORS}) == len(VECTORS)
    assert len(HTML_VECTORS) >= 150 and len(URL_VECTORS) >= 25


def test_the_checker_sees_what_it_must() -> None:
    """The oracle itself: raw vectors are flagged (else a passing test would prove nothing)."""
    flagged = [v for v in HTML_VECTORS if html_dangers(v)]
    assert len(flagged) >= 120
    assert html_dangers('<a href="java&#x09;script:alert(1)">x</a>')
    assert html_dangers("<p style='width:expression(alert(1))'>x</p>")
    assert not html_dangers('<p>Fine <a href="https://ok.example/">link</a></p>')
    assert index_dangers(b"<html><body><p>x</p><script>alert(1)</script></body></html>")
    assert index_dangers(b'<html><body><a href="javascript:alert(1)">x</a></body></html>')


@pytest.mark.parametrize("fmt,builder,size", [
    ("rss", rss_document, 40), ("atom", atom_document, 40), ("jsonfeed", jsonfeed_document, 40),
    ("newsml_g2", newsml_document, 20),
])
def test_multi_item_formats(fmt, builder, size) -> None:
    for offset, vectors in chunks(HTML_VECTORS, size):
        articles = normalize(builder(vectors, offset))
        label = f"{fmt} vectors {offset}..{offset + len(vectors) - 1}"
        check_records(articles, label)
        check_outputs(articles, label)


@pytest.mark.parametrize("fmt,builder,kind", [
    ("nitf", nitf_document, "feed"), ("ninjs", ninjs_document, "feed"), ("page", page_document, "page"),
])
def test_single_item_formats(fmt, builder, kind) -> None:
    articles: list[Article] = []
    refused = []
    for i, vector in enumerate(HTML_VECTORS):
        try:
            records = normalize(builder(vector, i), kind, url=f"https://news.example/{fmt}/{i}")
        except ParseError as exc:  # refusing a document is safe too; most must still be read
            refused.append(f"{i}: {exc}")
            continue
        check_records(records, f"{fmt} vector {i}: {vector!r}")
        articles.extend(records)
    assert len(refused) <= len(HTML_VECTORS) // 20, refused
    for start in range(0, len(articles), 50):
        check_outputs(articles[start:start + 50], f"{fmt} records {start}..")


# clean_html gives back a body of plain paragraphs as it is, without nh3: that must be exactly
# what nh3 would give, for every vector and any text, or the shortcut would bypass the sanitizer.

def _nh3_output(fragment: str) -> str:
    return nh3.clean(fragment, tags=sanitize._TAGS, clean_content_tags=sanitize._DROP_WITH_CONTENT,
                     attributes=sanitize._ATTRIBUTES, url_schemes=sanitize._SCHEMES,
                     link_rel="noopener noreferrer", strip_comments=True,
                     attribute_filter=sanitize._filter_attribute).strip()


def test_vectors_in_paragraphs_are_cleaned_as_nh3_cleans_them() -> None:
    plain = 0
    for vector in HTML_VECTORS:
        for body in (f"<p>{vector}</p>", f"<p>{FILLER}</p>\n<p>{html.escape(vector, quote=False)}</p>",
                     f"<p>{html.escape(vector)}</p><p>{vector}</p>"):
            body = strip_forbidden_chars(body)
            plain += sanitize.plain_paragraphs(body) is not None
            assert sanitize.clean_html(body) == _nh3_output(body), body
            assert not html_dangers(sanitize.clean_html(body)), body
    assert plain >= len(HTML_VECTORS)  # the escaped ones at least took the shortcut


@settings(max_examples=400, deadline=None)
@given(paragraphs=st.lists(st.lists(st.sampled_from(
    list("ab <>&;/=\"'`!-?]\t\n\r\xa0\u200b\ufeff\U0001F600") + ["&amp;", "&lt;", "&gt;", "&quot;",
                                                                  "&nbsp;", "&#60;", "<p>", "</p>",
                                                                  "<b>", "javascript:"]),
    max_size=20).map("".join), min_size=1, max_size=4),
       separator=st.sampled_from(["</p><p>", "</p>\n<p>", "</p> \t<p>", "</p>\r\n<p>", "</p>x<p>"]))
def test_plain_paragraphs_come_back_from_nh3_unchanged(paragraphs, separator) -> None:
    body = strip_forbidden_chars("<p>" + separator.join(paragraphs) + "</p>")
    if sanitize.plain_paragraphs(body) is not None:
        assert _nh3_output(body) == body
    assert sanitize.clean_html(body) == _nh3_output(body)


# The same for paragraphs with simple inline markup (sanitize._INLINE_BODY): phrase elements,
# line breaks and links to plain http(s) addresses are given back with each link's rel, without
# nh3; whatever the shortcut takes must be exactly what nh3 gives.

_HOSTS = st.sampled_from(["wire.example", "a.b-c.example", "EXAMPLE.com", "x", "1.2.3.4",
                          "1.2.3.256", "0x7f.1", "xn--nxasmq6b.example", "xn--zz.example",
                          "a..b", "-a.example", "a-.example", "wire.example:8080", "[::1]",
                          "user@wire.example", "wire.example.", "a_b.example", ""])
_PATHS = st.lists(st.sampled_from(["/", "a", "?q=1", "&amp;", "&", "#x", "%20", "%zz", "[", "]",
                                   "é", " ", "\t", '"', "'", "javascript:", "(", ")", "~", "@"]),
                  max_size=6).map("".join)
_LINKS = st.builds(lambda scheme, host, path, text: f'<a href="{scheme}{host}{path}">{text}</a>',
                   st.sampled_from(["https://", "http://", "HTTP://", "javascript:", "ftp://", ""]),
                   _HOSTS, _PATHS, st.sampled_from(["word", "", "a &amp; b", "<b>x</b>"]))
_INLINE_PIECES = st.one_of(
    st.sampled_from(["text", "Madrid ", " é ", "\t", "\n", "&amp;", "&lt;", "&gt;", "&quot;", "\"",
                     "'", "=", "\xa0", "\r", "&nbsp;", ">", "<br>", "<br/>", "<b>bold</b>",
                     "<em>it</em>", "<strong></strong>", "<code>x</code>", "<span>s</span>",
                     "<i>a<b>b</b></i>", "<b>x</i>", "<u>u", "<p>", "</p>", "<img src=x>",
                     "<sub>2</sub>", "<q>q</q>", "<a>bare</a>", "<s>s</s>"]),
    _LINKS)


@settings(max_examples=600, deadline=None)
@given(paragraphs=st.lists(st.lists(_INLINE_PIECES, max_size=8).map("".join), min_size=1,
                           max_size=3),
       separator=st.sampled_from(["</p><p>", "</p>\n<p>", "</p> \t<p>", "</p>x<p>"]))
def test_inline_paragraphs_come_back_as_nh3_gives_them(paragraphs, separator) -> None:
    body = strip_forbidden_chars("<p>" + separator.join(paragraphs) + "</p>")
    assert sanitize.clean_html(body) == _nh3_output(body), body


def test_inline_paragraphs_take_the_shortcut(monkeypatch) -> None:
    body = ('<p>MADRID, 2 Mar. - Plain <strong>bold</strong> and <em>slanted</em> text, a '
            '<a href="https://wire.example/tag/0?a=1&amp;b=2">link</a>.<br>Next line.</p>\n'
            '<p>Second &amp; last.</p>')
    expected = _nh3_output(body)
    assert 'rel="noopener noreferrer"' in expected

    def refuse(self, html):
        raise AssertionError("nh3 called")

    monkeypatch.setattr(sanitize, "_CLEANER", type("Refuser", (), {"clean": refuse})())
    assert sanitize.clean_html(body) == expected


_VALID_LINKS = st.builds(
    lambda scheme, host, path, text: f'<a href="{scheme}{host}{path}">{text}</a>',
    st.sampled_from(["https://", "http://"]),
    st.sampled_from(["wire.example", "a.b-c.example", "EXAMPLE.com", "x", "a--b.example",
                     "x1.y2z", "Xn-a.example"]),
    st.lists(st.sampled_from(["/", "?", "#", "a", "?q=1", "&amp;", "#x", "%20", "%zz", "[", "]",
                              "(", ")", "~", "@", "!", "$", "*", "+", ",", ";", "=", ":", "-", "."]),
             max_size=8).map("".join).filter(lambda path: not path or path[0] in "/?#"),
    st.sampled_from(["word", "", "a &amp; b", '"q"']))
_VALID_INLINE = st.one_of(
    st.sampled_from(["text", "Madrid ", " é ", "\t", "\n", "&amp;", "&lt;", "&gt;", '"', "'", "=",
                     "<br>", "<b>bold</b>", "<em>it</em>", "<strong></strong>", "<code>x</code>",
                     "<span>s</span>", "<sub>2</sub>", "<s>s</s>", "<u>&lt;u&gt;</u>",
                     "<small>\n</small>", "<i>€</i>", "\U0001F600", "\x85", "\u2028", "\x80"]),
    _VALID_LINKS)


@settings(max_examples=400, deadline=None)
@given(paragraphs=st.lists(st.lists(_VALID_INLINE, min_size=1, max_size=10).map("".join),
                           min_size=1, max_size=4),
       separator=st.sampled_from(["</p><p>", "</p>\n<p>", "</p> \t<p>", "</p>\n\n<p>"]))
def test_inline_paragraphs_the_shortcut_takes_are_nh3s(paragraphs, separator) -> None:
    body = strip_forbidden_chars("<p>" + separator.join(paragraphs) + "</p>")
    assert sanitize._INLINE_BODY.fullmatch(body)
    assert sanitize.clean_html(body) == _nh3_output(body), body


@settings(max_examples=300, deadline=None)
@given(paragraphs=st.lists(st.lists(_VALID_INLINE, min_size=1, max_size=10).map("".join),
                           min_size=1, max_size=4),
       separator=st.sampled_from(["</p><p>", "</p>\n<p>", "</p> \t<p>", "</p>\n\n<p>"]))
def test_inline_paragraphs_text_is_html_to_texts(paragraphs, separator) -> None:
    """The text of a body the shortcut cleaned, read by two substitutions, is what
    html_to_text reads following its tags."""
    from normalize.text import html_to_text, inline_body_text

    cleaned, inline = sanitize.clean_html_shaped(
        strip_forbidden_chars("<p>" + separator.join(paragraphs) + "</p>"))
    assert inline or sanitize.plain_paragraphs(cleaned) is not None
    assert inline_body_text(cleaned) == html_to_text(cleaned)


# The pattern _INLINE_BODY had before its loops were unrolled (bench/README.md): the oracle for
# the fragments it takes.
_FORMER_PLAIN_TEXT = r"(?:[^<>&\r\xa0]++|&(?:amp|lt|gt);)*+"
_FORMER_PHRASES = "|".join(f"<{name}>{_FORMER_PLAIN_TEXT}</{name}>"
                           for name in ("b", "i", "em", "strong", "u", "s", "sub", "sup", "small",
                                        "code", "span"))
_FORMER_HREF = (r"https?://(?![^/?#\"]*[Xx][Nn]--)(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*"
                r"[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                r"(?:[/?#](?:[A-Za-z0-9._~:/?#\[\]@!$()*+,;=%-]++|&amp;)*+)?")
_FORMER_INLINE_BODY = re.compile(
    rf"(?=<p>)(?:[ \t\n]*+<p>(?:{_FORMER_PLAIN_TEXT}(?:{_FORMER_PHRASES}"
    rf'|<a href="{_FORMER_HREF}">{_FORMER_PLAIN_TEXT}</a>|<br>))*+{_FORMER_PLAIN_TEXT}</p>)++')

_HOST_LABELS = st.lists(st.sampled_from(["a", "Z", "1", "-", "xn--", "XN--", "x", "n--", "b-c", "0x",
                                         ".", "..", "_", ":80", "@", '"']),
                        max_size=6).map("".join)
_ODD_LINKS = st.builds(lambda scheme, host, path, text: f'<a href="{scheme}{host}{path}">{text}</a>',
                       st.sampled_from(["https://", "http://", "https:/"]), _HOST_LABELS, _PATHS,
                       st.sampled_from(["word", "", "a &amp; b", "<b>x</b>", "&amp"]))


@settings(max_examples=1500, deadline=None)
@given(paragraphs=st.lists(st.lists(st.one_of(_INLINE_PIECES, _VALID_INLINE, _ODD_LINKS),
                                    max_size=8).map("".join), min_size=1, max_size=3),
       separator=st.sampled_from(["</p><p>", "</p>\n<p>", "</p> \t<p>", "</p>x<p>", "<p>",
                                  "</p>"]),
       tail=st.sampled_from(["</p>", "", "</p> ", "</p>\n<p>", "&amp;</p>", "<br></p>"]))
def test_inline_body_pattern_takes_what_it_took_before(paragraphs, separator, tail) -> None:
    body = "<p>" + separator.join(paragraphs) + tail
    assert (bool(sanitize._INLINE_BODY.fullmatch(body))
            == bool(_FORMER_INLINE_BODY.fullmatch(body))), body
