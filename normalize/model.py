"""The records that cross every stage boundary.

One frozen dataclass, :class:`Article` (with :class:`Image`, :class:`Credit`, :class:`Dateline`
and :class:`Related`), travels from the parsers through the archive to the renderers.
Datetimes are timezone-aware UTC, collections are tuples, ``None`` means "absent".
Dicts appear only at the SQLite and JSON edges (:func:`article_to_dict`, :func:`article_from_dict`).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import operator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, NamedTuple

#: Lifecycle states of an article. Only ``usable`` items appear in feeds.
STATUS_USABLE = "usable"
STATUS_WITHDRAWN = "withdrawn"
STATUS_CANCELED = "canceled"
STATUS_EMBARGOED = "embargoed"
#: A fetched page that holds no article (a section front, a paywall stub, an empty body): kept
#: with a one-line ``status_reason`` so the source's history shows it, never shown in feeds.
STATUS_NOT_ARTICLE = "not-article"


@dataclass(frozen=True)
class Credit:
    """A photo credit such as ``-/Kremlin/dpa``: who shot it, for whom, who distributed it."""

    text: str
    photographer: str | None = None
    source: str | None = None
    supplier: str | None = None

    def __repr__(self) -> str:
        # What dataclass writes, less its guard against a record holding itself (these hold
        # only strings, numbers and dates): content hashes are taken over reprs, twice an item.
        return (f"Credit(text={self.text!r}, photographer={self.photographer!r}, "
                f"source={self.source!r}, supplier={self.supplier!r})")


@dataclass(frozen=True)
class Image:
    """One picture of an article, with its caption and credit kept apart."""

    url: str
    caption: str | None = None
    credit: Credit | None = None
    type: str | None = None
    width: int | None = None
    height: int | None = None

    def __repr__(self) -> str:
        # As Credit.__repr__.
        return (f"Image(url={self.url!r}, caption={self.caption!r}, credit={self.credit!r}, "
                f"type={self.type!r}, width={self.width!r}, height={self.height!r})")


@dataclass(frozen=True)
class Dateline:
    """A body-leading dateline such as ``MADRID, 24 Oct. (EUROPA PRESS) -``."""

    text: str
    place: str | None = None
    date_text: str | None = None
    agency: str | None = None

    def __repr__(self) -> str:
        # As Credit.__repr__.
        return (f"Dateline(text={self.text!r}, place={self.place!r}, "
                f"date_text={self.date_text!r}, agency={self.agency!r})")


@dataclass(frozen=True)
class Related:
    """An item listed under an article ("related news"), never part of its body."""

    title: str
    url: str | None = None
    published: datetime | None = None

    def __repr__(self) -> str:
        # As Credit.__repr__.
        return f"Related(title={self.title!r}, url={self.url!r}, published={self.published!r})"


class NoteKind(enum.StrEnum):
    """What a record note (:class:`Note`) says; the value is the key stored and exported."""

    #: pages: which body candidate won and why ("trafilatura: ...").
    BODY = "body"
    #: pages: where the title came from when the page names no headline.
    TITLE = "title"
    #: pages: a keyword and the publisher the page declares.
    KEYWORD = "keyword"
    PUBLISHER = "publisher"
    #: agency formats: urgency, slugline, NewsML-G2 item class, ninjs type.
    URGENCY = "urgency"
    SLUGLINE = "slugline"
    ITEM_CLASS = "itemclass"
    ITEM_TYPE = "type"
    #: agency geo metadata, "label\tcode\tname" (:func:`normalize.places.geo_note`).
    GEO = "geo"
    #: the agency's own item id, shared by the language versions of one story.
    AGENCY_ITEM = "agency_item"
    #: what was repaired or cut on the way in (encoding, limits); collected per source.
    REPAIR = "repair"
    #: why the language is what it is.
    LANGUAGE_REASON = "language_reason"
    #: where a full-text body came from, or why none was used.
    FULLTEXT = "fulltext"
    FULLTEXT_ERROR = "fulltext_error"

    # Written as the plain key: feeds' change dates hash the records' reprs (see Note).
    __repr__ = str.__repr__


class Note(NamedTuple):
    """One note on a record (``Article.extra``): its kind and its text.

    A pair, exported and stored as ``[kind, text]``, and written by repr() as the plain
    ``(kind, text)`` tuple the notes were before they had a type: a feed's change date follows
    a hash of its records' reprs, so another repr would re-date every feed once. A kind this
    version does not know (an older archive's) stays its string.
    """

    kind: NoteKind | str
    text: str

    def __repr__(self) -> str:
        return tuple.__repr__(self)


def make_notes(pairs: Iterable[Iterable[str]] | None) -> tuple[Note, ...]:
    """Return ``[kind, text]`` pairs (a stored or exported record's ``extra``) as notes."""
    known = NoteKind._value2member_map_
    return tuple(Note(known.get(kind, kind), text) for kind, text in pairs or ())


def note_texts(notes: Iterable[Note], kind: NoteKind) -> tuple[str, ...]:
    """Return the texts of the notes of ``kind``, in record order."""
    return tuple(note.text for note in notes if note.kind == kind)


@dataclass(frozen=True)
class Article:
    """One normalized wire item.

    ``id`` is stable for a source's item (source + guid, else link, else content hash) and never
    changes when the headline does. ``language`` is an ISO 639-1 code once normalization has run
    (a parser fills it with the *declared* language, if any). ``editions`` is filled by routing.
    """

    id: str
    guid: str
    source: str
    title: str
    url: str | None = None
    summary: str | None = None
    body_html: str = ""
    body_text: str = ""
    authors: tuple[str, ...] = ()
    dateline: Dateline | None = None
    agency: str | None = None
    credit: str | None = None
    images: tuple[Image, ...] = ()
    related: tuple[Related, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None
    language_method: str | None = None
    #: ISO 3166-1 alpha-2 codes of the countries the item is about, most relevant first
    #: (filled by routing: :func:`normalize.editions.locate`).
    countries: tuple[str, ...] = ()
    editions: tuple[str, ...] = ()
    edition_reasons: tuple[tuple[str, str], ...] = ()
    sections: tuple[str, ...] = ()
    version: int = 1
    status: str = STATUS_USABLE
    status_reason: str | None = None
    embargoed: datetime | None = None
    rights: str | None = None
    content_hash: str = ""
    #: hash of the record as parsed, before wire conventions and language: an item whose parse
    #: hash is already archived is skipped before any further (costly) normalization.
    parse_hash: str = ""
    #: typed notes on the record (:class:`Note`): how it was read, repaired and routed.
    extra: tuple[Note, ...] = field(default=())
    #: for pages: the address the page was fetched from (``url`` is its canonical address).
    fetched_url: str | None = None

    def replace(self, **changes: Any) -> "Article":
        """Return a copy with ``changes`` applied (records are immutable).

        Raises ``TypeError`` for a name that is not a field, as ``dataclasses.replace`` does.
        """
        # The copy takes the field values as they are: __init__ has nothing to compute, and
        # running it (what dataclasses.replace does) costs six times more over 29 fields.
        unknown = changes.keys() - _ARTICLE_FIELDS
        if unknown:
            raise TypeError(f"Article has no field {', '.join(sorted(unknown))}")
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__, **changes)
        return copy


_ARTICLE_FIELDS = frozenset(f.name for f in dataclasses.fields(Article))


# Fields that define "the content changed": a new value here bumps ``version``.
# ``updated``, ``version``, ``editions`` and bookkeeping fields are outcomes, not content.
_CONTENT_FIELDS = (
    "title",
    "url",
    "summary",
    "body_html",
    "authors",
    "dateline",
    "agency",
    "credit",
    "images",
    "related",
    "sections",
    "status",
    "embargoed",
    "rights",
)
#: The values of a record's content fields, in order: what its content hash is taken over.
content_fields = operator.attrgetter(*_CONTENT_FIELDS)


def compute_content_hash(article: Article) -> str:
    """Return a hex SHA-256 over the article's content fields (stable across runs)."""
    # The SHA-256 of repr(tuple of the content fields): repr() of strings, tuples, frozen
    # dataclasses and aware datetimes is stable across runs and Python versions, and three
    # times cheaper than building JSON. It is fed in two parts, the first (up to the body)
    # cached: a record is hashed as parsed and again once finished, mostly with the same body.
    fields = content_fields(article)
    digest = _leading_digest(*fields[:4]).copy()
    digest.update((", ".join(map(repr, fields[4:])) + ")").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@functools.lru_cache(maxsize=2048)  # a document's items (2,000 at most) are parsed first
def _leading_digest(title: str, url: str | None, summary: str | None,
                    body_html: str) -> "hashlib._Hash":
    """SHA-256 state after the text of repr(content fields) up to the body and its comma."""
    leading = f"({title!r}, {url!r}, {summary!r}, {_text_repr(body_html)}, "
    return hashlib.sha256(leading.encode("utf-8", "surrogatepass"))


# The Latin-1 characters repr() does not write as they are: the unprintable ones, the backslash.
_REPR_ESCAPED = bytes(code for code in range(256) if not chr(code).isprintable() or code == 0x5C)


def _text_repr(text: str) -> str:
    """``repr(text)``. A Latin-1 text without a character repr escapes (the bodies of the
    editions' languages but for typographic quotes) is only quoted: its bytes are checked at
    once, where repr reads it character by character, three times slower (bench/README.md)."""
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return repr(text)
    if len(data.translate(None, _REPR_ESCAPED)) != len(data):
        return repr(text)
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "\\'") + "'"


def forget_digests() -> None:
    """Drop the cached leading digests, which hold the text of up to 2,048 parsed items: they
    serve one document's items (hashed as parsed and again once finished), not the next fetch.
    A long-running process calls this between fetches."""
    _leading_digest.cache_clear()


def make_article_id(source: str, key: str) -> str:
    """Return the stable record id for an item of ``source`` identified by ``key``."""
    digest = hashlib.sha256(f"{source}\x00{key}".encode("utf-8")).hexdigest()
    return digest[:20]


def utc(value: datetime | None) -> datetime | None:
    """Return ``value`` as an aware UTC datetime (naive values are taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def isoformat(value: datetime | None) -> str | None:
    """Return an ISO 8601 string with a ``Z`` suffix for a UTC datetime, or ``None``."""
    if value is None:
        return None
    if value.tzinfo is not timezone.utc:
        value = utc(value)
    # In UTC the text always ends in "+00:00" (hot: ~4 calls per stored record).
    return value.isoformat()[:-6] + "Z"


def parse_iso(value: str | None) -> datetime | None:
    """Inverse of :func:`isoformat`."""
    if not value:
        return None
    return utc(datetime.fromisoformat(value.replace("Z", "+00:00")))


_PLAIN = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _jsonable(value: Any) -> Any:
    # Dispatch on the exact type first: this runs for every field of every stored record.
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple or kind is list:
        return [_jsonable(v) for v in value]
    if kind is datetime:
        return isoformat(value)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value):
            return isoformat(value) if isinstance(value, datetime) else value
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    return {name: _jsonable(getattr(value, name)) for name in names}


def article_to_dict(article: Article) -> dict[str, Any]:
    """Return the record as a JSON-ready dict: the export format (``ingest export --jsonl``)."""
    return _jsonable(article)


def _credit(data: dict | None) -> Credit | None:
    return Credit(**data) if data else None


def _image(data: dict) -> Image:
    return Image(**{**data, "credit": _credit(data.get("credit"))})


def _related(data: dict) -> Related:
    return Related(**{**data, "published": parse_iso(data.get("published"))})


def article_from_dict(data: dict[str, Any]) -> Article:
    """Inverse of :func:`article_to_dict`; unknown keys are ignored."""
    known = {f.name for f in dataclasses.fields(Article)}
    values = {k: v for k, v in data.items() if k in known}
    for name in ("published", "updated", "embargoed"):
        values[name] = parse_iso(values.get(name))
    values["dateline"] = Dateline(**values["dateline"]) if values.get("dateline") else None
    values["images"] = tuple(_image(i) for i in values.get("images") or ())
    values["related"] = tuple(_related(r) for r in values.get("related") or ())
    for name in ("authors", "countries", "editions", "sections"):
        values[name] = tuple(values.get(name) or ())
    values["edition_reasons"] = tuple(tuple(pair) for pair in values.get("edition_reasons") or ())
    values["extra"] = make_notes(values.get("extra"))
    return Article(**values)
