"""trafilatura and htmldate, called the pure way: an HTML string or tree in, values out.

Neither library fetches anything here. trafilatura's extraction (``extract``'s own steps) is
handed the page's parsed tree, or its text (its ``load_html`` only parses a ``str``/``bytes``/
tree; downloads live in ``trafilatura.downloads``, which this module never calls), and its
configuration is the ``settings.cfg`` shipped inside the package, read once from disk.
``htmldate.find_date`` fetches when given a string that looks like a URL, so it only ever gets
a parsed tree.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

log = logging.getLogger(__name__)

# Pages past this size are not worth a second extraction (trafilatura refuses 20 MB anyway).
_MAX_CHARS = 3_000_000


@dataclass(frozen=True)
class EngineText:
    """trafilatura's main text of a page: HTML blocks (``<p>``, ``<h2>``, lists, quotes)."""

    html: str


def _config():
    from trafilatura.settings import use_config

    config = use_config()  # the file shipped with the package: no network, no user file
    # Its per-call timeout is a SIGALRM that only works in the main thread; our fetch threads
    # and worker processes must not depend on it.
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    # Short texts are what wire briefs are: keep them.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "100")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    return config


_CONFIG = None


# What lxml.html.fromstring, which trafilatura parses a page's text with, takes for a whole
# document: any other text is read as a fragment (a lone element, or a <div>), not a page.
_WHOLE_PAGE = re.compile(r"^\s*<(?:html|!doctype)", re.I)
# A self-closing <html/> near the top, which trafilatura rewrites before it parses.
_SELF_CLOSED_HTML = re.compile(r"<html[^\n]*/>\s*$", re.I | re.M)


def main_text(page_text: str, root=None) -> EngineText | None:
    """trafilatura's article text of ``page_text`` (a decoded HTML page), or ``None``.

    ``root`` is the page's tree as :func:`normalize.page.dom._tree` parsed ``page_text``, not yet
    changed: trafilatura then works on its own copy of it (``bare_extraction`` copies a tree it
    is handed) instead of parsing the text again, a tenth of its cost. Its own parse gives the
    same tree for a whole document (every page of the development corpus, serialized alike);
    a text lxml reads as a fragment, or one trafilatura repairs first, is handed as text.
    The fast path (``fast=True``: no readability/jusText fallback) keeps the cost near half of
    a default ``extract()``; our own container search is the second opinion instead.
    Never raises: an engine failure is logged and gives ``None``.
    """
    global _CONFIG
    if not page_text or len(page_text) > _MAX_CHARS:
        return None
    source = page_text
    if root is not None and _WHOLE_PAGE.match(page_text) \
            and not _SELF_CLOSED_HTML.search(page_text[:4096]):
        source = root
    try:
        if _CONFIG is None:
            _CONFIG = _config()
        result = _extract_html(source)
    except Exception as exc:  # a library bug on odd markup must not lose the page
        log.warning("trafilatura failed on a page: %s", exc)
        return None
    if not result:
        return None
    return EngineText(html=_inner_body(result))


def _extract_html(page_text) -> str | None:
    """``trafilatura.extract(page_text, output_format="html", ...)`` with our options, less
    the document fingerprint (a hash of the whole text, ~5% of a page's time here) that
    ``extract`` computes for every non-text format and the HTML output never shows: the same
    two steps ``extract`` takes, ``bare_extraction`` then ``determine_returnstring``. Where a
    trafilatura release lacks them, ``extract`` itself. ``page_text`` is the page's text or its
    parsed tree (which trafilatura copies, never changes)."""
    try:
        from trafilatura.core import Document, bare_extraction, determine_returnstring
        from trafilatura.settings import Extractor
    except ImportError:
        return extract_public(page_text)
    options = Extractor(config=_CONFIG, output_format="html", fast=True, comments=False,
                        formatting=True, links=True, images=False, tables=True, dedup=False,
                        with_metadata=False)
    document = bare_extraction(page_text, options=options, as_dict=False)
    if not document or not isinstance(document, Document):
        return None
    return determine_returnstring(document, options)


def extract_public(page_text: str) -> str | None:
    """The same extraction through trafilatura's documented ``extract`` (the fallback, and the
    reference a test holds :func:`_extract_html` to)."""
    import trafilatura

    return trafilatura.extract(
        page_text, output_format="html", fast=True, include_comments=False,
        include_tables=True, include_images=False, include_links=True,
        include_formatting=True, deduplicate=False, with_metadata=False, config=_CONFIG,
    )


def _inner_body(document: str) -> str:
    """The blocks inside trafilatura's ``<html><body>`` wrapper."""
    match = re.search(r"<body[^>]*>(.*)</body>", document, re.S | re.I)
    return (match.group(1) if match else document).strip()


#: The languages dateparser tries on a date htmldate's own patterns cannot read (its last
#: resort): the editions' and the other common languages of news. htmldate has it try all of
#: its ~200, and the first such date in a process then compiled every one's word patterns:
#: ~1.7 s of CPU, against ~0.45 s for these (bench/README.md).
DATE_LANGUAGES = ("en", "fr", "es", "de", "pt", "it", "nl", "ca", "ru", "uk", "pl", "cs",
                  "hu", "ro", "el", "tr", "sv", "da", "nb", "fi", "ar", "hi", "id", "ja", "zh",
                  "ko")


@lru_cache(maxsize=1)
def _external_parser():
    """dateparser's parser with htmldate's settings (``htmldate.extractors.
    get_external_parser``) but :data:`DATE_LANGUAGES`."""
    from dateparser import DateDataParser

    return DateDataParser(languages=list(DATE_LANGUAGES), settings={
        "NORMALIZE": True, "PARSERS": ["custom-formats", "absolute-time"],
        "PREFER_DATES_FROM": "past", "PREFER_LOCALE_DATE_ORDER": True,
        "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True,
    })


def _use_our_date_parser() -> None:
    """Have htmldate's extensive search parse with :func:`_external_parser`: htmldate looks
    its parser up by this module-level name on each call."""
    from htmldate import extractors

    if hasattr(extractors, "get_external_parser"):
        extractors.get_external_parser = _external_parser


def page_date(root) -> datetime | None:
    """htmldate's publication date of a parsed page, as UTC midnight: its quick search, else
    its extensive one (dates in the text, as trafilatura does by default), whose January 1st
    is dropped: that is a bare year, a copyright line's, not a publication day."""
    try:
        from htmldate import find_date

        found = find_date(root, extensive_search=False, original_date=True,
                          outputformat="%Y-%m-%d")
        if not found:
            # Development corpus: 22 labelled pages more get their day, none loses it, 9 get
            # a wrong one; without the January 1st rule, 40 unlabelled ones more got a year.
            _use_our_date_parser()
            found = find_date(root, extensive_search=True, original_date=True,
                              outputformat="%Y-%m-%d")
            if found and found.endswith("-01-01"):
                found = None
    except Exception as exc:
        log.warning("htmldate failed on a page: %s", exc)
        return None
    if not found:
        return None
    try:
        return datetime.strptime(found, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def absolute_links(html: str, base: str | None) -> str:
    """``html`` with its links made absolute against ``base`` (trafilatura keeps them as
    written; a feed reader far from the page needs them whole)."""
    if not base or not html or "href" not in html:
        return html
    try:
        box = lxml_html.fragment_fromstring(html, create_parent="div")
        box.make_links_absolute(base, resolve_base_href=False, handle_failures="ignore")
    except (etree.ParserError, ValueError):
        return html
    return (box.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in box)


#: What the attributes trafilatura's author reading selects by (class, id, itemprop, rel,
#: data-testid, data-component) must hold, folded, for it to find anything: its XPaths match
#: "author", "byline" and "byl", "writer", "username", "screenname", "submitted-by",
#: "posted-by", "journalist-name", "channel-name" and Chinese editors' pinyin, or an
#: ``<author>``/``<rel>`` element. A test holds the guard to the library on every page fixture.
_AUTHOR_WORDS = ("author", "byl", "bbl", "writer", "username", "screenname", "submitted-by",
                 "posted-by", "journalist-name", "channel-name", "zuozhe", "bianji",
                 "xiaobian")
_AUTHOR_ATTRIBUTES = etree.XPath(
    "//@class|//@id|//@itemprop|//@rel|//@data-testid|//@data-component", smart_strings=False)
_AUTHOR_ELEMENTS = etree.XPath("boolean(//author|//rel)")


def may_name_authors(root) -> bool:
    """Whether trafilatura's author reading may find a name in ``root``: its XPaths evaluate
    a regular expression in Python for each element's class and id, ~5-10 ms a page, for
    nothing on the pages whose attributes name no author (over half of those it is asked)."""
    if _AUTHOR_ELEMENTS(root):
        return True
    names = " ".join(_AUTHOR_ATTRIBUTES(root)).lower()
    return any(word in names for word in _AUTHOR_WORDS)


def page_authors(root) -> tuple[str, ...]:
    """trafilatura's byline reading of a parsed page (its own copy is pruned), split at ``;``."""
    if not may_name_authors(root):
        return ()
    try:
        from trafilatura.metadata import extract_author

        found = extract_author(root)
    except Exception as exc:
        log.warning("trafilatura's author reading failed on a page: %s", exc)
        return ()
    names = tuple(a.strip() for a in (found or "").split(";") if a.strip())
    if not all(name.isascii() for name in names):
        names = tuple(name if name.isascii() else _with_marks(name, root) for name in names)
    return names


def _with_marks(name: str, root) -> str:
    """The name with the combining marks the page prints right after it.

    trafilatura trims what ends a name outside ``\\w``, and Python's ``\\w`` does not take a
    combining mark: a Devanagari, Bengali or Tamil name ending in a vowel sign ("ब्यूरो") comes
    back without it ("ब्यूर"). The marks are read back from the page's text (its bylines) or
    from the values of its meta tags, where trafilatura found the name."""
    texts = [t for t in root.itertext() if name in t]
    texts += [v for v in root.xpath("//meta/@content") if name in v]
    for text in texts:
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            tail = end
            while tail < len(text) and unicodedata.category(text[tail]).startswith("M"):
                tail += 1
            if tail > end:
                return name + text[end:tail]
            at = text.find(name, at + 1)
    return name
