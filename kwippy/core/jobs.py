"""Background jobs: Procrastinate, in the PostgreSQL kwippy already runs.

A job is a small function in the `jobs.py` of the app that owns the work, found there by
Procrastinate's autodiscovery (PROCRASTINATE_AUTODISCOVER_MODULE_NAME). Queued with `.defer()` in
a web process it is a row written on Django's connection, so it belongs to the caller's
transaction: a rolled-back save queues nothing. A worker may be killed at any moment and its job
run again, so every job is idempotent.

Queues by urgency, two lanes. A Procrastinate worker takes the next job from its queues whenever
one of its `concurrency` slots is free; a job already running is never set aside. On one worker
serving both queues, a few long imports fill every slot and a password-reset mail waits behind
them, however high its priority. So a worker is two processes (the Procfile's `interactive` and
`bulk` lines, both `manage.py jobs_worker`, Procrastinate's worker that comes back after a
database outage: kwippy/core/worker.py): one serves `interactive` alone (what a person
is waiting for: mail, soon a page fetch for their own save), the other `bulk` (imports, periodic
upkeep). Bulk work can fill its own lane and no more. Two processes rather than two lanes in one:
a CPU-bound import holds its process's GIL, and a lane killed or stuck leaves the other running.

Stalled jobs. A worker killed with SIGKILL never marks its job finished; the row would stay
"doing" for ever. Workers record a heartbeat (KWIPPY_WORKER_HEARTBEAT_SECONDS), and
`jobs_retry_stalled` runs as often, on every lane's periodic deferrer (the database keeps one run
per tick), and puts the jobs of workers silent for KWIPPY_WORKER_STALLED_SECONDS back in the
queue.
"""

import base64
import email
import email.message
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

log = logging.getLogger(__name__)


@app.periodic(cron=f"* * * * * */{settings.KWIPPY_WORKER_HEARTBEAT_SECONDS}")
# On `interactive`: a few queries that must not wait for bulk work, or a killed interactive lane's
# mail would wait for the end of an import.
@app.task(queue=settings.KWIPPY_INTERACTIVE_QUEUE, queueing_lock="jobs_retry_stalled")
async def jobs_retry_stalled(timestamp: int) -> None:
    """Queue again the jobs whose worker stopped sending heartbeats."""
    for job in await app.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.KWIPPY_WORKER_STALLED_SECONDS
    ):
        log.warning("jobs: retrying job %s (%s), its worker is gone", job.id, job.task_name)
        await app.job_manager.retry_job(job)


class _ParsedMime(email.message.Message):
    """A parsed MIME message that Django's mail backends can write out, as they do their own."""

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return super().as_bytes(unixfrom, policy=self.policy.clone(linesep=linesep))


class _WrittenMessage(EmailMessage):
    """A message Django wrote when it was queued: sent byte for byte, on every attempt alike."""

    def __init__(self, *, mime: bytes, from_email: str, recipients: list[str]):
        super().__init__(from_email=from_email, to=recipients)
        self.mime = mime

    def message(self) -> email.message.Message:
        return email.message_from_bytes(self.mime, _class=_ParsedMime)


@app.task(
    queue=settings.KWIPPY_INTERACTIVE_QUEUE,
    # A server down or slow (a timeout is an OSError) is tried again after 2, 4, 8 … s: for about
    # an hour in all, then the job stays failed in the admin, where it can be retried.
    retry=RetryStrategy(
        max_attempts=11, exponential_wait=2, retry_exceptions=[smtplib.SMTPException, OSError]
    ),
)
def mail_send(*, mime: str, from_email: str, recipients: list[str]) -> None:
    """Send a queued message through the backend EMAIL_URL names."""
    message = _WrittenMessage(
        mime=base64.b64decode(mime), from_email=from_email, recipients=recipients
    )
    get_connection(settings.KWIPPY_EMAIL_DELIVERY_BACKEND).send_messages([message])
