"""Agency conventions in the text, made structure: bylines, dateline, agency line, photo credits.

:func:`enrich` runs after a format parser and before language detection. It only reads the
record, so every parser gets the same treatment and none has to know the conventions:

- ``authors``: each entry is read as a byline (:func:`normalize.bylines.parse_byline`); the
  persons stay, an agency named there moves to ``agency`` when that is empty. A byline that
  names an agency and no person ("By AFP", "Por Agencia EFE") leaves the agency as the author
  too, as the agency's own item and a news page's metadata (``"author": "Reuters"``) name it:
  without it the item would name no author at all (a photo agency is only ever a credit).
  A company (a name ending in a legal form, "Media Group") is the publisher, no author, beside
  persons or alone (an association, "e.V.", alone signs its own releases). A newsroom's credit
  ("Redaktion", "Staff Writer", "BWW News Desk") is no person either: it stays the author only
  of a record that names no person and no agency anywhere (its bylines, dateline, agency line),
  as the publisher printed it without its label ("By Staff" gives "Staff"): that is whom the
  publisher credits, and a reader shows it.
- ``body_html``/``body_text``: a closing agency line (``Source: (EUROPA PRESS)``) is taken out
  (:func:`normalize.datelines.split_agency_line`); it fills ``credit`` and ``agency`` when they
  are empty. ``body_text`` is re-derived from the new ``body_html`` with
  :func:`normalize.text.html_to_text`, so the two never disagree.
- ``dateline``: when absent, read from the body's first line
  (:func:`normalize.datelines.find_dateline`); the body keeps it (readers see it). Its agency is
  the last fallback for ``agency``.
- ``images``: a caption loses its leading archive label and its trailing credit
  (:func:`normalize.credits.split_caption`); the credit found fills an empty ``credit``. A
  credit with only ``text`` gets photographer, source and supplier (``parse_credit``).

Pure and idempotent: ``enrich(enrich(a)) == enrich(a)``.
"""

from __future__ import annotations

import dataclasses
import logging
import operator
import re

from normalize.agencies import PHOTO_AGENCIES, canonical_agency
from normalize.bylines import BYLINE_LABEL, is_company, is_newsroom, parse_byline, strip_label
from normalize.credits import parse_credit, split_caption
from normalize.datelines import find_dateline, split_agency_line
from normalize.model import Article, Dateline, Image
from normalize.text import html_to_text

logger = logging.getLogger(__name__)


def enrich(article: Article) -> Article:
    """Return ``article`` with bylines, dateline, agency credit and image credits structured.

    In: a parsed record. Out: a new record (the input is unchanged); fields already set by the
    parser (``agency``, ``credit``, ``dateline``, an image's structured credit) are kept.
    Never raises on odd text.
    """
    authors, byline_agency = _read_bylines(article.authors)
    body_html, body_text, line_credit, line_agency = _take_agency_line(article)
    dateline = article.dateline or find_dateline(_first_line(body_text))
    if dateline is not None and not article.dateline:
        dateline, printed = _byline_apart(dateline)
        authors = authors or printed
    agency = (article.agency or byline_agency or line_agency
              or (dateline.agency if dateline else None))
    if not authors and agency is None:
        authors = _newsroom_credit(article.authors)
    images = tuple(map(_enrich_image, article.images))
    # What did not change is kept as the very object, so that the caller can tell an
    # unchanged record by identity (normalize.normalize_changed then keeps its content hash).
    if authors == article.authors and all(type(name) is str for name in article.authors):
        authors = article.authors
    if all(map(operator.is_, images, article.images)):  # (the same length)
        images = article.images
    return article.replace(
        authors=authors,
        agency=agency,
        credit=article.credit or line_credit,
        body_html=body_html,
        body_text=body_text,
        dateline=dateline,
        images=images,
    )


def _read_bylines(entries: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    persons: list[str] = []
    agency = None
    for entry in entries:
        names, named = parse_byline(entry)
        agency = agency or named
        persons.extend(name for name in names if name not in persons)
    if not persons and agency and canonical_agency(agency) not in PHOTO_AGENCIES:
        return (agency,), agency
    # "author": ["mediagene Inc.", "Jane Doe"]: the publishing company beside its writers.
    if any(not is_company(p) for p in persons):
        persons = [p for p in persons if not is_company(p)]
    # Alone ("Harbour Media GmbH"), a business is the site's publisher, no writer; an
    # association ("Hafenverein e.V.") signs its own releases.
    elif not any(_ASSOCIATION.search(p) for p in persons):
        persons = []
    return tuple(persons), agency


_ASSOCIATION = re.compile(r"\be\.\s?V\.?$")


def _newsroom_credit(entries: tuple[str, ...]) -> tuple[str, ...]:
    """The first byline of ``entries`` that credits a newsroom and names no person nor agency
    ("Redaktion", "By Staff" as "Staff"), alone, or ``()``."""
    for entry in entries:
        if isinstance(entry, str) and is_newsroom(entry) and parse_byline(entry) == ((), None):
            credit = strip_label(entry).strip()
            if credit:
                return (credit,)
    return ()


def _byline_apart(dateline: Dateline) -> tuple[Dateline, tuple[str, ...]]:
    """A dateline whose place opens with the writer's byline ("By Jane Doe, SINGAPORE (Reuters)
    -", as sites that run wire copy print it) without it, and the persons it names."""
    byline, comma, place = (dateline.place or "").rpartition(", ")
    persons = parse_byline(byline)[0] if comma and BYLINE_LABEL.match(byline) else ()
    if not persons or not place:
        return dateline, ()
    text = dateline.text[dateline.text.index(place, len(byline)):]
    return dataclasses.replace(dateline, text=text, place=place), persons


def _take_agency_line(article: Article) -> tuple[str, str, str | None, str | None]:
    """Return ``(body_html, body_text, credit, agency)`` with the closing agency line removed."""
    if article.body_html:
        html, credit, agency = split_agency_line(article.body_html)
        if credit is None:
            return article.body_html, article.body_text, None, None
        return html, html_to_text(html), credit, agency
    # A text-only body (some NITF and ninjs items): its last line is the candidate.
    text, credit, agency = split_agency_line(article.body_text)
    if credit is None:
        return "", article.body_text, None, None
    return "", text.rstrip(), credit, agency


def _first_line(text: str) -> str:
    """Return the first line of ``text`` that is not blank, without its leading white space."""
    # Every line end str.splitlines() knows is white space, and all but "\n" are unprintable.
    text = text.lstrip()
    end = text.find("\n")
    line = text if end < 0 else text[:end]
    return line if line.isprintable() else line.splitlines()[0]


def _enrich_image(image: Image) -> Image:
    caption, found = split_caption(image.caption)
    credit = image.credit
    if credit is None:
        credit = found
    elif credit.photographer is None and credit.source is None and credit.supplier is None:
        credit = parse_credit(credit.text) or credit
    if (caption, credit) == (image.caption, image.credit):
        return image
    return dataclasses.replace(image, caption=caption, credit=credit)
