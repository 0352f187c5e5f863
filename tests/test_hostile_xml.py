"""XML attacks against every XML-reading parser: billion laughs, quadratic blowup, XXE, external DTDs.

Each attack is tried in RSS, Atom, NITF, NewsML-G2 (all sniffed as ``kind="feed"``) and in an
article page (``kind="page"``). What a user checks: the document is refused with a
``ParseError`` or read without the entity expanded; a secret in a local file never shows up in
any record; a 127.0.0.1 server named by an entity or DTD gets no request; memory stays small.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from ingest.errors import ParseError
from localserver import Route
from normalize import normalize_document, parse_bytes
from normalize.model import article_to_dict

SECRET = "SECRET-MARKER-7f3a9c"


def document(fmt: str, doctype: str, ref: str = "&x;") -> bytes:
    """One small document of ``fmt`` with ``doctype`` in its prolog and ``ref`` in its text."""
    if fmt == "rss":
        text = (f'<rss version="2.0"><channel><title>Wire</title><link>https://w.example/</link>'
                f'<description>d</description><item><title>Title {ref}</title>'
                f'<link>https://w.example/1</link><guid>g-1</guid>'
                f'<description>Summary {ref}</description></item></channel></rss>')
    elif fmt == "atom":
        text = (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:w</id>'
                f'<updated>2025-03-04T10:00:00Z</updated><entry><id>urn:e1</id>'
                f'<title>Title {ref}</title><updated>2025-03-04T10:00:00Z</updated>'
                f'<summary>Summary {ref}</summary><content type="html">Body {ref}</content>'
                f'</entry></feed>')
    elif fmt == "nitf":
        text = (f'<nitf><head><title>Title {ref}</title><docdata><doc-id id-string="n-1"/>'
                f'</docdata></head><body><body.head><hedline><hl1>Title {ref}</hl1></hedline>'
                f'</body.head><body.content><p>Body {ref}</p></body.content></body></nitf>')
    elif fmt == "newsml_g2":
        text = (f'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:w:1" version="1" '
                f'standard="NewsML-G2" standardversion="2.29"><itemMeta><itemClass qcode="ninat:text"/>'
                f'</itemMeta><contentMeta><headline>Title {ref}</headline></contentMeta><contentSet>'
                f'<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml">'
                f'<body><p>Body {ref}</p></body></html></inlineXML></contentSet></newsItem>')
    elif fmt == "page":
        text = (f'<html><head><title>Title {ref}</title></head><body><article><h1>Title {ref}</h1>'
                f'<p>Body {ref} and enough words around it to make this paragraph look like the main '
                f'text of a news article page that the heuristic will keep.</p></article></body></html>')
    else:  # pragma: no cover
        raise AssertionError(fmt)
    prolog = "" if fmt == "page" else '<?xml version="1.0" encoding="utf-8"?>\n'
    return (prolog + doctype + "\n" + text).encode("utf-8")


FORMATS = ["rss", "atom", "nitf", "newsml_g2", "page"]


def kind_of(fmt: str) -> str:
    return "page" if fmt == "page" else "feed"


def billion_laughs() -> str:
    lines = ['<!ENTITY a0 "lol">']
    lines += [f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    return "<!DOCTYPE r [" + "".join(lines) + '<!ENTITY x "&a9;">]>'


def quadratic() -> str:
    return '<!DOCTYPE r [<!ENTITY x "' + "B" * 2000 + '">]>'


def records_or_refusal(data: bytes, fmt: str) -> list[dict] | None:
    """The records as dicts, or ``None`` when the parser refused the document."""
    try:
        articles = normalize_document(data, kind_of(fmt), url="https://w.example/a", source="t")
    except ParseError:
        return None
    return [article_to_dict(a) for a in articles]


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_billion_laughs_is_refused_or_inert(fmt: str) -> None:
    records = records_or_refusal(document(fmt, billion_laughs()), fmt)
    if fmt != "page":
        assert records is None  # XML formats: refused before any parser expands anything
    else:
        assert "lollol" not in json.dumps(records)


@pytest.mark.parametrize("fmt", FORMATS)
def test_quadratic_blowup_is_refused_or_inert(fmt: str) -> None:
    data = document(fmt, quadratic(), ref="&x;" * 5000)
    records = records_or_refusal(data, fmt)
    if fmt != "page":
        assert records is None
    else:
        assert "BBBB" not in json.dumps(records)


def xxe_doctypes(secret: Path, base: str) -> dict[str, tuple[str, str]]:
    """name -> (doctype, reference used in the text)."""
    uri = secret.resolve().as_uri()
    return {
        "file-entity": (f'<!DOCTYPE r [<!ENTITY x SYSTEM "{uri}">]>', "&x;"),
        "file-entity-public": (f'<!DOCTYPE r [<!ENTITY x PUBLIC "-//W//X" "{uri}">]>', "&x;"),
        "http-entity": (f'<!DOCTYPE r [<!ENTITY x SYSTEM "{base}/entity">]>', "&x;"),
        "http-parameter-entity": (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{base}/param"> %p;]>', ""),
        "file-parameter-entity": (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{uri}"> %p;]>', ""),
        "external-dtd-http": (f'<!DOCTYPE r SYSTEM "{base}/dtd">', ""),
        "external-dtd-file": (f'<!DOCTYPE r SYSTEM "{uri}">', ""),
        "external-dtd-public": (f'<!DOCTYPE r PUBLIC "-//W//DTD X//EN" "{base}/public.dtd">', ""),
        # A comment holding "]>" must not hide the declaration after it from our gate.
        "hidden-after-comment": (f'<!DOCTYPE r [<!-- ]> --><!ENTITY x SYSTEM "{uri}">]>', "&x;"),
        "xinclude": ("", f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{uri}" '
                         f'parse="text"/>'),
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_external_entities_and_dtds_never_read_a_file_or_the_network(fmt, secret_file, server) -> None:
    for path in ("/entity", "/param", "/dtd", "/public.dtd"):
        server.routes[path] = Route(body=f'<!ENTITY leak "{SECRET}">'.encode(), content_type="text/plain")
    for name, (doctype, ref) in xxe_doctypes(secret_file, server.base).items():
        data = document(fmt, doctype, ref=ref)
        records = records_or_refusal(data, fmt)
        if records is not None:
            assert SECRET not in json.dumps(records), (fmt, name)
            assert records, (fmt, name)
        if fmt != "page" and "entity" in name:
            assert records is None, (fmt, name)  # entity declarations: refused with a reason
    assert server.hits == {}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("fmt", ["rss", "atom", "nitf", "newsml_g2"])
def test_entity_declarations_are_refused_in_utf16_and_utf32(fmt, encoding, secret_file) -> None:
    doctype = f'<!DOCTYPE r [<!ENTITY x SYSTEM "{secret_file.resolve().as_uri()}">]>'
    text = document(fmt, doctype).decode("utf-8").replace('encoding="utf-8"', f'encoding="{encoding}"')
    data = text.encode(encoding)
    with pytest.raises(ParseError, match="entit"):
        parse_bytes(data, "feed")


def test_a_plain_doctype_without_entities_still_parses() -> None:
    """A NITF DOCTYPE naming its DTD (common in agency drops) is read, the DTD is not."""
    data = document("nitf", '<!DOCTYPE nitf SYSTEM "http://127.0.0.1:9/nitf-3-5.dtd">', ref="")
    articles = parse_bytes(data, "feed")
    assert [a.title for a in articles] == ["Title"]


def test_escaped_markup_about_entities_in_a_body_is_only_text() -> None:
    """An article *about* XML, quoting a DOCTYPE inside CDATA, is text, not a declaration."""
    body = "<![CDATA[<p>Writers quote <code>&lt;!DOCTYPE x&gt;</code> in prose.</p>]]>"
    data = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item>'
            b'<title>About XML</title><guid>g</guid><description>' + body.encode() +
            b'</description></item></channel></rss>')
    (article,) = parse_bytes(data, "feed")
    assert "DOCTYPE" in article.body_text


ATTACK_SCRIPT = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/tests")
from test_hostile_xml import FORMATS, billion_laughs, document, kind_of, quadratic
from normalize import parse_bytes
from ingest.errors import ParseError
outcomes = []
for fmt in FORMATS:
    for data in (document(fmt, billion_laughs()),
                 document(fmt, quadratic(), ref="&x;" * 20000),
                 document(fmt, billion_laughs()).replace(b"&x;", b"&a9;" * 100)):
        try:
            outcomes.append(len(parse_bytes(data, kind_of(fmt))))
        except ParseError:
            outcomes.append("refused")
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "outcomes": outcomes}))
"""


# Linux keeps a forked child's peak RSS across exec, so a process forked from pytest would
# report pytest's size. A small wrapper runs the job as its own child and reads
# RUSAGE_CHILDREN: the figure is that of the job alone.
MEASURE = r"""
import json, resource, subprocess, sys
job = subprocess.run([sys.executable, "-c", sys.argv[1], sys.argv[2]], capture_output=True, text=True)
sys.stderr.write(job.stderr)
figures = json.loads(job.stdout.strip().splitlines()[-1])
figures["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(figures))
sys.exit(job.returncode)
"""


def test_expansion_attacks_stay_small_in_memory() -> None:
    """All expansion attacks in one fresh process: none expands (its peak memory is printed)."""
    result = subprocess.run([sys.executable, "-c", MEASURE, ATTACK_SCRIPT, str(REPO)],
                            capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print("expansion attacks:", figures)
    # The peak is a figure to read, not an assert (it depends on the machine's allocator and
    # Python build); what bounds memory is that no attack is expanded: each is refused, or
    # parsed to its one item with the entity left unexpanded (checked by the tests above).
    assert len(figures["outcomes"]) == 3 * len(FORMATS)
    assert all(outcome == "refused" or outcome == 1 for outcome in figures["outcomes"]), figures


def test_a_refused_feed_is_one_log_line_naming_its_source(tmp_path, server) -> None:
    """The operator's log (cron mail, journald) gets one line for a hostile feed, and it names
    the source: the parser's refusal is the source's error, logged by the run, not a second
    line of its own that names nothing."""
    from conftest import run_cli, write_config

    server.routes["/laughs.xml"] = Route(body=document("rss", billion_laughs()))
    config = write_config(tmp_path, f"""
        [[sources]]
        id = "laughs"
        kind = "feed"
        url = "{server.url('/laughs.xml')}"
        """)
    result = run_cli("run-once", "--no-summary", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "[laughs]" in lines[0] and "DOCTYPE declares entities" in lines[0], lines
