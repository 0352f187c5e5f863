"""Properties (Hypothesis): whatever bytes or strings come in, the parsers answer with records or
a ``ParseError``, and the small readers (dates, credits, datelines) with a value or ``None``.

Inputs are random bytes, random text, and mutations of real documents (every golden fixture,
bytes flipped, cut, or spliced), so the generators reach deep into each parser. Examples are
kept modest so the suite stays fast; the renderers get every record that comes out, so a record
that parses but cannot be published is found too.
"""

from __future__ import annotations

import email.utils
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from ingest.errors import ParseError
from normalize import PARSERS, parse_bytes
from normalize.credits import parse_credit
from normalize.datelines import find_dateline
from normalize.model import Article, Credit, Dateline
from normalize.sanitize import clean_html, strip_forbidden_chars
from normalize.text import (
    clean_text, html_to_text, parse_date, plain_title, repair_json_encoding, repair_xml_encoding,
)
from syndicate import atom, jsonfeed, rss
from syndicate.channel import Channel

FIXTURES = Path(__file__).parent / "fixtures"


def _documents() -> list[bytes]:
    """Every fixture document (goldens left out; a JSON document has a ``.expected.json``)."""
    found = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix in (".xml", ".html", ".ninjs") or (
                path.suffix == ".json" and path.with_name(path.stem + ".expected.json").exists()):
            found.append(path.read_bytes())
    return found


SEEDS = _documents()
KINDS = ["feed", "inbox", "page", *sorted(PARSERS)]
CHANNEL = Channel(edition="en", edition_name="English", languages=("en",), title="t",
                  description="d", base_url="https://feeds.example.org", path="en")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated_documents(draw) -> bytes:
    """A real document with a few bytes changed, a slice cut out, or two documents spliced."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "splice", "truncate"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:at + draw(st.integers(1, 200))]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from([
                b"<", b">", b"&", b"]]>", b"<![CDATA[", b"\x00", b"\xff\xfe", b"&#0;", b"&#xD800;",
                b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"<script>", b'"', b"{", b"}", b"[", b"\\u0000",
                b"\xc3", b"\xe2\x80", "é".encode("utf-16"), b"<item>", b"</entry>",
            ]))
        elif action == "splice":
            other = draw(st.sampled_from(SEEDS))
            data[at:] = other[draw(st.integers(0, len(other) - 1)):]
        else:
            del data[at:]
    return bytes(data)


def publishable(articles: list[Article]) -> None:
    """Every record that comes out can be rendered in every format."""
    assert all(isinstance(a, Article) for a in articles)
    dated = [a if a.published else a.replace(published=datetime(2025, 1, 1).astimezone())
             for a in articles]
    for renderer in (rss, atom, jsonfeed):
        assert renderer.render(CHANNEL, dated)


def parse_or_refuse(data: bytes, kind: str) -> None:
    try:
        articles = parse_bytes(data, kind, url="https://news.example/a")
    except ParseError:
        return
    publishable(articles)


@FAST
@given(data=st.binary(max_size=2000), kind=st.sampled_from(KINDS))
def test_any_bytes_give_records_or_parse_error(data: bytes, kind: str) -> None:
    parse_or_refuse(data, kind)


@FAST
@given(text=st.text(max_size=500), kind=st.sampled_from(KINDS),
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-be", "utf-32", "latin-1"]))
def test_any_text_in_any_encoding_gives_records_or_parse_error(text: str, kind: str, encoding: str) -> None:
    parse_or_refuse(text.encode(encoding, "replace"), kind)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_documents(), kind=st.sampled_from(["feed", "page"]))
def test_mutated_real_documents_give_records_or_parse_error(data: bytes, kind: str) -> None:
    parse_or_refuse(data, kind)


@FAST
@given(prefix=st.sampled_from([b"<rss version='2.0'><channel>", b"<feed xmlns='http://www.w3.org/2005/Atom'>",
                               b"<nitf>", b"<newsItem xmlns='http://iptc.org/std/nar/2006-10-01/'>",
                               b'{"version":"https://jsonfeed.org/version/1.1","items":', b'{"uri":',
                               b"<html><body>"]),
       body=st.binary(max_size=1000))
def test_a_known_root_followed_by_anything(prefix: bytes, body: bytes) -> None:
    parse_or_refuse(prefix + body, "feed")


@FAST
@given(value=st.one_of(st.none(), st.text(max_size=80), st.from_regex(
    r"\A(Mon|Tue|Xyz)?,? ?[0-9]{1,4} (Jan|Feb|Foo) [0-9]{1,6} [0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})? ?"
    r"(GMT|[+-][0-9]{4}|[A-Z]{1,5})?\Z"), st.from_regex(
    r"\A-?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?\Z")))
def test_dates_parse_or_give_none(value) -> None:
    parsed = parse_date(value)
    assert parsed is None or (isinstance(parsed, datetime) and parsed.utcoffset().total_seconds() == 0)


@FAST
@given(value=st.one_of(st.none(), st.text(max_size=120), st.builds(
    lambda label, name, agency: f"{label}{name}{agency}",
    st.sampled_from(["", "Foto: ", "Photo : ", "© ", "(", "Bild: "]),
    st.text(max_size=40), st.sampled_from(["", "/dpa", " (Europa Press)", "/AFP/Getty Images", ")", " - "]))))
def test_credits_parse_or_give_none(value) -> None:
    credit = parse_credit(value)
    assert credit is None or (isinstance(credit, Credit) and credit.text)


@FAST
@given(value=st.one_of(st.none(), st.text(max_size=200), st.builds(
    lambda place, date, agency, dash, rest: f"{place}{date}{agency}{dash}{rest}",
    st.sampled_from(["MADRID", "PARIS, ", "São Paulo", "", "NEW YORK (", "BERLÍN,"]),
    st.sampled_from(["", ", 24 Oct.", " 3 mars", " (dpa)", ", 1 de enero"]),
    st.sampled_from(["", " (EUROPA PRESS)", " (AFP)", " (Reuters)", "(", ")"]),
    st.sampled_from(["", " - ", " — ", " – ", "-"]),
    st.text(max_size=80))))
def test_datelines_parse_or_give_none(value) -> None:
    dateline = find_dateline(value)
    assert dateline is None or (isinstance(dateline, Dateline) and dateline.text)


@FAST
@given(value=st.one_of(st.none(), st.text(max_size=400)))
def test_text_helpers_never_raise_and_leave_no_markup(value) -> None:
    cleaned = clean_html(value)
    assert "<script" not in cleaned.lower()
    html_to_text(value)
    title = plain_title(value)
    assert "\n" not in title


@FAST
@given(data=st.binary(max_size=500), charset=st.one_of(st.none(), st.sampled_from(
    ["utf-8", "latin-1", "utf-16", "x-unknown", "windows-1252", "utf-32", ""])))
def test_encoding_repair_always_gives_utf8(data: bytes, charset) -> None:
    for repaired, notes in (repair_xml_encoding(data, charset), repair_json_encoding(data)):
        repaired.decode("utf-8")
        assert isinstance(notes, list)


# The shortcuts the text helpers take for values that need nothing, against the full readings.

def _clean_text_in_full(value: str) -> str:
    return " ".join(strip_forbidden_chars(value).replace("\u200b", " ").split())


def test_clean_text_changes_every_character_it_must() -> None:
    """Each BMP character alone, between letters and beside a space: the shortcut that returns
    a value unchanged may only skip the characters the full cleaning would keep."""
    for code in range(0x10000):
        character = chr(code)
        for value in (character, f"a{character}b", f"a {character}"):
            assert clean_text(value) == _clean_text_in_full(value), (hex(code), value)


@FAST
@given(value=st.text(max_size=200))
def test_clean_text_is_the_full_cleaning(value: str) -> None:
    assert clean_text(value) == _clean_text_in_full(value)


def _date_in_full(value: str) -> datetime | None:
    """parse_date as it read every date before its RFC 822 shortcut: ISO 8601, else email.utils."""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    try:
        return (parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None
                else parsed.astimezone(timezone.utc))
    except (OverflowError, ValueError):
        return None


@settings(max_examples=500, deadline=None)
@given(value=st.from_regex(
    r"\A ?((Mon|Sun|Xyz|mon), ?)?[0-9]{1,2} (Jan|Feb|Mar|Dec|mar|Foo) [0-9]{2,4} "
    r"[0-9]{2}:[0-9]{2}(:[0-9]{2})? ([+-][0-9]{4}|GMT|UTC?|Z|EST|gmt|[+-][0-9]{3}) ?\Z"))
def test_rfc822_dates_read_as_email_utils_reads_them(value: str) -> None:
    parsed = parse_date(value)
    expected = _date_in_full(value)
    assert parsed == expected
    assert parsed is None or (parsed.tzinfo, repr(parsed)) == (expected.tzinfo, repr(expected))
