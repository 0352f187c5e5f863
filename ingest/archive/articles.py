"""Articles and their versions: records to rows and back, storing a batch, the feed queries."""

from __future__ import annotations

import dataclasses
import functools
import json
import operator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator, Sequence

from ingest.archive.schema import SEARCH_COLUMNS, _NEWEST_USABLE, _bump_change_mark, upsert_sql
from normalize.model import (
    STATUS_CANCELED,
    STATUS_USABLE,
    STATUS_WITHDRAWN,
    Article,
    Dateline,
    article_from_dict,
    isoformat,
    parse_iso,
)
from syndicate.sections import section_slug


@dataclass(frozen=True)
class StoreResult:
    """What :meth:`Archive.store` did with one batch."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    editions: frozenset[str] = frozenset()


def _json_default(value: Any) -> Any:
    # Nested record values, as article_to_dict writes them: the frozen dataclasses of
    # normalize.model (whose __dict__ is exactly their fields) as objects, datetimes in ISO 8601.
    if isinstance(value, datetime):
        return isoformat(value)
    try:
        return vars(value)
    except TypeError:
        raise TypeError(f"cannot store {type(value).__name__} as JSON") from None


#: One encoder for every JSON column and history record (json.dumps with options builds a new
#: encoder per call). Sorted keys keep the text identical to ``json.dumps(article_to_dict(...))``.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_json_default)
_JSON_FIELDS = ("authors", "dateline", "images", "related", "countries", "editions",
                "edition_reasons", "sections", "extra")
#: Article fields in column order, the id first (an UPDATE sets the others ``WHERE id = ?``).
_ARTICLE_FIELDS = ("id", *(f.name for f in dataclasses.fields(Article) if f.name != "id"))
_read_article_fields = operator.attrgetter(*_ARTICLE_FIELDS)


@functools.lru_cache(maxsize=1024)
def _json_of_common(value: tuple | Dateline) -> str:
    """JSON text of a tuple of strings or string pairs, or of a dateline (its fields are
    strings), that recurs from item to item."""
    return _JSON.encode(value)


#: Field -> encoder for the fields not stored as they are (an empty value is stored as NULL).
#: Bylines, datelines, editions, routing reasons and sections come from small sets: their text
#: is reused.
_FIELD_ENCODERS = {
    "authors": _json_of_common, "dateline": _json_of_common, "images": _JSON.encode,
    "related": _JSON.encode, "countries": _json_of_common, "editions": _json_of_common,
    "edition_reasons": _json_of_common, "sections": _json_of_common, "extra": _JSON.encode,
    "published": isoformat, "updated": isoformat, "embargoed": isoformat,
}
#: Where ``published`` is in a record's column values (the memberships repeat its text).
_PUBLISHED = _ARTICLE_FIELDS.index("published")
_ENCODED_FIELDS = tuple((_ARTICLE_FIELDS.index(name), encode)
                        for name, encode in _FIELD_ENCODERS.items())
_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(_ARTICLE_FIELDS)}, first_seen, last_seen, first_fetched) "
    f"VALUES ({', '.join('?' * (len(_ARTICLE_FIELDS) + 3))})")
_INDEX_NEW_ROWS = (
    f"INSERT INTO articles_fts (rowid, {', '.join(SEARCH_COLUMNS)}) "
    f"SELECT rowid, {', '.join(SEARCH_COLUMNS)} FROM articles WHERE rowid > ?")
_REPLACE_HISTORY = upsert_sql("article_history", ("article_id", "version", "replaced_at", "record"))
_UPDATE_ARTICLE = (
    f"UPDATE articles SET {', '.join(f'{name} = ?' for name in _ARTICLE_FIELDS[1:])}, "
    f"last_seen = ? WHERE id = ?")


def _row_to_article(row: dict[str, Any]) -> Article:
    data = dict(row)
    for name in _JSON_FIELDS:
        value = data.get(name)
        data[name] = json.loads(value) if value else None
    return article_from_dict(data)


def _article_values(article: Article) -> list[Any]:
    """The record's column values in ``_ARTICLE_FIELDS`` order (nested values as JSON text)."""
    values = list(_read_article_fields(article))
    for index, encode in _ENCODED_FIELDS:
        value = values[index]
        values[index] = encode(value) if value else None
    return values


@functools.lru_cache(maxsize=1024)
def _edition_reasons(editions: tuple[str, ...], reasons: tuple[tuple[str, str], ...],
                     ) -> tuple[tuple[str, str | None], ...]:
    """(edition, why) for each edition of a record; routing outcomes recur from item to item."""
    why = dict(reasons)
    return tuple((edition, why.get(edition)) for edition in editions)


@functools.lru_cache(maxsize=1024)
def _section_slugs(sections: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(section, slug) for each distinct non-empty slug of a record, the first spelling kept."""
    slugs: dict[str, str] = {}
    for section in sections:
        if (slug := section_slug(section)):
            slugs.setdefault(slug, section)
    return tuple((section, slug) for slug, section in slugs.items())


def _membership_rows(articles: Sequence[Article], published_texts: Sequence[str | None],
                     ) -> tuple[list[tuple], list[tuple]]:
    """The ``article_editions`` and ``article_sections`` rows of ``articles``, whose
    ``published`` columns (as :func:`_article_values` wrote them) are ``published_texts``."""
    editions: list[tuple] = []
    sections: list[tuple] = []
    for article, published in zip(articles, published_texts):
        editions.extend((article.id, edition, published, why) for edition, why
                        in _edition_reasons(article.editions, article.edition_reasons))
        sections.extend((article.id, section, slug, published)
                        for section, slug in _section_slugs(article.sections))
    return editions, sections


@dataclass
class _CountChanges:
    """How a batch changes ``edition_counts``: items gained or lost, newest dates seen, and the
    editions whose newest record may have left (withdrawn, rerouted or redated)."""

    items: dict[str, int] = dataclasses.field(default_factory=dict)
    newest: dict[str, str] = dataclasses.field(default_factory=dict)
    recheck: set[str] = dataclasses.field(default_factory=set)

    def leave(self, row: dict[str, Any]) -> None:
        """An archived row (as read before the batch) is about to be replaced."""
        if row["status"] != STATUS_USABLE or not row["editions"]:
            return
        for edition in json.loads(row["editions"]):
            self.items[edition] = self.items.get(edition, 0) - 1
            self.recheck.add(edition)

    def enter(self, article: Article) -> None:
        """``article`` is written (new, or replacing the row given to :meth:`leave`)."""
        if article.status != STATUS_USABLE:
            return
        published = isoformat(article.published)
        for edition in article.editions:
            self.items[edition] = self.items.get(edition, 0) + 1
            if published > self.newest.get(edition, ""):
                self.newest[edition] = published


#: The shortest id prefix ``find_article`` and ``ingest show`` accept.
MIN_ID_PREFIX = 4


class ArticlesMixin:
    """The ``articles`` tables of :class:`~ingest.archive.Archive` (records, versions,
    memberships, edition counts)."""

    #: The largest rowid before the first new row of the open transaction that the search index
    #: does not hold yet (SQLite, :func:`~ingest.archive.schema.indexes_new_rows`), or ``None``.
    _unindexed_above: int | None = None

    def index_new_rows(self) -> None:
        """Put the rows stored since the open transaction began into the search index, now
        rather than when it commits (:meth:`~ingest.archive.Archive.transaction` calls it
        then). So the stores of one transaction (a commit group's sources) are indexed by one
        statement: FTS5 flushes what it holds at every statement and savepoint, and a
        statement per store cost a third more (bench/README.md)."""
        if self._unindexed_above is not None:
            self.conn.execute(_INDEX_NEW_ROWS, [self._unindexed_above])
            self._unindexed_above = None

    # -- articles -----------------------------------------------------------------------------

    def find_article(self, article_id: str) -> Article | None:
        """Return the record with ``article_id`` (or a unique id prefix of
        :data:`MIN_ID_PREFIX` characters or more), or ``None``."""
        rows = list(self._query("SELECT * FROM articles WHERE id = ?", [article_id]))
        if not rows:
            matches = self.ids_with_prefix(article_id, 2)
            if len(matches) != 1:
                return None
            rows = list(self._query("SELECT * FROM articles WHERE id = ?", matches))
        return _row_to_article(rows[0]) if rows else None

    def ids_with_prefix(self, prefix: str, limit: int = 10) -> list[str]:
        """Up to ``limit`` record ids starting with ``prefix`` (sorted; empty when the prefix is
        shorter than :data:`MIN_ID_PREFIX`)."""
        if len(prefix) < MIN_ID_PREFIX:
            return []
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.conn.execute("SELECT id FROM articles WHERE id LIKE ? ESCAPE '\\' "
                                 "ORDER BY id LIMIT ?", [escaped + "%", limit])
        return [row[0] for row in rows]

    def first_seen(self, article_id: str) -> datetime | None:
        """When the record was first archived (stored)."""
        row = self.conn.execute(
            "SELECT first_seen FROM articles WHERE id = ?", [article_id]).fetchone()
        return parse_iso(row[0]) if row else None

    def first_fetched(self, article_id: str) -> datetime | None:
        """When the run whose fetch first brought the record started."""
        row = self.conn.execute(
            "SELECT first_fetched FROM articles WHERE id = ?", [article_id]).fetchone()
        return parse_iso(row[0]) if row else None

    def history(self, article_id: str) -> list[tuple[datetime | None, Article]]:
        """Earlier versions of a record, oldest first, with the time each was replaced."""
        rows = self.conn.execute(
            "SELECT replaced_at, record FROM article_history WHERE article_id = ? "
            "ORDER BY version, replaced_at", [article_id])
        return [(parse_iso(replaced_at), article_from_dict(json.loads(record)))
                for replaced_at, record in rows]

    def known_hashes(self, source: str) -> dict[str, str]:
        """guid -> content hash of the source's archived records (to skip unchanged items).

        Safe to call from any thread (see :meth:`_reads`), like :meth:`known_parse_hashes`.
        """
        rows = self._reads().execute(
            "SELECT guid, content_hash FROM articles WHERE source = ?", [source])
        return dict(rows.fetchall())

    def known_parse_hashes(self, source: str) -> dict[str, str]:
        """guid -> parse hash of the source's archived records (see ``Article.parse_hash``)."""
        rows = self._reads().execute(
            "SELECT guid, parse_hash FROM articles WHERE source = ? AND parse_hash IS NOT NULL",
            [source])
        return dict(rows.fetchall())

    def store(self, articles: Sequence[Article], now: datetime, *,
              stored_at: datetime | None = None) -> StoreResult:
        """Insert new records, replace changed ones (version + 1, history kept), skip the rest.

        ``now`` is the run's start (``first_fetched``, ``last_seen``, defaults for missing dates);
        new records' ``first_seen`` is ``stored_at``, by default the clock when the transaction
        starts. Runs in one transaction. An incoming record whose explicit ``version`` is lower
        than the archived one is stale and ignored. Returns counts and the editions touched.
        """
        new = updated = unchanged = stale = 0
        touched: set[str] = set()
        stamp = isoformat(now)
        # The batch is decided first, then written with one executemany per table. An item
        # that comes twice in a batch is decided against its first outcome, and only its last
        # outcome is written.
        inserts: dict[str, Article] = {}
        replacements: dict[str, Article] = {}
        history: list[tuple] = []
        with self.transaction():
            stored = isoformat(stored_at or datetime.now(timezone.utc).replace(microsecond=0))
            # One query for the whole batch instead of one per item; rows become records only
            # when an item is already archived.
            archived: dict[str, dict | Article] = {}
            ids = list(dict.fromkeys(a.id for a in articles))
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for row in self._query(
                        f"SELECT * FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
                    archived[row["id"]] = row
            before = dict(archived)  # the rows as archived, for edition_counts
            for article in articles:
                old = archived.get(article.id)
                if old is None:
                    if article.published is None or article.updated is None:
                        article = article.replace(
                            published=article.published or now,
                            updated=article.updated or article.published or now)
                    inserts[article.id] = archived[article.id] = article
                    touched.update(article.editions)
                    new += 1
                    continue
                if isinstance(old, dict):
                    old = _row_to_article(old)
                if article.version < old.version:
                    stale += 1
                    continue
                if article.content_hash == old.content_hash and article.version == old.version:
                    if (article.editions, article.edition_reasons, article.language,
                            article.countries) != (old.editions, old.edition_reasons,
                                                   old.language, old.countries):
                        # Routing changed (new rules), content did not: no new version.
                        replacement = old.replace(countries=article.countries,
                                                  editions=article.editions,
                                                  edition_reasons=article.edition_reasons,
                                                  language=article.language,
                                                  language_method=article.language_method)
                    else:
                        unchanged += 1
                        continue
                else:
                    version = article.version if article.version > old.version else old.version + 1
                    moved = article.updated if article.updated and (
                        old.updated is None or article.updated > old.updated) else now
                    if article.status in (STATUS_WITHDRAWN, STATUS_CANCELED):
                        # A kill notice usually carries no text: keep the last text, mark it.
                        replacement = old.replace(
                            status=article.status, version=version, updated=moved,
                            status_reason=(article.status_reason
                                           or f"{article.status} by the agency"),
                            content_hash=article.content_hash, parse_hash=article.parse_hash)
                    else:
                        replacement = article.replace(
                            version=version,
                            published=article.published or old.published,
                            updated=moved,
                        )
                    history.append((old.id, old.version, stamp, _JSON.encode(old)))
                pending = inserts if article.id in inserts else replacements
                pending[article.id] = archived[article.id] = replacement
                touched.update(old.editions)
                touched.update(replacement.editions)
                updated += 1
            self._write(list(inserts.values()), list(replacements.values()), history, stamp,
                        stored)
            self._recount(before, [*inserts.values(), *replacements.values()])
        return StoreResult(new, updated, unchanged, stale, frozenset(touched))

    def _recount(self, before: dict[str, dict], written: Sequence[Article]) -> None:
        """Bring ``edition_counts`` up to date with a written batch (in its transaction)."""
        changes = _CountChanges()
        for article in written:
            if (row := before.get(article.id)) is not None:
                changes.leave(row)
            changes.enter(article)
        conn = self.conn
        conn.executemany(
            "INSERT INTO edition_counts (edition, items, newest) VALUES (?, ?, ?) "
            "ON CONFLICT (edition) DO UPDATE SET items = edition_counts.items + excluded.items, "
            "newest = CASE WHEN edition_counts.newest IS NULL "
            "OR excluded.newest > edition_counts.newest "
            "THEN excluded.newest ELSE edition_counts.newest END",
            [(edition, count, changes.newest.get(edition))
             for edition, count in sorted(changes.items.items())])
        # An edition that lost a record may have lost its newest: ask the index (it stops at
        # the first usable row from the top).
        for edition in sorted(changes.recheck):
            row = conn.execute(_NEWEST_USABLE, [edition, STATUS_USABLE]).fetchone()
            conn.execute("UPDATE edition_counts SET newest = ? WHERE edition = ?",
                         [row[0] if row else None, edition])

    def _write(self, inserts: Sequence[Article], replacements: Sequence[Article],
               history: list[tuple], stamp: str, stored: str) -> None:
        """Write a decided batch: new rows, replaced rows, replaced versions, memberships;
        and bump the change mark when the batch changes a record (in the same transaction, so
        the mark moves exactly when the records do)."""
        conn = self.conn
        if inserts or replacements:
            _bump_change_mark(conn)
        conn.executemany(_REPLACE_HISTORY, history)
        # New rows take rowids above the largest (one writer at a time): they are indexed
        # for search by one statement, when the transaction commits (an archive with an
        # insert trigger indexes them itself).
        if (inserts and getattr(self, "_index_new_rows", False)
                and self._unindexed_above is None):
            self._unindexed_above = conn.execute(
                "SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0]
        inserted = [_article_values(article) for article in inserts]
        replaced = [_article_values(article) for article in replacements]
        conn.executemany(_INSERT_ARTICLE, [(*values, stored, stamp, stamp) for values in inserted])
        if replaced:
            # The update trigger takes the old text out of the index: it must be there.
            self.index_new_rows()
        conn.executemany(_UPDATE_ARTICLE, [(*values[1:], stamp, values[0]) for values in replaced])
        gone = [(article.id,) for article in replacements]
        conn.executemany("DELETE FROM article_editions WHERE article_id = ?", gone)
        conn.executemany("DELETE FROM article_sections WHERE article_id = ?", gone)
        editions, sections = _membership_rows(
            [*inserts, *replacements],
            [values[_PUBLISHED] for values in (*inserted, *replaced)])
        conn.executemany(
            "INSERT INTO article_editions (article_id, edition, published, reason) "
            "VALUES (?, ?, ?, ?)", editions)
        conn.executemany(
            "INSERT INTO article_sections (article_id, section, slug, published) "
            "VALUES (?, ?, ?, ?)", sections)

    def feed_articles(self, edition: str, now: datetime, limit: int,
                      section: str | None = None, *,
                      known: dict[str, Article] | None = None) -> list[Article]:
        """The newest ``limit`` visible records of an edition (or of one of its sections).

        Visible: status usable and no embargo, or an embargo that has passed at ``now``.
        Sorted newest first by ``published``, ties by id, so the order is deterministic.

        ``known`` (id -> record) holds the records earlier calls returned: those are not read
        again, and the ones read are added. One publish shows a record in many feeds (every
        English edition, its section feeds), so sharing ``known`` across its calls decodes
        each record once. Valid only while nothing writes the archive (a publish holds the
        writer lock).
        """
        stamp = isoformat(now)
        if section is None:
            sql = (
                "SELECT a.id FROM article_editions e JOIN articles a ON a.id = e.article_id "
                "WHERE e.edition = ? AND a.status = ? AND (a.embargoed IS NULL OR a.embargoed <= ?) "
                "ORDER BY e.published DESC, a.id DESC LIMIT ?"
            )
            params = [edition, STATUS_USABLE, stamp, limit]
        else:
            sql = (
                "SELECT a.id FROM article_sections s JOIN article_editions e "
                "ON e.article_id = s.article_id AND e.edition = ? "
                "JOIN articles a ON a.id = s.article_id "
                "WHERE s.slug = ? AND a.status = ? AND (a.embargoed IS NULL OR a.embargoed <= ?) "
                "ORDER BY s.published DESC, a.id DESC LIMIT ?"
            )
            params = [edition, section, STATUS_USABLE, stamp, limit]
        ids = [article_id for (article_id,) in self.conn.execute(sql, params)]
        known = {} if known is None else known
        missing = [article_id for article_id in ids if article_id not in known]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            for row in self._query(
                    f"SELECT * FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
                known[row["id"]] = _row_to_article(row)
        # A record removed between the two reads is left out, as if removed before them.
        return [known[article_id] for article_id in ids if article_id in known]

    def change_mark(self) -> str:
        """The archive's change mark, ``"<archive id>:<counter>"``: it differs from every
        earlier mark of this archive once a record was added, replaced, killed or rerouted,
        and from any other archive's (so a feeds folder moved to a new archive republishes).
        Kept across reopening; read by publishing to know whether the feeds are behind."""
        row = self.conn.execute("SELECT archive, mark FROM change_mark WHERE id = 1").fetchone()
        return f"{row[0]}:{row[1]}" if row else ""

    def edition_stats(self) -> dict[str, tuple[int, datetime | None]]:
        """edition -> (items, newest published) over usable records (kept by :meth:`store`)."""
        rows = self.conn.execute(
            "SELECT edition, items, newest FROM edition_counts WHERE items > 0")
        return {edition: (count, parse_iso(newest)) for edition, count, newest in rows.fetchall()}

    def embargoes_passed(self, since: datetime, now: datetime) -> int:
        """Usable records whose embargo ended after ``since`` and by ``now``."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE embargoed > ? AND embargoed <= ? AND status = ?",
            [isoformat(since), isoformat(now), STATUS_USABLE]).fetchone()[0]

    def pending_embargoes(self, now: datetime) -> datetime | None:
        """The earliest embargo still in the future, or ``None``."""
        row = self.conn.execute(
            "SELECT MIN(embargoed) FROM articles WHERE embargoed > ? AND status = ?",
            [isoformat(now), STATUS_USABLE]).fetchone()
        return parse_iso(row[0]) if row and row[0] else None

    def iter_articles(self, *, edition: str | None = None, source: str | None = None,
                      limit: int | None = None) -> Iterator[Article]:
        """Records newest first, optionally for one edition or source."""
        where, params = [], []
        if edition:
            where.append("id IN (SELECT article_id FROM article_editions WHERE edition = ?)")
            params.append(edition)
        if source:
            where.append("source = ?")
            params.append(source)
        sql = "SELECT * FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY published DESC, id DESC"
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        for row in self._query(sql, params):
            yield _row_to_article(row)

    def count_articles(self) -> int:
        """Number of records in the archive."""
        return self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
