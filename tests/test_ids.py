"""Feed item ids are valid URIs (RFC 3986, URNs per RFC 8141, tags per RFC 4151); agency guids
that are not get a stable minted id, and the record and the export keep the original."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from conftest import REPO, run_cli
from syndicate.ids import feed_id, is_valid_uri, is_valid_urn, mint_id

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("value", [
    "http://example.com/a/b?c=d#e",
    "https://user:pw@example.com:8080/%C3%A9",
    "http://[2001:db8::1]:80/x",
    "http://192.0.2.1/",
    "urn:newsml:efe.com:20260217:SOC0988",
    "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
    "urn:isbn:0451450523",
    "urn:example:a?+r?=q#f",
    "URN:ab:x",
    "tag:ansa.it,2024:555",
    "tag:john@example.com,2001-09:x/y?z#f",
    "mailto:desk@example.com",
    "news:comp.infosystems.www.servers.unix",
    "x-agency:item/1",
])
def test_valid_ids_pass(value):
    assert is_valid_uri(value)


@pytest.mark.parametrize("value", [
    "",
    "EP-20240217-0122",              # no scheme
    "urn:afp.example:2024:abc",      # a dot in the namespace id (RFC 8141)
    "urn:a:x",                       # a 1-character namespace id
    "urn:" + "a" * 33 + ":x",        # a 33-character namespace id
    "urn:-ab:x", "urn:ab-:x",        # a namespace id starting or ending with a hyphen
    "urn:ab:",                       # an empty namespace-specific string
    "urn:ab:x?y",                    # "?" not opening r- or q-components
    "urn:uuid:not-a-uuid",
    "tag:ansa.it:555",               # no date
    "tag:ansa.it,24:555",            # a 2-digit year
    "tag:ansa.it,2024-13:5",         # month 13
    "http://exa mple.com/", "http://example.com/a b", "http://example.com/%zz",
    "http:///path", "https://:80/", "http://user@/", "http://user@:80/",  # no host
    "http://[::g]/", "http://example.com:8o/",
    "http://exämple.com/",           # an IRI, not a URI
    "1http://example.com/",          # a scheme must start with a letter
    "x:",                            # nothing after the scheme
    "a\nb:c",
])
def test_invalid_ids_fail(value):
    assert not is_valid_uri(value)


def test_urn_nid_bounds():
    assert is_valid_urn("urn:ab:x") and is_valid_urn("urn:" + "a" * 32 + ":x")
    assert is_valid_urn("urn:a-b:x") and not is_valid_urn("urn:a.b:x")


def test_minted_ids_are_stable_valid_and_distinct():
    first = mint_id("http://localhost:8080", "afp", "urn:afp.example:2024:abc")
    assert first == mint_id("http://localhost:8080/", "afp", "urn:afp.example:2024:abc")
    assert first.startswith("tag:localhost,2026:afp/") and is_valid_uri(first)
    assert first != mint_id("http://localhost:8080", "afp", "urn:afp.example:2024:abd")
    assert first != mint_id("http://localhost:8080", "afp2", "urn:afp.example:2024:abc")
    # Upper-case hosts are lower-cased (the W3C validator wants tag: hosts in lower case).
    assert mint_id("https://Feeds.Example.ORG", "s", "g").startswith("tag:feeds.example.org,")
    # A host that is no DNS name mints urn:uuid instead.
    for base in ("http://[::1]:8080", "http://127.0.0.1:8080", "", "not a url"):
        minted = mint_id(base, "s p/ace", "g")
        assert minted.startswith("urn:uuid:") and is_valid_uri(minted)
    assert feed_id("https://f.example", "s", " urn:ab:x ", "id1") == ("urn:ab:x", False)
    # Guid-less items of one source mint from their record ids, so they do not share one.
    assert feed_id("https://f.example", "s", "", "id1") != feed_id("https://f.example", "s", "", "id2")


@settings(max_examples=300, deadline=None)
@given(base=st.sampled_from(["http://localhost:8080", "https://news.example.org/feeds/",
                             "http://[::1]/", "http://10.0.0.1"]),
       source=st.text(max_size=20), guid=st.text(max_size=60))
def test_every_feed_id_is_a_valid_uri_and_valid_guids_are_kept(base, source, guid):
    ident, minted = feed_id(base, source, guid, "fallback")
    assert is_valid_uri(ident)
    assert minted == (not is_valid_uri(guid.strip()))
    assert ident == feed_id(base, source, guid, "fallback")[0]


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(labels=st.lists(_LABEL, min_size=1, max_size=3), port=st.none() | st.integers(0, 65535),
       segments=st.lists(st.text(max_size=12), max_size=4), query=st.none() | st.text(max_size=12),
       nid=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]", fullmatch=True),
       nss=st.text(min_size=1, max_size=20))
def test_uris_built_by_the_grammar_are_valid(labels, port, segments, query, nid, nss):
    # Any text percent-encoded is a valid path, query or URN namespace-specific string.
    host = ".".join(labels) + (f":{port}" if port is not None else "")
    path = "".join("/" + quote(segment, safe="") for segment in segments)
    uri = f"https://{host}{path}" + (f"?{quote(query, safe='=&')}" if query is not None else "")
    assert is_valid_uri(uri), uri
    if nid.lower() != "uuid":  # urn:uuid: must be followed by a UUID
        assert is_valid_uri(f"urn:{nid}:{quote(nss, safe='')}")
    assert not is_valid_uri(f"urn:{nid}.x:{quote(nss, safe='')}")  # a dot in the namespace id


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=40))
def test_the_validator_never_raises_and_refuses_white_space(value):
    valid = is_valid_uri(value)
    if any(c.isspace() or not c.isprintable() for c in value) or ":" not in value:
        assert not valid


@pytest.mark.slow
def test_every_id_of_the_sample_run_is_a_valid_uri_and_export_keeps_the_guid(tmp_path: Path):
    shutil.copytree(REPO / "data" / "samples", tmp_path / "data" / "samples")
    shutil.copy(REPO / "schedules.toml", tmp_path / "schedules.toml")
    assert run_cli("run-once", "-q", cwd=tmp_path).returncode == 0
    feeds = tmp_path / "data" / "feeds"
    ids: set[str] = set()
    checked = 0
    for path in sorted(feeds.rglob("*.xml")):
        root = etree.parse(str(path)).getroot()
        found = [e.text for e in root.iter("guid", f"{ATOM}id")]
        assert all(is_valid_uri(value) for value in found), (path, found)
        ids.update(found)
        checked += 1
    assert checked >= 100 and len(ids) > 20
    # JSON Feed shows the same id as the RSS guid of each item.
    for path in sorted(feeds.rglob("feed.json")):
        rss = etree.parse(str(path.with_name("rss.xml"))).getroot()
        assert [item["id"] for item in json.loads(path.read_bytes())["items"]] == [
            e.text for e in rss.iter("guid")]
    export = run_cli("export", "--jsonl", cwd=tmp_path)
    assert export.returncode == 0
    guids = {json.loads(line)["guid"] for line in export.stdout.splitlines() if line.strip()}
    # The agency guids that are not URIs stay as they are in the export; the feeds mint ids.
    raw = {g for g in guids if not is_valid_uri(g)}
    assert raw and not raw & ids
    assert any(i.startswith("tag:localhost,2026:") for i in ids)
