"""Edition routing: which regional editions an article belongs to, and why.

Order, each step seeing the result of the one before:

1. **Countries** (:func:`locate`): the countries the item is about, most relevant first, from its
   evidence, strongest first: agency geo metadata (NewsML-G2 ``located`` and geo subjects, ninjs
   ``places``, NITF ``location``/``evloc``), the dateline place, places, demonyms and national
   institutions in the headline and the lead (:mod:`normalize.places`), and, for an item that
   names no place, its source's ``country``.
2. **Geography** (:func:`route`): a *local* item (one country) goes to the editions of its
   language whose ``country`` is that country and to those that ``cover`` it (Latino covers
   Latin America), and, from a national source (a ``country`` on the source) about another
   country, to its source's country's editions as well; an *international* item (several countries of comparable weight,
   supranational bodies, or a country no edition of its language serves) goes to every edition
   of its language. An item that names no place and whose source declares no country goes to
   every edition of its language too. An edition without a country (the Global Edition) thus
   takes what is international in its language, and no local item: a reader of the Global
   Edition sees the world news, a reader of "Australia" its local news as well.
3. A source's ``editions = [...]`` pins the set, its ``exclude_editions`` removes from it.
4. ``[[rules]]`` run in file order: when all of a rule's conditions match (source, section,
   agency, keyword, place, language), ``only`` replaces the set, ``add`` and ``remove`` adjust it.

Evidence that disagrees (metadata says Geneva, the dateline Paris) is routed by the strongest and
the disagreement is written into the reason; an item is never dropped for it. Every edition in
the result carries a reason naming the evidence, kept on the record and shown by ``ingest show``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Iterable, Sequence

from normalize import places
from normalize.model import Article, NoteKind, note_texts

LEAD_CHARS = 400

# Evidence kinds, strongest first, and the weight one piece of each adds to its country.
EVIDENCE_METADATA = "metadata"
EVIDENCE_DATELINE = "dateline"
EVIDENCE_HEADLINE = "headline"
EVIDENCE_LEAD = "lead"
EVIDENCE_SOURCE = "source"
WEIGHTS = {EVIDENCE_METADATA: 10.0, EVIDENCE_DATELINE: 6.0, EVIDENCE_HEADLINE: 3.0,
           EVIDENCE_LEAD: 1.5, EVIDENCE_SOURCE: 1.0}
#: Mentions of one country counted per field: a lead listing five Spanish cities is about Spain,
#: not five times more than a headline naming France.
_MAX_MENTIONS = {EVIDENCE_HEADLINE: 2, EVIDENCE_LEAD: 3}
#: A second country (or the supranational bodies) at this share of the first's weight makes
#: the item international.
COMPARABLE = 0.8
BODIES_SHARE = 0.5
#: The country a language's wire names most: it breaks ties between namesakes ("Valencia" in a
#: Spanish item is in Spain, not Venezuela) when neither the source nor a dateline says.
_HOME = {"es": "ES", "fr": "FR", "de": "DE", "it": "IT"}


@dataclass(frozen=True)
class Edition:
    """A regional edition: feeds live under ``<feeds>/<id>/``.

    ``country`` (ISO 3166-1 alpha-2) is the country it is the edition of; ``covers`` the other
    countries whose local news it carries (Latino: the Latin American countries).
    """

    id: str
    name: str
    languages: tuple[str, ...]
    country: str | None = None
    covers: tuple[str, ...] = ()

    def serves(self, country: str) -> bool:
        """Whether local news of ``country`` belongs in this edition."""
        return country == self.country or country in self.covers


@dataclass(frozen=True)
class Rule:
    """An edition routing rule: when every given condition matches, apply the actions."""

    index: int
    source: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    agency: tuple[str, ...] = ()
    keyword: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    name: str | None = None

    @property
    def label(self) -> str:
        """A short human name for the rule, used in routing reasons."""
        return self.name or f"rule #{self.index}"


@dataclass(frozen=True)
class SourceRouting:
    """What routing needs to know of a source (``ingest.config.Source.routing`` builds it)."""

    id: str
    agency: str | None = None
    sections: tuple[str, ...] = ()
    editions: tuple[str, ...] = ()
    exclude_editions: tuple[str, ...] = ()
    country: str | None = None


@dataclass(frozen=True)
class Evidence:
    """One reason to think an item is about a country (or a supranational ``body``)."""

    country: str
    kind: str
    name: str
    weight: float
    body: str = ""

    def describe(self) -> str:
        what = self.body or self.country
        return f"{self.kind} {self.name!r} {what}"


@dataclass(frozen=True)
class Location:
    """What :func:`locate` found: the countries, most relevant first, and whether the item is
    international (``international`` says why), with the evidence and any conflict."""

    countries: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    international: str | None = None
    conflict: str | None = None

    def summary(self, limit: int = 4) -> str:
        """The evidence in a few words, strongest first, for routing reasons."""
        shown = [e.describe() for e in self.evidence[:limit]]
        if len(self.evidence) > limit:
            shown.append(f"+{len(self.evidence) - limit} more")
        return ", ".join(shown)


_ISO_QCODE = re.compile(r"(?:iso3166-1a2|iso3166|country|ctry|cntry)[:/]([A-Za-z]{2})$", re.I)
_GEONAMES_QCODE = re.compile(r"(?:geo|geonames|gn)[:/](\d+)$", re.I)


def country_of_code(code: str) -> str | None:
    """An ISO 3166-1 alpha-2 code in a metadata code ("CH", "iso3166-1a2:CH"), or ``None``."""
    code = code.strip()
    match = _ISO_QCODE.search(code)
    candidate = (match.group(1) if match else code).upper()
    if len(candidate) == 2 and candidate in places.country_codes():
        return candidate
    return None


def _metadata_evidence(article: Article, prefer: list[str]) -> list[Evidence]:
    gaz = None
    found = []
    for value in note_texts(article.extra, NoteKind.GEO):
        label, _, rest = value.partition("\t")
        code, _, name = rest.partition("\t")
        country = country_of_code(code) if code else None
        if country is None and code and (match := _GEONAMES_QCODE.search(code)):
            gaz = gaz or places.gazetteer()
            country = gaz.geonames.get(int(match.group(1)))
        if country is None and name:
            gaz = gaz or places.gazetteer()
            place = gaz.find_place(name, prefer)
            if place is not None and place.country:
                country = place.country
        if country:
            found.append(Evidence(country, EVIDENCE_METADATA, f"{label} {name or code}".strip(),
                                  WEIGHTS[EVIDENCE_METADATA]))
    return found


def _lead(article: Article) -> str:
    body = article.body_text or ""
    dateline = article.dateline
    if dateline and dateline.text:
        # the dateline is evidence of its own: do not count its place again as a mention
        at = body.find(dateline.text, 0, len(dateline.text) + 40)
        if at >= 0:
            body = body[at + len(dateline.text):]
    lead = body[:LEAD_CHARS]
    summary = article.summary
    if summary and len(summary) <= LEAD_CHARS and (article.body_text or "").startswith(summary):
        # A description cut from the body's start (most agency feeds) says nothing the lead
        # does not, but its dateline again and maybe a word cut in two ("Paris" of "Parisian").
        return lead
    return f"{summary}\n{lead}" if summary else lead


def locate(article: Article, source_country: str | None = None) -> Location:
    """The countries ``article`` is about, most relevant first, with the evidence. Pure."""
    prefer: list[str] = [c for c in (source_country, _HOME.get(article.language or "")) if c]
    evidence = _metadata_evidence(article, prefer)
    prefer[:0] = [e.country for e in evidence]
    gaz = places.gazetteer()
    dateline = article.dateline
    if dateline and (dateline.place or dateline.text):
        place = gaz.find_place(dateline.place or dateline.text, prefer)
        if place is not None and place.country:
            evidence.append(Evidence(place.country, EVIDENCE_DATELINE,
                                     dateline.place or dateline.text, WEIGHTS[EVIDENCE_DATELINE]))
            prefer.insert(0, place.country)
    mentions: list[tuple[str, places.Mention]] = []
    for kind, text in ((EVIDENCE_HEADLINE, article.title), (EVIDENCE_LEAD, _lead(article))):
        if text:
            mentions.extend((kind, m) for m in gaz.find_mentions(text, prefer))
    backed = {e.country for e in evidence} | {
        m.place.country for _, m in mentions if not m.common_word}
    counted: dict[tuple[str, str], int] = defaultdict(int)
    seen: set[tuple[str, str, str]] = set()
    for kind, mention in mentions:
        place = mention.place
        if mention.common_word and place.country not in backed:
            continue  # "Nice" with nothing else about France is an adjective
        what = place.body or place.country
        mark = (kind, what, places.fold(mention.text))
        if mark in seen or counted[(kind, what)] >= _MAX_MENTIONS[kind]:
            continue
        seen.add(mark)
        counted[(kind, what)] += 1
        evidence.append(Evidence(place.country, kind, mention.text, WEIGHTS[kind], place.body))
    if not evidence and source_country:
        evidence.append(Evidence(source_country, EVIDENCE_SOURCE, "source country",
                                 WEIGHTS[EVIDENCE_SOURCE]))
    return _weigh(evidence)


def _weigh(evidence: list[Evidence]) -> Location:
    """Turn the evidence into countries, an international verdict and a conflict note."""
    if not evidence:
        return Location()
    scores: dict[str, float] = defaultdict(float)
    bodies: dict[str, float] = defaultdict(float)
    for item in evidence:
        if item.body:
            bodies[item.body] += item.weight
        else:
            scores[item.country] += item.weight
    # the strongest kind of evidence present decides the main country; weaker kinds that
    # disagree with it are a conflict (metadata against dateline) or a second subject (text)
    order = list(WEIGHTS)
    anchor = min((order.index(e.kind) for e in evidence if not e.body), default=None)
    countries = tuple(sorted(scores, key=lambda c: -scores[c]))
    ranked = sorted(evidence, key=lambda e: (order.index(e.kind), -scores.get(e.country, 0)))
    if anchor is None:
        return Location((), tuple(ranked), "supranational " + ", ".join(bodies))
    anchor_kind = order[anchor]
    anchored = [e for e in evidence if e.kind == anchor_kind and not e.body]
    anchor_scores: dict[str, float] = defaultdict(float)
    for item in anchored:
        anchor_scores[item.country] += item.weight
    main = max(anchor_scores, key=lambda c: (anchor_scores[c], scores[c]))
    countries = (main,) + tuple(c for c in countries if c != main)
    conflict = None
    if anchor_kind == EVIDENCE_METADATA:
        disagreeing = [e for e in evidence if e.kind == EVIDENCE_DATELINE and e.country != main]
        if disagreeing and main not in {e.country for e in evidence if e.kind == EVIDENCE_DATELINE}:
            other = disagreeing[0]
            conflict = (f"dateline {other.name!r} ({other.country}) disagrees with the agency "
                        f"metadata ({main}): routed by the metadata")
    # comparable weight: within the deciding kind; or a country in the headline that the
    # headline and lead name about as much as the main one ("WASHINGTON - U.S. and North Korea
    # ..." is world news, whatever the dateline); or, outside the headline, against all that
    # speaks for the main country
    text_scores: dict[str, float] = defaultdict(float)
    for item in evidence:
        if item.kind in (EVIDENCE_HEADLINE, EVIDENCE_LEAD) and not item.body:
            text_scores[item.country] += item.weight
    headline = {e.country for e in evidence if e.kind == EVIDENCE_HEADLINE and not e.body}
    rivals = [c for c in countries[1:]
              if anchor_scores.get(c, 0) >= COMPARABLE * anchor_scores[main]
              or text_scores.get(c, 0) >= COMPARABLE * scores[main]
              or (c in headline and text_scores[c] >= COMPARABLE * text_scores.get(main, 0))]
    international = None
    if rivals:
        international = "several countries " + ", ".join((main, *rivals))
    elif bodies and sum(bodies.values()) >= BODIES_SHARE * scores[main]:
        international = "supranational " + ", ".join(bodies)
    return Location(countries, tuple(ranked), international, conflict)


# -- rules ----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: 'México' and 'mexico' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():  # no combining marks to drop
        return decomposed
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def _word_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(_fold(term)) + r"(?!\w)")


@lru_cache(maxsize=4096)
def _fold_term(term: str) -> str:
    """:func:`_fold` for the short values rules and records repeat (sections, agencies)."""
    return _fold(term)


class _Folded:
    """The folded texts of one article that rules look words up in, each folded on first use:
    most rules stop at a cheaper condition (source, language) and need none of them."""

    def __init__(self, article: Article):
        self.article = article

    @cached_property
    def place(self) -> str:
        dateline = self.article.dateline
        return _fold(dateline.place or dateline.text) if dateline else ""

    @cached_property
    def lead(self) -> str:
        return _fold((self.article.body_text or "")[:LEAD_CHARS])

    @cached_property
    def keyword_text(self) -> str:
        article = self.article
        return _fold(" ".join(filter(None, (article.title, article.summary, self.lead))))


def _mentions(haystack: str, terms: Iterable[str]) -> str | None:
    """Return the first of ``terms`` found as a whole word in the folded ``haystack``."""
    for term in terms:
        if _word_pattern(term).search(haystack):
            return term
    return None


def _rule_matches(rule: Rule, article: Article, folded: _Folded) -> str | None:
    """Return a short description of why ``rule`` matches, or ``None``."""
    why = []
    if rule.source:
        if article.source not in rule.source:
            return None
        why.append(f"source {article.source}")
    if rule.language:
        if article.language not in rule.language:
            return None
        why.append(f"language {article.language}")
    if rule.section:
        wanted = {_fold_term(s) for s in rule.section}
        hit = next((s for s in article.sections if _fold_term(s) in wanted), None)
        if hit is None:
            return None
        why.append(f"section {hit}")
    if rule.agency:
        wanted = {_fold_term(a) for a in rule.agency}
        if not article.agency or _fold_term(article.agency) not in wanted:
            return None
        why.append(f"agency {article.agency}")
    if rule.keyword:
        hit = _mentions(folded.keyword_text, rule.keyword)
        if hit is None:
            return None
        why.append(f"keyword {hit!r}")
    if rule.place:
        hit = _mentions(folded.place, rule.place)
        where = "dateline"
        if hit is None:
            hit = _mentions(folded.lead, rule.place)
            where = "lead"
        if hit is None:
            return None
        why.append(f"place {hit!r} in {where}")
    return ", ".join(why) or "always"


# -- routing --------------------------------------------------------------------------------


def geographic_editions(article: Article, location: Location, editions: Sequence[Edition],
                        source_country: str | None = None) -> dict[str, str]:
    """Edition id -> reason for ``article`` by its language and ``location`` (step 2).

    A national source's item (``source_country``) about another country's local news also
    stays in its own country's editions: its editors chose it for their readers."""
    language = article.language
    mine = [e for e in editions if language and language in e.languages]
    if not mine:
        return {}
    if not location.countries and not location.international:
        return {e.id: f"language {language} (no place named)" for e in mine}
    evidence = location.summary()
    conflict = f"; conflict: {location.conflict}" if location.conflict else ""
    international = location.international
    main = location.countries[0] if location.countries else None
    serving = [e for e in mine if main and e.serves(main)] if not international else []
    if not serving:
        why = international or f"no {language} edition serves {main}"
        return {e.id: f"international ({why}): {evidence}{conflict}" for e in mine}
    chosen = {e.id: (f"local {main}: {evidence}{conflict}" if e.country == main
                     else f"covers {main}: {evidence}{conflict}") for e in serving}
    if source_country and source_country != main:
        for edition in mine:
            if edition.serves(source_country):
                chosen.setdefault(edition.id, f"source country {source_country} (item local to "
                                              f"{main}: {evidence}){conflict}")
    return chosen


def route(article: Article, editions: Sequence[Edition], source: SourceRouting | None = None,
          rules: Sequence[Rule] = ()) -> Article:
    """Return ``article`` with ``countries``, ``editions`` and ``edition_reasons`` decided.

    ``editions`` are the configured :class:`Edition` values (in file order, which is the order
    of the result), ``source`` the item's :class:`SourceRouting` (or anything with its fields,
    or ``None``), ``rules`` the :class:`Rule` list. Pure; never raises for odd records.
    """
    source_country = getattr(source, "country", None) if source is not None else None
    location = locate(article, source_country)
    chosen = geographic_editions(article, location, editions, source_country)
    if source is not None:
        if source.editions:
            chosen = {e: f"pinned by source {source.id}" for e in source.editions}
        for edition_id in source.exclude_editions:
            chosen.pop(edition_id, None)
    folded = _Folded(article)
    for rule in rules:
        why = _rule_matches(rule, article, folded)
        if why is None:
            continue
        if rule.only:
            chosen = {e: f"{rule.label} (only): {why}" for e in rule.only}
        for edition_id in rule.add:
            chosen.setdefault(edition_id, f"{rule.label} (add): {why}")
        for edition_id in rule.remove:
            chosen.pop(edition_id, None)
    order = {edition.id: index for index, edition in enumerate(editions)}
    ids = sorted(chosen, key=lambda e: order.get(e, len(order)))
    return article.replace(countries=location.countries, editions=tuple(ids),
                           edition_reasons=tuple((e, chosen[e]) for e in ids))


def finish_records(articles: Iterable[Article], source: SourceRouting,
                   editions: Sequence[Edition], rules: Sequence[Rule] = ()) -> list[Article]:
    """Apply ``source``'s defaults (its agency when a record names none, its sections first)
    and :func:`route` every record. Pure, so it can run in the normalization workers."""
    finished = []
    for article in articles:
        if source.agency and not article.agency:
            article = article.replace(agency=source.agency)
        if source.sections:
            article = article.replace(
                sections=tuple(dict.fromkeys(source.sections + article.sections)))
        finished.append(route(article, editions, source, rules))
    return finished
