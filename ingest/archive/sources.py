"""Sources and their health (validators, failures, next due time, latencies), and the inbox
files a ``keep = true`` source remembers.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ingest.archive.schema import upsert_sql
from normalize.model import (
    isoformat,
    parse_iso,
)


_LATENCY_WINDOW = 20
_REMEMBER_FILE = upsert_sql("seen_files", ("source", "sha256", "name", "seen_at", "status", "reason"))


@dataclass(frozen=True)
class SourceState:
    """A row of the ``sources`` table, typed."""

    id: str
    kind: str | None = None
    location: str | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None
    failures: int = 0
    failing_since: datetime | None = None
    next_due: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_redirect: str | None = None
    items_total: int = 0
    latencies: tuple[float, ...] = ()
    repairs: str | None = None
    #: why ``next_due`` is when it is: schedule, backoff, retry-after, max-age, expires or ttl
    next_due_reason: str | None = None

    @property
    def median_latency(self) -> float | None:
        """Median fetch latency in seconds over the recent successful fetches."""
        return statistics.median(self.latencies) if self.latencies else None


def _state_from_row(row: dict[str, Any]) -> SourceState:
    """A ``sources`` row, typed."""
    return SourceState(
        id=row["id"], kind=row["kind"], location=row["location"],
        last_attempt=parse_iso(row["last_attempt"]),
        last_success=parse_iso(row["last_success"]), last_status=row["last_status"],
        last_error=row["last_error"], failures=row["failures"] or 0,
        failing_since=parse_iso(row["failing_since"]), next_due=parse_iso(row["next_due"]),
        etag=row["etag"], last_modified=row["last_modified"],
        permanent_redirect=row["permanent_redirect"], items_total=row["items_total"] or 0,
        latencies=tuple(json.loads(row["latencies"] or "[]")), repairs=row["repairs"],
        next_due_reason=row.get("next_due_reason"),
    )


class SourcesMixin:
    """The ``sources`` and ``seen_files`` tables of :class:`~ingest.archive.Archive`."""

    # -- sources ------------------------------------------------------------------------------

    def source_state(self, source_id: str) -> SourceState:
        """The stored state of a source (a blank state for a source never run)."""
        rows = list(self._query("SELECT * FROM sources WHERE id = ?", [source_id]))
        return _state_from_row(rows[0]) if rows else SourceState(id=source_id)

    def save_source_state(self, state: SourceState) -> None:
        """Write a source's state (in its own transaction)."""
        row = {
            "id": state.id, "kind": state.kind, "location": state.location,
            "last_attempt": isoformat(state.last_attempt),
            "last_success": isoformat(state.last_success), "last_status": state.last_status,
            "last_error": state.last_error, "failures": state.failures,
            "failing_since": isoformat(state.failing_since), "next_due": isoformat(state.next_due),
            "etag": state.etag, "last_modified": state.last_modified,
            "permanent_redirect": state.permanent_redirect, "items_total": state.items_total,
            "latencies": json.dumps(list(state.latencies[-_LATENCY_WINDOW:])),
            "repairs": state.repairs, "next_due_reason": state.next_due_reason,
        }
        names = list(row)
        with self.transaction():
            self.conn.execute(upsert_sql("sources", names), [row[n] for n in names])

    def source_states(self) -> dict[str, SourceState]:
        """Every stored source state by id."""
        return {row["id"]: _state_from_row(row)
                for row in self._query("SELECT * FROM sources ORDER BY id")}

    def new_items_since(self, source_id: str, since: datetime) -> int:
        """Records of a source first archived after ``since``."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE source = ? AND first_seen > ?",
            [source_id, isoformat(since)]).fetchone()[0]

    # -- inbox files --------------------------------------------------------------------------

    def seen_file(self, source: str, sha256: str) -> dict[str, Any] | None:
        """The remembered outcome for an inbox file's content, or ``None``."""
        rows = list(self._query(
            "SELECT * FROM seen_files WHERE source = ? AND sha256 = ?", [source, sha256]))
        return rows[0] if rows else None

    def remember_file(self, source: str, sha256: str, name: str, now: datetime,
                      status: str, reason: str | None = None) -> None:
        """Remember an inbox file's content hash and outcome."""
        with self.transaction():
            self.conn.execute(_REMEMBER_FILE, [source, sha256, name, isoformat(now), status, reason])
