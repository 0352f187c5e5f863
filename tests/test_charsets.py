"""normalize.charsets is the one BOM table and charset-label reader (issue 15, "One of each")."""

from __future__ import annotations

import re
from pathlib import Path

from normalize.charsets import (WEB_BOMS, bom_codec, browser_codec, header_charset,
                                python_codec)
from normalize.page.dom import decode_page
from normalize.text import sniff_wide_encoding

ROOT = Path(__file__).resolve().parents[1]


def test_bom_codec_prefers_the_longest_mark() -> None:
    assert bom_codec(b"\xff\xfe\x00\x00<\x00\x00\x00") == ("utf-32-le", 4)
    assert bom_codec(b"\xff\xfe<\x00") == ("utf-16-le", 2)
    assert bom_codec(b"\xef\xbb\xbf<") == ("utf-8", 3)
    assert bom_codec(b"<rss>") is None
    # A browser knows no UTF-32: the same bytes are UTF-16-LE on a web page.
    assert bom_codec(b"\xff\xfe\x00\x00", WEB_BOMS) == ("utf-16-le", 2)


def test_labels_as_python_and_as_a_browser_read_them() -> None:
    assert python_codec(" 'ISO-8859-1' ") == "iso8859-1"
    assert python_codec("no-such-charset") is None and python_codec(None) is None
    assert browser_codec("iso-8859-1") == "cp1252" and browser_codec("US-ASCII") == "cp1252"
    assert browser_codec("utf-16") == "utf-8"
    assert browser_codec("koi8-r") == "koi8-r"


def test_header_charset_reads_the_content_type_whatever_the_case() -> None:
    assert header_charset({"Content-Type": 'text/xml; Charset="ISO-8859-1"'}) == "ISO-8859-1"
    assert header_charset({"content-type": "text/html;charset=utf-8"}) == "utf-8"
    assert header_charset({"Content-Type": "text/html"}) is None
    assert header_charset(None) is None


def test_pages_and_documents_share_the_table() -> None:
    assert decode_page(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>") == "<p>café</p>"
    assert decode_page("<p>é</p>".encode("latin-1"), {"Content-Type": "text/html; charset=latin-1"}) == "<p>é</p>"
    assert sniff_wide_encoding(b"\x00\x00\xfe\xff") == "utf-32-be-bom"


def test_no_other_module_keeps_its_own_bom_table() -> None:
    own = [str(path.relative_to(ROOT)) for package in ("normalize", "syndicate", "ingest")
           for path in (ROOT / package).rglob("*.py")
           if path.name != "charsets.py"
           and re.search(r"\\xef\\xbb\\xbf|codecs\.BOM|^_?BOMS\s*=", path.read_text(encoding="utf-8"), re.M)]
    assert own == []
