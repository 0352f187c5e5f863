"""Source commits that share one archive transaction (:class:`CommitGroup`), as ``run_once``
writes the sources whose records are ready one after another."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, wait

from ingest.archive import Archive

#: Sources whose commits may share one archive transaction, when their records are ready one
#: after another: each transaction rewrites the index and search-index pages it touches and
#: flushes a full-text segment, so fewer of them write less (the figure: bench/README.md).
COMMIT_GROUP_SOURCES = 16
#: Seconds the run waits for the next source's records with a group open before it commits
#: the group anyway: what is stored is never held uncommitted for long while a source is slow.
COMMIT_GROUP_WAIT = 0.5


class CommitGroup:
    """One archive transaction shared by consecutive source commits (each a savepoint in it).

    A group ends before the run waits for a source still being collected (what is stored is
    never held uncommitted while the network is slow), before an inbox source (its files move
    as each file's transaction commits), after :data:`COMMIT_GROUP_SOURCES` sources, and at the
    end of the run. A crash loses at most the group's sources, records and source states
    together, so their next run fetches and stores them again: nothing is half-stored. What a
    source's commit announces (its log line: "N new") is said once the group has committed, so
    the log never reports as stored what a crash then lost.
    """

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._open: contextlib.AbstractContextManager[None] | None = None
        self._sources = 0
        self._announcements: list[Callable[[], None]] = []

    def enter(self) -> None:
        """Start a transaction when none is open (before a source's commit)."""
        if self._open is None:
            self._open = self.archive.transaction()
            self._open.__enter__()
            self._sources = 0

    def wait_for(self, future: Future) -> bool:
        """Wait up to :data:`COMMIT_GROUP_WAIT` seconds for ``future`` while a group is open;
        returns whether it is done."""
        if future.done():
            return True
        if self._open is None:
            return False
        return not wait([future], timeout=COMMIT_GROUP_WAIT).not_done

    def committed(self, announce: Callable[[], None] | None = None) -> None:
        """A source was committed in the group: ``announce`` is called once the group's
        transaction has committed (at once when no group is open); the group ends when full."""
        if announce is not None:
            if self._open is None:
                announce()
            else:
                self._announcements.append(announce)
        self._sources += 1
        if self._sources >= COMMIT_GROUP_SOURCES:
            self.end()

    def end(self) -> None:
        """Commit the open transaction, if any."""
        self.__exit__(None, None, None)

    def __enter__(self) -> "CommitGroup":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        """End the open transaction, if any: committed, or rolled back when ``kind`` is an
        exception raised in the group."""
        if self._open is not None:
            current, self._open = self._open, None
            announcements, self._announcements = self._announcements, []
            current.__exit__(kind, value, traceback)
            if kind is None:
                for announce in announcements:
                    announce()
