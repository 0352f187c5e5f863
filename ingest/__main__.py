"""``python -m ingest`` runs the ``ingest`` command line."""

from ingest.cli import main

main(prog_name="ingest")
