"""Encodings: every way agencies get charsets wrong is decoded right or repaired, and recorded.

What a user checks: the title reads as written (no ``Ã©``), and when bytes had to be repaired
the record carries ``("repair", "encoding: ...")`` in ``extra``, which the pipeline shows in the
source's state and the run summary. A correctly encoded document records nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import run_cli, write_config
from localserver import Route
from normalize import parse_bytes, sniff
from normalize import text as text_mod
from normalize.text import fix_mojibake, repair_json_encoding, repair_xml_encoding

TITLE = "Économie : l’État réforme les açores, ñandú y Straße"
LATIN1_TITLE = TITLE.replace("’", "'")  # Latin-1 has no curly apostrophe


def rss(title: str, declaration: str | None = ' encoding="utf-8"') -> str:
    prolog = f'<?xml version="1.0"{declaration}?>\n' if declaration is not None else ""
    return (prolog + '<rss version="2.0"><channel><title>Wire</title><link>https://w.example/</link>'
            f'<description>d</description><item><title>{title}</title><guid>g-1</guid>'
            f'<description>{title}, dit le ministre.</description></item></channel></rss>')


def atom(title: str, declaration: str | None = ' encoding="utf-8"') -> str:
    prolog = f'<?xml version="1.0"{declaration}?>\n' if declaration is not None else ""
    return (prolog + '<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:w</id>'
            '<updated>2025-03-04T10:00:00Z</updated><entry><id>urn:e1</id>'
            f'<title>{title}</title><updated>2025-03-04T10:00:00Z</updated>'
            f'<summary>{title}, dit le ministre.</summary></entry></feed>')


def nitf(title: str, declaration: str | None = ' encoding="utf-8"') -> str:
    prolog = f'<?xml version="1.0"{declaration}?>\n' if declaration is not None else ""
    return (prolog + f'<nitf><head><title>{title}</title><docdata><doc-id id-string="n-1"/></docdata>'
            f'</head><body><body.head><hedline><hl1>{title}</hl1></hedline></body.head>'
            f'<body.content><p>{title}, dit le ministre.</p></body.content></body></nitf>')


def newsml(title: str, declaration: str | None = ' encoding="utf-8"') -> str:
    prolog = f'<?xml version="1.0"{declaration}?>\n' if declaration is not None else ""
    return (prolog + '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:w:1" version="1">'
            '<itemMeta><itemClass qcode="ninat:text"/></itemMeta><contentMeta>'
            f'<headline>{title}</headline></contentMeta><contentSet><inlineXML '
            'contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body>'
            f'<p>{title}, dit le ministre.</p></body></html></inlineXML></contentSet></newsItem>')


XML_BUILDERS = {"rss": rss, "atom": atom, "nitf": nitf, "newsml_g2": newsml}


def repairs(article) -> list[str]:
    return [note for key, note in article.extra if key == "repair" and note.startswith("encoding:")]


def only(data: bytes, headers: dict | None = None):
    articles = parse_bytes(data, "feed", headers=headers)
    assert len(articles) == 1
    return articles[0]


# -- decoded right, nothing to record ------------------------------------------------------------

@pytest.mark.parametrize("fmt", XML_BUILDERS)
@pytest.mark.parametrize("codec,declared,bom", [
    ("utf-8", "utf-8", b""), ("utf-8", "utf-8", b"\xef\xbb\xbf"), ("utf-8", None, b""),
    ("utf-16-le", "utf-16", b"\xff\xfe"), ("utf-16-be", "utf-16", b"\xfe\xff"),
    ("utf-16-le", "utf-16", b""), ("utf-16-be", "utf-16", b""), ("utf-16-le", None, b""),
    ("utf-32-le", "utf-32", b"\xff\xfe\x00\x00"), ("utf-32-be", "utf-32", b"\x00\x00\xfe\xff"),
    ("utf-32-le", "utf-32", b""), ("utf-32-be", None, b""),
    ("cp1252", "windows-1252", b""), ("latin-1", "iso-8859-1", b""),
])
def test_well_labelled_documents_decode_without_repair(fmt, codec, declared, bom) -> None:
    title = LATIN1_TITLE if codec == "latin-1" else TITLE
    declaration = f' encoding="{declared}"' if declared else None
    data = bom + XML_BUILDERS[fmt](title, declaration).encode(codec)
    article = only(data)
    assert article.title == title
    assert repairs(article) == []


# -- repaired and recorded -----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", XML_BUILDERS)
def test_utf8_declared_as_latin1_is_read_as_utf8(fmt) -> None:
    article = only(XML_BUILDERS[fmt](TITLE, ' encoding="iso-8859-1"').encode("utf-8"))
    assert article.title == TITLE
    assert repairs(article) == ["encoding: declared iso-8859-1 but the bytes are UTF-8: decoded as UTF-8"]


@pytest.mark.parametrize("fmt", XML_BUILDERS)
@pytest.mark.parametrize("declaration", [' encoding="utf-8"', None])
def test_latin1_declared_as_utf8_or_undeclared_is_read_as_windows_1252(fmt, declaration) -> None:
    article = only(XML_BUILDERS[fmt](TITLE, declaration).encode("cp1252"))
    assert article.title == TITLE
    (note,) = repairs(article)
    assert "not UTF-8: decoded as Windows-1252" in note


@pytest.mark.parametrize("fmt", XML_BUILDERS)
def test_a_wrong_http_charset_is_overruled_by_the_bytes(fmt) -> None:
    data = XML_BUILDERS[fmt](TITLE).encode("utf-8")
    article = only(data, headers={"Content-Type": "application/xml; charset=ISO-8859-1"})
    assert article.title == TITLE
    assert repairs(article) == ["encoding: HTTP charset ISO-8859-1 but the bytes are UTF-8: decoded as UTF-8"]


@pytest.mark.parametrize("fmt", XML_BUILDERS)
def test_invalid_utf8_sequences_are_replaced_and_counted(fmt) -> None:
    data = XML_BUILDERS[fmt](TITLE).encode("utf-8").replace("Straße".encode(), b"Stra\xc3\x28e\xff")
    article = only(data)
    assert article.title.startswith("Économie : l’État") and "\ufffd" in article.title
    (note,) = repairs(article)
    assert "invalid UTF-8 byte sequences replaced by U+FFFD" in note


@pytest.mark.parametrize("fmt", XML_BUILDERS)
def test_control_characters_are_removed_and_counted(fmt) -> None:
    article = only(XML_BUILDERS[fmt](TITLE + "\x0b\x07\x1b").encode("utf-8"))
    assert article.title == TITLE
    (note,) = repairs(article)
    assert note.endswith("control characters removed")


@pytest.mark.parametrize("fmt", XML_BUILDERS)
def test_double_encoded_utf8_is_undone(fmt) -> None:
    mojibake = TITLE.encode("utf-8").decode("cp1252", "replace")
    assert mojibake != TITLE and "Ã‰" in mojibake
    article = only(XML_BUILDERS[fmt](mojibake).encode("utf-8"))
    assert article.title == TITLE
    (note,) = repairs(article)
    assert "mojibake" in note


def test_mojibake_fix_leaves_real_text_alone() -> None:
    for text in ("SÃO PAULO e GUARULHOS", "Ação e reação", "Ã bientôt", "Größe ÂGE"):
        assert fix_mojibake(text) == (text, 0)
    assert fix_mojibake("cafÃ© crÃ¨me") == ("café crème", 2)


def test_clean_utf8_comes_back_as_the_same_bytes() -> None:
    data = rss(TITLE).encode("utf-8")
    repaired, notes = repair_xml_encoding(data)
    assert repaired is data and notes == []


# UTF-8 that needs no repair is told so from its bytes; that must agree with the text.
_REPAIR_ALPHABET = st.sampled_from(
    list("aé Ãâ\u00c2\u00f4\u00f5\x80\x9f\xa0\xbf\u0152\u017e\u0192\u02dc\u2013\u20ac\u2122\u2022"
         "\x00\x01\x08\x0b\x0c\x1f\t\n\r\ufffe\uffff\ufffd\uefff&#;x") + ["&#1;", "&#x0B;", "&#10;"])


@settings(max_examples=500, deadline=None)
@given(body=st.lists(_REPAIR_ALPHABET, max_size=12).map("".join))
def test_utf8_needs_repair_exactly_when_its_text_does(body: str) -> None:
    data = f"<rss><channel><title>{body}</title></channel></rss>".encode("utf-8")
    text = data.decode("utf-8")
    needs = bool(text_mod._MOJIBAKE.search(text) or text_mod._XML_FORBIDDEN_TEXT.search(text)
                 or text_mod.CONTROL_REFERENCE.search(text))
    assert (repair_xml_encoding(data)[0] is not data) == needs
    assert (repair_json_encoding(data)[0] is not data) == bool(text_mod._MOJIBAKE.search(text))


def test_utf32_without_bom_is_sniffed() -> None:
    assert sniff(nitf(TITLE, None).encode("utf-32-le")) == "nitf"
    assert sniff(rss(TITLE, None).encode("utf-32-be")) == "rss"


# -- JSON formats -------------------------------------------------------------------------------

def jsonfeed(title: str) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Wire",
                       "items": [{"id": "j-1", "title": title, "content_text": f"{title}, dit-il."}]},
                      ensure_ascii=False)


def ninjs(title: str) -> str:
    return json.dumps({"uri": "urn:n:1", "type": "text", "headline": title,
                       "body_text": f"{title}, dit-il."}, ensure_ascii=False)


@pytest.mark.parametrize("builder", [jsonfeed, ninjs])
@pytest.mark.parametrize("codec,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                       ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b""),
                                       ("utf-32-le", b"")])
def test_json_in_any_unicode_encoding(builder, codec, bom) -> None:
    article = only(bom + builder(TITLE).encode(codec))
    assert article.title == TITLE
    assert repairs(article) == []


@pytest.mark.parametrize("builder", [jsonfeed, ninjs])
def test_json_in_windows_1252_is_repaired_and_recorded(builder) -> None:
    article = only(builder(TITLE).encode("cp1252"))
    assert article.title == TITLE
    (note,) = repairs(article)
    assert "Windows-1252" in note


def test_json_mojibake_is_undone() -> None:
    data, notes = repair_json_encoding(jsonfeed(TITLE.encode("utf-8").decode("cp1252")).encode("utf-8"))
    assert json.loads(data)["items"][0]["title"] == TITLE
    assert notes and "mojibake" in notes[0]


# -- through the pipeline: the repair is recorded against the source ---------------------------

def test_the_pipeline_records_the_repair_on_the_source(tmp_path: Path, server) -> None:
    server.routes["/latin1.xml"] = Route(body=rss(TITLE, None).encode("cp1252"),
                                         content_type="application/rss+xml")
    server.routes["/clean.xml"] = Route(body=rss(TITLE.replace("Économie", "Politique")).encode("utf-8"),
                                        content_type="application/rss+xml")
    write_config(tmp_path, f"""
        [[sources]]
        id = "latin1"
        kind = "feed"
        url = "{server.url('/latin1.xml')}"
        language = "fr"

        [[sources]]
        id = "clean"
        kind = "feed"
        url = "{server.url('/clean.xml')}"
        language = "fr"
    """)
    result = run_cli("run-once", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Windows-1252" in result.stdout + result.stderr
    with sqlite3.connect(tmp_path / "data" / "wire.db") as conn:
        titles = {row[0] for row in conn.execute("SELECT title FROM articles")}
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        state_table = next(t for t in tables if "source" in t)
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({state_table})")]
        rows = [dict(zip(columns, row)) for row in conn.execute(f"SELECT * FROM {state_table}")]
    assert TITLE in titles
    by_source = {row.get("id") or row.get("source"): row for row in rows}
    assert "Windows-1252" in (by_source["latin1"]["repairs"] or "")
    assert not by_source["clean"]["repairs"]


@pytest.mark.parametrize("fmt", XML_BUILDERS)
def test_references_to_control_characters_are_removed_and_counted(fmt) -> None:
    """``&#14;`` is not well-formed XML 1.0: dropped like the character itself, not fatal."""
    data = XML_BUILDERS[fmt](TITLE + "&#14;&#x1B;").encode("utf-8")
    article = only(data)
    assert article.title == TITLE
    assert repairs(article) == [f"encoding: {data.count(b'&#14;') * 2} control characters removed"]


def test_a_page_with_control_characters_in_links_is_read() -> None:
    page = (f'<html><head><title>{TITLE}</title><link rel="canonical" href="https://n.example/a">'
            f'</head><body><article><h1>{TITLE}</h1><p>Le ministre a parlé mardi devant les '
            f'députés de la réforme, longuement et avec\x0b des chiffres.</p>'
            f'<p><a href=" &#14;https://n.example/b">lien</a></p></article></body></html>')
    (article,) = parse_bytes(page.encode("utf-8"), "page", url="https://n.example/a")
    assert article.title == TITLE
    assert repairs(article) == ["encoding: 2 control characters removed"]


def test_utf8_page_with_a_stale_legacy_meta_charset_reads_as_utf8():
    """A page re-saved as UTF-8 that still declares gb2312 in its <meta> reads as UTF-8."""
    from normalize.page.dom import decode_page

    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            '</head><body><p>新电脑已可利用记忆自学</p></body></html>').encode("utf-8")
    assert "新电脑已可利用记忆自学" in decode_page(page)
    legacy = page.decode("utf-8").encode("gb2312")  # truly gb2312: the declaration holds
    assert "新电脑已可利用记忆自学" in decode_page(legacy)
