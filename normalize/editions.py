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
from functools import cached_property, lru_cache
from typing import Iterable, Sequence

from normalize.model import Article

LEAD_CHARS = 400


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


def _rule_matches(rule, article: Article, folded: _Folded) -> str | None:
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
