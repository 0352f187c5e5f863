"""``ingest daemon``: every source on its own schedule, in one long-running process.

APScheduler 3 (``BlockingScheduler``) runs one job per enabled source: an interval trigger for
``every = "15m"``, a cron trigger for ``cron = "*/10 6-23 * * *"`` (crontab weekdays: Sunday is 0),
in the source's ``timezone``, with its ``jitter``. Jobs run in a thread pool of
``pipeline.concurrency`` threads with ``max_instances=1`` (a slow source never overlaps itself),
``coalesce=True`` (a backlog of missed runs becomes one run) and ``misfire_grace_time =
pipeline.misfire_grace``. A job only fetches when the archive says the source is due, so backoff
after failures and server hints (``Retry-After``, ``max-age``, ``<ttl>``) hold in the daemon too.

Writing. A job reads the source state and fetches without any lock, then takes the archive's
``writer_lock`` just for its commit, so ``ingest run-once`` from cron and the daemon never write
at once and neither waits for the other's network. Each job opens its own SQLite connection
(connections are per thread).

Rendering. A job that changed something asks for a render, and so does any job while the feeds
are behind the archive (a failed render is retried by the next job); renders are debounced by
``pipeline.render_delay`` seconds so twenty sources finishing together render once. After each
render the next pending embargo (:meth:`Archive.pending_embargoes`) gets its own render.

Signals. SIGTERM and SIGINT stop scheduling, let the fetches in flight finish and commit (for up
to :data:`STOP_GRACE` seconds), render if a render was pending, and exit 0 within 10 seconds;
jobs still running after the grace are abandoned uncommitted (their sources stay due).
SIGHUP re-reads the configuration file: an invalid file is logged and the running configuration
kept; added, removed and changed sources are (re-)scheduled.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from typing import Callable, Iterator

from ingest.archive import display_database, is_database_url, open_archive, utcnow, writer_lock
from ingest.config import Config, Source, load_config
from ingest.daemon_parts import Debounced, RunningJobs
from ingest.errors import ConfigError, LockError, WirefeedError
from ingest.fetch import HostLimits
from ingest.pipeline import Publisher, Runner, log_outcome, make_run_client
from ingest.schedule import cron_trigger, is_due
from normalize import places
from normalize.model import forget_digests

log = logging.getLogger(__name__)

#: Seconds the fetches in flight get to finish after SIGTERM/SIGINT (the whole stop stays < 10 s).
STOP_GRACE = 7.0
#: Seconds for the final commits once the grace is over.
STOP_FINISH = 2.0
#: Seconds after the signal by which the process is gone, whatever is still running.
STOP_LIMIT = 9.0


def make_trigger(source: Source, config: Config):
    """The APScheduler trigger of a source: cron, else interval (``every`` or the default)."""
    from apscheduler.triggers.interval import IntervalTrigger

    zone = source.timezone or config.pipeline.timezone
    jitter = source.jitter or config.pipeline.jitter or None
    if source.cron:
        return cron_trigger(source.cron, zone, jitter)
    return IntervalTrigger(seconds=source.every or config.pipeline.every, timezone=zone,
                           jitter=jitter)


class Daemon:
    """The scheduler, its jobs and its signal handling. :meth:`run` blocks until stopped."""

    def __init__(self, config: Config, publisher_for: Callable[[Config], Publisher], *,
                 lock_wait: float = 60.0):
        """``publisher_for`` makes the publisher of a configuration (again after a reload);
        the ``ingest daemon`` command passes one that never forks (this process has threads)."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.blocking import BlockingScheduler

        self.config = config
        self.publisher_for = publisher_for
        self.path = config.path
        # The archive and the feeds folder are fixed for the daemon's life (a reload that moves
        # them is logged and needs a restart): jobs in flight must not write to two archives.
        self.database = config.pipeline.database
        self.lock_wait = lock_wait
        self.scheduler = BlockingScheduler(
            timezone=timezone.utc,
            executors={"default": ThreadPoolExecutor(config.pipeline.concurrency)},
            job_defaults={"max_instances": 1, "coalesce": True,
                          "misfire_grace_time": max(int(config.pipeline.misfire_grace), 1)},
        )
        self.client = make_run_client(config)
        self._retired_clients: list = []  # replaced on reload, closed at stop (jobs may hold one)
        self.limits = HostLimits(config.pipeline.concurrency, config.pipeline.per_host)
        self.stopping = threading.Event()
        self.stop_started = self.stop_deadline = float("inf")
        self.jobs = RunningJobs()
        self._config_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._render_due = Debounced(self._publish, lambda: self.config.pipeline.render_delay,
                                 "wirefeed-render")
        self.renders = 0

    # -- life cycle ---------------------------------------------------------------------------

    def run(self) -> int:
        """Schedule every source, block until SIGTERM/SIGINT, stop cleanly. Returns the exit code."""
        archive = open_archive(self.database)  # creates the schema once, before any job thread
        try:
            next_embargo = archive.pending_embargoes(utcnow())
        finally:
            archive.close()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        # Feed rendering may fork worker processes: they must die on SIGTERM like any worker,
        # not inherit the daemon's "stop gracefully" handlers (Pool.terminate would hang).
        os.register_at_fork(after_in_child=_default_signals)
        places.warm_up_in_background()  # edition routing's place names, off the first job's path
        scheduled = self.schedule_all(self.config)
        self._schedule_embargo(next_embargo)
        # Publishing skips unchanged channels, so this is cheap; it repairs feeds a previous
        # daemon could not render before it was stopped.
        self.request_render("start")
        log.info("daemon started (pid %d): %d sources scheduled from %s; archive %s",
                 os.getpid(), scheduled, self.path, display_database(self.database))
        if not self.stopping.is_set():
            self.scheduler.start()  # blocks until _on_stop shuts the scheduler down
        return self._finish()

    def _on_stop(self, signum: int, frame) -> None:
        # Signal handlers run in the main thread, inside the scheduler's loop: do the minimum
        # here and let another thread stop the scheduler.
        name = signal.Signals(signum).name
        if self.stopping.is_set():
            log.warning("%s again: already stopping", name)
            return
        self.stop_started = time.monotonic()
        self.stop_deadline = self.stop_started + STOP_GRACE
        self.stopping.set()
        log.info("%s: stopping; %d jobs in flight get up to %gs to finish", name,
                 len(self.jobs), STOP_GRACE)
        threading.Thread(target=self._stop_scheduler, name="wirefeed-stop", daemon=True).start()

    def _stop_scheduler(self) -> None:
        from apscheduler.schedulers import SchedulerNotRunningError

        for _ in range(100):  # the signal may arrive before start(); run() checks the flag too
            if self.scheduler.running:
                with contextlib.suppress(SchedulerNotRunningError):
                    self.scheduler.shutdown(wait=False)
                return
            time.sleep(0.05)

    def _finish(self) -> int:
        # From the deadline no job starts a commit; the ones committing then are let finish.
        self.jobs.wait_or_abandon(self.stop_deadline, STOP_FINISH)
        if self._render_due.cancel():
            # Bounded like the rest of the stop: feeds are written atomically (temp file and
            # rename), so a render cut short leaves the old feeds, and the next start renders.
            render = threading.Thread(target=self._render_due.run_now, name="wirefeed-render",
                                      daemon=True)
            render.start()
            render.join(max(self.stop_started + STOP_LIMIT - time.monotonic(), 0.0))
            if render.is_alive():
                log.warning("the feed render pending at shutdown did not finish in time; the "
                            "next start renders (or run `ingest render`)")
                self.jobs.abandoned = True
        log.info("daemon stopped")
        if self.jobs.abandoned:
            # Worker threads stuck in a read cannot be interrupted; they would hold the
            # interpreter's exit. Everything committed is committed: leave now.
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        self.client.close()
        for client in self._retired_clients:
            client.close()
        return 0

    # -- scheduling ---------------------------------------------------------------------------

    def schedule_all(self, config: Config) -> int:
        """Add a job for every enabled source of ``config``. Returns how many."""
        count = 0
        for source in config.sources:
            if source.enabled:
                self.schedule(source, config)
                count += 1
            else:
                log.info("[%s] disabled: not scheduled", source.id)
        return count

    def schedule(self, source: Source, config: Config) -> None:
        """Add (or replace) ``source``'s job; it fires at once when the source is already due."""
        now = utcnow()
        archive = open_archive(self.database)
        try:
            state = archive.source_state(source.id)
        finally:
            archive.close()
        options = {}
        if is_due(source, state, config, now):
            options["next_run_time"] = datetime.now(timezone.utc)
        elif not source.cron and state.next_due is not None:
            options["next_run_time"] = state.next_due
        self.scheduler.add_job(self.run_job, make_trigger(source, config), args=[source.id],
                               id=job_id(source.id), name=f"source {source.id}",
                               replace_existing=True, **options)
        when = options.get("next_run_time")
        log.info("[%s] scheduled (%s)%s", source.id,
                 f"cron {source.cron!r}" if source.cron else f"every {source.every or config.pipeline.every:g}s",
                 f"; first run at {when.isoformat()}" if when else "")

    def _schedule_embargo(self, when: datetime | None) -> None:
        if when is None or self.stopping.is_set():
            return
        self.scheduler.add_job(self.request_render, "date", run_date=when, args=["embargo"],
                               id="embargo", name="render at embargo", replace_existing=True)
        log.info("next embargo lifts at %s: feeds will be re-rendered then", when.isoformat())

    # -- jobs ---------------------------------------------------------------------------------

    def current_source(self, source_id: str) -> tuple[Config, Source | None]:
        with self._config_lock:
            config = self.config
        return config, next((s for s in config.sources if s.id == source_id and s.enabled), None)

    @contextlib.contextmanager
    def writing(self, what: str) -> Iterator[None]:
        """Hold the archive's writer lock, waiting up to ``lock_wait`` (less once stopping)."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            lock = writer_lock(self.database, 0)
            try:
                lock.__enter__()
                break
            except LockError:
                limit = min(deadline, self.stop_deadline + STOP_FINISH)
                if time.monotonic() >= limit:
                    raise LockError(f"{what}: another run held the archive lock for too long",
                                    where=_lock_name(self.database)) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            lock.__exit__(None, None, None)

    def run_job(self, source_id: str) -> None:
        """One scheduled run of a source: fetch if due, commit under the lock, ask for a render."""
        if self.stopping.is_set():
            return
        config, source = self.current_source(source_id)
        if source is None:
            return
        with self.jobs.tracking(source_id):
            now = utcnow()
            try:
                archive = open_archive(self.database)
            except WirefeedError as exc:  # a database server gone away: the next run retries
                log.error("[%s] %s; this run is dropped (the source stays due)", source_id, exc)
                return
            runner = Runner(config, archive, self.client, now, limits=self.limits)
            try:
                state = archive.source_state(source_id)
                if not is_due(source, state, config, now):
                    log.debug("[%s] not due before %s (%s)", source_id,
                              state.next_due.isoformat() if state.next_due else "-",
                              state.next_due_reason or "schedule")
                    return
                job = runner.prepare(source)
                if job.remote:
                    runner.collect(job)  # the network, outside the lock
                if self.jobs.abandoned:
                    return
                with self.writing(f"[{source_id}]"), self.jobs.commit_slot() as allowed:
                    if not allowed:
                        return
                    outcome = runner.commit(job)
                log_outcome(outcome)
                if outcome.status == "failed":
                    log.warning("[%s] failed: %s", source_id, outcome.reason)
                # A job that stored nothing still asks for a render while the feeds are behind
                # the archive (a render that failed, or a run-once killed before its publish
                # finished): the archive's change mark differs from the one last published.
                if outcome.changed or self.publisher_for(config).needs_publish(archive, now):
                    self.request_render(source_id)
            except LockError as exc:
                log.warning("[%s] %s; this run is dropped (the source stays due)", source_id,
                            exc.reason)
            except WirefeedError as exc:
                log.error("[%s] %s", source_id, exc)
            finally:
                runner.close()
                archive.close()
                # Memory: a daemon keeps no parse state between fetches (bench/soak.py).
                forget_digests()

    # -- rendering ----------------------------------------------------------------------------

    def request_render(self, why: str = "change") -> None:
        """Render the feeds ``render_delay`` seconds from now, once for every request until then."""
        delay = self._render_due.request()
        if delay is not None:
            log.debug("render requested by %s; rendering in %gs", why, delay)

    def render_now(self) -> None:
        """Render the feeds now (after a render in progress), instead of a pending one."""
        self._render_due.run_now()

    def _publish(self) -> None:
        from normalize.language import clear_cache as clear_language_cache
        from syndicate.channel import forget_entries

        with self._config_lock:
            config = self.config
        try:
            with self.writing("render"):
                now = utcnow()
                archive = open_archive(self.database)
                try:
                    written = self.publisher_for(config).publish(archive, now)
                    next_embargo = archive.pending_embargoes(now)
                finally:
                    archive.close()
        except WirefeedError as exc:
            log.error("render failed: %s", exc)
            return
        except Exception:
            log.exception("render failed")
            return
        # Memory: entries are kept by record version; past this publish only the records
        # still shown are asked for again, and the cache would fill with every version ever
        # shown (how fast: bench/README.md, from bench/soak.py).
        forget_entries()
        # Language results are cached by text (16,384 of them): in a daemon, unchanged items
        # are skipped by their parse hash before detection, so the cache mostly fills.
        clear_language_cache()
        trim_malloc()
        self.renders += 1
        log.info("feeds rendered: %d files written under %s", len(written), config.pipeline.feeds)
        self._schedule_embargo(next_embargo)

    # -- reloading ----------------------------------------------------------------------------

    def _on_reload(self, signum: int, frame) -> None:
        threading.Thread(target=self.reload, name="wirefeed-reload", daemon=True).start()

    def reload(self) -> bool:
        """Re-read the configuration file and re-schedule what changed. False if it was invalid."""
        with self._reload_lock:
            if self.stopping.is_set():
                return False
            try:
                new = load_config(self.path)
            except ConfigError as exc:
                log.error("reload: %s; keeping the running configuration", exc)
                return False
            with self._config_lock:
                old, self.config = self.config, new
                if old.pipeline.allow_private != new.pipeline.allow_private:
                    # The destination check follows the file at once (a narrowed allow_private
                    # holds for the next fetch): new jobs get a client with the new guard.
                    self._retired_clients.append(self.client)
                    self.client = make_run_client(new)
                    log.info("reload: allow_private is now %s", list(new.pipeline.allow_private))
            if new.pipeline.database != self.database:
                log.warning("reload: [pipeline] database changed to %s; restart the daemon to use "
                            "it (still writing %s)", display_database(new.pipeline.database),
                            display_database(self.database))
            before = {s.id: s for s in old.sources if s.enabled}
            after = {s.id: s for s in new.sources if s.enabled}
            for source_id in sorted(before.keys() - after.keys()):
                with contextlib.suppress(Exception):
                    self.scheduler.remove_job(job_id(source_id))
                log.info("[%s] removed from the schedule (reload)", source_id)
            for source in new.sources:
                if source.id not in after:
                    continue
                if source.id not in before:
                    log.info("[%s] added (reload)", source.id)
                    self.schedule(source, new)
                elif before[source.id] != source or old.pipeline != new.pipeline:
                    log.info("[%s] changed: re-scheduled (reload)", source.id)
                    self.schedule(source, new)
            log.info("reload: %d sources scheduled from %s", len(after), self.path)
            return True


def trim_malloc() -> None:
    """Give the memory glibc's malloc holds free back to the system (``malloc_trim(0)``).

    A render allocates and frees tens of megabytes from the fetch and render threads' arenas;
    what is freed stays in them, fragmented around what lives on, so a daemon's heap crept up
    by several megabytes an hour (bench/soak.py) with the Python objects flat (tracemalloc).
    Only on glibc; a no-op elsewhere. Costs a few milliseconds after each render.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _default_signals() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def job_id(source_id: str) -> str:
    """The scheduler job id of a source."""
    return f"source:{source_id}"


def _lock_name(database) -> str:
    """Where the writer lock lives, for messages: ``<database>.lock``, or the database."""
    return display_database(database) if is_database_url(database) else f"{database}.lock"
