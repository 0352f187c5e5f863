"""The bundled sample wire (``data/samples/``): the first thing a user ingests.

Every document is read the way a reader would (feedparser for XML, json for JSON Feed) and
checked for what the quick start promises: enough items in each of the six languages, from
several agencies, each with guid, link, title, date, byline and section, mostly with a captioned
and credited picture, and the Europa Press item of the seed page exactly as the portal shows it.
Documents of other formats dropped into the inbox later (NewsML-G2, NITF, ninjs) only have to be
well-formed and sniffable here; their own tests check their content.
"""

from __future__ import annotations

import calendar
import email.utils
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from langdetect import DetectorFactory, detect
from lxml import etree, html

from normalize import PARSERS, sniff

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SHARED = ROOT.parent / "shared"
MEDIA_NS = "http://search.yahoo.com/mrss/"
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

LANGUAGES = ("fr", "en", "es", "de", "pt", "it")
OLDEST = datetime(2023, 1, 1, tzinfo=timezone.utc)
NEWEST = datetime(2026, 11, 1, tzinfo=timezone.utc)  # "up to 2026-10", and never in the future

# The seed page's item (shared/seed/news-portal-article-page.txt), as the wire carries it.
SEED_TITLE = "La Russie et le Belarus présentent un nouveau plan conjoint de sécurité nationale"
SEED_CAPTION = ("Archive – Image du président biélorusse Alexandre Loukachenko et de son homologue "
                "russe Vladimir Poutine à Saint-Pétersbourg.")
SEED_CREDIT = "-/Kremlin/dpa"

# Standards bodies whose identifiers look like URLs but are never fetched: namespaces (XML,
# Atom, XHTML, IPTC NewsML-G2 and its catalogs) and the JSON Feed version string.
STANDARDS_HOSTS = {"www.w3.org", "purl.org", "iptc.org", "www.iptc.org", "cv.iptc.org",
                   "jsonfeed.org"}

# A dateline ends in the agency in brackets and a dash: "MADRID, 6 avr. (EUROPA PRESS) -",
# "Bogotá, 21 may (EFE).-", "(ANSA) - ROMA, 04 APR -", "DUBLIN, Jan 15 (Reuters) -".
DATELINE = re.compile(r"\((?:[A-Z][A-Za-z]*(?: [A-Z]+)?|[a-z]{3})\)\.?\s?-")

# Places that edition routing can work with, in the languages the samples use.
PLACES = {
    "Mexico": ("México", "Mexico"),
    "Belgium": ("Belgique", "Bruxelles", "Belgium"),
    "Switzerland": ("Suisse", "Schweiz", "Svizzera", "Genève"),
    "Canada": ("Canada", "Québec"),
    "Brazil": ("Brasil", "Brazil"),
    "Austria": ("Österreich", "Wien", "Austria"),
}


@dataclass
class Item:
    """One sample item, read from its document the way a feed reader would."""

    path: Path
    guid: str
    link: str
    title: str
    published: datetime | None
    language: str | None
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    body_html: str
    image_url: str | None
    caption: str | None
    credit: str | None

    @property
    def paragraphs(self) -> list[str]:
        tree = html.fragment_fromstring(self.body_html, create_parent="div")
        return [p.text_content().strip() for p in tree.iter("p") if p.text_content().strip()]


def _documents() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "README.md")


def _is_feed_xml(path: Path) -> bool:
    return sniff(path.read_bytes()) in ("rss", "atom")


def _is_jsonfeed(path: Path) -> bool:
    return sniff(path.read_bytes()) == "jsonfeed"


def _xml_items(path: Path) -> list[Item]:
    """Items of an RSS or Atom document: fields from feedparser, media elements from lxml.

    feedparser flattens Media RSS (a ``media:description`` overwrites the summary), so captions
    and credits are read from each item's own ``media:content``.
    """
    data = path.read_bytes()
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False)
    tree = etree.fromstring(data)
    elements = tree.findall("channel/item") or tree.findall(f"{{{ATOM_NS}}}entry")
    assert len(elements) == len(parsed.entries), path.name
    items = []
    for entry, element in zip(parsed.entries, elements):
        media = element.find(f"{{{MEDIA_NS}}}content")
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        language = (entry.get("language")  # RSS dc:language
                    or (entry.get("title_detail") or {}).get("language")  # Atom xml:lang
                    or parsed.feed.get("language"))
        items.append(Item(
            path=path,
            guid=entry.get("id", ""),
            link=entry.get("link", ""),
            title=entry.get("title", ""),
            published=datetime.fromtimestamp(calendar.timegm(stamp), timezone.utc) if stamp else None,
            language=language,
            authors=tuple(a.get("name", "") for a in entry.get("authors", []) if a.get("name")),
            categories=tuple(t.term for t in entry.get("tags", []) if t.term),
            body_html=entry.content[-1].value if entry.get("content") else "",
            image_url=media.get("url") if media is not None else None,
            caption=media.findtext(f"{{{MEDIA_NS}}}description") if media is not None else None,
            credit=media.findtext(f"{{{MEDIA_NS}}}credit") if media is not None else None,
        ))
    return items


def _json_items(path: Path) -> list[Item]:
    """Items of a JSON Feed 1.1 document; captions and credits come from ``_wirefeed.images``."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    items = []
    for item in doc["items"]:
        images = (item.get("_wirefeed") or {}).get("images") or [{}]
        authors = item.get("authors") or doc.get("authors") or []
        published = item.get("date_published")
        items.append(Item(
            path=path,
            guid=str(item.get("id", "")),
            link=item.get("url", ""),
            title=item.get("title", ""),
            published=datetime.fromisoformat(published) if published else None,
            language=item.get("language") or doc.get("language"),
            authors=tuple(a["name"] for a in authors if a.get("name")),
            categories=tuple(item.get("tags") or ()),
            body_html=item.get("content_html", ""),
            image_url=item.get("image"),
            caption=images[0].get("caption"),
            credit=images[0].get("credit"),
        ))
    return items


def _all_items() -> list[Item]:
    items = []
    for path in _documents():
        if _is_feed_xml(path):
            items.extend(_xml_items(path))
        elif _is_jsonfeed(path):
            items.extend(_json_items(path))
    return items


ITEMS = _all_items()


def _item_id(item: Item) -> str:
    return f"{item.path.name}:{item.guid}"


def test_the_three_sources_are_there():
    assert (SAMPLES / "europapress.rss").is_file()
    assert (SAMPLES / "dpa.atom").is_file()
    inbox = SAMPLES / "inbox"
    assert any(inbox.glob("*.json")) and any(inbox.glob("*.xml"))
    assert sum(1 for item in ITEMS if item.path.name == "europapress.rss") >= 14
    assert sum(1 for item in ITEMS if item.path.name == "dpa.atom") >= 10
    assert sum(1 for item in ITEMS if item.path.parent == inbox) >= 8


@pytest.mark.parametrize("path", [p for p in _documents() if p.suffix != ".json"],
                         ids=lambda p: p.name)
def test_xml_documents_are_well_formed_and_not_bozo(path):
    data = path.read_bytes()
    data.decode("utf-8")
    etree.fromstring(data)  # raises on any well-formedness error
    assert sniff(data) in PARSERS
    if _is_feed_xml(path):
        parsed = feedparser.parse(io.BytesIO(data))
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.entries


@pytest.mark.parametrize("path", [p for p in _documents() if p.suffix == ".json"],
                         ids=lambda p: p.name)
def test_json_documents_are_valid(path):
    data = path.read_bytes()
    doc = json.loads(data.decode("utf-8"))
    assert sniff(data) in PARSERS
    if _is_jsonfeed(path):
        assert doc["version"] == "https://jsonfeed.org/version/1.1"
        assert 1 <= len(doc["items"]) <= 3


def test_totals_languages_and_agencies():
    assert len(ITEMS) >= 40
    per_language = {lang: sum(1 for item in ITEMS if item.language == lang) for lang in LANGUAGES}
    assert all(count >= 7 for count in per_language.values()), per_language
    assert {item.language for item in ITEMS} <= set(LANGUAGES)
    # One agency per document in this wire: the host of its links names it.
    agencies = {urlsplit(item.link).hostname.split(".")[-2] for item in ITEMS}
    assert len(agencies) >= 5, agencies


@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_every_item_has_guid_link_title_date_byline_and_section(item):
    assert item.guid and item.title
    assert urlsplit(item.link).scheme == "https"
    assert item.published is not None and item.published.tzinfo is not None
    assert OLDEST <= item.published < NEWEST
    assert item.published <= datetime.now(timezone.utc)
    assert item.authors and all(name.strip() for name in item.authors)
    assert item.categories


@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_every_body_is_agency_copy_in_its_declared_language(item):
    paragraphs = item.paragraphs
    assert 3 <= len(paragraphs) <= 7
    assert DATELINE.search(paragraphs[0][:90]), paragraphs[0][:90]
    text = " ".join(paragraphs)
    assert len(re.findall(r"[.!?»](?:\s|$)", text)) >= 3
    DetectorFactory.seed = 0
    assert detect(f"{item.title}. {text}") == item.language


def test_europa_press_items_end_with_the_agency_line():
    for item in ITEMS:
        if item.path.name == "europapress.rss":
            assert re.fullmatch(r"(Source|Fuente|Fonte|Quelle) ?: \(EUROPA PRESS\)",
                                item.paragraphs[-1]), item.title


def test_most_items_carry_a_captioned_and_credited_image():
    with_image = [item for item in ITEMS if item.image_url and item.caption and item.credit]
    assert len(with_image) >= 0.8 * len(ITEMS)
    for item in with_image:
        assert item.image_url.startswith("https://")


def test_some_items_are_about_places_with_their_own_edition():
    for country, names in PLACES.items():
        about = [item for item in ITEMS
                 if any(name in f"{item.title} {' '.join(item.categories)}" for name in names)]
        assert about, country


def test_every_url_is_under_example():
    for path in _documents():
        text = path.read_text(encoding="utf-8")
        namespaces = set()
        if path.suffix != ".json":
            namespaces = {uri for element in etree.fromstring(text.encode()).iter()
                          for uri in element.nsmap.values()}
        for url in re.findall(r"https?://[^\s\"'<>]+", text):
            host = urlsplit(url).hostname
            if url not in namespaces and host not in STANDARDS_HOSTS:
                assert host.endswith(".example"), (path.name, url)


def test_rss_dates_are_rfc822_with_the_right_weekday():
    for path in _documents():
        if path.suffix == ".json" or not _is_feed_xml(path):
            continue
        for stamp in etree.parse(str(path)).iterfind(".//item/pubDate"):
            parsed = email.utils.parsedate_to_datetime(stamp.text)
            assert parsed.tzinfo is not None, stamp.text
            assert parsed.strftime("%a") == stamp.text[:3], stamp.text


def test_every_atom_entry_declares_its_language():
    tree = etree.parse(str(SAMPLES / "dpa.atom"))
    entries = tree.getroot().findall(f"{{{ATOM_NS}}}entry")
    assert entries and all(entry.get(XML_LANG) in LANGUAGES for entry in entries)


def test_dpa_atom_is_valid_rfc4287():
    schema = etree.RelaxNG(etree.parse(str(ROOT / "tests" / "data" / "schemas" / "atom.rng")))
    document = etree.parse(str(SAMPLES / "dpa.atom"))
    assert schema.validate(document), schema.error_log


def _seed_item() -> Item:
    matches = [item for item in ITEMS if item.title == SEED_TITLE]
    assert len(matches) == 1
    return matches[0]


def test_the_seed_page_item_is_on_the_wire():
    item = _seed_item()
    assert item.path.name == "europapress.rss"
    assert item.authors == ("Camile Martin",)
    assert item.language == "fr"
    assert item.published.date().isoformat() == "2023-04-06"
    assert item.caption == SEED_CAPTION
    assert item.credit == SEED_CREDIT
    paragraphs = item.paragraphs
    assert len(paragraphs) == 7
    assert paragraphs[-1] == "Source: (EUROPA PRESS)"
    assert paragraphs[0].startswith("MADRID, 6 avr. (EUROPA PRESS) - Le président russe Vladimir Poutine")


@pytest.mark.skipif(not (SHARED / "seed" / "news-portal-article-page.txt").is_file(),
                    reason="shared/seed is not beside the repository")
def test_the_seed_item_body_is_the_seed_page_body():
    page = (SHARED / "seed" / "news-portal-article-page.txt").read_text(encoding="utf-8")
    page_lines = {line.strip() for line in page.splitlines()}
    body = _seed_item().paragraphs
    first = DATELINE.split(body[0], maxsplit=1)[1].strip()
    for paragraph in [first, *body[1:]]:
        assert paragraph in page_lines, paragraph
