"""The portability app's jobs: imports of uploaded bookmark files, on the bulk queue."""

from django.conf import settings
from django.utils import timezone
from procrastinate.contrib.django import app

from kwippy.portability import services


@app.task(queue=settings.KWIPPY_BULK_QUEUE)
def import_run(*, import_id: int) -> None:
    """Import a stored bookmark file (queued by services.import_queue)."""
    services.import_run(import_id=import_id)


@app.periodic(cron="17 * * * *")
@app.task(queue=settings.KWIPPY_BULK_QUEUE, queueing_lock="import_files_delete_expired")
def import_files_delete_expired(timestamp: int) -> None:
    """Delete the kept files of imports that failed over a day ago."""
    services.import_files_delete_expired(now=timezone.now())
