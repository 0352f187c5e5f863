"""The Celery application of distributed mode: its queues, task names and delivery settings.

Two queues: :data:`SOURCES_QUEUE` (one fetch task per due source) and :data:`PUBLISH_QUEUE`
(the coalesced publish), so an operator can run the publishing worker beside the feeds
folder (``ingest worker --queues wirefeed.publish``) and fetching workers anywhere.

Delivery: a task is acknowledged after it ran (``task_acks_late``), and handed out again when
the worker process running it dies (``task_reject_on_worker_lost``); each worker process takes
one task at a time (prefetch multiplier 1), so a killed worker holds back nothing else. The
store is idempotent (re-storing a source's items changes nothing), so a task that runs twice
duplicates nothing. A lost broker connection is retried for ever with Celery's backoff.

The scheduler sends tasks by name (:data:`FETCH_TASK`, :data:`PUBLISH_TASK`): it never imports
the task code.
"""

from __future__ import annotations

from celery import Celery

SOURCES_QUEUE = "wirefeed.sources"
PUBLISH_QUEUE = "wirefeed.publish"
QUEUES = (SOURCES_QUEUE, PUBLISH_QUEUE)
FETCH_TASK = "wirefeed.fetch_source"
PUBLISH_TASK = "wirefeed.publish"

#: Seconds an unacknowledged task waits before Redis hands it out again (the worker holding it
#: died with its connection open). Longer than any task: a fetch is bounded by its deadline.
VISIBILITY_TIMEOUT = 3600

app = Celery("wirefeed", set_as_current=False)
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    task_default_queue=SOURCES_QUEUE,
    task_routes={FETCH_TASK: {"queue": SOURCES_QUEUE}, PUBLISH_TASK: {"queue": PUBLISH_QUEUE}},
    broker_connection_retry=True,
    broker_connection_retry_on_startup=True,
    broker_connection_max_retries=None,
    broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT,
                              "socket_connect_timeout": 5, "socket_timeout": 30,
                              "retry_on_timeout": True},
    # Publishing a task while the broker is away: retry with backoff, then raise (the
    # scheduler logs and tries again on its next tick).
    task_publish_retry=True,
    task_publish_retry_policy={"max_retries": 5, "interval_start": 0.2, "interval_step": 0.5,
                               "interval_max": 2.0},
    worker_hijack_root_logger=False,
    worker_redirect_stdouts=False,
    worker_send_task_events=False,
    worker_cancel_long_running_tasks_on_connection_loss=False,
    broker_heartbeat=0,
)


def configure(broker: str) -> Celery:
    """The application, pointed at ``broker`` (the ``[pipeline] broker`` URL)."""
    app.conf.broker_url = broker
    return app
