"""Jobs the tests queue for real workers (tests/jobs.py): each leaves files a test can wait on."""

import time
from pathlib import Path

from django.conf import settings
from procrastinate.contrib.django import app


@app.task(queue=settings.KWIPPY_BULK_QUEUE)
def job_hold(*, path: str) -> None:
    """Write `<path>.started`, wait for `<path>.release` (a minute at most), write `<path>.done`."""
    Path(f"{path}.started").touch()
    deadline = time.monotonic() + 60
    while not Path(f"{path}.release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    Path(f"{path}.done").touch()


@app.task(queue=settings.KWIPPY_INTERACTIVE_QUEUE)
def job_mark(*, path: str) -> None:
    """Write `path`."""
    Path(path).touch()
