"""The job of the job latency benchmark (bench/job_latency.py), registered by bench/job_settings.py.

It uses Procrastinate's Django app and the queue names of the settings, nothing of kwippy's: the
benchmark measures the engine as kwippy configures and runs it, not a job of kwippy's, whose own
work would add to the figure.
"""

import time
from pathlib import Path

from django.conf import settings
from procrastinate.contrib.django import app


@app.task(queue=settings.KWIPPY_INTERACTIVE_QUEUE)
def job_started(*, queued_at: float, path: str) -> None:
    """Add to the file at `path` the seconds between `queued_at` and this job's start."""
    waited = time.time() - queued_at
    with Path(path).open("a") as record:
        record.write(f"{waited}\n")


def jobs_queue_spaced(*, count: int, interval: float, path: str) -> None:
    """Queue `count` jobs, one every `interval` seconds, as a site's requests queue mail.

    Each is stamped with the time just before its `defer()`: the insert, its commit and the
    NOTIFY that wakes a worker are part of what is measured.
    """
    for _ in range(count):
        job_started.defer(queued_at=time.time(), path=path)
        time.sleep(interval)
