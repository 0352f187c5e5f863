"""Commands that are imported only when asked for (``ingest daemon``, ``ingest serve``): they
pull in a scheduler or a server that ``ingest run-once`` from cron should not pay for. The
command group in :mod:`ingest.cli` lists them and wires them in; each builds what it runs from
the configuration here, at the composition root.
"""
