"""Edition routing: which regional editions an article belongs to, and why.

Order, each step seeing the result of the one before:

1. the article's language selects every edition that publishes it;
2. a source's ``editions = [...]`` pins the set, its ``exclude_editions`` removes from it;
3. ``[[rules]]`` run in file order: when all of a rule's conditions match (source, section,
   agency, keyword, place, language), ``only`` replaces the set, ``add`` and ``remove`` adjust it.

Place comes from the dateline first, then the lead (the first few hundred characters of the
body). Every edition in the result carries a reason, kept on the record and shown by
``ingest show``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Sequence

from normalize.model import Article

LEAD_CHARS = 400


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: 'México' and 'mexico' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def _word_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(_fold(term)) + r"(?!\w)")


def _mentions(haystack: str, terms: Iterable[str]) -> str | None:
    """Return the first of ``terms`` found as a whole word in the folded ``haystack``."""
    for term in terms:
        if _word_pattern(term).search(haystack):
            return term
    return None


def _rule_matches(rule, article: Article, dateline_place: str, lead: str) -> str | None:
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
        wanted = {_fold(s) for s in rule.section}
        hit = next((s for s in article.sections if _fold(s) in wanted), None)
        if hit is None:
            return None
        why.append(f"section {hit}")
    if rule.agency:
        wanted = {_fold(a) for a in rule.agency}
        if not article.agency or _fold(article.agency) not in wanted:
            return None
        why.append(f"agency {article.agency}")
    if rule.keyword:
        text = _fold(" ".join(filter(None, (article.title, article.summary, lead))))
        hit = _mentions(text, rule.keyword)
        if hit is None:
            return None
        why.append(f"keyword {hit!r}")
    if rule.place:
        hit = _mentions(dateline_place, rule.place)
        where = "dateline"
        if hit is None:
            hit = _mentions(lead, rule.place)
            where = "lead"
        if hit is None:
            return None
        why.append(f"place {hit!r} in {where}")
    return ", ".join(why) or "always"


def route(article: Article, editions: Sequence, source=None, rules: Sequence = ()) -> Article:
    """Return ``article`` with ``editions`` and ``edition_reasons`` decided.

    ``editions`` are the configured :class:`ingest.config.Edition` values (in file order, which is
    the order of the result), ``source`` the item's :class:`ingest.config.Source` (or ``None``),
    ``rules`` the :class:`ingest.config.Rule` list. Pure; never raises for odd records.
    """
    chosen: dict[str, str] = {}
    for edition in editions:
        if article.language and article.language in edition.languages:
            chosen[edition.id] = f"language {article.language}"
    if source is not None:
        if source.editions:
            chosen = {e: f"pinned by source {source.id}" for e in source.editions}
        for edition_id in source.exclude_editions:
            chosen.pop(edition_id, None)
    dateline_place = _fold(article.dateline.place or article.dateline.text) if article.dateline else ""
    lead = _fold((article.body_text or "")[:LEAD_CHARS])
    for rule in rules:
        why = _rule_matches(rule, article, dateline_place, lead)
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
    return article.replace(editions=tuple(ids), edition_reasons=tuple((e, chosen[e]) for e in ids))


def finish_records(articles: Iterable[Article], source, editions: Sequence,
                   rules: Sequence = ()) -> list[Article]:
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
