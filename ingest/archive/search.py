"""Full-text search over the archive (``ingest search``: SQLite FTS5)."""

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
        rows = self._query(
            "SELECT a.* FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
            "WHERE articles_fts MATCH ? ORDER BY a.published DESC, a.id DESC LIMIT ?",
            [terms, limit])
        return [_row_to_article(row) for row in rows]
