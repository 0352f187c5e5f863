"""Full-text search over the archive (``ingest search``): SQLite FTS5, PostgreSQL tsvector."""

from __future__ import annotations

from ingest.archive.articles import _row_to_article
from normalize.model import Article


class SearchMixin:
    """Search in :class:`~ingest.archive.Archive`."""

    def search(self, query: str, limit: int = 20) -> list[Article]:
        """Full-text search over titles and bodies, newest first."""
        terms = " ".join('"' + word.replace('"', '""') + '"' for word in query.split())
        if not terms:
            return []
        self.index_new_rows()  # inside a transaction, the rows it stored so far
        rows = self._query(
            "SELECT a.* FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
            "WHERE articles_fts MATCH ? ORDER BY a.published DESC, a.id DESC LIMIT ?",
            [terms, limit])
        return [_row_to_article(row) for row in rows]


class PostgresSearchMixin:
    """Search in :class:`~ingest.archive.postgres.PostgresArchive`: the GIN index over each
    record's title and body in its language's text search configuration. The query is read
    in every configuration (so "economía" finds the Spanish stem, "Häuser" the German one)
    and a record matches when all its words match in one of them. With the ``unaccent``
    extension, accents do not count ("economia" finds "economía"), as in SQLite."""

    def search(self, query: str, limit: int = 20) -> list[Article]:
        """Full-text search over titles and bodies, newest first."""
        from ingest.archive.postgres_schema import QUERY_LANGUAGES, SEARCH_DOCUMENT, SEARCH_QUERY

        if not query.split():
            return []
        rows = self._query(
            f"SELECT a.* FROM articles a WHERE {SEARCH_DOCUMENT} @@ {SEARCH_QUERY} "
            "ORDER BY a.published DESC, a.id DESC LIMIT ?", [*[query] * len(QUERY_LANGUAGES), limit])
        return [_row_to_article(row) for row in rows]
