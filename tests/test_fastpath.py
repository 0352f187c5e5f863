"""The lxml fast path (normalize.fastfeed) gives the same records as the feedparser path.

Every RSS/Atom document of the fixture corpus, the sample wire and the benchmark's generated
feeds is parsed both ways; the records must be identical field by field (``article_to_dict``).
Documents the fast path declines are fine (feedparser reads them); the generated feeds and the
sample wire must take the fast path, or it would be useless.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings, strategies as st

from normalize import feed, finish_identity, normalize_document, options
from normalize import text as text_mod
from normalize.model import article_to_dict
from normalize.sanitize import strip_forbidden_chars
from normalize.text import clean_text, html_to_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402  (bench/corpus.py: the deterministic benchmark feeds)
import differential  # noqa: E402  (bench/differential.py: the lxml reader against feedparser)


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
    for source in range(2):
        docs.append((f"generated-plain-{source}", corpus.make_feed(source, 6, rich=False)))
    return docs


DOCUMENTS = _xml_documents()


def _dicts(articles) -> list[dict]:
    return [article_to_dict(finish_identity(a, "src")) for a in articles]


@pytest.mark.parametrize("name,data", DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_fast_path_matches_feedparser(name, data):
    """Every well-formed fixture takes the lxml reader, and its records equal feedparser's field
    by field, or differ only where ``differential.IMPROVEMENTS`` says feedparser slips."""
    outcome = differential.compare(data, "https://wire.example/feed")
    assert outcome.kind in ("agree", "improved"), f"{name}: {outcome}"
    if not name.startswith("generated"):
        return
    fast = feed.parse_plain_feed(data)
    slow = feed.parse_with_feedparser(data)
    assert _dicts(fast) == _dicts(slow)  # the benchmark's feeds: byte-identical records


def test_every_shape_of_the_issue_is_read_by_lxml():
    """The new fixtures hold each shape the old fast path declined on (issue 18)."""
    shapes = ROOT / "tests" / "fixtures" / "feed"
    wordpress = (shapes / "rss2-wordpress-modules.xml").read_bytes()
    for needle in (b"<comments>", b"<author>", b"xml:base", b'domain="', b"post-id:post-id",
                   b"<channel xml:base", b"<dc:creator>Redacci", b"<image>", b"&lt;em&gt;",
                   b"<b>alerta", b"wfw:", b"slash:", b"georss:", b"sy:", b"itunes:", b"dcterms:"):
        assert needle in wordpress
    atom = (shapes / "atom-base-lang.xml").read_bytes()
    for needle in (b"yt:videoId", b'label="', b"<author><uri>", b"<author><email>", b'xml:lang="en"',
                   b'type="xhtml"', b'type="html"'):
        assert needle in atom
    records = feed.parse_plain_feed(wordpress, url="https://diario.example/feed/")
    assert records is not None and [r.authors for r in records] == [
        ("Ana Martín", "Luis Ortega"), ("Pablo Ruiz",), ("deportes@diario.example",)]
    assert records[0].url == "https://diario.example/noticias/2026/03/03/plan-vivienda/"
    assert records[0].sections == ("Economía", "Vivienda")
    assert feed.parse_plain_feed(atom) is not None


@pytest.mark.parametrize("source", range(6))
def test_generated_feeds_normalize_identically(source, monkeypatch):
    """The whole normalization (wire conventions, language) agrees too, on both formats."""
    data = corpus.make_feed(source, 8)
    fast = normalize_document(data, "feed", source="bench")
    monkeypatch.setattr(options, "fast_feed", False)
    slow = normalize_document(data, "feed", source="bench")
    assert [article_to_dict(a) for a in fast] == [article_to_dict(a) for a in slow]
    assert {a.language for a in fast} == {corpus.source_language(source)}
    assert all(a.images and a.images[0].credit for a in fast)


def test_relative_links_and_broken_documents():
    """A relative link is resolved against the document URL by both readers; a document that
    is not well-formed is feedparser's alone."""
    odd = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
           b'<item><title>A</title><link>/relative</link><guid>g1</guid></item>'
           b'</channel></rss>')
    fast = feed.parse_plain_feed(odd, url="https://wire.example/rss")
    assert [a.url for a in fast] == ["https://wire.example/relative"]
    assert [a.url for a in feed.parse_with_feedparser(odd, url="https://wire.example/rss")] == [
        "https://wire.example/relative"]
    broken = b'<rss version="2.0"><channel><item><title>A &amp B</title></item></channel></rss>'
    assert feed.parse_plain_feed(broken) is None


# -- HTML bodies read without lxml ---------------------------------------------------------------
# html_to_text reads the simple markup nh3 leaves (paragraphs, headings, lists, line breaks, a
# few inline elements) from the tags alone; lxml reads everything else. Both must give the same
# text, line for line.

def _lxml_text(fragment: str) -> str:
    """What html_to_text gives when lxml parses ``fragment`` (and when lxml refuses it, as
    html_to_text does then: the tags stripped)."""
    try:
        parsed = text_mod._parsed_text(strip_forbidden_chars(fragment))
    except ValueError:  # "&#8<217;": libxml2 makes a control character of it
        return clean_text(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    lines = (clean_text(line) for line in parsed.split("\n"))
    return "\n".join(line for line in lines if line)


@pytest.mark.parametrize("name,data", DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_bodies_read_without_lxml_give_lxml_text(name, data):
    articles = feed.parse_with_feedparser(data, url="https://wire.example/feed")
    for article in articles:
        if article.body_html:
            assert html_to_text(article.body_html) == _lxml_text(article.body_html)
    if name.startswith("generated"):
        assert all(text_mod._simple_markup_text(a.body_html) is not None for a in articles)


_WORDS = st.sampled_from(["Madrid", "said", "é", "€", " ", "  ", "\n", "\t", "\xa0", "&amp;", "&lt;",
                          "&gt;", "&nbsp;", "&quot;", "\u200b", "x\x01y", "'", '"', "\u3000",
                          "&#8217;", "&#x2019;", "&#X201C;", "&#160;", "&#39;", "&mdash;", "&hellip;",
                          "&eacute;", "&#128512;"])
_INLINE = st.sampled_from(sorted(text_mod._SIMPLE_INLINE))


@st.composite
def _inline_markup(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 9))
        if choice < 5 or depth > 3:
            parts.append("".join(draw(st.lists(_WORDS, max_size=4))))
        elif choice < 6:
            parts.append(draw(st.sampled_from(["<br>", "<br/>", "<br />", '<img src="p.jpg">',
                                               '<img src="https://x.example/p.jpg?a=1&b=2" alt="A &amp; B"/>'])))
        else:
            tag = draw(_INLINE.filter(lambda t: depth == 0 or t != "a"))
            attributes = draw(st.sampled_from(["", ' href="https://x.example/?a=1&amp;b=2"',
                                               ' title="t"']))
            parts.append(f"<{tag}{attributes}>{draw(_inline_markup(depth + 1))}</{tag}>")
    return "".join(parts)


@st.composite
def _list_markup(draw, tag: str, depth: int = 0) -> str:
    """A list of inline items, an item maybe ending in a nested list or holding blocks."""
    items = draw(st.lists(_inline_markup(), max_size=3))
    if depth < 2 and items and draw(st.booleans()):
        nested = draw(_list_markup(draw(st.sampled_from(["ul", "ol"])), depth + 1))
        items[-1] += draw(st.sampled_from(["", "\n", " "])) + nested
    if depth < 2 and items and draw(st.booleans()):
        items[0] += draw(_simple_markup(depth + 1))  # paragraphs, a table... in an item
    return f"<{tag}>" + "\n".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"


_TABLE_GAP = st.sampled_from(["", "", "\n", " ", "\n  "])


@st.composite
def _table_markup(draw, depth: int = 0) -> str:
    """A table spelt out part by part: a caption, row groups, rows of cells holding inline
    markup or blocks (a table among them), white space between the parts or none."""
    def row(cell_tag: str) -> str:
        cells = []
        for _ in range(draw(st.integers(0, 3))):
            inner = (draw(_simple_markup(depth + 1)) if depth < 2 and draw(st.booleans())
                     else draw(_inline_markup()))
            attributes = draw(st.sampled_from(["", ' colspan="2"', ' valign="top" width="50"']))
            cells.append(f"<{cell_tag}{attributes}>{inner}</{cell_tag}>{draw(_TABLE_GAP)}")
        return f"<tr>{draw(_TABLE_GAP)}{''.join(cells)}</tr>{draw(_TABLE_GAP)}"

    parts = [draw(_TABLE_GAP)]
    if draw(st.booleans()):
        parts.append(f"<caption>{draw(_inline_markup())}</caption>{draw(_TABLE_GAP)}")
    for group in draw(st.lists(st.sampled_from([None, "thead", "tbody", "tfoot"]), max_size=3)):
        rows = "".join(row("th" if group == "thead" else "td")
                       for _ in range(draw(st.integers(0, 2))))
        parts.append(rows if group is None else
                     f"<{group}>{draw(_TABLE_GAP)}{rows}</{group}>{draw(_TABLE_GAP)}")
    attributes = draw(st.sampled_from(["", ' border="0"']))
    return f"<table{attributes}>{''.join(parts)}</table>"


@st.composite
def _simple_markup(draw, depth: int = 0) -> str:
    """A fragment of the kind the fast reading accepts."""
    blocks = []
    for _ in range(draw(st.integers(1, 5))):
        tag = draw(st.sampled_from(["p", "p", "h2", "ul", "ol", None, "div", "blockquote", "pre",
                                    "hr", "table"]))
        if tag == "table":
            blocks.append(draw(_table_markup(depth)))
        elif tag == "hr":
            blocks.append(draw(st.sampled_from(["<hr>", "<hr/>", "<hr />", '<hr class="x">'])))
        elif tag in ("div", "blockquote"):
            inner = draw(_simple_markup(depth + 1)) if depth < 2 else draw(_inline_markup())
            attributes = draw(st.sampled_from(["", ' class="quote"']))
            blocks.append(f"<{tag}{attributes}>{inner}</{tag}>")
        elif tag is None:
            blocks.append(draw(_inline_markup()))
        elif tag in ("ul", "ol"):
            blocks.append(draw(_list_markup(tag)))
        else:
            blocks.append(f"<{tag}>{draw(_inline_markup())}</{tag}>")
        blocks.append(draw(st.sampled_from(["", "\n", " "])))
    fragment = "".join(blocks)
    if depth == 0:
        assume("<" in fragment and fragment.strip())
    return fragment


@settings(max_examples=300, deadline=None)
@given(fragment=_simple_markup())
def test_simple_markup_is_read_as_lxml_reads_it(fragment):
    assert text_mod._simple_markup_text(fragment) is not None
    assert html_to_text(fragment) == _lxml_text(fragment)


@settings(max_examples=300, deadline=None)
@given(fragment=_simple_markup(), cut=st.integers(0, 400), insert=st.sampled_from(
    ["<", ">", "</p>", "<p>", "<div>", "<li>", "<b>", "</b>", "&", "&copy;", "\r", "<!-- c -->",
     "<P>", "<br></br>", "<img src=x>", "<script>x</script>", '<a title="a > b">x</a>',
     "</div>", "<blockquote>", "<h2>", "<ul>", "&#128;", "&#0;", "&#xD800;", "&lang;", "&T",
     "<img>", "</img>", '<img src="x">text</img>', "<hr>", "</hr>", "<pre>", "</pre>",
     "<pre>\n", "<td>", "</td>", "<tr>", "</tr>", "<table>", "</table>", "<th>", "<tbody>",
     "</tbody>", "<caption>", "<li>", "</li>", "<p>x</p>"]))
def test_odd_markup_is_read_as_lxml_reads_it(fragment, cut, insert):
    fragment = fragment[:cut] + insert + fragment[cut:]
    assert html_to_text(fragment) == _lxml_text(fragment)


def test_a_reading_bug_costs_speed_not_the_document(monkeypatch):
    """If the lxml reader raises, feedparser reads the document (and a warning says so)."""
    from normalize import fastfeed

    def broken(*args, **kwargs):
        raise KeyError("bug")

    data = corpus.make_feed(0, 3)
    expected = _dicts(feed.parse_with_feedparser(data))
    monkeypatch.setattr(fastfeed, "read_entries", broken)
    assert feed.parse_plain_feed(data) is None
    assert _dicts(feed.parse(data)) == expected


def _walked_lines(fragment: str) -> str:
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(strip_forbidden_chars(fragment), create_parent="div")
    lines = (clean_text(line) for line in text_mod._walked_text(root).split("\n"))
    return "\n".join(line for line in lines if line)


@settings(max_examples=300, deadline=None)
@given(fragment=_simple_markup(), cut=st.integers(0, 400), insert=st.sampled_from(
    ["<div>", "</p>", "<table><tr><td>a</td><td>b</td></tr></table>", "<pre>\nx\n y</pre>",
     "<!-- c -->", "<?pi x?>", "<script>x</script>", "&#1;", "<P>", "<figure>c</figure>",
     "<svg><title>t</title></svg>", "<![CDATA[x]]>", "<li>", "</ul>"]))
def test_lxml_text_read_in_one_call_equals_the_walk(fragment, cut, insert):
    """_parsed_text puts newlines into the tree and lets libxml2 read it out: the same lines as
    walking the tree in Python."""
    fragment = fragment[:cut] + insert + fragment[cut:]
    try:
        expected = _walked_lines(fragment)
    except ValueError:  # lxml refuses the fragment itself: so does _parsed_text
        with pytest.raises(ValueError):
            text_mod._parsed_text(strip_forbidden_chars(fragment))
        return
    lines = (clean_text(line) for line in
             text_mod._parsed_text(strip_forbidden_chars(fragment)).split("\n"))
    assert "\n".join(line for line in lines if line) == expected


# --- the lxml reader's shortcut around urljoin ------------------------------------------------

_URL_PIECES = st.lists(st.sampled_from(
    ["a", "Z", "0", "/", "//", "?", "#", ";", ":", "@", "[", "]", "\\", "%", "&", "=", ".", "..",
     "-", "~", " ", "\t", "\n", "\x00", "\x7f", "é", "http://", "HTTP://"]), max_size=12)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(["http://", "https://", "http:/", "http:///", "https:", ""]), _URL_PIECES,
       st.sampled_from([None, "", "http://example.com/a/b", "https://example.org/", "ftp://x/y",
                        "http://h/p;q?x#y", "mailto:a@b", "file:///x"]))
def test_plain_absolute_urls_skip_urljoin_with_its_answer(start, pieces, base):
    """fastfeed._join gives what feedparser's _urljoin gives, for every URL and base."""
    from feedparser.urls import _urljoin

    from normalize.fastfeed import _join

    uri = start + "".join(pieces)
    assert _join(base, uri) == _urljoin(base, uri)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "é", "\x80", "\x9f", "\xa0", "\xc2", "’", "\ud800", "€",
                                 "\U0001f600", "\x7f", "\x9f\x80"]), max_size=120),
       st.integers(0, 80))
def test_c1_check_agrees_with_the_regex(pieces, padding):
    """fastfeed._has_c1 reads long values from their bytes: the same answer as _C1.search."""
    from normalize.fastfeed import _C1, _has_c1

    value = "x" * padding + "".join(pieces)
    assert _has_c1(value) == (_C1.search(value) is not None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "  ", "\n", "\t", "a", "b c", " d ", "\xa0", "\u200b",
                                 "\x01", "é", "\u3000"]), max_size=30))
def test_cleaned_lines_drop_empty_lines_as_the_line_loop_did(pieces):
    text = "".join(pieces)
    lines = (clean_text(line) for line in text.split("\n"))
    assert text_mod._cleaned_lines(text) == "\n".join(line for line in lines if line)
