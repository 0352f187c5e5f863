"""Distributed mode (``[pipeline] broker``): ``ingest scheduler`` sends due sources to
``ingest worker`` processes through Celery on Redis; they share one archive.

:mod:`~ingest.distributed.app` (the Celery application and its settings),
:mod:`~ingest.distributed.leases` (what Redis coordinates: the scheduler lease, per-source
locks, per-host slots, coalesced publishing), :mod:`~ingest.distributed.scheduler` and
:mod:`~ingest.distributed.tasks`. The commands are wired in :mod:`ingest.commands.distributed`.
"""
